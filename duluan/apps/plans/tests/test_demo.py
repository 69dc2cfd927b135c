"""The demo plans: both eras, the named task groups, a pending report; seeding twice changes nothing."""

from duluan.apps.audit.models import AuditEvent
from duluan.apps.plans import demo as plans_demo
from duluan.apps.plans import selectors
from duluan.apps.plans.models import Plan, PlanItem, PlanReview, ProgressReport


def test_seed_is_idempotent_and_shows_both_eras(full_demo):
    # when seeded twice
    first = plans_demo.seed(progress=lambda *_: None)
    counts = (PlanItem.objects.count(), ProgressReport.objects.count(), AuditEvent.objects.count())
    second = plans_demo.seed(progress=lambda *_: None)
    # then the second run adds nothing
    assert (PlanItem.objects.count(), ProgressReport.objects.count(), AuditEvent.objects.count()) == counts
    assert "0 nhiệm vụ mới" in second and "0 nhiệm vụ mới" not in first
    old = Plan.objects.get(number=plans_demo.PLAN_2024)
    new = Plan.objects.get(number=plans_demo.PLAN_2025)
    assert sorted(old.signing_agencies.values_list("code", flat=True)) == ["bg-btg", "bg-ubnd"]
    assert sorted(new.signing_agencies.values_list("code", flat=True)) == ["bn-btg-dv", "bn-ubnd"]
    assert new.previous == old
    assert old.signed_on.isoformat() == "2024-01-30"
    contents = " ".join(old.items.values_list("content", flat=True))
    for phrase in (
        "233-NQ/TU",
        "45-KH/UBND",
        "cải cách hành chính",
        "hài lòng",
        "dự báo",
        "bức xúc",
        "dự án",
    ):
        assert phrase in contents
    assert PlanReview.objects.filter(plan=old, title__contains="238-QĐ/TW").exists()
    assert ProgressReport.objects.filter(item__plan=new, status="submitted").count() == 1


def test_demo_plans_show_every_kind_of_status(full_demo):
    from datetime import date

    plans_demo.seed(progress=lambda *_: None)
    statuses = set()
    for plan in Plan.objects.all():
        view = selectors.plan_tree(plan, as_of=date(2026, 11, 29))
        statuses |= {row.progress.status for row in view.rows}
    assert statuses >= {"done", "overdue", "at_risk", "not_started"}


def test_the_plan_a_plan_continues_is_linked_only_for_those_who_may_open_it(full_demo, client):
    # given the demo's 2025 plan, which continues Bắc Giang's 2024 plan
    plans_demo.seed(progress=lambda *_: None)
    old = Plan.objects.get(number=plans_demo.PLAN_2024)
    new = Plan.objects.get(number=plans_demo.PLAN_2025)
    for username in ("canbo.nnmt", "dieuphoi"):
        client.force_login(full_demo[username])
        # when each opens the 2025 plan, and the 2024 one
        html = client.get(f"/plans/{new.pk}/").content.decode()
        opened = client.get(f"/plans/{old.pk}/").status_code
        # then the plan it continues is named for both, and linked exactly for whom it opens
        assert old.number in html
        assert (f'href="/plans/{old.pk}/"' in html) is (opened == 200)
        # and the coordinator, who sees both, follows the link back to the 2025 plan too
        if opened == 200:
            assert f'href="/plans/{new.pk}/"' in client.get(f"/plans/{old.pk}/").content.decode()
    assert opened == 200  # the coordinator's (the officer of a department met a 404 before)
