"""Coordination plans: a signed plan, its tree of items, indicators and progress reports.

Modelled on Decidim's accountability results: items carry a weight and roll up into their
parent; progress comes only from *approved* reports, so every percentage a user sees traces back
to a report an agency submitted and a coordinator approved.

Rows are written only by :mod:`duluan.apps.plans.services` (each change is audited).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """A coordination plan signed by one or more agencies (e.g. "45-KH/UBND")."""

    number = models.CharField(_("số, ký hiệu"), max_length=60, unique=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    year = models.PositiveSmallIntegerField(_("năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    summary = models.TextField(_("tóm tắt"), blank=True)
    signing_agencies = models.ManyToManyField(
        "accounts.Agency", related_name="signed_plans", verbose_name=_("cơ quan ký")
    )
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=60, default="Bắc Ninh")
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="continuations",
        verbose_name=_("kế hoạch trước (kế tục)"),
    )
    at_risk_tolerance = models.DecimalField(
        _("ngưỡng chậm tiến độ (điểm %)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Nhiệm vụ có nguy cơ chậm khi tiến độ thấp hơn tiến độ kỳ vọng theo thời gian trừ ngưỡng này."
        ),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["-year", "number"]
        verbose_name = _("kế hoạch phối hợp")
        verbose_name_plural = _("kế hoạch phối hợp")

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


def download_name(title: str, stored_name: str) -> str:
    """The name a download is saved under: the title shown, with the stored file's extension."""
    base = stored_name.rsplit("/", 1)[-1]
    extension = "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""
    return title if not extension or title.lower().endswith(extension) else f"{title}{extension}"


class PlanAttachment(models.Model):
    """A document of the plan (the signed plan as PDF, an appendix); type checked by content."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("kế hoạch")
    )
    title = models.CharField(_("tên tệp"), max_length=200)
    file = models.FileField(_("tệp"), upload_to="plans/attachments/%Y/")
    content_type = models.CharField(_("loại tệp"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("tệp đính kèm kế hoạch")
        verbose_name_plural = _("tệp đính kèm kế hoạch")

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    """One task of a plan; a tree through ``parent``. Routing rules of cases point here."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items", verbose_name=_("kế hoạch"))
    code = models.CharField(
        _("mã nhiệm vụ"), max_length=30, help_text=_("Ví dụ 1, 1.2, 3.a — duy nhất trong kế hoạch.")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("nhiệm vụ cha"),
    )
    content = models.CharField(_("nội dung"), max_length=500)
    description = models.TextField(_("mô tả"), blank=True)
    lead_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="led_plan_items",
        verbose_name=_("cơ quan chủ trì"),
    )
    partner_agencies = models.ManyToManyField(
        "accounts.Agency", blank=True, related_name="partner_plan_items", verbose_name=_("cơ quan phối hợp")
    )
    start_on = models.DateField(_("bắt đầu"), null=True, blank=True)
    end_on = models.DateField(_("hoàn thành"), null=True, blank=True)
    weight = models.DecimalField(
        _("trọng số"), max_digits=7, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plans_item_code_unique_in_plan"),
            models.CheckConstraint(
                condition=models.Q(start_on__isnull=True)
                | models.Q(end_on__isnull=True)
                | models.Q(end_on__gte=models.F("start_on")),
                name="plans_item_end_after_start",
            ),
        ]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")

    def __str__(self) -> str:
        return f"{self.code}. {self.content}"


class Indicator(models.Model):
    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("nhiệm vụ")
    )
    name = models.CharField(_("chỉ tiêu"), max_length=300)
    unit = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    target = models.DecimalField(
        _("chỉ tiêu kế hoạch"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(_("thực hiện"), max_digits=14, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["item", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="plans_indicator_name_unique_in_item")
        ]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    RETURNED = "returned", _("Trả lại")


class ProgressReport(models.Model):
    """An agency's progress on an item for a period; counts only once a coordinator approves it."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="reports", verbose_name=_("nhiệm vụ")
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="plan_reports",
        verbose_name=_("cơ quan báo cáo"),
    )
    period_end = models.DateField(_("tính đến ngày"))
    percent = models.DecimalField(
        _("tiến độ (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    narrative = models.TextField(_("kết quả thực hiện"))
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=ReportStatus.choices,
        default=ReportStatus.SUBMITTED,
        db_index=True,
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người gửi"),
    )
    submitted_at = models.DateTimeField(_("gửi lúc"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người duyệt"),
    )
    decided_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-submitted_at", "-pk"]
        indexes = [models.Index(fields=["item", "status", "period_end"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gte=0) & models.Q(percent__lte=100),
                name="plans_report_percent_0_100",
            )
        ]
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")

    def __str__(self) -> str:
        return f"{self.item.code} · {self.period_end:%d/%m/%Y} · {self.percent}%"


class ReportEvidence(models.Model):
    """A photo or document proving a progress report; type checked by content."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("báo cáo")
    )
    title = models.CharField(_("tên tệp"), max_length=200)
    file = models.FileField(_("tệp minh chứng"), upload_to="plans/evidence/%Y/")
    content_type = models.CharField(_("loại tệp"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self) -> str:
        return self.title


class PlanReview(models.Model):
    """A review (sơ kết/tổng kết) of a plan, e.g. after three years of implementing a regulation."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("kế hoạch")
    )
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=500)
    reviewed_on = models.DateField(_("ngày"))
    basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    findings = models.TextField(_("kết quả"), blank=True)
    shortcomings = models.TextField(_("tồn tại, hạn chế"), blank=True)
    recommendations = models.TextField(_("kiến nghị, đề xuất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "title"], name="plans_review_title_unique_in_plan")
        ]
        verbose_name = _("sơ kết, tổng kết")
        verbose_name_plural = _("sơ kết, tổng kết")

    def __str__(self) -> str:
        return self.title
