"""Cases: a citizen's feedback, complaint or denunciation handled by agencies under legal deadlines.

Configuration officials change is data here too: routing rules, legal time limits and local calendar
overrides are rows edited in the admin and handed to the pure engines (``duluan.calendar``) as plain
data. A case records the rule that routed it and the explanation of each of its deadlines.

Personal data of the person who wrote in lives in :class:`Complainant`, apart from the case, so
that lists, exports and the public tracking page never carry it by accident; for denunciations it
is sealed (see :mod:`duluan.apps.cases.permissions`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    FEEDBACK = "feedback", _("Phản ánh, kiến nghị")
    COMPLAINT1 = "complaint1", _("Khiếu nại lần đầu")
    COMPLAINT2 = "complaint2", _("Khiếu nại lần hai")
    DENUNCIATION = "denunciation", _("Tố cáo")


class Channel(models.TextChoices):
    WEB = "web", _("Cổng thông tin")
    OPEN311 = "open311", _("Open311")
    HOTLINE = "hotline", _("Đường dây nóng")
    RECEPTION = "reception", _("Tiếp công dân trực tiếp")
    MAIL = "mail", _("Đơn thư")
    VOTER_MEETING = "voter_meeting", _("Tiếp xúc cử tri")
    PRESS = "press", _("Báo chí, mạng xã hội")
    OTHER = "other", _("Khác")


class Status(models.TextChoices):
    RECEIVED = "received", _("Mới tiếp nhận")
    ACCEPTED = "accepted", _("Đã thụ lý")
    DECLINED = "declined", _("Không thụ lý")
    ASSIGNED = "assigned", _("Đã phân công")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DRAFTED = "drafted", _("Đã dự thảo trả lời")
    APPROVED = "approved", _("Lãnh đạo đã duyệt")
    PUBLISHED = "published", _("Đã công khai trả lời")
    CLOSED = "closed", _("Đã kết thúc")
    MERGED = "merged", _("Đã gộp vào hồ sơ khác")


# Statuses in which the agency still owes the citizen something.
OPEN_STATUSES = (
    Status.RECEIVED,
    Status.ACCEPTED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.DRAFTED,
    Status.APPROVED,
)
# Statuses in which the answer is out (the resolve deadline has been met or missed for good).
ANSWERED_STATUSES = (Status.PUBLISHED, Status.CLOSED)


class Step(models.TextChoices):
    ACCEPT = "accept", _("Thụ lý")
    RESOLVE = "resolve", _("Giải quyết")


class DayUnit(models.TextChoices):
    WORKING = "working", _("Ngày làm việc")
    CALENDAR = "calendar", _("Ngày (dương lịch)")


class CountsFrom(models.TextChoices):
    RECEIVED = "received", _("Ngày tiếp nhận")
    ACCEPTED = "accepted", _("Ngày thụ lý")


class LegalLimit(models.Model):
    """One legal time limit (kind × step), editable; the engine's :class:`duluan.calendar.LegalLimit`.

    Seeded from ``duluan/calendar/data/legal_limits.json`` by migration; ``counts_from`` says from
    which day of the case the period runs (the law says it in ``starts_vi``).
    """

    rule_id = models.CharField(_("mã quy tắc"), max_length=60, unique=True)
    kind = models.CharField(_("loại việc"), max_length=20, choices=Kind.choices)
    step = models.CharField(_("bước"), max_length=10, choices=Step.choices)
    days = models.PositiveIntegerField(_("số ngày"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("đơn vị"), max_length=10, choices=DayUnit.choices)
    counts_from = models.CharField(
        _("tính từ"), max_length=10, choices=CountsFrom.choices, default=CountsFrom.RECEIVED
    )
    complex_days = models.PositiveIntegerField(_("số ngày (phức tạp)"), null=True, blank=True)
    remote_days = models.PositiveIntegerField(_("số ngày (vùng sâu, vùng xa)"), null=True, blank=True)
    remote_complex_days = models.PositiveIntegerField(
        _("số ngày (vùng sâu, vùng xa, phức tạp)"), null=True, blank=True
    )
    extension_days = models.PositiveIntegerField(_("số ngày mỗi lần gia hạn"), null=True, blank=True)
    extension_max_count = models.PositiveIntegerField(_("số lần gia hạn tối đa"), null=True, blank=True)
    extension_complex_count = models.PositiveIntegerField(
        _("số lần gia hạn khi phức tạp"), null=True, blank=True
    )
    kind_vi = models.CharField(_("tên loại việc"), max_length=120, blank=True)
    kind_en = models.CharField(_("tên loại việc (tiếng Anh)"), max_length=120, blank=True)
    label_vi = models.CharField(_("nội dung"), max_length=200)
    label_en = models.CharField(_("nội dung (tiếng Anh)"), max_length=200)
    starts_vi = models.CharField(_("mốc tính"), max_length=200, default="kể từ ngày")
    starts_en = models.CharField(_("mốc tính (tiếng Anh)"), max_length=200, default="from")
    complex_vi = models.CharField(_("diễn giải phức tạp"), max_length=200, default="vụ việc phức tạp")
    complex_en = models.CharField(_("diễn giải phức tạp (tiếng Anh)"), max_length=200, default="complex case")
    source = models.JSONField(_("căn cứ pháp lý"), default=dict)
    note = models.TextField(_("ghi chú"), blank=True)
    verified = models.BooleanField(_("đã đối chiếu văn bản"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["kind", "-step"]
        constraints = [models.UniqueConstraint(fields=["kind", "step"], name="cases_limit_kind_step")]
        verbose_name = _("thời hạn pháp lý")
        verbose_name_plural = _("thời hạn pháp lý")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.get_step_display()}: {self.days} {self.get_unit_display()}"

    def as_engine_dict(self) -> dict:
        """The JSON shape the engine's ``LegalLimit.from_dict`` reads."""
        extension = None
        if self.extension_days:
            extension = {
                "days": self.extension_days,
                "max_count": self.extension_max_count or 1,
                "complex_count": self.extension_complex_count or 0,
            }
        return {
            "id": self.rule_id,
            "kind": self.kind,
            "step": self.step,
            "days": self.days,
            "unit": self.unit,
            "kind_vi": self.kind_vi,
            "kind_en": self.kind_en,
            "label_vi": self.label_vi,
            "label_en": self.label_en,
            "starts_vi": self.starts_vi,
            "starts_en": self.starts_en,
            "complex_days": self.complex_days,
            "remote_days": self.remote_days,
            "remote_complex_days": self.remote_complex_days,
            "extension": extension,
            "complex_vi": self.complex_vi,
            "complex_en": self.complex_en,
            "source": self.source,
            "note": self.note,
            "verified": self.verified,
        }

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from duluan.calendar import CalendarError
        from duluan.calendar import LegalLimit as EngineLimit

        try:
            EngineLimit.from_dict(self.as_engine_dict())
        except CalendarError as error:
            raise ValidationError(str(error)) from None


class CalendarOverride(models.Model):
    """A local working-day decision: an extra day off, or a weekend day worked (ngày làm bù)."""

    date = models.DateField(_("ngày"), unique=True)
    working = models.BooleanField(_("là ngày làm việc"), help_text=_("Bỏ chọn nếu là ngày nghỉ."))
    reason_vi = models.CharField(_("lý do"), max_length=300)
    reason_en = models.CharField(_("lý do (tiếng Anh)"), max_length=300, blank=True)
    source = models.CharField(_("văn bản"), max_length=300, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.reason_vi}"

    def as_engine_dict(self) -> dict:
        return {
            "date": self.date.isoformat() if self.date else None,
            "working": self.working,
            "reason_vi": self.reason_vi,
            "reason_en": self.reason_en,
            "source": self.source,
        }

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from duluan.calendar import CalendarError
        from duluan.calendar import CalendarOverride as EngineOverride

        try:
            EngineOverride.from_dict(self.as_engine_dict())
        except CalendarError as error:
            raise ValidationError(str(error)) from None


class LeadMode(models.TextChoices):
    AGENCY = "agency", _("Cơ quan chỉ định")
    LOCAL = "local", _("UBND xã/phường nơi phát sinh")


class DeadlinePolicy(models.TextChoices):
    STANDARD = "standard", _("Thời hạn chung")
    COMPLEX = "complex", _("Vụ việc phức tạp")
    REMOTE = "remote", _("Vùng sâu, vùng xa")
    REMOTE_COMPLEX = "remote_complex", _("Vùng sâu, vùng xa và phức tạp")


class RoutingRule(models.Model):
    """(topic, place or level, channel, kind) → lead agency, partners, deadline policy.

    Blank criteria match anything. When several rules match, the most specific wins — see
    :func:`duluan.apps.cases.services.routing.rule_specificity` for the order — and ``priority``
    (higher first) breaks ties.
    """

    name = models.CharField(_("tên quy tắc"), max_length=200)
    topic = models.CharField(
        _("chủ đề"),
        max_length=40,
        blank=True,
        help_text=_("Mã chủ đề trong bộ phân loại; để trống: mọi chủ đề."),
    )
    unit = models.ForeignKey(
        "geo.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("địa bàn"),
        help_text=_(
            "Xã/phường hoặc tỉnh, hệ thống nào cũng được; quy tắc trên xã mới 2025 áp dụng cả cho "
            "các xã cũ đã nhập vào nó."
        ),
    )
    level = models.CharField(
        _("cấp địa bàn"),
        max_length=10,
        blank=True,
        choices=[("province", _("Tỉnh/thành phố")), ("commune", _("Xã/phường"))],
        help_text=_("Áp dụng cho mọi đơn vị ở cấp này (ví dụ: mọi xã)."),
    )
    channel = models.CharField(_("kênh"), max_length=20, blank=True, choices=Channel.choices)
    kind = models.CharField(_("loại việc"), max_length=20, blank=True, choices=Kind.choices)
    lead_mode = models.CharField(
        _("cách chọn cơ quan chủ trì"), max_length=10, choices=LeadMode.choices, default=LeadMode.AGENCY
    )
    lead_agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan chủ trì"),
        help_text=_("Dùng khi chọn 'Cơ quan chỉ định'; với 'UBND xã/phường' là cơ quan dự phòng."),
    )
    partner_agencies = models.ManyToManyField(
        "accounts.Agency", blank=True, related_name="+", verbose_name=_("cơ quan phối hợp")
    )
    deadline_policy = models.CharField(
        _("chính sách thời hạn"),
        max_length=20,
        choices=DeadlinePolicy.choices,
        default=DeadlinePolicy.STANDARD,
    )
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="routing_rules",
        verbose_name=_("nhiệm vụ kế hoạch"),
    )
    priority = models.IntegerField(
        _("ưu tiên"), default=0, help_text=_("Số lớn hơn thắng khi hai quy tắc cùng mức cụ thể.")
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["-is_active", "-priority", "name"]
        verbose_name = _("quy tắc phân luồng")
        verbose_name_plural = _("quy tắc phân luồng")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from duluan.apps.core.topics import topic_is_known

        from .topics import TOPIC_UNKNOWN

        errors = {}
        if self.topic and not topic_is_known(self.topic):
            errors["topic"] = TOPIC_UNKNOWN.format(code=self.topic)
        if self.lead_mode == LeadMode.AGENCY and self.lead_agency_id is None:
            errors["lead_agency"] = _("Chọn cơ quan chủ trì.")
        if self.unit_id and self.level:
            errors["level"] = _("Chọn địa bàn cụ thể hoặc cấp địa bàn, không chọn cả hai.")
        if self.unit_id and self.unit.level == "district":
            errors["unit"] = _("Quy tắc áp dụng cho tỉnh hoặc xã/phường (từ 2025 không còn cấp huyện).")
        if errors:
            raise ValidationError(errors)


class DeclineReason(models.TextChoices):
    """Legal grounds for not accepting (Luật Khiếu nại 2011 Điều 11; Luật Tố cáo 2018 Điều 23)."""

    NOT_COMPETENT = "not_competent", _("Không thuộc thẩm quyền giải quyết (hướng dẫn, chuyển đơn)")
    EXPIRED = "expired", _("Hết thời hiệu khiếu nại, tố cáo")
    ALREADY_RESOLVED = "already_resolved", _("Việc đã được giải quyết, không có tình tiết mới")
    COURT = "court", _("Việc đã được Tòa án thụ lý hoặc giải quyết")
    NO_CAPACITY = (
        "no_capacity",
        _("Người gửi không có năng lực hành vi đầy đủ, không có người đại diện hợp pháp"),
    )
    NO_STANDING = (
        "no_standing",
        _("Nội dung không liên quan trực tiếp đến quyền, lợi ích hợp pháp của người gửi"),
    )
    NO_BASIS = "no_basis", _("Không rõ người, nội dung hoặc không có căn cứ để xác minh")
    WITHDRAWN = "withdrawn", _("Người gửi đã rút đơn")


class Case(models.Model):
    code = models.CharField(_("mã tra cứu"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("tiêu đề"), max_length=250)
    # What the case list searches the title by, accent-free (core.text.search_key): as written, for
    # those who read it so (permissions.case_text_readable), and as masked for everyone else
    # (confidential.case_search_keys): a name masked in a title must not find its case.
    search_key = models.TextField(editable=False, default="")
    search_key_masked = models.TextField(editable=False, default="")
    description = models.TextField(_("nội dung"))
    kind = models.CharField(_("loại việc"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("chủ đề"), max_length=40, db_index=True)
    channel = models.CharField(_("kênh"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn phát sinh")
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    lead_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="led_cases",
        verbose_name=_("cơ quan chủ trì"),
    )
    partner_agencies = models.ManyToManyField(
        "accounts.Agency", blank=True, related_name="partner_cases", verbose_name=_("cơ quan phối hợp")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        verbose_name=_("cán bộ xử lý"),
    )
    routing_rule = models.ForeignKey(
        RoutingRule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("quy tắc phân luồng"),
    )
    routing = models.JSONField(_("giải thích phân luồng"), default=dict, blank=True)
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("nhiệm vụ kế hoạch"),
    )

    received_at = models.DateTimeField(_("tiếp nhận lúc"))
    accepted_at = models.DateTimeField(_("thụ lý lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công khai trả lời lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    remote = models.BooleanField(_("vùng sâu, vùng xa"), default=False)
    complex = models.BooleanField(_("vụ việc phức tạp"), default=False)
    extensions = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)
    accept_due = models.DateField(_("hạn thụ lý"), null=True, blank=True, db_index=True)
    accept_deadline = models.JSONField(_("giải thích hạn thụ lý"), default=dict, blank=True)
    resolve_due = models.DateField(_("hạn giải quyết"), null=True, blank=True, db_index=True)
    resolve_deadline = models.JSONField(_("giải thích hạn giải quyết"), default=dict, blank=True)

    decline_reason = models.CharField(
        _("lý do không thụ lý"), max_length=30, choices=DeclineReason.choices, blank=True
    )
    response_text = models.TextField(_("nội dung trả lời"), blank=True)
    response_no_evidence_reason = models.TextField(_("lý do không kèm tài liệu"), blank=True)
    response_drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    answered_on_time = models.BooleanField(_("trả lời đúng hạn"), null=True, blank=True)
    citizen_confirmed = models.BooleanField(_("người dân xác nhận đã giải quyết"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("mức hài lòng"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_at = models.DateTimeField(_("đánh giá lúc"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("số lần mở lại"), default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    escalation_level = models.PositiveSmallIntegerField(_("mức báo động"), default=0)
    escalation_step = models.CharField(max_length=10, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    source_ref = models.CharField(_("mã nguồn"), max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["lead_agency", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="cases_satisfaction_1_5",
            )
        ]
        permissions = [("reveal_denouncer", _("Được xem danh tính người tố cáo (có ghi nhật ký)"))]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")

    def __str__(self) -> str:
        # The code alone: the title may name the complainant (:mod:`.confidential`), and a case
        # is named so where no gate is asked, the admin's headings and links among them.
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        """Answered, declined, merged or closed: nothing more is owed (Open311's "closed")."""
        return not self.is_open

    @property
    def tracking_code(self) -> str:
        """The code the citizen follows the case by (``/cases/track/<code>/``)."""
        return self.code

    @property
    def current_due(self):
        """The deadline the agency is working against now: accept-by before acceptance, then resolve-by."""
        if self.status == Status.RECEIVED:
            return self.accept_due
        if self.status in OPEN_STATUSES:
            return self.resolve_due
        return None


class Complainant(models.Model):
    """Who wrote in. Shown only to the handling officer and head; sealed for denunciations."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="complainant")
    name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("người gửi")
        verbose_name_plural = _("người gửi")

    def __str__(self) -> str:
        return f"#{self.case_id}"

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "phone": self.phone, "email": self.email, "address": self.address}


class CaseUpdate(models.Model):
    """A line on the case file: an internal note (officials only) or a public update (tracking page)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("nội dung"))
    public = models.BooleanField(_("công khai"), default=False)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("cập nhật hồ sơ")
        verbose_name_plural = _("cập nhật hồ sơ")

    def __str__(self) -> str:
        return f"#{self.case_id} {'công khai' if self.public else 'nội bộ'} {self.created_at:%d/%m/%Y}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Ảnh")
    DOCUMENT = "document", _("Văn bản")


def _attachment_path(instance: CaseAttachment, filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class CaseAttachment(models.Model):
    """Evidence attached to a case (photos, documents); ``public`` ones go with the published answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to=_attachment_path)
    kind = models.CharField(_("loại"), max_length=10, choices=AttachmentKind.choices)
    description = models.CharField(_("mô tả"), max_length=250, blank=True)
    public = models.BooleanField(_("công khai cùng trả lời"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tài liệu kèm theo")
        verbose_name_plural = _("tài liệu kèm theo")

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class Notification(models.Model):
    """An in-app notification (the escalation of an overdue case, an assignment, a plan report…).

    The one inbox of an official: a notification about a case points to it through ``case``; one
    about something else (a coordination plan's progress report) carries the page to open in
    ``url`` and leaves ``case`` empty.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_notifications"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    kind = models.CharField(max_length=40)
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.message
