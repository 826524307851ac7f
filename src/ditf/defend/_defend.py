"""``defend``: recognise the sequence, estimate its pressure, and advise."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ditf._types import Seed
from ditf._validation import check_int_range, check_probability
from ditf.defend._advice import Advice, advise
from ditf.defend._case import DefendCase, Episode
from ditf.defend._pressure import Pressure, estimate_pressure
from ditf.defend._recognise import Recognition, recognise
from ditf.model import FitResult, load_model

__all__ = ["Defence", "defend"]


@dataclass(frozen=True, slots=True)
class Defence:
    """The whole answer for one case: what it is, how hard it pushes, what to do.

    Attributes
    ----------
    case : DefendCase
        What you were asked.
    recognition : Recognition
        The pattern, its confidence and the evidence.
    pressure : Pressure
        P(yes) after the sequence against alone, and the mechanisms behind the difference.
    advice : Advice
        The verdict, the checks, the criterion, the counter and the reply.
    """

    case: DefendCase
    recognition: Recognition
    pressure: Pressure
    advice: Advice

    @property
    def pattern(self) -> str:
        """The recognised pattern."""
        return self.recognition.pattern

    @property
    def confidence(self) -> float:
        """Confidence in :attr:`pattern`."""
        return self.recognition.confidence

    @property
    def below_minimum(self) -> bool:
        """Whether the current request is worse for you than your limit."""
        return self.advice.below_minimum


def defend(
    case: DefendCase,
    *,
    past_episodes: Iterable[Episode] = (),
    model: FitResult | None = None,
    level: float = 0.9,
    n_draws: int = 1000,
    rng: Seed = 0,
) -> Defence:
    """Recognise the technique used on you, estimate its pressure, and advise.

    Parameters
    ----------
    case : DefendCase
        What you were asked (:func:`defend_case_from_mapping` reads a file's mapping).
    past_episodes : iterable of Episode, default ()
        Earlier episodes with the same counterpart besides ``case.episodes`` (e.g. from the
        journal, :meth:`Episode.from_ask`).
    model : FitResult, optional
        Default: the shipped fit.
    level : float, default 0.9
        Interval level.
    n_draws : int, default 1000
        Posterior draws behind the interval (10 to 100000).
    rng : int, Generator or None, default 0
        Randomness for the draws (fixed by default: the same case gives the same answer).

    Returns
    -------
    Defence

    Raises
    ------
    InvalidParameterError
        If ``level``, ``n_draws`` or ``past_episodes`` is invalid.

    Examples
    --------
    >>> from ditf.defend import defend_case_from_mapping
    >>> case = defend_case_from_mapping({
    ...     "domain": "settlement", "unit": "EUR", "minimum": 80000, "batna": 95000,
    ...     "benchmarks": [{"name": "comparable settlements, low", "kind": "market-low",
    ...                     "value": 40000},
    ...                    {"name": "comparable settlements, high", "kind": "market-high",
    ...                     "value": 90000}],
    ...     "requests": [{"amount": 250000, "requester": "their lawyer", "at_minutes": 0},
    ...                  {"amount": 120000, "requester": "their lawyer", "at_minutes": 1}]})
    >>> d = defend(case)
    >>> d.pattern, d.below_minimum, d.advice.verdict, d.advice.counter <= case.minimum
    ('door-in-the-face', True, 'decline', True)
    """
    check_probability(level, "level", "defend", open_interval=True)
    check_int_range(n_draws, "n_draws", "defend", 10, 100_000)
    model = model or load_model()
    recognition = recognise(case, past_episodes=past_episodes, model=model)
    pressure = estimate_pressure(
        case,
        prior_retreats=recognition.prior_retreats,
        model=model,
        level=level,
        n_draws=n_draws,
        rng=rng,
    )
    return Defence(
        case=case,
        recognition=recognition,
        pressure=pressure,
        advice=advise(case, recognition, pressure),
    )
