"""Who may see which agency's objects: the one gatekeeper everything else uses."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from duluan.apps.accounts.models import Agency, Role
from duluan.apps.accounts.permissions import (
    agency_get_for_user,
    can_use_admin,
    can_write,
    role_of,
    visible_agency_ids,
)

pytestmark = pytest.mark.django_db


def test_an_officer_sees_only_their_own_agency(demo):
    officer = demo["canbo.bacgiang"]
    assert visible_agency_ids(officer) == {officer.agency_id}
    other = Agency.objects.get(code="bn-so-y-te")
    # a different agency answers exactly like a missing one
    with pytest.raises(Http404) as refused:
        agency_get_for_user(officer, pk=other.pk)
    with pytest.raises(Http404) as missing:
        agency_get_for_user(officer, pk=10**9)
    assert str(refused.value) == str(missing.value)
    assert agency_get_for_user(officer, pk=officer.agency_id) == officer.agency


def test_a_head_sees_their_agency_and_those_under_it(demo):
    # given the head of the provincial People's Committee
    head = demo["lanhdao.nnmt"]
    ubnd = Agency.objects.get(code="bn-ubnd")
    head.agency = ubnd
    ids = visible_agency_ids(head)
    # then every commune committee under it is visible, other trees are not
    assert Agency.objects.get(code="bn-xa-07210").pk in ids
    assert Agency.objects.get(code="bn-btg-dv").pk not in ids


def test_cross_agency_roles_see_everything_and_analysts_only_read(demo):
    for name in ("dieuphoi", "phantich", "quantri"):
        assert visible_agency_ids(demo[name]) is None
    assert can_write(demo["dieuphoi"]) and not can_write(demo["phantich"])


def test_citizens_see_no_agency_objects_and_only_administrators_enter_admin(demo):
    assert role_of(AnonymousUser()) == Role.CITIZEN
    assert visible_agency_ids(AnonymousUser()) == set()
    assert [n for n, u in demo.items() if can_use_admin(u)] == ["quantri"]


@pytest.mark.parametrize(
    ("username", "status"),
    [("quantri", 200), ("dieuphoi", 302), ("phantich", 302), ("canbo.bacgiang", 302), (None, 302)],
)
def test_the_django_admin_is_for_administrators_only(client, demo, username, status):
    if username:
        client.force_login(demo[username])
    assert client.get("/admin/").status_code == status


def test_agency_list_is_filtered_by_the_gatekeeper(client, demo):
    client.force_login(demo["canbo.bacgiang"])
    html = client.get("/accounts/agencies/").content.decode()
    assert "UBND phường Bắc Giang" in html
    assert "Sở Y tế" not in html
    client.force_login(demo["dieuphoi"])
    assert "Sở Y tế" in client.get("/accounts/agencies/").content.decode()


def test_an_administrator_can_open_every_admin_change_list(client, demo):
    from duluan.apps.accounts.admin_site import admin_site

    client.force_login(demo["quantri"])
    for model in admin_site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
