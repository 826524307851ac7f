"""``ditf plan`` and ``ditf audit``: depths, JSON, strict mode, charts, the journal, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ditf.cli import app
from ditf.data import read_mapping
from ditf.plan import SHEET_SECTIONS, plan, plan_report, plan_scenario_from_mapping

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "plan"
SALARY = str(EXAMPLES / "salary.toml")
THEATRICAL = str(EXAMPLES / "theatrical.toml")
ABSURD = str(EXAMPLES / "absurd.toml")
#: Wide enough that Rich does not wrap the table titles.
ENV = {"COLUMNS": "120"}
PNG = b"\x89PNG\r\n\x1a\n"
HEADLINE = {
    "opener",
    "fallback",
    "p_yes_sequence",
    "p_yes_direct",
    "expected_value_sequence",
    "expected_value_direct",
    "interval",
    "curve",
    "findings",
}
#: Section markers by depth (docs/plan.md).
ASKS = ("open with", "retreat to", "Script", "Retreat at once, yourself")
ODDS = (
    "Odds and expected value beyond your BATNA",
    "Opener curve",
    "Timing:",
    "target asked directly",
    "foot-in-the-door, then fallback",
)
AUDIT = ("Audit: no findings.", "Mechanisms:", "reciprocity")


@pytest.fixture(autouse=True)
def no_user_journal(tmp_path, monkeypatch):
    """Every test gets an empty home: the user's own journal is never read or written."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("DITF_DB", raising=False)
    return home


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env={**ENV, **(env or {})})


def run_json(*args: str, env: dict[str, str] | None = None):
    result = invoke(*args, "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_rejected(result, match: str) -> None:
    """Exit code 2, one line on stderr starting with 'error: ', no traceback, nothing on stdout."""
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: "), repr(result.stderr)
    assert result.stderr.count("\n") == 1, repr(result.stderr)
    assert match in result.stderr, result.stderr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# Depths -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("depth", "shown", "hidden"),
    [
        ("beginner", ASKS, ODDS + AUDIT),
        ("practitioner", ASKS + ODDS, AUDIT),
        ("advanced", ASKS + ODDS + AUDIT, ()),
    ],
)
def test_each_depth_shows_its_sections(depth, shown, hidden):
    result = invoke("plan", SALARY, "--depth", depth)
    assert result.exit_code == 0, result.output
    for marker in shown:
        assert marker in result.stdout, marker
    for marker in hidden:
        assert marker not in result.stdout, marker
    assert result.stderr == ""


def test_practitioner_is_the_default_depth():
    default = invoke("plan", SALARY)
    assert default.exit_code == 0, default.output
    assert default.stdout == invoke("plan", SALARY, "--depth", "practitioner").stdout


def test_the_tables_show_the_plans_numbers():
    payload = run_json("plan", SALARY)
    text = invoke("plan", SALARY, "--depth", "advanced").stdout
    assert f"open with   {payload['opener']:,.6g} EUR" in text
    assert f"retreat to  {payload['fallback']:,.6g} EUR" in text
    assert f"{100 * payload['p_yes_sequence']:.1f}%" in text
    assert "beyond benchmarks" in text


def test_the_curve_table_marks_the_chosen_opener():
    payload = run_json("plan", SALARY)
    rows = [line for line in invoke("plan", SALARY).stdout.splitlines() if "chosen" in line]
    assert len(rows) == 1
    assert f"{payload['opener']:,.6g} EUR" in rows[0]


def test_an_unknown_depth_is_a_usage_error():
    result = invoke("plan", SALARY, "--depth", "expert")
    assert result.exit_code == 2
    assert "expert" in result.output
    assert "Traceback" not in result.output


def test_blocking_findings_show_at_every_depth():
    result = invoke("plan", THEATRICAL, "--depth", "beginner")
    assert result.exit_code == 0, result.output
    assert "blocking: theatrical-opener:" in result.stderr
    assert "blocking: vulnerable-counterpart:" in result.stderr
    warned = invoke("plan", str(EXAMPLES / "volunteering.toml"), "--depth", "beginner")
    assert warned.stderr == "" and "Audit:" not in warned.stdout


def test_warnings_are_counted_below_the_advanced_depth(tmp_path):
    text = (EXAMPLES / "salary.toml").read_text(encoding="utf-8")
    delayed = write(tmp_path, "delayed.toml", text.replace("delay_hours = 0", "delay_hours = 24"))
    result = invoke("plan", delayed)
    assert result.exit_code == 0, result.output
    assert "Audit: 1 warning(s); see --depth advanced or ditf audit." in result.stdout
    advanced = invoke("plan", delayed, "--depth", "advanced")
    assert "delayed-retreat" in advanced.stdout and "Cialdini et al. (1975)" in advanced.stdout


# JSON, charts, strict mode --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["salary.toml", "salary.json", "procurement.toml", "absurd.toml"])
def test_json_has_the_headline_keys(name):
    payload = run_json("plan", str(EXAMPLES / name))
    assert payload.keys() >= HEADLINE
    assert payload["curve"] and all(
        {"opener", "p_yes", "expected_value"} <= c.keys() for c in payload["curve"]
    )
    for finding in payload["findings"]:
        assert finding.keys() >= {"id", "severity", "message"}
    assert payload["interval"]["level"] == 0.9


def test_json_is_the_same_for_the_toml_and_json_files_and_at_every_depth():
    payload = run_json("plan", SALARY)
    assert run_json("plan", str(EXAMPLES / "salary.json")) == payload
    assert run_json("plan", SALARY, "--depth", "beginner") == payload


def test_plot_writes_a_png(tmp_path):
    chart = tmp_path / "curve.png"
    result = invoke("plan", SALARY, "--plot", str(chart))
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(PNG)
    assert f"wrote {chart}" in " ".join(result.stdout.split())


def test_plot_works_with_json_and_for_a_buyer(tmp_path):
    chart = tmp_path / "buyer.png"
    payload = run_json("plan", str(EXAMPLES / "procurement.toml"), "--plot", str(chart))
    assert payload["direction"] == "less"
    assert chart.read_bytes().startswith(PNG)


def test_a_plot_format_that_cannot_be_written_is_rejected(tmp_path):
    target = tmp_path / "curve.xyz"
    assert_rejected(invoke("plan", SALARY, "--plot", str(target)), "Cannot write the plot")
    assert not target.exists()


def test_strict_refuses_a_blocked_plan_and_passes_a_clean_one():
    refused = invoke("plan", THEATRICAL, "--strict")
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert refused.stderr.startswith("error: Strict mode refused the plan.")
    assert "theatrical-opener" in refused.stderr and "vulnerable-counterpart" in refused.stderr
    assert "Traceback" not in refused.output
    assert invoke("plan", THEATRICAL, "--strict", "--json").exit_code == 1
    assert invoke("plan", ABSURD, "--strict").exit_code == 1
    clean = invoke("plan", SALARY, "--strict")
    assert clean.exit_code == 0, clean.output
    assert "open with" in clean.stdout


# ditf audit -------------------------------------------------------------------------------------


def test_audit_renders_the_findings_with_their_sources():
    result = invoke("audit", ABSURD)
    assert result.exit_code == 0, result.output
    assert "Plan audited: open 400,000 EUR, retreat to 105,000 EUR" in result.stdout
    for rule_id in (
        "absurd-opener",
        "opener-beyond-benchmarks",
        "delayed-retreat",
    ):
        assert rule_id in result.stdout
    assert "Schwarzwald" in result.stdout
    assert "Audit: no findings." in invoke("audit", SALARY).stdout


def test_rule_ids_stay_whole_on_an_ordinary_terminal():
    result = invoke("audit", ABSURD, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "opener-beyond-benchmarks" in result.stdout


def test_audit_json_lists_the_findings():
    findings = run_json("audit", ABSURD)
    assert isinstance(findings, list)
    assert {
        "absurd-opener",
        "opener-beyond-benchmarks",
        "delayed-retreat",
    } <= {f["id"] for f in findings}
    assert findings[0]["severity"] == "blocking"
    for f in findings:
        assert f.keys() >= {"id", "severity", "message", "rationale", "source"}
    assert run_json("audit", SALARY) == []
    assert {f["id"] for f in run_json("audit", THEATRICAL)} >= {
        "theatrical-opener",
        "vulnerable-counterpart",
    }


def test_audit_strict_exits_1_after_showing_the_findings():
    result = invoke("audit", THEATRICAL, "--strict")
    assert result.exit_code == 1
    assert "theatrical-opener" in result.stdout
    assert result.stderr.startswith("error: Strict mode refused the plan.")
    assert invoke("audit", SALARY, "--strict").exit_code == 0


# Bad files ------------------------------------------------------------------------------------


def bad_files(tmp_path: Path) -> dict[str, tuple[str, str]]:
    salary = (EXAMPLES / "salary.toml").read_text(encoding="utf-8")
    return {
        "unknown domain": (
            write(tmp_path, "d.toml", salary.replace('"salary"', '"astrology"')),
            "Unknown domain 'astrology'",
        ),
        "missing field": (
            write(tmp_path, "m.toml", salary.replace("batna = 98000", "")),
            "The scenario is missing batna",
        ),
        "minimum above target": (
            write(tmp_path, "t.toml", salary.replace("minimum = 100000", "minimum = 120000")),
            "minimum (120000) is above target",
        ),
        "out of order": (
            write(tmp_path, "o.toml", salary.replace("value = 104000", "value = 130000")),
            "benchmarks are out of order",
        ),
        "bad TOML": (write(tmp_path, "b.toml", "domain = \n"), "b.toml is not valid TOML"),
        "bad JSON": (write(tmp_path, "b.json", "{"), "b.json is not valid JSON"),
        "not a table": (write(tmp_path, "l.json", "[1, 2]"), "the top level must be a table"),
        "wrong suffix": (
            write(tmp_path, "s.yaml", salary),
            "expected a .toml or .json file, got '.yaml'",
        ),
        "missing file": (str(tmp_path / "nowhere.toml"), "Cannot read"),
    }


@pytest.mark.parametrize("command", ["plan", "audit"])
@pytest.mark.parametrize(
    "case",
    [
        "unknown domain",
        "missing field",
        "minimum above target",
        "out of order",
        "bad TOML",
        "bad JSON",
        "not a table",
        "wrong suffix",
        "missing file",
    ],
)
def test_a_bad_file_exits_2_with_one_error_line(tmp_path, command, case):
    path, match = bad_files(tmp_path)[case]
    assert_rejected(invoke(command, path), match)
    assert_rejected(invoke(command, path, "--json"), match)


def test_an_opener_below_the_fallback_exits_2(tmp_path):
    text = (EXAMPLES / "salary.toml").read_text(encoding="utf-8")
    path = write(
        tmp_path,
        "o.toml",
        text.replace(
            'retreat_by = "same"', 'retreat_by = "same"\nopener = 101000\nfallback = 104000'
        ),
    )
    assert_rejected(invoke("plan", path), "must ask for more than the fallback")


def test_a_bad_journal_url_exits_2():
    assert_rejected(invoke("plan", SALARY, "--db", "nosuchdb://x"), "unknown database 'nosuchdb'")


# The journal ------------------------------------------------------------------------------------


def record_retreats(url: str, counterpart: str, n: int) -> None:
    store = pytest.importorskip("ditf.store", reason="ditf.store (the journal) is not importable")
    with store.Journal(url) as journal:
        for _ in range(n):
            journal.add_ask(
                counterpart, domain="salary", unit="EUR", opener=124000, fallback=104000
            )
        # An accepted opener is no retreat: it must not count. (In another unit, so that
        # its yes does not also update the estimate of the counterpart's limit.)
        accepted = journal.add_ask(
            counterpart, domain="salary", unit="USD", opener=118000, fallback=104000
        )
        journal.add_outcome(accepted.id, result="accepted-opener")
        journal.add_ask("someone-else", domain="salary", unit="EUR", opener=1, fallback=2)
        assert journal.prior_retreats(counterpart) == n


def test_db_reads_the_counterparts_earlier_retreats(tmp_path):
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    record_retreats(url, "acme-hr", 2)
    payload = run_json("plan", SALARY, "--db", url)
    assert payload["prior_retreats"] == 2
    repeated = [f for f in payload["findings"] if f["id"] == "repeated-use"]
    assert len(repeated) == 1 and "2 earlier retreat(s)" in repeated[0]["message"]
    assert payload["p_fallback_after"] < run_json("plan", SALARY)["p_fallback_after"]
    # A path works as well as a URL, and `ditf audit` reads the same history.
    assert run_json("plan", SALARY, "--db", str(tmp_path / "team.sqlite")) == payload
    assert "repeated-use" in {f["id"] for f in run_json("audit", SALARY, "--db", url)}


def test_recorded_answers_update_the_counterpart_and_the_plan_shows_both_ranges(tmp_path):
    store = pytest.importorskip("ditf.store", reason="ditf.store (the journal) is not importable")
    url = f"sqlite:///{tmp_path / 'answers.sqlite'}"
    with store.Journal(url) as journal:
        ask = journal.add_ask("acme-hr", domain="salary", unit="EUR", opener=None,
                              fallback=108000, technique="direct")  # fmt: skip
        journal.add_outcome(ask.id, result="refused")
    before, after = run_json("plan", SALARY), run_json("plan", SALARY, "--db", url)
    assert before["counterpart"] == {"id": "acme-hr", "prior": [96000.0, 118000.0],
                                     "updated": None, "answers": 0}  # fmt: skip
    assert after["counterpart"]["prior"] == [96000.0, 118000.0]
    low, high = after["counterpart"]["updated"]
    assert low < 96000.0 and high < 110000.0 and after["counterpart"]["answers"] == 1
    # A plain no to 108,000 says their limit is below it: P(yes) at and above it falls.
    assert after["p_fallback_alone"] < 0.5 * before["p_fallback_alone"]
    text = invoke("plan", SALARY, "--db", url, "--depth", "beginner").stdout
    assert "after 1 recorded answer(s)" in " ".join(text.split())


def test_the_ditf_db_variable_names_the_journal(tmp_path):
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    record_retreats(url, "acme-hr", 1)
    assert run_json("plan", SALARY, env={"DITF_DB": url})["prior_retreats"] == 1
    assert run_json("plan", SALARY)["prior_retreats"] == 0


def test_the_default_journal_is_read_when_it_exists(no_user_journal):
    default = no_user_journal / ".local" / "share" / "ditf" / "journal.sqlite"
    record_retreats(f"sqlite:///{default}", "acme-hr", 3)
    assert run_json("plan", SALARY)["prior_retreats"] == 3


def test_only_the_scenarios_counterpart_counts(tmp_path):
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    record_retreats(url, "neighbour", 2)
    assert run_json("plan", THEATRICAL, "--db", url)["prior_retreats"] == 0  # it has no id
    assert run_json("plan", SALARY, "--db", url)["prior_retreats"] == 0  # acme-hr has none


def test_planning_without_a_journal_creates_none(no_user_journal, tmp_path):
    before = sorted(tmp_path.rglob("*"))
    for args in (
        ("plan", SALARY),
        ("plan", SALARY, "--json"),
        ("audit", SALARY),
        ("plan", ABSURD, "--depth", "advanced"),
    ):
        assert invoke(*args).exit_code == 0
    assert sorted(tmp_path.rglob("*")) == before
    assert list(no_user_journal.iterdir()) == []


# issue 12: a cap on benchmarks, files with a BOM ---------------------------------------------


def _with_benchmarks(tmp_path: Path, count: int) -> str:
    import tomllib

    scenario = tomllib.loads(Path(SALARY).read_text(encoding="utf-8"))
    extra = [{"name": f"offer {i}", "kind": "precedent", "value": 100_500 + 10 * i}
             for i in range(count - len(scenario["benchmarks"]))]  # fmt: skip
    scenario["benchmarks"] += extra
    return write(tmp_path, "many.json", json.dumps(scenario))


@pytest.mark.parametrize("command", ["plan", "audit"])
@pytest.mark.parametrize("count", [51, 1_000, 64_000])
def test_more_benchmarks_than_the_cap_are_refused(tmp_path, command, count):
    """1,000 benchmarks took 32 s and 64,000 never finished: now refused at once."""
    result = invoke(command, _with_benchmarks(tmp_path, count))
    assert_rejected(result, f"Too many benchmarks: {count:,}, the limit is 50")
    assert "DITF_MAX_BENCHMARKS" in result.stderr


def test_the_benchmark_cap_is_set_by_the_environment(tmp_path):
    file = _with_benchmarks(tmp_path, 6)
    assert invoke("plan", file).exit_code == 0
    assert_rejected(invoke("plan", file, env={"DITF_MAX_BENCHMARKS": "5"}), "the limit is 5")


@pytest.mark.parametrize("name", ["salary.toml", "salary.json"])
def test_a_scenario_with_a_bom_is_read(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / name).read_bytes())
    assert run_json("plan", str(path)) == run_json("plan", str(EXAMPLES / name))


def test_amounts_beyond_max_amount_are_refused(tmp_path):
    text = Path(SALARY).read_text(encoding="utf-8").replace("target = 110000", "target = 2e12")
    result = invoke("plan", write(tmp_path, "huge.toml", text))
    assert_rejected(result, "target is 2000000000000.0")
    assert "DITF_MAX_AMOUNT" in result.stderr


def test_format_md_writes_the_prep_sheet_with_its_sections():
    result = CliRunner().invoke(app, ["plan", SALARY, "--format", "md"], env=ENV)
    assert result.exit_code == 0, result.output
    sheet = result.output
    headings = [line[3:] for line in sheet.splitlines() if line.startswith("## ")]
    assert headings == list(SHEET_SECTIONS)
    assert sheet.startswith("# Prep sheet: ")
    report = plan_report(plan(plan_scenario_from_mapping(read_mapping(Path(SALARY)))))
    assert f"**{report['headline']}**" in sheet  # the one-line answer, first
    assert f"Open with **{report['opener']:,.6g} EUR**" in sheet
    assert all(line in sheet for line in report["script"])
    assert "| opener, then fallback |" in sheet and "90% interval" in sheet
    assert "**chosen**" in sheet  # the curve marks the chosen opener
    assert "e+0" not in sheet  # no exponents in the odds
    assert "No findings" in sheet or "| rule | severity |" in sheet
    assert "\x1b[" not in sheet  # plain Markdown, no terminal colours


def test_format_json_is_the_json_flag():
    as_format = CliRunner().invoke(app, ["plan", SALARY, "--format", "json"], env=ENV)
    as_flag = CliRunner().invoke(app, ["plan", SALARY, "--json"], env=ENV)
    assert as_format.exit_code == 0 and json.loads(as_format.output) == json.loads(as_flag.output)


def test_json_and_the_markdown_format_together_are_refused():
    result = CliRunner().invoke(app, ["plan", SALARY, "--json", "--format", "md"], env=ENV)
    assert result.exit_code == 2
    assert result.stderr == "error: Give --json or --format md, not both.\n"
