"""Weighted roll-up of progress and the on-track / at-risk / overdue rule. Pure: no database.

The rule (shown to users on the plan page and in the DOCX report):

- A *leaf* item's progress is the percent of its latest approved report (latest "as of" date,
  then latest decision); with no approved report it is 0 %.
- A *parent* item's progress is the weighted mean of its children's progress (weights as set in
  the plan; if all children weigh 0, the plain mean). A parent's start is the earliest start of
  itself and its descendants, its end the latest end, when it has none of its own.
- The plan's progress is the weighted mean of its top-level items.
- Status on a day ``as_of``:
    * ``done``        progress ≥ 100 %;
    * ``overdue``     past the end date and progress < 100 %;
    * ``not_started`` before the start date;
    * ``at_risk``     progress < expected − tolerance, where expected = 100 % × elapsed / duration
                      (linear between start and end; tolerance per plan, 10 points by default);
    * ``on_track``    otherwise, including items without dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

DONE = "done"
OVERDUE = "overdue"
NOT_STARTED = "not_started"
AT_RISK = "at_risk"
ON_TRACK = "on_track"
STATUSES = (ON_TRACK, AT_RISK, OVERDUE, DONE, NOT_STARTED)

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.1")


@dataclass(frozen=True)
class Node:
    """One item as the engine sees it; ``reported`` is the latest approved percent (or None)."""

    id: int
    parent_id: int | None
    weight: Decimal
    start: date | None
    end: date | None
    reported: Decimal | None = None


@dataclass(frozen=True)
class Progress:
    progress: Decimal
    expected: Decimal | None
    status: str
    start: date | None
    end: date | None
    has_reports: bool


def expected_progress(start: date | None, end: date | None, as_of: date) -> Decimal | None:
    """Linear expectation between start and end, in percent; None without both dates."""
    if start is None or end is None:
        return None
    if as_of <= start:
        return ZERO
    if as_of >= end:
        return HUNDRED
    span = (end - start).days
    return (HUNDRED * Decimal((as_of - start).days) / Decimal(span)).quantize(CENT, ROUND_HALF_UP)


def status_of(
    *, progress: Decimal, start: date | None, end: date | None, as_of: date, tolerance: Decimal
) -> tuple[str, Decimal | None]:
    """The status and the expected progress of one item (see the module rule)."""
    expected = expected_progress(start, end, as_of)
    if progress >= HUNDRED:
        return DONE, expected
    if end is not None and as_of > end:
        return OVERDUE, expected
    if start is not None and as_of < start:
        return NOT_STARTED, expected
    if expected is not None and progress < expected - tolerance:
        return AT_RISK, expected
    return ON_TRACK, expected


def weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Mean of ``(value, weight)`` pairs; the plain mean when all weights are 0; 0 when empty."""
    pairs = list(pairs)
    if not pairs:
        return ZERO
    total = sum((w for _, w in pairs), ZERO)
    if total <= 0:
        return (sum((v for v, _ in pairs), ZERO) / len(pairs)).quantize(CENT, ROUND_HALF_UP)
    return (sum((v * w for v, w in pairs), ZERO) / total).quantize(CENT, ROUND_HALF_UP)


def rollup(nodes: Iterable[Node], *, as_of: date, tolerance: Decimal = Decimal(10)) -> dict[int, Progress]:
    """Progress and status of every item; children before parents, cycles refused."""
    by_id = {node.id: node for node in nodes}
    children: dict[int | None, list[int]] = defaultdict(list)
    for node in by_id.values():
        parent = node.parent_id if node.parent_id in by_id else None
        children[parent].append(node.id)
    result: dict[int, Progress] = {}
    visiting: set[int] = set()

    def visit(node_id: int) -> Progress:
        if node_id in result:
            return result[node_id]
        if node_id in visiting:
            raise ValueError(f"cycle through item {node_id}")
        visiting.add(node_id)
        node = by_id[node_id]
        kids = [visit(child) for child in children.get(node_id, [])]
        if kids:
            weights = [by_id[child].weight for child in children[node_id]]
            progress = weighted_mean(zip((kid.progress for kid in kids), weights, strict=True))
            has_reports = any(kid.has_reports for kid in kids)
            starts = [k.start for k in kids if k.start] + ([node.start] if node.start else [])
            ends = [k.end for k in kids if k.end] + ([node.end] if node.end else [])
            start = node.start or (min(starts) if starts else None)
            end = node.end or (max(ends) if ends else None)
        else:
            progress = node.reported if node.reported is not None else ZERO
            has_reports = node.reported is not None
            start, end = node.start, node.end
        status, expected = status_of(
            progress=progress, start=start, end=end, as_of=as_of, tolerance=tolerance
        )
        visiting.discard(node_id)
        result[node_id] = Progress(progress, expected, status, start, end, has_reports)
        return result[node_id]

    for node_id in by_id:
        visit(node_id)
    return result


def plan_rollup(
    nodes: Iterable[Node], *, as_of: date, tolerance: Decimal = Decimal(10)
) -> tuple[Progress, dict[int, Progress]]:
    """The plan's own progress (weighted mean of top-level items) and every item's."""
    nodes = list(nodes)
    items = rollup(nodes, as_of=as_of, tolerance=tolerance)
    ids = {n.id for n in nodes}
    top = [n for n in nodes if n.parent_id not in ids]
    progress = weighted_mean((items[n.id].progress, n.weight) for n in top)
    starts = [items[n.id].start for n in top if items[n.id].start]
    ends = [items[n.id].end for n in top if items[n.id].end]
    start = min(starts) if starts else None
    end = max(ends) if ends else None
    status, expected = status_of(progress=progress, start=start, end=end, as_of=as_of, tolerance=tolerance)
    has_reports = any(items[n.id].has_reports for n in top)
    return Progress(progress, expected, status, start, end, has_reports), items
