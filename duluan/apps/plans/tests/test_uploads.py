"""Word and Excel files as plan attachments and report evidence, checked by content.

Officials attach plans and reports as .docx/.xlsx; these are accepted for plans only (citizens still
send photos and PDFs). A file counts as Word/Excel when it is a ZIP container whose
[Content_Types].xml declares the document's or workbook's main part and that part is there; macro
files and anything merely named .docx/.xlsx are refused with a message naming the file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import docx
import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.apps.audit.models import AuditEvent
from duluan.apps.intake import uploads as intake_uploads
from duluan.apps.plans import services
from duluan.apps.plans.forms import FILE_TYPES_HELP
from duluan.apps.plans.models import PlanAttachment
from duluan.apps.plans.uploads import (
    DOCX,
    FILE_TYPE_REFUSED,
    MACROS_REFUSED,
    NOT_OFFICE,
    OLD_OFFICE,
    XLSX,
    UploadError,
    clean_plan_file,
)

from .conftest import PDF_BYTES, png_bytes

# a Windows program: what a ".docx" from a phishing e-mail often is
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"This program cannot be run in DOS mode."


def word_file(text: str = "Báo cáo kết quả thực hiện Kế hoạch 7/KH-UBND quý I năm 2026.") -> bytes:
    document = docx.Document()
    document.add_heading("BÁO CÁO", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def openpyxl_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nhiệm vụ", "Tiến độ (%)"])
    sheet.append(["1.1 Xử lý phản ánh ô nhiễm", 40])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsxwriter_workbook(*, vba_project: bytes | None = None) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Chỉ tiêu")
    sheet.write_row(0, 0, ["Chỉ tiêu", "Mục tiêu", "Thực hiện"])
    sheet.write_row(1, 0, ["Phản ánh được xử lý", 30, 12])
    if vba_project is not None:
        # what Excel saves as .xlsm: a macro project beside the sheets
        book.add_vba_project(io.BytesIO(vba_project), is_stream=True)
        book.set_vba_name("ThisWorkbook")
    book.close()
    return out.getvalue()


def repacked(
    data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """The same ZIP package with some entries replaced or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            target.writestr(entry.filename, replace.get(entry.filename, source.read(entry)))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, content in entries.items():
            package.writestr(name, content)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# -- the check ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "content_type", "extension"),
    [
        (word_file, DOCX, ".docx"),
        (openpyxl_workbook, XLSX, ".xlsx"),
        (xlsxwriter_workbook, XLSX, ".xlsx"),
    ],
    ids=["python-docx", "openpyxl", "xlsxwriter"],
)
def test_real_word_and_excel_files_are_accepted_as_they_are(make, content_type, extension):
    # given a file saved by an Office library, under any name
    data = make()
    # when it is checked
    clean = clean_plan_file(data, "tai-lieu")
    # then it is recognised by its content and kept byte for byte
    assert (clean.content_type, clean.extension, clean.content) == (content_type, extension, data)


def test_photos_and_pdfs_are_still_checked_as_citizens_uploads():
    assert clean_plan_file(PDF_BYTES, "bb.pdf").content_type == "application/pdf"
    photo = clean_plan_file(png_bytes(), "anh.png")
    assert photo.content_type == "image/png" and photo.content.startswith(b"\x89PNG")


def test_citizens_may_still_not_send_word_files():
    # the citizens' check is unchanged: a Word file is not a photo or a PDF
    with pytest.raises(intake_uploads.UploadError) as refused:
        intake_uploads.clean_upload(word_file(), "don.docx")
    assert str(refused.value) == intake_uploads.FILE_TYPE_REFUSED.format(name="don.docx")


def test_a_macro_workbook_is_refused():
    # given an .xlsm made by xlsxwriter with a VBA project in it
    data = xlsxwriter_workbook(vba_project=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    # when it is attached, even named .xlsx
    with pytest.raises(UploadError) as refused:
        clean_plan_file(data, "chi-tieu.xlsx")
    # then it is refused for its macros
    assert str(refused.value) == MACROS_REFUSED.format(name="chi-tieu.xlsx")


def test_a_macro_document_is_refused_by_its_declared_type_or_its_vba_part():
    data = word_file()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = package.read("[Content_Types].xml")
    docm_types = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert docm_types != types
    # declared macro-enabled (.docm)
    with pytest.raises(UploadError, match="macro"):
        clean_plan_file(repacked(data, replace={"[Content_Types].xml": docm_types}), "a.docx")
    # a VBA project slipped into an otherwise ordinary .docx
    with pytest.raises(UploadError, match="macro"):
        clean_plan_file(repacked(data, add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "a.docx")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (EXE_BYTES, FILE_TYPE_REFUSED),
        (zip_of({"readme.txt": b"Tai lieu"}), NOT_OFFICE),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, OLD_OFFICE),
        (
            # declares a Word main part the package does not have
            zip_of(
                {
                    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    b'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
                    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
                    "readme.txt": b"x",
                }
            ),
            NOT_OFFICE,
        ),
    ],
    ids=["renamed-exe", "plain-zip", "old-doc", "main-part-missing"],
)
def test_files_named_docx_that_are_not_word_are_refused(data, message):
    with pytest.raises(UploadError) as refused:
        clean_plan_file(data, "bao-cao.docx")
    assert str(refused.value) == message.format(name="bao-cao.docx")


def test_a_damaged_or_hostile_package_is_refused_as_damaged():
    data = word_file()
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&b;</Types>'
    )
    damaged = intake_uploads.FILE_DAMAGED.format(name="a.docx")
    for bad in (data[: len(data) // 2], repacked(data, replace={"[Content_Types].xml": bomb})):
        with pytest.raises(UploadError) as refused:
            clean_plan_file(bad, "a.docx")
        assert str(refused.value) == damaged


def test_an_oversized_office_file_is_refused_by_the_same_limit():
    big = word_file() + b"\x00" * intake_uploads.MAX_FILE_BYTES
    with pytest.raises(UploadError) as refused:
        clean_plan_file(big, "lon.docx")
    assert str(refused.value) == intake_uploads.FILE_TOO_LARGE.format(name="lon.docx")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0", b""]))
def test_arbitrary_bytes_are_refused_with_a_message_never_a_crash(tail, head):
    try:
        clean_plan_file(head + tail, "x.docx")
    except UploadError as refused:
        assert "x.docx" in str(refused)


# -- through the pages ----------------------------------------------------------------------------
def test_coordinator_attaches_a_word_plan_that_downloads_as_word(client, demo, small_plan):
    # given the coordinator on the plan page, which says Word and Excel are accepted
    plan = small_plan["plan"]
    client.force_login(demo["dieuphoi"])
    page = client.get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert str(FILE_TYPES_HELP) in page and ".docx" in page
    # when they attach the plan as a Word file
    data = word_file()
    response = client.post(
        reverse("plans:attachment_upload", args=[plan.pk]),
        {"title": "Kế hoạch (bản Word)", "file": SimpleUploadedFile("ke-hoach.docx", data)},
        follow=True,
    )
    # then it is listed, audited with its type, and downloads unchanged as a .docx
    assert "Đã đính kèm “Kế hoạch (bản Word)”." in response.content.decode()
    attachment = PlanAttachment.objects.get(plan=plan)
    assert attachment.content_type == DOCX and attachment.file.name.endswith(".docx")
    assert AuditEvent.objects.get(action="plan.attachment_add").after["type"] == DOCX
    download = client.get(reverse("plans:attachment", args=[attachment.pk]))
    assert download["Content-Type"] == DOCX
    assert "K%E1%BA%BF%20ho%E1%BA%A1ch%20%28b%E1%BA%A3n%20Word%29.docx" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == data


def test_officer_reports_with_an_excel_sheet_and_adds_a_word_file_as_evidence(client, demo, small_plan):
    # given the lead agency's officer reports with an Excel table of the indicators
    sheet = openpyxl_workbook()
    report = services.report_submit(
        item=small_plan["a"],
        user=demo["canbo.nnmt"],
        period_end=date(2026, 3, 31),
        percent=Decimal(40),
        narrative="Đã xử lý 12/30 phản ánh.",
        evidence=[("so-lieu.xlsx", sheet)],
    )
    # when they add the written report as a Word file from the item page
    client.force_login(demo["canbo.nnmt"])
    response = client.post(
        reverse("plans:evidence_upload", args=[report.pk]),
        {"file": SimpleUploadedFile("bao-cao.docx", word_file())},
        follow=True,
    )
    # then both are kept with their types and listed under the report
    html = response.content.decode()
    assert "Đã bổ sung 1 tệp minh chứng." in html and "so-lieu.xlsx" in html and "bao-cao.docx" in html
    types = set(report.evidence.values_list("title", "content_type"))
    assert types == {("so-lieu.xlsx", XLSX), ("bao-cao.docx", DOCX)}


def test_a_macro_workbook_or_a_renamed_program_is_refused_on_the_page_and_nothing_is_kept(
    client, demo, small_plan, media
):
    client.force_login(demo["dieuphoi"])
    url = reverse("plans:attachment_upload", args=[small_plan["plan"].pk])
    macro = xlsxwriter_workbook(vba_project=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    for name, data, message in (
        ("chi-tieu.xlsm", macro, MACROS_REFUSED),
        ("ke-hoach.docx", EXE_BYTES, FILE_TYPE_REFUSED),
    ):
        # when the coordinator attaches it
        response = client.post(url, {"file": SimpleUploadedFile(name, data)}, follow=True)
        # then the page names the file and says why
        assert message.format(name=name) in response.content.decode()
    # and nothing was stored or audited
    assert not PlanAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="plan.attachment_add").exists()
    assert not any(p.is_file() for p in media.rglob("*"))
