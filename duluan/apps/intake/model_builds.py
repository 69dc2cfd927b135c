"""Rebuilding the topic and sentiment models from the web: request, run, and what the page shows.

An official presses "Xây lại" on the models page; :func:`model_build_request` records a queued
:class:`~duluan.apps.intake.models.ModelBuild` and enqueues :func:`model_build_task` for the
task worker, which calls :func:`model_build_run`: that builds the model with
:func:`~duluan.apps.intake.services.model_retrain` (the same as ``duluan manage
retrain_models``) outside any database transaction, so nobody waits on the minute it takes.
Every change of a build's state is audited. A build left "running" by a worker that died is
closed as interrupted when the next one is asked for, after :data:`STALE_AFTER`.

A model built again reads new signals only; "Đọc lại" on the same page queues a
:class:`~duluan.apps.intake.models.Reanalysis` (:func:`reanalysis_request`), which the worker runs
with :func:`reanalysis_run`: the stored signals read again as ``duluan manage reanalyse_signals``
does, its progress counted in signals, each change of state audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from duluan.apps.audit.services import audit_record

from .models import BuildStatus, ModelBuild, ModelTask, Reanalysis, Signal
from .selectors import confirmed_signals
from .services import RETRAIN_TASKS, IntakeError, model_retrain

ACTIVE = (BuildStatus.QUEUED, BuildStatus.RUNNING)
# A build runs about a minute on two cores (topic 34-42 s, sentiment 49-54 s, measured
# 2026-12-04); one still "running" after this was left by a worker that stopped.
STALE_AFTER = timedelta(minutes=30)
# What the progress bar expects of a model never built on this page.
EXPECTED_SECONDS = {"topic": 45.0, "sentiment": 60.0}

# The audit actions' stem of each kind of background job on the models page.
_KIND = {ModelBuild: "model_build", Reanalysis: "reanalysis"}

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
        running = ModelBuild.objects.filter(task=task, status=BuildStatus.RUNNING)
        _close_stale(running, timezone.now(), STALE_AFTER, INTERRUPTED)
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


def _close_stale(running, now: datetime, after: timedelta, error: str) -> None:
    """Close as failed, with ``error``, the rows of ``running`` (a query of running builds or
    reanalyses, locked here) that gave no sign of life for ``after``: since their last progress
    where they report one (a reanalysis), else since they started."""
    for row in running.select_for_update():
        seen = getattr(row, "heartbeat_at", None) or row.started_at
        if seen is not None and seen < now - after:
            _finish(row, BuildStatus.FAILED, now, error=error)


def _finish(row: ModelBuild | Reanalysis, status: str, now: datetime, **fields) -> None:
    """Close a build or a reanalysis with ``status`` (and the facts in ``fields``); audited."""
    before = row.status
    row.status = status
    row.finished_at = now
    for name, value in fields.items():
        setattr(row, name, value)
    saved = ["status", "finished_at", *fields]
    if isinstance(row, Reanalysis):
        row.active = None  # another may be asked for (see the model's constraint)
        saved.append("active")
    row.save(update_fields=saved)
    audit_record(
        action=f"intake.{_KIND[type(row)]}_finish",
        actor=None,
        obj=row,
        before={"status": before},
        after={"status": status, **fields},
    )


def _run_job(
    model: type[ModelBuild] | type[Reanalysis],
    pk: int,
    work: Callable[[Any], dict[str, Any]],
    expected: type[Exception],
) -> Any:
    """Run a queued build or reanalysis: mark it running, do ``work(row)`` outside any
    transaction, and record how it ended, each change of state audited.

    The facts ``work`` returns go on the row, done. An ``expected`` error fails it with its
    message, which the page shows; any other fails it naming only the kind of error (the message
    may quote data) and is raised again for the worker's log. A row no longer queued (a task
    delivered twice) is left as it is.
    """
    with transaction.atomic():
        row = model.objects.select_for_update().get(pk=pk)
        if row.status != BuildStatus.QUEUED:
            return row
        row.status = BuildStatus.RUNNING
        row.started_at = timezone.now()
        row.save(update_fields=["status", "started_at"])
        audit_record(
            action=f"intake.{_KIND[model]}_start",
            actor=None,
            obj=row,
            before={"status": BuildStatus.QUEUED},
            after={"status": row.status},
        )
    try:
        facts = work(row)
    except expected as exc:
        with transaction.atomic():
            _finish(row, BuildStatus.FAILED, timezone.now(), error=str(exc)[:500])
        return row
    except Exception as exc:
        with transaction.atomic():
            _finish(row, BuildStatus.FAILED, timezone.now(), error=UNEXPECTED.format(kind=type(exc).__name__))
        raise
    with transaction.atomic():
        _finish(row, BuildStatus.DONE, timezone.now(), **facts)
    return row


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

    def build(row: ModelBuild) -> dict:
        done = model_retrain(row.task, actor=row.requested_by, **params)
        return {"confirmations": done.confirmations, "labels": done.labels, "seconds": done.seconds}

    return _run_job(ModelBuild, build_id, build, SharedDataMissing)


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


# -- reading the stored signals again ---------------------------------------------------------------

# A run writes its progress after every batch (seconds apart); one silent this long was left by a
# worker that stopped.
REANALYSIS_STALE_AFTER = timedelta(minutes=10)
REANALYSIS_INTERRUPTED = "Bị gián đoạn: tiến trình nền dừng khi đang đọc lại."
REANALYSIS_BUSY = "Các tín hiệu đang được đọc lại; xin chờ lần này xong."
REANALYSIS_NO_MODEL = "Chưa có tệp mô hình {name}: hãy xây mô hình trước khi đọc lại các tín hiệu."
REANALYSIS_BUILDING = "Mô hình {name} đang được xây lại; hãy đọc lại các tín hiệu khi xong, bằng mô hình mới."


def reanalysis_request(*, actor, request=None, model_dir: str | None = None) -> Reanalysis:
    """Queue a reading again of every stored signal for the task worker.

    Raises:
        IntakeError: A model file is missing (the keywords would replace the models' readings), a
            model is being built (the run would read with the old one), or a run is active.
    """
    from duluan.analysis.pipeline import resolve_model_dir

    from .tasks import reanalysis_task

    folder = resolve_model_dir(model_dir)
    for task in RETRAIN_TASKS:
        if not (folder / f"{task}.model").exists():
            raise IntakeError(REANALYSIS_NO_MODEL.format(name=ModelTask(task).label.lower()))
    building = ModelBuild.objects.filter(status__in=ACTIVE).values_list("task", flat=True).first()
    if building is not None:
        raise IntakeError(REANALYSIS_BUILDING.format(name=ModelTask(building).label.lower()))
    with transaction.atomic():
        running = Reanalysis.objects.filter(status=BuildStatus.RUNNING)
        _close_stale(running, timezone.now(), REANALYSIS_STALE_AFTER, REANALYSIS_INTERRUPTED)
        try:
            with transaction.atomic():
                run = Reanalysis.objects.create(requested_by=actor)
        except IntegrityError:  # one is queued or running, or another official asked at once
            raise IntakeError(REANALYSIS_BUSY) from None
        audit_record(
            action="intake.reanalysis_request",
            actor=actor,
            obj=run,
            after={"status": run.status},
            request=request,
        )
        transaction.on_commit(lambda: reanalysis_task.enqueue(run.pk))
    return run


def reanalysis_run(run_id: int, **params) -> Reanalysis:
    """Run a queued reanalysis: mark it running, read the signals again
    (:func:`~duluan.apps.intake.reanalysis.signals_reanalyse`, its progress written after each
    batch), record how it ended. A run no longer queued is left as it is; a refusal of the
    reader (no model any more, no signal) fails the run with its reason; any other error fails it
    too and is raised again for the worker's log.

    Args:
        run_id: The :class:`~duluan.apps.intake.models.Reanalysis`.
        **params: Passed to :func:`~duluan.apps.intake.reanalysis.signals_reanalyse`.
    """
    from .reanalysis import signals_reanalyse

    def read_again(run: Reanalysis) -> dict:
        def progress(done: int, total: int) -> None:
            Reanalysis.objects.filter(pk=run.pk).update(done=done, total=total, heartbeat_at=timezone.now())

        result = signals_reanalyse(actor=run.requested_by, progress=progress, **params)
        run.refresh_from_db(fields=["done", "total", "heartbeat_at"])
        return {"result": result.facts()}

    return _run_job(Reanalysis, run_id, read_again, IntakeError)


@dataclass(frozen=True)
class ReanalysisPanel:
    """The stored signals on the models page: the last runs, the active one, and whether some were
    read before the newest model file was built and not read again since."""

    runs: list[Reanalysis]
    active: Reanalysis | None
    stale_readings: bool

    @property
    def progress(self) -> float | None:
        """Per cent of the selected signals read, of the active run (``None``: none is running
        or it has not counted them yet)."""
        run = self.active
        if run is None or not run.total:
            return None
        return round(min(100.0, 100.0 * run.done / run.total), 1)


def reanalysis_panel(panels: list[ModelPanel], *, recent: int = 5) -> ReanalysisPanel:
    """The stored signals' card, given the models' panels (for their files' dates)."""
    runs = list(Reanalysis.objects.select_related("requested_by")[:recent])
    active = next((r for r in runs if r.status in ACTIVE), None)
    last = next((r for r in runs if r.status == BuildStatus.DONE), None)
    built = [p.file.built_at for p in panels if p.file is not None]
    newest = max(built, default=None)
    # Signals that arrived before the newest model file were read by an older one (or by the
    # keywords), unless a run read them all again since. The first stored signal arrived first
    # (ids grow with time), and the primary key finds it at once: a filter on the unindexed
    # ``received_at`` would read the whole table when none did, on every poll of the page.
    first = Signal.objects.order_by("pk").values_list("received_at", flat=True).first()
    stale = (
        newest is not None
        and (last is None or newest > (last.started_at or last.requested_at))
        and first is not None
        and first < newest
    )
    return ReanalysisPanel(runs=runs, active=active, stale_readings=stale)
