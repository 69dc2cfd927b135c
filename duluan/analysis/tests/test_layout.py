"""Layout features: what they measure, numpy and the compiled loop alike, and a classifier that
reads them scoring alike on every path."""

import gzip
import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.analysis import features
from duluan.analysis.layout import (
    BINS,
    CASE_VALUES,
    HEAD,
    MARKS,
    N_LAYOUT,
    NUMBER_SEPARATORS,
    LayoutBins,
    layout_values,
    layout_values_compiled,
    layout_values_of,
    texts_as_codes,
)
from duluan.analysis.topic import TopicClassifier
from duluan.shared_data import shared_data_dir

_MARK = {m: 4 + k for k, m in enumerate(MARKS)}
_MARK_HEAD = {m: 4 + len(MARKS) + k for k, m in enumerate(MARKS)}
_NUMBER = {s: 4 + 2 * len(MARKS) + k for k, s in enumerate(NUMBER_SEPARATORS)}
_NUMBER_HEAD = {s: 4 + 2 * len(MARKS) + len(NUMBER_SEPARATORS) + k for k, s in enumerate(NUMBER_SEPARATORS)}
# Capitals, marks, digits around separators, a letter past the Basic Multilingual Plane, an emoji,
# a lone surrogate and the separator of texts itself.
_ALPHABET = "aAĐđ“”\"'–-…()!?/,.%:\n 0123456789𝐀😀\ud800\x00"


def _compiled(texts: list[str]) -> np.ndarray:
    return layout_values_compiled(texts_as_codes(texts), len(texts))


def test_layout_values_count_what_a_newspaper_leaves_in_a_text():
    # given a title on a line of its own, curly quotes, a date and a price, and a text without any
    texts = ["Giá “sốc”\nNgày 26-1, giá 67.000 đồng", "không có gì"]
    # when their layout is measured
    values = layout_values(texts_as_codes(texts), 2)
    first, second = values
    # then the first has its length, its line break, a capital first, its marks and numbers
    size = len(texts[0]) + 1
    assert values.shape == (2, N_LAYOUT)
    assert first[0] == len(texts[0]) and first[1] == 9 and first[2] == 1
    assert first[3] == 2 * 1000.0 / size  # "G", "N"
    assert first[_MARK["“"]] == 1000.0 / size and first[_MARK_HEAD["“"]] == 1
    assert first[_MARK_HEAD["\n"]] == 1 and first[_MARK_HEAD[","]] == 1
    assert first[_NUMBER["-"]] == 1000.0 / size and first[_NUMBER_HEAD["-"]] == 1  # 26-1
    assert first[_NUMBER_HEAD["."]] == 1 and first[_NUMBER_HEAD["/"]] == 0  # 67.000
    # and the second has no line break, no capital, no mark
    assert second[1] == -1 and second[2] == 0 and not second[3:].any()


def test_only_the_first_characters_count_in_the_head():
    text = "a" * (HEAD - 1) + "!!" + "!" * 10
    values = layout_values(texts_as_codes([text]), 1)[0]
    assert values[_MARK_HEAD["!"]] == 1
    assert values[_MARK["!"]] == 12 * 1000.0 / (len(text) + 1)


def test_a_zero_inside_a_text_is_read_as_a_space_not_as_the_end_of_the_text():
    values = layout_values_of(["a\0B", "c"])
    assert values.shape == (2, N_LAYOUT) and values[:, 0].tolist() == [3, 1]
    assert values[0, 3] == 1000.0 / 4  # the capital after the zero is the first text's


def test_empty_texts_and_no_texts():
    values = layout_values(texts_as_codes(["", "x", ""]), 3)
    assert values[0, 0] == 0 and values[0, 1] == -1 and values[2, 0] == 0
    assert layout_values(np.zeros(0, np.uint32), 0).shape == (0, N_LAYOUT)
    assert _compiled([]).shape == (0, N_LAYOUT)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=60), min_size=1, max_size=6))
def test_the_compiled_loop_gives_numpys_values_to_the_last_bit(texts):
    expected = layout_values(texts_as_codes(texts), len(texts))
    np.testing.assert_array_equal(_compiled(texts), expected)
    np.testing.assert_array_equal(layout_values_of(texts), expected)


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_real_articles_get_the_same_values_by_numpy_and_the_compiled_loop():
    with gzip.open(shared_data_dir() / "vntc" / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in itertools.islice(fh, 0, 30000, 30)]
    np.testing.assert_array_equal(_compiled(texts), layout_values(texts_as_codes(texts), len(texts)))


def test_bins_cut_at_quantiles_and_tell_none_from_some():
    # given a value that is zero for most training texts and one that spreads
    values = np.zeros((60, N_LAYOUT))
    values[:, 0] = np.arange(60)
    values[55:, 1] = 3.0
    bins = LayoutBins.fit(values)
    # when new values are binned
    columns = bins.columns(
        np.array([[0.0, 0.0] + [0.0] * (N_LAYOUT - 2), [1e9, 5.0] + [0.0] * (N_LAYOUT - 2)])
    )
    # then the spread value takes each of the bins from the first to the last, and the sparse one
    # tells zero from more than zero
    assert columns[0, 0] == 0 and columns[1, 0] == BINS - 1
    assert columns[0, 1] == BINS and columns[1, 1] == BINS + 1
    assert bins.n_columns == N_LAYOUT * BINS
    matrix = bins.matrix(values[:3], 0.5)
    assert matrix.shape == (3, bins.n_columns) and matrix.sum() == 3 * N_LAYOUT * 0.5


def _layout_corpus() -> tuple[list[str], list[str]]:
    """The same words under four labels, told apart only by their layout: a title on its own line
    and curly quotes; one line and straight quotes; a dash, a colon and a dot in the date;
    capitals, brackets and a colon in the date."""
    words = ["đường ngập nước", "dân hỏi quận", "giá điện tăng", "trường học mới", "bệnh viện quá tải"]
    texts, labels = [], []
    for i, (a, b) in enumerate(itertools.product(words, words)):
        day = i % 28 + 1
        texts += [
            f"{a.capitalize()}\n“{b}” ngày {day}-2",
            f'{a} "{b}" ngày {day}/2',
            f"{a} – {b}: ngày {day}.2",
            f"{a.upper()} ({b}) ngày {day}:2",
        ]
        labels += ["báo A", "báo B", "báo C", "báo D"]
    return texts, labels


def test_a_classifier_reading_the_layout_tells_apart_what_words_cannot():
    texts, labels = _layout_corpus()
    words_only = TopicClassifier(min_count=1, layout_weight=0.0, calibration_fraction=0.0).fit(texts, labels)
    with_layout = TopicClassifier(min_count=1, layout_weight=0.5, calibration_fraction=0.0).fit(texts, labels)
    assert with_layout.layout_coef_.shape == (N_LAYOUT * BINS, 4)
    assert with_layout.coef_.shape[0] == with_layout.featurizer_.n_features_
    assert words_only.layout_coef_ is None
    right = np.mean(with_layout.predict_labels(texts)[0] == np.asarray(labels))
    assert right == 1.0
    # The words alone are the same under all four labels: the layout is all there is to learn from.
    assert np.mean(words_only.predict_labels(texts)[0] == np.asarray(labels)) < 0.6


def test_a_model_that_leaves_out_capitals_reads_a_text_in_small_letters_as_written():
    # given texts told apart by their layout, one label's by capitals alone (the others have none)
    texts, labels = _layout_corpus()
    texts = [text if label != "báo D" else text.lower() for text, label in zip(texts, labels, strict=True)]
    texts += [text.upper() for text in texts[3::4]]
    labels += ["báo E"] * len(texts[len(labels) :])
    with_case = TopicClassifier(min_count=1, layout_weight=0.5, calibration_fraction=0.0).fit(texts, labels)
    without = TopicClassifier(min_count=1, layout_weight=0.5, layout_case=False, calibration_fraction=0.0)
    without.fit(texts, labels)
    # then the capitals' values have one bin, and a text in small or capital letters reads alike
    assert np.isinf(without.layout_bins_.edges[list(CASE_VALUES)]).all()
    assert np.isfinite(with_case.layout_bins_.edges[list(CASE_VALUES), 0]).all()
    capitals = [text.upper() for text in texts[:40]]
    small = [text.lower() for text in capitals]
    np.testing.assert_array_equal(without.decision_function(capitals), without.decision_function(small))
    assert (with_case.decision_function(capitals) != with_case.decision_function(small)).any()
    # and the model says so, where a model saved before the setting reads capitals
    assert without.recipe()["layout_case"] is False and TopicClassifier.layout_case is True


def test_every_path_gives_a_layout_model_the_same_labels_and_scores(tmp_path):
    # given a topic model reading the layout, trained with calibration
    texts, labels = _layout_corpus()
    clf = TopicClassifier(min_count=1, layout_weight=0.5).fit(texts, labels)
    expected = clf.predict_labels(texts, compiled=False)
    margins = clf.decision_function(texts)
    # then the compiled loops, explanations, the margins and a saved and mapped copy agree
    got = clf.predict_labels(texts, compiled=True)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
    predictions = clf.predict(texts)
    assert [p.label for p in predictions] == expected[0].tolist()
    assert [p.score for p in predictions] == expected[1].tolist()
    np.testing.assert_array_equal(clf.classes_[margins.argmax(axis=1)], expected[0])
    marks = np.zeros(16, dtype=np.uint64)
    marked = clf.marked_margins(texts, marks)
    np.testing.assert_array_equal(marked[0] + clf.intercept_, margins)
    from_codes = clf.margins_of_codes(texts_as_codes(texts), marks)
    np.testing.assert_array_equal(from_codes[0], marked[0])
    loaded = TopicClassifier.load(clf.save(tmp_path / "layout.model"), mapped=True)
    np.testing.assert_array_equal(loaded.predict_labels(texts)[1], expected[1])
    assert loaded.load_compiled()
    np.testing.assert_array_equal(loaded.predict_labels(texts, compiled=True)[1], expected[1])


def test_explanations_of_a_layout_model_name_the_terms_of_the_label_it_gives(monkeypatch):
    # given a model that reads the layout, whose words alone would give other labels
    texts, labels = _layout_corpus()
    clf = TopicClassifier(min_count=1, layout_weight=0.5, calibration_fraction=0.0).fit(texts, labels)
    expected = clf.predict(texts)
    fields = clf.predict_fields(features.tokenise_batch(texts))
    assert [p.label for p in expected] == labels
    for prediction, text in zip(expected[:8], texts[:8], strict=True):
        assert prediction.terms == clf.explain([text], [prediction.label])[0]
    # when its compiled loops explain them, they choose each text's label with its layout: the
    # same labels, scores and terms, none left to numpy
    assert clf.load_compiled_explain()
    monkeypatch.setattr(clf.featurizer_, "explain_matrix", _refuse)
    assert clf.predict(texts) == expected
    assert clf.predict_fields(features.tokenise_batch(texts)) == fields


def _refuse(*_args, **_kwargs):
    raise AssertionError("numpy explained")


def saved_without(model, names: tuple[str, ...]):
    """``model`` as a file saved before its attributes ``names`` existed reads back."""
    state = model.__getstate__()
    for name in names:
        state.pop(name)
    old = type(model).__new__(type(model))
    old.__setstate__(state)
    return old


def test_a_model_saved_before_layout_features_existed_reads_words_alone():
    texts, labels = _layout_corpus()
    clf = TopicClassifier(min_count=1, layout_weight=0.0, calibration_fraction=0.0).fit(texts, labels)
    old = saved_without(clf, ("layout_weight", "layout_bins_", "layout_coef_"))
    assert old.layout_coef_ is None and old.layout_weight == 0.0
    np.testing.assert_array_equal(old.predict_labels(texts)[1], clf.predict_labels(texts)[1])
