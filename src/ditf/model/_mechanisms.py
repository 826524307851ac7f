"""The mechanisms: each a named lift on the latent (probit) scale of one step.

Every function here is pure and vectorised: parameters broadcast against step features, so one
call evaluates many posterior draws and many people or designs at once. The terms add up on the
latent scale, so switching one mechanism off removes exactly its term.

References
----------
Cialdini, R. B., Vincent, J. E., Lewis, S. K., Catalan, J., Wheeler, D., & Darby, B. L. (1975).
    Reciprocal concessions procedure for inducing compliance: The door-in-the-face technique.
    JPSP, 31(2), 206-215. (reciprocity, same-requester rule, perceptual contrast)
Freedman, J. L., & Fraser, S. C. (1966). Compliance without pressure: The foot-in-the-door
    technique. JPSP, 4(2), 195-202. (self-perception / consistency)
Dillard, J. P., Hunter, J. E., & Burgoon, M. (1984). Sequential-request persuasive strategies.
    HCR, 10(4), 461-488. (delay decay of DITF, not FITD; prosocial moderation)
Even-Chen, M., Yinon, Y., & Bizman, A. (1978). The door in the face technique: Effects of the
    size of the initial request. EJSP, 8(1), 135-140. (absurd openers backfire)
Galinsky, A. D., & Mussweiler, T. (2001). First offers as anchors: The role of perspective-taking
    and negotiator focus. JPSP, 81(4), 657-669. (first offers anchor settlements)
Orr, D., & Guthrie, C. (2006). Anchoring, information, expertise, and negotiation: New insights
    from meta-analysis. Ohio State J. on Dispute Resolution, 21(3), 597-628. (size of the pull)
Schweinsberg, M., Ku, G., Wang, C. S., & Pillutla, M. M. (2012). Starting high and ending with
    nothing: The role of anchors and power in negotiations. JESP, 48(1), 226-231. (extreme
    openers lead to impasse)
Feeley, T. H., Anker, A. E., & Aloe, A. M. (2012). The door-in-the-face persuasive message
    strategy: A meta-analysis of the first 35 years. Comm. Monographs, 79(3), 316-343.
    (verbal vs behavioural compliance)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ditf._types import FloatArray
from ditf.model._params import Mechanisms, ParamArrays

LATENT_MECHANISMS = ("reciprocity", "contrast", "consistency", "credibility", "anchoring")

# Codes for the last answer a person gave before a step (self-perception).
NO_ANSWER, YES_PERFORMED, YES_AGREED, REFUSED = 0, 1, 2, 3


class StepFeatures(NamedTuple):
    """What a person's history before one step looks like, as arrays that broadcast.

    concession : log ratio of the refused, larger request by the same requester just before.
    retreat_delay : hours between that refusal and this step.
    retreats_seen : earlier retreats from this requester (habituation).
    anchor : log ratio of the same requester's largest earlier request (asked or described)
        to this one.
    anchor_delay : hours since that anchor.
    last_answer : one of NO_ANSWER, YES_PERFORMED, YES_AGREED, REFUSED.
    excess : log excess of the same requester's largest asked request over the plausible max.
    prosocial : 1.0 if the step's request is prosocial, else 0.0.
    anchor_log : in a negotiation over an amount, log ratio of the refused, larger ask just
        before (by anyone) to this one; 0 elsewhere.
    """

    concession: FloatArray
    retreat_delay: FloatArray
    retreats_seen: FloatArray
    anchor: FloatArray
    anchor_delay: FloatArray
    last_answer: FloatArray
    excess: FloatArray
    prosocial: FloatArray
    anchor_log: FloatArray


def saturating(log_ratio: FloatArray, half: FloatArray) -> FloatArray:
    """Lift share of a concession: rises with its size and saturates (0 at no concession)."""
    x = np.maximum(log_ratio, 0.0)
    return x / (x + half)


def decay(hours: FloatArray, half_life: FloatArray) -> FloatArray:
    """Share of a lift left after ``hours``: halves every ``half_life`` hours."""
    return np.exp2(-hours / half_life)


def moderation(p: ParamArrays, f: StepFeatures, mech: Mechanisms) -> FloatArray:
    """Factor on the sequential lifts: 1 for a prosocial target, ``non_prosocial`` otherwise."""
    if not mech.prosocial_moderation:
        return np.ones_like(f.prosocial * p.non_prosocial)
    return f.prosocial + (1.0 - f.prosocial) * p.non_prosocial


def reciprocity(p: ParamArrays, f: StepFeatures) -> FloatArray:
    """Reciprocal concession: a retreat by the same requester invites a concession in return.

    Grows with the concession and saturates, halves every ``half_life_hours`` and keeps a share
    ``habituation`` per retreat the person has already seen (Cialdini et al., 1975;
    Dillard et al., 1984; habituation rests on a prior).
    """
    grow = saturating(f.concession, p.saturation)
    return (
        p.reciprocity
        * grow
        * decay(f.retreat_delay, p.half_life_hours)
        * (p.habituation**f.retreats_seen)
    )


def contrast(p: ParamArrays, f: StepFeatures) -> FloatArray:
    """Perceptual contrast: a larger anchor the same requester asked or described before.

    Only the same requester's anchors count: the evidence for contrast (Cialdini et al., 1975,
    exposure control) has the same person describe the large request, and a retreat by
    another requester lifts nothing (fact 3).
    """
    grow = saturating(f.anchor, p.saturation)
    return p.contrast * grow * decay(f.anchor_delay, p.half_life_hours)


def consistency(p: ParamArrays, f: StepFeatures) -> FloatArray:
    """Self-perception: an earlier yes raises, an earlier no lowers, across requesters and days.

    A yes only agreed to (not performed) carries ``agree_only_share`` of the lift
    (Freedman & Fraser, 1966).
    """
    yes = np.where(f.last_answer == YES_PERFORMED, 1.0, 0.0)
    yes = yes + np.where(f.last_answer == YES_AGREED, p.agree_only_share, 0.0)
    no = np.where(f.last_answer == REFUSED, 1.0, 0.0)
    return p.consistency_yes * yes - p.consistency_no * no


def credibility(p: ParamArrays, f: StepFeatures) -> FloatArray:
    """Bad-faith penalty for an opener beyond the plausible maximum (Even-Chen et al., 1978).

    Reciprocity saturates while this penalty grows with the log excess, so the lift rises and
    then falls as the opener grows. The shape and its slope are an assumption with a prior.
    """
    return -p.bad_faith * f.excess


def anchor_pull(
    p: ParamArrays, distance: FloatArray, excess: FloatArray | float = 0.0
) -> FloatArray:
    """How far an opener moves the counterpart's limit toward it, in the units of ``distance``.

    ``distance`` is how far the opener lies beyond the current ask on the counterpart's own
    scale: latent SD units in the probit model, log cost in a bargaining counterpart. If the
    opener pulls a limit ``L`` a share ``anchoring = a`` of the way toward it, the person who
    just accepts the ask has ``L + a (A - L) = X``, so the ask's yes-threshold falls by
    ``a / (1 - a) * (A - X)``: a pull proportional to the distance, with insufficient
    adjustment (``a < 1``). It is linear for anchors near the ask and saturates toward
    ``anchor_cap`` (``cap * tanh(d / cap)``): implausibly far anchors lose power. Past the
    credibility limit the pull weakens, is cancelled at a log excess of ``anchor_reversal`` and
    then pushes away, at most as hard as it would have pulled (offence, impasse: Schweinsberg
    et al., 2012).

    Examples
    --------
    >>> from ditf.model import ModelParams
    >>> p = ModelParams.example()
    >>> round(float(anchor_pull(p, 1.0)), 3)  # one SD beyond the ask, within the limit
    0.62
    >>> float(anchor_pull(p, 1.0, excess=p.anchor_reversal))  # cancelled
    0.0
    """
    d = np.maximum(distance, 0.0)
    felt = p.anchor_cap * np.tanh(d / p.anchor_cap)
    share = np.maximum(1.0 - np.asarray(excess) / p.anchor_reversal, -1.0)
    result: FloatArray = p.anchoring / (1.0 - p.anchoring) * felt * share
    return result


def anchoring(p: ParamArrays, f: StepFeatures, distance: FloatArray | None = None) -> FloatArray:
    """First-offer anchoring in a negotiation over an amount: :func:`anchor_pull` on the step.

    The distance defaults to the model's own scale, ``cost_sensitivity * anchor_log``; the
    exact two-step evaluation passes the distance between the two asks' own baselines when
    the first one is known from outside the model (an estimate of the counterpart).
    """
    on = (f.anchor_log > 0).astype(float)
    d = p.cost_sensitivity * f.anchor_log if distance is None else distance
    return on * anchor_pull(p, d, f.excess)


def lifts(
    p: ParamArrays,
    f: StepFeatures,
    mech: Mechanisms,
    strength: FloatArray,
    distance: FloatArray | None = None,
) -> dict[str, FloatArray]:
    """Each mechanism's additive lift on the latent scale of one step.

    Parameters
    ----------
    p : ParamArrays
        Parameters (e.g. one row per posterior draw).
    f : StepFeatures
        The person's history before the step.
    mech : Mechanisms
        Which mechanisms are on; an off mechanism contributes exactly zero.
    strength : ndarray
        Study-level multiplier of the sequential lifts, ``exp(heterogeneity * z)``; anchoring
        is calibrated on negotiations, not on these studies, and is not scaled by it.
    distance : ndarray, optional
        The anchor's distance for :func:`anchoring`; default: from the cost ratio.

    Returns
    -------
    dict of str to ndarray
        One entry per name in ``LATENT_MECHANISMS``; their sum is the step's total lift.
    """
    scale = strength * moderation(p, f, mech)
    zero = np.zeros_like(scale * f.concession)
    return {
        "reciprocity": scale * reciprocity(p, f) if mech.reciprocity else zero,
        "contrast": scale * contrast(p, f) if mech.contrast else zero,
        "consistency": scale * consistency(p, f) if mech.consistency else zero,
        "credibility": credibility(p, f) + zero if mech.credibility else zero,
        "anchoring": anchoring(p, f, distance) + zero if mech.anchoring else zero,
    }


def total_lift(
    p: ParamArrays,
    f: StepFeatures,
    mech: Mechanisms,
    strength: FloatArray,
    distance: FloatArray | None = None,
) -> FloatArray:
    """Sum of :func:`lifts`."""
    terms = lifts(p, f, mech, strength, distance)
    return sum(terms.values(), start=np.zeros(1))


def follow_through(p: ParamArrays, won_by_retreat: FloatArray, mech: Mechanisms) -> FloatArray:
    """P(a verbal yes becomes behaviour); lower for a yes won by a retreat (Feeley et al., 2012).

    Switched off, every verbal yes is kept.
    """
    if not mech.follow_through:
        return np.ones_like(p.follow_through * won_by_retreat)
    return p.follow_through * (1.0 - p.pressure_discount * won_by_retreat)
