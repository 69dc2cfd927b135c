"""Charts of a campaign, drawn with matplotlib on the server: SVG for the page, PNG for the DOCX.

Pages embed the SVG as a ``data:`` image (the CSP forbids inline styles, which matplotlib's SVG
uses); every figure drawn is also in a table on the page.
"""

from __future__ import annotations

import base64
import io
from datetime import timedelta

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from . import effect as eng

TARGETED_COLOUR = "#b4232a"
COMPARISON_COLOUR = "#17479e"
plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "duluan-campaigns",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def _render(fig, fmt: str) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(
        buffer, format=fmt, bbox_inches="tight", dpi=150, metadata={"Date": None} if fmt == "svg" else None
    )
    plt.close(fig)
    return buffer.getvalue()


def data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def timeline(view, *, fmt: str = "svg") -> bytes:
    """Theme signals per week per 100 communes, all targeted vs all other communes (a description
    of what was said; the estimate compares matched groups), campaign period shaded."""
    fig, ax = plt.subplots(figsize=(7.2, 2.6))
    weeks = [w for w, _, _ in view.weekly]
    if weeks:
        t = [a / max(view.targeted_all, 1) * 100 for _, a, _ in view.weekly]
        c = [b / max(view.comparison_all, 1) * 100 for _, _, b in view.weekly]
        ax.plot(weeks, t, marker="o", ms=3, color=TARGETED_COLOUR, label="Xã/phường được tuyên truyền")
        ax.plot(weeks, c, marker="s", ms=3, color=COMPARISON_COLOUR, label="Các xã/phường khác")
    start, end = view.periods.bounds[1]
    if end > start:
        ax.axvspan(start, end - timedelta(days=1), color="#f3d9b1", alpha=0.6, label="Thời gian chiến dịch")
    ax.set_ylabel("Tín hiệu / 100 xã, phường / tuần")
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%d/%m/%y"))
    fig.autofmt_xdate()
    return _render(fig, fmt)


def negative_share(view, *, fmt: str = "svg") -> bytes:
    """Share of negative signals by period in the two groups (the DiD picture)."""
    fig, ax = plt.subplots(figsize=(4.8, 2.8))
    labels = ["Trước", "Trong", "Sau"]
    for group, colour, name in (
        (eng.TARGETED, TARGETED_COLOUR, "Được tuyên truyền (đã ghép)"),
        (eng.COMPARISON, COMPARISON_COLOUR, "Đối chứng ghép cặp"),
    ):
        xs, ys = [], []
        for p in range(3):
            share = view.result.cell(group, p).share_negative
            if share is not None:
                xs.append(p)
                ys.append(share * 100)
        ax.plot(xs, ys, marker="o", color=colour, label=name)
        for x, y in zip(xs, ys, strict=True):
            ax.annotate(
                f"{y:.0f}%", (x, y), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=7
            )
    ax.set_xticks(range(3), labels)
    ax.set_ylim(0, 100)
    ax.set_ylabel("Tỷ lệ tín hiệu tiêu cực (%)")
    ax.legend(fontsize=7, frameon=False)
    return _render(fig, fmt)


def outputs(rows, *, fmt: str = "svg") -> bytes:
    """Planned and delivered quantities per channel."""
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * max(len(rows), 2) + 0.8))
    names = [r.channel if len(r.channel) < 40 else r.channel[:38] + "…" for r in rows]
    ys = list(range(len(rows)))
    ax.barh([y + 0.2 for y in ys], [r.planned for r in rows], height=0.4, color="#c9d3e6", label="Kế hoạch")
    ax.barh(
        [y - 0.2 for y in ys], [r.delivered for r in rows], height=0.4, color="#2e7d4f", label="Đã thực hiện"
    )
    ax.set_yticks(ys, names)
    ax.invert_yaxis()
    sizes = sorted(r.planned for r in rows if r.planned)
    if sizes and sizes[-1] > 50 * sizes[len(sizes) // 2]:
        # Leaflets count in tens of thousands, meetings in units: a log scale keeps both readable.
        ax.set_xscale("symlog", linthresh=1)
    ax.set_xlabel("Số lượng sản phẩm")
    ax.legend(fontsize=7, frameon=False)
    return _render(fig, fmt)
