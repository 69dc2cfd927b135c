"""JSON API and pages of administrative units."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_search_api_finds_units_without_accents(client):
    # when searching "bac giang" in the pre-2025 scheme
    response = client.get("/api/geo/units", {"q": "bac giang", "scheme": "pre2025"})
    # then the province is there, with the documented fields
    assert response.status_code == 200
    body = response.json()
    province = next(u for u in body["results"] if u["level"] == "province")
    assert province == {
        "code": "24",
        "name": "Tỉnh Bắc Giang",
        "level": "province",
        "scheme": "pre2025",
        "short_name": "Bắc Giang",
        "unit_type": "Tỉnh",
        "valid_from": None,
        "valid_to": "2025-06-30",
        "parent": None,
        "lat": province["lat"],
        "lon": province["lon"],
    }
    assert all(u["scheme"] == "pre2025" for u in body["results"])


def test_unit_api_shows_successors_and_predecessors(client):
    old = client.get("/api/geo/units/24", {"scheme": "pre2025"}).json()
    assert [(s["scheme"], s["code"], s["name"]) for s in old["successors"]] == [
        ("2025", "24", "Tỉnh Bắc Ninh")
    ]
    new = client.get("/api/geo/units/24", {"scheme": "2025"}).json()
    assert {p["name"] for p in new["predecessors"]} == {"Tỉnh Bắc Giang", "Tỉnh Bắc Ninh"}
    assert new["children_count"] > 90
    # a 2025 commune has its parent and its pre-2025 predecessors
    ward = client.get("/api/geo/units/07210", {"scheme": "2025"}).json()
    assert ward["parent"]["name"] == "Tỉnh Bắc Ninh"
    assert ward["predecessors"] and all(p["scheme"] == "pre2025" for p in ward["predecessors"])


def test_unknown_unit_is_a_clear_404(client):
    response = client.get("/api/geo/units/99999", {"scheme": "2025"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy đơn vị hành chính có mã 99999 (hệ thống 2025)."}
    assert client.get("/geo/2025/99999/").status_code == 404


@pytest.mark.parametrize(
    "params", [{"scheme": "1990"}, {"limit": "abc"}, {"limit": "0"}, {"level": "hamlet"}, {"q": "x" * 300}]
)
def test_malformed_parameters_are_a_400(client, params):
    response = client.get("/api/geo/units", params)
    assert response.status_code == 400
    assert response.json()["detail"] == "Tham số không hợp lệ."


def test_unit_page_shows_parents_children_and_successors(client):
    # given the pre-2025 city of Bắc Giang
    response = client.get("/geo/pre2025/213/")
    html = response.content.decode()
    assert response.status_code == 200
    # then it names its province, its wards, and the 2025 wards they became
    assert "Tỉnh Bắc Giang" in html
    assert "Phường Trần Phú" in html or "Phường" in html
    assert "Tỉnh Bắc Ninh" in html


def test_search_page_renders_results_and_htmx_fragment(client):
    page = client.get("/geo/", {"q": "bac giang"})
    assert "Tỉnh Bắc Giang" in page.content.decode()
    fragment = client.get("/geo/", {"q": "bac giang"}, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith("<table")
