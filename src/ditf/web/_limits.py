"""Caps on the work one web request may start (from :class:`~ditf.settings.Settings`).

The caps the library applies are :meth:`Settings.for_web`; these checks come first, with
messages that name the web caps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ditf._errors import InvalidParameterError
from ditf.settings import Settings
from ditf.simulate import SweepAxis


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
