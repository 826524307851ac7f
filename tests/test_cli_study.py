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

    # Issue 12: the default is now Fisher's exact power (the analysis's test); the normal
    # approximation this pins stays available as --test arcsine.
    args = ["study", "power", "--p-treatment", "0.5", "--p-control", "0.167", "--n", "40"]
    result = invoke(*args, "--test", "arcsine", "--json")
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


# Issue 12 -------------------------------------------------------------------------------------


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    return result.stderr


def test_analyze_refuses_a_400_digit_count_with_one_line(tmp_path):
    trials = tmp_path / "trials.csv"
    trials.write_text(f"condition,n,yes\na,{'9' * 400},1\nb,10,2\n")
    message = one_line_error(invoke("study", "analyze", str(trials)))
    assert "column 'n': expected an integer <= 1,000,000,000" in message


def test_meta_of_effects_beyond_double_precision_is_one_line(tmp_path):
    table = tmp_path / "m.csv"
    table.write_text("study,effect,variance\na,1e308,1e-308\nb,-1e308,1e-308\nc,1e308,1e-308\n")
    message = one_line_error(invoke("study", "meta", str(table)))
    assert "m.csv: The effects and variances are too extreme" in message


def test_meta_of_two_studies_runs_with_the_default_options(tmp_path):
    table = tmp_path / "two.csv"
    table.write_text("study,r,n\nA,0.1,50\nB,0.2,80\n")
    result = invoke("study", "meta", str(table))
    assert result.exit_code == 0, result.output
    assert "need at least 3 studies; there are 2" in " ".join(result.stdout.split())


def test_peters_test_on_bcg_is_the_published_one():
    result = invoke("study", "meta", "--bundled", "bcg", "--json")
    assert result.exit_code == 0, result.output
    peters = json.loads(result.stdout)["bias"]["peters"]
    assert abs(peters["p_value"] - 0.200) < 5e-4


def test_trim_and_fill_says_log_scale_only_for_log_measures():
    for measure, label in (("OR", "(log scale)"), ("RR", "(log scale)"), ("RD", None),
                           ("ZCOR", "(Fisher's z scale)")):  # fmt: skip
        result = invoke("study", "meta", "--bundled", "bcg", "--measure", measure)
        assert result.exit_code == 0, result.output
        line = next(x for x in result.stdout.splitlines() if x.startswith("trim-and-fill"))
        text = " ".join(result.stdout.split())
        if label is None:
            assert "scale)" not in line and "(log scale)" not in text
        else:
            assert label in text


def test_bad_option_values_name_the_option(tmp_path):
    trials = tmp_path / "trials.csv"
    trials.write_text(TRIALS)
    cases = [
        (("study", "meta", "--bundled", "bcg", "--measure", "XX"), "'--measure' parameter of "
         "ditf study meta"),
        (("study", "meta", "--bundled", "bcg", "--method", "ML"), "'--method' parameter"),
        (("study", "analyze", str(trials), "--test", "t"), "'--test' parameter of ditf study "
         "analyze"),
        (("study", "analyze", str(trials), "--reference", "nope"), "'--reference' parameter"),
        (("study", "power", "--p-treatment", "1.5", "--p-control", "0.2"), "'--p-treatment' "
         "parameter of ditf study power"),
        (("study", "power", "--p-treatment", "0.5", "--p-control", "0.2", "--alpha", "2"),
         "'--alpha' parameter"),
        (("study", "power", "--p-treatment", "0.5", "--p-control", "0.2", "--n", "1"),
         "'--n' parameter"),
        (("study", "power", "--p-treatment", "0.5", "--p-control", "0.2", "--n", "20000"),
         r"'--n' parameter of ditf study power must be an int in [2, 10000]"),
        (("study", "power", "--studies", "5"), "'--studies' parameter"),
        (("study", "power", "--alpha", "0"), "'--alpha' parameter"),
        (("study", "power", "--test", "arcsine"), "'--test' parameter of ditf study power "
         "(three arms)"),
    ]  # fmt: skip
    for args, expected in cases:
        message = one_line_error(invoke(*args))
        assert expected in message, (args, message)
        for internal in ("meta_from_table", "power_two_arm", "power_curve", "analyze ("):
            assert internal not in message


def test_two_arm_power_is_fishers_and_says_so():
    args = ("study", "power", "--p-treatment", "0.5", "--p-control", "0.167", "--n", "24")
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["test"] == "fisher"
    assert abs(payload["points"][0]["power"] - 0.608) < 0.01
    approx = json.loads(invoke(*args, "--test", "arcsine", "--json").stdout)
    assert abs(approx["points"][0]["power"] - 0.714) < 1e-3
    text = " ".join(invoke(*args).stdout.split())
    assert "exact power of Fisher's exact test" in text


def test_three_arm_power_names_its_test():
    result = invoke("study", "power", "--n", "100", "--studies", "200")
    assert result.exit_code == 0, result.output
    assert "Fisher's exact test" in " ".join(result.stdout.split())
    payload = json.loads(invoke("study", "power", "--n", "100", "--studies", "200",
                                "--test", "chi2", "--json").stdout)  # fmt: skip
    assert payload["points"][0]["test"] == "chi2"
