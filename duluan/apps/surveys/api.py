"""JSON API: rounds, a round's index by commune with intervals, and the sample-size calculator."""

from __future__ import annotations

from django.http import Http404
from ninja import Field, Query, Router, Schema

from duluan.apps.accounts.permissions import NOT_FOUND
from duluan.stats import sample_size_proportion

from . import estimates
from .permissions import round_get_for_user, rounds_for_user

router = Router(tags=["surveys"])


class RoundOut(Schema):
    code: str
    name: str
    year: int
    status: str


class Estimate(Schema):
    component: str
    commune: str | None = None
    name: str | None = None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    se: float | None
    n: int
    small_sample: bool


class ResultsOut(Schema):
    round: RoundOut
    index: str
    method: str
    province: list[Estimate]
    communes: list[Estimate]
    warnings: list[str]


class SampleSizeParams(Schema):
    # (from 0.0001: a margin of 1e-300 asked for an infinite sample, a 500 error)
    moe: float = Field(..., ge=0.0001, lt=1, description="sai số biên, tỷ lệ (0.05 = ±5 điểm)")
    p: float = Field(0.5, gt=0, lt=1)
    deff: float = Field(1.0, gt=0, le=20)
    population: int | None = Field(None, ge=1)
    conf: float = Field(0.95, gt=0, lt=1)


class SampleSizeOut(Schema):
    n: int
    n_srs: float
    n_deff: float
    n_fpc: float | None
    yamane: int | None


def _round(r) -> dict:
    return {"code": r.code, "name": r.name, "year": r.year, "status": r.status}


def _rows(table) -> list[dict]:
    clean = table.astype(object).where(table.notna(), None)
    return clean.to_dict("records")


@router.get("/rounds", response=list[RoundOut], summary="Các đợt khảo sát người dùng được xem")
def rounds(request):
    return [_round(r) for r in rounds_for_user(request.user)]


@router.get("/rounds/{code}/results", response=ResultsOut, summary="Chỉ số theo xã với khoảng tin cậy 95%")
def round_results(request, code: str):
    round_ = round_get_for_user(request.user, code=code)
    try:
        results = estimates.round_results(round_)
    except estimates.ResultsUnavailable as exc:
        raise Http404(str(exc) or NOT_FOUND) from None
    return {
        "round": _round(round_),
        "index": results.definition.name,
        "method": results.definition.method,
        "province": _rows(results.province),
        "communes": _rows(results.communes),
        "warnings": results.warnings,
    }


@router.get("/sample-size", response=SampleSizeOut, summary="Cỡ mẫu cho một tỷ lệ (kèm Yamane để so sánh)")
def sample_size(request, params: Query[SampleSizeParams]):
    result = sample_size_proportion(
        moe=params.moe, p=params.p, deff=params.deff, population=params.population, conf=params.conf
    )
    return {
        "n": result.n,
        "n_srs": result.n_srs,
        "n_deff": result.n_deff,
        "n_fpc": result.n_fpc,
        "yamane": result.yamane,
    }
