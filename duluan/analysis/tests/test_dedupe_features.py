"""The dedupe-features step's shortcuts give what the per-text definitions give."""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis import cluster, dedupe, features, pipeline
from duluan.analysis.cluster import TermCoder, TermSlice, document_terms, term_codes, terms_many
from duluan.analysis.dedupe import MinHasher, content_hash, content_hashes
from duluan.analysis.normalise import fold
from duluan.analysis.pipeline import DedupeFeaturesStep, Document
from duluan.analysis.tests.test_dedupe import ODD_TEXTS

MASK64 = (1 << 64) - 1
LONG = "ngập" * 20  # 80 bytes of UTF-8: past the tables of _crc_shift
SYLLABLES = st.sampled_from(
    [
        *("đường", "ngập", "úng", "a", "b", "", "1", "x y", "ừ", LONG, "<url>", "\x00"),
        # folded alike with some above: one term, whichever way a text writes it
        *("duong", "dương", "ngap", "ung", "u"),
    ]
) | st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=4)
# Batches of texts (some empty, some of one syllable, with repeats and odd syllables).
BATCHES = st.lists(st.lists(st.lists(SYLLABLES, max_size=8), max_size=6), min_size=1, max_size=4)


def expected_terms(tokens: list[str]) -> tuple[list[tuple[str, int]], list[int]]:
    terms = document_terms(tokens)
    return list(terms.items()), term_codes(terms).tolist()


def check_terms(
    token_lists: list[list[str]],
    terms: list[Mapping[str, int]],
    codes: list[np.ndarray],
    kinds: tuple[type, ...] = (dict,),
) -> None:
    assert len(terms) == len(codes) == len(token_lists)
    for tokens, got, got_codes in zip(token_lists, terms, codes, strict=True):
        assert type(got) in kinds
        assert all(type(c) is int for c in got.values())
        assert got_codes.dtype == np.int64
        assert (list(got.items()), got_codes.tolist()) == expected_terms(tokens)


@given(st.binary(max_size=40), st.binary(max_size=cluster._SHIFT_LIMIT - 1))
@example(b"", b"")
@example(b"\xff" * 40, b"\x00" * (cluster._SHIFT_LIMIT - 1))
def test_the_crc_of_a_concatenation_comes_from_the_crcs_of_its_parts(a, b):
    # given two byte strings
    # when the CRC-32 of the first is shifted past the second's length and combined with its CRC
    crc = np.array([zlib.crc32(a)], dtype=np.uint32)
    shifted = cluster._crc_shift(crc, np.array([len(b)]))
    # then it is the CRC-32 of the concatenation
    assert int(shifted[0]) ^ zlib.crc32(b) == zlib.crc32(a + b)


@pytest.mark.parametrize("compiled", [False, True])
@given(BATCHES)
@settings(max_examples=300)
@example([[["x y", "z", "x", "y z"]]])  # two pairs of syllables, one bigram string
@example([[["a"], [], ["b", "b", "b"], [LONG, "a", LONG]], [["b", "a", "b", "a"], [LONG]]])
@example([[["đường", "ngập", "duong", "ngap", "dương", "ngập"], ["ngap"]], [["ngập"], ["duong", "ngập"]]])
@example([[["a", "b"] * 40 + ["c", "d"] * 40 + [f"t{i}" for i in range(60)]]])  # a table grown past 16
def test_terms_from_rows_equal_the_per_text_terms(compiled, batches):
    # given successive batches of texts whose syllables are numbered in one growing table, the
    # terms found by the sort of the batch's pairs or by the compiled loop
    coder, numbers = TermCoder(), {}
    if compiled:
        coder.load_compiled()
    for token_lists in batches:
        flat = [t for tokens in token_lists for t in tokens]
        rows = np.array([numbers.setdefault(t, len(numbers)) for t in flat], dtype=np.intp)
        lengths = np.array([len(t) for t in token_lists], dtype=np.int64)
        # when the terms of each batch come from the rows
        terms, codes = coder(flat, lengths, rows, list(numbers), "one table")
        # then each text has the terms (same order, same counts) and codes of the per-text
        # functions, as terms_many gives them, as slices of the batch's arrays (dictionaries
        # only where terms_many makes the batch: a syllable with a space)
        check_terms(token_lists, terms, codes, kinds=(TermSlice, dict))
        many = terms_many(token_lists)
        assert [list(t.items()) for t in terms] == [list(t.items()) for t in many[0]]
        assert terms == many[0]
        assert all(type(t) is TermSlice for t in terms) or any(" " in t for t in flat)


@pytest.mark.parametrize("compiled", [False, True])
@given(BATCHES, st.sampled_from([3, 8, 10_000]), st.booleans())
@settings(max_examples=300)
@example([[["a", "b"], ["b", "c", "d"]], [["c", "d", "e", "f", "g"]], [["a", "b", "a", "b"]]], 3, False)
@example([[["a", "b"], ["b", "c", "d"]], [["c", "d", "e", "f", "g"]], [["a", "b", "a", "b"]]], 3, True)
@example([[["<url>", "a_b", "c"], ["đường", "<url>"]], [["a_b"], ["x", "y", "x"]]], 8, True)
def test_the_step_gives_the_definitions_across_batches_and_cache_clears(
    compiled, batches, limit, models_first
):
    # given a step whose syllable cache, and the models' syllable table, start afresh when they
    # would pass ``limit`` (rows then change meaning between batches, which the terms' per-row
    # values must follow); with ``models_first``, a model step has numbered each batch's
    # syllables before it (the step then takes their numbers, and numbers itself the tokens the
    # models read otherwise: placeholders, texts with "_", odd syllables)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dedupe, "_CACHE_LIMIT", limit)
        patch.setattr(features, "_MAX_TYPES", limit)
        patch.setattr(features, "_SYLLABLES", features._SyllableTable())
        patch.setattr(pipeline, "_LAST_TOKEN_BATCH", threading.local())
        shared, numbered = [], pipeline._numbered_tokens
        patch.setattr(pipeline, "_numbered_tokens", lambda *a: shared.append(got := numbered(*a)) or got)
        step = DedupeFeaturesStep(MinHasher(seed=3))
        if compiled:  # its terms by the compiled loop, as duluan analyze has it on long inputs
            assert step.load_compiled()
        reference = MinHasher(seed=3)
        for b, token_lists in enumerate(batches):
            docs = []
            for i, tokens in enumerate(token_lists):
                doc = Document(f"{b}-{i}", " ".join(tokens))
                doc.normalised, doc.tokens = " ".join(tokens), tokens
                docs.append(doc)
            docs.append(Document("none", ""))  # no tokens at all
            if models_first:
                pipeline.token_batch(docs).numbered()
            # when each batch goes through the step
            step(docs)
            # then every document has the per-text hash, shingles, signature, terms and codes
            check_terms(
                [d.tokens or [] for d in docs],
                [d.terms for d in docs],
                [d.term_codes for d in docs],
                kinds=(TermSlice, dict),
            )
            for doc in docs:
                assert doc.content_hash == content_hash(doc.normalised or "")
                assert doc.shingles.dtype == np.uint64
                assert doc.shingles.tolist() == reference.shingles(doc.tokens or []).tolist()
                assert doc.signature.tolist() == reference.signature(doc.tokens or []).tolist()
        # (and with a model step first, the step took the models' numbers whenever the table
        # did not start afresh meanwhile)
        assert len(shared) == len(batches)
        assert all((got is not None) == models_first for got in shared) or limit < 10_000


def reference_shingles(k: int, syllables: list[str]) -> list[int]:
    """The shingle set spelt out with Python integers (the definition, as in test_dedupe)."""

    def syllable_hash(s: str) -> int:  # of the syllable without its accents
        return int.from_bytes(hashlib.blake2b(fold(s).encode("utf-8"), digest_size=8).digest(), "little")

    def mix(z: int) -> int:
        z = (z + 0x9E3779B97F4A7C15) & MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    windows = [syllables[i : i + k] for i in range(len(syllables) - k + 1)] or [syllables]
    shingles = set()
    for window in windows:
        if not window:
            continue
        value = syllable_hash(window[0])
        for s in window[1:]:
            value = (mix(value) + syllable_hash(s)) & MASK64
        shingles.add(mix(value))
    return sorted(shingles)


@given(
    st.lists(st.lists(st.sampled_from(["ngập", "úng", "a", "", "1"]), max_size=7), max_size=6),
    st.integers(1, 5),
)
@settings(max_examples=300)
@example([["a"], ["a", "b"], ["a", "b", "c", "d"], []], 4)
def test_shingles_of_any_width_equal_the_definition(docs, k):
    # given texts shorter and longer than the shingle width
    hasher = MinHasher(shingle=k, seed=5)
    # when the batch is shingled at once
    got = hasher.shingles_many(docs)
    # then each text has the definition's set
    assert [s.tolist() for s in got] == [reference_shingles(k, d) for d in docs]
    assert all(s.dtype == np.uint64 for s in got)


@pytest.mark.parametrize("compiled", [False, True])
def test_a_coder_follows_the_rows_of_a_new_generation(compiled):
    # given a coder (sorting, or by the compiled loop) that has seen rows 0 and 1 as "a" and "b"
    coder = TermCoder()
    if compiled:
        coder.load_compiled()
    first = coder(["a", "b"], np.array([2]), np.array([0, 1]), ["a", "b"], 1)
    # when the same rows stand for other syllables in a new generation
    second = coder(["c", "d"], np.array([2]), np.array([0, 1]), ["c", "d"], 2)
    # then the codes are those of the new syllables
    assert first[1][0].tolist() == [zlib.crc32(b"a b")]
    assert second[0] == [{"c d": 1}]
    assert second[1][0].tolist() == [zlib.crc32(b"c d")]


@given(st.lists(ODD_TEXTS, max_size=8))
@settings(max_examples=300)
@example(["Tiêu đề\nNội dung", "a\n b", "\na", "a\n", "a\n\nb", " a", "", "a  b", "a\n\x85b"])
def test_batch_content_hashes_equal_the_hash_of_each_folded_text(texts):
    # given texts with odd whitespace, line breaks and unprintable characters
    # when hashed as a batch
    got = content_hashes(texts)
    # then each is the BLAKE2b of its text with runs of whitespace folded to one space
    assert got == [hashlib.blake2b(" ".join(t.split()).encode(), digest_size=16).hexdigest() for t in texts]
    assert got == [content_hash(t) for t in texts]


TIED_HIGH_BITS = [0, 1, 2, MASK64, MASK64 - 1, 1 << 63, 5, 4, 1 << 40, (1 << 40) + 1]


@given(
    st.lists(st.lists(st.sampled_from(TIED_HIGH_BITS) | st.integers(0, MASK64), max_size=6), max_size=5),
    st.sampled_from([0, 40]),
)
@settings(max_examples=300)
def test_hashes_are_sorted_within_documents_with_or_without_their_positions_packed(docs, packed_bits):
    # given the hashes of a few documents, some sharing their high bits, and packing allowed or
    # not (0 takes the argsort way)
    hashes = np.array([h for d in docs for h in d], dtype=np.uint64)
    doc_of = np.repeat(np.arange(len(docs)), [len(d) for d in docs]).astype(np.int64)
    # when they are sorted within their documents
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dedupe, "_PACKED_BITS", packed_bits)
        got = dedupe._sort_within_documents(hashes, doc_of, len(docs))
    # then each document's hashes are in order, and the documents are where they were
    assert got.dtype == np.uint64
    assert got.tolist() == [h for d in docs for h in sorted(d)]
