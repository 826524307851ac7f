"""All routes behind one router, grouped by resource: one module each, page and API together."""

from __future__ import annotations

from fastapi import APIRouter

from ditf.web._routes import (
    _defend,
    _evidence,
    _home,
    _journal,
    _plan,
    _predict,
    _simulate,
    _study,
    _train,
)

router = APIRouter()
for _module in (
    _home, _plan, _train, _defend, _journal, _predict, _simulate, _evidence, _study,
):  # fmt: skip
    router.include_router(_module.router)
