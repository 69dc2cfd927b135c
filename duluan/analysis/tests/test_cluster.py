"""Online clustering of texts into issues."""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import json
import math
import re
import zlib
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis import dask_engine, kernels
from duluan.analysis.cluster import (
    _DOC_TERMS,
    NAME_WEIGHT,
    Cluster,
    ClusterDoc,
    OnlineClusterer,
    TermCoder,
    TermNames,
    TermSlice,
    _strongest_in_each,
    document_terms,
    name_flags,
    name_flags_many,
    series_day,
    summary_phrases,
    summary_phrases_many,
    term_code,
    term_codes,
    term_spellings,
)
from duluan.analysis.cluster_compiled import CompiledClusterer
from duluan.analysis.normalise import fold, normalise
from duluan.analysis.pipeline import tokenise
from duluan.shared_data import shared_data_dir

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=TZ)

FLOOD = [
    "đường nguyễn văn cừ ngập sâu sau mưa lớn xe máy chết máy",
    "mưa lớn khiến đường nguyễn văn cừ ngập sâu người dân bức xúc",
    "nước ngập sâu đường nguyễn văn cừ sau trận mưa lớn đêm qua",
]
WASTE = [
    "rác thải ùn ứ tại chợ đồng xa bốc mùi hôi thối",
    "chợ đồng xa rác thải ùn ứ nhiều ngày không được thu gom",
    "người dân phản ánh rác thải ùn ứ quanh chợ đồng xa",
]
# Filler so document frequencies down-weight common words, as on a real stream.
FILLER = [
    "ubnd tỉnh họp bàn kế hoạch phát triển kinh tế xã hội năm nay",
    "sở giáo dục tổ chức kỳ thi tuyển sinh lớp mười an toàn",
    "giá lúa vụ mùa tăng mạnh nông dân phấn khởi",
    "khánh thành cầu mới bắc qua sông cầu",
]


def doc(i: str, text: str, topic: str | None = None, places=(), when: datetime | None = None) -> ClusterDoc:
    return ClusterDoc(i, document_terms(text.split()), topic, frozenset(places), when)


def stream() -> list[ClusterDoc]:
    docs = [doc(f"f{i}", t, when=T0) for i, t in enumerate(FILLER)]
    for k in range(3):
        docs.append(doc(f"flood{k}", FLOOD[k], "hạ tầng", {"BN-VN"}, T0 + timedelta(hours=k)))
        docs.append(doc(f"waste{k}", WASTE[k], "môi trường", {"BN-DX"}, T0 + timedelta(hours=k)))
    return docs


def test_similar_texts_share_a_cluster_and_different_issues_do_not():
    # given reports about a flooded street and about uncollected waste, interleaved
    clusterer = OnlineClusterer(similarity_threshold=0.3)
    # when assigned in order
    ids = {d.id: clusterer.assign(d) for d in stream()}
    # then each issue is one cluster, distinct from the other and from the filler
    assert ids["flood0"] == ids["flood1"] == ids["flood2"]
    assert ids["waste0"] == ids["waste1"] == ids["waste2"]
    assert ids["flood0"] != ids["waste0"]
    assert len({ids[f"f{i}"] for i in range(4)} | {ids["flood0"], ids["waste0"]}) == 6


def test_topic_place_and_time_must_be_compatible():
    # given a flood cluster in ward VN of topic "hạ tầng"
    clusterer = OnlineClusterer(similarity_threshold=0.3, window=timedelta(days=3))
    for d in stream():
        clusterer.assign(d)
    flood = clusterer.assign(doc("again", FLOOD[0], "hạ tầng", {"BN-VN"}, T0 + timedelta(hours=5)))
    # when the same text comes with another topic, another place, or two weeks later
    other_topic = clusterer.assign(doc("t", FLOOD[1], "giáo dục", {"BN-VN"}, T0 + timedelta(hours=6)))
    other_place = clusterer.assign(doc("p", FLOOD[1], "hạ tầng", {"HN-X"}, T0 + timedelta(hours=6)))
    no_place = clusterer.assign(doc("n", FLOOD[2], "hạ tầng", (), T0 + timedelta(hours=7)))
    later = clusterer.assign(doc("l", FLOOD[2], "hạ tầng", {"BN-VN"}, T0 + timedelta(days=14)))
    # then only the compatible ones join the flood cluster
    assert no_place == flood
    assert other_topic != flood and other_place != flood and later != flood


def test_a_text_may_join_a_cluster_whose_runner_up_topic_is_one_of_its_two():
    # given the flood cluster, of topic "hạ tầng", opened by a report whose second topic was
    # "môi trường"
    clusterer = OnlineClusterer(similarity_threshold=0.3)
    for d in stream()[:4]:
        clusterer.assign(d)
    when = T0 + timedelta(hours=1)
    first = dataclasses.replace(doc("first", FLOOD[0], "hạ tầng", {"BN-VN"}, when), other_topic="môi trường")
    flood = clusterer.assign(first)
    # when the same report comes classified "môi trường" first and "giáo dục" second, then "y tế"
    # and "giáo dục"
    both = dataclasses.replace(doc("b", FLOOD[1], "môi trường", {"BN-VN"}, when), other_topic="giáo dục")
    neither = dataclasses.replace(doc("n", FLOOD[2], "y tế", {"BN-VN"}, when), other_topic="giáo dục")
    compiled = CompiledClusterer(OnlineClusterer.from_state(clusterer.state()))
    # then the first joins the flood cluster, which keeps its topics, and the second does not
    assert clusterer.assign(both) == flood
    assert clusterer.get(flood).topic == "hạ tầng" and clusterer.get(flood).other_topic == "môi trường"
    assert clusterer.assign(neither) != flood
    # and so for the compiled loops
    joined, apart = compiled.assign_many([both, neither])
    assert joined == flood != apart


def test_a_text_may_join_a_cluster_of_its_runner_up_topic_and_no_other():
    # given the flood cluster, of topic "hạ tầng"
    clusterer = OnlineClusterer(similarity_threshold=0.3)
    for d in stream():
        clusterer.assign(d)
    flood = clusterer.assign(doc("again", FLOOD[0], "hạ tầng", {"BN-VN"}, T0 + timedelta(hours=5)))
    # when the same report comes classified "môi trường" first and "hạ tầng" second, then
    # "môi trường" first and "giáo dục" second
    when = T0 + timedelta(hours=6)
    runner_up = dataclasses.replace(doc("r", FLOOD[1], "môi trường", {"BN-VN"}, when), other_topic="hạ tầng")
    other = dataclasses.replace(doc("o", FLOOD[2], "môi trường", {"BN-VN"}, when), other_topic="giáo dục")
    # then the first joins the flood cluster, which keeps its topic, and the second does not
    assert clusterer.assign(runner_up) == flood
    assert clusterer.get(flood).topic == "hạ tầng"
    assert clusterer.assign(other) != flood


def test_assignment_is_deterministic_for_the_same_order():
    # given the same stream twice
    # when clustered by two clusterers
    c1, c2 = OnlineClusterer(similarity_threshold=0.3), OnlineClusterer(similarity_threshold=0.3)
    a = [c1.assign(d) for d in stream()]
    b = [c2.assign(d) for d in stream()]
    # then the cluster ids are identical
    assert a == b
    assert len(set(a)) < len(a)  # some documents were grouped


def test_resuming_from_json_state_continues_exactly():
    # given a stream split in two halves
    late = doc("flood3", FLOOD[0] + " cống thoát nước", "hạ tầng", {"BN-VN"}, T0 + timedelta(hours=9))
    docs = [*stream(), late]
    whole = OnlineClusterer(similarity_threshold=0.3)
    expected = [whole.assign(d) for d in docs]
    # when the first half is clustered, saved through JSON and resumed for the second
    first = OnlineClusterer(similarity_threshold=0.3)
    got = [first.assign(d) for d in docs[:6]]
    saved = json.loads(json.dumps(first.state()))
    resumed = OnlineClusterer.from_state(saved)
    got += [resumed.assign(d) for d in docs[6:]]
    # then the ids are those of an uninterrupted run, and so is the state
    assert got == expected
    assert resumed.state() == whole.state()


def test_summary_exposes_centroid_and_terms():
    # given the clustered stream
    clusterer = OnlineClusterer(similarity_threshold=0.3)
    ids = {d.id: clusterer.assign(d) for d in stream()}
    # when the flood cluster is summarised
    summary = clusterer.summary(ids["flood0"], k=5)
    # then it names the issue's words, its size, topic, place and a unit centroid
    assert summary["size"] == 3 and summary["topic"] == "hạ tầng" and summary["places"] == ["BN-VN"]
    assert "nguyen van" in summary["terms"] or "van cu" in summary["terms"]
    assert sum(w * w for w in summary["centroid"].values()) == pytest.approx(1.0)


def test_active_clusters_are_bounded_by_max_active_and_window():
    # given a clusterer that keeps two clusters open and a one-day window
    clusterer = OnlineClusterer(similarity_threshold=0.3, max_active=2, window=timedelta(days=1))
    # when four different issues arrive, then a flood report three days later
    for d in stream()[:4]:
        clusterer.assign(d)
        assert len(clusterer.active()) <= 2
    clusterer.assign(doc("x", FLOOD[0], when=T0))
    clusterer.assign(doc("late", WASTE[0], when=T0 + timedelta(days=3)))
    # then only the late one remains open; closed clusters are forgotten
    assert [c.size for c in clusterer.active()] == [1]
    assert clusterer.get("c1") is None


def test_state_of_another_version_is_refused():
    # given a saved state from an unknown version
    state = OnlineClusterer().state() | {"version": 99}
    # when it is loaded
    # then a clear error is raised
    with pytest.raises(ValueError, match="version"):
        OnlineClusterer.from_state(state)


@given(st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12), max_size=30))
def test_term_codes_are_the_crc32_of_each_term(terms):
    # given any terms (Vietnamese bigrams, odd characters, empty strings, none at all)
    # when coded
    codes = term_codes(terms)
    # then each code is the term's own CRC-32, in order, as int64
    assert codes.dtype == np.int64
    assert codes.tolist() == [term_code(t) for t in terms] == [zlib.crc32(t.encode("utf-8")) for t in terms]


def test_term_codes_accept_the_terms_dict_of_a_document():
    # given the terms of a text
    terms = document_terms("đường ngập ngập sâu đường ngập".split())
    # when its dict is coded
    # then the codes follow the dict's order
    assert term_codes(terms).tolist() == [
        term_code(t) for t in ("duong ngap", "ngap ngap", "ngap sau", "sau duong")
    ]


def test_a_complaint_typed_without_diacritics_joins_the_cluster_of_the_same_typed_with_them():
    # given the clustered stream, and each flood and waste report typed again without diacritics
    clusterer = OnlineClusterer(similarity_threshold=0.3)
    ids = {d.id: clusterer.assign(d) for d in stream()}
    later = T0 + timedelta(hours=5)
    bare = {
        "flood-bare": doc("flood-bare", fold(FLOOD[1]), "hạ tầng", {"BN-VN"}, later),
        "waste-bare": doc("waste-bare", fold(WASTE[2]), "môi trường", {"BN-DX"}, later),
    }
    # when they are assigned
    got = {i: clusterer.assign(d) for i, d in bare.items()}
    # then each joins the cluster of the reports written with diacritics, whose terms they share
    assert got == {"flood-bare": ids["flood0"], "waste-bare": ids["waste0"]}
    assert document_terms(FLOOD[1].split()) == document_terms(fold(FLOOD[1]).split())


def test_term_spellings_give_folded_terms_back_the_diacritics_a_text_wrote():
    # given a text typed with diacritics, one typed without, and a term both write
    known = term_spellings("rác thải ùn ứ tại chợ".split())
    term_spellings("rac thai un u o cho dong xa".split(), known)
    term_spellings("rắc thái".split(), known)
    # then each folded term reads as the first text with diacritics wrote it
    assert known["rac thai"] == "rác thải" and known["un u"] == "ùn ứ" and known["cho"] == "chợ"
    # and terms only written without diacritics are not there (they read as they are)
    assert "dong xa" not in known and "xa" not in known


def test_a_state_saved_before_terms_were_folded_is_read_with_its_terms_folded():
    # given a stream clustered when terms kept their diacritics, saved in both old formats
    clusterer = OnlineClusterer(similarity_threshold=0.3)
    accented = [
        ClusterDoc(d.id, {t: 1 for t in _accented_terms(d.id)}, d.topic, d.places, d.created_at)
        for d in stream()
    ]
    ids = {d.id: clusterer.assign(d) for d in accented}
    plain, compact = clusterer.state(), clusterer.state(compact=True)
    plain["version"], compact["version"] = 1, 2
    for old in (plain, compact):
        # when it is loaded
        resumed = OnlineClusterer.from_state(json.loads(json.dumps(old)))
        # then the same clusters are open, with folded terms (terms folding alike added up),
        # and document frequencies start again
        assert [c.id for c in resumed.active()] == [c.id for c in clusterer.active()]
        for before, after in zip(clusterer.active(), resumed.active(), strict=True):
            assert set(after.weights) == {fold(t) for t in before.weights}
            assert math.fsum(after.weights.values()) == pytest.approx(math.fsum(before.weights.values()))
            assert after.posted == {fold(t) for t in before.posted}
        assert resumed.n_docs_ == 0 and not resumed.df_.any()
        assert resumed.state()["version"] == 3 and resumed.state(compact=True)["version"] == 4
        # and a report typed without diacritics joins its issue
        late = doc("bare", fold(FLOOD[2]), "hạ tầng", {"BN-VN"}, T0 + timedelta(hours=5))
        assert resumed.assign(late) == ids["flood0"]


def _accented_terms(doc_id: str) -> list[str]:
    """The accented bigrams of a text of :func:`stream`, as terms were made before folding."""
    text = dict(
        [(f"f{i}", t) for i, t in enumerate(FILLER)]
        + [(f"flood{k}", t) for k, t in enumerate(FLOOD)]
        + [(f"waste{k}", t) for k, t in enumerate(WASTE)]
    )[doc_id]
    words = text.split()
    return [f"{a} {b}" for a, b in itertools.pairwise(words)]


def reference_vector(
    clusterer: OnlineClusterer, terms: dict[str, float], named: np.ndarray | None = None
) -> dict[str, float]:
    """The TF-IDF weighting spelt out in full (the definition), after ``terms`` were counted;
    the terms ``named`` flags weigh NAME_WEIGHT times more."""
    names = list(terms)
    idx = term_codes(names) % clusterer.buckets
    tf = np.array(list(terms.values()), dtype=np.float64)
    idf = np.log((1.0 + clusterer.n_docs_) / (1.0 + clusterer.df_[idx])) + 1.0
    weights = (1.0 + np.log(np.maximum(tf, 1.0))) * idf
    if named is not None:
        weights = weights * np.where(named, NAME_WEIGHT, 1.0)
    order = np.argsort(-weights, kind="stable")[:_DOC_TERMS]
    top = weights[order]
    top = top / math.sqrt(math.fsum((top * top).tolist()))
    return {names[i]: w for i, w in zip(order.tolist(), top.tolist())}


TERM_DICTS = st.dictionaries(
    st.sampled_from(["ngập úng", "vũ ninh", "của tỉnh", "rác thải", "x", "đường", "chợ"])
    | st.text(max_size=5),
    # Mostly small whole counts (looked up), some the lookup does not cover (computed).
    st.sampled_from([1, 1, 1, 2, 3, 1.0, 7, 255, 0.5, 2.5, 0, -2, 256, 1000]),
    max_size=_DOC_TERMS + 6,  # some past the terms a vector keeps
)


@given(st.lists(TERM_DICTS, min_size=1, max_size=6))
@settings(max_examples=300)
def test_document_vectors_follow_the_tf_idf_definition(documents):
    # given a stream of term counts, mostly once each (the shortcut) and some repeated or fractional
    clusterer = OnlineClusterer(buckets=64)
    for terms in documents:
        # when each is weighted in turn
        vector = clusterer.vectorise(terms)
        # then its weights are exactly the definition's, in the same order
        expected = reference_vector(clusterer, terms) if terms else {}
        assert list(vector.items()) == list(expected.items())


@given(st.lists(TERM_DICTS, min_size=1, max_size=6), st.data())
@settings(max_examples=200, deadline=None)
def test_terms_written_as_names_weigh_more_as_the_definition_says(documents, data):
    # given a stream of term counts, each with some of its terms flagged as written as names
    clusterer = OnlineClusterer(buckets=64)
    for terms in documents:
        named = np.array(data.draw(st.lists(st.booleans(), min_size=len(terms), max_size=len(terms))), bool)
        # when each is weighted in turn
        [vector] = clusterer.vectorise_many([ClusterDoc("d", terms, names=named)])
        # then the flagged terms weigh NAME_WEIGHT times their TF-IDF weight, before the vector is
        # cut to its strongest terms and made unit length
        expected = reference_vector(clusterer, terms, named) if terms else {}
        assert list(vector.items()) == list(expected.items())


@pytest.mark.parametrize(
    ("text", "terms", "named"),
    [
        (
            "Tin đồn ông Trần Bắc Hà bị bắt",
            ["tin don", "tran bac", "bac ha", "ha bi"],
            [False, True, True, False],
        ),
        # the text's first word is capitalised whatever it is
        (
            "Hà Nội mưa lớn, Sở GD-ĐT Hà Nội cho nghỉ",
            ["ha noi", "gd dt", "so gd", "mua lon"],
            [True, True, True, False],
        ),
        ("Hà Nội mưa lớn", ["ha noi", "mua lon"], None),
        # written as a name once is enough; a text in lower case names nothing
        ("vn-index giảm, rồi VN-Index tăng", ["vn index", "index giam"], [True, False]),
        ("tin don ong tran bac ha bi bat", ["tran bac", "bac ha"], None),
        ("Trần Bắc Hà", [], None),
    ],
)
def test_name_flags_mark_the_terms_a_text_writes_capitalised(text, terms, named):
    flags = name_flags(text, term_codes(terms))
    assert (None if flags is None else flags.tolist()) == named


NAME_TEXTS = st.lists(
    st.sampled_from(
        ["Trần", "Bắc", "Hà", "bị", "bắt", "VN-Index", "Sở", "GD-ĐT", "<url>", "<phone>", "İstanbul", "Ǆ",
         "𝐀b", "\x00", "_", " ", ", ", ". ", "\n", "Ấp", "ẤP", "Σ", "ß", "a", "Đ", "2", "Q.1"]
    )
    | st.text(max_size=3),
    max_size=30,
).map("".join)  # fmt: skip


@given(st.lists(NAME_TEXTS, max_size=8), st.data())
@settings(max_examples=500, deadline=None)
def test_the_names_of_a_batch_are_those_of_its_texts_one_by_one(texts, data):
    # given texts, their syllables and their terms' codes (some none, some of other terms)
    from duluan.analysis.pipeline import tokenise

    token_lists = [tokenise(t) for t in texts]
    codes = []
    for tokens in token_lists:
        kind = data.draw(st.sampled_from(["terms", "terms", "none", "other"]))
        terms = list(document_terms(tokens))
        codes.append(
            None if kind == "none" else term_codes(terms if kind == "terms" else [*terms, "tran bac"])
        )
    flat = [t for tokens in token_lists for t in tokens]
    lengths = np.array([len(tokens) for tokens in token_lists], dtype=np.int64)
    # the pairs' codes from a term coder's rows, as the pipeline gives them
    coder, table = TermCoder(), {}
    rows = np.array([table.setdefault(t, len(table)) for t in flat], dtype=np.intp)
    coder(flat, lengths, rows, list(table), None)
    # when their names are read at once
    got = name_flags_many(texts, lengths, codes, lambda at: coder.pair_codes(rows, at))
    # then each text's are what it gives alone
    expected = [name_flags(t, c) for t, c in zip(texts, codes, strict=True)]
    assert [None if f is None else f.tolist() for f in got] == [
        None if f is None else f.tolist() for f in expected
    ]


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_the_names_of_real_news_leads_are_read_at_once_as_one_by_one():
    # given 3,000 real news leads, normalised and cut into terms by the pipeline's steps
    from duluan.analysis.pipeline import DedupeFeaturesStep, Document, NormaliseStep

    with gzip.open(shared_data_dir() / "tc201805" / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in itertools.islice(fh, 3000)]
    batch = [Document.from_row({"id": str(i), "text": t}) for i, t in enumerate(texts)]
    batch = DedupeFeaturesStep()(NormaliseStep()(batch))
    # then each one's names are those the definition gives, and most leads name something
    flags = [d.names for d in batch]
    expected = [name_flags(d.normalised, d.term_codes) for d in batch]
    assert [None if f is None else f.tolist() for f in flags] == [
        None if f is None else f.tolist() for f in expected
    ]
    assert sum(f is not None for f in flags) > 1500


@given(st.lists(TERM_DICTS, max_size=12), st.sampled_from([1, 4, 64, 1 << 18]), st.booleans(), st.data())
@settings(max_examples=300, deadline=None)
def test_a_batch_is_vectorised_as_its_documents_one_after_another(documents, buckets, compiled, data):
    # given a stream of term counts (some empty), some with their codes given and some with
    # codes of the wrong length, weighted one by one on a table that has seen a few texts
    docs = []
    for i, terms in enumerate(documents):
        codes = data.draw(st.sampled_from([None, "right", "wrong"]))
        if codes == "right":
            codes = term_codes(terms)
        elif codes == "wrong":
            codes = term_codes([*terms, "thừa"])
        docs.append(ClusterDoc(f"d{i}", terms, codes=codes))
    one, batch = OnlineClusterer(buckets=buckets), OnlineClusterer(buckets=buckets)
    for clusterer in (one, batch):
        clusterer.vectorise({"ngập úng": 1, "của tỉnh": 2})
    expected = [one.vectorise(d.terms, d.codes) for d in docs]
    # when the same stream is weighted as one batch (by numpy, or by the compiled loops)
    if compiled:
        batch.load_compiled()
    got = batch.vectorise_many(docs)
    # then every vector, in its order, and the frequency table are the same
    assert [list(v.items()) for v in got] == [list(v.items()) for v in expected]
    assert batch.n_docs_ == one.n_docs_
    assert batch.df_.tolist() == one.df_.tolist()


@given(st.lists(TERM_DICTS, max_size=12), st.sampled_from([1, 64, 1 << 18]))
@settings(max_examples=300, deadline=None)
def test_the_compiled_loops_weigh_a_batch_and_bound_it_as_numpy_does(documents, buckets):
    # given a stream of term counts (some empty, some longer than a vector keeps)
    docs = [ClusterDoc(f"d{i}", terms) for i, terms in enumerate(documents)]
    plain, compiled = OnlineClusterer(buckets=buckets), OnlineClusterer(buckets=buckets)
    compiled.load_compiled()
    for clusterer in (plain, compiled):
        clusterer.vectorise({"ngập úng": 1, "của tỉnh": 2})
    # when both weigh it as a batch, with what bounds each vector's similarity
    expected = plain._vectorise_many(docs)
    got = compiled._vectorise_many(docs)
    # then the vectors (in order), their masks, surpluses and sums of their strongest weights,
    # and the frequency table are the same to the last bit
    assert [list(v.items()) for v in got[0]] == [list(v.items()) for v in expected[0]]
    assert got[1] == expected[1]
    assert compiled.df_.tolist() == plain.df_.tolist()
    assert compiled.n_docs_ == plain.n_docs_


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_real_news_leads_are_clustered_alike_by_the_compiled_loops():
    # given 3,000 real news leads (TC201805, title and lead), an hour apart in fives, as terms
    with gzip.open(shared_data_dir() / "tc201805" / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in itertools.islice(fh, 0, 30000, 10)]
    docs = [
        ClusterDoc(
            str(i), document_terms(tokenise(normalise(t).text)), created_at=T0 + timedelta(hours=i // 5)
        )
        for i, t in enumerate(texts)
    ]
    plain, compiled = OnlineClusterer(max_active=500), OnlineClusterer(max_active=500)
    compiled.load_compiled()
    # when both cluster them in batches of 250
    expected = [c for at in range(0, len(docs), 250) for c in plain.assign_many(docs[at : at + 250])]
    got = [c for at in range(0, len(docs), 250) for c in compiled.assign_many(docs[at : at + 250])]
    # then every document joins the same cluster, and the states are the same
    assert got == expected
    assert len(set(got)) < len(docs)  # some joined
    assert json.dumps(compiled.state(), sort_keys=True) == json.dumps(plain.state(), sort_keys=True)


def test_terms_sharing_a_bucket_count_the_document_once():
    # given a frequency table so small that every term lands in the same bucket
    clusterer = OnlineClusterer(buckets=1)
    # when two texts of three terms each are weighted
    clusterer.vectorise({"ngập úng": 1, "vũ ninh": 2, "của tỉnh": 1})
    clusterer.vectorise({"rác thải": 1, "chợ": 1, "đường": 3})
    # then the bucket counts each text once, as document frequencies must
    assert clusterer.n_docs_ == 2 and clusterer.df_.tolist() == [2]


# A small vocabulary, topics and places, so that texts often join clusters and clusters grow
# past the centroid size (pruned), besides expiring and being evicted.
VOCABULARY = [f"{a} {b}" for a in ("ngập", "rác", "đường", "chợ", "cầu", "điện") for b in range(15)]
STREAMS = st.lists(
    st.tuples(
        st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=60),
        st.sampled_from([None, "hạ tầng", "hạ tầng", "môi trường"]),
        st.sampled_from([(), ("BN-VN",), ("BN-VN",), ("BN-DX",)]),
        st.integers(0, 30),
    ),
    min_size=2,
    max_size=40,
)


# Few open clusters and a short window: clusters join, prune, expire and are evicted.
BUSY = dict(similarity_threshold=0.1, max_active=3, window=timedelta(days=1), buckets=256)


def _busy_stream_cut(rows, data):
    """A stream that joins, prunes, expires and evicts clusters (few open, short window):
    clustered whole, and its first part (cut anywhere) clustered alone.

    Returns ``(docs, whole, its ids, first, its ids, cut)``.
    """
    days = data.draw(st.lists(st.sampled_from([0, 0, 809, 810]), min_size=len(rows), max_size=len(rows)))
    docs = [
        dataclasses.replace(
            doc(f"d{i}", " ".join(words), topic, places, T0 + timedelta(hours=hours)), series_day=day
        )
        for i, ((words, topic, places, hours), day) in enumerate(zip(rows, days, strict=True))
    ]
    params = BUSY
    whole = OnlineClusterer(**params)
    expected = [whole.assign(d) for d in docs]
    cut = data.draw(st.integers(1, len(docs) - 1))
    first = OnlineClusterer(**params)
    got = [first.assign(d) for d in docs[:cut]]
    return docs, whole, expected, first, got, cut


@given(STREAMS, st.booleans(), st.data())
@settings(max_examples=60, deadline=None)
def test_a_busy_stream_assigned_in_batches_is_assigned_as_one_by_one(rows, compiled, data):
    # given a busy stream clustered one document at a time
    docs, whole, expected, *_ = _busy_stream_cut(rows, data)
    # when it is clustered in batches of any size (each batch vectorised at once, by numpy or
    # by the compiled loops)
    size = data.draw(st.integers(1, len(docs)))
    batched = OnlineClusterer(**BUSY)
    if compiled:
        batched.load_compiled()
    got = [cid for at in range(0, len(docs), size) for cid in batched.assign_many(docs[at : at + size])]
    # then the ids and the final state are the same
    assert got == expected
    assert json.dumps(batched.state(), sort_keys=True) == json.dumps(whole.state(), sort_keys=True)


@given(STREAMS, st.data())
@settings(max_examples=60, deadline=None)
def test_resuming_anywhere_in_a_busy_stream_continues_exactly(rows, data):
    # given a busy stream, and its first part clustered alone
    docs, whole, expected, first, got, cut = _busy_stream_cut(rows, data)
    # when it is saved through JSON at any point and resumed
    resumed = OnlineClusterer.from_state(json.loads(json.dumps(first.state())))
    got += [resumed.assign(d) for d in docs[cut:]]
    # then the ids and the final state are those of the uninterrupted run
    assert got == expected
    assert json.dumps(resumed.state(), sort_keys=True) == json.dumps(whole.state(), sort_keys=True)


def _compiled(**params) -> CompiledClusterer:
    return CompiledClusterer(OnlineClusterer(**params))


# The Python clusterer and the compiled loops, for tests both must pass.
EITHER = pytest.mark.parametrize("make", [OnlineClusterer, _compiled], ids=["python", "compiled"])


@EITHER
def test_of_equally_similar_clusters_the_oldest_is_joined(make):
    # given the same text opening three clusters, kept apart by their places
    clusterer = make(similarity_threshold=0.3)
    for i, place in enumerate(["HN-C", "HN-B", "HN-A", "HN-D"]):
        assert clusterer.assign(doc(f"d{i}", FLOOD[0], "hạ tầng", {place}, T0)) == f"c{i + 1}"
    # when the text comes again with no place (compatible with all, equally similar to all)
    got = clusterer.assign(doc("x", FLOOD[0], "hạ tầng", (), T0))
    # then it joins the cluster opened first
    assert got == "c1"


@EITHER
@pytest.mark.parametrize(
    "tz",
    [None, UTC, timezone(timedelta(hours=7)), TZ],
    ids=["naive", "utc", "fixed", "zoneinfo"],
)
def test_the_window_is_exact_to_the_microsecond_in_either_direction(tz, make):
    # given a cluster last updated at noon, with a one-day window
    noon = datetime(2026, 3, 10, 12, 0, tzinfo=tz)
    window = timedelta(days=1)
    for offset, joins in [
        (window, True),
        (window + timedelta(microseconds=1), False),
        (-window, True),
        (-window - timedelta(microseconds=1), False),
    ]:
        clusterer = make(similarity_threshold=0.3, window=window)
        first = clusterer.assign(doc("a", FLOOD[0], "hạ tầng", {"BN-VN"}, noon))
        # when the same text comes exactly one window later or earlier, or a microsecond more
        got = clusterer.assign(doc("b", FLOOD[1], "hạ tầng", {"BN-VN"}, noon + offset))
        # then it joins within the window (its ends included) and not beyond
        assert (got == first) is joins, offset


@given(STREAMS)
@settings(max_examples=40, deadline=None)
def test_the_same_instants_cluster_alike_in_any_time_zone_form(rows):
    # given one stream with naive times, fixed-offset times, zone times and offsets mixed
    def run(to_time):
        clusterer = OnlineClusterer(
            similarity_threshold=0.1, max_active=3, window=timedelta(hours=20), buckets=256
        )
        return [
            clusterer.assign(doc(f"d{i}", " ".join(w), topic, places, to_time(i, hours)))
            for i, (w, topic, places, hours) in enumerate(rows)
        ]

    base = datetime(2026, 3, 1, 8, 0)
    naive = run(lambda i, h: base + timedelta(hours=h))
    # when the same instants are given as aware times of one or several forms
    fixed = run(lambda i, h: (base + timedelta(hours=h)).replace(tzinfo=timezone(timedelta(hours=7))))
    zoned = run(lambda i, h: (base + timedelta(hours=h)).replace(tzinfo=TZ))
    mixed = run(
        lambda i, h: (
            (base + timedelta(hours=h))
            .replace(tzinfo=TZ)
            .astimezone([TZ, UTC, timezone(timedelta(hours=-5))][i % 3])
        )
    )
    # then the clusters are the same
    assert naive == fixed == zoned == mixed


@given(
    st.dictionaries(
        st.text(alphabet="abcd", max_size=3),
        st.sampled_from([0.5, 0.25, 0.125, 1.0, 0.1, 0.3, 0.7]),
        max_size=40,
    ),
    st.integers(-3, 45),
)
def test_summary_terms_are_the_strongest_with_ties_alphabetical(weights, k):
    # given a centroid with many equal weights (ties at the k-th term)
    cluster = Cluster("c1", 1, weights=dict(weights))
    # when its k strongest terms are asked for
    # then they are those of the full (weight, term) order
    expected = [t for t, _ in sorted(weights.items(), key=lambda tw: (-tw[1], tw[0]))[:k]]
    assert cluster.summary_terms(k) == expected


def _counts(table):
    return lambda terms: [table.get(t, 1) for t in terms]


def test_a_cluster_s_terms_read_as_the_phrases_its_text_writes_them_in():
    # given the bigrams of the Winter Olympics, "hội mùa" in far fewer documents than its
    # neighbours, and a term the text does not write
    terms = ["the van", "van hoi", "hoi mua", "mua dong", "khai mac", "dang cai"]
    counts = _counts({"the van": 50, "van hoi": 60, "hoi mua": 5, "mua dong": 40, "khai mac": 30})
    text = "Thế vận hội Mùa đông 2026: lễ khai mạc ở San Siro"
    # when they are read along the text, then the run is cut where it dips, the phrases as the
    # text writes them (lower case), the other term as it is, strongest first
    assert summary_phrases(terms, text, counts) == ["thế vận hội", "mùa đông", "khai mạc", "dang cai"]

    # and with no dip, a run longer than four syllables is cut at its rarest bigram within, never
    # leaving one syllable alone (not at "ngập úng", its last)
    flood = ["vu ninh", "ngap ung", "phuong vu", "ninh ngap"]
    counts = _counts({"phuong vu": 20, "vu ninh": 20, "ninh ngap": 15, "ngap ung": 12})
    got = summary_phrases(flood, "Phường Vũ Ninh ngập úng sâu", counts)
    assert got == ["phường vũ ninh", "ngập úng"]
    # and a bigram at a run's end, in far fewer documents than its neighbour, is cut off
    land = ["thu hoi", "hoi dat", "dat lam"]
    counts = _counts({"thu hoi": 50, "hoi dat": 40, "dat lam": 3})
    assert summary_phrases(land, "Dân phản đối thu hồi đất làm dự án", counts) == ["thu hồi đất"]


def test_a_text_that_repeats_its_words_thousands_of_times_still_reads_its_phrases():
    # given a text of one name written 3,000 times on end (a run of 6,000 bigrams), whose two
    # bigrams are the cluster's terms, the first in fewer documents than the second
    terms = ["xa tan", "tan xa"]
    counts = _counts({"xa tan": 10, "tan xa": 40})
    # when they are read along it (the cuts went one bigram deep at a time, past Python's
    # recursion limit), then the run reads as phrases of the text
    got = summary_phrases(terms, "xã Tân " * 3000, counts)
    assert got and all(phrase in "xã tân " * 3 for phrase in got)


def test_a_summary_phrase_stays_within_a_clause_and_is_named_once():
    # given terms of street food, one of them only across a comma, and one the text writes twice
    # (once without diacritics)
    terms = ["am thuc", "thuc duong", "duong pho", "thuat am", "nghe thuat", "pho di"]
    text = "Nghệ thuật, ẩm thực đường phố. Ẩm thực đường phố và nghe thuat"
    # when read along it, then the term across the comma is none, the phrase written twice is
    # named once, and a phrase within another is left out
    got = summary_phrases(terms, text, _counts({}))
    assert got == ["ẩm thực đường phố", "nghệ thuật", "pho di"]


def _sticks(table, otherwise=-math.inf):
    """A model's stickiness of syllable pairs, from a table of "a b" -> log share."""
    return lambda left, right: [table.get(f"{a} {b}", otherwise) for a, b in zip(left, right, strict=True)]


def test_a_summary_phrase_s_edge_moves_to_the_word_it_cuts_as_the_model_says():
    # given an oil price report whose terms read "giá dầu thế" (the text goes on with "giới"),
    # and a model by which "thế giới" sticks more than "dầu thế" does
    terms = ["gia dau", "dau the", "du tru"]
    text = "Giá dầu thế giới tăng do dự trữ giảm"
    assert summary_phrases(terms, text, _counts({})) == ["giá dầu thế", "dự trữ"]
    sticks = _sticks({"thế giới": math.log(0.9), "dầu thế": math.log(0.05), "giới tăng": math.log(0.01)})
    # when they are read with it, then the phrase takes in "giới"; "dự trữ" sticks to nothing
    assert summary_phrases(terms, text, _counts({}), sticks) == ["giá dầu thế giới", "dự trữ"]
    # and a phrase of four syllables gives its edge syllable up rather than grow past four
    terms = ["tang lai", "lai suat", "suat tien"]
    text = "Ngân hàng tăng lãi suất tiền gửi kỳ hạn"
    sticks = _sticks({"tiền gửi": math.log(0.6), "suất tiền": math.log(0.1), "lãi suất": math.log(0.5)})
    assert summary_phrases(terms, text, _counts({}), sticks) == ["tăng lãi suất"]
    # and with no model, or one that knows none of the syllables, the edges stay
    assert summary_phrases(terms, text, _counts({}), lambda left, right: None) == ["tăng lãi suất tiền"]
    assert summary_phrases(terms, text, _counts({}), _sticks({})) == ["tăng lãi suất tiền"]


def test_a_summary_phrase_takes_in_nothing_across_a_mark_a_placeholder_or_the_text_s_edge():
    # given a model by which the words of each phrase stick to nothing, and whatever stands
    # outside them (a mark, a placeholder, nothing) sticks
    inner = {("nước", "tràn"), ("tràn", "lên"), ("gọi", "số")}

    def outside_first(left, right):
        return [-math.inf if pair in inner else 0.0 for pair in zip(left, right, strict=True)]

    # when a text's phrases stand beside a comma, a masked phone number and its edges
    text = "Nước tràn, gọi số <phone> nước tràn lên"
    got = summary_phrases(["nuoc tran", "goi so", "tran len"], text, _counts({}), outside_first)
    # then none takes in a mark, the placeholder or anything beyond the text
    assert got == ["nước tràn lên", "gọi số"]


def test_a_summary_phrase_neither_begins_nor_ends_with_a_preposition_or_a_conjunction():
    # given terms that the text writes beside "ở" (at, in), one of them only with it
    terms = ["ca chet", "chet hang", "hang loat", "kenh o", "truyen o", "tuyen truyen"]
    text = "Cá chết hàng loạt trên kênh ở Yên Trung, sau buổi tuyên truyền ở thôn"
    # when they are read along it, then "ở" is left off the phrases' edges, and a phrase left
    # with one syllable is none
    assert summary_phrases(terms, text, _counts({})) == ["cá chết hàng loạt", "tuyên truyền"]
    # and so is a conjunction a model's stickiness took in ("ngập" sticks to "và" in no text)
    sticks = _sticks({"úng và": math.log(0.5), "ngập úng": math.log(0.2)})
    assert summary_phrases(["ngap ung"], "Ngập úng và mất điện", _counts({}), sticks) == ["ngập úng"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d", "e", "và"]), min_size=0, max_size=14),
    st.lists(st.sampled_from(["", " ", ", ", ". ", "\n"]), min_size=14, max_size=14),
    st.lists(st.sampled_from([f"{x} {y}" for x in "abcdef" for y in "abcdef"]), unique=True, max_size=10),
    st.dictionaries(st.sampled_from([f"{x} {y}" for x in "abcde" for y in "abcde"]), st.integers(0, 9)),
    st.none()
    | st.tuples(
        st.dictionaries(st.sampled_from([f"{x} {y}" for x in "abcde" for y in "abcde"]), st.floats(-4, 0)),
        st.sampled_from([-math.inf, -1.0, 0.0]),
    ).map(lambda drawn: _sticks(*drawn)),
)
def test_summary_phrases_are_runs_of_the_text_within_clauses_or_its_terms(
    syllables, gaps, terms, table, sticks
):
    # given a text of few syllables, marks between some, terms of its bigrams and others, and
    # a model's stickiness of its syllables (or none; some models say what stands outside a
    # phrase sticks, whatever it is)
    text = "".join(s + (g or " ") for s, g in zip(syllables, gaps, strict=False))
    got = summary_phrases(terms, text, _counts(table), sticks)
    clauses = [c.split() for c in re.split(r"[,.\n]", text)]
    written = {" ".join(c[i:j]) for c in clauses for i in range(len(c)) for j in range(i + 2, i + 5)}
    for phrase in got:
        # then each is a term the text does not write, or a run of 2 to 4 syllables of a clause
        assert phrase in terms or phrase in written
        # and none is within another, nor named twice, nor begins or ends with "và" (and)
        assert sum(f" {phrase} " in f" {other} " for other in got) == 1
        assert phrase in terms or "và" not in (phrase.split()[0], phrase.split()[-1])
    # and every term the text does not write is named as it is
    words = re.sub(r"[,.\n]", " ", text).split()
    bigrams = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    assert [t for t in terms if t not in bigrams] == [t for t in got if t not in written]


def test_terms_a_cluster_s_first_text_does_not_write_are_read_along_its_other_texts():
    # given a flood cluster whose first text writes "ngập úng sâu", and the others "ngập úng kéo
    # dài" (a term no text writes too)
    terms = ["ngap ung", "ung keo", "vu ninh", "keo dai", "mua lon"]
    texts = ["Vũ Ninh ngập úng sâu", "Dân kêu: ngập úng kéo dài", "Ngập úng kéo dài ở Vũ Ninh"]
    # when they are read along the first text alone, then "úng kéo" and "kéo dài" stay terms
    assert summary_phrases_many([(terms, texts[0])], _counts({})) == [
        ["ngập úng", "ung keo", "vũ ninh", "keo dai", "mua lon"]
    ]
    # and along all of them, they are named as the second text writes them, with "ngập úng"
    # beside them; the third, which writes none of the terms left ("mua lon"), names nothing
    got = summary_phrases_many([(terms, texts)], _counts({}))
    assert got == [["ngập úng kéo dài", "vũ ninh", "mua lon"]]
    assert summary_phrases_many([(terms, texts[:2])], _counts({})) == got
    # and with no text, the terms are as they are
    assert summary_phrases_many([(terms, [])], _counts({})) == [terms]


_LETTER_TEXTS = st.lists(
    st.sampled_from(["a b", "b c", "c d", "d e", "e a", ", ", ". ", " "]), max_size=12
).map(" ".join)
_LETTER_TERMS = st.lists(
    st.sampled_from([f"{x} {y}" for x in "abcdef" for y in "abcdef"]), unique=True, max_size=8
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_LETTER_TERMS, _LETTER_TEXTS), max_size=6),
    st.dictionaries(st.sampled_from([f"{x} {y}" for x in "abcde" for y in "abcde"]), st.integers(0, 9)),
    st.dictionaries(st.sampled_from([f"{x} {y}" for x in "abcde" for y in "abcde"]), st.floats(-4, 0)),
)
def test_the_phrases_of_many_clusters_are_each_one_s_alone_by_one_call_each(items, table, sticks):
    # given clusters' terms and texts, the clusterer's counts and a model's stickiness, each
    # counting the calls made of it
    calls = Counter()

    def counted(name, function):
        def call(*args):
            calls[name] += 1
            return function(*args)

        return call

    counts, stickiness = counted("counts", _counts(table)), counted("sticks", _sticks(sticks))
    # when their phrases are read at once
    got = summary_phrases_many(items, counts, stickiness)
    # then they are each cluster's alone, by one call of each at most
    assert calls["counts"] <= 1 and calls["sticks"] <= 1
    assert got == [summary_phrases(terms, text, _counts(table), _sticks(sticks)) for terms, text in items]


def test_the_clusterer_counts_the_documents_holding_each_term():
    # given a clusterer that has seen three documents, two holding "ngap ung"
    clusterer = OnlineClusterer()
    for number, text in enumerate(["ngập úng ở vũ ninh", "vũ ninh ngập úng", "giá điện tăng"]):
        clusterer.assign(ClusterDoc(str(number), document_terms(text.split())))
    # then it counts them (and no document for a term never seen)
    assert clusterer.document_frequencies(["ngap ung", "gia dien", "mua lon"]) == [2, 1, 0]


@given(STREAMS, st.data())
@settings(max_examples=60, deadline=None)
def test_the_compact_state_holds_the_same_state_and_resumes_exactly(rows, data):
    # given a busy stream clustered in full, and its first part clustered alone
    docs, whole, expected, first, got, cut = _busy_stream_cut(rows, data)
    # when it is saved in the compact format through JSON and loaded
    compact = json.loads(json.dumps(first.state(compact=True)))
    resumed = OnlineClusterer.from_state(compact)
    # then it holds the same state as the full format, and continues exactly
    assert compact["version"] == 4
    assert json.dumps(resumed.state()) == json.dumps(first.state())
    assert [c.summary_terms(4) for c in resumed.active()] == [c.summary_terms(4) for c in first.active()]
    got += [resumed.assign(d) for d in docs[cut:]]
    assert got == expected
    assert json.dumps(resumed.state(compact=True)) == json.dumps(whole.state(compact=True))


def test_a_compact_state_with_columns_of_different_lengths_is_refused():
    # given a compact state whose weights do not match its terms
    clusterer = OnlineClusterer(similarity_threshold=0.3)
    for d in stream():
        clusterer.assign(d)
    state = json.loads(json.dumps(clusterer.state(compact=True)))
    state["clusters"]["terms"].pop()
    # when it is loaded
    # then a clear error is raised
    with pytest.raises(ValueError, match="columns"):
        OnlineClusterer.from_state(state)


@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0])), max_size=80))
def test_the_batch_order_is_by_document_then_weight_then_position(items):
    # given the weights of a batch's terms with their documents, many of them equal
    items.sort(key=lambda item: item[0])  # a batch lists each document's terms together
    doc_of = np.array([d for d, _ in items], dtype=np.int64)
    weights = np.array([w for _, w in items])
    # when they are ordered for the vectors
    order = _strongest_in_each(weights, doc_of, 6)
    # then it is the stable sort by document, then weight, strongest first
    assert order.tolist() == np.lexsort((-weights, doc_of)).tolist()


@given(st.lists(st.floats(min_value=1e-9, max_value=1.0), min_size=4, max_size=4))
def test_two_products_add_up_as_an_exact_sum_does(weights):
    # given the products of two shared terms' weights (what assign sums for a candidate)
    a, b, c, d = weights
    # then one addition gives fsum's correctly rounded sum, in either order
    assert a * b + c * d == math.fsum([a * b, c * d]) == c * d + a * b


def reference_ids(docs: list[ClusterDoc], params: dict) -> list[str]:
    """The clusterer's definition spelt out plainly, for a stream: every open cluster is
    scanned in creation order (a candidate when one of the document's 16 strongest terms is
    among its posted terms: the 8 strongest of each of its documents that it still holds), the
    windows are subtractions, the similarity an exact sum; no index, bound or
    table. The vectors and their frequency table come from the clusterer itself."""
    threshold, window = params["similarity_threshold"], params["window"]
    same_topic = params.get("require_same_topic", True)
    weigher = OnlineClusterer(**params)
    clusters: dict[int, dict] = {}  # seq -> fields, least recently updated first
    now, next_id, ids = None, 1, []
    for d, vector in zip(docs, weigher.vectorise_many(docs), strict=True):
        when = d.created_at
        if when is not None and (now is None or when > now):
            now = when
        while now is not None and clusters:
            last = next(iter(clusters.values()))["last"]
            if last is None or last >= now - window:
                break
            clusters.pop(next(iter(clusters)))
        probe = list(vector)[:8]
        best, best_sim = None, threshold
        for seq in sorted(clusters):
            c = clusters[seq]
            if c["posted"].isdisjoint(list(vector)[:16]):
                continue
            if (
                same_topic
                and d.topic
                and c["topic"]
                and not ({d.topic, d.other_topic} & {c["topic"], c["other"]}) - {None}
            ):
                continue
            if d.places and c["places"] and d.places.isdisjoint(c["places"]):
                continue
            if d.series_day and c["day"] and d.series_day != c["day"]:
                continue
            # within the window of the document (taken as of the newest without a time) and of
            # the newest, however late the closing of the clusters before it has come
            last, of = c["last"], when or now
            if of is not None and last is not None and (abs(of - last) > window or now - last > window):
                continue
            shared = c["weights"].keys() & vector.keys()
            sim = math.fsum(vector[t] * c["weights"][t] for t in shared) / c["norm"]
            if sim > best_sim or (sim == best_sim and best is None):
                best, best_sim = seq, sim
        at = when or now
        if best is None:
            best, next_id = next_id, next_id + 1
            c = clusters[best] = dict(
                weights={}, posted=set(), topic=None, other=None, places=set(), day=0, first=at, last=at
            )
        else:
            c = clusters.pop(best)
            clusters[best] = c  # now the most recently updated
        weights = c["weights"]
        for t, w in vector.items():
            weights[t] = weights.get(t, 0.0) + w
        c["posted"] |= set(probe)
        if len(weights) > 48 * 2:
            kept = dict(sorted(weights.items(), key=lambda tw: (-tw[1], tw[0]))[:48])
            c["weights"], c["posted"] = kept, c["posted"] & kept.keys()
        c["norm"] = math.sqrt(math.fsum(w * w for w in c["weights"].values()))
        if not c["topic"] and d.topic:
            c["topic"], c["other"] = d.topic, d.other_topic or None
        c["places"] |= d.places
        c["day"] = c["day"] or d.series_day
        if at is not None:
            c["first"] = at if c["first"] is None else min(c["first"], at)
            c["last"] = at if c["last"] is None else max(c["last"], at)
        while len(clusters) > params["max_active"]:
            clusters.pop(next(iter(clusters)))
        ids.append(f"c{best}")
    return ids


BASE = datetime(2026, 3, 1, 8, 0)
TIME_FORMS = {
    "naive": lambda h: BASE + timedelta(hours=h),
    "fixed": lambda h: (BASE + timedelta(hours=h)).replace(tzinfo=timezone(timedelta(hours=7))),
    "zone": lambda h: (BASE + timedelta(hours=h)).replace(tzinfo=TZ),
    "none": lambda h: None,
}


# Streams of repeated texts (equally similar clusters: ties), topics that come late and times
# far apart and out of order (outside one another's window).
REPEATING = st.lists(
    st.tuples(
        # Words only this text uses: equal frequencies, so equal vectors and similarities.
        st.just(["xả thải", "kênh đen"])
        | st.sampled_from(VOCABULARY[:30:3]).flatmap(
            lambda w: st.lists(st.sampled_from([w, *VOCABULARY[:40]]), min_size=1, max_size=4)
        ),
        st.sampled_from([None, "hạ tầng", "môi trường"]),
        st.sampled_from([(), ("BN-VN",), ("BN-DX",), ("BN-VN", "BN-DX")]),
        st.integers(0, 80),
    ),
    min_size=2,
    max_size=40,
)


def _stream_docs(rows, form: str, data) -> list[ClusterDoc]:
    """The documents of a drawn stream, with times of one form, each a runner-up topic or none
    (the same as its topic, another, or one no cluster has) and a series day or none."""
    to_time = TIME_FORMS[form]
    others = data.draw(
        st.lists(
            st.sampled_from([None, "hạ tầng", "môi trường", "giáo dục"]),
            min_size=len(rows),
            max_size=len(rows),
        )
    )
    days = data.draw(st.lists(st.sampled_from([0, 0, 809, 810]), min_size=len(rows), max_size=len(rows)))
    docs = []
    for i, ((words, topic, places, hours), other, day) in enumerate(zip(rows, others, days, strict=True)):
        d = doc(f"d{i}", " ".join(words), topic, places, to_time(hours))
        # some of its terms written as names, or none
        named = data.draw(st.none() | st.lists(st.booleans(), min_size=len(d.terms), max_size=len(d.terms)))
        names = None if named is None else np.array(named, dtype=bool)
        docs.append(dataclasses.replace(d, other_topic=other, series_day=day, names=names))
    return docs


@given(
    STREAMS | REPEATING,
    st.sampled_from(list(TIME_FORMS)),
    st.sampled_from([3, 8]),
    st.booleans(),
    st.data(),
)
@settings(max_examples=150, deadline=None)
def test_a_stream_is_clustered_as_the_plain_definition_says(rows, form, max_active, same_topic, data):
    # given a busy stream (joins, prunes, topics set late, times out of order, expiry and
    # eviction) with times of one form
    params = dict(BUSY, max_active=max_active, require_same_topic=same_topic)
    # each with a runner-up topic or none (the same as its topic, another, one no cluster has)
    docs = _stream_docs(rows, form, data)
    # when it is clustered in batches, saved and resumed at some point
    cut = data.draw(st.integers(0, len(docs)))
    first = OnlineClusterer(**params)
    got = first.assign_many(docs[:cut])
    resumed = OnlineClusterer.from_state(json.loads(json.dumps(first.state())))
    got += resumed.assign_many(docs[cut:])
    # then every document joins the cluster the plain definition gives
    assert got == reference_ids(docs, params)


@given(STREAMS | REPEATING, st.sampled_from([0.1, 0.3, 0.5, 0.7]), st.sampled_from([8, 64, 1024]), st.data())
@settings(max_examples=150, deadline=None)
def test_the_similarity_bound_leaves_out_no_cluster_the_definition_picks(rows, threshold, bits, data):
    # given a busy stream with a threshold where many candidates fall short, and term masks of
    # a few bits (most terms share one with another), more, or the default width
    import duluan.analysis.cluster as cluster_module

    params = dict(BUSY, similarity_threshold=threshold)
    docs = [
        doc(f"d{i}", " ".join(words), topic, places, T0 + timedelta(hours=hours))
        for i, (words, topic, places, hours) in enumerate(rows)
    ]
    cut = data.draw(st.integers(0, len(docs)))
    size = data.draw(st.integers(1, len(docs)))
    default_bits = cluster_module._MASK_BITS
    cluster_module._MASK_BITS = bits
    try:
        # when it is clustered in batches, one at a time and resumed at some point
        batched = OnlineClusterer(**params)
        got = [cid for at in range(0, len(docs), size) for cid in batched.assign_many(docs[at : at + size])]
        single = OnlineClusterer(**params)
        one_by_one = [single.assign(d) for d in docs[:cut]]
        resumed = OnlineClusterer.from_state(json.loads(json.dumps(single.state())))
        one_by_one += resumed.assign_many(docs[cut:])
    finally:
        cluster_module._MASK_BITS = default_bits
    # then every document joins the cluster the plain definition gives (which bounds nothing)
    expected = reference_ids(docs, params)
    assert got == expected
    assert one_by_one == expected


def test_the_bound_of_a_batch_vector_is_that_of_the_vector_alone():
    # given the vectors of a batch and the reach of each worked out alone
    from duluan.analysis.cluster import _reach_of

    docs = stream()
    vectors, reaches = OnlineClusterer()._vectorise_many(docs)
    for vector, reach in zip(vectors, reaches, strict=True):
        mask, surplus, prefix = reach
        alone_mask, alone_surplus, alone_prefix = _reach_of(vector)
        # then the masks and the terms that share a bit agree, and the sums of the strongest
        # weights agree to rounding
        assert (mask, surplus) == (alone_mask, alone_surplus)
        assert mask.bit_count() + surplus == len(vector)
        assert prefix[: len(alone_prefix)] == pytest.approx(alone_prefix, rel=1e-12)
        assert prefix[len(vector)] == pytest.approx(sum(vector.values()), rel=1e-12)


@given(STREAMS, st.sampled_from([8, 64, 1024]), st.data())
@settings(max_examples=150, deadline=None)
def test_the_similarity_bound_is_never_below_the_similarity(rows, bits, data):
    # given clusters grown from a stream (joined, pruned), with term masks of a given width
    import duluan.analysis.cluster as cluster_module

    docs = [
        doc(f"d{i}", " ".join(words), topic, places, T0 + timedelta(hours=hours))
        for i, (words, topic, places, hours) in enumerate(rows)
    ]
    size = data.draw(st.integers(1, len(docs)))
    default_bits = cluster_module._MASK_BITS
    cluster_module._MASK_BITS = bits
    try:
        clusterer = OnlineClusterer(similarity_threshold=0.1, window=timedelta(days=30), buckets=256)
        for at in range(0, len(docs), size):
            clusterer.assign_many(docs[at : at + size])
        # and the vectors of another stream's texts, by batch and alone
        probes = [doc(f"p{i}", " ".join(words)) for i, (words, *_) in enumerate(data.draw(STREAMS))]
        vectors, reaches = OnlineClusterer(buckets=256)._vectorise_many(probes)
        reaches += [cluster_module._reach_of(v) for v in vectors]
        vectors += vectors
        resumed = OnlineClusterer.from_state(json.loads(json.dumps(clusterer.state())))
    finally:
        cluster_module._MASK_BITS = default_bits
    # then each one's bound with every cluster is at least their similarity, and with every
    # cluster of the clusterer resumed from its state
    for vector, reach in zip(vectors, reaches, strict=True):
        if not vector:
            continue
        mask, surplus, prefix = reach
        for cluster in clusterer.active() + resumed.active():
            shared = cluster.weights.keys() & vector.keys()
            sim = math.fsum(vector[t] * cluster.weights[t] for t in shared) / cluster.norm
            bound = cluster.top * prefix[(mask & cluster.mask).bit_count() + surplus]
            assert bound >= sim * (1 - cluster_module._BOUND_MARGIN)


VOCABULARY = ["ngập úng", "vũ ninh", "đường", "rác thải", "giá điện", "học phí", "cầu", "bệnh viện"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=5),
            st.sampled_from([None, "moi_truong", "giao_thong"]),
            st.sampled_from([None, "moi_truong", "giao_thong", "y_te"]),
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(1, 4),
    st.booleans(),
)
def test_the_postings_index_each_open_cluster_under_its_terms_and_nothing_else(docs, max_active, same_topic):
    # given a clusterer that keeps few clusters open, so they open, grow, change topic and close,
    # of documents with a runner-up topic or none
    clusterer = OnlineClusterer(max_active=max_active, require_same_topic=same_topic)
    start = datetime(2026, 1, 1)
    for i, (terms, topic, other) in enumerate(docs):
        clusterer.assign(
            ClusterDoc(
                str(i),
                dict.fromkeys(terms, 1),
                topic=topic,
                created_at=start + timedelta(minutes=i),
                other_topic=other,
            )
        )
        # then each table holds, under each term, exactly the open clusters posted under it: the
        # cluster itself when it is the only one, a set of them otherwise; a cluster is in the
        # tables of its topic and of its other topic
        expected: dict[tuple, set] = {}
        for cluster in clusterer.clusters_.values():
            tables = {cluster.topic, cluster.other_topic or cluster.topic} if same_topic else {None}
            for table in tables:
                for term in cluster.posted:
                    expected.setdefault((table, term), set()).add(cluster)
        got = {}
        for table, postings in clusterer._postings.items():
            for term, posted in postings.items():
                assert type(posted) is Cluster or (type(posted) is set and posted)
                got[(table, term)] = set(posted)
        assert got == expected


# -- the compiled loops (duluan.analysis.cluster_compiled) ----------------------------------------

WIDE_VOCABULARY = [
    f"{a}{b}" for a in ("ngập", "rác", "đường", "chợ", "cầu", "điện", "Ɗ", "a") for b in range(40)
]
# Long texts of many distinct bigrams, so that centroids pass 96 terms and are pruned, with
# repeated texts (equal weights: ties at the cut, kept in the terms' string order).
WIDE_STREAMS = st.lists(
    st.tuples(
        st.lists(st.sampled_from(WIDE_VOCABULARY), min_size=1, max_size=70)
        | st.sampled_from([" ".join(WIDE_VOCABULARY[:60]).split(), " ".join(WIDE_VOCABULARY[30:90]).split()]),
        st.sampled_from([None, "hạ tầng", "hạ tầng", "môi trường"]),
        st.sampled_from([(), ("BN-VN",), ("BN-VN",), ("BN-DX",), tuple(f"P{i}" for i in range(20))]),
        st.integers(0, 30),
    ),
    min_size=2,
    max_size=40,
)


@given(
    STREAMS | REPEATING | WIDE_STREAMS,
    st.sampled_from(["fixed", "zone", "naive", "none"]),
    st.sampled_from([0.05, 0.1, 0.22]),
    st.sampled_from([2, 3, 8, 10_000]),
    st.booleans(),
    st.data(),
)
@settings(max_examples=200, deadline=None)
def test_the_compiled_loops_cluster_a_stream_as_the_python_clusterer(
    rows, form, threshold, max_active, same_topic, data
):
    # given a busy stream (joins, prunes with ties, topics set late, runner-up topics, many
    # places, times out of order, expiry and eviction) with times of one form
    params = dict(BUSY, similarity_threshold=threshold, max_active=max_active, require_same_topic=same_topic)
    docs = _stream_docs(rows, form, data)
    python = OnlineClusterer(**params)
    expected = [python.assign(d) for d in docs]
    # when the compiled loops take the stream over at some point, from the Python clusterer's
    # state, and go on in batches of any size
    cut = data.draw(st.integers(0, len(docs)))
    first = OnlineClusterer(**params)
    got = first.assign_many(docs[:cut])
    compiled = CompiledClusterer(OnlineClusterer.from_state(json.loads(json.dumps(first.state()))))
    size = data.draw(st.integers(1, len(docs)))
    got += [cid for at in range(cut, len(docs), size) for cid in compiled.assign_many(docs[at : at + size])]
    # then every document joins the same cluster, and the state is the same
    assert got == expected
    assert json.dumps(compiled.state(), sort_keys=True) == json.dumps(python.state(), sort_keys=True)
    assert compiled._python is None  # the compiled loops did it all


@pytest.mark.parametrize(
    "late",
    [
        datetime(2026, 3, 1, 9, tzinfo=ZoneInfo("Europe/Paris")),  # a zone whose offset moves
        datetime(1970, 1, 1, 9, tzinfo=TZ),  # Vietnam before its offset settled
    ],
)
def test_a_time_the_loops_cannot_compare_hands_the_stream_back_to_python(late):
    # given a stream whose third batch holds a time the loops cannot compare as Python does
    docs = stream()
    docs[8] = dataclasses.replace(docs[8], created_at=late)
    python = OnlineClusterer(similarity_threshold=0.3)
    expected = [python.assign(d) for d in docs]
    compiled = CompiledClusterer(OnlineClusterer(similarity_threshold=0.3))
    # when the compiled clusterer is given it in batches of 4
    got = [cid for at in range(0, len(docs), 4) for cid in compiled.assign_many(docs[at : at + 4])]
    # then the Python clusterer took over from the batch before, and the stream is the same
    assert compiled._python is not None
    assert got == expected
    assert json.dumps(compiled.state(), sort_keys=True) == json.dumps(python.state(), sort_keys=True)


def _docs_with_a_zero_character(given: str) -> list[ClusterDoc]:
    """Documents one of whose terms holds a zero character: given as strings, or as pairs of
    syllable rows (one syllable holds it)."""
    if given == "strings":
        return [ClusterDoc("a", {"ngập úng": 1, "x\x00y": 1}), ClusterDoc("b", {"ngập úng": 1, "x\x00y": 2})]
    tokens = [["ngập", "úng", "x\x00y"], ["ngập", "úng"], ["x\x00y", "ngập"]]
    flat = [t for ts in tokens for t in ts]
    numbers: dict[str, int] = {}
    rows = np.array([numbers.setdefault(t, len(numbers)) for t in flat], dtype=np.intp)
    terms, codes = TermCoder()(flat, np.array([3, 2, 2]), rows, list(numbers), "one")
    assert type(terms[0].names) is TermNames
    return [ClusterDoc(str(i), t, codes=c) for i, (t, c) in enumerate(zip(terms, codes, strict=True))]


@pytest.mark.parametrize("given", ["strings", "syllables"])
def test_a_term_with_a_zero_character_hands_the_stream_back_to_python(given):
    docs = _docs_with_a_zero_character(given)
    python = OnlineClusterer(similarity_threshold=0.3)
    expected = python.assign_many(docs)
    compiled = CompiledClusterer(OnlineClusterer(similarity_threshold=0.3))
    assert compiled.assign_many(docs) == expected
    assert compiled._python is not None
    assert json.dumps(compiled.state(), sort_keys=True) == json.dumps(python.state(), sort_keys=True)


def test_a_naive_state_with_aware_documents_hands_the_stream_back_and_fails_as_python_does():
    # given a clusterer that saw naive times
    python = OnlineClusterer()
    python.assign(doc("a", FLOOD[0], when=datetime(2026, 3, 1, 8)))
    compiled = CompiledClusterer(OnlineClusterer.from_state(python.state()))
    # when an aware time comes, both fail as Python compares naive and aware times
    late = doc("b", FLOOD[1], when=T0)
    with pytest.raises(TypeError):
        python.assign(late)
    with pytest.raises(TypeError):
        compiled.assign_many([late])


SYLLABLES = ["ngập", "ngap", "úng", "đường", "Ɗa", "rác", "cầu", "vũ", "ninh", "x" * 40, "điện", "giá"]
SYLLABLES += [f"từ{i}" for i in range(60)]  # so that later batches bring new syllables
SYLLABLE_BATCHES = st.lists(
    st.lists(st.lists(st.sampled_from(SYLLABLES), max_size=30), min_size=1, max_size=12),
    min_size=1,
    max_size=6,
)


@given(
    SYLLABLE_BATCHES,
    st.sampled_from(["coder", "packed"]),
    st.sampled_from([0.05, 0.3]),
    st.lists(st.sampled_from([0, 0, 0, 1]), min_size=6, max_size=6),
    st.integers(0, 2),
)
@settings(max_examples=100, deadline=None)
@example(
    [[["ngập", "úng"], ["từ1", "từ2"]], [["từ3", "từ4", "ngập"], ["từ1", "từ3"]]], "coder", 0.3, [0] * 6, 0
)
@example(
    [[["ngập", "úng"], ["từ1", "từ2"]], [["từ3", "ngập", "úng"], ["từ1", "từ3"]]], "packed", 0.3, [0] * 6, 1
)
def test_terms_given_as_syllable_pairs_are_numbered_as_their_strings(
    batches, source, threshold, new_tables, resume_at
):
    # given batches of texts whose terms come as the pipeline gives them: pairs of rows of the
    # syllable table that grows from batch to batch (a new table when its generation changes),
    # or, as the driver of `duluan analyze` unpacks them, of each batch's own syllables; the
    # compiled clusterer goes on from the state the Python one saved after ``resume_at``
    # batches (whose terms it numbers from their strings)
    params = dict(similarity_threshold=threshold, max_active=6)
    python, before = OnlineClusterer(**params), OnlineClusterer(**params)
    compiled = None
    # (The pipeline's table has a row for the featurizers' document separator, "\x00".)
    coder, numbers, generation = TermCoder(), {"\x00": 0}, 0
    expected, got = [], []
    for b, token_lists in enumerate(batches):
        generation += new_tables[b]  # now and then a new table
        flat = [t for tokens in token_lists for t in tokens]
        rows = np.array([numbers.setdefault(t, len(numbers)) for t in flat], dtype=np.intp)
        lengths = np.array([len(t) for t in token_lists], dtype=np.int64)
        terms, codes = coder(flat, lengths, rows, list(numbers), generation)
        if source == "packed" and type(terms[0].names) is TermNames:
            syllables, (_, first, after) = dask_engine._compact_names(terms[0].names)
            own = TermNames(syllables, first.astype(np.int64), after.astype(np.int64) - 1)
            terms = [TermSlice(own, t.counts, t.start, t.stop) for t in terms]
        docs = [
            ClusterDoc(f"{b}-{i}", t, created_at=T0 + timedelta(minutes=b), codes=c)
            for i, (t, c) in enumerate(zip(terms, codes, strict=True))
        ]
        # when the Python clusterer and the compiled one cluster each batch as it comes
        expected += python.assign_many(docs)
        if b < resume_at:
            got += before.assign_many(docs)
            continue
        if compiled is None:
            compiled = CompiledClusterer(OnlineClusterer.from_state(json.loads(json.dumps(before.state()))))
        got += compiled.assign_many(docs)
    # then the terms were numbered from their syllables, as their strings are: the same
    # clusters and state
    assert got == expected
    if compiled is not None:
        assert json.dumps(compiled.state(), sort_keys=True) == json.dumps(python.state(), sort_keys=True)
        assert compiled._python is None


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_real_news_leads_are_clustered_alike_by_the_compiled_clusterer():
    # given 3,000 real news leads (TC201805, title and lead), an hour apart in fives, in
    # Vietnam time, of two topics (each the other's runner-up), some with places
    with gzip.open(shared_data_dir() / "tc201805" / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in itertools.islice(fh, 0, 30000, 10)]
    docs = []
    for i, t in enumerate(texts):
        tokens = tokenise(normalise(t).text)
        docs.append(
            ClusterDoc(
                str(i),
                document_terms(tokens),
                topic=("hạ tầng", "môi trường", None)[i % 3],
                places=frozenset(w[:2] for w in tokens[:3]) if i % 7 == 0 else frozenset(),
                created_at=T0 + timedelta(hours=i // 5),
                other_topic=("môi trường", "hạ tầng", None)[i % 3],
            )
        )
    plain = OnlineClusterer(max_active=300)
    compiled = CompiledClusterer(OnlineClusterer(max_active=300))
    # when both cluster them in batches of 250
    expected = [c for at in range(0, len(docs), 250) for c in plain.assign_many(docs[at : at + 250])]
    got = [c for at in range(0, len(docs), 250) for c in compiled.assign_many(docs[at : at + 250])]
    # then every document joins the same cluster, and the states are the same
    assert got == expected
    assert len(set(got)) < len(docs) - 100  # a hundred joined
    assert json.dumps(compiled.state(), sort_keys=True) == json.dumps(plain.state(), sort_keys=True)


def test_the_term_pool_holds_each_open_terms_bytes_and_stays_as_small_as_they_are():
    # given a long stream of distinct terms through few open clusters (numbers freed and given
    # again, the hash table grown, the byte pool packed again and again), and one text that
    # comes back in every batch (its cluster's terms outlive every packing)
    compiled = CompiledClusterer(OnlineClusterer(max_active=60, similarity_threshold=0.9))
    daily = {f"hằng ngày {j}": 1 for j in range(40)}
    for batch in range(40):
        docs = [
            ClusterDoc(f"{batch}-{i}", {f"từ{batch}-{i}-{j} ngữ": 1 for j in range(60)}) for i in range(50)
        ]
        ids = compiled.assign_many([*docs, ClusterDoc(f"daily-{batch}", daily)])
        assert ids[-1] == "c51"
    # then the numbers taken are those the open clusters hold, and their bytes in the pool are
    # the open clusters' terms (the state's strings are read from there)
    sc = compiled._sc
    live = np.flatnonzero(compiled._term_hash[: sc[kernels.S_NEXT_TERM]])
    assert live.size == sc[kernels.S_TERMS] == compiled._t_refs[live].astype(bool).sum() > 0
    in_pool = {
        compiled._pool[at : at + size].tobytes().decode()
        for at, size in zip(compiled._t_off[live].tolist(), compiled._t_len[live].tolist(), strict=True)
    }
    held = {t for c in compiled.state()["clusters"] for t, _ in c["weights"]}
    assert in_pool == held >= set(daily)
    # and the pool and the numbers follow the open clusters' terms (60 clusters of at most 96
    # terms, and a batch's), not the 96,000 terms the stream had
    assert live.size <= 60 * 96 + 51 * 48
    assert compiled._pool.size < 2 * 40 * (live.size + 51 * 48)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    words=st.integers(1, 2),
    doc_terms=st.lists(st.integers(0, 300), min_size=1, max_size=kernels.KEEP, unique=True),
    uniform=st.booleans(),
)
@example(data=None, words=1, doc_terms=[0, 64, 128, 1], uniform=True)
def test_the_compiled_bound_is_never_below_the_similarity(data, words, doc_terms, uniform):
    # given a document's terms (numbers that share mask bits: masks of 64 or 128 bits), strongest
    # first, and a cluster holding some of them and others, with bits of terms it no longer holds
    if data is None:  # the example: four equal terms, three on one bit, all held by the cluster
        d_w = np.full(4, 0.5)
        held = {0: 1.0, 64: 1.0, 128: 1.0, 1: 1.0}
        extra: list[int] = []
    else:
        weights = st.just(1.0) if uniform else st.floats(0.01, 5.0)
        d_w = np.array(
            sorted(
                data.draw(st.lists(weights, min_size=len(doc_terms), max_size=len(doc_terms))), reverse=True
            )
        )
        d_w /= np.sqrt(math.fsum(d_w * d_w))
        shared = data.draw(st.lists(st.sampled_from(doc_terms), unique=True))
        others = data.draw(st.lists(st.integers(301, 600), unique=True, max_size=60))
        held = {t: data.draw(weights) for t in [*shared, *others]}
        extra = data.draw(st.lists(st.integers(0, 600), max_size=10))
    terms = np.array(doc_terms, np.int32)
    mask, prefix = np.zeros(words, np.uint64), np.zeros(kernels.KEEP + 1)
    surplus = kernels.document_reach(terms, d_w, 0, terms.size, mask, prefix)
    held_terms = np.array([*held, *extra], np.int32)
    cluster_mask = np.zeros(words, np.uint64)
    kernels.document_reach(
        held_terms, np.zeros(held_terms.size), 0, held_terms.size, cluster_mask, np.zeros(held_terms.size + 1)
    )
    c_w = np.array(list(held.values()) or [0.0])
    norm = math.sqrt(math.fsum(c_w * c_w))
    top = kernels.top_weight(c_w, c_w.size, norm)
    # when the document is bounded against the cluster
    bound = kernels.similarity_bound(mask, surplus, prefix, cluster_mask, top)
    # then the bound is at least the similarity (as the clusterers compute it), up to rounding
    similarity = (
        math.fsum(d_w[j] * held[t] for j, t in enumerate(doc_terms) if t in held) / norm if norm else 0.0
    )
    assert bound >= similarity * (1.0 - 1e-12)
    # and the surplus counts the document's terms that share a bit with another of its terms
    assert surplus == terms.size - len({t % (64 * words) for t in doc_terms})


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Giá vàng hôm nay 9/8: Căng thẳng Triều Tiên đẩy giá vàng tăng\nNhững phát ngôn mới nhất", 809),
        ("Giá vàng hôm nay (26/12): Ảm đạm trong kỳ nghỉ lễ", 1226),
        ("Giá vàng hôm nay 28.12: Tiếp tục giữ nhịp tăng giá?", 1228),
        ("Kết quả Vietlott ngày 29.12: Lần thứ 4 chủ nhân giải Jackpot", 1229),
        ("Dự báo thời tiết ngày mai 26/12/2017 cho các vùng trên phạm vi cả nước", 0),
        ("Kết quả xổ số điện toán Vietlott ngày 22/6/2017", 622),
        ("Thông tin đầu tư ngày 9-11", 1109),
        ("TIN TỐI (2.1): Chuyên gia Việt đánh giá bất ngờ", 102),
        ("Nhận định chứng khoán ngày 11/8: 'Phục hồi kỹ thuật về ngưỡng 780'", 811),
        # a date inside a sentence, opening the heading, or not closing it
        ("Thủy điện Trị An xả tràn vào ngày mai, 29.8", 0),
        ("Cách tính lương, phụ cấp của cán bộ công chức từ 1/7/2017", 0),
        ("Ngày 9.8, triển khai thu kinh phí công đoàn qua Vietinbank", 0),
        ("Giá vàng hôm nay ngày 28/12 bất ngờ vọt tăng, đứng đỉnh nhiều tuần qua", 0),
        ("Tối 15/3 đường Nguyễn Văn Cừ lại ngập sâu, xe chết máy hàng loạt", 0),
        # no day and month: a score, a fraction, a month and year, an impossible date
        ("Việt Nam thắng Thái Lan 2-1", 0),
        ("Tạm ứng cổ tức đợt 1/2017:", 0),
        ("Kết quả Vietlott Mega 6/45:", 0),
        ("Bảng giá 35/13:", 0),
        # no heading: a first line longer than a heading, or none at all
        ("Người dân phản ánh " + "rác thải ùn ứ " * 20 + "ngày 9/8", 0),
        ("", 0),
    ],
)
def test_series_day_reads_the_day_a_heading_is_stamped_with(text, day):
    assert series_day(text) == day


def test_instalments_of_a_daily_series_stay_apart_and_an_undated_report_joins_either():
    # given the gold price of two days, both with the same words, and a report with no stamp
    words = "giá vàng sjc tăng mạnh nhà đầu tư chốt lời giá vàng thế giới"
    first = dataclasses.replace(doc("v9", words, when=T0), series_day=809)
    second = dataclasses.replace(doc("v10", words, when=T0 + timedelta(days=1)), series_day=810)
    undated = doc("v", words, when=T0 + timedelta(days=1, hours=1))
    for make in (OnlineClusterer, lambda: CompiledClusterer(OnlineClusterer())):
        clusterer = make()
        # when they are clustered in turn
        ids = clusterer.assign_many(
            [*(doc(f"f{i}", t, when=T0) for i, t in enumerate(FILLER)), first, second, undated]
        )
        # then each day opens its own cluster, and the report joins the newest alike cluster
        assert ids[-3] != ids[-2]
        assert ids[-1] in (ids[-3], ids[-2])
        # and a saved state keeps each cluster's day, in either format
        for compact in (False, True):
            resumed = OnlineClusterer.from_state(json.loads(json.dumps(clusterer.state(compact))))
            assert sorted(c.series_day for c in resumed.active() if c.size > 1 or c.series_day) == [809, 810]


def test_a_state_saved_before_clusters_had_a_series_day_or_another_topic_is_read_as_none():
    # given states of both formats without the fields
    clusterer = OnlineClusterer(similarity_threshold=0.3)
    clusterer.assign_many(stream())
    full = json.loads(json.dumps(clusterer.state()))
    for row in full["clusters"]:
        del row["series_day"], row["other_topic"]
    compact = json.loads(json.dumps(clusterer.state(compact=True)))
    del compact["clusters"]["series_day"], compact["clusters"]["other_topic"]
    for state in (full, compact):
        # when it is loaded (by the compiled clusterer too)
        resumed = OnlineClusterer.from_state(state)
        CompiledClusterer(OnlineClusterer.from_state(state))
        # then its clusters have no day and no other topic, and it goes on as the saved one would
        assert {(c.series_day, c.other_topic) for c in resumed.active()} == {(0, None)}
        assert json.dumps(resumed.state()) == json.dumps(clusterer.state())


def _drifting_stream(when=None):
    """A report, then reports that join its cluster and draw its centroid away from it, then an
    exact copy of the first (naming it to join), at threshold 0.3."""
    first = {"ngập úng": 1, "vũ ninh": 1}
    times = (lambda k: None) if when is None else (lambda k: when + timedelta(minutes=k))
    docs = [ClusterDoc("o", first, created_at=times(0))]
    docs.append(ClusterDoc("a", {**first, "cống rãnh": 1, "rác thải": 1}, created_at=times(1)))
    docs += [
        ClusterDoc(f"b{i}", {"cống rãnh": 1, "rác thải": 1, f"x{i}": 1}, created_at=times(2 + i))
        for i in range(8)
    ]
    docs.append(ClusterDoc("copy", first, created_at=times(10), joins="o"))
    return docs


@pytest.mark.parametrize("compiled", [False, True])
def test_a_copy_joins_its_original_s_cluster_however_far_the_centroid_drifted(compiled):
    # given a report whose cluster's centroid others drew away from it, then its exact copy
    docs = _drifting_stream(T0)
    # (named nothing to join, the copy resembles the centroid too little to join it)
    alone = OnlineClusterer(similarity_threshold=0.3).assign_many(
        [*docs[:-1], dataclasses.replace(docs[-1], joins=None)]
    )
    assert len(set(alone[:-1])) == 1 and alone[-1] != alone[0]
    # when the copy names its original to join
    clusterer = OnlineClusterer(similarity_threshold=0.3)
    if compiled:
        clusterer = CompiledClusterer(clusterer)
    got = clusterer.assign_many(docs)
    # then it is in its original's cluster, which it joined (its size counts it)
    assert got == [got[0]] * len(docs)
    state = clusterer.state()
    assert [c["size"] for c in state["clusters"]] == [len(docs)]


@pytest.mark.parametrize("compiled", [False, True])
def test_a_copy_joins_its_original_s_cluster_after_a_state_round_trip(compiled):
    # given the drifting stream clustered up to the copy, saved through JSON (both formats) and
    # resumed
    docs = _drifting_stream(T0)
    whole = OnlineClusterer(similarity_threshold=0.3)
    expected = whole.assign_many(docs)
    for compact in (False, True):
        first = OnlineClusterer(similarity_threshold=0.3)
        got = first.assign_many(docs[:-1])
        resumed = OnlineClusterer.from_state(json.loads(json.dumps(first.state(compact))))
        if compiled:
            resumed = CompiledClusterer(resumed)
        # when the copy comes
        got += resumed.assign_many(docs[-1:])
        # then it joins its original's cluster, as without the round trip, and the states agree
        assert got == expected == [expected[0]] * len(docs)
        assert resumed.state() == whole.state()


@pytest.mark.parametrize("compiled", [False, True])
def test_a_copy_of_a_closed_cluster_s_text_opens_one_its_later_copies_join(compiled):
    # given a report, then two weeks later (past the window, its cluster closed) two copies of it
    # with another text between, within a batch and across batches
    first = {"ngập úng": 1, "vũ ninh": 1}
    docs = [
        ClusterDoc("o", first, created_at=T0),
        ClusterDoc("c1", first, created_at=T0 + timedelta(days=14), joins="o"),
        ClusterDoc("x", {"học phí": 1, "tăng": 1}, created_at=T0 + timedelta(days=14, hours=1)),
        ClusterDoc("c2", first, created_at=T0 + timedelta(days=14, hours=2), joins="o"),
    ]
    for cut in (len(docs), 2, 3):
        clusterer = OnlineClusterer(similarity_threshold=0.99)
        if compiled:
            clusterer = CompiledClusterer(clusterer)
        # when clustered
        got = clusterer.assign_many(docs[:cut]) + clusterer.assign_many(docs[cut:])
        # then the first copy opens a cluster, which the second joins
        assert got[1] != got[0] and got[3] == got[1] != got[2]
    # and a copy older than the window of the cluster its original's copies are in does not join it
    clusterer = OnlineClusterer(similarity_threshold=0.99)
    late = clusterer.assign_many(docs[:2])
    early = clusterer.assign(ClusterDoc("e", first, created_at=T0 - timedelta(days=1), joins="o"))
    assert early not in late


@pytest.mark.parametrize("compiled", [False, True])
def test_a_row_older_than_the_newest_by_more_than_the_window_opens_a_cluster_nothing_joins(compiled):
    # given reports of the week's news, then two late reports of one flood twenty days older,
    # with or without more news between them (which moves the late one's cluster to the front
    # of the open ones, where closing begins)
    flood = {"ngập úng": 1, "vũ ninh": 1}
    news = [
        ClusterDoc("n1", {"học phí": 1}, created_at=T0 + timedelta(days=20)),
        ClusterDoc("n2", {"giá lúa": 1}, created_at=T0 + timedelta(days=20)),
    ]
    late = [
        ClusterDoc("old1", flood, created_at=T0),
        ClusterDoc("old2", flood, created_at=T0 + timedelta(hours=1)),
    ]
    more = [dataclasses.replace(d, id=f"{d.id}b", created_at=d.created_at + timedelta(hours=1)) for d in news]
    for between in ([], more):
        clusterer = OnlineClusterer(similarity_threshold=0.3)
        if compiled:
            clusterer = CompiledClusterer(clusterer)
        # when clustered in that order
        got = dict(
            zip(
                [d.id for d in [*news, late[0], *between, late[1]]],
                clusterer.assign_many([*news, late[0], *between, late[1]]),
                strict=True,
            )
        )
        # then each late report opens a cluster of its own, as the module promises
        assert got["old2"] != got["old1"] and got["old1"] not in (got["n1"], got["n2"])
    # while in time order the two join
    clusterer = OnlineClusterer(similarity_threshold=0.3)
    in_order = clusterer.assign_many([*late, *news])
    assert in_order[0] == in_order[1]


@pytest.mark.parametrize("compiled", [False, True])
def test_a_place_and_a_unit_it_lies_within_are_compatible_also_after_a_state_round_trip(compiled):
    # given reports of one flood naming a ward (lying within its city and province), the city,
    # another ward of the city, and the province, in both schemes' codes
    text = FLOOD[0]
    ward = dataclasses.replace(
        doc("ward", text, places={"2025:09169"}, when=T0), within=frozenset({"pre2025:256", "2025:24"})
    )
    city = dataclasses.replace(
        doc("city", text, places={"pre2025:256"}, when=T0), within=frozenset({"2025:24", "pre2025:27"})
    )
    other = dataclasses.replace(
        doc("other", text, places={"2025:09187"}, when=T0), within=frozenset({"pre2025:256", "2025:24"})
    )
    province = doc("province", text, places={"2025:24"}, when=T0)
    cases = [([ward, city], True), ([city, ward], True), ([province, ward], True), ([ward, province], True)]
    cases += [([ward, other], False), ([other, ward], False)]
    for docs, together in cases:
        for cut in (1, 2):
            for compact in (False, True):
                # when clustered, saved and resumed between them
                first = OnlineClusterer(similarity_threshold=0.3)
                got = first.assign_many(docs[:cut])
                resumed = OnlineClusterer.from_state(json.loads(json.dumps(first.state(compact))))
                if compiled:
                    resumed = CompiledClusterer(resumed)
                got += resumed.assign_many(docs[cut:])
                # then a place and a unit it lies within join, two units of one level do not
                assert (got[0] == got[1]) is together, ([d.id for d in docs], cut, compact)
    # and a cluster keeps the units its places lie within, in its state
    clusterer = OnlineClusterer(similarity_threshold=0.3)
    clusterer.assign_many([ward, city])
    assert clusterer.state()["clusters"][0]["within"] == ["2025:24", "pre2025:256", "pre2025:27"]
