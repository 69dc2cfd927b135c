import re
from datetime import date, timedelta

from duluan.apps.issues.charts import PAD_L, PAD_R, W, timeline_svg


def _forecast(start: date, mean: float = 5.0) -> dict:
    days = [(start + timedelta(days=i)).isoformat() for i in range(7)]
    return {
        "days": days,
        "mean": [mean] * 7,
        "lo80": [3] * 7,
        "hi80": [7] * 7,
        "lo95": [2] * 7,
        "hi95": [9] * 7,
    }


def _first_forecast_x(svg: str) -> float:
    return float(re.search(r'<polyline points="([\d.]+),', svg).group(1))


def _day_labels(svg: str) -> list[str]:
    return re.findall(r'font-size="10">(\d\d/\d\d)</text>', svg)


def test_a_forecast_from_today_is_drawn_over_todays_bar():
    # given three days of counts up to today, and a forecast that starts today
    today = date(2026, 12, 4)
    days = [(today - timedelta(days=2 - i), c, 0) for i, c in enumerate((4, 6, 1))]
    # when the timeline is drawn
    svg = timeline_svg(days, _forecast(today))
    # then nine days are shown (three observed, six more forecast), and the forecast's first point
    # sits at the middle of today's column, above today's bar so far
    bar_x = float(re.search(r'<rect x="([\d.]+)"[^>]*><title>04/12/2026: 1</title>', svg).group(1))
    width = (W - PAD_L - PAD_R) / 9
    first_x = _first_forecast_x(svg)
    assert _day_labels(svg)[0] == "02/12" and len(_day_labels(svg)) == 9
    assert abs(first_x - (PAD_L + 2.5 * width)) < 0.1 and abs(bar_x - 0.5 - (PAD_L + 2 * width)) < 0.1


def test_a_forecast_made_on_an_earlier_day_keeps_its_dates():
    # given the same days, a forecast made two days ago (it starts the day before yesterday + 1),
    # and one made before any day shown
    today = date(2026, 12, 4)
    days = [(today - timedelta(days=2 - i), c, 0) for i, c in enumerate((4, 6, 1))]
    svg = timeline_svg(days, _forecast(today - timedelta(days=1)))
    width = (W - PAD_L - PAD_R) / 8
    # then the first forecast point is yesterday's column, not after today's bar
    assert abs(_first_forecast_x(svg) - (PAD_L + 1.5 * width)) < 0.1 and len(_day_labels(svg)) == 8
    # and of a forecast made long before, only the days shown are drawn: none, so no line, and the
    # chart holds the three days
    stale = timeline_svg(days, _forecast(today - timedelta(days=30)))
    assert "<polyline" not in stale and _day_labels(stale) == ["02/12", "03/12", "04/12"]
