"""The negotiation journal: real asks, their outcomes, and trainees' progress.

A SQLAlchemy 2 store, SQLite by default (``journal.sqlite`` in the user data directory) or any
SQLAlchemy URL. The planner reads a counterpart's history from it (earlier retreats feed the
model's habituation) and the audit flags repeated use. Every write is one transaction;
database errors leave as :class:`~ditf.JournalError`. See ``docs/journal.md``.
"""

from __future__ import annotations

from ditf.store._episodes import JournalEpisodes, journal_episodes
from ditf.store._journal import Journal
from ditf.store._open import open_journal
from ditf.store._paths import default_url
from ditf.store._records import (
    AskRecord,
    Counterpart,
    CounterpartHistory,
    OutcomeRecord,
    TrainingRound,
)
from ditf.store._schema import AGREED, LEVELS, RESULTS, ROLES, SCHEMA_VERSION, TECHNIQUES

__all__ = [
    "AGREED",
    "LEVELS",
    "RESULTS",
    "ROLES",
    "SCHEMA_VERSION",
    "TECHNIQUES",
    "AskRecord",
    "Counterpart",
    "CounterpartHistory",
    "Journal",
    "JournalEpisodes",
    "OutcomeRecord",
    "TrainingRound",
    "default_url",
    "journal_episodes",
    "open_journal",
]
