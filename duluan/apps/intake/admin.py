"""Administration of intake: signals (read-mostly), import batches, Open311 clients.

Signals are written only through the intake services, so the admin shows them read-only; the
reporter's personal data is not shown here (the signal page shows it to the handling roles).
An Open311 client is created with a fresh key, shown once in the confirmation message.
Open311 requests waiting for the task worker are listed with their status and last error; an
official can send failed ones back to the queue (the sender's personal data is not shown).
"""

from django.contrib import admin, messages

from duluan.apps.accounts.admin_site import admin_site

from .models import ApiClient, ImportBatch, PendingRequest, Signal
from .open311_queue import open311_pending_retry
from .services import api_client_create


@admin.register(Signal, site=admin_site)
class SignalAdmin(admin.ModelAdmin):
    list_display = ("id", "channel", "created_at", "topic", "sentiment", "unit", "issue")
    list_filter = ("channel", "topic", "sentiment", "topic_confirmed", "sentiment_confirmed")
    search_fields = ("search_key", "external_id", "tracking_code")
    exclude = ("text",)
    readonly_fields = [f.name for f in Signal._meta.fields if f.name != "text"]
    list_select_related = ("unit", "issue")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch, site=admin_site)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "file_name",
        "channel",
        "started_at",
        "finished_at",  # empty while an import runs (its batches are committed one by one)
        "rows",
        "created",
        "duplicates",
        "rejected",
        "actor",
    )
    list_filter = ("channel",)
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ApiClient, site=admin_site)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key_prefix", "is_active", "created_at")
    fields = ("name", "is_active")
    readonly_fields = ("key_prefix", "created_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = api_client_create(name=obj.name, actor=request.user)
        obj.pk = client.pk
        obj.key_prefix, obj.key_hash, obj.created_at = client.key_prefix, client.key_hash, client.created_at
        messages.warning(request, f"api_key của {client.name}: {key} (chỉ hiển thị một lần, hãy lưu lại).")


@admin.register(PendingRequest, site=admin_site)
class PendingRequestAdmin(admin.ModelAdmin):
    list_display = ("token", "status", "attempts", "api_client", "created_at", "updated_at", "signal")
    list_filter = ("status",)
    search_fields = ("token",)
    exclude = ("reporter",)  # personal data, kept only until the request is processed
    readonly_fields = [f.name for f in PendingRequest._meta.fields if f.name != "reporter"]
    list_select_related = ("api_client", "signal")
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is lost: a request stays until it is processed or rejected

    @admin.action(description="Thử lại các yêu cầu đã chọn (lỗi hoặc đang chờ)")
    def retry(self, request, queryset):
        count = open311_pending_retry(rows=list(queryset), actor=request.user, request=request)
        messages.info(request, f"Đã đưa {count} yêu cầu trở lại hàng đợi.")
