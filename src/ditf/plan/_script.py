"""The concession script: what to say when you open, when you retreat, and at the end."""

from __future__ import annotations

from ditf.plan._planner import Plan

__all__ = ["concession_script"]


def _amount(plan: Plan, value: float) -> str:
    return f"{value:,.6g} {plan.scenario.unit}"


def _when(plan: Plan) -> str:
    """How the retreat is made: at once and yourself, or as the scenario plans it."""
    s = plan.scenario
    if s.delay_hours == 0 and s.retreat_by_same_person:
        return "Retreat at once, yourself, after the refusal"
    how = [f"{s.delay_hours:g} h after the refusal"] if s.delay_hours else []
    how += [] if s.retreat_by_same_person else ["by someone else"]
    return f"Retreat ({', '.join(how)} as planned; at once and yourself works better)"


def concession_script(plan: Plan) -> tuple[str, ...]:
    """The lines to say, in order: the opener, the retreat with its reasons, the last offer.

    The retreat names what you gave up, what you still need and the criterion behind it, so
    that it reads as a genuine concession (Cialdini et al., 1975) anchored on an objective
    standard (Fisher, Ury & Patton, 2011, ch. 5).

    Examples
    --------
    >>> from ditf.plan import plan, plan_scenario_from_mapping
    >>> s = plan_scenario_from_mapping({
    ...     "domain": "fundraising", "unit": "EUR", "target": 50, "minimum": 20, "batna": 0,
    ...     "benchmarks": [{"name": "our top donors' typical gift", "kind": "norm", "value": 250},
    ...                    {"name": "the average gift last year", "kind": "precedent",
    ...                     "value": 50}],
    ...     "counterpart": {"accepts_low": 10, "accepts_high": 120}})
    >>> concession_script(plan(s))[1].startswith("Retreat at once")
    True
    """
    s = plan.scenario
    noun = s.info.noun
    basis = plan.opener_basis
    lines = [
        f'Open: "I am asking for {noun} {_amount(plan, plan.opener)}." If asked why: '
        f"{basis.name} is {_amount(plan, basis.value)}.",
    ]
    gave_up = abs(plan.opener - plan.fallback)
    why = plan.fallback_criterion
    reason = (
        f"and {why.name} is {_amount(plan, why.value)}"
        if why is not None
        else "(name the criterion behind this number before you ask)"
    )
    text = s.explanation.strip()
    explanation = f" {text[:1].upper()}{text[1:]}" if text else ""
    move = "come down to" if s.direction == "more" else "go up to"
    lines.append(
        f"{_when(plan)}: "
        f'"I understand that is more than you can do. I can {move} '
        f"{_amount(plan, plan.fallback)}: that gives up {_amount(plan, gave_up)} of what I "
        f'asked. I still need {_amount(plan, plan.fallback)}, {reason}.{explanation}"'
    )
    if plan.second_fallback is not None:
        crit = plan.second_criterion
        anchor = f", with {crit.name} at {_amount(plan, crit.value)}" if crit is not None else ""
        lines.append(
            f'If that is refused too: "My last offer is {_amount(plan, plan.second_fallback)}'
            f'{anchor}. Beyond that I would rather take my alternative."'
        )
    else:
        lines.append(
            'If that is refused too: "Then I would rather take my alternative." Do not go '
            f"past your minimum ({_amount(plan, s.minimum)})."
        )
    return tuple(lines)
