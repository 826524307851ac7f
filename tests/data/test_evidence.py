"""The bundled evidence tables and the schema every studies table is checked against."""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ditf
from ditf._errors import DataError  # not re-exported by any public __all__
from ditf.data import (
    CONDITION_TYPES,
    load_facts,
    load_meta_analyses,
    load_studies,
    parse_studies,
    read_mapping,
    read_studies,
)
from ditf.model import scenario_from_mapping


def _shipped(name: str) -> str:
    return resources.files("ditf.data").joinpath("evidence", name).read_text(encoding="utf-8")


def _shipped_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_shipped(name))))


STUDIES_TEXT = _shipped("studies.csv")
HEADER, *ROWS = list(csv.reader(io.StringIO(STUDIES_TEXT)))
#: Cialdini et al. (1975), the rejection-moderation (door-in-the-face) condition.
VALID = dict(zip(HEADER, ROWS[0], strict=True))


def table(*rows: dict[str, str], header: list[str] = HEADER) -> str:
    """A studies table as CSV text, quoted the way a spreadsheet writes it."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def mutated(**cells: str) -> dict[str, str]:
    return VALID | cells


# ---------------------------------------------------------------- the bundled tables


def test_data_error_is_the_public_error_tree():
    assert issubclass(DataError, ditf.DitfError)
    assert issubclass(DataError, ValueError)


def test_bundled_studies_match_the_shipped_csv():
    shipped = _shipped_rows("studies.csv")
    studies = load_studies()
    assert len(studies) == len(shipped) == 8
    for s, row in zip(studies, shipped, strict=True):
        assert (s.study, s.year, s.experiment, s.condition) == (
            row["study"],
            int(row["year"]),
            row["experiment"],
            row["condition"],
        )
        assert s.condition_type == row["condition_type"]
        assert (s.n, s.complied) == (int(row["n"]), int(row["complied"]))
        assert s.pct == pytest.approx(float(row["pct"]), abs=0.05)
        assert s.target_cost == float(row["target_cost"])
        if row["first_cost"]:
            assert s.first_cost == float(row["first_cost"])
        else:
            assert s.first_cost is None
        assert s.prosocial is (row["prosocial"] == "yes")
        assert s.source == row["source"]


def test_bundled_meta_analyses_match_the_shipped_csv():
    shipped = _shipped_rows("meta_analyses.csv")
    metas = load_meta_analyses()
    assert len(metas) == len(shipped) == 7
    for m, row in zip(metas, shipped, strict=True):
        assert (m.meta_analysis, m.year, m.technique, m.outcome) == (
            row["meta_analysis"],
            int(row["year"]),
            row["technique"],
            row["outcome"],
        )
        assert m.effect == float(row["effect"])
        assert m.k == (int(row["k"]) if row["k"] else None)
        assert m.source == row["source"]


def test_every_bundled_row_cites_its_source():
    assert all(s.source.strip() for s in load_studies())
    assert all(m.source.strip() for m in load_meta_analyses())


def test_bundled_studies_cover_both_techniques():
    kinds = {s.condition_type for s in load_studies()}
    assert {"ditf", "fitd", "target_only"} <= kinds <= set(CONDITION_TYPES)


def test_facts_are_markdown_text():
    facts = load_facts()
    assert facts.strip()
    assert "Cialdini" in facts


# ---------------------------------------------------------------- the schema


def test_a_valid_row_parses():
    (row,) = parse_studies(table(VALID))
    assert (row.n, row.complied, row.first_cost, row.target_cost) == (24, 12, 208.0, 2.0)
    assert row.same_requester is True


def test_empty_flags_take_their_defaults():
    (row,) = parse_studies(table(mutated(same_requester="", prosocial="")))
    assert row.same_requester is True
    assert row.prosocial is True


@pytest.mark.parametrize(
    ("cells", "match"),
    [
        ({"n": "many"}, r"line 2, column 'n': expected a number >= 1, got 'many'"),
        ({"n": "0"}, r"line 2, column 'n': expected a finite number >= 1"),
        ({"n": "24.5"}, r"line 2, column 'n': expected an integer >= 1"),
        ({"n": "nan"}, r"line 2, column 'n': expected a finite number"),
        ({"complied": "25", "pct": ""}, r"line 2, column 'complied': expected at most n = 24"),
        ({"complied": "-1"}, r"line 2, column 'complied': expected a finite number >= 0"),
        ({"pct": "60.0"}, r"line 2, column 'pct': expected 100 \* complied / n = 50\.0"),
        ({"condition_type": "ditf2"}, r"line 2, column 'condition_type': expected one of"),
        ({"same_requester": "maybe"}, r"line 2, column 'same_requester': expected 'yes', 'no'"),
        ({"prosocial": "true"}, r"line 2, column 'prosocial': expected 'yes', 'no'"),
        ({"measure": "survey"}, r"line 2, column 'measure': expected 'verbal' or 'behavioral'"),
        ({"first_cost": ""}, r"line 2, column 'first_cost': expected a non-empty value"),
        ({"first_cost": "0"}, r"line 2, column 'first_cost': expected a cost > 0"),
        ({"target_cost": "0"}, r"line 2, column 'target_cost': expected a cost > 0"),
        ({"target_cost": "-2"}, r"line 2, column 'target_cost': expected a finite number >= 0"),
        ({"year": "1850"}, r"line 2, column 'year': expected a finite number >= 1900"),
        ({"study": " "}, r"line 2, column 'study': expected a non-empty value"),
    ],
)
def test_a_malformed_cell_names_its_line_and_column(cells, match):
    with pytest.raises(DataError, match=match):
        parse_studies(table(mutated(**cells)))


def test_the_line_number_counts_the_header():
    text = table(VALID, VALID, mutated(complied="x"))
    with pytest.raises(DataError, match=r"studies\.csv, line 4, column 'complied'"):
        parse_studies(text)


def test_the_file_name_is_in_the_message():
    with pytest.raises(DataError, match=r"^mine\.csv, line 2, column 'n'"):
        parse_studies(table(mutated(n="x")), name="mine.csv")


def test_a_missing_column_is_named():
    header = [c for c in HEADER if c != "complied"]
    with pytest.raises(DataError, match=r"studies\.csv: missing column\(s\) \['complied'\]"):
        parse_studies(table(VALID, header=header))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", r"studies\.csv: missing column\(s\) \['study', 'year'"),
        (",".join(HEADER) + "\n", r"studies\.csv: the table has no rows"),
    ],
    ids=["no header", "header only"],
)
def test_an_empty_table_is_rejected(text, match):
    with pytest.raises(DataError, match=match):
        parse_studies(text)


_CELL_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\r"), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    column=st.sampled_from(HEADER),
    value=_CELL_TEXT | st.from_regex(r"-?\d{0,4}(\.\d*)?", fullmatch=True),
)
def test_any_single_cell_gives_a_row_or_a_data_error(column, value):
    """Quoted as a spreadsheet writes it: the row parses or the error names a cell."""
    try:
        parsed = parse_studies(table(mutated(**{column: value})))
    except DataError as exc:
        assert "line 2, column" in str(exc)
    else:
        assert len(parsed) == 1


@settings(max_examples=150, deadline=None)
@given(column=st.sampled_from(HEADER), value=_CELL_TEXT)
def test_raw_text_in_a_cell_gives_rows_or_a_data_error(column, value):
    """Unquoted text may shift columns or break quoting; still only a DataError."""
    cells = [value if c == column else v for c, v in zip(HEADER, ROWS[0], strict=True)]
    text = ",".join(HEADER) + "\n" + ",".join(cells) + "\n"
    try:
        parsed = parse_studies(text)
    except DataError:
        return
    assert len(parsed) >= 1


def test_a_carriage_return_in_an_unquoted_cell_is_a_data_error():
    text = ",".join(HEADER) + "\n" + ",".join(ROWS[0]).replace("rejection-", "rejection\r") + "\n"
    with pytest.raises(DataError, match=r"line 2"):
        parse_studies(text)


def test_a_huge_cell_is_a_data_error():
    with pytest.raises(DataError, match=r"line 2"):
        parse_studies(table(mutated(condition="x" * 200_000)))


def test_a_byte_order_mark_is_not_a_missing_column(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(STUDIES_TEXT, encoding="utf-8-sig")
    assert len(read_studies(path)) == 8


# ---------------------------------------------------------------- reading files


def test_read_studies_reads_a_users_table(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(STUDIES_TEXT, encoding="utf-8")
    assert read_studies(path) == load_studies()


def test_read_studies_names_the_users_file(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(table(mutated(n="x")), encoding="utf-8")
    with pytest.raises(DataError, match=r"^mine\.csv, line 2, column 'n'"):
        read_studies(path)


def test_read_studies_on_a_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"Cannot read studies file .*nope\.csv"):
        read_studies(tmp_path / "nope.csv")


def test_read_studies_on_a_directory(tmp_path):
    with pytest.raises(DataError, match=r"Cannot read studies file"):
        read_studies(tmp_path)


def test_read_studies_on_binary_data(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DataError, match=r"Cannot read studies file"):
        read_studies(path)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("s.toml", '[context]\nbaseline = 0.2\n[[steps]]\ncost = 2\nunit = "h"\n'),
        ("s.json", '{"context": {"baseline": 0.2}, "steps": [{"cost": 2, "unit": "h"}]}'),
        ("S.TOML", '[context]\nbaseline = 0.2\n[[steps]]\ncost = 2\nunit = "h"\n'),
    ],
)
def test_read_mapping_reads_toml_and_json(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    data = read_mapping(path)
    assert data == {"context": {"baseline": 0.2}, "steps": [{"cost": 2, "unit": "h"}]}
    seq, ctx = scenario_from_mapping(data)
    assert (seq.target.cost, ctx.baseline) == (2.0, 0.2)


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("bad.toml", "[context\nbaseline = 0.2\n", r"bad\.toml is not valid TOML"),
        ("bad.toml", "a = 1\na = 2\n", r"bad\.toml is not valid TOML"),
        ("bad.json", '{"steps": [}', r"bad\.json is not valid JSON"),
        ("bad.json", "", r"bad\.json is not valid JSON"),
        ("list.json", "[1, 2]", r"list\.json: the top level must be a table/object, got list"),
        ("str.json", '"steps"', r"str\.json: the top level must be a table/object, got str"),
        ("s.yaml", "steps: []\n", r"s\.yaml: expected a \.toml or \.json file, got '\.yaml'"),
        ("scenario", "{}", r"scenario: expected a \.toml or \.json file, got 'no suffix'"),
    ],
)
def test_read_mapping_rejects_bad_files(tmp_path, name, text, match):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=match):
        read_mapping(path)


def test_read_mapping_on_a_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"Cannot read .*missing\.toml"):
        read_mapping(tmp_path / "missing.toml")


def test_read_mapping_on_a_directory(tmp_path):
    folder = tmp_path / "folder.json"
    folder.mkdir()
    with pytest.raises(DataError, match=r"Cannot read .*folder\.json"):
        read_mapping(folder)


def test_read_mapping_on_non_utf8(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"label": "caf\xe9"}')
    with pytest.raises(DataError, match=r"Cannot read .*latin\.json"):
        read_mapping(path)


@pytest.mark.parametrize("name", ["big.json", "big.toml"])
def test_read_mapping_on_a_too_long_integer(tmp_path, name):
    path = tmp_path / name
    sep = ": " if name.endswith("json") else " = "
    body = f'"cost"{sep}{"1" * 5000}'
    path.write_text("{" + body + "}" if name.endswith("json") else body + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=name):
        read_mapping(path)


def test_read_mapping_on_deeply_nested_json(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(DataError, match=r"deep\.json"):
        read_mapping(path)
