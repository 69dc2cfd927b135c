"""A round's results as an XLSX workbook and as a DOCX report in the state format."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from django.utils import timezone

from . import estimates
from .models import Round

METHOD_NOTE = (
    "Trọng số thiết kế = 1 / (xác suất chọn xã × xác suất chọn thôn × xác suất chọn người), lưu khi chọn "
    "mẫu; điều chỉnh không trả lời trong từng xã; hiệu chỉnh (raking) theo tổng thể biên {margins}. Chỉ số "
    "cấp tỉnh: thiết kế phân tầng hai giai đoạn (xã là đơn vị mẫu cấp 1). Chỉ số cấp xã: có điều kiện xã "
    "được chọn, thôn là đơn vị mẫu. Khoảng tin cậy 95 % theo phân phối Student với bậc tự do của thiết kế. "
    "“% hài lòng” = tỷ lệ câu trả lời 4–5 trên thang 5 mức (9 = không biết được loại)."
)
SYNTHETIC_NOTE = "LƯU Ý: khung mẫu (dân số) là số liệu GIẢ LẬP để trình diễn, không phải số liệu thống kê."
REPORT_UNAVAILABLE = "Chưa tạo được báo cáo DOCX: {detail}"


class ReportUnavailable(RuntimeError):
    """The DOCX report cannot be built (e.g. the shared state-document module is missing)."""


def _margins_text(round_: Round, results: estimates.RoundResults) -> str:
    if results.raked:
        return ", ".join(round_.margins)
    return "(không có)" if not round_.margins else "(không thực hiện được — xem cảnh báo)"


def results_xlsx(
    round_: Round, results: estimates.RoundResults, previous: estimates.RoundResults | None
) -> bytes:
    """One sheet per table: province, ranking, components by commune, items, changes, fieldwork, method."""
    buffer = io.BytesIO()
    ranking = estimates.ranking(results)
    columns = [
        "rank",
        "commune",
        "name",
        "stratum",
        "estimate",
        "ci_low",
        "ci_high",
        "se",
        "n",
        "deff",
        "versus_province",
        "warning",
    ]
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        results.province.to_excel(writer, sheet_name="Toan tinh", index=False)
        ranking[columns].to_excel(writer, sheet_name="Xep hang xa", index=False)
        results.communes.to_excel(writer, sheet_name="Thanh phan theo xa", index=False)
        results.items.to_excel(writer, sheet_name="Cau hoi", index=False)
        if previous is not None:
            prov, com = estimates.round_changes(results, previous)
            pd.concat([prov.assign(commune=""), com], ignore_index=True).to_excel(
                writer, sheet_name="Thay doi", index=False
            )
        results.fieldwork.to_excel(writer, sheet_name="Thuc dia", index=False)
        # every figure traced back: each response's weights and scores
        results.respondents.to_excel(writer, sheet_name="Trong so va diem", index=False)
        notes = [METHOD_NOTE.format(margins=_margins_text(round_, results)), *results.warnings]
        if round_.frame.is_synthetic:
            notes.insert(0, SYNTHETIC_NOTE)
        notes.append(f"Trọng số: {results.weights}")
        notes.append(f"Hạt giống chọn mẫu: {round_.seed}")
        pd.DataFrame({"Ghi chú phương pháp": notes}).to_excel(writer, sheet_name="Phuong phap", index=False)
    return buffer.getvalue()


def _ranking_png(ranking: pd.DataFrame, province: float, definition) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    rows = ranking.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, max(3, 0.22 * len(rows) + 1)), dpi=150)
    y = range(len(rows))
    ax.hlines(list(y), rows["ci_low"], rows["ci_high"], color="#555", linewidth=1.2)
    ax.plot(rows["estimate"], list(y), "o", color="#b4232a", markersize=4)
    ax.axvline(province, color="#17479e", linestyle="--", linewidth=1)
    ax.set_yticks(list(y))
    ax.set_yticklabels(rows["name"], fontsize=7, fontfamily="DejaVu Sans")
    ax.set_xlim(*estimates.bounds(definition))
    label = "% hài lòng" if definition.method == "percent_satisfied" else "Điểm trung bình"
    ax.set_xlabel(f"{label} (khoảng tin cậy 95%)", fontfamily="DejaVu Sans")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def _vn(x: float, *, sign: bool = False) -> str:
    """A number as Vietnamese documents write it: one decimal, a decimal comma ("43,7")."""
    return (f"{x:+.1f}" if sign else f"{x:.1f}").replace(".", ",")


def _signer(agency):
    """A department's head signs in their own name; a people's committee signs on behalf of the body."""
    from duluan.apps.reports.state_document import Signer

    if agency.kind == "ubnd":
        return Signer(authority="TM. ỦY BAN NHÂN DÂN", position="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    return Signer(position="GIÁM ĐỐC" if agency.kind == "department" else "THỦ TRƯỞNG CƠ QUAN")


def results_docx(
    round_: Round, results: estimates.RoundResults, previous: estimates.RoundResults | None
) -> bytes:
    """A report (báo cáo) in the Decree 30/2020 format, via the shared state-document module."""
    try:
        from duluan.apps.reports.state_document import StateDocument
    except ImportError as exc:
        raise ReportUnavailable(REPORT_UNAVAILABLE.format(detail=exc)) from exc
    name = results.definition.name
    percent = results.definition.method == "percent_satisfied"
    unit, measure = ("%", "% hài lòng") if percent else ("", "Điểm TB")
    ranking = estimates.ranking(results)
    province = results.province.set_index("component")
    overall = province.loc[name]
    today = timezone.localdate() if timezone.is_aware(timezone.now()) else date.today()
    agency = round_.agency
    doc = StateDocument(
        agency_parent="UBND TỈNH BẮC NINH",
        agency=(agency.short_name or agency.name).upper(),
        number="/BC-"
        + "".join(w[0] for w in (agency.short_name or agency.name).split() if w[:1].isalpha()).upper(),
        place="Bắc Ninh",
        date=today,
        kind="BÁO CÁO",
        title=f"Kết quả {round_.name[:1].lower()}{round_.name[1:]}",
        signer=_signer(agency),
        recipients=["UBND tỉnh (b/c)", "Các sở, ban, ngành", "UBND các xã, phường", "Lưu: VT"],
    )
    doc.heading("I. PHẠM VI VÀ PHƯƠNG PHÁP", 1)
    w = results.weights
    doc.paragraph(
        f"Khảo sát chọn {ranking.shape[0]} xã, phường theo phương pháp xác suất tỷ lệ với quy mô dân số "
        f"(PPS) trong từng tầng, mỗi xã chọn thôn theo PPS và người trả lời ngẫu nhiên. Đã phát "
        f"{w['sampled']} giấy mời, "
        f"thu về {w['responded']} phiếu (tỷ lệ trả lời {w['responded'] / w['sampled']:.0%})."
    )
    doc.paragraph(METHOD_NOTE.format(margins=_margins_text(round_, results)))
    if round_.frame.is_synthetic:
        doc.paragraph(SYNTHETIC_NOTE, bold=True)
    for warning in results.warnings:
        doc.paragraph(warning, italic=True)
    doc.heading("II. KẾT QUẢ TOÀN TỈNH", 1)
    doc.paragraph(
        f"{name} toàn tỉnh đạt {_vn(overall['estimate'])}{unit} (khoảng tin cậy 95%: "
        f"{_vn(overall['ci_low'])}–{_vn(overall['ci_high'])}{unit})."
    )
    rows = []
    changes = {}
    if previous is not None:
        prov_changes, _ = estimates.round_changes(results, previous)
        changes = {r.component: r for r in prov_changes.itertuples()}
    for i, r in enumerate(results.province.itertuples(), start=1):
        c = changes.get(r.component)
        change = "" if c is None else f"{_vn(c.difference, sign=True)}{' *' if c.significant else ''}"
        rows.append(
            [i, r.component, f"{_vn(r.estimate)}", f"{_vn(r.ci_low)}–{_vn(r.ci_high)}", int(r.n), change]
        )
    doc.table(
        ["STT", "Thành phần", measure, "KTC 95%", "Số phiếu", "Thay đổi"],
        rows,
        widths=[12, 68, 22, 30, 20, 13],
        caption="Bảng 1. Chỉ số và các chỉ số thành phần toàn tỉnh",
    )
    if previous is not None:
        doc.paragraph("Dấu * : thay đổi so với đợt trước có ý nghĩa thống kê ở mức 5%.", italic=True)
    doc.heading("III. XẾP HẠNG CÁC XÃ, PHƯỜNG", 1)
    doc.image(
        _ranking_png(ranking, float(overall["estimate"]), results.definition),
        width_mm=160,
        caption="Hình 1. Chỉ số theo xã, phường với khoảng tin cậy 95% (đường đứt: toàn tỉnh)",
    )
    rows = [
        [
            int(r.rank),
            r.name,
            f"{_vn(r.estimate)}",
            f"{_vn(r.ci_low)}–{_vn(r.ci_high)}",
            int(r.n),
            {"above": "Cao hơn", "below": "Thấp hơn"}.get(r.versus_province, "Không khác biệt"),
        ]
        for r in ranking.itertuples()
    ]
    doc.table(
        ["Hạng", "Xã, phường", measure, "KTC 95%", "Số phiếu", "So với tỉnh"],
        rows,
        widths=[14, 58, 18, 30, 20, 25],
        caption="Bảng 2. Xếp hạng các xã, phường",
    )
    small = ranking[ranking["small_sample"]]
    if not small.empty:
        doc.paragraph(
            "Các xã có ít hơn "
            f"{results.definition.min_n} phiếu, kết quả chỉ mang tính tham khảo: "
            + ", ".join(small["name"])
            + ".",
            italic=True,
        )
    doc.heading("IV. ĐỀ XUẤT", 1)
    weakest = results.province[results.province["component"] != name].sort_values("estimate").head(2)
    doc.paragraph(
        "Ưu tiên cải thiện các lĩnh vực có mức hài lòng thấp nhất: "
        + "; ".join(f"{r.component} ({_vn(r.estimate)}{unit})" for r in weakest.itertuples())
        + ". Các xã có khoảng tin cậy nằm hoàn toàn dưới mức toàn tỉnh cần được rà soát, hỗ trợ."
    )
    return doc.render()
