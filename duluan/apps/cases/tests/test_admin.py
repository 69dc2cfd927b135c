"""Administrators edit routing rules, legal limits and calendar days in the admin."""

from __future__ import annotations

from datetime import date

from django.test import Client

from duluan.apps.cases.models import CalendarOverride, RoutingRule


def test_the_administrator_edits_configuration_in_the_admin(demo):
    admin = demo["quantri"]  # the administrator role, not a Django superuser
    client = Client()
    client.force_login(admin)
    assert "cụ thể nhất" in client.get("/admin/cases/routingrule/").content.decode()
    for url in (
        "/admin/cases/routingrule/",
        "/admin/cases/routingrule/add/",
        "/admin/cases/legallimit/",
        f"/admin/cases/legallimit/{1}/change/",
        "/admin/cases/calendaroverride/",
        "/admin/cases/case/",
    ):
        assert client.get(url).status_code == 200, url

    # a local day off is added through the admin form, and a rule with an unknown topic is refused
    response = client.post(
        "/admin/cases/calendaroverride/add/",
        {"date": "2026-09-03", "working": "", "reason_vi": "Nghỉ bù Quốc khánh theo quyết định của tỉnh"},
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.filter(date=date(2026, 9, 3), working=False).exists()
    count = RoutingRule.objects.count()
    response = client.post(
        "/admin/cases/routingrule/add/",
        {
            "name": "Sai",
            "topic": "khong-co",
            "lead_mode": "agency",
            "deadline_policy": "standard",
            "priority": 0,
        },
    )
    assert response.status_code == 200 and "Chủ đề không có trong bộ phân loại" in response.content.decode()
    assert RoutingRule.objects.count() == count


def test_other_roles_do_not_enter_the_admin(demo):
    client = Client()
    client.force_login(demo["dieuphoi"])
    assert client.get("/admin/cases/routingrule/").status_code == 302  # to the admin login
