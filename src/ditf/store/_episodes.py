"""A counterpart's asks to you in the journal, as earlier episodes of ``ditf.defend``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ditf.store._journal import Journal

if TYPE_CHECKING:
    from ditf.defend import Episode

__all__ = ["JournalEpisodes", "journal_episodes"]


@dataclass(frozen=True, slots=True)
class JournalEpisodes:
    """What the journal holds as earlier episodes of a counterpart's technique used on you.

    Attributes
    ----------
    episodes : tuple of Episode
        One per ask the counterpart made to you in the case's unit, oldest first.
    other_units : int
        Their asks to you in another unit, left out.
    asked_by_you : int
        Your asks to them: the technique the other way round, not counted.
    """

    episodes: tuple[Episode, ...]
    other_units: int
    asked_by_you: int


def journal_episodes(journal: Journal, counterpart: str, unit: str) -> JournalEpisodes:
    """The counterpart's asks to you in ``unit`` as earlier episodes, for ``ditf.defend.defend``.

    How ``ditf defend --db`` and the web's ``POST /api/defend`` read the journal: only asks the
    counterpart made to you are episodes of the technique used on you.

    Parameters
    ----------
    journal : Journal
        The journal to read (a read-only one will do).
    counterpart : str
        The counterpart's key (an unknown one has no asks).
    unit : str
        The case's unit: asks in another unit are left out.

    Returns
    -------
    JournalEpisodes

    Examples
    --------
    >>> with Journal("sqlite://") as journal:
    ...     _ = journal.add_ask("vendor-x", domain="procurement", unit="EUR", opener=15000,
    ...                         fallback=12000, technique="door-in-the-face", asked_by="them")
    ...     _ = journal.add_ask("vendor-x", domain="procurement", unit="EUR", opener=None,
    ...                         fallback=11000, technique="direct")
    ...     read = journal_episodes(journal, "vendor-x", "EUR")
    >>> len(read.episodes), read.other_units, read.asked_by_you
    (1, 0, 1)
    """
    from ditf.defend import Episode  # here: the journal alone never loads the model

    records = journal.asks(counterpart)
    to_you = [r for r in records if r.asked_by == "them"]
    episodes = tuple(
        Episode.from_ask(
            opener=r.opener, fallback=r.fallback, delay_hours=r.delay_hours,
            requester=counterpart, label=f"journal ask {r.id} ({r.technique})",
        )
        for r in to_you
        if r.unit == unit
    )  # fmt: skip
    return JournalEpisodes(
        episodes=episodes,
        other_units=len(to_you) - len(episodes),
        asked_by_you=len(records) - len(to_you),
    )
