"""Admin of plans: officials edit the at-risk tolerance and fix data here; reports stay read-only.

Reports are created only through the submission and approval services (which write the audit
log), so the admin shows them without letting anyone change their status.
"""

from django.contrib import admin

from duluan.apps.accounts.admin_site import admin_site

from .models import Indicator, Plan, PlanAttachment, PlanItem, PlanReview, ProgressReport, ReportEvidence


class AttachmentInline(admin.TabularInline):
    """Read-only: documents are attached from the plan page, where their type is checked and audited."""

    model = PlanAttachment
    extra = 0
    readonly_fields = ("title", "file", "content_type", "uploaded_by", "uploaded_at")

    def has_add_permission(self, request, obj=None):
        return False


class ReviewInline(admin.StackedInline):
    model = PlanReview
    extra = 0


@admin.register(Plan, site=admin_site)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "year", "signed_on", "at_risk_tolerance")
    search_fields = ("number", "title")
    list_filter = ("year",)
    filter_horizontal = ("signing_agencies",)
    autocomplete_fields = ("previous",)
    inlines = [AttachmentInline, ReviewInline]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(PlanItem, site=admin_site)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ("code", "content", "plan", "lead_agency", "start_on", "end_on", "weight")
    list_filter = ("plan",)
    search_fields = ("code", "content")
    autocomplete_fields = ("plan", "parent", "lead_agency", "partner_agencies")
    inlines = [IndicatorInline]


class EvidenceInline(admin.TabularInline):
    model = ReportEvidence
    extra = 0
    can_delete = False
    readonly_fields = ("title", "file", "content_type", "uploaded_by", "uploaded_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport, site=admin_site)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ("item", "agency", "period_end", "percent", "status", "submitted_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("item__code", "item__content", "narrative")
    inlines = [EvidenceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
