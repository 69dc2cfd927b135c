"""Administrative units of both schemes and the succession between them.

A unit is identified by (scheme, code): the 2025 reform reused codes, so a code alone is ambiguous
("24" is pre-2025 Bắc Giang and 2025 Bắc Ninh).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from duluan.adminunits import PRE2025, SCHEME_2025


class Scheme(models.TextChoices):
    PRE2025 = PRE2025, _("Trước 01/07/2025 (3 cấp)")
    V2025 = SCHEME_2025, _("Từ 01/07/2025 (2 cấp)")


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/thành phố")
    DISTRICT = "district", _("Quận/huyện")
    COMMUNE = "commune", _("Xã/phường")


class AdminUnit(models.Model):
    scheme = models.CharField(_("hệ thống"), max_length=8, choices=Scheme.choices)
    code = models.CharField(_("mã"), max_length=8)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    name = models.CharField(_("tên"), max_length=120)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    unit_type = models.CharField(_("loại"), max_length=20)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    province_code = models.CharField(_("mã tỉnh"), max_length=4)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    aliases = models.JSONField(_("tên khác"), default=list, blank=True)
    name_key = models.CharField(max_length=120, db_index=True, editable=False)
    search_key = models.CharField(max_length=400, db_index=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="geo_unit_scheme_code")]
        indexes = [models.Index(fields=["scheme", "level", "province_code"])]
        ordering = ["scheme", "code"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_scheme_display()})"

    @property
    def is_pre2025(self) -> bool:
        return self.scheme == PRE2025


class Succession(models.Model):
    """``old`` (pre-2025) became part of ``new`` (2025) with ``share`` of its population/counts."""

    old = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="successor_links")
    new = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="predecessor_links")
    share = models.FloatField(_("tỷ lệ"), default=1.0)
    basis = models.CharField(_("căn cứ"), max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["old", "new"], name="geo_succession_pair")]
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")

    def __str__(self) -> str:
        return f"{self.old.name} → {self.new.name} ({self.share:.2f})"
