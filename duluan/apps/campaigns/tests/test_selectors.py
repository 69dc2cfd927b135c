"""The effect's adapter: which signals count, in which commune and period; the calendar grid."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from duluan.apps.campaigns import effect as eng
from duluan.apps.campaigns import selectors
from duluan.apps.geo.models import Succession
from duluan.apps.intake.models import Signal

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 6, 1)


def _signal(
    unit, day, *, topic="reorganisation", sentiment="negative", text="Thủ tục sau sáp nhập chậm", dup=None
):
    from duluan.apps.core.text import search_key

    return Signal.objects.create(
        channel="web",
        content_hash=f"h{Signal.objects.count()}",
        text=text,
        text_masked=text,
        search_key=search_key(text),
        created_at=datetime.combine(day, time(9), tzinfo=VN),
        unit=unit,
        topic=topic,
        sentiment=sentiment,
        duplicate_of=dup,
    )


def test_periods_are_as_long_as_the_campaign_and_cut_at_today(campaign):
    p = selectors.campaign_periods(campaign, today=date(2026, 4, 10))
    assert p.bounds[0] == (date(2026, 1, 29), date(2026, 3, 1))
    assert p.bounds[1] == (date(2026, 3, 1), date(2026, 4, 1))
    assert p.bounds[2] == (date(2026, 4, 1), date(2026, 4, 11))
    assert p.days == (31.0, 31.0, 10.0)
    assert p.inclusive[0] == (date(2026, 1, 29), date(2026, 2, 28))  # as shown to people


def test_periods_read_live_count_today_for_the_part_of_it_gone_by(campaign):
    from datetime import timedelta

    from django.utils import timezone

    # given a campaign that began three days ago and goes on for five more
    today = timezone.localdate()
    campaign.start_on, campaign.end_on = today - timedelta(days=3), today + timedelta(days=5)
    # when its periods are read live, and as of the end of today
    live = selectors.campaign_periods(campaign)
    now = timezone.localtime()
    over = selectors.campaign_periods(campaign, today=today)
    # then live, the campaign so far is three days and the part of today gone by; the period
    # before it is whole, and the one after has not begun
    gone = (now - now.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds() / 86400
    assert abs(live.days[1] - (3 + gone)) < 1e-3 and live.days[0] == 9.0 and live.days[2] == 0.0
    assert over.days == (9.0, 4.0, 0.0) and live.bounds == over.bounds


def test_places_of_either_scheme_become_2025_communes(campaign, unit):
    communes = selectors.home_communes()
    # the fixture targets two 2025 wards
    assert {communes[i].code for i in selectors.targeted_2025_communes(campaign, communes)} == {
        "07210",
        "07228",
    }
    # a pre-2025 district covers every 2025 commune its communes went into
    district = unit("213", "pre2025")
    campaign.target_units.set([district])
    expected = set(
        Succession.objects.filter(old__parent=district, old__level="commune", new__in=communes).values_list(
            "new_id", flat=True
        )
    )
    assert expected and selectors.targeted_2025_communes(campaign, communes) == expected


def test_theme_signals_are_counted_by_commune_and_period(campaign, unit):
    # given signals about the merger before, during and after the campaign, in a targeted ward, in
    # a pre-2025 commune that became a targeted ward, and in a ward it did not target
    old = Succession.objects.filter(new=unit("07228"), old__level="commune").first().old
    first = _signal(unit("07210"), date(2026, 2, 10))
    _signal(unit("07210"), date(2026, 2, 10), dup=first)  # an exact duplicate: left out
    _signal(old, date(2026, 2, 12), sentiment="neutral")
    _signal(unit("07210"), date(2026, 3, 5), sentiment="positive")
    # accent-free keyword, another topic: counted by its keyword
    _signal(
        unit("07210"),
        date(2026, 3, 6),
        topic="other",
        text="Hoi ve sap nhap tinh co phai doi giay to",
        sentiment="neutral",
    )
    _signal(unit("07210"), date(2026, 3, 7), topic="health", text="Trạm y tế thiếu thuốc")  # not the theme
    _signal(unit("09169"), date(2026, 4, 20))  # comparison ward, after
    _signal(unit("24"), date(2026, 3, 8))  # the province: no commune, left out and counted as such
    _signal(unit("07210"), date(2025, 10, 1))  # long before: outside every period
    # when measured on 1/6/2026
    view = selectors.campaign_effect(campaign, today=TODAY)
    r = view.plain  # against every other commune: every placed signal is counted
    # then
    before = r.cell(eng.TARGETED, eng.BEFORE)
    during = r.cell(eng.TARGETED, eng.DURING)
    assert (before.signals, before.negative, before.communes_with_signals) == (2, 1, 2)
    assert (during.signals, during.negative) == (2, 0)
    assert r.cell(eng.COMPARISON, eng.AFTER).signals == 1
    assert r.cell(eng.COMPARISON, eng.BEFORE).signals == 0
    assert view.unplaced == 1
    assert (view.targeted_all, view.comparison_all) == (2, len(selectors.home_communes()) - 2)
    # and the two targeted wards, loud where every other commune was silent, find no similar commune
    assert view.result.matching.unmatched == tuple(sorted(u.pk for u in campaign.target_units.all()))
    assert (view.targeted, view.comparison) == (0, 0)
    assert "Ghép được 0/2" in view.method
    # and with so little data there is no number, only the reasons
    est = view.result.estimate("share_negative", eng.DURING)
    assert not est.enough
    assert any("cần ít nhất 5" in reason for reason in est.reasons)
    assert view.statements[0].startswith("Chưa đủ dữ liệu")
    assert sum(a + b for _, a, b in view.weekly) == 5


def test_the_calendar_puts_outputs_on_their_day_and_campaigns_on_their_span(campaign, demo, channel):
    from duluan.apps.campaigns import services
    from duluan.apps.campaigns.models import Campaign

    services.output_create(
        campaign=campaign,
        actor=demo["dieuphoi"],
        channel=channel("bao-chi"),
        kind="article",
        title="Bài báo ngày 10/3",
        planned_on=date(2026, 3, 9),
        delivered_on=date(2026, 3, 10),
        today=TODAY,
    )
    grid = selectors.calendar_month(Campaign.objects.all(), date(2026, 3, 1))
    days = {d.day: d for week in grid.weeks for d in week}
    assert grid.weeks[0][0].day == date(2026, 2, 23)  # Monday-first
    assert [o.title for o in days[date(2026, 3, 10)].outputs] == ["Bài báo ngày 10/3"]
    assert days[date(2026, 3, 9)].outputs == []
    assert days[date(2026, 3, 31)].campaigns == [campaign] and days[date(2026, 4, 1)].campaigns == []
    assert (grid.previous, grid.next) == (date(2026, 2, 1), date(2026, 4, 1))
    assert selectors.month_of("2026-13") == selectors.month_of(None)
