"""The campaign report (BÁO CÁO kết quả chiến dịch truyền thông) in the state format.

A draft for the office: the number is left blank and the signer unnamed (numbering and signing
happen in the document-management system). Every figure comes from the selectors the campaign
page shows: outputs as recorded, the effect from the signals (see :mod:`.effect`).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from duluan.apps.accounts.models import AgencyKind
from duluan.apps.reports.state_document import Signer, StateDocument

from . import charts, selectors
from . import effect as eng
from .models import Campaign, OutputStatus


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + "%"


def _n(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",")


def campaign_docx(campaign: Campaign, *, today: date | None = None) -> bytes:
    as_of, today = today, today or timezone.localdate()  # no date given: the effect is read live
    lead = campaign.lead_agency
    is_committee = lead.kind == AgencyKind.PEOPLES_COMMITTEE
    doc = StateDocument(
        agency_parent="UBND TỈNH BẮC NINH" if not is_committee and lead.kind != AgencyKind.PARTY else "",
        agency=lead.name.upper(),
        number="/BC-UBND" if is_committee else "/BC",
        place="Bắc Ninh",
        date=today,
        kind="BÁO CÁO",
        title=f"Kết quả chiến dịch truyền thông “{campaign.title}”",
        signer=Signer(
            authority="TM. ỦY BAN NHÂN DÂN" if is_committee else "",
            position="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" if is_committee else "THỦ TRƯỞNG CƠ QUAN",
        ),
        recipients=[*(a.name for a in campaign.partner_agencies.all()), "Lưu: VT"],
    )
    plan = ""
    if campaign.plan_item_id:
        item = campaign.plan_item
        plan = (
            f" Chiến dịch thực hiện nhiệm vụ {item.code} “{item.content}” của Kế hoạch số {item.plan.number}."
        )
    doc.paragraph(
        f"Từ ngày {_d(campaign.start_on)} đến ngày {_d(campaign.end_on)}, {lead.name} chủ trì chiến dịch "
        f"truyền thông về {campaign.theme[:1].lower() + campaign.theme[1:]}.{plan} Kết quả như sau:"
    )
    doc.heading("I. MỤC TIÊU, THÔNG ĐIỆP VÀ ĐỊA BÀN", 1)
    if campaign.objectives:
        doc.paragraph(f"Mục tiêu: {campaign.objectives}")
    for line in campaign.message_lines:
        doc.paragraph(f"- {line}")
    units = selectors.campaign_units(campaign)
    doc.paragraph(
        "Địa bàn: "
        + ("; ".join(u.name for u in units) if units else "toàn tỉnh")
        + (". Đối tượng: " + "; ".join(campaign.audience_lines) if campaign.audience_lines else "")
        + "."
    )
    doc.heading("II. SẢN PHẨM TRUYỀN THÔNG", 1)
    rows = selectors.outputs_by_channel(campaign)
    if rows:
        doc.table(
            ["Kênh", "Kế hoạch", "Đã thực hiện", "Người tham dự", "Lượt tiếp cận"],
            [[r.channel, str(r.planned), str(r.delivered), str(r.attendance), str(r.reach)] for r in rows],
            widths=[70, 22, 26, 22, 25],
        )
        doc.image(
            charts.outputs(rows, fmt="png"),
            150,
            caption="Hình 1. Sản phẩm kế hoạch và đã thực hiện theo kênh",
        )
    else:
        doc.paragraph("Chưa ghi nhận sản phẩm truyền thông.")
    delivered = [o for o in selectors.campaign_outputs(campaign) if o.status == OutputStatus.DELIVERED]
    evidence = sum(len(o.evidence.all()) for o in delivered)
    doc.paragraph(f"Có {len(delivered)} sản phẩm đã thực hiện, kèm {evidence} minh chứng (tệp, đường dẫn).")

    doc.heading("III. DƯ LUẬN VỀ NỘI DUNG TUYÊN TRUYỀN", 1)
    view = selectors.campaign_effect(campaign, today=as_of)
    (b0, b1), (d0, d1), (a0, _a1) = view.periods.inclusive
    doc.paragraph(
        f"Tín hiệu dư luận về chủ đề chiến dịch (mã chủ đề: {', '.join(campaign.topic_codes) or '—'}; "
        f"từ khóa: {', '.join(campaign.keywords) or '—'}) ở {view.targeted_all} xã, phường được tuyên truyền "
        f"và {view.comparison_all} xã, phường khác của tỉnh, trước ({_d(b0)}–{_d(b1)}), trong "
        f"({_d(d0)}–{_d(d1)}) và sau chiến dịch (từ {_d(a0)}, {int(view.periods.days[2])} ngày)."
    )
    table = []
    for group, name in (
        (eng.TARGETED, "Được tuyên truyền (đã ghép)"),
        (eng.COMPARISON, "Đối chứng ghép cặp"),
    ):
        for p in range(3):
            c = view.result.cell(group, p)
            table.append(
                [name, eng.PERIOD_LABELS[p], str(c.signals), _pct(c.share_negative), _n(c.per_commune_30d)]
            )
    doc.table(
        ["Nhóm", "Giai đoạn", "Số tín hiệu", "Tỷ lệ tiêu cực", "Tín hiệu/xã/30 ngày"],
        table,
        widths=[40, 25, 28, 32, 40],
    )
    doc.image(
        charts.negative_share(view, fmt="png"), 120, caption="Hình 2. Tỷ lệ tín hiệu tiêu cực theo giai đoạn"
    )
    doc.paragraph(view.method)
    doc.heading("Ước lượng hiệu quả (khác biệt kép)", 2)
    for statement in view.statements:
        doc.paragraph(statement)
    doc.paragraph(
        "Đối chiếu, so với toàn bộ xã, phường khác (không ghép cặp): " + " ".join(view.unmatched_statements)
    )
    doc.paragraph(
        f"Phương pháp: khác biệt kép giữa xã, phường được tuyên truyền và nhóm đối chứng ghép cặp; khoảng "
        f"tin cậy 95 % theo bootstrap theo cặp xã, phường ({view.result.n_boot} lần, hạt giống "
        f"{view.result.seed}). Chỉ "
        f"ước lượng khi mỗi nhóm có ít nhất {view.result.min_communes} xã, phường có tín hiệu và mỗi giai "
        f"đoạn có ít nhất {view.result.min_signals} tín hiệu. Tín hiệu dư luận không phải mẫu ngẫu nhiên: "
        "kết quả mô tả thay đổi, không chứng minh quan hệ nhân quả.",
        italic=True,
    )
    doc.heading("IV. KẾT QUẢ KHẢO SÁT", 1)
    survey = selectors.campaign_survey(campaign)
    if not survey["panels"]:
        doc.paragraph(survey["message"])
    for panel in survey["panels"]:
        doc.paragraph(f"Đợt khảo sát “{panel.round.name}”.")
        if panel.synthetic:
            doc.paragraph(survey["synthetic_note"], italic=True)
        if not panel.available:
            doc.paragraph(panel.message)
            continue
        when = f", từ {_d(panel.first_day)} đến {_d(panel.last_day)}" if panel.first_day else ""
        doc.paragraph(
            f"{panel.respondents} người trả lời ở {panel.targeted_communes} xã, phường được tuyên truyền và "
            f"{panel.other_communes} xã, phường khác trong mẫu{when}."
        )
        table = []
        for label, _question, m, diff in panel.rows:
            cells = [
                f"{_pct(s.value)} ({_pct(s.low)}–{_pct(s.high)}; n={s.n})"
                if s.enough
                else f"chưa đủ số liệu (n={s.n})"
                for s in m.shares
            ]
            table.append([label, *cells, f"{diff[0]} {diff[1]}" if m.difference.enough else "—"])
        doc.table(
            ["Chỉ báo", "Chung", "Xã được tuyên truyền", "Xã khác", "Chênh lệch (điểm %)"],
            table,
            widths=[35, 32, 32, 32, 34],
        )
        for statement in panel.statements:
            doc.paragraph(statement)
    if survey["method"]:
        doc.paragraph(survey["method"], italic=True)
    notes = list(campaign.orientation_notes.all())
    if notes:
        doc.heading("V. THÔNG TIN ĐỊNH HƯỚNG", 1)
        for n in notes:
            doc.paragraph(f"- {n.title} ({n.get_status_display()}).")
    return doc.render()
