"""Caps on the work one web request may start (from :class:`~ditf.settings.Settings`)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from ditf._errors import InvalidParameterError
from ditf.settings import Settings
from ditf.simulate import SweepAxis


def web_limits(settings: Settings) -> Settings:
    """Settings for library calls made by the web app: the tighter of the two sets of caps."""
    return dataclasses.replace(
        settings,
        max_population=min(settings.max_population, settings.web_max_population),
        max_sweep_runs=min(settings.max_sweep_runs, settings.web_max_sweep_runs),
        max_responses=min(settings.max_responses, settings.web_max_responses),
    )


def check_cap(value: int, cap: int, what: str, variable: str) -> None:
    """Refuse ``value`` above ``cap`` with a message naming the setting that raises it.

    Raises
    ------
    InvalidParameterError
        If ``value > cap``.
    """
    if value > cap:
        raise InvalidParameterError(
            f"{what.capitalize()}: {value:,} is over the web app's limit of {cap:,}. Ask for "
            f"less, use the ditf command line, or raise {variable} where the server starts."
        )


def check_sweep(
    axes: Sequence[SweepAxis], n_conditions: int, people: int, settings: Settings
) -> None:
    """Check a sweep's people, runs and responses against the web caps (as ``sweep`` counts).

    Raises
    ------
    InvalidParameterError
        If a cap is exceeded.
    """
    check_cap(people, settings.web_max_population, "people per run", "DITF_WEB_MAX_POPULATION")
    runs = math.prod(len(a.values) for a in axes)
    check_cap(runs, settings.web_max_sweep_runs, "sweep runs", "DITF_WEB_MAX_SWEEP_RUNS")
    responses = runs * n_conditions * people * 2
    check_cap(
        responses, settings.web_max_responses, "simulated responses", "DITF_WEB_MAX_RESPONSES"
    )
