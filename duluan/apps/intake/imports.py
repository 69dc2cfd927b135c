"""Bulk import of a file of signals (hotline logs, voter-meeting petitions, news, social posts…).

All or nothing, without holding up the other channels. Rows are analysed in batches (in worker
processes when ``workers > 1``) and written batch by batch — signals, issues, aggregates, the
clusterer's state. The import holds the clusterer's lock (and the issues it updates) only until
the end of the batch during which another connection started waiting for one of them: then it
saves the state and commits, the waiting web form or Open311 client goes ahead, and the next
batch locks again. A citizen sending during a million-row import thus waits for one batch at
most, not for the whole file; their signal is clustered after the batches committed before it
(the state always sees one order, and the same order always gives the same issues). Alone, the
import stays in one transaction and saves the state once, since a save costs about a second
once many issues are open. PostgreSQL tells who waits; on other databases the import commits
after every batch.

One database transaction for the whole file would make "all or nothing" free, but it cannot
release a lock before it ends — and the issues it writes stay locked too — so per-batch locking
and a single transaction exclude each other. We release the locks when someone waits and make a
failure undo the import instead (:func:`signals_import_undo`): any exception, Ctrl-C included,
removes every signal of the file, recounts the issues they were in, deletes the issues left
empty, and puts the clusterer's state back as it was before the import — exactly, from a copy
taken at the start, when no other writer clustered during the import; otherwise the state is
kept (another writer's signals are in it, and dropping them would be worse), and the only trace
of the failed import is in the clusterer's memory of word frequencies and open clusters, not in
any signal, issue or figure. The batch row is deleted too; the audit log, append-only, records
the undo. While an import runs its batches are visible (its ``ImportBatch`` has no
``finished_at`` yet). The hotness, forecasts and alerts of the issues it touched are refreshed
once, after its last batch, so an import that is undone never raised an alert.

Bad rows never stop the import: each becomes a line of the rejects report (file, row, line,
reason, Vietnamese message and the raw row, so nothing is lost) and the valid rows are stored.
Re-importing the same file adds nothing: every row has a key (its ``id`` column, or a hash of
its content), rows whose key is already stored are counted as duplicates before any analysis,
which is why a re-import is much faster than the first.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import reset_queries, transaction
from django.db.models import Subquery
from django.utils import timezone

from duluan.adminunits import SCHEME_2025_START
from duluan.apps.audit.services import audit_record
from duluan.apps.core.text import nfc
from duluan.apps.geo.models import AdminUnit
from duluan.apps.issues import services as issue_services
from duluan.apps.issues.clustering import ClusteringSession
from duluan.apps.issues.models import ClustererState, Issue, IssueDay

from .analysis import analyse_parallel
from .importers import CONVERTED_FROM, CONVERTED_IN_PART, MESSAGES, Row, RowProblem, parse_when, read_file
from .models import Channel, ImportBatch, Signal
from .near import StoredNearIndex
from .services import (
    SignalInput,
    analysis_row,
    item_key,
    place_resolve,
    signals_ingest_batch,
    signals_known,
    stored_text,
)

IMPORT_CHANNELS = (
    Channel.HOTLINE,
    Channel.VOTER_MEETING,
    Channel.NEWS,
    Channel.SOCIAL,
    Channel.EMAIL,
    Channel.OTHER,
)
BAD_IMPORT_CHANNEL = "Kênh nhập không hợp lệ: {value!r} (chọn: {choices})."
# A rejected row is named by its number and its id, never copied: an import's rows carry the
# petitioners' names, phones and addresses, and the report is a file anyone with the server's disk
# reads. The row number finds it in the file it came from.
REJECT_COLUMNS = ("file", "row", "line", "reason", "message", "id")
MAX_STORED_REJECTS = 1000


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    rejected: int = 0
    converted: int = 0  # signals stored from text typed in legacy fonts (see importers._mapped)
    batch_id: int | None = None
    rejects_path: str = ""
    analysis_mode: str = ""
    seconds: float = 0.0
    rejects: list[dict[str, Any]] = field(default_factory=list)


class RejectsReport:
    """The rejects CSV (UTF-8 with BOM so spreadsheet programs read Vietnamese), written as we go."""

    def __init__(self, path: Path, file_name: str) -> None:
        self.path = path
        self.file_name = file_name
        self._handle = None
        self._writer = None
        self.kept: list[dict[str, Any]] = []
        self.count = 0

    def add(self, row: int | None, line: int | None, reason: str, message: str, ident: str = "") -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(REJECT_COLUMNS)
        record = {"file": self.file_name, "row": row, "line": line, "reason": reason, "message": message}
        self._writer.writerow([*record.values(), ident])
        self.count += 1
        if len(self.kept) < MAX_STORED_REJECTS:
            self.kept.append(record)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def _external_id(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))[:200]


class _RowConverter:
    """Turns a mapped row into a :class:`SignalInput`, or a reason it cannot be one."""

    def __init__(self, channel: str, source: str) -> None:
        self.channel = channel
        self.source = source
        self._units: dict[tuple[str, str], AdminUnit | None] = {}
        self._places: dict[tuple[str, Any], AdminUnit | None] = {}

    def _unit(self, value: Any) -> AdminUnit | bool | None:
        code = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            code = str(int(value))
        scheme, _, bare = code.rpartition(":")
        key = (scheme or "2025", bare)
        if key not in self._units:
            self._units[key] = AdminUnit.objects.filter(scheme=key[0], code=key[1]).first()
        return self._units[key] or False

    def _place(self, text: str, created_at) -> AdminUnit | None:
        when = timezone.localtime(created_at).date() if created_at else None
        era = when is not None and when < SCHEME_2025_START
        key = (text, era)
        if key not in self._places:
            self._places[key] = place_resolve(text, when=when)
        return self._places[key]

    def __call__(self, row: Row) -> SignalInput | tuple[str, str]:
        f = row.fields
        try:
            created_at = parse_when(f.get("created_at"))
        except (TypeError, ValueError, IndexError):
            return "bad_created_at", MESSAGES["bad_created_at"].format(value=str(f.get("created_at"))[:60])
        lat = lon = None
        if f.get("lat") not in (None, "") or f.get("lon") not in (None, ""):
            try:
                lat, lon = float(f.get("lat")), float(f.get("lon"))
            except (TypeError, ValueError):
                return "bad_coords", MESSAGES["bad_coords"].format(value=f"{f.get('lat')}, {f.get('lon')}")
        unit = None
        if f.get("unit") not in (None, ""):
            unit = self._unit(f["unit"])
            if unit is False:
                return "unknown_unit", MESSAGES["unknown_unit"].format(value=f["unit"])
        extra: dict[str, Any] = {}
        for name in ("meeting", "deputy_group", "petitioners_unit"):
            if f.get(name) not in (None, ""):
                extra[name] = nfc(str(f[name]))
        if row.raw.get("url"):
            extra["url"] = str(row.raw["url"])[:500]
        extra.update((key, f[key]) for key in (CONVERTED_FROM, CONVERTED_IN_PART) if f.get(key))
        place = nfc(str(f.get("place") or ""))
        if unit is None and extra.get("petitioners_unit"):
            unit = self._place(extra["petitioners_unit"], created_at)
        if unit is None and place:
            unit = self._place(place, created_at)
        reporter = None
        if f.get("name") or f.get("phone") or f.get("email") or f.get("address"):  # no generator a row
            reporter = {k: str(f.get(k) or "") for k in ("name", "phone", "email", "address")}
        return SignalInput(
            channel=self.channel,
            text=str(f["text"]),
            title=str(f.get("title") or ""),
            created_at=created_at,
            external_id=_external_id(f.get("id")),
            source=str(f.get("source") or self.source or ""),
            unit=unit,
            place_text=place,
            lat=lat,
            lon=lon,
            extra=extra,
            reporter=reporter,
            row=row.row,
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def signals_import_file(
    *,
    path: str | Path,
    channel: str,
    mapping: dict[str, str] | None = None,
    fmt: str | None = None,
    source: str = "",
    actor=None,
    rejects_path: str | Path | None = None,
    batch_size: int = 2000,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import one file into signals, all or nothing (see the module docstring).

    Args:
        path: CSV, XLSX, JSONL or RSS/Atom file.
        channel: One of :data:`IMPORT_CHANNELS`.
        mapping: Field → column (see :func:`duluan.apps.intake.importers.parse_mapping`).
        fmt: Force the format (``csv``, ``xlsx``, ``jsonl``, ``feed``) instead of the extension.
        source: Source name for rows that have none.
        actor: The official importing.
        rejects_path: Where the rejects CSV goes (default: ``<file>.rejects.csv`` beside it).
        batch_size: Rows per analysis and write batch.
        workers: Processes for the per-row analysis.
        progress: Called with the number of rows read so far, after each batch.

    Returns:
        The report (rows read, created, duplicates, rejected, the rejects file).

    Raises:
        ImportFileError: The file cannot be read as a whole; nothing was stored.
        IntakeError: A bad channel.
    """
    from .services import IntakeError

    if channel not in IMPORT_CHANNELS:
        raise IntakeError(BAD_IMPORT_CHANNEL.format(value=channel, choices=", ".join(IMPORT_CHANNELS)))
    started = timezone.now()
    path = Path(path)
    rows_iter = read_file(path, mapping=mapping, fmt=fmt)  # raises ImportFileError early
    report = ImportReport(file=str(path))
    rejects = RejectsReport(Path(rejects_path or f"{path}.rejects.csv"), path.name)
    convert = _RowConverter(channel, source)
    sha = file_sha256(path)
    batch = ImportBatch.objects.create(
        channel=channel, file_name=path.name[:300], file_sha256=sha, actor=actor
    )
    run = _ImportRun(batch)
    near = StoredNearIndex(capacity=50_000)
    pending: deque[_Queued] = deque()

    def batches() -> Iterator[list[dict[str, Any]]]:
        items: list[SignalInput] = []
        for entry in rows_iter:
            report.rows += 1
            if isinstance(entry, RowProblem):
                rejects.add(entry.row, entry.line, entry.reason, entry.message)
                continue
            item = convert(entry)
            if isinstance(item, tuple):
                rejects.add(entry.row, entry.line, item[0], item[1], _external_id(entry.fields.get("id")))
                continue
            items.append(item)
            if len(items) >= batch_size:
                yield _to_analyse(items, pending, run)
                items = []
        if items:
            yield _to_analyse(items, pending, run)

    try:
        analysed = analyse_parallel(batches(), workers=workers)
        finished = False
        while not finished:
            # One transaction per stretch of batches: it ends after a batch when another writer
            # waits for a lock the import holds (the clusterer's state, an issue), or after every
            # batch where that cannot be seen; alone, the import writes and saves the state once.
            session = None
            with transaction.atomic():
                while True:
                    step = next(analysed, None)
                    if step is None:
                        finished = True
                        break
                    _rows, analyses = step
                    queued = pending.popleft()
                    items = queued.items
                    if analyses and not report.analysis_mode:
                        report.analysis_mode = analyses[0].mode
                    if analyses and session is None:  # rows all stored already need no lock
                        session = run.lock()
                    result = signals_ingest_batch(
                        items=items,
                        actor=actor,
                        import_batch=batch,
                        analyses={a.key: a for a in analyses},
                        session=session,
                        near_index=near,
                        audit=False,
                        known=run.known_for(queued, channel),
                        stored=queued.stored,
                    )
                    run.after_batch(result.created)
                    run.remember(result.created, pending)
                    report.created += len(result.created)
                    report.duplicates += len(result.duplicates)
                    report.converted += sum(CONVERTED_FROM in s.extra for s in result.created)
                    id_of = {it.row: it.external_id for it in items}
                    for r in result.rejects:
                        rejects.add(r.row, None, r.reason, r.message, id_of.get(r.row) or "")
                    # With DEBUG on (the embedded demo's settings) Django keeps the SQL of every
                    # query, megabytes per bulk insert: forget it, as it does after each request.
                    reset_queries()
                    if _someone_waits():
                        break
                    if progress is not None:
                        progress(report.rows)
                if session is not None:
                    session.save()
            run.holding = False  # committed: the clusterer's lock is free until the next batch
            if session is not None:
                run.committed_version = session.version
            if progress is not None and not finished:
                progress(report.rows)  # the batch that ended the transaction: after it committed
        report.rejected = rejects.count
        with transaction.atomic():
            batch.rows = report.rows
            batch.created = report.created
            batch.duplicates = report.duplicates
            batch.rejected = report.rejected
            batch.rejects = rejects.kept
            batch.finished_at = timezone.now()
            batch.save(update_fields=["rows", "created", "duplicates", "rejected", "rejects", "finished_at"])
            audit_record(
                action="intake.signals_import",
                actor=actor,
                obj=batch,
                after={
                    "file": path.name,
                    "sha256": sha,
                    "channel": channel,
                    "rows": report.rows,
                    "created": report.created,
                    "duplicates": report.duplicates,
                    "rejected": report.rejected,
                    "converted": report.converted,
                },
            )
            run.finish()
        report.batch_id = batch.pk
    except BaseException:
        signals_import_undo(batch=batch, run=run, actor=actor)
        raise
    finally:
        rejects.close()
    # The import is complete: now its issues' hotness, forecasts and alerts (once, not per batch).
    run.refresh()
    report.rejects_path = str(rejects.path) if rejects.count else ""
    report.rejects = rejects.kept
    report.seconds = (timezone.now() - started).total_seconds()
    return report


class _ImportRun:
    """What an import keeps between its batches: its clustering session, the copy of the
    clusterer's state to put back if it fails, and the issues it touched."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.session: ClusteringSession | None = None
        self.backup_scope = f"{UNDO_SCOPE_PREFIX}{batch.pk}"
        self.issue_ids: set[int] = set()
        self.committed_version = None  # the clusterer state's version after this import's last commit
        self.written = 0  # signals this import has stored
        self.analyze_at = ANALYZE_FIRST_ROWS
        # What the batches stored while the import held the clusterer's lock (see known_for).
        self.holding = False  # whether this transaction took the lock
        self.transactions = 0  # transactions in which it took the lock
        self.batches = 0  # batches written
        self.stored: deque[tuple[int, dict[str, int]]] = deque()  # (batch number, key → id)

    def lock(self) -> ClusteringSession:
        """Inside a batch's transaction: take the clusterer's lock (the first time, copy its state)."""
        if self.session is None:
            self.session = ClusteringSession(resumable=True)
            row = self.session.row
            ClustererState.objects.update_or_create(scope=self.backup_scope, defaults={"state": {}})
            ClustererState.objects.filter(scope=self.backup_scope).update(
                state=Subquery(ClustererState.objects.filter(pk=row.pk).values("state")[:1])
            )
        else:
            self.session.resume()
        self.holding = True
        self.transactions += 1
        self.stored.clear()
        return self.session

    def stamp(self) -> tuple[int, int] | None:
        """When a batch's keys are looked up: in which transaction and after how many batches, if
        the import holds the clusterer's lock then."""
        return (self.transactions, self.batches) if self.holding else None

    def known_for(self, queued: _Queued, channel: str) -> dict[tuple[str, str], int] | None:
        """The stored signals among a queued batch's keys, if known for certain without asking
        the database again; ``None`` otherwise (the write path looks them up).

        Certain when the import has held the clusterer's lock since the batch was looked up (the
        same transaction): every writer of signals takes that lock first (see
        ``signals_ingest_batch``), so only this import's own batches can have stored one since,
        and it keeps what they stored. On 1,000,000 news leads the second look-up was about 1 % of
        the writing process's time (2026-11-30).
        """
        stamp = queued.stamp
        if stamp is None or not self.holding or stamp[0] != self.transactions:
            return None
        known = dict(queued.known)
        for number, stored in self.stored:
            if number >= stamp[1]:
                known.update(stored)
        return {(channel, key): pk for key, pk in known.items()}

    def remember(self, created: list[Signal], pending: deque) -> None:
        """Keep the keys a batch stored for the queued batches that were looked up before it."""
        if self.holding:
            self.stored.append((self.batches, {s.external_id: s.pk for s in created if s.external_id}))
        self.batches += 1
        oldest = min((q.stamp[1] for q in pending if q.stamp is not None), default=self.batches)
        while self.stored and self.stored[0][0] < oldest:
            self.stored.popleft()

    def after_batch(self, created: list[Signal]) -> None:
        """Inside the batch's transaction: keep officials' merges (hotness waits for the end) and
        the planner's statistics of the tables the import grows."""
        ids = {s.issue_id for s in created if s.issue_id}
        # Issues this transaction created are its own: no official can have merged them yet, so
        # only the others are looked up (on news most signals open an issue; the two look-ups of
        # 2,000 ids cost about 9 µs a signal).
        fresh = ids & self.session.created_in_transaction if self.session is not None else set()
        self.issue_ids |= fresh
        self.issue_ids |= set(issue_services.issues_after_ingest(issue_ids=ids - fresh, refresh=False))
        self.written += len(created)
        if self.written >= self.analyze_at:
            _analyze_grown_tables()
            self.analyze_at = 2 * self.written

    def finish(self) -> None:
        ClustererState.objects.filter(scope=self.backup_scope).delete()

    def refresh(self) -> None:
        if self.issue_ids:
            issue_services.issues_refresh_hotness(issue_ids=sorted(self.issue_ids))


UNDO_SCOPE_PREFIX = "undo-import:"

# The import refreshes the planner's statistics of the tables it grows after this many signals,
# then each time it has doubled what it wrote (see _analyze_grown_tables).
ANALYZE_FIRST_ROWS = 10_000


# What the import's transaction looks rows up by, per table it grows: known keys and content
# hashes of signals, signals of an issue, issues by id, cluster key or merge, days of issues.
ANALYZED_COLUMNS = (
    (Signal, ("id", "channel", "external_id", "content_hash", "issue", "import_batch")),
    (Issue, ("id", "cluster_key", "merged_into")),
    (IssueDay, ("issue", "day")),
)


def _analyze_grown_tables() -> None:
    """Refresh PostgreSQL's statistics of the signal, issue and issue-day tables, in the import's
    transaction.

    Autovacuum only counts committed rows, and an import commits rarely (see the module
    docstring): on a new database the planner never learns that these tables grew. It then looked
    up each batch's 2,000 content hashes and external ids with a scan of the whole signal table
    (a parallel seq scan, and a scan of the channel's index) instead of their indexes. On
    1,000,000 news leads PostgreSQL used more CPU than the import itself (8 min 17 s against
    6 min 1 s after 794,000 rows), and it grew with every batch. ``ANALYZE`` may run inside a
    transaction and counts that transaction's own new rows; it samples 30,000 rows, well under a
    second. Doubling keeps the number of runs logarithmic in the size of the import.

    Only the columns the import's own look-ups filter on are analysed (:data:`ANALYZED_COLUMNS`):
    the table's size, what the planner was missing, is refreshed by any ``ANALYZE``, and
    statistics of the long text and JSON columns were most of its cost (30,000 signals: 800 ms
    for the whole table, 75 ms for these columns; 28,400 issues: 450 and 57 ms; 2026-11-30).
    Autovacuum analyses every column once the import has committed.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        # A sample of 3,000 rows instead of 30,000 (statistics target 10, not 100): the planner
        # needs the tables' sizes and roughly how distinct the keys are, which the small sample
        # gives. The signals' ANALYZE took 12–13 ms instead of 114–123 on 30,000 imported signals
        # (2026-11-30). Autovacuum analyses the tables again, fully, once the import committed.
        cursor.execute("SET LOCAL default_statistics_target = 10")
        for model, names in ANALYZED_COLUMNS:
            meta = model._meta
            columns = ", ".join(qn(meta.get_field(name).column) for name in names)
            cursor.execute(f"ANALYZE {qn(meta.db_table)} ({columns})")
        cursor.execute("SET LOCAL default_statistics_target TO DEFAULT")


def _someone_waits() -> bool:
    """Whether another connection waits for a lock this one holds (PostgreSQL tells; elsewhere
    we cannot see it, so the answer is always yes and the import commits after every batch).

    Saving the clusterer's state costs about a second once many issues are open, so the import
    commits only when it makes someone wait, not after every batch.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        # pg_locks, not pg_stat_activity: the latter is a snapshot taken once per transaction.
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted"
            " AND pg_backend_pid() = ANY(pg_blocking_pids(pid)))"
        )
        return bool(cursor.fetchone()[0])


def signals_import_undo(*, batch: ImportBatch, run: _ImportRun | None = None, actor=None) -> int:
    """Take back everything a failed import wrote (see the module docstring); returns the
    number of signals removed.

    Safe to run again on an import that was interrupted while being undone: it works from what
    the database holds (the batch's signals, the copy of the clusterer's state).
    """
    from django.db.models import Count, Exists, OuterRef

    from duluan.apps.issues.clustering import DEFAULT_SCOPE
    from duluan.apps.issues.models import Correction, Issue

    backup_scope = f"{UNDO_SCOPE_PREFIX}{batch.pk}"
    with transaction.atomic():
        # The clusterer's lock: nobody clusters while the import's traces are taken out.
        state = ClustererState.objects.select_for_update().filter(scope=DEFAULT_SCOPE).first()
        signals = Signal.objects.filter(import_batch=batch)
        issue_ids = set(signals.exclude(issue=None).values_list("issue_id", flat=True).distinct())
        removed = signals.count()
        signals.delete()  # their reporters go with them
        # Issues only the import had filled: none of their own signals, merges or corrections.
        empty = (
            Issue.objects.filter(pk__in=issue_ids, merged_into__isnull=True)
            .annotate(n=Count("signals"))
            .filter(n=0)
            .exclude(Exists(Correction.objects.filter(issue=OuterRef("pk"))))
            .exclude(Exists(Issue.objects.filter(merged_into=OuterRef("pk"))))
        )
        gone = set(empty.values_list("pk", flat=True))
        Issue.objects.filter(pk__in=gone).delete()
        issue_services.issues_rebuild_aggregates(issue_ids - gone)
        restored = False
        backup = ClustererState.objects.filter(scope=backup_scope).first()
        session = run.session if run is not None else None
        alone = session is not None and not session.interleaved and state is not None
        if (
            alone
            and backup is not None
            and state.updated_at == run.committed_version
            and not _numbers_in_use(state.pk, backup.state)
        ):
            ClustererState.objects.filter(pk=state.pk).update(state=backup.state, updated_at=timezone.now())
            restored = True
        ClustererState.objects.filter(scope=backup_scope).delete()
        audit_record(
            action="intake.signals_import_undo",
            actor=actor,
            obj=batch,
            after={
                "file": batch.file_name,
                "signals_removed": removed,
                "issues_removed": len(gone),
                "issues_recounted": len(issue_ids - gone),
                "clusterer_restored": restored,
            },
        )
        batch.delete()
    return removed


def _numbers_in_use(state_pk: int, saved: dict[str, Any]) -> bool:
    """Whether a stored issue has the key of a cluster the ``saved`` state would number anew.

    The undo keeps an issue of the import that an official corrected or merged into. Putting the
    state back would then hand its cluster's number to a new cluster, whose signals would join
    that issue — and clustering relies on numbers never repeating within a state (a cluster
    numbered past the state's last one is known to have no issue yet). So the state is kept.
    """
    from django.db.models import BigIntegerField
    from django.db.models.functions import Cast, Substr

    from duluan.apps.issues.models import Issue

    first_new = int(saved.get("next_id", 1)) if saved else 1
    prefix = f"{state_pk}:c"
    number = Cast(Substr("cluster_key", len(prefix) + 1), BigIntegerField())
    ours = Issue.objects.filter(cluster_key__startswith=prefix).annotate(number=number)
    return ours.filter(number__gte=first_new).exists()


@dataclass
class _Queued:
    """A batch read, looked up and sent for analysis: its items, the stored signals its keys had
    then (key → id), and when that was (see :meth:`_ImportRun.known_for`)."""

    items: list[SignalInput]
    known: dict[str, int]
    stamp: tuple[int, int] | None
    # The text and title each item not stored then is stored with (None for the others): the
    # rows analysed read them, and the write path stores them (signals_ingest_batch's ``stored``).
    stored: list[tuple[str, str] | None]


def _to_analyse(items: list[SignalInput], pending: deque, run: _ImportRun) -> list[dict[str, Any]]:
    """Queue a batch and return the rows the workers must analyse: those not stored yet, each
    read as it is stored (:func:`~.services.stored_text`, kept with the batch): the title is
    masked once, and the write path stores what was read, as a single submission is analysed as
    it was cleaned."""
    keys = [item_key(it) for it in items]
    known = signals_known(channel=items[0].channel, keys=keys)
    stored = [None if key in known else stored_text(it) for it, key in zip(items, keys, strict=True)]
    pending.append(_Queued(items, known, run.stamp(), stored))
    # A key the batch repeats is left to the write path, which analyses the row it keeps (the
    # first that can be stored): the readings are matched to the rows by key, and the last row's
    # was stored with the first one's words.
    repeated = {key for key, count in Counter(keys).items() if count > 1}
    return [
        analysis_row(it, key, stored=text_title)
        for it, key, text_title in zip(items, keys, stored, strict=True)
        if text_title is not None and key not in repeated
    ]


def print_progress_bar(unit: str = " dòng"):  # pragma: no cover - thin tqdm adapter for commands
    """A bar on stderr and its update: ``update(done)``, or ``update(done, total)`` once known."""
    from tqdm import tqdm

    bar = tqdm(total=None, unit=unit, file=sys.stderr, mininterval=0.5)

    def update(n: int, total: int | None = None) -> None:
        if total is not None:
            bar.total = total
        bar.update(n - bar.n)

    return bar, update
