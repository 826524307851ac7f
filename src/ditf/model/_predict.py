"""Predictions for a new context: P(yes) to a sequence's target, with interval and reasons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import logit, ndtri

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray, Seed
from ditf._validation import as_generator, check_int_range, check_option, check_probability
from ditf.model._anchoring import new_context
from ditf.model._fast import compile_cells, evaluate_many, posterior
from ditf.model._fit import FitResult, load_model
from ditf.model._interval import central_interval
from ditf.model._params import MECHANISMS, Mechanisms, ParamArrays
from ditf.model._probability import (
    Outcome,
    compile_two_step,
    evaluate_two_step_many,
    monte_carlo,
)
from ditf.model._requests import Context, Sequence, Step

if TYPE_CHECKING:
    from ditf.model._context import ContextFit

__all__ = ["OutcomeDraws", "Prediction", "load_model", "predict", "predict_draws"]

#: People simulated in all, over the posterior draws, when a sequence has more than two steps.
#: The interval then also holds Monte Carlo noise (about 0.03 with 1000 draws), small next to
#: the parameter uncertainty.
MC_PEOPLE = 200_000
#: Mechanisms that move verbal compliance (follow-through only moves behaviour).
VERBAL_MECHANISMS = tuple(m for m in MECHANISMS if m != "follow_through")
#: How two-step sequences are evaluated: "fast" (the default) gives the reference's numbers
#: with less work (``_fast.py``: cached posterior draws, shared ablations); "reference" is
#: the original code path, kept to check the fast one against (``docs/model.md``, "Speed").
ENGINES = ("fast", "reference")


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the model expects for a sequence in a context.

    Probabilities are posterior means; ``lo`` and ``hi`` bound the central ``level`` interval,
    which carries parameter uncertainty and the between-context heterogeneity of the lifts.

    Attributes
    ----------
    p_alone : float
        P(yes) to the target asked alone (the context's baseline).
    p_sequence, lo, hi : float
        P(yes) to the target when the sequence reaches it, with its interval.
    lift, lift_lo, lift_hi : float
        ``p_sequence - p_alone`` in probability points, with its interval.
    lift_logodds : float
        ``logit(p_sequence) - logit(p_alone)``: the lift on the log-odds scale, where floors
        and ceilings do not compress it (same sign as ``lift`` by construction).
    p_asked : float
        P(the sequence reaches the target), e.g. P(the opener is refused).
    behavioral_alone, behavioral_sequence : float
        P(the target is carried out), alone and after the sequence.
    contributions : dict of str to float
        Probability points each mechanism adds (how much ``p_sequence`` would fall if it alone
        were switched off), plus ``selection``: the effect of reaching the target only through
        a refusal, with every mechanism off (refusers are less willing people).
    method : str
        "exact" (bivariate normal) or "monte carlo" (sequences of more than two steps).
    level : float
        Interval level.
    """

    p_alone: float
    p_sequence: float
    lo: float
    hi: float
    lift: float
    lift_lo: float
    lift_hi: float
    lift_logodds: float
    p_asked: float
    behavioral_alone: float
    behavioral_sequence: float
    contributions: dict[str, float]
    method: str
    level: float


@lru_cache(maxsize=64)
def _variants(mech: Mechanisms) -> tuple[tuple[str, ...], tuple[Mechanisms, ...]]:
    """The verbal mechanisms that are on, and the switches: all, each one off, all off."""
    ablated = tuple(m for m in VERBAL_MECHANISMS if getattr(mech, m))
    return ablated, (mech, *(mech.without(m) for m in ablated), mech.without(*mech.active))


def _evaluator(
    seq: Sequence,
    context: Context,
    p: ParamArrays,
    strength: FloatArray,
    seed: int,
    first_baseline: float | None = None,
    engine: str = "reference",
) -> Callable[[list[Mechanisms]], list[Outcome]]:
    """Outcomes of ``seq`` under several mechanism switches; two-step designs are exact."""
    baseline_z = np.full_like(strength, ndtri(context.baseline))
    if len(seq.steps) <= 2:
        fast = engine == "fast"
        design = (compile_cells if fast else compile_two_step)([(seq, context)])
        evaluate = evaluate_many if fast else evaluate_two_step_many
        first_z = None if first_baseline is None else np.full_like(strength, ndtri(first_baseline))

        def exact(mechs: list[Mechanisms]) -> list[Outcome]:
            outs = evaluate(design, p, mechs, strength, baseline_z, first_z)
            return [Outcome(*(x[:, 0] for x in out)) for out in outs]

        return exact
    per_draw = max(100, MC_PEOPLE // len(strength))

    def simulated(mechs: list[Mechanisms]) -> list[Outcome]:
        # The same seed for every switch: common random numbers across ablations.
        return [
            monte_carlo(seq, context, p, m, strength, baseline_z, per_draw,
                        np.random.default_rng(seed))
            for m in mechs
        ]  # fmt: skip

    return simulated


def predict(
    sequence: Sequence,
    context: Context,
    *,
    model: FitResult | None = None,
    mechanisms: Mechanisms | None = None,
    level: float = 0.9,
    n_draws: int = 1000,
    rng: Seed = 0,
    first_baseline: float | None = None,
    engine: str = "fast",
    calibration: ContextFit | None = None,
) -> Prediction:
    """Predict P(yes) to the sequence's last request, against asking it alone.

    Parameters
    ----------
    sequence : Sequence
        The requests in order; the last one is the target.
    context : Context
        The target's baseline P(yes) when asked alone, the plausible maximum, prior retreats.
    model : FitResult, optional
        A fitted model; default: the one shipped with ditf (:func:`load_model`).
    mechanisms : Mechanisms, optional
        Switches; default: the model's own.
    level : float, default 0.9
        Interval level, in (0, 1).
    n_draws : int, default 1000
        Posterior draws (10 to 100000).
    rng : int, Generator or None, default 0
        Randomness for the posterior draws (fixed by default, so results are repeatable).
    first_baseline : float, optional
        P(yes) to the first of two requests asked alone, when known from outside the model
        (e.g. an estimate of the counterpart); default: implied by the cost ratio.
    engine : {"fast", "reference"}, default "fast"
        "reference" runs the original evaluation, which "fast" matches (to rounding) with
        less work; see ``docs/model.md``, "Speed".
    calibration : ContextFit, optional
        A context calibrated from your own asks (``ditf fit --journal``): its lift strength
        and pull replace a new context's draws.

    Returns
    -------
    Prediction

    Examples
    --------
    >>> seq = Sequence.door_in_the_face(opener=208, target=2, unit="hours")
    >>> pred = predict(seq, Context(baseline=0.167))
    >>> pred.p_sequence > pred.p_alone
    True
    """
    check_probability(level, "level", "predict", open_interval=True)
    check_int_range(n_draws, "n_draws", "predict", 10, 100_000)
    check_option(engine, "engine", "predict", ENGINES)
    if first_baseline is not None:
        check_probability(first_baseline, "first_baseline", "predict", open_interval=True)
        if len(sequence.steps) != 2:
            raise InvalidParameterError(
                "first_baseline applies to sequences of exactly two steps; got "
                f"{len(sequence.steps)}. Leave it out, or predict the two-step sequence."
            )
    model = model or load_model()
    mech = mechanisms or model.mechanisms
    if engine == "fast":
        p, strength, seed = posterior(model, n_draws, rng, with_seed=True)
    else:
        gen = as_generator(rng)
        p = model.draw(n_draws, gen)[0]
        strength = np.exp(p.heterogeneity * gen.standard_normal((n_draws, 1)))
        seed = int(gen.integers(2**63))
        p = new_context(p, gen.standard_normal((n_draws, 1)))
    if calibration is not None:
        p, strength = calibration.apply(p, strength)

    ablated, variants = _variants(mech)
    full, *without, bare = _evaluator(sequence, context, p, strength, seed, first_baseline, engine)(
        list(variants)
    )
    verbal = full.verbal
    contributions = {
        m: float(np.mean(verbal - out.verbal)) for m, out in zip(ablated, without, strict=True)
    }
    contributions["selection"] = float(np.mean(bare.verbal)) - context.baseline

    lift = verbal - context.baseline
    (lo, lift_lo), (hi, lift_hi) = central_interval(np.column_stack([verbal, lift]), level)
    p_sequence = float(np.mean(verbal))
    alone = Sequence((Step(request=sequence.target),))
    kept = _evaluator(alone, context, p, strength, seed, engine=engine)([mech])[0].behavioral
    kept_alone = float(np.mean(kept))
    return Prediction(
        p_alone=context.baseline,
        p_sequence=p_sequence,
        lo=float(lo),
        hi=float(hi),
        lift=float(np.mean(lift)),
        lift_lo=float(lift_lo),
        lift_hi=float(lift_hi),
        lift_logodds=float(logit(p_sequence) - logit(context.baseline)),
        p_asked=float(np.mean(full.p_asked)),
        behavioral_alone=kept_alone,
        behavioral_sequence=float(np.mean(full.behavioral)),
        contributions=contributions,
        method="exact" if len(sequence.steps) <= 2 else "monte carlo",
        level=level,
    )


@dataclass(frozen=True, slots=True)
class OutcomeDraws:
    """Posterior draws of many two-step sequences at once, each array ``(n_draws, n_cells)``.

    Every cell sees the same parameter draws and study-level strength (common random numbers),
    so differences between cells carry only the differences between the sequences.

    Attributes
    ----------
    p_first_yes : ndarray
        P(yes to the first request); for a single-step cell, P(yes) to it.
    verbal : ndarray
        P(verbal yes to the last request | it is asked).
    behavioral : ndarray
        P(the last request is carried out | it is asked).
    p_asked : ndarray
        P(the last request is asked), e.g. P(the opener is refused).
    """

    p_first_yes: FloatArray
    verbal: FloatArray
    behavioral: FloatArray
    p_asked: FloatArray


def predict_draws(
    cells: list[tuple[Sequence, Context]],
    *,
    model: FitResult | None = None,
    n_draws: int = 400,
    rng: Seed = 0,
    first_baselines: list[float] | None = None,
    engine: str = "fast",
    calibration: ContextFit | None = None,
) -> OutcomeDraws:
    """Posterior draws for many sequences of at most two steps, in one vectorised pass.

    The planner uses this to evaluate a whole curve of openers with uncertainty at once.

    Parameters
    ----------
    cells : list of (Sequence, Context)
        Sequences of one or two steps, each with its own context.
    n_draws : int, default 400
        Posterior draws (10 to 100000).
    first_baselines : list of float, optional
        P(yes) to each cell's first request asked alone, when known from outside the model
        (the planner's estimate of the counterpart). Default: implied by the cost ratio and
        the model's cost sensitivity.
    model, rng, engine, calibration
        As in :func:`predict`.

    Returns
    -------
    OutcomeDraws

    Examples
    --------
    >>> ctx = Context(baseline=0.167)
    >>> cells = [(Sequence.door_in_the_face(opener=o, target=2), ctx) for o in (20, 208)]
    >>> draws = predict_draws(cells)
    >>> draws.verbal.shape
    (400, 2)
    """
    check_int_range(n_draws, "n_draws", "predict_draws", 10, 100_000)
    check_option(engine, "engine", "predict_draws", ENGINES)
    if not cells:
        raise InvalidParameterError("predict_draws needs at least one (Sequence, Context) cell.")
    model = model or load_model()
    fast = engine == "fast"
    if fast:
        p, strength, _ = posterior(model, n_draws, rng, with_seed=False)
    else:
        gen = as_generator(rng)
        p = model.draw(n_draws, gen)[0]
        strength = np.exp(p.heterogeneity * gen.standard_normal((n_draws, 1)))
        p = new_context(p, gen.standard_normal((n_draws, 1)))
    if calibration is not None:
        p, strength = calibration.apply(p, strength)
    design = compile_cells(cells) if fast else compile_two_step(cells)
    baseline_z = ndtri(np.array([[ctx.baseline for _, ctx in cells]]))
    first_z = None
    if first_baselines is not None:
        if len(first_baselines) != len(cells):
            raise InvalidParameterError(
                f"first_baselines needs one probability per cell ({len(cells)}); got "
                f"{len(first_baselines)}."
            )
        for q in first_baselines:
            check_probability(q, "first_baselines", "predict_draws", open_interval=True)
        first_z = ndtri(np.array([first_baselines]))
    evaluate = evaluate_many if fast else evaluate_two_step_many
    (out,) = evaluate(design, p, [model.mechanisms], strength, baseline_z, first_z)
    single = np.array([len(seq.steps) == 1 for seq, _ in cells])
    first_yes = np.where(single, out.verbal, 1.0 - out.p_asked)
    return OutcomeDraws(first_yes, out.verbal, out.behavioral, out.p_asked)
