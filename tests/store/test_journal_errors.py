"""SQLAlchemy errors become JournalError in one place; real failures leave nothing half-written."""

from __future__ import annotations

import inspect
import sqlite3
import threading

import pytest
from sqlalchemy import exc

import ditf
from ditf.store import Journal
from ditf.store._errors import ERROR_MESSAGES, journal_error, translated

ASK = {"domain": "salary", "unit": "EUR", "opener": 125000.0, "fallback": 108000.0}
#: The PEP 249 errors a driver raises, each wrapped by SQLAlchemy in a class of its own.
DBAPI_ERRORS = [
    exc.InterfaceError, exc.DatabaseError, exc.DataError, exc.OperationalError,
    exc.IntegrityError, exc.InternalError, exc.ProgrammingError, exc.NotSupportedError,
]  # fmt: skip
#: What the journal knowingly catches or can meet: the base class it catches, every DBAPI
#: wrapper, and the non-DBAPI errors its calls can raise.
CAUGHT = [
    exc.SQLAlchemyError, exc.DBAPIError, *DBAPI_ERRORS, exc.ArgumentError,
    exc.NoSuchModuleError, exc.TimeoutError, exc.StatementError,
]  # fmt: skip


#: Constructor arguments of the errors whose signature is not (message,).
SPECIAL_ARGS = {
    exc.StatementError: ("failed", "SELECT 1", {}, RuntimeError("the driver's own words")),
    exc.CircularDependencyError: ("a cycle", {"a", "b"}, {("a", "b")}),
    exc.NoReferencedColumnError: ("no column", "asks", "id"),
    exc.NoReferencedTableError: ("no table", "asks"),
    exc.UnsupportedCompilationError: (None, type(None)),
}


def _instance(cls):
    if issubclass(cls, exc.DBAPIError):
        return cls("SELECT 1", {}, RuntimeError("the driver's own words"))
    return cls(*SPECIAL_ARGS.get(cls, ("the library's own words",)))


@pytest.mark.parametrize("cls", CAUGHT, ids=lambda c: c.__name__)
def test_every_error_we_catch_has_a_message_of_its_own(cls):
    assert cls in ERROR_MESSAGES
    message = ERROR_MESSAGES[cls].format(where="sqlite:///x", detail="d")
    assert "sqlite:///x" in message and "d" in message


def test_the_mapping_has_no_stale_entries():
    assert set(ERROR_MESSAGES) == set(CAUGHT)


ALL_SQLALCHEMY_ERRORS = sorted(
    (c for _, c in inspect.getmembers(exc, inspect.isclass) if issubclass(c, exc.SQLAlchemyError)),
    key=lambda c: c.__name__,
)


@pytest.mark.parametrize("cls", ALL_SQLALCHEMY_ERRORS, ids=lambda c: c.__name__)
def test_every_sqlalchemy_error_is_translated(cls):
    error = _instance(cls)
    with pytest.raises(ditf.JournalError) as info, translated("sqlite:///where.sqlite"):
        raise error
    assert info.value.__cause__ is error
    assert "sqlite:///where.sqlite" in str(info.value)
    nearest = next(c for c in cls.__mro__ if c in ERROR_MESSAGES)
    assert str(info.value) == journal_error(error, "sqlite:///where.sqlite").args[0]
    assert str(info.value).startswith(ERROR_MESSAGES[nearest].split("{")[0])


def test_the_drivers_words_are_kept_and_the_statement_dropped():
    error = exc.OperationalError("INSERT INTO asks ...", {}, sqlite3.OperationalError("disk I/O"))
    message = str(journal_error(error, "sqlite:///j"))
    assert "disk I/O" in message and "INSERT" not in message


def test_other_errors_pass_through_untouched():
    with pytest.raises(KeyError), translated("x"):
        raise KeyError("not a database error")


# real failures --------------------------------------------------------------------------------


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    with Journal(path) as journal, pytest.raises(ditf.JournalError, match="not a usable") as info:
        journal.asks()
    assert isinstance(info.value.__cause__, exc.DatabaseError)
    assert path.read_bytes().startswith(b"these are my notes")


def test_a_read_only_database_refuses_writes_and_still_reads(sqlite_url):
    with Journal(sqlite_url) as journal:
        journal.add_ask("acme", **ASK)
    path = sqlite_url.removeprefix("sqlite:///")
    with Journal(f"sqlite:///file:{path}?mode=ro&uri=true") as journal:
        assert len(journal.asks()) == 1
        with pytest.raises(ditf.JournalError, match="readonly") as info:
            journal.add_ask("acme", **ASK)
    assert isinstance(info.value.__cause__, exc.OperationalError)


def test_a_locked_database_times_out_with_a_clear_message(sqlite_url):
    with Journal(sqlite_url) as journal:
        journal.add_counterpart("acme")
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with Journal(sqlite_url, timeout=0.2) as journal:
            with pytest.raises(ditf.JournalError, match=r"locked.*retry in a moment"):
                journal.add_ask("acme", **ASK)
            assert [c.key for c in journal.counterparts()] == ["acme"]  # readers still read
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_writer_waits_for_the_lock_within_its_timeout(sqlite_url):
    with Journal(sqlite_url) as journal:
        journal.add_counterpart("acme")
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None,
                             check_same_thread=False)  # fmt: skip
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        with Journal(sqlite_url, timeout=10) as journal:
            ask = journal.add_ask("acme", **ASK)
            assert journal.asks() == [ask]
    finally:
        release.join()
        holder.close()


def test_a_failed_write_leaves_nothing_half_written(sqlite_url):
    """add_ask to a new counterpart writes two rows; when the second fails, neither stays."""
    with Journal(sqlite_url) as journal:
        journal.add_ask("old", **ASK)
        before = journal.export()
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as conn:
        conn.execute("CREATE TRIGGER no_asks BEFORE INSERT ON asks "
                     "BEGIN SELECT RAISE(ABORT, 'asks are frozen'); END")  # fmt: skip
    with Journal(sqlite_url) as journal:
        with pytest.raises(ditf.JournalError, match="asks are frozen"):
            journal.add_ask("brand-new", **ASK)
        assert journal.get_counterpart("brand-new") is None
        assert journal.export() == before


def test_a_newer_schema_is_refused(sqlite_url):
    with Journal(sqlite_url) as journal:
        journal.add_counterpart("acme")
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE ditf_meta SET value = '99' WHERE key = 'schema_version'")
    with Journal(sqlite_url) as journal, pytest.raises(ditf.JournalError, match="version 99"):
        journal.counterparts()


def test_a_database_of_another_program(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE asks (question TEXT)")
        conn.execute("INSERT INTO asks VALUES ('who are you?')")
    for call in (lambda j: j.asks(), lambda j: j.add_counterpart("zz")):
        with Journal(path) as journal, pytest.raises(ditf.JournalError, match="not a ditf journal"):
            call(journal)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT * FROM asks").fetchall() == [("who are you?",)]
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        assert tables == [("asks",)]


def test_a_directory_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the directory should be")
    with (
        Journal(blocker / "sub" / "j.sqlite") as journal,
        pytest.raises(ditf.JournalError, match="Cannot create the journal's directory"),
    ):
        journal.add_counterpart("x")


def test_a_bad_url():
    with pytest.raises(ditf.InvalidParameterError, match=r"'url' parameter of Journal.*Got ''"):
        Journal("")
    with pytest.raises(ditf.InvalidParameterError, match="unknown database 'nosuchdb'"):
        Journal("nosuchdb://host/db")
    with pytest.raises(ditf.InvalidParameterError, match="'url'"):
        Journal("sqlite:")  # no slashes: not a URL SQLAlchemy can parse
    with pytest.raises(ditf.InvalidParameterError, match="'url'"):
        Journal(42)


def test_a_password_never_shows():
    journal = Journal("postgresql+psycopg://me:s3cret@127.0.0.1:9/db")
    assert "s3cret" not in journal.url and "s3cret" not in repr(journal)
    with pytest.raises(ditf.InvalidParameterError) as info:
        Journal("nosuchdb://me:s3cret@host/db")
    assert "s3cret" not in str(info.value)


def test_an_unreachable_server():
    with (
        Journal("postgresql+psycopg://me:s3cret@127.0.0.1:9/db") as journal,
        pytest.raises(ditf.JournalError, match="could not be used") as info,
    ):
        journal.asks()
    assert "s3cret" not in str(info.value)
    assert isinstance(info.value.__cause__, exc.OperationalError)


def test_a_missing_driver():
    with pytest.raises(ditf.MissingDependencyError, match="pip install"):
        Journal("mysql+mysqldb://me@127.0.0.1/db").asks()


def test_a_bad_timeout():
    with pytest.raises(ditf.InvalidParameterError, match="'timeout'"):
        Journal("sqlite://", timeout=0)
