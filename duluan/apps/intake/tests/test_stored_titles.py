"""The titles of signals stored before titles were masked: masked, and searched so."""

from __future__ import annotations

import importlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.test import Client

from duluan.apps.core.text import signal_search_key
from duluan.apps.intake import services
from duluan.apps.intake.models import Channel, Signal
from duluan.apps.intake.selectors import SignalFilters, signal_search

VN = ZoneInfo("Asia/Ho_Chi_Minh")
REPORTER = {"name": "Trịnh Quốc Khánh", "address": "số 12 Lê Lợi, phường Bắc Giang", "phone": "0912345678"}
OLD_TITLE = "Đơn tố cáo của ông Trịnh Quốc Khánh, 0912 345 678"


def mask_titles():
    importlib.import_module("duluan.apps.intake.migrations.0011_mask_stored_titles").mask_titles(
        django_apps, None
    )


def found(user, q: str, signal: Signal) -> bool:
    return signal_search(user=user, filters=SignalFilters(q=q)).filter(pk=signal.pk).exists()


@pytest.mark.django_db
def test_a_title_stored_as_it_arrived_is_masked_and_no_longer_found_by_the_reporter_s_name(demo):
    # given a signal stored before titles were masked: its title, and so its search key, name its sender
    signal, _ = services.signal_ingest(
        channel=Channel.WEB,
        title="Tố cáo cán bộ địa chính",
        text="Cán bộ địa chính phường vòi tiền làm sổ đỏ.",
        created_at=datetime(2026, 2, 3, 9, tzinfo=VN),
        reporter=REPORTER,
    )
    Signal.objects.filter(pk=signal.pk).update(
        title=OLD_TITLE, search_key=signal_search_key(OLD_TITLE, signal.text_masked)
    )
    analyst = demo["phantich"]
    assert found(analyst, "Quốc Khánh", signal)
    # when the migration masks the stored titles
    mask_titles()
    # then the title names no one, and neither the name nor the phone finds the signal
    signal.refresh_from_db()
    assert signal.title == "Đơn tố cáo của ông <name>, <phone>"
    assert signal.search_key == signal_search_key(signal.title, signal.text_masked)
    for q in ("Quốc Khánh", "trinh quoc khanh", "0912345678"):
        assert not found(analyst, q, signal), q
    # while what it is about still does, and the list shows the masked title
    assert found(analyst, "sổ đỏ", signal) and found(analyst, "to cao", signal)
    client = Client()
    client.force_login(analyst)
    html = client.get("/intake/signals/", {"q": "sổ đỏ"}).content.decode()
    assert "Đơn tố cáo của ông &lt;name&gt;" in html and "Khánh" not in html


@pytest.mark.django_db
def test_a_title_stored_masked_is_left_as_it_is():
    # given signals stored as intake stores them now, titled with and without a name
    signals = [
        services.signal_ingest(channel=Channel.WEB, title=title, text="Đường ngập sâu.", reporter=REPORTER)[0]
        for title in (OLD_TITLE, "Đường ngập ở thôn Đông", "")
    ]
    before = list(
        Signal.objects.filter(pk__in=[s.pk for s in signals])
        .order_by("pk")
        .values("pk", "title", "search_key")
    )
    # when the migration runs, then nothing changes
    mask_titles()
    assert (
        list(
            Signal.objects.filter(pk__in=[s.pk for s in signals])
            .order_by("pk")
            .values("pk", "title", "search_key")
        )
        == before
    )
    assert before[0]["title"] == "Đơn tố cáo của ông <name>, <phone>"


@pytest.mark.django_db
def test_an_analysed_text_stored_before_the_writer_was_masked_is_masked_and_not_found_by_the_name(demo):
    # given a signal stored before the writer's name was masked in its analysed text: what
    # officials see of its words, and its search key, name its sender and their house
    signal, _ = services.signal_ingest(
        channel=Channel.WEB,
        text="Cán bộ địa chính phường vòi tiền làm sổ đỏ.",
        created_at=datetime(2026, 2, 3, 9, tzinfo=VN),
        reporter=REPORTER,
    )
    old_text = (
        "Tôi tên là Trịnh Quốc Khánh, trú tại số 12 Lê Lợi. Cán bộ địa chính phường vòi tiền làm sổ đỏ."
    )
    Signal.objects.filter(pk=signal.pk).update(
        text_masked=old_text, search_key=signal_search_key("", old_text)
    )
    analyst = demo["phantich"]
    assert found(analyst, "Quốc Khánh", signal)
    # when the migration runs
    mask_titles()
    # then neither the name nor the house is in the text or finds the signal; the complaint stays
    signal.refresh_from_db()
    assert "Khánh" not in signal.text_masked and "Lê Lợi" not in signal.text_masked
    assert "<name>" in signal.text_masked and "vòi tiền làm sổ đỏ" in signal.text_masked
    assert signal.search_key == signal_search_key(signal.title, signal.text_masked)
    for q in ("Quốc Khánh", "le loi"):
        assert not found(analyst, q, signal), q
    assert found(analyst, "sổ đỏ", signal)


HOA_LETTER = (
    "Tôi tên là Nguyễn Thị Hoa, trú tại thôn Đông, xã Tân Dĩnh. Đường liên thôn hỏng nặng, xe cộ "
    "đi lại khó khăn. Ông Trần Văn Bình, cán bộ giao thông xã, hẹn sửa từ năm ngoái mà chưa làm, xin "
    "các cấp xem xét."
)


@pytest.mark.parametrize(
    "title, stored",
    [
        # the writer the letter introduces, named in a shape no masker reads alone; the commune
        # the writer lives in, which the title names, stays
        ("Nguyễn Thị Hoa - xã Tân Dĩnh", "<name> - xã Tân Dĩnh"),
        ("nguyen thi hoa phan anh duong hong", "<name> phan anh duong hong"),
        ("Phản ánh của chị Hoa về đường xã Tân Dĩnh", "Phản ánh của chị <name> về đường xã Tân Dĩnh"),
        # the official the letter accuses is not its writer: named in full, he stays
        ("Nguyễn Thị Hoa tố cáo ông Trần Văn Bình", "<name> tố cáo ông Trần Văn Bình"),
    ],
)
@pytest.mark.django_db
def test_the_writer_a_letter_introduces_is_masked_in_its_title_and_the_places_and_officials_kept(
    demo, title, stored
):
    # given a letter whose writer introduces herself, titled with her name as no masker reads it
    # when it is stored
    signal, _ = services.signal_ingest(channel=Channel.WEB, title=title, text=HOA_LETTER)
    # then its title names the commune and the official but not her, nor does what officials
    # read of its text (its first line is the title), nor its issue's title
    assert signal.title == stored
    assert signal.text_masked.split("\n")[0] != title and "Hoa" not in signal.text_masked
    assert "Hoa" not in signal.issue.title
    assert signal.text == HOA_LETTER  # (the text as received is read by those the gate lets in)
    # and the signal is found by what it is about and where, not by the writer's name
    analyst = demo["phantich"]
    assert found(analyst, "Tân Dĩnh", signal) and found(analyst, "đường", signal)
    assert not found(analyst, "Nguyễn Thị Hoa", signal) and not found(analyst, "thi hoa", signal)


@pytest.mark.django_db
def test_a_phone_the_text_gives_is_masked_in_the_title_however_grouped():
    # given a title writing the writer's phone with slashes, which no masker reads as a phone
    # alone, over a text giving it as one
    signal, _ = services.signal_ingest(
        channel=Channel.WEB,
        title="Đường thôn Đông ngập, gọi 0912/345/678",
        text="Tôi là Đào Văn Hùng, điện thoại 0912 345 678. Đường thôn Đông ngập sâu.",
    )
    # then the title keeps its words and loses the number
    assert signal.title == "Đường thôn Đông ngập, gọi <phone>"


@pytest.mark.django_db
def test_the_identity_and_account_numbers_the_text_gives_are_masked_in_the_title(demo):
    # given titles writing the writer's identity card and bank account numbers without the words
    # that name them, over a letter giving them after those words
    text = (
        "Tôi tên là Nguyễn Văn An, CCCD 001234567890, Số CMND cũ: 311613174. Tiền đền bù chuyển vào "
        "STK: 0451 0003 12345 Vietcombank của tôi bị trừ."
    )
    for title, stored in [
        ("Đơn của ông A, CCCD 001234567890", "Đơn của ông A, CCCD <id>"),
        ("Ông An - 311613174 xin hoàn tiền đền bù", "Ông <name> - <id> xin hoàn tiền đền bù"),
        ("Tiền đền bù vào 0451-000-312345 bị trừ", "Tiền đền bù vào <id> bị trừ"),
    ]:
        # when each is stored
        signal, _ = services.signal_ingest(channel=Channel.WEB, title=title, text=text)
        # then its title keeps its words and loses the numbers, and they find no signal
        assert signal.title == stored
        for q in ("001234567890", "311613174", "0451000312345"):
            assert not found(demo["phantich"], q, signal), q
        assert found(demo["phantich"], "đền bù", signal)
