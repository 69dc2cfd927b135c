import pytest

from duluan.apps.audit.models import AuditEvent
from duluan.apps.intake.models import Signal
from duluan.apps.issues.models import Correction, Issue
from duluan.apps.issues.selectors import cluster_constraints, topic_corrections
from duluan.apps.issues.services import (
    IssueError,
    corrections_replay,
    issue_merge,
    issue_rename,
    issue_split,
    issue_topic_confirm,
    issues_after_ingest,
)
from duluan.apps.issues.services.corrections import MERGE_INTO_ITSELF, SPLIT_NO_SIGNALS


@pytest.mark.django_db
def test_merge_moves_signals_records_the_correction_and_audits(make_issue):
    # given two issues about the same flood
    a = make_issue("ngap ung a", days=(0, 1), per_day=2)
    b = make_issue("ngap ung b", days=(0,), per_day=3)
    # when an official merges a into b
    target = issue_merge(source=a, target=b, reason="cùng sự việc")
    # then b holds all signals, a points at b, and the correction and audit are written
    a.refresh_from_db()
    assert a.merged_into_id == b.pk and a.signal_count == 0
    assert target.signal_count == 7 and Signal.objects.filter(issue=b).count() == 7
    assert sum(b.days.values_list("count", flat=True)) == 7
    corr = Correction.objects.get(kind="merge")
    assert len(corr.signal_ids) == 4 and corr.anchor_signal_id is not None
    assert AuditEvent.objects.filter(action="issues.issue_merge").exists()
    assert cluster_constraints()["must_link"]


@pytest.mark.django_db
def test_merge_into_itself_and_empty_split_change_nothing(make_issue):
    # given an issue
    a = make_issue("mot van de", days=(0,), per_day=2)
    # when merged into itself / split with no signals
    with pytest.raises(IssueError, match=MERGE_INTO_ITSELF):
        issue_merge(source=a, target=a)
    with pytest.raises(IssueError, match=SPLIT_NO_SIGNALS):
        issue_split(issue=a, signal_ids=[], title="moi")
    # then nothing changed
    a.refresh_from_db()
    assert a.merged_into_id is None and a.signal_count == 2
    assert not Correction.objects.exists() and Issue.objects.count() == 1


@pytest.mark.django_db
def test_split_moves_chosen_signals_to_a_new_named_issue(make_issue):
    # given an issue mixing two matters
    a = make_issue("hai chuyen", days=(0, 1, 2), per_day=2)
    chosen = list(Signal.objects.filter(issue=a).order_by("pk").values_list("pk", flat=True)[:2])
    # when two signals are split off
    new = issue_split(issue=a, signal_ids=chosen, title="Chuyện thứ hai")
    # then they form a new issue with the official's title and a correction
    a.refresh_from_db()
    assert new.title == "Chuyện thứ hai" and new.title_confirmed and new.signal_count == 2
    assert a.signal_count == 4
    assert Correction.objects.get(kind="split").signal_ids == chosen


@pytest.mark.django_db
def test_merged_issues_stay_merged_after_ingest_and_after_reclustering(make_issue):
    # given a merged into b
    a = make_issue("nuoc sach a", days=(0,), per_day=2)
    b = make_issue("nuoc sach b", days=(0,), per_day=2)
    issue_merge(source=a, target=b)
    # when the clusterer later puts a new signal into a (its old cluster)
    s = Signal.objects.filter(issue=b).first()
    Signal.objects.filter(pk=s.pk).update(issue=a)
    issues_after_ingest(issue_ids=[a.pk], refresh=False)
    # then the signal ends up in b
    assert Signal.objects.get(pk=s.pk).issue_id == b.pk
    # and when issues are rebuilt from scratch (the merged signals back in an issue of their own)
    fresh = Issue.objects.create(title="rebuilt")
    moved = Correction.objects.get(kind="merge").signal_ids
    Signal.objects.filter(pk__in=moved).update(issue=fresh)
    assert corrections_replay() == 1
    # then the merge is re-applied
    assert set(Signal.objects.filter(pk__in=moved).values_list("issue_id", flat=True)) == {b.pk}


@pytest.mark.django_db
def test_rename_and_topic_confirmation_are_training_data(make_issue):
    # given an issue with the wrong topic
    a = make_issue("thu tuc giay to sap nhap", days=(0,), per_day=3, topic="other")
    # when an official renames it and confirms its topic
    issue_rename(issue=a, title="Thủ tục sau sáp nhập")
    issue_topic_confirm(issue=a, topic="reorganisation")
    # then the title is confirmed, searchable without accents, and the topic feeds retraining
    a.refresh_from_db()
    assert a.title_confirmed and "sap nhap" in a.search_key
    assert set(Signal.objects.filter(issue=a).values_list("topic_confirmed", flat=True)) == {True}
    pairs = list(topic_corrections())
    assert len(pairs) == 3 and {t for _, t in pairs} == {"reorganisation"}
    # (the same pairs that `retrain_models` learns)
    from duluan.apps.intake.selectors import topic_training_pairs

    assert sorted(topic_training_pairs()) == sorted(pairs)
    with pytest.raises(IssueError):
        issue_topic_confirm(issue=a, topic="khong-co")
