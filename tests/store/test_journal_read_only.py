"""Reading only reads: a read-only journal, and limits from Settings (issue 12, items 8, 11)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ditf import InvalidParameterError, JournalError
from ditf.settings import Settings
from ditf.store import Journal

NOBODY = 65534
ASK = {"domain": "salary", "unit": "EUR", "opener": 125000, "fallback": 108000}


@pytest.fixture
def locked_folder() -> Iterator[Path]:
    """A folder under /tmp with a journal of two asks, then made read-only (files too).

    Under /tmp so that another user (nobody, when the tests run as root) can reach it.
    """
    folder = Path(tempfile.mkdtemp(prefix="ditf-read-only-"))
    folder.chmod(0o755)
    db = folder / "journal.sqlite"
    with Journal(db) as journal:
        first = journal.add_ask("acme-hr", **ASK)
        journal.add_outcome(first.id, result="accepted-fallback")
        journal.add_ask("vendor", **ASK)
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def _as_a_user_who_may_not_write(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``args`` as nobody when we are root (whom permissions do not stop), else as us."""
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: no user to whom the folder is locked")
        args = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DITF_")}
    env |= {"COLUMNS": "200", "HOME": "/tmp", "XDG_DATA_HOME": "/tmp/ditf-nobody-data"}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, check=False)


READ = """
import json, sys
from ditf.store import Journal
with Journal(sys.argv[1], read_only=True) as journal:
    asks = journal.asks()
    print(json.dumps({"asks": len(asks), "outcome": asks[0].outcome.result,
                      "exported": len(journal.export()["asks"]),
                      "history": len(journal.history("acme-hr").asks)}))
"""


def test_a_journal_in_a_read_only_folder_is_read(locked_folder):
    db = locked_folder / "journal.sqlite"
    before = sorted(p.name for p in locked_folder.iterdir())
    done = _as_a_user_who_may_not_write([sys.executable, "-c", READ, str(db)])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "asks": 2, "outcome": "accepted-fallback", "exported": 2, "history": 1,
    }  # fmt: skip
    assert sorted(p.name for p in locked_folder.iterdir()) == before


@pytest.mark.parametrize("command", [["list"], ["export"]])
def test_the_cli_lists_a_journal_in_a_read_only_folder(locked_folder, command):
    ditf = Path(sys.executable).with_name("ditf")
    db = locked_folder / "journal.sqlite"
    done = _as_a_user_who_may_not_write([str(ditf), "journal", "--db", str(db), *command])
    assert done.returncode == 0, done.stderr
    assert "acme-hr" in done.stdout


def test_the_cli_still_cannot_write_there(locked_folder):
    ditf = Path(sys.executable).with_name("ditf")
    db = locked_folder / "journal.sqlite"
    args = [str(ditf), "journal", "--db", str(db), "add", "counterpart", "x"]
    done = _as_a_user_who_may_not_write(args)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_a_read_only_journal_sees_commits_still_in_the_wal(tmp_path):
    """Nothing stored is lost: commits not yet checkpointed into the file are read."""
    db = tmp_path / "journal.sqlite"
    with Journal(db) as writer:
        writer.add_ask("acme-hr", **ASK)
        writer.add_ask("acme-hr", **ASK)  # the writer stays open: its WAL is not checkpointed
        assert Path(f"{db}-wal").stat().st_size > 0
        with Journal(db, read_only=True) as reader:
            assert len(reader.asks()) == 2


def test_a_read_only_journal_refuses_writes_and_changes_nothing(tmp_path):
    db = tmp_path / "journal.sqlite"
    with Journal(db) as journal:
        journal.add_ask("acme-hr", **ASK)
    before = db.read_bytes()
    with Journal(db, read_only=True) as journal:
        with pytest.raises(JournalError, match="read-only"):
            journal.add_counterpart("x")
        assert [a.counterpart for a in journal.asks()] == ["acme-hr"]
    assert db.read_bytes() == before


def test_a_read_only_journal_that_does_not_exist_is_empty_and_not_made(tmp_path):
    db = tmp_path / "new" / "journal.sqlite"
    with Journal(db, read_only=True) as journal:
        assert journal.asks() == []
        assert journal.counterparts() == []
    assert not db.parent.exists()


def test_a_read_only_journal_of_an_empty_file_is_empty(tmp_path):
    db = tmp_path / "journal.sqlite"
    db.touch()
    with Journal(db, read_only=True) as journal:
        assert journal.asks() == []
    assert db.read_bytes() == b""


# ---------------------------------------------------------------- limits from Settings


def test_amounts_beyond_max_amount_are_refused(tmp_path):
    with Journal(tmp_path / "j.sqlite") as journal:
        with pytest.raises(InvalidParameterError, match="DITF_MAX_AMOUNT"):
            journal.add_ask("x", domain="d", unit="u", opener=1.7e308, fallback=1)
        with pytest.raises(InvalidParameterError, match="'fallback'"):
            journal.add_ask("x", domain="d", unit="u", opener=1, fallback=2e12)
        ask = journal.add_ask("x", domain="d", unit="u", opener=1e12, fallback=1)
        with pytest.raises(InvalidParameterError, match="'value'"):
            journal.add_outcome(ask.id, result="accepted-opener", value=1e13)
        assert len(journal.asks()) == 1


def test_the_limits_come_from_settings(tmp_path):
    limits = Settings(max_amount=100.0, max_delay_hours=2.0)
    with Journal(tmp_path / "j.sqlite", limits=limits) as journal:
        with pytest.raises(InvalidParameterError, match="100"):
            journal.add_ask("x", domain="d", unit="u", opener=101, fallback=1)
        with pytest.raises(InvalidParameterError, match="DITF_MAX_DELAY_HOURS"):
            journal.add_ask("x", domain="d", unit="u", opener=100, fallback=1, delay_hours=3)
        journal.add_ask("x", domain="d", unit="u", opener=100, fallback=1, delay_hours=2)


@pytest.mark.parametrize(("option", "value"), [("read_only", "yes"), ("limits", {"a": 1})])
def test_bad_options_are_refused(tmp_path, option, value):
    with pytest.raises(InvalidParameterError, match=option):
        Journal(tmp_path / "j.sqlite", **{option: value})
