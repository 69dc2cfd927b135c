"""The featuriser: its counting matches scipy's, its fast paths match their definitions."""

import pickle
import re

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis import features
from duluan.analysis.features import NgramFeaturizer, count_matrix, tokenise_batch

occurrences = st.integers(1, 40).flatmap(
    lambda n_rows: st.tuples(
        st.just(n_rows),
        st.lists(st.tuples(st.integers(0, n_rows - 1), st.integers(0, 999)), max_size=300),
    )
)


@given(occurrences)
def test_count_matrix_equals_scipy_sum_of_duplicates(case):
    # given occurrences of (row, column) pairs, repeated and unordered
    n_rows, pairs = case
    rows = np.array([r for r, _ in pairs], dtype=np.int64)
    cols = np.array([c for _, c in pairs], dtype=np.int64)
    # when they are counted
    ours = count_matrix(rows, cols, n_rows, 1000)
    # then the matrix is scipy's, canonical, float32
    theirs = sp.csr_matrix((np.ones(rows.size, np.float32), (rows, cols)), shape=(n_rows, 1000))
    theirs.sum_duplicates()
    assert ours.dtype == np.float32
    assert ours.has_canonical_format
    assert (ours != theirs).nnz == 0
    np.testing.assert_array_equal(ours.indptr, theirs.indptr)
    np.testing.assert_array_equal(ours.indices, theirs.indices)


def test_count_matrix_uses_wide_keys_when_rows_times_columns_overflow_32_bits():
    # given a matrix wider than 2**32 / rows
    rows = np.array([0, 3, 3, 0])
    cols = np.array([(1 << 31) + 5, 7, 7, (1 << 31) + 5])
    # when counted
    m = count_matrix(rows, cols, 4, 1 << 32)
    # then nothing wrapped around
    assert m[0, (1 << 31) + 5] == 2
    assert m[3, 7] == 2
    assert m.nnz == 2


# Letters that exercise the character path: Vietnamese tones (both placements), "_" inside and at
# the edge of words, digits, punctuation, spaces, one-letter words, a dotted capital I that
# lower-cases to two characters, and the separator character itself.
_ALPHABET = "aAbqQoóòOuúyýhHòaoàhoẻ_ 1.!,\n\x00İ-đĐ"
texts_strategy = st.lists(st.text(alphabet=_ALPHABET, max_size=30), min_size=1, max_size=6)


def _fitted(char_ngram_range=(1, 3)) -> NgramFeaturizer:
    return NgramFeaturizer(char_ngram_range=char_ngram_range, min_count=1, n_char_features=1 << 12).fit(
        ["hoà bình ở quận ba", "Quý khách hỏi đường", "a b c đ"]
    )


@settings(max_examples=300, deadline=None)
@given(texts_strategy, st.sampled_from([(1, 3), (2, 3), (1, 1), (3, 5), (2, 4)]))
@example(["Aàà"], (1, 3))  # the known "a" stretched: the memo read " a ", the whole text " aàà "
def test_character_ngrams_gathered_per_syllable_equal_hashing_the_whole_text(texts, char_range):
    # given a featurizer with character n-grams and a batch of awkward texts
    featurizer = _fitted(char_range)
    tb = tokenise_batch(texts)
    # when the batch's character n-grams are gathered from the syllable memo (twice: fresh, then
    # remembered)
    first = featurizer._analyse(tb)
    again = featurizer._analyse(tb)
    # then they are exactly the n-grams of the whole text, document by document
    expected = np.sort(featurizer._text_char_ngrams(tb, first.char_keys.dtype.type))
    np.testing.assert_array_equal(np.sort(first.char_keys), expected)
    np.testing.assert_array_equal(np.sort(again.char_keys), expected)


def test_the_syllable_memo_starts_afresh_when_full_and_gives_the_same_matrix(monkeypatch):
    # given a featurizer whose memo keeps only a few syllables
    featurizer = _fitted()
    texts = ["Hoà Bình ngập sâu", "quận ba có đường hỏng", "a_b c_d e"]
    expected = featurizer.transform(texts)
    monkeypatch.setattr(features, "_MAX_TYPES", 4)
    fresh = _fitted()
    # when it transforms batches with more syllables than that
    got = [fresh.transform(texts) for _ in range(3)]
    # then every matrix is the same as with a large memo
    for x in got:
        assert (x != expected).nnz == 0


def test_a_pickled_featurizer_leaves_its_memo_behind():
    # given a featurizer that has transformed a batch (so its memo is filled)
    featurizer = _fitted()
    x = featurizer.transform(["Hoà Bình ngập sâu"])
    # when it is pickled and read back
    copy = pickle.loads(pickle.dumps(featurizer))  # noqa: S301 - our own object
    # then the memo was not written, and the copy computes the same matrix
    assert "_types" not in copy.__dict__
    assert (copy.transform(["Hoà Bình ngập sâu"]) != x).nnz == 0


@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(0, 2),
            # Halves of the fourth decimal, and their neighbours, where rounding is delicate.
            st.integers(0, 40000).map(lambda k: (k + 0.5) / 1e4),
            st.integers(0, 40000).map(lambda k: np.nextafter((k + 0.5) / 1e4, 1.0)),
            st.integers(0, 40000).map(lambda k: np.nextafter((k + 0.5) / 1e4, 0.0)),
        ),
        max_size=50,
    )
)
def test_round_4_equals_python_round(values):
    # given float64 values, many of them next to a half of the fourth decimal
    array = np.array(values, dtype=np.float64)
    # when they are rounded for the whole array at once
    got = features.round_4(array)
    # then each is Python's correctly rounded round(v, 4), sign of zero and NaN included
    expected = [round(float(v), 4) if np.isfinite(v) else float(v) for v in array]
    assert [repr(x) for x in got] == [repr(x) for x in expected]


@given(st.lists(st.integers(0, 50), max_size=300), st.sampled_from([1, 1 << 20, 1 << 58]))
def test_stable_sort_equals_numpys_stable_argsort(values, scale):
    # given non-negative keys with repeats, small or too wide to pack with their index
    keys = np.array(values, dtype=np.int64) * scale
    # when they are sorted with their order
    order, sorted_keys = features._stable_sort(keys)
    # then the order is numpy's stable argsort
    expected = np.argsort(keys, kind="stable")
    np.testing.assert_array_equal(order, expected)
    np.testing.assert_array_equal(sorted_keys, keys[expected])


def _weigh_by_definition(featurizer: NgramFeaturizer, counts: sp.csr_matrix) -> sp.csr_matrix:
    """Sublinear TF-IDF, each block then the whole row L2-normalised, step by step."""
    x = counts.copy()
    x.data = (np.log(x.data) + np.float32(1.0)) * featurizer.idf_[x.indices]
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))

    def normalise(mask):
        sq = np.where(mask, x.data * x.data, np.float32(0.0))
        norms = np.sqrt(np.bincount(rows, weights=sq, minlength=x.shape[0]))
        norms[norms == 0] = 1.0
        scale = norms[rows].astype(np.float32)
        x.data[mask] /= scale[mask]

    if featurizer.char_ngram_range:
        in_char = x.indices >= featurizer.n_word_features
        normalise(~in_char)
        normalise(in_char)
        x.data[in_char] *= featurizer.char_weight
    normalise(np.ones(x.nnz, dtype=bool))
    return x


@settings(deadline=None)
@given(texts_strategy, st.sampled_from([None, (1, 3)]), st.sampled_from([0.5, 0.3, 1.0]))
def test_weighing_equals_the_step_by_step_definition_to_the_last_bit(texts, char_range, char_weight):
    # given counts of a batch
    featurizer = _fitted(char_range)
    featurizer.char_weight = char_weight
    counts = featurizer._counts(featurizer._analyse(texts))
    # when they are weighed
    expected = _weigh_by_definition(featurizer, counts)
    got = featurizer._weigh(counts.copy())
    # then every value is the same float32
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    assert got.data.dtype == np.float32
    assert got.data.tobytes() == expected.data.tobytes()


@settings(deadline=None)
@given(texts_strategy, st.sampled_from([(1, 3), (2, 4)]))
def test_blocks_found_while_counting_equal_the_blocks_of_the_matrix(texts, char_range):
    # given a batch's n-grams, with character n-grams
    featurizer = _fitted(char_range)
    batch = featurizer._analyse(texts)
    # when they are counted with the rows' word and character blocks
    counts, blocks = featurizer._counts_and_blocks(batch)
    # then the blocks are those read from the matrix, and weighing with them changes nothing
    np.testing.assert_array_equal(blocks, features._blocks_of(counts, featurizer.n_word_features))
    expected = _weigh_by_definition(featurizer, counts)
    assert featurizer._weigh(counts.copy(), blocks).data.tobytes() == expected.data.tobytes()


@given(
    st.lists(
        st.lists(st.sampled_from([0.1, 3.0, 1e-7, 7.5e5, 0.3333, 2.0**-20, 1e30]), max_size=30), max_size=8
    )
)
def test_block_sums_equal_bincounts_sums_to_the_last_bit(blocks):
    # given float32 values in blocks, some empty, of very different magnitudes
    values = np.array([v for b in blocks for v in b], dtype=np.float32)
    sizes = [len(b) for b in blocks]
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    # when each block is summed
    got = features._block_sums(values, bounds)
    # then the sums are numpy's bincount ones, in float64, bit for bit
    expected = np.bincount(np.repeat(np.arange(len(blocks)), sizes), weights=values, minlength=len(blocks))
    assert got.dtype == np.float64
    assert got.tobytes() == expected.tobytes()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 99)), max_size=60), max_size=6),
    st.sampled_from([1, 4, 16, 1 << 14]),
)
def test_sorted_keys_equal_sorting_all_keys_at_once(parts, chunk):
    # given pieces of keys, each in row order (columns in any order), and chunks of any size
    pieces = [
        np.array([r * 100 + c for r, c in sorted(part, key=lambda rc: rc[0])], dtype=np.uint32)
        for part in parts
    ]
    old = features._SORT_CHUNK
    features._SORT_CHUNK = chunk
    try:
        # when they are sorted a few rows at a time
        got = features._sorted_keys(pieces, 31, 100, np.uint32)
    finally:
        features._SORT_CHUNK = old
    # then the keys are all of them, sorted
    expected = np.sort(np.concatenate(pieces)) if pieces else np.zeros(0, np.uint32)
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, expected)


@settings(max_examples=150, deadline=None)
@given(texts_strategy, st.sampled_from([(1, 3), (3, 5), (2, 4)]), st.sampled_from([2, 1 << 14]))
def test_counting_pieces_in_row_order_equals_counting_all_keys(texts, char_range, chunk):
    # given a featurizer's keys of a batch in pieces (gathered per syllable, or hashed from the
    # text and cut where their document goes down)
    featurizer = _fitted(char_range)
    batch = featurizer._analyse(tokenise_batch(texts), naming=False)
    every = np.concatenate([*batch.word_parts, *batch.char_parts])
    old = features._SORT_CHUNK
    features._SORT_CHUNK = chunk
    try:
        # when they are counted a few rows at a time
        got, blocks = featurizer._counts_and_blocks(batch)
    finally:
        features._SORT_CHUNK = old
    # then the matrix and blocks are those of counting all the keys at once
    expected, expected_blocks = features._count_keys(
        every, len(texts), featurizer.n_features_, split=featurizer.n_word_features
    )
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    assert got.data.tobytes() == expected.data.tobytes()
    np.testing.assert_array_equal(blocks, expected_blocks)


@given(st.lists(st.integers(0, 2**40), max_size=50))
def test_the_naming_hash_reads_the_low_32_bits_of_keys_of_any_width(keys):
    # given count keys as the three integer types they come in
    wide = np.array(keys, dtype=np.uint64)
    # when they are hashed for naming, then equal low bits hash alike, within the hash's range
    got = features._naming_hash(wide)
    np.testing.assert_array_equal(got, features._naming_hash(wide.astype(np.int64)))
    np.testing.assert_array_equal(got, features._naming_hash((wide & np.uint64(2**32 - 1)).astype(np.uint32)))
    assert got.dtype == np.uint32 and (got < (1 << features._NAMING_BITS)).all()


# Any code point: astral letters (𝐀, 𠀀), emoji, lone surrogates, the separator, "_", "İ", "Σ".
_ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec=None),
        st.sampled_from(["\x00", "_", "İ", "Σ", "𝐀", "𠀀", "😀", "\ud83d", "\ude00", "\u00a0", "\u2028"]),
    ),
    max_size=25,
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.none(), _ANY_TEXT, st.text(alphabet=_ALPHABET, max_size=30)), max_size=6))
def test_a_batch_split_by_the_table_gives_the_tokens_of_the_expression_text_by_text(texts):
    # given any batch of texts, however odd their characters
    # when the batch is split into tokens at once
    batch = tokenise_batch(texts)
    # then each text has exactly the runs of word characters of its NFC lower case, in order
    expected = [features._WORD_RE.findall(features._lower_nfc((t or "").replace("\x00", " "))) for t in texts]
    assert batch.lengths.tolist() == [len(e) for e in expected]
    assert [t for t in batch.tokens if t != "\x00"] == [tok for e in expected for tok in e]
    assert batch.tokens.count("\x00") == max(len(texts) - 1, 0)
    # and the split of a joined batch is the expression's, whatever the batch holds
    joined = features._join_batch(texts)
    assert features._word_runs(joined) == features._TOKEN_RE.findall(joined)


def test_the_split_table_keeps_word_characters_and_white_space_and_blanks_the_rest():
    # given the table of every code point of the BMP
    table = features._word_or_space()
    # then a character is kept exactly where the expression or str.split reads it, else blanked
    kept = np.flatnonzero(table == np.arange(0x10000))
    expected = [c for c in range(0x10000) if re.match(r"[\w\s\x00]", chr(c))]
    assert kept.tolist() == expected
    blanked = np.ones(0x10000, dtype=bool)
    blanked[expected] = False
    assert (table[blanked] == 0x20).all()
    # and no character is both part of a word and a place where str.split cuts
    assert not [c for c in expected if chr(c).isspace() and re.match(r"\w", chr(c))]


def test_a_syllables_id_does_not_hang_on_the_other_texts_learnt():
    # given texts, the same in another order, and more texts learnt with them, whose syllables
    # are new or change how often the first ones' come
    texts = ["Đường ngập sâu sau mưa", "Mất điện cả ngày", "Rác thải bốc mùi ở chợ"]
    more = ["Cảm ơn", "Xin chào tổng đài", "mưa mưa mưa ngập ngập điện điện điện điện"]
    first = NgramFeaturizer(min_count=1).fit(texts).vocabulary_
    shuffled = NgramFeaturizer(min_count=1).fit(texts[::-1]).vocabulary_
    grown = NgramFeaturizer(min_count=1).fit(texts + more).vocabulary_
    # then each syllable keeps its id (so the n-grams of the first texts keep their buckets),
    # whatever the order, and a new syllable takes an id of its own
    assert first == shuffled
    assert all(grown[tok] == i for tok, i in first.items())
    assert len(set(grown.values())) == len(grown)
    # and every id fits the keys' 21 bits
    assert max(grown.values()) < (1 << 21) - 2


def test_a_word_stretched_at_its_end_is_read_as_the_word_it_stands_for():
    # given words stretched at their end, as people shout them, and words that are not
    stretched = {"xúcccc": "xúc", "quáaaa": "quá", "rồiiii": "rồi", "mìnhhhh": "mình", "xuccc": "xuc"}
    # when they are unstretched
    # then each is its word; a letter repeated once, a number or a run alone is no stretch
    assert {word: features.unstretched(word) for word in stretched} == stretched
    for word in ("xúcc", "quáa", "all", "1000", "aaa", "xúc"):
        assert features.unstretched(word) is None, word


@pytest.mark.parametrize("char_range", [(1, 3), (2, 5)])  # from the syllables' memo; from the whole text
def test_a_featurizer_reads_a_stretched_word_it_does_not_know_as_the_word_it_knows(char_range):
    # given a featurizer of syllables and characters that knows "bức xúc" but not stretched
    texts = ["dân bức xúc", "dân rất bức xúc", "đường ngập", "hồ sơ chậm"]
    featurizer = NgramFeaturizer(word_ngram_range=(1, 2), char_ngram_range=char_range, min_count=1).fit(texts)
    # when it reads the words stretched (before, "xúcccc" was an unknown syllable: "bức xúc" was
    # no n-gram of "Dân bức xúccccc lắm", 2026-12-07)
    said = features.tokenise_batch(["dân bức xúcccc", "đường ngậppp", "dân bức xúc", "đường ngập"])
    x = featurizer.transform(said).toarray()
    # then it reads them as the words themselves, by their syllables and their characters
    np.testing.assert_array_equal(x[0], x[2])
    np.testing.assert_array_equal(x[1], x[3])
    # and a stretched spelling it learnt is read as it is
    known = NgramFeaturizer(min_count=1).fit(["ngậppp quá", "ngập"])
    assert not np.array_equal(*known.transform(["ngậppp", "ngập"]).toarray())
