"""Forms of the campaigns app: they parse input; the services decide (and word the refusals)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from duluan.apps.accounts.models import Agency
from duluan.apps.core.topics import topic_choices
from duluan.apps.geo.models import AdminUnit, Level

from .models import Channel, OutputKind

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
ERROR_EVIDENCE_TOO_BIG = _("Tệp minh chứng quá 10 MB.")
ERROR_UNKNOWN_UNIT = _("Không có đơn vị hành chính trước 2025 mã {code}.")


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _count(label):
    # Plain integers: a negative number reaches the service, which refuses it with its own message.
    return forms.IntegerField(label=label, required=False)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Tên chiến dịch"), max_length=300)
    theme = forms.CharField(label=_("Chủ đề tuyên truyền"), widget=forms.Textarea(attrs={"rows": 2}))
    objectives = forms.CharField(
        label=_("Mục tiêu"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    key_messages = forms.CharField(
        label=_("Thông điệp chính (mỗi dòng một thông điệp)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    audiences = forms.CharField(
        label=_("Đối tượng (mỗi dòng một nhóm)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    topic_codes = forms.MultipleChoiceField(
        label=_("Mã chủ đề dư luận"), required=False, choices=topic_choices
    )
    keywords = forms.CharField(
        label=_("Từ khóa (cách nhau bởi dấu phẩy, không phân biệt dấu)"), required=False, max_length=500
    )
    communes = forms.ModelMultipleChoiceField(
        label=_("Xã, phường hướng tới (từ 01/07/2025)"), required=False, queryset=AdminUnit.objects.none()
    )
    pre2025_codes = forms.CharField(
        label=_("Đơn vị trước 2025 (mã, cách nhau bởi dấu phẩy)"), required=False, max_length=500
    )
    channels = forms.ModelMultipleChoiceField(
        label=_("Kênh truyền thông"), required=False, queryset=Channel.objects.filter(is_active=True)
    )
    start_on = _date(_("Bắt đầu"))
    end_on = _date(_("Kết thúc"))
    lead_agency = forms.ModelChoiceField(label=_("Cơ quan chủ trì"), queryset=Agency.objects.none())
    partner_agencies = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"), required=False, queryset=Agency.objects.none()
    )

    def __init__(self, *args, agencies=None, plan_items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = AdminUnit.objects.filter(
            scheme="2025", level=Level.COMMUNE, province_code=settings.DULUAN_HOME_PROVINCE
        ).order_by("name")
        active = Agency.objects.filter(is_active=True).order_by("name")
        self.fields["lead_agency"].queryset = agencies if agencies is not None else active
        self.fields["partner_agencies"].queryset = active
        self.fields["plan_item"] = forms.ModelChoiceField(
            label=_("Nhiệm vụ kế hoạch"),
            required=False,
            queryset=plan_items if plan_items is not None else self._plan_items(),
        )

    @staticmethod
    def _plan_items():
        from duluan.apps.plans.models import PlanItem

        return PlanItem.objects.select_related("plan").order_by("plan__number", "position", "pk")

    def clean_keywords(self):
        return [w.strip() for w in self.cleaned_data["keywords"].split(",") if w.strip()]

    def clean_pre2025_codes(self):
        units = []
        for code in (c.strip() for c in self.cleaned_data["pre2025_codes"].split(",")):
            if not code:
                continue
            unit = AdminUnit.objects.filter(scheme="pre2025", code=code).first()
            if unit is None:
                raise forms.ValidationError(ERROR_UNKNOWN_UNIT.format(code=code))
            units.append(unit)
        return units


class OutputForm(forms.Form):
    channel = forms.ModelChoiceField(
        label=_("Kênh"), required=False, queryset=Channel.objects.filter(is_active=True), empty_label="—"
    )
    kind = forms.ChoiceField(label=_("Loại sản phẩm"), choices=OutputKind.choices)
    title = forms.CharField(label=_("Nội dung sản phẩm"), max_length=300, required=False)
    planned_on = _date(_("Ngày dự kiến"))
    planned_quantity = _count(_("Số lượng kế hoạch"))
    delivered = forms.BooleanField(label=_("Đã thực hiện"), required=False)
    delivered_on = _date(_("Ngày thực hiện"), required=False)
    delivered_quantity = _count(_("Số lượng đã thực hiện"))
    attendance = _count(_("Số người tham dự"))
    reach = _count(_("Lượt tiếp cận"))
    evidence_url = forms.CharField(label=_("Đường dẫn minh chứng"), required=False, max_length=500)
    evidence_file = forms.FileField(label=_("Tệp minh chứng"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_evidence_file(self):
        f = self.cleaned_data.get("evidence_file")
        if f and f.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(ERROR_EVIDENCE_TOO_BIG)
        return f


class OutputEditForm(OutputForm):
    """Correcting an output: its evidence is added on the campaign page, not here."""

    def __init__(self, *args, current_channel=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["evidence_url"]
        del self.fields["evidence_file"]
        if current_channel is not None and not current_channel.is_active:
            # the channel it was recorded on stays selectable after it was retired
            self.fields["channel"].queryset = Channel.objects.filter(
                models.Q(is_active=True) | models.Q(pk=current_channel.pk)
            )


class DeliverForm(forms.Form):
    delivered_on = _date(_("Ngày thực hiện"))
    delivered_quantity = _count(_("Số lượng đã thực hiện"))
    attendance = _count(_("Số người tham dự"))
    reach = _count(_("Lượt tiếp cận"))


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Tên minh chứng"), required=False, max_length=200)
    url = forms.CharField(label=_("Đường dẫn"), required=False, max_length=500)
    file = forms.FileField(label=_("Tệp"), required=False)

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and f.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(ERROR_EVIDENCE_TOO_BIG)
        return f


class NoteForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    issue = forms.ModelChoiceField(label=_("Vấn đề"), required=False, queryset=None)
    campaign = forms.ModelChoiceField(label=_("Chiến dịch"), required=False, queryset=None)
    facts = forms.CharField(label=_("Tình hình, sự việc"), widget=forms.Textarea(attrs={"rows": 4}))
    position = forms.CharField(label=_("Quan điểm chính thức"), widget=forms.Textarea(attrs={"rows": 3}))
    talking_points = forms.CharField(
        label=_("Nội dung cần thông tin (mỗi dòng một ý)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    avoid = forms.CharField(
        label=_("Những điều không nên nói (mỗi dòng một ý)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("Cơ quan nhận"),
        required=False,
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
    )

    def __init__(self, *args, issues=None, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        from duluan.apps.issues.models import Issue

        from .models import Campaign

        self.fields["issue"].queryset = issues if issues is not None else Issue.objects.none()
        self.fields["campaign"].queryset = campaigns if campaigns is not None else Campaign.objects.none()


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 2}))


class SurveyLinkForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Đợt khảo sát"), queryset=None)
    awareness_item = forms.CharField(
        label=_("Câu hỏi về mức độ biết (tên câu hỏi trong bộ câu hỏi)"),
        max_length=60,
        initial="biet_hop_nhat",
    )
    awareness_value = forms.CharField(label=_("Trả lời nghĩa là có biết"), max_length=40, initial="co")
    support_item = forms.CharField(
        label=_("Câu hỏi về mức độ ủng hộ (thang điểm)"), max_length=60, initial="ung_ho"
    )
    support_min = forms.IntegerField(label=_("Ủng hộ từ mức"), initial=4)
    support_max = forms.IntegerField(label=_("Đến mức"), initial=5)

    def __init__(self, *args, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        from duluan.apps.surveys.models import Round

        self.fields["round"].queryset = rounds if rounds is not None else Round.objects.none()
