"""``duluan survey`` end to end through its argparse adapter."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from duluan.commands import survey as survey_command
from duluan.stats import Design, survey_by


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="duluan")
    survey_command.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.handler(args)


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(5)
    n = 240
    frame = pd.DataFrame(
        {
            "huyen": np.repeat(["Tiên Du", "Quế Võ"], n // 2),
            "thon": np.repeat(np.arange(24), 10),
            "w": rng.uniform(20, 80, n),
            "hai_long": rng.integers(1, 6, n),
            "gioi": rng.choice(["Nam", "Nữ"], n),
        }
    )
    path = tmp_path / "khao_sat.csv"
    frame.to_csv(path, index=False)
    return path


def test_estimate_json_by_domain_matches_the_engine(csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # given a survey CSV with strata, clusters and weights
    argv = ["survey", "estimate", "--data", str(csv), "--var", "hai_long", "--weight", "w"]
    argv += ["--strata", "huyen", "--psu", "thon", "--by", "gioi", "--json"]
    # when the analyst asks for JSON by sex
    code = run(argv)
    payload = json.loads(capsys.readouterr().out)
    # then it prints the engine's estimates, SEs, intervals and deffs per domain
    frame = pd.read_csv(csv)
    expected = survey_by(
        Design.from_frame(frame, strata="huyen", psu="thon", weights="w"), "hai_long", "gioi"
    )
    assert code == 0 and payload["statistic"] == "mean"
    got = payload["estimates"]
    assert [r["domain"] for r in got] == ["Nam", "Nữ"]
    np.testing.assert_allclose([r["estimate"] for r in got], expected.estimate, rtol=1e-12)
    np.testing.assert_allclose([r["se"] for r in got], expected.se, rtol=1e-12)
    assert all(r["ci_low"] < r["estimate"] < r["ci_high"] and r["deff"] > 0 for r in got)


def test_estimate_table_and_proportion_with_logit(csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # given the same file
    # when the analyst asks for the share answering 5, logit interval, as a table
    code = run(
        ["survey", "estimate", "--data", str(csv), "--var", "hai_long", "--level", "5", "--weight", "w"]
    )
    out = capsys.readouterr().out
    # then a readable table with the proportion row is printed
    assert code == 0
    assert "proportion" in out and "hai_long=5" in out and "deff" in out


def test_unknown_column_lists_available_columns(csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # when a column name is mistyped
    code = run(["survey", "estimate", "--data", str(csv), "--var", "hailong", "--psu", "thon"])
    err = capsys.readouterr().err
    # then exit code 2 and the available columns are listed
    assert code == 2
    assert "'hailong'" in err and "huyen, thon, w, hai_long, gioi" in err


def test_text_in_numeric_column_names_the_row(csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # given a CSV where the 7th answer is text
    frame = pd.read_csv(csv)
    frame["hai_long"] = frame["hai_long"].astype(object)
    frame.loc[6, "hai_long"] = "rất tốt"
    frame.to_csv(csv, index=False)
    # when we estimate its mean
    code = run(["survey", "estimate", "--data", str(csv), "--var", "hai_long"])
    err = capsys.readouterr().err
    # then the row and value are named
    assert code == 2 and "dòng dữ liệu 7" in err and "rất tốt" in err


def test_lonely_psu_is_reported_with_the_options(csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # given a stratum holding a single village
    frame = pd.read_csv(csv)
    frame.loc[frame["huyen"] == "Quế Võ", "thon"] = 99
    frame.to_csv(csv, index=False)
    # when we estimate with strata and clusters
    code = run(
        ["survey", "estimate", "--data", str(csv), "--var", "hai_long", "--strata", "huyen", "--psu", "thon"]
    )
    err = capsys.readouterr().err
    # then the stratum is named and the options offered; with --lonely-psu certainty it runs
    assert code == 2 and "Stratum (Quế Võ)" in err and "certainty" in err
    argv = [
        "survey",
        "estimate",
        "--data",
        str(csv),
        "--var",
        "hai_long",
        "--strata",
        "huyen",
        "--psu",
        "thon",
    ]
    assert run([*argv, "--lonely-psu", "certainty"]) == 0


def test_sample_size_command(capsys: pytest.CaptureFixture[str]) -> None:
    # when an analyst plans ±5 points with design effect 1.5 in a commune of 20 000 adults
    code = run(["survey", "sample-size", "--moe", "0.05", "--deff", "1.5", "--population", "20000", "--json"])
    result = json.loads(capsys.readouterr().out)
    # then the plan applies the design effect and the finite population correction
    assert code == 0
    assert result["n"] == 561 and result["yamane"] == 393


def test_logit_interval_needs_a_yes_no_column(csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # given a 5-point column and a 0/1 column derived from it
    frame = pd.read_csv(csv)
    frame["hai_long_45"] = (frame["hai_long"] >= 4).astype(int)
    frame.to_csv(csv, index=False)
    base = ["survey", "estimate", "--data", str(csv), "--psu", "thon", "--ci", "logit", "--json"]
    # when we ask for a logit interval of the 5-point column, then we are told to use --level
    assert run([*base, "--var", "hai_long"]) == 2
    assert "--level" in capsys.readouterr().err
    # and for the 0/1 column we get the proportion of 1
    assert run([*base, "--var", "hai_long_45"]) == 0
    got = json.loads(capsys.readouterr().out)["estimates"][0]
    assert got["estimate"] == pytest.approx(frame["hai_long_45"].mean())
    assert got["ci_method"] == "logit" and 0 < got["ci_low"] < got["ci_high"] < 1
