"""JSON API of campaigns: ``/api/campaigns/``, ``/api/campaigns/{id}`` with its effect (officials only)."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from ninja import Router, Schema

from duluan.apps.accounts.permissions import NOT_FOUND, is_official

from . import permissions, selectors

router = Router(tags=["campaigns"])


class CampaignOut(Schema):
    id: int
    title: str
    start_on: date
    end_on: date
    lead_agency: str
    topic_codes: list[str]
    keywords: list[str]


class CellOut(Schema):
    group: str
    period: int
    signals: int
    negative: int
    share_negative: float | None
    communes: int
    communes_with_signals: int
    per_commune_30d: float | None


class EstimateOut(Schema):
    measure: str
    contrast: int
    value: float | None
    low: float | None
    high: float | None
    reasons: list[str]


class ShareOut(Schema):
    group: str  # overall | targeted | other
    n: int
    value: float | None
    low: float | None
    high: float | None
    reasons: list[str]


class SurveyMeasureOut(Schema):
    measure: str  # aware | support
    question: str
    shares: list[ShareOut]
    difference: float | None
    difference_low: float | None
    difference_high: float | None


class SurveyOut(Schema):
    round: str
    synthetic: bool
    message: str
    respondents: int
    measures: list[SurveyMeasureOut]
    statements: list[str]


class CampaignDetail(CampaignOut):
    targeted_communes: int
    comparison_communes: int
    comparison_method: str
    matched_pairs: int
    method: str
    cells: list[CellOut]
    estimates: list[EstimateOut]
    statements: list[str]
    unmatched_statements: list[str]
    survey: list[SurveyOut]


def _require_official(request) -> None:
    if not is_official(request.user):
        raise Http404(NOT_FOUND)


def _campaign(c) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "start_on": c.start_on,
        "end_on": c.end_on,
        "lead_agency": c.lead_agency.code,
        "topic_codes": c.topic_codes,
        "keywords": c.keywords,
    }


@router.get("/", response=list[CampaignOut], summary="Chiến dịch truyền thông người dùng được xem")
def campaigns_list(request):
    _require_official(request)
    return [
        _campaign(c) for c in selectors.campaign_list(permissions.campaign_queryset_for_user(request.user))
    ]


@router.get("/{campaign_id}", response=CampaignDetail, summary="Một chiến dịch với hiệu quả đo trên dư luận")
def campaigns_get(request, campaign_id: int):
    _require_official(request)
    campaign = permissions.campaign_get_for_user(request.user, pk=campaign_id)
    view = selectors.campaign_effect(campaign)
    r = view.result
    return {
        **_campaign(campaign),
        "targeted_communes": view.targeted_all,
        "comparison_communes": view.comparison_all,
        "comparison_method": r.matching.method if r.matching else "all",
        "matched_pairs": r.matching.matched if r.matching else 0,
        "method": view.method,
        "cells": [
            {
                "group": c.group,
                "period": c.period,
                "signals": c.signals,
                "negative": c.negative,
                "share_negative": c.share_negative,
                "communes": c.communes,
                "communes_with_signals": c.communes_with_signals,
                "per_commune_30d": c.per_commune_30d,
            }
            for c in r.cells
        ],
        "estimates": [
            {
                "measure": e.measure,
                "contrast": e.contrast,
                "value": e.value,
                "low": e.low,
                "high": e.high,
                "reasons": list(e.reasons),
            }
            for e in r.estimates
        ],
        "statements": view.statements,
        "unmatched_statements": view.unmatched_statements,
        "survey": [_survey(p) for p in selectors.campaign_survey(campaign)["panels"]],
    }


def _survey(panel) -> dict:
    measures = []
    for (_label, question, m, _points), name in zip(panel.rows, ("aware", "support"), strict=True):
        d = m.difference
        measures.append(
            {
                "measure": name,
                "question": question,
                "shares": [
                    {
                        "group": sh.group,
                        "n": sh.n,
                        "value": sh.value,
                        "low": sh.low,
                        "high": sh.high,
                        "reasons": list(sh.reasons),
                    }
                    for sh in m.shares
                ],
                "difference": d.value,
                "difference_low": d.low,
                "difference_high": d.high,
            }
        )
    return {
        "round": panel.round.code,
        "synthetic": panel.synthetic,
        "message": panel.message,
        "respondents": panel.respondents,
        "measures": measures,
        "statements": panel.statements,
    }
