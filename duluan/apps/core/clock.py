"""The platform's local days (``TIME_ZONE``): where one begins, and how much of one has gone by."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def local_midnight(day: date) -> datetime:
    """The aware moment ``day`` begins in the platform's time zone."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()), timezone.get_current_timezone())


def part_of_day_gone(moment: datetime) -> float:
    """How much (0–1) of ``moment``'s local day has gone by at ``moment``."""
    local = timezone.localtime(moment)
    return (local - local_midnight(local.date())).total_seconds() / 86400
