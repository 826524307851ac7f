"""The journal's API on a temporary SQLite file: records, history, retreats, export, trainer."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

import ditf
from ditf.settings import Settings
from ditf.store import (
    LEVELS,
    RESULTS,
    ROLES,
    TECHNIQUES,
    AskRecord,
    Counterpart,
    CounterpartHistory,
    Journal,
    OutcomeRecord,
    TrainingRound,
    default_url,
)

ASK = {"domain": "salary", "unit": "EUR", "opener": 125000.0, "fallback": 108000.0}
T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def test_constants_match_the_brief():
    assert TECHNIQUES == ("door-in-the-face", "foot-in-the-door", "direct")
    assert RESULTS == ("accepted-opener", "accepted-fallback", "refused", "walked-away")
    assert LEVELS == ("beginner", "practitioner", "advanced")
    assert ROLES == ("requester", "target")


# counterparts --------------------------------------------------------------------------------


def test_add_and_get_counterpart(journal):
    record = journal.add_counterpart("acme-hr", name="Acme HR", notes="met at the fair")
    assert isinstance(record, Counterpart)
    assert (record.key, record.name, record.notes) == ("acme-hr", "Acme HR", "met at the fair")
    assert record.created_at.tzinfo is UTC
    assert abs(datetime.now(UTC) - record.created_at) < timedelta(minutes=1)
    assert journal.get_counterpart("acme-hr") == record
    assert journal.get_counterpart("nobody") is None
    assert journal.counterparts() == [record]


def test_counterparts_are_sorted_by_key_and_keys_are_case_sensitive(journal):
    for key in ("zeta", "Acme", "acme"):
        journal.add_counterpart(key)
    assert [c.key for c in journal.counterparts()] == ["Acme", "acme", "zeta"]


def test_a_counterpart_key_is_unique(journal):
    journal.add_counterpart("acme-hr", name="first")
    with pytest.raises(ditf.InvalidParameterError, match=r"'key'.*already has a counterpart"):
        journal.add_counterpart("acme-hr", name="second")
    assert journal.get_counterpart("acme-hr").name == "first"


def test_records_are_frozen(journal):
    record = journal.add_counterpart("acme-hr")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.name = "changed"


# asks ----------------------------------------------------------------------------------------


def test_add_ask_returns_the_stored_ask_and_creates_its_counterpart(journal):
    ask = journal.add_ask("acme-hr", **ASK, delay_hours=0.25, scenario="examples/salary.toml",
                          asked_at=T0)  # fmt: skip
    assert isinstance(ask, AskRecord)
    assert ask == AskRecord(
        id=ask.id, counterpart="acme-hr", domain="salary", unit="EUR", opener=125000.0,
        fallback=108000.0, delay_hours=0.25, technique="door-in-the-face",
        scenario="examples/salary.toml", asked_at=T0, outcome=None,
    )  # fmt: skip
    assert journal.asks() == [ask]
    assert journal.get_counterpart("acme-hr").name == ""


def test_asked_at_is_kept_in_utc_whatever_the_zone(journal):
    paris = timezone(timedelta(hours=2))
    ask = journal.add_ask("acme-hr", **ASK, asked_at=datetime(2024, 5, 1, 11, 30, tzinfo=paris))
    assert ask.asked_at == T0 and ask.asked_at.tzinfo is UTC
    (stored,) = journal.asks()
    assert stored.asked_at == T0 and stored.asked_at.tzinfo is UTC


def test_asks_are_ordered_by_time_then_id_and_filtered_by_counterpart(journal):
    late = journal.add_ask("b", **ASK, asked_at=T0 + timedelta(days=2))
    early = journal.add_ask("a", **ASK, asked_at=T0)
    same_time = journal.add_ask("a", **ASK, asked_at=T0)
    assert [a.id for a in journal.asks()] == [early.id, same_time.id, late.id]
    assert [a.id for a in journal.asks("a")] == [early.id, same_time.id]
    assert journal.asks("nobody") == []


def test_direct_and_foot_in_the_door_asks(journal):
    direct = journal.add_ask("c", domain="salary", unit="EUR", opener=None, fallback=100.0,
                             technique="direct")  # fmt: skip
    foot = journal.add_ask("c", domain="volunteering", unit="hours", opener=0.25, fallback=2.0,
                           technique="foot-in-the-door")  # fmt: skip
    assert direct.opener is None and direct.technique == "direct"
    assert foot.opener == 0.25 and foot.fallback == 2.0


def test_a_buyer_may_open_below_the_fallback(journal):
    ask = journal.add_ask("vendor", domain="procurement", unit="USD", opener=80.0, fallback=95.0)
    assert ask.opener < ask.fallback


def test_amounts_round_trip_exactly(journal):
    values = (1e-300, 0.1, 1 / 3, 123456789.123456789, 5e11)
    for v in values:
        journal.add_ask("x", domain="d", unit="u", opener=v * 2, fallback=v)
    assert [a.fallback for a in journal.asks()] == list(values)


def test_amounts_up_to_a_raised_limit_round_trip(tmp_path):
    with Journal(tmp_path / "j.sqlite", limits=Settings(max_amount=1e301)) as journal:
        journal.add_ask("x", domain="d", unit="u", opener=1e301, fallback=1e300)
        assert journal.asks()[0].opener == 1e301


# outcomes ------------------------------------------------------------------------------------


def test_outcome_defaults_to_the_accepted_amount(journal):
    first = journal.add_ask("acme-hr", **ASK)
    second = journal.add_ask("acme-hr", **ASK)
    third = journal.add_ask("acme-hr", **ASK)
    assert journal.add_outcome(first.id, result="accepted-fallback").value == 108000.0
    assert journal.add_outcome(second.id, result="accepted-opener").value == 125000.0
    refused = journal.add_outcome(third.id, result="refused", notes="budget frozen")
    assert isinstance(refused, OutcomeRecord)
    assert (refused.value, refused.notes, refused.ask_id) == (None, "budget frozen", third.id)


def test_outcome_value_may_differ_from_the_asks(journal):
    ask = journal.add_ask("acme-hr", **ASK)
    outcome = journal.add_outcome(ask.id, result="accepted-fallback", value=110000)
    assert outcome.value == 110000.0
    assert journal.asks()[0].outcome == outcome


def test_an_ask_has_at_most_one_outcome(journal):
    ask = journal.add_ask("acme-hr", **ASK)
    first = journal.add_outcome(ask.id, result="refused")
    with pytest.raises(ditf.InvalidParameterError, match=r"'ask_id'.*already ended as 'refused'"):
        journal.add_outcome(ask.id, result="accepted-fallback")
    assert journal.asks()[0].outcome == first


def test_outcome_of_a_missing_ask(journal):
    with pytest.raises(ditf.InvalidParameterError, match=r"'ask_id'.*Got 42 instead"):
        journal.add_outcome(42, result="refused")


def test_a_direct_ask_cannot_accept_an_opener(journal):
    ask = journal.add_ask("c", domain="d", unit="u", opener=None, fallback=5, technique="direct")
    with pytest.raises(ditf.InvalidParameterError, match=r"'result'.*direct ask"):
        journal.add_outcome(ask.id, result="accepted-opener")
    assert journal.add_outcome(ask.id, result="accepted-fallback").value == 5.0


# history and habituation ---------------------------------------------------------------------


def _history_fixture(journal):
    """acme: 4 door-in-the-face asks (one opener accepted, one without outcome), 1 direct,
    1 foot-in-the-door; other: 1 door-in-the-face."""
    ids = []
    for result in ("accepted-fallback", "refused", "accepted-opener", None):
        ask = journal.add_ask("acme", **ASK)
        ids.append(ask.id)
        if result is not None:
            journal.add_outcome(ask.id, result=result)
    journal.add_ask("acme", domain="d", unit="u", opener=None, fallback=1, technique="direct")
    journal.add_ask("acme", domain="d", unit="u", opener=1, fallback=2,
                    technique="foot-in-the-door")  # fmt: skip
    journal.add_ask("other", **ASK)
    return ids


def test_prior_retreats_counts_door_in_the_face_asks_that_retreated(journal):
    _history_fixture(journal)
    assert journal.prior_retreats("acme") == 3
    assert journal.prior_retreats("other") == 1
    assert journal.prior_retreats("nobody") == 0
    assert journal.prior_retreats("") == 0


def test_history_agrees_with_prior_retreats_and_asks(journal):
    ids = _history_fixture(journal)
    journal.add_counterpart("quiet", name="Quiet Ltd")
    history = journal.history("acme")
    assert isinstance(history, CounterpartHistory)
    assert history.counterpart == journal.get_counterpart("acme")
    assert list(history.asks) == journal.asks("acme")
    assert [a.id for a in history.asks][:4] == ids
    assert history.prior_retreats == journal.prior_retreats("acme") == 3
    assert [a.is_retreat for a in history.asks] == [True, True, False, True, False, False]
    empty = journal.history("quiet")
    assert (empty.asks, empty.prior_retreats, empty.counterpart.name) == ((), 0, "Quiet Ltd")


def test_history_of_an_unknown_counterpart(journal):
    with pytest.raises(ditf.InvalidParameterError, match=r"'counterpart'.*Got 'nobody' instead"):
        journal.history("nobody")


def test_prior_retreats_feeds_the_models_context(journal):
    _history_fixture(journal)
    ctx = ditf.Context(baseline=0.3, prior_retreats=journal.prior_retreats("acme"))
    assert ctx.prior_retreats == 3


# export --------------------------------------------------------------------------------------


def test_export_is_json_serialisable_and_complete(journal):
    _history_fixture(journal)
    journal.add_training_round("ann", domain="salary", level="beginner", role="target",
                               score=0.75, details={"asks": [1, 2]}, played_at=T0)  # fmt: skip
    payload = journal.export()
    assert json.loads(json.dumps(payload)) == payload
    assert payload.keys() == {"schema_version", "counterparts", "asks", "outcomes",
                              "training_rounds"}  # fmt: skip
    assert payload["schema_version"] == 2
    assert [c["key"] for c in payload["counterparts"]] == ["acme", "other"]
    asks = journal.asks()
    assert payload["asks"] == [a.to_dict(with_outcome=False) for a in asks]
    assert payload["outcomes"] == [a.outcome.to_dict() for a in asks if a.outcome]
    assert len(payload["outcomes"]) == 3
    assert payload["training_rounds"][0]["played_at"] == "2024-05-01T09:30:00+00:00"


def test_to_dict_nests_the_outcome(journal):
    ask = journal.add_ask("acme", **ASK, asked_at=T0)
    journal.add_outcome(ask.id, result="refused")
    (stored,) = journal.asks()
    payload = stored.to_dict()
    assert payload["asked_at"] == "2024-05-01T09:30:00+00:00"
    assert payload["outcome"]["result"] == "refused"
    assert ask.to_dict()["outcome"] is None


# trainer -------------------------------------------------------------------------------------


def test_training_rounds(journal):
    details = {"opener": 125000, "answers": ["no", "yes"], "nested": {"ok": True, "x": None}}
    first = journal.add_training_round("ann", domain="salary", level="practitioner",
                                       role="requester", score=0.5, details=details,
                                       played_at=T0)  # fmt: skip
    second = journal.add_training_round("bob", domain="fundraising", level="advanced",
                                        role="target", score=-1, details={})  # fmt: skip
    assert isinstance(first, TrainingRound)
    assert first.details == details and first.played_at == T0
    assert journal.training_rounds() == [first, second]
    assert journal.training_rounds("ann") == [first]
    assert journal.training_rounds("nobody") == []
    payload = first.to_dict()
    payload["details"]["answers"].append("mutated")
    assert journal.training_rounds("ann")[0].details == details


# location, lifecycle -------------------------------------------------------------------------


def test_nothing_is_created_before_the_first_write(tmp_path):
    path = tmp_path / "deep" / "er" / "journal.sqlite"
    with Journal(path) as journal:
        assert journal.asks() == [] and journal.counterparts() == []
        assert journal.prior_retreats("x") == 0
        assert journal.export()["asks"] == []
        assert not path.parent.exists()
        journal.add_counterpart("x")
        assert path.exists()
        assert [c.key for c in journal.counterparts()] == ["x"]


def test_default_url_is_in_the_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    expected = tmp_path / "data" / "ditf" / "journal.sqlite"
    assert default_url() == f"sqlite:///{expected}"
    with Journal() as journal:
        assert journal.url == f"sqlite:///{expected}"
        journal.add_counterpart("acme-hr")
    assert expected.exists()


def test_sqlite_is_set_up_for_durability(journal, sqlite_url):
    journal.add_counterpart("acme-hr")
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    engine = journal._engine  # the journal's own connections carry the per-connection PRAGMAs
    with engine.connect() as conn:
        pragmas = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                   for name in ("foreign_keys", "synchronous", "busy_timeout")}  # fmt: skip
    assert pragmas == {"foreign_keys": 1, "synchronous": 2, "busy_timeout": 10000}


@pytest.mark.parametrize("form", ["path", "str-path", "url"])
def test_a_path_or_a_url(tmp_path, form):
    path = tmp_path / "j.sqlite"
    location = {"path": path, "str-path": str(path), "url": f"sqlite:///{path}"}[form]
    with Journal(location) as journal:
        journal.add_counterpart("x")
        assert journal.url == f"sqlite:///{path}"
        assert repr(journal) == f"Journal('sqlite:///{path}')"


def test_a_relative_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Journal("rel.sqlite") as journal:
        journal.add_counterpart("x")
        assert journal.url == f"sqlite:///{tmp_path / 'rel.sqlite'}"
    assert (tmp_path / "rel.sqlite").exists()


def test_in_memory_journal():
    with Journal("sqlite://") as journal:
        journal.add_ask("acme", **ASK)
        assert len(journal.asks()) == 1


def test_two_journals_on_one_file_see_each_other(sqlite_url):
    with Journal(sqlite_url) as writer, Journal(sqlite_url) as reader:
        assert reader.asks() == []
        ask = writer.add_ask("acme", **ASK)
        assert reader.asks() == [ask]


def test_a_closed_journal_says_so(sqlite_url):
    journal = Journal(sqlite_url)
    journal.add_counterpart("x")
    journal.close()
    with pytest.raises(ditf.JournalError, match=r"closed.*Open it again"):
        journal.counterparts()
    journal.close()  # closing twice is harmless
    with Journal(sqlite_url) as again:
        assert [c.key for c in again.counterparts()] == ["x"]


def test_the_schema_is_made_once_and_reused(sqlite_url):
    with Journal(sqlite_url) as journal:
        journal.add_counterpart("x")
    with Journal(sqlite_url) as journal:
        journal.add_counterpart("y")
        assert [c.key for c in journal.counterparts()] == ["x", "y"]
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = conn.execute("SELECT value FROM ditf_meta").fetchall()
    assert tables == {"ditf_meta", "counterparts", "asks", "outcomes", "training_rounds"}
    assert version == [("2",)]


def test_one_journal_shared_by_threads(tmp_path):
    """The web app shares one Journal between request threads, from its very first use."""
    from concurrent.futures import ThreadPoolExecutor

    with Journal(tmp_path / "new" / "j.sqlite") as journal:

        def work(i):
            ask = journal.add_ask(f"cp-{i % 3}", **ASK)
            return ask.id, len(journal.asks())

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(work, range(40)))
        ids = [r[0] for r in results]
        assert sorted(ids) == list(range(1, 41))
        assert len(journal.asks()) == 40
        assert sum(journal.prior_retreats(f"cp-{k}") for k in range(3)) == 40


def test_concurrent_reads_of_a_journal_not_yet_written(tmp_path):
    import threading

    journal = Journal(f"sqlite:///{tmp_path}/later/journal.sqlite")
    errors: list[Exception] = []

    def read() -> None:
        try:
            for _ in range(30):
                assert journal.prior_retreats("acme") == 0
                assert journal.asks() == []
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert not (tmp_path / "later").exists()
