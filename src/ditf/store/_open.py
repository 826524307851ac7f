"""A journal checked before use: readable now, and writable where we can tell."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from ditf._errors import JournalError
from ditf.store._journal import Journal
from ditf.store._paths import sqlite_file

__all__ = ["open_journal"]


def open_journal(url: str | os.PathLike[str] | None = None) -> Journal:
    """Open a journal to read and write, refusing now one that could not be used.

    Reading it connects to it: a file that is not a SQLite database, a folder, another
    program's tables, a newer schema or a database server that cannot be reached fail here,
    before any work. A SQLite journal must also be writable: its file and folder, or, before
    its first write, the nearest existing folder. Nothing is written. ``ditf serve`` and the
    web app's start use it: they store journal entries and training rounds.

    Parameters
    ----------
    url : str, path or None
        A SQLAlchemy URL, a SQLite file, or None for :func:`default_url`.

    Returns
    -------
    Journal
        Open; the caller closes it.

    Raises
    ------
    InvalidParameterError
        If ``url`` is not a database URL or file name.
    JournalError
        If the journal cannot be read, or a SQLite journal cannot be written.

    Examples
    --------
    >>> with open_journal("sqlite://") as journal:  # in memory
    ...     journal.counterparts()
    []
    """
    journal = Journal(url)
    try:
        journal.counterparts()
        file = sqlite_file(make_url(journal.url))
        if file is not None:
            _check_writable(file, journal.url)
    except BaseException:
        journal.close()
        raise
    return journal


def _check_writable(file: Path, shown: str) -> None:
    existing = file if file.exists() else next(p for p in file.parents if p.exists())
    folder = existing.parent if existing == file else existing
    why = ""
    if existing == file and not os.access(file, os.R_OK | os.W_OK):
        why = "the file is read-only"
    elif not folder.is_dir():
        why = f"{str(folder)!r} is not a folder"
    elif not os.access(folder, os.W_OK | os.X_OK):
        why = f"its folder {str(folder)!r} is read-only (SQLite writes its log files there)"
    if why:
        raise JournalError(
            f"The journal at {shown} cannot be written: {why}. The web app (ditf serve) stores "
            "journal entries and training rounds, so it refuses it. Make it writable, or point "
            "--db (DITF_DB) at another file; `ditf journal list` and `ditf journal export` "
            "read a read-only journal."
        )
