"""The pure DiD engine: recovers a known effect, says when there is too little data, is seeded."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from duluan.apps.campaigns import effect as eng


def _simulate(*, p_t, p_c, n_t=20, n_c=30, per=(8, 8, 8), seed=1):
    """Signals with negative probability p_t[period] in targeted communes, p_c[period] elsewhere."""
    rng = np.random.default_rng(seed)
    commune, period, negative = [], [], []
    for group, n, probs in (("t", n_t, p_t), ("c", n_c, p_c)):
        for i in range(n):
            for p in range(3):
                k = per[p]
                commune += [f"{group}{i}"] * k
                period += [p] * k
                negative += list(rng.random(k) < probs[p])
    return {
        "commune": commune,
        "period": period,
        "negative": negative,
        "targeted_communes": [f"t{i}" for i in range(n_t)],
        "comparison_communes": [f"c{i}" for i in range(n_c)],
        "period_days": (30, 30, 30),
    }


def test_a_known_effect_is_recovered_and_its_interval_covers_it():
    # given negative shares 60→30 % where the campaign ran and 60→55 % elsewhere (true DiD −25 points)
    data = _simulate(p_t=(0.6, 0.3, 0.3), p_c=(0.6, 0.55, 0.55))
    # when estimated
    result = eng.campaign_effect(**data)
    est = result.estimate("share_negative", eng.DURING)
    # then the estimate is near −0.25 and the 95 % interval contains it and excludes 0
    assert est.enough
    assert est.value == pytest.approx(-0.25, abs=0.08)
    assert est.low < -0.25 < est.high
    assert est.high < 0
    # and volume did not change (same number of signals per commune): DiD exactly 0
    assert result.estimate("volume", eng.DURING).value == pytest.approx(0.0)


def test_no_effect_gives_an_interval_around_zero():
    data = _simulate(p_t=(0.5, 0.5, 0.5), p_c=(0.5, 0.5, 0.5), seed=7)
    est = eng.campaign_effect(**data).estimate("share_negative", eng.AFTER)
    assert est.low < 0 < est.high


def test_volume_counts_quiet_communes_as_zero():
    # given 5 targeted communes of 10 that say something: 4 signals each before, 8 during
    data = _simulate(p_t=(0.5, 0.5, 0.5), p_c=(0.5, 0.5, 0.5), n_t=5, n_c=5, per=(4, 8, 4))
    data["targeted_communes"] += [f"quiet{i}" for i in range(5)]
    data["comparison_communes"] += [f"cquiet{i}" for i in range(5)]
    result = eng.campaign_effect(**data)
    # then volume per targeted commune per 30 days is 20/10 before and 40/10 during
    assert result.cell(eng.TARGETED, eng.BEFORE).per_commune_30d == pytest.approx(2.0)
    assert result.cell(eng.TARGETED, eng.DURING).per_commune_30d == pytest.approx(4.0)
    assert result.cell(eng.TARGETED, eng.DURING).communes_with_signals == 5


def test_too_few_communes_gives_reasons_not_a_number():
    # given only 4 targeted communes with signals
    data = _simulate(p_t=(0.6, 0.3, 0.3), p_c=(0.6, 0.6, 0.6), n_t=4)
    est = eng.campaign_effect(**data).estimate("share_negative", eng.DURING)
    assert not est.enough
    assert est.value is None and est.low is None
    assert est.reasons == (eng.TOO_FEW_COMMUNES.format(n=4, group="được tuyên truyền", min=5),)
    assert eng.statement_vi(est).startswith("Chưa đủ dữ liệu")


def test_too_few_signals_per_period_gives_reasons():
    # given 5 + 5 communes with 2 signals each per period: 20 signals per period (< 30)
    data = _simulate(p_t=(0.5,) * 3, p_c=(0.5,) * 3, n_t=5, n_c=5, per=(2, 2, 2))
    est = eng.campaign_effect(**data).estimate("share_negative", eng.DURING)
    assert not est.enough
    assert eng.TOO_FEW_SIGNALS.format(period="trước", n=20, min=30) in est.reasons


def test_a_period_not_yet_started_is_said_so():
    data = _simulate(p_t=(0.5,) * 3, p_c=(0.5,) * 3)
    data["period_days"] = (30, 30, 0)
    result = eng.campaign_effect(**data)
    assert result.estimate("share_negative", eng.DURING).enough
    assert result.estimate("share_negative", eng.AFTER).reasons == (eng.NO_PERIOD.format(period="sau"),)


def test_the_same_seed_gives_the_same_interval():
    data = _simulate(p_t=(0.6, 0.4, 0.4), p_c=(0.6, 0.6, 0.6))
    a = eng.campaign_effect(**data, seed=3).estimate("share_negative", eng.DURING)
    b = eng.campaign_effect(**data, seed=3).estimate("share_negative", eng.DURING)
    c = eng.campaign_effect(**data, seed=4).estimate("share_negative", eng.DURING)
    assert (a.low, a.high) == (b.low, b.high)
    assert a.value == c.value and (a.low, a.high) != (c.low, c.high)


def test_bad_input_is_refused():
    base = _simulate(p_t=(0.5,) * 3, p_c=(0.5,) * 3, n_t=2, n_c=2, per=(1, 1, 1))
    with pytest.raises(ValueError, match="vừa được tuyên truyền"):
        eng.campaign_effect(**{**base, "comparison_communes": ["t0", "c0"]})
    with pytest.raises(ValueError, match="Giai đoạn"):
        eng.campaign_effect(**{**base, "period": [3] * len(base["period"])})
    with pytest.raises(ValueError, match="dài bằng nhau"):
        eng.campaign_effect(**{**base, "negative": base["negative"][:-1]})


@given(
    p=st.lists(st.floats(0.05, 0.95), min_size=6, max_size=6),
    seed=st.integers(0, 10_000),
)
def test_swapping_the_groups_negates_the_estimate(p, seed):
    # given any data; when the targeted and comparison groups swap roles
    data = _simulate(p_t=p[:3], p_c=p[3:], n_t=6, n_c=6, per=(6, 6, 6), seed=seed)
    swapped = {
        **data,
        "targeted_communes": data["comparison_communes"],
        "comparison_communes": data["targeted_communes"],
    }
    a = eng.campaign_effect(**data, n_boot=50).estimate("share_negative", eng.DURING)
    b = eng.campaign_effect(**swapped, n_boot=50).estimate("share_negative", eng.DURING)
    # then the estimate changes sign, exactly
    assert a.value == pytest.approx(-b.value)
