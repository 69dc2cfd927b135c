import pytest

from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
from duluan.apps.accounts.models import User


@pytest.fixture
def demo(db):
    demo_agencies_seed()
    demo_users_seed()
    return {u.username: u for u in User.objects.all()}
