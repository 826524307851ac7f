"""A round as the requester: the trainee's choice, a sampled counterpart, feedback and score."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ditf._errors import InvalidParameterError
from ditf._text import format_amount
from ditf._types import Seed
from ditf._validation import as_generator, check_instance
from ditf.plan import Estimate, Finding, Plan, PlanScenario, concession_script, minimum_words, plan
from ditf.train._choice import Choice
from ditf.train._counterpart import Answers, answers_from, sample_answers
from ditf.train._explain import MechanismNote, mechanism_notes
from ditf.train._goals import GoalResult, Situation, check_goals, restraint
from ditf.train._scenario import TrainerScenario
from ditf.train._score import Option, Score, score_round

__all__ = ["LUCK_NOTE", "RoundResult", "finding_dict", "play_round"]

#: Said with every result: the score does not depend on the sampled answers.
LUCK_NOTE = (
    "The answers above are one counterpart's, drawn from the model: a single round is mostly "
    "luck. The score uses the model's expectations for your choice, so a lucky yes or an "
    "unlucky no does not change it."
)
#: Audit rules that concern the request itself, so they apply to a direct ask too.
ASK_RULES = ("fallback-below-minimum", "fallback-below-batna", "no-objective-criterion",
             "power-asymmetry")  # fmt: skip
#: Largest opener/fallback cost ratio accepted: far beyond it every prediction is the same.
MAX_COST_RATIO = 1e6


@dataclass(frozen=True, slots=True, kw_only=True)
class _Evaluation:
    """The deterministic part of a round: everything but the scenario, choice and answers."""

    theatrical: bool
    options: tuple[Option, ...]
    p_fallback_alone: float
    p_fallback_after: float | None
    mechanisms: tuple[MechanismNote, ...]
    findings: tuple[Finding, ...]
    goals: tuple[GoalResult, ...]
    score: Score
    planner_script: tuple[str, ...]
    feedback: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundResult(_Evaluation):
    """Everything a round produced: what happened, what to expect, what helped, the score.

    Attributes
    ----------
    scenario : TrainerScenario
        The scenario played.
    choice : Choice
        The trainee's choice.
    answers : Answers
        The sampled counterpart's answers (shown, not scored).
    theatrical : bool
        Whether the opener was theatrical (not honoured, or beyond the honour limit).
    options : tuple of Option
        The trainee's choice first, then the alternatives it is compared with.
    p_fallback_alone : float
        P(yes) to the trainee's request asked alone.
    p_fallback_after : float or None
        P(yes) to it after the opener is refused (None: asked directly).
    mechanisms : tuple of MechanismNote
        What each mechanism added or cost, in plain words (empty for a direct ask).
    findings : tuple of Finding
        The audit of the trainee's plan (for a direct ask, the rules about the request).
    goals : tuple of GoalResult
        The scenario's learning goals, met or not.
    score : Score
        The score and its terms.
    planner_script : tuple of str
        What the planner's recommended plan would say.
    feedback : tuple of str
        The comparison in sentences.
    luck_note : str
        Why the score does not depend on the sampled answers.
    """

    scenario: TrainerScenario
    choice: Choice
    answers: Answers
    luck_note: str = LUCK_NOTE

    @property
    def role(self) -> str:
        """``"requester"``: the trainee asked (the journal's role)."""
        return "requester"

    @property
    def points(self) -> float:
        """The score (0-100), as for :attr:`TargetResult.points`."""
        return self.score.total

    def option(self, key: str) -> Option:
        """The option with this key (see :class:`Option`).

        Raises
        ------
        KeyError
            If the round has no such option.
        """
        for o in self.options:
            if o.key == key:
                return o
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """The round as JSON-ready data (lists, str keys, finite numbers).

        Fit for ``Journal.add_training_round(..., details=result.to_dict())``.
        """
        s = self.scenario
        return {
            "role": self.role,
            "scenario": s.summary(),
            "choice": self.choice.to_dict(),
            "answers": self.answers.to_dict(),
            "theatrical": self.theatrical,
            "options": [o.to_dict() for o in self.options],
            "p_fallback_alone": self.p_fallback_alone,
            "p_fallback_after": self.p_fallback_after,
            "mechanisms": [m.to_dict() for m in self.mechanisms],
            "findings": [finding_dict(f) for f in self.findings],
            "goals": [g.to_dict() for g in self.goals],
            "score": self.score.to_dict(),
            "planner_script": list(self.planner_script),
            "feedback": list(self.feedback),
            "luck_note": self.luck_note,
        }


def finding_dict(f: Finding) -> dict[str, str]:
    """An audit finding as JSON-ready data."""
    return {
        "id": f.id, "severity": f.severity, "title": f.title, "message": f.message,
        "rationale": f.rationale, "source": f.source,
    }  # fmt: skip


def play_round(scenario: TrainerScenario, choice: Choice, *, rng: Seed = None) -> RoundResult:
    """Play one round as the requester against a counterpart drawn from the model.

    The counterpart is one posterior draw of the model (:func:`ditf.model.predict_draws`). They
    answer the opener with P(yes) from your estimate of them, and, if they refuse, the fallback
    with the model's P(yes | refused the opener), which carries their stable willingness, so the
    two answers have the model's joint distribution. The feedback compares the trainee's choice
    with asking directly and with the planner's plan, explains each mechanism, audits the plan
    and checks the scenario's learning goals. The score (0-100) uses only expectations, never
    the sampled answers: the same scenario and choice always score the same.

    Score: ``clip(60 * clip(EV yours / EV best, 0, 1) + 40 * goals met / goals - 30 * blocking
    findings, 0, 100)``, where EV is the expected value beyond your BATNA and the best is the
    best admissible option (see ``docs/train.md``).

    Parameters
    ----------
    scenario : TrainerScenario
        A bundled scenario (:func:`load_trainer_scenarios`) or your own.
    choice : Choice
        Opener (or None to ask directly), fallback, delay, explanation, honesty.
    rng : int, Generator or None
        Randomness for the counterpart (the same seed gives the same round).

    Returns
    -------
    RoundResult

    Raises
    ------
    InvalidParameterError
        If the fallback asks for nothing beyond the reference, or the opener is not larger
        than the fallback.

    Examples
    --------
    >>> from ditf.train import Choice, trainer_scenario
    >>> s = trainer_scenario("volunteering-beginner")
    >>> r = play_round(s, Choice(opener=200, fallback=2, explanation="I see, that is a lot."),
    ...                rng=1)
    >>> 0 <= r.score.total <= 100, r.answers.result in ("accepted-opener",
    ...                                                  "accepted-fallback", "refused")
    (True, True)
    """
    check_instance(scenario, "scenario", "play_round", TrainerScenario)
    check_instance(choice, "choice", "play_round", Choice)
    check_choice(scenario.scenario, choice)
    ev = _evaluate(scenario, choice)
    gen = as_generator(rng)
    first, second, p1, p2 = sample_answers(
        scenario.scenario, choice, prior_retreats=scenario.prior_retreats, n=1, gen=gen
    )
    answers = answers_from(scenario.scenario, choice, first[0], second[0], p1[0], p2[0])
    return RoundResult(
        scenario=scenario, choice=choice, answers=answers,
        **{f.name: getattr(ev, f.name) for f in dataclasses.fields(ev)},
    )  # fmt: skip


def check_choice(s: PlanScenario, choice: Choice) -> None:
    """Reject a choice the model cannot price: nothing asked, or an opener that is no larger."""
    unit = s.unit
    fallback = f"{format_amount(choice.fallback)} {unit}"
    if s.cost(choice.fallback) <= 0:
        word = "above" if s.direction == "more" else "below"
        raise InvalidParameterError(
            f"fallback ({fallback}) asks for nothing the counterpart would not give anyway: it "
            f"must lie {word} {format_amount(s.reference)} {unit}, the amount that costs them "
            "nothing extra."
        )
    if choice.opener is None:
        return
    if s.cost(choice.opener) <= s.cost(choice.fallback):
        word = "more" if s.direction == "more" else "less"
        raise InvalidParameterError(
            f"opener ({format_amount(choice.opener)} {unit}) must ask for {word} than the "
            f"fallback ({fallback}): the opener is the larger request. To ask directly, leave "
            "the opener out."
        )
    if s.cost(choice.opener) > MAX_COST_RATIO * s.cost(choice.fallback):
        raise InvalidParameterError(
            f"opener ({format_amount(choice.opener)} {unit}) asks more than {MAX_COST_RATIO:g} "
            "times the fallback: no counterpart reads that as a request. Choose a smaller opener."
        )


def _estimate_option(
    key: str, label: str, p: Plan, e: Estimate, admissible: bool, why_not: str
) -> Option:
    return Option(
        key=key, label=label, opener=p.opener, fallback=p.fallback,
        p_yes=e.p_yes, p_lo=e.p_lo, p_hi=e.p_hi,
        expected_value=e.value, value_lo=e.value_lo, value_hi=e.value_hi,
        admissible=admissible, why_not=why_not,
    )  # fmt: skip


def _direct_option(s: PlanScenario, key: str, label: str, amount: float) -> Option:
    """Asking ``amount`` alone: P(yes) is your estimate of the counterpart, as in the planner."""
    p = s.baseline(amount)
    value = p * s.gain(amount)
    ok = s.better(amount, s.minimum) and s.better(amount, s.batna)
    return Option(
        key=key, label=label, opener=None, fallback=amount, p_yes=p, p_lo=p, p_hi=p,
        expected_value=value, value_lo=value, value_hi=value, admissible=ok,
        why_not="" if ok else f"it is {minimum_words(s.direction)[1]}",
    )  # fmt: skip


def _why_not(p: Plan, ruled_out: str | None) -> str:
    blocking = [f.id for f in p.findings if isinstance(f, Finding) and f.severity == "blocking"]
    if blocking:
        return "the audit blocks it: " + ", ".join(blocking)
    return "" if ruled_out is None else f"the technique is ruled out: {ruled_out}"


def _findings(p: Plan) -> tuple[Finding, ...]:
    return tuple(f for f in p.findings if isinstance(f, Finding))


def _direct_candidates(s: PlanScenario) -> list[float]:
    """Amounts worth asking alone: the target, benchmarks between minimum and target, minimum."""
    amounts = {s.target, s.minimum} | {b.value for b in s.benchmarks}
    return sorted(
        a for a in amounts
        if s.better(a, s.minimum) and s.better(s.target, a) and s.cost(a) > 0 and s.gain(a) > 0
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Yours:
    """The trainee's choice evaluated: its option, audit, mechanisms and its own comparisons."""

    option: Option
    findings: tuple[Finding, ...]
    mechanisms: tuple[MechanismNote, ...]
    p_after: float | None
    best_opener: Option | None
    extra: tuple[Option, ...]


def _standard_options(trainer: TrainerScenario, ruled_out: str | None) -> tuple[Plan, list[Option]]:
    """The planner's plan, the target asked directly and the best direct ask."""
    s = trainer.scenario
    planner = plan(s, prior_retreats=trainer.prior_retreats)
    options = [
        _estimate_option(
            "planner", "planner's plan", planner, planner.sequence,
            not planner.blocking and ruled_out is None, _why_not(planner, ruled_out),
        ),
        _direct_option(s, "target-direct", "target, asked directly", s.target),
    ]  # fmt: skip
    best = max(_direct_candidates(s), key=lambda a: s.baseline(a) * s.gain(a))
    if best != s.target:
        options.append(_direct_option(s, "best-direct", "best direct ask", best))
    return planner, options


def _asked_directly(trainer: TrainerScenario, mine: PlanScenario, choice: Choice) -> _Yours:
    # The planner with your fallback fixed audits the request; only the rules about the
    # request itself apply to a direct ask. Its blocking ones (below minimum or BATNA) are
    # exactly what makes the direct option inadmissible.
    asked = plan(mine, prior_retreats=trainer.prior_retreats)
    findings = tuple(f for f in _findings(asked) if f.id in ASK_RULES)
    yours = _direct_option(trainer.scenario, "yours", "your choice", choice.fallback)
    return _Yours(yours, findings, (), None, None, ())


def _with_technique(
    trainer: TrainerScenario, mine: PlanScenario, choice: Choice, ruled_out: str | None
) -> _Yours:
    n = trainer.prior_retreats
    p = plan(mine, prior_retreats=n)
    yours = _estimate_option(
        "yours", "your choice", p, p.sequence,
        not p.blocking and ruled_out is None, _why_not(p, ruled_out),
    )  # fmt: skip
    notes = mechanism_notes(
        p.contributions, delay_hours=choice.delay_hours, prior_retreats=n,
        negotiation=mine.info.price_like, prosocial=mine.info.prosocial,
        lift=p.p_fallback_after - p.p_fallback_alone,
    )  # fmt: skip
    tuned = plan(dataclasses.replace(mine, opener=None, honour_opener=True), prior_retreats=n)
    best_opener = _estimate_option(
        "best-opener", "best opener, your request", tuned, tuned.sequence,
        not tuned.blocking and ruled_out is None, _why_not(tuned, ruled_out),
    )  # fmt: skip
    direct = _direct_option(
        trainer.scenario, "fallback-direct", "your request, asked directly", choice.fallback
    )
    return _Yours(
        yours, _findings(p), notes, p.p_fallback_after, best_opener, (best_opener, direct)
    )


@lru_cache(maxsize=256)
def _evaluate(trainer: TrainerScenario, choice: Choice) -> _Evaluation:
    s = trainer.scenario
    ruled_out = restraint(trainer)
    planner, standard = _standard_options(trainer, ruled_out)
    theatrical = choice.opener is not None and (
        not choice.honour_opener or trainer.theatrical(choice.opener)
    )
    mine = dataclasses.replace(
        s, opener=choice.opener, fallback=choice.fallback, delay_hours=choice.delay_hours,
        explanation=choice.explanation, honour_opener=not theatrical,
    )  # fmt: skip
    if choice.opener is None:
        yours = _asked_directly(trainer, mine, choice)
    else:
        yours = _with_technique(trainer, mine, choice, ruled_out)
    options = (yours.option, *standard, *yours.extra)
    best = yours.best_opener
    situation = Situation(
        trainer=trainer, choice=choice, theatrical=theatrical, findings=yours.findings,
        value=yours.option.expected_value,
        best_opener=None if best is None else best.opener,
        best_opener_value=None if best is None else best.expected_value,
    )  # fmt: skip
    goals = check_goals(situation)
    score = score_round(yours.option, options, goals, yours.findings)
    return _Evaluation(
        theatrical=theatrical,
        options=options,
        p_fallback_alone=s.baseline(choice.fallback),
        p_fallback_after=yours.p_after,
        mechanisms=yours.mechanisms,
        findings=yours.findings,
        goals=goals,
        score=score,
        planner_script=concession_script(planner),
        feedback=_feedback(trainer, options, yours.p_after, score),
    )


def _feedback(
    trainer: TrainerScenario, options: tuple[Option, ...], p_after: float | None, score: Score
) -> tuple[str, ...]:
    s = trainer.scenario

    def fmt(amount: float) -> str:
        return f"{format_amount(amount)} {s.unit}"

    def line(o: Option) -> str:
        asks = fmt(o.fallback) if o.opener is None else f"{fmt(o.opener)}, then {fmt(o.fallback)}"
        spread = "" if o.p_lo == o.p_hi else f" (90% interval {o.p_lo:.0%}-{o.p_hi:.0%})"
        note = "" if o.admissible else f"; not admissible: {o.why_not}"
        return (
            f"{o.label[:1].upper()}{o.label[1:]} ({asks}): P(agreement) {o.p_yes:.0%}{spread}, "
            f"expected value {format_amount(o.expected_value, 4)} {s.unit} beyond your BATNA{note}."
        )

    lines = [line(o) for o in options]
    yours = options[0]
    if p_after is not None:
        alone = s.baseline(yours.fallback)
        change = "raises" if p_after > alone else "lowers"
        lines.append(
            f"A refused opener {change} P(yes) to your request from {alone:.0%} asked alone to "
            f"{p_after:.0%} ({(p_after - alone) * 100:+.1f} points); the notes below say which "
            "mechanisms did it and add up to that change (a note of no effect holds under half "
            "a point)."
        )
    best = next(o for o in options if o.key == score.reference)
    if best.key != "yours":
        lines.append(
            f"The best admissible option is {best.label}: your choice earns "
            f"{score.value_ratio:.0%} of its expected value."
        )
    else:
        lines.append("Your choice is the best admissible option in expected value.")
    return tuple(lines)
