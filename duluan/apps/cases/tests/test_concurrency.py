"""Two writers on the same case at the same moment: no change is ever lost.

Real concurrency needs two database connections that commit independently, so these tests use
``transaction=True`` and threads on PostgreSQL. SQLite takes the write lock at BEGIN (IMMEDIATE
transactions) so writers cannot interleave at all, and its test database is in memory, which
separate threads cannot share: the tests are skipped there.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from duluan.apps.audit.models import AuditEvent
from duluan.apps.cases.models import Case, Status
from duluan.apps.cases.services import ACTIONS, CaseError

from .conftest import moment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two independent connections (PostgreSQL); SQLite serialises writers",
    ),
]


def _race(*jobs):
    """Run each job in its own thread and connection, all released at once; returns results/errors."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as error:  # collected and asserted on by the test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def slow_apply(monkeypatch):
    """Make every action hold its transaction a moment after reading, so two writers overlap."""

    def apply_slowly(action, original_apply):
        def apply(case, **kwargs):
            time.sleep(0.3)
            return original_apply(case, **kwargs)

        return apply

    for action in ACTIONS.values():
        monkeypatch.setattr(action, "apply", apply_slowly(action, action.apply))


def _story_two_officers_accept_at_once_exactly_one_wins(demo, open_case):
    # given a received case and two officials of the lead agency
    case = open_case()
    officer, head = demo["canbo.nnmt"], demo["lanhdao.nnmt"]

    # when both accept it in the same instant (neither sends a version)
    results = _race(
        lambda: ACTIONS["accept"].execute(case=case, actor=officer, now=moment("2026-03-03")),
        lambda: ACTIONS["accept"].execute(case=case, actor=head, now=moment("2026-03-03")),
    )

    # then one succeeded, the other was told the case is no longer waiting, and it was accepted once
    wins = [r for r in results if isinstance(r, Case)]
    losses = [r for r in results if isinstance(r, CaseError)]
    assert len(wins) == 1 and len(losses) == 1, results
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.version == 2
    assert AuditEvent.objects.filter(object_id=str(case.pk), action="case.accept").count() == 1


def _story_two_different_changes_at_once_both_survive(demo, open_case):
    # given an accepted case
    case = open_case(kind="complaint1", topic="land", title="Khiếu nại thu hồi đất")
    officer, head = demo["canbo.nnmt"], demo["lanhdao.nnmt"]
    case = ACTIONS["accept"].execute(case=case, actor=officer, now=moment("2026-03-05"))

    # when the head assigns an officer while the coordinator extends the deadline, at once
    results = _race(
        lambda: ACTIONS["assign"].execute(case=case, actor=head, now=moment("2026-03-06"), assignee=officer),
        lambda: ACTIONS["extend"].execute(
            case=case, actor=demo["dieuphoi"], now=moment("2026-03-06"), reason="Phải xác minh nhiều nơi."
        ),
    )

    # then both changes are there: neither overwrote the other
    assert all(isinstance(r, Case) for r in results), results
    case.refresh_from_db()
    assert case.assignee == officer and case.status == Status.ASSIGNED
    assert case.complex is True and case.resolve_due.isoformat() == "2026-04-20"
    assert case.version == 4


def _story_a_writer_holding_an_old_version_is_refused(demo, open_case):
    case = open_case()
    officer, head = demo["canbo.nnmt"], demo["lanhdao.nnmt"]
    results = _race(
        lambda: ACTIONS["accept"].execute(
            case=case, actor=officer, expected_version=1, now=moment("2026-03-03")
        ),
        lambda: ACTIONS["transfer"].execute(
            case=case,
            actor=head,
            expected_version=1,
            now=moment("2026-03-03"),
            agency=demo["canbo.yte"].agency,
            reason="Thuộc ngành y tế.",
        ),
    )
    assert sum(isinstance(r, Case) for r in results) == 1
    assert sum(isinstance(r, CaseError) for r in results) == 1
    case.refresh_from_db()
    assert case.version == 2


def test_concurrent_writers_never_lose_a_change(demo, open_case, slow_apply):
    """One transactional test for the three stories: each such test empties the database after it."""
    _story_two_officers_accept_at_once_exactly_one_wins(demo, open_case)
    _story_two_different_changes_at_once_both_survive(demo, open_case)
    _story_a_writer_holding_an_old_version_is_refused(demo, open_case)
