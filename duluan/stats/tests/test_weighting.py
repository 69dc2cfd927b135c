"""Weights: non-response, post-stratification, raking reports and errors, trimming."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from duluan.stats import (
    Design,
    RakingError,
    WeightingError,
    base_weights,
    nonresponse_adjust,
    post_stratify,
    rake,
    survey_mean,
    trim_weights,
)


def _sample() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 300
    return pd.DataFrame(
        {
            "psu": np.repeat(np.arange(30), 10),
            "sex": rng.choice(["Nam", "Nữ"], n, p=[0.6, 0.4]),
            "age": rng.choice(["18-34", "35-54", "55+"], n, p=[0.2, 0.5, 0.3]),
            "w": rng.uniform(50, 150, n),
            "y": rng.integers(1, 6, n).astype(float),
        }
    )


def test_base_weights_invert_probabilities_and_reject_bad_ones() -> None:
    # given inclusion probabilities, when we invert them, then weights are 1/p
    np.testing.assert_allclose(base_weights([0.5, 0.25, 1.0]), [2.0, 4.0, 1.0])
    # and a zero probability is refused with its row
    with pytest.raises(WeightingError, match="row 2"):
        base_weights([0.5, 0.0])


def test_nonresponse_adjustment_keeps_each_cell_total() -> None:
    # given sampled people in two communes, some not responding
    w = np.array([10.0, 10, 10, 20, 20])
    responded = np.array([True, False, True, True, False])
    cells = np.array(["A", "A", "A", "B", "B"])
    # when we adjust within communes
    adjusted = nonresponse_adjust(w, responded, cells)
    # then respondents carry their cell's full weight and non-respondents get none
    np.testing.assert_allclose(adjusted, [15.0, 0, 15, 40, 0])
    # and a cell without respondents is named
    with pytest.raises(WeightingError, match="B"):
        nonresponse_adjust(w, [True, True, True, False, False], cells)


def test_post_stratification_hits_population_counts() -> None:
    # given a sample with too many men
    data = _sample()
    design = Design.from_frame(data, psu="psu", weights="w")
    population = {"Nam": 49_000, "Nữ": 51_000}
    # when we post-stratify on sex
    ps = post_stratify(design, "sex", population)
    # then weighted counts equal the population and the design is calibrated
    totals = pd.Series(ps.weights).groupby(data["sex"]).sum()
    assert totals["Nam"] == pytest.approx(49_000) and totals["Nữ"] == pytest.approx(51_000)
    assert ps.is_calibrated and not design.is_calibrated


def test_post_stratification_missing_population_cell_is_an_error() -> None:
    # given population counts that forget a cell present in the sample
    design = Design.from_frame(_sample(), psu="psu", weights="w")
    # when we post-stratify, then the missing cell is named
    with pytest.raises(WeightingError, match="Nữ"):
        post_stratify(design, "sex", {"Nam": 49_000})
    # and a population cell without respondents needs partial=True
    with pytest.raises(WeightingError, match="partial=True"):
        post_stratify(design, "sex", {"Nam": 49_000, "Nữ": 50_000, "Khác": 100})


def test_raking_converges_to_both_margins_and_reports_it() -> None:
    # given consistent margins of sex and age group (both sum to 100 000)
    data = _sample()
    design = Design.from_frame(data, psu="psu", weights="w")
    margins = {"sex": {"Nam": 49_000, "Nữ": 51_000}, "age": {"18-34": 35_000, "35-54": 40_000, "55+": 25_000}}
    # when we rake with a tight tolerance
    raked, report = rake(design, margins, max_iter=50, epsilon=1e-9)
    # then both margins are met and the report says how it went
    assert report.converged and report.margins == ["sex", "age"]
    assert report.max_change[-1] < report.epsilon
    for column, target in margins.items():
        got = pd.Series(raked.weights).groupby(data[column]).sum()
        for level, value in target.items():
            assert got[level] == pytest.approx(value, rel=1e-8)
    assert np.isfinite(survey_mean(raked, "y").se[0])


def test_raking_with_inconsistent_margins_fails_with_a_clear_error() -> None:
    # given margins that disagree on the population total
    design = Design.from_frame(_sample(), psu="psu", weights="w")
    margins = {"sex": {"Nam": 49_000, "Nữ": 51_000}, "age": {"18-34": 35_000, "35-54": 40_000, "55+": 45_000}}
    # when we rake with R's defaults, then the margin it cannot meet is named
    with pytest.raises(RakingError) as err:
        rake(design, margins)
    assert "misses margin(s) sex" in str(err.value) and not err.value.report.converged
    # and when passes run out first, the message names the margins and iterations
    with pytest.raises(RakingError) as err:
        rake(design, margins, max_iter=2, epsilon=1e-12)
    message = str(err.value)
    assert "did not converge after 2 iterations" in message and "sex, age" in message
    assert not err.value.report.converged and len(err.value.report.max_change) == 2


def test_trimming_caps_weights_and_keeps_the_total() -> None:
    # given weights with two extreme values
    w = np.array([1.0, 1, 1, 1, 1, 1, 1, 1, 20, 30])
    # when we trim at 10
    trimmed, report = trim_weights(w, upper=10)
    # then no weight exceeds 10, the total is kept and the report counts the trimmed rows
    assert trimmed.max() <= 10 + 1e-9
    assert trimmed.sum() == pytest.approx(w.sum())
    assert report.n_trimmed >= 2
    # and impossible bounds are refused
    with pytest.raises(WeightingError, match="cannot hold"):
        trim_weights(w, upper=5)
