"""Migration 0003 refreshes the shipped legal limits but never an official's correction."""

import importlib

import pytest
from django.apps import apps

from duluan.apps.cases.models import LegalLimit

refresh = importlib.import_module("duluan.apps.cases.migrations.0003_refresh_verified_legal_limits")

pytestmark = pytest.mark.django_db


def test_a_row_still_as_first_shipped_gets_the_checked_rule():
    # given feedback acceptance as migration 0002 seeded it: 10 calendar days, no quote
    LegalLimit.objects.filter(kind="feedback", step="accept").update(
        unit="calendar", source={"document_vi": "Luật Tiếp công dân 2013", "number": "42/2013/QH13"}
    )
    # when
    refresh.forward(apps, None)
    # then it counts working days and cites the clause it quotes
    limit = LegalLimit.objects.get(kind="feedback", step="accept")
    assert (limit.days, limit.unit, limit.verified) == (10, "working", True)
    assert limit.source["article_vi"] == "khoản 1 Điều 28"
    assert limit.source["quote"].startswith("1. Trong thời hạn 10 ngày làm việc")


def test_a_row_an_official_changed_is_left_alone():
    # given the province decided complaint acceptance runs 10 working days
    rows = LegalLimit.objects.filter(kind="complaint1", step="accept")
    rows.update(unit="working", note="Quyết định của tỉnh")
    # when
    refresh.forward(apps, None)
    # then
    limit = LegalLimit.objects.get(kind="complaint1", step="accept")
    assert (limit.unit, limit.note) == ("working", "Quyết định của tỉnh")


def test_the_engine_reads_the_refreshed_row_with_its_quote():
    # given
    refresh.forward(apps, None)
    limit = LegalLimit.objects.get(kind="denunciation", step="accept")
    # when
    from duluan.calendar import LegalLimit as EngineLimit

    rule = EngineLimit.from_dict(limit.as_engine_dict())
    # then
    assert rule.source.cite_vi() == "khoản 1 Điều 24 Luật Tố cáo 2018 (số 25/2018/QH14)"
    assert "07 ngày làm việc" in rule.source.quote
