"""Topic codes of cases and routing rules, checked against the analysis engine's taxonomy.

Cases store the topic as a code string (``land``, ``health``…). The taxonomy is data the analysts
edit (``duluan/analysis/data/taxonomy_vi.json``); when it cannot be read, codes are accepted as
they are rather than blocking the intake of a citizen's case.
"""

from __future__ import annotations

from functools import lru_cache

TOPIC_UNKNOWN = "Chủ đề không có trong bộ phân loại: {code!r}."
DEFAULT_TOPIC = "other"


@lru_cache(maxsize=1)
def _taxonomy():
    try:
        from duluan.analysis.taxonomy import load_taxonomy

        return load_taxonomy()
    except Exception:  # the taxonomy is optional here: an unreadable file must not stop intake
        return None


def topic_codes() -> tuple[str, ...] | None:
    """The known codes, or ``None`` when the taxonomy is not available."""
    taxonomy = _taxonomy()
    return None if taxonomy is None else tuple(taxonomy.codes)


def topic_is_known(code: str) -> bool:
    codes = topic_codes()
    return codes is None or code in codes


def topic_label(code: str) -> str:
    taxonomy = _taxonomy()
    if taxonomy is None or not code:
        return code
    for topic in taxonomy.topics:
        if topic.code == code:
            return topic.label_vi
    return code


def topic_choices() -> list[tuple[str, str]]:
    taxonomy = _taxonomy()
    if taxonomy is None:
        return []
    return [(t.code, t.label_vi) for t in taxonomy.topics]
