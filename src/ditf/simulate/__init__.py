"""Population simulation: many people answering the standard conditions, and sweeps.

People are arrays, not objects: a sequence is compiled to lookup tables and a step costs a
few vectorised operations per person. Sweeps run on a pluggable backend (serial, local
processes, Dask) and give the same numbers on each for the same seed.
"""

from __future__ import annotations

from ditf.simulate._backends import Backend, DaskBackend, ProcessBackend, SerialBackend
from ditf.simulate._conditions import CONDITIONS, Scenario
from ditf.simulate._simulate import SimulationResult, SimulationRow, simulate, wilson_interval
from ditf.simulate._sweep import SWEEPABLE, SweepAxis, SweepResult, sweep

__all__ = [
    "CONDITIONS",
    "SWEEPABLE",
    "Backend",
    "DaskBackend",
    "ProcessBackend",
    "Scenario",
    "SerialBackend",
    "SimulationResult",
    "SimulationRow",
    "SweepAxis",
    "SweepResult",
    "simulate",
    "sweep",
    "wilson_interval",
]
