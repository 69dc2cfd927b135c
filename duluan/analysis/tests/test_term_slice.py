"""Term counts handed to the clusterer as slices of a batch's arrays (:class:`TermSlice`)."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.analysis.cluster import ClusterDoc, OnlineClusterer, TermSlice, document_terms
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
    # then the terms cross alike: the same keys, lengths and counts
    assert packed.term_keys == expected.term_keys
    assert packed.term_lengths == expected.term_lengths
    assert packed.term_counts.dtype == expected.term_counts.dtype
    assert packed.term_counts.tolist() == expected.term_counts.tolist()
    # and a slice reads its items and values as the dictionary does
    for d, p in zip(docs, plain, strict=True):
        if d.terms is not None:
            assert list(d.terms.items()) == list(p.terms.items())
            assert list(d.terms.values()) == list(p.terms.values())
