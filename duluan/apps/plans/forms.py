"""Forms of the plans app: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_IMPORT_BYTES = 5 * 1024 * 1024
ERROR_EVIDENCE_TOO_BIG = _("Tệp minh chứng quá 10 MB.")
ERROR_IMPORT_TOO_BIG = _("Tệp quá 5 MB.")
DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    period_end = forms.DateField(
        label=_("Tính đến ngày"),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    percent = forms.DecimalField(
        label=_("Tiến độ (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    narrative = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 6}))
    evidence = MultipleFileField(label=_("Tệp minh chứng"), required=False)

    def clean_evidence(self):
        files = self.cleaned_data["evidence"]
        for f in files:
            if f.size > MAX_EVIDENCE_BYTES:
                raise forms.ValidationError(ERROR_EVIDENCE_TOO_BIG)
        return files


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(ERROR_IMPORT_TOO_BIG)
        return f
