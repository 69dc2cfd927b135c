"""Answers from the web questionnaire and from ODK Central / KoboToolbox exports."""

from __future__ import annotations

import csv
import io

import pytest

from duluan.apps.surveys.models import Invitation, InvitationStatus, Response
from duluan.apps.surveys.services import (
    ResponseImportError,
    ResponseInvalid,
    response_draft_save,
    response_submit,
    responses_import_csv,
)
from duluan.apps.surveys.services.responses import ALREADY_ANSWERED

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def pending(round_, k=0) -> Invitation:
    return Invitation.objects.filter(round=round_, status=InvitationStatus.PENDING).order_by("pk")[k]


def test_a_draft_is_kept_and_the_code_answers_once(small_round):
    invitation = pending(small_round)
    # when the respondent answers part of the form, the draft is kept with the code filled in
    state = response_draft_save(invitation=invitation, raw={"gioi_tinh": "nam", "da_giao_dich": "khong"})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DRAFT
    assert invitation.draft == {
        "ma_moi": invitation.code,
        "gioi_tinh": "nam",
        "da_giao_dich": "khong",
        "so_ky_vong": "0",
    }
    assert state.relevant["tc1"] is False
    # when they submit an incomplete form, it is refused with every missing answer named
    with pytest.raises(ResponseInvalid) as err:
        response_submit(invitation=invitation, raw=invitation.draft)
    assert "cs1" in err.value.state.errors and "tc1" not in err.value.state.errors
    # when they submit everything, one response is recorded and the code is spent
    response = response_submit(invitation=invitation, raw=full_answers("IGNORED", used=False))
    assert response.answers["ma_moi"] == invitation.code  # the code comes from the invitation, not the form
    with pytest.raises(ValueError, match=ALREADY_ANSWERED):
        response_submit(invitation=invitation, raw=full_answers(invitation.code, used=False))
    assert Response.objects.filter(invitation=invitation).count() == 1


def test_skip_logic_is_enforced_on_the_server(small_round):
    # given answers to service questions from someone who says they did not use the service
    raw = {**full_answers("", used=False), "tc1": "1", "so_lan": "99"}
    response = response_submit(invitation=pending(small_round), raw=raw)
    # then those answers are not kept (and their constraint is not even checked)
    assert "tc1" not in response.answers and "so_lan" not in response.answers


def export(rows: list[dict], header: list[str], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def kobo_row(code: str, instance: str, **over) -> dict:
    """A KoboToolbox export row: group/question columns, select_multiple space-separated."""
    answers = full_answers(code)
    row = {"meta/instanceID": instance, "_submission_time": "2026-10-06T08:30:00"}
    paths = {
        "ma_moi": "thong_tin/ma_moi",
        "ngay_tra_loi": "thong_tin/ngay_tra_loi",
        "gioi_tinh": "thong_tin/gioi_tinh",
        "nhom_tuoi": "thong_tin/nhom_tuoi",
        "hoc_van": "thong_tin/hoc_van",
        "biet_cong_khai": "nhan_thuc/biet_cong_khai",
        "biet_kenh_gop_y": "nhan_thuc/biet_kenh_gop_y",
        "hl_chung": "chung/hl_chung",
        "ky_vong": "chung/ky_vong",
    }
    for name, value in answers.items():
        group = "chinh_sach" if name.startswith("cs") else "dich_vu"
        column = paths.get(name, f"{group}/{name}")
        row[column] = " ".join(value) if isinstance(value, list) else value
    row.update(over)
    return row


def test_a_kobo_export_is_imported_once(small_round):
    # given a KoboToolbox export of two respondents
    a, b = pending(small_round, 0), pending(small_round, 1)
    rows = [kobo_row(a.code, "uuid:a"), kobo_row(b.code, "uuid:b")]
    header = list(rows[0])
    content = export(rows, header)
    # when it is imported
    report = responses_import_csv(round_=small_round, content=content)
    # then both are responses of their invitations, with select_multiple kept
    assert (report.created, report.skipped) == (2, 0)
    response = Response.objects.get(instance_id="uuid:a")
    assert response.invitation == a and response.answers["ky_vong"] == "thu_tuc thoi_gian"
    # and importing the same export again changes nothing
    again = responses_import_csv(round_=small_round, content=content)
    assert (again.created, again.skipped) == (0, 2)
    assert Response.objects.filter(round=small_round).count() == 2


def test_an_odk_central_export_with_split_select_multiple_is_understood(small_round):
    # given ODK Central columns (group-question) and one-hot select_multiple columns
    invitation = pending(small_round)
    row = {k.replace("/", "-"): v for k, v in kobo_row(invitation.code, "uuid:c").items()}
    row.pop("chung-ky_vong")
    row.update(
        {
            "chung-ky_vong/thu_tuc": "1",
            "chung-ky_vong/thoi_gian": "0",
            "chung-ky_vong/thai_do": "1",
            "KEY": "uuid:c",
            "SubmissionDate": "2026-10-06T08:30:00.000Z",
            "ReviewState": "",
        }
    )
    responses_import_csv(round_=small_round, content=export([row], list(row)))
    assert Response.objects.get(instance_id="uuid:c").answers["ky_vong"] == "thu_tuc thai_do"


@pytest.mark.parametrize("layout", ["comma", "semicolon", "excel sep line"])
def test_bad_rows_are_all_reported_and_nothing_is_imported(small_round, layout):
    # given an export with bad rows, in commas, in semicolons (Kobo's legacy CSV, Excel's "CSV"
    # on a Vietnamese Windows) or in semicolons after Excel's "sep=;" line
    a, b, c = (pending(small_round, k) for k in range(3))
    rows = [
        kobo_row(a.code, "uuid:ok"),
        kobo_row(b.code, "uuid:bad", **{"dich_vu/tc1": "7"}),
        kobo_row("ZZZZZZZZ", "uuid:who"),
        kobo_row(c.code, "", **{"chung/ky_vong": "thu_tuc thoi_gian thai_do co_so"}),
    ]
    content = export(rows, list(rows[0]), delimiter="," if layout == "comma" else ";")
    first = 3
    if layout == "excel sep line":
        content, first = b"sep=;\r\n" + content, 4
    # when it is imported
    with pytest.raises(ResponseImportError) as err:
        responses_import_csv(round_=small_round, content=content)
    # then every bad row is named by its line of the file, and nothing is imported
    assert err.value.errors == [
        f"Dòng {first}, cột dich_vu/tc1: “7” không phải lựa chọn của câu hỏi này.",
        f"Dòng {first + 1}: mã mời “ZZZZZZZZ” không thuộc mẫu của đợt khảo sát này.",
        f"Dòng {first + 2}: thiếu mã phiếu (instanceID).",
    ]
    assert not Response.objects.filter(round=small_round).exists()
    assert not Invitation.objects.filter(round=small_round, status=InvitationStatus.COMPLETED).exists()


def test_unknown_columns_are_refused_before_any_row(small_round):
    row = {**kobo_row(pending(small_round).code, "uuid:x"), "Ông/bà có hài lòng?": "4", "extra": ""}
    with pytest.raises(ResponseImportError) as err:
        responses_import_csv(round_=small_round, content=export([row], list(row)))
    assert err.value.errors[0].startswith(
        "Tệp có 2 cột không thuộc bộ câu hỏi sipas_xa: Ông/bà có hài lòng?, extra."
    )


def test_a_code_answered_on_the_web_cannot_be_imported_again(small_round):
    invitation = pending(small_round)
    web = response_submit(invitation=invitation, raw=full_answers(invitation.code))
    row = kobo_row(invitation.code, "uuid:paper")
    with pytest.raises(ResponseImportError) as err:
        responses_import_csv(round_=small_round, content=export([row], list(row)))
    assert err.value.errors == [f"Dòng 2: mã mời “{invitation.code}” đã có phiếu khác ({web.instance_id})."]
