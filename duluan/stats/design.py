"""Complex survey designs: strata, multi-stage clusters, weights and the Taylor variance.

A :class:`Design` holds what the variance of a linear statistic depends on — strata, the
cluster ids of every sampling stage, the finite population correction of each stage and the
weights — and computes the Horvitz–Thompson "with replacement within strata" variance of
influence totals the way R's ``survey`` package does (``svyrecvar``): stage 1 clusters within
strata and, when an fpc is given for every stage, the later stages recursively, each multiplied
by the sampling fraction of the stages above it. Post-stratification and raking leave
calibration steps on the design so that estimating functions are residualised before the
variance, as R does.

The design is immutable: weighting functions return a new design.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = [
    "LONELY_PSU_OPTIONS",
    "CalibrationStep",
    "Design",
    "DesignError",
    "LonelyPSUError",
]

LonelyPSU = Literal["fail", "certainty", "remove", "adjust", "average"]
LONELY_PSU_OPTIONS: tuple[str, ...] = ("fail", "certainty", "remove", "adjust", "average")

# R treats a sampling fraction this close to 1 as a census of the stratum (no variance).
_CERTAINTY_TOL = 1e-7


class DesignError(ValueError):
    """The design description is inconsistent (missing ids, fpc smaller than the sample …)."""


class LonelyPSUError(DesignError):
    """A stratum has a single primary sampling unit, so its variance cannot be estimated."""

    def __init__(self, stratum: Any, stage: int):
        self.stratum = stratum
        self.stage = stage
        super().__init__(
            f"Stratum ({stratum}) has only one PSU at stage {stage}: its variance cannot be "
            "estimated. Choose lonely_psu='certainty' (treat it as sampled with certainty), "
            "'adjust' (centre it at the grand mean), 'average' (give it the average variance of "
            "the other strata) or 'remove', as in R's options(survey.lonely.psu=...)."
        )


@dataclass(frozen=True)
class CalibrationStep:
    """One post-stratification left on a design, for residualising influence functions.

    Attributes:
        cells: integer cell of every row (0..n_cells-1).
        weights: the weights right after this step (R's ``attr(index, "weights")``).
        old_weights: the weights right before it.
        labels: label of every cell.
        variable: name of the post-stratifying variable(s), for reports.
    """

    cells: np.ndarray
    weights: np.ndarray
    old_weights: np.ndarray
    labels: tuple
    variable: str


@dataclass(frozen=True)
class _Stage:
    """Cluster structure of one sampling stage (arrays are per cluster or per stratum)."""

    row_cluster: np.ndarray  # cluster index of each row at this stage
    n_clusters: int
    cluster_parent: np.ndarray | None  # cluster index at the stage above (None at stage 1)
    cluster_stratum: np.ndarray  # stage stratum of each cluster
    n_strata: int
    stratum_n: np.ndarray  # clusters sampled in each stratum
    stratum_popsize: np.ndarray | None  # clusters in the population (inf = unknown)
    stratum_group: np.ndarray  # onestage() call the stratum belongs to (its parent cluster)
    stratum_labels: list


@dataclass(frozen=True, eq=False)
class Design:
    """A stratified multi-stage cluster design with weights.

    Build it with :meth:`Design.from_arrays` or :meth:`Design.from_frame`; weighting functions
    (:func:`duluan.stats.post_stratify`, :func:`duluan.stats.rake`) return calibrated copies.

    Attributes:
        weights: final analysis weight of every row.
        lonely_psu: what to do with a stratum holding one PSU (R's ``survey.lonely.psu``).
        ultimate_cluster: use stage-1 clusters only for the variance (R's
            ``survey.ultimate.cluster``; default False, like R).
        data: the data frame the design was built from, if any (to resolve column names).
    """

    weights: np.ndarray
    stages: tuple[_Stage, ...]
    has_strata: bool
    has_fpc: bool
    lonely_psu: str = "fail"
    ultimate_cluster: bool = False
    calibration: tuple[Any, ...] = ()
    data: pd.DataFrame | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_arrays(
        cls,
        *,
        psu: Any = None,
        strata: Any = None,
        weights: Any = None,
        fpc: Any = None,
        nest: bool = False,
        lonely_psu: str = "fail",
        ultimate_cluster: bool = False,
        n: int | None = None,
        data: pd.DataFrame | None = None,
    ) -> Design:
        """Build a design from arrays.

        Args:
            psu: cluster ids; one array for a single stage or a sequence of arrays (stage 1,
                stage 2, …). None means every row is its own PSU (R's ``id=~1``).
            strata: stratum of every row (stage 1), or None.
            weights: sampling weights; when None they come from ``fpc`` (product over stages of
                population/sample counts) or are all 1.
            fpc: per stage, either the population number of clusters in the stratum (all values
                >= 1) or the sampling fraction (all values <= 1); one array or a sequence.
            nest: cluster ids are only unique within strata (R's ``nest=TRUE``).
            lonely_psu: "fail" (default, like R), "certainty", "remove", "adjust" or "average".
            ultimate_cluster: only the stage-1 variance (R's ``survey.ultimate.cluster=TRUE``).
            n: number of rows when neither psu, strata nor weights tell it.
            data: optional data frame kept on the design to resolve column names.

        Returns:
            A :class:`Design`.

        Raises:
            DesignError: on missing ids, clusters spanning strata, fpc inconsistent with the
                sample, or non-positive weights.
        """
        if lonely_psu not in LONELY_PSU_OPTIONS:
            raise DesignError(
                f"lonely_psu must be one of {', '.join(LONELY_PSU_OPTIONS)}; got {lonely_psu!r}"
            )
        stage_ids = _as_stage_list(psu)
        fpcs = _as_stage_list(fpc)
        length = _common_length([*stage_ids, strata, weights, *fpcs], n, data)
        if not stage_ids:
            stage_ids = [np.arange(length)]
        if fpcs and len(fpcs) != len(stage_ids):
            raise DesignError(f"fpc has {len(fpcs)} stage(s) but the design has {len(stage_ids)}")

        has_strata = strata is not None
        strata_arr = _as_array(strata, "strata") if has_strata else np.zeros(length, dtype=np.int64)
        stratum_codes, stratum_labels = _factorize(strata_arr, "strata")
        id_codes = []
        for i, ids in enumerate(stage_ids):
            codes, _ = _factorize(_as_array(ids, f"psu (stage {i + 1})"), f"psu (stage {i + 1})")
            id_codes.append(codes)
        if len(np.unique(id_codes[0])) == 1 and not (nest and has_strata):
            raise DesignError("Design has only one primary sampling unit")
        # Later-stage ids are made unique within the clusters above them, as R does.
        for i in range(1, len(id_codes)):
            id_codes[i] = _combine(id_codes[i - 1], id_codes[i])
        if nest and has_strata:
            id_codes = [_combine(stratum_codes, c) for c in id_codes]
        elif has_strata:
            _check_nested(id_codes[0], stratum_codes, stratum_labels)

        stages: list[_Stage] = []
        popsizes: list[np.ndarray] = []
        sampsizes: list[np.ndarray] = []
        parent_row_cluster = None
        for i, codes in enumerate(id_codes):
            row_cluster, n_clusters = _dense(codes)
            if i == 0:
                row_stratum = stratum_codes
                labels = list(stratum_labels)
            else:
                row_stratum = parent_row_cluster
                labels = [f"cluster {j + 1} of stage {i}" for j in range(int(row_stratum.max()) + 1)]
            cluster_first = _first_index(row_cluster, n_clusters)
            cluster_stratum = row_stratum[cluster_first]
            n_strata = int(row_stratum.max()) + 1
            stratum_n = np.bincount(cluster_stratum, minlength=n_strata).astype(float)
            row_sampsize = stratum_n[row_stratum]
            sampsizes.append(row_sampsize)
            popsize = None
            if fpcs:
                raw = _as_array(fpcs[i], f"fpc (stage {i + 1})").astype(float)
                if np.any(~np.isfinite(raw) & ~np.isposinf(raw)) or np.any(np.isnan(raw)):
                    raise DesignError(f"missing values in fpc (stage {i + 1})")
                popsize = _fpc_popsize(raw, row_sampsize, i + 1)
                stratum_popsize = _constant_within(popsize, row_stratum, n_strata, labels, i + 1)
                popsizes.append(popsize)
            else:
                stratum_popsize = None
            cluster_parent = None
            if i > 0:
                cluster_parent = parent_row_cluster[cluster_first]
            stratum_group = (
                np.zeros(n_strata, dtype=np.int64) if i == 0 else np.arange(n_strata, dtype=np.int64)
            )
            stages.append(
                _Stage(
                    row_cluster=row_cluster,
                    n_clusters=n_clusters,
                    cluster_parent=cluster_parent,
                    cluster_stratum=cluster_stratum,
                    n_strata=n_strata,
                    stratum_n=stratum_n,
                    stratum_popsize=stratum_popsize,
                    stratum_group=stratum_group,
                    stratum_labels=labels,
                )
            )
            parent_row_cluster = row_cluster

        if weights is not None:
            w = _as_array(weights, "weights").astype(float)
            if np.any(~np.isfinite(w)) or np.any(w < 0):
                bad = int(np.flatnonzero(~np.isfinite(w) | (w < 0))[0])
                raise DesignError(f"weights must be finite and non-negative; row {bad + 1} has {w[bad]!r}")
        elif popsizes:
            w = np.ones(length)
            for popsize, sampsize in zip(popsizes, sampsizes):
                w = w * popsize / sampsize
        else:
            w = np.ones(length)
        return cls(
            weights=w,
            stages=tuple(stages),
            has_strata=has_strata,
            has_fpc=bool(fpcs),
            lonely_psu=lonely_psu,
            ultimate_cluster=ultimate_cluster,
            data=data,
        )

    @classmethod
    def from_frame(
        cls,
        data: pd.DataFrame,
        *,
        psu: str | Sequence[str] | None = None,
        strata: str | None = None,
        weights: str | None = None,
        fpc: str | Sequence[str] | None = None,
        nest: bool = False,
        lonely_psu: str = "fail",
        ultimate_cluster: bool = False,
    ) -> Design:
        """Build a design from columns of a data frame (like ``svydesign(..., data=)``).

        Args:
            data: one row per respondent.
            psu: column (or list of columns, one per stage) of cluster ids; None = each row.
            strata: column of strata, or None.
            weights: column of sampling weights, or None (see :meth:`from_arrays`).
            fpc: column (or one per stage) of population counts or sampling fractions.
            nest, lonely_psu, ultimate_cluster: see :meth:`from_arrays`.

        Returns:
            A :class:`Design` that keeps ``data`` to resolve variable names.

        Raises:
            DesignError: a named column is missing (the message lists the available ones).
        """

        def col(name: Any) -> Any:
            if name is None:
                return None
            if isinstance(name, list | tuple):
                return [col(x) for x in name]
            if name not in data.columns:
                raise DesignError(
                    f"unknown column {name!r}; available columns: {', '.join(map(str, data.columns))}"
                )
            return data[name].to_numpy()

        return cls.from_arrays(
            psu=col(psu),
            strata=col(strata),
            weights=col(weights),
            fpc=col(fpc),
            nest=nest,
            lonely_psu=lonely_psu,
            ultimate_cluster=ultimate_cluster,
            n=len(data),
            data=data,
        )

    # ------------------------------------------------------------------ properties
    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.weights.shape[0])

    @property
    def is_calibrated(self) -> bool:
        """True after post-stratification or raking."""
        return bool(self.calibration)

    def with_weights(self, weights: np.ndarray, calibration: tuple[Any, ...] | None = None) -> Design:
        """A copy with other weights (and calibration steps)."""
        return dataclasses.replace(
            self,
            weights=np.asarray(weights, dtype=float),
            calibration=self.calibration if calibration is None else calibration,
        )

    def with_options(self, **options: Any) -> Design:
        """A copy with other ``lonely_psu`` / ``ultimate_cluster`` options."""
        if "lonely_psu" in options and options["lonely_psu"] not in LONELY_PSU_OPTIONS:
            raise DesignError(f"lonely_psu must be one of {', '.join(LONELY_PSU_OPTIONS)}")
        return dataclasses.replace(self, **options)

    def column(self, name_or_values: Any, what: str = "variable") -> np.ndarray:
        """Resolve a column name against :attr:`data`, or check an array's length.

        Raises:
            DesignError: unknown column (listing the available ones) or wrong length.
        """
        if isinstance(name_or_values, str):
            if self.data is None:
                raise DesignError(f"{what} {name_or_values!r} is a name but the design has no data frame")
            if name_or_values not in self.data.columns:
                cols = ", ".join(map(str, self.data.columns))
                raise DesignError(f"unknown column {name_or_values!r}; available columns: {cols}")
            return self.data[name_or_values].to_numpy()
        values = np.asarray(name_or_values)
        if values.shape[0] != self.n:
            raise DesignError(f"{what} has {values.shape[0]} rows, the design has {self.n}")
        return values

    def degf(self, rows: np.ndarray | None = None) -> int:
        """Design degrees of freedom: PSUs minus strata among rows with non-zero weight.

        Args:
            rows: optional boolean mask (a domain); R's ``degf`` of the subset design.
        """
        inset = self.weights != 0
        if rows is not None:
            inset &= rows
        stage = self.stages[0]
        psus = np.unique(stage.row_cluster[inset]).size
        strata = np.unique(stage.cluster_stratum[stage.row_cluster[inset]]).size
        return int(psus - strata)

    # ------------------------------------------------------------------ variance
    def _variance_stages(self) -> int:
        if self.ultimate_cluster or not self.has_fpc:
            return 1
        return len(self.stages)

    def needs_presence(self) -> bool:
        """True when lonely strata exist and the option depends on which strata a domain has."""
        if self.lonely_psu not in ("fail", "average"):
            return False
        for stage in self.stages[: self._variance_stages()]:
            if stage.stratum_popsize is None:
                f = np.ones(stage.n_strata)
            else:
                pop = stage.stratum_popsize
                f = np.where(np.isposinf(pop), 1.0, (pop - stage.stratum_n) / pop)
            if np.any((stage.stratum_n == 1) & (f >= _CERTAINTY_TOL)):
                return True
        return False

    def finest_cluster(self) -> tuple[np.ndarray, int]:
        """Row → cluster index at the deepest stage the variance uses, and the cluster count."""
        stage = self.stages[self._variance_stages() - 1]
        return stage.row_cluster, stage.n_clusters

    def residualise(self, x: np.ndarray) -> np.ndarray:
        """Project row-level influence values on the calibration steps (R's svyrecvar).

        Args:
            x: (n, k) influence values (already multiplied by the weights).

        Returns:
            The residualised (n, k) array (x itself when the design is not calibrated).
        """
        for step in self.calibration:
            if isinstance(step, tuple):  # raking: R cycles its margins ten times
                for _ in range(10):
                    for margin in step:
                        psw = margin.weights[:, None]
                        sums = _group_sum(x / psw, margin.cells, len(margin.labels))
                        counts = np.bincount(margin.cells, minlength=len(margin.labels)).astype(float)
                        x = x - psw * (sums / np.maximum(counts, 1)[:, None])[margin.cells]
            else:
                psw = step.weights.copy()
                oldw = step.old_weights
                psw[(psw == 0) & (oldw == 0)] = 1.0
                n_cells = len(step.labels)
                num = _group_sum(x * (oldw / psw)[:, None], step.cells, n_cells)
                den = np.bincount(step.cells, weights=oldw, minlength=n_cells)
                means = num / np.where(den == 0, 1.0, den)[:, None]
                x = x - means[step.cells] * psw[:, None]
        return x

    def row_variance(self, x: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Variance of the totals of row-level influence values (diagonal only).

        Args:
            x: (n,) or (n, k) influence values, zero outside the domain.
            rows: (n,) or (n, k) boolean membership used to decide which strata are present
                (R drops strata without domain rows from an uncalibrated subset); None = all.

        Returns:
            (k,) variances.
        """
        x = np.asarray(x, dtype=float)
        if x.ndim == 1:
            x = x[:, None]
        x = self.residualise(x)
        row_cluster, n_clusters = self.finest_cluster()
        totals = _group_sum(x, row_cluster, n_clusters)
        present = None
        if rows is not None and not self.is_calibrated:
            r = np.asarray(rows, dtype=float)
            if r.ndim == 1:
                r = np.repeat(r[:, None], x.shape[1], axis=1)
            present = _group_sum(r, row_cluster, n_clusters) > 0
        return self.cluster_variance(totals, present)

    def cluster_variance(self, totals: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
        """Multi-stage variance from influence totals of the deepest variance-stage clusters.

        Args:
            totals: (C, k) totals per cluster of the deepest stage used (see
                :meth:`finest_cluster`), zeros for clusters with no domain rows.
            present: optional (C, k) booleans: cluster has rows of the domain. Strata with no
                present cluster are skipped, as R's subset designs do (this matters only for
                lonely PSUs).

        Returns:
            (k,) variances.

        Raises:
            LonelyPSUError: a present stratum has one PSU and ``lonely_psu == "fail"``.
        """
        n_stages = self._variance_stages()
        k = totals.shape[1]
        per_stage_totals = [totals]
        per_stage_present = [present]
        for s in range(n_stages - 1, 0, -1):
            parent = self.stages[s].cluster_parent
            n_parent = self.stages[s - 1].n_clusters
            per_stage_totals.insert(0, _group_sum(per_stage_totals[0], parent, n_parent))
            p = per_stage_present[0]
            per_stage_present.insert(
                0, None if p is None else _group_sum(p.astype(float), parent, n_parent) > 0
            )

        variance = np.zeros(k)
        multiplier = None  # per stratum of the current stage: product of n/N above it
        for s in range(n_stages):
            stage = self.stages[s]
            contrib = self._stage_variance(stage, s + 1, per_stage_totals[s], per_stage_present[s])
            if s == 0:
                multiplier = np.ones(stage.n_strata)
            contrib = contrib * multiplier[:, None]
            variance += np.nansum(contrib, axis=0)
            if s + 1 < n_stages:
                # the strata of the next stage are this stage's clusters
                frac = stage.stratum_n / stage.stratum_popsize
                multiplier = (multiplier * frac)[stage.cluster_stratum]
        return variance

    def _stage_variance(
        self, stage: _Stage, stage_no: int, totals: np.ndarray, present: np.ndarray | None
    ) -> np.ndarray:
        """Per-stratum variance contributions (n_strata, k), already scaled for 'average'."""
        h = stage.cluster_stratum
        n_h = stage.stratum_n
        if stage.stratum_popsize is None:
            f = np.ones(stage.n_strata)
        else:
            pop = stage.stratum_popsize
            f = np.where(np.isposinf(pop), 1.0, (pop - n_h) / pop)
        sums = _group_sum(totals, h, stage.n_strata)
        means = sums / n_h[:, None]
        lonely = n_h == 1
        census = f < _CERTAINTY_TOL
        adjust_lonely = lonely & (self.lonely_psu == "adjust")
        centred = totals - np.where(adjust_lonely[:, None], 0.0, means)[h]
        ss = _group_sum(centred * centred, h, stage.n_strata)
        scale = np.where(n_h > 1, f * n_h / np.maximum(n_h - 1, 1), f)
        scale = np.where(census, 0.0, scale)
        contrib = ss * scale[:, None]
        bad = lonely & ~census
        if bad.any():
            if present is None:
                stratum_present = np.ones((stage.n_strata, totals.shape[1]), dtype=bool)
            else:
                stratum_present = _group_sum(present.astype(float), h, stage.n_strata) > 0
            if self.lonely_psu == "fail":
                hit = np.flatnonzero(bad & stratum_present.any(axis=1))
                if hit.size:
                    raise LonelyPSUError(stage.stratum_labels[int(hit[0])], stage_no)
            elif self.lonely_psu in ("certainty", "remove"):
                contrib[bad] = 0.0
            elif self.lonely_psu == "average":
                contrib[bad] = np.nan
                # R rescales each onestage() call by (strata present)/(strata not lonely)
                groups = stage.stratum_group
                n_groups = int(groups.max()) + 1
                nstrat = _group_sum(stratum_present.astype(float), groups, n_groups)
                nbad = _group_sum((stratum_present & bad[:, None]).astype(float), groups, n_groups)
                ok = nstrat - nbad
                factor = np.where(ok > 0, nstrat / np.where(ok > 0, ok, 1), np.nan)
                contrib = contrib * factor[groups]
        return contrib


# ---------------------------------------------------------------------- helpers
def _group_sum(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the rows of a (n,) or (n, k) array by group in one sparse product."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        return np.bincount(groups, weights=values, minlength=n_groups)
    if values.shape[1] == 1:
        return np.bincount(groups, weights=values[:, 0], minlength=n_groups)[:, None]
    indicator = sparse.csr_matrix(
        (np.ones(groups.shape[0]), (groups, np.arange(groups.shape[0]))), shape=(n_groups, groups.shape[0])
    )
    return np.asarray(indicator @ values)


def _as_stage_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        # a list of scalars is one stage; a list of arrays/columns is one entry per stage
        if value and all(np.ndim(v) == 0 for v in value):
            return [np.asarray(value)]
        return list(value)
    if isinstance(value, pd.DataFrame):
        return [value[c].to_numpy() for c in value.columns]
    arr = np.asarray(value)
    if arr.ndim == 2:
        return [arr[:, i] for i in range(arr.shape[1])]
    return [value]


def _as_array(value: Any, what: str) -> np.ndarray:
    arr = value.to_numpy() if isinstance(value, pd.Series) else np.asarray(value)
    if arr.ndim != 1:
        raise DesignError(f"{what} must be one-dimensional")
    return arr


def _common_length(values: list, n: int | None, data: pd.DataFrame | None) -> int:
    lengths = {len(v) for v in values if v is not None}
    if n is not None:
        lengths.add(n)
    if data is not None:
        lengths.add(len(data))
    if not lengths:
        raise DesignError("cannot tell the number of rows: give psu, strata, weights or n")
    if len(lengths) > 1:
        raise DesignError(f"design arrays have different lengths: {sorted(lengths)}")
    return lengths.pop()


def _factorize(values: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    codes, labels = pd.factorize(pd.Series(values), sort=True)
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise DesignError(f"missing values in {what} (row {row + 1})")
    return codes.astype(np.int64), np.asarray(labels)


def _combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a.astype(np.int64) * (int(b.max()) + 1) + b


def _dense(codes: np.ndarray) -> tuple[np.ndarray, int]:
    inverse, uniq = pd.factorize(codes, sort=True)
    return inverse.astype(np.int64), int(uniq.size)


def _first_index(groups: np.ndarray, n_groups: int) -> np.ndarray:
    first = np.full(n_groups, -1, dtype=np.int64)
    order = np.arange(groups.shape[0])[::-1]
    first[groups[::-1]] = order
    return first


def _check_nested(psu: np.ndarray, strata: np.ndarray, labels: np.ndarray) -> None:
    n_psu = int(psu.max()) + 1
    first_stratum = strata[_first_index(psu, n_psu)]
    if np.any(first_stratum[psu] != strata):
        raise DesignError(
            "Clusters not nested in strata at top level: the same PSU id appears in several "
            "strata; use nest=True if PSU ids are only unique within strata."
        )


def _fpc_popsize(raw: np.ndarray, sampsize: np.ndarray, stage: int) -> np.ndarray:
    as_popsize = bool(np.any(raw > 1))
    if as_popsize != bool(np.all(raw >= 1)):
        raise DesignError(
            f"fpc (stage {stage}): give all values >= 1 (population counts) or all <= 1 (fractions)"
        )
    popsize = raw if as_popsize else sampsize / raw
    if np.any(popsize < sampsize):
        row = int(np.flatnonzero(popsize < sampsize)[0])
        raise DesignError(
            f"fpc implies more than 100% sampling at stage {stage} (row {row + 1}: population "
            f"{popsize[row]:g}, sample {sampsize[row]:g} clusters)"
        )
    return popsize


def _constant_within(
    values: np.ndarray, groups: np.ndarray, n_groups: int, labels: list, stage: int
) -> np.ndarray:
    first = _first_index(groups, n_groups)
    per_group = values[first]
    differs = values != per_group[groups]
    if differs.any():
        g = int(groups[np.flatnonzero(differs)[0]])
        raise DesignError(f"fpc varies within stratum {labels[g]} at stage {stage}")
    return per_group.astype(float)
