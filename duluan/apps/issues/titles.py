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

import re

from duluan.apps.core.text import nfc

TITLE_CHARS = 90
MIN_SENTENCE_CHARS = 25  # "Kính gửi UBND phường." alone says nothing: take the next sentence too
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\n+")
_ELLIPSIS = "…"


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


def title_from_signal(signal) -> str:
    """The title a signal gives its issue: its own title, else its first sentence, shortened.

    Both come from ``text_masked`` (the analysed title and text, personal data masked): when a
    signal has a title, it is the first line there.
    """
    masked = signal.text_masked or ""
    if signal.title:
        line = masked.split("\n", 1)[0].strip()
        text = line or first_sentence(masked)
    else:
        text = first_sentence(masked)
    text = shorten(text)
    return text[:1].upper() + text[1:]
