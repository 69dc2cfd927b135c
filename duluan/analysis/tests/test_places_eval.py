"""Stories for the place-recognition gold set and its evaluation."""

from __future__ import annotations

import dataclasses

import pytest

from duluan.analysis import places_eval
from duluan.analysis.places import Gazetteer
from duluan.shared_data import shared_data_dir


def test_gold_set_is_well_formed_and_large_enough():
    # given the stored gold set
    # when it is read
    sentences, mentions = places_eval.load_gold()

    # then it has at least 300 mentions, each inside one of its sentences, with a unit of a known scheme
    assert len(mentions) >= 300
    windows = {}
    for s in sentences:
        windows.setdefault((s["corpus"], s["id"]), []).append((s["start"], s["end"]))
    for m in mentions:
        assert m["scheme"] in {"pre2025", "2025"} and m["code"]
        assert any(a <= m["start"] < m["end"] <= b for a, b in windows[(m["corpus"], m["id"])])
    assert {m["corpus"] for m in mentions} == {"news_2026", "vntc", "tc201805"}


def test_gold_codes_exist_in_the_unit_data():
    # given the gold set and the gazetteer
    _, mentions = places_eval.load_gold()
    gazetteer = Gazetteer.default()

    # when each gold unit is looked up
    # then it exists at the level recorded
    for m in mentions:
        unit = gazetteer.unit(m["scheme"], m["code"])
        assert unit is not None and unit.level == m["level"]


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_recogniser_keeps_its_measured_quality_on_the_gold_set():
    # given the gold sentences cut from the shared corpora
    records, gold = places_eval.load_gold()
    sentences = places_eval.load_sentences(records)

    # when the recogniser runs on them with their dates
    predicted = places_eval.predict(Gazetteer.default(), sentences)
    scores = places_eval.score(sentences, gold, predicted)

    # then the gold surface text is where the offsets say, and quality stays at the measured level
    for m in gold:
        sentence = next(
            s
            for s in sentences
            if s.corpus == m["corpus"] and s.doc_id == m["id"] and s.start <= m["start"] < s.end
        )
        assert sentence.text[m["start"] - sentence.start : m["end"] - sentence.start].strip()
    assert scores["exact"].precision >= 0.93
    assert scores["exact"].recall >= 0.93
    # and typed all in small letters, as many people type a message, they read as well
    lowered = [dataclasses.replace(s, text=s.text.lower()) for s in sentences]
    small = places_eval.score(sentences, gold, places_eval.predict(Gazetteer.default(), lowered))
    assert small["exact"].precision >= 0.93 and small["exact"].recall >= 0.93
    # and confidence tells right mentions from wrong ones, with dates or without (where the
    # scheme of a name both schemes hold is a guess: 0.46 before confidence said so, 2026-12-07)
    undated = places_eval.predict(Gazetteer.default(), sentences, use_dates=False)
    assert places_eval.confidence_auc(sentences, gold, predicted) >= 0.75
    assert places_eval.confidence_auc(sentences, gold, undated) >= 0.75


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_former_names_gold_set_is_read_as_measured():
    # given the former-names gold set: typed names of units dissolved before the pre-2025 data,
    # found in the corpora by a pattern (not by the recogniser) and labelled by hand
    records = places_eval.load_former()
    gazetteer = Gazetteer.default()

    # then its codes exist at their levels, its spans hold the names, and it is read as measured
    mentions = [r for r in records if r["kind"] == "mention"]
    assert len(mentions) >= 80 and sum(r["kind"] == "not_a_unit" for r in records) >= 4
    for r in mentions:
        unit = gazetteer.unit(r["scheme"], r["code"])
        assert unit is not None and unit.level == r["level"]
    for r in records:
        start, end = r["sentence"]
        assert (
            start <= r["start"] < r["end"] <= end and r["text"][r["start"] - start : r["end"] - start].strip()
        )
    counts = places_eval.score_former(gazetteer, records)
    assert counts["former found"] >= 0.9 * counts["former"]
    assert counts["current found"] == counts["current"]
    assert counts["false"] <= 1
