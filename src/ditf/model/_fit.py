"""Fitting: binomial likelihood of the experiments, meta-analytic targets, priors, Laplace."""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, ndtri

from ditf._errors import ConvergenceWarning, DataError, FitError
from ditf._types import FloatArray, Seed
from ditf._validation import as_generator
from ditf.data import (
    MetaAnalysis,
    StudyCondition,
    load_fitted,
    load_meta_analyses,
    load_studies,
)
from ditf.model._anchoring import AnchoringTarget, bundled_anchoring_targets, fit_anchoring
from ditf.model._meta import MetaTarget, meta_log_likelihood, meta_targets
from ditf.model._params import Mechanisms, ModelParams, ParamArrays
from ditf.model._priors import ANCHORING, PRIORS, STUDY_BASELINE_SD, STUDY_STRENGTH_SD
from ditf.model._probability import compile_two_step, evaluate_two_step
from ditf.model._requests import Context
from ditf.model._studies import Experiment, group_experiments

__all__ = ["FitResult", "fit", "load_model"]

GLOBALS = ModelParams.names()
#: The globals the experiments inform; the anchoring block (:data:`ANCHORING`) comes last in a
#: fit's coordinates, after each experiment's baseline and strength, with a covariance of its own.
SEQUENCE_GLOBALS = tuple(n for n in GLOBALS if n not in ANCHORING)
_BOUND = 6.0  # unconstrained bound: keeps exp() and the strengths finite


@dataclass(frozen=True, slots=True)
class FitResult:
    """A fitted model: the posterior mode, its Laplace covariance and how well it fits.

    Attributes
    ----------
    mechanisms : Mechanisms
        The mechanisms that were on.
    names : tuple of str
        Coordinates of ``mode``: the global parameters (unconstrained scale), then each
        experiment's probit baseline and standardised strength.
    mode, cov : tuple
        Posterior mode and Laplace covariance on the unconstrained scale. The anchoring
        block (the last coordinates) is calibrated apart and independent of the rest.
    experiments : tuple of str
        Keys of the fitted experiments.
    loglik_studies, loglik_meta : float
        Binomial log-likelihood of the experiments and Gaussian pseudo-log-likelihood of the
        meta-analytic targets, at the mode.
    loglik_negotiation : float
        Gaussian pseudo-log-likelihood of the first-offer anchoring targets (Fisher z).
    n_obs : int
        Number of subjects.
    n_params : int
        Parameters the likelihood depends on (those of switched-off mechanisms, and those only
        a prior informs, are not counted).
    converged : bool
        Whether the optimiser met its criterion.
    meta : tuple of (MetaTarget, float)
        Each meta-analytic target with the model's fitted value.
    """

    mechanisms: Mechanisms
    names: tuple[str, ...]
    mode: tuple[float, ...]
    cov: tuple[tuple[float, ...], ...]
    experiments: tuple[str, ...]
    loglik_studies: float
    loglik_meta: float
    n_obs: int
    n_params: int
    converged: bool
    meta: tuple[tuple[MetaTarget, float], ...] = field(default=())
    loglik_negotiation: float = 0.0

    @property
    def params(self) -> ModelParams:
        """Parameters at the posterior mode, natural scale."""
        p = _unpack(np.array(self.mode)[None, :], len(self.experiments))[0]
        return ModelParams(**{n: float(getattr(p, n)[0, 0]) for n in GLOBALS})

    @property
    def loglik(self) -> float:
        """Total log-likelihood (experiments, meta-analytic and anchoring targets)."""
        return self.loglik_studies + self.loglik_meta + self.loglik_negotiation

    @property
    def aic(self) -> float:
        """Akaike information criterion, ``-2 loglik + 2 n_params``."""
        return -2.0 * self.loglik + 2.0 * self.n_params

    @property
    def bic(self) -> float:
        """Bayesian information criterion, ``-2 loglik + n_params ln(n_obs)``.

        ``n_obs`` counts subjects only, though the log-likelihood also holds the meta targets.
        """
        return -2.0 * self.loglik + self.n_params * float(np.log(self.n_obs))

    def interval(self, level: float = 0.9, n_draws: int = 4000, rng: Seed = 0) -> dict[str, Any]:
        """Posterior median and central interval of each global parameter (natural scale)."""
        draws = self.draw(n_draws, rng)[0]
        tail = (1.0 - level) / 2.0
        return {
            name: tuple(float(q) for q in np.quantile(col, [0.5, tail, 1.0 - tail]))
            for name, col in zip(GLOBALS, draws, strict=True)
        }

    def draw(self, n_draws: int, rng: Seed = None) -> tuple[ParamArrays, FloatArray, FloatArray]:
        """Posterior draws (Laplace): parameters ``(n, 1)``, baselines and strengths ``(n, S)``."""
        return _unpack(self.draw_unconstrained(n_draws, rng), len(self.experiments))

    def draw_unconstrained(self, n_draws: int, rng: Seed = None) -> FloatArray:
        """Posterior draws on the unconstrained scale, clipped to the fit's bounds.

        Clipping keeps a direction the data barely inform (a huge Laplace variance) from
        producing overflowing parameters.
        """
        gen = as_generator(rng)
        mode, cov, m = np.array(self.mode), np.array(self.cov), len(self.mode) - len(ANCHORING)
        # The two independent blocks are drawn one after the other, the experiments' first.
        u = gen.multivariate_normal(mode[:m], cov[:m, :m], size=n_draws)
        a = gen.multivariate_normal(mode[m:], cov[m:, m:], size=n_draws)
        return np.clip(np.hstack([u, a]), -_BOUND, _BOUND)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :meth:`from_dict` restores it."""
        out = asdict(self)
        out["mechanisms"] = list(self.mechanisms.active)
        out["meta"] = [{"target": asdict(t), "fitted": v} for t, v in self.meta]
        out["params"] = asdict(self.params)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FitResult:
        """Rebuild a result written by :meth:`to_dict`.

        Raises
        ------
        DataError
            If the dict does not have the expected keys.
        """
        try:
            names, mode = tuple(data["names"]), tuple(float(x) for x in data["mode"])
            cov = np.array(data["cov"], dtype=float)
            if ANCHORING[0] not in names:  # written before anchoring: its prior
                prior = fit_anchoring((), on=False)
                names, mode = names + ANCHORING, mode + prior.mode
                cov = np.array(_block_diagonal(cov, np.diag(prior.var)))
            return cls(
                mechanisms=Mechanisms.only(*data["mechanisms"]),
                names=names,
                mode=mode,
                cov=tuple(tuple(float(x) for x in row) for row in cov),
                experiments=tuple(data["experiments"]),
                loglik_studies=float(data["loglik_studies"]),
                loglik_meta=float(data["loglik_meta"]),
                n_obs=int(data["n_obs"]),
                n_params=int(data["n_params"]),
                converged=bool(data["converged"]),
                meta=tuple((MetaTarget(**m["target"]), float(m["fitted"])) for m in data["meta"]),
                loglik_negotiation=float(data.get("loglik_negotiation", 0.0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(
                f"Not a ditf fit result: {exc!r}. Regenerate it with `ditf fit`."
            ) from exc


def _unpack(u: FloatArray, n_studies: int) -> tuple[ParamArrays, FloatArray, FloatArray]:
    """Parameters, baselines and strengths from coordinates laid out as in ``FitResult.names``.

    Without the anchoring coordinates (inside the experiments' fit), the anchoring
    parameters sit at their priors' centres: no experiment depends on them.
    """
    g = len(SEQUENCE_GLOBALS)
    cols = {n: PRIORS[n].to_natural(u[:, [i]]) for i, n in enumerate(SEQUENCE_GLOBALS)}
    end = g + 2 * n_studies
    for i, n in enumerate(ANCHORING):
        centre = np.full((len(u), 1), PRIORS[n].center)
        cols[n] = PRIORS[n].to_natural(u[:, [end + i]]) if u.shape[1] > end else centre
    params = ParamArrays(*(cols[n] for n in GLOBALS))
    return params, u[:, g : g + n_studies], u[:, g + n_studies : end]


class _Problem:
    """The log-posterior of one data set under one set of mechanisms."""

    def __init__(
        self, experiments: tuple[Experiment, ...], targets: tuple[MetaTarget, ...], mech: Mechanisms
    ) -> None:
        self.experiments, self.targets, self.mech = experiments, targets, mech
        cells, refs, study, rows = [], [], [], []
        for s, exp in enumerate(experiments):
            for row, seq in zip(exp.conditions, exp.sequences, strict=True):
                cells.append((seq, Context(baseline=0.5)))
                refs.append(exp.reference_cost)
                study.append(s)
                rows.append(row)
        self.design = compile_two_step(cells, refs)
        self.study = np.array(study)
        self.n = np.array([r.n for r in rows], dtype=float)
        self.k = np.array([r.complied for r in rows], dtype=float)
        self.behavioral = np.array([r.measure == "behavioral" for r in rows])
        self.log_choose = float(np.sum(gammaln(self.n + 1) - gammaln(self.k + 1)
                                       - gammaln(self.n - self.k + 1)))  # fmt: skip
        self.names = (
            SEQUENCE_GLOBALS
            + tuple(f"baseline_z[{e.key}]" for e in experiments)
            + tuple(f"strength_z[{e.key}]" for e in experiments)
        )

    def start(self) -> FloatArray:
        globals_ = [PRIORS[n].to_unconstrained(PRIORS[n].center) for n in SEQUENCE_GLOBALS]
        baselines = []
        for exp in self.experiments:
            n = sum(r.n for r in exp.conditions if r.condition_type == "target_only") or 1
            k = sum(r.complied for r in exp.conditions if r.condition_type == "target_only")
            baselines.append(float(ndtri((k + 0.5) / (n + 1.0))))
        return np.array(globals_ + baselines + [0.0] * len(self.experiments))

    def probabilities(self, u: FloatArray) -> FloatArray:
        """P(observed measure) per condition, shape ``(n_draws, n_conditions)``."""
        p, base_z, strength_z = _unpack(u, len(self.experiments))
        strength = np.exp(p.heterogeneity * strength_z[:, self.study])
        out = evaluate_two_step(self.design, p, self.mech, strength, base_z[:, self.study])
        return np.where(self.behavioral, out.behavioral, out.verbal)

    def loglik_studies(self, u: FloatArray) -> FloatArray:
        prob = np.clip(self.probabilities(u), 1e-12, 1 - 1e-12)
        ll = self.k * np.log(prob) + (self.n - self.k) * np.log1p(-prob)
        result: FloatArray = ll.sum(axis=1) + self.log_choose
        return result

    def loglik_meta(self, u: FloatArray) -> tuple[FloatArray, list[float]]:
        if not self.targets:
            return np.zeros(u.shape[0]), []
        return meta_log_likelihood(_unpack(u, len(self.experiments))[0], self.mech, self.targets)

    def log_prior(self, u: FloatArray) -> FloatArray:
        g, s = len(SEQUENCE_GLOBALS), len(self.experiments)
        lp = sum(
            (PRIORS[n].log_density(u[:, i]) for i, n in enumerate(SEQUENCE_GLOBALS)), np.zeros(1)
        )
        lp = lp - 0.5 * np.sum((u[:, g : g + s] / STUDY_BASELINE_SD) ** 2, axis=1)
        result: FloatArray = lp - 0.5 * np.sum((u[:, g + s :] / STUDY_STRENGTH_SD) ** 2, axis=1)
        return result

    def log_posterior(self, u: FloatArray) -> FloatArray:
        """Log posterior of each row of ``u`` (shape ``(n_points, n_coords)``)."""
        with np.errstate(all="ignore"):
            total = self.loglik_studies(u) + self.loglik_meta(u)[0] + self.log_prior(u)
        return np.where(np.isfinite(total), total, -1e12)

    def loglik(self, u: FloatArray) -> FloatArray:
        """Log-likelihood (experiments and meta targets) of each row of ``u``."""
        return self.loglik_studies(u) + self.loglik_meta(u)[0]


def _value_and_gradient(f: Any, x: FloatArray, step: float = 1e-5) -> tuple[float, FloatArray]:
    """``f`` and its central-difference gradient from one batched call (``f`` maps rows)."""
    eye = np.eye(len(x)) * step
    values = f(np.vstack([x, x + eye, x - eye]))
    n = len(x)
    return float(values[0]), (values[1 : n + 1] - values[n + 1 :]) / (2 * step)


def _hessian(f: Any, x: FloatArray, step: float = 1e-3) -> FloatArray:
    """Central-difference Hessian of ``f`` (which maps rows to values) in one batched call."""
    n = len(x)
    eye = np.eye(n) * step
    pairs = [(i, j) for i in range(n) for j in range(i)]
    points = [x] + [x + eye[i] for i in range(n)] + [x - eye[i] for i in range(n)]
    for i, j in pairs:
        points += [
            x + eye[i] + eye[j],
            x + eye[i] - eye[j],
            x - eye[i] + eye[j],
            x - eye[i] - eye[j],
        ]
    values = f(np.array(points))
    f0, plus, minus = values[0], values[1 : n + 1], values[n + 1 : 2 * n + 1]
    hess = np.diag((plus - 2 * f0 + minus) / step**2)
    corners = values[2 * n + 1 :].reshape(-1, 4)
    for (i, j), (pp, pm, mp, mm) in zip(pairs, corners, strict=True):
        hess[i, j] = hess[j, i] = (pp - pm - mp + mm) / (4 * step**2)
    return hess


def _covariance(hess: FloatArray) -> FloatArray:
    """Inverse Hessian, with eigenvalues floored so that the covariance is positive definite."""
    values, vectors = np.linalg.eigh((hess + hess.T) / 2.0)
    cov: FloatArray = (vectors / np.maximum(values, 1e-6)) @ vectors.T
    return cov


def _n_effective(problem: _Problem, u: FloatArray) -> int:
    """Count coordinates the likelihood depends on (not only the prior)."""
    values = problem.loglik(np.vstack([u, u + 0.05 * np.eye(len(u))]))
    return int(np.sum(np.abs(values[1:] - values[0]) > 1e-7))


def fit(
    studies: tuple[StudyCondition, ...] | None = None,
    meta: tuple[MetaAnalysis, ...] | None = None,
    *,
    mechanisms: Mechanisms | None = None,
    negotiation: tuple[AnchoringTarget, ...] | None = None,
) -> FitResult:
    """Fit the model: posterior mode and Laplace covariance.

    Parameters
    ----------
    studies : tuple of StudyCondition, optional
        Experiments to fit (see :func:`ditf.data.read_studies`). Default: the bundled ones.
    meta : tuple of MetaAnalysis, optional
        Meta-analytic effects to match. Default: the bundled ones when ``studies`` is the
        bundled default, none for a user's data (pass them explicitly to add them).
    mechanisms : Mechanisms, optional
        Which mechanisms are on. Default: all.
    negotiation : tuple of AnchoringTarget, optional
        First-offer anchoring results that calibrate the anchoring block. Default: the
        bundled ones when ``studies`` is the bundled default, none otherwise (its priors).

    Returns
    -------
    FitResult

    Raises
    ------
    DataError
        If a condition cannot be expressed as a sequence.
    FitError
        If the optimiser fails outright.

    Examples
    --------
    >>> result = fit()
    >>> result.converged
    True
    """
    if meta is None:
        meta = load_meta_analyses() if studies is None else ()
    if negotiation is None:
        negotiation = bundled_anchoring_targets() if studies is None else ()
    studies = load_studies() if studies is None else studies
    mech = mechanisms or Mechanisms()
    problem = _Problem(group_experiments(studies), meta_targets(meta), mech)
    start = problem.start()
    bounds = [(-_BOUND, _BOUND)] * len(start)

    def objective(u: FloatArray) -> tuple[float, FloatArray]:
        value, grad = _value_and_gradient(problem.log_posterior, u)
        return -value, -grad

    res = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds)
    if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
        raise FitError(f"The optimiser failed: {res.message}. Check the data for empty groups.")
    if not res.success:
        warnings.warn(f"The fit did not converge: {res.message}.", ConvergenceWarning, stacklevel=2)
    u = np.asarray(res.x)
    cov = _covariance(-_hessian(problem.log_posterior, u))
    row = u[None, :]
    meta_ll, fitted = problem.loglik_meta(row)
    anchor = fit_anchoring(negotiation, mech.anchoring)
    return FitResult(
        mechanisms=mech,
        names=problem.names + ANCHORING,
        mode=tuple(float(x) for x in (*u, *anchor.mode)),
        cov=_block_diagonal(cov, np.diag(anchor.var)),
        experiments=tuple(e.key for e in problem.experiments),
        loglik_studies=float(problem.loglik_studies(row)[0]),
        loglik_meta=float(meta_ll[0]),
        n_obs=int(problem.n.sum()),
        n_params=_n_effective(problem, u) + anchor.n_params,
        converged=bool(res.success),
        meta=tuple(zip(problem.targets, fitted, strict=True)),
        loglik_negotiation=anchor.loglik,
    )


def _block_diagonal(a: FloatArray, b: FloatArray) -> tuple[tuple[float, ...], ...]:
    out = np.zeros((len(a) + len(b), len(a) + len(b)))
    out[: len(a), : len(a)], out[len(a) :, len(a) :] = a, b
    return tuple(tuple(float(x) for x in r) for r in out)


@lru_cache(maxsize=1)
def load_model() -> FitResult:
    """The fitted model shipped with ditf (regenerate with ``ditf fit``).

    Examples
    --------
    >>> load_model().converged
    True
    """
    return FitResult.from_dict(load_fitted())
