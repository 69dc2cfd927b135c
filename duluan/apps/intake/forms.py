"""The public web form: what, where, files, who (or anonymous), consent."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from duluan.adminunits import SCHEME_2025
from duluan.analysis.legacy_encodings import mend_typed_fonts
from duluan.analysis.tabular import blank_text
from duluan.apps.geo.models import AdminUnit, Level

from .uploads import MAX_FILES, TOO_MANY_FILES, UploadError, clean_upload
from .validators import validate_phone

LOCATION_REQUIRED = _("Hãy chọn xã/phường hoặc ghi rõ địa điểm.")
LOCATION_UNKNOWN = _(
    "Không nhận ra xã/phường nào của tỉnh trong địa điểm đã ghi; hãy chọn xã/phường trong danh sách."
)
CONTACT_REQUIRED = _("Hãy để lại số điện thoại hoặc thư điện tử, hoặc chọn gửi ẩn danh.")
CONSENT_REQUIRED = _("Cần đồng ý với việc xử lý dữ liệu để gửi phản ánh.")

KIND_CHOICES = [
    ("feedback", _("Phản ánh, kiến nghị")),
    ("complaint", _("Khiếu nại")),
    ("denunciation", _("Tố cáo")),
    ("opinion", _("Góp ý, ý kiến")),
]


def home_communes():
    """The 2025 communes and wards of the home province, by name."""
    return AdminUnit.objects.filter(
        scheme=SCHEME_2025, level=Level.COMMUNE, province_code=settings.DULUAN_HOME_PROVINCE
    ).order_by("name")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class SubmissionForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    kind = forms.ChoiceField(label=_("Loại"), choices=KIND_CHOICES, initial="feedback")
    title = forms.CharField(label=_("Tiêu đề (không bắt buộc)"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Nội dung phản ánh"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": _("Hãy viết nội dung phản ánh.")},
    )
    unit = forms.ModelChoiceField(
        label=_("Xã/phường"),
        queryset=AdminUnit.objects.none(),
        required=False,
        empty_label=_("— chọn xã/phường —"),
    )
    place_text = forms.CharField(
        label=_("Địa điểm cụ thể (thôn, tổ dân phố, đường…)"), max_length=300, required=False
    )
    files = MultipleFileField(label=_("Ảnh hoặc tệp PDF (tối đa 3 tệp, mỗi tệp 5 MB)"), required=False)
    anonymous = forms.BooleanField(label=_("Gửi ẩn danh"), required=False)
    name = forms.CharField(label=_("Họ và tên"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại"), max_length=20, required=False, validators=[validate_phone]
    )
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    address = forms.CharField(label=_("Địa chỉ liên hệ"), max_length=300, required=False)
    consent = forms.BooleanField(
        label=_("Tôi đồng ý để cơ quan nhà nước xử lý dữ liệu cá nhân trong phản ánh này để giải quyết."),
        error_messages={"required": CONSENT_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = home_communes()
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if blank_text(text):  # zero-width spaces or marks alone: nothing an official could read
            raise forms.ValidationError(self.fields["text"].error_messages["required"])
        return text

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(TOO_MANY_FILES)
        cleaned, errors = [], []
        for f in files:
            try:
                cleaned.append(clean_upload(f.read(), f.name))
            except UploadError as error:
                errors.append(str(error))
        if errors:
            raise forms.ValidationError(errors)
        return cleaned

    def clean(self):
        data = super().clean()
        place_text = (data.get("place_text") or "").strip()
        if not data.get("unit"):
            if not place_text:
                self.add_error("place_text", LOCATION_REQUIRED)
            else:
                from .services import place_resolve

                # A place typed in legacy fonts, like the report, is looked up as the text it showed
                # (the signal stores both converted: services._mend_fonts).
                typed = {"text": data.get("text") or "", "place": place_text}
                mend_typed_fonts(typed, ("text", "place"))
                data["unit"] = place_resolve(typed["place"])
                if data["unit"] is None:
                    self.add_error("place_text", LOCATION_UNKNOWN)
        if not data.get("anonymous") and not (data.get("phone") or data.get("email")):
            self.add_error("phone", CONTACT_REQUIRED)
        return data

    def reporter(self) -> dict:
        d = self.cleaned_data
        if d.get("anonymous"):
            return {"anonymous": True, "consent": bool(d.get("consent"))}
        return {k: d.get(k) or "" for k in ("name", "phone", "email", "address")} | {"consent": True}


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Mã theo dõi"), max_length=16)
