"""Attachments of a plan and evidence of a report, uploaded from the plan pages.

Files are checked by content (``duluan.apps.plans.uploads``: photos and PDFs as citizens' uploads,
plus Word and Excel, see test_uploads.py; 5 MB each), stored under a random name, downloaded
through the plans gatekeeper, and audited.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duluan.apps.audit.models import AuditEvent
from duluan.apps.intake.uploads import FILE_TOO_LARGE, MAX_FILE_BYTES
from duluan.apps.plans import services
from duluan.apps.plans.models import PlanAttachment, ReportEvidence
from duluan.apps.plans.uploads import FILE_TYPE_REFUSED

from .conftest import PDF_BYTES, png_bytes

DISGUISED = b"<script>alert('x')</script>"  # a script dressed up as a PDF


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def submitted(demo, small_plan):
    return services.report_submit(
        item=small_plan["a"],
        user=demo["canbo.nnmt"],
        period_end=date(2026, 3, 31),
        percent=Decimal(40),
        narrative="Đã xử lý 12/30 phản ánh.",
    )


def _as(client, user):
    client.force_login(user)
    return client


# -- attachments of a plan ------------------------------------------------------------------------
def test_coordinator_attaches_a_pdf_that_then_downloads_with_its_title(client, demo, small_plan):
    # given the coordinator on the plan page
    plan = small_plan["plan"]
    _as(client, demo["dieuphoi"])
    page = client.get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert 'data-testid="attachment-form"' in page
    # when they attach the signed plan
    response = client.post(
        reverse("plans:attachment_upload", args=[plan.pk]),
        {"title": "Kế hoạch đã ký", "file": SimpleUploadedFile("ke-hoach.pdf", PDF_BYTES)},
        follow=True,
    )
    # then it is listed on the plan page
    html = response.content.decode()
    assert "Đã đính kèm “Kế hoạch đã ký”." in html
    attachment = PlanAttachment.objects.get(plan=plan)
    assert (attachment.content_type, attachment.uploaded_by) == ("application/pdf", demo["dieuphoi"])
    assert "ke-hoach" not in attachment.file.name  # stored under a random name
    # and an officer of an involved agency downloads it, as an attachment named after its title
    _as(client, demo["canbo.nnmt"])
    download = client.get(reverse("plans:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment; filename*=utf-8" in download["Content-Disposition"].lower()
    assert b"".join(download.streaming_content) == PDF_BYTES
    # and the upload is in the audit log
    event = AuditEvent.objects.get(action="plan.attachment_add")
    assert event.actor == demo["dieuphoi"] and event.after["title"] == "Kế hoạch đã ký"


def test_a_disguised_file_is_refused_with_a_clear_message_and_nothing_is_kept(
    client, demo, small_plan, media
):
    plan = small_plan["plan"]
    _as(client, demo["dieuphoi"])
    # when a script named like a PDF is uploaded
    response = client.post(
        reverse("plans:attachment_upload", args=[plan.pk]),
        {"title": "Phụ lục", "file": SimpleUploadedFile("phu-luc.pdf", DISGUISED, "application/pdf")},
        follow=True,
    )
    # then the page says which file and why, and nothing was stored or audited
    assert FILE_TYPE_REFUSED.format(name="phu-luc.pdf") in response.content.decode()
    assert not PlanAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="plan.attachment_add").exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_an_oversized_file_is_refused_before_it_is_read(client, demo, small_plan):
    big = SimpleUploadedFile("lon.pdf", PDF_BYTES + b"0" * MAX_FILE_BYTES)
    _as(client, demo["dieuphoi"])
    response = client.post(
        reverse("plans:attachment_upload", args=[small_plan["plan"].pk]), {"file": big}, follow=True
    )
    assert FILE_TOO_LARGE.format(name="lon.pdf") in response.content.decode()
    assert not PlanAttachment.objects.exists()


def test_only_coordinators_attach(client, demo, small_plan):
    # the involved officer sees the plan but may not attach to it
    _as(client, demo["canbo.nnmt"])
    url = reverse("plans:attachment_upload", args=[small_plan["plan"].pk])
    page = client.get(reverse("plans:plan", args=[small_plan["plan"].pk])).content.decode()
    assert 'data-testid="attachment-form"' not in page
    assert client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.plan_attachment_add(
            plan=small_plan["plan"], title="x", content=PDF_BYTES, filename="a.pdf", actor=demo["canbo.nnmt"]
        )
    assert not PlanAttachment.objects.exists()


def test_another_agencys_officer_gets_404_for_the_plans_files(
    client, demo, small_plan, other_officer, submitted
):
    # given an attachment and a piece of evidence on a plan the health department is not part of
    attachment = services.plan_attachment_add(
        plan=small_plan["plan"], title="Kế hoạch", content=PDF_BYTES, filename="k.pdf", actor=demo["dieuphoi"]
    )
    (evidence,) = services.report_evidence_add(
        report=submitted, files=[("anh.png", png_bytes())], actor=demo["canbo.nnmt"]
    )
    _as(client, other_officer)
    # then downloads and uploads answer "not found", as if none of it existed
    assert client.get(reverse("plans:attachment", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("plans:evidence", args=[evidence.pk])).status_code == 404
    upload = reverse("plans:attachment_upload", args=[small_plan["plan"].pk])
    assert client.post(upload, {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}).status_code == 404
    files = {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}
    assert client.post(reverse("plans:evidence_upload", args=[submitted.pk]), files).status_code == 404
    assert ReportEvidence.objects.count() == 1


# -- evidence of a report -------------------------------------------------------------------------
def test_the_reporting_officer_adds_evidence_to_a_report_waiting_for_approval(
    client, demo, small_plan, submitted
):
    # given the officer on the item page sees an upload form on their pending report
    _as(client, demo["canbo.nnmt"])
    item_url = reverse("plans:item", args=[small_plan["a"].pk])
    assert f'data-testid="evidence-form-{submitted.pk}"' in client.get(item_url).content.decode()
    # when they add a photo and a PDF
    photo, pdf = SimpleUploadedFile("hien-truong.png", png_bytes()), SimpleUploadedFile("bb.pdf", PDF_BYTES)
    response = client.post(
        reverse("plans:evidence_upload", args=[submitted.pk]), {"file": [photo, pdf]}, follow=True
    )
    # then both are listed under the report and the change is audited
    html = response.content.decode()
    assert "Đã bổ sung 2 tệp minh chứng." in html and "hien-truong.png" in html and "bb.pdf" in html
    types = sorted(submitted.evidence.values_list("content_type", flat=True))
    assert types == ["application/pdf", "image/png"]
    event = AuditEvent.objects.get(action="plan_report.evidence_add")
    assert event.after == {"evidence": ["hien-truong.png", "bb.pdf"]}
    # and the coordinator downloads the photo, re-encoded as a PNG
    _as(client, demo["dieuphoi"])
    photo = submitted.evidence.get(title="hien-truong.png")
    download = client.get(reverse("plans:evidence", args=[photo.pk]))
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_evidence_is_refused_once_the_report_is_decided_or_from_another_role(client, demo, submitted):
    # a coordinator cannot add evidence in the agency's name
    with pytest.raises(PermissionDenied):
        services.report_evidence_add(report=submitted, files=[("a.pdf", PDF_BYTES)], actor=demo["dieuphoi"])
    # after approval the officer cannot change what was approved
    services.report_approve(report=submitted, user=demo["dieuphoi"])
    _as(client, demo["canbo.nnmt"])
    files = {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}
    assert client.post(reverse("plans:evidence_upload", args=[submitted.pk]), files).status_code == 403
    assert not submitted.evidence.exists()


def test_a_disguised_evidence_file_refuses_the_whole_submission(demo, small_plan):
    # when a report comes with one good photo and one disguised file
    with pytest.raises(ValidationError) as refused:
        services.report_submit(
            item=small_plan["a"],
            user=demo["canbo.nnmt"],
            period_end=date(2026, 3, 31),
            percent=Decimal(40),
            narrative="x",
            evidence=[("anh.png", png_bytes()), ("bao-cao.pdf", DISGUISED)],
        )
    # then nothing is saved and the message names the file
    assert FILE_TYPE_REFUSED.format(name="bao-cao.pdf") in refused.value.messages
    assert not small_plan["a"].reports.exists()
    assert not ReportEvidence.objects.exists()
