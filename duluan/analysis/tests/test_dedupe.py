"""Exact and near-duplicate detection."""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import random
import sys
from unittest import mock

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis import dedupe
from duluan.analysis.dedupe import (
    ContentHashIndex,
    MinHasher,
    NearDuplicateIndex,
    choose_bands,
    content_hash,
    expected_candidate_probability,
    jaccard,
)
from duluan.analysis.normalise import fold
from duluan.shared_data import shared_data_dir

REPORT = (
    (
        "người dân phường Vũ Ninh phản ánh tình trạng ngập úng kéo dài trên đường Nguyễn Văn Cừ sau mỗi "
        "trận mưa lớn gây khó khăn cho việc đi lại của học sinh và công nhân khu công nghiệp"
    )
    .lower()
    .split()
)


def edited(tokens: list[str], positions: list[int], word: str = "xyz") -> list[str]:
    out = list(tokens)
    for p in positions:
        out[p] = word
    return out


def test_content_hash_is_stable_and_distinguishes_texts():
    # given two equal normalised texts and a different one
    a, b, c = "Đường ngập sâu", "Đường ngập sâu", "Đường ngập nông"
    # when hashed
    # then equal texts share the hash, which is a fixed 128-bit hex digest
    assert content_hash(a) == content_hash(b) != content_hash(c)
    assert len(content_hash(a)) == 32
    assert content_hash(a) == "8df6b6ea51bd5ebcb242f865e9751488"  # fixed: stored hashes must stay valid


def test_content_hash_index_returns_the_first_document_and_forgets_the_oldest():
    # given an index that keeps two hashes
    index = ContentHashIndex(capacity=2)
    H1, H2, H3 = (content_hash(t) for t in ("một", "hai", "ba"))
    # when four documents arrive, the last repeating the first
    results = index.extend([("a", H1), ("b", H1), ("c", H2), ("d", H3)])
    late = index.add("e", H1)
    # then the repeat points at the first, and h1 was forgotten after two newer hashes
    assert results == [None, "a", None, None]
    assert late is None


def test_minhash_estimates_jaccard_and_batches_match_single_texts():
    # given a text and a copy with four syllables replaced
    hasher = MinHasher(num_perm=256, seed=3)
    other = edited(REPORT, [3, 12, 20, 28])
    # when hashing one by one and as a batch
    single = [hasher.signature(REPORT), hasher.signature(other)]
    batch = hasher.signatures_from_shingles(hasher.shingles_many([REPORT, other]))
    # then both ways agree and the estimate is close to the exact Jaccard of the shingles
    assert (batch == np.stack(single)).all()
    exact = jaccard(hasher.shingles(REPORT), hasher.shingles(other))
    estimate = float((single[0] == single[1]).mean())
    assert 0.5 < exact < 0.9
    assert abs(estimate - exact) < 0.1


def test_minhash_is_deterministic_across_instances_and_handles_short_and_empty_texts():
    # given two hashers with the same parameters
    h1, h2 = MinHasher(seed=5), MinHasher(seed=5)
    # when hashing a short text, the same text and an empty one
    short = h1.shingles(["cháy"])
    # then signatures agree, a short text still has one shingle, an empty one has none
    assert (h1.signature(REPORT) == h2.signature(REPORT)).all()
    assert short.size == 1
    assert h1.shingles([]).size == 0
    assert (h1.signature([]) == np.iinfo(np.uint64).max).all()


def test_choose_bands_reaches_the_target_at_the_threshold():
    # given the default threshold and signature length
    bands, rows = choose_bands(0.8, 64)
    # when the candidate probability is computed
    # then it reaches 0.99 at the threshold and stays low for dissimilar texts
    assert bands * rows <= 64
    assert expected_candidate_probability(0.8, bands, rows) >= 0.99
    assert expected_candidate_probability(0.2, bands, rows) < 0.01


def test_near_duplicates_join_the_group_of_their_original_and_strangers_open_their_own():
    # given an original report, a repost with one word changed, and an unrelated text
    index = NearDuplicateIndex(threshold=0.8)
    unrelated = "giá lúa vụ mùa năm nay tăng mạnh nhờ thời tiết thuận lợi và xuất khẩu".split()
    # when they arrive in this order
    first = index.add("r1", REPORT)
    repost = index.add("r2", edited(REPORT, [30]))
    other = index.add("r3", unrelated)
    repost_of_repost = index.add("r4", edited(REPORT, [30, 31]))
    # then the reposts join r1's group with their exact similarity, the stranger is alone
    assert first.group == "r1" and first.duplicate_of is None
    assert repost.group == "r1" and repost.duplicate_of == "r1"
    assert repost.similarity == pytest.approx(
        jaccard(index.hasher.shingles(REPORT), index.hasher.shingles(edited(REPORT, [30])))
    )
    assert other.group == "r3" and other.duplicate_of is None
    assert repost_of_repost.group == "r1" and repost_of_repost.duplicate_of == "r2"


def test_documents_remembered_keep_the_groups_another_index_gave_them():
    # given an index that grouped a report and its repost, and a second index shown both with
    # those groups, and a text without syllables
    hasher = NearDuplicateIndex(threshold=0.8).hasher
    first = NearDuplicateIndex(threshold=0.8, hasher=hasher)
    stored = [("r1", REPORT), ("r2", edited(REPORT, [30]))]
    groups = [first.add(doc_id, words).group for doc_id, words in stored]
    second = NearDuplicateIndex(threshold=0.8, hasher=hasher)
    second.remember(
        ["r1", "r2", "e"], [hasher.shingles(w) for _, w in stored] + [hasher.shingles([])], [*groups, "e"]
    )
    # when a repost closest to the repost arrives at the second index
    match = second.add("r3", edited(REPORT, [30, 31]))
    # then it joins the group the first index gave the repost, through the repost
    assert groups == ["r1", "r1"]
    assert (match.group, match.duplicate_of) == ("r1", "r2")
    assert len(second) == 3  # the remembered two and the new one; the empty text is not indexed


def test_a_copy_typed_without_diacritics_is_a_near_duplicate_but_not_an_exact_one():
    # given a report and the same report typed without diacritics, as many people write
    index = NearDuplicateIndex(threshold=0.8)
    stripped = [fold(s) for s in REPORT]
    assert stripped != REPORT
    # when both arrive
    index.add("r1", REPORT)
    copy = index.add("r2", stripped)
    # then the copy joins the report's group, with its whole shingle set in common, while their
    # content hashes (exact duplicates) still differ
    assert copy.group == "r1" and copy.duplicate_of == "r1" and copy.similarity == 1.0
    assert content_hash(" ".join(stripped)) != content_hash(" ".join(REPORT))


def test_pairs_below_the_threshold_are_never_reported():
    # given a text and a heavily edited copy (exact Jaccard well below 0.8)
    index = NearDuplicateIndex(threshold=0.8)
    copy = edited(REPORT, list(range(0, 36, 4)))
    # when both are added
    index.add("a", REPORT)
    match = index.add("b", copy)
    # then the copy is not a near-duplicate
    assert jaccard(index.hasher.shingles(REPORT), index.hasher.shingles(copy)) < 0.8
    assert match.duplicate_of is None and match.group == "b"


def test_capacity_bounds_the_index_and_evicted_documents_are_forgotten():
    # given an index that keeps three documents
    index = NearDuplicateIndex(threshold=0.8, capacity=3)
    rng = random.Random(1)
    vocab = [f"w{i}" for i in range(500)]
    # when the original is followed by three unrelated texts and then a copy of it
    index.add("orig", REPORT)
    for i in range(3):
        index.add(f"x{i}", [rng.choice(vocab) for _ in range(30)])
    late = index.add("copy", REPORT)
    # then only three documents are kept and the original is no longer found
    assert len(index) == 3
    assert late.duplicate_of is None


def test_memory_stays_bounded_on_an_endless_stream():
    # given an index of ten documents and a long stream of distinct texts
    index = NearDuplicateIndex(threshold=0.8, capacity=10)
    rng = random.Random(2)
    vocab = [f"w{i}" for i in range(500)]
    held = []
    # when a hundred times the capacity goes through it
    for i in range(1000):
        index.add(str(i), [rng.choice(vocab) for _ in range(rng.randint(1, 60))])
        held.append(index.nbytes)
    # then what it holds stops growing once full: at most one more shingle segment than early on
    assert max(held[100:]) <= max(held[:100]) + 8 * index._segment_size
    assert len(index._segments) <= 3


def test_lsh_finds_the_edited_copies_of_real_texts():
    # given real news leads and edited copies of some of them
    base = shared_data_dir()
    if base is None:
        pytest.skip("shared data absent")
    with gzip.open(base / "tc201805" / "train.jsonl.gz", "rt", encoding="utf-8") as handle:
        texts = [json.loads(next(handle))["text"].lower().split() for _ in range(1500)]
    rng = random.Random(11)
    copies = []
    for k in rng.sample(range(len(texts)), 150):
        copies.append((k, [t if rng.random() > 0.03 else "zzz" for t in texts[k]]))
    index = NearDuplicateIndex(threshold=0.8)
    # when the originals and then the copies are added
    for i, t in enumerate(texts):
        index.add(str(i), t)
    results = [(k, index.add(f"copy{k}", t), t) for k, t in copies]
    # then every copy whose exact Jaccard with its original is ≥ 0.8 is found (or a better match)
    due = [
        (k, m)
        for k, m, t in results
        if jaccard(index.hasher.shingles(texts[k]), index.hasher.shingles(t)) >= 0.8
    ]
    found = [m for k, m in due if m.duplicate_of is not None]
    assert len(due) > 50
    assert len(found) / len(due) >= 0.95


# Texts the fast paths must treat like the plain definitions: Vietnamese with and without
# diacritics, odd spaces and line breaks, control and zero-width characters, empty text.
ODD_TEXTS = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aăâđeêioôơuưy ĐƯỜNG ngập Hà Nội.,")),
        st.sampled_from(list("\n\t\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\u200b\ufeff")),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=40,
)


def test_every_whitespace_but_the_ascii_space_is_unprintable():
    # given every Unicode character (content_hash skips the split of printable single-spaced text)
    # when the whitespace characters are tested
    printable_spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c.isprintable()]
    # then only the ASCII space is printable, so a printable text has no other whitespace
    assert printable_spaces == [" "]


@given(ODD_TEXTS)
@settings(max_examples=300)
@example("Tiêu đề\nNội dung ngắn")
@example("a\n b")
@example("\na")
@example("a\n")
@example("a\n\x85b")
def test_content_hash_equals_the_hash_of_the_whitespace_folded_text(text):
    # given any text
    # when hashed
    digest = content_hash(text)
    # then it is the BLAKE2b of the text with runs of whitespace folded to one space
    folded = " ".join(text.split())
    assert digest == hashlib.blake2b(folded.encode("utf-8"), digest_size=16).hexdigest()


def reference_shingles(hasher: MinHasher, syllables: list[str]) -> list[int]:
    """The shingle set spelt out one text at a time with Python integers (the definition)."""

    def syllable_hash(s: str) -> int:  # of the syllable without its accents
        return int.from_bytes(hashlib.blake2b(fold(s).encode("utf-8"), digest_size=8).digest(), "little")

    def mix(z: int) -> int:
        z = (z + 0x9E3779B97F4A7C15) & MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    k = hasher.shingle
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


MASK64 = (1 << 64) - 1
SYLLABLE_LISTS = st.lists(
    st.lists(
        st.sampled_from(["ngập", "ngap", "úng", "", "đường", "a", "x\u200by", "1"]) | st.text(max_size=4)
    )
)


@given(SYLLABLE_LISTS)
@settings(max_examples=200)
def test_batch_shingles_equal_the_definition_one_text_at_a_time(docs):
    # given a batch of syllable lists (empty, short, repeated syllables, odd characters)
    hasher = MinHasher(seed=7)
    # when the batch is shingled at once
    batch = hasher.shingles_many(docs)
    # then each set is the one the definition gives for that text alone
    assert [s.tolist() for s in batch] == [reference_shingles(hasher, d) for d in docs]
    assert all(s.dtype == np.uint64 for s in batch)


def test_syllable_hash_cache_refills_with_the_same_hashes(monkeypatch):
    # given a hasher whose syllable cache is cleared at every batch
    monkeypatch.setattr(dedupe, "_CACHE_LIMIT", 3)
    small, plain = MinHasher(seed=2), MinHasher(seed=2)
    batches = [[REPORT[:10], REPORT[5:9]], [REPORT[20:], []], [REPORT[:10]]]
    # when the same batches go through it and through a hasher that keeps its cache
    first = [hasher.shingles_many(b) for hasher in (small, plain) for b in batches]
    # then the shingles are the same
    half = len(first) // 2
    for a, b in zip(first[:half], first[half:], strict=True):
        assert [x.tolist() for x in a] == [y.tolist() for y in b]


@given(
    st.lists(st.lists(st.integers(0, MASK64), max_size=6, unique=True), max_size=8),
    st.sampled_from([1, 3, 8192]),
)
@settings(max_examples=100)
def test_batch_signatures_equal_the_definition_one_set_at_a_time(sets, block_columns):
    # given shingle sets (some empty) and blocks of a few shingles, so that blocks are cut
    hasher = MinHasher(num_perm=8, seed=4)
    arrays = [np.array(sorted(s), dtype=np.uint64) for s in sets]
    # when their signatures are computed as a batch, then again in the other order by the same
    # hasher (which reuses its matrix)
    with mock.patch.object(dedupe, "_BLOCK_COLUMNS", block_columns):
        batch = hasher.signatures_from_shingles(arrays)
        again = hasher.signatures_from_shingles(arrays[::-1])
    # then each row is the minimum of every permutation over that set (all ones when empty)
    a, b = hasher._a.tolist(), hasher._b.tolist()
    expected = [[min(((p * x + q) & MASK64 for x in s), default=MASK64) for p, q in zip(a, b)] for s in sets]
    assert batch.tolist() == expected
    assert again.tolist() == expected[::-1]


TIED_HIGH_BITS = [0, 1, 2, MASK64, MASK64 - 1, 1 << 63, 5, 4]


@given(
    st.lists(
        st.lists(st.sampled_from(TIED_HIGH_BITS) | st.integers(0, MASK64), max_size=6),
        max_size=5,
    ),
)
@settings(max_examples=200)
def test_hashes_are_sorted_within_each_document_even_when_their_high_bits_tie(docs):
    # given the hashes of a few documents, with values that share their high bits
    hashes = np.array([h for d in docs for h in d], dtype=np.uint64)
    doc_of = np.repeat(np.arange(len(docs)), [len(d) for d in docs]).astype(np.int64)
    # when they are sorted within their documents
    got = dedupe._sort_within_documents(hashes, doc_of, len(docs))
    # then each document's hashes are in order, and the documents are where they were
    assert got.tolist() == [h for d in docs for h in sorted(d)]


class ReferenceIndex:
    """The near-duplicate index by its definition, one document at a time with Python sets.

    The kept documents are the last ``capacity`` ones with shingles; a kept document is a
    candidate when it shares a band key; the match is the candidate of highest exact Jaccard
    (earliest on ties) if that is at least the threshold; the group is the match's group.
    """

    def __init__(self, threshold: float, capacity: int, segment: int = 0, segments: int = 0) -> None:
        self.threshold = threshold
        self.capacity = capacity
        self.kept: list[tuple[str, str, set[int], set[int], int]] = []  # id, group, shingles, keys, seq
        # The budget: shingles are stored in segments of ``segment`` (a larger set gets one of its
        # own), and a document sees those of its own segment and the ``segments - 1`` before.
        self.segment, self.segments = segment, segments
        self.starts: list[int] = []  # the first sequence number of each segment
        self.room = 0
        self.seq = 0

    def _floor(self, serial: int) -> int:
        at = serial - self.segments + 1
        return self.starts[at] if self.segments and at >= 0 else -1

    def verified(
        self, shingles: set[int], keys: set[int], floor: int | None = None
    ) -> list[tuple[str, str, float]]:
        floor = self._floor(len(self.starts)) if floor is None else floor
        found = []
        for doc_id, group, other, other_keys, seq in self.kept:
            if seq >= floor and other_keys & keys:
                inter = len(shingles & other)
                sim = inter / (len(shingles) + len(other) - inter)
                if sim >= self.threshold:
                    found.append((doc_id, group, sim))
        return found

    def add(self, doc_id: str, shingles: list[int], keys: list[int]) -> tuple[str, str, str | None, float]:
        if not shingles:
            return (doc_id, doc_id, None, 0.0)
        if self.room < len(shingles):  # a new segment, from this document on
            self.starts.append(self.seq)
            self.room = max(self.segment, len(shingles))
        self.room -= len(shingles)
        best = None
        for found in self.verified(set(shingles), set(keys), self._floor(len(self.starts) - 1)):
            if best is None or found[2] > best[2]:
                best = found
        result = (
            (doc_id, doc_id, None, 0.0) if best is None else (doc_id, best[1] or doc_id, best[0], best[2])
        )
        self.kept.append((doc_id, result[1], set(shingles), set(keys), self.seq))
        self.seq += 1
        del self.kept[: -self.capacity]
        return result

    def candidates(self, keys: list[int]) -> list[str]:
        floor = self._floor(len(self.starts))
        return [
            doc_id
            for doc_id, _group, _shingles, other, seq in self.kept
            if seq >= floor and other & set(keys)
        ]


def as_tuple(match) -> tuple[str, str, str | None, float]:
    return (match.doc_id, match.group, match.duplicate_of, match.similarity)


# A stream: calls of add_many (a list of documents) or add_hashed (one document). A document is
# a few shingles out of eight (so that sets repeat and overlap) and a signature of two-valued
# minima (so that band keys are shared by many documents).
DOCUMENT = st.tuples(
    st.lists(st.integers(0, 7), max_size=6, unique=True),
    st.lists(st.integers(0, 1), min_size=8, max_size=8),
)
STREAM = st.lists(
    st.tuples(st.booleans(), st.lists(DOCUMENT, max_size=9)),
    max_size=14,
)


@given(
    STREAM,
    st.sampled_from([0.3, 0.5, 0.8, 1.0]),
    st.integers(1, 20),
    st.sampled_from([1, 2, 3, 2048]),
    st.sampled_from([1, 16, 1 << 20]),
    st.sampled_from([1, 5, 1 << 18]),
    st.sampled_from([0, 2, 3]),
)
@settings(max_examples=300, deadline=None)
def test_the_compact_index_answers_as_the_definition(
    stream, threshold, capacity, chunk, cells, segment, budget
):
    # given a stream with evictions (small capacities), chunks cut anywhere, hash cells shared
    # by unrelated keys (one cell: every key in one chain), shingle segments of any size, and a
    # budget of shingles of two or three segments, or a budget that never binds (0)
    size = min(segment, 64 * capacity)
    with (
        mock.patch.object(dedupe, "_CHUNK", chunk),
        mock.patch.object(dedupe, "_cell_count", lambda entries: cells),
        mock.patch.object(dedupe, "_SEGMENT", segment),
    ):
        index = NearDuplicateIndex(
            threshold=threshold, num_perm=8, capacity=capacity, shingle_budget=8 * size * (budget or 1 << 30)
        )
    reference = ReferenceIndex(threshold, capacity, size, budget)
    n = 0
    for one_by_one, docs in stream:
        ids = [f"d{n + i}" for i in range(len(docs))]
        n += len(docs)
        sets = [np.array(sorted(s), dtype=np.uint64) for s, _ in docs]
        signatures = np.array([sig for _, sig in docs], dtype=np.uint64).reshape(len(docs), 8)
        keys = index.band_keys(signatures)
        # when the documents are added in one call or one by one
        if one_by_one:
            got = [index.add_hashed(d, s, k) for d, s, k in zip(ids, sets, keys, strict=True)]
        else:
            got = index.add_many(ids, sets, signatures)
        # then every answer is the definition's, and so are lookups between calls
        expected = [reference.add(d, s.tolist(), k.tolist()) for d, s, k in zip(ids, sets, keys, strict=True)]
        assert [as_tuple(m) for m in got] == expected
        assert len(index) == len(reference.kept)
        if docs:
            probe, probe_keys = sets[0], keys[0]
            assert index.candidates(probe_keys) == reference.candidates(probe_keys.tolist())
            expected_query = [
                (d, sim) for d, _g, sim in reference.verified(set(probe.tolist()), set(probe_keys.tolist()))
            ]
            # and the budget held: no more segments than it allows
            assert len(index._segments) <= (budget or 1 << 30)
            assert index.query(probe, probe_keys) == (expected_query if probe.size else [])


def test_long_streams_with_evictions_answer_as_the_definition_and_survive_pickling():
    # given 6,000 documents of real-looking overlap: each a random edit of one of 100 texts
    rng = random.Random(5)
    vocab = [f"w{i}" for i in range(60)]
    texts = [[rng.choice(vocab) for _ in range(rng.randint(0, 12))] for _ in range(100)]
    docs = []
    for i in range(6000):
        words = list(rng.choice(texts))
        if words and rng.random() < 0.5:
            words[rng.randrange(len(words))] = rng.choice(vocab)
        docs.append((f"d{i}", words))
    index = NearDuplicateIndex(threshold=0.6, capacity=97)
    reference = ReferenceIndex(0.6, 97)
    hasher = index.hasher
    got = []
    # when they go through in batches of random sizes (the index pickled and restored halfway)
    start, restored = 0, False
    while start < len(docs):
        batch = docs[start : start + rng.randint(1, 300)]
        if start >= 3000 and not restored:
            index, restored = pickle.loads(pickle.dumps(index)), True  # noqa: S301 - our own bytes
        sets = hasher.shingles_many([w for _, w in batch])
        got += index.add_many([d for d, _ in batch], sets, hasher.signatures_from_shingles(sets))
        start += len(batch)
    # then every answer is the definition's, and many are near-duplicates
    sets = hasher.shingles_many([w for _, w in docs])
    keys = index.band_keys(hasher.signatures_from_shingles(sets))
    expected = [
        reference.add(d, s.tolist(), k.tolist()) for (d, _), s, k in zip(docs, sets, keys, strict=True)
    ]
    assert [as_tuple(m) for m in got] == expected
    assert sum(m.duplicate_of is not None for m in got) > 1000
