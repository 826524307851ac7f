"""Batch bargaining vs NegMAS's SAOMechanism, side by side in one run (`make bench`).

Target (DESIGN.md, issue 6): the batch engine runs >= 100x the negotiations per second of
NegMAS's SAO mechanism for the same strategies and 100 rounds, with identical outcomes on a
cross-check set.

Both engines play NegMAS's deterministic time-based strategies (Boulware, linear, conceder on
both sides: 9 pairs) on a one-issue space (101 levels) and a two-issue space (11 x 11 levels
weighed differently by the sides), every negotiation with its own random reservation values.
NegMAS runs each negotiation in its own ``SAOMechanism`` (the ufuns are built once per space
and not timed); the batch engine runs the same kind of negotiations many at once. The
cross-check runs NegMAS's set through the batch engine too and compares agreements and rounds.
A last line times ditf's door-in-the-face against its human-like counterpart in both engines.

Run: .venv/bin/python benchmarks/negotiate.py
"""

from __future__ import annotations

import time

import numpy as np
from negmas import SAOMechanism
from negmas.sao import TimeBasedConcedingNegotiator

from ditf.negotiate import (
    CONCESSION_EXPONENTS,
    Issue,
    OutcomeSpace,
    Problem,
    negotiate_batch,
    run_negmas,
    to_negmas,
)

ROUNDS = 100
#: Negotiations per space and strategy pair: NegMAS (cross-check set) and the batch engine.
NEGMAS_PER_PAIR = 4
BATCH_PER_PAIR = 20_000
PAIRS = [(a, b) for a in CONCESSION_EXPONENTS for b in CONCESSION_EXPONENTS]


def spaces() -> dict[str, OutcomeSpace]:
    two = (
        Issue(name="discount", lo=0, hi=10, levels=11, requester_weight=0.71,
              counterpart_weight=0.29),
        Issue(name="warranty", lo=0, hi=10, levels=11, requester_weight=0.29,
              counterpart_weight=0.71),
    )  # fmt: skip
    return {"one issue": OutcomeSpace.single(0, 100), "two issues": OutcomeSpace(two)}


def problem(space: OutcomeSpace) -> Problem:
    top = [i.hi for i in space.issues]
    return Problem(space=space, target=top, requester_reservation=[i.lo for i in space.issues],
                   counterpart_reservation=top, rounds=ROUNDS)  # fmt: skip


def reservations(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    # Six random decimals: never equal to a grid utility, so no tie is decided by rounding.
    return np.round(rng.uniform(0, 0.6, n), 6), np.round(rng.uniform(0, 0.6, n), 6)


def run_negmas_set(prob: Problem, pair: tuple[str, str], r_r: np.ndarray, r_c: np.ndarray):
    """NegMAS negotiations with the given reservations; (agreement index, rounds) and seconds."""
    space, u_r, u_c = to_negmas(prob)
    results, elapsed = [], 0.0
    for a, b in zip(r_r, r_c, strict=True):
        u_r.reserved_value, u_c.reserved_value = float(a), float(b)
        start = time.perf_counter()
        mechanism = SAOMechanism(outcome_space=space, n_steps=ROUNDS)
        for curve, ufun in zip(pair, (u_r, u_c), strict=True):
            negotiator = TimeBasedConcedingNegotiator(
                offering_curve=CONCESSION_EXPONENTS[curve], stochastic=False
            )
            mechanism.add(negotiator, ufun=ufun)
        state = mechanism.run()
        elapsed += time.perf_counter() - start
        agreement = -1 if state.agreement is None else prob.space.index_of(list(state.agreement))
        results.append((agreement, int(state.step)))
    return results, elapsed


def main() -> None:
    rng = np.random.default_rng(0)
    negmas_n = negmas_s = batch_n = batch_s = 0.0
    checked = identical = 0
    for prob in (problem(s) for s in spaces().values()):
        for pair in PAIRS:
            r_r, r_c = reservations(rng, NEGMAS_PER_PAIR)
            theirs, seconds = run_negmas_set(prob, pair, r_r, r_c)
            negmas_n, negmas_s = negmas_n + len(theirs), negmas_s + seconds
            ours = negotiate_batch(prob, pair[0], pair[1], n=len(r_r), requester_reservation=r_r,
                                   counterpart_reservation=r_c)  # fmt: skip
            mine = list(zip(ours.agreement.tolist(), ours.rounds.tolist(), strict=True))
            checked += len(mine)
            identical += sum(m == t for m, t in zip(mine, theirs, strict=True))
            big_r, big_c = reservations(rng, BATCH_PER_PAIR)
            start = time.perf_counter()
            negotiate_batch(prob, pair[0], pair[1], n=BATCH_PER_PAIR,
                            requester_reservation=big_r, counterpart_reservation=big_c)  # fmt: skip
            batch_s += time.perf_counter() - start
            batch_n += BATCH_PER_PAIR
    negmas_rate, batch_rate = negmas_n / negmas_s, batch_n / batch_s
    ratio = batch_rate / negmas_rate
    print(f"bargaining, {ROUNDS} rounds, 9 time-based strategy pairs x 2 spaces: "
          f"NegMAS SAOMechanism {negmas_rate:,.0f} negotiations/s ({negmas_n:.0f}), "
          f"ditf batch {batch_rate:,.0f}/s ({batch_n:,.0f}) -> {ratio:,.0f}x "
          f"(target >= 100x: {'met' if ratio >= 100 else 'MISSED'}); "
          f"cross-check {identical}/{checked} identical agreements and rounds "
          f"({'identical' if identical == checked else 'DIFFERENT'})")  # fmt: skip
    bench_human()


def bench_human() -> None:
    """Door-in-the-face against the human-like counterpart: NegMAS adapter vs batch engine."""
    prob = Problem(space=OutcomeSpace.single(0, 100), target=40, requester_reservation=30,
                   counterpart_reservation=60, rounds=ROUNDS)  # fmt: skip
    seeds = range(20)
    start = time.perf_counter()
    theirs = [run_negmas(prob, "door_in_the_face", "human", rng=s) for s in seeds]
    negmas_rate = len(theirs) / (time.perf_counter() - start)
    same = 0
    for deal, seed in zip(theirs, seeds, strict=True):
        ours = negotiate_batch(prob, n=1, rng=seed)
        same += (deal.agreement_index, deal.rounds) == (ours.agreement[0], ours.rounds[0])
    start = time.perf_counter()
    negotiate_batch(prob, "door_in_the_face", "human", n=50_000, rng=1)
    batch_rate = 50_000 / (time.perf_counter() - start)
    print(f"door-in-the-face vs the human-like counterpart: NegMAS adapter {negmas_rate:,.0f}/s, "
          f"batch {batch_rate:,.0f}/s -> {batch_rate / negmas_rate:,.0f}x; same seed, same "
          f"negotiation in both: {same}/{len(theirs)}")  # fmt: skip


if __name__ == "__main__":
    main()
