"""What the trainee decides in a round as the requester."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ditf._errors import InvalidParameterError
from ditf._validation import check_delay, check_finite, check_positive, check_type

__all__ = ["MAX_EXPLANATION", "MAX_ROUND_DELAY_HOURS", "Choice"]

#: Longest retreat delay accepted, in hours (a year): every lift has long decayed by then.
MAX_ROUND_DELAY_HOURS = 8760.0
#: Longest explanation kept, in characters.
MAX_EXPLANATION = 2000


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """The trainee's plan for one round: an opener (or none), the real request, the timing.

    Parameters
    ----------
    fallback : float
        The request you really need, in the scenario's unit. Asked alone when ``opener`` is
        None, else after the opener is refused.
    opener : float or None, default None
        The larger first request. None means you do not use the technique: you ask the
        fallback directly.
    delay_hours : float, default 0
        Hours between the refusal and the retreat (0: at once, in the same conversation).
    explanation : str, default ""
        How you explain the concession when you retreat.
    honour_opener : bool, default True
        Whether you would keep a yes to the opener. False makes the opener theatrical.

    Examples
    --------
    >>> Choice(opener=16, fallback=4).uses_technique
    True
    >>> Choice(fallback=4).uses_technique
    False
    """

    fallback: float
    opener: float | None = None
    delay_hours: float = 0.0
    explanation: str = ""
    honour_opener: bool = True

    def __post_init__(self) -> None:
        fallback = check_positive(self.fallback, "fallback", "Choice", allow_zero=True)
        object.__setattr__(self, "fallback", fallback)
        if self.opener is not None:
            opener = check_finite(self.opener, "opener", "Choice", "a finite number >= 0 or None")
            if opener < 0:
                raise InvalidParameterError(
                    f"The 'opener' parameter of Choice must be a finite number >= 0 or None. "
                    f"Got {self.opener!r} instead."
                )
            object.__setattr__(self, "opener", opener)
        delay = check_delay(self.delay_hours, "delay_hours", "Choice", limit=MAX_ROUND_DELAY_HOURS)
        object.__setattr__(self, "delay_hours", delay)
        check_type(self.explanation, "explanation", "Choice", str, "a string")
        if len(self.explanation) > MAX_EXPLANATION:
            raise InvalidParameterError(
                f"The 'explanation' parameter of Choice must be at most {MAX_EXPLANATION} "
                f"characters. Got {len(self.explanation)} instead: keep it to what you say."
            )
        check_type(self.honour_opener, "honour_opener", "Choice", bool, "a bool")

    @property
    def uses_technique(self) -> bool:
        """Whether the round opens big and retreats (else the fallback is asked directly)."""
        return self.opener is not None

    def to_dict(self) -> dict[str, Any]:
        """The choice as JSON-ready data."""
        return {**asdict(self), "uses_technique": self.uses_technique}
