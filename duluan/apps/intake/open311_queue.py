"""The Open311 queue: a POST stores one pending row and answers at once with a token.

GeoReport v2 lets a POST answer with a ``token`` instead of a ``service_request_id``; the
client then reads ``tokens/<token>`` until the id is there. So the request thread does only the
cheap part (key, validation, one row) and the task worker does the rest — analysis, place,
clustering — for many requests at once:

1. :func:`open311_request_accept` (the POST) stores a :class:`~.models.PendingRequest` keyed
   by the request's identity (a retried POST finds it and stores nothing) and enqueues
   :func:`~.tasks.open311_pending_drain_task` once the row is committed.
2. :func:`open311_pending_drain` (the task) takes pending rows in batches — ``SELECT … FOR
   UPDATE SKIP LOCKED`` on PostgreSQL, so two workers never take the same row — places them
   (address, else the nearest commune), and stores each batch with one call of
   :func:`~.services.signals_ingest_batch`. A batch that raises is tried again row by row; a
   row that raises keeps its error and is tried again later (:data:`MAX_ATTEMPTS` in all, then
   it is ``failed`` and waits for an official in the admin); a row whose content the write path
   refuses is ``rejected`` with its Vietnamese reason. Personal data leaves the pending row as
   soon as the signal and its reporter exist (or the request is rejected).
3. :func:`pending_for_token` is what ``tokens/<token>`` reads.
"""

from __future__ import annotations

import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from duluan.apps.audit.services import audit_record
from duluan.apps.geo.models import AdminUnit

from . import services
from .forms import home_communes
from .models import ApiClient, Channel, PendingRequest, PendingStatus

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(seconds=15)  # doubled after each failed attempt: 15 s, 30 s, 1 min, 2 min
NOT_PROCESSED = "Lô xử lý không trả kết quả cho yêu cầu này."
OUTCOMES = ("done", "rejected", "retrying", "failed")


@dataclass
class DrainReport:
    """What one drain did, by outcome (counts of pending rows)."""

    batches: int = 0
    done: int = 0
    rejected: int = 0
    retrying: int = 0
    failed: int = 0

    def add(self, counts: dict[str, int]) -> None:
        for outcome in OUTCOMES:
            setattr(self, outcome, getattr(self, outcome) + counts[outcome])

    def summary(self) -> str:
        return (
            f"Open311: {self.done} yêu cầu đã xử lý, {self.rejected} bị từ chối, "
            f"{self.retrying} sẽ thử lại, {self.failed} lỗi ({self.batches} lô)."
        )


# -- the POST ---------------------------------------------------------------------------------


def _token_new() -> str:
    """``tk-`` and 96 random bits: a token tells nothing about the request or another token."""
    return "tk-" + secrets.token_hex(12)


def open311_request_accept(
    *,
    client: ApiClient,
    idempotency_key: str,
    fields: dict[str, Any],
    reporter: dict[str, str],
    request=None,
) -> tuple[PendingRequest, bool]:
    """Store one validated Open311 request for the task worker; enqueue the worker on commit.

    Args:
        client: The API client that posted it.
        idempotency_key: The request's identity (becomes the signal's ``external_id``).
        fields: The validated request (``service_code``, ``description``, ``lat``, ``lon``,
            ``address``, ``address_id``, ``media_url``, ``device_id``, ``account_id``).
        reporter: The sender's ``name``, ``email`` and ``phone`` (kept until processed).
        request: The HTTP request, for the audit event.

    Returns:
        ``(row, created)``: the new pending row, or the one already stored for the same
        request (a client retrying), with ``created`` False.
    """
    try:
        with transaction.atomic():
            row = PendingRequest.objects.create(
                token=_token_new(),
                idempotency_key=idempotency_key,
                api_client=client,
                fields=fields,
                reporter=reporter,
            )
            audit_record(
                action="intake.open311_request_accept",
                obj=row,
                after={"api_client": client.pk, "service_code": fields.get("service_code", "")},
                request=request,
            )
            # robust: the row is stored, so a failed enqueue must not fail the POST; the next
            # POST's task, or the scheduled `open311_drain`, takes the row.
            transaction.on_commit(_drain_soon, robust=True)
    except IntegrityError:
        # The same request is already stored (its first POST, or a concurrent twin that won).
        earlier = (
            PendingRequest.objects.select_related("signal").filter(idempotency_key=idempotency_key).first()
        )
        if earlier is None:
            raise
        return earlier, False
    return row, True


def _drain_soon() -> None:
    """Enqueue a drain, unless one is already waiting to start (call once the row is committed).

    A drain that has not started yet will see this row, since it starts after this commit. So
    a burst of POSTs enqueues a handful of tasks, not one each: the worker would otherwise run
    (and the task table keep) one task per request, nearly all finding nothing to do.
    """
    from .tasks import open311_pending_drain_task

    if not _drain_waiting(open311_pending_drain_task):
        open311_pending_drain_task.enqueue()


def _drain_waiting(task) -> bool:
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    waiting = DBTaskResult.objects.ready().filter(task_path=task.module_path, backend_name=backend.alias)
    return waiting.exists()


def pending_for_token(token: str) -> PendingRequest | None:
    """The pending row of ``token`` with its signal (``None`` if there is none)."""
    return PendingRequest.objects.select_related("signal").filter(token=token).first()


# -- the worker ---------------------------------------------------------------------------------


class _Communes:
    """The home communes with coordinates, read once per drain, for the nearest-commune rule."""

    def __init__(self) -> None:
        self._units: list[AdminUnit] | None = None

    def nearest(self, lat: float, lon: float) -> AdminUnit | None:
        if self._units is None:
            self._units = list(home_communes().exclude(lat__isnull=True))
        best, best_d = None, math.inf
        scale = math.cos(math.radians(lat))
        for unit in self._units:
            d = (unit.lat - lat) ** 2 + ((unit.lon - lon) * scale) ** 2
            if d < best_d:
                best, best_d = unit, d
        return best


def _signal_input(row: PendingRequest, index: int, communes: _Communes) -> services.SignalInput:
    f = row.fields
    address = f.get("address", "")
    lat, lon = f.get("lat"), f.get("lon")
    unit = services.place_resolve(address) if address else None
    if unit is None and lat is not None:
        unit = communes.nearest(lat, lon)
    person = {k: row.reporter.get(k, "") for k in ("name", "email", "phone")}
    anonymous = not any(person.values())
    return services.SignalInput(
        channel=Channel.OPEN311,
        text=f["description"],
        created_at=row.created_at,  # when the citizen sent it, not when the worker got to it
        external_id=row.idempotency_key,
        source=row.api_client.name,
        unit=unit,
        place_text=address,
        lat=lat,
        lon=lon,
        topic=f["service_code"],
        extra={
            "api_client_id": row.api_client_id,
            "open311_token": row.token,
            "address_id": f.get("address_id", ""),
            "media_url": f.get("media_url", ""),
            # (no device_id or account_id: they would tie a citizen's reports to their phone and
            # their account in the client's app, and nothing here reads them)
        },
        reporter={"anonymous": anonymous, **person, "consent": not anonymous},
        tracking=True,
        row=index,
    )


def _outcomes(batch: list[tuple[PendingRequest, services.SignalInput]], result) -> dict[int, tuple]:
    """``{pending pk: ("done", signal id) | ("rejected", message)}`` from an ingest result."""
    rows = {item.row: row for row, item in batch}
    out: dict[int, tuple] = {}
    by_key = {row.idempotency_key: row for row, _ in batch}
    for signal in result.created:
        out[by_key[signal.external_id].pk] = ("done", signal.pk)
    for index, signal_id in result.duplicates:  # stored before (e.g. by an earlier attempt)
        out[rows[index].pk] = ("done", signal_id)
    for reject in result.rejects:
        out[rows[reject.row].pk] = ("rejected", reject.message)
    return out


def _failure(exc: Exception) -> tuple[str, str]:
    # The class and message are for officials in the admin; they are not logged, since a
    # database error may quote the row's values.
    return ("error", f"{type(exc).__name__}: {exc}"[:2000])


def _ingest(batch: list[tuple[PendingRequest, services.SignalInput]]) -> dict[int, tuple]:
    """Store the batch in one call; if that raises, row by row, each in its own savepoint."""
    try:
        with transaction.atomic():
            return _outcomes(batch, services.signals_ingest_batch(items=[item for _, item in batch]))
    except Exception as exc:  # any failure of the batch: try its rows one by one
        if len(batch) == 1:  # that was the row on its own
            logger.warning("open311 pending request %d failed (%s)", batch[0][0].pk, type(exc).__name__)
            return {batch[0][0].pk: _failure(exc)}
        logger.warning("open311 batch of %d failed (%s); row by row", len(batch), type(exc).__name__)
    out: dict[int, tuple] = {}
    for row, item in batch:
        try:
            with transaction.atomic():
                out.update(_outcomes([(row, item)], services.signals_ingest_batch(items=[item])))
        except Exception as exc:  # the row keeps its error and is tried again
            logger.warning("open311 pending request %d failed (%s)", row.pk, type(exc).__name__)
            out[row.pk] = _failure(exc)
    return out


# What a processed row keeps of its request: the service asked for, nothing the citizen wrote
# (the description, the address), nor their device's or account's id. The signal holds what is
# needed, behind the gatekeeper; the row only answers ``tokens/<token>``.
KEPT_FIELDS = ("service_code",)


def processed_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` of a pending row once it is processed (done or rejected): :data:`KEPT_FIELDS`."""
    return {k: fields[k] for k in KEPT_FIELDS if k in fields}


def _apply(rows: list[PendingRequest], outcomes: dict[int, tuple], moment: datetime) -> dict[str, int]:
    """Mark each row with its outcome (personal data and the request's text emptied once
    processed: :func:`processed_fields`); count outcomes."""
    now = timezone.now()
    counts = dict.fromkeys(OUTCOMES, 0)
    for row in rows:
        kind, value = outcomes.get(row.pk, ("error", NOT_PROCESSED))
        row.attempts += 1
        row.updated_at = now
        if kind == "done":
            row.status, row.signal_id, row.error, row.reporter = PendingStatus.DONE, value, "", {}
            row.fields = processed_fields(row.fields)
            counts["done"] += 1
        elif kind == "rejected":
            row.status, row.error, row.reporter = PendingStatus.REJECTED, value, {}
            row.fields = processed_fields(row.fields)
            counts["rejected"] += 1
        else:
            row.error = value
            if row.attempts >= MAX_ATTEMPTS:
                row.status = PendingStatus.FAILED
                counts["failed"] += 1
            else:
                row.next_attempt_at = moment + RETRY_AFTER * 2 ** (row.attempts - 1)
                counts["retrying"] += 1
    PendingRequest.objects.bulk_update(
        rows, ["status", "signal", "error", "reporter", "fields", "attempts", "next_attempt_at", "updated_at"]
    )
    return counts


def _drain_batch(batch_size: int, moment: datetime, communes: _Communes, report: DrainReport) -> bool:
    """Take, store and mark one batch of pending rows; ``False`` when there was none."""
    with transaction.atomic():
        rows = list(
            PendingRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("api_client")
            .filter(status=PendingStatus.PENDING, next_attempt_at__lte=moment)
            .order_by("next_attempt_at", "pk")[:batch_size]
        )
        if not rows:
            return False
        outcomes: dict[int, tuple] = {}
        batch = []
        for index, row in enumerate(rows):
            try:
                batch.append((row, _signal_input(row, index, communes)))
            except Exception as exc:  # e.g. the place lookup failed: retry later
                outcomes[row.pk] = _failure(exc)
        if batch:
            outcomes.update(_ingest(batch))
        counts = _apply(rows, outcomes, moment)
        audit_record(
            action="intake.open311_requests_process",
            object_type="intake.pendingrequest",
            object_id=rows[0].pk if len(rows) == 1 else "",
            after=counts,
        )
        report.add(counts)
        report.batches += 1
    return True


def open311_pending_drain(
    *, batch_size: int = BATCH_SIZE, max_batches: int | None = None, now: datetime | None = None
) -> DrainReport:
    """Turn the pending Open311 requests that are due into signals, batch after batch.

    Args:
        batch_size: Rows per batch (one ingest call and one transaction each).
        max_batches: Stop after this many batches (``None``: until nothing is due).
        now: The moment rows must be due by (tests pass a later one to see retries).

    Returns:
        How many rows were done, rejected, left to retry, or failed for good.
    """
    report = DrainReport()
    communes = _Communes()
    while max_batches is None or report.batches < max_batches:
        moment = now or timezone.now()
        if not _drain_batch(batch_size, moment, communes, report):
            break
    if report.retrying:
        _retry_later()
    return report


def _retry_later() -> None:
    """Enqueue a drain for when the earliest retry is due (if the task backend can defer)."""
    from .tasks import open311_pending_drain_task

    if not open311_pending_drain_task.get_backend().supports_defer:
        return  # the immediate backend (tests): the next POST's task, or a test, drains again
    due = (
        PendingRequest.objects.filter(status=PendingStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if due is not None:
        open311_pending_drain_task.using(run_after=due).enqueue()


# -- officials --------------------------------------------------------------------------------


def open311_pending_retry(*, rows, actor, request=None) -> int:
    """An official sends failed (or waiting) requests back to the queue with fresh attempts.

    Returns:
        How many rows were sent back (done and rejected rows are left as they are).
    """
    with transaction.atomic():
        wanted = list(
            PendingRequest.objects.select_for_update()
            .filter(pk__in=[r.pk for r in rows], status__in=[PendingStatus.FAILED, PendingStatus.PENDING])
            .values_list("pk", flat=True)
        )
        if not wanted:
            return 0
        now = timezone.now()
        PendingRequest.objects.filter(pk__in=wanted).update(
            status=PendingStatus.PENDING, attempts=0, next_attempt_at=now, updated_at=now
        )
        audit_record(
            action="intake.open311_requests_retry",
            actor=actor,
            object_type="intake.pendingrequest",
            object_id=wanted[0] if len(wanted) == 1 else "",
            after={"ids": wanted, "status": PendingStatus.PENDING, "attempts": 0},
            request=request,
        )
        transaction.on_commit(_drain_soon, robust=True)
    return len(wanted)
