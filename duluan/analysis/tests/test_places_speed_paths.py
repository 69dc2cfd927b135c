"""The gazetteer's speed paths equal the plain work they replace: the batch folded and marked in one
table look-up."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis.normalise import fold, fold_many
from duluan.analysis.places import Gazetteer
from duluan.analysis.places.gazetteer import _MARK, _fold_and_scan, _fold_tables, _marked


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default(home_province="24")


# Vietnamese in both cases, the characters the tables leave to fold() ("Σ", surrogates, beyond the
# BMP, U+FFFF), one that lower-cases to two ("İ"), and any other text.
ODD_PIECES = [
    "Hà Nội", "ĐỒNG NAI", "tp.HCM", "Thừa Thiên-Huế", "ΣΑΣ", "Σ", "İ", "\ud800", "\udfff", "😀", "𝐀",
    "\uffff", "\x01", "\n", " ", "ǅ", "ß", "ﬁ",
]  # fmt: skip
ODD_TEXT = st.lists(st.sampled_from(ODD_PIECES) | st.text(max_size=4), max_size=8).map("".join)
TEXTS = st.lists(ODD_TEXT, max_size=6)


@given(TEXTS)
@settings(max_examples=300)
@example(["Hà Nội ΣΑΣ", "", "İstanbul, Bắc Giang", "a\ud800b😀", "\uffff"])
def test_folding_and_marking_a_batch_at_once_equals_fold_many_then_the_scan(gazetteer, texts):
    # given any texts
    # when folded and marked together
    folded, scans = _fold_and_scan(texts)
    # then the folds are fold_many's, and the scans the gazetteer's scan of them
    assert folded == fold_many(texts) == [fold(text) for text in texts]
    assert scans == gazetteer._scan(folded) == [_MARK + _marked(f) + _MARK for f in folded]


def test_the_tables_fold_every_bmp_character_as_fold_does_alone():
    # given the tables, and each BMP character (but those left to fold()) folded alone
    folds, marks = _fold_tables()
    for code in range(0x10000):
        if folds[code] == 0xFFFF:
            assert code in (0x3A3, 0xFFFF) or 0xD800 <= code < 0xE000
            continue
        # then each entry is that fold, and the mark of its fold
        folded = fold(chr(code))
        assert chr(folds[code]) == folded
        assert chr(marks[code]) == _marked(folded)


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
        hits = gazetteer._hits(text, fold(text))
        # when resolved through the shortcut (twice: computed, then memoised) and the plain way
        first = gazetteer._resolve(hits, era) if hits else []
        second = gazetteer._resolve(hits, era) if hits else []
        plain = gazetteer._resolve_all(hits, era) if hits else []
    finally:
        gazetteer.bare_communes = "context"
    # then all agree
    assert first == second == plain


def test_a_text_naming_one_unit_again_is_resolved_without_the_plain_loop(gazetteer, monkeypatch):
    # given a text naming Bắc Giang three times, and the plain resolution made to fail for several hits
    text = "Mưa ở Bắc Giang. Bắc Giang ngập; lũ ở Bắc Giang"
    expected = gazetteer.find(text)
    plain = gazetteer._resolve_all

    def only_one(hits, era):
        assert len(hits) == 1
        return plain(hits, era)

    monkeypatch.setattr(gazetteer, "_resolve_all", only_one)
    gazetteer._lone_cache.clear()
    # when found again
    found = gazetteer.find(text)
    # then each naming is resolved alone, as before
    assert found == expected and len(found) == 3 and len({m.code for m in found}) == 1
