"""A counterpart's asks to you as earlier episodes of ``ditf.defend`` (the CLI and the web)."""

from __future__ import annotations

from ditf.defend import Episode
from ditf.store import Journal, journal_episodes


def add(journal: Journal, opener, fallback, *, unit="EUR", asked_by="them"):
    technique = "direct" if opener is None else "door-in-the-face"
    return journal.add_ask("vendor-x", domain="procurement", unit=unit, opener=opener,
                           fallback=fallback, technique=technique, asked_by=asked_by,
                           delay_hours=1.5)  # fmt: skip


def test_only_their_asks_to_you_in_the_unit_are_episodes(sqlite_url):
    with Journal(sqlite_url) as journal:
        first = add(journal, 15000, 12000)
        second = add(journal, None, 11900)
        add(journal, 15000, 12000, unit="USD")
        add(journal, 14000, 11000, asked_by="me")
        read = journal_episodes(journal, "vendor-x", "EUR")
    assert read.episodes == (
        Episode.from_ask(opener=15000, fallback=12000, delay_hours=1.5, requester="vendor-x",
                         label=f"journal ask {first.id} (door-in-the-face)"),
        Episode.from_ask(opener=None, fallback=11900, delay_hours=1.5, requester="vendor-x",
                         label=f"journal ask {second.id} (direct)"),
    )  # fmt: skip
    assert (read.other_units, read.asked_by_you) == (1, 1)


def test_an_unknown_counterpart_has_no_episodes(sqlite_url):
    with Journal(sqlite_url) as journal:
        read = journal_episodes(journal, "nobody", "EUR")
    assert (read.episodes, read.other_units, read.asked_by_you) == ((), 0, 0)
