"""Forms of the plans app: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from duluan.apps.intake.uploads import FILE_TOO_LARGE, MAX_FILE_BYTES

from .uploads import ACCEPT

MAX_IMPORT_BYTES = 5 * 1024 * 1024
ERROR_IMPORT_TOO_BIG = _("Tệp quá 5 MB.")
FILE_TYPES_HELP = _(
    "Ảnh JPEG, PNG, WebP; tài liệu PDF, Word (.docx) hoặc Excel (.xlsx) không chứa macro; mỗi tệp "
    "tối đa 5 MB; loại tệp được kiểm tra theo nội dung."
)
DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _refuse_oversized(files) -> None:
    """Refuse a file over the upload limit before it is read; its type is checked by the service."""
    for f in files:
        if f.size > MAX_FILE_BYTES:
            raise forms.ValidationError(FILE_TOO_LARGE.format(name=f.name))


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
    evidence = MultipleFileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=FILE_TYPES_HELP,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_evidence(self):
        files = self.cleaned_data["evidence"]
        _refuse_oversized(files)
        return files


class EvidenceForm(forms.Form):
    """More evidence for a report that waits for approval."""

    file = MultipleFileField(
        label=_("Bổ sung minh chứng"),
        help_text=FILE_TYPES_HELP,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_file(self):
        files = self.cleaned_data["file"]
        _refuse_oversized(files)
        return files


class AttachmentForm(forms.Form):
    """A document attached to a plan."""

    title = forms.CharField(label=_("Tên tài liệu"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Tệp đính kèm"),
        help_text=FILE_TYPES_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        _refuse_oversized([f])
        return f


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(ERROR_IMPORT_TOO_BIG)
        return f
