"""``ditf simulate`` and ``ditf sweep``: JSON, CSV and chart outputs, backends, one-line errors."""

from __future__ import annotations

import dataclasses
import json
import re
import typing

import pandas as pd
import pytest
from typer.testing import CliRunner

from ditf.cli import app
from ditf.simulate import CONDITIONS, Scenario, SimulationRow

#: An ordinary terminal width, so Rich wraps (or not) the same way everywhere.
ENV = {"COLUMNS": "80"}
SMALL = ["--people", "2000"]
SWEEP = ["sweep", "opener=10:1000:3:log", "--people", "2000"]
ROW_KEYS = {f.name for f in dataclasses.fields(SimulationRow)}
SWEEP_KEYS = {
    "run", "condition", "p_yes", "p_yes_lo", "p_yes_hi", "p_kept", "p_kept_lo", "p_kept_hi",
    "asked", "yes", "expected_value", "expected_value_kept",
}  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n"


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env={**ENV, **(env or {})})


def run_json(*args: str, env: dict[str, str] | None = None):
    result = invoke(*args, "--json", env=env)
    assert result.exit_code == 0, result.output
    assert result.exception is None
    return json.loads(result.stdout)


def assert_rejected(result, match: str) -> None:
    """Exit code 2, a message starting with 'error: ', no traceback and nothing on stdout."""
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: "), repr(result.stderr)
    assert result.stderr.count("\n") == 1, repr(result.stderr)
    assert match in " ".join(result.stderr.split())


# simulate -----------------------------------------------------------------------------------


def test_simulate_json_shape():
    payload = run_json("simulate", *SMALL, "--seed", "3")
    assert payload.keys() == {"scenario", "n_people", "rows"}
    assert payload["n_people"] == 2000
    assert payload["scenario"] == dataclasses.asdict(Scenario())
    rows = payload["rows"]
    for row in rows:
        assert row.keys() >= ROW_KEYS
    targets = [r for r in rows if r["is_target"]]
    assert [r["condition"] for r in targets] == list(CONDITIONS)
    assert all(r["episode"] == 1 and "expected_value" in r for r in targets)
    assert not any("expected_value" in r for r in rows if not r["is_target"])


def test_simulate_json_intervals_contain_their_rates():
    rows = run_json("simulate", *SMALL, "--seed", "3")["rows"]
    assert any(r["yes"] == 0 for r in rows)
    for row in rows:
        assert 0.0 <= row["p_yes_lo"] <= row["p_yes"] <= row["p_yes_hi"] <= 1.0
        assert 0.0 <= row["p_kept_lo"] <= row["p_kept"] <= row["p_kept_hi"] <= 1.0


def test_simulate_json_is_reproducible_and_follows_the_options():
    args = (
        *("simulate", "--people", "3000", "--opener", "50", "--target", "1", "--foot", "0.5"),
        *("--baseline", "0.3", "--delay-hours", "2", "--plausible-max", "40", "--unit"),
        *("dollars", "--not-prosocial", "--condition", "door_in_the_face", "--seed", "9"),
    )
    payload = run_json(*args)
    assert payload == run_json(*args)
    assert payload["scenario"] == dataclasses.asdict(
        Scenario(
            opener=50,
            target=1,
            foot=0.5,
            baseline=0.3,
            delay_hours=2,
            plausible_max=40,
            unit="dollars",
            prosocial=False,
        )
    )
    assert [(r["condition"], r["cost"]) for r in payload["rows"]] == [
        ("door_in_the_face", 50.0),
        ("door_in_the_face", 1.0),
    ]
    assert payload != run_json(*args[:-1], "10")


def test_simulate_renders_a_table():
    result = invoke("simulate", *SMALL, "--condition", "target_only", "--condition",
                    "door_in_the_face")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Simulated: 2,000 people per condition" in result.stdout
    assert "door in the" in result.stdout  # the 80-column table wraps "face"
    assert "exposure" not in result.stdout


def test_simulate_csv_reads_back_with_pandas(tmp_path):
    path = tmp_path / "sim.csv"
    result = invoke("simulate", *SMALL, "--csv", str(path), "--episodes", "2")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(path)
    assert list(frame.columns) == [
        *(f.name for f in dataclasses.fields(SimulationRow)),
        "expected_value",
        "expected_value_kept",
    ]
    assert len(frame) == 2 * 8  # two episodes, eight asked steps
    targets = frame[frame["is_target"]]
    assert sorted(zip(targets["condition"], targets["episode"], strict=True)) == sorted(
        (c, e) for c in CONDITIONS for e in (1, 2)
    )
    assert targets["expected_value"].notna().all()
    assert frame.loc[~frame["is_target"], "expected_value"].isna().all()
    assert (frame["asked"] <= 2000).all()


def test_simulate_json_and_csv_hold_the_same_rows(tmp_path):
    path = tmp_path / "sim.csv"
    payload = run_json("simulate", *SMALL, "--csv", str(path))
    frame = pd.read_csv(path)
    assert frame["yes"].tolist() == [r["yes"] for r in payload["rows"]]
    assert frame["p_yes"].tolist() == pytest.approx([r["p_yes"] for r in payload["rows"]])


@pytest.mark.parametrize("episodes", ["1", "3"])
def test_simulate_saves_a_png(tmp_path, episodes):
    chart = tmp_path / "sim.png"
    result = invoke("simulate", *SMALL, "--episodes", episodes, "--plot", str(chart))
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(PNG)


def test_simulate_saves_an_svg_of_one_condition(tmp_path):
    chart = tmp_path / "sim.svg"
    result = invoke("simulate", *SMALL, "--condition", "foot_in_the_door", "--plot", str(chart))
    assert result.exit_code == 0, result.output
    assert "<svg" in chart.read_text(encoding="utf-8")


# sweep --------------------------------------------------------------------------------------


def test_sweep_json_shape():
    payload = run_json(*SWEEP, "--seed", "1")
    assert payload.keys() == {"axes", "rows"}
    assert payload["axes"] == [{"name": "opener", "values": [10.0, 100.0, 1000.0]}]
    rows = payload["rows"]
    assert len(rows) == 3 * len(CONDITIONS)
    for row in rows:
        assert row.keys() == SWEEP_KEYS | {"opener"}
        assert 0.0 <= row["p_yes_lo"] <= row["p_yes"] <= row["p_yes_hi"] <= 1.0
    assert [r["opener"] for r in rows[:: len(CONDITIONS)]] == pytest.approx([10, 100, 1000])


def test_sweep_renders_a_table_of_two_axes():
    result = invoke("sweep", "opener=100,300", "delay_hours=0,24", "--people", "500",
                    "--condition", "door_in_the_face")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Sweep: P(yes) to the target" in result.stdout
    assert result.stdout.count("door in the") == 4  # the 80-column table wraps "face"


def test_sweep_csv_reads_back_with_pandas(tmp_path):
    path = tmp_path / "sweep.csv"
    result = invoke(*SWEEP, "--csv", str(path))
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(path)
    assert set(frame.columns) == SWEEP_KEYS | {"opener"}
    assert len(frame) == 3 * len(CONDITIONS)
    assert frame["run"].tolist() == [r for r in (1, 2, 3) for _ in CONDITIONS]
    assert sorted(frame["opener"].unique()) == pytest.approx([10, 100, 1000])


@pytest.mark.parametrize("axes", [["opener=10:1000:3:log"], ["opener=10,1000", "reciprocity=0,1"]])
def test_sweep_saves_a_png(tmp_path, axes):
    chart = tmp_path / "sweep.png"
    result = invoke("sweep", *axes, "--people", "500", "--plot", str(chart))
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(PNG)


def test_sweep_on_two_processes_equals_serial():
    serial = run_json(*SWEEP, "--condition", "door_in_the_face", "--seed", "5")
    parallel = run_json(*SWEEP, "--condition", "door_in_the_face", "--seed", "5",
                        "--processes", "2")  # fmt: skip
    assert parallel == serial


def test_sweep_reads_its_caps_from_the_environment():
    payload = run_json(*SWEEP, env={"DITF_MAX_SWEEP_RUNS": "3", "DITF_MAX_POPULATION": "2000"})
    assert len(payload["rows"]) == 3 * len(CONDITIONS)


# Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "match"),
    [
        pytest.param(["sweep", "opener"], {}, "Cannot read the sweep 'opener'", id="malformed"),
        pytest.param(["sweep", "opener=1:2:3:lin"], {}, "Cannot read the sweep", id="not log"),
        pytest.param(["sweep", "nope=1,2"], {}, "Got 'nope' instead", id="unknown param"),
        pytest.param(
            ["simulate", "--condition", "nope"],
            {},
            "Got 'nope' instead",
            id="simulate unknown condition",
        ),
        pytest.param(
            [*SWEEP, "--condition", "nope"],
            {},
            "Got 'nope' instead",
            id="sweep unknown condition",
        ),
        pytest.param(["simulate", "--people", "0"], {}, "Got 0 instead", id="simulate --people 0"),
        pytest.param(
            [*SWEEP, "--people", "0"],
            {},
            "Got 0 instead",
            id="sweep --people 0",
        ),
        pytest.param(["simulate", "--episodes", "51"], {}, "'episodes'", id="--episodes 51"),
        pytest.param(
            SWEEP,
            {"DITF_MAX_SWEEP_RUNS": "2"},
            "must be an int in [1, 2]. Got 3",
            id="too many runs",
        ),
        pytest.param(
            SWEEP,
            {"DITF_MAX_RESPONSES": "10"},
            "raise DITF_MAX_RESPONSES",
            id="too many responses",
        ),
        pytest.param(
            ["simulate", "--people", "100"],
            {"DITF_MAX_POPULATION": "10"},
            "must be an int in [1, 10]. Got 100",
            id="simulate over population",
        ),
        pytest.param(
            ["simulate"],
            {"DITF_MAX_POPULATION": "ten"},
            "DITF_MAX_POPULATION must be a positive integer. Got 'ten'",
            id="bad env value",
        ),
        pytest.param(
            [*SWEEP, "--workers", "2", "--processes", "2"],
            {},
            "Choose one of --processes, --workers or --scheduler",
            id="two backends",
        ),
        pytest.param(
            ["simulate", "--baseline", "1.5"],
            {},
            "'baseline' parameter of Scenario must be a probability in (0, 1). Got 1.5",
            id="simulate --baseline 1.5",
        ),
        pytest.param([*SWEEP, "--baseline", "1.5"], {}, "Got 1.5", id="sweep --baseline 1.5"),
        pytest.param(
            ["simulate", "--opener", "1"],
            {},
            "opener > target > foot",
            id="simulate opener < target",
        ),
        pytest.param(
            ["sweep", "opener=1,10", "--people", "500"],
            {},
            "opener > target > foot",
            id="sweep opener < target",
        ),
        pytest.param(["simulate", "--seed", "-1"], {}, "'--seed'", id="simulate --seed -1"),
        pytest.param([*SWEEP, "--seed", "-1"], {}, "'--seed'", id="sweep --seed -1"),
        pytest.param([*SWEEP, "--processes", "0"], {}, "Got 0 instead", id="--processes 0"),
    ],
)
def test_bad_input_exits_2_with_one_error_line(args, env, match):
    assert_rejected(invoke(*args, env=env), match)


@pytest.mark.parametrize(
    "args",
    [
        [*SWEEP, "--condition", "nope"],
        [*SWEEP, "--people", "0"],
        ["sweep", "opener=1,10", "--people", "500"],
    ],
    ids=["condition", "people", "opener < target"],
)
def test_sweep_errors_during_the_run_exit_2_without_a_traceback(args):
    # The part of assert_rejected that holds despite the blank-line bug above.
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.strip().startswith("error: ")
    # With --json the progress bar is off and the message is one line.
    assert_rejected(invoke(*args, "--json"), result.stderr.strip().removeprefix("error: ")[:40])


@pytest.mark.parametrize(
    "command",
    [["simulate", *SMALL], SWEEP],
    ids=["simulate", "sweep"],
)
def test_a_plot_format_that_cannot_be_written_is_rejected(tmp_path, command):
    target = tmp_path / "chart.xyz"
    result = invoke(*command, "--plot", str(target))
    assert_rejected(result, "Cannot write the plot to")
    assert "name a .png, .svg or .pdf file" in result.stderr
    assert not target.exists()


def test_a_csv_in_a_missing_folder_is_rejected(tmp_path):
    result = invoke("simulate", *SMALL, "--csv", str(tmp_path / "no" / "sim.csv"))
    assert_rejected(result, "Cannot write")


def test_zero_dask_workers_are_rejected():
    assert_rejected(invoke(*SWEEP, "--workers", "0"), "Got 0 instead")


# issue 12 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["simulate"], ["sweep", "opener=10:100:2"]])
@pytest.mark.parametrize("unit", ["", "  "])
def test_an_empty_unit_is_refused_as_the_api_does(command, unit):
    assert_rejected(invoke(*command, *SMALL, "--unit", unit), "'--unit' option")


@pytest.mark.parametrize("scheduler", ["not a url", "foo://x:1", "tcp://"])
def test_a_bad_scheduler_address_is_one_line(scheduler):
    result = invoke("sweep", "opener=3:300:3", *SMALL, "--scheduler", scheduler, "--json")
    assert_rejected(result, "Dask scheduler address")


def test_repeated_conditions_are_refused():
    args = ["--condition", "door_in_the_face"] * 3
    assert_rejected(invoke("simulate", *SMALL, *args), "'door_in_the_face' 3 times")


@pytest.mark.parametrize("value", ["1__0", "nan", "inf"])
def test_odd_numbers_are_refused(value):
    assert_rejected(invoke("simulate", *SMALL, "--opener", value), "Invalid value for '--opener'")


def test_the_scenario_options_are_the_scenarios_fields():
    """One declaration: every field of Scenario is an option, and nothing else is."""
    from ditf.cli._app import ScenarioOptions

    options = {f.name for f in dataclasses.fields(ScenarioOptions)}
    assert options == {f.name for f in dataclasses.fields(Scenario)}
    assert ScenarioOptions(baseline=0.3, unit="EUR").scenario() == Scenario(
        baseline=0.3, unit="EUR"
    )


def test_the_scenario_options_show_the_scenarios_defaults():
    """The help's [default] of each option is the one Scenario takes when it is left out."""
    from ditf.cli._app import ScenarioOptions

    hints = typing.get_type_hints(ScenarioOptions, include_extras=True)
    for name, default in dataclasses.asdict(Scenario()).items():
        shown = re.search(r"\[(.+)\]", hints[name].__metadata__[0].help).group(1)
        if default is None:
            assert shown == "none"
        elif isinstance(default, bool):
            assert shown == ("yes" if default else "no")
        elif isinstance(default, float):
            assert float(shown) == default
        else:
            assert shown == default


@pytest.mark.parametrize(
    ("command", "offered"),
    [(["simulate"], True), (["sweep"], True), (["study", "power"], False)],
)
def test_the_scenario_options_are_offered_where_they_apply(command, offered):
    text = invoke(*command, "--help", env={"COLUMNS": "200"}).stdout
    assert "--baseline" in text and "--plausible-max" in text
    # The three arms of study power ask no foot, and its results have no unit.
    assert ("--foot" in text) == offered
    assert ("--unit" in text) == offered


@pytest.mark.parametrize("command", [["simulate"], ["sweep", "opener=10:100:2"]])
def test_scenario_amounts_are_capped_as_files_are(command, monkeypatch):
    monkeypatch.setenv("DITF_MAX_AMOUNT", "1000")
    result = invoke(*command, *SMALL, "--plausible-max", "5000")
    assert_rejected(result, "--plausible-max is 5000.0; numbers must be finite and at most 1000")
