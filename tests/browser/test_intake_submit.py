"""A citizen reports a problem with a photo, gets a tracking code and follows it."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def photo(tmp_path):
    path = tmp_path / "o-ga.jpg"
    image = Image.new("RGB", (64, 48), (90, 90, 90))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (21.0, 11.0, 0.0), 3: "E", 4: (106.0, 3.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return path


def test_citizen_submits_with_a_photo_and_opens_the_tracking_page(page, platform_url, tmp_path):
    # given the public form, without logging in
    page.goto(platform_url + "/")
    page.get_by_role("link", name="Gửi phản ánh").click()
    expect(page.get_by_role("heading", name="Gửi phản ánh, kiến nghị")).to_be_visible()

    # when the citizen describes the problem, finds the ward without accents, attaches a photo
    page.get_by_label("Nội dung phản ánh").fill(
        "Ổ gà lớn trên đường Lý Thái Tổ, xe máy ngã liên tục, đề nghị sửa gấp trước mùa mưa."
    )
    page.get_by_label("Tìm xã/phường").fill("vu ninh")
    expect(page.locator("#id_unit option", has_text="Phường Vũ Ninh")).to_have_count(1)
    page.locator("#id_unit").select_option(label="Phường Vũ Ninh")
    page.get_by_label("Ảnh hoặc tệp PDF").set_input_files(str(photo(tmp_path)))
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số điện thoại").fill("0987000111")
    page.get_by_label("Tôi đồng ý").check()
    page.get_by_role("button", name="Gửi phản ánh").click()

    # then they get a tracking code and the page of their submission, without their contact details
    expect(page).to_have_url(re.compile(r"/intake/track/DL-[A-Z0-9]{4}-[A-Z0-9]{4}/$"))
    code = page.get_by_test_id("tracking-code").inner_text()
    expect(page.get_by_test_id("tracking")).to_contain_text("Phường Vũ Ninh")
    expect(page.get_by_test_id("tracking")).not_to_contain_text("0987000111")
    expect(page.get_by_test_id("tracking")).not_to_contain_text("Nguyễn Thị Hoa")

    # and they can come back to it later by typing the code
    page.goto(platform_url + "/intake/track/")
    page.get_by_label("Mã theo dõi").fill(code.lower())
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_test_id("tracking-code")).to_have_text(code)
    expect(page.get_by_test_id("status")).to_contain_text("tiếp nhận")
