"""The audit rules kept as data: complete, cited, and refused when the file is broken."""

from __future__ import annotations

import dataclasses
import re

import pytest

from ditf._errors import DataError
from ditf.data import AUDIT_RULES_FILE, AuditRule, _audit_rules, load_audit_rules

FIELDS = ("id", "severity", "title", "rationale", "source")
#: A citation: an author-year reference, or the project's own evidence and safety documents.
CITATION = re.compile(r"\((19|20)\d\d\)|facts\.md|DESIGN\.md")

RULE = """
[[rule]]
id = "{id}"
severity = "{severity}"
title = "A title"
rationale = "Why it matters."
source = "Someone (2000)"
"""


def test_the_bundled_rules_are_the_twelve_the_issue_lists():
    rules = load_audit_rules()
    assert [r.id for r in rules] == [
        "theatrical-opener",
        "absurd-opener",
        "opener-beyond-benchmarks",
        "fallback-below-minimum",
        "fallback-below-batna",
        "delayed-retreat",
        "different-requester",
        "repeated-use",
        "no-objective-criterion",
        "unexplained-concession",
        "vulnerable-counterpart",
        "power-asymmetry",
    ]
    blocking = {r.id for r in rules if r.severity == "blocking"}
    assert blocking == {
        "theatrical-opener",
        "absurd-opener",
        "fallback-below-minimum",
        "fallback-below-batna",
        "vulnerable-counterpart",
    }
    assert {r.severity for r in rules} == {"blocking", "warning"}


@pytest.mark.parametrize("rule", load_audit_rules(), ids=lambda r: r.id)
def test_every_rule_is_complete_and_cites_its_source(rule):
    for field in FIELDS:
        value = getattr(rule, field)
        assert isinstance(value, str) and value.strip() == value and value
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.id)
    assert CITATION.search(rule.source), rule.source
    assert "\\" not in rule.rationale  # TOML line continuations were joined
    assert rule.rationale.endswith(".")


def test_the_rules_are_loaded_once_and_frozen():
    assert load_audit_rules() is load_audit_rules()
    rule = load_audit_rules()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.severity = "warning"  # type: ignore[misc]
    assert AUDIT_RULES_FILE == "audit_rules.toml"


# A broken rules file is a DataError -----------------------------------------------------------


@pytest.fixture
def rules_file(tmp_path, monkeypatch):
    """Point the loader at a file of our own (an absolute path wins over the package folder)."""
    path = tmp_path / "audit_rules.toml"
    monkeypatch.setattr(_audit_rules, "AUDIT_RULES_FILE", str(path))
    load_audit_rules.cache_clear()
    yield path
    load_audit_rules.cache_clear()


def test_a_valid_file_of_our_own_loads(rules_file):
    rules_file.write_text(RULE.format(id="a", severity="warning"), encoding="utf-8")
    assert load_audit_rules() == (
        AuditRule(
            id="a",
            severity="warning",
            title="A title",
            rationale="Why it matters.",
            source="Someone (2000)",
        ),
    )


def test_a_file_without_rules_has_none(rules_file):
    rules_file.write_text("# nothing yet\n", encoding="utf-8")
    assert load_audit_rules() == ()


def test_a_missing_file_is_a_data_error(rules_file):
    with pytest.raises(DataError, match=r"cannot be read: .*No such file"):
        load_audit_rules()


def test_malformed_toml_is_a_data_error(rules_file):
    rules_file.write_text("[[rule]\nid = 1\n", encoding="utf-8")
    with pytest.raises(DataError, match="cannot be read"):
        load_audit_rules()


def test_repeated_ids_are_a_data_error(rules_file):
    rules_file.write_text(RULE.format(id="a", severity="warning") * 2, encoding="utf-8")
    with pytest.raises(DataError, match=r"rule ids must be unique; got \['a', 'a'\]"):
        load_audit_rules()


def test_an_unknown_severity_is_a_data_error(rules_file):
    rules_file.write_text(RULE.format(id="a", severity="fatal"), encoding="utf-8")
    with pytest.raises(
        DataError,
        match=r"rule 'a' has severity 'fatal'; use one of blocking, "
        "warning",
    ):
        load_audit_rules()


@pytest.mark.parametrize("field", FIELDS)
def test_a_rule_without_a_field_is_a_data_error(rules_file, field):
    text = RULE.format(id="a", severity="warning")
    text = "\n".join(line for line in text.splitlines() if not line.startswith(f"{field} ="))
    rules_file.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=f"a rule lacks {field}"):
        load_audit_rules()


def test_an_empty_or_non_text_field_is_a_data_error(rules_file):
    text = RULE.format(id="a", severity="warning").replace('"A title"', '""')
    rules_file.write_text(text.replace('"Someone (2000)"', "2000"), encoding="utf-8")
    with pytest.raises(DataError, match="a rule lacks title, source"):
        load_audit_rules()


def test_the_real_rules_come_back_after_a_broken_file(rules_file, monkeypatch):
    rules_file.write_text("not toml = = =", encoding="utf-8")
    with pytest.raises(DataError):
        load_audit_rules()
    monkeypatch.undo()
    load_audit_rules.cache_clear()
    assert len(load_audit_rules()) == 12
