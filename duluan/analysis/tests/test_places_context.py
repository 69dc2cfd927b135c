"""The patterns around place names, and the shortcuts the gazetteer takes with them."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis.normalise import fold
from duluan.analysis.places.context import (
    TYPE_BEFORE_RE,
    TYPE_WORDS,
    TYPED_WORD_RE,
    TYPED_WORD_STARTS,
    typed_words,
)
from duluan.analysis.places.gazetteer import _TYPE_ENDINGS

# Folded text dense in type words, glued forms, odd spacing and punctuation.
FOLDED_TEXT = st.lists(
    st.sampled_from(
        [*TYPED_WORD_STARTS, "ho", "ba", "i", "thi", "tran", " ", "  ", "\n", ".", ",", "1", "_", "a"]
    )
    | st.text(max_size=3),
    max_size=25,
).map("".join)


def all_starts(folded: str) -> list[int]:
    return [i for i in range(len(folded)) for w in TYPED_WORD_STARTS if folded.startswith(w, i)]


@given(FOLDED_TEXT)
@settings(max_examples=500)
@example("xa thi tran ho, tp.ho xaho tinh  ba tt.i q.1 h.v")
def test_typed_words_tried_at_the_type_word_starts_equal_finditer(folded):
    # given folded text and every offset where a type word begins
    # when the typed-name pattern is tried only there
    found = typed_words(folded, all_starts(folded))
    # then the matches are those of a full scan, consumed left to right the same way
    assert [(m.span(), m.span(1)) for m in found] == [
        (m.span(), m.span(1)) for m in TYPED_WORD_RE.finditer(folded)
    ]


@given(FOLDED_TEXT)
@settings(max_examples=300)
def test_every_typed_name_match_starts_with_a_listed_type_word(folded):
    # given any folded text
    # when scanned in full
    # then each match begins with one of the words the gazetteer's automaton looks for
    for match in TYPED_WORD_RE.finditer(folded):
        assert any(folded.startswith(w, match.start()) for w in TYPED_WORD_STARTS)


def test_real_sentence_typed_names():
    # given a sentence naming one-syllable communes after their type words
    folded = fold("Thị trấn Hồ, xã Ba và TP. Vinh; tỉnh Bắc Ninh")
    # when scanned from the type words only
    groups = [m.group(1) for m in typed_words(folded, all_starts(folded))]
    # then each typed name is found
    assert groups == ["ho", "ba", "vinh", "bac"]


# Windows before a name, as the gazetteer slices them (12 folded characters).
WINDOW = st.lists(
    st.sampled_from([*TYPE_WORDS, "ho", "thi", "a", " ", "  ", "\n", ".", ",", "1", "_"])
    | st.text(max_size=2),
    max_size=6,
).map(lambda parts: "".join(parts)[-12:])


@given(WINDOW)
@settings(max_examples=500)
@example("xa thi tran ")
@example("tp.")
@example("tp. \n")
def test_type_word_before_a_name_ends_the_window_spaces_aside(window):
    # given the window before a name
    # when the type-word pattern finds a type word in it
    match = TYPE_BEFORE_RE.search(window)
    # then the window, spaces aside, ends with a listed type word (the gazetteer searches only then)
    if match is not None:
        assert window.rstrip().endswith(_TYPE_ENDINGS)
        assert match.group(1) in TYPE_WORDS
