"""Reading, validating and writing the rows of ``duluan analyze`` (:mod:`duluan.analysis.tabular`)."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from duluan.analysis.tabular import LOCAL_TZ, RowValidator


def test_times_with_the_same_offset_share_one_zone_object():
    # given rows whose times carry offsets, and one naive time
    validator = RowValidator()
    raws = [
        {"id": "a", "text": "một", "created_at": "2026-03-01T08:00:00+07:00"},
        {"id": "b", "text": "hai", "created_at": "2026-03-01T09:30:15.25+07:00"},
        {"id": "c", "text": "ba", "created_at": "2026-03-01T01:00:00+00:00"},
        {"id": "d", "text": "bốn", "created_at": "2026-03-01T01:00:00Z"},
        {"id": "e", "text": "năm", "created_at": "2026-03-01T08:00:00"},
    ]
    # when validated
    rows = [validator.validate(raw, i, i)[0] for i, raw in enumerate(raws, start=1)]
    # then each time equals what fromisoformat reads, in the same zone, and equal zones are one
    # object, so a batch pickles each zone once
    times = [row["created_at"] for row in rows]
    for raw, when in zip(raws[:4], times[:4], strict=True):
        expected = datetime.fromisoformat(raw["created_at"])
        assert (when, when.isoformat(), when.tzname()) == (expected, expected.isoformat(), expected.tzname())
    assert times[0].tzinfo is times[1].tzinfo
    assert times[2].tzinfo is times[3].tzinfo is UTC
    assert times[4].tzinfo is LOCAL_TZ and times[4].isoformat() == "2026-03-01T08:00:00+07:00"
    assert pickle.loads(pickle.dumps(times)) == times  # noqa: S301 (our own bytes)
