import io
import random
import zipfile

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from duluan.apps.core import xlsx_stream
from duluan.apps.intake.models import Reporter, Signal
from duluan.apps.issues import selectors

ROWS = 1500


@pytest.fixture
def many(demo, make_issue):
    """One issue with ROWS signals of incompressible text, one of them with a reporter."""
    issue = make_issue("ngap ung keo dai", unit=("2025", "09187"), per_day=ROWS, topic="environment")
    rng = random.Random(4)
    signals = list(Signal.objects.filter(issue=issue).order_by("pk"))
    for s in signals:
        s.text_masked = "".join(rng.choice("abcdefghiklmnopqrstuvxyđăâêôơư ") for _ in range(300))
    Signal.objects.bulk_update(signals, ["text_masked"])
    Reporter.objects.create(signal=signals[0], name="Nguyễn Văn Bảo", phone="0912345678", email="b@x.vn")
    return {"issue": issue, "signals": signals, **demo}


@pytest.fixture
def counted(monkeypatch):
    """Count the rows the export has read from the database so far."""
    state = {"fetched": 0}
    real = selectors.export_rows

    def export_rows(**kwargs):
        for row in real(**kwargs):
            state["fetched"] += 1
            yield row

    monkeypatch.setattr(selectors, "export_rows", export_rows)
    return state


@pytest.mark.django_db
def test_xlsx_export_streams_while_rows_are_still_being_read(client, many, counted):
    client.force_login(many["phantich"])
    # when an analyst exports the issue's signals as XLSX
    response = client.get("/issues/export.xlsx", {"issue": many["issue"].pk})
    # then the response is a stream, and nothing was read before it started
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == xlsx_stream.CONTENT_TYPE
    assert counted["fetched"] == 0
    chunks, fetched_at_chunk = [], []
    for chunk in response.streaming_content:
        chunks.append(chunk)
        fetched_at_chunk.append(counted["fetched"])
    # the first bytes left before any row was read, and sheet data kept leaving while rows
    # were still unread (not one file written first and sent afterwards)
    assert fetched_at_chunk[0] == 0 and chunks[0][:2] == b"PK"
    sent_early = sum(len(c) for c, n in zip(chunks, fetched_at_chunk, strict=True) if n < ROWS)
    assert sum(1 for n in fetched_at_chunk if 0 < n < ROWS) >= 2
    assert sent_early > xlsx_stream.FLUSH_BYTES
    assert counted["fetched"] == ROWS
    # and the file opens in openpyxl with the header and every row, in order, without personal data
    book = load_workbook(io.BytesIO(b"".join(chunks)), read_only=True)
    sheet = book["Tín hiệu"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [label for _, label in selectors.EXPORT_COLUMNS]
    assert len(rows) == 1 + ROWS
    assert [r[0] for r in rows[1:]] == [s.pk for s in many["signals"]]
    assert rows[1][4] == many["signals"][0].text_masked
    assert rows[1][11] == many["issue"].pk and rows[1][12] == "ngap ung keo dai"
    flat = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "Nguyễn Văn Bảo" not in flat and "0912345678" not in flat and "b@x.vn" not in flat


@pytest.mark.django_db
def test_csv_and_xlsx_share_the_filters_and_the_errors(client, many):
    client.force_login(many["phantich"])
    for url in ("/issues/export.csv", "/issues/export.xlsx"):
        # a bad filter is refused before anything streams, an unknown issue is not found
        bad = client.get(url, {"date_from": "31/02/2026"})
        assert bad.status_code == 400 and not bad.streaming
        assert client.get(url, {"issue": 999999}).status_code == 404
    # an officer of another commune cannot export this issue's signals
    client.force_login(many["canbo.bacgiang"])
    assert client.get("/issues/export.xlsx", {"issue": many["issue"].pk}).status_code == 404


def test_sheet_text_is_valid_xml_and_numbers_stay_numbers():
    # given values XML cannot hold as they are, and numbers
    rows = [["a<b & \x01c\x0b", 3, 2.5, None, float("nan")]]
    data = b"".join(xlsx_stream.xlsx_stream(sheet="Thử", header=["x", "y", "z", "w", "v"], rows=rows))
    # when the workbook is read back
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    sheet = load_workbook(io.BytesIO(data))["Thử"]
    # then the text is kept without the control characters, and numbers are numbers
    assert [c.value for c in sheet[2]] == ["a<b & c", 3, 2.5, None, None]
    assert sheet["A1"].font.b


def test_rows_beyond_a_sheets_limit_go_on_to_the_next_sheet(monkeypatch):
    # given sheets of at most four rows, and of at most a few rows' worth of XML
    data = b"".join(
        xlsx_stream.xlsx_stream(sheet="Tín hiệu", header=["n"], rows=([i] for i in range(10)), max_rows=4)
    )
    # then every row is there, the header repeated on each sheet
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Tín hiệu", "Tín hiệu 2", "Tín hiệu 3"]
    values = [[r[0] for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames]
    assert values == [["n", 0, 1, 2, 3], ["n", 4, 5, 6, 7], ["n", 8, 9]]
    monkeypatch.setattr(xlsx_stream, "PART_BYTES", 100)
    data = b"".join(xlsx_stream.xlsx_stream(sheet="S", header=["n"], rows=([i] for i in range(3))))
    book = load_workbook(io.BytesIO(data))
    assert sum(book[name].max_row - 1 for name in book.sheetnames) == 3 and len(book.sheetnames) > 1
    # and no member of the file uses ZIP64 sizes
    assert all(i.extract_version < 45 for i in zipfile.ZipFile(io.BytesIO(data)).infolist())


def test_an_empty_export_is_a_sheet_with_its_header():
    data = b"".join(xlsx_stream.xlsx_stream(sheet="S", header=["a", "b"], rows=[]))
    assert [list(r) for r in load_workbook(io.BytesIO(data))["S"].iter_rows(values_only=True)] == [["a", "b"]]
