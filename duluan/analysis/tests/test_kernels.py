"""The compiled scoring loops give the numpy path's margins to the last bit, whatever the text."""

import gzip
import itertools
import json
import math
import pickle
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.analysis import features, kernels, linear_text
from duluan.analysis.features import NgramFeaturizer
from duluan.analysis.topic import TopicClassifier
from duluan.shared_data import shared_data_dir

# Vietnamese letters with both tone placements, capitals, "_" inside and at the edges of words,
# digits, punctuation, white space, a dotted capital I (two characters in lower case), a capital
# sigma (lower case depends on what follows), a letter beyond the Basic Multilingual Plane, an
# emoji, a lone surrogate and the batch separator itself.
_ALPHABET = "aAbqQoóòOuúyýhHòaoàhoẻ_ 1.!,\n\x00İΣΑ-đĐ𝐀😀\ud800"
_TRAINING = [
    "hoà bình ở quận ba",
    "Quý khách hỏi đường",
    "a b c đ",
    "hòa bình ngập sâu ở quận ba",
    "đường ngập nước, dân hỏi quận",
    "σας ΑΣ 𝐀 a_b",
]


def _featurizer(**params) -> NgramFeaturizer:
    return NgramFeaturizer(min_count=1, n_word_features=params.pop("n_word_features", 1 << 12), **params).fit(
        _TRAINING
    )


def _weights(featurizer: NgramFeaturizer, classes: int = 3, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((featurizer.n_features_, classes)).astype(np.float32)


def _assert_bit_for_bit(got: np.ndarray | None, expected: np.ndarray) -> None:
    assert got is not None
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)


def _assert_same(featurizer: NgramFeaturizer, texts: list[str], weights: np.ndarray) -> None:
    _assert_bit_for_bit(featurizer.compiled_margins(texts, weights), featurizer.transform(texts) @ weights)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=_ALPHABET, max_size=40), min_size=1, max_size=6),
    st.sampled_from([(1, 1), (1, 2), (2, 2), (1, 3), (2, 3)]),
    st.sampled_from([0, 1, 3]),
    st.sampled_from([1 << 12, 1000]),
    st.sampled_from([1, 3, 10, 17]),
)
def test_compiled_margins_equal_the_numpy_paths_to_the_last_bit(texts, ngrams, lead, n_features, classes):
    # given a featurizer of syllable n-grams, a model of some classes and a batch of awkward texts
    featurizer = _featurizer(word_ngram_range=ngrams, lead_tokens=lead, n_word_features=n_features)
    weights = _weights(featurizer, classes)
    # when the compiled loops score them (twice: the second time unseen syllables are in its table)
    # then the margins are the numpy path's, bit for bit
    _assert_same(featurizer, texts, weights)
    _assert_same(featurizer, texts, weights)


@pytest.mark.parametrize("lower", [True, False])
def test_a_folding_without_underscores_copied_from_one_with_reads_every_character_as_one_read_anew(lower):
    # given a folding of the Basic Multilingual Plane with "_" a word character, which has since
    # read characters beyond it too
    with_underscore = kernels.Folding(lower)
    beyond = kernels.code_points("𝐀😀𝔸")
    with_underscore.for_codes(beyond)
    # when its copy without underscores is made, and one is read afresh
    copied = with_underscore.without_underscore()
    fresh = kernels.Folding(lower, underscore=False)
    # then they read every character alike, "_" as no word character, also past the plane
    assert np.array_equal(copied.table[:0x10000], fresh.table[:0x10000])
    assert copied.table[ord("_")] == kernels.NOT_WORD != with_underscore.table[ord("_")]
    assert np.array_equal(copied.for_codes(beyond)[beyond], fresh.for_codes(beyond)[beyond])
    # and the copy is its own: the table it came from is unchanged
    assert with_underscore.table[ord("_")] == ord("_")
    # and the process keeps one folding an option, however the arguments are spelled
    assert (
        kernels.folding(lower)
        is kernels.folding(lower, True)
        is kernels.folding(lower=lower, underscore=True)
    )
    assert kernels.folding(lower, False) is kernels.folding(lower, underscore=False)
    assert np.array_equal(kernels.folding(lower, False).table[:0x10000], fresh.table[:0x10000])


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("underscore", [True, False])
def test_a_folding_reads_each_character_as_str_lower_and_the_word_expression_read_it_alone(lower, underscore):
    # given a folding of the Basic Multilingual Plane, which then reads characters beyond it
    folding = kernels.Folding(lower, underscore)
    beyond = kernels.code_points("𝐀😀𝔸\U000e0041\U0010fffd")
    folding.for_codes(beyond)
    # then each character is what it reads one character at a time
    for c in [*range(0x10000), *beyond.tolist()]:
        ch = chr(c)
        low = ch.lower() if lower else ch
        if lower and (len(low) != 1 or ch == "\u03a3"):
            expected = kernels.SPECIAL
        elif re.fullmatch(r"\w", low) and (underscore or low != "_"):
            expected = ord(low)
        else:
            expected = kernels.NOT_WORD
        assert folding.table[c] == expected, hex(c)


@pytest.mark.parametrize("classes", [1, 2, 3, 4, 10, 15, 16, 17, 30, 31, 40])
def test_packed_rows_hold_weights_then_idf_each_row_in_as_few_cache_lines_as_it_can(classes):
    # given weights of some classes and an idf
    rng = np.random.default_rng(classes)
    weights = rng.standard_normal((37, classes)).astype(np.float32)
    idf = rng.random(37).astype(np.float32)
    # when they are packed
    packed = kernels.packed_rows(weights, idf)
    # then each row is the weights, the idf, then zeros, from a 64-byte boundary
    assert packed.flags.c_contiguous and packed.dtype == np.float32
    assert packed.ctypes.data % 64 == 0
    width = packed.shape[1]
    assert width >= classes + 1
    np.testing.assert_array_equal(packed[:, :classes], weights)
    np.testing.assert_array_equal(packed[:, classes], idf)
    assert not packed[:, classes + 1 :].any()

    # and every row touches as few 64-byte lines as a row of its size must (no narrower width does)
    def lines(w, row):
        first = (row * w * 4) // 64
        return (row * w * 4 + w * 4 - 1) // 64 - first + 1

    fewest = -(-width * 4 // 64)
    assert all(lines(width, row) == fewest for row in range(64))
    for narrower in range(classes + 1, width):
        assert any(lines(narrower, row) > -(-narrower * 4 // 64) for row in range(64))


def test_other_weights_for_the_same_featurizer_are_packed_anew():
    # given one featurizer scored with two models' weights, one after the other, and again
    featurizer = _featurizer()
    first, second = _weights(featurizer, 3, seed=1), _weights(featurizer, 10, seed=2)
    texts = ["hoà bình ở quận ba", "dân hỏi đường"]
    # then each time the margins are those of the weights given
    for weights in (first, second, first):
        _assert_same(featurizer, texts, weights)


def test_a_spelling_not_seen_in_training_is_known_by_its_canonical_tone_placement():
    # given a featurizer trained on "hoà" and a text that writes it "hòa", in capitals
    featurizer = _featurizer()
    texts = ["HÒA bình", "Hoà Bình", "khách lạ"]
    # then the compiled path gives the known syllable its id, as the numpy path does
    weights = _weights(featurizer)
    _assert_same(featurizer, texts, weights)
    got = featurizer.compiled_margins(texts, weights)
    assert np.any(got[0] != 0)
    np.testing.assert_array_equal(got[0], got[1])


def _texts_scored(monkeypatch) -> list[int]:
    """A list that gets the number of texts of each batch the compiled loops score from now on."""
    scored: list[int] = []
    score_texts = kernels.score_texts

    def counting(codes, *args):
        scored.append(int((codes == 0).sum()) + 1)
        return score_texts(codes, *args)

    monkeypatch.setattr(kernels, "score_texts", counting)
    return scored


def test_only_the_texts_with_a_syllable_found_known_later_are_scored_again(monkeypatch):
    # given a model that knows "khỏe" and a batch whose first, fifth and last texts write it
    # "khoẻ", which the table has no slot for until it is looked up, and whose other texts know
    # every syllable or hold none known
    featurizer = NgramFeaturizer(min_count=1, n_word_features=1 << 12).fit([*_TRAINING, "khỏe mạnh"])
    weights = _weights(featurizer)
    assert "khoẻ" not in featurizer.vocabulary_
    texts = ["khoẻ mạnh", "quận ba", "khách lạ", "a b c", "Dân KHOẺ", "đường ngập", "hỏi khoẻ"]
    scored = _texts_scored(monkeypatch)
    # when the compiled loops score it
    # then the margins are the numpy path's, bit for bit, and only those three texts were scored
    # twice (after them, with "khoẻ" in the table, the batch is scored once)
    _assert_same(featurizer, texts, weights)
    assert scored == [7, 3]
    _assert_same(featurizer, texts, weights)
    assert scored == [7, 3, 7]


def test_a_text_scored_again_after_the_table_started_afresh_is_scored_once_more(monkeypatch):
    # given a table that takes three unseen syllables, and a model that knows "khỏe" and "thủy"
    monkeypatch.setattr(features, "_MAX_TYPES", 3)
    featurizer = NgramFeaturizer(min_count=1, n_word_features=1 << 12).fit([*_TRAINING, "khỏe thủy"])
    weights = _weights(featurizer)
    scored = _texts_scored(monkeypatch)
    # when a first batch puts "khoẻ" in the table, and a second batch's second text writes it
    # again with "thuỷ" and another unseen syllable, so that the table starts afresh without it
    _assert_same(featurizer, ["khoẻ", "zz"], weights)
    _assert_same(featurizer, ["a b", "thuỷ khoẻ qq", "ba"], weights)
    # then that text alone is scored again, twice, and every margin is the numpy path's
    assert scored == [2, 1, 3, 1, 1]


def test_texts_that_need_str_lower_or_hold_a_syllable_thousands_of_times_take_the_slow_roads():
    # given texts with a dotted capital I, a final sigma, and one syllable repeated 70,000 times
    featurizer = _featurizer()
    weights = _weights(featurizer)
    # then each is scored as by the numpy path (by str.lower, or not compiled at all)
    _assert_same(featurizer, ["İstanbul hoà", "ΑΣ σας"], weights)
    many = ["ba " * 70_000]
    assert featurizer.compiled_margins(many, weights) is None
    clf_texts = [*many, "hoà bình"]
    np.testing.assert_array_equal(
        _predict_both(featurizer, weights, clf_texts)[0], _predict_both(featurizer, weights, clf_texts)[1]
    )


def _predict_both(featurizer, weights, texts):
    # The numpy path's margins, and what compiled_margins or (when it declines) the numpy path give.
    compiled = featurizer.compiled_margins(texts, weights)
    numpy_path = featurizer.transform(texts) @ weights
    return numpy_path, numpy_path if compiled is None else compiled


def test_the_table_starts_afresh_when_full_and_the_margins_stay_the_same(monkeypatch):
    # given a scorer whose table takes only a few unseen syllables
    monkeypatch.setattr(features, "_MAX_TYPES", 3)
    featurizer = _featurizer()
    weights = _weights(featurizer)
    batches = [["một hai ba bốn năm sáu hoà"], ["bảy tám chín mười HÒA bình"], ["hoà bình quận ba"]]
    # when it scores batches with more unseen syllables than that, twice
    # then every margin is the numpy path's
    for batch in batches * 2:
        _assert_same(featurizer, batch, weights)


def test_the_table_grows_as_unseen_syllables_are_added_and_the_margins_stay_the_same(monkeypatch):
    # given a scorer whose table first has room for one unseen syllable
    monkeypatch.setattr(features, "_ROOM", 1)
    featurizer = _featurizer()
    weights = _weights(featurizer)
    _assert_same(featurizer, ["hoà bình"], weights)
    scorer = featurizer.__dict__["_compiled"]
    first = scorer._table.size
    # when batches bring a hundred unseen syllables, some of them again
    unseen = [f"xã{n} hoà bình quận{n}" for n in range(50)]
    # then every margin is the numpy path's, and the table grew, never more than half full
    for batch in (unseen[:10], unseen, ["hoà", *unseen[::7]]):
        _assert_same(featurizer, batch, weights)
        assert 4 * np.count_nonzero(scorer._table[0::2]) <= scorer._table.size
    assert scorer._table.size > first


def test_an_id_table_keeps_its_entries_when_it_grows():
    # given a table of three syllables, one of them not in the vocabulary
    hashes = kernels.hash_strings(kernels.code_points("hoà\x00bình\x00zz"))
    table = kernels.id_table(hashes, np.array([7, 0, -1]), room=3)
    # when it is asked for room for as many as fill half its slots, then for one more
    half = table.size // 4
    same = kernels.id_table_with_room(table, half)
    grown = kernels.id_table_with_room(table, half + 1)
    # then the first is the table itself, and the second is larger with the same ids
    assert same is table
    assert grown.size >= 4 * (half + 1)
    for t in (table, grown):
        assert [kernels._id_of(t, h) for h in hashes] == [7, 0, -1]
        assert kernels._id_of(t, np.uint64(12345)) == kernels.NO_SLOT


def test_models_with_character_ngrams_or_other_weights_are_left_to_numpy():
    # given a featurizer with character n-grams, and weights that are not C-contiguous float32
    chars = _featurizer(char_ngram_range=(1, 3), n_char_features=1 << 10)
    words = _featurizer()
    weights = _weights(words)
    # then the compiled path declines them
    assert chars.compiled_margins(["hoà"], _weights(chars)) is None
    assert words.compiled_margins(["hoà"], weights.astype(np.float64)) is None
    assert words.compiled_margins(["hoà"], np.asfortranarray(weights)) is None
    assert words.compiled_margins([], weights).shape == (0, 3)


def test_a_pickled_featurizer_leaves_its_compiled_table_behind():
    import pickle

    featurizer = _featurizer()
    weights = _weights(featurizer)
    featurizer.compiled_margins(["hoà bình"], weights)
    copy = pickle.loads(pickle.dumps(featurizer))  # noqa: S301 - our own object
    assert "_compiled" not in copy.__dict__
    _assert_same(copy, ["hoà bình"], weights)


def test_predict_labels_by_the_compiled_loops_equals_the_numpy_path(monkeypatch):
    # given a topic classifier
    texts = [t + " " + s for t, s in itertools.product(_TRAINING, ["ngập", "hỏi", "quận"])]
    clf = TopicClassifier(min_count=1, calibration_fraction=0.0).fit(
        texts, [str(i % 3) for i in range(len(texts))]
    )
    # when it labels texts fewer than the threshold, unless told to use the compiled loops
    expected = clf.predict_labels(texts)
    assert "_compiled" not in clf.featurizer_.__dict__
    got = clf.predict_labels(texts, compiled=True)
    # then they were used only when told (and after that by default), and labels and scores are
    # the same
    assert "_compiled" in clf.featurizer_.__dict__
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
    monkeypatch.setattr(clf.featurizer_, "compiled_margins", _refuse)
    with pytest.raises(AssertionError, match="compiled"):
        clf.predict_labels(texts[:2])
    np.testing.assert_array_equal(clf.predict_labels(texts, compiled=False)[1], expected[1])


def test_a_mapped_model_file_scores_alike_by_its_packed_copy_and_keeps_its_weights(tmp_path):
    # given a topic classifier saved, and loaded with its arrays mapped from the file
    texts = [t + " " + s for t, s in itertools.product(_TRAINING, ["ngập", "hỏi", "quận"])]
    clf = TopicClassifier(min_count=1, calibration_fraction=0.0).fit(
        texts, [str(i % 4) for i in range(len(texts))]
    )
    path = clf.save(tmp_path / "t.model")
    loaded = TopicClassifier.load(path, mapped=True)
    expected = loaded.predict_labels(texts)
    # when its compiled loops are loaded (they read a packed copy; the file's pages are given back)
    assert loaded.load_compiled()
    # then labels and scores are the numpy path's, and the weights still read the saved values
    got = loaded.predict_labels(texts, compiled=True)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
    np.testing.assert_array_equal(loaded.coef_, clf.coef_)
    np.testing.assert_array_equal(loaded.featurizer_.idf_, clf.featurizer_.idf_)


def test_many_characters_are_scored_by_the_compiled_loops_by_default(monkeypatch):
    texts = [t + " " + s for t, s in itertools.product(_TRAINING, ["ngập", "hỏi", "quận"])]
    clf = TopicClassifier(min_count=1, calibration_fraction=0.0).fit(
        texts, [str(i % 3) for i in range(len(texts))]
    )
    monkeypatch.setattr(linear_text, "_COMPILED_MIN_CHARS", sum(map(len, texts)))
    clf.predict_labels(texts[:-1])
    assert "_compiled" not in clf.featurizer_.__dict__
    clf.predict_labels(texts)
    assert "_compiled" in clf.featurizer_.__dict__
    # explanations are never compiled
    monkeypatch.setattr(clf.featurizer_, "compiled_margins", _refuse)
    assert len(clf.predict(texts)) == len(texts)


def _refuse(*_args, **_kwargs):
    raise AssertionError("compiled loops called")


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
@pytest.mark.parametrize("corpus", ["vntc", "tc201805"])
def test_real_texts_score_the_same_to_the_last_bit(corpus):
    # given a topic model trained on 1,500 texts of a corpus (every 16th: the files go label by label)
    with gzip.open(shared_data_dir() / corpus / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in itertools.islice(fh, 0, 32000, 16)]
    clf = TopicClassifier(calibration_fraction=0.0).fit(
        [r["text"] for r in rows[:1500]], [r["label"] for r in rows[:1500]]
    )
    # when the other 500 (unseen syllables included) are scored by the compiled loops
    texts = [r["text"] for r in rows[1500:]]
    # then the margins are the numpy path's, bit for bit
    _assert_same(clf.featurizer_, texts, clf.coef_)


def _assert_typed_same(featurizer: NgramFeaturizer, texts, packed: np.ndarray) -> None:
    _assert_bit_for_bit(featurizer.typed_scores(texts, packed), featurizer.transform_scores(texts, packed)[2])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=_ALPHABET, max_size=40), min_size=1, max_size=6),
    st.sampled_from([(1, 1), (1, 2), (2, 3), (1, 3)]),
    st.sampled_from([(1, 1), (1, 2), (2, 2), (1, 3), (2, 3), (3, 3)]),
    st.sampled_from([0, 2]),
    st.sampled_from([(1 << 12, 1 << 10), (1000, 300)]),
    st.sampled_from([0.5, 1.0, 0.3]),
    st.booleans(),
)
def test_typed_scores_equal_the_numpy_paths_to_the_last_bit(texts, words, chars, lead, sizes, weight, split):
    # given a featurizer with character n-grams, packed weights of 3 classes, and a batch of
    # awkward texts (syllables of "_" only, one letter, capitals, none at all), split or not
    featurizer = _featurizer(
        word_ngram_range=words, char_ngram_range=chars, lead_tokens=lead, n_word_features=sizes[0],
        n_char_features=sizes[1], char_weight=weight,
    )  # fmt: skip
    packed = featurizer.pack_weights(_weights(featurizer))
    assert featurizer.load_typed_scores(packed)
    batch = features.tokenise_batch(texts) if split else texts
    tokens = features.tokenise_batch(texts).tokens  # with a separator between two texts
    if all(not t.strip("_") for t in tokens):
        # no token but syllables of "_" only: the whole texts' character n-grams, left to numpy
        assert featurizer.typed_scores(batch, packed) is None
        return
    # when the compiled loops score them (twice: the second time the syllables are known)
    # then the margins are the numpy path's, bit for bit
    _assert_typed_same(featurizer, batch, packed)
    _assert_typed_same(featurizer, batch, packed)


def test_typed_scores_wait_to_be_loaded_and_decline_what_they_cannot_score():
    featurizer = _featurizer(char_ngram_range=(1, 3), n_char_features=1 << 10)
    packed = featurizer.pack_weights(_weights(featurizer))
    # not loaded: nothing
    assert featurizer.typed_scores(["hoà"], packed) is None
    # no character n-grams, longer ones, weights not float32: not loaded at all
    assert not _featurizer().load_typed_scores(_featurizer().pack_weights(_weights(_featurizer())))
    longer = _featurizer(char_ngram_range=(2, 4), n_char_features=1 << 10)
    assert not longer.load_typed_scores(longer.pack_weights(_weights(longer)))
    assert not featurizer.load_typed_scores(packed.astype(np.float64))
    assert "_typed" not in featurizer.__dict__
    # loaded: a syllable a text holds 70,000 times is left to numpy (its logarithm is not in the
    # table); the loops refuse separators that do not part the batch into its texts
    assert featurizer.load_typed_scores(packed)
    assert featurizer.typed_scores(["ba " * 70_000], packed) is None
    _assert_typed_same(featurizer, ["hoà bình", "quận ba"], packed)
    type_ids, types = featurizer._type_table().lookup(features.tokenise_batch(["hoà bình", "quận"]))
    args = [type_ids.astype(np.int64), types.vocab, types.first, types.last, types.single, types.empty]
    args += [types.start, types.count, types.feats]
    params = (1, 1, 0, featurizer.n_word_features, 1, 3, featurizer.n_char_features)
    logs = np.log(np.arange(1, 100, dtype=np.float32))
    for n_docs, status in ((2, kernels.DONE), (3, kernels.BAD_SEPARATORS), (1, kernels.BAD_SEPARATORS)):
        assert kernels.score_types(*args, n_docs, params, np.float32(1.0), packed, logs)[1] == status


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_the_sentiment_of_real_feedback_is_the_same_by_the_typed_loops():
    # given a sentiment model trained on 2,000 UIT-VSFC sentences
    from duluan.analysis.sentiment import SentimentClassifier

    with open(shared_data_dir() / "uit_vsfc" / "train.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in itertools.islice(fh, 0, 6000, 2)]
    clf = SentimentClassifier(calibration_fraction=0.0).fit(
        [r["text"] for r in rows[:2000]], [r["sentiment"] for r in rows[:2000]]
    )
    texts = [r["text"] for r in rows[2000:]]
    expected = clf.predict_fields(texts)
    # when the typed loops are loaded, the other 1,000 get the same labels, scores and intensities
    assert clf.load_compiled() and clf.compiled_loaded()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clf.featurizer_, "transform_scores", _refuse)  # the loops score them all
        got = clf.predict_fields(texts)
    assert got == expected
    packed = clf._packed_weights()
    _assert_typed_same(clf.featurizer_, features.tokenise_batch(texts), packed)


def _numpy_explained(featurizer: NgramFeaturizer, texts, weights, intercept, top, words_only, hidden=None):
    """What typed_explain must give: the product, the first largest margin plus intercept, and
    explain_matrix's terms for it."""
    x, batch = featurizer.transform_batch(texts)
    margins = x @ weights
    best = (margins + intercept).argmax(axis=1)
    terms = featurizer.explain_matrix(x, batch, weights, best, top=top, words_only=words_only, hidden=hidden)
    return margins, best, terms


def _assert_explained_same(featurizer, texts, weights, intercept, top, words_only, hidden=None) -> None:
    got = featurizer.typed_explain(texts, weights, intercept, top, words_only=words_only, hidden=hidden)
    assert got is not None
    margins, best, terms = _numpy_explained(featurizer, texts, weights, intercept, top, words_only, hidden)
    _assert_bit_for_bit(got[0], margins)
    np.testing.assert_array_equal(got[1], best)
    assert got[2] == terms


# Texts of the training syllables (and a few unknown ones), whose n-grams repeat and collide.
_KNOWN_TEXTS = st.lists(
    st.sampled_from(
        ["hoà", "bình", "ở", "quận", "ba", "hỏi", "đường", "ngập", "dân", "xa", "lạ", ",", ".\n"]
    ),
    max_size=40,
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.text(alphabet=_ALPHABET, max_size=60) | _KNOWN_TEXTS, min_size=1, max_size=6),
    st.sampled_from([(1, 1), (1, 2), (2, 2), (1, 3), (2, 3)]),
    st.sampled_from([0, 1, 3]),
    st.sampled_from([1 << 12, 1000, 7, 3]),
    st.sampled_from([1, 2, 5]),
    st.booleans(),
    st.booleans(),
    st.integers(0, 3),
    st.sampled_from([None, "quận", "lạ"]),
)
def test_typed_explain_equals_the_numpy_paths(
    texts, ngrams, lead, n_features, top, words_only, split, seed, hidden
):
    # given a featurizer of syllable n-grams (3 or 7 buckets: n-grams of one text share them), weights
    # of a few values (contributions tie often) and a batch of awkward texts, split or not, and
    # maybe a syllable no term may hold (known, or unknown to the vocabulary)
    featurizer = _featurizer(word_ngram_range=ngrams, lead_tokens=lead, n_word_features=n_features)
    rng = np.random.default_rng(seed)
    weights = rng.integers(-2, 3, (featurizer.n_features_, 4)).astype(np.float32)
    intercept = rng.integers(-1, 2, 4).astype(np.float32)
    assert featurizer.load_typed_explain(weights)
    batch = features.tokenise_batch(texts) if split else texts
    # when the compiled loops score and explain them (twice: the second time the syllables are
    # known), then margins, best classes and phrases are the numpy path's
    _assert_explained_same(featurizer, batch, weights, intercept, top, words_only, hidden)
    _assert_explained_same(featurizer, batch, weights, intercept, top, words_only, hidden)


def test_typed_explain_waits_to_be_loaded_and_declines_what_it_cannot_explain():
    featurizer = _featurizer(word_ngram_range=(1, 2), lead_tokens=2)
    weights = _weights(featurizer, classes=4)
    intercept = np.zeros(4, np.float32)
    # not loaded: nothing
    assert featurizer.typed_explain(["hoà bình"], weights, intercept, 3) is None
    # character n-grams, weights not float32 or rows not contiguous: not loaded at all
    chars = _featurizer(char_ngram_range=(1, 3), n_char_features=1 << 10)
    assert not chars.load_typed_explain(_weights(chars))
    assert not featurizer.load_typed_explain(weights.astype(np.float64))
    assert not featurizer.load_typed_explain(np.asfortranarray(weights))
    assert "_explaining" not in featurizer.__dict__
    # a packed table's weights and idf (a loaded model's of at most three classes) are read in place
    packed = featurizer.pack_weights(weights[:, :3])
    packed_featurizer = pickle.loads(pickle.dumps(featurizer))  # noqa: S301 - made here
    packed_featurizer.idf_ = packed[:, -1]
    assert packed_featurizer.load_typed_explain(packed[:, :-1])
    _assert_explained_same(packed_featurizer, ["hoà bình ở quận ba"], packed[:, :-1], intercept[:3], 3, True)
    # loaded: a syllable a text holds 70,000 times is left to numpy (its logarithm is not in the
    # table); the loops refuse separators that do not part the batch into its texts
    assert featurizer.load_typed_explain(weights)
    assert featurizer.typed_explain(["ba " * 70_000], weights, intercept, 3) is None
    _assert_explained_same(featurizer, ["hoà bình", "", "quận ba hoà bình"], weights, intercept, 3, False)
    type_ids, types = featurizer._type_table().lookup(features.tokenise_batch(["hoà bình", "quận"]))
    params = (1, 2, 2, featurizer.n_word_features)
    logs = np.log(np.arange(1, 100, dtype=np.float32))
    for n_docs, status in ((2, kernels.DONE), (3, kernels.BAD_SEPARATORS), (1, kernels.BAD_SEPARATORS)):
        packed = featurizer.packed_rows(weights)
        layout = np.zeros((n_docs, weights.shape[1]), np.float32)
        args = (
            type_ids.astype(np.int64),
            types.vocab,
            n_docs,
            params,
            packed,
            weights.shape[1],
            layout,
            intercept,
        )
        phrasing = (6, -3, 4, -1.9, np.zeros(type_ids.size, np.bool_), np.zeros(0, np.int64))
        assert kernels.explain_types(*args, logs, 3, phrasing)[-1] == status
    # and a pickled featurizer leaves the loaded loops and its packed weights behind
    copy = pickle.loads(pickle.dumps(featurizer))  # noqa: S301 - made here
    assert "_explaining" not in copy.__dict__ and "_packed_rows" not in copy.__dict__


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_real_news_get_the_same_topics_and_terms_by_the_typed_loops():
    # given a topic model with lead features trained on 1,500 VNTC articles
    with gzip.open(shared_data_dir() / "vntc" / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in itertools.islice(fh, 0, 32000, 16)]
    clf = TopicClassifier(calibration_fraction=0.1, lead_tokens=10).fit(
        [r["text"] for r in rows[:1500]], [r["label"] for r in rows[:1500]]
    )
    texts = features.tokenise_batch([r["text"] for r in rows[1500:]])
    fields, predictions = clf.predict_fields(texts), clf.predict(texts)
    # when its loops for explained syllables are loaded, the other 500 articles (as the topic
    # step gives them) get the same labels, scores, terms (with and without their weights) and
    # runner-ups, all from the loops
    assert clf.load_compiled_explain()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clf.featurizer_, "explain_matrix", _refuse)
        assert clf.predict_fields(texts) == fields
        assert clf.predict(texts) == predictions


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.floats(min_value=0.0, max_value=1e6, allow_nan=False)
        | st.sampled_from([1e-16, 1.0, 1e16, 0.1, 0.2, 0.3, 2.0**-1074, 1e300]),
        max_size=60,
    )
)
def test_fsum_is_math_fsum_to_the_last_bit(values):
    # given finite floats, some whose plain sum rounds away from the exact one
    array = np.asarray(values, dtype=np.float64)
    # when the compiled loop sums them
    got = kernels.fsum(array, array.size, np.empty(array.size + 1))
    # then the sum is Python's exact one, bit for bit
    assert got.hex() == math.fsum(values).hex()
