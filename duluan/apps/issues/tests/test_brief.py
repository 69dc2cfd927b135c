import io
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document

from duluan.apps.issues.brief import brief_docx


def _brief_text(user, start, end) -> str:
    return "\n".join(
        p.text for p in Document(io.BytesIO(brief_docx(user=user, start=start, end=end))).paragraphs
    )


@pytest.mark.django_db
def test_a_brief_of_a_week_not_over_compares_with_the_same_part_of_the_week_before(demo, make_issue):
    # given one signal a day for two weeks, each at this time of day, and one more a week ago but
    # two hours later in the day than now
    now = timezone.now()
    make_issue("rac thai", days=range(14), per_day=1, now=now)
    make_issue("rac thai muon", days=(7,), per_day=1, now=now + timedelta(hours=2))
    today = timezone.localdate()
    # when a brief is made of the week from the day before yesterday to four days ahead
    text = _brief_text(demo["dieuphoi"], today - timedelta(days=2), today + timedelta(days=4))
    # then it counts the three days so far, against the same three days of the week before up to
    # this time of day (not that week's seven, nor the later signal): no change
    assert "ghi nhận 3 phản ánh" in text and ": 3 phản ánh)" in text and "(0 % so với kỳ trước" in text
    assert "Kỳ báo cáo chưa kết thúc: số liệu tính đến" in text
    # while a week that is over is counted whole, against the whole week before
    past = _brief_text(demo["dieuphoi"], today - timedelta(days=7), today - timedelta(days=1))
    assert "ghi nhận 8 phản ánh" in past and ": 6 phản ánh)" in past and "chưa kết thúc" not in past
