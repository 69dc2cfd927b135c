"""The TCVN3 codec and the choice between legacy Vietnamese encodings."""

from __future__ import annotations

import codecs
import gzip
import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.analysis.legacy_encodings import (
    TCVN3,
    TCVN3_TELLS,
    from_fonts,
    from_tcvn3_fonts,
    from_vni,
    legacy_encoding,
    mend_typed_fonts,
    typed_in_fonts,
    typed_in_tcvn3_fonts,
    typed_parts,
    vietnamese_share,
)
from duluan.analysis.tabular import text_problem
from duluan.analysis.tests.test_tabular import PETITION_TEXTS, cp1258_bytes
from duluan.shared_data import shared_data_dir

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
        # both, and as syllables in neither: read as VNI it does
        (lambda text: to_vni(text).encode("cp1252"), "vni"),
        # a Western code page is none of them
        (lambda text: (_FRENCH * 4).encode("cp1252"), None),
    ],
)
def test_the_legacy_encoding_is_the_one_in_which_the_words_are_vietnamese(encode, expected):
    body = "id,text\n" + "".join(f"{i},{t}\n" for i, t in enumerate(PETITION_TEXTS * 4))
    assert legacy_encoding(encode(body)[:4096]) == expected


_FRENCH = "Le député a présenté à l'Assemblée un rapport très détaillé sur la sécurité routière.\n" * 6

# Unicode written as the VNI keyboard types it ("Ñöôøng" for "Đường"): its letters and marks, as
# the keyboard's tables give them (xvnkb's vni.h): a vowel, then its tone ("ù" acute, "ø" grave,
# "û" hook, "õ" tilde, "ï" dot below), or its circumflex with or without a tone ("â", "á", "à",
# "å", "ã", "ä"), or its breve ("ê", "é", "è", "ú", "ü", "ë"); "ô" is "ơ", "ö" "ư", "ñ" "đ", and
# "í", "ì", "æ", "ó", "ò" are "i" with its tones, "î" is "ỵ". Written here, not by inverting
# the module's table, so the two are checked against each other.
_VNI_VOWELS = {"a": "a", "ă": "aê", "â": "aâ", "e": "e", "ê": "eâ", "o": "o", "ô": "oâ", "ơ": "ô", "u": "u"}
_VNI_VOWELS |= {"ư": "ö", "y": "y"}
_VNI_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_HATS = {"\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVES = {"\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"": "i", "\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def _vni_letter(letter: str) -> str:
    small = letter.lower()
    parts = unicodedata.normalize("NFD", small)
    tone = "".join(c for c in parts if c in _VNI_TONES)
    bare = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _VNI_TONES))
    if small == "đ":
        typed = "ñ"
    elif bare == "i":
        typed = _VNI_I[tone]
    elif bare == "y" and tone == "\u0323":
        typed = "î"
    elif bare in ("â", "ê", "ô") and tone:
        typed = bare[0].replace("ô", "o").replace("ê", "e").replace("â", "a") + _VNI_HATS[tone]
    elif bare == "ă" and tone:
        typed = "a" + _VNI_BREVES[tone]
    elif bare in _VNI_VOWELS:
        typed = _VNI_VOWELS[bare] + (_VNI_TONES[tone] if tone else "")
    else:
        return letter
    return typed.upper() if letter != small else typed


def to_vni(text: str) -> str:
    """``text`` as typed on the VNI keyboard in the VNI fonts (for tests)."""
    return "".join(map(_vni_letter, unicodedata.normalize("NFC", text)))


def test_too_little_text_chooses_nothing():
    assert legacy_encoding("Đường ngập".encode("tcvn3")) is None
    assert legacy_encoding(b"id,text\n1,abc\n" * 100) is None
    # not even in a whole file: two words
    assert legacy_encoding("Đường ngập".encode("tcvn3"), whole=True) is None


def test_a_whole_file_of_one_short_row_is_enough():
    row = "id,text\n1,Cử tri phường Bắc Giang đề nghị sửa đường\n"
    # given the whole of a file of one row in each legacy encoding
    for encode, expected in ((cp1258_bytes, "cp1258"), (lambda t: t.encode("tcvn3"), TCVN3)):
        # then it is known as a whole file, not as the head of a longer one
        assert legacy_encoding(encode(row), whole=True) == expected
        assert legacy_encoding(encode(row)) is None
    # and a short file in a Western code page is none of them
    assert (
        legacy_encoding("id,text\n1,Café crème brûlée, s'il vous plaît\n".encode("cp1252"), whole=True)
        is None
    )


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
    # then the first are told (and the row checks convert them), the others are not
    assert all(map(typed_in_tcvn3_fonts, typed)) and {text_problem(t) for t in typed} == {"legacy_fonts"}
    assert not any(map(typed_in_tcvn3_fonts, unicode)) and {text_problem(t) for t in unicode} == {None}
    assert {typed_in_fonts(t) for t in typed} == {"tcvn3"} and {typed_in_fonts(t) for t in unicode} == {None}


@pytest.mark.parametrize("shown", ["Khác so với hình mẫu", "Ghế chắc chắn", "Tất quá xầu", "cô rất tận tình"])
def test_a_short_comment_typed_in_tcvn3_fonts_with_one_or_two_tells_is_told(shown):
    # given a comment of three or four words typed in the ".VnTime" fonts ("Kh¸c so víi h×nh mÉu")
    typed = shown.encode("tcvn3").decode("latin-1")
    # then it is told and converted back, though it has fewer than three of the fonts' signs
    assert typed_in_fonts(typed) == "tcvn3" and from_tcvn3_fonts(typed) == shown


@pytest.mark.parametrize(
    ("shown", "fonts"),
    [("hơi khó .", "tcvn3"), ("tốt giỏi chu đáo .", "tcvn3"), ("bức xúc", "vni"), ("đẹp lắm !", "vni")],
)
def test_a_comment_of_two_words_or_of_words_of_signs_typed_in_legacy_fonts_is_told(shown, fonts):
    # given a comment of two words typed in the fonts ("h¬i khã"), or of three whose only word
    # with a sign of the fonts ("®¸o") has no letter beyond ASCII
    typed = shown.encode("tcvn3").decode("latin-1") if fonts == "tcvn3" else to_vni(shown)
    # then it is told and converted back
    assert typed_in_fonts(typed) == fonts and from_fonts(typed, fonts) == shown
    # and two Unicode words beside the fonts' signs are not told
    assert typed_in_fonts("Café ©") is None and typed_in_fonts("Giá 5€, nhiệt độ 33ºC ®") is None


def test_text_typed_in_vni_fonts_is_told_from_unicode_and_tcvn3_text_and_converted():
    # given petitions typed in the VNI fonts and pasted as Unicode ("Uûy ban nhaân daân")
    typed = [to_vni(t) for t in PETITION_TEXTS]
    assert typed[0] == "Cöû tri phöôøng Baéc Giang ñeà nghò söûa ñöôøng ngaäp uùng"
    # then they are told as VNI (not TCVN3, nor Unicode), and convert to what the typist saw
    assert {typed_in_fonts(t) for t in typed} == {"vni"}
    assert {text_problem(t) for t in typed} == {"legacy_fonts"}
    assert [from_vni(t) for t in typed] == PETITION_TEXTS
    # and a comment in VNI that also reads as TCVN3 in shapes of syllables ("coõ giaỷng") is VNI
    assert typed_in_fonts(to_vni("cô giảng rất hay, rất nhiệt tình khi giảng dạy")) == "vni"


@pytest.mark.parametrize(
    "shown",
    [
        "Đường ở xã Tân Dĩnh ngập nặng, dân bức xúc quá, đề nghị sửa chữa ngay",
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH: Ấp Ắng, Ỵ, Ĩnh, Ờ, Ừ",
        "khuỷu tay, nghiêng ngả, thuở ấy, người quyết, xoong nồi, ỉ ôi, hoà, thuý",
    ],
)
def test_vni_text_converts_letter_by_letter_to_what_was_typed(shown):
    assert from_vni(to_vni(shown)) == shown


@pytest.mark.parametrize(
    "shown",
    [
        *PETITION_TEXTS,
        # capitals with tones are TCVN 5712's C1 bytes; a tone typed apart composes (NFC)
        "Ủy ban: Ở xã Tân Dĩnh, ĐƯỜNG ngập – “nặng”",
        # words in capitals, beside a capital alone ("TP.Hà"): ".VnTimeH" draws small letters large
        "UBND TỈNH BẮC GIANG, TP.Hà Nội, HĐND xã, Uỷ ban",
    ],
)
def test_text_typed_in_tcvn3_fonts_converts_to_the_text_it_showed(shown):
    # given a text typed in the ".VnTime" fonts and pasted as it showed (Windows' punctuation kept)
    typed = "".join(c if c in "–“”" else c.encode("tcvn3").decode("latin-1") for c in shown)
    # then it converts back to what the typist saw
    assert from_tcvn3_fonts(typed) == shown


def test_a_tone_typed_apart_is_composed_with_its_letter():
    # "©´": "â" and TCVN 5712's combining dot below, read as one letter "ậ" (NFC)
    assert from_tcvn3_fonts("ng©\u00b4p óng") == "ngập úng"


def test_capitals_typed_in_the_small_letters_of_the_fonts_are_written_as_capitals():
    # given a heading typed in ".VnTimeH", whose capitals are TCVN3's small letters drawn large
    assert from_tcvn3_fonts("TØNH B¾C GIANG, §¹I HéI, TP.Hµ") == "TỈNH BẮC GIANG, ĐẠI HỘI, TP.Hà"
    # and a capital alone before small letters stays one ("Uû" is "Uỷ", not "UỶ")
    assert from_tcvn3_fonts("Uû ban nh©n d©n") == "Uỷ ban nhân dân"


def test_a_row_typed_in_tcvn3_fonts_is_converted_with_its_short_texts_and_nothing_else():
    # given a row whose text was typed in the fonts, its title too (two words, too few alone), an
    # id and a Unicode source with a Western sign
    row = {
        "id": "HS-§1",
        "text": "Uû ban nh©n d©n x· cÇn söa ®­êng ngËp óng",
        "title": "§­êng ngËp",
        "source": "Báo Bắc Ninh ©",
        "channel": None,
    }
    # when mended
    mended = mend_typed_fonts(row, ("text", "title", "source", "channel"))
    # then the text and title are converted, the source, the empty channel and the id are not
    assert mended == ("tcvn3", ["text", "title"])
    assert row == {
        "id": "HS-§1",
        "text": "Uỷ ban nhân dân xã cần sửa đường ngập úng",
        "title": "Đường ngập",
        "source": "Báo Bắc Ninh ©",
        "channel": None,
    }
    # and a row none of whose texts is told is left alone, its title of one word too
    alone = {"text": "Đường ngập úng ở xã", "title": "§­êng"}
    assert mend_typed_fonts(alone, ("text", "title")) == (None, []) and alone["title"] == "§­êng"
    # and a title of two words typed so, both no syllables as they stand, is told alone
    title = {"text": "Đường ngập úng ở xã", "title": "§­êng ngËp"}
    assert (
        mend_typed_fonts(title, ("text", "title")) == ("tcvn3", ["title"]) and title["title"] == "Đường ngập"
    )
    # and a row typed in VNI is converted from VNI, its short title too
    vni = {"text": to_vni("Ủy ban nhân dân xã cần sửa đường ngập úng"), "title": to_vni("Đường ngập")}
    assert mend_typed_fonts(vni, ("text", "title")) == ("vni", ["text", "title"])
    assert vni == {"text": "Ủy ban nhân dân xã cần sửa đường ngập úng", "title": "Đường ngập"}


def _tcvn3(text: str) -> str:
    return text.encode("tcvn3").decode("latin-1")


@pytest.mark.parametrize("typer", [_tcvn3, lambda text: to_vni(text)], ids=["tcvn3", "vni"])
@pytest.mark.parametrize(
    ("unicode", "typed", "between"),
    [
        # a message typed in Unicode round a paste (the paste's first word reads as a syllable
        # either way in TCVN3: "cã", "có"), parted at sentences' ends
        (
            "Kính gửi UBND xã Tân Dĩnh. Tôi xin phản ánh:",
            "Có đường liên xã ngập sâu, người dân bức xúc.",
            " ",
        ),
        # parted in a sentence: "là" reads "lổ" in TCVN3, but is written far more often
        ("Tôi là", "người dân xã Tân Dĩnh, đề nghị sửa đường", " "),
        # a paste on a line of its own, then a closing in Unicode
        ("Phản ánh của cử tri:", "Đường liên xã ngập sâu, người dân bức xúc.\nXin cảm ơn quý cơ quan.", "\n"),
    ],
)
def test_a_text_typed_in_legacy_fonts_in_part_is_converted_there_alone(typer, unicode, typed, between):
    # given a text typed in Unicode, and a paste from an old document typed in legacy fonts
    paste = typed.split("\nXin")[0]
    rest = typed[len(paste) :]
    text = unicode + between + typer(paste) + rest
    # when its row is mended
    row = {"text": text}
    fonts, mended = mend_typed_fonts(row, ("text",))
    # then the paste alone is converted: the Unicode words of the Western code page ("Kính", "là",
    # "ánh") are as they were typed
    assert (fonts, mended) == ("tcvn3" if typer is _tcvn3 else "vni", ["text"])
    assert row["text"] == unicode + between + typed
    assert text_problem(text) == "legacy_fonts"


def test_a_sentence_that_reads_far_better_as_it_stands_stays_so_and_a_text_typed_whole_stays_whole():
    # given a title typed in Unicode of no letter past the Western code page, then text typed in
    # TCVN3 fonts ("Phúng sinh hay sỏt sinh?" read as TCVN3)
    title, lead = "Phóng sinh hay sát sinh?", "Hôm nay rằm tháng Giêng, người dân hay làm lễ phóng sinh."
    row = {"text": f"{title} {_tcvn3(lead)}"}
    assert mend_typed_fonts(row, ("text",)) == ("tcvn3", ["text"]) and row["text"] == f"{title} {lead}"
    # and a text typed whole whose first word reads as a syllable both ways ("Nói" is written more
    # often than "Núi") is converted whole
    whole = "Núi lửa phun trào ở Indonesia, hàng nghìn người phải sơ tán."
    assert typed_parts(_tcvn3(whole)) == ("tcvn3", ((0, len(whole)),))
    assert from_tcvn3_fonts(_tcvn3(whole)) == whole
    # and so are short comments ending or starting with words that read as no syllable either way
    # ("®c", chat's "được") or as one both ways ("Vá", "Vỏ")
    for comment in ("Sản phẩm tốt, giao hàng nhanh, dùng đc", "Vỏ khôg chắc lắm nhưng giá rẻ"):
        row = {"text": _tcvn3(comment)}
        assert mend_typed_fonts(row, ("text",)) == ("tcvn3", ["text"]) and row["text"] == comment


def test_unicode_text_with_foreign_letters_or_signs_is_not_taken_for_typed_in_part():
    # given Unicode text with the fonts' letters in foreign names and signs beside letters
    texts = [
        "Nhà hàng Mövenpick ở Hà Nội đón ông Jürgen Müller và bà Peña, nhiệt độ 33ºC, giá 5€.",
        "Công ty ABC® và XYZ™ ký hợp đồng; « Hội nghị » diễn ra ở Đà Nẵng.",
        "Cầu thủ Özil và Ibrahimović ghi bàn; đội bóng Bắc Ninh thắng 2–1.",
        # other languages beside Vietnamese
        "Phái đoàn Pháp phát biểu: « Le député a présenté un rapport très détaillé sur la sécurité. »",
        "Đối tác Đức viết: Die Straße in München wurde für den Verkehr gesperrt, sagte Frau Müller.",
        "Phóng viên hỏi: ¿Dónde está la estación? El niño español contestó: «Aquí, señor».",
    ]
    # then none is told typed in legacy fonts, whole or in part, nor changed when mended
    for text in texts:
        row = {"text": text}
        assert typed_parts(text) is None and mend_typed_fonts(row, ("text",)) == (None, [])
        assert row["text"] == text


def test_a_foreign_name_in_text_typed_in_vni_keeps_its_letters_where_no_vowel_is_before_them():
    # given a sentence typed in VNI naming Germans: "ü" is a VNI mark only after a vowel
    shown = "Ông Jürgen và các cầu thủ của đội bóng Düsseldorf đã đến thăm Hà Nội tuần này để giao lưu."
    typed = to_vni(shown)
    assert "Jürgen" in typed and "Düsseldorf" in typed
    # then it converts back to exactly what was typed
    assert typed_in_fonts(typed) == "vni" and from_vni(typed) == shown


def test_a_title_typed_in_part_is_converted_with_its_typed_text():
    # given a row typed in TCVN3 but for the title's first word, typed in Unicode
    row = {"text": _tcvn3("Đường liên xã ngập sâu, người dân bức xúc"), "title": "Về " + _tcvn3("đường ngập")}
    # when mended, then the title's typed words are converted and its Unicode word kept
    assert mend_typed_fonts(row, ("text", "title")) == ("tcvn3", ["text", "title"])
    assert row == {"text": "Đường liên xã ngập sâu, người dân bức xúc", "title": "Về đường ngập"}


_WORDS = ["ng", "nh", "tr", "th", "gi", "qu", "§­êng", "nh©n", "Uû", "nhaân", "Ñöôøng", "Müller", "Kính"]
_PIECES = st.sampled_from(
    [
        *"aeiouyđêôơưâăáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ",
        *TCVN3_TELLS,
        *" \n.,:;!?\"'()«»-–0123456789",
        *_WORDS,
        *["gửi", "là", "cã", "®c", "ABC®", "33ºC", "\x86", "Š"],
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map(lambda parts: unicodedata.normalize("NFC", "".join(parts))))
def test_any_text_is_mended_to_nfc_text_by_spans_inside_it(text):
    # given any text of Vietnamese letters, the fonts' signs and letters, typed and Unicode words
    parts = typed_parts(text)
    # then its typed spans are in order, apart, and inside it
    if parts is not None:
        ends = [0] + [end for _, end in parts[1]]
        assert all(ends[k] <= a < z <= len(text) for k, (a, z) in enumerate(parts[1]))
    # and mending it gives NFC text, the same where nothing was typed in the fonts
    row = {"text": text}
    fonts, _ = mend_typed_fonts(row, ("text",))
    assert unicodedata.is_normalized("NFC", row["text"])
    assert fonts is not None or row["text"] == text


def test_the_examples_in_the_modules_documentation_hold():
    import doctest

    from duluan.analysis import legacy_encodings

    result = doctest.testmod(legacy_encodings)
    assert result.attempted >= 10 and result.failed == 0


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_a_real_article_with_words_typed_in_vni_has_those_words_converted():
    # given the one VNTC article that holds words typed in VNI amid Unicode ("cuùp FA vaø League
    # Cup", "bieät danh"), found by bench_encodings as the only text of the corpora told typed
    with gzip.open(shared_data_dir() / "vntc" / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
        (text,) = [r["text"] for r in map(json.loads, fh) if r["id"] == "TT_NLD_ (5824).txt"]
    # when mended, then those words alone are converted, the club's nickname with them ("hoa
    # hoàng" typed in VNI is "hoa hồng", Blackburn Rovers' rose)
    row = {"text": text}
    assert mend_typed_fonts(row, ("text",)) == ("vni", ["text"])
    assert "(Premiership, cúp FA và League Cup)" in row["text"]
    assert "“hoa hồng” (biệt danh của Blackburn)" in row["text"]
    changed = [(a, b) for a, b in zip(text.split(), row["text"].split(), strict=True) if a != b]
    assert changed == [("cuùp", "cúp"), ("vaø", "và"), ("hoàng”", "hồng”"), ("(bieät", "(biệt")]


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_real_texts_are_never_taken_for_typed_ones_and_their_typed_copies_are():
    # given real news articles and students' comments, as they are and typed in each legacy font
    base = shared_data_dir()
    with open(base / "news_2026" / "articles.jsonl", encoding="utf-8") as fh:
        news = [unicodedata.normalize("NFC", json.loads(line)["text"]) for line in fh]
    with open(base / "uit_vsfc" / "train.jsonl", encoding="utf-8") as fh:
        comments = [
            unicodedata.normalize("NFC", json.loads(line)["text"]) for _, line in zip(range(1500), fh)
        ]
    # then none of them as it is is taken for typed text, whole or in part
    assert [t[:80] for t in news + comments if typed_parts(t)] == []
    # and each news lead typed in TCVN3 or VNI (where the fonts hold all its characters) is told as
    # those fonts and converts back to itself, but for a few foreign names
    for fonts, typer in (("tcvn3", lambda t: t.encode("tcvn3").decode("latin-1")), ("vni", to_vni)):
        told = exact = n = 0
        for text in (t[:600] for t in news):
            try:
                typed = typer(text)
                typed.encode("cp1252" if fonts == "vni" else "latin-1")
            except UnicodeEncodeError:
                continue
            n += 1
            told += typed_in_fonts(typed) == fonts
            exact += from_fonts(typed, fonts) == text
        assert n > 150 and told >= 0.99 * n and exact >= 0.99 * n
