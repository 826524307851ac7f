"""Property tests: the model's invariants hold for random sequences, contexts and draws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ndtri

from ditf.model import (
    Context,
    Mechanisms,
    ModelParams,
    ParamArrays,
    Request,
    Sequence,
    Step,
    load_model,
    predict,
)
from ditf.model._mechanisms import (
    LATENT_MECHANISMS,
    NO_ANSWER,
    REFUSED,
    YES_AGREED,
    YES_PERFORMED,
    StepFeatures,
    contrast,
    credibility,
    lifts,
    reciprocity,
    total_lift,
)
from ditf.model._probability import (
    NO,
    compile_two_step,
    evaluate_two_step,
    monte_carlo,
    step_features,
)

FAST = settings(max_examples=40, deadline=None)
#: Slack for floating-point rounding in comparisons that are exact in real arithmetic.
ROUNDING = 1e-12

costs = st.floats(min_value=0.01, max_value=1e5, allow_nan=False, allow_infinity=False)
delays = st.floats(min_value=0.0, max_value=1000.0, allow_nan=False, allow_infinity=False)
baselines = st.floats(min_value=1e-4, max_value=1.0 - 1e-4)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


@st.composite
def sequences(draw: st.DrawFn, max_steps: int = 2) -> Sequence:
    """Any valid sequence: mixed requesters, described steps, agree-only yeses, delays."""
    n = draw(st.integers(min_value=1, max_value=max_steps))
    # Draw costs from a small pool too, so that ties (equal costs) come up.
    pool = draw(st.lists(costs, min_size=1, max_size=3))
    steps = []
    for i in range(n):
        last = i == n - 1
        request = Request(
            cost=draw(st.one_of(costs, st.sampled_from(pool))),
            requester=draw(st.sampled_from(["a", "b"])),
            prosocial=draw(st.booleans()),
            described_only=False if last else draw(st.booleans()),
            performed=draw(st.booleans()),
        )
        steps.append(Step(request=request, delay_hours=draw(delays)))
    return Sequence(tuple(steps))


contexts = st.builds(
    Context,
    baseline=baselines,
    plausible_max=st.none() | costs,
    prior_retreats=st.integers(min_value=0, max_value=5),
    negotiation=st.booleans(),
)


def posterior(n: int, seed: int) -> ParamArrays:
    """``n`` posterior draws of the shipped model, plus the round example values."""
    draws = load_model().draw(n, rng=seed)[0]
    example = ModelParams.example().to_array()[None, :]
    matrix = np.hstack(draws)
    return ParamArrays.from_matrix(np.vstack([matrix, example]))


def in_unit_interval(*values: float) -> bool:
    return all(np.isfinite(v) and 0.0 <= v <= 1.0 for v in values)


# Probabilities stay in [0, 1] ---------------------------------------------------------------


@FAST
@given(seq=sequences(max_steps=2), context=contexts, seed=seeds)
def test_predicted_probabilities_stay_in_the_unit_interval(seq, context, seed):
    pred = predict(seq, context, n_draws=50, rng=seed)
    assert in_unit_interval(
        pred.p_sequence, pred.lo, pred.hi, pred.p_asked, pred.behavioral_alone,
        pred.behavioral_sequence,
    )  # fmt: skip
    assert pred.lo <= pred.hi
    assert pred.lift_lo <= pred.lift_hi
    assert pred.lift == pytest.approx(pred.p_sequence - pred.p_alone, abs=1e-12)
    assert np.isfinite(pred.lift_logodds)
    # A kept yes is a yes: behaviour never exceeds verbal agreement.
    assert pred.behavioral_sequence <= pred.p_sequence + ROUNDING
    assert pred.behavioral_alone <= pred.p_alone + ROUNDING


@FAST
@given(seq=sequences(max_steps=4), context=contexts, seed=seeds)
def test_simulated_probabilities_stay_in_the_unit_interval(seq, context, seed):
    p = posterior(3, seed)
    n = p.cost_sensitivity.shape[0]
    gen = np.random.default_rng(seed)
    strength = np.exp(p.heterogeneity * gen.standard_normal((n, 1)))
    baseline_z = np.full((n, 1), ndtri(context.baseline))
    out = monte_carlo(seq, context, p, Mechanisms(), strength, baseline_z, 200, gen)
    for values in out:
        assert values.shape == (n,)
        assert np.all(np.isfinite(values)) and np.all((values >= 0.0) & (values <= 1.0))
    assert np.all(out.behavioral <= out.verbal)


# Delay never raises the reciprocity lift ----------------------------------------------------


def retreat_features(opener: float, target: float, delay: float, context: Context) -> StepFeatures:
    """Features of the target after the opener was refused."""
    seq = Sequence.door_in_the_face(opener=opener, target=target, delay_hours=delay)
    return step_features(seq, context, 1, np.array([[NO]], dtype=float))


@FAST
@given(
    target=costs,
    ratio=st.floats(min_value=1.001, max_value=1e4),
    delay=delays,
    more=st.floats(min_value=0.0, max_value=1000.0),
    context=contexts,
    seed=seeds,
)
def test_more_delay_never_raises_the_reciprocity_lift(target, ratio, delay, more, context, seed):
    p = posterior(20, seed)
    sooner = retreat_features(target * ratio, target, delay, context)
    later = retreat_features(target * ratio, target, delay + more, context)
    assert np.all(reciprocity(p, later) <= reciprocity(p, sooner) + ROUNDING)
    assert np.all(contrast(p, later) <= contrast(p, sooner) + ROUNDING)
    strength = np.ones((p.cost_sensitivity.shape[0], 1))
    for mech in (Mechanisms(), Mechanisms().without("prosocial_moderation")):
        slower = total_lift(p, later, mech, strength)
        assert np.all(slower <= total_lift(p, sooner, mech, strength) + ROUNDING)


# A bigger concession never lowers the lift before the credibility limit ----------------------


@FAST
@given(
    target=costs,
    ratio=st.floats(min_value=1.001, max_value=1e4),
    bigger=st.floats(min_value=1.0, max_value=100.0),
    room=st.floats(min_value=1.0, max_value=100.0) | st.none(),
    baseline=baselines,
    seed=seeds,
)
def test_a_bigger_opener_never_lowers_the_lift_below_the_limit(
    target, ratio, bigger, room, baseline, seed
):
    small, large = target * ratio, target * ratio * bigger
    limit = None if room is None else large * room  # both openers are within the limit
    context = Context(baseline=baseline, plausible_max=limit)
    p = posterior(20, seed)
    f_small = retreat_features(small, target, 0.0, context)
    f_large = retreat_features(large, target, 0.0, context)
    assert np.all(reciprocity(p, f_large) >= reciprocity(p, f_small) - ROUNDING)
    assert np.all(credibility(p, f_large) == 0.0)
    strength = np.ones((p.cost_sensitivity.shape[0], 1))
    lift_small = total_lift(p, f_small, Mechanisms(), strength)
    assert np.all(total_lift(p, f_large, Mechanisms(), strength) >= lift_small - ROUNDING)
    # And P(yes | refused the opener): fewer refusers are selected out by a bigger opener.
    cells = [(Sequence.door_in_the_face(opener=o, target=target), context) for o in (small, large)]
    z = np.full((1, 2), ndtri(baseline))
    verbal = evaluate_two_step(compile_two_step(cells), p, Mechanisms(), strength, z).verbal
    assert np.all(verbal[:, 1] >= verbal[:, 0] - 1e-9)


@FAST
@given(
    limit=costs,
    over=st.floats(min_value=1.0, max_value=1e3),
    more=st.floats(min_value=1.0, max_value=1e3),
    seed=seeds,
)
def test_past_the_limit_a_bigger_opener_only_deepens_the_penalty(limit, over, more, seed):
    context = Context(baseline=0.3, plausible_max=limit)
    p = posterior(20, seed)
    near = credibility(p, retreat_features(limit * over, limit / 10, 0.0, context))
    far = credibility(p, retreat_features(limit * over * more, limit / 10, 0.0, context))
    assert np.all(far <= near + ROUNDING)
    assert np.all(near <= 0.0)


# Switching a mechanism off removes exactly its contribution ---------------------------------


@st.composite
def features(draw: st.DrawFn) -> StepFeatures:
    """Arbitrary histories: any concession, delays, habituation, answer, excess, cause."""
    size = 8
    nonneg = st.floats(min_value=0.0, max_value=10.0)

    def column(elements: st.SearchStrategy[float]) -> np.ndarray:
        return np.array(draw(st.lists(elements, min_size=size, max_size=size)), dtype=float)

    answers = st.sampled_from([NO_ANSWER, YES_PERFORMED, YES_AGREED, REFUSED])
    return StepFeatures(
        concession=column(nonneg),
        retreat_delay=column(st.floats(min_value=0.0, max_value=500.0)),
        retreats_seen=column(st.integers(min_value=0, max_value=5).map(float)),
        anchor=column(nonneg),
        anchor_delay=column(st.floats(min_value=0.0, max_value=500.0)),
        last_answer=column(answers.map(float)),
        excess=column(nonneg),
        prosocial=column(st.sampled_from([0.0, 1.0])),
        anchor_log=column(nonneg),
    )


@FAST
@given(f=features(), seed=seeds, log_strength=st.floats(min_value=-2.0, max_value=2.0))
def test_switching_a_mechanism_off_removes_exactly_its_latent_term(f, seed, log_strength):
    p = posterior(5, seed)
    strength = np.full((p.cost_sensitivity.shape[0], 1), np.exp(log_strength))
    full = lifts(p, f, Mechanisms(), strength)
    total = total_lift(p, f, Mechanisms(), strength)
    for name in LATENT_MECHANISMS:
        ablated = lifts(p, f, Mechanisms().without(name), strength)
        assert np.all(ablated[name] == 0.0)
        for other in LATENT_MECHANISMS:
            if other != name:
                np.testing.assert_array_equal(ablated[other], full[other])
        removed = total - total_lift(p, f, Mechanisms().without(name), strength)
        np.testing.assert_allclose(removed, full[name], rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(seq=sequences(max_steps=2), context=contexts, seed=seeds)
def test_reported_contributions_are_ablations_at_the_same_draws(seq, context, seed):
    full = predict(seq, context, n_draws=50, rng=seed)
    for name, contribution in full.contributions.items():
        if name == "selection":
            continue
        ablated = predict(seq, context, n_draws=50, rng=seed, mechanisms=Mechanisms().without(name))
        assert contribution == pytest.approx(full.p_sequence - ablated.p_sequence, abs=1e-12)


def test_reported_contributions_are_ablations_for_a_simulated_sequence():
    # Three steps go through Monte Carlo with common random numbers across ablations.
    seq = Sequence(
        (
            Step(request=Request(cost=1000.0)),
            Step(request=Request(cost=208.0)),
            Step(request=Request(cost=2.0), delay_hours=1.0),
        )
    )
    context = Context(baseline=0.167, plausible_max=500.0)
    full = predict(seq, context, n_draws=20)
    assert full.method == "monte carlo"
    assert set(full.contributions) == {
        "reciprocity", "contrast", "credibility", "consistency", "prosocial_moderation",
        "anchoring", "selection",
    }  # fmt: skip
    for name in ("reciprocity", "contrast", "credibility", "consistency"):
        ablated = predict(seq, context, n_draws=20, mechanisms=Mechanisms().without(name))
        assert full.contributions[name] == pytest.approx(
            full.p_sequence - ablated.p_sequence, abs=1e-12
        )
    bare = predict(seq, context, n_draws=20, mechanisms=Mechanisms.only())
    assert full.contributions["selection"] == pytest.approx(bare.p_sequence - 0.167, abs=1e-12)
