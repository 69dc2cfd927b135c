from datetime import timedelta

import pytest
from django.core import mail

from duluan.apps.issues.models import Alert, Burst, HotnessSettings
from duluan.apps.issues.services import hotness_weights_current, issues_refresh_hotness
from duluan.apps.issues.services.hotness import _live_elapsed


@pytest.mark.django_db
def test_a_surging_issue_turns_hot_with_reasons_and_coordinators_get_mail(
    demo, make_issue, midday, django_capture_on_commit_callbacks
):
    # given a coordinator with an e-mail address, and a quiet issue that surges over the last three days
    demo["dieuphoi"].email = "dieuphoi@example.org"
    demo["dieuphoi"].save(update_fields=["email"])
    issue = make_issue("ngap ung", days=list(range(3, 30, 5)), per_day=1, now=midday)
    surge = make_issue("ngap ung moi", days=(0, 1, 2), per_day=8, now=midday)
    # when hotness is refreshed (at noon: see the fixture)
    with django_capture_on_commit_callbacks(execute=True):
        result = issues_refresh_hotness(now=midday)
    # then the surging issue is hot, explained component by component, with a forecast and an alert
    surge.refresh_from_db()
    issue.refresh_from_db()
    assert surge.hotness_level == "hot" and result.hot >= 1
    assert {c["name"] for c in surge.hotness_components} >= {"volume", "growth", "negative"}
    assert all(c["explanation_vi"] for c in surge.hotness_components)
    assert round(sum(c["points"] for c in surge.hotness_components), 0) == round(surge.hotness, 0)
    assert len(surge.forecast["mean"]) == 7 and all(
        lo <= hi for lo, hi in zip(surge.forecast["lo95"], surge.forecast["hi95"], strict=True)
    )
    alert = Alert.objects.get(issue=surge, kind="became_hot")
    assert any("phản ánh" in r for r in alert.reasons_vi)
    assert len(mail.outbox) == 1 and f"#{surge.pk}" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["dieuphoi@example.org"] and "Lý do" in mail.outbox[0].body
    # and the e-mail names the issue by number and link, never by its title (citizens' words)
    assert f"/issues/{surge.pk}/" in mail.outbox[0].body
    assert surge.title not in mail.outbox[0].subject and surge.title not in mail.outbox[0].body
    # and the place burst is stored, explained, and named in the alert
    burst = Burst.objects.filter(kind="place", key="07210").order_by("-flagged_at").first()
    assert burst.ongoing and "Phường Bắc Giang" in burst.explanation_vi
    assert any("Đột biến" in r for r in alert.reasons_vi)
    # and neither a full refresh nor a partial one (after an ingest batch) repeats the alert
    with django_capture_on_commit_callbacks(execute=True):
        issues_refresh_hotness(now=midday)
        issues_refresh_hotness(now=midday, issue_ids=[surge.pk])
    assert Alert.objects.filter(issue=surge, kind="became_hot").count() == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_surge_stays_hot_just_after_midnight(make_issue):
    from django.utils import timezone

    # given a surge over the last three days, scored half a minute into today: most of the
    # signals of each day fell just before its midnight, only one so far today
    midnight = timezone.localtime().replace(hour=0, minute=0, second=30, microsecond=0)
    make_issue("ngap ung", days=list(range(3, 30, 5)), per_day=1, now=midnight)
    surge = make_issue("ngap ung moi", days=(0, 1, 2), per_day=8, now=midnight)
    # when hotness is refreshed
    issues_refresh_hotness(now=midnight)
    # then the last 72 hours hold the whole surge, as they did a minute before midnight
    surge.refresh_from_db()
    volume = next(c for c in surge.hotness_components if c["name"] == "volume")
    assert surge.hotness_level == "hot" and volume["explanation_vi"].startswith("24 phản ánh")
    # and the commune's burst is still going on
    assert Burst.objects.filter(kind="place", key="07210").order_by("-flagged_at").first().ongoing
    # and only today is read as a day still being counted: a day that is over is whole in its row
    assert _live_elapsed(midnight + timedelta(hours=6)) == pytest.approx(0.25, abs=1e-3)
    assert _live_elapsed(midnight - timedelta(hours=12)) is None


@pytest.mark.django_db
def test_the_forecast_starts_today_from_the_days_that_are_over(make_issue):
    from django.utils import timezone

    # given an issue with eight signals around noon every day for five weeks, scored half a
    # minute into a day that has none yet
    midnight = timezone.localtime().replace(hour=0, minute=0, second=30, microsecond=0)
    steady = make_issue("den duong hong", days=range(1, 36), per_day=8, now=midnight + timedelta(hours=12))
    # when hotness is refreshed
    issues_refresh_hotness(now=midnight)
    # then the forecast covers today and the six days after, learnt from the days that are over,
    # so today's empty half minute does not pull it down
    steady.refresh_from_db()
    assert steady.forecast["days"][0] == midnight.date().isoformat()
    assert len(steady.forecast["days"]) == 7 and min(steady.forecast["mean"]) > 7


@pytest.mark.django_db
def test_weights_from_the_admin_are_validated():
    # given invalid weights
    bad = HotnessSettings(name="x", weights={"hot_threshold": 10, "watch_threshold": 50})
    # then validation refuses them, and valid ones are used
    with pytest.raises(Exception, match="ngưỡng"):
        bad.full_clean()
    HotnessSettings.objects.create(name="ok", weights={"volume": 40})
    assert hotness_weights_current().volume == 40


@pytest.mark.django_db
def test_a_silent_issue_is_scored_once_more_to_cool_down_then_left_alone(make_issue):
    from datetime import timedelta

    from django.utils import timezone

    from duluan.apps.issues.models import Issue

    # given an issue last scored hot while active, silent for 100 days since
    old = make_issue("chuyen cu", days=(100, 101), per_day=3)
    Issue.objects.filter(pk=old.pk).update(
        hotness=80, hotness_level="hot", hotness_at=timezone.now() - timedelta(days=99)
    )
    # when hotness is refreshed twice
    first = issues_refresh_hotness()
    second = issues_refresh_hotness()
    # then the first refresh cools it down (with a "cooled" alert), the second leaves it alone
    old.refresh_from_db()
    assert first.issues == 1 and old.hotness_level == "normal"
    assert Alert.objects.filter(issue=old, kind="cooled").count() == 1
    assert second.issues == 0


@pytest.mark.django_db
def test_a_refresh_of_given_issues_scores_only_the_candidates_among_them(make_issue):
    from duluan.apps.issues.models import Issue

    # given two active issues, one silent for 100 days and never scored, and an active one merged away
    active = make_issue("ngap ung pho", days=(0, 1))
    unasked = make_issue("ngap ung cau", days=(0,))
    silent = make_issue("chuyen cu", days=(100,))
    merged = make_issue("ngap ung pho 2", days=(0,))
    Issue.objects.filter(pk=merged.pk).update(merged_into=active)
    # when three of them are refreshed (ids close together), then ids far apart (one not an issue)
    dense = issues_refresh_hotness(issue_ids=[merged.pk, silent.pk, active.pk])
    sparse = issues_refresh_hotness(issue_ids=[silent.pk, active.pk + 1000])
    again = issues_refresh_hotness(issue_ids=[active.pk, silent.pk + 5000])
    # then only the active issue asked for that was not merged is scored, whichever way the ids come
    assert (dense.issues, sparse.issues, again.issues) == (1, 0, 1)
    scored = set(Issue.objects.filter(hotness_at__isnull=False).values_list("pk", flat=True))
    assert scored == {active.pk} and unasked.pk not in scored


@pytest.mark.django_db
def test_a_full_refresh_drops_the_stored_bursts_it_no_longer_finds(make_issue, midday):
    from duluan.apps.issues.services.hotness import BURST_KEEP_DAYS

    # given a surge whose place burst is stored, then a burst an earlier refresh stored that the
    # signals no longer show (recent), and one that ended long ago
    make_issue("ngap ung moi", days=(0, 1, 2), per_day=8, now=midday)
    issues_refresh_hotness(now=midday)
    found = set(Burst.objects.values_list("kind", "key", "start"))
    today = midday.date()

    def stored(key, end):
        return Burst.objects.create(
            kind="place",
            key=key,
            label=key,
            start=end - timedelta(days=2),
            end=end,
            flagged_at=end,
            peak=end,
            observed=5,
            expected=1,
            score=1.2,
            ongoing=True,
            explanation_vi="-",
            explanation_en="-",
        )

    stale = stored("09187", today - timedelta(days=1))
    old = stored("09187", today - timedelta(days=BURST_KEEP_DAYS + 5))
    # when hotness is refreshed in full, and once for the surge alone (after an ingest batch)
    issues_refresh_hotness(now=midday)
    # then the stale burst is gone, the old one is kept as history, and the others are the same
    assert not Burst.objects.filter(pk=stale.pk).exists() and Burst.objects.filter(pk=old.pk).exists()
    assert set(Burst.objects.exclude(pk=old.pk).values_list("kind", "key", "start")) == found
    assert ("place", "07210") in {(k, c) for k, c, _ in found}
