"""A one-sheet XLSX workbook written as a stream of bytes, row by row, in bounded memory.

xlsxwriter's ``constant_memory`` mode keeps the rows in a temporary file, but it only builds the
ZIP container in ``close()``, after the last row: nothing could be sent before the whole query
had been read. Here the sheet's XML goes straight into a ZIP member of Python's own
:mod:`zipfile`, which writes to a non-seekable sink (sizes go in data descriptors after each
member), and the sink is drained into the response whenever it holds :data:`FLUSH_BYTES`. No new
dependency, the first bytes leave at once, and memory holds one compressor and one buffer
whatever the number of rows. Rows beyond one sheet's limit go on to a second sheet.

Strings are inline (``t="inlineStr"``), never a shared-string table, which would have to hold
every distinct text until the end.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from math import isfinite
from xml.sax.saxutils import escape

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FLUSH_BYTES = 64 * 1024
MAX_ROWS = 1_048_575  # the sheet's limit, less the header
# Uncompressed XML per sheet: far below the 2 GiB past which a ZIP member needs ZIP64 sizes.
PART_BYTES = 1 << 30
MAX_CELL_CHARS = 32_767  # a cell's limit in Excel
# Characters XML 1.0 forbids (control characters other than tab, newline and carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}"
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_CONTENT_TYPE_SHEET = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets>"
    "</workbook>"
)
_WORKBOOK_SHEET = '<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{sheets}"
    '<Relationship Id="rId0" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    "</Relationships>"
)
_WORKBOOK_REL_SHEET = (
    '<Relationship Id="rId{n}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)
# Two cell formats: 0 = default, 1 = bold (the header row).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" state="frozen"/>'
    "</sheetView></sheetViews><sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"


class _Sink:
    """A write-only file that keeps what was written until :meth:`drain` hands it over."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.pending = 0
        self._offset = 0

    def write(self, data: bytes) -> int:
        if data:
            self._parts.append(bytes(data))
            self.pending += len(data)
            self._offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self._offset

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        self.pending = 0
        return data


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: object) -> str:
    return escape(_NOT_XML.sub("", str(value))[:MAX_CELL_CHARS])


def _row_xml(number: int, values: Sequence[object], columns: Sequence[str], style: int = 0) -> str:
    cells = []
    s = f' s="{style}"' if style else ""
    for col, value in zip(columns, values, strict=False):
        ref = f"{col}{number}"
        if value is None:
            continue
        if isinstance(value, bool):
            cells.append(f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int | float):
            if isinstance(value, float) and not isfinite(value):
                continue
            cells.append(f'<c r="{ref}"{s}><v>{value!r}</v></c>')
        else:
            cells.append(
                f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
            )
    return f'<row r="{number}">{"".join(cells)}</row>'


def _sheet_name(sheet: str, n: int) -> str:
    base = sheet[:31] if n == 1 else f"{sheet[: 31 - len(str(n)) - 1]} {n}"
    return escape(base, {'"': "&quot;"})


def xlsx_stream(
    *, sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]], max_rows: int = MAX_ROWS
) -> Iterator[bytes]:
    """Yield the bytes of a workbook: a bold header, then ``rows`` as they come.

    Rows go on the sheet ``sheet``; when it holds ``max_rows`` rows (a sheet holds 1,048,576)
    or :data:`PART_BYTES` of XML, they go on in "``sheet`` 2", "``sheet`` 3"… with the header
    again, so no row is ever left out and no part of the file needs ZIP64 sizes (which some
    spreadsheet programs read badly when they come in a streamed member's data descriptor).

    Args:
        sheet: The first sheet's name (at most 31 characters are kept).
        header: Column titles.
        rows: Values per row (``None`` leaves the cell empty; numbers stay numbers; anything
            else is written as text). Read lazily, one row at a time.
        max_rows: Data rows per sheet.

    Yields:
        Pieces of the file, the first ones before ``rows`` is read at all.
    """
    sink = _Sink()
    max_rows = max(1, max_rows)
    columns = [_column(i) for i in range(len(header))]
    head = (_SHEET_START + _row_xml(1, header, columns, style=1)).encode("utf-8")
    tail = _SHEET_END.encode("utf-8")
    sheets = 0
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        yield sink.drain()
        rows = iter(rows)
        values = next(rows, None)
        while sheets == 0 or values is not None:
            sheets += 1
            with book.open(f"xl/worksheets/sheet{sheets}.xml", "w") as part:
                part.write(head)
                size, number = len(head), 1
                # At least one row per sheet, whatever its size: every sheet takes some rows.
                while values is not None and number <= max_rows and (number == 1 or size < PART_BYTES):
                    number += 1
                    data = _row_xml(number, values, columns).encode("utf-8")
                    part.write(data)
                    size += len(data)
                    if sink.pending >= FLUSH_BYTES:
                        yield sink.drain()
                    values = next(rows, None)
                part.write(tail)
        # The parts that list the sheets come last, when their number is known.
        numbers = range(1, sheets + 1)
        book.writestr(
            "xl/workbook.xml",
            _WORKBOOK.format(
                sheets="".join(_WORKBOOK_SHEET.format(name=_sheet_name(sheet, n), n=n) for n in numbers)
            ),
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(sheets="".join(_WORKBOOK_REL_SHEET.format(n=n) for n in numbers)),
        )
        book.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(sheets="".join(_CONTENT_TYPE_SHEET.format(n=n) for n in numbers)),
        )
    yield sink.drain()
