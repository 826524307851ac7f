"""Role reversal: honest and theatrical pitches, the target's score and the model's pressure."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from train_factories import ALL, IDS, mapping

from ditf._errors import InvalidParameterError
from ditf.model import Context, Sequence, predict
from ditf.train import (
    OUTCOME_POINTS,
    SPOTTING_POINTS,
    Pitch,
    TargetResponse,
    make_pitch,
    score_target,
    trainer_scenario,
    trainer_scenario_from_mapping,
)

FAST = settings(max_examples=60, deadline=None)
SEEDS = range(6)


def edge_cost(s) -> float:
    return s.scenario.cost(s.scenario.boldest_benchmark.value)


@pytest.mark.parametrize("s", ALL, ids=IDS)
def test_an_honest_pitch_stays_inside_the_benchmarks_and_names_its_criterion(s):
    p = s.scenario
    for seed in SEEDS:
        pitch = make_pitch(s, honest=True, rng=seed)
        assert pitch.honest and pitch.delay_hours == 0 and pitch.tactics == ()
        assert p.cost(pitch.fallback) < p.cost(pitch.opener) <= edge_cost(s) * (1 + 1e-9)
        assert pitch.criterion is not None and p.better(pitch.criterion.value, pitch.fallback)
        assert p.better(pitch.fallback, p.minimum) and p.better(p.target, pitch.fallback)
        assert pitch.criterion.name in pitch.lines[1]


@pytest.mark.parametrize("s", ALL, ids=IDS)
def test_a_theatrical_pitch_is_absurd_pushes_past_the_limit_and_pressures(s):
    p = s.scenario
    for seed in SEEDS:
        pitch = make_pitch(s, honest=False, rng=seed)
        assert not pitch.honest and pitch.criterion is None and pitch.opener_basis is None
        assert p.cost(pitch.opener) > edge_cost(s)
        assert not s.within_limit(pitch.fallback)
        assert p.cost(pitch.fallback) < p.cost(pitch.opener)
        assert pitch.opener >= 0 and pitch.fallback >= 0
        assert pitch.tactics and all(t in ("deadline", "guilt", "flattery") for t in pitch.tactics)


def test_theatre_is_blatant_for_beginners_and_subtle_for_the_advanced():
    reach = {}
    for level in ("beginner", "advanced"):
        s = trainer_scenario(f"settlement-{level}")
        reach[level] = min(
            s.scenario.cost(make_pitch(s, honest=False, rng=k).opener) / edge_cost(s)
            for k in range(20)
        )
    assert reach["beginner"] >= 2.9 and 1.3 <= reach["advanced"] < 2.1
    assert len(make_pitch(trainer_scenario("salary-beginner"), honest=False).tactics) == 3
    assert make_pitch(trainer_scenario("salary-advanced"), honest=False).tactics == ("guilt",)


def test_a_random_pitch_is_either_kind_and_reproducible():
    s = trainer_scenario("pricing-beginner")
    kinds = {make_pitch(s, rng=seed).honest for seed in range(30)}
    assert kinds == {True, False}
    assert make_pitch(s, rng=9) == make_pitch(s, rng=9)


def test_a_buyers_absurd_price_stays_positive():
    s = trainer_scenario("procurement-beginner")
    pitch = make_pitch(s, honest=False, rng=0)
    assert 0 < pitch.opener < s.scenario.boldest_benchmark.value
    assert s.as_target.limit > pitch.fallback > pitch.opener


def score(pitch: Pitch, decision: str, counter: float | None = None, flag: bool = False):
    return score_target(pitch, TargetResponse(decision=decision, counter=counter,
                                              flag_theatrical=flag))  # fmt: skip


def test_the_scoring_table_on_a_theatrical_pitch():
    s = trainer_scenario("salary-beginner")
    pitch = make_pitch(s, honest=False, rng=0)
    assert pitch.fallback > s.as_target.limit == 51000
    accept = score(pitch, "accept")
    assert (accept.score, accept.kept_limit, accept.agreed) == (0.0, False, pitch.fallback)
    assert accept.spotting == "false negative" and accept.outcome == "accept"
    decline = score(pitch, "decline", flag=True)
    assert decline.score == OUTCOME_POINTS["decline"][1] + SPOTTING_POINTS["true positive"]
    median = score(pitch, "counter", 50000, flag=True)
    assert median.score == 100.0 and median.counter_basis.name.endswith("median")
    loose = score(pitch, "counter", 48000, flag=True)
    assert loose.outcome == "counter" and loose.score == 90.0
    past = score(pitch, "counter", 51500, flag=True)
    assert past.outcome == "counter-past-limit" and not past.kept_limit
    assert past.outcome_points == 0
    assert median.best_response == TargetResponse(
        decision="counter", counter=50000, flag_theatrical=True
    )


def test_the_scoring_table_on_an_honest_pitch_within_the_limit():
    s = trainer_scenario("volunteering-beginner")
    pitch = make_pitch(s, honest=True, rng=0)  # 208 hours, then the 2-hour zoo trip
    assert s.within_limit(pitch.fallback)
    assert score(pitch, "accept").score == 45 + 40
    assert score(pitch, "accept", flag=True).spotting == "false positive"
    assert score(pitch, "accept", flag=True).score == 45 + 15
    assert score(pitch, "decline").score == 30 + 40
    no_better = score(pitch, "counter", 2.5)
    assert no_better.outcome == "counter-no-better" and no_better.score == 20 + 40
    assert score(pitch, "counter", 1.0).outcome == "counter"
    assert score_target(pitch, score(pitch, "decline").best_response).score == 85


def test_the_pressure_is_the_models_prediction():
    s = trainer_scenario("fundraising-practitioner")
    pitch = make_pitch(s, honest=True, rng=2)
    result = score(pitch, "decline")
    p = s.scenario
    seq = Sequence.door_in_the_face(
        opener=p.cost(pitch.opener), target=p.cost(pitch.fallback), unit=p.unit, prosocial=True
    )
    ctx = Context(baseline=p.baseline(pitch.fallback), plausible_max=p.cost(1000))
    pred = predict(seq, ctx, first_baseline=p.baseline(pitch.opener))
    assert result.pressure.p_after == pytest.approx(pred.p_sequence)
    assert result.pressure.p_alone == pytest.approx(pred.p_alone)
    assert result.pressure.lift == pytest.approx(pred.p_sequence - pred.p_alone)
    assert (result.pressure.lo, result.pressure.hi) == pytest.approx((pred.lo, pred.hi))
    # One note per contribution the model reports, and the rest of the lift (not additive).
    notes = {m.mechanism: m.points for m in result.mechanisms}
    rest = result.pressure.lift - sum(pred.contributions.values())
    assert notes.pop("interaction") == pytest.approx(rest)
    assert notes == pytest.approx(pred.contributions)
    assert any("toward yes" in m.text for m in result.mechanisms)


def test_the_advice_names_the_limit_the_criterion_and_the_pressure():
    s = trainer_scenario("salary-beginner")
    theatre = score(make_pitch(s, honest=False, rng=0), "accept")
    text = " ".join(theatre.advice)
    assert "beyond your limit (51,000 EUR)" in text
    assert "no criterion" in text and "deadline" in text and "lies beyond" in text
    assert "Best answer here: counter at 50,000 EUR" in text
    honest = score(make_pitch(s, honest=True, rng=0), "accept")
    text = " ".join(honest.advice)
    assert "a defensible first ask" in text and "They named" in text


def test_to_dict_hides_the_truth_until_revealed():
    pitch = make_pitch(trainer_scenario("settlement-practitioner"), honest=False, rng=1)
    shown = pitch.to_dict(reveal=False)
    assert "honest" not in shown and "tactics" not in shown
    assert shown["limit"] == 26000 and len(shown["lines"]) == 2
    full = score(pitch, "decline", flag=True).to_dict()
    assert json.loads(json.dumps(full, allow_nan=False)) == full
    assert full["role"] == "target" and full["pitch"]["honest"] is False
    assert full["score"] == 90.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"decision": "maybe"}, "'decision' parameter of TargetResponse"),
        ({"decision": "counter"}, "needs decision='counter' and an amount"),
        ({"decision": "accept", "counter": 5}, "needs decision='counter' and an amount"),
        ({"decision": "counter", "counter": -5}, "'counter' parameter of TargetResponse"),
        ({"decision": "counter", "counter": float("inf")}, "'counter' parameter"),
        ({"decision": "decline", "flag_theatrical": 1}, "'flag_theatrical' parameter"),
    ],
)
def test_response_validation(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        TargetResponse(**kwargs)


def test_arguments_are_checked():
    s = trainer_scenario("salary-beginner")
    with pytest.raises(InvalidParameterError, match="must be a TrainerScenario"):
        make_pitch("salary-beginner")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'honest' parameter of make_pitch"):
        make_pitch(s, honest="yes")  # type: ignore[arg-type]
    pitch = make_pitch(s, rng=0)
    with pytest.raises(InvalidParameterError, match="must be a Pitch"):
        score_target(s, TargetResponse(decision="accept"))  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="must be a TargetResponse"):
        score_target(pitch, "accept")  # type: ignore[arg-type]


pitches = st.builds(
    make_pitch,
    st.sampled_from(ALL),
    honest=st.sampled_from([True, False, None]),
    rng=st.integers(0, 10_000),
)


@FAST
@given(pitch=pitches, flag=st.booleans(), counter_share=st.floats(0.0, 1.5))
def test_target_scores_stay_in_0_100(pitch, flag, counter_share):
    limit = pitch.scenario.as_target.limit
    for response in (
        TargetResponse(decision="accept", flag_theatrical=flag),
        TargetResponse(decision="decline", flag_theatrical=flag),
        TargetResponse(decision="counter", counter=limit * counter_share, flag_theatrical=flag),
    ):
        result = score_target(pitch, response)
        assert 0 <= result.score <= 100
        assert result.score == result.outcome_points + result.spotting_points


@FAST
@given(pitch=pitches, flag=st.booleans())
def test_accepting_below_your_minimum_never_beats_declining(pitch, flag):
    accept = score_target(pitch, TargetResponse(decision="accept", flag_theatrical=flag))
    decline = score_target(pitch, TargetResponse(decision="decline", flag_theatrical=flag))
    if not accept.kept_limit:
        assert accept.score < decline.score
    best = score_target(pitch, accept.best_response)
    assert best.score >= max(accept.score, decline.score)
    assert best.score >= 85


def test_the_retreat_lands_past_the_limit_even_where_rounding_would_undo_it():
    """A buyer 1% inside the market: rounding 989.2 to two figures would give back 990."""
    s = trainer_scenario_from_mapping(
        mapping(
            plan={
                "domain": "procurement", "unit": "EUR", "target": 950, "minimum": 980,
                "batna": 990,
                "benchmarks": [{"name": "low", "kind": "market-low", "value": 900},
                               {"name": "list", "kind": "market-high", "value": 1000}],
                "counterpart": {"accepts_low": 920, "accepts_high": 990},
            },
            as_target={"role": "the seller", "briefing": "You sell.", "limit": 990},
        )
    )  # fmt: skip
    for seed in range(40):
        pitch = make_pitch(s, honest=False, rng=seed)
        assert pitch.fallback < 990 and s.scenario.cost(pitch.fallback) < s.scenario.cost(
            pitch.opener
        )
