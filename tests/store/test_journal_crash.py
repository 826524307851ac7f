"""Integrity under crashes and concurrent writers, with real processes on a real SQLite file.

A writer process adds asks in a loop, printing each id once its transaction has committed; it
is killed with SIGKILL mid-stream. Every id it reported must be in the reopened journal, whole,
and SQLite's own integrity check must pass.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from ditf.store import Journal

WRITER = textwrap.dedent(
    """
    import sys
    from ditf.store import Journal

    journal = Journal(sys.argv[1])
    count = int(sys.argv[2])  # 0: until killed
    name = sys.argv[3]
    i = 0
    while count == 0 or i < count:
        ask = journal.add_ask(
            f"{name}-{i % 5}", domain="salary", unit="EUR", opener=2000.0 + i,
            fallback=1000.0 + i, delay_hours=0.0, scenario=f"{name}:{i}",
        )
        print(ask.id, flush=True)
        i += 1
    """
)


def _start(url: str, count: int, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(count), name],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _integrity(path: str) -> tuple[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0],
                conn.execute("PRAGMA foreign_key_check").fetchall())  # fmt: skip
    finally:
        conn.close()


def _check_whole(journal: Journal) -> None:
    """Every stored ask was written whole: its fields agree with the writer's loop index."""
    for ask in journal.asks():
        name, i = ask.scenario.rsplit(":", 1)
        assert (ask.opener, ask.fallback) == (2000.0 + int(i), 1000.0 + int(i))
        assert ask.counterpart == f"{name}-{int(i) % 5}"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
@pytest.mark.parametrize("reported_before_kill", [1, 25, 120])
def test_sigkill_mid_stream_keeps_every_committed_ask(sqlite_url, reported_before_kill):
    path = sqlite_url.removeprefix("sqlite:///")
    reported: list[int] = []
    for round_ in range(3):  # kill the same journal three times; each reopen recovers the WAL
        writer = _start(sqlite_url, 0, f"w{round_}")
        assert writer.stdout is not None
        for seen, line in enumerate(writer.stdout, start=1):
            reported.append(int(line))
            if seen == reported_before_kill:
                os.kill(writer.pid, signal.SIGKILL)
                break
        rest, errors = writer.communicate(timeout=60)
        # Lines the writer printed before it died are committed ids too (a torn last line is not).
        reported += [int(x) for x in rest.splitlines(keepends=True) if x.endswith("\n")]
        assert writer.returncode == -signal.SIGKILL, errors
        with Journal(sqlite_url) as journal:
            stored = {a.id for a in journal.asks()}
            assert set(reported) <= stored
            # At most one commit can precede its print: the one the kill cut off.
            assert len(stored) - len(set(reported)) <= round_ + 1
            _check_whole(journal)
        assert _integrity(path) == ("ok", [])
    assert len(reported) == len(set(reported)) >= 3 * reported_before_kill


def test_concurrent_writers_all_commit(sqlite_url):
    """Two processes writing at once: BEGIN IMMEDIATE and the busy timeout serialise them."""
    with Journal(sqlite_url) as journal:
        journal.add_counterpart("seed")  # the schema exists before the race starts
    writers = [_start(sqlite_url, 40, name) for name in ("a", "b")]
    outputs = [w.communicate(timeout=120) for w in writers]
    for writer, (_, errors) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, errors
    ids = [int(x) for out, _ in outputs for x in out.split()]
    assert len(ids) == len(set(ids)) == 80
    with Journal(sqlite_url) as journal:
        assert {a.id for a in journal.asks()} == set(ids)
        _check_whole(journal)
    assert _integrity(sqlite_url.removeprefix("sqlite:///")) == ("ok", [])


def test_concurrent_writers_on_a_new_file_both_make_it(tmp_path):
    """Neither writer finds the tables; the write lock lets exactly one create them."""
    url = f"sqlite:///{tmp_path / 'fresh' / 'j.sqlite'}"
    writers = [_start(url, 5, name) for name in ("a", "b")]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    with Journal(url) as journal:
        assert len(journal.asks()) == 10
