"""Notes, public updates, attachments and the audited reveal of a denouncer's identity."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from duluan.apps.audit.services import audit_record
from duluan.apps.core.text import nfc

from .. import permissions as perms
from ..models import AttachmentKind, Case, CaseAttachment, CaseUpdate, Complainant
from .workflow import REASON_REQUIRED, CaseError

TEXT_REQUIRED = "Cần có nội dung."
NOT_ALLOWED_NOTE = "Bạn không có quyền ghi vào hồ sơ này."
NOT_ALLOWED_PUBLIC = "Chỉ cơ quan chủ trì được đăng cập nhật công khai."
NOT_ALLOWED_REVEAL = "Bạn không có quyền xem danh tính người tố cáo."
NOT_ALLOWED_ATTACH = "Chỉ cơ quan chủ trì được đính kèm tài liệu."
BAD_ATTACHMENT_KIND = "Loại tài liệu không hợp lệ."
FILE_TOO_LARGE = "Tệp quá lớn (tối đa {mb} MB)."
BAD_FILE_TYPE = "Chỉ nhận ảnh (JPG, PNG) hoặc văn bản (PDF, DOCX, ODT)."
NO_IDENTITY = "Người tố cáo không để lại thông tin cá nhân."
MAX_UPLOAD_MB = 10
ALLOWED_EXTENSIONS = {
    AttachmentKind.PHOTO: (".jpg", ".jpeg", ".png", ".webp"),
    AttachmentKind.DOCUMENT: (".pdf", ".docx", ".odt", ".doc"),
}


@transaction.atomic
def case_note_add(*, case: Case, actor, text: str, public: bool = False, request=None) -> CaseUpdate:
    """An internal note (officials who see the case) or a public update (the lead agency only)."""
    text = nfc(text)
    if not text:
        raise CaseError(TEXT_REQUIRED)
    if public and not perms.is_lead_staff(actor, case):
        raise PermissionDenied(NOT_ALLOWED_PUBLIC)
    if not perms.can_write_notes(actor, case):
        raise PermissionDenied(NOT_ALLOWED_NOTE)
    update = CaseUpdate.objects.create(case=case, author=actor, agency=actor.agency, text=text, public=public)
    audit_record(
        action="case.public_update" if public else "case.note",
        actor=actor,
        obj=case,
        after={"update": update.pk, "chars": len(text)},
        request=request,
    )
    return update


@transaction.atomic
def case_attachment_add(
    *, case: Case, actor, file, kind: str, description: str = "", public: bool = True, request=None
) -> CaseAttachment:
    if not perms.is_lead_staff(actor, case):
        raise PermissionDenied(NOT_ALLOWED_ATTACH)
    if kind not in AttachmentKind.values:
        raise CaseError(BAD_ATTACHMENT_KIND)
    name = (getattr(file, "name", "") or "").lower()
    if not name.endswith(ALLOWED_EXTENSIONS[kind]):
        raise CaseError(BAD_FILE_TYPE)
    if getattr(file, "size", 0) > MAX_UPLOAD_MB * 1024 * 1024:
        raise CaseError(FILE_TOO_LARGE.format(mb=MAX_UPLOAD_MB))
    attachment = CaseAttachment.objects.create(
        case=case, file=file, kind=kind, description=nfc(description), public=public, uploaded_by=actor
    )
    audit_record(
        action="case.attach",
        actor=actor,
        obj=case,
        after={"attachment": attachment.pk, "kind": kind, "public": public, "file": attachment.filename},
        request=request,
    )
    return attachment


@transaction.atomic
def case_reveal_denouncer(*, case: Case, actor, reason: str, request=None) -> dict[str, str]:
    """The sealed identity of a denouncer, for a user holding ``cases.reveal_denouncer``; audited."""
    if not perms.can_reveal_denouncer(actor, case):
        raise PermissionDenied(NOT_ALLOWED_REVEAL)
    reason = nfc(reason)
    if not reason:
        raise CaseError(REASON_REQUIRED)
    audit_record(action="case.reveal_identity", actor=actor, obj=case, reason=reason, request=request)
    try:
        return case.complainant.as_dict()
    except Complainant.DoesNotExist:
        return {}
