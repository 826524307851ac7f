"""The batch engine: many negotiations at once, vectorised across negotiations.

Negotiations are a struct of arrays: each agent holds one entry per negotiation and every
round costs a few numpy operations per side, whatever the number of negotiations. The protocol
is NegMAS's stacked alternating offers (``SAOMechanism``): in round ``r`` the requester answers
the counterpart's last offer (round 0: it opens), then the counterpart answers the requester's;
whoever does not accept makes a new offer. A negotiation ends at an agreement, a walk-away, or
after ``rounds`` rounds; its ``rounds`` is NegMAS's final ``state.step``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._types import BoolArray, FloatArray, Seed
from ditf._validation import as_generator, check_int_range
from ditf.negotiate._counterpart import BELIEF_LEVELS, HumanCounterpart
from ditf.negotiate._seat import IntArray, Seat, seats
from ditf.negotiate._space import Problem
from ditf.negotiate._strategies import AUTOMATED, Agent, Strategy, by_name, make_strategy
from ditf.negotiate._welfare import RETREAT_KINDS, Welfare, assess

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["COUNTERPARTS", "BatchResult", "make_counterpart", "negotiate_batch"]

#: Most negotiations one call may hold (about 100 MB of arrays for a human counterpart).
MAX_NEGOTIATIONS = 10_000_000
#: Cells of a human counterpart's belief held at once (2**22 floats, 32 MB): negotiations run
#: in blocks of ``BLOCK_CELLS // cost levels`` (multi-issue: ``// outcomes``, which its
#: integrative counter-offers score) so memory stays bounded.
BLOCK_CELLS = 1 << 22

#: Counterparts by name: the human-like one and NegMAS-style automated ones (alphabetical).
COUNTERPARTS: dict[str, Any] = dict(sorted({**AUTOMATED, "human": HumanCounterpart}.items()))


def make_counterpart(name: str | Strategy, owner: str = "make_counterpart") -> Strategy:
    """A counterpart from its name in :data:`COUNTERPARTS` (a :class:`Strategy` is returned as is).

    Raises
    ------
    InvalidParameterError
        If the name is unknown.

    Examples
    --------
    >>> make_counterpart("human").label
    'human'
    """
    return by_name(name, COUNTERPARTS, "counterpart", owner)


class Turn(NamedTuple):
    """One side's turn in negotiation 0 of a traced batch (for transcripts)."""

    round: int
    side: str
    offer: int
    accepted: bool
    walked: bool
    note: str
    info: dict[str, float]


class _Outcome(NamedTuple):
    agreement: IntArray
    rounds: IntArray
    walked: BoolArray
    opener: IntArray
    retreat: IntArray


class _Game:
    """The state of one block of negotiations in one episode."""

    def __init__(self, n: int) -> None:
        self.current = np.full(n, -1, dtype=np.int64)
        self.active = np.ones(n, dtype=bool)
        self.agreement = np.full(n, -1, dtype=np.int64)
        self.rounds = np.zeros(n, dtype=np.int64)
        self.walked = np.zeros(n, dtype=bool)
        self.opener = np.full(n, -1, dtype=np.int64)
        self.retreat = np.full(n, -1, dtype=np.int64)

    def settle(self, accept: BoolArray, walk: BoolArray, r: int) -> tuple[BoolArray, BoolArray]:
        """End the negotiations that accept (the current offer) or walk away in round r."""
        accept = accept & self.active
        walk = walk & self.active & ~accept
        self.agreement = np.where(accept, self.current, self.agreement)
        self.walked |= walk
        done = accept | walk
        self.rounds = np.where(done, r + 1, self.rounds)
        self.active &= ~done
        return accept, walk

    def offer(self, offer: IntArray) -> None:
        self.current = np.where(self.active, offer, self.current)


def _play(
    requester: Agent,
    counterpart: Agent,
    requester_seat: Seat,
    trace: list[Turn] | None,
) -> _Outcome:
    """Run one episode of a block of negotiations to the end (``trace``: record negotiation 0)."""
    n, total = requester_seat.n, requester_seat.rounds
    game = _Game(n)
    own = requester_seat.own
    for r in range(total):
        t = (r + 1) / (total + 1)  # NegMAS's relative time of step r
        answer = ""
        if r > 0:
            accept, _ = game.settle(*requester.respond(game.current, t, r), r)
            answer = requester.note
            if trace is not None and accept[0]:
                trace.append(Turn(r, "requester", int(game.current[0]), True, False, answer, {}))
        offer = requester.propose(t, r)
        if r == 0:
            game.opener = offer.copy()
        else:
            first = (game.retreat < 0) & (own[offer] < own[game.opener]) & game.active
            game.retreat = np.where(first, offer, game.retreat)
        game.offer(offer)
        if trace is not None and game.active[0]:
            note = f"{answer} {requester.note}".strip()
            trace.append(Turn(r, "requester", int(offer[0]), False, False, note, {}))
        if not game.active.any():
            break
        accept, walk = game.settle(*counterpart.respond(game.current, t, r), r)
        answer = counterpart.note
        info = dict(getattr(counterpart, "info", {}))
        if trace is not None and (accept[0] or walk[0]):
            trace.append(Turn(r, "counterpart", int(game.current[0]), bool(accept[0]),
                              bool(walk[0]), answer, info))  # fmt: skip
        offer = counterpart.propose(t, r)
        game.offer(offer)
        if trace is not None and game.active[0]:
            note = f"{answer} {counterpart.note}".strip()
            trace.append(Turn(r, "counterpart", int(offer[0]), False, False, note, info))
        if not game.active.any():
            break
    game.rounds = np.where(game.active, total, game.rounds)
    return _Outcome(game.agreement, game.rounds, game.walked, game.opener, game.retreat)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Results of many negotiations, as arrays over negotiations (episode-major order).

    Attributes
    ----------
    problem : Problem
    requester, counterpart : str
        Labels of the two strategies.
    episode : ndarray of int
        Episode of each negotiation (1 = the first meeting of the same two parties).
    agreement : ndarray of int
        Index of the agreed outcome in ``problem.space.arrays()``, -1 without agreement.
    rounds : ndarray of int
        Rounds used (the round of the agreement or walk-away, plus 1; ``rounds`` at a timeout).
    walked : ndarray of bool
        Whether the counterpart walked away.
    opener, retreat : ndarray of int
        The requester's first offer, and its first concession (-1: it never conceded).
    requester_reservation, counterpart_reservation : ndarray of float
        Each side's reservation value in each negotiation.
    """

    problem: Problem
    requester: str
    counterpart: str
    episode: IntArray
    agreement: IntArray
    rounds: IntArray
    walked: BoolArray
    opener: IntArray
    retreat: IntArray
    requester_reservation: FloatArray
    counterpart_reservation: FloatArray

    @property
    def n(self) -> int:
        """Number of negotiations (over all episodes)."""
        return len(self.agreement)

    @property
    def agreed(self) -> BoolArray:
        """Whether each negotiation ended in an agreement."""
        agreed: BoolArray = self.agreement >= 0
        return agreed

    def welfare(self) -> Welfare:
        """The win-win measures of every negotiation (see :class:`WinWin`)."""
        return assess(
            self.problem.space.arrays(), self.agreement, self.opener, self.retreat,
            self.requester_reservation, self.counterpart_reservation,
        )  # fmt: skip

    def records(self) -> list[dict[str, Any]]:
        """One dict per negotiation: outcome, rounds and win-win measures."""
        w = self.welfare()
        columns = {
            "episode": self.episode, "agreed": self.agreed, "agreement": self.agreement,
            "rounds": self.rounds, "walked_away": self.walked, **w._asdict(),
        }  # fmt: skip
        kinds = [RETREAT_KINDS[k] for k in w.retreat_kind]
        out = []
        for i in range(self.n):
            row: dict[str, Any] = {"requester": self.requester, "counterpart": self.counterpart}
            row |= {k: v[i].item() for k, v in columns.items() if k != "retreat_kind"}
            row["retreat"] = kinds[i]
            out.append(row)
        return out

    def to_frame(self) -> pd.DataFrame:
        """The records as a tidy :class:`pandas.DataFrame`."""
        import pandas as pd

        return pd.DataFrame.from_records(self.records())


def _reservations(
    problem: Problem, n: int, values: FloatArray | None, side: int, name: str
) -> FloatArray:
    if values is None:
        return np.full(n, problem.reservation_utilities[side])
    array = np.asarray(values, dtype=float)
    if array.shape != (n,) or not np.all((array >= 0.0) & (array <= 1.0)):
        raise InvalidParameterError(
            f"The {name!r} parameter of negotiate_batch must be {n} utilities in [0, 1] (one per "
            f"negotiation). Got shape {array.shape} with values outside [0, 1] or a wrong "
            "length. Reservation values are utilities of the outcome space."
        )
    return array


def negotiate_batch(
    problem: Problem,
    strategy: str | Strategy = "door_in_the_face",
    counterpart: str | Strategy = "human",
    *,
    n: int = 1000,
    episodes: int = 1,
    requester_reservation: FloatArray | None = None,
    counterpart_reservation: FloatArray | None = None,
    rng: Seed = None,
) -> BatchResult:
    """Run ``n`` negotiations of ``problem`` at once, ``episodes`` times with the same parties.

    Deterministic strategies give the same results whatever ``rng``; a human counterpart draws
    its willingness once per counterpart (kept across episodes) and fresh noise per new offer.

    Parameters
    ----------
    problem : Problem
        The space, the requester's target and both reservations.
    strategy : str or Strategy, default "door_in_the_face"
        The requester's strategy, or its name in :data:`STRATEGIES`.
    counterpart : str or Strategy, default "human"
        A :class:`HumanCounterpart`, an automated strategy, or a name in :data:`COUNTERPARTS`.
    n : int, default 1000
        Negotiations per episode (1 to 10,000,000).
    episodes : int, default 1
        Times the same counterparts meet the same requester (1 to 50): a human counterpart
        remembers the retreats it saw (habituation).
    requester_reservation, counterpart_reservation : ndarray of shape (n,), optional
        Per-negotiation reservation values (utilities), instead of the problem's.
    rng : int, Generator or None
        Randomness of a human counterpart.

    Returns
    -------
    BatchResult

    Examples
    --------
    >>> from ditf.negotiate import OutcomeSpace, Problem
    >>> problem = Problem(space=OutcomeSpace.single(0, 100), target=40,
    ...                   requester_reservation=30, counterpart_reservation=60)
    >>> result = negotiate_batch(problem, "boulware", "conceder", n=3)
    >>> result.agreement.tolist(), result.rounds.tolist()
    ([58, 58, 58], [89, 89, 89])
    """
    owner = "negotiate_batch"
    if not isinstance(problem, Problem):
        raise InvalidParameterError(
            f"The 'problem' parameter of {owner} must be a Problem. Got {problem!r} instead."
        )
    check_int_range(n, "n", owner, 1, MAX_NEGOTIATIONS)
    check_int_range(episodes, "episodes", owner, 1, 50)
    requester_strategy = make_strategy(strategy, owner)
    counterpart_strategy = make_counterpart(counterpart, owner)
    gen = as_generator(rng)
    r_res = _reservations(problem, n, requester_reservation, 0, "requester_reservation")
    c_res = _reservations(problem, n, counterpart_reservation, 1, "counterpart_reservation")
    r_seat, c_seat = seats(problem, n, r_res, c_res)
    parts = [_run_block(requester_strategy, counterpart_strategy, r_seat.block(rows),
                        c_seat.block(rows), episodes, gen)
             for rows in _blocks(n, counterpart_strategy, problem)]  # fmt: skip
    # Episode-major: all negotiations of episode 1 (block by block), then episode 2...
    joined = [
        np.concatenate([block[e][field] for e in range(episodes) for block in parts])
        for field in range(len(_Outcome._fields))
    ]
    return BatchResult(
        problem=problem,
        requester=requester_strategy.label,
        counterpart=counterpart_strategy.label,
        episode=np.repeat(np.arange(1, episodes + 1), n),
        agreement=joined[0],
        rounds=joined[1],
        walked=joined[2],
        opener=joined[3],
        retreat=joined[4],
        requester_reservation=np.tile(r_res, episodes),
        counterpart_reservation=np.tile(c_res, episodes),
    )


def _blocks(n: int, counterpart: Strategy, problem: Problem) -> list[slice]:
    if not isinstance(counterpart, HumanCounterpart):
        return [slice(0, n)]
    levels = min(problem.space.n_outcomes, BELIEF_LEVELS)
    if len(problem.space.issues) > 1:  # the integrative counter scores every outcome
        levels = max(levels, problem.space.n_outcomes)
    size = max(1, BLOCK_CELLS // levels)
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def _run_block(
    requester: Strategy,
    counterpart: Strategy,
    r_seat: Seat,
    c_seat: Seat,
    episodes: int,
    gen: np.random.Generator,
    trace: list[Turn] | None = None,
) -> list[_Outcome]:
    outcomes = []
    c_agent = counterpart.agent(c_seat, gen)
    for episode in range(episodes):
        if episode > 0:
            next_episode = getattr(c_agent, "next_episode", None)
            c_agent = next_episode() if next_episode else counterpart.agent(c_seat, gen)
        r_agent = requester.agent(r_seat, gen)
        outcomes.append(_play(r_agent, c_agent, r_seat, trace))
    return outcomes


def run_traced(
    problem: Problem, requester: Strategy, counterpart: Strategy, gen: np.random.Generator
) -> tuple[_Outcome, list[Turn]]:
    """One negotiation with its turns recorded (for transcripts)."""
    r_seat, c_seat = seats(problem, 1)
    trace: list[Turn] = []
    outcome = _run_block(requester, counterpart, r_seat, c_seat, 1, gen, trace)[0]
    return outcome, trace


def summarize(result: BatchResult) -> Mapping[str, float]:
    """Means over a batch: rates and average utilities, surpluses and welfare."""
    w = result.welfare()
    has_retreat = w.retreat_kind > 0
    retreats = max(int(has_retreat.sum()), 1)
    with np.errstate(invalid="ignore"):
        share = float(np.nanmean(w.nash_share)) if np.isfinite(w.nash_share).any() else np.nan
    return {
        "agreement_rate": float(result.agreed.mean()),
        "walk_away_rate": float(result.walked.mean()),
        "mean_rounds": float(result.rounds.mean()),
        "requester_utility": float(w.requester_utility.mean()),
        "counterpart_utility": float(w.counterpart_utility.mean()),
        "requester_surplus": float(w.requester_surplus.mean()),
        "counterpart_surplus": float(w.counterpart_surplus.mean()),
        "joint_surplus": float(w.joint_surplus.mean()),
        "pareto_distance": float(w.pareto_distance.mean()),
        "nash_product": float(w.nash_product.mean()),
        "nash_share": share,
        "retreat_rate": float(has_retreat.mean()),
        "retreat_joint_gain": float((w.retreat_kind == 1).sum() / retreats),
        "retreat_transfer": float((w.retreat_kind == 2).sum() / retreats),
        "retreat_joint_loss": float((w.retreat_kind == 3).sum() / retreats),
    }
