"""Cues: an official and an act of misconduct near each other raise the odds of ``corruption``."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace

import numpy as np
import pytest

from duluan.analysis.cues import TopicCue, accent_free_cue, cue_margins, spelling_readings
from duluan.analysis.features import tokenise_batch
from duluan.analysis.taxonomy import load_taxonomy
from duluan.analysis.topic import TopicClassifier, taxonomy_cues

CUE = TopicCue(
    "corruption", ("cán bộ", "csgt", "cảnh sát giao thông"), ("nhận tiền", "lạm thu"), window=4, boost=6.0
)

# A toy sector model: transport and health news, and a few texts about bribes.
TRAINING = [
    ("Tài xế xe tải chạy quá tốc độ trên quốc lộ bị lập biên bản", "transport"),
    ("Quốc lộ xuống cấp, xe tải cày nát mặt đường", "transport"),
    ("Tài xế xe khách vượt ẩu trên quốc lộ gây tai nạn", "transport"),
    ("Xe tải chở quá tải trọng làm hỏng cầu trên quốc lộ", "transport"),
    ("Bệnh viện quá tải, bệnh nhân nằm ghép", "health"),
    ("Trạm y tế xã thiếu thuốc cho người bệnh", "health"),
    ("Bệnh nhân chờ khám cả buổi ở bệnh viện", "health"),
    ("Khởi tố vụ án tham nhũng, thu hồi tài sản", "corruption"),
    ("Kỷ luật cán bộ sai phạm, kết luận thanh tra", "corruption"),
    ("Tham ô tài sản nhà nước, lãng phí ngân sách", "corruption"),
]
BRIBE = "CSGT nhận tiền của tài xế xe tải trên quốc lộ"


def test_a_cue_fires_where_its_two_phrases_stand_close_in_one_sentence():
    # given a cue of officials and acts at most 4 words apart
    # then it fires on the two in either order, whole words, in any case or tone placement
    assert CUE.find("CSGT đứng đường nhận tiền của tài xế") == ("csgt", "nhận tiền")
    assert CUE.find("Phụ huynh tố nhà trường lạm thu, cán bộ phòng giáo dục im lặng") == ("cán bộ", "lạm thu")
    assert CUE.find("CẢNH SÁT GIAO THÔNG NHẬN TIỀN") == ("cảnh sát giao thông", "nhận tiền")
    assert CUE.find("Cán bộ xã thu 1.500.000 đồng, nhận tiền xong") == ("cán bộ", "nhận tiền")
    # and not across a sentence's end, beyond its window, on part of a word, or on one phrase alone
    assert CUE.find("Tôi gặp CSGT. Sau đó người bán hàng nhận tiền") is None
    assert (
        CUE.find("Tôi gặp CSGT\nngười bán nhận tiền") is None
        and CUE.find("Hỏi CSGT? Người bán nhận tiền") is None
    )
    assert CUE.find("CSGT hướng dẫn người dân ký giấy tờ rồi về nhà nhận tiền bồi thường") is None
    assert CUE.find("Đội csgtx nhận tiền") is None
    assert CUE.find("Cán bộ xã nhiệt tình hướng dẫn") is None and CUE.find("") is None


def test_a_fraudster_posing_as_an_official_keeps_the_cue_from_firing_in_that_sentence():
    # given the cue with phrases of posing as an official
    cue = replace(CUE, unless=("giả danh", "tự xưng"))
    # then a fraudster posing as one is no official's misconduct, in that sentence alone
    assert cue.find("Kẻ giả danh cán bộ nhận tiền của dân") is None
    assert cue.find("Một người tự xưng là CSGT nhận tiền của tài xế") is None
    assert cue.find("Ông ấy bị kẻ giả danh lừa. Sau đó cán bộ xã nhận tiền") == ("cán bộ", "nhận tiền")
    assert CUE.find("Kẻ giả danh cán bộ nhận tiền của dân") == ("cán bộ", "nhận tiền")
    # and typed without diacritics too, every folded spelling of them kept
    bare = accent_free_cue(cue, {"nhan tien": {"nhận tiền": 9}, "can bo": {"cán bộ": 9}})
    assert bare.bare_unless == ("gia danh", "tu xung")
    assert bare.find("ke gia danh can bo nhan tien cua dan") is None
    assert bare.find("can bo nhan tien cua dan") == ("can bo", "nhan tien")


def test_an_act_within_a_phrase_of_what_a_citizen_is_owed_is_not_read():
    # given a cue whose not_acts hold its acts' words ("nhận tiền" of "nhận tiền thưởng")
    cue = replace(CUE, not_acts=("nhận tiền thưởng", "chưa nhận tiền"))
    # then an official owed money is no misconduct, nor one who has not been paid
    assert cue.find("Cán bộ xã vẫn chưa nhận tiền thưởng Tết") is None
    assert cue.find("Cán bộ hợp đồng chưa nhận tiền ba tháng nay") is None
    # while the act alone still fires, in the same text too, and the cue without them as before
    assert cue.find("Cán bộ nhận tiền thưởng, rồi cán bộ ấy nhận tiền của dân") == ("cán bộ", "nhận tiền")
    assert CUE.find("Cán bộ xã vẫn chưa nhận tiền thưởng Tết") == ("cán bộ", "nhận tiền")
    # and a phrase glued to a longer word ("chưa nhận tiền thưởngg") covers nothing
    assert cue.find("Cán bộ nhận tiền thưởngg") == ("cán bộ", "nhận tiền")
    # typed without diacritics, every folded spelling of them is read
    bare = accent_free_cue(cue, {"nhan tien": {"nhận tiền": 9}, "can bo": {"cán bộ": 9}})
    assert bare.bare_not_acts == ("nhan tien thuong", "chua nhan tien")
    assert bare.find("can bo xa chua nhan tien thuong tet") is None
    assert bare.find("can bo xa nhan tien cua dan") == ("can bo", "nhan tien")


def test_text_typed_without_diacritics_is_read_with_the_spellings_real_text_means_so():
    # given real text where "lam thu" is mostly "làm thủ (tục)" and "nhan tien" is "nhận tiền"
    texts = ["Người dân đến làm thủ tục cấp sổ, cán bộ nhận tiền lệ phí."] * 5 + ["Trường lạm thu."]
    readings = spelling_readings(texts, [*CUE.actors, *CUE.acts])
    assert readings["lam thu"] == {"làm thủ": 5, "lạm thu": 1}
    assert readings["nhan tien"] == {"nhận tiền": 5} and readings["can bo"] == {"cán bộ": 5}
    # when the cue's folded spellings are kept by those readings
    cue = accent_free_cue(CUE, readings)
    # then a bare message is read by the spellings that mean the cue's phrases
    assert "nhan tien" in cue.bare_acts and "lam thu" not in cue.bare_acts
    assert cue.find("csgt dung duong nhan tien cua tai xe") == ("csgt", "nhan tien")
    assert cue.find("lam thu tuc dang ky, can bo huong dan") is None
    # while a cue without folded spellings does not read bare text at all
    assert CUE.find("csgt dung duong nhan tien cua tai xe") is None
    # and texts typed without diacritics say nothing of what a spelling means
    assert spelling_readings(["lam thu tuc, can bo nhan tien"], CUE.acts) == {}


def test_a_cue_multiplies_its_topics_odds_by_the_exponential_of_its_boost():
    # given three classes, a temperature and two texts of which one holds the cue
    classes = np.array(["corruption", "health", "transport"])
    part = cue_margins([BRIBE, "Bệnh viện quá tải"], classes, [CUE], temperature=2.0)
    # then the cue's text gets boost / temperature on its topic's margin, nothing else
    assert part.dtype == np.float32 and part.tolist() == [[3.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    # and where no cue fires, or the model lacks the topic, there is no part at all
    assert cue_margins(["Bệnh viện quá tải"], classes, [CUE], 2.0) is None
    assert cue_margins([BRIBE], np.array(["health", "transport"]), [CUE], 2.0) is None


def test_a_batch_reads_with_the_cue_only_the_texts_holding_a_word_of_an_act_and_of_an_actor():
    # given a cue that reads bare text too, and a batch: its pair, an act alone, an actor alone,
    # nothing of it, the pair typed without diacritics, and the pair in capitals
    cue = accent_free_cue(CUE, {"nhan tien": {"nhận tiền": 9}, "can bo": {"cán bộ": 9}})
    texts = [
        BRIBE,
        "Người bán hàng nhận tiền",
        "CSGT hướng dẫn người dân",
        "Bệnh viện quá tải",
        "can bo xa nhan tien cua dan",
        "CÁN BỘ XÃ LẠM THU",
    ]
    batch = tokenise_batch(texts)
    # then the candidates are the texts holding a word of each list, and the bare one
    assert cue.candidates(batch) == [0, 4, 5]
    assert CUE.candidates(batch) == [0, 5]  # a cue without folded spellings reads no bare text
    # and the margins read from the batch are those read from every text
    classes = np.array(["corruption", "health", "transport"])
    for one in (cue, CUE):
        from_batch = cue_margins(batch, classes, [one], temperature=2.0)
        assert from_batch.tolist() == cue_margins(texts, classes, [one], temperature=2.0).tolist()
    assert from_batch[:, 0].tolist() == [3.0, 0.0, 0.0, 0.0, 0.0, 3.0]


def test_two_cues_of_the_same_phrases_read_a_batch_once_and_each_its_bare_texts_by_its_own(monkeypatch):
    # given the topic's cue and the sentiment's (the same phrases aimed at negative), whose
    # folded spellings differ, and a batch of accented and bare texts
    topic = accent_free_cue(CUE, {"nhan tien": {"nhận tiền": 9}, "can bo": {"cán bộ": 9}})
    mood = replace(
        accent_free_cue(CUE, {"nhan tien": {"nhân tiện": 9}, "can bo": {"cán bộ": 9}}),
        topic="negative",
        boost=3.0,
    )
    texts = [BRIBE, "can bo xa nhan tien cua dan", "Bệnh viện quá tải", "CÁN BỘ XÃ LẠM THU", "can bo lam thu"]
    reads = []
    accented = TopicCue._accented_candidates
    monkeypatch.setattr(
        TopicCue, "_accented_candidates", lambda self, batch: reads.append(1) or accented(self, batch)
    )
    for first, second in ((topic, mood), (mood, topic)):
        batch = tokenise_batch(texts)
        # when both read it, one after the other
        rows = [first.firing(batch), second.firing(batch)]
        # then each fires where its own reading of each text finds a pair (the bare texts by
        # its own folded spellings: "nhan tien" is the topic's alone)
        for cue, fired in zip((first, second), rows, strict=True):
            assert fired == [row for row, text in enumerate(texts) if cue.find(text) is not None]
        assert 1 in topic.firing(batch) and 1 not in mood.firing(batch)
        assert {0, 3} <= set(mood.firing(batch))
    # and the accented texts were looked up once per batch, not once per cue
    assert len(reads) == 2
    # and a cue of other phrases reads the batch for itself
    other = replace(CUE, acts=("vòi tiền",))
    assert other.firing(batch) == [] and len(reads) == 3


def test_a_cue_is_data_of_its_topic_in_the_taxonomy_and_bad_data_is_refused(tmp_path):
    # given the shipped taxonomy: its corruption topic holds the cue of the labelling guide's rule 2
    cue = load_taxonomy().get("corruption").cue
    assert cue is not None and cue.topic == "corruption" and cue.boost > 0 and cue.window > 0
    assert {"cán bộ", "csgt", "hiệu trưởng"} <= set(cue.actors) and {"nhận tiền", "lạm thu"} <= set(cue.acts)
    assert cue.find("Cảnh sát giao thông nhận tiền của tài xế xe tải") is not None
    assert cue.find("Đối tượng giả danh cảnh sát giao thông nhận tiền của tài xế") is None
    # and it knows the slang of a bribe, covering up and an official car put to private use
    # (before 2026-12-06 these read as social affairs, security, culture and administrative
    # procedures)
    for text in (
        "Cán bộ tư pháp bảo phải có tiền trà nước mới làm nhanh được",
        "Cán bộ một cửa đòi chung chi mới trả hồ sơ",
        "Trưởng công an xã bao che cho quán karaoke hoạt động trái phép",
        "Phó chủ tịch xã dùng xe công chở gia đình đi du lịch",
    ):
        assert cue.find(text) is not None, text
    # and appointing one's own family (before 2026-12-07: no cue, read as labour affairs), but
    # not the money a citizen or an official is owed, nor a kidnapper's ransom
    assert cue.find("Chủ tịch xã bổ nhiệm con trai làm phó phòng") == ("chủ tịch xã", "bổ nhiệm con")
    for text in (
        "Giáo viên chưa nhận tiền thưởng Tết",
        "Công nhân đòi tiền lương, công an vào cuộc giải quyết",
        "Cán bộ địa chính hướng dẫn các hộ nhận tiền đền bù",
        "Công an bắt kẻ bắt cóc đòi tiền chuộc",
    ):
        assert cue.find(text) is None, text
    # and no other topic has one
    assert [t.code for t in load_taxonomy().topics if t.cue is not None] == ["corruption"]
    # when a taxonomy file gives a cue without acts, a lone string, or a negative boost
    raw = json.loads(load_taxonomy.__globals__["TAXONOMY_PATH"].read_text(encoding="utf-8"))
    topic = next(t for t in raw["topics"] if t["code"] == "corruption")
    for bad, says in (
        ({"actors": ["cán bộ"]}, "needs lists"),
        ({"actors": "cán bộ", "acts": ["nhận tiền"]}, "needs lists"),
        ({"actors": ["cán bộ"], "acts": [" "]}, "empty list"),
        ({"actors": ["cán bộ"], "acts": ["nhận tiền"], "unless": []}, "empty list"),
        ({"actors": ["cán bộ"], "acts": ["nhận tiền"], "not_acts": "nhận tiền lương"}, "needs lists"),
        ({"actors": ["cán bộ"], "acts": ["nhận tiền"], "boost": -1}, "boost"),
        ({"actors": ["cán bộ"], "acts": ["nhận tiền"], "window": "x"}, "window and boost must be numbers"),
    ):
        topic["cue"] = bad
        path = tmp_path / "taxonomy.json"
        path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        # then it is refused, saying what is wrong
        with pytest.raises(ValueError, match=says):
            load_taxonomy(path)


def test_a_cue_pickled_before_a_field_existed_loads_with_that_fields_default():
    # given a cue as a model file keeps it, and the same state without a field added later
    cue = replace(CUE, unless=("giả danh",))
    restored = pickle.loads(pickle.dumps(cue))  # noqa: S301 - our own bytes
    assert restored == cue
    del restored.__dict__["unless"]
    # then the cue reads as one that never had the field, not as one with its fields shifted
    assert restored.unless == () and restored.acts == CUE.acts and restored.boost == CUE.boost


def _model(**params) -> TopicClassifier:
    texts, labels = zip(*TRAINING, strict=True)
    return TopicClassifier(min_count=1, calibration_fraction=0, **params).fit(list(texts), list(labels))


def test_a_model_with_a_cue_routes_an_officials_bribe_to_corruption_on_every_path(tmp_path):
    # given the same sector model without and with the cue
    plain, cued = _model(), _model(cues=[CUE])
    # then without it the bribe reads as its sector; with it, as corruption
    assert plain.predict([BRIBE])[0].label == "transport"
    texts = [BRIBE, "Xe tải cày nát quốc lộ", "Bệnh nhân nằm ghép ở bệnh viện"]
    preds = cued.predict(texts)
    assert [p.label for p in preds] == ["corruption", "transport", "health"]
    # and its odds of corruption are those of the model without the cue times exp(boost)
    before, after = plain.predict_proba([BRIBE])[0], cued.predict_proba([BRIBE])[0]
    column = list(cued.classes_).index("corruption")
    odds = after[column] / (1 - after[column]) / (before[column] / (1 - before[column]))
    assert odds == pytest.approx(np.exp(CUE.boost), rel=1e-3)
    assert preds[0].score == pytest.approx(after[column], abs=1e-6)
    # and every way of predicting agrees: labels alone, by the compiled loops, as fields, from a file
    labels, scores = cued.predict_labels(texts)
    assert scores.tolist() == pytest.approx([p.score for p in preds], abs=1e-6)
    assert labels.tolist() == [p.label for p in preds]
    assert cued.load_compiled()
    assert cued.predict_labels(texts, compiled=True)[0].tolist() == labels.tolist()
    assert cued.predict_fields(texts)[0] == labels.tolist()
    cued.save(tmp_path / "cued.model")
    loaded = TopicClassifier.load(tmp_path / "cued.model")
    assert loaded.cues == (CUE,) and loaded.predict_labels(texts)[0].tolist() == labels.tolist()
    # and the bribe's explanation names the cue first, weighing what it added to the margin,
    # then the n-grams that weigh for corruption; a text the cue did not raise names none
    assert preds[0].terms[0] == ("csgt … nhận tiền", round(CUE.boost / cued.temperature_, 4))
    assert len(preds[0].terms) <= cued.top_terms and all(weight > 0 for _, weight in preds[0].terms)
    assert not any("…" in term for p in preds[1:] for term, _ in p.terms)
    assert cued.predict_fields(texts)[2][0][0] == "csgt … nhận tiền"
    # while a model trained before cues existed has none
    assert TopicClassifier.cues == ()


def test_classify_reads_a_cue_in_a_file_of_plain_lines(tmp_path):
    # given a model with the cue and a JSONL file of plain lines, large enough for the compiled loops
    from duluan.commands._labelled_rows import model_labels

    cued = _model(cues=[CUE])
    assert cued.load_compiled(placing=True)
    texts = [BRIBE, "Xe tải cày nát quốc lộ"] * 50
    # when they are labelled the way `duluan classify` labels raw texts
    labels, _ = model_labels(cued, texts)
    # then the bribe is corruption there too, and the code-point path leaves such a model alone
    assert labels.tolist() == ["corruption", "transport"] * 50
    assert cued.margins_of_codes(np.zeros(3, dtype=np.uint32), np.zeros(1, dtype=np.uint64)) is None


def test_taxonomy_cues_keep_the_folded_spellings_the_given_text_reads_as_theirs():
    # given real sentences where "voi tien" is "với tiền" and "hoi lo" is "hối lộ"
    texts = ["Anh ấy đến với tiền mặt, không nhận hối lộ."] * 6
    cue = taxonomy_cues(load_taxonomy(), texts)[0]
    # then the folded cue reads "hoi lo" but not "voi tien" in a bare message
    assert "hoi lo" in cue.bare_acts and "voi tien" not in cue.bare_acts
    assert cue.find("can bo dia chinh nhan hoi lo") is not None
    assert cue.find("can bo den voi tien mat") is None


def test_the_cue_leads_the_terms_and_no_term_after_it_says_one_of_its_phrases_again():
    # given a bribe labelled corruption, explained by terms two of which the cue's pair says
    from duluan.analysis.cues import cue_terms

    terms = [(("nhận tiền", 0.5), ("tài xế", 0.3), ("csgt", 0.2), ("tiền", 0.1))]
    labels = np.array(["corruption"])
    # when the cue's pair leads them
    (got,) = cue_terms([BRIBE], labels, terms, [CUE], 1.0, 5)
    (words,) = cue_terms([BRIBE], labels, [["nhận tiền", "tài xế", "csgt", "tiền"]], [CUE], 1.0, 5, True)
    # then the pair comes first, and the terms that are one of its phrases, or within one, go
    assert got == (("csgt … nhận tiền", 6.0), ("tài xế", 0.3))
    assert words == ["csgt … nhận tiền", "tài xế"]
