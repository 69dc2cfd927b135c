"""Vietnamese text normalisation: the first step of the analysis engine.

``normalise(text)`` returns a :class:`Normalised` record holding

- ``text``: the display form — Unicode NFC, one canonical tone-mark placement, zero-width and control
  characters removed, personal data (URLs, e-mail addresses, phone numbers, citizen identity card
  numbers) replaced by the placeholders ``<url>``, ``<email>``, ``<phone>``, ``<id>``, common chat
  spellings expanded (``ko`` → ``không``), case kept
  (administrative abbreviations such as ``UBND``, ``HĐND``, ``KT-XH`` are never touched);
- ``folded``: ``text`` lower-cased and accent-free (``đ`` → ``d``), *character for character the same
  length as* ``text`` so an offset found in one is valid in the other;
- ``spans``: where the personal data was, as offsets into the *original* text, so a reviewer can find
  it while no model ever sees it.

Tone placement. Vietnamese writes the tone of the open syllables ``oa``, ``oe``, ``uy`` either on the
first vowel (``hòa``, ``khỏe``, ``thúy`` — the placement of the Government's own documents and of the
official unit names such as "Thanh Hóa", "Khánh Hòa", "Hòa Bình") or on the second (``hoà``, ``khoẻ``,
``thuý``). Guides disagree on which of the two is "old" and which "new"; whatever the label,
:func:`canonical_tones` always writes the *first-vowel* form for these open syllables (``hòa``,
``thúy``, ``khỏe``), and the second-vowel form where a letter follows (``hoàng``, ``ngoài``,
``khuỷu``) or after ``qu`` (``quý``), where both traditions agree. Misplaced tones in closed syllables
(``hòang``) are corrected too.

Everything is compiled regular expressions, ``str.translate`` and one Aho–Corasick automaton (chat
forms); there is no per-character Python loop on the common path. The batch form the analysis
pipeline uses, :func:`normalise_many`, looks the code points of a whole batch up in numpy tables
first and runs the regular expressions only on the texts and places that can match. ``python -m
duluan.analysis.normalise_bench`` prints the rate of both on real news leads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import FrozenInstanceError, dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick
import numpy as np

__all__ = [
    "PLACEHOLDERS",
    "Normalised",
    "Span",
    "abbreviations",
    "canonical_tones",
    "chat_form_table",
    "chat_forms_unplaced",
    "chat_lexicon",
    "expand_chat_forms",
    "fold",
    "fold_many",
    "mask_personal_data",
    "normalise",
    "normalise_many",
    "normalise_texts",
    "personal_data_kinds",
    "personal_data_values",
    "syllables",
    "written_bare",
]

DATA_DIR = Path(__file__).parent / "data"
CHAT_LEXICON_PATH = DATA_DIR / "chat_lexicon.tsv"
ABBREVIATIONS_PATH = DATA_DIR / "abbreviations.tsv"

URL, EMAIL, PHONE, ID_NUMBER = "url", "email", "phone", "id"
# A writer's name and house, masked in the platform's texts by
# duluan.analysis.frames.mask_identity (the normaliser finds neither).
NAME, HOUSE = "name", "house"
PLACEHOLDERS = {
    URL: "<url>", EMAIL: "<email>", PHONE: "<phone>", ID_NUMBER: "<id>", NAME: "<name>", HOUSE: "<house>"
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of personal data in the original text: ``original[start:end]``."""

    kind: str
    start: int
    end: int


class Normalised:
    """The result of :func:`normalise`; ``folded`` has exactly the length of ``text``.

    Immutable, compared by value. ``folded`` is computed on first use (the analysis pipeline
    never reads it, and folding was a fifth of the cost of :func:`normalise`).

    Args:
        original: The text as received.
        text: The display form.
        folded: ``fold(text)``, when the caller already has it.
        spans: The personal data found, as offsets into ``original``.
    """

    __slots__ = ("_folded", "original", "spans", "text")

    def __init__(
        self, original: str, text: str, folded: str | None = None, spans: tuple[Span, ...] = ()
    ) -> None:
        object.__setattr__(self, "original", original)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "spans", spans)
        object.__setattr__(self, "_folded", folded)

    @property
    def folded(self) -> str:
        """``text`` lower-cased and accent-free (:func:`fold`), of the same length."""
        if self._folded is None:
            object.__setattr__(self, "_folded", fold(self.text))
        return self._folded

    def _fields(self) -> tuple[str, str, str, tuple[Span, ...]]:
        return (self.original, self.text, self.folded, self.spans)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        original, text, folded, spans = self._fields()
        return f"Normalised(original={original!r}, text={text!r}, folded={folded!r}, spans={spans!r})"


# --- folding -------------------------------------------------------------------------------------


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    candidates = [chr(c) for c in range(0x41, 0x5B)]
    candidates += [chr(c) for c in range(0xC0, 0x250)]  # Latin-1 Supplement, Latin Extended-A/B
    candidates += [chr(c) for c in range(0x1E00, 0x1F00)]  # Latin Extended Additional (Vietnamese)
    for ch in candidates:
        if ch in "ĐđÐð":  # (the eth typed for đ: see _SPACES_TABLE)
            table[ord(ch)] = "d"
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        base = base.lower()
        if len(base) == 1 and base.isascii() and base != ch:
            table[ord(ch)] = base
    return table


_FOLD_TABLE = _build_fold_table()
# ``str.translate`` indexes a list faster than it looks up a dict; characters past its end raise
# IndexError (a LookupError), which ``translate`` treats as "keep".
_FOLD_LIST: list[int | str] = list(range(max(_FOLD_TABLE) + 1))
for _code, _base in _FOLD_TABLE.items():
    _FOLD_LIST[_code] = _base
# The same table as code points, for :func:`fold_many`.
_FOLD_CODES = np.array([c if isinstance(c, int) else ord(c) for c in _FOLD_LIST], dtype="<u4")
_VIETNAMESE_MARKED = "".join(
    chr(c) for c in _FOLD_TABLE if not chr(c).isascii() and chr(c).lower() != _FOLD_TABLE[c]
)


def fold(text: str) -> str:
    """Return ``text`` lower-cased and accent-free (``đ`` → ``d``), for matching.

    For NFC input the result has the same length as the input (one character for one character).

    Args:
        text: any string; Vietnamese should already be NFC (decomposed marks are kept as they are).

    Returns:
        The folded string, e.g. ``fold("Ủy ban Đồng Nai") == "uy ban dong nai"``.
    """
    return _lower_aligned(text.translate(_FOLD_LIST))


def written_bare(text: str) -> bool:
    """Whether ``text`` reads as typed without diacritics.

    Vietnamese written with its diacritics has a letter outside ASCII in most words; typed
    without them, a text has only the few that the normaliser's expansions bring ("ko" becomes
    "không") or an emoji. A text counts as bare when its UTF-8 form is less than 5 % longer than
    its characters: one encoding in C, no loop over the characters. Of the shared corpora's
    texts (2026-12-01), 0.15 % of the UIT-VSFC training sentences count as bare (English ones),
    0.11 % of the TC201805 articles (English, football scores), 0.07 % of VNTC's (forum
    questions typed without diacritics under an accented title) and 3.9 % of the AIVIVN reviews
    ("khong thay den sang", and English).
    """
    return len(text.encode("utf-8", "surrogatepass")) * 20 < len(text) * 21


def fold_many(texts: Sequence[str]) -> list[str]:
    """Return ``[fold(t) for t in texts]``, translating the whole batch in one numpy pass.

    ``str.translate`` looks every character up in Python objects; a table look-up over the code
    points of the joined batch costs less than half as much on news leads.

    Args:
        texts: Any strings (lone surrogates included).

    Returns:
        The folded texts, in order.
    """
    if not texts:
        return []
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    known = codes < _FOLD_CODES.size
    folded = np.where(known, _FOLD_CODES[np.where(known, codes, 0)], codes)
    joined = folded.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    result: list[str] = []
    start = 0
    for text in texts:
        end = start + len(text)
        result.append(_lower_aligned(joined[start:end]))
        start = end
    return result


def _lower_aligned(translated: str) -> str:
    """Lower-case a translated text, keeping one character for one character."""
    if translated.isascii():
        return translated
    lowered = translated.lower()
    if len(lowered) == len(translated):
        return lowered
    # A few characters (e.g. "İ") lower-case to two; keep them as they are to keep offsets aligned.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in translated)


# --- tone placement ------------------------------------------------------------------------------

_TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền, sắc, hỏi, ngã, nặng


def _with_tone(letter: str, mark: str) -> str:
    return unicodedata.normalize("NFC", letter + mark)


def _build_tone_pairs() -> tuple[dict[str, tuple[str, str]], str]:
    """Map every toned spelling of oa/oe/uy to (first-vowel form, second-vowel form)."""
    pairs: dict[str, tuple[str, str]] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for f in (first, first.upper()):
            for s in (second, second.upper()):
                for mark in _TONE_MARKS:
                    on_first = _with_tone(f, mark) + s
                    on_second = f + _with_tone(s, mark)
                    pairs[on_first] = pairs[on_second] = (on_first, on_second)
    firsts = "".join(sorted({k[0] for k in pairs}))
    toned_seconds = "".join(sorted({k[1] for k in pairs} - set("aAeEyY")))
    # One leading character class lets the regex engine skip quickly to candidate vowels. A tone on
    # the first vowel ("hòa", the common spelling) only moves after "qu" or before a letter, so only
    # those spellings are matched (and handed to Python); "\w" is a superset of the letters
    # _place_tone tests for. A match never starts at the second vowel of another, so skipping one
    # cannot make the engine match elsewhere.
    alternatives = f"[{firsts}](?:(?<=[oOuU])[{toned_seconds}]|(?<![oOuU])[aAeEyY](?:(?=\\w)|(?<=[qQ]..)))"
    return pairs, alternatives


_TONE_PAIRS, _TONE_ALTERNATIVES = _build_tone_pairs()
_TONE_RE = re.compile(_TONE_ALTERNATIVES)


def _build_onset_tones() -> dict[str, str]:
    """Map every spelling that puts the tone on the "u" of "qu" or the "i" of "gi" before a vowel
    ("qúa", "gía", "gíup") to the canonical one ("quá", "giá", "giúp"): those letters are the
    syllable's onset, and its tone belongs on its vowel."""
    moves: dict[str, str] = {}
    untoned = "aăâeêioôơuưy"
    for onset, toned_letter, followers in (("q", "u", untoned), ("g", "i", untoned.replace("i", ""))):
        for o in (onset, onset.upper()):
            for t in (toned_letter, toned_letter.upper()):
                for v in followers + followers.upper():
                    for mark in _TONE_MARKS:
                        moves[o + _with_tone(t, mark) + v] = o + t + _with_tone(v, mark)
    return moves


_ONSET_TONES = _build_onset_tones()
# Classes, not the ~900 spellings as alternatives, and from the toned vowel (rarer than any other
# first character), looking back at its onset: the alternatives, searched in every text the
# scorers place, cut `classify`'s rate on VNTC articles by three quarters (48.9 against 8.9 µs an
# article for the search). The "i" of "gi" is followed by any vowel but "i" ("gìi" is no
# spelling of _ONSET_TONES: one class for both onsets made canonical_tones raise KeyError on it,
# and `analyze` reject the row, 2026-12-07).
_ONSET_TONE_RE = re.compile(
    "[ùúủũụÙÚỦŨỤ](?<=(?<!\\w)[qQ][ùúủũụÙÚỦŨỤ])[aăâeêioôơuưyAĂÂEÊIOÔƠUƯY]"
    "|[ìíỉĩịÌÍỈĨỊ](?<=(?<!\\w)[gG][ìíỉĩịÌÍỈĨỊ])[aăâeêoôơuưyAĂÂEÊOÔƠUƯY]"
)


def _move_onset_tone(match: re.Match[str]) -> str:
    """The tone of a match of ``_ONSET_TONE_RE`` (a toned vowel of the onset, then the vowel)
    moved onto the vowel."""
    start = match.start()
    onset = match.string[start - 1 : match.end()]
    return _ONSET_TONES[onset][1:]


def _place_tone(match: re.Match[str]) -> str:
    pair = _TONE_PAIRS.get(match.group())
    if pair is None:  # e.g. "quá", "uế": not an oa/oe/uy syllable
        return match.group()
    on_first, on_second = pair
    string, start, end = match.string, match.start(), match.end()
    after_qu = start > 0 and string[start - 1] in "qQ"
    closed = end < len(string) and string[end].isalpha()
    return on_second if (after_qu or closed) else on_first


def canonical_tones(text: str) -> str:
    """Put tone marks of ``oa``/``oe``/``uy`` syllables in one canonical place, and off the
    onsets ``qu`` and ``gi``.

    Open syllables carry the tone on the first vowel (``hoà`` → ``hòa``, ``thuý`` → ``thúy``,
    ``khoẻ`` → ``khỏe``); closed ones and ``qu`` syllables on the second (``hòang`` → ``hoàng``,
    ``qúy`` → ``quý``). The "u" of "qu" and the "i" of "gi" before a vowel are the onset's, so
    the tone goes on the vowel (``qúa`` → ``quá``, ``gía`` → ``giá``, ``gíup`` → ``giúp``).

    Args:
        text: NFC text.

    Returns:
        The text with canonical tone placement; every other character unchanged (the result
        may need composing again: see :func:`_tones_placed`).
    """
    placed = _TONE_RE.sub(_place_tone, text)
    if _ONSET_TONE_RE.search(placed) is not None:
        placed = _ONSET_TONE_RE.sub(_move_onset_tone, placed)
    return placed


# --- invisible characters ------------------------------------------------------------------------

# Format characters that write nothing (the soft hyphen, zero-width spaces and joiners, direction
# marks, the byte-order mark), which may stand inside a word ("Th\u200bế"); places read text
# without them too (places.context.nfc_with_offsets).
ZERO_WIDTH = frozenset(
    map(
        chr,
        [
            *(0xAD, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F),
            *(0x2060, 0x2061, 0x2062, 0x2063, 0x2064),
            *range(0x202A, 0x202F),
            *range(0x2066, 0x206A),
            0xFEFF,
        ],
    )
)
# Control characters that break a line or part fields are written as a line break or a space
# (_SPACES_TABLE): deleted, "ngập\rsâu" read as one word "ngậpsâu". A carriage return before a line
# feed writes nothing (see _visible).
_BREAKS = {0x0B: "\n", 0x0C: "\n", 0x0D: "\n", 0x85: "\n", 0x1C: " ", 0x1D: " ", 0x1E: " ", 0x1F: " "}
_INVISIBLE = (
    [c for c in range(0x00, 0x20) if chr(c) not in "\t\n" and c not in _BREAKS]
    + [c for c in range(0x7F, 0xA0) if c not in _BREAKS]
    + sorted(map(ord, ZERO_WIDTH))
)
_INVISIBLE_TABLE = dict.fromkeys(_INVISIBLE)
_INVISIBLE_SET = frozenset(chr(c) for c in _INVISIBLE)
# Characters written one for one as others: spaces and line separators, and the Icelandic eth
# "Ð"/"ð" typed for "Đ"/"đ" (315 times in 101 articles of VNTC and TC201805: "Ðảng", "Ðà Nẵng"),
# which no search for "Đảng" or "da nang" found.
_SPACES_TABLE = {
    0xA0: " ",
    0x2028: "\n",
    0x2029: "\n",
    0x202F: " ",
    0x2007: " ",
    0xD0: "Đ",
    0xF0: "đ",
    **_BREAKS,
}
_ODD_CHAR_RE = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in sorted(set(_INVISIBLE) | set(_SPACES_TABLE))) + "]"
)


# --- personal data -------------------------------------------------------------------------------

# The top-level domains a bare domain is read as a URL by ("vnexpress.net/abc"), and those of the
# short links and pages shared in messages ("youtu.be", "bit.ly", "goo.gl", "t.co"); not those
# that read as something else after a dot ("A.I", "U.S").
_TLDS = (
    "com|vn|net|org|gov|edu|info|io|me|biz|asia|xyz|online|site"
    "|be|ly|gl|co|tv|app|dev|link|news|top|club|shop|store|live"
)
# Three separate patterns, each run only when a cheap test says it can match: a combined pattern with
# leading look-behinds is tried at every position and was 10x slower on news leads.
# A local part of any letters ("văn.a@x.vn"), and of the marks an address may begin with
# ("-abc@gmail.com"): the whole run before the "@" is masked.
_EMAIL_RE = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_TLD_HINT_RE = re.compile(rf"\.(?i:{_TLDS})\b")  # starts with a literal: the engine skips to dots
_URL_RE = re.compile(
    r"(?:(?:https?|ftps?)://|www\.)[^\s<>\"']+"
    rf"|(?<![A-Za-z0-9.@-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:{_TLDS})(?:\.(?-i:[a-z]{{2}}))?"
    # (a link glued after it is another: "Petcity.vnhttps://…" is two, or masking it were not idempotent)
    r"(?:(?=(?:https?|ftps?)://)|(?![\w-]))(?:[/?#:][^\s<>\"']*)?",
    re.IGNORECASE,
)
# Mobile: 0 + 3/5/7/8/9 + 8 digits; landline: 0 + 2 + 9 digits; "+84"/"0084" for the 0; single spaces,
# dots or dashes anywhere between digits; "(024) 3825 1234". And the numbers of before 2017-2018,
# which the news of those years prints (474 more masked over the shared corpora, nearly all after
# "Tel", "ĐT" or "Hotline"):
# 11-digit mobiles ("0166 312 3456"), Hà Nội's "04" + 8 digits, and the other provinces' area code
# of 2-3 digits + 7 ("061 3822 123", "0511 3646 727": 0 + 2-9 + 8 digits, or 1-8 + 9), also in
# brackets ("(08) 930 5593").
# That is r"(?:\(\+84\)|\(84\)|\+84|0084)" + _COUNTRY_NUMBER | "0" ... | r"\(02..." with the first
# group spelt out in each alternative (tried in the same order, so the same matches): every
# alternative then starts with a literal, and the engine skips to "(", "+" and "0" instead of
# trying every position. The 3,167 news leads (of 127,706) with a phone hint went from 7.9–8.2 to
# 3.6 µs of CPU each for finditer (2026-11-30).
# A number may be followed by a mark and another number ("0912345678,0987654321"), not by a
# decimal or a group of digits ("1,5", ".000").
_PHONE_END = r"(?!\w|[.,](?!0[235789])\d)"
_PHONE_DIGITS = rf"(?:[2-9](?:[ .-]?\d){{8}}|[1-8](?:[ .-]?\d){{9}}){_PHONE_END}"
# After the country code, the trunk "0" may be written, bare or in brackets ("+84 (0) 912 345 678",
# "+840912345678"); after "0", that is the trunk.
_COUNTRY_NUMBER = rf"[ .-]?(?:\(0\)[ .-]?|0)?{_PHONE_DIGITS}"
_PHONE_RE = re.compile(
    "|".join(prefix + _COUNTRY_NUMBER for prefix in (r"\(\+84\)", r"\(84\)", r"\+84", "0084"))
    + rf"|0[ .-]?(?:\(0\))?{_PHONE_DIGITS}"
    + rf"|\(0[2-8]\d{{0,2}}\)[ .-]?\d(?:[ .-]?\d){{6,7}}{_PHONE_END}"
)
# A citizen identity card's number (căn cước công dân: 12 digits, the province of birth's code
# 001-096, then the century and sex 0-3, the year, six more), written whole or in groups of three
# or four apart by a space, a dot or a dash ("079 201 000 123"; not in twos, as lottery draws
# are written): a phone hint holds it. The old identity card's 9 digits and bank accounts' share
# their form with numbers of any other kind: they are masked after a cue (_CUED_NUMBER_RE).
# (The "0" first, then the look back at what stands before it: with the look-behind first the
# engine tried every position, 31 µs an article with a phone hint against 1.9.)
_ID_NUMBER_RE = re.compile(
    r"0(?<![\d.,]0)\d\d(?:[0-3]\d{8}|[ .-][0-3]\d\d[ .-]\d{3}[ .-]\d{3}|[0-3][ .-]\d{4}[ .-]\d{4})"
    r"(?!\d|[.,]\d)"
)
# The numbers whose form is any number's are masked where a cue word says whose they are: the old
# identity card's 9 digits and a passport's letter and 7-8 digits after "CMND", "chứng minh thư",
# "hộ chiếu"; a bank
# account's 8-19 digits after "STK", "tài khoản", "ngân hàng X" or a bank's name, with "số", "là"
# or a colon between ("CMND số 125123456", "STK: 0451 0003 12345 Vietcombank"). Digits apart by
# spaces or dashes only, and no amount after them: "tài khoản 50000000 đồng", "100.000.000" are
# sums. (The cue is looked for in the folded text before each such number: numbers are rarer
# than the positions an alternation of cues would be tried at. A digit first, then the look back,
# as in _ID_NUMBER_RE; a passport's number is found from its first digit, as a capital starts
# more places than a digit: 7 µs an article of VNTC when looked for from its letter.)
_CUED_NUMBER_RE = re.compile(
    r"\d(?:(?<![\w.,+-]\d)(?:[ -]?\d){7,18}|(?<=[A-Z]\d)(?<![\w.,+-][A-Z]\d)\d{6,7})(?![\w@]|[.,]\d)"
    r"(?!\s*(?i:đồng|đ\b|đ$|dong\b|vnd|vnđ|usd|triệu|trieu|tỷ|ty\b|nghìn|nghin|ngàn|ngan\b|%))"
)
_BANKS = (
    "vietcombank|vcb|vietinbank|bidv|agribank|techcombank|tcb|mbbank|mb bank|mb|vpbank|acb|sacombank"
    "|tpbank|shb|hdbank|ocb|msb|vib|seabank|eximbank|lienvietpostbank|lpbank|abbank|scb|bac a bank"
    "|nam a bank|pvcombank|kienlongbank|vietabank|baovietbank|oceanbank|gpbank|cbbank|ncb|vietbank"
)
_NUMBER_CUE_RE = re.compile(
    r"(?:\b(?:cmnd|cmtnd|cmt|chung minh(?: nhan dan| thu)?|ho chieu|passport"
    rf"|stk|tk|tai khoan|account|ngan hang|bank|{_BANKS})(?: [a-z]{{2,14}})?)"
    r"\W{0,3}(?:so\W{0,3})?(?:la\W{0,3})?$"
)
_CUE_WINDOW = 40  # characters before a number that may hold its cue
_DATE_RE = re.compile(r"\d{1,2}[ -]\d{1,2}[ -]\d{2,4}")  # "CMND ngày 12-03-2006"
_PHONE_WINDOW = 6  # characters after the digit in _PHONE_HINT_RE: a landline's 7 digits
_PHONE_HINT_RE = re.compile(rf"\d[\d .-]{{{_PHONE_WINDOW}}}")
# A number glued to these is part of something else ("+" of a country code that is not Vietnam's,
# an address, a name); after a digit and "." or ",", of a larger number ("3,0912345678").
_GLUED_BEFORE = frozenset("+@_")
# A group of digits after a phone number's match, one space, dot or dash apart.
_RUNS_ON_RE = re.compile(r"[ .-]\d")
_URL_TRAILING = ".,;:!?)]}»\"'"
# Domains that are also words after a full stop without its space ("nhanh.shop nhiệt tình",
# "Hang dep.be", "HA.GL" the football club): alone (one name, a dot, the domain, nothing after)
# these are no link; with a path ("youtu.be/abc", "zalo.me/0912345678") they are.
_WORDLIKE_TLDS = frozenset(
    ("be", "ly", "gl", "co", "tv", "app", "dev", "link", "news", "top", "club", "shop", "store", "live", "me")
)


# --- chat spellings ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def chat_lexicon() -> dict[str, tuple[str, str]]:
    """Read the editable chat lexicon (``data/chat_lexicon.tsv``).

    Returns:
        ``{form: (expansion, scope)}`` with lower-case NFC forms; scope is ``any``, ``lower``,
        ``accented`` or ``sentence`` (see the file header).
    """
    return {
        form: (expansion, scope) for form, (expansion, scope, _) in _lexicon_rows(CHAT_LEXICON_PATH).items()
    }


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Read the administrative abbreviations kept as written (``data/abbreviations.tsv``).

    Returns:
        ``{abbreviation: full form}``, e.g. ``{"UBND": "Ủy ban nhân dân", ...}``.
    """
    result: dict[str, str] = {}
    for line in ABBREVIATIONS_PATH.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            abbreviation, full = line.split("\t")[:2]
            result[unicodedata.normalize("NFC", abbreviation)] = unicodedata.normalize("NFC", full)
    return result


@lru_cache(maxsize=1)
def chat_contexts() -> dict[str, tuple[bool, frozenset[str]]]:
    """The chat forms expanded only in a context (the lexicon's fourth column):
    ``{form: (only_after, words)}``, lower-case NFC: the form is expanded right after one of
    ``words`` only (``only_after``) or never right after one of them."""
    contexts = {}
    for form, (_, _, context) in _lexicon_rows(CHAT_LEXICON_PATH).items():
        kind, _, words = context.partition(":")
        if kind.strip() in ("after", "not-after"):
            contexts[form] = (
                kind.strip() == "after",
                frozenset(unicodedata.normalize("NFC", words).lower().split()),
            )
        elif context.strip():
            raise ValueError(
                f"{CHAT_LEXICON_PATH.name}: {form}: context {context!r} is not after:… or not-after:…"
            )
    return contexts


def _lexicon_rows(path: Path) -> dict[str, tuple[str, str, str]]:
    entries: dict[str, tuple[str, str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        form, expansion, scope, context = [*columns, *("any", "")[len(columns) - 2 :]][:4]
        form = unicodedata.normalize("NFC", form.strip().lower())
        entries[form] = (unicodedata.normalize("NFC", expansion.strip()), scope.strip() or "any", context)
    return entries


# A chat form is a whole word: not glued to letters, digits or these (e-mails, paths, "A.ko"; a
# full stop after a lower-case word is a sentence's end without its space: _after_a_sentence_glued).
_GLUED_BEFORE_CHAT = frozenset("@#&./<-_")
_GLUED_AFTER_CHAT = frozenset("@&/-_")
_APOSTROPHES = frozenset("'’")
_VIQR_MARKS = frozenset("`^+~")


def _after_a_sentence_glued(text: str, start: int) -> bool:
    """Whether a full stop without its space ends a sentence of lower-case letters before the form
    at ``start``: "lỗi.ko nên mua" (its addresses and links are already masked)."""
    return start > 1 and text[start - 1] == "." and text[start - 2].islower() and text[start].islower()


@lru_cache(maxsize=1)
def _chat_automaton() -> ahocorasick.Automaton:
    """All chat forms as one Aho–Corasick automaton (a regex over ~100 short alternatives tried at every
    letter was the slowest step of normalise). Case variants are spelt out — lower, and Capitalised
    unless the scope is "lower" — because ALL-CAPS forms are abbreviations that must never match."""
    automaton = ahocorasick.Automaton()
    for form, (_, scope) in chat_lexicon().items():
        variants = {form}
        if scope != "lower" and len(form) > 1:
            variants.add(form[0].upper() + form[1:])
        for variant in variants:
            automaton.add_word(variant, (variant, scope == "accented"))
    automaton.make_automaton()
    return automaton


def _expansion(token: str, text: str, start: int) -> str:
    if token in abbreviations():
        return token
    # "50 k" is fifty thousand, not "50 không", and "730 lm" lumens (but "lần 2 ko dùng được").
    if token in _UNITS and start > 1 and text[start - 2].isdigit() and text[start - 1] == " ":
        return token
    # A list's label: "k) ...", "j) ...".
    if len(token) == 1 and text[start + 1 : start + 2] == ")":
        return token
    lowered = token.lower()
    expansion, scope = chat_lexicon()[lowered]
    context = chat_contexts().get(lowered)
    if context is not None:
        only_after, words = context
        if (_word_before(text, start).lower() in words) != only_after:
            return token
    if token[0].isupper():
        # A capital beside another starts a name: "Lydia Ko", "Hok Sochetra", "Y - Duoc", "Nậm Khum".
        if scope in _NAMES_TOO and _beside_a_capital(text, start, start + len(token)):
            return token
        return expansion[0].upper() + expansion[1:]
    return expansion


# Forms that are also units after a number, and the scopes whose Capitalised forms may be names.
_UNITS = frozenset(("k", "j", "lm"))
_NAMES_TOO = frozenset(("sentence", "accented"))


# What may stand between two words of a name ("Y - Duoc").
_WITHIN_NAME = frozenset(" -–")
_SPACES_ONLY = frozenset(" \t")


def _beside_a_capital(text: str, start: int, end: int) -> bool:
    """Whether the word at ``text[start:end]`` has a word starting with a capital right before or
    after it, within its sentence (only spaces and dashes between)."""
    i = start - 1
    while i >= 0 and text[i] in _WITHIN_NAME:
        i -= 1
    if i >= 0 and i < start - 1 and text[i].isalnum():
        j = i
        while j > 0 and text[j - 1].isalnum():
            j -= 1
        if text[j].isupper():
            return True
    k = end
    while k < len(text) and text[k] in _WITHIN_NAME:
        k += 1
    return k > end and k < len(text) and text[k].isupper()


def _word_before(text: str, start: int) -> str:
    """The word right before ``text[start]``, only spaces between ("" when there is none)."""
    i = start - 1
    while i >= 0 and text[i] in _SPACES_ONLY:
        i -= 1
    j = i + 1
    while i >= 0 and text[i].isalnum():
        i -= 1
    return text[i + 1 : j] if j < start else ""


def _expand_chat_spellings(text: str, hits: list[tuple[int, int, str, bool]] | None = None) -> str:
    """Expand the whole-word chat forms of ``text``; ``hits``: them, when already found (see
    :func:`_hits_at`): ``(start, end, variant, accented)`` in order."""
    if hits is None:
        hits = _chat_hits(text)
    if not hits:
        return text
    # An unaccented "khong" is only a slip in a text otherwise written with diacritics. Words that the
    # lexicon itself produces do not count, so normalising twice decides the same way (idempotence).
    accented_context = any(h[3] for h in hits) and _written_with_diacritics(text)
    pieces: list[str] = []
    last = 0
    for start, end, variant, accented in hits:
        if accented and not accented_context:
            continue
        pieces.append(text[last:start])
        pieces.append(_expansion(variant, text, start))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _chat_hits(text: str) -> list[tuple[int, int, str, bool]]:
    """The whole-word chat forms of ``text``: ``(start, end, variant, accented)`` in order."""
    automaton = _chat_automaton()
    if len(automaton) == 0:
        return []
    length = len(text)
    hits: list[tuple[int, int, str, bool]] = []
    for end_index, (variant, accented) in automaton.iter(text):
        end = end_index + 1
        start = end - len(variant)
        if _whole_word(text, start, end, length):
            hits.append((start, end, variant, accented))
    return hits


def _whole_word(text: str, start: int, end: int, length: int) -> bool:
    """Whether ``text[start:end]`` (of ``length``) is glued to nothing that makes it part of
    another word (see ``_GLUED_BEFORE_CHAT``), nor to a combining mark: "r" + U+0300 is no
    chat "r" (expanded, the mark would land on the expansion's last letter, and the text would
    no longer be NFC: hypothesis found it)."""
    if start:
        before = text[start - 1]
        if before.isalnum() or unicodedata.category(before)[0] == "M" or before == "\ufffd":
            return False
        if before in _GLUED_BEFORE_CHAT and not _after_a_sentence_glued(text, start):
            return False
        # A VIQR tone or vowel mark after a letter: "cu`ng" is "cùng".
        if before in _VIQR_MARKS and start > 1 and text[start - 2].isalpha():
            return False
    if end < length and (
        text[end].isalnum()
        or text[end] in _GLUED_AFTER_CHAT
        or unicodedata.category(text[end])[0] == "M"
        or text[end] == "\ufffd"
    ):
        return False
    # An apostrophe between letters joins a word of another language ("j'aime", "k's"), which
    # Vietnamese does not write.
    if end + 1 < length and text[end] in _APOSTROPHES and text[end + 1].isalpha():
        return False
    return not (start > 1 and text[start - 1] in _APOSTROPHES and text[start - 2].isalpha())


_MARKED_WORD_RE = re.compile(rf"\w*[{re.escape(_VIETNAMESE_MARKED)}]\w*")


@lru_cache(maxsize=1)
def _expansion_words() -> frozenset[str]:
    return frozenset(w for expansion, _ in chat_lexicon().values() for w in expansion.lower().split())


def _written_with_diacritics(text: str) -> bool:
    produced = _expansion_words()
    return any(m.group().lower() not in produced for m in _MARKED_WORD_RE.finditer(text))


# --- the step ------------------------------------------------------------------------------------


# Something every URL match holds: "://", "www." in any case, or the dot of its domain. Each
# alternative starts with a literal, so the engine skips quickly to ":", "w", "W" and ".".
_URL_MARK_RE = re.compile(rf"://|w[wW]{{2}}\.|W[wW]{{2}}\.|\.(?i:{_TLDS})\b")
_NON_SPACE_RUN_RE = re.compile(r"\S*")


def _url_matches(clean: str) -> list[re.Match[str]]:
    r"""``list(_URL_RE.finditer(clean))``, searched only in the runs of non-white-space that hold
    a mark of ``_URL_MARK_RE`` (see :func:`_matches_in_runs`).

    Every URL match holds a mark and no white space, and the pattern looks at no character outside
    the match but the one after it (``(?![\w-])``), which white space satisfies as the end of the
    string does. The pattern has no literal prefix and tried every position of a text: 50.0 µs
    of CPU for each of the 2,404 news leads (of 127,706) with a URL hint, 6.7 when searching the
    marked runs only (2026-11-30).
    """
    return _matches_in_runs(_URL_RE, clean, (mark.start() for mark in _URL_MARK_RE.finditer(clean)))


def _email_matches(clean: str) -> list[re.Match[str]]:
    """``list(_EMAIL_RE.finditer(clean))``, searched only in the runs of non-white-space that hold
    an "@" (see :func:`_matches_in_runs`): every match holds one and no white space, and the
    pattern looks at no character outside the match. The pattern tried every letter and digit of
    a text: 1,059 of the 33,709 VNTC articles have an "@" (an author's address), and the search
    for personal data took 56-60 µs of CPU each, 21-31 this way (2026-12-03).
    """
    return _matches_in_runs(_EMAIL_RE, clean, _places_of("@", clean))


def _places_of(char: str, text: str) -> Iterator[int]:
    at = text.find(char)
    while at >= 0:
        yield at
        at = text.find(char, at + 1)


def _matches_in_runs(pattern: re.Pattern[str], clean: str, marks: Iterable[int]) -> list[re.Match[str]]:
    """``list(pattern.finditer(clean))`` for a pattern whose every match holds a mark (one of the
    places ``marks``, in increasing order) and no white space, and that reads no character
    outside the match but one after it that white space satisfies as the end of the string
    does: the matches are those of the runs of non-white-space that hold a mark, in order (a
    mark that overlaps another is in its run)."""
    matches: list[re.Match[str]] = []
    searched = 0
    for at in marks:
        if at < searched:
            continue
        start = at
        while start > searched and not clean[start - 1].isspace():
            start -= 1
        searched = _NON_SPACE_RUN_RE.match(clean, at).end()
        matches.extend(pattern.finditer(clean, start, searched))
    return matches


def _two_words(found: str) -> bool:
    """Whether a domain found alone is two words a full stop joins (see ``_WORDLIKE_TLDS``)."""
    name, _, tld = found.rstrip(_URL_TRAILING).partition(".")
    return tld.lower() in _WORDLIKE_TLDS and name.replace("-", "").isalnum() and name.lower() != "www"


def _url_hint(clean: str) -> bool:
    return "://" in clean or "www." in clean or "WWW." in clean or _TLD_HINT_RE.search(clean) is not None


def _phones(clean: str) -> list[tuple[str, int, int]]:
    """The phone numbers in ``clean`` as (kind, start, end), in order.

    A match glued to a larger number is none, and the search goes on from its second character,
    not its end: "năm 2020 0912 345 678" matched "020 0912 345" inside "2020", and the phone
    after it was never tried. A number that runs on past a match ("020 0912 345 678": the match
    "020 0912 345", then " 678") is masked to the end of the phone that starts at one of its
    groups and ends later: three digits of the phone were left in the text (both found by
    Hypothesis, 2026-12-07). (``finditer`` finds no overlapping matches, hence the loop.)
    """
    found: list[tuple[str, int, int]] = []
    after = -1  # where the last phone number ended
    pos = 0
    while (m := _PHONE_RE.search(clean, pos)) is not None:
        start, end = m.span()
        if start:
            before = clean[start - 1]
            # A number glued to a digit, or to a mark after one, is part of a larger number,
            # unless that was a phone number ("0912345678,0987654321"); glued to a word it is
            # not ("SĐT0912345678", "anh Nam,0912345678").
            if (
                before.isdigit()
                or before in _GLUED_BEFORE
                or (before in ".," and start > 1 and clean[start - 2].isdigit() and start - 1 != after)
            ):
                pos = start + 1
                continue
        while _RUNS_ON_RE.match(clean, end):
            later = max(
                (
                    n.end()
                    for i in range(start + 1, end)
                    if clean[i - 1] in " .-"
                    and clean[i] in "0+("
                    and (n := _PHONE_RE.match(clean, i)) is not None
                ),
                default=end,
            )
            if later == end:
                break
            end = later
        found.append((PHONE, start, end))
        after = pos = end
    return found


def _find_personal_data(
    clean: str, hints: tuple[bool, bool, bool] | None = None
) -> list[tuple[str, int, int]]:
    """The personal data in ``clean`` as (kind, start, end), sorted and without overlaps.

    ``hints`` — whether ``clean`` has an "@", a URL hint (:func:`_url_hint`) and a phone hint
    (``_PHONE_HINT_RE``) — are computed here unless :func:`normalise_many` found them for the batch.
    """
    email_hint, url_hint, phone_hint = hints or (
        "@" in clean,
        _url_hint(clean),
        _PHONE_HINT_RE.search(clean) is not None,
    )
    found: list[tuple[str, int, int]] = []
    if email_hint:
        found.extend((EMAIL, m.start(), m.end()) for m in _email_matches(clean))
    if url_hint:
        for m in _url_matches(clean):
            start = m.start()
            # A domain within a word or an address is none; a scheme glued to a word
            # ("Linkhttps://…") still starts a URL.
            if start and (clean[start - 1].isalnum() or clean[start - 1] in "@.-") and "://" not in m.group():
                continue
            if _two_words(m.group()):
                continue
            end = start + len(m.group().rstrip(_URL_TRAILING))
            found.append((URL, start, end))
    if phone_hint:
        found.extend(_phones(clean))
    found.extend((ID_NUMBER, m.start(), m.end()) for m in _ID_NUMBER_RE.finditer(clean) if phone_hint)
    for m in _CUED_NUMBER_RE.finditer(clean) if phone_hint else ():
        start = m.start()
        if _DATE_RE.fullmatch(m.group()):
            continue
        if start and clean[start - 1].isupper():  # a passport's letter
            start -= 1
        if _NUMBER_CUE_RE.search(fold(clean[max(0, start - _CUE_WINDOW) : start])):
            found.append((ID_NUMBER, start, m.end()))
    if len(found) > 1:
        found.sort(key=lambda f: (f[1], -f[2]))
        kept: list[tuple[str, int, int]] = []
        for item in found:
            if not kept or item[1] >= kept[-1][2]:
                kept.append(item)
        found = kept
    return found


def mask_personal_data(text: str) -> str:
    """``text`` with its URLs, e-mail addresses, phone numbers and identity card numbers replaced
    by their placeholders, and nothing else changed: for a text shown as it was written (a
    signal's title), where :func:`normalise` would also expand its chat forms."""
    clean, offsets = _visible(text)
    found = _find_personal_data(clean)
    if not found:
        return text
    # Searched in the text as normalising reads it: a phone number pasted with no-break spaces or a
    # zero-width character in it ("0912\u00a0345\u00a0678") is one there, and was not in ``text``.
    return _mask(text, _original_spans(found, offsets))


def personal_data_values(text: str, kinds: Collection[str] | None = None) -> list[str]:
    """The personal data :func:`normalise` masks in ``text``, in order: a phone number's or an
    identity number's digits (and a passport's letter), an address or a link in small letters;
    only those of ``kinds`` (:data:`PHONE`, :data:`EMAIL`, …) when given.

    Two texts that differ only there read alike once normalised; these tell them apart where it
    matters that they are two people's (:func:`duluan.analysis.dedupe.content_hash`).
    """
    return [value for _, value in personal_data_kinds(text, kinds)]


def personal_data_kinds(text: str, kinds: Collection[str] | None = None) -> list[tuple[str, str]]:
    """:func:`personal_data_values` with the kind of each (:data:`PHONE`, :data:`ID_NUMBER`, …), for
    a caller that treats kinds apart from one search of the text."""
    clean, _ = _visible(text)
    values = []
    for kind, start, end in _find_personal_data(clean):
        if kinds is not None and kind not in kinds:
            continue
        found = clean[start:end]
        values.append(
            (kind, "".join(c for c in found if c.isalnum()) if kind in (PHONE, ID_NUMBER) else found.lower())
        )
    return values


def _visible(text: str) -> tuple[str, list[int] | None]:
    """``text`` without its invisible characters and with its other spaces as normalising writes
    them, and where each of its characters was in ``text`` (``None``: where it is)."""
    if not _ODD_CHAR_RE.search(text):
        return text, None
    windows = "\r\n" in text  # a Windows line end is one break: its "\r" writes nothing
    clean = (text.replace("\r\n", "\n") if windows else text).translate(_INVISIBLE_TABLE)
    if len(clean) == len(text):
        return clean.translate(_SPACES_TABLE), None
    n = len(text)
    offsets = [
        i
        for i, ch in enumerate(text)
        if ch not in _INVISIBLE_SET and not (windows and ch == "\r" and i + 1 < n and text[i + 1] == "\n")
    ]
    return clean.translate(_SPACES_TABLE), offsets


def _original_spans(
    found: list[tuple[str, int, int]], offsets: list[int] | None
) -> list[tuple[str, int, int]]:
    """Spans found in :func:`_visible`'s text, as offsets into the text it was given."""
    if offsets is None:
        return found
    return [(kind, offsets[start], offsets[end - 1] + 1) for kind, start, end in found]


def _mask(clean: str, found: list[tuple[str, int, int]]) -> str:
    pieces: list[str] = []
    last = 0
    for kind, start, end in found:
        pieces.append(clean[last:start])
        pieces.append(PLACEHOLDERS[kind])
        last = end
    pieces.append(clean[last:])
    return "".join(pieces)


def normalise(text: str) -> Normalised:
    """Normalise one Vietnamese text for analysis (see the module docstring for each step).

    Args:
        text: raw text as received (any Unicode normal form).

    Returns:
        :class:`Normalised` with the display ``text``, its same-length ``folded`` form and the personal
        data ``spans`` (offsets into ``text`` as given here).
    """
    masked, found = _clean_and_mask(text)
    return Normalised(
        original=text,
        text=_expand_chat_spellings(masked),
        spans=tuple(Span(kind, start, end) for kind, start, end in found),
    )


def normalise_many(texts: Sequence[str]) -> list[tuple[str, list[str]]]:
    """Return the display text and the syllables of each text, as the analysis pipeline needs them.

    Equal to ``(t := normalise(text).text, syllables(t))`` for each text, but a text is tokenised
    once, and the chat lexicon is only scanned for when one of its forms is among the syllables
    (a form only expands as a whole word, which is then one of the syllables, and news text
    rarely has any); :func:`normalise` builds no :class:`Normalised` either.

    The whole batch is looked at through numpy, one table look-up for each of its code points
    (:func:`_batch_scan`, :func:`_finish_batch`): which texts have invisible characters, an "@",
    a URL or phone hint, a tone mark that may move; and the syllables of all texts come from
    ``str.split`` of the batch lower-cased with every other character a space. The regular
    expressions that tried each "o"/"u" (tones), each digit (phones) and each position
    (syllables) of every text were most of the step. CPU a news lead, 2026-11-30: 26.0 µs before,
    10.4–11.1 after (127,706 leads of bench_analyze.base_texts() in batches of 1,000, best of 3);
    NormaliseStep alone over 100,000 rows of them, 24.5 → 10.5 µs; and in
    ``bench/bench_steps.py --rows 100000 --batch-gc`` (two runs each) 30.3 and 30.5 → 15.2 and
    15.1 µs a document. What is left is mostly making the syllable strings and hashing them (the
    next steps reuse the hashes). Later the same day (the scan's index reused, NFC and phone
    patterns only where they can change something, fewer runs split again): 10.76–11.20 → 10.03–
    10.48 µs a lead (batches of 1,000, best of 5, three alternating runs), NormaliseStep in
    ``bench_steps.py --rows 50000 --batch-gc`` 12.2–12.7 → 11.6–12.3 (six alternating runs). Of
    the rest, ``str.split`` is 3.5 µs and the chat forms' ``isdisjoint`` 1.9 (half of it hashing
    the syllables, which the next steps would do otherwise).

    Args:
        texts: Raw texts (any Unicode normal form).

    Returns:
        ``(display text, syllables)`` per text, in order.
    """
    return _normalise_batch(texts, syllables=True)


def normalise_texts(texts: Sequence[str], expand_chat: bool = True) -> list[str]:
    """The display texts of :func:`normalise_many`, without splitting them into syllables.

    For readers that split the texts themselves (the compiled scoring loops of
    :mod:`duluan.analysis.kernels`, through ``duluan classify``): making a Python string of each
    syllable was most of normalising a long text (VNTC articles: 177 µs each in all), and the
    syllables are not needed to find the texts whose chat forms may expand: the compiled loops
    look for them in the texts' characters (:func:`duluan.analysis.kernels.syllables_holding`).

    Args:
        texts: Raw texts (any Unicode normal form).
        expand_chat: Expand the chat forms, the last step. Without it, the texts are that
            step's input, for a reader that finds those that hold a chat form itself
            (:func:`chat_form_table`) and gives them to :func:`expand_chat_forms`.

    Returns:
        ``normalise(text).text`` per text, in order (without ``expand_chat``, the same but for
        the chat forms).
    """
    return _normalise_batch(texts, syllables=False, expand_chat=expand_chat)


def expand_chat_forms(texts: Sequence[str]) -> list[str]:
    """The last step of :func:`normalise_texts` for texts normalised without it:
    ``normalise_texts(ts) == expand_chat_forms(normalise_texts(ts, expand_chat=False))``.

    Args:
        texts: Texts of ``normalise_texts(..., expand_chat=False)``.

    Returns:
        The texts with their chat forms expanded, in order.
    """
    return _expand_chat(list(texts), _chat_syllables())


def chat_form_table() -> np.ndarray | None:
    """The syllables a chat form can be, lower-cased, each with the cases its forms are written
    in (an ``id_table`` of the compiled loops' syllable hashes: the ``marks`` of
    :func:`duluan.analysis.kernels.score_texts`, and what :func:`expand_chat_forms` looks for
    by :func:`duluan.analysis.kernels.syllables_holding`), or ``None`` when a text may hold a
    chat form that is none of its syllables (see :func:`_chat_syllables`). A text of
    :func:`normalise_texts` without ``expand_chat`` none of whose runs of letters and digits is
    one of these, written in one of its cases, is left as it is by :func:`expand_chat_forms`.
    """
    return None if _chat_syllables() is None else _chat_form_cases()


@lru_cache(maxsize=1)
def _chat_form_cases() -> np.ndarray:
    """:func:`chat_form_table` (the forms are syllables). The forms are written in lower case
    or with a capital first ("ko", "Ko"), so that the capitals of abbreviations ("K", "ĐT",
    "KO") mark no text: 487 VNTC articles are marked, 2,083 when every case was (2026-12-03)."""
    from duluan.analysis import kernels

    cases: dict[str, int] = {}
    for variant, _ in _chat_automaton().values():
        lowered = variant.lower()
        if variant == lowered:
            case = kernels.LOWER_CASE
        elif variant[1:] == lowered[1:] and variant[0] != lowered[0]:
            case = kernels.CAPITALISED
        else:
            case = kernels.ANY_CASE
        cases[lowered] = cases.get(lowered, 0) | case
    return kernels.id_table_of(list(cases), cases.values(), len(cases))


def chat_forms_unplaced() -> bool:
    """Whether no chat form holds a vowel pair whose tone may move (``oà``, ``òa``, ...): then
    a syllable is a chat form exactly when it is one with its tones placed
    (:func:`canonical_tones` changes only such pairs, into such pairs), and the forms can be
    looked for in a text whose tones are not placed yet."""
    forms = _chat_syllables()
    return (
        forms is not None
        and not any(pair in form for form in forms for pair in _TONE_PAIRS)
        and not any(_ONSET_TONE_RE.search(form) for form in forms)
    )


def _normalise_batch(texts: Sequence[str], syllables: bool, expand_chat: bool = True) -> list:
    """:func:`normalise_many` (``syllables``) or :func:`normalise_texts`."""
    if not texts:
        return []
    scan = _batch_scan(texts)
    # What _clean_and_mask does to a text with neither invisible characters nor personal data:
    # NFC, which leaves the text as it is unless it has a character outside _nfc_safe() (the scan
    # finds those); the others after. Calling unicodedata.normalize on every text cost 0.32 µs of
    # CPU a news lead; normalise_many went from 10.31–10.41 to 10.14–10.47 µs (batches of 1,000,
    # best of 5, three alternating runs on a shared machine, 2026-11-30).
    normalize = unicodedata.normalize
    masked_texts = list(texts)
    for k in scan.nfc:
        masked_texts[k] = normalize("NFC", texts[k])
    for k in scan.slow:
        masked_texts[k], _ = _clean_and_mask(texts[k])  # the tones are placed already
    for k, hints in scan.hints.items():
        found = _find_personal_data(texts[k], hints)
        if found:
            masked_texts[k] = normalize("NFC", _mask(texts[k], found))
    # The second look-up reuses the scan's index of the batch and looks up again only the texts
    # that changed (masked, NFC): joining, encoding and indexing the batch again cost more. The
    # classes of _finish_batch went from 0.91 to 0.76 µs of CPU a news lead, normalise_many from
    # 10.37–10.85 to 10.25–10.50 (batches of 1,000, best of 5, three alternating runs, 2026-11-30).
    joined = _patched_classes(texts, scan.starts, scan.index, masked_texts, *_batch_tables()[1:])
    return _finish_batch(masked_texts, scan.slow, _chat_syllables(), joined, syllables, expand_chat)


# --- the batch scan ------------------------------------------------------------------------------

# What normalise_many looks up for each code point of a batch: tables over the Basic Multilingual
# Plane and two more slots for the code points beyond it: _SYMBOL_SLOT for those that are no
# letter or digit (no class bit, a space once lower-cased), _ASTRAL_SLOT for the others.
_ASTRAL_SLOT = 0x10000
_SYMBOL_SLOT = 0x10001
# Bits of _batch_tables()[0], for the text as received. The two lowest mark common characters
# (spaces, letters); every other bit, from _DIGIT on, a rare one, found as "class >= _DIGIT".
_PHONE_RUN = 1  # matches "[\d .-]"
_TLD_START = 2  # matches the first letter of a top-level domain of _TLD_HINT_RE (case ignored)
_DIGIT = 4  # matches "\d"
_ODD = 8  # matches _ODD_CHAR_RE
_AT = 16  # "@"
_COLON = 32  # ":", the start of "://"
_WWW = 64  # "w" or "W", the start of "www." or "WWW."
_ASTRAL = 128  # a letter or digit beyond the BMP: such a text is normalised as by normalise()
_DOT = 256  # ".", the start of _TLD_HINT_RE
_NFC_SUSPECT = 512  # not in _nfc_safe(): the text may change under NFC
# Bits of _batch_tables()[1], for the masked NFC text. The first vowels of the oa/oe/uy pairs and
# the characters that need the old split are the high bits: found as "class >= _PLAIN_O".
_TONED_AE = 1  # second vowel of oa/oe with a tone: à á ả ã ạ è é ẻ ẽ ẹ and capitals
_TONED_Y = 2  # second vowel of uy with a tone: ỳ ý ỷ ỹ ỵ and capitals
_PLAIN_AE = 4  # a A e E
_PLAIN_Y = 8  # y Y
_ALPHA = 16  # str.isalpha()
_QQ = 32  # q Q
_PLAIN_O = 64  # o O
_PLAIN_U = 128  # u U
_TONED_O = 256  # ò ó ỏ õ ọ and capitals
_TONED_U = 512  # ù ú ủ ũ ụ and capitals
_SLOW_SYLLABLES = 1024  # "İ" (two characters lower-cased), "Σ" (lower case by context) and the
# astral slot: such a text is split by the syllable pattern
_BEYOND_BMP = 2048  # the astral slot (a letter or digit): such a text has its tones placed by _TONE_RE
_ANGLE = 4096  # "<" or ">", kept as they are in the lower-cased batch (placeholders)
_TONED_I = 8192  # ì í ỉ ĩ ị and capitals (the "i" of "gi" with the tone: _ONSET_TONE_RE)
_ONSET_LETTERS = np.array([ord("g"), ord("q")], dtype="<u2")
_BATCH_SEPARATOR = "\n"  # no class bit, a space once lower-cased, not a word character, not in a needle


@lru_cache(maxsize=1)
def plane_string() -> str:
    """Every code point of the Basic Multilingual Plane, in order, as one string (surrogates
    too): decoded at once (0.2 ms), not joined a character at a time (3.4)."""
    return np.arange(_ASTRAL_SLOT, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")


_LOWER_PIECE = 256  # characters lower_each lower-cases at a time


def lower_each(text: str, placeholder: str) -> tuple[str, list[int]]:
    """Each character of ``text`` lower-cased alone (``str.lower``), as one string of the same
    length: a character whose lower case is more than one ("İ") is ``placeholder`` there, and
    its place is listed.

    For the tables made of a whole plane of characters: ``str.lower`` of a piece is the lower
    cases of its characters, but for "Σ", whose lower case depends on its neighbours ("ς"
    ending a word), and is "σ" alone; a piece whose length changes is lower-cased a character
    at a time. The plane took 4.4-6.5 ms a character at a time (``map``), and takes 0.3-0.4
    (2026-12-03).
    """
    pieces: list[str] = []
    longer: list[int] = []
    for at in range(0, len(text), _LOWER_PIECE):
        piece = text[at : at + _LOWER_PIECE].replace("\u03a3", "\u03c3")
        low = piece.lower()
        if len(low) != len(piece):
            alone = [ch.lower() for ch in piece]
            for k, one in enumerate(alone):
                if len(one) != 1:
                    alone[k] = placeholder
                    longer.append(at + k)
            low = "".join(alone)
        pieces.append(low)
    return "".join(pieces), longer


@lru_cache(maxsize=1)
def _batch_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The class bits of each code point for the two scans of :func:`normalise_many`, and its
    lower case when that is one letter or digit (a space otherwise: the syllables are the runs of
    those). The classes of regular expressions are built with the expressions themselves."""
    bmp = plane_string()
    raw = np.zeros(_SYMBOL_SLOT + 1, dtype=np.uint16)
    masked = np.zeros(_SYMBOL_SLOT + 1, dtype=np.uint16)
    lowered = np.full(_SYMBOL_SLOT + 1, 0x20, dtype="<u2")

    def mark(table: np.ndarray, pattern: str, bit: int) -> None:
        for m in re.finditer(pattern, bmp):
            table[m.start() : m.end()] |= bit

    mark(raw, r"[\d .-]+", _PHONE_RUN)
    mark(raw, "(?i:[" + "".join(sorted({tld[0] for tld in _TLDS.split("|")})) + "])+", _TLD_START)
    mark(raw, r"\d+", _DIGIT)
    mark(raw, _ODD_CHAR_RE.pattern + "+", _ODD)
    for chars, bit in (("@", _AT), (":", _COLON), ("wW", _WWW), (".", _DOT)):
        raw[[ord(c) for c in chars]] |= bit
    raw[:_ASTRAL_SLOT] |= _NFC_SUSPECT
    raw[_nfc_safe()] &= ~np.uint16(_NFC_SUSPECT)
    raw[_ASTRAL_SLOT] = _ASTRAL | _NFC_SUSPECT
    raw[_SYMBOL_SLOT] = _NFC_SUSPECT
    firsts = {k[0] for k in _TONE_PAIRS}
    seconds = {k[1] for k in _TONE_PAIRS}
    for chars, bit in (
        (seconds & set("àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ"), _TONED_AE),
        (seconds & set("ỳýỷỹỵỲÝỶỸỴ"), _TONED_Y),
        ("aAeE", _PLAIN_AE),
        ("yY", _PLAIN_Y),
        ("qQ", _QQ),
        ("oO", _PLAIN_O),
        ("uU", _PLAIN_U),
        (firsts & set("òóỏõọÒÓỎÕỌ"), _TONED_O),
        (firsts & set("ùúủũụÙÚỦŨỤ"), _TONED_U),
        ("\u03a3", _SLOW_SYLLABLES),
        ("<>", _ANGLE),
        ("ìíỉĩịÌÍỈĨỊ", _TONED_I),
    ):
        masked[[ord(c) for c in chars]] |= bit
    # Character by character, but through map() and whole strings: a Python loop over the BMP
    # took 94 ms of CPU in every process that normalises (each analysis worker), this 27 ms
    # (2026-11-30); with the plane decoded at once and lower-cased a piece at a time
    # (lower_each), these tables take 5.6-5.8 ms against 14.3 (2026-12-03).
    masked[: len(bmp)][np.fromiter(map(str.isalpha, bmp), dtype=bool, count=len(bmp))] |= _ALPHA
    low_text, longer = lower_each(bmp, " ")
    masked[longer] |= _SLOW_SYLLABLES
    low_codes = np.frombuffer(low_text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    for m in re.finditer(r"[^\W_]+", low_text):
        lowered[m.start() : m.end()] = low_codes[m.start() : m.end()]
    masked[_ASTRAL_SLOT] = _SLOW_SYLLABLES | _BEYOND_BMP
    lowered[[ord("<"), ord(">")]] = [ord("<"), ord(">")]
    return raw, masked, lowered


def _joined_classes(
    texts: Sequence[str], tail: int, *tables: np.ndarray
) -> tuple[str, np.ndarray, list[np.ndarray]]:
    """Join the texts by _BATCH_SEPARATOR (and ``tail`` more); return the joined string, each
    text's start in it and the tables' entries for its characters (see :func:`_joined_index`)."""
    joined, starts, index = _joined_index(texts, tail)
    return joined, starts, [table.take(index) for table in tables]


def _joined_index(texts: Sequence[str], tail: int) -> tuple[str, np.ndarray, np.ndarray]:
    """Join the texts by _BATCH_SEPARATOR (and ``tail`` more); return the joined string, each
    text's start in it and the index of each of its characters into the tables of
    :func:`_batch_tables`.

    A character beyond the BMP that is no letter or digit (emoji, most of them) has the entries of
    _SYMBOL_SLOT, those of punctuation (see :func:`_plain_astral`); the others those of
    _ASTRAL_SLOT, which send their texts the slow way."""
    joined = _BATCH_SEPARATOR.join(texts) + _BATCH_SEPARATOR * tail
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    # take() with a native index is three times as fast as indexing with the uint32 codes.
    index = np.minimum(codes, _ASTRAL_SLOT, dtype=np.intp)
    lengths = np.fromiter(map(len, texts), dtype=np.intp, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.intp)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    astral = np.flatnonzero(codes > 0xFFFF)
    if astral.size:
        index[astral[_plain_astral(codes[astral])]] = _SYMBOL_SLOT
    return joined, starts, index


def _patched_classes(
    texts: Sequence[str], starts: np.ndarray, index: np.ndarray, new_texts: Sequence[str], *tables: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The starts and table entries of :func:`_joined_classes` for ``new_texts``, given the starts
    and index of :func:`_joined_index` for ``texts`` (as many texts, the same tail): only the
    texts that are not the same object are looked up again, all in one join."""
    changed = [k for k, (new, old) in enumerate(zip(new_texts, texts)) if new is not old]
    entries = [table.take(index) for table in tables]
    if not changed:
        return starts, entries
    _, changed_starts, changed_entries = _joined_classes([new_texts[k] for k in changed], 0, *tables)
    bounds: list[tuple[int, int, int, int]] = []  # (kept from, kept to, new from, new to)
    last = 0
    for k, at in zip(changed, changed_starts.tolist()):
        start = int(starts[k])
        bounds.append((last, start, at, at + len(new_texts[k])))
        last = start + len(texts[k])
    entries = [
        np.concatenate([p for a, b, c, d in bounds for p in (old[a:b], new[c:d])] + [old[last:]])
        for old, new in zip(entries, changed_entries)
    ]
    lengths = np.fromiter(map(len, new_texts), dtype=np.intp, count=len(new_texts))
    new_starts = np.zeros(len(new_texts), dtype=np.intp)
    np.cumsum(lengths[:-1] + 1, out=new_starts[1:])
    return new_starts, entries


@lru_cache(maxsize=4096)
def _plain_astral_char(code: int) -> bool:
    return not chr(code).isalnum()


def _plain_astral(codes: np.ndarray) -> np.ndarray:
    """Which of these code points beyond the BMP are no letter or digit (memoised, bounded).

    Such a character is no "\\d", "\\w" or letter, is not invisible, lower-cases to no letter or
    digit (a test checks this for every character), so every pattern and table of
    :func:`normalise_many` treats it as any other punctuation. The 1,398 news leads with one
    (emoji) went the slow way: 83 µs of CPU each, 60 now (2026-11-30).
    """
    unique, inverse = np.unique(codes, return_inverse=True)
    return np.array([_plain_astral_char(int(c)) for c in unique.tolist()], dtype=bool)[inverse]


def _text_indices(positions: np.ndarray, starts: np.ndarray) -> set[int]:
    """The texts (indices into the batch) that the positions of the joined batch fall in."""
    if not positions.size:
        return set()
    return set((np.searchsorted(starts, positions, side="right") - 1).tolist())


# Where news text is written: Latin (Vietnamese included), general punctuation, currency signs.
_NFC_CHECKED_RANGES = ((0x0000, 0x0300), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x20A0, 0x20D0))


def _nfc_safe() -> list[int]:
    """The code points of _NFC_CHECKED_RANGES whose presence cannot make NFC change a text.

    ``unicodedata.normalize("NFC", text)`` returns ``text`` itself when every character has a
    canonical combining class of 0 and the property NFC_Quick_Check=Yes (UAX #15; CPython's
    quick check does exactly this). Python exposes no quick-check property, so a character is
    taken as safe when its combining class is 0, NFC leaves it alone (not "No") and it is no
    combining mark (the "Maybe" characters, those that may compose with the one before, are
    marks or conjoining Hangul jamo; a test derives them from every canonical decomposition).
    Only these ranges are checked: every other character is a suspect, and its text is
    normalised as before; checking the whole BMP cost 22 ms of CPU in each process (2026-11-30).
    """
    safe: list[int] = []
    for low, high in _NFC_CHECKED_RANGES:
        for code in range(low, high):
            char = chr(code)
            if (
                not unicodedata.combining(char)
                and not unicodedata.category(char).startswith("M")
                and unicodedata.normalize("NFC", char) == char
            ):
                safe.append(code)
    return safe


@dataclass(slots=True)
class _Scan:
    slow: set[int]  # texts normalised by _clean_and_mask: invisible characters, astral letters
    nfc: set[int]  # the other texts that NFC may change
    hints: dict[int, tuple[bool, bool, bool]]  # the hints of _find_personal_data, where any is true
    starts: np.ndarray  # of each text in the batch, and
    index: np.ndarray  # its characters' index into the tables, as by _joined_index(texts, _PHONE_WINDOW)


def _batch_scan(texts: Sequence[str]) -> _Scan:
    r"""What :func:`_clean_and_mask` would test in each text, for the whole batch at once.

    A text with invisible characters or letters and digits beyond the BMP (both rare) goes the way
    of :func:`normalise`.
    For the others ``clean`` is the text itself, and the hints of :func:`_find_personal_data` are
    exact: "@", "://", "www." and "WWW." from the characters that start them, the TLD pattern
    tried at each "." followed by the first letter of a domain (it ends with ``\b``, which the
    separator satisfies as the end of a text does), and the phone pattern (``_PHONE_HINT_RE``) as
    a digit followed by ``_PHONE_WINDOW`` characters of that class, which the separator is not. (One
    ``finditer`` of the TLD pattern over the batch cost 0.35 µs of CPU a news lead: it looks at
    every character; 0.04 dots a lead are followed by such a letter, 2026-11-30.)
    """
    joined, starts, index = _joined_index(texts, _PHONE_WINDOW)
    cls = _batch_tables()[0].take(index)
    rare = np.flatnonzero(cls >= _DIGIT)
    bits = cls[rare]
    slow = _text_indices(rare[(bits & (_ODD | _ASTRAL)) != 0], starts)
    nfc = _text_indices(rare[(bits & _NFC_SUSPECT) != 0], starts) - slow
    digits = rare[(bits & _DIGIT) != 0]
    for k in range(1, _PHONE_WINDOW + 1):
        digits = digits[(cls[digits + k] & _PHONE_RUN) != 0]
    phones = _text_indices(digits, starts)
    emails = _text_indices(rare[(bits & _AT) != 0], starts)
    dots = rare[(bits & _DOT) != 0]
    dots = dots[(cls[dots + 1] & _TLD_START) != 0]
    urls = [at for at in dots.tolist() if _TLD_HINT_RE.match(joined, at)]
    for at in rare[(bits & (_COLON | _WWW)) != 0].tolist():
        if joined.startswith(("://", "www.", "WWW."), at):
            urls.append(at)
    urls = _text_indices(np.array(urls, dtype=np.intp), starts)
    hints = {k: (k in emails, k in urls, k in phones) for k in (emails | urls | phones) - slow}
    return _Scan(slow, nfc, hints, starts, index)


def _has(classes: np.ndarray, bit: int) -> np.ndarray:
    return (classes & bit) != 0


def _finish_batch(
    texts: list[str],
    toned: set[int],
    forms: frozenset[str] | None,
    joined: tuple[np.ndarray, list[np.ndarray]] | None = None,
    syllables: bool = True,
    expand_chat: bool = True,
) -> list[tuple[str, list[str]]] | list[str]:
    """Place the tones of the NFC texts (but those in ``toned``), split the syllables of all, and
    expand their chat spellings. Without ``syllables``, return the texts alone, unsplit, and
    their chat spellings as written unless ``expand_chat`` (read only without ``syllables``).

    Tones: ``_TONE_RE`` changes a text only where it matches an unmarked "o" followed by a toned
    "a"/"e" or an unmarked "u" by a toned "y", with no letter after and no "q" before (the tone
    moves left), or a toned "o"/"u" followed by its unmarked vowel and then a letter, or after "q"
    (it moves right); only texts with such a place run it.

    Syllables: the batch with every character lower-cased (one table look-up: the BMP characters
    whose lower case is one character, "İ" and context-dependent "Σ" excepted) and every
    character that is not a letter or digit turned into a space; ``str.split`` then gives the runs
    of letters and digits that the syllable patterns find ("<" and ">" are kept for placeholders).
    Texts with those characters, or whose tones moved, are split as before.
    """
    _, masked_table, lowered = _batch_tables()
    # ``joined``: what _joined_classes(texts, tail, masked_table, lowered) gives, tail >= 2.
    starts, (cls, mapped_codes) = joined or _joined_classes(texts, 2, masked_table, lowered)[1:]
    rare = np.flatnonzero(cls >= _PLAIN_O)
    bits = cls[rare]
    slow = _text_indices(rare[(bits & _SLOW_SYLLABLES) != 0], starts)
    angled = _text_indices(rare[(bits & _ANGLE) != 0], starts) - slow
    # A pair's first vowel at i, its second at i + 1, the next character at i + 2, "q" at i - 1.
    second, after, before = cls[rare + 1], cls[rare + 2], cls[rare - 1]
    pairs = (_has(bits, _PLAIN_O) & _has(second, _TONED_AE)) | (_has(bits, _PLAIN_U) & _has(second, _TONED_Y))
    moves_left = pairs & ~_has(after, _ALPHA) & ~_has(before, _QQ)
    pairs = (_has(bits, _TONED_O) & _has(second, _PLAIN_AE)) | (_has(bits, _TONED_U) & _has(second, _PLAIN_Y))
    moves_right = pairs & (_has(after, _ALPHA) | _has(before, _QQ))
    # A toned "u" or "i" after "q" or "g", before a letter: the tone may leave the onset. ("g" has
    # no class bit, or every "g" would be a rare character: its lower case says it.)
    onset = _has(bits, _TONED_U | _TONED_I) & _has(second, _ALPHA)
    onset[onset] = np.isin(mapped_codes[rare[onset] - 1], _ONSET_LETTERS)
    moves = moves_left | moves_right | onset | _has(bits, _BEYOND_BMP)
    tone_candidates = _text_indices(rare[moves], starts) - toned
    if not syllables:
        return _finish_texts(list(texts), tone_candidates, forms, expand_chat)
    # No surrogate is a letter or digit, so UTF-16 decodes the look-up exactly (and fast).
    mapped = mapped_codes.tobytes().decode("utf-16-le")
    # Each text is done alone, in the order of normalise(): tones, syllables, chat spellings;
    # the common case as one comprehension, the few others after.
    texts = list(texts)
    token_lists = [mapped[start : start + n].split() for start, n in zip(starts.tolist(), map(len, texts))]
    for k in slow:
        token_lists[k] = _split_syllables(texts[k].lower())
    for k in angled:
        # The runs of letters, digits, "<" and ">" hold the matches of the syllable pattern, which
        # looks at nothing around them: split again the few runs that are not letters and digits
        # (a placeholder, or "a>b"). The 2,955 news leads with a placeholder went from 65 to 58 µs
        # of CPU each (normalise_many, 2026-11-30). Those runs are found by map() and the others
        # kept by slices, not visited one by one: the 2,970 news leads that are such texts once
        # masked went from 47.8–49.3 to 43.3–44.8 µs each (best of 5, three alternating runs,
        # 2026-11-30).
        runs = token_lists[k]
        pieces: list[str] = []
        last = 0
        for at in [i for i, plain in enumerate(map(str.isalnum, runs)) if not plain]:
            pieces += runs[last:at]
            pieces += SYLLABLE_RE.findall(runs[at])
            last = at + 1
        pieces += runs[last:]
        token_lists[k] = pieces
    for k in tone_candidates:
        placed = _tones_placed(texts[k])
        if placed != texts[k]:
            texts[k] = placed
            token_lists[k] = _split_syllables(placed.lower())
    if forms is None:
        chat = range(len(texts))
    else:
        chat = [k for k, disjoint in enumerate(map(forms.isdisjoint, token_lists)) if not disjoint]
    for k in chat:
        expanded = _expand_chat_spellings(texts[k])
        if expanded != texts[k]:
            texts[k] = expanded
            token_lists[k] = _split_syllables(expanded.lower())
    return list(zip(texts, token_lists))


def _tones_placed(text: str) -> str:
    """``text`` (NFC) with its tones placed, NFC again (see :func:`_finish_batch`): moving a tone
    mark can leave a base letter next to a mark it composes with ("oà́" becomes "ò" + "a" +
    U+0301), which a second pass would compose (normalising must be idempotent)."""
    placed = canonical_tones(text)
    if not unicodedata.is_normalized("NFC", placed):
        placed = unicodedata.normalize("NFC", placed)
    return placed


def _finish_texts(
    texts: list[str], tone_candidates: set[int], forms: frozenset[str] | None, expand_chat: bool = True
) -> list[str]:
    """:func:`_finish_batch` without the syllables: the tones placed, the chat spellings expanded
    (unless not ``expand_chat``)."""
    for k in tone_candidates:
        texts[k] = _tones_placed(texts[k])
    return _expand_chat(texts, forms) if expand_chat else texts


def _expand_chat(texts: list[str], forms: frozenset[str] | None) -> list[str]:
    """Expand the chat spellings of ``texts`` (in place; returned).

    A text may hold a chat form only if one of its syllables is one, as :func:`_finish_batch`
    checks; here the compiled loops look for them in the characters. They may name a text that
    holds none (two syllables with one hash), which then expands to itself.
    """
    if forms is None:
        for k, text in enumerate(texts):
            texts[k] = _expand_chat_spellings(text)
        return texts
    from duluan.analysis import kernels  # numba, for the readers that use it anyway

    spans, special = kernels.syllables_holding(texts, _chat_form_cases())
    for k, at in spans.items():
        if k not in special:
            texts[k] = _expand_chat_spellings(texts[k], _hits_at(texts[k], at))
    for k in special:
        texts[k] = _expand_chat_spellings(texts[k])
    return texts


def _hits_at(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, str, bool]]:
    """The hits of :func:`_expand_chat_spellings` in ``text``, given the spans of the syllables
    that may be chat forms (every whole-word form is one: a form is letters and digits, which
    a syllable's neighbours are not).

    The automaton over the whole text meets each place a short form ("k", "r", "ng") is part of
    a word, for Python to turn down; here only the spans are looked at. normalise_texts took
    84-110 µs of CPU a VNTC article against 109-140, and 6.3-8.9 an AIVIVN review against
    8.3-11.2 (3,000 and 10,000 texts, best of 5, three alternating runs on a busy machine,
    2026-12-01).
    """
    variants = _chat_variants()
    length = len(text)
    hits = []
    for start, end in spans:
        found = variants.get(text[start:end])
        if found is not None and _whole_word(text, start, end, length):
            hits.append((start, end, *found))
    return hits


@lru_cache(maxsize=1)
def _chat_variants() -> dict[str, tuple[str, bool]]:
    """The automaton's words: each variant (as written) with ``(variant, accented)``."""
    return {variant: (variant, accented) for variant, accented in _chat_automaton().values()}


@lru_cache(maxsize=1)
def _chat_syllables() -> frozenset[str] | None:
    """The syllables a chat form can be once lower-cased, or ``None`` when some form could hide.

    A form expands only as a whole run of letters and digits with neither next to it (see
    :func:`_expand_chat_spellings`); lower-casing keeps such a run one syllable when the form is
    letters and digits of unchanged length, and no other character lower-cases to a letter or a
    digit (a test checks the latter over all of Unicode).
    """
    syllables: set[str] = set()
    for variant, _ in _chat_automaton().values():
        lowered = variant.lower()
        if not (variant.isalnum() and lowered.isalnum() and len(lowered) == len(variant)):
            return None
        if lowered in PLACEHOLDERS:  # part of a placeholder token
            return None
        syllables.add(lowered)
    return frozenset(syllables)


def _clean_and_mask(text: str) -> tuple[str, list[tuple[str, int, int]]]:
    """Every step of :func:`normalise` but the chat spellings: invisible characters, personal data,
    NFC and tone placement. Returns the text and the personal data found (offsets into ``text``)."""
    clean, offsets = _visible(text)
    found = _find_personal_data(clean)
    masked = _mask(clean, found) if found else clean
    found = _original_spans(found, offsets)
    if not masked.isascii():
        masked = _tones_placed(unicodedata.normalize("NFC", masked))
    return masked, found


# A syllable or a placeholder of masked personal data (see syllables).
SYLLABLE_RE = re.compile("<(?:" + "|".join(PLACEHOLDERS) + r")>|[^\W_]+")
# Without "<" (no placeholder) and "_", the syllables are the runs of word characters, which the
# regular-expression engine finds a fifth faster: the normalise step went from 28.9 to 27.0 µs
# of CPU a news lead (bench_steps.py leads, two runs each, 2026-11-30).
_WORD_RUN_RE = re.compile(r"\w+")


def _split_syllables(lowered: str) -> list[str]:
    """``SYLLABLE_RE.findall(lowered)``, by the cheaper pattern when it gives the same tokens."""
    if "<" in lowered or "_" in lowered:
        return SYLLABLE_RE.findall(lowered)
    return _WORD_RUN_RE.findall(lowered)


def syllables(text: str) -> list[str]:
    """Split a text into lower-cased syllable tokens of its normalised form, punctuation dropped.

    Placeholders of masked personal data stay single tokens (``<url>``, ``<email>``, ``<phone>``).

    Args:
        text: raw or already normalised text (normalising twice changes nothing).

    Returns:
        Tokens such as ``["ubnd", "xã", "tân", "dĩnh", "<phone>"]``.
    """
    return SYLLABLE_RE.findall(normalise(text).text.lower())
