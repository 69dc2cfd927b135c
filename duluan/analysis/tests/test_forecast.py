"""Stories for the 7-day count forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.analysis.forecast import METHODS, forecast, mase, rolling_origin_errors

WEEKLY = np.array([1.3, 1.2, 1.1, 1.0, 1.0, 0.6, 0.5])


def _daily(values, start="2025-01-06"):
    return pd.Series(
        np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), freq="D")
    )


def _simulated(rng, n, level, alpha=0.1):
    mu = level * WEEKLY[np.arange(n) % 7]
    return rng.poisson(rng.gamma(1 / alpha, mu * alpha))


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=40), min_size=0, max_size=70),
    method=st.sampled_from((*METHODS, "auto")),
)
def test_forecasts_and_bounds_are_never_negative(counts, method):
    # given any count history (including empty and all-zero ones)
    series = _daily(counts)
    # when forecast
    f = forecast(series, method=method)
    # then every figure is a number ≥ 0 and the intervals are nested around the mean
    assert len(f.mean) == 7 and np.all(f.mean >= 0)
    for level in (0.8, 0.95):
        assert np.all(f.lower[level] >= 0)
        assert np.all(f.lower[level] <= f.upper[level])
    assert np.all(f.lower[0.95] <= f.lower[0.8]) and np.all(f.upper[0.8] <= f.upper[0.95])
    assert f.reason_vi and f.reason_en


def test_interval_coverage_is_near_nominal_on_simulated_counts():
    # given 25 simulated overdispersed daily series with a weekly pattern
    rng = np.random.default_rng(21)
    frames = [
        rolling_origin_errors(
            _daily(_simulated(rng, 98, rng.uniform(2, 15))),
            methods=("poisson_glm", "seasonal_naive"),
            min_history=56,
            step=7,
        )
        for _ in range(25)
    ]
    # when the rolling-origin coverage is measured
    summary = pd.concat(frames).groupby("method")[["cover80", "cover95"]].mean()
    # then both methods cover close to 80 % and 95 %
    assert summary["cover80"].between(0.72, 0.9).all()
    assert summary["cover95"].between(0.88, 0.99).all()


def test_glm_learns_the_weekly_pattern():
    # given 10 weeks of busy weekdays and quiet weekends
    rng = np.random.default_rng(1)
    series = _daily(rng.poisson(10 * WEEKLY[np.arange(70) % 7]))
    # when forecast from a Sunday (the next day is Monday)
    f = forecast(series, method="poisson_glm")
    # then Monday is forecast well above Sunday
    by_day = dict(zip(f.index.day_of_week, f.mean))
    assert series.index[-1].day_of_week == 6
    assert by_day[0] > 1.8 * by_day[6]


def test_glm_beats_seasonal_naive_on_noisy_weekly_counts():
    # given noisy weekly series
    rng = np.random.default_rng(8)
    errors = pd.concat(
        rolling_origin_errors(
            _daily(_simulated(rng, 84, 6.0, alpha=0.2)),
            methods=("poisson_glm", "seasonal_naive"),
            min_history=56,
            step=7,
        )
        for _ in range(15)
    )
    # when mean absolute errors are compared
    mae = errors.groupby("method")["mae"].mean()
    # then the pooled model is more accurate than repeating last week
    assert mae["poisson_glm"] < mae["seasonal_naive"]


def test_short_series_fall_back_with_a_stated_reason():
    # given five days of history and an empty history
    short = _daily([2, 3, 1, 4, 2])
    empty = _daily([])
    # when forecast with the model
    f = forecast(short, method="poisson_glm")
    g = forecast(empty)
    # then the mean of what there is is used and the reason says so
    assert f.method == "moving_average"
    assert f.mean == pytest.approx(np.full(7, 2.4))
    assert "chuỗi ngắn" in f.reason_vi and "short series" in f.reason_en
    assert g.method == "none" and np.all(g.mean == 0)


def test_forecast_index_continues_the_series():
    # given a week of history
    series = _daily([1] * 14)
    # when forecast
    f = forecast(series)
    # then the seven days after the last observed day are forecast
    assert f.index[0] == series.index[-1] + pd.Timedelta(days=1)
    assert list(f.to_frame().columns) == ["mean", "lo80", "hi80", "lo95", "hi95"]


def test_mase_scales_by_the_seasonal_naive_error():
    # given a history whose seasonal-naive in-sample error is 2 per day
    history = np.array([0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2], dtype=float)
    # when a forecast is 1 off every day / then the MASE is 0.5
    assert mase(np.full(7, 3.0), np.full(7, 2.0), history, 7) == pytest.approx(0.5)


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown method"):
        forecast(_daily([1, 2, 3]), method="prophet")


def test_auto_picks_the_method_that_re_forecasts_the_series_best():
    # given a week that repeats exactly for ten weeks
    series = _daily(np.tile([5, 9, 2, 7, 3, 0, 1], 10))
    # when forecast with the automatic choice
    f = forecast(series)
    # then repeating last week wins, the reason names the measured errors, and the week is reproduced
    assert f.method == "seasonal_naive"
    assert "sai số" in f.reason_vi and "poisson_glm" in f.reason_en
    assert f.mean.tolist() == [5, 9, 2, 7, 3, 0, 1]
