from __future__ import annotations

import random
from pathlib import Path

import pytest

from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
from duluan.apps.accounts.models import Agency, User
from duluan.apps.geo.models import AdminUnit
from duluan.apps.surveys import demo as surveys_demo
from duluan.apps.surveys.services import (
    frame_import,
    index_spec_upsert,
    instrument_import,
    round_create,
    sample_draw,
)

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "sipas_xa.xlsx"


@pytest.fixture
def demo(db):
    demo_agencies_seed()
    demo_users_seed()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def province(db):
    return AdminUnit.objects.get(scheme="2025", code="24")


@pytest.fixture
def instrument(db):
    return instrument_import(content=SHIPPED.read_bytes())[0]


@pytest.fixture
def index_spec(db):
    d = surveys_demo.INDEX_DEFINITION
    return index_spec_upsert(code="sipas-xa", name=d["name"], definition=d)


@pytest.fixture
def frame(db, province):
    content, _ = surveys_demo._synthetic_frame_csv()
    return frame_import(name="Khung thử", year=2025, province=province, content=content, is_synthetic=True)[0]


@pytest.fixture
def small_round(demo, instrument, index_spec, frame):
    """A drawn round: 2 wards + 3 communes, 2 villages each, 3 respondents per village (30 codes)."""
    round_ = round_create(
        code="thu-2026",
        name="Đợt thử 2026",
        year=2026,
        agency=Agency.objects.get(code="bn-so-noi-vu"),
        instrument=instrument,
        frame=frame,
        index=index_spec,
        n_communes={"phuong": 2, "xa": 3},
        n_villages=2,
        n_respondents=3,
        seed=11,
    )
    sample_draw(round_=round_, code_choice=random.Random(11).choice)
    round_.refresh_from_db()
    return round_


def full_answers(code: str, *, used: bool = True, level: str = "4") -> dict:
    """A complete, valid set of answers to the shipped instrument."""
    raw = {
        "ma_moi": code,
        "ngay_tra_loi": "2026-10-05",
        "gioi_tinh": "nu",
        "nhom_tuoi": "30_44",
        "hoc_van": "thpt",
        "biet_cong_khai": "co",
        "biet_kenh_gop_y": "khong",
        "cs1": level,
        "cs2": level,
        "cs3": level,
        "da_giao_dich": "co" if used else "khong",
        "hl_chung": level,
        "ky_vong": ["thu_tuc", "thoi_gian"],
    }
    if used:
        raw.update({"so_lan": "2", "kenh_nop": ["truc_tiep"], "da_gop_y": "khong"})
        for prefix, n in (("tc", 4), ("tt", 4), ("cc", 5), ("kq", 3)):
            raw.update({f"{prefix}{i}": level for i in range(1, n + 1)})
    return raw


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo agencies, officials and both demo survey rounds, seeded once per test module.

    Seeding takes a few seconds, so tests of one module share it (each test still runs in its own
    rolled-back transaction); everything it created is deleted when the module is done.
    """
    from django.db.models import Max

    from duluan.apps.audit.models import AuditEvent
    from duluan.apps.surveys.models import (
        Frame,
        IndexSpec,
        Instrument,
        Invitation,
        Response,
        Round,
        SampledCommune,
        SampledVillage,
    )

    with django_db_blocker.unblock():
        marks = {m: m.objects.aggregate(top=Max("pk"))["top"] or 0 for m in (AuditEvent, Agency, User)}
        demo_agencies_seed()
        demo_users_seed()
        surveys_demo.seed(progress=lambda *_: None)
    yield
    with django_db_blocker.unblock():
        for model in (
            Response,
            Invitation,
            SampledVillage,
            SampledCommune,
            Round,
            Frame,
            IndexSpec,
            Instrument,
        ):
            model.objects.all().delete()
        User.objects.filter(pk__gt=marks[User]).delete()
        for agency in Agency.objects.filter(pk__gt=marks[Agency]).order_by("-pk"):
            agency.delete()
        AuditEvent.objects.filter(pk__gt=marks[AuditEvent]).delete()
