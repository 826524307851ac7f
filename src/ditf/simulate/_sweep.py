"""Sweeps: the standard conditions over a grid of scenario or model parameters."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._validation import check_int_range, check_option, check_positive
from ditf.model import Mechanisms, ModelParams, load_model
from ditf.settings import Settings
from ditf.simulate._backends import Backend, Progress, SerialBackend
from ditf.simulate._conditions import Scenario
from ditf.simulate._simulate import condition_names, seed_sequence, simulate, with_values

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["SWEEPABLE", "SweepAxis", "SweepResult", "sweep"]

#: Most values one axis may have (the number of runs is capped again by the settings).
MAX_STEPS = 10_000
_SCENARIO_NUMBERS = ("opener", "target", "foot", "delay_hours", "baseline", "plausible_max")
#: Parameters a sweep can vary: the scenario's numbers, every model parameter, the strength.
SWEEPABLE = (*_SCENARIO_NUMBERS, *ModelParams.names(), "strength")


@dataclass(frozen=True, slots=True)
class SweepAxis:
    """One swept parameter and its values.

    Examples
    --------
    >>> SweepAxis.parse("opener=10:1000:3:log").values
    (10.0, 100.0, 1000.0)
    >>> SweepAxis.parse("delay_hours=0,24,168").values
    (0.0, 24.0, 168.0)
    """

    name: str
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        check_option(self.name, "name", "SweepAxis", SWEEPABLE)
        if not self.values:
            raise InvalidParameterError(f"The sweep of {self.name!r} has no values.")

    @classmethod
    def parse(cls, spec: str) -> SweepAxis:
        """Parse ``NAME=START:STOP:STEPS[:log]``, ``NAME=A,B,C`` or ``NAME=VALUE``.

        Raises
        ------
        InvalidParameterError
            If the spec is malformed or names an unknown parameter.
        """
        name, sep, body = spec.partition("=")
        name = name.strip()
        shape = "NAME=START:STOP:STEPS[:log], NAME=A,B,C or NAME=VALUE"
        if not sep or not body:
            raise InvalidParameterError(f"Cannot read the sweep {spec!r}: use {shape}.")
        check_option(name, "sweep parameter", "ditf sweep", SWEEPABLE)
        try:
            if ":" in body:
                parts = body.split(":")
                if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] != "log"):
                    raise ValueError(body)
                start, stop, steps = float(parts[0]), float(parts[1]), int(parts[2])
                if not 1 <= steps <= MAX_STEPS:
                    raise _Unreadable(f"STEPS must be a whole number from 1 to {MAX_STEPS:,}")
                if not (np.isfinite(start) and np.isfinite(stop)):
                    raise _Unreadable("START and STOP must be finite")
                if len(parts) == 4 and (start <= 0 or stop <= 0):
                    raise _Unreadable("a log range needs START and STOP above 0")
                with np.errstate(all="ignore"):  # an overflowing range fails the check below
                    spaced = np.geomspace if len(parts) == 4 else np.linspace
                    grid = spaced(start, stop, steps)
                values = tuple(float(x) for x in grid)
            else:
                values = tuple(float(x) for x in body.split(","))
            if not all(np.isfinite(values)):
                raise ValueError(body)
        except ValueError as exc:
            why = f"{exc}; " if isinstance(exc, _Unreadable) else ""  # Python's own: no help
            raise InvalidParameterError(
                f"Cannot read the sweep {spec!r}: {why}use {shape}."
            ) from None
        return cls(name, values)


class _Unreadable(ValueError):
    """A sweep spec that parses but breaks a rule the message can name."""


@dataclass(frozen=True, slots=True)
class _Task:
    """One grid point: everything a worker needs, picklable."""

    run: int
    values: dict[str, float]
    scenario: Scenario
    params: ModelParams
    strength: float
    conditions: tuple[str, ...]
    n_people: int
    mechanisms: Mechanisms
    settings: Settings
    seed: np.random.SeedSequence


def _run(task: _Task) -> list[dict[str, Any]]:
    result = simulate(
        task.scenario,
        conditions=task.conditions,
        n_people=task.n_people,
        params=task.params,
        mechanisms=task.mechanisms,
        strength=task.strength,
        settings=task.settings,
        rng=task.seed,
    )
    rows = []
    for name in task.conditions:
        t = result.target(name)
        rows.append({
            "run": task.run, **task.values, "condition": name,
            "p_yes": t.p_yes, "p_yes_lo": t.p_yes_lo, "p_yes_hi": t.p_yes_hi,
            "p_kept": t.p_kept, "p_kept_lo": t.p_kept_lo, "p_kept_hi": t.p_kept_hi,
            "asked": t.asked, "yes": t.yes,
            "expected_value": result.expected_value(name),
            "expected_value_kept": result.expected_value(name, behavioral=True),
        })  # fmt: skip
    return rows


@dataclass(frozen=True, slots=True)
class SweepResult:
    """Tidy sweep output: one row per run (grid point) and condition."""

    axes: tuple[SweepAxis, ...]
    rows: tuple[dict[str, Any], ...]

    def to_frame(self) -> pd.DataFrame:
        """The rows as a tidy :class:`pandas.DataFrame`."""
        import pandas as pd

        return pd.DataFrame.from_records(list(self.rows))


def sweep(
    axes: Iterable[SweepAxis],
    scenario: Scenario | None = None,
    *,
    conditions: Iterable[str] | None = None,
    n_people: int = 50_000,
    params: ModelParams | None = None,
    mechanisms: Mechanisms | None = None,
    strength: float = 1.0,
    backend: Backend | None = None,
    settings: Settings | None = None,
    rng: int | np.random.SeedSequence | None = None,
    progress: Progress | None = None,
) -> SweepResult:
    """Simulate the conditions at every point of the grid spanned by ``axes``.

    Every grid point is checked before any work starts, and gets its own child random
    stream, so the result is the same on every backend.

    Parameters
    ----------
    axes : iterable of SweepAxis
        Swept parameters; several axes span their Cartesian product.
    scenario, conditions, n_people, params, mechanisms, strength, settings
        As in :func:`simulate`; ``n_people`` is per condition and run.
    backend : Backend, optional
        Where to run; default :class:`SerialBackend`.
    rng : int, SeedSequence or None
        Root seed.
    progress : callable, optional
        Called as ``progress(done, total)`` when a run finishes.

    Raises
    ------
    InvalidParameterError
        For an unknown parameter, an invalid value at some grid point, or a sweep over the
        limits in ``settings``.

    Examples
    --------
    >>> result = sweep([SweepAxis.parse("delay_hours=0,48")], n_people=5_000, rng=0,
    ...                conditions=["door_in_the_face"])
    >>> [round(r["delay_hours"]) for r in result.rows]
    [0, 48]
    """
    axes = tuple(axes)
    if len({a.name for a in axes}) != len(axes):
        raise InvalidParameterError("Each parameter can be swept only once.")
    names = condition_names(conditions, "sweep")
    limits = settings or Settings()
    check_positive(strength, "strength", "sweep")
    grid = list(itertools.product(*(a.values for a in axes)))
    check_int_range(len(grid), "number of runs", "sweep", 1, limits.max_sweep_runs)
    check_int_range(n_people, "n_people", "sweep", 1, limits.max_population)
    responses = len(grid) * len(names) * n_people * 2
    if responses > limits.max_responses:
        raise InvalidParameterError(
            f"This sweep would simulate about {responses:,} responses, over the limit of "
            f"{limits.max_responses:,}. Use fewer runs or people, or raise DITF_MAX_RESPONSES."
        )
    base = scenario or Scenario()
    base_params = params or load_model().params
    seeds = seed_sequence(rng).spawn(len(grid))
    tasks = []
    for run, (point, seed) in enumerate(zip(grid, seeds, strict=True), start=1):
        values = {a.name: v for a, v in zip(axes, point, strict=True)}
        point_strength = check_positive(values.pop("strength", strength), "strength", "sweep")
        scen, par = with_values(base, base_params, values)  # validates every value
        values_out = dict(zip((a.name for a in axes), point, strict=True))
        tasks.append(_Task(run, values_out, scen, par, point_strength, names, n_people,
                           mechanisms or Mechanisms(), limits, seed))  # fmt: skip
    runs = (backend or SerialBackend()).map(_run, tasks, progress)
    return SweepResult(axes, tuple(row for rows in runs for row in rows))
