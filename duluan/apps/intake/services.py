"""The single write path of signals: every channel calls :func:`signal_ingest` or
:func:`signals_ingest_batch`.

For each item: NFC; an idempotency key (the channel's own id, or a hash of the content) so the
same item twice is stored once; the per-row analysis of :mod:`duluan.apps.intake.analysis`
(personal data masked into ``text_masked``, places, topic, sentiment, hashes); exact duplicates
(same normalised text as an earlier signal → ``duplicate_of``) and near-duplicates (MinHash
groups); the signal and its reporter saved; the issue assigned by
:mod:`duluan.apps.issues.clustering`; one audit event per call — all in one transaction — and
then :func:`duluan.apps.issues.services.issues_after_ingest` once per batch (a bulk import calls
it per batch itself and refreshes hotness once at its end: :mod:`duluan.apps.intake.imports`).
"""

from __future__ import annotations

import hashlib
import secrets
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from duluan.analysis.frames import PersonValues, mask_text_values, mask_writer
from duluan.analysis.pipeline import copy_joins
from duluan.analysis.tabular import has_bad_chars
from duluan.apps.audit.services import audit_record
from duluan.apps.core.bulk import bulk_insert, instance_factory
from duluan.apps.core.text import nfc, signal_search_key
from duluan.apps.geo.models import AdminUnit
from duluan.apps.issues import services as issue_services
from duluan.apps.issues.clustering import ClusteringSession, signal_stream_id, signal_stream_ids

from .analysis import Analysis, analyse_rows
from .importers import mend_fonts
from .models import ApiClient, Attachment, Channel, ImportBatch, ModelTask, Reporter, Sentiment, Signal
from .near import StoredNearIndex
from .permissions import is_denunciation, is_sealed

TEXT_REQUIRED = "Cần có nội dung phản ánh."
TEXT_TOO_LONG = "Nội dung quá dài (tối đa {max} ký tự)."
BAD_CHANNEL = "Kênh tiếp nhận không hợp lệ: {value!r}."
BAD_ENCODING = "Văn bản sai mã hoá ký tự (không phải UTF-8 hợp lệ hoặc bị lỗi phông)."
ANALYSIS_FAILED = "Không phân tích được nội dung này ({error})."
FUTURE_DATE = "Thời điểm phát sinh ({value}) ở tương lai."
DUPLICATE_IN_FILE = "Trùng với một dòng trước đó trong cùng tệp."
TOPIC_NOT_CONFIRMABLE = "Chủ đề không có trong danh mục: {code!r}."
SENTIMENT_NOT_CONFIRMABLE = "Sắc thái không hợp lệ: {label!r} (chọn tiêu cực, trung lập hoặc tích cực)."

MAX_TEXT_CHARS = 20_000
TITLE_MAX = 500  # Signal.title's length
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)
FUTURE_SLACK = timedelta(minutes=5)  # clocks differ: a moment this far ahead is still accepted
LEVEL_RANK = {"commune": 3, "district": 2, "province": 1}
# What a signal keeps of each place the engine found: its counterparts in the other scheme are
# the geo app's to look up, but the units an unresolved name could be are not.
SIGNAL_PLACE_FIELDS = ("code", "scheme", "level", "name", "start", "end", "confidence", "candidates")


class IntakeError(ValueError):
    """Bad input to the write path; the message is Vietnamese and shown as is."""


@dataclass
class SignalInput:
    """One incoming item, as a channel adapter hands it over.

    ``external_id`` is the channel's own id; without one the content decides identity.
    ``unit`` is a place the sender chose (it wins over places found in the text).
    ``reporter`` holds personal data (``name``, ``phone``, ``email``, ``address``,
    ``anonymous``, ``consent``) and is stored apart from the signal.
    """

    channel: str
    text: str
    title: str = ""
    created_at: datetime | None = None
    external_id: str = ""
    source: str = ""
    unit: AdminUnit | None = None
    place_text: str = ""
    lat: float | None = None
    lon: float | None = None
    topic: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    reporter: dict[str, Any] | None = None
    tracking: bool = False
    row: int | None = None


@dataclass(frozen=True)
class IngestReject:
    """An item that was not stored: where it was, why (code) and a Vietnamese message."""

    row: int | None
    key: str
    reason: str
    message: str


@dataclass
class IngestResult:
    created: list[Signal] = field(default_factory=list)
    duplicates: list[tuple[int | None, int]] = field(default_factory=list)  # (row, existing signal id)
    rejects: list[IngestReject] = field(default_factory=list)


# -- keys -----------------------------------------------------------------------------------------


def content_key(*, title: str, text: str, created_at: datetime | None, source: str) -> str:
    """The identity of an item that has no id of its own (``h:`` and 40 hex digits)."""
    moment = created_at.isoformat() if created_at else ""
    body = " ".join(nfc(text).split())
    raw = "\x1f".join([nfc(title), body, moment, nfc(source)])
    return "h:" + hashlib.blake2b(raw.encode("utf-8"), digest_size=20).hexdigest()


def item_key(item: SignalInput) -> str:
    return nfc(item.external_id)[:200] or content_key(
        title=item.title, text=item.text, created_at=item.created_at, source=item.source
    )


def tracking_code_new() -> str:
    """``DL-XXXX-XXXX``: 40 random bits, so one code tells nothing about another."""
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"DL-{chars[:4]}-{chars[4:]}"


# -- units ------------------------------------------------------------------------------------


_UNITS: dict[str, Any] = {"count": -1, "ids": {}}


def _unit_ids() -> dict[tuple[str, str], int]:
    count = AdminUnit.objects.count()
    if _UNITS["count"] != count:
        _UNITS["ids"] = {(s, c): pk for s, c, pk in AdminUnit.objects.values_list("scheme", "code", "pk")}
        _UNITS["count"] = count
    return _UNITS["ids"]


def places_kept(places: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a signal stores of the places the engine found (:data:`SIGNAL_PLACE_FIELDS`)."""
    return [{k: p[k] for k in SIGNAL_PLACE_FIELDS if k in p} for p in places]


def unit_from_places(places: Sequence[dict[str, Any]], ids: dict[tuple[str, str], int]) -> int | None:
    """The most specific place the text names (commune over district over province).

    A name the text did not tell apart from its namesakes (it lists ``candidates``: "phường 1"
    is one of dozens) places nothing: filed under one of them at a guess, the signal would go
    to another province's unit.
    """
    best = None
    for i, p in enumerate(places):
        if p.get("candidates"):
            continue
        rank = (LEVEL_RANK.get(p.get("level"), 0), float(p.get("confidence") or 0.0), -i)
        if (p.get("scheme"), p.get("code")) in ids and (best is None or rank > best[0]):
            best = (rank, ids[(p["scheme"], p["code"])])
    return best[1] if best else None


def place_resolve(text: str, *, home_province: str | None = None, when=None) -> AdminUnit | None:
    """The unit a free-text place names, read by the engine's gazetteer (home province first).

    ``when`` (a date) picks the scheme of names that exist in both (before or after 1/7/2025).
    Returns the most specific unit of the home province it names, or ``None``.
    """
    from .analysis import home_gazetteer

    home = home_province or settings.DULUAN_HOME_PROVINCE
    text = nfc(text)
    if not text:
        return None
    mentions = home_gazetteer(home).find(text, when=when)
    ids = _unit_ids()
    places = [
        {
            "scheme": m.scheme,
            "code": m.code,
            "level": m.level,
            "confidence": m.confidence,
            "candidates": m.candidates,
        }
        for m in mentions
    ]
    pk = unit_from_places(places, ids)
    if pk is None:
        return None
    unit = AdminUnit.objects.get(pk=pk)
    if unit.scheme == "2025":
        return unit if unit.province_code == home else None
    from duluan.apps.geo.models import Succession

    old_home = Succession.objects.filter(
        old__scheme=unit.scheme, old__level="province", old__province_code=unit.province_code, new__code=home
    ).exists()
    return unit if old_home else None


# -- look-ups by many keys -----------------------------------------------------------------------

# A batch looks up its 2,000 keys or hashes at once. Through the ORM, ``__in`` made a query of
# 2,000 placeholders that Django prepared and psycopg split value by value; on PostgreSQL one
# array parameter (``= ANY(%s)``, what PostgreSQL turns ``IN`` lists into anyway, with the same
# index scans) is adapted in C. The writing process's CPU per key fell from 3.8 to 0.9 µs for
# known keys and from 4.0 to 1.9 µs for content hashes (2,000 of each against 30,000 stored
# signals, best of 7, 2026-11-30); an import looks each signal's key up twice and its hash once.
# Other databases keep the ORM's query.
_LOOKUP_CHUNK = 5000


def signals_known(*, channel: str, keys: Sequence[str]) -> dict[str, int]:
    """The stored signals of ``channel`` whose key (``external_id``) is one of ``keys``.

    Returns:
        Key → id of the signal that has it (a key is unique within a channel).
    """
    return _look_up(
        keys,
        # NOT external_id = '' repeats the unique index's condition, so PostgreSQL can use that
        # (partial) index: it cannot prove it from a long list of keys alone.
        "SELECT external_id, id FROM {table} WHERE channel = %s AND external_id = ANY(%s)"
        " AND NOT external_id = ''",
        lambda chunk: [channel, chunk],
        lambda chunk: (
            Signal.objects.filter(channel=channel, external_id__in=chunk)
            .exclude(external_id="")
            .values_list("external_id", "pk")
        ),
    )


def _first_with_hash(hashes: Sequence[str]) -> dict[str, int]:
    """Content hash → id of the first stored signal with it, for those of ``hashes`` stored."""
    return _look_up(
        hashes,
        "SELECT content_hash, MIN(id) FROM {table} WHERE content_hash = ANY(%s) GROUP BY content_hash",
        lambda chunk: [chunk],
        lambda chunk: (
            Signal.objects.filter(content_hash__in=chunk)
            .values("content_hash")
            .annotate(pk=Min("pk"))
            .values_list("content_hash", "pk")
        ),
    )


def _look_up(values: Sequence[str], sql: str, params, orm_rows) -> dict[Any, int]:
    """``value → id`` pairs of the signal table for ``values``, :data:`_LOOKUP_CHUNK` at a time:
    ``sql`` with ``params(chunk)`` on PostgreSQL (``{table}`` is the table's quoted name), the
    ORM's ``orm_rows(chunk)`` elsewhere."""
    found: dict[Any, int] = {}
    connection = transaction.get_connection()
    for start in range(0, len(values), _LOOKUP_CHUNK):
        chunk = list(values[start : start + _LOOKUP_CHUNK])
        if connection.vendor == "postgresql":
            found.update(_raw(connection, sql, params(chunk)))
        else:
            found.update(orm_rows(chunk))
    return found


def _raw(connection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on the signal table (``{table}`` in it is the table's quoted name)."""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(Signal._meta.db_table)), params)
        return cursor.fetchall()


# -- validation ---------------------------------------------------------------------------------


CHANNELS = frozenset(Channel.values)


def _problem(item: SignalInput, now: datetime) -> tuple[str, str] | None:
    if item.channel not in CHANNELS:
        return "bad_channel", BAD_CHANNEL.format(value=item.channel)
    text = item.text or ""
    if not text.strip():
        return "empty_text", TEXT_REQUIRED
    if len(text) > MAX_TEXT_CHARS:
        return "too_large", TEXT_TOO_LONG.format(max=MAX_TEXT_CHARS)
    if has_bad_chars(text):  # BAD_CHARS's answer, without walking the text in a pattern
        return "bad_encoding", BAD_ENCODING
    if item.created_at is not None and item.created_at > now + FUTURE_SLACK:
        return "future", FUTURE_DATE.format(
            value=timezone.localtime(item.created_at).strftime("%d/%m/%Y %H:%M")
        )
    return None


def _mend_fonts(item: SignalInput) -> None:
    """Convert an item typed in legacy fonts and pasted as it showed ("Uû ban nh©n d©n" in
    TCVN3's ".VnTime", "Uûy ban nhaân daân" in VNI) to the Unicode text it showed, its title,
    source, place and reporter's name and address too, and say so, from which fonts, and whether
    only in part, in its ``extra`` (:func:`~duluan.apps.intake.importers.mend_fonts`)."""
    reporter = item.reporter or {}
    texts = {
        "text": item.text,
        "title": item.title,
        "source": item.source,
        "place_text": item.place_text,
        "name": reporter.get("name"),
        "address": reporter.get("address"),
    }
    mended, said = mend_fonts(texts, list(texts))
    for name in mended:
        if name in ("name", "address"):
            item.reporter = {**reporter, name: texts[name]}
            reporter = item.reporter
        else:
            setattr(item, name, texts[name])
    if said:
        item.extra = {**item.extra, **said}


def stored_text(item: SignalInput) -> tuple[str, str]:
    """The text and title ``item`` is stored with: NFC, the text stripped, the title cut to
    :data:`TITLE_MAX` with its personal data masked, and its writer's name and house ("Đơn tố
    cáo của ông …", and the reporter's own name and address: :func:`private_values`), as the
    title is shown wherever the signal is, to analysts and in exports, unlike the text as
    received. Intake analyses these, not what arrived, so the places' offsets point into the
    stored text and a signal read again (:mod:`~duluan.apps.intake.reanalysis`) reads the same;
    keys are made from what arrived (:func:`item_key`), as they always were."""
    text = unicodedata.normalize("NFC", item.text).strip()
    return text, stored_title(item.title, item.reporter, text=text)


def stored_title(title: str, reporter: Mapping[str, Any] | None, *, text: str = "") -> str:
    """``title`` as a signal stores it (:func:`stored_text`), its sender's ``reporter`` form
    given: NFC, its personal data and its writer's name and house masked, and its reporter's
    own values (:func:`private_values`), and the names, phones, e-mails, identity card and bank
    account numbers that masking its ``text`` (NFC) finds, wherever the title writes them in a
    shape no masker reads alone ("Nguyễn Thị Hoa - xã Tân Dĩnh" of a letter "Tôi tên là Nguyễn
    Thị Hoa, …", "311613174" of "Số CMND: 311613174":
    :func:`~duluan.analysis.frames.mask_text_values`); cut to :data:`TITLE_MAX`."""
    return mask_text_values(mask_writer(nfc(title), private_values(reporter)), text)[:TITLE_MAX]


def private_values(reporter: Mapping[str, Any] | None) -> PersonValues | None:
    """What of a reporter's form the analysis masks wherever the text writes it
    (:func:`~duluan.analysis.frames.mask_person`): their name, address, phone and e-mail;
    ``None`` when the form holds none of them."""
    if not reporter:
        return None
    person = PersonValues(
        **{field: nfc(reporter.get(field)) for field in ("name", "address", "phone", "email")}
    )
    return person if any((person.name, person.address, person.phone, person.email)) else None


def analysis_row(item: SignalInput, key: str, *, stored: tuple[str, str] | None = None) -> dict[str, Any]:
    """The row the per-row analysis reads for ``item`` (:func:`~.analysis.analyse_rows`): its
    text and title as stored, ``stored`` where the caller has them (:func:`stored_text`'s, as
    :func:`_clean` stored them), so that the title is not masked a second time; computed here
    otherwise."""
    text, title = stored if stored is not None else stored_text(item)
    row = {"key": key, "text": text, "title": title, "created_at": item.created_at}
    private = private_values(item.reporter)
    if private:
        row["private"] = private
    return row


def _clean(item: SignalInput, stored: tuple[str, str] | None = None) -> SignalInput:
    """``item`` as a signal stores it; its text and title ``stored`` where the caller computed
    them (:func:`stored_text`), so that the title is masked once."""
    item.text, item.title = stored if stored is not None else stored_text(item)
    item.source = nfc(item.source)[:200]
    item.place_text = nfc(item.place_text)[:300]
    return item


# -- the write path ---------------------------------------------------------------------------


_NEAR_INDEX: dict[str, StoredNearIndex] = {}


def _near_index() -> StoredNearIndex:
    """The near-duplicate index of single submissions in this process (bounded, recent texts,
    with those other processes store: :mod:`duluan.apps.intake.near`)."""
    index = _NEAR_INDEX.get("default")
    if index is None:
        index = _NEAR_INDEX["default"] = StoredNearIndex(capacity=50_000)
    return index


def signals_ingest_batch(
    *,
    items: Sequence[SignalInput],
    actor=None,
    request=None,
    import_batch: ImportBatch | None = None,
    analyses: Mapping[str, Analysis] | None = None,
    session: ClusteringSession | None = None,
    near_index: StoredNearIndex | None = None,
    audit: bool = True,
    known: Mapping[tuple[str, str], int] | None = None,
    stored: Sequence[tuple[str, str] | None] | None = None,
) -> IngestResult:
    """Store a batch of items: validate, skip known ones, analyse, dedupe, save, cluster, audit.

    Args:
        items: Items in stream order.
        actor: The official who imported them (``None`` for citizens and the system).
        request: The HTTP request, for the audit event.
        import_batch: The bulk import they belong to.
        analyses: Per-row analyses already computed, by item key (bulk imports analyse in
            worker processes); items without one are analysed here.
        session: A clustering session to continue (bulk imports keep one for the whole file);
            one is opened and saved here when ``None``.
        near_index: Near-duplicate index of the run (the process's own by default).
        audit: Write the batch's audit event (a bulk import writes one for the whole file).
        known: The stored signals among the items' keys, ``(channel, key) → id``, when the caller
            knows them for certain (a bulk import that has held the clusterer's lock since it
            looked them up, see ``imports._ImportRun.known_for``); looked up here otherwise.
        stored: Per item, in order, the text and title it is stored with (:func:`stored_text`),
            where the caller computed them from the item as given to analyse it (a bulk import:
            ``imports._to_analyse``), so that its title is masked once; computed here where
            ``None``.

    Returns:
        The signals created, the duplicates (items already stored, with the existing signal's
        id), and the rejects (reason code and Vietnamese message) — nothing is silently lost.
    """
    result = IngestResult()
    now = timezone.now()
    keys: list[str] = []
    good: list[tuple[int, SignalInput, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        if item.text:
            _mend_fonts(item)
        key = item_key(item) if item.channel in CHANNELS else ""
        keys.append(key)
        problem = _problem(item, now)
        if problem:
            result.rejects.append(IngestReject(item.row, key, *problem))
            continue
        if (item.channel, key) in seen:
            result.rejects.append(IngestReject(item.row, key, "duplicate_in_file", DUPLICATE_IN_FILE))
            continue
        seen[(item.channel, key)] = i
        good.append((i, _clean(item, stored[i] if stored else None), key))

    with transaction.atomic():
        # Items already stored: the channel and its key identify them (idempotent re-delivery).
        if known is None:
            known = {}
            by_channel: dict[str, list[str]] = {}
            for _, item, key in good:
                by_channel.setdefault(item.channel, []).append(key)
            for channel, channel_keys in by_channel.items():
                for ext, pk in signals_known(channel=channel, keys=channel_keys).items():
                    known[(channel, ext)] = pk
        fresh = []
        for i, item, key in good:
            pk = known.get((item.channel, key))
            if pk is not None:
                result.duplicates.append((item.row, pk))
            else:
                fresh.append((i, item, key))
        if not fresh:
            if audit and (result.duplicates or result.rejects):
                _audit(result, actor, request, import_batch)
            return result

        given = analyses or {}
        missing = [(it, key) for _, it, key in fresh if key not in given]
        if missing:
            rows = [analysis_row(it, key, stored=(it.text, it.title)) for it, key in missing]  # cleaned
            given = {**given, **{a.key: a for a in analyse_rows(rows)}}
        done = [given[key] for _, _, key in fresh]
        ready = []
        for (_i, item, key), analysis in zip(fresh, done, strict=True):
            if analysis.error:
                message = ANALYSIS_FAILED.format(error=analysis.error[:200])
                result.rejects.append(IngestReject(item.row, key, "analysis_error", message))
            else:
                ready.append((item, key, analysis))
        if not ready:
            if audit:
                _audit(result, actor, request, import_batch)
            return result

        signals, reporters, in_batch_dups, joins = _build(
            ready, now, import_batch, near_index if near_index is not None else _near_index()
        )
        own_session = session is None
        if own_session:
            session = ClusteringSession()
        session.assign(signals, [a for _, _, a in ready], joins)
        # Exact duplicates of a signal of this same batch point at it: save first occurrences
        # first, then the rest with the id they now have.
        first = [s for s, d in zip(signals, in_batch_dups) if d is None]
        later = [(s, d) for s, d in zip(signals, in_batch_dups) if d is not None]
        bulk_insert(Signal, first)
        if later:
            for s, leader in later:
                s.duplicate_of_id = signals[leader].pk
            bulk_insert(Signal, [s for s, _ in later])
        if own_session:
            session.save()
            # A batch on its own (web form, Open311, a script): keep officials' merges now, and
            # refresh the hotness and alerts of its issues once it commits. A bulk import passes
            # its own session and does both itself (merges per batch, hotness once at the end).
            issue_services.issues_after_ingest(issue_ids={s.issue_id for s in signals}, refresh=True)
        if reporters:
            for index, reporter in reporters:
                reporter.signal_id = signals[index].pk
            bulk_insert(Reporter, [r for _, r in reporters])
        result.created = signals
        if audit:
            _audit(result, actor, request, import_batch)
    return result


def _build(ready, now, import_batch, near_index):
    """Signal rows (unsaved), reporters, for each signal the index of its in-batch original, and
    the stream id of the signal whose issue each joins (its original's when it is an exact copy,
    else its near-duplicate group's first's: see ``ClusteringSession.assign``), if any."""
    earlier = _first_with_hash(list({a.content_hash for _, _, a in ready}))
    original_ids = signal_stream_ids(earlier.values()) if earlier else {}
    import numpy as np

    sets = [a.shingles if a.shingles is not None else np.zeros(0, np.uint64) for _, _, a in ready]
    signatures = np.stack([a.signature for _, _, a in ready])
    ids = [signal_stream_id(item.channel, key) for item, key, _ in ready]
    groups = [m.group for m in near_index.add_many(ids, sets, signatures)]
    unit_ids = _unit_ids()
    make_signal = instance_factory(Signal)
    batch_id = import_batch.pk if import_batch is not None else None
    signals: list[Signal] = []
    reporters: list[tuple[int, Reporter]] = []
    in_batch: list[int | None] = []
    joins: list[str | None] = []
    first_by_hash: dict[str, int] = {}
    for index, ((item, key, a), group) in enumerate(zip(ready, groups, strict=True)):
        topic = a.topic or {}
        sentiment = a.sentiment or {}
        unit_id = item.unit.pk if item.unit is not None else unit_from_places(a.places, unit_ids)
        extra = dict(item.extra)
        extra["analysis"] = a.mode
        if item.topic and topic.get("label") and item.topic != topic.get("label"):
            # The sender chose the topic (an Open311 service); keep what the engine thought.
            extra["engine_topic"] = topic.get("label")
        if is_denunciation(topic=item.topic or topic.get("label") or "", extra=extra):
            # Sealed for good: a later topic does not open the sender (permissions.is_sealed).
            extra["sealed"] = True
        signal = make_signal(
            channel=item.channel,
            external_id=key,
            content_hash=a.content_hash,
            source=item.source,
            title=item.title,
            text=item.text,
            text_masked=a.normalised,
            search_key=a.search_key or signal_search_key(item.title, a.normalised),
            created_at=item.created_at or now,
            unit_id=unit_id,
            place_text=item.place_text,
            lat=item.lat,
            lon=item.lon,
            topic=item.topic or topic.get("label") or "",
            topic_score=topic.get("score") if not item.topic else None,
            topic_terms=list(topic.get("terms") or [])[:10],
            sentiment=sentiment.get("label") or "",
            sentiment_score=sentiment.get("score"),
            intensity=sentiment.get("intensity"),
            places=places_kept(a.places),
            near_duplicate_group=group if group != ids[index] else "",
            tracking_code=tracking_code_new() if item.tracking else "",
            extra=extra,
            import_batch_id=batch_id,
            # Django's auto_now_add is skipped by bulk_create on some paths; set it explicitly.
            received_at=now,
        )
        original = None
        if a.content_hash in earlier:
            signal.duplicate_of_id = earlier[a.content_hash]
            original = original_ids.get(signal.duplicate_of_id)
            in_batch.append(None)
        elif a.content_hash in first_by_hash:
            in_batch.append(first_by_hash[a.content_hash])
            original = ids[in_batch[-1]]
        else:
            first_by_hash[a.content_hash] = index
            in_batch.append(None)
        joins.append(copy_joins(ids[index], original, group))
        signals.append(signal)
        if item.reporter is not None:
            r = item.reporter
            anonymous = bool(r.get("anonymous"))
            reporters.append(
                (
                    index,
                    Reporter(
                        anonymous=anonymous,
                        name="" if anonymous else nfc(r.get("name"))[:200],
                        phone="" if anonymous else nfc(r.get("phone"))[:30],
                        email="" if anonymous else nfc(r.get("email"))[:254],
                        address="" if anonymous else nfc(r.get("address"))[:300],
                        consent=bool(r.get("consent")),
                    ),
                )
            )
    return signals, reporters, in_batch, joins


def _audit(result: IngestResult, actor, request, import_batch) -> None:
    channels = sorted({s.channel for s in result.created})
    audit_record(
        action="intake.signals_ingest",
        actor=actor,
        obj=import_batch,
        object_type="" if import_batch else "intake.signal",
        object_id="" if import_batch else (result.created[0].pk if len(result.created) == 1 else ""),
        after={
            "created": len(result.created),
            "duplicates": len(result.duplicates),
            "rejected": len(result.rejects),
            "channels": channels,
        },
        request=request,
    )


def signal_ingest(
    *,
    channel: str,
    text: str,
    title: str = "",
    created_at: datetime | None = None,
    external_id: str = "",
    source: str = "",
    unit: AdminUnit | None = None,
    place_text: str = "",
    lat: float | None = None,
    lon: float | None = None,
    topic: str = "",
    extra: dict[str, Any] | None = None,
    reporter: dict[str, Any] | None = None,
    tracking: bool = False,
    attachments: Sequence[Any] = (),
    actor=None,
    request=None,
) -> tuple[Signal, bool]:
    """Store one item (web form, Open311, an official's entry).

    Returns:
        ``(signal, created)``: the new signal, or the one already stored for the same item
        (same channel id, or — for the web form — the same text submitted again within
        :data:`DOUBLE_SUBMIT_WINDOW`). ``attachments`` are
        :class:`~duluan.apps.intake.uploads.CleanFile` objects, already checked and cleaned.

    Raises:
        IntakeError: The item is unusable (message in Vietnamese); nothing is stored.
    """
    item = SignalInput(
        channel=channel,
        text=text,
        title=title,
        created_at=created_at,
        external_id=external_id,
        source=source,
        unit=unit,
        place_text=place_text,
        lat=lat,
        lon=lon,
        topic=topic,
        extra=dict(extra or {}),
        reporter=reporter,
        tracking=tracking,
    )
    with transaction.atomic():
        if channel == Channel.WEB and text:
            from duluan.analysis.dedupe import content_hash
            from duluan.analysis.normalise import normalise

            full_text = nfc(title) + "\n" + nfc(text) if nfc(title) else nfc(text)
            digest = content_hash(normalise(full_text).text, full_text)
            # Only the same client's submission counts as a double submit, so nobody learns
            # another citizen's tracking code by sending the same words: the same browser
            # ("address:browser"), or the same address where the first had no browser cookie yet.
            client = (extra or {}).get("client", "")
            again = (
                Signal.objects.filter(
                    channel=channel,
                    content_hash=digest,
                    received_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
                    extra__client__in=sorted({client, client.split(":")[0]}),
                )
                .order_by("pk")
                .first()
            )
            if again is not None:
                return again, False
        result = signals_ingest_batch(items=[item], actor=actor, request=request)
        if result.created and attachments:
            signal = result.created[0]
            for f in attachments:
                Attachment.objects.create(
                    signal=signal,
                    file=f.as_django_file(),
                    content_type=f.content_type,
                    size=len(f.content),
                    sha256=f.sha256,
                    original_name=f.original_name,
                )
    if result.rejects:
        raise IntakeError(result.rejects[0].message)
    if result.duplicates:
        return Signal.objects.get(pk=result.duplicates[0][1]), False
    return result.created[0], True


# -- officials' confirmations and API clients ------------------------------------------------------


def signal_topic_confirm(*, signal: Signal, topic: str, actor, request=None) -> Signal:
    """An official confirms (or corrects) a signal's topic: training data for the topic model."""
    from duluan.analysis.taxonomy import load_taxonomy

    if topic not in load_taxonomy().codes:
        raise IntakeError(TOPIC_NOT_CONFIRMABLE.format(code=topic))
    return _signal_label_confirm(signal, "topic", topic, actor, request)


def signal_sender_shown(*, signal: Signal, actor, request=None) -> None:
    """Audit that ``actor``, designated to handle denunciations, was shown the sender and the
    text as received of a sealed signal (:func:`~.permissions.is_sealed`), as a case's reveal
    of a denouncer is: who saw a denouncer's identity, and when, can always be told."""
    audit_record(action="intake.signal_sender_show", actor=actor, obj=signal, request=request)


def signal_sentiment_confirm(*, signal: Signal, sentiment: str, actor, request=None) -> Signal:
    """An official confirms (or corrects) a signal's sentiment: training data for the sentiment
    model (:func:`~duluan.apps.intake.selectors.sentiment_training_pairs`). Its issue's mix of
    sentiments follows at once."""
    if sentiment not in Sentiment.values:
        raise IntakeError(SENTIMENT_NOT_CONFIRMABLE.format(label=sentiment))
    return _signal_label_confirm(signal, "sentiment", sentiment, actor, request)


def _signal_label_confirm(signal: Signal, field: str, value: str, actor, request) -> Signal:
    """Set a signal's ``topic`` or ``sentiment`` as an official confirmed it, mark it
    ``<field>_confirmed`` and audit the change, with what it was before."""
    flag = f"{field}_confirmed"
    with transaction.atomic():
        before = {field: getattr(signal, field), flag: getattr(signal, flag)}
        fields = [field, flag]
        if field == "topic" and is_sealed(signal) and not (signal.extra or {}).get("sealed"):
            # A denunciation stays sealed under any topic an official gives it (a signal stored
            # before the seal was kept with it is sealed now).
            signal.extra = {**(signal.extra or {}), "sealed": True}
            fields.append("extra")
        setattr(signal, field, value)
        setattr(signal, flag, True)
        signal.save(update_fields=fields)
        if field == "sentiment" and signal.issue_id is not None:
            issue_services.issues_update_mix([signal.issue_id])
        audit_record(
            action=f"intake.signal_{field}_confirm",
            actor=actor,
            obj=signal,
            before=before,
            after={field: value, flag: True},
            request=request,
        )
    return signal


@dataclass(frozen=True)
class ModelRetrain:
    """What :func:`model_retrain` wrote."""

    task: str
    path: Path
    confirmations: int
    labels: int
    seconds: float


RETRAIN_TASKS = tuple(ModelTask.values)  # ("topic", "sentiment")


def model_retrain(
    task: str, *, model_dir: str | None = None, actor=None, progress: bool = False, **params: Any
) -> ModelRetrain:
    """Build the topic or sentiment model again, learning what officials confirmed or corrected.

    The confirmed signals (:func:`~duluan.apps.intake.selectors.topic_training_pairs`,
    :func:`~duluan.apps.intake.selectors.sentiment_training_pairs`: masked texts only, so no
    personal data reaches the model file) join the corpora the shipped model learns, each
    weighing as a hand-labelled example. The file replaces ``<task>.model`` in the model folder
    at once (written aside, then renamed); the platform's processes read the new one at their
    next analysis (:func:`~duluan.apps.intake.analysis.intake_pipeline`).

    Args:
        task: ``topic`` or ``sentiment``.
        model_dir: Model folder (default ``DULUAN_MODEL_DIR`` or ``var/models``).
        actor: Who asked (``None``: a scheduled run).
        progress: Show a progress bar on stderr while reading the corpora (topic).
        **params: Passed to :func:`~duluan.analysis.topic.build_government_topic_model` or
            :func:`~duluan.analysis.sentiment.build_default_sentiment_model`.

    Returns:
        The file, how many confirmations it learnt, its labels and the build's seconds.

    Raises:
        ValueError: An unknown task.
        duluan.shared_data.SharedDataMissing: The shared corpora are absent (nothing is written).
    """
    from duluan.analysis.pipeline import resolve_model_dir

    from .selectors import sentiment_training_pairs, topic_training_pairs

    start = time.perf_counter()
    if task == "topic":
        from duluan.analysis.topic import GOVERNMENT_MODEL_SOURCE, build_government_topic_model

        source = GOVERNMENT_MODEL_SOURCE
        pairs = list(topic_training_pairs())
        model = build_government_topic_model(confirmed=pairs, progress=progress, **params)
    elif task == "sentiment":
        from duluan.analysis.sentiment import DEFAULT_MODEL_SOURCE, build_default_sentiment_model

        source = DEFAULT_MODEL_SOURCE
        pairs = list(sentiment_training_pairs())
        model = build_default_sentiment_model(confirmed=pairs, **params)
    else:
        raise ValueError(f"unknown model task {task!r}: one of {', '.join(RETRAIN_TASKS)}")
    seconds = round(time.perf_counter() - start, 1)
    folder = resolve_model_dir(model_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{task}.model"
    facts = {"confirmations": len(pairs), "labels": len(model.classes_), "seconds": seconds}
    with transaction.atomic():
        model.save(
            path,
            metadata={"source": f"{source} + officials' confirmations", **facts, **model.recipe()},
        )
        audit_record(
            action=f"intake.{task}_model_retrain",
            actor=actor,
            object_type="model",
            object_id=task,
            after=facts,
        )
    return ModelRetrain(task, path, len(pairs), len(model.classes_), seconds)


def api_key_hash(key: str) -> str:
    """Keys are long random strings, so one fast salted hash is enough (no password stretching)."""
    return hashlib.sha256((settings.SECRET_KEY + ":open311:" + key).encode("utf-8")).hexdigest()


def api_client_create(*, name: str, key: str | None = None, actor=None) -> tuple[ApiClient, str]:
    """Create an Open311 client and return it with its key (shown once; only its hash is kept)."""
    key = key or secrets.token_urlsafe(24)
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=nfc(name)[:200], key_prefix=key[:8], key_hash=api_key_hash(key)
        )
        audit_record(action="intake.api_client_create", actor=actor, obj=client, after={"name": client.name})
    return client, key


_KEYS: dict[str, tuple[float, ApiClient]] = {}  # key hash -> (valid until, client)
KEY_CACHE_SECONDS = 10.0
KEY_CACHE_SIZE = 1000


def api_client_for_key(key: str | None) -> ApiClient | None:
    """The active client whose key this is, or ``None``; remembered for :data:`KEY_CACHE_SECONDS`.

    A client posting back to back is looked up once every few seconds instead of on every
    request; a key an official deactivates stops working within that time. Only valid keys are
    remembered, so unknown keys cannot fill the memory.
    """
    if not key:
        return None
    digest = api_key_hash(key)
    now = time.monotonic()
    hit = _KEYS.get(digest)
    if hit is not None and hit[0] > now:
        return hit[1]
    candidates = ApiClient.objects.filter(key_prefix=key[:8], is_active=True)
    client = next((c for c in candidates if secrets.compare_digest(c.key_hash, digest)), None)
    if client is None:
        _KEYS.pop(digest, None)
    else:
        if len(_KEYS) >= KEY_CACHE_SIZE:
            _KEYS.clear()
        _KEYS[digest] = (now + KEY_CACHE_SECONDS, client)
    return client
