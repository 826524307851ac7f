"""The concession script: what to say when you open, when you retreat, and at the end."""

from __future__ import annotations

import re

from ditf._text import format_amount
from ditf.plan._plan import PLAIN, Plan

__all__ = ["amount_words", "concession_script", "minimum_words"]

#: Units written in the plural, and their singular ("1 hour", not "1 hours").
_SINGULAR = {
    "hours": "hour", "days": "day", "weeks": "week", "months": "month", "years": "year",
    "minutes": "minute", "units": "unit", "seats": "seat", "shifts": "shift",
    "people": "person", "items": "item", "licences": "licence", "licenses": "license",
}  # fmt: skip
#: Your minimum by the scenario's direction, and the way past it: for a party to whom more is
#: better it is the least they accept; for one to whom less is better (a buyer) it is the most
#: they will pay, and a retreat past it goes above it.
_MINIMUM_WORDS: dict[str, tuple[str, str]] = {
    "more": ("your minimum", "below your minimum"),
    "less": ("the most you will pay", "above the most you will pay"),
}
#: A number as people write one in an explanation: 105000, 105,000, 105k, 1.5, and the word
#: after it ("200 seats" counts seats, not an amount).
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?([kK])\b)?(?:\s+([A-Za-z]+))?"
)
#: Words that make a number a count of things or time, never an amount of money.
_COUNTED = frozenset(_SINGULAR) | frozenset(_SINGULAR.values())


def minimum_words(direction: str) -> tuple[str, str]:
    """How to name the minimum for ``direction`` ("more" or "less"), and a retreat past it.

    Examples
    --------
    >>> minimum_words("less")
    ('the most you will pay', 'above the most you will pay')
    """
    return _MINIMUM_WORDS[direction]


def amount_words(value: float, unit: str) -> str:
    """An amount with its unit as a sentence says it.

    Examples
    --------
    >>> amount_words(1, "hours"), amount_words(110000, "EUR"), amount_words(60, "% discount")
    ('1 hour', '110,000 EUR', '60% discount')
    """
    if unit.startswith("%"):
        return f"{format_amount(value)}{unit}"
    if value == 1:
        unit = _SINGULAR.get(unit, unit)
    return f"{format_amount(value)} {unit}"


def _amount(plan: Plan, value: float) -> str:
    return amount_words(value, plan.scenario.unit)


def _article(value: float) -> str:
    """The article before a number: "an" for 8, 11, 18, 80-89, 11,000 (a vowel sound).

    Examples
    --------
    >>> [_article(x) for x in (18, 8, 80, 11000, 12, 110, 180, 7.6, 10.6, 11.5, 8.5)]
    ['an', 'an', 'an', 'an', 'a', 'a', 'a', 'a', 'a', 'an', 'an']
    """
    digits = str(int(abs(value)))  # the whole part, as it is said: "seven point six"
    eleven = digits[:2] in ("11", "18") and len(digits) % 3 == 2
    return "an" if digits.startswith("8") or eleven else "a"


def _asked(plan: Plan, value: float) -> str:
    """What you ask for: "a salary of 124,000 EUR", or "a 60% discount" for a percentage."""
    if plan.scenario.unit.startswith("%"):
        return f"{_article(value)} {_amount(plan, value)}"
    return f"{plan.scenario.info.noun} {_amount(plan, value)}"


def _numbers(text: str, unit: str = "") -> list[float]:
    """The amounts in ``text``: separators and a k suffix read, counts ("200 seats") left out.

    A count in the plan's own ``unit`` ("6 hours" when hours are asked) is an amount.
    """
    own = {unit.lower(), _SINGULAR.get(unit.lower(), unit.lower())}
    out = []
    for whole, decimals, k, word in _NUMBER.findall(text):
        if not k and word.lower() in _COUNTED - own:
            continue
        value = float(whole.replace(",", "") + (decimals or ""))
        out.append(value * 1000 if k else value)
    return out


def _contradicting(plan: Plan, text: str) -> list[float]:
    """Amounts your explanation names that this plan does not: it would contradict the asks.

    Small numbers ("two batches", "3 years") are not amounts: only those at least a fifth of
    the smallest amount in play count.
    """
    s = plan.scenario
    known = [plan.opener, plan.fallback, s.target, s.minimum, s.batna,
             abs(plan.opener - plan.fallback), *(b.value for b in s.benchmarks)]  # fmt: skip
    if plan.second_fallback is not None:
        known.append(plan.second_fallback)
    floor = 0.2 * min(x for x in (plan.opener, plan.fallback, s.minimum) if x > 0)
    return [
        x for x in _numbers(text, s.unit)
        if x >= floor and all(abs(x - k) > 0.005 * max(abs(k), 1.0) for k in known)
    ]  # fmt: skip


def _when(plan: Plan) -> str:
    """How the retreat is made: at once and yourself, or as the scenario plans it."""
    s = plan.scenario
    if s.delay_hours == 0 and s.retreat_by_same_person:
        return "Retreat at once, yourself, after the refusal"
    how = [f"{s.delay_hours:g} h after the refusal"] if s.delay_hours else []
    how += [] if s.retreat_by_same_person else ["by someone else"]
    return f"Retreat ({', '.join(how)} as planned; at once and yourself works better)"


def retreat_words(plan: Plan) -> str:
    """The retreat as the plan makes it, for a headline: "retreat at once", "retreat 48 h later"."""
    s = plan.scenario
    when = f"{s.delay_hours:g} h later" if s.delay_hours else "at once"
    who = "retreat" if s.retreat_by_same_person else "have someone else retreat"
    return f"{who} {when}"


def _limit(plan: Plan) -> str:
    """Your minimum as its side says it: a buyer's is the most they will pay."""
    return f"{minimum_words(plan.scenario.direction)[0]} ({_amount(plan, plan.scenario.minimum)})"


def _plain_script(plan: Plan, explanation: str) -> tuple[str, ...]:
    """The lines of a plain request: the ask, then your alternative."""
    return (
        f'Ask plainly: "I am asking for {_asked(plan, plan.plain_ask)}.{explanation}"',
        f'If that is refused: "Then I would rather take my alternative." Do not go past '
        f"{_limit(plan)}.",
    )


def concession_script(plan: Plan) -> tuple[str, ...]:
    """The lines to say, in order: the opener, the retreat with its reasons, the last offer.

    When the plan recommends a plain request, the lines are that request and your
    alternative: a script for the technique would contradict the advice.

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
    text = s.explanation.strip()
    clash = _contradicting(plan, text)
    explanation = f" {text[:1].upper()}{text[1:]}" if text and not clash else ""
    if plan.recommendation == PLAIN:
        return _plain_script(plan, explanation)
    basis = plan.opener_basis
    lines = [
        f'Open: "I am asking for {_asked(plan, plan.opener)}." If asked why: '
        f"{basis.name} is {_amount(plan, basis.value)}.",
    ]
    gave_up = abs(plan.opener - plan.fallback)
    why = plan.fallback_criterion
    reason = (
        f"and {why.name} is {_amount(plan, why.value)}"
        if why is not None
        else "(name the criterion behind this number before you ask)"
    )
    move = "come down to" if s.direction == "more" else "go up to"
    need = (
        f"{_amount(plan, plan.fallback)} would still help"
        if s.info.prosocial
        else f"I still need {_amount(plan, plan.fallback)}"
    )
    lines.append(
        f"{_when(plan)}: "
        f'"I understand that is more than you can do. I can {move} '
        f"{_amount(plan, plan.fallback)}: that gives up {_amount(plan, gave_up)} of what I "
        f'asked. {need}, {reason}.{explanation}"'
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
            f"past {_limit(plan)}."
        )
    if clash:
        named = ", ".join(f"{format_amount(x)}" for x in clash)
        lines.append(
            f"Your explanation is not in the script: it names {named}, which this plan does not "
            f"ask for (it retreats to {_amount(plan, plan.fallback)}). Say it in your own words "
            "only if it still holds."
        )
    return tuple(lines)
