"""A one-object-per-agent implementation of the population model: the baseline of the kernel.

This is THE SAME MODEL as the vectorised kernel in :mod:`ditf.simulate._engine`, written the
way an agent-based model usually is: one plain Python ``Person`` object per person, with its
own willingness drawn with ``random.gauss``, answering each step in a Python loop with its own
``random.Random(seed)`` stream. Both implementations read the step tables of the same
:class:`~ditf.simulate._engine.CompiledSequence` (from ``compile_sequence``), so they compute
the identical model: for step ``k`` a person's latent index is
``index[k][history] + willingness``, they say yes when a fresh ``N(0, 1 - trait_share)`` draw
falls below it, they are asked only when ``asked[k][history]`` says so, and a yes is carried out
with probability ``keep[k][history]``. The tables are converted to Python lists first, so the
baseline pays no NumPy scalar overhead; only the execution strategy differs.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ditf.simulate._engine import CompiledSequence

# Digits of a person's answer code, one per step (the kernel's encoding).
NOT_ASKED, NO, YES = 0, 1, 2


@dataclass
class Tables:
    """The compiled tables as plain Python lists (one list per step)."""

    index: list[list[float]]
    asked: list[list[bool]]
    keep: list[list[float]]
    retreat: list[list[bool]]
    described: list[bool]
    sd_trait: float
    sd_noise: float
    max_retreats: int

    @classmethod
    def of(cls, compiled: CompiledSequence) -> Tables:
        return cls(
            index=[[float(x) for x in t] for t in compiled.index],
            asked=[[bool(x) for x in t] for t in compiled.asked],
            keep=[[float(x) for x in t] for t in compiled.keep],
            retreat=[[bool(x) for x in t] for t in compiled.retreat],
            described=list(compiled.described),
            sd_trait=math.sqrt(compiled.trait_share),
            sd_noise=math.sqrt(1.0 - compiled.trait_share),
            max_retreats=compiled.max_retreats,
        )


class Person:
    """One simulated person: a stable willingness and the answers given so far."""

    def __init__(self, rng: random.Random, tables: Tables) -> None:
        self.rng = rng
        self.tables = tables
        self.willingness = rng.gauss(0.0, tables.sd_trait)
        self.retreats_seen = 0  # retreats seen in earlier episodes (habituation)
        self.code = 0  # answers in this episode, one base-3 digit per step

    def start_episode(self) -> None:
        self.code = 0

    def is_asked(self, k: int) -> bool:
        return self.tables.asked[k][self.code]

    def latent_index(self, k: int) -> float:
        """The model's latent index for step ``k`` given this person's history."""
        t = self.tables
        row = self.code * (t.max_retreats + 1) + self.retreats_seen
        return t.index[k][row] + self.willingness

    def answer(self, k: int) -> tuple[bool, bool]:
        """Answer step ``k`` (which is asked): (said yes, carried it out)."""
        t = self.tables
        said_yes = self.rng.gauss(0.0, t.sd_noise) < self.latent_index(k)
        kept = said_yes and self.rng.random() < t.keep[k][self.code]
        if t.retreat[k][self.code]:
            self.retreats_seen = min(self.retreats_seen + 1, t.max_retreats)
        self.code += (YES if said_yes else NO) * 3**k
        return said_yes, kept


@dataclass
class Counts:
    """Per step of each episode: asked, said yes, carried out."""

    asked: list[list[int]]
    yes: list[list[int]]
    kept: list[list[int]]


def run_people(compiled: CompiledSequence, n_people: int, episodes: int, seed: int) -> Counts:
    """Simulate ``n_people`` Person objects meeting the sequence ``episodes`` times."""
    tables = Tables.of(compiled)
    rng = random.Random(seed)
    people = [Person(rng, tables) for _ in range(n_people)]
    n_steps = len(tables.index)
    counts = Counts(
        asked=[[0] * n_steps for _ in range(episodes)],
        yes=[[0] * n_steps for _ in range(episodes)],
        kept=[[0] * n_steps for _ in range(episodes)],
    )
    for episode in range(episodes):
        asked, yes, kept = counts.asked[episode], counts.yes[episode], counts.kept[episode]
        for person in people:
            person.start_episode()
            for k in range(n_steps):
                if tables.described[k] or not person.is_asked(k):
                    continue  # not asked: the digit stays NOT_ASKED
                said_yes, carried_out = person.answer(k)
                asked[k] += 1
                yes[k] += said_yes
                kept[k] += carried_out
    return counts
