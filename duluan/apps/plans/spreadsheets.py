"""Items of a plan to and from XLSX: export with xlsxwriter, import with openpyxl.

The workbook has two sheets, the same for export and import, so an exported file re-imports
unchanged (and creates nothing):

``Nhiệm vụ`` (one row per item)
    Mã* · Mã nhiệm vụ cha · Nội dung* · Cơ quan chủ trì* (agency code) · Cơ quan phối hợp (codes
    separated by ``;`` or ``,``) · Bắt đầu · Hoàn thành (dd/mm/yyyy, yyyy-mm-dd or a date cell) ·
    Trọng số · Mô tả · Tiến độ (%) and Tính đến ngày (optional, together: an approved report of the
    lead agency) · Tiến độ tổng hợp (%) and Trạng thái (written on export, ignored on import).
``Chỉ tiêu`` (optional; one row per indicator)
    Mã nhiệm vụ* · Chỉ tiêu* · Đơn vị tính · Kế hoạch · Thực hiện.

Import checks every row first and writes only if no row has an error, in one transaction; each
error names the sheet, row, column and value. Items are matched on their code within the plan, so
importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import xlsxwriter
from django.db import transaction
from django.utils import timezone

from duluan.apps.accounts.models import Agency
from duluan.apps.core.text import nfc

from . import selectors, services
from .models import Plan, PlanItem

ITEMS_SHEET = "Nhiệm vụ"
INDICATORS_SHEET = "Chỉ tiêu"

COL_CODE = "Mã"
COL_PARENT = "Mã nhiệm vụ cha"
COL_CONTENT = "Nội dung"
COL_LEAD = "Cơ quan chủ trì"
COL_PARTNERS = "Cơ quan phối hợp"
COL_START = "Bắt đầu"
COL_END = "Hoàn thành"
COL_WEIGHT = "Trọng số"
COL_DESCRIPTION = "Mô tả"
COL_PERCENT = "Tiến độ (%)"
COL_AS_OF = "Tính đến ngày"
COL_ROLLUP = "Tiến độ tổng hợp (%)"
COL_STATUS = "Trạng thái"
ITEM_COLUMNS = [
    COL_CODE,
    COL_PARENT,
    COL_CONTENT,
    COL_LEAD,
    COL_PARTNERS,
    COL_START,
    COL_END,
    COL_WEIGHT,
    COL_DESCRIPTION,
    COL_PERCENT,
    COL_AS_OF,
    COL_ROLLUP,
    COL_STATUS,
]
ITEM_REQUIRED = [COL_CODE, COL_CONTENT, COL_LEAD]
ITEM_EXPORT_ONLY = {COL_ROLLUP, COL_STATUS}

COL_ITEM = "Mã nhiệm vụ"
COL_INDICATOR = "Chỉ tiêu"
COL_UNIT = "Đơn vị tính"
COL_TARGET = "Kế hoạch"
COL_ACTUAL = "Thực hiện"
INDICATOR_COLUMNS = [COL_ITEM, COL_INDICATOR, COL_UNIT, COL_TARGET, COL_ACTUAL]
INDICATOR_REQUIRED = [COL_ITEM, COL_INDICATOR]

ERROR_NOT_XLSX = "Tệp không phải bảng tính Excel (.xlsx) đọc được."
ERROR_NO_ITEMS_SHEET = "Không có trang tính “{sheet}”."
ERROR_UNKNOWN_COLUMN = "Cột không được hỗ trợ."
ERROR_MISSING_COLUMN = "Thiếu cột bắt buộc."
ERROR_REQUIRED = "Ô bắt buộc đang trống."
ERROR_DATE = "Ngày không hợp lệ (dùng dd/mm/yyyy hoặc yyyy-mm-dd)."
ERROR_NUMBER = "Không phải số."
ERROR_UNKNOWN_AGENCY = "Không có cơ quan mã này."
ERROR_UNKNOWN_PARENT = "Không có nhiệm vụ cha mã này trong tệp hoặc kế hoạch."
ERROR_UNKNOWN_ITEM = "Không có nhiệm vụ mã này trong tệp hoặc kế hoạch."
ERROR_PERCENT = "Tiến độ phải từ 0 đến 100."
ERROR_END_BEFORE_START = "Ngày hoàn thành trước ngày bắt đầu."
ERROR_DUPLICATE = "Mã trùng với dòng {row}."
ERROR_CYCLE = "Nhiệm vụ cha tạo thành vòng lặp."
ERROR_WEIGHT = "Trọng số không được âm."
ERROR_AS_OF_MISSING = "Có tiến độ thì phải có ngày tính tiến độ."
ERROR_AS_OF_FUTURE = "Ngày tính tiến độ sau hôm nay."
ERROR_TOO_LONG = "Nội dung dài quá {limit} ký tự."
ERROR_PERCENT_ON_PARENT = "Chỉ nhập tiến độ cho nhiệm vụ không có nhiệm vụ con."

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SPLIT = re.compile(r"[;,\n]+")


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        value = f" “{self.value}”" if self.value != "" else ""
        return f"{self.sheet}, dòng {self.row}, cột “{self.column}”{value}: {self.message}"


class ImportFailed(Exception):
    """The file was refused; ``errors`` lists every problem found. Nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    indicators_changed: int = 0
    reports_created: int = 0
    codes: list[str] = field(default_factory=list)


@dataclass
class _ItemRow:
    row: int
    code: str
    parent: str
    content: str
    lead: Agency
    partners: list[Agency]
    start: date | None
    end: date | None
    weight: Decimal
    description: str
    percent: Decimal | None
    as_of: date | None


# -- cell parsing ------------------------------------------------------------------------------
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def parse_date(value) -> date | None:
    """A date cell, or text dd/mm/yyyy or yyyy-mm-dd; ``None`` for empty; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    if match := _YMD.match(text):
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(text)


def parse_decimal(value) -> Decimal | None:
    """A number cell, or text with a comma or point as decimal separator; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


# -- export ------------------------------------------------------------------------------------
def _fmt_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def items_export(plan: Plan, *, as_of: date | None = None) -> bytes:
    """The plan's items and indicators as an XLSX workbook (re-importable)."""
    view = selectors.plan_tree(plan, as_of=as_of)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format(
        {"bold": True, "bg_color": "#E8ECF4", "border": 1, "text_wrap": True, "valign": "top"}
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    number = book.add_format({"num_format": "0.0", "valign": "top"})
    sheet = book.add_worksheet(ITEMS_SHEET)
    widths = [8, 10, 60, 16, 24, 12, 12, 9, 40, 11, 13, 12, 16]
    for col, (title, width) in enumerate(zip(ITEM_COLUMNS, widths, strict=True)):
        sheet.write(0, col, title, head)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    by_pk = {row.item.pk: row.item for row in view.rows}
    for r, row in enumerate(view.rows, start=1):
        item = row.item
        parent = by_pk.get(item.parent_id)
        values = [
            item.code,
            parent.code if parent else "",
            item.content,
            item.lead_agency.code,
            "; ".join(a.code for a in row.partners),
            _fmt_date(item.start_on),
            _fmt_date(item.end_on),
            float(item.weight),
            item.description,
            None,
            "",
        ]
        for col, value in enumerate(values):
            if value is None:
                continue
            sheet.write(r, col, value, wrap if col in (2, 8) else None)
        sheet.write_number(r, ITEM_COLUMNS.index(COL_ROLLUP), float(row.progress.progress), number)
        sheet.write(r, ITEM_COLUMNS.index(COL_STATUS), str(row.status_label))
    indicators = book.add_worksheet(INDICATORS_SHEET)
    for col, (title, width) in enumerate(zip(INDICATOR_COLUMNS, [12, 50, 14, 12, 12], strict=True)):
        indicators.write(0, col, title, head)
        indicators.set_column(col, col, width)
    r = 1
    for row in view.rows:
        for indicator in row.item.indicators.all():
            indicators.write(r, 0, row.item.code)
            indicators.write(r, 1, indicator.name, wrap)
            indicators.write(r, 2, indicator.unit)
            if indicator.target is not None:
                indicators.write_number(r, 3, float(indicator.target))
            if indicator.actual is not None:
                indicators.write_number(r, 4, float(indicator.actual))
            r += 1
    book.close()
    return buffer.getvalue()


# -- import ------------------------------------------------------------------------------------
def _header(sheet_name: str, header: tuple, known: list[str], required: list[str], errors: list[RowError]):
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = _text(raw)
        if not name:
            continue
        if name not in known:
            errors.append(RowError(sheet_name, 1, name, name, ERROR_UNKNOWN_COLUMN))
            continue
        columns[name] = index
    for name in required:
        if name not in columns:
            errors.append(RowError(sheet_name, 1, name, "", ERROR_MISSING_COLUMN))
    return columns


def _cell(values: tuple, columns: dict[str, int], name: str):
    index = columns.get(name)
    if index is None or index >= len(values):
        return None
    return values[index]


def _read_rows(sheet):
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        yield number, values


def _agency_codes(text: str) -> list[str]:
    return [code.strip() for code in _SPLIT.split(text) if code.strip()]


def _parse_items(sheet, agencies: dict[str, Agency], errors: list[RowError]) -> list[_ItemRow]:
    name = ITEMS_SHEET
    rows_iter = sheet.iter_rows(min_row=1, max_row=1, values_only=True)
    header = next(rows_iter, ())
    columns = _header(name, header, ITEM_COLUMNS, ITEM_REQUIRED, errors)
    if any(e.row == 1 for e in errors):
        return []
    parsed: list[_ItemRow] = []
    seen: dict[str, int] = {}
    today = timezone.localdate()
    for number, values in _read_rows(sheet):
        row_errors: list[RowError] = []

        def err(column, value, message, row_errors=row_errors, number=number):
            row_errors.append(RowError(name, number, column, _text(value), message))

        code = _text(_cell(values, columns, COL_CODE))
        content = _text(_cell(values, columns, COL_CONTENT))
        lead_code = _text(_cell(values, columns, COL_LEAD))
        for column, value in ((COL_CODE, code), (COL_CONTENT, content), (COL_LEAD, lead_code)):
            if not value:
                err(column, "", ERROR_REQUIRED)
        if len(code) > 30:
            err(COL_CODE, code, ERROR_TOO_LONG.format(limit=30))
        if len(content) > 500:
            err(COL_CONTENT, content[:40] + "…", ERROR_TOO_LONG.format(limit=500))
        if code and code in seen:
            err(COL_CODE, code, ERROR_DUPLICATE.format(row=seen[code]))
        lead = agencies.get(lead_code)
        if lead_code and lead is None:
            err(COL_LEAD, lead_code, ERROR_UNKNOWN_AGENCY)
        partners = []
        for partner_code in _agency_codes(_text(_cell(values, columns, COL_PARTNERS))):
            if partner_code not in agencies:
                err(COL_PARTNERS, partner_code, ERROR_UNKNOWN_AGENCY)
            else:
                partners.append(agencies[partner_code])
        dates = {}
        for column in (COL_START, COL_END, COL_AS_OF):
            raw = _cell(values, columns, column)
            try:
                dates[column] = parse_date(raw)
            except ValueError:
                err(column, raw, ERROR_DATE)
                dates[column] = None
        start, end, as_of = dates[COL_START], dates[COL_END], dates[COL_AS_OF]
        if start and end and end < start:
            err(COL_END, _fmt_date(end), ERROR_END_BEFORE_START)
        weight = Decimal(1)
        raw = _cell(values, columns, COL_WEIGHT)
        try:
            parsed_weight = parse_decimal(raw)
            if parsed_weight is not None:
                weight = parsed_weight
                if weight < 0:
                    err(COL_WEIGHT, raw, ERROR_WEIGHT)
        except ValueError:
            err(COL_WEIGHT, raw, ERROR_NUMBER)
        percent = None
        raw = _cell(values, columns, COL_PERCENT)
        try:
            percent = parse_decimal(raw)
            if percent is not None and not Decimal(0) <= percent <= Decimal(100):
                err(COL_PERCENT, raw, ERROR_PERCENT)
        except ValueError:
            err(COL_PERCENT, raw, ERROR_NUMBER)
        if percent is not None and as_of is None and COL_AS_OF not in {e.column for e in row_errors}:
            err(COL_AS_OF, "", ERROR_AS_OF_MISSING)
        if as_of is not None and as_of > today:
            err(COL_AS_OF, _fmt_date(as_of), ERROR_AS_OF_FUTURE)
        if code and code not in seen:
            seen[code] = number
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append(
            _ItemRow(
                row=number,
                code=code,
                parent=_text(_cell(values, columns, COL_PARENT)),
                content=content,
                lead=lead,
                partners=partners,
                start=start,
                end=end,
                weight=weight,
                description=_text(_cell(values, columns, COL_DESCRIPTION)),
                percent=percent,
                as_of=as_of,
            )
        )
    return parsed


def _check_parents(plan: Plan, rows: list[_ItemRow], errors: list[RowError]) -> None:
    existing = dict(PlanItem.objects.filter(plan=plan).values_list("code", "parent__code"))
    parent_of = {code: parent or "" for code, parent in existing.items()}
    parent_of.update({row.code: row.parent for row in rows})
    known = set(parent_of)
    parents = {parent for parent in parent_of.values() if parent}
    for row in rows:
        if row.percent is not None and row.code in parents:
            errors.append(
                RowError(ITEMS_SHEET, row.row, COL_PERCENT, str(row.percent), ERROR_PERCENT_ON_PARENT)
            )
        if row.parent and row.parent not in known:
            errors.append(RowError(ITEMS_SHEET, row.row, COL_PARENT, row.parent, ERROR_UNKNOWN_PARENT))
            continue
        seen = {row.code}
        node = row.parent
        while node:
            if node in seen:
                errors.append(RowError(ITEMS_SHEET, row.row, COL_PARENT, row.parent, ERROR_CYCLE))
                break
            seen.add(node)
            node = parent_of.get(node, "")


@dataclass
class _IndicatorRow:
    row: int
    item: str
    name: str
    unit: str
    target: Decimal | None
    actual: Decimal | None


def _parse_indicators(sheet, known_items: set[str], errors: list[RowError]) -> list[_IndicatorRow]:
    name = INDICATORS_SHEET
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    before = len(errors)
    columns = _header(name, header, INDICATOR_COLUMNS, INDICATOR_REQUIRED, errors)
    if len(errors) > before:
        return []
    parsed = []
    for number, values in _read_rows(sheet):
        row_errors = []
        item = _text(_cell(values, columns, COL_ITEM))
        label = _text(_cell(values, columns, COL_INDICATOR))
        if not item:
            row_errors.append(RowError(name, number, COL_ITEM, "", ERROR_REQUIRED))
        elif item not in known_items:
            row_errors.append(RowError(name, number, COL_ITEM, item, ERROR_UNKNOWN_ITEM))
        if not label:
            row_errors.append(RowError(name, number, COL_INDICATOR, "", ERROR_REQUIRED))
        numbers = {}
        for column in (COL_TARGET, COL_ACTUAL):
            raw = _cell(values, columns, column)
            try:
                numbers[column] = parse_decimal(raw)
            except ValueError:
                row_errors.append(RowError(name, number, column, _text(raw), ERROR_NUMBER))
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append(
            _IndicatorRow(
                number,
                item,
                label,
                _text(_cell(values, columns, COL_UNIT)),
                numbers[COL_TARGET],
                numbers[COL_ACTUAL],
            )
        )
    return parsed


def _parent_first(rows: list[_ItemRow]) -> Iterable[_ItemRow]:
    by_code = {row.code: row for row in rows}
    done: set[str] = set()

    def visit(row: _ItemRow):
        if row.code in done:
            return
        parent = by_code.get(row.parent)
        if parent is not None:
            yield from visit(parent)
        done.add(row.code)
        yield row

    for row in rows:
        yield from visit(row)


def items_import(*, plan: Plan, data: bytes, actor=None) -> ImportResult:
    """Create or update the plan's items (and indicators, and past progress) from an XLSX file.

    Raises :class:`ImportFailed` with every row error; in that case nothing is written.
    """
    from openpyxl import load_workbook

    services._require_manager(actor)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ImportFailed([RowError("", 0, "", "", ERROR_NOT_XLSX)]) from exc
    errors: list[RowError] = []
    if ITEMS_SHEET not in book.sheetnames:
        raise ImportFailed([RowError(ITEMS_SHEET, 0, "", "", ERROR_NO_ITEMS_SHEET.format(sheet=ITEMS_SHEET))])
    agencies = {a.code: a for a in Agency.objects.all()}
    rows = _parse_items(book[ITEMS_SHEET], agencies, errors)
    if rows:
        _check_parents(plan, rows, errors)
    indicator_rows: list[_IndicatorRow] = []
    if INDICATORS_SHEET in book.sheetnames:
        known = set(PlanItem.objects.filter(plan=plan).values_list("code", flat=True)) | {
            r.code for r in rows
        }
        indicator_rows = _parse_indicators(book[INDICATORS_SHEET], known, errors)
    book.close()
    if errors:
        raise ImportFailed(errors)
    return _write(plan, rows, indicator_rows, actor)


@transaction.atomic
def _write(plan: Plan, rows: list[_ItemRow], indicator_rows: list[_IndicatorRow], actor) -> ImportResult:
    result = ImportResult()
    items = {item.code: item for item in PlanItem.objects.filter(plan=plan).select_related("parent")}
    for row in _parent_first(rows):
        parent = items.get(row.parent) if row.parent else None
        item = items.get(row.code)
        if item is None:
            item = services.item_create(
                plan=plan,
                code=row.code,
                content=row.content,
                lead_agency=row.lead,
                partner_agencies=row.partners,
                parent=parent,
                start_on=row.start,
                end_on=row.end,
                weight=row.weight,
                description=row.description,
                actor=actor,
            )
            items[row.code] = item
            result.created += 1
        else:
            changed = services.item_update(
                item=item,
                actor=actor,
                reason="XLSX",
                content=row.content,
                lead_agency=row.lead,
                partner_agencies=row.partners,
                parent=parent,
                start_on=row.start,
                end_on=row.end,
                weight=row.weight,
                description=row.description,
            )
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
        result.codes.append(row.code)
        if row.percent is not None:
            _, created = services.report_record_approved(
                item=item,
                agency=row.lead,
                period_end=row.as_of,
                percent=row.percent,
                narrative="Nhập từ bảng tính.",
                actor=actor,
            )
            result.reports_created += int(created)
    for row in indicator_rows:
        _, changed = services.indicator_upsert(
            item=items[row.item],
            name=row.name,
            unit=row.unit,
            target=row.target,
            actual=row.actual,
            actor=actor,
        )
        result.indicators_changed += int(changed)
    return result
