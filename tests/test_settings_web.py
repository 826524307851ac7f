"""The caps a web request's library calls get: the tighter of each ``max_*`` and ``web_max_*``."""

from __future__ import annotations

import dataclasses

from ditf.settings import Settings

SMALL = Settings(web_max_population=50_000, web_max_sweep_runs=12, web_max_responses=5_000_000)


def test_the_library_gets_the_tighter_caps():
    limits = SMALL.for_web()
    assert limits.max_population == 50_000
    assert limits.max_sweep_runs == 12
    assert limits.max_responses == 5_000_000
    tight = dataclasses.replace(SMALL, max_population=10)
    assert tight.for_web().max_population == 10
    caps = ("max_population", "max_sweep_runs", "max_responses")
    unchanged = dataclasses.replace(limits, **{cap: getattr(SMALL, cap) for cap in caps})
    assert unchanged == SMALL  # nothing else changes
