"""Replications of the bundled experiments: fitted rates and simulated same-size reruns."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray, Seed
from ditf._validation import as_generator, check_int_range, check_probability
from ditf.data import load_studies
from ditf.model._fit import FitResult, _Problem, load_model
from ditf.model._studies import Experiment, group_experiments

__all__ = ["ConditionFit", "Replication", "replicate", "study_names"]

#: Chi-square critical value for one degree of freedom at alpha = .05.
CHI2_CRITICAL = 3.841458820694124


@dataclass(frozen=True, slots=True)
class ConditionFit:
    """One condition: observed rate against the model's fitted rate.

    ``lo`` and ``hi`` bound the rate a same-size rerun would observe (posterior predictive at
    the original n), the interval the observed rate is checked against; ``ci_lo`` and
    ``ci_hi`` bound the fitted probability itself (credible interval).
    """

    condition: str
    condition_type: str
    n: int
    observed_pct: float
    predicted_pct: float
    lo: float
    hi: float
    ci_lo: float
    ci_hi: float

    @property
    def reproduced(self) -> bool:
        """Whether the observed rate lies inside the predictive interval."""
        return self.lo <= self.observed_pct <= self.hi


@dataclass(frozen=True, slots=True)
class Replication:
    """A bundled experiment set against the fitted model, and simulated same-size reruns.

    ``chi2_*`` compare the technique's condition with the target-only control in a 2x2
    Pearson chi-square (no continuity correction). ``power`` is the share of simulated reruns
    at the original n that reach p < .05.
    """

    study: str
    key: str
    source: str
    conditions: tuple[ConditionFit, ...]
    contrast: tuple[str, str]
    chi2_observed: float
    chi2_median: float
    chi2_lo: float
    chi2_hi: float
    power: float
    n_sims: int
    level: float


def _slug(experiment: Experiment) -> str:
    row = experiment.conditions[0]
    authors = [a for a in re.split(r",\s*|\s*&\s*", row.study) if a]
    names = authors if len(authors) == 2 else authors[:1]
    return "-".join(re.sub(r"[^a-z]", "", a.lower()) for a in names) + str(row.year)


def study_names() -> tuple[str, ...]:
    """Names accepted by :func:`replicate`, e.g. ``"cialdini1975"``.

    Examples
    --------
    >>> study_names()
    ('cialdini1975', 'freedman-fraser1966')
    """
    return tuple(_slug(e) for e in group_experiments(load_studies()))


def pearson_chi2(a: FloatArray, n_a: int, b: FloatArray, n_b: int) -> FloatArray:
    """Pearson chi-square of a 2x2 table from two counts of yes (vectorised)."""
    total = n_a + n_b
    yes = a + b
    no = total - yes
    num = total * (a * (n_b - b) - b * (n_a - a)) ** 2
    den = n_a * n_b * yes * no
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)


def replicate(
    study: str,
    *,
    model: FitResult | None = None,
    n_sims: int = 4000,
    level: float = 0.9,
    rng: Seed = 0,
) -> Replication:
    """Compare a bundled experiment with the fitted model and simulate same-size reruns.

    Parameters
    ----------
    study : str
        One of :func:`study_names`.
    model : FitResult, optional
        Default: the shipped model. It must have been fitted on the bundled experiments.
    n_sims : int, default 4000
        Posterior draws, each with one simulated rerun.
    level : float, default 0.9
        Interval level.
    rng : int, Generator or None, default 0
        Randomness for draws and reruns.

    Raises
    ------
    InvalidParameterError
        If the study is unknown.

    Examples
    --------
    >>> rep = replicate("cialdini1975", n_sims=500)
    >>> [c.condition_type for c in rep.conditions]
    ['ditf', 'exposure_control', 'target_only', 'large_only']
    """
    names = study_names()
    if study not in names:
        raise InvalidParameterError(
            f"Unknown study {study!r}. Choose one of {list(names)} (see `ditf evidence`)."
        )
    check_int_range(n_sims, "n_sims", "replicate", 100, 1_000_000)
    check_probability(level, "level", "replicate", open_interval=True)
    model = model or load_model()
    experiments = group_experiments(load_studies())
    if tuple(e.key for e in experiments) != model.experiments:
        raise InvalidParameterError(
            "This model was not fitted on the bundled experiments; replicate needs one that was."
        )
    gen = as_generator(rng)
    u = model.draw_unconstrained(n_sims, gen)
    probs = _Problem(experiments, (), model.mechanisms).probabilities(u)

    index = names.index(study)
    start = sum(len(e.conditions) for e in experiments[:index])
    exp = experiments[index]
    tail = (1.0 - level) / 2.0
    rows = []
    for j, row in enumerate(exp.conditions):
        p = probs[:, start + j]
        rerun = 100.0 * gen.binomial(row.n, p) / row.n
        lo, hi = np.quantile(rerun, [tail, 1.0 - tail])
        ci_lo, ci_hi = np.quantile(100.0 * p, [tail, 1.0 - tail])
        rows.append(ConditionFit(row.condition, row.condition_type, row.n, row.pct,
                                 100.0 * float(p.mean()), float(lo), float(hi),
                                 float(ci_lo), float(ci_hi)))  # fmt: skip

    kinds = [r.condition_type for r in exp.conditions]
    treat = next(k for k in kinds if k in ("ditf", "fitd"))
    t, c = kinds.index(treat), kinds.index("target_only")
    n_t, n_c = exp.conditions[t].n, exp.conditions[c].n
    sims = pearson_chi2(
        gen.binomial(n_t, probs[:, start + t]).astype(float), n_t,
        gen.binomial(n_c, probs[:, start + c]).astype(float), n_c,
    )  # fmt: skip
    observed = pearson_chi2(
        np.array(float(exp.conditions[t].complied)), n_t,
        np.array(float(exp.conditions[c].complied)), n_c,
    )  # fmt: skip
    lo, med, hi = np.quantile(sims, [tail, 0.5, 1.0 - tail])
    return Replication(
        study=study,
        key=exp.key,
        source=exp.conditions[0].source,
        conditions=tuple(rows),
        contrast=(exp.conditions[t].condition, exp.conditions[c].condition),
        chi2_observed=float(observed),
        chi2_median=float(med),
        chi2_lo=float(lo),
        chi2_hi=float(hi),
        power=float(np.mean(sims > CHI2_CRITICAL)),
        n_sims=n_sims,
        level=level,
    )
