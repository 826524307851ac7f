"""The ditf web app: pages and a JSON API over the model, simulation, evidence and study tools.

Build it with :func:`create_app` and serve it with ``ditf serve`` (uvicorn). Routes parse and
validate (pydantic), call one library function and render (Jinja2 or JSON); no modelling
happens here. Needs the ``web`` extra: ``pip install 'ditf[web]'``.
"""

from __future__ import annotations

from ditf.web._app import create_app

__all__ = ["create_app"]
