"""Campaigns in a real browser: a coordinator records a delivered output, finds it on the calendar,
and the campaign page shows its measured effect (or says there is too little data)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login

pytestmark = pytest.mark.browser

CAMPAIGN = "Tuyên truyền việc hợp nhất tỉnh Bắc Giang và tỉnh Bắc Ninh, sắp xếp xã, phường"


def test_coordinator_records_a_delivered_output_and_sees_it_on_the_calendar(page, platform_url):
    # given the coordinator on the demo campaign's page
    login(page, platform_url, "dieuphoi")
    page.get_by_role("link", name="Tuyên truyền", exact=True).click()
    page.get_by_test_id("campaign-list").get_by_role("link", name=CAMPAIGN).click()
    expect(page.get_by_test_id("campaign-title")).to_have_text(CAMPAIGN)
    # then the effect section shows an estimate with its interval, or says there is too little data
    statement = page.get_by_test_id("effect-statement").first
    expect(statement).to_contain_text(re.compile(r"khoảng tin cậy 95 %|Chưa đủ dữ liệu"))

    # when they record a meeting already held, first with an impossible attendance
    page.get_by_role("link", name="Ghi nhận sản phẩm").click()
    page.get_by_label("Kênh").select_option(label="Hội nghị, tiếp xúc cử tri, đối thoại với Nhân dân")
    page.get_by_label("Loại sản phẩm").select_option("meeting")
    page.get_by_label("Nội dung sản phẩm").fill("Đối thoại với cử tri phường Đa Mai")
    day = page.get_by_label("Ngày dự kiến").input_value()
    page.get_by_label("Đã thực hiện:", exact=True).check()
    page.get_by_label("Ngày thực hiện").fill(day)
    page.get_by_label("Số người tham dự").fill("-40")
    page.get_by_role("button", name="Lưu sản phẩm").click()
    expect(page.get_by_test_id("errors")).to_contain_text("Số người tham dự không được âm.")
    # and then correctly
    page.get_by_label("Số người tham dự").fill("140")
    page.get_by_role("button", name="Lưu sản phẩm").click()

    # then it is listed as delivered on the campaign page
    row = page.get_by_test_id("outputs").get_by_role(
        "row", name=re.compile("Đối thoại với cử tri phường Đa Mai")
    )
    expect(row).to_contain_text("Đã thực hiện")
    expect(row).to_contain_text("140")

    # and the month calendar shows it on its day; the month changes without reloading the page
    year, month, _ = day.split("-")
    page.goto(f"{platform_url}/campaigns/calendar/?month={year}-{month}")
    cell = page.locator(f'td[data-day="{day}"]')
    expect(cell).to_contain_text("Đối thoại với cử tri")
    expect(page.get_by_test_id("month-title")).to_have_text(f"Tháng {month}/{year}")
    page.evaluate("window.__same_page = true")
    page.get_by_test_id("prev-month").click()
    expect(page.get_by_test_id("month-title")).not_to_have_text(f"Tháng {month}/{year}")
    expect(page).to_have_url(re.compile(r"month=\d{4}-\d{2}"))
    assert page.evaluate("window.__same_page === true")  # htmx swapped the grid, no full reload


def test_the_orientation_note_reaches_the_ward_which_acknowledges_it(page, platform_url):
    # given the ward officer of a recipient agency
    login(page, platform_url, "canbo.bacgiang")
    page.goto(platform_url + "/campaigns/notes/")
    page.get_by_test_id("note-list").get_by_role("link").first.click()
    expect(page.get_by_test_id("note-status")).to_have_text("Đã gửi")
    # then their acknowledgement from the demo is shown with its time
    expect(page.get_by_test_id("acked")).to_contain_text("Bạn đã xác nhận đọc lúc")
    expect(page.get_by_test_id("readers")).to_contain_text("phường Bắc Giang")
