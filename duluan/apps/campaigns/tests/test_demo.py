"""The demo campaign: outputs, an acknowledged note, demo signals with an effect; twice = once."""

import pytest

from duluan.apps.audit.models import AuditEvent
from duluan.apps.campaigns import demo as campaigns_demo
from duluan.apps.campaigns import effect as eng
from duluan.apps.campaigns import selectors
from duluan.apps.campaigns.models import Campaign, NoteStatus, OrientationNote, Output, SurveyLink
from duluan.apps.intake.models import Signal
from duluan.apps.surveys.models import Response


@pytest.fixture
def full_demo(db):
    from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
    from duluan.apps.geo.models import AdminUnit
    from duluan.apps.surveys import demo as surveys_demo
    from duluan.apps.surveys.services import frame_import

    demo_agencies_seed()
    demo_users_seed()
    # the surveys demo's synthetic frame, which the campaign's demo survey round samples from
    content, _ = surveys_demo._synthetic_frame_csv()
    province = AdminUnit.objects.get(scheme="2025", code="24")
    frame_import(
        name=surveys_demo.FRAME_NAME, year=2025, province=province, content=content, is_synthetic=True
    )


def test_the_demo_seeds_once_and_measures_an_effect(full_demo):
    # when seeded twice (without the issues demo: no hot merger issue to link)
    first = campaigns_demo.seed(progress=lambda *_: None)
    counts = (
        Output.objects.count(),
        Signal.objects.count(),
        AuditEvent.objects.count(),
        Response.objects.count(),
        SurveyLink.objects.count(),
    )
    second = campaigns_demo.seed(progress=lambda *_: None)
    # then the second run adds nothing
    assert (
        Output.objects.count(),
        Signal.objects.count(),
        AuditEvent.objects.count(),
        Response.objects.count(),
        SurveyLink.objects.count(),
    ) == counts
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
    # and a linked (synthetic) survey round shows awareness and support, higher where it ran
    survey = selectors.campaign_survey(campaign)
    panel = survey["panels"][0]
    assert survey["available"] and panel.synthetic and f"đợt khảo sát {campaigns_demo.SURVEY_ROUND}" in first
    aware = panel.rows[0][2]
    assert aware.targeted.enough and aware.other.enough and aware.difference.low > 0
