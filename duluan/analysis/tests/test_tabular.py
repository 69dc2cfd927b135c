"""Reading, validating and writing the rows of ``duluan analyze`` (:mod:`duluan.analysis.tabular`)."""

from __future__ import annotations

import gzip
import json
import pickle
import threading
import types
import unicodedata
from datetime import UTC, date, datetime

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis import tabular
from duluan.analysis.legacy_encodings import typed_parts
from duluan.analysis.tabular import (
    LOCAL_TZ,
    MESSAGES,
    TOO_DEEP,
    JsonlWriter,
    Reject,
    RejectsWriter,
    RowValidator,
    SeenIds,
    UnreadableInput,
    csv_delimiter,
    excel_separator,
    jsonl_chunk_records,
    jsonl_line_chunks,
    jsonl_record,
    loads_json,
    open_writer,
    output_format,
    read_csv_text,
    read_records,
    read_rows,
    text_problem,
)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("Đường Nguyễn Văn Cừ ngập sâu sau mưa lớn.", None),
        # Typographic quotes and dashes are cp1252 continuation characters: suspect, yet clean.
        ("“Đường” – ngập – 30°C, giá 5€, xem thêm…", None),
        ("Ngập\tsâu\r\nquá", None),
        ("Có 8 ký tự điều khiển \x01\x02\x03\x04\x05\x06\x07\x08 thôi", None),
        ("PK\x03\x04\x00\x00binary", "binary"),
        ("chín ký tự \x01\x02\x03\x04\x05\x06\x07\x08\x0b", "binary"),
        ("ÄÆ°á»ng ngáº­p sÃ¢u", "bad_encoding"),
        ("Đường ng\ufffdp", "bad_encoding"),
        ("Đường ng\udcffp", "bad_encoding"),
        ("Ã©", "bad_encoding"),
        ("Ã ", None),
        ("Uû ban nh©n d©n tØnh B¾c Giang", "legacy_fonts"),  # typed in TCVN3 fonts: converted
        ("Bản quyền © 2026 Báo Bắc Ninh®", None),
    ],
)
def test_text_problem_finds_binary_badly_encoded_and_font_typed_text_only(value, reason):
    # given a text value, when checked, then only binary, badly encoded or font-typed text has one
    assert text_problem(value) == reason


def _plain_text_problem(value: str) -> str | None:
    """text_problem by its definition: the three checks on every text, no quick scan first. A
    mojibake pair is one unless it is "Ã" and a no-break space, a quote, a dash or an ellipsis
    (a syllable's end in capitals) in a text that holds a letter only Vietnamese writes."""
    if "\x00" in value or len(tabular._CONTROL_RE.findall(value[:4096])) > 8:
        return "binary"
    pairs = [m.group() for m in tabular._MOJIBAKE_RE.finditer(value)]
    vietnamese = any(c in "ĂăĐđĨĩŨũƠơƯư" or "\u1ea0" <= c <= "\u1ef9" for c in value)
    syllable_ends = all(p[0] == "Ã" and p[1] in "\u00a0“”‘’–—…" for p in pairs)
    if tabular.BAD_CHARS.search(value) or (pairs and not (syllable_ends and vietnamese)):
        return "bad_encoding"
    return "legacy_fonts" if typed_parts(value) else None


# The characters every check looks for, their neighbours, Vietnamese letters and punctuation,
# and whole mojibake pairs (random characters seldom line three of them up).
_PROBLEM_PIECES = st.sampled_from(
    [
        *"\x00\x01\x08\t\n\x0b\x1f\x7f\ufffd\ud800\udcffÂÃÄÅÆáàº»¼½¾¿©“”–…€ŸĐđưầ a.",
        "Ã©",
        "Æ°",
        "áº",
        "á»‡",
        "Ä‘",
        "nh©n d©n",
        "tØnh B¾c",
    ]
)


@given(st.lists(_PROBLEM_PIECES | st.characters(), max_size=8).map("".join))
@settings(max_examples=500)
@example("ngáº­p")
@example("“Æ°”")
@example("ĐÃ“")
@example("XÃ\u00a0HÁCH")
def test_the_quick_scan_never_hides_a_problem(value):
    # given any text, mostly of the characters the checks look for
    # when checked, then the answer is that of the three checks run on every text
    assert text_problem(value) == _plain_text_problem(value)


def test_times_with_the_same_offset_share_one_zone_object():
    # given rows whose times carry offsets, and one naive time
    validator = RowValidator()
    raws = [
        {"id": "a", "text": "một", "created_at": "2026-03-01T08:00:00+07:00"},
        {"id": "b", "text": "hai", "created_at": "2026-03-01T09:30:15.25+07:00"},
        {"id": "c", "text": "ba", "created_at": "2026-03-01T01:00:00+00:00"},
        {"id": "d", "text": "bốn", "created_at": "2026-03-01T01:00:00Z"},
        {"id": "e", "text": "năm", "created_at": "2026-03-01T08:00:00"},
    ]
    # when validated
    rows = [validator.validate(raw, i, i)[0] for i, raw in enumerate(raws, start=1)]
    # then each time equals what fromisoformat reads, in the same zone, and equal zones are one
    # object, so a batch pickles each zone once
    times = [row["created_at"] for row in rows]
    for raw, when in zip(raws[:4], times[:4], strict=True):
        expected = datetime.fromisoformat(raw["created_at"])
        assert (when, when.isoformat(), when.tzname()) == (expected, expected.isoformat(), expected.tzname())
    assert times[0].tzinfo is times[1].tzinfo
    assert times[2].tzinfo is times[3].tzinfo is UTC
    assert times[4].tzinfo is LOCAL_TZ and times[4].isoformat() == "2026-03-01T08:00:00+07:00"
    assert pickle.loads(pickle.dumps(times)) == times  # noqa: S301 (our own bytes)


def test_jsonl_writer_writes_compact_json_lines(tmp_path):
    # given output rows with Vietnamese text, floats, nulls, a datetime and a numpy float (which
    # orjson refuses: that row goes through json)
    import numpy as np

    records = [
        {"id": "a", "topic": {"label": "flood", "score": 0.1 + 0.2, "terms": ["ngập", "úng"]}, "x": None},
        {"id": "b", "when": datetime(2026, 3, 1, 8, 30, 5, 120, tzinfo=LOCAL_TZ), "places": []},
        {"id": "c", "score": np.float64(0.25)},
    ]
    path = tmp_path / "out.jsonl"
    # when written
    writer = JsonlWriter(path)
    writer.write(records)
    writer.write([])
    writer.close()
    # then the file holds the lines compact json.dumps gives, UTF-8, datetimes in ISO 8601
    expected = [
        json.dumps(r, ensure_ascii=False, default=lambda v: v.isoformat(), separators=(",", ":")) + "\n"
        for r in records
    ]
    assert path.read_text(encoding="utf-8") == "".join(expected)
    assert '"when":"2026-03-01T08:30:05.000120+07:00"' in path.read_text(encoding="utf-8")


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(codec=None, exclude_categories=["Cs"]) | st.sampled_from(["\ud800", "\udc8e"])),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=6,
)


@given(
    record=st.dictionaries(st.sampled_from(["id", "text", "title", "x"]), _JSON_VALUES, max_size=4),
    cut=st.integers(min_value=0, max_value=200),
    byte=st.integers(min_value=0, max_value=255),
)
def test_the_fast_json_reader_reads_a_line_as_json_does_or_leaves_it_to_json(record, cut, byte):
    # given a JSON line (NaN, huge integers and lone surrogates among the values), and the same
    # line with one byte changed
    line = json.dumps(record).encode("utf-8", "surrogatepass")
    mutated = line[:cut] + bytes([byte]) + line[cut + 1 :]
    for raw in (line, mutated):
        # when the fast reader takes it
        fast = tabular.plain_record(raw)
        # then it gives json's own record, value types included, or leaves the line to json
        if fast is not None:
            slow = json.loads(raw.decode("utf-8"))
            assert fast == slow
            assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]


_EDGE_ROWS = [
    # (raw record, clean fields expected (a subset) or the reject reason)
    ({"id": "a", "text": "Đường ngập", "title": float("nan")}, {"title": None, "text": "Đường ngập"}),
    ({"id": "a", "text": "Đường ngập".encode()}, {"text": "Đường ngập"}),
    ({"id": "a", "text": b"\xff\xfe"}, "bad_encoding"),
    ({"id": "a", "text": "x", "source": 5, "channel": True}, {"source": "5", "channel": "True"}),
    ({"id": 3.0, "text": "x"}, {"id": "3"}),
    ({"id": float("nan"), "text": "x"}, "missing_id"),
    ({"id": " b ", "text": "x"}, {"id": "b"}),
    (types.MappingProxyType({"id": "a", "text": "x"}), {"id": "a"}),
    (["id", "text"], "bad_row"),
    ({"id": "a", "text": "x", "created_at": ""}, {"created_at": None}),
    (
        {"id": "a", "text": "x", "created_at": " 2026-03-01T08:00:00 "},
        {"created_at": datetime(2026, 3, 1, 8, tzinfo=LOCAL_TZ)},
    ),
    (
        {"id": "a", "text": "x", "created_at": datetime(2026, 3, 1, 8)},
        {"created_at": datetime(2026, 3, 1, 8, tzinfo=LOCAL_TZ)},
    ),
    # dates as Vietnamese write them, as spreadsheets give them, as RSS writes them
    (
        {"id": "a", "text": "x", "created_at": "15/03/2026 08:30"},
        {"created_at": datetime(2026, 3, 15, 8, 30, tzinfo=LOCAL_TZ)},
    ),
    (
        {"id": "a", "text": "x", "created_at": "5-3-2026"},
        {"created_at": datetime(2026, 3, 5, tzinfo=LOCAL_TZ)},
    ),
    (
        {"id": "a", "text": "x", "created_at": date(2026, 3, 5)},
        {"created_at": datetime(2026, 3, 5, tzinfo=LOCAL_TZ)},
    ),
    (
        {"id": "a", "text": "x", "created_at": "Sun, 15 Mar 2026 01:30:00 +0000"},
        {"created_at": datetime(2026, 3, 15, 8, 30, tzinfo=LOCAL_TZ)},
    ),
    # Unix times, as social platforms and chat logs export them: seconds or milliseconds, as
    # numbers or as the digits of a CSV cell
    (
        {"id": "a", "text": "x", "created_at": 1773538200},
        {"created_at": datetime(2026, 3, 15, 8, 30, tzinfo=LOCAL_TZ)},
    ),
    (
        {"id": "a", "text": "x", "created_at": "1773538200500"},
        {"created_at": datetime(2026, 3, 15, 8, 30, 0, 500000, tzinfo=LOCAL_TZ)},
    ),
    (
        {"id": "a", "text": "x", "created_at": np.int64(1773538200)},
        {"created_at": datetime(2026, 3, 15, 8, 30, tzinfo=LOCAL_TZ)},
    ),
    (
        {"id": "a", "text": "x", "created_at": 1773538200.0},
        {"created_at": datetime(2026, 3, 15, 1, 30, tzinfo=UTC)},
    ),
    ({"id": "a", "text": None}, "missing_text"),
    ({"text": "x", "title": "\x00bin"}, "binary"),
    ({"id": "a", "text": ["a", "b"]}, "bad_value"),
    ({"id": "a", "text": "x", "title": {"k": "v"}}, "bad_value"),
    ({"id": ["a"], "text": "x"}, "bad_value"),
    ({"id": True, "text": "x"}, "bad_value"),  # not the id "True"
    ({"id": "a", "text": False}, "bad_value"),
    ({"id": "ab\udcfa", "text": "x"}, "bad_encoding"),
    ({"id": "a\x00b", "text": "x"}, "binary"),
    ({"id": 7, "text": 12345}, {"id": "7", "text": "12345"}),
]


@pytest.mark.parametrize(("raw", "expected"), _EDGE_ROWS)
def test_rows_of_every_kind_of_value_are_checked_alike(raw, expected):
    # given a record with values of one kind or another
    # when it is checked
    clean, notes = RowValidator().validate(raw, 7, 9)
    # then it is cleaned, or rejected for its reason
    if isinstance(expected, str):
        assert clean is None and [(n.reason, n.row, n.line) for n in notes] == [(expected, 7, 9)]
    else:
        assert notes == [] and {k: clean[k] for k in expected} == expected


def test_unknown_columns_are_named_in_their_order_once_a_run():
    # given rows with columns the analysis does not know, some of them again, one on a row
    # without an id and one on a row whose id is unusable
    validator = RowValidator()
    rows = [
        {"id": "1", "text": "x", "b": 1, "a": 2},
        {"id": "2", "text": "x", "a": 3, "c": 4},
        {"id": "3", "text": "x", "b": 5},
        {"text": "x", "d": 6},
        {"id": "a\x00b", "text": "x", "e": 7},
    ]
    # when they are checked
    notes = [validator.validate(row, i, i)[1] for i, row in enumerate(rows, 1)]
    # then each column is named once, in the order it was first seen, as a warning with the id
    # of the row it was first seen on, when that row has a usable one
    assert [[(n.reason, n.severity, n.id, n.message.split(": ")[-1]) for n in row] for row in notes] == [
        [("unknown_columns", "warning", "1", "b, a.")],
        [("unknown_columns", "warning", "2", "c.")],
        [],
        [("unknown_columns", "warning", None, "d."), ("missing_id", "error", None, MESSAGES["missing_id"])],
        [("unknown_columns", "warning", None, "e."), ("binary", "error", None, notes[4][1].message)],
    ]


@pytest.mark.parametrize(
    "value",
    [
        "  ", 5, "31/02/2026", "hôm qua", ["2026-03-01"], 20260305, 99999999999999, True,
        # what exports write for "no time", and a time decades ahead (4102444800: 2100 in seconds)
        "0001-01-01T00:00:00Z", "9999-12-31", "31/12/9999", "2099-01-01T00:00:00+07:00", 4102444799,
    ],
)  # fmt: skip
def test_a_time_that_cannot_be_read_leaves_the_row_without_a_time(value):
    # given a row whose created_at is no time
    raw = {"id": "a", "text": "Đường ngập", "created_at": value}
    # when it is checked
    clean, notes = RowValidator().validate(raw, 7, 9)
    # then the row is kept, without a time, with a warning that names its id and the value
    assert clean is not None and (clean["id"], clean["text"], clean["created_at"]) == (
        "a",
        "Đường ngập",
        None,
    )
    detail = f" (giá trị {repr(value)[:80]})."
    assert notes == [
        Reject(7, 9, "a", "bad_created_at", MESSAGES["bad_created_at"].removesuffix(".") + detail, "warning")
    ]


def test_a_row_left_out_for_its_id_gets_no_warning_about_its_time():
    # given a row whose id an earlier row had and whose created_at is no time
    validator = RowValidator()
    validator.validate({"id": "a", "text": "x"}, 1, 1)
    # when it is checked
    clean, notes = validator.validate({"id": "a", "text": "y", "created_at": "hôm qua"}, 2, 2)
    # then it is rejected for its id alone: it was not analysed, with or without a time
    assert clean is None and [(n.reason, n.severity) for n in notes] == [("duplicate_id", "error")]


def test_a_chunk_checked_apart_gives_the_notes_of_the_whole_file_in_row_order():
    # given rows with unknown columns (first seen on a row with an id, on one without, on one
    # rejected) and times that cannot be read, one on a row with an unknown column too
    rows = [
        {"id": "1", "text": "x", "nhan": "a", "created_at": "hôm qua"},
        {"id": "2", "text": "x", "created_at": "2026-03-01T08:00:00+07:00"},
        {"text": "x", "nguon": "zalo"},
        {"id": "4", "text": "  ", "ghi_chu": 1, "nhan": "b"},
        {"id": "5", "text": "x", "created_at": 5},
    ]
    whole = RowValidator()
    expected = [note for i, row in enumerate(rows, 1) for note in whole.validate(row, i, i)[1]]
    # when the rows are checked in two chunks by validators of part of the file, and the process
    # that sees every row puts their notes together
    final = RowValidator()
    notes = []
    for start, chunk in ((1, rows[:2]), (3, rows[2:])):
        worker = RowValidator(whole_file=False)
        kept = [worker.validate(row, i, i)[1] for i, row in enumerate(chunk, start)]
        found = final.chunk_notes([note for row_notes in kept for note in row_notes], worker.unknown)
        notes += [note for *_, note in sorted(found, key=lambda n: n[:2])]
    # then they are those of a validator of the whole file, in the same order, ids included
    assert notes == expected
    assert [(n.row, n.id, n.reason, n.severity) for n in notes] == [
        (1, "1", "unknown_columns", "warning"),
        (1, "1", "bad_created_at", "warning"),
        (3, None, "unknown_columns", "warning"),
        (3, None, "missing_id", "error"),
        (4, "4", "unknown_columns", "warning"),
        (4, "4", "empty_text", "error"),
        (5, "5", "bad_created_at", "warning"),
    ]


def test_messages_name_the_columns_as_the_validator_was_told():
    # given validators told the text and id columns' names, and one told nothing
    named = RowValidator(text_field="noi_dung", id_field="ma")
    plain = RowValidator()
    rows = [
        {"text": "x"},
        {"id": "a", "text": None},
        {"id": "b", "text": "  "},
        {"id": "c", "text": "\x00bin"},
        {"id": ["d"], "text": "x"},
        {"id": "e", "text": "x", "title": "\x00bin"},
        {"id": "f", "text": "x"},
        {"id": "f", "text": "x"},
    ]
    # when the rows are checked by each
    messages = {
        validator: [n.message for i, row in enumerate(rows, 1) for n in validator.validate(row, i, i)[1]]
        for validator in (named, plain)
    }
    # then the messages name those columns (the title as title), and the default names as
    # analyze always has
    assert messages[named] == [
        "Thiếu mã định danh (ma).",
        "Không có nội dung (cột noi_dung thiếu hoặc rỗng).",
        "Nội dung (noi_dung) trống.",
        "Nội dung là dữ liệu nhị phân, không phải văn bản (cột noi_dung).",
        "Giá trị không phải văn bản (danh sách, đối tượng hoặc true/false) (cột ma).",
        "Nội dung là dữ liệu nhị phân, không phải văn bản (cột title).",
        "Mã định danh (ma) trùng với một dòng trước đó.",
    ]
    assert messages[plain] == [
        "Thiếu mã định danh (id).",
        "Không có nội dung (cột text thiếu hoặc rỗng).",
        "Nội dung (text) trống.",
        "Nội dung là dữ liệu nhị phân, không phải văn bản (cột text).",
        "Giá trị không phải văn bản (danh sách, đối tượng hoặc true/false) (cột id).",
        "Nội dung là dữ liệu nhị phân, không phải văn bản (cột title).",
        "Mã định danh (id) trùng với một dòng trước đó.",
    ]
    assert [MESSAGES[r] for r in ("missing_id", "missing_text", "empty_text", "duplicate_id")] == [
        messages[plain][0], messages[plain][1], messages[plain][2], messages[plain][6]
    ]  # fmt: skip


def test_parquet_output_keeps_every_field_of_a_row(tmp_path):
    # given an output row as the pipeline makes it: the topic's runner-up, the sentiment's
    # intensity, a place's units in the other scheme and an unresolved name's candidates
    import pyarrow.parquet as pq

    record = {
        "id": "a",
        "topic": {"label": "land", "score": 0.9, "terms": ["đất"], "runner_up": "construction"},
        "sentiment": {"label": "negative", "score": 0.8, "intensity": 0.75},
        "places": [
            {"code": "24", "scheme": "2025", "level": "province", "name": "Tỉnh Bắc Ninh",
             "start": 0, "end": 7, "confidence": 0.9,
             "equivalents": [
                 {"scheme": "pre2025", "code": "24", "level": "province", "name": "Tỉnh Bắc Giang",
                  "within": "", "share": 1.0},
                 {"scheme": "pre2025", "code": "27", "level": "province", "name": "Tỉnh Bắc Ninh",
                  "within": "", "share": 1.0},
             ],
             "candidates": []},
            {"code": "708", "scheme": "pre2025", "level": "district", "name": "Huyện Châu Thành",
             "start": 9, "end": 19, "confidence": 0.09, "equivalents": [],
             "candidates": [
                 {"scheme": "pre2025", "code": "708", "level": "district", "name": "Huyện Châu Thành",
                  "within": "Tỉnh Long An"},
                 {"scheme": "pre2025", "code": "808", "level": "district", "name": "Huyện Châu Thành",
                  "within": "Tỉnh Tiền Giang"},
             ]},
        ],
        "duplicate_of": None,
        "near_duplicate_group": "a",
        "cluster": "c1",
    }  # fmt: skip
    # when it is written to Parquet and read back
    writer = open_writer(tmp_path / "out.parquet")
    writer.write([json.loads(json.dumps(record))])
    writer.close()
    # then nothing is lost
    assert pq.read_table(tmp_path / "out.parquet").to_pylist() == [record]


@pytest.mark.parametrize("name", ["out.jsonl", "out.jsonl.gz", "out.parquet"])
def test_an_aborted_writer_leaves_the_path_as_it_was(tmp_path, name):
    # given a path holding an earlier output
    path = tmp_path / name
    path.write_bytes(b"earlier")
    # when a writer writes a batch there, then is aborted; and a rejects writer likewise
    writer = open_writer(path)
    writer.write([{"id": "a", "topic": None, "sentiment": None, "places": [], "duplicate_of": None,
                   "near_duplicate_group": None, "cluster": None}])  # fmt: skip
    writer.abort()
    rejects = RejectsWriter(tmp_path / "rejects.jsonl")
    rejects.write(Reject(1, 1, None, "missing_id", MESSAGES["missing_id"]))
    rejects.abort()
    # then the earlier output is intact, no rejects file appeared, and nothing is left beside them
    assert path.read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_rejects_naming_undecodable_bytes_stay_utf8_json(tmp_path):
    # given a warning naming a column read with undecodable bytes (kept as lone surrogates)
    rejects = RejectsWriter(tmp_path / "rejects.jsonl")
    rejects.write(Reject(1, 2, None, "unknown_columns", "Có cột không được hỗ trợ: ghi ch\udcfa"))
    rejects.close()
    # then the file is UTF-8, and its line JSON that gives the name back
    [line] = (tmp_path / "rejects.jsonl").read_bytes().decode("utf-8").splitlines()
    assert json.loads(line)["message"].endswith("ghi ch\udcfa")


def test_a_byte_order_mark_does_not_spoil_the_first_jsonl_row(tmp_path):
    # given a JSONL file that starts with a UTF-8 byte-order mark
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n')
    # when it is read whole, or in chunks of lines for workers
    records = [record for _, _, record in read_records(path)]
    [(_, lines, _)] = list(jsonl_line_chunks(path, 10))
    # then the first row is a record like the others
    assert records == [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]
    assert [jsonl_record(line, 1, 1) for line in lines] == records


def test_a_line_nested_too_deeply_for_json_is_a_bad_line_not_a_crash():
    # given a record whose title is nested deeper than json's recursion goes, and plain text
    # nested as deep (a bad line either way)
    deep = b'{"id": "d", "text": "x", "title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    # when each is read as a line of input
    reject = jsonl_record(deep, 3, 4)
    # then it is the reject of a bad JSON line, which says why, and the reader is whole after it
    assert (reject.row, reject.line, reject.reason) == (3, 4, "bad_json")
    assert TOO_DEEP in reject.message
    with pytest.raises(json.JSONDecodeError, match=TOO_DEEP):
        loads_json("[" * 100_000)
    assert jsonl_record(b'{"id": "a", "text": "[[["}', 1, 1) == {"id": "a", "text": "[[["}


def test_a_quote_left_open_in_a_csv_file_is_a_reject_that_names_the_lines_it_took(tmp_path):
    # given a CSV file whose third row opens a quote it never closes, so that csv's lenient reader
    # reads the rows after it as that row's text; a TSV file the same; and files whose last row
    # is a closed quote over two lines, or a quote left open on the last line alone
    (tmp_path / "open.csv").write_text(
        'id,text\n1,"Ngập ""sâu"""\n2,"Hai\ndòng"\n3,"Không đóng\n4,Ô nhiễm\n5,Tiếng ồn\n', encoding="utf-8"
    )
    (tmp_path / "open.tsv").write_text('id\ttext\n1\t"Không đóng\n2\tÔ nhiễm\n', encoding="utf-8")
    (tmp_path / "closed.csv").write_text('id,text\n1,Ngập\n2,"Hai\ndòng"\n', encoding="utf-8")
    (tmp_path / "last.csv").write_text('id,text\n1,Ngập\n2,"Mở ở dòng cuối\n', encoding="utf-8")
    # when they are read
    read = {
        name: list(read_records(tmp_path / name))
        for name in ("open.csv", "open.tsv", "closed.csv", "last.csv")
    }
    # then the rows before the open quote are read as written, and that row is a reject that
    # gives its id and the lines it took to the end of the file, instead of a text with three rows
    *before, (row, line, reject) = read["open.csv"]
    assert before == [(1, 2, {"id": "1", "text": 'Ngập "sâu"'}), (2, 3, {"id": "2", "text": "Hai\ndòng"})]
    assert (row, line, reject.row, reject.line, reject.id, reject.reason) == (
        3,
        5,
        3,
        5,
        "3",
        "unclosed_quote",
    )
    assert reject.message.startswith("Dấu ngoặc kép mở ở dòng 5 không được đóng: các dòng 5–7 (đến hết tệp)")
    [(_, _, tsv_reject)] = read["open.tsv"]
    assert (tsv_reject.reason, tsv_reject.id) == ("unclosed_quote", "1")
    # and a closed quote over lines, or one left open on the last line (which takes no row), is a row
    assert read["closed.csv"][-1] == (2, 3, {"id": "2", "text": "Hai\ndòng"})
    assert read["last.csv"][-1] == (2, 3, {"id": "2", "text": "Mở ở dòng cuối\n"})


@pytest.mark.parametrize("header", ["id, text", " id ,text ", "id;  text"])
def test_a_csv_header_typed_with_spaces_names_its_columns(tmp_path, header):
    # given a CSV file whose header has spaces around its names, as people type one
    path = tmp_path / "in.csv"
    sep = ";" if ";" in header else ","
    path.write_text(f"{header}\n1{sep}Đèn đường hỏng\n", encoding="utf-8")
    # then its columns are id and text, not " text", which named no column and left every row
    # without a text
    assert list(read_rows(path)) == [
        {"id": "1", "text": "Đèn đường hỏng", "title": None, "source": None, "channel": None,
         "created_at": None, "_row": 1, "_line": 2}
    ]  # fmt: skip


def test_a_csv_row_cut_by_an_unquoted_delimiter_is_a_reject_not_half_its_text(tmp_path):
    # given CSV files with a row whose text holds the delimiter unquoted (its rest spills past the
    # header's columns), a row ending in blank cells (a trailing delimiter), and a good row, the
    # cut row last in one file
    (tmp_path / "comma.csv").write_text(
        "id,text\n1,Đường ngập\n2,Đường ngập, dân bức xúc, đề nghị xử lý\n3,Rác thải,,\n", encoding="utf-8"
    )
    (tmp_path / "semi.csv").write_text("id;text\n1;Đèn hỏng\n2;Đường ngập; dân bức xúc\n", encoding="utf-8")
    # when they are read
    comma = list(read_records(tmp_path / "comma.csv"))
    semi = list(read_records(tmp_path / "semi.csv"))
    # then the cut row is a reject saying why and how to mend it, on its line with its id, and
    # the others are read as written
    assert [r for r in comma if not isinstance(r[2], Reject)] == [
        (1, 2, {"id": "1", "text": "Đường ngập"}),
        (3, 4, {"id": "3", "text": "Rác thải"}),
    ]
    (row, line, reject), (_, _, last) = comma[1], semi[1]
    assert (row, line, reject.row, reject.line, reject.id, reject.reason) == (2, 3, 2, 3, "2", "extra_cells")
    assert reject.message.startswith("Dòng có 2 ô thừa ngoài 2 cột của dòng tiêu đề")
    assert "(dấu phẩy)" in reject.message and "ngoặc kép" in reject.message
    assert (last.reason, last.id, last.line) == ("extra_cells", "2", 3)
    assert "Dòng có 1 ô thừa" in last.message and "(dấu chấm phẩy)" in last.message


@pytest.mark.parametrize("name", ["in.csv", "in.csv.gz", "in.txt"])
def test_a_csv_file_saved_with_the_vietnamese_list_separator_reads_as_its_comma_twin(tmp_path, name):
    # given rows as Excel on a Vietnamese Windows saves "CSV" (semicolons, the locale's list
    # separator, and a byte-order mark), whose texts hold commas, semicolons and a quoted cell
    # over two lines; the same rows with commas (tabs for .txt); and comma files whose texts
    # hold more semicolons than commas
    rows = [("1", "Đường ngập, dân bức xúc; đề nghị xử lý"), ("2", "Hai\ndòng; một ô"), ("3", "1,5 tỷ")]

    def body(sep: str) -> str:
        return f"id{sep}text\n" + "".join(f'{i}{sep}"{t}"\n' for i, t in rows)

    own = "\t" if name == "in.txt" else ","
    for path, text in (
        (tmp_path / name, body(own)),
        (tmp_path / f"semi-{name}", "\ufeff" + body(";")),
        (tmp_path / f"tab-{name}", body("\t")),
        (tmp_path / f"comma-{name}", body(",")),
    ):
        raw = text.encode("utf-8")
        path.write_bytes(gzip.compress(raw) if name.endswith(".gz") else raw)
    # then each reads the same records on the same lines, the texts whole
    expected = list(read_records(tmp_path / name))
    assert [r[2] for r in expected] == [{"id": i, "text": t} for i, t in rows]
    for other in ("semi", "tab", "comma"):
        assert list(read_records(tmp_path / f"{other}-{name}")) == expected
    # and the delimiter is the extension's wherever the header holds it, whatever the texts hold
    assert csv_delimiter(name, b'id,text\n1,"a;b;c;d"\n') == ","
    assert csv_delimiter("in.tsv", b"id\ttext\n1\ta,b;c\n") == "\t"
    assert csv_delimiter("in.csv", b"text\nmot;hai\n") == ","  # one column: as before
    assert csv_delimiter("out.csv") == ","  # a file still to be written: by its name


@pytest.mark.parametrize(
    ("header", "name", "first", "second"),
    [("id,text,text", "text", 2, 3), ("text;id;ghi chú;ghi chú", "ghi chú", 3, 4)],
)
def test_a_csv_header_naming_a_column_twice_is_refused_not_read_as_its_last_cell(
    tmp_path, header, name, first, second
):
    # given a CSV file whose header names a column twice (the rows would keep its second cell)
    sep = ";" if ";" in header else ","
    path = tmp_path / "dup.csv"
    path.write_text(
        header + "\n" + sep.join(["1", "Đường ngập", "Rác", "x"][: header.count(sep) + 1]) + "\n",
        encoding="utf-8",
    )
    # then reading it says which column, and where, instead of reading any row
    with pytest.raises(UnreadableInput, match=f"hai cột cùng tên “{name}” \\(cột {first} và {second}\\)"):
        list(read_rows(path))
    # and blank names (trailing delimiters) are no such column, nor an unknown one while blank
    path.write_text("id,text,,\n1,Đường ngập,,\n2,Rác,,x\n", encoding="utf-8")
    first, warning, second = read_rows(path)
    assert (first["text"], second["text"]) == ("Đường ngập", "Rác")
    assert (warning.row, warning.reason, warning.severity) == (2, "unknown_columns", "warning")
    assert warning.message.endswith(": (cột không tên).")


def test_an_uploaded_csv_text_gives_its_records_with_the_line_each_starts_on():
    # given uploads of the same records in commas, in semicolons after a "sep=;" line, and in
    # semicolons alone, the first record's cell quoted over two lines
    rows = [("T1", "Tổ 1"), ("T2", "Tổ 2\nkhu Đồi, xóm Mới"), ("T3", "Tổ 3")]

    def text(sep: str) -> str:
        return f"code{sep}name\n" + "".join(f'{c}{sep}"{n}"\n' for c, n in rows)

    # when each is read
    read = {
        name: read_csv_text(t)
        for name, t in (("comma", text(",")), ("sep", "sep=;\n" + text(";")), ("semi", text(";")))
    }
    # then each gives the header, the records whole, and the line each starts on in its file
    expected = [{"code": c, "name": n} for c, n in rows]
    assert read["comma"] == (["code", "name"], list(zip([2, 3, 5], expected, strict=True)))
    assert read["semi"] == read["comma"]
    assert read["sep"] == (["code", "name"], list(zip([3, 4, 6], expected, strict=True)))


@pytest.mark.parametrize("first", ["sep=;\n", "\ufeffsep=;\r\n", "SEP=;\n"])
def test_a_csv_file_that_declares_its_separator_for_excel_reads_as_without_the_line(tmp_path, first):
    # given a semicolon CSV file as tools write it for Excel, with a "sep=;" line before the
    # header, whose second row an unquoted semicolon cut; and the same file without that line
    body = 'id;text\n1;"Đường ngập, dân bức xúc"\n2;Rác thải; khói bụi\n3;Đèn hỏng\n'
    (tmp_path / "sep.csv").write_bytes((first + body).encode("utf-8"))
    (tmp_path / "plain.csv").write_text(body, encoding="utf-8")
    # when both are read
    declared = list(read_rows(tmp_path / "sep.csv"))
    plain = list(read_rows(tmp_path / "plain.csv"))
    # then the line is no header and no row: the same rows, each on its line of the file
    assert [r["text"] for r in declared if isinstance(r, dict)] == ["Đường ngập, dân bức xúc", "Đèn hỏng"]
    [reject] = [r for r in declared if isinstance(r, Reject)]
    assert (reject.reason, reject.id, reject.line) == ("extra_cells", "2", 4)
    one_line_on = [{**r, "_line": r["_line"] + 1} for r in plain if isinstance(r, dict)]
    assert one_line_on == [r for r in declared if isinstance(r, dict)]
    assert [r.line for r in plain if isinstance(r, Reject)] == [3]
    # and the declared separator wins over the header's, a line that only looks like one does not
    assert (
        excel_separator(b"sep=\t\nid,text\n") == "\t" and csv_delimiter("a.csv", b"sep=\t\nid,text\n") == "\t"
    )
    assert excel_separator(b"sep=;;\nid;text\n") is None and excel_separator(b"id,sep=;\n") is None


@pytest.mark.parametrize(
    "content",
    [
        b'[\n  {"id": "a", "text": "x"},\n  {"id": "b", "text": "y"}\n]\n',
        b'[{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]',
        b'\xef\xbb\xbf\n  [ {"id": "a", "text": "x"} ]',
        b"[]\n",
        b"[",
    ],
)
@pytest.mark.parametrize("name", ["in.json", "in.jsonl.gz"])
def test_a_json_array_file_is_refused_whole_with_how_to_write_it_as_jsonl(tmp_path, content, name):
    # given a file holding one JSON array of records (spread over lines, on one line, after a
    # byte-order mark and blank space, empty, cut short), plain or compressed
    path = tmp_path / name
    path.write_bytes(gzip.compress(content) if name.endswith(".gz") else content)
    # then reading it, whole or in chunks of lines, raises UnreadableInput saying what it is
    for read in (lambda: list(read_records(path)), lambda: list(jsonl_line_chunks(path, 100))):
        with pytest.raises(UnreadableInput, match=r"in\.json.* là một mảng JSON .*jq -c"):
            read()


@pytest.mark.parametrize(
    ("name", "content", "guess"),
    [
        ("in.jsonl", '{"id": "a", "text": "Ngập úng"}\n'.encode("utf-16-be") * 50, "UTF-16"),
        ("in.csv", "id,text\n1,Ngập úng\n".encode("utf-16-le") * 50, "UTF-16"),
        # (mtime=0: a header without the time, so that every xdist worker collects the same test)
        ("in.jsonl.gz", gzip.compress(bytes(range(256)) * 40, mtime=0), "tệp nhị phân"),
        ("in.tsv", bytes(range(256)) * 40, "tệp nhị phân"),
    ],
    ids=["utf16-jsonl", "utf16-csv", "binary-jsonl-gz", "binary-tsv"],
)
def test_a_utf16_or_binary_file_is_refused_whole(tmp_path, name, content, guess):
    # given a file in UTF-16 without a byte-order mark (whose byte order is a guess) or of bytes
    # that are not text
    path = tmp_path / name
    path.write_bytes(content)
    # then reading it raises UnreadableInput with the guess, not a reject per "line"
    with pytest.raises(UnreadableInput, match=f"không phải văn bản UTF-8 \\(có thể là {guess}\\)"):
        list(read_records(path))


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz", "in.csv", "in.tsv", "in.txt"])
def test_a_utf16_file_with_its_mark_reads_as_its_utf8_twin(tmp_path, name, codec):
    # given rows with accents, an emoji (a surrogate pair in UTF-16) and, in CSV, a cell over two
    # lines, written in UTF-8 and in UTF-16 with a byte-order mark ("Unicode Text" of Excel)
    texts = ["Đường ngập úng 😡", 'Phường "Bắc Giang"\nmất điện', "Hoà, thuý"]
    if name.startswith("in.jsonl"):
        body = "".join(
            json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)
        )
    else:
        sep = "," if name == "in.csv" else "\t"  # .txt: tab-separated, as Excel writes it
        quoted = ['"' + t.replace('"', '""') + '"' for t in texts]
        body = f"id{sep}text\n" + "".join(f"{i}{sep}{q}\n" for i, q in enumerate(quoted))
    mark = b"\xfe\xff" if codec == "utf-16-be" else b""
    for path, raw in (
        (tmp_path / name, body.encode()),
        (tmp_path / f"u16-{name}", mark + body.encode(codec)),
    ):
        path.write_bytes(gzip.compress(raw) if name.endswith(".gz") else raw)
    # then both read the same records on the same lines, whole and in chunks of lines
    assert list(read_records(tmp_path / f"u16-{name}")) == list(read_records(tmp_path / name))
    assert [r[2]["text"] for r in read_records(tmp_path / f"u16-{name}")] == texts
    if name.startswith("in.jsonl"):
        assert list(jsonl_line_chunks(tmp_path / f"u16-{name}", 2)) == list(
            jsonl_line_chunks(tmp_path / name, 2)
        )


def cp1258_bytes(text: str) -> bytes:
    """``text`` as Excel on a Vietnamese Windows saves it: Windows-1258, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


PETITION_TEXTS = [
    "Cử tri phường Bắc Giang đề nghị sửa đường ngập úng",
    "Đề nghị xử lý rác thải tồn đọng ở chợ khiến dân bức xúc",
    "Mất điện kéo dài ở xã Tân Dĩnh ảnh hưởng sản xuất",
]


def _tcvn3_with_a_combining_tone(text: str) -> bytes:
    """``text`` in TCVN3, its "ỡ" typed as "ơ" and a combining tilde (a byte of TCVN 5712)."""
    return text.encode("tcvn3").replace("ỡ".encode("tcvn3"), "ơ".encode("tcvn3") + b"\xb2")


@pytest.mark.parametrize(
    ("encode", "letter", "split"),
    [
        (cp1258_bytes, "ờ", b"\xf5\xcc"),  # Excel's CSV on a Vietnamese Windows: ơ, its grave accent
        (_tcvn3_with_a_combining_tone, "ỡ", b"\xac\xb2"),  # typed in the ".VnTime" fonts: ơ, its tilde
    ],
)
def test_a_legacy_file_reads_as_the_text_typed(tmp_path, encode, letter, split):
    # given a CSV in Windows-1258 or TCVN3 whose one long row puts a letter last in the reader's
    # first block and its tone mark, a combining character, first in the second
    before = "id,text\n" + "".join(f"{i},{t}\n" for i, t in enumerate(PETITION_TEXTS))
    filler = 65535 - len(encode(before)) - len("9,")
    texts = [*PETITION_TEXTS, "a" * filler + letter, *PETITION_TEXTS]
    body = "id,text\n" + "".join(f"{i},{t}\n" for i, t in enumerate(texts))
    raw = encode(body)
    assert raw[65535:65537] == split
    (tmp_path / "a.csv").write_bytes(raw)
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(raw))
    # then every row reads as typed, composed (NFC), on its own line, plain or compressed
    for name in ("a.csv", "a.csv.gz"):
        records = list(read_records(tmp_path / name))
        assert [r[2]["text"] for r in records] == texts
        assert [r[1] for r in records] == list(range(2, len(texts) + 2))


def test_a_file_of_one_row_saved_in_windows_1258_reads_as_typed(tmp_path):
    # given a one-row CSV as Excel on a Vietnamese Windows saves it, and a file whose one row
    # in Windows-1258 follows rows typed in ASCII
    text = "Cử tri phường Bắc Giang đề nghị sửa đường ngập úng"
    (tmp_path / "one.csv").write_bytes(cp1258_bytes(f"id,text\n1,{text}\n"))
    (tmp_path / "ascii.csv").write_bytes(cp1258_bytes(f"id,text\n1,Duong ngap\n2,{text}\n"))
    (tmp_path / "one.csv.gz").write_bytes(gzip.compress(cp1258_bytes(f"id,text\n1,{text}\n")))
    # then its row reads as typed, not as a reject for its encoding, compressed or not
    assert [r[2]["text"] for r in read_records(tmp_path / "one.csv")] == [text]
    assert [r[2]["text"] for r in read_records(tmp_path / "one.csv.gz")] == [text]
    assert [r[2]["text"] for r in read_records(tmp_path / "ascii.csv")] == ["Duong ngap", text]
    # while a UTF-8 file with such a row keeps it a reject of its own (the test below)


def test_a_vni_file_reads_as_the_text_typed_across_blocks(tmp_path):
    # given a file in VNI ("Ñöôøng" for "Đường": a letter, then its marks as Western letters),
    # long enough that the reader's blocks end inside words, and a quoted cell over two lines
    from duluan.analysis.tests.test_legacy_encodings import to_vni

    line = "Đường ở xã Tân Dĩnh ngập nặng, dân bức xúc quá"
    rows = [f'{i},"{line} ({i})"' for i in range(3000)] + ['3000,"ỦY BAN\nNHÂN DÂN"']
    path = tmp_path / "vni.csv"
    path.write_bytes(to_vni("id,text\n" + "\n".join(rows) + "\n").encode("cp1252"))
    # when read
    records = list(read_records(path))
    # then every row is the text typed, on its own line
    assert [r[2]["text"] for r in records] == [f"{line} ({i})" for i in range(3000)] + ["ỦY BAN\nNHÂN DÂN"]
    assert [r[1] for r in records[:3]] == [2, 3, 4]


def test_a_utf16_file_with_bad_characters_rejects_their_rows(tmp_path):
    # given a UTF-16 file whose third row holds a lone surrogate and whose end is half a character
    path = tmp_path / "in.jsonl"
    good = "".join(
        json.dumps({"id": str(i), "text": "Ngập úng"}, ensure_ascii=False) + "\n" for i in range(2)
    )
    path.write_bytes(
        good.encode("utf-16")
        + '{"id": "2", "text": "x'.encode("utf-16-le")
        + b"\x00\xd8"
        + '"}\n{"id": "3", "text": "y"}'.encode("utf-16-le")
        + b"\x41"
    )
    # then the good rows are read, and the two others are rejects for their encoding
    records = [record for _, _, record in read_records(path)]
    assert [r["text"] for r in records[:2]] == ["Ngập úng", "Ngập úng"]
    assert [(r.row, r.line, r.reason) for r in records[2:]] == [
        (3, 3, "bad_encoding"),
        (4, 4, "bad_encoding"),
    ]


def test_badly_encoded_rows_of_a_utf8_file_stay_rejects_of_their_own(tmp_path):
    # given a UTF-8 file with a row in Windows-1258, a row holding a zero byte, and a file all
    # in Windows-1258 (left to its rows: each says why)
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(
        "id,text\n1,Ngập úng\n".encode()
        + "2,Đường ngập\n".encode("cp1258", errors="ignore")
        + b"3,a\x00b\n"
        + b"4,ok\n"
    )
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(
        ("id,text\n" + "".join(f"{i},Đường ngập sâu quá\n" for i in range(300))).encode(
            "cp1258", errors="ignore"
        )
    )
    # then every row is read, and validation rejects the bad ones
    validator = RowValidator()
    reasons = [validator.validate(record, row, line)[1] for row, line, record in read_records(mixed)]
    assert [[r.reason for r in notes] for notes in reasons] == [[], ["bad_encoding"], ["binary"], []]
    assert len(list(read_records(legacy))) == 300


def test_a_jsonl_file_whose_first_row_is_an_array_is_read_row_by_row(tmp_path):
    # given a JSONL file whose first row is an array of numbers, not of records
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'[1, 2]\n{"id": "a", "text": "x"}\n')
    # then its rows are read: the array is a row of its own (which validation rejects)
    assert list(read_records(path)) == [(1, 1, [1, 2]), (2, 2, {"id": "a", "text": "x"})]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="ab1Đđ😀\udcfa ", max_size=4), max_size=300),
    st.sampled_from([1, 2, 16]),
    st.sampled_from([1, 5, 40, 1 << 21]),
)
def test_seen_ids_answer_as_a_set_of_the_ids_would(ids, size, in_memory):
    # given ids drawn with many repeats, added to tables that start tiny (they grow as the ids
    # come) and go to disk after 1, 5 or 40 ids, or not at all here
    seen, reference = SeenIds(size, in_memory=in_memory), set()
    # then each add says whether the id came before, as a set of the strings says
    for doc_id in ids:
        assert seen.add(doc_id) == (doc_id in reference)
        reference.add(doc_id)
    assert len(seen) == len(reference)
    assert seen.on_disk == (len(reference) >= in_memory)


def test_seen_ids_go_to_disk_and_free_their_tables_past_their_share_of_memory():
    # given 50,000 distinct ids added to tables that hold 20,000
    seen = SeenIds(in_memory=20_000)
    ids = [f"{i}-Đống Đa" for i in range(50_000)]
    assert not any(seen.add(doc_id) for doc_id in ids)
    # then the ids are on disk, none in memory, each is found again and no other is
    assert seen.on_disk and seen.nbytes == 0
    assert all(seen.add(doc_id) for doc_id in reversed(ids))
    assert not seen.add("50000-Đống Đa") and len(seen) == 50_001


def test_seen_ids_on_disk_answer_in_another_thread_than_the_one_that_moved_them():
    # given ids moved to disk in this thread (a reader advanced here first)
    seen = SeenIds(in_memory=3)
    assert not any(seen.add(str(i)) for i in range(5))
    # when the reader is advanced by another thread (a pool's feeder)
    answers = []
    worker = threading.Thread(target=lambda: answers.append((seen.add("1"), seen.add("9"))))
    worker.start()
    worker.join()
    # then it answers there too
    assert answers == [(True, False)]


def test_seen_ids_keep_every_id_through_growth_in_a_fraction_of_a_sets_memory():
    # given 200,000 distinct ids added to tables of one slot each
    seen = SeenIds(1)
    ids = [f"phản-ánh-{i}" for i in range(200_000)]
    assert not any(seen.add(doc_id) for doc_id in ids)
    # then every one is found again, no other is, and the tables take at most 48 bytes an id
    # (a set of the strings about 75), at least 24 (each half full at most)
    assert all(seen.add(doc_id) for doc_id in ids)
    assert not seen.add("phản-ánh-200000") and len(seen) == 200_001
    assert 24 * len(seen) <= seen.nbytes <= 48 * len(seen)


def test_a_damaged_file_is_unreadable_input_not_a_crash(tmp_path):
    # given a gzip file cut short, a file named .parquet that is not Parquet, one with Parquet's
    # marks around a footer that is not one, and a Parquet file whose pages are damaged
    import pyarrow as pa
    import pyarrow.parquet as pq

    whole = gzip.compress(b"".join(b'{"id": "%d", "text": "x"}\n' % i for i in range(5000)))
    cut = tmp_path / "in.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    fake = tmp_path / "in.parquet"
    fake.write_bytes(b"PAR1 not really")
    footer = tmp_path / "in.footer.parquet"
    footer.write_bytes(b"PAR1" + bytes(100) + b"PAR1")
    pages = tmp_path / "in.pages.parquet"
    pq.write_table(
        pa.table({"id": [str(i) for i in range(5000)], "text": [f"Ngập úng {i}" for i in range(5000)]}),
        pages,
    )
    damaged = bytearray(pages.read_bytes())
    for at in range(100, len(damaged) // 2, 97):
        damaged[at] ^= 0xFF
    pages.write_bytes(bytes(damaged))
    # then reading any of them raises UnreadableInput naming the file
    for read in (
        lambda: list(read_records(cut)),
        lambda: list(jsonl_line_chunks(cut, 100)),
        lambda: list(read_records(fake)),
        lambda: list(read_records(footer)),
        lambda: list(read_records(pages)),
    ):
        with pytest.raises(UnreadableInput, match="in\\."):
            read()


def test_outputs_are_jsonl_or_parquet_by_extension():
    # then known extensions name their format, and another one is refused
    assert [output_format(n) for n in ("a.jsonl", "a.JSONL.GZ", "a.ndjson", "a.parquet", "a.pq")] == [
        "jsonl", "jsonl", "jsonl", "parquet", "parquet"
    ]  # fmt: skip
    with pytest.raises(ValueError, match=r"\.parquet"):
        output_format("a.csv")


def test_a_reject_names_its_column_or_value_inside_the_sentence():
    # given rows with a binary title and with a date that is no date (a warning)
    _, [binary] = RowValidator().validate({"id": "a", "text": "x", "title": "\x00bin"}, 1, 1)
    _, [when] = RowValidator().validate({"id": "a", "text": "x", "created_at": "hôm qua"}, 1, 1)
    # then each message says which column or value, before its full stop
    assert binary.message == MESSAGES["binary"].removesuffix(".") + " (cột title)."
    assert when.message == MESSAGES["bad_created_at"].removesuffix(".") + " (giá trị 'hôm qua')."


def test_a_parquet_cell_python_cannot_hold_costs_its_row_a_value_not_the_run(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # given a Parquet file with a time past year 9999 in created_at and in a column not read, and
    # ids in a binary column, one of them no UTF-8
    path = tmp_path / "in.parquet"
    times = pa.array([1772323200, 10**12, 1772323200], pa.timestamp("s"))
    pq.write_table(
        pa.table(
            {
                "id": pa.array([b"a1", b"b2", b"\xff\xfe"], pa.binary()),
                "text": ["Người dân phản ánh", "Giá xăng tăng", "Đường ngập"],
                "created_at": times,
                "extra": times,
            }
        ),
        path,
    )
    # when its rows are read and checked
    validator = RowValidator()
    kept, notes = [], []
    for row, line, raw in read_records(path):
        record, found = validator.validate(raw, row, line)
        notes += [(n.row, n.reason) for n in found]
        if record is not None:
            kept.append(record)
    # then the row with that time is kept without one, with a warning, and the ids are their text
    assert [(r["id"], r["created_at"] is None) for r in kept] == [("a1", False), ("b2", True)]
    assert (2, "bad_created_at") in notes and (3, "bad_encoding") in notes


def test_a_parquet_file_naming_a_column_twice_is_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # given a Parquet file with two columns named "text" (read by name, the last one was analysed)
    path = tmp_path / "in.parquet"
    table = pa.Table.from_arrays(
        [pa.array(["a"]), pa.array(["x"]), pa.array(["WRONG"])], names=["id", "text", "text"]
    )
    pq.write_table(table, path)
    # then reading it is refused, naming the column
    with pytest.raises(UnreadableInput, match="hai cột cùng tên “text”"):
        list(read_records(path))


def test_a_line_too_long_for_any_row_is_refused_without_being_held(tmp_path, monkeypatch):
    import tracemalloc

    # given a gzip JSONL file with a 5 MB line between two rows, and lines held up to 1,000 bytes
    monkeypatch.setattr(tabular, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wb") as out:
        out.write('{"id": "a", "text": "Đường ngập"}\n'.encode())
        out.write(b'{"id": "big", "text": "' + b"a" * 5_000_000 + b'"}\n')
        out.write('{"id": "c", "text": "Giá xăng"}\n'.encode())
    # when its records are read
    tracemalloc.start()
    records = [(row, line, raw) for row, line, raw in read_records(path)]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # then the long line is a too_large row, the others are read, and it was never held whole
    assert [r[2]["id"] for r in records if isinstance(r[2], dict)] == ["a", "c"]
    (reject,) = [r[2] for r in records if not isinstance(r[2], dict)]
    assert (reject.row, reject.line, reject.reason) == (2, 2, "too_large")
    assert peak < 3_000_000
    # and the worker processes' chunks say the same
    (chunk,) = list(jsonl_line_chunks(path, 10))
    assert [r.reason for _, _, r in jsonl_chunk_records(*chunk) if not isinstance(r, dict)] == ["too_large"]


def test_a_jsonl_file_whose_lines_end_with_a_carriage_return_alone_is_read_by_its_lines(tmp_path):
    # given a JSONL file written by an old Mac editor
    path = tmp_path / "in.jsonl"
    records = [
        '{"id":"1","text":"Người dân"}',
        '{"id":"2","text":"Giá xăng"}',
        "",
        '{"id":"3","text":"Đường"}',
    ]
    path.write_bytes(("\r".join(records) + "\r").encode())
    # when read, then each record is a row, numbered by its line
    read = [(row, line, raw["id"]) for row, line, raw in read_records(path)]
    assert read == [(1, 1, "1"), (2, 2, "2"), (3, 4, "3")]


def test_a_csv_cell_too_long_for_any_row_stops_the_reading_with_a_reason(tmp_path, monkeypatch):
    import tracemalloc

    # given a CSV file whose second row opens a quote never closed, before 5 MB of lines
    monkeypatch.setattr(tabular, "MAX_LINE_BYTES", 100_000)
    path = tmp_path / "in.csv"
    path.write_text('id,text\n1,Đường ngập\n2,"Giá xăng\n' + "một dòng nữa\n" * 400_000, encoding="utf-8")
    # when its records are read
    tracemalloc.start()
    records = list(read_records(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # then the first row is read, the second is refused saying where and why, and the rest was not held
    assert records[0][2]["text"] == "Đường ngập"
    (row, line, reject) = records[1]
    assert (row, line, reject.reason) == (2, 3, "too_large") and "ngoặc kép" in reject.message
    assert len(records) == 2 and peak < 2_000_000


def test_a_header_that_capitalises_the_known_columns_names_them(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # given a spreadsheet's CSV and a Parquet file whose columns are "ID", "Text", "Label", and a
    # file that names "text" both ways
    (tmp_path / "in.csv").write_text("ID,Text,Label,Ghi chú\n1,Đường ngập,flood,x\n", encoding="utf-8")
    pq.write_table(
        pa.table({"ID": ["1"], "Text": ["Đường ngập"], "Label": ["flood"]}), tmp_path / "in.parquet"
    )
    (tmp_path / "both.csv").write_text("id,text,Text\n1,a,b\n", encoding="utf-8")
    # when read, then the known columns are named as they are, others as written
    for name in ("in.csv", "in.parquet"):
        ((_, _, record),) = list(read_records(tmp_path / name))
        assert (record["id"], record["text"], record["label"]) == ("1", "Đường ngập", "flood"), name
    assert next(iter(read_records(tmp_path / "in.csv")))[2]["Ghi chú"] == "x"
    # while a column the header also names as it is keeps its letters
    ((_, _, record),) = list(read_records(tmp_path / "both.csv"))
    assert (record["text"], record["Text"]) == ("a", "b")


def test_a_staged_file_writes_through_a_link_and_under_a_long_name(tmp_path):
    # given an output path that is a link to a file elsewhere, and a name of 250 bytes
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.jsonl"
    target.write_text("earlier\n", encoding="utf-8")
    link = tmp_path / "out.jsonl"
    link.symlink_to(target)
    long_name = tmp_path / ("đ" * 123 + ".jsonl")  # 246 + 6 bytes
    # when each is written and committed
    for path in (link, long_name):
        staged = tabular.StagedFile(path)
        staged.temp.write_text("new\n", encoding="utf-8")
        staged.commit()
    # then the link still links, to the new content, and the long name holds its file
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"
    assert long_name.read_text(encoding="utf-8") == "new\n"
