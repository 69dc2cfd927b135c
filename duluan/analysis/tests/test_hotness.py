"""Stories for the explainable hotness score."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from duluan.analysis.hotness import (
    DEFAULT_WEIGHTS_PATH,
    HotnessWeights,
    IssueSeries,
    format_vi,
    hotness,
)


def _series(counts, *, neg=0.6, intensity=0.5, places=None, sources=None, freq="D", prior=None, sens=0.5):
    counts = np.asarray(counts, dtype=float)
    n = len(counts)
    idx = pd.date_range("2026-01-01", periods=n, freq=freq)
    return IssueSeries(
        key="issue-1",
        index=idx,
        counts=counts,
        negative_share=np.where(counts > 0, neg, np.nan),
        intensity=np.where(counts > 0, intensity, np.nan),
        sources=np.minimum(counts, 2) if sources is None else sources,
        places=np.minimum(counts, 2) if places is None else places,
        sensitivity=sens,
        prior_rate=prior,
        freq=freq,
    )


def test_flat_poisson_series_is_never_hot():
    # given forty issues with a steady 2 signals a day for 60 days
    rng = np.random.default_rng(7)
    weights = HotnessWeights()
    levels = []
    for _ in range(40):
        series = _series(rng.poisson(2.0, 60))
        # when each day from day 30 on is scored with only the data up to that day
        levels += [hotness(series, now=series.index[t], weights=weights).level for t in range(30, 60)]
    # then none is hot
    assert "hot" not in levels


def test_injected_spike_turns_hot_on_the_spike_day():
    # given a steady issue that jumps to 12 signals a day from 4 places on day 40
    rng = np.random.default_rng(3)
    counts = rng.poisson(2.0, 45).astype(float)
    counts[40:] = 12
    places = np.minimum(counts, 2)
    places[40:] = 4
    series = _series(counts, neg=0.8, places=places)
    # when scoring the day before and the spike day
    before = hotness(series, now=series.index[39], weights=HotnessWeights())
    on = hotness(series, now=series.index[40], weights=HotnessWeights())
    # then the spike day is hot and growth drives it
    assert before.level != "hot"
    assert on.level == "hot"
    growth = next(c for c in on.components if c.name == "growth")
    assert growth.value > 0.3 and on.facts["ratio"] > 3
    assert "gấp" in growth.explanation_vi and "×" in growth.explanation_en


def test_contributions_add_up_to_the_score_and_each_is_explained():
    # given any series
    series = _series([0, 1, 3, 2, 8, 9])
    # when scored
    h = hotness(series, now=series.index[-1], weights=HotnessWeights())
    # then the score is the sum of the contributions and every component is explained in both languages
    assert h.score == pytest.approx(sum(c.contribution for c in h.components), abs=0.05)
    assert 0 <= h.score <= 100
    assert [c.name for c in h.components] == list(HotnessWeights.COMPONENTS)
    assert all(c.explanation_vi and c.explanation_en for c in h.components)


def test_new_issue_uses_the_topic_prior_baseline():
    # given two brand-new issues (one period of history) in a topic that usually sees 0.5 a day
    small = _series([3], prior=0.5)
    large = _series([30], prior=0.5, places=[8], sources=[6])
    # when scored on their first day
    h_small = hotness(small, now=small.index[0], weights=HotnessWeights())
    h_large = hotness(large, now=large.index[0], weights=HotnessWeights())
    # then the small one is not hot, the large one is, and both baselines are the prior
    assert h_small.level != "hot"
    assert h_large.level == "hot"
    assert h_small.facts["baseline_rate"] == pytest.approx(0.5)
    assert h_small.facts["baseline_periods_used"] == 0


def test_a_busier_topic_prior_makes_the_same_volume_less_surprising():
    # given the same new issue in a quiet topic and in a busy topic
    quiet = _series([10], prior=0.3)
    busy = _series([10], prior=5.0)
    # when scored
    g_quiet = hotness(quiet, now=quiet.index[0], weights=HotnessWeights()).facts["surprise"]
    g_busy = hotness(busy, now=busy.index[0], weights=HotnessWeights()).facts["surprise"]
    # then growth is more surprising in the quiet topic
    assert g_quiet > g_busy


def test_score_reads_nothing_after_now():
    # given a series with a spike after day 20
    counts = np.full(30, 2.0)
    counts[21:] = 40
    series = _series(counts)
    truncated = _series(counts[:21])
    # when scoring day 20 on the full and on the truncated series
    full = hotness(series, now=series.index[20], weights=HotnessWeights())
    cut = hotness(truncated, now=truncated.index[20], weights=HotnessWeights())
    # then the results are identical
    assert full.score == cut.score
    assert full.components == cut.components


def test_an_issue_that_went_quiet_cools_down():
    # given an issue that was loud and then silent for a week
    series = _series([20, 25, 30] + [0] * 7)
    # when scored at the loud peak and after the silence
    peak = hotness(series, now=series.index[2], weights=HotnessWeights())
    later = hotness(series, now=series.index[-1], weights=HotnessWeights())
    # then it was hot and is now normal, with recency explaining the age of the last signal
    assert peak.level == "hot"
    assert later.level == "normal"
    recency = next(c for c in later.components if c.name == "recency")
    assert "7 ngày" in recency.explanation_vi


def test_hourly_series_speak_in_hours():
    # given an hourly series
    series = _series([0, 1, 0, 2, 9, 12], freq="h")
    # when scored
    h = hotness(series, now=series.index[-1], weights=HotnessWeights())
    # then the explanations count hours
    volume = next(c for c in h.components if c.name == "volume")
    assert "giờ" in volume.explanation_vi and "hours" in volume.explanation_en


def test_weights_round_trip_and_reject_unknown_keys():
    # given the shipped weights file
    shipped = json.loads(DEFAULT_WEIGHTS_PATH.read_text(encoding="utf-8"))
    # when loaded, edited and dumped
    weights = HotnessWeights.load_default()
    edited = HotnessWeights.from_dict({**weights.to_dict(), "growth": 40.0})
    # then the file matches the dataclass and edits survive; typos and bad thresholds are refused
    assert weights == HotnessWeights(**shipped)
    assert edited.growth == 40.0
    with pytest.raises(ValueError, match="unknown"):
        HotnessWeights.from_dict({"grwoth": 1.0})
    with pytest.raises(ValueError):
        HotnessWeights.from_dict({"hot_threshold": 30.0})


def test_higher_weight_on_a_component_raises_its_share():
    # given a very negative issue
    series = _series([2, 2, 2, 2, 3], neg=1.0)
    # when the negative weight is doubled
    base = hotness(series, now=series.index[-1], weights=HotnessWeights())
    heavier = hotness(series, now=series.index[-1], weights=HotnessWeights(negative=24.0))

    # then the negative contribution grows
    def negative(h):
        return next(c.contribution for c in h.components if c.name == "negative")

    assert negative(heavier) > negative(base)


def test_vietnamese_numbers():
    # given numbers / when formatted / then Vietnamese marks are used
    assert format_vi(1234.5) == "1.234,5"
    assert format_vi(3.0) == "3"
    assert format_vi(0.25, 2) == "0,25"


def test_exposure_keeps_overall_growth_from_making_an_issue_hot():
    # given an issue that keeps 10 % of all signals while the total intake grows from 10 to 120 a day
    total = np.r_[np.full(30, 10.0), np.full(5, 120.0)]
    counts = total * 0.1
    idx = pd.date_range("2026-01-01", periods=35, freq="D")
    plain = IssueSeries(key="k", index=idx, counts=counts, negative_share=np.full(35, 0.8))
    exposed = IssueSeries(key="k", index=idx, counts=counts, negative_share=np.full(35, 0.8), exposure=total)
    # when scored at the end with and without the exposure
    without = hotness(plain, now=idx[-1], weights=HotnessWeights())
    with_exposure = hotness(exposed, now=idx[-1], weights=HotnessWeights())
    # then only the exposure-aware score sees that its share did not change
    assert with_exposure.facts["ratio"] == pytest.approx(1.0, rel=0.05)
    assert with_exposure.facts["surprise"] == 0.0
    assert without.facts["ratio"] > 5
    assert with_exposure.score < without.score


def test_silence_after_the_last_row_counts_as_silence():
    # given a series whose rows stop at a loud day
    series = _series([2, 2, 2, 2, 20, 25, 30])
    # when scored at the last row and five days later
    at_end = hotness(series, now=series.index[-1], weights=HotnessWeights())
    later = hotness(series, now=series.index[-1] + pd.Timedelta(days=5), weights=HotnessWeights())
    # then the later score sees no recent signals
    assert at_end.level == "hot"
    assert later.facts["recent_total"] == 0
    assert later.facts["periods_since_last"] == 5
    assert later.level == "normal"


def _comparable(h):
    # the calendar facts aside: which period now is in, and how far into it
    return (
        h.score,
        h.level,
        {k: v for k, v in h.facts.items() if k not in ("elapsed", "periods_since_last")},
    )


@pytest.mark.parametrize("exposed", [False, True])
def test_a_live_window_runs_on_across_a_period_boundary(exposed):
    # given an issue surging for three days on top of a month of one signal a day (with the day's
    # total intake as exposure, or without)
    counts = np.r_[np.ones(30), [8.0, 8.0, 8.0]]
    exposure = np.r_[np.full(30, 40.0), [45.0, 50.0, 48.0]] if exposed else None
    series = replace(_series(counts), exposure=exposure)
    later = replace(_series(np.r_[counts, 0.0]), exposure=None if exposure is None else np.r_[exposure, 0.0])
    # when scored at the very end of the last day, and at the very start of the next (nothing yet,
    # neither of the issue nor of the intake)
    end = hotness(series, now=series.index[-1], weights=HotnessWeights(), elapsed=1.0)
    start = hotness(later, now=later.index[-1], weights=HotnessWeights(), elapsed=0.0)
    # then the two read the same 72 hours and agree, as the last-period reading at the end does
    assert _comparable(start) == _comparable(end)
    whole = hotness(series, now=series.index[-1], weights=HotnessWeights())
    assert _comparable(end) == _comparable(whole)
    assert start.level == "hot" and start.facts["recent_total"] == 24
    # while a window of whole days loses the oldest surge day at midnight
    assert hotness(later, now=later.index[-1], weights=HotnessWeights()).facts["recent_total"] == 16


def test_a_live_window_counts_the_part_of_the_oldest_day_still_inside_it():
    # given a quiet baseline, then 4, 6, 10 signals, and 2 so far on the current day
    series = _series(np.r_[np.ones(30), [4.0, 6.0, 10.0, 2.0]], sources=np.r_[np.ones(30), [9.0, 1, 1, 1]])
    # when scored a quarter into that day
    h = hotness(series, now=series.index[-1], weights=HotnessWeights(), elapsed=0.25)
    # then the window holds three quarters of the day three days back, the baseline the other
    # quarter (and a quarter of the day it reaches back to), so it stays 28 days long
    assert h.facts["recent_total"] == pytest.approx(0.75 * 4 + 6 + 10 + 2)
    growth = next(c for c in h.components if c.name == "growth")
    assert h.facts["baseline_periods_used"] == 28 and "kết hợp" not in growth.explanation_vi
    assert h.facts["baseline_rate"] == pytest.approx((0.25 * 4 + 27 + 0.75 * 1) / 28)
    assert h.facts["sources"] == pytest.approx(0.75 * 9)
    assert h.facts["elapsed"] == 0.25


@pytest.mark.parametrize("elapsed", [-0.1, 1.5, float("nan")])
def test_an_elapsed_part_outside_the_period_is_refused(elapsed):
    with pytest.raises(ValueError, match="elapsed"):
        hotness(_series([1, 2, 3]), now="2026-01-03", weights=HotnessWeights(), elapsed=elapsed)
