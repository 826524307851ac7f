"""P(yes) to a sequence's target: exact for two steps, Monte Carlo for longer sequences."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import ndtr

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray
from ditf.model._bivariate import bvn_cdf
from ditf.model._mechanisms import (
    NO_ANSWER,
    REFUSED,
    YES_AGREED,
    YES_PERFORMED,
    StepFeatures,
    follow_through,
    total_lift,
)
from ditf.model._params import Mechanisms, ParamArrays
from ditf.model._requests import Context, Sequence

# Answer codes in a history matrix.
NOT_ASKED, NO, YES = -1, 0, 1
_LIMITS = (-40.0, 40.0)


class Outcome(NamedTuple):
    """Probabilities for the target (last) step, one value per parameter draw.

    p_asked : P(the target is asked at all), e.g. P(the opener is refused) for a retreat.
    verbal : P(verbal yes to the target | it is asked).
    behavioral : P(the target is carried out | it is asked).
    """

    p_asked: FloatArray
    verbal: FloatArray
    behavioral: FloatArray


def _log_ratio(a: float, b: float) -> float:
    """``ln(a / b)`` without overflow for costs at the ends of the float range."""
    return float(np.log(a) - np.log(b))


def _last_asked_before(seq: Sequence, k: int) -> int | None:
    """Index of the last step before ``k`` that is asked rather than described."""
    asked = [j for j in range(k) if not seq.steps[j].request.described_only]
    return asked[-1] if asked else None


def _is_retreat(seq: Sequence, k: int, answers: FloatArray) -> FloatArray:
    """1.0 where step ``k`` follows a refusal of a larger request by the same requester."""
    j = _last_asked_before(seq, k)
    if j is None:
        return np.zeros(answers.shape[:-1])
    prev, cur = seq.steps[j].request, seq.steps[k].request
    if prev.requester != cur.requester or prev.cost <= cur.cost:
        return np.zeros(answers.shape[:-1])
    retreat: FloatArray = (answers[..., j] == NO).astype(float)
    return retreat


def step_features(seq: Sequence, context: Context, k: int, answers: FloatArray) -> StepFeatures:
    """Features of step ``k`` for each history row of ``answers`` (shape ``(..., >= k)``).

    A history row holds the answers to the steps before ``k`` (``YES``, ``NO`` or
    ``NOT_ASKED`` for a described step). Assumes step ``k`` is asked on that history.
    """
    steps = seq.steps
    req = steps[k].request
    times = np.cumsum([0.0] + [s.delay_hours for s in steps[1:]])
    shape = answers.shape[:-1]
    zeros = np.zeros(shape)

    j = _last_asked_before(seq, k)
    retreat = _is_retreat(seq, k, answers)
    concession = retreat * (_log_ratio(steps[j].request.cost, req.cost) if j is not None else 0.0)
    retreat_delay = zeros + (times[k] - times[j] if j is not None else 0.0)
    seen = zeros + context.prior_retreats
    for i in range(1, k):  # earlier retreats in this sequence by the same requester
        earlier_req = steps[i].request
        if not earlier_req.described_only and earlier_req.requester == req.requester:
            seen = seen + _is_retreat(seq, i, answers)

    # Contrast needs the same requester: its only evidence (Cialdini et al., 1975, exposure
    # control) had the same person describe the large request, and with another requester
    # the lift vanishes (fact 3), so nothing supports a contrast across requesters.
    earlier = [s.request.cost if s.request.requester == req.requester else 0.0 for s in steps[:k]]
    anchor, anchor_delay = 0.0, 0.0
    if earlier and max(earlier) > req.cost:
        m = int(np.argmax(earlier))
        anchor, anchor_delay = _log_ratio(earlier[m], req.cost), float(times[k] - times[m])

    last = zeros + NO_ANSWER
    if j is not None:
        yes_code = YES_PERFORMED if steps[j].request.performed else YES_AGREED
        last = np.where(answers[..., j] == YES, yes_code, last)
        last = np.where(answers[..., j] == NO, REFUSED, last)

    anchor_log = zeros
    if context.negotiation and j is not None and steps[j].request.cost > req.cost:
        refused = (answers[..., j] == NO).astype(float)
        anchor_log = refused * _log_ratio(steps[j].request.cost, req.cost)

    excess = 0.0
    if context.plausible_max is not None:
        same = [
            s.request.cost
            for s in steps[:k]
            if s.request.requester == req.requester and not s.request.described_only
        ]
        if same:
            excess = max(0.0, _log_ratio(max(same), context.plausible_max))

    return StepFeatures(
        concession=concession,
        retreat_delay=retreat_delay,
        retreats_seen=seen,
        anchor=zeros + anchor,
        anchor_delay=zeros + anchor_delay,
        last_answer=last,
        excess=zeros + excess,
        prosocial=zeros + float(req.prosocial),
        anchor_log=anchor_log,
    )


def _stack(features: list[StepFeatures]) -> StepFeatures:
    """Concatenate per-cell features into one set of arrays over cells."""
    return StepFeatures(
        *(np.concatenate([np.ravel(x) for x in col]) for col in zip(*features, strict=True))
    )


class TwoStepDesign(NamedTuple):
    """Sequences of one or two steps compiled to arrays over cells (one cell per sequence).

    Everything that does not depend on the parameters is computed once here, so that a
    likelihood or a sweep evaluates all cells in one vectorised call.
    """

    first_log_cost: FloatArray  # ln(cost of step 1 / reference cost)
    target_log_cost: FloatArray  # ln(cost of the target / reference cost)
    after_yes: StepFeatures  # target features after a yes to step 1
    after_no: StepFeatures  # target features after a no to step 1 (or with no answer)
    escalation: FloatArray  # 1: target asked after any answer (foot-in-the-door)
    retreat: FloatArray  # 1: target asked only after a refusal (door-in-the-face)


def compile_two_step(
    cells: list[tuple[Sequence, Context]], reference_costs: list[float] | None = None
) -> TwoStepDesign:
    """Compile sequences of at most two steps; ``reference_costs`` default to the targets.

    The reference cost is the cost whose asked-alone P(yes) is the cell's baseline.
    """
    refs = reference_costs or [seq.target.cost for seq, _ in cells]
    first, target, yes, no, escalation, retreat = [], [], [], [], [], []
    for (seq, context), ref in zip(cells, refs, strict=True):
        steps = seq.steps
        if len(steps) > 2:
            raise InvalidParameterError(
                f"An exact two-step design takes sequences of at most two steps; got "
                f"{len(steps)}. Use monte_carlo for longer sequences."
            )
        target.append(_log_ratio(seq.target.cost, ref))
        first.append(_log_ratio(steps[0].request.cost, ref))
        answered = len(steps) == 2 and not steps[0].request.described_only
        if len(steps) == 1:
            f_yes = f_no = step_features(seq, context, 0, np.zeros((1, 0)))
        else:
            first_answer = [[YES]] if answered else [[NOT_ASKED]]
            f_yes = step_features(seq, context, 1, np.array(first_answer, dtype=float))
            f_no = step_features(seq, context, 1, np.array([[NO if answered else NOT_ASKED]]))
        yes.append(f_yes)
        no.append(f_no)
        up = answered and seq.target.cost >= steps[0].request.cost
        escalation.append(float(up))
        retreat.append(float(answered and not up))
    return TwoStepDesign(
        np.array(first),
        np.array(target),
        _stack(yes),
        _stack(no),
        np.array(escalation),
        np.array(retreat),
    )


def evaluate_two_step(
    design: TwoStepDesign,
    p: ParamArrays,
    mech: Mechanisms,
    strength: FloatArray,
    baseline_z: FloatArray,
    first_z: FloatArray | None = None,
) -> Outcome:
    """Exact target probabilities for every cell, shape ``(n_draws, n_cells)``.

    The shared willingness makes the two answers of one person correlate with ``trait_share``,
    so P(yes to the target | refused the opener) comes from the bivariate normal.

    Parameters
    ----------
    design : TwoStepDesign
        Compiled cells.
    p : ParamArrays
        Parameters, shape ``(n_draws, 1)`` each.
    mech : Mechanisms
        Switches.
    strength : ndarray
        Study-level multiplier of the lifts, broadcastable to ``(n_draws, n_cells)``.
    baseline_z : ndarray
        Probit of the baseline P(yes) to each cell's reference cost, same broadcasting.
    first_z : ndarray, optional
        Probit of P(yes) to each cell's first request asked alone, when it is known directly
        (e.g. the planner's estimate of the counterpart); default: from the cost ratio.
    """
    return evaluate_two_step_many(design, p, [mech], strength, baseline_z, first_z)[0]


def evaluate_two_step_many(
    design: TwoStepDesign,
    p: ParamArrays,
    mechs: list[Mechanisms],
    strength: FloatArray,
    baseline_z: FloatArray,
    first_z: FloatArray | None = None,
) -> list[Outcome]:
    """:func:`evaluate_two_step` under several mechanism switches in one vectorised pass.

    Ablations (each mechanism switched off in turn) share one bivariate-normal evaluation,
    which is where the time goes.
    """
    # Clipping at +-40 changes no probability (Phi is 0 or 1 there in double
    # precision) and keeps extreme cost ratios from producing inf - inf.
    if first_z is None:
        first_z = baseline_z - p.cost_sensitivity * design.first_log_cost
    base = baseline_z - p.cost_sensitivity * design.target_log_cost
    shape = np.broadcast_shapes(np.shape(first_z), np.shape(base), np.shape(strength))
    shape = np.broadcast_shapes(shape, (1, len(design.escalation)))

    def stacked(parts: list[FloatArray]) -> FloatArray:
        return np.concatenate([np.broadcast_to(x, shape) for x in parts], axis=1)

    k = len(mechs)
    eta1 = np.clip(stacked([first_z] * k), *_LIMITS)
    eta_yes = stacked([base + total_lift(p, design.after_yes, m, strength) for m in mechs])
    # The anchor's distance on the counterpart's own scale: the gap between the two asks'
    # asked-alone probits (b ln(c1/c2) unless the first is known from outside the model).
    distance = base - first_z
    eta_no = stacked([base + total_lift(p, design.after_no, m, strength, distance) for m in mechs])
    eta_yes, eta_no = np.clip(eta_yes, *_LIMITS), np.clip(eta_no, *_LIMITS)
    yes_conc = (design.after_yes.concession > 0).astype(float)
    no_conc = (design.after_no.concession > 0).astype(float)
    keep_yes = stacked([follow_through(p, yes_conc, m) + 0.0 * base for m in mechs])
    keep_no = stacked([follow_through(p, no_conc, m) + 0.0 * base for m in mechs])
    w = p.trait_share
    # Only escalations need the yes branch; skip it for designs without any (most meta grids).
    both_yes = bvn_cdf(eta1, eta_yes, w) if design.escalation.any() else 0.0 * eta1
    no_then_yes = bvn_cdf(-eta1, eta_no, -w)
    p_no = np.maximum(ndtr(-eta1), 1e-300)
    alone = ndtr(eta_no)

    esc, ret = np.tile(design.escalation, k), np.tile(design.retreat, k)
    plain = 1.0 - esc - ret
    verbal = esc * (both_yes + no_then_yes) + ret * (no_then_yes / p_no) + plain * alone
    behavioral = (
        esc * (both_yes * keep_yes + no_then_yes * keep_no)
        + ret * (no_then_yes / p_no) * keep_no
        + plain * alone * keep_no
    )
    asked = ret * p_no + (1.0 - ret) + 0.0 * verbal
    verbal, behavioral = np.clip(verbal, 0.0, 1.0), np.clip(behavioral, 0.0, 1.0)
    splits = [np.split(x, k, axis=1) for x in (asked, verbal, behavioral)]
    return [Outcome(a, v, b) for a, v, b in zip(*splits, strict=True)]


def monte_carlo(
    seq: Sequence,
    context: Context,
    p: ParamArrays,
    mech: Mechanisms,
    strength: FloatArray,
    baseline_z: FloatArray,
    n_people: int,
    rng: np.random.Generator,
) -> Outcome:
    """Simulate ``n_people`` per parameter draw answering every step; any number of steps.

    Shapes: parameters, ``strength`` and ``baseline_z`` are ``(n_draws, 1)``; the outcome has
    one value per draw. The baseline refers to the sequence's target.
    """
    costs = np.array([s.request.cost for s in seq.steps])
    base = baseline_z - p.cost_sensitivity * (np.log(costs) - np.log(seq.target.cost))
    n_draws = base.shape[0]
    w = p.trait_share
    theta = rng.standard_normal((n_draws, n_people)) * np.sqrt(w)
    answers = np.full((n_draws, n_people, len(costs)), float(NOT_ASKED))
    active = np.ones((n_draws, n_people), dtype=bool)
    keep = np.ones((n_draws, n_people))
    last_k = -1
    for k, step in enumerate(seq.steps):
        if step.request.described_only:
            continue
        if last_k >= 0:  # after a yes, only an escalation is asked
            escalates = step.request.cost >= costs[last_k]
            active &= (answers[..., last_k] == NO) | escalates
        f = step_features(seq, context, k, answers)
        noise = rng.standard_normal((n_draws, n_people)) * np.sqrt(1.0 - w)
        yes = active & (base[:, [k]] + total_lift(p, f, mech, strength) + theta + noise > 0)
        answers[..., k] = np.where(active, np.where(yes, YES, NO), NOT_ASKED)
        keep = follow_through(p, (f.concession > 0).astype(float), mech) + 0.0 * keep
        last_k = k
    n_asked = np.maximum(active.sum(axis=1), 1)
    yes_last = answers[..., last_k] == YES
    kept = yes_last & (rng.random((n_draws, n_people)) < keep)
    return Outcome(active.mean(axis=1), yes_last.sum(axis=1) / n_asked, kept.sum(axis=1) / n_asked)
