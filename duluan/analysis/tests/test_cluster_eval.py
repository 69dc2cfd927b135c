"""Stories for the clustering gold set and its scores."""

from __future__ import annotations

import pytest

from duluan.analysis import cluster_eval
from duluan.analysis.pipeline import basic_per_row_pipeline
from duluan.shared_data import shared_data_dir


def test_gold_slices_are_well_formed():
    # given the stored gold set
    # when it is read
    slices = cluster_eval.load_gold()

    # then there are a dev and a test slice of 2,000 distinct ids, with many groups each, every
    # group inside its slice and disjoint from the others, and every event inside one issue
    assert [s.name for s in slices] == ["dev", "test"]
    for s in slices:
        assert len(s.ids) == len(set(s.ids)) == 2000
        assert len(s.events) >= 80 and len(s.issues) >= 80
        for groups in (s.events, s.issues):
            members = [i for g in groups for i in g]
            assert all(len(g) >= 2 for g in groups)
            assert len(members) == len(set(members)) and set(members) <= set(s.ids)
        issue = s.partition("issues")
        assert all(len({issue[i] for i in g}) == 1 for g in s.events)


def test_pairwise_and_bcubed_scores_count_as_defined():
    # given five items, gold groups {a b c} {d} {e} and a clustering {a b} {c d} {e}
    gold = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "3"}
    system = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}

    # when scored
    pairs = cluster_eval.pairwise(system, gold)
    cubed = cluster_eval.bcubed(system, gold)

    # then pairwise: 1 of the 2 claimed pairs is right, 1 of the 3 true pairs is found
    assert (pairs.precision, pairs.recall) == (0.5, 1 / 3)
    assert pairs.f1 == pytest.approx(0.4)
    # and B-cubed averages per item: precision (1 + 1 + 1/2 + 1/2 + 1) / 5,
    # recall (2/3 + 2/3 + 1/3 + 1 + 1) / 5
    assert cubed.precision == pytest.approx(0.8)
    assert cubed.recall == pytest.approx(11 / 15)


def test_a_clustering_that_joins_nothing_claims_no_wrong_pair():
    # given a clustering of singletons and a gold set with one pair
    gold = {"a": "1", "b": "1", "c": "2"}
    system = {"a": "x", "b": "y", "c": "z"}

    # when scored pairwise
    score = cluster_eval.pairwise(system, gold)

    # then precision is 1, recall 0 and F1 0
    assert (score.precision, score.recall, score.f1) == (1.0, 0.0, 0.0)


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_clusterer_keeps_its_measured_quality_on_the_test_slice():
    # given the test slice and its texts
    test = cluster_eval.load_gold()[1]
    texts = cluster_eval.read_texts(test.ids)

    # when the pipeline without models clusters it in stream order
    system = cluster_eval.cluster_slice(test, texts, basic_per_row_pipeline())
    scores = cluster_eval.scores(test, system)

    # then every lead has a cluster, and event pairs are found at the measured level
    # (2026-12-01: P 61.9, R 34.7) without joining everything
    assert set(system) == set(test.ids)
    events = scores["events"]["pairwise"]
    assert events.recall >= 0.30
    assert events.precision >= 0.55
    # and the gold set scores itself perfectly
    perfect = cluster_eval.scores(test, test.partition("events"))["events"]["pairwise"]
    assert (perfect.precision, perfect.recall) == (1.0, 1.0)
