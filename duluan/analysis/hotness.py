"""Explainable hotness score of an issue: how loud, how new, how angry, how widespread.

An *issue* is a cluster of signals. The platform hands us, per issue, a regular series of periods
(days by default, hours also work) with the signal count and, per period, the negative share,
the mean anger/complaint intensity (0–1), the number of distinct sources and of distinct places,
plus the topic's sensitivity (0–1, ``sensitivity`` in the taxonomy). Every figure below can be
recomputed by hand from those series and :class:`HotnessWeights`.

Formula (``R`` = ``recent_periods``, ``B`` = ``baseline_periods``, ``t`` = the period holding
``now``; only periods up to ``t`` are read — nothing after ``now``):

* **volume** — ``V`` = signals in the last ``R`` periods.
  value = ``min(1, ln(1+V) / ln(1+volume_saturation))``.
* **growth** (against the issue's own baseline) — baseline rate per period, a gamma–Poisson
  posterior mean that shrinks a short history towards the topic prior:
  ``λ = (prior_rate·w₀ + Σ baseline counts) / (w₀ + n_baseline)``, where the baseline is the ``B``
  periods before the recent window (only those on or after the first period of the series) and
  the prior's weight ``w₀ = prior_strength·(B − n_baseline)/B`` stands in for the missing periods
  only: a brand-new issue has ``n_baseline = 0`` and ``λ = prior_rate`` (the topic-level prior), an
  issue with a full baseline is judged on its own history alone. Expected recent volume
  ``E = R·λ``. Surprise ``s = −log10 P(X ≥ V)`` with
  ``X`` negative binomial of mean ``E`` and overdispersion ``overdispersion`` (variance
  ``E + α·E²/R``: a sum of ``R`` independent periods each with variance ``λ + α·λ²``), which
  tolerates the ordinary day-to-day swings of complaint counts better than a Poisson test.
  With an optional per-period **exposure** ``e`` (e.g. all signals received that period, so a
  new intake channel or a crawl that grows does not make every issue hot) the rate is per unit of
  exposure: ``λ = (prior_rate·prior_strength + Σ x) / (prior_strength + Σ e)`` over the baseline
  and ``E = λ·Σ e`` over the recent window (``prior_strength`` is then in exposure units and keeps
  its full weight — choose it small against a window's total exposure); the "usual level" shown
  is ``E/R`` per period.
  value = ``min(1, s / surprise_saturation)`` when ``V > E``, else 0.
* **negative** — count-weighted mean of the per-period negative share over the recent window.
* **intensity** — count-weighted mean of the per-period anger/complaint intensity.
* **sources** / **places** — the largest per-period number of distinct sources (places) in the
  recent window (a lower bound of the distinct number over the window, since per-period sets
  are not additive). value = ``min(1, ln(1+n) / ln(1+saturation))``.
* **sensitivity** — the topic sensitivity as given.
* **recency** — ``d`` = periods since the last period with a signal (0 if there is one at ``t``);
  value = ``0.5 ** (d / recency_half_life)``.

Score = ``100 · Σ wᵢ·valueᵢ / Σ wᵢ`` (so each component's *contribution* is
``100·wᵢ·valueᵢ/Σw`` points and the contributions add up to the score). Level: ``hot`` when
score ≥ ``hot_threshold`` and ``V ≥ min_hot_volume`` (a few loud but isolated signals are only
``watch``), ``watch`` when score ≥ ``watch_threshold``, else ``normal``. Leaving ``hot`` uses the
lower ``hot_exit_threshold`` — that hysteresis is applied in :mod:`duluan.analysis.alerts`.

**A period still being counted** (``elapsed`` = the part of period ``t`` gone by, e.g. today's
count at 00:05): both windows then end at ``now``. The recent window takes ``1 − elapsed`` of
period ``t−R`` (of its count, exposure, shares, sources and places), the baseline the rest of it
and as much of period ``t−R−B``; recency is read from the end of the last period with a signal.
The recent window is thus always ``R`` periods long and the score runs on across midnight, where
whole periods would drop a third of a three-day surge at 00:00 and put it back by the evening.

Example:
    >>> import pandas as pd
    >>> idx = pd.date_range("2026-02-01", periods=10, freq="D")
    >>> counts = [1, 0, 2, 1, 1, 0, 1, 9, 12, 15]
    >>> s = IssueSeries(key="ngap-ung", index=idx, counts=counts, negative_share=[0.8] * 10)
    >>> h = hotness(s, now=idx[-1], weights=HotnessWeights())
    >>> h.level, h.score
    ('hot', 69.6)
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

LEVELS = ("normal", "watch", "hot")
DEFAULT_WEIGHTS_PATH = Path(__file__).with_name("data") / "hotness_weights.json"

# Vietnamese and English names of a period, keyed by the pandas frequency family.
_PERIOD_WORDS = {"D": ("ngày", "day"), "h": ("giờ", "hour"), "W": ("tuần", "week")}


def format_vi(value: float, decimals: int = 1) -> str:
    """Format a number the Vietnamese way: ``.`` groups thousands, ``,`` marks decimals.

    Args:
        value: the number.
        decimals: digits after the decimal mark (trailing ``,0`` is dropped).

    Returns:
        e.g. ``format_vi(1234.5) == "1.234,5"``, ``format_vi(3.0) == "3"``.
    """
    text = f"{value:,.{decimals}f}"
    if decimals and text.endswith("." + "0" * decimals):
        text = text[: -(decimals + 1)]
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_en(value: float, decimals: int = 1) -> str:
    """Format a number the English way, dropping a trailing ``.0``."""
    text = f"{value:,.{decimals}f}"
    if decimals and text.endswith("." + "0" * decimals):
        text = text[: -(decimals + 1)]
    return text


def period_words(freq: str) -> tuple[str, str]:
    """Return the (Vietnamese, English) word for one period of a pandas frequency."""
    code = pd.tseries.frequencies.to_offset(freq).rule_code.lstrip("0123456789")
    for prefix, words in _PERIOD_WORDS.items():
        if code.upper().startswith(prefix.upper()):
            return words
    return ("kỳ", "period")


@dataclass
class HotnessWeights:
    """Weights and thresholds of the hotness score; plain data an official can edit.

    Component weights are relative (they are normalised to sum to 100 points). See the module
    docstring for where each parameter enters the formula.
    """

    volume: float = 25.0
    growth: float = 30.0
    negative: float = 12.0
    intensity: float = 8.0
    sources: float = 7.0
    places: float = 8.0
    sensitivity: float = 5.0
    recency: float = 5.0
    recent_periods: int = 3
    baseline_periods: int = 28
    prior_rate: float = 0.5
    prior_strength: float = 3.0
    overdispersion: float = 0.3
    volume_saturation: float = 30.0
    surprise_saturation: float = 8.0
    sources_saturation: float = 5.0
    places_saturation: float = 5.0
    recency_half_life: float = 2.0
    watch_threshold: float = 40.0
    hot_threshold: float = 65.0
    hot_exit_threshold: float = 55.0
    min_hot_volume: int = 5

    COMPONENTS = ("volume", "growth", "negative", "intensity", "sources", "places", "sensitivity", "recency")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HotnessWeights:
        """Build weights from a dict (e.g. the admin's JSON), rejecting unknown keys.

        Args:
            data: a subset of the field names; missing fields keep their defaults.

        Returns:
            The weights.

        Raises:
            ValueError: on an unknown key, a negative weight or thresholds out of order.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"Tham số không hợp lệ / unknown parameters: {', '.join(unknown)}")
        weights = cls(**data)
        weights.validate()
        return weights

    @classmethod
    def load_default(cls) -> HotnessWeights:
        """Load the shipped defaults from ``data/hotness_weights.json``."""
        return cls.from_dict(json.loads(DEFAULT_WEIGHTS_PATH.read_text(encoding="utf-8")))

    def to_dict(self) -> dict[str, Any]:
        """Return the weights as a plain dict (round-trips through :meth:`from_dict`)."""
        return asdict(self)

    def validate(self) -> None:
        """Raise ``ValueError`` if a weight is negative or the thresholds are inconsistent."""
        if any(getattr(self, name) < 0 for name in self.COMPONENTS):
            raise ValueError("Trọng số phải không âm / weights must be non-negative")
        if sum(getattr(self, name) for name in self.COMPONENTS) <= 0:
            raise ValueError("Tổng trọng số phải dương / weights must not all be zero")
        if not (0 <= self.watch_threshold <= self.hot_exit_threshold <= self.hot_threshold <= 100):
            raise ValueError(
                "Cần 0 ≤ ngưỡng theo dõi ≤ ngưỡng thoát nóng ≤ ngưỡng nóng ≤ 100 / "
                "need 0 ≤ watch ≤ hot_exit ≤ hot ≤ 100"
            )
        if self.recent_periods < 1 or self.baseline_periods < 0:
            raise ValueError("Cửa sổ thời gian không hợp lệ / invalid windows")


@dataclass(frozen=True)
class IssueSeries:
    """A regular series of periods for one issue (the platform adapts DB rows to this).

    Attributes:
        key: the issue key.
        index: period starts, regular (``freq``), sorted.
        counts: signals per period.
        negative_share: share of negative signals per period (0–1; NaN where no signals).
        intensity: mean anger/complaint intensity per period (0–1; NaN where no signals).
        sources: distinct sources per period.
        places: distinct places (communes/wards) per period.
        sensitivity: the topic's sensitivity (0–1) from the taxonomy.
        prior_rate: topic-level signals per period used as baseline for new issues
            (``None`` = ``HotnessWeights.prior_rate``).
        freq: pandas frequency of the periods (``"D"``, ``"h"``).
        exposure: optional per-period exposure (e.g. all signals that period); the baseline is
            then a rate per unit of exposure (see the module docstring).
    """

    key: str
    index: pd.DatetimeIndex
    counts: np.ndarray
    negative_share: np.ndarray | None = None
    intensity: np.ndarray | None = None
    sources: np.ndarray | None = None
    places: np.ndarray | None = None
    sensitivity: float = 0.0
    prior_rate: float | None = None
    freq: str = "D"
    exposure: np.ndarray | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", pd.DatetimeIndex(self.index))
        n = len(self.index)
        for name in ("counts", "negative_share", "intensity", "sources", "places", "exposure"):
            value = getattr(self, name)
            if value is None:
                continue
            array = np.asarray(value, dtype=float)
            if array.shape != (n,):
                raise ValueError(f"{name}: cần {n} giá trị / expected {n} values, got {array.shape}")
            object.__setattr__(self, name, array)
        if np.any(self.counts < 0):
            raise ValueError("Số phản ánh không được âm / counts must be non-negative")

    @classmethod
    def from_frame(
        cls,
        key: str,
        frame: pd.DataFrame,
        *,
        sensitivity: float = 0.0,
        prior_rate: float | None = None,
        freq: str = "D",
    ) -> IssueSeries:
        """Build a series from a frame indexed by period start, filling missing periods with 0.

        Args:
            key: the issue key.
            frame: columns ``count`` and optionally ``negative_share``, ``intensity``, ``sources``,
                ``places``, ``exposure``; a DatetimeIndex (irregular allowed: it is reindexed to ``freq``).
            sensitivity: topic sensitivity 0–1.
            prior_rate: topic-level prior rate per period.
            freq: period length.

        Returns:
            The series.
        """
        frame = frame.sort_index()
        if len(frame):
            full = pd.date_range(frame.index[0], frame.index[-1], freq=freq)
            frame = frame.reindex(full)
        counts = frame["count"].fillna(0).to_numpy(float)

        def column(name: str, fill: float) -> np.ndarray | None:
            if name not in frame:
                return None
            return frame[name].fillna(fill).to_numpy(float)

        return cls(
            key=key,
            index=pd.DatetimeIndex(frame.index),
            counts=counts,
            negative_share=column("negative_share", np.nan),
            intensity=column("intensity", np.nan),
            sources=column("sources", 0.0),
            places=column("places", 0.0),
            exposure=column("exposure", 0.0),
            sensitivity=sensitivity,
            prior_rate=prior_rate,
            freq=freq,
        )


@dataclass(frozen=True)
class Component:
    """One term of the score: its raw value (0–1), points contributed and why, in two languages."""

    name: str
    value: float
    contribution: float
    explanation_vi: str
    explanation_en: str


@dataclass(frozen=True)
class Hotness:
    """The score of one issue at ``now``.

    Attributes:
        issue_key: the issue.
        now: the moment scored.
        score: 0–100, the sum of the component contributions.
        level: ``normal`` | ``watch`` | ``hot`` (without hysteresis; see alerts).
        components: the terms, in a fixed order.
        facts: the measured figures behind the components (recent total, baseline rate, ratio,
            p-value, shares, counts, period words) for alerts and audit.
    """

    issue_key: str
    now: pd.Timestamp
    score: float
    level: str
    components: list[Component]
    facts: dict[str, Any] = field(default_factory=dict)


def growth_surprise(observed: float, expected: float, periods: int, overdispersion: float) -> float:
    """Return ``−log10 P(X ≥ observed)`` for a negative-binomial sum of ``periods`` periods.

    Args:
        observed: signals seen in the window.
        expected: expected signals in the window (> 0).
        periods: number of periods in the window.
        overdispersion: per-period NB ``α`` (0 → Poisson).

    Returns:
        The surprise in decimal digits (0 when ``observed ≤ 0``); capped at 50.
    """
    if observed <= 0:
        return 0.0
    from scipy import stats  # not with the module: see duluan.analysis.bursts.cusum_arl

    expected = max(expected, 1e-9)
    if overdispersion <= 0:
        tail = stats.poisson.sf(observed - 1, expected)
    else:
        rate = expected / periods
        n = periods / overdispersion
        p = 1.0 / (1.0 + overdispersion * rate)
        tail = stats.nbinom.sf(observed - 1, n, p)
    return float(min(50.0, -math.log10(max(tail, 1e-300))))


def _weighted_mean(values: np.ndarray | None, counts: np.ndarray) -> float | None:
    if values is None:
        return None
    mask = (counts > 0) & ~np.isnan(values)
    if not mask.any():
        return None
    return float(np.average(np.clip(values[mask], 0, 1), weights=counts[mask]))


def _chance_vi(surprise: float) -> str:
    # Beyond one in a million the exact odds mean nothing to a reader (and the model is not that exact).
    if surprise >= 6:
        return "khả năng do ngẫu nhiên dưới 1 phần triệu"
    return f"khả năng do ngẫu nhiên ≈ 1/{format_vi(10**surprise, 0)}"


def _chance_en(surprise: float) -> str:
    if surprise >= 6:
        return "chance of this by luck below one in a million"
    return f"chance of this by luck ≈ 1 in {format_en(10**surprise, 0)}"


def _saturating(n: float, saturation: float) -> float:
    return float(min(1.0, math.log1p(max(n, 0.0)) / math.log1p(saturation)))


def _extended_to(series: IssueSeries, now: pd.Timestamp) -> IssueSeries:
    """Pad the series with empty periods up to ``now``, so silence since the last row counts."""
    if not len(series.index) or now < series.index[-1]:
        return series
    extra = len(pd.date_range(series.index[-1], now, freq=series.freq)) - 1
    if extra <= 0:
        return series

    def pad(values: np.ndarray | None, fill: float) -> np.ndarray | None:
        return None if values is None else np.r_[values, np.full(extra, fill)]

    # unknown future exposure: assume the recent average intake went on
    exposure_fill = float(np.mean(series.exposure[-28:])) if series.exposure is not None else 0.0
    return IssueSeries(
        key=series.key,
        index=pd.date_range(series.index[0], periods=len(series.index) + extra, freq=series.freq),
        counts=pad(series.counts, 0.0),
        negative_share=pad(series.negative_share, np.nan),
        intensity=pad(series.intensity, np.nan),
        sources=pad(series.sources, 0.0),
        places=pad(series.places, 0.0),
        sensitivity=series.sensitivity,
        prior_rate=series.prior_rate,
        freq=series.freq,
        exposure=pad(series.exposure, exposure_fill),
    )


def check_elapsed(elapsed: float | None) -> None:
    """Refuse a part of a period gone by that is not within 0–1 (NaN included)."""
    if elapsed is not None and not 0.0 <= elapsed <= 1.0:
        raise ValueError(f"Phần kỳ đã qua phải từ 0 đến 1 / elapsed must be within 0–1: {elapsed}")


def _window_weights(
    upto: int, recent: int, baseline: int, elapsed: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """How much of each period ``0 … upto−1`` the recent window and the baseline hold.

    Without ``elapsed`` the recent window is the last ``recent`` periods and the baseline the
    ``baseline`` before them, each period whole. With it, both windows end where ``now`` is: the
    period ``elapsed`` into the current one, so the recent window holds ``1 − elapsed`` of the
    period before its first whole one, and the baseline gives that part up and reaches as much
    further back.
    """
    carry = 0.0 if elapsed is None else 1.0 - elapsed
    w_recent, w_base = np.zeros(upto), np.zeros(upto)
    w_recent[max(0, upto - recent) :] = 1.0
    w_base[max(0, upto - recent - baseline) : max(0, upto - recent)] = 1.0
    oldest = upto - recent - 1  # the period the recent window holds a part of
    if carry and oldest >= 0:
        w_recent[oldest] = carry
        if baseline:
            w_base[oldest] = 1.0 - carry
            if oldest - baseline >= 0:
                w_base[oldest - baseline] = carry
    return w_recent, w_base


def hotness(
    series: IssueSeries,
    *,
    now: pd.Timestamp | str,
    weights: HotnessWeights | None = None,
    elapsed: float | None = None,
) -> Hotness:
    """Score one issue at ``now`` from its series (only periods up to ``now`` are read).

    Args:
        series: the issue's regular series.
        now: the moment to score; the period holding it is the last one used.
        weights: the weights (default: :meth:`HotnessWeights.load_default`).
        elapsed: the part (0–1) of the period holding ``now`` that has passed, when that period
            is still being counted. The recent window is then the ``R`` periods ending at that
            moment (the 72 hours before it, for days): it keeps ``1 − elapsed`` of the period
            before its first whole one. Without it a live count would judge an issue on a
            window that shrinks to ``R − 1`` periods at the start of every period, so a surge
            read just after midnight would look a third smaller. ``None`` (the default): the
            period holding ``now`` is complete.

    Returns:
        The :class:`Hotness` with its components and facts.
    """
    w = weights or HotnessWeights.load_default()
    w.validate()
    check_elapsed(elapsed)
    now = pd.Timestamp(now)
    unit_vi, unit_en = period_words(series.freq)
    series = _extended_to(series, now)
    upto = int(np.searchsorted(series.index.values, now.to_datetime64(), side="right"))
    counts = series.counts[:upto]
    w_recent, w_base = _window_weights(upto, w.recent_periods, w.baseline_periods, elapsed)
    r_counts = w_recent * counts
    n_recent = w.recent_periods
    volume = float(r_counts.sum())
    n_base = round(float(w_base.sum()), 9)  # whole when the parts add up (φ + … + 1 − φ)
    prior_rate = w.prior_rate if series.prior_rate is None else series.prior_rate
    if series.exposure is None:
        # periods before the series start count as empty in the recent window; in the baseline
        # the prior fills in for them only, so a full baseline is not biased towards the prior
        base_exposure, recent_exposure = n_base, float(n_recent)
        missing = (w.baseline_periods - n_base) / w.baseline_periods if w.baseline_periods else 1.0
        prior_weight = w.prior_strength * missing
    else:
        exposure = series.exposure[:upto]
        base_exposure = float((w_base * exposure).sum())
        recent_exposure = float((w_recent * exposure).sum())
        prior_weight = w.prior_strength
    share = (prior_rate * prior_weight + float((w_base * counts).sum())) / max(
        prior_weight + base_exposure, 1e-12
    )
    expected = share * recent_exposure
    rate = expected / n_recent  # the usual level per period, at the current exposure
    ratio = volume / expected if expected > 0 else math.inf
    surprise = growth_surprise(volume, expected, n_recent, w.overdispersion) if volume > expected else 0.0

    def pick(values: np.ndarray | None) -> np.ndarray | None:
        return None if values is None else values[:upto]

    neg = _weighted_mean(pick(series.negative_share), r_counts)
    inten = _weighted_mean(pick(series.intensity), r_counts)
    src_arr, plc_arr = pick(series.sources), pick(series.places)
    # a period partly in the window counts for its part of its distinct sources (places)
    n_sources = float((w_recent * src_arr).max()) if src_arr is not None and upto else 0.0
    n_places = float((w_recent * plc_arr).max()) if plc_arr is not None and upto else 0.0
    nonzero = np.flatnonzero(counts > 0)
    since = (upto - 1 - int(nonzero[-1])) if len(nonzero) else None
    # a live count: the age is read from the end of the last period with a signal, which ended
    # ``elapsed`` periods ago for the one before now's (so midnight does not age the issue a day)
    age = since if since is None or elapsed is None or since == 0 else since - 1 + elapsed
    sens = float(np.clip(series.sensitivity, 0, 1))

    r_txt_vi = f"{w.recent_periods} {unit_vi} qua"
    r_txt_en = f"last {w.recent_periods} {unit_en}s"
    base_vi = (
        f"mức thường {format_vi(rate, 2)}/{unit_vi} (từ {format_vi(n_base)} {unit_vi} trước đó"
        + (", kết hợp mức chung của chủ đề" if n_base < w.baseline_periods else "")
        + ")"
    )
    base_en = (
        f"usual level {format_en(rate, 2)}/{unit_en} (from the {format_en(n_base)} preceding {unit_en}s"
        + (", blended with the topic prior" if n_base < w.baseline_periods else "")
        + ")"
    )
    values: dict[str, tuple[float, str, str]] = {
        "volume": (
            _saturating(volume, w.volume_saturation),
            f"{format_vi(volume, 0)} phản ánh trong {r_txt_vi}",
            f"{format_en(volume, 0)} signals in the {r_txt_en}",
        ),
        "growth": (
            min(1.0, surprise / w.surprise_saturation) if volume > expected else 0.0,
            (
                f"trung bình {format_vi(volume / n_recent)}/{unit_vi} trong {r_txt_vi}, "
                f"gấp {format_vi(ratio)} lần {base_vi}; {_chance_vi(surprise)}"
                if volume > expected
                else f"không cao hơn {base_vi}"
            ),
            (
                f"{format_en(volume / n_recent)}/{unit_en} on average in the {r_txt_en}, "
                f"{format_en(ratio)}× the {base_en}; {_chance_en(surprise)}"
                if volume > expected
                else f"not above the {base_en}"
            ),
        ),
        "negative": (
            neg or 0.0,
            f"{format_vi(100 * neg, 0)} % tiêu cực" if neg is not None else "chưa có số liệu tiêu cực",
            f"{format_en(100 * neg, 0)} % negative" if neg is not None else "no negativity data",
        ),
        "intensity": (
            inten or 0.0,
            f"mức bức xúc trung bình {format_vi(inten, 2)}/1" if inten is not None else "chưa có số liệu",
            f"mean anger/complaint intensity {format_en(inten, 2)}/1" if inten is not None else "no data",
        ),
        "sources": (
            _saturating(n_sources, w.sources_saturation),
            f"{format_vi(n_sources, 0)} nguồn khác nhau",
            f"{format_en(n_sources, 0)} distinct sources",
        ),
        "places": (
            _saturating(n_places, w.places_saturation),
            f"{format_vi(n_places, 0)} xã/phường",
            f"{format_en(n_places, 0)} communes/wards",
        ),
        "sensitivity": (
            sens,
            f"độ nhạy cảm của chủ đề {format_vi(sens, 2)}/1",
            f"topic sensitivity {format_en(sens, 2)}/1",
        ),
        "recency": (
            0.0 if age is None else 0.5 ** (age / w.recency_half_life),
            (
                "chưa có phản ánh"
                if since is None
                else (
                    "có phản ánh mới trong kỳ này"
                    if since == 0
                    else f"phản ánh gần nhất cách đây {since} {unit_vi}"
                )
            ),
            (
                "no signals yet"
                if since is None
                else ("new signals this period" if since == 0 else f"last signal {since} {unit_en}s ago")
            ),
        ),
    }
    total_w = sum(getattr(w, name) for name in w.COMPONENTS)
    components = [
        Component(
            name=name,
            value=round(values[name][0], 4),
            contribution=round(100.0 * getattr(w, name) * values[name][0] / total_w, 2),
            explanation_vi=values[name][1],
            explanation_en=values[name][2],
        )
        for name in w.COMPONENTS
    ]
    score = round(float(sum(c.contribution for c in components)), 1)
    if score >= w.hot_threshold and volume >= w.min_hot_volume:
        level = "hot"
    elif score >= w.watch_threshold:
        level = "watch"
    else:
        level = "normal"
    facts = {
        "recent_total": volume,
        "recent_periods": w.recent_periods,
        "elapsed": elapsed,
        "baseline_rate": rate,
        "baseline_share": share,
        "baseline_periods_used": n_base,
        "expected": expected,
        "ratio": ratio,
        "surprise": surprise,
        "p_value": 10.0**-surprise,
        "negative_share": neg,
        "intensity": inten,
        "sources": n_sources,
        "places": n_places,
        "sensitivity": sens,
        "periods_since_last": since,
        "unit_vi": unit_vi,
        "unit_en": unit_en,
        "hot_exit_threshold": w.hot_exit_threshold,
        "hot_threshold": w.hot_threshold,
        "min_hot_volume": w.min_hot_volume,
    }
    return Hotness(series.key, now, score, level, components, facts)
