"""Speed of the population simulation, measured side by side in one run (`make bench`).

Targets (DESIGN.md, issue 3): >= 50 million simulated responses per second per core for a
two-step sequence with all mechanisms on, and >= 40x a one-object-per-agent implementation of
the same model (``per_agent.py``); and sweep throughput with 1 vs 2 Dask workers.

A response is an answer actually given: the kernel's ``asked`` counts, summed over the steps
(door-in-the-face asks the target only of those who refused the opener).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.special import ndtri

from ditf.model import Mechanisms, ParamArrays, load_model
from ditf.model._probability import compile_two_step, evaluate_two_step
from ditf.simulate import DaskBackend, ProcessBackend, Scenario, SerialBackend, SweepAxis, sweep
from ditf.simulate._engine import CompiledSequence, compile_sequence, run_episodes
from per_agent import run_people

KERNEL_PEOPLE = 12_000_000
AGENT_PEOPLE = 200_000
SWEEP_RUNS, SWEEP_PEOPLE = 16, 3_000_000
#: |z| above which two simulated rates disagree beyond Monte Carlo error (6 comparisons).
Z_LIMIT = 4.0


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def door_in_the_face() -> tuple[Scenario, CompiledSequence]:
    """The benchmark's sequence: Cialdini et al.'s two-step door-in-the-face, all mechanisms on."""
    scenario = Scenario()
    seq = scenario.sequences()["door_in_the_face"]
    compiled = compile_sequence(seq, scenario.context(), load_model().params, Mechanisms())
    return scenario, compiled


def exact_target(scenario: Scenario) -> tuple[float, float, float]:
    """The model's exact (bivariate normal) P(asked), P(yes | asked), P(kept | asked)."""
    params = load_model().params
    seq = scenario.sequences()["door_in_the_face"]
    design = compile_two_step([(seq, scenario.context())])
    p = ParamArrays.from_matrix(params.to_array()[None, :])
    z0 = np.array([[float(ndtri(scenario.baseline))]])
    out = evaluate_two_step(design, p, Mechanisms(), np.ones((1, 1)), z0)
    return float(out.p_asked[0, 0]), float(out.verbal[0, 0]), float(out.behavioral[0, 0])


def _z(yes_a: int, n_a: int, yes_b: int, n_b: int) -> float:
    """Two-proportion z statistic (pooled)."""
    pooled = (yes_a + yes_b) / (n_a + n_b)
    se = math.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / n_a + 1 / n_b))
    return (yes_a / n_a - yes_b / n_b) / se


def _z_exact(yes: int, n: int, p: float) -> float:
    """z statistic of a simulated proportion against an exact probability."""
    return (yes / n - p) / math.sqrt(p * (1 - p) / n)


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
    """Best wall time, that run's CPU time of this process, and the last result."""
    best, cpu, result = math.inf, math.nan, None
    for _ in range(repeat):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        result = fn()
        wall, used = time.perf_counter() - wall0, time.process_time() - cpu0
        if wall < best:
            best, cpu = wall, used
    return best, cpu, result


def bench_kernel_vs_agents() -> None:
    scenario, compiled = door_in_the_face()
    run_episodes(compiled, 1 << 20, 1, np.random.default_rng(1))  # warm up tables and caches
    wall, cpu, counts = timed(
        lambda: run_episodes(compiled, KERNEL_PEOPLE, 1, np.random.default_rng(2024))[0]
    )
    responses = int(counts.asked.sum())
    rate = responses / wall
    print(f"kernel: {rate / 1e6:.1f} M responses/s per core "
          f"(target >= 50: {_verdict(rate >= 50e6)}; {KERNEL_PEOPLE / 1e6:.0f}M people, "
          f"{responses / 1e6:.1f}M responses, door-in-the-face, all mechanisms on, one process, "
          f"best of 3, CPU/wall {cpu / wall:.2f})")  # fmt: skip

    agent_wall, _, agents = timed(lambda: run_people(compiled, AGENT_PEOPLE, 1, seed=2024), 1)
    agent_responses = sum(agents.asked[0])
    agent_rate = agent_responses / agent_wall
    ratio = rate / agent_rate
    print(f"per-agent: {agent_rate / 1e6:.2f} M responses/s ({AGENT_PEOPLE:,} Person objects) "
          f"-> kernel is {ratio:.0f}x (target >= 40x: {_verdict(ratio >= 40)})")  # fmt: skip

    # Same model: the two implementations' rates agree within Monte Carlo error, and both
    # agree with the model's exact two-step probabilities.
    p_asked, p_yes, p_kept = exact_target(scenario)
    n_k, n_a = int(counts.asked[1]), agents.asked[0][1]
    yes_k, yes_a = int(counts.yes[1]), agents.yes[0][1]
    kept_k, kept_a = int(counts.kept[1]), agents.kept[0][1]
    print(f"  same model, target step: P(asked) kernel {n_k / KERNEL_PEOPLE:.5f}, "
          f"per-agent {n_a / AGENT_PEOPLE:.5f}, exact {p_asked:.5f}; "
          f"P(yes) kernel {yes_k / n_k:.4f}, per-agent {yes_a / n_a:.4f}, exact {p_yes:.4f}; "
          f"P(kept) kernel {kept_k / n_k:.4f}, per-agent {kept_a / n_a:.4f}, "
          f"exact {p_kept:.4f}")  # fmt: skip
    checks = {
        "P(yes) kernel vs per-agent": _z(yes_k, n_k, yes_a, n_a),
        "P(kept) kernel vs per-agent": _z(kept_k, n_k, kept_a, n_a),
        "P(yes to opener) kernel vs per-agent": _z(
            int(counts.yes[0]), KERNEL_PEOPLE, agents.yes[0][0], AGENT_PEOPLE
        ),
        "P(yes) kernel vs exact": _z_exact(yes_k, n_k, p_yes),
        "P(kept) kernel vs exact": _z_exact(kept_k, n_k, p_kept),
        "P(yes) per-agent vs exact": _z_exact(yes_a, n_a, p_yes),
    }
    for name, z in checks.items():
        assert abs(z) < Z_LIMIT, f"{name}: z = {z:.2f}, beyond Monte Carlo error"
    worst = max(abs(z) for z in checks.values())
    print(f"  agreement within Monte Carlo error: largest |z| {worst:.2f} over {len(checks)} "
          f"comparisons (limit {Z_LIMIT})")  # fmt: skip


def _sweep_throughput(backend: Any) -> float:
    """People simulated per second by one sweep on ``backend`` (best of 2)."""
    axis = SweepAxis.parse(f"opener=10:1000:{SWEEP_RUNS}:log")

    def once() -> object:
        return sweep(
            [axis], conditions=["door_in_the_face"], n_people=SWEEP_PEOPLE, backend=backend, rng=7
        ).rows

    wall, _, _ = timed(once, repeat=2)
    return SWEEP_RUNS * SWEEP_PEOPLE / wall


def bench_backends() -> None:
    shape = f"{SWEEP_RUNS} runs x {SWEEP_PEOPLE / 1e6:.0f}M people"
    serial = _sweep_throughput(SerialBackend())
    rates = []
    for workers in (1, 2):
        with DaskBackend(workers=workers) as backend:
            # Warm up: workers import ditf and load the model before the clock starts.
            sweep([SweepAxis("opener", (50.0, 100.0))], conditions=["door_in_the_face"],
                  n_people=1000, backend=backend, rng=0)  # fmt: skip
            rates.append(_sweep_throughput(backend))
    print(f"dask sweep ({shape}, opener 10 to 1000, threads_per_worker=1): "
          f"1 worker {rates[0] / 1e6:.1f} M people/s; 2 workers {rates[1] / 1e6:.1f} M people/s; "
          f"speed-up {rates[1] / rates[0]:.2f}x "
          f"(serial in-process {serial / 1e6:.1f} M people/s)")  # fmt: skip
    proc = [_sweep_throughput(ProcessBackend(workers)) for workers in (1, 2)]
    start_up, _, _ = timed(lambda: ProcessBackend(2).map(abs, [0, 0]), repeat=1)
    print(f"process pool sweep (same sweep; each sweep starts its pool, {start_up:.1f} s for 2 "
          f"processes): 1 process {proc[0] / 1e6:.1f} M people/s; 2 processes "
          f"{proc[1] / 1e6:.1f} M people/s; speed-up {proc[1] / proc[0]:.2f}x")  # fmt: skip


def main() -> None:
    bench_kernel_vs_agents()
    bench_backends()


if __name__ == "__main__":
    main()
