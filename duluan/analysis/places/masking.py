"""Place names hidden from the models that read a text's topic and mood.

Vietnamese communes are often named with words of good omen (``Thắng Lợi``, ``An Lạc``,
``Hòa Bình``, ``Phúc Hòa``), and the news a model learns from ties other names to floods or
fraud. A model that reads the names therefore reads the same complaint differently from one
commune to the next. Before masking (2026-12-04, the shipped models): "Cảm ơn cán bộ xã X đã hỗ
trợ làm giấy tờ nhanh chóng" read neutral for 35 of Bắc Ninh's 99 communes, negative for 35 and
positive for 29; "Cán bộ địa chính xã X nhận tiền của dân" went to three topics (and so to three
agencies); 42 % of the hand-labelled headlines that name a unit changed sentiment for some other
commune's name. Officials compare communes by these readings, so the shipped models read every
unit the gazetteer finds as one placeholder, :data:`PLACE_TOKEN`, in training and prediction
alike: the same text about another commune gets the same label and score.

The placeholder is one plain syllable, ``diadanh`` ("địa danh" without its marks and its
space, which no text of the shared corpora writes: VNTC, TC201805, UIT-VSFC, AIVIVN and the
2026 news, checked 2026-12-04): every splitter reads it as one syllable, and the normaliser's fast
paths take it as they take words. A placeholder in angle brackets, like the personal data's
``<url>``, sends each text down their slower paths: normalising and splitting again the news
leads that name a place took 17.4 µs each with ``<place>``, 9.2 with ``diadanh`` (best of 5,
two alternating runs, 8,124 TC201805 leads, 2026-12-04).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from duluan.analysis.frames import left_out_spans
from duluan.analysis.normalise import canonical_tones

PLACE_TOKEN = "diadanh"  # noqa: S105 (a placeholder, not a password)

# Streets are places too, and are named after kings, generals, battles and dates ("đường Kinh
# Dương Vương", "phố Lý Thái Tổ"), which the news ties to history and culture: a complaint about
# flooding on one read as `environment` and positive, on another as `construction`. The
# gazetteer knows no streets, so the name after a street's type word is masked too: each of its
# syllables capitalised ("Huế", "Trần Hưng Đạo"), at most five. "Thành phố" names a city (the
# gazetteer's), "lễ đường" a hall ("Đại lễ đường Nhân dân"). A name written in small letters
# ("đường kinh dương vương ngập sâu") cannot be told from the words after it by its letters: it
# is masked when it is one of the names the news writes with capitals after a type word
# (data/street_names.tsv, scripts/street_names.py; of two syllables or more, and written in
# small letters less often than as a name), the longest such. A name typed without diacritics
# is not looked up: "duong" is also "dương", "đương", "dưỡng". Each written gold message after
# "Ở đường X: " for 20 of those names in small letters, the shipped models (2026-12-06): with
# capitalised names alone 28 of the 336 messages changed topic with the street (12 of 339 their
# mood), with the known names none; right on average 308.8 -> 312.0 topics, 323.2 -> 322.0
# moods. The cost is within the noise of bench_steps (TopicStep 29.3-29.5 µs a lead with the
# names, 28.4-30.1 without).
_STREET_WORDS = ("đường", "phố", "ngõ", "ngách", "hẻm", "kiệt", "đại lộ")
_STREET_WORDS_BARE = ("duong", "pho", "ngo", "ngach", "hem", "kiet", "dai lo")
# A street's type word as a syllable of the normaliser's (the last of "đại lộ"): a text whose
# syllables hold none is not looked at.
_STREET_SYLLABLES = frozenset(w.split()[-1] for w in _STREET_WORDS + _STREET_WORDS_BARE)
_NOT_A_STREET_BEFORE = ("thành ", "thanh ", "lễ ", "le ")
_NAME_WORD_RE = re.compile(r"[^\W\d_]+(?!\w)")
_NAME_WORDS = 5
STREET_NAMES_PATH = Path(__file__).resolve().parent.parent / "data" / "street_names.tsv"


@lru_cache(maxsize=1)
def known_street_names() -> frozenset[str]:
    """The names of ``data/street_names.tsv`` (small letters, NFC, tones placed as
    :func:`~duluan.analysis.normalise.canonical_tones` places them)."""
    lines = STREET_NAMES_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split("\t", 1)[0] for line in lines if line and not line.startswith("#"))


def street_spans(
    text: str, syllables: Iterable[str] | None = None, known_names: bool = True
) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each street's name in ``text`` (NFC): the capitalised syllables
    after a street's type word (see above), in order.

    Args:
        text: Any text.
        syllables: Its syllables in small letters (the normaliser's tokens), when known: a text
            without a street's type word among them is not looked at. The type words are looked
            for with ``str.find``: a regular expression of them took 10-21 µs of CPU a news
            lead, as many as the topic model (2026-12-06).
        known_names: Also find the names of :func:`known_street_names` written in small
            letters (``scripts/street_names.py`` makes that list from the capitalised ones
            alone, so that it does not count its own finds).
    """
    words = _STREET_WORDS + _STREET_WORDS_BARE
    if syllables is not None:
        present = _STREET_SYLLABLES.intersection(syllables)
        if not present:
            return []
        words = tuple(w for w in words if w.rsplit(" ", 1)[-1] in present)
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose small form is longer ("İ"): offsets would move
        return []
    found: list[int] = []  # where each name may start: after a type word and a space
    for word in words:
        typed = word + " "
        at = lowered.find(typed)
        while at >= 0:
            before = lowered[at - 1 : at]
            if not (before.isalnum() or before == "_") and not lowered[max(0, at - 6) : at].endswith(
                _NOT_A_STREET_BEFORE
            ):
                found.append(at + len(typed))
            at = lowered.find(typed, at + 1)
    spans: list[tuple[int, int]] = []
    for first in sorted(found):
        end = first
        for word in _words_after(text, first):
            syllable = word.group()
            if not (syllable[0].isupper() and (len(syllable) == 1 or syllable[1:].islower())):
                break
            end = word.end()
        if end == first and known_names:
            end = _known_name_end(lowered, first)
        if end > first:
            spans.append((first, end))
    return spans


def _words_after(text: str, first: int) -> Iterator[re.Match[str]]:
    """The words that may make a street's name starting at ``first``: at most five, each but
    the last followed by one space."""
    at = first
    for _ in range(_NAME_WORDS):
        word = _NAME_WORD_RE.match(text, at)
        if word is None:
            return
        yield word
        if text[word.end() : word.end() + 1] != " ":
            return
        at = word.end() + 1


def _known_name_end(lowered: str, first: int) -> int:
    """Where the longest known street's name (:func:`known_street_names`) that starts at
    ``first`` in ``lowered`` ends, or ``first`` when none does."""
    ends = [word.end() for word in _words_after(lowered, first)]
    if len(ends) < 2:
        return first
    names = known_street_names()
    window = canonical_tones(lowered[first : ends[-1]])
    if len(window) != ends[-1] - first:  # not NFC: offsets would move
        return first
    for end in reversed(ends[1:]):
        if window[: end - first] in names:
            return end
    return first


def mask_spans(text: str, spans: Iterable[tuple[int, int]], removed: Iterable[tuple[int, int]] = ()) -> str:
    """``text`` with each ``(start, end)`` span of ``spans`` replaced by :data:`PLACE_TOKEN`, a space
    apart from a letter or digit it would otherwise join, and each of ``removed`` (a letter's
    frame: :func:`~duluan.analysis.frames.frame_spans`) by a line break. Offsets are into ``text``;
    a span that overlaps one before it is hidden with it."""
    parts: list[str] = []
    at = 0
    marked = [(start, end, False) for start, end in spans] + [(start, end, True) for start, end in removed]
    for start, end, frame in sorted(marked):
        if start < at:  # overlaps the span before: already hidden
            continue
        parts.append(text[at:start])
        if frame:
            parts.append("\n")
        else:
            glued_before = text[start - 1 : start].isalnum() if start else False
            glued_after = text[end : end + 1].isalnum()
            parts.append(" " * glued_before + PLACE_TOKEN + " " * glued_after)
        at = end
    if not parts:
        return text
    parts.append(text[at:])
    return "".join(parts)


def mask_places(texts: Sequence[str], gazetteer: Any = None) -> list[str]:
    """The texts with every administrative unit the gazetteer finds in them, and every street's
    name (:func:`street_spans`), replaced by :data:`PLACE_TOKEN` (the type word before a name
    stays: ``xã diadanh``, ``đường diadanh``), and a letter's frame left out
    (:func:`~duluan.analysis.frames.frame_spans`: "Kính gửi …", "Tôi tên là …, trú tại …",
    "Trân trọng cảm ơn!").

    Args:
        texts: Raw or normalised texts.
        gazetteer: A :class:`~duluan.analysis.places.Gazetteer`; the default one (home province
            Bắc Ninh) when ``None``, built once per process.
    """
    finder = gazetteer if gazetteer is not None else default_gazetteer()
    texts = list(texts)
    found = finder.find_many(texts)
    masked = []
    for text, mentions in zip(texts, found, strict=True):
        spans = [(m.start, m.end) for m in mentions] + street_spans(text)
        frame = left_out_spans(text)
        masked.append(mask_spans(text, spans, frame) if spans or frame else text)
    return masked


@lru_cache(maxsize=1)
def default_gazetteer() -> Any:
    """:meth:`Gazetteer.default`, read once per process (the models mask with it)."""
    from duluan.analysis.places.gazetteer import Gazetteer

    return Gazetteer.default()
