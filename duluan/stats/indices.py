"""Satisfaction indices (SIPAS/PAPI style) defined as data, per commune, and round comparisons.

An index is items → sub-indices → index. Each respondent gets a score per sub-index (the mean of
the items they answered, each item scored 100 if the answer is at least ``satisfied_min`` —
"% satisfied" — or the answer itself — "mean score") and an index score (the weighted mean of
their sub-index scores). Domain values are survey means of these scores, so every figure has a
design-based standard error and interval and can be traced back to the responses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from duluan.stats.design import Design
from duluan.stats.estimate import Estimates, survey_by

__all__ = [
    "IndexDefinition",
    "IndexDefinitionError",
    "IndexResult",
    "SubIndex",
    "compare_rounds",
    "compute_index",
    "respondent_scores",
]

METHODS = ("percent_satisfied", "mean_score")


class IndexDefinitionError(ValueError):
    """The index definition is malformed or names items missing from the data."""


@dataclass(frozen=True)
class SubIndex:
    """A group of items (e.g. "Thủ tục hành chính")."""

    name: str
    items: tuple[str, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class IndexDefinition:
    """An index as plain data (stored in the admin, loaded from JSON).

    Attributes:
        name: index name.
        subindices: the sub-indices and their items.
        method: "percent_satisfied" (share of answers >= ``satisfied_min``, in %) or "mean_score".
        scale_min, scale_max: valid answers; anything else (e.g. 9 = "don't know") is missing.
        satisfied_min: smallest answer counted as satisfied (4 on a 5-point scale).
        min_n: domains with fewer respondents get a small-sample warning.
    """

    name: str
    subindices: tuple[SubIndex, ...]
    method: str = "percent_satisfied"
    scale_min: int = 1
    scale_max: int = 5
    satisfied_min: int = 4
    min_n: int = 30

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise IndexDefinitionError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if not self.subindices:
            raise IndexDefinitionError(f"index {self.name!r} has no sub-index")
        for sub in self.subindices:
            if not sub.items:
                raise IndexDefinitionError(f"sub-index {sub.name!r} has no item")
            if sub.weight <= 0:
                raise IndexDefinitionError(f"sub-index {sub.name!r} has a non-positive weight")
        if not self.scale_min <= self.satisfied_min <= self.scale_max:
            raise IndexDefinitionError("satisfied_min must lie within the answer scale")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndexDefinition:
        """Build from a plain dict (e.g. parsed JSON); sub-indices as dicts with name/items/weight."""
        try:
            subs = tuple(
                SubIndex(name=s["name"], items=tuple(s["items"]), weight=float(s.get("weight", 1.0)))
                for s in data["subindices"]
            )
            extra = {
                k: data[k]
                for k in ("method", "scale_min", "scale_max", "satisfied_min", "min_n")
                if k in data
            }
            return cls(name=data["name"], subindices=subs, **extra)
        except KeyError as err:
            raise IndexDefinitionError(f"index definition lacks {err.args[0]!r}") from err

    @classmethod
    def from_json(cls, text: str) -> IndexDefinition:
        """Build from JSON text."""
        return cls.from_dict(json.loads(text))

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (round-trips through :meth:`from_dict`)."""
        out = asdict(self)
        out["subindices"] = [
            {"name": s.name, "items": list(s.items), "weight": s.weight} for s in self.subindices
        ]
        return out

    @property
    def items(self) -> list[str]:
        """All items, in definition order, without repeats."""
        return list(dict.fromkeys(i for s in self.subindices for i in s.items))


@dataclass(frozen=True)
class IndexResult:
    """An index per domain.

    Attributes:
        table: one row per (component, domain): component is a sub-index name or the index
            name; columns estimate, se, ci_low, ci_high, n, deff, small_sample, warning.
        definition: the definition used.
        scores: per-respondent scores (one column per component) for tracing figures back.
    """

    table: pd.DataFrame
    definition: IndexDefinition
    scores: pd.DataFrame = field(repr=False)

    def index(self) -> pd.DataFrame:
        """Rows of the overall index only."""
        return self.table[self.table["component"] == self.definition.name].reset_index(drop=True)


def respondent_scores(answers: pd.DataFrame, definition: IndexDefinition) -> pd.DataFrame:
    """Score every respondent on every sub-index and on the index.

    Args:
        answers: one row per respondent, one column per item (numeric answers).
        definition: the index definition.

    Returns:
        A frame with one column per sub-index and one for the index (NaN where the respondent
        answered none of the items).

    Raises:
        IndexDefinitionError: an item is missing from ``answers`` (the available ones listed).
    """
    missing = [i for i in definition.items if i not in answers.columns]
    if missing:
        raise IndexDefinitionError(
            f"item(s) {', '.join(missing)} not in the data; "
            f"available columns: {', '.join(map(str, answers.columns))}"
        )
    scores = {}
    for sub in definition.subindices:
        raw = answers[list(sub.items)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        valid = (raw >= definition.scale_min) & (raw <= definition.scale_max)
        if definition.method == "percent_satisfied":
            item = np.where(raw >= definition.satisfied_min, 100.0, 0.0)
        else:
            item = raw
        item = np.where(valid, item, np.nan)
        count = valid.sum(axis=1)
        with np.errstate(invalid="ignore"):
            scores[sub.name] = np.where(count > 0, np.nansum(item, axis=1) / np.maximum(count, 1), np.nan)
    frame = pd.DataFrame(scores, index=answers.index)
    weights = np.array([s.weight for s in definition.subindices])
    mat = frame.to_numpy()
    has = ~np.isnan(mat)
    wsum = (has * weights).sum(axis=1)
    with np.errstate(invalid="ignore"):
        overall = np.where(wsum > 0, np.nansum(mat * weights, axis=1) / np.where(wsum > 0, wsum, 1), np.nan)
    frame[definition.name] = overall
    return frame


def compute_index(
    design: Design,
    definition: IndexDefinition,
    answers: pd.DataFrame | None = None,
    *,
    by: Any = None,
    conf: float = 0.95,
) -> IndexResult:
    """Compute an index and its sub-indices for the whole sample or per domain (e.g. commune).

    Args:
        design: the survey design (its data frame supplies the answers unless given).
        definition: the index definition.
        answers: answers frame aligned with the design rows; defaults to ``design.data``.
        by: domain column name/array (e.g. "commune"), or None.
        conf: confidence level of the Wald intervals (clipped to the score range).

    Returns:
        An :class:`IndexResult`; domains with fewer than ``definition.min_n`` respondents carry
        ``small_sample=True`` and a warning text.
    """
    if answers is None:
        if design.data is None:
            raise IndexDefinitionError("give the answers frame or build the design from a data frame")
        answers = design.data
    scores = respondent_scores(answers.reset_index(drop=True), definition)
    est = survey_by(design, scores, by, conf=conf)
    table = est.to_frame().rename(columns={"variable": "component"})
    low, high = (
        (0.0, 100.0)
        if definition.method == "percent_satisfied"
        else (definition.scale_min, definition.scale_max)
    )
    table["ci_low"] = table["ci_low"].clip(lower=low, upper=high)
    table["ci_high"] = table["ci_high"].clip(lower=low, upper=high)
    small = table["n"] < definition.min_n
    table["small_sample"] = small
    table["warning"] = np.where(
        small, [f"mẫu nhỏ / small sample: n={n} < {definition.min_n}" for n in table["n"]], ""
    )
    return IndexResult(table=table, definition=definition, scores=scores)


def compare_rounds(
    first: Estimates | IndexResult | pd.DataFrame,
    second: Estimates | IndexResult | pd.DataFrame,
    *,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Test changes between two survey rounds drawn independently.

    ``difference = second − first``, ``se = sqrt(se1² + se2²)``, ``z = difference / se`` and
    the two-sided normal p-value. Rows are matched on (variable or component, domain).

    Args:
        first: the earlier round's estimates (:class:`Estimates`, :class:`IndexResult` or a
            frame with estimate and se columns).
        second: the later round's, same shape.
        alpha: significance level for the ``significant`` column.

    Returns:
        A frame with keys, estimate_1, estimate_2, difference, se, z, p_value, significant.
    """
    from scipy import stats  # not with the module: see duluan.analysis.bursts.cusum_arl

    a, b = _as_round(first), _as_round(second)
    keys = [k for k in ("component", "domain") if k in a.columns and k in b.columns]
    merged = a.merge(b, on=keys, suffixes=("_1", "_2"), how="inner")
    diff = merged["estimate_2"] - merged["estimate_1"]
    se = np.sqrt(merged["se_1"] ** 2 + merged["se_2"] ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = diff / se
    p = 2 * stats.norm.sf(np.abs(z))
    out = merged[keys].copy()
    out["estimate_1"] = merged["estimate_1"]
    out["estimate_2"] = merged["estimate_2"]
    out["difference"] = diff
    out["se"] = se
    out["z"] = z
    out["p_value"] = p
    out["significant"] = p < alpha
    return out


def _as_round(value: Estimates | IndexResult | pd.DataFrame) -> pd.DataFrame:
    if isinstance(value, IndexResult):
        frame = value.table
    elif isinstance(value, Estimates):
        frame = value.to_frame().rename(columns={"variable": "component"})
    else:
        frame = value.rename(columns={"variable": "component"})
    cols = [c for c in ("component", "domain", "estimate", "se") if c in frame.columns]
    frame = frame[cols].copy()
    if "domain" in frame.columns:
        frame["domain"] = frame["domain"].astype(object).where(frame["domain"].notna(), "")
    return frame
