"""Signals: one piece of public-opinion information from any channel, analysed once on the way in.

A signal lands in exactly one issue (``issues.Issue``) and may open a case. The reporter's personal
data lives in :class:`Reporter`, a separate row only the handling roles read, so lists, exports
and the analysis engine never touch it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duluan.apps.core.fields import JSONTextField, KeyCharField


class Channel(models.TextChoices):
    WEB = "web", _("Cổng thông tin (biểu mẫu)")
    OPEN311 = "open311", _("Open311 / ứng dụng")
    HOTLINE = "hotline", _("Đường dây nóng")
    VOTER_MEETING = "voter_meeting", _("Kiến nghị cử tri")
    NEWS = "news", _("Báo chí")
    SOCIAL = "social", _("Mạng xã hội")
    EMAIL = "email", _("Thư điện tử")
    OTHER = "other", _("Khác")


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("Tiêu cực")
    NEUTRAL = "neutral", _("Trung lập")
    POSITIVE = "positive", _("Tích cực")


class Signal(models.Model):
    channel = models.CharField(_("kênh"), max_length=20, choices=Channel.choices)
    external_id = models.CharField(_("mã ngoài"), max_length=200, blank=True)
    content_hash = KeyCharField(_("mã băm nội dung"), max_length=64)  # byte by byte (see KeyCharField)
    source = models.CharField(_("nguồn"), max_length=200, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=500, blank=True)
    text = models.TextField(_("nội dung"))
    text_masked = models.TextField(_("nội dung (đã che dữ liệu cá nhân)"))
    search_key = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("thời điểm phát sinh"), db_index=True)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), auto_now_add=True)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signals",
        verbose_name=_("địa bàn"),
        db_index=False,  # (unit, created_at) below serves it
    )
    place_text = models.CharField(_("địa điểm (văn bản)"), max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    # Results of duluan.analysis, kept so every figure can be traced back to its signal.
    topic = models.CharField(_("chủ đề"), max_length=40, blank=True)
    topic_score = models.FloatField(null=True, blank=True)
    # This and ``places`` are written for every signal and only read back whole, never searched in
    # SQL: JSON text, not jsonb (see core.fields.JSONTextField and the migration 0006). ``extra``
    # stays jsonb: Open311 looks signals up by ``extra__api_client_id``.
    topic_terms = JSONTextField(default=list, blank=True)
    topic_confirmed = models.BooleanField(_("chủ đề đã được cán bộ xác nhận"), default=False)
    sentiment = models.CharField(_("sắc thái"), max_length=10, choices=Sentiment.choices, blank=True)
    sentiment_score = models.FloatField(null=True, blank=True)
    sentiment_confirmed = models.BooleanField(_("sắc thái đã được cán bộ xác nhận"), default=False)
    intensity = models.FloatField(_("mức độ bức xúc"), null=True, blank=True)
    places = JSONTextField(_("địa danh nhận diện"), default=list, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exact_duplicates",
        db_index=False,  # the partial index intake_signal_duplicate_of below serves it
    )
    near_duplicate_group = models.CharField(max_length=64, blank=True)
    issue = models.ForeignKey(
        "issues.Issue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signals",
        verbose_name=_("vấn đề"),
        db_index=False,  # (issue, created_at) below serves it
    )
    tracking_code = models.CharField(_("mã theo dõi"), max_length=16, blank=True)
    extra = models.JSONField(_("thông tin thêm"), default=dict, blank=True)  # e.g. voter-meeting metadata
    import_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="signals"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="intake_signal_channel_external_id",
            ),
        ]
        # Every index is paid for by every signal an import writes: one plain index per column
        # looked up by equality (db_index=True would add a second, varchar_pattern_ops one for
        # LIKE, which nothing runs on these columns), and none where a composite index starts
        # with the column. 20 indexes -> 12; see the migration 0004 for the measured cost.
        # A column that almost every signal leaves empty (a tracking code: web and Open311 only;
        # a near-duplicate group; an exact duplicate's original) is indexed only where it is set:
        # every look-up asks for a set value (``tracking_code=code``, ``duplicate_of_id IN …``,
        # the foreign key's own checks), which implies the index's condition, and an import's row
        # is then not written to these three indexes at all. COPY of 99,987 imported news signals
        # into a copy of the table: 2.76 s of the server's CPU with the full indexes, 2.51 s with
        # the partial ones (best of 3, 2026-11-30).
        indexes = [
            models.Index(fields=["issue", "created_at"]),
            models.Index(fields=["unit", "created_at"]),
            models.Index(fields=["topic", "created_at"]),
            models.Index(fields=["channel"], name="intake_signal_channel"),
            models.Index(fields=["content_hash"], name="intake_signal_content_hash"),
            models.Index(
                fields=["near_duplicate_group"],
                condition=~models.Q(near_duplicate_group=""),
                name="intake_signal_near_group",
            ),
            models.Index(
                fields=["tracking_code"],
                condition=~models.Q(tracking_code=""),
                name="intake_signal_tracking_code",
            ),
            models.Index(
                fields=["duplicate_of"],
                condition=models.Q(duplicate_of__isnull=False),
                name="intake_signal_duplicate_of",
            ),
        ]
        ordering = ["-created_at", "-id"]
        verbose_name = _("tín hiệu dư luận")
        verbose_name_plural = _("tín hiệu dư luận")

    def __str__(self) -> str:
        return self.title or self.text_masked[:80]


class Reporter(models.Model):
    """Who reported a signal. Personal data: read only through the gatekeeper, never exported."""

    signal = models.OneToOneField(Signal, on_delete=models.CASCADE, related_name="reporter")
    anonymous = models.BooleanField(_("ẩn danh"), default=False)
    name = models.CharField(_("họ tên"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    consent = models.BooleanField(_("đồng ý xử lý dữ liệu cá nhân"), default=False)

    class Meta:
        verbose_name = _("người phản ánh")
        verbose_name_plural = _("người phản ánh")

    def __str__(self) -> str:
        return f"reporter of signal {self.signal_id}"


class Attachment(models.Model):
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to="intake/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.original_name or self.file.name


class ImportBatch(models.Model):
    """One bulk import: what came in, what was stored, what was rejected and why."""

    channel = models.CharField(max_length=20, choices=Channel.choices)
    file_name = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejects = models.JSONField(default=list, blank=True)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("đợt nhập dữ liệu")
        verbose_name_plural = _("đợt nhập dữ liệu")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_channel_display()})"


class ApiClient(models.Model):
    """An Open311 client allowed to POST requests, identified by its API key (stored hashed)."""

    name = models.CharField(_("tên"), max_length=200)
    key_prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=128)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ứng dụng Open311")
        verbose_name_plural = _("ứng dụng Open311")

    def __str__(self) -> str:
        return self.name


class PendingStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xử lý")
    DONE = "done", _("Đã xử lý")
    FAILED = "failed", _("Lỗi (hết số lần thử)")
    REJECTED = "rejected", _("Bị từ chối (nội dung không dùng được)")


class PendingRequest(models.Model):
    """An Open311 request accepted by a POST and not yet (or just) turned into a signal.

    The POST answers at once with ``token``; the task worker analyses and stores the request
    (:mod:`duluan.apps.intake.open311_queue`) and links the signal here, so ``tokens/<token>``
    can give its ``service_request_id``. ``idempotency_key`` is the request's identity (the
    signal's ``external_id``): the same request posted again finds this row and stores nothing.
    ``reporter`` holds the sender's personal data only until the signal and its reporter row
    exist; it is emptied then (and when the request is rejected).
    """

    token = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    api_client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="pending_requests", verbose_name=_("ứng dụng")
    )
    fields = models.JSONField(_("nội dung yêu cầu"), default=dict)
    reporter = models.JSONField(_("dữ liệu cá nhân (xoá khi đã xử lý)"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PendingStatus.choices, default=PendingStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần đã thử"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại từ"), default=timezone.now)
    signal = models.ForeignKey(
        Signal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("tín hiệu")
    )
    created_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        indexes = [
            # The queue: only pending rows, in order of when they may be tried.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="intake_pending_queue",
            )
        ]
        ordering = ["-created_at", "-id"]
        verbose_name = _("yêu cầu Open311 chờ xử lý")
        verbose_name_plural = _("yêu cầu Open311 chờ xử lý")

    def __str__(self) -> str:
        return self.token


class ModelTask(models.TextChoices):
    TOPIC = "topic", _("Chủ đề")
    SENTIMENT = "sentiment", _("Sắc thái")


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ chạy")
    RUNNING = "running", _("Đang xây")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class ModelBuild(models.Model):
    """One rebuild of the topic or sentiment model, asked for on the models page and run by the
    task worker (:mod:`duluan.apps.intake.model_builds`). At most one of each task is queued or
    running at a time (the constraint below holds even when two officials press at once)."""

    task = models.CharField(_("mô hình"), max_length=20, choices=ModelTask.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("thời điểm yêu cầu"), default=timezone.now)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    confirmations = models.PositiveIntegerField(_("số xác nhận đã học"), null=True, blank=True)
    labels = models.PositiveSmallIntegerField(_("số nhãn"), null=True, blank=True)
    seconds = models.FloatField(_("thời gian xây (giây)"), null=True, blank=True)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(status__in=["queued", "running"]),
                name="intake_one_active_build_per_task",
            )
        ]
        ordering = ["-requested_at", "-id"]
        verbose_name = _("lần xây lại mô hình")
        verbose_name_plural = _("lần xây lại mô hình")

    def __str__(self) -> str:
        return f"{self.get_task_display()} · {self.get_status_display()}"


class Reanalysis(models.Model):
    """One reading again of the stored signals with the current models, asked for on the models
    page and run by the task worker (:mod:`duluan.apps.intake.model_builds`,
    :func:`~duluan.apps.intake.reanalysis.signals_reanalyse`). ``active`` is true while it is
    queued or running, and null after: the constraint lets one run be active at a time (nulls are
    distinct), even when two officials press at once."""

    status = models.CharField(
        _("trạng thái"), max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    active = models.BooleanField(null=True, default=True, editable=False)
    requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("thời điểm yêu cầu"), default=timezone.now)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    # How far it is: signals read so far of those selected, and when that was last written.
    done = models.PositiveIntegerField(_("đã đọc"), default=0)
    total = models.PositiveIntegerField(_("cần đọc"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["active"], name="intake_one_active_reanalysis")]
        ordering = ["-requested_at", "-id"]
        verbose_name = _("lần đọc lại tín hiệu")
        verbose_name_plural = _("lần đọc lại tín hiệu")

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} · {self.status_label}"

    @property
    def status_label(self) -> str:
        """The status as the page words it (a run reads, it does not build)."""
        return _("Đang đọc lại") if self.status == BuildStatus.RUNNING else self.get_status_display()
