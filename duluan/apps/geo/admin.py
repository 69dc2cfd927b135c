from django.contrib import admin

from duluan.apps.accounts.admin_site import admin_site

from .models import AdminUnit, Succession


@admin.register(AdminUnit, site=admin_site)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "scheme", "parent", "valid_from", "valid_to")
    list_filter = ("scheme", "level")
    search_fields = ("code", "name", "search_key")
    readonly_fields = ("name_key", "search_key")
    raw_id_fields = ("parent",)


@admin.register(Succession, site=admin_site)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = ("old", "new", "share", "basis")
    list_filter = ("basis",)
    raw_id_fields = ("old", "new")
    search_fields = ("old__name", "new__name", "old__code", "new__code")
