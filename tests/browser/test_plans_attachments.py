"""Plan attachments in a real browser: a coordinator attaches the signed plan; a disguised file is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login

pytestmark = pytest.mark.browser

PLAN = "128/KH-UBND"  # the 2025–2026 Bắc Ninh plan of the demo (duluan/apps/plans/demo.py)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_coordinator_attaches_a_pdf_and_a_disguised_file_is_refused(page, platform_url):
    # given the coordinator on the plan page
    login(page, platform_url, "dieuphoi")
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_test_id("plan-list").get_by_role("link", name=PLAN).click()
    form = page.get_by_test_id("attachment-form")
    # when they attach the signed plan as a PDF
    form.get_by_label("Tên tài liệu").fill("Kế hoạch 128 đã ký")
    form.get_by_label("Tệp đính kèm").set_input_files(
        {"name": "ke-hoach-128.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    form.get_by_role("button", name="Đính kèm", exact=True).click()
    # then it is listed and downloads
    expect(page.locator(".messages")).to_contain_text("Đã đính kèm “Kế hoạch 128 đã ký”.")
    link = page.get_by_test_id("attachments").get_by_role("link", name="Kế hoạch 128 đã ký")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Kế hoạch 128 đã ký.pdf"
    # when a script dressed up as a PDF is attached
    form = page.get_by_test_id("attachment-form")
    form.get_by_label("Tệp đính kèm").set_input_files(
        {"name": "phu-luc.pdf", "mimeType": "application/pdf", "buffer": b"<script>alert(1)</script>"}
    )
    form.get_by_role("button", name="Đính kèm", exact=True).click()
    # then the page says which file was refused and why, and the list did not grow
    expect(page.locator(".messages")).to_contain_text(
        "Tệp “phu-luc.pdf” không phải ảnh JPEG/PNG/WebP hay tài liệu PDF"
    )
    expect(page.get_by_test_id("attachments").get_by_role("link")).to_have_count(1)
