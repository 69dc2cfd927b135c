"""Issues (vấn đề): clusters of signals about the same matter, with hotness, forecasts and alerts."""

from __future__ import annotations

import json

from django.db import models
from django.utils.translation import gettext_lazy as _


class JSONTextField(models.JSONField):
    """A JSONField whose column is plain ``text`` on PostgreSQL, not ``jsonb``: for a value that is
    only ever written and read back whole, never searched, filtered or compared in SQL.

    The server then stores the JSON text as it comes instead of parsing it into ``jsonb``'s binary
    form, which for an issue's title vector (a dict of about 24 float weights, 1 KB of JSON) is
    a third of the server's cost of writing the row: COPY of the 94,448 issues of a 100,000-lead news
    import took 2.73 s of the server's CPU with ``jsonb``, 2.06 s with ``json`` and 1.89 s with
    ``text`` (best of 3, 2026-11-30). ``json`` would also have no equality, so a ``SELECT
    DISTINCT`` over issues would fail.

    The value read back equals the value written, floats bit for bit: the column keeps the text
    (orjson's or ``json.dumps``'s shortest round-trip form), which ``json.loads`` reads back, as
    a JSONField reads ``jsonb``; only the order of a dict's keys may differ from ``jsonb``'s,
    which sorted them. JSON lookups (``field__key``, ``__contains``…) do not work on the column.
    Other databases store it as a plain JSONField does.
    """

    # duluan.apps.core.bulk may write the value as orjson's JSON text (see _orjson_writes).
    plain_json_text = True

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "text"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        # The JSON text itself: Django's jsonb parameter would be parsed and printed back.
        return json.dumps(value, cls=self.encoder)


class KeyCharField(models.CharField):
    """A CharField for a machine key (a content hash, a cluster key), compared byte by byte on
    PostgreSQL: the column's collation is ``"C"`` there.

    Nobody reads these keys in an order or searches them by case; they are looked up by equality
    (and the undo of an import by a prefix). Under the database's own collation every comparison
    goes through ``strcoll``: each insert into the key's index, each look-up of an import's batch
    of 2,000 keys, each ``ANALYZE`` sorting its sample. 100,000 look-ups in batches of 2,000, on
    a copy of a 100,000-lead import's tables (database collation C.UTF-8): content hashes
    0.34 s of the server's CPU, 0.29 s with "C"; cluster keys 0.19 and 0.17 s (best of 3).
    ``ANALYZE`` of the signal table's id and content hash: 103.0 and 97.5 ms (best of 3 × 20,
    2026-11-30). Equality is the same under both (a deterministic collation). A ``LIKE 'prefix%'`` may then
    use the index too. Other databases keep their own comparison (SQLite has no "C" collation;
    its default, BINARY, already compares bytes).
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


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
