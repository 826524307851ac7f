"""A case from a parsed TOML/JSON file, with messages that name the field and the fix."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from ditf._errors import InvalidParameterError
from ditf._validation import check_fields
from ditf.defend._case import AskedRequest, DefendCase, Episode
from ditf.plan import Benchmark

__all__ = ["defend_case_from_mapping"]

_TOP_KEYS = {
    "domain", "title", "unit", "direction", "minimum", "batna", "reference", "benchmarks",
    "requests", "alone_answer", "counterpart", "episodes", "interests",
}  # fmt: skip
_REQUIRED = ("domain", "minimum", "batna", "benchmarks", "requests")
_REQUEST_KEYS = {"amount", "requester", "at_minutes", "at", "explanation"}


def defend_case_from_mapping(data: dict[str, Any]) -> DefendCase:
    """Build a case from a parsed TOML/JSON mapping (see ``docs/defend.md``).

    Parameters
    ----------
    data : dict
        The file's top-level table: ``domain``, ``minimum``, ``batna``, ``[[benchmarks]]``
        and ``[[requests]]`` (each with ``amount``, ``requester``, ``at_minutes`` or ``at``,
        optional ``explanation``), optionally ``unit``, ``direction``, ``reference``,
        ``alone_answer``, ``counterpart``, ``episodes``, ``interests``, ``title``.

    Returns
    -------
    DefendCase

    Raises
    ------
    InvalidParameterError
        Naming the field and the fix for a missing, unknown or inconsistent field.

    Examples
    --------
    >>> case = defend_case_from_mapping({
    ...     "domain": "procurement", "unit": "EUR", "minimum": 12000, "batna": 12500,
    ...     "benchmarks": [{"name": "quotes low", "kind": "market-low", "value": 9000},
    ...                    {"name": "quotes high", "kind": "market-high", "value": 14500}],
    ...     "requests": [{"amount": 14000, "requester": "sales rep", "at_minutes": 0},
    ...                  {"amount": 11500, "requester": "sales rep", "at_minutes": 2}]})
    >>> case.cost(case.current.amount)
    2500.0
    """
    if not isinstance(data, dict):
        raise InvalidParameterError(
            f"A defend file must hold a table/object at the top, got {type(data).__name__}."
        )
    check_fields(data, _TOP_KEYS, _REQUIRED, what="The case", template="examples/defend/")
    return DefendCase(
        domain=data["domain"],
        title=_text(data, "title"),
        unit=_text(data, "unit") or "units",
        direction=_text(data, "direction") or "less",
        minimum=data["minimum"],
        batna=data["batna"],
        reference=data.get("reference"),
        benchmarks=_benchmarks(data["benchmarks"]),
        requests=_requests(data["requests"], "[[requests]]"),
        alone_answer=_alone_answer(data.get("alone_answer")),
        counterpart=_text(data, "counterpart"),
        episodes=_episodes(data.get("episodes", [])),
        interests=_text(data, "interests"),
    )


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise InvalidParameterError(f"{key} must be text, got {value!r}.")
    return value


def _alone_answer(value: Any) -> str | float | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidParameterError(
            f"alone_answer must be 'yes', 'no' or a probability in [0, 1], got {value!r}."
        )
    return float(value)


def _benchmarks(entries: Any) -> tuple[Benchmark, ...]:
    if not isinstance(entries, list) or not all(isinstance(b, dict) for b in entries):
        raise InvalidParameterError(
            "benchmarks must be a list of tables with name, kind and value ([[benchmarks]])."
        )
    out = []
    for i, entry in enumerate(entries, start=1):
        unknown = sorted(set(entry) - {"name", "kind", "value"})
        missing = [k for k in ("name", "kind", "value") if k not in entry]
        if unknown or missing:
            raise InvalidParameterError(
                f"[[benchmarks]] entry {i} must have exactly name, kind and value"
                + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + "."
            )
        out.append(Benchmark(name=entry["name"], kind=entry["kind"], value=entry["value"]))
    return tuple(out)


def _episodes(entries: Any) -> tuple[Episode, ...]:
    if not isinstance(entries, list):
        raise InvalidParameterError(
            "episodes must be a list: each episode a list of requests, or a table with "
            "'requests' (and an optional 'label') under [[episodes]]."
        )
    out = []
    for k, entry in enumerate(entries, start=1):
        where = f"episode {k}"
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - {"requests", "label"})
            if unknown or "requests" not in entry:
                raise InvalidParameterError(
                    f"{where} must be a table with 'requests' and an optional 'label'"
                    + (f"; unknown: {', '.join(unknown)}." if unknown else ".")
                )
            label = entry.get("label", "")
            if not isinstance(label, str):
                raise InvalidParameterError(f"{where}: label must be text, got {label!r}.")
            out.append(Episode(requests=_requests(entry["requests"], where), label=label))
        else:
            out.append(Episode(requests=_requests(entry, where)))
    return tuple(out)


def _requests(entries: Any, where: str) -> tuple[AskedRequest, ...]:
    if not isinstance(entries, list) or not entries:
        raise InvalidParameterError(
            f"{where} needs at least one request: a list of tables with amount, requester and "
            "at_minutes (or at)."
        )
    if not all(isinstance(e, dict) for e in entries):
        raise InvalidParameterError(
            f"Each request of {where} must be a table with amount, requester and at_minutes."
        )
    for i, entry in enumerate(entries, start=1):
        unknown = sorted(set(entry) - _REQUEST_KEYS)
        missing = [k for k in ("amount", "requester") if k not in entry]
        if unknown or missing:
            raise InvalidParameterError(
                f"{where} entry {i}: "
                + (f"unknown field(s) {', '.join(unknown)}; " if unknown else "")
                + (f"missing {', '.join(missing)}; " if missing else "")
                + f"a request has {', '.join(sorted(_REQUEST_KEYS))}."
            )
    minutes = _minutes(entries, where)
    out = []
    for i, (entry, at) in enumerate(zip(entries, minutes, strict=True), start=1):
        try:
            out.append(
                AskedRequest(
                    amount=entry["amount"],
                    requester=entry["requester"],
                    at_minutes=at,
                    explanation=entry.get("explanation", ""),
                )
            )
        except InvalidParameterError as exc:
            raise InvalidParameterError(f"{where} entry {i}: {exc}") from None
    return tuple(out)


def _minutes(entries: list[dict[str, Any]], where: str) -> list[Any]:
    """Each request's time in minutes since the first: from ``at_minutes`` or from ``at``."""
    uses_at = any("at" in e for e in entries)
    if uses_at and any("at_minutes" in e for e in entries):
        raise InvalidParameterError(
            f"{where}: give the times either as at_minutes or as at (a date-time) for every "
            "request, not both."
        )
    key = "at" if uses_at else "at_minutes"
    lacking = [i for i, e in enumerate(entries, start=1) if key not in e and i > 1]
    if lacking or (uses_at and "at" not in entries[0]):
        first = lacking[0] if lacking else 1
        raise InvalidParameterError(
            f"{where} entry {first} has no {key}: say when each request was made ({key}), "
            "so the timing of a retreat can be judged."
        )
    if not uses_at:
        return [e.get("at_minutes", 0.0) for e in entries]
    moments = [_moment(e["at"], f"{where} entry {i}") for i, e in enumerate(entries, start=1)]
    try:
        minutes = [(m - moments[0]).total_seconds() / 60.0 for m in moments]
    except TypeError:
        raise InvalidParameterError(
            f"{where}: mix of date-times with and without a time zone; give every 'at' the "
            "same way."
        ) from None
    if minutes != sorted(minutes):
        raise InvalidParameterError(
            f"The requests of {where} must be listed in the order they were made; their 'at' "
            "times are not. Reorder them or fix the times."
        )
    return minutes


def _moment(value: Any, where: str) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time.min)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidParameterError(
        f"{where}: at must be a date-time such as 2026-03-02T10:15:00, got {value!r}."
    )
