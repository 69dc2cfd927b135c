"""Navigation shown on every page, by role (the gatekeeper decides, templates only render)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

# (label, url name, who sees it: "public" | "official" | "models" (who manages the analysis models))
NAV = [
    (pgettext_lazy("nav", "Trang chủ"), "core:home", "public"),
    (pgettext_lazy("nav", "Gửi phản ánh"), "intake:submit", "public"),
    (pgettext_lazy("nav", "Tra cứu"), "intake:track", "public"),
    (pgettext_lazy("nav", "Vấn đề"), "issues:index", "official"),
    (pgettext_lazy("nav", "Tín hiệu"), "intake:index", "official"),
    (pgettext_lazy("nav", "Hồ sơ xử lý"), "cases:index", "official"),
    (pgettext_lazy("nav", "Kế hoạch"), "plans:index", "official"),
    (pgettext_lazy("nav", "Khảo sát"), "surveys:index", "official"),
    (pgettext_lazy("nav", "Tuyên truyền"), "campaigns:index", "official"),
    (pgettext_lazy("nav", "Báo cáo"), "reports:index", "official"),
    (pgettext_lazy("nav", "Đơn vị hành chính"), "geo:search", "public"),
    (pgettext_lazy("nav", "Cơ quan"), "accounts:agencies", "official"),
    (pgettext_lazy("nav", "Mô hình"), "intake:models", "models"),
]


def navigation(request):
    from duluan.apps.accounts.permissions import can_use_admin, is_official
    from duluan.apps.intake.permissions import can_manage_models

    user = getattr(request, "user", None)
    official = user is not None and is_official(user)
    models = user is not None and can_manage_models(user)
    items = []
    for label, name, audience in NAV:
        if (audience == "official" and not official) or (audience == "models" and not models):
            continue
        try:
            items.append((label, reverse(name)))
        except NoReverseMatch:  # the app has no page of that name yet
            continue
    if user is not None and can_use_admin(user):
        items.append((pgettext_lazy("nav", "Quản trị"), reverse("admin:index")))
    return {"nav_items": items}
