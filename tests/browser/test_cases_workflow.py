"""An officer accepts a citizen's case and drafts the answer, the head approves and publishes it,
and the citizen follows it by tracking code, sees the answer and rates it — clicking as people do."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from duluan.apps.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def login(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("who")).to_be_visible()


def act(page, action: str, button: str) -> None:
    page.get_by_test_id(f"action-{action}").get_by_role("button", name=button, exact=True).click()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"cases-{name}.png"), full_page=True)


def test_officer_head_and_citizen_take_a_case_to_a_rated_answer(browser, platform_url):
    officer = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh").new_page()

    # given the environment officer, who finds a new case of the department in the list
    login(officer, platform_url, "canbo.nnmt")
    officer.get_by_role("link", name="Hồ sơ xử lý").click()
    officer.get_by_label("Trạng thái").select_option(label="Mới tiếp nhận")
    officer.get_by_role("button", name="Lọc").click()
    row = officer.get_by_test_id("case-row").filter(has_text="Sở Nông nghiệp và Môi trường").first
    row.get_by_role("link").click()
    code = officer.get_by_test_id("case-code").inner_text()
    case_url = officer.url
    expect(officer.get_by_test_id("case-status")).to_have_text("Mới tiếp nhận")
    expect(officer.get_by_test_id("identity")).to_be_visible()  # the handling officer sees who wrote

    # when the officer accepts it, takes it on, works on it and drafts the answer
    act(officer, "accept", "Thụ lý")
    expect(officer.get_by_test_id("case-status")).to_have_text("Đã thụ lý")
    officer.get_by_test_id("action-assign").get_by_label("Cán bộ xử lý").select_option(
        label="Phạm Thị Cán Bộ"
    )
    act(officer, "assign", "Phân công")
    act(officer, "start", "Bắt đầu xử lý")
    draft = officer.get_by_test_id("action-draft")
    draft.get_by_label("Nội dung trả lời").fill(
        f"Trả lời hồ sơ {code}: Sở Nông nghiệp và Môi trường đã kiểm tra thực tế, lập biên bản, "
        "yêu cầu cơ sở "
        "dừng xả thải và khắc phục trong 15 ngày; cán bộ sẽ kiểm tra lại và thông báo kết quả cho người dân."
    )
    draft.get_by_label("Lý do không kèm ảnh/văn bản (nếu không đính kèm)").fill(
        "Biên bản kiểm tra có thông tin cá nhân nên lưu tại cơ quan."
    )
    act(officer, "draft", "Dự thảo trả lời")
    expect(officer.get_by_test_id("case-status")).to_have_text("Đã dự thảo trả lời")
    # the officer cannot approve their own draft: the button is not offered
    expect(officer.get_by_test_id("action-approve")).to_have_count(0)
    shot(officer, "officer-drafted")

    # and the head of the department approves and publishes it
    head = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh").new_page()
    login(head, platform_url, "lanhdao.nnmt")
    head.goto(case_url)
    act(head, "approve", "Duyệt trả lời")
    expect(head.get_by_test_id("case-status")).to_have_text("Lãnh đạo đã duyệt")
    act(head, "publish", "Công khai trả lời")
    expect(head.get_by_test_id("case-status")).to_have_text("Đã công khai trả lời")
    expect(head.get_by_test_id("timeline")).to_contain_text("case.publish")
    shot(head, "head-published")

    # then the citizen, with only the tracking code, sees the answer and no personal data
    citizen = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh").new_page()
    citizen.goto(platform_url + "/cases/track/")
    citizen.get_by_label("Mã tra cứu").fill(code.lower())
    citizen.get_by_role("button", name="Tra cứu").click()
    expect(citizen.get_by_test_id("track-code")).to_have_text(code)
    expect(citizen.get_by_test_id("track-status")).to_have_text("Đã công khai trả lời")
    expect(citizen.get_by_test_id("public-updates")).to_contain_text("dừng xả thải")
    expect(citizen.locator("body")).not_to_contain_text("Phạm Thị Cán Bộ")  # no official's or citizen's names

    # and confirms it is resolved, rating it 5
    form = citizen.get_by_test_id("feedback-form")
    form.get_by_role("radio", name="Đã được giải quyết").check()
    form.get_by_role("radio", name="5", exact=True).check()
    form.get_by_role("button", name="Gửi đánh giá").click()
    expect(citizen.get_by_test_id("rated")).to_contain_text("5/5")
    expect(citizen.get_by_test_id("track-status")).to_have_text("Đã kết thúc")
    shot(citizen, "citizen-rated")

    # and the performance page shows figures for the department
    head.goto(platform_url + "/cases/performance/")
    expect(head.get_by_test_id("by-agency")).to_contain_text("Sở Nông nghiệp và Môi trường")
    shot(head, "performance")

    # and the coordinator's list puts overdue cases first, highlighted
    coordinator = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh").new_page()
    login(coordinator, platform_url, "dieuphoi")
    coordinator.goto(platform_url + "/cases/")
    first = coordinator.get_by_test_id("case-row").first
    expect(first).to_have_class("overdue")
    expect(first).to_contain_text("Quá hạn")
    shot(coordinator, "list")
    for page in (officer, head, citizen, coordinator):
        page.context.close()
