"""Who asked (schema version 2), and journals written by version 1 migrate without loss."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from ditf._errors import InvalidParameterError
from ditf.store import Journal

#: Written by ditf's journal at schema version 1, before asks recorded who asked.
VERSION_1 = Path(__file__).parent / "data" / "journal_v1.sqlite"


@pytest.fixture
def old(tmp_path) -> Path:
    path = tmp_path / "journal.sqlite"
    shutil.copy(VERSION_1, path)
    return path


def rows(path: Path, table: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def test_a_version_1_journal_is_read_as_it_is_when_opened_read_only(old):
    before = old.read_bytes()
    journal = Journal(f"sqlite:///{old}", read_only=True)
    asks = journal.asks()
    assert [(a.id, a.asked_by) for a in asks] == [(2, "me"), (1, "me"), (3, "me")]
    assert journal.prior_retreats("acme-hr") == 1
    journal.close()
    assert old.read_bytes() == before  # reading never writes


def test_the_first_write_migrates_a_version_1_journal_keeping_everything(old):
    counterparts, asks = rows(old, "counterparts"), rows(old, "asks")
    outcomes, rounds = rows(old, "outcomes"), rows(old, "training_rounds")
    journal = Journal(f"sqlite:///{old}")
    journal.add_ask("acme-hr", domain="salary", unit="EUR", opener=None, fallback=99000,
                    technique="direct", asked_by="them")  # fmt: skip
    journal.close()
    assert rows(old, "counterparts") == counterparts
    assert rows(old, "outcomes") == outcomes and rows(old, "training_rounds") == rounds
    migrated = rows(old, "asks")
    assert [r[:-1] for r in migrated[:3]] == asks and [r[-1] for r in migrated] == [
        "me", "me", "me", "them",
    ]  # fmt: skip
    with sqlite3.connect(old) as connection:
        assert connection.execute("SELECT value FROM ditf_meta").fetchall() == [("2",)]
    again = Journal(f"sqlite:///{old}")
    assert [a.asked_by for a in again.asks("acme-hr")][-1] == "them"
    assert again.export()["asks"][0]["asked_by"] == "me"


def test_two_journals_opening_the_same_old_file_migrate_it_once(old):
    first, second = Journal(f"sqlite:///{old}"), Journal(f"sqlite:///{old}")
    first.add_counterpart("one")
    second.add_counterpart("two")
    assert {c.key for c in Journal(f"sqlite:///{old}").counterparts()} >= {"one", "two"}


def test_only_our_own_retreats_wear_the_lift_off(tmp_path):
    journal = Journal(f"sqlite:///{tmp_path / 'j.sqlite'}")
    for side in ("me", "them", "them"):
        journal.add_ask("acme-hr", domain="salary", unit="EUR", opener=124000, fallback=110000,
                        asked_by=side)  # fmt: skip
    assert journal.prior_retreats("acme-hr") == 1
    assert [a.is_retreat for a in journal.asks("acme-hr")] == [True, False, False]


def test_who_asked_is_checked_and_nothing_is_written(tmp_path):
    journal = Journal(f"sqlite:///{tmp_path / 'j.sqlite'}")
    with pytest.raises(InvalidParameterError, match="asked_by"):
        journal.add_ask("acme-hr", domain="salary", unit="EUR", opener=None, fallback=1,
                        technique="direct", asked_by="someone")  # fmt: skip
    assert journal.asks() == []
