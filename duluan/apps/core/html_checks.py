"""Checks of a page's HTML that tests run: ids are unique, and every form field has a name a
screen reader reads (a label, or an ``aria-label``), not a placeholder alone.

Written on the standard library's parser rather than with an accessibility engine (axe-core is
JavaScript, run in a browser): these two rules need no layout, and the Django tests then check
pages without one.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

_FIELDS = {"input", "select", "textarea"}
_UNNAMED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids[a["id"]] += 1
        if tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in _FIELDS and (tag != "input" or a.get("type", "text") not in _UNNAMED_TYPES):
            self.fields.append({**a, "tag": tag, "wrapped": "yes" if self.open_labels else None})

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1


def form_problems(html: str) -> list[str]:
    """What breaks the two rules in ``html``: ids used twice, and fields without a name."""
    parser = _Fields()
    parser.feed(html)
    problems = [f"id {i!r} used {n} times" for i, n in parser.ids.items() if n > 1]
    for field in parser.fields:
        named = (
            field["wrapped"] or field.get("aria-label") or field.get("aria-labelledby") or field.get("title")
        )
        if not named and field.get("id") not in parser.label_for:
            problems.append(f"{field['tag']} name={field.get('name')!r} has no label")
    return problems
