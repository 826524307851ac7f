"""Priors and transforms: each parameter is fitted on an unconstrained scale.

A positive parameter is fitted as its log with a normal prior (a log-normal prior); a share is
fitted as its logit with a beta prior; ``trait_share`` is 0.9 times a logistic so that the
latent correlation stays below 0.9. Where the evidence is silent (habituation, the bad-faith
slope, follow-through) the prior is all there is, and its width is carried into every interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logit

from ditf._types import FloatArray

TRAIT_SHARE_MAX = 0.9
#: The anchored limit never moves more than this share of the way to the opener (adjustment
#: is insufficient: Tversky & Kahneman 1974), which keeps alpha / (1 - alpha) finite.
ANCHORING_MAX = 0.9


@dataclass(frozen=True, slots=True)
class Prior:
    """A prior on one parameter.

    kind : "lognormal" (median, sdlog) or "beta" (a, b) on the value divided by ``upper``.
    why : what the prior rests on.
    """

    kind: str
    first: float
    second: float
    why: str
    upper: float = 1.0

    def to_natural(self, u: FloatArray) -> FloatArray:
        """Map the unconstrained value to the parameter's natural scale."""
        if self.kind == "lognormal":
            return np.exp(u)
        result: FloatArray = self.upper * expit(u)
        return result

    def to_unconstrained(self, x: float) -> float:
        """Inverse of :meth:`to_natural`."""
        if self.kind == "lognormal":
            return float(np.log(x))
        return float(logit(x / self.upper))

    def log_density(self, u: FloatArray) -> FloatArray:
        """Log prior density of the unconstrained value (up to a constant)."""
        if self.kind == "lognormal":
            z: FloatArray = (u - np.log(self.first)) / self.second
            return -0.5 * z * z
        # A beta prior on s = expit(u) has density s^a (1 - s)^b on the logit scale.
        result: FloatArray = self.first * -np.logaddexp(0.0, -u) + self.second * -np.logaddexp(
            0.0, u
        )
        return result

    @property
    def center(self) -> float:
        """The prior's median (log-normal) or mean (beta), on the natural scale."""
        if self.kind == "lognormal":
            return self.first
        return self.upper * self.first / (self.first + self.second)


PRIORS: dict[str, Prior] = {
    "cost_sensitivity": Prior(
        "lognormal", 0.4, 0.5, "weak: doubling a cost lowers the probit by ~0.3"
    ),
    "trait_share": Prior(
        "beta", 4.0, 4.0, "silent evidence: about half the variance is stable", TRAIT_SHARE_MAX
    ),
    "reciprocity": Prior("lognormal", 0.5, 0.75, "weak; pinned by Cialdini 1975 and meta r"),
    "saturation": Prior("lognormal", 1.0, 0.5, "weak: half the lift at a ~2.7x concession"),
    "contrast": Prior("lognormal", 0.15, 0.75, "weak; pinned by the exposure control"),
    "consistency_yes": Prior("lognormal", 0.3, 0.75, "weak; pinned by Freedman & Fraser 1966"),
    "agree_only_share": Prior("beta", 2.0, 2.0, "weak; pinned by the agree-only condition"),
    "consistency_no": Prior("lognormal", 0.15, 0.75, "weak; delayed DITF turns negative"),
    "half_life_hours": Prior(
        "lognormal", 6.0, 1.0, "prior: the lift is gone after days (Dillard 1984)"
    ),
    "habituation": Prior("beta", 3.0, 2.0, "prior only: no controlled estimate exists"),
    "bad_faith": Prior("lognormal", 0.5, 0.75, "prior only: Even-Chen et al. 1978 give no size"),
    "follow_through": Prior("beta", 7.0, 3.0, "prior: most verbal yeses are kept"),
    "pressure_discount": Prior("beta", 2.0, 5.0, "weak; pinned by behavioural meta r"),
    "non_prosocial": Prior("beta", 2.0, 3.0, "weak; pinned by optimal vs all meta r"),
    "heterogeneity": Prior("lognormal", 0.5, 0.75, "weak; pinned by the corrected SD of r"),
    "anchoring": Prior(
        "beta", 2.0, 2.6,
        "weak: about 0.4 of the way toward the opener; pinned by first-offer anchoring "
        "(Orr & Guthrie 2006; Petrowsky et al. 2025)",
        ANCHORING_MAX,
    ),
    "anchor_cap": Prior(
        "lognormal", 3.0, 0.5,
        "prior only: the pull is linear for anchors near the ask, where the evidence lies, and "
        "saturates at about 3 SD of the counterpart's limit (implausibly far anchors lose "
        "power); no study gives a size",
    ),
    "anchor_reversal": Prior(
        "lognormal", 0.3, 0.5,
        "prior only: an opener about a third beyond the plausible maximum (log excess ~0.3) "
        "cancels its own pull, and bolder ones push away: extreme openers offend and end in "
        "impasse (Schweinsberg et al. 2012; Petrowsky et al. 2025, g = -0.42), sizes unknown",
    ),
    "anchor_heterogeneity": Prior(
        "lognormal", 0.5, 0.5,
        "prior only: the meta-analyses' abstracts give no between-study SD, and single "
        "studies' first-offer correlations range widely (e.g. .37 for experienced negotiators, "
        "Orr & Guthrie 2006): a new context's pull share varies by ~0.5 on the logit scale",
    ),
}  # fmt: skip

#: Parameters of the anchoring mechanism (negotiations over an amount). No experiment in
#: ``studies.csv`` negotiates an amount, so they are calibrated apart, on the negotiation
#: evidence, and their posterior is independent of the others (a block of its own).
ANCHORING = ("anchoring", "anchor_cap", "anchor_reversal", "anchor_heterogeneity")

#: Priors on each study's own effects: probit baseline and standardised strength.
STUDY_BASELINE_SD = 1.5
STUDY_STRENGTH_SD = 1.0
