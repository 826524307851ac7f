"""The audit's rules, kept as data (``audit_rules.toml``) so they can be read and cited."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ditf._errors import DataError

AUDIT_RULES_FILE = "audit_rules.toml"
SEVERITIES = ("blocking", "warning")


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRule:
    """One rule of the ethics and effectiveness audit.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``"theatrical-opener"``.
    severity : str
        ``"blocking"`` (strict mode refuses the plan) or ``"warning"``.
    title, rationale, source : str
        What the rule checks, why, and where that comes from.
    """

    id: str
    severity: str
    title: str
    rationale: str
    source: str


@cache
def load_audit_rules() -> tuple[AuditRule, ...]:
    """The bundled audit rules, in file order.

    Raises
    ------
    DataError
        If the file is missing, malformed, or a rule lacks a field or repeats an id.

    Examples
    --------
    >>> rules = load_audit_rules()
    >>> rules[0].id, rules[0].severity
    ('theatrical-opener', 'blocking')
    """
    try:
        text = resources.files("ditf.data").joinpath(AUDIT_RULES_FILE).read_text("utf-8")
        raw = tomllib.loads(text).get("rule", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"The bundled {AUDIT_RULES_FILE!r} cannot be read: {exc}.") from exc
    rules = tuple(_rule(entry) for entry in raw)
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise DataError(f"{AUDIT_RULES_FILE}: rule ids must be unique; got {ids}.")
    return rules


def _rule(entry: dict[str, object]) -> AuditRule:
    fields = ("id", "severity", "title", "rationale", "source")
    missing = [f for f in fields if not isinstance(entry.get(f), str) or not entry[f]]
    if missing:
        raise DataError(f"{AUDIT_RULES_FILE}: a rule lacks {', '.join(missing)}: {entry!r}.")
    if entry["severity"] not in SEVERITIES:
        raise DataError(
            f"{AUDIT_RULES_FILE}: rule {entry['id']!r} has severity {entry['severity']!r}; "
            f"use one of {', '.join(SEVERITIES)}."
        )
    return AuditRule(**{f: str(entry[f]) for f in fields})
