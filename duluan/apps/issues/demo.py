"""Demo issues: a few hot issues with alerts, one about the 2025 merger of Bắc Giang into Bắc Ninh.

Runs after intake's demo. It adds a small, dated stream of its own through intake's single write
path (idempotent: external ids), so that whatever intake seeded, a few issues have a quiet
baseline and a recent surge; names the merger issue (title contains "sáp nhập", topic
``reorganisation`` — :func:`merger_issue` finds it), then refreshes hotness, bursts and alerts.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from duluan.adminunits import PRE2025, SCHEME_2025

MERGER_TITLE = "Thủ tục giấy tờ, con dấu sau sáp nhập tỉnh Bắc Giang vào tỉnh Bắc Ninh"
MERGER_TOPIC = "reorganisation"
CHANNELS = ["social", "hotline", "web", "news", "voter_meeting"]

# (key, topic, units (scheme, code), texts, baseline every n days, surge per day over the last 3 days)
STREAMS = [
    (
        "merger",
        MERGER_TOPIC,
        [
            (PRE2025, "07201"),
            (PRE2025, "07207"),
            (SCHEME_2025, "07210"),
            (PRE2025, "07225"),
            (SCHEME_2025, "07777"),
        ],
        [
            "Sau sáp nhập tỉnh Bắc Giang vào tỉnh Bắc Ninh, người dân phường {place} phải đổi địa chỉ "
            "trên căn cước, giấy tờ đất đai, thủ tục rườm rà, đi lại xa",
            "Sáp nhập tỉnh Bắc Giang vào Bắc Ninh: hồ sơ đổi địa chỉ, con dấu, giấy tờ ở {place} "
            "bị trả lại nhiều lần, người dân bức xúc",
            "Người dân {place} phản ánh thủ tục đổi giấy tờ sau sáp nhập tỉnh Bắc Giang vào Bắc Ninh "
            "chậm, phải chờ lâu",
        ],
        4,
        [7, 11, 14],
    ),
    (
        "flood",
        "transport",
        [(SCHEME_2025, "09187"), (PRE2025, "09172"), (SCHEME_2025, "09367")],
        [
            "Đường {place} ngập úng sâu sau mưa lớn, nước không thoát được, xe máy chết máy giữa đường",
            "Mưa lớn làm đường {place} ngập úng, cống thoát nước tắc, người dân bức xúc",
        ],
        6,
        [5, 8, 9],
    ),
    (
        "smoke",
        "environment",
        [(SCHEME_2025, "07681"), (SCHEME_2025, "07210")],
        [
            "Khói từ lò đốt rác gần {place} gây ô nhiễm, mùi hôi nồng nặc mỗi tối, trẻ em ho nhiều",
            "Lò đốt rác ở {place} xả khói đen ô nhiễm môi trường, người dân đề nghị kiểm tra",
        ],
        5,
        [3, 4, 6],
    ),
]
BASELINE_DAYS = 35
TITLES = {
    "merger": MERGER_TITLE,
    "flood": "Ngập úng đường phố sau mưa lớn ở Kinh Bắc, Từ Sơn",
    "smoke": "Khói lò đốt rác gây ô nhiễm ở Yên Dũng, Bắc Giang",
}


def _items(now):
    from duluan.apps.geo.models import AdminUnit
    from duluan.apps.intake.services import SignalInput

    items = []
    for key, topic, unit_keys, texts, every, surge in STREAMS:
        units = [u for u in (AdminUnit.objects.filter(scheme=s, code=c).first() for s, c in unit_keys) if u]
        n = 0
        plan = [(d, 1) for d in range(BASELINE_DAYS, 3, -every)] + [(2 - i, c) for i, c in enumerate(surge)]
        for days_ago, count in plan:
            for k in range(count):
                unit = units[n % len(units)]
                moment = now - timedelta(days=days_ago, hours=1 + (k * 37) % 9, minutes=(n * 13) % 60)
                text = texts[n % len(texts)].format(place=unit.short_name or unit.name)
                items.append(
                    SignalInput(
                        channel=CHANNELS[n % len(CHANNELS)],
                        text=f"{text} (ý kiến {n + 1}).",
                        created_at=moment,
                        external_id=f"issues-demo-{key}-{n}",
                        source=f"nguon-{n % 4}",
                        unit=unit,
                        topic=topic,
                    )
                )
                n += 1
    return items


def merger_issue():
    """The demo issue about the merger (other apps' demos link to it); ``None`` before the demo."""
    from .models import Issue

    return (
        Issue.objects.filter(title__icontains="sáp nhập", topic=MERGER_TOPIC, merged_into__isnull=True)
        .order_by("-signal_count", "pk")
        .first()
    )


def seed(*, progress=print) -> str:
    from duluan.apps.intake.models import Signal
    from duluan.apps.intake.services import signals_ingest_batch

    from .models import Issue
    from .services import issue_merge, issue_rename, issues_refresh_hotness

    now = timezone.now()
    progress("Đang tạo dữ liệu mẫu cho vấn đề nóng…")
    result = signals_ingest_batch(items=_items(now))  # which calls issues_after_ingest
    # Each stream is one matter: where the clusterer split it, an official's merge joins the parts.
    for key, topic, *_ in STREAMS:
        ids = list(
            Signal.objects.filter(external_id__startswith=f"issues-demo-{key}-", issue__isnull=False)
            .values_list("issue_id", flat=True)
            .distinct()
        )
        parts = sorted(
            Issue.objects.filter(pk__in=ids, merged_into__isnull=True), key=lambda i: (-i.signal_count, i.pk)
        )
        if not parts:
            continue
        main = parts[0]
        for other in parts[1:]:
            main = issue_merge(source=other, target=main, reason="Dữ liệu mẫu: cùng một sự việc")
        if main.title != TITLES[key]:
            issue_rename(issue=main, title=TITLES[key], reason="Dữ liệu mẫu")
        if main.topic != topic:
            Issue.objects.filter(pk=main.pk).update(topic=topic)
    refreshed = issues_refresh_hotness(now=now)
    return f"Vấn đề: {len(result.created)} tín hiệu mẫu mới; {refreshed.summary()}"
