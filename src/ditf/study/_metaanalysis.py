"""Meta-analysis: effect sizes, fixed and random effects, meta-regression, publication bias.

Pure functions on arrays; every result is a frozen record of floats and tuples, ready for
``dataclasses.asdict`` and JSON. One weighted-least-squares core serves the pooled estimate
(an intercept-only model) and meta-regression (intercept plus moderators): with ``X`` the
design matrix, ``v`` the sampling variances and ``tau2`` the between-study variance, the
weights are ``w = 1 / (v + tau2)`` and ``beta = (X'WX)^-1 X'Wy``.

Estimators of ``tau2``:

- ``"FE"``: none (fixed effect, ``tau2 = 0``), inverse-variance weights.
- ``"DL"``: DerSimonian & Laird's method of moments, generalised to meta-regression,
  ``max(0, (Q_E - (k - p)) / tr(P))`` with ``P = W - WX(X'WX)^-1X'W`` at ``tau2 = 0``.
- ``"REML"``: restricted maximum likelihood, the root of the REML score
  ``(y'PPy - tr P) / 2`` (0 when the score is negative at 0).
- ``"PM"``: Paule & Mandel, the ``tau2`` at which the generalised ``Q`` equals ``k - p``.

Heterogeneity follows metafor (Viechtbauer, 2010): ``Q`` uses the fixed-effect weights;
for random-effects models ``I² = 100 tau2 / (tau2 + s²)`` and ``H² = (tau2 + s²) / s²`` with
the typical sampling variance ``s² = (k - p) / tr(P)``, which equal Higgins & Thompson's
``(Q - df) / Q`` and ``Q / df`` under DerSimonian-Laird; for the fixed-effect model
``I² = max(0, 100 (Q - df) / Q)`` and ``H² = Q / df``.

Knapp-Hartung (HKSJ) multiplies the covariance of the coefficients by
``sum(w e²) / (k - p)`` (residuals ``e`` with the model's weights, not truncated at 1) and
uses t with ``k - p`` degrees of freedom. The prediction interval for the effect in a new
study is ``estimate ± t(k - 2) sqrt(se² + tau2)`` (Higgins, Thompson & Spiegelhalter, 2009),
reported for random-effects models with k >= 3.

References
----------
DerSimonian, R., & Laird, N. (1986). Meta-analysis in clinical trials. *Controlled Clinical
Trials*, 7, 177-188.
Paule, R. C., & Mandel, J. (1982). Consensus values and weighting factors. *Journal of Research
of the National Bureau of Standards*, 87, 377-385.
Viechtbauer, W. (2005). Bias and efficiency of meta-analytic variance estimators in the
random-effects model. *Journal of Educational and Behavioral Statistics*, 30, 261-293.
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. *Journal of
Statistical Software*, 36(3).
Higgins, J. P. T., & Thompson, S. G. (2002). Quantifying heterogeneity in a meta-analysis.
*Statistics in Medicine*, 21, 1539-1558.
Higgins, J. P. T., Thompson, S. G., & Spiegelhalter, D. J. (2009). A re-evaluation of
random-effects meta-analysis. *JRSS A*, 172, 137-159.
Knapp, G., & Hartung, J. (2003). Improved tests for a random effects meta-regression with a
single covariate. *Statistics in Medicine*, 22, 2693-2710.
Egger, M., Davey Smith, G., Schneider, M., & Minder, C. (1997). Bias in meta-analysis detected
by a simple, graphical test. *BMJ*, 315, 629-634.
Peters, J. L., Sutton, A. J., Jones, D. R., Abrams, K. R., & Rushton, L. (2006). Comparison of
two methods to detect publication bias in meta-analysis. *JAMA*, 295, 676-680.
Duval, S., & Tweedie, R. (2000). Trim and fill: a simple funnel-plot-based method of testing
and adjusting for publication bias in meta-analysis. *Biometrics*, 56, 455-463.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import optimize, stats

from ditf._errors import DataError, FitError, InvalidParameterError
from ditf._types import FloatArray
from ditf._validation import check_option, check_probability, check_type

if TYPE_CHECKING:  # pragma: no cover
    from ditf.data import MetaTable

__all__ = [
    "CONTINUITY_CORRECTION",
    "META_MEASURES",
    "TAU2_METHODS",
    "BiasTests",
    "EffectSizes",
    "MetaRegression",
    "MetaReport",
    "MetaResult",
    "RegressionTest",
    "TrimFill",
    "back_transform",
    "bias_tests",
    "effects_from_counts",
    "effects_from_r",
    "egger_test",
    "meta_analyze",
    "meta_from_table",
    "meta_regression",
    "peters_test",
    "trim_and_fill",
]

#: Effect-size scales: log odds ratio, log risk ratio, risk difference, Fisher's z of a
#: correlation, and "generic" for effects the user computed.
META_MEASURES = ("OR", "RR", "RD", "ZCOR", "generic")
#: Estimators of the between-study variance; "FE" is the fixed-effect model.
TAU2_METHODS = ("FE", "DL", "REML", "PM")
#: Added to every cell of a 2x2 table that has a zero cell (and only to such tables).
CONTINUITY_CORRECTION = 0.5
#: Iterations of trim and fill before it is declared not to converge.
_TRIMFILL_MAX_ITER = 100


def _invalid(name: str, owner: str, constraint: str, value: Any) -> InvalidParameterError:
    # The message shape of ditf._validation; reprlib keeps long arrays readable.
    return InvalidParameterError(
        f"The {name!r} parameter of {owner} must be {constraint}. "
        f"Got {reprlib.repr(value)} instead."
    )


def _vector(values: Any, name: str, owner: str, *, size: int | None = None) -> FloatArray:
    """A non-empty 1-d array of finite floats (of length ``size`` when given)."""
    constraint = "a non-empty 1-d sequence of finite numbers"
    if size is not None:
        constraint = f"a 1-d sequence of {size} finite numbers (one per study)"
    if isinstance(values, (str, bytes)):
        raise _invalid(name, owner, constraint, values)
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise _invalid(name, owner, constraint, values) from None
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise _invalid(name, owner, constraint, values)
    if size is not None and arr.size != size:
        raise _invalid(name, owner, constraint, values)
    return arr


#: Largest standardised effect ``|y| / sqrt(v)`` (and ``sqrt(sum(1 / v))``) the pooling
#: accepts: squares and sums of such numbers must stay far from the float limit (1.8e308).
MAX_STANDARDISED = 1e100


def _too_extreme(owner: str, detail: str) -> InvalidParameterError:
    return InvalidParameterError(
        f"The effects and variances given to {owner} are too extreme to compute with in "
        f"double precision ({detail}). Rescale the effects (another unit) or check the "
        "values for typing errors."
    )


def _studies(effects: Any, variances: Any, owner: str, minimum: int) -> tuple[FloatArray, ...]:
    y = _vector(effects, "effects", owner)
    v = _vector(variances, "variances", owner, size=y.size)
    if np.any(v <= 0):
        raise _invalid("variances", owner, "a sequence of finite numbers > 0", variances)
    if y.size < minimum:
        raise _invalid("effects", owner, f"a sequence of at least {minimum} effects", effects)
    with np.errstate(all="ignore"):
        z = float(np.max(np.abs(y) / np.sqrt(v)))
        precision = float(np.sqrt(np.sum(1.0 / v)))
    if not (z <= MAX_STANDARDISED and precision <= MAX_STANDARDISED):
        raise _too_extreme(
            owner, f"|effect| / SE up to {z:.3g} and total precision {precision:.3g}, above "
            f"{MAX_STANDARDISED:g}"
        )  # fmt: skip
    return y, v


@contextmanager
def _numerics(owner: str) -> Iterator[None]:
    """Turn a numerical breakdown of the linear algebra into a clear error."""
    try:
        yield
    except (np.linalg.LinAlgError, FloatingPointError, OverflowError, ZeroDivisionError) as exc:
        raise _too_extreme(owner, f"{type(exc).__name__}: {exc}") from exc


def _counts(values: Any, name: str, owner: str, size: int | None, minimum: int) -> FloatArray:
    arr = _vector(values, name, owner, size=size)
    if np.any(arr < minimum) or np.any(arr != np.round(arr)):
        raise _invalid(name, owner, f"a sequence of integers >= {minimum}", values)
    return arr


# ------------------------------------------------------------------------------ effect sizes


@dataclass(frozen=True, slots=True)
class EffectSizes:
    """Per-study effects on an analysis scale, with their sampling variances.

    Attributes
    ----------
    measure : str
        One of :data:`META_MEASURES`; see :func:`back_transform` for the display scale.
    effects, variances : tuple of float
        One per study.
    n : tuple of int or None
        Participants per study (both arms), when known.
    corrected : tuple of bool
        Whether :data:`CONTINUITY_CORRECTION` was added to the study's cells.
    """

    measure: str
    effects: tuple[float, ...]
    variances: tuple[float, ...]
    n: tuple[int, ...] | None
    corrected: tuple[bool, ...]


def _two_by_two(
    yes_t: Any, n_t: Any, yes_c: Any, n_c: Any, owner: str
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Each study's 2x2 counts, checked: as many of each, and yes at most n in both arms."""
    a = _counts(yes_t, "yes_t", owner, None, 0)
    k = a.size
    nt = _counts(n_t, "n_t", owner, k, 1)
    c = _counts(yes_c, "yes_c", owner, k, 0)
    nc = _counts(n_c, "n_c", owner, k, 1)
    if np.any(a > nt):
        raise _invalid("yes_t", owner, "at most n_t in every study", yes_t)
    if np.any(c > nc):
        raise _invalid("yes_c", owner, "at most n_c in every study", yes_c)
    return a, nt, c, nc


def effects_from_counts(
    yes_t: Sequence[float] | FloatArray,
    n_t: Sequence[float] | FloatArray,
    yes_c: Sequence[float] | FloatArray,
    n_c: Sequence[float] | FloatArray,
    *,
    measure: str = "OR",
) -> EffectSizes:
    """Effect sizes of 2x2 tables: events ``yes`` out of ``n`` in treatment and control.

    With cells ``a = yes_t``, ``b = n_t - yes_t``, ``c = yes_c``, ``d = n_c - yes_c``:

    - ``"OR"``: log odds ratio ``log(ad / bc)``, variance ``1/a + 1/b + 1/c + 1/d``;
    - ``"RR"``: log risk ratio ``log((a/n_t) / (c/n_c))``,
      variance ``1/a - 1/n_t + 1/c - 1/n_c``;
    - ``"RD"``: risk difference ``a/n_t - c/n_c``, variance ``ab/n_t³ + cd/n_c³``;
    - ``"ZCOR"``: the phi coefficient (the correlation r between arm and outcome that the
      door-in-the-face meta-analyses pool) on Fisher's z scale, variance ``1/(N - 3)``.

    Continuity correction: a study with a zero cell gets :data:`CONTINUITY_CORRECTION`
    (0.5) added to all four of its cells, and only such studies do (metafor's
    ``add=1/2, to="only0"``; statsmodels' ``zero_correction=0.5``). Studies without events
    in either arm are kept, with a corrected effect near 0 and a large variance.

    Parameters
    ----------
    yes_t, n_t, yes_c, n_c : sequence of int, length k
        Events and participants in the treatment and control arms.
    measure : {"OR", "RR", "RD", "ZCOR"}
        Effect-size scale.

    Returns
    -------
    EffectSizes

    Raises
    ------
    InvalidParameterError
        If a count is not a non-negative integer, an arm is empty, ``yes > n``, the lengths
        differ, or (for ``"ZCOR"``) a study has 3 or fewer participants.

    Examples
    --------
    >>> es = effects_from_counts([4], [123], [11], [139], measure="RR")
    >>> round(es.effects[0], 4), round(es.variances[0], 4)
    (-0.8893, 0.3256)
    >>> effects_from_counts([0], [10], [3], [10]).corrected
    (True,)
    """
    owner = "effects_from_counts"
    check_option(measure, "measure", owner, ("OR", "RR", "RD", "ZCOR"))
    a, nt, c, nc = _two_by_two(yes_t, n_t, yes_c, n_c, owner)
    total = nt + nc
    if measure == "ZCOR" and np.any(total <= 3):
        raise _invalid("n_t", owner, "such that n_t + n_c > 3 in every study (ZCOR)", n_t)
    b, d = nt - a, nc - c
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    add = np.where(zero, CONTINUITY_CORRECTION, 0.0)
    a, b, c, d = a + add, b + add, c + add, d + add
    n1, n2 = a + b, c + d
    if measure == "OR":
        y = np.log(a * d / (b * c))
        v = 1 / a + 1 / b + 1 / c + 1 / d
    elif measure == "RR":
        y = np.log(a / n1) - np.log(c / n2)
        v = 1 / a - 1 / n1 + 1 / c - 1 / n2
    elif measure == "RD":
        y = a / n1 - c / n2
        v = a * b / n1**3 + c * d / n2**3
    else:
        phi = (a * d - b * c) / np.sqrt(n1 * n2 * (a + c) * (b + d))
        y = np.arctanh(phi)
        v = 1 / (total - 3)
    return EffectSizes(
        measure=measure,
        effects=tuple(float(x) for x in y),
        variances=tuple(float(x) for x in v),
        n=tuple(int(x) for x in total),
        corrected=tuple(bool(x) for x in zero),
    )


def effects_from_r(r: Sequence[float] | FloatArray, n: Sequence[float] | FloatArray) -> EffectSizes:
    """Fisher's z of reported correlations: ``z = atanh(r)``, variance ``1 / (n - 3)``.

    Pool on the z scale and show results as r with :func:`back_transform` (``tanh``).

    Parameters
    ----------
    r : sequence of float, length k
        Correlations in (-1, 1).
    n : sequence of int, length k
        Participants behind each correlation, each > 3.

    Returns
    -------
    EffectSizes
        With ``measure == "ZCOR"``.

    Raises
    ------
    InvalidParameterError
        If a correlation is outside (-1, 1), an ``n`` is not an integer > 3, or the lengths
        differ.

    Examples
    --------
    >>> es = effects_from_r([0.5], [28])
    >>> round(es.effects[0], 4), es.variances[0]
    (0.5493, 0.04)
    """
    owner = "effects_from_r"
    rr = _vector(r, "r", owner)
    if np.any(np.abs(rr) >= 1):
        raise _invalid("r", owner, "a sequence of correlations in (-1, 1)", r)
    nn = _counts(n, "n", owner, rr.size, 4)
    return EffectSizes(
        measure="ZCOR",
        effects=tuple(float(x) for x in np.arctanh(rr)),
        variances=tuple(float(x) for x in 1 / (nn - 3)),
        n=tuple(int(x) for x in nn),
        corrected=(False,) * rr.size,
    )


def back_transform(value: float, measure: str) -> float:
    """Show an effect on its natural scale: OR/RR ``exp``, ZCOR ``tanh`` (r), else as is.

    Examples
    --------
    >>> round(back_transform(-0.7145, "RR"), 4)
    0.4894
    >>> round(back_transform(0.5493, "ZCOR"), 3)
    0.5
    """
    check_option(measure, "measure", "back_transform", META_MEASURES)
    if measure in ("OR", "RR"):
        return math.exp(value)
    if measure == "ZCOR":
        return math.tanh(value)
    return float(value)


# ------------------------------------------------------------------------- the WLS core


@dataclass(frozen=True, slots=True)
class _Fit:
    tau2: float
    beta: FloatArray
    vcov: FloatArray
    weights: FloatArray
    df_resid: int
    qe: float  # residual heterogeneity with fixed-effect weights
    s2: float  # typical sampling variance, (k - p) / tr(P0)


@dataclass(frozen=True, slots=True)
class _Wls:
    """Weighted least squares at one tau2, through the QR of the row-scaled design.

    With ``A = W^1/2 X = QR`` the projection ``P = W - WX(X'WX)^-1X'W`` is
    ``W^1/2 (I - QQ') W^1/2``, so ``y'Py`` is the squared norm of the scaled residuals and
    ``tr(P) = sum(w (1 - h))`` with leverages ``h``: no k-by-k matrix, and no cancellation
    between ``sum(w)`` and ``sum(w²)/sum(w)`` when one study dominates the weights.
    """

    w: FloatArray
    beta: FloatArray
    vcov: FloatArray
    resid: FloatArray  # scaled residuals W^1/2 (y - X beta)
    free: FloatArray  # 1 - leverage

    @property
    def q(self) -> float:
        """``y'Py``: the weighted residual sum of squares."""
        return float(self.resid @ self.resid)

    @property
    def trace(self) -> float:
        """``tr(P)``."""
        return float(np.sum(self.w * self.free))


def _wls(y: FloatArray, v: FloatArray, x: FloatArray, tau2: float) -> _Wls:
    w = 1.0 / (v + tau2)
    sw = np.sqrt(w)
    q, r = np.linalg.qr(x * sw[:, None])
    beta = np.linalg.solve(r, q.T @ (y * sw))
    r_inv = np.linalg.inv(r)
    resid = y * sw - q @ (q.T @ (y * sw))
    free = np.clip(1.0 - np.sum(q * q, axis=1), 0.0, 1.0)
    return _Wls(w, beta, r_inv @ r_inv.T, resid, free)


def _bracket(f: Any, start: float) -> float:
    """Double ``start`` until ``f`` is negative there (``f`` decreasing in the end)."""
    hi = start
    for _ in range(200):
        if f(hi) < 0:
            return hi
        hi *= 2.0
    raise FitError(  # pragma: no cover - f is negative for large tau2 by construction
        "The between-study variance could not be bracketed; check the effects and variances."
    )


def _tau2(y: FloatArray, v: FloatArray, x: FloatArray, method: str) -> float:
    k, p = x.shape
    df = int(k - p)
    if method == "FE" or df < 1:
        return 0.0
    if method == "DL":
        fe = _wls(y, v, x, 0.0)
        return max(0.0, (fe.q - df) / fe.trace)
    # Where the search starts: twice the unweighted residual variance (above the PM root;
    # _bracket widens it when the REML root lies further out).
    beta_ols = np.linalg.lstsq(x, y, rcond=None)[0]
    start = max(2.0 * float(np.sum((y - x @ beta_ols) ** 2)) / df, 1e-12)
    if method == "PM":

        def excess(t: float) -> float:
            return _wls(y, v, x, t).q - df

    else:  # REML: the score of the restricted log-likelihood, (y'PPy - tr P) / 2

        def excess(t: float) -> float:
            fit = _wls(y, v, x, t)
            return 0.5 * (float(np.sum(fit.w * fit.resid**2)) - fit.trace)

    if excess(0.0) <= 0:
        return 0.0
    hi = _bracket(excess, start)
    return float(optimize.brentq(excess, 0.0, hi, xtol=1e-15, rtol=1e-13, maxiter=500))


def _fit(y: FloatArray, v: FloatArray, x: FloatArray, method: str, knapp_hartung: bool) -> _Fit:
    k, p = x.shape
    df = int(k - p)
    tau2 = _tau2(y, v, x, method)
    fit = _wls(y, v, x, tau2)
    scale = fit.q / df if knapp_hartung else 1.0
    fe = fit if tau2 == 0 else _wls(y, v, x, 0.0)
    # tr(P) > 0: the (1 - h) sum to k - p >= 1 and every weight is > 0.
    s2 = df / fe.trace
    return _Fit(tau2, fit.beta, fit.vcov * scale, fit.w, df, fe.q, s2)


def _heterogeneity(fit: _Fit, method: str) -> tuple[float, float]:
    """(I² in percent, H²)."""
    if method == "FE":
        df = fit.df_resid
        i2 = 100.0 * max(0.0, (fit.qe - df) / fit.qe) if fit.qe > 0 else 0.0
        return i2, fit.qe / df
    total = fit.tau2 + fit.s2
    return 100.0 * fit.tau2 / total, total / fit.s2


def _test(estimate: float, se: float, df: int | None) -> float:
    """Two-sided p-value of ``estimate / se`` (t with ``df``, or normal when None)."""
    if se == 0:  # Knapp-Hartung with a perfect fit
        return 1.0 if estimate == 0 else 0.0
    stat = abs(estimate / se)
    return float(2 * (stats.t.sf(stat, df) if df is not None else stats.norm.sf(stat)))


def _statistic(estimate: float, se: float) -> float:
    if se == 0:
        return 0.0 if estimate == 0 else math.copysign(math.inf, estimate)
    return estimate / se


def _critical(level: float, df: int | None) -> float:
    q = 0.5 + level / 2
    return float(stats.t.ppf(q, df) if df is not None else stats.norm.ppf(q))


def _check_common(method: str, knapp_hartung: bool, level: float, owner: str) -> float:
    check_option(method, "method", owner, TAU2_METHODS)
    check_type(knapp_hartung, "knapp_hartung", owner, bool, "True or False")
    return check_probability(level, "level", owner, open_interval=True)


# ------------------------------------------------------------------------------ pooling


@dataclass(frozen=True, slots=True)
class MetaResult:
    """A pooled estimate with its heterogeneity statistics.

    Attributes
    ----------
    method : str
        "FE", "DL", "REML" or "PM".
    measure : str
        Scale of ``estimate`` (see :func:`back_transform`).
    k : int
        Number of studies.
    estimate, se : float
        Pooled effect and its standard error (Knapp-Hartung adjusted when asked).
    statistic, p_value : float
        Test of ``estimate = 0``: z, or t with ``df`` degrees of freedom.
    df : int or None
        Degrees of freedom of the t test (``k - 1``) with Knapp-Hartung, else None.
    ci_lo, ci_hi : float
        Confidence interval at ``level``.
    pi_lo, pi_hi : float or None
        Prediction interval for a new study's effect (random effects, k >= 3).
    tau2, tau : float
        Between-study variance and SD (0 for "FE").
    q, q_df, q_p : float, int, float
        Cochran's Q, its degrees of freedom ``k - 1`` and chi-square p-value.
    i2, h2 : float
        I² in percent and H² (see the module docstring).
    knapp_hartung : bool
    level : float
    effects, variances : tuple of float
        The inputs.
    weights : tuple of float
        Each study's weight in the pooled estimate, in percent.
    """

    method: str
    measure: str
    k: int
    estimate: float
    se: float
    statistic: float
    p_value: float
    df: int | None
    ci_lo: float
    ci_hi: float
    pi_lo: float | None
    pi_hi: float | None
    tau2: float
    tau: float
    q: float
    q_df: int
    q_p: float
    i2: float
    h2: float
    knapp_hartung: bool
    level: float
    effects: tuple[float, ...]
    variances: tuple[float, ...]
    weights: tuple[float, ...]

    def back_transformed(self) -> dict[str, float | None]:
        """Estimate, confidence and prediction bounds on the natural scale of ``measure``.

        Examples
        --------
        >>> res = meta_analyze([0.0, 0.2], [0.01, 0.01], method="FE", measure="RR")
        >>> round(res.back_transformed()["estimate"], 4)
        1.1052
        """

        def bt(x: float | None) -> float | None:
            return None if x is None else back_transform(x, self.measure)

        return {
            "estimate": bt(self.estimate),
            "ci_lo": bt(self.ci_lo),
            "ci_hi": bt(self.ci_hi),
            "pi_lo": bt(self.pi_lo),
            "pi_hi": bt(self.pi_hi),
        }


def _pool(
    y: FloatArray, v: FloatArray, method: str, knapp_hartung: bool, level: float, measure: str
) -> MetaResult:
    k = y.size
    fit = _fit(y, v, np.ones((k, 1)), method, knapp_hartung)
    estimate, se = float(fit.beta[0]), math.sqrt(float(fit.vcov[0, 0]))
    df = k - 1 if knapp_hartung else None
    crit = _critical(level, df)
    pi_lo = pi_hi = None
    if method != "FE" and k >= 3:
        half = _critical(level, k - 2) * math.sqrt(se**2 + fit.tau2)
        pi_lo, pi_hi = estimate - half, estimate + half
    i2, h2 = _heterogeneity(fit, method)
    return MetaResult(
        method=method,
        measure=measure,
        k=k,
        estimate=estimate,
        se=se,
        statistic=_statistic(estimate, se),
        p_value=_test(estimate, se, df),
        df=df,
        ci_lo=estimate - crit * se,
        ci_hi=estimate + crit * se,
        pi_lo=pi_lo,
        pi_hi=pi_hi,
        tau2=fit.tau2,
        tau=math.sqrt(fit.tau2),
        q=fit.qe,
        q_df=k - 1,
        q_p=float(stats.chi2.sf(fit.qe, k - 1)),
        i2=i2,
        h2=h2,
        knapp_hartung=knapp_hartung,
        level=level,
        effects=tuple(float(e) for e in y),
        variances=tuple(float(e) for e in v),
        weights=tuple(float(w) for w in 100 * fit.weights / fit.weights.sum()),
    )


def meta_analyze(
    effects: Sequence[float] | FloatArray,
    variances: Sequence[float] | FloatArray,
    *,
    method: str = "REML",
    knapp_hartung: bool = False,
    level: float = 0.95,
    measure: str = "generic",
) -> MetaResult:
    """Pool effects with the fixed-effect or a random-effects model.

    Parameters
    ----------
    effects, variances : sequence of float, length k >= 2
        Per-study effects and their sampling variances (> 0), on one analysis scale
        (log OR, log RR, RD, Fisher's z, ...).
    method : {"REML", "DL", "PM", "FE"}
        Estimator of tau² ("FE": the fixed-effect model).
    knapp_hartung : bool
        Use the Knapp-Hartung (HKSJ) standard error and t with k - 1 degrees of freedom.
    level : float in (0, 1)
        Confidence level of the intervals.
    measure : str
        Scale of the effects, one of :data:`META_MEASURES`, kept for display.

    Returns
    -------
    MetaResult

    Raises
    ------
    InvalidParameterError
        If an input is not finite, a variance is not > 0, lengths differ, k < 2, or an
        option is unknown.

    References
    ----------
    The BCG vaccine trials (Colditz et al., 1994; metafor's ``dat.bcg``) are the reference
    dataset of the tests: REML gives -0.7145 (SE 0.1798), tau² 0.3132, I² 92.22%,
    Q(12) = 152.23 as metafor's ``rma(measure="RR", ...)`` does.

    Examples
    --------
    >>> res = meta_analyze([0.1, 0.3, 0.5], [0.01, 0.02, 0.04], method="DL")
    >>> round(res.estimate, 4), round(res.tau2, 4), round(res.i2, 1)
    (0.2524, 0.0171, 46.2)
    >>> meta_analyze([0.1, 0.3], [0.01, 0.01], method="FE").pi_lo is None
    True
    """
    owner = "meta_analyze"
    level = _check_common(method, knapp_hartung, level, owner)
    check_option(measure, "measure", owner, META_MEASURES)
    y, v = _studies(effects, variances, owner, 2)
    with _numerics(owner):
        result = _pool(y, v, method, knapp_hartung, level, measure)
    if not all(math.isfinite(x) for x in (result.estimate, result.se, result.tau2, result.q)):
        raise _too_extreme(owner, "the pooled estimate is not finite")
    return result


# ---------------------------------------------------------------------- meta-regression


@dataclass(frozen=True, slots=True)
class MetaRegression:
    """A mixed-effects meta-regression (fixed-effect when ``method == "FE"``).

    Attributes
    ----------
    names : tuple of str
        "intercept" and the moderators, in order.
    coef, se, statistic, p_value, ci_lo, ci_hi : tuple of float
        One per name; z tests, or t with ``df = k - p`` with Knapp-Hartung.
    df : int or None
    tau2, tau : float
        Residual between-study variance and SD.
    qe, qe_df, qe_p : float, int, float
        Test for residual heterogeneity (fixed-effect weights).
    qm, qm_df, qm_p : float, int, float
        Omnibus test of the moderators: Wald chi-square, or F with (``qm_df``, ``df``)
        degrees of freedom with Knapp-Hartung (then ``qm`` is the F value).
    i2, h2 : float
        Residual I² (percent) and H².
    r2 : float or None
        Percent of tau² accounted for by the moderators (random effects only; None when the
        intercept-only tau² is 0).
    """

    method: str
    k: int
    names: tuple[str, ...]
    coef: tuple[float, ...]
    se: tuple[float, ...]
    statistic: tuple[float, ...]
    p_value: tuple[float, ...]
    ci_lo: tuple[float, ...]
    ci_hi: tuple[float, ...]
    df: int | None
    tau2: float
    tau: float
    qe: float
    qe_df: int
    qe_p: float
    qm: float
    qm_df: int
    qm_p: float
    i2: float
    h2: float
    r2: float | None
    knapp_hartung: bool
    level: float


def meta_regression(
    effects: Sequence[float] | FloatArray,
    variances: Sequence[float] | FloatArray,
    moderators: Mapping[str, Sequence[float] | FloatArray],
    *,
    method: str = "REML",
    knapp_hartung: bool = False,
    level: float = 0.95,
) -> MetaRegression:
    """Weighted least squares of the effects on moderators, with a random study effect.

    Weights are ``1 / (v + tau2)``, tau² estimated on the residuals by ``method``
    ("DL" is the method-of-moments estimator of the meta-regression).

    Parameters
    ----------
    effects, variances : sequence of float, length k
        As for :func:`meta_analyze`.
    moderators : mapping of str to sequence of float
        One or more numeric moderators, each with one value per study; an intercept is
        added. Needs k > number of moderators + 1.
    method : {"REML", "DL", "PM", "FE"}
    knapp_hartung : bool
    level : float in (0, 1)

    Returns
    -------
    MetaRegression

    Raises
    ------
    InvalidParameterError
        If there are no moderators, a moderator is constant or collinear with others, a
        value is not finite, or there are too few studies.

    Examples
    --------
    >>> reg = meta_regression([0.1, 0.3, 0.5, 0.6], [0.01] * 4, {"dose": [1, 2, 3, 4]})
    >>> reg.names, round(reg.coef[1], 3)
    (('intercept', 'dose'), 0.17)
    """
    owner = "meta_regression"
    level = _check_common(method, knapp_hartung, level, owner)
    y, v = _studies(effects, variances, owner, 2)
    k = y.size
    if not isinstance(moderators, Mapping) or not moderators:
        raise _invalid("moderators", owner, "a non-empty mapping of name to values", moderators)
    columns = [np.ones(k)]
    for name, values in moderators.items():
        column = _vector(values, f"moderators[{name}]", owner, size=k)
        if np.ptp(column) == 0:
            raise _invalid(
                f"moderators[{name}]", owner, "a moderator that varies across studies", values
            )
        columns.append(column)
    x = np.column_stack(columns)
    p = x.shape[1]
    if k <= p:
        raise _invalid("effects", owner, f"a sequence of more than {p} effects", effects)
    if np.linalg.matrix_rank(x) < p:
        raise _invalid("moderators", owner, "moderators that are not collinear", moderators)
    with _numerics(owner):
        fit = _fit(y, v, x, method, knapp_hartung)
    if not np.all(np.isfinite(fit.vcov)) or not math.isfinite(fit.tau2):
        raise _too_extreme(owner, "the coefficients are not finite")
    df = fit.df_resid if knapp_hartung else None
    crit = _critical(level, df)
    coef = fit.beta
    se = np.sqrt(np.diag(fit.vcov))
    b, vb = coef[1:], fit.vcov[1:, 1:]
    m = p - 1
    wald = float(b @ np.linalg.solve(vb, b)) if np.all(se[1:] > 0) else math.inf
    if knapp_hartung:
        qm = wald / m
        qm_p = float(stats.f.sf(qm, m, fit.df_resid))
    else:
        qm, qm_p = wald, float(stats.chi2.sf(wald, m))
    i2, h2 = _heterogeneity(fit, method)
    r2 = None
    if method != "FE":
        tau2_0 = _tau2(y, v, np.ones((k, 1)), method)
        if tau2_0 > 0:
            r2 = 100.0 * max(0.0, (tau2_0 - fit.tau2) / tau2_0)
    return MetaRegression(
        method=method,
        k=k,
        names=("intercept", *moderators),
        coef=tuple(float(c) for c in coef),
        se=tuple(float(s) for s in se),
        statistic=tuple(_statistic(float(c), float(s)) for c, s in zip(coef, se, strict=True)),
        p_value=tuple(_test(float(c), float(s), df) for c, s in zip(coef, se, strict=True)),
        ci_lo=tuple(float(c - crit * s) for c, s in zip(coef, se, strict=True)),
        ci_hi=tuple(float(c + crit * s) for c, s in zip(coef, se, strict=True)),
        df=df,
        tau2=fit.tau2,
        tau=math.sqrt(fit.tau2),
        qe=fit.qe,
        qe_df=fit.df_resid,
        qe_p=float(stats.chi2.sf(fit.qe, fit.df_resid)),
        qm=qm,
        qm_df=m,
        qm_p=qm_p,
        i2=i2,
        h2=h2,
        r2=r2,
        knapp_hartung=knapp_hartung,
        level=level,
    )


# --------------------------------------------------------------------- publication bias


@dataclass(frozen=True, slots=True)
class RegressionTest:
    """A regression test for funnel-plot asymmetry (small-study effects).

    Attributes
    ----------
    name : str
        "Egger" or "Peters".
    predictor : str
        "se" (Egger) or "1/n" (Peters).
    bias, bias_se : float
        Coefficient of the predictor (Egger's intercept in his standardised form) and SE.
    statistic, df, p_value : float, int, float
        t test of ``bias = 0`` with ``k - 2`` degrees of freedom. ``nan`` when the
        regression fits the studies exactly (for example, every effect is the same): the
        residual variance is then 0 and the test is undefined.
    limit_estimate : float
        The fitted effect where the predictor is 0 (an infinitely large study).
    """

    name: str
    predictor: str
    bias: float
    bias_se: float
    statistic: float
    df: int
    p_value: float
    limit_estimate: float

    @property
    def defined(self) -> bool:
        """Whether the test has a p-value (False for a perfect fit)."""
        return not math.isnan(self.p_value)


#: A weighted residual sum of squares below this share of the weighted total sum of squares
#: is rounding noise: the regression fits exactly and its t test is undefined.
_PERFECT_FIT = 1e-20


def _asymmetry(
    name: str, predictor: str, y: FloatArray, w: FloatArray, x: FloatArray
) -> RegressionTest:
    # Weighted least squares of y on x with weights w and an estimated (multiplicative)
    # residual variance: regtest(model="lm") in metafor when w = 1/v. For x = se this is
    # Egger's regression of y/se on 1/se with the roles of intercept and slope swapped.
    k = y.size
    sw = np.sqrt(w)
    design = np.column_stack([sw, x * sw])
    beta, *_ = np.linalg.lstsq(design, y * sw, rcond=None)
    resid = y * sw - design @ beta
    df = k - 2
    rss, total = float(resid @ resid), float((y * sw) @ (y * sw))
    bias, limit = float(beta[1]), float(beta[0])
    if rss <= _PERFECT_FIT * total:
        return RegressionTest(name, predictor, bias, 0.0, math.nan, df, math.nan, limit)
    cov = rss / df * np.linalg.inv(design.T @ design)
    bias_se = math.sqrt(float(cov[1, 1]))
    return RegressionTest(
        name=name,
        predictor=predictor,
        bias=bias,
        bias_se=bias_se,
        statistic=_statistic(bias, bias_se),
        df=df,
        p_value=_test(bias, bias_se, df),
        limit_estimate=limit,
    )


def egger_test(
    effects: Sequence[float] | FloatArray, variances: Sequence[float] | FloatArray
) -> RegressionTest:
    """Egger's regression test: the standardised effect on precision, test the intercept.

    ``y/se = b0 + b1 (1/se)``; ``bias = b0``, t with k - 2 degrees of freedom; the slope
    ``b1`` is the ``limit_estimate``. Same as metafor's ``regtest(res, model="lm")``.
    When the line fits every study exactly (every effect the same, say) the test is
    undefined: ``statistic`` and ``p_value`` are ``nan`` (metafor would report a p-value
    of rounding noise).

    Parameters
    ----------
    effects, variances : sequence of float, length k >= 3

    Returns
    -------
    RegressionTest

    Raises
    ------
    InvalidParameterError
        If k < 3 or every study has the same variance (the test is then undefined).

    Examples
    --------
    >>> t = egger_test([0.9, 0.5, 0.35, 0.3], [0.16, 0.04, 0.01, 0.0025])
    >>> t.name, round(t.bias, 3), t.df
    ('Egger', 1.5, 2)
    >>> egger_test([0.3, 0.3, 0.3], [0.1, 0.2, 0.3]).defined
    False
    """
    owner = "egger_test"
    y, v = _studies(effects, variances, owner, 3)
    if np.ptp(v) == 0:
        raise _invalid("variances", owner, "variances that differ between studies", variances)
    with _numerics(owner):
        return _asymmetry("Egger", "se", y, 1.0 / v, np.sqrt(v))


def _peters(
    yes_t: FloatArray, n_t: FloatArray, yes_c: FloatArray, n_c: FloatArray
) -> RegressionTest | str:
    """Peters' test of checked counts, or why it does not apply."""
    a, b, c, d = yes_t, n_t - yes_t, yes_c, n_c - yes_c
    add = np.where((a == 0) | (b == 0) | (c == 0) | (d == 0), CONTINUITY_CORRECTION, 0.0)
    y = np.log((a + add) * (d + add) / ((b + add) * (c + add)))
    n = n_t + n_c
    events = a + c
    weights = events * (n - events) / n
    used = weights > 0  # a study without events, or with events only, has no information
    if used.sum() < 3:
        return f"it needs 3 studies with both events and non-events; there are {used.sum()}"
    if np.ptp(n[used]) == 0:
        return "every study has the same total sample size n, so 1/n cannot predict anything"
    return _asymmetry("Peters", "1/n", y[used], weights[used], 1.0 / n[used])


def peters_test(
    yes_t: Sequence[float] | FloatArray,
    n_t: Sequence[float] | FloatArray,
    yes_c: Sequence[float] | FloatArray,
    n_c: Sequence[float] | FloatArray,
) -> RegressionTest:
    """Peters' test: the log odds ratio on 1/n, weighted by ``S F / n`` (Peters et al., 2006).

    The published test for 2x2 data: a weighted linear regression of the log odds ratio on
    ``1/n``, with ``n`` the study's total sample size, ``S`` its events and ``F`` its
    non-events (both arms together) and weights ``S F / n``; the slope is tested with t
    on ``k - 2`` degrees of freedom. It avoids Egger's problem with odds ratios (the
    standard error is correlated with the log odds ratio itself). Zero cells get
    :data:`CONTINUITY_CORRECTION` in the log odds ratio, as in :func:`effects_from_counts`;
    a study with no events, or no non-events, has weight 0 and is left out. The test is
    defined for log odds ratios only: for other measures there is no Peters' test.

    metafor's ``regtest(res, model="lm", predictor="ninv")`` weights by 1 / variance
    instead, which gives another p-value (0.168 rather than 0.200 on the BCG trials).

    Parameters
    ----------
    yes_t, n_t, yes_c, n_c : sequence of int, length k
        Events and participants in the treatment and control arms.

    Returns
    -------
    RegressionTest
        ``bias`` is the slope on ``1/n``; ``limit_estimate`` the log odds ratio of an
        infinitely large study.

    Raises
    ------
    InvalidParameterError
        If a count is invalid, fewer than 3 studies have both events and non-events, or
        they all have the same total ``n``.

    References
    ----------
    Peters, J. L., Sutton, A. J., Jones, D. R., Abrams, K. R., & Rushton, L. (2006).
    Comparison of two methods to detect publication bias in meta-analysis. *JAMA*, 295,
    676-680.

    Examples
    --------
    >>> t = peters_test([4, 6, 3, 62], [123, 306, 231, 13598], [11, 29, 11, 248],
    ...                 [139, 303, 220, 12867])
    >>> t.name, t.predictor, t.df
    ('Peters', '1/n', 2)
    """
    owner = "peters_test"
    a, nt, c, nc = _two_by_two(yes_t, n_t, yes_c, n_c, owner)
    with _numerics(owner):
        result = _peters(a, nt, c, nc)
    if isinstance(result, str):
        raise InvalidParameterError(f"Peters' test does not apply to these counts: {result}.")
    return result


@dataclass(frozen=True, slots=True)
class TrimFill:
    """Duval & Tweedie's trim and fill (L0 estimator).

    Attributes
    ----------
    k0, k0_se : int, float
        Estimated number of missing studies and its standard error.
    side : str
        "left" or "right": where the funnel plot misses studies.
    imputed_effects, imputed_variances : tuple of float
        The ``k0`` filled-in studies (mirror images of the most extreme ones).
    filled : MetaResult
        The pooled estimate of the observed and filled-in studies together.
    """

    k0: int
    k0_se: float
    side: str
    imputed_effects: tuple[float, ...]
    imputed_variances: tuple[float, ...]
    filled: MetaResult


def _mean(y: FloatArray, v: FloatArray, method: str) -> float:
    if y.size == 1:
        return float(y[0])
    return float(_fit(y, v, np.ones((y.size, 1)), method, False).beta[0])


def trim_and_fill(
    effects: Sequence[float] | FloatArray,
    variances: Sequence[float] | FloatArray,
    *,
    method: str = "REML",
    side: str | None = None,
    level: float = 0.95,
    measure: str = "generic",
) -> TrimFill:
    """Estimate and fill in studies missing from one side of the funnel plot.

    The side is where a regression of the effects on their standard errors (``method``'s
    weights) points away from: a negative slope means the small studies lean left, so
    studies are missing on the right. Then, iteratively, the ``k0`` most extreme studies
    are trimmed, the mean re-estimated on the rest, and ``k0`` re-estimated with the L0
    estimator from the signed ranks of all studies around that mean,
    ``L0 = (4 S - k (k + 1)) / (2k - 1)`` rounded (half to even) and floored at 0, until
    it stops changing. The ``k0`` trimmed studies are mirrored around the final mean and
    the augmented set is pooled with ``method``. ``k0_se`` is Duval & Tweedie's SE at the
    unrounded ``L0`` of the last iteration (as metafor computes it).

    Parameters
    ----------
    effects, variances : sequence of float, length k >= 3
    method : {"REML", "DL", "PM", "FE"}
    side : {"left", "right"} or None
        Side of the missing studies; None estimates it.
    level : float in (0, 1)
    measure : str
        As for :func:`meta_analyze`.

    Returns
    -------
    TrimFill

    Raises
    ------
    InvalidParameterError
        If an input is invalid or k < 3.
    FitError
        If k0 does not settle within 100 iterations.

    Examples
    --------
    >>> tf = trim_and_fill([0.9, 0.7, 0.5, 0.45, 0.4, 0.42], [0.2, 0.1, 0.05, 0.02, 0.01, 0.005])
    >>> tf.side, tf.k0, tf.filled.k
    ('left', 3, 9)
    """
    owner = "trim_and_fill"
    level = _check_common(method, False, level, owner)
    check_option(measure, "measure", owner, META_MEASURES)
    if side is not None:
        check_option(side, "side", owner, ("left", "right"))
    y, v = _studies(effects, variances, owner, 3)
    with _numerics(owner):
        return _trim_and_fill(y, v, method, side, level, measure)


def _trim_and_fill(
    y: FloatArray, v: FloatArray, method: str, side: str | None, level: float, measure: str
) -> TrimFill:
    k = y.size
    if side is None:
        sei = np.sqrt(v)
        slope = (
            0.0
            if np.ptp(sei) == 0
            else float(_fit(y, v, np.column_stack([np.ones(k), sei]), method, False).beta[1])
        )
        side = "right" if slope < 0 else "left"
    # Work as if studies were missing on the left: flip for the right side.
    sign = -1.0 if side == "right" else 1.0
    order = np.argsort(sign * y, kind="stable")
    ys, vs = sign * y[order], v[order]
    k0, previous, mean, iterations, l0 = 0, -1, 0.0, 0, 0.0
    while k0 != previous:
        iterations += 1
        if iterations > _TRIMFILL_MAX_ITER:
            raise FitError(
                f"Trim and fill did not settle on a number of missing studies within "
                f"{_TRIMFILL_MAX_ITER} iterations; try another method or give the side."
            )
        previous = k0
        mean = _mean(ys[: k - k0], vs[: k - k0], method)
        centred = ys - mean
        # Studies at the mean up to rounding have no sign; rounding noise would otherwise
        # make k0 flip between iterations when effects are equal.
        centred[np.abs(centred) <= 1e-12 * (1.0 + np.abs(ys))] = 0.0
        ranks = np.empty(k)
        ranks[np.argsort(np.abs(centred), kind="stable")] = np.arange(1, k + 1)
        s_rank = float(ranks[centred > 0].sum())
        l0 = (4 * s_rank - k * (k + 1)) / (2 * k - 1)
        k0 = max(0, round(l0))
    # The SE comes from the unrounded L0 of the last iteration (it may be negative), as in
    # metafor's trimfill(); only the number of studies filled in is rounded.
    var_s = (
        k * (k + 1) * (2 * k + 1)
        + 10 * l0**3
        + 27 * l0**2
        + 17 * l0
        - 18 * k * l0**2
        - 18 * k * l0
        + 6 * k**2 * l0
    ) / 24
    k0_se = 4 * math.sqrt(max(var_s, 0.0)) / (2 * k - 1)
    imputed = sign * (2 * mean - ys[k - k0 :])
    imputed_v = vs[k - k0 :]
    filled = _pool(
        np.concatenate([y, imputed]), np.concatenate([v, imputed_v]), method, False, level, measure
    )
    return TrimFill(
        k0=int(k0),
        k0_se=k0_se,
        side=side,
        imputed_effects=tuple(float(e) for e in imputed),
        imputed_variances=tuple(float(e) for e in imputed_v),
        filled=filled,
    )


@dataclass(frozen=True, slots=True)
class BiasTests:
    """Publication-bias diagnostics of one set of studies.

    Attributes
    ----------
    egger : RegressionTest or None
        None when the test is undefined (fewer than 3 studies, every study with the same
        variance, or a regression that fits every study exactly).
    peters : RegressionTest or None
        None unless the effects are log odds ratios of 2x2 counts (the only data the
        published test is defined for), or when it is undefined there.
    trim_fill : TrimFill or None
        None with fewer than 3 studies, or when the number of missing studies does not
        settle (it can cycle, as in metafor, which stops with an error).
    notes : tuple of str
        Why a diagnostic is None, one line each (empty when all ran).
    """

    egger: RegressionTest | None
    peters: RegressionTest | None
    trim_fill: TrimFill | None
    notes: tuple[str, ...] = ()


_EXACT_FIT = "the regression fits every study exactly (e.g. every effect is the same), so "


def bias_tests(
    effects: Sequence[float] | FloatArray,
    variances: Sequence[float] | FloatArray,
    *,
    counts: Sequence[Sequence[float] | FloatArray] | None = None,
    method: str = "REML",
    level: float = 0.95,
    measure: str = "generic",
) -> BiasTests:
    """Egger's test, Peters' test (for log odds ratios of 2x2 counts) and trim and fill.

    A diagnostic that does not apply or is undefined is None, with a note saying why:
    every one of them needs at least 3 studies; Egger's test needs variances that differ;
    Peters' test needs the 2x2 counts and ``measure="OR"`` (see :func:`peters_test`).

    Parameters
    ----------
    effects, variances : sequence of float, length k >= 1
    counts : (yes_t, n_t, yes_c, n_c) or None
        The 2x2 counts behind the effects, for Peters' test.
    method : {"REML", "DL", "PM", "FE"}
        Model used inside trim and fill.
    level : float in (0, 1)
    measure : str
        As for :func:`meta_analyze`; Peters' test runs for "OR" only.

    Returns
    -------
    BiasTests

    Raises
    ------
    InvalidParameterError
        If an input is invalid.

    Examples
    --------
    >>> b = bias_tests([0.9, 0.5, 0.35, 0.3], [0.16, 0.04, 0.01, 0.0025])
    >>> b.egger.name, b.peters, b.trim_fill.side
    ('Egger', None, 'left')
    >>> bias_tests([0.1, 0.2], [0.01, 0.02]).notes[0][:40]
    'Publication-bias tests need at least 3 s'
    """
    owner = "bias_tests"
    level = _check_common(method, False, level, owner)
    check_option(measure, "measure", owner, META_MEASURES)
    y, v = _studies(effects, variances, owner, 1)
    checked = None
    if counts is not None:
        if isinstance(counts, (str, bytes)) or not isinstance(counts, Sequence) or len(counts) != 4:
            raise _invalid("counts", owner, "a (yes_t, n_t, yes_c, n_c) tuple", counts)
        names = ("yes_t", "n_t", "yes_c", "n_c")
        checked = [
            _counts(col, f"counts[{name}]", owner, y.size, 1 if name.startswith("n") else 0)
            for col, name in zip(counts, names, strict=True)
        ]
        if np.any(checked[0] > checked[1]) or np.any(checked[2] > checked[3]):
            raise _invalid("counts", owner, "counts with yes <= n in every arm", counts)
    if y.size < 3:
        return BiasTests(None, None, None, (
            f"Publication-bias tests need at least 3 studies; there are {y.size}, so Egger's "
            "test, Peters' test and trim and fill were skipped.",
        ))  # fmt: skip
    notes = []
    egger = peters = trim_fill = None
    with _numerics(owner):
        if np.ptp(v) > 0:
            egger = _asymmetry("Egger", "se", y, 1.0 / v, np.sqrt(v))
            if not egger.defined:
                egger = None
                notes.append(f"Egger's test: {_EXACT_FIT}the test is undefined.")
        else:
            notes.append("Egger's test: every study has the same variance; the test is undefined.")
        if checked is None or measure != "OR":
            data = "2x2 counts" if checked is None else f"measure {measure!r}"
            notes.append(
                "Peters' test: defined for log odds ratios of 2x2 counts only "
                f"(Peters et al., 2006); not run without {data}."
                if checked is None
                else "Peters' test: defined for log odds ratios of 2x2 counts only "
                f"(Peters et al., 2006); not run for {data}."
            )
        else:
            found = _peters(*checked)
            if isinstance(found, str):
                notes.append(f"Peters' test: {found}; the test is undefined.")
            elif not found.defined:
                notes.append(f"Peters' test: {_EXACT_FIT}the test is undefined.")
            else:
                peters = found
        try:
            trim_fill = _trim_and_fill(y, v, method, None, level, measure)
        except FitError as exc:
            notes.append(f"Trim and fill: {exc}")
    return BiasTests(egger, peters, trim_fill, tuple(notes))


# ---------------------------------------------------------------- a table, end to end


@dataclass(frozen=True, slots=True)
class MetaReport:
    """Everything ``ditf study meta`` shows for one table.

    Attributes
    ----------
    name : str
        The table's file name.
    labels : tuple of str
        Study labels, in table order.
    effect_sizes : EffectSizes
    result : MetaResult
        The model asked for (random effects by default).
    fixed : MetaResult
        The fixed-effect model, for comparison.
    regression : MetaRegression or None
        On the table's moderators, when it has any (or those chosen).
    bias : BiasTests or None
        Publication-bias diagnostics, unless turned off.
    source : str
        Where a bundled table comes from ("" for a user's file).
    """

    name: str
    labels: tuple[str, ...]
    effect_sizes: EffectSizes
    result: MetaResult
    fixed: MetaResult
    regression: MetaRegression | None
    bias: BiasTests | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the fields plus the results on their natural scale.

        Examples
        --------
        >>> from ditf.data import load_bcg
        >>> d = meta_from_table(load_bcg(), measure="RR", bias=False).to_dict()
        >>> round(d["display"]["estimate"], 3), d["display"]["scale"]
        (0.489, 'risk ratio')
        """
        out = asdict(self)
        out["display"] = {
            "scale": _SCALES[self.result.measure],
            **self.result.back_transformed(),
        }
        return out


_SCALES = {
    "OR": "odds ratio",
    "RR": "risk ratio",
    "RD": "risk difference",
    "ZCOR": "correlation r",
    "generic": "effect",
}


def meta_from_table(
    table: MetaTable,
    *,
    measure: str = "OR",
    method: str = "REML",
    knapp_hartung: bool = False,
    level: float = 0.95,
    moderators: Sequence[str] | None = None,
    bias: bool = True,
) -> MetaReport:
    """Effect sizes, the pooled estimate, meta-regression and bias tests of a table.

    The table comes from :func:`ditf.data.read_meta_table`, ``load_bcg`` or
    ``load_meta_example``. 2x2 tables use ``measure``; correlation tables are pooled on
    Fisher's z; effect/variance tables as given. Peters' test is run for 2x2 tables with
    ``measure="OR"`` only (a note says so otherwise).

    Parameters
    ----------
    table : MetaTable
    measure : {"OR", "RR", "RD", "ZCOR"}
        Effect size of 2x2 tables (ignored for other tables).
    method : {"REML", "DL", "PM", "FE"}
    knapp_hartung : bool
    level : float in (0, 1)
    moderators : sequence of str or None
        Moderator columns for the meta-regression; None takes all of the table's, ``[]``
        none.
    bias : bool
        Run the publication-bias diagnostics (with fewer than 3 studies they are skipped,
        with a note).

    Returns
    -------
    MetaReport

    Raises
    ------
    DataError
        If the table has too few studies for a meta-regression, a moderator is constant,
        or its numbers are too extreme to compute with in double precision.
    InvalidParameterError
        If an option is invalid or a moderator is not in the table.

    Examples
    --------
    >>> from ditf.data import load_bcg
    >>> rep = meta_from_table(load_bcg(), measure="RR", moderators=["ablat"])
    >>> round(rep.result.tau2, 4), round(rep.regression.coef[1], 4)
    (0.3132, -0.0291)
    """
    owner = "meta_from_table"
    level = _check_common(method, knapp_hartung, level, owner)
    check_type(bias, "bias", owner, bool, "True or False")
    cols = table.columns
    if table.kind == "counts":
        es = effects_from_counts(
            cols["yes_t"], cols["n_t"], cols["yes_c"], cols["n_c"], measure=measure
        )
    elif table.kind == "r":
        es = effects_from_r(cols["r"], cols["n"])
    else:
        k = len(cols["effect"])
        es = EffectSizes(
            "generic", tuple(cols["effect"]), tuple(cols["variance"]), None, (False,) * k
        )
    k = len(es.effects)
    names = list(table.moderators) if moderators is None else list(moderators)
    for name in names:
        if name not in table.moderators:
            available = ", ".join(repr(m) for m in table.moderators) or "none"
            raise _invalid("moderators", owner, f"names of moderator columns ({available})", name)
        if len(set(table.moderators[name])) == 1:
            raise DataError(
                f"{table.name}: the moderator {name!r} has the same value in every study; "
                f"drop the column or choose other moderators."
            )
    if names and k <= len(names) + 1:
        raise DataError(
            f"{table.name}: a meta-regression on {len(names)} moderator(s) needs more than "
            f"{len(names) + 1} studies; the table has {k}. Use fewer moderators."
        )
    y, v = es.effects, es.variances
    try:
        result = meta_analyze(
            y, v, method=method, knapp_hartung=knapp_hartung, level=level, measure=es.measure
        )
        fixed = meta_analyze(y, v, method="FE", level=level, measure=es.measure)
        regression = None
        if names:
            regression = meta_regression(
                y,
                v,
                {name: table.moderators[name] for name in names},
                method=method,
                knapp_hartung=knapp_hartung,
                level=level,
            )
        tests = None
        if bias:
            counts = None
            if table.kind == "counts":
                counts = tuple(cols[c] for c in ("yes_t", "n_t", "yes_c", "n_c"))
            tests = bias_tests(y, v, counts=counts, method=method, level=level, measure=es.measure)
    except InvalidParameterError as exc:
        if "too extreme" not in str(exc):
            raise
        # The table's numbers, not a parameter, are at fault: name the table instead.
        message = str(exc).replace(" given to meta_analyze", "")
        raise DataError(f"{table.name}: {message}") from exc
    return MetaReport(
        name=table.name,
        labels=table.studies,
        effect_sizes=es,
        result=result,
        fixed=fixed,
        regression=regression,
        bias=tests,
        source=table.source,
    )
