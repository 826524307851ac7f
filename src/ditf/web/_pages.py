"""Server-rendered pages: the Jinja2 environment, rendering, and reading submitted forms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, TypeVar

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

import ditf.data
from ditf._errors import DataError
from ditf._text import format_amount
from ditf.plan import minimum_words
from ditf.web._deps import get_state
from ditf.web._errors import FormInvalid, field_errors
from ditf.web._schemas.base import FieldErrorPublic
from ditf.web._security import CSRF_FIELD

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
#: The navigation bar: path and label.
NAV = (
    ("/", "Home"),
    ("/plan", "Plan"),
    ("/train", "Trainer"),
    ("/defend", "Defend"),
    ("/journal", "Journal"),
    ("/predict", "Predict"),
    ("/simulate", "Simulate"),
    ("/evidence", "Evidence"),
    ("/study", "Study"),
    ("/docs", "API"),
)
M = TypeVar("M", bound=BaseModel)
#: Plain-language meanings of the terms the results use: shown as tooltips on the term and
#: in a "what the terms mean" list under each result.
GLOSSARY = {
    "P(agreement)": "The chance they say yes, in percent: to the opener, or to the fallback "
    "after they refused the opener.",
    "BATNA": "Your best alternative to a negotiated agreement: what you get if there is no "
    "deal (another offer, your current job, buying nothing).",
    "expected value": "What the plan gains you beyond your BATNA on average: the gain if they "
    "agree, times the chance they agree.",
    "interval": "The range the true value most likely lies in (for example 90% of the "
    "model's uncertainty): a wide interval means the evidence is thin.",
    "lift": "How many percentage points the sequence adds to the chance of a yes, compared "
    "with asking the same thing alone.",
}


def pct(value: float | None, digits: int = 1) -> str:
    """A probability as a percentage, e.g. ``0.385`` -> ``38.5%``."""
    return "" if value is None else f"{100 * value:.{digits}f}%"


def points(value: float) -> str:
    """A probability difference in signed percentage points, e.g. ``0.218`` -> ``+21.8``."""
    return f"{100 * value:+.1f}"


def number(value: float | None, digits: int = 3) -> str:
    """A number with ``digits`` significant digits and thousands separators."""
    if value is None:
        return ""
    return f"{value:,.0f}" if abs(value) >= 10**digits else f"{value:.{digits}g}"


def field_error(errors: Iterable[FieldErrorPublic] | None, name: str) -> str:
    """The message for the form field ``name`` among a form's errors ("" when it is fine).

    A field matches its schema path exactly (``target``, ``benchmarks[1].value``) or as the
    last part of a nested one (``accepts_low`` for ``counterpart.accepts_low``).
    """
    for e in errors or ():
        if e.field == name or e.field.endswith("." + name):
            return e.message
    return ""


def score_band(score: float) -> str:
    """A trainer score out of 100 in words."""
    if score >= 85:
        return "Excellent round"
    if score >= 70:
        return "Good round"
    if score >= 50:
        return "Fair round: room to improve"
    return "A round to learn from"


def make_templates() -> Jinja2Templates:
    """The page templates, autoescaped, failing loudly on a missing variable."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=pct, points=points, number=number, amount=format_amount)
    env.filters["minimum_name"] = lambda direction: minimum_words(direction)[0]
    env.globals["nav"] = NAV
    env.globals["field_error"] = field_error
    env.globals["glossary"] = GLOSSARY
    env.globals["score_band"] = score_band
    return Jinja2Templates(env=env)


def csrf_token(request: Request) -> str:
    """The CSRF token the security middleware issued for this browser."""
    return str(request.scope.get("state", {}).get("csrf_token", ""))


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page with the context every page needs (CSRF token, active tab, settings).

    A page has no ``errors`` (fields to fix) and no ``error`` (a refusal) unless given.
    """
    state = get_state(request)
    section = "/" + request.url.path.strip("/").split("/")[0]
    base = {"csrf_token": csrf_token(request), "active": section, "settings": state.settings,
            "errors": [], "error": None}  # fmt: skip
    response = state.templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )
    assert isinstance(response, HTMLResponse)
    return response


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent with a form: its name and content (the body size is capped upstream)."""

    filename: str
    content: bytes


async def form_values(
    request: Request, *, booleans: Iterable[str] = (), multi: Iterable[str] = ()
) -> tuple[dict[str, Any], dict[str, Upload]]:
    """A submitted form: trimmed text fields, checkboxes as bools, lists, and files.

    Repeated fields named in ``multi`` become lists. The CSRF field is left out (the
    middleware checked it). The form is closed before returning, so no temporary file
    outlives the request.
    """
    many = set(multi)
    values: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    async with request.form() as form:
        for key in form:
            if key == CSRF_FIELD:
                continue
            items = form.getlist(key)
            texts = [v.strip() for v in items if isinstance(v, str)]
            if key in many:
                values[key] = texts
            elif texts:
                values[key] = texts[-1]
            for item in items:
                if isinstance(item, UploadFile):
                    uploads[key] = Upload(item.filename or "", await item.read())
        present = set(form)
    for key in booleans:
        values[key] = key in present
    return values, uploads


def split_list(text: str) -> list[str]:
    """Items of a list typed into one field, separated by commas, semicolons or spaces."""
    return [item for item in re.split(r"[,;\s]+", text) if item]


def parse_form(model: type[M], values: Mapping[str, Any]) -> M:
    """Validate form values against a request schema; empty fields take their defaults.

    Numbers are read as people type them (the schema's form context: :class:`Request`); a
    field that is no number gets that rule's message instead of the schema's.

    Raises
    ------
    FormInvalid
        With every field at fault.
    """
    data = {k: v for k, v in values.items() if k in model.model_fields and v != ""}
    try:
        return model.model_validate(data, context={"form": True})
    except ValidationError as exc:
        raise FormInvalid(field_errors(exc.errors())) from None


def parse_mapping(model: type[M], data: Mapping[str, Any]) -> M:
    """Validate a parsed file against a request schema as it is (unknown fields are errors).

    Raises
    ------
    FormInvalid
        With every field at fault.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FormInvalid(field_errors(exc.errors())) from None


def defaults(model: type[BaseModel]) -> dict[str, Any]:
    """A request schema's defaults, as a form shows them (None as an empty field)."""
    values = model().model_dump()
    return {k: "" if v is None else v for k, v in values.items()}


def upload_text(upload: Upload | None, what: str) -> tuple[str, str]:
    """An uploaded file's name (without folders) and its UTF-8 text; ``what`` names the file.

    Raises
    ------
    DataError
        If no file came, or it is not UTF-8 text.
    """
    if upload is None or not upload.filename:
        raise DataError(f"Choose a {what} to upload.")
    name = PurePath(upload.filename).name
    try:
        return name, upload.content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{name}: not UTF-8 text. Save it as UTF-8 and upload it again.") from None


def read_upload(upload: Upload | None, what: str) -> dict[str, Any]:
    """An uploaded ``.toml`` or ``.json`` file's top-level table (:func:`ditf.data.parse_mapping`).

    Raises
    ------
    DataError
        If no file came, it has another extension, is not UTF-8, does not parse, or its top
        level is not a table/object.
    """
    name, text = upload_text(upload, f"{what} file (.toml or .json)")
    return ditf.data.parse_mapping(text, name)


def shown(value: Any) -> str:
    """A value as a form field shows it (None and missing as empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
