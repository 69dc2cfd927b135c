from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import Agency
from .permissions import filter_by_agency


def agency_list_for_user(user) -> QuerySet[Agency]:
    qs = Agency.objects.select_related("parent", "unit").annotate(member_count=Count("members"))
    return filter_by_agency(qs, user, field="pk").order_by("-is_active", "parent_id", "code")
