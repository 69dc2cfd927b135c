"""Admin of campaigns: officials edit the channel list here; notes and outputs are read-only
(they change only through the services, which write the audit log)."""

from django.contrib import admin

from duluan.apps.accounts.admin_site import admin_site

from .models import Acknowledgement, Campaign, Channel, OrientationNote, Output


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
