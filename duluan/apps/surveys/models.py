"""Citizen-satisfaction surveys: instruments, sampling frames, rounds, samples, invitations, responses.

A round (đợt khảo sát) asks one instrument of a sample drawn from one frame. Every sampled
respondent slot gets an invitation code; the probability of each selection stage is stored on
the sampled commune, village and invitation, so every weight can be traced back to the draw.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Instrument(models.Model):
    """An XLSForm questionnaire, kept as uploaded and as parsed (``definition``)."""

    form_id = models.CharField(_("mã biểu mẫu"), max_length=100)
    version = models.CharField(_("phiên bản"), max_length=50, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=300)
    xlsx = models.BinaryField(_("tệp XLSForm"))
    sha256 = models.CharField(max_length=64, editable=False)
    definition = models.JSONField(_("nội dung đã đọc"), editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form_id", "version"], name="surveys_instrument_version")
        ]
        ordering = ["form_id", "-version"]
        verbose_name = _("bộ câu hỏi")
        verbose_name_plural = _("bộ câu hỏi")

    def __str__(self) -> str:
        return f"{self.title} ({self.form_id} {self.version})"

    def parsed(self):
        from .xlsform import Instrument as ParsedInstrument

        cached = self.__dict__.get("_parsed")
        if cached is None:
            cached = ParsedInstrument.from_dict(self.definition)
            self.__dict__["_parsed"] = cached
        return cached


class IndexSpec(models.Model):
    """An index definition as data (items → sub-indices → index), editable in the admin.

    ``definition`` is the plain form of :class:`duluan.stats.IndexDefinition`: name, method
    ("percent_satisfied" or "mean_score"), scale_min, scale_max, satisfied_min, min_n and
    subindices [{name, items, weight}].
    """

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    definition = models.JSONField(_("định nghĩa"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("định nghĩa chỉ số")
        verbose_name_plural = _("định nghĩa chỉ số")

    def __str__(self) -> str:
        return self.name

    def to_engine(self):
        from duluan.stats import IndexDefinition

        return IndexDefinition.from_dict(self.definition)


class Frame(models.Model):
    """A sampling frame: communes of one province with their population, and their villages."""

    name = models.CharField(_("tên"), max_length=200)
    year = models.PositiveIntegerField(_("năm số liệu"))
    scheme = models.CharField(_("hệ thống đơn vị"), max_length=8, default="2025")
    province = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh")
    )
    is_synthetic = models.BooleanField(_("số dân là số liệu giả lập"), default=False)
    villages_synthetic = models.BooleanField(_("danh sách thôn là giả lập"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("khung mẫu")
        verbose_name_plural = _("khung mẫu")

    def __str__(self) -> str:
        return self.name


class FrameUnit(models.Model):
    frame = models.ForeignKey(Frame, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(_("tầng"), max_length=60)
    population = models.PositiveIntegerField(_("dân số"))
    households = models.PositiveIntegerField(_("số hộ"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["frame", "unit"], name="surveys_frameunit_once")]
        ordering = ["frame", "unit__code"]

    def __str__(self) -> str:
        return f"{self.unit.name}: {self.population}"


class FrameVillage(models.Model):
    """A village (thôn / tổ dân phố) of a frame commune; ``size`` is its adults (18+)."""

    frame_unit = models.ForeignKey(FrameUnit, on_delete=models.CASCADE, related_name="villages")
    code = models.CharField(_("mã thôn"), max_length=40)
    name = models.CharField(_("tên thôn"), max_length=120)
    size = models.PositiveIntegerField(_("số người từ 18 tuổi"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["frame_unit", "code"], name="surveys_village_once")]
        ordering = ["frame_unit", "code"]

    def __str__(self) -> str:
        return self.name


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("Đang chuẩn bị")
    COLLECTING = "collecting", _("Đang thu thập")
    CLOSED = "closed", _("Đã kết thúc")


class Round(models.Model):
    """One survey round: instrument × frame × sample design, and its results' settings."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    year = models.PositiveIntegerField(_("năm"))
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="survey_rounds", verbose_name=_("cơ quan")
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds")
    frame = models.ForeignKey(Frame, on_delete=models.PROTECT, related_name="rounds")
    index = models.ForeignKey(
        IndexSpec, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("chỉ số")
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("đợt trước (để so sánh)"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.PLANNED
    )
    code_field = models.CharField(_("câu hỏi chứa mã mời"), max_length=60, default="ma_moi")
    n_communes = models.JSONField(_("số xã mỗi tầng"), default=dict, blank=True)
    n_villages = models.PositiveIntegerField(_("số thôn mỗi xã"), default=3)
    n_respondents = models.PositiveIntegerField(_("số người mỗi thôn"), default=12)
    seed = models.BigIntegerField(_("hạt giống ngẫu nhiên"), null=True, blank=True)
    margins = models.JSONField(
        _("tổng thể biên để hiệu chỉnh (raking)"),
        default=dict,
        blank=True,
        help_text=_('{"gioi_tinh": {"nam": 1800000, "nu": 1850000}, ...} — để trống nếu không có'),
    )
    drawn_at = models.DateTimeField(_("thời điểm chọn mẫu"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("đợt khảo sát")
        verbose_name_plural = _("đợt khảo sát")

    def __str__(self) -> str:
        return self.name


class SampledCommune(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="communes")
    frame_unit = models.ForeignKey(FrameUnit, on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(max_length=60)
    measure = models.FloatField(_("quy mô (người 18+)"))
    p_commune = models.FloatField(_("xác suất chọn xã"))
    certainty = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "frame_unit"], name="surveys_sampled_commune")
        ]
        ordering = ["round", "frame_unit__unit__code"]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.frame_unit_id} (p={self.p_commune:.4f})"


class SampledVillage(models.Model):
    commune = models.ForeignKey(SampledCommune, on_delete=models.CASCADE, related_name="villages")
    village = models.ForeignKey(FrameVillage, on_delete=models.PROTECT, related_name="+")
    p_village = models.FloatField(_("xác suất chọn thôn (trong xã)"))
    n_respondents = models.PositiveIntegerField()
    p_respondent = models.FloatField(_("xác suất chọn người (trong thôn)"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "village"], name="surveys_sampled_village")]
        ordering = ["commune", "village__code"]

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.village_id} (p={self.p_village:.4f})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Chưa trả lời")
    DRAFT = "draft", _("Đang trả lời dở")
    COMPLETED = "completed", _("Đã trả lời")


class Invitation(models.Model):
    """One sampled respondent slot and its code; at most one response."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    village = models.ForeignKey(SampledVillage, on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField(_("mã mời"), max_length=12, unique=True)
    slot = models.PositiveIntegerField(_("số thứ tự trong danh sách thôn"))
    p_total = models.FloatField(_("xác suất chọn tổng"))
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    draft = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "village", "slot"]
        indexes = [models.Index(fields=["round", "status"])]
        verbose_name = _("giấy mời khảo sát")
        verbose_name_plural = _("giấy mời khảo sát")

    def __str__(self) -> str:
        return self.code


class ResponseSource(models.TextChoices):
    WEB = "web", _("Phiếu trên web")
    IMPORT = "import", _("Nhập từ ODK/Kobo")


class Response(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="response")
    instance_id = models.CharField(_("mã phiếu (instanceID)"), max_length=120)
    source = models.CharField(max_length=10, choices=ResponseSource.choices)
    answers = models.JSONField()
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "instance_id"], name="surveys_response_instance")
        ]
        ordering = ["round", "submitted_at"]
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")

    def __str__(self) -> str:
        return self.instance_id
