"""Stories for Poisson-CUSUM burst detection."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from duluan.analysis.bursts import (
    CusumSettings,
    count_matrix,
    cusum_arl,
    cusum_path,
    cusum_threshold,
    detect_bursts,
    detect_bursts_by_key,
)


def _days(values, start="2025-01-01", freq="D"):
    return pd.Series(
        np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), freq=freq)
    )


def test_markov_chain_run_length_matches_simulation():
    # given the threshold for a 1-a-day series and a 100-period target run length
    mu, target = 1.0, 100.0
    h = cusum_threshold(mu, shift=2.0, arl0=target)
    # when a known-rate CUSUM is simulated until its false alarm, 400 times
    rng = np.random.default_rng(11)
    a = math.log(2.0)
    lengths = []
    for _ in range(400):
        s, k = 0.0, 0
        while s < h:
            k += 1
            s = max(0.0, s + rng.poisson(mu) * a - mu)
        lengths.append(k)
    # then the chain's figure is right and the simulated mean is within sampling error of it
    assert cusum_arl(mu, 2.0, h) == pytest.approx(target, rel=0.02)
    assert np.mean(lengths) == pytest.approx(target, rel=0.2)


def test_steady_series_false_alarms_stay_near_the_stated_rate():
    # given 24 steady Poisson series (2 a day) for a year, with the baseline estimated on the fly
    rng = np.random.default_rng(5)
    settings = CusumSettings(arl0=365.0, prior_rate=2.0)
    # when bursts are detected
    alarms = sum(
        len(detect_bursts(_days(rng.poisson(2.0, 365)), key="k", settings=settings)) for _ in range(24)
    )
    per_30_days = alarms / (24 * 365) * 30
    # then the false alarms are of the stated order (1 per 365 days = 0.08 per 30 days), well under 0.3
    assert per_30_days < 0.3


def test_injected_spike_is_flagged_within_a_few_days():
    # given 20 series at 2 a day that quadruple from day 60
    rng = np.random.default_rng(9)
    delays = []
    for _ in range(20):
        x = rng.poisson(2.0, 90).astype(float)
        x[60:75] = rng.poisson(8.0, 15)
        # when the chart runs (its alarm column is what a live screen would show that day)
        alarm = cusum_path(_days(x))["alarm"].to_numpy()
        delays.append(int(np.argmax(alarm[60:])) if alarm[60:].any() else 99)
    # then every spike is flagged within 4 days of its start, nearly all within 2
    assert max(delays) <= 4
    assert sum(d <= 2 for d in delays) >= 18


def test_burst_reports_what_was_expected_and_seen():
    # given a quiet series with a clear burst
    x = [1, 0, 1, 1, 0, 2, 1, 0, 1, 1] * 3 + [10, 14, 9, 1, 0, 1]
    # when detected
    (burst,) = detect_bursts(_days(x), key="ngập úng")
    # then the figures describe the burst and the wording says why
    assert burst.start == _days(x).index[30]
    assert burst.peak == _days(x).index[31]
    assert burst.observed >= 33
    assert burst.expected < burst.observed / 4
    assert burst.score >= 1
    assert "gấp" in burst.explanation and "ngập úng" in burst.explanation
    assert "×" in burst.explanation_en


def test_exposure_separates_a_topic_burst_from_overall_growth():
    # given a topic that keeps a steady 10 % share while the total volume grows fivefold
    rng = np.random.default_rng(2)
    total = np.linspace(10, 50, 60).round()
    topic = rng.binomial(total.astype(int), 0.1)
    # when detected with and without the total as exposure
    with_exposure = detect_bursts(_days(topic), key="k", exposure=_days(total))
    without = detect_bursts(_days(topic), key="k")
    # then the growth alone is a burst only when the exposure is ignored
    assert with_exposure == []
    assert len(without) >= 1


def test_bursts_by_place_only_name_the_place_that_burst():
    # given signals from two wards, one of which gets a sudden cluster
    rng = np.random.default_rng(4)
    rows = []
    for day in pd.date_range("2025-03-01", periods=40, freq="D"):
        for ward, rate in (("Phường Kinh Bắc", 1.0), ("Xã Tiên Du", 1.0)):
            boost = 8.0 if ward == "Xã Tiên Du" and day >= pd.Timestamp("2025-04-05") else 0.0
            rows += [{"ward": ward, "at": day + pd.Timedelta(hours=9)}] * int(rng.poisson(rate + boost))
    # when the per-place count matrix is scanned
    matrix = count_matrix(pd.DataFrame(rows), key="ward", time="at", freq="D")
    bursts = detect_bursts_by_key(matrix)
    # then only the ward with the cluster bursts, flagged around the 5th of April
    assert {b.key for b in bursts} == {"Xã Tiên Du"}
    assert bursts[-1].flagged_at <= pd.Timestamp("2025-04-07")
    assert bursts[-1].ongoing


def test_hourly_series_and_empty_series():
    # given an hourly series with a spike and an empty series
    x = [0, 1, 0, 0, 1, 0, 0, 0] * 4 + [6, 8, 7]
    # when detected
    bursts = detect_bursts(_days(x, freq="h"), key="k")
    # then the wording is in hours and the empty series yields nothing
    assert bursts and "giờ" in bursts[0].explanation
    assert detect_bursts(_days([]), key="k") == []


def test_a_day_still_being_counted_does_not_end_a_burst_at_midnight():
    # given a steady eight signals a day, a day of 20, and ten minutes of the next day (none yet)
    idx = pd.date_range("2026-03-01", periods=32, freq="D")
    x = pd.Series([8.0] * 30 + [20.0, 0.0], index=idx)
    # when read as a whole last day, as ten minutes of it, and as all of it
    whole = detect_bursts(x, key="ngập")
    live = detect_bursts(x, key="ngập", elapsed=10 / 1440)
    # then only the live reading keeps the burst going (a whole day of nothing would end it); the
    # first days' burst, before any history, is the same in both
    assert [b.flagged_at for b in whole] == [b.flagged_at for b in live] == [idx[0], idx[30]]
    assert live[-1].ongoing and not whole[-1].ongoing
    assert live[-1].end == idx[31] and live[-1].expected < whole[-1].expected + 0.1
    assert detect_bursts(x, key="ngập", elapsed=1.0) == whole
    with pytest.raises(ValueError, match="elapsed"):
        detect_bursts(x, key="ngập", elapsed=2.0)


def test_a_quiet_series_does_not_burst_at_midnight_with_nothing_new():
    # given a commune with a signal every other day, three yesterday, and ten minutes of today (none)
    idx = pd.date_range("2026-03-01", periods=32, freq="D")
    x = pd.Series([0.0, 1.0] * 15 + [3.0, 0.0], index=idx)
    # when read live (10 minutes of the last day gone by) and as a whole last day
    live = cusum_path(x, elapsed=10 / 1440)
    whole = cusum_path(x)
    # then nothing bursts: today keeps a whole day's threshold, not one for ten minutes' expected
    # count (1.28 instead of 3.5 flagged yesterday's three signals at midnight)
    assert detect_bursts(x, key="xã", elapsed=10 / 1440) == detect_bursts(x, key="xã") == []
    assert live["threshold"].iloc[-1] == whole["threshold"].iloc[-1] > 3
    assert live["expected"].iloc[-1] < whole["expected"].iloc[-1] / 10


def test_a_topic_counted_live_keeps_a_usual_days_threshold():
    # given a topic with a signal every other day out of 20 a day, three yesterday, and today one
    # signal so far, on another topic
    idx = pd.date_range("2026-03-01", periods=32, freq="D")
    x = pd.Series([0.0, 1.0] * 15 + [3.0, 0.0], index=idx)
    exposure = pd.Series([20.0] * 31 + [1.0], index=idx)
    # when the last day is read as still being counted, and as a whole day of one signal
    live = detect_bursts(x, key="đất đai", exposure=exposure, elapsed=10 / 1440)
    whole = detect_bursts(x, key="đất đai", exposure=exposure)
    # then only the whole day of one signal (where three would be a real jump in share) bursts;
    # live, the threshold is that of a usual day of 20 signals
    assert live == [] and [b.flagged_at for b in whole] == [idx[-1]]
    path = cusum_path(x, exposure=exposure, elapsed=10 / 1440)
    steady = cusum_path(x, exposure=pd.Series(20.0, index=idx))
    assert path["threshold"].iloc[-1] == steady["threshold"].iloc[-1]
    # and the exposure, counted live, is not scaled again by the part of the day gone by
    assert path["expected"].iloc[-1] == cusum_path(x, exposure=exposure)["expected"].iloc[-1]
