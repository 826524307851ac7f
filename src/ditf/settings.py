"""Application settings: caps on the work of one command or request, and where the web app runs.

Only the application layer (CLI, web) builds these, with :meth:`Settings.from_env`; library
functions take them as arguments.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ditf._errors import InvalidParameterError
from ditf._validation import MAX_DELAY_HOURS, check_int_range, check_positive, check_type

__all__ = ["Settings"]

#: Caps on the work of one web request (positive integers).
_WEB_CAPS = (
    "web_max_population", "web_max_sweep_runs", "web_max_responses", "web_max_studies",
    "web_max_upload_bytes",
)  # fmt: skip
#: Fields read as positive integers from ``DITF_<FIELD>``.
_INTEGERS = ("max_population", "max_sweep_runs", "max_responses", "port", "workers", *_WEB_CAPS)
#: Caps on the size of one input, shared by the CLI, the journal and the web (positive
#: integers, read from ``DITF_<FIELD>``).
_INPUT_CAPS = ("max_requests", "max_episodes", "max_benchmarks", "max_steps")
#: Fields read as positive finite numbers from ``DITF_<FIELD>``.
_NUMBERS = ("max_amount", "max_delay_hours")
#: Fields read as text, and their variables; an empty value counts as unset. ``DITF_DB`` is
#: the variable the journal commands read too.
_TEXTS = {
    "host": "DITF_HOST", "token": "DITF_TOKEN", "db_url": "DITF_DB",
    "web_secret": "DITF_WEB_SECRET",
}  # fmt: skip
#: Shortest accepted token: 16 random characters resist guessing over the network.
MIN_TOKEN_LENGTH = 16
#: Most web server processes: more than a machine's cores only adds memory and contention.
MAX_WORKERS = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Caps on simulated work, and where the web app listens.

    Parameters
    ----------
    max_population : int
        Most people one simulation may hold (per condition). Env: ``DITF_MAX_POPULATION``.
    max_sweep_runs : int
        Most runs (grid points) one sweep may have. Env: ``DITF_MAX_SWEEP_RUNS``.
    max_responses : int
        Most simulated responses a sweep may produce in all. Env: ``DITF_MAX_RESPONSES``.
    host : str
        Address ``ditf serve`` binds to. Env: ``DITF_HOST``.
    port : int
        Port ``ditf serve`` listens on, 1 to 65535. Env: ``DITF_PORT``.
    token : str or None
        Secret every web request must carry; required when ``host`` is not a loopback
        address; at least 16 characters. Env: ``DITF_TOKEN``. Never shown in ``repr``.
    db_url : str or None
        The journal's database: a SQLAlchemy URL or a SQLite file (default: a SQLite file in
        the user data folder). Env: ``DITF_DB``.
    web_max_population : int
        Most people per condition one web request may simulate.
        Env: ``DITF_WEB_MAX_POPULATION``.
    web_max_sweep_runs : int
        Most runs one web sweep may have. Env: ``DITF_WEB_MAX_SWEEP_RUNS``.
    web_max_responses : int
        Most simulated responses one web sweep may produce. Env: ``DITF_WEB_MAX_RESPONSES``.
    web_max_studies : int
        Most simulated studies per sample size in one web power request.
        Env: ``DITF_WEB_MAX_STUDIES``.
    web_max_upload_bytes : int
        Largest request body (an uploaded file included) the web app reads.
        Env: ``DITF_WEB_MAX_UPLOAD_BYTES``.
    workers : int
        Web server processes ``ditf serve`` starts, 1 to 64; each uses
        ``cores // workers`` threads for the model. Env: ``DITF_WORKERS``.
    web_secret : str or None
        Key of the web forms' CSRF tokens, at least 16 characters; default: random per
        process. ``ditf serve --workers N`` sets one shared by its processes. Env:
        ``DITF_WEB_SECRET``. Never shown in ``repr``.
    max_amount : float
        Largest amount (opener, fallback, target, outcome value, benchmark) any input may
        carry, in its own unit; the CLI, the journal and the web refuse more.
        Env: ``DITF_MAX_AMOUNT``.
    max_delay_hours : float
        Longest delay between a refusal and the retreat, in hours (the model's limit).
        Env: ``DITF_MAX_DELAY_HOURS``.
    max_requests : int
        Most requests one ``defend`` case may list. Env: ``DITF_MAX_REQUESTS``.
    max_episodes : int
        Most earlier episodes one ``defend`` case may list. Env: ``DITF_MAX_EPISODES``.
    max_benchmarks : int
        Most benchmarks one plan or defend scenario may list. Env: ``DITF_MAX_BENCHMARKS``.
    max_steps : int
        Most steps one ``predict`` sequence may have. Env: ``DITF_MAX_STEPS``.

    Raises
    ------
    InvalidParameterError
        If a web setting is out of range.

    Examples
    --------
    >>> Settings.from_env({"DITF_MAX_POPULATION": "1000"}).max_population
    1000
    >>> Settings.from_env({"DITF_PORT": "9000", "DITF_HOST": "0.0.0.0"}).port
    9000
    """

    max_population: int = 20_000_000
    max_sweep_runs: int = 10_000
    max_responses: int = 2_000_000_000
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = field(default=None, repr=False)
    db_url: str | None = None
    web_max_population: int = 1_000_000
    web_max_sweep_runs: int = 100
    web_max_responses: int = 100_000_000
    web_max_studies: int = 20_000
    web_max_upload_bytes: int = 1_000_000
    workers: int = 1
    web_secret: str | None = field(default=None, repr=False)
    # The web has capped amounts at 1e12 from the start: beyond any salary, price or
    # settlement, and far below where float arithmetic on amounts loses whole units.
    max_amount: float = 1e12
    # The model's limit (1e6 hours, about 114 years): its delay term is flat long before.
    max_delay_hours: float = MAX_DELAY_HOURS
    # Recognition compares the requests and the pressure model simulates each one, so the
    # work grows faster than linearly (300 requests ran past 5 minutes; 10,000 asked for
    # 114 GiB). 20 requests (the web's cap) take about 2 s on one core: no real exchange
    # has more rounds before a decision.
    max_requests: int = 20
    # Each earlier episode is scored like a case of its own, and it is the web's cap.
    max_episodes: int = 50
    # Every benchmark in range becomes a fallback candidate the planner evaluates: 50 in
    # range take about 1 s (1,000 took 32 s); no one brings more than a handful.
    max_benchmarks: int = 50
    # Prediction integrates over every step's history: 10 steps take about 1 s (999 ran
    # past a minute); a sequence of more than a few requests is not door-in-the-face.
    max_steps: int = 10

    def __post_init__(self) -> None:
        check_type(self.host, "host", "Settings", str, "a non-empty string")
        if not self.host.strip():
            raise InvalidParameterError(
                f"The 'host' parameter of Settings must be a non-empty string. Got {self.host!r} "
                "instead."
            )
        check_int_range(self.port, "port", "Settings", 1, 65535)
        for name in _WEB_CAPS:
            check_int_range(getattr(self, name), name, "Settings", 1)
        check_int_range(self.workers, "workers", "Settings", 1, MAX_WORKERS)
        for name in _INPUT_CAPS:
            check_int_range(getattr(self, name), name, "Settings", 1)
        for name in _NUMBERS:
            check_positive(getattr(self, name), name, "Settings")
        if self.web_secret is not None:
            if not isinstance(self.web_secret, str):
                check_type(None, "web_secret", "Settings", str, "a string")  # never echo it
            if len(self.web_secret) < MIN_TOKEN_LENGTH:
                raise InvalidParameterError(
                    f"The web secret (DITF_WEB_SECRET) must be at least {MIN_TOKEN_LENGTH} "
                    "characters. Leave it unset for a random one per process."
                )
        if self.db_url is not None:
            check_type(self.db_url, "db_url", "Settings", str, "a database URL or file name")
        if self.token is not None:
            if not isinstance(self.token, str):
                check_type(None, "token", "Settings", str, "a string")  # never echo a token
            if len(self.token) < MIN_TOKEN_LENGTH or self.token != self.token.strip():
                # The message must not echo the token itself.
                raise InvalidParameterError(
                    f"The web token must be at least {MIN_TOKEN_LENGTH} characters without "
                    "surrounding spaces. Make one with: python -c 'import secrets; "
                    "print(secrets.token_urlsafe())'"
                )

    def for_web(self) -> Settings:
        """These settings for the library calls of one web request: the tighter of each cap.

        The web app's ``web_max_*`` caps bound what one request may start; a ``max_*`` cap
        below its web counterpart still wins.

        Examples
        --------
        >>> Settings(max_population=10).for_web().max_population
        10
        >>> Settings().for_web().max_population == Settings().web_max_population
        True
        """
        return dataclasses.replace(
            self,
            max_population=min(self.max_population, self.web_max_population),
            max_sweep_runs=min(self.max_sweep_runs, self.web_max_sweep_runs),
            max_responses=min(self.max_responses, self.web_max_responses),
        )

    def to_env(self) -> dict[str, str]:
        """The ``DITF_*`` variables that :meth:`from_env` reads back as these settings.

        For handing settings to other processes (``ditf serve --workers N``); it holds the
        token and the web secret when they are set, so keep it out of logs.

        Examples
        --------
        >>> s = Settings(port=9000, workers=2)
        >>> Settings.from_env(s.to_env()) == s
        True
        """
        env = {
            f"DITF_{name.upper()}": repr(getattr(self, name))
            for name in (*_INTEGERS, *_INPUT_CAPS, *_NUMBERS)
        }
        for name, key in _TEXTS.items():
            value = getattr(self, name)
            if value is not None:
                env[key] = value
        return env

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``DITF_*`` environment variables (defaults elsewhere).

        Raises
        ------
        InvalidParameterError
            If a count variable is not a positive integer, an amount variable
            (``DITF_MAX_AMOUNT``, ``DITF_MAX_DELAY_HOURS``) not a positive finite number, or
            a value is out of range.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for names, parse, kind in (
            ((*_INTEGERS, *_INPUT_CAPS), int, "a positive integer"),
            (_NUMBERS, float, "a positive finite number such as 1e12"),
        ):
            for name in names:
                key = f"DITF_{name.upper()}"
                if key in env:
                    values[name] = _positive(key, env[key], parse, kind)
        for name, key in _TEXTS.items():
            text = env.get(key, "").strip()
            if text:
                values[name] = text
        return cls(**values)


def _positive(key: str, text: str, parse: Callable[[str], float], kind: str) -> Any:
    """``text`` read by ``parse`` if positive and finite; else an error naming ``key``.

    Digit separators are refused, as the CLI refuses them: ``1_0`` is more likely a typo.
    """
    try:
        number = parse(text)
    except ValueError:
        number = -1
    if not (math.isfinite(number) and number > 0) or "_" in text:
        raise InvalidParameterError(
            f"The environment variable {key} must be {kind}. Got {text!r} instead."
        )
    return number
