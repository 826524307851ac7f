"""What you were asked: the requests, your limit, your BATNA and the benchmarks you know.

You are the one being asked. ``direction`` says which way is better for *you*: ``"less"`` (the
default) when you are asked to give or pay (hours, a gift, a price, a salary you would pay),
``"more"`` when you receive (a seller asked for a discount, a candidate offered a salary).

A request maps onto the model's cost as its distance from your *reference*, the amount that
costs you nothing extra: for a price-like domain, the market benchmark at your favourable end
(``market-low`` when you pay, ``market-high`` when you receive); for a count-like one (hours,
a gift), zero: the planner's mapping (:mod:`ditf.plan`) seen from the other side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ditf._errors import InvalidParameterError
from ditf._validation import check_option, check_probability, check_type
from ditf.plan import DOMAINS, Benchmark, CounterpartEstimate, Directional, check_amount

__all__ = ["DIRECTIONS", "AskedRequest", "DefendCase", "Episode"]

DIRECTIONS = ("less", "more")
#: P(yes) alone is kept inside (0, 1), as in the planner: the model's probit needs it.
BASELINE_EPS = 1e-4
#: A stated yes or no is one observation of your inclination; under a uniform prior its
#: expected P(yes) is Laplace's rule of succession, (1 + 1) / (1 + 2) or 1 / (1 + 2).
SUCCESSION = {"yes": 2.0 / 3.0, "no": 1.0 / 3.0}
#: The model accepts delays up to 1e6 hours; times are in minutes.
MAX_MINUTES = 6e7


@dataclass(frozen=True, slots=True, kw_only=True)
class AskedRequest:
    """One request made to you: how much, who asked, when, and what they said.

    Parameters
    ----------
    amount : float
        What was asked, in the case's unit (>= 0).
    requester : str
        Who asked (a name or a role): a retreat is a concession only from the same person.
    at_minutes : float, default 0.0
        When, in minutes since the first request of the episode.
    explanation : str or None, default ""
        What they said to justify the request ("" when nothing; None when not known, e.g.
        an episode read from the journal).

    Examples
    --------
    >>> AskedRequest(amount=120000, requester="their lawyer", at_minutes=2).at_minutes
    2.0
    """

    amount: float
    requester: str
    at_minutes: float = 0.0
    explanation: str | None = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", check_amount(self.amount, "amount"))
        check_type(self.requester, "requester", "AskedRequest", str, "a string")
        if not self.requester.strip():
            raise InvalidParameterError(
                "requester must say who asked (a name or a role such as 'sales rep'): a "
                "retreat is a concession only when the same person made the larger request."
            )
        minutes = self.at_minutes
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float)):
            raise InvalidParameterError(f"at_minutes must be a number, got {minutes!r}.")
        if not (math.isfinite(minutes) and 0 <= minutes <= MAX_MINUTES):
            raise InvalidParameterError(
                f"at_minutes must be between 0 and {MAX_MINUTES:g} minutes since the first "
                f"request, got {minutes!r}."
            )
        object.__setattr__(self, "at_minutes", float(minutes))
        if self.explanation is not None:
            check_type(self.explanation, "explanation", "AskedRequest", str, "a string or None")

    @property
    def explained(self) -> bool | None:
        """Whether a reason was given (None: not known)."""
        return None if self.explanation is None else bool(self.explanation.strip())


@dataclass(frozen=True, slots=True, kw_only=True)
class Episode:
    """An earlier episode with the same counterpart: its requests, in the order made.

    Examples
    --------
    >>> e = Episode.from_ask(opener=14000, fallback=11000, delay_hours=0.05)
    >>> [r.amount for r in e.requests], e.requests[1].at_minutes
    ([14000.0, 11000.0], 3.0)
    """

    requests: tuple[AskedRequest, ...]
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "requests", check_requests(self.requests, "Episode"))
        check_type(self.label, "label", "Episode", str, "a string")

    @classmethod
    def from_ask(
        cls,
        *,
        opener: float | None,
        fallback: float,
        delay_hours: float = 0.0,
        requester: str = "counterpart",
        label: str = "",
    ) -> Episode:
        """An episode from a journal-style record: an opener (or none) then the real request.

        The reason given is not known (``explanation=None``), so it does not count as
        evidence either way.

        Parameters
        ----------
        opener : float or None
            The first request; None for a direct ask.
        fallback : float
            The request that followed (or the only one).
        delay_hours : float, default 0.0
            Hours between the two.
        requester : str, default "counterpart"
            Who asked (both requests).
        label : str, default ""
            A label for reports.

        Returns
        -------
        Episode
        """
        if opener is None:
            only = AskedRequest(amount=fallback, requester=requester, explanation=None)
            return cls(requests=(only,), label=label)
        first = AskedRequest(amount=opener, requester=requester, explanation=None)
        last = AskedRequest(
            amount=fallback, requester=requester, at_minutes=60.0 * delay_hours, explanation=None
        )
        return cls(requests=(first, last), label=label)


def check_requests(value: Any, owner: str) -> tuple[AskedRequest, ...]:
    """A non-empty tuple of requests in the order they were made."""
    requests = tuple(value) if isinstance(value, (tuple, list)) else ()
    if not requests or not all(isinstance(r, AskedRequest) for r in requests):
        raise InvalidParameterError(
            f"{owner} needs at least one request ([[requests]] with amount, requester and "
            f"at_minutes). Got {value!r} instead."
        )
    times = [r.at_minutes for r in requests]
    if times != sorted(times):
        raise InvalidParameterError(
            f"The requests of {owner} must be listed in the order they were made; their times "
            f"are {', '.join(f'{t:g}' for t in times)} minutes. Reorder them or fix the times."
        )
    return requests


@dataclass(frozen=True, slots=True, kw_only=True)
class DefendCase(Directional):
    """Everything :func:`ditf.defend.defend` needs: what you were asked and what you know.

    Parameters
    ----------
    domain : str
        One of :data:`ditf.plan.DOMAINS` (salary, procurement, volunteering, pricing,
        settlement, fundraising); it says whether amounts are prices and whether the request
        serves a cause (the model's prosocial moderator).
    minimum : float
        Your limit: the least favourable deal you accept (when you pay or give: the most you
        pay or give).
    batna : float
        The value of your best alternative to an agreement, in the same unit. When you pay
        (``direction="less"``) in a price-like domain, 0 means "rather nothing": no other
        offer, only walking away (:attr:`nothing_instead`).
    benchmarks : tuple of Benchmark
        Objective criteria you know (market figures, norms, precedents); at least one.
    requests : tuple of AskedRequest
        The requests of this episode, in order; the last is the one you must answer now.
    unit : str, default "units"
        Unit of every amount.
    direction : str, default "less"
        ``"less"`` when a smaller amount is better for you (you pay or give), ``"more"``
        when a larger one is (you receive).
    reference : float, optional
        The amount that costs you nothing extra; default: see the module docstring.
    alone_answer : str or float, optional
        What you would have said to the last request asked alone: ``"yes"``, ``"no"`` or a
        probability. Default: derived from the benchmarks (``docs/defend.md``).
    counterpart : str, default ""
        The counterpart's id, to read earlier episodes from the journal.
    episodes : tuple of Episode, default ()
        Earlier episodes with the same counterpart.
    interests : str, default ""
        What you need, in your words, for the reply.
    title : str, default ""
        A label for reports.

    Raises
    ------
    InvalidParameterError
        Naming the field and the fix when the case is inconsistent.
    """

    domain: str
    minimum: float
    batna: float
    benchmarks: tuple[Benchmark, ...]
    requests: tuple[AskedRequest, ...]
    unit: str = "units"
    direction: str = "less"
    reference: float | None = None
    alone_answer: str | float | None = None
    counterpart: str = ""
    episodes: tuple[Episode, ...] = ()
    interests: str = ""
    title: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.domain, str) or self.domain not in DOMAINS:
            raise InvalidParameterError(
                f"Unknown domain {self.domain!r}: use one of {', '.join(DOMAINS)}."
            )
        check_option(self.direction, "direction", "DefendCase", DIRECTIONS)
        for name in ("minimum", "batna"):
            object.__setattr__(self, name, check_amount(getattr(self, name), name))
        for name in ("unit", "counterpart", "interests", "title"):
            check_type(getattr(self, name), name, "DefendCase", str, "a string")
        self._check_benchmarks()
        object.__setattr__(self, "requests", check_requests(self.requests, "a case"))
        episodes = tuple(self.episodes) if isinstance(self.episodes, (tuple, list)) else None
        if episodes is None or not all(isinstance(e, Episode) for e in episodes):
            raise InvalidParameterError(
                f"episodes must be a list of earlier episodes (Episode). Got {self.episodes!r}."
            )
        object.__setattr__(self, "episodes", episodes)
        self._check_alone_answer()
        object.__setattr__(self, "reference", self._reference())
        self._check_costs()
        if (
            self.info.price_like
            and not self.nothing_instead
            and not self.better(self.minimum, self.batna)
        ):
            raise InvalidParameterError(
                f"minimum ({self.minimum:g}) is worse for you than batna ({self.batna:g}): you "
                "would accept a deal worse than walking away. Set the minimum at least at your "
                "BATNA, or check direction ('less' when you pay, 'more' when you receive)."
            )

    # ------------------------------------------------------------------ derived quantities

    @property
    def nothing_instead(self) -> bool:
        """You pay for something and your alternative is to buy nothing (a BATNA of 0).

        "I would rather buy nothing, but would pay up to 300": a BATNA of 0 is then no price
        you could pay elsewhere, so it is not compared with your limit or the request; your
        limit alone says what the deal is worth to you.
        """
        return self.info.price_like and self.direction == "less" and self.batna == 0

    def cost(self, amount: float) -> float:
        """The model's cost of a request for ``amount``: how far it lies beyond your reference."""
        assert self.reference is not None  # set in __post_init__
        return self.sign * (self.reference - amount)

    @property
    def current(self) -> AskedRequest:
        """The request you must answer now (the last one)."""
        return self.requests[-1]

    @property
    def worst_benchmark(self) -> Benchmark:
        """The benchmark least favourable to you: the edge of what the requester can justify."""
        return min(self.benchmarks, key=lambda b: self.sign * b.value)

    @property
    def plausible_max(self) -> float | None:
        """The model's plausible maximum: the cost of :attr:`worst_benchmark` (None if <= 0)."""
        limit = self.cost(self.worst_benchmark.value)
        return limit if limit > 0 else None

    @property
    def baseline(self) -> float:
        """P(you say yes to the current request asked alone), kept inside (0, 1).

        From ``alone_answer`` when given; else the benchmarks read as the central 90% range
        of deals like this one (a normal, as the planner reads a counterpart estimate): the
        share of such deals at least as unfavourable to you as the request.
        """
        answer = self.alone_answer
        if answer is None:
            values = sorted({b.value for b in self.benchmarks})
            market = CounterpartEstimate(accepts_low=values[0], accepts_high=values[-1])
            # Your limit is the requester's counterpart limit: their direction is the opposite.
            theirs = "more" if self.direction == "less" else "less"
            return market.p_accepts(self.current.amount, theirs)
        p = SUCCESSION[answer] if isinstance(answer, str) else float(answer)
        return min(1.0 - BASELINE_EPS, max(BASELINE_EPS, p))

    @property
    def baseline_source(self) -> str:
        """Where :attr:`baseline` comes from, in words."""
        if self.alone_answer is None:
            return "the benchmarks (read as the central 90% range of such deals)"
        if isinstance(self.alone_answer, str):
            return f"your answer alone ({self.alone_answer!r}, Laplace's rule of succession)"
        return "your answer alone (a probability)"

    # ------------------------------------------------------------------ validation

    def _check_benchmarks(self) -> None:
        benchmarks = tuple(self.benchmarks) if isinstance(self.benchmarks, (tuple, list)) else ()
        if not benchmarks or not all(isinstance(b, Benchmark) for b in benchmarks):
            raise InvalidParameterError(
                "A case needs at least one [[benchmarks]] entry (name, kind, value): you "
                "answer a number with a named criterion, and the model needs its limit."
            )
        object.__setattr__(self, "benchmarks", benchmarks)
        market = {b.kind: b.value for b in benchmarks if b.kind.startswith("market")}
        values = [market[k] for k in ("market-low", "market-median", "market-high") if k in market]
        if values != sorted(values):
            raise InvalidParameterError(
                "benchmarks are out of order: market-low <= market-median <= market-high is "
                f"required; got {', '.join(f'{k} {v:g}' for k, v in market.items())}. "
                "Check the values or their kinds."
            )

    def _check_alone_answer(self) -> None:
        answer = self.alone_answer
        if answer is None:
            if len({b.value for b in self.benchmarks}) < 2:
                raise InvalidParameterError(
                    "alone_answer is missing and the benchmarks hold a single value, so P(yes) "
                    "to the request alone cannot be read from them. Give alone_answer ('yes', "
                    "'no' or a probability) or a second benchmark with another value."
                )
        elif isinstance(answer, str):
            if answer not in SUCCESSION:
                raise InvalidParameterError(
                    f"alone_answer must be 'yes', 'no' or a probability in [0, 1], got {answer!r}."
                )
        else:
            check_probability(answer, "alone_answer", "DefendCase")

    def _reference(self) -> float:
        if self.reference is not None:
            return check_amount(self.reference, "reference")
        if not self.info.price_like:
            if self.direction == "more":
                raise InvalidParameterError(
                    f"A {self.domain} case with direction = 'more' needs an explicit "
                    "'reference': the amount that costs you nothing extra (the most you could "
                    "get)."
                )
            return 0.0
        end = "market-low" if self.direction == "less" else "market-high"
        values = [b.value for b in self.benchmarks if b.kind == end]
        if not values:
            raise InvalidParameterError(
                f"A {self.domain} case with direction = {self.direction!r} needs a {end!r} "
                "benchmark or an explicit 'reference' (the amount that costs you nothing extra)."
            )
        return values[0]

    def _check_costs(self) -> None:
        found = [("[[requests]]", i, r) for i, r in enumerate(self.requests, start=1)]
        for k, episode in enumerate(self.episodes, start=1):
            found += [(f"episode {k}", i, r) for i, r in enumerate(episode.requests, start=1)]
        for where, i, r in found:
            if self.cost(r.amount) <= 0:
                word = "at or below" if self.direction == "less" else "at or above"
                raise InvalidParameterError(
                    f"{where} entry {i}: amount {r.amount:g} is {word} the reference "
                    f"({self.reference:g}), so it costs you nothing extra and there is nothing to "
                    "defend. Check the amount and direction, or set 'reference' explicitly."
                )
