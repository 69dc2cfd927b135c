"""Design-based results of a round, computed by the ``duluan.stats`` engine from stored rows.

Weights: base weight = 1 / (p_commune × p_village × p_respondent) as stored at the draw; a
weighting-class non-response adjustment within each commune (pending invitations are
non-respondents); then, when the round has population margins, raking to them. Province
figures use the stratified two-stage design (communes as PSUs within strata, villages within
communes; with-replacement variance). Commune figures are conditional on the commune being in
the sample: the commune is a stratum and its villages are the PSUs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.core.cache import cache
from django.db.models import Count, Max

from duluan.stats import (
    Design,
    DesignError,
    IndexDefinition,
    WeightingError,
    compare_rounds,
    compute_index,
    nonresponse_adjust,
    rake,
    survey_by,
    wald_interval,
)

from .models import Invitation, InvitationStatus, Response, Round, SampledCommune, SampledVillage

RAKING_FAILED = (
    "Không hiệu chỉnh được trọng số theo tổng thể biên (raking): {detail} Kết quả dưới đây chỉ dùng "
    "trọng số thiết kế đã điều chỉnh không trả lời."
)
NONRESPONSE_FAILED = "Không điều chỉnh được trọng số do không trả lời: {detail}"
NO_RESPONSES = "Đợt khảo sát chưa có phiếu trả lời nào."
DESIGN_FAILED = "Không tính được ước lượng theo thiết kế mẫu: {detail}"


class ResultsUnavailable(ValueError):
    """No results can be computed (no responses, or the design is unusable)."""


@dataclass
class RoundResults:
    """Everything the result pages, exports and report show for one round.

    Attributes:
        definition: the index definition used.
        province: one row per component (sub-indices, index) for the whole province.
        communes: one row per (component, commune) with name, lat, lon, n, intervals, warnings.
        items: one row per (item, commune) — commune "" is the province — with label and sub-index.
        fieldwork: per commune: sampled, responded, response rate.
        weights: summary of the final weights (min, max, mean, cv, deff_kish).
        warnings: messages to show above the results (e.g. raking failed).
        raked: whether the weights were raked to population margins.
        respondents: one row per response — invitation, commune, base, adjusted and final weight,
            and the respondent's scores — so every figure can be traced back to the answers.
    """

    definition: IndexDefinition
    province: pd.DataFrame
    communes: pd.DataFrame
    items: pd.DataFrame
    fieldwork: pd.DataFrame
    weights: dict
    warnings: list[str] = field(default_factory=list)
    raked: bool = False
    respondents: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


DATASET_COLUMNS = ["invitation", "p_total", "village", "stratum", "commune", "status", "answers"]


def _dataset(round_: Round) -> pd.DataFrame:
    """One row per invitation of the round: its inclusion probability, village, stratum, commune
    code, status and answers (``None`` without a response), in the invitations' order (commune
    code, village code, slot).

    Read as four small queries, one table each (with a join on a primary key at most), and put
    together here, rather than as the one nine-table join the ORM makes of the same fields and
    ordering. On PostgreSQL, with statistics that still say the survey tables are empty (as after
    a sample is drawn, or the demo seeded, in the same minute), the planner nested sequential
    scans into that join: 32 s to 8 min for the demo round's invitations in the test suite
    (2026-12-01). Each query here reads one round through its index whatever the statistics.
    """
    invitations = pd.DataFrame(
        Invitation.objects.filter(round=round_)
        .order_by()
        .values_list("pk", "p_total", "village_id", "status", "slot"),
        columns=["invitation", "p_total", "village", "status", "slot"],
    )
    villages = pd.DataFrame(
        SampledVillage.objects.filter(commune__round=round_)
        .order_by()
        .values_list("pk", "commune_id", "village__code"),
        columns=["village", "commune_pk", "village_code"],
    )
    communes = pd.DataFrame(
        SampledCommune.objects.filter(round=round_)
        .order_by()
        .values_list("pk", "stratum", "frame_unit__unit__code"),
        columns=["commune_pk", "stratum", "commune"],
    )
    answers = pd.DataFrame(
        Response.objects.filter(invitation__round=round_).order_by().values_list("invitation_id", "answers"),
        columns=["invitation", "answers"],
    )
    data = (
        invitations.merge(villages, on="village", how="left")
        .merge(communes, on="commune_pk", how="left")
        .merge(answers, on="invitation", how="left")
    )
    data["answers"] = data["answers"].astype(object).where(data["answers"].notna(), None)
    data = data.sort_values(["commune", "village_code", "slot"], kind="stable")
    return data[DATASET_COLUMNS].reset_index(drop=True)


def _stamp(round_: Round) -> str:
    agg = round_.responses.aggregate(n=Count("pk"), last=Max("pk"))
    raw = json.dumps(
        [
            round_.pk,
            agg["n"],
            agg["last"],
            round_.index.definition,
            str(round_.index.updated_at),
            round_.margins,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def round_results(round_: Round, *, use_cache: bool = True) -> RoundResults:
    """The round's index per commune and province with intervals (cached until answers change).

    Raises:
        ResultsUnavailable: no responses, or the design cannot be estimated.
    """
    key = f"surveys:results:{round_.pk}:{_stamp(round_)}"
    if use_cache:
        hit = cache.get(key)
        if hit is not None:
            return hit
    results = _compute(round_)
    if use_cache:
        cache.set(key, results, timeout=24 * 3600)
    return results


def _numeric_items(answers: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=answers.index)
    for item in items:
        column = answers[item] if item in answers.columns else pd.Series(np.nan, index=answers.index)
        out[item] = pd.to_numeric(column, errors="coerce")
    return out


def _compute(round_: Round) -> RoundResults:
    definition = round_.index.to_engine()
    instrument = round_.instrument.parsed()
    data = _dataset(round_)
    data["responded"] = data["status"] == InvitationStatus.COMPLETED
    if not data["responded"].any():
        raise ResultsUnavailable(NO_RESPONSES)
    warnings: list[str] = []
    base = 1.0 / data["p_total"].to_numpy(dtype=float)
    try:
        adjusted = nonresponse_adjust(base, data["responded"].to_numpy(), cells=data["commune"].to_numpy())
    except WeightingError as exc:
        raise ResultsUnavailable(NONRESPONSE_FAILED.format(detail=exc)) from exc
    data["base_weight"] = base
    data["weight"] = adjusted
    resp = data[data["responded"]].reset_index(drop=True)
    answers = pd.DataFrame.from_records(list(resp["answers"])).reindex(resp.index)
    numeric = _numeric_items(answers, definition.items)
    frame = pd.concat([resp[["stratum", "commune", "village", "weight"]], numeric], axis=1)
    for margin in round_.margins or {}:
        frame[margin] = answers[margin] if margin in answers.columns else np.nan
    try:
        province_design = Design.from_frame(
            frame, psu=["commune", "village"], strata="stratum", weights="weight", lonely_psu="adjust"
        )
    except DesignError as exc:
        raise ResultsUnavailable(DESIGN_FAILED.format(detail=exc)) from exc
    raked = False
    if round_.margins:
        try:
            margins = {
                name: {str(k): float(v) for k, v in cells.items()} for name, cells in round_.margins.items()
            }
            province_design, _ = rake(province_design, margins, max_iter=50)
            raked = True
        except WeightingError as exc:  # RakingError included: not converged or cells missing
            warnings.append(RAKING_FAILED.format(detail=exc))
    weights = province_design.weights
    frame["final_weight"] = weights
    commune_design = Design.from_arrays(
        psu=frame["village"].to_numpy(),
        strata=frame["commune"].to_numpy(),
        weights=weights,
        lonely_psu="adjust",
        data=frame,
    )
    try:
        province_result = compute_index(province_design, definition, numeric)
        province = province_result.table
        communes = compute_index(commune_design, definition, numeric, by="commune").table
    except DesignError as exc:
        raise ResultsUnavailable(DESIGN_FAILED.format(detail=exc)) from exc
    communes = _t_intervals(communes.rename(columns={"domain": "commune"}), definition)
    province = _t_intervals(province.drop(columns=["domain"]), definition)

    items = _item_table(definition, numeric, commune_design, province_design, instrument)
    fieldwork = (
        data.groupby("commune")
        .agg(sampled=("invitation", "size"), responded=("responded", "sum"))
        .reset_index()
    )
    fieldwork["rate"] = fieldwork["responded"] / fieldwork["sampled"]
    meta = _commune_meta(round_)
    communes = communes.merge(meta, on="commune", how="left")
    fieldwork = fieldwork.merge(meta, on="commune", how="left")
    items = items.merge(meta[["commune", "name"]], on="commune", how="left")
    w = weights
    summary = {
        "n": int(w.size),
        "min": float(w.min()),
        "max": float(w.max()),
        "mean": float(w.mean()),
        "cv": float(w.std() / w.mean()),
        "deff_kish": float(1 + (w.std() / w.mean()) ** 2),
        "sampled": len(data),
        "responded": int(data["responded"].sum()),
    }
    respondents = pd.concat(
        [
            resp[["invitation", "commune", "village", "base_weight", "weight"]].rename(
                columns={"weight": "adjusted_weight"}
            ),
            frame[["final_weight"]],
            province_result.scores,
        ],
        axis=1,
    )
    return RoundResults(
        definition=definition,
        province=province,
        communes=communes,
        items=items,
        fieldwork=fieldwork,
        weights=summary,
        warnings=warnings,
        raked=raked,
        respondents=respondents,
    )


def bounds(definition: IndexDefinition) -> tuple[float, float]:
    if definition.method == "percent_satisfied":
        return 0.0, 100.0
    return float(definition.scale_min), float(definition.scale_max)


def _t_intervals(table: pd.DataFrame, definition: IndexDefinition) -> pd.DataFrame:
    """Intervals with Student t on the design degrees of freedom (PSUs − strata of the domain).

    A commune's figures rest on a handful of villages, so the normal quantile would overstate
    their precision; R's ``svyciprop`` and ``confint(..., df=degf(design))`` do the same.
    """
    low, high = wald_interval(
        table["estimate"].to_numpy(),
        table["se"].to_numpy(),
        0.95,
        np.where(table["df"].to_numpy() > 0, table["df"].to_numpy(), np.inf),
    )
    lo, hi = bounds(definition)
    return table.assign(ci_low=np.clip(low, lo, hi), ci_high=np.clip(high, lo, hi))


def _item_table(definition, numeric, commune_design, province_design, instrument) -> pd.DataFrame:
    """Each item's % satisfied (or mean score) per commune and for the province."""
    scored = pd.DataFrame(index=numeric.index)
    for item in definition.items:
        raw = numeric[item]
        valid = (raw >= definition.scale_min) & (raw <= definition.scale_max)
        if definition.method == "percent_satisfied":
            value = np.where(raw >= definition.satisfied_min, 100.0, 0.0)
        else:
            value = raw.to_numpy()
        scored[item] = np.where(valid, value, np.nan)
    sub_of = {i: s.name for s in definition.subindices for i in s.items}
    parts = []
    for design, by in ((commune_design, "commune"), (province_design, None)):
        est = survey_by(design, scored, by).to_frame()
        if by is None:
            est["domain"] = ""
        parts.append(est)
    table = pd.concat(parts, ignore_index=True).rename(columns={"variable": "item", "domain": "commune"})
    table = _t_intervals(table, definition)
    table["subindex"] = table["item"].map(sub_of)
    table["label"] = [instrument.question(i).label if instrument.has(i) else i for i in table["item"]]
    table["small_sample"] = table["n"] < definition.min_n
    return table


def _commune_meta(round_: Round) -> pd.DataFrame:
    rows = round_.communes.values_list(
        "frame_unit__unit__code",
        "frame_unit__unit__name",
        "frame_unit__unit__lat",
        "frame_unit__unit__lon",
        "stratum",
        "frame_unit__population",
    )
    return pd.DataFrame(rows, columns=["commune", "name", "lat", "lon", "stratum", "population"])


def round_changes(current: RoundResults, previous: RoundResults) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Changes since the previous round: (province rows, commune rows), with z tests.

    Communes appear only when sampled in both rounds (independent samples of respondents).
    """
    prov = compare_rounds(previous.province.assign(domain=""), current.province.assign(domain=""))
    com = compare_rounds(
        previous.communes.rename(columns={"commune": "domain"}),
        current.communes.rename(columns={"commune": "domain"}),
    ).rename(columns={"domain": "commune"})
    return prov, com


def ranking(results: RoundResults) -> pd.DataFrame:
    """Communes on the overall index, best first, with their intervals and warnings."""
    table = results.communes[results.communes["component"] == results.definition.name].copy()
    table = table.sort_values(["estimate", "name"], ascending=[False, True]).reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    # communes whose interval lies wholly above / below the province estimate
    province = results.province[results.province["component"] == results.definition.name].iloc[0]
    table["versus_province"] = np.where(
        table["ci_low"] > province["estimate"],
        "above",
        np.where(table["ci_high"] < province["estimate"], "below", ""),
    )
    return table
