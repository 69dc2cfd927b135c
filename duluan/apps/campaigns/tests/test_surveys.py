"""Awareness and support from a survey round linked to a campaign: the link, the figures, the pages."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from duluan.apps.audit.models import AuditEvent
from duluan.apps.campaigns import demo as campaigns_demo
from duluan.apps.campaigns import selectors, services
from duluan.apps.campaigns.models import SurveyLink


@pytest.fixture
def survey_frame(db):
    """The surveys demo's synthetic frame of Bắc Ninh's 2025 communes (as the demo finds it)."""
    from duluan.apps.geo.models import AdminUnit
    from duluan.apps.surveys import demo as surveys_demo
    from duluan.apps.surveys.services import frame_import

    content, _ = surveys_demo._synthetic_frame_csv()
    province = AdminUnit.objects.get(scheme="2025", code="24")
    return frame_import(
        name=surveys_demo.FRAME_NAME, year=2025, province=province, content=content, is_synthetic=True
    )[0]


@pytest.fixture
def wide_campaign(demo, agency, unit):
    """A campaign across the whole former Bắc Giang province (pre-2025 unit 24), 1–31/3/2026."""
    return services.campaign_create(
        actor=demo["dieuphoi"],
        title="Tuyên truyền hợp nhất tỉnh ở Bắc Giang cũ",
        theme="Hợp nhất tỉnh",
        keywords=["sáp nhập"],
        target_units=[unit("24", "pre2025")],
        start_on=date(2026, 3, 1),
        end_on=date(2026, 3, 31),
        lead_agency=agency("bn-btg-dv"),
    )


@pytest.fixture
def linked(wide_campaign, survey_frame, demo):
    """The demo's survey round (synthetic answers), drawn, answered and linked to the campaign."""
    campaigns_demo._survey(wide_campaign, {"coordinator": demo["dieuphoi"]}, date(2026, 6, 1))
    return wide_campaign


def test_a_linked_round_gives_weighted_awareness_and_support_by_group(linked):
    # when the campaign's survey figures are read
    survey = selectors.campaign_survey(linked)
    # then one synthetic round is shown, with figures for everyone and for both groups of communes
    assert survey["available"] and len(survey["panels"]) == 1
    panel = survey["panels"][0]
    assert panel.synthetic and panel.available
    assert panel.targeted_communes > 5 and panel.other_communes > 5
    (_, question, aware, _), (_, _, support, _) = panel.rows
    assert question.startswith("Ông/bà có biết về việc hợp nhất tỉnh")
    # the simulated 84 % vs 58 % aware and 70 % vs 55 % supporting are recovered within their intervals
    assert aware.targeted.value == pytest.approx(0.84, abs=0.07)
    assert aware.other.value == pytest.approx(0.58, abs=0.07)
    assert aware.targeted.low < aware.targeted.value < aware.targeted.high
    assert aware.difference.low > 0  # the gap of 26 points is clearly there
    assert support.targeted.value == pytest.approx(0.70 * 0.96, abs=0.08)  # 4 % "don't know" count as not
    assert aware.targeted.n + aware.other.n == aware.overall.n == panel.respondents
    assert "cao hơn" in panel.statements[0]


def test_too_few_respondents_in_the_targeted_communes_says_so(campaign, linked, demo):
    # given the two-ward campaign linked to the same round (few, if any, of its respondents there)
    round_ = linked.survey_links.get().round
    services.survey_link_set(
        campaign=campaign,
        round_=round_,
        actor=demo["dieuphoi"],
        awareness_item="biet_hop_nhat",
        support_item="ung_ho",
    )
    # when read
    panel = selectors.campaign_survey(campaign)["panels"][0]
    # then no number is given for the targeted communes nor the difference, and the reason is said
    (_, _, aware, _), _ = panel.rows
    assert not aware.targeted.enough and "cần ít nhất 30" in aware.targeted.reasons[0]
    assert aware.overall.enough
    assert panel.statements[0].startswith("Chưa đủ số liệu để so sánh")


def test_no_linked_round_says_so_plainly(campaign):
    survey = selectors.campaign_survey(campaign)
    assert not survey["available"] and survey["panels"] == []
    assert survey["message"] == selectors.SURVEY_NOT_LINKED


def test_a_link_names_real_questions_and_only_coordinators_make_it(linked, demo):
    link = linked.survey_links.get()
    round_ = link.round
    kwargs = {"campaign": linked, "round_": round_, "actor": demo["dieuphoi"]}
    # bad questions are refused with the reasons
    with pytest.raises(ValidationError) as exc:
        services.survey_link_set(**kwargs, awareness_item="khong_co", support_item="ung_ho")
    assert exc.value.messages[0].startswith("Bộ câu hỏi của đợt khảo sát không có câu hỏi 'khong_co'")
    with pytest.raises(ValidationError) as exc:
        services.survey_link_set(
            **kwargs, awareness_item="biet_hop_nhat", awareness_value="x", support_item="ung_ho"
        )
    assert exc.value.messages == [
        services.ERROR_AWARE_VALUE.format(item="biet_hop_nhat", value="x", values="co, khong")
    ]
    with pytest.raises(ValidationError) as exc:
        services.survey_link_set(**kwargs, awareness_item="y_kien", support_item="ung_ho")
    assert exc.value.messages == [services.ERROR_NOT_SELECT_ONE.format(item="y_kien")]
    with pytest.raises(ValidationError) as exc:
        services.survey_link_set(
            **kwargs, awareness_item="biet_hop_nhat", support_item="ung_ho", support_max=7
        )
    assert exc.value.messages == [services.ERROR_SUPPORT_VALUES.format(item="ung_ho", values="4, 5, 6, 7")]
    # an officer may not link
    with pytest.raises(PermissionDenied):
        services.survey_link_set(
            **{**kwargs, "actor": demo["canbo.btg"]}, awareness_item="biet_hop_nhat", support_item="ung_ho"
        )
    # a change is recorded with before and after
    services.survey_link_set(**kwargs, awareness_item="biet_giay_to", support_item="ung_ho", support_min=5)
    event = AuditEvent.objects.filter(action="campaigns.survey_link_set").order_by("pk").last()
    assert (
        event.before["awareness_item"] == "biet_hop_nhat" and event.after["awareness_item"] == "biet_giay_to"
    )
    assert SurveyLink.objects.get(pk=link.pk).support_min == 5


def test_the_pages_show_the_figures_and_link_rounds(linked, client, demo):
    # an analyst sees the figures and the synthetic warning, but no link button
    client.force_login(demo["phantich"])
    html = client.get(reverse("campaigns:campaign", args=[linked.pk])).content.decode()
    assert 'data-testid="survey-table"' in html and "GIẢ LẬP" in html
    assert "Gắn đợt khảo sát" not in html
    # and the round itself opens in the surveys app, its index being the share supporting
    round_page = client.get(reverse("surveys:round", args=[campaigns_demo.SURVEY_ROUND]))
    assert round_page.status_code == 200 and "Tỷ lệ ủng hộ hợp nhất tỉnh" in round_page.content.decode()
    assert client.get(reverse("campaigns:surveys", args=[linked.pk])).status_code == 403
    # an officer of another agency does not find the campaign's survey page at all
    client.force_login(demo["canbo.nnmt"])
    assert client.get(reverse("campaigns:surveys", args=[linked.pk])).status_code == 404
    # a coordinator unlinks, and the page then says there is no survey
    client.force_login(demo["dieuphoi"])
    link = linked.survey_links.get()
    page = client.post(reverse("campaigns:survey_unlink", args=[link.pk]), follow=True)
    assert page.status_code == 200 and not linked.survey_links.exists()
    html = client.get(reverse("campaigns:campaign", args=[linked.pk])).content.decode()
    assert selectors.SURVEY_NOT_LINKED in html
    # and links it again through the form; a wrong question is explained
    url = reverse("campaigns:surveys", args=[linked.pk])
    form = {
        "round": link.round.pk,
        "awareness_item": "biet",
        "awareness_value": "co",
        "support_item": "ung_ho",
        "support_min": "4",
        "support_max": "5",
    }
    assert "không có câu hỏi &#x27;biet&#x27;" in client.post(url, form).content.decode()
    page = client.post(url, {**form, "awareness_item": "biet_hop_nhat"}, follow=True)
    assert 'data-testid="survey-table"' in page.content.decode()


def test_the_api_gives_the_survey_figures(linked, client, demo):
    client.force_login(demo["phantich"])
    detail = client.get(f"/api/campaigns/{linked.pk}").json()
    (survey,) = detail["survey"]
    assert survey["round"] == campaigns_demo.SURVEY_ROUND and survey["synthetic"]
    aware = survey["measures"][0]
    assert aware["measure"] == "aware" and [s["group"] for s in aware["shares"]] == [
        "overall",
        "targeted",
        "other",
    ]
    assert aware["difference_low"] > 0
    assert detail["comparison_method"] == "matched"


def test_the_docx_reports_the_survey(linked, client, demo):
    from docx import Document

    client.force_login(demo["dieuphoi"])
    response = client.get(reverse("campaigns:docx", args=[linked.pk]))
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert campaigns_demo.SURVEY_ROUND_NAME in text and "GIẢ LẬP" in text
    assert "Biết về nội dung tuyên truyền" in cells and "Xã được tuyên truyền" in cells
    assert "cao hơn" in text


def test_a_linked_round_without_answers_says_so(campaign, survey_frame, demo):
    # given a round drawn but not yet answered, linked to the campaign
    from pathlib import Path

    from duluan.apps.surveys.services import index_spec_upsert, instrument_import, round_create, sample_draw

    content = (Path(campaigns_demo.__file__).with_name("data") / "nhan_biet_hop_nhat.xlsx").read_bytes()
    index = index_spec_upsert(
        code="ung-ho-thu", name="Ủng hộ", definition=campaigns_demo.SURVEY_INDEX_DEFINITION
    )
    round_ = round_create(
        code="chua-tra-loi",
        name="Đợt chưa có phiếu",
        year=2026,
        agency=campaign.lead_agency,
        instrument=instrument_import(content=content)[0],
        frame=survey_frame,
        index=index,
        n_communes={"phuong": 2, "xa": 2},
        n_villages=2,
        n_respondents=2,
        seed=1,
    )
    sample_draw(round_=round_)
    services.survey_link_set(
        campaign=campaign,
        round_=round_,
        actor=demo["dieuphoi"],
        awareness_item="biet_hop_nhat",
        support_item="ung_ho",
    )
    # when read
    survey = selectors.campaign_survey(campaign)
    # then there is no figure, only the plain reason
    assert not survey["available"]
    assert (
        survey["panels"][0].message
        == "Đợt khảo sát “Đợt chưa có phiếu” chưa có kết quả: Đợt khảo sát chưa có phiếu trả lời nào."
    )
    assert survey["panels"][0].rows == []


def test_the_admin_links_a_round_through_the_service(linked, client, demo):
    # given the administrator in the admin, the existing link removed there
    client.force_login(demo["quantri"])
    link = linked.survey_links.get()
    page = client.post(reverse("admin:campaigns_surveylink_delete", args=[link.pk]), {"post": "yes"})
    assert page.status_code == 302 and not SurveyLink.objects.exists()
    form = {
        "campaign": linked.pk,
        "round": link.round_id,
        "awareness_item": "khong_co",
        "awareness_value": "co",
        "support_item": "ung_ho",
        "support_min": "4",
        "support_max": "5",
    }
    # when a wrong question is named, the admin form says why
    page = client.post(reverse("admin:campaigns_surveylink_add"), form)
    assert page.status_code == 200 and "không có câu hỏi" in page.content.decode()
    # when right, the link is made through the service, which audits it
    page = client.post(reverse("admin:campaigns_surveylink_add"), {**form, "awareness_item": "biet_hop_nhat"})
    assert page.status_code == 302
    assert SurveyLink.objects.get().awareness_item == "biet_hop_nhat"
    actions = list(AuditEvent.objects.filter(object_id=str(linked.pk)).values_list("action", "actor_id"))
    assert ("campaigns.survey_link_remove", demo["quantri"].pk) in actions
    assert ("campaigns.survey_link_set", demo["quantri"].pk) in actions
