"""Every URL of the plans app (pages and /api/plans/) × every role: the status each role gets.

Roles: a visitor (anonymous), a signed-in citizen, an officer of the lead agency (Sở NN&MT leads the
plan's items), an officer of a partner agency (the Ban Tuyên giáo partners item 1.1), an officer of
an agency not involved in the plan (Sở Y tế), the head of the lead agency, a coordinator, an
analyst, an administrator. Pages of a plan the user's agency is not part of answer 404 (as if it
did not exist); pages a role may see but not use answer 403; a visitor is sent to log in (302 to
the login page) and a signed-in non-official gets 404; a POST-only address answers 405 to a GET,
before anything else. The rules are the gatekeeper's (duluan/apps/plans/permissions.py).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from duluan.apps.accounts.models import Role, User
from duluan.apps.accounts.testing import LOGIN, authorization_matrix_check
from duluan.apps.audit.models import AuditEvent
from duluan.apps.plans import services, spreadsheets

from .conftest import PDF_BYTES

ROLES = {
    "anonymous": None,
    "citizen": "nguoidan",
    "officer_lead": "canbo.nnmt",
    "officer_partner": "canbo.btg",
    "officer_other": "canbo.yte",
    "head": "lanhdao.nnmt",
    "coordinator": "dieuphoi",
    "analyst": "phantich",
    "administrator": "quantri",
}

# url key → expected status per role, in ROLES order
# columns: anonymous, citizen, officer_lead, officer_partner, officer_other, head, coordinator, analyst,
# administrator
SEEN = (LOGIN, 404, 200, 200, 404, 200, 200, 200, 200)  # a page of the plan: 404 outside it
UNKNOWN = (LOGIN, 404, 404, 404, 404, 404, 404, 404, 404)
COORDINATOR_ONLY = (LOGIN, 404, 403, 403, 404, 403, 302, 403, 403)
POST_ONLY = (405,) * 9
MATRIX = {
    "index": (LOGIN, 404, 200, 200, 200, 200, 200, 200, 200),
    "approvals": (LOGIN, 404, 403, 403, 403, 403, 200, 403, 403),
    "plan": SEEN,
    "plan_unknown": UNKNOWN,
    "export": SEEN,
    "docx": SEEN,
    "import": (LOGIN, 404, 403, 403, 404, 403, 200, 403, 403),
    "import_post": COORDINATOR_ONLY,
    "item": SEEN,
    "item_unknown": UNKNOWN,
    # item 1.1: Sở NN&MT leads, the Ban Tuyên giáo partners
    "report_form": (LOGIN, 404, 200, 200, 404, 200, 403, 403, 403),
    "report_submit": (LOGIN, 404, 302, 302, 404, 302, 403, 403, 403),
    "report_submit_parent": (LOGIN, 404, 403, 403, 404, 403, 403, 403, 403),
    "report_approve_get": POST_ONLY,
    "report_approve": COORDINATOR_ONLY,
    "report_return_get": POST_ONLY,
    "report_return": COORDINATOR_ONLY,
    "attachment_upload_get": POST_ONLY,
    "attachment_upload": COORDINATOR_ONLY,
    "evidence_upload_get": POST_ONLY,
    # a report of Sở NN&MT: only its own officials add evidence, not the partner's
    "evidence_upload": (LOGIN, 404, 302, 403, 404, 302, 403, 403, 403),
    "evidence": SEEN,
    "attachment": SEEN,
    "api_list": (404, 404, 200, 200, 200, 200, 200, 200, 200),
    "api_detail": (404, 404, 200, 200, 404, 200, 200, 200, 200),
    "api_unknown": (404,) * 9,
}
# the writes, with the audit event a permitted one leaves (a refused one leaves nothing)
WRITES = {
    "report_submit": "plan_report.submit",
    "report_approve": "plan_report.approve",
    "report_return": "plan_report.return",
    "attachment_upload": "plan.attachment_add",
    "evidence_upload": "plan_report.evidence_add",
}


@pytest.fixture
def roles(demo, other_officer, agency):
    User.objects.create_user(username="nguoidan", password="x", role=Role.CITIZEN)
    User.objects.create_user(
        username="canbo.btg", password="x", role=Role.OFFICER, agency=agency("bn-btg-dv")
    )
    return {role: User.objects.get(username=name) if name else None for role, name in ROLES.items()}


def _report(plan, demo, *, evidence=()):
    """A fresh report of the lead agency on leaf item 1.1, waiting for approval."""
    return services.report_submit(
        item=plan["a"],
        user=demo["canbo.nnmt"],
        period_end=timezone.localdate() - timedelta(days=1),
        percent=Decimal(30),
        narrative="Đã xử lý 9/30 phản ánh ô nhiễm.",
        evidence=evidence,
    )


def _request(client, key: str, plan, demo):
    """Perform the request for ``key`` on fresh data; returns the response."""
    pk, item = plan["plan"].pk, plan["a"]
    if key == "index":
        return client.get("/plans/")
    if key == "approvals":
        return client.get("/plans/approvals/")
    if key == "plan":
        return client.get(f"/plans/{pk}/")
    if key == "plan_unknown":
        return client.get("/plans/999999/")
    if key == "export":
        return client.get(f"/plans/{pk}/items.xlsx")
    if key == "docx":
        return client.get(f"/plans/{pk}/report.docx")
    if key == "import":
        return client.get(f"/plans/{pk}/import/")
    if key == "import_post":
        workbook = spreadsheets.items_export(plan["plan"])  # re-importing the export changes nothing
        return client.post(f"/plans/{pk}/import/", {"file": SimpleUploadedFile("nv.xlsx", workbook)})
    if key == "item":
        return client.get(f"/plans/items/{item.pk}/")
    if key == "item_unknown":
        return client.get("/plans/items/999999/")
    if key in ("report_form", "report_submit", "report_submit_parent"):
        target = plan["parent"] if key == "report_submit_parent" else item
        if key == "report_form":
            return client.get(f"/plans/items/{target.pk}/report/")
        period_end = (timezone.localdate() - timedelta(days=1)).isoformat()
        return client.post(
            f"/plans/items/{target.pk}/report/",
            {"period_end": period_end, "percent": "45", "narrative": "Đã xử lý 14/30 phản ánh."},
        )
    if key.endswith("_get"):
        report = _report(plan, demo)
        address = {
            "report_approve_get": f"/plans/reports/{report.pk}/approve/",
            "report_return_get": f"/plans/reports/{report.pk}/return/",
            "attachment_upload_get": f"/plans/{pk}/attachments/",
            "evidence_upload_get": f"/plans/reports/{report.pk}/evidence/",
        }[key]
        return client.get(address)
    if key == "report_approve":
        return client.post(f"/plans/reports/{_report(plan, demo).pk}/approve/")
    if key == "report_return":
        report = _report(plan, demo)
        return client.post(f"/plans/reports/{report.pk}/return/", {"reason": "Thiếu số liệu quý I."})
    if key == "attachment_upload":
        upload = SimpleUploadedFile("ke-hoach.pdf", PDF_BYTES)
        return client.post(f"/plans/{pk}/attachments/", {"title": "Kế hoạch đã ký", "file": upload})
    if key == "evidence_upload":
        report = _report(plan, demo)
        upload = SimpleUploadedFile("bien-ban.pdf", PDF_BYTES)
        return client.post(f"/plans/reports/{report.pk}/evidence/", {"file": upload})
    if key == "evidence":
        (evidence,) = _report(plan, demo, evidence=[("bien-ban.pdf", PDF_BYTES)]).evidence.all()
        return client.get(f"/plans/evidence/{evidence.pk}/")
    if key == "attachment":
        attachment = services.plan_attachment_add(
            plan=plan["plan"], title="Kế hoạch", content=PDF_BYTES, filename="k.pdf"
        )
        return client.get(f"/plans/attachments/{attachment.pk}/")
    if key == "api_list":
        return client.get("/api/plans/")
    if key == "api_detail":
        return client.get(f"/api/plans/{pk}")
    if key == "api_unknown":
        return client.get("/api/plans/999999")
    raise AssertionError(key)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_url_answers_each_role_as_the_gatekeeper_says(
    role, roles, demo, small_plan, settings, tmp_path
):
    # given a user of this role (or a visitor) and a plan whose items Sở NN&MT leads
    settings.MEDIA_ROOT = tmp_path
    user = roles[role]
    column = list(ROLES).index(role)

    # when they request every URL of the app
    got, wrong = authorization_matrix_check(
        user=user,
        matrix=MATRIX,
        column=column,
        request=lambda client, key: _request(client, key, small_plan, demo),
    )

    # then each answers with the expected status (all mismatches listed at once)
    assert wrong == {}, f"{role}: (got, expected) {wrong}"
    if user is None:
        assert "/accounts/login/" in got["plan"]["Location"]
        return
    # and a permitted write left its audit event, a refused one nothing
    done = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    expected = {action for key, action in WRITES.items() if MATRIX[key][column] == 302}
    assert done & set(WRITES.values()) == expected
    # and what a role may see but not use is not even offered on its pages
    if MATRIX["plan"][column] == 200:
        page = got["plan"].content.decode()
        assert ('data-testid="attachment-form"' in page) == (MATRIX["attachment_upload"][column] == 302)
