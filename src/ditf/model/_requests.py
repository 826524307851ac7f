"""Domain types: requests, the steps of a sequence, and the context they are asked in."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ditf._errors import DataError, InvalidParameterError
from ditf._validation import (
    MAX_DELAY_HOURS,
    check_delay,
    check_int_range,
    check_positive,
    check_probability,
    check_type,
)

__all__ = ["Context", "Request", "Sequence", "Step", "scenario_from_mapping"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """One request: what is asked, what it costs the person, and who asks.

    Parameters
    ----------
    cost : float
        What complying costs the person, in ``unit`` (hours, money, percent...). Must be > 0.
        Only ratios of costs within one sequence matter.
    unit : str, default "units"
        The unit of ``cost``; every request of a sequence must use the same unit.
    requester : str, default "requester"
        Who asks. A retreat is a concession only when the same requester made the larger ask.
    prosocial : bool, default True
        Whether the request serves a prosocial cause (a charity, a public good).
    described_only : bool, default False
        The request is described ("some people are asked to...") but not asked: it anchors
        perception (contrast) but cannot be refused (Cialdini et al., 1975, exposure control).
    performed : bool, default True
        A yes to this request is carried out on the spot. ``False`` means the person only
        agreed (Freedman & Fraser, 1966, agree-only condition), which commits less.
    label : str, default ""
        A free description shown in reports.

    Examples
    --------
    >>> Request(cost=2, unit="hours", label="chaperone a zoo trip").cost
    2.0
    """

    cost: float
    unit: str = "units"
    requester: str = "requester"
    prosocial: bool = True
    described_only: bool = False
    performed: bool = True
    label: str = ""

    def __post_init__(self) -> None:
        if _well_typed(self):  # what the library builds: no conversion, nothing to report
            return
        object.__setattr__(self, "cost", check_positive(self.cost, "cost", "Request"))
        for name in ("unit", "requester", "label"):
            check_type(getattr(self, name), name, "Request", str, "a string")
        for name in ("prosocial", "described_only", "performed"):
            check_type(getattr(self, name), name, "Request", bool, "a bool (true or false)")


def _well_typed(r: Request) -> bool:
    """Whether every field of ``r`` already has its exact type and a valid value.

    The planner builds about a hundred requests per plan; this one check spares them the
    full checks (and their messages), which any other value still takes.
    """
    return (
        type(r.cost) is float
        and 0.0 < r.cost < math.inf
        and type(r.unit) is type(r.requester) is type(r.label) is str
        and type(r.prosocial) is type(r.described_only) is type(r.performed) is bool
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """A request in a sequence, asked ``delay_hours`` after the previous step.

    Parameters
    ----------
    request : Request
        What is asked.
    delay_hours : float, default 0.0
        Hours since the previous step (ignored for the first step). Must be >= 0.

    Examples
    --------
    >>> Step(request=Request(cost=2), delay_hours=24).delay_hours
    24.0
    """

    request: Request
    delay_hours: float = 0.0

    def __post_init__(self) -> None:
        delay = self.delay_hours
        if type(self.request) is Request and type(delay) is float and 0 <= delay <= MAX_DELAY_HOURS:
            return
        if not isinstance(self.request, Request):
            raise InvalidParameterError(
                f"The 'request' parameter of Step must be a Request. Got {self.request!r} instead."
            )
        object.__setattr__(self, "delay_hours", check_delay(delay, "delay_hours", "Step"))


@dataclass(frozen=True, slots=True)
class Sequence:
    """An ordered sequence of steps; the last step is the target request.

    A step is asked when it is the first, when the previous asked step was refused, or when it
    is at least as large as that step (an escalation, as in foot-in-the-door). After a yes, a
    smaller request is not asked: the requester already has more.

    Parameters
    ----------
    steps : tuple of Step
        At least one step. The last step must be asked (not ``described_only``) and all
        costs must share one unit.

    Examples
    --------
    >>> seq = Sequence.door_in_the_face(opener=208, target=2, unit="hours")
    >>> [s.request.cost for s in seq.steps]
    [208.0, 2.0]
    """

    steps: tuple[Step, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        raw = self.steps
        steps = tuple(raw) if isinstance(raw, (tuple, list)) else ()
        if not steps or not all(isinstance(s, Step) for s in steps):
            raise InvalidParameterError(
                "The 'steps' parameter of Sequence must be a non-empty tuple of Step. "
                f"Got {self.steps!r} instead."
            )
        if steps[-1].request.described_only:
            raise InvalidParameterError(
                "The last step of a Sequence is the target and must be asked, not "
                "described_only. Add the target request as the last step."
            )
        units = {s.request.unit for s in steps}
        if len(units) > 1:
            raise InvalidParameterError(
                f"All requests of a Sequence must share one cost unit. Got {sorted(units)}: "
                "convert the costs to one unit first (only their ratios matter)."
            )
        object.__setattr__(self, "steps", steps)

    @property
    def target(self) -> Request:
        """The last request, whose answer the sequence is meant to win."""
        return self.steps[-1].request

    @classmethod
    def target_only(cls, target: float, *, unit: str = "units", prosocial: bool = True) -> Sequence:
        """Ask the target alone (the control condition).

        Examples
        --------
        >>> len(Sequence.target_only(2).steps)
        1
        """
        return cls((Step(request=Request(cost=target, unit=unit, prosocial=prosocial)),))

    @classmethod
    def door_in_the_face(
        cls,
        *,
        opener: float,
        target: float,
        unit: str = "units",
        delay_hours: float = 0.0,
        other_requester: bool = False,
        described_only: bool = False,
        prosocial: bool = True,
    ) -> Sequence:
        """Open with a large request, then retreat to the target.

        Parameters
        ----------
        opener, target : float
            Costs of the large opener and of the target; the opener must be larger.
        unit : str, default "units"
            Unit of both costs.
        delay_hours : float, default 0.0
            Hours between the refusal and the retreat.
        other_requester : bool, default False
            The target is asked by someone else (the retreat is then no concession).
        described_only : bool, default False
            The opener is only described, not asked (the exposure control).
        prosocial : bool, default True
            Whether the requests serve a prosocial cause.

        Raises
        ------
        InvalidParameterError
            If the opener is not larger than the target.

        Examples
        --------
        >>> Sequence.door_in_the_face(opener=10, target=20)
        Traceback (most recent call last):
        ...
        ditf._errors.InvalidParameterError: A door-in-the-face opener must be larger than the \
target (a retreat). Got opener=10.0 and target=20.0: swap them, or use foot_in_the_door.
        """
        opener = check_positive(opener, "opener", "Sequence.door_in_the_face")
        target = check_positive(target, "target", "Sequence.door_in_the_face")
        if not opener > target:
            raise InvalidParameterError(
                "A door-in-the-face opener must be larger than the target (a retreat). "
                f"Got opener={opener!r} and target={target!r}: swap them, or use "
                "foot_in_the_door."
            )
        first = Request(cost=opener, unit=unit, prosocial=prosocial, described_only=described_only)
        return cls._then(first, target, delay_hours, other_requester)

    @classmethod
    def foot_in_the_door(
        cls,
        *,
        foot: float,
        target: float,
        unit: str = "units",
        delay_hours: float = 0.0,
        other_requester: bool = False,
        performed: bool = True,
        prosocial: bool = True,
    ) -> Sequence:
        """Open with a small request, then escalate to the target.

        Parameters
        ----------
        foot, target : float
            Costs of the small first request and of the target; the foot must be smaller.
        performed : bool, default True
            A yes to the small request is carried out (False: agreement only).
        unit, delay_hours, other_requester, prosocial
            As in :meth:`door_in_the_face` (the delay runs from the first request's answer).

        Raises
        ------
        InvalidParameterError
            If the foot is not smaller than the target.

        Examples
        --------
        >>> Sequence.foot_in_the_door(foot=0.1, target=2).target.cost
        2.0
        """
        foot = check_positive(foot, "foot", "Sequence.foot_in_the_door")
        target = check_positive(target, "target", "Sequence.foot_in_the_door")
        if not foot < target:
            raise InvalidParameterError(
                "A foot-in-the-door first request must be smaller than the target. "
                f"Got foot={foot!r} and target={target!r}: swap them, or use door_in_the_face."
            )
        first = Request(cost=foot, unit=unit, prosocial=prosocial, performed=performed)
        return cls._then(first, target, delay_hours, other_requester)

    @classmethod
    def _then(
        cls, first: Request, target: float, delay_hours: float, other_requester: bool
    ) -> Sequence:
        """``first``, then the target in the same unit and cause, from the same requester or not."""
        second = Request(
            cost=target,
            unit=first.unit,
            prosocial=first.prosocial,
            requester="other requester" if other_requester else "requester",
        )
        return cls((Step(request=first), Step(request=second, delay_hours=delay_hours)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """Where a sequence is asked: pinned by the target's baseline compliance.

    Parameters
    ----------
    baseline : float
        P(yes) when the target request (the sequence's last step) is asked alone, in (0, 1).
    plausible_max : float or None, default None
        The largest request that still reads as made in good faith (market high, a norm, a
        precedent), in the sequence's unit. An opener beyond it is penalised as bad faith.
        None: no limit is known.
    prior_retreats : int, default 0
        How many retreats this person has already seen from this requester (habituation).
    negotiation : bool, default False
        The asks are amounts negotiated between two parties (a salary, a price, a
        settlement): a refused opener anchors the counterpart's limit (the anchoring
        mechanism). Favours asked of a person (hours, a gift) are not negotiations.

    Examples
    --------
    >>> Context(baseline=0.167, plausible_max=300).plausible_max
    300.0
    """

    baseline: float
    plausible_max: float | None = None
    prior_retreats: int = 0
    negotiation: bool = False

    def __post_init__(self) -> None:
        p = check_probability(self.baseline, "baseline", "Context", open_interval=True)
        object.__setattr__(self, "baseline", p)
        if self.plausible_max is not None:
            limit = check_positive(self.plausible_max, "plausible_max", "Context")
            object.__setattr__(self, "plausible_max", limit)
        retreats = check_int_range(self.prior_retreats, "prior_retreats", "Context", 0, 1000)
        object.__setattr__(self, "prior_retreats", retreats)
        check_type(self.negotiation, "negotiation", "Context", bool, "a bool (true or false)")


_STEP_KEYS = {"cost", "unit", "requester", "prosocial", "described_only", "performed", "label"}


def scenario_from_mapping(data: dict[str, Any]) -> tuple[Sequence, Context]:
    """Build a sequence and its context from a mapping (a parsed TOML or JSON file).

    The mapping has ``steps`` (a list of tables with ``cost`` and optional ``unit``,
    ``requester``, ``prosocial``, ``described_only``, ``performed``, ``label`` and
    ``delay_hours``) and ``context`` (``baseline``, optional ``plausible_max``,
    ``prior_retreats`` and ``negotiation``).

    Raises
    ------
    DataError
        If a key is missing or unknown.
    InvalidParameterError
        If a value is out of range.

    Examples
    --------
    >>> seq, ctx = scenario_from_mapping({
    ...     "steps": [{"cost": 208, "unit": "hours"}, {"cost": 2, "unit": "hours"}],
    ...     "context": {"baseline": 0.167},
    ... })
    >>> len(seq.steps), ctx.baseline
    (2, 0.167)
    """
    if not isinstance(data, dict):
        raise DataError(f"A scenario must be a table/object; got {type(data).__name__}.")
    unknown_top = set(data) - {"steps", "context"}
    if unknown_top:
        raise DataError(
            f"The scenario has unknown key(s) {sorted(unknown_top)}; use 'steps', 'context'."
        )
    steps_data, context_data = data.get("steps"), data.get("context")
    if not isinstance(steps_data, list) or not steps_data:
        raise DataError(
            "A scenario needs 'steps': a non-empty list of requests, each with a 'cost'."
        )
    if not isinstance(context_data, dict) or "baseline" not in context_data:
        raise DataError(
            "A scenario needs a 'context' table with 'baseline': P(yes) when the target is "
            "asked alone."
        )
    steps = []
    for i, item in enumerate(steps_data, start=1):
        if not isinstance(item, dict) or "cost" not in item:
            raise DataError(f"Step {i} of the scenario must be a table with a 'cost'.")
        unknown = set(item) - _STEP_KEYS - {"delay_hours"}
        if unknown:
            raise DataError(
                f"Step {i} has unknown key(s) {sorted(unknown)}; use {sorted(_STEP_KEYS)}."
            )
        request = Request(**{k: v for k, v in item.items() if k in _STEP_KEYS})
        steps.append(Step(request=request, delay_hours=item.get("delay_hours", 0.0)))
    unknown = set(context_data) - {"baseline", "plausible_max", "prior_retreats", "negotiation"}
    if unknown:
        raise DataError(f"The context has unknown key(s) {sorted(unknown)}.")
    return Sequence(tuple(steps)), Context(**context_data)
