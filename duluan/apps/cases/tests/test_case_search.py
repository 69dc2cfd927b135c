"""Searching the case list by title: it matches what the official searching reads of the title.

A case's title may name its complainant (cases were opened with the name in their title); the
list shows the title masked, and a search by an official who does not read it as written (an
analyst, a coordinator, a partner agency; anyone for a denunciation) must not find the case through
the name either.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client

from duluan.apps.accounts.services import user_upsert
from duluan.apps.cases.models import Case
from duluan.apps.cases.permissions import can_read_case_text, case_list_for_user
from duluan.apps.cases.selectors import case_list

NAME = "Trịnh Quốc Khánh"
TITLE = f"Ông {NAME} phản ánh khói bụi lò đốt rác"
COMPLAINANT = {"name": NAME, "phone": "0912345678", "email": "", "address": "Số 12 Lê Lợi"}
BY_NAME = (NAME, "trinh quoc khanh", "QUỐC KHÁNH", "Khánh")
# who reads the title masked: a partner agency, an analyst, a coordinator, an administrator
MASKED_FOR = ("canbo.yte", "phantich", "dieuphoi", "quantri")


def found(user, q: str, case: Case) -> bool:
    return case_list(user, q=q).filter(pk=case.pk).exists()


@pytest.fixture
def named_case(demo, open_case):
    """A complaint whose title names its complainant, Sở Y tế a partner."""
    case = open_case(title=TITLE, complainant=COMPLAINANT)
    case.partner_agencies.add(demo["canbo.yte"].agency)
    return case


def test_those_who_read_the_title_masked_do_not_find_a_case_by_its_complainant_s_name(demo, named_case):
    for username in MASKED_FOR:
        user = demo[username]
        # when they search the name, with or without accents, whole or in part
        # then the case is not found (before: the title was matched as written, for everyone)
        assert not any(found(user, q, named_case) for q in BY_NAME), username
        # while what the title says and the case's code still find it
        assert found(user, "lò đốt rác", named_case) and found(user, "lo dot", named_case), username
        assert found(user, named_case.code, named_case), username
    # and the list page answers the same
    client = Client()
    client.force_login(demo["phantich"])
    assert named_case.code not in client.get("/cases/", {"q": NAME}).content.decode()
    assert named_case.code in client.get("/cases/", {"q": "khói bụi"}).content.decode()


def test_the_handling_officer_and_head_find_it_by_the_name(demo, named_case):
    for username in ("canbo.nnmt", "lanhdao.nnmt"):
        assert all(found(demo[username], q, named_case) for q in BY_NAME), username


def test_a_denunciation_is_found_by_its_denouncer_s_name_by_nobody(demo, open_case):
    case = open_case(kind="denunciation", topic="corruption", title=TITLE, complainant=COMPLAINANT)
    for user in demo.values():
        assert not found(user, NAME, case), user.username


def test_the_migration_fills_the_keys_of_the_cases_stored_before_them(demo, named_case):
    # given a case stored before the keys (none)
    Case.objects.filter(pk=named_case.pk).update(search_key="", search_key_masked="")
    assert not found(demo["canbo.nnmt"], "lò đốt", named_case)
    # when the migration fills them
    migration = importlib.import_module("duluan.apps.cases.migrations.0006_case_search_keys")
    migration.fill_keys(django_apps, None)
    # then the handler finds the case by the name, an analyst only by what it is about
    assert found(demo["canbo.nnmt"], NAME, named_case)
    assert not found(demo["phantich"], NAME, named_case) and found(demo["phantich"], "lò đốt", named_case)
    assert Case.objects.get(pk=named_case.pk).search_key_masked == "ong name phan anh khoi bui lo dot rac"


def test_a_name_and_number_the_letter_gives_find_no_case_for_those_who_read_the_title_masked(demo, open_case):
    # given an anonymous complaint whose title writes the name and the identity card number its
    # letter gives (the title is masked over the letter where it is shown)
    letter = "Tôi tên là Nguyễn Thị Hoa, Số CMND: 311613174, trú tại thôn Đông. Đường liên thôn hỏng."
    case = open_case(
        title="Nguyễn Thị Hoa - 311613174 - đường liên thôn hỏng", description=letter, complainant=None
    )
    case.partner_agencies.add(demo["canbo.yte"].agency)
    for stored_before in (False, True):
        if stored_before:
            # (a case stored before: its key masked by the title alone, filled again by the migration)
            Case.objects.filter(pk=case.pk).update(
                search_key_masked="nguyen thi hoa 311613174 duong lien thon hong"
            )
            migration = importlib.import_module(
                "duluan.apps.cases.migrations.0007_mask_titles_over_descriptions"
            )
            migration.fill_masked_keys(django_apps, None)
        # then those who read it masked do not find it by them, only by what it is about
        for username in MASKED_FOR:
            for q in ("Nguyễn Thị Hoa", "thi hoa", "311613174"):
                assert not found(demo[username], q, case), (username, q, stored_before)
            assert found(demo[username], "liên thôn", case), username
        # while its handler finds it by them
        assert found(demo["canbo.nnmt"], "Thị Hoa", case) and found(demo["canbo.nnmt"], "311613174", case)


def test_the_search_s_gate_is_the_case_page_s(demo, open_case):
    from duluan.apps.cases.permissions import case_text_readable

    # given cases of every kind of reader: unassigned, assigned to another officer, a denunciation
    colleague, _ = user_upsert(
        username="canbo2.nnmt", password="x" * 12, role="officer", agency=demo["canbo.nnmt"].agency
    )
    cases = [open_case(), open_case(title="Nước thải"), open_case(kind="denunciation", topic="corruption")]
    Case.objects.filter(pk=cases[1].pk).update(assignee=colleague, status="assigned")
    # then for every official, the filter the search uses agrees with the gate of the case page
    for user in [*demo.values(), colleague]:
        readable = set(case_list_for_user(user).filter(case_text_readable(user)).values_list("pk", flat=True))
        for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
            visible = case_list_for_user(user).filter(pk=case.pk).exists()
            assert (case.pk in readable) is (visible and can_read_case_text(user, case)), (
                user.username,
                case.pk,
            )
