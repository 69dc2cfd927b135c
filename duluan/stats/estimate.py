"""Means, totals and proportions with Taylor-linearised standard errors, for all domains at once.

Every estimate is a linear statistic of per-row influence values; the variance is that of the
cluster totals of the influence values (:meth:`Design.cluster_variance`). For a design that is
not calibrated, cluster totals for every (variable, domain) pair are group sums over the
(cluster × domain) index, computed with ``np.bincount`` in one pass per variable, so 100 domains
cost about what one does. Calibrated designs (post-stratified, raked) need row-level residuals
and build a dense (rows × domains) matrix per variable instead.

Results match R's ``survey`` package: ``svymean``, ``svytotal``, ``svyby`` (domains of the
full design), design effects (variance over that of simple random sampling of as many
respondents: without replacement as R's ``deff=TRUE``, or with replacement as
``deff="replace"``), ``confint`` (normal quantiles) and ``svyciprop`` (design degrees of freedom
of the domain).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from duluan.stats.design import Design, DesignError, _group_sum
from duluan.stats.intervals import CI_METHODS, korn_graubard_interval, logit_interval, wald_interval

__all__ = [
    "Estimates",
    "NonNumericError",
    "survey_by",
    "survey_mean",
    "survey_proportion",
    "survey_total",
]


class NonNumericError(DesignError):
    """A variable that must be numeric holds text.

    Attributes:
        variable: the variable's name.
        row: 1-based data row of the first bad value.
        value: that value.
    """

    def __init__(self, message: str, *, variable: str = "", row: int = 0, value: Any = None):
        super().__init__(message)
        self.variable = variable
        self.row = row
        self.value = value


@dataclass(frozen=True)
class Estimates:
    """A table of estimates, one row per (variable, domain).

    Attributes:
        statistic: "mean", "total" or "proportion".
        variable: variable name of each row.
        domain: domain label of each row (None for the whole population).
        estimate, se, ci_low, ci_high, deff: arrays, one value per row.
        n: respondents with a non-zero weight and a value, per row.
        df: design degrees of freedom of the domain (PSUs − strata).
        ci_method: interval method of each row.
        conf: confidence level.
    """

    statistic: str
    variable: np.ndarray
    domain: np.ndarray
    estimate: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    deff: np.ndarray
    n: np.ndarray
    df: np.ndarray
    ci_method: np.ndarray
    conf: float
    by: str | None = None

    def __len__(self) -> int:
        return int(self.estimate.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """The table as a data frame (columns: variable, domain, estimate, se, ci_low, …)."""
        return pd.DataFrame(
            {
                "variable": self.variable,
                "domain": self.domain,
                "estimate": self.estimate,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "deff": self.deff,
                "n": self.n,
                "df": self.df,
                "ci_method": self.ci_method,
            }
        )

    def to_records(self) -> list[dict[str, Any]]:
        """JSON-friendly rows (NaN becomes None)."""
        rows = []
        for rec in self.to_frame().to_dict(orient="records"):
            clean = {}
            for key, value in rec.items():
                if isinstance(value, np.generic):
                    value = value.item()
                if isinstance(value, float) and not np.isfinite(value):
                    value = None
                clean[key] = value
            rows.append(clean)
        return rows


@dataclass(frozen=True)
class _DomainStats:
    estimate: np.ndarray  # (p, D)
    variance: np.ndarray
    deff: np.ndarray
    n: np.ndarray
    n_rows: np.ndarray
    df: np.ndarray


def survey_mean(
    design: Design, y: Any, *, conf: float = 0.95, df: float = np.inf, deff: str = "srswor"
) -> Estimates:
    """Weighted mean(s) of the whole sample with linearised SE (R's ``svymean``).

    Args:
        design: the survey design.
        y: a column name, a list of names, an array, or a (rows × variables) array. Missing values
            are left out (R's ``na.rm=TRUE``, a domain of the non-missing).
        conf: confidence level of the Wald interval.
        df: degrees of freedom of the interval; ``inf`` (R's ``confint`` default) is normal.
        deff: design effect against simple random sampling "srswor" (without replacement from
            N = sum of weights; R's ``deff=TRUE``) or "replace" (R's ``deff="replace"``).

    Returns:
        :class:`Estimates` with one row per variable.
    """
    return survey_by(design, y, None, stat="mean", conf=conf, df=df, deff=deff)


def survey_total(
    design: Design, y: Any, *, conf: float = 0.95, df: float = np.inf, deff: str = "srswor"
) -> Estimates:
    """Weighted total(s) with linearised SE (R's ``svytotal``); see :func:`survey_mean`."""
    return survey_by(design, y, None, stat="total", conf=conf, df=df, deff=deff)


def survey_by(
    design: Design,
    y: Any,
    by: Any = None,
    *,
    stat: str = "mean",
    conf: float = 0.95,
    df: float = np.inf,
    deff: str = "srswor",
) -> Estimates:
    """Means or totals of one or many variables in every domain at once (R's ``svyby``).

    Domains are estimated as subpopulations of the full design (the zero-weights approach), so
    their standard errors account for the random domain sample size.

    Args:
        design: the survey design.
        y: column name(s) or array(s) of numeric values.
        by: column name, list of names (crossed) or array of domain labels; None = whole sample.
        stat: "mean" or "total".
        conf: confidence level of the Wald interval.
        df: degrees of freedom of the interval (``inf`` = normal, like R's ``confint``).
        deff: "srswor" (R's ``deff=TRUE``) or "replace" (R's ``deff="replace"``).

    Returns:
        :class:`Estimates`, rows ordered by variable then sorted domain.

    Raises:
        NonNumericError: a value of ``y`` is not a number (message gives the row).
        LonelyPSUError: see :class:`Design`.
    """
    if stat not in ("mean", "total"):
        raise ValueError(f"stat must be 'mean' or 'total', got {stat!r}")
    _check_deff(deff)
    names, matrix = _numeric_matrix(design, y)
    dom, labels, by_name = _domains(design, by)
    ds = _domain_stats(design, matrix, dom, len(labels), stat, deff)
    se = np.sqrt(ds.variance)
    low, high = wald_interval(ds.estimate, se, conf, df)
    return _table(stat, names, labels, by_name, ds, se, low, high, np.full(ds.estimate.shape, "wald"), conf)


def survey_proportion(
    design: Design,
    y: Any,
    level: Any = None,
    *,
    by: Any = None,
    ci: str = "logit",
    conf: float = 0.95,
    df: float | None = None,
    deff: str = "srswor",
) -> Estimates:
    """Proportion(s) of a category with an interval suited to proportions (R's ``svyciprop``).

    Args:
        design: the survey design.
        y: column name or array. With ``level`` None, every category is estimated (R's
            ``svymean(~factor)``); 0/1 and boolean columns give the proportion of 1/True.
        level: the category to estimate (e.g. "Yes").
        by: domains, as in :func:`survey_by`.
        ci: "logit" (default in R), "wald" (R's method "mean") or "korn-graubard" (R's
            "beta", recommended near 0 or 1). At p = 0 or 1 a logit interval is undefined and the
            Korn–Graubard one is given instead (``ci_method`` says so). As in R, the
            Korn–Graubard ``n`` is the domain's respondents, except for calibrated designs where
            R's subset keeps every row and so uses the whole sample's.
        conf: confidence level.
        df: degrees of freedom; None uses each domain's design degrees of freedom, as R.
        deff: "srswor" or "replace", as in :func:`survey_by`.

    Returns:
        :class:`Estimates` with ``statistic="proportion"``; ``variable`` is "name=level".
    """
    if ci not in CI_METHODS:
        raise ValueError(f"ci must be one of {', '.join(CI_METHODS)}; got {ci!r}")
    values = design.column(y, "variable")
    name = y if isinstance(y, str) else "y"
    series = pd.Series(values)
    missing = series.isna().to_numpy()
    if level is None:
        uniq = pd.unique(series[~missing])
        if set(pd.Series(uniq).map(_as_bool_key)) <= {0, 1} and len(uniq) <= 2:
            levels = [True]
            series = series.map(_as_bool_key, na_action="ignore").astype(float) == 1
        else:
            levels = sorted(uniq, key=lambda v: (str(type(v)), v))
    else:
        levels = [level]
    cols = []
    names = []
    for lev in levels:
        ind = (series == lev).to_numpy().astype(float)
        ind[missing] = np.nan
        cols.append(ind)
        names.append(name if lev is True else f"{name}={lev}")
    matrix = np.column_stack(cols)
    dom, labels, by_name = _domains(design, by)
    _check_deff(deff)
    ds = _domain_stats(design, matrix, dom, len(labels), "mean", deff)
    se = np.sqrt(ds.variance)
    dfs = ds.df if df is None else np.full(ds.df.shape, float(df))
    p = ds.estimate
    method = np.full(p.shape, ci, dtype=object)
    if ci == "wald":
        low, high = wald_interval(p, se, conf, dfs)
    else:
        kg_low, kg_high = korn_graubard_interval(p, se, ds.n_rows, dfs, conf)
        if ci == "logit":
            low, high = logit_interval(p, se, conf, dfs)
            edge = (p <= 0) | (p >= 1)
            low = np.where(edge, kg_low, low)
            high = np.where(edge, kg_high, high)
            method[edge] = "korn-graubard"
        else:
            low, high = kg_low, kg_high
    return _table("proportion", names, labels, by_name, ds, se, low, high, method, conf)


# ---------------------------------------------------------------------- internals
def _check_deff(deff: str) -> None:
    if deff not in ("srswor", "replace"):
        raise ValueError(f"deff must be 'srswor' or 'replace', got {deff!r}")


def _as_bool_key(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, int | float | np.integer | np.floating) and value in (0, 1):
        return int(value)
    return value


def _numeric_matrix(design: Design, y: Any) -> tuple[list[str], np.ndarray]:
    if isinstance(y, pd.DataFrame):
        if y.shape[0] != design.n:
            raise DesignError(f"variables have {y.shape[0]} rows, the design has {design.n}")
        return [str(c) for c in y.columns], np.column_stack(
            [_to_float(y[c].to_numpy(), str(c)) for c in y.columns]
        )
    if isinstance(y, str):
        items: list = [y]
    elif isinstance(y, Sequence) and not isinstance(y, np.ndarray) and all(isinstance(v, str) for v in y):
        items = list(y)
    elif isinstance(y, list | tuple) and y and all(np.ndim(v) == 1 for v in y):
        items = list(y)  # several variables given as arrays (or a mix with names)
    else:
        arr = np.asarray(y)
        if arr.ndim == 2:
            return [f"y{i + 1}" for i in range(arr.shape[1])], _to_float(arr, "y")
        items = [arr]
    names, cols = [], []
    for i, item in enumerate(items):
        name = item if isinstance(item, str) else f"y{i + 1}"
        names.append(name)
        cols.append(_to_float(design.column(item, "variable"), name))
    return names, np.column_stack(cols)


def _to_float(values: np.ndarray, name: str) -> np.ndarray:
    if values.dtype.kind in "fiub":
        return values.astype(float)
    converted = pd.to_numeric(pd.Series(np.asarray(values).ravel(order="F")), errors="coerce").to_numpy()
    raw = pd.Series(np.asarray(values).ravel(order="F"))
    bad = np.isnan(converted) & raw.notna().to_numpy() & (raw.astype(str).str.strip() != "").to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        n_rows = values.shape[0]
        raise NonNumericError(
            f"variable {name!r} must be numeric: row {row % n_rows + 1} holds {raw.iloc[row]!r} "
            f"({int(bad.sum())} non-numeric value(s) in all)",
            variable=name,
            row=row % n_rows + 1,
            value=raw.iloc[row],
        )
    return converted.reshape(values.shape, order="F")


def _domains(design: Design, by: Any) -> tuple[np.ndarray, list, str | None]:
    if by is None:
        return np.zeros(design.n, dtype=np.int64), [None], None
    if isinstance(by, list | tuple) and all(isinstance(b, str) for b in by):
        frame = pd.DataFrame({b: design.column(b, "domain") for b in by})
        name = "+".join(by)
    else:
        frame = pd.DataFrame({"by": design.column(by, "domain")})
        name = by if isinstance(by, str) else "domain"
    if frame.isna().any().any():
        row = int(np.flatnonzero(frame.isna().any(axis=1).to_numpy())[0])
        raise DesignError(f"domain variable {name!r} is missing at row {row + 1}")
    # "Tiên Du" typed with combining accents must be the same commune as the precomposed one
    frame = frame.apply(_nfc)
    if frame.shape[1] == 1:
        codes, uniques = pd.factorize(frame.iloc[:, 0], sort=True)
        return codes.astype(np.int64), list(uniques), name
    keys = pd.MultiIndex.from_frame(frame)
    codes, uniques = pd.factorize(keys, sort=True)
    return codes.astype(np.int64), list(uniques), name


def _nfc(column: pd.Series) -> pd.Series:
    if not (column.dtype == object or pd.api.types.is_string_dtype(column)):
        return column
    # normalise the distinct labels only: a million rows hold about a hundred communes
    codes, uniques = pd.factorize(column)
    normed = [unicodedata.normalize("NFC", u) if isinstance(u, str) else u for u in uniques]
    if normed == list(uniques):
        return column
    return pd.Series(np.asarray(normed, dtype=object)[codes], index=column.index)


def _domain_stats(
    design: Design, Y: np.ndarray, dom: np.ndarray, n_dom: int, stat: str, deff_kind: str = "srswor"
) -> _DomainStats:
    """Estimates, variances, deffs and counts for every (variable, domain) pair.

    Works on (cluster × domain) cell sums: one ``bincount`` of w·y and one of w·y² per variable
    give the domain estimates, the cluster totals of the influence values
    ``(Σ w y − ȳ_d Σ w) / W_d`` and the design-effect denominators.
    """
    w = design.weights
    row_cluster, n_clusters = design.finest_cluster()
    key = row_cluster * n_dom + dom
    n_cells = n_clusters * n_dom
    need_presence = not design.is_calibrated and design.needs_presence()
    Y = np.asfortranarray(Y)
    p = Y.shape[1]
    est = np.empty((p, n_dom))
    vsrs_all = np.empty((p, n_dom))
    n_pos = np.empty((p, n_dom))
    n_rows = np.empty((p, n_dom))
    dfs = np.empty((p, n_dom))
    totals = []
    presents = []
    cache: dict[str, Any] = {}

    def cells(values: np.ndarray | None) -> np.ndarray:
        return np.bincount(key, weights=values, minlength=n_cells).reshape(n_clusters, n_dom)

    for j in range(p):
        y = Y[:, j]
        valid = ~np.isnan(y)
        all_valid = bool(valid.all())
        if all_valid and "base" in cache:
            wj, sw_cell, cnt_cell, n_d, rows_d, df_d = cache["base"]
            y0 = y
        else:
            wj = w if all_valid else np.where(valid, w, 0.0)
            y0 = y if all_valid else np.where(valid, y, 0.0)
            sw_cell = cells(wj)
            cnt_cell = cells(None if all_valid else valid.astype(float))
            pos_cell = cells(((w != 0) & valid).astype(float))
            n_d = pos_cell.sum(axis=0)
            rows_d = cnt_cell.sum(axis=0)
            df_d = _domain_degf(design, pos_cell)
            if all_valid:
                cache["base"] = (wj, sw_cell, cnt_cell, n_d, rows_d, df_d)
        wy = wj * y0
        sy_cell = cells(wy)
        syy = np.bincount(dom, weights=wy * y0, minlength=n_dom)
        W = sw_cell.sum(axis=0)
        Sy = sy_cell.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = Sy / W
            wdev2 = np.maximum(syy - mean * Sy, 0.0)
            s2 = wdev2 / W * n_d / (n_d - 1)
            if stat == "mean":
                est[j] = mean
                vsrs = s2 / n_d
            else:
                est[j] = Sy
                vsrs = s2 * W**2 / n_d
            if deff_kind == "srswor":
                # R's deff=TRUE: SRS without replacement from N = sum of weights (undefined if N <= n)
                vsrs = np.where(W > n_d, vsrs * (W - n_d) / W, np.nan)
            safe_w = np.where(W == 0, 1.0, W)
            safe_mean = np.nan_to_num(mean)
        if design.is_calibrated:
            z = wj * (y0 - safe_mean[dom]) / safe_w[dom] if stat == "mean" else wy
            x = np.zeros((design.n, n_dom))
            x[np.arange(design.n), dom] = z
            totals.append(_group_sum(design.residualise(x), row_cluster, n_clusters))
        elif stat == "mean":
            totals.append((sy_cell - safe_mean * sw_cell) / safe_w)
        else:
            totals.append(sy_cell)
        if need_presence:
            presents.append(cnt_cell > 0)
        vsrs_all[j] = vsrs
        n_pos[j] = n_d
        n_rows[j] = design.n if design.is_calibrated else rows_d
        dfs[j] = df_d
    T = totals[0] if p == 1 else np.concatenate(totals, axis=1)
    present = np.concatenate(presents, axis=1) if need_presence else None
    variance = design.cluster_variance(T, present).reshape(p, n_dom)
    # a domain with no answers for a variable has no estimate (not a zero-variance one)
    variance = np.where(n_pos > 0, variance, np.nan)
    est = np.where(n_pos > 0, est, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        deff = variance / vsrs_all
    return _DomainStats(estimate=est, variance=variance, deff=deff, n=n_pos, n_rows=n_rows, df=dfs)


def _domain_degf(design: Design, pos_cnt: np.ndarray) -> np.ndarray:
    """PSUs minus strata with positive-weight rows, per domain (R's degf of the subset)."""
    stage1 = design.stages[0]
    counts = pos_cnt
    for s in range(design._variance_stages() - 1, 0, -1):
        counts = _group_sum(counts, design.stages[s].cluster_parent, design.stages[s - 1].n_clusters)
    has = counts > 0
    psus = has.sum(axis=0)
    strata = (_group_sum(has.astype(float), stage1.cluster_stratum, stage1.n_strata) > 0).sum(axis=0)
    return (psus - strata).astype(float)


def _table(
    stat: str,
    names: list[str],
    labels: list,
    by_name: str | None,
    ds: _DomainStats,
    se: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    method: np.ndarray,
    conf: float,
) -> Estimates:
    p, n_dom = ds.estimate.shape
    variable = np.repeat(np.asarray(names, dtype=object), n_dom)
    domain = np.empty(p * n_dom, dtype=object)
    domain[:] = [labels[d] for _ in range(p) for d in range(n_dom)]
    return Estimates(
        statistic=stat,
        variable=variable,
        domain=domain,
        estimate=ds.estimate.ravel(),
        se=se.ravel(),
        ci_low=np.asarray(low).ravel(),
        ci_high=np.asarray(high).ravel(),
        deff=ds.deff.ravel(),
        n=ds.n.ravel().astype(np.int64),
        df=ds.df.ravel(),
        ci_method=np.asarray(method, dtype=object).ravel(),
        conf=conf,
        by=by_name,
    )
