"""Text keys the platform stores and searches by: NFC on the way in, accent-free for matching."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def nfc(text: str | None) -> str:
    """NFC-normalise and trim; ``None`` becomes the empty string."""
    return unicodedata.normalize("NFC", text or "").strip()


def search_key(text: str | None) -> str:
    """Lower-case, accent-free, punctuation-free, single-spaced: "Bắc Giang" → "bac giang"."""
    decomposed = unicodedata.normalize("NFD", nfc(text).replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NON_WORD.sub(" ", stripped.lower())).strip()
