"""Satisfaction index per commune, small-sample warning and round comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from duluan.stats import Design, IndexDefinition, IndexDefinitionError, compare_rounds, compute_index

DEFINITION = {
    "name": "SIPAS",
    "method": "percent_satisfied",
    "min_n": 30,
    "subindices": [
        {"name": "Tiếp cận dịch vụ", "items": ["q1", "q2"]},
        {"name": "Công chức", "items": ["q3"], "weight": 2},
    ],
}


def _answers(seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 400
    commune = np.where(np.arange(n) < 380, rng.choice(["Đông Ngàn", "Tân Hồng"], n), "Phù Khê")
    base = np.clip(np.round(rng.normal(3.6 + shift, 1.0, (n, 3))), 1, 5)
    base[0, 0] = 9  # "don't know" is not an answer on the scale
    return pd.DataFrame(
        {"q1": base[:, 0], "q2": base[:, 1], "q3": base[:, 2], "commune": commune, "psu": np.arange(n) // 10}
    )


def test_definition_round_trips_as_plain_data() -> None:
    # given an index definition as a dict, when we load and dump it, then nothing is lost
    definition = IndexDefinition.from_dict(DEFINITION)
    assert IndexDefinition.from_dict(definition.to_dict()) == definition
    assert definition.items == ["q1", "q2", "q3"]
    with pytest.raises(IndexDefinitionError, match="subindices"):
        IndexDefinition.from_dict({"name": "x"})


def test_percent_satisfied_per_commune_with_small_sample_warning() -> None:
    # given answers on a 5-point scale in three communes, one with 20 respondents
    data = _answers(1)
    design = Design.from_frame(data, psu="psu")
    definition = IndexDefinition.from_dict(DEFINITION)
    # when we compute the index per commune
    result = compute_index(design, definition, by="commune")
    # then each sub-index is the share of 4–5 answers (9 = missing), and the index weights them 1:2
    table = result.table.set_index(["component", "domain"])
    inside = data["commune"] == "Đông Ngàn"
    q = data.loc[inside, ["q1", "q2", "q3"]].where(lambda d: d <= 5)
    sub1 = ((q[["q1", "q2"]] >= 4) * 100).where(q[["q1", "q2"]].notna()).mean(axis=1)
    sub2 = (q["q3"] >= 4) * 100.0
    assert table.loc[("Tiếp cận dịch vụ", "Đông Ngàn"), "estimate"] == pytest.approx(sub1.mean())
    assert table.loc[("SIPAS", "Đông Ngàn"), "estimate"] == pytest.approx(((sub1 + 2 * sub2) / 3).mean())
    index = result.index().set_index("domain")
    assert bool(index.loc["Phù Khê", "small_sample"]) and "n=20 < 30" in index.loc["Phù Khê", "warning"]
    assert not bool(index.loc["Đông Ngàn", "small_sample"])
    assert (index["ci_low"] <= index["estimate"]).all() and (index["ci_high"] <= 100).all()


def test_missing_item_is_named() -> None:
    # given a definition naming an item the data lacks
    data = _answers(1).drop(columns="q3")
    design = Design.from_frame(data, psu="psu")
    # when we compute, then the item and the available columns are listed
    with pytest.raises(IndexDefinitionError, match=r"q3.*available columns: q1, q2"):
        compute_index(design, IndexDefinition.from_dict(DEFINITION))


def test_change_between_rounds_is_tested_with_independent_samples() -> None:
    # given two rounds, the second clearly more satisfied
    definition = IndexDefinition.from_dict(DEFINITION)
    r1 = compute_index(Design.from_frame(_answers(1), psu="psu"), definition, by="commune")
    r2 = compute_index(Design.from_frame(_answers(2, shift=0.8), psu="psu"), definition, by="commune")
    # when we compare them
    change = compare_rounds(r1, r2)
    # then difference, SE, z and p follow the independent-samples formulas
    row = change[(change["component"] == "SIPAS") & (change["domain"] == "Đông Ngàn")].iloc[0]
    a = r1.index().set_index("domain").loc["Đông Ngàn"]
    b = r2.index().set_index("domain").loc["Đông Ngàn"]
    assert row["difference"] == pytest.approx(b["estimate"] - a["estimate"])
    assert row["se"] == pytest.approx(np.hypot(a["se"], b["se"]))
    assert row["z"] == pytest.approx(row["difference"] / row["se"])
    assert row["p_value"] < 0.001 and bool(row["significant"])


def test_mean_score_index_and_comparing_plain_estimates() -> None:
    # given a mean-score definition over two items
    definition = IndexDefinition.from_dict(
        {"name": "Điểm TB", "method": "mean_score", "subindices": [{"name": "Chung", "items": ["q1", "q2"]}]}
    )
    data = _answers(3)
    design = Design.from_frame(data, psu="psu")
    # when we compute it for the whole sample
    result = compute_index(design, definition)
    # then it is the mean of each respondent's average valid answer, within the 1–5 scale
    q = data[["q1", "q2"]].where(lambda d: d <= 5)
    row = result.index().iloc[0]
    assert row["estimate"] == pytest.approx(q.mean(axis=1).mean())
    assert 1 <= row["ci_low"] < row["estimate"] < row["ci_high"] <= 5
    # and comparing a round with itself shows no change
    same = compare_rounds(result, result)
    assert (same["difference"] == 0).all() and (same["p_value"] == 1).all()
