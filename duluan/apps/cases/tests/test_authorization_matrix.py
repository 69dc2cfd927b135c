"""Every URL of the cases app × every role: the status each role gets.

Roles: a citizen (anonymous), an officer of the lead agency, an officer of another agency, the head
of the lead agency, a coordinator, an analyst, an administrator. Pages of a case another agency
handles answer 404 (as if it did not exist); pages a role may see but not use answer 403; a
visitor is sent to log in (302 to the login page) — except the citizen's tracking pages.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from duluan.apps.accounts.testing import LOGIN, authorization_matrix_check
from duluan.apps.cases.models import Case, CaseAttachment, Status

ROLES = {
    "citizen": None,
    "officer_lead": "canbo.nnmt",
    "officer_other": "canbo.bacgiang",
    "head": "lanhdao.nnmt",
    "coordinator": "dieuphoi",
    "analyst": "phantich",
    "administrator": "quantri",
}
RESPONSE = (
    "Về việc khói bụi từ lò đốt rác thải gần khu dân cư, cơ quan đã kiểm tra thực tế và yêu cầu thôn "
    "dừng đốt rác thải vào buổi tối, di dời lò đốt ra xa khu dân cư trong 15 ngày."
)

# url key → expected status per role, in ROLES order
MATRIX = {
    "list": (LOGIN, 200, 200, 200, 200, 200, 200),
    "detail": (LOGIN, 200, 404, 200, 200, 200, 200),
    "attachment": (LOGIN, 200, 404, 200, 200, 200, 200),
    # an attachment kept from the public goes only to the case's handlers
    "attachment_private": (LOGIN, 200, 404, 200, 404, 404, 404),
    "accept": (LOGIN, 302, 404, 302, 403, 403, 403),
    "approve": (LOGIN, 403, 404, 302, 403, 403, 403),
    "transfer": (LOGIN, 302, 404, 302, 302, 403, 302),
    "unknown_action": (LOGIN, 404, 404, 404, 404, 404, 404),
    "note": (LOGIN, 302, 404, 302, 302, 403, 302),
    "attach": (LOGIN, 302, 404, 302, 403, 403, 403),
    "reveal": (LOGIN, 403, 404, 403, 403, 403, 403),
    "track_lookup": (200, 200, 200, 200, 200, 200, 200),
    "track": (200, 200, 200, 200, 200, 200, 200),
    "track_unknown": (404, 404, 404, 404, 404, 404, 404),
    "track_feedback": (302, 302, 302, 302, 302, 302, 302),
    "track_file": (200, 200, 200, 200, 200, 200, 200),
    "performance": (LOGIN, 200, 200, 200, 200, 200, 200),
    "performance_docx": (LOGIN, 200, 200, 200, 200, 200, 200),
    "audit_user": (LOGIN, 403, 403, 403, 200, 403, 200),
    "notifications": (LOGIN, 200, 200, 200, 200, 200, 200),
    "export": (LOGIN, 200, 200, 200, 200, 200, 200),
    "export_xlsx": (LOGIN, 200, 200, 200, 200, 200, 200),
    "api_list": (401, 200, 200, 200, 200, 200, 200),
    "api_detail": (401, 200, 404, 200, 200, 200, 200),
    "api_accept": (401, 200, 404, 200, 403, 403, 403),
    "api_track": (200, 200, 200, 200, 200, 200, 200),
}


def _case(open_case, status=Status.RECEIVED, **overrides) -> Case:
    case = open_case(**overrides)
    fields = {"status": status}
    if status in (Status.DRAFTED, Status.PUBLISHED):
        fields.update(
            response_text=RESPONSE,
            response_no_evidence_reason="Biên bản lưu tại cơ quan, có thông tin cá nhân.",
        )
    if status == Status.PUBLISHED:
        fields["published_at"] = timezone.now()
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def _request(client: Client, key: str, open_case, demo, tmp_path):
    """Perform the request for ``key`` on fresh data; returns the response."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    if key == "list":
        return client.get("/cases/")
    if key in (
        "detail",
        "attachment",
        "attachment_private",
        "accept",
        "transfer",
        "unknown_action",
        "note",
        "attach",
    ):
        case = _case(open_case)
        if key == "detail":
            return client.get(f"/cases/{case.pk}/")
        if key in ("attachment", "attachment_private"):
            item = CaseAttachment.objects.create(
                case=case,
                file=SimpleUploadedFile("anh.png", b"\x89PNG demo"),
                kind="photo",
                public=key == "attachment",
            )
            return client.get(f"/cases/{case.pk}/attachments/{item.pk}/")
        if key == "accept":
            return client.post(f"/cases/{case.pk}/act/accept/", {"version": case.version})
        if key == "transfer":
            target = demo["canbo.yte"].agency
            return client.post(
                f"/cases/{case.pk}/act/transfer/",
                {"version": case.version, "agency": target.pk, "reason": "Sai thẩm quyền."},
            )
        if key == "unknown_action":
            return client.post(f"/cases/{case.pk}/act/citizen_feedback/", {"version": case.version})
        if key == "note":
            return client.post(f"/cases/{case.pk}/note/", {"text": "Đã gọi điện cho thôn."})
        return client.post(
            f"/cases/{case.pk}/attach/",
            {
                "file": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 demo"),
                "kind": "document",
                "public": "on",
            },
        )
    if key == "approve":
        case = _case(open_case, Status.DRAFTED)
        return client.post(f"/cases/{case.pk}/act/approve/", {"version": case.version})
    if key == "reveal":
        case = _case(open_case, kind="denunciation")
        return client.post(f"/cases/{case.pk}/reveal/", {"reason": "Cần liên hệ bổ sung chứng cứ."})
    if key == "track_lookup":
        return client.get("/cases/track/")
    if key == "track":
        return client.get(f"/cases/track/{_case(open_case).code}/")
    if key == "track_unknown":
        return client.get("/cases/track/BN-0000-0000/")
    if key == "track_feedback":
        case = _case(open_case, Status.PUBLISHED)
        return client.post(f"/cases/track/{case.code}/feedback/", {"resolved": "yes", "satisfaction": "4"})
    if key == "track_file":
        case = _case(open_case, Status.PUBLISHED)
        item = CaseAttachment.objects.create(
            case=case, file=SimpleUploadedFile("anh.png", b"\x89PNG"), kind="photo"
        )
        return client.get(f"/cases/track/{case.code}/files/{item.pk}/")
    if key == "performance":
        _case(open_case)
        return client.get("/cases/performance/")
    if key == "performance_docx":
        return client.get("/cases/performance/report.docx")
    if key == "audit_user":
        return client.get(f"/cases/audit/user/{demo['canbo.nnmt'].pk}/")
    if key == "notifications":
        return client.get("/cases/notifications/")
    if key == "export":
        _case(open_case)
        return client.get("/cases/export.csv")
    if key == "export_xlsx":
        _case(open_case)
        return client.get("/cases/export.xlsx")
    if key == "api_list":
        return client.get("/api/cases/")
    if key == "api_detail":
        return client.get(f"/api/cases/{_case(open_case).pk}")
    if key == "api_accept":
        case = _case(open_case)
        return client.post(
            f"/api/cases/{case.pk}/actions/accept",
            json.dumps({"version": case.version}),
            content_type="application/json",
        )
    if key == "api_track":
        return client.get(f"/api/cases/track/{_case(open_case).code}")
    raise AssertionError(key)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_url_answers_each_role_as_the_gatekeeper_says(role, demo, open_case, settings, tmp_path):
    # given a user of this role (or a visitor) and fresh cases of Sở Nông nghiệp và Môi trường
    settings.MEDIA_ROOT = tmp_path
    # when they request every URL of the app
    got, wrong = authorization_matrix_check(
        user=demo[ROLES[role]] if ROLES[role] else None,
        matrix=MATRIX,
        column=list(ROLES).index(role),
        request=lambda client, key: _request(client, key, open_case, demo, tmp_path),
    )
    # then each answers with the expected status (all mismatches listed at once)
    assert wrong == {}, f"{role}: (got, expected) {wrong}"
    if role == "citizen":
        assert "/accounts/login/" in got["detail"]["Location"]
