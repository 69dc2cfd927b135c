"""Vietnamese text saved before UTF-8: which legacy encoding a file is in, a TCVN3 codec, and text
typed in legacy fonts converted to the Unicode it showed.

Three legacy encodings are still met in a province's files:

- **Windows-1258**, the code page of a Vietnamese Windows, in which Excel saves its "CSV": tone
  marks are combining characters after their letter (the code page has no "ờ").
- **TCVN3** (TCVN 5712:1993, the ".VnTime" fonts of the ABC keyboard), in which offices of the
  North typed their documents for two decades: one byte a letter, "§­êng" for "đường" in
  Windows' Western code page.
- **VNI** (the "VNI-Times" fonts of the VNI keyboard, more common in the South): a letter, then
  its marks as one Western letter, "Ñöôøng" for "Đường" (:func:`from_vni`).

Python has a codec for the first and none for the others, and no maintained package on the
registries provides one, so this module registers ``tcvn3`` (:func:`codecs.lookup`): its 128
upper characters are those of GNU libiconv and glibc's ``TCVN5712-1`` (checked against glibc's
``iconv``, 2026-12-03). The lower half is ASCII, as in the ABC fonts: TCVN 5712's capitals with
tone marks in the control range (0x01-0x17) would turn a tab or a form feed into a letter. Five
upper bytes are combining tone marks; a reader composes them (NFC). VNI is read in Windows'
Western code page, then converted.

:func:`legacy_encoding` tells which of the three a file's first bytes are in, by reading them in
each and asking whether the words come out as Vietnamese syllables (:func:`vietnamese_share`):
in the wrong one they come out as symbols ("§­êng") or as letters that make no syllable
("ẹửụứng", a VNI file read as TCVN3), and a file in none is left to the caller's refusal.
:func:`typed_in_fonts` tells the same of one text of a Unicode file, typed in those fonts and
pasted as it showed ("Uû ban nh©n d©n", "Uûy ban nhaân daân"), :func:`typed_parts` the stretches
of a text typed so in part (a message typed in Unicode round such a paste), and
:func:`mend_typed_fonts` gives the Unicode text it showed: the row checks and the platform's
intake convert it and say so.
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import Any

# Bytes 0x80-0xFF in TCVN 5712:1993 (VN1, of which TCVN3 is the part the ABC fonts use).
_UPPER = (
    # 0x80
    0x00C0, 0x1EA2, 0x00C3, 0x00C1, 0x1EA0, 0x1EB6, 0x1EAC, 0x00C8,
    0x1EBA, 0x1EBC, 0x00C9, 0x1EB8, 0x1EC6, 0x00CC, 0x1EC8, 0x0128,
    # 0x90
    0x00CD, 0x1ECA, 0x00D2, 0x1ECE, 0x00D5, 0x00D3, 0x1ECC, 0x1ED8,
    0x1EDC, 0x1EDE, 0x1EE0, 0x1EDA, 0x1EE2, 0x00D9, 0x1EE6, 0x0168,
    # 0xA0
    0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110,
    0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0x1EB0,
    # 0xB0
    0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00E0, 0x1EA3, 0x00E3,
    0x00E1, 0x1EA1, 0x1EB2, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0x1EB4,
    # 0xC0
    0x1EAE, 0x1EA6, 0x1EA8, 0x1EAA, 0x1EA4, 0x1EC0, 0x1EB7, 0x1EA7,
    0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0x1EC2, 0x1EBB, 0x1EBD,
    # 0xD0
    0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC,
    0x1EC9, 0x1EC4, 0x1EBE, 0x1ED2, 0x0129, 0x00ED, 0x1ECB, 0x00F2,
    # 0xE0
    0x1ED4, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7,
    0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9,
    # 0xF0
    0x1ED6, 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF,
    0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0x1ED0,
)  # fmt: skip
_DECODING_TABLE = "".join(map(chr, range(128))) + "".join(map(chr, _UPPER))
_ENCODING_TABLE = codecs.charmap_build(_DECODING_TABLE)
TCVN3 = "tcvn3"


class _IncrementalDecoder(codecs.IncrementalDecoder):
    def decode(self, data: bytes, final: bool = False) -> str:
        return codecs.charmap_decode(data, self.errors, _DECODING_TABLE)[0]


class _IncrementalEncoder(codecs.IncrementalEncoder):
    def encode(self, text: str, final: bool = False) -> bytes:
        return codecs.charmap_encode(text, self.errors, _ENCODING_TABLE)[0]


def _search(name: str) -> codecs.CodecInfo | None:
    if name.replace("-", "_") not in ("tcvn3", "tcvn", "tcvn5712", "tcvn5712_1"):
        return None
    return codecs.CodecInfo(
        name=TCVN3,
        encode=lambda text, errors="strict": codecs.charmap_encode(text, errors, _ENCODING_TABLE),
        decode=lambda data, errors="strict": codecs.charmap_decode(data, errors, _DECODING_TABLE),
        incrementalencoder=_IncrementalEncoder,
        incrementaldecoder=_IncrementalDecoder,
    )


codecs.register(_search)

# A Vietnamese syllable without its tone: an initial consonant, a vowel group and a final one.
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    "(?:uyê|uya|uyu|ươi|ươu|uôi|uây|oai|oay|oeo|iêu|yêu"
    "|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê"
    "|[aăâeêioôơuưy])"
    "(?:ch|ng|nh|[cmnpt])?"
)
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_WORD = re.compile(r"[^\W\d_]+")
_TYPOGRAPHY = frozenset("\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022")


@lru_cache(maxsize=1 << 16)  # words repeat: a file typed in legacy fonts reads each several times
def _is_syllable(word: str) -> bool:
    if not word[1:].islower() and not word.isupper() and len(word) > 1:
        return False  # a capital after a small letter, as TCVN3 draws small ones: "rÊt", "ngËp"
    parts = unicodedata.normalize("NFD", word.lower())
    if sum(parts.count(t) for t in _TONES) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def vietnamese_share(text: str) -> tuple[float, int]:
    """The share of the words of ``text`` written with letters beyond ASCII that are Vietnamese
    syllables ("đường", "Nguyễn"; not "ẹửụứng", "Ñöôøng"), and how many such words there are.
    Words in capitals are left out: abbreviations ("ĐH", "HĐND") are no syllables.

    >>> vietnamese_share("Đường ở xã Tân Dĩnh ngập nặng, HĐND")
    (1.0, 7)
    >>> vietnamese_share("Ñöôøng xaáu")
    (0.0, 2)
    """
    words = [
        w for w in _WORD.findall(unicodedata.normalize("NFC", text)) if not w.isascii() and not w.isupper()
    ]
    if not words:
        return 0.0, 0
    return sum(map(_is_syllable, words)) / len(words), len(words)


# Characters of the Western code page that stand for Vietnamese letters in TCVN3 and that
# Unicode Vietnamese does not use ("®" for "đ", "­" (a soft hyphen) for "ư", "¬" for "ơ"): what
# text typed in the ".VnTime" fonts and pasted into a Unicode form or sheet holds. ("Ð", often
# typed for "Đ", is left out; so are "«»", the degree sign and "±²³", common in Unicode text.)
TCVN3_TELLS = "¡¢£¤¥¦§¨©ª¬\xad®¯µ¶·¸¹º¼½¾¿ÄÅÆÇËÎÏÑÖ×ØÛÜÞßäåæçëîïñö÷øûüþÿ"
_TELL_RE = re.compile(f"[{re.escape(TCVN3_TELLS)}]")
# The tells that VNI does not use as well ("©" for "â", "­" for "ư"), beside a letter as in a
# typed word ("nh©n"; signs alone are no words: "© © ©" would read "â â â"). A text typed in
# TCVN3 has one ("®" for "đ", "©" for "â", "ª" for "ê", "¬" for "ơ", "­" for "ư" ...), where one
# typed in VNI, which both readings may take for syllables ("coâ taän tình", "coõ taọn tỡnh" as
# TCVN3), has none.
_TCVN3_ONLY = re.escape("".join(c for c in TCVN3_TELLS if c not in "äåæëïîñöøûüÄÅÆËÏÎÑÖØÛÜ"))
_TELL_IN_WORD_RE = re.compile(f"[^\\W\\d_][{_TCVN3_ONLY}]|[{_TCVN3_ONLY}][^\\W\\d_]")
# Those characters back to the letters they were drawn as: the Western letters and signs
# (U+00A0-U+00FF) are the TCVN3 bytes of the same numbers; so are the C1 controls (U+0080-U+009F,
# TCVN 5712's capitals with tones), which Unicode text never holds. Windows' own characters of
# 0x80-0x9F (curly quotes, dashes, "…") are left as they are: a Word document in the ABC fonts
# keeps them as typographic punctuation.
_FROM_LATIN1 = {0x80 + i: c for i, c in enumerate(_UPPER)}


def typed_in_tcvn3_fonts(text: str) -> bool:
    """Whether ``text`` is Vietnamese typed in the ".VnTime" fonts and pasted as Unicode: the
    letters of the Western code page that TCVN3 draws as Vietnamese ones ("Uû ban nh©n d©n").
    One of the :data:`TCVN3_TELLS` that VNI does not use beside a letter, and read as TCVN3 the
    words beyond ASCII are syllables where as they stand they are not (:func:`_reads_better`).

    >>> typed_in_tcvn3_fonts("Uû ban nh©n d©n tØnh B¾c Giang")
    True
    >>> typed_in_tcvn3_fonts("Ủy ban nhân dân tỉnh Bắc Giang © 2026 ®"), typed_in_tcvn3_fonts("© © ©")
    (False, False)
    """
    return _tcvn3_reading(text) > 0


def _tcvn3_reading(text: str) -> float:
    """The share of syllables in ``text`` read as typed in TCVN3 fonts, where it is told so
    (:func:`_reads_better`), else 0."""
    head = text[:4096]  # (enough to tell, for a text of up to 1 MB)
    if not _TELL_IN_WORD_RE.search(head):  # (in C: most texts have none)
        return 0.0
    return _reads_better(head, head.translate(_FROM_LATIN1), _TELL_IN_WORD_RE)


def _typed_alike(text: str, tells: re.Pattern[str], convert: Callable[[str], str]) -> bool:
    """Whether ``text``, of a record another text of which was typed in legacy fonts, was typed
    so too, however short ("§­êng ngËp", a title): it has a word of two characters or more with
    one of the fonts' ``tells``, and such words converted are syllables, four in five or more.
    ("©" alone is no such word: "Báo Bắc Ninh ©" is a Unicode source.)

    >>> [_typed_alike(t, _TELL_RE, from_tcvn3_fonts) for t in ("§­êng ngËp", "Báo Ninh ©")]
    [True, False]
    """
    typed = [w for w in text[:4096].split() if len(w) > 1 and tells.search(w)]
    if not typed:
        return False
    read = [vietnamese_share(convert(w)) for w in typed]
    return sum(share == 1.0 and words > 0 for share, words in read) >= 0.8 * len(typed)


def _capitals(run: re.Match[str]) -> str:
    letters = run.group()
    if not letters.isascii() and sum(map(str.isupper, letters)) >= 2:
        return letters.upper()
    return letters


# The runs of two letters or more with no small ASCII letter: those _capitals may write in capitals.
_CAPITALS_RE = re.compile(r"(?<![^\W\d_])[^\W\d_a-z]{2,}(?![^\W\d_])")


def from_tcvn3_fonts(text: str) -> str:
    """The Unicode text (NFC) of ``text`` typed in the ".VnTime" fonts and pasted as it showed,
    which :func:`typed_in_tcvn3_fonts` tells.

    The capitals of the ".VnTimeH" fonts are TCVN3's small letters drawn large, so a run of
    letters typed in capitals where typed in ASCII, two or more capitals once converted, is
    written in capitals ("TØNH" is "TỈNH"; "Uû" stays "Uỷ", and "TP.Hµ" is "TP.Hà").

    >>> from_tcvn3_fonts("Uû ban nh©n d©n tØnh B¾c Giang ®Ò nghÞ söa ®­êng")
    'Uỷ ban nhân dân tỉnh Bắc Giang đề nghị sửa đường'
    >>> from_tcvn3_fonts("UBND TØNH B¾C GIANG – “§¹I HéI” ë TP.Hµ Néi")
    'UBND TỈNH BẮC GIANG – “ĐẠI HỘI” ở TP.Hà Nội'
    """
    return _CAPITALS_RE.sub(_capitals, unicodedata.normalize("NFC", text.translate(_FROM_LATIN1)))


# VNI (the "VNI-Times" fonts of the VNI keyboard, more common in the South): a vowel is its
# letter, then its marks as one Western letter ("aø" for "à", "aá" for "ấ": the circumflex and an
# acute), and a few letters are one ("ô" for "ơ", "ö" for "ư", "ñ" for "đ", "ó" for "ĩ"). The
# capitals take the marks' capitals ("AÙ" for "Á"). A file saved in VNI is that text in Windows'
# Western code page. (From the tables of VNI Software's keyboard, as the open-source keyboards
# xvnkb and Unikey give them; no package on the registries reads it.)
VNI = "vni"
_VNI_TONES = dict(zip("ùøûõï", "\u0301\u0300\u0309\u0303\u0323", strict=True))
_VNI_HATTED = dict(zip("âáàåãä", ("", *_VNI_TONES.values()), strict=True))  # a circumflex, and a tone
_VNI_BREVED = dict(zip("êéèúüë", ("", *_VNI_TONES.values()), strict=True))  # a breve, and a tone
_VNI_LETTERS = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _vni_marks() -> dict[int, str]:
    """What each mark and letter of VNI stands for, capitals too: a mark as the combining marks
    it draws, which compose with the letter before it (NFC), and a letter as itself."""
    marks = {mark: tone for mark, tone in _VNI_TONES.items()}
    marks |= {mark: "\u0302" + tone for mark, tone in _VNI_HATTED.items()}
    marks |= {mark: "\u0306" + tone for mark, tone in _VNI_BREVED.items()}
    marks |= _VNI_LETTERS
    table: dict[int, str] = {}
    for typed, shown in marks.items():
        table[ord(typed)] = shown
        table[ord(typed.upper())] = shown.upper()  # (combining marks have no capitals)
    return table


# VNI's marks (its tones, and its circumflex and breve with or without one), and a mark that follows
# no vowel (nor VNI's "ơ" and "ư"), which is no mark.
_VNI_MARK_KEYS = "".join((*_VNI_TONES, *_VNI_HATTED, *_VNI_BREVED))
_VNI_STRAY_MARK_RE = re.compile(f"(?<![aeiouyAEIOUYôÔöÖ])[{_VNI_MARK_KEYS}{_VNI_MARK_KEYS.upper()}]")
# (One pass of str.translate and NFC: a pattern of the letters and their marks, each looked up in
# a table, gave the same text in 29.7 µs a lead typed in VNI against 17.2, 2026-12-04.)
_VNI_MARKS = _vni_marks()
# The marks and letters of VNI that Unicode Vietnamese does not use (a subset of TCVN3_TELLS),
# and the letters it follows with a mark that Unicode Vietnamese never writes after them ("aâ",
# "eá", "où"; not "oá", which is "hoá").
VNI_TELLS = "äåæëïîñöøûüÄÅÆËÏÎÑÖØÛÜ"
_VNI_LETTER_RE = re.compile(f"[{VNI_TELLS}]")
_VNI_TELL_RE = re.compile(f"[{VNI_TELLS}]|[aAeEoO][âÂ]|[aA][êÊéÉèÈúÚ]|[aAeE][áÁàÀãÃ]|[aeiouyAEIOUYôÔ][ùÙõÕ]")


def from_vni(text: str) -> str:
    """The Unicode text (NFC) of ``text`` typed in the VNI fonts and pasted as it showed, or of
    a VNI file read in Windows' Western code page.

    A mark follows its vowel, so one that follows no vowel is a letter of another language and
    stays ("Jürgen", "Düsseldorf"; "ö", a letter of VNI, is still "ư": "Mövenpick").

    >>> from_vni("Ñöôøng ôû xaõ Taân Dónh ngaäp naëng, daân böùc xuùc quaù")
    'Đường ở xã Tân Dĩnh ngập nặng, dân bức xúc quá'
    >>> from_vni("UÛY BAN NHAÂN DAÂN TÆNH BAÉC GIANG")
    'ỦY BAN NHÂN DÂN TỈNH BẮC GIANG'
    >>> from_vni("Ñöùc: Jürgen ôû Düsseldorf")
    'Đức: Jürgen ở Düsseldorf'
    """
    if _VNI_STRAY_MARK_RE.search(text) is None:
        return unicodedata.normalize("NFC", text.translate(_VNI_MARKS))
    pieces, done = [], 0
    for stray in _VNI_STRAY_MARK_RE.finditer(text):
        pieces += (text[done : stray.start()].translate(_VNI_MARKS), stray.group())
        done = stray.end()
    return unicodedata.normalize("NFC", "".join(pieces) + text[done:].translate(_VNI_MARKS))


def typed_in_vni_fonts(text: str) -> bool:
    """:func:`typed_in_tcvn3_fonts` for the VNI fonts ("Uûy ban nhaân daân"): one of its letters
    that Unicode Vietnamese never holds (:data:`VNI_TELLS`), and read as VNI four in five words or
    more are syllables, where as they stand fewer than half are, or a share at least 0.3 lower.

    >>> typed_in_vni_fonts("Uûy ban nhaân daân tænh Baéc Giang"), typed_in_vni_fonts("Ủy ban nhân dân")
    (True, False)
    """
    return _vni_reading(text) > 0


def _vni_reading(text: str) -> float:
    """:func:`_tcvn3_reading` for the VNI fonts."""
    head = text[:4096]
    # A character Unicode Vietnamese never holds, as the row checks' quick scan and the plain-line
    # reader look for: all but 0.03 % of TC201805 leads typed in VNI have one, 1.3 % of UIT-VSFC's
    # short comments not.
    if not _VNI_LETTER_RE.search(head):
        return 0.0
    return _reads_better(head, from_vni(head), _VNI_LETTER_RE)


def _reads_better(head: str, converted: str, tells: re.Pattern[str]) -> float:
    """The share of syllables in ``converted`` (:func:`vietnamese_share`) where it is Vietnamese
    and ``head`` as it stands is not (:func:`_share_as_it_stands`), else 0: three words or more
    with letters beyond ASCII, four in five of them syllables, and as they stand fewer than half,
    or a share at least 0.3 lower; or two such words, both syllables, one of the fonts' ``tells``
    in ``head`` and as they stand half of them syllables at most ("h¬i khã", TCVN3's "hơi khó").

    The words as they stand are whole words, signs in them too: "§­êng" is no syllable, where
    its letters alone, "êng", were one. Over every third text of the shared corpora typed in the
    fonts (bench/bench_encodings.py, 2026-12-04), this and the rule for two words told UIT-VSFC's
    comments typed in TCVN3 95.85 -> 97.84 % of the time, in VNI 96.08 -> 97.34 %, AIVIVN's
    93.41 -> 96.49 % and 94.08 -> 95.93 %; 3 of those 3,804 comments typed in TCVN3 are now read
    as VNI ("giäng nãi", TCVN3's "giọng nói", reads "giậng" in VNI) against 1, and no text as it
    is (but one VNTC article that holds words typed in VNI, "cuùp FA vaø League Cup").
    """
    share, words = vietnamese_share(converted)
    if words == 2 and share == 1.0:
        return 1.0 if tells.search(head) and _share_as_it_stands(head) <= 0.5 else 0.0
    if words < 3 or share < 0.8:
        return 0.0
    # As they stand, pieces of the words may be syllables ("êng" of "§­êng", "Cõ" for "Cừ"): half
    # of them in "§­êng NguyÔn V¨n Cõ, ph­êng Vò Ninh ngËp s©u". Over the shared corpora's texts
    # (153,000, title and text, 2026-12-04) typed in TCVN3, a share of syllables 0.3 higher read
    # so than as they stand tells 99.6 % of the TC201805 leads (96.0 % with "fewer than half as
    # they stand" alone) and 95 % of UIT-VSFC's short comments (79 %); no text of those corpora
    # as it is, nor French, German or Spanish text, is told by either (bench/bench_encodings.py).
    as_is = _share_as_it_stands(head)
    return share if as_is < 0.5 or share - as_is >= 0.3 else 0.0


_DIGIT_RE = re.compile(r"\d")
# The punctuation round a word, which _share_as_it_stands strips.
_PUNCTUATION = "\"'()[]{}<>,.:;!?…“”‘’«»-–—/"


def _share_as_it_stands(text: str) -> float:
    """:func:`vietnamese_share` of ``text`` by its words as they stand, punctuation round them
    apart: a word of signs and letters ("®¸o", "h¬i", typed in TCVN3) is no syllable, where its
    letters alone ("o", "h" and "i") would be left out as ASCII."""
    shares = [
        _WORD.fullmatch(w) is not None and _is_syllable(w)
        for w in (t.strip(_PUNCTUATION) for t in unicodedata.normalize("NFC", text).split())
        if not w.isascii() and not w.isupper() and _DIGIT_RE.search(w) is None  # ("5€", "33ºC")
    ]
    return sum(shares) / len(shares) if shares else 0.0


# The fonts a text may have been typed in: how well a text reads typed so, how to tell its short
# neighbours, and how to convert it.
_FONTS: dict[str, tuple[Callable[[str], float], re.Pattern[str], Callable[[str], str]]] = {
    TCVN3: (_tcvn3_reading, _TELL_RE, from_tcvn3_fonts),
    VNI: (_vni_reading, _VNI_TELL_RE, from_vni),
}


@lru_cache(maxsize=64)  # the row checks ask of a text, then mend_typed_fonts of the same text
def typed_in_fonts(text: str) -> str | None:
    """``"tcvn3"`` or ``"vni"``: the legacy fonts ``text`` was typed in and pasted as it showed
    (:func:`typed_in_tcvn3_fonts`, :func:`typed_in_vni_fonts`), else ``None``. Where both read it,
    the one in which more of its words are syllables: a short VNI text ("coâ giaûng raát hay")
    may read as TCVN3 in shapes of syllables ("coõ giaỷng raỏt hay"), 17 of 7,700 UIT-VSFC and
    AIVIVN comments typed in VNI (2026-12-04).

    >>> typed_in_fonts("nh©n d©n tØnh"), typed_in_fonts("nhaân daân tænh"), typed_in_fonts("nhân dân")
    ('tcvn3', 'vni', None)
    >>> typed_in_fonts("coâ giaûng raát hay, raát nhieät tình khi giaûng daïy")
    'vni'
    """
    best, fonts = 0.0, None
    for name, (reading, _, _) in _FONTS.items():
        share = reading(text)
        if share > best:
            best, fonts = share, name
            if share == 1.0:  # (no other reading can do better)
                break
    return fonts


def from_fonts(text: str, fonts: str) -> str:
    """The Unicode text of ``text`` typed in the legacy ``fonts`` (``"tcvn3"`` or ``"vni"``)."""
    return _FONTS[fonts][2](text)


# A word with a letter that text typed in either fonts and pasted never holds, one past the Western
# code page (but Windows' own letters of 0x80-0x9F, "Š", "Œ", "Ž", "ƒ" ...): a word typed in Unicode.
_UNICODE_LETTER = r"[^\W\d_\x00-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192]"
_UNICODE_LETTER_RE = re.compile(_UNICODE_LETTER)
_UNICODE_WORD_RE = re.compile(rf"(?<!\S)\S*?{_UNICODE_LETTER}\S*")
_TOKEN_RE = re.compile(r"\S+")
# Per fonts, a word typed in them for sure: TCVN3's sign VNI does not use beside a letter, or VNI's
# letter (as the readings of a whole text ask for).
_WORD_TELLS = {TCVN3: _TELL_IN_WORD_RE, VNI: _VNI_LETTER_RE}


@lru_cache(maxsize=64)  # the row checks ask of a text, then mend_typed_fonts of the same text
def typed_parts(text: str) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """The legacy fonts ``text`` was typed in, whole or in part, and the spans typed so, else
    ``None``: a text typed whole (``(fonts, ((0, len(text)),))``), or stretches of one typed in
    Unicode round a paste from an old document ("Kính gửi UBND xã, tôi phản ánh: ®­êng liªn
    x· ngËp s©u").

    A text with no word typed in Unicode for sure (with a letter past the Western code page:
    "gửi", "xã") is told as :func:`typed_in_fonts` tells it, and converted from its first word
    typed in the fonts for sure to its last, and the words beyond as :func:`_edge` takes them:
    nearly always whole. In a text with such words, each stretch between them with a word typed
    in the fonts for sure (a sign beside a letter, or no syllable as it stands and syllables
    converted) is told as a whole text is (:func:`_reads_better`): mostly syllables converted
    and far fewer as they stand. Where both fonts find stretches, those of more syllables win.

    >>> typed_parts("Kính gửi UBND: ®­êng liªn x· ngËp s©u, ng­êi d©n bøc xóc. Xin cảm ơn")
    ('tcvn3', ((15, 57),))
    >>> typed_parts("Nhà hàng Mövenpick và ông Jürgen Müller ở Hà Nội"), typed_parts("nhân dân")
    (None, None)
    """
    # Read whole, a text typed in part may be told ("Kính gửi: ®­êng ngËp s©u"), but converted
    # whole, its words typed in Unicode with letters of the Western code page would not be the
    # same ("Kớnh"): its stretches are told and converted alone.
    if not _UNICODE_LETTER_RE.search(text):  # (in C) nearly every typed text: read whole first
        fonts = typed_in_fonts(text)
        if fonts is None:
            return None
        # Its stretch leaves a sentence at its start or end written as it stands if it reads so
        # far better ("Phóng sinh hay sát sinh? H«m nay ..."); where no word is typed in the fonts
        # for sure, as in some short comments, it is converted whole.
        return fonts, _stretches(text, fonts, told=True)[1] or ((0, len(text)),)
    best: tuple[int, str, tuple[tuple[int, int], ...]] | None = None
    for name in _FONTS:
        syllables, spans = _stretches(text, name)
        if spans and (best is None or syllables > best[0]):
            best = syllables, name, spans
    return None if best is None else best[1:]


def _stretches(
    text: str, fonts: str, alike: bool = False, told: bool = False
) -> tuple[int, tuple[tuple[int, int], ...]]:
    """The stretches of ``text`` typed in ``fonts`` (:func:`typed_parts`) and the syllables they
    hold converted; with ``alike``, however short, in a record another text of which was typed
    so (:func:`_typed_alike`); ``told``: the text was told typed in them whole, which its one
    stretch needs not be again."""
    tells = _FONTS[fonts][1] if alike else _WORD_TELLS[fonts]
    if not tells.search(text):
        return 0, ()
    found, syllables = [], 0
    start = 0
    for end, after in [(m.start(), m.end()) for m in _UNICODE_WORD_RE.finditer(text)] + [(len(text), 0)]:
        if end > start and tells.search(text, start, end):
            span = _typed_stretch(text, start, end, fonts, alike, told)
            if span is not None:
                found.append(span[:2])
                syllables += span[2]
        start = after
    return syllables, tuple(found)


def _typed_stretch(
    text: str, start: int, end: int, fonts: str, alike: bool, told: bool
) -> tuple[int, int, int] | None:
    """The stretch of ``text[start:end]`` (words none of which was typed in Unicode) typed in
    ``fonts``, as ``(start, end, syllables converted)``, else ``None`` (:func:`_stretches`):
    from its first word typed so for sure (a syllable converted, and none as it stands or with
    one of the fonts' tells) to its last, and on either side the words :func:`_edge` takes. Only
    the words from each end to the first typed for sure are read one by one: a text typed whole
    costs a few.
    """
    _, loose, convert = _FONTS[fonts]
    tells = loose if alike else _WORD_TELLS[fonts]

    def reads(word: str) -> bool:
        return word.isascii() or _no_other_words(convert(word))

    def typed(word: str) -> bool:
        if word.isascii():
            return False
        if not (tells.search(word) or _SIGN_IN_WORD_RE.search(word) or not _no_other_words(word)):
            return False
        words = [w for w in _WORD.findall(unicodedata.normalize("NFC", convert(word))) if not w.isascii()]
        return bool(words) and all(map(_is_syllable, words))  # (capitals too: "BI£N" is "BIÊN")

    before: list[tuple[int, int]] = []  # the words before the first typed for sure, nearest last
    for m in _TOKEN_RE.finditer(text, start, end):
        if typed(m.group()):
            lo = m.start()
            break
        before.append(m.span())
    else:
        return None
    after: list[tuple[int, int]] = []  # the words after the last typed for sure, nearest last
    for a, z in _words_backwards(text, lo, end):
        if typed(text[a:z]):
            hi = z
            break
        after.append((a, z))
    lo = _edge(text, lo, before, convert, reads, 0, start == 0)
    hi = _edge(text, hi, after, convert, reads, 1, end == len(text))
    if told:
        return lo, hi, 0
    head = text[lo : min(hi, lo + 4096)]
    if alike:
        return (lo, hi, 0) if _typed_alike(head, loose, convert) else None
    share = _reads_better(head, convert(head), tells)
    if share == 0.0:
        return None
    return lo, hi, round(share * vietnamese_share(head)[1])


def _edge(
    text: str,
    edge: int,
    words: list[tuple[int, int]],
    convert: Callable[[str], str],
    reads: Callable[[str], bool],
    side: int,
    open_end: bool,
) -> int:
    """Where a stretch typed in legacy fonts ends on one ``side`` (0: its start, 1: its end),
    from ``edge``, that of its outermost word typed so for sure, and ``words``, those beyond it,
    nearest last, which it takes while they read as syllables converted.

    Of the words conversion changes, it takes those up to where the odds that they were typed
    with it add up best. A word's odds are how much more often it is written converted than as
    it stands (:func:`_written_more_converted`; "là" is written 8,000 times as often as "lổ"),
    times 4 in the stretch's sentence and a sixteenth past its end, where a paste begins and ends.

    ``open_end``: no word beyond is typed in Unicode for sure (the text begins or ends there).
    The stretch's sentence then takes its words at odds 256 times as high, and those that read
    as no syllable either way, as a text typed whole stays whole ("Nói löa": "nói" is written
    ten times as often as "núi"). If it takes that sentence whole, it takes each sentence beyond
    whole, up to one written a thousand times as often as it stands ("Phóng sinh hay sát sinh?
    H«m nay").
    """
    crossed = False  # past the stretch's sentence
    last = edge
    total = best = 0.0
    reach = edge  # open_end: how far the sentence being read would take the stretch
    for a, z in reversed(words):
        if _ends_sentence(text, z if side == 0 else last):
            if open_end:  # the sentence before this word is read: taken whole, or it ends here
                if (total < -_OPEN_END_ODDS) if crossed else (edge != reach):
                    return edge
                edge, total = reach, 0.0
            crossed = True
        last = z
        word = text[a:z]
        legible = reads(word)
        if not legible and (not open_end or _syllables(word)):
            break  # (at an open end, a word that reads neither way, "CafÐ", "®c", is taken)
        converted = convert(word)
        if converted == word:
            continue
        odds = _written_more_converted(word, converted) if legible else 0.0
        if open_end and crossed:
            total += odds
            reach = (a, z)[side]
            continue
        total += odds + (_OPEN_SENTENCE_ODDS if open_end else -_CROSSED_ODDS if crossed else _SENTENCE_ODDS)
        reach = (a, z)[side]
        if total >= best:
            best, edge = total, reach
    if open_end and crossed and total >= -_OPEN_END_ODDS:
        edge = reach
    return edge


# The log of the odds that a word next to a stretch typed in legacy fonts was typed with it: in
# its sentence; past a sentence's end (negative); in its sentence where no word of the text beyond
# is typed in Unicode for sure; and those a sentence at such a text's start or end needs to stay
# as it stands. (Chosen on texts of the shared corpora apart from bench_encodings' own, half typed:
# past a sentence's end 1/4 -> 1/16 converted 99.30 -> 99.50 % of those typed in TCVN3 exactly,
# 99.64 -> 99.77 % in VNI, parted at a sentence's end; 97.94 -> 97.84 % and 98.80 % parted at a word.)
_SENTENCE_ODDS = math.log(4)
_CROSSED_ODDS = math.log(16)
_OPEN_SENTENCE_ODDS = math.log(256)
_OPEN_END_ODDS = math.log(1000)


def _written_more_converted(word: str, converted: str) -> float:
    """How much more often the words beyond ASCII of ``converted`` (``word`` converted) are
    written than those of ``word``: the log of their counts in news (:func:`syllable_counts`,
    plus one) summed, converted less as it stands."""
    counts = syllable_counts()

    def weight(text: str) -> float:
        words = _WORD.findall(unicodedata.normalize("NFC", text).lower())
        return sum(math.log1p(counts.get(w, 0)) for w in words if not w.isascii())

    return weight(converted) - weight(word)


SYLLABLE_COUNTS_PATH = Path(__file__).parent / "data" / "syllable_counts.tsv"


@lru_cache(maxsize=1)
def syllable_counts() -> dict[str, int]:
    """How often each syllable with letters beyond ASCII (lower case, NFC) is written in the
    shared news corpora (``data/syllable_counts.tsv``, written by ``scripts/syllable_counts.py``)."""
    with open(SYLLABLE_COUNTS_PATH, encoding="utf-8") as handle:
        rows = (line.rstrip("\n").split("\t") for line in handle if not line.startswith("#"))
        return {word: int(count) for word, count in rows}


def _words_backwards(text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """The spans of the words (runs of non-white-space) of ``text[lo:hi]``, from the last.

    (``re`` cannot search backwards: listing every word of a text typed whole, up to 1 MB, to
    read the last few would cost its whole length.)"""
    end = hi
    while end > lo:
        while end > lo and text[end - 1].isspace():
            end -= 1
        start = end
        while start > lo and not text[start - 1].isspace():
            start -= 1
        if start < end:
            yield start, end
        end = start


# A sign of the Western code page between two letters, "h«n", "r»ng" (TCVN3's "ô", "ằ"), which no
# word typed in Unicode holds ("«" and "»" are TCVN3 tells only there: French quotes are common),
# or a C1 control, TCVN3's capitals with a tone ("T\x86P" for "TẬP").
_SIGN_IN_WORD_RE = re.compile(r"[^\W\d_][\xa1-\xbf\xd7\xf7][^\W\d_]|[\x80-\x9f]")


def _syllables(text: str) -> bool:
    """Whether ``text`` has words with letters beyond ASCII, all syllables (:func:`vietnamese_share`)."""
    share, words = vietnamese_share(text)
    return words > 0 and share == 1.0


def _no_other_words(text: str) -> bool:
    """Whether every word of ``text`` with letters beyond ASCII is a syllable, in capitals
    (:func:`vietnamese_share`) or one letter ("đ", a currency)."""
    share, words = vietnamese_share(text)
    return share == 1.0 or words == 0 or all(len(w) == 1 for w in _WORD.findall(text) if not w.isascii())


# A sentence's end: its mark (then closing quotes or brackets) at a word's end, or a line break after it.
_SENTENCE_END_RE = re.compile(r"[.!?:;…][\"')\]\u201d\u2019]*(?=\s|$)|[^\S\r\n]*[\r\n]")


def _ends_sentence(text: str, end: int) -> bool:
    """Whether the word of ``text`` that ends at ``end`` ends a sentence or a line."""
    word_end = _SENTENCE_END_RE.search(text, max(end - 4, 0), end)
    return (word_end is not None and word_end.end() == end) or _SENTENCE_END_RE.match(text, end) is not None


def mend_typed_fonts(
    values: MutableMapping[str, Any], names: Iterable[str], in_part: list[str] | None = None
) -> tuple[str | None, list[str]]:
    """Convert in place the texts of one record (``values[name]`` for ``name`` in ``names``)
    typed in legacy fonts: those :func:`typed_parts` tells, whole or the stretches typed so, and
    once one is, the others typed alike however short (a title, a place). Values that are no
    text, or ASCII, are left alone.

    Args:
        values: The record.
        names: The names of its texts.
        in_part: Where given, the names of the texts converted in part (the rest of each was
            typed in Unicode) are appended to it.

    Returns:
        The fonts (``"tcvn3"``, ``"vni"``, or ``None`` where no text was typed so) and the names
        converted, in order.

    >>> row = {"text": "Uû ban nh©n d©n tØnh B¾c Giang ®Ò nghÞ", "title": "§­êng ngËp", "id": 7}
    >>> mend_typed_fonts(row, ("title", "text", "id")), row["title"]
    (('tcvn3', ['title', 'text']), 'Đường ngập')
    >>> row = {"text": "Kính gửi UBND xã: ®­êng liªn x· ngËp s©u, cã ng­êi ng·.", "title": "Về ®­êng"}
    >>> in_part = []
    >>> mend_typed_fonts(row, ("title", "text"), in_part), in_part, row["title"]
    (('tcvn3', ['title', 'text']), ['text'], 'Về đường')
    >>> row["text"]
    'Kính gửi UBND xã: đường liên xã ngập sâu, có người ngã.'
    """
    names = [n for n in names if isinstance(values.get(n), str) and not values[n].isascii()]
    # Every text typed in either fonts holds a TCVN3 tell (VNI's letters are among them): one scan
    # in C leaves the others, nearly all, without the readings or their cache (9.2 -> 1.7 µs for
    # a news lead, its title and source, 2026-12-04).
    told = (typed_parts(values[n]) for n in names if _TELL_RE.search(values[n]))
    fonts = next((parts[0] for parts in told if parts is not None), None)
    if fonts is None:
        return None, []
    mended = []
    for name in names:
        text = values[name]
        spans = _typed_spans(text, fonts)
        if not spans:
            continue
        pieces, done = [], 0
        for a, z in spans:
            pieces += (text[done:a], from_fonts(text[a:z], fonts))
            done = z
        values[name] = "".join(pieces) + text[done:]
        mended.append(name)
        # (A text converted whole, as nearly every typed text is, is not converted again to see.)
        whole = spans == ((0, len(text)),)
        if in_part is not None and not whole and values[name] != from_fonts(text, fonts):
            in_part.append(name)  # the rest of it was typed in Unicode
    return fonts, mended


def _typed_spans(text: str, fonts: str) -> tuple[tuple[int, int], ...]:
    """The spans of ``text``, a text of a record typed in ``fonts`` (:func:`mend_typed_fonts`),
    typed so: those :func:`typed_parts` finds, else those typed alike however short
    (:func:`_typed_alike`), else none."""
    parts = typed_parts(text) if _TELL_RE.search(text) else None
    if parts is not None:
        return parts[1] if parts[0] == fonts else ()
    if _UNICODE_LETTER_RE.search(text):
        return _stretches(text, fonts, alike=True)[1]
    _, tells, convert = _FONTS[fonts]
    return ((0, len(text)),) if _typed_alike(text, tells, convert) else ()


def legacy_encoding(head: bytes, whole: bool = False) -> str | None:
    """``"cp1258"``, ``"tcvn3"`` or ``"vni"``: the legacy encoding in which the first bytes of a
    file that is no UTF-8 read as Vietnamese, else ``None`` (a Western code page, another
    language). A VNI file is read in Windows' Western code page, then as VNI (:func:`from_vni`).

    Read so, nearly every character beyond ASCII but typographic punctuation (curly quotes,
    dashes, the ellipsis, a no-break space: Word puts them in text pasted into Excel) is a letter
    (TCVN3 read as Windows-1258 gives symbols: "§­êng"), and nine words in ten that hold such
    letters are syllables (Windows-1258 or VNI read as TCVN3 gives letters that make none). A head
    with fewer than ten such words says too little to choose; unless it is the ``whole`` file,
    where three words suffice when every character beyond ASCII is a letter and every such word
    a syllable (a file of one short row).
    """
    for encoding in ("cp1258", TCVN3, VNI):
        if encoding == VNI:
            text = from_vni(head.decode("cp1252", errors="replace"))
        else:
            text = unicodedata.normalize("NFC", head.decode(encoding, errors="replace"))
        beyond = [c for c in text if ord(c) > 127 and c not in _TYPOGRAPHY]
        letters = sum(unicodedata.category(c).startswith("L") for c in beyond)
        if not beyond or letters < 0.97 * len(beyond) or (len(beyond) < 20 and not whole):
            continue
        share, words = vietnamese_share(text)
        if (len(beyond) >= 20 and words >= 10 and share >= 0.9) or (
            whole and words >= 3 and share == 1.0 and letters == len(beyond)
        ):
            return encoding
    return None
