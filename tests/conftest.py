"""Settings for the whole test suite."""

from __future__ import annotations

import os

# pytest-xdist starts its workers with COLUMNS and LINES set; Rich would fix the CLI consoles'
# size from them when ditf.cli is imported. Without them the consoles follow the COLUMNS each
# test passes to CliRunner, with or without workers.
for name in ("COLUMNS", "LINES"):
    os.environ.pop(name, None)

# One BLAS thread per process. pytest-xdist already runs one worker per core: OpenBLAS would
# add a thread per core in each worker, and its idle threads spin, so the workers (and the
# processes tests start) fight for the cores; the model's fits then run 3 to 4 times slower.
# Set before NumPy loads (this file is imported first, and subprocesses inherit it).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
