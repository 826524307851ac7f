"""Where the journal lives: the default SQLite file, and URLs from paths."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ditf._errors import InvalidParameterError

__all__ = ["default_url", "resolve_url", "sqlite_file"]


def default_url() -> str:
    """The journal's default URL: ``journal.sqlite`` in the user data directory.

    On Linux this is ``~/.local/share/ditf/journal.sqlite`` (``$XDG_DATA_HOME`` is honoured);
    on macOS ``~/Library/Application Support/ditf``; on Windows under ``%LOCALAPPDATA%``.
    Nothing is created until the first write.

    Returns
    -------
    str
        A ``sqlite:///`` URL with an absolute path.

    Examples
    --------
    >>> default_url().startswith("sqlite:///") and default_url().endswith("journal.sqlite")
    True
    """
    folder = Path(platformdirs.user_data_dir("ditf", appauthor=False))
    return f"sqlite:///{folder / 'journal.sqlite'}"


def resolve_url(location: str | os.PathLike[str] | None, owner: str) -> URL:
    """A SQLAlchemy URL from a URL, a path to a SQLite file, or ``None`` (the default).

    A string containing ``://`` (or starting with ``sqlite:``) is a URL; anything else is a
    file path, so ``--db journal.sqlite`` works as well as ``--db sqlite:///journal.sqlite``.
    """
    if location is None:
        return make_url(default_url())
    if isinstance(location, os.PathLike) or (
        isinstance(location, str) and location and "://" not in location
        and not location.startswith("sqlite:")
    ):  # fmt: skip
        return make_url(f"sqlite:///{Path(location).expanduser().absolute()}")
    if not isinstance(location, str) or not location:
        raise _bad_url(owner, location)
    try:
        url = make_url(location)
    except ArgumentError as exc:
        raise _bad_url(owner, location) from exc
    try:
        url.get_dialect()
    except ArgumentError as exc:  # NoSuchModuleError: a dialect SQLAlchemy does not know
        shown = url.render_as_string(hide_password=True)
        raise _bad_url(owner, shown, f" (unknown database {url.drivername!r})") from exc
    return url


def _bad_url(owner: str, location: object, why: str = "") -> InvalidParameterError:
    return InvalidParameterError(
        f"The 'url' parameter of {owner} must be a SQLAlchemy URL such as "
        "'sqlite:///path/journal.sqlite' or 'postgresql+psycopg://user@host/db', or the path "
        f"of a SQLite file. Got {location!r} instead{why}."
    )


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL, or ``None`` for other databases and in-memory SQLite."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    # A "file:..." URI (uri=true) may carry modes such as read-only: it is not ours to create.
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)
