"""A commune officer finds the old province of Bắc Giang and sees what it became."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from duluan.apps.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_officer_searches_bac_giang_and_sees_it_succeeded_by_bac_ninh(page, platform_url):
    # given a commune officer logged in
    page.goto(platform_url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("canbo.bacgiang")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("who")).to_contain_text("Phường Bắc Giang")

    # when they search for "bac giang" without accents
    page.get_by_role("link", name="Đơn vị hành chính").click()
    page.get_by_label("Tên đơn vị").fill("bac giang")
    results = page.get_by_test_id("unit-results")
    expect(results).to_contain_text("Tỉnh Bắc Giang")
    expect(results).to_contain_text("Phường Bắc Giang")

    # and open the pre-2025 province
    page.get_by_role("link", name="Tỉnh Bắc Giang", exact=True).click()

    # then they see it was succeeded by Bắc Ninh
    expect(page.get_by_test_id("unit-name")).to_have_text("Tỉnh Bắc Giang")
    expect(page).to_have_url(re.compile(r"/geo/pre2025/24/$"))
    successors = page.get_by_test_id("successors")
    expect(successors).to_contain_text("Tỉnh Bắc Ninh")
    successors.get_by_role("link", name="Tỉnh Bắc Ninh").click()
    expect(page.get_by_test_id("predecessors")).to_contain_text("Tỉnh Bắc Giang")
    page.screenshot(path=str(platform_screenshot_path()), full_page=True)


def test_english_is_one_click_away(page, platform_url):
    page.goto(platform_url + "/geo/?q=bac+ninh")
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administrative units")
    expect(page.get_by_test_id("unit-results")).to_contain_text("Tỉnh Bắc Ninh")


def platform_screenshot_path():
    from pathlib import Path

    out = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out / "geo-bac-ninh.png"
