"""The gazetteer's shortcuts after the scan equal the plain work they replace: mentions built through
their slots, the memoised resolution of a lone hit, and the candidates' facts read by _resolve."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from duluan.analysis.normalise import fold
from duluan.analysis.places import Gazetteer, PlaceMention
from duluan.analysis.places.gazetteer import (
    _HIT_FIELDS,
    _MENTION_FIELDS,
    _NO_KEYS,
    _Hit,
    _new_mention,
    _order_by_score,
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default(home_province="24")


KEYS = st.tuples(st.sampled_from(["2025", "pre2025"]), st.text(max_size=5))
FIELDS = st.tuples(
    st.integers(),
    st.integers(),
    st.text(),
    st.text(),
    st.text(),
    st.text(),
    st.text(),
    st.floats(allow_nan=False),
    st.lists(st.tuples(st.text(max_size=3), st.text(max_size=3), st.floats(allow_nan=False)), max_size=3).map(
        tuple
    ),
    st.lists(KEYS, max_size=3).map(tuple),
)


@given(FIELDS)
@settings(max_examples=200)
def test_a_mention_built_through_its_slots_equals_the_constructed_one(fields):
    # given any field values
    # when a mention is built through its slots and through the dataclass
    fast, plain = _new_mention(*fields), PlaceMention(*fields)
    # then they are equal field for field, print and hash alike, stay frozen and pickle back equal
    assert fast == plain and repr(fast) == repr(plain) and hash(fast) == hash(plain)
    assert dataclasses.astuple(fast) == dataclasses.astuple(plain)
    assert pickle.loads(pickle.dumps(fast)) == plain  # noqa: S301 - our own bytes
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.start = 0  # type: ignore[misc]


def test_the_slot_setters_cover_every_field_in_order():
    # given the fields the fast constructor sets, and those hits are built with positionally
    # then they are the dataclasses' fields, in order
    assert _MENTION_FIELDS == tuple(f.name for f in dataclasses.fields(PlaceMention))
    assert _HIT_FIELDS == tuple(f.name for f in dataclasses.fields(_Hit))[: len(_HIT_FIELDS)]


# Texts naming one unit (or a few), every way a lone hit can be typed, bare, old or accent-free.
LONE_TEXTS = [
    "Mưa lớn ở Bắc Giang.", "tỉnh Bắc Giang (cũ) có mưa", "Xã Tân Dĩnh có mưa", "ở Tân Dĩnh, mưa",
    "huyện Lạng Giang có mưa", "TP.HCM ngập", "Ngập ở tp hcm", "thi tran Vôi", "Quận 1 ngập",
    "Yên Bái mưa", "xa Tan Thanh mưa", "các xã Tân Thành có mưa", "bac giang mua lon", "Hà Nội",
    "phường Bắc Giang", "ở Kỳ Anh", "thị xã Kỳ Anh", "Tân Thành", "Sơn Tây (Trung Quốc)",
]  # fmt: skip


@given(
    st.lists(st.sampled_from(LONE_TEXTS), min_size=1, max_size=3).map(" ".join),
    st.sampled_from([None, "pre2025", "2025"]),
    st.sampled_from(["context", "never", "always"]),
)
@settings(max_examples=200, deadline=None)
def test_a_memoised_lone_hit_resolves_as_the_plain_resolution(gazetteer, text, era, bare_communes):
    # given a text's hits, with any era and bare-commune rule, and nothing memoised
    gazetteer._lone_cache.clear()
    gazetteer.bare_communes = bare_communes
    try:
        hits = gazetteer._hits(text, fold(text))
        assume(hits)  # _find resolves only texts with hits
        # when resolved through the memo (twice: computed, then memoised) and the plain way
        first = gazetteer._resolve(hits, era)
        second = gazetteer._resolve(hits, era)
        plain = gazetteer._resolve_all(hits, era, through_memo=False)
    finally:
        gazetteer.bare_communes = "context"
    # then all agree
    assert first == second == plain


def test_lone_hits_found_through_the_memo_equal_a_fresh_gazetteers(gazetteer):
    # given texts naming one unit each, found once so that their resolutions are memoised
    whens = [None, date(2024, 5, 1), date(2025, 9, 1)]
    first = [[gazetteer.find(text, when=when) for when in whens] for text in LONE_TEXTS]
    fresh = Gazetteer(*gazetteer.__reduce__()[1])
    # when found again, and by a gazetteer that has memoised nothing
    # then the mentions are the same
    assert first == [[gazetteer.find(text, when=when) for when in whens] for text in LONE_TEXTS]
    assert first == [[fresh.find(text, when=when) for when in whens] for text in LONE_TEXTS]
    assert sum(len(found) == 1 for row in first for found in row) > len(LONE_TEXTS)


@given(st.lists(st.sampled_from(LONE_TEXTS), min_size=1, max_size=4).map(", ".join))
@settings(max_examples=100, deadline=None)
def test_the_candidates_facts_equal_the_per_unit_tables(gazetteer, text):
    # given the hits of a text
    # when their candidates' facts are compared with the gazetteer's per-unit tables
    # then each candidate reads its own level, scheme, type, home and ancestors
    for hit in gazetteer._hits(text, fold(text)):
        assert hit.facts == tuple(
            (
                key,
                *gazetteer._facts[key],
                gazetteer._ancestors.get(key, _NO_KEYS),
                gazetteer._same_scheme_ancestors.get(key, _NO_KEYS),
            )
            for key in hit.candidates
        )


@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.75, 2.75]) | st.floats(allow_nan=False), KEYS),
        min_size=1,
        max_size=5,
        unique_by=lambda pair: pair[1],
    )
)
@settings(max_examples=300)
def test_ordering_scored_candidates_equals_sorting_them_best_first(scored):
    # given scored candidates, distinct units, often with equal scores
    plain = sorted(scored, key=lambda s: (-s[0], s[1]))
    # when ordered in place
    _order_by_score(scored)
    # then the order is the sort's: best score first, then by unit
    assert scored == plain
