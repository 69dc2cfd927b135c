"""The classifiers' fast paths give exactly what their plain definitions give."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis import features
from duluan.analysis.features import NgramFeaturizer, tokenise_batch

_VALUES = [0.5, 0.25, 1e-30, 3.0, 7.5e6, 0.1, 2.0**-149, 1.0]
row_values = st.lists(st.tuples(st.integers(0, 9), st.sampled_from(_VALUES)), max_size=200)


def _lexsort_best(rows: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Positions of each row's ``k`` largest values by their definition: the stable two-key sort."""
    order = np.lexsort((-values, rows))
    ranked_rows = rows[order]
    rank = np.arange(order.size) - np.searchsorted(ranked_rows, ranked_rows)
    return order[rank < k]


@given(row_values, st.integers(1, 12))
def test_best_within_rows_equals_the_stable_two_key_sort(pairs, k):
    # given positive float32 values by non-decreasing row, with many ties
    pairs = sorted(pairs, key=lambda p: p[0])
    rows = np.array([r for r, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=np.float32)
    # when each row's best k are chosen (packed keys; float64 values take the plain sort)
    got = features._best_within_rows(rows, values, 10, k)
    plain = features._best_within_rows(rows, values.astype(np.float64), 10, k)
    # then they are the first k of each row in numpy's stable lexsort order
    expected = _lexsort_best(rows, values, k)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(plain, expected)


@given(
    st.lists(st.tuples(st.integers(0, 9), st.sampled_from([*_VALUES, 0.0, 1.0 + 2.0**-52])), max_size=120),
    st.integers(1, 6),
)
def test_top_within_short_rows_equals_the_stable_two_key_sort(pairs, k):
    # given float64 values by non-decreasing row, rows of any length (long ones take the sort)
    pairs = sorted(pairs, key=lambda p: p[0])
    rows = np.array([r for r, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=np.float64)
    # when each row's best k are chosen
    got, bounds = features._top_within_short_rows(rows, values, 10, k)
    # then they are the first k of each row in lexsort order, and the bounds cut them by row
    expected = _lexsort_best(rows, values, k)
    np.testing.assert_array_equal(got, expected)
    assert bounds[0] == 0
    assert bounds[-1] == got.size
    for r in range(10):
        np.testing.assert_array_equal(rows[got[bounds[r] : bounds[r + 1]]], r)


def _explain_by_definition(featurizer, x, batch, weights, columns, top):
    """:meth:`NgramFeaturizer.explain_matrix` row by row, in Python: each row's best
    ``features._PIECES * top`` n-grams, read as phrases by ``features._phrases`` (none across
    a mark of its text)."""
    pieces = features._PIECES * top
    word_key = batch.word_doc * featurizer.n_features_ + batch.word_feat
    firsts, sizes, totals, bounds = [], [], [], [0]
    for r in range(x.shape[0]):
        lo, hi = x.indptr[r], x.indptr[r + 1]
        cands = []
        for j in range(lo, hi):
            feat = int(x.indices[j])
            c = x.data[j] * weights[feat, columns[r]]
            if c > 0 and (not featurizer.char_ngram_range or feat < featurizer.n_word_features):
                cands.append((-c, j - lo, feat, c))
        cands.sort()
        named = []
        for _, _, feat, c in cands[: 2 * pieces]:
            hits = np.flatnonzero(word_key == r * featurizer.n_features_ + feat)
            if hits.size:
                occ = int(hits[0])
                plain = feat if batch.word_plain is None else int(batch.word_plain[occ])
                named.append((plain, occ, c))
        row_totals: dict[int, float] = {}
        name: dict[int, int] = {}
        for plain, occ, c in named:  # summed in float64 in candidate order, named by the last
            row_totals[plain] = row_totals.get(plain, 0.0) + float(c)
            name[plain] = occ
        for plain in sorted(row_totals, key=lambda p: (-row_totals[p], p))[:pieces]:
            firsts.append(int(batch.word_start[name[plain]]))
            sizes.append(int(batch.word_n[name[plain]]))
            totals.append(row_totals[plain])
        bounds.append(len(firsts))
    firsts, sizes = np.array(firsts, np.int64), np.array(sizes, np.int64)
    edges = featurizer._edges(batch.token_ids, firsts, sizes, None, batch.token_breaks)
    starts, lengths, cut, sums = features._phrases(
        batch.tokens, firsts, sizes, np.array(bounds), np.array(totals), top, None, edges, batch.token_breaks
    )
    starts, lengths, cut, sums = starts.tolist(), lengths.tolist(), cut.tolist(), sums.tolist()
    return [
        tuple(
            (" ".join(batch.tokens[s : s + n]), round(t, 4))
            for s, n, t in zip(starts[a:b], lengths[a:b], sums[a:b], strict=True)
        )
        for a, b in itertools.pairwise(cut)
    ]


_WORDS = ["ngập", "sâu", "bệnh", "viện", "đường", "hoà", "hòa", "bình", "dân", "xã", "a", "ô", "tắc"]
texts_of_words = st.lists(
    st.lists(st.sampled_from([*_WORDS, "ngập sâu", "!", ",", "_x"]), max_size=25).map(" ".join),
    min_size=1,
    max_size=8,
)


@settings(max_examples=120, deadline=None)
@given(
    texts_of_words,
    st.sampled_from([None, (1, 3)]),
    st.sampled_from([0, 3]),
    st.integers(1, 4),
    st.integers(0, 2**32 - 1),
)
def test_explanations_equal_their_row_by_row_definition(texts, char_range, lead, top, seed):
    # given a featurizer (with or without character n-grams and lead features) and weights with
    # ties and signs
    featurizer = NgramFeaturizer(
        word_ngram_range=(1, 2),
        char_ngram_range=char_range,
        n_word_features=1 << 6,  # small: buckets collide, lead and body buckets too
        n_char_features=1 << 5,
        min_count=1,
        lead_tokens=lead,
    ).fit([" ".join(_WORDS), "ngập sâu đường hoà bình"])
    rng = np.random.default_rng(seed)
    weights = rng.choice(np.array([-1.0, 0.0, 0.5, 1.0, 2.0], dtype=np.float32), (featurizer.n_features_, 3))
    columns = rng.integers(0, 3, len(texts))
    x, batch = featurizer.transform_batch(tokenise_batch(texts))
    # when the batch is explained at once
    got = featurizer.explain_matrix(x, batch, weights, columns, top)
    # then each row's terms are those of the definition, to the last digit
    assert got == _explain_by_definition(featurizer, x, batch, weights, columns, top)
    # and asked for the words alone, each row gets a list of the same words in the same order
    words = featurizer.explain_matrix(x, batch, weights, columns, top, words_only=True)
    assert words == [[term for term, _ in row] for row in got]
    assert all(type(row) is list for row in words)


def _lexicon():
    from duluan.analysis.sentiment import ComplaintLexicon

    # Phrases that overlap in chains ("a b", "b c", "c d"), intensifiers that follow each other,
    # negators of one and two words, and words of two kinds at once.
    return ComplaintLexicon(
        negative={"tệ": 0.7, "bức xúc": 0.9, "a b": 0.3, "c d": 0.45, "b c d": 0.2, "x": 0.1},
        positive={"tốt": 0.8, "hài lòng": 0.6, "b c": 0.5, "d": 0.25},
        negators=frozenset({"không", "chưa hề", "a"}),
        intensifiers={"rất": 1.5, "quá": 1.3, "lắm": 1.4, "x y": 1.7},
    )


_INTENSITY_PIECES = [
    "tệ", "bức xúc", "a", "b", "c", "d", "x", "y", "tốt", "hài lòng", "không", "chưa hề", "rất",
    "quá", "lắm", "x y", "hài", "chưa", ",", "_", "Tệ", "!", "!!", "tệ!", "!rất",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_INTENSITY_PIECES), max_size=16).map(" ".join), min_size=1, max_size=6),
    st.sampled_from([8, 1]),
)
def test_intensities_at_once_equal_scoring_each_text(texts, rounds):
    # given a lexicon whose phrases overlap and chain, and a batch of texts (with a round limit
    # that sends chained batches to the loop)
    from duluan.analysis import sentiment

    lex = _lexicon()
    old = sentiment._MAX_ROUNDS
    sentiment._MAX_ROUNDS = rounds
    try:
        # when the intensities are found for the whole batch at once
        got = lex.intensities(tokenise_batch(texts))
    finally:
        sentiment._MAX_ROUNDS = old
    # then each is, to the last bit, the intensity of scoring its text alone
    assert [repr(v) for v in got] == [repr(lex.score(t)[0]) for t in texts]


def test_intensities_at_once_leave_long_chains_to_the_loop():
    # given matches whose overlaps chain further than the rounds allow
    from duluan.analysis import sentiment

    out = [0.0]
    starts = np.arange(12, dtype=np.int64)
    args = (
        np.zeros(12, np.int64),
        starts,
        np.zeros(12, np.int64),
        np.full(12, 0.3),
        np.full(12, 2, np.int64),
    )
    # when they are read at once, then nothing is written and the caller is told
    assert sentiment._intensities_at_once(out, *args) is False
    assert out == [0.0]
    # and the loop, given them, reads every other one
    sentiment._intensities_of_matches(out, *(a.tolist() for a in args))
    assert out == [round(1 - np.exp(-6 * 0.3), 4)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_INTENSITY_PIECES), max_size=16).map(" ".join), min_size=1, max_size=6)
)
@example(["a b c d b c d", "x y b c", "c d d b c", "b"])  # phrases of three words, two, one
def test_phrases_found_in_a_batch_are_the_longest_at_each_token(texts):
    # given a lexicon whose phrases share beginnings, and a batch of texts
    from duluan.analysis.sentiment import ComplaintLexicon

    lex = _lexicon()
    table, reach = lex._table()
    index = lex._phrase_index()
    batch = tokenise_batch(texts)
    # when its phrases are found at once
    phrase, found = index.match(batch)
    # then at every token the phrase is the longest one starting there, as scoring finds it
    tokens = [t if t != "\x00" else "" for t in batch.tokens]
    for i, tok in enumerate(tokens):
        text, kind, _ = ComplaintLexicon._longest(tokens, i, table, reach) if tok in reach else (tok, None, 0)
        if kind is None:
            assert phrase[i] == -1
        else:
            assert phrase[i] >= 0
            assert index.size[phrase[i]] == text.count(" ") + 1
            assert index.kind[phrase[i]] == ["negative", "positive", "intensifier", "negator"].index(kind)
    np.testing.assert_array_equal(found, np.flatnonzero(phrase >= 0))
    # and an index too large for tables of two words (searched at every length) finds the same
    from duluan.analysis import sentiment

    assert index.pair_row is not None
    old = sentiment._MAX_PAIR_CELLS
    sentiment._MAX_PAIR_CELLS = 0
    try:
        searched = sentiment._PhraseIndex.build(table)
    finally:
        sentiment._MAX_PAIR_CELLS = old
    assert searched.pair_row is None
    again, found_again = searched.match(batch)
    np.testing.assert_array_equal(again, phrase)
    np.testing.assert_array_equal(found_again, found)


@settings(max_examples=100, deadline=None)
@given(texts_of_words, st.sampled_from([None, (1, 3)]), st.sampled_from([0, 3]))
def test_counting_without_naming_gives_the_same_matrix(texts, char_range, lead):
    # given a featurizer and a batch
    featurizer = NgramFeaturizer(
        word_ngram_range=(1, 3), char_ngram_range=char_range, min_count=1, lead_tokens=lead
    ).fit([" ".join(_WORDS)])
    tb = tokenise_batch(texts)
    # when it is featurised with and without what explanations need
    named, _ = featurizer.transform_batch(tb)
    plain, batch = featurizer.transform_batch(tb, naming=False)
    # then the matrices are the same to the last bit, and only the keys were kept
    np.testing.assert_array_equal(named.indptr, plain.indptr)
    np.testing.assert_array_equal(named.indices, plain.indices)
    assert named.data.tobytes() == plain.data.tobytes()
    assert batch.word_keys is not None and batch.word_plain is None


@given(
    st.lists(
        st.one_of(st.none(), st.text(alphabet="aĐđ_ \x00İΣσ!.1e\u0301ế\n", max_size=20)),
        min_size=1,
        max_size=5,
    )
)
def test_a_batch_is_split_as_each_text_by_its_definition(texts):
    # given texts with the separator, decomposed letters, "_", capitals that lower-case oddly
    import re
    import unicodedata

    # when they are split as a batch
    batch = tokenise_batch(texts)
    # then each text's tokens are those of the plain expression, the separator between texts
    expected = []
    for i, text in enumerate(texts):
        clean = ("" if text is None else text).replace("\x00", " ")
        words = re.findall(r"\w+", unicodedata.normalize("NFC", clean).lower())
        expected += (["\x00"] if i else []) + words
        assert batch.lengths[i] == len(words)
    assert batch.tokens == expected


_TOY_MODELS: dict = {}


def _toy_models():
    """A small topic and sentiment model, trained once for the tests below."""
    if not _TOY_MODELS:
        from duluan.analysis.sentiment import SentimentClassifier
        from duluan.analysis.topic import TopicClassifier

        rng = np.random.default_rng(7)
        texts = [" ".join(rng.choice(_WORDS, 8)) for _ in range(90)]
        topics = ["flood" if "ngập" in t else "health" if "bệnh" in t else "other" for t in texts]
        moods = [
            "negative" if "tắc" in t or "ngập" in t else "positive" if "bình" in t else "neutral"
            for t in texts
        ]
        _TOY_MODELS["topic"] = TopicClassifier(min_count=1, lead_tokens=3).fit(texts, topics)
        _TOY_MODELS["sentiment"] = SentimentClassifier(lexicon=_lexicon(), min_count=1).fit(texts, moods)
    return _TOY_MODELS["topic"], _TOY_MODELS["sentiment"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*_WORDS, *_INTENSITY_PIECES, "", "NGẬP", "<url>"]), max_size=20).map(
            " ".join
        ),
        min_size=1,
        max_size=8,
    )
)
def test_pipeline_steps_store_what_the_predictions_give(texts):
    # given a trained topic and sentiment model and documents normalised by the pipeline
    from duluan.analysis.pipeline import Document, NormaliseStep, SentimentStep, TopicStep

    topic, sentiment = _toy_models()
    batch = NormaliseStep()([Document(str(i), t) for i, t in enumerate(texts)])
    # when the steps store the models' columns (their fast path)
    TopicStep(topic)(batch)
    SentimentStep(sentiment)(batch)
    # then each document holds exactly what the prediction objects say, types included
    plain = [d.normalised or d.full_text for d in batch]
    for doc, t, s in zip(
        batch, topic.predict(plain), sentiment.predict(plain, intensity_terms=False), strict=True
    ):
        terms = [w for w, _ in t.terms]
        assert doc.topic == {"label": t.label, "score": t.score, "terms": terms, "runner_up": t.runner_up}
        assert doc.sentiment == {"label": s.label, "score": s.score, "intensity": s.intensity}
        assert type(doc.topic["score"]) is float and type(doc.sentiment["intensity"]) is float


def test_a_topic_predictions_runner_up_is_its_second_most_probable_label():
    # given the toy topic model (three labels) and texts of each kind
    topic, _ = _toy_models()
    texts = ["đường ngập sâu", "bệnh viện quá tải", "giá lúa tăng", "ngập và bệnh", ""]
    # when predicted
    predictions = topic.predict(texts)
    # then each runner-up is the label of the second highest probability (of margin: the
    # softmax keeps their order), never the label itself
    margins = topic.decision_function(texts)
    for p, row in zip(predictions, margins, strict=True):
        first, second, third = np.sort(row)[::-1]
        assert first > second + 1e-3 and second > third + 1e-3  # no ties to break
        assert p.runner_up == topic.classes_[np.argsort(row)[-2]] != p.label


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from([*_WORDS, "\x00", "2026", "x"]), max_size=12), max_size=5))
def test_syllables_are_numbered_in_order_of_first_sight(batches):
    # given a fresh syllable table and batches of tokens, most seen before, some new
    table = features._SyllableTable()
    seen: dict[str, int] = {}
    for tokens in batches:
        # when a batch is numbered
        ids, strings, _ = table.number(tokens)
        # then each token has the number of its first sight (new ones numbered in their order),
        # and the table's strings give the tokens back
        for token in tokens:
            seen.setdefault(token, len(seen))
        assert ids.tolist() == [seen[t] for t in tokens]
        assert [strings[i] for i in ids.tolist()] == tokens
    assert table._index.get("never seen", -1) == -1 and table._index["never seen"] == -1


@settings(max_examples=100, deadline=None)
@given(
    texts_of_words,
    st.sampled_from([None, (1, 3)]),
    st.sampled_from([0, 3]),
    st.integers(1, 4),
    st.integers(0, 2**32 - 1),
)
def test_scores_from_packed_weights_equal_the_sparse_product_to_the_last_bit(
    texts, char_range, lead, n_columns, seed
):
    # given a featurizer and float32 weights of every sign and size, packed with its idf
    featurizer = NgramFeaturizer(
        word_ngram_range=(1, 3),
        char_ngram_range=char_range,
        n_word_features=1 << 6,
        n_char_features=1 << 5,
        min_count=1,
        lead_tokens=lead,
    ).fit([" ".join(_WORDS), "ngập sâu đường hoà bình"])
    rng = np.random.default_rng(seed)
    weights = (rng.standard_normal((featurizer.n_features_, n_columns)) * 10.0 ** rng.integers(-8, 8)).astype(
        np.float32
    )
    tb = tokenise_batch(texts)
    # when a batch is weighed and multiplied through the packed table
    x, batch, product = featurizer.transform_scores(tb, featurizer.pack_weights(weights))
    # then matrix, occurrences and product are those of the plain path, bit for bit
    plain, plain_batch = featurizer.transform_batch(tb)
    np.testing.assert_array_equal(x.indptr, plain.indptr)
    np.testing.assert_array_equal(x.indices, plain.indices)
    assert x.data.tobytes() == plain.data.tobytes()
    np.testing.assert_array_equal(batch.word_doc, plain_batch.word_doc)
    expected = plain @ weights
    assert product.shape == expected.shape and product.dtype == np.float32
    assert product.tobytes() == np.ascontiguousarray(expected).tobytes()


def test_a_sentiment_model_predicts_through_its_packed_weights_and_saves_without_them(tmp_path):
    # given the toy sentiment model (three classes), fitted here
    import pickle

    from scipy.special import softmax

    from duluan.analysis.sentiment import SentimentClassifier

    _, sentiment = _toy_models()
    texts = ["ngập sâu đường tắc", "bệnh viện hoà bình", "dân xã a ô"]
    # when it predicts
    labels, scores = sentiment.predict_labels(texts)
    # then it used the packed table, and its probabilities are those of the plain sparse product
    assert "_packed" in sentiment.__dict__
    x = sentiment.featurizer_.transform(texts)
    margins = x @ np.ascontiguousarray(sentiment.coef_) + sentiment.intercept_
    proba = softmax(margins.astype(np.float64) * sentiment.temperature_, axis=1)
    assert labels.tolist() == sentiment.classes_[proba.argmax(axis=1)].tolist()
    assert scores.tolist() == proba.max(axis=1).tolist()
    assert sentiment.predict_proba(texts).tolist() == proba.tolist()
    # and once saved and loaded, its weights and idf are read from its packed table (one copy),
    # it predicts the same, and it pickles as the model it was
    loaded = SentimentClassifier.load(sentiment.save(tmp_path / "s.model"))
    packed = loaded.__dict__["_packed"][1]
    assert np.shares_memory(loaded.coef_, packed) and np.shares_memory(loaded.featurizer_.idf_, packed)
    again_labels, again_scores = loaded.predict_labels(texts)
    assert again_labels.tolist() == labels.tolist() and again_scores.tolist() == scores.tolist()
    assert loaded.predict_proba(texts).tolist() == proba.tolist()
    state, fresh = loaded.__getstate__(), sentiment.__getstate__()
    assert "_packed" not in state and state["coef_"].flags.c_contiguous
    assert state["coef_"].tobytes() == fresh["coef_"].tobytes()
    idf = state["featurizer_"].__getstate__()["idf_"]
    assert idf.flags.c_contiguous and idf.tobytes() == fresh["featurizer_"].idf_.tobytes()
    assert pickle.dumps(state["coef_"]) == pickle.dumps(fresh["coef_"])
