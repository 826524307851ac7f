"""The standard experimental conditions, built from one scenario."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import partial

from ditf._errors import InvalidParameterError
from ditf._validation import check_positive, check_probability, check_type
from ditf.model import Context, Request, Sequence, Step

__all__ = ["CONDITIONS", "Scenario"]

#: The standard conditions, in the order reports list them.
CONDITIONS = (
    "target_only",
    "door_in_the_face",
    "exposure_control",
    "two_requesters",
    "foot_in_the_door",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """What the standard conditions ask, and the context they are asked in.

    Defaults follow Cialdini et al. (1975), Exp. 1: a 208-hour opener, a 2-hour target that
    16.7% accept when asked alone. The foot (for foot-in-the-door) defaults to Freedman &
    Fraser's (1966) small request, 0.1 hours.

    Parameters
    ----------
    opener, target, foot : float
        Costs of the large opener, the target and the small foot; ``opener > target > foot``.
    unit : str
        Unit of the costs.
    delay_hours : float
        Hours between the first request and the target, in every two-step condition.
    baseline : float
        P(yes) to the target asked alone, in (0, 1).
    plausible_max : float or None
        Largest good-faith ask (see :class:`~ditf.model.Context`).
    prosocial : bool
        Whether the requests serve a prosocial cause.

    Examples
    --------
    >>> sorted(Scenario().sequences())[0]
    'door_in_the_face'
    """

    opener: float = 208.0
    target: float = 2.0
    foot: float = 0.1
    unit: str = "hours"
    delay_hours: float = 0.0
    baseline: float = 0.167
    plausible_max: float | None = None
    prosocial: bool = True

    def __post_init__(self) -> None:
        for name in ("opener", "target", "foot"):
            object.__setattr__(self, name, check_positive(getattr(self, name), name, "Scenario"))
        if not self.opener > self.target > self.foot:
            raise InvalidParameterError(
                "A Scenario needs opener > target > foot. Got "
                f"opener={self.opener}, target={self.target}, foot={self.foot}."
            )
        check_probability(self.baseline, "baseline", "Scenario", open_interval=True)
        check_type(self.prosocial, "prosocial", "Scenario", bool, "a bool")
        self.context()  # validates baseline and plausible_max
        Sequence.target_only(self.target, unit=self.unit)  # validates the unit
        Step(request=Request(cost=self.target), delay_hours=self.delay_hours)

    @classmethod
    def fields(cls) -> tuple[str, ...]:
        """Names of the scenario's parameters (all of them can be swept but ``unit``)."""
        return tuple(f.name for f in fields(cls))

    def context(self) -> Context:
        """The context of the target."""
        return Context(baseline=self.baseline, plausible_max=self.plausible_max)

    def sequences(self) -> dict[str, Sequence]:
        """The standard conditions as sequences, keyed by name (see :data:`CONDITIONS`)."""
        t, unit, pro, delay = self.target, self.unit, self.prosocial, self.delay_hours
        door = partial(
            Sequence.door_in_the_face,
            opener=self.opener, target=t, unit=unit, prosocial=pro, delay_hours=delay,
        )  # fmt: skip
        return {
            "target_only": Sequence.target_only(t, unit=unit, prosocial=pro),
            "door_in_the_face": door(),
            "exposure_control": door(described_only=True),
            "two_requesters": door(other_requester=True),
            "foot_in_the_door": Sequence.foot_in_the_door(
                foot=self.foot, target=t, unit=unit, prosocial=pro, delay_hours=delay
            ),
        }
