"""What intake keeps of a citizen's client, and for how long.

The web form stores, on each signal it creates, the mark of the client that sent it
(``extra["client"]``: the keyed hash of its address and its browser's number,
:func:`~duluan.apps.core.ratelimit.client_id`) so that the same words sent twice within
:data:`~duluan.apps.intake.services.DOUBLE_SUBMIT_WINDOW` are stored once. Past that window the
mark serves nothing and would let a citizen's reports be linked to each other and to their
browser: :func:`signal_client_marks_purge` removes it.

An Open311 request waits in a pending row until the worker files it; once filed (or rejected)
the row keeps only its service (:func:`~duluan.apps.intake.open311_queue.processed_fields`).
:func:`open311_processed_rows_purge` empties the rows processed before that rule, and the
device and account ids signals kept then.

:func:`intake_retention_purge` runs both with every Open311 drain (the ``open311_drain``
command, every five minutes by cron, and the task each Open311 request enqueues).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from duluan.apps.audit.services import audit_record

from .models import Channel, PendingRequest, PendingStatus, Signal
from .open311_queue import KEPT_FIELDS, processed_fields
from .services import DOUBLE_SUBMIT_WINDOW

CHUNK = 1000


def signal_client_marks_purge(*, now: datetime | None = None) -> int:
    """Remove ``extra["client"]`` from the web signals received before the double-submit window.

    Returns:
        How many signals lost their mark (one audit event counts them, when any did).
    """
    cutoff = (now or timezone.now()) - DOUBLE_SUBMIT_WINDOW
    qs = Signal.objects.filter(channel=Channel.WEB, received_at__lt=cutoff, extra__has_key="client")
    purged = 0
    with transaction.atomic():
        rows = list(qs.select_for_update().only("pk", "extra")[:CHUNK])
        while rows:
            for signal in rows:
                signal.extra = {k: v for k, v in signal.extra.items() if k != "client"}
            Signal.objects.bulk_update(rows, ["extra"])
            purged += len(rows)
            rows = list(qs.select_for_update().only("pk", "extra")[:CHUNK])
        if purged:
            audit_record(
                action="intake.signal_client_marks_purge",
                object_type="intake.signal",
                after={"signals": purged},
            )
    return purged


def open311_processed_rows_purge() -> int:
    """Empty the text, address and ids of processed Open311 rows, and drop the device and account
    ids from Open311 signals (both kept before they were emptied on processing).

    Returns:
        How many rows and signals were emptied (one audit event counts them, when any were).
    """
    purged = 0
    with transaction.atomic():
        rows = PendingRequest.objects.select_for_update().filter(
            status__in=[PendingStatus.DONE, PendingStatus.REJECTED]
        )
        stale = [r for r in rows.only("pk", "fields") if set(r.fields) - set(KEPT_FIELDS)]
        for row in stale:
            row.fields = processed_fields(row.fields)
        PendingRequest.objects.bulk_update(stale, ["fields"], batch_size=CHUNK)
        ids = ("device_id", "account_id")
        signals = Signal.objects.select_for_update().filter(channel=Channel.OPEN311)
        marked = [
            s
            for s in signals.filter(extra__has_any_keys=list(ids)).only("pk", "extra")
            if set(s.extra) & set(ids)
        ]
        for signal in marked:
            signal.extra = {k: v for k, v in signal.extra.items() if k not in ids}
        Signal.objects.bulk_update(marked, ["extra"], batch_size=CHUNK)
        purged = len(stale) + len(marked)
        if purged:
            audit_record(
                action="intake.open311_processed_purge",
                object_type="intake.pendingrequest",
                after={"requests": len(stale), "signals": len(marked)},
            )
    return purged


def intake_retention_purge() -> int:
    """Every purge of this module; returns how many rows they emptied."""
    return signal_client_marks_purge() + open311_processed_rows_purge()
