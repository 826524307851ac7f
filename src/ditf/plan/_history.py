"""What a counterpart's recorded answers say about their limit: a Bayesian update.

Your 90% range for the counterpart is the prior: it gives P(yes) to any amount asked alone,
``p0(X)``, and so the latent index ``z0(X) = Phi^-1(p0(X))`` of the model (``docs/model.md``).
An answer to an ask of ``X`` is yes when ``z0(X) + lift + theta + e > 0``: ``theta ~ N(0, s)``
is this counterpart's stable departure from your estimate, shared by every answer they give,
and ``e ~ N(0, 1 - s)`` is fresh response noise (the model's choice equation, with the
counterpart's own stable share ``s``); ``lift`` is the mechanisms' latent lift when the ask was
a retreat. With no answer the predictive ``P(yes to X)`` is ``p0(X)`` exactly. The posterior of
``theta`` is computed on a fine grid (the likelihood is a product of probits: no closed form),
to within 1e-9 of the exact integral.

``s``, :data:`LIMIT_STABILITY`, is a prior: a counterpart's limit in a negotiation (a budget,
a reservation price) stays put between asks, so most of the variation in their answers is
stable. The model's own ``trait_share`` (0.38), fitted on favours asked of strangers, would
make one refusal say little about the same counterpart's next answer to the same amount.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, TypeVar

import numpy as np
from scipy.special import ndtr, ndtri

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray
from ditf._validation import check_finite

__all__ = [
    "LIMIT_STABILITY",
    "Answer",
    "AskLike",
    "answers_from_asks",
    "posterior_weights",
    "predictive",
]

#: Stable share of a counterpart's answers: the model's largest trait share (0.9). A prior.
LIMIT_STABILITY = 0.9
#: Grid for the stable part theta, in its prior SDs: the posterior mass beyond +-10 SD is
#: below 1e-20 for any answers, and 2001 points resolve it far below 1e-9.
_GRID = np.linspace(-10.0, 10.0, 2001)


@dataclass(frozen=True, slots=True)
class Answer:
    """A counterpart's answer to one ask: the amount, yes or no, and the mechanisms' lift.

    ``lift`` is the latent lift of the ask (0 for a plain ask; the model's lift for the
    fallback of a retreat, whose yes says less about the limit).
    """

    amount: float
    accepted: bool
    lift: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", check_finite(self.amount, "amount", "Answer"))
        object.__setattr__(self, "lift", check_finite(self.lift, "lift", "Answer"))
        if not isinstance(self.accepted, bool):
            raise InvalidParameterError(
                f"The 'accepted' parameter of Answer must be True or False. Got "
                f"{self.accepted!r} instead."
            )


def posterior_weights(z0: tuple[float, ...], answers: tuple[Answer, ...]) -> FloatArray:
    """Posterior weights of the stable part on the grid, given each answer's prior index.

    ``z0[i]`` is ``Phi^-1(p0(answers[i].amount))``. Exact up to the grid (module docstring).
    """
    return _weights(tuple(z0), tuple((a.accepted, a.lift) for a in answers))


@lru_cache(maxsize=256)
def _weights(z0: tuple[float, ...], answers: tuple[tuple[bool, float], ...]) -> FloatArray:
    theta = _GRID * np.sqrt(LIMIT_STABILITY)
    noise = np.sqrt(1.0 - LIMIT_STABILITY)
    log_w = -0.5 * _GRID**2
    for z, (accepted, lift) in zip(z0, answers, strict=True):
        index = (z + lift + theta) / noise
        log_w = log_w + np.log(np.maximum(ndtr(index if accepted else -index), 1e-300))
    w = np.exp(log_w - log_w.max())
    result: FloatArray = w / w.sum()
    return result


def predictive(z0: FloatArray, weights: FloatArray) -> FloatArray:
    """P(yes) to asks whose prior indices are ``z0``, averaged over the posterior.

    With the prior's own weights it returns ``Phi(z0)`` (to the grid's accuracy).
    """
    theta = _GRID * np.sqrt(LIMIT_STABILITY)
    index = (np.asarray(z0, dtype=float)[..., None] + theta) / np.sqrt(1.0 - LIMIT_STABILITY)
    result: FloatArray = ndtr(index) @ weights
    return result


class _OutcomeLike(Protocol):
    @property
    def result(self) -> str: ...


class AskLike(Protocol):
    """What :func:`answers_from_asks` reads from a journal ask (``ditf.store.AskRecord``)."""

    @property
    def technique(self) -> str: ...
    @property
    def opener(self) -> float | None: ...
    @property
    def fallback(self) -> float: ...
    @property
    def asked_by(self) -> str: ...
    @property
    def outcome(self) -> _OutcomeLike | None: ...


Ask = TypeVar("Ask", bound=AskLike)


def answers_from_asks(
    asks: Sequence[Ask], lift: Callable[[Ask], float] | None = None
) -> tuple[Answer, ...]:
    """The counterpart's answers in your asks to them (their asks to you say nothing here).

    A plain ask answers once; a door-in-the-face opener refused then the fallback answers
    twice, the second with the mechanisms' latent lift, ``lift(ask)`` (0 when not given);
    a walk-away is a no to the opener; asks without an outcome are skipped. A
    foot-in-the-door's small first ask is left out, and its target is read as a plain ask.
    """
    answers: list[Answer] = []
    for ask in asks:
        if ask.asked_by != "me" or ask.outcome is None:
            continue
        result = ask.outcome.result
        if ask.technique == "door-in-the-face" and ask.opener is not None:
            answers.append(Answer(ask.opener, result == "accepted-opener"))
            if result in ("accepted-fallback", "refused"):
                lifted = 0.0 if lift is None else lift(ask)
                answers.append(Answer(ask.fallback, result == "accepted-fallback", lifted))
        else:
            answers.append(Answer(ask.fallback, result in ("accepted-fallback", "accepted-opener")))
    return tuple(answers)


def prior_index(p0: FloatArray) -> FloatArray:
    """``Phi^-1`` of prior probabilities kept inside (0, 1)."""
    result: FloatArray = ndtri(np.clip(p0, 1e-300, 1.0 - 1e-16))
    return result
