"""The taxonomy's topics as the platform shows them: their codes, and their labels in the page's
language.

The taxonomy is the analysis engine's editable data (``duluan/analysis/data/taxonomy_vi.json``),
read once per process (an edit takes effect on restart). Each topic has a Vietnamese and an English
name: a page shows the one of its active language (Vietnamese unless the reader chose English), and
a document in the state's format asks for Vietnamese (``language="vi"``). When the file cannot be
read, codes are accepted and shown as they are, rather than blocking a citizen's case.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import get_language


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


def topic_labels(language: str | None = None) -> dict[str, str]:
    """Code → name of every topic, in the taxonomy's order, in ``language`` (default: the active
    one); the Vietnamese name where a topic has no English one."""
    taxonomy = _taxonomy()
    if taxonomy is None:
        return {}
    english = (language or get_language() or "vi").split("-")[0] == "en"
    return {t.code: (t.label_en or t.label_vi) if english else t.label_vi for t in taxonomy.topics}


def topic_label(code: str, language: str | None = None) -> str:
    """The name of the topic ``code`` (see :func:`topic_labels`); the code itself when unknown."""
    return topic_labels(language).get(code, code) if code else code


def topic_choices(language: str | None = None) -> list[tuple[str, str]]:
    """``(code, name)`` of every topic, for a form's choices (see :func:`topic_labels`)."""
    return list(topic_labels(language).items())
