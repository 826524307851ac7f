import json

from typer.testing import CliRunner

from ditf.cli import app

ENV = {"COLUMNS": "80"}
TRIALS = "condition,n,yes\ntarget_only,24,4\ndoor_in_the_face,24,12\nexposure_control,24,6\n"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def test_analyze_reports_cialdini_1975(tmp_path):
    trials = tmp_path / "trials.csv"
    trials.write_text(TRIALS)
    result = invoke("study", "analyze", str(trials), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    first = report["comparisons"][0]
    assert (first["treatment"], first["control"]) == ("door_in_the_face", "target_only")
    assert abs(first["chi2"] - 6.0) < 1e-9  # the published chi-square of Exp. 1


def test_analyze_saves_a_chart_and_prints_tables(tmp_path):
    trials, chart = tmp_path / "trials.csv", tmp_path / "rates.svg"
    trials.write_text(TRIALS)
    result = invoke("study", "analyze", str(trials), "--plot", str(chart))
    assert result.exit_code == 0, result.output
    assert "Planned contrasts" in result.stdout
    assert chart.read_text().lstrip().startswith("<?xml")


def test_analyze_rejects_a_malformed_file(tmp_path):
    trials = tmp_path / "trials.csv"
    trials.write_text("condition,outcome\nditf,2\ncontrol,0\n")
    result = invoke("study", "analyze", str(trials))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output


def test_power_curve_rises_with_n(tmp_path):
    chart = tmp_path / "power.png"
    args = ["study", "power", "--n", "100", "--n", "400", "--studies", "2000"]
    result = invoke(*args, "--json", "--plot", str(chart))
    assert result.exit_code == 0, result.output
    points = json.loads(result.stdout)["points"]
    assert points[0]["power_all"] < points[1]["power_all"]
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_power_finds_a_sample_size():
    result = invoke("study", "power", "--target-power", "0.8", "--studies", "2000", "--json")
    assert result.exit_code == 0, result.output
    (point,) = json.loads(result.stdout)["points"]
    assert point["power_all"] >= 0.8


def test_power_rejects_a_bad_alpha():
    result = invoke("study", "power", "--alpha", "1.5")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")


def test_export_otree_writes_a_project(tmp_path):
    outdir = tmp_path / "study"
    result = invoke("study", "export-otree", "examples/otree_design.toml", str(outdir))
    assert result.exit_code == 0, result.output
    assert (outdir / "settings.py").is_file()
    assert "otree test" in result.stdout


def test_export_otree_keeps_an_existing_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = invoke("study", "export-otree", "examples/otree_design.toml", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_meta_reproduces_the_bcg_reference(tmp_path):
    forest, funnel = tmp_path / "forest.png", tmp_path / "funnel.png"
    args = ["study", "meta", "--bundled", "bcg", "--measure", "RR", "--json"]
    result = invoke(*args, "--plot", str(forest), "--funnel", str(funnel))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # metafor: rma(measure="RR", data=dat.bcg) gives -0.7145 (SE 0.1798), tau² 0.3132.
    assert abs(report["result"]["estimate"] - (-0.7145)) < 5e-4
    assert abs(report["result"]["tau2"] - 0.3132) < 5e-4
    assert forest.read_bytes().startswith(b"\x89PNG")
    assert funnel.read_bytes().startswith(b"\x89PNG")


def test_meta_prints_the_bundled_ditf_example():
    result = invoke("study", "meta", "--bundled", "ditf")
    assert result.exit_code == 0, result.output
    assert "pooled correlation r" in result.stdout


def test_meta_needs_exactly_one_input(tmp_path):
    for args in (["study", "meta"], ["study", "meta", "x.csv", "--bundled", "bcg"]):
        result = invoke(*args)
        assert result.exit_code == 2
        assert result.stderr.startswith("error: ")


def test_meta_rejects_a_malformed_table(tmp_path):
    table = tmp_path / "m.csv"
    table.write_text("study,r,n\na,0.2,2\nb,0.3,50\n")
    result = invoke("study", "meta", str(table))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_two_arm_power_matches_statsmodels():
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    args = ["study", "power", "--p-treatment", "0.5", "--p-control", "0.167", "--n", "40"]
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    (point,) = json.loads(result.stdout)["points"]
    h = proportion_effectsize(0.5, 0.167)
    expected = NormalIndPower().power(h, nobs1=40, alpha=0.05, ratio=1.0)
    assert abs(point["power"] - expected) < 1e-9


def test_two_arm_power_needs_both_rates():
    result = invoke("study", "power", "--p-treatment", "0.5")
    assert result.exit_code == 2
    assert "--p-control" in result.stderr


def test_three_arm_power_is_the_same_on_dask():
    args = ["study", "power", "--n", "200", "--studies", "4000", "--json"]
    serial = json.loads(invoke(*args).stdout)
    dask = invoke(*args, "--workers", "1")
    assert dask.exit_code == 0, dask.output
    assert json.loads(dask.stdout) == serial
