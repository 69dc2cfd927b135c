"""Performance: counts, Wilson intervals, medians in working days, roll-up of pre-2025 communes."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from docx import Document

from duluan.apps.cases.models import Case, Status
from duluan.apps.cases.performance import performance_for, wilson_interval

from .conftest import moment, unit


def test_wilson_interval_matches_the_textbook_values():
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(0, 5)
    assert low == 0.0 and 0.43 < high < 0.44


def _answered(case, *, accepted: str, published: str, on_time: bool, rating=None):
    Case.objects.filter(pk=case.pk).update(
        status=Status.CLOSED,
        accepted_at=moment(accepted),
        published_at=moment(published),
        answered_on_time=on_time,
        satisfaction=rating,
    )


def test_figures_by_agency_and_by_commune(demo, open_case):
    # given three answered cases of Sở NN&MT (two on time), one open overdue case,
    # and one case located in a pre-2025 Bắc Giang ward
    a = open_case(received_at=moment("2026-03-02"))
    b = open_case(received_at=moment("2026-03-02"))
    c = open_case(received_at=moment("2026-03-02"), unit=unit("07213", "pre2025"))
    open_case(received_at=moment("2026-03-02"))  # never accepted, overdue by now
    _answered(a, accepted="2026-03-04", published="2026-03-10", on_time=True, rating=5)
    _answered(b, accepted="2026-03-03", published="2026-03-13", on_time=True, rating=3)
    _answered(c, accepted="2026-03-09", published="2026-04-30", on_time=False)

    # when the coordinator looks at performance
    perf = performance_for(demo["dieuphoi"], today=moment("2026-05-04").date())

    # then the agency row counts them fairly
    row = next(r for r in perf.agencies if r.key == "bn-so-nn-mt")
    assert (row.total, row.backlog, row.overdue) == (4, 1, 1)
    assert (row.on_time, row.due_or_answered) == (2, 4)  # the overdue open case counts as late
    assert row.few and row.interval == wilson_interval(2, 4)
    assert row.median_accept == 2  # working days 02/03→03/03, →04/03, →09/03 = 1, 2, 5
    assert row.satisfaction == 4 and len(row.ratings) == 2
    # and the pre-2025 ward is counted in phường Bắc Giang (2025)
    communes = {r.code: r for r in perf.communes}
    assert communes["07210"].total == 1 and communes["07210"].name == "Phường Bắc Giang"
    assert communes["09187"].total == 3


def test_officers_see_only_their_agencies_figures(demo, open_case):
    open_case()
    open_case(topic="health", title="Trạm y tế thiếu thuốc")
    keys = {r.key for r in performance_for(demo["canbo.yte"]).agencies}
    assert keys == {"bn-so-y-te"}
    assert {r.key for r in performance_for(demo["phantich"]).agencies} == {"bn-so-y-te", "bn-so-nn-mt"}


@pytest.mark.parametrize("username", ["dieuphoi"])
def test_the_page_says_few_cases_and_the_report_is_a_state_document(demo, open_case, username):
    open_case()
    client = Client()
    client.force_login(demo[username])
    html = client.get("/cases/performance/").content.decode()
    assert "Sở Nông nghiệp và Môi trường" in html and "Wilson" in html
    response = client.get("/cases/performance/report.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "KẾT QUẢ THEO CƠ QUAN" in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Sở Nông nghiệp và Môi trường" in cells
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in "\n".join(cells)
