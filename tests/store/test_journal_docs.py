"""The examples of docs/journal.md run as written."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from ditf.cli import app

DOC = Path(__file__).resolve().parents[2] / "docs" / "journal.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_shell_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    commands = [line[2:] for line in _blocks("console")[0].splitlines() if line.startswith("$ ")]
    assert len(commands) >= 8
    env = {"DITF_DB": str(tmp_path / "journal.sqlite"), "COLUMNS": "100"}
    for command in commands:
        args = shlex.split(command)
        assert args[:2] == ["ditf", "journal"]
        result = CliRunner().invoke(app, args[1:], env=env)
        assert result.exit_code == 0, (command, result.output)
    backup = json.loads((tmp_path / "backup.json").read_text(encoding="utf-8"))
    assert [a["counterpart"] for a in backup["asks"]] == ["acme-hr", "acme-hr", "bright-vendor"]
    assert (tmp_path / "asks.csv").read_text(encoding="utf-8").startswith("id,counterpart,")


def test_the_python_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (code,) = _blocks("python")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(DOC), "exec"), {})
    assert printed.getvalue() == "1 108000.0\n"
    assert (tmp_path / "journal.sqlite").exists()
