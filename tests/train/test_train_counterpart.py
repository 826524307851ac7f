"""The sampled counterparts answer with the model's two-step probabilities.

Many rounds are played and the frequencies of each answer compared with the model's
probabilities, computed independently with ``predict_draws`` on many posterior draws. The
tolerance is four binomial standard errors plus the Monte Carlo error of the expectation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ditf.model import Context, Sequence, predict_draws
from ditf.train import Choice, play_round, trainer_scenario
from ditf.train._counterpart import sample_answers

ROUNDS = 3000
EXACT_DRAWS = 40_000


def tolerance(p: float, n: int) -> float:
    return 4 * math.sqrt(p * (1 - p) / n) + 4 * math.sqrt(p * (1 - p) / EXACT_DRAWS)


def model_probabilities(s, opener: float, fallback: float, delay: float = 0.0, retreats: int = 0):
    """P(yes to the opener) and P(yes to the fallback | refused it), built from first principles."""
    p = s.scenario
    seq = Sequence.door_in_the_face(
        opener=p.cost(opener), target=p.cost(fallback), unit=p.unit, delay_hours=delay,
        prosocial=p.info.prosocial,
    )  # fmt: skip
    ctx = Context(
        baseline=p.baseline(fallback),
        plausible_max=p.cost(p.boldest_benchmark.value),
        prior_retreats=retreats,
        negotiation=p.info.price_like,  # amounts negotiated between two parties anchor
    )
    draws = predict_draws(
        [(seq, ctx)], n_draws=EXACT_DRAWS, rng=123, first_baselines=[p.baseline(opener)]
    )
    return float(draws.p_first_yes.mean()), float(draws.verbal.mean())


@pytest.mark.parametrize(
    ("scenario_id", "opener", "fallback"),
    [("salary-beginner", 53000, 50000), ("fundraising-practitioner", 400, 150)],
)
def test_played_rounds_answer_with_the_models_probabilities(scenario_id, opener, fallback):
    s = trainer_scenario(scenario_id)
    choice = Choice(opener=opener, fallback=fallback, explanation="I give up a lot here.")
    gen = np.random.default_rng(2024)
    answers = [play_round(s, choice, rng=gen).answers for _ in range(ROUNDS)]
    first = np.array([a.opener_answer for a in answers])
    second = np.array([bool(a.fallback_answer) for a in answers])
    p_first, p_second = model_probabilities(s, opener, fallback)
    assert first.mean() == pytest.approx(p_first, abs=tolerance(p_first, ROUNDS))
    refused = ~first
    # A yes to the opener ends the round: the fallback is never asked after it.
    assert all(a.fallback_answer is None for a, f in zip(answers, first, strict=True) if f)
    assert second[refused].mean() == pytest.approx(
        p_second, abs=tolerance(p_second, int(refused.sum()))
    )
    agreed = first | second
    p_agree = p_first + (1 - p_first) * p_second
    assert agreed.mean() == pytest.approx(p_agree, abs=tolerance(p_agree, ROUNDS))


def test_a_direct_ask_is_answered_with_your_estimate():
    s = trainer_scenario("pricing-beginner")
    gen = np.random.default_rng(7)
    yes = np.array(
        [
            play_round(s, Choice(fallback=1800), rng=gen).answers.fallback_answer
            for _ in range(ROUNDS)
        ]
    )
    p = s.scenario.baseline(1800)
    assert yes.mean() == pytest.approx(p, abs=tolerance(p, ROUNDS))


def test_many_counterparts_at_once_match_the_model_closely():
    """A large vectorised sample: each counterpart is its own posterior draw."""
    s = trainer_scenario("settlement-advanced")
    choice = Choice(opener=66000, fallback=55000, delay_hours=2.0)
    n = 100_000
    first, second, p1, p2 = sample_answers(
        s.scenario, choice, prior_retreats=s.prior_retreats, n=n, gen=np.random.default_rng(1)
    )
    p_first, p_second = model_probabilities(s, 66000, 55000, 2.0, s.prior_retreats)
    assert np.all(p1 == pytest.approx(p_first))  # the opener's odds are your estimate
    assert p2.std() > 0.01  # the conditional odds vary from counterpart to counterpart
    assert first.mean() == pytest.approx(p_first, abs=tolerance(p_first, n))
    assert second[~first].mean() == pytest.approx(p_second, abs=tolerance(p_second, n // 2))
    assert not np.any(first & second)
