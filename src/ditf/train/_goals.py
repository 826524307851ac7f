"""Learning goals: what each round teaches, checked against the trainee's choice.

A scenario lists goal ids (data); :data:`ditf.train.GOALS` holds their text next to the
scenario that validates them (``TrainerScenario.goal_text`` words it by the direction), and
this module holds one check per id, as the audit does for its rules. A check returns whether
the goal is met and why, in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ditf._text import format_amount
from ditf.plan import Finding, minimum_words

if TYPE_CHECKING:
    from ditf.train._choice import Choice
    from ditf.train._scenario import TrainerScenario

__all__ = ["GoalResult", "Situation", "check_goals", "restraint"]

#: Share of the best opener's expected value that counts as calibrated.
CALIBRATED_SHARE = 0.9
#: Words an explanation needs to say both what was given up and what is still needed.
MIN_EXPLANATION_WORDS = 5


@dataclass(frozen=True, slots=True)
class GoalResult:
    """One learning goal of the round: met or not, and why."""

    id: str
    text: str
    met: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Situation:
    """What the goal checks look at: the scenario, the choice and its evaluation."""

    trainer: TrainerScenario
    choice: Choice
    theatrical: bool
    findings: tuple[Finding, ...]
    value: float
    best_opener: float | None
    best_opener_value: float | None

    def fmt(self, amount: float) -> str:
        return f"{format_amount(amount)} {self.trainer.unit}"


def _ask_big(s: Situation) -> tuple[bool, str]:
    c = s.choice
    if c.opener is None:
        return False, "You asked directly: there was no larger first request to refuse."
    return True, f"You opened with {s.fmt(c.opener)} before asking {s.fmt(c.fallback)}."


def _at_once(s: Situation) -> tuple[bool, str]:
    c = s.choice
    if c.opener is None:
        return False, "You asked directly, so there was no retreat to time."
    if c.delay_hours == 0:
        return True, "You retreated at once, while the refusal was fresh."
    return False, (
        f"You waited {c.delay_hours:g} h: the concession's pull decays within hours and the "
        "refusal carries over."
    )


def _minimum(s: Situation) -> tuple[bool, str]:
    p = s.trainer.scenario
    f = s.choice.fallback
    name, past = minimum_words(p.direction)
    if p.better(f, p.minimum):
        verb = "meets" if p.direction == "more" else "stays within"
        return True, f"Your request ({s.fmt(f)}) {verb} {name} ({s.fmt(p.minimum)})."
    return False, f"Your request ({s.fmt(f)}) is {past} ({s.fmt(p.minimum)})."


def _credible(s: Situation) -> tuple[bool, str]:
    p = s.trainer.scenario
    o = s.choice.opener
    edge = p.boldest_benchmark
    if o is None:
        return True, "No opener, so nothing that needs justifying."
    if p.cost(o) <= p.cost(edge.value) * (1 + 1e-9):
        return True, f"Your opener stays within {edge.name} ({s.fmt(edge.value)})."
    return False, (
        f"Your opener ({s.fmt(o)}) lies beyond {edge.name} ({s.fmt(edge.value)}): you could "
        "not justify it if asked."
    )


def _calibrated(s: Situation) -> tuple[bool, str]:
    best, best_value = s.best_opener, s.best_opener_value
    if s.choice.opener is None or best is None or best_value is None:
        return False, "You asked directly: there was no opener to calibrate."
    floor = best_value - (1 - CALIBRATED_SHARE) * abs(best_value)
    verdict = "within" if s.value >= floor else "short of"
    return s.value >= floor, (
        f"Expected value {format_amount(s.value, 4)} against {format_amount(best_value, 4)} for "
        f"the best opener for your fallback ({s.fmt(best)}): {verdict} {CALIBRATED_SHARE:.0%}."
    )


def _criterion(s: Situation) -> tuple[bool, str]:
    p = s.trainer.scenario
    f = s.choice.fallback
    support = [b for b in p.benchmarks if p.better(b.value, f)]
    if not support:
        return False, f"No benchmark supports {s.fmt(f)}: you could not say why that number."
    near = min(support, key=lambda b: abs(b.value - f))
    return True, f"{near.name} ({s.fmt(near.value)}) supports your request."


def _explained(s: Situation) -> tuple[bool, str]:
    if s.choice.opener is None:
        return False, "You asked directly, so there was no concession to explain."
    words = len(s.choice.explanation.split())
    if words >= MIN_EXPLANATION_WORDS:
        return True, "You explained the concession."
    return False, (
        f"Your explanation has {words} word(s): say what you gave up and what you still need, "
        "so the retreat reads as a real concession."
    )


def _honest(s: Situation) -> tuple[bool, str]:
    if not s.theatrical:
        return True, "You would honour a yes to every request you made."
    limit = s.trainer.honour_limit
    if s.choice.honour_opener and limit is not None:
        return False, (
            f"You could honour at most {s.fmt(limit)}: an opener beyond it is theatre, made "
            "only to be refused."
        )
    return False, "You declared you would not honour a yes to your opener: that is theatre."


def _no_blocking(s: Situation) -> tuple[bool, str]:
    blocking = [f.id for f in s.findings if f.severity == "blocking"]
    if not blocking:
        return True, "The audit found nothing blocking."
    return False, f"The audit blocks this plan: {', '.join(blocking)}."


def _vulnerable(s: Situation) -> tuple[bool, str]:
    if not s.trainer.scenario.counterpart_vulnerable:
        return True, "The counterpart is not vulnerable."
    if s.choice.opener is None:
        return True, "You made a plain request of a vulnerable counterpart."
    return False, "You ran the technique on a vulnerable counterpart."


def _repeated(s: Situation) -> tuple[bool, str]:
    n = s.trainer.prior_retreats
    if n == 0:
        return True, "This counterpart has not seen a retreat from you before."
    if s.choice.opener is None:
        return True, f"This counterpart has seen {n} retreat(s) from you; you asked directly."
    return False, (
        f"This counterpart has seen {n} retreat(s) from you: the pattern shows and the lift "
        "wears off."
    )


CHECKS: dict[str, Callable[[Situation], tuple[bool, str]]] = {
    "ask-big-first": _ask_big,
    "retreat-at-once": _at_once,
    "fallback-meets-minimum": _minimum,
    "credible-opener": _credible,
    "calibrated-opener": _calibrated,
    "fallback-has-criterion": _criterion,
    "explain-concession": _explained,
    "honest-opener": _honest,
    "no-blocking-findings": _no_blocking,
    "spare-the-vulnerable": _vulnerable,
    "avoid-repeated-retreat": _repeated,
}


def check_goals(situation: Situation) -> tuple[GoalResult, ...]:
    """Check the scenario's goals, in the scenario's order."""
    results = []
    for goal in situation.trainer.goals:
        met, detail = CHECKS[goal](situation)
        results.append(GoalResult(goal, situation.trainer.goal_text(goal), met, detail))
    return tuple(results)


def restraint(trainer: TrainerScenario) -> str | None:
    """Why this scenario rules the technique out, or None when it may be used.

    Only goals of the scenario can rule it out: a vulnerable counterpart under
    ``spare-the-vulnerable`` and earlier retreats under ``avoid-repeated-retreat``.
    """
    s = trainer.scenario
    if "spare-the-vulnerable" in trainer.goals and s.counterpart_vulnerable:
        return "the counterpart is vulnerable"
    if "avoid-repeated-retreat" in trainer.goals and trainer.prior_retreats > 0:
        return f"the counterpart has seen {trainer.prior_retreats} retreat(s) from you"
    return None
