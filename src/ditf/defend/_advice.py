"""Advice: check the request against your limit, BATNA and benchmarks, and draft a reply.

The reply declines the frame without hostility (Fisher, Ury & Patton, 2011): it acknowledges
the move, says you decide on the number rather than on how far it moved, asks for the
criterion behind the number (ch. 5, "insist on objective criteria") and counters from a
benchmark you name. Your interests note is private: it is never quoted back to them. It
never counters beyond your limit and never suggests accepting a request beyond it (ch. 6,
"the bottom line").
"""

from __future__ import annotations

from dataclasses import dataclass

from ditf._text import format_amount
from ditf.defend._case import DefendCase
from ditf.defend._pressure import NEGLIGIBLE, Pressure
from ditf.defend._recognise import Recognition
from ditf.plan import Benchmark

__all__ = ["POSITIONS", "VERDICTS", "Advice", "advise"]

VERDICTS = ("decline", "negotiate", "consider")
POSITIONS = ("beyond-benchmarks", "within-benchmarks", "better-than-benchmarks")
_TECHNIQUES = ("door-in-the-face", "repeated-retreat")


@dataclass(frozen=True, slots=True)
class Advice:
    """What to do about the current request, and what to say.

    Attributes
    ----------
    verdict : str
        ``"decline"`` (beyond your limit), ``"negotiate"`` (within it, but the sequence or
        the number needs a criterion) or ``"consider"`` (judge it on its merits).
    below_minimum : bool
        Whether the request is worse for you than your limit.
    beats_batna : bool or None
        Whether it beats your BATNA (None for count-like domains, where the amount is not the
        whole value of a deal).
    position : str
        Where it sits among your benchmarks: one of :data:`POSITIONS`.
    criterion : str
        The criterion to ask for.
    counter : float or None
        A counter-proposal, never worse for you than your limit (None: none needed).
    counter_basis : Benchmark or None
        The benchmark behind the counter (None: your limit itself).
    lines : tuple of str
        The advice, in order.
    reply : str
        A reply to send or say.
    """

    verdict: str
    below_minimum: bool
    beats_batna: bool | None
    position: str
    criterion: str
    counter: float | None
    counter_basis: Benchmark | None
    lines: tuple[str, ...]
    reply: str

    @property
    def may_accept(self) -> bool:
        """Whether accepting is compatible with your limit (never when below it)."""
        return not self.below_minimum


def _fmt(case: DefendCase, value: float) -> str:
    return f"{format_amount(value)} {case.unit}"


def _strictly_better(case: DefendCase, a: float, b: float) -> bool:
    return case.sign * (a - b) > 0


def choose_counter(case: DefendCase) -> tuple[float | None, Benchmark | None]:
    """A counter better for you than the request and never worse than your limit.

    The market median when it qualifies; else the qualifying benchmark nearest the request
    (the easiest for them to accept); else your limit, when the request lies beyond it;
    else none (the request is already better for you than every qualifying figure).

    Parameters
    ----------
    case : DefendCase
        What you were asked.

    Returns
    -------
    counter : float or None
        The amount to propose.
    basis : Benchmark or None
        The benchmark behind it (None: your limit, or no counter).
    """
    current = case.current.amount
    fits = [
        b
        for b in case.benchmarks
        if case.better(b.value, case.minimum) and _strictly_better(case, b.value, current)
    ]
    medians = [b for b in fits if b.kind == "market-median"]
    if medians:
        return medians[0].value, medians[0]
    if fits:
        nearest = min(fits, key=lambda b: abs(b.value - current))
        return nearest.value, nearest
    if _strictly_better(case, case.minimum, current):
        return case.minimum, None
    return None, None


def _position(case: DefendCase) -> str:
    current = case.current.amount
    if _strictly_better(case, case.worst_benchmark.value, current):
        return "beyond-benchmarks"
    best = max(case.benchmarks, key=lambda b: case.sign * b.value)
    if _strictly_better(case, current, best.value):
        return "better-than-benchmarks"
    return "within-benchmarks"


def advise(case: DefendCase, recognition: Recognition, pressure: Pressure) -> Advice:
    """Check the current request and draft the reply.

    Parameters
    ----------
    case : DefendCase
        What you were asked.
    recognition : Recognition
        From :func:`ditf.defend.recognise`.
    pressure : Pressure
        From :func:`ditf.defend.estimate_pressure`.

    Returns
    -------
    Advice
    """
    current = case.current.amount
    below = not case.better(current, case.minimum)
    beats = (
        case.better(current, case.batna)
        if case.info.price_like and not case.nothing_instead
        else None
    )
    position = _position(case)
    counter, basis = choose_counter(case)
    if below:
        verdict = "decline"
    elif counter is not None and (
        recognition.pattern in _TECHNIQUES or position == "beyond-benchmarks"
    ):
        verdict = "negotiate"
    else:
        verdict = "consider"
    criterion = _criterion(case, position)
    lines = [
        _verdict_line(case, verdict, recognition.pattern),
        _pattern_line(case, recognition),
        _pressure_line(pressure),
        _position_line(case, position),
        _batna_line(case, beats),
        criterion,
        _counter_line(case, counter, basis),
        f"Keep your limit: do not go {_beyond_word(case)} {_fmt(case, case.minimum)}, however "
        "the sequence feels.",
    ]
    return Advice(
        verdict=verdict,
        below_minimum=below,
        beats_batna=beats,
        position=position,
        criterion=criterion,
        counter=counter,
        counter_basis=basis,
        lines=tuple(line for line in lines if line),
        reply=_reply(case, recognition, below, counter, basis),
    )


def _beyond_word(case: DefendCase) -> str:
    return "above" if case.direction == "less" else "below"


def _verdict_line(case: DefendCase, verdict: str, pattern: str) -> str:
    cur, limit = _fmt(case, case.current.amount), _fmt(case, case.minimum)
    if verdict == "decline":
        why = {
            "foot-in-the-door": " An earlier yes is no reason to say yes to more.",
            "plain-request": "",
            "two-requesters": " The larger figure came from someone else: nobody conceded.",
        }.get(pattern, " A retreat is a move on their number, not a reason to move yours.")
        return f"Decline {cur}: it is {_beyond_word(case)} your limit of {limit}.{why}"
    if verdict == "negotiate":
        return (
            f"{cur} is within your limit ({limit}), but do not let the sequence decide: ask for "
            "the basis of the number and counter from a benchmark."
        )
    return (
        f"{cur} is within your limit ({limit}): judge it on its merits, as you would if it "
        "had been asked alone."
    )


def _pattern_line(case: DefendCase, r: Recognition) -> str:
    e = r.evidence
    conf = f"{r.confidence:.0%} confidence"
    if r.pattern in _TECHNIQUES:
        who = "the same person" if e.same_requester else "someone else"
        line = (
            f"This looks like door-in-the-face ({conf}): {_fmt(case, e.previous or 0)}, then "
            f"{_fmt(case, e.current)} {e.minutes_between or 0:g} min later from {who}."
        )
        if e.peak_beyond:
            line += " The opener lay beyond every benchmark: treat it as theatre, not information."
        if r.pattern == "repeated-retreat":
            line += (
                f" They have retreated like this in {r.prior_retreats} earlier episode(s): it is "
                "their routine, so the 'concession' says nothing about their real limit."
            )
        return line
    if r.pattern == "foot-in-the-door":
        return (
            f"This looks like foot-in-the-door ({conf}): a small request first, then a larger "
            "one. Your earlier yes does not commit you to this one."
        )
    if r.pattern == "two-requesters":
        first, then = case.requests[-2].requester, case.requests[-1].requester
        return (
            f"Two requesters, not door-in-the-face: {first} asked {_fmt(case, e.previous or 0)}, "
            f"{then} asks {_fmt(case, e.current)}. A smaller figure is a concession only from "
            "the person who made the larger one, so nobody has conceded anything to you."
        )
    reasons = {
        "single": "a single request",
        "repeat": "the same amount asked again",
        "retreat": "the retreat is small or came long after the refusal, so it is hardly a "
        "concession",
        "escalation": "the step up is small or comes from someone else",
    }
    return f"A plain request ({conf}): {reasons[r.shape]}. Judge it on its merits."


def _pressure_line(p: Pressure) -> str:
    if abs(p.pressure) < NEGLIGIBLE:
        return (
            f"The sequence barely moves you: P(yes) {p.p_after:.0%} after it against "
            f"{p.p_alone:.0%} asked alone."
        )
    interval = f"{p.level:.0%} interval {p.lo:.0%}-{p.hi:.0%}"
    if p.pressure > 0:
        return (
            f"The model puts your P(yes) at {p.p_after:.0%} ({interval}) against {p.p_alone:.0%} "
            f"asked alone: about {100 * p.pressure:.0f} points of your inclination come from "
            "the sequence, not the request."
        )
    return (
        f"The model puts your P(yes) at {p.p_after:.0%} ({interval}) against {p.p_alone:.0%} "
        f"asked alone: the sequence lowers it by about {-100 * p.pressure:.0f} points."
    )


def _position_line(case: DefendCase, position: str) -> str:
    cur = _fmt(case, case.current.amount)
    worst = case.worst_benchmark
    best = max(case.benchmarks, key=lambda b: case.sign * b.value)
    if position == "beyond-benchmarks":
        return (
            f"{cur} lies beyond every benchmark you know: {worst.name} is "
            f"{_fmt(case, worst.value)}."
        )
    if position == "better-than-benchmarks":
        return (
            f"{cur} is better for you than every benchmark you know ({best.name}: "
            f"{_fmt(case, best.value)})."
        )
    return (
        f"{cur} lies within your benchmarks, from {best.name} ({_fmt(case, best.value)}) to "
        f"{worst.name} ({_fmt(case, worst.value)})."
    )


def _batna_line(case: DefendCase, beats: bool | None) -> str:
    if beats is None:
        return ""
    batna = _fmt(case, case.batna)
    if beats:
        gain = _fmt(case, abs(case.current.amount - case.batna))
        return f"It beats your BATNA ({batna}) by {gain}."
    return f"Your BATNA ({batna}) is better: walking away beats this request."


def _criterion(case: DefendCase, position: str) -> str:
    cur = _fmt(case, case.current.amount)
    line = f"Ask for the basis of the number: which market figure or precedent gives {cur}?"
    if position == "beyond-benchmarks":
        worst = case.worst_benchmark
        line += f" None you know goes beyond {worst.name} ({_fmt(case, worst.value)})."
    return line


def _counter_line(case: DefendCase, counter: float | None, basis: Benchmark | None) -> str:
    if counter is None:
        return ""
    if basis is None:
        return (
            f"Counter at your limit, {_fmt(case, counter)}: no benchmark you know lies between "
            "it and their number, so name what supports it (your budget, your alternative)."
        )
    return f"Counter from {basis.name}: {_fmt(case, counter)}."


def _reply(
    case: DefendCase,
    r: Recognition,
    below: bool,
    counter: float | None,
    basis: Benchmark | None,
) -> str:
    e = r.evidence
    cur = _fmt(case, e.current)
    if r.pattern in _TECHNIQUES:
        parts = [
            f"Thank you for moving from {_fmt(case, e.previous or 0)} to {cur}.",
            "I would rather not decide on how far the number has moved, only on whether the "
            "number itself is right.",
        ]
    elif r.pattern == "foot-in-the-door":
        parts = [
            f"I was glad to help with {_fmt(case, e.previous or 0)}; this is a larger request, "
            "so let me look at it on its own."
        ]
    else:
        parts = ["Thank you for the proposal."]
    # Your interests note is private (it shapes your advice, not their message): the reply
    # never quotes it back to the counterpart.
    parts.append("What matters to me is a figure I can justify against independent numbers.")
    parts.append(f"What is {cur} based on: which market figure or precedent?")
    if counter is not None and basis is not None:
        name = basis.name[:1].upper() + basis.name[1:]
        parts.append(
            f"{name} puts it at {_fmt(case, counter)}, so I propose {_fmt(case, counter)}."
        )
    elif counter is not None:
        parts.append(f"The furthest I can go is {_fmt(case, counter)}.")
    else:
        assert not below  # beyond the limit, choose_counter offers at least the limit itself
        parts.append(f"If it holds up, {cur} can work for me.")
    return " ".join(parts)
