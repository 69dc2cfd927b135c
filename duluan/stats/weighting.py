"""Survey weights: base weights, non-response adjustment, post-stratification, raking, trimming.

Post-stratification and raking follow R's ``survey`` (``postStratify``, ``rake``): they return a
new :class:`~duluan.stats.design.Design` whose weights hit the population counts and which
remembers each step, so standard errors are computed on residuals (smaller, as they should be).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from duluan.stats.design import CalibrationStep, Design, DesignError

__all__ = [
    "RakeReport",
    "RakingError",
    "TrimReport",
    "WeightingError",
    "base_weights",
    "nonresponse_adjust",
    "post_stratify",
    "rake",
    "trim_weights",
]


class WeightingError(DesignError):
    """Weights cannot be adjusted as asked (empty cell, population cell missing …)."""


class RakingError(WeightingError):
    """Raking did not converge; the message names the margins and iterations."""

    def __init__(self, message: str, report: RakeReport):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class RakeReport:
    """How raking went.

    Attributes:
        converged: whether the largest change of the joint weighted table fell below epsilon.
        iterations: completed iterations (R's count: a converged first pass is 0).
        max_change: largest absolute change of the joint weighted table after every pass.
        epsilon: the absolute tolerance used (weight units).
        margins: names of the margins, in raking order.
        max_margin_gap: per margin, the largest |achieved − target| after the last pass.
    """

    converged: bool
    iterations: int
    max_change: list[float]
    epsilon: float
    margins: list[str]
    max_margin_gap: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class TrimReport:
    """What trimming did: rows trimmed, iterations, the weight total kept."""

    n_trimmed: int
    iterations: int
    total: float
    lower: float | None
    upper: float | None


def base_weights(probabilities: Any) -> np.ndarray:
    """Design (base) weights as inverse inclusion probabilities.

    Args:
        probabilities: inclusion probability of every respondent, in (0, 1].

    Returns:
        ``1 / probabilities``.

    Raises:
        WeightingError: a probability is missing, not positive or above 1 (row given).
    """
    p = np.asarray(probabilities, dtype=float)
    bad = ~np.isfinite(p) | (p <= 0) | (p > 1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise WeightingError(f"inclusion probabilities must be in (0, 1]; row {row + 1} has {p[row]!r}")
    return 1.0 / p


def nonresponse_adjust(weights: Any, responded: Any, cells: Any = None) -> np.ndarray:
    """Weighting-class non-response adjustment.

    Within each cell, respondents' weights are multiplied by (weight of all sampled units) /
    (weight of respondents), so respondents carry the non-respondents' share; non-respondents
    get weight 0.

    Args:
        weights: base weights of every sampled unit (respondents and non-respondents).
        responded: boolean, True for respondents.
        cells: adjustment class of every unit (e.g. commune × sex), or None for one class.

    Returns:
        Adjusted weights (0 for non-respondents).

    Raises:
        WeightingError: a cell has sampled units but no respondent (the cell is named).
    """
    w = np.asarray(weights, dtype=float)
    r = np.asarray(responded, dtype=bool)
    if cells is None:
        codes, labels = np.zeros(w.shape[0], dtype=np.int64), np.array(["all"], dtype=object)
    else:
        codes, labels = pd.factorize(pd.Series(np.asarray(cells)), sort=True)
    n_cells = len(labels)
    total = np.bincount(codes, weights=w, minlength=n_cells)
    resp = np.bincount(codes, weights=w * r, minlength=n_cells)
    empty = (total > 0) & (resp == 0)
    if empty.any():
        names = ", ".join(str(labels[i]) for i in np.flatnonzero(empty)[:10])
        raise WeightingError(
            f"no respondents in adjustment cell(s): {names}; merge them with neighbouring cells"
        )
    factor = np.divide(total, resp, out=np.ones(n_cells), where=resp > 0)
    return np.where(r, w * factor[codes], 0.0)


def post_stratify(design: Design, by: Any, population: Any, *, partial: bool = False) -> Design:
    """Post-stratify: scale weights so each cell's weighted count equals its population count.

    Args:
        design: the design to calibrate.
        by: column name, list of names (crossed cells) or array of cell labels.
        population: mapping of cell label (a tuple for crossed cells) to population count, or
            a pandas Series indexed that way.
        partial: ignore population cells without respondents (R's ``partial=TRUE``).

    Returns:
        A calibrated :class:`Design` (R's ``postStratify``).

    Raises:
        WeightingError: a sample cell has no population count, or a population cell has no
            respondents (and ``partial`` is False).
    """
    name, cells, labels = _cells(design, by)
    return _post_stratify(design, name, cells, labels, _population(population), partial)


def rake(
    design: Design,
    margins: Mapping[Any, Any] | Sequence[tuple[Any, Any]],
    *,
    max_iter: int = 10,
    epsilon: float = 1.0,
) -> tuple[Design, RakeReport]:
    """Rake (iterative proportional fitting) to population margins, like R's ``rake``.

    Each pass post-stratifies on every margin in turn; raking stops when the largest change of
    the joint weighted table of all margin variables is below ``epsilon``.

    Args:
        design: the design to calibrate.
        margins: ``{column: {level: population count}}`` or a sequence of ``(by, population)``
            pairs where ``by`` is a column name, list of names or an array.
        max_iter: maximum number of passes (R's ``maxit``, default 10).
        epsilon: tolerance; values below 1 are relative to the total weight, as in R.

    Returns:
        The calibrated :class:`Design` and a :class:`RakeReport`.

    Raises:
        RakingError: no convergence after ``max_iter`` passes (names margins and iterations;
            inconsistent margin totals are the usual cause).
        WeightingError: a margin cell has no respondents or no population count.
    """
    pairs = list(margins.items()) if isinstance(margins, Mapping) else list(margins)
    if not pairs:
        raise WeightingError("rake needs at least one margin")
    prepared = []
    for by, population in pairs:
        name, cells, labels = _cells(design, by)
        prepared.append((name, cells, labels, _population(population)))
    names = [p[0] for p in prepared]
    tol = epsilon * float(design.weights.sum()) if epsilon < 1 else float(epsilon)

    joint = np.zeros(design.n, dtype=np.int64)
    for _, cells, labels, _ in prepared:
        joint = joint * len(labels) + cells
    joint_codes, joint = np.unique(joint, return_inverse=True)
    n_joint = joint_codes.size
    base = design
    old_table = np.bincount(joint, weights=design.weights, minlength=n_joint)
    changes: list[float] = []
    converged = False
    iteration = 0
    current = design
    while iteration < max_iter:
        # Like R: each pass starts from the previous pass's weights but forgets its post-strata.
        current = current.with_weights(current.weights, base.calibration)
        for name, cells, labels, population in prepared:
            current = _post_stratify(current, name, cells, labels, population, False)
        new_table = np.bincount(joint, weights=current.weights, minlength=n_joint)
        delta = float(np.max(np.abs(old_table - new_table)))
        changes.append(delta)
        if delta < tol:
            converged = True
            break
        old_table = new_table
        iteration += 1
    gaps = {}
    for name, cells, labels, population in prepared:
        achieved = np.bincount(cells, weights=current.weights, minlength=len(labels))
        target = np.array([population.get(lab, 0.0) for lab in labels])
        gaps[name] = float(np.max(np.abs(achieved - target)))
    report = RakeReport(
        converged=converged,
        iterations=iteration,
        max_change=changes,
        epsilon=tol,
        margins=names,
        max_margin_gap=gaps,
    )
    totals = {name: float(sum(pop.values())) for name, _, _, pop in prepared}
    if not converged:
        raise RakingError(
            f"raking did not converge after {iteration} iterations over margins {', '.join(names)}: "
            f"last change {changes[-1]:.6g} >= epsilon {tol:.6g}; margin totals {totals}. "
            "Check that the margins describe the same population total and that no cell is empty, "
            "or raise max_iter.",
            report,
        )
    missed = {name: gap for name, gap in gaps.items() if gap >= tol}
    if missed:
        # R stops here silently; weights that miss a margin are not raked weights.
        raise RakingError(
            f"raking stabilised after {iteration} iterations but misses margin(s) "
            f"{', '.join(missed)} by up to {max(missed.values()):.6g} (epsilon {tol:.6g}); "
            f"margin totals {totals} must describe the same population.",
            dataclasses.replace(report, converged=False),
        )
    # R keeps the last pass's post-strata as one "raking" step for the variance.
    steps = tuple(current.calibration[len(base.calibration) :])
    calibrated = current.with_weights(current.weights, (*base.calibration, steps))
    return calibrated, report


def trim_weights(
    weights: Any,
    *,
    lower: float | None = None,
    upper: float | None = None,
    strict: bool = True,
    max_iter: int = 100,
) -> tuple[np.ndarray, TrimReport]:
    """Trim extreme weights to [lower, upper] keeping the total, as R's ``trimWeights``.

    Weights outside the bounds are set to the bound and what was cut (or added) is shared
    equally among the weights that were inside. With ``strict`` this repeats until no weight is
    outside (R's ``strict=TRUE``); otherwise one pass is made and shares may push a weight past a
    bound again.

    Args:
        weights: weights to trim.
        lower: smallest allowed weight, or None.
        upper: largest allowed weight, or None.
        strict: repeat until every weight is within bounds.
        max_iter: passes before giving up when ``strict``.

    Returns:
        The trimmed weights and a :class:`TrimReport`.

    Raises:
        WeightingError: the bounds cannot hold the total (e.g. upper × n < total) or trimming
            does not settle within ``max_iter`` passes.
    """
    w = np.asarray(weights, dtype=float).copy()
    total = float(w.sum())
    n = w.shape[0]
    lo = -np.inf if lower is None else float(lower)
    hi = np.inf if upper is None else float(upper)
    if lo > hi:
        raise WeightingError(f"lower bound {lo} is above upper bound {hi}")
    if hi * n < total or lo * n > total:
        raise WeightingError(
            f"bounds [{lower}, {upper}] cannot hold the weight total {total:g} over {n} rows"
        )
    trimmed = np.zeros(n, dtype=bool)
    passes = 0
    while True:
        outside = (w < lo) | (w > hi)
        if not outside.any():
            break
        if passes == max_iter:
            raise WeightingError(f"trimming did not settle after {max_iter} passes")
        clipped = np.clip(w, lo, hi)
        cut = float((w - clipped).sum())
        inside = ~outside
        if not inside.any():
            raise WeightingError("every weight is outside the bounds; nothing can take the trimmed amount")
        clipped[inside] += cut / inside.sum()
        w = clipped
        trimmed |= outside
        passes += 1
        if not strict:
            break
    return w, TrimReport(
        n_trimmed=int(trimmed.sum()), iterations=passes, total=total, lower=lower, upper=upper
    )


# ---------------------------------------------------------------------- internals
def _cells(design: Design, by: Any) -> tuple[str, np.ndarray, tuple]:
    if isinstance(by, list | tuple) and all(isinstance(b, str) for b in by):
        frame = pd.DataFrame({b: design.column(b, "cell") for b in by})
        name = "+".join(by)
        keys: Any = pd.MultiIndex.from_frame(frame)
    else:
        values = design.column(by, "cell")
        name = by if isinstance(by, str) else "cells"
        keys = pd.Series(values)
        if keys.isna().any():
            row = int(np.flatnonzero(keys.isna().to_numpy())[0])
            raise WeightingError(f"{name!r} is missing at row {row + 1}")
    if isinstance(keys, pd.Series) and (keys.dtype == object or pd.api.types.is_string_dtype(keys)):
        keys = keys.map(_nfc)
    codes, uniques = pd.factorize(keys, sort=True)
    return name, codes.astype(np.int64), tuple(uniques)


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _population(population: Any) -> dict:
    if isinstance(population, pd.Series | Mapping):
        return {_nfc(k): float(v) for k, v in population.items()}
    raise WeightingError("population must be a mapping {cell: count} or a pandas Series")


def _post_stratify(
    design: Design, name: str, cells: np.ndarray, labels: tuple, population: dict, partial: bool
) -> Design:
    n_cells = len(labels)
    sample = np.bincount(cells, weights=design.weights, minlength=n_cells)
    pop = np.array([population.get(lab, np.nan) for lab in labels], dtype=float)
    in_sample = sample > 0
    missing_pop = in_sample & ~(pop > 0)
    if missing_pop.any():
        bad = ", ".join(str(labels[i]) for i in np.flatnonzero(missing_pop))
        raise WeightingError(f"{name}: cell(s) {bad} in the sample have no population count")
    label_set = set(labels)
    empty = [
        k for k, v in population.items() if v > 0 and (k not in label_set or not in_sample[labels.index(k)])
    ]
    if empty and not partial:
        raise WeightingError(
            f"{name}: population cell(s) {', '.join(map(str, empty))} have no respondents; "
            "merge cells or pass partial=True to ignore them"
        )
    factor = np.divide(pop, sample, out=np.ones(n_cells), where=in_sample)
    new_w = design.weights * factor[cells]
    step = CalibrationStep(
        cells=cells, weights=new_w, old_weights=design.weights, labels=labels, variable=name
    )
    return design.with_weights(new_w, (*design.calibration, step))
