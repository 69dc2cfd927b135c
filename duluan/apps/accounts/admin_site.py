"""The Django admin, open to administrators only (the gatekeeper decides)."""

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _


class DuLuanAdminSite(AdminSite):
    site_header = _("Quản trị Dư Luận")
    site_title = _("Quản trị Dư Luận")
    index_title = _("Dữ liệu cấu hình")

    def has_permission(self, request):
        from .permissions import can_use_admin

        return request.user.is_active and can_use_admin(request.user)


admin_site = DuLuanAdminSite(name="admin")
