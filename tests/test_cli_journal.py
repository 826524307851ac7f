"""``ditf journal``: add, list, show and export on temporary SQLite files; one-line errors."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from contextlib import closing
from datetime import datetime

import pytest
from typer.testing import CliRunner

from ditf.cli import app
from ditf.store import Journal

#: An ordinary terminal width, so Rich wraps (or not) the same way everywhere.
ENV = {"COLUMNS": "80"}
ASK = ["--opener", "125000", "--fallback", "108000", "--domain", "salary", "--unit", "EUR"]


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "journal.sqlite")


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env={**ENV, **(env or {})})


def ok(*args: str, env: dict[str, str] | None = None):
    result = invoke(*args, env=env)
    assert result.exit_code == 0, result.output
    assert result.exception is None
    return result


def run_json(*args: str, env: dict[str, str] | None = None):
    return json.loads(ok(*args, "--json", env=env).stdout)


def assert_rejected(result, match: str) -> None:
    """Exit code 2, a message starting with 'error: ', no traceback and nothing on stdout."""
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: "), repr(result.stderr)
    assert result.stderr.count("\n") == 1, repr(result.stderr)
    assert match in " ".join(result.stderr.split())


def fill(db):
    """Three asks to acme-hr (one with an outcome) and one to vendor."""
    ok("journal", "--db", db, "add", "counterpart", "acme-hr", "--name", "Acme HR",
       "--notes", "hiring manager: Dana")  # fmt: skip
    ok("journal", "--db", db, "add", "ask", "acme-hr", *ASK, "--delay-hours", "0",
       "--scenario", "examples/salary.toml", "--at", "2024-05-01T10:00+02:00")  # fmt: skip
    ok("journal", "--db", db, "add", "outcome", "1", "--result", "accepted-fallback")
    ok("journal", "--db", db, "add", "ask", "acme-hr", "--fallback", "110000", "--domain",
       "salary", "--unit", "EUR", "--at", "2024-06-01")  # fmt: skip
    ok("journal", "--db", db, "add", "ask", "vendor", "--opener", "80", "--fallback", "95",
       "--domain", "procurement", "--unit", "USD", "--at", "2024-07-01T00:00Z")  # fmt: skip
    ok("journal", "--db", db, "add", "ask", "acme-hr", *ASK, "--at", "2024-08-01T00:00Z")


# add ----------------------------------------------------------------------------------------


def test_add_ask_and_outcome_say_what_was_stored(db):
    result = ok("journal", "--db", db, "add", "ask", "acme-hr", *ASK)
    assert result.stdout.strip() == (
        "Added ask 1 to acme-hr: opener 125,000, then 108,000 EUR (door-in-the-face)."
    )
    result = ok("journal", "--db", db, "add", "outcome", "1", "--result", "accepted-fallback")
    assert result.stdout.strip() == "Recorded ask 1: accepted-fallback at 108,000."
    with Journal(db) as journal:
        (ask,) = journal.asks()
    assert (ask.opener, ask.fallback, ask.outcome.value) == (125000.0, 108000.0, 108000.0)


def test_add_json_returns_the_records(db):
    counterpart = run_json("journal", "--db", db, "add", "counterpart", "acme-hr", "--name", "A")
    assert counterpart["key"] == "acme-hr" and counterpart["name"] == "A"
    ask = run_json("journal", "--db", db, "add", "ask", "acme-hr", *ASK, "--delay-hours", "0.5",
                   "--technique", "door-in-the-face", "--scenario", "s.toml")  # fmt: skip
    assert {k: ask[k] for k in ("id", "opener", "fallback", "delay_hours", "scenario")} == {
        "id": 1, "opener": 125000.0, "fallback": 108000.0, "delay_hours": 0.5,
        "scenario": "s.toml",
    }  # fmt: skip
    assert ask["outcome"] is None
    # An amount agreed of 0 is an amount (only an accepted ask has one).
    outcome = run_json("journal", "--db", db, "add", "outcome", "1", "--result",
                       "accepted-fallback", "--value", "0", "--notes", "budget")  # fmt: skip
    assert (outcome["ask_id"], outcome["result"], outcome["value"]) == (1, "accepted-fallback",
                                                                        0.0)  # fmt: skip


def test_without_an_opener_the_ask_is_direct(db):
    ask = run_json("journal", "--db", db, "add", "ask", "x", "--fallback", "5", "--domain", "d",
                   "--unit", "u")  # fmt: skip
    assert (ask["technique"], ask["opener"]) == ("direct", None)
    result = ok("journal", "--db", db, "add", "ask", "x", "--fallback", "5", "--domain", "d",
                "--unit", "u")  # fmt: skip
    assert result.stdout.strip() == "Added ask 2 to x: 5 u (direct)."


def test_at_without_a_zone_is_local_time(db):
    ask = run_json("journal", "--db", db, "add", "ask", "x", *ASK, "--at", "2024-05-01T12:00")
    local_noon = datetime(2024, 5, 1, 12).astimezone()
    assert datetime.fromisoformat(ask["asked_at"]) == local_noon
    zoned = run_json("journal", "--db", db, "add", "ask", "x", *ASK, "--at",
                     "2024-05-01T12:00+02:00")  # fmt: skip
    assert zoned["asked_at"] == "2024-05-01T10:00:00+00:00"


def test_add_outcome_with_a_different_value(db):
    ok("journal", "--db", db, "add", "ask", "acme-hr", *ASK)
    result = ok("journal", "--db", db, "add", "outcome", "1", "--result", "accepted-fallback",
                "--value", "111_000")  # fmt: skip
    assert result.stdout.strip() == "Recorded ask 1: accepted-fallback at 111,000."


def test_add_counterpart_text_says_where(db):
    result = ok("journal", "--db", db, "add", "counterpart", "[bold]x", "--name", "n")
    assert " ".join(result.stdout.split()) == f"Added counterpart [bold]x to sqlite:///{db}."


# list, show ---------------------------------------------------------------------------------


def test_list_table(db):
    fill(db)
    text = ok("journal", "--db", db, "list").stdout
    # A long temporary path may wrap anywhere: compare without the whitespace.
    assert f"Journal:4asks(sqlite:///{db})" in "".join(text.split())
    lines = [line.split() for line in text.splitlines()]
    rows = {line[0]: line for line in lines if line and line[0].isdigit()}
    assert rows["1"][:8] == ["1", "2024-05-01", "acme-hr", "DITF", "125,000", "108,000", "EUR",
                             "0"]  # fmt: skip
    assert " ".join(rows["1"][8:]) in ("yes: fallback", "yes:")  # may wrap at 80 columns
    assert rows["2"][2:6] == ["acme-hr", "direct", "-", "110,000"]
    assert rows["3"][2:6] == ["vendor", "DITF", "80", "95"]
    assert rows["4"][-1] == "-"


def test_list_json_and_filter(db):
    fill(db)
    rows = run_json("journal", "--db", db, "list")
    assert [r["id"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["outcome"]["result"] == "accepted-fallback"
    assert rows[0]["asked_at"] == "2024-05-01T08:00:00+00:00"
    only = run_json("journal", "--db", db, "list", "--counterpart", "vendor")
    assert [r["id"] for r in only] == [3]
    text = ok("journal", "--db", db, "list", "--counterpart", "vendor").stdout
    assert "Journal: 1 asks to vendor" in text


def test_outcome_cells(db):
    ok("journal", "--db", db, "add", "ask", "a", *ASK)
    ok("journal", "--db", db, "add", "ask", "a", *ASK)
    ok("journal", "--db", db, "add", "ask", "a", *ASK)
    ok("journal", "--db", db, "add", "outcome", "1", "--result", "accepted-opener")
    ok("journal", "--db", db, "add", "outcome", "2", "--result", "accepted-opener",
       "--value", "120000")  # fmt: skip
    ok("journal", "--db", db, "add", "outcome", "3", "--result", "walked-away")
    text = " ".join(ok("journal", "--db", db, "list", env={"COLUMNS": "160"}).stdout.split())
    assert "yes: opener" in text and "yes at 120,000" in text and "walked away" in text
    # A journal written before a walk-away was refused an amount still lists it.
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE outcomes SET value = 9 WHERE ask_id = 3")
    text = " ".join(ok("journal", "--db", db, "list", env={"COLUMNS": "160"}).stdout.split())
    assert "walked away (9)" in text


def test_show_history(db):
    fill(db)
    text = " ".join(ok("journal", "--db", db, "show", "acme-hr").stdout.split())
    assert "acme-hr (Acme HR), in the journal since" in text
    assert "hiring manager: Dana" in text
    assert "Retreats seen from you: 2 (the planner's habituation)." in text
    assert "3 asks" in text and "vendor" not in text
    payload = run_json("journal", "--db", db, "show", "acme-hr")
    assert payload["prior_retreats"] == 2
    assert [a["id"] for a in payload["asks"]] == [1, 2, 4]
    assert payload["counterpart"]["name"] == "Acme HR"


# export -------------------------------------------------------------------------------------


def test_export_json_to_stdout_and_file(db, tmp_path):
    fill(db)
    payload = json.loads(ok("journal", "--db", db, "export").stdout)
    with Journal(db) as journal:
        assert payload == journal.export()
    out = tmp_path / "backup.json"
    result = ok("journal", "--db", db, "export", "--format", "json", "--out", str(out))
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == payload


def test_export_csv(db, tmp_path):
    fill(db)
    out = tmp_path / "asks.csv"
    ok("journal", "--db", db, "export", "--format", "csv", "--out", str(out))
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    first = rows[0]
    assert (first["counterpart"], first["counterpart_name"], first["technique"]) == (
        "acme-hr", "Acme HR", "door-in-the-face")  # fmt: skip
    assert (float(first["opener"]), float(first["fallback"])) == (125000.0, 108000.0)
    assert (first["result"], float(first["value"])) == ("accepted-fallback", 108000.0)
    assert rows[1]["opener"] == "" and rows[1]["result"] == "" and rows[1]["value"] == ""
    stdout = ok("journal", "--db", db, "export", "--format", "csv").stdout
    assert list(csv.DictReader(io.StringIO(stdout))) == rows


def test_export_of_an_empty_journal(db):
    assert json.loads(ok("journal", "--db", db, "export").stdout)["asks"] == []
    header = ok("journal", "--db", db, "export", "--format", "csv").stdout
    assert header.startswith("id,counterpart,counterpart_name,") and header.count("\n") == 1


# where the journal is ----------------------------------------------------------------------


def test_env_ditf_db_and_db_option(tmp_path):
    env_db = str(tmp_path / "env.sqlite")
    opt_db = str(tmp_path / "opt.sqlite")
    ok("journal", "add", "ask", "from-env", *ASK, env={"DITF_DB": env_db})
    ok("journal", "--db", opt_db, "add", "ask", "from-option", *ASK, env={"DITF_DB": env_db})
    with Journal(env_db) as journal:
        assert [a.counterpart for a in journal.asks()] == ["from-env"]
    with Journal(opt_db) as journal:
        assert [a.counterpart for a in journal.asks()] == ["from-option"]


def test_a_url_works_as_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'url.sqlite'}"
    ok("journal", "--db", url, "add", "ask", "acme", *ASK)
    assert [r["id"] for r in run_json("journal", "--db", url, "list")] == [1]


def test_default_location_is_the_user_data_dir(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg")}
    assert run_json("journal", "list", env=env) == []
    assert not (tmp_path / "xdg").exists()  # reading does not create the journal
    ok("journal", "add", "ask", "acme", *ASK, env=env)
    assert (tmp_path / "xdg" / "ditf" / "journal.sqlite").exists()


def test_help_lists_the_commands():
    text = ok("journal", "--help").stdout
    for command in ("add", "list", "show", "export", "--db", "DITF_DB"):
        assert command in text
    assert "counterpart" in ok("journal", "add", "--help").stdout


# bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["add", "ask", "a", "--fallback", "abc", "--domain", "d", "--unit", "u"],
         "'--fallback' option of ditf journal add ask must be a number"),
        (["add", "ask", "a", "--fallback", "-5", "--domain", "d", "--unit", "u"],
         "'fallback' parameter of Journal.add_ask must be a finite number > 0"),
        (["add", "ask", "a", *ASK, "--opener", "x1"], "'--opener' option"),
        (["add", "ask", "a", *ASK, "--delay-hours", "-1"], "'delay_hours'"),
        (["add", "ask", "a", *ASK, "--delay-hours", "soon"], "'--delay-hours' option"),
        (["add", "ask", "a", *ASK, "--technique", "bluff"], "'technique'"),
        (["add", "ask", "a", "--fallback", "5", "--domain", "d", "--unit", "u", "--technique",
          "door-in-the-face"], "use technique='direct'"),
        (["add", "ask", "a", *ASK, "--at", "yesterday"], "'--at' option"),
        (["add", "ask", "a", *ASK, "--at", "2031-01-01"],
         "'asked_at' parameter of Journal.add_ask must not lie in the future"),
        (["add", "ask", " a", *ASK], "'counterpart'"),
        (["add", "ask", "a", *ASK[:6], "--unit", ""], "'unit'"),
        (["add", "outcome", "x", "--result", "refused"], "'ID' argument"),
        (["add", "outcome", "7", "--result", "refused"], "'ask_id'"),
        (["add", "outcome", "1", "--result", "won"], "'result' parameter"),
        (["add", "outcome", "1", "--result", "refused", "--value", "lots"], "'--value' option"),
        (["add", "outcome", "1", "--result", "refused", "--value", "105000"],
         "a refused ask has no agreed amount"),
        (["add", "outcome", "1", "--result", "walked-away", "--value", "0"],
         "a walked-away ask has no agreed amount"),
        (["add", "counterpart", ""], "'key'"),
        (["show", "nobody"], "'counterpart' parameter of Journal.history"),
        (["export", "--format", "xml"], "'--format' parameter of ditf journal export"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line(db, args, match):
    ok("journal", "--db", db, "add", "ask", "acme", *ASK)  # ask 1 exists
    assert_rejected(invoke("journal", "--db", db, *args), match)
    with Journal(db) as journal:
        assert len(journal.asks()) == 1 and journal.asks()[0].outcome is None


def test_a_second_outcome_is_refused(db):
    ok("journal", "--db", db, "add", "ask", "acme", *ASK)
    ok("journal", "--db", db, "add", "outcome", "1", "--result", "refused")
    assert_rejected(invoke("journal", "--db", db, "add", "outcome", "1", "--result", "refused"),
                    "ask 1 already ended as 'refused'")  # fmt: skip


def test_a_bad_database_is_one_line(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 100)
    assert_rejected(invoke("journal", "--db", str(notes), "list"), "is not a usable ditf journal")
    assert_rejected(invoke("journal", "--db", "nosuchdb://x/y", "list"), "unknown database")


def test_an_unwritable_out_file(db, tmp_path):
    target = tmp_path / "missing-dir" / "out.json"
    assert_rejected(invoke("journal", "--db", db, "export", "--out", str(target)), "Cannot write")


# issue 12 ------------------------------------------------------------------------------------


@pytest.fixture
def local_zone(monkeypatch):
    """Set the local time zone for the test (TZ and tzset), and restore it after."""
    import time

    def use(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("zone", "moment"),
    [
        ("UTC", "0001-01-01"),
        ("America/New_York", "0001-01-01"),
        ("Etc/GMT-14", "0001-01-01T00:00"),
        ("America/New_York", "9999-12-31T23:59"),
        ("Etc/GMT+12", "9999-12-31T12:00"),
        ("UTC", "9999-12-31T23:59:59-12:00"),
        ("UTC", "0001-01-01T00:00+14:00"),
    ],
)
def test_dates_past_the_ends_of_the_calendar_are_one_line(db, local_zone, zone, moment):
    local_zone(zone)
    result = invoke("journal", "--db", db, "add", "ask", "acme", *ASK, "--at", moment)
    assert_rejected(result, "'--at' option")
    assert "between the years 1 and 9999" in result.stderr


def test_the_start_of_the_calendar_in_utc_is_stored(db):
    moment = "0001-01-01T00:00+00:00"
    ok("journal", "--db", db, "add", "ask", "acme", *ASK, "--at", moment)
    [ask] = run_json("journal", "--db", db, "list")
    assert datetime.fromisoformat(ask["asked_at"]) == datetime.fromisoformat(moment)


def test_the_end_of_the_calendar_in_utc_is_the_future_and_refused(db):
    result = invoke("journal", "--db", db, "add", "ask", "acme", *ASK, "--at",
                    "9999-12-31T23:59+00:00")  # fmt: skip
    assert_rejected(result, "must not lie in the future")
    assert "'9999-12-31T23:59:00+00:00'" in result.stderr
    assert run_json("journal", "--db", db, "list") == []


@pytest.mark.parametrize("value", ["1__0", "_10", "10_", "1_0_", "nan", "inf", "1e999", "0x10"])
@pytest.mark.parametrize("option", ["--fallback", "--opener", "--delay-hours"])
def test_odd_numbers_are_refused(db, option, value):
    args = [*ASK, "--delay-hours", "0"]
    args[args.index(option) + 1] = value
    result = invoke("journal", "--db", db, "add", "ask", "acme", *args)
    assert_rejected(result, f"The '{option}' option of ditf journal add ask must be a number")
    assert run_json("journal", "--db", db, "list") == []  # nothing stored


def test_amounts_beyond_max_amount_are_refused_as_the_web_does(db):
    args = ["journal", "--db", db, "add", "ask", "acme", *ASK]
    args[args.index("--opener") + 1] = "1.7e308"
    assert_rejected(invoke(*args), "DITF_MAX_AMOUNT")
    args[args.index("--opener") + 1] = "2e12"
    assert_rejected(invoke(*args), "(0, 1e+12]")
    ok(*args, env={"DITF_MAX_AMOUNT": "1e13"})
    assert_rejected(invoke("journal", "--db", db, "add", "outcome", "1", "--result",
                           "accepted-opener", "--value", "2e12"), "'value'")  # fmt: skip


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "=HYPERLINK()"])
def test_csv_export_neutralises_formulas(db, text):
    ok("journal", "--db", db, "add", "counterpart", "acme", "--name", text)
    ok("journal", "--db", db, "add", "ask", "acme", "--fallback", "5", "--domain", text,
       "--unit", "EUR", "--scenario", text)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(ok("journal", "--db", db, "export", "--format",
                                              "csv").stdout)))  # fmt: skip
    [row] = rows
    for column in ("counterpart_name", "domain", "scenario"):
        assert row[column] == "'" + text
    assert row["fallback"] == "5.0"  # numbers stay numbers
    assert row["unit"] == "EUR"


def test_csv_export_keeps_negative_numbers_numeric(db):
    ok("journal", "--db", db, "add", "ask", "acme", *ASK)
    ok("journal", "--db", db, "add", "outcome", "1", "--result", "refused", "--notes", "-ok")
    [row] = csv.DictReader(io.StringIO(ok("journal", "--db", db, "export", "--format",
                                          "csv").stdout))  # fmt: skip
    assert row["outcome_notes"] == "'-ok"
    assert row["opener"] == "125000.0"


@pytest.mark.parametrize("command", [["list"], ["show", "acme"], ["export"]])
def test_reading_a_missing_journal_creates_nothing(tmp_path, command):
    db = tmp_path / "sub" / "journal.sqlite"
    invoke("journal", "--db", str(db), *command)
    assert not db.parent.exists()
