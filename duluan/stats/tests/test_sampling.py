"""Sample sizes and reproducible PPS selection with inclusion probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from duluan.stats import FrameError, pps_systematic, sample_size_proportion, select_multistage, yamane


def test_sample_size_for_five_points_at_95_percent() -> None:
    # given ±5 points at 95 % for p = 0.5
    # when we compute the sample size
    plain = sample_size_proportion(0.05)
    clustered = sample_size_proportion(0.05, deff=1.5)
    finite = sample_size_proportion(0.05, population=2_000)
    # then it is Cochran's 384.1 → 385, × deff, and smaller for a small population
    assert plain.n_srs == pytest.approx(384.1459, rel=1e-6) and plain.n == 385
    assert clustered.n == 577
    assert finite.n_fpc == pytest.approx(384.1459 / (1 + 383.1459 / 2000), rel=1e-6) and finite.n == 323
    assert finite.yamane == 334


def test_yamane_formula() -> None:
    # given N = 10 000 and e = 5 %, then n = N / (1 + N e²) = 384.6 → 385
    assert yamane(10_000, 0.05) == 385
    with pytest.raises(ValueError, match="margin of error"):
        yamane(10_000, 5)


def test_pps_probabilities_are_proportional_to_size_and_reproducible() -> None:
    # given ten units, one large enough to be taken with certainty
    sizes = np.array([5.0, 10, 10, 20, 5, 300, 15, 25, 5, 5])
    # when we select 4 twice with the same seed
    a = pps_systematic(sizes, 4, np.random.default_rng(42))
    b = pps_systematic(sizes, 4, np.random.default_rng(42))
    # then the draw repeats, the big unit is certain, and others have 3 × size / rest
    np.testing.assert_array_equal(a.indices, b.indices)
    assert len(a.indices) == 4 and 5 in a.indices
    assert a.inclusion_probability[list(a.indices).index(5)] == 1.0
    rest = sizes.sum() - 300
    for i, p in zip(a.indices, a.inclusion_probability):
        if i != 5:
            assert p == pytest.approx(3 * sizes[i] / rest)


def test_pps_long_run_frequencies_match_probabilities() -> None:
    # given a frame without certainty units
    sizes = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    rng = np.random.default_rng(0)
    # when we draw 2 units 20 000 times
    counts = np.zeros(sizes.size)
    for _ in range(20_000):
        counts[pps_systematic(sizes, 2, rng).indices] += 1
    # then each unit is drawn with probability 2 × size / total
    np.testing.assert_allclose(counts / 20_000, 2 * sizes / sizes.sum(), atol=0.015)


def _frame() -> pd.DataFrame:
    rows = []
    for h in ["Thành phố", "Nông thôn"]:
        for c in range(6):
            for v in range(4):
                rows.append(
                    {
                        "stratum": h,
                        "commune": f"{h[:2]}-X{c}",
                        "village": f"T{v}",
                        "size": 100 + 37 * c + 11 * v,
                    }
                )
    return pd.DataFrame(rows)


def test_multistage_sample_is_reproducible_and_self_weighting() -> None:
    # given a frame of villages in communes in two strata
    frame = _frame()
    # when we draw 2 communes per stratum, 2 villages each, 10 respondents each, twice
    a = select_multistage(frame, n_communes=2, n_villages=2, n_respondents=10, seed=2026)
    b = select_multistage(frame, n_communes=2, n_villages=2, n_respondents=10, seed=2026)
    # then the draws are identical and probabilities multiply to a·b·m / stratum size
    pd.testing.assert_frame_equal(a.villages, b.villages)
    pd.testing.assert_frame_equal(a.respondents, b.respondents)
    assert len(a.villages) == 8 and len(a.respondents) == 80
    stratum_size = frame.groupby("stratum")["size"].sum()
    expected = 2 * 2 * 10 / a.villages["stratum"].map(stratum_size)
    np.testing.assert_allclose(a.villages["p_total"], expected, rtol=1e-12)
    np.testing.assert_allclose(a.villages["weight"], 1 / expected, rtol=1e-12)


def test_frame_with_missing_or_zero_size_is_refused() -> None:
    # given a frame where two villages have no size
    frame = _frame()
    frame.loc[3, "size"] = 0
    frame.loc[7, "size"] = np.nan
    # when we draw, then the villages are listed
    with pytest.raises(FrameError, match="2 village\\(s\\) have a missing or zero size"):
        select_multistage(frame, n_communes=2, n_villages=2, n_respondents=10, seed=1)
