"""Seed the demo installation: units, agencies, officials (and, as apps grow, their demo data).

Every step is idempotent so ``make demo`` can run any number of times.
"""

from __future__ import annotations

from dataclasses import dataclass

from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
from duluan.apps.geo.models import AdminUnit
from duluan.apps.geo.services import units_load


@dataclass
class DemoReport:
    units_loaded: int
    agencies: int
    logins: list[tuple[str, str, str]]


def demo_seed(*, reload_units: bool = False, progress=print) -> DemoReport:
    units = 0
    if reload_units or not AdminUnit.objects.exists():
        progress("Đang nạp đơn vị hành chính (cả hai hệ thống)…")
        units = units_load().units
    progress("Đang tạo cơ quan và tài khoản mẫu…")
    agencies = demo_agencies_seed()
    logins = demo_users_seed()
    return DemoReport(units_loaded=units, agencies=agencies, logins=logins)
