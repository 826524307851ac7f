"""Speed of the study planner's power (issue 6), as ratios against plain baselines in one run.

- Three-arm power draws each arm's counts from the model's probabilities (binomial draws).
  The baseline simulates every person with the population engine, as a study would run.
- Exact two-arm power sums Fisher's test over every outcome table. The baseline calls
  ``scipy.stats.fisher_exact`` table by table on a sample of them, scaled to all tables.

These were timed unit tests (10,000 studies in < 10 s; the exact power at 1,000 per arm in
< 1 s): the standards keep timing out of the test suite, so the budgets are checked here.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import fisher_exact

from ditf.simulate import Scenario, simulate
from ditf.study import power_three_arm, power_two_arm
from timing import best_of

ARMS = ["door_in_the_face", "target_only", "exposure_control"]


def bench_three_arm(n: int = 300, studies: int = 10_000, engine_studies: int = 50) -> None:
    power_three_arm(n, n_studies=10, rng=0)  # load the model and compile once
    ours = best_of(lambda: power_three_arm(n, n_studies=studies, rng=1))

    def by_person() -> None:
        for i in range(engine_studies):
            simulate(Scenario(), conditions=ARMS, n_people=n, rng=i)

    engine = best_of(by_person, repeat=2) * studies / engine_studies
    print(f"three-arm power, {studies:,} studies of {n} per arm: ditf {ours:.2f} s "
          f"(budget < 10 s: {'met' if ours < 10 else 'MISSED'}), person by person "
          f"{engine:.0f} s (from {engine_studies} studies) -> {engine / ours:.0f}x")  # fmt: skip


def bench_exact_two_arm(n: int = 1_000, sample: int = 2_000) -> None:
    ours = best_of(lambda: (power_two_arm(0.3, 0.25, n), power_two_arm(0.3, 0.25, n, test="chi2")))
    rng = np.random.default_rng(0)
    a, c = rng.integers(0, n + 1, sample), rng.integers(0, n + 1, sample)
    tables = [[[x, n - x], [y, n - y]] for x, y in zip(a, c, strict=True)]
    loop = best_of(lambda: [fisher_exact(t) for t in tables], repeat=1)
    scipy_all = loop * (n + 1) ** 2 / sample
    print(f"exact two-arm power (Fisher and chi2) at {n:,} per arm: ditf {1e3 * ours:.0f} ms "
          f"(budget < 1 s: {'met' if ours < 1 else 'MISSED'}), scipy table by table "
          f"{scipy_all:.0f} s (from {sample:,} of {(n + 1) ** 2:,} tables) "
          f"-> {scipy_all / ours:.0f}x")  # fmt: skip


def main() -> None:
    bench_three_arm()
    bench_exact_two_arm()


if __name__ == "__main__":
    main()
