"""All routes behind one router, grouped by resource: one module each, page and API together."""

from __future__ import annotations

from fastapi import APIRouter

from ditf.web._routes import _evidence, _home, _predict, _simulate, _study

router = APIRouter()
for _module in (_home, _predict, _simulate, _evidence, _study):
    router.include_router(_module.router)
