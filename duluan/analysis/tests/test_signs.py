"""Emoji read as features beside the n-grams (``duluan.analysis.signs``)."""

from __future__ import annotations

import numpy as np

from duluan.analysis import features
from duluan.analysis.layout import texts_as_codes
from duluan.analysis.sentiment import SentimentClassifier
from duluan.analysis.signs import SignColumns, signs_in_codes
from duluan.analysis.tests.test_layout import saved_without


def test_signs_are_emoji_and_symbols_not_letters_modifiers_or_selectors():
    # given texts with emoji, a skin tone, a variation selector, symbols and other scripts
    texts = ["😡😡 quá tệ", "không có gì", "Ok 👍🏻 ❤️", "", "中文 한국어 ☺", "✌ và 🙏"]
    # when their signs are read
    found = signs_in_codes(texts_as_codes(texts))
    # then each text that holds one lists its distinct signs, without tone or selector
    assert found == {0: (0x1F621,), 2: (0x2764, 0x1F44D), 4: (0x263A,), 5: (0x270C, 0x1F64F)}
    assert signs_in_codes(texts_as_codes(["không dấu", "có dấu “ngoặc” … – 10%"])) == {}


def test_sign_columns_keep_the_signs_of_enough_training_texts():
    # given the signs of four training texts, "👎" in one of them only
    signs = {0: (0x1F44D,), 1: (0x1F44D, 0x1F44E), 3: (0x2764,), 2: (0x2764,)}
    # when columns are fitted with a minimum of two texts
    columns = SignColumns.fit(signs, min_count=2)
    # then the two signs seen twice have a column, in order of code point
    assert columns.columns == {0x2764: 0, 0x1F44D: 1}
    matrix = columns.matrix(signs, 5, 0.3).toarray()
    assert matrix.tolist() == [[0, 0.3], [0, 0.3], [0.3, 0], [0.3, 0], [0, 0]]
    coef = np.array([[1.0, -1.0], [-2.0, 2.0]], dtype=np.float32)
    part = columns.part({1: (0x1F44D, 0x1F44E), 3: (0x2764, 0x1F44D)}, 4, coef)
    assert part.tolist() == [[0, 0], [-2, 2], [0, 0], [-1, 1]]
    assert columns.part({0: (0x1F44E,)}, 2, coef) is None
    # and a sign named unread has no column, however often it is seen
    assert SignColumns.fit(signs, min_count=2, unread=[0x2764]).columns == {0x1F44D: 0}


def test_the_terms_file_names_the_signs_the_shipped_model_leaves_unread():
    from duluan.analysis.sentiment import ComplaintLexicon, complaint_term_rows, unread_signs

    # given the terms file's emoji: of anger, of praise (a negative weight) and unread (0)
    unread = {chr(c) for c in unread_signs()}
    rows = dict(complaint_term_rows(signs=True))
    lexicon = ComplaintLexicon.load()
    # then the laughing and crying faces are unread, learnt by no row, and count for no anger;
    # a sign of praise is learnt as positive and counts for no anger either
    assert {"😂", "🤣", "😭", "😢"} <= unread and not unread & set(rows)
    assert rows["😡"] == "negative" and rows["👍"] == "positive"
    signs = dict(lexicon.signs)
    assert "😡" in signs and not ({"👍", "❤", *unread} & set(signs))
    assert lexicon.score("👍👍 ❤")[0] == 0.0 and lexicon.score("😡")[0] > 0


def _reviews() -> tuple[list[str], list[str]]:
    good = [
        "Hàng đẹp lắm",
        "Giao nhanh, đóng gói cẩn thận",
        "Sản phẩm tốt",
        "Rất hài lòng",
        "Shop nhiệt tình",
    ]
    bad = ["Hàng lỗi", "Giao chậm quá", "Sản phẩm kém", "Không hài lòng", "Shop trả lời cộc lốc"]
    texts = [f"{t} 👍" for t in good] + [f"{t} ❤️" for t in good] + [f"{t} 😡" for t in bad] + bad + good
    labels = ["positive"] * 10 + ["negative"] * 10 + ["positive"] * 5
    return texts, labels


def test_a_text_of_emoji_alone_reads_as_its_signs_say(tmp_path):
    # given a sentiment classifier trained on reviews, some ending in an emoji, and one that
    # does not read them
    texts, labels = _reviews()
    model = SentimentClassifier(min_count=2, calibration_fraction=0.0).fit(texts, labels)
    blind = SentimentClassifier(min_count=2, calibration_fraction=0.0, sign_weight=0.0).fit(texts, labels)
    # when comments of emoji alone are read
    comments = ["😡😡😡", "👍👍", "❤️", "😡"]
    # then the signs decide their mood; to the model that does not read them they are one text
    assert model.predict_labels(comments)[0].tolist() == ["negative", "positive", "positive", "negative"]
    blind_scores = blind.decision_function(comments)
    assert (blind_scores == blind_scores[0]).all()
    assert model.recipe()["sign_weight"] == 0.3 and blind.recipe()["sign_weight"] == 0.0
    assert model.char_ngram_range is not None


def test_every_path_reads_a_texts_signs_alike(tmp_path):
    # given a model of syllables, which the compiled loops score from the characters (so one
    # that reads negated syllables, intensifiers and courtesy as written: the loops read no marks
    # and quiet no syllable), reading signs
    texts, labels = _reviews()
    model = SentimentClassifier(
        min_count=2, char_ngram_range=None, negation_scope=0, quiet_intensifiers=False, quiet_courtesy=False
    ).fit(texts, labels)
    both = ["😡😡😡", "👍👍", "❤️", *texts]
    # then numpy, the compiled loops, the syllables of a batch, the code points and a saved and
    # mapped copy give the same labels and scores
    expected = model.predict_labels(both, compiled=False)
    assert expected[0][:3].tolist() == ["negative", "positive", "positive"]
    got = model.predict_labels(both, compiled=True)
    np.testing.assert_array_equal(got[1], expected[1])
    fields = model.predict_fields(features.tokenise_batch(both))
    assert fields[0] == expected[0].tolist()
    marks = np.zeros(16, dtype=np.uint64)
    marked = model.marked_margins(both, marks)
    np.testing.assert_array_equal(marked[0] + model.intercept_, model.decision_function(both))
    np.testing.assert_array_equal(model.margins_of_codes(texts_as_codes(both), marks)[0], marked[0])
    loaded = SentimentClassifier.load(model.save(tmp_path / "signs.model"), mapped=True)
    np.testing.assert_array_equal(loaded.predict_labels(both)[1], expected[1])


def test_a_model_saved_before_signs_existed_reads_no_sign():
    # given a model saved before the setting existed
    texts, labels = _reviews()
    clf = SentimentClassifier(min_count=2, calibration_fraction=0.0, sign_weight=0.0).fit(texts, labels)
    old = saved_without(clf, ("sign_weight", "unread_signs", "signs_", "sign_coef_"))
    # then it reads as it did
    assert old.sign_coef_ is None and old.sign_weight == 0.0
    np.testing.assert_array_equal(old.predict_labels(texts)[1], clf.predict_labels(texts)[1])
