"""Input forms: they check types and ranges only; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD = 20 * 1024 * 1024


class _Upload(forms.Form):
    file = forms.FileField(label=_("Tệp"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        return f


class InstrumentUploadForm(_Upload):
    file = forms.FileField(label=_("Tệp XLSForm (.xlsx)"))


class FrameUploadForm(_Upload):
    name = forms.CharField(label=_("Tên khung mẫu"), max_length=200)
    year = forms.IntegerField(label=_("Năm số liệu"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("Tệp CSV: unit_code,scheme,population[,households,stratum]"))
    is_synthetic = forms.BooleanField(label=_("Số liệu giả lập"), required=False)
    allow_missing = forms.BooleanField(label=_("Cho phép thiếu xã/phường"), required=False)


class ResponseImportForm(_Upload):
    file = forms.FileField(label=_("Tệp CSV xuất từ ODK Central hoặc KoboToolbox"))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Mã mời"), max_length=20)


class SampleSizeForm(forms.Form):
    moe = forms.FloatField(label=_("Sai số biên (điểm %)"), min_value=0.1, max_value=50, initial=5)
    p = forms.FloatField(label=_("Tỷ lệ dự kiến (%)"), min_value=1, max_value=99, initial=50)
    deff = forms.FloatField(label=_("Hệ số thiết kế (deff)"), min_value=0.5, max_value=20, initial=2)
    population = forms.IntegerField(
        label=_("Quy mô tổng thể (để trống nếu rất lớn)"), min_value=1, required=False
    )
    conf = forms.TypedChoiceField(
        label=_("Độ tin cậy"),
        choices=[("0.9", "90%"), ("0.95", "95%"), ("0.99", "99%")],
        coerce=float,
        initial="0.95",
    )
