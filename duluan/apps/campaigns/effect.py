"""The effect of a campaign on public opinion: a difference-in-differences over communes.

Pure (no Django): plain sequences in, dataclasses out, deterministic given the seed, so it runs
in a worker without a database and tests need none.

Design. Every signal about the campaign's theme is placed in a commune (2025 scheme) and a
period: 0 before the campaign, 1 during, 2 after. Communes are either *targeted* by the campaign
or *comparison* communes (the province's other communes). For each contrast (during vs before,
after vs before) two measures are compared:

- the share of negative signals (pooled over the group's signals): DiD =
  (share_T,later − share_T,before) − (share_C,later − share_C,before);
- the volume: signals per commune per 30 days (mean over all communes of the group, zeros
  included), DiD defined the same way.

Matched comparison group (``comparison="matched"``, what the platform shows). Campaigns go where opinion is
loud or angry, and such places change differently from quiet ones whatever is said to them (a
busy place grows busier, an angry one calms down on its own): comparing them with *all* other
communes then credits the campaign with that difference. So each targeted commune is paired with
the comparison commune nearest to it before the campaign, on two features standardised by their
standard deviation over all communes: the signal volume (log(1 + signals per 30 days)) and the
negative share (shrunk towards the pooled share by ``SHRINK`` pseudo-signals, so a commune with
two signals does not look extreme). Pairs are taken greedily, nearest first, without reusing a
comparison commune, and only within the ``caliper`` (in standard deviations); targeted communes
with no comparison commune that close are left out and named. The estimate is then the DiD
between the matched targeted communes and their partners. ``comparison="all"`` (the default of
this function, the plain DiD) keeps every comparison commune.

The 95 % interval is a percentile cluster bootstrap: communes are resampled with replacement
within each group (the signals of one commune stay together, as they are not independent),
``n_boot`` times, with ``numpy.random.default_rng(seed)``; with matching, pairs are resampled
(a targeted commune with its partner). Replicates where a group drew no signal in a period have
no share and are dropped (their number is reported).

Too little data. An estimate is given only when, for that contrast, each group has at least
``min_communes`` communes with a signal (in the two periods compared) and each of the two periods
has at least ``min_signals`` signals; otherwise the reasons are returned instead of a number.

Signals are what people chose to say, not a sample: the estimate describes a change in what was
said where the campaign ran compared with where it did not; it is not proof of cause.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "AFTER",
    "BEFORE",
    "DURING",
    "Cell",
    "EffectResult",
    "Estimate",
    "Matching",
    "campaign_effect",
    "match_communes",
]

BEFORE, DURING, AFTER = 0, 1, 2
PERIOD_LABELS = {BEFORE: "Trước", DURING: "Trong", AFTER: "Sau"}
TARGETED, COMPARISON = "targeted", "comparison"
MIN_COMMUNES = 5
MIN_SIGNALS = 30
N_BOOT = 2000
SEED = 2026
VOLUME_DAYS = 30.0
MATCHED, ALL = "matched", "all"
CALIPER = 0.5
SHRINK = 5.0

TOO_FEW_COMMUNES = "Chỉ {n} xã/phường {group} có tín hiệu trong hai giai đoạn so sánh (cần ít nhất {min})."
TOO_FEW_SIGNALS = "Giai đoạn {period} chỉ có {n} tín hiệu (cần ít nhất {min})."
NO_PERIOD = "Giai đoạn {period} chưa có (chưa đến hoặc độ dài bằng 0)."
GROUP_LABELS = {TARGETED: "được tuyên truyền", COMPARISON: "đối chứng"}
BAD_PERIOD = "Giai đoạn phải là 0 (trước), 1 (trong) hoặc 2 (sau): {value!r}."
BAD_LENGTHS = "Các mảng commune, period, negative phải dài bằng nhau."
OVERLAP = "Một xã/phường không thể vừa được tuyên truyền vừa là đối chứng: {value!r}."
BAD_COMPARISON = "Cách chọn nhóm đối chứng phải là 'matched' hoặc 'all': {value!r}."


@dataclass(frozen=True)
class Cell:
    """What was observed in one group in one period."""

    group: str
    period: int
    signals: int
    negative: int
    communes: int
    communes_with_signals: int
    days: float

    @property
    def share_negative(self) -> float | None:
        return self.negative / self.signals if self.signals else None

    @property
    def per_commune_30d(self) -> float | None:
        if not self.communes or self.days <= 0:
            return None
        return self.signals / self.communes / self.days * VOLUME_DAYS


@dataclass(frozen=True)
class Estimate:
    """One DiD estimate (``value`` and the 95 % interval), or the reasons there is none."""

    measure: str  # "share_negative" | "volume"
    contrast: int  # DURING or AFTER, each against BEFORE
    value: float | None
    low: float | None
    high: float | None
    reasons: tuple[str, ...] = ()
    replicates: int = 0
    dropped: int = 0

    @property
    def enough(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Matching:
    """How the comparison group was chosen, and how alike the groups were before the campaign.

    ``balance[group] = (signals per commune per 30 days, pooled negative share)`` before the
    campaign, for "targeted" (all), "matched_targeted", "comparison" (all) and "matched_comparison".
    """

    method: str  # MATCHED or ALL
    caliper: float
    targeted: int  # targeted communes before matching
    comparison: int  # comparison communes available
    pairs: tuple[tuple[Hashable, Hashable, float], ...] = ()  # (targeted, comparison, distance)
    unmatched: tuple[Hashable, ...] = ()  # targeted communes with no partner within the caliper
    balance: dict = field(default_factory=dict)

    @property
    def matched(self) -> int:
        return len(self.pairs)


@dataclass(frozen=True)
class EffectResult:
    cells: tuple[Cell, ...]
    estimates: tuple[Estimate, ...]
    seed: int
    n_boot: int
    min_communes: int
    min_signals: int
    topics: dict = field(default_factory=dict)
    matching: Matching | None = None
    groups: dict = field(default_factory=dict)  # group → the communes the estimate compares

    def cell(self, group: str, period: int) -> Cell:
        return next(c for c in self.cells if c.group == group and c.period == period)

    def estimate(self, measure: str, contrast: int) -> Estimate:
        return next(e for e in self.estimates if e.measure == measure and e.contrast == contrast)


def _counts(keys: list[Hashable], index: dict, period: np.ndarray, negative: np.ndarray, n: int):
    tot = np.zeros((n, 3), dtype=np.int64)
    neg = np.zeros((n, 3), dtype=np.int64)
    rows = np.fromiter((index[k] for k in keys), dtype=np.int64, count=len(keys))
    np.add.at(tot, (rows, period), 1)
    np.add.at(neg, (rows, period), negative.astype(np.int64))
    return tot, neg


def campaign_effect(
    *,
    commune: Sequence[Hashable],
    period: Sequence[int],
    negative: Sequence[bool],
    targeted_communes: Sequence[Hashable],
    comparison_communes: Sequence[Hashable],
    period_days: tuple[float, float, float],
    topic: Sequence[str] | None = None,
    comparison: str = ALL,
    caliper: float = CALIPER,
    seed: int = SEED,
    n_boot: int = N_BOOT,
    min_communes: int = MIN_COMMUNES,
    min_signals: int = MIN_SIGNALS,
) -> EffectResult:
    """Cells, topic counts and DiD estimates of a campaign's signals.

    Args:
        commune: for each signal, its commune key; signals in neither group are ignored.
        period: for each signal, BEFORE, DURING or AFTER.
        negative: for each signal, whether its sentiment is negative.
        targeted_communes / comparison_communes: every commune of each group (zeros count for
            volume), disjoint.
        period_days: length in days of the before, during and after periods (0 = not yet).
        topic: for each signal, its topic code (only counted, per group and period).
        comparison: ALL (every comparison commune: the plain DiD) or MATCHED (pair each
            targeted commune with the nearest comparison commune before the campaign, see the
            module doc).
        caliper: the farthest a pair may be, in standard deviations of the matching features.
        seed, n_boot: the cluster bootstrap's seed and number of replicates.
        min_communes, min_signals: the least data an estimate is given for (see module doc).

    Returns:
        :class:`EffectResult` with six cells and ``topics[(group, period)] = {code: count}`` for
        the groups compared (after matching), four estimates (share_negative and volume, for
        DURING and AFTER against BEFORE) and how the comparison group was chosen (``matching``).

    Example:
        >>> r = campaign_effect(commune=[], period=[], negative=[], targeted_communes=["a"],
        ...     comparison_communes=["b"], period_days=(30, 30, 30))
        >>> r.estimate("share_negative", DURING).reasons[0].startswith("Chỉ 0")
        True
    """
    if not (len(commune) == len(period) == len(negative)) or (
        topic is not None and len(topic) != len(commune)
    ):
        raise ValueError(BAD_LENGTHS)
    if comparison not in (MATCHED, ALL):
        raise ValueError(BAD_COMPARISON.format(value=comparison))
    overlap = set(targeted_communes) & set(comparison_communes)
    if overlap:
        raise ValueError(OVERLAP.format(value=sorted(map(str, overlap))[0]))
    for p in set(period):
        if p not in (BEFORE, DURING, AFTER):
            raise ValueError(BAD_PERIOD.format(value=p))
    rng = np.random.default_rng(seed)
    period_arr = np.asarray(period, dtype=np.int64)
    negative_arr = np.asarray(negative, dtype=bool)
    everyone = {
        TARGETED: list(dict.fromkeys(targeted_communes)),
        COMPARISON: list(dict.fromkeys(comparison_communes)),
    }
    full = {g: _group_counts(commune, period_arr, negative_arr, members) for g, members in everyone.items()}
    if comparison == MATCHED:
        matching = match_communes(
            targeted=everyone[TARGETED],
            comparison=everyone[COMPARISON],
            targeted_counts=(full[TARGETED][0][:, BEFORE], full[TARGETED][1][:, BEFORE]),
            comparison_counts=(full[COMPARISON][0][:, BEFORE], full[COMPARISON][1][:, BEFORE]),
            before_days=float(period_days[BEFORE]),
            caliper=caliper,
        )
        groups = {
            TARGETED: [t for t, _, _ in matching.pairs],
            COMPARISON: [c for _, c, _ in matching.pairs],
        }
        position = {g: {k: i for i, k in enumerate(everyone[g])} for g in everyone}
        counts = {
            g: tuple(a[[position[g][k] for k in groups[g]]] for a in full[g]) for g in (TARGETED, COMPARISON)
        }
    else:
        matching = Matching(ALL, caliper, len(everyone[TARGETED]), len(everyone[COMPARISON]))
        groups, counts = everyone, full
    topics: dict = {}
    if topic is not None:
        member = {k: g for g in (TARGETED, COMPARISON) for k in groups[g]}
        for k, t, p in zip(commune, topic, period, strict=True):
            g = member.get(k)
            if g is not None:
                bucket = topics.setdefault((g, int(p)), {})
                bucket[t or ""] = bucket.get(t or "", 0) + 1
    cells = []
    for g in (TARGETED, COMPARISON):
        tot, neg = counts[g]
        for p in (BEFORE, DURING, AFTER):
            cells.append(
                Cell(
                    group=g,
                    period=p,
                    signals=int(tot[:, p].sum()),
                    negative=int(neg[:, p].sum()),
                    communes=len(groups[g]),
                    communes_with_signals=int((tot[:, p] > 0).sum()),
                    days=float(period_days[p]),
                )
            )
    estimates = []
    for contrast in (DURING, AFTER):
        reasons = _insufficient(counts, contrast, period_days, min_communes, min_signals)
        if reasons:
            estimates += [
                Estimate("share_negative", contrast, None, None, None, tuple(reasons)),
                Estimate("volume", contrast, None, None, None, tuple(reasons)),
            ]
            continue
        estimates += _did(counts, contrast, period_days, rng, n_boot, paired=comparison == MATCHED)
    return EffectResult(
        tuple(cells),
        tuple(estimates),
        seed,
        n_boot,
        min_communes,
        min_signals,
        topics,
        matching,
        {g: tuple(v) for g, v in groups.items()},
    )


def _group_counts(commune, period_arr, negative_arr, members):
    index = {k: i for i, k in enumerate(members)}
    mask = np.fromiter((k in index for k in commune), dtype=bool, count=len(commune))
    keys = [k for k, m in zip(commune, mask, strict=True) if m]
    return _counts(keys, index, period_arr[mask], negative_arr[mask], len(members))


def _features(tot, neg, days, pooled):
    volume = np.log1p(tot / days * VOLUME_DAYS) if days > 0 else np.zeros(len(tot))
    share = (neg + SHRINK * pooled) / (tot + SHRINK)
    return np.column_stack([volume, share]).astype(float)


def match_communes(
    *,
    targeted: Sequence[Hashable],
    comparison: Sequence[Hashable],
    targeted_counts: tuple[Sequence[int], Sequence[int]],
    comparison_counts: tuple[Sequence[int], Sequence[int]],
    before_days: float,
    caliper: float = CALIPER,
) -> Matching:
    """Pair each targeted commune with the nearest comparison commune before the campaign.

    Args:
        targeted, comparison: the communes of each group.
        targeted_counts, comparison_counts: (signals, negative signals) before the campaign, per
            commune, in the order of ``targeted`` / ``comparison``.
        before_days: length of the before period (volume is per 30 days of it).
        caliper: the farthest a pair may be, in standard deviations (see the module doc).

    Returns:
        :class:`Matching` with the pairs (nearest first), the targeted communes left unmatched and
        the before-campaign balance of the groups with and without matching.
    """
    t_tot, t_neg = (np.asarray(a, dtype=float) for a in targeted_counts)
    c_tot, c_neg = (np.asarray(a, dtype=float) for a in comparison_counts)
    all_tot = np.concatenate([t_tot, c_tot])
    pooled = float(np.concatenate([t_neg, c_neg]).sum() / all_tot.sum()) if all_tot.sum() else 0.5
    ft = _features(t_tot, t_neg, before_days, pooled)
    fc = _features(c_tot, c_neg, before_days, pooled)
    scale = np.concatenate([ft, fc]).std(axis=0) if len(ft) + len(fc) else np.ones(2)
    scale = np.where(scale > 0, scale, 1.0)
    pairs: list[tuple[Hashable, Hashable, float]] = []
    used_t, used_c = set(), set()
    if len(ft) and len(fc):
        distance = np.sqrt((((ft[:, None, :] - fc[None, :, :]) / scale) ** 2).sum(axis=2))
        order = np.lexsort(
            (np.arange(distance.size) % len(fc), np.arange(distance.size) // len(fc), distance.ravel())
        )
        for flat in order:
            d = float(distance.flat[flat])
            if d > caliper:
                break
            i, j = divmod(int(flat), len(fc))
            if i in used_t or j in used_c:
                continue
            used_t.add(i)
            used_c.add(j)
            pairs.append((targeted[i], comparison[j], d))
    ti = [i for i in range(len(targeted)) if i in used_t]
    ci = [j for j in range(len(comparison)) if j in used_c]

    def balance(tot, neg):
        if not len(tot) or before_days <= 0:
            return (None, None)
        return (
            float(tot.sum() / len(tot) / before_days * VOLUME_DAYS),
            float(neg.sum() / tot.sum()) if tot.sum() else None,
        )

    return Matching(
        method=MATCHED,
        caliper=caliper,
        targeted=len(targeted),
        comparison=len(comparison),
        pairs=tuple(pairs),
        unmatched=tuple(targeted[i] for i in range(len(targeted)) if i not in used_t),
        balance={
            "targeted": balance(t_tot, t_neg),
            "comparison": balance(c_tot, c_neg),
            "matched_targeted": balance(t_tot[ti], t_neg[ti]),
            "matched_comparison": balance(c_tot[ci], c_neg[ci]),
        },
    )


def _insufficient(counts, contrast, period_days, min_communes, min_signals) -> list[str]:
    reasons = []
    for p in (BEFORE, contrast):
        if period_days[p] <= 0:
            reasons.append(NO_PERIOD.format(period=PERIOD_LABELS[p].lower()))
    if reasons:
        return reasons
    for g in (TARGETED, COMPARISON):
        tot, _ = counts[g]
        n = int(((tot[:, BEFORE] + tot[:, contrast]) > 0).sum())
        if n < min_communes:
            reasons.append(TOO_FEW_COMMUNES.format(n=n, group=GROUP_LABELS[g], min=min_communes))
    for p in (BEFORE, contrast):
        n = int(sum(counts[g][0][:, p].sum() for g in counts))
        if n < min_signals:
            reasons.append(TOO_FEW_SIGNALS.format(period=PERIOD_LABELS[p].lower(), n=n, min=min_signals))
    return reasons


def _did(counts, contrast, period_days, rng, n_boot, *, paired: bool = False) -> list[Estimate]:
    cols = [BEFORE, contrast]
    days = np.array([period_days[BEFORE], period_days[contrast]], dtype=float)

    def measures(tot_t, neg_t, tot_c, neg_c, n_t, n_c):
        # tot_*: (..., 2) summed counts of the group in [before, later]
        with np.errstate(invalid="ignore", divide="ignore"):
            share_t = neg_t / tot_t
            share_c = neg_c / tot_c
        share = (share_t[..., 1] - share_t[..., 0]) - (share_c[..., 1] - share_c[..., 0])
        vol_t = tot_t / n_t / days * VOLUME_DAYS
        vol_c = tot_c / n_c / days * VOLUME_DAYS
        volume = (vol_t[..., 1] - vol_t[..., 0]) - (vol_c[..., 1] - vol_c[..., 0])
        return share, volume

    tot_t, neg_t = (a[:, cols] for a in counts[TARGETED])
    tot_c, neg_c = (a[:, cols] for a in counts[COMPARISON])
    n_t, n_c = len(tot_t), len(tot_c)
    share, volume = measures(tot_t.sum(0), neg_t.sum(0), tot_c.sum(0), neg_c.sum(0), n_t, n_c)
    it = rng.integers(0, n_t, size=(n_boot, n_t))
    # matched pairs are resampled together (row i of each group is one pair)
    ic = it if paired else rng.integers(0, n_c, size=(n_boot, n_c))
    b_share, b_volume = measures(
        tot_t[it].sum(1), neg_t[it].sum(1), tot_c[ic].sum(1), neg_c[ic].sum(1), n_t, n_c
    )
    out = []
    for name, value, boot in (("share_negative", share, b_share), ("volume", volume, b_volume)):
        ok = boot[np.isfinite(boot)]
        low, high = np.quantile(ok, [0.025, 0.975]) if len(ok) else (np.nan, np.nan)
        out.append(
            Estimate(
                name,
                contrast,
                float(value),
                float(low),
                float(high),
                (),
                replicates=len(ok),
                dropped=int(len(boot) - len(ok)),
            )
        )
    return out


def statement_vi(estimate: Estimate) -> str:
    """The estimate said plainly in Vietnamese (or why there is none)."""
    when = "trong thời gian chiến dịch" if estimate.contrast == DURING else "sau chiến dịch"
    if not estimate.enough:
        return f"Chưa đủ dữ liệu để ước lượng {when}: " + " ".join(estimate.reasons)
    if estimate.measure == "share_negative":
        pts = estimate.value * 100
        lo, hi = estimate.low * 100, estimate.high * 100
        direction = "giảm" if pts < 0 else "tăng"
        text = (
            f"So với trước chiến dịch, {when} tỷ lệ tín hiệu tiêu cực ở các xã/phường được tuyên truyền "
            f"{direction} {abs(pts):.1f} điểm phần trăm so với mức thay đổi ở các xã/phường đối chứng "
            f"(khoảng tin cậy 95 %: {lo:+.1f} đến {hi:+.1f} điểm)."
        )
    else:
        direction = "giảm" if estimate.value < 0 else "tăng"
        text = (
            f"So với trước chiến dịch, {when} số tín hiệu mỗi xã/phường trong 30 ngày ở nơi được tuyên "
            f"truyền {direction} {abs(estimate.value):.2f} so với mức thay đổi ở nơi đối chứng "
            f"(khoảng tin cậy 95 %: {estimate.low:+.2f} đến {estimate.high:+.2f})."
        )
    if estimate.low is not None and estimate.low <= 0 <= estimate.high:
        text += " Khoảng tin cậy chứa 0: chưa thể khẳng định có khác biệt."
    return text


def matching_statement_vi(result: EffectResult) -> str:
    """How the comparison group was chosen, said plainly in Vietnamese."""
    m = result.matching
    if m is None or m.method == ALL:
        return (
            "Nhóm đối chứng: toàn bộ các xã, phường không được tuyên truyền của tỉnh "
            f"({m.comparison if m else '—'} xã, phường), không ghép cặp."
        )
    text = (
        f"Nhóm đối chứng ghép cặp: mỗi xã, phường được tuyên truyền được ghép với một xã, phường không "
        f"được tuyên truyền gần nhất về số tín hiệu mỗi 30 ngày (thang log) và tỷ lệ tín hiệu tiêu cực "
        f"trong giai đoạn trước chiến dịch (chuẩn hóa theo độ lệch chuẩn; tỷ lệ tiêu cực tính "
        f"như thể mỗi xã có thêm {SHRINK:g} tín hiệu ở mức chung, để xã ít tín hiệu không trông cực "
        f"đoan; không dùng lại một xã; chỉ ghép khi khoảng cách không quá "
        f"{m.caliper:g} độ lệch chuẩn). Ghép được {m.matched}/{m.targeted} xã, phường được tuyên truyền "
        f"với {m.matched} trong {m.comparison} xã, phường khác"
    )
    if m.unmatched:
        text += f"; {len(m.unmatched)} xã, phường không tìm được nơi tương tự nên không tính"
    text += "."
    b = m.balance
    mt, mc = b.get("matched_targeted", (None, None)), b.get("matched_comparison", (None, None))
    at, ac = b.get("targeted", (None, None)), b.get("comparison", (None, None))
    if None not in (mt[0], mc[0], at[0], ac[0]) and None not in (mt[1], mc[1], at[1], ac[1]):
        text += (
            f" Trước chiến dịch: nhóm được tuyên truyền {mt[0]:.2f} tín hiệu/xã/30 ngày, "
            f"{mt[1] * 100:.0f} % tiêu cực; nhóm đối chứng ghép cặp {mc[0]:.2f} và {mc[1] * 100:.0f} % "
            f"(toàn bộ xã khác: {ac[0]:.2f} và {ac[1] * 100:.0f} %)."
        )
    return text
