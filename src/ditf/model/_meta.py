"""Typical studies: what the model predicts a meta-analysis would find.

Meta-analyses pool correlations r between condition (sequence vs target alone) and compliance.
To compare the model with them, it simulates the typical study of each literature: a grid of
baselines and cost ratios and a mix of conditions (the mix is an assumption, stated below), with
each study's mechanism strength drawn from the random effect. The model's pooled r is the mean
over that grid; its heterogeneity is the SD.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy.special import ndtri

from ditf._types import FloatArray
from ditf.data import MetaAnalysis
from ditf.model._mechanisms import follow_through
from ditf.model._params import Mechanisms, ParamArrays
from ditf.model._probability import TwoStepDesign, compile_two_step, evaluate_two_step
from ditf.model._requests import Context, Sequence

#: Baselines (P(yes) to the target alone) of the typical study: an assumption.
TYPICAL_BASELINES = (0.15, 0.3, 0.45)
#: Ratio of the larger to the smaller request: an assumption (Cialdini 1975 used ~100).
TYPICAL_RATIOS = (5.0, 20.0, 100.0)
#: Delay used for "delayed" studies, hours (Dillard et al. 1984 contrast immediate vs days).
TYPICAL_DELAY_HOURS = 72.0
#: Share of studies that are prosocial, use the same requester, and ask at once: assumptions.
MIXES = {
    ("ditf", "all"): {"prosocial": 0.75, "same_requester": 0.85, "immediate": 0.8},
    ("ditf", "optimal"): {"prosocial": 1.0, "same_requester": 1.0, "immediate": 1.0},
    # No foot-in-the-door term depends on requester or delay, so only the prosocial share acts.
    ("fitd", "all"): {"prosocial": 0.6, "same_requester": 1.0, "immediate": 1.0},
    ("fitd", "optimal"): {"prosocial": 1.0, "same_requester": 1.0, "immediate": 1.0},
}
#: Standard error of a pooled r when the source gives no k: an assumption.
DEFAULT_SE = 0.03
#: Gauss-Hermite nodes over the study random effect.
_Z, _ZW = np.polynomial.hermite_e.hermegauss(7)
_ZW = _ZW / _ZW.sum()


@dataclass(frozen=True, slots=True)
class MetaTarget:
    """A pooled effect the model is fitted to (``statistic`` "mean") or its spread ("sd")."""

    technique: str
    outcome: str
    mix: str
    statistic: str
    value: float
    se: float
    source: str


class _Grid:
    """A typical-study grid compiled once: cells and their weights."""

    def __init__(self, technique: str, mix: str) -> None:
        shares = MIXES[(technique, mix)]
        cells, weights, baselines = [], [], []
        factors = itertools.product(
            TYPICAL_BASELINES, TYPICAL_RATIOS, (True, False), (True, False), (True, False)
        )
        for base, ratio, prosocial, same, immediate in factors:
            weight = (
                (shares["prosocial"] if prosocial else 1 - shares["prosocial"])
                * (shares["same_requester"] if same else 1 - shares["same_requester"])
                * (shares["immediate"] if immediate else 1 - shares["immediate"])
            )
            if weight == 0:
                continue
            delay = 0.0 if immediate else TYPICAL_DELAY_HOURS
            if technique == "ditf":
                seq = Sequence.door_in_the_face(
                    opener=ratio, target=1.0, delay_hours=delay,
                    other_requester=not same, prosocial=prosocial,
                )  # fmt: skip
            else:
                seq = Sequence.foot_in_the_door(
                    foot=1.0 / ratio, target=1.0, delay_hours=delay,
                    other_requester=not same, prosocial=prosocial,
                )  # fmt: skip
            cells.append((seq, Context(baseline=base)))
            weights.append(weight / len(TYPICAL_BASELINES) / len(TYPICAL_RATIOS))
            baselines.append(base)
        self.design: TwoStepDesign = compile_two_step(cells)
        self.weights = np.array(weights)
        self.baseline = np.array(baselines)
        self.baseline_z = ndtri(self.baseline)


@cache
def _grid(technique: str, mix: str) -> _Grid:
    return _Grid(technique, mix)


def phi_coefficient(p_treat: FloatArray, p_control: FloatArray) -> FloatArray:
    """Correlation r between condition and outcome for two equal arms (the phi coefficient).

    Examples
    --------
    >>> round(float(phi_coefficient(np.array(0.5), np.array(1 / 6))), 3)
    0.354
    """
    mean = (p_treat + p_control) / 2.0
    result: FloatArray = (p_treat - p_control) / (2.0 * np.sqrt(mean * (1.0 - mean)))
    return result


def typical_r(
    p: ParamArrays, mech: Mechanisms, technique: str, outcome: str, mix: str
) -> tuple[FloatArray, FloatArray]:
    """Mean and SD of r over typical studies, one value per parameter draw.

    Parameters
    ----------
    p : ParamArrays
        Parameters, shape ``(n_draws, 1)`` each.
    mech : Mechanisms
        Switches.
    technique : {"ditf", "fitd"}
    outcome : {"verbal", "behavioral"}
    mix : {"all", "optimal"}
    """
    grid = _grid(technique, mix)
    n_draws = p.cost_sensitivity.shape[0]
    # Stack draws x random-effect nodes on the first axis.
    rep = ParamArrays(*(np.repeat(x, len(_Z), axis=0) for x in p))
    strength = np.exp(rep.heterogeneity * np.tile(_Z, n_draws)[:, None])
    out = evaluate_two_step(grid.design, rep, mech, strength, grid.baseline_z[None, :])
    treat, control = out.verbal, grid.baseline[None, :]
    if outcome == "behavioral":
        treat = out.behavioral
        control = control * follow_through(rep, np.zeros_like(control), mech)
    r = phi_coefficient(treat, control).reshape(n_draws, len(_Z), -1)
    weights = _ZW[:, None] * grid.weights[None, :]
    mean = np.einsum("dqc,qc->d", r, weights)
    second = np.einsum("dqc,qc->d", r * r, weights)
    return mean, np.sqrt(np.maximum(second - mean * mean, 0.0))


def _sd_from_scope(scope: str) -> float | None:
    found = re.search(r"corrected SD ([0-9.]+)", scope)
    return float(found.group(1)) if found else None


def meta_targets(rows: tuple[MetaAnalysis, ...]) -> tuple[MetaTarget, ...]:
    """Turn meta-analytic rows into fitting targets.

    For each technique, outcome and mix ("optimal" when the scope says so) the most recent
    meta-analysis is the target; older ones on the same question overlap in studies and are
    left out of the fit (the tests check the model against them). A mean's SE is the
    technique's corrected SD (the only one published, Dillard et al. 1984) over sqrt(k), or
    ``DEFAULT_SE`` without k; a corrected SD in a scope becomes an SD target with SE
    ``DEFAULT_SE``. The DITF treatment arm is P(yes to the target | the opener was refused):
    people who accept the opener are left out, as most studies report.
    """
    sds = {row.technique: sd for row in rows if (sd := _sd_from_scope(row.scope)) is not None}
    newest: dict[tuple[str, str, str], MetaAnalysis] = {}
    for row in rows:
        outcome = "behavioral" if row.outcome == "behavioral" else "verbal"
        mix = "optimal" if row.scope.startswith("optimal") else "all"
        key = (row.technique, outcome, mix)
        if key not in newest or row.year > newest[key].year:
            newest[key] = row
    targets = []
    for (technique, outcome, mix), row in sorted(newest.items()):
        sd = sds.get(technique)
        se = sd / np.sqrt(row.k) if sd is not None and row.k else DEFAULT_SE
        source = f"{row.meta_analysis} ({row.year})"
        targets.append(MetaTarget(technique, outcome, mix, "mean", row.effect, float(se), source))
    for row in rows:
        sd = _sd_from_scope(row.scope)
        if sd is not None:
            source = f"{row.meta_analysis} ({row.year})"
            targets.append(MetaTarget(row.technique, "verbal", "all", "sd", sd, DEFAULT_SE, source))
    return tuple(targets)


def meta_log_likelihood(
    p: ParamArrays, mech: Mechanisms, targets: tuple[MetaTarget, ...]
) -> tuple[FloatArray, list[float]]:
    """Gaussian pseudo-log-likelihood of the targets and the model's value for each."""
    total = np.zeros(p.cost_sensitivity.shape[0])
    fitted: list[float] = []
    cache: dict[tuple[str, str, str], tuple[FloatArray, FloatArray]] = {}
    for t in targets:
        key = (t.technique, t.outcome, t.mix)
        if key not in cache:
            cache[key] = typical_r(p, mech, *key)
        value = cache[key][0 if t.statistic == "mean" else 1]
        total = total - 0.5 * ((value - t.value) / t.se) ** 2
        fitted.append(float(value[0]))
    return total, fitted
