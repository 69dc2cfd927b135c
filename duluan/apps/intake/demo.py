"""Demo intake data: an Open311 client with a fixed, documented key, and a few hundred signals.

Signals are real news articles (``news_2026`` of the shared data, when present) and synthetic
citizen feedback about real communes of Bắc Ninh across the topics, before 1/7/2025 (naming the
old communes and districts, of Bắc Ninh and Bắc Giang) and after (naming the 2025 communes), with
two recent bursts so the issues dashboard has something hot. Everything goes through the single
write path (:func:`~duluan.apps.intake.services.signals_ingest_batch`); fixed external ids make
seeding idempotent.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from duluan.adminunits import SCHEME_2025, SCHEME_2025_START
from duluan.apps.geo.models import AdminUnit, Level

from .models import ApiClient, Channel, Signal
from .services import SignalInput, api_client_create, api_key_hash, signals_ingest_batch

# Printed by `make demo` and documented in the README: for trying the Open311 API locally only.
DEMO_API_KEY = "duluan-demo-open311-key-2026"
DEMO_CLIENT_NAME = "Ứng dụng Open311 mẫu"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NEWS_LIMIT = 150

# (topic, phrasings): {place} is a commune (with its district before the reform).
FEEDBACK = [
    (
        "transport",
        [
            "Đường liên thôn ở {place} xuống cấp nghiêm trọng, ổ gà chi chít, xe máy ngã liên tục.",
            "Đề nghị sửa chữa mặt đường tại {place}, mưa xuống là ngập và lầy lội.",
            "Đèn tín hiệu giao thông ở ngã tư thuộc {place} hỏng cả tuần chưa ai sửa.",
        ],
    ),
    (
        "environment",
        [
            "Khói bụi từ lò gạch ở {place} khiến người dân ho, khó thở, rất bức xúc.",
            "Rác thải ùn ứ nhiều ngày tại điểm tập kết ở {place}, bốc mùi hôi thối.",
            "Nước thải từ cụm công nghiệp chảy ra kênh ở {place}, cá chết hàng loạt.",
        ],
    ),
    (
        "land",
        [
            "Người dân {place} chưa nhận được tiền bồi thường giải phóng mặt bằng dù đã bàn giao đất.",
            "Đề nghị làm rõ việc thu hồi đất nông nghiệp ở {place}, giá đền bù quá thấp.",
            "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất ở {place} bị chậm hơn một năm.",
        ],
    ),
    (
        "admin_procedures",
        [
            "Thủ tục chứng thực ở bộ phận một cửa {place} phải đi lại nhiều lần, rất mất thời gian.",
            "Cổng dịch vụ công thường xuyên lỗi khi nộp hồ sơ tại {place}.",
        ],
    ),
    (
        "health",
        [
            "Trạm y tế {place} thiếu thuốc, người dân phải ra tuyến trên khám.",
            "Dịch sốt xuất huyết có dấu hiệu tăng ở {place}, đề nghị phun thuốc diệt muỗi.",
        ],
    ),
    (
        "education",
        [
            "Trường mầm non ở {place} thu nhiều khoản ngoài quy định, phụ huynh bức xúc.",
            "Phòng học của trường tiểu học {place} xuống cấp, mùa mưa dột nát.",
        ],
    ),
    (
        "utilities",
        [
            "Mất điện liên tục ở {place} giữa trời nắng nóng, không được báo trước.",
            "Nước sạch ở {place} có mùi lạ, đục, người dân không dám dùng.",
        ],
    ),
    (
        "security_order",
        [
            "Tình trạng đua xe trái phép vào ban đêm ở {place} gây mất an ninh trật tự.",
            "Trộm cắp vặt xảy ra nhiều ở {place}, đề nghị tăng cường tuần tra.",
        ],
    ),
    (
        "reorganisation",
        [
            "Sau sáp nhập, người dân {place} phải đi xa để làm thủ tục, đề nghị bố trí điểm tiếp nhận.",
            "Giấy tờ ghi địa chỉ cũ sau sắp xếp đơn vị hành chính ở {place} có phải đổi không?",
        ],
    ),
    (
        "agriculture",
        [
            "Giá vải thiều ở {place} xuống thấp, nông dân lo lắng đầu ra.",
            "Kênh tưới tiêu ở {place} bị bồi lắng, không đủ nước cho vụ lúa.",
        ],
    ),
    (
        "corruption",
        [
            "Phản ánh cán bộ địa chính ở {place} gây khó dễ, gợi ý chi tiền khi làm sổ đỏ.",
        ],
    ),
]
# Recent bursts: many people about one matter in one place.
BURSTS = [
    (
        "09169",
        [
            "Ngập úng kéo dài ở phường Vũ Ninh sau mưa lớn, nước tràn vào nhà dân.",
            "Phường Vũ Ninh ngập úng sâu, nước tràn vào nhà, đồ đạc hư hỏng.",
            "Mưa lớn làm phường Vũ Ninh ngập úng kéo dài, học sinh không đến trường được.",
        ],
        30,
        5,
    ),
    (
        "07210",
        [
            "Dân phường Bắc Giang phản đối việc thu hồi đất làm dự án, giá bồi thường quá thấp.",
            "Thu hồi đất dự án ở phường Bắc Giang bồi thường thấp, người dân kiến nghị xem xét lại.",
        ],
        16,
        9,
    ),
]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang"]
CHANNELS = [
    Channel.WEB,
    Channel.HOTLINE,
    Channel.VOTER_MEETING,
    Channel.SOCIAL,
    Channel.EMAIL,
    Channel.OPEN311,
]


def _api_client() -> str:
    client = ApiClient.objects.filter(name=DEMO_CLIENT_NAME).first()
    if client is None:
        api_client_create(name=DEMO_CLIENT_NAME, key=DEMO_API_KEY)
    elif client.key_hash != api_key_hash(DEMO_API_KEY) or not client.is_active:
        client.key_prefix, client.key_hash, client.is_active = (
            DEMO_API_KEY[:8],
            api_key_hash(DEMO_API_KEY),
            True,
        )
        client.save(update_fields=["key_prefix", "key_hash", "is_active"])
    return DEMO_API_KEY


def _place_name(unit: AdminUnit) -> str:
    name = unit.name
    return f"{name}, {unit.parent.name}" if unit.parent and unit.parent.level == Level.DISTRICT else name


def _synthetic(rng: random.Random, now: datetime) -> list[SignalInput]:
    new_units = list(
        AdminUnit.objects.filter(scheme=SCHEME_2025, level=Level.COMMUNE, province_code="24").order_by("code")
    )
    old_units = list(
        AdminUnit.objects.filter(scheme="pre2025", level=Level.COMMUNE, province_code__in=["24", "27"])
        .select_related("parent")
        .order_by("code")
    )
    if not new_units:
        return []
    reform = datetime.combine(SCHEME_2025_START, datetime.min.time(), tzinfo=VN)
    items: list[SignalInput] = []
    # 60 before the reform (Mar–Jun 2025), 80 since (Jul 2025 – a month ago), 100 in the last 45 days.
    spans = [
        (60, reform - timedelta(days=120), reform - timedelta(hours=1), old_units or new_units),
        (80, reform, now - timedelta(days=46), new_units),
        (100, now - timedelta(days=45), now - timedelta(hours=2), new_units),
    ]
    n = 0
    for count, start, end, units in spans:
        seconds = int((end - start).total_seconds())
        for _ in range(count):
            n += 1
            _topic, phrasings = FEEDBACK[rng.randrange(len(FEEDBACK))]
            unit = units[rng.randrange(len(units))]
            text = rng.choice(phrasings).format(place=_place_name(unit))
            channel = CHANNELS[n % len(CHANNELS)]
            reporter = None
            if channel in (Channel.WEB, Channel.HOTLINE, Channel.EMAIL, Channel.OPEN311):
                name = rng.choice(NAMES)
                phone = f"09{rng.randrange(10**8):08d}"
                reporter = {"name": name, "phone": phone, "consent": True}
                if channel == Channel.HOTLINE and n % 3 == 0:
                    text += f" Liên hệ: {phone}."  # masked in text_masked, as a real call note would be
            extra = {"demo": True}
            if channel == Channel.VOTER_MEETING:
                extra |= {
                    "meeting": "Tiếp xúc cử tri trước kỳ họp",
                    "deputy_group": f"Tổ đại biểu số {n % 7 + 1}",
                }
                extra["petitioners_unit"] = unit.name
            items.append(
                SignalInput(
                    channel=channel,
                    text=text,
                    created_at=start + timedelta(seconds=rng.randrange(max(seconds, 1))),
                    external_id=f"demo-{n:04d}",
                    source="demo",
                    unit=unit,
                    topic="",
                    extra=extra,
                    reporter=reporter,
                    tracking=channel in (Channel.WEB, Channel.OPEN311),
                )
            )
    by_code = {u.code: u for u in new_units}
    for b, (code, phrasings, count, days) in enumerate(BURSTS):
        unit = by_code.get(code)
        if unit is None:
            continue
        for i in range(count):
            n += 1
            # More and more reports as the days go on: a burst, not a flat series.
            ago = timedelta(days=days * (1 - ((i + 1) / count) ** 0.5), hours=rng.randrange(1, 20))
            items.append(
                SignalInput(
                    channel=CHANNELS[(n + b) % len(CHANNELS)],
                    text=rng.choice(phrasings),
                    created_at=now - ago,
                    external_id=f"demo-burst-{b}-{i:03d}",
                    source="demo",
                    unit=unit,
                    extra={"demo": True},
                    tracking=True,
                )
            )
    return items


def _news() -> list[SignalInput]:
    from duluan.shared_data import shared_data_dir

    base = shared_data_dir()
    path = base / "news_2026" / "articles.jsonl" if base else None
    if path is None or not path.is_file():
        return []
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    # Articles about the province first, then the others, up to the limit.
    rows.sort(
        key=lambda r: (not any(p in r.get("text", "") for p in ("Bắc Ninh", "Bắc Giang")), r.get("id", ""))
    )
    items = []
    for r in rows[:NEWS_LIMIT]:
        try:
            created = datetime.fromisoformat(r["published_at"])
        except (KeyError, ValueError):
            created = None
        text = " ".join((r.get("text") or "").split())[:1500]
        if not text:
            continue
        items.append(
            SignalInput(
                channel=Channel.NEWS,
                text=text,
                title=(r.get("title") or "")[:500],
                created_at=created,
                external_id=f"news_2026:{r.get('id')}",
                source="24h.com.vn",
                extra={"demo": True, "url": (r.get("url") or "")[:500]},
            )
        )
    return items


def seed(*, progress=print) -> str:
    """Create the demo Open311 client and demo signals (idempotent); return a one-line summary."""
    key = _api_client()
    progress("Đang tạo tín hiệu dư luận mẫu (phân tích và gom vấn đề)…")
    now = timezone.now()
    items = _news() + _synthetic(random.Random(2026), now)
    items.sort(key=lambda it: (it.created_at or now, it.external_id))
    created = 0
    for start in range(0, len(items), 200):
        created += len(signals_ingest_batch(items=items[start : start + 200]).created)
    total = Signal.objects.filter(source__in=["demo", "24h.com.vn"]).count()
    return f"Tiếp nhận: {total} tín hiệu mẫu ({created} mới); api_key: {key}"
