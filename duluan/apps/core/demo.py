"""Seed the demo installation: units, agencies, officials, then each app's own demo data.

Every step is idempotent so ``make demo`` can run any number of times. An app adds demo data by
shipping ``duluan/apps/<app>/demo.py`` with ``seed(*, progress) -> str`` (a one-line summary) and
being listed in :data:`APP_DEMOS` in dependency order.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
from duluan.apps.geo.models import AdminUnit
from duluan.apps.geo.services import units_load

APP_DEMOS = ["plans", "intake", "issues", "cases", "surveys", "campaigns", "reports"]


@dataclass
class DemoReport:
    units_loaded: int
    agencies: int
    logins: list[tuple[str, str, str]]
    summaries: list[str] = field(default_factory=list)


def demo_seed(*, reload_units: bool = False, progress=print) -> DemoReport:
    units = 0
    if reload_units or not AdminUnit.objects.exists():
        progress("Đang nạp đơn vị hành chính (cả hai hệ thống)…")
        units = units_load().units
    progress("Đang tạo cơ quan và tài khoản mẫu…")
    agencies = demo_agencies_seed()
    logins = demo_users_seed()
    report = DemoReport(units_loaded=units, agencies=agencies, logins=logins)
    for app in APP_DEMOS:
        try:
            module = importlib.import_module(f"duluan.apps.{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"duluan.apps.{app}.demo":
                raise
            continue
        summary = module.seed(progress=progress)
        if summary:
            report.summaries.append(summary)
    # Later demos (cases, campaigns) add signals after the issues demo scored its issues; score
    # once more over everything so a first and a second run end in the same state.
    from duluan.apps.issues.services import issues_refresh_hotness

    progress("Đang tính lại độ nóng của các vấn đề…")
    issues_refresh_hotness()
    return report
