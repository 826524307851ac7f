"""Context calibration: simulated journals from known parameters are recovered honestly."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from ditf._errors import DataError, InvalidParameterError
from ditf.model import ContextAsk, ContextFit, ParamArrays, fit_context, load_model
from ditf.model._context import ANCHORING_MAX, _ContextProblem
from ditf.model.mechanisms import evaluate_two_step

Z90 = 1.6448536269514722


def design(gen: np.random.Generator, n: int) -> list[ContextAsk]:
    """Half plain asks, half retreats from an opener 2-20 times the fallback's cost."""
    asks = []
    for i in range(n):
        fallback = float(np.exp(gen.normal(np.log(100), 0.5)))
        opener = fallback * float(np.exp(gen.uniform(np.log(2), np.log(20)))) if i % 2 else None
        asks.append(ContextAsk(fallback=fallback, opener=opener, result="refused"))
    return asks


def simulate(gen, asks, truth, *, negotiation, prosocial, model):
    """Answers drawn from the model at the true parameters."""
    problem = _ContextProblem(tuple(asks), model, negotiation, prosocial)
    p = problem.params
    arrays = ParamArrays.from_matrix(p.to_array()[None, :])
    if negotiation:
        arrays = arrays._replace(anchoring=np.array([[ANCHORING_MAX * expit(truth[2])]]))
    strength = np.array([[np.exp(p.heterogeneity * truth[1])]])
    out = evaluate_two_step(problem.design, arrays, model.mechanisms, strength,
                            np.array([[truth[0]]]))  # fmt: skip
    results = []
    for ask, asked, yes in zip(asks, out.p_asked[0], out.verbal[0], strict=True):
        if ask.opener is not None and gen.random() > asked:
            results.append("accepted-opener")
        else:
            results.append("accepted-fallback" if gen.random() < yes else "refused")
    return tuple(
        ContextAsk(fallback=a.fallback, opener=a.opener, result=r)
        for a, r in zip(asks, results, strict=True)
    )


@pytest.mark.parametrize(
    ("negotiation", "prosocial", "runs", "n"),
    [(False, True, 120, 150), (True, False, 150, 150)],
    ids=["fundraising", "negotiation"],
)
def test_90_percent_intervals_cover_the_truth_85_to_95_percent_of_the_time(
    negotiation, prosocial, runs, n, record_property
):
    model = load_model()
    gen = np.random.default_rng(2026)
    prior_pull = _ContextProblem(tuple(design(gen, 30)), model, negotiation, prosocial).prior_pull
    hits, fitted = 0.0, 0
    for _ in range(runs):
        # The truth is drawn from the prior, so a calibrated posterior covers it 90% of the time.
        truth = [gen.normal(0.0, 1.5), gen.normal(0.0, 1.0)]
        if negotiation:
            truth.append(gen.normal(*prior_pull))
        asks = simulate(gen, design(gen, n), truth, negotiation=negotiation,
                        prosocial=prosocial, model=model)  # fmt: skip
        try:
            fit = fit_context(asks, negotiation=negotiation, prosocial=prosocial, model=model)
        except DataError:  # an extreme baseline: every ask ended the same way
            continue
        sd = np.sqrt(np.diag(fit.cov))
        hits = hits + (np.abs(np.array(truth) - np.array(fit.mode)) <= Z90 * sd)
        fitted += 1
    coverage = np.asarray(hits) / fitted
    record_property("coverage", [round(float(c), 3) for c in coverage])
    print(f"coverage of the 90% intervals over {fitted} journals: {np.round(coverage, 3)}")
    assert fitted >= 0.9 * runs
    assert np.all((coverage >= 0.85) & (coverage <= 0.95)), coverage


def test_too_few_or_uninformative_asks_are_refused():
    few = tuple(ContextAsk(fallback=1.0, opener=None, result="refused") for _ in range(10))
    with pytest.raises(DataError, match="too few"):
        fit_context(few, negotiation=False, prosocial=True)
    same = tuple(ContextAsk(fallback=1.0, opener=None, result="refused") for _ in range(40))
    with pytest.raises(DataError, match="ended the same way"):
        fit_context(same, negotiation=False, prosocial=True)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fallback": 2.0, "opener": 1.0, "result": "refused"}, "must cost more"),
        ({"fallback": 2.0, "opener": None, "result": "accepted-opener"}, "no opener"),
        ({"fallback": 2.0, "opener": None, "result": "maybe"}, "result"),
        ({"fallback": -1.0, "opener": None, "result": "refused"}, "fallback"),
    ],
)
def test_an_ask_is_checked(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        ContextAsk(**kwargs)


def test_a_fit_round_trips_through_json():
    gen = np.random.default_rng(1)
    asks = simulate(gen, design(gen, 60), [0.0, 0.0], negotiation=False, prosocial=True,
                    model=load_model())  # fmt: skip
    fit = fit_context(asks, negotiation=False, prosocial=True)
    assert ContextFit.from_dict(fit.to_dict()) == fit
    with pytest.raises(DataError, match="context fit"):
        ContextFit.from_dict({"names": []})
