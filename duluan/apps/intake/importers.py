"""Readers of bulk-import files: CSV, XLSX, JSONL, RSS/Atom, with a column mapping.

Each reader yields, in file order, :class:`Row` (a mapped record) or :class:`RowProblem` (a row
that cannot be read, with its reason and a Vietnamese message). A problem with the whole file
(not a spreadsheet, malformed XML) raises :class:`ImportFileError` before any row is stored.

The mapping names, for each field the platform knows (:data:`FIELDS`), the column it comes
from: ``text=noi_dung,created_at=ngay``. Without one, a column named like the field (or like
its usual Vietnamese name, :data:`DEFAULT_ALIASES`) is used.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from duluan.analysis.legacy_encodings import mend_typed_fonts
from duluan.analysis.tabular import MESSAGES as TABLE_MESSAGES
from duluan.analysis.tabular import (
    NOT_TEXT_VALUES,
    RecordLines,
    blank_text,
    csv_start,
    duplicate_column_message,
    encoding_guess,
    extra_cells_message,
    has_bad_chars,
    json_array_start,
    loads_json,
    open_input_bytes,
    parse_time,
    plain_record,
)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

FIELDS = (
    "id",
    "text",
    "title",
    "created_at",
    "source",
    "place",
    "unit",
    "lat",
    "lon",
    "meeting",
    "deputy_group",
    "petitioners_unit",
    "name",
    "phone",
    "email",
    "address",
)
# The fields people write in words (not codes, times, numbers or contacts' digits): those
# converted when a row was typed in legacy fonts.
WRITTEN_FIELDS = (
    "text", "title", "source", "place", "meeting", "deputy_group", "petitioners_unit", "name", "address",
)  # fmt: skip
DEFAULT_ALIASES = {
    "id": ("id", "ma", "ma_so", "stt_goc", "guid"),
    "text": ("text", "noi_dung", "nội dung", "noidung", "content", "description"),
    "title": ("title", "tieu_de", "tiêu đề"),
    "created_at": ("created_at", "ngay", "ngày", "thoi_gian", "date", "published_at"),
    "source": ("source", "nguon", "nguồn", "url"),
    "place": ("place", "dia_diem", "địa điểm", "dia_chi_su_viec"),
    "unit": ("unit", "ma_don_vi", "ma_xa"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "long", "longitude"),
    "meeting": ("meeting", "ky_hop", "dot_tiep_xuc", "hoi_nghi"),
    "deputy_group": ("deputy_group", "to_dai_bieu", "tổ đại biểu"),
    "petitioners_unit": ("petitioners_unit", "don_vi_cu_tri", "đơn vị cử tri"),
    "name": ("name", "ho_ten", "họ tên"),
    "phone": ("phone", "dien_thoai", "so_dien_thoai"),
    "email": ("email",),
    "address": ("address", "dia_chi", "địa chỉ"),
}

# The field of a mapped row, and the key of a signal's ``extra``, that says its texts were
# converted from legacy fonts, and which ("tcvn3" or "vni"); and the one that says a text of it
# was typed so only in part (the rest in Unicode), and so converted there alone.
CONVERTED_FROM = "converted_from"
CONVERTED_IN_PART = "converted_in_part"


def mend_fonts(values: dict[str, Any], names: Sequence[str]) -> tuple[list[str], dict[str, Any]]:
    """Convert the texts ``names`` of ``values`` typed in legacy fonts to the Unicode text they
    showed (:func:`~duluan.analysis.legacy_encodings.mend_typed_fonts`); return the names
    converted and what a signal's ``extra`` says of it (:data:`CONVERTED_FROM` and
    :data:`CONVERTED_IN_PART`; nothing where no text was typed so)."""
    in_part: list[str] = []
    fonts, mended = mend_typed_fonts(values, names, in_part)
    if fonts is None:
        return [], {}
    return mended, {CONVERTED_FROM: fonts, **({CONVERTED_IN_PART: True} if in_part else {})}


MESSAGES = {
    "bad_json": "Dòng không phải JSON hợp lệ.",
    "bad_row": "Dòng không phải một bản ghi (đối tượng JSON).",
    "bad_encoding": "Văn bản sai mã hoá ký tự (không phải UTF-8 hợp lệ hoặc bị lỗi phông).",
    "bad_csv": "Dòng CSV hỏng",
    "missing_text": "Thiếu nội dung (cột {column}).",
    "bad_created_at": "Thời điểm không hợp lệ: {value} (cần ISO 8601 hoặc dd/mm/yyyy).",
    "bad_coords": "Toạ độ không hợp lệ: {value}.",
    "unknown_unit": "Không có đơn vị hành chính mã {value}.",
}
FILE_MESSAGES = {
    "unknown_format": (
        "Không nhận ra định dạng tệp {name} (cần .csv, .tsv, .txt, .xlsx, .jsonl, .rss, .atom hoặc .xml)."
    ),
    "not_found": "Không tìm thấy tệp {name}.",
    "bad_xlsx": "Tệp {name} không phải bảng tính XLSX đọc được ({error}).",
    "bad_xml": "Tệp {name} không phải XML hợp lệ: {error}.",
    "not_a_feed": "Tệp {name} không phải nguồn tin RSS hoặc Atom.",
    "bad_mapping": "Ánh xạ cột không hợp lệ: {value!r} (dạng truong=cot, các trường: {fields}).",
    "no_text_column": "Tệp không có cột nội dung: hãy chỉ định --map text=<tên cột>. Các cột có: {columns}.",
    "bad_encoding_file": (
        "Tệp {name} không phải văn bản UTF-8 (có thể là {guess}); hãy lưu lại với mã hoá UTF-8."
    ),
}

_TAG = re.compile(r"<[^>]+>")
# UTF-8 read as Latin-1/cp1252 ("Ã©", "á»‡"): real Vietnamese never writes these pairs.
_MOJIBAKE_LEADS = "ÂÃÄÅÆ"  # text_problem tests these one by one before the pattern
_MOJIBAKE = re.compile(f"[{_MOJIBAKE_LEADS}][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (message in Vietnamese); nothing is stored."""


@dataclass(frozen=True)
class Row:
    row: int
    line: int | None
    fields: dict[str, Any]
    raw: dict[str, Any]


@dataclass(frozen=True)
class RowProblem:
    row: int
    line: int | None
    reason: str
    message: str
    raw: Any = None


def parse_mapping(spec: str | None) -> dict[str, str]:
    """``"text=noi_dung,created_at=ngay"`` → ``{"text": "noi_dung", "created_at": "ngay"}``."""
    mapping: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or field not in FIELDS or not column:
            raise ImportFileError(FILE_MESSAGES["bad_mapping"].format(value=part, fields=", ".join(FIELDS)))
        mapping[field] = column
    return mapping


def resolve_columns(columns: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Field → column actually present, from the mapping then the usual names."""
    lower = {c.strip().lower(): c for c in columns if c is not None}
    out: dict[str, str] = {}
    for field in FIELDS:
        if field in mapping:
            column = mapping[field]
            if column in columns or column.lower() in lower:
                out[field] = column if column in columns else lower[column.lower()]
            continue
        for alias in DEFAULT_ALIASES.get(field, (field,)):
            if alias in lower:
                out[field] = lower[alias]
                break
    if "text" not in out:
        shown = ", ".join(str(c) for c in columns if c) or "—"
        raise ImportFileError(FILE_MESSAGES["no_text_column"].format(columns=shown))
    return out


def file_format(path: Path, forced: str | None = None) -> str:
    if forced:
        return forced
    name = path.name.lower()
    for suffix, kind in (
        (".csv", "csv"),
        (".tsv", "csv"),
        (".txt", "csv"),  # Excel's "Text" and "Unicode Text" exports (tabs; see csv_delimiter)
        (".xlsx", "xlsx"),
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".json", "jsonl"),
        (".rss", "feed"),
        (".atom", "feed"),
        (".xml", "feed"),
    ):
        if name.endswith(suffix):
            return kind
    raise ImportFileError(FILE_MESSAGES["unknown_format"].format(name=path.name))


def read_file(path: str | Path, *, mapping: Mapping[str, str] | None = None, fmt: str | None = None):
    """Yield :class:`Row` / :class:`RowProblem` of a file, in order.

    Raises:
        ImportFileError: The file is missing, of an unknown kind, or unreadable as a whole.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(FILE_MESSAGES["not_found"].format(name=path))
    kind = file_format(path, fmt)
    mapping = dict(mapping or {})
    if kind == "csv":
        return _csv_rows(path, mapping)
    if kind == "xlsx":
        return _xlsx_rows(path, mapping)
    if kind == "jsonl":
        return _jsonl_rows(path, mapping)
    return _feed_rows(path)


# -- values ---------------------------------------------------------------------------------------


def text_problem(value: str) -> bool:
    """Whether ``value`` was decoded wrongly: lossy decoding (:func:`has_bad_chars`) or UTF-8
    read as Latin-1/cp1252 (``_MOJIBAKE``, looked for only when one of its lead letters is
    there, which plain ``in`` tests tell faster than the pattern). Text typed in legacy fonts is
    no problem: :func:`_mapped` converts it."""
    if has_bad_chars(value):
        return True
    if value.isascii():
        return False
    return ("Â" in value or "Ã" in value or "Ä" in value or "Å" in value or "Æ" in value) and (
        _MOJIBAKE.search(value) is not None
    )


def parse_when(value: Any) -> datetime | None:
    """ISO 8601, ``dd/mm/yyyy[ HH:MM[:SS]]``, RFC 822 or a spreadsheet date; naive means Vietnam
    time: the analysis engine's :func:`~duluan.analysis.tabular.parse_time`, so an import and
    ``duluan analyze`` read the same times."""
    return parse_time(value)


def _mapped(row: int, line: int | None, raw: dict[str, Any], columns: dict[str, str]) -> Row | RowProblem:
    fields: dict[str, Any] = {}
    for field, column in columns.items():
        value = raw.get(column)
        if isinstance(value, float) and value != value:
            value = None
        elif isinstance(value, NOT_TEXT_VALUES) and (field in WRITTEN_FIELDS or field == "id"):
            # A JSON list, object or true/false was stored as the text "['a', 'b']" or "True", as
            # the engine's reader refuses it too (duluan.analysis.tabular.RowValidator).
            message = f"{TABLE_MESSAGES['bad_value'].removesuffix('.')} (cột {column})."
            return RowProblem(row, line, "bad_value", message, raw)
        if isinstance(value, str):
            value = value.strip()
            if text_problem(value):
                return RowProblem(
                    row, line, "bad_encoding", MESSAGES["bad_encoding"] + f" (cột {column})", raw
                )
        fields[field] = value
    # Typed in legacy fonts ("Uû ban nh©n d©n", "Uûy ban nhaân daân"): the text it showed; the raw
    # row keeps what the file held, and the signal says it was converted, from which fonts.
    fields.update(mend_fonts(fields, WRITTEN_FIELDS)[1])
    if not fields.get("text") or blank_text(str(fields["text"])):
        return RowProblem(
            row, line, "missing_text", MESSAGES["missing_text"].format(column=columns["text"]), raw
        )
    return Row(row, line, fields, raw)


# -- readers ------------------------------------------------------------------------------------


def _check_utf8(path: Path) -> None:
    with open_input_bytes(path) as handle:  # UTF-16 with its byte-order mark is read as UTF-8
        head = handle.read(65536)  # not the whole file: imports run to gigabytes
    guess = encoding_guess(head)
    if guess is not None:
        raise ImportFileError(FILE_MESSAGES["bad_encoding_file"].format(name=path.name, guess=guess))


def _refuse_duplicate_columns(path: Path, names: list[str]) -> None:
    """Refuse a table whose header names a column twice, as ``duluan analyze`` does (see
    :func:`~duluan.analysis.tabular.duplicate_column_message`): each row kept the last cell."""
    duplicate = duplicate_column_message(names)
    if duplicate is not None:
        raise ImportFileError(f"Tệp {path.name}: {duplicate}")


def _csv_rows(path: Path, mapping: Mapping[str, str]) -> Iterator[Row | RowProblem]:
    _check_utf8(path)
    csv.field_size_limit(sys.maxsize)
    with open_input_bytes(path) as raw_handle:
        # The header line decides the delimiter, as duluan analyze reads the file: csv.Sniffer
        # read a sample's texts too, whose commas and semicolons could mislead it. (Peeked at,
        # not read: a transcoded UTF-16 file cannot seek back.)
        # One column (the texts alone, which is all an import needs): each line is one cell, its
        # commas the text's (split at them, "Đường ngập, cống tắc" was half a text); the unit
        # separator is a control character, which no text holds.
        head = raw_handle.peek(8192)[:8192]
        handle = io.TextIOWrapper(raw_handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
        delimiter, skipped = csv_start(handle, path, head, one_column="\x1f")  # past a "sep=;" line
        dialect = type("Delimited", (csv.excel,), {"delimiter": delimiter})
        lines = RecordLines(handle)
        reader = csv.reader(lines, dialect)
        try:
            header = next(reader)
        except StopIteration:
            return
        names = [h.strip() for h in header]
        _refuse_duplicate_columns(path, names)
        columns = resolve_columns(names, mapping)
        row = 0
        held = None  # the row read last, given once another follows (see RecordLines)
        while True:
            line = reader.line_num + skipped + 1
            held_lines = lines.take()  # those of the record read last: the held row's, at the end
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                if held is not None:
                    yield held
                    held = None
                row += 1
                yield RowProblem(row, line, "bad_csv", f"{MESSAGES['bad_csv']}: {exc}.")
                continue
            if not any(c.strip() for c in cells):
                continue
            if held is not None:
                yield held
            row += 1
            raw = dict(zip(names, cells, strict=False))
            extra = cells[len(names) :]
            if any(c.strip() for c in extra):
                # An unquoted delimiter in the text cut it (blank cells past the header cut
                # nothing): stored, the signal would hold half the text, as duluan analyze rejects it.
                raw["_extra_cells"] = extra
                message = extra_cells_message(len(extra), len(names), dialect.delimiter)
                held = RowProblem(row, line, "extra_cells", message, raw)
                continue
            held = _mapped(row, line, raw, columns)
        if held is not None:
            if RecordLines.unclosed(held_lines, dialect):
                message = RecordLines.unclosed_message(held.line, reader.line_num + skipped)
                held = RowProblem(held.row, held.line, "unclosed_quote", message)
            yield held


def _xlsx_rows(path: Path, mapping: Mapping[str, str]) -> Iterator[Row | RowProblem]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ImportFileError(
            FILE_MESSAGES["bad_xlsx"].format(name=path.name, error=type(exc).__name__)
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        names = [str(h).strip() if h is not None else "" for h in header]
        _refuse_duplicate_columns(path, names)
        columns = resolve_columns(names, mapping)
        row = 0
        for excel_line, cells in enumerate(rows, start=2):
            if not any(c not in (None, "") for c in cells):
                continue
            row += 1
            raw = {n: c for n, c in zip(names, cells, strict=False) if n}
            yield _mapped(row, excel_line, raw, columns)
    finally:
        workbook.close()


class _RecordColumns:
    """The columns of each JSON record: records of one file may have different keys (a key left
    out where it has no value), so each set of keys is resolved (once: memoised, bounded), not
    only the first record's, which lost a later record's ``created_at`` or ``title``.

    The first record decides, as a CSV file's header does, whether the file has a text column
    (:func:`resolve_columns` refuses it); a later record without one names the first's, whose
    absence makes it a ``missing_text`` reject.
    """

    _LIMIT = 1024

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self._mapping = mapping
        self._known: dict[tuple, dict[str, str]] = {}
        self._text: str | None = None

    def __call__(self, record: dict[str, Any]) -> dict[str, str]:
        keys = tuple(record)
        columns = self._known.get(keys)
        if columns is None:
            if self._text is None:
                columns = resolve_columns(list(keys), self._mapping)
                self._text = columns["text"]
            else:
                try:
                    columns = resolve_columns(list(keys), self._mapping)
                except ImportFileError:
                    columns = resolve_columns([*keys, self._text], self._mapping)
            if len(self._known) >= self._LIMIT:
                self._known.clear()
            self._known[keys] = columns
        return columns


def _jsonl_rows(path: Path, mapping: Mapping[str, str]) -> Iterator[Row | RowProblem]:
    columns_of = _RecordColumns(mapping)
    row = 0
    _check_utf8(path)
    with open_input_bytes(path) as handle:
        if json_array_start(handle.peek(4096)):
            raise ImportFileError(TABLE_MESSAGES["json_array"].format(path=path.name))
        for line_no, raw_line in enumerate(handle, start=1):
            if not raw_line.strip():
                continue
            row += 1
            record = plain_record(raw_line)
            if record is not None:
                yield _mapped(row, line_no, record, columns_of(record))
                continue
            try:
                text = raw_line.decode("utf-8")
            except UnicodeDecodeError:
                yield RowProblem(
                    row, line_no, "bad_encoding", MESSAGES["bad_encoding"], raw_line[:2000].hex()
                )
                continue
            try:
                record = loads_json(text)
            except json.JSONDecodeError as exc:
                yield RowProblem(
                    row, line_no, "bad_json", f"{MESSAGES['bad_json']} ({exc.msg}, cột {exc.colno})", text
                )
                continue
            if not isinstance(record, dict):
                yield RowProblem(row, line_no, "bad_row", MESSAGES["bad_row"], text)
                continue
            yield _mapped(row, line_no, record, columns_of(record))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(el, *names: str) -> str:
    for child in el:
        if _local(child.tag) in names:
            return "".join(child.itertext()).strip()
    return ""


def _strip_html(value: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", value)).split())


def _feed_rows(path: Path) -> Iterator[Row | RowProblem]:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, parse

    try:
        tree = parse(str(path))
    except ParseError as exc:
        raise ImportFileError(FILE_MESSAGES["bad_xml"].format(name=path.name, error=exc)) from None
    except DefusedXmlException as exc:
        raise ImportFileError(
            FILE_MESSAGES["bad_xml"].format(name=path.name, error=type(exc).__name__)
        ) from None
    root = tree.getroot()
    kind = _local(root.tag)
    if kind == "rss":
        channel = next((c for c in root if _local(c.tag) == "channel"), root)
        feed_title = _child_text(channel, "title")
        items = [c for c in channel if _local(c.tag) == "item"]
    elif kind == "feed":
        feed_title = _child_text(root, "title")
        items = [c for c in root if _local(c.tag) == "entry"]
    else:
        raise ImportFileError(FILE_MESSAGES["not_a_feed"].format(name=path.name))
    for row, item in enumerate(items, start=1):
        link = _child_text(item, "link")
        if not link:
            link = next((c.get("href", "") for c in item if _local(c.tag) == "link"), "")
        raw = {
            "id": _child_text(item, "guid", "id") or link,
            "title": _strip_html(_child_text(item, "title")),
            "text": _strip_html(_child_text(item, "description", "summary", "content", "encoded")),
            "created_at": _child_text(item, "pubDate", "published", "updated", "date"),
            "source": feed_title or link,
            "url": link,
        }
        if not raw["text"]:
            raw["text"] = raw["title"]
        if text_problem(raw["text"]) or text_problem(raw["title"]):
            yield RowProblem(row, None, "bad_encoding", MESSAGES["bad_encoding"], raw)
            continue
        if not raw["text"]:
            yield RowProblem(
                row, None, "missing_text", MESSAGES["missing_text"].format(column="description"), raw
            )
            continue
        fields = {k: raw[k] for k in ("id", "title", "text", "created_at", "source")}
        fields.update(mend_fonts(fields, ("title", "text", "source"))[1])
        yield Row(row, None, fields, raw)
