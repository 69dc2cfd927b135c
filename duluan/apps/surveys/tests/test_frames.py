"""Sampling frames from CSV: clear errors for bad files, nothing half-imported, idempotent."""

from __future__ import annotations

import pytest

from duluan.apps.audit.models import AuditEvent
from duluan.apps.surveys.models import Frame, FrameUnit, FrameVillage
from duluan.apps.surveys.services import FrameImportError, frame_import

pytestmark = pytest.mark.django_db


def csv_of(rows: list[str], header: str = "unit_code,scheme,population,households,stratum") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def errors_of(province, content: bytes, **kw) -> list[str]:
    with pytest.raises(FrameImportError) as err:
        frame_import(name="x", year=2025, province=province, content=content, **kw)
    return err.value.errors


def test_a_frame_with_synthetic_villages_is_imported_once(frame):
    # given the province frame imported by the fixture (no village columns)
    # then every 2025 commune of Bắc Ninh is in it, each with generated villages, and it says so
    assert frame.units.count() == 99
    assert frame.villages_synthetic and frame.is_synthetic
    assert not FrameUnit.objects.filter(frame=frame, villages__isnull=True).exists()
    assert AuditEvent.objects.filter(action="surveys.frame_import").count() == 1
    # when the same file is imported again, nothing changes
    from duluan.apps.surveys.demo import _synthetic_frame_csv

    again, created = frame_import(
        name="y", year=2025, province=frame.province, content=_synthetic_frame_csv()[0]
    )
    assert (again.pk, created) == (frame.pk, False)


def test_village_columns_give_the_villages(province):
    rows = [
        "07210,2025,40000,,phuong,T1,Tổ 1,900",
        "07210,2025,40000,,phuong,T2,Tổ 2,1200",
        "07228,2025,30000,,phuong,T1,Tổ 1,700",
    ]
    header = "unit_code,scheme,population,households,stratum,village_code,village_name,village_adults"
    frame, _ = frame_import(
        name="thôn", year=2025, province=province, content=csv_of(rows, header), allow_missing=True
    )
    assert not frame.villages_synthetic
    assert sorted(FrameVillage.objects.filter(frame_unit__frame=frame).values_list("size", flat=True)) == [
        700,
        900,
        1200,
    ]


def test_a_frame_saved_by_excel_in_vietnamese_reads_as_its_comma_twin(province):
    # given a frame with villages as Excel on a Vietnamese Windows saves "CSV": semicolons, a
    # byte-order mark, a quoted village name holding a semicolon, and a "sep=;" line first
    header = "unit_code;scheme;population;households;stratum;village_code;village_name;village_adults"
    rows = ["07210;2025;40000;;phuong;T1;Tổ 1;900", '07210;2025;40000;;phuong;T2;"Tổ 2; khu Đồi";1200']
    content = "\ufeffsep=;\r\n".encode() + csv_of(rows, header)
    # when it is imported
    frame, _ = frame_import(name="thôn", year=2025, province=province, content=content, allow_missing=True)
    # then its villages are read, the quoted name whole
    names = FrameVillage.objects.filter(frame_unit__frame=frame).values_list("name", "size")
    assert sorted(names) == [("Tổ 1", 900), ("Tổ 2; khu Đồi", 1200)]
    # and a bad row is named by its line of the file, the "sep=;" line counted
    found = errors_of(province, b"sep=;\nunit_code;scheme;population\n07210;2025;5\n07210;2025;6\n")
    assert found[0] == "Dòng 4: đơn vị 07210 đã có ở dòng 3."


def test_unknown_and_foreign_units_are_named_with_their_line(province):
    found = errors_of(
        province, csv_of(["07210,2025,40000,,", "99999,2025,100,,", "00004,2025,100,,"]), allow_missing=True
    )
    assert found[0] == "Dòng 3: không có đơn vị mã 99999 trong hệ thống 2025."
    assert found[1].startswith("Dòng 4: ") and "không phải xã/phường của Tỉnh Bắc Ninh" in found[1]


def test_a_frame_missing_units_is_refused_and_nothing_is_written(province):
    before = Frame.objects.count()
    found = errors_of(province, csv_of(["07210,2025,40000,,"]))
    assert found[0].startswith("Khung mẫu thiếu 98 xã/phường của Tỉnh Bắc Ninh: ")
    assert Frame.objects.count() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"unit_code,population\n07210,5\n", "Tệp khung mẫu thiếu cột: scheme."),
        (
            b"unit_code,scheme,population,dan_toc\n07210,2025,5,Kinh\n",
            "Tệp khung mẫu có cột không xác định: dan_toc.",
        ),
        (
            b"unit_code,scheme,population\n07210,2025,nhieu\n",
            "Dòng 2, cột population: “nhieu” không phải số nguyên dương.",
        ),
        (
            b"unit_code,scheme,population\n07210,2025,0\n",
            "Dòng 2, cột population: “0” không phải số nguyên dương.",
        ),
        (
            b"unit_code,scheme,population\n07210,2025,5\n07210,2025,6\n",
            "Dòng 3: đơn vị 07210 đã có ở dòng 2.",
        ),
        (b"unit_code,scheme,population\n", "Tệp khung mẫu không có dòng dữ liệu nào."),
        (
            "unit_code,scheme,population\n07210,2025,5\n".encode("utf-16"),
            "Tệp khung mẫu phải là CSV mã hóa UTF-8.",
        ),
    ],
)
def test_bad_files_get_a_clear_message(province, content, message):
    assert errors_of(province, content, allow_missing=True)[0].startswith(message)
