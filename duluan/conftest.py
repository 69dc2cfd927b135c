"""Fixtures shared by every Django test: the real administrative units, loaded once per database."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

# The CI machine has 2 cores shared with a PostgreSQL server and a browser: generation speed and
# per-example time say nothing about correctness there.
settings.register_profile("duluan", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("duluan")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load both schemes of units once per test database, and let tests empty the audit log.

    Loading ~14,000 units takes a few seconds; every test then runs inside a transaction that
    rolls back, so they all share this one load.
    """
    from django.db import connection

    from duluan.apps.geo.services import units_load

    with django_db_blocker.unblock():
        units_load()
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO audit_purge_flag (id) VALUES (1)")


@pytest.fixture
def audit_append_only(db):
    """Within this test the audit log is append-only, as in production."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_purge_flag")
    yield


@pytest.fixture(autouse=True)
def _apps_analyse_without_local_models(request, monkeypatch, tmp_path_factory):
    """The apps' tests see what a fresh clone has: no model files, so the keyword fallback.

    Otherwise their results would depend on whichever models a developer last built in ``var/models``
    (``make demo`` builds them): a retrained topic model changes topics and so issues.
    """
    if "apps" in request.node.path.parts:
        monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path_factory.getbasetemp() / "no-models"))
