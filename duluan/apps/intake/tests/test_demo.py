import pytest

from duluan.apps.intake import demo, services
from duluan.apps.intake.models import Signal
from duluan.apps.issues.models import Issue

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_prints_the_api_key():
    # when the demo is seeded twice
    first = demo.seed(progress=lambda m: None)
    count = Signal.objects.count()
    second = demo.seed(progress=lambda m: None)
    # then the key is printed and works, and the second run adds nothing
    assert f"api_key: {demo.DEMO_API_KEY}" in first and f"api_key: {demo.DEMO_API_KEY}" in second
    assert services.api_client_for_key(demo.DEMO_API_KEY) is not None
    assert count >= 300 and Signal.objects.count() == count
    # and the signals span both schemes, several topics and land in issues
    assert (
        Signal.objects.filter(unit__scheme="pre2025").exists()
        and Signal.objects.filter(unit__scheme="2025").exists()
    )
    assert Signal.objects.values("topic").distinct().count() >= 5
    assert not Signal.objects.filter(issue__isnull=True).exists()
    assert Issue.objects.filter(signal_count__gte=10).exists()
