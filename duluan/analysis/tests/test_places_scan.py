"""The gazetteer's batch scan: texts marked at every character that is not alphanumeric, and the
automaton over the marked names, equal the plain whole-word search they stand for."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis.places import Gazetteer
from duluan.analysis.places import gazetteer as gazetteer_module
from duluan.analysis.places.context import TYPED_WORD_RE, typed_words
from duluan.analysis.places.gazetteer import _MARK, _mark_boundaries, _marked


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default(home_province="24")


# Folded names glued, spaced and punctuated every way, type words, and any other characters.
NAME_PIECES = [
    "ha noi", "bac giang", "tp.hcm", "tp hcm", "tp,hcm", "ba ria - vung tau", "ba ria – vung tau",
    "ba ria-vung tau", "thua thien-hue", "p.1", "q. 1", "chu", "xa", "tp.", "h.", "p.", "thi tran", "ho",
    "an ha", "lang giang", " ", "  ", "\n", ".", ",", "-", "_", "(", "a", "1", "ă", "𝐀", "😀", "\x01",
]  # fmt: skip
FOLDED_TEXT = st.lists(st.sampled_from(NAME_PIECES) | st.text(max_size=3), max_size=14).map("".join)


@given(st.text())
@settings(max_examples=300)
@example("Hà Nội, 😀 𝐀𝐁 \ud800 _x\x01\x00 ٣ ½")
def test_marking_a_batch_equals_marking_each_character(text):
    # given any text (astral letters, emoji and lone surrogates included)
    # when marked through the numpy table
    # then each character that is not alphanumeric reads as the mark, and the others are kept
    assert _mark_boundaries(text) == _marked(text)
    assert _marked(text) == "".join(c if c.isalnum() else _MARK for c in text)


@given(st.lists(FOLDED_TEXT, max_size=6), st.sampled_from([1, 7, 1 << 20]))
@settings(max_examples=200)
def test_the_scan_of_a_batch_is_each_text_marked_between_two_marks(gazetteer, texts, chunk):
    # given folded texts, scanned in chunks of any size
    original = gazetteer_module._SCAN_CHUNK
    gazetteer_module._SCAN_CHUNK = chunk
    try:
        # when scanned together
        scans = gazetteer._scan(texts)
    finally:
        gazetteer_module._SCAN_CHUNK = original
    # then each text reads as itself marked, with a mark on either side
    assert scans == [_MARK + _marked(text) + _MARK for text in texts]


def _whole_word_names(gazetteer: Gazetteer, folded: str) -> set[tuple[int, int, str]]:
    """The plain definition: every indexed name (one-syllable communes aside) standing in ``folded``
    with no alphanumeric character on either side."""
    found = set()
    for key in gazetteer._names:
        if key in gazetteer._single:
            continue
        start = folded.find(key)
        while start >= 0:
            end = start + len(key)
            if (not start or not folded[start - 1].isalnum()) and (
                end == len(folded) or not folded[end].isalnum()
            ):
                found.add((start, end, key))
            start = folded.find(key, start + 1)
    return found


@given(FOLDED_TEXT)
@settings(max_examples=150, deadline=None)
@example("tp.hcm,tp hcm tp,hcm ba ria - vung tau ba ria – vung tau xa ha noi ha noi1 p.1 q. 1 thi tran ho")
def test_the_automaton_over_marked_text_finds_exactly_the_whole_word_names(gazetteer, folded):
    # given folded text and its marked form
    marked = gazetteer._scan([folded])[0]
    # when the automaton reads it, each hit decoded as _hits decodes it
    names, starts = set(), []
    for end_index, value in gazetteer._automaton.iter(marked):
        for one in value if value.__class__ is list else [value]:
            if one.__class__ is int:
                starts.append(end_index - one)
            elif folded[end_index - 1 - one[1] : end_index - 1] == one[0]:
                names.add((end_index - 1 - one[1], end_index - 1, one[0]))
    # then the names are exactly those standing as whole words
    assert names == _whole_word_names(gazetteer, folded)
    # and the type-word starts kept (none after a word character or a dot) give the full scan's matches
    kept = [s for s in starts if not s or folded[s - 1] not in "_."]
    assert [(m.span(), m.span(1)) for m in typed_words(folded, kept)] == [
        (m.span(), m.span(1)) for m in TYPED_WORD_RE.finditer(folded)
    ]


def test_a_real_sentence_is_found_the_same_in_a_batch_split_into_chunks(gazetteer, monkeypatch):
    # given sentences naming units, scanned one chunk per text
    texts = [
        "Ngập ở TP.HCM và tp,hcm",
        "Xã Tân Dĩnh, huyện Lạng Giang, tỉnh Bắc Giang",
        "",
        "Bà Rịa – Vũng Tàu",
    ]
    expected = [gazetteer.find(text) for text in texts]
    monkeypatch.setattr(gazetteer_module, "_SCAN_CHUNK", 1)
    # when found as a batch
    found = gazetteer.find_many(texts)
    # then each text has the mentions it has alone
    assert found == expected and found[0] and found[1] and found[3]
    assert [m.surface for m in found[0]] == ["TP.HCM"]
    assert gazetteer_module._fold(texts[3]) in gazetteer._names
