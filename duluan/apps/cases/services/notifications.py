"""In-app notifications (rows) and e-mails, sent only once the change that caused them is committed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from ..models import Case, Notification


def notify(
    *,
    users: Iterable,
    kind: str,
    message: str,
    case: Case | None = None,
    url: str = "",
    email_subject: str = "",
) -> list[Notification]:
    """One notification row per user now; e-mails to those with an address after commit.

    A notification is about a ``case`` or, for other apps (coordination plans), about the page at
    ``url``; the inbox (``/cases/notifications/``) links to whichever it has.
    """
    by_pk = {u.pk: u for u in users if u is not None}  # one row per person, even if listed twice
    users = list(by_pk.values())
    rows = Notification.objects.bulk_create(
        [Notification(user=u, case=case, url=url[:300], kind=kind, message=message[:500]) for u in users]
    )
    recipients = sorted({u.email for u in users if u.email})
    if email_subject and recipients:
        subject, body = email_subject, message

        def _send() -> None:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)

        transaction.on_commit(_send)
    return rows
