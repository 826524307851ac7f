"""Editing, back-dating and deleting journal entries: one transaction each, nothing lost on a bad
edit, an ask's outcome goes with it, and a counterpart with asks stays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, exc

from ditf import InvalidParameterError, JournalError
from ditf.store import Journal
from ditf.store._schema import AskRow

ASK = {"domain": "salary", "unit": "EUR", "opener": 125000.0, "fallback": 108000.0}


def test_an_ask_is_corrected_and_back_dated(journal):
    ask = journal.add_ask("acme-hr", **ASK)
    journal.add_outcome(ask.id, result="accepted-fallback")
    when = datetime(2024, 5, 1, 10, tzinfo=UTC)
    changed = journal.update_ask(ask.id, fallback=106000.0, asked_at=when, scenario="salary")
    assert (changed.fallback, changed.asked_at, changed.scenario) == (106000.0, when, "salary")
    assert changed.opener == 125000.0 and changed.counterpart == "acme-hr"
    assert changed.outcome is not None and changed.outcome.result == "accepted-fallback"
    assert journal.asks() == [changed]


def test_a_back_dated_ask_takes_its_place_in_the_history(journal):
    first = journal.add_ask("acme-hr", **ASK)
    second = journal.add_ask("acme-hr", **ASK)
    journal.update_ask(second.id, asked_at=datetime(2020, 1, 1, tzinfo=UTC))
    assert [a.id for a in journal.asks("acme-hr")] == [second.id, first.id]


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"fallback": -1.0}, "'fallback' parameter of Journal.update_ask"),
        ({"opener": 108000.0}, "must differ from the fallback"),
        ({"technique": "direct"}, "must be None for a direct ask"),
        ({"asked_at": datetime(2024, 5, 1)}, "asked_at"),  # no time zone
        ({"asked_at": datetime(2031, 1, 1, tzinfo=UTC)}, "'asked_at'.*must not lie in the future"),
        ({"asked_by": "nobody"}, "asked_by"),
        ({"counterpart": "other"}, "cannot change 'counterpart'"),
    ],
)
def test_a_bad_edit_changes_nothing(journal, changes, match):
    ask = journal.add_ask("acme-hr", **ASK)
    with pytest.raises(InvalidParameterError, match=match):
        journal.update_ask(ask.id, **changes)
    assert journal.asks() == [ask]


def test_an_ask_whose_opener_was_accepted_cannot_become_direct(journal):
    ask = journal.add_ask("acme-hr", **ASK)
    journal.add_outcome(ask.id, result="accepted-opener")
    with pytest.raises(InvalidParameterError, match="its outcome says the opener was accepted"):
        journal.update_ask(ask.id, technique="direct", opener=None)
    assert journal.asks()[0].opener == 125000.0


def test_an_ask_becomes_direct_with_its_opener_removed(journal):
    ask = journal.add_ask("acme-hr", **ASK)
    changed = journal.update_ask(ask.id, technique="direct", opener=None)
    assert (changed.technique, changed.opener) == ("direct", None)


def test_deleting_an_ask_deletes_its_outcome(journal):
    ask = journal.add_ask("acme-hr", **ASK)
    keep = journal.add_ask("acme-hr", **ASK)
    journal.add_outcome(ask.id, result="refused")
    gone = journal.delete_ask(ask.id)
    assert gone.id == ask.id and gone.outcome is not None and gone.outcome.result == "refused"
    assert journal.asks() == [keep]
    assert journal.export()["outcomes"] == []


def test_a_failed_delete_keeps_the_ask_and_its_outcome(journal, monkeypatch):
    ask = journal.add_ask("acme-hr", **ASK)
    journal.add_outcome(ask.id, result="refused")

    def fail(*args):
        raise exc.OperationalError("DELETE FROM asks", {}, RuntimeError("disk I/O error"))

    event.listen(AskRow, "before_delete", fail)
    try:
        with pytest.raises(JournalError):
            journal.delete_ask(ask.id)
    finally:
        event.remove(AskRow, "before_delete", fail)
    (kept,) = journal.asks()
    assert kept.outcome is not None and kept.outcome.result == "refused"


def test_an_outcome_is_deleted_and_recorded_anew(journal):
    ask = journal.add_ask("acme-hr", **ASK)
    journal.add_outcome(ask.id, result="refused")
    assert journal.delete_outcome(ask.id).result == "refused"
    assert journal.asks()[0].outcome is None
    with pytest.raises(InvalidParameterError, match="has none yet"):
        journal.delete_outcome(ask.id)
    journal.add_outcome(ask.id, result="accepted-fallback")
    assert journal.asks()[0].outcome.result == "accepted-fallback"


@pytest.mark.parametrize("method", ["update_ask", "delete_ask", "delete_outcome"])
def test_an_unknown_ask_is_refused(journal, method):
    with pytest.raises(InvalidParameterError, match="must be the id of an ask in the journal"):
        getattr(journal, method)(42)


def test_a_counterpart_is_renamed(journal):
    journal.add_counterpart("acme-hr", name="Acme", notes="Dana")
    changed = journal.update_counterpart("acme-hr", name="Acme HR")
    assert (changed.name, changed.notes) == ("Acme HR", "Dana")
    assert journal.get_counterpart("acme-hr") == changed
    with pytest.raises(InvalidParameterError, match="'name' parameter"):
        journal.update_counterpart("acme-hr", name="x" * 201)
    assert journal.get_counterpart("acme-hr") == changed


def test_a_counterpart_with_asks_is_not_deleted(journal):
    ask = journal.add_ask("acme-hr", **ASK)
    with pytest.raises(InvalidParameterError, match="has 1 ask"):
        journal.delete_counterpart("acme-hr")
    assert journal.asks() == [ask]
    journal.delete_ask(ask.id)
    assert journal.delete_counterpart("acme-hr").key == "acme-hr"
    assert journal.counterparts() == []


@pytest.mark.parametrize("method", ["update_counterpart", "delete_counterpart"])
def test_an_unknown_counterpart_is_refused(journal, method):
    with pytest.raises(InvalidParameterError, match="must be a counterpart in the journal"):
        getattr(journal, method)("nobody")


def test_edits_are_refused_on_a_read_only_journal(sqlite_url):
    with Journal(sqlite_url) as journal:
        ask = journal.add_ask("acme-hr", **ASK)
    with Journal(sqlite_url, read_only=True) as journal:
        with pytest.raises(JournalError, match="read-only"):
            journal.delete_ask(ask.id)
        with pytest.raises(JournalError, match="read-only"):
            journal.update_ask(ask.id, fallback=1.0)
        assert journal.asks() == [ask]
