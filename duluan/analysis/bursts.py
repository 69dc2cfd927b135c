"""Burst detection over count series (per topic, per place): a Poisson CUSUM with a stated false-alarm rate.

Method (Lucas 1985, "Counted data CUSUMs"; threshold by the Markov-chain method of Brook & Evans
1972). For each period ``t`` with count ``xₜ`` and, optionally, an exposure ``eₜ`` (e.g. the total
signals of the province that period, so a topic is judged by its *share* when the overall volume
moves):

1. **Expected count** ``μₜ = rₜ·eₜ`` with the in-control rate
   ``rₜ = (prior_rate·w₀ + Σ x) / (w₀ + Σ e)`` over the trailing ``baseline_periods`` periods
   before ``t`` that were *not* inside an alarmed burst (so a burst does not teach the detector
   that it is normal). Without exposure the prior weight
   ``w₀ = prior_strength·missing/baseline_periods`` fills in only for the periods missing from
   that window (none missing → the series' own rate); with exposure ``w₀ = prior_strength`` in
   exposure units. With no history ``rₜ`` is the topic prior.
2. **Log-likelihood ratio** of "the rate is ``shift`` × usual" against "usual":
   ``zₜ = xₜ·ln(shift) − μₜ·(shift − 1)``, and the CUSUM ``Sₜ = max(0, Sₜ₋₁ + zₜ)``.
3. **Alarm** when ``Sₜ ≥ h(μₜ)`` and the excursion holds at least ``min_observed`` signals. The
   threshold ``h`` is chosen so that, for a Poisson series that stays at ``μ``, the average
   number of periods between false alarms (in-control ARL) is ``arl0``; it is computed exactly
   enough by a Markov chain on a grid of ``grid`` states and cached. A last period still being
   counted (``elapsed``) keeps the threshold of a whole period's ``μ``. With the default
   ``arl0 = 365`` a steady daily series raises one false alarm a year on average
   (≈ 0.08 per 30 days) — when its rate is known. The rate is *estimated* here, which adds some
   false alarms; the tests and ``bench/backtest_hotness.py`` measure the real figure.
4. The **burst** runs from the first period of the excursion (``S`` left 0) to the last period
   before ``S`` returns to 0 (or the end of the series, ``ongoing=True``); ``peak`` is its
   busiest period, ``expected``/``observed`` are summed over it and ``score`` is the largest
   ``S/h`` reached (≥ 1). A burst that outlasts the baseline window (fewer than
   ``min_baseline_periods`` usual periods left in it) ends there: the new level becomes normal.

Example:
    >>> import pandas as pd
    >>> idx = pd.date_range("2026-01-01", periods=40, freq="D")
    >>> x = pd.Series([1, 0, 1, 2, 1, 0, 1, 1, 2, 1] * 3 + [1, 1, 9, 12, 14, 10, 3, 1, 0, 1], index=idx)
    >>> [str(b.flagged_at.date()) for b in detect_bursts(x, key="ngap-ung")]
    ['2026-02-02']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from duluan.analysis.hotness import check_elapsed, format_en, format_vi, period_words


@dataclass(frozen=True)
class CusumSettings:
    """Parameters of the Poisson CUSUM (periods are those of the series: days, hours…).

    Attributes:
        shift: the rate multiple the chart is tuned to detect quickly (2 = a doubling).
        arl0: target mean number of periods between false alarms on a steady series.
        baseline_periods: trailing periods used to estimate the usual rate.
        prior_rate: usual rate per exposure unit when there is no history (topic prior).
        prior_strength: how many periods (exposure units with an exposure) of evidence the prior
            is worth when there is no history.
        min_observed: fewest signals in an excursion before it may alarm (one-off noise guard).
        min_baseline_periods: when fewer usual (non-burst) periods than this remain in the
            baseline window, the burst is over: its level becomes the new normal.
        min_expected: floor of the expected count per period (keeps ``h`` finite on empty series).
        grid: Markov-chain states used to compute the threshold.
    """

    shift: float = 2.0
    arl0: float = 365.0
    baseline_periods: int = 28
    prior_rate: float = 0.5
    prior_strength: float = 3.0
    min_observed: int = 3
    min_baseline_periods: int = 7
    min_expected: float = 0.02
    grid: int = 120


@dataclass(frozen=True)
class Burst:
    """A period of unusually many signals for one key (topic, place, issue).

    Attributes:
        key: what burst (topic code, place code…).
        start: first period of the excursion.
        end: last period of the excursion (the last period of the series when ``ongoing``).
        flagged_at: the period the alarm was raised (what a live system would have seen first).
        peak: the busiest period.
        expected: signals expected over ``start..end`` at the usual rate.
        observed: signals seen over ``start..end``.
        score: largest ``S/h`` reached (≥ 1 for every reported burst).
        ongoing: ``True`` if the burst had not ended at the last period.
        explanation: why, in Vietnamese.
        explanation_en: why, in English.
    """

    key: str
    start: pd.Timestamp
    end: pd.Timestamp
    flagged_at: pd.Timestamp
    peak: pd.Timestamp
    expected: float
    observed: float
    score: float
    ongoing: bool
    explanation: str
    explanation_en: str


def cusum_arl(mu: float, shift: float, h: float, grid: int = 120) -> float:
    """In-control average run length of the Poisson LLR CUSUM (Brook–Evans Markov chain).

    Args:
        mu: the steady expected count per period.
        shift: the rate multiple the chart is tuned to.
        h: the alarm threshold on ``S``.
        grid: number of transient states.

    Returns:
        Mean periods until a (false) alarm when counts are Poisson(``mu``).
    """
    # Imported where used, here and in the other engines' modules, not with the modules: Django's
    # set-up imports them (through the apps' services), and scipy.stats was 0.8 s of it, for every
    # command and worker that sets Django up (2.1 → 1.3 s, 2026-11-30).
    from scipy import stats

    a, b = math.log(shift), mu * (shift - 1.0)
    width = h / grid
    xs = np.arange(int(stats.poisson.ppf(1 - 1e-12, mu)) + 2)
    px = stats.poisson.pmf(xs, mu)
    level = np.arange(grid) * width
    new = level[:, None] + xs[None, :] * a - b
    q = np.zeros((grid, grid))
    inside = new < h
    target = np.clip(np.rint(new / width), 0, grid - 1).astype(int)
    rows = np.broadcast_to(np.arange(grid)[:, None], new.shape)
    np.add.at(q, (rows[inside], target[inside]), np.broadcast_to(px, new.shape)[inside])
    arl = np.linalg.solve(np.eye(grid) - q, np.ones(grid))
    return float(arl[0])


@lru_cache(maxsize=4096)
def _threshold_at(mu: float, shift: float, arl0: float, grid: int) -> float:
    # A multi-threaded BLAS is ~30× slower on these small systems on a busy machine: use one thread.
    with threadpool_limits(limits=1):
        lo, hi = 1e-3, 2.0
        while cusum_arl(mu, shift, hi, grid) < arl0 and hi < 200:
            lo, hi = hi, hi * 2
        for _ in range(18):
            mid = 0.5 * (lo + hi)
            if cusum_arl(mu, shift, mid, grid) < arl0:
                lo = mid
            else:
                hi = mid
    return hi


# Thresholds are computed on a log grid of 20 points per decade of ``mu`` and interpolated
# between them: h moves smoothly with mu, and this keeps a year of daily periods fast.
_STEPS_PER_DECADE = 20


def cusum_threshold(mu: float, shift: float = 2.0, arl0: float = 365.0, grid: int = 120) -> float:
    """Threshold ``h`` giving an in-control ARL of ``arl0`` at expected count ``mu``.

    Computed on a log grid of ``mu`` (20 points a decade, cached) and interpolated linearly in
    ``log10 mu`` between grid points.

    Args:
        mu: expected count per period (> 0).
        shift: the rate multiple the chart is tuned to.
        arl0: target mean periods between false alarms.
        grid: Markov-chain states.

    Returns:
        The threshold.
    """
    pos = math.log10(max(mu, 1e-4)) * _STEPS_PER_DECADE
    below = math.floor(pos)
    frac = pos - below
    h_lo = _threshold_at(round(10 ** (below / _STEPS_PER_DECADE), 10), float(shift), float(arl0), int(grid))
    if frac < 1e-9:
        return h_lo
    h_hi = _threshold_at(
        round(10 ** ((below + 1) / _STEPS_PER_DECADE), 10), float(shift), float(arl0), int(grid)
    )
    return h_lo + frac * (h_hi - h_lo)


def cusum_path(
    counts: pd.Series,
    *,
    exposure: pd.Series | None = None,
    settings: CusumSettings | None = None,
    prior_rate: float | None = None,
    elapsed: float | None = None,
) -> pd.DataFrame:
    """Run the CUSUM and return, per period, what it saw (for audit, plots and :func:`detect_bursts`).

    Args:
        counts: signals per period, on a regular DatetimeIndex.
        exposure: optional per-period exposure aligned with ``counts`` (default 1 each).
        settings: CUSUM parameters.
        prior_rate: overrides ``settings.prior_rate`` (the topic-level prior).
        elapsed: the part (0–1) of the last period gone by, when it is still being counted.
            Without an exposure its expected count is then that part of a whole period's, so
            today's first hours neither end a burst nor look quiet; with an exposure counted
            live (e.g. all signals so far today) the exposure already says how much of the
            period there is. Either way the period keeps a whole period's threshold: ``h``
            falls with ``μ`` (1.28 at ``μ`` = 0.02 against 3.54 at 0.5), so a threshold taken
            from a few minutes' expected count flagged every excursion a third of the way up,
            just after midnight, with nothing new.

    Returns:
        A frame with columns ``count``, ``expected``, ``statistic`` (S), ``threshold`` (h),
        ``alarm`` (bool, S ≥ h with enough signals) and ``excursion`` (id of the excursion, −1
        when S = 0).
    """
    cfg = settings or CusumSettings()
    check_elapsed(elapsed)
    x = counts.to_numpy(float)
    n = len(x)
    e = np.ones(n) if exposure is None else exposure.reindex(counts.index).fillna(0).to_numpy(float)
    part = np.ones(n)  # how much of each period has happened
    if elapsed is not None and n:
        part[-1] = elapsed
    prior = cfg.prior_rate if prior_rate is None else prior_rate
    a = math.log(cfg.shift)
    expected = np.zeros(n)
    statistic = np.zeros(n)
    threshold = np.zeros(n)
    alarm = np.zeros(n, dtype=bool)
    excursion = np.full(n, -1)
    in_burst = np.zeros(n, dtype=bool)  # periods excluded from the baseline
    s, run_id, run_start, run_sum, run_alarmed = 0.0, -1, 0, 0.0, False
    for t in range(n):
        lo = max(0, t - cfg.baseline_periods)
        keep = ~in_burst[lo:t]
        if (
            run_alarmed
            and s > 0
            and t - lo >= cfg.min_baseline_periods
            and keep.sum() < cfg.min_baseline_periods
        ):
            # The burst has lasted so long that little usual history is left: the higher level is
            # the new normal. End the burst and learn from it (otherwise a wrong prior or a lasting
            # shift would keep the detector alarmed for ever).
            in_burst[lo:t] = False
            keep[:] = True
            s = 0.0
        if exposure is None:
            missing = cfg.baseline_periods - int(keep.sum())
            prior_weight = cfg.prior_strength * missing / max(cfg.baseline_periods, 1)
        else:
            prior_weight = cfg.prior_strength
        rate = (prior * prior_weight + x[lo:t][keep].sum()) / max(prior_weight + e[lo:t][keep].sum(), 1e-12)
        whole = e[t]  # a whole period's exposure
        if part[t] < 1.0 and exposure is not None:
            # counted live: at least a usual period's (the baseline's mean), and what has come
            whole = max(e[t], float(e[lo:t][keep].mean()) if keep.any() else 0.0)
        mu = max(rate * e[t] * (part[t] if exposure is None else 1.0), cfg.min_expected)
        h = cusum_threshold(max(rate * whole, cfg.min_expected), cfg.shift, cfg.arl0, cfg.grid)
        was_zero = s <= 0
        s = max(0.0, s + x[t] * a - mu * (cfg.shift - 1.0))
        if s > 0:
            if was_zero:
                run_id, run_start, run_sum, run_alarmed = run_id + 1, t, 0.0, False
            run_sum += x[t]
            excursion[t] = run_id
            if s >= h and run_sum >= cfg.min_observed:
                if not run_alarmed:
                    # the whole excursion so far was the burst building up: keep it out of the baseline
                    in_burst[run_start:t] = True
                run_alarmed = True
            alarm[t] = run_alarmed and s >= h
            in_burst[t] = run_alarmed
        expected[t], statistic[t], threshold[t] = mu, s, h
    return pd.DataFrame(
        {
            "count": x,
            "expected": expected,
            "statistic": statistic,
            "threshold": threshold,
            "alarm": alarm,
            "excursion": excursion,
        },
        index=counts.index,
    )


def detect_bursts(
    counts: pd.Series,
    *,
    key: str,
    exposure: pd.Series | None = None,
    settings: CusumSettings | None = None,
    prior_rate: float | None = None,
    freq: str | None = None,
    elapsed: float | None = None,
) -> list[Burst]:
    """Find the bursts of one count series.

    Args:
        counts: signals per period on a regular DatetimeIndex (missing periods must be 0 rows).
        key: the topic / place / issue the series belongs to.
        exposure: optional per-period exposure (see the module docstring).
        settings: CUSUM parameters.
        prior_rate: the topic-level prior rate per exposure unit.
        freq: period length for the wording (default: inferred, else days).
        elapsed: the part of the last period gone by, if it is still being counted (see
            :func:`cusum_path`).

    Returns:
        The bursts in time order, each explained.
    """
    if len(counts) == 0:
        return []
    path = cusum_path(counts, exposure=exposure, settings=settings, prior_rate=prior_rate, elapsed=elapsed)
    inferred = (
        freq or counts.index.freqstr or (pd.infer_freq(counts.index) if len(counts) >= 3 else None) or "D"
    )
    unit_vi, unit_en = period_words(inferred)
    bursts = []
    for run_id, run in path[path["excursion"] >= 0].groupby("excursion"):
        if not run["alarm"].any():
            continue
        del run_id
        flagged_at = run.index[run["alarm"].to_numpy().argmax()]
        observed, expected = float(run["count"].sum()), float(run["expected"].sum())
        ongoing = run.index[-1] == path.index[-1]
        ratio = observed / expected if expected > 0 else math.inf
        n_periods = len(run)
        bursts.append(
            Burst(
                key=key,
                start=run.index[0],
                end=run.index[-1],
                flagged_at=flagged_at,
                peak=run["count"].idxmax(),
                expected=expected,
                observed=observed,
                score=float((run["statistic"] / run["threshold"]).max()),
                ongoing=bool(ongoing),
                explanation=(
                    f"«{key}»: {format_vi(observed, 0)} phản ánh trong {n_periods} {unit_vi} "
                    f"từ {run.index[0]:%d/%m/%Y}, gấp {format_vi(ratio)} lần mức thường "
                    f"({format_vi(expected)}); đỉnh {format_vi(run['count'].max(), 0)} vào "
                    f"{run['count'].idxmax():%d/%m/%Y}"
                    + (f" {run['count'].idxmax():%H} giờ" if unit_en == "hour" else "")
                    + ("; vẫn đang tiếp diễn" if ongoing else "")
                ),
                explanation_en=(
                    f"'{key}': {format_en(observed, 0)} signals in {n_periods} {unit_en}s from "
                    f"{run.index[0]:%Y-%m-%d}, {format_en(ratio)}× the usual level "
                    f"({format_en(expected)}); peak {format_en(run['count'].max(), 0)} on "
                    f"{run['count'].idxmax():%Y-%m-%d}"
                    + (f" {run['count'].idxmax():%H}:00" if unit_en == "hour" else "")
                    + ("; still going on" if ongoing else "")
                ),
            )
        )
    return bursts


def count_matrix(events: pd.DataFrame, *, key: str, time: str, freq: str = "D") -> pd.DataFrame:
    """Turn a long table of signals into a regular periods × keys count matrix.

    Args:
        events: one row per signal.
        key: column naming the topic / place of each signal.
        time: column with its timestamp.
        freq: period length.

    Returns:
        Counts with a regular DatetimeIndex (empty periods are 0) and one column per key.
    """
    periods = pd.to_datetime(events[time]).dt.floor(freq)
    table = events.assign(_period=periods).groupby(["_period", key]).size().unstack(fill_value=0)
    if len(table):
        table = table.reindex(pd.date_range(table.index.min(), table.index.max(), freq=freq), fill_value=0)
    table.columns.name = None
    return table


def detect_bursts_by_key(
    counts: pd.DataFrame,
    *,
    exposure: pd.Series | None = None,
    settings: CusumSettings | None = None,
    prior_rates: dict[str, float] | None = None,
    freq: str | None = None,
    elapsed: float | None = None,
) -> list[Burst]:
    """Run :func:`detect_bursts` on each column (topic or place) of a count matrix.

    Args:
        counts: periods × keys, e.g. from :func:`count_matrix`.
        exposure: optional per-period exposure shared by all keys (e.g. all signals).
        settings: CUSUM parameters.
        prior_rates: optional prior rate per key.
        freq: period length for the wording.
        elapsed: the part of the last period gone by, if it is still being counted.

    Returns:
        All bursts, ordered by flag time then key.
    """
    found = []
    for column in counts.columns:
        prior = (prior_rates or {}).get(column)
        found += detect_bursts(
            counts[column],
            key=str(column),
            exposure=exposure,
            settings=settings,
            prior_rate=prior,
            freq=freq,
            elapsed=elapsed,
        )
    return sorted(found, key=lambda b: (b.flagged_at, b.key))
