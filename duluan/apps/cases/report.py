"""The performance report as a state-format DOCX (Decree 30/2020), built on reports.state_document."""

from __future__ import annotations

from django.utils import timezone

from duluan.apps.reports.state_document import Signer, StateDocument

from .performance import FEW_CASES, SMALL_N, Performance, Row


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %".replace(".", ",")


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    text = f"{value:.{digits}f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def rate_text(row: Row) -> str:
    """ "80 % (12/15; 55–93 %)" or "ít hồ sơ (2/3)" — the count is always shown."""
    if row.due_or_answered == 0:
        return "—"
    counts = f"{row.on_time}/{row.due_or_answered}"
    if row.few:
        return f"{FEW_CASES} ({counts})"
    low, high = row.interval
    return f"{_pct(row.on_time_rate)} ({counts}; {low * 100:.0f}–{high * 100:.0f} %)"


def performance_report_docx(perf: Performance, *, place: str = "Bắc Ninh") -> bytes:
    today = timezone.localdate()
    doc = StateDocument(
        agency_parent="UBND TỈNH BẮC NINH",
        agency="VĂN PHÒNG",
        number="/BC-VP",
        place=place,
        date=today,
        kind="BÁO CÁO",
        title="Kết quả tiếp nhận, giải quyết phản ánh, kiến nghị, khiếu nại, tố cáo của các cơ quan",
        signer=Signer(authority="KT. CHÁNH VĂN PHÒNG", position="PHÓ CHÁNH VĂN PHÒNG", name=""),
        recipients=["UBND tỉnh (b/c)", "Các sở, ban, ngành; UBND các xã, phường", "Lưu: VT."],
    )
    overall = perf.overall
    doc.heading("I. TÌNH HÌNH CHUNG", level=1)
    doc.paragraph(
        f"Tính đến ngày {perf.as_of:%d/%m/%Y}, các cơ quan đã tiếp nhận {overall.total} hồ sơ; "
        f"đang giải quyết {overall.backlog} hồ sơ, trong đó {overall.overdue} hồ sơ quá hạn. "
        "Tỷ lệ trả lời đúng hạn: "
        f"{rate_text(overall)}. Thời gian thụ lý trung vị: {_num(overall.median_accept)} ngày làm việc; "
        f"thời gian giải quyết trung vị: {_num(overall.median_resolve)} ngày làm việc. "
        f"Mức hài lòng bình quân của người dân: {_num(overall.satisfaction)}/5 "
        f"({len(overall.ratings)} lượt đánh giá)."
    )
    doc.paragraph(
        "Tỷ lệ đúng hạn tính trên các hồ sơ đã trả lời và các hồ sơ đang quá hạn, kèm khoảng tin cậy 95 % "
        f"(phương pháp Wilson); cơ quan có dưới {SMALL_N} hồ sơ đến hạn được ghi "
        f"“{FEW_CASES}”, không xếp hạng.",
        italic=True,
    )
    doc.heading("II. KẾT QUẢ THEO CƠ QUAN", level=1)
    doc.table(
        [
            "STT",
            "Cơ quan",
            "Số hồ sơ",
            "Tồn",
            "Quá hạn",
            "Đúng hạn",
            "Thụ lý (ngày LV)",
            "Giải quyết (ngày LV)",
            "Hài lòng",
        ],
        [
            [
                str(i),
                row.name,
                str(row.total),
                str(row.backlog),
                str(row.overdue),
                rate_text(row),
                _num(row.median_accept),
                _num(row.median_resolve),
                f"{_num(row.satisfaction)} ({len(row.ratings)})" if row.ratings else "—",
            ]
            for i, row in enumerate(perf.agencies, start=1)
        ],
        widths=[12, 37, 13, 10, 13, 28, 16, 18, 18],
    )
    doc.heading("III. THEO XÃ, PHƯỜNG (ĐƠN VỊ HÀNH CHÍNH TỪ 01/07/2025)", level=1)
    doc.paragraph(
        "Hồ sơ phát sinh tại các xã, phường cũ (trước 01/07/2025) được cộng vào xã, phường mới kế thừa; "
        "xã cũ chia cho nhiều xã mới được chia đều."
    )
    doc.table(
        ["STT", "Xã, phường", "Số hồ sơ", "Tồn", "Quá hạn"],
        [
            [str(i), row.name, _num(row.total), _num(row.backlog), _num(row.overdue)]
            for i, row in enumerate(perf.communes, start=1)
        ],
        widths=[12, 90, 22, 20, 21],
    )
    return doc.render()
