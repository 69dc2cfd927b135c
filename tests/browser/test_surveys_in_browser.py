"""A respondent fills the questionnaire with an invitation code; an analyst reads the commune ranking."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from duluan.apps.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def login(page, platform_url, username):
    page.goto(platform_url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("who")).to_be_visible()


def choose(page, question: str, label: str):
    """Tick an option and wait for the server to re-render the questions (htmx)."""
    with page.expect_response(lambda r: "/surveys/tra-loi/" in r.url and r.request.method == "POST"):
        page.get_by_test_id(f"q-{question}").get_by_text(label, exact=True).click()


def test_a_respondent_answers_with_an_invitation_code_and_skip_logic_hides_a_question(page, platform_url):
    # given an invitation code printed for a sampled respondent (read from the officials' list)
    login(page, platform_url, "dieuphoi")
    page.goto(platform_url + "/surveys/dot/hl-xa-2026/giay-moi/?status=pending")
    code = page.get_by_test_id("invitation-code").first.inner_text()
    page.context.clear_cookies()

    # when the respondent enters it on the public page
    page.goto(platform_url + "/surveys/tra-loi/")
    page.get_by_label("Mã mời").fill(code.lower())
    page.get_by_role("button", name="Bắt đầu").click()
    expect(page).to_have_url(re.compile(rf"/surveys/tra-loi/{code}/$"))
    expect(page.get_by_test_id("q-ma_moi")).to_contain_text(code)

    # then the service questions appear only for someone who used the service
    expect(page.get_by_test_id("q-tc1")).to_have_count(0)
    choose(page, "da_giao_dich", "Có")
    expect(page.get_by_test_id("q-tc1")).to_be_visible()
    choose(page, "da_giao_dich", "Không")
    expect(page.get_by_test_id("q-tc1")).to_have_count(0)

    # when they answer the rest and send the form
    page.get_by_label("Ngày trả lời phiếu").fill("2026-11-20")
    page.get_by_label("Ngày trả lời phiếu").blur()
    for question, label in [
        ("gioi_tinh", "Nữ"),
        ("nhom_tuoi", "30–44 tuổi"),
        ("hoc_van", "Trung học phổ thông"),
        ("biet_cong_khai", "Có"),
        ("biet_kenh_gop_y", "Không"),
        ("cs1", "4 – Hài lòng"),
        ("cs2", "5 – Rất hài lòng"),
        ("cs3", "3 – Bình thường"),
        ("hl_chung", "4 – Hài lòng"),
        ("ky_vong", "Rút ngắn thời gian giải quyết"),
    ]:
        choose(page, question, label)
    page.get_by_role("button", name="Gửi phiếu").click()

    # then they are thanked, and the code cannot be used twice
    expect(page.get_by_test_id("thanks")).to_be_visible()
    page.goto(platform_url + f"/surveys/tra-loi/{code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mã mời đã được dùng")


def test_an_analyst_sees_the_commune_ranking_with_intervals(page, platform_url):
    # given the analyst logged in
    login(page, platform_url, "phantich")
    # when they open the 2026 round's ranking
    page.get_by_role("link", name="Khảo sát").first.click()
    page.get_by_test_id("rounds").get_by_role("link", name=re.compile("năm 2026")).click()
    page.get_by_role("link", name="Xếp hạng xã").click()
    # then every sampled commune is ranked with its interval, on a chart and in a table
    chart = page.get_by_test_id("ranking-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("line.whisker")).to_have_count(30)
    expect(page.get_by_test_id("ranking-row")).to_have_count(30)
    expect(page.get_by_test_id("province-index")).to_have_text(re.compile(r"^\d+(,|\.)\d%$"))
    expect(page.get_by_test_id("synthetic-notice").first).to_contain_text("GIẢ LẬP")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "surveys-ranking.png"), full_page=True)
    # and a commune opens on its items
    first = page.get_by_test_id("ranking-row").first.get_by_role("link")
    name = first.inner_text()
    first.click()
    expect(page.get_by_test_id("commune-name")).to_have_text(name)
    expect(page.get_by_test_id("commune-items").first).to_be_visible()
