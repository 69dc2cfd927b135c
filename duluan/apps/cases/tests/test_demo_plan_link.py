"""The demo's environment rule serves plan item 3.1 of the 2025–2026 plan, found by its code."""

from datetime import date

from duluan.apps.accounts.models import Agency
from duluan.apps.audit.models import AuditEvent
from duluan.apps.cases import demo as cases_demo
from duluan.apps.cases.models import RoutingRule
from duluan.apps.plans import services as plans
from duluan.apps.plans.demo import PLAN_2025

from .conftest import moment


def _plan_with_items():
    nnmt = Agency.objects.get(code="bn-so-nn-mt")
    plan = plans.plan_create(
        number=PLAN_2025,
        title="Kế hoạch phối hợp 2025–2026",
        year=2025,
        signing_agencies=[Agency.objects.get(code="bn-ubnd")],
    )
    # an earlier item that also speaks of "môi trường": matching the text would pick it
    parent = plans.item_create(
        plan=plan,
        code="3",
        content="Phối hợp xử lý phản ánh, kiến nghị về đất đai, môi trường",
        lead_agency=nnmt,
    )
    item = plans.item_create(
        plan=plan,
        code="3.1",
        content="Tiếp nhận, xử lý phản ánh về ô nhiễm môi trường làng nghề",
        lead_agency=nnmt,
        parent=parent,
        start_on=date(2025, 7, 1),
        end_on=date(2026, 12, 31),
    )
    return parent, item


def test_the_environment_rule_links_to_the_item_coded_3_1_and_cases_carry_it(demo, open_case):
    # given the plans demo's items (the demo fixture already ran rules_seed before they existed)
    parent, item = _plan_with_items()
    rule = RoutingRule.objects.get(name=cases_demo.ENVIRONMENT_RULE)
    assert rule.plan_item is None
    # when the cases demo seeds its rules again
    cases_demo.rules_seed()
    # then the rule serves item 3.1, not the first item whose text mentions the environment
    rule.refresh_from_db()
    assert rule.plan_item == item != parent
    linked = AuditEvent.objects.filter(action="routing_rule.update", object_id=str(rule.pk)).get()
    assert linked.after == {"plan_item": f"{PLAN_2025} · 3.1"}
    # and an environmental case routed by it records the plan item it serves
    case = open_case(received_at=moment("2026-03-02"))
    assert case.plan_item == item


def test_a_rule_already_linked_elsewhere_is_left_alone(demo):
    parent, _ = _plan_with_items()
    RoutingRule.objects.filter(name=cases_demo.ENVIRONMENT_RULE).update(plan_item=parent)
    cases_demo.rules_seed()
    assert RoutingRule.objects.get(name=cases_demo.ENVIRONMENT_RULE).plan_item == parent
