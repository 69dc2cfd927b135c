"""Steps several browser tests take."""

from __future__ import annotations

from playwright.sync_api import expect

from duluan.apps.accounts.demo import DEMO_PASSWORD


def login(page, url: str, username: str) -> None:
    """Log a demo user in through the login form and wait for the page that greets them."""
    page.goto(url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("who")).to_be_visible()
