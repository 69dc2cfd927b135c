"""Communication campaigns (chiến dịch truyền thông), their outputs, and orientation notes.

A campaign explains a policy to chosen places and audiences through channels (configurable data,
:class:`Channel`), over a period, led by an agency and usually carrying out one item of a
coordination plan. Its outputs are planned then delivered, with evidence. Its effect is measured
on the signals about its theme (topic codes and keywords) in its places, against places it did
not target (see :mod:`duluan.apps.campaigns.effect`).

An orientation note (thông tin định hướng) tells agencies, while an issue is hot, the facts, the
official position, what to say and what not to say; it is drafted, approved by a head, delivered
to chosen agencies, and each reader's acknowledgement is recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutputKind(models.TextChoices):
    ARTICLE = "article", _("Bài viết, tin")
    BROADCAST = "broadcast", _("Buổi phát thanh, truyền hình")
    MEETING = "meeting", _("Hội nghị, buổi tiếp xúc")
    POST = "post", _("Bài đăng mạng xã hội")
    PRINT = "print", _("Tờ rơi, băng rôn, pa-nô")
    OTHER = "other", _("Khác")


class Channel(models.Model):
    """A channel of communication; officials edit the list in the admin."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên kênh"), max_length=200)
    output_kind = models.CharField(
        _("loại sản phẩm thường gặp"), max_length=12, choices=OutputKind.choices, default=OutputKind.OTHER
    )
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("kênh truyền thông")
        verbose_name_plural = _("kênh truyền thông")

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    title = models.CharField(_("tên chiến dịch"), max_length=300)
    theme = models.TextField(_("chủ đề tuyên truyền"))
    objectives = models.TextField(_("mục tiêu"), blank=True)
    key_messages = models.TextField(
        _("thông điệp chính"), blank=True, help_text=_("Mỗi dòng một thông điệp.")
    )
    audiences = models.TextField(_("đối tượng"), blank=True, help_text=_("Mỗi dòng một nhóm đối tượng."))
    topic_codes = models.JSONField(_("mã chủ đề dư luận"), default=list, blank=True)
    keywords = models.JSONField(_("từ khóa"), default=list, blank=True)
    target_units = models.ManyToManyField(
        "geo.AdminUnit", blank=True, related_name="campaigns", verbose_name=_("địa bàn hướng tới")
    )
    channels = models.ManyToManyField(
        Channel, blank=True, related_name="campaigns", verbose_name=_("kênh truyền thông")
    )
    start_on = models.DateField(_("bắt đầu"))
    end_on = models.DateField(_("kết thúc"))
    lead_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="led_campaigns",
        verbose_name=_("cơ quan chủ trì"),
    )
    partner_agencies = models.ManyToManyField(
        "accounts.Agency", blank=True, related_name="partner_campaigns", verbose_name=_("cơ quan phối hợp")
    )
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
        verbose_name=_("nhiệm vụ kế hoạch"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")), name="campaigns_end_after_start"
            )
        ]
        verbose_name = _("chiến dịch truyền thông")
        verbose_name_plural = _("chiến dịch truyền thông")

    def __str__(self) -> str:
        return self.title

    @property
    def message_lines(self) -> list[str]:
        return [line.strip() for line in self.key_messages.splitlines() if line.strip()]

    @property
    def audience_lines(self) -> list[str]:
        return [line.strip() for line in self.audiences.splitlines() if line.strip()]


class OutputStatus(models.TextChoices):
    PLANNED = "planned", _("Kế hoạch")
    DELIVERED = "delivered", _("Đã thực hiện")


class Output(models.Model):
    """One product of a campaign on one channel: planned, then delivered (with its figures)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="outputs")
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="outputs", verbose_name=_("kênh")
    )
    kind = models.CharField(_("loại sản phẩm"), max_length=12, choices=OutputKind.choices)
    title = models.CharField(_("nội dung"), max_length=300)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=OutputStatus.choices, default=OutputStatus.PLANNED
    )
    planned_on = models.DateField(_("ngày dự kiến"))
    planned_quantity = models.PositiveIntegerField(_("số lượng kế hoạch"), default=1)
    delivered_on = models.DateField(_("ngày thực hiện"), null=True, blank=True)
    delivered_quantity = models.PositiveIntegerField(_("số lượng đã thực hiện"), null=True, blank=True)
    attendance = models.PositiveIntegerField(_("số người tham dự"), null=True, blank=True)
    reach = models.PositiveIntegerField(_("lượt tiếp cận"), null=True, blank=True)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("địa bàn"),
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan thực hiện"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["planned_on", "pk"]
        indexes = [models.Index(fields=["planned_on"]), models.Index(fields=["delivered_on"])]
        verbose_name = _("sản phẩm truyền thông")
        verbose_name_plural = _("sản phẩm truyền thông")

    def __str__(self) -> str:
        return self.title

    @property
    def day(self):
        """The day the calendar shows it on: delivered, else planned."""
        return self.delivered_on or self.planned_on


class Evidence(models.Model):
    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("tên minh chứng"), max_length=200)
    file = models.FileField(_("tệp"), upload_to="campaigns/evidence/%Y/", blank=True)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self) -> str:
        return self.title


class NoteStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Chờ duyệt")
    RETURNED = "returned", _("Trả lại")
    APPROVED = "approved", _("Đã duyệt")
    DELIVERED = "delivered", _("Đã gửi")


class OrientationNote(models.Model):
    """Thông tin định hướng about a (hot) issue, for the agencies that speak to the public."""

    title = models.CharField(_("tiêu đề"), max_length=300)
    issue = models.ForeignKey(
        "issues.Issue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orientation_notes",
        verbose_name=_("vấn đề"),
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orientation_notes",
        verbose_name=_("chiến dịch"),
    )
    facts = models.TextField(_("tình hình, sự việc"))
    position = models.TextField(_("quan điểm chính thức"))
    talking_points = models.TextField(_("nội dung cần thông tin"), help_text=_("Mỗi dòng một ý."))
    avoid = models.TextField(_("những điều không nên nói"), blank=True, help_text=_("Mỗi dòng một ý."))
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="orientation_notes",
        verbose_name=_("cơ quan soạn"),
    )
    recipients = models.ManyToManyField(
        "accounts.Agency",
        blank=True,
        related_name="orientation_notes_received",
        verbose_name=_("cơ quan nhận"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=NoteStatus.choices, default=NoteStatus.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("thông tin định hướng")
        verbose_name_plural = _("thông tin định hướng")

    def __str__(self) -> str:
        return self.title

    @property
    def talking_point_lines(self) -> list[str]:
        return [line.strip() for line in self.talking_points.splitlines() if line.strip()]

    @property
    def avoid_lines(self) -> list[str]:
        return [line.strip() for line in self.avoid.splitlines() if line.strip()]


class Acknowledgement(models.Model):
    """A reader of a recipient agency confirmed they read the note (who, for which agency, when)."""

    note = models.ForeignKey(OrientationNote, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["note", "user"], name="campaigns_ack_once")]
        ordering = ["at", "pk"]
        verbose_name = _("xác nhận đã đọc")
        verbose_name_plural = _("xác nhận đã đọc")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.at:%d/%m/%Y %H:%M}"


class SurveyLink(models.Model):
    """A survey round that measures a campaign: which question asks whether people know of its
    theme (and which answer means "yes"), which asks how far they support it (and from which
    scale value an answer counts as support). Coordinators set it on the campaign page; the
    admin may too."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="survey_links")
    round = models.ForeignKey(
        "surveys.Round",
        on_delete=models.PROTECT,
        related_name="campaign_links",
        verbose_name=_("đợt khảo sát"),
    )
    awareness_item = models.CharField(_("câu hỏi về mức độ biết"), max_length=60)
    awareness_value = models.CharField(_("trả lời nghĩa là có biết"), max_length=40, default="co")
    support_item = models.CharField(_("câu hỏi về mức độ ủng hộ"), max_length=60)
    support_min = models.PositiveSmallIntegerField(_("ủng hộ từ mức"), default=4)
    support_max = models.PositiveSmallIntegerField(_("đến mức"), default=5)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "round"], name="campaigns_survey_link_once")
        ]
        ordering = ["campaign", "pk"]
        verbose_name = _("đợt khảo sát của chiến dịch")
        verbose_name_plural = _("đợt khảo sát của chiến dịch")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.round}"
