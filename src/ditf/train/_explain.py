"""The model's mechanism contributions in plain words, for the requester and for the target.

Each contribution is what the model reports (:attr:`ditf.model.Prediction.contributions`): how
many probability points P(yes) would lose if that mechanism alone were switched off, plus
``selection`` (every mechanism off, minus the baseline). They are not additive: the mechanisms
add up on the model's latent (probit) scale, and the probit curve turns a sum of lifts into
more or fewer points than the single shares add up to (self-serving damping also multiplies
reciprocity and contrast). Given the lift, the notes therefore end with ``interaction``, the
rest, so that the points shown add up to the lift the trainee is told about.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["MechanismNote", "mechanism_notes"]

#: Below this many probability points (0.5 percentage points) a mechanism counts as idle.
IDLE = 0.005

#: Mechanism -> (name, what it does). The order is the order of the notes. Every name in
#: ``ditf.model.MECHANISMS``, and ``selection``, has an entry (a test checks it); a name
#: without one still gets a note (:func:`_unknown`), never none.
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
    "follow_through": (
        "Follow-through",
        "not every yes is carried out, and a yes won by a retreat is kept less often",
    ),
    "anchoring": (
        "Anchoring",
        "in a negotiation over an amount, the refused first figure pulls people's sense of a "
        "reasonable amount part of the way toward it, so the retreat needs a smaller move "
        "from them than the same request asked alone",
    ),
    "selection": (
        "Selection",
        "only people who refused the opener hear the smaller request, and they are less "
        "willing than average",
    ),
}
#: The rest of the lift once every single share is counted (not a mechanism of the model).
INTERACTION = "interaction"
_TOGETHER = (
    "Acting together",
    "each share above is what P(yes) would lose with that mechanism alone switched off, and "
    "the mechanisms add up on the model's hidden scale of willingness, not in points, so "
    "together they do more or less than their shares",
)


@dataclass(frozen=True, slots=True)
class MechanismNote:
    """One mechanism's share of P(yes) to the smaller request, in points and in words.

    ``points`` is the model's contribution: how much P(yes) would fall if that mechanism alone
    were switched off (for ``selection``, the change with every mechanism off).

    Attributes
    ----------
    mechanism : str
        The model's name (``reciprocity``, ``contrast``, ..., ``anchoring``, ``selection``), or
        ``interaction``: the rest of the lift that no single share accounts for.
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


def _why_idle(
    mechanism: str,
    delay_hours: float,
    prior_retreats: int,
    negotiation: bool | None,
    prosocial: bool | None,
) -> str:
    if mechanism == "reciprocity" and delay_hours > 0:
        return f"the {delay_hours:g} h delay let the concession's pull fade"
    if mechanism == "reciprocity" and prior_retreats > 0:
        return f"it wears off: {prior_retreats} earlier retreat(s) seen from the same asker"
    if mechanism == "credibility":
        return "the opener stayed within the benchmarks"
    if mechanism == "prosocial_moderation" and prosocial is not False:
        return "the ask serves a cause, so nothing is damped"
    if mechanism == "anchoring" and negotiation is False:
        return "this is a favour, not a negotiation over an amount, so nothing anchors"
    if mechanism == "anchoring" and negotiation:
        return (
            "the opener lies too close to the request to pull, or so far beyond the benchmarks "
            "that its pull is cancelled"
        )
    return "too small to matter"


def _unknown(mechanism: str) -> tuple[str, str]:
    """Words for a name :data:`WORDS` lacks: shown rather than dropped (a test forbids it)."""
    return mechanism.replace("_", " ").capitalize(), f"the model's {mechanism!r} term"


def _note(
    mechanism: str,
    words: tuple[str, str],
    points: float,
    *,
    delay_hours: float,
    prior_retreats: int,
    negotiation: bool | None,
    prosocial: bool | None,
    as_target: bool,
) -> MechanismNote:
    name, does = words
    size = f"{abs(points) * 100:.1f} points"
    if abs(points) < IDLE:
        why = _why_idle(mechanism, delay_hours, prior_retreats, negotiation, prosocial)
        return MechanismNote(
            mechanism, name, points, "no effect", f"{name}: no effect here ({why})."
        )
    effect = "helped" if points > 0 else "hurt"
    if as_target:
        text = (
            f"{name}: {does}. It pulled you {size} {'toward yes' if points > 0 else 'toward no'}."
        )
    else:
        text = f"{name}: {does}. It {'added' if points > 0 else 'cost'} {size}."
    if mechanism == "anchoring" and points < 0:
        text += (
            " Past the benchmarks the pull weakens and then reverses: a first figure that far "
            "reads as an offence and pushes people away."
        )
    if not as_target and mechanism == "reciprocity" and (delay_hours > 0 or prior_retreats > 0):
        why = _why_idle(mechanism, delay_hours, prior_retreats, negotiation, prosocial)
        text += f" Less than it could: {why}."
    return MechanismNote(mechanism, name, points, effect, text)


def _interaction(rest: float, *, as_target: bool) -> MechanismNote:
    """The part of the lift that no single mechanism's share accounts for."""
    name, does = _TOGETHER
    size = f"{abs(rest) * 100:.1f} points"
    if abs(rest) < IDLE:
        text = f"{name}: the notes above add up to the change in P(yes), within half a point."
        return MechanismNote(INTERACTION, name, rest, "no effect", text)
    more = "more" if rest > 0 else "less"
    if as_target:
        toward = "yes" if rest > 0 else "no"
        text = f"{name}: {does}. Here they pulled you {size} further toward {toward}."
    else:
        text = f"{name}: {does}. Here they added {size} {more}."
    return MechanismNote(INTERACTION, name, rest, "helped" if rest > 0 else "hurt", text)


def mechanism_notes(
    contributions: dict[str, float],
    *,
    delay_hours: float = 0.0,
    prior_retreats: int = 0,
    as_target: bool = False,
    negotiation: bool | None = None,
    prosocial: bool | None = None,
    lift: float | None = None,
) -> tuple[MechanismNote, ...]:
    """Turn ``Prediction.contributions`` into one plain sentence per mechanism.

    Every entry of ``contributions`` gets a note: those :data:`WORDS` names in its order, any
    other after them under the model's name.

    Parameters
    ----------
    contributions : dict of str to float
        Probability points per mechanism (:attr:`ditf.model.Prediction.contributions`).
    delay_hours, prior_retreats : float, int
        Used to say why reciprocity did little.
    as_target : bool, default False
        Word the notes for the person asked ("pulled you toward yes") instead of the asker.
    negotiation : bool or None, default None
        Whether the ask is a negotiation over an amount (``Domain.price_like``), where a refused
        opener anchors; used to say why anchoring did nothing. None: not said.
    prosocial : bool or None, default None
        Whether the ask serves a cause (``Domain.prosocial``); used to say why the self-serving
        damping did nothing. None: assumed, as before.
    lift : float or None, default None
        ``p_sequence - p_alone``, the change in P(yes) the notes explain. Given, a last note
        (``interaction``) carries ``lift - sum(contributions)``: the contributions are
        one-at-a-time ablations on a nonlinear (probit) model and do not add up to the lift, so
        with it the notes' points add up to ``lift`` exactly.

    Returns
    -------
    tuple of MechanismNote

    Examples
    --------
    >>> notes = mechanism_notes({"reciprocity": 0.12, "consistency": -0.03})
    >>> [(n.mechanism, n.effect) for n in notes]
    [('reciprocity', 'helped'), ('consistency', 'hurt')]
    >>> notes = mechanism_notes({"anchoring": 0.25, "reciprocity": 0.03}, lift=0.3)
    >>> [(n.mechanism, round(n.points, 2)) for n in notes]
    [('reciprocity', 0.03), ('anchoring', 0.25), ('interaction', 0.02)]
    """
    known = [m for m in WORDS if m in contributions]
    unknown = [m for m in contributions if m not in WORDS]
    notes = [
        _note(
            m, WORDS[m] if m in WORDS else _unknown(m), float(contributions[m]),
            delay_hours=delay_hours, prior_retreats=prior_retreats, negotiation=negotiation,
            prosocial=prosocial, as_target=as_target,
        )
        for m in (*known, *unknown)
    ]  # fmt: skip
    if lift is not None:
        rest = float(lift) - sum(float(v) for v in contributions.values())
        notes.append(_interaction(rest, as_target=as_target))
    return tuple(notes)
