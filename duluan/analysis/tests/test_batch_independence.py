"""A text's prediction does not depend on the texts it is classified with."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.analysis.linear_text import LinearTextClassifier
from duluan.analysis.sentiment import SentimentClassifier

TRAIN = [
    ("cán bộ nhiệt tình, giải quyết nhanh", "positive"),
    ("rất hài lòng với thái độ phục vụ", "positive"),
    ("thủ tục gọn, trả kết quả đúng hẹn!", "positive"),
    ("chờ cả tháng không ai giải quyết", "negative"),
    ("cán bộ hách dịch, gây khó dễ cho dân", "negative"),
    ("(bức xúc) đường hỏng lâu ngày", "negative"),
    ("tôi hỏi về lịch tiếp công dân", "neutral"),
    ("xin hỏi giờ làm việc của bộ phận một cửa?", "neutral"),
] * 3

# Texts that begin and end with a letter, a digit, punctuation or a space, one letter long, empty.
TEXTS = [
    "Đường ngập quá, dân rất bức xúc",
    "Cán bộ phường làm việc tận tình, chu đáo",
    '"Giá điện tăng cao" khiến người dân lo lắng.',
    " 3 tháng chờ sổ đỏ 5",
    "a",
    "",
    "ư ư ư",
    "…rất hài lòng…",
]


@pytest.fixture(scope="module")
def models():
    texts, labels = zip(*TRAIN, strict=True)
    return [
        SentimentClassifier().fit(texts, labels),
        LinearTextClassifier(char_ngram_range=(1, 3), calibration_fraction=0).fit(texts, labels),
        LinearTextClassifier(char_ngram_range=(2, 5), calibration_fraction=0).fit(texts, labels),
    ]


def scores(model, texts):
    return model.decision_function(texts).tolist()


def test_character_ngram_models_score_a_text_alone_as_in_any_batch(models):
    # given models over syllable and character n-grams, and texts of every kind of edge
    for model in models:
        # when each text is scored alone, and all of them together in one batch
        alone = [scores(model, [text])[0] for text in TEXTS]
        together = scores(model, TEXTS)
        # then every margin is the same to the last bit, first and last text included
        assert together == alone, type(model).__name__


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("aăâđêôơư bcdhnt áàạ.,!?()\"'0-9 \n"), max_size=40),
        min_size=1,
        max_size=8,
    ),
    st.integers(min_value=0, max_value=7),
)
def test_where_a_text_falls_in_a_batch_does_not_change_its_prediction(models, texts, cut):
    # given a batch of odd texts, cut in two anywhere
    cut = min(cut, len(texts))
    for model in models:
        # when the batch is scored whole and as its two parts
        whole = scores(model, texts)
        parts = scores(model, texts[:cut]) + scores(model, texts[cut:]) if 0 < cut < len(texts) else whole
        # then each text's margins are the same
        assert parts == whole


def test_the_pipeline_gives_a_report_the_same_sentiment_alone_as_in_an_import(models):
    # given the sentiment step of the pipeline (it reads the syllables the normalise step split),
    # and reports as a web form sends them one by one and as an import sends them in a batch
    from duluan.analysis.pipeline import Document, NormaliseStep, SentimentStep

    step = SentimentStep(models[0])

    def analysed(texts):
        docs = NormaliseStep()([Document(str(i), text) for i, text in enumerate(texts)])
        return [doc.sentiment for doc in step(docs)]

    # when each is analysed alone and all of them together
    alone = [analysed([text])[0] for text in TEXTS]
    together = analysed(TEXTS)
    # then each report has the same label, score and intensity either way
    assert together == alone
