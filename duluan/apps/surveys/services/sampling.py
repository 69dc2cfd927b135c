"""Draw a round's sample (PAPI style) and issue invitation codes to the sampled respondents."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pandas as pd
from django.db import transaction
from django.utils import timezone

from duluan.apps.audit.services import audit_record
from duluan.stats import FrameError, select_multistage

from ..models import FrameVillage, Invitation, Round, RoundStatus, SampledCommune, SampledVillage

ALREADY_DRAWN = "Đợt khảo sát “{round}” đã chọn mẫu lúc {at}; không chọn lại để giữ nguyên xác suất đã lưu."
UNKNOWN_STRATUM = "Số xã theo tầng nhắc tới tầng “{stratum}” không có trong khung mẫu (có: {strata})."
NO_ALLOCATION = "Chưa đặt số xã cần chọn cho tầng: {strata}."
FRAME_PROBLEM = "Không chọn được mẫu từ khung: {detail}"

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def invitation_code(choice: Callable[[str], str] = secrets.choice) -> str:
    return "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def frame_table(round_: Round) -> pd.DataFrame:
    """The frame as the engine takes it: one row per village with stratum, commune, village, size."""
    rows = FrameVillage.objects.filter(frame_unit__frame=round_.frame).values_list(
        "pk", "size", "frame_unit__stratum", "frame_unit__unit__code"
    )
    return pd.DataFrame(rows, columns=["village", "size", "stratum", "commune"])


@transaction.atomic
def sample_draw(
    *, round_: Round, actor=None, request=None, code_choice: Callable[[str], str] = secrets.choice
) -> dict:
    """Select communes by PPS within strata, villages by PPS, respondents at random; issue codes.

    The seed stored on the round reproduces the selection; every stage's probability is stored.

    Args:
        round_: the round (its frame, seed, n_communes per stratum, n_villages, n_respondents).
        code_choice: how code characters are drawn (``secrets.choice``; the demo passes a seeded one).

    Returns:
        Counts: communes, villages, invitations.

    Raises:
        ValueError: the round was drawn already, or the allocation does not fit the frame.
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.drawn_at is not None:
        raise ValueError(ALREADY_DRAWN.format(round=round_.name, at=timezone.localtime(round_.drawn_at)))
    table = frame_table(round_)
    strata = sorted(table["stratum"].unique())
    allocation = round_.n_communes
    if isinstance(allocation, dict):
        unknown = [s for s in allocation if s not in strata]
        if unknown:
            raise ValueError(UNKNOWN_STRATUM.format(stratum=unknown[0], strata=", ".join(strata)))
        lacking = [s for s in strata if s not in allocation]
        if lacking:
            raise ValueError(NO_ALLOCATION.format(strata=", ".join(lacking)))
        allocation = {s: int(v) for s, v in allocation.items()}
    else:
        allocation = int(allocation)
    if round_.seed is None:
        round_.seed = secrets.randbelow(2**31)
    try:
        sample = select_multistage(
            table,
            n_communes=allocation,
            n_villages=round_.n_villages,
            n_respondents=round_.n_respondents,
            seed=round_.seed,
        )
    except FrameError as exc:
        raise ValueError(FRAME_PROBLEM.format(detail=exc)) from exc

    units = {fu.unit.code: fu for fu in round_.frame.units.select_related("unit")}
    villages = sample.villages
    communes: dict[str, SampledCommune] = {}
    for row in villages.drop_duplicates("commune").itertuples():
        communes[row.commune] = SampledCommune(
            round=round_,
            frame_unit=units[row.commune],
            stratum=row.stratum,
            measure=row.commune_size,
            p_commune=row.p_commune,
            certainty=row.p_commune >= 1.0,
        )
    SampledCommune.objects.bulk_create(communes.values())
    frame_villages = FrameVillage.objects.in_bulk(list(villages["village"]))
    sampled: dict[int, SampledVillage] = {}
    for row in villages.itertuples():
        sampled[int(row.village)] = SampledVillage(
            commune=communes[row.commune],
            village=frame_villages[int(row.village)],
            p_village=row.p_village,
            n_respondents=int(row.n_respondents),
            p_respondent=row.p_respondent,
        )
    SampledVillage.objects.bulk_create(sampled.values())
    codes: set[str] = set()
    while len(codes) < len(sample.respondents):
        codes.add(invitation_code(code_choice))
    taken = set(Invitation.objects.filter(code__in=codes).values_list("code", flat=True))
    codes -= taken
    while len(codes) < len(sample.respondents):
        code = invitation_code(code_choice)
        if not Invitation.objects.filter(code=code).exists():
            codes.add(code)
    invitations = [
        Invitation(
            round=round_,
            village=sampled[int(r.village)],
            code=code,
            slot=int(r.respondent),
            p_total=float(r.p_total),
        )
        for r, code in zip(sample.respondents.itertuples(), sorted(codes))
    ]
    Invitation.objects.bulk_create(invitations)
    round_.drawn_at = timezone.now()
    round_.status = RoundStatus.COLLECTING
    round_.save(update_fields=["drawn_at", "status", "seed"])
    counts = {
        "communes": len(communes),
        "villages": len(sampled),
        "invitations": len(invitations),
        "seed": round_.seed,
    }
    audit_record(action="surveys.sample_draw", actor=actor, obj=round_, after=counts, request=request)
    return counts
