"""The topic classifier, its model files, the taxonomy and the gold set."""

from __future__ import annotations

import json
import random
from collections import Counter

import numpy as np
import pytest

from duluan.analysis.features import NgramFeaturizer
from duluan.analysis.messages import labelled, load_messages, with_addresses, with_contact_details
from duluan.analysis.model_io import FORMAT_VERSION, ModelFileError, read_model_info
from duluan.analysis.sentiment import BareMentionCue, bare_mention_cue
from duluan.analysis.taxonomy import (
    LETTERS_GOLD_PATH,
    MISCONDUCT_GOLD_PATH,
    GoldLabel,
    load_examples,
    load_gold,
    load_taxonomy,
)
from duluan.analysis.topic import (
    BARE_MENTION_BOOST,
    TopicClassifier,
    TopicPrediction,
    build_government_topic_model,
)
from duluan.shared_data import shared_data_dir

FLOOD = "Đường ngập sâu sau mưa, cống thoát nước tắc, xe chết máy giữa phố"
TOY = [
    ("Đường ngập sâu sau mưa lớn, cống thoát nước bị tắc", "flood"),
    ("Mưa lớn làm ngập nhiều tuyến phố, nước tràn vào nhà", "flood"),
    ("Cống thoát nước tắc khiến khu dân cư ngập úng", "flood"),
    ("Phố ngập nửa mét sau trận mưa chiều qua", "flood"),
    ("Bệnh viện huyện quá tải, bệnh nhân nằm ghép", "health"),
    ("Trạm y tế xã thiếu thuốc điều trị cho người bệnh", "health"),
    ("Bác sĩ bệnh viện tỉnh tận tình cứu bệnh nhân", "health"),
    ("Người bệnh chờ khám cả buổi ở bệnh viện", "health"),
]


def toy_model(**params) -> TopicClassifier:
    texts, labels = zip(*TOY, strict=True)
    params.setdefault("min_count", 1)
    params.setdefault("calibration_fraction", 0)
    return TopicClassifier(**params).fit(list(texts), list(labels))


def test_featurizer_is_deterministic_and_l2_normalised():
    # given two featurizers fitted on the same texts
    texts = [t for t, _ in TOY]
    a = NgramFeaturizer(char_ngram_range=(2, 4), min_count=1).fit(texts)
    b = NgramFeaturizer(char_ngram_range=(2, 4), min_count=1).fit(texts)
    # when both transform a new text (tone placement "hoà" vs "hòa" differing)
    xa = a.transform(["Hoà Bình ngập sâu"])
    xb = b.transform(["Hòa Bình ngập sâu"])
    # then the matrices are identical and each row has unit length
    assert (xa != xb).nnz == 0
    assert np.isclose(np.sqrt(xa.multiply(xa).sum()), 1.0)


def test_toy_classifier_predicts_label_score_and_explaining_terms():
    # given a classifier fitted on a handful of flood and hospital complaints
    clf = toy_model()
    # when it classifies an unseen complaint
    [pred] = clf.predict([FLOOD])
    # then it says flood, with a probability, and names words of the text that pushed it there
    assert isinstance(pred, TopicPrediction)
    assert pred.label == "flood"
    assert 0.5 < pred.score <= 1.0
    assert pred.terms and all(w > 0 for _, w in pred.terms)
    assert all(term in FLOOD.lower() for term, _ in pred.terms)
    assert [w for _, w in pred.terms] == sorted((w for _, w in pred.terms), reverse=True)


def test_explaining_terms_leave_out_placeholders_and_numbers_alone():
    # given a model whose flood complaints all give a phone number and a house number (so the
    # placeholder's syllable and the number weigh for flood: they were shown as terms)
    rows = [
        (f"{text} Nhà số 27, liên hệ <phone>", label) if label == "flood" else (text, label)
        for text, label in TOY
    ]
    texts, labels = zip(*rows, strict=True)
    clf = TopicClassifier(min_count=1, calibration_fraction=0, top_terms=8).fit(list(texts), list(labels))
    text = "Nhà số 27 ngập sâu sau mưa, liên hệ <phone> 0912"
    # when a complaint with them is explained, in every way the model explains
    (pred,) = clf.predict([text], explain=True)
    _, _, words, _ = clf.predict_fields([text])
    explained = clf.explain([text], [pred.label])[0]
    # then no term holds the placeholder's syllable or is a number alone; the words still are there
    for terms in ([t for t, _ in pred.terms], words[0], [t for t, _ in explained]):
        assert terms and "ngập sâu" in " ".join(terms)
        assert not [t for t in terms if "phone" in t.split() or t.replace(" ", "").isdigit()], terms


def test_probabilities_sum_to_one_and_empty_text_is_handled():
    # given the toy classifier
    clf = toy_model()
    # when it scores an empty text, None and a text of unknown words
    proba = clf.predict_proba(["", None, "xyz qwv"])
    preds = clf.predict(["", None])
    # then every row is a distribution and predictions still come back, without terms
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert [p.terms for p in preds] == [(), ()]


def test_confirmed_examples_weighted_up_change_the_decision():
    # given texts where "kênh" (canal) appears in both classes, and a confirmation that a canal
    # complaint is a health matter
    base = [*TOY, ("Kênh nước đen ngập rác", "flood"), ("Kênh trạm y tế phản hồi chậm", "health")]
    texts, labels = map(list, zip(*base, strict=True))
    query = "kênh nước đen"
    plain = TopicClassifier(min_count=1, calibration_fraction=0).fit(texts, labels)
    texts.append("kênh nước đen bốc mùi gây bệnh")
    labels.append("health")
    weights = [1.0] * (len(texts) - 1) + [20.0]
    # when the classifier is refitted with the confirmed example weighted up
    weighted = TopicClassifier(min_count=1, calibration_fraction=0).fit(texts, labels, sample_weight=weights)
    # then the decision for a similar text follows the confirmation
    assert plain.predict([query])[0].label == "flood"
    assert weighted.predict([query])[0].label == "health"


def test_model_file_round_trip_and_clear_errors(tmp_path):
    # given a fitted model saved to disk
    clf = toy_model()
    path = clf.save(tmp_path / "topic.model", metadata={"note": "toy"})
    # when it is loaded back
    loaded = TopicClassifier.load(path)
    info = read_model_info(path)
    # then it predicts the same, and the file tells its version and labels
    assert loaded.predict([FLOOD]) == clf.predict([FLOOD])
    assert info.kind == "topic" and info.format_version == FORMAT_VERSION
    assert info.labels == ("flood", "health")
    # and a truncated, a foreign or a missing file fails with the Vietnamese message
    bad = tmp_path / "bad.model"
    bad.write_bytes(path.read_bytes()[:100])
    foreign = tmp_path / "foreign.model"
    foreign.write_text("hello")
    for broken in (bad, foreign, tmp_path / "missing.model"):
        with pytest.raises(ModelFileError, match="Tệp mô hình hỏng hoặc không tương thích"):
            TopicClassifier.load(broken)


def test_default_taxonomy_has_the_government_topics():
    # given the shipped taxonomy
    taxonomy = load_taxonomy()
    # then it holds the topics officials asked for, with sensitivities in [0, 1]
    required = {
        "land", "environment", "construction", "transport", "admin_procedures", "reorganisation",
        "health", "education", "labour_social", "security_order", "corruption", "economy",
        "agriculture", "utilities", "culture_religion", "public_investment", "other",
    }  # fmt: skip
    assert required <= set(taxonomy.codes)
    assert taxonomy.default == "other"
    assert all(0 <= t.sensitivity <= 1 for t in taxonomy.topics)
    assert taxonomy.get("corruption").sensitivity > taxonomy.get("other").sensitivity
    assert taxonomy.sector_map("vntc")["Suc khoe"] == "health"
    # and every topic is named and described in Vietnamese and in English
    assert all(t.label_vi and t.label_en and t.description and t.description_en for t in taxonomy.topics)


def test_seed_terms_match_whole_words_only():
    # given the taxonomy's seed terms
    taxonomy = load_taxonomy()
    # when a text mentions compensation, and another only contains those letters inside words
    hits = taxonomy.seed_matches("Dân chưa nhận tiền BỒI THƯỜNG khi thu hồi đất làm đường")
    none = taxonomy.seed_matches("abồi thườngx")
    # then the first counts land terms and the second nothing
    assert hits["land"]["bồi thường"] == 1 and hits["land"]["thu hồi đất"] == 1
    assert none == {}


def test_seed_terms_match_a_text_typed_without_diacritics_under_their_own_spelling():
    # given the taxonomy, a complaint typed without diacritics and the same typed with them
    taxonomy = load_taxonomy()
    bare = taxonomy.seed_matches("Dan chua nhan tien BOI THUONG khi thu hoi dat lam duong, o ga khap noi")
    written = taxonomy.seed_matches("Dân chưa nhận tiền BỒI THƯỜNG khi thu hồi đất làm đường, ổ gà khắp nơi")
    # then both count the same terms, as the taxonomy writes them
    assert bare == written
    assert bare["land"]["bồi thường"] == 1 and bare["transport"]["ổ gà"] == 1
    # and a text with diacritics is not matched folded ("gà" is not "ga")
    assert "transport" not in taxonomy.seed_matches("Nhà ga Bắc Giang đông khách")


def test_gold_set_is_large_spread_and_uses_taxonomy_codes():
    # given the shipped gold set
    gold = load_gold()
    codes = set(load_taxonomy().codes)
    per_label = Counter(g.label for g in gold)
    # then it has at least 300 rows, every label is a topic, every topic has examples, no id twice
    assert len(gold) >= 300
    assert set(per_label) <= codes
    assert set(per_label) == codes
    assert len({(g.corpus, g.id) for g in gold}) == len(gold)


def test_hand_labelled_examples_use_taxonomy_codes_and_never_gold_rows():
    # given the shipped hand-labelled training examples and the gold set
    examples = load_examples()
    gold = {(g.corpus, g.id) for g in load_gold()}
    keys = [(e.corpus, e.id) for e in examples]
    # then there are some, every label is a topic, every corpus a news corpus, no row twice, and
    # no row is one the gold evaluation scores
    assert len(examples) >= 100
    assert {e.label for e in examples} <= set(load_taxonomy().codes)
    assert {e.corpus for e in examples} <= {"news_2026", "tc201805", "vntc"}
    assert len(set(keys)) == len(keys)
    assert not gold & set(keys)


def test_the_random_sample_is_labelled_like_the_gold_set_and_never_trained_on():
    # given the hand-labelled random sample, the gold set and the training examples
    from duluan.analysis.taxonomy import SAMPLE_PATH, evaluation_ids

    sample = load_gold(SAMPLE_PATH)
    keys = {(g.corpus, g.id) for g in sample}
    gold = {(g.corpus, g.id) for g in load_gold()}
    # then it is a few hundred rows of topics, disjoint from the gold set and the examples, and
    # every row of both evaluations is left out of training by default
    assert len(sample) >= 200 and len(keys) == len(sample)
    assert {g.label for g in sample} <= set(load_taxonomy().codes)
    assert not keys & gold and not keys & {(e.corpus, e.id) for e in load_examples()}
    letters = {(g.corpus, g.id) for g in load_gold(LETTERS_GOLD_PATH)}
    misconduct = {(g.corpus, g.id) for g in load_gold(MISCONDUCT_GOLD_PATH)}
    assert evaluation_ids() == keys | gold | letters | misconduct


def test_the_misconduct_leads_are_labelled_apart_from_every_other_file_and_never_trained_on():
    # given the hand-labelled leads about officials' misconduct, and the other labelled files
    from duluan.analysis.taxonomy import SAMPLE_PATH, evaluation_ids

    rows = load_gold(MISCONDUCT_GOLD_PATH)
    keys = {(g.corpus, g.id) for g in rows}
    others = {(g.corpus, g.id) for path in (None, SAMPLE_PATH, LETTERS_GOLD_PATH) for g in load_gold(path)}
    per_label = Counter(g.label for g in rows)
    # then they are some hundred and fifty leads, mostly misconduct with crimes the police report
    # among them, none twice, in no other gold set, none of them learnt, and left out of training
    assert len(rows) >= 150 and len(keys) == len(rows)
    assert set(per_label) <= set(load_taxonomy().codes)
    assert per_label["corruption"] >= 100 and per_label["security_order"] >= 10
    assert not keys & others and not keys & {(e.corpus, e.id) for e in load_examples()}
    assert keys <= evaluation_ids()


def test_the_gold_passages_by_topic_are_gold_passages_by_sentiment_and_never_learnt():
    # given the passages in a citizen's voice labelled by topic, and by sentiment
    from duluan.analysis.sentiment import SENTIMENT_LETTERS_GOLD_PATH
    from duluan.analysis.taxonomy import evaluation_ids

    rows = load_gold(LETTERS_GOLD_PATH)
    spans = [(g.corpus, g.id, g.start, g.end) for g in rows]
    ordered = [(g.corpus, g.id, g.start, g.end) for g in load_gold(SENTIMENT_LETTERS_GOLD_PATH)]
    # then they are some hundreds of the sentiment gold passages, in their order, under topics of
    # the taxonomy, none twice, and neither their articles nor any other passage of them is learnt
    assert len(rows) >= 200 and {g.label for g in rows} <= set(load_taxonomy().codes)
    assert len(set(spans)) == len(rows) and spans == [span for span in ordered if span in set(spans)]
    articles = {(g.corpus, g.id) for g in rows}
    assert articles <= evaluation_ids() and not articles & {(e.corpus, e.id) for e in load_examples()}


def test_hand_labels_must_name_topics():
    # given a hand label that is no topic of the taxonomy
    from duluan.analysis.bootstrap import bootstrap_topic_examples

    # then the bootstrap refuses it before reading any corpus
    with pytest.raises(ValueError, match="flood"):
        bootstrap_topic_examples(load_taxonomy(), "/nonexistent", hand_labels={("news_2026", "x"): "flood"})


def test_a_hand_label_can_name_a_passage_of_a_row(tmp_path):
    from duluan.analysis.taxonomy import read_gold_texts

    # given a shared data folder with one news article, and labels of the whole row, of a
    # passage of it, of a passage past its end and of a row that is not there
    folder = tmp_path / "news_2026"
    folder.mkdir()
    row = {"id": "a1", "title": "Phản ánh", "text": "Tôi gửi đơn ba lần. Xin cảm ơn xã đã sửa đường."}
    (folder / "articles.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    text = "Phản ánh.\nTôi gửi đơn ba lần. Xin cảm ơn xã đã sửa đường."  # title, then text
    start = text.index("Xin")
    labels = tmp_path / "labels.jsonl"
    rows = [
        {"corpus": "news_2026", "id": "a1", "label": "negative"},
        {"corpus": "news_2026", "id": "a1", "label": "positive", "start": start, "end": len(text)},
        {"corpus": "news_2026", "id": "a1", "label": "neutral", "start": start, "end": len(text) + 1},
        {"corpus": "news_2026", "id": "zz", "label": "neutral"},
    ]
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    # when they are read and their texts fetched
    gold = load_gold(labels)
    found = read_gold_texts(gold, tmp_path)
    # then the row reads whole, the passage as cut, and the others are left out
    assert [(g.label, t) for g, t in found] == [
        ("negative", text),
        ("positive", "Xin cảm ơn xã đã sửa đường."),
    ]
    assert (gold[1].start, gold[1].end) == (start, len(text)) and gold[0].start is None
    # and a label made in code with half a span is left out too
    assert read_gold_texts([GoldLabel("news_2026", "a1", "neutral", start)], tmp_path) == []
    # and a passage with a start but no end is refused with the line that lacks it
    labels.write_text(
        '{"corpus": "news_2026", "id": "a1", "label": "neutral", "start": 3}\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="start and end"):
        load_gold(labels)


needs_data = pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")


@needs_data
def test_trained_on_news_sectors_it_generalises():
    # given 3,000 shuffled TC201805 leads of four sectors
    from duluan.analysis.corpora import read_corpus

    wanted = {"Sức khoẻ", "Du lịch", "Bất động sản", "Giáo dục và Việc làm - Giáo dục"}
    rows = [r for r in read_corpus("tc201805") if r.label in wanted]
    random.Random(0).shuffle(rows)
    train, test = rows[:3000], rows[3000:4000]
    # when a classifier is fitted on them
    clf = TopicClassifier().fit([r.text for r in train], [r.label for r in train])
    labels, scores = clf.predict_labels([r.text for r in test])
    # then held-out leads are mostly right, and confident predictions are right more often
    right = labels == np.array([r.label for r in test])
    assert right.mean() > 0.9
    assert right[scores > 0.9].mean() >= right.mean()
    assert 0.5 < clf.temperature_ < 100


@needs_data
def test_government_model_bootstraps_every_topic_and_learns_confirmations():
    # given a few officials' confirmations of a topic news rarely covers
    confirmed = [("Sáp nhập xã, trụ sở cũ bỏ hoang, dân đi làm thủ tục xa", "reorganisation")] * 3
    # when the government model is built from a small bootstrap sample
    clf = build_government_topic_model(per_topic=150, confirmed=confirmed)
    # then it knows every topic of the taxonomy and routes obvious cases
    assert set(clf.classes_) == set(load_taxonomy().codes)
    preds = clf.predict(
        ["Bệnh viện quá tải, bệnh nhân nằm ghép", "Cán bộ địa chính nhận hối lộ, bị khởi tố tội tham ô"]
    )
    assert preds[0].label == "health"
    assert preds[1].label in {"corruption", "security_order"}
    # and, having learnt accent-free copies, also when the text has no diacritics
    assert clf.accent_free_copies
    # (it reads words alone: citizens' messages have no house style; TopicClassifier reads it)
    assert clf.layout_coef_ is None and TopicClassifier().layout_weight == 0.05
    assert clf.predict(["Benh vien qua tai, benh nhan nam ghep"])[0].label == "health"
    # and, having learnt the seed terms, short messages that say little more than one of them
    short = ["Xóm tôi mất điện cả ngày", "Đường vào thôn nhiều ổ gà", "Duong vao thon nhieu o ga"]
    short += ["Đường hỏng", "Cảm ơn xã đã sửa đường"]  # (a street's name masked, "đường" says little)
    # (a village road's cracks and a broken street lamp: before their seeds, the first read as
    # construction here and as culture in the shipped model)
    short += ["Con đường bê tông mới làm đã nứt toác", "Đèn đường hỏng cả tháng nay"]
    assert [p.label for p in clf.predict(short)] == ["utilities"] + ["transport"] * 6
    # and a message with nothing to act on is no topic's, not even a message that begins so
    chatter = ["Cảm ơn", "Xin chào", "ok", "Xin chào, nhà tôi bị mất điện từ sáng"]
    assert [p.label for p in clf.predict(chatter)] == ["other", "other", "other", "utilities"]
    # and it routes a complaint the same whichever of the province's communes it names (the
    # shipped model sent this one to three topics, by the name, before places were masked)
    from duluan.analysis.tests.test_sentiment import communes_of_home_province

    assert clf.mask_places
    texts = [f"Cán bộ địa chính xã {name} nhận tiền của dân" for name in communes_of_home_province()]
    labels, scores = clf.predict_labels(texts)
    assert len(set(labels.tolist())) == 1 and len(set(scores.tolist())) == 1
    # and it holds the taxonomy's cue (rule 2 of the labelling guide), with the folded spellings
    # that the corpora read as its phrases: "hoi lo" is "hối lộ", "lam thu" mostly "làm thủ"
    cue, bare = clf.cues
    assert cue.actors == load_taxonomy().get("corruption").cue.actors
    assert {"hoi lo", "nhan tien", "can bo"} <= {*cue.bare_acts, *cue.bare_actors}
    assert "lam thu" not in cue.bare_acts
    # so an official taking money goes to corruption, not to the sector it happened in
    bribes = ["Cảnh sát giao thông nhận tiền của tài xế xe tải", "csgt nhan tien cua tai xe xe tai"]
    assert [p.label for p in clf.predict(bribes)] == ["corruption", "corruption"]
    # and the cue of a bare mention, the sentiment model's words aimed at the catch-all topic
    assert bare.topic == "other" == load_taxonomy().default and bare.boost == BARE_MENTION_BOOST
    assert bare.names == bare_mention_cue().names and bare.parts == bare_mention_cue().parts


@needs_data
def test_hand_labelled_rows_come_first_with_their_label_and_weight(monkeypatch):
    # given two rows of the recent news, one hand-labelled and one also excluded, and a
    # classifier whose fit records what it is given
    from duluan.analysis.corpora import read_corpus

    first, second = [row.id for _, row in zip(range(2), read_corpus("news_2026"), strict=False)]
    seen = {}

    def fit(self, texts, labels, sample_weight=None, progress=None):
        seen.update(texts=texts, labels=labels, weights=sample_weight)
        return self

    monkeypatch.setattr(TopicClassifier, "fit", fit)
    examples = [GoldLabel("news_2026", first, "reorganisation"), GoldLabel("news_2026", second, "health")]
    # when the government model is built with them, the second row excluded
    build_government_topic_model(
        per_topic=20,
        examples=examples,
        exclude_ids=[("news_2026", second)],
        confirmed_weight=4.0,
        headline_weight=2.0,
    )
    # then the first row leads the training rows with its hand label and the confirmed weight,
    # appears once, its headline alone follows under the same label with the headline weight,
    # the taxonomy's seed terms close them, each under its topic and weighing as much, and the
    # excluded row is not trained on
    texts, labels, weights = seen["texts"], seen["labels"], seen["weights"]
    lead = next(row.text for row in read_corpus("news_2026") if row.id == first)[:1200]
    assert (texts[0], labels[0], weights[0]) == (lead, "reorganisation", 4.0)
    title = lead.split("\n", 1)[0].strip()
    assert 0 < len(title) < len(lead) and (texts[1], labels[1], weights[1]) == (title, "reorganisation", 2.0)
    seeds = [(term, topic.code) for topic in load_taxonomy().topics for term in topic.seed_terms]
    assert list(zip(texts, labels, strict=True))[-len(seeds) :] == seeds
    assert set(weights[-len(seeds) :]) == {4.0}
    # and just before them the messages the team wrote in a citizen's voice, then each once more
    # inside a caller's contact details (some calling it a complaint) and twice beside a street
    # address, weighing as much
    written = labelled(load_messages(), "topic")
    framed = with_contact_details(written, complaints=True)
    written += framed + with_addresses(written) + with_addresses(written, 2)
    rest = -len(seeds) - len(written)
    assert len(written) >= 1200 and list(zip(texts, labels, strict=True))[rest : -len(seeds)] == written
    assert set(weights[rest:]) == {4.0}
    assert texts.count(lead) == 1 and set(weights[2:rest]) == {1.0}
    excluded = next(row.text for row in read_corpus("news_2026") if row.id == second)[:1200]
    assert excluded not in texts


def test_accent_free_copies_let_the_model_read_text_typed_without_diacritics():
    # given the toy complaints, learnt with their accent-free copies and without
    copies, plain = toy_model(accent_free_copies=True), toy_model()
    bare = ["Duong ngap sau sau mua, cong thoat nuoc tac", "Benh vien qua tai, benh nhan cho kham ca buoi"]
    # when both read complaints typed without diacritics
    with_copies, without = copies.predict_proba(bare), plain.predict_proba(bare)
    # then the one that learnt the copies reads them as their accented forms, and more surely
    right = [list(copies.classes_).index(label) for label in ("flood", "health")]
    assert [copies.classes_[i] for i in with_copies.argmax(axis=1)] == ["flood", "health"]
    assert all(with_copies[k, c] > without[k, c] for k, c in enumerate(right))
    # and the accented text is read as before
    assert copies.predict([FLOOD])[0].label == "flood"


def test_accent_free_copies_follow_their_originals_in_the_calibration_split():
    from duluan.analysis.linear_text import _calibration_split, _with_accent_free_copies
    from duluan.analysis.normalise import fold

    # given accented texts of two labels with weights, and one text typed without diacritics
    texts = [f"Đường ngập {i}" if i % 2 else f"bệnh viện {i}" for i in range(40)] + ["khong dau"]
    y = np.array(["a" if i % 2 else "b" for i in range(40)] + ["b"])
    weights = np.arange(41, dtype=np.float64)
    # when the copies are added and the calibration rows drawn
    texts2, y2, w2, sources = _with_accent_free_copies(texts, y, weights)
    tr, ho = _calibration_split(y2, sources, 0.25, 0)
    plain_tr, plain_ho = _calibration_split(y, np.zeros(0, dtype=np.int64), 0.25, 0)
    # then each accented text has a folded copy after the originals, with its label and weight
    assert sources.tolist() == list(range(40))
    assert texts2[:41] == texts and texts2[41:] == [fold(t) for t in texts[:40]]
    assert (y2[41:] == y[:40]).all() and (w2[41:] == weights[:40]).all()
    # and the originals split as they would alone, each copy on its original's side
    assert tr[: plain_tr.size].tolist() == plain_tr.tolist()
    assert ho[: plain_ho.size].tolist() == plain_ho.tolist()
    side = {int(i): "train" for i in tr} | {int(i): "held" for i in ho}
    assert len(side) == 81
    assert all(side[41 + k] == side[s] for k, s in enumerate(sources.tolist()))


def test_naive_bayes_blend_is_chosen_on_held_out_rows_and_keeps_explanations():
    # given toy complaints repeated so a calibration split exists, with and without the blend
    texts, labels = map(list, zip(*(TOY * 5), strict=True))
    blended = TopicClassifier(min_count=1, calibration_fraction=0.3).fit(texts, labels)
    plain = TopicClassifier(min_count=1, calibration_fraction=0.3, nb_blend=False).fit(texts, labels)
    # when both classify an unseen flood complaint
    [pred] = blended.predict([FLOOD])
    # then the blend weight is one of the tried weights (none without the blend), the decision
    # holds, and the explaining terms are still words of the text that pushed towards it
    from duluan.analysis.linear_text import _NB_WEIGHTS

    assert blended.nb_weight_ in _NB_WEIGHTS and plain.nb_weight_ == 0.0
    assert pred.label == plain.predict([FLOOD])[0].label == "flood"
    assert pred.terms and all(w > 0 and term in FLOOD.lower() for term, w in pred.terms)
    assert np.allclose(blended.predict_proba([FLOOD, ""]).sum(axis=1), 1.0)


def test_training_twice_gives_the_same_model():
    # given the same toy texts, with a calibration split so two SVMs are trained
    texts, labels = map(list, zip(*(TOY * 5), strict=True))
    # when the classifier is trained twice
    a = TopicClassifier(min_count=1, calibration_fraction=0.3).fit(texts, labels)
    b = TopicClassifier(min_count=1, calibration_fraction=0.3).fit(texts, labels)
    # then weights, temperature and blend weight are identical
    assert np.array_equal(a.coef_, b.coef_)
    assert (a.temperature_, a.nb_weight_) == (b.temperature_, b.nb_weight_)


@pytest.mark.parametrize("nb_svm_C", [0.0, 0.3])
def test_the_final_fits_trained_in_a_forked_process_are_the_ones_trained_here(monkeypatch, nb_svm_C):
    # given toy texts with a calibration split, and the fits (SVMs, NBSVM parts) each process
    # makes, for a classifier without and with an NBSVM part
    import os

    import duluan.analysis.linear_text as linear_text

    texts, labels = map(list, zip(*(TOY * 5), strict=True))
    fitted = []

    def counting(fit):
        def counted(self, x, y, weights):
            fitted.append(os.getpid())
            return fit(self, x, y, weights)

        return counted

    for name in ("_fit_svm", "_fit_nb_svm"):
        fit = getattr(linear_text.LinearTextClassifier, name)
        monkeypatch.setattr(linear_text.LinearTextClassifier, name, counting(fit))
    params = {"min_count": 1, "calibration_fraction": 0.3, "nb_svm_C": nb_svm_C}
    # when the classifier is trained as it is (the final fits in a forked process, while this
    # one calibrates), then with every fit made here one after the other
    forked = TopicClassifier(**params).fit(texts, labels)
    here = len(fitted)

    class InThisProcess:
        def __init__(self, fn, *args):
            self.fn, self.args = fn, args

        def result(self):
            return self.fn(*self.args)

    monkeypatch.setattr(linear_text, "fork_call", InThisProcess)
    alone = TopicClassifier(**params).fit(texts, labels)
    # then only the calibration's fits were made in this process the first time (on two cores),
    # and the two models are the same to the last bit
    per_fit = 2 if nb_svm_C else 1
    if os.cpu_count() and os.cpu_count() >= 2:
        assert here == per_fit
    assert fitted[here:] == [os.getpid()] * 2 * per_fit
    assert np.array_equal(forked.coef_, alone.coef_)
    assert np.array_equal(forked.intercept_, alone.intercept_)
    assert (forked.temperature_, forked.nb_weight_) == (alone.temperature_, alone.nb_weight_)
    assert (forked.nb_svm_C, alone.nb_svm_C) == (nb_svm_C, nb_svm_C)


def test_lead_features_make_the_opening_weigh_more_and_still_explain():
    # given a featurizer that counts the first two syllables of each text a second time
    texts = ["ngập sâu bệnh viện", "bệnh viện ngập sâu"]
    plain = NgramFeaturizer(min_count=1).fit(texts)
    lead = NgramFeaturizer(min_count=1, lead_tokens=2).fit(texts)
    # when both featurise the two texts, which hold the same words in another order
    xp, xl = plain.transform(texts), lead.transform(texts)
    # then without lead features the unigrams weigh the same in both, with them they do not,
    # and every non-zero feature is still named by an n-gram of its text
    unigram = NgramFeaturizer(min_count=1, word_ngram_range=(1, 1), lead_tokens=2).fit(texts)
    xu = unigram.transform(texts)
    assert xu.nnz > NgramFeaturizer(min_count=1, word_ngram_range=(1, 1)).fit(texts).transform(texts).nnz
    assert (xu[0] != xu[1]).nnz > 0
    assert xl.nnz > xp.nnz
    weights = np.ones((lead.n_features_, 1), dtype=np.float32)
    terms = lead.explain(texts, weights, np.zeros(2, dtype=np.int64), top=20)
    # and each text, four syllables, reads as one phrase worth every n-gram it holds: those
    # counted in the lead and the body are each named, with both contributions
    assert [[term for term, _ in row] for row in terms] == [[text] for text in texts]
    for row, sums in zip(terms, np.asarray(xl.sum(axis=1)).ravel(), strict=True):
        assert row[0][1] == pytest.approx(sums, abs=1e-3)


# Officials named in news of one sector, and news of no office's: the names' n-grams are learnt
# as that sector's, as the shipped model learnt "công an xã" as security_order's.
OFFICIALS_AT_WORK = [
    ("Cán bộ phường khơi thông cống thoát nước sau mưa", "flood"),
    ("Chủ tịch xã chỉ đạo chống ngập cho khu dân cư", "flood"),
    ("Công an xã giúp dân chạy nước lũ tràn vào nhà", "flood"),
    ("Đội bóng của tỉnh thắng trận chung kết", "other"),
    ("Ca sĩ trẻ ra mắt album mới", "other"),
    ("Phim hoạt hình mới ra rạp dịp cuối tuần", "other"),
]


def test_a_bare_mention_of_an_official_reads_as_other_by_its_cue_on_every_path(tmp_path):
    # given a topic model that learnt officials' names in news of floods, with the sentiment
    # model's cue of a bare mention aimed at the catch-all topic and without it
    texts, labels = zip(*(TOY + OFFICIALS_AT_WORK), strict=True)
    model = TopicClassifier(min_count=1, calibration_fraction=0).fit(list(texts), list(labels))
    cue = bare_mention_cue(BARE_MENTION_BOOST, topic="other")
    cued = TopicClassifier(min_count=1, calibration_fraction=0, cues=(cue,)).fit(list(texts), list(labels))
    named = ["Cán bộ phường.", "Chủ tịch xã.", "Công an xã Tân Mỹ."]
    said = ["Cán bộ phường khơi thông cống ngập.", "Chủ tịch xã có ở trụ sở không?", FLOOD]
    # when both read officials named alone, and texts saying something in their names
    # then the one without the cue routes the names to floods, the one with it to other
    assert [p.label for p in model.predict(named)] == ["flood"] * 3
    preds = cued.predict(named)
    assert [p.label for p in preds] == ["other"] * 3
    # and the others alike: the cue does not fire where something is said
    np.testing.assert_allclose(cued.decision_function(said), model.decision_function(said), atol=1e-6)
    # and every way of predicting agrees: labels alone, by the compiled loops, as fields, from a file
    texts = named + said
    labels, scores = cued.predict_labels(texts)
    assert labels.tolist() == [p.label for p in cued.predict(texts)]
    assert scores[:3].tolist() == pytest.approx([p.score for p in preds], abs=1e-6)
    assert cued.load_compiled()
    assert cued.predict_labels(texts * 50, compiled=True)[0].tolist() == labels.tolist() * 50
    assert cued.predict_fields(texts)[0] == labels.tolist()
    loaded = TopicClassifier.load(cued.save(tmp_path / "bare.model"), mapped=True)
    assert loaded.cues == (cue,) and loaded.predict_labels(texts)[0].tolist() == labels.tolist()
    # and the explanation names the official found first, weighing what the cue added, as the
    # cue of misconduct names its pair; a text the cue did not raise names none
    assert preds[0].terms[0] == ("cán bộ", round(cue.boost / cued.temperature_, 4))
    assert [fields[0] for fields in cued.predict_fields(named)[2]] == ["cán bộ", "chủ tịch xã", "công an"]
    assert [p.terms for p in cued.predict(said)] == [p.terms for p in model.predict(said)]


def test_a_bare_mention_typed_without_diacritics_reads_as_other_by_its_cue():
    # given a topic model that learnt officials' names in news of floods, with the cue of a bare
    # mention aimed at the catch-all topic
    from duluan.analysis.features import tokenise_batch

    texts, labels = zip(*(TOY + OFFICIALS_AT_WORK), strict=True)
    cue = bare_mention_cue(BARE_MENTION_BOOST, topic="other")
    cued = TopicClassifier(min_count=1, calibration_fraction=0, cues=(cue,)).fit(list(texts), list(labels))
    named = ["Can bo phuong.", "UBND xa.", "Cong an xa Tan My."]
    said = ["Can bo phuong khoi thong cong ngap.", "Chu tich xa co o tru so khong?"]
    # when it reads officials named alone and texts saying something in their names, all typed
    # without diacritics, as strings and as a batch of syllables
    preds = cued.predict(named)
    batched = cued.predict(tokenise_batch(named))
    margins = cued.decision_function(said)
    cued.cues = ()
    plain = cued.decision_function(said)
    # then the names are other, explained by the official found as the text writes it
    assert [p.label for p in preds] == [p.label for p in batched] == ["other"] * 3
    assert [p.terms[0][0] for p in preds] == ["can bo", "ubnd", "cong an"]
    # and the cue does not fire where something is said of them
    np.testing.assert_allclose(margins, plain, atol=1e-6)


def test_a_headline_typed_without_diacritics_with_a_verb_between_two_officials_is_no_bare_mention():
    # given a topic model that learnt officials' names in news of floods, with the cue of a bare
    # mention aimed at the catch-all topic, and the same cue as a model file written before the
    # cue knew units carries it
    from dataclasses import replace

    texts, labels = zip(*(TOY + OFFICIALS_AT_WORK), strict=True)
    cue = bare_mention_cue(BARE_MENTION_BOOST, topic="other")
    cued = TopicClassifier(min_count=1, calibration_fraction=0, cues=(cue,)).fit(list(texts), list(labels))
    said = ["Cong an xa ban chu tich xa", "Cong an xa Tan My ban chu tich xa Tan My"]
    # when it reads a headline saying what one official did to another ("Công an xã bắn chủ
    # tịch xã"), typed without diacritics
    margins = cued.decision_function(said)
    cued.cues = ()
    plain = cued.decision_function(said)
    # then the cue does not fire: the model reads it as it would without the cue
    np.testing.assert_allclose(margins, plain, atol=1e-6)
    # (the cue of a model file written before read "bắn", folded to "ban", as the hamlet "bản",
    # and the headline as other, as it still does until the model is rebuilt)
    cued.cues = (replace(cue, units=(), joiners=()),)
    assert [p.label for p in cued.predict(said)] == ["other"] * 2


def test_version_1_and_2_files_still_load_and_unknown_versions_are_refused(tmp_path):
    # given a toy model written as earlier engines did (the estimator pickled inside the
    # envelope with its SHA-256; compressed in format 1), and as a future format 99
    import hashlib
    import pickle
    import zlib

    clf = toy_model()
    path = clf.save(tmp_path / "topic.model")
    envelope = pickle.loads(path.read_bytes())  # noqa: S301 - the file just written
    for key in ("buffers", "data_size", "check_chunk", "crc32"):
        envelope.pop(key)
    envelope["payload"] = pickle.dumps(clf, protocol=pickle.HIGHEST_PROTOCOL)
    envelope["sha256"] = hashlib.sha256(envelope["payload"]).hexdigest()
    for version in (1, 2, 99):
        envelope["format_version"] = version
        data = pickle.dumps(envelope)
        (tmp_path / f"v{version}.model").write_bytes(zlib.compress(data) if version == 1 else data)
    # when they are loaded
    # then formats 1 and 2 predict as before, read or mapped, and format 99 (newer than this
    # software) fails with the clear message
    for version in (1, 2):
        for mapped in (False, True):
            loaded = TopicClassifier.load(tmp_path / f"v{version}.model", mapped=mapped)
            assert loaded.predict([FLOOD]) == clf.predict([FLOOD])
    with pytest.raises(ModelFileError, match="hãy cập nhật phần mềm Dư Luận"):
        TopicClassifier.load(tmp_path / "v99.model")


def test_the_softmax_of_prediction_gives_the_bits_of_scipys():
    # given margins of many scales, as the models make them
    from scipy.special import softmax

    from duluan.analysis.linear_text import _softmax

    rng = np.random.default_rng(0)
    for shape in ((8192, 17), (1000, 3), (1, 2)):
        for scale in (0.1, 1.0, 10.0, 100.0):
            x = rng.standard_normal(shape) * scale
            # then the engine's softmax of each row is scipy's, bit for bit
            assert np.array_equal(_softmax(x), softmax(x, axis=1))


def test_fit_tells_its_stages_in_order_and_learns_the_same_model_told_or_not():
    # given labelled texts, and classifiers that mask places and learn accent-free copies or not
    texts = [t for t, _ in _STAGE_ROWS]
    labels = [lab for _, lab in _STAGE_ROWS]
    for params, stages in (
        ({}, ["đếm n-gram", "học trọng số"]),
        (
            {"mask_places": True, "accent_free_copies": True},
            ["che địa danh", "thêm bản không dấu", "đếm n-gram", "học trọng số"],
        ),
    ):
        told: list[tuple[int, int, str]] = []
        # when each is fitted with a listener of its progress, and again without
        with_progress = TopicClassifier(**params).fit(
            texts, labels, progress=lambda *a, told=told: told.append(a)
        )
        without = TopicClassifier(**params).fit(texts, labels)
        # then each stage is told as it starts, numbered, then the end, and the model is the same
        n = len(stages)
        assert told == [*((i, n, name) for i, name in enumerate(stages)), (n, n, "")]
        assert np.array_equal(with_progress.coef_, without.coef_)
        assert with_progress.predict_labels(texts)[0].tolist() == without.predict_labels(texts)[0].tolist()


_STAGE_ROWS = [
    ("Đường ở xã Tân Dĩnh ngập sâu sau mưa lớn", "flood"),
    ("Mưa lớn làm ngập nhiều tuyến phố ở phường Đa Mai", "flood"),
    ("Cống thoát nước tắc khiến khu dân cư ngập úng", "flood"),
    ("Trạm y tế xã thiếu thuốc điều trị cho người bệnh", "health"),
    ("Bệnh viện huyện quá tải, bệnh nhân nằm ghép", "health"),
    ("Người bệnh chờ khám cả buổi ở bệnh viện tỉnh", "health"),
] * 4


@pytest.fixture(scope="module")
def shipped_model() -> TopicClassifier:
    """The government model built as shipped, once for the module's tests that read it: they
    share an ``xdist_group``, which pytest's options keep on one worker (see test_sentiment's
    ``shipped_sentiment``)."""
    return build_government_topic_model()


@pytest.mark.slow
@needs_data
@pytest.mark.xdist_group("shipped_topic")
def test_shipped_model_routes_written_messages_a_burst_water_pipe_and_a_newly_broken_road(shipped_model):
    # given the government model built as shipped
    from duluan.analysis.messages import MESSAGES_GOLD_PATH

    clf = shipped_model
    # then it reads the written gold messages, which no model learns, as it was measured to:
    # 92.86 % right (2026-12-06)
    pairs = labelled(load_messages(MESSAGES_GOLD_PATH), "topic")
    labels = clf.predict_labels([text for text, _ in pairs])[0]
    assert np.mean(labels == np.array([label for _, label in pairs])) > 0.88
    # and a burst water pipe is the water company's, not the environment's (before the written
    # messages about pipes, both read as environment: 0.70 and 0.24, 2026-12-06)
    pipes = clf.predict_labels(["Ống nước vỡ", "Vỡ ống nước trước cổng chợ"])[0]
    assert pipes.tolist() == ["utilities"] * 2
    # and a road that broke soon after it was built is a road (before the written messages
    # about such works, these read as other: 2026-12-06)
    roads = clf.predict_labels(["Con đường mới làm đã hỏng", "Đường mới làm được ba tháng đã bong tróc"])[0]
    assert roads.tolist() == ["transport"] * 2


@pytest.mark.slow
@needs_data
@pytest.mark.xdist_group("shipped_topic")
def test_shipped_model_reads_a_bare_mention_of_an_official_as_other(shipped_model):
    # given the government model built as shipped, 80 texts that name officials or offices alone
    # and 80 that say something of them in the same names (complaints, praise, questions)
    from duluan.analysis.tests.test_sentiment import _bare_mentions

    clf = shipped_model
    bare, opinions = _bare_mentions()
    said = [t for t, _ in opinions]
    assert len(bare) == len(said) == 80
    # when it reads them
    preds = clf.predict(bare)
    # then every bare mention is other (before the cue, 79 of 80 were some office's: "Cán bộ
    # phường." corruption 0.61, "Công an xã." security_order 0.99, 2026-12-07), explained by the
    # official it names
    assert [t for t, p in zip(bare, preds, strict=True) if p.label != "other"] == []
    assert all(p.terms[0][0] in t.lower() for t, p in zip(bare, preds, strict=True))
    # and every opinion reads as it does without the cue, by the compiled loops too
    cues = clf.cues
    plain = [c for c in cues if not isinstance(c, BareMentionCue)]
    assert len(plain) == len(cues) - 1
    labels = clf.predict_labels(said)[0].tolist()
    clf.cues = tuple(plain)
    try:
        assert clf.predict_labels(said)[0].tolist() == labels
    finally:
        clf.cues = cues
    assert clf.load_compiled()
    assert clf.predict_labels(bare + said, compiled=True)[0].tolist() == ["other"] * 80 + labels


def test_the_topic_and_sentiment_cues_of_a_bare_mention_read_a_batch_once(monkeypatch):
    # given the sentiment model's cue of a bare mention and the topic model's (the same words
    # aimed at other), and a batch of bare mentions and texts saying something of officials
    from dataclasses import replace

    from duluan.analysis.features import tokenise_batch

    mood, topic = bare_mention_cue(), bare_mention_cue(BARE_MENTION_BOOST, topic="other")
    texts = ["Cán bộ phường.", "Cán bộ phường nhũng nhiễu.", "UBND xã Tân Dĩnh.", "Cán bộ phường?"]
    reads = []
    found = BareMentionCue._find
    monkeypatch.setattr(BareMentionCue, "_find", lambda self, *a: reads.append(1) or found(self, *a))
    for first, second in ((topic, mood), (mood, topic)):
        batch = tokenise_batch(texts)
        # when both read it, one after the other
        rows = [first.firing(batch), second.firing(batch)]
        # then both fire on the bare mentions alone, and the texts were read once per batch
        assert rows == [[0, 2], [0, 2]]
    assert len(reads) == 2 * len(texts)
    # while a cue of other words reads the batch for itself
    assert replace(topic, names=("cán bộ",)).firing(batch) == [0] and len(reads) == 3 * len(texts)
