"""Gatekeepers of campaigns and orientation notes, built on :mod:`duluan.apps.accounts.permissions`.

Rules:

- Campaigns: coordinators, analysts and administrators see every campaign; officers and heads see
  the campaigns their agencies (for heads, also the agencies under them) lead or partner.
  Coordinators and heads create campaigns; coordinators and heads of the lead agency (or above it)
  edit them; coordinators, and officers or heads of the lead or a partner agency, record and
  correct outputs and evidence. Analysts only read.
- Orientation notes: coordinators, analysts and administrators see every note; other officials
  see the notes their agencies drafted and, once delivered, the notes sent to their agencies.
  Coordinators draft, edit, submit and deliver; a head of the drafting agency (or of an agency
  above it) approves or returns; each official of a recipient agency acknowledges once.

Not-found and forbidden look the same (404).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from duluan.apps.accounts.models import Agency, Role
from duluan.apps.accounts.permissions import NOT_FOUND, role_of, visible_agency_ids

from .models import Campaign, Evidence, NoteStatus, OrientationNote, Output, SurveyLink

CAMPAIGN_CREATOR_ROLES = frozenset({Role.COORDINATOR, Role.HEAD})
OUTPUT_RECORDER_ROLES = frozenset({Role.OFFICER, Role.HEAD})
NOTE_AUTHOR_ROLES = frozenset({Role.COORDINATOR})
NOTE_READER_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.COORDINATOR})
SURVEY_LINK_ROLES = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR})


def campaign_queryset_for_user(user) -> QuerySet[Campaign]:
    ids = visible_agency_ids(user)
    if ids is None:
        return Campaign.objects.all()
    if not ids:
        return Campaign.objects.none()
    involved = Campaign.objects.filter(Q(lead_agency__in=ids) | Q(partner_agencies__in=ids)).values("pk")
    return Campaign.objects.filter(pk__in=involved)


def campaign_get_for_user(user, *, pk) -> Campaign:
    try:
        return (
            campaign_queryset_for_user(user)
            .select_related("lead_agency", "plan_item", "plan_item__plan")
            .get(pk=int(pk))
        )
    except (Campaign.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND) from None


def output_get_for_user(user, *, pk) -> Output:
    try:
        return (
            Output.objects.select_related("campaign", "channel")
            .filter(campaign__in=campaign_queryset_for_user(user))
            .get(pk=int(pk))
        )
    except (Output.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND) from None


def evidence_get_for_user(user, *, pk) -> Evidence:
    try:
        return Evidence.objects.filter(output__campaign__in=campaign_queryset_for_user(user)).get(pk=int(pk))
    except (Evidence.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND) from None


def can_create_campaigns(user) -> bool:
    return role_of(user) in CAMPAIGN_CREATOR_ROLES


def campaign_agency_ids(campaign: Campaign) -> set[int]:
    return {campaign.lead_agency_id, *campaign.partner_agencies.values_list("pk", flat=True)}


def can_edit_campaign(user, campaign: Campaign) -> bool:
    """Coordinators, and heads of the lead agency (or of an agency above it)."""
    role = role_of(user)
    if role == Role.COORDINATOR:
        return True
    if role != Role.HEAD:
        return False
    ids = visible_agency_ids(user)
    return ids is None or campaign.lead_agency_id in ids


def can_record_outputs(user, campaign: Campaign) -> bool:
    role = role_of(user)
    if role == Role.COORDINATOR:
        return True
    return role in OUTPUT_RECORDER_ROLES and user.agency_id in campaign_agency_ids(campaign)


def can_link_surveys(user) -> bool:
    """Coordinators (and administrators, in the admin) say which survey round measures a campaign."""
    return role_of(user) in SURVEY_LINK_ROLES


def survey_link_get_for_user(user, *, pk) -> SurveyLink:
    try:
        return (
            SurveyLink.objects.select_related("campaign", "round")
            .filter(campaign__in=campaign_queryset_for_user(user))
            .get(pk=int(pk))
        )
    except (SurveyLink.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND) from None


# -- orientation notes ---------------------------------------------------------------------------


def note_queryset_for_user(user) -> QuerySet[OrientationNote]:
    ids = visible_agency_ids(user)
    if ids is None:
        return OrientationNote.objects.all()
    if not ids:
        return OrientationNote.objects.none()
    seen = OrientationNote.objects.filter(
        Q(agency__in=ids) | Q(status=NoteStatus.DELIVERED, recipients__in=ids)
    ).values("pk")
    return OrientationNote.objects.filter(pk__in=seen)


def note_get_for_user(user, *, pk) -> OrientationNote:
    try:
        return note_queryset_for_user(user).select_related("agency", "issue", "campaign").get(pk=int(pk))
    except (OrientationNote.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND) from None


def can_draft_notes(user) -> bool:
    return role_of(user) in NOTE_AUTHOR_ROLES and user.agency_id is not None


def _agency_and_ancestors(agency_id: int | None) -> set[int]:
    ids: set[int] = set()
    while agency_id is not None and agency_id not in ids:
        ids.add(agency_id)
        agency_id = Agency.objects.filter(pk=agency_id).values_list("parent_id", flat=True).first()
    return ids


def can_decide_note(user, note: OrientationNote) -> bool:
    """A head of the drafting agency or of an agency above it."""
    return role_of(user) == Role.HEAD and user.agency_id in _agency_and_ancestors(note.agency_id)


def can_acknowledge_note(user, note: OrientationNote) -> bool:
    return (
        note.status == NoteStatus.DELIVERED
        and role_of(user) in NOTE_READER_ROLES
        and user.agency_id is not None
        and note.recipients.filter(pk=user.agency_id).exists()
    )
