"""Routing rules: the most specific matching rule wins; the case records it; re-routing is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from duluan.apps.accounts.models import Agency
from duluan.apps.audit.models import AuditEvent
from duluan.apps.cases.models import LeadMode, RoutingRule
from duluan.apps.cases.services import ACTIONS, CaseError, RoutingError, route_for
from duluan.apps.cases.services.routing import NO_ROUTE

from .conftest import moment, unit


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def test_topic_rules_beat_the_default(demo):
    assert (
        route_for(topic="health", unit=unit("09187"), channel="web", kind="feedback").lead.code
        == "bn-so-y-te"
    )
    decision = route_for(topic="transport", unit=unit("09187"), channel="web", kind="feedback")
    assert decision.lead.code == "bn-vp-ubnd"
    assert decision.explanation["rule"] == "Mặc định → Văn phòng UBND tỉnh"


def test_administrative_procedures_go_to_the_communes_own_committee(demo):
    decision = route_for(topic="admin_procedures", unit=unit("09187"), channel="web", kind="feedback")
    assert decision.lead.code == "bn-xa-09187"
    assert "Kinh Bắc" in decision.explanation["lead_via"]


def test_a_rule_on_a_2025_commune_matches_cases_in_its_pre_2025_predecessors(demo):
    # given the land rule on phường Bắc Giang (2025), whose predecessors include phường Trần Phú (pre-2025)
    old_ward = unit("07213", "pre2025")
    assert old_ward.name == "Phường Trần Phú"

    # when a land case is located in the old ward
    decision = route_for(topic="land", unit=old_ward, channel="web", kind="complaint1")

    # then the commune rule wins over the province-wide land rule, and the ward's committee leads
    assert decision.rule.unit.code == "07210"
    assert decision.lead.code == "bn-xa-07210"
    assert "nay thuộc Phường Bắc Giang" in decision.explanation["lead_via"]
    # while a land case elsewhere takes the province-wide rule
    assert (
        route_for(topic="land", unit=unit("09187"), channel="web", kind="feedback").lead.code == "bn-so-nn-mt"
    )


def test_precedence_topic_then_place_then_kind_then_channel_then_priority(demo):
    commune = unit("09187")
    # a place-only rule on the commune does not beat a topic rule
    RoutingRule.objects.create(name="Kinh Bắc", unit=commune, lead_agency=agency("bn-so-xay-dung"))
    assert route_for(topic="health", unit=commune, channel="web", kind="feedback").lead.code == "bn-so-y-te"
    # topic + province beats topic alone
    province = unit("24")
    RoutingRule.objects.create(
        name="Y tế tỉnh", topic="health", unit=province, lead_agency=agency("bn-so-tu-phap")
    )
    assert (
        route_for(topic="health", unit=commune, channel="web", kind="feedback").lead.code == "bn-so-tu-phap"
    )
    # topic + province + kind beats it
    RoutingRule.objects.create(
        name="Khiếu nại y tế",
        topic="health",
        unit=province,
        kind="complaint1",
        lead_agency=agency("bn-thanh-tra"),
    )
    assert (
        route_for(topic="health", unit=commune, channel="web", kind="complaint1").lead.code == "bn-thanh-tra"
    )
    # equal specificity: the higher priority wins
    RoutingRule.objects.create(
        name="Khiếu nại y tế (ưu tiên)",
        topic="health",
        unit=province,
        kind="complaint1",
        priority=5,
        lead_agency=agency("bn-so-noi-vu"),
    )
    assert (
        route_for(topic="health", unit=commune, channel="web", kind="complaint1").lead.code == "bn-so-noi-vu"
    )
    # an inactive rule is ignored
    RoutingRule.objects.filter(name="Khiếu nại y tế (ưu tiên)").update(is_active=False)
    assert (
        route_for(topic="health", unit=commune, channel="web", kind="complaint1").lead.code == "bn-thanh-tra"
    )


def test_every_case_records_its_rule_and_deadline_policy(demo, open_case):
    rule = RoutingRule.objects.get(topic="environment")
    rule.deadline_policy = "remote"
    rule.save()
    case = open_case(kind="complaint1")
    assert case.routing_rule == rule and case.routing["rule_id"] == rule.pk
    assert case.remote is True and case.routing["deadline_policy"] == "remote"


def test_no_matching_rule_is_a_clear_error(demo):
    RoutingRule.objects.all().update(is_active=False)
    with pytest.raises(RoutingError, match=NO_ROUTE):
        route_for(topic="health", unit=unit("09187"), channel="web", kind="feedback")


def test_rules_validate_topic_and_lead(demo):
    with pytest.raises(ValidationError) as error:
        RoutingRule(name="x", topic="khong-co", lead_mode=LeadMode.AGENCY).full_clean()
    assert "topic" in error.value.message_dict and "lead_agency" in error.value.message_dict


def test_reroute_after_correcting_the_topic_is_audited(demo, open_case):
    # given an environment case that is really about health
    case = open_case(title="Trạm y tế thiếu thuốc", topic="environment")
    head = demo["lanhdao.nnmt"]

    # when the head reroutes it with a reason
    with pytest.raises(CaseError):
        ACTIONS["reroute"].execute(case=case, actor=head, now=moment("2026-03-03"), topic="health")
    case = ACTIONS["reroute"].execute(
        case=case, actor=head, now=moment("2026-03-03"), topic="health", reason="Nội dung thuộc ngành y tế."
    )

    # then the health rule routes it and the audit log says who, why, which rule
    assert case.lead_agency.code == "bn-so-y-te" and case.topic == "health"
    event = AuditEvent.objects.get(object_id=str(case.pk), action="case.reroute")
    assert event.actor == head and event.reason == "Nội dung thuộc ngành y tế."
    assert event.after["rule"] == case.routing_rule_id
