"""The shipped fit (``ditf fit``) and the simulated link its anchoring calibration reads.

The link is written by ``scripts/anchoring_link.py``; ``make fit`` runs both.
"""

from __future__ import annotations

import csv
import io
import json
import math
from importlib import resources
from itertools import pairwise
from typing import Any

from ditf._errors import DataError

FITTED_FILE = "fitted.json"
ANCHORING_LINK_FILE = "anchoring_link.csv"


def load_fitted() -> dict[str, Any]:
    """The shipped fit result as a dict (see :meth:`ditf.model.FitResult.from_dict`).

    Raises
    ------
    DataError
        If the file is missing or is not JSON.
    """
    try:
        text = resources.files("ditf.data").joinpath(FITTED_FILE).read_text(encoding="utf-8")
        data: dict[str, Any] = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(
            f"The shipped fit {FITTED_FILE!r} cannot be read ({exc}). Reinstall ditf or "
            "regenerate it with `ditf fit --out src/ditf/data/fitted.json`."
        ) from exc
    return data


def load_anchoring_link() -> tuple[tuple[float, float], ...]:
    """(pull share, first-offer/settlement r) pairs simulated by ``ditf.negotiate``.

    Raises
    ------
    DataError
        If the file is missing or invalid (see :func:`parse_anchoring_link`).
    """
    try:
        text = resources.files("ditf.data").joinpath(ANCHORING_LINK_FILE).read_text("utf-8")
    except OSError as exc:
        raise DataError(f"The anchoring link {ANCHORING_LINK_FILE!r} is missing ({exc}).") from exc
    return parse_anchoring_link(text)


def parse_anchoring_link(text: str) -> tuple[tuple[float, float], ...]:
    """Parse the link table: ``pull,r,...`` rows; lines starting with ``#`` say how it was made.

    The pull shares must rise from 0 and the correlations never fall, so the link can be
    interpolated.

    Raises
    ------
    DataError
        If a row is not a valid (pull, r) pair in order.

    Examples
    --------
    >>> parse_anchoring_link(chr(10).join(["# made by hand", "pull,r", "0,0.3", "0.5,0.6"]))
    ((0.0, 0.3), (0.5, 0.6))
    """
    name = ANCHORING_LINK_FILE
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    try:
        rows = [
            (float(r["pull"]), float(r["r"])) for r in csv.DictReader(io.StringIO("\n".join(lines)))
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"The anchoring link {name!r} cannot be read ({exc}).") from exc
    pulls, rs = [p for p, _ in rows], [r for _, r in rows]
    ok = (
        len(rows) >= 2 and pulls[0] == 0.0
        and all(math.isfinite(x) for x in pulls + rs) and all(-1 <= r <= 1 for r in rs)
        and all(a < b for a, b in pairwise(pulls))
        and all(a <= b for a, b in pairwise(rs))
    )  # fmt: skip
    if not ok:
        raise DataError(
            f"The anchoring link {name!r} must list pull shares rising from 0 with correlations "
            "in [-1, 1] that never fall; regenerate it with `make fit`."
        )
    return tuple(rows)
