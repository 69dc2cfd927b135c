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
