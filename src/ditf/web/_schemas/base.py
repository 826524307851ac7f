"""Shared pieces of the schemas: base classes, common field types, errors.

Response models are derived from the core's frozen dataclasses by :func:`public_model`: the
fields, their order and their docs come from the core (written once there), the web adds only
what is its own (a field the route computes, a narrower type, a rename).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import re
import types
import typing
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self, TypeAlias, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from ditf._validation import parse_number
from ditf.settings import Settings

__all__ = [
    "Amount",
    "Baseline",
    "Cost",
    "Delay",
    "Derived",
    "ErrorPublic",
    "FieldErrorPublic",
    "HealthPublic",
    "PlausibleMax",
    "Public",
    "Request",
    "Seed",
    "Unit",
    "Wrapper",
    "derived",
    "one_of",
    "optional",
    "public_model",
]

#: The shared input limits (one set for the CLI, the journal and the web), read from the
#: defaults of :class:`~ditf.settings.Settings`; nothing is built at import.
LIMITS: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(Settings)}
#: Largest amount (a price, hours, a gift) accepted anywhere: ``Settings.max_amount``.
MAX_AMOUNT: float = LIMITS["max_amount"]
#: Longest delay in hours: ``Settings.max_delay_hours``.
MAX_DELAY_HOURS: float = LIMITS["max_delay_hours"]


def one_of(options: tuple[str, ...]) -> AfterValidator:
    """A validator that accepts only ``options`` (with a message listing them)."""

    def check(value: str) -> str:
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return value

    return AfterValidator(check)


Cost: TypeAlias = Annotated[float, Field(gt=0)]
Amount: TypeAlias = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]
Seed: TypeAlias = Annotated[int, Field(ge=0, le=2**32 - 1, description="Random seed.")]
Unit: TypeAlias = Annotated[str, Field(min_length=1, max_length=40, description="Cost unit.")]
Delay: TypeAlias = Annotated[
    float,
    Field(ge=0, le=MAX_DELAY_HOURS, description="Hours between the first request and the target."),
]
Baseline: TypeAlias = Annotated[
    float, Field(gt=0, lt=1, description="P(yes) to the target when it is asked alone.")
]
PlausibleMax: TypeAlias = Annotated[
    float | None,
    Field(gt=0, description="Largest ask that still reads as good faith; null if unknown."),
]


class Request(BaseModel):
    """Base of every request body: frozen, no unknown fields, no NaN or infinity.

    Numbers are strict about booleans: ``true``/``false`` is not a number (pydantic would read
    ``false`` as 0), as the schema's ``"type": "integer"``/``"number"`` says. Form fields
    (text) are still read as numbers: validated with ``context={"form": True}``, a number
    field reads what people type ("110,000", "110k", "EUR 110000") by
    :func:`~ditf._validation.parse_number`, and a text that is no number gets its message.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _typed_number(cls, value: Any, info: ValidationInfo) -> Any:
        if not (info.context or {}).get("form") or not isinstance(value, str) or not value.strip():
            return value
        annotation = cls.model_fields[str(info.field_name)].annotation
        if not _is_numeric(annotation):
            return value
        try:
            number = parse_number(value)
        except ValueError as exc:
            raise PydanticCustomError("typed_number", "{message}", {"message": str(exc)}) from None
        return int(number) if annotation is int and number.is_integer() else number

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_as_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name is None or info.field_name in _takes_booleans(cls):
            return value
        items = value if isinstance(value, list | tuple) else (value,)
        if any(isinstance(item, bool) for item in items):
            raise ValueError("true/false is not a valid value here")
        return value


def _is_numeric(annotation: Any) -> bool:
    """``annotation`` is a number type (float or int, maybe optional), never text or bool."""
    if annotation in (float, int):
        return True
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is Annotated:
        return _is_numeric(args[0])
    if args and typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        return bool(kinds) and all(_is_numeric(a) for a in kinds)
    return False


@functools.cache
def _takes_booleans(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` whose type admits ``bool`` (nested models check their own)."""
    return frozenset(
        name for name, field in model.model_fields.items() if _admits_bool(field.annotation)
    )


def _admits_bool(annotation: Any) -> bool:
    if annotation is bool or annotation is Any:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return False
    return any(_admits_bool(arg) for arg in typing.get_args(annotation))


class Public(BaseModel):
    """Base of every response body."""

    model_config = ConfigDict(frozen=True, from_attributes=True)


class Derived(Public):
    """Base of the response models derived from a core dataclass (see :func:`derived`).

    Their fields are added when the model is derived, so a type checker reads them as
    ``Any``; the core dataclass's annotations are where they are typed.
    """

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...


class Wrapper(Derived):
    """Base of the derived models filled from one core object alone (:meth:`from_core`).

    A model that also needs a value the object lacks (e.g. the number of draws) derives from
    :class:`Derived` and says how in its own ``from_core``.
    """

    @classmethod
    def from_core(cls, record: Any) -> Self:
        """The model of a core object: its ``to_dict()`` if it has one, else its attributes.

        ``to_dict`` is the core's JSON-ready form (datetimes as ISO 8601 text).
        """
        to_dict = getattr(record, "to_dict", None)
        return cls.model_validate(record if to_dict is None else to_dict())


class FieldErrorPublic(Public):
    """One invalid field of a request."""

    field: str = Field(description="Where the problem is, e.g. 'baseline' or 'axes[0].values'.")
    message: str


class ErrorPublic(Public):
    """Every error response: one readable sentence, and the invalid fields if any."""

    detail: str
    errors: list[FieldErrorPublic] = []


class HealthPublic(Public):
    """The app is up."""

    status: Literal["ok"] = "ok"


#: A numpydoc entry: ``name[, name...] : type`` and its indented description.
_ENTRY = re.compile(r"^(\w+(?:, \w+)*) : [^\n]*\n((?:[ \t]+\S[^\n]*\n?)*)", re.MULTILINE)
#: The numpydoc sections that document a dataclass's fields, up to the next section.
_SECTION = re.compile(r"^(?:Attributes|Parameters)\n-+\n(.*?)(?=^\w[^\n]*\n-+\n|\Z)", re.S | re.M)


@functools.cache
def field_docs(core: type) -> dict[str, str]:
    """The description of each field and property of ``core``, by name.

    A field's comes from the numpydoc ``Attributes`` (or ``Parameters``) section of the class
    docstring, a property's from its own docstring. Written for JSON readers: Python's
    ``None`` reads ``null``, and a Sphinx cross-reference (``:data:`x```) reads as code.
    """
    doc = inspect.cleandoc(core.__doc__ or "")
    docs = {
        name: text
        for section in _SECTION.findall(doc)
        for names, text in _ENTRY.findall(section)
        for name in names.split(", ")
    }
    for name, value in vars(core).items():
        if isinstance(value, property) and value.__doc__:
            docs.setdefault(name, value.__doc__)
    return {name: _for_json(text) for name, text in docs.items()}


#: A Sphinx cross-reference, e.g. ``:func:`~ditf.train.progress```.
_ROLE = re.compile(r":\w+:`~?([^`]+)`")


def _for_json(text: str) -> str:
    """A core docstring's text as an API description (one line, JSON's words)."""
    return re.sub(r"\bNone\b", "null", _ROLE.sub(r"``\1``", " ".join(text.split())))


#: A moment as ISO 8601 text, read from the text or from a datetime.
IsoText: TypeAlias = Annotated[
    str, BeforeValidator(lambda v: v.isoformat() if isinstance(v, datetime) else v)
]
#: The model derived for each core dataclass, which a field of that type is shown as.
_DERIVED: dict[type, type[Derived]] = {}
D = TypeVar("D", bound=Derived)
R = TypeVar("R", bound=Request)


def _web_type(annotation: Any) -> Any:
    """A core annotation as the web carries it.

    Tuples become lists, datetimes ISO 8601 text (as the core's ``to_dict`` gives them, and
    from a datetime attribute), and a nested dataclass its derived model.
    """
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return _DERIVED.get(annotation) or public_model(annotation)
    if annotation is datetime:
        return IsoText
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is tuple:
        return list[_web_type(args[0])]  # type: ignore[misc]
    if origin in (list, dict):
        return origin[tuple(_web_type(a) for a in args)]
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(_web_type(a) for a in args)]  # noqa: UP007
    return annotation


def public_model(
    core: type,
    name: str | None = None,
    *,
    base: type[D] = Derived,  # type: ignore[assignment]
    exclude: Collection[str] = (),
    properties: Collection[str] = (),
    fields: Mapping[str, Any] | None = None,
    after: Mapping[str, str] | None = None,
    rename: Mapping[str, str] | None = None,
    doc: str | None = None,
) -> type[D]:
    """The response model of the dataclass ``core``: its fields in order, with their docs.

    Every field is required (a response always carries it) and typed by :func:`_web_type`.

    Parameters
    ----------
    core : type
        A dataclass of the core.
    name : str, optional
        The model's name; default ``core``'s name + ``Public``.
    base : type of Derived, default Derived
        The model's base; its fields come first.
    exclude : collection of str
        Fields of ``core`` the web does not show.
    properties : collection of str
        Properties of ``core`` the web shows as fields (typed by their return annotation).
    fields : mapping of str to type or (type, default)
        The web's own fields, or other types for ``core``'s; a default makes one optional.
    after : mapping of str to str
        Fields placed after the named one (``""``: first).
    rename : mapping of str to str
        The web's name of a field (or property) of ``core``, by its core name; the docs say
        the web's names too. ``fields`` and ``after`` use the web's names, ``exclude`` the
        core's. The model reads the web's names (the core's JSON form, e.g. a report).
    doc : str, optional
        The model's description; default the first paragraph of ``core``'s docstring.
    """
    fields, rename = fields or {}, rename or {}
    hints = typing.get_type_hints(core)
    hints |= {p: typing.get_type_hints(getattr(core, p).fget)["return"] for p in properties}
    names = [f.name for f in dataclasses.fields(core) if f.name not in exclude]
    names = [rename.get(n, n) for n in (*names, *properties)]
    names += [n for n in fields if n not in names]
    for field, previous in (after or {}).items():
        names.remove(field)
        names.insert(names.index(previous) + 1 if previous else 0, field)
    core_name = {shown: name for name, shown in rename.items()}
    docs = _renamed(field_docs(core), rename)
    definitions: dict[str, Any] = {}
    for field in names:
        known = core_name.get(field, field)  # as ``core`` knows it
        spec = fields[field] if field in fields else _web_type(hints[known])
        annotation, default = spec if isinstance(spec, tuple) else (spec, ...)
        if known in docs:  # a description the web gives (in ``default``) comes first
            annotation = Annotated[annotation, Field(description=docs[known])]
        definitions[field] = (annotation, default)
    summary = inspect.cleandoc(core.__doc__ or "").split("\n\n")[0]
    model = create_model(
        name or f"{core.__name__}Public",
        __base__=base,
        __doc__=doc or " ".join(summary.split()),
        __module__=base.__module__,
        **definitions,
    )
    _DERIVED.setdefault(core, model)
    return model


def _renamed(docs: Mapping[str, str], rename: Mapping[str, str]) -> dict[str, str]:
    """``docs`` with every core name in ``rename`` written as the web's name."""
    if not rename:
        return dict(docs)
    names = re.compile(rf"\b({'|'.join(map(re.escape, rename))})\b")
    return {k: names.sub(lambda m: rename[m.group(1)], v) for k, v in docs.items()}


def derived(core: type, **options: Any) -> typing.Callable[[type[D]], type[D]]:
    """Derive the decorated class's fields from ``core`` (as :func:`public_model` does).

    The class gives the name, the docstring, the base fields and its own methods.
    """

    def derive(cls: type[D]) -> type[D]:
        return public_model(core, cls.__name__, base=cls, doc=cls.__doc__, **options)

    return derive


def optional(
    model: type[Request],
    *,
    exclude: Collection[str] = (),
    descriptions: Mapping[str, str | None] | None = None,
) -> typing.Callable[[type[R]], type[R]]:
    """Give the decorated request the fields of ``model``, each optional (default null).

    For a change to something ``model`` creates: the same names, types and limits, and a field
    left out changes nothing. ``descriptions`` replaces a field's (``None``: none), where what
    it means for a change differs; ``exclude`` names fields that cannot change.
    """
    described = descriptions or {}

    def build(cls: type[R]) -> type[R]:
        definitions: dict[str, Any] = {}
        for name, field in model.model_fields.items():
            if name in exclude:
                continue
            text = described.get(name, field.description)
            definitions[name] = (_constrained(field) | None, Field(default=None, description=text))
        return create_model(
            cls.__name__,
            __base__=cls,
            __doc__=cls.__doc__,
            __module__=cls.__module__,
            **definitions,
        )

    return build


def _constrained(field: FieldInfo) -> Any:
    """A field's type with its limits (pydantic keeps them apart, in ``metadata``).

    Only the type and its limits: an alias or examples would not carry over (no request
    field has them).
    """
    if not field.metadata:
        return field.annotation
    return Annotated[field.annotation, *field.metadata]
