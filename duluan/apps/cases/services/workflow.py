"""The case workflow: one action object per transition (Wagtail's action pattern).

Each :class:`CaseAction` bundles, in one place, who may do it (``allowed``), from which statuses,
the change itself (``apply``) and its audit event, so the views, the API and code behave alike::

    case = ACTIONS["accept"].execute(case=case, actor=user, expected_version=case.version)

``execute`` locks the case row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the write
transaction is taken at BEGIN, so writers queue), checks the version the user saw (optimistic
lock: a stale form is refused rather than silently overwriting a colleague's change), checks the
permission and the status, applies the change, bumps ``version``, saves the changed fields and
writes the audit event — all in one transaction; notifications follow on commit. An action that is
not allowed raises and changes nothing.

received → accepted | declined → assigned → in_progress → drafted → approved → published → closed,
plus transfer, reroute, extension, return of a draft, merge of duplicates, and the citizen's
confirmation, rating and reopening (through the tracking code).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from duluan.apps.accounts.models import Agency, Role, User
from duluan.apps.audit.services import audit_record
from duluan.apps.core.text import nfc

from .. import permissions as perms
from ..confidential import case_text_masked, complainant_of
from ..models import (
    ANSWERED_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseUpdate,
    DeclineReason,
    Status,
)
from ..quality import response_problems
from .deadlines import DeadlineError, deadline_compute, local_day, resolve_start
from .notifications import case_reference, notify
from .routing import RoutingError, route_for

REOPEN_WINDOW_DAYS = 30

NOT_ALLOWED = "Bạn không có quyền thực hiện thao tác “{action}” với hồ sơ này."
WRONG_STATUS = "Không thể {action} khi hồ sơ đang ở trạng thái “{status}”."
STALE = (
    "Hồ sơ vừa được người khác cập nhật (phiên bản {current}, bạn đang xem phiên bản {seen}). "
    "Hãy tải lại trang để xem thay đổi rồi thực hiện lại."
)
REASON_REQUIRED = "Cần nêu lý do."
BAD_DECLINE_REASON = "Chọn căn cứ pháp lý không thụ lý trong danh sách."
ASSIGNEE_OUTSIDE = "Cán bộ xử lý phải thuộc cơ quan chủ trì."
ASSIGNEE_REQUIRED = "Chọn cán bộ xử lý."
QUALITY = "Trả lời chưa đạt yêu cầu: {problems}"
SAME_AGENCY = "Hồ sơ đã do cơ quan này chủ trì."
AGENCY_INACTIVE = "Cơ quan nhận không còn hoạt động."
MERGE_SELF = "Không thể gộp hồ sơ vào chính nó."
MERGED_PUBLIC = "Hồ sơ trùng nội dung với hồ sơ khác, được giải quyết chung; kết quả được cập nhật tại đây."
MERGE_TARGET_CLOSED = "Hồ sơ đích đã được gộp vào hồ sơ khác; hãy gộp vào hồ sơ {code}."
REOPEN_WINDOW = "Đã quá {days} ngày kể từ khi công khai trả lời; không thể mở lại qua mã tra cứu."
BAD_RATING = "Mức hài lòng phải từ 1 đến 5."
ALREADY_RATED = "Hồ sơ đã được đánh giá."
NO_EXTENSION = "Thời hạn giải quyết của loại việc này không cho phép gia hạn thêm."

CITIZEN = "người dân (qua mã tra cứu)"


class CaseError(ValueError):
    """A transition that cannot happen; the message says why and nothing was changed."""


class ConflictError(CaseError):
    """The case changed since the user loaded it."""


def day_text(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def post_public_update(case: Case, text: str, *, actor=None, at: datetime | None = None) -> CaseUpdate:
    update = CaseUpdate.objects.create(
        case=case, author=actor if getattr(actor, "is_authenticated", False) else None, text=text, public=True
    )
    if at is not None:  # backdated work (imports, the demo) keeps its real chronology
        CaseUpdate.objects.filter(pk=update.pk).update(created_at=at)
    return update


class CaseAction:
    """One transition. Subclasses set the class attributes and implement ``apply``."""

    name: ClassVar[str]
    label: ClassVar[str]  # the verb shown on buttons and in messages
    from_statuses: ClassVar[tuple[str, ...]]
    public: ClassVar[bool] = False  # performed by a citizen through the tracking code

    def allowed(self, user, case: Case) -> bool:
        return perms.is_lead_staff(user, case)

    def available(self, user, case: Case) -> bool:
        """Shown to ``user`` now (allowed and the status fits)."""
        return case.status in self.from_statuses and self.allowed(user, case)

    def apply(
        self, case: Case, *, actor, now: datetime, reason: str, **params: Any
    ) -> tuple[list[str], dict]:
        """Change ``case`` in memory; return (changed fields, extra audit data)."""
        raise NotImplementedError

    def execute(
        self,
        *,
        case: Case,
        actor=None,
        expected_version: int | None = None,
        reason: str = "",
        request=None,
        now: datetime | None = None,
        **params: Any,
    ) -> Case:
        now = now or timezone.now()
        reason = nfc(reason)
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if expected_version is not None and int(expected_version) != locked.version:
                raise ConflictError(STALE.format(current=locked.version, seen=expected_version))
            if not self.public and not self.allowed(actor, locked):
                raise PermissionDenied(NOT_ALLOWED.format(action=self.label))
            if locked.status not in self.from_statuses:
                raise CaseError(WRONG_STATUS.format(action=self.label, status=locked.get_status_display()))
            tracked = ("status", "lead_agency_id", "assignee_id", "accept_due", "resolve_due", "extensions")
            before = {f: _jsonable(getattr(locked, f)) for f in tracked}
            try:
                changed, extra = self.apply(locked, actor=actor, now=now, reason=reason, **params)
            except DeadlineError as error:
                raise CaseError(str(error)) from None
            locked.version += 1
            locked.save(update_fields=sorted({*changed, "version", "updated_at"}))
            after = {f: _jsonable(getattr(locked, f)) for f in tracked}
            audit_record(
                action=f"case.{self.name}",
                actor=actor,
                obj=locked,
                before={k: v for k, v in before.items() if after[k] != v} or None,
                after={**{k: v for k, v in after.items() if before[k] != v}, **extra} or None,
                reason=reason,
                request=request,
            )
        return locked


def _jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _resolve_deadline(case: Case, *, accepted_day, extensions: int | None = None) -> None:
    start = resolve_start(kind=case.kind, received=local_day(case.received_at), accepted=accepted_day)
    deadline = deadline_compute(
        kind=case.kind,
        step="resolve",
        start=start,
        remote=case.remote,
        complex=case.complex,
        extensions=case.extensions if extensions is None else extensions,
    )
    case.resolve_due = deadline.due
    case.resolve_deadline = deadline.to_dict()


class Accept(CaseAction):
    name, label = "accept", "thụ lý"
    from_statuses = (Status.RECEIVED,)

    def apply(self, case, *, actor, now, reason, complex: bool | None = None, **params):
        if complex is not None:
            case.complex = bool(complex)
        case.status = Status.ACCEPTED
        case.accepted_at = now
        _resolve_deadline(case, accepted_day=local_day(now))
        post_public_update(
            case, f"Hồ sơ đã được thụ lý. Hạn giải quyết: {day_text(case.resolve_due)}.", actor=actor, at=now
        )
        late = case.accept_due is not None and local_day(now) > case.accept_due
        return ["status", "accepted_at", "complex", "resolve_due", "resolve_deadline"], {"late": late}


class Decline(CaseAction):
    name, label = "decline", "không thụ lý"
    from_statuses = (Status.RECEIVED,)

    def apply(self, case, *, actor, now, reason, decline_reason: str = "", **params):
        if decline_reason not in DeclineReason.values:
            raise CaseError(BAD_DECLINE_REASON)
        if not reason:
            raise CaseError(REASON_REQUIRED)
        case.status = Status.DECLINED
        case.decline_reason = decline_reason
        case.closed_at = now
        post_public_update(
            case,
            f"Hồ sơ không được thụ lý: {DeclineReason(decline_reason).label}. {reason}",
            actor=actor,
            at=now,
        )
        return ["status", "decline_reason", "closed_at"], {"decline_reason": decline_reason}


class Assign(CaseAction):
    name, label = "assign", "phân công"
    from_statuses = (Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS)

    def apply(self, case, *, actor, now, reason, assignee=None, partners=None, **params):
        if assignee is None:
            raise CaseError(ASSIGNEE_REQUIRED)
        if not isinstance(assignee, User):
            assignee = User.objects.filter(pk=assignee).first()
        if assignee is None or assignee.agency_id != case.lead_agency_id or not assignee.is_active:
            raise CaseError(ASSIGNEE_OUTSIDE)
        case.assignee = assignee
        if case.status == Status.ACCEPTED:
            case.status = Status.ASSIGNED
        extra: dict = {"assignee": assignee.get_username()}
        if partners is not None:
            agencies = [a for a in Agency.objects.filter(pk__in=[getattr(p, "pk", p) for p in partners])]
            case.partner_agencies.set([a for a in agencies if a.pk != case.lead_agency_id])
            extra["partners"] = sorted(a.code for a in agencies)
        if actor is None or assignee.pk != getattr(actor, "pk", None):
            notify(
                users=[assignee],
                case=case,
                kind="assigned",
                message=f"Bạn được phân công xử lý hồ sơ {case_reference(case)}.",
                email_subject=f"[Dư Luận] Phân công hồ sơ {case.code}",
            )
        return ["assignee", "status"], extra


class Start(CaseAction):
    name, label = "start", "bắt đầu xử lý"
    from_statuses = (Status.ASSIGNED,)

    def apply(self, case, *, actor, now, reason, **params):
        case.status = Status.IN_PROGRESS
        post_public_update(case, "Cơ quan chủ trì đang xác minh, xử lý nội dung.", actor=actor, at=now)
        return ["status"], {}


def _check_quality(case: Case) -> None:
    problems = response_problems(
        text=case.response_text,
        request_title=case.title,
        request_text=case.description,
        code=case.code,
        public_attachments=case.attachments.filter(public=True).count(),
        no_evidence_reason=case.response_no_evidence_reason,
    )
    if problems:
        raise CaseError(QUALITY.format(problems=" ".join(problems)))


class Draft(CaseAction):
    name, label = "draft", "dự thảo trả lời"
    from_statuses = (Status.ASSIGNED, Status.IN_PROGRESS, Status.DRAFTED)

    def apply(
        self, case, *, actor, now, reason, response_text: str = "", no_evidence_reason: str = "", **params
    ):
        case.response_text = nfc(response_text)
        case.response_no_evidence_reason = nfc(no_evidence_reason)
        _check_quality(case)
        case.status = Status.DRAFTED
        case.response_drafted_by = actor if getattr(actor, "is_authenticated", False) else None
        heads = User.objects.filter(role=Role.HEAD, agency_id=case.lead_agency_id, is_active=True)
        notify(users=heads, case=case, kind="draft", message=f"Dự thảo trả lời hồ sơ {case.code} chờ duyệt.")
        return ["response_text", "response_no_evidence_reason", "status", "response_drafted_by"], {
            "response_chars": len(case.response_text)
        }


class ReturnDraft(CaseAction):
    name, label = "return", "trả lại dự thảo"
    from_statuses = (Status.DRAFTED, Status.APPROVED)

    def allowed(self, user, case):
        return perms.is_lead_head(user, case)

    def apply(self, case, *, actor, now, reason, **params):
        if not reason:
            raise CaseError(REASON_REQUIRED)
        case.status = Status.IN_PROGRESS
        case.response_approved_by = None
        notify(
            users=[case.response_drafted_by or case.assignee],
            case=case,
            kind="returned",
            message=f"Dự thảo trả lời hồ sơ {case.code} bị trả lại: {reason}",
        )
        return ["status", "response_approved_by"], {}


class Approve(CaseAction):
    name, label = "approve", "duyệt trả lời"
    from_statuses = (Status.DRAFTED,)

    def allowed(self, user, case):
        return perms.is_lead_head(user, case)

    def apply(self, case, *, actor, now, reason, **params):
        _check_quality(case)
        case.status = Status.APPROVED
        case.response_approved_by = actor
        return ["status", "response_approved_by"], {}


class Publish(CaseAction):
    name, label = "publish", "công khai trả lời"
    from_statuses = (Status.APPROVED,)

    def apply(self, case, *, actor, now, reason, **params):
        _check_quality(case)
        case.status = Status.PUBLISHED
        case.published_at = now
        case.escalation_level = 0
        post_public_update(case, case.response_text, actor=actor, at=now)
        case.answered_on_time = case.resolve_due is None or local_day(now) <= case.resolve_due
        return ["status", "published_at", "escalation_level", "answered_on_time"], {
            "on_time": case.answered_on_time
        }


class Close(CaseAction):
    name, label = "close", "kết thúc hồ sơ"
    from_statuses = (Status.PUBLISHED,)

    def allowed(self, user, case):
        return perms.is_lead_staff(user, case) or perms.is_coordinator(user)

    def apply(self, case, *, actor, now, reason, **params):
        case.status = Status.CLOSED
        case.closed_at = now
        return ["status", "closed_at"], {}


class Extend(CaseAction):
    """Extend the resolve deadline: one more legal extension, or the complex-case limit."""

    name, label = "extend", "gia hạn giải quyết"
    from_statuses = (Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.DRAFTED, Status.APPROVED)

    def allowed(self, user, case):
        return perms.is_lead_head(user, case) or perms.is_coordinator(user)

    def apply(self, case, *, actor, now, reason, **params):
        if not reason:
            raise CaseError(REASON_REQUIRED)
        accepted_day = local_day(case.accepted_at) if case.accepted_at else None
        if not case.complex and _complex_changes(case, accepted_day):
            case.complex = True  # the complex-case limit first (it may carry the first extension)
        else:
            granted = int((case.resolve_deadline or {}).get("extensions", case.extensions)) + 1
            try:
                _resolve_deadline(case, accepted_day=accepted_day, extensions=granted)
            except DeadlineError as error:
                raise CaseError(f"{NO_EXTENSION} {error}") from None
            case.extensions = granted
        _resolve_deadline(case, accepted_day=accepted_day)
        case.escalation_level = 0
        post_public_update(
            case,
            f"Thời hạn giải quyết được gia hạn đến {day_text(case.resolve_due)}. Lý do: {reason}",
            actor=actor,
            at=now,
        )
        return ["complex", "extensions", "resolve_due", "resolve_deadline", "escalation_level"], {}


def _complex_changes(case: Case, accepted_day) -> bool:
    """Whether treating the case as complex gives it a later resolve deadline."""
    start = resolve_start(kind=case.kind, received=local_day(case.received_at), accepted=accepted_day)
    current = deadline_compute(
        kind=case.kind, step="resolve", start=start, remote=case.remote, extensions=case.extensions
    )
    as_complex = deadline_compute(
        kind=case.kind,
        step="resolve",
        start=start,
        remote=case.remote,
        complex=True,
        extensions=case.extensions,
    )
    return as_complex.due > current.due


def _hand_over(case: Case, *, lead: Agency, now: datetime, rule=None, routing: dict, partners=None) -> None:
    """Give the case to ``lead``: it receives it today, so its accept period starts today."""
    case.lead_agency = lead
    case.assignee = None
    case.routing_rule = rule
    case.routing = routing
    if rule is not None:
        case.plan_item = rule.plan_item
    case.partner_agencies.set(partners or [])
    case.status = Status.RECEIVED
    case.accepted_at = None
    case.escalation_level = 0
    accept = deadline_compute(
        kind=case.kind, step="accept", start=now, remote=case.remote, complex=case.complex
    )
    case.accept_due, case.accept_deadline = accept.due, accept.to_dict()
    case.resolve_due, case.resolve_deadline = None, {}
    officers = User.objects.filter(agency=lead, role__in=[Role.OFFICER, Role.HEAD], is_active=True)
    notify(
        users=officers, case=case, kind="transferred", message=f"Hồ sơ {case.code} được chuyển đến cơ quan."
    )


_HANDOVER_FIELDS = [
    "lead_agency",
    "assignee",
    "routing_rule",
    "routing",
    "plan_item",
    "status",
    "accepted_at",
    "escalation_level",
    "accept_due",
    "accept_deadline",
    "resolve_due",
    "resolve_deadline",
]


class Transfer(CaseAction):
    name, label = "transfer", "chuyển cơ quan"
    from_statuses = (Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS)

    def allowed(self, user, case):
        return perms.is_lead_staff(user, case) or perms.is_coordinator(user)

    def apply(self, case, *, actor, now, reason, agency=None, **params):
        if not reason:
            raise CaseError(REASON_REQUIRED)
        if not isinstance(agency, Agency):
            agency = Agency.objects.filter(pk=agency).first()
        if agency is None or not agency.is_active:
            raise CaseError(AGENCY_INACTIVE)
        if agency.pk == case.lead_agency_id:
            raise CaseError(SAME_AGENCY)
        by = actor.get_username() if getattr(actor, "is_authenticated", False) else "system"
        routing = {"manual": True, "by": by, "reason": reason, "lead": agency.name, "previous": case.routing}
        _hand_over(case, lead=agency, now=now, routing=routing)
        post_public_update(
            case, f"Hồ sơ được chuyển đến {agency.name} để giải quyết theo thẩm quyền.", actor=actor, at=now
        )
        return _HANDOVER_FIELDS, {"to": agency.code}


class Reroute(CaseAction):
    """Run the routing rules again (after correcting the topic or the place), with a reason."""

    name, label = "reroute", "phân luồng lại"
    from_statuses = Transfer.from_statuses

    def allowed(self, user, case):
        return perms.is_lead_head(user, case) or perms.is_coordinator(user)

    def apply(self, case, *, actor, now, reason, topic: str | None = None, unit=None, **params):
        if not reason:
            raise CaseError(REASON_REQUIRED)
        from duluan.apps.core.topics import topic_is_known

        from ..topics import TOPIC_UNKNOWN

        if topic:
            if not topic_is_known(topic):
                raise CaseError(TOPIC_UNKNOWN.format(code=topic))
            case.topic = topic
        if unit is not None:
            case.unit = unit
        try:
            decision = route_for(topic=case.topic, unit=case.unit, channel=case.channel, kind=case.kind)
        except RoutingError as error:
            raise CaseError(str(error)) from None
        changed = [*_HANDOVER_FIELDS, "topic", "unit"]
        if decision.lead.pk == case.lead_agency_id:
            case.routing_rule, case.routing = decision.rule, decision.explanation
            case.partner_agencies.set(decision.partners)
            return ["routing_rule", "routing", "topic", "unit"], {"rule": decision.rule.pk}
        _hand_over(
            case,
            lead=decision.lead,
            now=now,
            rule=decision.rule,
            routing=decision.explanation,
            partners=decision.partners,
        )
        post_public_update(
            case,
            f"Hồ sơ được chuyển đến {decision.lead.name} để giải quyết theo thẩm quyền.",
            actor=actor,
            at=now,
        )
        return changed, {"rule": decision.rule.pk, "to": decision.lead.code}


class Merge(CaseAction):
    """Merge a duplicate into another case; the duplicate follows the target from then on."""

    name, label = "merge", "gộp hồ sơ trùng"
    from_statuses = (*OPEN_STATUSES,)

    def allowed(self, user, case):
        return perms.is_lead_head(user, case) or perms.is_coordinator(user)

    def apply(self, case, *, actor, now, reason, target: Case | None = None, **params):
        if target is None or target.pk == case.pk:
            raise CaseError(MERGE_SELF)
        if target.status == Status.MERGED:
            raise CaseError(MERGE_TARGET_CLOSED.format(code=target.merged_into.code))
        case.status = Status.MERGED
        case.merged_into = target
        case.closed_at = now
        # never the target's code: it is another citizen's key to their own case
        post_public_update(case, MERGED_PUBLIC, actor=actor, at=now)
        audit_record(
            action="case.merged_from", actor=actor, obj=target, after={"duplicate": case.code}, reason=reason
        )
        return ["status", "merged_into", "closed_at"], {"into": target.code}


class CitizenFeedback(CaseAction):
    """The citizen, by tracking code, says whether it is resolved and rates the answer (1–5).

    Resolved: the case is closed. Not resolved, within the window: the case is reopened.
    """

    name, label = "citizen_feedback", "đánh giá kết quả"
    from_statuses = ANSWERED_STATUSES
    public = True

    def apply(
        self, case, *, actor, now, reason, resolved: bool = True, satisfaction: int | None = None, **params
    ):
        try:
            satisfaction = int(satisfaction)
        except (TypeError, ValueError):
            raise CaseError(BAD_RATING) from None
        if not 1 <= satisfaction <= 5:
            raise CaseError(BAD_RATING)
        if not can_rate(case):
            raise CaseError(ALREADY_RATED)
        case.satisfaction, case.rated_at, case.citizen_confirmed = satisfaction, now, bool(resolved)
        changed = ["satisfaction", "rated_at", "citizen_confirmed"]
        if resolved:
            if case.status != Status.CLOSED:
                case.status, case.closed_at = Status.CLOSED, now
                changed += ["status", "closed_at"]
            post_public_update(
                case, f"Người dân xác nhận đã được giải quyết (hài lòng {satisfaction}/5).", at=now
            )
            return changed, {"by": CITIZEN, "satisfaction": satisfaction, "resolved": True}
        changed += _reopen(case, now=now, reason=reason)
        return changed, {"by": CITIZEN, "satisfaction": satisfaction, "resolved": False}


def can_rate(case: Case) -> bool:
    """A citizen rates each published answer once (a new answer after reopening may be rated again)."""
    if case.status not in ANSWERED_STATUSES:
        return False
    return case.rated_at is None or (case.published_at is not None and case.rated_at < case.published_at)


def _reopen(case: Case, *, now: datetime, reason: str) -> list[str]:
    if not reason:
        raise CaseError(REASON_REQUIRED)
    if case.published_at is None or now - case.published_at > timedelta(days=REOPEN_WINDOW_DAYS):
        raise CaseError(REOPEN_WINDOW.format(days=REOPEN_WINDOW_DAYS))
    case.status = Status.IN_PROGRESS
    case.reopen_count += 1
    case.closed_at = None
    case.citizen_confirmed = False
    case.escalation_level = 0
    # The agency gets a fresh resolve period from the day the citizen reopened it.
    deadline = deadline_compute(
        kind=case.kind, step="resolve", start=now, remote=case.remote, complex=case.complex
    )
    case.resolve_due, case.resolve_deadline = deadline.due, deadline.to_dict()
    post_public_update(
        case,
        f"Người dân đề nghị xem xét lại: {reason}. Hạn giải quyết mới: {day_text(case.resolve_due)}.",
        at=now,
    )
    heads = User.objects.filter(
        agency_id=case.lead_agency_id, role__in=[Role.HEAD, Role.OFFICER], is_active=True
    )
    # what the citizen wrote may name them: the lead agency's officers are not all its handlers
    said = case_text_masked(reason, complainant=complainant_of(case))
    notify(
        users=heads,
        case=case,
        kind="reopened",
        message=f"Người dân mở lại hồ sơ {case_reference(case)}: {said}",
    )
    return [
        "status",
        "reopen_count",
        "closed_at",
        "citizen_confirmed",
        "escalation_level",
        "resolve_due",
        "resolve_deadline",
    ]


class Reopen(CaseAction):
    name, label = "reopen", "mở lại hồ sơ"
    from_statuses = ANSWERED_STATUSES
    public = True

    def apply(self, case, *, actor, now, reason, **params):
        return _reopen(case, now=now, reason=reason), {"by": CITIZEN}


ACTIONS: dict[str, CaseAction] = {
    action.name: action
    for action in (
        Accept(),
        Decline(),
        Assign(),
        Start(),
        Draft(),
        ReturnDraft(),
        Approve(),
        Publish(),
        Close(),
        Extend(),
        Transfer(),
        Reroute(),
        Merge(),
        CitizenFeedback(),
        Reopen(),
    )
}
OFFICIAL_ACTIONS = [a for a in ACTIONS.values() if not a.public]


def actions_for(user, case: Case) -> list[CaseAction]:
    """The transitions ``user`` can perform on ``case`` now (what the case page offers)."""
    return [a for a in OFFICIAL_ACTIONS if a.available(user, case)]
