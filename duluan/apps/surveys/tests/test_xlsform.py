"""XLSForm instruments: the shipped questionnaire is valid; errors name their sheet, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from duluan.apps.surveys.xlsform import InstrumentError, parse_xlsform

from .xlsforms import LIKERT, YESNO, xlsform

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "sipas_xa.xlsx"


def test_the_shipped_satisfaction_instrument_is_valid_xlsform():
    # given the generated SIPAS-style workbook
    instrument = parse_xlsform(SHIPPED.read_bytes())
    # then pyxform and our reader accept it, with the SIPAS parts as groups
    assert instrument.form_id == "sipas_xa"
    assert list(instrument.groups) == ["thong_tin", "nhan_thuc", "chinh_sach", "dich_vu", "chung"]
    types = {q.type for q in instrument.questions}
    assert types >= {"select_one", "select_multiple", "integer", "text", "date", "note", "calculate"}
    assert instrument.question("tc1").relevant == "${da_giao_dich} = 'co'"
    assert instrument.question("tc1").path == "dich_vu/tc1"
    assert [c.name for c in instrument.choices["hai_long5"]] == ["1", "2", "3", "4", "5", "9"]


def test_the_builder_script_reproduces_the_committed_workbook(tmp_path):
    # given the script that generates the workbook from reviewable Python data
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_instrument", SHIPPED.with_name("build_instrument.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # when it is run again
    rebuilt = module.build(tmp_path / "again.xlsx")
    # then it describes the same questionnaire as the committed file
    assert parse_xlsform(rebuilt.read_bytes()).to_dict() == parse_xlsform(SHIPPED.read_bytes()).to_dict()


def messages(content: bytes) -> list[str]:
    with pytest.raises(InstrumentError) as err:
        parse_xlsform(content)
    return [i.message for i in err.value.issues]


def test_an_unknown_question_type_is_located():
    found = messages(xlsform([["text", "a", "A"], ["geopoint", "where", "Ở đâu"]]))
    assert found[0].startswith("Trang tính “survey”, dòng 3, cột “type”: loại “geopoint” chưa được hỗ trợ")


def test_a_reference_to_a_missing_question_is_located():
    found = messages(xlsform([["text", "a", "A", "", "${b} = 'x'"]]))
    assert found == [
        "Trang tính “survey”, dòng 2, cột “relevant”: biểu thức nhắc tới ${b} nhưng không có câu hỏi tên “b”."
    ]


def test_an_unsupported_function_is_refused_at_import():
    found = messages(xlsform([["integer", "a", "A", "", "", "pulldata('x', 'y', 'z', .)"]]))
    assert "dòng 2, cột “constraint”" in found[0] and "pulldata() chưa được hỗ trợ" in found[0]


def test_a_missing_choice_list_and_duplicate_names_are_located():
    found = messages(
        xlsform(
            [["select_one l5", "a", "A"], ["select_one nope", "b", "B"], ["text", "a", "A lần nữa"]],
            LIKERT,
        )
    )
    assert "Trang tính “survey”, dòng 3, cột “type”: danh sách lựa chọn “nope”" in found[0]
    assert found[1] == "Trang tính “survey”, dòng 4, cột “name”: tên “a” đã dùng ở dòng 2."


def test_choice_sheet_problems_are_located():
    found = messages(
        xlsform([["select_one yn", "a", "A"]], [*YESNO, ["yn", "co", "Có lần nữa"], ["yn", "", "x"]])
    )
    assert found == [
        "Trang tính “choices”, dòng 4, cột “name”: lựa chọn “co” trùng trong danh sách “yn”.",
        "Trang tính “choices”, dòng 5, cột “name”: thiếu giá trị.",
    ]


def test_unclosed_groups_and_missing_sheets_are_reported():
    assert "nhóm “g” chưa được đóng" in messages(xlsform([["begin group", "g", "G"], ["text", "a", "A"]]))[0]
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "khac"
    out = io.BytesIO()
    wb.save(out)
    assert messages(out.getvalue()) == ["Thiếu trang tính “survey”."]
    assert messages(b"not a workbook")[0].startswith("Tệp không phải XLSForm")


def test_pyxform_errors_are_passed_on():
    # given a form our reader accepts but pyxform refuses: a label that refers to no question
    found = messages(xlsform([["text", "a", "Xin chào ${ten}"]]))
    # then pyxform's message is passed on, with the row it names
    assert len(found) == 1 and found[0].startswith("pyxform:") and "ten" in found[0]
