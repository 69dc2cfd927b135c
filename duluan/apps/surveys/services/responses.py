"""Answers: the web questionnaire (draft, submit) and imports of ODK Central / KoboToolbox CSV exports.

Both paths run the instrument's logic on the server (:func:`..formlogic.apply_logic`) and both
are idempotent: one response per invitation code, one per instanceID.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from duluan.analysis.tabular import read_csv_text
from duluan.apps.audit.services import audit_record

from ..formlogic import FormState, apply_logic
from ..models import Invitation, InvitationStatus, Response, ResponseSource, Round
from ..xlsform import Instrument as ParsedInstrument

ALREADY_ANSWERED = "Mã mời này đã được dùng để gửi phiếu. Mỗi mã chỉ trả lời một lần. Xin cảm ơn!"
ROUND_CLOSED = "Đợt khảo sát đã kết thúc, không nhận thêm phiếu."
UNKNOWN_CSV_COLUMNS = (
    "Tệp có {count} cột không thuộc bộ câu hỏi {form_id}: {columns}. Hãy xuất dữ liệu từ ODK Central/"
    "KoboToolbox với tên câu hỏi (XML names), không phải nhãn."
)
NO_INSTANCE_COLUMN = (
    "Tệp không có cột mã phiếu (meta/instanceID, meta-instanceID, instanceID, KEY hoặc _uuid)."
)
NO_CODE_COLUMN = "Tệp không có cột mã mời “{field}”."
ROW_NO_INSTANCE = "Dòng {line}: thiếu mã phiếu (instanceID)."
ROW_UNKNOWN_CODE = "Dòng {line}: mã mời “{code}” không thuộc mẫu của đợt khảo sát này."
ROW_DUPLICATE_CODE = "Dòng {line}: mã mời “{code}” đã dùng ở dòng {first}."
ROW_DUPLICATE_INSTANCE = "Dòng {line}: mã phiếu “{instance}” đã có ở dòng {first}."
ROW_CODE_TAKEN = "Dòng {line}: mã mời “{code}” đã có phiếu khác ({instance})."
ROW_ANSWER = "Dòng {line}, cột {column}: {message}"
ROW_BAD_ONE_HOT = "Dòng {line}, cột {column}: “{value}” — cột tách lựa chọn chỉ nhận 0/1."
TOO_MANY_ERRORS = "… và {count} lỗi khác."
NOT_UTF8 = "Tệp phải là CSV mã hóa UTF-8."
EMPTY = "Tệp không có dòng dữ liệu nào."

INSTANCE_COLUMNS = ("meta/instanceID", "meta-instanceID", "instanceID", "KEY", "_uuid")
TIME_COLUMNS = ("SubmissionDate", "_submission_time", "end")
# Columns ODK Central and KoboToolbox add to every export; accepted and ignored.
META_COLUMNS = {
    "SubmissionDate",
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
    "meta-instanceName",
    "meta/instanceName",
    "meta-audit",
    "meta/audit",
    "meta/rootUuid",
    "meta-rootUuid",
    "meta/deprecatedID",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_status",
    "_submitted_by",
    "_tags",
    "_notes",
    "_index",
    "__version__",
    "_version_",
    "formhub/uuid",
    "_xform_id_string",
    "_attachments",
    "_geolocation",
    "_parent_table_name",
    "_parent_index",
    "instanceID",
    "meta/instanceID",
    "meta-instanceID",
}
_TRUE = {"1", "1.0", "true", "True", "TRUE", "yes"}
_FALSE = {"0", "0.0", "false", "False", "FALSE", "no", ""}
MAX_ERRORS = 200


class ResponseInvalid(ValueError):
    """The submitted answers break the instrument's rules; ``state.errors`` says where."""

    def __init__(self, state: FormState):
        self.state = state
        super().__init__("; ".join(f"{k}: {v}" for k, v in state.errors.items()))


class ResponseImportError(ValueError):
    """The CSV cannot be imported; ``errors`` lists every problem. Nothing was written."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class ImportReport:
    created: int
    skipped: int  # rows whose instanceID was imported before


def _raw_with_code(invitation: Invitation, instrument: ParsedInstrument, raw: dict) -> dict:
    raw = dict(raw)
    if instrument.has(invitation.round.code_field):
        raw[invitation.round.code_field] = invitation.code
    return raw


@transaction.atomic
def response_draft_save(*, invitation: Invitation, raw: dict, request=None) -> FormState:
    """Keep the respondent's answers so far (nothing required yet); returns the evaluated state."""
    invitation = (
        Invitation.objects.select_for_update().select_related("round__instrument").get(pk=invitation.pk)
    )
    if invitation.status == InvitationStatus.COMPLETED:
        raise ValueError(ALREADY_ANSWERED)
    instrument = invitation.round.instrument.parsed()
    state = apply_logic(instrument, _raw_with_code(invitation, instrument, raw), check_required=False)
    if invitation.draft != state.answers or invitation.status != InvitationStatus.DRAFT:
        invitation.draft = state.answers
        invitation.status = InvitationStatus.DRAFT
        invitation.save(update_fields=["draft", "status", "updated_at"])
        # the answers stay out of the log: they are personal and will be in the response
        audit_record(
            action="surveys.draft_save",
            obj=invitation,
            after={"answered": len(state.answers)},
            request=request,
        )
    return state


@transaction.atomic
def response_submit(*, invitation: Invitation, raw: dict, request=None) -> Response:
    """Validate everything and record the response; the invitation cannot be used again.

    Raises:
        ResponseInvalid: required answers missing or constraints broken (nothing is saved but
            the draft).
        ValueError: the code was used already or the round is closed.
    """
    invitation = (
        Invitation.objects.select_for_update().select_related("round__instrument").get(pk=invitation.pk)
    )
    if invitation.status == InvitationStatus.COMPLETED:
        raise ValueError(ALREADY_ANSWERED)
    if invitation.round.status == "closed":
        raise ValueError(ROUND_CLOSED)
    instrument = invitation.round.instrument.parsed()
    state = apply_logic(instrument, _raw_with_code(invitation, instrument, raw))
    if not state.is_valid:
        raise ResponseInvalid(state)
    response = Response.objects.create(
        round=invitation.round,
        invitation=invitation,
        instance_id=f"uuid:{uuid.uuid4()}",
        source=ResponseSource.WEB,
        answers=state.answers,
        submitted_at=timezone.now(),
    )
    invitation.status = InvitationStatus.COMPLETED
    invitation.draft = {}
    invitation.save(update_fields=["status", "draft", "updated_at"])
    # The invitation's code stays out of the log, kept for good: it is the respondent's key, handed
    # to their household, and would tie them to their answers (the response is the event's object).
    audit_record(
        action="surveys.response_submit",
        obj=response,
        after={"round": invitation.round.code},
        request=request,
    )
    return response


# ---------------------------------------------------------------------- CSV import
@dataclass(frozen=True)
class _ColumnMap:
    direct: dict[str, str]  # column → question name
    one_hot: dict[str, tuple[str, str]]  # column → (question name, choice)
    ignored: set[str]


def _aliases(path: str) -> set[str]:
    return {path, path.replace("/", "-"), path.replace("/", "."), path.rsplit("/", 1)[-1]}


def column_map(instrument: ParsedInstrument, header: list[str]) -> tuple[_ColumnMap, list[str]]:
    """Map export columns to questions; returns the map and the unknown columns."""
    direct_names: dict[str, str] = {}
    one_hot_names: dict[str, tuple[str, str]] = {}
    ignored_names: set[str] = set(META_COLUMNS) | set(instrument.meta)
    for q in instrument.questions:
        aliases = _aliases(q.path)
        if q.type in ("note", "calculate"):
            ignored_names |= aliases
            continue
        for alias in aliases:
            direct_names[alias] = q.name
        if q.type == "select_multiple":
            for choice in instrument.choices.get(q.list_name, []):
                for alias in aliases:
                    for sep in ("/", "-", "."):
                        one_hot_names[f"{alias}{sep}{choice.name}"] = (q.name, choice.name)
    ignored_names |= {g for group in instrument.groups.values() for g in _aliases("/".join(group.path))}
    direct, one_hot, ignored, unknown = {}, {}, set(), []
    for column in header:
        if column in direct_names:
            direct[column] = direct_names[column]
        elif column in one_hot_names:
            one_hot[column] = one_hot_names[column]
        elif column in ignored_names or column.startswith("meta/") or column.startswith("meta-"):
            ignored.add(column)
        else:
            unknown.append(column)
    return _ColumnMap(direct, one_hot, ignored), unknown


def _submitted_at(record: dict[str, str]) -> datetime:
    for column in TIME_COLUMNS:
        value = parse_datetime(record.get(column, "") or "")
        if value is not None:
            return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.now()


@transaction.atomic
def responses_import_csv(*, round_: Round, content: bytes, actor=None, request=None) -> ImportReport:
    """Import an ODK Central / KoboToolbox CSV export of the round's instrument, all or nothing.

    Columns may be ``group/question`` (Kobo), ``group-question`` (ODK Central) or bare names;
    select_multiple answers may be space-separated or one-hot columns (``question/choice``).
    Each row needs an instanceID and the invitation code; rows already imported (same
    instanceID) are skipped, so importing the same export twice changes nothing.

    Raises:
        ResponseImportError: unknown columns, unknown codes, out-of-range answers … (all listed);
            nothing is written.
    """
    instrument = round_.instrument.parsed()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ResponseImportError([NOT_UTF8]) from None
    fieldnames, records = read_csv_text(text)  # semicolons too, as Excel saves "CSV" in Vietnamese
    header = [h for h in fieldnames if h]
    mapping, unknown = column_map(instrument, header)
    if unknown:
        raise ResponseImportError(
            [
                UNKNOWN_CSV_COLUMNS.format(
                    count=len(unknown), form_id=instrument.form_id, columns=", ".join(unknown)
                )
            ]
        )
    instance_column = next((c for c in INSTANCE_COLUMNS if c in header), None)
    if instance_column is None:
        raise ResponseImportError([NO_INSTANCE_COLUMN])
    code_field = round_.code_field
    if code_field not in mapping.direct.values():
        raise ResponseImportError([NO_CODE_COLUMN.format(field=code_field)])
    column_of = {}
    for column, name in mapping.direct.items():
        column_of.setdefault(name, column)
    for column, (name, _) in mapping.one_hot.items():
        column_of.setdefault(name, column.rsplit("/", 1)[0])
    if not records:
        raise ResponseImportError([EMPTY])

    invitations = {
        i.code: i for i in Invitation.objects.filter(round=round_).select_related("village__commune")
    }
    known_instances = dict(
        Response.objects.filter(round=round_).values_list("instance_id", "invitation__code")
    )
    errors: list[str] = []
    seen_codes: dict[str, int] = {}
    seen_instances: dict[str, int] = {}
    to_create: list[tuple[Invitation, str, dict, datetime]] = []
    skipped = 0
    for line, record in records:
        record = {k: (v or "").strip() for k, v in record.items() if k}
        instance = record.get(instance_column, "")
        if not instance:
            errors.append(ROW_NO_INSTANCE.format(line=line))
            continue
        if instance in seen_instances:
            errors.append(
                ROW_DUPLICATE_INSTANCE.format(line=line, instance=instance, first=seen_instances[instance])
            )
            continue
        seen_instances[instance] = line
        if instance in known_instances:
            skipped += 1
            continue
        raw: dict[str, object] = {}
        for column, name in mapping.direct.items():
            if record.get(column, "") != "":
                raw[name] = record[column]
        chosen: dict[str, list[str]] = {}
        for column, (name, choice) in mapping.one_hot.items():
            value = record.get(column, "")
            if value in _TRUE:
                chosen.setdefault(name, []).append(choice)
            elif value not in _FALSE:
                errors.append(ROW_BAD_ONE_HOT.format(line=line, column=column, value=value))
        for name, values in chosen.items():
            if not raw.get(name):
                raw[name] = values
        code = str(raw.get(code_field, "")).strip()
        invitation = invitations.get(code)
        if invitation is None:
            errors.append(ROW_UNKNOWN_CODE.format(line=line, code=code))
            continue
        if code in seen_codes:
            errors.append(ROW_DUPLICATE_CODE.format(line=line, code=code, first=seen_codes[code]))
            continue
        seen_codes[code] = line
        if invitation.status == InvitationStatus.COMPLETED:
            errors.append(ROW_CODE_TAKEN.format(line=line, code=code, instance=_instance_of(invitation)))
            continue
        state = apply_logic(instrument, raw)
        for name, message in state.errors.items():
            errors.append(ROW_ANSWER.format(line=line, column=column_of.get(name, name), message=message))
        if state.is_valid:
            to_create.append((invitation, instance, state.answers, _submitted_at(record)))
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(TOO_MANY_ERRORS.format(count=len(errors) - MAX_ERRORS))
        raise ResponseImportError(shown)
    Response.objects.bulk_create(
        Response(
            round=round_,
            invitation=inv,
            instance_id=instance,
            source=ResponseSource.IMPORT,
            answers=answers,
            submitted_at=at,
        )
        for inv, instance, answers, at in to_create
    )
    Invitation.objects.filter(pk__in=[inv.pk for inv, *_ in to_create]).update(
        status=InvitationStatus.COMPLETED, draft={}, updated_at=timezone.now()
    )
    report = ImportReport(created=len(to_create), skipped=skipped)
    audit_record(
        action="surveys.responses_import",
        actor=actor,
        obj=round_,
        after={"created": report.created, "skipped": report.skipped},
        request=request,
    )
    return report


def _instance_of(invitation: Invitation) -> str:
    response = Response.objects.filter(invitation=invitation).values_list("instance_id", flat=True).first()
    return response or "?"
