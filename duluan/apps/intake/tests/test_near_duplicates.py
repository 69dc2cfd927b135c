"""Near-duplicate groups across the processes that store signals (web workers, imports, restarts)."""

import csv
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duluan.analysis.pipeline import tokenise
from duluan.apps.intake import imports, services
from duluan.apps.intake import near as near_module
from duluan.apps.intake.models import Channel, Signal
from duluan.apps.intake.near import StoredNearIndex
from duluan.apps.issues.clustering import signal_stream_id, stored_content

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 2, 8, tzinfo=VN)
PETITION = (
    "Chúng tôi là các hộ dân thôn Đông đề nghị chính quyền xã sớm sửa chữa tuyến đường liên thôn "
    "đã xuống cấp nghiêm trọng nhiều năm nay, mùa mưa nước ngập sâu, học sinh đi học rất vất vả, "
    "xe cứu thương không vào được, bà con mong được quan tâm giải quyết dứt điểm"
)
COPY = PETITION + " trong năm nay"  # the same petition, signed off another way
COPY_OF_COPY = COPY + " ạ"
OTHER = "Giá lúa vụ mùa năm nay tăng mạnh nhờ thời tiết thuận lợi, bà con phấn khởi"


def _item(text: str, minutes: int) -> services.SignalInput:
    return services.SignalInput(channel=Channel.WEB, text=text, created_at=T0 + timedelta(minutes=minutes))


def _stream_id(text: str) -> str:
    signal = Signal.objects.get(text=text)
    return signal_stream_id(signal.channel, signal.external_id, signal.pk)


def _group(text: str) -> str:
    return Signal.objects.get(text=text).near_duplicate_group


def test_a_near_copy_sent_after_a_restart_joins_its_original_s_group():
    # given a petition sent through the web form
    services.signals_ingest_batch(items=[_item(PETITION, 0)])
    # when the server restarts (a new process, a new index) and a near copy comes in
    services._NEAR_INDEX.clear()
    services.signals_ingest_batch(items=[_item(COPY, 5)])
    # then the copy is in the petition's group, as `duluan analyze` groups them
    assert _group(COPY) == _stream_id(PETITION)
    assert _group(PETITION) == ""  # (first of its group)


def test_a_near_copy_in_an_imported_file_joins_the_group_of_a_petition_sent_through_the_web(tmp_path):
    # given a petition sent through the web form
    services.signals_ingest_batch(items=[_item(PETITION, 0)])
    # when a hotline file holding a near copy and another matter is imported (by another
    # process: `duluan import`, the task worker)
    services._NEAR_INDEX.clear()
    path = tmp_path / "hotline.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        rows = [[COPY, "2026-03-02T09:00:00+07:00"], [OTHER, "2026-03-02T09:05:00+07:00"]]
        csv.writer(handle).writerows([["text", "created_at"], *rows])
    report = imports.signals_import_file(path=path, channel="hotline")
    # then the copy is in the petition's group and the other matter in none
    assert report.created == 2
    assert _group(COPY) == _stream_id(PETITION)
    assert _group(OTHER) == ""


def test_two_processes_group_each_other_s_signals_with_the_groups_they_gave():
    # given two processes storing signals, each with its index, the first having stored a signal
    first, second = StoredNearIndex(capacity=1000), StoredNearIndex(capacity=1000)
    services.signals_ingest_batch(items=[_item(OTHER, 0)], near_index=first)
    # when the second stores a petition and its near copy, then the first a copy of the copy
    services.signals_ingest_batch(items=[_item(PETITION, 1)], near_index=second)
    services.signals_ingest_batch(items=[_item(COPY, 2)], near_index=second)
    services.signals_ingest_batch(items=[_item(COPY_OF_COPY, 3)], near_index=first)
    # then all three are in the petition's group: the first process read the copy's group
    petition = _stream_id(PETITION)
    assert _group(COPY) == petition
    assert _group(COPY_OF_COPY) == petition
    # and each process compared each stored signal once (its own ones are not read back)
    assert len(first.index) == 4 and len(second.index) == 3


@pytest.mark.parametrize(
    "title,text",
    [
        (None, PETITION),
        ("Đường hỏng", "Đường liên thôn hỏng nặng, gọi 0912 345 678 hoặc xem https://vd.vn/a?b=1 nhé"),
        (
            None,
            "Kính gửi: UBND xã Tân Mỹ\nTôi tên là Nguyễn Văn Bình, trú tại số 12 đường Lê Lợi.\n"
            "Tôi xin trình bày sự việc như sau: cống thoát nước bị tắc, nước thải tràn ra đường.\n"
            "Kính mong các cấp xem xét, giải quyết. Trân trọng cảm ơn!",
        ),
        (None, "ko ai don rac ca tuan nay, dc ko vay?? 😡"),
    ],
    ids=["plain", "title-and-personal-data", "letter", "chat-without-diacritics"],
)
def test_the_shingles_read_again_from_a_stored_signal_are_those_its_analysis_gave(title, text):
    # given a signal stored through the write path, and its analysis
    item = services.SignalInput(channel=Channel.WEB, text=text, title=title, created_at=T0)
    key = services.item_key(item)
    [analysis] = services.analyse_rows([services.analysis_row(item, key)])
    services.signals_ingest_batch(items=[item])
    # when a process that did not store it reads its shingles from the stored row
    signal = Signal.objects.get()
    hasher = StoredNearIndex(capacity=10).index.hasher
    read_again = hasher.shingles(tokenise(stored_content(signal.text_masked)))
    # then they are the analysis's
    assert analysis.shingles.size > 0
    assert read_again.tolist() == analysis.shingles.tolist()


def test_a_process_that_read_signals_since_removed_from_the_table_starts_again_from_it():
    # given a process that read a petition another stored, and the petition then removed (a
    # restored backup)
    near, elsewhere = StoredNearIndex(capacity=1000), StoredNearIndex(capacity=1000)
    services.signals_ingest_batch(items=[_item(PETITION, 0)], near_index=elsewhere)
    services.signals_ingest_batch(items=[_item(OTHER, 1)], near_index=near)
    Signal.objects.all().delete()
    # when the process stores a near copy of it
    services.signals_ingest_batch(items=[_item(COPY, 5)], near_index=near)
    # then the copy is grouped with nothing that is gone
    assert _group(COPY) == ""
    assert len(near.index) == 1


def _stored_late(text: str, minutes: int, elsewhere: StoredNearIndex) -> Signal:
    """Store ``text`` by another process in a transaction still open (its row taken out again)
    while a signal after it is committed: the number of the first, not yet there, is below the
    newest."""
    services.signals_ingest_batch(items=[_item(text, minutes)], near_index=elsewhere)
    signal = Signal.objects.get(text=text)
    services.signals_ingest_batch(
        items=[_item("Đèn đường thôn Bắc hỏng cả tháng", minutes)], near_index=elsewhere
    )
    Signal.objects.filter(pk=signal.pk).delete()
    return signal


def test_a_signal_whose_transaction_commits_after_a_later_one_was_read_is_read_when_it_commits():
    # given a process that has stored a signal, and a petition another process stores in a
    # transaction still open while this process stores a later signal (its number comes first)
    near, elsewhere = StoredNearIndex(capacity=1000), StoredNearIndex(capacity=1000)
    services.signals_ingest_batch(items=[_item(OTHER, 0)], near_index=near)
    petition = _stored_late(PETITION, 1, elsewhere)
    services.signals_ingest_batch(items=[_item(OTHER + " nữa", 2)], near_index=near)
    # when the petition's transaction commits and the process stores a near copy of it
    petition.save(force_insert=True)
    services.signals_ingest_batch(items=[_item(COPY, 5)], near_index=near)
    # then the copy is in the petition's group
    assert _group(COPY) == _stream_id(PETITION)


def test_a_number_that_never_comes_is_looked_for_only_so_long(monkeypatch):
    # given a process that read past a petition's number while its transaction was open
    clock = [1000.0]
    monkeypatch.setattr(near_module.time, "monotonic", lambda: clock[0])
    near, elsewhere = StoredNearIndex(capacity=1000), StoredNearIndex(capacity=1000)
    petition = _stored_late(PETITION, 1, elsewhere)
    services.signals_ingest_batch(items=[_item(OTHER, 2)], near_index=near)
    # when longer than a transaction stays open has passed, and only then the petition is there
    clock[0] += near_module.GAP_SECONDS + 1
    with CaptureQueriesContext(connection) as asked:
        services.signals_ingest_batch(items=[_item(OTHER + " nữa", 3)], near_index=near)
    petition.save(force_insert=True)
    services.signals_ingest_batch(items=[_item(COPY, 5)], near_index=near)
    # then the number was given up (as a rolled-back insert is): the copy opens a group of its own
    assert _group(COPY) == ""
    # and giving it up read no signal but those of the batch's own range (not the whole table)
    rows_read = [q["sql"] for q in asked.captured_queries if '"intake_signal"."external_id"' in q["sql"]]
    assert rows_read and all("WHERE" in sql for sql in rows_read)
