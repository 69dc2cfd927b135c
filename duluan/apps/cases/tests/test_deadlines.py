"""Deadlines come from the calendar engine with the admin's legal limits and calendar days."""

from __future__ import annotations

from datetime import date

import pytest

from duluan.apps.cases.models import CalendarOverride, LegalLimit
from duluan.apps.cases.services import ACTIONS, CaseError, deadline_compute
from duluan.apps.cases.services.intake import FUTURE
from duluan.calendar.errors import MSG_BAD_DAY

from .conftest import moment


def test_the_seeded_limits_match_the_engines_shipped_rules():
    from duluan.calendar import default_limits

    rows = {row.rule_id: row for row in LegalLimit.objects.all()}
    assert set(rows) == {limit.id for limit in default_limits()}
    assert rows["complaint1.resolve"].counts_from == "accepted"
    assert rows["feedback.resolve"].counts_from == "received"
    assert CalendarOverride.objects.filter(date=date(2026, 1, 2), working=False).exists()


def test_a_case_stores_its_deadlines_with_the_rule_and_the_skipped_holidays(open_case):
    # given a feedback received the day before Tết 2026
    case = open_case(received_at=moment("2026-02-10"))

    # then accept-by is 10 working days on (khoản 1 Điều 28 Luật Tiếp công dân), skipping Tết,
    # and the explanation says so: 11–13/02, 23–27/02, 02–03/03
    assert case.accept_due == date(2026, 3, 3)
    assert case.accept_deadline["rule_id"] == "feedback.accept"
    assert "Tết" in case.accept_deadline["explanation_vi"]
    assert {d["date"] for d in case.accept_deadline["skipped"]} >= {"2026-02-21", "2026-02-22"}
    # resolve-by for feedback counts working days from receipt, skipping Tết entirely
    assert case.resolve_deadline["unit"] == "working"
    assert any("Tết" in d["reason_vi"] for d in case.resolve_deadline["skipped"])


def test_a_complaints_resolve_deadline_waits_for_acceptance(demo, open_case):
    case = open_case(kind="complaint1", topic="land", title="Khiếu nại thu hồi đất")
    assert case.resolve_due is None
    case = ACTIONS["accept"].execute(case=case, actor=demo["canbo.nnmt"], now=moment("2026-03-05"))
    assert case.resolve_due == date(2026, 4, 6)
    assert case.resolve_deadline["start"] == "2026-03-05"


def test_limits_edited_in_the_admin_apply_to_the_next_case(open_case):
    LegalLimit.objects.filter(rule_id="feedback.accept").update(days=5)
    case = open_case(received_at=moment("2026-03-02"))
    assert case.accept_due == date(2026, 3, 9)  # 07/03 is a Saturday → Monday


def test_a_local_day_off_moves_a_working_day_deadline(open_case):
    plain = deadline_compute(kind="denunciation", step="accept", start=date(2026, 3, 2))
    CalendarOverride.objects.create(date=date(2026, 3, 5), working=False, reason_vi="Nghỉ lễ hội địa phương")
    local = deadline_compute(kind="denunciation", step="accept", start=date(2026, 3, 2))
    assert local.due > plain.due
    assert any(d.reason_vi == "Nghỉ lễ hội địa phương" for d in local.skipped)


@pytest.mark.parametrize("received", ["2026-02-30", "31/04/2026", "2026-13-01", "hôm qua"])
def test_an_impossible_receipt_date_is_refused_with_a_clear_message(open_case, received):
    with pytest.raises(CaseError) as error:
        open_case(received_at=received)
    assert "Ngày không hợp lệ" in str(error.value)


def test_the_message_names_the_month_length():
    with pytest.raises(ValueError) as error:
        deadline_compute(kind="feedback", step="accept", start="2026-02-30")
    assert MSG_BAD_DAY.format(month=2, year=2026, days=28) in str(error.value)


def test_a_receipt_date_in_the_future_is_refused(open_case):
    with pytest.raises(CaseError, match=FUTURE.split("{")[0]):
        open_case(received_at="2099-01-05")


def test_an_override_without_a_reason_is_invalid_in_the_admin():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        CalendarOverride(date=date(2026, 5, 5), working=False, reason_vi=" ").clean()
    with pytest.raises(ValidationError):
        LegalLimit(
            rule_id="x",
            kind="feedback",
            step="accept",
            days=10,
            unit="weeks",
            label_vi="x",
            label_en="x",
            source={"document_vi": "a", "document_en": "b", "number": "c"},
        ).clean()


def test_intake_gets_the_tracking_code_and_an_idempotent_case(open_case):
    # the intake channels call the service with their own id and may deliver twice
    first = open_case(source_ref="signal:42")
    again = open_case(source_ref="signal:42", title="Khác")
    assert again.pk == first.pk and first.tracking_code == first.code and not first.is_closed
    assert first.code.startswith("BN-") and len(first.code) == 12
