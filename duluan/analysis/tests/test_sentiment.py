"""Sentiment classification and the anger/complaint intensity."""

from __future__ import annotations

import functools
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from duluan.analysis.corpora import headline
from duluan.analysis.features import tokenise_batch
from duluan.analysis.messages import labelled, load_messages, with_addresses, with_contact_details
from duluan.analysis.model_io import ModelFileError
from duluan.analysis.normalise import fold
from duluan.analysis.sentiment import (
    AIVIVN_WEIGHT,
    BARE_MENTION_BOOST,
    COMPLAINT_TERMS_PATH,
    CONDUCT_BOOST,
    DENIAL_BOOST,
    EXAMPLES_WEIGHT,
    LAYOUT_WEIGHT,
    LETTERS_WEIGHT,
    MESSAGES_WEIGHT,
    MISCONDUCT_BOOST,
    NEGATIVE_TONE,
    NEGLECT_BOOST,
    RULE_BOOST,
    SENTIMENT_EXAMPLES_PATH,
    SENTIMENT_GOLD_PATH,
    SENTIMENT_HEADLINES_PATH,
    SENTIMENT_LETTERS_GOLD_PATH,
    SENTIMENT_LETTERS_PATH,
    TERMS_MIN_WEIGHT,
    TERMS_PRIOR,
    TERMS_WEIGHT,
    UNPUNCTUATED_WEIGHT,
    ComplaintLexicon,
    DeniedFaultCue,
    SentimentClassifier,
    SentimentPrediction,
    _terms_file,
    anger,
    bare_mention_cue,
    build_default_sentiment_model,
    complaint_term_rows,
    conduct_cue,
    denied_fault_cues,
    misconduct_cues,
    negated_term_rows,
    neglect_cue,
    phrase_readings,
    rule_cue,
    without_punctuation,
    written_bare,
)
from duluan.analysis.taxonomy import load_gold, read_gold_texts
from duluan.analysis.tests.test_layout import saved_without
from duluan.analysis.topic import TopicClassifier
from duluan.shared_data import shared_data_dir

needs_data = pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")

TOY = [
    ("cán bộ nhiệt tình, giải quyết nhanh", "positive"),
    ("rất hài lòng với thái độ phục vụ", "positive"),
    ("thủ tục gọn, trả kết quả đúng hẹn", "positive"),
    ("chờ cả tháng không ai giải quyết", "negative"),
    ("cán bộ hách dịch, gây khó dễ cho dân", "negative"),
    ("đường hỏng lâu ngày, dân bức xúc", "negative"),
    ("tôi hỏi về lịch tiếp công dân", "neutral"),
    ("xin hỏi giờ làm việc của bộ phận một cửa", "neutral"),
]


def lexicon() -> ComplaintLexicon:
    data = shared_data_dir()
    return ComplaintLexicon.load(data / "lexicons" if data else None)


def test_intensity_rises_with_complaint_words_and_intensifiers_and_names_them():
    # given the complaint lexicon
    lex = lexicon()
    # when it scores a calm report, a complaint, and the same complaint intensified
    calm, _ = lex.score("Đề nghị phường xem xét lắp thêm đèn đường")
    mild, mild_terms = lex.score("Dân bức xúc vì đường ngập")
    hot, hot_terms = lex.score("Dân rất bức xúc vì đường ngập nhiều năm không ai giải quyết!!!")
    # then intensity orders them, stays in [0, 1], and the raising words are named with shares
    assert calm < mild < hot <= 1.0
    assert calm == 0.0
    assert mild_terms[0][0] == "bức xúc"
    assert {"rất bức xúc", "không ai giải quyết", "!"} <= {t for t, _ in hot_terms}
    assert sum(w for _, w in hot_terms) == pytest.approx(hot, abs=1e-3)


def test_a_writer_fed_up_with_waiting_reads_as_a_complaint_and_a_calm_question_does_not():
    # given the complaint lexicon
    lex = lexicon()
    # when it scores messages of people sent back and forth, promised again and again, or plainly
    # annoyed, none naming a grave subject, and calm questions about the same things
    fed_up = [
        "Hồ sơ nộp từ tháng 3, lên hỏi thì bảo chờ, hẹn tới hẹn lui mãi",
        "Báo mấy lần rồi mà chưa thấy ai xuống xem, bực thật sự",
        "Phường đẩy qua đẩy lại, dân biết kêu ai",
    ]
    calm = ["Cho tôi hỏi bao giờ khởi công đường thôn?", "Hồ sơ cấp sổ đỏ cần những giấy tờ gì ạ?"]
    # then each fed-up message has an intensity, named by its words, and no calm question has any
    for text in fed_up:
        value, terms = lex.score(text)
        assert value > 0.3 and terms, text
    assert [lex.score(text)[0] for text in calm] == [0.0, 0.0]


def test_negators_flip_praise_and_cancel_complaints():
    # given the complaint lexicon
    lex = lexicon()
    # when praise is negated, and a complaint word is negated
    denied_praise, terms = lex.score("Cán bộ không nhiệt tình")
    denied_complaint, _ = lex.score("Thủ tục không phiền hà, cán bộ không hách dịch")
    praise, _ = lex.score("Cán bộ nhiệt tình")
    # then denied praise is a complaint, a denied complaint and plain praise are not
    assert denied_praise > 0 and terms[0][0] == "không nhiệt tình"
    assert denied_complaint == 0.0
    assert praise == 0.0


def test_a_negator_reaches_past_a_hedge_after_it():
    # given the complaint lexicon
    lex = lexicon()
    # when a complaint and a praise are negated with a hedge between ("thật sự", "còn", "mấy"),
    # which puts them out of a bare negator's reach
    texts = [
        "Nhu cầu xây cầu chưa thật sự bức xúc",
        "Từ khi lập tổ tuần tra, cả năm nay không còn mất trộm gà vịt nữa",
        "Tôi không thực sự hài lòng với cách giải quyết",
        "Người dân không mấy hài lòng",
    ]
    scored = [lex.score(text) for text in texts]
    # then the denied complaints raise nothing, and the denied praise is a complaint named whole
    assert [value for value, _ in scored[:2]] == [0.0, 0.0]
    assert scored[2][0] > 0 and scored[2][1][0][0] == "không thực sự hài lòng"
    assert scored[3][0] > 0 and scored[3][1][0][0] == "không mấy hài lòng"
    # and the batch reads them as one text at a time does
    assert lex.intensities(tokenise_batch(texts)) == [value for value, _ in scored]


def test_an_angry_question_reads_as_a_complaint_and_not_understanding_a_lesson_does_not():
    # given the complaint lexicon
    lex = lexicon()
    # when it scores rhetorical questions of annoyed writers, one opening with "không hiểu sao"
    # (whose "không" read as a negator cancelled the question after it), and a plain sentence
    # with "không hiểu"
    angry = [
        "Tôi không hiểu sao lại như vậy",
        "Không hiểu vì sao hồ sơ bị trả lại lần thứ ba",
        "Chẳng lẽ dân phải tự bỏ tiền ra sửa đường hay sao?",
    ]
    plain = "Cháu không hiểu bài toán này"
    scored = [lex.score(text) for text in angry]
    # then each question raises the intensity, named by its form, and the plain sentence does not
    assert [terms[0][0] for _, terms in scored[:2]] == ["không hiểu sao", "không hiểu vì sao"]
    assert all(value > 0.3 for value, _ in scored)
    assert lex.score(plain) == (0.0, ())
    # and the batch reads them as one text at a time does
    texts = [*angry, plain]
    assert lex.intensities(tokenise_batch(texts)) == [lex.score(text)[0] for text in texts]


def test_a_procedure_called_cumbersome_or_careless_work_reads_as_a_complaint():
    # given the complaint lexicon
    lex = lexicon()
    # when it scores complaints about a procedure, a merger and a job done badly, whose words
    # of complaint it did not hold before 2026-12-06, and a market called unsteady in the news
    complaints = ["Thủ tục rườm rà, bất cập", "Sáp nhập xã bất tiện cho dân", "Xã làm qua loa, cẩu thả"]
    scored = [lex.score(text) for text in complaints]
    # then each complaint raises the intensity, named by its words
    assert [sorted(term for term, _ in terms) for _, terms in scored] == [
        ["bất cập", "rườm rà"],
        ["bất tiện"],
        ["cẩu thả", "qua loa"],
    ]
    assert all(value > 0.3 for value, _ in scored)
    # and "bất ổn", which the news writes of markets, is not a complaint
    assert lex.score("Thị trường chứng khoán bất ổn") == (0.0, ())


def test_signs_of_anger_count_as_complaints_wherever_they_stand():
    # given the complaint lexicon, whose terms file holds emoji of anger and disapproval
    lex = lexicon()
    assert dict(lex.signs)["😡"] > 0 and "😭" not in dict(lex.signs)
    # when it scores a report with none, one, two and five angry faces, and a negated one
    plain, _ = lex.score("Đường làng mấy tháng nay")
    one, terms = lex.score("Đường làng mấy tháng nay 😡")
    two, _ = lex.score("Đường làng mấy tháng nay 😡😡")
    five, _ = lex.score("😡 Đường làng 😡 mấy tháng nay 😡😡😡")
    three, _ = lex.score("Đường làng mấy tháng nay 😡😡😡")
    negated, _ = lex.score("Đường làng mấy tháng nay không 😡")
    # then each counts, up to three, and is named; no negator reaches it
    assert plain == 0.0 < one < two < three == five
    assert terms == (("😡", one),)
    assert negated == one
    # and a text typed without diacritics reads its signs too
    bare = lex.accent_free()
    assert bare.score("duong lang may thang nay 👎")[0] == bare.score("Đường làng mấy tháng nay 👎")[0] > 0
    # and a batch finds them in whichever of its texts holds them, as each text alone, where
    # none, one or several of its texts hold one (of wider characters than the others, or not)
    for texts in (
        ["Đường làng mấy tháng nay", "Rác khắp nơi"],
        ["Đường làng mấy tháng nay", "Rác 😡 khắp nơi", "Cảm ơn", "ngập ☹ lắm"],
        ["☹", "", "Không 👎", "tệ"],
    ):
        assert lex.intensities(tokenise_batch(texts)) == [lex.score(t)[0] for t in texts]


def test_a_complaint_stretched_at_its_end_is_as_intense_as_written_plainly():
    # given complaints with a word stretched at its end, with diacritics and without
    lex = lexicon().accent_free()
    said = ["Dân bức xúccccc lắm", "Cán bộ háchhh dịchhh quá", "dan buc xuccccc lam"]
    plain = ["Dân bức xúc lắm", "Cán bộ hách dịch quá", "dan buc xuc lam"]
    # when the lexicon scores them, one by one and as a batch (before, "xúccccc" was no word of
    # it: "Dân bức xúccccc lắm" scored 0.46 of anger against 0.87, 2026-12-07)
    scored = [lex.score(text) for text in said]
    # then each is as intense as written plainly, with the plain words as its terms
    assert scored == [lex.score(text) for text in plain] and all(value > 0.5 for value, _ in scored)
    assert lex.intensities(tokenise_batch(said)) == [value for value, _ in scored]


def test_vietsentiwordnet_entries_with_spaces_are_read_whole(tmp_path):
    # given VietSentiWordNet files whose synsets list entries of several words, some written with
    # spaces ("giá quá thấp#1"), one with no sense number
    (tmp_path / "vswn_VietSentiWordnet_Ver1.3.5.txt").write_text(
        "# POS\tID\tPosScore\tNegScore\tSynsetTerms\tGloss\n"
        "v\t02350878\t0\t0.5\tgiá quá thấp#1 đổ#3\tbán với giá thấp\n"
        "a\t01880918\t0.125\t0.75\tkhông thuận_tiện#1 vô_duyên#1\tkhông hợp\n"
        "a\t02544048\t0\t0.75\tchóng_mặt#1 ham_chơi số 1 choáng#2\tquay cuồng\n",
        encoding="utf-8",
    )
    (tmp_path / "vswn_NegDict.txt").write_text("không\n", encoding="utf-8")
    (tmp_path / "vswn_SacThaiDict.txt").write_text("rất\t2\n", encoding="utf-8")
    # when the lexicon is built from them
    lex = ComplaintLexicon.load(tmp_path)
    # then each entry is a phrase of its own, whole, and none of its syllables is a word alone;
    # nor is an entry of one syllable ("đổ"), but those of our terms file ("tệ")
    assert {"giá quá thấp", "vô duyên", "chóng mặt", "tệ"} <= set(lex.negative)
    assert not {"giá", "quá", "thấp", "số", "1", "ham chơi", "thuận tiện", "đổ"} & set(lex.negative)
    # so a price in the news is no complaint, a price too low is
    assert lex.score("Giá vàng hôm nay tăng 1 triệu")[0] == 0.0
    assert lex.score("Thương lái ép giá quá thấp")[0] > 0.0


def test_a_lexicon_saved_before_signs_existed_reads_none():
    # given a lexicon as unpickled from a model file saved before it had signs (pickle restores
    # an object's state into its __dict__)
    state = lexicon().__getstate__()
    del state["signs"]
    old = ComplaintLexicon.__new__(ComplaintLexicon)
    old.__dict__.update(state)
    # then it scores a text with an angry face as it did: the face counts for nothing
    assert old.signs == () and old.score("Đường làng 😡")[0] == 0.0
    assert old.intensities(tokenise_batch(["Đường làng 😡"])) == [0.0]


def test_toy_classifier_gives_label_score_intensity_and_terms(tmp_path):
    # given a sentiment classifier fitted on a few toy sentences
    texts, labels = map(list, zip(*TOY, strict=True))
    clf = SentimentClassifier(lexicon=lexicon(), min_count=1, calibration_fraction=0).fit(texts, labels)
    # when it reads a new complaint
    [pred] = clf.predict(["dân rất bức xúc vì không ai giải quyết"], explain=True)
    # then it is negative with a probability, an intensity and the words behind both
    assert isinstance(pred, SentimentPrediction)
    assert pred.label == "negative" and 0 < pred.score <= 1
    assert pred.intensity > 0.5 and pred.intensity_terms
    assert pred.terms
    # and its model file round-trips but is refused as a topic model
    path = clf.save(tmp_path / "sentiment.model")
    assert SentimentClassifier.load(path).predict(["rất hài lòng"]) == clf.predict(["rất hài lòng"])
    with pytest.raises(ModelFileError, match="cần loại 'topic'"):
        TopicClassifier.load(path)


def test_intensity_is_the_probability_of_negative_raised_by_the_lexicon():
    # given a toy sentiment model with the complaint lexicon, and an angry complaint, a calm
    # one, and thanks with exclamation marks
    texts, labels = map(list, zip(*TOY, strict=True))
    lex = lexicon()
    model = SentimentClassifier(lexicon=lex, min_count=1, calibration_fraction=0).fit(texts, labels)
    said = ["chờ mãi không ai giải quyết, dân rất bức xúc!!!", "đường hỏng lâu ngày", "cảm ơn cán bộ!!!"]
    negative = model.predict_proba(said)[:, list(model.classes_).index("negative")]
    measured = [lex.score(text) for text in said]
    # when it predicts them with the intensity's terms, without them, and as columns
    full = model.predict(said)
    fast = model.predict(said, intensity_terms=False)
    _, _, columns = model.predict_fields(said)
    # then each intensity is P(negative) (1 + the lexicon's intensity) / 2, every way alike
    expected = [round(p * (1 + i) / 2, 4) for p, (i, _) in zip(negative, measured, strict=True)]
    assert [p.intensity for p in full] == [p.intensity for p in fast] == columns == expected
    assert [anger(p, i) for p, (i, _) in zip(negative, measured, strict=True)] == expected
    # and its terms are the negative tone's half of P(negative) and the lexicon's phrases, their
    # shares scaled alike, adding up to it
    for prediction, p, (_, phrases) in zip(full, negative, measured, strict=True):
        shares = dict(prediction.intensity_terms)
        assert shares[NEGATIVE_TONE] == round(p / 2, 4)
        assert set(shares) == {NEGATIVE_TONE} | {term for term, _ in phrases}
        assert sum(shares.values()) == pytest.approx(prediction.intensity, abs=2e-3)
    # and the angry complaint is angrier than the calm one, which is angrier than the thanks,
    # though the lexicon counts the thanks' exclamation marks
    assert full[0].intensity > full[1].intensity > full[2].intensity and measured[2][0] > 0


def test_a_model_without_a_negative_label_measures_the_lexicon_alone():
    # given a sentiment model trained on labels of its own
    texts = [text for text, _ in TOY]
    own = ["good" if label == "positive" else "bad" for _, label in TOY]
    lex = lexicon()
    model = SentimentClassifier(lexicon=lex, min_count=1, calibration_fraction=0).fit(texts, own)
    # when it predicts a complaint
    said = ["chờ mãi không ai giải quyết, dân rất bức xúc!!!"]
    [prediction] = model.predict(said)
    # then its intensity and terms are the lexicon's, every way alike
    assert (prediction.intensity, prediction.intensity_terms) == lex.score(said[0])
    assert model.predict(said, intensity_terms=False)[0].intensity == prediction.intensity
    assert model.predict_fields(said)[2] == [prediction.intensity]


@needs_data
def test_trained_on_student_feedback_it_scores_the_dev_split():
    # given 4,000 training sentences of UIT-VSFC
    from duluan.analysis.corpora import read_corpus

    rows = list(read_corpus("uit_vsfc"))
    random.Random(0).shuffle(rows)
    dev = list(read_corpus("uit_vsfc_dev"))
    # when a classifier is fitted on them
    clf = SentimentClassifier().fit([r.text for r in rows[:4000]], [r.label for r in rows[:4000]])
    labels, _ = clf.predict_labels([r.text for r in dev])
    # then the dev split is scored well above chance
    assert f1_score([r.label for r in dev], labels, average="weighted") > 0.85
    assert set(clf.classes_) == {"negative", "neutral", "positive"}


def test_a_text_without_punctuation_is_its_words_on_one_line():
    # given a message with commas, marks, quotes, an emoji, a number and two lines
    text = "Đường hỏng, dân “rất” bức xúc!!! 😡 Bao giờ sửa?\nXin cảm ơn (2.5 km)."
    # then typed without punctuation it keeps its words, in order, apart by one space
    assert without_punctuation(text) == "Đường hỏng dân rất bức xúc Bao giờ sửa Xin cảm ơn 2 5 km"
    assert without_punctuation("  ") == "" and without_punctuation("dạ vâng") == "dạ vâng"


@needs_data
def test_default_model_learns_accent_free_copies_unless_told_not_to(monkeypatch):
    # given a classifier whose fit records whether it will add accent-free copies and whether its
    # lexicon has an accent-free form, and readings that record which texts they read
    import duluan.analysis.sentiment as sentiment

    seen, read = [], []

    def fit(self, texts, labels, sample_weight=None, progress=None):
        seen.append((self.accent_free_copies, self.lexicon.bare is not None, self.layout_weight))
        return self

    def readings(texts, lexicon):
        read.append(sum(1 for _ in texts))
        return {}

    monkeypatch.setattr(SentimentClassifier, "fit", fit)
    monkeypatch.setattr(sentiment, "phrase_readings", readings)
    # when the default model is built as shipped, then with the copies turned off
    build_default_sentiment_model()
    build_default_sentiment_model(accent_free_copies=False)
    # then the shipped one learns them and the other does not; both lexicons have an
    # accent-free form, read from the training texts and the news leads
    assert seen == [(True, True, LAYOUT_WEIGHT), (False, True, LAYOUT_WEIGHT)]
    # and both read the texts' layout, which the generic classifier does not
    assert LAYOUT_WEIGHT > 0 and SentimentClassifier().layout_weight == 0
    assert read[0] == read[1] > 11426 + 1583 + 12803


@pytest.fixture
def fitted(monkeypatch):
    """The ``(text, label, weight)`` rows of each call of ``SentimentClassifier.fit``, which then
    learns nothing (nor are the lexicon's spellings read in the corpora: 3 s a build)."""
    import duluan.analysis.sentiment as sentiment

    calls = []

    def fit(self, texts, labels, sample_weight=None, progress=None):
        calls.append(list(zip(texts, labels, sample_weight, strict=True)))
        return self

    monkeypatch.setattr(SentimentClassifier, "fit", fit)
    monkeypatch.setattr(sentiment, "phrase_readings", lambda texts, lexicon: {})
    return calls


@needs_data
def test_default_model_learns_the_dev_split_unless_told_not_to(fitted):
    # given a classifier whose fit records the texts, labels and weights it is given
    from duluan.analysis.corpora import read_corpus

    dev = [(r.text, r.label, 1.0) for r in read_corpus("uit_vsfc_dev")]
    train = [(r.text, r.label, 1.0) for r in read_corpus("uit_vsfc")]
    reviews = [(r.text, r.label, AIVIVN_WEIGHT) for r in read_corpus("aivivn2019")]
    news = [
        (t, g.label, EXAMPLES_WEIGHT) for g, t in read_gold_texts(load_gold(SENTIMENT_EXAMPLES_PATH), None)
    ]
    # each news text's headline (its first line), alone, with its label and weight; a text that
    # is a headline alone is not learnt twice
    heads = [(t.split("\n")[0].strip(), label, weight) for t, label, weight in news if "\n" in t]
    assert len(news) - len(heads) == 6
    # and the passages in a citizen's voice, with their own weight; a passage has no headline,
    # even one that runs over two lines
    letters = [
        (t, g.label, LETTERS_WEIGHT) for g, t in read_gold_texts(load_gold(SENTIMENT_LETTERS_PATH), None)
    ]
    assert len(letters) == len(load_gold(SENTIMENT_LETTERS_PATH)) and any("\n" in t for t, _, _ in letters)
    # and the messages the team wrote in a citizen's voice, then each once more inside a
    # caller's contact details and twice beside a street address, with a weight of their own
    pairs = labelled(load_messages(), "sentiment")
    framed = pairs + with_contact_details(pairs) + with_addresses(pairs) + with_addresses(pairs, 2)
    written = [(t, label, MESSAGES_WEIGHT) for t, label in framed]
    assert len(written) >= 2400
    # and each news text, passage and message as typed with no punctuation, on one line, with
    # its label and a weight of its own
    unpunctuated = [(without_punctuation(t), label, UNPUNCTUATED_WEIGHT) for t, label, _ in news + letters]
    # (the messages' copies keep the messages' weight, and come first)
    unpunctuated[:0] = [(without_punctuation(t), label, weight) for t, label, weight in written]
    assert unpunctuated[0][0] != news[0][0] and all("\n" not in t for t, _, _ in unpunctuated)
    # and each word of complaint or praise of the terms file, alone, with its mood and a weight of
    # its own (a phrase has no punctuation to take out), and its emoji, which the model reads
    terms = [(t, label, TERMS_WEIGHT) for t, label in complaint_term_rows(signs=True)]
    assert {("😡", "negative"), ("👍", "positive")} <= {(t, label) for t, label, _ in terms}
    signs = terms[len(complaint_term_rows()) :]
    assert "😡" not in {t for t, _ in complaint_term_rows()} and len(signs) >= 20
    # and each word of one or two syllables denied, a complaint as none, praise as a complaint
    denied = [(t, label, TERMS_WEIGHT) for t, label in negated_term_rows()]
    assert {("không tệ", "neutral"), ("chẳng kém", "neutral"), ("không tốt", "negative")} <= {
        (t, label) for t, label, _ in denied
    }
    terms += denied
    # (each emoji thrice over too, and each of those beside a text of nothing read as neutral)
    terms += [(t * 3, label, weight) for t, label, weight in signs]
    terms += [("", "neutral", TERMS_WEIGHT)] * (2 * len(signs))
    news += letters + heads + written + terms
    # when the default model is built as shipped, without dev, and with three rows of dev
    for with_dev in (True, False, [0, 5, 1582]):
        build_default_sentiment_model(with_dev=with_dev, accent_free_copies=False)
    shipped, without, some = fitted
    # then the shipped one learns train and the whole dev split (weight 1), then AIVIVN (weight
    # 0.03), then the hand-labelled news texts, the passages, the texts' headlines, the written
    # messages and all of them unpunctuated; the others learn no row of dev but those asked for
    assert shipped == train + dev + reviews + news + unpunctuated
    assert (
        len(news) - len(letters) - len(written) - len(terms)
        == 2 * len(load_gold(SENTIMENT_EXAMPLES_PATH)) - 6
        > 2000
    )
    assert without == shipped[: len(train)] + shipped[len(train) + len(dev) :]
    assert len(unpunctuated) == len(news) - len(heads) - len(terms) and MESSAGES_WEIGHT not in (
        0,
        UNPUNCTUATED_WEIGHT,
    )
    assert some == [*train, dev[0], dev[5], dev[1582], *without[len(train) :]]


def test_the_terms_files_words_are_learnt_alone_with_their_mood(tmp_path):
    # given a terms file with words of complaint and of praise of several weights, a comment and a
    # sign that is not a word
    path = tmp_path / "terms.tsv"
    path.write_text(
        "# một dòng chú thích\nbất tiện\t0.4\nrườm rà\t0.6\nnhiều năm\t0.2\n"
        "chu đáo\t-0.6\nđảm bảo\t-0.3\n😡\t0.9\n",
        encoding="utf-8",
    )
    # when its rows to learn are read with the shipped least weight, and with a higher one
    rows = complaint_term_rows(path)
    higher = complaint_term_rows(path, least=0.5)
    # then each word weighed at least that much either way is one row with its mood; the light
    # words, the comment and the sign are not
    assert rows == [("bất tiện", "negative"), ("rườm rà", "negative"), ("chu đáo", "positive")]
    assert higher == [("rườm rà", "negative"), ("chu đáo", "positive")] and TERMS_MIN_WEIGHT == 0.4
    # and the shipped file gives words of both moods
    shipped = dict(complaint_term_rows())
    assert shipped["bất cập"] == shipped["rườm rà"] == "negative" and shipped["chu đáo"] == "positive"


def _thanked_officials() -> tuple[list[str], list[str]]:
    """Thanks to officials, questions to them and complaints about places, and a word of
    misconduct mostly in thanks for a punishment or in a calm question, as the team's messages
    name them, and the terms file's words alone."""
    texts, labels = [], []
    for official in ("cán bộ phường", "công an xã", "cán bộ địa chính"):
        for deed in ("đã hỗ trợ gia đình tôi", "đã xuống tận nơi", "đã giải quyết nhanh"):
            texts.append(f"cảm ơn {official} {deed}")
            labels.append("positive")
        texts.append(f"xin hỏi {official} làm việc giờ nào")
        labels.append("neutral")
    texts += [
        "cảm ơn tỉnh đã kỷ luật cán bộ phường nhũng nhiễu dân",
        "xin số đường dây nóng phản ánh cán bộ nhũng nhiễu",
        "đường làng bẩn quá",
        "đường làng ở đâu",
    ]
    labels += ["positive", "neutral", "negative", "neutral"]
    rows = complaint_term_rows()
    return texts + [t for t, _ in rows], labels + [label for _, label in rows]


def test_the_terms_files_phrases_weigh_a_prior_on_the_ngrams_that_spell_them(tmp_path):
    # given a sentiment model that learnt officials' names mostly in thanks, with the terms
    # file's prior (the default) and without it
    texts, labels = _thanked_officials()
    model = SentimentClassifier(min_count=1, calibration_fraction=0.0).fit(texts, labels)
    blind = SentimentClassifier(min_count=1, calibration_fraction=0.0, terms_prior=0.0).fit(texts, labels)
    assert model.terms_prior == TERMS_PRIOR > 0 and model.recipe()["terms_prior"] == TERMS_PRIOR
    said = ["Cán bộ phường nhũng nhiễu.", "Công an xã hách dịch.", "Cán bộ phường làm việc nhiệt tình."]
    calm = ["Xin hỏi công an xã làm việc giờ nào?"]
    # when both read complaints in the file's words, praise and a calm question
    with_prior, without = model.decision_function(said + calm), blind.decision_function(said + calm)
    negative, positive = (list(model.classes_).index(mood) for mood in ("negative", "positive"))
    # then the complaints' margin of negative is raised, the praise's of positive, and nothing
    # else: the prior weighs on the n-grams that spell the file's phrases alone
    raised = with_prior - without
    assert (raised[:2, negative] > 0.1).all() and raised[2, positive] > 0.1
    raised[:2, negative] = raised[2, positive] = 0
    np.testing.assert_allclose(raised, 0, atol=1e-6)
    # and without it, "Cán bộ phường nhũng nhiễu." reads as praise, as in the model shipped on
    # 2026-12-07 (0.45); a prior of that weight reads it as the complaint it is
    assert blind.predict(said[:1])[0].label == "positive"
    strong = SentimentClassifier(min_count=1, calibration_fraction=0.0, terms_prior=6.0).fit(texts, labels)
    assert [p.label for p in strong.predict(said)] == ["negative", "negative", "positive"]
    # and every way of reading gives the same labels and margins: a batch, saved and loaded
    batch = model.predict(tokenise_batch(said))
    assert [p.label for p in batch] == model.predict_labels(said)[0].tolist()
    loaded = SentimentClassifier.load(model.save(tmp_path / "prior.model"), mapped=True)
    np.testing.assert_array_equal(loaded.decision_function(said), model.decision_function(said))
    assert loaded.terms_prior == TERMS_PRIOR


def test_an_officials_misconduct_reads_as_a_complaint_where_the_acts_words_were_praise(tmp_path):
    # given a sentiment model that learnt officials' names and "nhận tiền" in thanks
    texts, labels = _thanked_officials()
    texts += ["cảm ơn, gia đình tôi đã nhận tiền hỗ trợ", "đã nhận tiền đầy đủ, cảm ơn cán bộ xã"]
    labels += ["positive", "positive"]
    model = SentimentClassifier(min_count=1, calibration_fraction=0.0).fit(texts, labels)
    cued = SentimentClassifier(
        min_count=1, calibration_fraction=0.0, cues=misconduct_cues(texts, MISCONDUCT_BOOST)
    ).fit(texts, labels)
    said = ["Cán bộ địa chính xã Tân Mỹ nhận tiền của dân.", "Trưởng thôn biển thủ tiền quỹ."]
    owed = ["Cán bộ xã nhận tiền hỗ trợ giúp dân.", "Cán bộ phường làm việc nhiệt tình."]
    # when both read an official's misconduct in words they learnt as praise or never met, and
    # an official's help in the same words
    # then the one with the taxonomy's cue aimed at negative reads the misconduct as the
    # complaint it is (the model shipped on 2026-12-07 read the first positive, 0.87), the
    # other does not
    assert [p.label for p in model.predict(said)] != ["negative", "negative"]
    assert [p.label for p in cued.predict(said)] == ["negative", "negative"]
    # and the help is read alike by both: the cue does not fire where the act is what a citizen
    # is owed ("nhận tiền hỗ trợ", a not_act) or where no act is named
    np.testing.assert_allclose(cued.decision_function(owed), model.decision_function(owed), atol=1e-6)
    assert {p.label for p in cued.predict(owed)} == {"positive"}
    # and the cue is the taxonomy's cue of corruption, raising negative alone, kept in its file
    (cue,) = cued.cues
    assert cue.topic == "negative" and cue.boost == MISCONDUCT_BOOST > 0 and "nhận tiền" in cue.acts
    loaded = SentimentClassifier.load(cued.save(tmp_path / "cued.model"), mapped=True)
    np.testing.assert_array_equal(loaded.decision_function(said), cued.decision_function(said))


def test_an_officials_careless_conduct_reads_as_a_complaint_by_its_cue(tmp_path):
    # given a sentiment model that learnt officials' names mostly in thanks, with the cue of an
    # official's conduct and without it
    texts, labels = _thanked_officials()
    model = SentimentClassifier(min_count=1, calibration_fraction=0.0).fit(texts, labels)
    cued = SentimentClassifier(
        min_count=1, calibration_fraction=0.0, cues=(conduct_cue(texts, CONDUCT_BOOST),)
    ).fit(texts, labels)
    said = [
        "Cán bộ địa chính làm việc tùy tiện.",
        "Cán bộ phường tắc trách.",
        "Công an xã làm việc chiếu lệ.",
        "Chính quyền xã thờ ơ với dân.",
    ]
    denied = [
        "Cán bộ không được tùy tiện thu tiền của dân.",
        "Cán bộ tiếp dân không hề thờ ơ.",
        "Xã tổ chức hội nghị chống quan liêu cho cán bộ.",
        "Cảm ơn cán bộ phường đã hỗ trợ gia đình tôi.",
    ]
    # when both read officials' conduct complained of, the same words denied, forbidden or
    # fought, and thanks
    # then the one with the cue reads every complaint negative (the other reads the first
    # neutral; the model shipped on 2026-12-07 read "Cán bộ làm việc rất tùy tiện." positive)
    assert [p.label for p in model.predict(said)] != ["negative"] * len(said)
    assert [p.label for p in cued.predict(said)] == ["negative"] * len(said)
    # and it fires in none of the others: the words right after a denial, a ban or "chống" are
    # no act, nor is anything where no conduct is named
    np.testing.assert_allclose(cued.decision_function(denied), model.decision_function(denied), atol=1e-6)
    # and its actors are the taxonomy's cue's and the file's, its acts the file's, read typed
    # without diacritics too, and kept in the model's file
    (cue,) = cued.cues
    assert cue.topic == "negative" and cue.boost == CONDUCT_BOOST > 0
    assert {"cán bộ", "công an", "chính quyền"} <= set(cue.actors) and "tắc trách" in cue.acts
    assert "không thờ ơ" in cue.not_acts and "tho o" in cue.bare_acts
    loaded = SentimentClassifier.load(cued.save(tmp_path / "cued.model"), mapped=True)
    np.testing.assert_array_equal(loaded.decision_function(said), cued.decision_function(said))


def test_an_officials_neglect_of_duty_reads_as_a_complaint_and_a_warning_against_it_does_not():
    # given a sentiment model that learnt officials' names mostly in thanks, with the cue of an
    # official's conduct, and with the cue of an official's neglect too
    texts, labels = _thanked_officials()
    conduct = conduct_cue(texts, CONDUCT_BOOST)
    model = SentimentClassifier(min_count=1, calibration_fraction=0.0, cues=(conduct,)).fit(texts, labels)
    cued = SentimentClassifier(
        min_count=1, calibration_fraction=0.0, cues=(conduct, neglect_cue(texts, CONDUCT_BOOST))
    ).fit(texts, labels)
    blamed = [
        "Cán bộ xã lơ là nhiệm vụ, để rác tràn ra đường.",
        "Công an phường lơ là, để trộm cắp hoành hành.",
        "UBND xã Tân Dĩnh lơ là quản lý đất đai.",
    ]
    warned = [
        "Tỉnh yêu cầu cán bộ không được lơ là.",
        "Cán bộ xã cần tránh lơ là khi mùa mưa bão đến.",
        "Công an phường không lơ là nhiệm vụ.",
        "Nếu lơ là, cán bộ sẽ bị kỷ luật.",
        "Giáo viên tận tình mặc dù nhiều sinh viên còn lơ là.",
    ]
    # when both read officials blamed for neglect, and warnings against it, a denial, and a
    # teacher praised beside students who neglect their lessons
    with_cue, without = cued.decision_function(blamed + warned), model.decision_function(blamed + warned)
    # then the one with the cue raises the odds of negative where an official neglects (the model
    # shipped on 2026-12-07 read "Chính quyền xã lơ là trong việc quản lý đất đai." positive)
    negative = list(cued.classes_).index("negative")
    raised = with_cue - without
    assert (raised[: len(blamed), negative] > 0.1).all()
    assert [p.label for p in cued.predict(blamed)] == ["negative"] * len(blamed)
    # and nowhere else: after a warning word, a denial or "nếu", or far from the official
    # ("sinh viên" neglect, not "giáo viên": UIT-VSFC dev reads that sentence positive)
    raised[: len(blamed), negative] = 0
    np.testing.assert_allclose(raised, 0, atol=1e-6)
    cue = cued.cues[1]
    assert cue.acts == ("lơ là",) and cue.window < conduct.window and "tránh lơ là" in cue.not_acts


def test_an_officials_neglect_reads_as_a_complaint_beside_words_learnt_as_praise():
    # given a sentiment model that learnt officials' names mostly in thanks, and "chính quyền
    # địa phương" and "hoạt động công khai" in praise, with the cue of an official's neglect at
    # the conduct cue's boost and at its own
    texts, labels = _thanked_officials()
    texts += [
        "cảm ơn chính quyền địa phương đã hỗ trợ bà con",
        "chính quyền địa phương luôn sát sao",
        "hợp tác xã hoạt động công khai minh bạch",
        "quỹ hoạt động công khai rõ ràng",
    ]
    labels += ["positive"] * 4
    weak, strong = (
        SentimentClassifier(min_count=1, calibration_fraction=0.0, cues=(neglect_cue(texts, boost),)).fit(
            texts, labels
        )
        for boost in (CONDUCT_BOOST, NEGLECT_BOOST)
    )
    said = ["Chính quyền địa phương lơ là, để cát tặc hoạt động công khai."]
    calm = ["Chính quyền địa phương không được lơ là, để cát tặc hoạt động công khai."]
    # when both read an official's neglect beside those words, and a warning against it
    # then at the conduct cue's boost the praise outweighs the cue (the model shipped on
    # 2026-12-07 read it positive, 0.45), at its own it reads as the complaint it is
    assert [p.label for p in weak.predict(said)] == ["positive"]
    assert [p.label for p in strong.predict(said)] == ["negative"]
    # and the warning reads alike in both: the cue does not fire after "không được"
    np.testing.assert_allclose(strong.decision_function(calm), weak.decision_function(calm), atol=1e-6)
    # and its own boost is the cue's default, above the conduct cue's
    cue = neglect_cue(texts)
    assert cue.boost == NEGLECT_BOOST > CONDUCT_BOOST
    # and praise that denies neglect with words between is no act, a complaint still is
    praised = [
        "Công an phường không bao giờ lơ là.",
        "Cán bộ xã chưa từng lơ là nhiệm vụ.",
        "Cán bộ xã không một phút lơ là.",
        "Công an xã không lúc nào lơ là.",
    ]
    blamed = ["Cán bộ xã đã từng lơ là, để rác tràn ra đường.", "Cán bộ xã lúc nào cũng lơ là."]
    assert [t for t in praised if cue.find(t) is not None] == []
    assert [t for t in blamed if cue.find(t) is None] == []


def _bare_mentions() -> tuple[list[str], list[tuple[str, str]]]:
    """The bare mentions of officials of ``bare_mentions.tsv``, and its opinions of officials in
    the same names with their labels."""
    rows = [
        line.split("\t")
        for line in (Path(__file__).parent / "bare_mentions.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return [t for t, kind in rows if kind == "bare"], [(t, kind) for t, kind in rows if kind != "bare"]


def test_a_bare_mention_of_an_official_is_found_and_an_opinion_of_one_is_not():
    # given the cue of a bare mention and 80 texts that name officials or offices alone, and 80
    # that say something of them in the same names (complaints, praise, questions)
    cue = bare_mention_cue(BARE_MENTION_BOOST)
    bare, opinions = _bare_mentions()
    assert len(bare) == 80 and len(opinions) == 80
    # when it reads them
    # then it fires on every bare mention and on no opinion
    assert [t for t in bare if cue.find(t) is None] == []
    assert [t for t, _ in opinions if cue.find(t) is not None] == []
    # nor where a question or exclamation mark or an emoji says something, nor where the capital
    # is a sentence's or a shout's, not a name's, nor on a place alone
    said = [
        "Cán bộ phường?",
        "Cán bộ phường!!!",
        "Cán bộ phường 😡",
        "Cán bộ xã. Rất tốt.",
        "Công an xã: Tuyệt vời.",
        "CÁN BỘ XÃ TỆ",
        "Xã Tân Dĩnh.",
    ]
    assert [t for t in said if cue.find(t) is not None] == []
    # and it names the first official it found
    assert cue.find("Ông Nguyễn Văn Hùng, chủ tịch xã diadanh.") == ("chủ tịch xã", "")
    assert cue.topic == "neutral" and "cán bộ" in cue.names and "diadanh" in cue.parts


def test_a_capitalised_first_word_is_no_name_in_a_bare_mention():
    # given the cue of a bare mention, and short texts whose first word, written with a capital
    # as a sentence's is, stands before a name the cue knows ("phòng", "trường", "đội", "sở"), as
    # in sentences of the corpora
    cue = bare_mention_cue(BARE_MENTION_BOOST)
    texts = ["Hải Phòng.", "Thị trường.", "Đồng đội...", "Công sở", "Thi truong van phong TP."]
    # when it reads them
    # then the first word is no proper name, and none is a bare mention
    assert [t for t in texts if cue.find(t) is not None] == []
    # while a capital after the first word still names ("Cán bộ phường Suối Hoa"), and a first
    # word the cue knows still begins a mention
    assert cue.find("Cán bộ phường Suối Hoa") == ("cán bộ", "")
    assert cue.find("Phòng giáo dục huyện Yên Dũng.") == ("phòng", "")


def _typed_bare(text: str) -> str:
    """``text`` typed without diacritics, its capitals kept ("Trạm y tế xã Song Mai." -> "Tram y
    te xa Song Mai.")."""
    return "".join(f.upper() if c.isupper() else f for c, f in zip(text, fold(text), strict=True))


def test_a_bare_mention_typed_without_diacritics_is_found_but_not_by_a_word_other_words_fold_to():
    # given the cue of a bare mention, and the bare mentions and opinions of bare_mentions.tsv
    # typed without diacritics
    cue = bare_mention_cue(BARE_MENTION_BOOST)
    bare, opinions = _bare_mentions()
    typed = [_typed_bare(t) for t in bare]
    # when it reads them
    # then it fires on every bare mention but the two that name an office by "phòng" alone
    # ("phong" is also "phóng", "phỏng"), and names the official folded, as the text writes it
    assert [t for t in typed if cue.find(t) is None] == [
        "Phong tai nguyen va moi truong huyen Yen Dung.",
        "Phong giao duc huyen.",
    ]
    assert cue.find("Can bo phuong.") == ("can bo", "")
    assert cue.find("UBND xa.") == ("ubnd", "")
    assert cue.find("Tram y te xa Song Mai.") == ("tram y te", "")
    # and on no opinion
    assert [t for t, _ in opinions if cue.find(_typed_bare(t)) is not None] == []
    # nor where a word of one syllable that other words fold to is the only name ("ban" is also
    # "bạn", "bán"; "truong" "Trương"; "pho" "phở"), as in sentences of the corpora typed so;
    # such a word still stands in a mention
    unnamed = ["(ban Hong Son)", "Ban.", "Truong The Vinh", "Pho Hoa.", "doi.", "Ap Khmer doi doi"]
    assert [t for t in unnamed if cue.find(t) is not None] == []
    assert cue.find("Truong cong an xa Lac Ve.") == ("cong an", "")
    # while a text written with its diacritics is read by the words as written
    assert cue.find("Trưởng công an xã.") == ("trưởng", "") and cue.find("Ban quản lý chợ.") is not None


def test_a_name_after_a_unit_begins_a_second_mention_that_only_a_joiner_or_a_mark_brings_in():
    # given the cue of a bare mention, and texts that say what one official does to another, the
    # verb typed without diacritics folded to a part ("bắn", shot, as "ban", the hamlet "bản"),
    # written as no verb, or unknown, and the news headline whose copy typed so the cue misread
    cue = bare_mention_cue(BARE_MENTION_BOOST)
    said = [
        "Cong an xa ban chu tich xa",
        "diadanh: Cong an xa ban chu tich xa",
        "Cong an xa Tan My ban chu tich xa",
        "Truong Cong an ban Chu tich xa",
        "Cong an xa thue can bo",
        "Công an xã bản chủ tịch xã",
        "Công an xã chủ tịch xã",
    ]
    # when it reads them
    # then none is a bare mention: a name after the unit that closes a mention begins another
    assert [t for t in said if cue.find(t) is not None] == []
    # while two mentions joined by a joiner or a mark are, and so is a unit before any name
    joined = [
        "Cán bộ xã Tân Mỹ và công an xã.",
        "Can bo xa Tan My va cong an xa.",
        "Công an xã, chủ tịch xã.",
        "Cán bộ tiếp dân của huyện.",
        "Ấp trưởng.",
    ]
    assert [cue.find(t) for t in joined] == [
        ("cán bộ", ""),
        ("can bo", ""),
        ("công an", ""),
        ("cán bộ", ""),
        ("trưởng", ""),
    ]
    # and a cue of a model file written before it knew units reads the headline as it did
    assert replace(cue, units=(), joiners=()).find(said[0]) == ("cong an", "")
    # its units and joiners are among its parts
    assert {"xã", "bản", "diadanh"} <= set(cue.units) and set(cue.joiners) == {"và", "cùng", "của"}
    with pytest.raises(ValueError, match="among its parts"):
        replace(cue, units=("ngõ",))


def test_a_bare_mention_of_an_official_reads_neutral_by_its_cue(tmp_path):
    # given a sentiment model that learnt officials' names mostly in thanks, with the cue of a
    # bare mention and without it
    texts, labels = _thanked_officials()
    model = SentimentClassifier(min_count=1, calibration_fraction=0.0).fit(texts, labels)
    cued = SentimentClassifier(
        min_count=1, calibration_fraction=0.0, cues=(bare_mention_cue(BARE_MENTION_BOOST),)
    ).fit(texts, labels)
    named = ["Cán bộ phường.", "Công an xã.", "Cán bộ địa chính xã Tân Mỹ."]
    said = ["Cán bộ phường nhũng nhiễu.", "Cảm ơn công an xã.", "Xin hỏi cán bộ địa chính làm việc giờ nào?"]
    # when both read officials named alone, and a complaint, thanks and a question in their names
    # then the one without the cue reads the names as praise (the model shipped on 2026-12-07
    # read 7 of 40 such texts neutral), the one with it reads them neutral
    assert "positive" in [p.label for p in model.predict(named)]
    assert [p.label for p in cued.predict(named)] == ["neutral"] * len(named)
    # and the others alike: the cue does not fire where something is said of them
    np.testing.assert_allclose(cued.decision_function(said), model.decision_function(said), atol=1e-6)
    # and it is kept in the model's file, and explains the label it raised by the name it found
    loaded = SentimentClassifier.load(cued.save(tmp_path / "bare.model"), mapped=True)
    np.testing.assert_array_equal(loaded.decision_function(named), cued.decision_function(named))
    assert loaded.predict(named[:1], explain=True)[0].terms[0][0] == "cán bộ"


def _denials_and_rules() -> list[tuple[str, str]]:
    """The texts of ``denials_and_rules.tsv`` and their kinds: ``denied`` (a fault denied),
    ``rule``, or the label of a control."""
    return [
        tuple(line.split("\t"))
        for line in (Path(__file__).parent / "denials_and_rules.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_a_denied_fault_and_a_rule_are_found_and_complaints_in_their_words_are_not():
    # given the cues of a denied fault and of a rule, 41 denied faults (9 denied towards what
    # citizens send: "Chính quyền xã chưa bao giờ thờ ơ trước kiến nghị của người dân."), 42
    # rules and 48 controls (complaints and praise in the same words: "Xe tải vẫn chạy vào giờ
    # cấm.", "Dân không được hỗ trợ gì.", "Chính quyền không hề trả lời kiến nghị của người dân.")
    denied, _ = denied_fault_cues()
    rule = rule_cue()
    rows = _denials_and_rules()
    assert Counter(kind for _, kind in rows) == {"denied": 41, "rule": 42, "negative": 38, "positive": 10}
    # when they read them
    # then the one fires on every denied fault, the other on every rule, neither on a control
    assert [t for t, kind in rows if (denied.find(t) is not None) != (kind == "denied")] == []
    assert [t for t, kind in rows if (rule.find(t) is not None) != (kind == "rule")] == []
    # nor where a denied fault is the worst yet, a fault stands undenied beside it, "cấm" opens a
    # taboo, the text asks, or "không được" denies a good (a student of UIT-VSFC's complaint, which
    # the rule's cue read as neutral at its boost of 7.5, 2026-12-07)
    said = [
        "Khu này chưa bao giờ ô nhiễm như bây giờ.",
        "Cán bộ chưa từng lơ là nhưng rất hách dịch.",
        "Cấm kị khi bày bàn thờ.",
        "Cấm đỗ xe ở đây à?",
        "Không được tận tâm, nhiệt tình.",
    ]
    assert [t for t in said if denied.find(t) or rule.find(t)] == []
    # and each names what it found
    assert denied.find("Cán bộ chưa bao giờ sai phạm.") == ("chưa bao giờ sai phạm", "")
    assert rule.find("Người đi bộ không được băng qua.") == ("người đi bộ … không được", "")


def test_what_citizens_send_is_no_fault_only_in_the_clause_of_a_denied_fault():
    # given the cue of a denied fault, whose faults hold "kiến nghị" and "khiếu nại" (words of
    # complaint of the terms file) and whose objects hold them and "phản ánh"
    denied, _ = denied_fault_cues()
    assert {"kiến nghị", "khiếu nại"} <= set(denied.faults) & set(denied.objects)
    # when it reads them after a denied fault, in its clause, listed or a few words on
    towards = [
        "Chính quyền xã chưa bao giờ thờ ơ trước kiến nghị của người dân.",
        "Cán bộ không hề né tránh các phản ánh, kiến nghị, khiếu nại của cử tri.",
        "Cán bộ chưa bao giờ chậm trễ trong việc giải quyết khiếu nại.",
    ]
    # and standing apart from one: in another clause or sentence, more words on, or after a
    # denial of no fault ("không hề trả lời": never answered)
    apart = [
        "Cán bộ chưa bao giờ thờ ơ, dân vẫn khiếu nại.",
        "Cán bộ chưa bao giờ thờ ơ. Dân kiến nghị mãi.",
        "Cán bộ chưa bao giờ thờ ơ mà dân kiến nghị.",
        "Cán bộ chưa bao giờ thờ ơ dù ở xã này có rất nhiều khiếu nại.",
        "Cán bộ không hề trả lời kiến nghị của dân.",
    ]
    # then the denial reaches the first (the cue of 2026-12-07 read none of them denied: the
    # object stood as a fault left standing), and not the others
    assert [denied.find(t) for t in towards] == [
        ("chưa bao giờ thờ ơ", ""),
        ("không hề né tránh", ""),
        ("chưa bao giờ chậm trễ", ""),
    ]
    assert [t for t in apart if denied.find(t) is not None] == []
    # and a word of the objects that names no fault is no denied fault of its own
    assert denied.find("Xã không có đơn thư nào.") is None
    # and a cue kept in a model file written before it had objects reads them as faults, as then
    state = dict(vars(denied))
    del state["objects"]
    old = DeniedFaultCue.__new__(DeniedFaultCue)
    old.__dict__.update(state)
    assert old.objects == () and [old.find(t) for t in towards] == [None] * 3
    assert old.find("Cán bộ chưa bao giờ sai phạm.") == denied.find("Cán bộ chưa bao giờ sai phạm.")


def test_a_denied_fault_reads_as_no_complaint_and_a_rule_as_neutral_by_their_cues(tmp_path):
    # given a sentiment model that learnt officials' names and the terms file's words, with the
    # shipped cues of misconduct and conduct, and with the cues of a denied fault and a rule too
    texts, labels = _thanked_officials()
    misconduct = (*misconduct_cues(), conduct_cue())
    cues = (*misconduct, *denied_fault_cues(), rule_cue())
    model = SentimentClassifier(min_count=1, calibration_fraction=0.0, cues=misconduct).fit(texts, labels)
    cued = SentimentClassifier(min_count=1, calibration_fraction=0.0, cues=cues).fit(texts, labels)
    denied = ["Cán bộ phường chưa từng nhận tiền của dân.", "Công an xã không hề nhũng nhiễu dân."]
    rules = ["Nghiêm cấm xả rác nơi công cộng.", "Người điều khiển xe máy không được chở quá hai người."]
    said = ["Cán bộ phường nhũng nhiễu dân.", "Dân không được hỗ trợ gì.", "Xe tải vẫn chạy vào giờ cấm."]
    # when both read denied faults, rules and complaints in their words
    # then the one without the cues reads the denied misconduct as negative (its cue of
    # misconduct fired there), the one with them reads no denied fault negative, the rules neutral
    assert "negative" in [p.label for p in model.predict(denied)]
    assert "negative" not in [p.label for p in cued.predict(denied)]
    assert [p.label for p in cued.predict(rules)] == ["neutral"] * 2
    # and the complaints alike
    np.testing.assert_allclose(cued.decision_function(said), model.decision_function(said), atol=1e-6)
    # and the cues are kept in the model's file
    loaded = SentimentClassifier.load(cued.save(tmp_path / "denied.model"), mapped=True)
    np.testing.assert_array_equal(
        loaded.decision_function(denied + rules), cued.decision_function(denied + rules)
    )


@needs_data
def test_the_default_model_is_built_with_its_cues_unless_told_not_to(monkeypatch):
    # given a classifier whose fit records its cues
    import duluan.analysis.sentiment as sentiment

    seen = []

    def fit(self, texts, labels, sample_weight=None, progress=None):
        seen.append(self.cues)
        return self

    monkeypatch.setattr(SentimentClassifier, "fit", fit)
    monkeypatch.setattr(sentiment, "phrase_readings", lambda texts, lexicon: {})
    # when the default model is built as shipped, then without each cue, then without all
    build_default_sentiment_model()
    build_default_sentiment_model(misconduct_boost=0)
    build_default_sentiment_model(conduct_boost=0)
    build_default_sentiment_model(neglect_boost=0)
    build_default_sentiment_model(bare_mention_boost=0)
    build_default_sentiment_model(denial_boost=0)
    build_default_sentiment_model(rule_boost=0)
    build_default_sentiment_model(
        misconduct_boost=0,
        conduct_boost=0,
        neglect_boost=0,
        bare_mention_boost=0,
        denial_boost=0,
        rule_boost=0,
    )
    # then the shipped one reads misconduct, an official's conduct and neglect as negative, a
    # bare mention of an official and a rule as neutral, and a denied fault as anything but
    # negative; the others lack the cue they were built without
    misconduct, conduct = ("negative", MISCONDUCT_BOOST), ("negative", CONDUCT_BOOST)
    neglect, bare = ("negative", NEGLECT_BOOST), ("neutral", BARE_MENTION_BOOST)
    denied = [("neutral", DENIAL_BOOST), ("positive", DENIAL_BOOST)]
    rule = ("neutral", RULE_BOOST)
    boosts = [[(c.topic, c.boost) for c in cues] for cues in seen]
    assert boosts == [
        [misconduct, conduct, neglect, bare, *denied, rule],
        [conduct, neglect, bare, *denied, rule],
        [misconduct, neglect, bare, *denied, rule],
        [misconduct, conduct, bare, *denied, rule],
        [misconduct, conduct, neglect, *denied, rule],
        [misconduct, conduct, neglect, bare, rule],
        [misconduct, conduct, neglect, bare, *denied],
        [],
    ]
    assert "tham ô" in seen[0][0].acts and "thờ ơ" in seen[0][1].acts and seen[0][2].acts == ("lơ là",)


def test_the_prior_is_on_each_phrase_and_its_folded_spelling_towards_its_mood():
    # given a model with the terms file's prior that also learnt its texts without diacritics
    texts, labels = _thanked_officials()
    model = SentimentClassifier(min_count=1, calibration_fraction=0.0, accent_free_copies=True)
    model.fit(texts, labels)
    # when the cells of its prior are read
    cells = model.terms_prior_cells()
    # then each is a word n-gram's bucket in the column of a mood, weighing the file's weight
    n_word = model.featurizer_.n_word_features
    moods = {model.classes_[column] for _, column, _ in cells}
    assert moods == {"negative", "positive"} and all(0 <= bucket < n_word for bucket, _, _ in cells)
    # and "nhũng nhiễu" (0.9 in the file) is one, on the bucket of the bigram the model reads in
    # a text, and its folded spelling "nhung nhieu" another
    buckets = {}
    for text in ("cán bộ nhũng nhiễu", "can bo nhung nhieu"):
        batch = model.featurizer_._analyse([text], naming=True)
        tokens = list(batch.tokens)
        for at, n, bucket in zip(batch.word_start, batch.word_n, batch.word_plain, strict=True):
            buckets[" ".join(tokens[at : at + n])] = int(bucket)
    negative = list(model.classes_).index("negative")
    assert (buckets["nhũng nhiễu"], negative, 0.9) in cells
    assert any(cell[:2] == (buckets["nhung nhieu"], negative) for cell in cells)
    # and a phrase longer than the model's n-grams has none ("không ai giải quyết": 4 syllables)
    assert len(cells) < 2 * len(complaint_term_rows(least=0.0001, signs=False))


def test_a_phrases_prior_outweighs_the_word_of_the_other_mood_it_holds():
    # given models with the terms file's prior and without it, whose file holds "tiện" as praise
    # (-0.4) and "tùy tiện" as a complaint (0.5)
    texts, labels = _thanked_officials()
    model = SentimentClassifier(min_count=1, calibration_fraction=0.0).fit(texts, labels)
    blind = SentimentClassifier(min_count=1, calibration_fraction=0.0, terms_prior=0.0).fit(texts, labels)
    weights = dict(_terms_file(COMPLAINT_TERMS_PATH))
    assert weights["tiện"] < 0 < weights["tùy tiện"]
    # when the cells of the prior are read, and what it adds to the margins of "tùy tiện"
    cells = model.terms_prior_cells()
    batch = model.featurizer_._analyse(["tùy tiện"], naming=True)
    tokens = list(batch.tokens)
    buckets = {
        " ".join(tokens[at : at + n]): int(bucket)
        for at, n, bucket in zip(batch.word_start, batch.word_n, batch.word_plain, strict=True)
    }
    negative, positive = (list(model.classes_).index(mood) for mood in ("negative", "positive"))
    raised = (model.decision_function(["tùy tiện"]) - blind.decision_function(["tùy tiện"]))[0]
    # then the bigram weighs its own weight and that of the praise it holds, which still weighs
    # on its own unigram ("tiện" alone, "đi lại tiện")
    assert (buckets["tùy tiện"], negative, pytest.approx(weights["tùy tiện"] - weights["tiện"])) in cells
    assert (buckets["tiện"], positive, pytest.approx(-weights["tiện"])) in cells
    # so the prior pushes "tùy tiện" towards negative by more than the praise in it pushes it
    # towards positive: before, the praise's prior on "tiện" all but cancelled it (0.55 against
    # 0.35 here), and "Cán bộ làm việc rất tùy tiện." read positive in the model shipped on
    # 2026-12-07 (0.43)
    assert raised[negative] - raised[positive] > raised[positive] > 0


def test_a_model_saved_before_the_terms_prior_existed_reads_without_it():
    # given a model learnt without the prior, saved before the setting existed
    texts, labels = _thanked_officials()
    clf = SentimentClassifier(min_count=1, calibration_fraction=0.0, terms_prior=0.0).fit(texts, labels)
    old = saved_without(clf, ("terms_prior",))
    # then it reads as it did, and says it has no prior
    assert old.terms_prior == 0.0 and old.recipe()["terms_prior"] == 0.0
    assert old.get_params()["terms_prior"] == 0.0
    np.testing.assert_array_equal(old.decision_function(texts), clf.decision_function(texts))


def test_each_word_of_the_terms_file_is_also_learnt_denied(tmp_path):
    # given a terms file with words of complaint and of praise, a phrase with a negator of its
    # own, one of three syllables, a light word and a sign
    path = tmp_path / "terms.tsv"
    path.write_text(
        "rườm rà\t0.6\ntệ\t0.6\nkhông ai giải quyết\t1.0\nđến nay vẫn\t0.4\nnhiều năm\t0.2\n"
        "chu đáo\t-0.6\n😡\t0.9\n",
        encoding="utf-8",
    )
    # when its rows to learn denied are read
    rows = negated_term_rows(path)
    # then each word of one or two syllables comes after each negator: a complaint denied is
    # none, praise denied is a complaint; the phrases a negator does not take are left out
    assert rows == [
        ("không rườm rà", "neutral"), ("chẳng rườm rà", "neutral"), ("không hề rườm rà", "neutral"),
        ("không tệ", "neutral"), ("chẳng tệ", "neutral"), ("không hề tệ", "neutral"),
        ("không chu đáo", "negative"), ("chẳng chu đáo", "negative"), ("không hề chu đáo", "negative"),
    ]  # fmt: skip


def _denied_feedback() -> tuple[list[str], list[str]]:
    """Students' praise and its negation, and complaints about a service: feedback that denies
    praise and never a complaint, as UIT-VSFC's does."""
    texts, labels = [], []
    for word in ("nhiệt tình", "dễ hiểu", "đúng giờ", "vui vẻ", "chu đáo"):
        for subject in ("thầy dạy", "cô giảng", "giảng viên"):
            texts += [f"{subject} {word}", f"{subject} không {word}"]
            labels += ["positive", "negative"]
    for subject in ("dịch vụ", "phòng", "đồ ăn"):
        texts += [f"{subject} ở đây tệ", f"{subject} ở đây kém", f"{subject} ở đây thế nào"]
        labels += ["negative", "negative", "neutral"]
    return texts, labels


def test_a_complaint_denied_reads_as_none_once_the_terms_are_learnt_denied():
    # given feedback that denies praise and never a complaint, and the terms file's words learnt
    # alone, then also denied
    texts, labels = _denied_feedback()
    alone = complaint_term_rows()
    said = ["Dịch vụ ở đây không tệ.", "Phòng không tồi.", "Đồ ăn chẳng kém.", "Phòng không hề tệ."]
    complaints = ["Dịch vụ ở đây tệ.", "Thầy dạy không nhiệt tình."]
    read = {}
    for name, rows in (("alone", alone), ("denied", alone + negated_term_rows())):
        # when a sentiment model learns them, and reads complaints denied and complaints
        model = SentimentClassifier(min_count=1, calibration_fraction=0.0, terms_prior=0.0).fit(
            texts + [t for t, _ in rows], labels + [label for _, label in rows]
        )
        read[name] = [p.label for p in model.predict(said + complaints)]
    # then learnt alone, a complaint denied reads as the complaint (the model knew a negated
    # word as a complaint: "Dịch vụ ở đây không tệ." read negative, 0.73, in the shipped model
    # of 2026-12-07); learnt denied too, none reads negative, and the complaints still do
    assert read["alone"] == ["negative"] * 6
    assert "negative" not in read["denied"][:4] and read["denied"][4:] == ["negative", "negative"]


@needs_data
def test_default_model_learns_officials_confirmations_also_unpunctuated(fitted):
    # given a classifier whose fit records the texts, labels and weights it is given
    confirmed = [("Cảm ơn phường, đường đã sửa xong!", "positive"), ("Rác ngập... bao giờ dọn?", "negative")]
    # when the default model is built with two texts officials confirmed, then without copies
    build_default_sentiment_model(confirmed=confirmed, accent_free_copies=False)
    build_default_sentiment_model(confirmed=confirmed, accent_free_copies=False, unpunctuated_weight=0)
    shipped, without = fitted
    # then it learns each as the hand-labelled texts' weight, and again as typed unpunctuated,
    # last of all
    mine = [(text, label, EXAMPLES_WEIGHT) for text, label in confirmed]
    assert [r for r in shipped if r in mine] == mine and [r for r in without if r in mine] == mine
    assert shipped[-2:] == [
        ("Cảm ơn phường đường đã sửa xong", "positive", UNPUNCTUATED_WEIGHT),
        ("Rác ngập bao giờ dọn", "negative", UNPUNCTUATED_WEIGHT),
    ]
    assert without[-2:] == mine


def test_news_gold_sets_and_examples_are_labelled_texts_of_news_corpora_and_share_no_row():
    # given the hand-labelled news texts (the gold set and the training examples) and headlines
    gold = load_gold(SENTIMENT_GOLD_PATH)
    examples = load_gold(SENTIMENT_EXAMPLES_PATH)
    heads = load_gold(SENTIMENT_HEADLINES_PATH)
    gold_keys = {(g.corpus, g.id) for g in gold}
    example_keys = {(e.corpus, e.id) for e in examples}
    head_keys = {(h.corpus, h.id) for h in heads}
    # then each holds hundreds of rows of news and all three labels, no row twice, and no row of
    # either gold set is learnt, nor in the other
    for rows, keys, corpora in (
        (gold, gold_keys, {"news_2026", "tc201805"}),
        (examples, example_keys, {"news_2026", "tc201805"}),
        (heads, head_keys, {"tc201805"}),
    ):
        assert len(rows) >= 300 and len(keys) == len(rows)
        assert {r.label for r in rows} == {"negative", "neutral", "positive"}
        assert {r.corpus for r in rows} == corpora
    assert not gold_keys & example_keys and not head_keys & (gold_keys | example_keys)
    # and the passages in a citizen's voice are cut from articles of none of these, the gold
    # passages and the learnt ones from different articles, one gold passage an article and no
    # passage twice
    for path in (SENTIMENT_LETTERS_GOLD_PATH, SENTIMENT_LETTERS_PATH):
        passages = load_gold(path)
        keys = {(g.corpus, g.id) for g in passages}
        assert len(passages) >= 300 and len({(g.corpus, g.id, g.start) for g in passages}) == len(passages)
        assert len(keys) == len(passages) or path == SENTIMENT_LETTERS_PATH
        assert {g.label for g in passages} == {"negative", "neutral", "positive"}
        assert {g.corpus for g in passages} <= {"news_2026", "tc201805", "vntc"}
        assert all(0 <= g.start < g.end for g in passages)
        assert not keys & (gold_keys | example_keys | head_keys)
    assert not {(g.corpus, g.id) for g in load_gold(SENTIMENT_LETTERS_GOLD_PATH)} & {
        (g.corpus, g.id) for g in load_gold(SENTIMENT_LETTERS_PATH)
    }


def test_every_gold_passage_in_a_citizens_voice_is_rated_for_anger_and_a_rating_past_the_scale_is_refused(
    tmp_path,
):
    # given the gold passages in a citizen's voice
    passages = load_gold(SENTIMENT_LETTERS_GOLD_PATH)
    # then each carries the mean of two readers' ratings from 0 to 3 (half steps), the calm ones
    # far more than the angry, and anger is rated on the negative ones almost alone
    anger = [g.anger for g in passages]
    assert None not in anger and all(0 <= a <= 3 and (2 * a).is_integer() for a in anger)
    assert sum(a == 0 for a in anger) > len(anger) / 2 and sum(a >= 2 for a in anger) >= 30
    assert sum(g.anger > 0 for g in passages if g.label != "negative") <= 2
    # and a gold file whose anger is past the scale is refused, naming the file
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"corpus": "vntc", "id": "a", "label": "negative", "anger": 4}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"anger 4\.0 is not from 0 to 3"):
        load_gold(bad)


@needs_data
def test_every_hand_labelled_news_text_is_found_in_the_shared_corpora():
    # given the hand-labelled news texts
    rows = load_gold(SENTIMENT_GOLD_PATH) + load_gold(SENTIMENT_EXAMPLES_PATH)
    heads = load_gold(SENTIMENT_HEADLINES_PATH)
    # when their texts are read from the shared corpora
    found = read_gold_texts(rows, None)
    found_heads = read_gold_texts(heads, None)
    passages = load_gold(SENTIMENT_LETTERS_GOLD_PATH) + load_gold(SENTIMENT_LETTERS_PATH)
    found_passages = read_gold_texts(passages, None)
    # then every one is there, with words to read, and each headline has 4 to 30 words, each
    # passage 8 to 80, as it was cut (no space at either end, a whole sentence)
    assert len(found) == len(rows) and len(found_heads) == len(heads)
    assert len(found_passages) == len(passages)
    assert all(8 <= len(t.split()) <= 80 and t == t.strip() for _, t in found_passages)
    assert len({" ".join(t.lower().split()) for _, t in found_passages}) == len(passages)
    assert all(len(text.split()) >= 5 for _, text in found)
    assert all(4 <= len(headline(text).split()) <= 30 for _, text in found_heads)
    assert headline("Tiêu đề tin\nĐoạn mở đầu") == "Tiêu đề tin" == headline(" Tiêu đề tin ")


@pytest.mark.slow
@needs_data
def test_the_draw_of_letter_passages_gives_the_passages_that_were_labelled(tmp_path):
    # given the script that drew the candidate passages in a citizen's voice, run as documented
    # (its choice of a passage per article hangs on Python's string hash)
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from duluan.analysis.taxonomy import LETTERS_GOLD_PATH

    script = Path(__file__).resolve().parents[3] / "scripts" / "letter_passages.py"
    out = tmp_path / "passages.jsonl"
    env = {**os.environ, "PYTHONHASHSEED": "0", "DULUAN_DATA_DIR": str(shared_data_dir())}
    subprocess.run([sys.executable, str(script), str(out)], env=env, check=True, timeout=600)
    # when its passages are read
    drawn = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    spans = {(r["corpus"], r["id"], r["start"], r["end"]) for r in drawn}
    # then it draws the 1,871 passages read, and every labelled passage (mood and topic) is one of them
    assert len(drawn) == len(spans) == 1871
    for path in (SENTIMENT_LETTERS_GOLD_PATH, SENTIMENT_LETTERS_PATH, LETTERS_GOLD_PATH):
        assert {(g.corpus, g.id, g.start, g.end) for g in load_gold(path)} <= spans


def communes_of_home_province() -> list[str]:
    """The short names of Bắc Ninh's communes and wards (2025 scheme)."""
    from duluan.adminunits import load_admin_data

    return sorted(
        {u.short_name for u in load_admin_data().units_of("2025", "commune") if u.province_code == "24"}
    )


# Short complaints in plain words, without intensifiers, each in words of the terms file
# (officials' misconduct, a place's state, a procedure's flaws), written on 2026-12-07.
PLAIN_COMPLAINTS = (
    "Cán bộ phường nhũng nhiễu.",
    "Cán bộ phường nhũng nhiễu người dân khi làm thủ tục.",
    "Cán bộ xã hách dịch với người dân.",
    "Nhân viên một cửa gây khó dễ cho dân.",
    "Cảnh sát giao thông vòi tiền tài xế.",
    "Chính quyền xã làm ngơ trước vi phạm.",
    "Các phòng ban đùn đẩy trách nhiệm.",
    "Con kênh sau nhà bị ô nhiễm.",
    "Bãi rác đầu thôn bốc mùi.",
    "Đường Nguyễn Trãi ngập sau mỗi trận mưa.",
    "Đồi sau trường bị sạt lở.",
    "Cán bộ địa chính hạch sách người dân.",
    "Cán bộ thuế gây phiền hà cho hộ kinh doanh.",
    "Lãnh đạo phường quan liêu.",
    "Cán bộ tư pháp cửa quyền.",
    "Trưởng thôn ăn chặn tiền hỗ trợ.",
    "Kế toán xã ăn bớt tiền trợ cấp.",
    "Việc thu hồi đất của gia đình tôi bất công.",
    "Gia đình tôi bị oan ức.",
    "Cống thoát nước hôi thối.",
    "Khu chợ ngập ngụa rác thải.",
    "Hồ sơ của tôi bị chậm trễ.",
    "Bộ phận một cửa trễ hẹn trả kết quả.",
    "Công ty chây ì nộp tiền phạt.",
    "Thái độ của cán bộ tiếp dân thô lỗ.",
    "Nhân viên phường coi thường người dân.",
    "Chính quyền bỏ mặc người dân vùng lũ.",
    "Cán bộ ủy ban vô trách nhiệm.",
    "Cán bộ xã thờ ơ với đơn của dân.",
    "Ủy ban phường né tránh trách nhiệm.",
    "Cán bộ huyện tham nhũng.",
    "Thủ tục cấp sổ đỏ rườm rà.",
    "Quy trình xin giấy phép nhiêu khê.",
    "Việc thu phí bất hợp lý.",
    "Công trình thi công cẩu thả.",
    "Việc kiểm tra chỉ làm qua loa.",
    "Việc cấp phép có nhiều khuất tất.",
    "Đường làng xuống cấp.",
    "Cây cầu treo hư hỏng.",
    "Khu tập thể nhếch nhác.",
    "Việc giải ngân trì trệ.",
    "Cán bộ phường phớt lờ phản ánh của dân.",
    "Cán bộ thiếu trách nhiệm.",
    "Dự án gây lãng phí tiền ngân sách.",
    "Cán bộ xã lừa đảo người dân.",
    "Dân phải đi lại nhiều lần.",
    "Chủ đầu tư cưỡng chế trái luật.",
    "Nhà máy xả thải gây ô nhiễm sông.",
    "Người dân bức xúc vì tiếng ồn.",
    "Đơn của tôi chưa được giải quyết.",
    "Công an xã làm ngơ cho xe quá tải.",
    "Cán bộ phường gây khó dễ khi chứng thực.",
)
# An official's misconduct in words the terms file does not hold, which the corpora read as praise
# or nothing: the shipped model of 2026-12-07 read 538 of 750 such sentences negative (these, 3
# of 8), 744 with the misconduct cue.
MISCONDUCT_COMPLAINTS = (
    "Cán bộ địa chính xã Tân Mỹ nhận tiền của dân.",
    "Trưởng thôn biển thủ tiền quỹ.",
    "Chủ tịch xã móc ngoặc với doanh nghiệp.",
    "Phản ánh việc cán bộ thuế nhận tiền lót tay.",
    "Cảnh sát giao thông làm luật với xe tải.",
    "Hiệu trưởng lạm thu các khoản.",
    "Cán bộ xã trục lợi chính sách.",
    "Giáo viên chủ nhiệm rút ruột công trình nhiều năm nay.",
)
# Complaints of how officials work or treat people, each read positive by the model shipped on
# 2026-12-07 (of 782 such, it read 666 negative; 768 with the terms file's new words, the prior
# that outweighs the praise a word holds and the cue of an official's conduct).
CONDUCT_COMPLAINTS = (
    "Cán bộ làm việc rất tùy tiện.",
    "Cán bộ địa chính đo đạc tùy tiện.",
    "Chính quyền xã làm việc tùy tiện.",
    "Cán bộ phường tắc trách.",
    "Phản ánh việc công an phường tắc trách.",
    "Cán bộ địa chính lạm quyền.",
    "Chính quyền xã vô cảm.",
    "Tôi thấy chính quyền xã vô cảm.",
    "Tôi thấy cán bộ xã làm việc chiếu lệ.",
    "Tôi thấy cán bộ tiếp dân coi thường người dân.",
)
# An official and a word of conduct, denied, forbidden or fought, and praise: none read negative
# in the model shipped on 2026-12-07, nor may any.
CONDUCT_DENIED = (
    "Cán bộ xã không thờ ơ với dân.",
    "Tỉnh yêu cầu cán bộ không né tránh trách nhiệm.",
    "Phường làm việc nhanh chóng, không hề quan liêu.",
    "Cảm ơn cán bộ phường đã không thờ ơ với hoàn cảnh nhà tôi.",
    "Cán bộ xã nhiệt tình, chu đáo.",
)
# Complaint words denied: no complaint (neutral or praise).
DENIED_COMPLAINTS = (
    "Dịch vụ ở đây không tệ.",
    "Món này không tồi.",
    "Chất lượng chẳng kém.",
    "Phòng không hề tệ.",
)


@pytest.fixture(scope="module")
def shipped_sentiment() -> SentimentClassifier:
    """The default model built as shipped, once for the module's tests that only read it: a build
    is the longest step of the engines' tests (1.5-3 minutes of CPU on a quiet machine). Those
    tests share an ``xdist_group``, which pytest's options keep on one worker (``--dist loadgroup``
    in pyproject.toml), so that the two workers do not each build it."""
    return build_default_sentiment_model()


@pytest.mark.slow
@needs_data
@pytest.mark.xdist_group("shipped_sentiment")
def test_default_model_reads_plain_complaints_as_complaints_and_denied_ones_as_none(shipped_sentiment):
    # given short complaints in the terms file's words, complaint words denied, an official's
    # misconduct in other words, and officials' careless or high-handed conduct
    # when the default model is built as shipped and reads them
    model = shipped_sentiment
    complaints = [p.label for p in model.predict(list(PLAIN_COMPLAINTS))]
    denied = [p.label for p in model.predict(list(DENIED_COMPLAINTS))]
    misconduct = [p.label for p in model.predict(list(MISCONDUCT_COMPLAINTS))]
    conduct = [p.label for p in model.predict(list(CONDUCT_COMPLAINTS))]
    conduct_denied = [p.label for p in model.predict(list(CONDUCT_DENIED))]
    # then nearly all complaints read negative: the model shipped on 2026-12-07 read 49 of the
    # 52 so ("Cán bộ phường nhũng nhiễu." positive, 0.45), 52 with the terms file's prior
    assert complaints.count("negative") >= len(PLAIN_COMPLAINTS) - 1, complaints
    # and no complaint denied reads negative (the model of 2026-12-07 read all four so)
    assert "negative" not in denied, denied
    # and an official's misconduct reads negative in words the file does not hold (the cue)
    assert misconduct == ["negative"] * len(MISCONDUCT_COMPLAINTS), misconduct
    # and so does an official's careless or high-handed conduct (the terms file's words and the
    # cue of an official's conduct), while the same words denied, forbidden or fought, and
    # praise, do not
    assert conduct == ["negative"] * len(CONDUCT_COMPLAINTS), conduct
    assert "negative" not in conduct_denied, conduct_denied
    # and every rule of denials_and_rules.tsv reads neutral, however far the model leans its
    # words: at a boost of 5 the model of 2026-12-07 read 2 of its 42 negative ("Học sinh không
    # được sử dụng điện thoại trong giờ học.", 0.50: its "không được" read as a negator)
    rules = [text for text, kind in _denials_and_rules() if kind == "rule"]
    read = [p.label for p in model.predict(rules)]
    assert [text for text, label in zip(rules, read, strict=True) if label != "neutral"] == []
    # and its denied faults read as no complaint, those denied towards what citizens send too
    # (the model of 2026-12-07 read 7 of those 9 negative: "kiến nghị" stood as a fault left
    # standing), every one: "Cán bộ tư pháp chưa bao giờ chậm trễ trong việc giải quyết khiếu
    # nại." read 5.49 logits towards negative without the cue (its fault and "giải quyết khiếu
    # nại"), more than the cue's 5 of the first version, less than its 7.5
    denied = [text for text, kind in _denials_and_rules() if kind == "denied"]
    read = [p.label for p in model.predict(denied)]
    assert [text for text, label in zip(denied, read, strict=True) if label == "negative"] == []


@pytest.mark.slow
@needs_data
@pytest.mark.xdist_group("shipped_sentiment")
def test_default_model_reads_the_mood_of_news_headlines_and_letters_it_never_learnt(shipped_sentiment):
    # given the hand-labelled news gold set and the headlines, which no model learns
    gold = read_gold_texts(load_gold(SENTIMENT_GOLD_PATH), None)
    heads = read_gold_texts(load_gold(SENTIMENT_HEADLINES_PATH), None)
    moods = ["negative", "neutral", "positive"]
    # when the default model is built as shipped and labels them
    model = shipped_sentiment
    for texts, accuracy, macro in (
        # 72.5 % accuracy and 71.8 macro-F1 were measured, against 33.3 % and 20.2 for the model
        # that knew students' and shoppers' words alone and no layout (it called 462 of the 480
        # texts negative, 2026-12-04)
        ([(g.label, text) for g, text in gold], 0.65, 0.63),
        # 65.1 % and 64.1, against 51.7 % and 42.2 before it learnt the examples' headlines and
        # weighed AIVIVN less (it read 5 of the 164 neutral headlines neutral); 63.9 % and 63.0
        # with places masked; 67.1 % and 65.8 once it learnt the passages below (2026-12-04)
        ([(g.label, headline(text)) for g, text in heads], 0.6, 0.58),
    ):
        truth = [label for label, _ in texts]
        labels, _ = model.predict_labels([text for _, text in texts])
        # then it reads well over half of each mood
        assert accuracy_score(truth, labels) > accuracy
        assert f1_score(truth, labels, average="macro") > macro
        assert min(f1_score(truth, labels, average=None, labels=moods)) > 0.5
    # and it reads passages in a citizen's voice it never learnt: 73.4 % accuracy and 64.9
    # macro-F1 were measured, against 46.8 % and 45.2 without the hand-labelled passages (which
    # called 128 of the 165 neutral ones negative), 2026-12-04; of the 28 positive ones it reads
    # only 10 right, so that mood is not checked here
    letters = read_gold_texts(load_gold(SENTIMENT_LETTERS_GOLD_PATH), None)
    truth = [g.label for g, _ in letters]
    labels, _ = model.predict_labels([text for _, text in letters])
    assert accuracy_score(truth, labels) > 0.65
    assert f1_score(truth, labels, average="macro") > 0.55
    assert min(f1_score(truth, labels, average=None, labels=["negative", "neutral"])) > 0.6
    # and its intensity ranks them by the anger two readers rated, better than the complaint
    # lexicon alone: Spearman 0.556 against 0.396, the clearly annoyed (2 and up) told from the
    # rest with an area under the ROC curve of 0.870 (2026-12-05)
    anger = [g.anger for g, _ in letters]
    texts = [text for _, text in letters]
    intensity = model.predict_fields(texts)[2]
    lexicon = [value for value, _ in model.intensity(texts)]
    assert spearmanr(intensity, anger).statistic > max(0.45, spearmanr(lexicon, anger).statistic)
    assert roc_auc_score([a >= 2 for a in anger], intensity) > 0.8
    # and it reads a message the same whichever of the province's communes it names (before
    # places were masked, this one read neutral for 35 of the 99, negative for 35 and positive
    # for 29: 2026-12-04)
    assert model.mask_places
    names = communes_of_home_province()
    texts = [f"Cảm ơn cán bộ xã {name} đã hỗ trợ làm giấy tờ nhanh chóng" for name in names]
    labels, scores = model.predict_labels(texts)
    assert len(names) == 99 and len(set(labels.tolist())) == 1 and len(set(scores.tolist())) == 1
    # and a short complaint whose one word of complaint is a compound of a word of praise ("bất
    # tiện", "tiện"), or that it met only in its terms file, reads negative (before the terms
    # were learnt alone, "Rất bất tiện" read positive, 0.755, and "Thủ tục rườm rà" neutral:
    # 2026-12-06), while the same words of praise still read positive ("Đi lại rất tiện" did
    # by its "rất" alone: "Đi lại tiện" read negative, 0.75; once intensifiers weighed nothing of
    # their own, it read negative, 0.69, and 0.54 once "tiện", "thuận tiện" and "tiện lợi" were
    # learnt as praise: 2026-12-07)
    labels, _ = model.predict_labels(
        ["Rất bất tiện", "Thủ tục rườm rà", "Rất tiện", "Đi lại rất thuận tiện", "Cán bộ rất nhiệt tình"]
    )
    assert labels.tolist() == ["negative", "negative", "positive", "positive", "positive"]
    # and having to go far after the merger is a complaint, not having to a relief (before the
    # written messages said it in a complaint, the first read positive: 2026-12-06)
    far = ["Sau sáp nhập, người dân phải đi xa hơn 20 km để làm thủ tục hành chính"]
    far += ["Cảm ơn tỉnh đã xây trường gần nhà, con tôi không phải đi xa"]
    assert model.predict_labels(far)[0].tolist() == ["negative", "positive"]
    # and a public work that broke soon after it was built is a complaint, though the news calls
    # what is newly built good (before the written messages about such works, this read
    # positive: 2026-12-06)
    assert model.predict_labels(["Vỉa hè mới lát đã bong gạch"])[0].tolist() == ["negative"]
    # and a comment of emoji alone reads as its signs say, one whose sense the reviews would
    # mislead about reads neutral, as do texts of nothing (before emoji were read, the first
    # two read neutral, 0.97; with the signs learnt alone but without texts of nothing beside
    # them, "", "..." and "?" read negative; learnt once only, "🤬", in no review, neutral:
    # 2026-12-06)
    comments = ["😡😡😡", "👍👍", "❤️", "🤬", "😂😂😂", "", "...", "?"]
    labels = ["negative", "positive", "positive", "negative", "neutral", "neutral", "neutral", "neutral"]
    assert model.predict_labels(comments)[0].tolist() == labels
    # and negated praise is read as negated, and explained so, by its phrase (before negations
    # were read apart, no term named one; before terms were read as phrases, "(không) nhiệt"
    # and "không nhiệt" were two: 2026-12-06)
    assert model.negation_scope == 3
    (said,) = model.predict(["Cán bộ xã không nhiệt tình với dân"], explain=True)
    assert said.label == "negative" and any("không nhiệt tình" in term for term, _ in said.terms)
    # and a calm question about a misfortune asks (before the written questions were learnt,
    # it read negative, 0.60: 2026-12-06)
    assert model.predict_labels(["Bị mất căn cước thì làm lại ở đâu, mất bao lâu?"])[0].tolist() == [
        "neutral"
    ]


def test_default_model_refuses_a_confirmation_that_names_no_sentiment(tmp_path):
    # given an official's confirmation whose label is no sentiment
    # when the default model is built with it
    # then it is refused by name, before any corpus is read
    with pytest.raises(ValueError, match="'furious' is not a sentiment"):
        build_default_sentiment_model(tmp_path, confirmed=[("Dân rất bức xúc", "furious")])


def test_default_model_reports_missing_data(tmp_path):
    # given an empty folder in place of the shared data
    from duluan.shared_data import SharedDataMissing

    # when the default model is built from it
    # then the error says the data is missing
    with pytest.raises(SharedDataMissing, match="Không tìm thấy"):
        build_default_sentiment_model(tmp_path)


# Words of the lexicon (complaints, praise, negators, intensifiers, phrases of several syllables),
# with tone marks placed either way and in capitals, between other words and punctuation.
_PIECES = [
    "bức xúc", "Bức Xúc", "không", "chưa", "rất", "quá", "lắm", "nhiệt tình", "hài lòng", "tệ",
    "không ai giải quyết", "hách dịch", "khoẻ", "khỏe", "hoà", "đường", "ngập", "dân", "!", "!!",
    ", ", ". ", " ", "\n", "_", "İ", "cực kỳ", "vô cùng", "phiền hà", "😡", "👎👎", "☹️", "😭",
]  # fmt: skip


# The same words typed without diacritics (and with the normaliser's "không" among them), so
# that a text is sometimes bare and sometimes not.
_BARE_PIECES = [
    "buc xuc", "Buc Xuc", "khong", "chua", "rat", "qua", "lam", "nhiet tinh", "hai long", "te",
    "khong ai giai quyet", "hach dich", "kem", "duong", "ngap", "dan", "!", ", ", " ", "không",
    "bức xúc", "rất", "😡", "🤬",
]  # fmt: skip


@functools.cache
def bare_lexicon() -> ComplaintLexicon:
    """The shared lexicon, its accent-free form made from readings of a few sentences."""
    seen = ["Dân rất bức xúc vì không ai giải quyết", "Cán bộ hách dịch, thái độ kém", "Kinh tế khó"] * 5
    lex = lexicon()
    return lex.accent_free(phrase_readings(seen, lex))


@pytest.mark.parametrize(
    ("pieces", "make"), [(_PIECES, lexicon), (_BARE_PIECES, bare_lexicon)], ids=["accented", "bare-or-not"]
)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_batch_intensities_equal_scoring_each_text(pieces, make, data):
    # given the complaint lexicon (with its accent-free form for the texts typed without
    # diacritics) and a batch of texts
    texts = data.draw(
        st.lists(st.lists(st.sampled_from(pieces), max_size=14).map(" ".join), min_size=1, max_size=6)
    )
    lex = make()
    # when the intensities are found for the whole batch at once
    got = lex.intensities(tokenise_batch(texts))
    # then each is the intensity of scoring its text alone
    assert got == [lex.score(t)[0] for t in texts]


def test_complaints_typed_without_diacritics_are_scored_as_written_with_them():
    # given the lexicon with its accent-free form
    lex = bare_lexicon()
    written = "Dân rất bức xúc vì đường ngập nhiều năm không ai giải quyết!!!"
    typed = "Dan rat buc xuc vi duong ngap nhieu nam khong ai giai quyet!!!"
    # when a complaint is scored as written and as typed without diacritics
    accented, accented_terms = lex.score(written)
    bare, bare_terms = lex.score(typed)
    # then both are as intense, for the same words, and without the accent-free form the
    # typed one would have found nothing but the exclamation marks
    assert bare == pytest.approx(accented, abs=0.02)
    assert {"rat buc xuc", "khong ai giai quyet"} <= {t for t, _ in bare_terms}
    assert {"rất bức xúc", "không ai giải quyết"} <= {t for t, _ in accented_terms}
    assert lexicon().score(typed)[1] == (("!", lexicon().score(typed)[0]),)


def test_accent_free_lexicon_keeps_a_spelling_by_what_it_mostly_stands_for():
    # given a small lexicon and how often each folded spelling was read as which words
    lex = ComplaintLexicon(
        negative={"bức xúc": 0.9, "kém": 0.5, "tệ": 0.7},
        positive={"tốt": 0.8},
        negators=frozenset({"không"}),
        intensifiers={"rất": 1.5},
    )
    readings = {
        "kem": {"kém": 6, "kèm": 3, "kem": 1},
        "te": {"tế": 9, "tệ": 1},
        "buc xuc": {"bức xúc": 7},
        "rat": {"rất": 8, "rát": 2},
        "khong": {"không": 10},
        "tot": {"tốt": 3},
    }
    # when its accent-free form is made with those readings, and without any
    bare = lex.accent_free(readings).bare
    plain = lex.accent_free().bare
    # then a spelling stays when its phrases make most of its readings, weighing their expected
    # weight; one read too rarely or mostly as other words goes
    assert bare.negative == pytest.approx({"kem": 0.3, "buc xuc": 0.9})
    assert bare.intensifiers == pytest.approx({"rat": 1.4})
    assert bare.negators == frozenset({"khong"}) and bare.positive == {}
    # and without readings only a phrase of several words that nothing else folds to stays
    assert (plain.negative, plain.positive, plain.negators, plain.intensifiers) == (
        {"buc xuc": 0.9},
        {},
        frozenset(),
        {},
    )


def test_phrase_readings_count_what_each_spelling_stands_for_in_accented_text():
    # given a lexicon and texts, one of them typed without diacritics
    lex = ComplaintLexicon(
        negative={"kém": 0.5, "bức xúc": 0.9}, positive={}, negators=frozenset(), intensifiers={}
    )
    texts = ["Hàng kém, lại kèm quà", "Kem ngon, dân hết bức xúc", "hang kem lam"]
    # when the readings are counted
    readings = phrase_readings(texts, lex)
    # then each spelling counts the words it was written as, and the bare text counts nothing
    assert readings == {"kem": {"kém": 1, "kèm": 1, "kem": 1}, "buc xuc": {"bức xúc": 1}}


@needs_data
def test_phrase_readings_of_real_texts_are_those_of_each_run_of_words():
    # given the lexicon, real students' feedback and news leads, some texts typed bare, and a
    # phrase of five words (longer than the lexicon reads)
    import re
    from itertools import islice

    from duluan.analysis.corpora import read_corpus
    from duluan.analysis.features import prepare
    from duluan.analysis.normalise import fold

    lex = lexicon()
    lex = ComplaintLexicon(
        negative={**lex.negative, "không ai thèm giải quyết": 0.9},
        positive=lex.positive,
        negators=lex.negators,
        intensifiers=lex.intensifiers,
    )
    texts = [r.text for r in read_corpus("uit_vsfc_dev")]
    texts += [r.text for r in islice(read_corpus("tc201805"), 3000)]
    texts += ["Dan rat buc xuc vi khong ai giai quyet", "", "Dân KHÔNG AI thèm giải quyết, rất bức xúc!"]
    # when the readings are counted, and counted by their definition: every run of one to four
    # words whose fold is a phrase's fold, under the words as written
    readings = phrase_readings(texts, lex)
    forms = {fold(p) for p in lex._table()[0] if len(p.split()) <= 4}
    expected: dict[str, Counter] = {}
    for text in texts:
        if not text or written_bare(text):
            continue
        words = re.findall(r"\w+", prepare(text))
        bare = [fold(w) for w in words]
        for i in range(len(words)):
            for k in range(1, 5):
                if i + k <= len(words) and " ".join(bare[i : i + k]) in forms:
                    expected.setdefault(" ".join(bare[i : i + k]), Counter())[" ".join(words[i : i + k])] += 1
    # then they are the same, many spellings read many ways, the bare text counts nothing, the
    # last one counts "bức xúc" once, and the five words are not read
    assert readings == expected
    assert len(readings) > 300 and sum(len(c) > 1 for c in readings.values()) > 50
    before = phrase_readings(texts[:-3], lex)["buc xuc"]["bức xúc"]
    assert readings["buc xuc"]["bức xúc"] == before + 1 and "khong ai them giai quyet" not in readings
    assert phrase_readings(texts[-3:-1], lex) == {}


def test_written_bare_tells_text_typed_without_diacritics():
    assert written_bare("Dan rat buc xuc vi duong ngap, không ai giai quyet cho ca xom")
    assert written_bare("Good value for money")
    assert not written_bare("Dân rất bức xúc vì đường ngập")
    assert not written_bare("")


def test_sentiment_predictions_without_intensity_terms_keep_the_same_intensity():
    # given a toy sentiment model with the complaint lexicon
    texts, labels = zip(*TOY, strict=True)
    model = SentimentClassifier(lexicon=lexicon(), min_count=1, calibration_fraction=0).fit(texts, labels)
    hot = ["Dân rất bức xúc vì đường ngập, không ai giải quyết", "cán bộ không nhiệt tình", "Cảm ơn"]
    # when it predicts with and without the intensity terms
    full = model.predict(hot)
    fast = model.predict(hot, intensity_terms=False)
    # then labels, scores and intensities agree; only the terms are left out
    assert [(p.label, p.score, p.intensity) for p in fast] == [(p.label, p.score, p.intensity) for p in full]
    assert full[0].intensity > 0 and full[0].intensity_terms
    assert all(p.intensity_terms == () for p in fast)


def test_exclamation_runs_move_phrases_and_cut_those_they_split():
    # given texts whose runs of "!" fall before, after, between and inside phrases
    lex = ComplaintLexicon(
        negative={"tệ": 0.7, "bức xúc": 0.9},
        positive={"tốt": 0.8},
        negators=frozenset({"không"}),
        intensifiers={"rất": 1.5, "lắm": 1.4},
    )
    texts = [
        "không ! ! tốt",  # the runs push the negator out of reach
        "không ! tốt",
        "bức ! xúc quá",  # a run splits the phrase
        "!! rất tệ!",
        "tệ ! lắm",  # the intensifier no longer follows the complaint
        "rất tệ lắm",
        "!",
        "bình thường",
    ]
    # when their intensities are found as a batch, and with syllables that are not the texts'
    got = lex.intensities(tokenise_batch(texts))
    odd = lex.intensities(tokenise_batch(texts, [["không"], None, None, None, None, None, None, None]))
    # then each is the intensity of scoring its text alone, to the last bit
    expected = [lex.score(t)[0] for t in texts]
    assert [repr(v) for v in got] == [repr(v) for v in expected]
    assert [repr(v) for v in odd] == [repr(v) for v in expected]
    # (and the runs counted as tokens: the negator reaches "tốt" past one run, not two)
    assert expected[0] < expected[1] and expected[4] < expected[5]


@pytest.mark.parametrize("in_order", [True, False])
def test_batch_intensities_sum_each_texts_evidence_as_scoring_does(monkeypatch, in_order):
    # given texts with one, several and no pieces of evidence, and Python's sum taken to add
    # in order (before 3.12) or not
    from duluan.analysis import sentiment

    monkeypatch.setattr(sentiment, "_SUM_ADDS_IN_ORDER", in_order)
    lex = lexicon()
    texts = [
        "rất tệ, không tốt, bức xúc quá, tệ lắm, chậm trễ, hách dịch!!",
        "bình thường",
        "tệ",
        "!",
        "không tốt không tốt không tốt không tốt",
        "",
    ]
    # when their intensities are found at once
    got = lex.intensities(tokenise_batch(texts))
    # then each is, to the last bit, the intensity of scoring its text alone
    assert [repr(v) for v in got] == [repr(lex.score(t)[0]) for t in texts]
    assert got[0] > got[2] > 0 and got[1] == got[5] == 0.0


def test_the_shipped_lexicon_knows_an_officials_extortion_and_a_landslide():
    # (before 2026-12-07 "vòi tiền", "vòi vĩnh", "sạt lở" and "ngập" weighed nothing: a complaint of
    # them read as calm as a greeting)
    lex = ComplaintLexicon.load()
    for text in ("Cán bộ xã vòi tiền.", "Cán bộ vòi vĩnh dân.", "Đường sạt lở.", "Nhà dân bị ngập."):
        intensity, phrases = lex.score(text)
        assert intensity > 0 and phrases, text
