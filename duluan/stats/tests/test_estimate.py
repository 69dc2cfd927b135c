"""Estimation engine: known closed forms, domains as subpopulations, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.stats import (
    Design,
    DesignError,
    LonelyPSUError,
    NonNumericError,
    survey_by,
    survey_mean,
    survey_total,
)


def test_simple_random_sample_gives_the_textbook_standard_error() -> None:
    # given a simple random sample (every row its own PSU, equal weights, no fpc)
    rng = np.random.default_rng(1)
    y = rng.normal(50, 10, size=400)
    design = Design.from_arrays(n=y.size)
    # when we estimate the mean
    est = survey_mean(design, y, deff="replace")
    # then it is the sample mean with SE s / sqrt(n), a normal 95 % interval and no design effect
    assert est.estimate[0] == pytest.approx(y.mean(), rel=1e-12)
    assert est.se[0] == pytest.approx(y.std(ddof=1) / np.sqrt(y.size), rel=1e-12)
    assert est.ci_high[0] - est.estimate[0] == pytest.approx(1.959963984540054 * est.se[0], rel=1e-12)
    assert est.deff[0] == pytest.approx(1.0, rel=1e-12)
    # and the without-replacement design effect is undefined when weights sum to n (N = n)
    assert np.isnan(survey_mean(design, y).deff[0])


def test_fpc_of_a_census_gives_zero_variance() -> None:
    # given every unit of a stratum sampled (fpc equal to the sample size)
    y = np.arange(10.0)
    design = Design.from_arrays(strata=np.repeat(["a", "b"], 5), fpc=np.full(10, 5))
    # when we estimate the total
    est = survey_total(design, y)
    # then the total is exact and has no sampling error
    assert est.estimate[0] == pytest.approx(45.0)
    assert est.se[0] == pytest.approx(0.0, abs=1e-12)


def _clustered(seed: int, n_strata: int = 3, psu_per: int = 4, per_psu: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = n_strata * psu_per * per_psu
    return pd.DataFrame(
        {
            "stratum": np.repeat(np.arange(n_strata), psu_per * per_psu),
            "psu": np.repeat(np.arange(n_strata * psu_per), per_psu),
            "w": rng.uniform(1, 5, rows),
            "y": rng.integers(1, 6, rows).astype(float),
            "commune": rng.choice(["Tiên Du", "Quế Võ", "Từ Sơn"], rows),
        }
    )


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_all_domains_at_once_equal_one_domain_at_a_time(seed: int) -> None:
    # given a stratified cluster sample with a commune variable
    data = _clustered(seed)
    design = Design.from_frame(data, strata="stratum", psu="psu", weights="w")
    # when we estimate every commune in one call, and each commune alone as a 0/1 domain
    together = survey_by(design, "y", "commune")
    for label, est, se in zip(together.domain, together.estimate, together.se):
        inside = (data["commune"] == label).to_numpy()
        # the domain mean is a ratio: linearise it by hand with the full design's totals
        w, y = data["w"].to_numpy(), data["y"].to_numpy()
        mean = (w * y * inside).sum() / (w * inside).sum()
        z = w * inside * (y - mean) / (w * inside).sum()
        by_hand = np.sqrt(design.row_variance(z, rows=inside)[0])
        # then estimates and SEs agree
        assert est == pytest.approx(mean, rel=1e-12)
        assert se == pytest.approx(by_hand, rel=1e-10)


def test_many_variables_in_one_call_equal_separate_calls() -> None:
    # given a clustered sample with three items
    data = _clustered(7)
    data["y2"] = data["y"] ** 2
    data["y3"] = np.where(data.index % 5 == 0, np.nan, data["y"] + 1)
    design = Design.from_frame(data, strata="stratum", psu="psu", weights="w")
    # when estimated together and apart
    together = survey_by(design, ["y", "y2", "y3"], "commune")
    apart = [survey_by(design, v, "commune") for v in ["y", "y2", "y3"]]
    # then the figures are the same (missing values of y3 are left out in both)
    np.testing.assert_allclose(together.estimate, np.concatenate([a.estimate for a in apart]), rtol=1e-12)
    np.testing.assert_allclose(together.se, np.concatenate([a.se for a in apart]), rtol=1e-12)
    n_per_variable = together.n.reshape(3, -1).sum(axis=1)
    assert n_per_variable[2] < n_per_variable[0] == len(data)


def test_non_numeric_value_is_reported_with_its_row() -> None:
    # given a survey file where one answer is text
    data = pd.DataFrame({"q1": ["4", "5", "khá", "3"], "w": [1.0, 2, 1, 1]})
    design = Design.from_frame(data, weights="w")
    # when we ask for its mean
    with pytest.raises(NonNumericError) as err:
        survey_mean(design, "q1")
    # then the message names the variable and the row
    assert "'q1'" in str(err.value) and "row 3" in str(err.value) and "khá" in str(err.value)


def test_unknown_column_lists_the_available_ones() -> None:
    # given a design built from a frame
    data = pd.DataFrame({"q1": [4.0, 5, 3], "xa": ["A", "B", "A"]})
    design = Design.from_frame(data)
    # when we ask for a column that is not there
    with pytest.raises(DesignError) as err:
        survey_by(design, "q2", "xa")
    # then the available columns are listed
    assert "q2" in str(err.value) and "q1, xa" in str(err.value)


def test_single_psu_stratum_fails_by_default_and_names_the_stratum() -> None:
    # given a stratum "Yên Phong" with one commune sampled
    data = pd.DataFrame(
        {
            "huyen": ["Tiên Du"] * 4 + ["Yên Phong"] * 2,
            "xa": ["A", "A", "B", "B", "C", "C"],
            "y": [1.0, 2, 3, 4, 5, 6],
        }
    )
    design = Design.from_frame(data, strata="huyen", psu="xa")
    # when we estimate, then the error names it and offers the options
    with pytest.raises(LonelyPSUError, match=r"Stratum \(Yên Phong\) has only one PSU at stage 1"):
        survey_mean(design, "y")
    # and with lonely_psu="certainty" that stratum adds no variance
    certain = survey_mean(design.with_options(lonely_psu="certainty"), "y")
    assert np.isfinite(certain.se[0]) and certain.se[0] > 0


def test_clusters_spanning_strata_need_nest() -> None:
    # given PSU ids reused across strata
    strata = np.array([1, 1, 1, 1, 2, 2, 2, 2])
    psu = np.array([1, 1, 2, 2, 1, 1, 2, 2])
    # when we build the design without nest, then it refuses; with nest it works
    with pytest.raises(DesignError, match="nest=True"):
        Design.from_arrays(strata=strata, psu=psu)
    design = Design.from_arrays(strata=strata, psu=psu, nest=True)
    assert design.degf() == 2


def test_fpc_larger_sample_than_population_is_refused() -> None:
    # given an fpc smaller than the number of sampled PSUs
    # when we build the design, then the row is named
    with pytest.raises(DesignError, match="more than 100% sampling"):
        Design.from_arrays(psu=[1, 2, 3, 4], fpc=[3, 3, 3, 3])


def test_commune_names_typed_with_combining_accents_are_one_domain() -> None:
    # given the same commune written precomposed (NFC) and decomposed (NFD)
    import unicodedata

    name = "Tiên Du"
    data = pd.DataFrame(
        {"xa": [name, unicodedata.normalize("NFD", name), "Quế Võ", "Quế Võ"], "y": [1.0, 3, 2, 4]}
    )
    # when we estimate by commune
    est = survey_by(Design.from_frame(data), "y", "xa")
    # then there are two communes, not three
    assert sorted(est.domain) == ["Quế Võ", "Tiên Du"]


def test_domain_without_answers_has_no_estimate() -> None:
    # given a commune where nobody answered the item
    data = pd.DataFrame({"xa": ["A", "A", "B", "B"], "y": [1.0, 3, np.nan, np.nan], "psu": [1, 2, 3, 4]})
    # when we estimate by commune
    est = survey_by(Design.from_frame(data, psu="psu"), "y", "xa")
    # then that commune has NaN, not a zero standard error
    assert est.estimate[0] == 2.0 and np.isnan(est.estimate[1]) and np.isnan(est.se[1]) and est.n[1] == 0


def test_logit_interval_falls_back_to_korn_graubard_at_zero_or_one() -> None:
    # given a commune where everyone is satisfied
    from duluan.stats import survey_proportion

    data = pd.DataFrame(
        {"xa": ["A"] * 6 + ["B"] * 6, "ok": [1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1], "psu": range(12)}
    )
    design = Design.from_frame(data, psu="psu")
    # when we ask for logit intervals
    est = survey_proportion(design, "ok", by="xa", ci="logit")
    # then the 100 % commune gets a Korn-Graubard interval below 1 that reaches 1
    assert est.estimate[0] == 1.0 and est.ci_method[0] == "korn-graubard"
    assert 0 < est.ci_low[0] < 1 and est.ci_high[0] == 1.0
    assert est.ci_method[1] == "logit" and est.ci_low[1] < est.estimate[1] < est.ci_high[1]
