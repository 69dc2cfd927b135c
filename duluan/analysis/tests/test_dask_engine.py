"""Packing per-row results for the trip between processes (:mod:`duluan.analysis.dask_engine`)."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.analysis.dask_engine import (
    TORN_BATCH,
    PackedBatch,
    PackedRows,
    _unpack_rows,
    pack_documents,
    pack_rows,
    unpack_documents,
)
from duluan.analysis.pipeline import Document


def analysed(doc_id: str, terms: dict[str, int] | None, n_shingles: int = 3) -> Document:
    """A document as the per-row steps leave it, every field set."""
    return Document(
        id=doc_id,
        text="Đường ngập",
        title="Phản ánh",
        created_at=datetime(2026, 3, 1, 8, tzinfo=timezone(timedelta(hours=7))),
        source="web",
        channel="form",
        row=3,
        line=4,
        normalised="Đường ngập",
        tokens=["đường", "ngập"],
        content_hash=f"h-{doc_id}",
        shingles=np.arange(n_shingles, dtype=np.uint64),
        signature=np.full(4, len(doc_id), dtype=np.uint64),
        terms=terms,
        term_codes=None if terms is None else np.arange(len(terms), dtype=np.int64),
        topic={"label": "flood", "score": 0.5, "terms": ["ngập"]},
        sentiment={"label": "negative", "score": 0.75},
        places=[{"code": "24", "scheme": "2025", "name": "Bắc Ninh"}],
        place_codes=frozenset({"2025:24"}),
        error=None,
        series_day=len(doc_id) * 100 + 9,
        names=None if terms is None else np.arange(len(terms)) % 2 == 0,
    )


def round_trip(docs: list[Document], **kwargs: bool) -> list[Document]:
    packed = pack_documents(docs, **kwargs)
    return unpack_documents(pickle.loads(pickle.dumps(packed)))  # noqa: S301 (our own bytes)


def same(after: Document, before: Document, *, normalised: bool) -> None:
    for field in dataclasses.fields(Document):
        a, b = getattr(after, field.name), getattr(before, field.name)
        if field.name in ("text", "title", "tokens") or (field.name == "normalised" and not normalised):
            assert a == ("" if field.name == "text" else None), field.name
        elif isinstance(b, np.ndarray) or isinstance(a, np.ndarray):
            assert a is not None and b is not None and np.array_equal(a, b), field.name
            assert a.dtype == b.dtype, field.name
        else:
            assert a == b, field.name


def test_every_field_but_the_slimmed_ones_comes_back_in_its_place():
    # given documents with every field set, some without terms or with an empty term
    docs = [
        analysed("a", {"ngập úng": 2, "úng ngập": 1}),
        analysed("bb", None, n_shingles=0),
        analysed("ccc", {"": 1, "đường": 3}, n_shingles=5),
        analysed("d", {}),
    ]
    docs[1].shingles = None
    docs[3].error = "ValueError: boom"
    for keep in (False, True):
        # when packed, pickled and unpacked
        back = round_trip(docs, keep_normalised=keep)
        # then each field is where it was (a field added to Document must be carried or dropped)
        assert len(back) == len(docs)
        for after, before in zip(back, docs, strict=True):
            same(after, before, normalised=keep)
            assert after.terms is None or list(after.terms.items()) == list(before.terms.items())


def test_a_batch_of_terms_crosses_as_one_utf16_blob():
    # given documents with terms
    docs = [analysed(str(i), {f"từ {i}": 1, f"{i} từ": 2}) for i in range(3)]
    # when packed
    packed = pack_documents(docs)
    # then the keys are one UTF-16 blob, not one object each
    assert isinstance(packed, PackedBatch) and isinstance(packed.term_keys, bytes)
    assert packed.term_keys.decode("utf-16-le").split("\x1f") == [k for d in docs for k in d.terms]
    assert [d.terms for d in unpack_documents(packed)] == [d.terms for d in docs]


def test_terms_with_surrogates_or_astral_characters_come_back_exactly():
    # given a term with a lone surrogate (no UTF-16 for it), one with a surrogate pair's two
    # halves as separate code points, and one with an astral character
    for terms in ({"a\ud800": 2, "b": 1}, {"\ud83d\ude00 x": 1}, {"𠀀 đường": 3, "\x1f": 1}):
        docs = [analysed("a", terms), analysed("b", {"c": 1})]
        # when packed, pickled and unpacked
        back = round_trip(docs)
        # then every key is the same code points, in the same order, with its count
        assert [list(d.terms.items()) for d in back] == [list(d.terms.items()) for d in docs]


@given(
    st.lists(st.none() | st.text(st.sampled_from(["a", "đ", " ", "\n", "\x1f", "\ud800", "𠀀"]), max_size=5))
)
@settings(max_examples=200, deadline=None)
def test_kept_normalised_texts_come_back_in_their_places(texts):
    # given documents whose normalised texts are missing, empty, or hold separators or surrogates
    docs = [analysed(str(i), {"a": 1}) for i in range(len(texts))]
    for doc, text in zip(docs, texts, strict=True):
        doc.normalised = text
    # when packed with them, pickled and unpacked
    back = round_trip(docs, keep_normalised=True)
    # then each document has its own text back
    assert [d.normalised for d in back] == texts


KEY = st.text(st.sampled_from(["a", "đ", "ư", " ", "\x1f", "\ud800", "𠀀", "x"]), max_size=4)


@given(
    st.lists(
        st.none() | st.dictionaries(KEY, st.integers(0, 70_000), max_size=6),
        max_size=6,
    )
)
@settings(max_examples=200, deadline=None)
def test_unpacking_what_was_packed_gives_equal_documents(all_terms):
    # given documents with any terms (none, empty, repeated counts, separators, surrogates)
    docs = [analysed(str(i), terms) for i, terms in enumerate(all_terms)]
    for keep in (False, True):
        # when packed, pickled and unpacked
        back = round_trip(docs, keep_normalised=keep)
        # then every field comes back, the terms in their order with their counts and types
        assert len(back) == len(docs)
        for after, before in zip(back, docs, strict=True):
            same(after, before, normalised=keep)
            if before.terms is not None:
                assert list(after.terms.items()) == list(before.terms.items())
                assert all(type(c) is int for c in after.terms.values())


def test_the_fields_cross_as_columns_and_a_torn_batch_is_refused():
    # given three documents
    docs = [analysed(str(i), {"a": i + 1}) for i in range(3)]
    # when packed
    packed = pack_documents(docs)
    # then each scalar field is one column as long as the batch, in the documents' order
    assert [len(column) for column in packed.scalars] == [3] * len(packed.scalars)
    assert list(packed.scalars[0]) == ["0", "1", "2"]
    # and a batch whose columns were cut unevenly is refused, not misaligned
    torn = dataclasses.replace(packed, scalars=[packed.scalars[0][:2], *packed.scalars[1:]])
    with pytest.raises(ValueError, match=TORN_BATCH):
        unpack_documents(torn)


def test_terms_holding_the_separator_still_come_back():
    # given a term with the unit separator in it, and no terms at all in another batch
    docs = [analysed("a", {"x\x1fy": 1, "z": 2}), analysed("b", {"\x1f": 4})]
    # when packed and unpacked
    back = round_trip(docs)
    # then the terms are intact
    assert [d.terms for d in back] == [{"x\x1fy": 1, "z": 2}, {"\x1f": 4}]
    assert [d.terms for d in round_trip([analysed("c", {}), analysed("d", None)])] == [{}, None]
    assert round_trip([]) == []


def test_integer_arrays_cross_in_fewer_bytes_and_come_back_in_their_own_type():
    # given term codes that fit 32 bits, counts past one byte, and 64-bit hashes
    docs = [analysed("a", {"một": 300, "hai": 1}), analysed("b", {"ba": 2})]
    docs[0].shingles = np.array([2**64 - 1, 0], dtype=np.uint64)
    docs[1].term_codes = np.array([2**32 - 1], dtype=np.int64)
    for doc in docs:
        doc.signature = np.array([-1, 2, 3, 4], dtype=np.int64)
    # when packed
    packed = pack_documents(docs)
    # then what fits a smaller type crosses in it, and every value comes back in its own type
    assert packed.arrays["term_codes"][0].dtype == np.uint32
    assert packed.term_counts.dtype == np.uint16
    assert packed.arrays["shingles"][0].dtype == np.uint64
    assert packed.arrays["signature"][0].dtype == np.int64
    for after, before in zip(round_trip(docs), docs, strict=True):
        same(after, before, normalised=False)
        assert after.terms == before.terms


ROW_TEXT = st.text(st.sampled_from(["a", "đ", " ", "\n", "\x1f", "\ud800", "𠀀"]), max_size=6)


@given(
    st.lists(
        st.fixed_dictionaries(
            {"id": st.sampled_from(["1", "b2", 3]), "text": ROW_TEXT},
            optional={
                "title": st.none() | ROW_TEXT,
                "created_at": st.none()
                | st.just(datetime(2026, 3, 1, 8, tzinfo=timezone(timedelta(hours=7)))),
                "source": st.none() | st.just("web"),
                "channel": st.just("form"),
                "_row": st.integers(1, 9),
                "_line": st.integers(1, 9),
                "extra": st.just("không dùng"),
            },
        ),
        max_size=5,
    )
)
@settings(max_examples=200, deadline=None)
def test_packed_rows_make_the_same_documents_as_the_rows(rows):
    # given validated rows, some without the optional fields, texts with separators or surrogates
    # when packed for a worker, pickled and unpacked there
    packed = pack_rows(rows)
    back = _unpack_rows(pickle.loads(pickle.dumps(packed)))  # noqa: S301 (our own bytes)
    # then each row makes the same document as before
    assert isinstance(packed, PackedRows)
    assert [Document.from_row(r) for r in back] == [Document.from_row(r) for r in rows]


def test_a_batch_of_plain_texts_crosses_as_one_utf16_blob():
    # given rows of ordinary texts
    rows = [{"id": str(i), "text": f"Đường ngập {i}"} for i in range(3)]
    # when packed
    packed = pack_rows(rows)
    # then the texts are one UTF-16 blob
    assert packed.texts == "\x1f".join(r["text"] for r in rows).encode("utf-16-le")


def test_batches_run_on_the_threads_of_one_worker_give_what_they_give_one_at_a_time():
    from concurrent.futures import ThreadPoolExecutor

    from duluan.analysis.dask_engine import PipelineFactory, analyze_batch

    # given batches of long texts and their near copies, and the recipe a worker builds once
    factory = PipelineFactory("duluan.analysis.pipeline:basic_per_row_pipeline")
    words = [f"từ{k} ngữ{k % 7} câu{k % 11}" for k in range(400)]
    rows = [
        {"id": f"r{i}", "text": " ".join(words[(i * 13 + j) % 400] for j in range(300))} for i in range(400)
    ]
    batches = [rows[k : k + 8] for k in range(0, len(rows), 8)]
    alone = [unpack_documents(analyze_batch(batch, factory)) for batch in batches]
    # when a `dask worker` runs them on several threads at once (one per core by default)
    with ThreadPoolExecutor(4) as pool:
        together = [
            unpack_documents(packed) for packed in pool.map(analyze_batch, batches, [factory] * len(batches))
        ]
    # then every signature is the one the batch gives alone
    for one, other in zip(alone, together, strict=True):
        for a, b in zip(one, other, strict=True):
            assert np.array_equal(a.signature, b.signature) and np.array_equal(a.shingles, b.shingles), a.id


def test_dask_workers_are_told_where_the_models_are_and_refuse_other_ones(tmp_path, monkeypatch):
    from duluan.analysis.dask_engine import PipelineFactory
    from duluan.analysis.model_io import ModelFileError
    from duluan.analysis.sentiment import SentimentClassifier
    from duluan.analysis.topic import TopicClassifier

    # given a model folder named relative to this process's working folder
    texts = ["đường ngập sâu", "trường học mới", "ngập nước khắp nơi", "học sinh đến trường"] * 3
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models").mkdir()
    TopicClassifier().fit(texts, ["flood", "school"] * 6).save(tmp_path / "models" / "topic.model")
    moods = ["negative", "positive", "negative", "neutral"] * 3
    SentimentClassifier().fit(texts, moods).save(tmp_path / "models" / "sentiment.model")
    # when the recipe is pinned for a Dask cluster
    pinned = PipelineFactory(model_dir="models").pinned()
    # then the workers get the folder's absolute path and the models' fingerprint, and build it
    assert pinned.model_dir == str(tmp_path / "models") and len(pinned.models.split()) == 2
    assert pinned.build().steps
    # and once a model is replaced, a worker holding the old recipe's fingerprint refuses to build
    TopicClassifier().fit(texts, ["a", "b"] * 6).save(tmp_path / "models" / "topic.model")
    with pytest.raises(ModelFileError, match="khác mô hình của lần chạy"):
        pinned.build()
    # while the run that reads them now pins another recipe, which workers build anew
    assert PipelineFactory(model_dir="models").pinned() != pinned
