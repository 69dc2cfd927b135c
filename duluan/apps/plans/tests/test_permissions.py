"""Who sees which plan: not-found and forbidden look the same."""

import pytest
from django.http import Http404

from duluan.apps.accounts.models import Role, User
from duluan.apps.plans import permissions


def test_involved_officer_sees_plan_uninvolved_does_not(demo, small_plan, other_officer):
    plan = small_plan["plan"]
    assert permissions.plan_get_for_user(demo["canbo.nnmt"], pk=plan.pk) == plan
    with pytest.raises(Http404):
        permissions.plan_get_for_user(other_officer, pk=plan.pk)
    with pytest.raises(Http404):
        permissions.item_get_for_user(other_officer, pk=small_plan["a"].pk)
    assert not permissions.plan_queryset_for_user(other_officer).exists()


def test_cross_agency_roles_see_all_and_head_sees_through_tree(demo, small_plan, agency):
    plan = small_plan["plan"]
    for username in ("dieuphoi", "phantich", "quantri"):
        assert permissions.plan_queryset_for_user(demo[username]).filter(pk=plan.pk).exists()
    # the head of the People's Committee sees plans of departments under it
    head = User.objects.create_user(
        username="ld.ubnd", password="x", role=Role.HEAD, agency=agency("bn-ubnd")
    )
    assert permissions.plan_queryset_for_user(head).filter(pk=plan.pk).exists()


def test_signing_agency_officer_sees_plan_and_plan_listed_once(demo, small_plan, agency):
    officer = User.objects.create_user(
        username="cb.btg", password="x", role=Role.OFFICER, agency=agency("bn-btg-dv")
    )
    assert list(permissions.plan_queryset_for_user(officer)) == [small_plan["plan"]]


def test_anonymous_sees_nothing(small_plan):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.plan_queryset_for_user(AnonymousUser()).exists()


def test_can_report_only_on_leaves_of_own_agency(demo, small_plan):
    officer = demo["canbo.nnmt"]
    assert permissions.can_report_on(officer, small_plan["a"])
    assert not permissions.can_report_on(officer, small_plan["parent"])
    assert not permissions.can_report_on(officer, small_plan["c"])
    assert not permissions.can_report_on(demo["dieuphoi"], small_plan["a"])
