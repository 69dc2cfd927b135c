"""Issues (vấn đề): clusters of signals about the same matter, with hotness, forecasts and alerts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HotnessLevel(models.TextChoices):
    NORMAL = "normal", _("Bình thường")
    WATCH = "watch", _("Cần theo dõi")
    HOT = "hot", _("Nóng")


class Issue(models.Model):
    title = models.CharField(_("tên vấn đề"), max_length=300)
    title_confirmed = models.BooleanField(_("tên do cán bộ đặt"), default=False)
    cluster_key = models.CharField(max_length=64, blank=True, db_index=True)
    topic = models.CharField(_("chủ đề"), max_length=40, blank=True, db_index=True)
    first_seen = models.DateTimeField(_("xuất hiện lần đầu"), null=True, blank=True, db_index=True)
    last_seen = models.DateTimeField(_("xuất hiện gần nhất"), null=True, blank=True, db_index=True)
    signal_count = models.PositiveIntegerField(_("số tín hiệu"), default=0)
    negative_share = models.FloatField(_("tỷ lệ tiêu cực"), default=0.0)
    intensity = models.FloatField(_("mức độ bức xúc"), default=0.0)
    source_count = models.PositiveIntegerField(_("số nguồn"), default=0)
    place_count = models.PositiveIntegerField(_("số địa bàn"), default=0)
    hotness = models.FloatField(_("độ nóng"), default=0.0, db_index=True)
    hotness_level = models.CharField(
        _("mức"), max_length=10, choices=HotnessLevel.choices, default=HotnessLevel.NORMAL, db_index=True
    )
    hotness_components = models.JSONField(default=list, blank=True)
    forecast = models.JSONField(_("dự báo 7 ngày"), default=dict, blank=True)
    summary_terms = models.JSONField(default=list, blank=True)
    units = models.ManyToManyField("geo.AdminUnit", blank=True, related_name="issues")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    search_key = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-hotness", "-last_seen"]
        verbose_name = _("vấn đề")
        verbose_name_plural = _("vấn đề")

    def __str__(self) -> str:
        return self.title


class IssueDay(models.Model):
    """Daily aggregate of an issue's signals (the series hotness, bursts and forecasts read)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    intensity_sum = models.FloatField(default=0.0)
    sources = models.PositiveIntegerField(default=0)
    places = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issue", "day"], name="issues_issueday_unique")]
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.day:%d/%m/%Y}: {self.count}"


class Alert(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="alerts")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=30)
    level = models.CharField(max_length=10, choices=HotnessLevel.choices)
    reasons_vi = models.JSONField(default=list)
    reasons_en = models.JSONField(default=list)
    evidence = models.JSONField(default=dict, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cảnh báo")
        verbose_name_plural = _("cảnh báo")

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.issue_id}"


class ClustererState(models.Model):
    """The online clusterer's state, so clustering resumes where it stopped (one row per scope)."""

    scope = models.CharField(max_length=40, unique=True, default="default")
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.scope
