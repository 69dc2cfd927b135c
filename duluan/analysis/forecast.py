"""Seven-day forecast of a daily signal count, with 80 % and 95 % intervals that are never negative.

Point forecasts (``m`` = ``season``, 7 for days of the week, 24 for hours of the day):

* ``seasonal_naive`` — the same period one season ago: ``ŷ(T+h) = y(T+h−m·k)``.
* ``moving_average`` — the mean of the last ``2·m`` periods, flat.
* ``poisson_glm`` — a Poisson log-linear model ``log μₜ = β₀ + β_{phase(t)}`` (phase = day of
  week) fitted by iteratively reweighted least squares on the last ``8·m`` periods, with
  exponentially decaying weights (half-life ``2·m``: recent weeks count more) and a ridge penalty
  (``λ = 1``) that pulls the day-of-week effects towards none when the data are thin.
* ``poisson_glm_trend`` — the same plus a linear trend in ``t`` (more strongly penalised, ``λ = 10``),
  whose effect on the forecast is capped at ×2 / ×½ so one busy week is not extrapolated to the sky.
* ``auto`` — the default. With at least ``4·m + horizon`` periods, the series picks for itself:
  ``seasonal_naive``, ``moving_average`` and ``poisson_glm`` are re-run from its last 4 origins
  (``horizon`` periods apart at most, each with ≥ ``3·m`` periods of history) and the one with the
  lowest mean absolute error is used (the reason names the errors). Shorter series use
  :data:`DEFAULT_METHOD` (``poisson_glm``, the most accurate on the simulated daily backtest of
  ``bench/backtest_hotness.py``) with the fall-backs below.

Intervals: the count at ``T+h`` is taken as negative binomial with the method's point forecast as
mean (floored at ``max(0.05, 0.25·recent mean)`` so a zero forecast still has an upper bound) and
variance ``μ + α·μ²``. ``α`` is fitted by the method of moments to **the method's own past errors**:
the method is re-run from earlier origins of the same series (up to 28 for the cheap methods, 8
for the models) and ``α = max(0, Σ((y−μ)² − μ) / Σ μ²)`` over all those forecasts. The intervals
are the NB quantiles, so they are integers ≥ 0 and include the method's real error, not just
Poisson noise. With fewer than ``2·m`` periods there are no past errors: ``α`` = 0.5 is assumed
(stated in the reason).

Short series: none → zeros with the reason; fewer than ``2·m`` periods → the mean of what there
is; fewer than ``3·m`` → no model (moving average); the chosen method is in ``Forecast.method``
and the reason in ``reason_vi`` / ``reason_en``.

Example:
    >>> import pandas as pd
    >>> y = pd.Series([3, 4, 2, 5, 3, 1, 0] * 6, index=pd.date_range("2026-01-05", periods=42))
    >>> f = forecast(y, method="seasonal_naive")
    >>> f.mean.tolist(), bool((f.lower[0.8] >= 0).all())
    ([3.0, 4.0, 2.0, 5.0, 3.0, 1.0, 0.0], True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

METHODS = ("seasonal_naive", "moving_average", "poisson_glm", "poisson_glm_trend")
# Used by "auto" on series too short to choose for themselves. In bench/backtest_hotness.py it had the
# lowest MASE on simulated daily series (0.83 against 1.05 for seasonal naïve); on the real hourly
# news series seasonal naïve won (MASE 1.40 against 2.07), which is why "auto" lets a long enough
# series choose by its own errors (MASE 0.85 simulated, 1.74 real: second best on both).
DEFAULT_METHOD = "poisson_glm"
DEFAULT_ALPHA = 0.5
LEVELS = (0.8, 0.95)


@dataclass(frozen=True)
class Forecast:
    """A forecast for the next ``horizon`` periods.

    Attributes:
        method: the method actually used (after any fall-back).
        index: the forecast periods.
        mean: point forecast per period (≥ 0).
        lower: per interval level (0.8, 0.95) the lower bounds (integers ≥ 0).
        upper: per interval level the upper bounds.
        alpha: the negative-binomial overdispersion used for the intervals.
        reason_vi: why this method (and any fall-back), in Vietnamese.
        reason_en: the same in English.
    """

    method: str
    index: pd.DatetimeIndex
    mean: np.ndarray
    lower: dict[float, np.ndarray]
    upper: dict[float, np.ndarray]
    alpha: float
    reason_vi: str
    reason_en: str

    def to_frame(self) -> pd.DataFrame:
        """Return one row per period: ``mean``, ``lo80``, ``hi80``, ``lo95``, ``hi95``."""
        data = {"mean": self.mean}
        for level in sorted(self.lower):
            pct = round(level * 100)
            data[f"lo{pct}"] = self.lower[level]
            data[f"hi{pct}"] = self.upper[level]
        return pd.DataFrame(data, index=self.index)


def _seasonal_naive(y: np.ndarray, horizon: int, season: int) -> np.ndarray:
    if len(y) < season:
        return np.full(horizon, y.mean() if len(y) else 0.0)
    last = y[-season:]
    return np.array([last[h % season] for h in range(horizon)], dtype=float)


def _moving_average(y: np.ndarray, horizon: int, season: int) -> np.ndarray:
    window = y[-2 * season :]
    return np.full(horizon, window.mean() if len(window) else 0.0)


def _poisson_irls(x: np.ndarray, y: np.ndarray, weights: np.ndarray, penalty: np.ndarray) -> np.ndarray:
    """Penalised, weighted Poisson regression (log link) by IRLS; returns the coefficients."""
    beta = np.zeros(x.shape[1])
    beta[0] = np.log(max(np.average(y, weights=weights), 1e-3))
    for _ in range(50):
        eta = np.clip(x @ beta, -20, 20)
        mu = np.exp(eta)
        z = eta + (y - mu) / mu
        wm = weights * mu
        lhs = x.T @ (wm[:, None] * x) + np.diag(penalty)
        new = np.linalg.solve(lhs, x.T @ (wm * z))
        if np.max(np.abs(new - beta)) < 1e-8:
            return new
        beta = new
    return beta


def _glm(y: np.ndarray, horizon: int, season: int, *, trend: bool) -> np.ndarray:
    window = min(len(y), 8 * season)
    yw = y[-window:]
    t = np.arange(window)
    t_future = np.arange(window, window + horizon)
    # phase of each period within the season, aligned on the last observed period
    phase = (np.arange(len(y))[-window:]) % season
    phase_future = np.arange(len(y), len(y) + horizon) % season

    def design(ph: np.ndarray, tt: np.ndarray) -> np.ndarray:
        cols = [np.ones(len(ph))] + [(ph == k).astype(float) for k in range(1, season)]
        if trend:
            cols.append((tt - window) / season)  # trend per season, 0 at the forecast origin
        return np.column_stack(cols)

    weights = 0.5 ** ((window - 1 - t) / (2 * season))
    penalty = np.r_[0.0, np.full(season - 1, 1.0), [10.0] if trend else []]
    beta = _poisson_irls(design(phase, t), yw, weights, penalty)
    eta = design(phase_future, t_future) @ beta
    if trend:
        # cap the trend's multiplicative effect at ×2 / ×½ over the horizon
        effect = np.clip(beta[-1] * (t_future - window) / season, np.log(0.5), np.log(2.0))
        eta = eta - beta[-1] * (t_future - window) / season + effect
    return np.exp(np.clip(eta, -20, 20))


_POINT: dict[str, Callable[[np.ndarray, int, int], np.ndarray]] = {
    "seasonal_naive": _seasonal_naive,
    "moving_average": _moving_average,
    "poisson_glm": lambda y, h, m: _glm(y, h, m, trend=False),
    "poisson_glm_trend": lambda y, h, m: _glm(y, h, m, trend=True),
}


def _floor(y: np.ndarray, season: int) -> float:
    recent = y[-2 * season :]
    return max(0.05, 0.25 * float(recent.mean()) if len(recent) else 0.05)


def _calibrate_alpha(y: np.ndarray, method: str, horizon: int, season: int) -> float | None:
    """Fit the NB overdispersion to the method's errors from earlier origins of the same series."""
    cheap = method in ("seasonal_naive", "moving_average")
    first = 2 * season if cheap else 3 * season
    last = len(y) - 1  # origins leave at least one period to compare with
    if last < first:
        return None
    count = 28 if cheap else 8
    step = 1 if cheap else max(1, season // 2)
    origins = list(range(last, first - 1, -step))[:count]
    num = den = 0.0
    for origin in origins:
        history, future = y[:origin], y[origin : origin + horizon]
        mu = np.maximum(_POINT[method](history, len(future), season), _floor(history, season))
        num += float(np.sum((future - mu) ** 2 - mu))
        den += float(np.sum(mu**2))
    return max(0.0, num / den) if den > 0 else None


AUTO_CANDIDATES = ("seasonal_naive", "moving_average", "poisson_glm")


def _select_by_own_errors(y: np.ndarray, horizon: int, season: int) -> tuple[str, dict[str, float]] | None:
    """Pick the candidate with the lowest MAE re-forecasting the series' own recent past."""
    if len(y) < 4 * season + horizon:
        return None
    step = max(1, min(horizon, season))
    origins = [o for o in range(len(y) - horizon, 3 * season - 1, -step)][:4]
    errors = {}
    for name in AUTO_CANDIDATES:
        errors[name] = float(
            np.mean(
                [np.mean(np.abs(y[o : o + horizon] - _POINT[name](y[:o], horizon, season))) for o in origins]
            )
        )
    return min(errors, key=errors.__getitem__), errors


def _intervals(mean: np.ndarray, alpha: float, levels: tuple[float, ...]) -> tuple[dict, dict]:
    from scipy import stats  # not with the module: see duluan.analysis.bursts.cusum_arl

    lower, upper = {}, {}
    for level in levels:
        qs = ((1 - level) / 2, (1 + level) / 2)
        if alpha < 1e-6:
            lo, hi = (stats.poisson.ppf(q, mean) for q in qs)
        else:
            n = 1.0 / alpha
            p = 1.0 / (1.0 + alpha * mean)
            lo, hi = (stats.nbinom.ppf(q, n, p) for q in qs)
        lower[level], upper[level] = np.maximum(lo, 0.0), np.maximum(hi, 0.0)
    return lower, upper


def forecast(
    series: pd.Series,
    *,
    horizon: int = 7,
    season: int = 7,
    method: str = "auto",
    levels: tuple[float, ...] = LEVELS,
) -> Forecast:
    """Forecast the next ``horizon`` periods of a regular count series.

    Args:
        series: counts per period on a regular DatetimeIndex (missing periods as 0 rows).
        horizon: periods to forecast (7 days by default).
        season: periods per seasonal cycle (7 for days of the week, 24 for hours of the day).
        method: one of :data:`METHODS` or ``"auto"`` (:data:`DEFAULT_METHOD` with fall-backs).
        levels: central interval levels.

    Returns:
        The :class:`Forecast`; ``method`` says what was used and ``reason_*`` why.

    Raises:
        ValueError: on an unknown method or negative counts.
    """
    if method != "auto" and method not in _POINT:
        raise ValueError(f"Phương pháp không hợp lệ / unknown method: {method}")
    y = series.to_numpy(float)
    if np.any(y < 0) or np.any(np.isnan(y)):
        raise ValueError("Số đếm phải không âm và đầy đủ / counts must be non-negative, no gaps")
    freq = series.index.freq or (pd.infer_freq(series.index) if len(series) >= 3 else None) or "D"
    start = series.index[-1] if len(series) else pd.Timestamp("1970-01-01")
    index = pd.date_range(start, periods=horizon + 1, freq=freq)[1:]
    wanted = DEFAULT_METHOD if method == "auto" else method
    used, reason_vi, reason_en = wanted, f"phương pháp {wanted}", f"method {wanted}"
    if method == "auto":
        picked = _select_by_own_errors(y, horizon, season)
        if picked is not None:
            wanted = used = picked[0]
            errors = ", ".join(f"{name} {value:.2f}" for name, value in picked[1].items())
            reason_vi = (
                f"chọn {used}: sai số tuyệt đối trung bình thấp nhất trên 4 lần dự báo lại quá khứ ({errors})"
            )
            reason_en = f"chose {used}: lowest mean absolute error over 4 past re-forecasts ({errors})"
    if len(y) == 0:
        zeros = np.zeros(horizon)
        return Forecast(
            "none",
            index,
            zeros,
            {lv: zeros for lv in levels},
            {lv: zeros for lv in levels},
            0.0,
            "chưa có số liệu: dự báo 0",
            "no history: forecast 0",
        )
    if len(y) < 2 * season:
        used = "moving_average"
        reason_vi = f"chuỗi ngắn ({len(y)} kỳ < {2 * season}): dùng trung bình các kỳ đã có"
        reason_en = f"short series ({len(y)} periods < {2 * season}): mean of the periods so far"
    elif len(y) < 3 * season and wanted.startswith("poisson_glm"):
        used = "moving_average"
        reason_vi = f"chưa đủ {3 * season} kỳ để ước lượng mô hình: dùng trung bình {2 * season} kỳ gần nhất"
        reason_en = f"fewer than {3 * season} periods to fit a model: mean of the last {2 * season}"
    mean = _POINT[used](y, horizon, season)
    alpha = _calibrate_alpha(y, used, horizon, season)
    if alpha is None:
        alpha = DEFAULT_ALPHA
        reason_vi += f"; chưa có sai số quá khứ để hiệu chỉnh khoảng: giả định α = {DEFAULT_ALPHA}"
        reason_en += f"; no past errors to calibrate the interval: α = {DEFAULT_ALPHA} assumed"
    mean = np.maximum(mean, 0.0)
    lower, upper = _intervals(np.maximum(mean, _floor(y, season)), alpha, levels)
    return Forecast(used, index, mean, lower, upper, alpha, reason_vi, reason_en)


def mase(actual: np.ndarray, predicted: np.ndarray, history: np.ndarray, season: int) -> float:
    """Mean absolute scaled error: MAE over the in-sample MAE of the seasonal-naive forecast.

    Args:
        actual: observed values over the horizon.
        predicted: forecasts for the same periods.
        history: the series before the forecast origin (for the scale).
        season: seasonal lag of the naive scale (falls back to lag 1 if that scale is 0).

    Returns:
        The MASE, or NaN when the history is too short or constant.
    """
    for lag in (season, 1):
        if len(history) > lag:
            scale = float(np.mean(np.abs(history[lag:] - history[:-lag])))
            if scale > 0:
                return float(np.mean(np.abs(np.asarray(actual) - np.asarray(predicted))) / scale)
    return float("nan")


def rolling_origin_errors(
    series: pd.Series,
    *,
    methods: tuple[str, ...] = METHODS,
    horizon: int = 7,
    season: int = 7,
    min_history: int | None = None,
    step: int = 1,
) -> pd.DataFrame:
    """Evaluate methods by rolling the forecast origin through a series (no look-ahead).

    Args:
        series: a regular count series.
        methods: the methods to compare (``"auto"`` allowed).
        horizon: periods forecast from each origin.
        season: seasonal cycle.
        min_history: first origin (default ``2·season``).
        step: periods between origins.

    Returns:
        One row per (origin, method) with ``mae``, ``mase``, ``cover80``, ``cover95`` (share of
        the horizon's actuals inside the interval), ``width80`` and ``used`` (method after fall-back).
    """
    first = 2 * season if min_history is None else min_history
    rows = []
    for origin in range(first, len(series) - horizon + 1, step):
        history, future = series.iloc[:origin], series.iloc[origin : origin + horizon].to_numpy(float)
        for name in methods:
            f = forecast(history, horizon=horizon, season=season, method=name)
            rows.append(
                {
                    "origin": series.index[origin],
                    "method": name,
                    "used": f.method,
                    "mae": float(np.mean(np.abs(future - f.mean))),
                    "mase": mase(future, f.mean, history.to_numpy(float), season),
                    "cover80": float(np.mean((future >= f.lower[0.8]) & (future <= f.upper[0.8]))),
                    "cover95": float(np.mean((future >= f.lower[0.95]) & (future <= f.upper[0.95]))),
                    "width80": float(np.mean(f.upper[0.8] - f.lower[0.8])),
                }
            )
    return pd.DataFrame(rows)
