"""The negotiation journal: counterparts, real asks and their outcomes, training rounds."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, insert, inspect, select, text, update
from sqlalchemy.orm import Session, defer

from ditf._errors import InvalidParameterError, JournalError
from ditf._validation import (
    check_delay,
    check_finite,
    check_int_range,
    check_option,
    check_positive,
    check_type,
)
from ditf.settings import Settings
from ditf.store import _engine
from ditf.store._errors import translated
from ditf.store._inputs import (
    check_agreed_value,
    check_amount,
    check_details,
    check_key,
    check_moment,
    check_not_future,
    check_text,
)
from ditf.store._paths import resolve_url, sqlite_file
from ditf.store._records import (
    AskRecord,
    Counterpart,
    CounterpartHistory,
    OutcomeRecord,
    TrainingRound,
)
from ditf.store._schema import (
    KEY_LENGTH,
    LABEL_LENGTH,
    LEVELS,
    NOTE_LENGTH,
    RESULTS,
    ROLES,
    SCHEMA_VERSION,
    SIDES,
    TECHNIQUES,
    AskRow,
    Base,
    CounterpartRow,
    MetaRow,
    OutcomeRow,
    TrainingRoundRow,
)

__all__ = ["Journal"]

_DOOR = "door-in-the-face"
#: What :meth:`Journal.update_ask` may change (the counterpart and the outcome stay).
_EDITABLE = ("domain", "unit", "opener", "fallback", "delay_hours", "technique", "scenario",
             "asked_at", "asked_by")  # fmt: skip


class Journal:
    """A journal of real asks and their outcomes, in SQLite or any SQLAlchemy database.

    Every write is one transaction: it is stored whole or, on any failure, not at all. Reads
    see one consistent snapshot. Nothing touches the disk until the first write (a read of a
    journal that does not exist yet sees an empty one). Database errors leave as
    :class:`~ditf.JournalError`, bad arguments as :class:`~ditf.InvalidParameterError`.

    Parameters
    ----------
    url : str, path or None, default None
        A SQLAlchemy URL (``"sqlite:///path/journal.sqlite"``,
        ``"postgresql+psycopg://user@host/db"``), the path of a SQLite file, or ``None`` for
        :func:`default_url` (a file in the user data directory, made on the first write).
    timeout : float, default 10.0
        Seconds a SQLite write waits for another writer's lock before failing.
    read_only : bool, default False
        Only read: a SQLite file is opened read-only (``mode=ro``), so a journal in a folder
        or file you may not write can still be listed and exported; any write raises
        :class:`~ditf.JournalError`.
    limits : Settings or None, default None
        The limits on what is stored (``max_amount``, ``max_delay_hours``); ``None`` for
        the defaults of :class:`~ditf.settings.Settings` (the CLI and the web pass
        ``Settings.from_env()``).

    Raises
    ------
    InvalidParameterError
        If ``url`` is not a URL SQLAlchemy can use, or ``timeout`` is not > 0.
    MissingDependencyError
        If the URL's database driver is not installed.

    Examples
    --------
    >>> from ditf.store import Journal
    >>> with Journal("sqlite://") as journal:  # in memory
    ...     ask = journal.add_ask("acme-hr", domain="salary", unit="EUR",
    ...                           opener=125000, fallback=108000)
    ...     _ = journal.add_outcome(ask.id, result="accepted-fallback")
    ...     journal.history("acme-hr").asks[0].outcome.value
    108000.0
    >>> with Journal("sqlite://") as journal:
    ...     journal.prior_retreats("acme-hr")
    0
    """

    def __init__(
        self,
        url: str | os.PathLike[str] | None = None,
        *,
        timeout: float = 10.0,
        read_only: bool = False,
        limits: Settings | None = None,
    ):
        self._url = resolve_url(url, "Journal")
        self._timeout = check_positive(timeout, "timeout", "Journal")
        self._read_only = bool(check_type(read_only, "read_only", "Journal", bool, "a bool"))
        self._limits = Settings() if limits is None else limits
        check_type(self._limits, "limits", "Journal", Settings, "a Settings or None")
        self._shown = self._url.render_as_string(hide_password=True)
        self._file = sqlite_file(self._url)
        self._engine: Engine | None = None
        self._empty: Engine | None = None
        self._ready = False
        # False while a version-1 journal is read without migrating it (read-only): it has
        # no asked_by column, and every ask in it is one we made.
        self._sides = True
        self._closed = False
        # One Journal may serve many threads (the web app): the first use sets it up once.
        self._setup = threading.Lock()
        self._empty_reads = threading.Lock()

    @property
    def url(self) -> str:
        """The database URL, with any password hidden."""
        return self._shown

    def __repr__(self) -> str:
        return f"Journal({self.url!r})"

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close every database connection; the journal cannot be used afterwards."""
        for engine in (self._engine, self._empty):
            if engine is not None:
                engine.dispose()
        self._engine = self._empty = None
        self._closed = True

    # ------------------------------------------------------------------ counterparts

    def add_counterpart(self, key: str, *, name: str = "", notes: str = "") -> Counterpart:
        """Add a counterpart.

        Parameters
        ----------
        key : str
            Its id, as in scenario files (``"acme-hr"``): non-blank, at most 100 characters,
            no leading or trailing spaces. Unique in the journal.
        name, notes : str, default ""
            Free text (at most 200 and 10,000 characters).

        Returns
        -------
        Counterpart
            The stored counterpart.

        Raises
        ------
        InvalidParameterError
            If an argument is invalid or the key is already in the journal.
        JournalError
            If the database fails; nothing is written.
        """
        owner = "Journal.add_counterpart"
        key = check_key(key, "key", owner, max_length=KEY_LENGTH)
        name = check_text(name, "name", owner, max_length=LABEL_LENGTH, required=False)
        notes = check_text(notes, "notes", owner, max_length=NOTE_LENGTH, required=False)
        with self._write() as session:
            if _counterpart_row(session, key) is not None:
                raise InvalidParameterError(
                    f"The 'key' parameter of {owner} must be new: the journal already has a "
                    f"counterpart {key!r}. Use it as it is, or choose another key."
                )
            row = CounterpartRow(key=key, name=name, notes=notes, created_at=_now())
            session.add(row)
            session.flush()
            return _counterpart(row)

    def get_counterpart(self, key: str) -> Counterpart | None:
        """The counterpart called ``key``, or ``None`` if the journal has none.

        Raises
        ------
        InvalidParameterError
            If ``key`` is not a string.
        """
        check_type(key, "key", "Journal.get_counterpart", str, "a string")
        with self._read() as session:
            row = _counterpart_row(session, key)
            return None if row is None else _counterpart(row)

    def counterparts(self) -> list[Counterpart]:
        """Every counterpart, by key."""
        with self._read() as session:
            return _all_counterparts(session)

    # ------------------------------------------------------------------ asks and outcomes

    def add_ask(
        self,
        counterpart: str,
        *,
        domain: str,
        unit: str,
        opener: float | None,
        fallback: float,
        delay_hours: float = 0.0,
        technique: str = _DOOR,
        scenario: str = "",
        asked_at: datetime | None = None,
        asked_by: str = "me",
    ) -> AskRecord:
        """Record an ask made to ``counterpart`` (added to the journal if it is new).

        Parameters
        ----------
        counterpart : str
            The counterpart's key (``"acme-hr"``).
        domain, unit : str
            What was asked for (``"salary"``) and the unit of the amounts (``"EUR"``).
        opener : float or None
            The first ask, > 0: the big opener of a door-in-the-face or the small foot of a
            foot-in-the-door. ``None`` exactly when ``technique`` is ``"direct"``.
        fallback : float
            The real request, > 0, different from the opener. It may lie above the opener
            (a buyer opens low).
        delay_hours : float, default 0.0
            Hours between the opener and the fallback, >= 0.
        technique : str, default "door-in-the-face"
            ``"door-in-the-face"``, ``"foot-in-the-door"`` or ``"direct"``.
        scenario : str, default ""
            The scenario file or id the ask came from.
        asked_at : datetime or None, default None
            When it was asked (timezone-aware); ``None`` for now. Not in the future: up to
            5 minutes ahead pass (clocks differ), later is refused.
        asked_by : str, default "me"
            ``"me"``: we asked the counterpart; ``"them"``: the counterpart asked us (the
            asks ``ditf defend --db`` reads). Only our own retreats wear the lift off.

        Returns
        -------
        AskRecord
            The stored ask, without an outcome.

        Raises
        ------
        InvalidParameterError
            If an argument is invalid (the message names it); nothing is written.
        JournalError
            If the database fails; nothing is written.
        """
        values = _ask_values(counterpart, domain, unit, opener, fallback, delay_hours,
                             technique, scenario, asked_at, self._limits)  # fmt: skip
        values["asked_by"] = check_option(asked_by, "asked_by", "Journal.add_ask", SIDES)
        key = values.pop("counterpart")
        with self._write() as session:
            row = _counterpart_row(session, key)
            if row is None:
                row = CounterpartRow(key=key, name="", notes="", created_at=_now())
                session.add(row)
            ask = AskRow(counterpart=row, **values)
            session.add(ask)
            session.flush()
            return _ask(ask, key, None)

    def asks(self, counterpart: str | None = None) -> list[AskRecord]:
        """Asks with their outcomes, oldest first; only ``counterpart``'s when given.

        An unknown counterpart has no asks (an empty list).

        Raises
        ------
        InvalidParameterError
            If ``counterpart`` is neither a string nor None.
        """
        if counterpart is not None:
            check_type(counterpart, "counterpart", "Journal.asks", str, "a string or None")
        with self._read() as session:
            return _asks(session, counterpart, self._sides)

    def add_outcome(
        self, ask_id: int, *, result: str, value: float | None = None, notes: str = ""
    ) -> OutcomeRecord:
        """Record how an ask ended; an ask has at most one outcome.

        Parameters
        ----------
        ask_id : int
            The ask's id (:attr:`AskRecord.id`).
        result : str
            ``"accepted-opener"``, ``"accepted-fallback"``, ``"refused"`` or ``"walked-away"``.
        value : float or None, default None
            The amount agreed, in the ask's unit; only an accepted ask has one
            (:data:`~ditf.store.AGREED`): a refused or walked-away ask agreed to nothing and
            takes ``None``. ``None`` takes the opener for ``"accepted-opener"`` and the
            fallback for ``"accepted-fallback"``.
        notes : str, default ""
            Free text.

        Returns
        -------
        OutcomeRecord
            The stored outcome.

        Raises
        ------
        InvalidParameterError
            If an argument is invalid, the ask does not exist or already has an outcome,
            ``"accepted-opener"`` is given for a direct ask (it has no opener), or a value is
            given with a result that agreed to nothing (``"refused"``, ``"walked-away"``).
        JournalError
            If the database fails; nothing is written.
        """
        owner = "Journal.add_outcome"
        ask_id = check_int_range(ask_id, "ask_id", owner, 1, 2**63 - 1)  # SQLite's INTEGER
        result = check_option(result, "result", owner, RESULTS)
        if value is not None:
            value = check_amount(
                value, "value", owner, max_amount=self._limits.max_amount, allow_zero=True
            )
        value = check_agreed_value(value, result, owner)
        notes = check_text(notes, "notes", owner, max_length=NOTE_LENGTH, required=False)
        with self._write() as session:
            ask = _ask_for_outcome(session.get(AskRow, ask_id), ask_id, result, owner)
            if value is None and result == "accepted-opener":
                value = ask.opener
            elif value is None and result == "accepted-fallback":
                value = ask.fallback
            row = OutcomeRow(ask_id=ask_id, result=result, value=value, notes=notes,
                             recorded_at=_now())  # fmt: skip
            session.add(row)
            session.flush()
            return _outcome(row)

    # ------------------------------------------------------------------ edits and deletions

    def update_counterpart(
        self, key: str, *, name: str | None = None, notes: str | None = None
    ) -> Counterpart:
        """Change a counterpart's name or notes (``None`` keeps it); the key stays.

        Raises
        ------
        InvalidParameterError
            If an argument is invalid or the journal has no such counterpart; nothing is
            written.
        JournalError
            If the database fails; nothing is written.
        """
        owner = "Journal.update_counterpart"
        check_type(key, "key", owner, str, "a string")
        if name is not None:
            name = check_text(name, "name", owner, max_length=LABEL_LENGTH, required=False)
        if notes is not None:
            notes = check_text(notes, "notes", owner, max_length=NOTE_LENGTH, required=False)
        with self._write() as session:
            row = _existing_counterpart(session, key, owner)
            if name is not None:
                row.name = name
            if notes is not None:
                row.notes = notes
            session.flush()
            return _counterpart(row)

    def delete_counterpart(self, key: str) -> Counterpart:
        """Delete a counterpart without asks; one with asks is refused (delete them first).

        Returns
        -------
        Counterpart
            The deleted counterpart.

        Raises
        ------
        InvalidParameterError
            If the journal has no such counterpart, or asks are recorded with it; nothing is
            deleted.
        JournalError
            If the database fails; nothing is deleted.
        """
        owner = "Journal.delete_counterpart"
        check_type(key, "key", owner, str, "a string")
        with self._write() as session:
            row = _existing_counterpart(session, key, owner)
            count = int(session.scalar(
                select(func.count(AskRow.id)).where(AskRow.counterpart_id == row.id)
            ) or 0)  # fmt: skip
            if count:
                raise InvalidParameterError(
                    f"The 'key' parameter of {owner} must name a counterpart without asks: "
                    f"{key!r} has {count} ask(s) recorded, and deleting it would lose them. "
                    "Delete its asks first, or keep it."
                )
            gone = _counterpart(row)
            session.delete(row)
            return gone

    def update_ask(self, ask_id: int, **changes: Any) -> AskRecord:
        """Correct or back-date a recorded ask; every field is checked as :meth:`add_ask` does.

        Parameters
        ----------
        ask_id : int
            The ask's id.
        **changes
            New values for any of ``domain``, ``unit``, ``opener``, ``fallback``,
            ``delay_hours``, ``technique``, ``scenario``, ``asked_at`` (back-dating) and
            ``asked_by``; the rest stay. Its counterpart and its outcome (with the amount
            agreed) stay as recorded.

        Returns
        -------
        AskRecord
            The ask as stored now, with its outcome.

        Raises
        ------
        InvalidParameterError
            If a change is unknown or invalid, the ask does not exist, or it would make the
            outcome impossible ("accepted-opener" on an ask without an opener); nothing is
            written.
        JournalError
            If the database fails; nothing is written.
        """
        owner = "Journal.update_ask"
        ask_id = check_int_range(ask_id, "ask_id", owner, 1, 2**63 - 1)
        unknown = sorted(set(changes) - set(_EDITABLE))
        if unknown:
            raise InvalidParameterError(
                f"{owner} cannot change {', '.join(map(repr, unknown))}: it changes "
                f"{', '.join(_EDITABLE)}. Delete the ask and record it again to move it to "
                "another counterpart."
            )
        with self._write() as session:
            row = _existing_ask(session, ask_id, owner)
            key = row.counterpart.key
            current = {name: getattr(row, name) for name in _EDITABLE}
            merged = current | changes
            values = _ask_values(key, merged["domain"], merged["unit"], merged["opener"],
                                 merged["fallback"], merged["delay_hours"], merged["technique"],
                                 merged["scenario"], merged["asked_at"], self._limits,
                                 owner)  # fmt: skip
            values["asked_by"] = check_option(merged["asked_by"], "asked_by", owner, SIDES)
            values.pop("counterpart")
            outcome = row.outcome
            if (
                outcome is not None
                and outcome.result == "accepted-opener"
                and (values["opener"] is None)
            ):
                raise InvalidParameterError(
                    f"{owner} cannot make ask {ask_id} direct: its outcome says the opener was "
                    "accepted. Correct the outcome first (delete it and record it again)."
                )
            for name, value in values.items():
                setattr(row, name, value)
            session.flush()
            return _ask(row, key, outcome)

    def delete_ask(self, ask_id: int) -> AskRecord:
        """Delete an ask and its outcome, in one transaction.

        Returns
        -------
        AskRecord
            The deleted ask, with the outcome it had.

        Raises
        ------
        InvalidParameterError
            If the ask does not exist; nothing is deleted.
        JournalError
            If the database fails; nothing is deleted (neither the ask nor its outcome).
        """
        owner = "Journal.delete_ask"
        ask_id = check_int_range(ask_id, "ask_id", owner, 1, 2**63 - 1)
        with self._write() as session:
            row = _existing_ask(session, ask_id, owner)
            gone = _ask(row, row.counterpart.key, row.outcome)
            if row.outcome is not None:
                session.delete(row.outcome)
                session.flush()  # the outcome first: its foreign key restricts the ask's
            session.delete(row)
            return gone

    def delete_outcome(self, ask_id: int) -> OutcomeRecord:
        """Delete an ask's outcome: the ask is open again (record its outcome anew).

        Raises
        ------
        InvalidParameterError
            If the ask does not exist or has no outcome; nothing is deleted.
        JournalError
            If the database fails; nothing is deleted.
        """
        owner = "Journal.delete_outcome"
        ask_id = check_int_range(ask_id, "ask_id", owner, 1, 2**63 - 1)
        with self._write() as session:
            row = _existing_ask(session, ask_id, owner)
            if row.outcome is None:
                raise InvalidParameterError(
                    f"The 'ask_id' parameter of {owner} must name an ask with an outcome: ask "
                    f"{ask_id} has none yet. Nothing was deleted."
                )
            gone = _outcome(row.outcome)
            session.delete(row.outcome)
            return gone

    # ------------------------------------------------------------------ what the planner reads

    def prior_retreats(self, counterpart: str) -> int:
        """How many door-in-the-face retreats ``counterpart`` has already seen from us.

        Counts door-in-the-face asks to the counterpart except those whose opener was
        accepted (no retreat happened); asks without an outcome yet count. Feed it to
        ``ditf.model.Context(prior_retreats=...)`` (habituation). An unknown counterpart
        has seen none.

        Raises
        ------
        InvalidParameterError
            If ``counterpart`` is not a string.
        """
        check_type(counterpart, "counterpart", "Journal.prior_retreats", str, "a string")
        query = (
            select(func.count(AskRow.id))
            .join(CounterpartRow)
            .outerjoin(OutcomeRow)
            .where(CounterpartRow.key == counterpart, AskRow.technique == _DOOR)
            .where((OutcomeRow.id.is_(None)) | (OutcomeRow.result != "accepted-opener"))
        )
        with self._read() as session:
            if self._sides:  # a version-1 journal (read-only) holds only our own asks
                query = query.where(AskRow.asked_by == "me")
            return int(session.scalar(query) or 0)

    def history(self, counterpart: str) -> CounterpartHistory:
        """A counterpart with its asks and their outcomes, oldest first.

        Raises
        ------
        InvalidParameterError
            If the journal has no such counterpart.
        """
        owner = "Journal.history"
        check_type(counterpart, "counterpart", owner, str, "a string")
        with self._read() as session:
            row = _counterpart_row(session, counterpart)
            if row is None:
                raise InvalidParameterError(
                    f"The 'counterpart' parameter of {owner} must be a counterpart in the "
                    f"journal at {self.url}. Got {counterpart!r} instead; list them with "
                    "`ditf journal list` or add one with `ditf journal add counterpart`."
                )
            who = _counterpart(row)
            asks = tuple(_asks(session, counterpart, self._sides))
        return CounterpartHistory(counterpart=who, asks=asks,
                                  prior_retreats=sum(a.is_retreat for a in asks))  # fmt: skip

    # ------------------------------------------------------------------ trainer

    def add_training_round(
        self,
        trainee: str,
        *,
        domain: str,
        level: str,
        role: str,
        score: float,
        details: dict[str, Any],
        played_at: datetime | None = None,
    ) -> TrainingRound:
        """Record one round a trainee played.

        Parameters
        ----------
        trainee : str
            Who played (an id, as for counterpart keys).
        domain : str
            The scenario's domain.
        level : str
            ``"beginner"``, ``"practitioner"`` or ``"advanced"``.
        role : str
            ``"requester"`` or ``"target"``.
        score : float
            The round's score (finite).
        details : dict
            Free details, stored as JSON: str keys, JSON values.
        played_at : datetime or None, default None
            When it was played (timezone-aware); ``None`` for now.

        Returns
        -------
        TrainingRound
            The stored round.

        Raises
        ------
        InvalidParameterError
            If an argument is invalid; nothing is written.
        JournalError
            If the database fails; nothing is written.
        """
        owner = "Journal.add_training_round"
        row = TrainingRoundRow(
            trainee=check_key(trainee, "trainee", owner, max_length=KEY_LENGTH),
            domain=check_text(domain, "domain", owner, max_length=KEY_LENGTH, required=True),
            level=check_option(level, "level", owner, LEVELS),
            role=check_option(role, "role", owner, ROLES),
            score=check_finite(score, "score", owner),
            details=check_details(details, "details", owner),
            played_at=check_moment(played_at, "played_at", owner),
        )
        with self._write() as session:
            session.add(row)
            session.flush()
            return _training_round(row)

    def training_rounds(self, trainee: str | None = None) -> list[TrainingRound]:
        """Training rounds, oldest first; only ``trainee``'s when given."""
        if trainee is not None:
            check_type(trainee, "trainee", "Journal.training_rounds", str, "a string or None")
        query = select(TrainingRoundRow).order_by(TrainingRoundRow.played_at,
                                                  TrainingRoundRow.id)  # fmt: skip
        if trainee is not None:
            query = query.where(TrainingRoundRow.trainee == trainee)
        with self._read() as session:
            return [_training_round(row) for row in session.scalars(query)]

    # ------------------------------------------------------------------ export

    def export(self) -> dict[str, Any]:
        """Everything in the journal as JSON-ready values, read in one snapshot.

        Returns
        -------
        dict
            ``{"schema_version", "counterparts", "asks", "outcomes", "training_rounds"}``;
            each a list of records as in their ``to_dict()`` (asks without the nested
            outcome; outcomes refer to their ask by ``ask_id``).
        """
        with self._read() as session:
            cps = [c.to_dict() for c in _all_counterparts(session)]
            asks = _asks(session, None, self._sides)
            rounds = session.scalars(select(TrainingRoundRow).order_by(TrainingRoundRow.id))
            training = [_training_round(row).to_dict() for row in rounds]
        return {
            "schema_version": SCHEMA_VERSION,
            "counterparts": cps,
            "asks": [a.to_dict(with_outcome=False) for a in asks],
            "outcomes": [a.outcome.to_dict() for a in asks if a.outcome is not None],
            "training_rounds": training,
        }

    # ------------------------------------------------------------------ sessions

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction: committed whole at the end, rolled back on any error."""
        with translated(self.url):
            engine = self._connected(write=True)
            with Session(engine, expire_on_commit=False) as session, session.begin():
                yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """One read snapshot."""
        with translated(self.url):
            engine = self._connected(write=False)
            # The stand-in for a missing file is one shared in-memory connection: one at a time.
            lock = self._empty_reads if engine is self._empty else nullcontext()
            with lock, Session(engine) as session, session.begin():
                yield session

    def _connected(self, *, write: bool) -> Engine:
        if self._closed:
            raise JournalError(
                f"This journal ({self.url}) is closed. Open it again with Journal(url)."
            )
        if write and self._read_only:
            raise JournalError(
                f"This journal ({self.url}) was opened read-only: nothing was written. Open "
                "it with Journal(url) to write."
            )
        with self._setup:
            # Reading a journal whose file is not there yet must not create it.
            if not (self._ready or write or self._file is None or self._file.exists()):
                return self._empty_engine()
            if self._engine is None:
                self._engine = self._create_engine()
            if not self._ready and not self._prepare(self._engine):
                return self._empty_engine()  # read-only, and no tables yet: an empty journal
        return self._engine.execution_options(**{_engine.WRITE: True}) if write else self._engine

    def _create_engine(self) -> Engine:
        if self._read_only and self._file is not None:
            return _engine.create_read_only(self._file, timeout=self._timeout)
        return _engine.create(self._url, timeout=self._timeout)

    def _prepare(self, engine: Engine) -> bool:
        """Make the directory and the tables if needed, and check the schema version.

        A journal that already has its tables is only read here, so opening one never waits
        for another program's write lock; the tables are made under the write lock, once.
        Returns False (nothing made) for a read-only journal without tables yet.
        """
        if self._file is not None and not self._file.exists():
            _make_directory(self._file.parent)  # before connecting, which makes the file
        with engine.connect() as connection:
            version = _schema_version(connection)
            # The tables and the version row are made in one transaction, so tables without
            # a version belong to another program.
            foreign = inspect(connection).get_table_names()
        if version is None and foreign:
            raise JournalError(
                f"{self.url} is not a ditf journal: it holds other tables "
                f"({', '.join(sorted(foreign)[:5])}) and no ditf_meta. Nothing was written; "
                "point --db (Journal(url=...)) at a new file or an empty database."
            )
        if version is None and self._read_only:
            return False
        if version is None:
            with engine.execution_options(**{_engine.WRITE: True}).begin() as connection:
                Base.metadata.create_all(connection)
                version = _schema_version(connection)  # another writer may have been first
                if version is None:
                    version = str(SCHEMA_VERSION)
                    connection.execute(insert(MetaRow).values(key="schema_version",
                                                              value=version))  # fmt: skip
        if version == "1" and not self._read_only:
            version = self._migrate_from_1(engine)
        elif version == "1":
            self._sides = False  # read as it is: no asked_by yet, every ask ours
            version = str(SCHEMA_VERSION)
        if version != str(SCHEMA_VERSION):
            raise JournalError(
                f"The journal at {self.url} has schema version {version}; this ditf reads "
                f"version {SCHEMA_VERSION}. Use the ditf that wrote it (or a newer one), "
                "or point --db (Journal(url=...)) at another database."
            )
        self._ready = True
        return True

    def _migrate_from_1(self, engine: Engine) -> str:
        """Version 1 -> 2: who asked (every ask so far is ours), in one transaction.

        The version is read again under the write lock, so two programs opening the same
        version-1 journal migrate it once.
        """
        with engine.execution_options(**{_engine.WRITE: True}).begin() as connection:
            version = _schema_version(connection)
            if version == "1":
                connection.execute(text(
                    "ALTER TABLE asks ADD COLUMN asked_by VARCHAR(16) NOT NULL DEFAULT 'me'"
                ))  # fmt: skip
                connection.execute(
                    update(MetaRow).where(MetaRow.key == "schema_version").values(value="2")
                )
                version = "2"
        return str(version)

    def _empty_engine(self) -> Engine:
        if self._empty is None:
            self._empty = _engine.create_empty()
            Base.metadata.create_all(self._empty)
        return self._empty


# ---------------------------------------------------------------------- helpers


def _schema_version(connection: Connection) -> str | None:
    """The journal's schema version, or None when its tables are not there yet."""
    if not inspect(connection).has_table(MetaRow.__tablename__):
        return None
    return connection.scalar(select(MetaRow.value).where(MetaRow.key == "schema_version"))


def _now() -> datetime:
    return datetime.now(UTC)


def _make_directory(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JournalError(
            f"Cannot create the journal's directory {str(folder)!r}: {exc}. Choose a "
            "writable location with --db (or Journal(url=...))."
        ) from exc


def _ask_values(
    counterpart: Any, domain: Any, unit: Any, opener: Any, fallback: Any, delay_hours: Any,
    technique: Any, scenario: Any, asked_at: Any, limits: Settings,
    owner: str = "Journal.add_ask",
) -> dict[str, Any]:  # fmt: skip
    most = limits.max_amount
    technique = check_option(technique, "technique", owner, TECHNIQUES)
    values: dict[str, Any] = {
        "counterpart": check_key(counterpart, "counterpart", owner, max_length=KEY_LENGTH),
        "domain": check_text(domain, "domain", owner, max_length=KEY_LENGTH, required=True),
        "unit": check_text(unit, "unit", owner, max_length=KEY_LENGTH, required=True),
        "fallback": check_amount(fallback, "fallback", owner, max_amount=most),
        "delay_hours": check_delay(delay_hours, "delay_hours", owner,
                                   limit=limits.max_delay_hours, setting="DITF_MAX_DELAY_HOURS"),
        "technique": technique,
        "scenario": check_text(scenario, "scenario", owner, max_length=LABEL_LENGTH,
                               required=False),
        "asked_at": check_not_future(check_moment(asked_at, "asked_at", owner), "asked_at",
                                     owner),
    }  # fmt: skip
    if technique == "direct" and opener is not None:
        raise InvalidParameterError(
            f"The 'opener' parameter of {owner} must be None for a direct ask (there is no "
            f"opener). Got {opener!r} instead; use technique='door-in-the-face' or "
            "'foot-in-the-door' to record an opener."
        )
    if technique != "direct":
        if opener is None:
            raise InvalidParameterError(
                f"The 'opener' parameter of {owner} must be a finite number > 0 for a "
                f"{technique} ask. Got None instead; use technique='direct' for an ask "
                "without an opener."
            )
        values["opener"] = check_amount(opener, "opener", owner, max_amount=most)
        if values["opener"] == values["fallback"]:
            raise InvalidParameterError(
                f"The 'opener' parameter of {owner} must differ from the fallback for a "
                f"{technique} ask. Got {opener!r} for both; use technique='direct' for a "
                "single ask."
            )
    else:
        values["opener"] = None
    return values


def _ask_for_outcome(ask: AskRow | None, ask_id: int, result: str, owner: str) -> AskRow:
    """The ask an outcome is for, if it exists, has no outcome yet and the result fits it."""
    if ask is None:
        raise InvalidParameterError(
            f"The 'ask_id' parameter of {owner} must be the id of an ask in the journal. "
            f"Got {ask_id} instead; see the ids with `ditf journal list`."
        )
    if ask.outcome is not None:
        done = ask.outcome
        raise InvalidParameterError(
            f"The 'ask_id' parameter of {owner} must name an ask without an outcome: ask "
            f"{ask_id} already ended as {done.result!r} (recorded "
            f"{done.recorded_at:%Y-%m-%d %H:%M} UTC). An ask has one outcome; record a new ask "
            "for a new attempt."
        )
    if result == "accepted-opener" and ask.opener is None:
        raise InvalidParameterError(
            f"The 'result' parameter of {owner} cannot be 'accepted-opener' for ask {ask_id}: "
            "it was a direct ask, without an opener. Use 'accepted-fallback'."
        )
    return ask


def _existing_ask(session: Session, ask_id: int, owner: str) -> AskRow:
    row = session.get(AskRow, ask_id)
    if row is None:
        raise InvalidParameterError(
            f"The 'ask_id' parameter of {owner} must be the id of an ask in the journal. "
            f"Got {ask_id} instead; see the ids with `ditf journal list`."
        )
    return row


def _existing_counterpart(session: Session, key: str, owner: str) -> CounterpartRow:
    row = _counterpart_row(session, key)
    if row is None:
        raise InvalidParameterError(
            f"The 'key' parameter of {owner} must be a counterpart in the journal. Got "
            f"{key!r} instead; list them with `ditf journal list`."
        )
    return row


def _all_counterparts(session: Session) -> list[Counterpart]:
    # Sorted here, not by ORDER BY: databases collate text differently (PostgreSQL by locale).
    rows = session.scalars(select(CounterpartRow))
    return sorted((_counterpart(row) for row in rows), key=lambda c: c.key)


def _counterpart_row(session: Session, key: str) -> CounterpartRow | None:
    return session.scalar(select(CounterpartRow).where(CounterpartRow.key == key))


def _asks_query(counterpart: str | None) -> Select[AskRow, str, OutcomeRow]:
    query = (
        select(AskRow, CounterpartRow.key, OutcomeRow)
        .join(CounterpartRow, AskRow.counterpart_id == CounterpartRow.id)
        .outerjoin(OutcomeRow, OutcomeRow.ask_id == AskRow.id)
        .order_by(AskRow.asked_at, AskRow.id)
    )
    return query if counterpart is None else query.where(CounterpartRow.key == counterpart)


def _asks(session: Session, counterpart: str | None, sides: bool = True) -> list[AskRecord]:
    query = _asks_query(counterpart)
    if not sides:
        query = query.options(defer(AskRow.asked_by, raiseload=True))
    rows = session.execute(query)
    return [_ask(ask, key, outcome, sides) for ask, key, outcome in rows]


def _counterpart(row: CounterpartRow) -> Counterpart:
    return Counterpart(key=row.key, name=row.name, notes=row.notes, created_at=row.created_at)


def _outcome(row: OutcomeRow) -> OutcomeRecord:
    return OutcomeRecord(id=row.id, ask_id=row.ask_id, result=row.result, value=row.value,
                         notes=row.notes, recorded_at=row.recorded_at)  # fmt: skip


def _ask(row: AskRow, key: str, outcome: OutcomeRow | None, sides: bool = True) -> AskRecord:
    return AskRecord(
        id=row.id, counterpart=key, domain=row.domain, unit=row.unit, opener=row.opener,
        fallback=row.fallback, delay_hours=row.delay_hours, technique=row.technique,
        scenario=row.scenario, asked_at=row.asked_at,
        asked_by=row.asked_by if sides else "me",
        outcome=None if outcome is None else _outcome(outcome),
    )  # fmt: skip


def _training_round(row: TrainingRoundRow) -> TrainingRound:
    return TrainingRound(id=row.id, trainee=row.trainee, domain=row.domain, level=row.level,
                         role=row.role, score=row.score, details=dict(row.details),
                         played_at=row.played_at)  # fmt: skip
