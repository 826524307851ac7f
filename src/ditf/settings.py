"""Application settings: limits that keep one command or request from exhausting the machine.

Only the application layer (CLI, web) builds these, with :meth:`Settings.from_env`; library
functions take them as arguments.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ditf._errors import InvalidParameterError

__all__ = ["Settings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Caps on simulated work.

    Parameters
    ----------
    max_population : int
        Most people one simulation may hold (per condition). Env: ``DITF_MAX_POPULATION``.
    max_sweep_runs : int
        Most runs (grid points) one sweep may have. Env: ``DITF_MAX_SWEEP_RUNS``.
    max_responses : int
        Most simulated responses a sweep may produce in all. Env: ``DITF_MAX_RESPONSES``.

    Examples
    --------
    >>> Settings.from_env({"DITF_MAX_POPULATION": "1000"}).max_population
    1000
    """

    max_population: int = 20_000_000
    max_sweep_runs: int = 10_000
    max_responses: int = 2_000_000_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the limits from ``DITF_*`` environment variables (defaults elsewhere).

        Raises
        ------
        InvalidParameterError
            If a variable is not a positive integer.
        """
        env = os.environ if environ is None else environ
        values = {}
        for name in ("max_population", "max_sweep_runs", "max_responses"):
            key = f"DITF_{name.upper()}"
            if key in env:
                try:
                    values[name] = int(env[key])
                except ValueError:
                    values[name] = -1
                if values[name] <= 0:
                    raise InvalidParameterError(
                        f"The environment variable {key} must be a positive integer. "
                        f"Got {env[key]!r} instead."
                    )
        return cls(**values)
