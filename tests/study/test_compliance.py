"""Compliance statistics: cross-checked against statsmodels, scipy and published values."""

from __future__ import annotations

import json
import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency, fisher_exact, norm
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from ditf._errors import InvalidParameterError
from ditf.simulate import wilson_interval
from ditf.study._compliance import THREE_ARM_CONTRASTS, analyze, holm

#: Cialdini et al. (1975), Exp. 1, verbal compliance (the bundled studies.csv).
CIALDINI = [("target_only", 24, 4), ("door_in_the_face", 24, 12), ("exposure_control", 24, 6)]


def two(t, c, **kwargs):
    """The one comparison of two arms, treatment first."""
    return analyze([("t", *t), ("c", *c)], contrasts=[("t", "c")], **kwargs).comparisons[0]


# Defaults and the worked example -------------------------------------------------------------


def test_the_standard_three_arm_design_gets_its_planned_contrasts():
    report = analyze(CIALDINI)
    assert [(c.treatment, c.control) for c in report.comparisons] == list(THREE_ARM_CONTRASTS)
    assert report.reference == "target_only"
    assert [a.name for a in report.arms] == [a[0] for a in CIALDINI]
    assert report.df == 2


def test_cialdini_1975_reproduces_the_published_chi_square():
    # 12/24 against 4/24: chi-square(1) = 6.0, p = .014 (no Yates' correction).
    first = analyze(CIALDINI).comparisons[0]
    assert first.chi2 == pytest.approx(6.0)
    assert first.p_chi2 == pytest.approx(0.0143, abs=1e-4)
    assert first.odds_ratio == pytest.approx(5.0)
    assert first.risk_ratio == pytest.approx(3.0)
    assert first.difference == pytest.approx(1 / 3)


def test_without_the_standard_arms_every_arm_is_compared_with_the_reference():
    arms = [("a", 20, 5), ("b", 20, 9), ("c", 20, 12)]
    assert [(c.treatment, c.control) for c in analyze(arms).comparisons] == [
        ("b", "a"),
        ("c", "a"),
    ]
    report = analyze(arms, reference="b")
    assert report.reference == "b"
    assert [(c.treatment, c.control) for c in report.comparisons] == [("a", "b"), ("c", "b")]


def test_target_only_is_the_default_reference_when_present():
    arms = [("door_in_the_face", 20, 9), ("target_only", 20, 4)]
    report = analyze(arms)
    assert report.reference == "target_only"
    assert [(c.treatment, c.control) for c in report.comparisons] == [
        ("door_in_the_face", "target_only")
    ]


def test_an_arm_named_as_the_control_is_the_default_reference():
    # The reviewer's file: the treatment first; the first arm as the reference would test the
    # control against the treatment, and a one-sided test the wrong way round.
    arms = [("door", 24, 12), ("control", 24, 4), ("exposure", 24, 6)]
    report = analyze(arms, alternative="larger")
    assert report.reference == "control"
    assert [(c.treatment, c.control) for c in report.comparisons] == [
        ("door", "control"),
        ("exposure", "control"),
    ]
    two = [("a_control", 20, 5), ("b_control", 20, 9), ("c", 20, 12)]
    assert analyze(two).reference == "a_control"  # two controls: the first arm, as before
    words = [("uncontrolled", 20, 5), ("controlled_delay", 20, 9), ("no_opener_control", 20, 4)]
    assert analyze(words).reference == "no_opener_control"  # "control" as a word only


def test_a_reference_overrides_the_standard_contrasts():
    report = analyze(CIALDINI, reference="exposure_control")
    assert [(c.treatment, c.control) for c in report.comparisons] == [
        ("target_only", "exposure_control"),
        ("door_in_the_face", "exposure_control"),
    ]


def test_explicit_contrasts_accept_lists_as_pairs():
    report = analyze(CIALDINI, contrasts=[["exposure_control", "target_only"]])
    assert [(c.treatment, c.control) for c in report.comparisons] == [
        ("exposure_control", "target_only")
    ]
    assert report.reference == "target_only"


# Cross-checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_rates_have_statsmodels_wilson_intervals(level):
    for arm in analyze(CIALDINI, level=level).arms:
        lo, hi = proportion_confint(arm.yes, arm.n, alpha=1 - level, method="wilson")
        assert (arm.lo, arm.hi) == pytest.approx((lo, hi), abs=1e-12)
        if level == 0.95:
            assert (arm.lo, arm.hi) == pytest.approx(wilson_interval(arm.yes, arm.n), abs=1e-9)


@pytest.mark.parametrize(
    ("t", "c", "lo", "hi"),
    [
        # Newcombe (1998), Table II, method 10 (hybrid score, no continuity correction).
        ((70, 56), (80, 48), 0.0524, 0.3339),
        ((10, 9), (10, 3), 0.1705, 0.8090),
        ((7, 6), (7, 2), 0.0582, 0.8062),
        ((56, 5), (29, 0), -0.0381, 0.1926),
    ],
)
def test_differences_reproduce_newcombes_published_intervals(t, c, lo, hi):
    comparison = two(t, c)
    assert comparison.difference_lo == pytest.approx(lo, abs=1e-4)
    assert comparison.difference_hi == pytest.approx(hi, abs=1e-4)


def newcombe(y1, n1, y2, n2, alpha):
    """Newcombe's method 10 written out from Wilson intervals."""
    p1, p2 = y1 / n1, y2 / n2
    l1, u1 = proportion_confint(y1, n1, alpha=alpha, method="wilson")
    l2, u2 = proportion_confint(y2, n2, alpha=alpha, method="wilson")
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt(
        (u1 - p1) ** 2 + (p2 - l2) ** 2
    )


def table(t, c):
    (n1, y1), (n2, y2) = t, c
    return np.array([[y1, n1 - y1], [y2, n2 - y2]])


@pytest.mark.parametrize(
    ("t", "c"), [((24, 12), (24, 4)), ((50, 31), (61, 19)), ((300, 120), (300, 90))]
)
@pytest.mark.parametrize("level", [0.9, 0.95])
def test_a_comparison_matches_statsmodels_and_scipy(t, c, level):
    comparison = two(t, c, level=level)
    alpha = 1 - level
    assert (comparison.difference_lo, comparison.difference_hi) == pytest.approx(
        newcombe(t[1], t[0], c[1], c[0], alpha), abs=1e-9
    )
    tab = Table2x2(table(t, c), shift_zeros=False)
    assert comparison.odds_ratio == pytest.approx(tab.oddsratio)
    assert (comparison.odds_ratio_lo, comparison.odds_ratio_hi) == pytest.approx(
        tab.oddsratio_confint(alpha)
    )
    assert comparison.risk_ratio == pytest.approx(tab.riskratio)
    assert (comparison.risk_ratio_lo, comparison.risk_ratio_hi) == pytest.approx(
        tab.riskratio_confint(alpha)
    )
    assert not comparison.corrected
    chi2 = chi2_contingency(table(t, c), correction=False)
    assert comparison.chi2 == pytest.approx(chi2.statistic)
    assert comparison.p_chi2 == pytest.approx(chi2.pvalue)
    assert comparison.p_fisher == pytest.approx(fisher_exact(table(t, c)).pvalue)


@pytest.mark.parametrize(("t", "c"), [((24, 12), (24, 4)), ((24, 4), (24, 12)), ((30, 9), (30, 9))])
def test_one_sided_tests_match_statsmodels_z_and_scipy_fisher(t, c):
    comparison = two(t, c, alternative="larger")
    _, p_z = proportions_ztest([t[1], c[1]], [t[0], c[0]], alternative="larger")
    assert comparison.p_chi2 == pytest.approx(p_z)
    assert comparison.p_fisher == pytest.approx(
        fisher_exact(table(t, c), alternative="greater").pvalue
    )
    two_sided = two(t, c)
    assert comparison.difference_lo == two_sided.difference_lo  # intervals stay two-sided


def test_a_zero_cell_adds_one_half_to_every_cell_of_that_table_only():
    comparison = two((20, 0), (20, 5))
    assert comparison.corrected
    shifted = Table2x2(table((20, 0), (20, 5)) + 0.5, shift_zeros=False)
    assert comparison.odds_ratio == pytest.approx(shifted.oddsratio)
    assert comparison.odds_ratio == pytest.approx((0.5 * 15.5) / (20.5 * 5.5))
    assert (comparison.odds_ratio_lo, comparison.odds_ratio_hi) == pytest.approx(
        shifted.oddsratio_confint(0.05)
    )
    assert comparison.risk_ratio == pytest.approx((0.5 / 21) / (5.5 / 21))
    assert (comparison.risk_ratio_lo, comparison.risk_ratio_hi) == pytest.approx(
        shifted.riskratio_confint(0.05)
    )
    # Rates, differences and tests use the counts themselves.
    assert comparison.difference == pytest.approx(-0.25)
    assert comparison.p_fisher == pytest.approx(fisher_exact(table((20, 0), (20, 5))).pvalue)
    report = analyze([("a", 20, 0), ("b", 20, 5), ("c", 20, 6)])
    assert [c.corrected for c in report.comparisons] == [True, True]
    assert any("0.5 was added to each cell" in note for note in report.notes)
    assert not analyze(CIALDINI).notes


def test_a_table_without_variation_has_no_evidence_and_finite_numbers():
    for counts in [((10, 0), (12, 0)), ((10, 10), (12, 12))]:
        for alternative in ("two-sided", "larger"):
            comparison = two(*counts, alternative=alternative)
            assert (comparison.chi2, comparison.p_chi2, comparison.p_fisher) == (0.0, 1.0, 1.0)
            assert comparison.corrected
            assert comparison.odds_ratio == pytest.approx(
                12.5 / 10.5 if counts[0][1] == 0 else 10.5 / 12.5
            )
    report = analyze([("a", 10, 0), ("b", 12, 0)])
    assert (report.chi2, report.p_chi2) == (0.0, 1.0)
    json.dumps(report.to_dict(), allow_nan=False)


def test_small_expected_counts_get_a_note():
    report = analyze([("a", 8, 1), ("b", 8, 3)])
    assert any("expected count" in note and "Fisher" in note for note in report.notes)


def test_the_overall_test_is_the_k_by_2_chi_square():
    report = analyze(CIALDINI)
    expected = chi2_contingency(np.array([[y, n - y] for _, n, y in CIALDINI]), correction=False)
    assert report.chi2 == pytest.approx(expected.statistic)
    assert report.p_chi2 == pytest.approx(expected.pvalue)
    assert report.df == expected.dof


def statsmodels_holm(p: list[float]) -> np.ndarray:
    """statsmodels' Holm adjustment, without the full garbage collection it runs on each call
    (which takes 0.2 s or more in a test worker that holds the whole suite)."""
    with mock.patch("gc.collect"):
        return multipletests(p, method="holm")[1]


@pytest.mark.parametrize("test", ["fisher", "chi2"])
def test_holm_adjusts_the_chosen_tests_p_values_like_statsmodels(test):
    arms = [("a", 40, 8), ("b", 40, 15), ("c", 40, 19), ("d", 40, 9)]
    report = analyze(arms, test=test)
    raw = [c.p_fisher if test == "fisher" else c.p_chi2 for c in report.comparisons]
    expected = statsmodels_holm(raw)
    assert [c.p_holm for c in report.comparisons] == pytest.approx(list(expected))
    # By hand: the smallest p times 3, the next times 2 (never below it), the last times 1.
    order = np.argsort(raw)
    steps = np.maximum.accumulate(np.array(raw)[order] * [3, 2, 1])
    assert sorted(c.p_holm for c in report.comparisons) == pytest.approx(list(np.minimum(steps, 1)))
    assert report.test == test


def test_the_report_is_json_ready_and_finds_arms_by_name():
    report = analyze(CIALDINI)
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["comparisons"][0]["treatment"] == "door_in_the_face"
    assert report.arm("exposure_control").yes == 6
    with pytest.raises(InvalidParameterError, match=r"The 'name' parameter of "
                       r"ComplianceReport.arm must be one of .* Got 'nope' instead\."):  # fmt: skip
        report.arm("nope")


@settings(deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=8))
def test_the_vectorised_holm_matches_statsmodels(p):
    expected = statsmodels_holm(p)
    assert holm(np.array(p)) == pytest.approx(expected, abs=1e-12)
    rows = holm(np.array([p, p[::-1]]))
    assert rows[1] == pytest.approx(expected[::-1], abs=1e-12)
    assert np.all(rows >= np.array([p, p[::-1]]))


# Properties -----------------------------------------------------------------------------------

ARM = st.integers(1, 400).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n)))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(ARM, min_size=2, max_size=5),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
    st.sampled_from(["two-sided", "larger"]),
    st.sampled_from(["fisher", "chi2"]),
)
def test_intervals_hold_their_estimates_and_p_values_are_probabilities(
    counts, level, alternative, test
):
    arms = [(f"arm{i}", n, y) for i, (n, y) in enumerate(counts)]
    report = analyze(arms, level=level, alternative=alternative, test=test)
    for a in report.arms:
        assert 0.0 <= a.lo <= a.rate <= a.hi <= 1.0
    for c in report.comparisons:
        assert -1.0 <= c.difference_lo <= c.difference <= c.difference_hi <= 1.0
        assert 0.0 < c.odds_ratio_lo <= c.odds_ratio <= c.odds_ratio_hi < math.inf
        assert 0.0 < c.risk_ratio_lo <= c.risk_ratio <= c.risk_ratio_hi < math.inf
        for p in (c.p_chi2, c.p_fisher, c.p_holm):
            assert 0.0 <= p <= 1.0
        raw = c.p_fisher if test == "fisher" else c.p_chi2
        assert c.p_holm >= raw
    assert 0.0 <= report.p_chi2 <= 1.0
    json.dumps(report.to_dict(), allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(ARM, ARM)
def test_one_sided_chi_square_p_is_the_normal_tail_of_the_signed_z(t, c):
    comparison = two(t, c, alternative="larger")
    two_sided = two(t, c)
    if two_sided.chi2 > 0:
        z = math.copysign(math.sqrt(two_sided.chi2), comparison.difference)
        assert comparison.p_chi2 == pytest.approx(norm.sf(z), abs=1e-9)


# Errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arms", "match"),
    [
        ([("a", 10, 1)], r"'arms' parameter of analyze must be a sequence of at least two"),
        ("ab", r"'arms' parameter .* at least two"),
        (None, r"'arms' parameter"),
        ([("a", 10, 1), ("b", 10)], r"must hold \(name, n, yes\) tuples\. Got \('b', 10\)"),
        ([("a", 10, 1), ["b", 10, 2]], r"must hold \(name, n, yes\) tuples"),
        ([("a", 10, 1), (3, 10, 2)], r"'arm name' parameter of analyze must be a non-empty str"),
        ([("a", 10, 1), (" ", 10, 2)], r"'arm name' .* non-empty str\. Got ' '"),
        ([("a", 0, 0), ("b", 10, 2)],
         r"'n' parameter of analyze \(arm 'a'\) must be an int >= 1\. Got 0"),
        ([("a", 10, 11), ("b", 10, 2)],
         r"'yes' parameter of analyze \(arm 'a'\) must be an int in \[0, 10\]\. Got 11"),
        ([("a", 10, -1), ("b", 10, 2)], r"'yes' parameter of analyze \(arm 'a'\)"),
        ([("a", 10.0, 1), ("b", 10, 2)], r"'n' parameter of analyze \(arm 'a'\).* Got 10\.0"),
        ([("a", 10, True), ("b", 10, 2)], r"'yes' parameter of analyze \(arm 'a'\)"),
        ([("a", 10, 1), ("a", 10, 2)], r"must name each arm once\. Got \['a'\] twice"),
    ],
)  # fmt: skip
def test_malformed_arms_are_rejected(arms, match):
    with pytest.raises(InvalidParameterError, match=match):
        analyze(arms)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"reference": "nope"}, r"'reference' parameter of analyze must be one of"),
        ({"contrasts": []}, r"'contrasts' .* non-empty sequence"),
        ({"contrasts": "ab"}, r"'contrasts' .* non-empty sequence"),
        ({"contrasts": [("target_only",)]},
         r"\(treatment, control\) pairs\. Got \('target_only',\)"),
        ({"contrasts": ["ab"]}, r"\(treatment, control\) pairs\. Got 'ab'"),
        ({"contrasts": [("target_only", "nope")]}, r"'contrasts' .* one of .* Got 'nope'"),
        ({"contrasts": [("target_only", "target_only")]}, r"two different arms"),
        ({"contrasts": [("door_in_the_face", "target_only")] * 2}, r"each pair once"),
        ({"level": 1.0}, r"'level' parameter of analyze must be a probability in \(0, 1\)"),
        ({"level": 0.0}, r"'level'"),
        ({"test": "t"}, r"'test' parameter of analyze must be one of 'chi2', 'fisher'"),
        ({"alternative": "less"}, r"'alternative' .* one of 'larger', 'two-sided'"),
    ],
)  # fmt: skip
def test_bad_options_are_rejected(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        analyze(CIALDINI, **kwargs)


def test_an_arm_beyond_a_billion_people_is_refused():
    # Issue 12: a 400-digit n reached the statistics and overflowed a float.
    from ditf.study._compliance import MAX_ARM_SIZE

    with pytest.raises(
        InvalidParameterError,
        match=r"'n' parameter of analyze \(arm 'a'\) "
        r"must be at most 1,000,000,000 \(people in one arm\)\. Got a 401-digit",
    ):
        analyze([("a", 10**400, 1), ("b", 10, 2)])
    assert MAX_ARM_SIZE == 10**9
