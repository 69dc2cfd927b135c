"""Editing campaigns and their outputs: the rules of creation, an audit with before/after, 404s."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from duluan.apps.audit.models import AuditEvent
from duluan.apps.campaigns import services
from duluan.apps.campaigns.models import Campaign, OutputStatus


def _campaign_args(campaign, **changes):
    args = {
        "title": campaign.title,
        "theme": campaign.theme,
        "start_on": campaign.start_on,
        "end_on": campaign.end_on,
        "lead_agency": campaign.lead_agency,
        "topic_codes": campaign.topic_codes,
        "keywords": campaign.keywords,
        "target_units": list(campaign.target_units.all()),
        "channels": list(campaign.channels.all()),
        "partner_agencies": list(campaign.partner_agencies.all()),
    }
    return {**args, **changes}


@pytest.fixture
def output(campaign, demo, channel):
    return services.output_create(
        campaign=campaign,
        actor=demo["dieuphoi"],
        channel=channel("hoi-nghi"),
        kind="meeting",
        title="Hội nghị đối thoại",
        planned_on=date(2026, 3, 10),
        today=date(2026, 4, 1),
    )


def test_a_coordinator_edits_a_campaign_and_the_change_is_audited(campaign, demo, unit):
    # when the coordinator changes the title, the period and the places
    updated = services.campaign_update(
        campaign=campaign,
        actor=demo["dieuphoi"],
        **_campaign_args(
            campaign,
            title="Tuyên truyền hợp nhất tỉnh",
            end_on=date(2026, 4, 15),
            target_units=[unit("07210")],
        ),
    )
    # then the campaign holds the new values (NFC) and one audit event has before and after
    campaign.refresh_from_db()
    assert (campaign.title, campaign.end_on) == ("Tuyên truyền hợp nhất tỉnh", date(2026, 4, 15))
    assert [u.code for u in updated.target_units.all()] == ["07210"]
    event = AuditEvent.objects.get(action="campaigns.campaign_update")
    assert event.before["title"] == "Tuyên truyền sáp nhập tỉnh" and event.after["title"] == campaign.title
    assert event.before["end_on"] == "2026-03-31" and event.after["end_on"] == "2026-04-15"
    assert len(event.before["target_units"]) == 2 and event.after["target_units"] == ["2025:07210"]


def test_a_campaign_edit_keeps_the_creation_rules_and_its_outputs_inside(campaign, output, demo):
    # impossible dates and an empty theme are refused with the reasons, nothing changes
    with pytest.raises(ValidationError) as exc:
        services.campaign_update(
            campaign=campaign,
            actor=demo["dieuphoi"],
            **_campaign_args(campaign, theme=" ", start_on=date(2026, 3, 20), end_on=date(2026, 3, 1)),
        )
    assert exc.value.messages == [services.ERROR_THEME, services.ERROR_END_BEFORE_START]
    # moving the start past a planned output is refused: the output would fall outside
    with pytest.raises(ValidationError) as exc:
        services.campaign_update(
            campaign=campaign, actor=demo["dieuphoi"], **_campaign_args(campaign, start_on=date(2026, 3, 15))
        )
    assert exc.value.messages == [
        services.ERROR_OUTPUTS_OUTSIDE.format(n=1, start="15/03/2026", end="31/03/2026")
    ]
    assert Campaign.objects.get(pk=campaign.pk).start_on == date(2026, 3, 1)
    assert not AuditEvent.objects.filter(action="campaigns.campaign_update").exists()


def test_only_coordinators_and_heads_of_the_lead_agency_edit_campaigns(campaign, demo):
    for username in ("canbo.btg", "phantich", "lanhdao.nnmt"):
        with pytest.raises(PermissionDenied):
            services.campaign_update(campaign=campaign, actor=demo[username], **_campaign_args(campaign))


def test_an_output_is_corrected_then_delivered_with_an_audit(output, demo, channel):
    # when the coordinator moves it to another channel and day
    services.output_update(
        output=output,
        actor=demo["dieuphoi"],
        channel=channel("bao-chi"),
        kind="article",
        title="Bài viết về hội nghị",
        planned_on=date(2026, 3, 12),
        planned_quantity=2,
        today=date(2026, 4, 1),
    )
    # and then records it delivered through the same edit
    services.output_update(
        output=output,
        actor=demo["canbo.btg"],
        channel=channel("bao-chi"),
        kind="article",
        title="Bài viết về hội nghị",
        planned_on=date(2026, 3, 12),
        planned_quantity=2,
        delivered_on=date(2026, 3, 13),
        reach=1200,
        today=date(2026, 4, 1),
    )
    # then it is delivered with the planned quantity and each change is audited with before/after
    output.refresh_from_db()
    assert (output.status, output.delivered_quantity, output.reach) == (OutputStatus.DELIVERED, 2, 1200)
    assert output.delivered_by == demo["canbo.btg"]
    first, second = AuditEvent.objects.filter(action="campaigns.output_update").order_by("pk")
    assert (first.before["channel"], first.after["channel"]) == ("hoi-nghi", "bao-chi")
    assert (second.before["status"], second.after["status"]) == ("planned", "delivered")


def test_bad_output_edits_are_refused_with_clear_messages(output, demo):
    args = {
        "output": output,
        "actor": demo["dieuphoi"],
        "kind": "meeting",
        "title": "Hội nghị",
        "planned_on": date(2026, 3, 10),
        "today": date(2026, 4, 1),
    }
    # no channel, a delivery before the campaign, negative counts
    with pytest.raises(ValidationError) as exc:
        services.output_update(
            **args, channel=None, delivered_on=date(2026, 2, 1), attendance=-5, planned_quantity=-1
        )
    assert exc.value.messages == [
        services.ERROR_NO_CHANNEL,
        services.ERROR_NEGATIVE.format(field="Số lượng kế hoạch"),
        services.ERROR_NEGATIVE.format(field="Số người tham dự"),
        services.ERROR_DELIVERED_BEFORE_START.format(day="01/02/2026", start="01/03/2026"),
    ]
    # a delivery in the future, a planned day outside the campaign
    with pytest.raises(ValidationError) as exc:
        services.output_update(
            **{**args, "planned_on": date(2026, 5, 1)}, channel=output.channel, delivered_on=date(2026, 4, 2)
        )
    assert exc.value.messages == [
        services.ERROR_PLANNED_OUTSIDE.format(day="01/05/2026", start="01/03/2026", end="31/03/2026"),
        services.ERROR_DELIVERED_FUTURE.format(day="02/04/2026"),
    ]
    output.refresh_from_db()
    assert (output.title, output.status) == ("Hội nghị đối thoại", OutputStatus.PLANNED)
    # an officer of an agency outside the campaign may not
    with pytest.raises(PermissionDenied):
        services.output_update(**{**args, "actor": demo["canbo.nnmt"]}, channel=output.channel)


def test_the_edit_pages_work_for_writers_and_are_not_found_by_other_agencies(campaign, output, demo, client):
    edit_campaign = reverse("campaigns:edit", args=[campaign.pk])
    edit_output = reverse("campaigns:output_edit", args=[output.pk])
    # an officer of another agency finds neither the campaign nor its output
    client.force_login(demo["canbo.nnmt"])
    assert client.get(edit_campaign).status_code == 404
    assert client.get(edit_output).status_code == 404
    assert client.post(edit_output, {"title": "x"}).status_code == 404
    # an analyst sees the campaign but may not edit it
    client.force_login(demo["phantich"])
    assert client.get(edit_campaign).status_code == 403
    # the coordinator edits the campaign through its form (prefilled)
    client.force_login(demo["dieuphoi"])
    page = client.get(edit_campaign)
    assert page.status_code == 200 and "Tuyên truyền sáp nhập tỉnh" in page.content.decode()
    form = {
        "title": "Tuyên truyền hợp nhất",
        "theme": campaign.theme,
        "topic_codes": ["reorganisation"],
        "keywords": "sáp nhập, hợp nhất",
        "communes": [u.pk for u in campaign.target_units.all()],
        "start_on": "2026-03-01",
        "end_on": "2026-02-01",
        "lead_agency": campaign.lead_agency_id,
    }
    assert services.ERROR_END_BEFORE_START in client.post(edit_campaign, form).content.decode()
    page = client.post(edit_campaign, {**form, "end_on": "2026-03-31"}, follow=True)
    assert "Tuyên truyền hợp nhất" in page.content.decode()
    campaign.refresh_from_db()
    assert campaign.keywords == ["sáp nhập", "hợp nhất"] and campaign.target_units.count() == 2
    # an officer of a partner agency corrects the output; a negative count is explained
    client.force_login(demo["canbo.btg"])
    page = client.get(edit_output)
    assert page.status_code == 200 and "Hội nghị đối thoại" in page.content.decode()
    data = {
        "channel": output.channel_id,
        "kind": "meeting",
        "title": "Hội nghị đối thoại với Nhân dân",
        "planned_on": "2026-03-10",
        "planned_quantity": "1",
        "attendance": "-1",
    }
    assert (
        services.ERROR_NEGATIVE.format(field="Số người tham dự")
        in client.post(edit_output, data).content.decode()
    )
    assert services.ERROR_NO_CHANNEL in client.post(edit_output, {**data, "channel": ""}).content.decode()
    client.post(edit_output, {**data, "attendance": "150"})
    output.refresh_from_db()
    assert (output.title, output.attendance) == ("Hội nghị đối thoại với Nhân dân", 150)
