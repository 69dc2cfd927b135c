import pytest
from django.urls import reverse

from duluan.apps.geo.models import AdminUnit, Succession
from duluan.apps.intake import permissions, services
from duluan.apps.intake.models import Channel

pytestmark = pytest.mark.django_db


def ingest(text, unit=None, **kw):
    signal, _ = services.signal_ingest(
        channel=Channel.HOTLINE,
        text=text,
        unit=unit,
        reporter={"name": "Lê Văn C", "phone": "0911222333"},
        **kw,
    )
    return signal


@pytest.fixture
def signals(demo):
    bac_giang = AdminUnit.objects.get(scheme="2025", code="07210")
    old = Succession.objects.filter(new=bac_giang, old__level="commune").select_related("old").first().old
    return {
        "bac_giang": ingest("Vỉa hè bị lấn chiếm ở phường Bắc Giang", unit=bac_giang),
        "old_unit": ingest("Cống thoát nước tắc ở khu dân cư cũ", unit=old),
        "vu_ninh": ingest("Ngập ở Vũ Ninh", unit=AdminUnit.objects.get(scheme="2025", code="09169")),
        "unplaced": ingest("Giá điện tăng"),
    }


def visible(user, signals):
    ids = set(permissions.signal_list_for_user(user).values_list("pk", flat=True))
    return {name for name, s in signals.items() if s.pk in ids}


def test_a_commune_officer_sees_their_commune_and_its_pre2025_units(demo, signals):
    assert visible(demo["canbo.bacgiang"], signals) == {"bac_giang", "old_unit"}


def test_a_province_department_sees_the_whole_province(demo, signals):
    assert visible(demo["canbo.nnmt"], signals) == set(signals)


def test_coordinators_and_analysts_see_all(demo, signals):
    assert visible(demo["dieuphoi"], signals) == set(signals)
    assert visible(demo["phantich"], signals) == set(signals)


def test_another_communes_signal_looks_not_found(client, demo, signals):
    # given the commune officer
    client.force_login(demo["canbo.bacgiang"])
    # then a signal elsewhere is 404, as an unknown one, and their own is shown with its reporter
    assert client.get(reverse("intake:signal_detail", args=[signals["vu_ninh"].pk])).status_code == 404
    assert client.get(reverse("intake:signal_detail", args=[999999])).status_code == 404
    page = client.get(reverse("intake:signal_detail", args=[signals["bac_giang"].pk])).content.decode()
    assert "Lê Văn C" in page


def test_analysts_never_see_the_reporter_nor_the_unmasked_text(client, demo):
    # given a signal whose text carries a phone number
    signal = ingest("Gọi tôi theo số 0911222333 về vụ lấn chiếm đất")
    client.force_login(demo["phantich"])
    # when the analyst opens it
    page = client.get(reverse("intake:signal_detail", args=[signal.pk])).content.decode()
    # then neither the reporter nor the number appear
    assert "Lê Văn C" not in page and "0911222333" not in page and "&lt;phone&gt;" in page


def test_a_signal_converted_from_tcvn3_fonts_says_so_and_is_found_without_accents(client, demo):
    # given a report typed in the ".VnTime" fonts, stored converted
    signal = ingest("Cèng tho¸t n­íc t¾c ë khu d©n c­ phè Ng« Gia Tù, m­a lµ ngËp")
    client.force_login(demo["dieuphoi"])
    # then its page shows the text the sender saw and says it was converted
    page = client.get(reverse("intake:signal_detail", args=[signal.pk])).content.decode()
    assert "Cống thoát nước tắc ở khu dân cư phố Ngô Gia Tự" in page and "TCVN3" in page
    assert "Gửi bằng phông chữ cũ TCVN3" in page
    # and the list finds it by its words written without accents
    found = client.get(reverse("intake:index"), {"q": "cong thoat nuoc ngo gia tu"}).content.decode()
    assert "Cống thoát nước tắc" in found
    # and the page of a report typed in Unicode round such a paste says it was converted in part
    mixed = ingest("Kính gửi UBND phường. Tôi phản ánh: Cèng tho¸t n­íc t¾c ë khu d©n c­, m­a lµ ngËp")
    page = client.get(reverse("intake:signal_detail", args=[mixed.pk])).content.decode()
    assert "Kính gửi UBND phường. Tôi phản ánh: Cống thoát nước tắc ở khu dân cư" in page
    assert "Một phần gửi bằng phông chữ cũ TCVN3" in page


def test_the_list_searches_without_accents_and_citizens_are_sent_to_log_in(client, demo, signals):
    assert client.get(reverse("intake:index")).status_code == 302
    client.force_login(demo["dieuphoi"])
    page = client.get(reverse("intake:index"), {"q": "via he lan chiem"}).content.decode()
    assert "Vỉa hè bị lấn chiếm" in page and "Ngập ở Vũ Ninh" not in page


def test_an_officer_confirms_a_topic(client, demo, signals):
    client.force_login(demo["canbo.nnmt"])
    client.post(
        reverse("intake:signal_confirm_topic", args=[signals["vu_ninh"].pk]), {"topic": "environment"}
    )
    signals["vu_ninh"].refresh_from_db()
    assert signals["vu_ninh"].topic == "environment" and signals["vu_ninh"].topic_confirmed


def test_an_officer_corrects_a_sentiment_and_an_analyst_may_not(client, demo, signals):
    from duluan.apps.audit.models import AuditEvent

    signal = signals["vu_ninh"]
    url = reverse("intake:signal_confirm_sentiment", args=[signal.pk])
    # given an analyst, who reads but does not write
    client.force_login(demo["phantich"])
    # when they post a sentiment, then nothing is found and nothing changes
    assert client.post(url, {"sentiment": "positive"}).status_code == 404
    signal.refresh_from_db()
    assert not signal.sentiment_confirmed
    # when an officer posts a label that is no sentiment, then they are told and nothing changes
    client.force_login(demo["canbo.nnmt"])
    page = client.post(url, {"sentiment": "furious"}, follow=True).content.decode()
    assert "Sắc thái không hợp lệ" in page
    signal.refresh_from_db()
    assert not signal.sentiment_confirmed
    # when they correct it to neutral, then the signal says so, its page shows it confirmed, and
    # the change is audited with what it was before
    page = client.post(url, {"sentiment": "neutral"}, follow=True).content.decode()
    signal.refresh_from_db()
    assert signal.sentiment == "neutral" and signal.sentiment_confirmed
    assert "Đã xác nhận sắc thái." in page
    event = AuditEvent.objects.get(action="intake.signal_sentiment_confirm")
    assert event.after == {"sentiment": "neutral", "sentiment_confirmed": True}
    assert event.before["sentiment_confirmed"] is False


def test_a_place_name_many_units_share_is_shown_as_unresolved(client, demo):
    # given a signal naming only "phường 1", which dozens of wards are called
    signal = ingest("Nước ngập sâu ở phường 1 sau mưa lớn.")
    (place,) = signal.places
    client.force_login(demo["dieuphoi"])
    # when the coordinator opens it
    page = client.get(reverse("intake:signal_detail", args=[signal.pk])).content.decode()
    # then the page says the place is not known for sure, and among how many
    assert f"chưa rõ đơn vị nào: {len(place['candidates'])} đơn vị cùng tên" in page
    # and in English for an official who chose it
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(reverse("intake:signal_detail", args=[signal.pk])).content.decode()
    assert f"unresolved: {len(place['candidates'])} units share this name" in english
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    # and a placed signal's page says nothing of the kind
    placed = ingest("Ngập ở phường Vũ Ninh, tỉnh Bắc Ninh")
    assert (
        "chưa rõ đơn vị nào"
        not in client.get(reverse("intake:signal_detail", args=[placed.pk])).content.decode()
    )


def test_a_sender_is_seen_only_by_those_the_case_lets_see_them_never_a_denouncer_on_the_signal(client, demo):
    from duluan.apps.cases.demo import rules_seed
    from duluan.apps.cases.services.intake import case_open_from_submission

    rules_seed()
    # given a report in phường Bắc Giang that no case holds, and a denunciation there with its case
    bac_giang = AdminUnit.objects.get(scheme="2025", code="07210")
    report = ingest("Vỉa hè bị lấn chiếm ở phường Bắc Giang", unit=bac_giang)
    denounced = ingest("Tôi tố cáo cán bộ địa chính phường nhận hối lộ", unit=bac_giang)
    case_open_from_submission(
        title="Tố cáo", description=denounced.text, kind="denunciation", topic="corruption", unit=bac_giang,
        channel="web", complainant={"name": "Lê Văn C", "phone": "0911222333"},
        received_at=denounced.received_at, source_ref=f"signal:{denounced.pk}",
    )  # fmt: skip

    def sees_sender(user, signal):
        client.force_login(demo[user])
        page = client.get(reverse("intake:signal_detail", args=[signal.pk]))
        assert page.status_code == 200, user  # each of them sees the signal itself
        return "Lê Văn C" in page.content.decode()

    # then a province department's officer, who sees every signal of the province, sees no sender;
    # the commune's own officer and the coordinator see the report's sender
    assert not sees_sender("canbo.nnmt", report)
    assert sees_sender("canbo.bacgiang", report) and sees_sender("dieuphoi", report)
    # and nobody sees the denouncer on the signal's page (only the case's audited reveal shows it)
    for user in ("canbo.nnmt", "canbo.bacgiang", "dieuphoi", "quantri"):
        assert not sees_sender(user, denounced), user


def test_a_title_is_stored_and_shown_without_its_personal_data(client, demo):
    # given a report whose title carries a phone number and an e-mail address
    signal = ingest(
        "Chợ tạm lấn chiếm lòng đường", title="Chợ tạm lấn đường, gọi 0987111222 hoặc a.b@mail.vn"
    )
    # then the title is stored masked, and neither an analyst's page nor the export shows them
    signal.refresh_from_db()
    assert signal.title == "Chợ tạm lấn đường, gọi <phone> hoặc <email>"
    client.force_login(demo["phantich"])
    page = client.get(reverse("intake:signal_detail", args=[signal.pk])).content.decode()
    export = b"".join(client.get("/issues/export.csv").streaming_content).decode("utf-8-sig")
    for shown in (page, export):
        assert "0987111222" not in shown and "a.b@mail.vn" not in shown
