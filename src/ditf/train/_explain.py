"""The model's mechanism contributions in plain words, for the requester and for the target."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["MechanismNote", "mechanism_notes"]

#: Below this many probability points (0.5 percentage points) a mechanism counts as idle.
IDLE = 0.005

#: Mechanism -> (name, what it does). The order is the order of the notes.
WORDS: dict[str, tuple[str, str]] = {
    "reciprocity": (
        "Reciprocal concession",
        "the retreat reads as a concession, and people feel they should return one",
    ),
    "contrast": ("Contrast", "next to the opener, the smaller request looks smaller"),
    "credibility": (
        "Credibility",
        "an opener beyond the benchmarks reads as bad faith and costs goodwill",
    ),
    "consistency": (
        "Consistency",
        "having just said no, people tend to stay with no",
    ),
    "prosocial_moderation": (
        "Self-serving ask",
        "reciprocity and contrast are weaker when the ask serves the asker rather than a cause",
    ),
    "selection": (
        "Selection",
        "only people who refused the opener hear the smaller request, and they are less "
        "willing than average",
    ),
}


@dataclass(frozen=True, slots=True)
class MechanismNote:
    """One mechanism's share of P(yes) to the smaller request, in points and in words.

    Attributes
    ----------
    mechanism : str
        The model's name (``reciprocity``, ``contrast``, ..., ``selection``).
    name : str
        A plain name.
    points : float
        Probability points it adds (negative: it costs).
    effect : str
        ``"helped"``, ``"hurt"`` or ``"no effect"`` (from the point of view of the asker).
    text : str
        The sentence shown to the trainee.
    """

    mechanism: str
    name: str
    points: float
    effect: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return asdict(self)


def _why_idle(mechanism: str, delay_hours: float, prior_retreats: int) -> str:
    if mechanism == "reciprocity" and delay_hours > 0:
        return f"the {delay_hours:g} h delay let the concession's pull fade"
    if mechanism == "reciprocity" and prior_retreats > 0:
        return f"it wears off: {prior_retreats} earlier retreat(s) seen from the same asker"
    if mechanism == "credibility":
        return "the opener stayed within the benchmarks"
    if mechanism == "prosocial_moderation":
        return "the ask serves a cause, so nothing is damped"
    return "too small to matter"


def mechanism_notes(
    contributions: dict[str, float],
    *,
    delay_hours: float = 0.0,
    prior_retreats: int = 0,
    as_target: bool = False,
) -> tuple[MechanismNote, ...]:
    """Turn ``Prediction.contributions`` into one plain sentence per mechanism.

    Parameters
    ----------
    contributions : dict of str to float
        Probability points per mechanism (:attr:`ditf.model.Prediction.contributions`).
    delay_hours, prior_retreats : float, int
        Used to say why reciprocity did little.
    as_target : bool, default False
        Word the notes for the person asked ("pulled you toward yes") instead of the asker.

    Returns
    -------
    tuple of MechanismNote

    Examples
    --------
    >>> notes = mechanism_notes({"reciprocity": 0.12, "consistency": -0.03})
    >>> [(n.mechanism, n.effect) for n in notes]
    [('reciprocity', 'helped'), ('consistency', 'hurt')]
    """
    notes = []
    for mechanism, (name, does) in WORDS.items():
        if mechanism not in contributions:
            continue
        points = float(contributions[mechanism])
        size = f"{abs(points) * 100:.1f} points"
        if abs(points) < IDLE:
            effect = "no effect"
            text = f"{name}: no effect here ({_why_idle(mechanism, delay_hours, prior_retreats)})."
        elif as_target:
            effect = "helped" if points > 0 else "hurt"
            pull = "toward yes" if points > 0 else "toward no"
            text = f"{name}: {does}. It pulled you {size} {pull}."
        else:
            effect = "helped" if points > 0 else "hurt"
            text = f"{name}: {does}. It {'added' if points > 0 else 'cost'} {size}."
            if mechanism == "reciprocity" and (delay_hours > 0 or prior_retreats > 0):
                text += f" Less than it could: {_why_idle(mechanism, delay_hours, prior_retreats)}."
        notes.append(MechanismNote(mechanism, name, points, effect, text))
    return tuple(notes)
