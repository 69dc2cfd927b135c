"""The cases gatekeeper: who may see a case, who may see who wrote it, who may act on it.

Built on :mod:`duluan.apps.accounts.permissions`. Every read of a case goes through
:func:`case_list_for_user` or :func:`case_get_for_user`; a case the user may not see answers 404
exactly as a case that does not exist.

- An officer sees the cases of their agency, as lead or as partner; a head sees those of their
  agency and the agencies under it; coordinators, analysts and administrators see all cases.
- The complainant's identity (name, phone, e-mail, address) is shown only to the handling officer
  (the assignee; before assignment, the officers of the lead agency) and to the head over the lead
  agency. For a denunciation it is sealed from everyone: only a user holding the permission
  ``cases.reveal_denouncer`` can reveal it, one case at a time, with a reason, and every reveal is
  written to the audit log. Superuser status does not grant it: the permission must be given to
  the user (or a group of theirs) by name.
- The title and description carry the writer's name and house as often as the form's fields do:
  they are shown as written only to those who see the identity (:func:`can_read_case_text`), masked
  for everyone else, a partner agency included. Attachments that are not public go only to the
  case's handlers (:func:`can_download_attachment`).
- The audit page of a user is for coordinators and administrators.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.http import Http404

from duluan.apps.accounts.models import Role
from duluan.apps.accounts.permissions import NOT_FOUND, role_of, visible_agency_ids

from .models import Case, Kind

REVEAL_PERMISSION = "cases.reveal_denouncer"


def case_list_for_user(user) -> QuerySet[Case]:
    """The cases ``user`` may see (none for citizens: they follow theirs by tracking code)."""
    qs = Case.objects.all()
    if role_of(user) == Role.CITIZEN:
        return qs.none()
    ids = visible_agency_ids(user)
    if ids is None:
        return qs
    if not ids:
        return qs.none()
    partner_case_ids = Case.partner_agencies.through.objects.filter(agency_id__in=ids).values("case_id")
    return qs.filter(Q(lead_agency_id__in=ids) | Q(pk__in=partner_case_ids))


def case_get_for_user(user, *, pk: int) -> Case:
    """The case if ``user`` may see it; otherwise 404, as if it did not exist."""
    try:
        return (
            case_list_for_user(user)
            .select_related("lead_agency", "unit", "assignee", "routing_rule")
            .get(pk=pk)
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def case_get_by_code(code: str) -> Case:
    """The case a citizen follows by tracking code (public; the code is the secret)."""
    try:
        return Case.objects.select_related("unit", "lead_agency", "merged_into").get(
            code=(code or "").upper()
        )
    except Case.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _in_lead(user, case: Case) -> bool:
    ids = visible_agency_ids(user)
    return ids is not None and case.lead_agency_id in ids


def is_lead_officer(user, case: Case) -> bool:
    return role_of(user) == Role.OFFICER and user.agency_id == case.lead_agency_id


def is_lead_head(user, case: Case) -> bool:
    return role_of(user) == Role.HEAD and _in_lead(user, case)


def is_lead_staff(user, case: Case) -> bool:
    """Officers of the lead agency and the heads over it: those who handle the case."""
    return is_lead_officer(user, case) or is_lead_head(user, case)


def is_coordinator(user) -> bool:
    return role_of(user) in (Role.COORDINATOR, Role.ADMINISTRATOR)


def is_handling_officer(user, case: Case) -> bool:
    if not is_lead_officer(user, case):
        return False
    return case.assignee_id is None or case.assignee_id == user.pk


def is_handler(user, case: Case) -> bool:
    """Those designated to handle the case: its handling officer and the heads over its lead
    agency. Never a partner agency (for a denunciation, maybe the agency of those accused)."""
    return is_handling_officer(user, case) or is_lead_head(user, case)


def can_see_identity(user, case: Case) -> bool:
    """Whether the complainant's identity appears on the case file for ``user``."""
    if case.kind == Kind.DENUNCIATION:
        return False
    return is_handler(user, case)


def can_read_case_text(user, case: Case) -> bool:
    """Whether ``user`` reads the case's title and description as the citizen wrote them, their
    name and house in it (:mod:`duluan.apps.cases.confidential`): whoever sees the identity. For
    a denunciation nobody does, but through an audited reveal (:func:`can_reveal_denouncer`)."""
    return can_see_identity(user, case)


def case_text_readable(user) -> Q:
    """The cases whose title and description ``user`` reads as written (:func:`can_read_case_text`),
    as a filter: what the case list may match a search against (nothing for a citizen, an analyst,
    a coordinator or a partner agency; never a denunciation)."""
    role = role_of(user)
    if role == Role.OFFICER and user.agency_id is not None:
        handler = Q(lead_agency_id=user.agency_id) & (Q(assignee__isnull=True) | Q(assignee_id=user.pk))
    elif role == Role.HEAD and (ids := visible_agency_ids(user)) is not None:
        handler = Q(lead_agency_id__in=ids)
    else:
        return Q(pk__in=[])
    return handler & ~Q(kind=Kind.DENUNCIATION)


def can_download_attachment(user, case: Case, attachment) -> bool:
    """A public attachment (it goes with the published answer) for whoever sees the case; any
    other only for the case's handlers (:func:`is_handler`), the denunciation's too: their
    evidence may name the denouncer, and they are the ones designated to handle it."""
    if attachment.case_id != case.pk:
        return False
    return attachment.public or is_handler(user, case)


def holds_reveal_permission(user) -> bool:
    """Granted to this user or one of their groups — never implied by superuser status.

    Administrators run the system; the law keeps a denouncer's identity from everyone but those
    designated to handle it, so being a Django superuser does not open the seal.
    """
    if role_of(user) == Role.CITIZEN:
        return False
    app_label, codename = REVEAL_PERMISSION.split(".")
    granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return granted.filter(Q(user=user) | Q(group__user=user)).exists()


def can_reveal_denouncer(user, case: Case) -> bool:
    return (
        case.kind == Kind.DENUNCIATION
        and holds_reveal_permission(user)
        and case_list_for_user(user).filter(pk=case.pk).exists()
    )


def can_write_notes(user, case: Case) -> bool:
    """Internal notes: any official who sees the case and may write (not analysts)."""
    return role_of(user) in (Role.OFFICER, Role.HEAD, Role.COORDINATOR, Role.ADMINISTRATOR)


def can_read_user_audit(user) -> bool:
    return role_of(user) in (Role.COORDINATOR, Role.ADMINISTRATOR)


def can_view_performance(user) -> bool:
    return role_of(user) != Role.CITIZEN


def can_export(user) -> bool:
    return role_of(user) != Role.CITIZEN
