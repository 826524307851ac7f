"""Speed of the model, as ratios measured side by side in one run (`make bench`).

Targets (DESIGN.md, issue 2): fit on the bundled evidence < 5 s; a two-step predict < 10 ms.
The population simulation and its backends (issue 3) are measured by ``simulate.py``, the
planner by ``plan.py``, fresh plans and predictions against the reference engine (issue 16) by
``fresh.py``, study power by ``power.py``, bargaining against NegMAS by ``negotiate.py`` and
the web API under load by ``web_load.py``.
Each line compares ditf's implementation with a plain baseline computing the same thing.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import multivariate_normal

from ditf.model import Context, Sequence, fit, load_model, predict
from ditf.model._bivariate import bvn_cdf
from fresh import main as bench_fresh
from negotiate import main as bench_negotiate
from plan import main as bench_plan
from power import main as bench_power
from simulate import main as bench_simulate
from timing import best_of
from web_load import main as bench_web


def bench_bvn() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    h, k, r = rng.normal(size=n), rng.normal(size=n), rng.uniform(-0.9, 0.9, n)
    ours = best_of(lambda: bvn_cdf(h, k, r))
    few = 200
    scipy_time = best_of(
        lambda: [
            multivariate_normal([0, 0], [[1, r[i]], [r[i], 1]]).cdf([h[i], k[i]])
            for i in range(few)
        ],
        repeat=3,
    ) * (n / few)
    print(f"bivariate normal CDF, {n} points: ditf {1e3 * ours:.2f} ms, "
          f"scipy loop {1e3 * scipy_time:.0f} ms -> {scipy_time / ours:.0f}x")  # fmt: skip


def bench_predict() -> None:
    model = load_model()
    seq = Sequence.door_in_the_face(opener=208, target=2, unit="hours")
    ctx = Context(baseline=0.167)
    exact = best_of(lambda: predict(seq, ctx, model=model), number=5)
    three = Sequence.door_in_the_face(opener=208, target=2, unit="hours")
    steps = (three.steps[0], three.steps[0], three.steps[1])
    mc = best_of(lambda: predict(Sequence(steps), ctx, model=model), repeat=2)
    print(f"predict, two steps with 90% interval (1000 draws): {1e3 * exact:.1f} ms "
          f"(target < 10 ms: {'met' if exact < 0.010 else 'MISSED'}); "
          f"a three-step Monte Carlo predict takes {mc / exact:.0f}x as long")  # fmt: skip


def bench_fit() -> None:
    seconds = best_of(fit, repeat=2)
    verdict = "met" if seconds < 5 else "MISSED"
    print(f"fit on the bundled evidence: {seconds:.2f} s "
          f"(target < 5 s: {verdict}; {5 / seconds:.1f}x headroom)")  # fmt: skip


if __name__ == "__main__":
    bench_bvn()
    bench_predict()
    bench_fresh()
    bench_fit()
    bench_simulate()
    bench_plan()
    bench_power()
    bench_negotiate()
    bench_web()
