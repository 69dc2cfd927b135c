"""Rebuilding the topic and sentiment models from the web: request, run, and what the page shows.

An official presses "Xây lại" on the models page; :func:`model_build_request` records a queued
:class:`~duluan.apps.intake.models.ModelBuild` and enqueues :func:`model_build_task` for the
task worker, which calls :func:`model_build_run`: that builds the model with
:func:`~duluan.apps.intake.services.model_retrain` (the same as ``duluan manage
retrain_models``) outside any database transaction, so nobody waits on the minute it takes.
Every change of a build's state is audited. A build left "running" by a worker that died is
closed as interrupted when the next one is asked for, after :data:`STALE_AFTER`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.utils import timezone

from duluan.apps.audit.services import audit_record

from .models import BuildStatus, ModelBuild, ModelTask
from .selectors import confirmed_signals
from .services import RETRAIN_TASKS, IntakeError, model_retrain

ACTIVE = (BuildStatus.QUEUED, BuildStatus.RUNNING)
# A build runs about a minute on two cores (topic 34-42 s, sentiment 49-54 s, measured
# 2026-12-04); one still "running" after this was left by a worker that stopped.
STALE_AFTER = timedelta(minutes=30)
# What the progress bar expects of a model never built on this page.
EXPECTED_SECONDS = {"topic": 45.0, "sentiment": 60.0}

UNKNOWN_TASK = "Không có mô hình “{task}” để xây lại."
BUSY = "Mô hình {name} đang được xây lại; xin chờ lần này xong."
INTERRUPTED = "Bị gián đoạn: tiến trình nền dừng khi đang xây."
UNEXPECTED = "Lỗi không mong đợi ({kind}); xem nhật ký của tiến trình nền."


def model_build_request(*, task: str, actor, request=None) -> ModelBuild:
    """Queue a rebuild of ``task``'s model for the task worker.

    Raises:
        IntakeError: An unknown task, or one of this task already queued or running.
    """
    from .tasks import model_build_task

    if task not in RETRAIN_TASKS:
        raise IntakeError(UNKNOWN_TASK.format(task=str(task)[:40]))
    name = ModelTask(task).label.lower()
    with transaction.atomic():
        _close_stale(task, timezone.now())
        if ModelBuild.objects.filter(task=task, status__in=ACTIVE).exists():
            raise IntakeError(BUSY.format(name=name))
        try:
            with transaction.atomic():
                build = ModelBuild.objects.create(task=task, requested_by=actor)
        except IntegrityError:  # another official asked for it at the same moment
            raise IntakeError(BUSY.format(name=name)) from None
        audit_record(
            action="intake.model_build_request",
            actor=actor,
            obj=build,
            after={"task": task, "status": build.status},
            request=request,
        )
        transaction.on_commit(lambda: model_build_task.enqueue(build.pk))
    return build


def _close_stale(task: str, now: datetime) -> None:
    """Mark failed the builds of ``task`` left running since before :data:`STALE_AFTER`."""
    stale = ModelBuild.objects.select_for_update().filter(
        task=task, status=BuildStatus.RUNNING, started_at__lt=now - STALE_AFTER
    )
    for build in stale:
        _finish(build, BuildStatus.FAILED, now, error=INTERRUPTED)


def _finish(build: ModelBuild, status: str, now: datetime, **fields) -> None:
    """Close ``build`` with ``status`` (and the facts in ``fields``); audited."""
    before = build.status
    build.status = status
    build.finished_at = now
    for name, value in fields.items():
        setattr(build, name, value)
    build.save(update_fields=["status", "finished_at", *fields])
    audit_record(
        action="intake.model_build_finish",
        actor=None,
        obj=build,
        before={"status": before},
        after={"status": status, **fields},
    )


def model_build_run(build_id: int, **params) -> ModelBuild:
    """Run a queued build: mark it running, build the model, record how it ended.

    A build that is no longer queued (a task delivered twice) is left as it is. The shared
    corpora missing is a failure the page explains; any other error fails the build too and is
    raised again for the worker's log.

    Args:
        build_id: The :class:`ModelBuild`.
        **params: Passed to :func:`~duluan.apps.intake.services.model_retrain`.
    """
    from duluan.shared_data import SharedDataMissing

    with transaction.atomic():
        build = ModelBuild.objects.select_for_update().get(pk=build_id)
        if build.status != BuildStatus.QUEUED:
            return build
        build.status = BuildStatus.RUNNING
        build.started_at = timezone.now()
        build.save(update_fields=["status", "started_at"])
        audit_record(
            action="intake.model_build_start",
            actor=None,
            obj=build,
            before={"status": BuildStatus.QUEUED},
            after={"status": build.status},
        )
    try:
        done = model_retrain(build.task, actor=build.requested_by, **params)
    except SharedDataMissing as exc:
        with transaction.atomic():
            _finish(build, BuildStatus.FAILED, timezone.now(), error=str(exc)[:500])
        return build
    except Exception as exc:
        # The message may quote data; the page gets the kind of error, the worker's log the rest.
        with transaction.atomic():
            _finish(
                build, BuildStatus.FAILED, timezone.now(), error=UNEXPECTED.format(kind=type(exc).__name__)
            )
        raise
    with transaction.atomic():
        _finish(
            build,
            BuildStatus.DONE,
            timezone.now(),
            confirmations=done.confirmations,
            labels=done.labels,
            seconds=done.seconds,
        )
    return build


@dataclass(frozen=True)
class ModelFile:
    """What the page shows of a model file in use."""

    built_at: datetime
    source: str
    labels: int
    confirmations: int | None
    size_mb: float


@dataclass(frozen=True)
class ModelPanel:
    """One model on the page: its file, the confirmations waiting, its builds."""

    task: str
    name: str
    file: ModelFile | None
    file_error: str
    confirmed_now: int
    active: ModelBuild | None
    progress: float | None
    builds: list[ModelBuild]

    @property
    def new_confirmations(self) -> int | None:
        """Confirmations made since the file was built (``None`` when the file does not say)."""
        if self.file is None or self.file.confirmations is None:
            return None
        return max(0, self.confirmed_now - self.file.confirmations)


def model_panels(
    *, now: datetime | None = None, model_dir: str | None = None, recent: int = 8
) -> list[ModelPanel]:
    """The models page: for each task, its file, confirmations and builds."""
    from duluan.analysis.model_io import ModelFileError
    from duluan.analysis.pipeline import resolve_model_dir

    now = now or timezone.now()
    folder = resolve_model_dir(model_dir)
    panels = []
    for task in RETRAIN_TASKS:
        path = folder / f"{task}.model"
        file, file_error = None, ""
        try:
            stat = path.stat()
            file = _model_file(str(path), stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            file_error = "Chưa có tệp mô hình: nền tảng đang phân loại bằng từ khoá của bảng chủ đề."
        except ModelFileError as exc:
            file_error = str(exc)
        builds = list(ModelBuild.objects.filter(task=task).select_related("requested_by")[:recent])
        active = next((b for b in builds if b.status in ACTIVE), None)
        panels.append(
            ModelPanel(
                task=task,
                name=ModelTask(task).label,
                file=file,
                file_error=file_error,
                confirmed_now=confirmed_signals(task).count(),
                active=active,
                progress=None if active is None else _progress(active, now),
                builds=builds,
            )
        )
    return panels


@lru_cache(maxsize=8)
def _model_file(path: str, mtime_ns: int, size: int) -> ModelFile:
    """A model file's facts, read once per version of the file (reading checks its whole
    content: about 0.1 s for a 76 MB topic model)."""
    from duluan.analysis.model_io import read_model_info

    info = read_model_info(path)
    meta = info.metadata or {}
    return ModelFile(
        built_at=datetime.fromtimestamp(mtime_ns / 1e9, tz=timezone.get_current_timezone()),
        source=str(meta.get("source", "")),
        labels=len(info.labels),
        confirmations=meta.get("confirmations"),
        size_mb=round(size / 2**20, 1),
    )


def _progress(build: ModelBuild, now: datetime) -> float:
    """An estimate, in per cent, of how far a running build is: its time so far against the
    last finished build of its model (the builder reports no steps of its own); never 100
    before it ends."""
    if build.status != BuildStatus.RUNNING or build.started_at is None:
        return 0.0
    last = (
        ModelBuild.objects.filter(task=build.task, status=BuildStatus.DONE, seconds__isnull=False)
        .values_list("seconds", flat=True)
        .first()
    )
    expected = last or EXPECTED_SECONDS[build.task]
    elapsed = (now - build.started_at).total_seconds()
    return round(min(99.0, max(0.0, 100.0 * elapsed / expected)), 1)
