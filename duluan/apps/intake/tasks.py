"""Background tasks (django-tasks) of intake: turning accepted Open311 requests into signals."""

from __future__ import annotations

from django_tasks import task


@task()
def open311_pending_drain_task() -> str:
    """Store every Open311 request that is due (see :mod:`duluan.apps.intake.open311_queue`), then
    drop the web form's client marks past their window (:mod:`duluan.apps.intake.retention`).

    Every accepted POST enqueues one; the first to run takes all rows waiting, so the others
    find nothing to do. Returns the one-line summary.
    """
    from .open311_queue import open311_pending_drain
    from .retention import intake_retention_purge

    summary = open311_pending_drain().summary()
    intake_retention_purge()  # the periodic clean-up rides on the periodic drain
    return summary


@task()
def model_build_task(build_id: int) -> str:
    """Run one rebuild of a model asked for on the models page (see
    :mod:`duluan.apps.intake.model_builds`); returns how it ended."""
    from .model_builds import model_build_run

    build = model_build_run(build_id)
    return f"{build.task}: {build.status}"


@task()
def reanalysis_task(run_id: int) -> str:
    """Read the stored signals again, as asked on the models page (see
    :func:`~duluan.apps.intake.model_builds.reanalysis_run`); returns how it ended."""
    from .model_builds import reanalysis_run

    return f"reanalysis: {reanalysis_run(run_id).status}"
