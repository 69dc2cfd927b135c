"""The one-sentence explanations of a deadline, in Vietnamese and English.

Example (Vietnamese): "Tiếp nhận, xử lý ban đầu và thụ lý tố cáo: 7 ngày làm việc kể từ ngày nhận
được tố cáo 10/02/2026 (không tính ngày bắt đầu), không tính 14–22/02/2026 (Tết Nguyên Đán),
hạn: 26/02/2026 — căn cứ khoản 1 Điều 24 Luật Tố cáo 2018 (số 25/2018/QH14)."

Days off are shown as ranges named by their occasion; a range that is only a weekend is folded
into "thứ Bảy, Chủ nhật".
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from duluan.calendar.dates import WEEKDAY_EN, WEEKDAY_VI, format_date, format_range
from duluan.calendar.limits import Unit
from duluan.calendar.workdays import DayKind, DayStatus, WorkCalendar

if TYPE_CHECKING:
    from duluan.calendar.deadlines import Deadline

_ONE_DAY = timedelta(days=1)
REMOTE_VI = "vùng sâu, vùng xa đi lại khó khăn"
REMOTE_EN = "remote area with difficult travel"
CIVIL_CODE_VI = "Điều 148 Bộ luật Dân sự 2015"
CIVIL_CODE_EN = "Civil Code 2015, Article 148"


def explain(deadline: Deadline, calendar: WorkCalendar) -> tuple[str, str]:
    """Return ``(explanation_vi, explanation_en)`` for ``deadline`` computed on ``calendar``."""
    rule = deadline.rule
    unit_vi, unit_en = rule.unit.label_vi, rule.unit.label_en

    variant_vi: list[str] = []
    variant_en: list[str] = []
    if deadline.complex:
        variant_vi.append(rule.complex_vi)
        variant_en.append(rule.complex_en)
    if deadline.remote:
        variant_vi.append(REMOTE_VI)
        variant_en.append(REMOTE_EN)
    head_vi = rule.label_vi + (f" ({', '.join(variant_vi)})" if variant_vi else "")
    head_en = rule.label_en + (f" ({', '.join(variant_en)})" if variant_en else "")

    days_vi = f"{deadline.days} {unit_vi}"
    days_en = f"{deadline.days} {unit_en}"
    if deadline.extensions and rule.extension is not None:
        days_vi += f" (gồm {deadline.extensions} lần gia hạn, mỗi lần {rule.extension.days} {unit_vi})"
        plural = "s" if deadline.extensions > 1 else ""
        days_en += f" (including {deadline.extensions} extension{plural} of {rule.extension.days} {unit_en})"

    start = format_date(deadline.start)
    due = format_date(deadline.due)
    if rule.unit is Unit.WORKING:
        skip_vi, skip_en = _working_skips(deadline)
    else:
        skip_vi, skip_en = _calendar_move(deadline, calendar)

    vi = (
        f"{head_vi}: {days_vi} {rule.starts_vi} {start} (không tính ngày bắt đầu){skip_vi}, "
        f"hạn: {due} — căn cứ {rule.source.cite_vi()}."
    )
    en = (
        f"{head_en}: {days_en} {rule.starts_en} on {start} (start day not counted){skip_en}; "
        f"due {due} — legal basis: {rule.source.cite_en()}."
    )
    if deadline.notes_vi:
        vi += " " + " ".join(deadline.notes_vi)
    if deadline.notes_en:
        en += " " + " ".join(deadline.notes_en)
    return vi, en


def _runs(days: list[DayStatus] | tuple[DayStatus, ...]) -> list[list[DayStatus]]:
    """Split days (in date order) into runs of consecutive dates."""
    runs: list[list[DayStatus]] = []
    for day in days:
        if runs and runs[-1][-1].date + _ONE_DAY == day.date:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _labels(run: list[DayStatus]) -> tuple[str, str]:
    """The occasions a run of days off stands for, weekends left out ("Tết Nguyên Đán")."""
    named = [day for day in run if day.kind is not DayKind.WEEKEND]
    vi = ", ".join(dict.fromkeys(day.group_vi for day in named))
    en = ", ".join(dict.fromkeys(day.group_en for day in named))
    return vi, en


def _join(parts: list[str], conj: str) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {conj} " + parts[-1]


def _working_skips(deadline: Deadline) -> tuple[str, str]:
    parts_vi: list[str] = []
    parts_en: list[str] = []
    holiday_runs = []
    weekends = False
    for run in _runs(deadline.skipped):
        if all(day.kind is DayKind.WEEKEND for day in run):
            weekends = True
        else:
            holiday_runs.append(run)
    if weekends:
        parts_vi.append("thứ Bảy, Chủ nhật")
        parts_en.append("weekends")
    for run in holiday_runs:
        label_vi, label_en = _labels(run)
        span = format_range(run[0].date, run[-1].date)
        parts_vi.append(f"{span} ({label_vi})")
        parts_en.append(f"{span} ({label_en})")
    text_vi = f", không tính {_join(parts_vi, 'và')}" if parts_vi else ""
    text_en = f", excluding {_join(parts_en, 'and')}" if parts_en else ""
    if deadline.extra_working:
        worked_vi = [f"{format_date(day.date)} ({day.reason_vi})" for day in deadline.extra_working]
        worked_en = [f"{format_date(day.date)} ({day.reason_en})" for day in deadline.extra_working]
        text_vi += f", có tính {_join(worked_vi, 'và')}"
        text_en += f", counting {_join(worked_en, 'and')}"
    return text_vi, text_en


def _calendar_move(deadline: Deadline, calendar: WorkCalendar) -> tuple[str, str]:
    if not deadline.moved:
        return "", ""
    # The whole run of days off around the nominal end, so a moved end inside Tết reads "14–22/02".
    first = deadline.nominal_end
    while first - _ONE_DAY > deadline.start and not calendar.is_working_day(first - _ONE_DAY):
        first -= _ONE_DAY
    run = [calendar.status(first + timedelta(days=i)) for i in range((deadline.due - first).days)]
    end = format_date(deadline.nominal_end)
    if all(day.kind is DayKind.WEEKEND for day in run):
        weekday = deadline.nominal_end.weekday()
        what_vi = f"là {WEEKDAY_VI[weekday]}"
        what_en = f"is a {WEEKDAY_EN[weekday]}"
    else:
        label_vi, label_en = _labels(run)
        span = format_range(run[0].date, run[-1].date)
        what_vi = f"rơi vào ngày nghỉ {span} ({label_vi})"
        what_en = f"falls in the days off {span} ({label_en})"
    return (
        f"; ngày cuối {end} {what_vi} nên hạn chuyển sang ngày làm việc tiếp theo ({CIVIL_CODE_VI})",
        f"; the last day {end} {what_en}, so the deadline moves to the next working day ({CIVIL_CODE_EN})",
    )
