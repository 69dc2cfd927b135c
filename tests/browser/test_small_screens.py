"""On a phone's screen no page scrolls sideways: citizens send feedback from their phones, and
officials read the platform on theirs."""

from __future__ import annotations

import pytest

from tests.browser.helpers import login

pytestmark = pytest.mark.browser

PUBLIC = ["/", "/intake/", "/intake/track/", "/geo/"]
OFFICIALS = ["/intake/signals/", "/issues/", "/cases/", "/plans/", "/campaigns/", "/surveys/khung-mau/nhap/"]
# What sticks out of the screen, if anything: the page's width against the screen's.
WIDTHS = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 375, "height": 740}, is_mobile=True
    )
    yield context.new_page()
    context.close()


def test_no_page_is_wider_than_a_phones_screen(phone, platform_url):
    wider: dict[str, list[int]] = {}

    def visit(paths: list[str]) -> None:
        for path in paths:
            phone.goto(platform_url + path)
            phone.wait_for_load_state("networkidle")
            page_width, screen = phone.evaluate(WIDTHS)
            if page_width > screen:
                wider[path] = [page_width, screen]

    # when a citizen opens the public pages on a 375-pixel screen, and the coordinator the
    # sections with wide tables, filter bars and forms
    visit(PUBLIC)
    login(phone, platform_url, "dieuphoi")
    visit(OFFICIALS)
    # then none is wider than the screen (a wide table scrolls inside itself)
    assert wider == {}
    phone.goto(platform_url + "/cases/")
    table = phone.locator("table").first
    assert table.evaluate("t => t.scrollWidth > t.clientWidth && getComputedStyle(t).overflowX === 'auto'")
