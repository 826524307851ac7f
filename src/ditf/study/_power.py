"""Power and sample size: analytic for two arms, simulated for the three-arm design.

The simulation draws whole studies, not people. Given a study's parameters every person in an
arm answers independently with the model's exact P(yes), so an arm's count of yeses is
binomial: drawing that count is the same as simulating the people one by one (a test checks
this against :func:`ditf.simulate.simulate`), at a cost that does not grow with the sample.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln, ndtr, ndtri
from scipy.stats import binom

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray
from ditf._validation import check_int_range, check_option, check_probability, check_type
from ditf.model import FitResult, Mechanisms, ModelParams, ParamArrays, load_model
from ditf.model.mechanisms import TwoStepDesign, compile_two_step, evaluate_two_step
from ditf.simulate import CONDITIONS, Backend, Scenario, SerialBackend
from ditf.study._compliance import THREE_ARM_CONTRASTS, holm

if TYPE_CHECKING:
    from typing import Unpack

__all__ = [
    "MAX_EXACT_N",
    "MEASURES",
    "TESTS",
    "TEST_NAMES",
    "ContrastPower",
    "PowerCurve",
    "PowerOptions",
    "PowerResult",
    "power_curve",
    "power_three_arm",
    "power_two_arm",
    "sample_size_three_arm",
    "sample_size_two_arm",
]

#: What an arm's compliance counts: a verbal yes, or the target carried out.
MEASURES = ("verbal", "behavioral")
#: Criteria for :func:`sample_size_three_arm`: every planned contrast significant, or any.
CRITERIA = ("all", "any")
_ALTERNATIVES = ("two-sided", "larger")
#: Studies per backend task. Fixed, so that the random streams (one per task) and hence the
#: results do not depend on the backend or the number of workers.
CHUNK = 2_000
_MAX_N = 10_000_000
Progress = Callable[[int, int], None]


# Exact tests, vectorised ----------------------------------------------------------------------

#: The tests a power calculation can assume: those :func:`ditf.study.analyze` runs, and the
#: arcsine normal approximation (Cohen's h) for a quick analytic answer.
TESTS = ("fisher", "chi2", "arcsine")
#: Names of the tests in results and tables.
TEST_NAMES = {
    "fisher": "Fisher's exact test",
    "chi2": "Pearson's chi-square test (no continuity correction)",
    "arcsine": "normal approximation on the arcsine scale (Cohen's h)",
}
#: The tests the three-arm simulation can run (those of :func:`ditf.study.analyze`).
SIMULATED_TESTS = ("fisher", "chi2")
#: Largest people per arm for exact two-arm power (all likely outcomes are enumerated).
MAX_EXACT_N = 10_000
#: Outcomes of an arm beyond this binomial tail mass are left out of the enumeration.
_TAIL = 1e-13


def _log_choose(n: Any, k: Any) -> FloatArray:
    out: FloatArray = gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0)
    return out


def fisher_p_values(yes_t: Any, n_t: Any, yes_c: Any, n_c: Any, alternative: str) -> FloatArray:
    """Fisher's exact test of many 2x2 tables at once (arrays that broadcast together).

    Two-sided, the p-value sums the hypergeometric probabilities of the tables (with the
    observed margins) no more likely than the observed one, up to a relative tolerance of
    1e-7 (ties); ``"larger"`` sums those with at least as many yeses in the treatment arm.
    These are the p-values of :func:`scipy.stats.fisher_exact`, computed for every table
    in one pass: each table's probabilities are evaluated (one log-gamma start, then the
    ratio of successive probabilities) on a window of 10 standard deviations around the
    mean of its hypergeometric distribution, outside which the mass (below 1e-20) cannot
    change a decision; a table 9 standard deviations or more from that mean gets p = 0
    (below 1e-17; p = 1 for the one-sided test below the mean).
    A table with an empty row or column gives p = 1, as in scipy.
    """
    x, n1, y, n2 = np.broadcast_arrays(
        *(np.asarray(a, dtype=np.int64) for a in (yes_t, n_t, yes_c, n_c))
    )
    shape = x.shape
    x, n1, y, n2 = (a.ravel() for a in (x, n1, y, n2))
    t, m = x + y, n1 + n2
    out = np.ones(x.size)
    todo = np.flatnonzero((n1 > 0) & (n2 > 0) & (t > 0) & (t < m))
    if todo.size:
        # A table 9 standard deviations or more from the mean has p below 1e-17 (or, for
        # the one-sided test on the low side, above 1 - 1e-17): no window is needed.
        fm, f1, f2, ft = (a[todo].astype(np.float64) for a in (m, n1, n2, t))
        spread = np.sqrt(ft * (f1 / fm) * (f2 / fm) * (fm - ft) / np.maximum(fm - 1.0, 1.0))
        distance = (x[todo] - ft * f1 / fm) / np.maximum(spread, 1e-300)
        far = np.abs(distance) > 9.0
        out[todo[far]] = np.where((alternative == "larger") & (distance[far] < 0), 1.0, 0.0)
        todo = todo[~far]
    if todo.size:
        xs, a1, a2, ts = (a[todo].astype(np.float64) for a in (x, n1, n2, t))
        ms = a1 + a2
        sd = np.sqrt(ts * (a1 / ms) * (a2 / ms) * (ms - ts) / np.maximum(ms - 1.0, 1.0))
        half = np.ceil(10.0 * sd) + 10.0
        centre = np.floor(ts * a1 / ms)
        low = np.maximum(np.maximum(0.0, ts - a2), centre - half)
        high = np.minimum(np.minimum(ts, a1), centre + half)
        const = _log_choose(ms, ts)
        own = _log_choose(a1, xs) + _log_choose(a2, ts - xs) - const
        width = int((high - low).max()) + 1
        rows = max(1, 4_000_000 // width)
        p = np.empty(todo.size)
        start_log = _log_choose(a1, low) + _log_choose(a2, ts - low) - const
        for s in range(0, todo.size, rows):
            b = slice(s, s + rows)
            k = low[b, None] + np.arange(width)[None, :]
            valid = k <= high[b, None]
            # log pmf along the window from one log-gamma start and the ratio
            # f(k + 1) / f(k) = (n1 - k)(t - k) / ((k + 1)(n2 - t + k + 1)): one log per cell.
            with np.errstate(divide="ignore", invalid="ignore"):
                step = np.log(
                    (a1[b, None] - k[:, :-1])
                    * (ts[b, None] - k[:, :-1])
                    / ((k[:, :-1] + 1.0) * (a2[b, None] - ts[b, None] + k[:, :-1] + 1.0))
                )
            step = np.where(valid[:, 1:], step, 0.0)
            logf = start_log[b, None] + np.concatenate(
                [np.zeros((k.shape[0], 1)), np.cumsum(step, axis=1)], axis=1
            )
            f = np.where(valid, np.exp(logf), 0.0)
            # One-sided: at least as many yeses; two-sided: no more likely (ties within 1e-7).
            one_sided = alternative == "larger"
            keep = k >= xs[b, None] if one_sided else logf <= own[b, None] + 1e-7
            p[b] = np.sum(f * keep, axis=1)
        out[todo] = np.minimum(p, 1.0)
    result: FloatArray = out.reshape(shape)
    return result


def chi2_p_values(yes_t: Any, n_t: Any, yes_c: Any, n_c: Any, alternative: str) -> FloatArray:
    """Pearson's chi-square test of many 2x2 tables (no Yates' correction), as analyze runs it.

    Two-sided it is the pooled two-proportion z-test; ``"larger"`` is its one-sided version
    (treatment > control). A table without variation (no one, or everyone, said yes) or
    with an empty arm gives p = 1.
    """
    a1, a2 = np.asarray(n_t, dtype=float), np.asarray(n_c, dtype=float)
    y1, y2 = np.asarray(yes_t, dtype=float), np.asarray(yes_c, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (y1 + y2) / (a1 + a2)
        var = pooled * (1.0 - pooled) * (1.0 / a1 + 1.0 / a2)
        z = (y1 / a1 - y2 / a2) / np.sqrt(var)
    ok = (var > 0) & np.isfinite(var)
    z = np.where(ok, z, 0.0)
    p = ndtr(-z) if alternative == "larger" else 2.0 * ndtr(-np.abs(z))
    out: FloatArray = np.where(ok, np.minimum(p, 1.0), 1.0)
    return out


def _fisher_power(p1: float, p2: float, n: int, alpha: float, alternative: str) -> float:
    """Exact power of Fisher's test, one column total ``t = yes_t + yes_c`` at a time.

    Given ``t`` the test is a hypergeometric test of ``yes_t``, so each row of outcomes
    needs its null probabilities once: sorted, summed and looked up for every outcome of
    the row (blocks of rows at once). Rows whose probability under the alternative is
    below 1e-14 of the largest (out of 2n + 1) are left out.
    """
    k_all = np.arange(n + 1)
    bt, bc = binom.pmf(k_all, n, p1), binom.pmf(k_all, n, p2)
    pt = np.convolve(bt, bc)
    rows = np.flatnonzero(pt > 1e-14 * pt.max() / pt.size)
    width = n + 1
    block = max(1, 2_000_000 // width)
    power = 0.0
    k = k_all[None, :].astype(np.float64)
    for start in range(0, rows.size, block):
        t = rows[start : start + block, None].astype(np.float64)
        valid = (k <= t) & (t - k <= n)
        kk = np.where(valid, k, 0.0)
        tk = np.where(valid, t - k, 0.0)
        logf = (
            _log_choose(np.float64(n), kk)
            + _log_choose(np.float64(n), tk)
            - _log_choose(np.float64(2 * n), t)
        )
        logf = np.where(valid, np.maximum(logf, -1000.0), -2000.0)
        f = np.where(valid, np.exp(logf), 0.0)
        if alternative == "larger":
            p = np.cumsum(f[:, ::-1], axis=1)[:, ::-1]
        else:
            # Per row: the sum of the probabilities no larger than each outcome's (with a
            # relative tolerance of 1e-7 for ties), by one search in the sorted rows laid
            # end to end (row i shifted by 4000 i, so that rows never mix).
            m = t.shape[0]
            sorted_logf = np.sort(logf, axis=1)
            sums = np.cumsum(np.where(sorted_logf > -1500.0, np.exp(sorted_logf), 0.0), axis=1)
            shift = 4000.0 * np.arange(m)[:, None]
            flat = (sorted_logf + shift).ravel()
            found = np.searchsorted(flat, (logf + 1e-7 + shift).ravel(), side="right")
            found = found.reshape(m, width) - 1 - width * np.arange(m)[:, None]
            p = np.take_along_axis(sums, np.clip(found, 0, width - 1), axis=1)
        alt = np.where(valid, bt[kk.astype(np.int64)] * bc[tk.astype(np.int64)], 0.0)
        power += float(np.sum(alt * (p <= alpha)))
    return power


def _exact_power(p1: float, p2: float, n: int, alpha: float, alternative: str, test: str) -> float:
    """Power of ``test`` by summing the probability of every outcome that rejects.

    Fisher's test goes row by row (:func:`_fisher_power`); the chi-square test over all
    pairs (yes in treatment, yes in control), each arm's count restricted to where its
    binomial distribution has all but ``1e-13`` of its mass.
    """
    if test == "fisher":
        return min(max(_fisher_power(p1, p2, n, alpha, alternative), 0.0), 1.0)
    k = np.arange(n + 1)
    ranges = []
    for p in (p1, p2):
        pmf = binom.pmf(k, n, p)
        keep = pmf > _TAIL * pmf.max() / (n + 1)
        ranges.append((k[keep], pmf[keep]))
    (x1, w1), (x2, w2) = ranges
    pv = chi2_p_values(x1[:, None], n, x2[None, :], n, alternative)
    power = float(w1 @ ((pv <= alpha) @ w2))
    return min(max(power, 0.0), 1.0)


# Two arms, analytic ---------------------------------------------------------------------------


def _cohen_h(p_treatment: float, p_control: float) -> float:
    return 2.0 * math.asin(math.sqrt(p_treatment)) - 2.0 * math.asin(math.sqrt(p_control))


def _power_h(h: float, n: float, alpha: float, alternative: str) -> float:
    shift = h * math.sqrt(n / 2.0)
    if alternative == "larger":
        return float(ndtr(shift - ndtri(1.0 - alpha)))
    crit = float(ndtri(1.0 - alpha / 2.0))
    return float(ndtr(shift - crit) + ndtr(-shift - crit))


def _check_two_arm(
    owner: str, p_treatment: Any, p_control: Any, alpha: Any, alternative: Any, test: Any
) -> tuple[float, float, float, str, str]:
    p1 = check_probability(p_treatment, "p_treatment", owner)
    p2 = check_probability(p_control, "p_control", owner)
    a = check_probability(alpha, "alpha", owner, open_interval=True)
    alt = check_option(alternative, "alternative", owner, _ALTERNATIVES)
    return p1, p2, a, alt, check_option(test, "test", owner, TESTS)


def _power(p1: float, p2: float, n: int, alpha: float, alternative: str, test: str) -> float:
    if test == "arcsine":
        return _power_h(_cohen_h(p1, p2), n, alpha, alternative)
    return _exact_power(p1, p2, n, alpha, alternative, test)


def _max_n(test: str) -> int:
    return _MAX_N if test == "arcsine" else MAX_EXACT_N


def power_two_arm(
    p_treatment: float,
    p_control: float,
    n_per_arm: int,
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    test: str = "fisher",
) -> float:
    """Power of the two-arm comparison of proportions, for the test the analysis runs.

    ``test="fisher"`` (the default of :func:`ditf.study.analyze`) and ``test="chi2"``
    (Pearson's chi-square without continuity correction, the pooled z-test) are exact:
    every outcome (yeses in each arm, both binomial) is enumerated, tested as
    :func:`~ditf.study.analyze` tests it, and the probabilities of the outcomes that reject
    are summed (outcomes beyond 1e-13 of an arm's binomial tail are left out). Exact power
    saw-tooths in ``n``. ``test="arcsine"`` is the normal approximation on Cohen's
    ``h = 2 asin(sqrt(p_treatment)) - 2 asin(sqrt(p_control))`` with variance ``2 / n``
    (Cohen, 1988, ch. 6; statsmodels' ``NormalIndPower``), which overstates the power of
    Fisher's test in small samples.

    Parameters
    ----------
    p_treatment, p_control : float
        Compliance expected in each arm, in [0, 1].
    n_per_arm : int
        People per arm: 2 to 10,000 (:data:`MAX_EXACT_N`) for the exact tests, to
        10,000,000 for ``"arcsine"``.
    alpha : float, default 0.05
        Significance level, in (0, 1).
    alternative : {"two-sided", "larger"}, default "two-sided"
        ``"larger"``: one-sided, the treatment complies more.
    test : {"fisher", "chi2", "arcsine"}, default "fisher"
        The test whose power is computed (see :data:`TEST_NAMES`).

    Returns
    -------
    float
        The probability that the test rejects.

    Raises
    ------
    InvalidParameterError
        If a value is out of range.

    References
    ----------
    Cohen, J. (1988). *Statistical power analysis for the behavioral sciences* (2nd ed.).

    Examples
    --------
    Cialdini et al. (1975), Exp. 1: 50% against 16.7% with 24 people per arm.

    >>> round(power_two_arm(0.5, 0.167, 24), 3)
    0.608
    >>> round(power_two_arm(0.5, 0.167, 24, test="arcsine"), 3)
    0.714
    """
    owner = "power_two_arm"
    p1, p2, a, alt, tst = _check_two_arm(owner, p_treatment, p_control, alpha, alternative, test)
    n = check_int_range(n_per_arm, "n_per_arm", owner, 2, _max_n(tst))
    return _power(p1, p2, n, a, alt, tst)


def sample_size_two_arm(
    p_treatment: float,
    p_control: float,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    test: str = "fisher",
) -> int:
    """People per arm needed to reach ``power`` with ``test`` (see :func:`power_two_arm`).

    ``"arcsine"`` solves the normal approximation for ``n`` (both rejection regions
    included), as statsmodels' ``NormalIndPower().solve_power`` does, and rounds up. The
    exact tests' power saw-tooths in ``n``: the answer is the size a bisection finds,
    lowered while the next smaller size still reaches the target, so a few sizes just
    below it may reach the target too, but the sizes from it up to the bisection's
    bracket have been checked down to the first that misses.

    Parameters
    ----------
    p_treatment, p_control : float
        Compliance expected in each arm, in [0, 1]; they must differ (in the direction of
        ``alternative`` when it is ``"larger"``).
    power : float, default 0.8
        Target power, in (alpha, 1).
    alpha : float, default 0.05
        Significance level, in (0, 1).
    alternative : {"two-sided", "larger"}, default "two-sided"
        ``"larger"``: one-sided, the treatment complies more.
    test : {"fisher", "chi2", "arcsine"}, default "fisher"
        The test the study will use.

    Returns
    -------
    int
        People per arm (at least 2).

    Raises
    ------
    InvalidParameterError
        If a value is out of range or the rates give no effect in the tested direction.

    Examples
    --------
    >>> sample_size_two_arm(0.5, 0.167, test="arcsine")
    30
    >>> sample_size_two_arm(0.5, 0.167)
    35
    """
    owner = "sample_size_two_arm"
    p1, p2, a, alt, tst = _check_two_arm(owner, p_treatment, p_control, alpha, alternative, test)
    target = check_probability(power, "power", owner, open_interval=True)
    if target <= a:
        raise InvalidParameterError(
            f"The 'power' parameter of {owner} must be a probability in (alpha, 1) = "
            f"({a:g}, 1). Got {power!r} instead."
        )
    h = _cohen_h(p1, p2)
    if h == 0 or (alt == "larger" and h < 0):
        direction = "above" if alt == "larger" else "different from"
        raise InvalidParameterError(
            f"{owner} needs p_treatment {direction} p_control to have an effect to detect. "
            f"Got p_treatment={p1!r}, p_control={p2!r}."
        )
    # One tail alone needs at most this many; the other tail only adds power.
    z_a = ndtri(1.0 - (a if alt == "larger" else a / 2.0))
    upper = 2.0 * ((z_a + ndtri(target)) / h) ** 2
    if alt == "two-sided":
        upper = brentq(lambda n: _power_h(h, n, a, alt) - target, 1e-9, upper * (1 + 1e-9))
    approx = max(2, math.ceil(float(upper) - 1e-9))
    if tst == "arcsine":
        return approx
    return _exact_sample_size(p1, p2, target, a, alt, tst, approx, owner)


def _exact_sample_size(
    p1: float, p2: float, target: float, alpha: float, alt: str, test: str, start: int, owner: str
) -> int:
    def reaches(n: int) -> bool:
        return _power(p1, p2, n, alpha, alt, test) >= target

    low, high = 1, max(2, start)  # reaches(low) is False by convention (no study of 1)
    while not reaches(high):
        low = high
        if high >= MAX_EXACT_N:
            raise InvalidParameterError(
                f"The 'power' parameter of {owner} cannot be reached with {MAX_EXACT_N:,} "
                f"people per arm ({TEST_NAMES[test]}). Got {target!r} instead. Use "
                "test='arcsine' (the approximation is close at such sizes) or a larger effect."
            )
        high = min(2 * high, MAX_EXACT_N)
    while high - low > 1:
        mid = (low + high) // 2
        if reaches(mid):
            high = mid
        else:
            low = mid
    while high > 2 and reaches(high - 1):
        high -= 1
    return high


# Three arms, simulated ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContrastPower:
    """Power of one planned contrast.

    Attributes
    ----------
    treatment, control : str
        The two arms.
    power : float
        Share of simulated studies whose Holm-adjusted p-value is <= alpha.
    power_unadjusted : float
        Share whose raw p-value is <= alpha.
    mean_difference : float
        The model's expected rate difference, averaged over the simulated studies.
    """

    treatment: str
    control: str
    power: float
    power_unadjusted: float
    mean_difference: float


@dataclass(frozen=True, slots=True)
class PowerResult:
    """Simulated power of a design at one sample size.

    Attributes
    ----------
    n_per_arm : int
        People randomised to each arm.
    n_studies : int
        Simulated studies.
    alpha : float
        Family-wise significance level (Holm over the planned contrasts).
    alternative : str
        ``"two-sided"`` or ``"larger"``.
    test : str
        The test each simulated study runs on each contrast: ``"fisher"`` (Fisher's exact
        test, the default of :func:`ditf.study.analyze`) or ``"chi2"``.
    measure : str
        ``"verbal"`` or ``"behavioral"``.
    uncertainty, heterogeneity : bool
        Whether parameters were drawn from the fit's posterior, and whether each study drew
        its own strength of the sequential lifts.
    arms : tuple of str
        The simulated arms.
    mean_rates : tuple of float
        The model's expected compliance per arm, averaged over the simulated studies.
    contrasts : tuple of ContrastPower
        One per planned contrast.
    power_all, power_any : float
        Share of studies in which every (any) planned contrast is significant after Holm.
    """

    n_per_arm: int
    n_studies: int
    alpha: float
    alternative: str
    test: str
    measure: str
    uncertainty: bool
    heterogeneity: bool
    arms: tuple[str, ...]
    mean_rates: tuple[float, ...]
    contrasts: tuple[ContrastPower, ...]
    power_all: float
    power_any: float

    @property
    def mc_se(self) -> float:
        """Monte Carlo standard error of ``power_all``."""
        return math.sqrt(self.power_all * (1.0 - self.power_all) / self.n_studies)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, with ``mc_se``."""
        return {**asdict(self), "mc_se": self.mc_se}


@dataclass(frozen=True, slots=True)
class PowerCurve:
    """Simulated power at several sample sizes (common random numbers across them).

    Attributes
    ----------
    points : tuple of PowerResult
        One per sample size, in the order asked.
    """

    points: tuple[PowerResult, ...]

    @property
    def n_per_arm(self) -> tuple[int, ...]:
        """The sample sizes."""
        return tuple(p.n_per_arm for p in self.points)

    @property
    def power_all(self) -> tuple[float, ...]:
        """Power that every planned contrast is significant, per sample size."""
        return tuple(p.power_all for p in self.points)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"points": [p.to_dict() for p in self.points]}


class PowerOptions(TypedDict, total=False):
    """The design, the model and how to run the studies: the simulated power's options.

    Keyword arguments of :func:`power_three_arm`, :func:`power_curve` and
    :func:`sample_size_three_arm`, written once.

    Attributes
    ----------
    n_studies : int, default 10000
        Simulated studies (10 to 10,000,000); the Monte Carlo SE of a power is at most
        ``0.5 / sqrt(n_studies)``.
    alpha : float, default 0.05
        Family-wise level, in (0, 1).
    alternative : {"two-sided", "larger"}, default "two-sided"
        ``"larger"``: one-sided tests that the treatment arm complies more.
    test : {"fisher", "chi2"}, default "fisher"
        The test each simulated study runs on each contrast, as :func:`ditf.study.analyze`
        runs it (Fisher's exact test by default; ``"chi2"``: Pearson's chi-square).
    measure : {"verbal", "behavioral"}, default "verbal"
        Count verbal yeses, or targets carried out.
    contrasts : sequence of (str, str), default THREE_ARM_CONTRASTS
        Planned (treatment, control) pairs, arms from :data:`ditf.simulate.CONDITIONS`;
        default door-in-the-face against target-only and against exposure control.
    uncertainty : bool, default False
        Draw each study's parameters from the fit's (Laplace) posterior instead of using
        fixed parameters.
    heterogeneity : bool, default True
        Draw each study's strength; ``False`` fixes it at 1 (the median context).
    mechanisms : Mechanisms, optional
        Switches; default all on.
    model : FitResult, optional
        Default: the shipped fit (:func:`ditf.model.load_model`).
    params : ModelParams, optional
        Fixed parameters; default the model's posterior mode. Not with ``uncertainty``.
    backend : Backend, optional
        Where to run the chunks of studies; default serial. Results are identical on
        every backend.
    rng : int or None
        Seed (>= 0).
    """

    n_studies: int
    alpha: float
    alternative: str
    test: str
    measure: str
    contrasts: Sequence[tuple[str, str]]
    uncertainty: bool
    heterogeneity: bool
    mechanisms: Mechanisms | None
    model: FitResult | None
    params: ModelParams | None
    backend: Backend | None
    rng: int | None


@dataclass(frozen=True, slots=True)
class _Setup:
    """Everything a worker needs besides the sample size and its seed; picklable."""

    design: TwoStepDesign
    arms: tuple[str, ...]
    pairs: tuple[tuple[int, int], ...]
    model: FitResult
    params: ModelParams
    mechanisms: Mechanisms
    baseline_z: float
    uncertainty: bool
    heterogeneity: bool
    alpha: float
    alternative: str
    measure: str
    test: str


@dataclass(frozen=True, slots=True)
class _Task:
    setup: _Setup
    n_per_arm: int
    n_studies: int
    seed: np.random.SeedSequence


@dataclass(frozen=True, slots=True)
class _Sums:
    """Counts and sums over a chunk of studies, to be added across chunks."""

    significant: np.ndarray  # (m,) Holm
    significant_raw: np.ndarray  # (m,)
    all_: int
    any_: int
    rates: np.ndarray  # (k,) summed expected rates
    differences: np.ndarray  # (m,)


def _arm_probabilities(
    setup: _Setup, n_studies: int, gen: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """P(the target is asked) and P(yes | asked) per study and arm, shape ``(n_studies, k)``.

    Draws each study's strength ``exp(heterogeneity * z)``, ``z ~ N(0, 1)``, and, with
    ``uncertainty``, its parameters from the fit's Laplace posterior.
    """
    z = gen.standard_normal((n_studies, 1))
    if setup.uncertainty:
        p = setup.model.draw(n_studies, gen)[0]
    else:
        p = ParamArrays.from_matrix(setup.params.to_array()[None, :])
    strength = np.exp(p.heterogeneity * z) if setup.heterogeneity else np.ones((n_studies, 1))
    out = evaluate_two_step(
        setup.design, p, setup.mechanisms, strength, np.full((1, 1), setup.baseline_z)
    )
    p_yes = out.verbal if setup.measure == "verbal" else out.behavioral
    shape = (n_studies, len(setup.arms))
    return np.broadcast_to(out.p_asked, shape), np.broadcast_to(p_yes, shape)


def draw_counts(
    n_per_arm: int, p_asked: FloatArray, p_yes: FloatArray, gen: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """People asked the target and people who said yes, per study and arm.

    ``asked ~ Binomial(n_per_arm, p_asked)`` (in a retreat arm, people who accept the
    opener are never asked the target), ``yes ~ Binomial(asked, p_yes)``. Counts come from
    the binomial quantile function at uniform draws, so the same draws serve every sample
    size (common random numbers make power curves smooth and searches stable).
    """
    u = np.maximum(gen.random((2, *p_yes.shape)), 1e-300)  # ppf(0) would be -1
    asked = np.full(p_yes.shape, float(n_per_arm))
    partial = p_asked < 1.0
    asked[partial] = binom.ppf(u[0][partial], n_per_arm, p_asked[partial])
    yes: FloatArray = binom.ppf(u[1], asked, p_yes)
    return asked, yes


def p_values(
    asked: FloatArray,
    yes: FloatArray,
    pairs: Sequence[tuple[int, int]],
    alternative: str,
    test: str = "fisher",
) -> FloatArray:
    """The p-value of ``test`` per study and contrast, shape ``(n_studies, m)``.

    ``"fisher"``: Fisher's exact test (:func:`fisher_p_values`); ``"chi2"``: Pearson's
    chi-square test of the 2x2 table without Yates' correction, the pooled z-test
    (:func:`chi2_p_values`). ``"larger"`` is one-sided, treatment > control. A table
    without variation (no one, or everyone, said yes) gives p = 1.
    """
    t, c = np.array([i for i, _ in pairs]), np.array([j for _, j in pairs])
    a1, a2, y1, y2 = asked[:, t], asked[:, c], yes[:, t], yes[:, c]
    if test == "fisher":
        return fisher_p_values(y1, a1, y2, a2, alternative)
    return chi2_p_values(y1, a1, y2, a2, alternative)


def _run_chunk(task: _Task) -> _Sums:
    setup = task.setup
    study_seed, count_seed = task.seed.spawn(2)
    p_asked, p_yes = _arm_probabilities(setup, task.n_studies, np.random.default_rng(study_seed))
    asked, yes = draw_counts(task.n_per_arm, p_asked, p_yes, np.random.default_rng(count_seed))
    raw = p_values(asked, yes, setup.pairs, setup.alternative, setup.test)
    significant = holm(raw) <= setup.alpha
    t, c = [i for i, _ in setup.pairs], [j for _, j in setup.pairs]
    return _Sums(
        significant=significant.sum(axis=0),
        significant_raw=(raw <= setup.alpha).sum(axis=0),
        all_=int(significant.all(axis=1).sum()),
        any_=int(significant.any(axis=1).sum()),
        rates=p_yes.sum(axis=0),
        differences=(p_yes[:, t] - p_yes[:, c]).sum(axis=0),
    )


@dataclass(frozen=True, slots=True)
class _Run:
    """The validated options: the compiled design and how to run its studies."""

    setup: _Setup
    n_studies: int
    root: np.random.SeedSequence
    backend: Backend | None


def _setup(owner: str, scenario: Any, **options: Any) -> _Run:
    """Refuse an option :class:`PowerOptions` does not name, in the caller's name."""
    unknown = sorted(set(options) - set(PowerOptions.__annotations__))
    if unknown:
        raise InvalidParameterError(
            f"{owner} got unknown option(s) {', '.join(unknown)}; it takes "
            f"{', '.join(PowerOptions.__annotations__)}."
        )
    return _compile(owner, scenario, **options)


def _compile(
    owner: str,
    scenario: Any,
    *,
    n_studies: Any = 10_000,
    alpha: Any = 0.05,
    alternative: Any = "two-sided",
    test: Any = "fisher",
    measure: Any = "verbal",
    contrasts: Any = THREE_ARM_CONTRASTS,
    uncertainty: Any = False,
    heterogeneity: Any = True,
    mechanisms: Any = None,
    model: Any = None,
    params: Any = None,
    backend: Any = None,
    rng: Any = None,
) -> _Run:
    """Validate the options (:class:`PowerOptions`) once and compile the arms."""
    scenario = Scenario() if scenario is None else scenario
    check_type(scenario, "scenario", owner, Scenario, "a Scenario or None")
    a = check_probability(alpha, "alpha", owner, open_interval=True)
    check_option(alternative, "alternative", owner, _ALTERNATIVES)
    check_option(measure, "measure", owner, MEASURES)
    check_option(test, "test", owner, SIMULATED_TESTS)
    check_type(uncertainty, "uncertainty", owner, bool, "a bool")
    check_type(heterogeneity, "heterogeneity", owner, bool, "a bool")
    mechanisms = Mechanisms() if mechanisms is None else mechanisms
    check_type(mechanisms, "mechanisms", owner, Mechanisms, "a Mechanisms or None")
    model = load_model() if model is None else model
    check_type(model, "model", owner, FitResult, "a FitResult or None")
    if params is not None:
        check_type(params, "params", owner, ModelParams, "a ModelParams or None")
        if uncertainty:
            raise InvalidParameterError(
                f"{owner} takes either fixed params or uncertainty=True (draws from the fit), "
                "not both."
            )
    if isinstance(contrasts, str) or not isinstance(contrasts, Sequence) or not contrasts:
        raise InvalidParameterError(
            f"The 'contrasts' parameter of {owner} must be a non-empty sequence of (treatment, "
            f"control) pairs. Got {contrasts!r} instead."
        )
    arms: list[str] = []
    pairs = []
    for pair in contrasts:
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise InvalidParameterError(
                f"The 'contrasts' parameter of {owner} must hold (treatment, control) pairs. "
                f"Got {pair!r} instead."
            )
        for arm in pair:
            check_option(arm, "contrasts", owner, CONDITIONS)
        if pair[0] == pair[1] or tuple(pair) in pairs:
            raise InvalidParameterError(
                f"The 'contrasts' parameter of {owner} must hold distinct pairs of two "
                f"different arms. Got {pair!r} instead."
            )
        pairs.append((str(pair[0]), str(pair[1])))
        arms.extend(a for a in pair if a not in arms)
    studies = check_int_range(n_studies, "n_studies", owner, 10, _MAX_N)
    if rng is not None:
        check_int_range(rng, "rng", owner, 0)
    sequences, context = scenario.sequences(), scenario.context()
    setup = _Setup(
        design=compile_two_step([(sequences[arm], context) for arm in arms]),
        arms=tuple(arms),
        pairs=tuple((arms.index(t), arms.index(c)) for t, c in pairs),
        model=model,
        params=model.params if params is None else params,
        mechanisms=mechanisms,
        baseline_z=float(ndtri(scenario.baseline)),
        uncertainty=uncertainty,
        heterogeneity=heterogeneity,
        alpha=a,
        alternative=alternative,
        measure=measure,
        test=test,
    )
    return _Run(setup, studies, np.random.SeedSequence(rng), backend)


def _simulate(run: _Run, n_per_arm: int, progress: Progress | None = None) -> PowerResult:
    """One sample size; the chunks' seeds depend only on the run's root, not on earlier calls."""
    setup, n_studies, root = run.setup, run.n_studies, run.root
    sizes = [min(CHUNK, n_studies - start) for start in range(0, n_studies, CHUNK)]
    seeds = np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key).spawn(len(sizes))
    tasks = [_Task(setup, n_per_arm, m, s) for m, s in zip(sizes, seeds, strict=True)]
    sums = (run.backend or SerialBackend()).map(_run_chunk, tasks, progress)
    significant = np.sum([s.significant for s in sums], axis=0) / n_studies
    raw = np.sum([s.significant_raw for s in sums], axis=0) / n_studies
    differences = np.sum([s.differences for s in sums], axis=0) / n_studies
    rates = np.sum([s.rates for s in sums], axis=0) / n_studies
    names = setup.arms
    contrasts = tuple(
        ContrastPower(names[t], names[c], float(significant[i]), float(raw[i]),
                      float(differences[i]))
        for i, (t, c) in enumerate(setup.pairs)
    )  # fmt: skip
    return PowerResult(
        n_per_arm=n_per_arm,
        n_studies=n_studies,
        alpha=setup.alpha,
        alternative=setup.alternative,
        test=setup.test,
        measure=setup.measure,
        uncertainty=setup.uncertainty,
        heterogeneity=setup.heterogeneity,
        arms=names,
        mean_rates=tuple(float(r) for r in rates),
        contrasts=contrasts,
        power_all=sum(s.all_ for s in sums) / n_studies,
        power_any=sum(s.any_ for s in sums) / n_studies,
    )


def power_three_arm(
    n_per_arm: int,
    scenario: Scenario | None = None,
    *,
    progress: Progress | None = None,
    **options: Unpack[PowerOptions],
) -> PowerResult:
    """Simulated power of the three-arm door-in-the-face design, driven by the fitted model.

    Each simulated study draws the strength of its sequential lifts,
    ``exp(heterogeneity * z)`` with ``z ~ N(0, 1)`` (studies differ in how well the tactic
    works, as the evidence shows), and with ``uncertainty`` its parameters from the fit's
    posterior. Each arm's exact P(yes) then follows from the model, and its counts are
    binomial: ``n_per_arm`` people are randomised to each arm; in a retreat arm those who
    accept the opener are never asked the target, and rates are yeses among those asked (as
    the engine and the literature report them). Each planned contrast is tested with
    ``test`` (Fisher's exact test by default, as the analysis runs it) and the p-values
    are Holm-adjusted.

    Parameters
    ----------
    n_per_arm : int
        People randomised to each arm (2 to 10,000,000).
    scenario : Scenario, optional
        Requests and the target's baseline P(yes); default ``Scenario()`` (Cialdini et al.,
        1975: 208-hour opener, 2-hour target, baseline 0.167).
    progress : callable, optional
        Called as ``progress(done, total)`` as chunks of 2,000 studies finish.
    **options
        The design, the model and how to run the studies (``n_studies``, ``alpha``,
        ``alternative``, ``test``, ``measure``, ``contrasts``, ``uncertainty``,
        ``heterogeneity``, ``mechanisms``, ``model``, ``params``, ``backend``, ``rng``), as
        :class:`PowerOptions` describes them.

    Returns
    -------
    PowerResult

    Raises
    ------
    InvalidParameterError
        If a value is out of range, an arm is unknown, or ``params`` comes with
        ``uncertainty``.

    Examples
    --------
    >>> result = power_three_arm(300, n_studies=2_000, rng=0)
    >>> [c.control for c in result.contrasts]
    ['target_only', 'exposure_control']
    >>> result.contrasts[0].power > result.contrasts[1].power
    True
    """
    owner = "power_three_arm"
    run = _setup(owner, scenario, **options)
    return _simulate(run, check_int_range(n_per_arm, "n_per_arm", owner, 2, _MAX_N), progress)


def power_curve(
    n_per_arm: Iterable[int],
    scenario: Scenario | None = None,
    **options: Unpack[PowerOptions],
) -> PowerCurve:
    """Simulated power at each sample size, with common random numbers across sizes.

    Every sample size reuses the same studies (strengths, parameters) and the same uniform
    draws behind the binomial counts, so differences between sizes are not Monte Carlo noise.

    Parameters
    ----------
    n_per_arm : iterable of int
        Sample sizes per arm (1 to 200 of them).
    scenario : Scenario, optional
        As in :func:`power_three_arm`.
    **options
        As in :func:`power_three_arm` (:class:`PowerOptions`).

    Returns
    -------
    PowerCurve

    Raises
    ------
    InvalidParameterError
        As :func:`power_three_arm`, or for an empty or too long list of sizes.

    Examples
    --------
    >>> curve = power_curve([50, 200], n_studies=1_000, rng=0)
    >>> curve.power_all[0] < curve.power_all[1]
    True
    """
    owner = "power_curve"
    run = _setup(owner, scenario, **options)
    sizes = list(n_per_arm) if not isinstance(n_per_arm, (str, bytes)) else [n_per_arm]
    check_int_range(len(sizes), "number of sample sizes", owner, 1, 200)
    sizes = [check_int_range(n, "n_per_arm", owner, 2, _MAX_N) for n in sizes]
    return PowerCurve(tuple(_simulate(run, n) for n in sizes))


def sample_size_three_arm(
    target_power: float = 0.8,
    scenario: Scenario | None = None,
    *,
    criterion: str = "all",
    n_max: int = 100_000,
    **options: Unpack[PowerOptions],
) -> PowerResult:
    """The smallest people per arm whose simulated power reaches ``target_power``.

    Bisection over ``n`` (on a log scale while the bracket is wide) with common random
    numbers across sizes (see :func:`power_curve`), so the simulated power is a smooth
    function of ``n``; its Monte Carlo SE (about 0.004 with 10,000 studies at power 0.8)
    makes the answer accurate to a few percent of ``n``.

    Parameters
    ----------
    target_power : float, default 0.8
        Power to reach, in (0, 1).
    scenario : Scenario, optional
        As in :func:`power_three_arm`.
    criterion : {"all", "any"}, default "all"
        Whether every planned contrast must be significant (after Holm), or at least one.
    n_max : int, default 100000
        Largest size tried (2 to 10,000,000).
    **options
        As in :func:`power_three_arm` (:class:`PowerOptions`).

    Returns
    -------
    PowerResult
        The simulated power at the size found (``result.n_per_arm``).

    Raises
    ------
    InvalidParameterError
        As :func:`power_three_arm`, or if even ``n_max`` people per arm miss the target.

    Examples
    --------
    >>> result = sample_size_three_arm(0.8, n_studies=1_000, rng=0)
    >>> result.power_all >= 0.8
    True
    """
    owner = "sample_size_three_arm"
    run = _setup(owner, scenario, **options)
    target = check_probability(target_power, "target_power", owner, open_interval=True)
    check_option(criterion, "criterion", owner, CRITERIA)
    top = check_int_range(n_max, "n_max", owner, 2, _MAX_N)
    cache: dict[int, PowerResult] = {}

    def at(n: int) -> PowerResult:
        if n not in cache:
            cache[n] = _simulate(run, n)
        return cache[n]

    def reaches(n: int) -> bool:
        r = at(n)
        return (r.power_all if criterion == "all" else r.power_any) >= target

    if not reaches(top):
        got = at(top).power_all if criterion == "all" else at(top).power_any
        raise InvalidParameterError(
            f"The 'target_power' parameter of {owner} cannot be reached with n_max={top} "
            f"people per arm (simulated power {got:.3f}). Got {target_power!r} instead. "
            "Raise n_max, lower the target, or use a stronger design."
        )
    low, high = 1, top  # reaches(high); low is below every valid size
    while high - low > 1:
        mid = int(math.sqrt(low * high)) if high > 4 * low else (low + high) // 2
        mid = min(max(mid, low + 1), high - 1)
        if reaches(mid):
            high = mid
        else:
            low = mid
    return at(high)
