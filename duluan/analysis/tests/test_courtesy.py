"""Sentences of courtesy, read as no words by the sentiment model (``duluan.analysis.courtesy``)."""

from __future__ import annotations

import re

import numpy as np

from duluan.analysis import features
from duluan.analysis.courtesy import courtesy_positions
from duluan.analysis.negation import QUIET
from duluan.analysis.sentiment import SentimentClassifier
from duluan.analysis.tests.test_layout import saved_without

LETTER = (
    "Kính gửi: Ủy ban nhân dân xã diadanh.\n"
    "Gia đình tôi luôn chấp hành tốt mọi chủ trương, chính sách của địa phương.\n"
    "Tôi làm đơn này xin trình bày sự việc như sau:\n"
    "{}\n"
    "Kính đề nghị UBND xã xem xét, giải quyết.\n"
    "Tôi xin chân thành cảm ơn!"
)


def left(text: str) -> list[str]:
    """The syllables of ``text`` that are not courtesy."""
    words = re.findall(r"\w+", text.lower())
    quiet = set(courtesy_positions(text.lower(), len(words)))
    return [w for i, w in enumerate(words) if i not in quiet]


def test_the_formulas_of_a_letter_are_courtesy_and_its_complaint_is_not():
    # given a complaint in the standard frame of a letter to the commune
    complaint = "Rác thải ùn ứ đầu ngõ, bốc mùi hôi thối."
    # when its courtesy is found
    # then the address, the writer's good conduct, the opening, the request and the thanks are,
    # and the complaint is left
    assert left(LETTER.format(complaint)) == "rác thải ùn ứ đầu ngõ bốc mùi hôi thối".split()
    # and so are a greeting and a closing of a chat, sentence by sentence
    assert left("Chào anh chị ạ. Đường ngập. Mong được phản hồi, em cảm ơn nhiều ạ.") == ["đường", "ngập"]
    assert left("Mất nước 3 ngày rồi\nTrân trọng cảm ơn.") == "mất nước 3 ngày rồi".split()


def test_a_sentence_that_says_more_than_a_formula_is_not_courtesy():
    # given sentences that open as formulas but say what the writer wants or thanks for
    said = [
        "Kính đề nghị UBND xã xem xét giải quyết tình trạng nước thải chảy ra mương chung.",
        "Kính gửi lãnh đạo huyện, gia đình tôi đã nộp đơn 3 lần nhưng chưa được trả lời.",
        "Cảm ơn xã đã sửa đường. Đi lại rất êm.",
        "Gia đình tôi luôn chấp hành tốt nhưng vẫn bị phạt oan.",
    ]
    # when their courtesy is found
    # then none is
    for text in said:
        assert left(text) == re.findall(r"\w+", text.lower()), text
    # and a text of courtesy alone is read whole ("Xin cảm ơn!" alone thanks)
    assert left("Xin cảm ơn!") == ["xin", "cảm", "ơn"]
    assert (
        left("Kính gửi UBND xã. Tôi xin chân thành cảm ơn!")
        == "kính gửi ubnd xã tôi xin chân thành cảm ơn".split()
    )


def test_thanks_before_a_but_are_courtesy():
    # given thanks that a "but" turns against, in one sentence or in the next
    # when their courtesy is found
    # then the thanks are, and what follows the "but" is left
    assert left("Cảm ơn phường đã hứa sửa đèn đường, nhưng đến nay đèn vẫn tắt.") == (
        "nhưng đến nay đèn vẫn tắt".split()
    )
    assert left("Tôi rất cảm ơn cán bộ đã hướng dẫn, tuy nhiên hồ sơ vẫn bị trả về.") == (
        "tuy nhiên hồ sơ vẫn bị trả về".split()
    )
    assert left("Cảm ơn xã đã tiếp nhận đơn. Nhưng đã 3 tháng vẫn chưa trả lời.") == (
        "nhưng đã 3 tháng vẫn chưa trả lời".split()
    )
    # and a clause before a "but" that holds no thanks is left as it is
    text = "Cán bộ nhiệt tình, nhưng hệ thống lỗi suốt."
    assert left(text) == re.findall(r"\w+", text.lower())


def test_a_batch_reads_courtesy_as_quiet_syllables():
    # given a batch of a framed complaint and of thanks alone
    batch = features.tokenise_batch(["Đường ngập. Xin cảm ơn!", "Xin cảm ơn!"])
    # when the sentiment model's featurizer quiets its courtesy
    quiet = features.quieted_batch(batch, intensifiers=False, courtesy=True)
    # then the thanks after the complaint are quiet, the thanks alone are not
    assert quiet.tokens == ["đường", "ngập", QUIET, QUIET, QUIET, "\x00", "xin", "cảm", "ơn"]
    ids, strings, _ = quiet.numbered()
    assert [strings[i] for i in ids] == quiet.tokens
    assert features.quieted_batch(batch) is batch  # (intensifiers alone: none here)


def _letters() -> tuple[list[str], list[str]]:
    complaints = ["đường làng lầy lội", "rác bốc mùi hôi thối", "cán bộ hách dịch", "nước máy bẩn"]
    praise = ["cán bộ nhiệt tình", "đường mới sạch đẹp", "thủ tục nhanh gọn", "cảm ơn xã đã sửa đường"]
    thanks = ["xin chân thành cảm ơn", "cảm ơn nhiều", "rất cảm ơn", "trân trọng cảm ơn"]
    texts = complaints + praise + thanks
    labels = ["negative"] * 4 + ["positive"] * 8
    return texts, labels


def test_a_sentiment_model_reads_a_framed_complaint_as_a_complaint(tmp_path):
    # given a sentiment model that learnt thanks as praise
    texts, labels = _letters()
    model = SentimentClassifier(min_count=1, calibration_fraction=0.0).fit(texts, labels)
    assert model.quiet_courtesy and model.recipe()["quiet_courtesy"] is True
    said = [
        LETTER.format("Đường làng lầy lội, cán bộ hách dịch."),
        "Cảm ơn xã đã hứa, nhưng nước máy vẫn bẩn.",
        "Cán bộ nhiệt tình. Xin chân thành cảm ơn!",
    ]
    # when it reads complaints in a letter's frame and after thanks, and thanks (before the
    # formulas were quiet, 4 of 22 complaints that read negative alone read negative in that
    # frame in the shipped model, 2026-12-07), as strings, as a batch and saved
    expected = model.decision_function(said)
    batch = model.predict(features.tokenise_batch(said), explain=True)
    loaded = SentimentClassifier.load(model.save(tmp_path / "courtesy.model"), mapped=True)
    # then the complaints read negative and the thanks positive, every path alike
    assert [p.label for p in batch] == ["negative", "negative", "positive"]
    np.testing.assert_array_equal(loaded.decision_function(said), expected)
    # and a model that reads courtesy reads the framed complaint as less negative, the same
    # complaint alone alike
    loud = SentimentClassifier(min_count=1, calibration_fraction=0.0, quiet_courtesy=False).fit(texts, labels)
    alone = "Đường làng lầy lội, cán bộ hách dịch."
    negative = list(model.classes_).index("negative")
    framed = [m.predict_proba([said[0], alone])[:, negative] for m in (model, loud)]
    assert framed[1][0] < framed[0][0] - 0.1
    assert framed[0][0] == framed[0][1] and framed[1][1] == framed[0][1]


def test_a_model_saved_before_courtesy_was_quiet_reads_it_as_written():
    # given a model that reads courtesy, saved before the setting existed
    texts, labels = _letters()
    clf = SentimentClassifier(min_count=1, calibration_fraction=0.0, quiet_courtesy=False).fit(texts, labels)
    old = saved_without(clf, ("quiet_courtesy",))
    del old.featurizer_.quiet_courtesy
    # then it reads as it did
    assert old.quiet_courtesy is False
    said = [LETTER.format("Đường làng lầy lội.")]
    np.testing.assert_array_equal(old.decision_function(said), clf.decision_function(said))
