"""A counterpart drawn from the behavioural model answers the trainee's requests.

Each counterpart is one posterior draw of the model (its parameters and a fresh study-level
strength, as for a new context). Their answer to the opener is a Bernoulli draw with
P(yes to the opener); if they refuse, their answer to the fallback is a Bernoulli draw with
P(yes to the fallback | refused the opener), the model's conditional probability, which
already integrates the person's stable willingness given that refusal (``docs/model.md``).
So the pair of answers has the model's joint distribution, not two independent coin flips.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ditf._types import BoolArray, FloatArray
from ditf.model import Context, Sequence, predict_draws
from ditf.plan import PlanScenario, retreat_context, retreat_sequence
from ditf.train._choice import Choice

__all__ = ["Answers", "answers_from", "sample_answers", "sequence_cell"]

#: predict_draws needs at least this many posterior draws; one counterpart uses the first.
MIN_DRAWS = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Answers:
    """What the sampled counterpart said.

    Attributes
    ----------
    opener_answer : bool or None
        Their answer to the opener (None: you asked directly).
    fallback_answer : bool or None
        Their answer to the fallback (None: not asked, because they said yes to the opener).
    p_opener, p_fallback : float or None
        This counterpart's probabilities of yes to the opener and, when asked, to the fallback.
    result : str
        ``"accepted-opener"``, ``"accepted-fallback"`` or ``"refused"`` (the journal's words).
    agreed : float or None
        The amount agreed, if any.
    value : float
        What the agreement is worth beyond your BATNA (0 when refused: you take the BATNA).
    """

    opener_answer: bool | None
    fallback_answer: bool | None
    p_opener: float | None
    p_fallback: float | None
    result: str
    agreed: float | None
    value: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "opener_answer": self.opener_answer, "fallback_answer": self.fallback_answer,
            "p_opener": self.p_opener, "p_fallback": self.p_fallback, "result": self.result,
            "agreed": self.agreed, "value": self.value,
        }  # fmt: skip


def sequence_cell(
    scenario: PlanScenario, opener: float, fallback: float, delay_hours: float, retreats: int
) -> tuple[Sequence, Context]:
    """The model's view of a retreat, built by the planner's own functions."""
    return (
        retreat_sequence(scenario, opener, fallback, delay_hours),
        retreat_context(scenario, fallback, retreats),
    )


def sample_answers(
    scenario: PlanScenario,
    choice: Choice,
    *,
    prior_retreats: int,
    n: int,
    gen: np.random.Generator,
) -> tuple[BoolArray, BoolArray, FloatArray, FloatArray]:
    """Answers of ``n`` counterparts, each its own posterior draw.

    Returns
    -------
    first_yes, second_yes, p_first, p_second : ndarray of shape (n,)
        For a direct ask there is no first request: ``first_yes`` is all False,
        ``p_first`` all 0, and the second answer is to the fallback asked alone.
    """
    if choice.opener is None:
        p_first = np.zeros(n)
        p_second = np.full(n, scenario.baseline(choice.fallback))
    else:
        cell = sequence_cell(
            scenario, choice.opener, choice.fallback, choice.delay_hours, prior_retreats
        )
        draws = predict_draws(
            [cell],
            n_draws=max(n, MIN_DRAWS),
            rng=gen,
            first_baselines=[scenario.baseline(choice.opener)],
        )
        p_first = draws.p_first_yes[:n, 0]
        p_second = draws.verbal[:n, 0]
    u = gen.random((2, n))
    first_yes = u[0] < p_first
    second_yes = ~first_yes & (u[1] < p_second)
    return first_yes, second_yes, p_first, p_second


def answers_from(
    scenario: PlanScenario, choice: Choice, first: bool, second: bool, p1: float, p2: float
) -> Answers:
    """One counterpart's answers as a record."""
    direct = choice.opener is None
    if first:
        result, agreed = "accepted-opener", choice.opener
    elif second:
        result, agreed = "accepted-fallback", choice.fallback
    else:
        result, agreed = "refused", None
    return Answers(
        opener_answer=None if direct else bool(first),
        fallback_answer=None if first else bool(second),
        p_opener=None if direct else float(p1),
        p_fallback=None if first else float(p2),
        result=result,
        agreed=agreed,
        value=0.0 if agreed is None else scenario.gain(agreed),
    )
