"""The legal limits as data: what ships, how it is cited, and how bad rules are refused."""

import json

import pytest

from duluan.calendar import (
    Extension,
    LegalLimit,
    LegalSource,
    LimitTable,
    RuleError,
    Unit,
    UnknownKindError,
    UnknownStepError,
    load_limits,
    parse_limits,
)
from duluan.calendar.errors import MSG_UNKNOWN_KIND

KINDS = ("feedback", "complaint1", "complaint2", "denunciation")


@pytest.fixture(scope="module")
def table():
    return load_limits()


def test_every_kind_has_accept_and_resolve(table):
    assert table.kinds() == KINDS
    for kind in KINDS:
        assert table.steps(kind) == ("accept", "resolve")
    assert len(table) == 8


@pytest.mark.parametrize(
    ("kind", "step", "days", "complex_days", "remote_days", "remote_complex_days", "unit", "article"),
    [
        ("complaint1", "accept", 10, None, None, None, Unit.CALENDAR, "Điều 27"),
        ("complaint1", "resolve", 30, 45, 45, 60, Unit.CALENDAR, "Điều 28"),
        ("complaint2", "accept", 10, None, None, None, Unit.CALENDAR, "khoản 1 Điều 36"),
        ("complaint2", "resolve", 45, 60, 60, 70, Unit.CALENDAR, "Điều 37"),
        ("denunciation", "accept", 7, 10, None, None, Unit.WORKING, "khoản 1 Điều 24"),
        ("denunciation", "resolve", 30, None, None, None, Unit.CALENDAR, "Điều 30"),
        ("feedback", "accept", 10, None, None, None, Unit.WORKING, "khoản 1 Điều 28"),
    ],
)
def test_shipped_limits_follow_the_law(
    table, kind, step, days, complex_days, remote_days, remote_complex_days, unit, article
):
    limit = table.get(kind, step)
    assert (limit.days, limit.complex_days, limit.remote_days, limit.remote_complex_days) == (
        days,
        complex_days,
        remote_days,
        remote_complex_days,
    )
    assert limit.unit is unit
    assert limit.source.article_vi == article
    assert limit.id == f"{kind}.{step}"


def test_denunciation_resolve_allows_two_extensions_of_30_days(table):
    assert table.get("denunciation", "resolve").extension == Extension(days=30, max_count=2, complex_count=1)


def test_citations_name_article_law_and_number(table):
    assert (
        table.get("complaint1", "resolve").source.cite_vi() == "Điều 28 Luật Khiếu nại 2011 (số 02/2011/QH13)"
    )
    assert (
        table.get("complaint2", "resolve").source.cite_en()
        == "Article 37, Law on Complaints 2011 (No. 02/2011/QH13)"
    )
    assert (
        table.get("denunciation", "resolve").source.cite_vi() == "Điều 30 Luật Tố cáo 2018 (số 25/2018/QH14)"
    )
    assert table.get("feedback", "accept").source.number == "42/2013/QH13"


def test_every_rule_has_labels_a_source_and_says_when_it_is_unverified(table):
    for limit in table:
        assert limit.label_vi and limit.label_en and limit.kind_vi and limit.kind_en
        assert limit.source.number and limit.source.document_vi
        if not limit.verified:
            assert "CHƯA ĐỐI CHIẾU" in limit.note
        else:
            assert limit.source.article_vi
    assert not table.get("feedback", "resolve").verified


def test_a_verified_rule_quotes_its_clause_with_the_days_and_unit_it_ships(table):
    # given the rules marked verified against the text of the law
    verified = [limit for limit in table if limit.verified]
    assert len(verified) == 7
    for limit in verified:
        # then each one says where the wording was read and quotes it
        assert limit.source.url.startswith("https://")
        quote = limit.source.quote
        # and the quote states the shipped number of days in the shipped unit ("07 ngày làm việc", "30 ngày")
        variants = (limit.complex_days, limit.remote_days, limit.remote_complex_days)
        numbers = [limit.days] + [d for d in variants if d]
        for days in numbers:
            written = [f"{days:02d} ngày", f"{days} ngày"]
            positions = [quote.find(w) for w in written if w in quote]
            assert positions, f"{limit.id}: {days} ngày not in the quote"
            after = quote[positions[0] :].split("ngày", 1)[1]
            assert after.startswith(" làm việc") is (limit.unit is Unit.WORKING), limit.id
        if limit.extension is not None:
            assert f"mỗi lần không quá {limit.extension.days} ngày" in quote


def test_an_unverified_rule_says_why_and_quotes_nothing_it_did_not_find(table):
    rule = table.get("feedback", "resolve")
    # the placeholder is not presented as the law
    assert "giá trị tạm" in rule.note
    assert str(rule.days) + " ngày" not in rule.source.quote


def test_rules_round_trip_through_plain_data(table):
    # given the shape the admin stores
    data = json.loads(json.dumps(table.to_dict(), ensure_ascii=False))
    # when
    again = parse_limits(data)
    # then
    assert list(again) == list(table)


def test_rules_can_be_built_as_dataclasses():
    limit = LegalLimit(
        kind="feedback",
        step="accept",
        days=5,
        unit=Unit.WORKING,
        label_vi="Tiếp nhận phản ánh",
        label_en="Register feedback",
        source=LegalSource("Quy chế của UBND tỉnh Bắc Ninh", "Bac Ninh rules", "01/2026/QĐ-UBND"),
    )
    table = LimitTable([limit])
    assert table.get("feedback", "accept") is limit
    assert limit.source.cite_vi() == "Quy chế của UBND tỉnh Bắc Ninh (số 01/2026/QĐ-UBND)"


def test_unknown_kind_and_step_name_the_value_and_the_choices(table):
    with pytest.raises(UnknownKindError) as kind_error:
        table.get("petition", "accept")
    assert str(kind_error.value) == MSG_UNKNOWN_KIND.format(value="petition", choices=", ".join(KINDS))
    with pytest.raises(UnknownStepError) as step_error:
        table.get("complaint1", "appeal")
    assert "'appeal'" in str(step_error.value)
    assert "accept, resolve" in str(step_error.value)


def _rule(**changes):
    data = {
        "kind": "complaint1",
        "step": "resolve",
        "days": 30,
        "unit": "calendar",
        "label_vi": "Giải quyết",
        "label_en": "Resolve",
        "source": {
            "document_vi": "Luật Khiếu nại 2011",
            "document_en": "Law on Complaints",
            "number": "02/2011/QH13",
        },
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "changes",
    [
        {"days": 0},
        {"days": -3},
        {"days": "30"},
        {"unit": "weeks"},
        {"complex_days": 20},
        {"remote_days": 10},
        {"extension": {"days": 30, "max_count": 1, "complex_count": 2}},
        {"extension": {"days": 0, "max_count": 1}},
        {"source": {"document_vi": "x"}},
        {"label_vi": None},
    ],
)
def test_inconsistent_rules_are_refused(changes):
    data = _rule(**changes)
    if data["label_vi"] is None:
        del data["label_vi"]
    with pytest.raises(RuleError) as caught:
        parse_limits([data])
    assert "complaint1.resolve" in str(caught.value)


def test_duplicate_rules_are_refused():
    with pytest.raises(RuleError):
        parse_limits([_rule(), _rule()])


def test_limits_load_from_a_file(tmp_path):
    path = tmp_path / "limits.json"
    path.write_text(json.dumps({"limits": [_rule(days=20)]}), encoding="utf-8")
    assert load_limits(path).get("complaint1", "resolve").days == 20
