"""Checks of what callers hand the journal, before any database work starts.

Each raises :class:`~ditf.InvalidParameterError` naming the field, in the message shape of
:mod:`ditf._validation`; nothing is written when one fails.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

from ditf._errors import InvalidParameterError
from ditf._validation import check_finite, check_positive, check_type
from ditf.store._schema import AGREED

__all__ = [
    "CLOCK_SKEW",
    "check_agreed_value",
    "check_amount",
    "check_details",
    "check_key",
    "check_moment",
    "check_not_future",
    "check_text",
    "check_value",
]

#: How far past now a moment may lie and still count as "now": the clocks of the machine that
#: recorded it and of the one that stores it may differ by that much.
CLOCK_SKEW = timedelta(minutes=5)


def check_text(value: Any, name: str, owner: str, *, max_length: int, required: bool) -> str:
    """A string of at most ``max_length`` characters (non-blank when ``required``)."""
    what = "a non-blank string" if required else "a string"
    constraint = f"{what} of at most {max_length} characters"
    check_type(value, name, owner, str, constraint)
    if len(value) > max_length or (required and not value.strip()):
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be {constraint}. "
            f"Got {shown!r} ({len(value)} characters) instead."
        )
    return str(value)


def check_key(value: Any, name: str, owner: str, *, max_length: int) -> str:
    """A counterpart key or trainee id: non-blank, no control characters, no outer spaces.

    Leading or trailing spaces would make two keys that look identical.
    """
    key = check_text(value, name, owner, max_length=max_length, required=True)
    if key != key.strip() or any(unicodedata.category(ch).startswith("C") for ch in key):
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be an id without leading or trailing "
            f"spaces or control characters, such as 'acme-hr'. Got {key!r} instead."
        )
    return key


def check_value(value: Any, name: str, owner: str) -> float | None:
    """``None`` or a finite number."""
    return None if value is None else check_finite(value, name, owner, "a finite number or None")


def check_amount(
    value: Any, name: str, owner: str, *, max_amount: float, allow_zero: bool = False
) -> float:
    """A finite amount > 0 (>= 0 with ``allow_zero``) and at most ``max_amount``.

    ``max_amount`` is :attr:`ditf.settings.Settings.max_amount`, the limit the CLI and the
    web apply too.
    """
    amount = check_positive(value, name, owner, allow_zero=allow_zero)
    if amount > max_amount:
        low = "0" if allow_zero else "(0"
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be an amount in {low}, {max_amount:g}] "
            f"(DITF_MAX_AMOUNT). Got {value!r} instead."
        )
    return amount


def check_moment(value: Any, name: str, owner: str) -> datetime:
    """``None`` (now) or a timezone-aware datetime, returned in UTC."""
    if value is None:
        return datetime.now(UTC)
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be a timezone-aware datetime (for example "
            f"datetime.now(timezone.utc)) or None for now. Got {value!r} instead."
        )
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):  # e.g. year 9999 at -12:00 is past datetime.max
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be a moment between the years 1 and 9999 "
            f"in UTC. Got {value.isoformat()!r} instead."
        ) from None


def check_not_future(moment: datetime, name: str, owner: str) -> datetime:
    """``moment`` (aware) if it is not in the future, give or take :data:`CLOCK_SKEW`.

    An ask is recorded once it was made: a date ahead would count retreats that have not
    happened yet.
    """
    now = datetime.now(UTC)
    if moment > now + CLOCK_SKEW:
        minutes = int(CLOCK_SKEW.total_seconds() // 60)
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must not lie in the future: an ask is "
            f"recorded once it was made (up to {minutes} minutes ahead pass, for clocks that "
            f"differ; it is now {now:%Y-%m-%d %H:%M} UTC). Got {moment.isoformat()!r} "
            "instead; give the moment it was asked, or None for now."
        )
    return moment


def check_agreed_value(value: float | None, result: str, owner: str) -> float | None:
    """``value``, unless it is an amount agreed on an outcome that agreed to nothing.

    Only the results in :data:`~ditf.store._schema.AGREED` carry an amount: a refusal or a
    walk-away shown "at 105,000 EUR" would read as a deal.
    """
    if value is not None and result not in AGREED:
        raise InvalidParameterError(
            f"The 'value' parameter of {owner} must be None for a {result!r} outcome: a "
            f"{result} ask has no agreed amount (only {' and '.join(map(repr, AGREED))} "
            f"have one). Got {value!r} instead; leave the value out, or record the result "
            "the ask was accepted with."
        )
    return value


def check_details(value: Any, name: str, owner: str) -> dict[str, Any]:
    """A JSON object that survives a JSON round trip unchanged (str keys, JSON values)."""
    constraint = "a dict of str keys to JSON values (str, finite number, bool, None, list, dict)"
    check_type(value, name, owner, dict, constraint)
    try:
        normal = json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError):
        normal = None
    # NaN/inf make json.dumps fail; tuples, int keys and other types change in the round trip.
    if normal != value:
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be {constraint}. Got {value!r} instead."
        )
    result: dict[str, Any] = normal
    return result
