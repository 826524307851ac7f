"""The public namespaces: ``__all__`` is complete and sorted, and ``import ditf`` stays light.

After httpx's ``test_all_imports_are_exported``. "Sorted" is the order ruff's RUF022 keeps
(isort-style): SCREAMING_CASE constants, then CamelCase classes, then everything else.
"""

from __future__ import annotations
import __future__

import json
import subprocess
import sys
import types

import pytest

import ditf
import ditf.data
import ditf.defend
import ditf.model
import ditf.negotiate
import ditf.plan
import ditf.simulate
import ditf.store
import ditf.study
import ditf.train
import ditf.web

NAMESPACES = [
    ditf,
    ditf.data,
    ditf.defend,
    ditf.model,
    ditf.negotiate,
    ditf.plan,
    ditf.simulate,
    ditf.store,
    ditf.study,
    ditf.train,
    ditf.web,
]
#: Never imported by ``import ditf``: the application layer, optional extras, plotting.
HEAVY = ["typer", "rich", "fastapi", "sqlalchemy", "negmas", "dask", "matplotlib"]


def isort_key(name: str) -> tuple[int, str]:
    if len(name) > 1 and name.isupper():
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


def public_names(module: types.ModuleType) -> set[str]:
    """Names a module defines or re-exports, other than modules and ``from __future__``."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, (types.ModuleType, __future__._Feature))
    }


@pytest.mark.parametrize("module", NAMESPACES, ids=lambda m: m.__name__)
def test_all_is_sorted(module):
    assert module.__all__ == sorted(module.__all__, key=isort_key)
    assert len(set(module.__all__)) == len(module.__all__)


@pytest.mark.parametrize("module", NAMESPACES, ids=lambda m: m.__name__)
def test_all_imports_are_exported(module):
    assert public_names(module) <= set(module.__all__)


@pytest.mark.parametrize("module", NAMESPACES, ids=lambda m: m.__name__)
def test_every_name_in_all_exists(module):
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


def test_the_subpackages_are_namespaces_of_ditf():
    assert ditf.model is sys.modules["ditf.model"]
    assert ditf.data is sys.modules["ditf.data"]
    assert {"model", "data"} <= set(ditf.__all__)


def test_top_level_names_are_the_model_objects_and_the_error_tree():
    errors = {n for n in ditf.__all__ if n.endswith(("Error", "Warning")) or n == "PlanRejected"}
    for name in set(ditf.__all__) - errors - {"data", "model"}:
        assert getattr(ditf, name) is getattr(ditf.model, name)
    for name in errors:
        assert issubclass(getattr(ditf, name), (ditf.DitfError, ditf.DitfWarning))


def test_every_error_and_warning_can_be_caught_from_the_top_level():
    from ditf import _errors

    assert set(_errors.__all__) <= set(ditf.__all__)


def test_import_ditf_stays_light():
    code = (
        "import json, sys\n"
        "import ditf\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert "ditf" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
