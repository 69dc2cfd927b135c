"""Admin pages for the configuration officials edit: routing rules, legal limits, calendar days."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from duluan.apps.accounts.admin_site import admin_site
from duluan.apps.accounts.permissions import can_use_admin

from .models import CalendarOverride, Case, LegalLimit, RoutingRule
from .services.routing import PRECEDENCE_VI


class AdministratorsEdit(admin.ModelAdmin):
    """The administrator role edits this configuration (the gatekeeper decides, not Django's model perms)."""

    def has_module_permission(self, request):
        return can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return can_use_admin(request.user)

    def has_add_permission(self, request):
        return can_use_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return can_use_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_use_admin(request.user)


@admin.register(RoutingRule, site=admin_site)
class RoutingRuleAdmin(AdministratorsEdit):
    list_display = (
        "name",
        "topic",
        "unit",
        "level",
        "kind",
        "channel",
        "lead_mode",
        "lead_agency",
        "deadline_policy",
        "priority",
        "is_active",
    )
    list_filter = ("is_active", "kind", "channel", "lead_mode", "deadline_policy")
    search_fields = ("name", "topic")
    autocomplete_fields = ("unit", "lead_agency", "partner_agencies")
    raw_id_fields = ("plan_item",)
    fieldsets = (
        (None, {"fields": ("name", "is_active", "priority")}),
        (_("Điều kiện (để trống: mọi giá trị)"), {"fields": ("topic", "unit", "level", "kind", "channel")}),
        (
            _("Kết quả"),
            {"fields": ("lead_mode", "lead_agency", "partner_agencies", "deadline_policy", "plan_item")},
        ),
    )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "subtitle": PRECEDENCE_VI,
        }
        return super().changelist_view(request, extra_context=extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["priority"].help_text = PRECEDENCE_VI
        return form


@admin.register(LegalLimit, site=admin_site)
class LegalLimitAdmin(AdministratorsEdit):
    list_display = (
        "rule_id",
        "kind",
        "step",
        "days",
        "unit",
        "counts_from",
        "complex_days",
        "remote_days",
        "verified",
    )
    list_filter = ("kind", "step", "unit", "verified")
    readonly_fields = ("updated_at",)


@admin.action(description=_("Bổ sung các ngày điều chỉnh mới trong tệp của bộ lịch"))
def add_shipped_overrides(modeladmin, request, queryset):
    from .seed_calendar import seed

    _limits, added = seed(LegalLimit, CalendarOverride)
    modeladmin.message_user(request, _("Đã bổ sung %(n)d ngày.") % {"n": added}, messages.SUCCESS)


@admin.register(CalendarOverride, site=admin_site)
class CalendarOverrideAdmin(AdministratorsEdit):
    list_display = ("date", "working", "reason_vi", "source")
    list_filter = ("working",)
    date_hierarchy = "date"
    actions = [add_shipped_overrides]


@admin.register(Case, site=admin_site)
class CaseAdmin(AdministratorsEdit):
    """Read-only: cases change only through the workflow (every change audited)."""

    list_display = (
        "code",
        "title",
        "kind",
        "status",
        "lead_agency",
        "received_at",
        "accept_due",
        "resolve_due",
    )
    list_filter = ("status", "kind", "channel")
    search_fields = ("code", "title")
    exclude = ("description",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Case._meta.fields if f.name != "description"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
