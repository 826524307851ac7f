"""Tournaments: every requester strategy against every counterpart population, in batches."""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._types import Seed
from ditf._validation import as_generator, check_int_range
from ditf.negotiate._batch import BatchResult, make_counterpart, negotiate_batch, summarize
from ditf.negotiate._counterpart import HumanCounterpart
from ditf.negotiate._space import Problem
from ditf.negotiate._strategies import STRATEGIES, Strategy, make_strategy
from ditf.negotiate._welfare import DISPLAY_ZERO

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["TournamentResult", "TournamentRow", "tournament"]

#: z for 95% intervals of the means and rates.
_Z95 = 1.959963984540054
#: Most negotiations one tournament may run in all (cells x n x episodes).
MAX_TOURNAMENT = 20_000_000


@dataclass(frozen=True, slots=True)
class TournamentRow:
    """One strategy against one counterpart population in one episode: means over ``n``.

    Rates come with 95% Wilson score intervals (Wilson, 1927), which stay inside [0, 1] and
    keep a width when every run agrees (500 of 500: [0.992, 1]); the mean utility with a 95%
    normal interval. ``identical`` says that every negotiation of the cell ended with the same
    outcome in the same round, so the utility interval has no width: more runs would not
    change the row (deterministic strategies against a deterministic counterpart). Utilities
    are each side's own; surpluses are over the reservations. The
    ``retreat_*`` shares are over the negotiations in which the requester retreated
    (``retreat_rate``).
    """

    strategy: str
    counterpart: str
    episode: int
    n: int
    agreement_rate: float
    agreement_lo: float
    agreement_hi: float
    walk_away_rate: float
    walk_away_lo: float
    walk_away_hi: float
    mean_rounds: float
    requester_utility: float
    requester_utility_lo: float
    requester_utility_hi: float
    counterpart_utility: float
    requester_surplus: float
    counterpart_surplus: float
    joint_surplus: float
    pareto_distance: float
    nash_product: float
    nash_share: float
    retreat_rate: float
    retreat_joint_gain: float
    retreat_transfer: float
    retreat_joint_loss: float
    identical: bool = False

    @property
    def retreat(self) -> str:
        """What the retreats mostly did: "joint gain", "transfer", "joint loss" or "none"."""
        if self.retreat_rate == 0:
            return "none"
        shares = {
            "joint gain": self.retreat_joint_gain,
            "transfer": self.retreat_transfer,
            "joint loss": self.retreat_joint_loss,
        }
        return max(shares, key=lambda k: shares[k])


@dataclass(frozen=True, slots=True)
class TournamentResult:
    """Tidy tournament results: one row per strategy, counterpart and episode."""

    problem: Problem
    n: int
    episodes: int
    rows: tuple[TournamentRow, ...]

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts (nan becomes None, for JSON)."""
        out = []
        for row in self.rows:
            record = {}
            for f in fields(TournamentRow):
                value = getattr(row, f.name)
                record[f.name] = None if isinstance(value, float) and math.isnan(value) else value
            out.append(record)
        return out

    def to_frame(self) -> pd.DataFrame:
        """The rows as a tidy :class:`pandas.DataFrame`."""
        import pandas as pd

        return pd.DataFrame.from_records([{f.name: getattr(r, f.name) for f in fields(r)}
                                          for r in self.rows])  # fmt: skip

    def best(self, counterpart: str, metric: str = "requester_utility", episode: int = 1) -> str:
        """The strategy with the highest ``metric`` against one counterpart population.

        Raises
        ------
        InvalidParameterError
            If the counterpart, metric or episode is not in the results.
        """
        numeric = [f.name for f in fields(TournamentRow) if f.type in ("float", "int")]
        if metric not in numeric:
            raise InvalidParameterError(
                f"The 'metric' parameter of TournamentResult.best must be one of {numeric}. Got "
                f"{metric!r} instead."
            )
        rows = [r for r in self.rows if r.counterpart == counterpart and r.episode == episode]
        if not rows:
            names = sorted({r.counterpart for r in self.rows})
            raise InvalidParameterError(
                f"No results against {counterpart!r} in episode {episode}. This tournament has "
                f"{names} and episodes 1-{self.episodes}."
            )
        return max(rows, key=lambda r: getattr(r, metric)).strategy


def _named(items: Any, kind: str, make: Callable[[Any, str], Strategy]) -> dict[str, Strategy]:
    """Labels -> strategies from a mapping or a sequence of names/objects."""
    if isinstance(items, str) or not isinstance(items, (Mapping, Sequence)) or not items:
        raise InvalidParameterError(
            f"The {kind!r} parameter of tournament must be a non-empty list of names or "
            f"strategies, or a mapping name -> strategy. Got {items!r} instead."
        )
    pairs = items.items() if isinstance(items, Mapping) else ((None, i) for i in items)
    out: dict[str, Strategy] = {}
    for label, item in pairs:
        strategy = make(item, "tournament")
        name = str(label) if label is not None else strategy.label
        if name in out:
            raise InvalidParameterError(
                f"Two {kind} are both named {name!r}; pass a mapping name -> strategy to tell "
                "them apart."
            )
        out[name] = strategy
    return out


def _row(name: str, other: str, result: BatchResult, episode: int, n: int) -> TournamentRow:
    rows = result.episode == episode
    part = BatchResult(
        result.problem, result.requester, result.counterpart, result.episode[rows],
        result.agreement[rows], result.rounds[rows], result.walked[rows], result.opener[rows],
        result.retreat[rows], result.requester_reservation[rows],
        result.counterpart_reservation[rows],
    )  # fmt: skip
    s = {k: _clean(v) for k, v in summarize(part).items()}
    rate = s["agreement_rate"]
    agree_lo, agree_hi = wilson(int(part.agreed.sum()), n)
    walk_lo, walk_hi = wilson(int(part.walked.sum()), n)
    identical = bool(np.all(part.agreement == part.agreement[0]))
    identical &= bool(
        np.all(part.rounds == part.rounds[0]) and np.all(part.walked == part.walked[0])
    )
    utility = part.welfare().requester_utility
    half_u = _Z95 * float(utility.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return TournamentRow(
        strategy=name, counterpart=other, episode=episode, n=n, agreement_rate=rate,
        agreement_lo=agree_lo, agreement_hi=agree_hi,
        walk_away_rate=s["walk_away_rate"], walk_away_lo=walk_lo, walk_away_hi=walk_hi,
        mean_rounds=s["mean_rounds"],
        requester_utility=s["requester_utility"],
        requester_utility_lo=s["requester_utility"] - half_u,
        requester_utility_hi=s["requester_utility"] + half_u,
        counterpart_utility=s["counterpart_utility"], requester_surplus=s["requester_surplus"],
        counterpart_surplus=s["counterpart_surplus"], joint_surplus=s["joint_surplus"],
        pareto_distance=s["pareto_distance"], nash_product=s["nash_product"],
        nash_share=s["nash_share"], retreat_rate=s["retreat_rate"],
        retreat_joint_gain=s["retreat_joint_gain"], retreat_transfer=s["retreat_transfer"],
        retreat_joint_loss=s["retreat_joint_loss"], identical=identical,
    )  # fmt: skip


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval of a rate (Wilson, 1927).

    Examples
    --------
    >>> [round(x, 3) for x in wilson(500, 500)]
    [0.992, 1.0]
    >>> [round(x, 3) for x in wilson(0, 20)]
    [0.0, 0.161]
    """
    z2 = _Z95**2
    p = successes / n
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    lo = 0.0 if successes == 0 else max(centre - half, 0.0)
    hi = 1.0 if successes == n else min(centre + half, 1.0)
    return lo, hi


def _clean(value: float) -> float:
    """Float noise within :data:`DISPLAY_ZERO` of zero shown as 0."""
    return 0.0 if abs(value) < DISPLAY_ZERO else value


def tournament(
    problem: Problem,
    strategies: Sequence[str | Strategy] | Mapping[str, str | Strategy] | None = None,
    counterparts: Sequence[str | Strategy] | Mapping[str, str | Strategy] | None = None,
    *,
    n: int = 1000,
    episodes: int = 1,
    rng: Seed = None,
    progress: Callable[[int, int], None] | None = None,
) -> TournamentResult:
    """Play every requester strategy against every counterpart population.

    Each cell (strategy x counterpart) runs ``n`` negotiations in one batch, ``episodes`` times
    with the same counterparts, on its own random stream derived from ``rng`` and the two
    labels, so a cell's results do not depend on which other cells run.

    Parameters
    ----------
    problem : Problem
    strategies : list or mapping, optional
        Requester strategies (names in :data:`STRATEGIES` or objects); default all of them.
    counterparts : list or mapping, optional
        Counterpart populations (:class:`HumanCounterpart` objects, automated strategies, or
        names in :data:`COUNTERPARTS`); default ``{"human": HumanCounterpart()}``.
    n : int, default 1000
        Negotiations per cell and episode (1 to 1,000,000).
    episodes : int, default 1
        Times each counterpart meets the requester (1 to 50).
    rng : int, Generator or None
        Root of the cells' random streams.
    progress : callable, optional
        Called as ``progress(done, total)`` after each cell.

    Returns
    -------
    TournamentResult

    Examples
    --------
    >>> from ditf.negotiate import OutcomeSpace, Problem
    >>> problem = Problem(space=OutcomeSpace.single(0, 100), target=40,
    ...                   requester_reservation=30, counterpart_reservation=60)
    >>> result = tournament(problem, ["door_in_the_face", "linear"], ["human", "boulware"],
    ...                     n=200, rng=0)
    >>> len(result.rows), result.best("boulware")
    (4, 'door_in_the_face')
    """
    owner = "tournament"
    if not isinstance(problem, Problem):
        raise InvalidParameterError(
            f"The 'problem' parameter of {owner} must be a Problem. Got {problem!r} instead."
        )
    check_int_range(n, "n", owner, 1, 1_000_000)
    check_int_range(episodes, "episodes", owner, 1, 50)
    requesters = _named(list(STRATEGIES) if strategies is None else strategies, "strategies",
                        make_strategy)  # fmt: skip
    others = _named({"human": HumanCounterpart()} if counterparts is None else counterparts,
                    "counterparts", make_counterpart)  # fmt: skip
    cells = [(a, b) for a in requesters for b in others]
    total = len(cells) * n * episodes
    if total > MAX_TOURNAMENT:
        raise InvalidParameterError(
            f"The tournament would run {total:,} negotiations, more than {MAX_TOURNAMENT:,}. "
            "Lower n, the episodes, or the number of strategies and counterparts."
        )
    entropy = int(as_generator(rng).integers(2**63))
    rows: list[TournamentRow] = []
    for done, (name, other) in enumerate(cells, start=1):
        # Keyed by the labels, so a cell's stream is the same whichever other cells run.
        key = (zlib.crc32(name.encode()), zlib.crc32(other.encode()))
        seed = np.random.SeedSequence(entropy, spawn_key=key)
        result = negotiate_batch(problem, requesters[name], others[other], n=n,
                                 episodes=episodes, rng=np.random.default_rng(seed))  # fmt: skip
        rows.extend(_row(name, other, result, e, n) for e in range(1, episodes + 1))
        if progress is not None:
            progress(done, len(cells))
    return TournamentResult(problem=problem, n=n, episodes=episodes, rows=tuple(rows))
