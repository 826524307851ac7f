"""Journals for the store tests: temporary SQLite files, and PostgreSQL when one can run.

PostgreSQL comes from ``DITF_TEST_POSTGRES_URL`` (any SQLAlchemy URL); without it, a
throwaway server is started from the PostgreSQL binaries on this machine (``initdb`` and
``pg_ctl``, on a Unix socket in a temporary directory, stopped afterwards). When neither is
possible the PostgreSQL tests skip and say why. Each test gets a schema of its own, dropped
afterwards, so a URL pointing at a real database is never touched outside that schema.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ditf.store import Journal


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'journal.sqlite'}"


@pytest.fixture
def journal(sqlite_url) -> Iterator[Journal]:
    with Journal(sqlite_url) as j:
        yield j


def _pg_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl, if PostgreSQL's server is installed."""
    candidates = [Path(p).resolve().parent for p in (shutil.which("pg_ctl"),) if p]
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _throwaway_server(root: Path) -> Iterator[str]:
    """Start a PostgreSQL server on a Unix socket under ``root``; yield its URL."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL not tested: DITF_TEST_POSTGRES_URL is not set and no PostgreSQL "
            "server (postgres, pg_ctl, initdb) is installed on this machine."
        )
    prefix: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("PostgreSQL not tested: running as root and no 'postgres' user exists.")
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("PostgreSQL not tested: running as root and runuser is missing.")
        prefix = [runuser, "-u", "postgres", "--"]
        os.chown(root, user.pw_uid, user.pw_gid)
    data = root / "data"

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, text=True, timeout=120)

    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-k {root} -c listen_addresses='' -F"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w",
        "start")  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={root}"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL URL, or a skip that says why there is none."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL not tested: no driver; pip install 'psycopg[binary]'.")
    url = os.environ.get("DITF_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    # A short path: a Unix socket path must stay under about 100 characters.
    root = Path(tempfile.mkdtemp(prefix="ditf-pg-"))
    try:
        yield from _throwaway_server(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server) -> Iterator[str]:
    """The server's URL with a fresh schema first on the search path (dropped afterwards)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    schema = f"ditf_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(postgres_server)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except SQLAlchemyError as exc:
        engine.dispose()
        shown = make_url(postgres_server).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL not tested: the server at {shown} is unreachable "
                    f"({str(exc).splitlines()[0]}).")  # fmt: skip
    url = make_url(postgres_server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request) -> str:
    """Each backend in turn: a temporary SQLite file, then PostgreSQL (or its skip)."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(name)
