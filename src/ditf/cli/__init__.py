"""The ``ditf`` command line: parse, call one library function, render.

Every command rejects bad input with a one-line message on stderr and exit code 2.
Commands live in one private module per area; importing them registers them on ``app``.
"""

from __future__ import annotations

from ditf.cli import _defend, _journal, _model, _negotiate, _plan, _serve, _simulate, _study, _train  # noqa: F401  (register the commands)
from ditf.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``ditf`` script."""
    app()
