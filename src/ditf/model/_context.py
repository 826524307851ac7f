"""Context calibration: refit one context's level parameters from a user's own asks.

A fundraiser's season or a procurement team's year is one context. Its asks (each a plain ask
or an opener then a retreat, with how it ended) inform three context-level parameters, with
the bundled fit as the prior and every other parameter at the bundled posterior mode:

* ``baseline_z``: the probit of P(yes) to an ask of the context's reference cost (the median
  fallback), asked alone; prior ``N(0, 1.5^2)``, as for an experiment in the bundled fit;
* ``strength_z``: the context's standardised strength of the sequential lifts, so the lifts
  are scaled by ``exp(heterogeneity * strength_z)``; prior ``N(0, 1)``, the between-study
  spread the bundled fit estimated;
* ``anchoring``: the pull share of the context's openers, for negotiations over an amount
  only; prior: a new context's distribution in the bundled fit (the pull's logit around its
  fitted value, SD ``anchor_heterogeneity``).

The likelihood is the exact two-step model of each ask (``docs/model.md``): P(yes to the
opener), then P(yes to the fallback | the opener was refused). MAP and Laplace, as for the
bundled fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logit, ndtr, ndtri

from ditf._errors import DataError, FitError, InvalidParameterError
from ditf._types import FloatArray
from ditf._validation import check_positive
from ditf.model._anchoring import new_context
from ditf.model._fit import FitResult, _covariance, _hessian, _value_and_gradient, load_model
from ditf.model._params import ParamArrays
from ditf.model._priors import ANCHORING_MAX, STUDY_BASELINE_SD, STUDY_STRENGTH_SD
from ditf.model._probability import compile_two_step, evaluate_two_step
from ditf.model._requests import Context, Request, Sequence, Step

__all__ = [
    "CONTEXT_RESULTS", "MIN_CONTEXT_ASKS", "ContextAsk", "ContextFit", "fit_context",
    "new_context_interval",
]  # fmt: skip

#: How an ask can end (the journal's results).
CONTEXT_RESULTS = ("accepted-opener", "accepted-fallback", "refused", "walked-away")
#: Fewer asks with an outcome than this say too little about a context: the fit refuses.
MIN_CONTEXT_ASKS = 20
_BOUND = 8.0


@dataclass(frozen=True, slots=True)
class ContextAsk:
    """One recorded ask in the model's units.

    ``fallback`` and ``opener`` are costs to the counterpart (> 0; the opener larger, or
    None for a plain ask); ``result`` is how it ended (:data:`CONTEXT_RESULTS`). A walk-away
    is read as a refusal of both asks.
    """

    fallback: float
    opener: float | None
    result: str
    delay_hours: float = 0.0

    def __post_init__(self) -> None:
        check_positive(self.fallback, "fallback", "ContextAsk")
        if self.opener is not None and not check_positive(self.opener, "opener", "ContextAsk") > (
            self.fallback
        ):
            raise InvalidParameterError(
                f"A retreat's opener ({self.opener:g}) must cost more than its fallback "
                f"({self.fallback:g}); record a plain ask with opener=None."
            )
        if self.result not in CONTEXT_RESULTS:
            raise InvalidParameterError(
                f"The 'result' parameter of ContextAsk must be one of {list(CONTEXT_RESULTS)}. "
                f"Got {self.result!r} instead."
            )
        if self.opener is None and self.result == "accepted-opener":
            raise InvalidParameterError(
                "A plain ask has no opener to accept: use accepted-fallback."
            )


@dataclass(frozen=True, slots=True)
class ContextFit:
    """A context's calibrated parameters: MAP, Laplace covariance, and what they rest on.

    Attributes
    ----------
    names : tuple of str
        ``baseline_z``, ``strength_z`` and, for a negotiation, ``anchoring`` (logit scale).
    mode, cov : tuple
        Posterior mode and covariance on the unconstrained scale.
    reference_cost : float
        The cost whose asked-alone P(yes) ``baseline_z`` gives (the median fallback).
    n_asks : int
        Asks with an outcome that were used.
    negotiation, prosocial : bool
        The context's kind, as fitted.
    heterogeneity : float
        The bundled fit's spread of the study strength, which turns ``strength_z`` into a
        multiplier of the lifts.
    converged : bool
        Whether the optimiser met its criterion.
    """

    names: tuple[str, ...]
    mode: tuple[float, ...]
    cov: tuple[tuple[float, ...], ...]
    reference_cost: float
    n_asks: int
    negotiation: bool
    prosocial: bool
    heterogeneity: float
    converged: bool

    def interval(
        self, level: float = 0.9, n_draws: int = 4000, rng: int = 0
    ) -> dict[str, tuple[float, float, float]]:
        """Median and central interval of each parameter on its natural scale.

        ``baseline`` is P(yes) to the reference cost asked alone, ``strength`` the multiplier
        of the sequential lifts (1 is the typical study), ``anchoring`` the pull share.
        """
        draws = np.random.default_rng(rng).multivariate_normal(
            np.array(self.mode), np.array(self.cov), size=n_draws
        )
        natural = {
            "baseline": ndtr(draws[:, 0]),
            "strength": np.exp(self.heterogeneity * draws[:, 1]),
        }
        if self.negotiation:
            natural["anchoring"] = ANCHORING_MAX * expit(draws[:, 2])
        tail = (1.0 - level) / 2.0
        return {
            k: tuple(float(q) for q in np.quantile(v, [0.5, tail, 1.0 - tail]))  # type: ignore[misc]
            for k, v in natural.items()
        }

    def apply(self, p: ParamArrays, strength: FloatArray) -> tuple[ParamArrays, FloatArray]:
        """Draws for this context in place of a new context's: its lift strength and pull.

        The study strength (and, for a negotiation, the pull share) come from this fit's
        posterior instead of the bundled fit's spread between studies, one draw per row, from
        a fixed stream so the same calibration gives the same numbers.
        """
        n = len(strength)
        u = np.random.default_rng(0).multivariate_normal(
            np.array(self.mode), np.array(self.cov), size=n
        )
        strength = np.exp(self.heterogeneity * u[:, [1]])
        if self.negotiation:
            p = p._replace(anchoring=ANCHORING_MAX * expit(u[:, [2]]))
        return p, strength

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; :meth:`from_dict` restores it."""
        return {
            "names": list(self.names), "mode": list(self.mode),
            "cov": [list(r) for r in self.cov], "reference_cost": self.reference_cost,
            "n_asks": self.n_asks, "negotiation": self.negotiation,
            "prosocial": self.prosocial, "heterogeneity": self.heterogeneity,
            "converged": self.converged,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContextFit:
        """Rebuild a result written by :meth:`to_dict`.

        Raises
        ------
        DataError
            If the dict is not a context fit.
        """
        try:
            return cls(
                names=tuple(str(n) for n in data["names"]),
                mode=tuple(float(x) for x in data["mode"]),
                cov=tuple(tuple(float(x) for x in r) for r in data["cov"]),
                reference_cost=float(data["reference_cost"]),
                n_asks=int(data["n_asks"]),
                negotiation=bool(data["negotiation"]),
                prosocial=bool(data["prosocial"]),
                heterogeneity=float(data["heterogeneity"]),
                converged=bool(data["converged"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(
                f"Not a ditf context fit: {exc!r}. Make one with `ditf fit --journal`."
            ) from exc


def new_context_interval(
    model: FitResult | None = None, level: float = 0.9
) -> dict[str, tuple[float, float, float]]:
    """What the bundled fit expects of a context it has not seen: median and interval.

    ``strength`` is the multiplier of the sequential lifts, ``exp(heterogeneity * z)``;
    ``anchoring`` the pull share a new negotiation draws (:func:`new_context`), both at the
    posterior mode. Both are monotone in ``z ~ N(0, 1)``, so their quantiles are exact.
    """
    params = (model or load_model()).params
    tail = (1.0 - level) / 2.0
    z = ndtri(np.array([[0.5], [tail], [1.0 - tail]]))
    p = new_context(ParamArrays.from_matrix(params.to_array()[None, :]), z)
    strength = np.exp(params.heterogeneity * z).ravel()
    pull = np.ravel(p.anchoring)
    return {
        "strength": (float(strength[0]), float(strength[1]), float(strength[2])),
        "anchoring": (float(pull[0]), float(pull[1]), float(pull[2])),
    }


class _ContextProblem:
    def __init__(
        self, asks: tuple[ContextAsk, ...], model: FitResult, negotiation: bool, prosocial: bool
    ) -> None:
        self.ref = float(np.median([a.fallback for a in asks]))
        cells = []
        for a in asks:
            target = Request(cost=a.fallback, prosocial=prosocial)
            steps: tuple[Step, ...] = (Step(request=target),)
            if a.opener is not None:
                first = Request(cost=a.opener, prosocial=prosocial)
                steps = (Step(request=first), Step(request=target, delay_hours=a.delay_hours))
            cells.append((Sequence(steps), Context(baseline=0.5, negotiation=negotiation)))
        self.design = compile_two_step(cells, [self.ref] * len(asks))
        retreat = np.array([a.opener is not None for a in asks])
        result = np.array([a.result for a in asks])
        self.opener_yes = retreat & (result == "accepted-opener")
        self.fallback_yes = result == "accepted-fallback"
        self.asked = ~self.opener_yes
        self.retreat = retreat
        self.params = model.params
        self.mech = model.mechanisms
        self.negotiation = negotiation
        pull = np.clip(self.params.anchoring / ANCHORING_MAX, 1e-6, 1 - 1e-6)
        self.prior_pull = (float(logit(pull)), self.params.anchor_heterogeneity)

    def log_posterior(self, u: FloatArray) -> FloatArray:
        n = len(u)
        p = ParamArrays.from_matrix(np.repeat(self.params.to_array()[None, :], n, axis=0))
        if self.negotiation:
            p = p._replace(anchoring=ANCHORING_MAX * expit(u[:, [2]]))
        strength = np.exp(self.params.heterogeneity * u[:, [1]])
        with np.errstate(all="ignore"):
            out = evaluate_two_step(self.design, p, self.mech, strength, u[:, [0]])
            asked = np.clip(out.p_asked, 1e-12, 1.0)
            yes = np.clip(out.verbal, 1e-12, 1 - 1e-12)
            ll = np.where(self.opener_yes, np.log(np.clip(1 - asked, 1e-12, 1.0)), 0.0)
            ll = ll + np.where(self.asked & self.retreat, np.log(asked), 0.0)
            ll = ll + np.where(
                self.asked, np.where(self.fallback_yes, np.log(yes), np.log1p(-yes)), 0.0
            )
            total = ll.sum(axis=1)
            total = total - 0.5 * (u[:, 0] / STUDY_BASELINE_SD) ** 2
            total = total - 0.5 * (u[:, 1] / STUDY_STRENGTH_SD) ** 2
            if self.negotiation:
                m, sd = self.prior_pull
                total = total - 0.5 * ((u[:, 2] - m) / sd) ** 2
        result: FloatArray = np.where(np.isfinite(total), total, -1e12)
        return result


def fit_context(
    asks: tuple[ContextAsk, ...],
    *,
    negotiation: bool,
    prosocial: bool,
    model: FitResult | None = None,
) -> ContextFit:
    """Calibrate a context's baseline, lift strength and (negotiations) anchoring.

    Parameters
    ----------
    asks : tuple of ContextAsk
        The context's asks with their outcomes, at least :data:`MIN_CONTEXT_ASKS`.
    negotiation : bool
        Whether the asks are amounts negotiated between two parties (anchoring is fitted).
    prosocial : bool
        Whether they serve a cause (the model's prosocial moderator).
    model : FitResult, optional
        The prior: the shipped fit by default.

    Returns
    -------
    ContextFit

    Raises
    ------
    DataError
        If there are too few asks, or every ask ended the same way (nothing to learn).
    FitError
        If the optimiser fails outright.

    Examples
    --------
    >>> asks = tuple(ContextAsk(fallback=2.0, opener=20.0 if i % 2 else None,
    ...                         result="accepted-fallback" if i % 3 else "refused")
    ...              for i in range(30))
    >>> fit = fit_context(asks, negotiation=False, prosocial=True)
    >>> fit.n_asks, sorted(fit.interval())
    (30, ['baseline', 'strength'])
    """
    asks = tuple(asks)
    if not all(isinstance(a, ContextAsk) for a in asks):
        raise InvalidParameterError("fit_context takes ContextAsk records.")
    if len(asks) < MIN_CONTEXT_ASKS:
        raise DataError(
            f"{len(asks)} asks with an outcome are too few to calibrate a context (at least "
            f"{MIN_CONTEXT_ASKS}): the bundled fit says more. Record more outcomes first."
        )
    if len({a.result in ("accepted-opener", "accepted-fallback") for a in asks}) < 2:
        raise DataError(
            "Every ask ended the same way (all agreed or all refused): that pins no baseline. "
            "Record asks with both outcomes, or keep the bundled fit."
        )
    model = model or load_model()
    problem = _ContextProblem(asks, model, negotiation, prosocial)
    k = 3 if negotiation else 2
    start = np.zeros(k)
    if negotiation:
        start[2] = problem.prior_pull[0]

    def objective(u: FloatArray) -> tuple[float, FloatArray]:
        value, grad = _value_and_gradient(problem.log_posterior, u)
        return -value, -grad

    res = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=[(-_BOUND, _BOUND)] * k)
    if not np.all(np.isfinite(res.x)):
        raise FitError(f"The context fit failed: {res.message}.")
    u = np.asarray(res.x)
    cov = _covariance(-_hessian(problem.log_posterior, u))
    names = ("baseline_z", "strength_z", "anchoring")[:k]
    return ContextFit(
        names=names,
        mode=tuple(float(x) for x in u),
        cov=tuple(tuple(float(x) for x in r) for r in cov),
        reference_cost=problem.ref,
        n_asks=len(asks),
        negotiation=negotiation,
        prosocial=prosocial,
        heterogeneity=model.params.heterogeneity,
        converged=bool(res.success),
    )
