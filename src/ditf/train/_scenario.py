"""Trainer scenarios: a planner scenario plus a briefing, learning goals and a target's brief.

The bundled scenarios live as data in ``ditf/data/trainer/<domain>.toml`` (one file per
domain, at least one scenario per level); :func:`trainer_scenario_from_mapping` validates one
table and :func:`load_trainer_scenarios` returns them all.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ditf._errors import DataError, InvalidParameterError
from ditf._types import Seed
from ditf._validation import as_generator, check_fields, check_int_range, check_option, check_type
from ditf.data import TRAINER_LEVELS, load_trainer_data
from ditf.plan import DOMAINS, PlanScenario, minimum_words, plan_scenario_from_mapping

__all__ = [
    "GOALS",
    "LEVELS",
    "TargetBrief",
    "TrainerScenario",
    "load_trainer_scenarios",
    "pick_scenario",
    "trainer_scenario",
    "trainer_scenario_from_mapping",
]

#: Goal id -> what the trainee should do (worded for a party to whom more is better;
#: :meth:`TrainerScenario.goal_text` words it by the scenario's direction).
GOALS: dict[str, str] = {
    "ask-big-first": "Open with a larger request than the one you need, then retreat to it.",
    "retreat-at-once": "Retreat at once, yourself, in the same conversation as the refusal.",
    "fallback-meets-minimum": "Never retreat below your minimum.",
    "credible-opener": "Keep the opener within the benchmarks you could justify if asked.",
    "calibrated-opener": (
        "Calibrate the opener: at least 90% of the expected value of the best opener for "
        "your fallback."
    ),
    "fallback-has-criterion": "Anchor the fallback to a named benchmark.",
    "explain-concession": (
        "Explain the concession in a sentence: what you gave up and what you still need."
    ),
    "honest-opener": "Only open with a request you would honour if they said yes.",
    "no-blocking-findings": "Leave no blocking finding in the ethics audit.",
    "spare-the-vulnerable": (
        "Do not use the technique on a vulnerable counterpart: make a plain, fair request."
    ),
    "avoid-repeated-retreat": (
        "Do not run the retreat again on someone who has seen it from you: ask directly."
    ),
}


#: The three depths of the trainer, from "ask big, then smaller" to spotting manipulation.
LEVELS: tuple[str, ...] = TRAINER_LEVELS
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_KEYS = {
    "id", "level", "title", "briefing", "goals", "prior_retreats", "honour_limit", "plan",
    "as_target", "source",
}  # fmt: skip
_REQUIRED = ("id", "level", "title", "briefing", "goals", "plan", "as_target")


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetBrief:
    """The trainee's side when the roles are reversed (the trainee is asked).

    Parameters
    ----------
    role : str
        Who the trainee plays, e.g. ``"the hiring manager"``.
    briefing : str
        The situation from the trainee's side.
    limit : float
        The worst deal the trainee accepts, in the scenario's unit (for a salary the most
        they would pay; for a volunteer the most hours they would give).
    """

    role: str
    briefing: str
    limit: float

    def __post_init__(self) -> None:
        for name in ("role", "briefing"):
            _text(getattr(self, name), f"as_target.{name}")
        object.__setattr__(self, "limit", _amount(self.limit, "as_target.limit"))


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainerScenario:
    """One practice situation: what you want, the briefing, and what the round teaches.

    Parameters
    ----------
    id : str
        A stable slug (lowercase letters, digits and dashes), e.g. ``"salary-beginner"``.
    level : str
        One of :data:`LEVELS`.
    title, briefing : str
        A short title and the situation as told to the trainee.
    goals : tuple of str
        The round's learning goals: ids of :data:`ditf.train.GOALS`, checked on every round.
    scenario : PlanScenario
        The numbers: target, minimum, BATNA, benchmarks, your estimate of the counterpart and
        the honesty declarations. The opener and the fallback are left to the trainee.
    as_target : TargetBrief
        The other side, for role reversal (:func:`ditf.train.make_pitch`).
    prior_retreats : int, default 0
        Retreats this counterpart has already seen from you (repeated use).
    honour_limit : float or None, default None
        The boldest opener you could honour; a bolder one is theatrical (you could not keep a
        yes). None: any opener could be honoured.
    source : str, default ""
        Where the scenario comes from (the bundled file).

    Examples
    --------
    >>> s = trainer_scenario("volunteering-beginner")
    >>> s.domain, s.level, s.goals[0]
    ('volunteering', 'beginner', 'ask-big-first')
    """

    id: str
    level: str
    title: str
    briefing: str
    goals: tuple[str, ...]
    scenario: PlanScenario
    as_target: TargetBrief
    prior_retreats: int = 0
    honour_limit: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID.match(self.id):
            raise InvalidParameterError(
                f"A trainer scenario id must be a slug of lowercase letters, digits and dashes "
                f"(at most 80 characters), e.g. 'salary-beginner'. Got {self.id!r} instead."
            )
        check_option(self.level, "level", "TrainerScenario", LEVELS)
        for name in ("title", "briefing"):
            _text(getattr(self, name), name)
        self._check_goals()
        if not isinstance(self.scenario, PlanScenario):
            raise InvalidParameterError("'scenario' must be a PlanScenario ([scenario.plan]).")
        if not isinstance(self.as_target, TargetBrief):
            raise InvalidParameterError("'as_target' must be a TargetBrief ([scenario.as_target]).")
        check_int_range(self.prior_retreats, "prior_retreats", "TrainerScenario", 0, 1000)
        check_type(self.source, "source", "TrainerScenario", str, "a string")
        self._check_numbers()

    @property
    def domain(self) -> str:
        """The application domain (salary, procurement, ...)."""
        return self.scenario.domain

    @property
    def unit(self) -> str:
        """The unit of every amount."""
        return self.scenario.unit

    def summary(self) -> dict[str, str]:
        """Id, domain, level, title and unit: how results name their scenario."""
        return {
            "id": self.id, "domain": self.domain, "level": self.level, "title": self.title,
            "unit": self.unit,
        }  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """What the trainee is told, as JSON-ready data (the web page renders this)."""
        s = self.scenario
        return {
            "id": self.id,
            "domain": self.domain,
            "level": self.level,
            "title": self.title,
            "briefing": self.briefing,
            "goals": [{"id": g, "text": self.goal_text(g)} for g in self.goals],
            "unit": s.unit,
            "direction": s.direction,
            "target": s.target,
            "minimum": s.minimum,
            "batna": s.batna,
            "reference": s.reference,
            "benchmarks": [
                {"name": b.name, "kind": b.kind, "value": b.value} for b in s.benchmarks
            ],
            "counterpart": {
                "accepts_low": s.counterpart.accepts_low,
                "accepts_high": s.counterpart.accepts_high,
            },
            "prior_retreats": self.prior_retreats,
            "honour_limit": self.honour_limit,
            "counterpart_vulnerable": s.counterpart_vulnerable,
            "power_asymmetry": s.power_asymmetry,
            "as_target": {
                "role": self.as_target.role,
                "briefing": self.as_target.briefing,
                "limit": self.as_target.limit,
            },
        }

    def goal_text(self, goal: str) -> str:
        """The text of a goal id for this scenario: :data:`GOALS`, worded by its direction.

        ``fallback-meets-minimum`` names the minimum as :func:`minimum_words` does, so a buyer
        is told never to retreat above the most they will pay.

        Examples
        --------
        >>> trainer_scenario("procurement-beginner").goal_text("fallback-meets-minimum")
        'Never retreat above the most you will pay.'
        """
        if goal == "fallback-meets-minimum":
            return f"Never retreat {minimum_words(self.scenario.direction)[1]}."
        return GOALS[goal]

    def theatrical(self, opener: float) -> bool:
        """Whether ``opener`` lies beyond what you could honour (:attr:`honour_limit`)."""
        limit = self.honour_limit
        return limit is not None and self.scenario.cost(opener) > self.scenario.cost(limit)

    def within_limit(self, amount: float) -> bool:
        """Whether a deal at ``amount`` keeps the target-side trainee within their limit."""
        return self.scenario.cost(amount) <= self.scenario.cost(self.as_target.limit)

    def _check_goals(self) -> None:
        goals = self.goals
        if not isinstance(goals, tuple) or not goals or len(set(goals)) != len(goals):
            raise InvalidParameterError(
                f"'goals' must be a non-empty list of distinct goal ids. Got {goals!r} instead."
            )
        unknown = [g for g in goals if g not in GOALS]
        if unknown:
            raise InvalidParameterError(
                f"Unknown goal id(s) {', '.join(map(repr, unknown))}; use ids from "
                f"{', '.join(sorted(GOALS))}."
            )

    def _check_numbers(self) -> None:
        s = self.scenario
        if s.opener is not None or s.fallback is not None:
            raise InvalidParameterError(
                "A trainer scenario leaves the opener and the fallback to the trainee: remove "
                "'opener' and 'fallback' from [scenario.plan]."
            )
        if s.gain(s.target) <= 0:
            raise InvalidParameterError(
                f"target ({s.target:g}) must beat batna ({s.batna:g}): otherwise no agreement "
                "is worth anything and the round cannot be scored."
            )
        limit = self.as_target.limit
        if not 0 < s.cost(limit) < s.cost(s.boldest_benchmark.value):
            raise InvalidParameterError(
                f"as_target.limit ({limit:g}) must lie between the reference ({s.reference:g}) "
                f"and the boldest benchmark ({s.boldest_benchmark.value:g}): the target-side "
                "trainee needs room to agree and room to be pushed past their limit."
            )
        if self.honour_limit is not None:
            honour = _amount(self.honour_limit, "honour_limit")
            object.__setattr__(self, "honour_limit", honour)
            if s.cost(honour) <= s.cost(s.target):
                raise InvalidParameterError(
                    f"honour_limit ({honour:g}) must lie beyond target ({s.target:g}): you "
                    "must be able to honour an opener at least as large as what you want."
                )


def _amount(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidParameterError(f"{name} must be a number, got {value!r}.")
    if not math.isfinite(value) or value < 0:
        raise InvalidParameterError(f"{name} must be a finite amount >= 0, got {value!r}.")
    return float(value)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(f"{name} must be non-empty text, got {value!r}.")
    return value


def trainer_scenario_from_mapping(data: dict[str, Any]) -> TrainerScenario:
    """Build a trainer scenario from one parsed ``[[scenario]]`` table.

    The table has ``id``, ``level``, ``title``, ``briefing``, ``goals`` (goal ids), a
    ``[plan]`` table in the planner's scenario format (``docs/plan.md``; without opener and
    fallback), an ``[as_target]`` table (``role``, ``briefing``, ``limit``) and optionally
    ``prior_retreats`` and ``honour_limit``. See ``docs/train.md``.

    Raises
    ------
    InvalidParameterError
        Naming the field and the fix.

    Examples
    --------
    >>> s = trainer_scenario_from_mapping({
    ...     "id": "my-fundraiser", "level": "beginner", "title": "Ask a neighbour",
    ...     "briefing": "Ask your neighbour to support the food bank.",
    ...     "goals": ["ask-big-first"],
    ...     "plan": {"domain": "fundraising", "unit": "EUR", "target": 30, "minimum": 10,
    ...              "batna": 0,
    ...              "benchmarks": [{"name": "a typical gift", "kind": "norm", "value": 50}],
    ...              "counterpart": {"accepts_low": 5, "accepts_high": 60}},
    ...     "as_target": {"role": "the neighbour", "briefing": "You are asked to give.",
    ...                   "limit": 20}})
    >>> s.scenario.target, s.as_target.limit
    (30.0, 20.0)
    """
    if not isinstance(data, dict):
        raise InvalidParameterError(f"A trainer scenario must be a table, got {data!r}.")
    check_fields(data, _KEYS, _REQUIRED, what="The trainer scenario", kind="trainer scenario")
    for key in ("plan", "as_target"):
        if not isinstance(data[key], dict):
            raise InvalidParameterError(f"{key} must be a table ([scenario.{key}]).")
    goals = data["goals"]
    if not isinstance(goals, list) or not all(isinstance(g, str) for g in goals):
        raise InvalidParameterError(f"goals must be a list of goal ids, got {goals!r}.")
    target = data["as_target"]
    unknown = sorted(set(target) - {"role", "briefing", "limit"})
    if unknown or "limit" not in target:
        raise InvalidParameterError(
            "as_target needs role, briefing and limit (and nothing else); got "
            f"{', '.join(sorted(target)) or 'nothing'}."
        )
    return TrainerScenario(
        id=data["id"],
        level=data["level"],
        title=data["title"],
        briefing=data["briefing"],
        goals=tuple(goals),
        scenario=plan_scenario_from_mapping(data["plan"]),
        as_target=TargetBrief(
            role=target.get("role", ""), briefing=target.get("briefing", ""), limit=target["limit"]
        ),
        prior_retreats=data.get("prior_retreats", 0),
        honour_limit=data.get("honour_limit"),
        source=data.get("source", ""),
    )


@cache
def _bundled() -> tuple[TrainerScenario, ...]:
    scenarios = []
    for entry in load_trainer_data():
        where = f"{entry['source']}, scenario {entry['id']!r}"
        try:
            scenario = trainer_scenario_from_mapping(entry)
        except InvalidParameterError as exc:
            raise DataError(f"{where}: {exc}") from exc
        expected = entry["source"].rsplit("/", 1)[-1].removesuffix(".toml")
        if scenario.domain != expected:
            raise DataError(f"{where}: its plan's domain is {scenario.domain!r}, not {expected!r}.")
        scenarios.append(scenario)
    return tuple(scenarios)


def load_trainer_scenarios(
    domain: str | None = None, level: str | None = None
) -> tuple[TrainerScenario, ...]:
    """The bundled trainer scenarios, optionally only one domain and/or level.

    Parameters
    ----------
    domain : str, optional
        One of :data:`ditf.plan.DOMAINS`.
    level : str, optional
        One of :data:`LEVELS`.

    Returns
    -------
    tuple of TrainerScenario
        In domain order, then level order as in the files.

    Raises
    ------
    InvalidParameterError
        For an unknown domain or level.
    DataError
        If a bundled file is broken.

    Examples
    --------
    >>> [s.id for s in load_trainer_scenarios("salary", "beginner")]
    ['salary-beginner']
    """
    if domain is not None:
        check_option(domain, "domain", "load_trainer_scenarios", DOMAINS)
    if level is not None:
        check_option(level, "level", "load_trainer_scenarios", LEVELS)
    return tuple(
        s
        for s in _bundled()
        if (domain is None or s.domain == domain) and (level is None or s.level == level)
    )


def trainer_scenario(id: str) -> TrainerScenario:
    """The bundled trainer scenario with this id.

    Raises
    ------
    InvalidParameterError
        If no bundled scenario has that id (the message lists them).

    Examples
    --------
    >>> trainer_scenario("salary-beginner").level
    'beginner'
    """
    for s in _bundled():
        if s.id == id:
            return s
    ids = ", ".join(s.id for s in _bundled())
    raise InvalidParameterError(f"Unknown trainer scenario {id!r}. Choose one of: {ids}.")


def pick_scenario(
    *, domain: str | None = None, level: str = "beginner", rng: Seed = None
) -> TrainerScenario:
    """Draw one bundled scenario of a level, in a given or a random domain.

    Parameters
    ----------
    domain : str, optional
        One of :data:`ditf.plan.DOMAINS`; default: drawn at random.
    level : str, default "beginner"
        One of :data:`LEVELS`.
    rng : int, Generator or None
        Randomness for the draw.

    Returns
    -------
    TrainerScenario

    Examples
    --------
    >>> pick_scenario(domain="pricing", level="advanced", rng=0).domain
    'pricing'
    """
    check_option(level, "level", "pick_scenario", LEVELS)
    gen = as_generator(rng)
    if domain is None:
        domain = list(DOMAINS)[int(gen.integers(len(DOMAINS)))]
    pool = load_trainer_scenarios(domain, level)
    return pool[int(gen.integers(len(pool)))]
