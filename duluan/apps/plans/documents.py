"""The plan's progress report (BÁO CÁO) in the state format, built with the shared builder.

The report is a *draft* for the office: the number is left blank ("Số:      /BC-…") and the
signer's name empty, because numbering and signing happen in the document-management system.
Every figure comes from :func:`duluan.apps.plans.selectors.plan_tree`, i.e. from approved reports.
"""

from __future__ import annotations

import io
from datetime import date

from django.utils import timezone

from duluan.apps.accounts.models import AgencyKind
from duluan.apps.reports.state_document import Signer, StateDocument

from . import progress, selectors
from .models import Plan


def _pct(value) -> str:
    return f"{value:.1f}".replace(".", ",")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _issuer(plan: Plan):
    """The signing People's Committee if there is one (it issues the report), else the first signer."""
    agencies = sorted(
        plan.signing_agencies.all(), key=lambda a: (a.kind != AgencyKind.PEOPLES_COMMITTEE, a.code)
    )
    return agencies[0] if agencies else None


def _chart_png(view: selectors.PlanView) -> bytes | None:
    top = [row for row in view.rows if row.depth == 0]
    if not top:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    colours = {
        progress.DONE: "#1f7a3a",
        progress.ON_TRACK: "#17479e",
        progress.AT_RISK: "#a15c00",
        progress.OVERDUE: "#b4232a",
        progress.NOT_STARTED: "#8a94a6",
    }
    labels = [row.item.code for row in top][::-1]
    values = [float(row.progress.progress) for row in top][::-1]
    fig, ax = plt.subplots(figsize=(6.3, 0.35 * len(top) + 0.9), dpi=150)
    positions = list(range(len(top)))
    ax.barh(positions, values, color=[colours[row.progress.status] for row in top][::-1])
    ax.set_yticks(positions, labels)  # codes such as "1" are labels, not numbers
    for y, value in enumerate(values):
        ax.text(min(value + 1, 92), y, f"{value:.0f}%", va="center", fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Tiến độ (%)", fontsize=9)
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def plan_progress_docx(plan: Plan, *, as_of: date | None = None, issued_on: date | None = None) -> bytes:
    """BÁO CÁO kết quả thực hiện ``plan`` as of ``as_of`` (today by default)."""
    as_of = as_of or timezone.localdate()
    view = selectors.plan_tree(plan, as_of=as_of)
    issuer = _issuer(plan)
    is_committee = issuer is not None and issuer.kind == AgencyKind.PEOPLES_COMMITTEE
    agency_name = issuer.name.upper() if issuer else "ỦY BAN NHÂN DÂN"
    symbol = "/BC-UBND" if is_committee else "/BC"
    doc = StateDocument(
        agency=agency_name,
        number=symbol,
        place=plan.place,
        date=issued_on or as_of,
        kind="BÁO CÁO",
        title=f"Kết quả thực hiện Kế hoạch số {plan.number} {_lower_first(plan.title)}",
        signer=Signer(
            authority="TM. ỦY BAN NHÂN DÂN" if is_committee else "",
            position="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" if is_committee else "TRƯỞNG BAN",
        ),
        recipients=[
            *(f"{a.name} (phối hợp)" for a in plan.signing_agencies.all() if a != issuer),
            "Các cơ quan chủ trì, phối hợp",
            "Lưu: VT",
        ],
    )
    signed = f", ký ngày {_d(plan.signed_on)}" if plan.signed_on else ""
    signers = ", ".join(a.name for a in plan.signing_agencies.all())
    leaves = [row for row in view.rows if row.is_leaf]
    doc.paragraph(
        f"Thực hiện Kế hoạch số {plan.number}{signed} giữa {signers} về {_lower_first(plan.title)}; "
        f"căn cứ báo cáo tiến độ của các cơ quan đã được điều phối viên duyệt đến ngày {_d(as_of)}, "
        "kết quả thực hiện như sau:"
    )
    doc.heading("I. KẾT QUẢ CHUNG", 1)
    doc.paragraph(
        f"Tiến độ chung của kế hoạch đạt {_pct(view.progress.progress)}% (bình quân gia quyền theo trọng số "
        f"các nhiệm vụ), tiến độ kỳ vọng theo thời gian "
        f"{_pct(view.progress.expected) + '%' if view.progress.expected is not None else 'chưa xác định'}. "
        f"Trong {len(leaves)} nhiệm vụ cụ thể: {view.counts[progress.DONE]} hoàn thành, "
        f"{view.counts[progress.ON_TRACK]} đúng tiến độ, {view.counts[progress.AT_RISK]} có nguy cơ chậm, "
        f"{view.counts[progress.OVERDUE]} quá hạn, {view.counts[progress.NOT_STARTED]} chưa đến kỳ thực hiện."
    )
    chart = _chart_png(view)
    if chart:
        doc.image(chart, 150, caption="Hình 1. Tiến độ các nhóm nhiệm vụ")
    doc.heading("II. KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ", 1)
    doc.table(
        ["Mã", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Tiến độ (%)", "Đánh giá"],
        [
            [
                row.item.code,
                ("    " * row.depth) + row.item.content,
                row.item.lead_agency.short_name or row.item.lead_agency.name,
                _d(row.progress.end),
                _pct(row.progress.progress),
                str(selectors.STATUS_LABELS[row.progress.status]),
            ]
            for row in view.rows
        ],
        widths=[10, 60, 27, 26, 16, 26],
    )
    indicators = [(row.item, ind) for row in view.rows for ind in row.item.indicators.all()]
    if indicators:
        doc.heading("III. CÁC CHỈ TIÊU", 1)
        doc.table(
            ["Mã", "Chỉ tiêu", "Đơn vị", "Kế hoạch", "Thực hiện"],
            [[item.code, ind.name, ind.unit, _num(ind.target), _num(ind.actual)] for item, ind in indicators],
            widths=[12, 83, 22, 24, 24],
        )
    lagging = [row for row in leaves if row.progress.status in (progress.AT_RISK, progress.OVERDUE)]
    doc.heading(f"{'IV' if indicators else 'III'}. TỒN TẠI, HẠN CHẾ VÀ KIẾN NGHỊ", 1)
    if lagging:
        for row in lagging:
            expected = (
                f", kỳ vọng {_pct(row.progress.expected)}%" if row.progress.expected is not None else ""
            )
            doc.paragraph(
                f"- Nhiệm vụ {row.item.code} “{row.item.content}” ({row.item.lead_agency.name} chủ trì) "
                f"{_lower_first(str(selectors.STATUS_LABELS[row.progress.status]))}: "
                f"đạt {_pct(row.progress.progress)}%"
                f"{expected}, thời hạn {_d(row.progress.end)}."
            )
        doc.paragraph(
            "Đề nghị các cơ quan chủ trì khẩn trương rà soát, bổ sung giải pháp và báo cáo tiến độ "
            "các nhiệm vụ nêu trên trong kỳ tới."
        )
    else:
        doc.paragraph("Không có nhiệm vụ quá hạn hoặc có nguy cơ chậm tiến độ.")
    for review in plan.reviews.all():
        doc.heading(review.title, 2)
        for text in (review.findings, review.shortcomings, review.recommendations):
            for line in filter(None, (t.strip() for t in text.splitlines())):
                doc.paragraph(line)
    doc.paragraph(
        "Tiêu chí đánh giá: quá hạn khi đã qua thời hạn mà chưa đạt 100%; có nguy cơ chậm khi tiến độ thấp "
        f"hơn tiến độ kỳ vọng theo thời gian quá {_pct(plan.at_risk_tolerance)} điểm phần trăm.",
        italic=True,
    )
    return doc.render()


def _num(value) -> str:
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u00a0").replace(".", ",")
