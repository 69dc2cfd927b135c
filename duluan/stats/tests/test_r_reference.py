"""Our engine against R's ``survey`` package on R's own ``api`` example data.

One R run (module fixture) exports ``apistrat``, ``apiclus1`` and ``apiclus2`` to CSV and writes
R's figures at full precision; every test reads the same CSV into our engine and compares to
1e-8 relative. Skipped, with the reason, when ``Rscript`` or the ``survey`` package is absent.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from duluan.stats import (
    Design,
    LonelyPSUError,
    post_stratify,
    rake,
    survey_by,
    survey_mean,
    survey_proportion,
    survey_total,
    trim_weights,
)

pytestmark = pytest.mark.r_reference

RTOL = 1e-8

R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
data(api)
for (nm in c("apistrat", "apiclus1", "apiclus2")) {
  write.csv(get(nm), file.path(out, paste0(nm, ".csv")), row.names = FALSE)
}
rows <- character(0)
emit <- function(case, domain, quantity, values) {
  values <- as.numeric(values)
  rows <<- c(rows, sprintf("%s,%s,%s,%s", case, domain, quantity, sprintf("%.17g", values)))
}
emit_stat <- function(case, st, domain = "all") {
  emit(case, domain, "estimate", coef(st)); emit(case, domain, "se", SE(st))
  ci <- confint(st); emit(case, domain, "ci_low", ci[, 1]); emit(case, domain, "ci_high", ci[, 2])
  d <- attr(st, "deff"); if (!is.null(d)) emit(case, domain, "deff", if (is.matrix(d)) diag(d) else d)
}
emit_by <- function(case, b) {
  doms <- as.character(b[[1]])
  ci <- confint(b); d <- tryCatch(deff(b), error = function(e) NULL)
  for (i in seq_along(doms)) {
    emit(case, doms[i], "estimate", coef(b)[i]); emit(case, doms[i], "se", SE(b)[i])
    emit(case, doms[i], "ci_low", ci[i, 1]); emit(case, doms[i], "ci_high", ci[i, 2])
    if (!is.null(d)) emit(case, doms[i], "deff", d[i])
  }
}
emit_ciprop <- function(case, p, domain = "all") {
  emit(case, domain, "estimate", coef(p)); emit(case, domain, "se", SE(p))
  emit(case, domain, "ci_low", attr(p, "ci")[1]); emit(case, domain, "ci_high", attr(p, "ci")[2])
}
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)

emit_stat("strat_mean", svymean(~api00 + enroll, dstrat, deff = TRUE))
mrep <- svymean(~api00 + enroll, dstrat, deff = "replace")
emit("strat_mean_replace", "all", "deff", diag(attr(mrep, "deff")))
emit_stat("strat_total", svytotal(~enroll, dstrat, deff = TRUE))
emit_stat("strat_schwide", svymean(~sch.wide, dstrat, deff = TRUE))
emit_by("strat_by_stype", svyby(~api00, ~stype, dstrat, svymean, deff = TRUE))
emit_by("strat_total_by_stype", svyby(~enroll, ~stype, dstrat, svytotal, deff = TRUE))

emit_stat("clus1_mean", svymean(~api00, dclus1, deff = TRUE))
emit_stat("clus1_total", svytotal(~enroll, dclus1, deff = TRUE))
emit_by("clus1_by_stype", svyby(~api00, ~stype, dclus1, svymean, deff = TRUE))

emit_stat("clus2_mean", svymean(~api00, dclus2, deff = TRUE))
emit_stat("clus2_total", svytotal(~enroll, dclus2, na.rm = TRUE, deff = TRUE))
emit_by("clus2_by_stype", svyby(~api00, ~stype, dclus2, svymean, deff = TRUE))
options(survey.ultimate.cluster = TRUE)
emit_stat("clus2_mean_ultimate", svymean(~api00, dclus2))
options(survey.ultimate.cluster = FALSE)

for (m in c("logit", "mean", "beta")) {
  emit_ciprop(paste0("clus1_prop_", m), svyciprop(~I(sch.wide == "Yes"), dclus1, method = m))
  emit_ciprop(paste0("clus2_awards_", m), svyciprop(~I(awards == "Yes"), dclus2, method = m))
  b <- svyby(~I(sch.wide == "Yes"), ~stype, dclus1, svyciprop, vartype = "ci", method = m)
  for (i in seq_len(nrow(b))) {
    dom <- as.character(b$stype[i])
    emit(paste0("clus1_prop_by_", m), dom, "estimate", coef(b)[i])
    emit(paste0("clus1_prop_by_", m), dom, "ci_low", b$ci_l[i])
    emit(paste0("clus1_prop_by_", m), dom, "ci_high", b$ci_u[i])
  }
}

pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
draked <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide))
emit("rake_weights", "all", "weight", weights(draked))
emit_stat("rake_mean", svymean(~api00, draked, deff = TRUE))
emit_stat("rake_total", svytotal(~enroll, draked, deff = TRUE))
emit_by("rake_by_stype", svyby(~api00, ~stype, draked, svymean, deff = TRUE))
b <- svyby(~I(sch.wide == "Yes"), ~stype, draked, svyciprop, vartype = "ci", method = "beta")
for (i in seq_len(nrow(b))) {
  emit("rake_prop_by_beta", as.character(b$stype[i]), "ci_low", b$ci_l[i])
  emit("rake_prop_by_beta", as.character(b$stype[i]), "ci_high", b$ci_u[i])
}

emit("trim_weights", "all", "weight", weights(trimWeights(dstrat, lower = 18, upper = 40, strict = TRUE)))

dps <- postStratify(dclus1, ~stype, pop.types)
emit("ps_weights", "all", "weight", weights(dps))
emit_stat("ps_mean", svymean(~api00, dps, deff = TRUE))
emit_stat("ps_total", svytotal(~enroll, dps, deff = TRUE))
emit_by("ps_by_schwide", svyby(~api00, ~sch.wide, dps, svymean, deff = TRUE))

lonely <- rbind(apistrat[apistrat$stype != "H", ], apistrat[apistrat$stype == "H", ][1, ])
write.csv(lonely, file.path(out, "lonely.csv"), row.names = FALSE)
dl <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = lonely, fpc = ~fpc)
err <- tryCatch({ svymean(~api00, dl); "no error" }, error = function(e) conditionMessage(e))
writeLines(err, file.path(out, "lonely_fail.txt"))
for (opt in c("certainty", "adjust", "average", "remove")) {
  options(survey.lonely.psu = opt)
  emit(paste0("lonely_", opt), "all", "se", SE(svymean(~api00, dl)))
  emit_by(paste0("lonely_by_", opt), svyby(~api00, ~sch.wide, dl, svymean))
}
options(survey.lonely.psu = "fail")
writeLines(c("case,domain,quantity,value", rows), file.path(out, "r_results.csv"))
"""


@pytest.fixture(scope="module")
def r_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip(
            "Rscript not found: install r-base-core and r-cran-survey to compare with R's survey package"
        )
    out = tmp_path_factory.mktemp("r_survey")
    script = out / "reference.R"
    script.write_text(R_SCRIPT, encoding="utf-8")
    proc = subprocess.run([rscript, str(script), str(out)], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 and "there is no package called" in proc.stderr:
        pytest.skip("R package 'survey' is not installed (Debian: r-cran-survey)")
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def r(r_run: Path) -> pd.DataFrame:
    return pd.read_csv(r_run / "r_results.csv", dtype={"domain": str}, keep_default_na=False)


def ref(r: pd.DataFrame, case: str, quantity: str, domain: str | None = None) -> np.ndarray:
    sel = (r["case"] == case) & (r["quantity"] == quantity)
    if domain is not None:
        sel &= r["domain"] == domain
    values = r.loc[sel, "value"].astype(float).to_numpy()
    assert values.size, f"R gave no {quantity} for {case} {domain or ''}"
    return values


def by_ref(r: pd.DataFrame, case: str, quantity: str, domains: list) -> np.ndarray:
    return np.concatenate([ref(r, case, quantity, str(d)) for d in domains])


def check(ours: np.ndarray, theirs: np.ndarray) -> None:
    np.testing.assert_allclose(np.asarray(ours, dtype=float), theirs, rtol=RTOL, atol=0)


def check_table(est, r: pd.DataFrame, case: str, *, deff: bool = True) -> None:
    if est.domain[0] is None:
        get = lambda q: ref(r, case, q)  # noqa: E731
    else:
        doms = list(est.domain)
        get = lambda q: by_ref(r, case, q, doms)  # noqa: E731
    check(est.estimate, get("estimate"))
    check(est.se, get("se"))
    check(est.ci_low, get("ci_low"))
    check(est.ci_high, get("ci_high"))
    if deff:
        check(est.deff, get("deff"))


@pytest.fixture(scope="module")
def apistrat(r_run: Path) -> pd.DataFrame:
    return pd.read_csv(r_run / "apistrat.csv")


@pytest.fixture(scope="module")
def apiclus1(r_run: Path) -> pd.DataFrame:
    return pd.read_csv(r_run / "apiclus1.csv")


@pytest.fixture(scope="module")
def apiclus2(r_run: Path) -> pd.DataFrame:
    return pd.read_csv(r_run / "apiclus2.csv")


@pytest.fixture(scope="module")
def dstrat(apistrat: pd.DataFrame) -> Design:
    return Design.from_frame(apistrat, strata="stype", weights="pw", fpc="fpc")


@pytest.fixture(scope="module")
def dclus1(apiclus1: pd.DataFrame) -> Design:
    return Design.from_frame(apiclus1, psu="dnum", weights="pw", fpc="fpc")


@pytest.fixture(scope="module")
def dclus2(apiclus2: pd.DataFrame) -> Design:
    return Design.from_frame(apiclus2, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])


POP_TYPES = {"E": 4421, "H": 755, "M": 1018}
POP_SCHWIDE = {"No": 1072, "Yes": 5122}


def test_stratified_means_totals_and_deffs_match_r(dstrat: Design, r: pd.DataFrame) -> None:
    # given the stratified sample apistrat (strata=stype, fpc, weights=pw)
    # when we estimate two means, a total and the categories of a factor
    means = survey_mean(dstrat, ["api00", "enroll"])
    replace = survey_mean(dstrat, ["api00", "enroll"], deff="replace")
    total = survey_total(dstrat, "enroll")
    schwide = survey_proportion(dstrat, "sch.wide")
    # then estimates, SEs, Wald intervals and both design-effect definitions equal R's
    check_table(means, r, "strat_mean")
    check(replace.deff, ref(r, "strat_mean_replace", "deff"))
    check_table(total, r, "strat_total")
    assert list(schwide.variable) == ["sch.wide=No", "sch.wide=Yes"]
    check(schwide.estimate, ref(r, "strat_schwide", "estimate"))
    check(schwide.se, ref(r, "strat_schwide", "se"))
    check(schwide.deff, ref(r, "strat_schwide", "deff"))


def test_stratified_domain_means_and_totals_match_svyby(dstrat: Design, r: pd.DataFrame) -> None:
    # given the stratified design
    # when we estimate by school type
    means = survey_by(dstrat, "api00", "stype")
    totals = survey_by(dstrat, "enroll", "stype", stat="total")
    # then every domain equals R's svyby (with deff)
    assert list(means.domain) == ["E", "H", "M"]
    check_table(means, r, "strat_by_stype")
    check_table(totals, r, "strat_total_by_stype")


def test_one_stage_cluster_design_matches_r(dclus1: Design, r: pd.DataFrame) -> None:
    # given apiclus1: districts sampled as clusters, with fpc
    # when we estimate a mean, a total and domain means
    # then they equal R's
    check_table(survey_mean(dclus1, "api00"), r, "clus1_mean")
    check_table(survey_total(dclus1, "enroll"), r, "clus1_total")
    check_table(survey_by(dclus1, "api00", "stype"), r, "clus1_by_stype")


def test_two_stage_design_matches_r_default_multistage_variance(dclus2: Design, r: pd.DataFrame) -> None:
    # given apiclus2: districts then schools, fpc at both stages, weights from the fpc
    # when we estimate (enroll has missing values: left out like na.rm=TRUE)
    mean = survey_mean(dclus2, "api00")
    total = survey_total(dclus2, "enroll")
    by = survey_by(dclus2, "api00", "stype")
    ultimate = survey_mean(dclus2.with_options(ultimate_cluster=True), "api00")
    # then R's default (both stages in the variance) and its ultimate-cluster option agree
    check_table(mean, r, "clus2_mean")
    check_table(total, r, "clus2_total")
    check_table(by, r, "clus2_by_stype")
    check(ultimate.se, ref(r, "clus2_mean_ultimate", "se"))
    assert ultimate.se[0] < mean.se[0]


@pytest.mark.parametrize(
    ("method", "r_method"), [("logit", "logit"), ("wald", "mean"), ("korn-graubard", "beta")]
)
def test_proportion_intervals_match_svyciprop(
    dclus1: Design, dclus2: Design, r: pd.DataFrame, method: str, r_method: str
) -> None:
    # given the cluster designs and a yes/no variable
    # when we estimate the proportion of "Yes" overall and by school type
    overall = survey_proportion(dclus1, "sch.wide", "Yes", ci=method)
    awards = survey_proportion(dclus2, "awards", "Yes", ci=method)
    by = survey_proportion(dclus1, "sch.wide", "Yes", by="stype", ci=method)
    # then the intervals equal svyciprop's (design df of each domain)
    for est, case in [(overall, f"clus1_prop_{r_method}"), (awards, f"clus2_awards_{r_method}")]:
        check(est.estimate, ref(r, case, "estimate"))
        check(est.se, ref(r, case, "se"))
        check(est.ci_low, ref(r, case, "ci_low"))
        check(est.ci_high, ref(r, case, "ci_high"))
    doms = list(by.domain)
    check(by.estimate, by_ref(r, f"clus1_prop_by_{r_method}", "estimate", doms))
    check(by.ci_low, by_ref(r, f"clus1_prop_by_{r_method}", "ci_low", doms))
    check(by.ci_high, by_ref(r, f"clus1_prop_by_{r_method}", "ci_high", doms))


def test_raking_to_two_margins_matches_r(dclus1: Design, r: pd.DataFrame) -> None:
    # given apiclus1 and population counts of school types and of sch.wide
    # when we rake with R's defaults (10 iterations, epsilon 1)
    raked, report = rake(dclus1, {"stype": POP_TYPES, "sch.wide": POP_SCHWIDE})
    # then the weights, estimates and calibrated SEs equal R's rake()
    assert report.converged
    check(raked.weights, ref(r, "rake_weights", "weight"))
    check_table(survey_mean(raked, "api00"), r, "rake_mean")
    check_table(survey_total(raked, "enroll"), r, "rake_total")
    check_table(survey_by(raked, "api00", "stype"), r, "rake_by_stype")
    kg = survey_proportion(raked, "sch.wide", "Yes", by="stype", ci="korn-graubard")
    check(kg.ci_low, by_ref(r, "rake_prop_by_beta", "ci_low", list(kg.domain)))
    check(kg.ci_high, by_ref(r, "rake_prop_by_beta", "ci_high", list(kg.domain)))


def test_post_stratification_matches_r(dclus1: Design, r: pd.DataFrame) -> None:
    # given apiclus1 and the population count of each school type
    # when we post-stratify on stype
    ps = post_stratify(dclus1, "stype", POP_TYPES)
    # then weights and estimates (with residualised SEs) equal R's postStratify()
    check(ps.weights, ref(r, "ps_weights", "weight"))
    check_table(survey_mean(ps, "api00"), r, "ps_mean")
    check_table(survey_total(ps, "enroll"), r, "ps_total")
    check_table(survey_by(ps, "api00", "sch.wide"), r, "ps_by_schwide")


def test_trimming_matches_r_trimweights(dstrat: Design, r: pd.DataFrame) -> None:
    # given apistrat's weights (44.2, 15.1 and 20.4 by school type)
    # when we trim them to [18, 40] until every weight is inside
    trimmed, report = trim_weights(dstrat.weights, lower=18, upper=40)
    # then they equal R's trimWeights(strict=TRUE) and the total is kept
    check(trimmed, ref(r, "trim_weights", "weight"))
    assert trimmed.sum() == pytest.approx(dstrat.weights.sum(), rel=1e-12)
    assert report.n_trimmed == 150


@pytest.mark.parametrize("option", ["certainty", "adjust", "average", "remove"])
def test_lonely_psu_options_match_r(r_run: Path, r: pd.DataFrame, option: str) -> None:
    # given a stratified sample whose stratum "H" holds a single school
    lonely = pd.read_csv(r_run / "lonely.csv")
    design = Design.from_frame(lonely, strata="stype", weights="pw", fpc="fpc", lonely_psu=option)
    # when we estimate with one of R's lonely.psu options
    overall = survey_mean(design, "api00")
    by = survey_by(design, "api00", "sch.wide")
    # then the SE equals R's under the same option
    check(overall.se, ref(r, f"lonely_{option}", "se"))
    check(by.se, by_ref(r, f"lonely_by_{option}", "se", list(by.domain)))


def test_lonely_psu_fails_by_default_like_r(r_run: Path) -> None:
    # given the same sample and R's default option ("fail")
    lonely = pd.read_csv(r_run / "lonely.csv")
    design = Design.from_frame(lonely, strata="stype", weights="pw", fpc="fpc")
    r_message = (r_run / "lonely_fail.txt").read_text().strip()
    # when we estimate
    with pytest.raises(LonelyPSUError) as err:
        survey_mean(design, "api00")
    # then the error names the stratum like R and lists the options
    assert r_message.startswith("Stratum (H) has only one PSU at stage 1")
    assert "Stratum (H) has only one PSU at stage 1" in str(err.value)
    assert "lonely_psu='certainty'" in str(err.value) and "'average'" in str(err.value)
