"""Apply an instrument's logic to a set of answers: relevance, types, required, constraints, calculations.

The same function serves the web questionnaire (every change, and the final submission) and the
import of ODK Central / KoboToolbox exports, so an answer is held to the same rules however it
arrives. Answers are stored as XPath strings: select_multiple as space-separated choice names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from .expressions import Expression, compile_expression, value_to_string
from .xlsform import Instrument, Question

__all__ = ["FormState", "apply_logic", "normalise_raw"]

REQUIRED = "Câu hỏi bắt buộc."
NOT_INTEGER = "Cần một số nguyên."
NOT_DECIMAL = "Cần một số."
NOT_DATE = "Cần một ngày theo dạng năm-tháng-ngày (yyyy-mm-dd)."
NOT_A_CHOICE = "“{value}” không phải lựa chọn của câu hỏi này."
CONSTRAINT_FAILED = "Câu trả lời không thỏa điều kiện ({constraint})."
ONE_CHOICE_ONLY = "Chỉ được chọn một phương án."

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class FormState:
    """The result of applying the logic.

    Attributes:
        answers: clean answers of relevant questions (calculations included), as strings.
        relevant: question name → whether it is shown.
        errors: question name → message, for relevant questions only.
    """

    answers: dict[str, str]
    relevant: dict[str, bool]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@lru_cache(maxsize=2048)
def _compiled(text: str) -> Expression:
    return compile_expression(text)


def normalise_raw(question: Question, value: Any) -> str:
    """One raw answer (form field, CSV cell, list of choices) as the stored string."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        parts = [str(v).strip() for v in value if str(v).strip()]
        return " ".join(dict.fromkeys(parts))
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    if question.type == "select_multiple":
        return " ".join(dict.fromkeys(text.split()))
    if question.type == "date" and len(text) >= 10 and _DATE.match(text[:10]):
        return text[:10]
    if question.type in ("integer", "decimal"):
        return text.replace(",", ".") if question.type == "decimal" else text
    return text


def _type_error(instrument: Instrument, q: Question, value: str) -> str | None:
    if q.type == "integer":
        try:
            number = float(value)
        except ValueError:
            return NOT_INTEGER
        if not number.is_integer() or not re.fullmatch(r"[+-]?\d+(\.0*)?", value):
            return NOT_INTEGER
    elif q.type == "decimal":
        try:
            number = float(value)
        except ValueError:
            return NOT_DECIMAL
        if not math.isfinite(number):
            return NOT_DECIMAL
    elif q.type == "date":
        if not _DATE.match(value):
            return NOT_DATE
        try:
            date.fromisoformat(value)
        except ValueError:
            return NOT_DATE
    elif q.is_select:
        names = {c.name for c in instrument.choices.get(q.list_name, [])}
        chosen = value.split() if q.type == "select_multiple" else [value]
        if q.type == "select_one" and len(value.split()) > 1 and value not in names:
            return ONE_CHOICE_ONLY
        for v in chosen:
            if v not in names:
                return NOT_A_CHOICE.format(value=v)
    return None


def apply_logic(
    instrument: Instrument,
    raw: Mapping[str, Any],
    *,
    check_required: bool = True,
    today: date | None = None,
) -> FormState:
    """Evaluate the instrument on raw answers, in questionnaire order.

    Args:
        instrument: the parsed XLSForm.
        raw: question name → raw value (strings, lists for select_multiple).
        check_required: report unanswered required questions (False while a draft is saved).
        today: the date ``today()`` returns (tests pin it).

    Returns:
        A :class:`FormState`. Answers to questions that are not relevant are dropped, as ODK does.
    """
    answers: dict[str, str] = {}
    for q in instrument.questions:
        if q.type != "calculate" and q.type != "note":
            answers[q.name] = normalise_raw(q, raw.get(q.name))
    relevant: dict[str, bool] = {}
    group_relevant: dict[str, bool] = {}
    errors: dict[str, str] = {}
    for group in instrument.groups.values():
        parent_ok = all(group_relevant.get(g, True) for g in group.path[:-1])
        own = _compiled(group.relevant).test(answers, today=today) if group.relevant else True
        group_relevant[group.name] = parent_ok and own
    for q in instrument.questions:
        shown = all(group_relevant.get(g, True) for g in q.groups)
        if shown and q.relevant:
            shown = _compiled(q.relevant).test(answers, today=today)
        relevant[q.name] = shown
        if not shown:
            answers.pop(q.name, None)
            answers[q.name] = ""  # later expressions see it as unanswered
            continue
        if q.type == "calculate":
            answers[q.name] = value_to_string(_compiled(q.calculation).evaluate(answers, today=today))
            continue
        if q.type == "note":
            continue
        value = answers.get(q.name, "")
        if value == "":
            required = q.required == "yes" or (
                q.required and _compiled(q.required).test(answers, today=today)
            )
            if required and check_required:
                errors[q.name] = q.required_message or REQUIRED
            continue
        problem = _type_error(instrument, q, value)
        if problem is None and q.constraint:
            current: Any = value
            if q.type in ("integer", "decimal"):
                current = float(value)
            if not _compiled(q.constraint).test(answers, current, today=today):
                problem = q.constraint_message or CONSTRAINT_FAILED.format(constraint=q.constraint)
        if problem:
            errors[q.name] = problem
    clean = {k: v for k, v in answers.items() if relevant.get(k) and v != ""}
    return FormState(answers=clean, relevant=relevant, errors=errors)
