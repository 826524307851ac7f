"""Reading a user's trial results: both layouts, and every malformed file gets a clear message."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ditf._errors import DataError
from ditf.data._trials import parse_trials, read_trials

PEOPLE = "condition,outcome\nditf,1\ntarget_only,0\nditf,0\ntarget_only,1\nditf,1\n"
COUNTS = "condition,n,yes\ntarget_only,24,4\ndoor_in_the_face,24,12\nexposure_control,24,6\n"


def test_one_row_per_person_is_counted_per_condition_in_order_of_appearance():
    assert parse_trials(PEOPLE) == (("ditf", 3, 2), ("target_only", 2, 1))


def test_counts_per_condition_are_read_as_given():
    assert parse_trials(COUNTS) == (
        ("target_only", 24, 4),
        ("door_in_the_face", 24, 12),
        ("exposure_control", 24, 6),
    )


def test_headers_ignore_case_spaces_and_extra_columns_and_blank_lines_are_skipped():
    text = " ID , Condition ,OUTCOME,site\n1, a ,1,x\n\n2,b, 0 ,y\n,,,\n3,a,0,x\n"
    assert parse_trials(text) == (("a", 2, 1), ("b", 1, 0))


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted(tmp_path):
    path = tmp_path / "trials.csv"
    path.write_bytes("\ufeffcondition,n,yes\r\na,10,3\r\nb,12,0\r\n".encode())
    assert read_trials(path) == (("a", 10, 3), ("b", 12, 0))
    assert read_trials(str(path)) == (("a", 10, 3), ("b", 12, 0))


def test_quoted_names_may_hold_commas():
    assert parse_trials('condition,n,yes\n"ditf, delayed",5,2\nb,5,1\n')[0] == (
        "ditf, delayed",
        5,
        2,
    )


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", r"trials\.csv: the file is empty"),
        ("\n\n", r"the file is empty"),
        ("condition,outcome\n", r"found no data rows\. .* at least two conditions"),
        ("condition,outcome\na,1\na,0\n", r"found one condition \('a'\)"),
        ("arm,outcome\na,1\n", r"missing column\(s\) \['condition'\]\. A trials table has "
         r"either the columns condition, outcome .* or the columns condition, n, yes"),
        ("condition,result\na,1\n", r"missing column\(s\) \['outcome'\]"),
        ("condition,n\na,10\n", r"missing column\(s\) \['yes'\]"),
        ("condition,yes\na,1\n", r"missing column\(s\) \['n'\]"),
        ("condition,outcome,n,yes\na,1,1,1\n", r"both 'outcome' and count columns"),
        ("condition,Condition,outcome\na,a,1\n", r"line 1: the column 'condition' appears twice"),
        ("condition,outcome\na,1\nb,2\n", r"line 3, column 'outcome': expected 0 \(no\) or 1 "
         r"\(yes\), got '2'"),
        ("condition,outcome\na,yes\nb,0\n", r"line 2, column 'outcome': .* got 'yes'"),
        ("condition,outcome\na,0.5\nb,0\n", r"got '0\.5'"),
        ("condition,outcome\na,1\nb,\n", r"line 3, column 'outcome': .* got ''"),
        ("condition,outcome\na,1\nb\n", r"line 3, column 'outcome': .* got ''"),
        ("condition,outcome\n,1\nb,0\n", r"line 2, column 'condition': expected a name"),
        ("condition,outcome\na,1,9\nb,0\n", r"line 2: 3 values but the header has 2 columns"),
        ("condition,n,yes\na,0,0\nb,5,1\n", r"line 2, column 'n': expected an integer >= 1 "
         r"\(an arm needs people\), got '0'"),
        ("condition,n,yes\na,ten,1\nb,5,1\n", r"column 'n': expected an integer >= 1.*'ten'"),
        ("condition,n,yes\na,10.5,1\nb,5,1\n", r"column 'n'.*'10\.5'"),
        ("condition,n,yes\na,10,-1\nb,5,1\n", r"column 'yes': expected an integer >= 0"),
        ("condition,n,yes\na,10,11\nb,5,1\n", r"line 2, column 'yes': expected at most "
         r"n = 10, got '11'"),
        ("condition,n,yes\na,10,1\nb,5,1\na,3,1\n", r"line 4, column 'condition': 'a' is "
         r"already on line 2\. Give one row per condition"),
        ('condition,n,yes\n"a,10,1\nb,5,1\n', r"line \d+: not a valid CSV row"),
        ('condition,n,yes\n"a"x,10,1\nb,5,1\n', r"line 2: not a valid CSV row"),
    ],
)  # fmt: skip
def test_malformed_tables_name_the_file_line_and_column(text, match):
    with pytest.raises(DataError, match=match):
        parse_trials(text)


def test_the_file_name_is_in_the_message(tmp_path):
    path = tmp_path / "my_trials.csv"
    path.write_text("condition,outcome\na,7\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^my_trials\.csv, line 2, column 'outcome'"):
        read_trials(path)


def test_a_missing_or_undecodable_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match=r"Cannot read the trials file .*nope\.csv"):
        read_trials(tmp_path / "nope.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("condition,outcome\ncaf\xe9,1\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"Cannot read the trials file .*latin\.csv"):
        read_trials(latin)
    with pytest.raises(DataError, match=r"Cannot read the trials file"):
        read_trials(tmp_path)  # a directory


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab01,\n"\r \ufeffnyescondituo'), max_size=80))
def test_any_text_either_parses_or_raises_a_data_error(text):
    try:
        arms = parse_trials("condition,outcome\n" + text)
    except DataError:
        return
    assert len(arms) >= 2
    assert all(n >= 1 and 0 <= yes <= n for _, n, yes in arms)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet="abcxyz_", min_size=1, max_size=8),
        st.lists(st.booleans(), min_size=1, max_size=20),
        min_size=2,
        max_size=5,
    )
)
def test_person_rows_and_their_counts_give_the_same_arms(outcomes):
    people = "condition,outcome\n" + "".join(
        f"{arm},{int(o)}\n" for arm, values in outcomes.items() for o in values
    )
    counts = "condition,n,yes\n" + "".join(
        f"{arm},{len(v)},{sum(v)}\n" for arm, v in outcomes.items()
    )
    expected = tuple((arm, len(v), sum(v)) for arm, v in outcomes.items())
    assert parse_trials(people) == parse_trials(counts) == expected


@pytest.mark.parametrize(
    ("cell", "match"),
    [
        ("9" * 400, r"expected an integer <= 1,000,000,000 \(the most people an arm may hold\), "
         r"got '99999999999999999999'\.\.\. \(400 characters\)"),
        ("1000000001", r"<= 1,000,000,000"),
        ("nan", r"expected an integer >= 1 \(an arm needs people\), got 'nan'"),
        ("inf", r"got 'inf'"),
        ("-inf", r"got '-inf'"),
        ("-3", r"got '-3'"),
        ("2.5", r"got '2\.5'"),
        ("1e3", r"got '1e3'"),
        ("1_0", r"got '1_0'"),
        ("\u0661\u0660", r"expected an integer >= 1"),  # Arabic-Indic digits
    ],
)  # fmt: skip
def test_counts_must_be_plain_whole_numbers_within_the_cap(cell, match):
    # Issue 12: a 400-digit n passed the parser and crashed the analysis with a traceback.
    with pytest.raises(DataError, match=match):
        parse_trials(f"condition,n,yes\na,{cell},1\nb,10,2\n")
    with pytest.raises(DataError, match=r"column 'yes'"):
        parse_trials(f"condition,n,yes\na,10,{cell}\nb,10,2\n")


def test_the_largest_arm_is_accepted_and_analysed():
    from ditf.study import analyze

    arms = parse_trials("condition,n,yes\na,1000000000,400000000\nb,+1000000000,400050000\n")
    assert arms == (("a", 10**9, 4 * 10**8), ("b", 10**9, 400_050_000))
    assert analyze(arms).comparisons[0].p_fisher == pytest.approx(0.0225, abs=1e-4)
