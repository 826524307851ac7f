"""Role reversal scored: the trainee's answer to a pitch, and the pressure the model sees.

The trainee accepts, declines or counters the retreat, and says whether the opener was
theatrical; :func:`score_target` scores keeping the limit and spotting the theatre, and explains
the pull of the sequence with :func:`ditf.model.predict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ditf._errors import InvalidParameterError
from ditf._validation import check_finite, check_instance, check_option, check_type
from ditf.model import predict
from ditf.plan import Benchmark, PlanScenario
from ditf.train._counterpart import sequence_cell
from ditf.train._explain import IDLE, MechanismNote, mechanism_notes
from ditf.train._pitch import Pitch, benchmark_dict, fmt
from ditf.train._scenario import TrainerScenario

__all__ = [
    "DECISIONS",
    "OUTCOME_POINTS",
    "SPOTTING_POINTS",
    "Pressure",
    "TargetResponse",
    "TargetResult",
    "score_target",
]

DECISIONS = ("accept", "decline", "counter")
#: Points for the decision: (retreat within your limit, retreat beyond it). Countering from a
#: benchmark within your limit is best; accepting past your limit scores nothing.
OUTCOME_POINTS: dict[str, tuple[float, float]] = {
    "accept": (45.0, 0.0),
    "decline": (30.0, 50.0),
    "counter-benchmark": (60.0, 60.0),
    "counter": (50.0, 50.0),
    "counter-past-limit": (0.0, 0.0),
    "counter-no-better": (20.0, 20.0),
}
#: Points for the theatre call: flagged a theatrical opener, passed an honest one, flagged an
#: honest one (an accusation costs goodwill), missed a theatrical one.
SPOTTING_POINTS = {
    "true positive": 40.0,
    "true negative": 40.0,
    "false positive": 15.0,
    "false negative": 0.0,
}
#: A counter within 1% of a benchmark counts as made from that benchmark.
ANCHOR_TOLERANCE = 0.01


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetResponse:
    """The trainee's answer to the retreat.

    Parameters
    ----------
    decision : str
        ``"accept"`` the retreat, ``"decline"`` it, or ``"counter"`` with an amount.
    counter : float or None, default None
        The counter-offer; required for ``"counter"``, not allowed otherwise.
    flag_theatrical : bool, default False
        Whether the trainee calls the opener theatrical.

    Examples
    --------
    >>> TargetResponse(decision="counter", counter=105000, flag_theatrical=True).counter
    105000.0
    """

    decision: str
    counter: float | None = None
    flag_theatrical: bool = False

    def __post_init__(self) -> None:
        check_option(self.decision, "decision", "TargetResponse", DECISIONS)
        if (self.decision == "counter") != (self.counter is not None):
            raise InvalidParameterError(
                "A counter-offer needs decision='counter' and an amount; accept and decline "
                f"take none. Got decision={self.decision!r}, counter={self.counter!r}."
            )
        if self.counter is not None:
            counter = check_finite(self.counter, "counter", "TargetResponse", "an amount >= 0")
            if counter < 0:
                raise InvalidParameterError(
                    "The 'counter' parameter of TargetResponse must be an amount >= 0. "
                    f"Got {self.counter!r} instead."
                )
            object.__setattr__(self, "counter", counter)
        check_type(self.flag_theatrical, "flag_theatrical", "TargetResponse", bool, "a bool")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Pressure:
    """How much the sequence pushes toward yes, by the model (:func:`ditf.model.predict`).

    Attributes
    ----------
    p_alone : float
        P(yes) to the retreat's amount asked alone, for people in the trainee's position.
    p_after, lo, hi : float
        P(yes) to it after the refused opener, with its 90% interval.
    lift : float
        ``p_after - p_alone``: the pressure the sequence adds (negative: it backfires).
    contributions : dict of str to float
        Points per mechanism.
    """

    p_alone: float
    p_after: float
    lo: float
    hi: float
    lift: float
    contributions: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "p_alone": self.p_alone, "p_after": self.p_after, "interval": [self.lo, self.hi],
            "lift": self.lift, "contributions": dict(self.contributions),
        }  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetResult:
    """The scored answer to a pitch.

    Attributes
    ----------
    pitch : Pitch
        What was asked.
    response : TargetResponse
        The trainee's answer.
    score : float
        ``outcome_points + spotting_points``, in [0, 100].
    outcome_points : float
        From :data:`OUTCOME_POINTS` (keeping the limit; countering from a benchmark is best).
    spotting_points : float
        From :data:`SPOTTING_POINTS`.
    outcome : str
        The row of :data:`OUTCOME_POINTS` that applied.
    kept_limit : bool
        False when the trainee accepted or offered a deal past their limit.
    spotting : str
        ``"true positive"``, ``"true negative"``, ``"false positive"`` or ``"false negative"``.
    agreed : float or None
        The amount agreed (only when the trainee accepted).
    counter_basis : Benchmark or None
        The benchmark a counter was made from.
    pressure : Pressure
        The model's estimate of the pull toward yes.
    mechanisms : tuple of MechanismNote
        The pull, mechanism by mechanism, in plain words.
    best_response : TargetResponse
        What would have scored best.
    advice : tuple of str
        What to notice and what to say next time.
    """

    pitch: Pitch
    response: TargetResponse
    score: float
    outcome_points: float
    spotting_points: float
    outcome: str
    kept_limit: bool
    spotting: str
    agreed: float | None
    counter_basis: Benchmark | None
    pressure: Pressure
    mechanisms: tuple[MechanismNote, ...]
    best_response: TargetResponse
    advice: tuple[str, ...]

    @property
    def role(self) -> str:
        """``"target"``: the trainee was asked (the journal's role)."""
        return "target"

    @property
    def points(self) -> float:
        """The score (0-100), as for :attr:`RoundResult.points`."""
        return self.score

    @property
    def scenario(self) -> TrainerScenario:
        """The scenario played, as for :attr:`RoundResult.scenario`."""
        return self.pitch.scenario

    def to_dict(self) -> dict[str, Any]:
        """The round as JSON-ready data (fit for the journal's ``details``)."""
        basis = self.counter_basis
        return {
            "role": self.role,
            "pitch": self.pitch.to_dict(),
            "response": self.response.to_dict(),
            "score": self.score,
            "outcome_points": self.outcome_points,
            "spotting_points": self.spotting_points,
            "outcome": self.outcome,
            "kept_limit": self.kept_limit,
            "spotting": self.spotting,
            "agreed": self.agreed,
            "counter_basis": None if basis is None else benchmark_dict(basis),
            "pressure": self.pressure.to_dict(),
            "mechanisms": [m.to_dict() for m in self.mechanisms],
            "best_response": self.best_response.to_dict(),
            "advice": list(self.advice),
        }


def _pressure(pitch: Pitch) -> Pressure:
    s = pitch.scenario.scenario
    seq, context = sequence_cell(s, pitch.opener, pitch.fallback, pitch.delay_hours, 0)
    # The opener's odds come from the scenario's estimate, as in the planner and the round.
    pred = predict(seq, context, first_baseline=s.baseline(pitch.opener))
    return Pressure(
        p_alone=pred.p_alone, p_after=pred.p_sequence, lo=pred.lo, hi=pred.hi,
        lift=pred.p_sequence - pred.p_alone, contributions=dict(pred.contributions),
    )  # fmt: skip


def _anchor(s: PlanScenario, amount: float) -> Benchmark | None:
    near = [b for b in s.benchmarks if abs(amount - b.value) <= ANCHOR_TOLERANCE * b.value]
    return min(near, key=lambda b: abs(amount - b.value), default=None)


def _outcome(pitch: Pitch, response: TargetResponse) -> tuple[str, bool, Benchmark | None]:
    """The row of OUTCOME_POINTS, whether the limit was kept, and the counter's benchmark."""
    trainer, s = pitch.scenario, pitch.scenario.scenario
    if response.decision == "accept":
        return "accept", trainer.within_limit(pitch.fallback), None
    if response.decision == "decline":
        return "decline", True, None
    counter = response.counter
    assert counter is not None  # TargetResponse guarantees it
    if not trainer.within_limit(counter):
        return "counter-past-limit", False, None
    if s.cost(counter) >= s.cost(pitch.fallback):
        return "counter-no-better", True, None
    basis = _anchor(s, counter)
    return ("counter" if basis is None else "counter-benchmark"), True, basis


def _best_response(pitch: Pitch) -> TargetResponse:
    """Counter from the benchmark within your limit nearest their retreat; else decline."""
    trainer, s = pitch.scenario, pitch.scenario.scenario
    flag = not pitch.honest
    usable = [
        b for b in s.benchmarks
        if trainer.within_limit(b.value) and s.cost(b.value) < s.cost(pitch.fallback)
        and s.cost(b.value) > 0
    ]  # fmt: skip
    if usable:
        best = max(usable, key=lambda b: s.cost(b.value))
        return TargetResponse(decision="counter", counter=best.value, flag_theatrical=flag)
    if trainer.within_limit(pitch.fallback):
        return TargetResponse(decision="accept", flag_theatrical=flag)
    return TargetResponse(decision="decline", flag_theatrical=flag)


def _advice(pitch: Pitch, best: TargetResponse, pressure: Pressure) -> tuple[str, ...]:
    trainer, s = pitch.scenario, pitch.scenario.scenario
    edge = s.boldest_benchmark
    limit = pitch.limit
    lines = []
    if s.cost(pitch.opener) > s.cost(edge.value) * (1 + 1e-9):
        lines.append(
            f"The opener ({fmt(s, pitch.opener)}) lies beyond {edge.name} "
            f"({fmt(s, edge.value)}), the boldest figure anyone could justify: ask for the "
            "criterion behind it. A number nobody can justify is an anchor, not an offer."
        )
    else:
        lines.append(
            f"The opener ({fmt(s, pitch.opener)}) stays within {edge.name} "
            f"({fmt(s, edge.value)}): a defensible first ask, not theatre."
        )
    where = "within" if trainer.within_limit(pitch.fallback) else "beyond"
    lines.append(
        f"Their retreat ({fmt(s, pitch.fallback)}) is {where} your limit ({fmt(s, limit)}). "
        "Judge it against your limit, not against the opener."
    )
    if pitch.criterion is None:
        lines.append("They named no criterion for the retreat: ask what the number is based on.")
    else:
        lines.append(
            f"They named {pitch.criterion.name} ({fmt(s, pitch.criterion.value)}): check it "
            "and answer from your own benchmarks."
        )
    if pitch.tactics:
        lines.append(
            f"Pressure used: {', '.join(pitch.tactics)}. A concession you did not ask for "
            "obliges you to nothing; deadlines and guilt are not reasons."
        )
    if abs(pressure.lift) < IDLE:
        lines.append(
            f"The model puts P(yes) at {pressure.p_after:.0%} after this sequence against "
            f"{pressure.p_alone:.0%} asked alone: the sequence barely changes it."
        )
    elif pressure.lift > 0:
        lines.append(
            f"The model puts P(yes) at {pressure.p_after:.0%} after this sequence against "
            f"{pressure.p_alone:.0%} for the same request asked alone: "
            f"{pressure.lift * 100:.1f} points of your inclination come from the sequence."
        )
    else:
        lines.append(
            f"The model puts P(yes) at {pressure.p_after:.0%} after this sequence against "
            f"{pressure.p_alone:.0%} asked alone: this sequence pushes people away rather "
            "than toward yes."
        )
    if best.decision == "counter" and best.counter is not None:
        basis = _anchor(s, best.counter)
        name = "" if basis is None else f" ({basis.name})"
        lines.append(f"Best answer here: counter at {fmt(s, best.counter)}{name}.")
    else:
        lines.append(f"Best answer here: {best.decision}.")
    return tuple(lines)


def score_target(pitch: Pitch, response: TargetResponse) -> TargetResult:
    """Score the trainee's answer to a pitch: keeping the limit and spotting theatre.

    ``score = outcome points + spotting points`` (0-100). The outcome points
    (:data:`OUTCOME_POINTS`) depend on the decision and on whether the retreat is within the
    trainee's limit: accepting past the limit scores 0 and never more than declining;
    countering from a benchmark within the limit scores most. The spotting points
    (:data:`SPOTTING_POINTS`) reward flagging a theatrical opener and passing an honest one.
    The feedback gives the pressure the model estimates (:func:`ditf.model.predict`).

    Parameters
    ----------
    pitch : Pitch
        From :func:`make_pitch`.
    response : TargetResponse
        The trainee's answer.

    Returns
    -------
    TargetResult

    Examples
    --------
    >>> from ditf.train import make_pitch, trainer_scenario
    >>> pitch = make_pitch(trainer_scenario("salary-beginner"), honest=False, rng=0)
    >>> score_target(pitch, TargetResponse(decision="decline", flag_theatrical=True)).score
    90.0
    """
    check_instance(pitch, "pitch", "score_target", Pitch)
    check_instance(response, "response", "score_target", TargetResponse)
    outcome, kept, basis = _outcome(pitch, response)
    within = pitch.scenario.within_limit(pitch.fallback)
    outcome_points = OUTCOME_POINTS[outcome][0 if within else 1]
    if response.flag_theatrical:
        spotting = "false positive" if pitch.honest else "true positive"
    else:
        spotting = "true negative" if pitch.honest else "false negative"
    spotting_points = SPOTTING_POINTS[spotting]
    pressure = _pressure(pitch)
    best = _best_response(pitch)
    return TargetResult(
        pitch=pitch,
        response=response,
        score=outcome_points + spotting_points,
        outcome_points=outcome_points,
        spotting_points=spotting_points,
        outcome=outcome,
        kept_limit=kept,
        spotting=spotting,
        agreed=pitch.fallback if response.decision == "accept" else None,
        counter_basis=basis,
        pressure=pressure,
        mechanisms=mechanism_notes(
            pressure.contributions,
            as_target=True,
            lift=pressure.lift,
            negotiation=pitch.scenario.scenario.info.price_like,
            prosocial=pitch.scenario.scenario.info.prosocial,
        ),
        best_response=best,
        advice=_advice(pitch, best, pressure),
    )
