"""The ``ditf`` command: JSON shapes of each command, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ditf.cli import app
from ditf.model import FitResult, study_names

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
#: An ordinary terminal width, so Rich wraps (or not) the same way everywhere.
ENV = {"COLUMNS": "80"}
DOOR = ["--opener", "208", "--target", "2", "--baseline", "0.167"]


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def run_json(*args: str):
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    assert result.exception is None
    return json.loads(result.stdout)


def assert_rejected(result, match: str) -> None:
    """Exit code 2, a message starting with 'error: ', no traceback and nothing on stdout."""
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert match in " ".join(result.stderr.split())


@pytest.fixture
def studies_csv(tmp_path):
    """A copy of the bundled studies table, as a user's file."""
    text = resources.files("ditf.data").joinpath("evidence", "studies.csv").read_text("utf-8")
    path = tmp_path / "studies.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def bad_csv(studies_csv):
    """The bundled table with 'n' of its third data row (line 4) not a number."""
    lines = studies_csv.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",24,4,16.7,", ",twenty-four,4,16.7,")
    path = studies_csv.with_name("bad.csv")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- replicate

CONDITION_KEYS = {"condition", "condition_type", "n", "observed_pct", "predicted_pct", "lo", "hi"}


def test_replicate_cialdini_json():
    payload = run_json("replicate", "cialdini1975", "--sims", "1000")
    assert payload["study"] == "cialdini1975"
    assert {"study", "conditions", "replication"} <= payload.keys()
    conditions = payload["conditions"]
    assert [c["condition_type"] for c in conditions] == [
        "ditf",
        "exposure_control",
        "target_only",
        "large_only",
    ]
    for c in conditions:
        assert c.keys() >= CONDITION_KEYS
        assert 0 <= c["lo"] <= c["hi"] <= 100
        assert 0 <= c["predicted_pct"] <= 100
        assert 0 <= c["observed_pct"] <= 100
        assert c["n"] == 24
    assert conditions[0]["observed_pct"] == pytest.approx(50.0)
    replication = payload["replication"]
    assert 0.0 <= replication["power"] <= 1.0
    assert replication["n_sims"] == 1000
    assert replication["chi2_lo"] <= replication["chi2_median"] <= replication["chi2_hi"]


def test_replicate_freedman_fraser_json():
    payload = run_json("replicate", "freedman-fraser1966", "--sims", "500")
    types = [c["condition_type"] for c in payload["conditions"]]
    assert "fitd" in types
    assert "target_only" in types
    assert payload["replication"]["contrast"][0].startswith("performance")


def test_replicate_renders_a_table():
    result = invoke("replicate", "cialdini1975", "--sims", "500")
    assert result.exit_code == 0, result.output
    assert "rejection-moderation" in result.stdout
    assert "replication is significant" in result.stdout


def test_study_names_are_the_replicate_choices():
    assert set(study_names()) == {"cialdini1975", "freedman-fraser1966"}


# ---------------------------------------------------------------- predict

PREDICTION_KEYS = {"p_alone", "p_sequence", "lift", "lo", "hi", "contributions"}


def test_predict_door_in_the_face_json():
    payload = run_json("predict", *DOOR)
    assert payload.keys() >= PREDICTION_KEYS
    assert payload["p_alone"] == pytest.approx(0.167)
    assert payload["lo"] <= payload["p_sequence"] <= payload["hi"]
    assert payload["lift"] == pytest.approx(payload["p_sequence"] - payload["p_alone"])
    assert payload["p_sequence"] > payload["p_alone"]
    assert {"reciprocity", "contrast", "selection"} <= payload["contributions"].keys()


def test_predict_reproduces_a_plans_conditional_number():
    from ditf.data import read_mapping
    from ditf.plan import plan, plan_scenario_from_mapping

    p = plan(plan_scenario_from_mapping(read_mapping(EXAMPLES / "plan" / "salary.toml")))
    s = p.scenario
    payload = run_json(
        "predict", "--opener", str(s.cost(p.opener)), "--target", str(s.cost(p.fallback)),
        "--baseline", str(p.p_fallback_alone), "--not-prosocial", "--negotiation",
        "--plausible-max", str(s.cost(p.defensible_limit)),
        "--first-baseline", str(s.baseline(p.opener)),
    )  # fmt: skip
    # The planner's 400 draws against predict's 1000: equal within Monte Carlo error.
    assert payload["p_sequence"] == pytest.approx(p.p_fallback_after, abs=0.03)
    assert payload["contributions"]["anchoring"] > 0.3


def test_predict_first_baseline_is_checked_under_its_option_name():
    result = invoke("predict", *DOOR, "--first-baseline", "1.5")
    assert result.exit_code == 2
    assert "--first-baseline" in result.output


@pytest.mark.parametrize("option", ["--opener", "--target", "--plausible-max"])
def test_predict_options_are_capped_as_files_are(option, monkeypatch):
    monkeypatch.setenv("DITF_MAX_AMOUNT", "1000")
    values = {"--opener": "208", "--target": "2", "--plausible-max": "300"} | {option: "5000"}
    args = [x for pair in values.items() for x in pair]
    result = invoke("predict", *args, "--baseline", "0.2")
    assert result.exit_code == 2
    assert f"{option} is 5000.0; numbers must be finite and at most 1000" in result.output


def test_another_requester_lifts_at_most_one_point_at_the_cialdini_baseline():
    payload = run_json("predict", *DOOR, "--other-requester")
    assert payload["lift"] <= 0.01


def test_predict_options_match_the_volunteer_example():
    """The example file states Cialdini et al.'s sequence; the options say the same."""
    from_options = run_json("predict", *DOOR, "--unit", "hours")
    from_file = run_json("predict", str(EXAMPLES / "volunteer.toml"))
    assert from_file == from_options


@pytest.mark.parametrize(
    "name", ["volunteer.toml", "fundraising.toml", "salary.json", "foot_in_the_door.toml"]
)
def test_predict_each_example(name):
    payload = run_json("predict", str(EXAMPLES / name))
    assert payload.keys() >= PREDICTION_KEYS
    assert 0.0 < payload["p_sequence"] < 1.0
    assert payload["method"] == "exact"


def test_predict_foot_in_the_door_example_matches_options():
    from_file = run_json("predict", str(EXAMPLES / "foot_in_the_door.toml"))
    from_options = run_json(
        "predict",
        *("--foot", "0.1", "--target", "2", "--baseline", "0.222", "--delay-hours", "72"),
        *("--not-prosocial", "--unit", "hours"),
    )
    assert from_file == from_options
    assert from_file["contributions"]["consistency"] > 0


def test_predict_renders_a_table():
    result = invoke("predict", *DOOR, "--unit", "hours")
    assert result.exit_code == 0, result.output
    assert "Sequence 208 -> 2 hours" in result.stdout
    assert "reciprocity" in result.stdout


# ---------------------------------------------------------------- evidence


def test_evidence_json():
    payload = run_json("evidence")
    assert len(payload["studies"]) == 8
    assert len(payload["meta_analyses"]) == 7
    assert all(row["source"] for row in payload["studies"] + payload["meta_analyses"])


def test_evidence_renders_tables_and_facts():
    result = invoke("evidence")
    assert result.exit_code == 0, result.output
    assert "Experiments (studies.csv)" in result.stdout
    assert "Meta-analyses (meta_analyses.csv)" in result.stdout


# ---------------------------------------------------------------- fit, compare


def test_fit_out_writes_a_result_that_reads_back(tmp_path):
    out = tmp_path / "x.json"
    result = invoke("fit", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in " ".join(result.stdout.split())
    written = json.loads(out.read_text(encoding="utf-8"))
    restored = FitResult.from_dict(written)
    assert restored.converged
    assert json.loads(json.dumps(restored.to_dict())) == written
    assert len(restored.experiments) == 2
    assert {m["target"]["technique"] for m in written["meta"]} == {"ditf", "fitd"}


def test_fit_and_compare_a_users_file(studies_csv):
    fitted = run_json("fit", str(studies_csv))
    assert fitted["meta"] == []  # a user's table is fitted without the bundled meta-analyses
    assert FitResult.from_dict(fitted).converged
    rows = run_json("compare", str(studies_csv))
    assert [r["delta_aic"] for r in rows] == sorted(r["delta_aic"] for r in rows)
    assert rows[0]["delta_aic"] == 0.0
    assert sum(r["weight"] for r in rows) == pytest.approx(1.0)


def test_fit_out_to_a_missing_folder(tmp_path, studies_csv):
    result = invoke("fit", str(studies_csv), "--out", str(tmp_path / "no" / "x.json"))
    assert_rejected(result, "cannot write")


# ---------------------------------------------------------------- bad input


@pytest.fixture
def bad_files(tmp_path, bad_csv):
    malformed = tmp_path / "malformed.toml"
    malformed.write_text("[[steps]\ncost = 2\n", encoding="utf-8")
    unknown_key = tmp_path / "unknown.toml"
    unknown_key.write_text("[[steps]]\ncost = 2\ncolour = 'red'\n[context]\nbaseline = 0.2\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    return {
        "FOLDER": str(folder),
        "MALFORMED": str(malformed),
        "UNKNOWN_KEY": str(unknown_key),
        "MISSING": str(tmp_path / "nope.toml"),
        "MISSING_CSV": str(tmp_path / "nope.csv"),
        "BAD_CSV": str(bad_csv),
    }


BAD_INPUT = [
    (["replicate", "nosuch"], "Unknown study 'nosuch'. Choose one of ['cialdini1975'"),
    (["replicate", "cialdini1975", "--sims", "5"], "The 'n_sims' parameter of replicate"),
    (["predict", "--target", "0", "--baseline", "0.2"], "The '--target' parameter of ditf predict"),
    (
        ["predict", "--target", "-2", "--baseline", "0.2"],
        "The '--target' parameter of ditf predict",
    ),
    (["predict", "--target", "inf", "--baseline", "0.2"], "Invalid value for '--target'"),
    (["predict", *DOOR[:4], "--baseline", "1.5"], "The '--baseline' parameter of ditf predict"),
    (["predict", *DOOR[:4], "--baseline", "nan"], "Invalid value for '--baseline'"),
    (["predict", *DOOR[:4], "--baseline", "0"], "The '--baseline' parameter of ditf predict"),
    (["predict", "--opener", "1", "--target", "2", "--baseline", "0.2"], "--opener larger"),
    (["predict", "--opener", "2", "--target", "2", "--baseline", "0.2"], "--opener larger"),
    (["predict", "--foot", "3", "--target", "2", "--baseline", "0.2"], "--foot smaller"),
    (["predict", "--foot", "0.1", *DOOR], "either --opener (door-in-the-face) or --foot"),
    (["predict", *DOOR[:4]], "Give --target and --baseline"),
    (["predict", "--baseline", "0.2"], "Give --target and --baseline"),
    (["predict", *DOOR, "--delay-hours", "-1"], "The 'delay_hours' parameter of Step"),
    (["predict", *DOOR, "--prior-retreats", "-1"], "The 'prior_retreats' parameter"),
    (["predict", *DOOR, "--plausible-max", "0"], "The 'plausible_max' parameter"),
    (["predict", "MALFORMED"], "malformed.toml is not valid TOML"),
    (["predict", "UNKNOWN_KEY"], "Step 1 has unknown key(s) ['colour']"),
    (["predict", "MISSING"], "Cannot read"),
    (["predict", "FOLDER"], "folder: expected a .toml or .json file, got 'no suffix'"),
    (["fit", "BAD_CSV"], "bad.csv, line 4, column 'n': expected a number >= 1"),
    (["compare", "BAD_CSV"], "bad.csv, line 4, column 'n': expected a number >= 1"),
    (["fit", "MISSING_CSV"], "Cannot read studies file"),
]


@pytest.mark.parametrize(("args", "match"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_exits_2_with_an_error_line(bad_files, args, match):
    result = invoke(*(bad_files.get(a, a) for a in args))
    assert_rejected(result, match)


@pytest.mark.parametrize(
    "args",
    [
        ["predict", "--target", "0", "--baseline", "0.2"],
        ["replicate", "nosuch"],
    ],
    ids=["predict --target 0", "replicate nosuch"],
)
def test_the_error_is_one_line_in_an_80_column_terminal(args):
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [["predict", *DOOR, "--seed", "-1"], ["replicate", "cialdini1975", "--seed", "-1"]],
    ids=["predict", "replicate"],
)
def test_a_negative_seed_is_rejected(args):
    assert_rejected(invoke(*args), "seed")


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("[[steps]]\ncost = " + "1" * 400 + "\n[context]\nbaseline = 0.2\n", "cost"),
        ('[[steps]]\ncost = 2\nunit = ["h"]\n[context]\nbaseline = 0.2\n', "unit"),
        ('[[steps]]\ncost = 208\nprosocial = "no"\n[[steps]]\ncost = 2\nprosocial = "no"\n'
         '[context]\nbaseline = 0.2\n', "prosocial"),
        ('[[steps]]\ncost = 208\ndescribed_only = "no"\n[[steps]]\ncost = 2\n'
         '[context]\nbaseline = 0.2\n', "described_only"),
    ],
    ids=["int too large for a float", "list unit", "string flag (crash)", "string flag (silent)"],
)  # fmt: skip
def test_a_scenario_with_a_wrong_type_is_rejected(tmp_path, content, match):
    path = tmp_path / "scenario.toml"
    path.write_text(content, encoding="utf-8")
    assert_rejected(invoke("predict", str(path)), match)


def test_fit_a_csv_with_a_huge_cell_is_rejected(tmp_path, studies_csv):
    lines = studies_csv.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "huge.csv"
    path.write_text(lines[0] + "\n" + lines[1].replace("rejection", "x" * 200_000) + "\n")
    assert_rejected(invoke("fit", str(path)), "huge.csv")


def test_an_astronomical_cost_ratio_is_rejected_or_finite():
    result = invoke("predict", "--opener", "1e300", "--target", "1e-9", "--baseline", "0.3")
    assert result.exit_code in (0, 2)
    assert "nan" not in result.output.lower()


def test_replicate_saves_a_chart(tmp_path):
    chart = tmp_path / "cialdini.png"
    result = invoke("replicate", "cialdini1975", "--sims", "200", "--plot", str(chart))
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_replicate_rejects_a_chart_format_it_cannot_write(tmp_path):
    result = invoke("replicate", "cialdini1975", "--sims", "200", "--plot", str(tmp_path / "x.xyz"))
    assert_rejected(result, "Cannot write the plot")


# issue 12: a cap on steps, files with a BOM, one-line usage errors ---------------------------


def _steps_file(tmp_path: Path, steps: int) -> str:
    payload = json.loads((EXAMPLES / "salary.json").read_text(encoding="utf-8"))
    payload["steps"] = [dict(payload["steps"][0], cost=20 - i * 0.01) for i in range(steps)]
    path = tmp_path / "steps.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("steps", [11, 999])
def test_predict_refuses_more_steps_than_the_cap(tmp_path, steps):
    """999 steps ran past a minute: refused at once, naming the variable that raises it."""
    result = invoke("predict", _steps_file(tmp_path, steps))
    assert_rejected(result, f"Too many steps: {steps:,}, the limit is 10")
    assert "DITF_MAX_STEPS" in result.stderr


def test_the_step_cap_is_set_by_the_environment(tmp_path):
    file = _steps_file(tmp_path, 3)
    assert invoke("predict", file).exit_code == 0
    result = CliRunner().invoke(app, ["predict", file], env={**ENV, "DITF_MAX_STEPS": "2"})
    assert_rejected(result, "the limit is 2")


@pytest.mark.parametrize("name", ["volunteer.toml", "salary.json"])
def test_predict_reads_a_file_with_a_bom(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / name).read_bytes())
    assert run_json("predict", str(path)) == run_json("predict", str(EXAMPLES / name))


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ('{"steps": [{"cost": 1e999}]}', "steps[0].cost is inf"),
        ('{"steps": [{"cost": NaN}]}', "steps[0].cost is nan"),
        ('{"steps": [{"cost": 2}], "context": {"baseline": ' + "9" * 500 + "}}",
         "context.baseline is an integer too large for a float"),
        ('{"a": ' + "[" * 40 + "]" * 40 + "}", "nested more than 32 levels"),
        ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "is not valid JSON"),
    ],
)  # fmt: skip
def test_predict_refuses_hostile_numbers_and_nesting(tmp_path, content, match):
    path = tmp_path / "hostile.json"
    path.write_text(content, encoding="utf-8")
    assert_rejected(invoke("predict", str(path)), match)


@pytest.mark.parametrize("value", ["1__0", "1_", "nan", "inf", "1e999", "0x10", "1,5"])
def test_number_options_refuse_odd_forms(value):
    result = invoke("predict", "--target", value, "--baseline", "0.2")
    assert_rejected(result, "Invalid value for '--target'")


def test_grouped_digits_are_a_number():
    grouped = run_json("predict", "--opener", "2_08", "--target", "2", "--baseline", "0.167")
    assert grouped == run_json("predict", *DOOR)


def test_predict_refuses_an_empty_unit():
    assert_rejected(invoke("predict", *DOOR, "--unit", " "), "'--unit' option")


@pytest.mark.parametrize(
    "args", [["predict", "--no-such"], ["plan"], ["simulate", "--people", "x"]]
)
def test_usage_errors_are_one_line(args):
    result = invoke(*args)
    assert_rejected(result, "(see ditf ")


# fit --journal: a context calibrated from your own asks -------------------------------------


def season(path: Path, n: int = 60) -> str:
    """A fundraising season: plain asks and retreats to donors, with their outcomes."""
    from ditf.store import Journal

    url = f"sqlite:///{path}"
    with Journal(url) as journal:
        for i in range(n):
            opener = None if i % 2 else 250.0
            ask = journal.add_ask(f"donor-{i}", domain="fundraising", unit="EUR", opener=opener,
                                  fallback=50.0, technique="direct" if opener is None else
                                  "door-in-the-face")  # fmt: skip
            journal.add_outcome(ask.id, result="accepted-fallback" if i % 3 == 0 else "refused")
    return url


def test_fit_journal_calibrates_a_context_next_to_the_bundled_fit(tmp_path):
    from ditf.model import ContextFit

    url = season(tmp_path / "season.sqlite")
    out = tmp_path / "context.json"
    payload = run_json("fit", "--journal", "--db", url, "--out", str(out))
    assert payload["domain"] == "fundraising" and payload["fit"]["n_asks"] == 60
    assert set(payload["context"]) == {"baseline", "strength"}
    median, low, high = payload["context"]["baseline"]
    assert low < median < high and 0.1 < median < 0.6
    assert payload["bundled"]["strength"][0] == pytest.approx(1.0, abs=0.01)
    assert ContextFit.from_dict(json.loads(out.read_text())).n_asks == 60
    table = invoke("fit", "--journal", "--db", url).stdout
    assert "your context (median, 90%)" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--domain", "salary"], "needs --reference"),
        (["--domain", "volunteering"], "too few"),
        (["examples/volunteer.toml"], "not both"),
    ],
)
def test_fit_journal_refuses_with_one_line(tmp_path, args, message):
    url = season(tmp_path / "season.sqlite", n=30)
    result = invoke("fit", "--journal", "--db", url, *args)
    assert result.exit_code == 2 and message in " ".join(result.stderr.split())
    assert result.stderr.count("\n") == 1


def test_fit_journal_on_an_empty_journal_says_what_to_do(tmp_path):
    result = invoke("fit", "--journal", "--db", f"sqlite:///{tmp_path / 'none.sqlite'}")
    assert result.exit_code == 2 and "no asks of yours with an outcome" in result.stderr
