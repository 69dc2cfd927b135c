"""``duluan survey``: design-based estimates and sample sizes for analysts.

    duluan survey estimate --data FILE.csv --var COL [--var COL2] [--weight W] [--strata S]
        [--psu P[,P2]] [--fpc F[,F2]] [--by DOMAIN] [--stat mean|total] [--level L]
        [--ci wald|logit|korn-graubard] [--conf 0.95] [--lonely-psu fail|certainty|adjust|average]
        [--json]
    duluan survey sample-size --moe 0.05 [--p 0.5] [--deff 1.5] [--population N] [--conf 0.95] [--json]

``estimate`` prints estimates, standard errors, intervals and design effects as a table (or JSON
with ``--json``). With ``--level`` or ``--ci logit|korn-graubard`` it estimates proportions
(of ``COL == LEVEL``, or of 1 in a 0/1 column) with R ``svyciprop``'s intervals; otherwise
means (or totals) with Wald intervals. Bad input (unknown column, text in a numeric column, a
stratum with one PSU) prints a message on standard error and exits with code 2. A thin adapter
over :mod:`duluan.stats`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

EXIT_BAD_INPUT = 2
MSG_CANNOT_READ = "Không đọc được tệp {path}: {why}"
MSG_UNKNOWN_COLUMNS = "Không có cột {missing} trong {path}. Các cột hiện có: {available}"
MSG_NON_NUMERIC = (
    "Cột {variable!r} phải là số: dòng dữ liệu {row} (dòng {line} của tệp) có giá trị {value!r}. "
    "Hãy sửa giá trị đó, để trống nếu thiếu, hoặc dùng --level để tính tỉ lệ."
)
MSG_NOT_BINARY = (
    "Khoảng tin cậy {ci} dành cho tỉ lệ: cột {variable!r} không phải 0/1; hãy thêm --level GIÁ_TRỊ "
    "để tính tỉ lệ câu trả lời bằng GIÁ_TRỊ."
)
MSG_ERROR = "Lỗi: {error}"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "survey",
        help="ước lượng khảo sát (sai số chuẩn theo thiết kế) và cỡ mẫu",
        description="Ước lượng trung bình, tổng, tỉ lệ có sai số chuẩn theo thiết kế mẫu; tính cỡ mẫu.",
    )
    sub = parser.add_subparsers(dest="survey_command", metavar="LỆNH")
    est = sub.add_parser(
        "estimate",
        help="ước lượng từ tệp CSV với thiết kế phân tầng, nhiều giai đoạn",
        description=(
            "Ước lượng có sai số chuẩn theo tuyến tính hoá Taylor (đã đối chiếu với gói survey của R)."
        ),
    )
    est.add_argument("--data", required=True, metavar="FILE.csv", help="tệp CSV, mỗi dòng một người trả lời")
    est.add_argument(
        "--var",
        required=True,
        action="append",
        metavar="COL",
        help="biến cần ước lượng (lặp lại hoặc COL1,COL2)",
    )
    est.add_argument("--weight", metavar="W", help="cột trọng số")
    est.add_argument("--strata", metavar="S", help="cột tầng")
    est.add_argument("--psu", metavar="P", help="cột đơn vị mẫu cấp 1 (P1,P2 cho nhiều giai đoạn)")
    est.add_argument("--fpc", metavar="F", help="cột hiệu chỉnh tổng thể hữu hạn (F1,F2 theo giai đoạn)")
    est.add_argument("--nest", action="store_true", help="mã PSU chỉ duy nhất trong từng tầng")
    est.add_argument(
        "--by", metavar="DOMAIN", help="ước lượng theo miền (vd. xã, giới tính); D1,D2 để kết hợp"
    )
    est.add_argument(
        "--stat", choices=("mean", "total"), default="mean", help="trung bình (mặc định) hoặc tổng"
    )
    est.add_argument("--level", metavar="L", help="tính tỉ lệ câu trả lời bằng L")
    est.add_argument(
        "--ci",
        choices=("wald", "logit", "korn-graubard"),
        default=None,
        help="khoảng tin cậy: wald (mặc định), logit hoặc korn-graubard (cho tỉ lệ)",
    )
    est.add_argument("--conf", type=float, default=0.95, help="mức tin cậy (mặc định 0.95)")
    est.add_argument(
        "--lonely-psu",
        choices=("fail", "certainty", "remove", "adjust", "average"),
        default="fail",
        help="tầng chỉ có một PSU: fail (mặc định, như R), certainty, remove, adjust, average",
    )
    est.add_argument(
        "--deff", choices=("srswor", "replace"), default="srswor", help="định nghĩa hiệu ứng thiết kế"
    )
    est.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    est.set_defaults(handler=handle_estimate)

    size = sub.add_parser(
        "sample-size",
        help="cỡ mẫu cho một tỉ lệ với sai số cho phép",
        description="Cỡ mẫu cho một tỉ lệ: sai số cho phép, hiệu ứng thiết kế, tổng thể hữu hạn.",
    )
    size.add_argument("--moe", type=float, required=True, help="sai số cho phép, vd. 0.05 = ±5 điểm")
    size.add_argument("--p", type=float, default=0.5, help="tỉ lệ dự kiến (mặc định 0.5)")
    size.add_argument("--deff", type=float, default=1.0, help="hiệu ứng thiết kế dự kiến (mặc định 1)")
    size.add_argument("--population", type=int, default=None, help="quy mô tổng thể N (tuỳ chọn)")
    size.add_argument("--conf", type=float, default=0.95, help="mức tin cậy (mặc định 0.95)")
    size.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    size.set_defaults(handler=handle_sample_size)
    parser.set_defaults(handler=lambda args: _help(parser))


def _help(parser: argparse.ArgumentParser) -> int:
    """A bare ``duluan survey``: a usage error, as a bare ``duluan`` is."""
    parser.print_help(sys.stderr)
    return EXIT_BAD_INPUT


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def handle_estimate(args: argparse.Namespace) -> int:
    import pandas as pd

    from duluan.stats import (
        Design,
        DesignError,
        NonNumericError,
        survey_by,
        survey_proportion,
    )

    try:
        data = pd.read_csv(args.data, encoding="utf-8-sig")
    except (OSError, ValueError) as error:
        return _fail(MSG_CANNOT_READ.format(path=args.data, why=error))
    variables = [v for chunk in args.var for v in _split(chunk) or []]
    psu = _split(args.psu)
    fpc = _split(args.fpc)
    by = _split(args.by)
    named = [*variables, args.weight, args.strata, *(psu or []), *(fpc or []), *(by or [])]
    missing = [c for c in dict.fromkeys(named) if c is not None and c not in data.columns]
    if missing:
        return _fail(
            MSG_UNKNOWN_COLUMNS.format(
                missing=", ".join(map(repr, missing)),
                path=args.data,
                available=", ".join(map(str, data.columns)),
            )
        )
    proportion = args.level is not None or args.ci in ("logit", "korn-graubard")
    try:
        design = Design.from_frame(
            data,
            psu=None if psu is None else (psu[0] if len(psu) == 1 else psu),
            strata=args.strata,
            weights=args.weight,
            fpc=None if fpc is None else (fpc[0] if len(fpc) == 1 else fpc),
            nest=args.nest,
            lonely_psu=args.lonely_psu,
        )
        domain = None if by is None else (by[0] if len(by) == 1 else by)
        if proportion:
            tables = []
            for variable in variables:
                level: Any = args.level
                if level is None:
                    values = pd.Series(data[variable]).dropna()
                    if not set(pd.unique(values)).issubset({0, 1}):
                        return _fail(MSG_NOT_BINARY.format(ci=args.ci, variable=variable))
                else:
                    level = _match_level(data[variable], level)
                tables.append(
                    survey_proportion(
                        design,
                        variable,
                        level,
                        by=domain,
                        ci=args.ci or "logit",
                        conf=args.conf,
                        deff=args.deff,
                    )
                )
            records = [r for t in tables for r in t.to_records()]
            statistic = "proportion"
        else:
            est = survey_by(design, variables, domain, stat=args.stat, conf=args.conf, deff=args.deff)
            records = est.to_records()
            statistic = args.stat
    except NonNumericError as error:
        return _fail(
            MSG_NON_NUMERIC.format(
                variable=error.variable, row=error.row, line=error.row + 1, value=error.value
            )
        )
    except (DesignError, ValueError) as error:
        return _fail(MSG_ERROR.format(error=error))

    if args.json:
        payload = {
            "statistic": statistic,
            "conf": args.conf,
            "design": {
                "data": args.data,
                "rows": len(data),
                "weight": args.weight,
                "strata": args.strata,
                "psu": psu,
                "fpc": fpc,
                "by": by,
                "lonely_psu": args.lonely_psu,
                "degrees_of_freedom": design.degf(),
            },
            "estimates": records,
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_table(records, statistic, args.conf, design.degf(), len(data))
    return 0


def _match_level(column: Any, level: str) -> Any:
    """The answer value equal to ``--level`` (which argparse gives as text)."""
    for value in column.dropna().unique():
        if str(value) == level:
            return value
        try:
            if float(value) == float(level):
                return value
        except (TypeError, ValueError):
            continue
    return level


def _print_table(records: list[dict[str, Any]], statistic: str, conf: float, degf: int, rows: int) -> None:
    pct = f"{conf * 100:g}%"
    header = ["biến/variable", "miền/domain", statistic, "SE", f"CI {pct} thấp", f"CI {pct} cao", "deff", "n"]
    lines = []
    for r in records:
        lines.append(
            [
                str(r["variable"]),
                "" if r["domain"] is None else str(r["domain"]),
                _num(r["estimate"]),
                _num(r["se"]),
                _num(r["ci_low"]),
                _num(r["ci_high"]),
                _num(r["deff"], 3),
                str(r["n"]),
            ]
        )
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    print(f"{rows} dòng, bậc tự do thiết kế {degf}")
    print("  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))))
    for line in lines:
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths))))


def _num(value: Any, digits: int = 6) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "NA"
    return f"{value:.{digits}g}"


def handle_sample_size(args: argparse.Namespace) -> int:
    from duluan.stats import sample_size_proportion

    try:
        result = sample_size_proportion(
            args.moe, p=args.p, deff=args.deff, population=args.population, conf=args.conf
        )
    except ValueError as error:
        return _fail(MSG_ERROR.format(error=error))
    if args.json:
        print(json.dumps(result.__dict__, ensure_ascii=False, indent=2))
        return 0
    print(f"Cỡ mẫu cần thiết: {result.n}")
    print(f"  mẫu ngẫu nhiên đơn (z² p(1-p)/e²): {result.n_srs:.1f}")
    print(f"  × hiệu ứng thiết kế {result.deff:g}: {result.n_deff:.1f}")
    if result.n_fpc is not None:
        print(f"  hiệu chỉnh tổng thể hữu hạn N={result.population}: {result.n_fpc:.1f}")
        print(
            f"  (so sánh: công thức Yamane N/(1+N e²) = {result.yamane}, chỉ đúng cho mẫu ngẫu nhiên đơn 95%)"
        )
    return 0


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT
