"""Benchmark: domain means with design-based SEs, ours against R's ``survey`` (svyby).

    .venv/bin/python bench/bench_survey.py [--rows 1000000] [--items 30] [--domains 100]
        [--r-rows N] [--no-r] [--seed 2026]

Synthetic, seeded data shaped like a provincial satisfaction survey: strata, PSUs (villages)
nested in domains (communes), unequal weights and 5-point items. We time
:func:`duluan.stats.survey_by` for all items × all domains in one call, and R's
``svyby(~i1+…+i30, ~domain, design, svymean)`` on the same data (passed to R as raw binary
columns, so parsing CSV is not timed for either side). If R is run on fewer rows
(``--r-rows``), we are timed at that size too, and both sizes are printed. The maximum relative
difference of estimates and SEs between the two is printed for the size R ran.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from duluan.stats import Design, survey_by

R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; n <- as.integer(args[2]); items <- as.integer(args[3])
rd <- function(name, what = "double") {
  readBin(file.path(dir, paste0(name, ".bin")), what, n = n, size = if (what == "integer") 4 else 8)
}
df <- data.frame(stratum = rd("stratum", "integer"), psu = rd("psu", "integer"),
                 dom = rd("domain", "integer"), w = rd("w"))
for (j in seq_len(items)) df[[paste0("i", j)]] <- rd(paste0("i", j))
t0 <- proc.time()[["elapsed"]]
d <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, data = df)
t1 <- proc.time()[["elapsed"]]
f <- as.formula(paste("~", paste0("i", seq_len(items), collapse = "+")))
b <- svyby(f, ~dom, d, svymean)
t2 <- proc.time()[["elapsed"]]
# rows = domains (sorted), columns = items
writeBin(as.vector(t(as.matrix(coef(b) |> matrix(ncol = items)))), file.path(dir, "r_est.bin"))
writeBin(as.vector(t(as.matrix(SE(b)))), file.path(dir, "r_se.bin"))
cat(sprintf("%.6f %.6f %d\n", t1 - t0, t2 - t1, nrow(b)))
"""


def synthetic(
    rows: int, items: int, domains: int, psus: int, strata: int, seed: int
) -> dict[str, np.ndarray]:
    """Seeded survey: PSUs nested in communes (domains), communes grouped into strata."""
    rng = np.random.default_rng(seed)
    psu = np.sort(rng.integers(0, psus, rows)).astype(np.int32)
    domain = (psu * domains // psus).astype(np.int32)
    stratum = (domain * strata // domains).astype(np.int32)
    w = rng.uniform(0.5, 3.0, psus)[psu] * rng.uniform(0.8, 1.25, rows)
    commune_effect = rng.normal(0, 0.4, domains)[domain]
    psu_effect = rng.normal(0, 0.3, psus)[psu]
    data = {"stratum": stratum, "psu": psu, "domain": domain, "w": w}
    for j in range(items):
        latent = 3.4 + commune_effect + psu_effect + rng.normal(0, 1.0, rows)
        data[f"i{j + 1}"] = np.clip(np.rint(latent), 1, 5)
    return data


def ours(data: dict[str, np.ndarray], items: int, rows: int) -> tuple[float, float, np.ndarray, np.ndarray]:
    sl = slice(0, rows)
    # the item matrix is the input (like R's data frame): column-major, one column per item
    y = np.empty((rows, items), order="F")
    for j in range(items):
        y[:, j] = data[f"i{j + 1}"][sl]
    t0 = time.perf_counter()
    design = Design.from_arrays(psu=data["psu"][sl], strata=data["stratum"][sl], weights=data["w"][sl])
    t1 = time.perf_counter()
    est = survey_by(design, y, data["domain"][sl])
    t2 = time.perf_counter()
    n_dom = len(est) // items
    # reshape to (domains, items) to match R's layout
    return t1 - t0, t2 - t1, est.estimate.reshape(items, n_dom).T, est.se.reshape(items, n_dom).T


def run_r(
    data: dict[str, np.ndarray], items: int, rows: int, timeout: float
) -> tuple[float, float, np.ndarray, np.ndarray] | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("R: Rscript not found (apt-get install r-base-core r-cran-survey); R not timed")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for name in ["stratum", "psu", "domain"]:
            (data[name][:rows] + 1).astype("<i4").tofile(d / f"{name}.bin")
        data["w"][:rows].astype("<f8").tofile(d / "w.bin")
        for j in range(items):
            data[f"i{j + 1}"][:rows].astype("<f8").tofile(d / f"i{j + 1}.bin")
        (d / "bench.R").write_text(R_SCRIPT)
        try:
            proc = subprocess.run(
                [rscript, str(d / "bench.R"), str(d), str(rows), str(items)],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            print(f"R: gave up after {timeout:.0f} s at {rows:,} rows")
            return None
        if proc.returncode != 0:
            print("R failed:", proc.stderr.strip()[-2000:])
            return None
        design_s, by_s, n_dom = proc.stdout.split()
        est = np.fromfile(d / "r_est.bin", dtype="<f8").reshape(int(n_dom), items)
        se = np.fromfile(d / "r_se.bin", dtype="<f8").reshape(int(n_dom), items)
    return float(design_s), float(by_s), est, se


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="responses (default 1,000,000)")
    parser.add_argument("--items", type=int, default=30, help="5-point items (default 30)")
    parser.add_argument("--domains", type=int, default=100, help="domains, e.g. communes (default 100)")
    parser.add_argument("--psus", type=int, default=2_000, help="PSUs (villages), nested in domains")
    parser.add_argument("--strata", type=int, default=50, help="strata (groups of communes)")
    parser.add_argument("--r-rows", type=int, default=None, help="rows for R (default: same as --rows)")
    parser.add_argument("--r-timeout", type=float, default=1800, help="seconds before giving up on R")
    parser.add_argument("--no-r", action="store_true", help="time only our engine")
    parser.add_argument("--repeat", type=int, default=3, help="our timing: best of N runs")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    r_rows = min(args.r_rows or args.rows, args.rows)
    t = time.perf_counter()
    data = synthetic(args.rows, args.items, args.domains, args.psus, args.strata, args.seed)
    print(
        f"data: {args.rows:,} rows × {args.items} items × {args.domains} domains, {args.psus} PSUs in "
        f"{args.strata} strata (generated in {time.perf_counter() - t:.1f} s, seed {args.seed})"
    )

    sizes = [args.rows] if r_rows == args.rows or args.no_r else [args.rows, r_rows]
    ours_at: dict[int, tuple[float, float, np.ndarray, np.ndarray]] = {}
    for rows in sizes:
        runs = [ours(data, args.items, rows) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r[1])
        ours_at[rows] = best
        print(
            f"ours  @ {rows:>9,} rows: design {best[0]:.3f} s, {args.items} items × {args.domains} domains "
            f"means+SEs {best[1]:.3f} s (best of {args.repeat})"
        )
    if args.no_r:
        return 0
    if shutil.which("Rscript") is None:
        print("R: Rscript not found (apt-get install r-base-core r-cran-survey); R not timed")
        return 0
    result = run_r(data, args.items, r_rows, args.r_timeout)
    if result is None:
        return 1
    r_design, r_by, r_est, r_se = result
    print(f"R     @ {r_rows:>9,} rows: svydesign {r_design:.3f} s, svyby(svymean) {r_by:.3f} s")
    _, our_by, est, se = ours_at[r_rows]
    rel_est = float(np.max(np.abs(est - r_est) / np.abs(r_est)))
    rel_se = float(np.max(np.abs(se - r_se) / np.abs(r_se)))
    print(f"speed-up (estimation step) @ {r_rows:,} rows: {r_by / our_by:.1f}×")
    if r_rows != args.rows:
        print(f"  (R was not run at {args.rows:,} rows; our time there is above)")
    print(f"max relative difference vs R: estimates {rel_est:.2e}, SEs {rel_se:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
