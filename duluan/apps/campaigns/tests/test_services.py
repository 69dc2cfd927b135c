"""Campaigns and outputs: what is accepted, what is refused (and how it is worded), what is audited."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duluan.apps.audit.models import AuditEvent
from duluan.apps.campaigns import services
from duluan.apps.campaigns.models import OutputStatus

TODAY = date(2026, 11, 29)


def _messages(exc) -> list[str]:
    return list(exc.value.messages)


def test_a_campaign_keeps_its_places_of_either_scheme_and_is_audited(campaign, unit, demo, agency):
    # given the campaign of the fixture; when another is created with a pre-2025 commune as its place
    old = unit("07213", "pre2025")
    other = services.campaign_create(
        actor=demo["lanhdao.nnmt"],
        title="Tuyên truyền Luật Đất đai",
        theme="Luật Đất đai 2024",
        topic_codes=["land"],
        target_units=[old],
        start_on=date(2026, 4, 1),
        end_on=date(2026, 4, 30),
        lead_agency=agency("bn-so-nn-mt"),
    )
    # then both keep their places as given, and the creation is in the audit log
    assert {u.code for u in campaign.target_units.all()} == {"07210", "07228"}
    assert [(u.scheme, u.code) for u in other.target_units.all()] == [("pre2025", "07213")]
    event = AuditEvent.objects.get(action="campaigns.campaign_create", object_id=str(campaign.pk))
    assert event.after["target_units"] == ["2025:07210", "2025:07228"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_on": date(2026, 2, 1)}, services.ERROR_END_BEFORE_START),
        ({"topic_codes": [], "keywords": ["  ", "!!"]}, services.ERROR_NO_THEME_MATCH),
        ({"topic_codes": ["khong-co"]}, services.ERROR_TOPIC_CODE.format(code="khong-co")),
        ({"title": "  "}, services.ERROR_TITLE),
    ],
)
def test_a_bad_campaign_is_refused_with_a_clear_message(demo, agency, changes, message):
    args = {
        "actor": demo["dieuphoi"],
        "title": "Chiến dịch",
        "theme": "Chủ đề",
        "topic_codes": ["reorganisation"],
        "keywords": [],
        "start_on": date(2026, 3, 1),
        "end_on": date(2026, 3, 31),
        "lead_agency": agency("bn-btg-dv"),
    } | changes
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(**args)
    assert message in _messages(exc)


def test_an_analyst_or_officer_cannot_create_a_campaign(demo, agency):
    for username in ("phantich", "canbo.nnmt"):
        with pytest.raises(PermissionDenied):
            services.campaign_create(
                actor=demo[username],
                title="x",
                theme="x",
                topic_codes=["land"],
                start_on=date(2026, 3, 1),
                end_on=date(2026, 3, 2),
                lead_agency=agency("bn-so-nn-mt"),
            )


def test_a_delivered_output_is_recorded_with_figures_and_evidence(campaign, demo, channel):
    # when the propaganda board's officer records a meeting held on 10/3 with 250 people
    output = services.output_create(
        campaign=campaign,
        actor=demo["canbo.btg"],
        channel=channel("hoi-nghi"),
        kind="meeting",
        title="Hội nghị đối thoại phường Bắc Giang",
        planned_on=date(2026, 3, 10),
        delivered_on=date(2026, 3, 10),
        attendance=250,
        evidence_url="https://example.org/bien-ban",
        today=TODAY,
    )
    # then it is delivered, its quantity defaults to the plan, its evidence kept, both audited
    assert output.status == OutputStatus.DELIVERED
    assert output.delivered_quantity == 1 and output.attendance == 250
    assert [e.url for e in output.evidence.all()] == ["https://example.org/bien-ban"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"campaigns.output_create", "campaigns.evidence_add"} <= actions


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"channel": None}, services.ERROR_NO_CHANNEL),
        ({"attendance": -5}, services.ERROR_NEGATIVE.format(field="Số người tham dự")),
        ({"reach": -1}, services.ERROR_NEGATIVE.format(field="Lượt tiếp cận")),
        ({"planned_quantity": -2}, services.ERROR_NEGATIVE.format(field="Số lượng kế hoạch")),
        (
            {"delivered_on": date(2026, 2, 20)},
            services.ERROR_DELIVERED_BEFORE_START.format(day="20/02/2026", start="01/03/2026"),
        ),
        ({"delivered_on": date(2026, 12, 30)}, services.ERROR_DELIVERED_FUTURE.format(day="30/12/2026")),
        (
            {"planned_on": date(2026, 4, 5), "delivered_on": None},
            services.ERROR_PLANNED_OUTSIDE.format(day="05/04/2026", start="01/03/2026", end="31/03/2026"),
        ),
        ({"delivered_quantity": 0}, services.ERROR_DELIVERED_ZERO),
        ({"evidence_url": "javascript:alert(1)"}, services.ERROR_EVIDENCE_URL),
        ({"title": ""}, services.ERROR_OUTPUT_TITLE),
    ],
)
def test_a_bad_output_is_refused_with_a_clear_message(campaign, demo, channel, changes, message):
    args = {
        "campaign": campaign,
        "actor": demo["dieuphoi"],
        "channel": channel("bao-chi"),
        "kind": "article",
        "title": "Bài viết",
        "planned_on": date(2026, 3, 5),
        "delivered_on": date(2026, 3, 5),
        "today": TODAY,
    } | changes
    with pytest.raises(ValidationError) as exc:
        services.output_create(**args)
    assert message in _messages(exc)
    assert not campaign.outputs.exists()


def test_a_planned_output_is_delivered_once(campaign, demo, channel):
    output = services.output_create(
        campaign=campaign,
        actor=demo["dieuphoi"],
        channel=channel("mang-xa-hoi"),
        kind="post",
        title="Video hướng dẫn",
        planned_on=date(2026, 3, 8),
        planned_quantity=3,
        today=TODAY,
    )
    assert output.status == OutputStatus.PLANNED
    done = services.output_deliver(
        output=output, actor=demo["dieuphoi"], delivered_on=date(2026, 3, 9), reach=12000, today=TODAY
    )
    assert (done.status, done.delivered_quantity, done.reach) == (OutputStatus.DELIVERED, 3, 12000)
    with pytest.raises(ValidationError) as exc:
        services.output_deliver(
            output=output, actor=demo["dieuphoi"], delivered_on=date(2026, 3, 9), today=TODAY
        )
    assert _messages(exc) == [services.ERROR_ALREADY_DELIVERED]


def test_only_the_campaigns_agencies_and_coordinators_record_outputs(campaign, demo, channel):
    args = {
        "campaign": campaign,
        "channel": channel("bao-chi"),
        "kind": "article",
        "title": "Bài",
        "planned_on": date(2026, 3, 5),
        "today": TODAY,
    }
    for username in ("canbo.nnmt", "phantich", "lanhdao.nnmt"):
        with pytest.raises(PermissionDenied):
            services.output_create(actor=demo[username], **args)
    assert services.output_create(actor=demo["dieuphoi"], **args).pk


def test_evidence_needs_a_file_or_a_safe_link(campaign, demo, channel, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path

    output = services.output_create(
        campaign=campaign,
        actor=demo["dieuphoi"],
        channel=channel("to-roi-bang-ron"),
        kind="print",
        title="Tờ rơi",
        planned_on=date(2026, 3, 5),
        today=TODAY,
    )
    with pytest.raises(ValidationError) as exc:
        services.evidence_add(output=output, actor=demo["dieuphoi"])
    assert _messages(exc) == [services.ERROR_EVIDENCE_EMPTY]
    evidence = services.evidence_add(
        output=output,
        actor=demo["dieuphoi"],
        title="Ảnh tờ rơi",
        file=SimpleUploadedFile("to-roi.pdf", b"%PDF-1.4 demo", content_type="application/pdf"),
    )
    assert evidence.file.name.endswith(".pdf") and evidence.title == "Ảnh tờ rơi"
