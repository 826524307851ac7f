"""Recognition: door-in-the-face, foot-in-the-door, a repeated retreat or a plain request.

The shape decides the candidate (a retreat suggests door-in-the-face, an escalation
foot-in-the-door); a weighted score of transparent components decides whether the evidence
carries it. Component scores use the fitted model's own forms: the share of the full
reciprocity lift a concession of this size earns (its saturation) and the share left after
this delay (its half-life). Weights and the threshold are documented in ``docs/defend.md``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass

from ditf._errors import InvalidParameterError
from ditf._text import format_amount
from ditf.defend._case import AskedRequest, DefendCase, Episode
from ditf.model import FitResult, ModelParams, load_model
from ditf.plan import Benchmark

__all__ = ["PATTERNS", "THRESHOLD", "WEIGHTS", "Component", "Evidence", "Recognition", "recognise"]

PATTERNS = (
    "door-in-the-face", "foot-in-the-door", "plain-request", "repeated-retreat", "two-requesters",
)  # fmt: skip
#: A candidate technique is named when its weighted score reaches this: more likely than not.
THRESHOLD = 0.5
#: Weight of each component in a candidate's score (each row sums to 1).
WEIGHTS: dict[str, dict[str, float]] = {
    "door-in-the-face": {
        "drop": 0.25,
        "timing": 0.30,
        "same_requester": 0.25,
        "opener_beyond_benchmarks": 0.10,
        "no_explanation": 0.10,
    },
    "foot-in-the-door": {
        "step_up": 0.40,
        "same_requester": 0.20,
        "small_first_request": 0.20,
        "beyond_benchmarks": 0.20,
    },
}


@dataclass(frozen=True, slots=True)
class Component:
    """One piece of evidence: its weight, its score in [0, 1] (None: not known) and why."""

    name: str
    weight: float
    score: float | None
    detail: str

    @property
    def points(self) -> float:
        """What it adds to the score before renormalising (0 when not known)."""
        return 0.0 if self.score is None else self.weight * self.score


@dataclass(frozen=True, slots=True)
class Evidence:
    """The facts behind a recognition, for the episode you face now.

    Attributes
    ----------
    n_requests : int
        Requests in the episode.
    current, previous : float, float or None
        The amount you must answer now and the one asked just before it.
    amount_ratio : float or None
        ``previous / current`` on the amounts (None with one request or a zero amount).
    cost_ratio, log_cost_ratio : float or None
        The same on the model's cost scale (the distance beyond your reference) and its log:
        > 0 for a retreat (the size of the concession), < 0 for an escalation.
    minutes_between : float or None
        Minutes between the previous request and the current one.
    same_requester : bool or None
        Whether one person made both.
    explained : bool or None
        Whether the current request came with a reason (None: not known).
    peak : float
        The request of the episode that costs you most (the opener of a retreat).
    limit : Benchmark
        The benchmark least favourable to you: what the requester could still justify.
    peak_beyond : bool
        Whether ``peak`` lies beyond ``limit``.
    peak_excess : float
        ``ln(cost(peak) / cost(limit))`` when beyond, else 0: the model's credibility input.
    peak_excess_ratio : float or None
        ``cost(peak) / cost(limit)`` (None when the limit costs you nothing).
    past_retreats : int
        Earlier episodes from this counterpart recognised as retreats.
    """

    n_requests: int
    current: float
    previous: float | None
    amount_ratio: float | None
    cost_ratio: float | None
    log_cost_ratio: float | None
    minutes_between: float | None
    same_requester: bool | None
    explained: bool | None
    peak: float
    limit: Benchmark
    peak_beyond: bool
    peak_excess: float
    peak_excess_ratio: float | None
    past_retreats: int = 0


@dataclass(frozen=True, slots=True)
class Recognition:
    """What the sequence is, how sure, and why.

    Attributes
    ----------
    pattern : str
        One of :data:`PATTERNS`.
    confidence : float
        In [0, 1]: the candidate's score when it is named; ``1 - score`` for a plain request
        that rejects a candidate; 1 when there is no sequence; for a repeated retreat, the
        mean score of this and the earlier retreats.
    shape : str
        ``"single"``, ``"retreat"``, ``"escalation"`` or ``"repeat"`` (the same amount again).
    score : float
        The candidate technique's weighted score (0 without a candidate).
    components : tuple of Component
        The candidate's evidence, with weights and scores.
    evidence : Evidence
        The facts.
    past_scores : tuple of float
        Scores of the earlier episodes recognised as retreats.
    past_skipped : int
        Earlier episodes that could not be read on this case's scale (an amount costing you
        nothing beyond your reference, e.g. from another domain).
    """

    pattern: str
    confidence: float
    shape: str
    score: float
    components: tuple[Component, ...]
    evidence: Evidence
    past_scores: tuple[float, ...] = ()
    past_skipped: int = 0

    @property
    def prior_retreats(self) -> int:
        """Earlier retreats by this counterpart (the model's habituation input)."""
        return len(self.past_scores)


def recognise(
    case: DefendCase, *, past_episodes: Iterable[Episode] = (), model: FitResult | None = None
) -> Recognition:
    """Classify the requests of a case, with a confidence and the evidence.

    Parameters
    ----------
    case : DefendCase
        What you were asked.
    past_episodes : iterable of Episode, default ()
        Earlier episodes with the same counterpart besides ``case.episodes`` (the journal's).
    model : FitResult, optional
        Source of the saturation and half-life (posterior mode); default: the shipped fit.

    Returns
    -------
    Recognition

    Examples
    --------
    >>> from ditf.defend import defend_case_from_mapping
    >>> case = defend_case_from_mapping({
    ...     "domain": "volunteering", "unit": "hours", "minimum": 2, "batna": 0,
    ...     "benchmarks": [{"name": "a Saturday shift", "kind": "norm", "value": 4},
    ...                    {"name": "last year's help", "kind": "precedent", "value": 1}],
    ...     "requests": [{"amount": 40, "requester": "Sam", "at_minutes": 0},
    ...                  {"amount": 3, "requester": "Sam", "at_minutes": 1}]})
    >>> r = recognise(case)
    >>> r.pattern, r.confidence > 0.8
    ('door-in-the-face', True)
    """
    past = tuple(past_episodes)
    if not all(isinstance(e, Episode) for e in past):
        raise InvalidParameterError(
            "past_episodes must hold Episode objects (Episode.from_ask builds one from a "
            f"journal record). Got {past!r}."
        )
    params = (model or load_model()).params
    shape, score, components, evidence = _score(case, case.requests, params)
    past_scores, skipped = [], 0
    for episode in case.episodes + past:
        if any(case.cost(r.amount) <= 0 for r in episode.requests):
            skipped += 1
            continue
        past_shape, past_score, _, _ = _score(case, episode.requests, params)
        if past_shape == "retreat" and past_score >= THRESHOLD:
            past_scores.append(past_score)
    evidence = dataclasses.replace(evidence, past_retreats=len(past_scores))
    pattern, confidence = _decide(shape, score, past_scores)
    if shape == "retreat" and evidence.same_requester is False:
        # A retreat is a concession only when the same party made the first demand (fact 3):
        # a smaller figure from someone else is two requests, not door-in-the-face.
        pattern, confidence = "two-requesters", 1.0
    return Recognition(
        pattern=pattern,
        confidence=confidence,
        shape=shape,
        score=score,
        components=components,
        evidence=evidence,
        past_scores=tuple(past_scores),
        past_skipped=skipped,
    )


def _decide(shape: str, score: float, past_scores: list[float]) -> tuple[str, float]:
    if shape in ("single", "repeat"):
        return "plain-request", 1.0
    if score < THRESHOLD:
        return "plain-request", 1.0 - score
    if shape == "escalation":
        return "foot-in-the-door", score
    if past_scores:
        return "repeated-retreat", (score + sum(past_scores)) / (1 + len(past_scores))
    return "door-in-the-face", score


def _same(a: AskedRequest, b: AskedRequest) -> bool:
    return a.requester.strip().casefold() == b.requester.strip().casefold()


def _saturating(x: float, half: float) -> float:
    """The model's saturating share: half the full lift at ``x = half`` (``docs/model.md``)."""
    x = max(x, 0.0)
    return x / (x + half)


def _score(
    case: DefendCase, requests: tuple[AskedRequest, ...], params: ModelParams
) -> tuple[str, float, tuple[Component, ...], Evidence]:
    evidence = _evidence(case, requests)
    if evidence.log_cost_ratio is None or evidence.log_cost_ratio == 0:
        shape = "single" if evidence.previous is None else "repeat"
        return shape, 0.0, (), evidence
    if evidence.log_cost_ratio > 0:
        components = _door(case, requests, evidence, params)
        shape = "retreat"
    else:
        components = _foot(case, requests, evidence, params)
        shape = "escalation"
    known = sum(c.weight for c in components if c.score is not None)
    score = sum(c.points for c in components) / known
    return shape, score, components, evidence


def _evidence(case: DefendCase, requests: tuple[AskedRequest, ...]) -> Evidence:
    current = requests[-1]
    previous = requests[-2] if len(requests) > 1 else None
    peak = max(requests, key=lambda r: case.cost(r.amount))
    limit = case.worst_benchmark
    c_limit, c_peak = case.cost(limit.value), case.cost(peak.amount)
    beyond = c_peak > max(c_limit, 0.0)
    excess_ratio = c_peak / c_limit if c_limit > 0 else None
    cost_ratio = None
    if previous is not None:
        cost_ratio = case.cost(previous.amount) / case.cost(current.amount)
    return Evidence(
        n_requests=len(requests),
        current=current.amount,
        previous=None if previous is None else previous.amount,
        amount_ratio=(
            previous.amount / current.amount
            if previous is not None and current.amount > 0
            else None
        ),
        cost_ratio=cost_ratio,
        log_cost_ratio=None if cost_ratio is None else math.log(cost_ratio),
        minutes_between=None if previous is None else current.at_minutes - previous.at_minutes,
        same_requester=None if previous is None else _same(previous, current),
        explained=current.explained,
        peak=peak.amount,
        limit=limit,
        peak_beyond=beyond,
        peak_excess=math.log(excess_ratio) if beyond and excess_ratio is not None else 0.0,
        peak_excess_ratio=excess_ratio,
    )


def _requester(weight: float, e: Evidence, requests: tuple[AskedRequest, ...]) -> Component:
    before, now = requests[-2].requester, requests[-1].requester
    detail = (
        f"{now} made both requests"
        if e.same_requester
        else f"{before} made the first request, {now} the second"
    )
    return Component("same_requester", weight, float(bool(e.same_requester)), detail)


def _beyond(name: str, weight: float, case: DefendCase, e: Evidence, what: str) -> Component:
    limit = f"{e.limit.name} ({format_amount(e.limit.value)} {case.unit})"
    if not e.peak_beyond:
        return Component(
            name, weight, 0.0, f"the {what} ({format_amount(e.peak)}) is within {limit}"
        )
    if e.peak_excess_ratio is None:  # even the least favourable benchmark costs you nothing
        return Component(
            name, weight, 1.0, f"the {what} ({format_amount(e.peak)}) lies beyond every benchmark"
        )
    share = 1.0 - 1.0 / e.peak_excess_ratio
    return Component(
        name,
        weight,
        share,
        f"the {what} ({format_amount(e.peak)} {case.unit}) costs you "
        f"{e.peak_excess_ratio:.3g}x what {limit} does: {share:.0%} of it has no benchmark "
        "behind it",
    )


def _door(
    case: DefendCase, requests: tuple[AskedRequest, ...], e: Evidence, params: ModelParams
) -> tuple[Component, ...]:
    w = WEIGHTS["door-in-the-face"]
    assert e.log_cost_ratio is not None and e.minutes_between is not None
    drop = _saturating(e.log_cost_ratio, params.saturation)
    hours = e.minutes_between / 60.0
    left = 2.0 ** (-hours / params.half_life_hours)
    explained = e.explained
    said = requests[-1].explanation or ""
    return (
        Component(
            "drop", w["drop"], drop,
            f"{format_amount(e.previous)} -> {format_amount(e.current)} {case.unit}: the cost "
            f"to you falls {e.cost_ratio:.3g}x (ln {e.log_cost_ratio:.2f}); the model gives a "
            f"concession of this size {drop:.0%} of its full reciprocity lift",
        ),
        Component(
            "timing", w["timing"], left,
            f"{e.minutes_between:g} min after the refusal; {left:.0%} of the lift is left "
            f"(model half-life {params.half_life_hours:.1f} h)",
        ),
        _requester(w["same_requester"], e, requests),
        _beyond("opener_beyond_benchmarks", w["opener_beyond_benchmarks"], case, e, "opener"),
        Component(
            "no_explanation", w["no_explanation"],
            None if explained is None else float(not explained),
            "not known" if explained is None
            else (f"they gave a reason: {said.strip()!r}" if explained
                  else "no reason was given for the drop"),
        ),
    )  # fmt: skip


def _foot(
    case: DefendCase, requests: tuple[AskedRequest, ...], e: Evidence, params: ModelParams
) -> tuple[Component, ...]:
    w = WEIGHTS["foot-in-the-door"]
    assert e.log_cost_ratio is not None
    step = _saturating(-e.log_cost_ratio, params.saturation)
    first = requests[0].amount
    small = case.better(first, case.minimum)
    return (
        Component(
            "step_up", w["step_up"], step,
            f"{format_amount(e.previous)} -> {format_amount(e.current)} {case.unit}: the cost "
            f"to you grows {1 / (e.cost_ratio or 1):.3g}x (ln {-e.log_cost_ratio:.2f}), scored on "
            "the model's saturating scale",
        ),
        _requester(w["same_requester"], e, requests),
        Component(
            "small_first_request", w["small_first_request"], float(small),
            f"the first request ({format_amount(first)}) is "
            + ("within" if small else "beyond") + f" your limit ({format_amount(case.minimum)})",
        ),
        _beyond("beyond_benchmarks", w["beyond_benchmarks"], case, e, "larger request"),
    )  # fmt: skip
