"""``ditf train``: rounds as the requester and as the target, with options or prompts."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from ditf.cli import app
from ditf.train import (
    Choice,
    TargetResponse,
    make_pitch,
    pick_scenario,
    play_round,
    score_target,
    trainer_scenario,
)

ENV = {"COLUMNS": "100"}
SALARY = ["train", "--scenario", "salary-beginner"]
ROUND = [*SALARY, "--opener", "56000", "--fallback", "52000", "--explanation",
         "I give up four thousand but still need this", "--seed", "3"]  # fmt: skip
TARGET = ["train", "--as-target", "--scenario", "salary-beginner", "--seed", "5"]


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin, env=ENV)


def run_json(*args: str):
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_rejected(result, match: str) -> None:
    """Exit code 2, one line on stderr starting with 'error: ', no traceback."""
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: "), repr(result.stderr)
    assert result.stderr.count("\n") == 1, repr(result.stderr)
    assert match in " ".join(result.stderr.split()), result.stderr


# Requester ----------------------------------------------------------------------------------


def test_a_scripted_round_is_the_library_round():
    payload = run_json(*ROUND)
    s = trainer_scenario("salary-beginner")
    choice = Choice(opener=56000, fallback=52000,
                    explanation="I give up four thousand but still need this")  # fmt: skip
    expected = play_round(s, choice, rng=np.random.default_rng(3))
    assert payload == {"seed": 3} | expected.to_dict()
    assert payload["role"] == "requester"


def test_the_same_seed_replays_the_round():
    assert run_json(*ROUND) == run_json(*ROUND)


def test_a_scripted_direct_ask():
    payload = run_json(*SALARY, "--fallback", "50000", "--seed", "1")
    assert payload["choice"]["uses_technique"] is False
    assert payload["answers"]["opener_answer"] is None
    assert payload["mechanisms"] == []


def test_domain_and_level_pick_the_scenario():
    payload = run_json("train", "--domain", "pricing", "--level", "advanced", "--fallback",
                       "10000", "--seed", "2")  # fmt: skip
    assert payload["scenario"]["id"] == "pricing-advanced"
    assert (
        pick_scenario(level="practitioner", rng=np.random.default_rng(8)).id
        == run_json("train", "--level", "practitioner", "--seed", "8")["scenario"]["id"]
    )


def test_json_without_choices_shows_the_scenario():
    payload = run_json(*SALARY, "--seed", "4")
    assert payload["seed"] == 4
    assert payload["scenario"] == trainer_scenario("salary-beginner").to_dict()


def test_a_round_reads_well():
    result = invoke(*ROUND)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    for marker in ("What happened", "Your choice against the alternatives", "Mechanism by "
                   "mechanism", "Audit", "Goals", "Score", "The planner's plan would say",
                   "a single round is mostly luck", "seed 3"):  # fmt: skip
        assert marker in text, marker
    assert result.stderr == ""


def test_an_interactive_round():
    answers = "56000\n52000\n0\nI give up four thousand but still need this\ny\n"
    result = invoke(*SALARY, "--seed", "3", stdin=answers)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Your first job offer" in text and "Goals" in text
    assert "Your opener (empty: ask directly)" in text
    assert "Would you honour a yes to your opener?" in text
    scripted = " ".join(invoke(*ROUND).stdout.split())
    assert text.endswith(scripted.split("What happened", 1)[1])


def test_an_interactive_direct_ask():
    result = invoke(*SALARY, "--seed", "1", stdin="\n50000\n")
    assert result.exit_code == 0, result.output
    assert "You asked for 50,000 EUR" in " ".join(result.stdout.split())


def test_the_list():
    result = invoke("train", "--list")
    assert result.exit_code == 0
    assert "salary-beginner" in result.stdout and "fundraising-advanced" in result.stdout
    listed = run_json("train", "--list", "--domain", "settlement")
    assert [s["id"] for s in listed] == [
        "settlement-beginner", "settlement-practitioner", "settlement-advanced",
    ]  # fmt: skip


# Target -------------------------------------------------------------------------------------


def test_a_scripted_target_round_is_the_library_round():
    payload = run_json(*TARGET, "--theatrical", "--decision", "counter", "--counter", "50000",
                       "--flag-theatrical")  # fmt: skip
    pitch = make_pitch(trainer_scenario("salary-beginner"), honest=False,
                       rng=np.random.default_rng(5))  # fmt: skip
    expected = score_target(
        pitch, TargetResponse(decision="counter", counter=50000, flag_theatrical=True)
    )
    assert payload == {"seed": 5} | expected.to_dict()
    assert payload["score"] == 100.0


def test_json_without_a_decision_shows_the_pitch_but_not_the_truth():
    payload = run_json(*TARGET)
    assert set(payload) == {"seed", "pitch"}
    assert "honest" not in payload["pitch"] and len(payload["pitch"]["lines"]) == 2
    answered = run_json(*TARGET, "--decision", "decline")
    assert answered["pitch"]["lines"] == payload["pitch"]["lines"]


def test_an_interactive_target_round():
    result = invoke(*TARGET, "--theatrical", stdin="counter\n50000\ny\n")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "you are the hiring manager" in text and "Your limit: 51,000 EUR." in text
    assert "This counterpart was theatrical" in text
    assert "Score 100 / 100" in text and "true positive" in text
    assert "Pressure: P(yes)" in text and "Advice" in text


def test_a_target_round_reads_well():
    result = invoke(*TARGET, "--honest", "--decision", "accept")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "This counterpart was honest" in text and "You answered: accept" in text


# Bad input ----------------------------------------------------------------------------------

BAD = [
    (["train", "--level", "expert"], "The '--level' parameter of ditf train"),
    (["train", "--domain", "chess"], "The '--domain' parameter of ditf train"),
    (["train", "--list", "--domain", "chess"], "The '--domain' parameter of ditf train"),
    (["train", "--seed", "-1"], "The '--seed' parameter of ditf train"),
    (["train", "--scenario", "nope"], "Unknown trainer scenario 'nope'"),
    ([*SALARY, "--fallback", "40000"], "must lie above 44,000 EUR"),
    ([*SALARY, "--fallback", "52000", "--opener", "50000"], "must ask for more than"),
    ([*SALARY, "--fallback", "52000", "--delay-hours", "-2"], "'delay_hours' parameter of Choice"),
    ([*SALARY, "--decision", "accept"], "--decision belong(s) to the target (--as-target)"),
    ([*TARGET, "--opener", "5"], "--opener belong(s) to the requester"),
    ([*TARGET, "--decision", "maybe"], "The '--decision' parameter of ditf train"),
    ([*TARGET, "--decision", "counter"], "needs decision='counter' and an amount"),
    ([*TARGET, "--decision", "accept", "--counter", "5"], "needs decision='counter'"),
]


@pytest.mark.parametrize(("args", "match"), BAD, ids=[" ".join(a[1:]) for a, _ in BAD])
def test_bad_input_exits_2_with_one_line(args, match):
    result = invoke(*args)
    assert_rejected(result, match)
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "stdin", "match"),
    [
        (SALARY, "", "No answer on standard input"),
        (SALARY, "lots\n", "The 'opener' answer must be a number. Got 'lots'"),
        (SALARY, "56000\n52000\n0\nok\nperhaps\n", "Answer y or n. Got 'perhaps'"),
        (TARGET, "maybe\n", "The 'answer' parameter of ditf train"),
        (TARGET, "counter\nfifty\n", "The 'counter-offer' answer must be a number"),
    ],
    ids=["end of input", "not a number", "not yes or no", "bad decision", "bad counter"],
)
def test_bad_answers_to_prompts_exit_2_with_one_line(args, stdin, match):
    assert_rejected(invoke(*args, stdin=stdin), match)


def test_the_audit_is_shown():
    result = invoke("train", "--scenario", "salary-advanced", "--opener", "160000", "--fallback",
                    "88000", "--seed", "0")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "[blocking] The opener is absurd" in text and "not admissible" in text


def test_an_interactive_round_on_repeated_use_declared_theatrical():
    why = "I still need sixty thousand for my client"
    answers = f"70000\n60000\n\n{why}\nn\n"
    result = invoke("train", "--scenario", "settlement-advanced", "--seed", "2", stdin=answers)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "earlier retreats they saw from you 2" in text
    assert "[blocking] You would not honour a yes to the opener" in text
    payload = run_json("train", "--scenario", "settlement-advanced", "--seed", "2", "--opener",
                       "70000", "--fallback", "60000", "--explanation", why,
                       "--no-honour-opener")  # fmt: skip
    assert payload["theatrical"] is True
    assert f"Score {payload['score']['total']:.1f} / 100" in text


def test_an_empty_answer_takes_the_default():
    result = invoke(*TARGET, "--theatrical", stdin="decline\n\n")
    assert result.exit_code == 0, result.output
    assert "false negative" in " ".join(result.stdout.split())


def test_a_buyers_briefing_names_the_most_they_will_pay():
    buyer = invoke("train", "--scenario", "procurement-beginner", "--seed", "1", stdin="\n" * 6)
    assert "the most you will pay" in buyer.stdout and "your minimum" not in buyer.stdout
