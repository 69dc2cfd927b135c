"""Who sees who wrote in: the handling officer and head; for denunciations, only an audited reveal."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from openpyxl import load_workbook

from duluan.apps.audit.models import AuditEvent
from duluan.apps.cases.models import Case
from duluan.apps.cases.permissions import (
    can_see_identity,
    case_get_for_user,
    case_list_for_user,
    holds_reveal_permission,
)

PHONE, EMAIL, NAME = "0912345678", "an@example.invalid", "Nguyễn Văn An"


def page_for(user, case) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("canbo.nnmt", True),  # officer of the lead agency, nobody assigned yet
        ("lanhdao.nnmt", True),  # head of the lead agency
        ("dieuphoi", False),
        ("phantich", False),
        ("quantri", False),
    ],
)
def test_a_complainants_identity_shows_only_to_the_handling_officer_and_head(demo, open_case, username, sees):
    case = open_case()
    html = page_for(demo[username], case)
    assert (PHONE in html and EMAIL in html and NAME in html) is sees
    assert can_see_identity(demo[username], case) is sees


def test_once_assigned_only_the_assignee_among_officers_sees_the_identity(demo, open_case):
    from duluan.apps.accounts.services import user_upsert

    colleague, _ = user_upsert(
        username="canbo2.nnmt", password="x" * 12, role="officer", agency=demo["canbo.nnmt"].agency
    )
    case = open_case()
    Case.objects.filter(pk=case.pk).update(assignee=demo["canbo.nnmt"], status="assigned")
    case.refresh_from_db()
    assert PHONE in page_for(demo["canbo.nnmt"], case)
    assert PHONE not in page_for(colleague, case)


def test_a_partner_agency_sees_the_case_but_not_the_identity(demo, open_case):
    case = open_case()
    case.partner_agencies.add(demo["canbo.yte"].agency)
    assert case_get_for_user(demo["canbo.yte"], pk=case.pk) == case
    assert PHONE not in page_for(demo["canbo.yte"], case)
    assert case in case_list_for_user(demo["canbo.yte"])
    assert case not in case_list_for_user(demo["canbo.bacgiang"])


def test_the_description_s_contact_details_are_masked_for_those_who_do_not_see_the_identity(demo, open_case):
    # given a complaint whose description carries the sender's phone number and e-mail address
    described = "Khói bụi từ lò đốt rác gây khó thở, gọi tôi 0987654321 hoặc an.nguyen@mail.vn"
    case = open_case(description=described)
    case.partner_agencies.add(demo["canbo.yte"].agency)
    # then a partner agency's officer and an analyst read it masked
    for user in (demo["canbo.yte"], demo["phantich"]):
        html = page_for(user, case)
        assert "0987654321" not in html and "an.nguyen@mail.vn" not in html and "&lt;phone&gt;" in html
    # while the handling officer, who sees the identity, reads it as written
    assert "0987654321" in page_for(demo["canbo.nnmt"], case)


def test_a_denouncers_identity_is_sealed_even_from_the_head(demo, open_case):
    case = open_case(kind="denunciation", topic="corruption", title="Tố cáo cán bộ nhận tiền")
    for username in ("canbo.thanhtra", "lanhdao.thanhtra", "dieuphoi"):
        html = page_for(demo[username], case)
        assert PHONE not in html and NAME not in html
        assert "giữ bí mật" in html


def test_the_designated_role_reveals_it_and_every_reveal_is_audited(demo, open_case):
    # given a denunciation and the chief inspector, who holds cases.reveal_denouncer
    case = open_case(kind="denunciation", topic="corruption", title="Tố cáo cán bộ nhận tiền")
    chief = demo["lanhdao.thanhtra"]
    assert holds_reveal_permission(chief)
    client = Client()
    client.force_login(chief)

    # when they reveal it without a reason, nothing is shown
    client.post(f"/cases/{case.pk}/reveal/", {"reason": ""})
    assert not AuditEvent.objects.filter(action="case.reveal_identity").exists()

    # when they reveal it with a reason, it is shown once and audited (without the identity itself)
    response = client.post(
        f"/cases/{case.pk}/reveal/", {"reason": "Mời người tố cáo cung cấp thêm chứng cứ."}
    )
    html = response.content.decode()
    assert PHONE in html and NAME in html
    event = AuditEvent.objects.get(action="case.reveal_identity", object_id=str(case.pk))
    assert event.actor == chief and event.reason.startswith("Mời")
    assert PHONE not in str(event.after) and PHONE not in str(event.before)
    # and the next plain view of the file is sealed again
    assert PHONE not in page_for(chief, case)


def test_the_permission_is_a_flag_on_the_user_not_a_role(demo, open_case):
    case = open_case(kind="denunciation", topic="corruption", title="Tố cáo")
    officer = demo["canbo.thanhtra"]
    client = Client()
    client.force_login(officer)
    assert client.post(f"/cases/{case.pk}/reveal/", {"reason": "Cần xác minh"}).status_code == 403
    officer.user_permissions.add(Permission.objects.get(codename="reveal_denouncer"))
    client.force_login(type(officer).objects.get(pk=officer.pk))
    assert client.post(f"/cases/{case.pk}/reveal/", {"reason": "Cần xác minh"}).status_code == 200


def test_the_tracking_page_and_exports_carry_no_personal_data(demo, open_case):
    case = open_case(title="Khói bụi, gọi tôi 0987654321 hoặc an@example.invalid")
    html = Client().get(f"/cases/track/{case.code}/").content.decode()
    for secret in (PHONE, EMAIL, NAME, "0987654321", case.description):
        assert secret not in html
    client = Client()
    client.force_login(demo["lanhdao.nnmt"])
    response = client.get("/cases/export.csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Mã" and any(row[0] == case.code for row in rows[1:])
    for secret in (PHONE, EMAIL, NAME, "0987654321"):
        assert secret not in text
    assert "<phone>" in text and "<email>" in text
    # and the workbook, what Excel on a Vietnamese Windows opens in columns, holds the same rows
    response = client.get("/cases/export.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="ho-so.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    cells = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == rows[0] and sorted(cells[1:]) == sorted(rows[1:])
    book = "\n".join("\t".join(row) for row in cells)
    for secret in (PHONE, EMAIL, NAME, "0987654321"):
        assert secret not in book


def test_the_api_never_returns_the_identity(demo, open_case):
    case = open_case()
    client = Client()
    client.force_login(demo["canbo.nnmt"])
    body = client.get(f"/api/cases/{case.pk}").content.decode()
    assert case.code in body and PHONE not in body and NAME not in body


def test_case_pages_are_not_cached_and_exports_cannot_carry_formulas(demo, open_case):
    case = open_case(title='=HYPERLINK("http://x")')
    client = Client()
    client.force_login(demo["canbo.nnmt"])
    assert "no-store" in client.get(f"/cases/{case.pk}/")["Cache-Control"]
    text = client.get("/cases/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    # a workbook's cell is a value: the title is kept as written, as text, never a formula (its
    # link masked, as every link a citizen writes is in an export)
    data = b"".join(client.get("/cases/export.xlsx").streaming_content)
    sheet = load_workbook(io.BytesIO(data)).active
    [title] = [row[-1] for row in sheet.iter_rows(min_row=2) if row[0].value == case.code]
    assert (title.value, title.data_type) == ('=HYPERLINK("<url>")', "s")


def test_being_a_superuser_administrator_does_not_open_the_seal(demo, open_case):
    admin = demo["quantri"]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    case = open_case(kind="denunciation", topic="corruption", title="Tố cáo")
    client = Client()
    client.force_login(admin)
    assert client.post(f"/cases/{case.pk}/reveal/", {"reason": "Xem thử"}).status_code == 403
    assert PHONE not in client.get(f"/cases/{case.pk}/").content.decode()
