"""The journal's tables: SQLAlchemy 2 typed ORM rows, private to the store.

Callers never see these rows: the journal turns them into frozen records before its session
ends. Every rule that can be a database constraint is one (unique keys, one outcome per ask,
allowed techniques and results), so a second writer cannot break what the first one checked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "AGREED",
    "LEVELS",
    "RESULTS",
    "ROLES",
    "SCHEMA_VERSION",
    "SIDES",
    "TECHNIQUES",
    "AskRow",
    "Base",
    "CounterpartRow",
    "MetaRow",
    "OutcomeRow",
    "TrainingRoundRow",
]

#: Bumped whenever a table changes. Version 1 (no ``asked_by``) is migrated on the first write
#: and read as it is before; a journal written by a newer version is refused.
SCHEMA_VERSION = 2
#: How an ask was sequenced: a big opener then the retreat, a small foot first, or no opener.
TECHNIQUES = ("door-in-the-face", "foot-in-the-door", "direct")
#: How an ask ended.
RESULTS = ("accepted-opener", "accepted-fallback", "refused", "walked-away")
#: The results that end in an agreement: only their outcomes carry an amount agreed (a refusal
#: or a walk-away agreed to nothing).
AGREED = ("accepted-opener", "accepted-fallback")
#: The trainer's depths and the sides a trainee can play.
LEVELS = ("beginner", "practitioner", "advanced")
ROLES = ("requester", "target")
#: Who made an ask: we asked the counterpart, or the counterpart asked us (``ditf defend``).
SIDES = ("me", "them")

#: Longest key, label and note accepted (the columns are sized to match on every backend).
KEY_LENGTH = 100
LABEL_LENGTH = 200
NOTE_LENGTH = 10_000


def _one_of(column: str, options: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(o) for o in options)})"


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC, so SQLite and PostgreSQL store the same value.

    SQLite has no time-zone type and SQLAlchemy's SQLite ``DATETIME`` silently drops
    ``tzinfo`` without converting; converting here keeps every backend in UTC.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with named constraints (stable names across backends)."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class MetaRow(Base):
    """Key-value facts about the journal itself (its schema version)."""

    __tablename__ = "ditf_meta"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(LABEL_LENGTH))


class CounterpartRow(Base):
    """Someone we ask: the key is the counterpart id of scenario files (``"acme-hr"``)."""

    __tablename__ = "counterparts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(LABEL_LENGTH), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    asks: Mapped[list[AskRow]] = relationship(back_populates="counterpart")


class AskRow(Base):
    """One real ask: the opener (none for a direct ask), the fallback, and how it was made."""

    __tablename__ = "asks"
    __table_args__ = (
        CheckConstraint(_one_of("technique", TECHNIQUES), name="technique"),
        CheckConstraint("fallback > 0", name="fallback_positive"),
        CheckConstraint("opener IS NULL OR opener > 0", name="opener_positive"),
        CheckConstraint("delay_hours >= 0", name="delay_not_negative"),
        CheckConstraint("(technique = 'direct') = (opener IS NULL)", name="opener_iff_not_direct"),
        CheckConstraint(_one_of("asked_by", SIDES), name="asked_by"),
        Index("ix_asks_counterpart_asked", "counterpart_id", "asked_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # RESTRICT: forgetting a counterpart must not silently erase the asks made to it.
    counterpart_id: Mapped[int] = mapped_column(ForeignKey("counterparts.id", ondelete="RESTRICT"))
    domain: Mapped[str] = mapped_column(String(KEY_LENGTH))
    unit: Mapped[str] = mapped_column(String(KEY_LENGTH))
    opener: Mapped[float | None] = mapped_column(Double)
    fallback: Mapped[float] = mapped_column(Double)
    delay_hours: Mapped[float] = mapped_column(Double, default=0.0)
    technique: Mapped[str] = mapped_column(String(32))
    scenario: Mapped[str] = mapped_column(String(LABEL_LENGTH), default="")
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Added in schema version 2; version-1 journals get it with every ask "me" (we asked).
    asked_by: Mapped[str] = mapped_column(String(16), default="me", server_default="me")

    counterpart: Mapped[CounterpartRow] = relationship(back_populates="asks")
    outcome: Mapped[OutcomeRow | None] = relationship(back_populates="ask")


class OutcomeRow(Base):
    """How an ask ended; the unique ``ask_id`` allows one outcome per ask on every backend."""

    __tablename__ = "outcomes"
    __table_args__ = (CheckConstraint(_one_of("result", RESULTS), name="result"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id", ondelete="RESTRICT"), unique=True)
    result: Mapped[str] = mapped_column(String(32))
    value: Mapped[float | None] = mapped_column(Double)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    ask: Mapped[AskRow] = relationship(back_populates="outcome")


class TrainingRoundRow(Base):
    """One round a trainee played in the web trainer, with its score and free details."""

    __tablename__ = "training_rounds"
    __table_args__ = (
        CheckConstraint(_one_of("level", LEVELS), name="level"),
        CheckConstraint(_one_of("role", ROLES), name="role"),
        Index("ix_training_rounds_trainee_played", "trainee", "played_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee: Mapped[str] = mapped_column(String(KEY_LENGTH))
    domain: Mapped[str] = mapped_column(String(KEY_LENGTH))
    level: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Double)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    played_at: Mapped[datetime] = mapped_column(UTCDateTime)
