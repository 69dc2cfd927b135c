"""Demo routing rules, handling officials and 48 cases across states and kinds.

Cases are placed in real Bắc Ninh communes — some in pre-2025 Bắc Giang communes, routed through
the succession table — and taken through the workflow with back-dated steps, so the lists show
overdue cases and the performance page shows real figures. Idempotent: rules are identified by
name, users by username, cases by ``source_ref`` (``demo-NN``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from duluan.adminunits import PRE2025, SCHEME_2025
from duluan.apps.accounts.demo import DEMO_PASSWORD
from duluan.apps.accounts.models import Agency, Role, User
from duluan.apps.accounts.services import user_upsert
from duluan.apps.audit.services import audit_record
from duluan.apps.geo.models import AdminUnit

from .models import Case, DeadlinePolicy, Kind, LeadMode, RoutingRule, Status
from .services import ACTIONS, case_open_from_submission

# name, topic, kind, level, unit (scheme, code), lead mode, lead agency code, partners, policy, priority
RULES = [
    (
        "Môi trường → Sở Nông nghiệp và Môi trường",
        "environment",
        "",
        "",
        None,
        LeadMode.AGENCY,
        "bn-so-nn-mt",
        [],
        0,
    ),
    (
        "Đất đai → Sở Nông nghiệp và Môi trường",
        "land",
        "",
        "",
        None,
        LeadMode.AGENCY,
        "bn-so-nn-mt",
        ["bn-so-xay-dung"],
        0,
    ),
    (
        "Đất đai tại phường Bắc Giang → UBND phường (kể cả các phường cũ của TP Bắc Giang)",
        "land",
        "",
        "",
        (SCHEME_2025, "07210"),
        LeadMode.LOCAL,
        "bn-so-nn-mt",
        ["bn-so-nn-mt"],
        0,
    ),
    ("Y tế → Sở Y tế", "health", "", "", None, LeadMode.AGENCY, "bn-so-y-te", [], 0),
    (
        "Xây dựng, trật tự đô thị → Sở Xây dựng",
        "construction",
        "",
        "",
        None,
        LeadMode.AGENCY,
        "bn-so-xay-dung",
        [],
        0,
    ),
    (
        "Thủ tục hành chính → UBND xã, phường nơi phát sinh",
        "admin_procedures",
        "",
        "commune",
        None,
        LeadMode.LOCAL,
        "bn-vp-ubnd",
        [],
        0,
    ),
    (
        "Tố cáo cán bộ → Thanh tra tỉnh",
        "corruption",
        Kind.DENUNCIATION,
        "",
        None,
        LeadMode.AGENCY,
        "bn-thanh-tra",
        [],
        10,
    ),
    ("Mặc định → Văn phòng UBND tỉnh", "", "", "", None, LeadMode.AGENCY, "bn-vp-ubnd", [], 0),
]


def rules_seed() -> int:
    """Create the demo routing rules (by name); returns how many rules are active."""
    for name, topic, kind, level, unit_key, mode, lead, partners, priority in RULES:
        unit = AdminUnit.objects.get(scheme=unit_key[0], code=unit_key[1]) if unit_key else None
        rule, created = RoutingRule.objects.get_or_create(
            name=name,
            defaults={
                "topic": topic,
                "kind": kind,
                "level": level,
                "unit": unit,
                "lead_mode": mode,
                "lead_agency": Agency.objects.get(code=lead),
                "deadline_policy": DeadlinePolicy.STANDARD,
                "priority": priority,
            },
        )
        if created:
            rule.partner_agencies.set(Agency.objects.filter(code__in=partners))
            audit_record(action="routing_rule.create", obj=rule, after={"name": name})
    _link_plan_items()
    return RoutingRule.objects.filter(is_active=True).count()


# The routing rule that serves a coordination-plan item, and that item by plan number and item code
# (the codes duluan/apps/plans/demo.py seeds): item 3.1 of the 2025–2026 plan, "Tiếp nhận, xử lý
# phản ánh về ô nhiễm môi trường làng nghề", led by the same department as the rule. The 2024 Bắc
# Giang plan ended with 2024 and its agencies merged, so current cases serve its continuation.
ENVIRONMENT_RULE = "Môi trường → Sở Nông nghiệp và Môi trường"
ENVIRONMENT_ITEM_CODE = "3.1"


def _link_plan_items() -> None:
    """Point the environment rule at its plan item, found by code, when the plans demo made it.

    Leaves a rule that already points somewhere alone (an official may have chosen another item).
    """
    from duluan.apps.plans.demo import PLAN_2025
    from duluan.apps.plans.models import PlanItem

    rule = RoutingRule.objects.filter(name=ENVIRONMENT_RULE, plan_item__isnull=True).first()
    item = PlanItem.objects.filter(plan__number=PLAN_2025, code=ENVIRONMENT_ITEM_CODE).first()
    if rule is None or item is None:
        return
    RoutingRule.objects.filter(pk=rule.pk).update(plan_item=item)
    audit_record(
        action="routing_rule.update",
        obj=rule,
        before={"plan_item": None},
        after={"plan_item": f"{PLAN_2025} · {item.code}"},
    )


EXTRA_USERS = [
    # username, role, agency, first, last
    ("lanhdao.yte", Role.HEAD, "bn-so-y-te", "Vũ Thị", "Lãnh Đạo Y Tế"),
    ("canbo.yte", Role.OFFICER, "bn-so-y-te", "Đỗ Văn", "Cán Bộ Y Tế"),
    ("lanhdao.xaydung", Role.HEAD, "bn-so-xay-dung", "Ngô Văn", "Lãnh Đạo Xây Dựng"),
    ("canbo.xaydung", Role.OFFICER, "bn-so-xay-dung", "Bùi Thị", "Cán Bộ Xây Dựng"),
    ("lanhdao.thanhtra", Role.HEAD, "bn-thanh-tra", "Đinh Văn", "Chánh Thanh Tra"),
    ("canbo.thanhtra", Role.OFFICER, "bn-thanh-tra", "Lý Thị", "Thanh Tra Viên"),
    ("lanhdao.vpubnd", Role.HEAD, "bn-vp-ubnd", "Trịnh Văn", "Chánh Văn Phòng"),
    ("canbo.vpubnd", Role.OFFICER, "bn-vp-ubnd", "Mai Thị", "Chuyên Viên"),
    ("lanhdao.bacgiang", Role.HEAD, "bn-xa-07210", "Phan Văn", "Chủ Tịch Phường"),
]


def users_seed() -> None:
    for username, role, agency_code, first, last in EXTRA_USERS:
        user_upsert(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            agency=Agency.objects.get(code=agency_code),
            first_name=first,
            last_name=last,
            email=f"{username}@duluan.invalid",
        )
    # The chief inspector is the designated role who may unseal a denouncer's identity.
    chief = User.objects.get(username="lanhdao.thanhtra")
    permission = Permission.objects.get(content_type__app_label="cases", codename="reveal_denouncer")
    if not chief.user_permissions.filter(pk=permission.pk).exists():
        chief.user_permissions.add(permission)
        audit_record(
            action="user.grant_permission", obj=chief, after={"permission": "cases.reveal_denouncer"}
        )


def _staff(agency: Agency) -> tuple[User, User]:
    """An officer and a head of ``agency``, created for the demo when it has none."""
    officer = User.objects.filter(agency=agency, role=Role.OFFICER).order_by("pk").first()
    head = User.objects.filter(agency=agency, role=Role.HEAD).order_by("pk").first()
    if officer is None:
        officer, _ = user_upsert(
            username=f"canbo.{agency.code}",
            password=DEMO_PASSWORD,
            role=Role.OFFICER,
            agency=agency,
            first_name="Cán bộ",
        )
    if head is None:
        head, _ = user_upsert(
            username=f"lanhdao.{agency.code}",
            password=DEMO_PASSWORD,
            role=Role.HEAD,
            agency=agency,
            first_name="Lãnh đạo",
        )
    return officer, head


@dataclass(frozen=True)
class Story:
    topic: str
    kind: str
    title: str
    text: str


STORIES = [
    Story(
        "environment",
        Kind.FEEDBACK,
        "Khói bụi từ lò đốt rác thải gần khu dân cư",
        (
            "Lò đốt rác thải của thôn đốt vào buổi tối, khói bụi bay vào nhà dân gây khó thở. Đề nghị kiểm "
            "tra ô nhiễm không khí và di dời lò đốt."
        ),
    ),
    Story(
        "environment",
        Kind.FEEDBACK,
        "Nước thải xả ra kênh tưới tiêu có mùi hôi",
        (
            "Một cơ sở sản xuất xả nước thải chưa qua xử lý ra kênh tưới tiêu, nước đen và bốc mùi hôi, cá "
            "chết hàng loạt. Đề nghị kiểm tra nguồn xả thải."
        ),
    ),
    Story(
        "land",
        Kind.COMPLAINT1,
        "Khiếu nại mức bồi thường khi thu hồi đất nông nghiệp",
        (
            "Gia đình tôi bị thu hồi 360 m2 đất nông nghiệp cho dự án khu công nghiệp nhưng mức bồi thường "
            "thấp hơn giá đất thị trường. Đề nghị xem xét lại phương án bồi thường."
        ),
    ),
    Story(
        "land",
        Kind.FEEDBACK,
        "Chậm cấp giấy chứng nhận quyền sử dụng đất",
        (
            "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất nộp từ đầu năm đến nay chưa được giải quyết, không "
            "được thông báo lý do. Đề nghị cho biết tiến độ cấp giấy chứng nhận."
        ),
    ),
    Story(
        "land",
        Kind.COMPLAINT2,
        "Khiếu nại lần hai quyết định giải quyết bồi thường đất",
        (
            "Không đồng ý với quyết định giải quyết khiếu nại lần đầu về bồi thường đất nông nghiệp, "
            "tôi đề nghị xem xét lại giá đất bồi thường và hỗ trợ chuyển đổi nghề."
        ),
    ),
    Story(
        "health",
        Kind.FEEDBACK,
        "Trạm y tế xã thiếu thuốc điều trị bệnh mạn tính",
        (
            "Người bệnh tăng huyết áp đến trạm y tế xã nhiều lần không được cấp thuốc bảo hiểm y tế, phải "
            "tự mua thuốc ngoài. Đề nghị bổ sung thuốc điều trị."
        ),
    ),
    Story(
        "health",
        Kind.COMPLAINT1,
        "Khiếu nại thái độ phục vụ tại bệnh viện đa khoa",
        (
            "Người nhà bệnh nhân bị nhân viên bệnh viện đa khoa quát mắng, chờ khám bệnh hơn năm giờ. Đề "
            "nghị chấn chỉnh thái độ phục vụ người bệnh."
        ),
    ),
    Story(
        "construction",
        Kind.FEEDBACK,
        "Công trình xây dựng lấn chiếm vỉa hè",
        (
            "Một công trình xây dựng nhà ở đổ vật liệu và dựng lán lấn chiếm vỉa hè, người đi bộ phải xuống "
            "lòng đường. Đề nghị xử lý vi phạm trật tự xây dựng."
        ),
    ),
    Story(
        "construction",
        Kind.COMPLAINT1,
        "Khiếu nại quyết định xử phạt vi phạm trật tự xây dựng",
        (
            "Tôi bị xử phạt vì xây dựng sai giấy phép nhưng phần mở rộng là mái che tạm, không phải công "
            "trình. Đề nghị xem xét lại quyết định xử phạt."
        ),
    ),
    Story(
        "admin_procedures",
        Kind.FEEDBACK,
        "Bộ phận một cửa hẹn trả kết quả chứng thực nhiều lần",
        (
            "Tôi nộp hồ sơ chứng thực tại bộ phận một cửa của xã, đã quá hạn trả kết quả ba lần mà chưa "
            "nhận được. Đề nghị giải quyết thủ tục chứng thực."
        ),
    ),
    Story(
        "admin_procedures",
        Kind.FEEDBACK,
        "Khó khăn khi nộp hồ sơ trực tuyến đăng ký hộ kinh doanh",
        (
            "Cổng dịch vụ công báo lỗi khi nộp hồ sơ trực tuyến đăng ký hộ kinh doanh, cán bộ yêu cầu nộp "
            "lại bản giấy. Đề nghị hướng dẫn thủ tục đăng ký hộ kinh doanh."
        ),
    ),
    Story(
        "corruption",
        Kind.DENUNCIATION,
        "Tố cáo cán bộ địa chính nhận tiền khi làm hồ sơ đất",
        (
            "Cán bộ địa chính yêu cầu người dân nộp thêm tiền ngoài quy định mới nhận hồ sơ chuyển mục đích "
            "sử dụng đất. Tôi có ghi âm cuộc trao đổi."
        ),
    ),
    Story(
        "transport",
        Kind.FEEDBACK,
        "Đường liên thôn xuống cấp, nhiều ổ gà",
        (
            "Tuyến đường liên thôn xuống cấp nghiêm trọng, nhiều ổ gà sâu, trời mưa ngập nước gây tai nạn "
            "giao thông. Đề nghị sửa chữa đường liên thôn."
        ),
    ),
    Story(
        "utilities",
        Kind.FEEDBACK,
        "Mất điện kéo dài không thông báo trước",
        (
            "Khu dân cư bị mất điện nhiều giờ liền trong ngày nắng nóng mà không được thông báo trước lịch "
            "cắt điện. Đề nghị thông báo lịch cắt điện."
        ),
    ),
]

# (state to reach, days ago received, late?) — 48 cases
PLAN = (
    [("received", d, False) for d in (1, 2, 3, 4, 5, 6)]
    + [("received", d, False) for d in (25, 30, 40)]  # never accepted: overdue
    + [("declined", d, False) for d in (20, 35)]
    + [("accepted", d, False) for d in (8, 12, 15)]
    + [("assigned", d, False) for d in (10, 14, 18)]
    + [("in_progress", d, False) for d in (20, 26, 75, 90, 110, 130)]
    + [("drafted", d, False) for d in (28, 33, 45)]
    + [("approved", d, False) for d in (30, 38)]
    + [("published", d, late) for d, late in ((35, False), (44, False), (52, False), (60, True), (65, False))]
    + [
        ("closed", d, late)
        for d, late in (
            (40, False),
            (48, False),
            (55, False),
            (62, False),
            (70, False),
            (78, True),
            (85, False),
            (92, False),
            (100, True),
            (115, False),
            (125, False),
            (140, True),
        )
    ]
    + [("reopened", 58, False)]
    + [("merged", 9, False), ("merged", 16, False)]
)

RATINGS = [5, 4, 5, 3, 4, 2, 5, 4, 1, 4, 5, 3]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang"]


def _communes() -> tuple[list[AdminUnit], list[AdminUnit]]:
    """Real communes: 2025 Bắc Ninh ones, and pre-2025 Bắc Giang ones (routed via succession)."""
    new = list(
        AdminUnit.objects.filter(scheme=SCHEME_2025, level="commune", province_code="24").order_by("code")
    )
    old = list(AdminUnit.objects.filter(scheme=PRE2025, level="commune", province_code="24").order_by("code"))
    rng = random.Random(7)
    return rng.sample(new, 14), rng.sample(old, 8)


def _response(case: Case, agency: Agency) -> str:
    return (
        f"Trả lời hồ sơ {case.code} về việc “{case.title}”: {agency.name} đã chủ trì, phối hợp "
        "với chính quyền địa phương kiểm tra thực tế, làm việc với các bên liên quan và xác định nội dung "
        "phản ánh là có cơ sở. Cơ quan đã yêu cầu khắc phục trong thời hạn 15 ngày, giao cán bộ theo dõi "
        "và sẽ thông báo kết quả kiểm tra lại cho người dân."
    )


NO_EVIDENCE = "Biên bản kiểm tra có thông tin cá nhân của các bên nên lưu tại cơ quan, không đăng công khai."


def _advance(
    case: Case, target: str, *, received, late: bool, rng: random.Random, rating: int | None
) -> None:
    officer, head = _staff(case.lead_agency)
    at = received
    now = timezone.now()

    def step(days: float):
        nonlocal at
        at = min(at + timedelta(days=days, hours=rng.randint(1, 6)), now - timedelta(minutes=5))
        return at

    def do(name: str, actor, **params):
        nonlocal case
        case = ACTIONS[name].execute(case=case, actor=actor, now=at, **params)

    if target == "received":
        return
    if target == "declined":
        step(3)
        do(
            "decline",
            officer,
            decline_reason="not_competent",
            reason="Nội dung thuộc thẩm quyền của Tòa án nhân dân; đã hướng dẫn người gửi.",
        )
        return
    step(rng.randint(1, 6))
    do("accept", officer)
    if target == "accepted":
        return
    step(1)
    do("assign", head if head else officer, assignee=officer)
    if target == "assigned":
        return
    step(1)
    do("start", officer)
    if target == "in_progress":
        return
    # late answers come after the resolve-by date; on-time ones well before it
    if late and case.resolve_due:
        gap = (case.resolve_due - timezone.localdate(at)).days + rng.randint(3, 9)
    else:
        gap = rng.randint(5, 15)
    step(max(gap - 2, 1))
    do("draft", officer, response_text=_response(case, case.lead_agency), no_evidence_reason=NO_EVIDENCE)
    if target == "drafted":
        return
    step(1)
    do("approve", head)
    if target == "approved":
        return
    step(1)
    do("publish", officer)
    if target == "published":
        return
    step(rng.randint(2, 6))
    if target == "reopened":
        ACTIONS["citizen_feedback"].execute(
            case=case,
            now=at,
            resolved=False,
            satisfaction=2,
            reason="Cơ sở vẫn tiếp tục vi phạm sau khi có trả lời.",
        )
        return
    ACTIONS["citizen_feedback"].execute(case=case, now=at, resolved=True, satisfaction=rating or 4)


def seed(*, progress=print) -> str:
    progress("Đang tạo quy tắc phân luồng và hồ sơ mẫu…")
    with transaction.atomic():
        rules = rules_seed()
        users_seed()
    new, old = _communes()
    rng = random.Random(2026)
    now = timezone.now()
    made = 0
    ratings = iter(RATINGS)
    for i, (target, days_ago, late) in enumerate(PLAN, start=1):
        ref = f"demo-{i:02d}"
        rating = next(ratings) if target == "closed" else None
        if Case.objects.filter(source_ref=ref).exists():
            continue
        story = STORIES[i % len(STORIES)]
        if target == "merged" or (target in ("published", "closed") and i % 3):
            # most answered cases go to one department, so its figures are past "few cases"
            story = STORIES[i % 2] if target != "merged" else STORIES[0]
        unit = old[i % len(old)] if i % 4 == 0 else new[i % len(new)]
        if story.topic == "admin_procedures" and i % 2:
            unit = AdminUnit.objects.get(scheme=SCHEME_2025, code="07210")  # canbo.bacgiang's ward
        received = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
        with transaction.atomic():
            case = case_open_from_submission(
                title=story.title,
                description=story.text,
                kind=story.kind,
                topic=story.topic,
                unit=unit,
                channel=rng.choice(["web", "web", "hotline", "reception", "open311"]),
                complainant={
                    "name": NAMES[i % len(NAMES)],
                    "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
                    "email": f"nguoidan{i}@example.invalid",
                    "address": f"Số {i}, {unit.name}",
                },
                received_at=received,
                source_ref=ref,
            )
            if target == "merged":
                original = Case.objects.filter(source_ref="demo-01").first()
                if original is not None and original.status != Status.MERGED:
                    _officer, head = _staff(case.lead_agency)
                    ACTIONS["merge"].execute(
                        case=case,
                        actor=head,
                        now=received + timedelta(hours=2),
                        target=original,
                        reason="Cùng nội dung, cùng địa điểm với hồ sơ đã tiếp nhận.",
                    )
            else:
                _advance(case, target, received=received, late=late, rng=rng, rating=rating)
        made += 1
    total = Case.objects.count()
    return f"Hồ sơ: {total} hồ sơ mẫu ({made} mới), {rules} quy tắc phân luồng."
