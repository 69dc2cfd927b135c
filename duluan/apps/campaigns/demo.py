"""Demo campaign: explaining the merger of Bắc Giang into Bắc Ninh (1/7/2025) and the commune
reorganisation, with its outputs, an orientation note for the hot merger issue, and demo signals
so its effect can be measured.

Idempotent: the campaign is found by its title, outputs by their titles, the note by its title,
signals by their external ids (``campaigns-demo-…``). Dates are relative to the first run: the
campaign ran 95 to 51 days before it, so the effect has a before, a during and an after period.

The demo survey round is synthetic too (and the page says so): it asks the campaign's own
questionnaire (``data/nhan_biet_hop_nhat.xlsx``: awareness of the merger and support for it) of a
sample drawn from the surveys demo's synthetic frame, with simulated answers in which people of the
targeted communes more often know of the merger (84 % against 58 %) and support it (70 % against
55 %). Found by its code; skipped when the surveys demo's frame is not there.

The demo signals are synthetic (and say so in ``extra.demo``): in 12 targeted communes the share
of negative signals about the merger falls during and after the campaign more than in 12
comparison communes (drawn with a fixed seed). They go through intake's single write path, so
their sentiment is the analysis engine's reading of the text, not a label set here (each
template below reads the same way with the trained sentiment model and with the fallback rules).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from duluan.adminunits import SCHEME_2025

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TITLE = "Tuyên truyền việc hợp nhất tỉnh Bắc Giang và tỉnh Bắc Ninh, sắp xếp xã, phường"
NOTE_TITLE = "Thông tin định hướng về thủ tục giấy tờ, con dấu sau hợp nhất tỉnh"
SEED = 2026
START_DAYS_AGO, LENGTH_DAYS = 95, 45
TARGETED_N, COMPARISON_N = 12, 12
# (signals per commune: low, high) and P(negative) per period (before, during, after).
VOLUME = {"targeted": [(4, 6), (6, 8), (4, 6)], "comparison": [(4, 6), (4, 6), (4, 6)]}
P_NEGATIVE = {"targeted": [0.72, 0.45, 0.38], "comparison": [0.72, 0.68, 0.66]}
NEGATIVE_TEXTS = [
    "Sau sáp nhập tỉnh, người dân {place} phải đổi địa chỉ trên giấy tờ, thủ tục rườm rà, "
    "đi lại nhiều lần rất bức xúc.",
    "Người dân {place} bức xúc vì trụ sở xã mới sau sắp xếp đơn vị hành chính ở quá xa, đi lại vất vả.",
    "Hồ sơ đổi giấy tờ sau sáp nhập ở {place} bị trả lại nhiều lần, chờ đợi lâu, người dân rất bức xúc.",
    "Sắp xếp đơn vị hành chính xong nhưng {place} chưa hướng dẫn gì, người dân bức xúc vì "
    "không biết nộp hồ sơ ở đâu.",
]
OTHER_TEXTS = [
    "Cảm ơn cán bộ {place} đã hướng dẫn rõ ràng việc đổi giấy tờ sau sáp nhập tỉnh, thủ tục nhanh gọn.",
    "Buổi tuyên truyền ở {place} giải thích dễ hiểu việc sáp nhập tỉnh Bắc Giang vào Bắc Ninh, "
    "người dân đồng tình.",
    "Người dân {place} được hướng dẫn tận tình khi cập nhật địa chỉ sau sáp nhập tỉnh, rất hài lòng.",
    "Người dân {place} cho biết đã nắm được chủ trương sáp nhập tỉnh qua loa truyền thanh, rất đồng tình.",
]
CHANNELS = ["social", "web", "hotline", "voter_meeting", "news"]
OUTPUTS = [
    # channel code, kind, title, day offset from start, planned qty, delivered?, attendance, reach
    (
        "bao-chi",
        "article",
        "Loạt bài “Bắc Ninh sau hợp nhất: những điều người dân cần biết”",
        2,
        5,
        True,
        None,
        48000,
    ),
    (
        "phat-thanh",
        "broadcast",
        "Chuyên mục phát thanh hằng tuần trên loa truyền thanh cơ sở",
        3,
        12,
        True,
        None,
        65000,
    ),
    (
        "cong-thong-tin",
        "article",
        "Chuyên trang hỏi – đáp về đổi giấy tờ sau sắp xếp",
        5,
        1,
        True,
        None,
        21000,
    ),
    ("mang-xa-hoi", "post", "Chuỗi video ngắn hướng dẫn thủ tục đổi địa chỉ", 8, 10, True, None, 152000),
    ("hoi-nghi", "meeting", "Hội nghị đối thoại với Nhân dân phường Bắc Giang", 12, 1, True, 320, None),
    (
        "hoi-nghi",
        "meeting",
        "Tiếp xúc cử tri các xã vùng cao về sắp xếp đơn vị hành chính",
        20,
        6,
        True,
        1150,
        None,
    ),
    ("to-roi-bang-ron", "print", "Tờ rơi hướng dẫn thủ tục sau sáp nhập", 6, 20000, True, None, None),
    ("bao-chi", "article", "Phóng sự tổng kết chiến dịch", 40, 1, False, None, None),
    ("mang-xa-hoi", "post", "Livestream giải đáp cùng lãnh đạo Sở Nội vụ", 35, 1, False, None, None),
]


def _users():
    from duluan.apps.accounts.models import Agency, Role, User
    from duluan.apps.accounts.services import user_upsert

    head = User.objects.filter(username="lanhdao.vpubnd").first()
    if head is None and Agency.objects.filter(code="bn-vp-ubnd").exists():
        # The cases demo makes the same head; made here too so this demo stands alone.
        from duluan.apps.accounts.demo import DEMO_PASSWORD

        head = user_upsert(
            username="lanhdao.vpubnd",
            password=DEMO_PASSWORD,
            role=Role.HEAD,
            agency=Agency.objects.get(code="bn-vp-ubnd"),
            first_name="Trịnh Văn",
            last_name="Chánh Văn Phòng",
        )
        head = head[0] if isinstance(head, tuple) else head
    return {
        "coordinator": User.objects.filter(username="dieuphoi").first(),
        "head": head,
        "reader": User.objects.filter(username="canbo.bacgiang").first(),
    }


def _communes():
    from duluan.apps.geo.models import AdminUnit, Level

    units = list(
        AdminUnit.objects.filter(scheme=SCHEME_2025, level=Level.COMMUNE, province_code="24").order_by("code")
    )
    old_bg = [u for u in units if u.code.startswith("07")]
    old_bn = [u for u in units if not u.code.startswith("07")]
    step_t = max(len(old_bg) // TARGETED_N, 1)
    step_c = max(len(old_bn) // COMPARISON_N, 1)
    targeted = old_bg[::step_t][:TARGETED_N]
    if units and units[0].code == "07210" and units[0] not in targeted:
        targeted[0] = units[0]
    return targeted, old_bn[::step_c][:COMPARISON_N]


def _campaign(today, users):
    from duluan.apps.accounts.models import Agency
    from duluan.apps.geo.models import AdminUnit
    from duluan.apps.plans.models import PlanItem

    from .models import Campaign, Channel
    from .services import campaign_create

    existing = Campaign.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing, False
    targeted, _ = _communes()
    start = today - timedelta(days=START_DAYS_AGO)
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in=["bn-btg-dv", "bn-vp-ubnd", "bn-so-noi-vu"])
    }
    lead = agencies.get("bn-btg-dv") or Agency.objects.order_by("pk").first()
    # One place in the old scheme, to show either scheme works: the pre-2025 Thành phố Bắc Giang.
    old_city = AdminUnit.objects.filter(scheme="pre2025", code="213").first()
    campaign = campaign_create(
        actor=users["coordinator"],
        title=TITLE,
        theme="Chủ trương hợp nhất tỉnh Bắc Giang và tỉnh Bắc Ninh từ 01/07/2025, sắp xếp đơn vị hành chính "
        "cấp xã và vận hành chính quyền địa phương hai cấp",
        objectives="Người dân hiểu chủ trương, biết thủ tục đổi giấy tờ, nơi làm thủ tục mới; "
        "giảm băn khoăn, bức xúc về thủ tục sau sắp xếp.",
        key_messages="Giấy tờ đã cấp vẫn còn giá trị sử dụng, không bắt buộc đổi ngay.\n"
        "Thủ tục hành chính được giải quyết tại trung tâm phục vụ hành chính công xã, phường mới "
        "và trực tuyến.\n"
        "Không thu phí khi điều chỉnh địa chỉ do sắp xếp đơn vị hành chính.",
        audiences="Người dân các xã, phường thuộc tỉnh Bắc Giang cũ\nCán bộ một cửa cấp xã\nDoanh nghiệp",
        topic_codes=["reorganisation"],
        keywords=["sáp nhập", "hợp nhất tỉnh", "sắp xếp đơn vị hành chính", "đổi địa chỉ"],
        target_units=[*targeted, *([old_city] if old_city else [])],
        channels=list(Channel.objects.filter(is_active=True)),
        start_on=start,
        end_on=start + timedelta(days=LENGTH_DAYS - 1),
        lead_agency=lead,
        partner_agencies=[a for c, a in agencies.items() if a != lead],
        plan_item=PlanItem.objects.filter(plan__number="128/KH-UBND", code="1.2").first(),
    )
    return campaign, True


def _outputs(campaign, users, today) -> int:
    from .models import Channel
    from .services import output_create

    channels = {c.code: c for c in Channel.objects.all()}
    existing = set(campaign.outputs.values_list("title", flat=True))
    n = 0
    for code, kind, title, offset, qty, delivered, attendance, reach in OUTPUTS:
        if title in existing or code not in channels:
            continue
        day = campaign.start_on + timedelta(days=offset)
        output_create(
            campaign=campaign,
            actor=users["coordinator"],
            channel=channels[code],
            kind=kind,
            title=title,
            planned_on=day,
            planned_quantity=qty,
            delivered_on=day if delivered and day <= today else None,
            attendance=attendance,
            reach=reach,
            evidence_url=f"https://bacninh.gov.vn/minh-hoa/chien-dich-hop-nhat/{n + 1}" if delivered else "",
            today=today,
        )
        n += 1
    return n


def _signals(campaign, today) -> int:
    from duluan.apps.geo.models import Succession
    from duluan.apps.intake.services import SignalInput, signals_ingest_batch

    targeted, comparison = _communes()
    rng = random.Random(SEED)
    length = timedelta(days=LENGTH_DAYS)
    starts = [campaign.start_on - length, campaign.start_on, campaign.end_on + timedelta(days=1)]
    predecessors = {}
    for s in Succession.objects.filter(new__in=targeted + comparison, old__level="commune").select_related(
        "old"
    ):
        predecessors.setdefault(s.new_id, []).append(s.old)
    items = []
    for group, communes in (("targeted", targeted), ("comparison", comparison)):
        for unit in communes:
            for p in range(3):
                lo, hi = VOLUME[group][p]
                for k in range(rng.randint(lo, hi)):
                    negative = rng.random() < P_NEGATIVE[group][p]
                    day = starts[p] + timedelta(days=rng.randrange(LENGTH_DAYS))
                    if day >= today:
                        continue
                    moment = datetime.combine(day, time(7 + rng.randrange(12), rng.randrange(60)), tzinfo=VN)
                    place = unit
                    # A fifth of the earliest signals name the old (pre-2025) commune, as people still do.
                    if p == 0 and predecessors.get(unit.pk) and rng.random() < 0.2:
                        place = rng.choice(predecessors[unit.pk])
                    text = rng.choice(NEGATIVE_TEXTS if negative else OTHER_TEXTS).format(place=place.name)
                    # Each message is its own (no exact duplicates, which the effect leaves out).
                    text += f" (Ý kiến thôn {rng.randint(1, 15)}, số {len(items) + 1}.)"
                    items.append(
                        SignalInput(
                            channel=rng.choice(CHANNELS),
                            text=text,
                            created_at=moment,
                            external_id=f"campaigns-demo-{unit.code}-{p}-{k}",
                            source="demo-chien-dich",
                            unit=place,
                            topic="reorganisation",
                            extra={"demo": True},
                        )
                    )
    items.sort(key=lambda it: (it.created_at, it.external_id))
    # Only what is not stored yet (intake audits every re-delivery, which a re-seed should not add).
    from duluan.apps.intake.models import Signal

    known = set(
        Signal.objects.filter(external_id__startswith="campaigns-demo-").values_list("external_id", flat=True)
    )
    items = [it for it in items if it.external_id not in known]
    created = []
    for start in range(0, len(items), 200):
        created += signals_ingest_batch(items=items[start : start + 200]).created
    if created:
        from duluan.apps.issues.services import issues_after_ingest

        issues_after_ingest(issue_ids={s.issue_id for s in created}, now=timezone.now(), refresh=False)
    _join_issues()
    return len(created)


DEMO_ISSUE_TITLE = "Ý kiến về hợp nhất tỉnh, sắp xếp xã, phường (dữ liệu mẫu của chiến dịch)"


def _join_issues() -> int:
    """The clusterer splits these months of varied opinions into hundreds of small issues; as an
    official would, merge the ones holding only these demo signals into one (the issues demo does
    the same for its streams). Returns how many were merged."""
    from django.db.models import Count, F, Q

    from duluan.apps.issues.models import Issue
    from duluan.apps.issues.services import issue_merge, issue_rename

    ours = Q(signals__external_id__startswith="campaigns-demo-")
    parts = list(
        Issue.objects.filter(merged_into__isnull=True)
        .annotate(n=Count("signals"), mine=Count("signals", filter=ours))
        .filter(mine__gt=0, n=F("mine"))
        .order_by("-n", "pk")
    )
    if not parts:
        return 0
    main = next((i for i in parts if i.title == DEMO_ISSUE_TITLE), parts[0])
    for other in parts:
        if other.pk != main.pk:
            main = issue_merge(source=other, target=main, reason="Dữ liệu mẫu: ý kiến về cùng một chủ trương")
    if main.title != DEMO_ISSUE_TITLE:
        issue_rename(issue=main, title=DEMO_ISSUE_TITLE, reason="Dữ liệu mẫu")
    return len(parts) - 1


def merger_issue():
    """The issues demo's hot issue about the merger: by its title, else the hottest hot issue on
    the reorganisation topic; ``None`` when there is neither."""
    from duluan.apps.issues.models import HotnessLevel, Issue

    try:
        from duluan.apps.issues.demo import MERGER_TITLE
    except ImportError:  # the issues demo is not there
        MERGER_TITLE = None
    live = Issue.objects.filter(merged_into__isnull=True)
    found = live.filter(title=MERGER_TITLE).order_by("-signal_count", "pk").first() if MERGER_TITLE else None
    return found or (
        live.filter(topic="reorganisation", hotness_level=HotnessLevel.HOT).order_by("-hotness", "pk").first()
    )


def _note(campaign, users, issue) -> tuple[str, bool]:
    from duluan.apps.accounts.models import Agency

    from .models import NoteStatus, OrientationNote
    from .services import note_acknowledge, note_approve, note_create, note_deliver, note_submit

    note = OrientationNote.objects.filter(title=NOTE_TITLE).first()
    coordinator, head, reader = users["coordinator"], users["head"], users["reader"]
    if coordinator is None:
        return "không có tài khoản điều phối viên mẫu", False
    if note is None:
        recipients = list(Agency.objects.filter(code__in=["bn-xa-07210", "bn-btg-dv", "bn-so-noi-vu"]))
        note = note_create(
            actor=coordinator,
            title=NOTE_TITLE,
            issue=issue,
            campaign=campaign,
            facts="Từ 01/07/2025 tỉnh Bắc Giang hợp nhất vào tỉnh Bắc Ninh; cấp huyện kết thúc hoạt động, "
            "các xã, phường được sắp xếp lại. Gần đây phản ánh về thủ tục đổi địa chỉ trên giấy tờ, con dấu "
            "tăng nhanh, nhất là ở phường Bắc Giang.",
            position="Giấy tờ đã cấp tiếp tục có giá trị; việc điều chỉnh địa chỉ chỉ thực hiện khi "
            "người dân có nhu cầu hoặc khi làm thủ tục khác, không thu phí.",
            talking_points="Giấy tờ cũ vẫn dùng được, không phải đổi ngay.\n"
            "Thủ tục làm tại trung tâm phục vụ hành chính công xã, phường hoặc trên Cổng dịch vụ công.\n"
            "Điều chỉnh địa chỉ do sắp xếp đơn vị hành chính không mất phí.",
            avoid="Không nêu thời hạn bắt buộc đổi giấy tờ (không có).\n"
            "Không bình luận về việc bố trí cán bộ chưa có quyết định.",
            recipients=recipients,
        )
    if note.status == NoteStatus.DRAFT:
        note = note_submit(note=note, actor=coordinator)
    if note.status == NoteStatus.SUBMITTED and head is not None:
        note = note_approve(note=note, actor=head)
    if note.status == NoteStatus.APPROVED:
        note = note_deliver(note=note, actor=coordinator)
    if note.status == NoteStatus.DELIVERED and reader is not None and reader.agency_id:
        if note.recipients.filter(pk=reader.agency_id).exists():
            note_acknowledge(note=note, actor=reader)
    linked = note.issue_id is not None
    where = (
        f"gắn với vấn đề #{note.issue_id}"
        if linked
        else "chưa gắn vấn đề (không tìm thấy vấn đề nóng về sáp nhập)"
    )
    return where, linked


SURVEY_ROUND = "nhan-biet-hop-nhat-demo"
SURVEY_ROUND_NAME = "Khảo sát nhận biết, ủng hộ việc hợp nhất tỉnh sau chiến dịch (demo, GIẢ LẬP)"
SURVEY_INDEX = "ung-ho-hop-nhat"
SURVEY_INDEX_DEFINITION = {
    "name": "Tỷ lệ ủng hộ hợp nhất tỉnh, sắp xếp xã",
    "method": "percent_satisfied",
    "scale_min": 1,
    "scale_max": 5,
    "satisfied_min": 4,
    "min_n": 25,
    "subindices": [{"name": "Ủng hộ chủ trương", "items": ["ung_ho"], "weight": 1.0}],
}
# P(knows of the merger), P(supports: 4 or 5) and P(knows the papers stay valid), by group.
P_AWARE = {True: 0.84, False: 0.58}
P_SUPPORT = {True: 0.70, False: 0.55}
P_PAPERS = {True: 0.66, False: 0.35}


def _survey_answers(rng, code: str, targeted: bool, day) -> dict:
    aware = rng.random() < P_AWARE[targeted]
    if rng.random() < 0.04:
        support = "9"
    elif rng.random() < P_SUPPORT[targeted]:
        support = rng.choice(["4", "5"])
    else:
        support = rng.choice(["1", "2", "3", "3"])
    raw = {
        "ma_moi": code,
        "ngay_tra_loi": day.isoformat(),
        "gioi_tinh": "nu" if rng.random() < 0.55 else "nam",
        "nhom_tuoi": rng.choice(["18_29", "30_44", "45_59", "60"]),
        "biet_hop_nhat": "co" if aware else "khong",
        "biet_giay_to": "co" if rng.random() < P_PAPERS[targeted] else "khong",
        "ung_ho": support,
    }
    if aware:
        raw["nguon_thong_tin"] = rng.sample(
            ["loa", "bao_dai", "mang_xa_hoi", "hoi_nghi", "to_roi", "nguoi_than"], 2
        )
    return raw


def _survey_answered(round_, targeted, first, today):
    """Simulated answers of the round's invitees: (invitation, raw answers, when submitted), from
    ``first`` on; 15 % do not answer, and the targeted communes know and support more."""
    from duluan.apps.surveys.models import Invitation, InvitationStatus

    rng = random.Random(SEED + 1)
    for inv in (
        Invitation.objects.filter(round=round_, status=InvitationStatus.PENDING)
        .select_related("village__commune__frame_unit")
        .order_by("pk")
    ):
        if rng.random() >= 0.85:
            continue  # non-response
        day = min(first + timedelta(days=rng.randrange(30)), today)
        is_targeted = inv.village.commune.frame_unit.unit_id in targeted
        raw = _survey_answers(rng, inv.code, is_targeted, day)
        moment = datetime.combine(day, time(8 + rng.randrange(10), rng.randrange(60)), tzinfo=VN)
        yield inv, raw, moment


def _survey(campaign, users, today) -> str:
    """The linked demo survey round (created, drawn and answered once); a summary."""
    from django.db import transaction

    with transaction.atomic():
        return _survey_seed(campaign, users, today)


def _survey_seed(campaign, users, today) -> str:
    from pathlib import Path

    from duluan.apps.surveys.demo import FRAME_NAME, responses_record
    from duluan.apps.surveys.models import Frame, Round
    from duluan.apps.surveys.services import (
        index_spec_upsert,
        instrument_import,
        round_close,
        round_create,
        sample_draw,
    )

    from . import selectors
    from .models import SurveyLink
    from .services import survey_link_set

    frame = Frame.objects.filter(name=FRAME_NAME).order_by("-pk").first()
    if frame is None:
        return "chưa có khảo sát (thiếu khung mẫu của bản demo khảo sát)"
    round_ = Round.objects.filter(code=SURVEY_ROUND).first()
    if round_ is None:
        content = (Path(__file__).with_name("data") / "nhan_biet_hop_nhat.xlsx").read_bytes()
        instrument, _ = instrument_import(content=content)
        index = index_spec_upsert(
            code=SURVEY_INDEX,
            name=SURVEY_INDEX_DEFINITION["name"],
            definition=SURVEY_INDEX_DEFINITION,
            description="Tỷ lệ người trả lời ủng hộ (mức 4–5) chủ trương hợp nhất tỉnh; dùng cho bản demo.",
        )
        round_ = round_create(
            code=SURVEY_ROUND,
            name=SURVEY_ROUND_NAME,
            year=today.year,
            agency=campaign.lead_agency,
            instrument=instrument,
            frame=frame,
            index=index,
            n_communes={"phuong": 10, "xa": 20},
            n_villages=4,
            n_respondents=8,
            seed=SEED,
        )
    if round_.drawn_at is None:
        sample_draw(round_=round_, code_choice=random.Random(SEED).choice)
        communes = selectors.home_communes()
        targeted = selectors.targeted_2025_communes(campaign, communes)
        first = campaign.end_on + timedelta(days=5)
        responses_record(round_, _survey_answered(round_, targeted, first, today))
        round_close(round_=round_)
    if not SurveyLink.objects.filter(campaign=campaign, round=round_).exists():
        survey_link_set(
            campaign=campaign,
            round_=round_,
            actor=users["coordinator"],
            awareness_item="biet_hop_nhat",
            support_item="ung_ho",
        )
    return f"đợt khảo sát {round_.code} ({round_.responses.count()} phiếu giả lập)"


def seed(*, progress=print) -> str:
    """Create the demo campaign, its outputs, demo signals and the orientation note; a summary line."""
    from . import selectors
    from .effect import DURING

    progress("Đang tạo chiến dịch truyền thông mẫu…")
    today = timezone.localdate()
    users = _users()
    campaign, _new = _campaign(today, users)
    outputs = _outputs(campaign, users, today)
    issue = merger_issue()  # before our own signals, which may form issues of their own
    signals = _signals(campaign, today)
    where, _linked = _note(campaign, users, issue)
    survey = _survey(campaign, users, today)
    view = selectors.campaign_effect(campaign, today=today)
    est = view.result.estimate("share_negative", DURING)
    effect = (
        f"DiD tỷ lệ tiêu cực (trong − trước) {est.value * 100:+.1f} điểm % "
        f"[{est.low * 100:+.1f}; {est.high * 100:+.1f}]"
        if est.enough
        else "chưa đủ dữ liệu để ước lượng hiệu quả"
    )
    return (
        f"Tuyên truyền: chiến dịch #{campaign.pk} ({outputs} sản phẩm mới, {signals} tín hiệu mẫu mới); "
        f"thông tin định hướng {where}; {effect}; khảo sát: {survey}"
    )
