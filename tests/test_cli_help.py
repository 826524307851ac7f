"""Help texts show their bracketed defaults (Rich would read ``[none]`` as markup and drop it)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ditf.cli import app


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["simulate"], "Largest good-faith ask [none]."),
        (["simulate"], "Unit of the costs [hours]."),
        (["sweep"], "A prosocial cause [yes]."),
        (["journal", "add", "ask"], "local time unless given [now]."),
    ],
)
def test_a_bracketed_default_is_shown(command, shown):
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert shown in result.stdout
