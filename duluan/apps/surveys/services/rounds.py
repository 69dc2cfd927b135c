"""Create and close survey rounds."""

from __future__ import annotations

from django.db import transaction

from duluan.apps.audit.services import audit_record

from ..models import Frame, IndexSpec, Instrument, Round, RoundStatus
from .instruments import index_definition_check

CODE_TAKEN = "Đã có đợt khảo sát mã “{code}”."
NO_CODE_QUESTION = "Bộ câu hỏi không có câu “{field}” để ghi mã mời."


@transaction.atomic
def round_create(
    *,
    code: str,
    name: str,
    year: int,
    agency,
    instrument: Instrument,
    frame: Frame,
    index: IndexSpec,
    n_communes: dict | int,
    n_villages: int = 3,
    n_respondents: int = 12,
    seed: int | None = None,
    margins: dict | None = None,
    previous: Round | None = None,
    code_field: str = "ma_moi",
    actor=None,
    request=None,
) -> Round:
    """Set up a round; the index definition must only name questions of the instrument.

    Raises:
        ValueError / IndexDefinitionError: code taken, no code question, index items unknown.
    """
    if Round.objects.filter(code=code).exists():
        raise ValueError(CODE_TAKEN.format(code=code))
    parsed = instrument.parsed()
    if not parsed.has(code_field):
        raise ValueError(NO_CODE_QUESTION.format(field=code_field))
    index_definition_check(index.definition, parsed)
    round_ = Round.objects.create(
        code=code,
        name=name,
        year=year,
        agency=agency,
        instrument=instrument,
        frame=frame,
        index=index,
        n_communes=n_communes,
        n_villages=n_villages,
        n_respondents=n_respondents,
        seed=seed,
        margins=margins or {},
        previous=previous,
        code_field=code_field,
    )
    audit_record(
        action="surveys.round_create",
        actor=actor,
        obj=round_,
        after={"code": code, "frame": frame.pk, "instrument": instrument.pk},
        request=request,
    )
    return round_


@transaction.atomic
def round_close(*, round_: Round, actor=None, request=None) -> Round:
    """Stop accepting answers; pending invitations count as non-response."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status == RoundStatus.CLOSED:
        return round_
    before = round_.status
    round_.status = RoundStatus.CLOSED
    round_.save(update_fields=["status"])
    audit_record(
        action="surveys.round_close",
        actor=actor,
        obj=round_,
        before={"status": before},
        after={"status": round_.status},
        request=request,
    )
    return round_


@transaction.atomic
def round_update(*, round_: Round, fields: list[str], actor=None, request=None) -> Round:
    """Save changed settings of a round (e.g. from the admin), with an audit event."""
    if not fields:
        return round_
    before = Round.objects.filter(pk=round_.pk).values(*fields).first() or {}
    round_.save(update_fields=fields)
    audit_record(
        action="surveys.round_update",
        actor=actor,
        obj=round_,
        before={k: str(v) for k, v in before.items()},
        after={k: str(getattr(round_, k)) for k in fields},
        request=request,
    )
    return round_
