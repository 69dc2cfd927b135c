"""The pipeline of steps and the streaming runner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.analysis.cluster import document_terms, term_codes, terms_many
from duluan.analysis.pipeline import (
    ClusterStep,
    Document,
    ExactDuplicateStep,
    NearDuplicateStep,
    Pipeline,
    SentimentStep,
    Step,
    TopicStep,
    analyze_stream,
    basic_per_row_pipeline,
    ordered_pipeline,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FLOOD = (
    "Đường Nguyễn Văn Cừ, phường Vũ Ninh ngập sâu sau mưa lớn, xe máy chết máy hàng loạt. Người dân "
    "đề nghị thành phố sớm nạo vét cống thoát nước trước mùa mưa bão năm nay."
)


def rows() -> list[dict]:
    return [
        {"id": "1", "text": FLOOD, "created_at": datetime(2026, 3, 1, 8, tzinfo=TZ)},
        {"id": "2", "text": "Giá lúa vụ mùa tăng mạnh, nông dân Bắc Ninh phấn khởi."},
        {"id": "3", "text": FLOOD.replace("  ", " "), "title": None},
        {"id": "4", "text": FLOOD.replace("hàng loạt.", "hàng loạt luôn.")},
        {"id": "5", "text": FLOOD.replace("Đường ", "Đường   \n")},
    ]


@dataclass
class Prediction:
    label: str
    score: float
    terms: tuple[str, ...] = ()


class KeywordTopic:
    """A stand-in classifier: 'hạ tầng' when the text mentions a road."""

    def predict(self, texts):
        return [Prediction("hạ tầng" if "đường" in t.lower() else "kinh tế", 0.9, ("đường",)) for t in texts]


class Upper:
    """A custom step: shows that steps are plain callables on batches."""

    name = "upper"
    ordered = False

    def __call__(self, batch):
        for doc in batch:
            doc.source = (doc.source or "").upper() or "WEB"
        return batch


class FailOn:
    """A step that fails for one id, as a model might on a pathological text."""

    name = "fail"
    ordered = False

    def __init__(self, bad_id):
        self.bad_id = bad_id

    def __call__(self, batch):
        if any(d.id == self.bad_id for d in batch):
            raise RuntimeError("boom")
        return batch


def full(extra=()) -> Pipeline:
    return Pipeline([*basic_per_row_pipeline().steps, *extra, *ordered_pipeline().steps])


def test_split_cuts_at_the_first_ordered_step():
    # given the default step kinds with a custom per-row step in the middle
    pipeline = full([Upper(), TopicStep(KeywordTopic())])
    # when split
    per_row, ordered = pipeline.split()
    # then the per-row part holds every step up to the first ordered one
    assert [s.name for s in per_row.steps] == ["normalise", "dedupe_features", "upper", "topic"]
    assert [type(s) for s in ordered.steps] == [ExactDuplicateStep, NearDuplicateStep, ClusterStep]
    assert all(isinstance(s, Step) for s in pipeline.steps)


def test_stream_marks_duplicates_near_duplicates_and_clusters_in_order():
    # given five rows: a flood report, another topic, an exact copy, an edit, a re-spaced copy
    pipeline = full([TopicStep(KeywordTopic()), SentimentStep(KeywordTopic())])
    # when analysed as a stream
    docs = list(analyze_stream(rows(), pipeline, batch_size=2))
    by_id = {d.id: d for d in docs}
    # then the output keeps input order, copies point at the first, edits join its group
    assert [d.id for d in docs] == ["1", "2", "3", "4", "5"]
    assert by_id["3"].duplicate_of == "1" and by_id["5"].duplicate_of == "1"
    assert by_id["1"].duplicate_of is None and by_id["4"].duplicate_of is None
    assert by_id["4"].near_duplicate_group == "1" and by_id["2"].near_duplicate_group == "2"
    assert by_id["1"].cluster == by_id["3"].cluster == by_id["4"].cluster != by_id["2"].cluster
    assert by_id["1"].topic == {"label": "hạ tầng", "score": 0.9, "terms": ["đường"], "runner_up": None}
    assert by_id["2"].sentiment == {"label": "kinh tế", "score": 0.9}
    record = by_id["4"].to_record()
    assert set(record) == {
        "id",
        "topic",
        "sentiment",
        "places",
        "duplicate_of",
        "near_duplicate_group",
        "cluster",
    }


def test_the_same_words_with_another_person_s_phone_or_address_are_a_near_duplicate_not_a_copy():
    # given a complaint sent by two citizens, each with their own phone number or address, and
    # sent again by the first with the number spaced otherwise (content hashes were taken after
    # masking: the second citizen's report was "a copy" and campaign counts dropped it)
    words = "Tôi là cư dân khu phố 3, đường Nguyễn Trãi ngập sâu sau mưa, đề nghị xử lý. Liên hệ {}"
    contacts = ["0912345678", "0987654321", "0912 345 678", "a@x.vn", "A@X.VN", "c@x.vn"]
    given = [{"id": f"r{i}", "text": words.format(c)} for i, c in enumerate(contacts)]
    for size in (1, 100):
        # when analysed as a stream
        docs = {d.id: d for d in analyze_stream(given, full(), batch_size=size)}
        # then a report with another number or address is no copy, but is in the same group; the
        # same number or address written otherwise still is a copy
        assert [docs[f"r{i}"].duplicate_of for i in range(6)] == [None, None, "r0", None, "r3", None]
        assert {d.near_duplicate_group for d in docs.values()} == {"r0"}


LETTER = (
    "Kính gửi: UBND phường Vũ Ninh.\nTôi tên là {name}, sinh năm 1970, trú tại số {house} đường Lý Thái "
    "Tổ, phường Vũ Ninh.\nTôi xin trình bày sự việc như sau: {what}\nKính mong các cấp có thẩm quyền "
    "quan tâm xem xét, giải quyết.\nTrân trọng cảm ơn!"
)


def test_letters_in_one_frame_are_compared_by_their_complaints_and_show_no_writer():
    # given letters in the same frame, by different writers: four about different things, then
    # the first complaint again by another writer, and the first letter sent twice
    complaints = [
        "cống thoát nước trước nhà tôi bị vỡ, nước thải tràn ra đường.",
        "hàng xóm xây nhà lấn sang đất của gia đình tôi.",
        "quán karaoke hát đến 2 giờ sáng gây ồn ào.",
        "đèn đường hỏng cả tháng nay chưa ai sửa.",
    ]
    names = ["Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Văn Nam", "Phạm Thị Hoa", "Đỗ Văn Tùng"]
    texts = [LETTER.format(name=n, house=10 + i, what=c) for i, (n, c) in enumerate(zip(names, complaints))]
    texts += [LETTER.format(name=names[4], house=30, what=complaints[0]), texts[0]]
    given = [
        {"id": f"r{i}", "text": t, "created_at": datetime(2026, 3, 2, 8 + i, tzinfo=TZ)}
        for i, t in enumerate(texts)
    ]
    docs = {d.id: d for d in analyze_stream(given, full(), batch_size=3)}
    # then the four complaints are four clusters (their shared frame joined them two by two), the
    # same complaint by another writer is a near duplicate, not a copy, and a letter sent again is
    assert len({docs[f"r{i}"].cluster for i in range(4)}) == 4
    assert docs["r4"].duplicate_of is None and docs["r4"].near_duplicate_group == "r0"
    assert docs["r4"].cluster == docs["r0"].cluster
    assert docs["r5"].duplicate_of == "r0"
    # and what officials see of them names no writer and no house
    for doc in docs.values():
        assert "<name>" in doc.normalised and not any(n in doc.normalised for n in names)
        assert "<house>" in doc.normalised and "Lý Thái Tổ" not in doc.normalised


def test_copies_of_a_text_without_words_share_its_group_and_cluster_whatever_the_batches():
    # given texts of emoji or marks alone, sent again, with a report and another emoji between
    texts = ["😀😀😀", "😀😀😀", "Phố Nguyễn Trãi ngập sâu sau mưa lớn", "!!!", "😀😀😀", "!!!", "😡"]
    given = [{"id": f"r{i}", "text": t} for i, t in enumerate(texts)]
    for size in (1, 2, 100):
        # when analysed as a stream in batches of any size
        docs = {d.id: d for d in analyze_stream(given, full(), batch_size=size)}
        # then each copy is in its first text's near-duplicate group and cluster, not one of its own
        assert [docs[i].duplicate_of for i in ("r1", "r4", "r5")] == ["r0", "r0", "r3"]
        assert docs["r1"].near_duplicate_group == docs["r4"].near_duplicate_group == "r0"
        assert docs["r5"].near_duplicate_group == "r3"
        assert docs["r0"].cluster == docs["r1"].cluster == docs["r4"].cluster
        assert docs["r3"].cluster == docs["r5"].cluster != docs["r0"].cluster
        # and different texts without words stay apart
        assert len({docs[i].cluster for i in ("r0", "r2", "r3", "r6")}) == 4


def test_results_do_not_depend_on_the_batch_size():
    # given the same rows
    # when analysed with batches of 1, 3 and 100
    outputs = [[d.to_record() for d in analyze_stream(rows(), full(), batch_size=n)] for n in (1, 3, 100)]
    # then the outputs are identical
    assert outputs[0] == outputs[1] == outputs[2]


def test_a_failing_row_is_marked_and_the_others_are_analysed():
    # given a step that fails on row 2
    pipeline = full([FailOn("2")])
    # when the stream is analysed
    docs = list(analyze_stream(rows(), pipeline, batch_size=5))
    # then row 2 carries the error and no results, the others are complete
    assert docs[1].error == "RuntimeError: boom" and docs[1].cluster is None
    assert all(d.error is None and d.cluster for i, d in enumerate(docs) if i != 1)


def test_steps_can_be_removed_and_documents_pass_through():
    # given a pipeline without the clusterer
    pipeline = Pipeline([*basic_per_row_pipeline().steps, ExactDuplicateStep()])
    # when run on a batch of documents
    batch = pipeline.run([Document.from_row(r) for r in rows()])
    # then duplicates are found and clusters stay empty
    assert [d.duplicate_of for d in batch] == [None, None, "1", None, "1"]
    assert all(d.cluster is None for d in batch)
    assert batch[0].tokens[:3] == ["đường", "nguyễn", "văn"]


def test_places_step_reports_units_with_offsets_into_the_original_text():
    # given the real gazetteer and a report naming a commune and its district
    from duluan.analysis.pipeline import PlacesStep
    from duluan.analysis.places import Gazetteer

    step = PlacesStep(Gazetteer.default())
    doc = Document(
        "p1",
        "Người dân xã Tân Dĩnh, huyện Lạng Giang phản ánh đường làng xuống cấp.",
        title="Đường hỏng",
        created_at=datetime(2024, 5, 1, tzinfo=TZ),
    )
    # when the step runs
    step([doc])
    # then each place has the output fields, its span in title + text, and codes for clustering
    names = {p["name"] for p in doc.places}
    assert any("Tân Dĩnh" in n for n in names)
    for place in doc.places:
        assert set(place) == {
            "code", "scheme", "level", "name", "start", "end", "confidence", "equivalents", "candidates"
        }  # fmt: skip
        assert place["scheme"] == "pre2025"
        assert doc.full_text[place["start"] : place["end"]] in place["name"]
        assert place["candidates"] == []
    assert any(code.startswith("pre2025:") for code in doc.place_codes)
    assert any(code.startswith("2025:") for code in doc.place_codes)
    # and each names its unit in the 2025 scheme: the commune kept its name, the district's
    # land is now in the province of Bắc Ninh
    by_name = {p["name"]: p for p in doc.places}
    assert by_name["Xã Tân Dĩnh"]["equivalents"] == [
        {"scheme": "2025", "code": "07432", "level": "commune", "name": "Xã Tân Dĩnh",
         "within": "Tỉnh Bắc Ninh", "share": 1.0}
    ]  # fmt: skip
    assert [(e["code"], e["level"], e["name"]) for e in by_name["Huyện Lạng Giang"]["equivalents"]] == [
        ("24", "province", "Tỉnh Bắc Ninh")
    ]


@pytest.mark.parametrize(
    "text,when",
    [
        ("Ngập sâu ở phường Trần Phú, thành phố Bắc Giang.", datetime(2025, 6, 28, tzinfo=TZ)),
        ("Ngập sâu ở phường Bắc Giang, tỉnh Bắc Ninh.", datetime(2025, 7, 2, tzinfo=TZ)),
        (
            "Người dân xã Tân Dĩnh, huyện Lạng Giang phản ánh đường làng xuống cấp.",
            datetime(2024, 5, 1, tzinfo=TZ),
        ),
    ],
)
def test_place_keys_of_the_units_a_text_names_are_the_places_step_s_codes(text, when):
    # given the real gazetteer and a text naming units of one scheme or the other
    from duluan.analysis.pipeline import PlacesStep, place_keys
    from duluan.analysis.places import Gazetteer

    gazetteer = Gazetteer.default()
    doc = Document("p1", text, created_at=when)
    PlacesStep(gazetteer)([doc])
    # when the platform works the keys out from the units alone, as it stores them
    codes, within = place_keys(gazetteer, [(p["scheme"], p["code"]) for p in doc.places])
    # then they are the step's: the units' counterparts in the other scheme among the codes
    assert doc.places and (codes, within) == (doc.place_codes, doc.place_within)
    assert {c.split(":")[0] for c in codes} == {"pre2025", "2025"}


def test_a_name_many_units_share_lists_them_all_when_the_text_does_not_tell():
    # given the real gazetteer and texts naming a district that ten provinces have, then one of
    # them with its province
    from duluan.analysis.pipeline import PlacesStep
    from duluan.analysis.places import Gazetteer

    step = PlacesStep(Gazetteer.default())
    alone = Document("a", "Huyện Châu Thành ngập sâu sau mưa lớn.")
    placed = Document("b", "Huyện Châu Thành, tỉnh Tiền Giang ngập sâu sau mưa lớn.")
    # when the step runs
    step([alone, placed])
    # then the lone name lists every district it could be, each with its province
    (district,) = alone.places
    candidates = district["candidates"]
    assert len(candidates) == 10
    assert {c["name"] for c in candidates} == {"Huyện Châu Thành"}
    assert {"Tỉnh Tiền Giang", "Tỉnh Long An", "Tỉnh An Giang"} <= {c["within"] for c in candidates}
    assert (district["scheme"], district["code"]) in {(c["scheme"], c["code"]) for c in candidates}
    # and the one the text places is resolved: no candidates
    resolved = next(p for p in placed.places if p["level"] == "district")
    assert resolved["candidates"] == []
    assert "Tiền Giang" in next(c["within"] for c in candidates if c["code"] == resolved["code"])


def test_sentiment_step_asks_the_model_not_to_explain():
    # given a sentiment model whose predict can skip explanations
    class Recording:
        calls: list = []

        def predict(self, texts, explain=True):
            self.calls.append(explain)
            return [Prediction("negative", 0.7) for _ in texts]

    model = Recording()
    # when the step runs
    batch = SentimentStep(model)([Document("1", "Đường hỏng lâu rồi", normalised="Đường hỏng lâu rồi")])
    # then explanations were not computed and the output keeps label and score
    assert model.calls == [False]
    assert batch[0].sentiment == {"label": "negative", "score": 0.7}


def test_the_sentiment_steps_explanation_is_of_the_reading_it_stores():
    from duluan.analysis.sentiment import SentimentClassifier

    # given a sentiment model and texts run through the normalise step
    texts = [
        "chờ mãi không ai giải quyết, bức xúc quá",
        "cảm ơn cán bộ xã nhiệt tình",
        "xin hỏi giờ làm việc",
    ]
    # (each twice: the featurizer keeps the syllables it saw more than once)
    model = SentimentClassifier(calibration_fraction=0).fit(
        texts * 2, ["negative", "positive", "neutral"] * 2
    )
    step = SentimentStep(model)
    docs = basic_per_row_pipeline().run([Document(str(i), t) for i, t in enumerate(texts)])
    # when the step reads them, and explains them
    read = [dict(d.sentiment) for d in step(docs)]
    explained = step.explain(docs)
    # then the explanations are of the same readings, with the phrases behind each intensity
    assert [(p.label, p.intensity) for p in explained] == [(r["label"], r["intensity"]) for r in read]
    assert [p.score for p in explained] == pytest.approx([r["score"] for r in read])
    assert all(p.intensity_terms and p.terms for p in explained)


def test_packed_batch_gives_back_what_the_ordered_steps_and_output_need():
    # given documents after the per-row steps, one of them failed and one without terms
    import pickle

    import numpy as np

    from duluan.analysis.dask_engine import pack_documents, unpack_documents
    from duluan.analysis.pipeline import basic_per_row_pipeline

    docs = basic_per_row_pipeline().run(
        [
            Document("a", "Ngập úng ở phường Vũ Ninh, dân bức xúc."),
            Document("b", "Đường hỏng"),
            Document("c", ""),
        ]
    )
    docs[1].topic = {"label": "transport", "score": 0.9, "terms": ["đường"]}
    docs[1].place_codes = frozenset({"2025:24"})
    docs[1].place_within = frozenset({"2025:01", "pre2025:27"})
    docs[2].error = "analysis_error: boom"
    docs[2].terms = docs[2].shingles = docs[2].signature = docs[2].term_codes = None
    # when they cross a process boundary packed
    back = unpack_documents(pickle.loads(pickle.dumps(pack_documents(docs))))  # noqa: S301 (our own bytes)
    # then every result survives, and what slim() drops is dropped
    for before, after in zip(docs, back, strict=True):
        assert after.to_record() == before.to_record()
        assert (
            after.id,
            after.error,
            after.content_hash,
            after.place_codes,
            after.place_within,
            after.terms,
        ) == (
            before.id,
            before.error,
            before.content_hash,
            before.place_codes,
            before.place_within,
            before.terms,
        )
        for name in ("shingles", "signature", "term_codes"):
            a, b = getattr(after, name), getattr(before, name)
            assert (a is None and b is None) or np.array_equal(a, b)
        assert after.text == "" and after.tokens is None and after.normalised is None


# Pieces of text that tokenise and the featurizers must agree on: tones in both placements, "_",
# personal data the normaliser masks as placeholders, a literal placeholder, a dotted capital I.
_PIECES = [*"aAbqQoóòOuúyýhHđĐ _1.!,\n<>-@İ", "hoà", "url", "<url>", " x@y.vn ", " 0912345678 "]
_AWKWARD = st.lists(st.sampled_from(_PIECES), max_size=25).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_AWKWARD, st.booleans()), min_size=1, max_size=5))
def test_the_token_batch_reuses_the_normalise_steps_syllables_as_the_featurizers_split(rows):
    # given documents normalised by the pipeline's first step (some left unnormalised)
    from duluan.analysis.features import tokenise_batch
    from duluan.analysis.pipeline import NormaliseStep, token_batch

    docs = [Document(str(i), text) for i, (text, _) in enumerate(rows)]
    normalised = NormaliseStep()([d for d, (_, keep) in zip(docs, rows, strict=True) if keep])
    assert len(normalised) <= len(docs)
    # when the batch's syllables are gathered for the models
    got = token_batch(docs)
    # then they are those the featurizers would split from the texts themselves
    expected = tokenise_batch([d.normalised or d.full_text for d in docs])
    assert got.tokens == expected.tokens
    assert got.texts == expected.texts
    assert got.lengths.tolist() == expected.lengths.tolist()


def test_model_steps_give_syllables_to_models_that_read_them_and_texts_to_others():
    # given one model that reads token batches and one that reads texts
    from duluan.analysis.features import TokenBatch

    @dataclass
    class Prediction:
        label: str
        score: float
        terms: tuple = ()

    class Reader:
        reads_token_batches = True

        def __init__(self):
            self.seen = []

        def predict(self, texts):
            self.seen.append(texts)
            return [Prediction("x", 1.0) for _ in range(texts.n_docs)]

    class Plain(Reader):
        reads_token_batches = False

        def predict(self, texts):
            self.seen.append(texts)
            return [Prediction("x", 1.0) for _ in texts]

    reader, plain = Reader(), Plain()
    docs = [Document("1", "Đường hỏng", normalised="Đường hỏng", tokens=["đường", "hỏng"])]
    # when both steps run
    TopicStep(reader)(docs)
    SentimentStep(plain)(docs)
    # then the reader got the normalised syllables, the other the normalised texts
    assert isinstance(reader.seen[0], TokenBatch) and reader.seen[0].tokens == ["đường", "hỏng"]
    assert plain.seen == [["Đường hỏng"]]


def test_the_second_model_step_reuses_the_first_ones_token_batch_until_a_document_changes():
    # given a normalised batch
    from duluan.analysis.pipeline import NormaliseStep, token_batch

    docs = NormaliseStep()([Document("1", "Đường hỏng"), Document("2", "Cống tắc")])
    # when the syllables are asked for twice, then after a document's text changed
    first = token_batch(docs)
    again = token_batch(docs)
    docs[1].normalised, docs[1].tokens = "Cống thông", ["cống", "thông"]
    changed = token_batch(docs)
    # then the same batch is given back while nothing changed, a fresh one afterwards
    assert again is first
    assert changed is not first
    assert changed.tokens == ["đường", "hỏng", "\x00", "cống", "thông"]


@given(
    st.lists(
        st.lists(st.sampled_from(["đường", "ngập", "url", "<url>", "a", "b", "x1", "ừ"]), max_size=8),
        max_size=6,
    )
)
@settings(max_examples=200)
def test_batch_terms_equal_the_per_text_terms_and_codes(token_lists):
    # given the syllables of a batch of texts (some empty, some of one syllable, with repeats)
    # when their clustering terms are computed for the whole batch at once
    terms, codes = terms_many(token_lists)
    # then each text has the terms (in the same order) and codes of the per-text functions
    for tokens, got, got_codes in zip(token_lists, terms, codes, strict=True):
        expected = document_terms(tokens)
        assert list(got.items()) == list(expected.items())
        assert type(got) is dict
        assert got_codes.dtype == np.int64
        assert got_codes.tolist() == term_codes(expected).tolist()


def test_an_exact_copy_is_in_its_original_s_near_duplicate_group_after_the_index_forgot_it():
    from duluan.analysis.dedupe import NearDuplicateIndex, jaccard
    from duluan.analysis.pipeline import Pipeline, basic_per_row_pipeline, ordered_pipeline

    # given a report, more reports than the index keeps, a near copy of the first, then an exact copy
    report = (
        "Đường Kinh Dương Vương ngập sâu mỗi khi mưa, xe máy chết máy hàng loạt giữa đường, người dân"
        " phải dắt bộ qua đoạn ngập hàng trăm mét, rác thải trôi khắp nơi và cống thoát nước bị tắc"
        " từ nhiều tháng nay mà chưa thấy ai đến khơi thông, đề nghị chính quyền sớm xử lý dứt điểm"
    )
    others = [f"Báo cáo số {i} về việc sửa chữa trường học ở xã {i} trong năm nay" for i in range(6)]
    texts = [report, *others, report.replace("dứt điểm", "triệt để"), report]
    steps = Pipeline(
        basic_per_row_pipeline().steps + ordered_pipeline(near_index=NearDuplicateIndex(capacity=3)).steps
    )
    # when they are analysed in order
    docs = steps.run([Document(f"d{i}", t) for i, t in enumerate(texts)])
    # then the near copy, which the index no longer compares with the first, opens its own group,
    # while the exact copy is in its original's
    near, copy = docs[-2], docs[-1]
    assert near.near_duplicate_group == near.id and copy.duplicate_of == "d0"
    # (the near copy is one: within the window, the copy would have joined it)
    assert jaccard(copy.shingles, near.shingles) >= 0.8
    assert copy.near_duplicate_group == "d0"


def test_copies_join_their_originals_clusters_across_a_saved_and_resumed_clusterer():
    import json

    from duluan.analysis.cluster import OnlineClusterer

    # given texts without words ("😀😀😀", marks, a number) and reports, each sent again later
    texts = ["😀😀😀", "Phố Nguyễn Trãi ngập sâu sau mưa lớn", "!!!", "...", "😀😀😀", "!!!", "😀😀😀"]
    texts += ["Phố Nguyễn Trãi ngập sâu sau mưa lớn", "..."]
    given = [
        Document(f"r{i}", t, created_at=datetime(2026, 3, 1, 8, i, tzinfo=TZ)) for i, t in enumerate(texts)
    ]
    per_row = basic_per_row_pipeline()
    whole = ordered_pipeline()
    expected = [d.cluster for d in whole.run(per_row.run(list(given)))]
    for cut in (3, 4, 5):
        for compact in (False, True):
            # when the stream is clustered up to a cut, the clusterer saved through JSON and a new
            # one resumed from it, the duplicate steps going on
            ordered = ordered_pipeline()
            docs = per_row.run([Document(d.id, d.text, created_at=d.created_at) for d in given])
            ordered.run(docs[:cut])
            saved = json.loads(json.dumps(ordered.steps[-1].clusterer.state(compact)))
            ordered.steps[-1] = ClusterStep(OnlineClusterer.from_state(saved))
            ordered.run(docs[cut:])
            # then each copy is in its original's cluster, as without the round trip
            assert [d.cluster for d in docs] == expected
    assert expected[0] == expected[4] == expected[6] and expected[2] == expected[5]
    assert expected[1] == expected[7] and expected[3] == expected[8]
    assert len({expected[i] for i in (0, 1, 2, 3)}) == 4


@pytest.mark.parametrize(
    ("first_group", "copy"),
    [
        (None, {"duplicate_of": "o"}),  # an exact copy (found by the exact-duplicate step)
        ("o", {"near_duplicate_group": "o"}),  # a near copy, in its near-duplicate group
    ],
)
def test_a_copy_joins_its_original_s_cluster_whose_centroid_drifted_away(first_group, copy):
    from duluan.analysis.cluster import OnlineClusterer

    # given a report's terms, reports that join its cluster and draw the centroid away, then a
    # copy of the first
    first = {"ngập úng": 1, "vũ ninh": 1}
    when = datetime(2026, 3, 1, 8, tzinfo=TZ)
    docs = [Document("o", "", created_at=when, terms=first, near_duplicate_group=first_group)]
    docs.append(Document("a", "", created_at=when, terms={**first, "cống rãnh": 1, "rác thải": 1}))
    docs += [
        Document(f"b{i}", "", created_at=when, terms={"cống rãnh": 1, "rác thải": 1, f"x{i}": 1})
        for i in range(8)
    ]
    docs.append(Document("copy", "", created_at=when, terms=first, **copy))
    # when the cluster step assigns them
    ClusterStep(OnlineClusterer(similarity_threshold=0.3))(docs)
    # then the copy is in its original's cluster
    assert {d.cluster for d in docs} == {docs[0].cluster}


def test_a_report_naming_a_ward_joins_one_naming_its_city_or_province_not_another_ward():
    from duluan.analysis.cluster import OnlineClusterer
    from duluan.analysis.pipeline import PlacesStep
    from duluan.analysis.places import Gazetteer

    # given one flood reported by its ward (2025 scheme), its former city (pre-2025 district) and
    # its province, and by a ward of the same city (another unit of the same level)
    flood = "ngập sâu sau mưa lớn, xe máy chết máy hàng loạt, cống thoát nước bị tắc"
    texts = {
        "ward": f"Phường Vũ Ninh {flood}",
        "city": f"Thành phố Bắc Ninh {flood}",
        "province": f"Tỉnh Bắc Ninh {flood}",
        "other": f"Phường Kinh Bắc {flood}",
    }
    per_row = Pipeline([*basic_per_row_pipeline().steps, PlacesStep(Gazetteer.default())])
    when = datetime(2026, 3, 1, 8, tzinfo=TZ)
    for first, second in [("ward", "city"), ("city", "ward"), ("ward", "province"), ("province", "ward")]:
        # when the two are clustered, either first
        docs = per_row.run([Document(k, texts[k], created_at=when) for k in (first, second)])
        ClusterStep(OnlineClusterer(similarity_threshold=0.3))(docs)
        # then the ward and the unit it lies within are one place
        assert docs[0].cluster == docs[1].cluster, (first, second)
    # and two wards are not
    docs = per_row.run([Document(k, texts[k], created_at=when) for k in ("ward", "other")])
    ClusterStep(OnlineClusterer(similarity_threshold=0.3))(docs)
    assert docs[0].cluster != docs[1].cluster
