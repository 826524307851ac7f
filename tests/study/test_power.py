"""Power and sample size: analytic against statsmodels, simulated against the engine."""

from __future__ import annotations

import dataclasses
import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ndtri
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from ditf._errors import InvalidParameterError
from ditf.model import Mechanisms, ParamArrays, load_model
from ditf.model._probability import compile_two_step, evaluate_two_step
from ditf.plots import plot_power_curve
from ditf.simulate import DaskBackend, ProcessBackend, Scenario, SerialBackend, simulate
from ditf.study._compliance import THREE_ARM_CONTRASTS
from ditf.study._power import (
    CHUNK,
    _setup,
    draw_counts,
    p_values,
    power_curve,
    power_three_arm,
    power_two_arm,
    sample_size_three_arm,
    sample_size_two_arm,
)

ARMS = ("door_in_the_face", "target_only", "exposure_control")
#: Agreement of two Monte Carlo estimates: within this many standard errors.
N_SE = 4.0


def exact_rates(scenario=None, mechanisms=None):
    """The model's P(yes | asked) per arm at the shipped mode and strength 1."""
    scenario = scenario or Scenario()
    seqs = scenario.sequences()
    design = compile_two_step([(seqs[a], scenario.context()) for a in ARMS])
    p = ParamArrays.from_matrix(load_model().params.to_array()[None, :])
    z = np.array([[ndtri(scenario.baseline)]])
    out = evaluate_two_step(design, p, mechanisms or Mechanisms(), np.ones((1, 1)), z)
    return dict(zip(ARMS, out.verbal[0], strict=True)), dict(zip(ARMS, out.p_asked[0], strict=True))


# Two arms, analytic ---------------------------------------------------------------------------

CASES = [
    (0.5, 0.167, 24, "two-sided"),
    (0.3, 0.2, 300, "larger"),
    (0.1, 0.3, 100, "two-sided"),
    (0.2, 0.3, 100, "larger"),  # the wrong direction: power below alpha
    (0.05, 0.0, 500, "two-sided"),
    (0.9, 0.8, 1000, "two-sided"),
]


@pytest.mark.parametrize(("p1", "p2", "n", "alternative"), CASES)
@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.1])
def test_two_arm_power_is_statsmodels_normal_ind_power_with_cohens_h(p1, p2, n, alternative, alpha):
    # Issue 12: the approximation is no longer the default (the analysis runs Fisher's
    # test); it stays available as test="arcsine", and this pins it.
    h = proportion_effectsize(p1, p2)
    expected = NormalIndPower().power(h, n, alpha, ratio=1.0, alternative=alternative)
    power = power_two_arm(p1, p2, n, alpha=alpha, alternative=alternative, test="arcsine")
    assert power == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("p1", "p2", "_", "alternative"), [c for c in CASES if c[0] > c[1]])
@pytest.mark.parametrize("power", [0.5, 0.8, 0.95])
def test_two_arm_sample_size_is_statsmodels_solve_power_rounded_up(p1, p2, _, alternative, power):
    h = proportion_effectsize(p1, p2)
    expected = NormalIndPower().solve_power(h, None, 0.05, power, 1.0, alternative)
    n = sample_size_two_arm(p1, p2, power=power, alternative=alternative, test="arcsine")
    assert n == max(2, math.ceil(expected - 1e-6))
    assert power_two_arm(p1, p2, n, alternative=alternative, test="arcsine") >= power
    if n > 2:
        assert power_two_arm(p1, p2, n - 1, alternative=alternative, test="arcsine") < power


def test_a_two_sided_sample_size_works_in_either_direction():
    assert sample_size_two_arm(0.2, 0.4) == sample_size_two_arm(0.4, 0.2)


RATE = st.floats(0.01, 0.99)


@settings(max_examples=60, deadline=None)
@given(RATE, RATE, st.integers(2, 5_000), st.sampled_from(["two-sided", "larger"]))
def test_two_arm_power_grows_with_n_and_with_the_effect(p1, p2, n, alternative):
    # The approximation's power is monotone; exact power saw-tooths in n (next tests).
    low, high = min(p1, p2), max(p1, p2)
    power = power_two_arm(high, low, n, alternative=alternative, test="arcsine")
    assert 0.0 <= power <= 1.0
    assert power_two_arm(high, low, 2 * n, alternative=alternative, test="arcsine") >= power
    bigger = min(high + 0.05, 1.0)
    assert power_two_arm(bigger, low, n, alternative=alternative, test="arcsine") >= power


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: power_two_arm(1.2, 0.2, 10), r"'p_treatment' parameter of power_two_arm must "
         r"be a probability in \[0, 1\]\. Got 1\.2 instead\."),
        (lambda: power_two_arm(0.2, -0.1, 10), r"'p_control'"),
        (lambda: power_two_arm(0.3, 0.2, 1, test="arcsine"), r"'n_per_arm' parameter of "
         r"power_two_arm must be an int in \[2, 10000000\]\. Got 1"),
        (lambda: power_two_arm(0.3, 0.2, 10_001), r"'n_per_arm' parameter of power_two_arm "
         r"must be an int in \[2, 10000\]\. Got 10001"),
        (lambda: power_two_arm(0.3, 0.2, 10, test="z"), r"'test' parameter of power_two_arm"),
        (lambda: power_two_arm(0.3, 0.2, 10.0), r"'n_per_arm'"),
        (lambda: power_two_arm(0.3, 0.2, 10, alpha=0), r"'alpha' .* \(0, 1\)"),
        (lambda: power_two_arm(0.3, 0.2, 10, alternative="less"), r"'alternative' parameter"),
        (lambda: sample_size_two_arm(0.3, 0.2, power=1.0), r"'power' parameter of "
         r"sample_size_two_arm must be a probability in \(0, 1\)"),
        (lambda: sample_size_two_arm(0.3, 0.2, power=0.04), r"'power' .* in \(alpha, 1\) = "
         r"\(0\.05, 1\)\. Got 0\.04"),
        (lambda: sample_size_two_arm(0.3, 0.3), r"needs p_treatment different from p_control"),
        (lambda: sample_size_two_arm(0.2, 0.3, alternative="larger"),
         r"needs p_treatment above p_control .* Got p_treatment=0\.2, p_control=0\.3"),
    ],
)  # fmt: skip
def test_two_arm_errors(call, match):
    with pytest.raises(InvalidParameterError, match=match):
        call()


# Three arms, simulated ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def standard():
    return power_three_arm(300, n_studies=10_000, rng=7)


def test_the_standard_design_reports_its_arms_contrasts_and_summaries(standard):
    assert standard.arms == ARMS
    assert [(c.treatment, c.control) for c in standard.contrasts] == list(THREE_ARM_CONTRASTS)
    assert (standard.alpha, standard.alternative, standard.measure) == (0.05, "two-sided", "verbal")
    assert standard.heterogeneity and not standard.uncertainty
    for c in standard.contrasts:
        assert 0.0 <= c.power <= c.power_unadjusted <= 1.0
        assert c.mean_difference > 0
    assert standard.power_all <= min(c.power for c in standard.contrasts)
    assert standard.power_any >= max(c.power for c in standard.contrasts)
    assert standard.mean_rates[1] == pytest.approx(0.167)  # target only: the baseline
    assert standard.mc_se == pytest.approx(
        math.sqrt(standard.power_all * (1 - standard.power_all) / 10_000)
    )
    data = json.loads(json.dumps(standard.to_dict(), allow_nan=False))
    assert data["contrasts"][0]["treatment"] == "door_in_the_face"


def test_a_seed_makes_results_repeatable(standard):
    assert power_three_arm(300, n_studies=10_000, rng=7) == standard
    assert power_three_arm(300, n_studies=10_000, rng=8) != standard
    assert power_three_arm(300, n_studies=100).n_studies == 100  # rng=None: fresh entropy


def test_without_heterogeneity_the_rates_are_the_models_exact_probabilities():
    result = power_three_arm(300, n_studies=100, heterogeneity=False, rng=0)
    rates, _ = exact_rates()
    assert result.mean_rates == pytest.approx([rates[a] for a in ARMS], rel=1e-9)


def test_binomial_studies_match_studies_simulated_person_by_person_with_the_engine():
    """For fixed parameters (the mode, strength 1) the engine and the binomial draws agree.

    The engine simulates each of 300 people per arm; the power module draws each arm's
    counts from the exact probabilities. Means and variances of the counts, and the share
    of studies in which each planned contrast is significant, agree within Monte Carlo error.
    """
    runs, n = 1_000, 300
    engine_asked, engine_yes = np.zeros((runs, 3)), np.zeros((runs, 3))
    for i in range(runs):
        result = simulate(Scenario(), conditions=list(ARMS), n_people=n, rng=i)
        for j, arm in enumerate(ARMS):
            row = result.target(arm)
            engine_asked[i, j], engine_yes[i, j] = row.asked, row.yes
    rates, asked = exact_rates()
    p_yes = np.tile([rates[a] for a in ARMS], (20_000, 1))
    p_asked = np.tile([asked[a] for a in ARMS], (20_000, 1))
    ours_asked, ours_yes = draw_counts(n, p_asked, p_yes, np.random.default_rng(0))
    for j in range(3):
        for engine, ours in (
            (engine_yes[:, j], ours_yes[:, j]),
            (engine_asked[:, j], ours_asked[:, j]),
        ):
            se = math.sqrt(engine.var() / runs + ours.var() / len(ours)) + 1e-9
            assert abs(engine.mean() - ours.mean()) < N_SE * se
            if ours.var() > 0:
                assert engine.var() / ours.var() == pytest.approx(
                    1.0, abs=N_SE * math.sqrt(2 / runs)
                )
    pairs = ((0, 1), (0, 2))
    engine_power = (p_values(engine_asked, engine_yes, pairs, "two-sided") <= 0.05).mean(axis=0)
    simulated = power_three_arm(n, n_studies=20_000, heterogeneity=False, rng=3)
    for j, c in enumerate(simulated.contrasts):
        se = math.sqrt(c.power_unadjusted * (1 - c.power_unadjusted) / runs)
        assert abs(engine_power[j] - c.power_unadjusted) < N_SE * se + 0.005


def test_a_two_arm_contrast_matches_the_analytic_power():
    """One contrast, fixed strength: the simulated Fisher power is the exact two-arm power."""
    rates, _ = exact_rates()
    for n in (60, 150):
        simulated = power_three_arm(
            n, n_studies=20_000, contrasts=[("door_in_the_face", "target_only")],
            heterogeneity=False, rng=5,
        )  # fmt: skip
        analytic = power_two_arm(rates["door_in_the_face"], rates["target_only"], n)
        assert simulated.power_all == pytest.approx(analytic, abs=0.03)
        assert simulated.contrasts[0].power == simulated.contrasts[0].power_unadjusted


@pytest.mark.parametrize("alternative", ["two-sided", "larger"])
def test_equal_arms_reject_at_the_nominal_rate(alternative):
    # With every mechanism off, describing the opener changes nothing: a true null.
    # The chi-square test holds its level; Fisher's exact test is conservative (below it).
    result = power_three_arm(
        300, n_studies=20_000, contrasts=[("exposure_control", "target_only")],
        mechanisms=Mechanisms.only(), alternative=alternative, test="chi2", rng=11,
    )  # fmt: skip
    assert result.contrasts[0].mean_difference == pytest.approx(0.0, abs=1e-12)
    assert result.power_all == pytest.approx(0.05, abs=N_SE * math.sqrt(0.05 * 0.95 / 20_000))
    fisher = power_three_arm(
        300, n_studies=20_000, contrasts=[("exposure_control", "target_only")],
        mechanisms=Mechanisms.only(), alternative=alternative, rng=11,
    )  # fmt: skip
    assert fisher.test == "fisher"
    assert fisher.power_all <= 0.05 + N_SE * math.sqrt(0.05 * 0.95 / 20_000)
    assert fisher.power_all < result.power_all


def test_holm_makes_each_contrast_harder_to_pass_than_alone(standard):
    for c in standard.contrasts:
        assert c.power < c.power_unadjusted


def test_parameter_uncertainty_and_the_behavioural_measure_change_the_answer(standard):
    drawn = power_three_arm(300, n_studies=2_000, uncertainty=True, rng=7)
    assert drawn.uncertainty and drawn != standard
    assert drawn.contrasts[0].power == pytest.approx(standard.contrasts[0].power, abs=0.1)
    kept = power_three_arm(300, n_studies=2_000, measure="behavioral", rng=7)
    assert all(k < v for k, v in zip(kept.mean_rates, standard.mean_rates, strict=True))


def test_a_stronger_reciprocity_lift_gives_more_power():
    params = load_model().params
    weak = power_three_arm(
        150, n_studies=4_000, params=dataclasses.replace(params, reciprocity=0.2), rng=0
    )
    strong = power_three_arm(
        150, n_studies=4_000, params=dataclasses.replace(params, reciprocity=0.8), rng=0
    )
    assert strong.contrasts[0].mean_difference > weak.contrasts[0].mean_difference
    assert strong.power_all > weak.power_all


@settings(max_examples=8, deadline=None)
@given(st.integers(20, 600), st.floats(1.5, 4.0))
def test_simulated_power_grows_with_n(n, factor):
    curve = power_curve([n, int(n * factor)], n_studies=2_000, rng=0)
    low, high = curve.points
    assert high.power_all >= low.power_all
    for a, b in zip(low.contrasts, high.contrasts, strict=True):
        assert b.power >= a.power


class RecordingBackend:
    """Serial, but remembers the tasks it ran."""

    def __init__(self):
        self.tasks = []

    def map(self, fn, tasks, progress=None):
        self.tasks.extend(tasks)
        return SerialBackend().map(fn, tasks, progress)


def test_studies_run_in_fixed_chunks_with_progress():
    backend, calls = RecordingBackend(), []
    power_three_arm(50, n_studies=2 * CHUNK + 7, backend=backend, rng=0,
                    progress=lambda *a: calls.append(a))  # fmt: skip
    assert [t.n_studies for t in backend.tasks] == [CHUNK, CHUNK, 7]
    assert calls == [(1, 3), (2, 3), (3, 3)]


@pytest.fixture(scope="module")
def contract():
    kwargs = {"n_studies": 2 * CHUNK + 500, "uncertainty": True, "rng": 2024}
    return kwargs, power_three_arm(200, **kwargs)


def test_the_process_backend_gives_the_serial_result(contract):
    kwargs, serial = contract
    assert power_three_arm(200, backend=ProcessBackend(2), **kwargs) == serial


def test_the_dask_backend_gives_the_serial_result(contract):
    kwargs, serial = contract
    with warnings.catch_warnings():  # as in tests/simulate/test_sweep.py
        warnings.filterwarnings("ignore", "Port 8787 is already in use", UserWarning)
        backend = DaskBackend(workers=2)
    with backend:
        assert power_three_arm(200, backend=backend, **kwargs) == serial


# Curves and sample sizes ----------------------------------------------------------------------


def test_a_power_curve_reuses_the_studies_of_each_size(standard):
    curve = power_curve([300, 100], n_studies=10_000, rng=7)
    assert curve.n_per_arm == (300, 100)
    assert curve.points[0] == standard  # the same root seed gives the same studies
    assert curve.power_all == (curve.points[0].power_all, curve.points[1].power_all)
    assert len(json.loads(json.dumps(curve.to_dict()))["points"]) == 2


def test_the_sample_size_is_the_smallest_n_reaching_the_target():
    kwargs = {"n_studies": 2_000, "rng": 3}
    found = sample_size_three_arm(0.8, **kwargs)
    assert found.power_all >= 0.8
    assert power_three_arm(found.n_per_arm, **kwargs) == found
    assert power_three_arm(found.n_per_arm - 1, **kwargs).power_all < 0.8
    either = sample_size_three_arm(0.8, criterion="any", **kwargs)
    assert either.n_per_arm < found.n_per_arm
    assert either.power_any >= 0.8


def test_a_tiny_target_can_be_met_by_the_smallest_design():
    assert sample_size_three_arm(0.01, criterion="any", n_studies=500, rng=0).n_per_arm >= 2


def test_an_unreachable_power_names_the_fix():
    with pytest.raises(InvalidParameterError, match=r"'target_power' parameter of "
                       r"sample_size_three_arm cannot be reached with n_max=50 people per arm "
                       r"\(simulated power 0\.\d+\)\. Got 0\.9 instead\. Raise n_max"):  # fmt: skip
        sample_size_three_arm(0.9, n_max=50, n_studies=500, rng=0)


def test_a_power_curve_is_plotted(tmp_path):
    curve = power_curve([40, 80, 400], n_studies=300, rng=0)
    path = tmp_path / "power.png"
    plot_power_curve(curve, path)
    assert path.read_bytes()[:4] == b"\x89PNG"
    single = power_curve([40, 60], n_studies=300, contrasts=[("door_in_the_face", "target_only")])
    plot_power_curve(single, tmp_path / "single.pdf")
    assert (tmp_path / "single.pdf").stat().st_size > 0
    with pytest.raises(InvalidParameterError, match=r"Cannot write the plot to .*power\.png"):
        plot_power_curve(curve, tmp_path / "missing" / "power.png")
    with pytest.raises(InvalidParameterError, match=r"Cannot write the plot to .*power\.xyz"):
        plot_power_curve(curve, tmp_path / "power.xyz")


BAD_DESIGNS = [
    ({"scenario": "cialdini"}, r"'scenario' parameter of power_three_arm must be a Scenario"),
    ({"alpha": 1.0}, r"'alpha' parameter of power_three_arm must be a probability in \(0, 1\)"),
    ({"alternative": "less"}, r"'alternative'"),
    ({"measure": "kept"}, r"'measure' parameter .* one of 'behavioral', 'verbal'"),
    ({"uncertainty": 1}, r"'uncertainty' parameter .* a bool"),
    ({"heterogeneity": "yes"}, r"'heterogeneity'"),
    ({"mechanisms": "all"}, r"'mechanisms' parameter .* a Mechanisms or None"),
    ({"model": {}}, r"'model' parameter .* a FitResult or None"),
    ({"params": {}}, r"'params' parameter .* a ModelParams or None"),
    ({"params": "mode"}, r"'params'"),
    ({"contrasts": []}, r"'contrasts' .* non-empty sequence"),
    ({"contrasts": "door_in_the_face"}, r"'contrasts' .* non-empty sequence"),
    ({"contrasts": [("door_in_the_face",)]}, r"\(treatment, control\) pairs"),
    ({"contrasts": [("door_in_the_face", "nope")]}, r"'contrasts' .* one of .* Got 'nope'"),
    ({"contrasts": [("target_only", "target_only")]}, r"distinct pairs of two different arms"),
    ({"contrasts": [("door_in_the_face", "target_only")] * 2}, r"distinct pairs"),
    ({"n_studies": 5}, r"'n_studies' parameter of power_three_arm must be an int in \[10, "),
    ({"rng": -1}, r"'rng' parameter of power_three_arm must be an int >= 0\. Got -1"),
    ({"rng": 1.5}, r"'rng'"),
]


@pytest.mark.parametrize(("kwargs", "match"), BAD_DESIGNS)
def test_bad_design_options_are_rejected(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        power_three_arm(100, **kwargs)


def test_params_and_uncertainty_do_not_mix():
    with pytest.raises(InvalidParameterError, match=r"either fixed params or uncertainty=True"):
        power_three_arm(100, params=load_model().params, uncertainty=True)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: power_three_arm(1), r"'n_per_arm' parameter of power_three_arm"),
        (lambda: power_three_arm(10**8), r"'n_per_arm'.*\[2, 10000000\]"),
        (lambda: power_curve([]), r"'number of sample sizes' parameter of power_curve must be "
         r"an int in \[1, 200\]\. Got 0"),
        (lambda: power_curve("100"), r"'n_per_arm' parameter of power_curve .* Got '100'"),
        (lambda: power_curve([100, 1]), r"'n_per_arm' parameter of power_curve.* Got 1 "),
        (lambda: power_curve([100], n_studies=0), r"'n_studies' parameter of power_curve"),
        (lambda: power_curve([100], rng=-2), r"'rng' parameter of power_curve"),
        (lambda: power_curve([100], measure="x"), r"'measure' parameter of power_curve"),
        (lambda: sample_size_three_arm(1.0), r"'target_power' parameter of "
         r"sample_size_three_arm must be a probability in \(0, 1\)"),
        (lambda: sample_size_three_arm(criterion="most"), r"'criterion' .* 'all', 'any'"),
        (lambda: sample_size_three_arm(n_max=1), r"'n_max' .* \[2, 10000000\]"),
        (lambda: sample_size_three_arm(n_studies=1), r"'n_studies' parameter of sample_size"),
        (lambda: sample_size_three_arm(rng="x"), r"'rng' parameter of sample_size_three_arm"),
        (lambda: sample_size_three_arm(alpha=2), r"'alpha' parameter of sample_size_three_arm"),
    ],
)  # fmt: skip
def test_sizes_and_targets_are_validated(call, match):
    with pytest.raises(InvalidParameterError, match=match):
        call()


def test_the_setup_validates_once_and_keeps_the_arm_order():
    contrasts = [("exposure_control", "target_only"), ("door_in_the_face", "exposure_control")]
    setup = _setup("f", None, contrasts=contrasts, alpha=0.05, alternative="larger",
                   measure="verbal", uncertainty=False, heterogeneity=True,
                   test="fisher").setup  # fmt: skip
    assert setup.arms == ("exposure_control", "target_only", "door_in_the_face")
    assert setup.pairs == ((0, 1), (2, 0))


# Exact power of the test the analysis runs (issue 12) ----------------------------------------


def _brute_force_power(p1, p2, n, alternative, test):
    """Enumerate every outcome and test it with analyze(), the way a study would be."""
    from scipy.stats import binom

    from ditf.study import analyze

    power = 0.0
    for a in range(n + 1):
        for c in range(n + 1):
            report = analyze([("t", n, a), ("c", n, c)], reference="c", test=test,
                             alternative=alternative)  # fmt: skip
            if report.comparisons[0].p_holm <= 0.05:
                power += binom.pmf(a, n, p1) * binom.pmf(c, n, p2)
    return power


def test_two_arm_power_is_fishers_exact_power_by_default():
    # Issue 12: the power was the z/arcsine approximation's 0.714 while the analysis runs
    # Fisher's test, whose power at 50% vs 16.7% with 24 per arm is 0.608.
    power = power_two_arm(0.5, 0.167, 24)
    assert power == pytest.approx(0.608, abs=0.01)
    assert power == pytest.approx(0.6077, abs=1e-4)
    assert power_two_arm(0.5, 0.167, 24, test="arcsine") == pytest.approx(0.714, abs=1e-3)
    assert sample_size_two_arm(0.5, 0.167) >= sample_size_two_arm(0.5, 0.167, test="arcsine")


@pytest.mark.parametrize(
    ("p1", "p2", "n", "alternative", "test"),
    [
        (0.6, 0.2, 9, "two-sided", "fisher"),
        (0.7, 0.3, 8, "larger", "fisher"),
        (0.5, 0.5, 7, "two-sided", "fisher"),
        (0.6, 0.2, 9, "two-sided", "chi2"),
        (0.7, 0.3, 8, "larger", "chi2"),
    ],
)
def test_exact_power_is_the_share_of_outcomes_the_analysis_rejects(p1, p2, n, alternative, test):
    expected = _brute_force_power(p1, p2, n, alternative, test)
    power = power_two_arm(p1, p2, n, alternative=alternative, test=test)
    assert power == pytest.approx(expected, abs=1e-12)


def test_vectorised_fisher_p_values_are_scipys():
    from scipy.stats import fisher_exact

    from ditf.study._power import fisher_p_values

    rng = np.random.default_rng(4)
    n_t, n_c = rng.integers(0, 60, 400), rng.integers(0, 60, 400)
    n_c[:100] = n_t[:100]  # equal arms: symmetric tables tie
    yes_t, yes_c = rng.integers(0, 61, 400) % (n_t + 1), rng.integers(0, 61, 400) % (n_c + 1)
    for alternative, scipy_alt in (("two-sided", "two-sided"), ("larger", "greater")):
        ours = fisher_p_values(yes_t, n_t, yes_c, n_c, alternative)
        theirs = [fisher_exact([[a, b - a], [c, d - c]], alternative=scipy_alt)[1]
                  for a, b, c, d in zip(yes_t, n_t, yes_c, n_c, strict=True)]  # fmt: skip
        assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-15)


def test_results_name_the_test():
    result = power_three_arm(100, n_studies=100, rng=0)
    assert result.test == "fisher"
    assert result.to_dict()["test"] == "fisher"
    assert power_three_arm(100, n_studies=100, test="chi2", rng=0).test == "chi2"
    with pytest.raises(InvalidParameterError, match="'test' parameter of power_three_arm"):
        power_three_arm(100, n_studies=100, test="arcsine")
