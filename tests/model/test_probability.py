"""Exact two-step probabilities against simulation, the bivariate normal, longer sequences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats
from scipy.special import ndtr, ndtri

from ditf._errors import InvalidParameterError
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
from ditf.model._bivariate import bvn_cdf
from ditf.model._probability import compile_two_step, evaluate_two_step, monte_carlo

#: People simulated per parameter draw when checking the exact formulas.
N_PEOPLE = 100_000
#: Monte Carlo agreement: |exact - simulated| within this many standard errors.
N_SE = 4.0


def parameter_draws() -> tuple[ParamArrays, np.ndarray]:
    """Shipped mode, a posterior draw and the round example values, with varied strengths."""
    model = load_model()
    rows = [
        model.params.to_array(),
        np.hstack(model.draw(1, rng=7)[0])[0],
        ModelParams.example().to_array(),
    ]
    strength = np.array([[1.0], [1.8], [0.6]])
    return ParamArrays.from_matrix(np.array(rows)), strength


SCENARIOS = {
    "door in the face": (Sequence.door_in_the_face(opener=208, target=2), Context(baseline=0.167)),
    "exposure control": (
        Sequence.door_in_the_face(opener=208, target=2, described_only=True),
        Context(baseline=0.167),
    ),
    "other requester": (
        Sequence.door_in_the_face(opener=208, target=2, other_requester=True),
        Context(baseline=0.3),
    ),
    "delayed retreat": (
        Sequence.door_in_the_face(opener=50, target=2, delay_hours=24),
        Context(baseline=0.4),
    ),
    "absurd opener, seen before": (
        Sequence.door_in_the_face(opener=5000, target=2, prosocial=False),
        Context(baseline=0.25, plausible_max=300, prior_retreats=2),
    ),
    "foot in the door": (
        Sequence.foot_in_the_door(foot=0.1, target=2, delay_hours=72, prosocial=False),
        Context(baseline=0.222),
    ),
    "agree only": (
        Sequence.foot_in_the_door(foot=0.1, target=2, delay_hours=72, performed=False),
        Context(baseline=0.222),
    ),
    "foot, other requester": (
        Sequence.foot_in_the_door(foot=0.5, target=2, other_requester=True),
        Context(baseline=0.6),
    ),
    "target alone": (Sequence.target_only(2), Context(baseline=0.1)),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_exact_two_step_probabilities_agree_with_monte_carlo(name):
    seq, context = SCENARIOS[name]
    p, strength = parameter_draws()
    baseline_z = np.full_like(strength, ndtri(context.baseline))
    exact = evaluate_two_step(
        compile_two_step([(seq, context)]), p, Mechanisms(), strength, baseline_z
    )
    # One stream per scenario. 54 comparisons at 4 SE: a false alarm for ~0.3% of seeds.
    gen = np.random.default_rng([2024, list(SCENARIOS).index(name)])
    sim = monte_carlo(seq, context, p, Mechanisms(), strength, baseline_z, N_PEOPLE, gen)
    asked = exact.p_asked[:, 0]
    se_asked = np.sqrt(asked * (1 - asked) / N_PEOPLE)
    np.testing.assert_array_less(np.abs(sim.p_asked - asked), N_SE * se_asked + 1e-12)
    n_asked = sim.p_asked * N_PEOPLE
    for field in ("verbal", "behavioral"):
        want, got = getattr(exact, field)[:, 0], getattr(sim, field)
        se = np.sqrt(want * (1 - want) / n_asked)
        np.testing.assert_array_less(np.abs(got - want), N_SE * se + 1e-12, err_msg=field)


def test_the_design_scenarios_cover_every_kind_of_two_step_cell():
    design = compile_two_step(list(SCENARIOS.values()))
    assert design.retreat.sum() >= 4  # door in the face, asked openers
    assert design.escalation.sum() >= 3  # foot in the door
    assert np.sum((design.retreat == 0) & (design.escalation == 0)) == 2  # exposure, alone


def test_the_exact_target_alone_is_the_baseline():
    p, strength = parameter_draws()
    seq, context = SCENARIOS["target alone"]
    z = np.full_like(strength, ndtri(context.baseline))
    out = evaluate_two_step(compile_two_step([(seq, context)]), p, Mechanisms(), strength, z)
    np.testing.assert_allclose(out.verbal[:, 0], context.baseline, rtol=1e-12)
    np.testing.assert_allclose(out.p_asked[:, 0], 1.0)


def test_the_two_step_design_rejects_longer_sequences():
    three = Sequence(tuple(Step(request=Request(cost=c)) for c in (100.0, 10.0, 1.0)))
    with pytest.raises(InvalidParameterError, match=r"at most two steps; got 3\. Use monte_carlo"):
        compile_two_step([(three, Context(baseline=0.2))])


# The bivariate normal CDF -------------------------------------------------------------------

unit = st.floats(min_value=-5.0, max_value=5.0)
correlations = st.floats(min_value=-0.9, max_value=0.9)


@settings(max_examples=50, deadline=None)
@given(h=unit, k=unit, r=correlations)
def test_bvn_cdf_agrees_with_scipy(h, k, r):
    cov = [[1.0, r], [r, 1.0]]
    want = stats.multivariate_normal.cdf([h, k], mean=[0.0, 0.0], cov=cov, abseps=1e-10, releps=0)
    assert float(bvn_cdf(np.array(h), np.array(k), np.array(r))) == pytest.approx(want, abs=1e-8)


@settings(max_examples=30, deadline=None)
@given(h=unit, k=unit, r=correlations)
def test_bvn_cdf_meets_its_documented_1e9_accuracy(h, k, r):
    # P(X < h, Y < k) = integral over x < h of phi(x) Phi((k - r x) / sqrt(1 - r^2)).
    def integrand(x: float) -> float:
        return float(stats.norm.pdf(x) * ndtr((k - r * x) / np.sqrt(1.0 - r * r)))

    want = integrate.quad(integrand, -np.inf, h, epsabs=1e-14, epsrel=1e-12)[0]
    assert float(bvn_cdf(np.array(h), np.array(k), np.array(r))) == pytest.approx(want, abs=1e-9)


def test_bvn_cdf_closed_forms_and_broadcasting():
    r = np.linspace(-0.9, 0.9, 7)
    # Orthant probability: 1/4 + asin(r) / (2 pi).
    np.testing.assert_allclose(
        bvn_cdf(np.zeros(7), np.zeros(7), r), 0.25 + np.arcsin(r) / (2 * np.pi)
    )
    h = np.linspace(-3, 3, 5)[:, None]
    k = np.linspace(-2, 2, 4)[None, :]
    out = bvn_cdf(h, k, np.array([[0.0]]))
    assert out.shape == (5, 4)
    np.testing.assert_allclose(out, ndtr(h) * ndtr(k), atol=1e-15)


# Longer sequences go through Monte Carlo ----------------------------------------------------

DOOR = Sequence.door_in_the_face(opener=208, target=2)
CONTEXT = Context(baseline=0.167)


def test_a_three_step_sequence_is_simulated_and_equals_its_two_step_core():
    # A cheap step that is only described changes nothing: not asked, not an anchor, no
    # retreat. The simulated three steps must match the exact two at the same draws.
    preface = Step(request=Request(cost=0.5, described_only=True))
    three = Sequence((preface, *DOOR.steps))
    simulated = predict(three, CONTEXT)
    exact = predict(DOOR, CONTEXT)
    assert (simulated.method, exact.method) == ("monte carlo", "exact")
    # 200,000 people in all, over 99% of them asked: SE <= 0.5 / sqrt(198,000) ~ 0.0011.
    assert simulated.p_sequence == pytest.approx(exact.p_sequence, abs=N_SE * 0.0012)
    assert simulated.p_asked == pytest.approx(exact.p_asked, abs=N_SE * 0.0012)
    assert simulated.contributions["reciprocity"] == pytest.approx(
        exact.contributions["reciprocity"], abs=2 * N_SE * 0.0012
    )


def test_a_double_retreat_reaches_the_target_less_often_than_its_prefix():
    three = Sequence(
        (
            Step(request=Request(cost=1000.0)),
            Step(request=Request(cost=208.0)),
            Step(request=Request(cost=2.0)),
        )
    )
    pred = predict(three, CONTEXT)
    assert pred.method == "monte carlo"
    # The target is asked only after both refusals; refusing the first alone is more common.
    first_refused = predict(Sequence.door_in_the_face(opener=1000, target=2), CONTEXT).p_asked
    assert 0.0 < pred.p_asked < first_refused
    assert 0.0 <= pred.lo <= pred.hi <= 1.0
    # The second retreat is still a concession: the target does better than asked alone.
    assert pred.lift > 0.0
    assert pred.contributions["reciprocity"] > 0.0


def test_a_three_step_foot_in_the_door_asks_everyone():
    ladder = Sequence(
        (
            Step(request=Request(cost=0.1)),
            Step(request=Request(cost=0.5)),
            Step(request=Request(cost=2.0)),
        )
    )
    pred = predict(ladder, Context(baseline=0.222))
    assert pred.method == "monte carlo"
    assert pred.p_asked == 1.0
    assert pred.lift > predict(Sequence(ladder.steps[1:]), Context(baseline=0.222)).lift - 0.01
    assert pred.contributions["reciprocity"] == 0.0
