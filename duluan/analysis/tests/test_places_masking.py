"""Place names hidden from the models: a text's label and score do not depend on the commune it
names (duluan.analysis.places.masking)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from duluan.analysis.places.masking import (
    PLACE_TOKEN,
    known_street_names,
    mask_places,
    mask_spans,
    street_spans,
)
from duluan.analysis.sentiment import SentimentClassifier
from duluan.analysis.tests.test_sentiment import communes_of_home_province as communes
from duluan.analysis.topic import TopicClassifier

# A toy corpus in which two communes' names go with one label each, as news ties names to
# floods or festivals: a model that reads the names learns them.
TRAINING = [
    ("Đường ở xã Tân Yên ngập sâu, dân bức xúc", "negative"),
    ("Xã Tân Yên mất điện cả ngày, dân phản ánh mãi không ai giải quyết", "negative"),
    ("Cống ở xã Tân Yên tắc, nước thải tràn vào nhà dân", "negative"),
    ("Rác thải bốc mùi, người dân rất bức xúc", "negative"),
    ("Xã An Lạc khánh thành cầu mới, dân rất vui", "positive"),
    ("Xã An Lạc được khen thưởng vì làm tốt cải cách hành chính", "positive"),
    ("Cán bộ xã An Lạc nhiệt tình hướng dẫn thủ tục", "positive"),
    ("Cán bộ tận tình, người dân hài lòng", "positive"),
    # the names' words in their own sense, which a model that masks names still learns
    ("Người dân an tâm, lạc quan vì được hỗ trợ kịp thời", "positive"),
    ("Đêm nào cũng ồn ào, dân không yên, nhà tân hôn cũng bị làm phiền", "negative"),
    ("Lịch tiếp công dân tháng này vào thứ năm", "neutral"),
    ("Hồ sơ nộp tại bộ phận một cửa trong giờ hành chính", "neutral"),
    ("Thủ tục cấp giấy phép gồm những giấy tờ nào", "neutral"),
]
PROBE = "Người dân xã {} gửi ý kiến"


def toy_model(mask: bool) -> SentimentClassifier:
    texts, labels = zip(*TRAINING, strict=True)
    return SentimentClassifier(
        min_count=1, calibration_fraction=0, nb_svm_C=0, char_ngram_range=None, mask_places=mask
    ).fit(list(texts), list(labels))


def test_spans_are_replaced_by_the_placeholder_and_the_type_word_stays():
    # given a text naming a commune and a district, and one naming none
    text = "Đường ngập ở xã Tân Dĩnh, huyện Lạng Giang"
    # when their places are masked
    masked, plain = mask_places([text, "Đường ngập sau mưa"])
    # then each name is the placeholder, the type words stay, and the other text is unchanged
    assert masked == f"Đường ngập ở xã {PLACE_TOKEN}, huyện {PLACE_TOKEN}"
    assert plain == "Đường ngập sau mưa"
    # and spans are replaced in order, whatever order they come in, an overlapping one once
    assert mask_spans("a Bc De f", [(5, 7), (2, 4), (3, 4)]) == f"a {PLACE_TOKEN} {PLACE_TOKEN} f"
    assert mask_spans("abc", []) == "abc"
    # and the placeholder never joins a letter or digit the name was glued to
    assert mask_spans("xãTân Dĩnh9", [(2, 10)]) == f"xã {PLACE_TOKEN} 9"


def test_a_streets_name_is_masked_and_the_words_after_a_street_word_are_not():
    # given texts naming streets after their type word, as citizens and hotline officers write
    # them, and texts where such a word is followed by no name
    named = {
        "Khiếu nại: đường Kinh Dương Vương ngập sâu": "Kinh Dương Vương",
        "Ngõ 12 phố Huế: cống tắc": "Huế",
        "Rác ùn ứ (đường Nguyễn Gia Thiều)": "Nguyễn Gia Thiều",
        "Đường Trần Hưng Đạo, phường Kinh Bắc mất điện": "Trần Hưng Đạo",
        "nha o hem Le Loi bi ngap": "Le Loi",
    }
    unnamed = [
        "thành phố Thông minh",  # a city, the gazetteer's
        "hội kiến tại Đại lễ đường Nhân dân",  # a hall
        "đường sắt Cát Linh - Hà Đông",  # a railway
        "Đường dây nóng của tỉnh",
        "tuyến đường này. Người dân phản ánh",  # a sentence after
        "đường ĐT295 hỏng nặng",  # a road's number
        "ở đường nguyễn gia thiều",  # small letters, a name the news never writes so
        "giá đường tăng",
        "đường mới làm đã hỏng",  # small letters, no name
        "đường lý thái",  # small letters, the start of a known name alone
    ]
    # then each name, and nothing else, is a span; and masked, it is the placeholder
    for text, name in named.items():
        assert [text[a:b] for a, b in street_spans(text)] == [name], text
    assert [street_spans(text) for text in unnamed] == [[]] * len(unnamed)
    masked = mask_places(list(named))
    assert masked[0] == f"Khiếu nại: đường {PLACE_TOKEN} ngập sâu"
    assert masked[3] == f"Đường {PLACE_TOKEN}, phường {PLACE_TOKEN} mất điện"


def test_a_known_streets_name_is_masked_in_small_letters_the_longest_that_fits():
    # given the names the news writes with capitals after a street's type word, and messages
    # typed in small letters naming some of them
    names = known_street_names()
    assert {"lý thái tổ", "nguyễn trãi", "hàng mã", "biên hòa"} <= names
    assert all(" " in name and name == name.lower() for name in names)
    named = {
        "ở đường lý thái tổ: rác ùn ứ": "lý thái tổ",
        "nhà tôi ở đường nguyễn trãi bị ngập sâu": "nguyễn trãi",
        "phố hàng mã đông quá": "hàng mã",
        "ngõ 5 đường kinh dương vương ngập": "kinh dương vương",
        "đường biên hoà tắc": "biên hoà",  # the tone placed otherwise than in the table
        "đường trường sơn đông mất điện": "trường sơn đông",  # not "trường sơn", also known
    }
    # then each name is a span, the longest known one, and masked it is the placeholder
    for text, name in named.items():
        assert [text[a:b] for a, b in street_spans(text)] == [name], text
    # and not when asked for capitalised names alone (as the script that makes the list does)
    assert street_spans("nhà tôi ở đường nguyễn trãi bị ngập sâu", known_names=False) == []
    assert mask_places(["nhà tôi ở đường nguyễn trãi bị ngập sâu"]) == [
        f"nhà tôi ở đường {PLACE_TOKEN} bị ngập sâu"
    ]
    # and a name with capitals is still read by its capitals, whether known or not
    assert [street_spans(t) for t in ("đường Nguyễn Trãi ngập", "đường Nguyễn Gia Thiều ngập")] == [
        [(6, 17)],
        [(6, 22)],
    ]


def test_a_model_that_masks_places_reads_every_commune_alike():
    # given two models learnt from news that ties one commune to complaints and another to
    # praise, one reading place names and one masking them
    reading, masking = toy_model(mask=False), toy_model(mask=True)
    names = communes()
    assert len(names) == 99 and {"Tân Yên", "An Lạc"} <= set(names)
    texts = [PROBE.format(name) for name in names]
    # when both read the same complaint about each commune of the province
    read_labels, _ = reading.predict_labels(texts)
    masked_labels, masked_scores = masking.predict_labels(texts)
    # then the reading model's label follows the name
    by_name = dict(zip(names, read_labels.tolist(), strict=True))
    assert by_name["Tân Yên"] == "negative" and by_name["An Lạc"] == "positive"
    # and the masking one gives every commune the same label and the same score
    assert len(set(masked_labels.tolist())) == 1 and len(set(masked_scores.tolist())) == 1
    # through every way in: probabilities, margins and the full prediction
    assert np.ptp(masking.predict_proba(texts), axis=0).max() == 0
    assert len({p.label for p in masking.predict(texts)}) == 1
    # and no explanation names the placeholder ("xã diadanh" would tell an official nothing)
    explained = masking.predict(texts[:5], explain=True)
    assert all(p.terms for p in explained)
    assert not any(PLACE_TOKEN in term.split() for p in explained for term, _ in p.terms)


def test_the_flag_is_kept_in_the_model_file_and_older_models_read_names(tmp_path):
    # given a model that masks places, saved and loaded again
    path = toy_model(mask=True).save(tmp_path / "sentiment.model")
    loaded = SentimentClassifier.load(path)
    # then it still masks them, and reads two communes alike
    assert loaded.mask_places
    labels, scores = loaded.predict_labels([PROBE.format("Tân Yên"), PROBE.format("An Lạc")])
    assert labels[0] == labels[1] and scores[0] == scores[1]
    # and a model saved before the flag existed (no such attribute) reads names, as it learnt
    older = toy_model(mask=False)
    del older.__dict__["mask_places"]
    assert older.mask_places is False and TopicClassifier().mask_places is False


def test_the_pipeline_masks_the_places_it_found_for_such_models_only():
    # given the per-row steps with the toy model for sentiment, masking places, and two
    # documents that differ only by the commune named
    from duluan.analysis.pipeline import (
        DedupeFeaturesStep,
        Document,
        NormaliseStep,
        Pipeline,
        PlacesStep,
        SentimentStep,
    )
    from duluan.analysis.places.masking import default_gazetteer

    masking = toy_model(mask=True)
    steps = Pipeline(
        [NormaliseStep(), PlacesStep(default_gazetteer()), SentimentStep(masking), DedupeFeaturesStep()]
    )
    docs = [Document(id=name, text=PROBE.format(name)) for name in ("Tân Yên", "An Lạc")]
    docs.append(Document(id="none", text="Đường ngập sau mưa"))
    docs.append(Document(id="street", text="Đường Kinh Dương Vương ngập sau mưa"))
    # when they are analysed
    out = steps.run(docs)
    # then both read alike, as the model reads the masked texts, which it is given as raw texts
    first, second, plain, street = out
    assert street.masked[0] == f"Đường {PLACE_TOKEN} ngập sau mưa" and not street.places
    assert first.sentiment == second.sentiment
    labels, scores = masking.predict_labels([PROBE.format("Tân Yên"), "Đường ngập sau mưa"])
    assert first.sentiment["label"] == labels[0] and first.sentiment["score"] == pytest.approx(scores[0])
    assert plain.sentiment["label"] == labels[1] and plain.sentiment["score"] == pytest.approx(scores[1])
    # and everything else still reads the text as written: the normalised text keeps the name,
    # the masked view is only the models', and the two texts are no duplicates of each other
    assert "Tân Yên" in first.normalised and first.masked[0] == f"Người dân xã {PLACE_TOKEN} gửi ý kiến"
    assert PLACE_TOKEN in first.masked[1] and PLACE_TOKEN not in first.tokens
    assert plain.masked == (plain.normalised, plain.tokens)
    assert first.content_hash != second.content_hash
    # and a model that reads names is given the texts as written
    reading = toy_model(mask=False)
    docs = [Document(id=name, text=PROBE.format(name)) for name in ("Tân Yên", "An Lạc")]
    out = Pipeline([NormaliseStep(), PlacesStep(default_gazetteer()), SentimentStep(reading)]).run(docs)
    assert [d.sentiment["label"] for d in out] == ["negative", "positive"]
    assert all(d.masked is None for d in out)


@pytest.mark.parametrize("large", [False, True])
def test_classify_and_train_commands_mask_places_for_such_models(tmp_path, capsys, monkeypatch, large):
    # given a labelled file of the toy corpus, and a file of the same complaint about each
    # commune, read as a small input and as a large one (the compiled loops, which read plain
    # JSON lines as code points, where a model that masks places must read strings)
    from duluan.cli import main
    from duluan.commands import classify as classify_command

    monkeypatch.setattr(classify_command, "COMPILED_MIN_BYTES", 0 if large else 1 << 62)

    # (four labels for the topic model: the loops read code points for models of more than three
    # classes; a sentiment model learns the three moods alone)
    health = [("Bệnh viện quá tải, bệnh nhân nằm ghép", "health"), ("Trạm y tế thiếu thuốc", "health")]
    datas = {"topic": tmp_path / "topic.train.jsonl", "sentiment": tmp_path / "sentiment.train.jsonl"}
    for task, rows_of in (("topic", TRAINING + health), ("sentiment", TRAINING)):
        datas[task].write_text(
            "".join(
                json.dumps({"text": t, "label": label}, ensure_ascii=False) + "\n" for t, label in rows_of * 3
            ),
            encoding="utf-8",
        )
    names = communes()
    rows = [{"id": f"{i}-{k}", "text": PROBE.format(name)} for i in range(3) for k, name in enumerate(names)]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for task in ("topic", "sentiment"):
        model = tmp_path / f"{task}.model"
        # when a model is trained with --mask-places and labels the file
        code = main(
            [
                "train",
                "--task",
                task,
                "--data",
                str(datas[task]),
                "--mask-places",
                "-o",
                str(model),
                "--no-progress",
            ]
        )
        assert code == 0
        out = tmp_path / f"{task}.jsonl"
        assert main(["classify", "--model", str(model), str(source), "-o", str(out), "--no-progress"]) == 0
        # then every commune gets the same label and score
        got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(got) == len(rows)
        assert len({(g["label"], g["score"]) for g in got}) == 1
    capsys.readouterr()
