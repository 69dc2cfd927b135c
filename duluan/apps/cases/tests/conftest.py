"""Fixtures of the cases tests: demo agencies, officials and routing rules, and a case factory."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
from duluan.apps.accounts.models import User
from duluan.apps.geo.models import AdminUnit


@pytest.fixture(autouse=True)
def _limits_present(db):
    """The legal limits come from a data migration; a transactional test elsewhere may have flushed them."""
    from duluan.apps.cases.models import CalendarOverride, LegalLimit
    from duluan.apps.cases.seed_calendar import seed

    if not LegalLimit.objects.exists():
        seed(LegalLimit, CalendarOverride)


# The agencies the tests route to, with the codes and names of the full demo (accounts.demo), so a
# test seeds a dozen agencies rather than the province's hundred and twenty.
TEST_AGENCIES = [
    # code, name, kind, parent code, unit (scheme, code)
    ("bn-ubnd", "Ủy ban nhân dân tỉnh Bắc Ninh", "ubnd", None, ("2025", "24")),
    ("bn-vp-ubnd", "Văn phòng UBND tỉnh Bắc Ninh", "office", "bn-ubnd", ("2025", "24")),
    ("bn-btg-dv", "Ban Tuyên giáo và Dân vận Tỉnh ủy Bắc Ninh", "party", None, ("2025", "24")),
    ("bn-thanh-tra", "Thanh tra tỉnh Bắc Ninh", "inspectorate", "bn-ubnd", ("2025", "24")),
    ("bn-so-nn-mt", "Sở Nông nghiệp và Môi trường", "department", "bn-ubnd", ("2025", "24")),
    ("bn-so-y-te", "Sở Y tế", "department", "bn-ubnd", ("2025", "24")),
    ("bn-so-xay-dung", "Sở Xây dựng", "department", "bn-ubnd", ("2025", "24")),
    ("bn-so-tu-phap", "Sở Tư pháp", "department", "bn-ubnd", ("2025", "24")),
    ("bn-so-noi-vu", "Sở Nội vụ", "department", "bn-ubnd", ("2025", "24")),
    ("bn-xa-07210", "UBND phường Bắc Giang", "ubnd", "bn-ubnd", ("2025", "07210")),
    ("bn-xa-09187", "UBND phường Kinh Bắc", "ubnd", "bn-ubnd", ("2025", "09187")),
]


def _test_agencies_seed() -> None:
    from duluan.apps.accounts.models import Agency

    made: dict[str, Agency] = {}
    for code, name, kind, parent, (scheme, unit_code) in TEST_AGENCIES:
        made[code] = Agency.objects.create(
            code=code,
            name=name,
            short_name=name,
            kind=kind,
            parent=made.get(parent),
            unit=AdminUnit.objects.get(scheme=scheme, code=unit_code),
        )


@pytest.fixture
def demo(db):
    """The demo's agencies (a subset), officials and routing rules; users by username."""
    from duluan.apps.cases.demo import rules_seed, users_seed

    if not AdminUnit.objects.filter(scheme="2025", code="09187").exists():
        # a transactional test (ours or another app's) emptied the database: load the units again
        from duluan.apps.geo.services import units_load

        units_load()
    _test_agencies_seed()
    demo_users_seed()
    rules_seed()
    users_seed()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def full_demo(db):
    """Every demo agency of the province (for the demo's own tests)."""
    from duluan.apps.cases.demo import rules_seed, users_seed

    demo_agencies_seed()
    demo_users_seed()
    rules_seed()
    users_seed()
    return {u.username: u for u in User.objects.all()}


def unit(code: str, scheme: str = "2025") -> AdminUnit:
    return AdminUnit.objects.get(scheme=scheme, code=code)


def moment(text: str) -> datetime:
    """An aware datetime at 09:00 local time on ``YYYY-MM-DD``."""
    return timezone.make_aware(datetime.fromisoformat(f"{text}T09:00"))


@pytest.fixture
def open_case(demo):
    """Open a case through the intake service with sensible defaults."""
    from duluan.apps.cases.services import case_open_from_submission

    def make(**overrides):
        values = {
            "title": "Khói bụi từ lò đốt rác thải gần khu dân cư",
            "description": "Lò đốt rác thải của thôn đốt vào buổi tối, khói bụi bay vào nhà dân gây khó thở.",
            "kind": "feedback",
            "topic": "environment",
            "unit": unit("09187"),
            "channel": "web",
            "complainant": {
                "name": "Nguyễn Văn An",
                "phone": "0912345678",
                "email": "an@example.invalid",
                "address": "Số 1",
            },
            "received_at": moment("2026-03-02"),
        }
        values.update(overrides)
        return case_open_from_submission(**values)

    return make
