"""``duluan deadline``: print a legal deadline and why.

    duluan deadline --kind complaint1 --from 2026-02-10 [--step accept|resolve] [--remote] [--complex]

Prints the due date (ISO) on the first line and the explanation on the next. Bad input (an
impossible date, an unknown kind or step) prints a Vietnamese message naming the bad value on
standard error and exits with code 2. A thin adapter over :func:`duluan.calendar.compute_deadline`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_BAD_INPUT = 2
MSG_MISSING = "Thiếu tham số bắt buộc {option}."
MSG_CANNOT_READ = "Không đọc được tệp {path}: {why}"
MSG_BAD_EXTENSIONS = "Số lần gia hạn không hợp lệ: {value!r}."


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "deadline",
        help="tính hạn xử lý theo thời hạn pháp định",
        description=(
            "Tính hạn xử lý (thụ lý hoặc giải quyết) theo thời hạn pháp định, không tính ngày bắt đầu, "
            "bỏ qua ngày nghỉ lễ, Tết và ngày nghỉ cuối tuần, kèm giải thích và căn cứ pháp lý."
        ),
    )
    parser.add_argument(
        "--kind",
        metavar="KIND",
        help="loại việc: feedback (phản ánh, kiến nghị), complaint1 (khiếu nại lần đầu), "
        "complaint2 (khiếu nại lần hai), denunciation (tố cáo)",
    )
    parser.add_argument(
        "--from",
        dest="start",
        metavar="YYYY-MM-DD",
        help="ngày bắt đầu tính: ngày nhận (accept) hoặc ngày thụ lý (resolve); không tính ngày này",
    )
    parser.add_argument(
        "--step",
        default="resolve",
        metavar="STEP",
        help="accept (thụ lý) hoặc resolve (giải quyết); mặc định resolve",
    )
    parser.add_argument("--remote", action="store_true", help="vùng sâu, vùng xa đi lại khó khăn")
    parser.add_argument("--complex", action="store_true", help="vụ việc phức tạp")
    parser.add_argument("--extensions", default="0", metavar="N", help="số lần gia hạn (tố cáo: tối đa 2)")
    parser.add_argument("--lang", choices=("vi", "en", "both"), default="vi", help="ngôn ngữ giải thích")
    parser.add_argument("--json", action="store_true", help="in toàn bộ kết quả dạng JSON")
    parser.add_argument("--limits", metavar="PATH", help="tệp JSON quy tắc thời hạn thay cho tệp mặc định")
    parser.add_argument("--overrides", metavar="PATH", help="tệp JSON ngày nghỉ/ngày làm việc của địa phương")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from duluan.calendar import CalendarError, WorkCalendar, compute_deadline, load_limits, load_overrides

    for option, value in (("--kind", args.kind), ("--from", args.start)):
        if not value:
            return _fail(MSG_MISSING.format(option=option))
    try:
        extensions = int(args.extensions)
    except ValueError:
        return _fail(MSG_BAD_EXTENSIONS.format(value=args.extensions))
    try:
        limits = load_limits(args.limits) if args.limits else None
    except (OSError, ValueError) as error:
        return _fail(MSG_CANNOT_READ.format(path=args.limits, why=error))
    try:
        calendar = WorkCalendar(load_overrides(args.overrides)) if args.overrides else None
    except (OSError, ValueError) as error:
        return _fail(MSG_CANNOT_READ.format(path=args.overrides, why=error))
    try:
        deadline = compute_deadline(
            kind=args.kind,
            step=args.step,
            start=args.start,
            remote=args.remote,
            complex=args.complex,
            extensions=extensions,
            calendar=calendar,
            limits=limits,
        )
    except CalendarError as error:
        return _fail(str(error))

    if args.json:
        print(json.dumps(deadline.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(deadline.due.isoformat())
    if args.lang in ("vi", "both"):
        print(deadline.explanation_vi)
    if args.lang in ("en", "both"):
        print(deadline.explanation_en)
    return 0


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT
