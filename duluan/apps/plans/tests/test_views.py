"""Pages, downloads and the JSON API, through the test client."""

import io
from datetime import date
from decimal import Decimal

from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from duluan.apps.plans import services, spreadsheets
from duluan.apps.plans.models import ProgressReport, ReportStatus

from .conftest import png_bytes


def _login(client, user):
    client.force_login(user)
    return client


def test_plan_pages_show_tree_progress_and_status(client, demo, small_plan):
    # given an approved report on 1.2
    r = services.report_submit(
        item=small_plan["b"],
        user=demo["canbo.nnmt"],
        period_end=date(2026, 6, 30),
        percent=Decimal(60),
        narrative="x",
    )
    services.report_approve(report=r, user=demo["dieuphoi"])
    _login(client, demo["canbo.nnmt"])
    # when
    index = client.get(reverse("plans:index"))
    page = client.get(reverse("plans:plan", args=[small_plan["plan"].pk]))
    # then
    assert index.status_code == 200 and "7/KH-UBND" in index.content.decode()
    html = page.content.decode()
    assert page.status_code == 200
    row_12 = html[html.index('data-testid="item-1.2"') :]
    assert '<span class="pct" data-testid="progress">60,0%</span>' in row_12[: row_12.index("</tr>")]
    assert 'data-testid="plan-progress">22,5%' in html
    # and the bars read the same numbers, written as HTML reads a number (a comma there
    # made every bar look empty in Vietnamese)
    assert 'max="100" value="60.0"' in row_12[: row_12.index("</tr>")]
    assert 'value="22.5" aria-label="Tiến độ">22,5%</progress>' in html


def test_uninvolved_officer_and_citizen_get_404(client, demo, small_plan, other_officer):
    url = reverse("plans:plan", args=[small_plan["plan"].pk])
    assert client.get(url).status_code == 302  # to the login page
    _login(client, other_officer)
    assert client.get(url).status_code == 404
    assert client.get(reverse("plans:item", args=[small_plan["a"].pk])).status_code == 404
    assert "7/KH-UBND" not in client.get(reverse("plans:index")).content.decode()


def test_officer_submits_report_through_the_form(client, demo, small_plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    _login(client, demo["canbo.nnmt"])
    url = reverse("plans:report_submit", args=[small_plan["a"].pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "period_end": "30/06/2026",
            "percent": "35",
            "narrative": "Đã xử lý 35 phản ánh.",
            "evidence": [SimpleUploadedFile("anh.png", png_bytes())],
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(item=small_plan["a"])
    assert (report.percent, report.status, report.evidence.count()) == (35, ReportStatus.SUBMITTED, 1)
    # the evidence downloads through the gatekeeper
    evidence = report.evidence.get()
    assert client.get(reverse("plans:evidence", args=[evidence.pk])).status_code == 200
    # an out-of-range percent is refused by the form
    bad = client.post(url, {"period_end": "30/06/2026", "percent": "150", "narrative": "x"})
    assert bad.status_code == 200 and ProgressReport.objects.filter(item=small_plan["a"]).count() == 1


def test_non_reporter_cannot_open_the_form(client, demo, small_plan):
    _login(client, demo["dieuphoi"])
    assert client.get(reverse("plans:report_submit", args=[small_plan["a"].pk])).status_code == 403


def test_coordinator_approves_and_returns_through_pages(client, demo, small_plan):
    # given two submitted reports
    one, two = (
        services.report_submit(
            item=small_plan[k],
            user=demo["canbo.nnmt"],
            period_end=date(2026, 6, 30),
            percent=Decimal(50),
            narrative="x",
        )
        for k in ("a", "b")
    )
    _login(client, demo["dieuphoi"])
    assert "1.1" in client.get(reverse("plans:approvals")).content.decode()
    # when
    client.post(reverse("plans:report_approve", args=[one.pk]))
    client.post(reverse("plans:report_return", args=[two.pk]), {"reason": "Thiếu minh chứng"})
    # then
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status, two.return_reason) == ("approved", "returned", "Thiếu minh chứng")
    item_page = client.get(reverse("plans:item", args=[small_plan["a"].pk])).content.decode()
    assert "plan_report.approve" in item_page and "plan_item.create" in item_page


def test_officer_cannot_approve_or_see_approvals(client, demo, small_plan):
    report = services.report_submit(
        item=small_plan["a"],
        user=demo["canbo.nnmt"],
        period_end=date(2026, 6, 30),
        percent=Decimal(50),
        narrative="x",
    )
    _login(client, demo["canbo.nnmt"])
    assert client.get(reverse("plans:approvals")).status_code == 403
    client.post(reverse("plans:report_approve", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_docx_report_in_state_format(client, demo, small_plan):
    services.review_upsert(
        plan=small_plan["plan"], title="Sơ kết 6 tháng", reviewed_on=date(2026, 6, 30), findings="Tốt."
    )
    _login(client, demo["phantich"])
    response = client.get(reverse("plans:docx", args=[small_plan["plan"].pk]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    masthead = doc.tables[0].rows[0].cells
    assert "ỦY BAN NHÂN DÂN TỈNH BẮC NINH" in masthead[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in masthead[1].text
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert any("Kế hoạch số 7/KH-UBND" in t for t in texts)
    assert "Sơ kết 6 tháng" in texts
    items = doc.tables[1]
    assert [c.text for c in items.rows[0].cells] == [
        "Mã",
        "Nhiệm vụ",
        "Chủ trì",
        "Thời hạn",
        "Tiến độ (%)",
        "Đánh giá",
    ]
    assert [row.cells[0].text for row in items.rows[1:]] == ["1", "1.1", "1.2", "2"]
    assert len(doc.inline_shapes) == 1  # the chart


def test_xlsx_export_and_import_pages(client, demo, small_plan):
    _login(client, demo["dieuphoi"])
    export = client.get(reverse("plans:export", args=[small_plan["plan"].pk]))
    assert export.status_code == 200
    assert load_workbook(io.BytesIO(export.content)).sheetnames == [
        spreadsheets.ITEMS_SHEET,
        spreadsheets.INDICATORS_SHEET,
    ]
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("plans:import", args=[small_plan["plan"].pk])
    ok = client.post(url, {"file": SimpleUploadedFile("x.xlsx", export.content)})
    assert ok.status_code == 302
    bad = client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"garbage")})
    assert bad.status_code == 400 and spreadsheets.ERROR_NOT_XLSX in bad.content.decode()


def test_import_page_is_for_coordinators(client, demo, small_plan):
    _login(client, demo["canbo.nnmt"])
    assert client.get(reverse("plans:import", args=[small_plan["plan"].pk])).status_code == 403


def test_api_lists_and_details_plans(client, demo, small_plan, other_officer):
    _login(client, demo["canbo.nnmt"])
    listed = client.get("/api/plans/").json()
    assert [p["number"] for p in listed] == ["7/KH-UBND"]
    detail = client.get(f"/api/plans/{small_plan['plan'].pk}").json()
    assert [i["code"] for i in detail["items"]] == ["1", "1.1", "1.2", "2"]
    assert detail["items"][1]["parent_code"] == "1"
    _login(client, other_officer)
    assert client.get(f"/api/plans/{small_plan['plan'].pk}").status_code == 404


def test_item_page_shows_reports_recorded_by_the_system(client, demo, small_plan, agency):
    # given a past report recorded without a user (XLSX import or demo)
    services.report_record_approved(
        item=small_plan["a"],
        agency=agency("bn-so-nn-mt"),
        period_end=date(2026, 3, 31),
        percent=Decimal(20),
        narrative="x",
    )
    _login(client, demo["dieuphoi"])
    # when
    page = client.get(reverse("plans:item", args=[small_plan["a"].pk]))
    # then
    assert page.status_code == 200
    assert "hệ thống" in page.content.decode()


def test_plan_page_queries_do_not_grow_with_items(
    client, demo, small_plan, agency, django_assert_max_num_queries
):
    # given many more items with partners and indicators
    plan = small_plan["plan"]
    for n in range(20):
        item = services.item_create(
            plan=plan,
            code=f"9.{n}",
            content="x",
            lead_agency=agency("bn-ubnd"),
            partner_agencies=[agency("bn-btg-dv")],
        )
        services.indicator_upsert(item=item, name="Chỉ tiêu", target=Decimal(1))
    _login(client, demo["dieuphoi"])
    # then the plan page and the DOCX stay within a fixed number of queries
    with django_assert_max_num_queries(20):
        assert client.get(reverse("plans:plan", args=[plan.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("plans:docx", args=[plan.pk])).status_code == 200
