from datetime import timedelta

import pytest
from django.utils import timezone

from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
from duluan.apps.accounts.models import User


@pytest.fixture
def demo(db):
    demo_agencies_seed()
    demo_users_seed()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def midday():
    """The last local noon: a moment whose local day holds every signal of a test's "day 0".

    Signals of one day are spread over minutes before ``now``; scored just after local midnight,
    all but the first would fall on the day before, and a test of a surge would then see none.
    """
    now = timezone.localtime()
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon <= now else noon - timedelta(days=1)


@pytest.fixture
def make_issue(db):
    """Build an issue with signals directly (what the clusterer would have written), then recount it."""
    from duluan.apps.geo.models import AdminUnit
    from duluan.apps.intake.models import Signal
    from duluan.apps.issues.models import Issue
    from duluan.apps.issues.services import issues_rebuild_aggregates

    counter = {"n": 0}

    def make(
        title,
        *,
        unit=("2025", "07210"),
        days=(0,),
        per_day=1,
        topic="transport",
        sentiment="negative",
        channel="web",
        now=None,
    ):
        now = now or timezone.now()
        u = AdminUnit.objects.get(scheme=unit[0], code=unit[1]) if unit else None
        issue = Issue.objects.create(title=title, topic=topic, cluster_key=f"t:{title}")
        rows = []
        for d in days:
            for k in range(per_day):
                counter["n"] += 1
                n = counter["n"]
                rows.append(
                    Signal(
                        channel=channel,
                        external_id=f"t-{n}",
                        content_hash=f"h{n}",
                        text=f"{title} {n}",
                        text_masked=f"{title} {n}",
                        search_key=f"{title} {n}",
                        created_at=now - timedelta(days=d, minutes=k),
                        unit=u,
                        topic=topic,
                        sentiment=sentiment,
                        intensity=0.7,
                        issue=issue,
                    )
                )
        Signal.objects.bulk_create(rows)
        issues_rebuild_aggregates([issue.pk])
        issue.refresh_from_db()
        return issue

    return make
