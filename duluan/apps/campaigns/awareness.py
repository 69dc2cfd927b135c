"""Awareness and support of a campaign's theme from a survey round: weighted shares with intervals.

Pure (no Django): arrays in, dataclasses out; the design-based estimation is the survey engine's
(:mod:`duluan.stats`), so these figures are computed exactly as the surveys app computes its own.

Design. Respondents of a two-stage stratified sample (communes as PSUs within strata, villages
within communes; with-replacement variance), each with its final weight (base weight × non-response
adjustment, raked when the round has margins — see :mod:`duluan.apps.surveys.estimates`). For each
measure a respondent's indicator is 1 (aware / supports), 0 (asked but not aware / not
supporting, "don't know" included) or missing (not asked). Shares are weighted means of the
indicator for the whole sample, for respondents in the campaign's targeted communes and for the
others (domains of the full design); intervals are logit intervals on the domain's design degrees
of freedom (R's ``svyciprop``). The difference targeted − other has a Taylor-linearised standard
error (the two domains share strata, so they are not independent) and a t interval on the
design's degrees of freedom.

Too little data: a share is given only when at least ``min_n`` respondents answered the question
in that group (both groups for the difference); otherwise the reason is returned instead of a
number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from duluan.stats import Design, DesignError, survey_proportion, wald_interval

__all__ = ["MIN_RESPONDENTS", "Difference", "MeasureResult", "Share", "survey_shares"]

MIN_RESPONDENTS = 30
OVERALL, TARGETED, OTHER = "overall", "targeted", "other"
GROUP_LABELS = {OVERALL: "chung", TARGETED: "ở xã, phường được tuyên truyền", OTHER: "ở xã, phường khác"}

TOO_FEW = "Chỉ {n} người trả lời câu hỏi này {group} (cần ít nhất {min})."
NO_DESIGN = "Không tính được theo thiết kế mẫu: {detail}"
BAD_LENGTHS = "Các mảng trọng số, tầng, xã, thôn, nhóm và chỉ báo phải dài bằng nhau."


@dataclass(frozen=True)
class Share:
    """A weighted share (0–1) with its 95 % interval, or the reasons there is none."""

    group: str
    n: int
    value: float | None
    low: float | None
    high: float | None
    reasons: tuple[str, ...] = ()

    @property
    def enough(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Difference:
    """Targeted − other, in share units, with its 95 % interval (or the reasons there is none)."""

    value: float | None
    low: float | None
    high: float | None
    df: int = 0
    reasons: tuple[str, ...] = ()

    @property
    def enough(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class MeasureResult:
    measure: str
    overall: Share
    targeted: Share
    other: Share
    difference: Difference

    @property
    def shares(self) -> tuple[Share, Share, Share]:
        return (self.overall, self.targeted, self.other)


def _none_share(group: str, n: int, reason: str) -> Share:
    return Share(group, n, None, None, None, (reason,))


def survey_shares(
    *,
    indicators: Mapping[str, Sequence[float]],
    weights: Sequence[float],
    strata: Sequence,
    commune: Sequence,
    village: Sequence,
    targeted: Sequence[bool],
    min_n: int = MIN_RESPONDENTS,
    conf: float = 0.95,
) -> dict[str, MeasureResult]:
    """Weighted shares of each indicator: overall, targeted communes, other communes, difference.

    Args:
        indicators: measure name → per respondent 1.0, 0.0 or NaN (not asked).
        weights: final weight of each respondent.
        strata, commune, village: the design (commune = PSU within stratum, village within it).
        targeted: whether the respondent lives in a commune the campaign targeted.
        min_n: the fewest respondents with an answer for a figure to be given.
        conf: confidence level.

    Returns:
        measure name → :class:`MeasureResult`.

    Example:
        >>> r = survey_shares(indicators={"biet": [1.0, 0.0]}, weights=[1, 1], strata=["a", "a"],
        ...     commune=["x", "y"], village=["x1", "y1"], targeted=[True, False])
        >>> r["biet"].overall.reasons[0].startswith("Chỉ 2")
        True
    """
    n = len(weights)
    arrays = [strata, commune, village, targeted, *indicators.values()]
    if any(len(a) != n for a in arrays):
        raise ValueError(BAD_LENGTHS)
    group = np.where(np.asarray(targeted, dtype=bool), TARGETED, OTHER)
    data = pd.DataFrame(
        {
            "stratum": np.asarray(strata, dtype=object).astype(str),
            "commune": np.asarray(commune, dtype=object).astype(str),
            "village": np.asarray(village, dtype=object).astype(str),
            "weight": np.asarray(weights, dtype=float),
            "group": group,
        }
    )
    for name, values in indicators.items():
        data[f"y_{name}"] = np.asarray(values, dtype=float)
    out: dict[str, MeasureResult] = {}
    try:
        design = Design.from_frame(
            data, psu=["commune", "village"], strata="stratum", weights="weight", lonely_psu="adjust"
        )
    except DesignError as exc:
        reason = NO_DESIGN.format(detail=exc)
        for name in indicators:
            shares = [_none_share(g, 0, reason) for g in (OVERALL, TARGETED, OTHER)]
            out[name] = MeasureResult(name, *shares, Difference(None, None, None, 0, (reason,)))
        return out
    for name in indicators:
        out[name] = _measure(design, data, name, min_n, conf)
    return out


def _measure(design: Design, data: pd.DataFrame, name: str, min_n: int, conf: float) -> MeasureResult:
    column = f"y_{name}"
    y = data[column].to_numpy()
    answered = ~np.isnan(y)
    counts = {
        OVERALL: int(answered.sum()),
        TARGETED: int((answered & (data["group"] == TARGETED)).sum()),
        OTHER: int((answered & (data["group"] == OTHER)).sum()),
    }
    estimates: dict[str, tuple[float, float, float]] = {}
    if counts[OVERALL]:
        row = survey_proportion(design, column, conf=conf).to_frame().iloc[0]
        estimates[OVERALL] = (row["estimate"], row["ci_low"], row["ci_high"])
        by = survey_proportion(design, column, by="group", conf=conf).to_frame()
        for _, r in by.iterrows():
            estimates[r["domain"]] = (r["estimate"], r["ci_low"], r["ci_high"])
    shares = []
    for g in (OVERALL, TARGETED, OTHER):
        if counts[g] < min_n or g not in estimates:
            shares.append(
                _none_share(g, counts[g], TOO_FEW.format(n=counts[g], group=GROUP_LABELS[g], min=min_n))
            )
            continue
        value, low, high = (float(x) for x in estimates[g])
        shares.append(Share(g, counts[g], value, low, high))
    overall, targeted, other = shares
    if not (targeted.enough and other.enough):
        reasons = tuple(r for s in (targeted, other) for r in s.reasons)
        difference = Difference(None, None, None, 0, reasons)
    else:
        difference = _difference(design, data, y, answered, targeted.value, other.value, conf)
    return MeasureResult(name, overall, targeted, other, difference)


def _difference(design, data, y, answered, p_t, p_o, conf) -> Difference:
    """Targeted − other with a linearised SE: each domain share is a ratio Σwy/Σw over its
    respondents, whose influence is w·(y − p)/N̂ inside the domain and 0 outside."""
    w = design.weights
    in_t = answered & (data["group"].to_numpy() == TARGETED)
    in_o = answered & (data["group"].to_numpy() == OTHER)
    y0 = np.where(answered, y, 0.0)
    n_t, n_o = w[in_t].sum(), w[in_o].sum()
    influence = np.where(in_t, w * (y0 - p_t) / n_t, 0.0) - np.where(in_o, w * (y0 - p_o) / n_o, 0.0)
    variance = float(design.row_variance(influence)[0])
    df = int(design.degf())
    low, high = wald_interval(
        np.array([p_t - p_o]), np.array([np.sqrt(variance)]), conf, float(df) if df > 0 else np.inf
    )
    return Difference(float(p_t - p_o), float(low[0]), float(high[0]), df)


def statement_vi(measure_label: str, result: MeasureResult) -> str:
    """The comparison said plainly in Vietnamese (or why there is none)."""
    d = result.difference
    if not d.enough:
        return f"Chưa đủ số liệu để so sánh {measure_label}: " + " ".join(d.reasons)
    pts, lo, hi = d.value * 100, d.low * 100, d.high * 100
    direction = "cao hơn" if pts >= 0 else "thấp hơn"
    text = (
        f"Tỷ lệ {measure_label} ở xã, phường được tuyên truyền {direction} ở xã, phường khác "
        f"{abs(pts):.1f} điểm phần trăm (khoảng tin cậy 95 %: {lo:+.1f} đến {hi:+.1f} điểm)."
    )
    if lo <= 0 <= hi:
        text += " Khoảng tin cậy chứa 0: chưa thể khẳng định có khác biệt."
    return text
