"""The one place where SQLAlchemy's errors become :class:`~ditf.JournalError`.

Every database call of the journal runs inside :func:`translated`; the message for an error
is the entry of :data:`ERROR_MESSAGES` for the nearest class in its MRO, so a new SQLAlchemy
subclass still gets the message of its parent (and the tests check that every class we
knowingly catch has an entry of its own).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc

from ditf._errors import JournalError

__all__ = ["ERROR_MESSAGES", "journal_error", "translated"]

_RETRY = "Nothing was written by the failed call."
_ELSEWHERE = "or point --db (Journal(url=...)) at another database"

#: What each SQLAlchemy error means for the journal, and the fix. ``{where}`` is the database
#: URL without its password, ``{detail}`` the driver's own message.
ERROR_MESSAGES: dict[type[exc.SQLAlchemyError], str] = {
    exc.SQLAlchemyError: (
        "The journal at {where} failed: {detail}. " + _RETRY + " Retry; if it persists, "
        "export what you can with `ditf journal export` and report the message."
    ),
    exc.ArgumentError: (
        "The journal at {where} was given something the database layer cannot use: {detail}. "
        "Check the --db URL (for example sqlite:///path/journal.sqlite)."
    ),
    exc.NoSuchModuleError: (
        "The database URL {where} names a database SQLAlchemy does not know ({detail}). "
        "Use a sqlite:/// or postgresql+psycopg:// URL."
    ),
    exc.TimeoutError: (
        "Every connection to the journal at {where} stayed busy: {detail}. "
        + _RETRY
        + " Retry when fewer requests are running."
    ),
    exc.StatementError: (
        "A value could not be sent to the journal at {where}: {detail}. "
        + _RETRY
        + " Check the values you passed."
    ),
    exc.DBAPIError: (
        "The database driver failed on the journal at {where}: {detail}. "
        + _RETRY
        + " Retry; if it persists, check the database server and the --db URL."
    ),
    exc.InterfaceError: (
        "The journal at {where} could not be reached through its driver: {detail}. "
        + _RETRY
        + " Check that the server is running and the --db URL is right."
    ),
    exc.DatabaseError: (
        "The journal at {where} is not a usable ditf journal: {detail}. The file may not be a "
        "database, may be damaged, or may belong to another program. Restore it from a backup "
        f"(`ditf journal export` makes one), {_ELSEWHERE}."
    ),
    exc.OperationalError: (
        "The journal at {where} could not be used: {detail}. " + _RETRY + " If the database is "
        "locked, another program is writing to it: retry in a moment. If it is read-only, on a "
        f"full disk or on a server that is down, fix that {_ELSEWHERE}."
    ),
    exc.IntegrityError: (
        "The journal at {where} refused a write that would break one of its rules: {detail}. "
        + _RETRY
        + " Another writer may have stored the same record at the same moment: read "
        "the journal again (`ditf journal list`) before retrying."
    ),
    exc.DataError: (
        "The journal at {where} refused a value that does not fit its column: {detail}. "
        + _RETRY
        + " Shorten or correct the value."
    ),
    exc.ProgrammingError: (
        "The journal at {where} does not have the tables this ditf expects: {detail}. It was "
        f"made by another program or another version of ditf: upgrade ditf, {_ELSEWHERE}."
    ),
    exc.InternalError: (
        "The database behind the journal at {where} reported an internal error: {detail}. "
        + _RETRY
        + " Retry; if it persists, check the database server's log."
    ),
    exc.NotSupportedError: (
        "The database behind the journal at {where} does not support what the journal needs: "
        f"{{detail}}. Use SQLite or PostgreSQL, {_ELSEWHERE}."
    ),
}


def journal_error(error: exc.SQLAlchemyError, where: str) -> JournalError:
    """The :class:`~ditf.JournalError` for ``error`` (raise it ``from error``)."""
    template = next(ERROR_MESSAGES[cls] for cls in type(error).__mro__ if cls in ERROR_MESSAGES)
    return JournalError(template.format(where=where, detail=_detail(error)))


def _detail(error: exc.SQLAlchemyError) -> str:
    # The driver's own message is the useful part; SQLAlchemy's wrapper adds the statement
    # and a link, which are noise on a one-line CLI error.
    source = error.orig if isinstance(error, exc.StatementError) and error.orig else error
    text = str(source).strip().splitlines()
    return (text[0] if text else type(source).__name__).rstrip(".")


@contextmanager
def translated(where: str) -> Iterator[None]:
    """Run a block of database work; any SQLAlchemy error leaves as a JournalError."""
    try:
        yield
    except exc.SQLAlchemyError as error:
        raise journal_error(error, where) from error
