"""A journal checked before use (``ditf serve`` and the web app's start): read, and writable."""

from __future__ import annotations

import os

import pytest

from ditf import JournalError
from ditf.store import Journal, open_journal


def test_a_usable_journal_is_opened_and_nothing_is_written(tmp_path):
    file = tmp_path / "new" / "journal.sqlite"
    with open_journal(file) as journal:
        assert isinstance(journal, Journal) and journal.counterparts() == []
    assert not file.exists() and not file.parent.exists()


def test_a_file_that_is_no_database_is_refused(tmp_path):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("not a database\n")
    with pytest.raises(JournalError, match="file is not a database"):
        open_journal(notes)


def test_a_file_below_a_file_is_refused(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("a file\n")
    with pytest.raises(JournalError, match="is not a folder"):
        open_journal(notes / "journal.sqlite")


@pytest.mark.parametrize("existing", [True, False])
def test_a_read_only_journal_is_refused(tmp_path, monkeypatch, existing):
    file = tmp_path / "journal.sqlite"
    if existing:
        with Journal(file) as journal:
            journal.add_counterpart("acme")
    # Root may write anyway, so the test plays an unprivileged user.
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    why = "the file is read-only" if existing else "its folder .* is read-only"
    with pytest.raises(JournalError, match=f"cannot be written: {why}"):
        open_journal(file)


def test_in_memory_and_other_databases_are_not_checked_as_files(monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with open_journal("sqlite://") as journal:
        assert journal.counterparts() == []
