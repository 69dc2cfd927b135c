"""The gazetteer's speed paths equal the plain work they replace: the batch normalised, folded and
marked in one table look-up, and the hits of one name resolved as lone hits."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis.normalise import fold_many
from duluan.analysis.places import Gazetteer
from duluan.analysis.places import gazetteer as gazetteer_module
from duluan.analysis.places.context import locative_before, nfc_with_offsets, not_a_unit_before
from duluan.analysis.places.gazetteer import (
    _MARK,
    _SEPARATORS,
    _SLOW,
    _fold,
    _fold_tables,
    _marked,
    _prepare,
    _prepare_chunk,
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default(home_province="24")


# Vietnamese in both cases and decomposed, the characters the tables leave to the slow way ("Σ",
# surrogates, beyond the BMP, U+FFFF, combining marks, Hangul jamo, a Tamil vowel sign that composes,
# the Ångström sign that NFC replaces, zero-width ones, one between a letter and its mark), one
# that lower-cases to two ("İ"), and any other text.
ODD_PIECES = [
    "Hà Nội", "ĐỒNG NAI", "tp.HCM", "Thừa Thiên-Huế", "Ha\u0300 Nô\u0323i", "e\u0301", "\u0301", "\u0323a",
    "ΣΑΣ", "Σ", "İ", "\ud800", "\udfff", "😀", "𝐀", "\uffff", "\x01", "\n", " ", "ǅ", "ß", "ﬁ",
    "\u1100\u1161", "가\u11a8", "\u0b92\u0bd7", "\u212b", "\u0344", "Thừa Thiên – Huế", "\u2014",
    "  ", "\xa0", " \t", "Đống  Đa", "\u200b", "Th\u200bế", "\ufeff", "e\u00ad\u0301",
]  # fmt: skip
ODD_TEXT = st.lists(st.sampled_from(ODD_PIECES) | st.text(max_size=4), max_size=8).map("".join)
TEXTS = st.lists(ODD_TEXT, max_size=6)


@given(TEXTS)
@settings(max_examples=400)
@example(
    [
        "Hà Nội ΣΑΣ",
        "",
        "İstanbul, Bắc Giang",
        "a\ud800b😀",
        "\uffff",
        "Ha\u0300 Nô\u0323i 😀",
        "Ha\u0300  Nội",
    ]
)
def test_preparing_a_batch_at_once_equals_normalising_folding_and_scanning_each_text(gazetteer, texts):
    # given any texts
    # when normalised, folded and marked together
    prepared, folded, scans = _prepare(texts)
    # then each is its NFC form (with offsets where it was not NFC), its fold and its scan
    assert prepared == [nfc_with_offsets(text) for text in texts]
    nfcs = [nfc for nfc, _ in prepared]
    # (the gazetteer's fold: fold, with every dash read as "-")
    assert folded == [_fold(nfc) for nfc in nfcs] == [f.translate(_SEPARATORS) for f in fold_many(nfcs)]
    assert scans == gazetteer._scan(folded) == [_MARK + _marked(f) + _MARK for f in folded]


@given(TEXTS, st.sampled_from([1, 7, 1 << 20]))
@settings(max_examples=100)
def test_a_batch_prepared_in_chunks_equals_one_prepared_whole(texts, chunk):
    # given any texts, prepared in chunks of any size
    original = gazetteer_module._SCAN_CHUNK
    gazetteer_module._SCAN_CHUNK = chunk
    try:
        chunked = _prepare(texts)
    finally:
        gazetteer_module._SCAN_CHUNK = original
    # then each text is prepared as in one pass over the whole batch
    assert chunked == _prepare_chunk(texts)


def _second_characters() -> set[int]:
    """The characters that a canonical decomposition has after its first, in all of Unicode."""
    seconds = set()
    for code in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<"):
            seconds.update(int(part, 16) for part in decomposition.split()[1:])
    return seconds


def test_the_tables_fold_every_bmp_character_as_fold_does_alone_and_keep_only_nfc_ones():
    # given the tables, and each BMP character folded alone
    folds, marks = _fold_tables()
    seconds = _second_characters()
    fast = []
    for code in range(0x10000):
        if folds[code] == _SLOW:
            continue
        char = chr(code)
        # then each entry is that fold (the gazetteer's: dashes read as "-"), and the mark of its fold
        folded = _fold(char)
        assert chr(folds[code]) == folded
        assert chr(marks[code]) == _marked(folded)
        # and the character stands unchanged in NFC text and combines with none before it
        assert code != 0x3A3 and not 0xD800 <= code < 0xE000 and not 0x1100 <= code < 0x1200
        assert unicodedata.combining(char) == 0 and unicodedata.normalize("NFC", char) == char
        assert code not in seconds
        fast.append(char)
    # (Vietnamese and its punctuation are all in the fast way)
    assert {*"ĐđƠơƯưẠạỹ“”–…"} <= set(fast)
    assert len(fast) > 50_000


@given(st.lists(st.integers(min_value=0, max_value=0xFFFE), max_size=30))
@settings(max_examples=300)
def test_a_text_of_characters_the_tables_keep_is_nfc(codes):
    # given a text of any characters the tables fold and mark (none at the slow slot)
    folds, _ = _fold_tables()
    text = "".join(chr(code) for code in codes if folds[code] != _SLOW)
    # then it is NFC, as _prepare takes it to be
    assert unicodedata.is_normalized("NFC", text) and unicodedata.normalize("NFC", text) == text


# Texts naming units bare, typed, old, accent-free; joined with themselves they name one unit again.
NAMING_TEXTS = [
    "Mưa lớn ở Bắc Giang.", "tỉnh Bắc Giang (cũ) có mưa", "ở Tân Dĩnh, mưa", "huyện Lạng Giang có mưa",
    "TP.HCM ngập", "Ngập ở tp hcm", "Quận 1 ngập", "Yên Bái mưa", "bac giang mua lon", "Hà Nội",
    "phường Bắc Giang", "thị xã Kỳ Anh", "Tân Thành", "xã Tân Dĩnh, huyện Lạng Giang",
]  # fmt: skip


@given(
    st.lists(st.sampled_from(NAMING_TEXTS), min_size=1, max_size=2),
    st.integers(min_value=2, max_value=4),
    st.sampled_from([None, "pre2025", "2025"]),
    st.sampled_from(["context", "never", "always"]),
)
@settings(max_examples=200, deadline=None)
def test_hits_of_one_name_resolve_as_the_plain_resolution(gazetteer, pieces, times, era, bare_communes):
    # given a text naming the same units several times (one name, or a few), nothing memoised
    gazetteer._lone_cache.clear()
    gazetteer.bare_communes = bare_communes
    try:
        text = ", ".join(pieces * times)
        hits = gazetteer._hits(text, _fold(text))
        # when resolved through the shortcut (twice: computed, then memoised) and the plain way
        first = gazetteer._resolve(hits, era) if hits else []
        second = gazetteer._resolve(hits, era) if hits else []
        plain = gazetteer._resolve_all(hits, era, through_memo=False) if hits else []
    finally:
        gazetteer.bare_communes = "context"
    # then all agree
    assert first == second == plain


def test_a_text_naming_one_unit_again_is_resolved_without_the_plain_loop(gazetteer, monkeypatch):
    # given a text naming Bắc Giang three times, and the plain resolution made to fail for several hits
    text = "Mưa ở Bắc Giang. Bắc Giang ngập; lũ ở Bắc Giang"
    expected = gazetteer.find(text)
    plain = gazetteer._resolve_all

    def only_one(hits, era, **options):
        assert len(hits) == 1
        return plain(hits, era, **options)

    monkeypatch.setattr(gazetteer, "_resolve_all", only_one)
    gazetteer._lone_cache.clear()
    # when found again
    found = gazetteer.find(text)
    # then each naming is resolved alone, as before
    assert found == expected and len(found) == 3 and len({m.code for m in found}) == 1


# Provinces (which read no other hit) beside districts and communes that lean on them, in addresses,
# lists and apart.
ADDRESS_TEXTS = [
    "xã Tân Dĩnh, huyện Lạng Giang, tỉnh Bắc Giang", "phường 12, quận Gò Vấp, TP.HCM", "Hà Nội",
    "Thái Bình, Nam Định, Ninh Bình", "thành phố Huế", "phường Phú Hòa, thành phố Huế",
    "ở Tân Thành, Bình Phước", "Quảng Ninh, Hải Phòng và Thanh Hóa", "huyện Kỳ Anh, Hà Tĩnh",
    "Yên Bái (cũ)", "Bắc Giang mua lon",
]  # fmt: skip


@given(
    st.lists(st.sampled_from(ADDRESS_TEXTS), min_size=2, max_size=5),
    st.sampled_from([", ", ". Sau đó ở ", " " * 130]),
    st.sampled_from([None, "pre2025", "2025"]),
    st.sampled_from(["context", "never", "always"]),
)
@settings(max_examples=250, deadline=None)
def test_hits_that_read_no_other_resolve_as_the_plain_resolution(gazetteer, pieces, glue, era, bare_communes):
    # given a text naming provinces among other units, nothing memoised
    gazetteer._lone_cache.clear()
    gazetteer.bare_communes = bare_communes
    try:
        text = glue.join(pieces)
        hits = gazetteer._hits(text, _fold(text))
        # when resolved through the memo of lone hits where a hit reads no other, and the plain way
        fast = gazetteer._resolve(hits, era) if hits else []
        again = gazetteer._resolve_all(hits, era) if hits else []
        plain = gazetteer._resolve_all(hits, era, through_memo=False) if hits else []
    finally:
        gazetteer.bare_communes = "context"
    # then all agree
    assert fast == again == plain


def test_a_hit_reads_the_others_unless_its_candidates_are_all_provinces(gazetteer):
    # given a text naming a province, a district and a commune
    text = "xã Tân Dĩnh, huyện Lạng Giang, tỉnh Bắc Giang; Hà Nội"
    hits = gazetteer._hits(text, _fold(text))
    # then only the hits whose candidates have no ancestors and are no communes read no other hit
    assert [hit.key for hit in hits] == ["tan dinh", "lang giang", "bac giang", "ha noi"]
    assert [hit.reads_others for hit in hits] == [True, True, False, False]
    for hit in hits:
        assert hit.reads_others == any(fact[5] or fact[1] == "commune" for fact in hit.facts)


# The words and marks the patterns before a name look for, Greek capitals (final sigma) and "İ".
BEFORE_PIECES = [
    "ở ", "tại ", "Tại ", "chợ ", "Chợ ", "đường ", "khu dân cư ", "xã ", "Xã ", "thị xã ", "tp ", "TP. ",
    ", ", "(", " - ", "– ", "\n", "  ", "ΣΑΣ ", "ΟΔΟΣ", "Σ", "İ", "İstanbul ", "Hà Nội", "và ", "thuộc ", "a",
]  # fmt: skip


@given(
    st.lists(st.sampled_from(BEFORE_PIECES) | st.text(max_size=3), max_size=12).map("".join),
    st.integers(min_value=0, max_value=60),
)
@settings(max_examples=500)
@example("Chợ Σ ở Hà Nội", 11)
@example("İ chợ Hà Nội", 7)
@example("ΟΔΟΣΑ", 4)
def test_the_patterns_before_a_name_read_the_same_in_the_lowered_window(gazetteer, nfc, start):
    # given any text and an offset in it
    start = min(start, len(nfc))
    lowered = nfc.lower()
    # when the window before it is lower-cased alone
    window, at = gazetteer._lower_before(nfc, start)
    # then the patterns find the same as in the whole lower-cased text, and the characters before
    # read the same (but for the final form of a sigma, which no type word holds)
    assert not_a_unit_before(window, False, at) == not_a_unit_before(lowered, False, start)
    assert locative_before(window, False, at) == locative_before(lowered, False, start)
    for back in range(min(start, 12) + 1):
        assert window[at - back : at].replace("ς", "σ") == lowered[start - back : start].replace("ς", "σ")
