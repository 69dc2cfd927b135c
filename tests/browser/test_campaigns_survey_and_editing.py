"""Campaigns in a real browser: the demo campaign's page shows how the comparison group was
matched and the (synthetic) survey's awareness and support; a coordinator corrects an output and
the campaign itself; an officer of another agency does not find the campaign's edit page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login

pytestmark = pytest.mark.browser

CAMPAIGN = "Tuyên truyền việc hợp nhất tỉnh Bắc Giang và tỉnh Bắc Ninh, sắp xếp xã, phường"


def _open_campaign(page, url):
    page.goto(url + "/campaigns/")
    page.get_by_test_id("campaign-list").get_by_role("link", name=CAMPAIGN).click()
    expect(page.get_by_test_id("campaign-title")).to_have_text(CAMPAIGN)


def test_the_demo_campaign_shows_matching_and_survey_figures(page, platform_url):
    # given an analyst on the demo campaign's page
    login(page, platform_url, "phantich")
    _open_campaign(page, platform_url)
    # then the method of the comparison group is stated
    expect(page.get_by_test_id("effect-method")).to_contain_text("Nhóm đối chứng ghép cặp")
    expect(page.get_by_test_id("effect-method")).to_contain_text(re.compile(r"Ghép được \d+/\d+"))
    # and the linked survey round gives awareness and support, saying its data are synthetic
    panel = page.get_by_test_id("survey-panel").first
    expect(panel.get_by_test_id("survey-synthetic")).to_contain_text("GIẢ LẬP")
    table = panel.get_by_test_id("survey-table")
    expect(table).to_contain_text("Biết về nội dung tuyên truyền")
    expect(table).to_contain_text(re.compile(r"\d+%"))
    expect(panel.get_by_test_id("survey-statement").first).to_contain_text("khoảng tin cậy 95 %")


def test_a_coordinator_corrects_an_output_and_the_campaign(page, platform_url):
    login(page, platform_url, "dieuphoi")
    _open_campaign(page, platform_url)
    # when they correct the first output with a negative reach, the refusal is explained
    page.get_by_test_id("outputs").get_by_role("link", name="Sửa").first.click()
    page.get_by_label("Lượt tiếp cận").fill("-5")
    page.get_by_role("button", name="Lưu sản phẩm").click()
    expect(page.get_by_test_id("errors")).to_contain_text("Lượt tiếp cận không được âm.")
    # and corrected, the new figure is on the campaign page
    page.get_by_label("Nội dung sản phẩm").fill("Loạt bài đã sửa về hợp nhất tỉnh")
    page.get_by_label("Lượt tiếp cận").fill("50500")
    page.get_by_role("button", name="Lưu sản phẩm").click()
    row = page.get_by_test_id("outputs").get_by_role("row", name=re.compile("Loạt bài đã sửa"))
    expect(row).to_contain_text("50500")
    # when they edit the campaign's objectives
    page.get_by_test_id("campaign-edit").click()
    page.get_by_label("Mục tiêu").fill("Người dân hiểu chủ trương hợp nhất tỉnh.")
    page.get_by_role("button", name="Lưu chiến dịch").click()
    expect(page.get_by_test_id("campaign-title")).to_have_text(CAMPAIGN)
    expect(page.locator("dl.facts")).to_contain_text("Người dân hiểu chủ trương hợp nhất tỉnh.")


def test_an_officer_of_another_agency_does_not_find_the_edit_page(page, platform_url):
    login(page, platform_url, "dieuphoi")
    _open_campaign(page, platform_url)
    edit_url = page.url.rstrip("/") + "/edit/"
    page.context.clear_cookies()  # log in again as someone else
    login(page, platform_url, "canbo.nnmt")
    response = page.goto(edit_url)
    assert response is not None and response.status == 404
