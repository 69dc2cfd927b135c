"""The dashboard's and the exports' filters: parsed from the query string, with clear errors.

A place filter is ``<scheme>:<code>`` (``2025:07210`` or ``pre2025:07210``). It matches the unit,
every unit under it, and across the 2025 reform: a pre-2025 unit also matches the 2025 communes
that took it over, a 2025 unit also matches the pre-2025 units that became part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duluan.adminunits import PRE2025, SCHEME_2025, SCHEMES
from duluan.apps.core.topics import topic_choices as core_topic_choices
from duluan.apps.geo.models import AdminUnit, Level, Succession
from duluan.apps.intake.models import Channel, Sentiment

from .models import HotnessLevel
from .permissions import unit_ids_below

BAD_PLACE = "Địa bàn không hợp lệ: {value!r} (cần dạng «2025:mã» hoặc «pre2025:mã»)."
UNKNOWN_PLACE = "Không tìm thấy đơn vị hành chính {value!r}."
BAD_RANGE = "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
PERIODS = [
    ("", _("Mọi thời gian")),
    ("7", _("7 ngày qua")),
    ("30", _("30 ngày qua")),
    ("90", _("90 ngày qua")),
]


def topic_choices() -> list[tuple[str, str]]:
    """The topics in the page's language (:mod:`duluan.apps.core.topics`), after "any topic"."""
    return [("", _("Mọi chủ đề")), *core_topic_choices()]


class IssueFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    period = forms.ChoiceField(label=_("Thời gian"), required=False, choices=PERIODS)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, input_formats=DATE_FORMATS)
    date_to = forms.DateField(label=_("Đến ngày"), required=False, input_formats=DATE_FORMATS)
    topic = forms.ChoiceField(label=_("Chủ đề"), required=False, choices=topic_choices)
    place = forms.CharField(label=_("Địa bàn"), required=False, max_length=40)
    channel = forms.ChoiceField(
        label=_("Kênh"), required=False, choices=[("", _("Mọi kênh")), *Channel.choices]
    )
    sentiment = forms.ChoiceField(
        label=_("Sắc thái chủ đạo"), required=False, choices=[("", _("Mọi sắc thái")), *Sentiment.choices]
    )
    level = forms.ChoiceField(
        label=_("Mức"), required=False, choices=[("", _("Mọi mức")), *HotnessLevel.choices]
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def clean_place(self):
        value = (self.cleaned_data.get("place") or "").strip()
        if not value:
            return None
        scheme, sep, code = value.partition(":")
        if not sep or scheme not in SCHEMES or not code.isdigit() or len(code) > 8:
            raise forms.ValidationError(BAD_PLACE.format(value=value))
        unit = AdminUnit.objects.filter(scheme=scheme, code=code).select_related("parent").first()
        if unit is None:
            raise forms.ValidationError(UNKNOWN_PLACE.format(value=value))
        return unit

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(BAD_RANGE)
        return data


@dataclass(frozen=True)
class IssueFilters:
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    topic: str = ""
    place: AdminUnit | None = None
    channel: str = ""
    sentiment: str = ""
    level: str = ""
    page: int = 1

    @classmethod
    def from_form(cls, form: IssueFilterForm, *, today: date | None = None) -> IssueFilters:
        data = form.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if data.get("period") and not (start or end):
            today = today or timezone.localdate()
            start, end = today - timedelta(days=int(data["period"]) - 1), today
        return cls(
            q=data.get("q") or "",
            date_from=start,
            date_to=end,
            topic=data.get("topic") or "",
            place=data.get("place"),
            channel=data.get("channel") or "",
            sentiment=data.get("sentiment") or "",
            level=data.get("level") or "",
            page=data.get("page") or 1,
        )


def place_unit_ids(unit: AdminUnit) -> set[int]:
    """The unit, every unit under it, and its counterparts across the 2025 reform."""
    below = unit_ids_below({unit.pk})
    if unit.scheme == SCHEME_2025:
        return below | set(Succession.objects.filter(new_id__in=below).values_list("old_id", flat=True))
    assert unit.scheme == PRE2025
    # The 2025 communes that took over these old units (a district's link to a whole new
    # province would match everything, so only commune successors count).
    return below | set(
        Succession.objects.filter(old_id__in=below, new__level=Level.COMMUNE).values_list("new_id", flat=True)
    )
