"""Navigation shown on every page, by role (the gatekeeper decides, templates only render)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, who sees it: "public" | "official")
NAV = [
    (_("Trang chủ"), "core:home", "public"),
    (_("Gửi phản ánh"), "intake:submit", "public"),
    (_("Tra cứu"), "intake:track", "public"),
    (_("Vấn đề"), "issues:index", "official"),
    (_("Tín hiệu"), "intake:index", "official"),
    (_("Hồ sơ xử lý"), "cases:index", "official"),
    (_("Kế hoạch"), "plans:index", "official"),
    (_("Khảo sát"), "surveys:index", "official"),
    (_("Tuyên truyền"), "campaigns:index", "official"),
    (_("Báo cáo"), "reports:index", "official"),
    (_("Đơn vị hành chính"), "geo:search", "public"),
    (_("Cơ quan"), "accounts:agencies", "official"),
]


def navigation(request):
    from duluan.apps.accounts.permissions import can_use_admin, is_official

    user = getattr(request, "user", None)
    official = user is not None and is_official(user)
    items = []
    for label, name, audience in NAV:
        if audience == "official" and not official:
            continue
        try:
            items.append((label, reverse(name)))
        except NoReverseMatch:  # the app has no page of that name yet
            continue
    if user is not None and can_use_admin(user):
        items.append((_("Quản trị"), reverse("admin:index")))
    return {"nav_items": items}
