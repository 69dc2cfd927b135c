import pytest
from django.test import override_settings
from django_tasks import default_task_backend

from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
from duluan.apps.accounts.models import User


@pytest.fixture
def demo(db):
    demo_agencies_seed()
    demo_users_seed()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Each test starts with an empty near-duplicate index, rate-limit cache and API key cache."""
    from django.core.cache import cache

    from duluan.apps.intake import services

    services._NEAR_INDEX.clear()
    services._KEYS.clear()
    cache.clear()
    yield


@pytest.fixture
def kept_tasks():
    """Tasks are kept, not run, so a test decides when the worker runs one."""
    backend = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=backend):
        default_task_backend.clear()
        yield default_task_backend
        default_task_backend.clear()
