"""Fresh answers (issue 16): a plan and a prediction for inputs never seen before.

Each call gets a new input (a new target amount or opener), so no result can come from a
cache; the posterior draws, which do not depend on the input, may. Both engines run side by
side in one run: "reference" is the original evaluation, "fast" (the default) the one that
gives its numbers with less work. Targets: a fresh plan >= 8x faster than the reference and a
fresh predict >= 10x (about 3 ms and 0.5 ms on an idle 2-core machine).

Each line also says how much of the fast time is the bivariate-normal quadrature alone (the
12-point Gauss-Legendre rule both engines share, which the tests pin to the reference to
1e-12), against the time the target allows for everything: where the quadrature alone takes
more, no change around it can reach the target.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ditf.data import read_mapping
from ditf.model import Context, Sequence, load_model, predict, predict_draws
from ditf.plan import plan, plan_scenario_from_mapping

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "plan"
PLAN_TARGET, PREDICT_TARGET = 8.0, 10.0


def _median(fn: Callable[[int], object], calls: int) -> float:
    """Median wall time of ``calls`` calls, each with a new input number."""
    times = []
    for i in range(calls):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def _quadrature(fn: Callable[[int], object], calls: int) -> float:
    """Median time per call of ``fn`` spent in the fast engine's bivariate normal."""
    per_call = []
    with _quadrature_time() as spent:
        for i in range(calls):
            before = spent[0]
            fn(i)
            per_call.append(spent[0] - before)
    return sorted(per_call)[len(per_call) // 2]


@contextlib.contextmanager
def _quadrature_time() -> Iterator[list[float]]:
    """Seconds spent in the fast engine's bivariate normal while the block runs."""
    import ditf.model._fast as fast

    spent = [0.0]
    inner = fast.bvn_cdf_rows

    def timed(*args: object) -> object:
        start = time.perf_counter()
        try:
            return inner(*args)  # type: ignore[arg-type]
        finally:
            spent[0] += time.perf_counter() - start

    fast.bvn_cdf_rows = timed  # type: ignore[assignment]
    try:
        yield spent
    finally:
        fast.bvn_cdf_rows = inner


def _reference_planner() -> Callable[[], None]:
    """Point the planner at the reference engine; returns the undo."""
    import ditf.plan._planner as planner

    saved = planner.predict, planner.predict_draws
    planner.predict = functools.partial(predict, engine="reference")  # type: ignore[assignment]
    planner.predict_draws = functools.partial(predict_draws, engine="reference")  # type: ignore[assignment]

    def undo() -> None:
        planner.predict, planner.predict_draws = saved

    return undo


def fresh_plan(calls: int = 40) -> tuple[float, float, float]:
    base = read_mapping(EXAMPLES / "salary.toml")
    counter = itertools.count()

    def one(_: int) -> None:
        # A new target every call (between the minimum and the market high): a new scenario.
        n = next(counter)
        plan(plan_scenario_from_mapping(base | {"target": 110000 + 7 * n}))

    one(0)
    fast = _median(one, calls)
    quadrature = _quadrature(one, calls // 2)
    undo = _reference_planner()
    try:
        one(0)
        reference = _median(one, max(10, calls // 4))
    finally:
        undo()
    return fast, reference, quadrature


def fresh_predict(calls: int = 200) -> tuple[float, float, float]:
    load_model()
    ctx = Context(baseline=0.167)

    def make(engine: str) -> Callable[[int], object]:
        def one(i: int) -> object:
            seq = Sequence.door_in_the_face(opener=300 + i / 97, target=2, unit="hours")
            return predict(seq, ctx, engine=engine)

        return one

    make("fast")(0)
    make("reference")(0)
    fast, quadrature = _median(make("fast"), calls), _quadrature(make("fast"), calls // 2)
    return fast, _median(make("reference"), calls // 4), quadrature


def main() -> None:
    for name, (fast, ref, quadrature), target in (
        ("plan (salary example, 400 draws)", fresh_plan(), PLAN_TARGET),
        ("predict (two steps, 1000 draws)", fresh_predict(), PREDICT_TARGET),
    ):
        ratio = ref / fast
        verdict = "met" if ratio >= target else "MISSED"
        print(f"fresh {name}: fast {1e3 * fast:.2f} ms, reference {1e3 * ref:.2f} ms "
              f"-> {ratio:.1f}x (target >= {target:.0f}x: {verdict}); the quadrature alone "
              f"{1e3 * quadrature:.2f} ms of the {1e3 * ref / target:.2f} ms the target "
              "allows")  # fmt: skip


if __name__ == "__main__":
    main()
