"""Forms of the officials' corrections (the dashboard filters are in :mod:`.filters`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .filters import topic_choices

TARGET_REQUIRED = "Hãy nhập mã vấn đề đích."


class RenameForm(forms.Form):
    title = forms.CharField(label=_("Tên mới"), max_length=300)
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=500)


class MergeForm(forms.Form):
    target = forms.IntegerField(
        label=_("Gộp vào vấn đề số"), min_value=1, error_messages={"required": TARGET_REQUIRED}
    )
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=500)


class SplitForm(forms.Form):
    title = forms.CharField(label=_("Tên vấn đề mới"), max_length=300)
    signals = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=500)

    def __init__(self, *args, signal_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signals"].choices = [(pk, pk) for pk in signal_ids]


class TopicForm(forms.Form):
    topic = forms.ChoiceField(label=_("Chủ đề đúng"), choices=topic_choices)
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=500)

    def clean_topic(self):
        value = self.cleaned_data["topic"]
        if not value:
            raise forms.ValidationError(_("Hãy chọn chủ đề."))
        return value
