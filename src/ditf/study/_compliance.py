"""Compliance statistics for k-arm designs: rates, contrasts, exact and chi-square tests.

Everything is computed from counts (people and yeses per arm). The intervals and tests come
from statsmodels and scipy; this module picks them, handles the degenerate tables they reject,
and applies one documented continuity correction.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.special import ndtri
from scipy.stats import chi2_contingency, fisher_exact
from statsmodels.stats.proportion import (  # type: ignore[import-untyped, unused-ignore]
    confint_proportions_2indep,
    proportion_confint,
)

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray
from ditf._validation import check_int_range, check_option, check_probability, check_type

__all__ = [
    "THREE_ARM_CONTRASTS",
    "ArmRate",
    "Comparison",
    "ComplianceReport",
    "analyze",
]

#: The planned contrasts of the standard three-arm door-in-the-face design
#: (Cialdini et al., 1975): the retreat beats asking the target alone, and beats merely
#: describing the large request (so the lift is not perceptual contrast alone).
THREE_ARM_CONTRASTS = (
    ("door_in_the_face", "target_only"),
    ("door_in_the_face", "exposure_control"),
)
#: Tests whose p-values the Holm correction adjusts.
TESTS = ("fisher", "chi2")
#: ``"larger"``: one-sided, the treatment arm complies more than the control arm.
ALTERNATIVES = ("two-sided", "larger")
#: Most people one arm may hold (as the trials reader caps them): larger counts are not a
#: trial, and would overflow the floating-point statistics.
MAX_ARM_SIZE = 1_000_000_000


@dataclass(frozen=True, slots=True)
class ArmRate:
    """Compliance in one arm with its Wilson score interval.

    Attributes
    ----------
    name : str
        The arm (condition).
    n, yes : int
        People in the arm and people who said yes.
    rate, lo, hi : float
        ``yes / n`` and its Wilson interval at the report's level.
    """

    name: str
    n: int
    yes: int
    rate: float
    lo: float
    hi: float


@dataclass(frozen=True, slots=True)
class Comparison:
    """One planned contrast, treatment against control.

    Attributes
    ----------
    treatment, control : str
        The two arms.
    difference, difference_lo, difference_hi : float
        ``rate(treatment) - rate(control)`` with Newcombe's hybrid score interval.
    odds_ratio, odds_ratio_lo, odds_ratio_hi : float
        Odds ratio with its Woolf (log-scale) interval.
    risk_ratio, risk_ratio_lo, risk_ratio_hi : float
        Risk ratio with its log-scale (Katz) interval.
    corrected : bool
        Whether the 2x2 table had a zero cell, so 0.5 was added to each of its four cells
        for the odds and risk ratios (Haldane-Anscombe correction).
    chi2 : float
        Pearson chi-square of the 2x2 table, without Yates' correction (1 df).
    p_chi2, p_fisher : float
        p-values of the chi-square test and of Fisher's exact test; one-sided in the
        direction treatment > control when the report's ``alternative`` is ``"larger"``.
    p_holm : float
        The p-value of the report's ``test``, Holm-adjusted over all planned contrasts.
    """

    treatment: str
    control: str
    difference: float
    difference_lo: float
    difference_hi: float
    odds_ratio: float
    odds_ratio_lo: float
    odds_ratio_hi: float
    risk_ratio: float
    risk_ratio_lo: float
    risk_ratio_hi: float
    corrected: bool
    chi2: float
    p_chi2: float
    p_fisher: float
    p_holm: float


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    """Rates per arm, the planned contrasts and the overall test of a k-arm design.

    Attributes
    ----------
    arms : tuple of ArmRate
        One per arm, in input order.
    comparisons : tuple of Comparison
        One per planned contrast, in the order given.
    chi2, df, p_chi2 : float, int, float
        Pearson chi-square test that all k arms comply at one rate (k x 2 table).
    reference : str
        The arm the default contrasts compare against.
    level : float
        Level of every interval.
    test : str
        The test whose p-values are Holm-adjusted (``"fisher"`` or ``"chi2"``).
    alternative : str
        ``"two-sided"`` or ``"larger"`` (treatment complies more than control).
    notes : tuple of str
        Warnings about the data (small expected counts, corrected zero cells).
    """

    arms: tuple[ArmRate, ...]
    comparisons: tuple[Comparison, ...]
    chi2: float
    df: int
    p_chi2: float
    reference: str
    level: float
    test: str
    alternative: str
    notes: tuple[str, ...]

    def arm(self, name: str) -> ArmRate:
        """The arm called ``name``.

        Raises
        ------
        InvalidParameterError
            If there is no such arm.
        """
        names = [a.name for a in self.arms]
        check_option(name, "name", "ComplianceReport.arm", names)
        return self.arms[names.index(name)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``nan`` never occurs; every number is finite)."""
        return asdict(self)


def holm(p: FloatArray) -> FloatArray:
    """Holm-adjusted p-values along the last axis (Holm, 1979), vectorised over rows.

    The same numbers as statsmodels' ``multipletests(p, method="holm")[1]``, which runs a
    full garbage collection on every call (tens of milliseconds).
    """
    m = p.shape[-1]
    order = np.argsort(p, axis=-1, kind="stable")
    ranked = np.take_along_axis(p, order, axis=-1) * (m - np.arange(m))
    ranked = np.minimum(np.maximum.accumulate(ranked, axis=-1), 1.0)
    out = np.empty_like(p)
    np.put_along_axis(out, order, ranked, axis=-1)
    return out


def _check_arms(arms: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    owner = "analyze"
    checked: list[tuple[str, int, int]] = []
    if isinstance(arms, (str, bytes)) or not isinstance(arms, Sequence) or len(arms) < 2:
        raise InvalidParameterError(
            f"The 'arms' parameter of {owner} must be a sequence of at least two "
            f"(name, n, yes) tuples. Got {arms!r} instead."
        )
    for arm in arms:
        if not isinstance(arm, tuple) or len(arm) != 3:
            raise InvalidParameterError(
                f"The 'arms' parameter of {owner} must hold (name, n, yes) tuples. "
                f"Got {arm!r} instead."
            )
        name, n, yes = arm
        check_type(name, "arm name", owner, str, "a non-empty str")
        if not name.strip():
            raise InvalidParameterError(
                f"The 'arm name' parameter of {owner} must be a non-empty str. Got {name!r} "
                "instead."
            )
        n = check_int_range(n, "n", f"{owner} (arm {name!r})", 1)
        if n > MAX_ARM_SIZE:
            digits = len(str(n))
            shown = str(n) if digits <= 20 else f"a {digits}-digit number"
            raise InvalidParameterError(
                f"The 'n' parameter of {owner} (arm {name!r}) must be at most "
                f"{MAX_ARM_SIZE:,} (people in one arm). Got {shown} instead."
            )
        yes = check_int_range(yes, "yes", f"{owner} (arm {name!r})", 0, n)
        checked.append((name, n, yes))
    names = [a[0] for a in checked]
    duplicates = sorted({x for x in names if names.count(x) > 1})
    if duplicates:
        raise InvalidParameterError(
            f"The 'arms' parameter of {owner} must name each arm once. Got {duplicates} twice."
        )
    return checked


def _default_reference(names: list[str]) -> str:
    """The control arm when none is named: target_only, else the one "control", or the first."""
    if "target_only" in names:
        return "target_only"
    controls = [n for n in names if re.search(r"(?<![a-z])control(?![a-z])", n.lower())]
    return controls[0] if len(controls) == 1 else names[0]


def _contrasts(
    names: list[str], reference: str | None, contrasts: Sequence[tuple[str, str]] | None
) -> tuple[str, list[tuple[str, str]]]:
    """The reference arm and the planned contrasts, defaults filled in."""
    if reference is not None:
        check_option(reference, "reference", "analyze", names)
    if contrasts is None:
        if reference is None and all(a in names for c in THREE_ARM_CONTRASTS for a in c):
            return "target_only", list(THREE_ARM_CONTRASTS)
        if reference is None:
            reference = _default_reference(names)
        return reference, [(a, reference) for a in names if a != reference]
    if isinstance(contrasts, str) or not isinstance(contrasts, Sequence) or not contrasts:
        raise InvalidParameterError(
            "The 'contrasts' parameter of analyze must be a non-empty sequence of (treatment, "
            f"control) pairs. Got {contrasts!r} instead."
        )
    planned = []
    for pair in contrasts:
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise InvalidParameterError(
                "The 'contrasts' parameter of analyze must hold (treatment, control) pairs. "
                f"Got {pair!r} instead."
            )
        for arm in pair:
            check_option(arm, "contrasts", "analyze", names)
        if pair[0] == pair[1]:
            raise InvalidParameterError(
                "The 'contrasts' parameter of analyze must pair two different arms. "
                f"Got {pair!r} instead."
            )
        planned.append((str(pair[0]), str(pair[1])))
    if len(set(planned)) != len(planned):
        raise InvalidParameterError(
            f"The 'contrasts' parameter of analyze must list each pair once. Got {planned!r} "
            "instead."
        )
    return reference if reference is not None else planned[0][1], planned


def _ratios(
    a: float, b: float, c: float, d: float, z: float
) -> tuple[tuple[float, float, float], tuple[float, float, float], bool]:
    """Odds and risk ratio of ``[[a, b], [c, d]]`` (rows: treatment, control) with intervals.

    A zero cell makes a ratio or its log-scale standard error infinite; then 0.5 is added to
    every cell of this table (Haldane, 1956; Anscombe, 1956). statsmodels' ``Table2x2`` with
    ``shift_zeros`` instead replaces only the zero cells, so its ratios differ for such tables.
    """
    corrected = min(a, b, c, d) == 0
    if corrected:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    log_or = math.log(a * d / (b * c))
    se_or = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    log_rr = math.log((a / (a + b)) / (c / (c + d)))
    se_rr = math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))

    def interval(log_x: float, se: float) -> tuple[float, float, float]:
        return math.exp(log_x), math.exp(log_x - z * se), math.exp(log_x + z * se)

    return interval(log_or, se_or), interval(log_rr, se_rr), corrected


def _chi2(table: np.ndarray) -> tuple[float, float]:
    """Pearson chi-square (no Yates' correction) and its p-value; 0 and 1 without variation.

    scipy rejects a table with an all-zero column (everyone said yes, or no one did): the
    test has nothing to compare there, so it reports no evidence instead.
    """
    if np.any(table.sum(axis=0) == 0):
        return 0.0, 1.0
    result = chi2_contingency(table, correction=False)
    return float(result.statistic), float(result.pvalue)


def _compare(
    t: tuple[str, int, int], c: tuple[str, int, int], z: float, alpha: float, alternative: str
) -> Comparison:
    (t_name, n1, y1), (c_name, n2, y2) = t, c
    table = np.array([[y1, n1 - y1], [y2, n2 - y2]])
    diff = y1 / n1 - y2 / n2
    lo, hi = confint_proportions_2indep(
        y1, n1, y2, n2, method="newcomb", compare="diff", alpha=alpha
    )
    odds, risk, corrected = _ratios(y1, n1 - y1, y2, n2 - y2, z)
    chi2, p_chi2 = _chi2(table)
    informative = table[:, 0].sum() > 0 and table[:, 1].sum() > 0
    if alternative == "larger" and informative:
        # A 2x2 chi-square is the pooled z statistic squared: the one-sided p-value is
        # Phi(-z), half the two-sided one on the side the difference points to.
        p_chi2 = p_chi2 / 2 if diff > 0 else 1.0 - p_chi2 / 2
    p_fisher = float(
        fisher_exact(table, alternative="greater" if alternative == "larger" else "two-sided")[1]
    )
    return Comparison(
        treatment=t_name,
        control=c_name,
        difference=diff,
        difference_lo=float(max(min(lo, diff), -1.0)),
        difference_hi=float(min(max(hi, diff), 1.0)),
        odds_ratio=odds[0],
        odds_ratio_lo=odds[1],
        odds_ratio_hi=odds[2],
        risk_ratio=risk[0],
        risk_ratio_lo=risk[1],
        risk_ratio_hi=risk[2],
        corrected=corrected,
        chi2=chi2,
        p_chi2=min(p_chi2, 1.0),
        p_fisher=min(p_fisher, 1.0),
        p_holm=math.nan,  # filled in once all contrasts are known
    )


def _notes(arms: list[tuple[str, int, int]], comparisons: list[Comparison]) -> list[str]:
    notes = []
    n, yes = sum(a[1] for a in arms), sum(a[2] for a in arms)
    smallest = min(min(a[1] * yes / n, a[1] * (n - yes) / n) for a in arms)
    if smallest < 5:
        notes.append(
            f"An expected count is {smallest:.2g} (< 5): the chi-square tests are approximate "
            "here; prefer Fisher's exact test (test='fisher')."
        )
    corrected = [f"{c.treatment} vs {c.control}" for c in comparisons if c.corrected]
    if corrected:
        notes.append(
            "A zero cell in " + ", ".join(corrected) + ": 0.5 was added to each cell of that "
            "2x2 table for the odds and risk ratios (Haldane-Anscombe correction)."
        )
    return notes


def analyze(
    arms: Sequence[tuple[str, int, int]],
    *,
    reference: str | None = None,
    contrasts: Sequence[tuple[str, str]] | None = None,
    level: float = 0.95,
    test: str = "fisher",
    alternative: str = "two-sided",
) -> ComplianceReport:
    """Compliance rates, planned contrasts and tests for a k-arm design.

    Rates get Wilson score intervals (Wilson, 1927); differences get Newcombe's hybrid score
    interval (Newcombe, 1998, method 10); odds and risk ratios get log-scale intervals. Each
    contrast gets Fisher's exact test and Pearson's chi-square test (no Yates' correction),
    and the p-values of ``test`` are Holm-adjusted over the planned contrasts (Holm, 1979).
    The k x 2 chi-square tests whether all arms comply at one rate.

    Zero cells: when a contrast's 2x2 table has a zero cell, 0.5 is added to each of its four
    cells, for the odds and risk ratios only (rates, differences and tests use the counts).
    A table in which everyone, or no one, said yes gets chi-square 0 and p = 1.

    Parameters
    ----------
    arms : sequence of (str, int, int)
        Arm name, people, yeses (as :func:`ditf.data.read_trials` returns); at least two.
    reference : str, optional
        The control of the default contrasts. Default ``"target_only"`` if there is such an
        arm, else the one arm whose name contains "control", else the first arm.
    contrasts : sequence of (str, str), optional
        Planned (treatment, control) pairs. Default: when the arms include the standard
        three-arm design and no ``reference`` is given, :data:`THREE_ARM_CONTRASTS`;
        otherwise every other arm against ``reference``.
    level : float, default 0.95
        Level of every interval, in (0, 1).
    test : {"fisher", "chi2"}, default "fisher"
        The test whose p-values are Holm-adjusted.
    alternative : {"two-sided", "larger"}, default "two-sided"
        ``"larger"`` tests one-sided that the treatment arm complies more. Intervals stay
        two-sided.

    Returns
    -------
    ComplianceReport

    Raises
    ------
    InvalidParameterError
        If an arm is malformed (``yes > n``, an empty arm, a duplicate name), an arm named in
        ``reference`` or ``contrasts`` does not exist, or an option is unknown.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. *Statistics in Medicine*, 17, 873-890.

    Examples
    --------
    Cialdini et al. (1975), Exp. 1 (verbal compliance):

    >>> report = analyze([("target_only", 24, 4), ("door_in_the_face", 24, 12),
    ...                   ("exposure_control", 24, 6)])
    >>> [(c.treatment, c.control) for c in report.comparisons]
    [('door_in_the_face', 'target_only'), ('door_in_the_face', 'exposure_control')]
    >>> round(report.arm("door_in_the_face").rate, 2)
    0.5
    >>> round(report.comparisons[0].difference, 3), report.comparisons[0].p_holm < 0.1
    (0.333, True)
    """
    checked = _check_arms(arms)
    check_probability(level, "level", "analyze", open_interval=True)
    check_option(test, "test", "analyze", TESTS)
    check_option(alternative, "alternative", "analyze", ALTERNATIVES)
    names = [a[0] for a in checked]
    reference, planned = _contrasts(names, reference, contrasts)
    alpha = 1.0 - level
    z = float(ndtri(1.0 - alpha / 2.0))

    rates = []
    for name, n, yes in checked:
        lo, hi = proportion_confint(yes, n, alpha=alpha, method="wilson")
        rate = yes / n
        # Clamp rounding: the interval holds the estimate and stays in [0, 1].
        rates.append(ArmRate(name, n, yes, rate, max(min(lo, rate), 0.0), min(max(hi, rate), 1.0)))

    by_name = dict(zip(names, checked, strict=True))
    comparisons = [_compare(by_name[t], by_name[c], z, alpha, alternative) for t, c in planned]
    raw = [c.p_fisher if test == "fisher" else c.p_chi2 for c in comparisons]
    adjusted = holm(np.array(raw))
    comparisons = [
        Comparison(**{**asdict(c), "p_holm": float(min(max(p, r), 1.0))})
        for c, p, r in zip(comparisons, adjusted, raw, strict=True)
    ]
    table = np.array([[yes, n - yes] for _, n, yes in checked])
    chi2, p = _chi2(table)
    return ComplianceReport(
        arms=tuple(rates),
        comparisons=tuple(comparisons),
        chi2=chi2,
        df=len(checked) - 1,
        p_chi2=p,
        reference=reference,
        level=level,
        test=test,
        alternative=alternative,
        notes=tuple(_notes(checked, comparisons)),
    )
