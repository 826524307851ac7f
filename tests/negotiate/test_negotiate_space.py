"""Outcome spaces and problems: grids, utilities, the Pareto set, and every validation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from negotiate_factories import brute_pareto, single, two_issue, two_issue_space

from ditf._errors import InvalidParameterError
from ditf.negotiate import Issue, OutcomeSpace
from ditf.negotiate._space import MAX_OUTCOMES, pareto_mask

# Issues -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"name": ""}, "'name' parameter of Issue must be a non-empty string"),
        ({"name": 3}, "'name' parameter of Issue"),
        ({"lo": 5, "hi": 5}, "needs lo < hi. Got lo=5 and hi=5"),
        ({"lo": 9, "hi": 1}, "swap them"),
        ({"hi": float("inf")}, "'hi' parameter of Issue must be a finite number"),
        ({"levels": 1}, "'levels' parameter of Issue must be an int >= 2"),
        ({"levels": 2.5}, "'levels' parameter of Issue"),
        ({"requester_weight": -1}, "'requester_weight' parameter of Issue must be a finite"),
        ({"counterpart_weight": "a"}, "'counterpart_weight' parameter of Issue"),
        ({"unit": 5}, "'unit' parameter of Issue must be a string"),
    ],
)
def test_issue_rejects_bad_values(changes, match):
    fields = {"name": "price", "lo": 0, "hi": 10} | changes
    with pytest.raises(InvalidParameterError, match=match):
        Issue(**fields)


def test_issue_grid_and_format():
    issue = Issue(name="raise", lo=0, hi=20, levels=41, unit="%")
    assert issue.values()[[0, 1, -1]].tolist() == [0.0, 0.5, 20.0]
    assert issue.format(6.0) == "6%"
    assert Issue(name="t", lo=0, hi=1, unit="h").format(0.25) == "0.25 h"
    assert Issue(name="t", lo=0, hi=1).format(1.0) == "1"


# Spaces -------------------------------------------------------------------------------------


def test_space_rejects_bad_issue_lists():
    with pytest.raises(InvalidParameterError, match="non-empty tuple of Issue"):
        OutcomeSpace(())
    with pytest.raises(InvalidParameterError, match="non-empty tuple of Issue"):
        OutcomeSpace(("price",))  # type: ignore[arg-type]
    twice = Issue(name="a", lo=0, hi=1)
    with pytest.raises(InvalidParameterError, match=r"unique.*rename one"):
        OutcomeSpace((twice, twice))
    zero = Issue(name="a", lo=0, hi=1, counterpart_weight=0)
    with pytest.raises(InvalidParameterError, match=r"counterpart weights .* are all 0"):
        OutcomeSpace((zero,))
    big = tuple(Issue(name=f"i{k}", lo=0, hi=1, levels=101) for k in range(3))
    assert MAX_OUTCOMES < 101**3
    with pytest.raises(InvalidParameterError, match=r"1,030,301 outcomes.*fewer levels"):
        OutcomeSpace(big)


def test_a_list_of_issues_becomes_a_tuple():
    space = OutcomeSpace([Issue(name="a", lo=0, hi=1)])  # type: ignore[arg-type]
    assert isinstance(space.issues, tuple)
    assert space.names == ("a",)


def test_single_issue_utilities_are_the_scaled_amount_and_its_complement():
    space = OutcomeSpace.single(-10, 10, levels=5)
    arrays = space.arrays()
    assert arrays.values[:, 0].tolist() == [-10.0, -5.0, 0.0, 5.0, 10.0]
    assert arrays.requester.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert arrays.counterpart.tolist() == [1.0, 0.75, 0.5, 0.25, 0.0]
    assert arrays.pareto.all()  # on one issue every outcome trades one side against the other
    assert space.utilities(2.5) == (0.625, 0.375)


def test_arrays_are_cached_read_only_and_in_product_order():
    space = two_issue_space(levels=3)
    arrays = space.arrays()
    assert space.arrays() is arrays
    expected = list(itertools.product([0.0, 5.0, 10.0], [0.0, 5.0, 10.0]))
    assert [tuple(row) for row in arrays.values.tolist()] == expected
    with pytest.raises(ValueError, match="read-only"):
        arrays.requester[0] = 1.0


def test_grid_utilities_equal_the_formula_for_every_outcome():
    space = two_issue_space()
    arrays = space.arrays()
    w_r, w_c = space.weights()
    assert w_r.sum() == pytest.approx(1.0) and w_c.sum() == pytest.approx(1.0)
    for i, row in enumerate(arrays.values):
        # Same floats, not merely close: NegMAS must see exactly these utilities.
        assert space.utilities(list(row)) == (arrays.requester[i], arrays.counterpart[i])
    assert arrays.requester.min() == 0.0 and arrays.counterpart.min() == 0.0
    assert arrays.requester.max() == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=60),
    st.lists(st.floats(0, 1), min_size=1, max_size=60),
)
def test_pareto_mask_matches_brute_force(a, b):
    n = min(len(a), len(b))
    u_a, u_b = np.array(a[:n]), np.array(b[:n])
    np.testing.assert_array_equal(pareto_mask(u_a, u_b), brute_pareto(u_a, u_b))


def test_two_issue_pareto_set_is_the_brute_force_one_and_not_everything():
    arrays = two_issue_space().arrays()
    np.testing.assert_array_equal(arrays.pareto, brute_pareto(arrays.requester, arrays.counterpart))
    assert 0 < arrays.pareto.sum() < len(arrays.pareto)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (120, r"must lie in the outcome space: amount in \[0, 100\]. Got 120 instead"),
        (-0.5, "Got -0.5 instead. Move it inside"),
        ([1, 2], "must be a number"),
        ("40", "must be a number"),
        ({"price": 3}, "must be a number. Got keys"),
        (float("nan"), "must be a number"),
    ],
)
def test_outcomes_outside_or_malformed_are_rejected(value, match):
    with pytest.raises(InvalidParameterError, match=match):
        OutcomeSpace.single(0, 100).outcome(value, "target", "Problem")


def test_multi_issue_outcomes_accept_lists_and_tables():
    space = two_issue_space()
    assert space.outcome({"warranty": 2, "discount": 3}) == (3.0, 2.0)
    assert space.outcome((3, 2)) == (3.0, 2.0)
    assert space.outcome(np.array([3, 2])) == (3.0, 2.0)
    with pytest.raises(InvalidParameterError, match=r"a table of \['discount', 'warranty'\]"):
        space.outcome(3)
    with pytest.raises(InvalidParameterError, match="Got keys"):
        space.outcome({"discount": 3})
    with pytest.raises(InvalidParameterError, match=r"warranty in \[0, 10\]. Got 11"):
        space.outcome({"discount": 3, "warranty": 11})


def test_index_of_and_describe_round_trip():
    space = two_issue_space()
    for index in (0, 17, space.n_outcomes - 1):
        values = space.arrays().values[index]
        assert space.index_of(list(values)) == index
    assert space.index_of([3.4, 1.6]) == space.index_of([3, 2])  # nearest grid point
    assert space.describe(space.index_of([3, 2])) == "discount 3%, warranty 2 months"
    assert OutcomeSpace.single(0, 100, unit="EUR").describe(40) == "40 EUR"


# Problems -----------------------------------------------------------------------------------


def test_problem_stores_outcomes_as_tuples_and_reports_utilities():
    problem = single(plausible_max=80)
    assert problem.target == (40.0,)
    assert problem.counterpart_reservation == (60.0,)
    assert problem.reservation_utilities == (0.3, 0.4)
    assert problem.target_utilities == (0.4, 0.6)
    assert problem.plausible_utility == pytest.approx(0.2)
    assert single().plausible_utility is None
    multi = two_issue()
    assert multi.target == (7.0, 5.0)
    assert multi.reservation_utilities[0] == pytest.approx(0.71 * 0.3 + 0.29 * 0.3)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"counterpart_reservation": 120}, "'counterpart_reservation' parameter of Problem must "
         r"lie in the outcome space: amount in \[0, 100\]. Got 120"),
        ({"requester_reservation": -1}, "'requester_reservation' parameter of Problem must lie"),
        ({"target": 101}, "'target' parameter of Problem must lie in the outcome space"),
        ({"plausible_max": 200}, "'plausible_max' parameter of Problem must lie"),
        ({"target": 20}, "worth less to the requester than its reservation"),
        ({"target": 0, "requester_reservation": 0}, "asks nothing of the counterpart"),
        ({"counterpart_reservation": 0}, "would accept nothing"),
        ({"plausible_max": 0}, "'plausible_max' of Problem asks nothing"),
        ({"rounds": 1}, r"'rounds' parameter of Problem must be an int in \[2, 10000\]"),
        ({"rounds": 100.0}, "'rounds' parameter of Problem"),
        ({"hours_per_round": -1}, "'hours_per_round' parameter of Problem must be a finite"),
        ({"hours_per_round": 2e6}, r"'hours_per_round' parameter of Problem must be a float in"),
        ({"prosocial": "yes"}, "'prosocial' parameter of Problem must be a bool"),
        ({"space": "0-100"}, "'space' parameter of Problem must be an OutcomeSpace"),
    ],
)  # fmt: skip
def test_problem_rejects_bad_values(changes, match):
    with pytest.raises(InvalidParameterError, match=match):
        single(**changes)
