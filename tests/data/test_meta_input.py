"""Meta-analysis input tables: the schema, its error messages, and the bundled tables."""

from __future__ import annotations

from importlib import resources

import pytest

from ditf._errors import DataError
from ditf.data._meta_input import (
    META_KINDS,
    SUBJECTS_PER_EFFECT,
    load_bcg,
    load_meta_example,
    parse_meta_table,
    read_meta_table,
)

#: metafor's dat.bcg: author, year, tpos, tneg, cpos, cneg, ablat (Colditz et al. 1994).
DAT_BCG = [
    ("Aronson", 1948, 4, 119, 11, 128, 44),
    ("Ferguson & Simes", 1949, 6, 300, 29, 274, 55),
    ("Rosenthal et al", 1960, 3, 228, 11, 209, 42),
    ("Hart & Sutherland", 1977, 62, 13536, 248, 12619, 52),
    ("Frimodt-Moller et al", 1973, 33, 5036, 47, 5761, 13),
    ("Stein & Aronson", 1953, 180, 1361, 372, 1079, 44),
    ("Vandiviere et al", 1973, 8, 2537, 10, 619, 19),
    ("TPT Madras", 1980, 505, 87886, 499, 87892, 13),
    ("Coetzee & Berjak", 1968, 29, 7470, 45, 7232, 27),
    ("Rosenthal et al", 1961, 17, 1699, 65, 1600, 42),
    ("Comstock et al", 1974, 186, 50448, 141, 27197, 18),
    ("Comstock & Webster", 1969, 5, 2493, 3, 2338, 33),
    ("Comstock et al", 1976, 27, 16886, 29, 17825, 33),
]

COUNTS = "study,yes_t,n_t,yes_c,n_c\nA,3,10,4,10\nB,5,20,2,20\n"


def test_bcg_is_metafors_dat_bcg():
    table = load_bcg()
    assert (table.name, table.kind, table.k) == ("bcg.csv", "counts", 13)
    c = table.columns
    rebuilt = [
        (yt, nt - yt, yc, nc - yc)
        for yt, nt, yc, nc in zip(c["yes_t"], c["n_t"], c["yes_c"], c["n_c"], strict=True)
    ]
    assert rebuilt == [row[2:6] for row in DAT_BCG]
    assert table.moderators["ablat"] == tuple(float(row[6]) for row in DAT_BCG)
    assert table.moderators["year"] == tuple(float(row[1]) for row in DAT_BCG)
    assert table.studies == tuple(f"{row[0]} ({row[1]})" for row in DAT_BCG)
    assert "Colditz" in table.source


def test_bcg_file_cites_its_source_and_reads_as_a_user_file(tmp_path):
    text = resources.files("ditf.data").joinpath("reference", "bcg.csv").read_text("utf-8")
    assert "Colditz" in text and "metafor" in text and "dat.bcg" in text
    path = tmp_path / "bcg.csv"
    path.write_text(text, encoding="utf-8")
    table = read_meta_table(path)
    assert table.columns == load_bcg().columns
    assert table.lines[0] == 10  # nine comment and header lines come first
    assert table.source == ""


def test_worked_example_from_the_bundled_meta_analyses():
    table = load_meta_example()
    assert (table.kind, table.k) == ("r", 3)
    assert table.columns["r"] == (0.08, 0.126, 0.052)
    assert table.columns["n"] == tuple(k * SUBJECTS_PER_EFFECT for k in (24, 78, 39))
    assert table.moderators == {"behavioral": (0.0, 0.0, 1.0)}
    assert "Human Communication Research" in table.source


@pytest.mark.parametrize(
    ("text", "kind", "columns"),
    [
        (COUNTS, "counts", {"yes_t": (3, 5), "n_t": (10, 20), "yes_c": (4, 2), "n_c": (10, 20)}),
        ("study,r,n\nA,0.1,50\nB,-0.3,80\n", "r", {"r": (0.1, -0.3), "n": (50, 80)}),
        (
            "study,effect,variance\nA,0.2,0.04\nB,-1.5,0.09\n",
            "effects",
            {"effect": (0.2, -1.5), "variance": (0.04, 0.09)},
        ),
    ],
)
def test_each_kind_of_table(text, kind, columns):
    table = parse_meta_table(text)
    assert (table.kind, table.studies, table.columns) == (kind, ("A", "B"), columns)
    assert table.moderators == {}
    assert set(columns) == set(META_KINDS[kind])


def test_headers_comments_blank_lines_bom_and_moderators():
    text = (
        "\ufeff# a comment\n"
        " Study , R ,N, Latitude ,Prosocial\n"
        "\n"
        "A, 0.1 ,50,44,1\n"
        "  # another comment\n"
        '"B, et al",0.2,80,13.5,0\n'
    )
    table = parse_meta_table(text, "m.csv")
    assert table.studies == ("A", "B, et al")
    assert table.moderators == {"Latitude": (44.0, 13.5), "Prosocial": (1.0, 0.0)}
    assert table.lines == (4, 6)


# --------------------------------------------------------------------------- errors

R = "study,r,n\nA,0.1,50\n"  # then line 3
C = "study,yes_t,n_t,yes_c,n_c\nA,3,10,4,10\n"
E = "study,effect,variance\nA,0.1,0.04\n"
CELL = r"m\.csv, line 3, column"

_BAD = [
    ("", r"m\.csv: the table is empty"),
    ("# only a comment\n\n", r"m\.csv: the table is empty"),
    ("r,n\n0.1,50\n0.2,60\n", r"m\.csv: missing column 'study'"),
    ("study,x\nA,1\nB,2\n", r"m\.csv: missing columns\. A meta-analysis table needs 'study'"),
    ("study,yes_t,n_t\nA,1,2\nB,1,2\n", r"Missing for 2x2 counts: \['yes_c', 'n_c'\]"),
    ("study,r,n,effect,variance\nA,.1,50,.1,.1\nB,.1,50,.1,.1\n", "columns for correlations"),
    ("study,r,r\nA,1,2\nB,1,2\n", r"m\.csv, line 1: every column needs a distinct, non-empty"),
    ("study,r,n,\nA,0.1,50,\nB,0.2,60,\n", "every column needs a distinct, non-empty name"),
    (R + "B,0.2\n", r"m\.csv, line 3: expected 3 cells \(one per column\), got 2"),
    (R + ",0.2,60\n", f"{CELL} 'study': expected a study label, got ''"),
    (R + "B,abc,60\n", rf"{CELL} 'r': expected a correlation in \(-1, 1\), got 'abc'"),
    (R + "B,1.0,60\n", rf"{CELL} 'r': expected a correlation in \(-1, 1\), got '1.0'"),
    (R + "B,nan,60\n", rf"{CELL} 'r': expected a correlation in \(-1, 1\), got 'nan'"),
    (R + "B,0.2,3\n", f"{CELL} 'n': expected an integer >= 4, got '3'"),
    (R + "B,0.2,60.5\n", f"{CELL} 'n': expected an integer >= 4, got '60.5'"),
    (C + "B,21,20,2,20\n", f"{CELL} 'yes_t': expected at most n_t = 20, got '21'"),
    (C + "B,2,20,2,0\n", f"{CELL} 'n_c': expected an integer >= 1, got '0'"),
    (C + "B,2,20,-4,20\n", f"{CELL} 'yes_c': expected an integer >= 0, got '-4'"),
    (C + "B,2,20,21,20\n", f"{CELL} 'yes_c': expected at most n_c = 20, got '21'"),
    (E + "B,0.2,-0.01\n", f"{CELL} 'variance': expected a variance > 0, got '-0.01'"),
    (E + "B,0.2,0\n", f"{CELL} 'variance': expected a variance > 0, got '0'"),
    (E + "B,inf,0.1\n", f"{CELL} 'effect': expected a finite number, got 'inf'"),
    ("study,r,n,region\nA,0.1,50,1\nB,0.2,60,north\n", rf"{CELL} 'region': expected a number"),
    ("study,r,n,year\nA,0.1,50,1980\nB,0.2,60,\n", rf"{CELL} 'year': expected a number \(mod"),
    (R, r"m\.csv: 1 study; this needs at least 2\. Add studies"),
    ("study,r,n\n", r"m\.csv: 0 studies; this needs at least 2"),
]


@pytest.mark.parametrize(("text", "message"), _BAD)
def test_malformed_tables_name_file_line_and_column(text, message):
    with pytest.raises(DataError, match=message):
        parse_meta_table(text, "m.csv")


def test_line_numbers_count_comment_lines():
    text = "# source\n# more\nstudy,r,n\nA,0.1,50\nB,2,60\n"
    with pytest.raises(DataError, match=r"m\.csv, line 5, column 'r'"):
        parse_meta_table(text, "m.csv")


def test_bias_tests_can_ask_for_three_studies():
    with pytest.raises(DataError, match="2 studies; this needs at least 3"):
        parse_meta_table(COUNTS, "m.csv", min_studies=3)


def test_an_invalid_csv_row_is_a_data_error():
    text = "study,r,n\nA,0.1,50\nB,0.2," + "9" * 200_000 + "\n"
    with pytest.raises(DataError, match=r"m\.csv, line 3: not a valid CSV row"):
        parse_meta_table(text, "m.csv")


def test_unreadable_files_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="Cannot read the meta-analysis file"):
        read_meta_table(tmp_path / "missing.csv")
    with pytest.raises(DataError, match="Cannot read the meta-analysis file"):
        read_meta_table(tmp_path)
    binary = tmp_path / "latin1.csv"
    binary.write_bytes("study,r,n\nM\xfcller,0.1,50\n".encode("latin-1"))
    with pytest.raises(DataError, match="Cannot read the meta-analysis file"):
        read_meta_table(binary)


def test_read_meta_table_names_the_file_in_messages(tmp_path):
    path = tmp_path / "dillard.csv"
    path.write_text("study,r,n\nA,0.1,50\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^dillard\.csv: 1 study"):
        read_meta_table(path)
    assert read_meta_table(path, min_studies=1).k == 1
