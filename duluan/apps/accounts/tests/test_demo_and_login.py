"""Demo data, login, logout and password change."""

from __future__ import annotations

import pytest
from django.utils import timezone

from duluan.adminunits import PRE2025, SCHEME_2025
from duluan.apps.accounts.demo import DEMO_PASSWORD
from duluan.apps.accounts.models import Agency
from duluan.apps.audit.models import AuditEvent
from duluan.apps.core.demo import demo_seed
from duluan.apps.geo.models import AdminUnit

pytestmark = pytest.mark.django_db


def test_demo_agencies_cover_the_province_and_every_commune(demo):
    communes = AdminUnit.objects.filter(scheme=SCHEME_2025, level="commune", province_code="24")
    commune_agencies = Agency.objects.filter(unit__in=communes)
    assert commune_agencies.count() == communes.count() > 90
    for code in (
        "bn-ubnd",
        "bn-vp-ubnd",
        "bn-btg-dv",
        "bn-so-nn-mt",
        "bn-cong-an",
        "bn-thanh-tra",
        "bn-mttq",
    ):
        assert Agency.objects.filter(code=code, is_active=True).exists(), code
    # and the pre-2025 Bắc Giang agencies are kept for history, no longer active
    history = Agency.objects.filter(code__startswith="bg-")
    assert history.filter(unit__scheme=PRE2025).count() == history.count() > 10
    assert not history.filter(is_active=True).exists()


def _row_counts() -> dict[str, int]:
    """Rows of every model of the platform's apps, except the audit log (a re-run of the hotness
    refresh is a real recomputation and is audited as such)."""
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("duluan.apps.") and model._meta.label != "audit.AuditEvent"
    }


def test_seeding_twice_changes_nothing(db):
    # given a demo installation seeded once (units, agencies, officials and every app's demo data)
    day = timezone.localdate()
    demo_seed()
    counts = _row_counts()
    creations = AuditEvent.objects.filter(action__endswith="create").count()
    # when it is seeded again
    report = demo_seed()
    after = _row_counts()
    # then no row was added anywhere, and nothing was created again; only if local midnight fell
    # between the two may the second scoring, on a new day, find other bursts and raise alerts
    if timezone.localdate() != day:
        for counted in (counts, after):
            del counted["issues.Burst"], counted["issues.Alert"]
    assert after == counts
    assert AuditEvent.objects.filter(action__endswith="create").count() == creations
    assert report.units_loaded == 0


def test_login_logout_and_password_change(client, demo):
    # when an officer logs in with the demo password
    response = client.post("/accounts/login/", {"username": "canbo.bacgiang", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "Hoàng Văn" in client.get("/").content.decode()
    # and changes the password
    response = client.post(
        "/accounts/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Mật-khẩu-mới-2026!",
            "new_password2": "Mật-khẩu-mới-2026!",
        },
    )
    assert response.status_code == 302
    # then logging out and in again needs the new password
    client.post("/accounts/logout/")
    assert (
        client.post("/accounts/login/", {"username": "canbo.bacgiang", "password": DEMO_PASSWORD}).status_code
        == 200
    )
    response = client.post(
        "/accounts/login/", {"username": "canbo.bacgiang", "password": "Mật-khẩu-mới-2026!"}
    )
    assert response.status_code == 302


def test_wrong_passwords_lock_the_account_for_that_address(client, demo):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "dieuphoi", "password": "sai"})
    response = client.post("/accounts/login/", {"username": "dieuphoi", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    # and the official is told why and for how long, in Vietnamese, in the site's layout
    html = response.content.decode()
    assert "Đăng nhập sai 5 lần liên tiếp" in html and "thử lại sau 30 phút" in html
    assert 'class="topbar"' in html


@pytest.mark.django_db
def test_a_form_sent_from_a_stale_page_is_refused_with_a_page_that_says_what_to_do():
    from django.test import Client

    # when a form is sent without a valid CSRF token (a page left open past its session)
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    # then it is refused, in Vietnamese, in the site's layout, saying what was not saved
    assert response.status_code == 403
    html = response.content.decode()
    assert "Phiên làm việc đã hết hạn" in html and "chưa được lưu" in html and 'class="topbar"' in html
