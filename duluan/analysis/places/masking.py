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

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

PLACE_TOKEN = "diadanh"  # noqa: S105 (a placeholder, not a password)


def mask_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each ``(start, end)`` span (offsets into it, not overlapping) replaced by
    :data:`PLACE_TOKEN`, a space apart from a letter or digit it would otherwise join."""
    parts: list[str] = []
    at = 0
    for start, end in sorted(spans):
        if start < at:  # overlaps the span before: already hidden
            continue
        parts.append(text[at:start])
        glued_before = text[start - 1 : start].isalnum() if start else False
        glued_after = text[end : end + 1].isalnum()
        parts.append(" " * glued_before + PLACE_TOKEN + " " * glued_after)
        at = end
    if not parts:
        return text
    parts.append(text[at:])
    return "".join(parts)


def mask_places(texts: Sequence[str], gazetteer: Any = None) -> list[str]:
    """The texts with every administrative unit the gazetteer finds in them replaced by
    :data:`PLACE_TOKEN` (the type word before a name stays: ``xã diadanh``).

    Args:
        texts: Raw or normalised texts.
        gazetteer: A :class:`~duluan.analysis.places.Gazetteer`; the default one (home province
            Bắc Ninh) when ``None``, built once per process.
    """
    finder = gazetteer if gazetteer is not None else default_gazetteer()
    texts = list(texts)
    found = finder.find_many(texts)
    return [
        mask_spans(text, [(m.start, m.end) for m in mentions]) if mentions else text
        for text, mentions in zip(texts, found, strict=True)
    ]


@lru_cache(maxsize=1)
def default_gazetteer() -> Any:
    """:meth:`Gazetteer.default`, read once per process (the models mask with it)."""
    from duluan.analysis.places.gazetteer import Gazetteer

    return Gazetteer.default()
