"""Explaining n-grams read as phrases (features._phrases)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.analysis.features import (
    _BITS,
    _STICK,
    EDGE_WORDS,
    PHRASE_SYLLABLES,
    NgramFeaturizer,
    _bucket,
    _mix64,
    _phrases,
    snapped,
)

_TEXT = "hồ sơ cấp sổ đỏ của gia đình tôi chưa được giải quyết sổ".split()


def _read(
    pieces: list[tuple[str, float]], top: int = 5, hidden: str | None = None, tokens=_TEXT, edge_words=None
):
    """The phrases of one text's pieces, each given by its words (found at their first place)."""
    starts, lengths = [], []
    for words, _ in pieces:
        w = words.split()
        starts.append(next(s for s in range(len(tokens)) if tokens[s : s + len(w)] == w))
        lengths.append(len(w))
    got = _phrases(
        tokens,
        np.array(starts, np.int64),
        np.array(lengths, np.int64),
        np.array([0, len(pieces)], np.int64),
        np.array([t for _, t in pieces], np.float64),
        top,
        hidden,
        edge_words=None if edge_words is None else np.array([t in edge_words for t in tokens]),
    )
    s, n, bounds, totals = got
    assert bounds.tolist() == [0, s.size]
    return [
        (" ".join(tokens[a : a + b]), t)
        for a, b, t in zip(s.tolist(), n.tolist(), totals.tolist(), strict=True)
    ]


def test_overlapping_ngrams_read_as_one_phrase_with_their_contributions_added():
    # given the pieces of one phrase and another word
    pieces = [("sổ đỏ", 0.5), ("cấp sổ", 0.25), ("sổ", 0.125), ("đỏ", 0.0625), ("giải quyết", 0.2)]
    # then they read as "cấp sổ đỏ", worth them all, and the other word after it
    assert _read(pieces) == [("cấp sổ đỏ", 0.9375), ("giải quyết", 0.2)]


def test_a_word_named_elsewhere_in_the_text_is_folded_into_the_phrase_that_holds_it():
    # given "sổ" named by its last place in the text (as an n-gram is named by the first place it
    # falls in its bucket), apart from "sổ đỏ"
    tokens = ["nộp", "sổ", "hồng", "hay", "sổ", "đỏ"]
    got = _phrases(
        tokens,
        np.array([4, 1], np.int64),
        np.array([2, 1], np.int64),
        np.array([0, 2], np.int64),
        np.array([0.5, 0.25]),
        5,
    )
    # then it is not a term of its own: "sổ đỏ" is, worth both
    assert got[0].tolist() == [4] and got[1].tolist() == [2] and got[3].tolist() == [0.75]


def test_a_phrase_is_at_most_four_syllables_and_the_stronger_piece_keeps_its_words():
    # given overlapping pieces that would make a phrase of five syllables
    pieces = [("gia đình", 0.1), ("đình tôi", 0.1), ("tôi chưa", 0.3), ("chưa được", 0.1)]
    # then the first three read as one (four syllables), and the last, weaker, is folded into it
    assert PHRASE_SYLLABLES == 4
    assert _read(pieces) == [("gia đình tôi chưa", 0.1 + 0.1 + 0.3 + 0.1)]
    # and a stronger piece that cannot join keeps its words, worth the phrase it replaces
    assert _read([("gia đình", 0.1), ("đình tôi", 0.1), ("tôi chưa", 0.1), ("chưa được", 0.5)]) == [
        ("chưa được", 0.5 + (0.1 + 0.1 + 0.1))
    ]


def test_the_hidden_syllable_is_in_no_phrase_and_joins_nothing():
    tokens = ["đường", "ở", "phường", "diadanh", "ngập", "sâu"]
    got = _read(
        [("phường diadanh", 0.9), ("ở phường", 0.2), ("diadanh ngập", 0.5), ("ngập sâu", 0.4)],
        hidden="diadanh",
        tokens=tokens,
    )
    assert got == [("ngập sâu", 0.4), ("ở phường", 0.2)]


def test_the_best_phrases_are_kept_largest_first_ties_by_place():
    pieces = [("giải quyết", 0.25), ("hồ sơ", 0.25), ("gia đình", 0.5), ("sổ đỏ", 0.125)]
    assert _read(pieces, top=3) == [("gia đình", 0.5), ("hồ sơ", 0.25), ("giải quyết", 0.25)]


def test_a_phrase_neither_begins_nor_ends_with_a_preposition_or_a_conjunction():
    # given the pieces of "bộ nông nghiệp và", of "đưa và", and "và" alone in another text
    tokens = "bộ nông nghiệp và đưa và nhận".split()
    pieces = [("nông nghiệp", 0.5), ("nghiệp và", 0.25), ("bộ nông", 0.125), ("đưa và", 0.1)]
    # then the phrases lose their edge words, not their contributions
    assert _read(pieces, tokens=tokens, edge_words=EDGE_WORDS) == [("bộ nông nghiệp", 0.875), ("đưa", 0.1)]
    # while a text explained by an edge word alone still names it (it is what weighed)
    assert _read([("và", 0.3)], tokens=tokens, edge_words=EDGE_WORDS) == [("và", 0.3)]
    # and without edge words the phrases keep them
    assert _read(pieces, tokens=tokens) == [("bộ nông nghiệp và", 0.875), ("đưa và", 0.1)]


_SYLLABLES = ["a", "b", "c", "d", "x"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=14),
    st.data(),
    st.integers(1, 5),
    st.sampled_from([None, "x"]),
)
def test_phrases_never_overlap_nor_run_within_one_another_and_lose_no_contribution(tokens, data, top, hidden):
    # given up to 10 distinct n-grams of a text (1 to 3 syllables), each worth a power of two,
    # and marks before some of its syllables
    spans = sorted({(s, n) for s in range(len(tokens)) for n in (1, 2, 3) if s + n <= len(tokens)})
    chosen = data.draw(st.lists(st.sampled_from(spans), unique=True, max_size=10))
    totals = [2.0**-k for k in range(len(chosen))]
    breaks = np.array(data.draw(st.lists(st.booleans(), min_size=len(tokens), max_size=len(tokens))))
    edge = data.draw(st.sampled_from([None, "b", "c"]))  # a syllable read as a preposition
    starts, lengths, _bounds, sums = _phrases(
        tokens,
        np.array([s for s, _ in chosen], np.int64),
        np.array([n for _, n in chosen], np.int64),
        np.array([0, len(chosen)], np.int64),
        np.array(totals),
        top,
        hidden,
        breaks=breaks,
        edge_words=None if edge is None else np.array([t == edge for t in tokens]),
    )
    phrases = [tuple(tokens[s : s + n]) for s, n in zip(starts.tolist(), lengths.tolist(), strict=True)]
    # none of two syllables or more begins or ends with the edge word
    assert not any(len(p) > 1 and edge in (p[0], p[-1]) for p in phrases)
    # then at most ``top`` phrases, largest first, none holding the hidden syllable nor a mark
    assert len(phrases) <= top
    assert sums.tolist() == sorted(sums.tolist(), reverse=True)
    assert all(hidden not in p for p in phrases)
    assert not any(
        breaks[s + 1 : s + n].any() for s, n in zip(starts.tolist(), lengths.tolist(), strict=True)
    )
    # none longer than the longest phrase (an n-gram is at most three syllables)
    assert all(len(p) <= PHRASE_SYLLABLES for p in phrases)
    # no two overlap in the text, and none runs within another
    ends = sorted(zip(starts.tolist(), (starts + lengths).tolist(), strict=True))
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends))
    for p in phrases:
        for q in phrases:
            if p is not q:
                assert not any(q[o : o + len(p)] == p for o in range(len(q) - len(p) + 1))
    # and every piece's contribution is in some phrase (but a piece's across a mark, which is
    # none of the text's): all of it when no phrase was cut off
    kept = sum(
        t
        for (s, n), t in zip(chosen, totals, strict=True)
        if hidden not in tokens[s : s + n] and not breaks[s + 1 : s + n].any()
    )
    if len(phrases) < top:
        assert abs(sums.sum() - kept) < 1e-12


def test_a_model_explains_a_certificate_message_by_whole_phrases():
    # given a featurizer of syllable 1-2-grams and weights that favour a message's words
    featurizer = NgramFeaturizer(word_ngram_range=(1, 2), min_count=1, n_word_features=1 << 12).fit(
        [" ".join(_TEXT), "đường ngập nước"]
    )
    weights = np.ones((featurizer.n_features_, 2), np.float32)
    # when the message is explained, then no term runs within another: its n-grams join into phrases
    (terms,) = featurizer.explain(["Hồ sơ cấp sổ đỏ chưa được giải quyết"], weights, np.zeros(1, np.int64))
    words = [t for t, _ in terms]
    assert words and all(f" {a} " not in f" {b} " for a in words for b in words if a is not b), words
    assert all(len(w.split()) <= PHRASE_SYLLABLES for w in words)


def test_an_edge_moves_to_the_syllable_it_sticks_to_more():
    stick, loose, none = _STICK + 1.0, _STICK - 1.0, float("-inf")
    # a single syllable takes in the side it sticks to more, the left on a tie, if either sticks
    assert snapped(5, 6, stick, none, loose, none) == (4, 6)
    assert snapped(5, 6, loose, none, stick, none) == (5, 7)
    assert snapped(5, 6, stick, none, stick, none) == (4, 6)
    assert snapped(5, 6, loose, none, loose, none) == (5, 6)
    # a longer n-gram takes in a neighbour its edge sticks to more than to the syllable within
    assert snapped(5, 7, stick, loose, none, loose) == (4, 7)
    assert snapped(5, 7, stick, stick + 1.0, none, loose) == (5, 7)
    assert snapped(5, 7, stick, loose, stick, loose) == (4, 8)
    # and at the longest phrase, gives up the edge syllable instead
    assert PHRASE_SYLLABLES == 4
    assert snapped(5, 8, stick, loose, stick, loose) == (4, 7)


def test_a_thanks_to_the_police_reads_as_its_words_not_across_them():
    # given a featurizer that learnt "cảm ơn" and "công an" as words (each syllable mostly beside
    # the other), and weights that favour the n-gram across them, "ơn công", alone
    corpus = ["cảm ơn anh", "cảm ơn chị", "xin cảm ơn", "công an xã", "công an tỉnh", "gọi công an"] * 5
    corpus += ["ơn công lao", "phường mới"]
    featurizer = NgramFeaturizer(word_ngram_range=(1, 2), min_count=1, n_word_features=1 << 16).fit(corpus)
    v = featurizer.vocabulary_
    key = np.array([((v["ơn"] + 1) << _BITS) | (v["công"] + 1)], dtype=np.uint64)
    weights = np.zeros((featurizer.n_features_, 1), np.float32)
    weights[int(_bucket(_mix64(key), featurizer.n_word_features)[0]), 0] = 1.0
    # when a thanks to the police is explained, by the numpy path and by the compiled loops
    text = ["Cảm ơn công an phường"]
    (terms,) = featurizer.explain(text, weights, np.zeros(1, np.int64))
    assert featurizer.load_typed_explain(weights)
    typed = featurizer.typed_explain(text, weights, np.zeros(1, np.float32), 5)
    # then the n-gram reads as the two words it cuts, "cảm ơn công an", on both
    assert [t for t, _ in terms] == ["cảm ơn công an"]
    assert typed is not None and typed[2] == [terms]


def test_stickiness_of_syllables_given_as_words_is_the_edges_explanations_read():
    # given the featurizer that learnt "cảm ơn" and "công an" as words
    corpus = ["cảm ơn anh", "cảm ơn chị", "xin cảm ơn", "công an xã", "công an tỉnh", "gọi công an"] * 5
    corpus += ["ơn công lao", "phường mới"]
    featurizer = NgramFeaturizer(word_ngram_range=(1, 2), min_count=1, n_word_features=1 << 16).fit(corpus)
    # when the syllables of a text are asked how they stick, each to the next, given as words
    tokens = "cảm ơn công an phường".split()
    got = featurizer.stickiness(tokens[:-1], tokens[1:])
    # then the words stick (every "ơn" is after "cảm") and the pair across them does not
    assert got[0] == got[2] == 0.0 and got[1] < _STICK
    # and each pair sticks as much as the edges of an explanation read it from the text's ids
    ids = np.array([featurizer.vocabulary_[t] for t in tokens], np.int64)
    starts = np.arange(1, 5, dtype=np.int64)
    left_out = featurizer._edges(ids, starts, np.ones(4, np.int64), None)[0]
    assert got.tolist() == left_out.tolist()
    # and a syllable never seen, or none, sticks to nothing
    assert featurizer.stickiness(["cảm", "", "xyz"], ["xyz", "ơn", "ơn"]).tolist() == [float("-inf")] * 3
    # and a featurizer that reads no syllable pairs says nothing
    unigrams = NgramFeaturizer(word_ngram_range=(1, 1), min_count=1).fit(corpus)
    assert unigrams.stickiness(["cảm"], ["ơn"]) is None


def test_no_phrase_runs_across_a_mark_of_its_text_nor_moves_an_edge_across_one():
    # given a featurizer that learnt "mê lưu" as one word (its syllables always side by side) and
    # "hôn mê" as another, and weights that favour "mê lưu" most, then "mê", then "cấp cứu"
    corpus = ["mê lưu bài", "lưu mê lưu", "hôn mê sâu", "bệnh hôn mê", "cấp cứu ngay"] * 5
    featurizer = NgramFeaturizer(word_ngram_range=(1, 2), min_count=1, n_word_features=1 << 16).fit(corpus)
    v = featurizer.vocabulary_
    weights = np.zeros((featurizer.n_features_, 1), np.float32)
    for words, weight in (("mê lưu", 4.0), ("mê", 2.0), ("cấp cứu", 1.0)):
        ids = [v[w] + 1 for w in words.split()]
        key = ids[0] if len(ids) == 1 else (ids[0] << _BITS) | ids[1]
        weights[int(_bucket(_mix64(np.array([key], np.uint64)), featurizer.n_word_features)[0]), 0] = weight
    # when a text with "mê. Lưu" across a sentence's end is explained, by both paths
    text = ["Cấp cứu trong hôn mê. Lưu bài viết"]
    (terms,) = featurizer.explain(text, weights, np.zeros(1, np.int64))
    assert featurizer.load_typed_explain(weights)
    typed = featurizer.typed_explain(text, weights, np.zeros(1, np.float32), 5)
    # then "mê lưu" is no term, "mê" takes in "hôn" (it would stick to "lưu" more, but a mark
    # stands between them), and "cấp cứu" is the other term, on both paths
    assert sorted(t for t, _ in terms) == ["cấp cứu", "hôn mê"]
    assert typed is not None and typed[2] == [terms]
    # and without the mark, a phrase holds "mê lưu"
    (joined,) = featurizer.explain(["Cấp cứu trong hôn mê lưu bài viết"], weights, np.zeros(1, np.int64))
    assert any("mê lưu" in t for t, _ in joined), joined


def test_the_marks_before_a_batch_s_tokens_are_those_of_each_text_alone():
    from duluan.analysis.features import _lower_nfc, token_breaks, tokenise_batch
    from duluan.analysis.negation import clause_starts

    # given texts with marks, and texts whose runs change in lower case or NFC, or hold an emoji
    texts = [
        "Ca sĩ ngã quỵ, cấp cứu. Lưu bài",
        "ho\u0300a. bi\u0300nh an",
        "İSTANBUL. Hòa",
        "😀 x. y",
        "",
        "...",
        "a\nb",
    ]
    batch = tokenise_batch(texts)
    # when the batch's breaks are read at once, then they are each text's clause starts, as its
    # tokens were split (lower case, NFC)
    expected = np.zeros(len(batch.tokens), bool)
    for start, text, count in zip(batch.starts().tolist(), texts, batch.lengths.tolist(), strict=True):
        for i in clause_starts(_lower_nfc(text), count) or ():
            expected[start + i] = True
    assert expected.sum() == 6
    assert token_breaks(batch).tolist() == expected.tolist()
