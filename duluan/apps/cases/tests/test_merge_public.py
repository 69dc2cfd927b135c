"""A merged case's public page shows its own code only; the case it joined stays the other citizen's.

The tracking code is a citizen's key to their case: its title (maybe the other denouncer's name),
its rating, its closing and reopening. Merging two denunciations must not hand one citizen the
other's key.
"""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps
from django.test import Client

from duluan.apps.cases.models import Case, CaseUpdate, Status
from duluan.apps.cases.services import ACTIONS
from duluan.apps.cases.services import workflow as wf

from .conftest import moment

FIRST = {"name": "Trịnh Quốc Khánh", "phone": "0912345678", "email": "", "address": "Số 12 đường Lê Lợi"}
SECOND = {"name": "Lương Văn Thắng", "phone": "0987654321", "email": "", "address": "Số nhà 8 phố Hàng Bông"}
ANSWER = (
    "Về việc ông Trịnh Quốc Khánh tố cáo cán bộ địa chính phường nhận tiền để cấp giấy chứng nhận, "
    "Thanh tra tỉnh đã xác minh, kết luận nội dung tố cáo đúng một phần và kiến nghị xử lý kỷ luật."
)


def merged_pair(open_case, demo) -> tuple[Case, Case]:
    """The first citizen's denunciation and the second's, merged into the first by the chief inspector."""
    original = open_case(
        kind="denunciation",
        topic="corruption",
        title="Cựu chiến binh Trịnh Quốc Khánh tố cáo cán bộ địa chính nhận tiền",
        complainant=FIRST,
    )
    duplicate = open_case(
        kind="denunciation",
        topic="corruption",
        title="Tố cáo cán bộ địa chính phường nhận tiền cấp sổ đỏ",
        complainant=SECOND,
    )
    ACTIONS["merge"].execute(
        case=duplicate,
        actor=demo["lanhdao.thanhtra"],
        now=moment("2026-03-03"),
        target=original,
        reason="Trùng nội dung.",
    )
    duplicate.refresh_from_db()
    return original, duplicate


def test_the_merged_case_s_page_never_shows_the_other_case_s_code(demo, open_case):
    # given two denunciations, the second merged into the first
    original, duplicate = merged_pair(open_case, demo)
    # when the second citizen follows theirs by its code, on the page and through the API
    html = Client().get(f"/cases/track/{duplicate.code}/").content.decode()
    body = Client().get(f"/api/cases/track/{duplicate.code}").content.decode()
    # then they read that it is handled together, with its status, but not the other's code or title
    assert duplicate.code in html and "giải quyết chung" in html
    for text in (html, body):
        assert original.code not in text and "Quốc Khánh" not in text
    assert CaseUpdate.objects.filter(case=duplicate, public=True, text=wf.MERGED_PUBLIC).exists()


def test_the_merged_case_mirrors_the_published_answer_masked(demo, open_case):
    # given the merged pair, and the first case answered publicly, naming its denouncer
    original, duplicate = merged_pair(open_case, demo)
    Case.objects.filter(pk=original.pk).update(
        status=Status.PUBLISHED, response_text=ANSWER, published_at=moment("2026-03-20")
    )
    # when the second citizen follows their own code
    html = Client().get(f"/cases/track/{duplicate.code}/").content.decode()
    # then they read the joint status and answer, without the other denouncer's name or code
    assert "Đã công khai trả lời" in html or Status.PUBLISHED.label in html
    assert "kiến nghị xử lý kỷ luật" in html and "Quốc Khánh" not in html and original.code not in html


def test_each_citizen_acts_only_on_their_own_code(demo, open_case):
    # given the merged pair, the first answered
    original, duplicate = merged_pair(open_case, demo)
    Case.objects.filter(pk=original.pk).update(
        status=Status.PUBLISHED, response_text=ANSWER, published_at=moment("2026-03-20")
    )
    # when the second citizen rates with their own code
    response = Client().post(
        f"/cases/track/{duplicate.code}/feedback/", {"resolved": "no", "satisfaction": "1", "reason": "Chưa"}
    )
    # then nothing of the first case changes: it is the first citizen's to close or reopen
    assert response.status_code == 400
    original.refresh_from_db()
    assert original.status == Status.PUBLISHED and original.satisfaction is None


def test_the_migration_takes_the_code_out_of_earlier_merge_updates(demo, open_case):
    # given a merge announced the old way, with the other case's code
    original, duplicate = merged_pair(open_case, demo)
    old = f"Hồ sơ trùng nội dung, được gộp vào hồ sơ {original.code} để giải quyết chung."
    CaseUpdate.objects.filter(case=duplicate, text=wf.MERGED_PUBLIC).update(text=old)
    # when the data migration runs
    migration = importlib.import_module("duluan.apps.cases.migrations.0005_merge_updates_without_target_code")
    migration.forwards(django_apps, None)
    # then the update reads as a merge reads now
    assert not CaseUpdate.objects.filter(text__contains=original.code).exists()
    assert CaseUpdate.objects.filter(case=duplicate, text=wf.MERGED_PUBLIC).exists()
