"""Admin pages for the configuration officials edit: routing rules, legal limits, calendar days."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from duluan.apps.accounts.admin_site import admin_site
from duluan.apps.accounts.permissions import can_use_admin

from .confidential import case_title_masked
from .models import CalendarOverride, Case, LegalLimit, RoutingRule
from .selectors import case_search
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


# A case's words as the citizen wrote them, and the keys its title is searched by as written.
_AS_WRITTEN = ("title", "description", "search_key", "search_key_masked")


@admin.register(Case, site=admin_site)
class CaseAdmin(AdministratorsEdit):
    """Read-only: cases change only through the workflow (every change audited).

    The administrator passes no identity gate (:func:`~.permissions.can_read_case_text`: only a
    case's handlers do, a superuser neither): the title is shown and searched masked, as the case
    list shows it to them (:func:`~.confidential.case_title_masked`, :func:`~.selectors.case_search`);
    the words as written, and the title's search keys, are not shown.
    """

    list_display = (
        "code",
        "title_masked",
        "kind",
        "status",
        "lead_agency",
        "received_at",
        "accept_due",
        "resolve_due",
    )
    list_filter = ("status", "kind", "channel")
    list_select_related = ("complainant", "lead_agency")
    search_fields = ("code",)  # and the masked title: get_search_results
    exclude = _AS_WRITTEN

    @admin.display(description=_("tiêu đề"))
    def title_masked(self, case: Case) -> str:
        return case_title_masked(case)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(case_search(request.user, search_term)), False

    def get_readonly_fields(self, request, obj=None):
        return ["title_masked", *(f.name for f in Case._meta.fields if f.name not in _AS_WRITTEN)]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
