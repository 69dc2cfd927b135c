"""Server-rendered SVG charts of an issue: timeline with forecast band, sentiment split, places map.

Hand-made SVG (no JavaScript, nothing from the internet); every figure drawn is in the page's
tables too. Coordinates are escaped numbers, labels are HTML-escaped.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

W, H = 720, 240
PAD_L, PAD_R, PAD_T, PAD_B = 40, 10, 12, 28


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def timeline_svg(days: list[tuple[date, int, int]], forecast: dict | None) -> str:
    """Daily signals (bars, negative part darker) and the 7-day forecast (line, 80 % and 95 % bands)."""
    fc_days = [date.fromisoformat(d) for d in (forecast or {}).get("days", [])]
    if not days and not fc_days:
        return ""
    # Placed by date, not after the last bar: a forecast starts today (the bar of today's count
    # so far, under its first point), or earlier when it was made on an earlier day.
    first = days[0][0] if days else fc_days[0]
    if fc_days and fc_days[0] < first:  # made before the days shown: only what falls on them
        skip = min((first - fc_days[0]).days, len(fc_days))
        forecast = {k: forecast[k][skip:] for k in ("mean", "lo80", "hi80", "lo95", "hi95")}
        fc_days = fc_days[skip:]
    last = max([d for d, _, _ in days[-1:]] + fc_days[-1:])
    n = (last - first).days + 1
    top = max([c for _, c, _ in days] + list((forecast or {}).get("hi95", [])) + [1])
    iw, ih = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    bw = iw / n

    def x(i: float) -> float:
        return PAD_L + i * bw

    def y(v: float) -> float:
        return PAD_T + ih - ih * v / top

    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="Số tín hiệu theo ngày và dự báo 7 ngày">'
    ]
    for frac in (0, 0.5, 1):
        v = top * frac
        parts.append(
            f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{_fmt(y(v))}" y2="{_fmt(y(v))}" stroke="#d9dee8"/>'
            f'<text x="{PAD_L - 4}" y="{_fmt(y(v) + 4)}" font-size="10" text-anchor="end">{round(v)}</text>'
        )
    for d, c, neg in days:
        i = (d - first).days
        if c:
            parts.append(
                f'<rect x="{_fmt(x(i) + 0.5)}" y="{_fmt(y(c))}" width="{_fmt(max(bw - 1, 0.8))}" '
                f'height="{_fmt(y(0) - y(c))}" fill="#8aa4d6"><title>{d:%d/%m/%Y}: {c}</title></rect>'
            )
            if neg:
                parts.append(
                    f'<rect x="{_fmt(x(i) + 0.5)}" y="{_fmt(y(neg))}" width="{_fmt(max(bw - 1, 0.8))}" '
                    f'height="{_fmt(y(0) - y(neg))}" fill="#b4232a" opacity="0.75"/>'
                )
    if fc_days:
        k0 = (fc_days[0] - first).days
        for lo_key, hi_key, colour in (("lo95", "hi95", "#f3d9b1"), ("lo80", "hi80", "#e9b872")):
            lo, hi = forecast[lo_key], forecast[hi_key]
            upper = " ".join(f"{_fmt(x(k0 + i + 0.5))},{_fmt(y(v))}" for i, v in enumerate(hi))
            lower = " ".join(
                f"{_fmt(x(k0 + i + 0.5))},{_fmt(y(v))}" for i, v in reversed(list(enumerate(lo)))
            )
            parts.append(f'<polygon points="{upper} {lower}" fill="{colour}" opacity="0.8"/>')
        line = " ".join(f"{_fmt(x(k0 + i + 0.5))},{_fmt(y(v))}" for i, v in enumerate(forecast["mean"]))
        parts.append(f'<polyline points="{line}" fill="none" stroke="#a15c00" stroke-width="2"/>')
        parts.append(
            f'<line x1="{_fmt(x(k0))}" x2="{_fmt(x(k0))}" y1="{PAD_T}" y2="{_fmt(y(0))}" '
            f'stroke="#5b6475" stroke-dasharray="3 3"/>'
        )
    every = max(1, n // 8)
    all_days = [first + timedelta(days=i) for i in range(n)]
    for i, d in enumerate(all_days):
        if i % every == 0:
            parts.append(f'<text x="{_fmt(x(i))}" y="{H - 8}" font-size="10">{d:%d/%m}</text>')
    parts.append("</svg>")
    return "".join(parts)


SENTIMENT_COLOURS = {"negative": "#b4232a", "neutral": "#8c93a3", "positive": "#1f7a3a"}


def sentiment_svg(counts: dict[str, int], labels: dict[str, str]) -> str:
    """One stacked bar of the sentiment mix, with the shares written in it."""
    total = sum(counts.get(k, 0) for k in SENTIMENT_COLOURS)
    if not total:
        return ""
    parts = [
        f'<svg class="chart" viewBox="0 0 {W} 36" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="Tỷ lệ sắc thái">'
    ]
    x = 0.0
    for key, colour in SENTIMENT_COLOURS.items():
        n = counts.get(key, 0)
        if not n:
            continue
        w = W * n / total
        share = round(100 * n / total)
        parts.append(
            f'<rect x="{_fmt(x)}" y="0" width="{_fmt(w)}" height="36" fill="{colour}">'
            f"<title>{escape(str(labels.get(key, key)))}: {n} ({share} %)</title></rect>"
        )
        if w > 60:
            parts.append(
                f'<text x="{_fmt(x + 6)}" y="23" font-size="13" fill="#fff">'
                f"{escape(str(labels.get(key, key)))} {share} %</text>"
            )
        x += w
    parts.append("</svg>")
    return "".join(parts)


MAP_W, MAP_H = 420, 360
# Bắc Ninh (2025) lies within about 20.9–21.6 N, 105.9–107.0 E; the frame adapts to the points.


def places_svg(places: list, *, backdrop: list[tuple[float, float]] | None = None) -> str:
    """Commune points (circle area ∝ signals) on an equirectangular frame around them, offline.

    Args:
        places: objects with ``name``, ``count``, ``lat``, ``lon``.
        backdrop: (lat, lon) of every commune of the province, drawn faintly for orientation.
    """
    pts = [p for p in places if p.lat is not None and p.lon is not None]
    if not pts:
        return ""
    ref = list(backdrop or []) + [(p.lat, p.lon) for p in pts]
    lat0, lat1 = min(a for a, _ in ref), max(a for a, _ in ref)
    lon0, lon1 = min(b for _, b in ref), max(b for _, b in ref)
    span = max(lat1 - lat0, lon1 - lon0, 0.05)
    pad = 16

    def xy(lat: float, lon: float) -> tuple[float, float]:
        sx = (MAP_W - 2 * pad) / span
        return pad + (lon - lon0) * sx, MAP_H - pad - (lat - lat0) * sx

    biggest = max(p.count for p in pts) or 1
    parts = [
        f'<svg class="chart map" viewBox="0 0 {MAP_W} {MAP_H}" xmlns="http://www.w3.org/2000/svg" '
        f'role="img" aria-label="Bản đồ địa bàn có phản ánh">',
        f'<rect width="{MAP_W}" height="{MAP_H}" fill="#f3f6fb"/>',
    ]
    for lat, lon in backdrop or []:
        cx, cy = xy(lat, lon)
        parts.append(f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="1.6" fill="#c6cedd"/>')
    for p in sorted(pts, key=lambda p: -p.count):
        cx, cy = xy(p.lat, p.lon)
        r = 3 + 14 * (p.count / biggest) ** 0.5
        parts.append(
            f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{_fmt(r)}" fill="#b4232a" fill-opacity="0.55" '
            f'stroke="#7a1419"><title>{escape(p.name)}: {p.count:g}</title></circle>'
        )
    for p in sorted(pts, key=lambda p: -p.count)[:5]:
        cx, cy = xy(p.lat, p.lon)
        parts.append(f'<text x="{_fmt(cx + 6)}" y="{_fmt(cy - 6)}" font-size="11">{escape(p.name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
