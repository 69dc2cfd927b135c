from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .admin_site import admin_site
from .models import Agency, User


@admin.register(User, site=admin_site)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Dư Luận"), {"fields": ("role", "agency", "phone")}))
    list_display = ("username", "get_full_name", "role", "agency", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("agency",)


@admin.register(Agency, site=admin_site)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "unit", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name")
    autocomplete_fields = ("parent", "unit")


admin_site.register(Group)
