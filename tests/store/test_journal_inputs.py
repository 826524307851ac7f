"""Bad input is refused with a message naming the field, and nothing already stored is lost."""

from __future__ import annotations

import math
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ditf
from ditf.store import AGREED, LEVELS, RESULTS, ROLES, TECHNIQUES, Journal
from ditf.store._inputs import CLOCK_SKEW

NAIVE = datetime(2024, 5, 1, 9, 30)
#: A moment no test run will reach: an ask dated then has not been made yet.
FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
ASK = {"domain": "salary", "unit": "EUR", "opener": 125000.0, "fallback": 108000.0}
TRAINING = {"domain": "salary", "level": "beginner", "role": "requester", "score": 0.5,
            "details": {"k": 1}}  # fmt: skip

#: (method, field, bad value): every one must be refused naming ``field``.
BAD_INPUTS = [
    *(("add_counterpart", "key", v) for v in ("", "   ", " acme", "acme ", "a\nb", "a\x00b",
                                               "k" * 101, 5, None, b"acme")),
    *(("add_counterpart", "name", v) for v in (5, None, "n" * 201)),
    *(("add_counterpart", "notes", v) for v in (5, "n" * 10_001)),
    *(("add_ask", "counterpart", v) for v in ("", " acme", "x\ty", 7, None, "k" * 101)),
    *(("add_ask", "domain", v) for v in ("", "  ", None, 1, "d" * 101)),
    *(("add_ask", "unit", v) for v in ("", None, 3.0)),
    *(("add_ask", "opener", v) for v in (0, -1.0, math.nan, math.inf, "125000", True, None,
                                         108000.0)),
    *(("add_ask", "fallback", v) for v in (0, -5, math.nan, -math.inf, None, "1", False)),
    *(("add_ask", "delay_hours", v) for v in (-0.5, math.nan, math.inf, None, "0")),
    *(("add_ask", "technique", v) for v in ("ditf", "", None, "Door-In-The-Face")),
    *(("add_ask", "scenario", v) for v in (None, 3, "s" * 201)),
    *(("add_ask", "asked_at", v) for v in (NAIVE, "2024-05-01", 1714555800, FUTURE)),
    *(("add_outcome", "ask_id", v) for v in (0, -1, "1", 1.0, True, None, 10**6)),
    *(("add_outcome", "result", v) for v in ("yes", "", None, "accepted")),
    # The valid call records "refused": an amount agreed on it is refused too.
    *(("add_outcome", "value", v) for v in (math.nan, math.inf, "108000", True, 105000.0, 0)),
    *(("add_outcome", "notes", v) for v in (None, 4, "n" * 10_001)),
    *(("add_training_round", "trainee", v) for v in ("", " ann", None, 3)),
    *(("add_training_round", "domain", v) for v in ("", None)),
    *(("add_training_round", "level", v) for v in ("expert", None, "Beginner")),
    *(("add_training_round", "role", v) for v in ("observer", None)),
    *(("add_training_round", "score", v) for v in (math.nan, math.inf, None, "1", True)),
    *(("add_training_round", "details", v) for v in (None, [], {1: "int key"}, {"t": (1, 2)},
                                                     {"x": math.nan}, {"s": {1, 2}},
                                                     {"d": NAIVE})),
    *(("add_training_round", "played_at", v) for v in (NAIVE, "now")),
]  # fmt: skip


def _call(journal, method, field=None, value=None, ask_id=1):
    """Call ``method`` with valid arguments, except ``field`` set to ``value``."""
    if method == "add_counterpart":
        args = {"key": "new-counterpart", "name": "", "notes": ""}
    elif method == "add_ask":
        args = {"counterpart": "acme", **ASK, "delay_hours": 0.0,
                "technique": "door-in-the-face", "scenario": "", "asked_at": None}  # fmt: skip
    elif method == "add_outcome":
        args = {"ask_id": ask_id, "result": "refused", "value": None, "notes": ""}
    else:
        args = {"trainee": "ann", **TRAINING, "played_at": None}
    if field is not None:
        args[field] = value
    return getattr(journal, method)(**args)


def _seed(journal):
    """A journal with one of everything, plus an ask still open for an outcome."""
    journal.add_counterpart("acme", name="Acme")
    done = journal.add_ask("acme", **ASK)
    journal.add_outcome(done.id, result="accepted-fallback")
    journal.add_training_round("ann", **TRAINING)
    return journal.add_ask("acme", **ASK)


@pytest.mark.parametrize(("method", "field", "value"), BAD_INPUTS,
                         ids=lambda v: repr(v)[:20])  # fmt: skip
def test_bad_input_names_the_field_and_changes_nothing(journal, method, field, value):
    open_ask = _seed(journal)
    before = journal.export()
    with pytest.raises(ditf.InvalidParameterError, match=f"'{field}'"):
        _call(journal, method, field, value, ask_id=open_ask.id)
    assert journal.export() == before


def test_the_valid_call_of_each_method_works(journal):
    open_ask = _seed(journal)
    for method in ("add_counterpart", "add_ask", "add_outcome", "add_training_round"):
        _call(journal, method, ask_id=open_ask.id)


def test_a_direct_ask_takes_no_opener(journal):
    with pytest.raises(ditf.InvalidParameterError, match=r"'opener'.*None for a direct ask"):
        journal.add_ask("acme", **ASK, technique="direct")
    with pytest.raises(ditf.InvalidParameterError, match=r"'opener'.*use technique='direct'"):
        journal.add_ask("acme", **{**ASK, "opener": None})
    assert journal.asks() == []


def test_an_ask_dated_in_the_future_is_refused(journal):
    """A future ask would count retreats that have not happened (prior_retreats, history)."""
    ask = journal.add_ask("acme", **ASK, asked_at=datetime(2024, 5, 1, tzinfo=UTC))
    before = journal.export()
    ahead = datetime.now(UTC) + CLOCK_SKEW + timedelta(minutes=1)
    with pytest.raises(ditf.InvalidParameterError,
                       match=r"'asked_at' parameter of Journal.add_ask must not lie in the "
                             r"future: an ask is recorded once it was made"):  # fmt: skip
        journal.add_ask("acme", **ASK, asked_at=ahead)
    with pytest.raises(ditf.InvalidParameterError,
                       match=r"'asked_at' parameter of Journal.update_ask must not lie in the "
                             r"future.*Got '2031-01-01T00:00:00\+00:00'"):  # fmt: skip
        journal.update_ask(ask.id, asked_at=datetime(2031, 1, 1, tzinfo=UTC))
    assert journal.export() == before
    assert journal.prior_retreats("acme") == 1


def test_a_moment_within_the_clock_skew_passes(journal):
    """Clocks differ a little: a moment up to CLOCK_SKEW (5 minutes) ahead is stored."""
    assert timedelta(minutes=5) == CLOCK_SKEW
    soon = datetime.now(UTC) + CLOCK_SKEW - timedelta(seconds=30)
    assert journal.add_ask("acme", **ASK, asked_at=soon).asked_at == soon
    assert journal.asks()[0].asked_at == soon


@pytest.mark.parametrize("result", ["refused", "walked-away"])
def test_an_outcome_that_agreed_to_nothing_has_no_amount(journal, result):
    ask = journal.add_ask("acme", **ASK)
    before = journal.export()
    said = rf"'value' parameter of Journal.add_outcome must be None for a '{result}' outcome"
    with pytest.raises(ditf.InvalidParameterError, match=rf"{said}: a {result} ask has no agreed"):
        journal.add_outcome(ask.id, result=result, value=105000.0)
    assert journal.export() == before
    assert journal.add_outcome(ask.id, result=result).value is None


def test_only_an_accepted_ask_has_an_amount_agreed(journal):
    assert AGREED == ("accepted-opener", "accepted-fallback")
    assert set(AGREED) < set(RESULTS)
    for result in AGREED:
        ask = journal.add_ask("acme", **ASK)
        assert journal.add_outcome(ask.id, result=result, value=110000.0).value == 110000.0


def test_a_too_long_text_is_reported_by_length(journal):
    with pytest.raises(ditf.InvalidParameterError, match=r"'notes'.*\(10001 characters\)"):
        journal.add_counterpart("acme", notes="n" * 10_001)


@pytest.mark.parametrize("method", ["get_counterpart", "asks", "prior_retreats", "history",
                                    "training_rounds"])  # fmt: skip
def test_readers_refuse_a_key_that_is_not_a_string(journal, method):
    with pytest.raises(ditf.InvalidParameterError, match="must be a string"):
        getattr(journal, method)(42)


# property: a random mix of good and bad calls ---------------------------------------------------

KEYS = st.sampled_from(["acme-hr", "vendor.io", "Ωmega", "x"])
AMOUNTS = st.floats(min_value=1e-6, max_value=1e12, allow_nan=False, allow_infinity=False)
TIMES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                     timezones=st.just(UTC))  # fmt: skip
#: Asks already made: one dated in the future is refused (BAD_INPUTS has one).
PAST = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2025, 1, 1),
                    timezones=st.just(UTC))  # fmt: skip
GOOD_ASK = st.fixed_dictionaries({
    "counterpart": KEYS, "domain": st.sampled_from(["salary", "procurement"]),
    "unit": st.sampled_from(["EUR", "hours"]), "opener": AMOUNTS, "fallback": AMOUNTS,
    "delay_hours": st.floats(0, 1e4), "technique": st.sampled_from(TECHNIQUES),
    "scenario": st.text(max_size=20), "asked_at": PAST,
}).filter(lambda a: a["opener"] != a["fallback"]).map(
    lambda a: {**a, "opener": None} if a["technique"] == "direct" else a
)  # fmt: skip
GOOD_ROUND = st.fixed_dictionaries({
    "trainee": KEYS, "domain": st.just("salary"), "level": st.sampled_from(LEVELS),
    "role": st.sampled_from(ROLES), "score": st.floats(-1e6, 1e6),
    "details": st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5)
                               | st.booleans() | st.none(), max_size=3),
    "played_at": TIMES,
})  # fmt: skip
OPERATIONS = st.one_of(
    st.tuples(st.just("ask"), GOOD_ASK),
    st.tuples(st.just("outcome"), st.tuples(st.integers(0, 8), st.sampled_from(RESULTS))),
    st.tuples(st.just("counterpart"), KEYS),
    st.tuples(st.just("training"), GOOD_ROUND),
    st.tuples(st.just("bad"), st.sampled_from(BAD_INPUTS)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPERATIONS, min_size=1, max_size=12))
def test_nothing_stored_is_lost_whatever_the_calls(operations):
    """Each good call adds exactly its record; each refused call leaves the journal as it was."""
    with tempfile.TemporaryDirectory() as folder, Journal(Path(folder) / "j.sqlite") as journal:
        for kind, payload in operations:
            before = journal.export()
            error = _apply(journal, kind, payload, before)
            after = journal.export()
            if error is not None:
                assert after == before
                continue
            table = {"ask": "asks", "outcome": "outcomes", "counterpart": "counterparts",
                     "training": "training_rounds"}[kind]  # fmt: skip
            for name in before:
                if name == table:
                    assert len(after[name]) == len(before[name]) + 1
                    assert all(row in after[name] for row in before[name])
                elif name != "counterparts" or kind != "ask":
                    assert after[name] == before[name], name
            assert all(row in after["counterparts"] for row in before["counterparts"])


def _apply(journal, kind, payload, before):
    """Make one call; return the InvalidParameterError it raised, checked to be expected."""
    asks = {a["id"]: a for a in before["asks"]}
    done = {o["ask_id"] for o in before["outcomes"]}
    keys = {c["key"] for c in before["counterparts"]}
    try:
        if kind == "ask":
            journal.add_ask(**payload)
        elif kind == "outcome":
            ask_id, result = payload
            journal.add_outcome(ask_id, result=result)
        elif kind == "counterpart":
            journal.add_counterpart(payload)
        elif kind == "training":
            journal.add_training_round(**payload)
        else:
            _call(journal, payload[0], payload[1], payload[2], ask_id=max(asks, default=1))
    except ditf.InvalidParameterError as exc:
        if kind == "bad":
            assert f"'{payload[1]}'" in str(exc)
        elif kind == "outcome":
            ask_id, result = payload
            ask = asks.get(ask_id)
            assert (
                ask is None
                or ask_id in done
                or (result == "accepted-opener" and ask["opener"] is None)
            )
        else:
            assert kind == "counterpart" and payload in keys
        return exc
    if kind == "bad":
        # Only a bad value that happens to be fine here may pass: none of the table's do.
        pytest.fail(f"{payload} was accepted")
    return None
