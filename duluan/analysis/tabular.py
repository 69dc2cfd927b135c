"""Read input rows and write results for ``duluan analyze``, in chunks, with a rejects report.

Inputs are JSONL (optionally ``.gz``), CSV or Parquet with ``id``, ``text`` and optional
``title``, ``created_at`` (ISO 8601, ``dd/mm/yyyy[ HH:MM]`` or RFC 822; see :func:`parse_time`),
``source``, ``channel``. Every row is validated as it is read
(:class:`RowValidator`); a bad row becomes a :class:`Reject` with a reason code and a Vietnamese
message, and never stops the run. Some problems are not an error, and are reported in the
rejects file with severity ``"warning"``: unknown columns are ignored and named once each
(corpora often carry labels), a row whose ``created_at`` cannot be read is analysed without
a time, and a text typed in the legacy fonts TCVN3 (".VnTime": "Uû ban nh©n d©n") or VNI
("Uûy ban nhaân daân") is converted to the Unicode it showed
(:func:`~duluan.analysis.legacy_encodings.mend_typed_fonts`) and analysed.

Outputs are JSONL or Parquet (by extension), written batch by batch so memory does not grow
with the input. Each output file is written under a temporary name beside its path and moved
onto the path when the run ends well (:class:`StagedFile`): a run that fails or is interrupted
leaves what was there before, never a half-written file.

A file that cannot be read as a whole (a truncated ``.gz``, a file that is not Parquet) raises
:class:`UnreadableInput`; a bad row is only a reject.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import json
import os
import re
import sys
import tempfile
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import numpy as np
import orjson

from duluan.analysis.legacy_encodings import (
    TCVN3_TELLS,
    VNI,
    from_vni,
    legacy_encoding,
    mend_typed_fonts,
    typed_parts,
)

__all__ = [
    "KEPT_ROW_WARNINGS",
    "KNOWN_COLUMNS",
    "MAX_TEXT_BYTES",
    "MESSAGES",
    "NOT_TEXT_VALUES",
    "RecordLines",
    "Reject",
    "RejectsWriter",
    "ResultWriter",
    "RowValidator",
    "SeenIds",
    "StagedFile",
    "UnreadableInput",
    "blank_text",
    "csv_delimiter",
    "csv_start",
    "duplicate_column_message",
    "encoding_guess",
    "excel_separator",
    "extra_cells_message",
    "has_bad_chars",
    "json_array_start",
    "jsonl_chunk_records",
    "jsonl_line_chunks",
    "jsonl_record",
    "loads_json",
    "open_input_bytes",
    "open_writer",
    "output_format",
    "parse_time",
    "read_csv_text",
    "read_rows",
    "text_problem",
    "validated_rows",
]

KNOWN_COLUMNS = ("id", "text", "title", "created_at", "source", "channel")
_KNOWN = frozenset(KNOWN_COLUMNS)
_TEXT_COLUMNS = ("text", "title", "source", "channel")
MAX_TEXT_BYTES = 1_000_000
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

MESSAGES = {
    "bad_json": "Dòng không phải JSON hợp lệ.",
    "bad_row": "Dòng không phải một bản ghi (đối tượng JSON).",
    "bad_encoding_file": (
        "tệp {path} không phải văn bản UTF-8 (có thể là {guess}); hãy lưu lại với mã hoá UTF-8."
    ),
    "duplicate_column": (
        "dòng tiêu đề có hai cột cùng tên “{name}” (cột {first} và {second}), không rõ phải đọc cột"
        " nào. Hãy đổi tên hoặc xoá một cột."
    ),
    "json_array": (
        "tệp {path} là một mảng JSON ([{{…}}, …]), không phải JSONL: mỗi dòng phải là một bản ghi"
        " {{…}}. Hãy ghi lại mỗi bản ghi trên một dòng, ví dụ: jq -c '.[]' tệp.json > tệp.jsonl"
    ),
    "unclosed_quote": (
        "Dấu ngoặc kép mở ở dòng {line} không được đóng: các dòng {line}–{last} (đến hết tệp) bị đọc"
        " thành một ô, nên không phân tích dòng nào trong đó. Hãy đóng dấu ngoặc rồi chạy lại."
    ),
    "extra_cells": (
        "Dòng có {extra} ô thừa ngoài {columns} cột của dòng tiêu đề, thường vì văn bản có dấu phân cách"
        " ({delimiter}) mà không đặt trong ngoặc kép: đọc như vậy thì văn bản bị cắt, nên không phân"
        " tích dòng này. Hãy đặt văn bản trong ngoặc kép rồi chạy lại."
    ),
    "bad_encoding": "Văn bản sai mã hoá ký tự (không phải UTF-8 hợp lệ hoặc bị lỗi phông).",
    "bad_value": "Giá trị không phải văn bản (danh sách, đối tượng hoặc true/false).",
    "binary": "Nội dung là dữ liệu nhị phân, không phải văn bản.",
    "too_large": "Nội dung quá lớn (trên 1 MB).",
    "cell_too_large": (
        "Nội dung quá lớn: một ô từ dòng {line} dài hơn {limit} MB, thường vì một dấu ngoặc kép không"
        " được đóng; phần còn lại của tệp không được đọc. Hãy sửa ô đó rồi chạy lại."
    ),
    "bad_created_at": "Không hiểu được thời điểm tạo (created_at), dòng được phân tích không có thời điểm.",
    "legacy_fonts": (
        "Văn bản được gõ bằng phông chữ cũ nên hiện thành ký tự lạ («nh©n d©n» của phông TCVN3"
        " .VnTime, «nhaân daân» của phông VNI): đã chuyển sang Unicode trước khi xử lý."
    ),
    "unknown_columns": "Có cột không được hỗ trợ, đã bỏ qua",
    "analysis_error": "Lỗi khi phân tích dòng này",
}
# The warnings about a row that only a row that is kept gets: a row left out (say, by a later
# check of its id) was not analysed without a time, nor converted.
KEPT_ROW_WARNINGS = frozenset({"bad_created_at", "legacy_fonts"})
# The messages that name the text or id column: by the name a command reads it under
# (RowValidator's text_field and id_field), and in MESSAGES by the names analyze reads.
_COLUMN_MESSAGES = {
    "empty_text": "Nội dung ({text}) trống.",
    "missing_text": "Không có nội dung (cột {text} thiếu hoặc rỗng).",
    "missing_id": "Thiếu mã định danh ({id}).",
    "duplicate_id": "Mã định danh ({id}) trùng với một dòng trước đó.",
}
MESSAGES.update(
    {reason: template.format(text="text", id="id") for reason, template in _COLUMN_MESSAGES.items()}
)


# Values no column takes: written out with str() they were analysed as "['a', 'b']".
class Unconvertible:
    """A Parquet cell Python has no value for (a timestamp past year 9999, a duration beyond an
    int64 of microseconds): no text, id or time, as a list is none (see :func:`_parquet_records`)."""

    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"<{self.kind} ngoài phạm vi>"


_CONTAINERS = (Mapping, list, tuple, set, frozenset, Unconvertible)
# Nor do the id and the text take true or false, which came out as the id or text "True" (numbers
# are ids and texts: a numeric column of CSV or Parquet; a source or channel may be a flag). The
# platform's import refuses them too.
NOT_TEXT_VALUES = (*_CONTAINERS, bool)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# U+FFFD is what a lossy decoder left; lone surrogates are undecodable bytes (surrogateescape).
BAD_CHARS = re.compile("[\ufffd\ud800-\udfff]")
# UTF-8 bytes decoded as Latin-1/cp1252: a lead letter followed by a continuation-byte
# character ("Ã©" for "é", "Æ°" for "ư", "á»‡" for "ệ"), which real Vietnamese never writes.
# (The plain-line reader, duluan.analysis.plain_rows, finds the same pairs from these pieces.)
_CONT = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
MOJIBAKE_LEADS = "ÂÃÄÅÆ"
MOJIBAKE_MARKS = "º»¼½¾"  # after MOJIBAKE_MARKED
MOJIBAKE_MARKED = "á"
_MOJIBAKE_RE = re.compile(f"[{MOJIBAKE_LEADS}][{_CONT}]|{MOJIBAKE_MARKED}[{MOJIBAKE_MARKS}][{_CONT}]")
# Every problem above needs one of these characters, so a text without any (nearly all of
# them) is clean after one scan for a single character class instead of three patterns. A
# mojibake pair needs its lead (Â…Æ, or º…¾ after "á"), not merely a continuation character:
# those are also typographic quotes, dashes and ellipses, which 10.9 % of news leads have and
# which sent them through all three patterns (text_problem over 100,000 leads: 1.95 → 1.27 µs a
# text, best of 5, alternating runs, 2026-11-30; 1 % of them are still suspect).
_SUSPECT_RE = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ud800-\udfff{MOJIBAKE_LEADS}{MOJIBAKE_MARKS}{TCVN3_TELLS}]"
)


@dataclass(frozen=True, slots=True)
class Reject:
    """A row that was not analysed, or a warning about a row or the input.

    Attributes:
        row: 1-based data row number (``None`` for a file-level warning).
        line: 1-based physical line for JSONL/CSV (``None`` for Parquet).
        id: The row's id when it had a usable one.
        reason: Machine-readable reason code (a key of :data:`MESSAGES`).
        message: Vietnamese explanation for the person who fixes the input.
        severity: ``"error"`` (row skipped) or ``"warning"`` (row kept).
    """

    row: int | None
    line: int | None
    id: str | None
    reason: str
    message: str
    severity: str = "error"

    def to_record(self) -> dict[str, Any]:
        """Return the JSON object written to the rejects file."""
        return {
            "row": self.row,
            "line": self.line,
            "id": self.id,
            "reason": self.reason,
            "message": self.message,
            "severity": self.severity,
        }


class SeenIds:
    """The ids a run has accepted, for ``duplicate_id``: in memory up to ``in_memory`` ids
    (24-48 bytes an id), then in a temporary SQLite database on disk, so that a run's memory
    stops growing with its input however long it is.

    A set of the id strings took about 75 bytes an id (its slots and the strings it kept
    alive), and it was all that grew with the input in ``duluan analyze``: over 2,000,000 news
    leads its driver reached 794 MiB with it and 670 without the check, and peak PSS went
    893 → 1,179 → 1,373 MiB from 100,000 to 1,000,000 to 3,000,000 leads (2026-12-03).

    An id is kept as two hashes: ``hash(id)`` (64 bits, this process's), which picks one of
    256 tables by its top byte and a slot in it (open addressing, linear probing, rows of numpy
    arrays read through memoryviews: Python ints, not numpy scalars), and the CRC-32 of its
    UTF-8, which must agree too. Two ids are taken for one only when 96 bits of hash agree: about
    one chance in 10**15 in a run of 10,000,000 distinct ids. Each table doubles when half full,
    so that doubling one holds the old and new rows of 1/256 of the ids at a time. A sorted
    array of the hashes would take 12 bytes an id, but it answers a batch, not the one row at a
    time that the readers check; a set of ints some 60. :meth:`add` costs about 1 µs in memory,
    a set's 0.25; on disk 2.8 for an id seen before and about 5 for a new one (2,000,000 short
    ids, then 1,000,000 past the move, 2026-12-03). On disk the pairs are the primary key of a
    table without row ids (SQLite's private temporary database: a file that goes when the
    connection closes), its page cache 8 MiB. ``analyze`` of 6,000,000 rows kept its driver at
    749 MiB from the move (2.3M rows, 789 MiB then) to the end.
    """

    _SHARDS = 256

    def __init__(self, size: int = 16, *, in_memory: int = 1 << 21) -> None:
        self._count = 0
        self._in_memory = in_memory
        self._disk: Any = None  # the SQLite cursor, once the ids are on disk
        self._sizes = [0] * self._SHARDS
        self._counts = [0] * self._SHARDS
        self._keys: list[np.ndarray] = [np.zeros(0, np.uint64)] * self._SHARDS
        self._checks: list[np.ndarray] = [np.zeros(0, np.uint32)] * self._SHARDS
        self._key_at: list[memoryview] = [memoryview(b"")] * self._SHARDS
        self._check_at: list[memoryview] = [memoryview(b"")] * self._SHARDS
        for shard in range(self._SHARDS):
            self._allocate(shard, size)

    def _allocate(self, shard: int, size: int) -> None:
        keys = self._keys[shard] = np.zeros(size, np.uint64)  # 0: an empty slot (keys are odd)
        checks = self._checks[shard] = np.zeros(size, np.uint32)
        self._key_at[shard] = memoryview(keys).cast("B").cast("Q")
        self._check_at[shard] = memoryview(checks).cast("B").cast("I")
        self._sizes[shard] = size

    def __len__(self) -> int:
        return self._count

    @property
    def on_disk(self) -> bool:
        """Whether the ids are in the database on disk."""
        return self._disk is not None

    @property
    def nbytes(self) -> int:
        """The bytes of the tables in memory."""
        return sum(keys.nbytes for keys in self._keys) + sum(checks.nbytes for checks in self._checks)

    def add(self, doc_id: str) -> bool:
        """Remember ``doc_id``; return whether it was there already."""
        key = (hash(doc_id) & _UINT64) | 1
        check = zlib.crc32(doc_id.encode("utf-8", "surrogatepass"))
        if self._disk is not None:
            self._disk.execute(_INSERT_ID, (key - (1 << 64) if key >> 63 else key, check))
            if self._disk.rowcount == 0:
                return True
            self._count += 1
            return False
        shard = key >> 56
        mask = self._sizes[shard] - 1
        key_at, check_at = self._key_at[shard], self._check_at[shard]
        slot = key & mask
        held = key_at[slot]
        while held:
            if held == key and check_at[slot] == check:
                return True
            slot = (slot + 1) & mask
            held = key_at[slot]
        key_at[slot] = key
        check_at[slot] = check
        self._count += 1
        self._counts[shard] = count = self._counts[shard] + 1
        if self._count >= self._in_memory:
            self._spill()
        elif 2 * count > mask + 1:
            self._grow(shard)
        return False

    def _spill(self) -> None:
        """Move the ids to a temporary database on disk, in key order (appending to its tree),
        freeing the tables first and inserting a slice at a time: what the move holds at once is
        the sorted pairs (12 bytes an id) and one slice of Python ints."""
        import sqlite3

        held = [table != 0 for table in self._keys]
        keys = np.concatenate([table[h] for table, h in zip(self._keys, held, strict=True)])
        checks = np.concatenate([table[h] for table, h in zip(self._checks, held, strict=True)])
        del held
        empty_keys, empty_checks = np.zeros(0, np.uint64), np.zeros(0, np.uint32)
        self._keys = [empty_keys] * self._SHARDS
        self._checks = [empty_checks] * self._SHARDS
        self._key_at = self._check_at = []
        keys = keys.view(np.int64)  # SQLite's integers are signed
        order = np.lexsort((checks, keys))
        keys, checks = keys[order], checks[order]
        del order
        # "": a private temporary database on disk, deleted on close. One reader adds the ids,
        # but a pool's feeding thread may be the one that advances it, after another spilled.
        disk = sqlite3.connect("", check_same_thread=False)
        disk.execute("PRAGMA cache_size = -8192")  # KiB
        disk.execute("PRAGMA journal_mode = OFF")
        disk.execute("PRAGMA synchronous = OFF")
        disk.execute(
            "CREATE TABLE ids (key INTEGER NOT NULL, crc INTEGER NOT NULL,"
            " PRIMARY KEY (key, crc)) WITHOUT ROWID"
        )
        for start in range(0, keys.size, _SPILL_SLICE):
            end = start + _SPILL_SLICE
            disk.executemany(
                _INSERT_ID, zip(keys[start:end].tolist(), checks[start:end].tolist(), strict=True)
            )
        self._disk = disk.cursor()

    def _grow(self, shard: int) -> None:
        """Double a table, placing its entries in rounds of numpy: each round puts every entry
        whose slot is free there (the first of those wanting one slot) and moves the others on by
        one slot, as :meth:`add` probes."""
        held = self._keys[shard] != 0
        keys, checks = self._keys[shard][held], self._checks[shard][held]
        self._allocate(shard, 2 * self._sizes[shard])
        table, table_checks = self._keys[shard], self._checks[shard]
        mask = np.uint64(self._sizes[shard] - 1)
        slots = keys & mask
        waiting = np.arange(keys.size)
        while waiting.size:
            at = slots[waiting]
            free = table[at] == 0
            places, first = np.unique(at[free], return_index=True)
            placed = waiting[free][first]
            table[places] = keys[placed]
            table_checks[places] = checks[placed]
            done = np.zeros(keys.size, bool)
            done[placed] = True
            waiting = waiting[~done[waiting]]
            slots[waiting] = (slots[waiting] + np.uint64(1)) & mask


_UINT64 = (1 << 64) - 1
_INSERT_ID = "INSERT OR IGNORE INTO ids VALUES (?, ?)"
_SPILL_SLICE = 1 << 16


class RowValidator:
    """Turn raw records into clean rows or :class:`Reject` records, remembering ids seen.

    Duplicate ids are checked against every accepted row of the run, so memory grows with the
    number of distinct ids (about 80 bytes each); everything else is per row.

    A worker process that checks some of a file's rows cannot know the others: with
    ``whole_file=False`` it checks everything that depends on the row alone, leaves the
    duplicate ids and the warning about unknown columns (given once a run) out, and keeps
    each row's unknown columns in :attr:`unknown`; the process that sees every row then gives
    those two (:meth:`unknown_columns`, :meth:`duplicate`) in row order.

    The messages name the text and id columns as the command reads them (``text_field``,
    ``id_field``): the records given to :meth:`validate` still hold them as ``text`` and ``id``.

    Args:
        whole_file: Whether this validator sees every row of the run.
        text_field: The name the messages give the text column.
        id_field: The name the messages give the id column.
    """

    def __init__(self, whole_file: bool = True, *, text_field: str = "text", id_field: str = "id") -> None:
        self._whole_file = whole_file
        self._text_field = text_field
        self._id_field = id_field
        self._messages = {
            **MESSAGES,
            **{
                reason: template.format(text=text_field, id=id_field)
                for reason, template in _COLUMN_MESSAGES.items()
            },
        }
        self._seen: SeenIds | None = None  # made by the first check: a chunk's validator makes none
        self._warned: set[str] = set()
        self._zones: dict[tzinfo, tzinfo] = {}
        self.unknown: list[tuple[int, int | None, str | None, list[str]]] = []

    def unknown_columns(
        self, names: list[str], row: int, line: int | None, doc_id: str | None = None
    ) -> Reject | None:
        """The warning about a row's unknown columns that no earlier row warned about (or None).

        Args:
            names: The row's columns that are not :data:`KNOWN_COLUMNS`, in its order.
            row: Its row number.
            line: Its line number.
            doc_id: Its id, when it has a usable one.
        """
        fresh = [name for name in names if name not in self._warned]
        if not fresh:
            return None
        self._warned.update(fresh)
        message = f"{MESSAGES['unknown_columns']}: {', '.join(name or '(cột không tên)' for name in fresh)}."
        return Reject(row, line, doc_id, "unknown_columns", message, "warning")

    def chunk_notes(
        self, rejects: Iterable[Reject], unknown: Iterable[tuple[int, int | None, str | None, list[str]]]
    ) -> list[tuple[int, int, Reject]]:
        """What a worker's chunk (checked with ``whole_file=False``) leaves to the process that
        sees every row: its rows' notes, and the warning about unknown columns no earlier row
        named.

        Args:
            rejects: The chunk's notes (rejects, and warnings about a row, which is kept).
            unknown: The chunk's :attr:`unknown` entries: ``(row, line, id, columns)``.

        Returns:
            ``(row, 0 for the unknown columns or 1 for the row's own notes, note)``: sorted, the
            notes in row order, as :meth:`validate` gives them to a validator of the whole file.
        """
        notes = [(reject.row or 0, 1, reject) for reject in rejects]
        for row, line, doc_id, columns in unknown:
            warning = self.unknown_columns(columns, row, line, doc_id)
            if warning is not None:
                notes.append((row, 0, warning))
        return notes

    def duplicate(self, doc_id: str, row: int | None, line: int | None) -> Reject | None:
        """The reject of a row whose id an earlier accepted row had (or None, and remember it)."""
        if self._seen_ids().add(doc_id):
            return self._reject(row, line, doc_id, "duplicate_id")
        return None

    def _seen_ids(self) -> SeenIds:
        if self._seen is None:
            self._seen = SeenIds()
        return self._seen

    def validate(self, raw: Any, row: int, line: int | None) -> tuple[dict[str, Any] | None, list[Reject]]:
        """Validate one raw record.

        Args:
            raw: The decoded record (a mapping for valid input).
            row: 1-based data row number.
            line: 1-based line number, when the format has lines.

        Returns:
            ``(clean_row, notes)``: the clean row (or ``None`` when rejected) and the rejects or
            warnings it produced: the warning about unknown columns first, then a reject, or the
            warnings about a text converted from legacy fonts and about a ``created_at`` that
            cannot be read (the row kept without a time).
        """
        # The common case first, each time: a dict, known columns, text values, an ISO time
        # (see parse_time). isinstance of an abstract class, the columns one by one and the
        # checks of other types took 3.7 µs a news lead, these 3.1 (20,000 rows of
        # bench_analyze's input, best of 5, 2026-12-01).
        if type(raw) is not dict and not isinstance(raw, Mapping):
            return None, [self._reject(row, line, None, "bad_row")]
        notes: list[Reject] = []
        raw_id = raw.get("id")
        if isinstance(raw_id, bytes | bytearray):  # a Parquet binary column: its text, not "b'…'"
            try:
                raw_id = bytes(raw_id).decode("utf-8")
            except UnicodeDecodeError:
                return None, [self._reject(row, line, None, "bad_encoding", f"cột {self._id_field}")]
        doc_id = None if raw_id is None else str(raw_id).strip()
        if isinstance(raw_id, float):
            if raw_id.is_integer():
                doc_id = str(int(raw_id))
            elif raw_id != raw_id:  # NaN: a numeric column's missing value (pandas, Parquet), not "nan"
                doc_id = None
        # An id is written to the output and the rejects file: one that is a container, holds
        # undecodable bytes or control characters cannot be, and names no row either.
        id_problem = None
        if raw_id is not None and type(raw_id) is not str and isinstance(raw_id, NOT_TEXT_VALUES):
            id_problem = "bad_value"
        elif doc_id:
            id_problem = text_problem(doc_id)
            if id_problem == "legacy_fonts":  # an id names the row as its source wrote it
                id_problem = None
        if id_problem:
            doc_id = None
        if not raw.keys() <= _KNOWN:
            unknown = [str(k) for k in raw if k not in KNOWN_COLUMNS]
            if self._whole_file:
                warning = self.unknown_columns(unknown, row, line, doc_id or None)
                if warning is not None:
                    notes.append(warning)
            else:
                self.unknown.append((row, line, doc_id or None, unknown))

        def reject(reason: str, detail: str = "") -> tuple[None, list[Reject]]:
            notes.append(self._reject(row, line, doc_id or None, reason, detail))
            return None, notes

        if id_problem:
            return reject(id_problem, f"cột {self._id_field}")

        fields: dict[str, Any] = {}
        typed = False  # whether a text was typed in legacy fonts
        for name in _TEXT_COLUMNS:
            value = raw.get(name)
            if value is None:
                fields[name] = None
                continue
            if type(value) is not str:
                if isinstance(value, float) and value != value:  # NaN from CSV/pandas
                    fields[name] = None
                    continue
                if isinstance(value, bytes | bytearray):
                    try:
                        value = bytes(value).decode("utf-8")
                    except UnicodeDecodeError:
                        return reject("bad_encoding", self._column(name))
                elif isinstance(value, _CONTAINERS) or (type(value) is bool and name == "text"):
                    return reject("bad_value", self._column(name))
                value = str(value)
            problem = text_problem(value)
            if problem == "legacy_fonts":  # converted once the row is kept
                typed = True
            elif problem:
                return reject(problem, self._column(name))
            fields[name] = value
        if not doc_id:
            return reject("missing_id")
        text = fields["text"]
        if text is None:
            return reject("missing_text")
        if blank_text(text):
            return reject("empty_text")
        # The title is read with the text (the limit holds for both together), and the other
        # columns are written out as they are: none is read past the limit either.
        title = fields["title"]
        if _too_large(text, title):
            return reject("too_large", "" if not title else f"{self._column('text')} và cột title")
        for name in ("source", "channel"):
            if _too_large(fields[name]):
                return reject("too_large", self._column(name))
        if _too_large(doc_id):
            doc_id = None  # nor written to the rejects file
            return reject("too_large", f"cột {self._id_field}")
        if self._whole_file:
            if self._seen_ids().add(doc_id):
                return reject("duplicate_id")
        if typed:
            in_part: list[str] = []
            fonts, mended = mend_typed_fonts(fields, _TEXT_COLUMNS, in_part)
            columns = (self._column(n) + (" (một phần)" if n in in_part else "") for n in mended)
            detail = f"phông {fonts.upper()}: {', '.join(columns)}"
            notes.append(self._reject(row, line, doc_id, "legacy_fonts", detail, "warning"))
        # The last check, as the row is kept: a time that cannot be read costs the row its time,
        # not its analysis (a row left out for its id was not analysed without a time).
        raw_time = raw.get("created_at")
        try:
            created_at = parse_time(raw_time)
        except (TypeError, ValueError):
            created_at = None
            detail = f"giá trị {repr(raw_time)[:80]}"
            notes.append(self._reject(row, line, doc_id, "bad_created_at", detail, "warning"))
        else:
            if type(raw_time) is str and created_at is not None:
                created_at = self._share_zone(created_at)
        fields["id"] = doc_id
        fields["created_at"] = created_at
        fields["_row"] = row
        fields["_line"] = line
        return fields, notes

    def _share_zone(self, when: datetime) -> datetime:
        """Give a time parsed from text the zone object of earlier ones with the same offset.

        ``fromisoformat`` makes a new zone per call, and a pickler writes each distinct one in
        full: rows sharing one zone object cross to a worker and back for a fifth of the cost.
        The zones it makes carry no name, so equal ones (equal offsets) are interchangeable.
        """
        zone = when.tzinfo
        if type(zone) is not timezone:
            return when
        shared = self._zones.setdefault(zone, zone)
        # combine() keeps the fold like replace(tzinfo=...), at a quarter of its cost.
        return when if shared is zone else datetime.combine(when.date(), when.time(), shared)

    def _column(self, name: str) -> str:
        """The detail of a message about a value of the column ``name`` (of the record)."""
        return f"cột {self._text_field if name == 'text' else name}"

    def _reject(
        self,
        row: int | None,
        line: int | None,
        doc_id: str | None,
        reason: str,
        detail: str = "",
        severity: str = "error",
    ) -> Reject:
        # The detail inside the sentence: "… hợp lệ (cột title).", not "… hợp lệ. (title)".
        text = self._messages[reason]
        message = text if not detail else f"{text.removesuffix('.')} ({detail})."
        return Reject(row, line, doc_id, reason, message, severity)


def has_bad_chars(value: str) -> bool:
    """Whether ``value`` holds what a lossy decoder leaves: U+FFFD or a lone surrogate.

    The same answer as ``BAD_CHARS.search(value)``, without a regular expression walking every
    character of every text: ASCII holds neither; then one C search for U+FFFD, and UTF-8's
    strict encoder, which refuses exactly the surrogate code points. Both checks of the import's
    ``text_problem`` (:mod:`duluan.apps.intake.importers`) over news leads took 4.4 µs a row with
    the two patterns, 1.6 µs this way (30,000 rows, best of 5, process CPU, 2026-11-30).
    """
    if value.isascii():
        return False
    if "\ufffd" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# What shows nothing: spaces and line breaks (Z*), control (Cc) and format characters (Cf: zero-width
# spaces and joiners, the byte-order mark, soft hyphens), and combining marks with no letter (Mn, Me).
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"})


def blank_text(text: str) -> bool:
    """Whether ``text`` shows nothing: a text of zero-width spaces, a byte-order mark or lone marks
    is as empty as one of spaces (normalising leaves nothing of it)."""
    stripped = text.strip()
    if not stripped or stripped[0].isalnum():
        return not stripped
    return all(unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in stripped)


def _too_large(*values: str | None) -> bool:
    """Whether ``values`` (``None``: none) take more than :data:`MAX_TEXT_BYTES` in UTF-8 together."""
    if sum(len(v) for v in values if v) * 4 <= MAX_TEXT_BYTES:  # (a character is at most 4 bytes)
        return False
    return sum(len(v.encode("utf-8", "surrogatepass")) for v in values if v) > MAX_TEXT_BYTES


# "Ã" ends a syllable in capitals ("XÃ", "ĐÃ", "MÃ"), where a no-break space, a quote, a dash or an
# ellipsis may follow it: "CÁN\u00a0BỘ\u00a0XÃ\u00a0HÁCH" (a complaint pasted from a web page) was
# refused as mojibake. Such a pair is one only in a text without any letter that only Vietnamese
# writes (Ă, Đ, Ĩ, Ũ, Ơ, Ư and the letters of U+1EA0-U+1EF9, which no Latin-1 or cp1252 text holds).
_SYLLABLE_END_PAIRS = frozenset(f"Ã{c}" for c in "\u00a0“”‘’–—…")
_VIETNAMESE_LETTER_RE = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)


def _mojibake(value: str) -> bool:
    """Whether the pairs ``_MOJIBAKE_RE`` finds in ``value`` are UTF-8 read as Latin-1 or cp1252."""
    if any(m.group() not in _SYLLABLE_END_PAIRS for m in _MOJIBAKE_RE.finditer(value)):
        return True
    return _VIETNAMESE_LETTER_RE.search(value) is None


def text_problem(value: str) -> str | None:
    """Return the reason code of an unusable text value, or ``None``; ``"legacy_fonts"`` for
    text typed in legacy fonts, whole or in part (:func:`~duluan.analysis.legacy_encodings.typed_parts`),
    which :func:`~duluan.analysis.legacy_encodings.mend_typed_fonts` converts."""
    if not _SUSPECT_RE.search(value):
        return None
    if "\x00" in value or len(_CONTROL_RE.findall(value[:4096])) > 8:
        return "binary"
    if has_bad_chars(value) or (_MOJIBAKE_RE.search(value) and _mojibake(value)):
        return "bad_encoding"
    if typed_parts(value):
        return "legacy_fonts"
    return None


# How Vietnamese write a time: day first ("15/03/2026", "15-03-2026 08:30", "15.03.2026, 8:30:05").
_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")


def parse_time(value: Any) -> datetime | None:
    """A ``created_at`` as a time; naive means Vietnam time, ``None`` or ``""`` no time.

    ISO 8601 first (the common case, without the other checks), then ``dd/mm/yyyy[ HH:MM[:SS]]``
    (how Vietnamese write dates, and what spreadsheets exported here hold; ``-`` and ``.`` also
    part the day, month and year), then RFC 822 (RSS feeds). A datetime, a date or a pandas
    Timestamp is taken as it is. A number, or a text of 10 or 13 digits, is a Unix time in
    seconds or in milliseconds (social platforms' exports and chat logs give such: Zalo's
    ``timestamp``, TikTok's ``create_time``), when it falls from 2000 to 2100: a number beyond
    is no such time (the number ``20260305`` is not read as one; the text is ISO 8601's
    5 March 2026). The one parser of the analysis command and the platform's import.

    A time before 1900 or more than a day after now is no report's: "0001-01-01" and
    "9999-12-31" are what exports write for "none", and a time in 2099 read as such made the
    clusterer's clock jump (every open cluster closed, and a saved state kept the clock there)
    or stopped the run (year 1, a window before it). Such a value is refused as unreadable.

    Raises:
        ValueError: A text that is none of these, or a time out of that range.
        TypeError: A value that is no text and no time.
    """
    if isinstance(value, str):  # the common case first, without the other types' checks
        if not value:
            return None
        text = value.strip()
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            if text.isascii() and text.isdigit() and len(text) in (10, 13):
                return _plausible(_unix_time(int(text)))
            value = _written_time(text)
    else:
        if value is None or (isinstance(value, float) and value != value):
            return None
        if isinstance(value, _NUMBERS) and type(value) is not bool:
            return _plausible(_unix_time(value))
        if hasattr(value, "to_pydatetime"):
            value = value.to_pydatetime()
        elif type(value) is date:
            value = datetime(value.year, value.month, value.day)
        if not isinstance(value, datetime):
            raise TypeError(f"not a time: {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return _plausible(value)


_EARLIEST_YEAR = 1900
_AHEAD = timedelta(days=1)  # clocks and time zones: a report dated a little ahead of this one


def _plausible(value: datetime) -> datetime:
    """``value``, or a ValueError when it is before 1900 or more than a day after now (its year
    is looked at first: near year 1 or 9999 a time cannot be moved to UTC to be compared)."""
    latest = datetime.now(UTC) + _AHEAD
    if (
        value.year < _EARLIEST_YEAR
        or value.year > latest.year
        or (value.year == latest.year and value > latest)
    ):
        raise ValueError(f"not a time of a report: {value.isoformat()}")
    return value


# Unix times in seconds from 2000 to 2100 (in milliseconds, a thousand times more), and the
# values read as such (numpy's, as Parquet columns give them, too; not bool, an int).
_UNIX_FROM, _UNIX_TO = 946_684_800, 4_102_444_800
_NUMBERS = (int, float, np.integer, np.floating)


def _unix_time(number: float) -> datetime:
    """A Unix time in seconds or milliseconds from 2000 to 2100 (UTC); ValueError for any other."""
    if _UNIX_FROM * 1000 <= number < _UNIX_TO * 1000:
        number = number / 1000
    if not _UNIX_FROM <= number < _UNIX_TO:
        raise ValueError(f"not a time: {number!r}")
    return datetime.fromtimestamp(number, tz=UTC)


def _written_time(text: str) -> datetime:
    """A time written day first, or as RFC 822; ValueError for anything else."""
    m = _DMY.match(text)
    if m:
        d, mo, y, h, mi, sec = m.groups()
        return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0))
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"not a time: {text!r}") from exc


# -- readers ------------------------------------------------------------------------------------


def input_format(path: str | Path) -> str:
    """Return ``"jsonl"``, ``"csv"`` or ``"parquet"`` from a file name (``.gz`` allowed)."""
    name = str(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if name.endswith((".csv", ".tsv", ".txt")):  # .txt: tab-separated, as Excel saves "Text"
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    raise ValueError(
        f"Không nhận ra định dạng tệp {path} (cần .jsonl, .csv, .tsv, .txt — có thể nén .gz — hoặc .parquet)."
    )


def csv_delimiter(path: str | Path, head: bytes | None = None, *, one_column: str | None = None) -> str:
    """The delimiter of a CSV-kind file: a tab for ``.tsv`` and ``.txt`` (``.gz`` allowed), else a
    comma; unless the header line (the first line of ``head``, the file's first bytes as UTF-8)
    holds none of that one and holds another of comma, semicolon and tab; and ``one_column``
    (when given) for a header that holds none of the three: a file of one column, whose lines
    are one cell each, their commas the text's.

    Excel saves "CSV" with the list separator of Windows' regional settings, which is a semicolon
    in Vietnamese and other locales that write 1,5 for one and a half: read with commas, such a
    file was one column named "id;text", and every row a reject. The header decides, not
    ``csv.Sniffer`` over a sample: the texts, whose commas and semicolons the sniffer counts too,
    cannot mislead it, and a file whose header holds the extension's delimiter reads as it always
    did (one that holds none of it was a single column). The platform's import reads by the same
    rule, so a file reads alike there and in ``duluan analyze``.
    """
    if head is not None:
        declared = excel_separator(head)
        if declared is not None:
            return declared
    return _header_delimiter(path, head, one_column)


def _header_delimiter(path: str | Path, head: bytes | None, one_column: str | None) -> str:
    """:func:`csv_delimiter` of a file that declares no separator."""
    default = "\t" if str(path).lower().removesuffix(".gz").endswith((".tsv", ".txt")) else ","
    if head is None:
        return default
    header = head.split(b"\n", 1)[0]
    if default.encode() in header:
        return default
    found = next((d for d in (",", ";", "\t") if d.encode() in header), None)
    if found is None:
        return one_column or default
    return found


_SEPARATOR_LINE = re.compile(rb"(?i)sep=([,;\t|])\r?")


def excel_separator(head: bytes) -> str | None:
    """The delimiter a CSV's first line declares as ``sep=;`` (``head``: the file's first bytes
    as UTF-8), or ``None`` when it declares none.

    Tools that write CSVs for Excel put this line before the header so that Excel splits the
    columns whatever Windows' list separator is; Excel reads it and does not show it. Read as the
    header, it made one column named "sep=;" and every row a reject. The line is no row: the
    readers skip it (:func:`csv_start`).
    """
    match = _SEPARATOR_LINE.fullmatch(head.removeprefix(_BOM).split(b"\n", 1)[0])
    return match.group(1).decode() if match else None


def csv_start(
    handle: IO[str], path: str | Path, head: bytes, *, one_column: str | None = None
) -> tuple[str, int]:
    """Ready a CSV-kind file, opened as ``handle`` and starting with ``head``, for a csv reader:
    its delimiter (:func:`csv_delimiter`) and the lines before its header, which line numbers
    add: 1 for Excel's ``sep=`` line (:func:`excel_separator`), read past here, else 0. What
    every reader of CSV files does first: ``analyze`` and the like, the platform's import and its
    survey uploads."""
    declared = excel_separator(head)
    if declared is None:
        return _header_delimiter(path, head, one_column), 0
    handle.readline()
    return declared, 1


def read_csv_text(text: str) -> tuple[list[str], list[tuple[int, dict[str | None, Any]]]]:
    """The header and the records of a whole CSV file read into memory (an upload), each record
    with the line of the file it starts on (a quoted cell may span lines).

    The delimiter is chosen as the readers of input files choose it (:func:`csv_delimiter`: a
    semicolon where the header holds semicolons, as Excel on a Vietnamese Windows saves "CSV"),
    and a ``sep=`` line before the header is skipped (:func:`excel_separator`). Cells beyond
    the header's are under the key ``None``, as :class:`csv.DictReader` gives them.
    """
    lines = io.StringIO(text)
    delimiter, skipped = csv_start(lines, "upload.csv", text[:8192].encode("utf-8", errors="surrogatepass"))
    reader = csv.DictReader(lines, delimiter=delimiter)
    header = list(reader.fieldnames or [])
    records = []
    start = reader.line_num + skipped + 1
    for record in reader:
        records.append((start, record))
        start = reader.line_num + skipped + 1
    return header, records


def read_rows(path: str | Path, validator: RowValidator | None = None) -> Iterator[dict[str, Any] | Reject]:
    """Stream the rows of an input file, validated, in file order.

    Args:
        path: JSONL (``.gz`` ok), CSV or Parquet file.
        validator: Keeps the ids seen; a new one by default.

    Yields:
        Clean row dicts and :class:`Reject` records (errors and warnings), in file order.
    """
    return validated_rows(read_records(path), validator or RowValidator())


def validated_rows(
    records: Iterable[tuple[int, int | None, Any]], validator: RowValidator
) -> Iterator[dict[str, Any] | Reject]:
    """Check raw records as :func:`read_rows` does (it reads them from a file).

    Args:
        records: ``(row, line, record)`` as :func:`read_records` or :func:`jsonl_chunk_records`
            give them.
        validator: Keeps what the checks of later rows need.

    Yields:
        Clean row dicts and :class:`Reject` records (errors and warnings), in record order.
    """
    for row, line, raw in records:
        if isinstance(raw, Reject):
            yield raw
            continue
        clean, notes = validator.validate(raw, row, line)
        yield from notes
        if clean is not None:
            yield clean


class UnreadableInput(ValueError):
    """The input file cannot be read as a whole: a truncated or corrupt ``.gz``, a file that is
    not the Parquet its name says. (A bad row is a :class:`Reject`, not this.)"""


# What reading a damaged file raises: gzip's EOFError for a truncated stream, BadGzipFile (an
# OSError) and zlib.error for a corrupt one, pyarrow's ArrowException (ArrowInvalid...) for a
# file that is not Parquet.
_DAMAGE: tuple[type[BaseException], ...] = (EOFError, gzip.BadGzipFile, zlib.error)


def _damage() -> tuple[type[BaseException], ...]:
    # An ArrowException exists only once pyarrow is imported, by the readers that use it: a JSONL
    # or CSV reader need not import it to learn what it would raise (20 ms of ``duluan
    # classify``'s start-up, python -X importtime, 2026-12-03).
    pa = sys.modules.get("pyarrow")
    return _DAMAGE if pa is None else (*_DAMAGE, pa.ArrowException)


def _unreadable(path: str | Path, exc: BaseException) -> UnreadableInput:
    return UnreadableInput(f"không đọc được tệp {path}: tệp hỏng hoặc bị cắt cụt ({exc})")


def _guarded(path: str | Path, records: Iterator[Any]) -> Iterator[Any]:
    """``records``, with the damage of the file (see _DAMAGE) as :class:`UnreadableInput`."""
    try:
        yield from records
    except _damage() as exc:
        raise _unreadable(path, exc) from exc


def open_input_bytes(path: str | Path) -> IO[bytes]:
    """The file's bytes (``.gz`` unpacked) as UTF-8: a UTF-16 file with its byte-order mark, and
    a file in Windows-1258, TCVN3 or VNI as a whole, are transcoded (see :class:`_Transcoded`). A
    buffered handle, whose ``peek`` shows what comes next."""
    packed = str(path).lower().endswith(".gz")
    handle: IO[bytes] = gzip.open(path, "rb") if packed else open(path, "rb")
    try:
        head, whole = _first_bytes(path, handle, packed)
    except BaseException:
        handle.close()
        raise
    if head[:2] in _UTF16_BOMS:
        return io.BufferedReader(_Transcoded(handle, "utf-16", "surrogatepass"))
    legacy = legacy_encoding(head, whole) if encoding_guess(head, whole) == LEGACY_VIETNAMESE else None
    if legacy == VNI:  # letters and their marks in the Western code page
        return io.BufferedReader(_Transcoded(handle, "cp1252", "surrogateescape", convert=from_vni))
    if legacy is not None:
        return io.BufferedReader(_Transcoded(handle, legacy, "surrogateescape", compose=True))
    return handle


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_HEAD = 4096  # the bytes a file's encoding is told from


def _first_bytes(path: str | Path, handle: IO[bytes], packed: bool) -> tuple[bytes, bool]:
    """The first 4 KB of the file's bytes, and whether they are all of it (then a few rows say
    enough of its encoding). A ``.gz`` tells its size only at its end, and ``peek`` on it may
    stop short of 4 KB, so its head is unpacked once more from the start: one more 4 KB."""
    if not packed:
        head = _head(handle)
        return head, os.fstat(handle.fileno()).st_size == len(head)
    with gzip.open(path, "rb") as probe:
        head = probe.read(_HEAD + 1)
    return head[:_HEAD], len(head) <= _HEAD


class _Transcoded(io.RawIOBase):
    """A file in another encoding, read as UTF-8 bytes a block at a time.

    - **UTF-16 with its byte-order mark**: what Excel saves as "Unicode Text" (the usual way out
      of an older Excel, whose CSV turns Vietnamese letters into "?"), tab-separated. Without a
      mark the byte order is a guess, and such a file is still refused whole (see
      :func:`encoding_guess`).
    - **Windows-1258** or **TCVN3** as a whole (:func:`~duluan.analysis.legacy_encodings.legacy_encoding`):
      Excel's CSV on a Vietnamese Windows, and text typed in the ".VnTime" fonts. Their tone marks
      may be combining characters (Windows-1258 has no "ờ"), composed here (NFC, ``compose``) as
      the text was typed, so offsets into it are those of the Unicode text. A block's last letter
      waits for the next block, which may hold its marks.
    - **VNI**: the Western code page, each letter then converted with its marks (``convert``,
      :func:`~duluan.analysis.legacy_encodings.from_vni`); a block's last word waits for the
      next block, which may hold its last letter's marks.

    The readers here take UTF-8 lines, so the file is transcoded as it is read: its rows and line
    numbers stay its own. A character the encoding has not (a lone surrogate, half a UTF-16
    character at the end, a byte Windows-1258 leaves undefined) becomes bytes no UTF-8 reader
    takes, so its row is rejected as badly encoded, as a bad byte of a UTF-8 file is.
    """

    def __init__(
        self,
        raw: IO[bytes],
        encoding: str,
        errors: str,
        *,
        compose: bool = False,
        convert: Callable[[str], str] | None = None,
    ):
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
        self._compose = compose or convert is not None
        self._convert = convert
        self._held = ""  # (composing) the decoded text from the last starter on, not given yet
        self._pending = b""
        self._at = 0  # how much of _pending has been given
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._at == len(self._pending) and not self._ended:
            block = self._raw.read(1 << 16)
            self._ended = not block
            self._at = 0
            try:
                text = self._decoder.decode(block, final=self._ended)
            except UnicodeDecodeError:  # a byte left at the end (an odd length): half a character
                self._pending = b"\xff"  # no UTF-8 byte: the last row is rejected
                break
            if self._compose:
                text = self._held + text
                cut = len(text)
                if not self._ended and self._convert is not None:
                    cut = max(map(text.rfind, " \t\r\n")) + 1  # the last word: its letters' marks follow them
                elif not self._ended:  # hold back from the last starter: its marks may follow
                    while cut and unicodedata.combining(text[cut - 1]):
                        cut -= 1
                    cut = max(cut - 1, 0)
                text, self._held = text[:cut], text[cut:]
                # (the conversion gives NFC text)
                text = unicodedata.normalize("NFC", text) if self._convert is None else self._convert(text)
            # (lone surrogates, and the escapes of undefined bytes, stay no UTF-8)
            self._pending = text.encode("utf-8", "surrogatepass")
        n = min(len(buffer), len(self._pending) - self._at)
        buffer[:n] = memoryview(self._pending)[self._at : self._at + n]
        self._at += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


_BOM = b"\xef\xbb\xbf"


# What encoding_guess calls a file of bytes that is not text.
BINARY = "tệp nhị phân"
UTF16 = "UTF-16"
LEGACY_VIETNAMESE = "một bảng mã cũ, không phải Unicode"


def encoding_guess(head: bytes, whole: bool = False) -> str | None:
    """What a file that starts with ``head`` is when it is plainly not UTF-8 text as a whole:
    :data:`UTF16` (a byte-order mark, or a quarter of the bytes zero: Windows' "Unicode text"),
    :data:`BINARY` (zero bytes among many that are no UTF-8), :data:`LEGACY_VIETNAMESE` (many
    bytes that are no UTF-8, none zero); ``None`` for UTF-8, a few bad rows included (each is
    a reject of its own).

    When ``head`` is the ``whole`` file, a few bytes that are no UTF-8 (three or more) in a file
    where no character beyond ASCII is UTF-8 are :data:`LEGACY_VIETNAMESE` too: a spreadsheet
    of one or two rows saved in Windows-1258 (its rows were each rejected for their encoding).
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) > 16 and head.count(0) * 4 >= len(head)):
        return UTF16
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:
            return None  # a character cut at the end of the head
        decoded = head.decode("utf-8", errors="replace")
        bad = decoded.count("\ufffd") - head.count(b"\xef\xbf\xbd")
        if bad > 20 or (whole and bad >= 3 and all(c == "\ufffd" for c in decoded if c > "\x7f")):
            return BINARY if b"\x00" in head else LEGACY_VIETNAMESE
    return None


def _head(handle: IO[bytes]) -> bytes:
    """The first bytes of a buffered binary handle (at most 4 KB), peeked at, not read."""
    return handle.peek(_HEAD)[:_HEAD]  # type: ignore[attr-defined]


def _check_text_file(head: bytes, path: str | Path) -> None:
    """Refuse a whole input file, which starts with ``head``, that is UTF-16 or not text (see
    :func:`encoding_guess`): each of its lines was a reject of its own, and a binary file's
    "lines" may be of any length. A file in a legacy Vietnamese code page is left to its rows'
    rejects (``bad_encoding``).

    Raises:
        UnreadableInput: The file is UTF-16 or binary.
    """
    guess = encoding_guess(head)
    if guess in (UTF16, BINARY):
        raise UnreadableInput(MESSAGES["bad_encoding_file"].format(path=path, guess=guess))


# The start of a file holding one JSON array of records (``[{…}, …]``, on one line or spread
# over many), or an empty one, not JSONL: what many tools write to a ``.json`` file.
_JSON_ARRAY_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*\[\s*(?:[{\]]|\Z)")


def json_array_start(head: bytes) -> bool:
    """Whether a file that starts with ``head`` (its first few KB) holds one JSON array of
    records, which is not JSONL (see :data:`_JSON_ARRAY_START`)."""
    return _JSON_ARRAY_START.match(head) is not None


def _lines(handle: IO[bytes], path: str | Path) -> Iterator[tuple[int, bytes]]:
    """The 1-based numbered lines of a binary handle, the first without a UTF-8 byte-order mark
    (which editors on Windows write and json refuses).

    Raises:
        UnreadableInput: The file is one JSON array (see :data:`_JSON_ARRAY_START`): read as
            lines, it was a reject for each line of a spread array, and one line of the whole
            file, held in memory, for an array on one line.
    """
    head = _head(handle)  # peeked at once for both checks
    _check_text_file(head, path)
    if json_array_start(head):
        raise UnreadableInput(MESSAGES["json_array"].format(path=path))
    # A file whose lines end with a carriage return alone (old Mac editors) read as one line:
    # "0 of 1 rows", one bad_json reject for all its records.
    separator = b"\r" if b"\r" in head and b"\n" not in head else b"\n"
    lines = enumerate(_bounded_lines(handle, separator), start=1)
    for line_no, raw_line in lines:
        yield line_no, raw_line if isinstance(raw_line, TooLongLine) else raw_line.removeprefix(_BOM)
        break
    yield from lines


class TooLongLine(bytes):
    """The start of a line longer than :data:`MAX_LINE_BYTES`, the rest of which was skipped
    unread: its row is ``too_large`` (:func:`jsonl_record`)."""


# A line longer than this holds a row over the size limits, whatever its JSON escapes (a text of
# 1 MB written as \uXXXX is 6 MB; the other columns have a limit each): it is not held whole. A
# line of 700 MB (a gzip file of 714 KB) took 3.2 GB to be refused.
MAX_LINE_BYTES = 32 * MAX_TEXT_BYTES


def _bounded_lines(handle: IO[bytes], separator: bytes = b"\n") -> Iterator[bytes]:
    """The lines of ``handle`` ending with ``separator``, those longer than :data:`MAX_LINE_BYTES`
    as :class:`TooLongLine` of their start (the rest read in pieces and dropped)."""
    if separator == b"\n":
        while True:
            line = handle.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while True:  # the rest of the line, not kept
                    rest = handle.readline(1 << 16)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield TooLongLine(line[:_HEAD])
            else:
                yield line
    else:
        pending = b""
        long_line = False
        while True:
            piece = handle.read(1 << 20)
            if not piece:
                break
            parts = (pending + piece).split(separator)
            pending = parts.pop()
            for part in parts:
                yield TooLongLine(part[:_HEAD]) if long_line else part + separator
                long_line = False
            if len(pending) > MAX_LINE_BYTES:
                long_line, pending = True, pending[:_HEAD]
        if pending:
            yield TooLongLine(pending[:_HEAD]) if long_line else pending


def read_records(path: str | Path) -> Iterator[tuple[int, int | None, Any]]:
    """Stream the raw records of an input file, unvalidated: ``(row, line, record)``.

    One reader for every command that takes a table (``analyze``, ``train``, ``classify``,
    ``evaluate``). ``row`` counts non-blank records from 1, ``line`` is the 1-based line a
    record starts on (``None`` for Parquet), and ``record`` is what the line holds (a dict for a
    well-formed row) or a :class:`Reject` when it cannot be read (bad encoding, bad JSON).

    Args:
        path: JSONL (``.gz`` ok), CSV/TSV (``.gz`` ok) or Parquet file.
    """
    kind = input_format(path)
    if kind == "jsonl":
        return _guarded(path, _jsonl_records(path))
    if kind == "csv":
        return _guarded(path, _csv_records(path))
    return _guarded(path, _parquet_records(path))


_PLAIN_JSON = (str, int, bool, type(None))


def plain_record(raw_line: bytes) -> dict[str, Any] | None:
    """The line's object when it is flat and orjson reads it exactly as ``json.loads`` does;
    ``None`` when the line must go the ``json`` way (a bad line gets json's own message).

    orjson parses a news lead in 2.4 µs against 3.6 µs (30,000 leads, best of 3, 2026-11-30)
    and validates UTF-8 itself, in the one process that reads the file. Where the two differ it
    either refuses what ``json`` takes (NaN, infinities, lone surrogate escapes: an error here,
    so ``json`` reads the line) or reads an integer beyond 64 bits differently; a record whose
    values are all strings, integers within 64 bits, booleans or nulls has none of those, and
    nested values are left to ``json`` too. Tested against ``json.loads`` on mutated lines.
    """
    try:
        record = orjson.loads(raw_line)
    except orjson.JSONDecodeError:
        return None
    if type(record) is not dict:
        return None
    for value in record.values():
        if type(value) not in _PLAIN_JSON:
            return None
    return record


def jsonl_record(raw_line: bytes, row: int, line: int) -> Any:
    """What one non-blank line of a JSONL file holds, as :func:`read_records` gives it: the
    decoded value (a dict for a well-formed row), or a :class:`Reject` (bad encoding, bad JSON).

    Args:
        raw_line: The line's bytes.
        row: Its row number (non-blank lines from 1), for the reject.
        line: Its 1-based line number, for the reject.
    """
    if isinstance(raw_line, TooLongLine):
        return Reject(row, line, None, "too_large", MESSAGES["too_large"])
    record = plain_record(raw_line)
    if record is not None:
        return record
    try:
        text = raw_line.decode("utf-8")
    except UnicodeDecodeError:
        return Reject(row, line, None, "bad_encoding", MESSAGES["bad_encoding"])
    try:
        return loads_json(text)
    except json.JSONDecodeError as exc:
        message = f"{MESSAGES['bad_json']} ({exc.msg}, cột {exc.colno})"
        return Reject(row, line, None, "bad_json", message)


# The message of JSON nested too deeply to read.
TOO_DEEP = "giá trị lồng nhau quá sâu"


def loads_json(text: str) -> Any:
    """``json.loads(text)`` for text from outside (a line of input, a state file), where a value
    nested too deeply for the parser (``[[[[…]]]]`` a thousand deep) is the
    :class:`json.JSONDecodeError` of any bad JSON, not the ``RecursionError`` that json raises,
    which stopped a whole run at such a line.

    Raises:
        json.JSONDecodeError: The text is not JSON, or is nested too deeply (:data:`TOO_DEEP`).
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError(TOO_DEEP, text, 0) from None


def jsonl_line_chunks(
    path: str | Path, size: int, max_bytes: int | None = None
) -> Iterator[tuple[int, list[bytes], Sequence[int]]]:
    """Stream a JSONL file (``.gz`` ok) as chunks of its non-blank lines, undecoded.

    For a command whose worker processes decode the lines (:func:`jsonl_record`) instead of the
    one process that reads the file.

    Args:
        path: The file.
        size: Lines a chunk (the last may hold fewer).
        max_bytes: A chunk also ends once its lines hold this many bytes.

    Yields:
        ``(first_row, lines, line_numbers)``: the row number of the chunk's first line (rows
        count non-blank lines from 1, as in :func:`read_records`), the lines' bytes, and their
        1-based line numbers (a ``range`` when no blank line falls inside the chunk).
    """
    return _guarded(path, _line_chunks(path, size, max_bytes))


def _line_chunks(
    path: str | Path, size: int, max_bytes: int | None = None
) -> Iterator[tuple[int, list[bytes], Sequence[int]]]:
    row = 1
    lines: list[bytes] = []
    numbers: list[int] = []
    held = 0
    limit = max_bytes if max_bytes is not None else sys.maxsize
    with open_input_bytes(path) as handle:
        for line_no, raw_line in _lines(handle, path):
            if not raw_line.strip():
                continue
            lines.append(raw_line)
            numbers.append(line_no)
            held += len(raw_line)
            if len(lines) >= size or held >= limit:
                yield row, lines, _compact(numbers)
                row += len(lines)
                lines, numbers = [], []
                held = 0
    if lines:
        yield row, lines, _compact(numbers)


def jsonl_chunk_records(
    first_row: int, lines: Sequence[bytes], line_numbers: Sequence[int]
) -> Iterator[tuple[int, int, Any]]:
    """The records of a chunk of :func:`jsonl_line_chunks`, as :func:`read_records` gives them.

    Args:
        first_row: Row number of the chunk's first line.
        lines: Its non-blank lines, undecoded.
        line_numbers: Their 1-based line numbers.

    Yields:
        ``(row, line, record)``, the record decoded or a :class:`Reject` (see :func:`jsonl_record`).
    """
    for row, line, raw_line in zip(itertools.count(first_row), line_numbers, lines):
        yield row, line, jsonl_record(raw_line, row, line)


def _compact(numbers: list[int]) -> Sequence[int]:
    """``numbers`` (increasing) as a ``range`` when they are consecutive: it pickles in a few bytes."""
    if numbers[-1] - numbers[0] == len(numbers) - 1:
        return range(numbers[0], numbers[-1] + 1)
    return numbers


def _jsonl_records(path: str | Path) -> Iterator[tuple[int, int | None, Any]]:
    row = 0
    with open_input_bytes(path) as handle:
        for line_no, raw_line in _lines(handle, path):
            if not raw_line.strip():
                continue
            row += 1
            yield row, line_no, jsonl_record(raw_line, row, line_no)


class RecordLines:
    """A text file's lines for a csv reader, kept by record, so that the last record can be
    checked for a quote left open (:meth:`unclosed`).

    csv's lenient reader (the default: it reads ``"a"b`` as ``ab``, as spreadsheets do) reads a
    quote that is never closed as a field running to the end of the file: every row after it
    became that row's text, and the run reported one row fewer than it lost. csv reads a record
    a line at a time and no further than its end, so the lines read between two :meth:`take`
    calls around a record are that record's.
    """

    def __init__(self, handle: Iterable[str]) -> None:
        self._lines = iter(handle)
        self._kept: list[str] = []

    def __iter__(self) -> RecordLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._kept.append(line)
        return line

    def take(self) -> list[str]:
        """The lines read since the last call."""
        kept, self._kept = self._kept, []
        return kept

    @staticmethod
    def unclosed(lines: list[str], dialect: Any = csv.excel, **options: Any) -> bool:
        """Whether a record's ``lines`` span more than one line and end inside a quoted field (the
        file ended before its quote was closed): the strict reader, on these lines alone, meets
        their end inside the quotes."""
        if len(lines) < 2:
            return False  # a quote left open on the last line takes no other row
        try:
            for _ in csv.reader(lines, dialect, strict=True, **options):
                pass
        except csv.Error as exc:
            return "unexpected end of data" in str(exc)  # csv's message for exactly this
        return False

    @staticmethod
    def unclosed_message(line: int, last: int) -> str:
        """The reject's message for a record of lines ``line`` to ``last`` that :meth:`unclosed` found."""
        return MESSAGES["unclosed_quote"].format(line=line, last=last)


_DELIMITER_NAMES = {",": "dấu phẩy", ";": "dấu chấm phẩy", "\t": "dấu tab"}


def known_case(names: Sequence[str]) -> list[str]:
    """A header's names, each that is a known column or "label" in other letters ("ID", "Text",
    as spreadsheets capitalise them) written as that column is, unless the header names the column
    as it is too. Read as written, every row of an "ID,Text" file was missing its id and text
    (analyze), or had its ids silently replaced by row numbers (classify)."""
    present = set(names)
    return [
        name.lower() if name.lower() in _CASED and name.lower() not in present else name for name in names
    ]


# The columns known_case writes in their own letters: the rows' and the training files' label.
_CASED = _KNOWN | {"label"}


def duplicate_column_message(names: Sequence[str]) -> str | None:
    """The message for a header that names a column twice (see ``duplicate_column`` in
    :data:`MESSAGES`), or ``None`` when its names are distinct (blank ones aside).

    Read by name, each row of such a file kept only the last of the two cells: a second "text"
    column silently replaced the texts. Which one was meant, only the file's author knows, and a
    reader does not know which columns its caller reads (``--text-field`` may name any), so the
    file is refused whichever name it is.
    """
    seen: dict[str, int] = {}
    for number, name in enumerate(names, start=1):
        if name in seen:
            return MESSAGES["duplicate_column"].format(name=name, first=seen[name], second=number)
        if name:
            seen[name] = number
    return None


def extra_cells_message(extra: int, columns: int, delimiter: str) -> str:
    """The message of a CSV row with ``extra`` cells beyond its header's ``columns`` (see
    ``extra_cells`` in :data:`MESSAGES`), naming the file's ``delimiter``."""
    return MESSAGES["extra_cells"].format(
        extra=extra, columns=columns, delimiter=_DELIMITER_NAMES.get(delimiter, repr(delimiter))
    )


def _csv_records(path: str | Path) -> Iterator[tuple[int, int | None, Any]]:
    # A cell over this holds a row over the size limits; a quote left open made the rest of a
    # 288 MB file one cell, held whole twice (3.4 GB).
    csv.field_size_limit(MAX_LINE_BYTES)
    with open_input_bytes(path) as raw_handle:
        head = _head(raw_handle)
        _check_text_file(head, path)
        # surrogateescape keeps undecodable bytes as lone surrogates, so one badly encoded
        # row is rejected instead of the whole file failing to decode.
        handle = io.TextIOWrapper(raw_handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
        delimiter, skipped = csv_start(handle, path, head)
        lines = RecordLines(handle)
        reader = csv.DictReader(lines, delimiter=delimiter)
        if reader.fieldnames:  # the header, read now (its lines go with the first record's)
            # "id, text", as people type a header, names the columns "id" and "text", as the
            # platform's import reads it: " text" was an unknown column, and every row had no text.
            reader.fieldnames = known_case([name.strip() for name in reader.fieldnames])
            duplicate = duplicate_column_message(reader.fieldnames)
            if duplicate is not None:
                raise UnreadableInput(f"tệp {path}: {duplicate}")
        row = 0
        line = 1 + skipped
        held = None  # the record read last, given once another follows (see RecordLines)
        while True:
            held_lines = lines.take()  # those of the held record (the header's too, for the first)
            try:
                record = next(reader, None)
            except csv.Error as exc:
                if "field larger than field limit" not in str(exc):
                    raise
                # Where that cell ends, the reader cannot tell (most often it never does: a quote
                # left open): the file is read no further, and the reject says so.
                if held is not None:
                    yield held
                row += 1
                message = MESSAGES["cell_too_large"].format(line=line + 1, limit=MAX_LINE_BYTES // 1_000_000)
                yield row, line + 1, Reject(row, line + 1, None, "too_large", message)
                return
            if record is None:
                break
            if held is not None:
                yield held
            row += 1
            extra = record.pop(None, None)  # cells beyond the header
            # A column with no name and no value (Excel saves "id;text;;" when cells beyond the
            # table were ever formatted) is none: it warned of an unknown column named "".
            cells = {k: (v if v != "" else None) for k, v in record.items() if k or (v or "").strip()}
            if extra and any(cell.strip() for cell in extra):
                # A delimiter inside an unquoted text cut it: its rest went to the next columns
                # and beyond ("1,Đường ngập, dân bức xúc" under "id,text"). Blank cells beyond
                # the header (a trailing delimiter) cut nothing.
                message = extra_cells_message(len(extra), len(record), delimiter)
                held = row, line + 1, Reject(row, line + 1, cells.get("id"), "extra_cells", message)
            else:
                held = row, line + 1, cells
            line = reader.line_num + skipped
        if held is not None:
            if RecordLines.unclosed(held_lines, delimiter=delimiter):
                row, line = held[0], held[1]
                message = RecordLines.unclosed_message(line, reader.line_num + skipped)
                doc_id = held[2].id if isinstance(held[2], Reject) else held[2].get("id")
                held = row, line, Reject(row, line, doc_id, "unclosed_quote", message)
            yield held


def _parquet_records(path: str | Path) -> Iterator[tuple[int, int | None, Any]]:
    import pyarrow.parquet as pq

    row = 0
    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        duplicate = duplicate_column_message(names)
        if duplicate is not None:  # read by name, a row kept only the last cell, as CSV's did
            raise UnreadableInput(f"tệp {path}: {duplicate}")
        renamed = known_case(names)
        for batch in parquet.iter_batches(batch_size=4096):
            if renamed != names:
                batch = batch.rename_columns(renamed)
            try:
                records = batch.to_pylist()
            except (OverflowError, ValueError, ArithmeticError):
                # One cell Python has no value for stopped the whole run (a timestamp past year 9999,
                # even in a column not read): the batch is read cell by cell, that one unconvertible.
                records = _cell_by_cell(batch)
            for record in records:
                row += 1
                yield row, None, record
    except OSError as exc:
        # pyarrow's word for a damaged footer or page ("Couldn't deserialize thrift", "Corrupt
        # snappy compressed data"), which is no ArrowException: it stopped the run with a traceback.
        raise _unreadable(path, exc) from exc


def _cell_by_cell(batch: Any) -> list[dict[str, Any]]:
    """``batch.to_pylist()``, a column whose values Python cannot all hold read a cell at a time,
    the cells it cannot hold as :class:`Unconvertible`."""
    columns = []
    for column in batch.columns:
        try:
            values = column.to_pylist()
        except (OverflowError, ValueError, ArithmeticError):
            values = []
            for k in range(len(column)):
                try:
                    values.append(column[k].as_py())
                except (OverflowError, ValueError, ArithmeticError):
                    values.append(Unconvertible(str(column.type)))
        columns.append(values)
    names = batch.schema.names
    return [dict(zip(names, cells, strict=True)) for cells in zip(*columns, strict=True)]


# -- writers ------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _umask() -> int:
    """The process's umask (read by setting it, then put back as it was)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class StagedFile:
    """A file written under a temporary name in its own folder, then moved onto its path.

    :meth:`commit` renames it (``os.replace``: atomic within a file system), :meth:`discard`
    removes it. Until the commit, whatever was at the path stays as it was: an output is never
    left half-written, nor an earlier one lost, by a run that fails or is interrupted. The
    standard library has no atomic write; this is its usual idiom (``mkstemp`` in the target
    folder, then ``os.replace``).

    Args:
        path: The final path. Its folder must exist.

    Raises:
        OSError: The folder does not exist or is not writable.
    """

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        # A link is followed: the file it names is written and the link kept (the link was
        # replaced by a file, and what it named left as it was).
        self.path = path.resolve() if path.is_symlink() else path
        # The temporary name stays within a file system's 255 bytes (a name of 242 or more failed).
        start = self.path.name.encode()[:200].decode("utf-8", "ignore")
        handle, temp = tempfile.mkstemp(prefix=f".{start}.", suffix=".part", dir=self.path.parent)
        # mkstemp makes the file private (0600); the output gets the mode any new file would.
        os.fchmod(handle, 0o666 & ~_umask())
        os.close(handle)
        self.temp = Path(temp)

    def commit(self) -> None:
        """Move the file onto its path."""
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        """Remove the file; the path keeps what it had."""
        self.temp.unlink(missing_ok=True)


class RejectsWriter:
    """Write :class:`Reject` records to a JSONL file (created even when empty).

    The file is a :class:`StagedFile`: :meth:`close` moves it onto its path, :meth:`abort`
    drops it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._staged = StagedFile(self.path)
        self._handle = open(self._staged.temp, "w", encoding="utf-8")
        self.count = 0
        self.warnings = 0

    def write(self, reject: Reject) -> None:
        """Write one record."""
        record = reject.to_record()
        try:
            self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        except UnicodeEncodeError:
            # Undecodable bytes kept as lone surrogates (a column name, a detail) cannot be
            # UTF-8: escaped, the line stays valid JSON and the file valid UTF-8.
            self._handle.write(json.dumps(record) + "\n")
        if reject.severity == "error":
            self.count += 1
        else:
            self.warnings += 1

    def close(self) -> None:
        """Flush and close the file, and move it onto its path."""
        self._handle.close()
        self._staged.commit()

    def abort(self) -> None:
        """Close the file and drop it: the path keeps what it had."""
        self._handle.close()
        self._staged.discard()


class ResultWriter:
    """Base of the output writers: ``write(records)`` per batch, then ``close()`` to keep the
    file or ``abort()`` to drop it (see :class:`StagedFile`)."""

    def write(self, records: list[dict[str, Any]]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def abort(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class JsonlWriter(ResultWriter):
    """Write output rows as JSON lines (``.gz`` compresses)."""

    def __init__(self, path: str | Path) -> None:
        self._staged = StagedFile(path)
        if str(path).lower().endswith(".gz"):
            self._handle: IO[bytes] = gzip.open(self._staged.temp, "wb")
        else:
            self._handle = open(self._staged.temp, "wb")

    def write(self, records: list[dict[str, Any]]) -> None:
        """Write a batch of output rows."""
        self._handle.write(b"".join([json_line(r) for r in records]))

    def close(self) -> None:
        """Flush and close the file, and move it onto its path."""
        self._handle.close()
        self._staged.commit()

    def abort(self) -> None:
        """Close the file and drop it."""
        self._handle.close()
        self._staged.discard()


def json_line(record: dict[str, Any]) -> bytes:
    """One output row as a compact JSON line, UTF-8.

    orjson writes a news lead's row in 1.5 µs where json's encoder took 8.0 (20,000 rows, best of
    3, 2026-11-30), in the single process that writes the output. It writes datetimes in ISO 8601
    as ``isoformat`` does. A row it refuses (e.g. a numpy float, a float subclass) is written by
    json, with the same separators and the same default for datetimes.
    """
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        text = json.dumps(record, ensure_ascii=False, default=_jsonable, separators=(",", ":"))
        return (text + "\n").encode("utf-8")


def output_schema() -> Any:
    """Return the Arrow schema of the output rows (the fields of a JSON line, all of them)."""
    import pyarrow as pa

    # A unit a place is listed with: its counterpart in the other scheme, or a candidate.
    unit = [(name, pa.string()) for name in ("scheme", "code", "level", "name", "within")]

    return pa.schema(
        [
            ("id", pa.string()),
            (
                "topic",
                pa.struct(
                    [
                        ("label", pa.string()),
                        ("score", pa.float64()),
                        ("terms", pa.list_(pa.string())),
                        ("runner_up", pa.string()),
                    ]
                ),
            ),
            (
                "sentiment",
                pa.struct([("label", pa.string()), ("score", pa.float64()), ("intensity", pa.float64())]),
            ),
            (
                "places",
                pa.list_(
                    pa.struct(
                        [
                            ("code", pa.string()),
                            ("scheme", pa.string()),
                            ("level", pa.string()),
                            ("name", pa.string()),
                            ("start", pa.int32()),
                            ("end", pa.int32()),
                            ("confidence", pa.float64()),
                            ("equivalents", pa.list_(pa.struct([*unit, ("share", pa.float64())]))),
                            ("candidates", pa.list_(pa.struct(unit))),
                        ]
                    )
                ),
            ),
            ("duplicate_of", pa.string()),
            ("near_duplicate_group", pa.string()),
            ("cluster", pa.string()),
        ]
    )


class ParquetWriter(ResultWriter):
    """Write output rows to Parquet, one row group per batch."""

    def __init__(self, path: str | Path) -> None:
        import pyarrow.parquet as pq

        self._schema = output_schema()
        self._staged = StagedFile(path)
        self._writer = pq.ParquetWriter(self._staged.temp, self._schema, compression="zstd")

    def write(self, records: list[dict[str, Any]]) -> None:
        """Write a batch of output rows."""
        import pyarrow as pa

        if not records:
            return
        for r in records:
            for place in r["places"]:
                place["code"] = None if place["code"] is None else str(place["code"])
                place["level"] = None if place["level"] is None else str(place["level"])
        self._writer.write_table(pa.Table.from_pylist(records, schema=self._schema))

    def close(self) -> None:
        """Finish the file (writes the footer), and move it onto its path."""
        self._writer.close()
        self._staged.commit()

    def abort(self) -> None:
        """Close the file and drop it."""
        self._writer.close()
        self._staged.discard()


_JSONL_OUTPUTS = (".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz", ".json.gz")


def output_format(path: str | Path) -> str:
    """``"parquet"`` or ``"jsonl"`` by the output path's extension.

    Raises:
        ValueError: Another extension (``.csv`` was written as JSON lines under that name).
    """
    name = str(path).lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith(_JSONL_OUTPUTS):
        return "jsonl"
    raise ValueError(f"không ghi được tệp ra {path}: chỉ hỗ trợ đuôi .jsonl, .jsonl.gz hoặc .parquet")


def open_writer(path: str | Path) -> ResultWriter:
    """Return the writer for an output path (see :func:`output_format`)."""
    if output_format(path) == "parquet":
        return ParquetWriter(path)
    return JsonlWriter(path)
