"""Administrators edit routing rules, legal limits and calendar days in the admin, and read cases
there as the case list shows them: the title masked."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from django.test import Client
from django.utils.html import escape

from duluan.analysis.normalise import fold
from duluan.apps.cases.confidential import case_title_masked
from duluan.apps.cases.models import CalendarOverride, RoutingRule
from duluan.apps.cases.permissions import can_read_case_text


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


NAME = "Trịnh Quốc Khánh"
COMPLAINANT = {
    "name": NAME,
    "phone": "0912345678",
    "email": "khanh@example.invalid",
    "address": "Số 12 Lê Lợi",
}


@pytest.mark.parametrize("superuser", [False, True])
def test_the_admin_shows_and_searches_a_case_s_title_masked_as_the_administrator_reads_it(
    demo, open_case, superuser
):
    # given a case whose title names its complainant, and the administrator, who passes no identity
    # gate (a superuser neither): the case's pages show them its title masked
    case = open_case(title=f"Ông {NAME} phản ánh khói bụi lò đốt rác", complainant=COMPLAINANT)
    admin = demo["quantri"]
    if superuser:
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
    assert not can_read_case_text(admin, case)
    masked = case_title_masked(case)
    assert NAME not in masked
    client = Client()
    client.force_login(admin)
    # when they open the admin's list of cases and the case's page
    pages = [client.get(url) for url in ("/admin/cases/case/", f"/admin/cases/case/{case.pk}/change/")]
    # then both show the title masked, and neither names the complainant, accents or not
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert escape(masked) in html
        assert "trinh quoc khanh" not in fold(unescape(html)) and "0912345678" not in html

    # and searching the name finds no case, while what the title says and the code find it
    def found(q: str) -> bool:
        return (
            f"/admin/cases/case/{case.pk}/change/"
            in client.get("/admin/cases/case/", {"q": q}).content.decode()
        )

    assert not any(found(q) for q in (NAME, "trinh quoc khanh", "Khánh"))
    assert found("khói bụi") and found("lo dot") and found(case.code)
