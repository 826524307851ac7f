"""The fast evaluation of two-step sequences: the exact path's numbers, with less work.

:func:`ditf.model._probability.evaluate_two_step_many` stays the reference. This module gets
the same probabilities (the same posterior draws, the same bivariate-normal quadrature, to
rounding) by doing each piece of work once:

* **posterior draws** depend only on the model, the number of draws and the seed, never on
  the input, so they are made once per (model, draws, seed) and reused (:func:`posterior`);
* **compiling** sequences of at most two steps is done on plain numbers, without building a
  history matrix per cell (:func:`compile_cells`);
* **ablations** (each mechanism switched off in turn) reuse each mechanism's term, computed
  once, and variants whose latent values coincide share one bivariate-normal evaluation
  (:func:`evaluate_many`);
* the **bivariate normal** keeps the reference's 12-point Gauss-Legendre rule on Sheppard's
  angle integral, with every term that depends on the correlation alone computed once per
  draw (:func:`bvn_cdf_rows`).

``docs/model.md`` ("Speed") lists the options measured and why these were chosen.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from scipy.special import ndtr

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray, Seed
from ditf._validation import as_generator
from ditf.model._anchoring import new_context
from ditf.model._mechanisms import (
    NO_ANSWER,
    REFUSED,
    YES_AGREED,
    YES_PERFORMED,
    StepFeatures,
    anchoring,
    consistency,
    contrast,
    credibility,
    follow_through,
    reciprocity,
)
from ditf.model._params import Mechanisms, ParamArrays
from ditf.model._probability import Outcome, TwoStepDesign
from ditf.model._requests import Context, Sequence

__all__ = ["bvn_cdf_rows", "compile_cells", "evaluate_many", "posterior"]

_LIMITS = (-40.0, 40.0)
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(12)
#: Posterior draws kept, by (model, number of draws, seed, kind): a few models and sizes.
_CACHE_SIZE = 16
#: Larger draws are not kept (16 sets of 10,000 draws hold about 25 MB).
_CACHE_MAX_DRAWS = 10_000
_cache: OrderedDict[tuple[int, int, int, bool], tuple[Any, tuple[Any, ...]]] = OrderedDict()
_lock = threading.Lock()


def _frozen(x: FloatArray) -> FloatArray:
    x.setflags(write=False)
    return x


def posterior(
    model: Any, n_draws: int, rng: Seed, with_seed: bool
) -> tuple[ParamArrays, FloatArray, int]:
    """Posterior draws for a new context: parameters, study strength and a Monte Carlo seed.

    Exactly the calls :func:`ditf.model.predict` (``with_seed=True``) and
    :func:`ditf.model.predict_draws` make on the generator, in the same order, so the draws
    are the same numbers. With an integer seed they are reused from a small cache (the draws
    do not depend on the input); with a generator, ``None`` or more than 10,000 draws they are
    drawn afresh. The arrays are read-only.
    """
    key = None
    small = n_draws <= _CACHE_MAX_DRAWS
    if small and isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        key = (id(model), n_draws, int(rng), with_seed)
        with _lock:
            hit = _cache.get(key)
            if hit is not None and hit[0] is model:
                _cache.move_to_end(key)
                p, strength, seed = hit[1]
                return p, strength, seed
    gen = as_generator(rng)
    p = model.draw(n_draws, gen)[0]
    strength = np.exp(p.heterogeneity * gen.standard_normal((n_draws, 1)))
    seed = int(gen.integers(2**63)) if with_seed else 0
    p = new_context(p, gen.standard_normal((n_draws, 1)))
    p = ParamArrays(*(_frozen(np.ascontiguousarray(x, dtype=float)) for x in p))
    strength = _frozen(strength)
    if key is not None:
        with _lock:
            _cache[key] = (model, (p, strength, seed))
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return p, strength, seed


def compile_cells(cells: list[tuple[Sequence, Context]]) -> TwoStepDesign:
    """:func:`ditf.model._probability.compile_two_step` (targets as reference costs), faster.

    The same features, worked out on plain numbers per cell; the logarithms in one call.
    """
    n = len(cells)
    c0, c1 = np.empty(n), np.empty(n)
    rows = []
    for i, (seq, ctx) in enumerate(cells):
        steps = seq.steps
        if len(steps) > 2:
            raise InvalidParameterError(
                f"An exact two-step design takes sequences of at most two steps; got "
                f"{len(steps)}. Use monte_carlo for longer sequences."
            )
        target = steps[-1].request
        first = steps[0].request
        c0[i], c1[i] = first.cost, target.cost
        if len(steps) == 1:
            rows.append((0, False, False, False, 0.0, False, ctx, target))
            continue
        asked = not first.described_only
        same = first.requester == target.requester
        rows.append((2, asked, same, first.performed, steps[1].delay_hours, asked, ctx, target))
    log0, log1 = np.log(c0), np.log(c1)
    first_log = log0 - log1
    pm = np.array([r[6].plausible_max or 1.0 for r in rows])
    log_pm = np.log(pm)

    cols = np.zeros((12, n))
    (
        conc_no, delay, seen, anchor, anchor_delay, last_yes, last_no, excess, prosocial,
        anchor_log_no, escalation, retreat,
    ) = cols  # fmt: skip
    for i, (n_steps, asked, same, performed, d1, answered, ctx, target) in enumerate(rows):
        seen[i] = ctx.prior_retreats
        prosocial[i] = float(target.prosocial)
        if n_steps == 0:
            last_yes[i] = last_no[i] = NO_ANSWER
            continue
        down = c0[i] > c1[i]
        if asked:
            delay[i] = d1
            last_yes[i] = YES_PERFORMED if performed else YES_AGREED
            last_no[i] = REFUSED
            if same and down:
                conc_no[i] = first_log[i]
            if ctx.negotiation and down:
                anchor_log_no[i] = first_log[i]
            if ctx.plausible_max is not None and same:
                excess[i] = max(0.0, float(log0[i] - log_pm[i]))
        else:
            last_yes[i] = last_no[i] = NO_ANSWER
        if same and down:
            anchor[i], anchor_delay[i] = first_log[i], d1
        escalation[i] = float(answered and not down)
        retreat[i] = float(answered and down)
    zeros = np.zeros(n)
    common = {
        "retreat_delay": delay,
        "retreats_seen": seen,
        "anchor": anchor,
        "anchor_delay": anchor_delay,
        "excess": excess,
        "prosocial": prosocial,
    }
    after_yes = StepFeatures(concession=zeros, last_answer=last_yes, anchor_log=zeros, **common)
    after_no = StepFeatures(
        concession=conc_no, last_answer=last_no, anchor_log=anchor_log_no, **common
    )
    return TwoStepDesign(first_log, zeros.copy(), after_yes, after_no, escalation, retreat)


#: The integrand below exp(-700) adds nothing a double can hold next to the result (which is
#: floored at 1e-300 where it is divided by), and exponents far below it send numpy's exp into
#: its slow path for results that underflow.
_EXP_FLOOR = -700.0
#: Elements of the quadrature's work arrays per block (128 kB each: they stay in the cache).
_BLOCK = 16384
_angles: OrderedDict[int, tuple[FloatArray, tuple[FloatArray, FloatArray, FloatArray]]] = (
    OrderedDict()
)


def _angle_terms(w: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Half the angle ``asin(w)`` and, at each node, ``1 / (2 cos^2)`` and ``tan / cos^2``.

    Shapes ``(n,)``, ``(12, 1, n)`` and ``(12, 1, n)`` for ``w`` of shape ``(n, 1)``. They depend
    on the correlation alone, so they are kept for the (cached) posterior draws' ``w``.
    """
    with _lock:
        hit = _angles.get(id(w))
        if hit is not None and hit[0] is w:
            return hit[1]
    half = np.arcsin(np.ravel(w)) / 2.0
    theta = (_NODES[:, None] + 1.0) * half
    inv = 0.5 / np.cos(theta) ** 2
    slope = 2.0 * np.sin(theta) * inv
    terms = (half, inv[:, None, :], slope[:, None, :])
    if not w.flags.writeable:  # a cached draw: its identity is stable
        with _lock:
            _angles[id(w)] = (w, terms)
            while len(_angles) > _CACHE_SIZE:
                _angles.popitem(last=False)
    return terms


_local = threading.local()


def _work_arrays(size: int) -> tuple[FloatArray, FloatArray]:
    """Two work arrays of at least ``size`` elements, kept by the calling thread."""
    work: tuple[FloatArray, FloatArray] | None = getattr(_local, "work", None)
    if work is None or work[0].size < size:
        work = (np.empty(size), np.empty(size))
        _local.work = work
    return work


def bvn_cdf_rows(h: FloatArray, k: FloatArray, w: FloatArray, sign: float) -> FloatArray:
    """P(X < h, Y < k) with correlation ``sign * w``; ``w`` ``(n, 1)``, ``k`` ``(n, m)``.

    ``h`` broadcasts to ``k`` (e.g. ``(1, m)`` when it does not vary by draw). The reference
    :func:`ditf.model._bivariate.bvn_cdf` (Sheppard's angle integral, 12-point Gauss-Legendre),
    laid out with the draws innermost so that every step runs over long contiguous rows, and
    the nodes' trigonometry done once per draw of ``w``.
    """
    half, inv, slope = _angle_terms(w)
    kt = np.ascontiguousarray(k.T)  # (m, n)
    h_small = np.asarray(h).T
    ht = np.ascontiguousarray(np.broadcast_to(h_small, kt.shape))
    hk, square = ht * kt, ht * ht + kt * kt
    if sign < 0:  # asin(-w) = -asin(w): the slope and the angle change sign
        hk = -hk
    m, n = hk.shape
    integral = np.empty((m, n))
    # In blocks that stay in the cache, in work arrays kept per thread: fresh large
    # temporaries cost more in page faults than in arithmetic.
    nodes = len(_WEIGHTS)
    step = max(1, _BLOCK // (n * nodes))
    work, other = _work_arrays(nodes * min(step, m) * n)
    for start in range(0, m, step):
        stop = min(start + step, m)
        size = nodes * (stop - start) * n
        exponent = work[:size].reshape(nodes, stop - start, n)
        scratch = other[:size].reshape(nodes, stop - start, n)
        np.multiply(slope, hk[start:stop], out=exponent)
        np.multiply(inv, square[start:stop], out=scratch)
        exponent -= scratch
        np.maximum(exponent, _EXP_FLOOR, out=exponent)
        np.exp(exponent, out=exponent)
        np.dot(_WEIGHTS, exponent.reshape(nodes, -1), out=integral[start:stop].reshape(-1))
    integral *= sign * half / (2.0 * np.pi)
    result: FloatArray = ndtr(h_small) * ndtr(kt) + integral
    return np.clip(result, 0.0, 1.0, out=result).T


_SCALED = ("reciprocity", "contrast", "consistency")
_UNSCALED = ("credibility", "anchoring")


class _Terms:
    """Each mechanism's term on one branch, computed when first asked for.

    A term whose features are zero in every cell is zero (``None`` here): leaving it out of
    a sum changes nothing, and variants that differ only in such terms are the same variant.
    """

    def __init__(
        self, p: ParamArrays, f: StepFeatures, strength: FloatArray, distance: FloatArray | None
    ) -> None:
        # A feature that is the same in every cell (the delay along an opener curve) is kept
        # as one value: each term then works on (draws, 1) where it can, and broadcasting
        # gives the same numbers.
        f = StepFeatures(*(x[:1] if x.size > 1 and (x == x[0]).all() else x for x in f))
        self.p, self.f, self.strength, self.distance = p, f, strength, distance
        self._cache: dict[str, FloatArray | None] = {}
        zero = {
            "reciprocity": not f.concession.any(),
            "contrast": not f.anchor.any(),
            "consistency": False,
            "credibility": not f.excess.any(),
            "anchoring": not (f.anchor_log > 0).any(),
        }
        self.nonzero = frozenset(name for name, z in zero.items() if not z)
        # Moderation matters only for a scaled term in a cell that is not prosocial.
        self.moderated = bool((f.prosocial != 1.0).any()) and bool(self.nonzero & set(_SCALED))

    def effective(self, mech: Mechanisms) -> tuple[frozenset[str], bool]:
        """What distinguishes ``mech``'s lift on this branch from another's."""
        on = frozenset(m for m in self.nonzero if getattr(mech, m))
        return on, self.moderated and mech.prosocial_moderation

    def term(self, name: str) -> FloatArray:
        if name not in self._cache:
            p, f = self.p, self.f
            if name == "scale_on":
                value = self.strength * (f.prosocial + (1.0 - f.prosocial) * p.non_prosocial)
            elif name == "scale_off":
                value = self.strength * np.ones_like(f.prosocial * p.non_prosocial)
            elif name == "anchoring":
                value = anchoring(p, f, self.distance)
            else:
                value = _FUNCTIONS[name](p, f)
            self._cache[name] = value
        result = self._cache[name]
        assert result is not None
        return result

    def lift(self, mech: Mechanisms) -> FloatArray | float:
        """The total lift under ``mech``, summed in the reference's order."""
        scale = self.term("scale_on" if mech.prosocial_moderation else "scale_off")
        total: FloatArray | float = 0.0
        for name in _SCALED:
            if getattr(mech, name) and name in self.nonzero:
                total = total + scale * self.term(name)
        for name in _UNSCALED:
            if getattr(mech, name) and name in self.nonzero:
                total = total + self.term(name)
        return total


_FUNCTIONS = {
    "reciprocity": reciprocity,
    "contrast": contrast,
    "consistency": consistency,
    "credibility": credibility,
}


def evaluate_many(
    design: TwoStepDesign,
    p: ParamArrays,
    mechs: list[Mechanisms],
    strength: FloatArray,
    baseline_z: FloatArray,
    first_z: FloatArray | None = None,
) -> list[Outcome]:
    """:func:`ditf.model._probability.evaluate_two_step_many`, the same numbers, less work.

    Parameters are ``(n_draws, 1)`` each; the outcomes are ``(n_draws, n_cells)``.
    """
    if first_z is None:
        first_z = baseline_z - p.cost_sensitivity * design.first_log_cost
    base = baseline_z - p.cost_sensitivity * design.target_log_cost
    shape = np.broadcast_shapes(np.shape(first_z), np.shape(base), np.shape(strength))
    shape = np.broadcast_shapes(shape, (1, len(design.escalation)))
    eta1 = np.clip(first_z, *_LIMITS)  # its own shape: it may not vary by draw
    distance = base - first_z
    any_escalation = bool(design.escalation.any())
    joint = any_escalation or bool(design.retreat.any())
    esc, ret = design.escalation, design.retreat
    plain = 1.0 - esc - ret
    any_plain = bool(plain.any())
    no_terms = _Terms(p, design.after_no, strength, distance)
    # The yes branch matters only for escalations (foot-in-the-door).
    yes_terms = _Terms(p, design.after_yes, strength, None) if any_escalation else no_terms
    w = p.trait_share

    # Variants whose lifts coincide (a mechanism with nothing to do here) share one
    # bivariate-normal evaluation.
    keys: dict[object, int] = {}
    etas: list[tuple[FloatArray, FloatArray]] = []
    index: list[int] = []
    for m in mechs:
        lift_key = (no_terms.effective(m), yes_terms.effective(m) if any_escalation else None)
        if lift_key not in keys:
            keys[lift_key] = len(etas)
            eta_no = np.clip(np.broadcast_to(base + no_terms.lift(m), shape), *_LIMITS)
            eta_yes = (
                np.clip(np.broadcast_to(base + yes_terms.lift(m), shape), *_LIMITS)
                if any_escalation
                else eta_no
            )
            etas.append((eta_no, eta_yes))
        index.append(keys[lift_key])

    n_cells = shape[1]
    h = np.tile(-eta1, len(etas))
    if joint:
        no_then_yes_all = bvn_cdf_rows(h, np.hstack([e[0] for e in etas]), w, -1.0)
    if any_escalation:
        both_yes_all = bvn_cdf_rows(-h, np.hstack([e[1] for e in etas]), w, 1.0)
    p_no = np.maximum(ndtr(-eta1), 1e-300)
    yes_conc = (design.after_yes.concession > 0).astype(float)
    no_conc = (design.after_no.concession > 0).astype(float)
    keeps: dict[bool, tuple[FloatArray, FloatArray]] = {}
    results: dict[tuple[int, bool], Outcome] = {}
    asked = np.broadcast_to(ret * p_no + (1.0 - ret), shape)
    out = []
    for m, j in zip(mechs, index, strict=True):
        key = (j, m.follow_through)
        if key not in results:
            if m.follow_through not in keeps:
                keeps[m.follow_through] = (
                    follow_through(p, yes_conc, m),
                    follow_through(p, no_conc, m),
                )
            keep_yes, keep_no = keeps[m.follow_through]
            cols = slice(j * n_cells, (j + 1) * n_cells)
            if joint:
                no_then_yes = no_then_yes_all[:, cols]
                conditional = no_then_yes / p_no
            if any_escalation or any_plain:
                both_yes = both_yes_all[:, cols] if any_escalation else 0.0 * eta1
                if not joint:  # single requests only: no joint probability is needed
                    no_then_yes = conditional = np.zeros(shape)
                alone = ndtr(etas[j][0]) if any_plain else 0.0 * eta1
                verbal = esc * (both_yes + no_then_yes) + ret * conditional + plain * alone
                behavioral = (
                    esc * (both_yes * keep_yes + no_then_yes * keep_no)
                    + ret * conditional * keep_no
                    + plain * alone * keep_no
                )
            else:  # retreats only: the same sums without their zero terms
                verbal, behavioral = conditional + 0.0, conditional * keep_no
            verbal = np.broadcast_to(verbal, shape)
            behavioral = np.broadcast_to(behavioral, shape)
            results[key] = Outcome(asked, np.clip(verbal, 0.0, 1.0), np.clip(behavioral, 0.0, 1.0))
        out.append(results[key])
    return out
