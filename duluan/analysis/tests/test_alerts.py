"""Stories for hot-issue alerts with hysteresis and reasons."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from duluan.analysis.alerts import evaluate_alerts, level_with_hysteresis
from duluan.analysis.bursts import detect_bursts
from duluan.analysis.hotness import HotnessWeights, IssueSeries, hotness


def _issue(counts, *, neg=0.8, places=None):
    counts = np.asarray(counts, dtype=float)
    idx = pd.date_range("2026-01-01", periods=len(counts), freq="D")
    return IssueSeries(
        key="ngập-úng-tiên-du",
        index=idx,
        counts=counts,
        negative_share=np.where(counts > 0, neg, np.nan),
        intensity=np.where(counts > 0, 0.6, np.nan),
        sources=np.minimum(counts, 3),
        places=np.minimum(counts, 2) if places is None else places,
        sensitivity=0.7,
    )


def _run(series, start=0):
    """Evaluate alerts day by day, carrying the level as the platform would."""
    level, alerts = None, []
    weights = HotnessWeights()
    for t in range(start, len(series.counts)):
        h = hotness(series, now=series.index[t], weights=weights)
        found = evaluate_alerts(level, h, [])
        level = level_with_hysteresis(level, h)
        alerts += [(t, a) for a in found]
    return alerts


def test_flat_poisson_issue_raises_no_alert():
    # given 30 ordinary issues (half negative) with a steady 2 signals a day for 90 days
    rng = np.random.default_rng(12)
    # when evaluated day by day
    alerts = [a for _ in range(30) for a in _run(_issue(rng.poisson(2.0, 90), neg=0.5), start=28)]
    # then nothing turns hot
    assert alerts == []


def test_steady_angry_sensitive_issue_rarely_turns_hot():
    # given 30 steady issues that are 80 % negative, in a sensitive topic, from 2 wards and 3 sources
    rng = np.random.default_rng(12)
    # when evaluated day by day over 62 days each
    alerts = [a for _ in range(30) for a in _run(_issue(rng.poisson(2.0, 90)), start=28)]
    # then false hot alerts stay under one per 20 issue-months (0.05 per 30 days)
    assert len(alerts) / (30 * 62) * 30 < 0.05


def test_spike_raises_one_hot_alert_that_says_why():
    # given a steady issue that jumps to ~12 a day from 5 wards on day 40 and stays up a week
    rng = np.random.default_rng(4)
    counts = rng.poisson(2.0, 50).astype(float)
    counts[40:47] = rng.poisson(12.0, 7)
    places = np.minimum(counts, 2)
    places[40:47] = 5
    # when evaluated day by day
    alerts = _run(_issue(counts, places=places), start=28)
    hot = [(t, a) for t, a in alerts if a.kind == "became_hot"]
    # then exactly one alert fires, within 2 days of the jump, with reasons in both languages
    assert len(hot) == 1
    day, alert = hot[0]
    assert 40 <= day <= 42
    text = " | ".join(alert.reasons_vi)
    assert "gấp" in text and "mức thường" in text
    assert "% tiêu cực" in text and "5 xã/phường" in text
    assert any("×" in r for r in alert.reasons_en) and len(alert.reasons_en) == len(alert.reasons_vi)
    assert alert.evidence["facts"]["ratio"] > 2.5


def test_hysteresis_prevents_flapping():
    # given a hot issue whose score then wobbles around the hot threshold
    base = hotness(_issue([2] * 30 + [15, 18, 20]), now=pd.Timestamp("2026-02-02"), weights=HotnessWeights())
    assert base.level == "hot"
    wobble = [70.0, 60.0, 66.0, 58.0, 71.0, 50.0, 68.0]

    def at(score):
        level = "hot" if score >= 65 else ("watch" if score >= 40 else "normal")
        return dataclasses.replace(base, score=score, level=level)

    # when alerts are evaluated along the wobble
    level, kinds = None, []
    for score in wobble:
        h = at(score)
        kinds += [a.kind for a in evaluate_alerts(level, h, [])]
        level = level_with_hysteresis(level, h)
    # then it turns hot once, cools only when it drops below 55, and turns hot again after that
    assert kinds == ["became_hot", "cooled", "became_hot"]


def test_burst_alert_fires_once_on_the_day_it_is_flagged():
    # given a topic series that bursts
    x = pd.Series(
        [1, 0, 1, 1, 0, 2, 1, 0, 1, 1] * 3 + [9, 12, 14, 13],
        index=pd.date_range("2026-01-01", periods=34, freq="D"),
        dtype=float,
    )
    issue = _issue(x.to_numpy())
    # when each day is evaluated with the bursts detected from the data up to that day
    fired = []
    level = None
    for t in range(28, 34):
        bursts = detect_bursts(x.iloc[: t + 1], key="Ngập úng")
        h = hotness(issue, now=x.index[t], weights=HotnessWeights())
        fired += [(t, a) for a in evaluate_alerts(level, h, bursts) if a.kind == "burst"]
        level = level_with_hysteresis(level, h)
    # then exactly one burst alert, naming the topic and why
    assert len(fired) == 1
    day, alert = fired[0]
    assert day in (30, 31)
    assert alert.issue_key == "Ngập úng"
    assert "gấp" in alert.reasons_vi[0] and "×" in alert.reasons_en[0]


def test_unknown_previous_level_is_refused():
    h = hotness(_issue([1, 2, 3]), now=pd.Timestamp("2026-01-03"), weights=HotnessWeights())
    with pytest.raises(ValueError):
        evaluate_alerts("very hot", h, [])
