"""Engines that run the per-row steps of a pipeline: in this process, a process pool, or Dask.

Why the ordered steps stay on the driver: exact and near-duplicate detection and online
clustering are sequential by definition (a document is a duplicate of an *earlier* one and joins
a cluster *as it stands*), and a partition-merge would have to replay every partition against
the others to give the same answer. They cost a few tens of microseconds per document against
the hundreds the per-row steps (normalisation, places, topic, sentiment, hashing) cost, so the
engines ship batches of rows to workers, get the per-row results back *in input order* (a
bounded number of batches in flight, consumed first in first out) and the driver runs the
ordered steps over them. The output is then identical whatever the engine and the number of
workers — tested in ``test_analyze_cli.py``.

Workers build their per-row pipeline once from a picklable :class:`PipelineFactory` (models
are loaded in the worker, never pickled per task).
"""

from __future__ import annotations

import importlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from duluan.analysis.pipeline import Document, Pipeline, run_guarded

__all__ = [
    "DEFAULT_FACTORY",
    "DaskEngine",
    "LocalEngine",
    "PipelineFactory",
    "analyze_batch",
    "remember_pipeline",
]

DEFAULT_FACTORY = "duluan.analysis.pipeline:per_row_pipeline"


@dataclass(frozen=True)
class PipelineFactory:
    """A picklable recipe for the per-row pipeline.

    Attributes:
        target: ``"module:function"``; the function takes ``model_dir`` and returns a
            :class:`Pipeline` of per-row steps.
        model_dir: Folder of the model files, passed to the function.
    """

    target: str = DEFAULT_FACTORY
    model_dir: str | None = None

    def build(self) -> Pipeline:
        """Import the function and build the pipeline."""
        module_name, _, func_name = self.target.partition(":")
        func: Callable[..., Pipeline] = getattr(importlib.import_module(module_name), func_name)
        return func(model_dir=self.model_dir)


# One per-row pipeline per worker process and factory: models load once, not per task.
_PIPELINES: dict[PipelineFactory, Pipeline] = {}


def remember_pipeline(factory: PipelineFactory, pipeline: Pipeline) -> None:
    """Use an already built pipeline for ``factory`` in this process (avoids loading twice)."""
    _PIPELINES[factory] = pipeline


def analyze_batch(rows: list[Mapping[str, Any]], factory: PipelineFactory) -> list[Document]:
    """Run the per-row steps over a batch of validated rows (the task a worker runs).

    Args:
        rows: Clean rows in input order.
        factory: Builds (once per process) the per-row pipeline.

    Returns:
        Documents in the same order, slimmed for the trip back (see :meth:`Document.slim`).
    """
    pipeline = _PIPELINES.get(factory)
    if pipeline is None:
        pipeline = _PIPELINES[factory] = factory.build()
    docs = run_guarded(pipeline, [Document.from_row(r) for r in rows])
    return [d.slim() for d in docs]


def _ordered_results(
    submit: Callable[[list[Any]], Any],
    result: Callable[[Any], list[Document]],
    batches: Iterable[list[Any]],
    in_flight: int,
) -> Iterator[list[Document]]:
    """Submit batches with at most ``in_flight`` pending and yield results in submission order."""
    pending: deque[Any] = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= in_flight:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


class LocalEngine:
    """Run per-row steps in this process (``workers=1``) or in a pool of processes.

    Args:
        factory: The per-row pipeline recipe.
        workers: Processes; 1 runs everything here.
    """

    def __init__(self, factory: PipelineFactory, workers: int = 1) -> None:
        self.factory = factory
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalEngine:
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def map(self, batches: Iterable[list[Mapping[str, Any]]]) -> Iterator[list[Document]]:
        """Yield the per-row results of each batch, in input order."""
        if self._pool is None:
            for batch in batches:
                yield analyze_batch(batch, self.factory)
            return
        pool = self._pool

        def submit(batch: list[Any]) -> Future[list[Document]]:
            return pool.submit(analyze_batch, batch, self.factory)

        yield from _ordered_results(submit, lambda f: f.result(), batches, 2 * self.workers + 1)


class DaskEngine:
    """Run per-row steps on a Dask cluster.

    Args:
        factory: The per-row pipeline recipe.
        scheduler: Address of a running scheduler; ``None`` starts a ``LocalCluster`` of
            ``workers`` processes with one thread each (closed on exit).
        workers: Processes of the local cluster.
    """

    def __init__(
        self, factory: PipelineFactory, scheduler: str | None = None, workers: int | None = None
    ) -> None:
        self.factory = factory
        self.scheduler = scheduler
        self.workers = workers or min(2, os.cpu_count() or 1)
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskEngine:
        from dask.distributed import Client, LocalCluster

        if self.scheduler:
            self._client = Client(self.scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            )
            self._client = Client(self._cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def map(self, batches: Iterable[list[Mapping[str, Any]]]) -> Iterator[list[Document]]:
        """Yield the per-row results of each batch, in input order."""
        client = self._client
        n = max(1, sum(client.nthreads().values()))

        def submit(batch: list[Any]) -> Any:
            return client.submit(analyze_batch, batch, self.factory, pure=False)

        def result(future: Any) -> list[Document]:
            docs = future.result()
            future.release()
            return docs

        yield from _ordered_results(submit, result, batches, 2 * n + 1)
