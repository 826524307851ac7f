"""The oTree export: design validation, the rendered project, writing it, and oTree's own bots.

The last test runs ``otree test`` on the rendered project. oTree pins old versions of
SQLAlchemy, Starlette and MarkupSafe, so it lives in its own virtual environment: point
``DITF_OTREE`` at that environment's ``otree`` (with ``requests`` installed next to it), or
install oTree where ``pytest`` runs. Without it, only that test is skipped.
"""

from __future__ import annotations

import ast
import csv
import os
import shutil
import subprocess
import sys
import types
from collections import Counter
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from ditf import DataError, InvalidParameterError
from ditf.data import read_mapping
from ditf.data._write import write_files
from ditf.simulate import CONDITIONS
from ditf.study._otree import OTREE_ARMS, OtreeDesign, otree_design_from_mapping, render_otree_app

EXAMPLE = Path(__file__).parents[2] / "examples" / "otree_design.toml"

BASE = dict(  # noqa: C408 - keyword style, like the constructor
    app_name="ditf_zoo",
    opener_text="Would you counsel delinquents two hours a week for two years?",
    exposure_text="Some students are asked to counsel delinquents for two years.",
    retreat_text="We understand. We also have another program.",
    target_text="Would you chaperone a two-hour trip to the zoo?",
    unit="hours",
    opener_cost=208,
    target_cost=2,
    participants=72,
)


def design(**changes):
    return OtreeDesign(**(BASE | changes))


def mapping(**changes):
    data = read_mapping(EXAMPLE)
    for path, value in changes.items():
        table, _, key = path.rpartition("__")
        target = data[table] if table else data
        if value is None:
            target.pop(key)
        else:
            target[key] = value
    return data


# The design ---------------------------------------------------------------------------------


def test_arms_are_standard_conditions():
    assert set(OTREE_ARMS) <= set(CONDITIONS)


def test_example_design_file():
    d = otree_design_from_mapping(read_mapping(EXAMPLE))
    assert d.app_name == "ditf_volunteer"
    assert d.arms == OTREE_ARMS
    assert d.participants == 72  # 24 per arm
    assert (d.unit, d.opener_cost, d.target_cost) == ("hours", 208.0, 2.0)
    assert d.opener_text.strip().startswith("We are currently recruiting")
    assert "some students\nare asked" in d.exposure_text


def test_design_is_frozen_and_normalised():
    d = design(arms=["exposure_control", "door_in_the_face"], opener_cost=208)
    assert d.arms == ("door_in_the_face", "exposure_control")
    assert isinstance(d.opener_cost, float)
    with pytest.raises(AttributeError):
        d.app_name = "other"


def test_participants_total_or_per_arm():
    two_arms = mapping(arms=["door_in_the_face", "target_only"], participants_per_arm=10)
    assert otree_design_from_mapping(two_arms).participants == 20
    total = mapping(participants_per_arm=None, participants=7)
    assert otree_design_from_mapping(total).participants == 7


def test_exposure_text_needed_only_with_that_arm():
    assert design(exposure_text="", arms=["door_in_the_face", "target_only"]).exposure_text == ""
    with pytest.raises(InvalidParameterError, match=r"'exposure_text'.*non-empty string"):
        design(exposure_text="")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("app_name", "json", "'app_name'.*not a keyword"),  # shadows the stdlib
        ("app_name", "settings", "'app_name'"),
        ("app_name", "otree", "'app_name'"),
        ("app_name", "class", "'app_name'"),
        ("app_name", "My_App", "'app_name'"),
        ("app_name", "my-app", "'app_name'"),
        ("app_name", "1app", "'app_name'"),
        ("app_name", "_app", "'app_name'"),
        ("app_name", "café", "'app_name'"),
        ("app_name", "", "'app_name'"),
        ("app_name", 3, "'app_name'"),
        ("arms", ["door_in_the_face"], "'arms'.*at least one control"),
        ("arms", ["target_only", "exposure_control"], "'arms'"),
        ("arms", ["door_in_the_face", "door_in_the_face", "target_only"], "'arms'"),
        ("arms", ["door_in_the_face", "two_requesters"], "'arms'"),
        ("arms", "door_in_the_face", "'arms'"),
        ("arms", [["door_in_the_face"], "target_only"], "'arms'"),
        ("participants", 2, "'participants'.*an int >= 3"),
        ("participants", 0, "'participants'"),
        ("participants", 30.0, "'participants'"),
        ("participants", True, "'participants'"),
        ("opener_cost", -1, "'opener_cost'.*> 0"),
        ("target_cost", 0, "'target_cost'"),
        ("opener_cost", float("nan"), "'opener_cost'"),
        ("opener_cost", "208", "'opener_cost'"),
        ("opener_cost", 2, "'opener_cost' > 'target_cost'"),
        ("unit", "", "'unit'"),
        ("title", "  ", "'title'"),
        ("opener_text", "", "'opener_text'.*non-empty string"),
        ("target_text", None, "'target_text'"),
        ("intro_text", "\n", "'intro_text'"),
        ("thanks_text", 1, "'thanks_text'"),
        ("retreat_text", None, "'retreat_text'.*a string"),
    ],
)
def test_invalid_design(field, value, message):
    with pytest.raises(InvalidParameterError, match=message):
        design(**{field: value})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"app_name": "json"}, "'app_name' parameter of the oTree design"),
        ({"app_name": None}, r"missing \['app_name'\]"),
        ({"texts__target": None}, r"missing \['texts.target'\]"),
        ({"costs__opener": None}, r"missing \['costs.opener'\]"),
        ({"texts__exposure": None}, "'exposure_control' arm but no 'texts.exposure'"),
        ({"costs__opener": -5}, "'costs.opener' parameter of the oTree design"),
        ({"costs__opener": 1}, "'costs.opener' > 'costs.target'"),
        ({"costs__unit": 3}, "'costs.unit'"),
        ({"texts__opener": ""}, "'texts.opener'"),
        ({"texts__retreat": 5}, "'texts.retreat'"),
        ({"texts__thanks": ["no"]}, "'texts.thanks'"),
        ({"title": ""}, "'title'"),
        ({"arms": ["door_in_the_face"]}, "'arms'"),
        ({"participants_per_arm": 0}, "'participants_per_arm'.*>= 1"),
        ({"participants_per_arm": "24"}, "'participants_per_arm'"),
        ({"participants": 72}, "exactly one of 'participants'"),
        ({"participants_per_arm": None}, "exactly one of 'participants'"),
        ({"participants_per_arm": None, "participants": 2}, "'participants' parameter"),
        ({"seed": 1}, r"unknown key\(s\) \['seed'\]"),
        ({"texts__question": "?"}, r"'texts' table has unknown key\(s\) \['question'\]"),
        ({"costs": 208}, "'costs' must be a table"),
    ],
)
def test_invalid_design_file_names_the_field(changes, message):
    with pytest.raises(DataError, match=message):
        otree_design_from_mapping(mapping(**changes))


def test_design_file_must_be_a_table():
    with pytest.raises(DataError, match="must be a table"):
        otree_design_from_mapping([1, 2])


# The rendered project -----------------------------------------------------------------------


def test_rendered_files():
    files = render_otree_app(design())
    assert set(files) == {
        "settings.py",
        "requirements.txt",
        "Procfile",
        ".gitignore",
        "README.md",
        "_static/global/empty.css",
        "ditf_zoo/__init__.py",
        "ditf_zoo/tests.py",
        "ditf_zoo/Intro.html",
        "ditf_zoo/Opener.html",
        "ditf_zoo/ExposureDescription.html",
        "ditf_zoo/Target.html",
        "ditf_zoo/Thanks.html",
    }
    for path, text in files.items():
        if path.endswith(".py"):
            ast.parse(text, filename=path)
        if path.endswith(".html"):
            assert text.count("{{ block") == 2
            assert text.count("{{ endblock }}") == 2
    assert files == render_otree_app(design())  # deterministic
    assert "otree>=5.11,<7" in files["requirements.txt"]
    assert "requests" in files["requirements.txt"]


def test_settings():
    files = render_otree_app(design(participants=30, title="Zoo study"))
    settings: dict[str, Any] = {}
    exec(files["settings.py"], settings)  # plain Python: reads only the environment
    (config,) = settings["SESSION_CONFIGS"]
    assert config["name"] == "ditf_zoo"
    assert config["app_sequence"] == ["ditf_zoo"]
    assert config["num_demo_participants"] == 30
    assert config["display_name"] == "Zoo study"
    assert settings["PARTICIPANT_FIELDS"] == ["arm"]
    assert isinstance(settings["SECRET_KEY"], str)


def test_texts_are_escaped_for_otree_templates():
    d = design(
        opener_text="Two <b>years</b> & {{ next_button }} {% if %} {# x #}",
        title="A & B",
        target_text="First paragraph,\nwrapped.\n\n  Second paragraph.  ",
    )
    files = render_otree_app(d)
    opener = files["ditf_zoo/Opener.html"]
    assert "Two &lt;b&gt;years&lt;/b&gt; &amp; &#123;&#123; next_button &#125;&#125;" in opener
    assert "&#123;% if %&#125; &#123;# x #&#125;" in opener
    assert "A &amp; B" in opener
    target = files["ditf_zoo/Target.html"]
    assert "<p>First paragraph, wrapped.</p>\n    <p>Second paragraph.</p>" in target
    # The only template code left is ours.
    code = {line.strip() for text in files.values() for line in text.splitlines() if "{" in line}
    code = {line for line in code if line.startswith("{{")}
    assert code <= {
        "{{ block title }}",
        "{{ endblock }}",
        "{{ block content }}",
        "{{ formfields }}",
        "{{ next_button }}",
        "{{ if show_retreat }}",
        "{{ endif }}",
    }


def test_each_arm_sees_its_pages():
    files = render_otree_app(design())
    assert "{{ formfields }}" in files["ditf_zoo/Opener.html"]
    assert "{{ formfields }}" in files["ditf_zoo/Target.html"]
    # The exposure page describes the opener and asks nothing.
    exposure = files["ditf_zoo/ExposureDescription.html"]
    assert "Some students are asked" in exposure
    assert "formfields" not in exposure
    assert "{{ next_button }}" in exposure
    assert "next_button" not in files["ditf_zoo/Thanks.html"]  # the end
    assert 'class="retreat"' in files["ditf_zoo/Target.html"]


def test_two_arm_design_without_exposure_or_retreat():
    d = design(arms=("door_in_the_face", "target_only"), exposure_text="", retreat_text="")
    files = render_otree_app(d)
    assert "ditf_zoo/ExposureDescription.html" not in files
    assert "ExposureDescription" not in files["ditf_zoo/__init__.py"]
    assert "ExposureDescription" not in files["ditf_zoo/tests.py"]
    assert "retreat" not in files["ditf_zoo/Target.html"]
    assert "HAS_RETREAT = False" in files["ditf_zoo/tests.py"]


def test_render_needs_a_design():
    with pytest.raises(InvalidParameterError, match="'design' parameter of render_otree_app"):
        render_otree_app(BASE)


# The app's logic, run against a stand-in for otree.api ----------------------------------------


@pytest.fixture
def app_module(monkeypatch):
    """Load a rendered app's ``__init__.py`` with a minimal fake ``otree.api``."""
    api = types.ModuleType("otree.api")
    for name in ("BaseConstants", "BaseGroup", "BasePlayer", "BaseSubsession", "Page"):
        setattr(api, name, type(name, (), {}))
    api.models = SimpleNamespace(StringField=dict, BooleanField=dict)  # type: ignore[attr-defined]
    api.widgets = SimpleNamespace(RadioSelectHorizontal=None)  # type: ignore[attr-defined]
    package = types.ModuleType("otree")
    package.api = api  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "otree", package)
    monkeypatch.setitem(sys.modules, "otree.api", api)

    def load(d):
        module: dict[str, object] = {"__name__": d.app_name}
        exec(render_otree_app(d)[f"{d.app_name}/__init__.py"], module)
        return SimpleNamespace(**module)

    return load


def _session(app, n):
    players = [SimpleNamespace(arm=None, participant=SimpleNamespace(arm=None)) for _ in range(n)]
    app.creating_session(SimpleNamespace(get_players=lambda: players))
    return players


@pytest.mark.parametrize("arms", [OTREE_ARMS, ("door_in_the_face", "exposure_control")])
def test_assignment_is_random_and_balanced(app_module, arms):
    app = app_module(design(arms=arms))
    assert arms == app.C.OTREE_ARMS
    for n in range(1, 41):
        players = _session(app, n)
        counts = Counter(p.arm for p in players)
        assert set(counts) <= set(arms)
        sizes = [counts[a] for a in arms]
        assert max(sizes) - min(sizes) <= 1
        assert all(p.participant.arm == p.arm for p in players)
    # Which arm gets the extra person, and the order, vary from session to session.
    extra = Counter(Counter(p.arm for p in _session(app, len(arms) + 1)).most_common(1)[0][0]
                    for _ in range(300))  # fmt: skip
    assert set(extra) == set(arms)
    firsts = Counter(_session(app, 2 * len(arms))[0].arm for _ in range(300))
    assert set(firsts) == set(arms)


def test_pages_shown_by_arm(app_module):
    app = app_module(design())
    assert [page.__name__ for page in app.page_sequence] == [
        "Intro",
        "Opener",
        "ExposureDescription",
        "Target",
        "Thanks",
    ]
    for arm in OTREE_ARMS:
        player = SimpleNamespace(arm=arm, opener_answer=None)
        assert app.Opener.is_displayed(player) == (arm == "door_in_the_face")
        assert app.ExposureDescription.is_displayed(player) == (arm == "exposure_control")
        if arm != "door_in_the_face":
            assert app.Target.vars_for_template(player) == {"show_retreat": False}
    # The retreat follows a refused opener only.
    for answer, shown in [(False, True), (True, False)]:
        player = SimpleNamespace(arm="door_in_the_face", opener_answer=answer)
        assert app.Target.vars_for_template(player) == {"show_retreat": shown}
    assert (app.C.COST_UNIT, app.C.OPENER_COST, app.C.TARGET_COST) == ("hours", 208.0, 2.0)


# Writing ------------------------------------------------------------------------------------

FILES = {"settings.py": "x = 1\n", "app/__init__.py": "é = 'ü'\n", "app/A.html": ""}


def _leftovers(parent: Path, name: str) -> list[str]:
    return [p.name for p in parent.iterdir() if p.name.startswith(f".{name}.tmp-")]


def test_write_new_folder(tmp_path):
    out = tmp_path / "deep" / "project"
    paths = write_files(FILES, out)
    assert paths == [out / "settings.py", out / "app" / "__init__.py", out / "app" / "A.html"]
    assert (out / "app" / "__init__.py").read_bytes() == "é = 'ü'\n".encode()
    assert _leftovers(out.parent, "project") == []
    # The folder gets the usual permissions, not a private temporary folder's 0o700.
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask


def test_write_into_empty_folder(tmp_path):
    out = tmp_path / "project"
    out.mkdir()
    inode = out.stat().st_ino
    write_files(FILES, str(out))
    assert sorted(p.name for p in out.iterdir()) == ["app", "settings.py"]
    assert out.stat().st_ino == inode  # the same folder (it may be the working directory)
    assert _leftovers(tmp_path, "project") == []


def _fail_second_replace(monkeypatch):
    real, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def test_failed_move_into_empty_folder_empties_it(tmp_path, monkeypatch):
    out = tmp_path / "project"
    out.mkdir()
    _fail_second_replace(monkeypatch)
    with pytest.raises(DataError, match="No space left"):
        write_files(FILES, out)
    assert list(out.iterdir()) == []
    assert _leftovers(tmp_path, "project") == []


def test_failed_overwrite_keeps_other_files(tmp_path, monkeypatch):
    out = tmp_path / "project"
    out.mkdir()
    (out / "db.sqlite3").write_text("data")
    _fail_second_replace(monkeypatch)
    with pytest.raises(DataError, match="No space left"):
        write_files(FILES, out, overwrite=True)
    assert (out / "db.sqlite3").read_text() == "data"
    assert _leftovers(tmp_path, "project") == []


def test_refuse_non_empty_folder(tmp_path):
    out = tmp_path / "project"
    out.mkdir()
    (out / "db.sqlite3").write_text("data")
    with pytest.raises(DataError, match=r"is not empty. .*(--overwrite; overwrite=True in Python)"):
        write_files(FILES, out)
    assert [p.name for p in out.iterdir()] == ["db.sqlite3"]
    assert _leftovers(tmp_path, "project") == []


def test_overwrite_replaces_ours_and_keeps_the_rest(tmp_path):
    out = tmp_path / "project"
    write_files(FILES, out)
    (out / "db.sqlite3").write_text("data")
    write_files({"settings.py": "x = 2\n"}, out, overwrite=True)
    assert (out / "settings.py").read_text() == "x = 2\n"
    assert (out / "db.sqlite3").read_text() == "data"
    assert (out / "app" / "A.html").exists()
    assert _leftovers(tmp_path, "project") == []


def test_outdir_is_a_file(tmp_path):
    (tmp_path / "project").write_text("")
    with pytest.raises(DataError, match="is a file"):
        write_files(FILES, tmp_path / "project", overwrite=True)


def test_failure_leaves_nothing(tmp_path):
    # "a" cannot be both a file and a folder: the second write fails after the first.
    with pytest.raises(DataError, match="Cannot write the files"):
        write_files({"a": "x", "a/b": "y"}, tmp_path / "project")
    assert list(tmp_path.iterdir()) == []


def test_text_that_is_not_utf8(tmp_path):
    with pytest.raises(DataError, match="UTF-8"):
        write_files({"a.txt": "\ud800"}, tmp_path / "project")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", ["/etc/passwd", "../up", "a/../b", "", "a//b", "a/", "./a",
                                  "a\\b", "C:x", 3])  # fmt: skip
def test_unsafe_paths(tmp_path, path):
    with pytest.raises(InvalidParameterError, match="relative POSIX paths"):
        write_files({path: ""}, tmp_path / "project")
    assert list(tmp_path.iterdir()) == []


def test_write_arguments(tmp_path):
    with pytest.raises(InvalidParameterError, match="must be strings"):
        write_files({"a": b"x"}, tmp_path / "p")
    with pytest.raises(InvalidParameterError, match="'overwrite'"):
        write_files({"a": "x"}, tmp_path / "p", overwrite=1)


# oTree's bots on the rendered project --------------------------------------------------------


def _otree() -> str | None:
    """The ``otree`` command: $DITF_OTREE, next to this Python, or on PATH."""
    if os.environ.get("DITF_OTREE"):
        return os.environ["DITF_OTREE"]
    beside = Path(sys.executable).with_name("otree")
    return str(beside) if beside.exists() else shutil.which("otree")


OTREE = _otree()
NO_OTREE = (
    "oTree is not installed. Its pins (SQLAlchemy 1.3, Starlette 0.14, MarkupSafe 1.1) clash "
    "with ditf's dependencies, so give it its own venv: python -m venv .venv-otree && "
    ".venv-otree/bin/pip install 'otree==6.0.15' requests; then set "
    "DITF_OTREE=.venv-otree/bin/otree"
)


@pytest.mark.skipif(OTREE is None, reason=NO_OTREE)
@pytest.mark.parametrize(
    ("d", "n"),
    [
        # The worked example, with template code and HTML in the wording, 2 x 3 + 1 people.
        (
            replace(
                otree_design_from_mapping(read_mapping(EXAMPLE)),
                intro_text="Braces {{ like this }}, {% this %} and <b>tags</b> stay text.",
            ),
            7,
        ),
        (design(arms=("door_in_the_face", "target_only"), retreat_text=""), 4),
    ],
    ids=["three_arms", "two_arms"],
)
def test_otree_bots_walk_every_arm(tmp_path, d, n):
    project = tmp_path / "project"
    write_files(render_otree_app(d), project)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTREE_")}
    result = subprocess.run(
        [str(OTREE), "test", d.app_name, str(n), "--export", str(tmp_path / "data")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert output.count("Bots completed session") == 3  # one session per case

    with (tmp_path / "data" / f"{d.app_name}.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3 * n
    for session in {row["session.code"] for row in rows}:
        people = [row for row in rows if row["session.code"] == session]
        counts = Counter(row["player.arm"] for row in people)
        assert set(counts) == set(d.arms)
        assert max(counts.values()) - min(counts.values()) <= 1
        for row in people:
            assert row["participant._current_page_name"] == "Thanks"
            assert row["player.target_answer"] in {"0", "1"}
            in_door = row["player.arm"] == "door_in_the_face"
            assert (row["player.opener_answer"] in {"0", "1"}) == in_door
            assert (row["player.opener_answer"] == "") == (not in_door)


def test_a_huge_session_is_refused_with_the_cap():
    # Issue 12: participants_per_arm = 10**400 wrote a 401-digit number into settings.py.
    with pytest.raises(
        DataError,
        match=r"'participants_per_arm' .* at most 10,000 \(at most "
        r"30,000 participants in one oTree session\)\. Got a 401-digit number",
    ):
        otree_design_from_mapping(mapping(participants_per_arm=10**400))
    two = mapping(arms=["door_in_the_face", "target_only"], participants_per_arm=15_000)
    assert otree_design_from_mapping(two).participants == 30_000
    with pytest.raises(DataError, match=r"'participants' .* at most 30,000"):
        otree_design_from_mapping(mapping(participants_per_arm=None, participants=30_001))
    with pytest.raises(InvalidParameterError, match=r"'participants' .* at most 30,000"):
        design(participants=10**6)


def test_the_export_command_refuses_a_huge_session_with_one_line(tmp_path):
    from typer.testing import CliRunner

    from ditf.cli import app

    source = read_mapping(EXAMPLE)
    text = Path(EXAMPLE).read_text(encoding="utf-8")
    assert "participants_per_arm" in text and source["participants_per_arm"]
    lines = [
        f"participants_per_arm = {10**400}" if line.startswith("participants_per_arm") else line
        for line in text.splitlines()
    ]
    path = tmp_path / ("design" + Path(EXAMPLE).suffix)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["study", "export-otree", str(path), str(tmp_path / "out")])
    assert result.exit_code == 2
    # The CLI's one reader refuses the number itself (above DITF_MAX_AMOUNT) before the design's
    # own cap (at most 10,000 per arm) is reached: either way one line, nothing written.
    assert result.stderr.count("\n") == 1 and "participants_per_arm" in result.stderr
    assert not (tmp_path / "out").exists()
