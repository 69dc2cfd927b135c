"""Issues (vấn đề): clusters of signals about the same matter, with hotness, forecasts and alerts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from duluan.apps.core.fields import JSONTextField, KeyCharField


class HotnessLevel(models.TextChoices):
    NORMAL = "normal", _("Bình thường")
    WATCH = "watch", _("Cần theo dõi")
    HOT = "hot", _("Nóng")


class Issue(models.Model):
    title = models.CharField(_("tên vấn đề"), max_length=300)
    title_confirmed = models.BooleanField(_("tên do cán bộ đặt"), default=False)
    cluster_key = KeyCharField(max_length=64, blank=True)  # compared byte by byte (see KeyCharField)
    topic = models.CharField(_("chủ đề"), max_length=40, blank=True)
    first_seen = models.DateTimeField(_("xuất hiện lần đầu"), null=True, blank=True, db_index=True)
    # No index of its own: the rank index (hotness, last_seen) serves the lists' order, and nothing
    # else looks issues up by it but the admin's sort by this column (see Meta.indexes).
    last_seen = models.DateTimeField(_("xuất hiện gần nhất"), null=True, blank=True)
    signal_count = models.PositiveIntegerField(_("số tín hiệu"), default=0)
    negative_share = models.FloatField(_("tỷ lệ tiêu cực"), default=0.0)
    intensity = models.FloatField(_("mức độ bức xúc"), default=0.0)
    source_count = models.PositiveIntegerField(_("số nguồn"), default=0)
    place_count = models.PositiveIntegerField(_("số địa bàn"), default=0)
    hotness = models.FloatField(_("độ nóng"), default=0.0)
    hotness_level = models.CharField(
        _("mức"), max_length=10, choices=HotnessLevel.choices, default=HotnessLevel.NORMAL
    )
    # This and the other JSON columns of an issue but ``title_vector`` are written for every issue
    # an import creates and only ever read back whole, never searched in SQL: text, not jsonb (see
    # JSONTextField and the migration 0008 for the measured cost).
    hotness_components = JSONTextField(default=list, blank=True)
    forecast = JSONTextField(_("dự báo 7 ngày"), default=dict, blank=True)
    summary_terms = JSONTextField(default=list, blank=True)
    # The term profile of the signal the automatic title comes from (see issues.titles).
    # Read back only whole, by the clustering session: text, not jsonb (see JSONTextField).
    title_vector = JSONTextField(default=dict, blank=True, editable=False)
    units = models.ManyToManyField("geo.AdminUnit", blank=True, related_name="issues")
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        db_index=False,  # the partial index issues_issue_merged_into below serves it
    )
    search_key = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by the issues app (hotness refresh, merges, splits): what the dashboard filters on.
    channels = models.CharField(_("kênh"), max_length=200, blank=True, default="")  # " web news "
    sentiment_counts = JSONTextField(default=dict, blank=True)
    channel_counts = JSONTextField(default=dict, blank=True)  # {"web": 12, …}
    unit_counts = JSONTextField(default=dict, blank=True)  # {"<AdminUnit id>": n}: the issue page's map
    dominant_sentiment = models.CharField(_("sắc thái chủ đạo"), max_length=10, blank=True, default="")
    hotness_at = models.DateTimeField(_("tính độ nóng lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-hotness", "-last_seen"]
        # As for signals (an import writes an issue for most news signals): plain indexes only,
        # none a composite already starts with (rank: hotness; topic_rank: topic).
        # As for signals' duplicate_of, a column almost every issue leaves at its default is
        # indexed only where it is not: an issue merged into another (``merged_into=issue``,
        # ``merged_from__isnull=False``, the undo's and deletion's look-ups, the foreign key's own
        # check all ask for a set value) and an issue above normal (the dashboard's, campaigns'
        # and list's ``hotness_level`` in hot/watch); a new issue is normal and not merged, so an
        # import writes it to neither index. ``last_seen`` alone is not indexed (only the admin's
        # sort by it read that index; it now reads the table: 97 ms for 94,448 issues).
        # COPY of the 94,448 issues of a 100,000-lead news import into a copy of the table, each
        # index alone: 0.68 s of the server's CPU with the full merged_into, hotness_level or
        # last_seen index against 0.61, 0.62 and 0.59 s (partial, partial, none; best of 3,
        # 2026-11-30).
        indexes = [
            models.Index(fields=["-hotness", "-last_seen"], name="issues_issue_rank"),
            models.Index(fields=["topic", "-hotness"], name="issues_issue_topic_rank"),
            models.Index(fields=["cluster_key"], name="issues_issue_cluster_key"),
            models.Index(
                fields=["hotness_level"],
                condition=~models.Q(hotness_level=HotnessLevel.NORMAL),
                name="issues_issue_hotness_level",
            ),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="issues_issue_merged_into",
            ),
        ]
        verbose_name = _("vấn đề")
        verbose_name_plural = _("vấn đề")

    def __str__(self) -> str:
        return self.title


class IssueDay(models.Model):
    """Daily aggregate of an issue's signals (the series hotness, bursts and forecasts read)."""

    # The unique (issue, day) constraint's index serves the foreign key.
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="days", db_index=False)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    intensity_sum = models.FloatField(default=0.0)
    sources = models.PositiveIntegerField(default=0)
    places = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issue", "day"], name="issues_issueday_unique")]
        indexes = [models.Index(fields=["day", "issue"], name="issues_issueday_day")]
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


# --- added by the issues app: what the dashboard filters on, corrections, settings, bursts ------


class CorrectionKind(models.TextChoices):
    MERGE = "merge", _("Gộp vấn đề")
    SPLIT = "split", _("Tách vấn đề")
    RENAME = "rename", _("Đổi tên")
    TOPIC = "topic", _("Xác nhận chủ đề")


class Correction(models.Model):
    """An official's correction of the engine: training data, and replayed when issues are rebuilt.

    ``signal_ids`` are the signals the correction is about (moved by a merge or split, confirmed
    by a topic); ``anchor_signal_id`` is a signal of the issue they went to (merge), so the
    correction can be replayed after a re-clustering gives the issues new ids.
    """

    kind = models.CharField(_("loại"), max_length=10, choices=CorrectionKind.choices)
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="corrections")
    target = models.ForeignKey(
        Issue, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections_in"
    )
    signal_ids = models.JSONField(default=list, blank=True)
    anchor_signal_id = models.BigIntegerField(null=True, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("hiệu chỉnh của cán bộ")
        verbose_name_plural = _("hiệu chỉnh của cán bộ")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.issue_id}"


class HotnessSettings(models.Model):
    """The hotness weights officials may edit (JSON of :class:`duluan.analysis.hotness.HotnessWeights`).

    The newest active row is used; with none, the engine's shipped defaults.
    """

    name = models.CharField(_("tên"), max_length=100, default="Mặc định")
    weights = models.JSONField(_("trọng số (JSON)"), default=dict)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("cấu hình độ nóng")
        verbose_name_plural = _("cấu hình độ nóng")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from duluan.analysis.hotness import HotnessWeights

        if not isinstance(self.weights, dict):
            raise ValidationError({"weights": _("Cần một đối tượng JSON.")})
        try:
            HotnessWeights.from_dict(self.weights).validate()
        except (TypeError, ValueError) as exc:
            raise ValidationError({"weights": str(exc)}) from None


class BurstKind(models.TextChoices):
    TOPIC = "topic", _("Chủ đề")
    PLACE = "place", _("Địa bàn")


class Burst(models.Model):
    """A burst of signals on a topic or in a place (2025 commune), found by the CUSUM engine."""

    kind = models.CharField(_("loại"), max_length=10, choices=BurstKind.choices)
    key = models.CharField(_("mã"), max_length=40)
    label = models.CharField(_("tên"), max_length=200, blank=True)
    start = models.DateField()
    end = models.DateField()
    flagged_at = models.DateField()
    peak = models.DateField()
    observed = models.FloatField()
    expected = models.FloatField()
    score = models.FloatField()
    ongoing = models.BooleanField(default=False)
    explanation_vi = models.TextField()
    explanation_en = models.TextField()
    detected_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key", "start"], name="issues_burst_unique")]
        indexes = [models.Index(fields=["-flagged_at"])]
        ordering = ["-flagged_at", "kind", "key"]
        verbose_name = _("đột biến")
        verbose_name_plural = _("đột biến")

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} {self.start:%d/%m/%Y}"
