"""An analyst filters the dashboard by a pre-2025 commune, opens a hot issue and sees why it is hot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from duluan.apps.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_analyst_filters_by_old_commune_and_sees_why_an_issue_is_hot(page, platform_url):
    # given the analyst logged in, on the issues dashboard
    page.goto(platform_url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("phantich")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Vấn đề", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vấn đề dư luận")

    # when they look up the pre-2025 ward Thọ Xương (now part of phường Bắc Giang) without accents
    search = page.get_by_test_id("place-search")
    # (counts the suggestion requests htmx has finished handling, swap and address included)
    search.evaluate(
        "el => { window.suggested = 0; el.addEventListener('htmx:afterRequest', () => window.suggested++); }"
    )
    search.fill("tho xuong")
    option = page.locator("#place-options option[value*='pre2025:07201']")
    expect(option).to_have_count(1)
    page.wait_for_function("() => window.suggested === 1")
    search.fill(option.get_attribute("value"))
    search.dispatch_event("change")

    # then the list shows the merger issue, located in that ward or its 2025 successor
    expect(page).to_have_url(re.compile(r"place=pre2025%3A07201"))
    # and the address stays the filtered dashboard's once the suggestions for the chosen value are back
    page.wait_for_function("() => window.suggested === 2")
    assert re.search(r"/issues/\?.*place=pre2025%3A07201", page.url), page.url
    issues = page.get_by_test_id("issue-list")
    expect(issues).to_contain_text("sáp nhập")
    expect(issues).not_to_contain_text("Ngập úng")

    # when they open the hot merger issue
    issues.get_by_role("link", name=re.compile("sáp nhập")).click()

    # then they see it is hot and why: every component explained, and the alert's reasons
    expect(page.get_by_test_id("issue-level")).to_have_text("Nóng")
    why = page.get_by_test_id("why-hot")
    expect(why).to_contain_text("phản ánh trong 3 ngày qua")
    expect(why).to_contain_text("Tăng đột biến")
    expect(page.get_by_test_id("alerts")).to_contain_text("chuyển sang mức nóng")
    expect(page.locator("svg.chart").first).to_be_visible()
    out = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "issues-hot-merger.png"), full_page=True)
