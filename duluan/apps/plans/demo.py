"""Demo coordination plans: Bắc Giang 2024 and its Bắc Ninh 2025–2026 continuation.

The 2024 plan is modelled on the coordination plan between the Bắc Giang People's Committee and
the Provincial Party Propaganda Department signed on 30/01/2024, with the task groups that plan
names. The plan's own number, the sub-items, indicators, figures and reports are illustrative demo
data, not the text of the real documents. Idempotent: plans are found by number, items by code,
indicators by name and reports by (item, agency, date, percent).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from duluan.apps.accounts.models import Agency, User

from . import services
from .models import Plan, PlanItem, ProgressReport, ReportStatus

PLAN_2024 = "15/KHPH-UBND-BTG"
PLAN_2025 = "128/KH-UBND"
DEMO_NOTE = "Dữ liệu mẫu: số, ký hiệu, nhiệm vụ con, chỉ tiêu và số liệu là minh họa."

Y24 = (date(2024, 1, 30), date(2024, 12, 31))

# code, parent, content, lead, partners, start, end, weight, indicators [(name, unit, target, actual)],
# approved reports [(date, percent, narrative)]
ITEMS_2024 = [
    (
        "1",
        None,
        "Thông tin, tuyên truyền nhiệm vụ và kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội",
        "bg-btg",
        ["bg-ubnd"],
        *Y24,
        2,
        [],
        [],
    ),
    (
        "1.1",
        "1",
        "Cung cấp thông tin định kỳ cho báo chí; tổ chức họp báo hằng quý",
        "bg-vp-ubnd",
        ["bg-btg", "bg-so-tt-tt"],
        *Y24,
        1,
        [("Số cuộc họp báo định kỳ", "cuộc", 4, 4)],
        [
            (date(2024, 6, 30), 50, "Tổ chức 02 cuộc họp báo quý I, quý II."),
            (date(2024, 12, 31), 100, "Tổ chức đủ 04 cuộc họp báo định kỳ trong năm."),
        ],
    ),
    (
        "1.2",
        "1",
        "Định hướng báo chí tuyên truyền kết quả tăng trưởng kinh tế, thu hút đầu tư của tỉnh",
        "bg-btg",
        ["bg-so-tt-tt"],
        *Y24,
        2,
        [("Tin, bài trên báo, đài của tỉnh", "tin, bài", 1200, 1350)],
        [
            (date(2024, 6, 30), 55, "Định hướng 6 tháng đầu năm; 640 tin, bài."),
            (date(2024, 12, 31), 100, "Hoàn thành; 1.350 tin, bài trên báo, đài của tỉnh."),
        ],
    ),
    (
        "2",
        None,
        "Thông tin, tuyên truyền về công tác cải cách hành chính",
        "bg-so-noi-vu",
        ["bg-btg"],
        *Y24,
        1,
        [],
        [],
    ),
    (
        "2.1",
        "2",
        "Tuyên truyền kết quả các chỉ số PAR INDEX, SIPAS, PAPI, PCI của tỉnh",
        "bg-so-noi-vu",
        ["bg-btg", "bg-so-tt-tt"],
        *Y24,
        1,
        [],
        [(date(2024, 12, 31), 100, "Đã công bố và tuyên truyền kết quả các chỉ số năm 2023.")],
    ),
    (
        "2.2",
        "2",
        "Tuyên truyền sử dụng dịch vụ công trực tuyến toàn trình",
        "bg-so-tt-tt",
        ["bg-btg"],
        *Y24,
        1,
        [("Tỷ lệ hồ sơ trực tuyến toàn trình", "%", 50, 46)],
        [(date(2024, 12, 31), 90, "Tỷ lệ hồ sơ trực tuyến toàn trình đạt 46%, chưa đạt chỉ tiêu 50%.")],
    ),
    (
        "3",
        None,
        "Tuyên truyền thực hiện Nghị quyết số 233-NQ/TU về sắp xếp đơn vị hành chính cấp huyện "
        "và phát triển đô thị giai đoạn 2022 - 2025",
        "bg-btg",
        ["bg-so-noi-vu", "bg-so-xay-dung"],
        *Y24,
        2,
        [],
        [],
    ),
    (
        "3.1",
        "3",
        "Tuyên truyền chủ trương sắp xếp đơn vị hành chính cấp huyện; nắm bắt tâm tư của Nhân dân",
        "bg-btg",
        ["bg-so-noi-vu"],
        *Y24,
        1,
        [("Hội nghị tuyên truyền, đối thoại", "hội nghị", 20, 24)],
        [(date(2024, 12, 31), 100, "Tổ chức 24 hội nghị; đồng thuận cao.")],
    ),
    (
        "3.2",
        "3",
        "Tuyên truyền phát triển đô thị, nâng loại đô thị",
        "bg-so-xay-dung",
        ["bg-btg"],
        *Y24,
        1,
        [],
        [(date(2024, 12, 31), 100, "Hoàn thành theo kế hoạch.")],
    ),
    (
        "4",
        None,
        "Tuyên truyền thực hiện Kế hoạch số 45-KH/UBND về sắp xếp đơn vị hành chính cấp xã "
        "giai đoạn 2023 - 2025",
        "bg-so-noi-vu",
        ["bg-btg"],
        *Y24,
        2,
        [("Tỷ lệ cử tri đồng ý với phương án sắp xếp", "%", 90, 96.5)],
        [(date(2024, 9, 30), 100, "Lấy ý kiến cử tri hoàn thành; 96,5% đồng ý.")],
    ),
    (
        "5",
        None,
        "Thông tin, tuyên truyền về các dự án, công trình trọng điểm của tỉnh",
        "bg-btg",
        ["bg-so-xay-dung", "bg-so-tn-mt"],
        *Y24,
        1,
        [],
        [(date(2024, 12, 31), 80, "Tuyên truyền giải phóng mặt bằng còn chậm ở một số dự án.")],
    ),
    (
        "6",
        None,
        "Khảo sát dư luận xã hội; đánh giá sự hài lòng của người dân đối với chính quyền cơ sở",
        "bg-btg",
        ["bg-so-noi-vu"],
        *Y24,
        2,
        [],
        [],
    ),
    (
        "6.1",
        "6",
        "Khảo sát dư luận xã hội về các vấn đề được quan tâm",
        "bg-btg",
        ["bg-so-noi-vu"],
        *Y24,
        1,
        [("Số cuộc khảo sát", "cuộc", 2, 2), ("Số phiếu thu về", "phiếu", 1500, 1620)],
        [(date(2024, 12, 31), 100, "Thực hiện 02 cuộc khảo sát, 1.620 phiếu.")],
    ),
    (
        "6.2",
        "6",
        "Đánh giá mức độ hài lòng của người dân đối với chính quyền cơ sở",
        "bg-so-noi-vu",
        ["bg-btg"],
        *Y24,
        1,
        [("Chỉ số hài lòng", "%", 85, 82.4)],
        [(date(2024, 12, 31), 100, "Chỉ số hài lòng đạt 82,4%.")],
    ),
    (
        "7",
        None,
        "Nắm bắt, dự báo tình hình dư luận xã hội",
        "bg-btg",
        ["bg-vp-ubnd", "bg-so-tt-tt"],
        *Y24,
        1,
        [("Báo cáo tình hình dư luận xã hội", "báo cáo", 12, 12)],
        [(date(2024, 12, 31), 100, "Báo cáo định kỳ hằng tháng.")],
    ),
    (
        "8",
        None,
        "Phối hợp giải quyết các vấn đề bức xúc, nổi cộm được dư luận quan tâm",
        "bg-vp-ubnd",
        ["bg-btg", "bg-so-tn-mt"],
        *Y24,
        1,
        [("Tỷ lệ vụ việc bức xúc được giải quyết", "%", 90, 85)],
        [(date(2024, 12, 31), 85, "Còn một số vụ việc đất đai kéo dài.")],
    ),
]

Y25 = (date(2025, 9, 15), date(2026, 12, 31))
ITEMS_2025 = [
    (
        "1",
        None,
        "Thông tin, tuyên truyền về tỉnh Bắc Ninh sau hợp nhất và vận hành chính quyền địa phương hai cấp",
        "bn-btg-dv",
        ["bn-vp-ubnd"],
        *Y25,
        2,
        [],
        [],
    ),
    (
        "1.1",
        "1",
        "Họp báo định kỳ, cung cấp thông tin cho báo chí về hoạt động của UBND tỉnh",
        "bn-vp-ubnd",
        ["bn-btg-dv"],
        *Y25,
        1,
        [("Số cuộc họp báo định kỳ", "cuộc", 6, 5)],
        [
            (date(2026, 6, 30), 60, "Tổ chức 03 cuộc họp báo."),
            (date(2026, 9, 30), 80, "Tổ chức 05 cuộc họp báo."),
        ],
    ),
    (
        "1.2",
        "1",
        "Tuyên truyền hoạt động của chính quyền cấp xã sau sắp xếp",
        "bn-btg-dv",
        ["bn-so-noi-vu"],
        *Y25,
        1,
        [],
        [(date(2026, 9, 30), 85, "Chuyên mục trên báo, đài tỉnh hoạt động thường xuyên.")],
    ),
    (
        "2",
        None,
        "Nắm bắt, dự báo dư luận xã hội về vận hành chính quyền địa phương hai cấp",
        "bn-btg-dv",
        ["bn-so-noi-vu", "bn-cong-an"],
        *Y25,
        2,
        [("Báo cáo dư luận xã hội định kỳ", "báo cáo", 16, 13)],
        [(date(2026, 9, 30), 70, "Báo cáo định kỳ hằng tháng; chậm 01 kỳ.")],
    ),
    (
        "3",
        None,
        "Phối hợp xử lý phản ánh, kiến nghị về đất đai, môi trường",
        "bn-so-nn-mt",
        ["bn-btg-dv", "bn-thanh-tra"],
        *Y25,
        2,
        [],
        [],
    ),
    (
        "3.1",
        "3",
        "Tiếp nhận, xử lý phản ánh về ô nhiễm môi trường làng nghề",
        "bn-so-nn-mt",
        ["bn-btg-dv"],
        *Y25,
        1,
        [("Tỷ lệ phản ánh được xử lý đúng hạn", "%", 95, 88)],
        [(date(2026, 6, 30), 50, "Đã xử lý 88% phản ánh đúng hạn.")],
    ),
    (
        "3.2",
        "3",
        "Tuyên truyền chính sách đất đai theo Luật Đất đai năm 2024",
        "bn-so-nn-mt",
        ["bn-btg-dv"],
        *Y25,
        1,
        [],
        [(date(2026, 6, 30), 40, "Tổ chức hội nghị tuyên truyền tại các xã, phường.")],
    ),
    (
        "4",
        None,
        "Khảo sát sự hài lòng của người dân đối với chính quyền cấp xã sau sắp xếp",
        "bn-btg-dv",
        ["bn-so-noi-vu", "bn-mttq"],
        date(2026, 3, 1),
        date(2026, 11, 30),
        1,
        [("Số phiếu khảo sát", "phiếu", 3000, 2100)],
        [(date(2026, 9, 30), 70, "Đã thu 2.100 phiếu, đang xử lý số liệu.")],
    ),
    (
        "5",
        None,
        "Tuyên truyền sử dụng dịch vụ công trực tuyến và chuyển đổi số",
        "bn-so-kh-cn",
        ["bn-btg-dv"],
        date(2026, 12, 1),
        date(2026, 12, 31),
        1,
        [],
        [],
    ),
]

# A report the officer of Sở Nông nghiệp và Môi trường submitted and a coordinator has not yet decided.
PENDING = (
    "3.2",
    "canbo.nnmt",
    date(2026, 10, 31),
    75,
    "Đã tổ chức 40 hội nghị tuyên truyền Luật Đất đai tại xã, phường.",
)

REVIEW_2024 = {
    "title": "Sơ kết 3 năm thực hiện Quy định số 238-QĐ/TW",
    "reviewed_on": date(2024, 12, 20),
    "basis": "Quy định số 238-QĐ/TW (dữ liệu mẫu: tên và ngày của văn bản chưa được đối chiếu với bản gốc)",
    "findings": (
        "Công tác phối hợp giữa UBND tỉnh và Ban Tuyên giáo Tỉnh ủy được duy trì thường xuyên; "
        "thông tin được cung cấp kịp thời cho báo chí và hệ thống tuyên truyền.\n"
        "Công tác nắm bắt, dự báo dư luận xã hội được thực hiện định kỳ hằng tháng."
    ),
    "shortcomings": (
        "Tuyên truyền giải phóng mặt bằng các dự án trọng điểm và giải quyết một số vụ việc đất đai "
        "kéo dài còn chậm."
    ),
    "recommendations": (
        "Tiếp tục duy trì cơ chế phối hợp sau khi hợp nhất tỉnh; chuyển các nhiệm vụ còn dở dang "
        "sang kế hoạch giai đoạn 2025 - 2026."
    ),
}


def _agencies(codes) -> list[Agency]:
    found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    missing = set(codes) - set(found)
    if missing:
        raise LookupError(f"demo agencies missing: {sorted(missing)} (seed accounts first)")
    return [found[c] for c in codes]


def _plan(*, number, title, year, end_year, signed_on, signers, previous=None, summary="") -> Plan:
    plan = Plan.objects.filter(number=number).first()
    if plan is None:
        plan = services.plan_create(
            number=number,
            title=title,
            year=year,
            end_year=end_year,
            signed_on=signed_on,
            signing_agencies=_agencies(signers),
            previous=previous,
            summary=summary,
            place="Bắc Giang" if year < 2025 else "Bắc Ninh",
        )
    return plan


def _items(plan: Plan, rows) -> int:
    codes = {code for row in rows for code in (row[3], *row[4])}
    agencies = {a.code: a for a in _agencies(sorted(codes))}
    items = {i.code: i for i in PlanItem.objects.filter(plan=plan)}
    made = 0
    for code, parent, content, lead, partners, start, end, weight, indicators, reports in rows:
        item = items.get(code)
        if item is None:
            item = services.item_create(
                plan=plan,
                code=code,
                content=content,
                lead_agency=agencies[lead],
                partner_agencies=[agencies[p] for p in partners],
                parent=items[parent] if parent else None,
                start_on=start,
                end_on=end,
                weight=Decimal(weight),
            )
            items[code] = item
            made += 1
        for name, unit, target, actual in indicators:
            services.indicator_upsert(
                item=item, name=name, unit=unit, target=Decimal(str(target)), actual=Decimal(str(actual))
            )
        for when, percent, narrative in reports:
            if when <= timezone.localdate():
                services.report_record_approved(
                    item=item,
                    agency=agencies[lead],
                    period_end=when,
                    percent=Decimal(percent),
                    narrative=narrative,
                )
    return made


def _pending(plan: Plan) -> int:
    code, username, when, percent, narrative = PENDING
    user = User.objects.filter(username=username).select_related("agency").first()
    item = PlanItem.objects.filter(plan=plan, code=code).first()
    if user is None or item is None:
        return 0
    when = min(when, timezone.localdate())
    exists = ProgressReport.objects.filter(
        item=item, agency=user.agency, period_end=when, percent=percent
    ).exists()
    if exists:
        return 0
    services.report_submit(
        item=item, user=user, period_end=when, percent=Decimal(percent), narrative=narrative
    )
    return 1


@transaction.atomic
def seed(*, progress=print) -> str:
    progress("Đang tạo kế hoạch phối hợp mẫu…")
    plan_2024 = _plan(
        number=PLAN_2024,
        title=(
            "Phối hợp giữa UBND tỉnh và Ban Tuyên giáo Tỉnh ủy trong công tác thông tin, "
            "tuyên truyền năm 2024"
        ),
        year=2024,
        end_year=2024,
        signed_on=date(2024, 1, 30),
        signers=["bg-ubnd", "bg-btg"],
        summary=DEMO_NOTE,
    )
    created = _items(plan_2024, ITEMS_2024)
    services.review_upsert(plan=plan_2024, **REVIEW_2024)
    plan_2025 = _plan(
        number=PLAN_2025,
        title=(
            "Phối hợp giữa UBND tỉnh và Ban Tuyên giáo và Dân vận Tỉnh ủy trong công tác thông tin, "
            "tuyên truyền, nắm bắt dư luận xã hội giai đoạn 2025 - 2026"
        ),
        year=2025,
        end_year=2026,
        signed_on=date(2025, 9, 15),
        signers=["bn-ubnd", "bn-btg-dv"],
        previous=plan_2024,
        summary="Kế tục kế hoạch phối hợp năm 2024 của tỉnh Bắc Giang sau khi hợp nhất vào tỉnh Bắc Ninh. "
        + DEMO_NOTE,
    )
    created += _items(plan_2025, ITEMS_2025)
    pending = _pending(plan_2025)
    reports = ProgressReport.objects.filter(item__plan__in=[plan_2024, plan_2025])
    return (
        f"Kế hoạch: 2 kế hoạch phối hợp, {created} nhiệm vụ mới, "
        f"{reports.filter(status=ReportStatus.APPROVED).count()} báo cáo đã duyệt, "
        f"{pending} báo cáo mới chờ duyệt."
    )
