"""The pure awareness/support estimator: weighted shares with design-based intervals, no Django."""

import numpy as np
import pandas as pd
import pytest

from duluan.apps.campaigns import awareness as aw
from duluan.stats import Design, survey_proportion


def _sample(*, p_targeted=0.8, p_other=0.5, communes=12, villages=3, per=8, seed=3):
    """Two strata of communes (the first 5 of each targeted), villages, respondents with weights."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in ("phuong", "xa"):
        for c in range(communes):
            targeted = c < 5
            for v in range(villages):
                for _ in range(per):
                    p = p_targeted if targeted else p_other
                    rows.append(
                        (s, f"{s}{c}", f"{s}{c}v{v}", rng.uniform(50, 150), targeted, float(rng.random() < p))
                    )
    return pd.DataFrame(rows, columns=["stratum", "commune", "village", "weight", "targeted", "y"])


def _shares(df, **kw):
    return aw.survey_shares(
        indicators={"biet": df["y"].to_numpy()},
        weights=df["weight"],
        strata=df["stratum"],
        commune=df["commune"],
        village=df["village"],
        targeted=df["targeted"],
        **kw,
    )["biet"]


def test_shares_recover_the_simulated_levels_and_their_difference():
    # given 80 % aware where the campaign ran and 50 % elsewhere
    df = _sample()
    # when estimated
    r = _shares(df)
    # then each share is near its level, inside its interval, and the difference excludes 0
    assert r.targeted.value == pytest.approx(0.8, abs=0.06)
    assert r.other.value == pytest.approx(0.5, abs=0.06)
    assert r.targeted.low < r.targeted.value < r.targeted.high
    assert r.difference.value == pytest.approx(r.targeted.value - r.other.value)
    assert 0 < r.difference.low < 0.3 < r.difference.high
    assert r.overall.n == len(df) and r.targeted.n + r.other.n == len(df)
    assert "cao hơn" in aw.statement_vi("người biết", r)


def test_the_shares_are_the_survey_engines_and_the_difference_se_is_consistent_with_it():
    # given the same sample as a design of the survey engine
    df = _sample(seed=11)
    design = Design.from_frame(
        df.assign(g=np.where(df["targeted"], "t", "o")),
        psu=["commune", "village"],
        strata="stratum",
        weights="weight",
        lonely_psu="adjust",
    )
    engine = survey_proportion(design, "y", by="g").to_frame().set_index("domain")
    # when estimated here
    r = _shares(df)
    # then the group shares and intervals are the engine's (R svyciprop)
    assert r.targeted.value == pytest.approx(engine.loc["t", "estimate"])
    assert r.other.low == pytest.approx(engine.loc["o", "ci_low"])
    # and the influence values the difference's SE is built from give, for one domain alone,
    # exactly the engine's SE (so the difference uses the same design-based variance)
    w = design.weights
    m = df["targeted"].to_numpy()
    p = r.targeted.value
    u = np.where(m, w * (df["y"].to_numpy() - p) / w[m].sum(), 0.0)
    assert np.sqrt(design.row_variance(u)[0]) == pytest.approx(engine.loc["t", "se"], rel=1e-9)


def test_no_difference_gives_an_interval_around_zero():
    r = _shares(_sample(p_targeted=0.6, p_other=0.6, seed=5))
    assert r.difference.low < 0 < r.difference.high
    assert "chưa thể khẳng định" in aw.statement_vi("người biết", r)


def test_too_few_respondents_gives_reasons_not_numbers():
    # given one targeted commune of 2 villages × 3 respondents (6 answers) and many others
    df = _sample(communes=6, villages=2, per=3)
    df.loc[df["commune"] != "phuong0", "targeted"] = False
    # when estimated with the default minimum of 30
    r = _shares(df)
    # then the targeted share and the difference are withheld, with the reason; the others are given
    assert not r.targeted.enough and r.targeted.value is None
    assert r.targeted.reasons == (
        "Chỉ 6 người trả lời câu hỏi này ở xã, phường được tuyên truyền (cần ít nhất 30).",
    )
    assert not r.difference.enough and r.difference.reasons == r.targeted.reasons
    assert r.other.enough and r.overall.enough
    assert aw.statement_vi("người biết", r).startswith("Chưa đủ số liệu")


def test_unasked_respondents_are_left_out_of_the_denominator():
    # given a third of respondents not asked (NaN)
    df = _sample(seed=8)
    df.loc[df.index % 3 == 0, "y"] = np.nan
    r = _shares(df)
    assert r.overall.n == int(df["y"].notna().sum())


def test_lengths_must_agree():
    with pytest.raises(ValueError, match="dài bằng nhau"):
        aw.survey_shares(
            indicators={"biet": [1.0]},
            weights=[1, 1],
            strata=["a"],
            commune=["x"],
            village=["v"],
            targeted=[True],
        )
