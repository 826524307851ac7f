"""TOML or JSON text into a mapping: the one parser of the CLI's files and the web's uploads."""

from __future__ import annotations

import pytest

from ditf import DataError
from ditf.data import mapping_format, parse_mapping


@pytest.mark.parametrize(
    ("name", "kind"), [("a.toml", "toml"), ("dir/A.JSON", "json"), ("x.Toml", "toml")]
)
def test_the_extension_names_the_format(name, kind):
    assert mapping_format(name) == kind


@pytest.mark.parametrize(("name", "shown"), [("case.yaml", "'.yaml'"), ("dir/case", "'no suffix'")])
def test_another_extension_is_refused(name, shown):
    with pytest.raises(
        DataError, match=rf"^case(\.yaml)?: expected a \.toml or \.json file, got {shown}"
    ):
        mapping_format(name)
    with pytest.raises(DataError, match=r"expected a \.toml or \.json file"):
        parse_mapping("{}", name)


def test_toml_and_json_give_the_same_mapping():
    toml = parse_mapping('domain = "salary"\n[counterpart]\nid = "acme"\n', "s.toml")
    json = parse_mapping('{"domain": "salary", "counterpart": {"id": "acme"}}', "dir/s.json")
    assert toml == json == {"domain": "salary", "counterpart": {"id": "acme"}}


@pytest.mark.parametrize(
    ("text", "name", "match"),
    [("domain = ", "dir/s.toml", r"^s\.toml is not valid TOML: .+\.$"),
     ("a = 1\na = 2\n", "s.toml", r"s\.toml is not valid TOML"),
     ("{", "s.json", r"^s\.json is not valid JSON: .+\.$"),
     ("[" * 100_000, "s.json", r"s\.json is not valid JSON"),
     ('{"n": ' + "9" * 5000 + "}", "s.json", r"s\.json is not valid JSON"),
     ("[1, 2]", "s.json", r"^s\.json: the top level must be a table/object, got list\.$")],
)  # fmt: skip
def test_bad_text_is_refused_in_one_line_naming_the_file(text, name, match):
    with pytest.raises(DataError, match=match) as info:
        parse_mapping(text, name)
    assert "\n" not in str(info.value)
