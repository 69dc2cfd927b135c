"""XLSX import and export: round trip, idempotence, and a clear message for every bad cell."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from duluan.apps.plans import spreadsheets as xs
from duluan.apps.plans.models import Indicator, PlanItem, ProgressReport

HEADER = [
    xs.COL_CODE,
    xs.COL_PARENT,
    xs.COL_CONTENT,
    xs.COL_LEAD,
    xs.COL_PARTNERS,
    xs.COL_START,
    xs.COL_END,
    xs.COL_WEIGHT,
]


def _book(rows, header=HEADER, indicators=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = xs.ITEMS_SHEET
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if indicators is not None:
        ind = book.create_sheet(xs.INDICATORS_SHEET)
        ind.append(xs.INDICATOR_COLUMNS)
        for row in indicators:
            ind.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    [
        "A",
        None,
        "Tuyên truyền chính quyền hai cấp",
        "bn-btg-dv",
        "bn-vp-ubnd; bn-so-noi-vu",
        "01/03/2026",
        "2026-12-31",
        2,
    ],
    ["A.1", "A", "Họp báo định kỳ", "bn-vp-ubnd", "bn-btg-dv", datetime(2026, 3, 1), "31/12/2026", 1],
    # a child listed before its parent is fine
    ["B.1", "B", "Khảo sát", "bn-btg-dv", None, None, None, None],
    ["B", None, "Nắm bắt dư luận", "bn-btg-dv", None, None, None, 1],
]


def _result_of(small_plan, data, actor):
    return xs.items_import(plan=small_plan["plan"], data=data, actor=actor)


def test_import_creates_tree_and_reimport_creates_nothing(demo, small_plan):
    # given a valid file
    data = _book(GOOD, indicators=[["A.1", "Số cuộc họp báo", "cuộc", 4, "2"]])
    coordinator = demo["dieuphoi"]
    # when imported twice
    first = _result_of(small_plan, data, coordinator)
    second = _result_of(small_plan, data, coordinator)
    # then the first creates, the second changes nothing
    assert (first.created, first.updated, first.indicators_changed) == (4, 0, 1)
    assert (second.created, second.updated, second.unchanged, second.indicators_changed) == (0, 0, 4, 0)
    item = PlanItem.objects.get(plan=small_plan["plan"], code="A.1")
    assert item.parent.code == "A"
    assert (item.start_on, item.end_on) == (date(2026, 3, 1), date(2026, 12, 31))
    assert sorted(
        PlanItem.objects.get(plan=small_plan["plan"], code="A").partner_agencies.values_list(
            "code", flat=True
        )
    ) == [
        "bn-so-noi-vu",
        "bn-vp-ubnd",
    ]
    assert PlanItem.objects.get(plan=small_plan["plan"], code="B.1").parent.code == "B"
    assert Indicator.objects.get(item=item).target == 4


def test_export_reimports_unchanged(demo, small_plan):
    # given a plan exported to XLSX
    data = xs.items_export(small_plan["plan"], as_of=date(2026, 6, 1))
    sheet = load_workbook(io.BytesIO(data))[xs.ITEMS_SHEET]
    assert [c.value for c in sheet[1]] == xs.ITEM_COLUMNS
    assert [sheet.cell(r, 1).value for r in range(2, 6)] == ["1", "1.1", "1.2", "2"]
    # when re-imported
    result = _result_of(small_plan, data, demo["dieuphoi"])
    # then nothing changes
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)


def test_import_updates_changed_rows_with_audit(demo, small_plan):
    from duluan.apps.audit.models import AuditEvent

    data = _book(
        [
            [
                "1.1",
                "1",
                "Xử lý phản ánh ô nhiễm làng nghề",
                "bn-so-nn-mt",
                "bn-btg-dv",
                "01/01/2026",
                "30/11/2026",
                1,
            ]
        ]
    )
    result = _result_of(small_plan, data, demo["dieuphoi"])
    assert result.updated == 1
    event = AuditEvent.objects.filter(action="plan_item.update", object_id=str(small_plan["a"].pk)).get()
    assert event.after == {"content": "Xử lý phản ánh ô nhiễm làng nghề", "end_on": "2026-11-30"}
    assert event.reason == "XLSX"


def test_progress_columns_record_approved_reports_once(demo, small_plan):
    header = [xs.COL_CODE, xs.COL_CONTENT, xs.COL_LEAD, xs.COL_PERCENT, xs.COL_AS_OF]
    data = _book([["1.2", "Tuyên truyền Luật Đất đai", "bn-so-nn-mt", 40, "30/06/2026"]], header=header)
    assert _result_of(small_plan, data, demo["dieuphoi"]).reports_created == 1
    assert _result_of(small_plan, data, demo["dieuphoi"]).reports_created == 0
    assert ProgressReport.objects.get(item=small_plan["b"]).percent == 40


BAD_CASES = [
    # (header, row, (sheet, row, column, value, message))
    (
        [*HEADER, "Ghi chú"],
        ["X", None, "x", "bn-ubnd", None, None, None, 1, "?"],
        (xs.ITEMS_SHEET, 1, "Ghi chú", "Ghi chú", xs.ERROR_UNKNOWN_COLUMN),
    ),
    (
        HEADER,
        ["X", None, "x", "bn-ubnd", None, None, None, "nặng"],
        (xs.ITEMS_SHEET, 2, xs.COL_WEIGHT, "nặng", xs.ERROR_NUMBER),
    ),
    (
        HEADER,
        ["X", None, "x", "bn-ubnd", None, "31/02/2026", None, 1],
        (xs.ITEMS_SHEET, 2, xs.COL_START, "31/02/2026", xs.ERROR_DATE),
    ),
    (
        HEADER,
        ["X", None, "x", "bn-ubnd", None, "tháng 3", None, 1],
        (xs.ITEMS_SHEET, 2, xs.COL_START, "tháng 3", xs.ERROR_DATE),
    ),
    (
        HEADER,
        ["X", None, "x", "so-khong-co", None, None, None, 1],
        (xs.ITEMS_SHEET, 2, xs.COL_LEAD, "so-khong-co", xs.ERROR_UNKNOWN_AGENCY),
    ),
    (
        HEADER,
        ["X", None, "x", "bn-ubnd", "bn-btg-dv; zzz", None, None, 1],
        (xs.ITEMS_SHEET, 2, xs.COL_PARTNERS, "zzz", xs.ERROR_UNKNOWN_AGENCY),
    ),
    (
        HEADER,
        ["X", "9.9", "x", "bn-ubnd", None, None, None, 1],
        (xs.ITEMS_SHEET, 2, xs.COL_PARENT, "9.9", xs.ERROR_UNKNOWN_PARENT),
    ),
    (
        HEADER,
        ["X", None, "x", "bn-ubnd", None, "01/05/2026", "01/04/2026", 1],
        (xs.ITEMS_SHEET, 2, xs.COL_END, "01/04/2026", xs.ERROR_END_BEFORE_START),
    ),
    (
        HEADER,
        ["X", None, "", "bn-ubnd", None, None, None, 1],
        (xs.ITEMS_SHEET, 2, xs.COL_CONTENT, "", xs.ERROR_REQUIRED),
    ),
    (
        [xs.COL_CODE, xs.COL_CONTENT, xs.COL_LEAD, xs.COL_PERCENT, xs.COL_AS_OF],
        ["1.1", "x", "bn-so-nn-mt", 120, "01/05/2026"],
        (xs.ITEMS_SHEET, 2, xs.COL_PERCENT, "120", xs.ERROR_PERCENT),
    ),
    (
        [xs.COL_CODE, xs.COL_CONTENT, xs.COL_LEAD, xs.COL_PERCENT, xs.COL_AS_OF],
        ["1.1", "x", "bn-so-nn-mt", -5, "01/05/2026"],
        (xs.ITEMS_SHEET, 2, xs.COL_PERCENT, "-5", xs.ERROR_PERCENT),
    ),
    (
        [xs.COL_CODE, xs.COL_CONTENT],
        ["X", "x"],
        (xs.ITEMS_SHEET, 1, xs.COL_LEAD, "", xs.ERROR_MISSING_COLUMN),
    ),
]


@pytest.mark.parametrize(("header", "row", "expected"), BAD_CASES)
def test_bad_input_names_sheet_row_column_value_and_imports_nothing(demo, small_plan, header, row, expected):
    # given a file with one good row and one bad row
    good = dict(zip(header, [None] * len(header), strict=True))
    good.update({xs.COL_CODE: "OK", xs.COL_CONTENT: "Nhiệm vụ tốt", xs.COL_LEAD: "bn-ubnd"})
    rows = [row, [good.get(h) for h in header]] if expected[1] != 1 else [row]
    before = PlanItem.objects.count()
    # when
    with pytest.raises(xs.ImportFailed) as failed:
        _result_of(small_plan, _book(rows, header=header), demo["dieuphoi"])
    # then the error names the cell, and nothing was written
    found = [(e.sheet, e.row, e.column, e.value, e.message) for e in failed.value.errors]
    assert expected in found
    assert PlanItem.objects.count() == before
    assert str(failed.value.errors[0]).startswith(f"{expected[0]}, dòng {expected[1]}, cột “")


def test_one_bad_row_among_many_writes_nothing(demo, small_plan):
    rows = [*GOOD, ["C", None, "x", "bn-ubnd", None, "01/05/2026", "01/04/2026", 1]]
    with pytest.raises(xs.ImportFailed) as failed:
        _result_of(small_plan, _book(rows), demo["dieuphoi"])
    assert [(e.row, e.column) for e in failed.value.errors] == [(6, xs.COL_END)]
    assert not PlanItem.objects.filter(plan=small_plan["plan"], code__in=["A", "A.1", "B", "B.1"]).exists()


def test_cycles_duplicates_and_bad_indicator_rows(demo, small_plan):
    rows = [
        ["P", "Q", "x", "bn-ubnd", None, None, None, 1],
        ["Q", "P", "x", "bn-ubnd", None, None, None, 1],
        ["R", None, "x", "bn-ubnd", None, None, None, 1],
        ["R", None, "y", "bn-ubnd", None, None, None, 1],
    ]
    data = _book(rows, indicators=[["ZZ", "Chỉ tiêu", "%", 1, 2], ["R", "Chỉ tiêu", "%", "nhiều", None]])
    with pytest.raises(xs.ImportFailed) as failed:
        _result_of(small_plan, data, demo["dieuphoi"])
    found = {(e.sheet, e.row, e.column, e.message) for e in failed.value.errors}
    assert (xs.ITEMS_SHEET, 5, xs.COL_CODE, xs.ERROR_DUPLICATE.format(row=4)) in found
    assert (xs.INDICATORS_SHEET, 2, xs.COL_ITEM, xs.ERROR_UNKNOWN_ITEM) in found
    assert (xs.INDICATORS_SHEET, 3, xs.COL_TARGET, xs.ERROR_NUMBER) in found


def test_cycle_in_parents(demo, small_plan):
    rows = [["P", "Q", "x", "bn-ubnd", None, None, None, 1], ["Q", "P", "x", "bn-ubnd", None, None, None, 1]]
    with pytest.raises(xs.ImportFailed) as failed:
        _result_of(small_plan, _book(rows), demo["dieuphoi"])
    assert {e.message for e in failed.value.errors} == {xs.ERROR_CYCLE}


def test_not_an_xlsx_file(demo, small_plan):
    with pytest.raises(xs.ImportFailed) as failed:
        _result_of(small_plan, b"not a spreadsheet", demo["dieuphoi"])
    assert failed.value.errors[0].message == xs.ERROR_NOT_XLSX


def test_only_coordinators_import(demo, small_plan):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _result_of(small_plan, _book(GOOD), demo["canbo.nnmt"])


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("05/03/2026", date(2026, 3, 5)),
        ("2026-03-05", date(2026, 3, 5)),
        (datetime(2026, 3, 5, 0, 0), date(2026, 3, 5)),
        (None, None),
    ],
)
def test_parse_date(raw, parsed):
    assert xs.parse_date(raw) == parsed


@pytest.mark.parametrize("raw", ["03/05/26", "5.3.2026", "2026/03/05", "32/01/2026"])
def test_parse_date_refuses(raw):
    with pytest.raises(ValueError):
        xs.parse_date(raw)
