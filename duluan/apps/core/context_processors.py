"""Navigation shown on every page, by role (the gatekeeper decides, templates only render)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request):
    items = [(_("Trang chủ"), reverse("core:home")), (_("Đơn vị hành chính"), reverse("geo:search"))]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from duluan.apps.accounts.permissions import can_use_admin

        items.append((_("Cơ quan"), reverse("accounts:agencies")))
        if can_use_admin(user):
            items.append((_("Quản trị"), reverse("admin:index")))
    return {"nav_items": items}
