"""The TCVN3 codec and the choice between legacy Vietnamese encodings."""

from __future__ import annotations

import codecs

import pytest

from duluan.analysis.legacy_encodings import legacy_encoding, typed_in_tcvn3_fonts, vietnamese_share
from duluan.analysis.tabular import text_problem
from duluan.analysis.tests.test_tabular import PETITION_TEXTS, cp1258_bytes

# What offices typed in the ".VnTime" fonts, as a Western code page shows it.
_TCVN3_SEEN_AS_LATIN1 = "Uû ban nh©n d©n tØnh B¾c Giang ®Ò nghÞ söa ®­êng"


def test_tcvn3_text_decodes_to_what_was_typed_and_back():
    # given the bytes of a sentence typed in TCVN3
    raw = _TCVN3_SEEN_AS_LATIN1.encode("latin-1")
    # then it decodes to the Vietnamese typed, and encodes back to the same bytes
    assert raw.decode("tcvn3") == "Uỷ ban nhân dân tỉnh Bắc Giang đề nghị sửa đường"
    assert raw.decode("tcvn3").encode("tcvn3") == raw
    assert "Đường".encode("tcvn3") == b"\xa7\xad\xea\x6e\x67"
    # and the codec answers to the standard's other names, incrementally too
    assert codecs.lookup("TCVN5712-1").name == codecs.lookup("tcvn").name == "tcvn3"
    decoder = codecs.getincrementaldecoder("tcvn3")()
    assert "".join(decoder.decode(raw[i : i + 1]) for i in range(len(raw))) == raw.decode("tcvn3")


def test_the_ascii_half_stays_ascii_and_tone_bytes_are_combining_marks():
    # given control characters (TCVN 5712 puts capitals there) and a letter with a separate tone
    assert b"a\tb\r\n\x01".decode("tcvn3") == "a\tb\r\n\x01"
    assert b"o\xb3".decode("tcvn3") == "o\u0301"  # composed by the reader (NFC): "ó"
    # and every upper byte is a letter, a combining tone mark or the no-break space
    upper = bytes(range(0x80, 0x100)).decode("tcvn3")
    kinds = {c: ("L" if c.isalpha() else "M" if c in "\u0300\u0301\u0303\u0309\u0323" else c) for c in upper}
    assert set(kinds.values()) == {"L", "M", "\xa0"}


@pytest.mark.parametrize(
    ("encode", "expected"),
    [
        (cp1258_bytes, "cp1258"),
        (lambda text: text.encode("tcvn3"), "tcvn3"),
        # VNI (a letter, then its marks as Western letters: "Ñöôøng" for "Đường") reads as letters in
        # both, and as syllables in neither
        (lambda text: _VNI_SAMPLE.encode("cp1252"), None),
    ],
)
def test_the_legacy_encoding_is_the_one_in_which_the_words_are_vietnamese(encode, expected):
    body = "id,text\n" + "".join(f"{i},{t}\n" for i, t in enumerate(PETITION_TEXTS * 4))
    assert legacy_encoding(encode(body)[:4096]) == expected


_VNI_SAMPLE = "Ñöôøng ôû xaõ Taân Dónh ngaäp naëng, daân böùc xuùc quaù, ñeà nghò söûa chöõa ngay\n" * 6


def test_too_little_text_chooses_nothing():
    assert legacy_encoding("Đường ngập".encode("tcvn3")) is None
    assert legacy_encoding(b"id,text\n1,abc\n" * 100) is None


def test_syllables_and_the_words_that_are_none():
    # Vietnamese syllables, with one tone each; abbreviations in capitals are left out
    assert vietnamese_share("Nguyễn Quốc khuỷu nghiêng thuở người quyết gìn giữ xoong HĐND") == (1.0, 9)
    # two tones, or letters from another script or encoding, make no syllable
    assert vietnamese_share("ẹửụứng Ñöôøng cảá") == (0.0, 3)
    assert vietnamese_share("abc 123") == (0.0, 0)


def test_text_typed_in_tcvn3_fonts_is_told_from_unicode_text():
    # given petitions typed in the ".VnTime" fonts and pasted as Unicode ("Uû ban nh©n d©n"), and
    # Unicode texts with the Western characters that such text is made of
    typed = [t.encode("tcvn3").decode("latin-1") for t in PETITION_TEXTS]
    unicode = [
        *PETITION_TEXTS,
        "Bản quyền © 2026 Báo Bắc Ninh®, «Tin tức» · nhiệt độ 30°C ± 2, giảm ½",
        "Ông Müller và bà Schröder đến Hà Nội ngày 3/3, ÐT Việt Nam thắng",
    ]
    # then the first are rejects for their encoding, the others are not
    assert all(map(typed_in_tcvn3_fonts, typed)) and {text_problem(t) for t in typed} == {"bad_encoding"}
    assert not any(map(typed_in_tcvn3_fonts, unicode)) and {text_problem(t) for t in unicode} == {None}
