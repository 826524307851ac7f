"""Simulate a population answering the standard conditions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._validation import check_int_range, check_option, check_positive
from ditf.model import Mechanisms, ModelParams, load_model
from ditf.settings import Settings
from ditf.simulate._conditions import CONDITIONS, Scenario
from ditf.simulate._engine import compile_sequence, run_episodes

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["SimulationResult", "SimulationRow", "seed_sequence", "simulate", "wilson_interval"]

#: z for the 95% Wilson intervals of simulated rates.
_Z95 = 1.959963984540054


def wilson_interval(successes: int, trials: int) -> tuple[float, float]:
    """95% Wilson score interval of a binomial proportion (0, 1 with no trials).

    Examples
    --------
    >>> [round(x, 3) for x in wilson_interval(50, 100)]
    [0.404, 0.596]
    """
    if trials == 0:
        return 0.0, 1.0
    p, z2 = successes / trials, _Z95**2
    center = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = _Z95 * np.sqrt(p * (1 - p) / trials + z2 / (4 * trials**2)) / (1 + z2 / trials)
    # At 0 and n the bounds are exactly 0 and 1; rounding would leave them a hair off.
    lo = 0.0 if successes == 0 else max(center - half, 0.0)
    hi = 1.0 if successes == trials else min(center + half, 1.0)
    return float(lo), float(hi)


@dataclass(frozen=True, slots=True)
class SimulationRow:
    """One step of one condition in one episode: counts, rates and 95% intervals.

    Attributes
    ----------
    condition : str
        A name from :data:`CONDITIONS`.
    episode, step : int
        The episode (from 1) and the step of the sequence (from 1).
    cost : float
        What the step asks, in the scenario's unit.
    is_target : bool
        Whether the step is the condition's target (its last step).
    asked, yes, kept : int
        People the step reached, people who said yes, and people who carried it out.
    p_yes, p_yes_lo, p_yes_hi : float
        ``yes / asked`` with its 95% Wilson interval.
    p_kept, p_kept_lo, p_kept_hi : float
        ``kept / asked`` with its 95% Wilson interval.
    """

    condition: str
    episode: int
    step: int
    cost: float
    is_target: bool
    asked: int
    yes: int
    kept: int
    p_yes: float
    p_yes_lo: float
    p_yes_hi: float
    p_kept: float
    p_kept_lo: float
    p_kept_hi: float


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """Tidy results of :func:`simulate`: one row per condition, episode and step.

    ``expected_value`` is what the requester obtains per person, in cost units: the summed
    cost of every request said yes to (verbal) or carried out (behavioural).

    Attributes
    ----------
    scenario : Scenario
        The scenario simulated.
    n_people : int
        People per condition.
    rows : tuple of SimulationRow
        One per condition, episode and step.
    """

    scenario: Scenario
    n_people: int
    rows: tuple[SimulationRow, ...]

    def target(self, condition: str, episode: int = 1) -> SimulationRow:
        """The row of the condition's target (last) step.

        Raises
        ------
        InvalidParameterError
            If the result has no such condition or episode.
        """
        for r in self.rows:
            if r.condition == condition and r.episode == episode and r.is_target:
                return r
        simulated = sorted({r.condition for r in self.rows})
        raise InvalidParameterError(
            f"No target row for condition {condition!r}, episode {episode}. "
            f"This result holds {simulated}."
        )

    def expected_value(
        self, condition: str, episode: int = 1, *, behavioral: bool = False
    ) -> float:
        """Cost units obtained per person in one condition and episode."""
        self.target(condition, episode)  # raises for an unknown condition or episode
        rows = [r for r in self.rows if r.condition == condition and r.episode == episode]
        return sum((r.kept if behavioral else r.yes) * r.cost for r in rows) / self.n_people

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts, with each condition's expected values on its target row."""
        out = []
        for r in self.rows:
            record = {f: getattr(r, f) for f in SimulationRow.__slots__}
            if r.is_target:
                record["expected_value"] = self.expected_value(r.condition, r.episode)
                record["expected_value_kept"] = self.expected_value(
                    r.condition, r.episode, behavioral=True
                )
            out.append(record)
        return out

    def to_frame(self) -> pd.DataFrame:
        """The rows as a tidy :class:`pandas.DataFrame`."""
        import pandas as pd

        return pd.DataFrame.from_records(self.records())


def condition_names(conditions: Iterable[str] | None, owner: str) -> tuple[str, ...]:
    """Validate condition names (default: all of :data:`CONDITIONS`)."""
    if isinstance(conditions, str):
        raise InvalidParameterError(
            f"The 'conditions' parameter of {owner} must be a list of names. Got "
            f"{conditions!r} instead: write [{conditions!r}]."
        )
    names = tuple(CONDITIONS if conditions is None else conditions)
    for name in names:
        check_option(name, "conditions", owner, CONDITIONS)
    return names


def seed_sequence(rng: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """The root of the random streams; children come from ``spawn`` (backend-independent)."""
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if rng is not None:
        check_int_range(rng, "rng", "ditf.simulate", 0)
    return np.random.SeedSequence(rng)


def _rows(condition: str, steps: Any, counts: list[Any], n_people: int) -> Iterable[SimulationRow]:
    last = len(steps) - 1
    for episode, c in enumerate(counts, start=1):
        for k, step in enumerate(steps):
            if step.request.described_only:
                continue
            asked, yes, kept = int(c.asked[k]), int(c.yes[k]), int(c.kept[k])
            p_yes = yes / asked if asked else 0.0
            p_kept = kept / asked if asked else 0.0
            yield SimulationRow(
                condition, episode, k + 1, step.request.cost, k == last, asked, yes, kept,
                p_yes, *wilson_interval(yes, asked), p_kept, *wilson_interval(kept, asked),
            )  # fmt: skip


def simulate(
    scenario: Scenario | None = None,
    *,
    conditions: Iterable[str] | None = None,
    n_people: int = 100_000,
    episodes: int = 1,
    params: ModelParams | None = None,
    mechanisms: Mechanisms | None = None,
    strength: float = 1.0,
    settings: Settings | None = None,
    rng: int | np.random.SeedSequence | None = None,
) -> SimulationResult:
    """Simulate ``n_people`` answering each condition, ``episodes`` times.

    Each person has a stable willingness, kept across episodes; retreats seen in one episode
    habituate them in the next (the same population meets the same requester again).

    Parameters
    ----------
    scenario : Scenario, optional
        The requests and context; default ``Scenario()`` (Cialdini et al., 1975).
    conditions : iterable of str, optional
        Names from :data:`CONDITIONS`; default all.
    n_people : int, default 100000
        People per condition (capped by ``settings.max_population``).
    episodes : int, default 1
        Times the population meets the sequence (1 to 50).
    params : ModelParams, optional
        Default: the shipped fit's posterior mode.
    mechanisms : Mechanisms, optional
        Switches; default all on.
    strength : float, default 1.0
        Context-level strength of the sequential lifts (1 is the median context).
    settings : Settings, optional
        Limits; default ``Settings()``.
    rng : int, SeedSequence or None
        Seed; each condition gets its own child stream.

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> result = simulate(n_people=20_000, rng=1)
    >>> result.target("door_in_the_face").p_yes > result.target("target_only").p_yes
    True
    """
    scenario = scenario or Scenario()
    names = condition_names(conditions, "simulate")
    limits = settings or Settings()
    check_int_range(n_people, "n_people", "simulate", 1, limits.max_population)
    check_int_range(episodes, "episodes", "simulate", 1, 50)
    check_positive(strength, "strength", "simulate")
    params = params or load_model().params
    mech = mechanisms or Mechanisms()
    sequences = scenario.sequences()
    context = scenario.context()
    rows: list[SimulationRow] = []
    for name, child in zip(names, seed_sequence(rng).spawn(len(names)), strict=True):
        seq = sequences[name]
        compiled = compile_sequence(
            seq, context, params, mech, strength=strength, max_retreats=episodes - 1
        )
        counts = run_episodes(compiled, n_people, episodes, np.random.default_rng(child))
        rows.extend(_rows(name, seq.steps, counts, n_people))
    return SimulationResult(scenario, n_people, tuple(rows))


def with_values(
    scenario: Scenario, params: ModelParams, values: dict[str, float]
) -> tuple[Scenario, ModelParams]:
    """Apply swept values to the scenario or the model parameters, whichever owns each name."""
    model_values: dict[str, Any] = {k: v for k, v in values.items() if k in ModelParams.names()}
    scenario_values: dict[str, Any] = {k: v for k, v in values.items() if k in Scenario.fields()}
    return replace(scenario, **scenario_values), replace(params, **model_values)
