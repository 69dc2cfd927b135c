"""Demo: the satisfaction-with-commune-government survey in Bắc Ninh, rounds 2025 and 2026.

Everything here is SYNTHETIC and says so in the UI: the administrative-unit data has areas but
no populations, so each 2025 commune's population is drawn (seeded) from its area with a
density that depends on whether it is a ward; villages (thôn / tổ dân phố) are generated; the
answers are simulated with a commune effect (so some communes really differ) and a commune
trend between rounds (so some changes are real). Idempotent: rows are found by their codes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone

from duluan.adminunits import SCHEME_2025, load_admin_data
from duluan.apps.accounts.models import Agency
from duluan.apps.geo.models import AdminUnit

from .formlogic import apply_logic
from .models import (
    Frame,
    Invitation,
    InvitationStatus,
    Response,
    ResponseSource,
    Round,
)
from .services import (
    frame_import,
    index_spec_upsert,
    instrument_import,
    round_close,
    round_create,
    sample_draw,
)

DATA = Path(__file__).with_name("data")
PROVINCE = "24"
FRAME_NAME = "Khung mẫu Bắc Ninh 2025 (GIẢ LẬP cho bản demo)"
FRAME_NOTE = (
    "Dân số mỗi xã/phường được sinh ngẫu nhiên (có hạt giống) từ diện tích, vì dữ liệu đơn vị hành chính "
    "không có dân số; danh sách thôn/tổ dân phố cũng là giả lập. Chỉ dùng để trình diễn."
)
INDEX_CODE = "sipas-xa"
INDEX_DEFINITION = {
    "name": "Chỉ số hài lòng với chính quyền xã",
    "method": "percent_satisfied",
    "scale_min": 1,
    "scale_max": 5,
    "satisfied_min": 4,
    "min_n": 25,
    "subindices": [
        {"name": "Chính sách", "items": ["cs1", "cs2", "cs3"], "weight": 1.0},
        {"name": "Tiếp cận dịch vụ", "items": ["tc1", "tc2", "tc3", "tc4"], "weight": 1.0},
        {"name": "Thủ tục hành chính", "items": ["tt1", "tt2", "tt3", "tt4"], "weight": 1.0},
        {"name": "Công chức", "items": ["cc1", "cc2", "cc3", "cc4", "cc5"], "weight": 1.0},
        {"name": "Kết quả giải quyết", "items": ["kq1", "kq2", "kq3"], "weight": 1.0},
        {"name": "Tiếp nhận, xử lý góp ý", "items": ["gy1", "gy2", "gy3"], "weight": 1.0},
    ],
}
ROUNDS = [
    # code, name, year, seed, response rate, pending share left open
    ("hl-xa-2025", "Khảo sát sự hài lòng với chính quyền xã năm 2025 (demo)", 2025, 2025, 0.86, 0.0),
    ("hl-xa-2026", "Khảo sát sự hài lòng với chính quyền xã năm 2026 (demo)", 2026, 2026, 0.84, 0.06),
]
ALLOCATION = {"phuong": 10, "xa": 20}
SEX_SHARE = {"nam": 0.495, "nu": 0.505}
AGE_SHARE = {"18_29": 0.24, "30_44": 0.30, "45_59": 0.26, "60": 0.20}
# who answers a household survey: older, more often women
SAMPLE_AGE = {"18_29": 0.14, "30_44": 0.27, "45_59": 0.31, "60": 0.28}
SAMPLE_FEMALE = 0.56
ITEM_SHIFT = {"cs": -0.15, "tc": 0.05, "tt": -0.25, "cc": 0.2, "kq": 0.1, "gy": -0.35, "hl": 0.0}


def _synthetic_frame_csv() -> tuple[bytes, int]:
    """CSV of the province's 2025 communes with populations drawn from their areas (seeded)."""
    rng = np.random.default_rng(20250701)
    units = sorted(
        (
            u
            for u in load_admin_data().units
            if u.scheme == SCHEME_2025 and u.level == "commune" and u.province_code == PROVINCE
        ),
        key=lambda u: u.code,
    )
    lines = ["unit_code,scheme,population,households,stratum"]
    total = 0
    for u in units:
        urban = u.unit_type.lower().startswith("phường")
        density = rng.lognormal(np.log(2600 if urban else 950), 0.35)
        population = int(max(4000, round((u.area_km2 or 20) * density, -1)))
        households = round(population / rng.uniform(3.4, 3.9))
        total += population
        lines.append(f"{u.code},{SCHEME_2025},{population},{households},{'phuong' if urban else 'xa'}")
    return ("\n".join(lines) + "\n").encode(), total


def _margins(frame: Frame) -> dict:
    adults = sum(v.size for fu in frame.units.prefetch_related("villages") for v in fu.villages.all())
    sex = {k: round(adults * s) for k, s in SEX_SHARE.items()}
    age = {k: round(adults * s) for k, s in AGE_SHARE.items()}
    age["60"] += sum(sex.values()) - sum(age.values())  # same total on both margins
    return {"gioi_tinh": sex, "nhom_tuoi": age}


def _commune_effects(codes: list[str]) -> dict[str, tuple[float, float]]:
    """(level, 2025→2026 trend) per commune, on the 1–5 answer scale."""
    rng = np.random.default_rng(7)
    return {c: (float(rng.normal(0, 0.35)), float(rng.normal(0.12, 0.3))) for c in sorted(codes)}


def responses_record(round_: Round, answered: Iterable[tuple[Invitation, dict, datetime]]) -> int:
    """Store simulated answers — (invitation, raw answers, when submitted) — as the round's imported
    responses and complete their invitations; how many were stored.

    The answers go through the round's questionnaire logic like anyone's, and must obey it."""
    instrument = round_.instrument.parsed()
    responses, done = [], []
    for inv, raw, submitted_at in answered:
        state = apply_logic(instrument, raw, today=submitted_at.date())
        if not state.is_valid:  # the simulation must obey the instrument like anyone else
            raise AssertionError(f"simulated answers break the instrument: {state.errors}")
        responses.append(
            Response(
                round=round_,
                invitation=inv,
                instance_id=f"uuid:demo-{round_.code}-{inv.pk}",
                source=ResponseSource.IMPORT,
                answers=state.answers,
                submitted_at=submitted_at,
            )
        )
        done.append(inv.pk)
    Response.objects.bulk_create(responses, batch_size=500)
    Invitation.objects.filter(pk__in=done).update(status=InvitationStatus.COMPLETED)
    return len(responses)


def _simulated_answers(
    round_: Round, *, rate: float, pending: float, effects, year: int
) -> Iterator[tuple[Invitation, dict, datetime]]:
    rng = np.random.default_rng(round_.seed + 1)
    invitations = list(
        Invitation.objects.filter(round=round_, status=InvitationStatus.PENDING)
        .select_related("village__commune__frame_unit__unit")
        .order_by("pk")
    )
    base_day = timezone.make_aware(timezone.datetime(year, 10, 1, 9, 0))
    for inv in invitations:
        commune = inv.village.commune.frame_unit.unit.code
        level, trend = effects.get(commune, (0.0, 0.0))
        draw = rng.random()
        if draw >= rate:
            continue  # non-response: stays pending
        if draw >= rate - pending:
            continue  # left open for the web questionnaire demo
        sex = "nu" if rng.random() < SAMPLE_FEMALE else "nam"
        age = rng.choice(list(SAMPLE_AGE), p=list(SAMPLE_AGE.values()))
        age_effect = {"18_29": -0.35, "30_44": -0.1, "45_59": 0.1, "60": 0.3}[age]
        mu = 3.45 + level + age_effect + (trend if year >= 2026 else 0.0) + rng.normal(0, 0.45)
        day = base_day + timezone.timedelta(days=int(rng.integers(0, 45)), minutes=int(rng.integers(0, 600)))

        def likert(prefix: str, mu: float = mu) -> str:
            if rng.random() < 0.03:
                return "9"
            return str(int(np.clip(round(mu + ITEM_SHIFT[prefix] + rng.normal(0, 0.7)), 1, 5)))

        transacted = rng.random() < 0.58
        raw = {
            "ngay_tra_loi": day.date().isoformat(),
            "gioi_tinh": sex,
            "nhom_tuoi": age,
            "nam_sinh": str(
                year - {"18_29": 24, "30_44": 37, "45_59": 52, "60": 67}[age] - int(rng.integers(0, 5))
            ),
            "hoc_van": rng.choice(["tieu_hoc", "thcs", "thpt", "cao_dang_dh"], p=[0.2, 0.35, 0.3, 0.15]),
            "biet_cong_khai": "co" if rng.random() < 0.6 else "khong",
            "biet_kenh_gop_y": "co" if rng.random() < 0.45 else "khong",
            "cs1": likert("cs"),
            "cs2": likert("cs"),
            "cs3": likert("cs"),
            "da_giao_dich": "co" if transacted else "khong",
            "hl_chung": likert("hl"),
            "ky_vong": list(
                rng.choice(
                    ["thu_tuc", "thoi_gian", "thai_do", "truc_tuyen", "co_so", "phan_hoi"],
                    size=int(rng.integers(1, 4)),
                    replace=False,
                )
            ),
            round_.code_field: inv.code,
        }
        if transacted:
            raw.update(
                {
                    "so_lan": str(int(rng.integers(1, 6))),
                    "kenh_nop": list(
                        rng.choice(
                            ["truc_tiep", "buu_chinh", "truc_tuyen"],
                            size=int(rng.integers(1, 3)),
                            replace=False,
                        )
                    ),
                }
            )
            for prefix, n in (("tc", 4), ("tt", 4), ("cc", 5), ("kq", 3)):
                for i in range(1, n + 1):
                    raw[f"{prefix}{i}"] = likert(prefix)
            gave_feedback = rng.random() < 0.25
            raw["da_gop_y"] = "co" if gave_feedback else "khong"
            if gave_feedback:
                for i in range(1, 4):
                    raw[f"gy{i}"] = likert("gy")
        yield inv, raw, day


@transaction.atomic
def seed(*, progress=print) -> str:
    province = AdminUnit.objects.get(scheme=SCHEME_2025, code=PROVINCE)
    agency = Agency.objects.filter(code="bn-so-noi-vu").first() or Agency.objects.get(code="bn-ubnd")
    progress("Khảo sát: bộ câu hỏi, khung mẫu giả lập, hai đợt khảo sát…")
    instrument, _ = instrument_import(content=(DATA / "sipas_xa.xlsx").read_bytes())
    index = index_spec_upsert(
        code=INDEX_CODE,
        name=INDEX_DEFINITION["name"],
        definition=INDEX_DEFINITION,
        description="Cấu trúc theo SIPAS: chính sách và 5 yếu tố dịch vụ hành chính.",
    )
    content, _ = _synthetic_frame_csv()
    frame, _ = frame_import(
        name=FRAME_NAME, year=2025, province=province, content=content, is_synthetic=True, note=FRAME_NOTE
    )
    margins = _margins(frame)
    codes = list(frame.units.values_list("unit__code", flat=True))
    effects = _commune_effects(codes)
    previous = None
    answered = 0
    rounds = []
    for code, name, year, seed_value, rate, pending in ROUNDS:
        round_ = Round.objects.filter(code=code).first()
        if round_ is None:
            round_ = round_create(
                code=code,
                name=name,
                year=year,
                agency=agency,
                instrument=instrument,
                frame=frame,
                index=index,
                n_communes=ALLOCATION,
                n_villages=6,
                n_respondents=6,
                seed=seed_value,
                margins=margins,
                previous=previous,
            )
        if round_.drawn_at is None:
            sample_draw(round_=round_, code_choice=random.Random(seed_value).choice)
            answered += responses_record(
                round_, _simulated_answers(round_, rate=rate, pending=pending, effects=effects, year=year)
            )
            if year < 2026:
                round_close(round_=round_)
        rounds.append(round_)
        previous = round_
    responses = Response.objects.filter(round__in=rounds).count()
    return (
        f"Khảo sát: {len(rounds)} đợt, {responses} phiếu ({answered} mới), khung mẫu {frame.units.count()} "
        "xã/phường (dân số giả lập)"
    )
