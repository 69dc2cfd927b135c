"""Administrative documents in the state format of Decree 30/2020/NĐ-CP (Phụ lục I), as DOCX.

Every report of the platform (plan progress, case performance, weekly public-opinion brief,
survey and campaign reports) is built here, so they all look like documents an office would sign.

Example::

    doc = StateDocument(
        agency_parent="UBND TỈNH BẮC NINH",
        agency="VĂN PHÒNG",
        number="12/BC-UBND",
        place="Bắc Ninh",
        date=date(2026, 12, 5),
        kind="BÁO CÁO",
        title="Kết quả thực hiện Kế hoạch phối hợp năm 2026",
        signer=Signer(
            authority="TM. ỦY BAN NHÂN DÂN", position="KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH", name="Nguyễn Văn A"
        ),
        recipients=["Thường trực Tỉnh ủy (b/c)", "Các sở, ban, ngành", "Lưu: VT, KGVX"],
    )
    doc.heading("I. KẾT QUẢ THỰC HIỆN", level=1)
    doc.paragraph("Trong năm, các cơ quan đã …")
    doc.table(["STT", "Nhiệm vụ", "Tiến độ"], [["1", "Tuyên truyền", "80 %"]], widths=[12, 120, 30])
    data = doc.render()

Layout (Phụ lục I of the decree): A4 portrait; margins top and bottom 20–25 mm, left 30–35 mm,
right 15–20 mm; Times New Roman (Unicode) in black. At the top, a borderless two-column table:
the issuing agency on the left (its parent upper-case regular, the agency upper-case bold with a
short rule under it, then "Số: …") and the national title on the right ("CỘNG HÒA XÃ HỘI CHỦ
NGHĨA VIỆT NAM" upper-case bold 12–13 pt; "Độc lập - Tự do - Hạnh phúc" bold 13–14 pt with a
rule as long as the line; then place and date in italics). Below: the document kind (upper-case
bold) and its summary (bold) centred, with a short rule. Body 13–14 pt, justified, first-line
indent 1–1.27 cm, at least 6 pt between paragraphs, line spacing between single and 1.5. At the
end, "Nơi nhận:" (bold italic 12 pt) and the recipients (11 pt) on the left, the signature block
on the right. Page numbers centred in the header, from the second page on.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

__all__ = [
    "FONT",
    "MARGINS_MM",
    "MOTTO",
    "NATION",
    "Signer",
    "StateDocument",
    "state_date_line",
    "state_number",
]

FONT = "Times New Roman"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_LABEL = "Nơi nhận:"
# Inside the decree's ranges: top/bottom 20–25, left 30–35, right 15–20 mm.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
PAGE_MM = (210, 297)
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
HEADER_COLUMNS_MM = (62, TEXT_WIDTH_MM - 62)
BODY_PT = 14
TABLE_PT = 12
FIRST_LINE_INDENT_MM = 12.7  # 1.27 cm
PARAGRAPH_SPACING_PT = 6
LINE_SPACING = 1.15  # a multiple of single spacing, within single … 1.5

ERROR_HEADING_LEVEL = "Cấp tiêu đề phải là 1, 2 hoặc 3."
ERROR_TABLE_WIDTHS = "Số độ rộng cột phải bằng số cột của bảng."
ERROR_TABLE_ROW = "Mỗi dòng của bảng phải có đúng số cột như dòng tiêu đề."


@dataclass(frozen=True)
class Signer:
    """The signature block: authority ("TM. ỦY BAN NHÂN DÂN"), position (lines split by "\\n"), name."""

    authority: str = ""
    position: str = ""
    name: str = ""


def state_date_line(place: str, day: Date) -> str:
    """ "Bắc Ninh, ngày 05 tháng 01 năm 2026": days below 10 and months 1–2 get a leading zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def state_number(number: str) -> str:
    """ "5/BC-UBND" → "Số: 05/BC-UBND": the decree writes numbers below 10 with a leading zero.

    A draft not yet registered passes only the symbol ("/BC-UBND"); the number is left blank for
    the clerk: "Số:      /BC-UBND".
    """
    number = number.strip()
    if number.startswith("/"):
        return "Số:" + "\u00a0" * 8 + number
    digits = len(number) - len(number.lstrip("0123456789"))
    if digits == 1:
        number = "0" + number
    return f"Số: {number}"


def _set_run_font(run, *, size: float | None = None, bold=None, italic=None) -> None:
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if italic is not None:
        run.font.italic = italic


def _paragraph_format(
    paragraph, *, align=WD_ALIGN_PARAGRAPH.CENTER, before=0, after=0, line=1.0, indent_mm=0
):
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line
    fmt.first_line_indent = Mm(indent_mm) if indent_mm else None


def _add_line(
    container, text: str, *, size: float, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER
):
    paragraph = container.add_paragraph()
    _paragraph_format(paragraph, align=align)
    run = paragraph.add_run(text)
    _set_run_font(run, size=size, bold=bold, italic=italic)
    return paragraph


def _text_width_mm(text: str, size: float, *, bold: bool) -> float:
    """Rough printed width of ``text`` in Times New Roman (average glyph ≈ 0.5 em, capitals ≈ 0.7 em)."""
    em_mm = size * 0.3528
    width = 0.0
    for char in text:
        if char == " ":
            width += 0.25
        elif char.isupper():
            width += 0.72
        else:
            width += 0.48
    return width * em_mm * (1.05 if bold else 1.0)


def _add_rule(container, *, column_mm: float, length_mm: float) -> None:
    """A centred horizontal rule of ``length_mm`` (a bottom border on an empty, tiny paragraph)."""
    paragraph = container.add_paragraph()
    side = max((column_mm - length_mm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(4)
    fmt.line_spacing = Pt(2)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")  # eighths of a point: a 0.75 pt line
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    ppr.append(borders)
    run = paragraph.add_run("")
    _set_run_font(run, size=2)


def _borderless(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _set_widths(table, widths_mm: Sequence[float]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)


def _clear_cell(cell):
    """A new cell holds one empty paragraph; reuse it as the first line."""
    return cell.paragraphs[0]


def _add_page_number(paragraph) -> None:
    run = paragraph.add_run()
    _set_run_font(run, size=BODY_PT)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = "2"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(separate)
    run._r.append(text)
    run._r.append(end)


class StateDocument:
    """One administrative document; add content in reading order, then :meth:`render`.

    Args:
        agency: the issuing agency ("VĂN PHÒNG"); printed upper-case, bold.
        number: number and symbol ("12/BC-UBND"); printed "Số: 12/BC-UBND".
        place: the place name of the date line ("Bắc Ninh").
        date: the issuing date.
        kind: the document kind ("BÁO CÁO", "KẾ HOẠCH"); empty for an official letter (công văn),
            whose summary is then printed "V/v …" under the number.
        title: the summary (trích yếu).
        agency_parent: the agency directly above ("UBND TỈNH BẮC NINH"), printed upper-case, regular.
        signer: the signature block; ``None`` leaves the right-hand side empty.
        recipients: the "Nơi nhận" lines, the last usually "Lưu: VT, …".
        addressees: "Kính gửi" lines for letters and submissions (tờ trình); optional.
        body_pt: body size, 13 or 14.
    """

    def __init__(
        self,
        *,
        agency: str,
        number: str,
        place: str,
        date: Date,
        kind: str,
        title: str,
        agency_parent: str = "",
        signer: Signer | None = None,
        recipients: Sequence[str] = (),
        addressees: Sequence[str] = (),
        body_pt: int = BODY_PT,
    ) -> None:
        self.agency = agency
        self.number = number
        self.place = place
        self.date = date
        self.kind = kind
        self.title = title
        self.agency_parent = agency_parent
        self.signer = signer
        self.recipients = list(recipients)
        self.addressees = list(addressees)
        self.body_pt = body_pt
        self._doc = Document()
        self._setup_page()
        self._setup_styles()
        self._add_masthead()

    # -- page -----------------------------------------------------------------------------
    def _setup_page(self) -> None:
        section = self._doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(PAGE_MM[0])
        section.page_height = Mm(PAGE_MM[1])
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)
        # Page numbers from page 2: the first page gets its own, empty header.
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        _paragraph_format(header, align=WD_ALIGN_PARAGRAPH.CENTER)
        _add_page_number(header)

    def _setup_styles(self) -> None:
        normal = self._doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(self.body_pt)
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "vi-VN")
        rpr.append(lang)
        normal.paragraph_format.space_after = Pt(0)
        props = self._doc.core_properties
        props.title = f"{self.kind} {self.title}".strip()
        props.author = self.agency
        props.language = "vi-VN"

    # -- masthead -------------------------------------------------------------------------
    def _add_masthead(self) -> None:
        left_mm, right_mm = HEADER_COLUMNS_MM
        table = self._doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _borderless(table)
        _set_widths(table, [left_mm, right_mm])
        left, right = table.rows[0].cells

        first = _clear_cell(left)
        _paragraph_format(first)
        if self.agency_parent:
            _set_run_font(first.add_run(self.agency_parent.upper()), size=13)
            _add_line(left, self.agency.upper(), size=13, bold=True)
        else:
            _set_run_font(first.add_run(self.agency.upper()), size=13, bold=True)
        agency_width = _text_width_mm(self.agency.upper(), 13, bold=True)
        _add_rule(left, column_mm=left_mm, length_mm=min(max(agency_width / 2, 20), left_mm * 0.6))
        _add_line(left, state_number(self.number), size=13)
        if not self.kind:
            _add_line(left, f"V/v {self.title}", size=12)

        nation = _clear_cell(right)
        _paragraph_format(nation)
        _set_run_font(nation.add_run(NATION), size=12, bold=True)
        _add_line(right, MOTTO, size=13, bold=True)
        _add_rule(right, column_mm=right_mm, length_mm=_text_width_mm(MOTTO, 13, bold=True))
        date_line = _add_line(right, state_date_line(self.place, self.date), size=14, italic=True)
        date_line.paragraph_format.space_before = Pt(6)

        if self.kind:
            kind = self._doc.add_paragraph()
            _paragraph_format(kind, before=18)
            _set_run_font(kind.add_run(self.kind.upper()), size=14, bold=True)
            title = self._doc.add_paragraph()
            _paragraph_format(title)
            _set_run_font(title.add_run(self.title), size=14, bold=True)
            _add_rule(self._doc, column_mm=TEXT_WIDTH_MM, length_mm=min(TEXT_WIDTH_MM / 3, 60))
        if self.addressees:
            self._add_addressees()

    def _add_addressees(self) -> None:
        paragraph = self._doc.add_paragraph()
        _paragraph_format(paragraph, before=6, after=6)
        _set_run_font(paragraph.add_run("Kính gửi: "), size=self.body_pt)
        if len(self.addressees) == 1:
            _set_run_font(paragraph.add_run(self.addressees[0] + "."), size=self.body_pt)
            return
        for index, name in enumerate(self.addressees):
            if index:
                paragraph.add_run().add_break()
                _set_run_font(paragraph.add_run("\u00a0" * 20), size=self.body_pt)
            end = "." if index == len(self.addressees) - 1 else ";"
            _set_run_font(paragraph.add_run(f"- {name}{end}"), size=self.body_pt)

    # -- body -----------------------------------------------------------------------------
    def heading(self, text: str, level: int = 1) -> StateDocument:
        """A section heading: level 1 bold, level 2 bold, level 3 bold italic; justified, indented."""
        if level not in (1, 2, 3):
            raise ValueError(ERROR_HEADING_LEVEL)
        paragraph = self._doc.add_paragraph()
        _paragraph_format(
            paragraph,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            before=PARAGRAPH_SPACING_PT,
            after=PARAGRAPH_SPACING_PT,
            line=LINE_SPACING,
            indent_mm=FIRST_LINE_INDENT_MM,
        )
        paragraph.paragraph_format.keep_with_next = True
        _set_run_font(paragraph.add_run(text), size=self.body_pt, bold=True, italic=level == 3)
        return self

    def paragraph(self, text: str, *, bold: bool = False, italic: bool = False) -> StateDocument:
        """A body paragraph: justified, first line indented 1.27 cm, 6 pt after."""
        paragraph = self._doc.add_paragraph()
        _paragraph_format(
            paragraph,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            after=PARAGRAPH_SPACING_PT,
            line=LINE_SPACING,
            indent_mm=FIRST_LINE_INDENT_MM,
        )
        _set_run_font(paragraph.add_run(text), size=self.body_pt, bold=bold, italic=italic)
        return self

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        widths: Sequence[float] | None = None,
        *,
        caption: str = "",
    ) -> StateDocument:
        """A ruled table: bold centred header, 12 pt cells; ``widths`` in millimetres."""
        columns = len(header)
        if widths is not None and len(widths) != columns:
            raise ValueError(ERROR_TABLE_WIDTHS)
        if any(len(row) != columns for row in rows):
            raise ValueError(ERROR_TABLE_ROW)
        if caption:
            para = self._doc.add_paragraph()
            _paragraph_format(para, before=PARAGRAPH_SPACING_PT, after=3)
            _set_run_font(para.add_run(caption), size=self.body_pt, bold=True)
        table = self._doc.add_table(rows=1 + len(rows), cols=columns)
        table.style = self._doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        if widths is None:
            widths = [TEXT_WIDTH_MM / columns] * columns
        _set_widths(table, widths)
        self._mark_header_row(table.rows[0])
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            paragraph = cell.paragraphs[0]
            _paragraph_format(paragraph, before=2, after=2)
            _set_run_font(paragraph.add_run(str(text)), size=TABLE_PT, bold=True)
        for row in table.rows:
            # A row is never split across pages; long tables break between rows.
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for row, values in zip(table.rows[1:], rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                paragraph = cell.paragraphs[0]
                numeric = isinstance(value, int | float) or _looks_numeric(str(value))
                _paragraph_format(
                    paragraph,
                    align=WD_ALIGN_PARAGRAPH.CENTER if numeric else WD_ALIGN_PARAGRAPH.LEFT,
                    before=2,
                    after=2,
                )
                _set_run_font(paragraph.add_run("" if value is None else str(value)), size=TABLE_PT)
        spacer = self._doc.add_paragraph()
        _paragraph_format(spacer, after=PARAGRAPH_SPACING_PT)
        return self

    @staticmethod
    def _mark_header_row(row) -> None:
        """Repeat the header row on every page the table runs over."""
        tr_pr = row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)

    def image(self, png_bytes: bytes, width_mm: float = 150, *, caption: str = "") -> StateDocument:
        """A centred picture (a chart as PNG) at ``width_mm``, with an optional italic caption."""
        paragraph = self._doc.add_paragraph()
        _paragraph_format(paragraph, before=PARAGRAPH_SPACING_PT, after=2)
        paragraph.add_run().add_picture(io.BytesIO(png_bytes), width=Mm(min(width_mm, TEXT_WIDTH_MM)))
        if caption:
            cap = self._doc.add_paragraph()
            _paragraph_format(cap, after=PARAGRAPH_SPACING_PT)
            _set_run_font(cap.add_run(caption), size=TABLE_PT, italic=True)
        return self

    # -- closing --------------------------------------------------------------------------
    def _add_closing(self) -> None:
        left_mm = TEXT_WIDTH_MM * 0.48
        right_mm = TEXT_WIDTH_MM - left_mm
        table = self._doc.add_table(rows=1, cols=2)
        _borderless(table)
        _set_widths(table, [left_mm, right_mm])
        left, right = table.rows[0].cells

        label = _clear_cell(left)
        _paragraph_format(label, align=WD_ALIGN_PARAGRAPH.LEFT, before=6)
        if self.recipients:
            _set_run_font(label.add_run(RECIPIENTS_LABEL), size=12, bold=True, italic=True)
            last = len(self.recipients) - 1
            for index, name in enumerate(self.recipients):
                name = name.rstrip(" ;.")
                end = "." if index == last else ";"
                _add_line(left, f"- {name}{end}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)

        first = _clear_cell(right)
        _paragraph_format(first, before=6)
        if self.signer is None:
            return
        lines = [self.signer.authority] if self.signer.authority else []
        lines += [line for line in self.signer.position.split("\n") if line.strip()]
        if lines:
            _set_run_font(first.add_run(lines[0].upper()), size=14, bold=True)
            for line in lines[1:]:
                _add_line(right, line.upper(), size=14, bold=True)
        # Room for the signature and the seal.
        for _ in range(4):
            _add_line(right, "", size=14)
        if self.signer.name:
            _add_line(right, self.signer.name, size=14, bold=True)

    def render(self) -> bytes:
        """The finished document as DOCX bytes (the closing block is added here, once)."""
        if not getattr(self, "_closed", False):
            spacer = self._doc.add_paragraph()
            _paragraph_format(spacer, after=0)
            self._add_closing()
            self._closed = True
        buffer = io.BytesIO()
        self._doc.save(buffer)
        return buffer.getvalue()


def _looks_numeric(text: str) -> bool:
    stripped = text.replace(" ", "").replace("%", "").replace(",", "").replace(".", "").replace("-", "")
    return bool(stripped) and stripped.isdigit() and len(text) <= 12
