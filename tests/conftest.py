"""Settings for the whole test suite."""

from __future__ import annotations

import os

# pytest-xdist starts its workers with COLUMNS and LINES set; Rich would fix the CLI consoles'
# size from them when ditf.cli is imported. Without them the consoles follow the COLUMNS each
# test passes to CliRunner, with or without workers.
for name in ("COLUMNS", "LINES"):
    os.environ.pop(name, None)
