"""Confidence intervals for survey estimates: Wald, logit and Korn–Graubard.

The three follow R's ``survey`` package: ``confint`` (Wald, normal quantiles unless a ``df`` is
given) and ``svyciprop`` methods ``"mean"``, ``"logit"`` and ``"beta"`` (Korn & Graubard 1998,
with the effective sample size scaled by the ratio of t quantiles).
"""

from __future__ import annotations

import numpy as np

__all__ = ["CI_METHODS", "korn_graubard_interval", "logit_interval", "quantile", "wald_interval"]

CI_METHODS: tuple[str, ...] = ("wald", "logit", "korn-graubard")


def quantile(conf: float, df: float | np.ndarray = np.inf) -> np.ndarray:
    """Two-sided critical value: normal when ``df`` is infinite, Student t otherwise.

    Args:
        conf: confidence level, e.g. 0.95.
        df: degrees of freedom (scalar or array); ``inf`` for the normal distribution.

    Returns:
        The ``1 - (1 - conf) / 2`` quantile (NaN where df <= 0).
    """
    from scipy import stats  # not with the module: see duluan.analysis.bursts.cusum_arl

    if not 0 < conf < 1:
        raise ValueError(f"confidence level must be between 0 and 1, got {conf}")
    df = np.asarray(df, dtype=float)
    upper = 1 - (1 - conf) / 2
    with np.errstate(invalid="ignore"):
        q = np.where(np.isinf(df), stats.norm.ppf(upper), stats.t.ppf(upper, np.where(df > 0, df, np.nan)))
    return q


def wald_interval(
    estimate: np.ndarray, se: np.ndarray, conf: float = 0.95, df: float | np.ndarray = np.inf
) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric interval ``estimate ± q · se`` (R's ``confint``/``svyciprop(method="mean")``).

    Args:
        estimate: point estimates.
        se: standard errors.
        conf: confidence level.
        df: degrees of freedom; ``inf`` (default) uses the normal quantile as R's ``confint``.

    Returns:
        (lower, upper) arrays.
    """
    q = quantile(conf, df)
    estimate = np.asarray(estimate, dtype=float)
    se = np.asarray(se, dtype=float)
    return estimate - q * se, estimate + q * se


def logit_interval(
    p: np.ndarray, se: np.ndarray, conf: float = 0.95, df: float | np.ndarray = np.inf
) -> tuple[np.ndarray, np.ndarray]:
    """Interval on the logit scale, back-transformed (R's ``svyciprop(method="logit")``).

    The standard error of ``logit(p)`` is ``se / (p (1 - p))`` (the delta method, which is what
    R's intercept-only ``svyglm`` gives). At ``p = 0`` or ``1`` the interval is undefined and NaN
    is returned: use :func:`korn_graubard_interval` there.

    Args:
        p: estimated proportions.
        se: their standard errors.
        conf: confidence level.
        df: degrees of freedom (R uses the design's, ``degf(design)``).

    Returns:
        (lower, upper) arrays.
    """
    p = np.asarray(p, dtype=float)
    se = np.asarray(se, dtype=float)
    q = quantile(conf, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = (p > 0) & (p < 1)
        eta = np.log(np.where(inner, p, 0.5) / (1 - np.where(inner, p, 0.5)))
        se_eta = se / np.where(inner, p * (1 - p), 1.0)
        lower = np.where(inner, _expit(eta - q * se_eta), np.nan)
        upper = np.where(inner, _expit(eta + q * se_eta), np.nan)
    return lower, upper


def korn_graubard_interval(
    p: np.ndarray,
    se: np.ndarray,
    n: np.ndarray,
    df: float | np.ndarray,
    conf: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Korn–Graubard (Clopper–Pearson with an effective sample size), R's ``method="beta"``.

    ``n_eff = p (1 - p) / se² · (t_{n-1} / t_{df})²`` and the bounds are beta quantiles. It stays
    inside [0, 1] and behaves well for proportions near 0 or 1. Where the variance is zero
    (typically ``p`` = 0 or 1) R returns NaN; we use ``n_eff = n`` there (plain Clopper–Pearson).

    Args:
        p: estimated proportions.
        se: their standard errors.
        n: respondents behind each estimate (R's ``nrow(design)``).
        df: design degrees of freedom.
        conf: confidence level.

    Returns:
        (lower, upper) arrays.
    """
    from scipy import stats  # not with the module: see duluan.analysis.bursts.cusum_arl

    p = np.asarray(p, dtype=float)
    se = np.asarray(se, dtype=float)
    n = np.asarray(n, dtype=float)
    alpha = 1 - conf
    with np.errstate(divide="ignore", invalid="ignore"):
        t_n = stats.t.ppf(alpha / 2, np.where(n > 1, n - 1, np.nan))
        df_arr = np.asarray(df, dtype=float)
        t_df = np.where(
            np.isinf(df_arr),
            stats.norm.ppf(alpha / 2),
            stats.t.ppf(alpha / 2, np.where(df_arr > 0, df_arr, np.nan)),
        )
        n_eff = np.where(se > 0, p * (1 - p) / se**2 * (t_n / t_df) ** 2, n)
        lower = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
        upper = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
    lower = np.where(p == 0, 0.0, lower)
    upper = np.where(p == 1, 1.0, upper)
    return lower, upper


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
