"""What a case's own words say about who wrote them, masked for those who may not know.

A citizen writes their name and house into a letter ("Tôi tên là Trịnh Quốc Khánh, trú tại số 12
đường Lê Lợi …") as often as into the form's fields. The form's fields are sealed by the
gatekeeper (:func:`~duluan.apps.cases.permissions.can_see_identity`); this module seals the same
person in the title and the description, for every page, export, API answer and message that shows
them to an official who does not pass that gate (:func:`case_text_for`), and for lists and files
that travel, to everyone (:func:`case_text_masked`).

Masked, in order:

1. personal data, the writer's name and house as a letter introduces them, and the case's own
   complainant's name, address, phone and e-mail wherever they occur, whatever the case and
   accents (:func:`duluan.analysis.frames.mask_writer`, as intake masks a reporter's);
2. in the title, what masking the description finds of people (names, phones, e-mails, identity
   card and bank account numbers) wherever the title writes it, in a shape no masker reads alone
   ("Nguyễn Thị Hoa - đường liên thôn hỏng" over a letter "Tôi tên là Nguyễn Thị Hoa, …":
   :func:`duluan.analysis.frames.mask_text_values`, as intake masks a signal's title over its
   text): where the form was left empty, the only values there are;
3. what else the logs' wider patterns take for phone numbers, e-mail and web addresses and
   identity card numbers (:func:`duluan.apps.core.logging.redact`).
"""

from __future__ import annotations

from dataclasses import dataclass

from duluan.analysis.frames import PersonValues, mask_text_values, mask_writer
from duluan.apps.core.logging import redact
from duluan.apps.core.text import nfc, search_key

from . import permissions as perms
from .models import Case, Complainant


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


def case_text_masked(text: str, *, complainant: Complainant | None, description: str = "") -> str:
    """``text`` with its writer's identity and personal data masked (see the module's docstring);
    ``description``: the case's, when ``text`` is its title."""
    text = nfc(text)
    if not text:
        return text
    masked = mask_writer(text, person_of(complainant))
    return redact(mask_text_values(masked, nfc(description)) if description else masked)


def person_of(complainant: Complainant | None) -> PersonValues | None:
    """The complainant's values as :func:`~duluan.analysis.frames.mask_writer` masks them."""
    if complainant is None:
        return None
    return PersonValues(
        name=complainant.name, address=complainant.address, phone=complainant.phone, email=complainant.email
    )


def case_text_for(user, case: Case, *, revealed: bool = False) -> CaseText:
    """The title and description of ``case`` for ``user``: as written for those who pass the
    identity gate (:func:`~duluan.apps.cases.permissions.can_read_case_text`) and right after an
    audited reveal (``revealed``: the reveal service answered), masked for everyone else."""
    if revealed or perms.can_read_case_text(user, case):
        return CaseText(title=case.title, description=case.description, masked=False)
    complainant = complainant_of(case)
    return CaseText(
        title=case_text_masked(case.title, complainant=complainant, description=case.description),
        description=case_text_masked(case.description, complainant=complainant),
        masked=True,
    )


def case_title_masked(case: Case) -> str:
    """The title of ``case`` masked for everyone: for lists, exports and the API, which show many
    cases at once and leave the page (select ``complainant`` with the cases to spare a query each)."""
    return case_text_masked(case.title, complainant=complainant_of(case), description=case.description)


def case_search_keys(title: str, *, complainant: Complainant | None, description: str) -> tuple[str, str]:
    """The keys the case list searches a case's title by (:func:`~duluan.apps.core.text.search_key`):
    the title as written, and as masked for those who do not read it so (:func:`case_text_masked`,
    over the case's ``description``). ``complainant`` may be unsaved, or a migration's historical
    row: only its values are read."""
    masked = case_text_masked(title, complainant=complainant, description=description)
    return search_key(title), search_key(masked)
