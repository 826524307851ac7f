"""Calibration of the anchoring block on negotiation evidence (first offers and settlements).

No experiment in ``studies.csv`` negotiates an amount, so the anchoring parameters are fitted
apart, on the first-offer anchoring evidence, with their priors (a block of the posterior of
its own). The link from the pull share to the published association is the model's own
bargaining counterpart: ``ditf.negotiate.first_offer_association`` simulates single-issue
negotiations in which first offers and the counterparts' limits are spread alike (the stated
assumption) at each pull share, and ``data/anchoring_link.csv`` tabulates the correlation
(``scripts/anchoring_link.py``, run by ``make fit``). The link is read here by interpolation,
so the calibration and the bargaining simulation agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, logit

from ditf._types import FloatArray
from ditf.data import load_anchoring_link, load_negotiation_evidence
from ditf.model._params import ParamArrays
from ditf.model._priors import ANCHORING, ANCHORING_MAX, PRIORS

__all__ = [
    "AnchoringTarget", "bundled_anchoring_targets", "first_offer_r", "fit_anchoring",
    "new_context",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class AnchoringTarget:
    """A published first-offer/settlement correlation to reproduce, with its standard error.

    ``se`` is on Fisher's z scale (``1 / sqrt(n - 3)`` for one study, or the meta-analytic
    interval's half-width / 1.645).
    """

    r: float
    se: float
    source: str


def first_offer_r(pull: FloatArray | float) -> FloatArray:
    """The first-offer/settlement correlation at a pull share: the simulated link, interpolated.

    Examples
    --------
    >>> bool(first_offer_r(0.0) < first_offer_r(0.4))
    True
    """
    pulls, rs = np.array(load_anchoring_link()).T
    result: FloatArray = np.interp(np.asarray(pull, dtype=float), pulls, rs)
    return result


def new_context(p: ParamArrays, z: FloatArray) -> ParamArrays:
    """Parameters for a new negotiation: its own pull share, ``z`` standard normal draws.

    The calibration gives the population's mean pull; a context the evidence has not seen
    draws its own on the logit scale with SD ``anchor_heterogeneity``, so the spread between
    studies reaches every interval (as the study-level strength does for the other lifts).
    """
    pull = expit(logit(p.anchoring / ANCHORING_MAX) + p.anchor_heterogeneity * z)
    return p._replace(anchoring=ANCHORING_MAX * pull)


def _loglik(u: FloatArray, targets: tuple[AnchoringTarget, ...], on: bool) -> FloatArray:
    pull = PRIORS["anchoring"].to_natural(u) if on else np.zeros_like(u)
    z = np.arctanh(np.clip(first_offer_r(pull), -1.0 + 1e-12, 1.0 - 1e-12))
    total = np.zeros_like(u)
    for t in targets:
        total = total - 0.5 * ((z - np.arctanh(t.r)) / t.se) ** 2
    return total


@dataclass(frozen=True, slots=True)
class AnchoringFit:
    """Mode and (diagonal) covariance of the anchoring block, unconstrained scale."""

    mode: tuple[float, ...]
    var: tuple[float, ...]
    loglik: float
    n_params: int


def fit_anchoring(targets: tuple[AnchoringTarget, ...], on: bool) -> AnchoringFit:
    """Fit the pull to ``targets`` (Laplace); the cap, reversal and heterogeneity: priors.

    With the mechanism off the targets still count (the model then predicts the association
    of bargaining without a pull), so mechanism sets compared by AIC explain the same data.
    """
    prior = PRIORS["anchoring"]

    def neg_post(x: float) -> float:
        u = np.array([x])
        return float(-(_loglik(u, targets, on) + prior.log_density(u))[0])

    # The pull is one bounded coordinate: a scalar search finds its mode.
    x = float(minimize_scalar(neg_post, bounds=(-6.0, 6.0), method="bounded").x)
    h = 1e-3
    curvature = (neg_post(x + h) - 2 * neg_post(x) + neg_post(x - h)) / h**2
    mode = [x] + [PRIORS[n].to_unconstrained(PRIORS[n].center) for n in ANCHORING[1:]]
    var = [1.0 / max(curvature, 1e-6)] + [_prior_var(n) for n in ANCHORING[1:]]
    loglik = float(_loglik(np.array([x]), targets, on)[0])
    return AnchoringFit(tuple(mode), tuple(var), loglik, int(on and bool(targets)))


def _prior_var(name: str) -> float:
    prior = PRIORS[name]
    if prior.kind == "lognormal":
        return prior.second**2
    a, b = prior.first, prior.second  # the logit of a Beta(a, b) has variance psi'(a)+psi'(b)
    from scipy.special import polygamma

    return float(polygamma(1, a) + polygamma(1, b))


#: z of the 95th percentile: the spread between meta-analyses is read as a 90% interval.
_Z90 = 1.6448536269514722


def bundled_anchoring_targets() -> tuple[AnchoringTarget, ...]:
    """The bundled first-offer/settlement correlations, pooled into one target.

    The verified meta-analytic correlations (Orr & Guthrie, 2006, r = .497; Petrowsky et al.,
    2025, r = .62) pool overlapping studies, so they are not independent: their mean on
    Fisher's z is the target, and their spread is read as its 90% interval. Preliminary and
    prior rows do not count.

    Examples
    --------
    >>> (t,) = bundled_anchoring_targets()
    >>> round(t.r, 2), round(t.se, 3)
    (0.56, 0.055)
    """
    rows = [
        f for f in load_negotiation_evidence()
        if f.finding == "first_offer_settlement_r" and f.metric == "r" and f.verified
        and f.condition.startswith("meta-analysis") and "preliminary" not in f.condition
    ]  # fmt: skip
    if not rows:
        return ()
    z = np.arctanh([f.value for f in rows])
    # Floor: even one meta-analysis leaves between-study uncertainty about the mean.
    se = max(float(z.max() - z.min()) / 2.0 / _Z90, 0.05)
    sources = "; ".join(f"{f.study} ({f.year})" for f in rows)
    return (AnchoringTarget(float(np.tanh(z.mean())), se, sources),)
