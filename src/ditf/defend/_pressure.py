"""The pressure estimate: how much of your inclination to say yes comes from the sequence.

The behavioural model (:func:`ditf.model.predict`) gives P(yes) to the current request after
this sequence and asked alone (the context's baseline), with its interval, and how many points
each mechanism adds. Those points are put into plain words here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ditf._types import Seed
from ditf._validation import check_int_range
from ditf.defend._case import DefendCase
from ditf.model import Context, FitResult, Request, Sequence, Step, predict

__all__ = ["Pressure", "estimate_pressure", "explain_contributions"]

#: Contributions smaller than this (probability points / 100) are not worth a sentence.
NEGLIGIBLE = 0.005


@dataclass(frozen=True, slots=True)
class Pressure:
    """P(yes) to the current request after the sequence against asked alone.

    Attributes
    ----------
    p_alone : float
        P(yes) asked alone (the baseline; see ``baseline_source``).
    p_after, lo, hi : float
        P(yes) after this sequence, with its central ``level`` interval.
    pressure, pressure_lo, pressure_hi : float
        ``p_after - p_alone`` in probability (x 100 for points), with its interval: the share
        of your inclination that the sequence, not the request, accounts for.
    pressure_logodds : float
        The same on the log-odds scale.
    contributions : dict of str to float
        Points each mechanism adds (``ditf.model.Prediction.contributions``).
    explanations : tuple of str
        The contributions in plain words, largest first.
    baseline_source : str
        Where ``p_alone`` comes from.
    prior_retreats : int
        Earlier retreats by this counterpart given to the model (habituation).
    method : str
        ``"exact"`` (two requests or fewer) or ``"monte carlo"``.
    level : float
        Interval level.
    """

    p_alone: float
    p_after: float
    lo: float
    hi: float
    pressure: float
    pressure_lo: float
    pressure_hi: float
    pressure_logodds: float
    contributions: dict[str, float]
    explanations: tuple[str, ...]
    baseline_source: str
    prior_retreats: int
    method: str
    level: float


def sequence_of(case: DefendCase) -> Sequence:
    """The case's requests as a model sequence: costs beyond your reference, delays in hours."""
    steps = []
    previous = case.requests[0].at_minutes
    for r in case.requests:
        request = Request(
            cost=case.cost(r.amount),
            unit=case.unit,
            requester=r.requester.strip().casefold(),
            prosocial=case.info.prosocial,
        )
        steps.append(Step(request=request, delay_hours=(r.at_minutes - previous) / 60.0))
        previous = r.at_minutes
    return Sequence(tuple(steps))


def estimate_pressure(
    case: DefendCase,
    *,
    prior_retreats: int = 0,
    model: FitResult | None = None,
    level: float = 0.9,
    n_draws: int = 1000,
    rng: Seed = 0,
) -> Pressure:
    """How much the sequence moves your P(yes) to the current request, with its interval.

    Parameters
    ----------
    case : DefendCase
        What you were asked.
    prior_retreats : int, default 0
        Earlier retreats you saw from this counterpart (they wear the lift off).
    model : FitResult, optional
        Default: the shipped fit.
    level : float, default 0.9
        Interval level.
    n_draws : int, default 1000
        Posterior draws.
    rng : int, Generator or None, default 0
        Randomness for the draws (fixed by default: the same case gives the same numbers).

    Returns
    -------
    Pressure

    Examples
    --------
    >>> from ditf.defend import defend_case_from_mapping
    >>> case = defend_case_from_mapping({
    ...     "domain": "volunteering", "unit": "hours", "minimum": 2, "batna": 0,
    ...     "alone_answer": 0.2,
    ...     "benchmarks": [{"name": "a full weekend", "kind": "norm", "value": 16}],
    ...     "requests": [{"amount": 16, "requester": "Sam", "at_minutes": 0},
    ...                  {"amount": 3, "requester": "Sam", "at_minutes": 1}]})
    >>> p = estimate_pressure(case)
    >>> p.p_alone, p.p_after > p.p_alone
    (0.2, True)
    >>> p.explanations[0]
    'reciprocity: about 15 points of your inclination comes from feeling you owe them a \
concession in return for theirs'
    """
    check_int_range(prior_retreats, "prior_retreats", "estimate_pressure", 0, 1000)
    context = Context(
        baseline=case.baseline,
        plausible_max=case.plausible_max,
        prior_retreats=prior_retreats,
        negotiation=case.info.price_like,  # an amount negotiated between two parties anchors
    )
    pred = predict(sequence_of(case), context, model=model, level=level, n_draws=n_draws, rng=rng)
    return Pressure(
        p_alone=pred.p_alone,
        p_after=pred.p_sequence,
        lo=pred.lo,
        hi=pred.hi,
        pressure=pred.lift,
        pressure_lo=pred.lift_lo,
        pressure_hi=pred.lift_hi,
        pressure_logodds=pred.lift_logodds,
        contributions=dict(pred.contributions),
        explanations=explain_contributions(pred.contributions),
        baseline_source=case.baseline_source,
        prior_retreats=prior_retreats,
        method=pred.method,
        level=pred.level,
    )


def points(value: float) -> str:
    """``value`` (a probability difference) as rounded points: "1 point", "12 points"."""
    n = round(abs(100 * value))
    return f"{n} point" if n == 1 else f"{n} points"


def _sentence(name: str, value: float) -> str:
    n = points(value)
    up = value > 0
    texts = {
        "reciprocity": (
            f"about {n} of your inclination comes from feeling you owe them a "
            "concession in return for theirs"
        ),
        "contrast": (
            f"about {n} come from the request looking small next to the earlier, larger one"
        ),
        "consistency": (
            f"about {n} come from wanting to stay consistent with your earlier yes"
            if up
            else f"your earlier no pulls about {n} the other way (having refused once, "
            "you lean to no)"
        ),
        "credibility": (
            f"the opener's excess over the benchmarks costs them about {n}: it reads as bad faith"
        ),
        "anchoring": (
            f"their first figure pulled your sense of a reasonable amount toward it: about {n}"
            if up
            else f"their first figure was so far out that it pushes you away: about {n} less"
        ),
        "prosocial_moderation": (
            "the request serves them rather than a cause, which damps the sequence's effect: "
            f"about {n} {'more' if up else 'less'}"
        ),
        "selection": (
            f"having refused a first request says you lean to no: about {n} less"
            if not up
            else f"reaching this request at all says you lean to yes: about {n} more"
        ),
    }
    return f"{name.replace('_', ' ')}: {texts.get(name, n)}"


def explain_contributions(contributions: dict[str, float]) -> tuple[str, ...]:
    """The model's per-mechanism points in plain words, largest first.

    Parameters
    ----------
    contributions : dict of str to float
        Probability each mechanism adds (``ditf.model.Prediction.contributions``).

    Returns
    -------
    tuple of str
        One sentence per mechanism moving the answer by half a point or more.

    Examples
    --------
    >>> explain_contributions({"reciprocity": 0.12, "contrast": 0.001})
    ('reciprocity: about 12 points of your inclination comes from feeling you owe them a \
concession in return for theirs',)
    """
    ordered = sorted(contributions.items(), key=lambda kv: -abs(kv[1]))
    lines = tuple(_sentence(k, v) for k, v in ordered if abs(v) >= NEGLIGIBLE)
    return lines or ("no mechanism moves your answer by half a point or more",)
