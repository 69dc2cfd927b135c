"""An issue's automatic title: the words of its most representative signal, not its top terms.

The clusterer's strongest terms ("ngập úng · vũ ninh · nước tràn · nhà dân") describe an issue
but read like a keyword list. A person's own sentence reads better: the issue takes the title
of the signal nearest to its cluster's centroid (cosine of the signal's term counts with the
TF-IDF centroid, see :mod:`duluan.apps.issues.clustering`), or that signal's first sentence when it
has no title, shortened to :data:`TITLE_CHARS` at a word boundary. It is made from
``text_masked``, so e-mail addresses, phone numbers and links are already masked. A title an
official gave (``title_confirmed``) is never replaced.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from operator import itemgetter

from duluan.analysis.frames import frame_spans
from duluan.apps.core.text import nfc

TITLE_CHARS = 90
# An issue's title is cut to this many characters (its column's length).
ISSUE_TITLE_MAX = 300
# How many of a signal's strongest terms its profile keeps (see term_profile).
PROFILE_TERMS = 32
MIN_SENTENCE_CHARS = 25  # "Kính gửi UBND phường." alone says nothing: take the next sentence too
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\n+")
_ELLIPSIS = "…"
# A log's or a form's label before what was reported.
_CONTENT_LABEL = re.compile(r"^(?:nội dung(?: phản ánh)?|nd)\s*:\s*", re.IGNORECASE)


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    """``text`` on one line, cut to at most ``limit`` characters at a word boundary (with "…")."""
    text = " ".join(nfc(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:  # a word boundary not too far back; else cut the long word
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + _ELLIPSIS


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (with the following ones while it is very short)."""
    # A title needs the first few hundred characters, not a 20,000-character text split up.
    head = nfc(text[: 4 * TITLE_CHARS]).strip()
    parts = [p.strip() for p in _SENTENCE_END.split(head) if p and p.strip()]
    out = ""
    for part in parts:
        out = f"{out} {part}" if out else part
        if len(out) >= MIN_SENTENCE_CHARS:
            break
    return out


def title_from_terms(terms: list[str]) -> str:
    """The title of an issue whose signals lent none: its first four key words ("ngập úng · vũ
    ninh · nước tràn · nhà dân")."""
    return " · ".join(terms[:4])[:ISSUE_TITLE_MAX]


def title_from_signal(signal) -> str:
    """The title a signal gives its issue: its own title, else its first sentence, shortened.

    Both come from ``text_masked`` (the analysed title and text, personal data masked): when a
    signal has a title, it is the first line there.
    """
    return title_from_text(signal.title, signal.text_masked)


def title_from_text(title: str | None, text_masked: str | None) -> str:
    """:func:`title_from_signal` of a signal with this ``title`` (only whether it has one counts)
    and ``text_masked``: what an import's analysis workers compute for the writer.

    A letter's first sentence is its frame ("Kính gửi: UBND phường …", "Người phản ánh: …"),
    which says nothing of the issue: the title is the first sentence of what is left without it
    (:func:`~duluan.analysis.frames.frame_spans`), a log's label "Nội dung:" left out too.
    """
    masked = text_masked or ""
    if title:
        line = masked.split("\n", 1)[0].strip()
        text = line or first_sentence(_complaint(masked))
    else:
        text = first_sentence(_complaint(masked))
    text = shorten(text)
    return text[:1].upper() + text[1:]


def _complaint(text: str) -> str:
    """``text`` without its letter's frame and a leading "Nội dung:" (see :func:`title_from_text`)."""
    spans = frame_spans(text)
    if spans:
        kept, at = [], 0
        for start, end in spans:
            kept.append(text[at:start])
            at = end
        text = "\n".join([*kept, text[at:]])
    return _CONTENT_LABEL.sub("", text.strip(), count=1)


def term_profile(terms: Mapping[str, float]) -> dict[str, float]:
    """A signal's strongest :data:`PROFILE_TERMS` term counts, scaled to unit length.

    What the clustering session compares with an issue's centroid to pick its representative
    signal. Plain counts, not the clusterer's TF-IDF vector: the centroid already weighs terms by
    rarity, and the counts do not depend on the document frequencies of the moment, so a stored
    profile stays valid, costs a few microseconds instead of a second vectorisation per signal,
    and can be computed by an import's analysis workers rather than by its single writer.
    """
    # Stable (reverse keeps ties in text order, as a key of minus the count did), and itemgetter
    # spares a Python call per term.
    top = sorted(terms.items(), key=itemgetter(1), reverse=True)[:PROFILE_TERMS]
    norm = math.sqrt(math.fsum([float(w) * w for _, w in top]))
    return {t: float(w) / norm for t, w in top} if norm > 0 else {}
