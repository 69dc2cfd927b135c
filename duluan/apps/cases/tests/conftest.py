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


@pytest.fixture
def demo(db):
    from duluan.apps.cases.demo import rules_seed, users_seed

    if not AdminUnit.objects.filter(scheme="2025", code="09187").exists():
        # a transactional test (ours or another app's) emptied the database: load the units again
        from duluan.apps.geo.services import units_load

        units_load()
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
