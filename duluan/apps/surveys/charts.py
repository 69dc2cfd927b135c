"""Hand-made SVG: a dot-and-whisker ranking and a map of commune points (offline, no script)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Dot:
    label: str
    estimate: float
    low: float
    high: float
    url: str = ""
    flag: str = ""  # "above" / "below" the province, or ""
    warning: str = ""


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def dot_whisker_svg(
    dots: Sequence[Dot],
    *,
    lo: float = 0.0,
    hi: float = 100.0,
    reference: float | None = None,
    reference_label: str = "",
    unit: str = "%",
) -> SafeString:
    """One row per commune: the estimate as a dot, its 95 % interval as a whisker."""
    row_h, left, right, top = 22, 190, 30, 28
    width = 760
    plot_w = width - left - right
    height = top + row_h * len(dots) + 30

    def x(v: float) -> float:
        return left + (min(max(v, lo), hi) - lo) / (hi - lo) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" role="img" '
        f'aria-label="{escape(reference_label)}" data-testid="ranking-chart">'
    ]
    step = (hi - lo) / 5
    for i in range(6):
        v = lo + i * step
        parts.append(
            f'<line x1="{_fmt(x(v))}" x2="{_fmt(x(v))}" y1="{top - 6}" y2="{height - 24}" class="grid"/>'
        )
        parts.append(
            f'<text x="{_fmt(x(v))}" y="{top - 10}" class="axis" text-anchor="middle">{v:g}{unit}</text>'
        )
    if reference is not None:
        parts.append(
            f'<line x1="{_fmt(x(reference))}" x2="{_fmt(x(reference))}" y1="{top - 6}" y2="{height - 24}" '
            f'class="reference"/><text x="{_fmt(x(reference))}" y="{height - 8}" class="axis" '
            f'text-anchor="middle">{escape(reference_label)} {reference:.1f}</text>'
        )
    for i, d in enumerate(dots):
        y = top + row_h * i + row_h / 2
        cls = f"dot {d.flag}" if d.flag else "dot"
        label = escape(d.label)
        if d.url:
            label = f'<a href="{escape(d.url)}">{label}</a>'
        warn = " ⚠" if d.warning else ""
        tip = escape(
            f"{d.label}: {d.estimate:.1f} ({d.low:.1f}–{d.high:.1f}){' — ' + d.warning if d.warning else ''}"
        )
        parts.append(
            f'<g class="row"><title>{tip}</title>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" class="label">{label}{warn}</text>'
            f'<line x1="{_fmt(x(d.low))}" x2="{_fmt(x(d.high))}" y1="{y:.1f}" y2="{y:.1f}" class="whisker"/>'
            f'<circle cx="{_fmt(x(d.estimate))}" cy="{y:.1f}" r="4.5" class="{cls}"/></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class MapPoint:
    label: str
    lat: float
    lon: float
    value: float | None  # None = not in the sample
    url: str = ""
    detail: str = ""


# red → amber → green, the colours officials read as bad → good
_STOPS = ((0.0, (178, 34, 34)), (0.5, (230, 170, 40)), (1.0, (31, 122, 58)))


def colour(value: float, lo: float, hi: float) -> str:
    t = 0.5 if hi <= lo else min(max((value - lo) / (hi - lo), 0.0), 1.0)
    for (t0, c0), (t1, c1) in pairwise(_STOPS):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            rgb = [round(a + (b - a) * f) for a, b in zip(c0, c1)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*_STOPS[-1][1])


def map_svg(points: Sequence[MapPoint], *, lo: float, hi: float, legend: str) -> SafeString:
    """Communes as points at their coordinates (equirectangular, scaled by cos latitude)."""
    located = [p for p in points if p.lat is not None and p.lon is not None]
    width, height, pad = 720, 560, 30
    if not located:
        return mark_safe("")
    lats = [p.lat for p in located]
    lons = [p.lon for p in located]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * k, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad - 40) / span_y)

    def xy(p: MapPoint) -> tuple[float, float]:
        return pad + (p.lon - min(lons)) * k * scale, pad + (max(lats) - p.lat) * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart map" role="img" '
        f'aria-label="{escape(legend)}" data-testid="commune-map">'
    ]
    for p in sorted(located, key=lambda p: p.value is not None):
        cx, cy = xy(p)
        tip = escape(p.label + (f": {p.detail}" if p.detail else ""))
        if p.value is None:
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" class="unsampled"><title>{tip}</title></circle>'
            )
            continue
        fill = colour(p.value, lo, hi)
        dot = (
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="8" fill="{fill}" class="sampled">'
            f"<title>{tip}</title></circle>"
        )
        parts.append(f'<a href="{escape(p.url)}">{dot}</a>' if p.url else dot)
    # legend
    ly = height - 26
    for i in range(11):
        v = lo + (hi - lo) * i / 10
        parts.append(f'<rect x="{pad + i * 24}" y="{ly}" width="24" height="10" fill="{colour(v, lo, hi)}"/>')
    parts.append(f'<text x="{pad}" y="{ly + 22}" class="axis">{lo:.0f}</text>')
    parts.append(f'<text x="{pad + 264}" y="{ly + 22}" class="axis" text-anchor="end">{hi:.0f}</text>')
    parts.append(f'<text x="{pad + 280}" y="{ly + 9}" class="axis">{escape(legend)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
