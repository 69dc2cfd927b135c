"""PAPI-style selection: reproducible from the seed, with every stage's probability stored."""

from __future__ import annotations

import random

import pytest

from duluan.apps.accounts.models import Agency
from duluan.apps.surveys.models import Invitation, SampledCommune, SampledVillage
from duluan.apps.surveys.services import round_create, sample_draw
from duluan.apps.surveys.services.sampling import CODE_ALPHABET

pytestmark = pytest.mark.django_db


def draw(code, instrument, index_spec, frame, seed):
    round_ = round_create(
        code=code,
        name=code,
        year=2026,
        agency=Agency.objects.get(code="bn-so-noi-vu"),
        instrument=instrument,
        frame=frame,
        index=index_spec,
        n_communes={"phuong": 2, "xa": 3},
        n_villages=2,
        n_respondents=3,
        seed=seed,
    )
    sample_draw(round_=round_, code_choice=random.Random(seed).choice)
    return round_


def selection(round_):
    return sorted(
        Invitation.objects.filter(round=round_).values_list(
            "village__commune__frame_unit__unit__code", "village__village__code", "slot", "p_total"
        )
    )


def test_the_same_seed_draws_the_same_sample(demo, instrument, index_spec, frame):
    a = draw("a", instrument, index_spec, frame, 5)
    b = draw("b", instrument, index_spec, frame, 5)
    c = draw("c", instrument, index_spec, frame, 6)
    assert selection(a) == selection(b)
    assert selection(a) != selection(c)


def test_probabilities_of_every_stage_are_stored(small_round):
    # given the drawn round: 2 wards and 3 communes, 2 villages each, 3 people per village
    communes = SampledCommune.objects.filter(round=small_round)
    assert sorted(communes.values_list("stratum", flat=True)) == ["phuong", "phuong", "xa", "xa", "xa"]
    invitations = Invitation.objects.filter(round=small_round).select_related("village__commune")
    assert invitations.count() == 30
    for inv in invitations:
        v = inv.village
        # then the overall probability is the product of the stages' probabilities
        assert inv.p_total == pytest.approx(v.commune.p_commune * v.p_village * v.p_respondent)
        assert 0 < inv.p_total <= 1
        assert v.p_respondent == pytest.approx(3 / v.village.size)
        assert len(inv.code) == 8 and set(inv.code) <= set(CODE_ALPHABET)
    # and communes are drawn proportionally to size: P(commune) = a × size / stratum total
    allocation = {"phuong": 2, "xa": 3}
    for c in communes:
        assert not c.certainty
        stratum_total = sum(fv.size for fv in frame_villages(small_round.frame, c.stratum))
        assert c.p_commune == pytest.approx(allocation[c.stratum] * c.measure / stratum_total)
    assert SampledVillage.objects.filter(commune__round=small_round).count() == 10


def frame_villages(frame, stratum):
    from duluan.apps.surveys.models import FrameVillage

    return FrameVillage.objects.filter(frame_unit__frame=frame, frame_unit__stratum=stratum)


def test_a_round_is_drawn_only_once(small_round):
    with pytest.raises(ValueError, match="đã chọn mẫu"):
        sample_draw(round_=small_round)


def test_an_allocation_naming_an_unknown_stratum_is_refused(demo, instrument, index_spec, frame):
    round_ = round_create(
        code="sai",
        name="sai",
        year=2026,
        agency=Agency.objects.get(code="bn-so-noi-vu"),
        instrument=instrument,
        frame=frame,
        index=index_spec,
        n_communes={"thanh_thi": 2, "xa": 3, "phuong": 1},
    )
    with pytest.raises(ValueError, match="tầng “thanh_thi” không có trong khung mẫu"):
        sample_draw(round_=round_)
    assert not Invitation.objects.filter(round=round_).exists()
