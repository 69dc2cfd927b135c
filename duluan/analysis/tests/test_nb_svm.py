"""The NBSVM part of the linear text classifier (``nb_svm_C``), folded into its one weight matrix."""

from __future__ import annotations

import random

import numpy as np
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from duluan.analysis.linear_text import LinearTextClassifier
from duluan.analysis.sentiment import SentimentClassifier

WORDS = {
    "khen": "cán bộ nhiệt tình nhanh gọn hài lòng chu đáo tận tâm",
    "chê": "chậm trễ hách dịch bức xúc gây khó nhũng nhiễu thờ ơ",
    "hỏi": "xin hỏi lịch giờ làm việc thủ tục hồ sơ ở đâu",
}
SHARED = "phường xã người dân ủy ban một cửa hôm nay tôi".split()


def _corpus(n: int = 240, seed: int = 0) -> tuple[list[str], list[str]]:
    """Short texts of each label's words among shared ones, a few with another label's words."""
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = list(WORDS)[i % len(WORDS)]
        own = WORDS[label].split()
        other = WORDS[rng.choice([k for k in WORDS if k != label])].split()
        words = rng.sample(own, 3) + rng.sample(SHARED, 4) + rng.sample(other, rng.choice((0, 1, 2)))
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    return texts, labels


def test_the_nb_svm_part_adds_each_class_margins_on_its_scaled_features():
    # given a corpus, and the same classifier without and with an NBSVM part (no calibration split)
    texts, labels = _corpus()
    params = {"min_count": 1, "calibration_fraction": 0.0, "char_ngram_range": (2, 3)}
    plain = LinearTextClassifier(**params).fit(texts, labels)
    both = LinearTextClassifier(nb_svm_C=0.3, **params).fit(texts, labels)
    # when each class's NBSVM is fitted apart on the features scaled by its log-count ratios
    x = both.featurizer_.transform(texts)
    present = (x.toarray() != 0).astype(float)
    y = np.array(labels)
    expected = plain.decision_function(texts).astype(np.float64)
    for k, label in enumerate(both.classes_):
        pos = present[y == label].sum(axis=0) + 1
        neg = present[y != label].sum(axis=0) + 1
        ratio = np.log(pos / pos.sum() / (neg / neg.sum()))
        scaled = x @ sp.diags(ratio)
        svm = LinearSVC(C=0.3, dual=True, max_iter=2000, random_state=0).fit(scaled, y == label)
        expected[:, k] += svm.decision_function(scaled)
    # then the one folded matrix gives the main SVM's margins plus theirs
    np.testing.assert_allclose(both.decision_function(texts), expected, rtol=1e-4, atol=1e-4)
    assert not np.allclose(both.decision_function(texts), plain.decision_function(texts), atol=1e-2)


def test_the_nb_svm_part_learns_two_classes_with_weights_and_calibrates():
    # given two labels, weighted rows and a calibration split
    texts, labels = _corpus(300)
    rows = [i for i, label in enumerate(labels) if label != "hỏi"]
    texts, labels = [texts[i] for i in rows], [labels[i] for i in rows]
    weights = [2.0 if label == "chê" else 1.0 for label in labels]
    # when a classifier with an NBSVM part is fitted
    clf = LinearTextClassifier(min_count=1, nb_svm_C=0.3).fit(texts, labels, sample_weight=weights)
    predicted, scores = clf.predict_labels(texts)
    # then it tells them apart, with probabilities
    assert np.mean(predicted == np.array(labels)) > 0.9
    assert clf.temperature_ > 0 and np.all((scores >= 0.5) & (scores <= 1.0))


def test_a_class_absent_from_the_rows_gets_no_nb_svm_part():
    texts, labels = _corpus(90)
    clf = LinearTextClassifier(min_count=1, nb_svm_C=0.3, calibration_fraction=0.0).fit(texts, labels)
    x = clf.featurizer_.transform(texts)
    y = np.array(labels)
    kept = y != "hỏi"
    coef, intercept = clf._fit_nb_svm(x[kept], y[kept], None)
    missing = list(clf.classes_).index("hỏi")
    assert not coef[:, missing].any() and intercept[missing] == 0
    assert coef[:, [k for k in range(3) if k != missing]].any()


def test_the_sentiment_model_has_an_nb_svm_part_and_older_files_read_without_it():
    texts, labels = _corpus()
    assert SentimentClassifier().nb_svm_C == 0.3
    clf = LinearTextClassifier(min_count=1, calibration_fraction=0.0).fit(texts, labels)
    state = clf.__getstate__()
    state.pop("nb_svm_C")
    old = LinearTextClassifier.__new__(LinearTextClassifier)
    old.__setstate__(state)
    assert old.nb_svm_C == 0.0
    np.testing.assert_array_equal(old.predict_labels(texts)[1], clf.predict_labels(texts)[1])
