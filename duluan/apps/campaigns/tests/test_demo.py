"""The demo campaign: outputs, an acknowledged note, demo signals with an effect; twice = once."""

import pytest

from duluan.apps.audit.models import AuditEvent
from duluan.apps.campaigns import demo as campaigns_demo
from duluan.apps.campaigns import effect as eng
from duluan.apps.campaigns import selectors
from duluan.apps.campaigns.models import Campaign, NoteStatus, OrientationNote, Output
from duluan.apps.intake.models import Signal


@pytest.fixture
def full_demo(db):
    from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed

    demo_agencies_seed()
    demo_users_seed()


def test_the_demo_seeds_once_and_measures_an_effect(full_demo):
    # when seeded twice (without the issues demo: no hot merger issue to link)
    first = campaigns_demo.seed(progress=lambda *_: None)
    counts = (Output.objects.count(), Signal.objects.count(), AuditEvent.objects.count())
    second = campaigns_demo.seed(progress=lambda *_: None)
    # then the second run adds nothing
    assert (Output.objects.count(), Signal.objects.count(), AuditEvent.objects.count()) == counts
    assert "0 sản phẩm mới, 0 tín hiệu mẫu mới" in second and "0 tín hiệu mẫu mới" not in first
    campaign = Campaign.objects.get(title=campaigns_demo.TITLE)
    assert campaign.outputs.filter(status="delivered").count() == 7
    assert {u.scheme for u in campaign.target_units.all()} == {"2025", "pre2025"}
    # the note went through the workflow without an issue, and says so
    note = OrientationNote.objects.get(title=campaigns_demo.NOTE_TITLE)
    assert note.status == NoteStatus.DELIVERED and note.issue is None
    assert note.acknowledgements.get().user.username == "canbo.bacgiang"
    assert "chưa gắn vấn đề" in first
    # the demo signals sit in one issue (the clusterer's fragments merged, as an official would)
    issues = set(
        Signal.objects.filter(external_id__startswith="campaigns-demo-").values_list("issue_id", flat=True)
    )
    assert len(issues) == 1
    # and the demo signals give enough data for an estimate during the campaign
    est = selectors.campaign_effect(campaign).result.estimate("share_negative", eng.DURING)
    assert est.enough and est.low < est.value < est.high
