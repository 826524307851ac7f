"""The counterpart posterior: recorded answers update your estimate, exactly and sensibly."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import ndtr

from ditf.plan import LIMIT_STABILITY, Answer, CounterpartEstimate
from ditf.plan._history import answers_from_asks, posterior_weights, predictive

PRIOR = CounterpartEstimate(accepts_low=96000, accepts_high=118000)
FAST = settings(max_examples=40, deadline=None)


def ask(technique, opener, fallback, result, asked_by="me"):
    outcome = None if result is None else SimpleNamespace(result=result)
    return SimpleNamespace(technique=technique, opener=opener, fallback=fallback,
                           asked_by=asked_by, outcome=outcome)  # fmt: skip


def test_without_answers_the_prior_is_unchanged_exactly():
    z = np.linspace(-4, 4, 17)
    assert np.allclose(predictive(z, posterior_weights((), ())), ndtr(z), atol=1e-9)
    assert PRIOR.with_answers(()) == PRIOR
    assert PRIOR.updated_range("more") == (96000.0, 118000.0)


def test_the_grid_posterior_matches_direct_integration():
    z0, lift, amount_z = (-0.3, 0.4), 0.5, 0.2
    answers = (Answer(1.0, False), Answer(2.0, True, lift))
    s, e = np.sqrt(LIMIT_STABILITY), np.sqrt(1 - LIMIT_STABILITY)

    def density(t: float) -> float:
        like = ndtr(-(z0[0] + s * t) / e) * ndtr((z0[1] + lift + s * t) / e)
        return float(np.exp(-t * t / 2) * like)

    norm = quad(density, -12, 12, epsabs=1e-14)[0]
    exact = quad(lambda t: density(t) * ndtr((amount_z + s * t) / e), -12, 12, epsabs=1e-14)[0]
    got = predictive(np.array(amount_z), posterior_weights(z0, answers))
    assert float(got) == pytest.approx(exact / norm, abs=1e-9)


@FAST
@given(
    low=st.floats(1e3, 1e6),
    width=st.floats(0.05, 1.0),
    where=st.floats(0.05, 0.95),
    above=st.floats(0.0, 0.5),
)
def test_a_plain_refusal_more_than_halves_p_yes_at_and_above_its_amount(low, width, where, above):
    c = CounterpartEstimate(accepts_low=low, accepts_high=low * (1 + width))
    x = low + where * (c.accepts_high - low)
    refused = c.with_answers((Answer(x, False),))
    for amount in (x, x + above * (c.accepts_high - low)):
        assert refused.p_accepts(amount, "more") < 0.5 * c.p_accepts(amount, "more")


@FAST
@given(where=st.floats(0.05, 0.95), direction=st.sampled_from(["more", "less"]))
def test_an_acceptance_moves_the_range_toward_its_amount(where, direction):
    x = 96000 + where * 22000
    lo, hi = PRIOR.with_answers((Answer(x, True),)).updated_range(direction)
    if direction == "more":  # they would give at least x: the lower end rises
        assert lo > 96000
    else:  # they would take x: the upper end (the least they would take) falls
        assert hi < 118000


def test_a_yes_won_by_a_retreat_says_less_than_a_plain_yes():
    plain = PRIOR.with_answers((Answer(110000, True),))
    lifted = PRIOR.with_answers((Answer(110000, True, lift=1.0),))
    assert PRIOR.p_accepts(112000, "more") < lifted.p_accepts(112000, "more")
    assert lifted.p_accepts(112000, "more") < plain.p_accepts(112000, "more")


def test_answers_are_read_from_your_asks_with_an_outcome():
    asks = [
        ask("direct", None, 108000, "refused"),
        ask("door-in-the-face", 124000, 110000, "accepted-fallback"),
        ask("door-in-the-face", 124000, 110000, "accepted-opener"),
        ask("door-in-the-face", 130000, 112000, "walked-away"),
        ask("door-in-the-face", 124000, 110000, None),  # no outcome yet
        ask("direct", None, 90000, "refused", asked_by="them"),  # their ask to you
    ]
    assert answers_from_asks(asks, lambda a: 0.7 if a is asks[1] else 0.0) == (
        Answer(108000, False),
        Answer(124000, False), Answer(110000, True, 0.7),
        Answer(124000, True),
        Answer(130000, False),
    )  # fmt: skip


def test_an_answer_is_checked():
    with pytest.raises(ValueError, match="accepted"):
        Answer(1.0, "yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="amount"):
        Answer(float("nan"), True)
