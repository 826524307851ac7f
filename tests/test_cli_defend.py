"""``ditf defend``: JSON, the three depths, the journal (optional), one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ditf.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "defend"
HEADLINE = {"pattern", "confidence", "p_yes_after_sequence", "p_yes_alone", "pressure",
            "interval", "below_minimum", "advice", "evidence", "reply"}  # fmt: skip


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path, monkeypatch):
    """Never read the user's own journal: the default lives under a temporary data dir."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("DITF_DB", raising=False)


def invoke(*args: str):
    return CliRunner().invoke(app, ["defend", *args], env={"COLUMNS": "100"})


def run_json(*args: str):
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    assert result.exception is None
    return json.loads(result.stdout)


def assert_rejected(result, match: str) -> None:
    """Exit code 2, one line starting with 'error: ', no traceback, nothing on stdout."""
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: "), repr(result.stderr)
    assert result.stderr.count("\n") == 1, repr(result.stderr)
    assert match in " ".join(result.stderr.split())


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "pattern", "below"),
    [
        ("honest_retreat.toml", "door-in-the-face", False),
        ("theatrical_opener.toml", "door-in-the-face", True),
        ("foot_in_the_door.toml", "foot-in-the-door", True),
        ("repeated_retreat.toml", "repeated-retreat", True),
        ("freelance_discount.json", "door-in-the-face", True),
    ],
)
def test_json_for_every_example(name, pattern, below):
    payload = run_json(str(EXAMPLES / name))
    assert payload.keys() >= HEADLINE
    assert payload["pattern"] == pattern and payload["below_minimum"] is below
    assert 0 <= payload["confidence"] <= 1
    lo, hi = payload["interval"]["p_yes_after_sequence"]
    assert lo <= payload["p_yes_after_sequence"] <= hi
    assert payload["pressure"] == pytest.approx(
        payload["p_yes_after_sequence"] - payload["p_yes_alone"]
    )
    assert payload["interval"]["level"] == 0.9
    assert isinstance(payload["advice"], list) and payload["advice"]
    assert payload["reply"] and payload["evidence"]["current"] > 0


def test_depths_show_more_and_more(tmp_path):
    path = str(EXAMPLES / "theatrical_opener.toml")
    beginner = invoke(path, "--depth", "beginner")
    practitioner = invoke(path)
    advanced = invoke(path, "--depth", "advanced")
    for result in (beginner, practitioner, advanced):
        assert result.exit_code == 0, result.output
        assert "door-in-the-face" in result.stdout and "Decline 120,000 EUR" in result.stdout
        assert "Reply" in result.stdout and "so I propose 65,000 EUR" in result.stdout
    assert "Your odds" not in beginner.stdout and "Evidence" not in beginner.stdout
    assert "Your odds" in practitioner.stdout and "Evidence" in practitioner.stdout
    assert "Keep your limit" in practitioner.stdout
    assert "Where the pull comes from" not in practitioner.stdout
    assert "Where the pull comes from" in advanced.stdout
    assert "How it was recognised" in advanced.stdout
    assert "credibility: the opener's excess" in advanced.stdout


def test_advanced_shows_earlier_retreats():
    result = invoke(str(EXAMPLES / "repeated_retreat.toml"), "--depth", "advanced")
    assert result.exit_code == 0, result.output
    assert "Earlier retreats: 2" in " ".join(result.stdout.split())


def test_single_request_renders_without_a_previous_one(tmp_path):
    path = write(
        tmp_path,
        "one.toml",
        """
domain = "fundraising"
unit = "EUR"
minimum = 30
batna = 0
[[benchmarks]]
name = "typical gift"
kind = "norm"
value = 25
[[benchmarks]]
name = "major gift"
kind = "norm"
value = 250
[[requests]]
amount = 20
requester = "canvasser"
""",
    )
    result = invoke(str(path), "--depth", "advanced")
    assert result.exit_code == 0, result.output
    assert "plain-request" in result.stdout and "before" not in result.stdout


# the journal --------------------------------------------------------------------------------

CASE = """
domain = "pricing"
unit = "EUR"
minimum = 5200
batna = 5600
counterpart = "northwind"
[[benchmarks]]
name = "basic tier"
kind = "market-low"
value = 4200
[[benchmarks]]
name = "premium tier"
kind = "market-high"
value = 6000
[[requests]]
amount = 7800
requester = "Chris"
at_minutes = 0
[[requests]]
amount = 5900
requester = "Chris"
at_minutes = 3
"""


def test_journal_episodes_make_a_repeated_retreat(tmp_path):
    store = pytest.importorskip("ditf.store", reason="the journal (ditf.store) is not built yet")
    url = f"sqlite:///{tmp_path / 'journal.sqlite'}"
    with store.Journal(url) as journal:
        journal.add_ask("northwind", domain="pricing", unit="EUR", opener=7500, fallback=5600,
                        delay_hours=0.03, asked_by="them")  # fmt: skip
        journal.add_ask("northwind", domain="pricing", unit="USD", opener=8000, fallback=6000,
                        asked_by="them")  # fmt: skip
        # Our own asks to northwind are not the technique used on us.
        journal.add_ask("northwind", domain="pricing", unit="EUR", opener=9900, fallback=7000)
        journal.add_ask("someone-else", domain="pricing", unit="EUR", opener=9000,
                        fallback=5000, asked_by="them")  # fmt: skip
    path = write(tmp_path, "case.toml", CASE)
    result = invoke(str(path), "--json", "--db", url)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["pattern"] == "repeated-retreat"
    assert payload["recognition"]["prior_retreats"] == 1
    assert payload["journal"]["episodes"] == 1 and payload["journal"]["other_units"] == 1
    assert payload["journal"]["asked_by_you"] == 1
    assert (
        "1 earlier episode(s) with northwind; 1 in another unit left out; 1 ask(s) you made "
        "to them not counted" in " ".join(result.stderr.split())
    )
    # Without the journal the same file is a single door-in-the-face.
    alone = run_json(str(path), "--db", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert alone["pattern"] == "door-in-the-face" and alone["journal"]["episodes"] == 0


def test_default_journal_is_read_when_the_file_names_a_counterpart(tmp_path):
    pytest.importorskip("ditf.store", reason="the journal (ditf.store) is not built yet")
    path = write(tmp_path, "case.toml", CASE)
    result = invoke(str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["journal"]["episodes"] == 0
    # Reading an absent journal writes nothing.
    assert not (tmp_path / "data").exists()


def test_without_the_store_the_file_alone_is_used(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ditf.store", None)  # import ditf.store -> ImportError
    result = invoke(str(write(tmp_path, "case.toml", CASE)), "--json")
    assert result.exit_code == 0, result.output
    assert "the journal is not available" in result.stderr
    payload = json.loads(result.stdout)
    assert payload["pattern"] == "door-in-the-face" and payload["journal"]["note"]


def test_no_counterpart_means_no_journal():
    payload = run_json(str(EXAMPLES / "honest_retreat.toml"))
    assert payload["journal"] is None


# errors -------------------------------------------------------------------------------------


def test_a_journal_is_not_needed_without_a_counterpart(monkeypatch, tmp_path):
    # DITF_DB set for the journal must not stop defend on a file that names no counterpart.
    monkeypatch.setenv("DITF_DB", f"sqlite:///{tmp_path}/journal.sqlite")
    result = invoke(str(EXAMPLES / "honest_retreat.toml"))
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "journal.sqlite").exists()


def test_db_without_a_counterpart_in_the_file_is_an_error(tmp_path):
    # --db on the command line names a journal to read, but the file names no counterpart to
    # look up in it: refused rather than silently ignored (DITF_DB alone is fine, see above).
    url = f"sqlite:///{tmp_path / 'journal.sqlite'}"
    for extra in ((), ("--json",)):
        result = invoke(str(EXAMPLES / "honest_retreat.toml"), "--db", url, *extra)
        assert_rejected(result, "honest_retreat.toml names no counterpart")
        assert 'add counterpart = "KEY"' in result.stderr and "drop --db" in result.stderr
    assert not (tmp_path / "journal.sqlite").exists()


def test_bad_depth_is_rejected():
    assert_rejected(invoke(str(EXAMPLES / "honest_retreat.toml"), "--depth", "expert"),
                    "The '--depth' parameter of ditf defend")  # fmt: skip


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('domain = "salary"\nminimum = 1\nbatna = 1\ncolour = "red"', "Unknown field(s) colour"),
        (CASE.replace("amount = 5900", "amount = -5900"), "amount must be a finite amount >= 0"),
        (CASE.replace("value = 4200", "value = 7000"), "benchmarks are out of order"),
        (CASE.replace("batna = 5600", "batna = 5000"), "minimum (5200) is worse for you than"),
        (CASE.split("[[requests]]")[0], "The case is missing requests"),
        ("domain = ", "is not valid TOML"),
    ],
)
def test_inconsistent_files_exit_2_with_one_line(tmp_path, text, match):
    assert_rejected(invoke(str(write(tmp_path, "case.toml", text))), match)


def test_unreadable_files_exit_2(tmp_path):
    assert_rejected(invoke(str(tmp_path / "missing.toml")), "Cannot read")
    assert_rejected(invoke(str(write(tmp_path, "case.yaml", "a: 1"))), "expected a .toml or .json")


# issue 12: caps on the work of one case, and files with a BOM --------------------------------


def _case_with(tmp_path: Path, requests: int, **env: str):
    """The honest example with ``requests`` alternating requests, run with ``env``."""
    import tomllib

    case = tomllib.loads((EXAMPLES / "honest_retreat.toml").read_text(encoding="utf-8"))
    first, last = case["requests"][0], case["requests"][-1]
    case["requests"] = [
        {**(first if i % 2 == 0 else last), "at_minutes": i} for i in range(requests)
    ]
    path = write(tmp_path, "long.json", json.dumps(case))
    return CliRunner().invoke(app, ["defend", str(path)], env={"COLUMNS": "100", **env})


@pytest.mark.parametrize("requests", [21, 300, 10_000])
def test_more_requests_than_the_cap_are_refused_before_any_work(tmp_path, requests):
    """10,000 requests asked for 114 GiB, 300 ran past 5 minutes: both now stop at once."""
    assert_rejected(_case_with(tmp_path, requests), f"Too many requests: {requests:,}")
    assert "DITF_MAX_REQUESTS" in _case_with(tmp_path, requests).stderr


def test_the_request_cap_is_set_by_the_environment(tmp_path):
    assert _case_with(tmp_path, 4).exit_code == 0
    assert_rejected(_case_with(tmp_path, 4, DITF_MAX_REQUESTS="3"), "the limit is 3")


def test_episodes_and_benchmarks_are_capped(tmp_path):
    import tomllib

    case = tomllib.loads((EXAMPLES / "honest_retreat.toml").read_text(encoding="utf-8"))
    episodes = {**case, "episodes": [case["requests"]] * 51}
    assert_rejected(invoke(str(write(tmp_path, "e.json", json.dumps(episodes)))),
                    "Too many episodes: 51")  # fmt: skip
    one = {**case, "episodes": [case["requests"] * 11]}
    assert_rejected(invoke(str(write(tmp_path, "r.json", json.dumps(one)))),
                    "Too many requests in episode 1")  # fmt: skip
    benchmarks = {**case, "benchmarks": case["benchmarks"] * 51}
    assert_rejected(invoke(str(write(tmp_path, "b.json", json.dumps(benchmarks)))),
                    "Too many benchmarks")  # fmt: skip


@pytest.mark.parametrize("suffix", ["toml", "json"])
def test_a_case_file_with_a_bom_is_read(tmp_path, suffix):
    import tomllib

    text = (EXAMPLES / "honest_retreat.toml").read_text(encoding="utf-8")
    if suffix == "json":
        text = json.dumps(tomllib.loads(text))
    path = tmp_path / f"bom.{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    plain = run_json(str(EXAMPLES / "honest_retreat.toml"))
    assert run_json(str(path)) == plain


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01T00:00+14:00"]
)
def test_dates_at_the_ends_of_the_calendar(tmp_path, moment):
    text = (EXAMPLES / "honest_retreat.toml").read_text(encoding="utf-8")
    import tomllib

    case = tomllib.loads(text)
    for request in case["requests"]:
        request.pop("at_minutes", None)
        request["at"] = moment
    result = invoke(str(write(tmp_path, "edge.json", json.dumps(case))))
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
