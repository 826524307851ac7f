"""Properties of the requester's score over random choices in varied scenarios."""

from __future__ import annotations

import dataclasses

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from train_factories import ALL, VARIED, choices

from ditf.train import BLOCKING_PENALTY, Choice, play_round

FAST = settings(max_examples=25, deadline=None)


@st.composite
def scenario_and_choice(draw, technique: bool | None = None):
    s = draw(st.sampled_from(ALL))
    return s, draw(choices(s, technique))


@FAST
@given(case=scenario_and_choice(), seed=st.integers(0, 2**31 - 1))
def test_scores_stay_in_0_100_and_follow_the_formula(case, seed):
    s, choice = case
    r = play_round(s, choice, rng=seed)
    sc = r.score
    assert 0 <= sc.total <= 100
    assert 0 <= sc.value_ratio <= 1
    assert sc.penalty_points == BLOCKING_PENALTY * sum(f.severity == "blocking" for f in r.findings)
    assert r.options[0].key == "yours"
    assert any(o.admissible for o in r.options)


@FAST
@given(case=scenario_and_choice(technique=True))
def test_a_theatrical_choice_is_always_penalised(case):
    s, choice = case
    assume(not s.theatrical(choice.opener))  # beyond the honour limit it is theatre either way
    honest = play_round(s, dataclasses.replace(choice, honour_opener=True), rng=0)
    theatre = play_round(s, dataclasses.replace(choice, honour_opener=False), rng=0)
    assert theatre.theatrical
    assert "theatrical-opener" in {p.id for p in theatre.score.penalties}
    assert theatre.score.penalty_points >= honest.score.penalty_points + BLOCKING_PENALTY
    assert theatre.score.total < honest.score.total or honest.score.total == 0
    assert not theatre.option("yours").admissible


@FAST
@given(s=st.sampled_from(VARIED), choice_seed=st.data())
def test_no_admissible_choice_beats_the_reference(s, choice_seed):
    """The reference is the best admissible option, so no admissible choice exceeds ratio 1."""
    choice = choice_seed.draw(choices(s))
    r = play_round(s, choice, rng=0)
    best = max(o.expected_value for o in r.options if o.admissible)
    assert r.score.reference_value == best
    if r.option("yours").admissible:
        assert r.option("yours").expected_value <= best


def test_the_same_choice_at_once_beats_it_delayed_in_a_prosocial_ask():
    """Fact 4 (Dillard et al., 1984): delay kills DITF; the score sees it."""
    s = next(s for s in ALL if s.id == "fundraising-practitioner")
    now = play_round(s, Choice(opener=500, fallback=150, explanation="x " * 6), rng=0)
    later = play_round(
        s, Choice(opener=500, fallback=150, delay_hours=48, explanation="x " * 6), rng=0
    )
    assert later.option("yours").expected_value < now.option("yours").expected_value
    assert later.score.total < now.score.total
