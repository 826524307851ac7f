"""``ditf negotiate`` and ``ditf tournament``: transcripts, JSON, CSV, charts, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ditf.cli import app
from ditf.negotiate import STRATEGIES, TournamentRow

ENV = {"COLUMNS": "200"}
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "negotiate"
SALARY = str(EXAMPLES / "salary.toml")
SUPPLIER = str(EXAMPLES / "supplier.toml")
PNG = b"\x89PNG\r\n\x1a\n"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def run_json(*args: str):
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_rejected(result, match: str) -> None:
    """Exit code 2, one line starting with 'error: ', nothing on stdout, no traceback."""
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception), repr(result.exception)
    assert result.stdout == ""
    assert result.stderr.startswith("error: "), repr(result.stderr)
    assert result.stderr.count("\n") == 1, repr(result.stderr)
    assert match in " ".join(result.stderr.split())


def write(tmp_path: Path, text: str, name: str = "scenario.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


MINIMAL = """
[[issues]]
name = "price"
lo = 0
hi = 100
unit = "EUR"

[requester]
target = 40
reservation = 30

[counterpart]
reservation = {reservation}
"""


# negotiate ----------------------------------------------------------------------------------


def test_negotiate_prints_a_readable_transcript_and_the_report():
    result = invoke("negotiate", SALARY, "--seed", "1")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "door_in_the_face vs human" in text
    assert "I'd like to ask for 40%." in text
    assert "was a lot to ask" in text and "6% instead" in text
    assert "surplus over the reservations" in text and "Pareto" in text
    assert "retreat" in text


def test_negotiate_json_is_the_whole_negotiation_and_reproducible():
    payload = run_json("negotiate", SALARY, "--seed", "2")
    assert payload == run_json("negotiate", SALARY, "--seed", "2")
    assert payload.keys() >= {"requester", "counterpart", "status", "agreement", "rounds",
                              "report", "moves"}  # fmt: skip
    assert payload["moves"][0]["outcome"] == "40%"
    assert payload["report"]["retreat"] in ("transfer", "none")
    human = [m for m in payload["moves"] if m["side"] == "counterpart"]
    assert set(human[0]["lifts"]) == {"reciprocity", "contrast", "consistency", "credibility",
                                      "anchoring"}  # fmt: skip


def test_negotiate_follows_the_file_strategies_populations_and_options():
    payload = run_json("negotiate", SALARY, "--strategy", "market_high", "--counterpart",
                       "habituated", "--seed", "3")  # fmt: skip
    assert payload["moves"][0]["outcome"] == "15%"
    opener = run_json("negotiate", SALARY, "--opener", "12", "--rounds", "5")
    assert opener["moves"][0]["outcome"] == "12%"
    assert opener["rounds"] <= 5
    automated = run_json("negotiate", SALARY, "--strategy", "linear", "--counterpart", "conceder")
    assert automated["requester"] == "linear" and automated["counterpart"] == "conceder"
    assert automated["status"] == "agreement"


def test_negotiate_multi_issue_and_a_chart(tmp_path):
    chart = tmp_path / "deal.png"
    result = invoke("negotiate", SUPPLIER, "--strategy", "informed", "--plot", str(chart))
    assert result.exit_code == 0, result.output
    assert "discount" in result.stdout and "warranty" in result.stdout
    assert chart.read_bytes().startswith(PNG)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--strategy", "charm"], "Unknown strategy 'charm' for --strategy. Choose from "
         "boulware, conceder"),
        (["--counterpart", "robot"], "Unknown counterpart 'robot' for --counterpart"),
        (["--strategy", "linear", "--opener", "10"], "--opener only applies to --strategy "
         "door_in_the_face"),
        (["--opener", "80"], "The --opener option must lie in the range of raise, [0, 40]. Got 80"),
        (["--seed", "-1"], "'--seed' parameter of ditf negotiate"),
        (["--rounds", "1"], "'rounds' parameter of Problem must be an int in [2, 10000]"),
    ],
)  # fmt: skip
def test_negotiate_rejects_bad_options_in_one_line(args, match):
    assert_rejected(invoke("negotiate", SALARY, *args), match)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (MINIMAL.format(reservation=120), "'counterpart_reservation' parameter of Problem must "
         "lie in the outcome space: price in [0, 100]. Got 120 instead"),
        (MINIMAL.format(reservation=60) + "\n[strategies.x]\nkind = 'haggle'\n",
         "[strategies.x] has kind 'haggle'"),
        (MINIMAL.format(reservation=60) + "\n[strategies.x]\nkind = 'linear'\nopener = 3\n",
         "[strategies.x] (linear) has unknown key(s) ['opener']"),
        (MINIMAL.format(reservation=60) + "\n[counterparts.y]\nmood = 'bad'\n",
         "[counterparts.y] has unknown key(s) ['mood']"),
        (MINIMAL.format(reservation=60).replace("[requester]", "[buyer]"),
         "The scenario has unknown key(s) ['buyer']"),
        (MINIMAL.format(reservation=60).replace("target = 40\n", ""),
         "[requester] needs ['target']"),
        ("rounds = 5\n", "needs [[issues]]"),
        ("[[issues]]\nname = 'a'\nlo = 0\n", "Issue 1 needs ['hi']"),
        ("[[issues]]\nname = 'a'\nlo = 0\nhi = 1\nsize = 3\n", "Issue 1 has unknown key(s)"),
        ("[[issues]\n", "is not valid TOML"),
    ],
)  # fmt: skip
def test_bad_scenario_files_are_rejected_in_one_line(tmp_path, text, match):
    assert_rejected(invoke("negotiate", write(tmp_path, text)), match)


def test_missing_files_and_other_formats_are_rejected(tmp_path):
    assert_rejected(invoke("negotiate", str(tmp_path / "nope.toml")), "Cannot read")
    assert_rejected(invoke("negotiate", write(tmp_path, "{}", "s.yaml")), "expected a .toml or")
    payload = json.dumps({"issues": [{"name": "a", "lo": 0, "hi": 10}],
                          "requester": {"target": 4, "reservation": 3},
                          "counterpart": {"reservation": 6}})  # fmt: skip
    ok = run_json("negotiate", write(tmp_path, payload, "s.json"))
    assert ok["status"] in ("agreement", "no agreement", "walked away")


# tournament ---------------------------------------------------------------------------------


def test_tournament_json_has_a_row_per_strategy_and_population():
    payload = run_json("tournament", SALARY, "-n", "50", "--seed", "4")
    rows = payload["rows"]
    strategies = [*STRATEGIES, "market_high", "market_high_then_concede"]
    assert [(r["strategy"], r["counterpart"]) for r in rows] == [
        (s, c) for s in strategies for c in ("human", "habituated")]  # fmt: skip
    assert all(r["n"] == 50 for r in rows)
    assert payload == run_json("tournament", SALARY, "-n", "50", "--seed", "4")


def test_tournament_table_csv_and_chart(tmp_path):
    csv_path, chart = tmp_path / "t.csv", tmp_path / "t.svg"
    result = invoke(
        "tournament", SUPPLIER, "--strategy", "door_in_the_face", "--strategy", "informed",
        "--counterpart", "human", "--counterpart", "boulware", "--negotiations", "40",
        "--csv", str(csv_path), "--plot", str(chart),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Tournament: 40 negotiations per cell" in result.stdout
    assert "joint gain" in result.stdout
    frame = pd.read_csv(csv_path)
    assert list(frame.columns) == list(TournamentRow.__slots__)
    assert len(frame) == 4
    assert "<svg" in chart.read_text(encoding="utf-8")
    assert result.stderr == ""  # no progress bar off a terminal


def test_tournament_episodes_show_in_the_table():
    result = invoke("tournament", SALARY, "--strategy", "door_in_the_face", "--counterpart",
                    "human", "-n", "30", "--episodes", "2")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "episode" in result.stdout


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--strategy", "charm"], "Unknown strategy 'charm'"),
        (["--counterpart", "robot"], "Unknown counterpart 'robot'"),
        (["-n", "0"], "'n' parameter of tournament must be an int in [1, 1000000]"),
        (["--episodes", "99"], "'episodes' parameter of tournament"),
        (["--seed", "-2"], "'--seed' parameter of ditf tournament"),
    ],
)
def test_tournament_rejects_bad_options_in_one_line(args, match):
    assert_rejected(invoke("tournament", SALARY, *args), match)


def test_tournament_reports_unwritable_outputs(tmp_path):
    missing = tmp_path / "no" / "such" / "t.csv"
    assert_rejected(invoke("tournament", SALARY, "-n", "5", "--strategy", "linear",
                           "--csv", str(missing)), "Cannot write")  # fmt: skip
