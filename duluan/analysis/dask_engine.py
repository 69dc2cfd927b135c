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

import dataclasses
import importlib
import inspect
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from operator import attrgetter, methodcaller
from typing import Any

import numpy as np

from duluan.adminunits import DEFAULT_HOME_PROVINCE
from duluan.analysis.cluster import TermNames, TermSlice, flat_term_arrays
from duluan.analysis.pipeline import Document, Pipeline, run_guarded
from duluan.analysis.runtime import close_pool, default_workers, forked_pool, ordered_results

__all__ = [
    "DEFAULT_FACTORY",
    "DaskEngine",
    "LocalEngine",
    "PackedBatch",
    "PackedRows",
    "PipelineFactory",
    "WorkersLost",
    "analyze_batch",
    "analyze_lines",
    "pack_documents",
    "pack_rows",
    "remember_pipeline",
    "unpack_documents",
]

DEFAULT_FACTORY = "duluan.analysis.pipeline:per_row_pipeline"
# How long a run waits for a scheduler given by its address to answer, then for it to have a worker.
CONNECT_SECONDS = 20
WORKERS_SECONDS = 60
# While a batch's result is awaited, how often the scheduler is asked whether it still has workers:
# a scheduler whose workers have all gone keeps its tasks for workers that may come, and the run
# waited for ever. It ends once there has been none for WORKERS_SECONDS.
POLL_SECONDS = 2
TORN_BATCH = "A packed batch whose columns differ in length."


class WorkersLost(RuntimeError):
    """A Dask run cannot go on: its cluster has had no worker for ``WORKERS_SECONDS``, or a batch
    killed every worker that took it (Dask's ``KilledWorker``). The message is in Vietnamese."""


@dataclass(frozen=True)
class PipelineFactory:
    """A picklable recipe for the per-row pipeline.

    Attributes:
        target: ``"module:function"``; the function takes ``model_dir`` (and ``home_province``,
            if it names it) and returns a :class:`Pipeline` of per-row steps.
        model_dir: Folder of the model files, passed to the function.
        home_province: 2025 code of the province whose units shared names are read as, or
            ``None`` (see :func:`~duluan.analysis.pipeline.per_row_pipeline`); passed to a
            function that takes it.
        models: The fingerprint of the model files the pipeline must load
            (:func:`~duluan.analysis.pipeline.model_fingerprint`), or ``None``: a worker whose
            files in ``model_dir`` have another refuses to build it, and replaced files give
            another factory, so a long-lived worker loads them again.
    """

    target: str = DEFAULT_FACTORY
    model_dir: str | None = None
    home_province: str | None = DEFAULT_HOME_PROVINCE
    models: str | None = None

    def pinned(self) -> PipelineFactory:
        """This recipe for workers that do not share this process's files or working folder (a
        Dask cluster): the model folder as an absolute path, and the fingerprint of its models
        (the default pipeline's; another target is given as it is)."""
        from duluan.analysis.pipeline import model_fingerprint, resolve_model_dir

        if self.target != DEFAULT_FACTORY:
            return self
        folder = resolve_model_dir(self.model_dir).resolve()
        return dataclasses.replace(self, model_dir=str(folder), models=model_fingerprint(folder))

    def build(self) -> Pipeline:
        """Import the function and build the pipeline.

        Raises:
            ModelFileError: The models in ``model_dir`` are not those of ``models``.
        """
        if self.models is not None:
            from duluan.analysis.model_io import ModelFileError
            from duluan.analysis.pipeline import model_fingerprint

            here = model_fingerprint(self.model_dir)
            if here != self.models:
                raise ModelFileError(
                    f"mô hình trong {self.model_dir} trên máy xử lý {socket.gethostname()} khác mô hình của "
                    "lần chạy (đã được thay, hoặc máy này có bản khác): hãy chép cùng các tệp mô hình "
                    "sang mọi máy xử lý rồi chạy lại"
                )
        module_name, _, func_name = self.target.partition(":")
        func: Callable[..., Pipeline] = getattr(importlib.import_module(module_name), func_name)
        if "home_province" in inspect.signature(func).parameters:
            return func(model_dir=self.model_dir, home_province=self.home_province)
        return func(model_dir=self.model_dir)


# One per-row pipeline per worker process and factory: models load once, not per task.
_PIPELINES: dict[PipelineFactory, Pipeline] = {}


def remember_pipeline(factory: PipelineFactory, pipeline: Pipeline) -> None:
    """Use an already built pipeline for ``factory`` in this process (avoids loading twice)."""
    _PIPELINES[factory] = pipeline


def analyze_batch(rows: list[Mapping[str, Any]] | PackedRows, factory: PipelineFactory) -> PackedBatch:
    """Run the per-row steps over a batch of validated rows (the task a worker runs).

    Args:
        rows: Clean rows in input order, or :func:`pack_rows` of them.
        factory: Builds (once per process) the per-row pipeline.

    Returns:
        The documents, in the same order, packed for the trip back (:func:`unpack_documents`).
    """
    if isinstance(rows, PackedRows):
        rows = _unpack_rows(rows)
    return pack_documents(_analyze_here(rows, factory))


def analyze_lines(
    first_row: int, lines: list[bytes], line_numbers: Sequence[int], factory: PipelineFactory
) -> tuple[PackedBatch, list[Any], list[tuple[int, int | None, str | None, list[str]]]]:
    """Decode, check and analyse a chunk of a JSONL file's lines (the task a worker runs).

    What the reading process would otherwise do for every row (decode, check) is done here,
    but for what needs every row of the file: duplicate ids and the warnings about unknown
    columns (see :class:`~duluan.analysis.tabular.RowValidator`), left to the caller.

    Args:
        first_row: Row number of the first line (rows count non-blank lines from 1).
        lines: Non-blank lines, undecoded (:func:`~duluan.analysis.tabular.jsonl_line_chunks`).
        line_numbers: Their 1-based line numbers in the file.
        factory: Builds (once per process) the per-row pipeline.

    Returns:
        ``(packed, rejects, unknown)``: the analysed rows (:func:`unpack_documents`), the
        rejects of the others and the warnings about a row's time, in row order, and
        ``(row, line, id, columns)`` of each row with columns it does not know.
    """
    from duluan.analysis.tabular import Reject, RowValidator, jsonl_chunk_records, validated_rows

    validator = RowValidator(whole_file=False)
    rows: list[dict[str, Any]] = []
    rejects: list[Any] = []
    for item in validated_rows(jsonl_chunk_records(first_row, lines, line_numbers), validator):
        (rejects if isinstance(item, Reject) else rows).append(item)
    return pack_documents(_analyze_here(rows, factory)), rejects, validator.unknown


# What Document.from_row reads of a row; the rest of a row does not cross to a worker.
_ROW_FIELDS = ("id", "text", "title", "created_at", "source", "channel", "_row", "_line")


@dataclass(frozen=True)
class PackedRows:
    """A batch of rows for a worker: a column per field of ``_ROW_FIELDS``, the texts joined
    into one UTF-16 blob (see :func:`_join_strings`).

    A list of row dictionaries pickled each text as UTF-8, which the worker decoded again:
    1.9-2.2 µs a news lead to unpickle there, 0.9 for these columns and blob, rows rebuilt
    included, while packing and pickling cost the driver about the same, 1.3 µs (CPU time,
    best of 5 over 20 batches of 1,000 rows of ``in-20000.jsonl``, 2026-11-30).

    Attributes:
        texts: The rows' texts, joined (``count`` of them).
        count: Number of rows.
        columns: Per other field of ``_ROW_FIELDS``, its value in each row (``None`` if absent).
    """

    texts: bytes | str | list[str]
    count: int
    columns: list[list[Any]]


def pack_rows(rows: list[Mapping[str, Any]]) -> PackedRows:
    """Pack validated rows for a worker (:func:`analyze_batch` takes them as they are too).

    Args:
        rows: Rows with at least ``id`` and ``text``.

    Returns:
        The packed rows.
    """
    texts = [row["text"] for row in rows]
    columns = [[row["id"] for row in rows]] + [[row.get(name) for row in rows] for name in _ROW_FIELDS[2:]]
    # A text that is not a string (a row the validator let through) keeps the list as it is.
    joined = _join_strings(texts) if all(type(text) is str for text in texts) else texts
    return PackedRows(joined, len(rows), columns)


def _unpack_rows(packed: PackedRows) -> list[dict[str, Any]]:
    """The rows of :func:`pack_rows`, each with the fields of ``_ROW_FIELDS``."""
    texts = _split_strings(packed.texts, packed.count)
    ids, titles, times, sources, channels, rows, lines = packed.columns
    # A dictionary display per row: dict(zip(_ROW_FIELDS, ...)) cost twice as much.
    return [
        {
            "id": doc_id,
            "text": text,
            "title": title,
            "created_at": created_at,
            "source": source,
            "channel": channel,
            "_row": row,
            "_line": line,
        }
        for doc_id, text, title, created_at, source, channel, row, line in zip(
            ids, texts, titles, times, sources, channels, rows, lines, strict=True
        )
    ]


# A pipeline's steps keep caches and scratch arrays (the MinHash matrix, syllable tables), so
# one runs a batch at a time: a `dask worker` runs a task on each of its threads (one per core by
# default), and two batches at once in one process corrupted each other's signatures.
_PIPELINE_LOCK = threading.Lock()


def _analyze_here(rows: list[Mapping[str, Any]], factory: PipelineFactory) -> list[Document]:
    with _PIPELINE_LOCK:
        pipeline = _PIPELINES.get(factory)
        if pipeline is None:
            # Replaced models make another factory: the pipelines of the old ones are dropped.
            for other in [f for f in _PIPELINES if f.target == factory.target and f.models != factory.models]:
                del _PIPELINES[other]
            pipeline = _PIPELINES[factory] = factory.build()
        return run_guarded(pipeline, [Document.from_row(r) for r in rows])


# -- the trip back from a worker ----------------------------------------------------------------

# Everything a slimmed Document carries, in its field order, apart from the arrays and terms.
_SCALARS = (
    "id created_at source channel row line content_hash topic sentiment places place_codes "
    "place_within duplicate_of near_duplicate_group cluster error series_day"
).split()
_ARRAYS = ("shingles", "signature", "term_codes", "names")
# attrgetter reads all the fields in C, a generator of getattr calls per document did not.
_GET_SCALARS = attrgetter(*_SCALARS)
# Joins a batch's term keys (or normalised texts) into one string. Terms are syllable bigrams
# of normalised text, which has no control characters; a batch where one has it anyway is
# carried as a list.
_TERM_SEP = "\x1f"
_values = methodcaller("values")


@dataclass(frozen=True)
class PackedBatch:
    """A batch of per-row results as a few flat values, for the trip from a worker to the driver.

    Pickling a list of :class:`Document` went through the dataclass's Python ``__getstate__``
    and one small numpy pickle per array per document: 100 µs a news lead in the worker and
    35 µs in the driver, as much as a whole analysis step. Columns of plain values, one
    concatenated array per field and the term keys joined into one UTF-16 blob pickle in C.
    On 20 batches of 1,000 analysed ``bench_steps.py`` leads (CPU time, collector off, best
    of 5, 2026-11-30), the driver's unpickling and unpacking now take 12.4-13.7 µs a lead
    against 15.8-18.4 with per-document tuples and a UTF-8 string of terms zipped into
    dictionaries, and the worker's packing and pickling 12.7-13.4 against 14.3-15.4.

    Attributes:
        scalars: Per field of ``_SCALARS``, its value for each document (columns: the driver
            builds the documents with one ``map`` over them, see :func:`unpack_documents`).
        arrays: Per field of ``_ARRAYS``: all documents' arrays concatenated (narrowed, see
            :func:`_narrow`), each one's length (``-1`` for ``None``) and their dtype;
            ``None`` when no document has the field.
        term_keys: All documents' terms in order, joined by ``_TERM_SEP`` and encoded in
            UTF-16 (see :func:`_join_strings`; a string or a list when that cannot be). One blob
            pickles in one copy; ~46 strings a document pickled one object at a time, and
            unpickled into as many objects.
        term_lengths: Per document, its number of terms (``-1`` when it has none computed).
        term_counts: The terms' counts, concatenated in the same order (narrowed).
        term_rows: When the terms came as :class:`~duluan.analysis.cluster.TermNames`: the
            number of syllables ``term_keys`` joins (the batch's, each once), and each term's
            first syllable among them and its second plus one (0: none), narrowed. Some 8 syllables a news
            lead cross instead of 46 terms, and the driver makes only the names it keeps.
        normalised: When kept, the normalised texts: those that are not ``None`` joined like the
            terms (:func:`_join_strings`), with the positions of the ``None``; or a list per
            document. Decoding ~250 characters of UTF-8 a text cost the driver 1.5 µs a news
            lead, splitting them off one UTF-16 blob 0.5 (2026-11-30).
    """

    scalars: list[tuple[Any, ...]]
    arrays: dict[str, tuple[np.ndarray, list[int], str] | None]
    term_keys: bytes | str | list[str]
    term_lengths: list[int]
    term_counts: np.ndarray
    normalised: tuple[bytes | str | list[str], list[int]] | None = None
    term_rows: tuple[int, np.ndarray, np.ndarray] | None = None


def pack_documents(docs: list[Document], *, keep_normalised: bool = False) -> PackedBatch:
    """Pack analysed documents for another process; what :meth:`Document.slim` drops is dropped.

    Args:
        docs: Documents after the per-row steps.
        keep_normalised: Also carry the normalised text (the platform stores it).

    Returns:
        The packed batch (:func:`unpack_documents` gives the documents back).
    """
    scalars = list(zip(*map(_GET_SCALARS, docs), strict=True)) if docs else [() for _ in _SCALARS]
    arrays: dict[str, tuple[np.ndarray, list[int], str] | None] = {}
    for name in _ARRAYS:
        values = [getattr(d, name) for d in docs]
        present = [v for v in values if v is not None]
        if present:
            flat = np.concatenate(present)
            arrays[name] = (_narrow(flat), [-1 if v is None else len(v) for v in values], flat.dtype.str)
        else:
            arrays[name] = None
    every = [d.terms for d in docs]
    present = [t for t in every if t is not None]
    flat = flat_term_arrays(present) if present else None
    if flat is not None:
        # Slices of one batch's arrays (the pipeline's terms, TermCoder.slices): those arrays.
        keys, counts, _ = flat
    else:
        # The keys and counts of the whole batch in two C passes, not two extends a document.
        keys = list(itertools.chain.from_iterable(present))
        counts = np.fromiter(
            itertools.chain.from_iterable(map(_values, present)), dtype=np.int64, count=len(keys)
        )
    term_rows = None
    if type(keys) is TermNames:
        keys, term_rows = _compact_names(keys)
    term_keys = _join_strings(keys)
    normalised = None
    if keep_normalised:
        texts = [d.normalised for d in docs]
        missing = [i for i, text in enumerate(texts) if text is None]
        normalised = (_join_strings([t for t in texts if t is not None]), missing)
    return PackedBatch(
        scalars,
        arrays,
        term_keys,
        [-1 if t is None else len(t) for t in every],
        _narrow(counts),
        normalised,
        term_rows,
    )


def _compact_names(names: TermNames) -> tuple[list[str], tuple[int, np.ndarray, np.ndarray]]:
    """The syllables ``names`` read, each once, and its rows renumbered among them (see
    :attr:`PackedBatch.term_rows`)."""
    alone = names.second < 0
    used, inverse = np.unique(np.concatenate([names.first, names.second[~alone]]), return_inverse=True)
    inverse = inverse.ravel()
    first = inverse[: names.first.size]
    after = np.zeros(names.second.size, dtype=np.int64)  # the second row plus one: narrows
    after[~alone] = inverse[names.first.size :] + 1
    syllables = names.syllables
    return [syllables[r] for r in used.tolist()], (used.size, _narrow(first), _narrow(after))


def unpack_documents(packed: PackedBatch, *, flat_terms: bool = False) -> list[Document]:
    """Rebuild the documents of :func:`pack_documents` (text, title, tokens left empty; the
    normalised text too unless it was kept).

    Args:
        packed: A packed batch.
        flat_terms: Give each document's ``terms`` as a :class:`~duluan.analysis.cluster.TermSlice`
            of the batch's arrays, not as a dictionary: what a driver that only clusters them
            needs (the clusterer reads the arrays), for less of its CPU.

    Returns:
        The documents, in order.
    """
    n = len(packed.term_lengths)
    scalars = packed.scalars
    if len(scalars) != len(_SCALARS) or any(len(column) != n for column in scalars):
        raise ValueError(TORN_BATCH)
    arrays = {name: _split_array(item, n) for name, item in packed.arrays.items()}
    texts: list[str | None] = [None] * n
    if packed.normalised is not None:
        joined, missing = packed.normalised
        kept: list[str | None] = _split_strings(joined, n - len(missing))  # type: ignore[assignment]
        for i in missing:
            kept.insert(i, None)
        texts = kept
    doc_id, created_at, source, channel, row, line, content_hash, topic, sentiment, places, *rest = scalars
    place_codes, place_within, duplicate_of, near_duplicate_group, cluster, error, series_day = rest
    empty, none = itertools.repeat(""), itertools.repeat(None)
    # One map over the columns, in C, in Document's field order: a loop unpacking each
    # document's tuple and calling Document took ~1 µs a document more (2026-11-30).
    return list(
        map(
            Document,
            doc_id,
            empty,
            none,
            created_at,
            source,
            channel,
            row,
            line,
            texts,
            none,
            content_hash,
            arrays["shingles"],
            arrays["signature"],
            _unpack_terms(packed, flat_terms),
            arrays["term_codes"],
            topic,
            sentiment,
            places,
            place_codes,
            place_within,
            duplicate_of,
            near_duplicate_group,
            cluster,
            error,
            series_day,
            arrays["names"],
        )
    )


def _narrow(values: np.ndarray) -> np.ndarray:
    """Return integer ``values`` in the smallest unsigned type that holds them all.

    A batch's arrays cross a pipe, copied by the pickler, the kernel and the unpickler: term
    counts (single digits) and term codes (CRC-32s) stored as int64 were a fifth of the bytes.
    """
    if values.dtype.kind not in "iu" or not values.size or values.min() < 0:
        return values
    top = values.max()
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return values.astype(dtype) if values.dtype.itemsize > np.dtype(dtype).itemsize else values
    return values


def _split_array(item: tuple[np.ndarray, list[int], str] | None, n: int) -> list[np.ndarray | None]:
    """Cut a concatenated array field back into one view per document (``None`` where -1)."""
    if item is None:
        return [None] * n
    narrow, lengths, dtype = item
    flat = narrow.astype(dtype, copy=False)
    if n and lengths.count(lengths[0]) == n and lengths[0] > 0:
        # Every document has as many values (MinHash signatures): rows of a 2-D view, cut in C.
        return list(flat.reshape(n, lengths[0]))
    column: list[np.ndarray | None] = []
    start = 0
    for length in lengths:
        if length < 0:
            column.append(None)
        else:
            column.append(flat[start : start + length])
            start += length
    return column


def _join_strings(keys: list[str]) -> bytes | str | list[str]:
    """The strings joined by ``_TERM_SEP``, in UTF-16 (a list when one holds the separator).

    UTF-16 and not the UTF-8 the pickler would write: Vietnamese terms are two-byte strings in
    memory, which UTF-16 copies nearly as they are both ways, while UTF-8 costs a decoding
    pass per character on the driver (1.4 µs a news lead, 2026-11-30). A key holding a
    surrogate code point does not encode: then the string crosses as it is.
    :func:`_split_strings` gives the strings back.
    """
    joined = _TERM_SEP.join(keys)
    try:
        encoded = joined.encode("utf-16-le")
    except UnicodeEncodeError:
        return joined if joined.count(_TERM_SEP) == max(len(keys) - 1, 0) else keys
    # Counted over the code units in numpy: str.count took a microsecond a news lead.
    separators = np.count_nonzero(np.frombuffer(encoded, dtype="<u2") == ord(_TERM_SEP))
    return encoded if separators == max(len(keys) - 1, 0) else keys


def _split_strings(joined: bytes | str | list[str], count: int) -> list[str]:
    """The ``count`` strings :func:`_join_strings` joined."""
    if isinstance(joined, list):
        return joined
    if isinstance(joined, bytes):
        joined = joined.decode("utf-16-le")
    return joined.split(_TERM_SEP) if count else []


def _unpack_terms(packed: PackedBatch, flat: bool = False) -> list[Mapping[str, int] | None]:
    """Each document's term counts (``None`` where it had none); with ``flat``, as
    :class:`~duluan.analysis.cluster.TermSlice` s of the batch's arrays instead of dictionaries.

    Every dictionary is made with all its counts 1, in C, and the few other counts (a term
    repeated in its text) are set after: the order of the keys stays that of first insertion.
    With the UTF-16 keys, the driver's unpickling and unpacking went from 16.5 to 13.7 µs a
    news lead and the worker's packing and pickling from 14.5 to 13.3 (CPU time, collector
    off, best of 5 over 20 batches of 1,000 analysed ``bench_steps.py`` leads, 2026-11-30).
    """
    lengths = packed.term_lengths
    keys: Sequence[str]
    if packed.term_rows is not None:
        n_syllables, first, after = packed.term_rows
        keys = TermNames(_split_strings(packed.term_keys, n_syllables), first, after.astype(np.int64) - 1)
        if not flat:
            keys = list(keys)
    else:
        keys = _split_strings(packed.term_keys, sum(length for length in lengths if length > 0))
    counts = packed.term_counts
    if flat:
        ends = itertools.accumulate(max(length, 0) for length in lengths)
        return [
            None if length < 0 else TermSlice(keys, counts, end - length, end)
            for length, end in zip(lengths, ends, strict=True)
        ]
    remaining = iter(keys)
    fromkeys, islice = dict.fromkeys, itertools.islice
    terms = [None if length < 0 else fromkeys(islice(remaining, length), 1) for length in lengths]
    other = np.flatnonzero(counts != 1)
    if other.size:
        ends = np.cumsum(np.maximum(lengths, 0))
        owners = np.searchsorted(ends, other, side="right").tolist()
        for at, owner, count in zip(other.tolist(), owners, counts[other].tolist(), strict=True):
            terms[owner][keys[at]] = count  # type: ignore[index]
    return terms


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
            self._pool = forked_pool(self.workers)
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self._pool is not None:
            close_pool(self._pool, abandoned=exc_type is not None)
            self._pool = None

    def map(self, batches: Iterable[list[Mapping[str, Any]]]) -> Iterator[list[Document]]:
        """Yield the per-row results of each batch, in input order."""
        if self._pool is None:
            for batch in batches:
                yield _analyze_here(batch, self.factory)
            return
        pool = self._pool

        def submit(batch: list[Any]) -> Future[PackedBatch]:
            return pool.submit(analyze_batch, pack_rows(batch), self.factory)

        def result(future: Future[PackedBatch]) -> list[Document]:
            return unpack_documents(future.result(), flat_terms=True)

        yield from ordered_results(submit, result, batches, 2 * self.workers + 1)

    def map_lines(
        self, chunks: Iterable[tuple[int, list[bytes], Sequence[int]]]
    ) -> Iterator[tuple[int, list[Document], list[Any], list[tuple[int, int | None, str | None, list[str]]]]]:
        """Yield, in input order, each chunk of JSONL lines decoded, checked and analysed by the
        pool's workers (:func:`analyze_lines`): ``(lines, documents, rejects, unknown)``.

        Args:
            chunks: :func:`~duluan.analysis.tabular.jsonl_line_chunks` of the input.

        Raises:
            RuntimeError: Without a pool (``workers=1``): the rows are read here then.
        """
        pool = self._pool
        if pool is None:
            raise RuntimeError("map_lines needs worker processes")

        def submit(chunk: tuple[int, list[bytes], Sequence[int]]) -> tuple[int, Future[Any]]:
            first_row, lines, numbers = chunk
            return len(lines), pool.submit(analyze_lines, first_row, lines, numbers, self.factory)

        def result(pending: tuple[int, Future[Any]]) -> tuple[int, list[Document], list[Any], list[Any]]:
            size, future = pending
            packed, rejects, unknown = future.result()
            return size, unpack_documents(packed, flat_terms=True), rejects, unknown

        yield from ordered_results(submit, result, chunks, 2 * self.workers + 1)


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
        self.workers = workers or default_workers()
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskEngine:
        from dask.distributed import Client, LocalCluster

        if self.scheduler:
            self._client = Client(self.scheduler, timeout=CONNECT_SECONDS)
            try:
                # A scheduler without workers took the run and never answered.
                self._client.wait_for_workers(1, timeout=WORKERS_SECONDS)
            except BaseException:
                self._client.close()
                self._client = None
                raise
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
            return client.submit(analyze_batch, pack_rows(batch), self.factory, pure=False)

        def result(future: Any) -> list[Document]:
            packed = self._result(future)
            future.release()
            return unpack_documents(packed, flat_terms=True)

        yield from ordered_results(submit, result, batches, 2 * n + 1)

    def _result(self, future: Any) -> PackedBatch:
        """``future``'s result, once the cluster gives it.

        Raises:
            WorkersLost: The cluster has had no worker for ``WORKERS_SECONDS`` while this waited, or
                the batch killed the workers that took it.
        """
        from distributed import KilledWorker

        alone_since: float | None = None
        while True:
            try:
                return future.result(timeout=POLL_SECONDS)
            except TimeoutError:
                pass
            except KilledWorker as exc:
                raise WorkersLost(
                    f"một lô làm dừng mọi Dask worker nhận nó ({exc}): có thể do thiếu bộ nhớ"
                ) from exc
            if self._client.nthreads():
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since >= WORKERS_SECONDS:
                raise WorkersLost(f"Dask scheduler không còn worker nào sau {WORKERS_SECONDS} s chờ")
