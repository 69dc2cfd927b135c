"""The state-format DOCX builder: open the rendered bytes with python-docx and check the structure."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from duluan.apps.reports.state_document import (
    ERROR_TABLE_ROW,
    ERROR_TABLE_WIDTHS,
    FONT,
    MOTTO,
    NATION,
    Signer,
    StateDocument,
    state_date_line,
    state_number,
)


def _png(width: int = 4, height: int = 3) -> bytes:
    """A small grey PNG, written by hand so the test needs no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def _report(**overrides) -> StateDocument:
    fields = dict(
        agency_parent="UBND tỉnh Bắc Ninh",
        agency="Văn phòng",
        number="12/BC-UBND",
        place="Bắc Ninh",
        date=date(2026, 12, 5),
        kind="Báo cáo",
        title="Kết quả thực hiện Kế hoạch phối hợp năm 2026",
        signer=Signer(
            authority="TM. ỦY BAN NHÂN DÂN", position="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", name="Nguyễn Văn An"
        ),
        recipients=["Thường trực Tỉnh ủy (b/c)", "Các sở, ban, ngành;", "Lưu: VT, KGVX"],
    )
    fields.update(overrides)
    return StateDocument(**fields)


def _open(data: bytes):
    return Document(io.BytesIO(data))


def _all_paragraphs(doc):
    """Paragraphs of the body and of every table cell, in order."""
    yield from doc.element.body.iter(qn("w:p"))


def _texts(doc) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in _all_paragraphs(doc)]


def _run_with(doc, text: str):
    for paragraph in doc.paragraphs:
        for run in paragraph.runs:
            if run.text == text:
                return paragraph, run
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        if run.text == text:
                            return paragraph, run
    raise AssertionError(f"no run {text!r}")


def test_date_line_pads_days_below_ten_and_months_one_and_two():
    assert state_date_line("Bắc Ninh", date(2026, 12, 5)) == "Bắc Ninh, ngày 05 tháng 12 năm 2026"
    assert state_date_line("Bắc Ninh", date(2026, 1, 15)) == "Bắc Ninh, ngày 15 tháng 01 năm 2026"
    assert state_date_line("Bắc Ninh", date(2026, 2, 9)) == "Bắc Ninh, ngày 09 tháng 02 năm 2026"
    assert state_date_line("Bắc Giang", date(2024, 3, 30)) == "Bắc Giang, ngày 30 tháng 3 năm 2024"


def test_number_gets_a_leading_zero_below_ten():
    assert state_number("5/BC-UBND") == "Số: 05/BC-UBND"
    assert state_number("12/BC-UBND") == "Số: 12/BC-UBND"
    assert state_number("45-KH/UBND") == "Số: 45-KH/UBND"
    assert state_number("/BC-UBND") == "Số:" + "\u00a0" * 8 + "/BC-UBND"


def test_page_is_a4_with_the_decree_margins():
    # given / when
    doc = _open(_report().render())
    # then
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25
    assert 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20


def test_masthead_has_agency_national_title_number_and_date():
    # given / when
    doc = _open(_report().render())
    texts = _texts(doc)
    # then the agency block (upper-case) and the national title are in the header table
    masthead = doc.tables[0]
    left, right = masthead.rows[0].cells
    left_text = [p.text for p in left.paragraphs if p.text]
    right_text = [p.text for p in right.paragraphs if p.text]
    assert left_text == ["UBND TỈNH BẮC NINH", "VĂN PHÒNG", "Số: 12/BC-UBND"]
    assert right_text == [NATION, MOTTO, "Bắc Ninh, ngày 05 tháng 12 năm 2026"]
    # and the fonts follow the decree
    _, parent = _run_with(doc, "UBND TỈNH BẮC NINH")
    assert not parent.font.bold and parent.font.size == Pt(13)
    _, agency = _run_with(doc, "VĂN PHÒNG")
    assert agency.font.bold and agency.font.size == Pt(13)
    _, nation = _run_with(doc, NATION)
    assert nation.font.bold and Pt(12) <= nation.font.size <= Pt(13)
    _, motto = _run_with(doc, MOTTO)
    assert motto.font.bold and Pt(13) <= motto.font.size <= Pt(14)
    _, dated = _run_with(doc, "Bắc Ninh, ngày 05 tháng 12 năm 2026")
    assert dated.font.italic
    # and the kind and the summary are centred and bold below it
    kind_at = texts.index("BÁO CÁO")
    assert texts[kind_at + 1] == "Kết quả thực hiện Kế hoạch phối hợp năm 2026"
    kind_paragraph, kind = _run_with(doc, "BÁO CÁO")
    assert kind.font.bold and kind_paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_rules_under_agency_motto_and_title():
    # given / when
    doc = _open(_report().render())
    # then three short horizontal rules are drawn as paragraph bottom borders
    borders = doc.element.body.findall(".//" + qn("w:pBdr"))
    assert len(borders) == 3


def test_every_run_is_times_new_roman():
    # given
    report = _report()
    report.heading("I. KẾT QUẢ", level=1).paragraph("Nội dung.").table(["A", "B"], [["1", "x"]])
    # when
    doc = _open(report.render())
    # then
    assert doc.styles["Normal"].font.name == FONT
    names = {run.font.name for paragraph in doc.paragraphs for run in paragraph.runs if run.text}
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                names |= {run.font.name for p in cell.paragraphs for run in p.runs if run.text}
    assert names == {FONT}


def test_body_paragraph_is_justified_indented_and_spaced():
    # given
    report = _report().paragraph("Các cơ quan đã phối hợp chặt chẽ.")
    # when
    doc = _open(report.render())
    paragraph, run = _run_with(doc, "Các cơ quan đã phối hợp chặt chẽ.")
    # then
    fmt = paragraph.paragraph_format
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert Mm(10) <= fmt.first_line_indent <= Mm(12.7) + 1
    assert fmt.space_after >= Pt(6)
    assert 1.0 <= fmt.line_spacing <= 1.5
    assert Pt(13) <= run.font.size <= Pt(14)


def test_heading_levels():
    # given
    report = _report().heading("I. KẾT QUẢ", level=1).heading("1.1. Chi tiết", level=3)
    # when
    doc = _open(report.render())
    # then
    _, first = _run_with(doc, "I. KẾT QUẢ")
    _, third = _run_with(doc, "1.1. Chi tiết")
    assert first.font.bold and not first.font.italic
    assert third.font.bold and third.font.italic
    with pytest.raises(ValueError):
        _report().heading("x", level=4)


def test_table_contents_header_and_widths():
    # given
    report = _report().table(
        ["STT", "Nhiệm vụ", "Tiến độ (%)"],
        [[1, "Tuyên truyền nhiệm vụ kinh tế - xã hội", "80"], [2, "Cải cách hành chính", "45,5"]],
        widths=[12, 120, 33],
    )
    # when
    doc = _open(report.render())
    table = doc.tables[1]
    # then
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["STT", "Nhiệm vụ", "Tiến độ (%)"],
        ["1", "Tuyên truyền nhiệm vụ kinh tế - xã hội", "80"],
        ["2", "Cải cách hành chính", "45,5"],
    ]
    assert all(run.font.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert round(table.columns[1].width.mm) == 120
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_table_rejects_ragged_rows_and_wrong_widths():
    with pytest.raises(ValueError, match=ERROR_TABLE_ROW):
        _report().table(["A", "B"], [["1"]])
    with pytest.raises(ValueError, match=ERROR_TABLE_WIDTHS):
        _report().table(["A", "B"], [["1", "2"]], widths=[10])


def test_image_is_embedded_at_width():
    # given
    report = _report().image(_png(), 120, caption="Hình 1. Tiến độ")
    # when
    doc = _open(report.render())
    # then
    shapes = doc.inline_shapes
    assert len(shapes) == 1
    assert round(shapes[0].width.mm) == 120
    _, caption = _run_with(doc, "Hình 1. Tiến độ")
    assert caption.font.italic


def test_recipients_and_signature_block_close_the_document():
    # given / when
    doc = _open(_report().render())
    closing = doc.tables[-1]
    left, right = closing.rows[0].cells
    # then
    assert [p.text for p in left.paragraphs] == [
        "Nơi nhận:",
        "- Thường trực Tỉnh ủy (b/c);",
        "- Các sở, ban, ngành;",
        "- Lưu: VT, KGVX.",
    ]
    _, label = _run_with(doc, "Nơi nhận:")
    assert label.font.bold and label.font.italic and label.font.size == Pt(12)
    _, recipient = _run_with(doc, "- Lưu: VT, KGVX.")
    assert recipient.font.size == Pt(11)
    signed = [p.text for p in right.paragraphs if p.text]
    assert signed == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]
    _, name = _run_with(doc, "Nguyễn Văn An")
    assert name.font.bold


def test_page_numbers_in_the_header_from_page_two():
    # given / when
    doc = _open(_report().render())
    section = doc.sections[0]
    # then the first page has its own empty header, the others a centred PAGE field
    assert section.different_first_page_header_footer
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    instructions = [node.text for node in header._p.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]


def test_letter_without_kind_prints_summary_under_the_number():
    # given / when
    doc = _open(_report(kind="", title="đề nghị báo cáo tiến độ", agency_parent="").render())
    left = doc.tables[0].rows[0].cells[0]
    # then
    assert [p.text for p in left.paragraphs if p.text] == [
        "VĂN PHÒNG",
        "Số: 12/BC-UBND",
        "V/v đề nghị báo cáo tiến độ",
    ]
    assert "BÁO CÁO" not in _texts(doc)


def test_render_twice_adds_the_closing_once():
    # given
    report = _report()
    # when
    first = _open(report.render())
    second = _open(report.render())
    # then
    assert len(first.tables) == len(second.tables) == 2
