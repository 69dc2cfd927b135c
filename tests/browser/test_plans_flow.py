"""Coordination plans in a real browser: an officer reports progress, a coordinator approves one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login

pytestmark = pytest.mark.browser

PLAN = "128/KH-UBND"  # the 2025–2026 Bắc Ninh plan of the demo (duluan/apps/plans/demo.py)


def _screenshot(page, name):
    out = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / name), full_page=True)


def test_officer_submits_a_progress_report(page, platform_url):
    # given the environment department's officer on the plan page
    login(page, platform_url, "canbo.nnmt")
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_test_id("plan-list").get_by_role("link", name=PLAN).click()
    expect(page.get_by_test_id("plan-title")).to_contain_text(PLAN)
    _screenshot(page, "plans-plan.png")
    # when they open item 3.1, which their agency leads, and report 60 %
    page.get_by_test_id("item-3.1").get_by_role("link").click()
    page.get_by_role("link", name="Báo cáo tiến độ").click()
    form = page.get_by_test_id("report-form")
    form.get_by_label("Tính đến ngày").fill("2026-11-20")
    form.get_by_label("Tiến độ (%)").fill("60")
    form.get_by_label("Kết quả thực hiện").fill("Đã xử lý 60% phản ánh về ô nhiễm làng nghề đúng hạn.")
    form.get_by_role("button", name="Gửi báo cáo").click()
    # then the report waits for approval and the history records it
    expect(page.locator(".messages")).to_contain_text("chờ điều phối viên duyệt")
    row = page.get_by_test_id("reports").locator("tr", has_text="20/11/2026")
    expect(row).to_contain_text("60,0%")
    expect(row).to_contain_text("Chờ duyệt")
    expect(page.get_by_test_id("history")).to_contain_text("plan_report.submit")
    _screenshot(page, "plans-item-submitted.png")


def test_coordinator_approves_a_report_and_plan_progress_changes(page, platform_url):
    # given the coordinator sees the plan's progress
    login(page, platform_url, "dieuphoi")
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_test_id("plan-list").get_by_role("link", name=PLAN).click()
    before = page.get_by_test_id("plan-progress").inner_text()
    item_before = page.get_by_test_id("item-3.2").get_by_test_id("progress").inner_text()
    # when they open the approvals list and approve the pending 75 % report on item 3.2
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_test_id("approvals-link").click()
    page.get_by_test_id("pending").locator("tr", has_text="3.2.").get_by_role(
        "link", name="Xem và duyệt"
    ).click()
    pending = page.get_by_test_id("reports").locator("tr", has_text="Chờ duyệt").filter(has_text="75,0%")
    pending.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã duyệt")
    expect(page.get_by_test_id("item-progress")).to_have_text("75,0%")
    # then the item and the whole plan move
    page.get_by_role("link", name=PLAN).click()
    expect(page.get_by_test_id("item-3.2").get_by_test_id("progress")).to_have_text("75,0%")
    after = page.get_by_test_id("plan-progress").inner_text()
    assert item_before != "75,0%"
    assert after != before
    assert float(after.rstrip("%").replace(",", ".")) > float(before.rstrip("%").replace(",", "."))
    expect(page).to_have_url(re.compile(r"/plans/\d+/$"))
    _screenshot(page, "plans-after-approval.png")
