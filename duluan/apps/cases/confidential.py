"""What a case's own words say about who wrote them, masked for those who may not know.

A citizen writes their name and house into a letter ("Tôi tên là Trịnh Quốc Khánh, trú tại số 12
đường Lê Lợi …") as often as into the form's fields. The form's fields are sealed by the
gatekeeper (:func:`~duluan.apps.cases.permissions.can_see_identity`); this module seals the same
person in the title and the description, for every page, export, API answer and message that shows
them to an official who does not pass that gate (:func:`case_text_for`), and for lists and files
that travel, to everyone (:func:`case_text_masked`).

Masked, in order:

1. the writer's name and house as a letter introduces them (:func:`duluan.analysis.frames.mask_identity`);
2. the case's own complainant's name, address, phone and e-mail, wherever they occur, whatever the
   case and accents: each whole value, and each run of two or more syllables of the name
   ("Quốc Khánh" of "Trịnh Quốc Khánh"; a single syllable is too common a word to mask);
3. phone numbers, e-mail and web addresses and identity card numbers
   (:func:`duluan.apps.core.logging.redact`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from duluan.analysis.frames import HOUSE_PLACEHOLDER, NAME_PLACEHOLDER, mask_identity
from duluan.analysis.normalise import EMAIL, PHONE, PLACEHOLDERS, fold
from duluan.apps.core.logging import redact
from duluan.apps.core.text import nfc

from . import permissions as perms
from .models import Case, Complainant

PHONE_PLACEHOLDER, EMAIL_PLACEHOLDER = PLACEHOLDERS[PHONE], PLACEHOLDERS[EMAIL]


@dataclass(frozen=True)
class CaseText:
    """A case's title and description as one official may read them."""

    title: str
    description: str
    masked: bool


def complainant_of(case: Case) -> Complainant | None:
    """The case's complainant (the cached one when the query selected it), or ``None``."""
    try:
        return case.complainant
    except Complainant.DoesNotExist:
        return None


def case_text_masked(text: str, *, complainant: Complainant | None) -> str:
    """``text`` with its writer's identity and personal data masked (see the module's docstring)."""
    text = nfc(text)
    if not text:
        return text
    text = mask_identity(text)
    for pattern, placeholder in _value_patterns(complainant):
        text = _replace_folded(text, pattern, placeholder)
    return redact(text)


def case_text_for(user, case: Case, *, revealed: bool = False) -> CaseText:
    """The title and description of ``case`` for ``user``: as written for those who pass the
    identity gate (:func:`~duluan.apps.cases.permissions.can_read_case_text`) and right after an
    audited reveal (``revealed``: the reveal service answered), masked for everyone else."""
    if revealed or perms.can_read_case_text(user, case):
        return CaseText(title=case.title, description=case.description, masked=False)
    complainant = complainant_of(case)
    return CaseText(
        title=case_text_masked(case.title, complainant=complainant),
        description=case_text_masked(case.description, complainant=complainant),
        masked=True,
    )


def case_title_masked(case: Case) -> str:
    """The title of ``case`` masked for everyone: for lists, exports and the API, which show many
    cases at once and leave the page (select ``complainant`` with the cases to spare a query each)."""
    return case_text_masked(case.title, complainant=complainant_of(case))


# -- literal values of the complainant -------------------------------------------------------------

_SEPARATOR = r"[\s,.;:/\-]*"


def _value_patterns(complainant: Complainant | None) -> list[tuple[re.Pattern[str], str]]:
    """Folded-text patterns of the complainant's values, longest first, with their placeholders."""
    if complainant is None:
        return []
    found: list[tuple[str, str]] = []
    name_words = fold(nfc(complainant.name)).split()
    if len(name_words) >= 2:
        for size in range(len(name_words), 1, -1):
            for start in range(len(name_words) - size + 1):
                found.append(
                    (r"\s+".join(map(re.escape, name_words[start : start + size])), NAME_PLACEHOLDER)
                )
    address_words = fold(nfc(complainant.address)).replace(",", " ").split()
    if len(address_words) >= 2:
        found.append((r"[\s,]+".join(map(re.escape, address_words)), HOUSE_PLACEHOLDER))
    email = fold(nfc(complainant.email))
    if email:
        found.append((re.escape(email), EMAIL_PLACEHOLDER))
    digits = re.sub(r"\D", "", complainant.phone or "")
    if len(digits) >= 6:
        found.append((_SEPARATOR.join(digits), PHONE_PLACEHOLDER))
    found.sort(key=lambda item: len(item[0]), reverse=True)
    return [(re.compile(rf"(?<!\w){pattern}(?!\w)"), placeholder) for pattern, placeholder in found]


def _replace_folded(text: str, pattern: re.Pattern[str], placeholder: str) -> str:
    """``text`` with each match of ``pattern`` in its folded form replaced by ``placeholder``."""
    folded = fold(text)
    if len(folded) != len(text):  # not one character for one: match on small letters only
        folded = text.lower()
        if len(folded) != len(text):
            return text
    spans = [m.span() for m in pattern.finditer(folded)]
    for start, end in reversed(spans):
        text = text[:start] + placeholder + text[end:]
    return text
