"""How much VNTC's topic accuracy depends on knowing, or guessing, which newspaper wrote an article.

Run: ``DULUAN_DATA_DIR=../shared/data .venv/bin/python bench/bench_domains.py [--char]``

VNTC's labels are the sections of four newspapers (VnExpress, Người Lao Động, Tuổi Trẻ, Thanh
Niên; the file names say which), and each newspaper files alike articles under its own sections:
Đời sống is 23 % of Thanh Niên's articles in the training file and under 1 % of Người Lao Động's,
and Kinh doanh comes almost all from VnExpress. This measures, on the dev split of
``bench_models.py`` (15 %, stratified, seed 0) and the topic model's syllable n-grams (the
featurizer of :class:`~duluan.analysis.topic.TopicClassifier`, a LinearSVC with C=1, without its
naive Bayes blend and calibration):

- no newspaper: the n-grams alone;
- one bias per newspaper and topic (the newspaper as four indicator features);
- one weight per newspaper, n-gram and topic on top of the shared ones (feature augmentation,
  Daumé 2007: the n-grams copied once per newspaper);

each with the newspaper known (from the file name) and guessed from the text alone. The guess
is a gradient-boosted classifier over the text's layout and punctuation (:func:`style_features`),
and naive Bayes log-probabilities of the newspaper and of the topic from the same n-grams, taken
by 5-fold cross-validation on the training part; ``--char`` adds the margins of a LinearSVC over
the character 1-4-grams of each article's first 600 and last 300 characters (five more fits,
several minutes). The mixture scores each topic as the shared margin plus each newspaper's part
weighted by the guessed probability of that newspaper.

Nothing here changes the shipped models; it prints figures.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import cross_val_predict, train_test_split
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parent))

from duluan.analysis.corpora import read_corpus
from duluan.analysis.features import NgramFeaturizer
from duluan.analysis.layout import layout_values_of
from duluan.shared_data import shared_data_dir

# "XH_NLD_ (3672).txt", "DS_ VNE_ (12).txt": a section code, then the newspaper.
_SOURCE_RE = re.compile(r"^[A-Z]+_ ?([A-Z]+)_")
# What a paper's house style leaves beyond duluan.analysis.layout's values (which count the marks,
# the line break and digit-separator-digit): whole dates, its way of naming the city and the
# country, spaced dashes, its signature in brackets.
_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"\b\d{1,2}\.\d{1,2}\.\d{4}\b",  # 14.3.2006
        r"\b\d{1,2}-\d{1,2}-\d{4}\b",
        r"\b\d{1,2}/\d{1,2}/\d{4}\b",
        r"\bTP\.? ?HCM\b",
        r"\bTPHCM\b",
        r"\bVN\b",
        r"\s-\s",
        r"\s–\s",
        r"\(NLĐ\)",
        r"\([^()]{1,20}\)$",
    )
)


def source_of(row_id: str) -> str:
    """The newspaper code in a VNTC file name ("XH_NLD_ (3672).txt" -> "NLD")."""
    found = _SOURCE_RE.match(row_id)
    return found.group(1) if found else "?"


def style_features(texts: list[str]) -> np.ndarray:
    """What a newspaper's house style leaves in texts: their layout
    (:func:`~duluan.analysis.layout.layout_values_of`: length, where the first line ends, marks,
    number formats, capitals), whether they end with a full stop, how many words are all
    capitals, and the counts of :data:`_PATTERNS`."""
    extra = [
        [text.rstrip()[-1:] == ".", sum(1 for w in text.split() if len(w) > 2 and w.isupper())]
        + [len(p.findall(text)) for p in _PATTERNS]
        for text in texts
    ]
    return np.hstack([layout_values_of(texts), np.array(extra, dtype=np.float64)])


def _log_proba(model_x, target, x_test, alpha=0.01):
    """Naive Bayes log-probabilities, by 5-fold cross-validation on the training rows and by a fit
    on all of them for the test rows, each shifted so that its largest is 0."""
    cv = cross_val_predict(MultinomialNB(alpha=alpha), model_x, target, cv=5, method="predict_log_proba")
    test = MultinomialNB(alpha=alpha).fit(model_x, target).predict_log_proba(x_test)
    return (
        np.maximum(cv - cv.max(axis=1, keepdims=True), -50),
        np.maximum(test - test.max(axis=1, keepdims=True), -50),
    )


def _char_margins(texts_train, texts_test, target):
    def view(t: str) -> str:
        return f"{t[:600]} \x01 {t[-300:]}"

    vectorizer = TfidfVectorizer(
        analyzer="char", ngram_range=(1, 4), lowercase=False, sublinear_tf=True, min_df=2
    )
    c_train = vectorizer.fit_transform(map(view, texts_train))
    c_test = vectorizer.transform(map(view, texts_test))
    cv = cross_val_predict(LinearSVC(C=0.5), c_train, target, cv=5, method="decision_function")
    return cv, LinearSVC(C=0.5).fit(c_train, target).decision_function(c_test)


def _augmented(x, weights: np.ndarray):
    """``[x, x * weights[:, 0], x * weights[:, 1], ...]``: the n-grams once shared, once per newspaper."""
    return sp.hstack([x] + [sp.diags(weights[:, k]) @ x for k in range(weights.shape[1])]).tocsr()


def _with_bias(x, weights: np.ndarray):
    return sp.hstack([x, sp.csr_matrix(weights)]).tocsr()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--char", action="store_true", help="also guess from character n-grams (slow)")
    args = parser.parse_args(argv)
    if shared_data_dir() is None:
        print("shared data absent: nothing to benchmark", file=sys.stderr)
        return 1
    warnings.filterwarnings("ignore", category=UserWarning)
    rows = list(read_corpus("vntc"))
    texts = [r.text for r in rows]
    labels = np.array([r.label for r in rows])
    sources = np.array([source_of(r.id) for r in rows])
    names = sorted(set(sources))
    # The split of bench_models.held_out: the same call on the rows' positions.
    train, test = train_test_split(np.arange(len(rows)), test_size=0.15, random_state=0, stratify=labels)
    y, y_test, s, s_test = labels[train], labels[test], sources[train], sources[test]
    counts = ", ".join(f"{n} {int((s == n).sum()):,}" for n in sorted(set(s)))
    print(f"VNTC: {len(train):,} train / {len(test):,} dev; training articles per newspaper: {counts}")

    start = time.perf_counter()
    featurizer = NgramFeaturizer(
        word_ngram_range=(1, 2), n_word_features=1 << 20, min_count=2, lead_tokens=10
    )
    x = featurizer.fit_transform([texts[i] for i in train])
    x_test = featurizer.transform([texts[i] for i in test])
    print(f"  syllable n-grams: {time.perf_counter() - start:.1f} s")

    start = time.perf_counter()
    style = style_features(texts)
    nb_source, nb_source_test = _log_proba(x, s, x_test)
    nb_topic, nb_topic_test = _log_proba(x, y, x_test)
    parts, parts_test = [style[train], nb_source, nb_topic], [style[test], nb_source_test, nb_topic_test]
    if args.char:
        char, char_test = _char_margins([texts[i] for i in train], [texts[i] for i in test], s)
        parts.append(char)
        parts_test.append(char_test)
    guesser = HistGradientBoostingClassifier(max_iter=400, learning_rate=0.08, random_state=0)
    guesser.fit(np.hstack(parts), s)
    proba = guesser.predict_proba(np.hstack(parts_test))[:, [list(guesser.classes_).index(n) for n in names]]
    guessed = np.array(names)[proba.argmax(axis=1)]
    print(
        f"  newspaper guessed from the text{' (with character n-grams)' if args.char else ''}: "
        f"{accuracy_score(s_test, guessed) * 100:.2f} % right, {time.perf_counter() - start:.1f} s"
    )
    print(f"    rows: true {names}, columns: guessed\n{confusion_matrix(s_test, guessed, labels=names)}")

    known = np.stack([(s == n).astype(float) for n in names], axis=1)
    known_test = np.stack([(s_test == n).astype(float) for n in names], axis=1)
    none_test = np.zeros_like(known_test)

    def report(name: str, predicted) -> None:
        print(f"  {name:<58} accuracy {accuracy_score(y_test, predicted) * 100:6.2f}", flush=True)

    start = time.perf_counter()
    plain = LinearSVC(C=1.0).fit(x, y)
    report(f"no newspaper ({time.perf_counter() - start:.1f} s to train)", plain.predict(x_test))

    start = time.perf_counter()
    bias = LinearSVC(C=1.0).fit(_with_bias(x, known), y)
    took = time.perf_counter() - start
    report(
        f"a bias per newspaper, newspaper known ({took:.1f} s)", bias.predict(_with_bias(x_test, known_test))
    )
    report("a bias per newspaper, guessed (expected bias)", bias.predict(_with_bias(x_test, proba)))

    start = time.perf_counter()
    augmented = LinearSVC(C=1.0).fit(_augmented(x, known), y)
    took = time.perf_counter() - start

    def mixture(weights: np.ndarray) -> np.ndarray:
        shared = augmented.decision_function(_augmented(x_test, none_test))
        total = shared.copy()
        for k in range(len(names)):
            alone = np.zeros_like(weights)
            alone[:, k] = 1.0
            total += weights[:, [k]] * (augmented.decision_function(_augmented(x_test, alone)) - shared)
        return augmented.classes_[total.argmax(axis=1)]

    report(f"weights per newspaper, newspaper known ({took:.1f} s)", mixture(known_test))
    report("weights per newspaper, guessed (mixture)", mixture(proba))
    report("weights per newspaper, shared part alone", mixture(none_test))
    return 0


if __name__ == "__main__":
    sys.exit(main())
