"""The matched comparison group of the pure effect engine (no Django): where comparing with every
other commune is biased, comparing with matched communes is not."""

import numpy as np
import pytest

from duluan.apps.campaigns import effect as eng


def _loud_places_targeted(seed=2, n_t=20, n_c=300, growth=0.06, calming=0.8):
    """A world with no campaign effect at all, where the campaign went to loud, angry communes.

    Each commune has a level of signals per 30 days and a negative share before. Afterwards,
    everywhere alike, volume grows more where it was high (× (1 + growth·level)) and the negative
    share falls back towards 50 % (by ``calming`` of the gap). Targeted communes were chosen among
    the loud (15–30 a month) and angry (60–90 % negative); the others range over 1–30 and 10–90 %.
    """
    rng = np.random.default_rng(seed)
    commune, period, negative = [], [], []
    for g, n, level_range, share_range in (("t", n_t, (15, 30), (0.6, 0.9)), ("c", n_c, (1, 30), (0.1, 0.9))):
        for i in range(n):
            level, share = rng.uniform(*level_range), rng.uniform(*share_range)
            for p in range(3):
                rate = level if p == eng.BEFORE else level * (1 + growth * level)
                q = share if p == eng.BEFORE else share - calming * (share - 0.5)
                k = rng.poisson(rate)
                commune += [f"{g}{i}"] * k
                period += [p] * k
                negative += list(rng.random(k) < q)
    return {
        "commune": commune,
        "period": period,
        "negative": negative,
        "targeted_communes": [f"t{i}" for i in range(n_t)],
        "comparison_communes": [f"c{i}" for i in range(n_c)],
        "period_days": (30, 30, 30),
        "n_boot": 1000,
    }


def test_matching_removes_the_bias_of_comparing_with_every_other_commune():
    # given a world where the campaign changed nothing but went to loud, angry places
    data = _loud_places_targeted()
    # when compared with every other commune
    plain = eng.campaign_effect(**data, comparison=eng.ALL)
    # then the plain DiD "finds" a fall in negativity and a rise in volume that the campaign did not cause
    share, volume = plain.estimate("share_negative", eng.DURING), plain.estimate("volume", eng.DURING)
    assert share.high < -0.1
    assert volume.low > 0
    # when compared with matched communes instead
    matched = eng.campaign_effect(**data, comparison=eng.MATCHED)
    share, volume = matched.estimate("share_negative", eng.DURING), matched.estimate("volume", eng.DURING)
    # then there is no effect: both intervals hold 0 and the share estimate is near it
    assert share.low < 0 < share.high and abs(share.value) < 0.05
    assert volume.low < 0 < volume.high
    assert abs(volume.value) < abs(plain.estimate("volume", eng.DURING).value) / 2
    # and before the campaign the matched groups were alike, unlike the unmatched ones
    b = matched.matching.balance
    assert abs(b["matched_targeted"][1] - b["matched_comparison"][1]) < 0.03
    assert abs(b["targeted"][1] - b["comparison"][1]) > 0.2
    assert abs(b["matched_targeted"][0] - b["matched_comparison"][0]) < 1.5
    assert "Ghép được 20/20" in eng.matching_statement_vi(matched)


def test_pairs_use_each_comparison_commune_once_within_the_caliper():
    data = _loud_places_targeted(n_c=80)
    result = eng.campaign_effect(**data, comparison=eng.MATCHED)
    m = result.matching
    partners = [c for _, c, _ in m.pairs]
    assert len(partners) == len(set(partners)) == m.matched
    assert all(d <= m.caliper for _, _, d in m.pairs)
    assert [d for _, _, d in m.pairs] == sorted(d for _, _, d in m.pairs)  # nearest first
    # the groups the estimate compares are the pairs, and the cells count them
    assert result.groups[eng.TARGETED] == tuple(t for t, _, _ in m.pairs)
    assert result.cell(eng.COMPARISON, eng.BEFORE).communes == m.matched
    assert m.matched + len(m.unmatched) == m.targeted == 20


def test_a_targeted_commune_with_no_similar_commune_is_left_out_and_named():
    # given 6 targeted communes like the others, and one far louder than any other commune
    commune, period, negative = [], [], []
    for i in range(6):
        for key in (f"t{i}", f"c{i}", f"d{i}"):
            for p in range(3):
                commune += [key] * 10
                period += [p] * 10
                negative += [j < 5 for j in range(10)]
    for p in range(3):
        commune += ["loud"] * 200
        period += [p] * 200
        negative += [True] * 200
    result = eng.campaign_effect(
        commune=commune,
        period=period,
        negative=negative,
        targeted_communes=[f"t{i}" for i in range(6)] + ["loud"],
        comparison_communes=[f"c{i}" for i in range(6)] + [f"d{i}" for i in range(6)],
        period_days=(30, 30, 30),
        comparison=eng.MATCHED,
    )
    # then it has no partner, is named, and the estimate rests on the six that have one
    assert result.matching.unmatched == ("loud",)
    assert result.cell(eng.TARGETED, eng.BEFORE).signals == 60
    assert result.estimate("share_negative", eng.DURING).value == pytest.approx(0.0)
    assert "1 xã, phường không tìm được nơi tương tự" in eng.matching_statement_vi(result)


def test_too_little_data_still_gives_reasons_after_matching():
    # given only 4 targeted communes that can be matched
    data = _loud_places_targeted(n_t=4, n_c=60)
    est = eng.campaign_effect(**data, comparison=eng.MATCHED).estimate("share_negative", eng.DURING)
    assert not est.enough and est.value is None
    assert eng.TOO_FEW_COMMUNES.format(n=4, group="được tuyên truyền", min=5) in est.reasons


def test_matching_is_deterministic_and_an_unknown_method_is_refused():
    data = _loud_places_targeted(n_c=60)
    a = eng.campaign_effect(**data, comparison=eng.MATCHED)
    b = eng.campaign_effect(**data, comparison=eng.MATCHED)
    assert a.matching.pairs == b.matching.pairs
    assert a.estimate("volume", eng.AFTER) == b.estimate("volume", eng.AFTER)
    with pytest.raises(ValueError, match="matched"):
        eng.campaign_effect(**data, comparison="nearest")
