"""Reads of the surveys app (lists and summaries); results live in :mod:`.estimates`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Frame, Instrument, Invitation, InvitationStatus, Round, SampledCommune


def instrument_list() -> QuerySet[Instrument]:
    return Instrument.objects.defer("xlsx").order_by("form_id", "-version")


def frame_list() -> QuerySet[Frame]:
    return Frame.objects.select_related("province").annotate(n_units=Count("units")).order_by("-year", "name")


def round_fieldwork(round_: Round) -> dict:
    """Invitations by status and the response rate."""
    counts = Invitation.objects.filter(round=round_).aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(status=InvitationStatus.COMPLETED)),
        draft=Count("pk", filter=Q(status=InvitationStatus.DRAFT)),
    )
    counts["pending"] = counts["total"] - counts["completed"] - counts["draft"]
    counts["rate"] = counts["completed"] / counts["total"] if counts["total"] else None
    counts["communes"] = SampledCommune.objects.filter(round=round_).count()
    return counts


def round_sample(round_: Round) -> QuerySet[SampledCommune]:
    """Sampled communes with their probabilities and villages (for the sample page)."""
    return (
        SampledCommune.objects.filter(round=round_)
        .select_related("frame_unit__unit")
        .prefetch_related("villages__village")
        .order_by("stratum", "frame_unit__unit__code")
    )


def round_invitations(round_: Round, *, status: str | None = None) -> QuerySet[Invitation]:
    qs = Invitation.objects.filter(round=round_).select_related(
        "village__village", "village__commune__frame_unit__unit"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("village__commune__frame_unit__unit__code", "village__village__code", "slot")
