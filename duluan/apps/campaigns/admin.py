"""Admin of campaigns: officials edit the channel list and which survey rounds measure a campaign
here (links are saved through the service, which checks the questions and writes the audit log);
notes and outputs are read-only (they change only through the services)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from duluan.apps.accounts.admin_site import admin_site

from . import services
from .models import Acknowledgement, Campaign, Channel, OrientationNote, Output, SurveyLink


@admin.register(Channel, site=admin_site)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "output_kind", "position", "is_active")
    list_editable = ("position", "is_active")
    search_fields = ("code", "name")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign, site=admin_site)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("title", "start_on", "end_on", "lead_agency")
    search_fields = ("title", "theme")


@admin.register(Output, site=admin_site)
class OutputAdmin(ReadOnlyAdmin):
    list_display = ("title", "campaign", "channel", "status", "planned_on", "delivered_on")
    list_filter = ("status", "channel")


@admin.register(OrientationNote, site=admin_site)
class OrientationNoteAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "agency", "issue", "created_at")
    list_filter = ("status",)


@admin.register(Acknowledgement, site=admin_site)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ("note", "user", "agency", "at")


class SurveyLinkAdminForm(forms.ModelForm):
    class Meta:
        model = SurveyLink
        fields = [
            "campaign",
            "round",
            "awareness_item",
            "awareness_value",
            "support_item",
            "support_min",
            "support_max",
        ]

    def clean(self):
        data = super().clean()
        if data.get("round") is not None:
            errors = services.survey_link_errors(
                round_=data["round"],
                awareness_item=data.get("awareness_item", ""),
                awareness_value=data.get("awareness_value", ""),
                support_item=data.get("support_item", ""),
                support_min=data.get("support_min"),
                support_max=data.get("support_max"),
            )
            if errors:
                raise ValidationError(errors)
        return data


@admin.register(SurveyLink, site=admin_site)
class SurveyLinkAdmin(admin.ModelAdmin):
    form = SurveyLinkAdminForm
    list_display = ("campaign", "round", "awareness_item", "support_item", "support_min", "support_max")

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        if change:
            original = SurveyLink.objects.get(pk=obj.pk)
            if (original.campaign_id, original.round_id) != (d["campaign"].pk, d["round"].pk):
                services.survey_link_remove(link=original, actor=request.user, request=request)
        link = services.survey_link_set(
            campaign=d["campaign"],
            round_=d["round"],
            actor=request.user,
            **{k: d[k] for k in services.SURVEY_LINK_QUESTIONS},
            request=request,
        )
        obj.pk = link.pk

    def delete_model(self, request, obj):
        services.survey_link_remove(link=obj, actor=request.user, request=request)
