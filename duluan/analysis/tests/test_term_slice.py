"""Term counts handed to the clusterer as slices of a batch's arrays (:class:`TermSlice`)."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.analysis.cluster import (
    ClusterDoc,
    OnlineClusterer,
    TermNames,
    TermSlice,
    document_terms,
    take_names,
)
from duluan.analysis.dask_engine import pack_documents, unpack_documents
from duluan.analysis.pipeline import Document

TEXTS = [
    "Người dân phản ánh đường Lê Lợi ngập sâu sau mưa, ngập kéo dài nhiều giờ",
    "Đường Lê Lợi lại ngập sâu sau trận mưa lớn chiều qua",
    "Giá điện tăng, người dân phản ánh hoá đơn tiền điện tăng cao",
    "",
    "Cần xử lý rác thải tại chợ Thành phố Bắc Ninh, rác thải bốc mùi",
]


def _documents(texts: list[str]) -> list[Document]:
    start = datetime(2026, 3, 1, 8)
    docs = []
    for i, text in enumerate(texts):
        terms = document_terms(text.lower().replace(",", " ").split()) if text else None
        docs.append(Document(id=str(i), text=text, created_at=start + timedelta(minutes=i), terms=terms))
    return docs


def _unpacked(docs: list[Document], flat: bool) -> list[Document]:
    packed = pickle.loads(pickle.dumps(pack_documents(docs)))  # noqa: S301 (our own bytes)
    return unpack_documents(packed, flat_terms=flat)


def test_a_slice_reads_as_the_dictionary_of_its_counts():
    docs = _documents(TEXTS)
    for flat, plain in zip(_unpacked(docs, True), _unpacked(docs, False), strict=True):
        if plain.terms is None:
            assert flat.terms is None
            continue
        assert isinstance(flat.terms, TermSlice)
        assert list(flat.terms.items()) == list(plain.terms.items())  # keys in order, counts
        assert flat.terms == plain.terms and len(flat.terms) == len(plain.terms)
        term = next(iter(plain.terms))
        assert flat.terms[term] == plain.terms[term] and term in flat.terms
        # it pickles as that dictionary, not as its batch's arrays
        again = pickle.loads(pickle.dumps(flat.terms))  # noqa: S301 (our own bytes)
        assert type(again) is dict and again == plain.terms


def _vectors(docs: list[Document], keep) -> list[dict[str, float]]:
    return OnlineClusterer().vectorise_many(
        [ClusterDoc(d.id, d.terms or {}, codes=d.term_codes) for i, d in enumerate(docs) if keep(i)]
    )


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(TEXTS), min_size=1, max_size=12), st.integers(1, 3))
def test_the_clusterer_weighs_slices_as_it_weighs_dictionaries(texts, step):
    docs = _documents(texts)
    flat, plain = _unpacked(docs, True), _unpacked(docs, False)
    # a whole batch (its slices follow each other) and every step-th document (they do not)
    for keep in (lambda i: True, lambda i: i % step == 0):
        got, want = _vectors(flat, keep), _vectors(plain, keep)
        assert [list(v.items()) for v in got] == [list(v.items()) for v in want]  # bit for bit
    # slices of two batches, or mixed with dictionaries, are weighed the slower way, alike
    other = _unpacked(docs, True)
    mixed = [flat[0], plain[0], other[0]]
    got = OnlineClusterer().vectorise_many([ClusterDoc(d.id, d.terms or {}) for d in mixed])
    want = OnlineClusterer().vectorise_many([ClusterDoc(d.id, d.terms or {}) for d in [plain[0]] * 3])
    assert [list(v.items()) for v in got] == [list(v.items()) for v in want]


def test_a_slice_of_counts_beyond_the_table_weighs_as_a_dictionary():
    names = ["ngập", "sâu", "đường"]
    counts = np.array([1, 300, 2], dtype=np.int64)
    sliced = ClusterDoc("a", TermSlice(names, counts, 0, 3))
    plain = ClusterDoc("a", dict(zip(names, [1, 300, 2], strict=True)))
    assert OnlineClusterer().vectorise_many([sliced]) == OnlineClusterer().vectorise_many([plain])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(TEXTS), min_size=1, max_size=12), st.sets(st.integers(0, 11), max_size=4))
def test_a_workers_slices_pack_as_their_dictionaries(texts, failed):
    # given a batch through the pipeline's dedupe step (its terms are slices of the batch's
    # arrays), some of its documents failed later (no terms), and the same with dictionaries
    from duluan.analysis.pipeline import DedupeFeaturesStep

    docs = DedupeFeaturesStep()(
        [Document(str(i), text, normalised=text, tokens=text.lower().split()) for i, text in enumerate(texts)]
    )
    assert all(type(d.terms) is TermSlice for d in docs)
    for i in failed & set(range(len(docs))):
        docs[i].terms = None
    plain = [
        Document(
            d.id, d.text, terms=None if d.terms is None else dict(d.terms.items()), term_codes=d.term_codes
        )
        for d in docs
    ]
    # when both are packed for the trip to the driver
    packed, expected = pack_documents(docs), pack_documents(plain)
    # then the terms cross alike: the same lengths and counts, the slices' names as the
    # batch's syllables (each once) and their rows, the dictionaries' as strings
    assert packed.term_lengths == expected.term_lengths
    assert packed.term_counts.dtype == expected.term_counts.dtype
    assert packed.term_counts.tolist() == expected.term_counts.tolist()
    assert expected.term_rows is None
    if any(d.terms for d in docs):
        n_syllables = packed.term_rows[0]
        assert n_syllables == len({s for d in docs if d.terms for t in d.terms for s in t.split(" ")})
    # and unpack to the same terms, as slices (their names made when read) or as dictionaries
    for flat in (False, True):
        got = [d.terms for d in unpack_documents(packed, flat_terms=flat)]
        want = [d.terms for d in unpack_documents(expected, flat_terms=flat)]
        assert [None if t is None else list(t.items()) for t in got] == [
            None if t is None else list(t.items()) for t in want
        ]
    # and a slice reads its items and values as the dictionary does
    for d, p in zip(docs, plain, strict=True):
        if d.terms is not None:
            assert list(d.terms.items()) == list(p.terms.items())
            assert list(d.terms.values()) == list(p.terms.values())


def test_term_names_are_made_when_read_and_behave_as_the_list_of_them():
    # given the rows of three terms over a table of syllables (the last a syllable alone)
    syllables = ["ngập", "úng", "vũ", "ninh"]
    names = TermNames(syllables, np.array([0, 2, 1]), np.array([1, 3, -1]))
    expected = ["ngập úng", "vũ ninh", "úng"]
    # then they read as that list: by position, by slice, in order, in pieces and pickled
    assert list(names) == expected and len(names) == 3
    assert [names[i] for i in (0, 1, 2, -1, -3)] == [*expected, "úng", "ngập úng"]
    assert list(names[1:]) == expected[1:] and type(names[1:]) is TermNames
    assert names.take(np.array([2, 0])) == ["úng", "ngập úng"]
    assert take_names(names, np.array([1])) == take_names(expected, np.array([1])) == ["vũ ninh"]
    assert take_names(expected, np.array([2, 0])) == ["úng", "ngập úng"]
    assert pickle.loads(pickle.dumps(names)) == expected  # noqa: S301 (our own bytes)
    with pytest.raises(IndexError):
        names[3]
    # and a slice of a batch reads its names from them
    terms = TermSlice(names, np.array([2, 1, 1]), 1, 3)
    assert dict(terms) == {"vũ ninh": 1, "úng": 1} and list(terms) == ["vũ ninh", "úng"]
