"""The same journal behaviour on every backend: SQLite, and PostgreSQL when one is available.

PostgreSQL comes from ``DITF_TEST_POSTGRES_URL`` or a throwaway local server (see conftest);
without either these cases skip with the reason.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, exc, text

import ditf
from ditf.store import Journal

ASK = {"domain": "salary", "unit": "EUR", "opener": 125000.0, "fallback": 108000.0}
T0 = datetime(2024, 5, 1, 9, 30, 15, 123456, tzinfo=UTC)


def test_round_trip(any_url):
    with Journal(any_url) as journal:
        journal.add_counterpart("acme-hr", name="Acme HR", notes="ñ ü 漢字")
        tokyo = timezone(timedelta(hours=9))
        ask = journal.add_ask("acme-hr", **ASK, delay_hours=0.5, scenario="s.toml",
                              asked_at=T0.astimezone(tokyo))  # fmt: skip
        direct = journal.add_ask("acme-hr", domain="salary", unit="EUR", opener=None,
                                 fallback=0.1 + 0.2, technique="direct", asked_at=T0)  # fmt: skip
        outcome = journal.add_outcome(ask.id, result="accepted-fallback", notes="signed")
        details = {"answers": ["no", "yes"], "n": 3, "x": 0.1, "ok": True, "none": None}
        round_ = journal.add_training_round("ann", domain="salary", level="advanced",
                                            role="target", score=0.25, details=details,
                                            played_at=T0)  # fmt: skip
    with Journal(any_url) as journal:  # a fresh connection reads what was committed
        (stored, stored_direct) = journal.asks("acme-hr")
        assert stored.asked_at == T0 and stored.asked_at.tzinfo is UTC
        assert stored.outcome == outcome and outcome.value == 108000.0
        assert stored_direct.fallback == 0.1 + 0.2 and stored_direct.opener is None
        assert journal.get_counterpart("acme-hr").notes == "ñ ü 漢字"
        assert journal.training_rounds("ann") == [round_]
        assert journal.training_rounds("ann")[0].details == details
        assert journal.history("acme-hr").prior_retreats == journal.prior_retreats("acme-hr") == 1
        assert [a.id for a in journal.asks()] == [ask.id, direct.id]  # same time: by id


def test_one_outcome_per_ask_and_unique_keys(any_url):
    with Journal(any_url) as journal:
        ask = journal.add_ask("acme", **ASK)
        journal.add_outcome(ask.id, result="refused")
        with pytest.raises(ditf.InvalidParameterError, match="'ask_id'"):
            journal.add_outcome(ask.id, result="walked-away")
        with pytest.raises(ditf.InvalidParameterError, match="'key'"):
            journal.add_counterpart("acme")
        assert len(journal.export()["outcomes"]) == 1


def test_the_database_enforces_the_rules_itself(any_url):
    """A second writer that skips the journal's checks still meets the constraints."""
    with Journal(any_url) as journal:
        ask = journal.add_ask("acme", **ASK)
        journal.add_outcome(ask.id, result="refused")
    engine = create_engine(any_url)
    statements = [
        f"INSERT INTO outcomes (ask_id, result, notes, recorded_at) "
        f"VALUES ({ask.id}, 'refused', '', '2024-01-01')",  # a second outcome
        f"UPDATE asks SET technique = 'bribe' WHERE id = {ask.id}",
        f"UPDATE asks SET fallback = -1 WHERE id = {ask.id}",
        f"UPDATE asks SET opener = NULL WHERE id = {ask.id}",  # a DITF ask needs an opener
        "INSERT INTO asks (counterpart_id, domain, unit, fallback, delay_hours, technique, "
        "scenario, asked_at) VALUES (999, 'd', 'u', 1, 0, 'direct', '', '2024-01-01')",
    ]
    try:
        for statement in statements:
            with pytest.raises(exc.IntegrityError), engine.begin() as conn:
                if engine.dialect.name == "sqlite":
                    conn.exec_driver_sql("PRAGMA foreign_keys = ON")
                conn.execute(text(statement))
    finally:
        engine.dispose()


def test_a_failed_write_rolls_back_on_every_backend(any_url):
    """A constraint failure in the middle of add_ask (after its counterpart row) keeps neither."""
    with Journal(any_url) as journal:
        journal.add_ask("old", **ASK)
        before = journal.export()
        engine = create_engine(any_url)
        try:
            with engine.begin() as conn:  # a rule the journal does not check, so the DB fails
                conn.execute(text("CREATE UNIQUE INDEX one_unit ON asks (unit)"))
        finally:
            engine.dispose()
        with pytest.raises(ditf.JournalError, match="refused a write"):
            journal.add_ask("brand-new", **ASK)
        assert journal.export() == before
        assert journal.get_counterpart("brand-new") is None


def test_sqlite_setup_only_on_sqlite(any_url):
    """PRAGMAs and BEGIN IMMEDIATE are SQLite's; other databases get no such listeners."""
    with Journal(any_url) as journal:
        journal.add_counterpart("acme")
        engine = journal._engine
        sqlite = engine.dialect.name == "sqlite"
        ours = {getattr(fn, "__name__", "") for fn in engine.dispatch.begin}
        ours |= {getattr(fn, "__name__", "") for fn in engine.pool.dispatch.connect}
        mine = {"_on_begin", "_on_connect"}
        assert ours & mine == (mine if sqlite else set())
        if sqlite:
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
