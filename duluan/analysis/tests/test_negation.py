"""Syllables a negator governs, read apart (``duluan.analysis.negation``)."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from sklearn.metrics import f1_score

from duluan.analysis import features
from duluan.analysis.features import negated_batch
from duluan.analysis.negation import MARK, QUIET, clause_starts, clause_starts_many, readable_term
from duluan.analysis.sentiment import SentimentClassifier
from duluan.analysis.tests.test_layout import saved_without
from duluan.shared_data import shared_data_dir

SEP = "\x00"


def read_as(*texts: str) -> list[str]:
    """The syllables a batch of ``texts`` is read as, its negations marked (three syllables)."""
    return negated_batch(features.tokenise_batch(list(texts)), 3).tokens


def test_a_negator_marks_the_syllables_of_its_clause_after_it():
    # given syllables with negators, a word that opens another clause and two texts
    # when the syllables each negator governs are marked, three after it
    # then those of its clause are, and the clause after "nhưng" is not
    assert read_as("thầy không nhiệt tình nhưng dạy hay") == [
        "thầy", "không", f"{MARK}nhiệt", f"{MARK}tình", "nhưng", "dạy", "hay"
    ]  # fmt: skip
    # and a scope ends three syllables on, or at the end of a text; a negator within it governs anew
    assert read_as("chưa có ai đến sửa", "rất tốt chẳng không đẹp") == [
        "chưa", f"{MARK}có", f"{MARK}ai", f"{MARK}đến", "sửa", SEP,
        "rất", "tốt", "chẳng", f"{MARK}không", f"{MARK}đẹp",
    ]  # fmt: skip
    # and syllables with no negator before them are left as they are (the batch itself)
    for text in ("rất nhiệt tình", "học không"):  # "… không?" asks, it governs nothing
        batch = features.tokenise_batch([text])
        assert negated_batch(batch, 3) is batch


def test_a_batch_keeps_its_texts_and_lengths_when_its_syllables_are_marked():
    # given a batch of two texts, one with a negator
    batch = features.tokenise_batch(["Giảng viên không nhiệt tình!", "Rất hay"])
    # when its negated syllables are marked
    marked = negated_batch(batch, 3)
    # then only the tokens change: the texts (which the layout and the emoji read) stay
    assert marked.tokens == ["giảng", "viên", "không", f"{MARK}nhiệt", f"{MARK}tình", SEP, "rất", "hay"]
    assert marked.texts == batch.texts and marked.lengths.tolist() == batch.lengths.tolist()
    # and they are numbered as any batch numbers them
    ids, strings, _ = marked.numbered()
    assert [strings[i] for i in ids] == marked.tokens
    # and a batch with no negator, or a scope of 0, is the same batch
    plain = features.tokenise_batch(["Rất hay"])
    assert negated_batch(plain, 3) is plain and negated_batch(batch, 0) is batch


def test_a_scope_ends_where_punctuation_ends_a_clause_or_a_sentence():
    # given a citizen's question of two sentences and a text with a comma after a negator
    texts = ["Tôi đã bị thủy đậu hay chưa. Xin hỏi có cần tiêm không?", "Không, tôi thấy tốt"]
    # when the batch's negated syllables are marked
    marked = negated_batch(features.tokenise_batch(texts), 3)
    # then the question's "chưa" and the answer's "không" govern nothing past the marks
    assert marked.tokens == features.tokenise_batch(texts).tokens
    # and a scope within a clause is marked up to the comma, covid-19 and 2/9 being no clause's end
    inside = negated_batch(features.tokenise_batch(["Không họp covid-19 2/9, mà nghỉ"]), 3)
    assert inside.tokens == ["không", f"{MARK}họp", f"{MARK}covid", f"{MARK}19", "2", "9", "mà", "nghỉ"]
    # and punctuation is found between the syllables split from the text alone
    assert clause_starts("bị hay chưa. xin hỏi, có", 6) == [3, 5] and clause_starts("a b", 3) is None


def test_a_batch_finds_clause_ends_as_each_text_alone_does():
    # given texts with marks, line breaks, an emoji in a word's place, an astral letter, a text
    # that starts with a quote and one whose syllables were not split from it
    texts = [
        "“sốt” với chính sách, ưu đãi\nkhách hàng (đang) chờ… rồi!",
        "không😡được, chưa xong",
        "𝐀𝐁 không, tốt",
        "",
        "a b",
    ]
    counts = [len(re.findall(r"\w+", t)) for t in texts[:-1]] + [3]
    if (data := shared_data_dir()) is not None:
        from duluan.analysis.corpora import read_corpus

        leads = [r.text.lower() for r in itertools.islice(read_corpus("tc201805", data), 3000)]
        texts, counts = texts + leads, counts + [len(re.findall(r"\w+", t)) for t in leads]
    # then the batch's clause ends are those of each text read alone
    assert clause_starts_many(texts, counts) == [
        clause_starts(t, c) for t, c in zip(texts, counts, strict=True)
    ]
    assert clause_starts_many(texts[:2], counts[:2])[0] == [0, 1, 4, 6, 8, 9, 10]


def test_an_explanation_shows_negated_words_as_words():
    assert readable_term(f"{MARK}nhiệt {MARK}tình") == "(không) nhiệt tình"
    assert readable_term(f"không {MARK}nhiệt") == "không nhiệt"
    assert readable_term("nhiệt tình") == "nhiệt tình"


def _feedback() -> tuple[list[str], list[str]]:
    praise = ["nhiệt tình", "dễ hiểu", "đúng giờ", "vui vẻ", "chu đáo"]
    texts, labels = [], []
    for word in praise:
        for subject in ("thầy dạy", "cô giảng", "giảng viên"):
            texts += [f"{subject} {word}", f"{subject} không {word}", f"{subject} rất {word}"]
            labels += ["positive", "negative", "positive"]
    return texts, labels


def test_a_sentiment_model_reads_negated_words_apart_on_every_path(tmp_path):
    # given a sentiment model (syllables and characters) trained on praise and its negation
    texts, labels = _feedback()
    model = SentimentClassifier(min_count=1, calibration_fraction=0.0).fit(texts, labels)
    assert model.negation_scope == 3 and model.recipe()["negation_scope"] == 3
    said = ["Cô giáo không nhiệt tình với học sinh", "Thầy rất nhiệt tình", *texts]
    # when it reads texts as strings, as a batch of syllables, by its compiled loops and saved
    expected = model.decision_function(said)
    batch = model.predict(features.tokenise_batch(said), explain=True)
    model.load_compiled()
    compiled = model.decision_function(said)
    loaded = SentimentClassifier.load(model.save(tmp_path / "negation.model"), mapped=True)
    # then every path gives the same margins and labels
    np.testing.assert_array_equal(compiled, expected)
    np.testing.assert_array_equal(loaded.decision_function(said), expected)
    assert [p.label for p in batch] == model.predict_labels(said)[0].tolist()
    assert [p.label for p in batch[:2]] == ["negative", "positive"]
    # and the negated praise is explained by its words, shown as negated, never by the mark
    terms = [term for term, _ in batch[0].terms]
    assert any(term.startswith("(không) nhiệt") or "không nhiệt" in term for term in terms), terms
    assert not any(MARK in term for p in batch for term, _ in p.terms)


def test_a_model_saved_before_negation_existed_reads_words_as_written():
    # given a model that does not mark negated words, saved before the setting existed
    texts, labels = _feedback()
    clf = SentimentClassifier(min_count=1, calibration_fraction=0.0, negation_scope=0).fit(texts, labels)
    old = saved_without(clf, ("negation_scope",))
    del old.featurizer_.negation_scope
    # then it reads as it did, and differs from a model that marks them
    assert old.negation_scope == 0
    np.testing.assert_array_equal(old.decision_function(texts), clf.decision_function(texts))
    marking = SentimentClassifier(min_count=1, calibration_fraction=0.0).fit(texts, labels)
    assert not np.array_equal(marking.decision_function(texts), clf.decision_function(texts))


@pytest.mark.slow
@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_reading_negated_words_apart_scores_uit_vsfc_dev_better():
    # given UIT-VSFC's training and dev splits
    from duluan.analysis.corpora import read_corpus

    train, dev = list(read_corpus("uit_vsfc")), list(read_corpus("uit_vsfc_dev"))

    def weighted_f1(**params) -> float:
        model = SentimentClassifier(**params).fit([r.text for r in train], [r.label for r in train])
        return f1_score(
            [r.label for r in dev], model.predict_labels([r.text for r in dev])[0], average="weighted"
        )

    # when the default classifier is trained with negated words read apart and without
    # then it scores the dev split better with them (91.71 -> 91.90 with intensifiers read,
    # 2026-12-06; 91.57 -> 91.66 with them quiet, the default since, 2026-12-07), both without
    # the terms file's prior, which came after (with it, intensifiers read: 91.71 -> 91.81)
    assert (
        weighted_f1(quiet_intensifiers=False, terms_prior=0.0)
        > weighted_f1(negation_scope=0, quiet_intensifiers=False, terms_prior=0.0) + 0.001
    )
    assert weighted_f1() > weighted_f1(negation_scope=0)


def quiet_as(*texts: str) -> list[str]:
    """The syllables a batch of ``texts`` is read as by the sentiment model's featurizer: its
    negations marked (three syllables), then its intensifiers quiet."""
    return features.quieted_batch(negated_batch(features.tokenise_batch(list(texts)), 3)).tokens


def test_an_intensifier_is_read_as_no_syllable_unless_a_negator_governs_it():
    # given texts with intensifiers of one and two syllables, one within a negator's scope
    # when the sentiment model's featurizer reads them
    # then each intensifier no negator governs is the quiet syllable, and the word it
    # strengthens is read as it is alone ("rất nhũng nhiễu" as "nhũng nhiễu")
    assert quiet_as("Cán bộ rất nhũng nhiễu", "cực kỳ tệ, chưa rất tốt") == [
        "cán", "bộ", QUIET, "nhũng", "nhiễu", SEP,
        QUIET, QUIET, "tệ", "chưa", f"{MARK}rất", f"{MARK}tốt",
    ]  # fmt: skip
    # and a syllable of an intensifier of two is left alone without its second ("cực tốt",
    # "tích cực"), as a batch without any is the same batch
    assert quiet_as("cực tốt", "tích cực") == ["cực", "tốt", SEP, "tích", "cực"]
    plain = features.tokenise_batch(["thầy dạy hay"])
    assert features.quieted_batch(plain) is plain
    # and the quiet batch is numbered as any batch is, its texts and lengths kept
    batch = features.tokenise_batch(["Rất bất tiện!", "Rất hay"])
    quiet = features.quieted_batch(batch)
    ids, strings, _ = quiet.numbered()
    assert [strings[i] for i in ids] == quiet.tokens == [QUIET, "bất", "tiện", SEP, QUIET, "hay"]
    assert quiet.texts == batch.texts and quiet.lengths.tolist() == batch.lengths.tolist()


def test_a_sentiment_model_reads_a_complaint_strengthened_by_a_word_of_praise_as_a_complaint(tmp_path):
    # given a sentiment model trained on students' feedback, where "rất" strengthens praise alone
    texts, labels = _feedback()
    texts += ["đường lầy lội", "cán bộ nhũng nhiễu", "thủ tục rườm rà", "phòng học bẩn"]
    labels += ["negative"] * 4
    model = SentimentClassifier(min_count=1, calibration_fraction=0.0).fit(texts, labels)
    assert model.quiet_intensifiers and model.recipe()["quiet_intensifiers"] is True
    said = ["Cán bộ rất nhũng nhiễu", "Đường rất lầy lội", "Thầy rất nhiệt tình"]
    # when it reads complaints strengthened by "rất" (before intensifiers were quiet, "rất"
    # carried the weight of praise: "Cán bộ phường rất nhũng nhiễu." read positive, 0.64, in the
    # shipped model, 2026-12-07), as strings, as a batch, by its compiled loops and saved
    expected = model.decision_function(said)
    batch = model.predict(features.tokenise_batch(said), explain=True)
    model.load_compiled()
    loaded = SentimentClassifier.load(model.save(tmp_path / "quiet.model"), mapped=True)
    # then they read as complaints, the praise as praise, every path alike
    assert [p.label for p in batch] == ["negative", "negative", "positive"]
    np.testing.assert_array_equal(model.decision_function(said), expected)
    np.testing.assert_array_equal(loaded.decision_function(said), expected)
    # and no explaining term shows the quiet syllable
    assert not any(QUIET in term for p in batch for term, _ in p.terms)
    # and a model that reads intensifiers reads "rất" as praise: the complaints less negative
    loud = SentimentClassifier(min_count=1, calibration_fraction=0.0, quiet_intensifiers=False)
    negative = list(model.classes_).index("negative")
    quiet_p = model.predict_proba(said[:2])[:, negative]
    loud_p = loud.fit(texts, labels).predict_proba(said[:2])[:, negative]
    assert (loud_p < quiet_p - 0.1).all()


def test_a_model_saved_before_intensifiers_were_quiet_reads_them_as_written():
    # given a model that reads intensifiers, saved before the setting existed
    texts, labels = _feedback()
    clf = SentimentClassifier(min_count=1, calibration_fraction=0.0, quiet_intensifiers=False).fit(
        texts, labels
    )
    old = saved_without(clf, ("quiet_intensifiers",))
    del old.featurizer_.quiet_intensifiers
    # then it reads as it did
    assert old.quiet_intensifiers is False
    np.testing.assert_array_equal(old.decision_function(texts), clf.decision_function(texts))
