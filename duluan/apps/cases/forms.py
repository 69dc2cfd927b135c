"""Forms of the case pages: each turns a POST into the keyword arguments of one action."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from duluan.apps.accounts.models import Agency, User

from .models import AttachmentKind, Case, DeclineReason
from .permissions import case_list_for_user


class _OwnIds:
    """Field ids that name their form (``id_<ids>_<field>``, ``ids`` given or the class's): a
    case's page holds several forms whose fields share names (each action's "reason", the note's
    and the attachment's "public"), and one id each is what lets a label name its own field."""

    ids = ""

    def __init__(self, *args, ids: str | None = None, **kwargs):
        kwargs.setdefault("auto_id", f"id_{ids or self.ids}_%s")
        super().__init__(*args, **kwargs)


class ActionForm(_OwnIds, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Lý do / ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        self.case, self.user = case, user
        super().__init__(*args, **kwargs)

    def params(self) -> dict:
        return {}


class AcceptForm(ActionForm):
    complex = forms.BooleanField(label=_("Vụ việc phức tạp"), required=False)

    def params(self):
        return {"complex": self.cleaned_data["complex"] or None}


class DeclineForm(ActionForm):
    decline_reason = forms.ChoiceField(label=_("Căn cứ không thụ lý"), choices=DeclineReason.choices)

    def params(self):
        return {"decline_reason": self.cleaned_data["decline_reason"]}


class AssignForm(ActionForm):
    assignee = forms.ModelChoiceField(label=_("Cán bộ xử lý"), queryset=User.objects.none())
    partners = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            agency=self.case.lead_agency, is_active=True
        ).order_by("username")
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["partners"].queryset = Agency.objects.filter(is_active=True).exclude(
            pk=self.case.lead_agency_id
        )
        self.fields["partners"].initial = list(self.case.partner_agencies.values_list("pk", flat=True))

    def params(self):
        return {"assignee": self.cleaned_data["assignee"], "partners": list(self.cleaned_data["partners"])}


class DraftForm(ActionForm):
    response_text = forms.CharField(label=_("Nội dung trả lời"), widget=forms.Textarea(attrs={"rows": 8}))
    no_evidence_reason = forms.CharField(
        label=_("Lý do không kèm ảnh/văn bản (nếu không đính kèm)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response_text"].initial = self.case.response_text
        self.fields["no_evidence_reason"].initial = self.case.response_no_evidence_reason

    def params(self):
        return {
            "response_text": self.cleaned_data["response_text"],
            "no_evidence_reason": self.cleaned_data["no_evidence_reason"],
        }


class TransferForm(ActionForm):
    agency = forms.ModelChoiceField(
        label=_("Chuyển đến cơ quan"), queryset=Agency.objects.filter(is_active=True)
    )

    def params(self):
        return {"agency": self.cleaned_data["agency"]}


class RerouteForm(ActionForm):
    topic = forms.CharField(label=_("Chủ đề (mã, để trống nếu giữ nguyên)"), required=False, max_length=40)

    def params(self):
        return {"topic": self.cleaned_data["topic"] or None}


class MergeForm(ActionForm):
    target_code = forms.CharField(label=_("Mã hồ sơ gộp vào"), max_length=20)

    def clean_target_code(self):
        code = self.cleaned_data["target_code"].strip().upper()
        target = case_list_for_user(self.user).filter(code=code).first()
        if target is None:
            raise forms.ValidationError(_("Không tìm thấy hồ sơ %(code)s.") % {"code": code})
        return target

    def params(self):
        return {"target": self.cleaned_data["target_code"]}


FORMS: dict[str, type[ActionForm]] = {
    "accept": AcceptForm,
    "decline": DeclineForm,
    "assign": AssignForm,
    "draft": DraftForm,
    "transfer": TransferForm,
    "reroute": RerouteForm,
    "merge": MergeForm,
}


def form_for(action: str, *args, **kwargs) -> ActionForm:
    """The form of ``action``, its fields' ids named by the action (see :class:`_OwnIds`)."""
    return FORMS.get(action, ActionForm)(*args, ids=action, **kwargs)


class NoteForm(_OwnIds, forms.Form):
    ids = "note"
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(label=_("Công khai cho người dân"), required=False)


class AttachmentForm(_OwnIds, forms.Form):
    ids = "attachment"
    file = forms.FileField(label=_("Tệp"))
    kind = forms.ChoiceField(label=_("Loại"), choices=AttachmentKind.choices)
    description = forms.CharField(label=_("Mô tả"), required=False, max_length=250)
    public = forms.BooleanField(label=_("Công khai cùng trả lời"), required=False, initial=True)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Lý do xem danh tính"), widget=forms.Textarea(attrs={"rows": 2}))


class CitizenFeedbackForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label=_("Vấn đề của bạn đã được giải quyết chưa?"),
        choices=[("yes", _("Đã được giải quyết")), ("no", _("Chưa được giải quyết"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Mức hài lòng (1 = rất không hài lòng, 5 = rất hài lòng)"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Ý kiến (bắt buộc nếu chưa được giải quyết)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TrackLookupForm(forms.Form):
    code = forms.CharField(label=_("Mã tra cứu"), max_length=20)
