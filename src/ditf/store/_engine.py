"""Engines for the journal, with SQLite set up for durability and concurrent use.

SQLite connections get (and only SQLite connections: other databases have no PRAGMAs):

- ``journal_mode=WAL``: readers never block the writer and the writer never blocks readers;
  a crash leaves the last committed transaction in the WAL, replayed on the next open.
- ``synchronous=FULL``: every commit is synced to disk before it returns. With WAL, ``NORMAL``
  is crash-safe for the application but can lose the latest commits on power loss; a journal
  writes once per human action, so the extra fsync costs nothing noticeable and a record the
  user was told is saved stays saved.
- ``foreign_keys=ON``: SQLite ignores foreign keys unless asked on every connection.
- ``busy_timeout``: wait for another writer's lock instead of failing at once.

The driver's own transaction handling is switched off (``isolation_level=None``) and
SQLAlchemy emits ``BEGIN`` itself: a read starts a snapshot at its first statement, and a
write takes the write lock up front (``BEGIN IMMEDIATE``), so a read-then-write (such as
"this ask has no outcome yet, add one") cannot be overtaken by another writer in between.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import QueuePool, StaticPool

from ditf._errors import MissingDependencyError

__all__ = ["WRITE", "create", "create_empty", "create_read_only"]

#: Execution option marking the engine used for writes (``BEGIN IMMEDIATE`` on SQLite).
WRITE = "ditf_write"


def create(url: URL, *, timeout: float) -> Engine:
    """An engine for ``url``; SQLite ones are configured as the module docstring says."""
    sqlite = url.get_backend_name() == "sqlite"
    options: dict[str, Any] = {"connect_args": {"timeout": timeout}} if sqlite else {}
    try:
        engine = create_engine(url, pool_pre_ping=not sqlite, **options)
    except ImportError as exc:
        driver = url.get_driver_name()
        raise MissingDependencyError(
            f"The database driver {driver!r} for {url.render_as_string(hide_password=True)} "
            f"is not installed ({exc}). Install the driver; for PostgreSQL run "
            "pip install 'psycopg[binary]' and use a postgresql+psycopg:// URL."
        ) from exc
    if sqlite:
        _configure_sqlite(engine, timeout)
    return engine


def create_read_only(file: Path, *, timeout: float) -> Engine:
    """An engine that only reads the SQLite ``file`` (``mode=ro``): it never writes to it.

    A WAL journal needs its ``-shm`` index, which a reader makes next to the file; in a
    folder it may not write, with no ``-wal`` left behind (every commit is in the file
    itself), the file is opened ``immutable``: nothing can change it while nobody may write
    there. A ``-wal`` that is there holds commits, so it is read, never skipped.
    """
    uri = Path(file).absolute().as_uri() + "?mode=ro"
    wal = Path(f"{file}-wal")
    if not wal.exists() and not os.access(Path(file).absolute().parent, os.W_OK):
        uri += "&immutable=1"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)

    # The URL only names the dialect (the file comes from ``connect``); a pool of file
    # connections, as SQLAlchemy gives a file URL, not the one-per-thread pool of ":memory:".
    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool)
    _configure_sqlite(engine, timeout, read_only=True)
    return engine


def create_empty() -> Engine:
    """An in-memory SQLite engine, one shared connection (the journal's tables come later)."""
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    _configure_sqlite(engine, 0.0)
    return engine


def _configure_sqlite(engine: Engine, timeout: float, *, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if read_only:  # the journal mode is the writer's to set
                cursor.execute("PRAGMA query_only = ON")
            else:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
