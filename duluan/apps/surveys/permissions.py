"""Who may see and run surveys, built on the platform gatekeeper (accounts.permissions).

Rounds belong to an agency: officials see the rounds of the agencies they may see (analysts,
coordinators and administrators see all); writing (uploading, drawing, importing) needs a write
role as well. Refusals look like "not found". Respondents reach only their own invitation, by code.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from duluan.apps.accounts.permissions import NOT_FOUND, can_write, filter_by_agency, is_official

from .models import Invitation, Round


def rounds_for_user(user) -> QuerySet[Round]:
    if not is_official(user):
        return Round.objects.none()
    return filter_by_agency(Round.objects.select_related("agency", "instrument", "frame", "index"), user)


def round_get_for_user(user, *, code: str) -> Round:
    """The round if the user may see it; otherwise 404, as if it did not exist."""
    try:
        return rounds_for_user(user).get(code=code)
    except Round.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def can_manage_surveys(user) -> bool:
    """Upload instruments and frames, draw samples, import answers."""
    return is_official(user) and can_write(user)


def invitation_for_code(code: str) -> Invitation:
    """The invitation behind a respondent's code (case-insensitive, spaces ignored); 404 otherwise."""
    clean = "".join(code.split()).upper()
    try:
        return Invitation.objects.select_related(
            "round__instrument", "village__commune__frame_unit__unit"
        ).get(code=clean)
    except Invitation.DoesNotExist:
        raise Http404(NOT_FOUND) from None
