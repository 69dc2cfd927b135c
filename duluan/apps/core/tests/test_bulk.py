"""bulk_insert: COPY on PostgreSQL, bulk_create elsewhere — the same rows either way."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import JSONField
from django.utils import timezone

from duluan.apps.core.bulk import bulk_insert, db_value, json_as_written
from duluan.apps.issues.models import Issue, IssueDay


def _issue(i: int) -> Issue:
    return Issue(
        cluster_key=f"bulk-{i}",
        title=f'Sạt lở bờ sông Cầu đoạn {i} — "khẩn"\tcần xử lý\\ngay',
        topic="environment",
        first_seen=datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC) - timedelta(days=i),
        signal_count=i,
        negative_share=0.25,
        summary_terms=["sạt lở", "bờ sông", None, 3],
        title_vector={"sạt": 0.5, "lở": 0.5, "đê\n": 1e-9},
        sentiment_counts={},
    )


@pytest.mark.django_db(transaction=True)
def test_rows_ids_and_auto_fields_match_what_bulk_create_stores():
    before = timezone.now()
    copied = [_issue(i) for i in range(1, 6)]
    with transaction.atomic():
        bulk_insert(Issue, copied, batch_size=2)  # several COPY batches
    reference = [_issue(i) for i in range(1, 6)]
    for obj in reference:
        obj.cluster_key += "-ref"
    Issue.objects.bulk_create(reference)

    pks = [obj.pk for obj in copied]
    assert all(pk is not None for pk in pks) and pks == sorted(pks) and len(set(pks)) == 5
    assert all(not obj._state.adding for obj in copied)
    skip = ("id", "cluster_key", "updated_at")
    fields = [f.attname for f in Issue._meta.concrete_fields if f.attname not in skip]
    for obj, ref in zip(copied, reference, strict=True):
        stored = Issue.objects.get(pk=obj.pk)
        stored_ref = Issue.objects.get(pk=ref.pk)
        assert stored.cluster_key == obj.cluster_key
        assert {f: getattr(stored, f) for f in fields} == {f: getattr(stored_ref, f) for f in fields}
        assert stored.updated_at >= before  # auto_now ran, as in bulk_create
    # The sequence moved on: a later ordinary save gets a fresh id.
    later = Issue.objects.create(cluster_key="after", title="x")
    assert later.pk > max(pks)


@pytest.mark.django_db(transaction=True)
def test_a_conflict_fails_the_insert_and_the_transaction_leaves_nothing():
    issue = Issue.objects.create(cluster_key="day", title="x")
    day = date(2026, 3, 1)
    rows = [IssueDay(issue=issue, day=day, count=1), IssueDay(issue=issue, day=day, count=2)]
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Issue, [_issue(9)])
        bulk_insert(IssueDay, rows)
    assert not IssueDay.objects.exists()
    assert not Issue.objects.filter(cluster_key="bulk-9").exists()


@pytest.mark.django_db
def test_nothing_to_insert_is_a_no_op():
    bulk_insert(Issue, [])
    assert not Issue.objects.exists()


@pytest.mark.django_db
def test_json_values_are_the_same_json_and_none_stays_sql_null():
    field = Issue._meta.get_field("title_vector")
    value = {"đê\n": [1, None, 0.1, True], 7: "khóa số"}
    out = db_value(field, value, connection)
    if connection.vendor == "postgresql":
        assert json.loads(out) == json.loads(json.dumps(value))  # json.dumps also turns 7 into "7"
    else:
        assert out == field.get_db_prep_save(value, connection)
    assert db_value(field, None, connection) is None


@pytest.mark.django_db
def test_json_encoded_beforehand_is_stored_as_the_value_itself_would_be():
    field = Issue._meta.get_field("title_vector")
    value = {"sạt lở": 0.1 + 0.2, "bờ sông": 1 / 3, "đê\n": 1e-300}
    encoded = orjson.dumps(value)
    given = json_as_written(field, encoded, connection)
    if connection.vendor == "postgresql":
        assert isinstance(given, orjson.Fragment)  # written as it is, not decoded and encoded again
    else:
        assert given == value
    assert db_value(field, given, connection) == db_value(field, value, connection)
    ours, theirs = _issue(1), _issue(2)
    ours.title_vector, theirs.title_vector = given, value
    with transaction.atomic():
        bulk_insert(Issue, [ours, theirs])
    stored = Issue.objects.get(pk=ours.pk).title_vector
    assert list(stored.items()) == list(value.items())  # the floats bit for bit, in order
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT title_vector FROM issues_issue WHERE id IN (%s, %s)", [ours.pk, theirs.pk])
            texts = {row[0] for row in cursor.fetchall()}
        assert texts == {encoded.decode()}


@pytest.mark.django_db
def test_what_orjson_refuses_goes_through_django():
    field = Issue._meta.get_field("title_vector")
    huge = {"n": 2**70}  # beyond orjson's 64-bit integers
    out = db_value(field, huge, connection)
    assert out == field.get_db_prep_save(huge, connection)  # the field's own JSON text
    issue = _issue(1)
    issue.title_vector = huge
    with transaction.atomic():
        bulk_insert(Issue, [issue])
    assert Issue.objects.get(pk=issue.pk).title_vector == huge


@pytest.mark.django_db
def test_each_column_is_written_as_django_would_prepare_it():
    from duluan.apps.core.bulk import _pass_through, _row_maker
    from duluan.apps.intake.models import Signal

    if connection.vendor != "postgresql":
        pytest.skip("the COPY writers serve PostgreSQL only (bulk_create elsewhere)")

    naive = datetime(2026, 3, 1, 8, 30)
    signal = Signal(
        channel="news",
        external_id="k1",
        title="Ngập úng",
        text="Đường ngập",
        created_at=datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        topic_score=0.75,
        intensity=None,
        unit_id=None,
    )
    odd = _issue(3)
    odd.signal_count = True  # a bool in an integer column: Django's way (1), not as it is
    odd.first_seen = naive  # naive: Django's way (made aware, with its warning)
    odd.negative_share = 1  # an int in a float column: Django's way (1.0)
    odd.last_seen = datetime(2026, 3, 1, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # not a fixed offset
    odd.summary_terms = []  # empty JSON: one text, made once
    for obj in (signal, _issue(2), odd):
        fields = [
            f
            for f in type(obj)._meta.concrete_fields
            if not (f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            row = _row_maker(fields, connection)(obj)
            expected_row = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
        for field, got, expected in zip(fields, row, expected_row, strict=True):
            if isinstance(field, JSONField):
                # Django's Jsonb wrapper (or a text column's JSON text) against orjson's text: the
                # same JSON (stored values are compared in the tests above).
                want = json.loads(expected) if isinstance(expected, str) else expected.obj
                assert json.loads(got) == want, field.name
                continue
            assert got == expected, field.name
            assert isinstance(got, bool) == isinstance(expected, bool), field.name
    # A choices member (an issue's default hotness level) is written as its plain value.
    level = _row_maker([Issue._meta.get_field("hotness_level")], connection)(_issue(4))[0]
    assert level == "normal" and type(level) is str
    # The values above did take the short way where they could.
    assert _pass_through(Issue._meta.get_field("title")) == (str,)
    assert _pass_through(Issue._meta.get_field("signal_count")) == (int,)
    assert _pass_through(Signal._meta.get_field("unit")) == (int,)


@pytest.mark.django_db(transaction=True)
def test_upsert_inserts_new_rows_and_updates_or_skips_conflicting_ones():
    from duluan.apps.core.bulk import bulk_upsert

    issue = Issue.objects.create(cluster_key="up", title="x")
    day1, day2 = date(2026, 3, 1), date(2026, 3, 2)
    names = ("issue", "day", "count", "negative", "intensity_sum", "sources", "places")
    counts = ("count", "negative", "intensity_sum", "sources", "places")
    with transaction.atomic():
        first = [(issue.pk, day1, 1, 0, 0.5, 1, 1)]
        bulk_upsert(IssueDay, names, first, unique=("issue", "day"), update=counts)
        # Twice in one transaction: only the second call's rows count, floats bit for bit.
        rows = [(issue.pk, day1, 3, 1, 0.1 + 0.2, 2, 1), (issue.pk, day2, 1, 1, 1e-300, 1, 0)]
        bulk_upsert(IssueDay, names, rows, unique=("issue", "day"), update=counts)
    got = list(IssueDay.objects.order_by("day").values_list("issue_id", *names[1:]))
    assert got == [(issue.pk, day1, 3, 1, 0.1 + 0.2, 2, 1), (issue.pk, day2, 1, 1, 1e-300, 1, 0)]

    from duluan.apps.geo.models import AdminUnit

    units = [
        AdminUnit.objects.create(
            scheme="2025",
            code=f"T{i}",  # no real unit's code: the session may have loaded every unit
            level="commune",
            name=f"Xã {i}",
            short_name=str(i),
            unit_type="xã",
            province_code="24",
        ).pk
        for i in range(2)
    ]
    link = Issue.units.through
    bulk_upsert(link, ("issue", "adminunit"), [(issue.pk, units[0])], unique=("issue", "adminunit"))
    bulk_upsert(link, ("issue", "adminunit"), [(issue.pk, u) for u in units], unique=("issue", "adminunit"))
    assert sorted(issue.units.values_list("pk", flat=True)) == sorted(units)


@pytest.mark.django_db(transaction=True)
def test_add_inserts_new_rows_numbered_by_the_database_and_refuses_a_conflict():
    from django.db import IntegrityError

    from duluan.apps.core.bulk import bulk_add

    issue = Issue.objects.create(cluster_key="add", title="x")
    names = ("issue", "day", "count", "negative", "intensity_sum", "sources", "places")
    rows = [(issue.pk, date(2026, 3, d), d, 0, 0.5 * d, 1, 0) for d in (1, 2, 3)]
    # given new days of an issue, added in one statement
    with transaction.atomic():
        bulk_add(IssueDay, names, rows)
        bulk_add(IssueDay, names, [])
    # then they are stored as given, each with an id of its own
    got = IssueDay.objects.order_by("day")
    assert [tuple(r) for r in got.values_list("issue_id", *names[1:])] == rows
    assert len(set(got.values_list("pk", flat=True))) == 3
    # and a row that is not new is an error, which leaves nothing half-written
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_add(IssueDay, names, [(issue.pk, date(2026, 3, 4), 1, 0, 0.0, 1, 0), rows[0]])
    assert IssueDay.objects.count() == 3


def _attributes(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_instance_factory_builds_what_the_model_constructor_builds():
    from duluan.apps.core.bulk import instance_factory
    from duluan.apps.intake.models import Signal

    values = {
        "channel": "news",
        "external_id": "k1",
        "title": "Ngập úng",
        "text": "Đường ngập",
        "created_at": datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        "unit_id": 7,
        "import_batch_id": 3,
        "topic_terms": [["ngập", 0.5]],
    }
    for model, kwargs in ((Signal, values), (Signal, {}), (Issue, {"cluster_key": "1:c2", "title": ""})):
        made = instance_factory(model)(**kwargs)
        built = model(**kwargs)
        assert type(made) is model
        assert _attributes(made) == _attributes(built)
        assert (made._state.adding, made._state.db, made.pk) == (True, None, None)
    # Mutable defaults are new for every instance, as with the constructor.
    one, two = instance_factory(Issue)(), instance_factory(Issue)()
    one.summary_terms.append("x")
    one.forecast["k"] = 1
    assert two.summary_terms == [] and two.forecast == {}
    with pytest.raises(TypeError, match="unexpected keyword arguments: 'colour'"):
        instance_factory(Issue)(colour="red")


@pytest.mark.django_db
def test_instance_factory_rows_save_like_constructed_ones():
    from duluan.apps.core.bulk import instance_factory

    made = instance_factory(Issue)(cluster_key="made", title="Ngập", signal_count=2)
    made.save()
    again = Issue.objects.get(pk=made.pk)
    assert (again.cluster_key, again.title, again.signal_count, again.forecast) == ("made", "Ngập", 2, {})
    # Related objects are read through the usual descriptors.
    assert made.merged_into is None


def test_a_model_with_init_receivers_keeps_its_own_constructor():
    from django.db.models.signals import post_init

    from duluan.apps.core.bulk import instance_factory

    def receiver(sender, instance, **kwargs):
        instance.seen = True

    instance_factory.cache_clear()
    post_init.connect(receiver, sender=IssueDay)
    try:
        make = instance_factory(IssueDay)
        assert make is IssueDay
        assert make(count=1).seen is True
    finally:
        post_init.disconnect(receiver, sender=IssueDay)
        instance_factory.cache_clear()


def test_json_text_takes_non_str_keys_and_numpy_values_the_slower_way():
    import numpy as np

    from duluan.apps.core.bulk import _json_text

    assert _json_text({"sạt lở": 0.5, "x": [1, None]}) == '{"sạt lở":0.5,"x":[1,null]}'
    assert json.loads(_json_text({7: 1, "a": np.float64(0.25), "b": np.arange(2)})) == {
        "7": 1,
        "a": 0.25,
        "b": [0, 1],
    }
    with pytest.raises(TypeError):
        _json_text({"a": object()})


def test_only_date_columns_that_stamp_run_pre_save():
    # given the date and time columns of an issue and of an import batch
    from duluan.apps.core.bulk import _plain_pre_save
    from duluan.apps.intake.models import ImportBatch

    meta = Issue._meta
    # then a column without auto_now/auto_now_add is read as it is, the stamping ones are not
    assert _plain_pre_save(meta.get_field("first_seen")) and _plain_pre_save(meta.get_field("title"))
    assert not _plain_pre_save(meta.get_field("updated_at"))  # auto_now
    assert not _plain_pre_save(ImportBatch._meta.get_field("started_at"))  # auto_now_add


@pytest.mark.django_db(transaction=True)
def test_signals_copied_in_binary_are_the_rows_bulk_create_stores():
    # given signals with text that COPY's text format would escape, absent numbers and JSON
    from duluan.apps.intake.models import Signal

    def signal(i: int, suffix: str) -> Signal:
        return Signal(
            channel="news",
            external_id=f"b{i}{suffix}",
            content_hash="h" * 64,
            title=f"Ngập\túng {i}",
            text='Đường "ngập"\nsâu \\ 0,5 m\r\n— phản ánh',
            text_masked="đường ngập sâu [SĐT]",
            search_key="duong ngap",
            created_at=datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC) + timedelta(hours=i),
            lat=None if i % 2 else 21.27,
            lon=None if i % 2 else 106.19,
            topic="transport",
            topic_score=0.75,
            topic_terms=["ngập", "đường"],
            sentiment="negative",
            sentiment_score=None,
            intensity=0.5 * i,
            places=[{"code": "24", "scheme": "2025", "name": "Bắc Ninh", "start": 0, "end": 8}],
            extra={"meeting": "Tiếp xúc cử tri", "n": [1, None, True]},
            received_at=datetime(2026, 3, 2, tzinfo=UTC),
        )

    copied = [signal(i, "") for i in range(4)]
    reference = [signal(i, "-ref") for i in range(4)]
    # when one set goes through bulk_insert and the other through bulk_create
    with transaction.atomic():
        bulk_insert(Signal, copied)
    Signal.objects.bulk_create(reference)
    # then every stored column is the same
    skip = {"id", "external_id", "received_at"}
    fields = [f.attname for f in Signal._meta.concrete_fields if f.attname not in skip]
    for obj, ref in zip(copied, reference, strict=True):
        got = Signal.objects.values(*fields).get(pk=obj.pk)
        assert got == Signal.objects.values(*fields).get(pk=ref.pk)
    assert Signal.objects.get(pk=copied[0].pk).text == 'Đường "ngập"\nsâu \\ 0,5 m\r\n— phản ánh'


@pytest.mark.django_db
def test_tables_of_plain_types_are_copied_in_binary_and_others_as_text():
    from duluan.apps.core.bulk import _binary_types
    from duluan.apps.intake.models import Signal

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    # given the tables an import writes
    for model in (Signal, Issue, IssueDay):
        columns = [f.column for f in model._meta.concrete_fields]
        # then each is copied in the binary format, with its columns' types
        assert _binary_types(connection, model._meta.db_table, columns) is not None, model
    # given a table with a column of a type outside the list (numeric)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bulk_numeric (id int8, amount numeric)")
    # then it is copied as text
    assert _binary_types(connection, "bulk_numeric", ["id", "amount"]) is None
    assert _binary_types(connection, "bulk_numeric", ["id"]) is not None


@pytest.mark.django_db
def test_a_jsonb_value_orjson_refuses_is_copied_through_django_s_own_encoding():
    # given a signal whose JSON holds an integer beyond orjson's 64 bits (Django then adapts it
    # itself, as a Jsonb wrapper, which the binary COPY must write as jsonb, not as bytes)
    from duluan.apps.intake.models import Signal

    huge = {"n": 2**70, "tên": "Vũ Ninh"}
    signal = Signal(
        channel="news",
        external_id="huge",
        content_hash="h" * 64,
        text="Đường ngập",
        text_masked="đường ngập",
        created_at=datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        received_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
        extra=huge,
    )
    # when it is inserted
    with transaction.atomic():
        bulk_insert(Signal, [signal])
    # then the stored value is that JSON
    assert Signal.objects.get(pk=signal.pk).extra == huge
