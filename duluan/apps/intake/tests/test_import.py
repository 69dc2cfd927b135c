import csv
import json
import random
from types import SimpleNamespace

import orjson
import pytest
from openpyxl import Workbook

from duluan.analysis import tabular
from duluan.analysis.tests.test_legacy_encodings import to_vni
from duluan.analysis.tests.test_tabular import cp1258_bytes
from duluan.apps.audit.models import AuditEvent
from duluan.apps.intake import importers, imports, services
from duluan.apps.intake.importers import ImportFileError
from duluan.apps.intake.models import ImportBatch, Reporter, Signal
from duluan.apps.issues.models import ClustererState, Issue, IssueDay
from duluan.cli import main

pytestmark = pytest.mark.django_db

PETITIONS = [
    ["ma", "noi_dung", "ngay", "to_dai_bieu", "ky_hop", "don_vi_cu_tri"],
    [
        "KN-1",
        "Cử tri kiến nghị sửa đường bị ngập úng kéo dài",
        "15/03/2025",
        "Tổ 1",
        "Kỳ họp thứ 20",
        "phường Vũ Ninh",
    ],
    ["KN-2", "Đề nghị xử lý rác thải tồn đọng ở chợ", "2025-08-01", "Tổ 2", "Sau kỳ họp", "xã Tân Dĩnh"],
    ["KN-3", "", "2025-08-01", "Tổ 2", "Sau kỳ họp", ""],
    ["KN-4", "Đề nghị làm rõ việc thu hồi đất", "32/13/2025", "Tổ 3", "Sau kỳ họp", ""],
]


def write_csv(path, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def run(path, channel="voter_meeting", **kw):
    return imports.signals_import_file(path=path, channel=channel, **kw)


@pytest.mark.parametrize(
    "name", ["kien_nghi.txt", "kien_nghi.csv", "kien_nghi.jsonl", "cp1258.csv", "tcvn3.csv", "vni.csv"]
)
def test_petitions_saved_as_unicode_text_import_as_their_utf8_twin(tmp_path, name):
    # given the petitions as Excel's "Unicode Text" (UTF-16 with its mark, tab-separated), as a
    # UTF-16 CSV, as UTF-16 JSON lines, as Excel's CSV on a Vietnamese Windows (Windows-1258,
    # tone marks combining), typed in the ".VnTime" fonts (TCVN3) and in the VNI fonts
    header, *rows = PETITIONS
    if name.endswith(".jsonl"):
        body = "".join(json.dumps(dict(zip(header, r, strict=True)), ensure_ascii=False) + "\n" for r in rows)
    else:
        sep = "\t" if name.endswith(".txt") else ","
        body = "".join(sep.join(r) + "\n" for r in PETITIONS)
    path = tmp_path / name
    encoded = {
        "cp1258.csv": cp1258_bytes,
        "tcvn3.csv": lambda text: text.encode("tcvn3"),
        "vni.csv": lambda text: to_vni(text).encode("cp1252"),
    }
    path.write_bytes(encoded.get(name, lambda text: text.encode("utf-16"))(body))
    # when imported
    report = run(path)
    # then it is read as the UTF-8 file is: the two good rows stored, the two bad ones reported
    assert (report.rows, report.created, report.rejected) == (4, 2, 2)
    assert Signal.objects.get(external_id="KN-1").text == "Cử tri kiến nghị sửa đường bị ngập úng kéo dài"


def test_a_row_typed_in_tcvn3_fonts_is_stored_as_the_text_it_showed(tmp_path):
    # given a UTF-8 CSV whose second petition, with its voters' unit, was pasted from a ".VnTime"
    # document as it showed ("nh©n d©n")
    header, first, second, *_ = PETITIONS
    typed = [second[0], *(c.encode("tcvn3").decode("latin-1") for c in second[1:])]
    path = write_csv(tmp_path / "kien_nghi.csv", [header, first, typed])
    # when imported
    report = run(path)
    # then both are stored, the second as the text it showed, placed by its converted unit and
    # marked as converted
    assert (report.rows, report.created, report.rejected, report.converted) == (2, 2, 0, 1)
    signal = Signal.objects.get(external_id="KN-2")
    assert (signal.text, signal.extra["petitioners_unit"]) == (second[1], second[5])
    assert signal.extra["converted_from"] == "tcvn3" and signal.unit.name == "Xã Tân Dĩnh"
    assert "converted_in_part" not in signal.extra
    assert "converted_from" not in Signal.objects.get(external_id="KN-1").extra
    event = AuditEvent.objects.get(action="intake.signals_import")
    assert event.after["converted"] == 1


def test_a_row_typed_in_tcvn3_fonts_in_part_is_stored_with_that_part_converted(tmp_path):
    # given a UTF-8 CSV whose second petition opens in Unicode and goes on pasted from a ".VnTime"
    # document as it showed
    header, first, second, *_ = PETITIONS
    opening = "Cử tri phản ánh:"
    paste = "Đường liên xã ngập sâu, người dân rất bức xúc."
    mixed = [second[0], f"{opening} " + paste.encode("tcvn3").decode("latin-1"), *second[2:]]
    path = write_csv(tmp_path / "kien_nghi.csv", [header, first, mixed])
    # when imported, then it is stored with the paste converted, and marked converted in part
    report = run(path)
    assert (report.created, report.converted) == (2, 1)
    signal = Signal.objects.get(external_id="KN-2")
    assert signal.text == f"{opening} {paste}"
    assert signal.extra["converted_from"] == "tcvn3" and signal.extra["converted_in_part"] is True


def test_voter_petitions_are_imported_with_their_meeting_and_rejects_reported(tmp_path):
    # given a CSV of petitions with Vietnamese column names, one empty and one with a bad date
    path = write_csv(tmp_path / "kien_nghi.csv", PETITIONS)
    # when imported
    report = run(path)
    # then the two good rows are stored with meeting, deputy group and unit (of the right era)
    assert (report.rows, report.created, report.rejected) == (4, 2, 2)
    old = Signal.objects.get(external_id="KN-1")
    assert old.extra["meeting"] == "Kỳ họp thứ 20" and old.extra["deputy_group"] == "Tổ 1"
    assert (old.unit.scheme, old.unit.code) == ("pre2025", "09163")
    new = Signal.objects.get(external_id="KN-2")
    assert (new.unit.scheme, new.unit.name) == ("2025", "Xã Tân Dĩnh")
    assert all(s.issue_id for s in Signal.objects.all())
    # and the rejects report names the file, row, reason, a Vietnamese message and the row's id,
    # never the row's contents (petitioners' names, phones, addresses)
    with open(report.rejects_path, encoding="utf-8-sig") as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["file"], r["row"], r["reason"]) for r in rejects] == [
        ("kien_nghi.csv", "3", "missing_text"),
        ("kien_nghi.csv", "4", "bad_created_at"),
    ]
    assert "32/13/2025" in rejects[1]["message"] and [r["id"] for r in rejects] == ["", "KN-4"]
    assert (
        "raw" not in rejects[0]
        and "thu hồi đất" not in open(report.rejects_path, encoding="utf-8-sig").read()
    )
    batch = ImportBatch.objects.get()
    assert (batch.created, batch.rejected) == (2, 2)
    assert AuditEvent.objects.filter(action="intake.signals_import").count() == 1
    assert not AuditEvent.objects.filter(action="intake.signals_ingest").exists()


def test_a_reimport_adds_nothing(tmp_path):
    path = write_csv(tmp_path / "kien_nghi.csv", PETITIONS)
    run(path)
    issues, days = Issue.objects.count(), list(IssueDay.objects.values_list("count", flat=True))
    # when the same file is imported again
    again = run(path)
    # then nothing is added, and the issues are unchanged
    assert (again.created, again.duplicates) == (0, 2)
    assert Signal.objects.count() == 2 and Issue.objects.count() == issues
    assert list(IssueDay.objects.values_list("count", flat=True)) == days


@pytest.mark.parametrize("workers", [1, 2])
def test_a_row_whose_id_an_earlier_row_of_its_batch_had_lends_it_no_reading(tmp_path, workers):
    # given a file whose second row repeats the first one's id with other words and another
    # place, and a third row that repeats it after a row whose date cannot be read
    header = ["id", "text", "created_at"]
    rows = [
        ["A1", "Đường ở phường Vũ Ninh ngập sâu sau mưa", "2025-09-01"],
        ["A1", "Trạm y tế xã Tân Dĩnh thiếu thuốc, người bệnh phải chờ cả buổi", "2025-09-02"],
        ["B1", "Đèn đường ở phường Đa Mai hỏng cả tháng", "ngày mai"],
        ["B1", "Bệnh viện huyện quá tải, người bệnh nằm ghép ở xã Tân Dĩnh", "2025-09-03"],
    ]
    # when it is imported
    report = run(write_csv(tmp_path / "trung.csv", [header, *rows]), channel="hotline", workers=workers)
    # then the first row of each id that can be stored is, read as it is written: before, a row
    # was stored with the reading of the last row of its id (the flooded ward read as the
    # health station's commune)
    assert report.created == 2
    from duluan.apps.intake.analysis import analyse_rows

    for external_id, text in (("A1", rows[0][1]), ("B1", rows[3][1])):
        signal = Signal.objects.get(external_id=external_id)
        assert signal.text == text
        row = {"key": "k", "text": signal.text, "title": signal.title, "created_at": signal.created_at}
        (now,) = analyse_rows([row])
        assert (now.topic["label"], now.topic["score"]) == (signal.topic, signal.topic_score)
        assert services.places_kept(now.places) == signal.places


@pytest.mark.parametrize("workers", [1, 2])
def test_a_title_longer_than_is_stored_is_read_as_stored(tmp_path, workers):
    # given a row without an id whose title is longer than a signal keeps, naming a ward in its text
    title = "Phản ánh " + "rất dài " * 80
    text = "Đường ở phường Vũ Ninh ngập sâu sau mưa"
    path = write_csv(tmp_path / "dai.csv", [["title", "text", "created_at"], [title, text, "2025-09-01"]])
    # when it is imported (and again)
    first = run(path, channel="hotline", workers=workers)
    again = run(path, channel="hotline", workers=workers)
    # then the stored title is cut, and the places' offsets point into the stored title and text
    signal = Signal.objects.get()
    assert (first.created, again.created, again.duplicates) == (1, 0, 1)
    assert len(signal.title) == 500
    full = f"{signal.title}\n{signal.text}"
    assert [full[p["start"] : p["end"]].lower() for p in signal.places] == ["vũ ninh"]
    # and a reading of the stored signal is the one it was stored with
    from duluan.apps.intake.analysis import analyse_rows

    (now,) = analyse_rows(
        [{"key": "k", "text": signal.text, "title": signal.title, "created_at": signal.created_at}]
    )
    assert (now.topic["score"], now.sentiment["intensity"]) == (signal.topic_score, signal.intensity)
    assert services.places_kept(now.places) == signal.places


@pytest.mark.parametrize("workers", [1, 2])
def test_an_imported_title_is_masked_once_and_stored_as_the_analysis_read_it(tmp_path, monkeypatch, workers):
    # given rows titled with their sender's name and phone, one of them already stored
    header = ["id", "title", "text", "name", "phone", "created_at"]
    rows = [
        [
            f"T{i}",
            f"Đơn của ông Trịnh Quốc Khánh {i}, 0912 345 67{i}",
            f"Đường ở phường Vũ Ninh ngập sâu sau mưa, số {i}",
            f"Trịnh Quốc Khánh {i}",
            f"091234567{i}",
            "2025-09-01",
        ]
        for i in range(3)
    ]
    run(write_csv(tmp_path / "first.csv", [header, rows[0]]), channel="hotline")
    masked = []  # the titles masked, as services.stored_text masks each
    title_of = services.stored_title
    monkeypatch.setattr(
        services, "stored_title", lambda title, *a, **kw: masked.append(title) or title_of(title, *a, **kw)
    )
    # when the three are imported
    report = run(write_csv(tmp_path / "all.csv", [header, *rows]), channel="hotline", workers=workers)
    # then each title was masked once: the new ones to be analysed and stored (before, twice:
    # for the analysis, then again to be stored), the one stored already as it is checked
    assert (report.created, report.duplicates) == (2, 1)
    assert sorted(masked) == [row[1] for row in rows]
    # and each signal stores the title and text as masked, read as stored (the places' offsets
    # point into them, and a reading of them is the one stored)
    from duluan.apps.intake.analysis import analyse_rows

    for row in rows[1:]:
        signal = Signal.objects.get(external_id=row[0])
        reporter = {"name": row[3], "phone": row[4], "email": "", "address": ""}
        assert signal.title == title_of(row[1], reporter, text=row[2]) == "Đơn của ông <name>, <phone>"
        full = f"{signal.title}\n{signal.text}"
        assert [full[p["start"] : p["end"]].lower() for p in signal.places] == ["vũ ninh"]
        (now,) = analyse_rows(
            [
                {
                    "key": "k",
                    "text": signal.text,
                    "title": signal.title,
                    "created_at": signal.created_at,
                    "private": services.private_values(reporter),
                }
            ]
        )
        assert (now.normalised, now.topic["label"], now.topic["score"], now.sentiment["intensity"]) == (
            signal.text_masked,
            signal.topic,
            signal.topic_score,
            signal.intensity,
        )
        assert services.places_kept(now.places) == signal.places


def test_a_mapping_names_the_columns_and_rows_without_ids_are_keyed_by_content(tmp_path):
    path = write_csv(
        tmp_path / "hotline.csv",
        [
            ["Nội dung cuộc gọi", "Thời điểm", "SĐT"],
            ["Mất nước sinh hoạt ba ngày", "01/09/2025 08:30", "0912000111"],
        ],
    )
    mapping = {"text": "Nội dung cuộc gọi", "created_at": "Thời điểm", "phone": "SĐT"}
    first = run(path, channel="hotline", mapping=mapping)
    again = run(path, channel="hotline", mapping=mapping)
    signal = Signal.objects.get()
    assert (first.created, again.created, again.duplicates) == (1, 0, 1)
    assert signal.external_id.startswith("h:") and signal.created_at.hour == 1  # 08:30 in Vietnam = 01:30 UTC
    assert Reporter.objects.get(signal=signal).phone == "0912000111"


def test_xlsx_and_jsonl_are_read_and_bad_lines_reported(tmp_path):
    wb = Workbook()
    wb.active.append(["id", "text", "created_at"])
    wb.active.append([1, "Đường làng xuống cấp ở xã Tân Dĩnh", "2025-09-01"])
    wb.save(tmp_path / "a.xlsx")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "p1", "text": "Bài đăng phản ánh ô nhiễm"}, ensure_ascii=False)
        + "\n{không phải json\n[1]\n"
        + "[" * 5000
        + "]" * 5000
        + "\n",
        encoding="utf-8",
    )
    xlsx = run(tmp_path / "a.xlsx", channel="other")
    jsonl = run(tmp_path / "b.jsonl", channel="social")
    assert xlsx.created == 1 and Signal.objects.filter(channel="other", external_id="1").exists()
    assert (jsonl.created, jsonl.rejected) == (1, 3)
    assert [r["reason"] for r in jsonl.rejects] == ["bad_json", "bad_row", "bad_json"]


def test_a_csv_row_cut_by_an_unquoted_comma_is_a_reject_not_half_a_text(tmp_path):
    # given petitions in CSV, one row of which holds an unquoted comma in its text, one ends in a
    # blank cell (a trailing comma)
    path = tmp_path / "kien_nghi.csv"
    path.write_text(
        "ma,ngay,noi_dung\nKN-1,15/03/2025,Đề nghị sửa đường\n"
        "KN-2,15/03/2025,Đường ngập, dân bức xúc\nKN-3,15/03/2025,Rác tồn đọng,\n",
        encoding="utf-8",
    )
    # when they are imported
    report = run(path)
    # then the cut row is a reject saying why, on its line, not a signal of "Đường ngập" alone
    assert (report.created, report.rejected) == (2, 1)
    [reject] = report.rejects
    assert (reject["reason"], reject["line"]) == ("extra_cells", 3)
    assert reject["message"].startswith("Dòng có 1 ô thừa ngoài 3 cột") and "(dấu phẩy)" in reject["message"]
    assert sorted(Signal.objects.values_list("external_id", flat=True)) == ["KN-1", "KN-3"]


@pytest.mark.parametrize(
    ("content", "texts"),
    [
        # Excel on a Vietnamese Windows: semicolons; texts with commas, quoted or not
        (
            'ma;noi_dung\nKN-1;Đường ngập, cống tắc\nKN-2;"Rác, bụi; khói"\n',
            ["Đường ngập, cống tắc", "Rác, bụi; khói"],
        ),
        # commas, with texts full of semicolons
        ("ma,noi_dung\nKN-1,Đường ngập; cống tắc; đèn hỏng\n", ["Đường ngập; cống tắc; đèn hỏng"]),
        # the texts alone: one column, whose commas are the texts'
        (
            "noi_dung\nĐường ngập, cống tắc, đèn hỏng\nRác tồn đọng\n",
            ["Đường ngập, cống tắc, đèn hỏng", "Rác tồn đọng"],
        ),
    ],
)
def test_a_csv_file_imports_as_analyze_reads_it(tmp_path, content, texts):
    # given a CSV file as people save it
    path = tmp_path / "kien_nghi.csv"
    path.write_text(content, encoding="utf-8")
    # when it is imported
    report = run(path)
    # then each row is a signal with its whole text, and where the file has ids duluan analyze
    # reads the same texts from it
    assert (report.created, report.rejected) == (len(texts), 0)
    assert sorted(Signal.objects.values_list("text", flat=True)) == sorted(texts)
    if content.startswith("ma"):
        renamed = tmp_path / "analyze.csv"
        renamed.write_text(content.replace("ma", "id", 1).replace("noi_dung", "text", 1), encoding="utf-8")
        assert [r["text"] for r in tabular.read_rows(renamed)] == texts


def test_a_csv_file_with_excels_separator_line_imports_its_rows_on_their_lines(tmp_path):
    # given a semicolon CSV file with a "sep=;" line before its header, as tools write for
    # Excel, whose second row an unquoted semicolon cut
    path = tmp_path / "kien_nghi.csv"
    path.write_text(
        "sep=;\nma;noi_dung\nKN-1;Đường ngập, cống tắc\nKN-2;Rác; khói\nKN-3;Đèn hỏng\n", encoding="utf-8"
    )
    # when it is imported
    report = run(path)
    # then the line is neither the header nor a row, and the reject names the cut row's line
    assert (report.created, report.rejected) == (2, 1)
    assert sorted(Signal.objects.values_list("text", flat=True)) == ["Đèn hỏng", "Đường ngập, cống tắc"]
    [reject] = report.rejects
    assert (reject["reason"], reject["line"]) == ("extra_cells", 4)


def test_a_list_an_object_or_true_in_a_written_column_is_a_reject_not_a_text(tmp_path):
    # given JSON lines whose text, title or id is a list, an object or true, beside a good one
    rows = [
        {"id": "a", "text": ["Đường", "ngập"]},
        {"id": "b", "text": {"noi_dung": "Đường ngập"}},
        {"id": "c", "text": True},
        {"id": True, "text": "Rác thải tồn đọng"},
        {"id": "e", "text": "Đường ngập", "title": ["Tiêu đề"]},
        {"id": 7, "text": "Đèn đường hỏng", "source": "zalo"},
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    # when they are imported
    report = run(path, channel="social")
    # then only the good row (its numeric id read as text) becomes a signal, and each other is a
    # reject that names its column, none stored as "['Đường', 'ngập']" or "True"
    assert (report.created, report.rejected) == (1, 5)
    assert [r["reason"] for r in report.rejects] == ["bad_value"] * 5
    assert [r["message"].rsplit("(cột ", 1)[1] for r in report.rejects] == ["text)."] * 3 + [
        "id).",
        "title).",
    ]
    assert list(Signal.objects.values_list("external_id", "text")) == [("7", "Đèn đường hỏng")]


def test_json_records_with_different_keys_each_keep_their_own_fields(tmp_path):
    # given JSON lines whose first record has only an id and a text, a later one a title, a time
    # and a place too (keys in another order), and one without any text
    rows = [
        {"id": "a", "text": "Đường ngập ở xã Tân Dĩnh"},
        {
            "created_at": "2025-03-15T08:00:00+07:00",
            "title": "Rác tồn đọng",
            "id": "b",
            "text": "Rác ở chợ",
            "place": "xã Tân Dĩnh",
        },
        {"id": "c", "title": "Không có nội dung"},
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    # when they are imported
    report = run(path, channel="social")
    # then the second keeps its title, time and place, not only the first record's columns,
    # and the third is a reject for its missing text
    assert (report.created, report.rejected) == (2, 1)
    assert [r["reason"] for r in report.rejects] == ["missing_text"]
    second = Signal.objects.get(external_id="b")
    assert second.title == "Rác tồn đọng"
    assert second.created_at.isoformat() == "2025-03-15T01:00:00+00:00"
    assert second.unit is not None and second.unit.name.endswith("Tân Dĩnh")


def test_a_csv_quote_left_open_is_reported_not_read_as_the_rest_of_the_file(tmp_path):
    # given a semicolon CSV file whose second row opens a quote it never closes
    (tmp_path / "a.csv").write_text(
        'id;text\n1;"Đường ""làng"" xuống cấp"\n2;"Không đóng ngoặc\n3;Ô nhiễm\n4;Tiếng ồn\n',
        encoding="utf-8",
    )
    # when imported
    result = run(tmp_path / "a.csv", channel="other")
    # then the row before it is stored, and that row is reported with the lines it took
    assert (result.created, result.rejected) == (1, 1)
    assert Signal.objects.get(external_id="1").text == 'Đường "làng" xuống cấp'
    [reject] = result.rejects
    assert (reject["reason"], reject["line"]) == ("unclosed_quote", 3)
    assert "các dòng 3–5" in reject["message"]


RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Báo Bắc Ninh</title>
<item><title>Người dân phản ánh ô nhiễm</title>
<description>&lt;p&gt;Khói bụi từ nhà máy gạch&lt;/p&gt;</description>
<guid>https://bao.vn/1</guid><pubDate>Tue, 03 Feb 2026 09:00:00 +0700</pubDate></item></channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Tin</title>
<entry><id>tag:a,2026:1</id><title>Đường ngập</title><summary>Ngập sâu ở phường Kinh Bắc</summary>
<updated>2026-02-04T10:00:00+07:00</updated></entry></feed>"""


def test_rss_and_atom_feeds_are_read(tmp_path):
    (tmp_path / "a.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "b.atom").write_text(ATOM, encoding="utf-8")
    run(tmp_path / "a.rss", channel="news")
    run(tmp_path / "b.atom", channel="news")
    rss = Signal.objects.get(external_id="https://bao.vn/1")
    assert rss.text == "Khói bụi từ nhà máy gạch" and rss.source == "Báo Bắc Ninh"
    assert Signal.objects.get(external_id="tag:a,2026:1").unit.name == "Phường Kinh Bắc"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.xml", b"<rss><channel><item>", "không phải XML hợp lệ"),
        ("bomb.xml", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><rss>&a;</rss>', "không phải XML hợp lệ"),
        (
            "western.csv",
            ("text\n" + "Le député a présenté à l'Assemblée un rapport très détaillé\n" * 30).encode(
                "cp1252"
            ),
            "không phải văn bản UTF-8 \\(có thể là một bảng mã cũ, không phải Unicode\\)",
        ),
        ("nothing.csv", "cột_khác\nabc\n".encode(), "không có cột nội dung"),
        ("fake.xlsx", b"not a zip", "không phải bảng tính"),
        ("u16.csv", "text\nĐường xấu quá\n".encode("utf-16-le") * 30, "có thể là UTF-16"),
        ("noise.csv", bytes(range(256)) * 40, "có thể là tệp nhị phân"),
        ("u16.jsonl", '{"id": "a", "text": "Đường xấu"}\n'.encode("utf-16-be") * 30, "có thể là UTF-16"),
        ("array.jsonl", '[\n  {"id": "a", "text": "Ngập úng"}\n]\n'.encode(), "là một mảng JSON"),
        # a header naming a column twice: each row would keep the second cell alone
        (
            "dup.csv",
            "ma;noi_dung;noi_dung\nKN-1;Đường ngập;Rác\n".encode(),
            "hai cột cùng tên “noi_dung” \\(cột 2 và 3\\)",
        ),
        ("dup.xlsx", None, "hai cột cùng tên “text” \\(cột 1 và 3\\)"),
    ],
)
def test_unreadable_files_are_refused_whole_and_store_nothing(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:  # a workbook
        wb = Workbook()
        wb.active.append(["text", "id", "text"])
        wb.active.append(["Đường ngập", 1, "Rác"])
        wb.save(path)
    else:
        path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        run(path, channel="news")
    assert not Signal.objects.exists() and not ImportBatch.objects.exists()


def test_a_failed_import_leaves_nothing_half_written(tmp_path, monkeypatch):
    # given a file of several batches and a failure while writing the third
    rows = [["id", "text"]] + [[str(i), f"Phản ánh số {i} về đèn đường hỏng ở thôn {i}"] for i in range(5)]
    path = write_csv(tmp_path / "a.csv", rows)
    calls = {"n": 0}
    real = imports.signals_ingest_batch

    def failing(**kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("đĩa đầy")
        return real(**kw)

    monkeypatch.setattr(imports, "signals_ingest_batch", failing)
    # when imported in batches of one
    with pytest.raises(OSError):
        run(path, channel="hotline", batch_size=1)
    # then nothing of it is in the database: no signal, issue, day, batch, nor clusterer state change
    assert not Signal.objects.exists() and not Issue.objects.exists() and not IssueDay.objects.exists()
    assert not ImportBatch.objects.exists()
    assert not ClustererState.objects.exclude(state={}).exists()


def test_the_import_command(tmp_path, capsys):
    path = write_csv(tmp_path / "kien_nghi.csv", PETITIONS)
    code = main(["import", str(path), "--channel", "voter_meeting", "--no-progress", "--workers", "1"])
    out = capsys.readouterr().out
    assert code == 0 and "Đã thêm: 2" in out and "Bị loại: 2" in out and "phông chữ cũ" not in out
    # and a file typed in TCVN3 fonts says how many of its signals were converted
    header, *rows = PETITIONS
    typed = write_csv(
        tmp_path / "vn3.csv",
        [header, *([r[0] + "b", *(c.encode("tcvn3").decode("latin-1") for c in r[1:])] for r in rows)],
    )
    assert main(["import", str(typed), "--channel", "voter_meeting", "--no-progress", "--workers", "1"]) == 0
    assert "đã chuyển sang Unicode: 2" in capsys.readouterr().out
    assert main(["import", str(tmp_path / "none.csv"), "--channel", "news", "--no-progress"]) == 2
    assert "Không tìm thấy tệp" in capsys.readouterr().err


def test_two_analysis_workers_give_what_the_writer_would_compute(tmp_path):
    # given petitions (titles with odd spacing and decomposed Vietnamese among them)
    from duluan.apps.core.text import search_key, signal_search_key
    from duluan.apps.intake.analysis import analyse_parallel, analyse_rows

    rows = [
        {"key": f"k{i}", "text": text, "title": title, "created_at": None}
        for i, (title, text) in enumerate(
            [
                ("  Ngập  úng ", "Cử tri kiến nghị sửa đường bị ngập úng kéo dài ở phường Vũ Ninh"),
                ("Rác", "Đề nghị xử lý rác thải tồn đọng ở chợ xã Tân Dĩnh, gọi 0912 345 678"),
                ("", "Thu hồi đất chưa bồi thường thỏa đáng"),
            ]
        )
    ]
    # when analysed by two forked workers and in this process
    (_, parallel), *_ = list(analyse_parallel([rows], workers=2))
    alone = analyse_rows(rows)
    # then the analyses are the same, and the workers' search keys are the writer's definition
    for a, b, row in zip(parallel, alone, rows, strict=True):
        assert (a.key, a.normalised, a.topic, a.sentiment, a.places) == (
            b.key,
            b.normalised,
            b.topic,
            b.sentiment,
            b.places,
        )
        assert a.search_key == signal_search_key(row["title"], b.normalised)
        assert a.search_key == search_key(f"{row['title'].strip()} {b.normalised}")
    assert "0912" not in parallel[1].search_key  # masked text only
    # and the workers' profiles and titles for the clustering are the writer's own
    from duluan.apps.issues.titles import term_profile, title_from_signal

    for a, b, row in zip(parallel, alone, rows, strict=True):
        signal = SimpleNamespace(title=row["title"], text_masked=b.normalised)
        # as the JSON an issue's title_vector stores: the same floats, in the same order
        assert a.profile == orjson.dumps(term_profile(b.terms))
        assert list(orjson.loads(a.profile).items()) == list(term_profile(b.terms).items())
        title = title_from_signal(signal)
        assert a.issue_title == (title, search_key(title))
    # and an import with two workers stores those keys
    path = write_csv(tmp_path / "kien_nghi.csv", PETITIONS)
    run(path, workers=2)
    for s in Signal.objects.all():
        assert s.search_key == signal_search_key(s.title, s.text_masked)


def test_a_growing_import_refreshes_the_planner_statistics(tmp_path, monkeypatch):
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    # given an import that refreshes statistics after its first 2 signals, then at 4, 8…
    monkeypatch.setattr(imports, "ANALYZE_FIRST_ROWS", 2)
    rows = [["ma", "noi_dung"], *([f"S-{i}", f"Người dân phản ánh đường số {i} ngập sâu"] for i in range(40))]
    path = write_csv(tmp_path / "tin.csv", rows)
    # when imported (in one transaction, as imports are)
    report = run(path, channel="hotline", batch_size=8)
    assert report.created == 40
    # then the signal table's statistics count the import's rows, which autovacuum could not see
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Signal._meta.db_table])
        assert cursor.fetchone()[0] >= 4
        # and the columns its look-ups filter on have statistics, the long texts none of their own
        cursor.execute("SELECT attname FROM pg_stats WHERE tablename = %s", [Signal._meta.db_table])
        analysed = {row[0] for row in cursor.fetchall()}
    assert {"channel", "external_id", "content_hash", "issue_id", "import_batch_id"} <= analysed
    # from a small sample, and the session's statistics target is as it was for what follows
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW default_statistics_target")
        before = cursor.fetchone()[0]
        imports._analyze_grown_tables()
        cursor.execute("SHOW default_statistics_target")
        assert cursor.fetchone()[0] == before
        cursor.execute(
            "SELECT cardinality(histogram_bounds::text::text[]) FROM pg_stats"
            " WHERE tablename = %s AND attname = 'content_hash'",
            [Signal._meta.db_table],
        )
        assert cursor.fetchone()[0] <= 11  # a statistics target of 10: at most 11 of 40 bounds


def test_the_text_checks_answer_as_their_patterns():
    # given texts made of the characters the checks are about, clean Vietnamese and ASCII
    rng = random.Random(7)
    alphabet = "aZ ệưđ\u2019" + importers._MOJIBAKE_LEADS + "\u0080\u00bf€™Ÿ\ufffd\ud800\udc8e\udfff"
    texts = ["", "abc", "Ã©", "á»‡", "Ã", "Âu", "x\udc8e", "\ufffd", "Trường học"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(20_000)]
    for text in texts:
        # then the fast checks say what the regular expressions say
        bad = tabular.BAD_CHARS.search(text) is not None
        assert tabular.has_bad_chars(text) == bad, repr(text)
        mojibake = importers._MOJIBAKE.search(text) is not None
        assert importers.text_problem(text) == (bad or mojibake), repr(text)


def test_jsonl_records_are_read_as_the_json_module_reads_them(tmp_path):
    # given lines orjson reads alike (flat) and lines it would read otherwise or refuse:
    # integers beyond 64 bits, NaN, a lone surrogate escape, nested values, floats
    lines = [
        '{"id": 1, "text": "Đường ngập", "ok": true, "note": null}',
        '{"id": 123456789012345678901234567890, "text": "Số lớn"}',
        '{"id": -9223372036854775809, "text": "Số âm lớn"}',
        '{"id": "n", "text": "Không phải số", "lat": NaN}',
        '{"id": "s", "text": "Mất \\udc8e chữ"}',
        '{"id": "l", "text": "Lồng nhau", "extra": {"a": [1, 2.5, {"b": 1e400}]}}',
        '{"id": "f", "text": "Toạ độ", "lat": 21.0278, "lon": 105.8342}',
        '{"id": "d", "text": "Trùng khoá", "id": "d2"}',
    ]
    path = tmp_path / "tin.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # when the file is read
    got = list(importers.read_file(path))
    # then every record is what json.loads gives, value types and key order included
    assert len(got) == len(lines)
    for entry, line in zip(got, lines, strict=True):
        expected = json.loads(line)
        assert repr(entry.raw) == repr(expected)  # NaN compares unequal; its repr does not
        assert [type(v) for v in entry.raw.values()] == [type(v) for v in expected.values()]
    assert got[1].fields["id"] == 123456789012345678901234567890
    assert got[4].reason == "bad_encoding"  # the surrogate, found as before


def test_a_batch_sees_what_the_batch_before_it_stored(tmp_path):
    # given batches of two where the second repeats an id and a text of the first
    text = "Người dân phản ánh đèn đường hỏng ở thôn Đông nhiều ngày chưa sửa"
    rows = [
        ["ma", "noi_dung"],
        ["A", text],
        ["B", "Rác thải tồn đọng ở chợ xã Tân Dĩnh bốc mùi"],
        ["A", "Cùng mã A, nội dung khác: bản tin được gửi lại"],
        ["C", text],
        ["D", "Đường liên thôn xuống cấp, ổ gà nhiều"],
    ]
    path = write_csv(tmp_path / "tin.csv", rows)
    # when imported
    report = run(path, channel="hotline", batch_size=2)
    # then the repeated id is a duplicate of the stored row, and the repeated text points at
    # the first row that has it
    assert (report.created, report.duplicates, report.rejected) == (4, 1, 0)
    by_id = {s.external_id: s for s in Signal.objects.all()}
    assert sorted(by_id) == ["A", "B", "C", "D"]
    assert by_id["C"].duplicate_of_id == by_id["A"].pk
    assert by_id["A"].duplicate_of_id is None and by_id["A"].text == text
    assert all(s.issue_id for s in by_id.values())
    assert sum(Issue.objects.values_list("signal_count", flat=True)) == 4
    # and a re-import stores nothing
    again = run(path, channel="hotline", batch_size=2)
    assert (again.created, again.duplicates) == (0, 5)


@pytest.mark.django_db(transaction=True)
def test_a_key_repeated_batches_later_is_a_duplicate_without_a_second_look_up(tmp_path, monkeypatch):
    from duluan.apps.intake import services

    # given 30 rows in batches of 2, analysed ahead by two workers, where row 18 repeats the key
    # of row 12: its batch is looked up before the batch of row 12 is written
    rows = [["ma", "noi_dung"]]
    for i in range(30):
        key = "K11" if i == 17 else f"K{i}"
        rows.append([key, f"Người dân phản ánh đường số {i} ở phường {i % 7} ngập sâu sau mưa"])
    path = write_csv(tmp_path / "tin.csv", rows)
    at_write = []  # look-ups of the write path (the import looks a batch up when it reads it)
    looked_up = services.signals_known
    monkeypatch.setattr(services, "signals_known", lambda **kw: at_write.append(1) or looked_up(**kw))
    # when imported
    report = run(path, channel="hotline", batch_size=2, workers=2)
    # then the repeat is a duplicate of the stored row and nothing is stored twice
    assert (report.created, report.duplicates, report.rejected) == (29, 1, 0)
    assert Signal.objects.filter(external_id="K11").count() == 1
    assert Signal.objects.count() == 29
    # and where the import could tell (PostgreSQL shows whether anyone waits for its lock, so it
    # keeps one transaction), the write path did not look the keys up again
    from django.db import connection

    if connection.vendor == "postgresql":
        assert len(at_write) < 15 // 2
