"""In-app notifications (rows) and e-mails, sent only once the change that caused them is committed.

A message names a case by :func:`case_reference` (its code, kind and deadline), never by its title
or what the citizen wrote: those may name who wrote in, and an e-mail leaves the platform, to
mailboxes and their copies, with no gatekeeper to ask.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from ..models import Case, Notification, Status

OPEN_LINK = "Xem tại: {link}"


def case_reference(case: Case) -> str:
    """``BN-… (tố cáo, hạn thụ lý 16/03/2026)``: what a message says of a case."""
    parts = [case.get_kind_display().lower()]
    due = case.current_due
    if due is not None:
        step = "thụ lý" if case.status == Status.RECEIVED else "giải quyết"
        parts.append(f"hạn {step} {due:%d/%m/%Y}")
    return f"{case.code} ({', '.join(parts)})"


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
        link = url or (reverse("cases:detail", args=[case.pk]) if case is not None else "")
        subject, body = email_subject, message
        if link:
            body = f"{message}\n\n{OPEN_LINK.format(link=getattr(settings, 'SITE_URL', '') + link)}"

        def _send() -> None:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)

        transaction.on_commit(_send)
    return rows
