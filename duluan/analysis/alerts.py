"""Alerts when an issue turns hot or a topic/place bursts, each saying why in plain words.

Hysteresis keeps an issue from flapping: it *enters* ``hot`` when its level from
:func:`duluan.analysis.hotness.hotness` is ``hot`` (score ≥ ``hot_threshold`` with at least
``min_hot_volume`` recent signals) and *stays* hot until its score falls below the lower
``hot_exit_threshold``. Alerts:

* ``became_hot`` — the issue crossed into ``hot`` (the previous level was not ``hot``);
* ``cooled`` — a hot issue fell below the exit threshold (so officials know the alarm is over);
* ``burst`` — a burst (from :mod:`duluan.analysis.bursts`) was flagged in the period being
  evaluated; its key is the topic or place that burst.

Reasons come from the measured figures only (``Hotness.facts`` and the bursts), e.g. "Số phản
ánh 3 ngày qua gấp 4,2 lần mức thường (trung bình 12/ngày so với 2,9/ngày)"; 78 % tiêu cực;
5 xã/phường. ``evidence`` keeps every number used, for audit.

Example:
    >>> import pandas as pd
    >>> from duluan.analysis.hotness import HotnessWeights, IssueSeries, hotness
    >>> idx = pd.date_range("2026-02-01", periods=10, freq="D")
    >>> s = IssueSeries(key="ngap-ung", index=idx, counts=[1, 0, 2, 1, 1, 0, 1, 9, 12, 15],
    ...                 negative_share=[0.8] * 10, places=[1] * 7 + [3, 5, 5])
    >>> (alert,) = evaluate_alerts("watch", hotness(s, now=idx[-1], weights=HotnessWeights()), [])
    >>> alert.kind, alert.reasons_vi[1]
    ('became_hot', 'Số phản ánh 3 ngày qua gấp 15,6 lần mức thường (trung bình 12/ngày so với 0,77/ngày)')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from duluan.analysis.bursts import Burst
from duluan.analysis.hotness import LEVELS, Hotness, format_en, format_vi


@dataclass(frozen=True)
class Alert:
    """One alert for officials.

    Attributes:
        kind: ``became_hot`` | ``cooled`` | ``burst``.
        issue_key: the issue (or, for ``burst``, the topic/place key that burst).
        level: the level after hysteresis.
        reasons_vi: why, sentence by sentence, in Vietnamese.
        reasons_en: the same in English.
        evidence: every figure used (score, thresholds, component points, facts, bursts).
    """

    kind: str
    issue_key: str
    level: str
    reasons_vi: list[str]
    reasons_en: list[str]
    evidence: dict[str, Any] = field(default_factory=dict)


def level_with_hysteresis(previous_level: str | None, hotness: Hotness) -> str:
    """Return the level after hysteresis: a hot issue stays hot until its score < the exit threshold.

    Args:
        previous_level: the level last reported (``None`` for a new issue).
        hotness: the current score.

    Returns:
        ``normal`` | ``watch`` | ``hot``.
    """
    if previous_level is not None and previous_level not in LEVELS:
        raise ValueError(f"Mức không hợp lệ / unknown level: {previous_level}")
    if previous_level == "hot" and hotness.score >= hotness.facts["hot_exit_threshold"]:
        return "hot"
    return hotness.level


def _issue_reasons(h: Hotness) -> tuple[list[str], list[str]]:
    f = h.facts
    uv, ue = f["unit_vi"], f["unit_en"]
    r = f["recent_periods"]
    vi = [
        f"Điểm nóng {format_vi(h.score)}/100 (ngưỡng {format_vi(f['hot_threshold'])})",
    ]
    en = [f"Hotness {format_en(h.score)}/100 (threshold {format_en(f['hot_threshold'])})"]
    per = f["recent_total"] / r
    if f["ratio"] >= 1.5:
        vi.append(
            f"Số phản ánh {r} {uv} qua gấp {format_vi(f['ratio'])} lần mức thường "
            f"(trung bình {format_vi(per)}/{uv} so với {format_vi(f['baseline_rate'], 2)}/{uv})"
        )
        en.append(
            f"Signals in the last {r} {ue}s are {format_en(f['ratio'])}× the usual level "
            f"({format_en(per)}/{ue} on average against {format_en(f['baseline_rate'], 2)}/{ue})"
        )
    else:
        vi.append(f"{format_vi(f['recent_total'], 0)} phản ánh trong {r} {uv} qua")
        en.append(f"{format_en(f['recent_total'], 0)} signals in the last {r} {ue}s")
    if f["negative_share"] is not None and f["negative_share"] >= 0.5:
        vi.append(f"{format_vi(100 * f['negative_share'], 0)} % tiêu cực")
        en.append(f"{format_en(100 * f['negative_share'], 0)} % negative")
    if f["intensity"] is not None and f["intensity"] >= 0.5:
        vi.append(f"mức bức xúc {format_vi(f['intensity'], 2)}/1")
        en.append(f"anger/complaint intensity {format_en(f['intensity'], 2)}/1")
    if f["places"] >= 2:
        vi.append(f"{format_vi(f['places'], 0)} xã/phường")
        en.append(f"{format_en(f['places'], 0)} communes/wards")
    if f["sources"] >= 2:
        vi.append(f"{format_vi(f['sources'], 0)} nguồn khác nhau")
        en.append(f"{format_en(f['sources'], 0)} distinct sources")
    if f["sensitivity"] >= 0.6:
        vi.append(f"chủ đề nhạy cảm ({format_vi(f['sensitivity'], 2)}/1)")
        en.append(f"sensitive topic ({format_en(f['sensitivity'], 2)}/1)")
    return vi, en


def _burst_evidence(b: Burst) -> dict[str, Any]:
    return {
        "key": b.key,
        "start": b.start.isoformat(),
        "flagged_at": b.flagged_at.isoformat(),
        "peak": b.peak.isoformat(),
        "observed": b.observed,
        "expected": round(b.expected, 3),
        "score": round(b.score, 3),
    }


def evaluate_alerts(
    previous_level: str | None,
    hotness: Hotness,
    bursts: Sequence[Burst] = (),
    *,
    since: pd.Timestamp | None = None,
) -> list[Alert]:
    """Decide which alerts to raise for one issue at ``hotness.now``.

    Args:
        previous_level: the level last reported for the issue (``None`` if new).
        hotness: the current score of the issue.
        bursts: bursts of the issue's topic and places (from :mod:`duluan.analysis.bursts`).
        since: bursts flagged after this moment are new (default: one day before ``hotness.now``).

    Returns:
        The alerts, ``became_hot``/``cooled`` first, then one ``burst`` alert per new burst.
    """
    level = level_with_hysteresis(previous_level, hotness)
    since = hotness.now - pd.Timedelta(days=1) if since is None else pd.Timestamp(since)
    new_bursts = [b for b in bursts if since < b.flagged_at <= hotness.now]
    live_bursts = [b for b in bursts if b.flagged_at <= hotness.now and (b.ongoing or b.end >= since)]
    evidence = {
        "score": hotness.score,
        "level": level,
        "previous_level": previous_level,
        "components": {c.name: c.contribution for c in hotness.components},
        "facts": dict(hotness.facts),
        "bursts": [_burst_evidence(b) for b in live_bursts],
    }
    alerts = []
    if level == "hot" and previous_level != "hot":
        vi, en = _issue_reasons(hotness)
        vi += [f"Đột biến: {b.explanation}" for b in live_bursts]
        en += [f"Burst: {b.explanation_en}" for b in live_bursts]
        alerts.append(Alert("became_hot", hotness.issue_key, level, vi, en, evidence))
    elif previous_level == "hot" and level != "hot":
        f = hotness.facts
        alerts.append(
            Alert(
                "cooled",
                hotness.issue_key,
                level,
                [
                    f"Điểm nóng giảm còn {format_vi(hotness.score)}/100, dưới ngưỡng thôi nóng "
                    f"{format_vi(f['hot_exit_threshold'])}",
                    f"{format_vi(f['recent_total'], 0)} phản ánh trong "
                    f"{f['recent_periods']} {f['unit_vi']} qua",
                ],
                [
                    f"Hotness fell to {format_en(hotness.score)}/100, below the exit threshold "
                    f"{format_en(f['hot_exit_threshold'])}",
                    f"{format_en(f['recent_total'], 0)} signals in the last "
                    f"{f['recent_periods']} {f['unit_en']}s",
                ],
                evidence,
            )
        )
    for b in new_bursts:
        alerts.append(
            Alert(
                "burst",
                b.key,
                level,
                [b.explanation],
                [b.explanation_en],
                {**_burst_evidence(b), "issue_key": hotness.issue_key},
            )
        )
    return alerts
