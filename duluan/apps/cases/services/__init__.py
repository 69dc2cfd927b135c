"""Writes of the cases app. Import from here: ``from duluan.apps.cases.services import ...``."""

from .deadlines import DeadlineError, deadline_compute, limit_table, work_calendar
from .escalation import cases_escalate_overdue
from .intake import case_open_from_submission
from .records import case_attachment_add, case_note_add, case_reveal_denouncer
from .routing import RoutingError, route_for
from .workflow import ACTIONS, CaseAction, CaseError, ConflictError, actions_for

__all__ = [
    "ACTIONS",
    "CaseAction",
    "CaseError",
    "ConflictError",
    "DeadlineError",
    "RoutingError",
    "actions_for",
    "case_attachment_add",
    "case_note_add",
    "case_open_from_submission",
    "case_reveal_denouncer",
    "cases_escalate_overdue",
    "deadline_compute",
    "limit_table",
    "route_for",
    "work_calendar",
]
