"""Stories for the short cuts of the batch normalisation: each gives what the plain way gives."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis import normalise as N

_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("hoà hòa Ủy ban <url> 0912 345 678 a@b.vn\u200b\u0301😀𐐀İ\n")),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=20,
)


@given(st.lists(st.tuples(_TEXT, st.none() | _TEXT), min_size=1, max_size=8))
@settings(max_examples=500, deadline=None)
@example([("hoà", None), ("0912 345 678", "<phone>"), ("", "😀𐐀"), ("x😀", "")])
@example([("a", "a"), ("b", None), ("\u200bc", "c"), ("", None)])
def test_the_classes_of_a_batch_with_some_texts_replaced_are_those_of_the_new_batch(pairs):
    # given a batch scanned as received, and the same batch with some texts replaced
    texts = [old for old, _ in pairs]
    new_texts = [old if new is None else new for old, new in pairs]
    _, starts, index = N._joined_index(texts, N._PHONE_WINDOW)
    _, masked, lowered = N._batch_tables()

    # when the classes of the new batch are patched from those of the old one
    new_starts, (cls, mapped) = N._patched_classes(texts, starts, index, new_texts, masked, lowered)

    # then they are those of the new batch looked up afresh, with the same tail
    _, fresh_starts, (fresh_cls, fresh_mapped) = N._joined_classes(
        new_texts, N._PHONE_WINDOW, masked, lowered
    )
    assert new_starts.tolist() == fresh_starts.tolist()
    assert np.array_equal(cls, fresh_cls)
    assert np.array_equal(mapped, fresh_mapped)


def _nfc_maybe_or_no() -> set[int]:
    """A superset of the BMP characters with a combining class or NFC_Quick_Check "No"/"Maybe",
    from the data that defines them (UAX #15)."""
    suspects = {code for code in range(0x10000) if unicodedata.combining(chr(code))}
    for code in range(0x10000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<"):
            suspects.update(int(part, 16) for part in decomposition.split()[1:])  # "Maybe"
            if unicodedata.normalize("NFC", chr(code)) != chr(code):
                suspects.add(code)  # "No"
    suspects.update(range(0x1100, 0x1200))  # conjoining Hangul jamo, composed algorithmically
    return suspects


def test_no_character_taken_as_safe_from_nfc_can_combine_or_change():
    # given the characters the batch scan lets through without NFC, and those that NFC may change
    safe = set(N._nfc_safe())
    suspects = _nfc_maybe_or_no()

    # then none is both, the Vietnamese letters and common punctuation are safe, the marks not
    assert not safe & suspects
    assert {ord(c) for c in "aăâđêôơưẠỹỶ Ủy, “–…”₫0"} <= safe
    assert not {0x0301, 0x0323, 0x212B, 0x1161} & safe
    # and the scan's table marks every other BMP character
    raw = N._batch_tables()[0]
    assert set(np.flatnonzero((raw[:0x10000] & N._NFC_SUSPECT) == 0).tolist()) == safe


@given(st.lists(st.sampled_from(sorted(N._nfc_safe())).map(chr) | st.characters(), max_size=30).map("".join))
@settings(max_examples=500, deadline=None)
@example("Ủy ban nhân dân “hòa” – 100₫")
@example("A\u030a \u212b \u1100\u1161")
def test_a_text_the_scan_sends_past_nfc_is_already_nfc(text):
    # given any text, mostly of the characters taken as safe
    # when it is scanned alone
    scan = N._batch_scan([text])

    # then it is sent to NFC (or the slow way) unless NFC would leave it as it is
    if 0 not in scan.nfc and 0 not in scan.slow:
        assert unicodedata.normalize("NFC", text) == text


# The phone pattern as it reads, with the prefixes as one group.
_PHONE_AS_WRITTEN = re.compile(
    r"(?:(?:\(\+84\)|\(84\)|\+84|0084)[ .-]?(?:\(0\)[ .-]?|0)?|0[ .-]?(?:\(0\))?)"
    r"(?:[2-9](?:[ .-]?\d){8}|[1-8](?:[ .-]?\d){9})(?!\w|[.,](?!0[235789])\d)"
    r"|\(0[2-8]\d{0,2}\)[ .-]?\d(?:[ .-]?\d){6,7}(?!\w|[.,](?!0[235789])\d)"
)
_PHONE_PIECES = st.sampled_from(
    [
        *"0123456789 .-()+,x_a٣",
        "0084",
        "+84",
        "(+84)",
        "(84)",
        "(0)",
        "(024)",
        "(0236)",
        "0912345678",
        "02438251234",
    ]
)


@given(st.lists(_PHONE_PIECES, max_size=25).map("".join))
@settings(max_examples=3000, deadline=None)
@example("Gọi (+84) 912 345 678, 0084 (0) 386.123.456 hoặc (024) 3825 1234; 02838 123 456.7")
@example("000912345678 0+84912345678 (02)4 1234567 0912345678_ 0912345678.5 0912 345 6789")
def test_the_phone_pattern_with_its_prefixes_spelt_out_finds_what_it_found(text):
    # given text of digits, separators and phone prefixes
    # when phone numbers are searched with the pattern used and with the pattern as first written
    # then both find the same matches
    found = [m.span() for m in N._PHONE_RE.finditer(text)]
    assert found == [m.span() for m in _PHONE_AS_WRITTEN.finditer(text)]
