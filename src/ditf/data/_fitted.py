"""The fitted default parameters shipped with the package (written by ``ditf fit``)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ditf._errors import DataError

FITTED_FILE = "fitted.json"


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
