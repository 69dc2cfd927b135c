"""Sample sizes and PAPI-style stratified multi-stage PPS selection.

The selection is reproducible from a seed and returns every unit's inclusion probability at
each stage, which the platform stores so that base weights can be traced back to the draw.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "FrameError",
    "MultistageSample",
    "PPSSelection",
    "SampleSize",
    "pps_systematic",
    "sample_size_proportion",
    "select_multistage",
    "yamane",
]


class FrameError(ValueError):
    """The sampling frame cannot be used (missing or non-positive sizes, too few units …)."""


@dataclass(frozen=True)
class SampleSize:
    """A sample size and how it was reached.

    Attributes:
        n: respondents to interview (rounded up).
        n_srs: simple random sample size for an infinite population, ``z² p (1-p) / e²``.
        n_deff: ``n_srs × deff``.
        n_fpc: after the finite population correction (None without a population).
        yamane: Yamane's ``N / (1 + N e²)`` for comparison (None without a population).
        moe, p, deff, population, conf: the inputs.
    """

    n: int
    n_srs: float
    n_deff: float
    n_fpc: float | None
    yamane: int | None
    moe: float
    p: float
    deff: float
    population: int | None
    conf: float


@dataclass(frozen=True)
class PPSSelection:
    """Units drawn by systematic PPS.

    Attributes:
        indices: positions of the selected units in the input, in frame order.
        inclusion_probability: probability of each selected unit (1 for certainty units).
        certainty: True where a unit was large enough to be taken with certainty.
    """

    indices: np.ndarray
    inclusion_probability: np.ndarray
    certainty: np.ndarray


@dataclass(frozen=True)
class MultistageSample:
    """A stratified two-stage PPS sample with respondents drawn at random in each village.

    Attributes:
        villages: one row per selected village with columns stratum, commune, village, size,
            commune_size, p_commune, p_village, n_respondents, p_respondent, p_total, weight.
        respondents: one row per respondent slot: stratum, commune, village, respondent (the
            1-based position in the village's list of eligible adults), p_total, weight.
        seed: the seed that reproduces the draw.
    """

    villages: pd.DataFrame
    respondents: pd.DataFrame
    seed: int | None


def sample_size_proportion(
    moe: float,
    p: float = 0.5,
    deff: float = 1.0,
    population: int | None = None,
    conf: float = 0.95,
) -> SampleSize:
    """Respondents needed to estimate a proportion within a margin of error.

    ``n_srs = z² p (1 − p) / moe²``, multiplied by the design effect; with a population size the
    finite population correction ``n = n' / (1 + (n' − 1) / N)`` (Cochran) is applied.

    Args:
        moe: margin of error as a proportion (0.05 = ±5 points).
        p: anticipated proportion (0.5 is the safest).
        deff: anticipated design effect of the cluster sample (e.g. 1.5–2 for PAPI).
        population: population size N, or None for a large population.
        conf: confidence level.

    Returns:
        A :class:`SampleSize`.

    Raises:
        ValueError: an input is out of range.
    """
    from scipy import stats  # not with the module: see duluan.analysis.bursts.cusum_arl

    if not 0 < moe < 1:
        raise ValueError(f"margin of error must be between 0 and 1 (0.05 = 5 points), got {moe}")
    if not 0 < p < 1:
        raise ValueError(f"p must be between 0 and 1, got {p}")
    if deff <= 0:
        raise ValueError(f"design effect must be positive, got {deff}")
    if not 0 < conf < 1:
        raise ValueError(f"confidence level must be between 0 and 1, got {conf}")
    if population is not None and population < 1:
        raise ValueError(f"population must be at least 1, got {population}")
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    n_srs = z**2 * p * (1 - p) / moe**2
    n_deff = n_srs * deff
    n_fpc = None
    final = n_deff
    yam = None
    if population is not None:
        n_fpc = n_deff / (1 + (n_deff - 1) / population)
        final = n_fpc
        yam = yamane(population, moe)
    return SampleSize(
        n=math.ceil(final - 1e-9),
        n_srs=n_srs,
        n_deff=n_deff,
        n_fpc=n_fpc,
        yamane=yam,
        moe=moe,
        p=p,
        deff=deff,
        population=population,
        conf=conf,
    )


def yamane(population: int, moe: float) -> int:
    """Yamane's (1967) sample size ``N / (1 + N e²)``, rounded up (95 %, p = 0.5, SRS only).

    Args:
        population: population size N.
        moe: margin of error as a proportion.

    Returns:
        The sample size.
    """
    if population < 1:
        raise ValueError(f"population must be at least 1, got {population}")
    if not 0 < moe < 1:
        raise ValueError(f"margin of error must be between 0 and 1, got {moe}")
    return math.ceil(population / (1 + population * moe**2) - 1e-9)


def pps_systematic(sizes: Any, n: int, rng: np.random.Generator, *, codes: Any = None) -> PPSSelection:
    """Systematic probability-proportional-to-size selection (with certainty units).

    Units whose ``n × size / total`` reaches 1 are taken with certainty and the rest of the
    sample is drawn systematically from the others (random start, fixed step along the
    cumulated sizes, in frame order — sort the frame for implicit stratification).

    Args:
        sizes: measure of size of every unit (> 0).
        n: units to select.
        rng: numpy random generator (``np.random.default_rng(seed)``).
        codes: unit codes, only used in error messages.

    Returns:
        A :class:`PPSSelection`.

    Raises:
        FrameError: missing or non-positive sizes (the units are named) or n too large.
    """
    s = np.asarray(sizes, dtype=float)
    names = np.arange(1, s.size + 1) if codes is None else np.asarray(codes)
    bad = ~np.isfinite(s) | (s <= 0)
    if bad.any():
        listed = ", ".join(str(c) for c in names[bad][:10])
        raise FrameError(f"{int(bad.sum())} unit(s) have a missing or zero size: {listed}")
    if not 0 < n <= s.size:
        raise FrameError(f"asked for {n} units but the frame has {s.size}")
    certain = np.zeros(s.size, dtype=bool)
    while True:
        rest = ~certain
        n_rest = n - int(certain.sum())
        prob = np.where(rest, n_rest * s / s[rest].sum(), 1.0)
        new = rest & (prob >= 1)
        if not new.any() or n_rest == 0:
            break
        certain |= new
    n_rest = n - int(certain.sum())
    chosen = certain.copy()
    if n_rest > 0:
        rest_idx = np.flatnonzero(~certain)
        cum = np.cumsum(s[rest_idx])
        step = cum[-1] / n_rest
        points = rng.uniform(0, step) + step * np.arange(n_rest)
        picked = rest_idx[np.searchsorted(cum, points, side="right")]
        chosen[picked] = True
    idx = np.flatnonzero(chosen)
    prob = np.where(certain, 1.0, prob)
    return PPSSelection(indices=idx, inclusion_probability=prob[idx], certainty=certain[idx])


def select_multistage(
    frame: pd.DataFrame,
    *,
    n_communes: int | Mapping[Any, int],
    n_villages: int,
    n_respondents: int,
    seed: int | None = None,
    stratum: str = "stratum",
    commune: str = "commune",
    village: str = "village",
    size: str = "size",
) -> MultistageSample:
    """PAPI-style sample: communes by PPS within strata, villages by PPS, respondents at random.

    The commune's size is the sum of its villages' sizes, so with equal respondents per village
    the sample is self-weighting within a stratum.

    Args:
        frame: one row per village with stratum, commune code, village code and size (eligible
            adults).
        n_communes: communes per stratum (one number or ``{stratum: number}``).
        n_villages: villages per selected commune (all of them if the commune has fewer).
        n_respondents: respondents per selected village (all adults if the village has fewer).
        seed: random seed; the same seed and frame give the same sample.
        stratum, commune, village, size: column names.

    Returns:
        A :class:`MultistageSample` with the probabilities of every stage.

    Raises:
        FrameError: missing columns, missing/zero sizes (villages listed), or too few communes.
    """
    missing = [c for c in (stratum, commune, village, size) if c not in frame.columns]
    if missing:
        raise FrameError(
            f"frame lacks column(s) {', '.join(missing)}; it has {', '.join(map(str, frame.columns))}"
        )
    sizes = pd.to_numeric(frame[size], errors="coerce")
    bad = sizes.isna() | (sizes <= 0)
    if bad.any():
        listed = ", ".join(
            f"{c}/{v}" for c, v in zip(frame.loc[bad, commune][:10], frame.loc[bad, village][:10])
        )
        raise FrameError(f"{int(bad.sum())} village(s) have a missing or zero size: {listed}")
    if n_villages < 1 or n_respondents < 1:
        raise FrameError("n_villages and n_respondents must be at least 1")
    rng = np.random.default_rng(seed)
    data = frame.assign(**{size: sizes.astype(float)})
    rows = []
    respondents = []
    for h in sorted(data[stratum].unique(), key=str):
        in_h = data[data[stratum] == h]
        communes = in_h.groupby(commune, sort=True)[size].sum()
        a = n_communes[h] if isinstance(n_communes, Mapping) else n_communes
        if a > len(communes):
            raise FrameError(f"stratum {h}: cannot select {a} communes out of {len(communes)}")
        first = pps_systematic(communes.to_numpy(), a, rng, codes=communes.index.to_numpy())
        for ci, p1 in zip(first.indices, first.inclusion_probability):
            code = communes.index[ci]
            villages = in_h[in_h[commune] == code].sort_values(village)
            b = min(n_villages, len(villages))
            second = pps_systematic(villages[size].to_numpy(), b, rng, codes=villages[village].to_numpy())
            for vi, p2 in zip(second.indices, second.inclusion_probability):
                row = villages.iloc[vi]
                n_v = float(row[size])
                m = int(min(n_respondents, n_v))
                p3 = m / n_v
                p_total = p1 * p2 * p3
                rows.append(
                    {
                        "stratum": h,
                        "commune": code,
                        "village": row[village],
                        "size": n_v,
                        "commune_size": float(communes.iloc[ci]),
                        "p_commune": float(p1),
                        "p_village": float(p2),
                        "n_respondents": m,
                        "p_respondent": p3,
                        "p_total": p_total,
                        "weight": 1.0 / p_total,
                    }
                )
                picks = np.sort(rng.choice(int(n_v), size=m, replace=False)) + 1
                respondents.extend(
                    {
                        "stratum": h,
                        "commune": code,
                        "village": row[village],
                        "respondent": int(pick),
                        "p_total": p_total,
                        "weight": 1.0 / p_total,
                    }
                    for pick in picks
                )
    return MultistageSample(villages=pd.DataFrame(rows), respondents=pd.DataFrame(respondents), seed=seed)
