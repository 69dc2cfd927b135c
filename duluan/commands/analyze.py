"""``duluan analyze``: enrich a file of texts with topic, sentiment, places, duplicates, clusters.

Usage::

    duluan analyze INPUT -o OUTPUT [--rejects FILE] [--engine local|dask]
                   [--scheduler ADDRESS] [--workers N] [--model-dir DIR]
                   [--home-province CODE|NAME|none] [--cluster-state FILE]
                   [--batch-size N] [--no-progress]

INPUT is JSONL (``.gz`` ok), CSV or Parquet; OUTPUT is Parquet for ``.parquet``, JSONL for
``.jsonl`` (``.gz`` ok). Bad rows go to the rejects file (default ``OUTPUT.rejects.jsonl``) with
a reason and never stop the run. The output and rejects files appear when the run ends well:
a failed or interrupted run leaves what was at their paths before (see
:class:`~duluan.analysis.tabular.StagedFile`), and no path may be another's.
``--home-province`` names the province whose units a name several provinces share is read
as (Bắc Ninh by default, or ``DULUAN_HOME_PROVINCE``); ``none`` leaves such names unresolved,
each with its candidates. ``--cluster-state`` resumes the online clusterer from a saved state
and saves it back at the end, so successive runs keep growing the same issues (the clusters
only: exact and near duplicates are found within a run, among its rows); its folder is checked
before any work, the state is written before the output is committed, and a second run given a
state another is using is refused at once (:func:`_state_lock`).

With ``--engine dask`` the workers are given the model folder as an absolute path and the
fingerprint of its models (:meth:`~duluan.analysis.dask_engine.PipelineFactory.pinned`): a worker
whose files there are others (another machine's copy, or replaced since it loaded them) refuses
the run with a model error rather than label rows otherwise than this machine would, and a
worker that loaded replaced models loads them again. A worker runs one batch at a time whatever
its threads (a `dask worker` has one per core). A run whose cluster has had no worker for a minute
(they all died or were stopped), or whose batch killed the workers that took it, ends with a usage
error (``WorkersLost``) rather than wait for workers that may never come.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from duluan.adminunits import DEFAULT_HOME_PROVINCE
from duluan.analysis.runtime import default_workers
from duluan.commands._args import home_province, positive_int
from duluan.commands._paths import PathError, check_paths, missing_input

# The environment variable the platform reads its home province from: the command reads it too.
HOME_PROVINCE_ENV = "DULUAN_HOME_PROVINCE"
EXIT_OK = 0
EXIT_INPUT = 2
EXIT_MODEL = 3
# From this input size (the same as ``duluan classify``'s) the clusterer runs as compiled loops
# (:class:`~duluan.analysis.cluster_compiled.CompiledClusterer`, the same clusters): loading them
# costs about 1.1 s of CPU once, and they save about 85 µs a news lead (some 13,000 leads, 5 MB
# of JSONL, to pay; measured 2026-12-02). From this size too the steps that can score by compiled
# loops load them before the workers fork, which inherit them: the sentiment model's, and the
# topic model's that also explain (since 2026-12-02, see TopicStep.load_compiled). On 100,000
# news leads, 4,835-5,799 docs/s against 4,438-5,144, the workers' CPU 21.9-25.0 s against
# 24.2-28.1, peak PSS 916-924 MiB against 991-1,003 (four alternating pairs, 2026-12-02). The
# dedupe-features step's terms too (DedupeFeaturesStep.load_compiled): 17.7-18.1 user CPU-s
# against 18.3-18.5, the same output (three alternating runs on 100,000 leads, 2026-12-02).
COMPILED_MIN_BYTES = 8 << 20


def _compile_clusterer(cluster_step: Any) -> None:
    """Let compiled loops cluster from now on, unless the stream holds a time they cannot
    compare as Python does (the Python clusterer then goes on)."""
    from duluan.analysis.cluster_compiled import CompiledClusterer

    try:
        cluster_step.clusterer = CompiledClusterer(cluster_step.clusterer)
    except ValueError:
        pass


@dataclass
class AnalyzeReport:
    """What a run did.

    Attributes:
        read: Data rows read.
        analysed: Rows written to the output.
        rejected: Rows written to the rejects file as errors.
        warnings: Warning records in the rejects file.
        seconds: Wall-clock time of the run.
        rejects_path: Where the rejects file was written.
    """

    read: int = 0
    analysed: int = 0
    rejected: int = 0
    warnings: int = 0
    seconds: float = 0.0
    rejects_path: Path | None = None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``analyze`` sub-command."""
    parser = subparsers.add_parser(
        "analyze",
        help="Phân tích tệp văn bản: chủ đề, sắc thái, địa danh, trùng lặp, cụm vấn đề.",
        description=(
            "Phân tích tệp văn bản (JSONL, CSV, Parquet): chủ đề, sắc thái, địa danh, trùng lặp và cụm "
            "vấn đề. Dòng lỗi được ghi vào tệp loại bỏ kèm lý do, không làm dừng lần chạy."
        ),
    )
    parser.add_argument("input", help="Tệp vào: .jsonl, .jsonl.gz, .csv hoặc .parquet (cột id, text, …).")
    parser.add_argument("-o", "--output", required=True, help="Tệp kết quả: .jsonl (.gz) hoặc .parquet.")
    parser.add_argument("--rejects", help="Tệp JSONL ghi các dòng bị loại (mặc định OUTPUT.rejects.jsonl).")
    parser.add_argument("--engine", choices=("local", "dask"), default="local", help="Bộ máy chạy.")
    parser.add_argument("--scheduler", help="Địa chỉ Dask scheduler (mặc định: LocalCluster).")
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="Số tiến trình xử lý (mặc định: 2, hoặc 1 nếu máy chỉ có một lõi).",
    )
    parser.add_argument("--model-dir", help="Thư mục mô hình (mặc định DULUAN_MODEL_DIR hoặc var/models).")
    parser.add_argument(
        "--home-province",
        type=home_province,
        default=os.environ.get(HOME_PROVINCE_ENV) or DEFAULT_HOME_PROVINCE,
        help=(
            "Tỉnh, thành phố mà một địa danh trùng tên ở nhiều tỉnh được hiểu là thuộc về: mã hoặc tên "
            f"(từ 01/07/2025), hoặc 'none' để liệt kê mọi đơn vị có thể (mặc định {HOME_PROVINCE_ENV} "
            f"hoặc {DEFAULT_HOME_PROVINCE}, Bắc Ninh)."
        ),
    )
    parser.add_argument(
        "--cluster-state",
        help=(
            "Tệp JSON trạng thái phân cụm: đọc nếu có, ghi lại khi xong (chỉ các cụm: bản trùng và gần trùng"
            " được tìm trong các dòng của một lần chạy). Mỗi lúc chỉ một lượt chạy được dùng một tệp"
            " trạng thái."
        ),
    )
    parser.add_argument("--batch-size", type=positive_int, default=2000, help="Số dòng mỗi lô.")
    parser.add_argument(
        "--steps",
        default=None,
        help="Nâng cao: MODULE:HÀM trả về pipeline các bước theo dòng (mặc định: mô hình đầy đủ).",
    )
    parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến độ.")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the command from parsed arguments and return the exit code."""
    from duluan.analysis.dask_engine import DEFAULT_FACTORY, PipelineFactory

    if args.scheduler and args.engine != "dask":
        print("Lỗi tham số: --scheduler chỉ dùng với --engine dask.", file=sys.stderr)
        return EXIT_INPUT
    factory = PipelineFactory(args.steps or DEFAULT_FACTORY, args.model_dir, args.home_province)
    try:
        report = analyze_file(
            args.input,
            args.output,
            rejects=args.rejects,
            engine=args.engine,
            scheduler=args.scheduler,
            # Like classify and import: two workers unless told (one process was the default,
            # which left the second core idle: 6,870 docs/s with two workers, 100,000 leads).
            workers=args.workers or default_workers(),
            factory=factory,
            cluster_state=args.cluster_state,
            batch_size=args.batch_size,
            progress=not args.no_progress,
        )
    except ModelError as exc:
        print(f"Lỗi mô hình: {exc}", file=sys.stderr)
        return EXIT_MODEL
    except InputError as exc:
        print(f"{exc.label}: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except PathError as exc:
        print(f"Lỗi đường dẫn: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print(
        f"Đã phân tích {report.analysed:,} / {report.read:,} dòng, loại {report.rejected:,}"
        f" ({report.warnings} cảnh báo) trong {report.seconds:.1f} s"
        f" ({report.analysed / max(report.seconds, 1e-9):,.0f} dòng/s)"
        f"{f' — xem {report.rejects_path}' if report.rejected or report.warnings else ''}.",
        file=sys.stderr,
    )
    return EXIT_OK


def _checked_lines(
    runner: Any, path: Path, batch_size: int, report: AnalyzeReport, rejects: Any, bar: Any
) -> Iterator[list[Any]]:
    """The documents of each chunk of a JSONL file's lines, decoded, checked and analysed by the
    pool's workers (``LocalEngine.map_lines``), in input order.

    This process only splits the file into lines, then makes the checks that need every row
    (duplicate ids, the warning about unknown columns, given once) and writes the chunk's
    rejects in row order, as reading the rows here wrote them. Those are all the rows' rejects;
    an analysis error is written after its chunk's. Reading was a tenth of this process's work,
    which grows with the open clusters: over 100,000 news leads it used 9.6-9.8 CPU-s against
    10.6-11.0, the workers 0.7-0.9 more, all three 1-2 % less wall time (same output and
    rejects; three alternating runs, 2026-12-01).
    """
    from duluan.analysis.pipeline import BATCH_CHARS
    from duluan.analysis.tabular import KEPT_ROW_WARNINGS, RowValidator, jsonl_line_chunks

    validator = RowValidator()
    for size, docs, bad, unknown in runner.map_lines(jsonl_line_chunks(path, batch_size, BATCH_CHARS)):
        notes: list[tuple[int, int, Any]] = validator.chunk_notes(bad, unknown)
        kept = []
        for doc in docs:
            duplicate = validator.duplicate(doc.id, doc.row, doc.line)
            if duplicate is None:
                kept.append(doc)
            else:  # left out, so neither analysed without a time nor converted (as validate has it)
                notes = [n for n in notes if n[0] != doc.row or n[2].reason not in KEPT_ROW_WARNINGS]
                notes.append((doc.row, 1, duplicate))
        notes.sort(key=itemgetter(0, 1))
        for *_, note in notes:
            rejects.write(note)
        report.read += size
        bar.update(size - len(kept))
        yield kept


class _entered:
    """Enter a runner, turning a Dask scheduler that cannot be reached into a :class:`SchedulerError`."""

    def __init__(self, runner: Any, scheduler: str | None) -> None:
        self.runner, self.scheduler = runner, scheduler

    def __enter__(self) -> Any:
        try:
            return self.runner.__enter__()
        # ValueError: an address Dask cannot parse; MemoryError: something else answered there (an
        # HTTP server's "HTTP/1.1" read as the length of a message: 3 EiB); TimeoutError (an
        # OSError): no answer, or no worker.
        except (OSError, ValueError, MemoryError) as exc:
            if self.scheduler is None:
                raise
            if isinstance(exc, MemoryError):
                exc = "không phải Dask scheduler"  # type: ignore[assignment]
            raise SchedulerError(f"không kết nối được Dask scheduler {self.scheduler} ({exc})") from None

    def __exit__(self, *exc_info: Any) -> Any:
        return self.runner.__exit__(*exc_info)


class ModelError(RuntimeError):
    """A model file is missing, corrupt or incompatible."""


class InputError(RuntimeError):
    """The input file cannot be read at all (``label``: what the message is about)."""

    label = "Lỗi tệp vào"


class SchedulerError(InputError):
    """The Dask scheduler given cannot be reached."""

    label = "Lỗi Dask"


class StateError(InputError):
    """The clusterer's state file cannot be read."""

    label = "Lỗi tệp trạng thái phân cụm"


@contextmanager
def _state_lock(state: Path | None) -> Iterator[None]:
    """Hold the clusterer's state for one run: a second run given the same state while this one
    reads it, analyses and writes it back is refused, not left to overwrite its clusters.

    The lock is ``fcntl.flock`` on ``STATE.lock`` beside the state (the state itself is replaced
    on saving, so a lock on it would not outlive the first save). The file is removed on release,
    while still held; a run that opened it just before that checks, once it holds the lock,
    that the name still leads to the file it locked, and starts again if not. The kernel drops
    the lock when the process ends, however it ends.

    Raises:
        StateError: Another run holds the state, or the lock file cannot be made.
    """
    if state is None:
        yield
        return
    lock = state.with_name(f"{state.name}.lock")
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StateError(f"không tạo được tệp khoá {lock}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StateError(
                f"{state} đang được một lượt phân tích khác dùng (khoá {lock}): chờ lượt đó xong rồi chạy lại"
            ) from None
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        try:
            os.unlink(lock)
        finally:
            os.close(fd)


def analyze_file(
    input_path: str | Path,
    output_path: str | Path,
    *,
    rejects: str | Path | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    factory: Any = None,
    cluster_state: str | Path | None = None,
    batch_size: int = 2000,
    progress: bool = False,
) -> AnalyzeReport:
    """Analyse a file into an output file and a rejects file, streaming.

    Args:
        input_path: JSONL (``.gz``), CSV or Parquet.
        output_path: ``.parquet`` or JSONL.
        rejects: Rejects JSONL (default ``<output>.rejects.jsonl``).
        engine: ``"local"`` or ``"dask"``.
        scheduler: Dask scheduler address (``None``: a local cluster).
        workers: Worker processes (local default 1, Dask default 2; the command's default is
            :func:`~duluan.analysis.runtime.default_workers` for both).
        factory: :class:`duluan.analysis.dask_engine.PipelineFactory` of the per-row steps.
        cluster_state: JSON file to resume the clusterer from and save it to.
        batch_size: Rows per batch.
        progress: Show a progress bar on stderr.

    Returns:
        The :class:`AnalyzeReport`.

    Raises:
        ModelError: A model cannot be loaded.
        InputError: The input file is missing, unreadable or of an unknown format, or an output
            has an unknown extension; the Dask scheduler cannot be reached
            (:class:`SchedulerError`), or the clusterer's state cannot be read
            (:class:`StateError`) or another run is using it. Nothing is written then.
        PathError: A path is the input's or another output's, the input may not be read, or an
            output is a folder or lies in none, or in one that may not be written
            (:func:`~duluan.commands._paths.check_paths`). Nothing is written then.
    """
    from tqdm import tqdm

    from duluan.analysis.cluster import OnlineClusterer
    from duluan.analysis.dask_engine import (
        DaskEngine,
        LocalEngine,
        PipelineFactory,
        WorkersLost,
        remember_pipeline,
    )
    from duluan.analysis.model_io import ModelFileError
    from duluan.analysis.pipeline import BATCH_CHARS, batched, ordered_pipeline, run_ordered
    from duluan.analysis.runtime import batch_gc, keep_freed_memory
    from duluan.analysis.tabular import (
        MESSAGES,
        Reject,
        RejectsWriter,
        StagedFile,
        UnreadableInput,
        input_format,
        loads_json,
        open_writer,
        output_format,
        read_rows,
    )

    started = time.perf_counter()
    factory = factory or PipelineFactory()
    input_path = Path(input_path)
    missing = missing_input(input_path, "tệp")
    if missing:
        raise InputError(missing)
    rejects_path = Path(rejects or f"{output_path}.rejects.jsonl")
    try:
        input_format(input_path)
        output_format(output_path)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    state_file = Path(cluster_state) if cluster_state else None
    check_paths(input_path, Path(output_path), rejects_path, state_file)
    with _state_lock(state_file):
        keep_freed_memory()  # before the workers fork, so they keep theirs too
        try:
            # Load the models here first: a corrupt model is one clear error, not one per worker.
            # Loading makes millions of long-lived containers, which CPython's default collector
            # walked ~900 times over (0.3 CPU-s a run); batch_gc looks a dozen times.
            with batch_gc():
                checked = factory.build()
        except ModelFileError as exc:  # its message says what is wrong, in Vietnamese
            raise ModelError(f"không nạp được mô hình: {exc}") from exc
        except Exception as exc:  # loaders raise many kinds; all mean "unusable model"
            # An unforeseen failure: its kind is the developer's best clue.
            raise ModelError(f"không nạp được mô hình ({type(exc).__name__}: {exc})") from exc
        large = input_path.stat().st_size >= COMPILED_MIN_BYTES
        if engine != "dask":
            if large:
                # Before the workers fork, so that they inherit the loaded loops.
                for step in checked.steps:
                    load = getattr(step, "load_compiled", None)
                    if load is not None:
                        load()
            # In this process, or in local workers forked from it: they inherit the loaded models
            # instead of loading them again (seconds each) and share their pages until written.
            remember_pipeline(factory, checked)
        # Dask workers are not forked from here: they load their own copy, and this one is dropped.
        del checked

        clusterer = None
        state_path = state_file
        if state_path is not None and state_path.exists():
            try:
                clusterer = OnlineClusterer.from_state(loads_json(state_path.read_text(encoding="utf-8")))
            except OSError as exc:
                raise StateError(f"không đọc được {state_path}: {exc.strerror or exc}") from exc
            # AttributeError: not an object; zlib.error: a document-frequency table that is no zlib data
            except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError, zlib.error) as exc:
                raise StateError(f"tệp {state_path} hỏng ({type(exc).__name__}: {exc})") from exc
            if clusterer.naive_times():  # analyze reads every time with its zone (UTC+7 if none)
                raise StateError(
                    f"tệp {state_path} ghi thời điểm không có múi giờ: không phải trạng thái do analyze ghi"
                )
        ordered = ordered_pipeline(clusterer=clusterer)
        cluster_step = ordered.steps[-1]

        report = AnalyzeReport(rejects_path=rejects_path)
        rejects_writer = RejectsWriter(rejects_path)
        try:
            writer = open_writer(output_path)
        except BaseException:
            rejects_writer.abort()
            raise
        bar = tqdm(total=None, unit=" dòng", file=sys.stderr, disable=not progress, mininterval=0.5)

        def rows() -> Iterator[dict[str, Any]]:
            for item in read_rows(input_path):
                if isinstance(item, Reject):
                    if item.severity == "error":
                        report.read += 1
                        bar.update(1)
                    rejects_writer.write(item)
                else:
                    report.read += 1
                    yield item

        if engine == "dask":
            # Its workers may run elsewhere, or in another folder: they are told where the models
            # are and which they must be.
            runner: Any = DaskEngine(factory.pinned(), scheduler=scheduler, workers=workers)
        else:
            runner = LocalEngine(factory, workers=workers or 1)
        # A JSONL file read by a pool: its workers decode and check the lines (see _checked_lines).
        by_lines = engine != "dask" and runner.workers > 1 and input_format(input_path) == "jsonl"
        finished = False
        staged: StagedFile | None = None
        try:
            # batch_gc first: local workers are forked on entering the runner and keep the
            # threshold they are born with (CPython's default cost them ~8 µs a document).
            with batch_gc(), _entered(runner, scheduler):
                if by_lines:
                    batches = _checked_lines(runner, input_path, batch_size, report, rejects_writer, bar)
                else:
                    batches = runner.map(batched(rows(), batch_size, BATCH_CHARS))
                # Loaded once the first batch is back, while the workers go on with the next ones.
                compile_clusters = large
                for docs in batches:
                    if compile_clusters:
                        compile_clusters = False
                        _compile_clusterer(cluster_step)
                    run_ordered(ordered, docs)
                    good = []
                    for doc in docs:
                        if doc.error is not None:
                            rejects_writer.write(
                                Reject(
                                    doc.row,
                                    doc.line,
                                    doc.id,
                                    "analysis_error",
                                    f"{MESSAGES['analysis_error']}: {doc.error}",
                                )
                            )
                        else:
                            good.append(doc.to_record())
                    writer.write(good)
                    report.analysed += len(good)
                    bar.update(len(docs))
            if state_path is not None:
                # Written before the output is committed: a state that cannot be written leaves the
                # output as it was too, not clusters that no state records.
                staged = StagedFile(state_path)
                staged.temp.write_text(
                    json.dumps(cluster_step.clusterer.state(), ensure_ascii=False), encoding="utf-8"
                )
            finished = True
        except UnreadableInput as exc:
            raise InputError(str(exc)) from exc
        except ModelFileError as exc:  # a Dask worker's models are not this run's
            raise ModelError(str(exc)) from exc
        except WorkersLost as exc:
            raise SchedulerError(str(exc)) from exc
        finally:
            bar.close()
            if finished:
                writer.close()
                rejects_writer.close()
            else:  # an error or an interruption: the paths keep what they had
                writer.abort()
                rejects_writer.abort()
                if staged is not None:
                    staged.discard()
        report.rejected = rejects_writer.count
        report.warnings = rejects_writer.warnings
        if staged is not None:
            staged.commit()
        report.seconds = time.perf_counter() - started
        return report
