"""Turn an instrument and the answers so far into what the web questionnaire shows."""

from __future__ import annotations

from typing import Any

from .formlogic import FormState, apply_logic
from .xlsform import Instrument


def raw_from_post(instrument: Instrument, post) -> dict[str, Any]:
    """Form fields → raw answers (select_multiple as lists; only the instrument's questions)."""
    raw: dict[str, Any] = {}
    for q in instrument.questions:
        if not q.is_input:
            continue
        if q.type == "select_multiple":
            raw[q.name] = post.getlist(q.name)
        elif q.name in post:
            raw[q.name] = post.get(q.name, "")
    return raw


def state_of(instrument: Instrument, answers: dict) -> FormState:
    return apply_logic(instrument, answers, check_required=False)


def entries(
    instrument: Instrument,
    answers: dict[str, Any],
    relevant: dict[str, bool],
    errors: dict[str, str],
    *,
    code_field: str,
    code: str,
) -> list[dict[str, Any]]:
    """Headings and questions in order; questions that are not relevant are left out."""
    out: list[dict[str, Any]] = []
    current_groups: tuple[str, ...] = ()
    for q in instrument.questions:
        if q.type == "calculate" or not relevant.get(q.name, True):
            continue
        if q.groups != current_groups:
            for depth, name in enumerate(q.groups):
                if depth >= len(current_groups) or current_groups[depth] != name:
                    group = instrument.groups[name]
                    out.append({"kind": "heading", "label": group.label or name, "level": depth + 2})
            current_groups = q.groups
        value = answers.get(q.name, "")
        if q.type == "select_multiple":
            chosen = value if isinstance(value, list) else str(value).split()
        else:
            chosen = [str(value)] if value not in ("", None) else []
        entry = {
            "kind": "note" if q.type == "note" else "question",
            "q": q,
            "value": "" if isinstance(value, list) else value,
            "chosen": chosen,
            "error": errors.get(q.name, ""),
            "choices": instrument.choices.get(q.list_name, []),
            "required": q.required == "yes",
            "readonly": q.name == code_field,
        }
        if entry["readonly"]:
            entry["value"] = code
        out.append(entry)
    return out
