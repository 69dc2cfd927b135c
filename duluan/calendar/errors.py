"""Errors raised by :mod:`duluan.calendar`, with their Vietnamese messages as module constants.

Every error is a :class:`ValueError` (bad input, not a bug) and carries a message a clerk can act on.
Tests and callers assert on the constants, never on a copy of the wording.
"""

from __future__ import annotations

MSG_BAD_DATE = (
    "Ngày không hợp lệ: {value!r} — {why}. Dùng dạng YYYY-MM-DD (ví dụ 2026-02-10) hoặc DD/MM/YYYY."
)
MSG_BAD_DATE_FORMAT = "không đúng dạng ngày"
MSG_BAD_MONTH = "không có tháng {month}"
MSG_BAD_DAY = "tháng {month:02d}/{year} chỉ có {days} ngày"
MSG_OUT_OF_RANGE = "Ngày {value} nằm ngoài phạm vi lịch hỗ trợ ({first}–{last})."
MSG_UNKNOWN_KIND = "Loại việc không hợp lệ: {value!r}. Chọn một trong: {choices}."
MSG_UNKNOWN_STEP = "Bước không hợp lệ cho loại việc {kind!r}: {value!r}. Chọn một trong: {choices}."
MSG_NEGATIVE_DAYS = "Số ngày phải là số nguyên không âm, nhận được {value!r}."
MSG_BAD_EXTENSION_COUNT = "Số lần gia hạn phải là số nguyên không âm, nhận được {value!r}."
MSG_NO_EXTENSION = "Quy tắc {rule!r} không cho phép gia hạn (yêu cầu {value} lần)."
MSG_TOO_MANY_EXTENSIONS = "Quy tắc {rule!r} cho phép gia hạn tối đa {max} lần, yêu cầu {value} lần."
MSG_BAD_RULE = "Quy tắc thời hạn {rule!r} không hợp lệ: {why}."
MSG_DUPLICATE_RULE = "Trùng quy tắc thời hạn cho {kind!r}/{step!r}."
MSG_BAD_OVERRIDE = "Ngày điều chỉnh lịch không hợp lệ ({value!r}): {why}."


class CalendarError(ValueError):
    """Base class: bad input to the calendar engine (the message is Vietnamese and shown as is)."""


class InvalidDateError(CalendarError):
    """A date that does not exist (``2026-02-30``) or is not written as a date."""

    def __init__(self, value: object, why: str) -> None:
        self.value = value
        self.why = why
        super().__init__(MSG_BAD_DATE.format(value=value, why=why))


class DateOutOfRangeError(CalendarError):
    """A real date outside the years whose holidays the engine knows."""


class UnknownKindError(CalendarError):
    """A kind of matter with no legal limit in the rules."""

    def __init__(self, value: str, choices: list[str]) -> None:
        self.value = value
        self.choices = choices
        super().__init__(MSG_UNKNOWN_KIND.format(value=value, choices=", ".join(choices)))


class UnknownStepError(CalendarError):
    """A step that the rules do not define for this kind."""

    def __init__(self, kind: str, value: str, choices: list[str]) -> None:
        self.kind = kind
        self.value = value
        self.choices = choices
        super().__init__(MSG_UNKNOWN_STEP.format(kind=kind, value=value, choices=", ".join(choices)))


class ExtensionError(CalendarError):
    """More extensions than the law allows, or extensions on a limit that has none."""


class RuleError(CalendarError):
    """A legal-limit rule (from the shipped file or the admin) that is not self-consistent."""


class OverrideError(CalendarError):
    """A local calendar override that cannot be used."""
