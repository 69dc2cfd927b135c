"""What intake keeps of a citizen's client, and for how long.

The web form stores, on each signal it creates, the mark of the client that sent it
(``extra["client"]``: the keyed hash of its address and its browser's number,
:func:`~duluan.apps.core.ratelimit.client_id`) so that the same words sent twice within
:data:`~duluan.apps.intake.services.DOUBLE_SUBMIT_WINDOW` are stored once. Past that window the
mark serves nothing and would let a citizen's reports be linked to each other and to their
browser: :func:`signal_client_marks_purge` removes it. It runs with every Open311 drain (the
``open311_drain`` command, every five minutes by cron, and the task each Open311 request
enqueues).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from duluan.apps.audit.services import audit_record

from .models import Channel, Signal
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
