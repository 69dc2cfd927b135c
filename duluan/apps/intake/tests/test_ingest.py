from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from duluan.analysis.tests.test_legacy_encodings import to_vni
from duluan.apps.audit.models import AuditEvent
from duluan.apps.geo.models import AdminUnit
from duluan.apps.intake import services
from duluan.apps.intake.models import Channel, Reporter, Signal
from duluan.apps.issues.models import Issue, IssueDay

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def item(text, **kw):
    kw.setdefault("channel", Channel.HOTLINE)
    return services.SignalInput(text=text, **kw)


def test_a_signal_is_analysed_masked_placed_and_lands_in_one_issue():
    # given a hotline call naming a commune and a phone number
    text = "Đường qua phường Vũ Ninh ngập sâu sau mưa, dân rất bức xúc. Liên hệ 0912345678."
    # when it is ingested
    signal, created = services.signal_ingest(
        channel=Channel.HOTLINE,
        text=text,
        created_at=datetime(2026, 2, 3, 9, tzinfo=VN),
        reporter={"name": "Nguyễn Văn A", "phone": "0912345678", "consent": True},
    )
    # then it is stored once, with the phone masked, the commune found and an issue assigned
    assert created
    assert "0912345678" not in signal.text_masked and "<phone>" in signal.text_masked
    assert signal.unit == AdminUnit.objects.get(scheme="2025", code="09169")
    assert signal.topic and signal.sentiment
    assert signal.issue is not None and signal.issue.signal_count == 1
    assert IssueDay.objects.get(issue=signal.issue).count == 1
    assert Reporter.objects.get(signal=signal).phone == "0912345678"
    assert AuditEvent.objects.filter(action="intake.signals_ingest").count() == 1


def test_the_same_item_twice_is_stored_once():
    # given an item with the channel's own id
    first, created = services.signal_ingest(
        channel=Channel.HOTLINE, text="Mất điện cả thôn", external_id="call-1"
    )
    # when it arrives again
    again, created_again = services.signal_ingest(
        channel=Channel.HOTLINE, text="Mất điện cả thôn", external_id="call-1"
    )
    # then nothing new is stored
    assert created and not created_again and again.pk == first.pk
    assert Signal.objects.count() == 1


def test_an_item_without_id_is_identified_by_its_content():
    # given a batch with no ids, ingested twice
    items = [item("Rác thải ùn ứ ở chợ Đồng Nguyên"), item("Đèn đường hỏng ở phường Kinh Bắc")]
    first = services.signals_ingest_batch(items=items)
    again = services.signals_ingest_batch(
        items=[item("Rác thải ùn ứ ở chợ Đồng Nguyên"), item("Đèn đường hỏng ở phường Kinh Bắc")]
    )
    # then the second run adds nothing and names the existing signals
    assert len(first.created) == 2 and again.created == []
    assert sorted(pk for _, pk in again.duplicates) == sorted(s.pk for s in first.created)


def test_the_same_text_from_another_channel_is_kept_as_an_exact_duplicate():
    # given a hotline call and the same words in a news item
    call, _ = services.signal_ingest(channel=Channel.HOTLINE, text="Cầu Đáp Cầu xuống cấp nghiêm trọng")
    news, created = services.signal_ingest(channel=Channel.NEWS, text="Cầu Đáp Cầu  xuống cấp nghiêm trọng")
    # then both are stored, the second pointing at the first, in the same issue
    assert created and news.duplicate_of_id == call.pk
    assert news.issue_id == call.issue_id
    assert Issue.objects.get(pk=call.issue_id).signal_count == 2


def test_bad_items_are_rejected_with_a_reason_and_the_rest_kept():
    # given one good item, an empty one and one of another channel
    result = services.signals_ingest_batch(
        items=[item("Trường học thiếu phòng", row=1), item("   ", row=2), item("x", channel="fax", row=3)]
    )
    # then the good one is stored and each bad one says why, in Vietnamese
    assert len(result.created) == 1
    assert [(r.row, r.reason) for r in result.rejects] == [(2, "empty_text"), (3, "bad_channel")]
    assert result.rejects[0].message == services.TEXT_REQUIRED
    with pytest.raises(services.IntakeError, match=services.TEXT_REQUIRED):
        services.signal_ingest(channel=Channel.WEB, text="")


def test_similar_signals_join_one_issue_and_different_ones_do_not():
    # given three reports, two about the same flooding
    texts = [
        "Ngập úng kéo dài tại phường Vũ Ninh sau mưa lớn, nước tràn vào nhà dân",
        "Phường Vũ Ninh ngập úng kéo dài sau mưa lớn, nước tràn vào nhà dân nhiều ngày",
        "Học phí trường mầm non tăng cao bất thường tại xã Tân Dĩnh",
    ]
    when = datetime(2026, 2, 3, 9, tzinfo=VN)
    result = services.signals_ingest_batch(items=[item(t, created_at=when) for t in texts])
    a, b, c = result.created
    # then the two floods share an issue and the school fees have another
    assert a.issue_id == b.issue_id != c.issue_id
    issue = Issue.objects.get(pk=a.issue_id)
    assert issue.signal_count == 2 and issue.first_seen == when and issue.search_key


def test_daily_instalments_of_a_news_series_open_one_issue_a_day():
    # given the gold price of two days, in the same words, and a report of the first day again
    body = "Giá vàng SJC tăng mạnh, nhà đầu tư chốt lời khi giá vàng thế giới lên đỉnh"
    items = [
        item(body, title=title, channel=Channel.NEWS, created_at=datetime(2026, 2, day, 9, tzinfo=VN))
        for title, day in (
            ("Giá vàng hôm nay 3/2: Tăng mạnh", 3),
            ("Giá vàng hôm nay 4/2: Tăng mạnh", 4),
            ("Giá vàng ngày 3/2: Tăng mạnh", 4),
        )
    ]
    # when they are ingested, one at a time, as a news feed sends them
    first, second, again = (services.signals_ingest_batch(items=[i]).created[0] for i in items)
    # then each day has its own issue, which the day's later report joins
    assert first.issue_id != second.issue_id
    assert again.issue_id == first.issue_id


def test_a_topic_confirmation_is_training_data():
    from duluan.apps.intake.selectors import topic_training_pairs

    # given a signal whose topic an official confirms
    signal, _ = services.signal_ingest(channel=Channel.HOTLINE, text="Gọi 0912345678 về việc cấp sổ đỏ chậm")
    services.signal_topic_confirm(signal=signal, topic="land", actor=None)
    # then it is exported as (masked text, topic)
    pairs = list(topic_training_pairs())
    assert pairs == [(signal.text_masked, "land")]
    assert "0912345678" not in pairs[0][0]


def test_a_sentiment_confirmation_is_training_data_and_moves_its_issue_mix():
    from duluan.apps.intake.selectors import sentiment_training_pairs

    # given a signal in an issue, read with the keyword fallback
    signal, _ = services.signal_ingest(channel=Channel.HOTLINE, text="Gọi 0912345678: cảm ơn phường sửa đèn")
    # when an official confirms it positive
    services.signal_sentiment_confirm(signal=signal, sentiment="positive", actor=None)
    # then it is exported as (masked text, sentiment), and its issue counts it positive
    pairs = list(sentiment_training_pairs())
    assert pairs == [(signal.text_masked, "positive")]
    assert "0912345678" not in pairs[0][0]
    issue = Issue.objects.get(pk=signal.issue_id)
    assert issue.sentiment_counts["positive"] == 1 and issue.dominant_sentiment == "positive"
    assert issue.sentiment_counts == {"negative": 0, "neutral": 0, "positive": 1}


def test_known_keys_and_first_hashes_are_looked_up_by_channel_and_content():
    # given two stored calls, one news item with the same words as the first call, and an item
    # stored without an id of its own (its key is then a hash of its content)
    call1, _ = services.signal_ingest(channel=Channel.HOTLINE, text="Cống thoát nước tắc", external_id="c-1")
    call2, _ = services.signal_ingest(channel=Channel.HOTLINE, text="Mất nước sinh hoạt", external_id="c-2")
    news, _ = services.signal_ingest(channel=Channel.NEWS, text="Cống thoát nước tắc", external_id="c-1")
    # when a batch's keys are looked up (more than one chunk of them)
    keys = ["c-1", "c-2", "c-3", "", *(f"x-{i}" for i in range(services._LOOKUP_CHUNK + 5))]
    known = services.signals_known(channel=Channel.HOTLINE, keys=keys)
    # then only the channel's own stored keys come back, with their signals
    assert known == {"c-1": call1.pk, "c-2": call2.pk}
    assert services.signals_known(channel=Channel.NEWS, keys=keys) == {"c-1": news.pk}
    # and a content hash names the first signal that has it, whatever its channel
    hashes = [news.content_hash, call2.content_hash, "0" * 32]
    assert services._first_with_hash(hashes) == {news.content_hash: call1.pk, call2.content_hash: call2.pk}


@pytest.mark.parametrize("text", ["Trường học thiếu phòng \ufffd", "Trường học thiếu phòng \udc8e"])
def test_a_text_with_undecodable_characters_is_rejected(text):
    # given a text a lossy decoder left marks in (U+FFFD, or a lone surrogate of surrogateescape),
    # with the channel's own id (a key made of the content could not be hashed)
    good = item("Trường học thiếu phòng", row=2, external_id="t-2")
    result = services.signals_ingest_batch(items=[item(text, row=1, external_id="t-1"), good])
    # then it is refused for its encoding and the clean one kept
    assert [(r.row, r.reason) for r in result.rejects] == [(1, "bad_encoding")]
    assert len(result.created) == 1


def test_a_report_typed_in_legacy_fonts_is_stored_as_the_text_it_showed():
    # given a report pasted from a ".VnTime" document as it showed, its title, place and the
    # reporter's name typed so too, and the same report typed in Unicode, delivered later
    typed = "Uû ban nh©n d©n x· cÇn söa ®­êng ngËp óng ë phè Kinh D­¬ng V­¬ng"
    shown = "Uỷ ban nhân dân xã cần sửa đường ngập úng ở phố Kinh Dương Vương"
    first = item(
        typed,
        title="§­êng ngËp",
        place_text="phè Kinh D­¬ng V­¬ng",
        reporter={"name": "TrÇn ThÞ B", "phone": "0987654321"},
    )
    result = services.signals_ingest_batch(items=[first])
    # then it is stored converted, said so, and the same report in Unicode is the same signal
    (signal,) = result.created
    assert (signal.text, signal.title, signal.place_text) == (shown, "Đường ngập", "phố Kinh Dương Vương")
    assert Reporter.objects.get(signal=signal).name == "Trần Thị B"
    assert signal.extra["converted_from"] == "tcvn3" and not result.rejects
    again = services.signals_ingest_batch(
        items=[item(shown, title="Đường ngập", place_text="phố Kinh Dương Vương")]
    )
    assert again.duplicates == [(None, signal.pk)] and not again.created
    # and one typed in the VNI fonts ("nhaân daân") is stored converted from VNI
    vni = services.signals_ingest_batch(items=[item(to_vni("Trường học thiếu phòng, dân bức xúc lắm"))])
    assert vni.created[0].text == "Trường học thiếu phòng, dân bức xúc lắm"
    assert vni.created[0].extra["converted_from"] == "vni"
    # and a message typed in Unicode round a paste typed so ("Kính gửi ...: ®­êng ...") is stored
    # with the paste converted and the words typed in Unicode as they were ("Kính", not "Kớnh")
    mixed = services.signals_ingest_batch(
        items=[item("Kính gửi UBND xã. Tôi xin phản ánh: §­êng liªn x· ngËp s©u, d©n rÊt bøc xóc.")]
    )
    assert (
        mixed.created[0].text
        == "Kính gửi UBND xã. Tôi xin phản ánh: Đường liên xã ngập sâu, dân rất bức xúc."
    )
    assert mixed.created[0].extra["converted_from"] == "tcvn3" and mixed.created[0].extra["converted_in_part"]
    assert "converted_in_part" not in signal.extra
    # and a Unicode report with a Western sign in it is stored as it is, without the mark
    plain = services.signals_ingest_batch(items=[item("Ủy ban nhân dân xã cần sửa đường ngập úng ©")])
    assert plain.created[0].text.endswith("úng ©") and "converted_from" not in plain.created[0].extra


def test_a_place_name_many_units_share_does_not_place_the_signal():
    # given messages naming only a ward number and a district that many provinces have
    texts = ["Nước ngập sâu ở phường 1 sau mưa lớn.", "Huyện Châu Thành có nhiều điểm sạt lở."]
    # when they are ingested
    signals = [services.signal_ingest(channel=Channel.HOTLINE, text=t)[0] for t in texts]
    # then neither is filed under one of the units at a guess, and each keeps what it could be
    for signal in signals:
        assert signal.unit is None
        (place,) = signal.places
        assert len(place["candidates"]) > 5
        assert {c["code"] for c in place["candidates"]} >= {place["code"]}
    # and a name the text places still places it
    placed, _ = services.signal_ingest(
        channel=Channel.HOTLINE, text="Huyện Châu Thành, tỉnh Tiền Giang có nhiều điểm sạt lở."
    )
    assert placed.unit is not None and placed.unit.name == "Huyện Châu Thành"


def test_every_value_of_the_reporter_s_form_is_masked_where_the_title_and_text_write_it():
    # given a reporter whose form holds a name, an address without a house number and a phone,
    # and who writes the name they go by, their whole address and their phone grouped their own
    # way (before: only the whole name, its last two syllables and the parts of the address with a
    # number were masked, so the hamlet and the phone stayed)
    signal, _ = services.signal_ingest(
        channel=Channel.WEB,
        title="Quốc Khánh ở thôn Đông Xuyên, xã Gia Bình phản ánh ngập",
        text="Nhà Quốc Khánh ở thôn Đông Xuyên xã Gia Bình ngập sâu sau mưa. Gọi 09.1234.5678 nhé.",
        created_at=datetime(2026, 2, 3, 9, tzinfo=VN),
        reporter={
            "name": "Trịnh Quốc Khánh",
            "address": "thôn Đông Xuyên, xã Gia Bình",
            "phone": "0912345678",
        },
    )
    # then what officials see and search holds none of them
    assert signal.title == "<name> ở <house> phản ánh ngập"
    assert "Nhà <name> ở <house> ngập sâu sau mưa." in signal.text_masked
    seen = f"{signal.title} {signal.text_masked} {signal.search_key}".lower()
    for words in ("quốc khánh", "quoc khanh", "đông xuyên", "dong xuyen", "5678"):
        assert words not in seen, words


@pytest.mark.parametrize(("home", "code"), [("24", "07531"), ("25", "08566")])
def test_a_name_two_provinces_share_is_read_as_the_configured_home_province_s_unit(settings, home, code):
    # given a platform configured for Bắc Ninh (the default) or Phú Thọ, both of which have a
    # "xã Tân Sơn" since 2025
    settings.DULUAN_HOME_PROVINCE = home
    # when a report naming it without its province is ingested
    signal, _ = services.signal_ingest(
        channel=Channel.HOTLINE,
        text="Đường liên thôn ở xã Tân Sơn ngập sâu sau mưa.",
        created_at=datetime(2026, 2, 3, 9, tzinfo=VN),
    )
    # then the commune found is the home province's (before: Bắc Ninh's, whatever the setting)
    assert [(p["scheme"], p["code"]) for p in signal.places] == [("2025", code)]
    assert signal.unit == AdminUnit.objects.get(scheme="2025", code=code)
