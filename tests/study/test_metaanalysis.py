"""Meta-analysis: cross-checks against statsmodels and metafor, properties, error paths.

Reference values
----------------
The BCG vaccine trials (Colditz et al., 1994), bundled as ``ditf/data/reference/bcg.csv``
from R's metafor ``dat.bcg``. The numbers below are metafor's, as published in its own test
suite and documentation:

- ``tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r`` (metafor against Stata's
  ``metan``): fixed effect and DerSimonian-Laird for RR, OR and RD;
- the ``rma(yi, vi, data=dat)`` example of the metafor documentation (Viechtbauer, 2010):
  REML estimate -0.7145 (SE 0.1798), tau² 0.3132, I² 92.22%, H² 12.86, Q(12) = 152.2330;
- the mixed-effects model ``rma(yi, vi, mods = ~ ablat, data=dat)``: intercept 0.2515
  (SE 0.2491), slope -0.0291 (SE 0.0072), tau² 0.0764, QE(11) = 30.7331, QM(1) = 16.3571,
  I² 68.39%, R² 75.62%. metafor stops its Fisher scoring when tau² changes by < 1e-5; the
  exact REML root is 0.076348 (checked by maximising the restricted likelihood directly),
  so tau², QM and R² are compared at the precision that allows;
- ``tests/testthat/test_misc_rma_uni.r``: iterated DerSimonian-Laird converges to the
  Paule-Mandel tau² 0.3181.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.meta_analysis import combine_effects, effectsize_2proportions

from ditf._errors import DataError, FitError, InvalidParameterError
from ditf.data._meta_input import load_bcg, load_meta_example, parse_meta_table
from ditf.study import _metaanalysis as ma
from ditf.study._metaanalysis import (
    TAU2_METHODS,
    back_transform,
    bias_tests,
    effects_from_counts,
    effects_from_r,
    egger_test,
    meta_analyze,
    meta_from_table,
    meta_regression,
    peters_test,
    trim_and_fill,
)

BCG = load_bcg()
COUNTS = [np.array(BCG.columns[c]) for c in ("yes_t", "n_t", "yes_c", "n_c")]
ABLAT = BCG.moderators["ablat"]


def bcg(measure="RR"):
    return effects_from_counts(*COUNTS, measure=measure)


RR = bcg("RR")


# --------------------------------------------------------------- published reference values


@pytest.mark.parametrize(
    ("measure", "method", "estimate", "ci", "z", "tau2", "i2", "q"),
    [
        ("RR", "FE", -0.4303, (-0.5097, -0.3509), -10.6247, 0.0, None, 152.2330),
        ("RR", "DL", -0.7141, (-1.0644, -0.3638), -3.9952, 0.3088, 92.1173, 152.2330),
        ("OR", "FE", -0.4361, (-0.5190, -0.3533), -10.3190, 0.0, None, 163.1649),
        ("OR", "DL", -0.7474, (-1.1242, -0.3706), -3.8873, 0.3663, 92.6455, 163.1649),
        ("RD", "FE", -0.0009, (-0.0014, -0.0005), -4.0448, 0.0, None, 276.4737),
        ("RD", "DL", -0.0071, (-0.0101, -0.0040), -4.5128, 0.0, 95.6596, 276.4737),
    ],
)
def test_bcg_matches_metafor_and_stata_metan(measure, method, estimate, ci, z, tau2, i2, q):
    es = bcg(measure)
    res = meta_analyze(es.effects, es.variances, method=method, measure=measure)
    assert res.estimate == pytest.approx(estimate, abs=5e-5)
    assert (res.ci_lo, res.ci_hi) == pytest.approx(ci, abs=5e-5)
    assert res.statistic == pytest.approx(z, abs=5e-4)
    assert res.tau2 == pytest.approx(tau2, abs=5e-5)
    assert res.q == pytest.approx(q, abs=5e-4)
    if i2 is not None:
        assert res.i2 == pytest.approx(i2, abs=5e-4)


def test_bcg_reml_matches_metafor():
    res = meta_analyze(RR.effects, RR.variances, method="REML", measure="RR")
    assert res.estimate == pytest.approx(-0.7145, abs=5e-5)
    assert res.se == pytest.approx(0.1798, abs=5e-5)
    assert res.tau2 == pytest.approx(0.3132, abs=5e-5)
    assert res.i2 == pytest.approx(92.22, abs=5e-3)
    assert res.h2 == pytest.approx(12.86, abs=5e-3)
    assert (res.q, res.q_df) == (pytest.approx(152.2330, abs=5e-4), 12)
    assert res.q_p < 1e-4
    # Risk ratio 0.49: BCG roughly halves the risk of tuberculosis.
    assert res.back_transformed()["estimate"] == pytest.approx(0.4894, abs=5e-4)
    # Prediction interval with t(k - 2) (Higgins et al. 2009), by hand.
    half = 2.200985160082949 * math.sqrt(res.se**2 + res.tau2)
    assert (res.pi_lo, res.pi_hi) == pytest.approx((res.estimate - half, res.estimate + half))


def test_bcg_paule_mandel_matches_metafor():
    res = meta_analyze(RR.effects, RR.variances, method="PM")
    assert res.tau2 == pytest.approx(0.3181, abs=5e-5)


def test_bcg_meta_regression_on_latitude_matches_metafor():
    reg = meta_regression(RR.effects, RR.variances, {"ablat": ABLAT})
    assert reg.names == ("intercept", "ablat")
    assert reg.coef == pytest.approx((0.2515, -0.0291), abs=5e-5)
    assert reg.se == pytest.approx((0.2491, 0.0072), abs=5e-5)
    assert reg.statistic[1] == pytest.approx(-4.0444, abs=2e-3)
    assert reg.tau2 == pytest.approx(0.0764, abs=1e-4)
    assert (reg.qe, reg.qe_df) == (pytest.approx(30.7331, abs=5e-4), 11)
    assert (reg.qm, reg.qm_df) == (pytest.approx(16.3571, abs=2e-3), 1)
    assert reg.i2 == pytest.approx(68.39, abs=5e-2)
    assert reg.r2 == pytest.approx(75.62, abs=2e-2)
    assert reg.df is None


def test_reml_tau2_is_the_maximum_of_the_restricted_likelihood():
    y, v = np.array(RR.effects), np.array(RR.variances)
    x = np.column_stack([np.ones(13), ABLAT])

    def loglik(t):
        w = 1 / (v + t)
        a = x.T @ (x * w[:, None])
        b = np.linalg.solve(a, x.T @ (w * y))
        r = y - x @ b
        return -0.5 * (np.log(v + t).sum() + np.linalg.slogdet(a)[1] + (w * r * r).sum())

    tau2 = meta_regression(y, v, {"ablat": ABLAT}).tau2
    assert tau2 == pytest.approx(0.076348, abs=1e-6)
    assert loglik(tau2) >= max(loglik(tau2 - 1e-4), loglik(tau2 + 1e-4))


def test_reml_search_widens_its_bracket_when_the_first_guess_is_too_small():
    # The search starts at twice the unweighted residual variance; here the root lies beyond.
    y = np.array([-1.159700321276627, -0.40419939300153224, 0.2476461430113043,
                  2.068127503996313, 0.676620332597177, 1.2033724046027878])  # fmt: skip
    v = np.array([0.419052357740424, 19.133150934144737, 36.26892376016647,
                  0.10212655726355827, 48.74681286954642, 211.4636188150783])  # fmt: skip
    tau2 = meta_analyze(y, v).tau2
    assert tau2 > 2 * np.var(y, ddof=1)

    def loglik(t):
        w = 1 / (v + t)
        mu = (w * y).sum() / w.sum()
        return -0.5 * (np.log(v + t).sum() + np.log(w.sum()) + (w * (y - mu) ** 2).sum())

    assert loglik(tau2) >= max(loglik(tau2 * 0.999), loglik(tau2 * 1.001))


# ------------------------------------------------------------------ against statsmodels


@pytest.mark.parametrize(
    ("measure", "statistic"), [("RR", "risk-ratio"), ("OR", "odds-ratio"), ("RD", "diff")]
)
def test_effect_sizes_match_statsmodels(measure, statistic):
    eff, var = effectsize_2proportions(*COUNTS, statistic=statistic)
    es = bcg(measure)
    assert es.effects == pytest.approx(eff, rel=1e-12, abs=1e-15)
    assert es.variances == pytest.approx(var, rel=1e-12)
    assert es.measure == measure
    assert es.n == tuple(int(n) for n in COUNTS[1] + COUNTS[3])
    assert not any(es.corrected)


@pytest.mark.parametrize(
    ("measure", "statistic"), [("RR", "risk-ratio"), ("OR", "odds-ratio"), ("RD", "diff")]
)
def test_continuity_correction_matches_statsmodels_and_touches_zero_cell_studies_only(
    measure, statistic
):
    # A zero event, a zero non-event, both arms without events, and a clean study.
    yes_t, n_t = np.array([0, 10, 0, 5]), np.array([20, 10, 15, 30])
    yes_c, n_c = np.array([3, 6, 0, 9]), np.array([20, 12, 15, 30])
    es = effects_from_counts(yes_t, n_t, yes_c, n_c, measure=measure)
    assert es.corrected == (True, True, True, False)
    assert all(math.isfinite(x) for x in es.effects + es.variances)
    # statsmodels 0.14-0.15 adds the correction to the event counts of every study (not to
    # its n) once zero_correction is given, so compare the zero-cell studies with it and the
    # clean study with no correction at all.
    eff, var = effectsize_2proportions(
        yes_t[:3], n_t[:3], yes_c[:3], n_c[:3], statistic=statistic, zero_correction=0.5
    )
    assert es.effects[:3] == pytest.approx(eff, rel=1e-12, abs=1e-15)
    assert es.variances[:3] == pytest.approx(var, rel=1e-12)
    eff, var = effectsize_2proportions(yes_t[3:], n_t[3:], yes_c[3:], n_c[3:], statistic=statistic)
    assert es.effects[3:] == pytest.approx(eff, rel=1e-12)
    assert es.variances[3:] == pytest.approx(var, rel=1e-12)


def test_fixed_effect_matches_statsmodels():
    res = combine_effects(np.array(RR.effects), np.array(RR.variances), method_re="dl")
    fe = meta_analyze(RR.effects, RR.variances, method="FE")
    assert fe.estimate == pytest.approx(res.mean_effect_fe, rel=1e-12)
    assert fe.se == pytest.approx(res.sd_eff_w_fe, rel=1e-12)
    assert (fe.ci_lo, fe.ci_hi) == pytest.approx(tuple(res.conf_int()[0]), rel=1e-12)
    assert fe.q == pytest.approx(res.q, rel=1e-12)
    assert fe.weights == pytest.approx(100 * np.asarray(res.weights_rel_fe), rel=1e-12)
    kh = meta_analyze(RR.effects, RR.variances, method="FE", knapp_hartung=True)
    assert kh.se == pytest.approx(res.sd_eff_w_fe_hksj, rel=1e-12)
    assert (kh.ci_lo, kh.ci_hi) == pytest.approx(tuple(res.conf_int(use_t=True)[2]), rel=1e-12)


@pytest.mark.parametrize(("method", "method_re"), [("DL", "dl"), ("PM", "iterated")])
def test_random_effects_match_statsmodels(method, method_re):
    res = combine_effects(np.array(RR.effects), np.array(RR.variances), method_re=method_re)
    ours = meta_analyze(RR.effects, RR.variances, method=method)
    assert ours.tau2 == pytest.approx(res.tau2, rel=1e-9)
    assert ours.estimate == pytest.approx(res.mean_effect_re, rel=1e-9)
    assert ours.se == pytest.approx(res.sd_eff_w_re, rel=1e-9)
    assert (ours.ci_lo, ours.ci_hi) == pytest.approx(tuple(res.conf_int()[1]), rel=1e-9)
    if method == "DL":  # statsmodels' I² is (Q - df) / Q, ours the tau²-based one
        assert ours.i2 == pytest.approx(100 * res.i2, rel=1e-9)
        assert ours.h2 == pytest.approx(res.h2, rel=1e-9)
    kh = meta_analyze(RR.effects, RR.variances, method=method, knapp_hartung=True)
    assert kh.se == pytest.approx(res.sd_eff_w_re_hksj, rel=1e-9)
    assert (kh.ci_lo, kh.ci_hi) == pytest.approx(tuple(res.conf_int(use_t=True)[3]), rel=1e-9)
    assert kh.df == 12
    assert kh.p_value == pytest.approx(2 * _t_sf(abs(kh.statistic), 12), rel=1e-9)


def _t_sf(x, df):
    from scipy import stats

    return stats.t.sf(x, df)


def test_knapp_hartung_regression_matches_statsmodels_wls():
    reg = meta_regression(RR.effects, RR.variances, {"ablat": ABLAT}, knapp_hartung=True)
    x = sm.add_constant(np.asarray(ABLAT))
    wls = sm.WLS(np.asarray(RR.effects), x, weights=1 / (np.asarray(RR.variances) + reg.tau2))
    fit = wls.fit()
    assert reg.coef == pytest.approx(tuple(fit.params), rel=1e-9)
    assert reg.se == pytest.approx(tuple(fit.bse), rel=1e-9)
    assert reg.p_value == pytest.approx(tuple(fit.pvalues), rel=1e-9)
    assert reg.df == 11
    assert reg.qm == pytest.approx(float(fit.fvalue), rel=1e-9)
    assert reg.qm_p == pytest.approx(float(fit.f_pvalue), rel=1e-9)
    lo, hi = fit.conf_int().T
    assert reg.ci_lo == pytest.approx(tuple(lo), rel=1e-9)
    assert reg.ci_hi == pytest.approx(tuple(hi), rel=1e-9)


def test_fixed_effect_regression_is_weighted_least_squares():
    y, v = np.array(RR.effects), np.array(RR.variances)
    x = np.column_stack([np.ones(13), ABLAT, BCG.moderators["year"]])
    w = np.diag(1 / v)
    beta = np.linalg.solve(x.T @ w @ x, x.T @ w @ y)
    reg = meta_regression(y, v, {"ablat": ABLAT, "year": BCG.moderators["year"]}, method="FE")
    assert reg.coef == pytest.approx(tuple(beta), rel=1e-9)
    assert reg.se == pytest.approx(tuple(np.sqrt(np.diag(np.linalg.inv(x.T @ w @ x)))), rel=1e-9)
    assert (reg.tau2, reg.r2) == (0.0, None)
    assert reg.i2 == pytest.approx(100 * (reg.qe - 10) / reg.qe)


def test_dl_regression_is_the_method_of_moments():
    y, v = np.array(RR.effects), np.array(RR.variances)
    x = np.column_stack([np.ones(13), ABLAT])
    w = np.diag(1 / v)
    p = w - w @ x @ np.linalg.inv(x.T @ w @ x) @ x.T @ w
    expected = (y @ p @ y - 11) / np.trace(p)
    reg = meta_regression(y, v, {"ablat": ABLAT}, method="DL")
    assert reg.tau2 == pytest.approx(expected, rel=1e-12)
    pm = meta_regression(y, v, {"ablat": ABLAT}, method="PM")
    q_at_tau2 = ((y - x @ np.array(pm.coef)) ** 2 / (v + pm.tau2)).sum()
    assert q_at_tau2 == pytest.approx(11, rel=1e-9)


def test_egger_matches_ols_of_standardised_effects():
    y, se = np.array(RR.effects), np.sqrt(RR.variances)
    fit = sm.OLS(y / se, sm.add_constant(1 / se)).fit()
    egger = egger_test(RR.effects, RR.variances)
    assert egger.bias == pytest.approx(fit.params[0], rel=1e-9)
    assert egger.bias_se == pytest.approx(fit.bse[0], rel=1e-9)
    assert egger.p_value == pytest.approx(fit.pvalues[0], rel=1e-9)
    assert egger.limit_estimate == pytest.approx(fit.params[1], rel=1e-9)
    # metafor: regtest(rma(yi, vi, data=dat), model="lm"): t = -1.4013, df = 11, p = 0.1887
    assert (egger.statistic, egger.df, egger.p_value) == (
        pytest.approx(-1.4013, abs=5e-5),
        11,
        pytest.approx(0.1887, abs=5e-5),
    )


def test_peters_is_the_published_test_log_or_on_inverse_n_weighted_by_s_f_over_n():
    # Issue 12: this used to regress any measure on 1/n with 1/variance weights (metafor's
    # regtest(predictor="ninv")), p = 0.168 on the BCG log odds ratios. Peters et al. (2006)
    # weight by S F / n (events and non-events of both arms): p = 0.200.
    yes_t, n_t, yes_c, n_c = COUNTS
    n, events = n_t + n_c, yes_t + yes_c
    log_or = np.log(yes_t * (n_c - yes_c) / ((n_t - yes_t) * yes_c))
    fit = sm.WLS(log_or, sm.add_constant(1 / n), weights=events * (n - events) / n).fit()
    peters = peters_test(*COUNTS)
    assert (peters.name, peters.predictor, peters.df) == ("Peters", "1/n", 11)
    assert peters.bias == pytest.approx(fit.params[1], rel=1e-9)
    assert peters.bias_se == pytest.approx(fit.bse[1], rel=1e-9)
    assert peters.p_value == pytest.approx(fit.pvalues[1], rel=1e-9)
    assert peters.limit_estimate == pytest.approx(fit.params[0], rel=1e-9)
    assert peters.p_value == pytest.approx(0.200, abs=5e-4)
    inverse_variance = sm.WLS(
        log_or, sm.add_constant(1 / n), weights=1 / np.asarray(bcg("OR").variances)
    ).fit()
    assert inverse_variance.pvalues[1] == pytest.approx(0.168, abs=5e-4)  # the old number
    report = meta_from_table(BCG, moderators=[])
    assert report.bias is not None and report.bias.peters == peters


def test_peters_test_only_runs_where_it_is_defined():
    for measure in ("RR", "RD", "ZCOR"):
        tests = bias_tests(
            bcg(measure).effects, bcg(measure).variances, counts=COUNTS, measure=measure
        )
        assert tests.peters is None
        assert any(f"not run for measure {measure!r}" in note for note in tests.notes)
    without_counts = bias_tests(bcg("OR").effects, bcg("OR").variances, measure="OR")
    assert without_counts.peters is None
    assert any("not run without 2x2 counts" in note for note in without_counts.notes)
    # Studies without events (or with nothing but events) carry no weight.
    none = bias_tests([0.1, 0.2, 0.3], [0.1, 0.2, 0.3], measure="OR",
                      counts=([0, 0, 5], [10, 20, 30], [0, 0, 2], [10, 20, 30]))  # fmt: skip
    assert none.peters is None
    assert "Peters' test: it needs 3 studies with both events and non-events" in none.notes[-1]
    with pytest.raises(InvalidParameterError, match="Peters' test does not apply"):
        peters_test([0, 0, 5], [10, 20, 30], [0, 0, 2], [10, 20, 30])


# ------------------------------------------------------------------------- trim and fill


def test_trim_and_fill_on_bcg():
    # Regression guard: metafor's trimfill(rma(yi, vi, data=dat)) estimates one study
    # missing on the right side (SE about 2.4) for these data.
    tf = trim_and_fill(RR.effects, RR.variances, measure="RR")
    assert (tf.side, tf.k0) == ("right", 1)
    # Issue 12: SE(k0) is Duval & Tweedie's formula at the unrounded L0, as in metafor's
    # trimfill() (it used the rounded k0 = 1, giving 2.4252).
    y = np.asarray(RR.effects)
    k, kept = y.size, np.argsort(y)[1:]  # missing on the right: trim the leftmost study
    mean = meta_analyze(y[kept], np.asarray(RR.variances)[kept]).estimate
    centred = mean - y  # mirrored: studies are missing on the right
    ranks = np.argsort(np.argsort(np.abs(centred))) + 1
    l0 = (4 * ranks[centred > 0].sum() - k * (k + 1)) / (2 * k - 1)
    assert round(l0) == 1 and l0 != 1
    var = (k * (k + 1) * (2 * k + 1) + 10 * l0**3 + 27 * l0**2 + 17 * l0 - 18 * k * l0**2
           - 18 * k * l0 + 6 * k**2 * l0) / 24  # fmt: skip
    assert tf.k0_se == pytest.approx(4 * math.sqrt(var) / (2 * k - 1), rel=1e-12)
    assert tf.k0_se != pytest.approx(2.4252, abs=1e-4)
    assert tf.filled.k == 14
    assert tf.filled.estimate > meta_analyze(RR.effects, RR.variances).estimate


def test_trim_and_fill_finds_nothing_in_a_symmetric_funnel():
    se = np.array([0.05, 0.1, 0.2, 0.3])
    y = np.concatenate([0.3 + se, 0.3 - se, [0.3]])
    v = np.concatenate([se**2, se**2, [0.01]])
    tf = trim_and_fill(y, v, method="FE")
    assert tf.k0 == 0
    assert tf.imputed_effects == ()
    assert tf.filled.estimate == pytest.approx(0.3)


def test_trim_and_fill_fills_the_side_a_suppressed_funnel_lacks():
    # The symmetric funnel above without the small studies below the mean.
    se = np.array([0.02, 0.05, 0.1, 0.2, 0.3, 0.4])
    y = np.concatenate([0.3 + se, [0.3 - 0.02, 0.3 - 0.05]])
    v = np.concatenate([se**2, [0.02**2, 0.05**2]])
    tf = trim_and_fill(y, v, method="FE")
    assert tf.side == "left"
    assert tf.k0 > 0
    assert all(e < 0.3 for e in tf.imputed_effects)
    assert tf.filled.estimate < meta_analyze(y, v, method="FE").estimate
    mirrored = trim_and_fill(-y, v, method="FE")
    assert (mirrored.side, mirrored.k0) == ("right", tf.k0)
    assert mirrored.filled.estimate == pytest.approx(-tf.filled.estimate)
    forced = trim_and_fill(y, v, method="FE", side="right")
    assert forced.side == "right"


def test_trim_and_fill_can_trim_down_to_one_study():
    # One precise study just below the mean and two imprecise ones far above: k0 = 2 of 3.
    tf = trim_and_fill([0.0, 1.0, 1.2], [0.001, 1.0, 1.0])
    assert (tf.side, tf.k0) == ("left", 2)
    assert tf.imputed_effects == pytest.approx((-1.0, -1.2))


def test_trim_and_fill_with_equal_variances_and_a_tiny_table():
    tf = trim_and_fill([0.1, 0.2, 0.9], [0.04, 0.04, 0.04], method="DL")
    assert tf.side == "left"
    assert tf.k0 >= 0


def test_trim_and_fill_that_does_not_settle_raises_fit_error(monkeypatch):
    monkeypatch.setattr(ma, "_TRIMFILL_MAX_ITER", 1)
    with pytest.raises(FitError, match="did not settle"):
        trim_and_fill([0.9, 0.7, 0.5, 0.45, 0.4, 0.42], [0.2, 0.1, 0.05, 0.02, 0.01, 0.005])


def test_bias_tests_bundle_and_skip_undefined_tests():
    log_or = bcg("OR")
    full = bias_tests(log_or.effects, log_or.variances, counts=COUNTS, measure="OR")
    assert full.egger == egger_test(log_or.effects, log_or.variances)
    assert full.peters == peters_test(*COUNTS)
    assert full.trim_fill == trim_and_fill(log_or.effects, log_or.variances, measure="OR")
    assert full.notes == ()
    same = bias_tests([0.1, 0.5, 0.2], [0.04] * 3, measure="OR",
                      counts=([5, 5, 5], [20, 20, 20], [4, 6, 5], [30, 30, 30]))  # fmt: skip
    assert (same.egger, same.peters) == (None, None)
    assert [note.split(":")[0] for note in same.notes] == ["Egger's test", "Peters' test"]
    assert bias_tests(RR.effects, RR.variances).peters is None


def test_egger_on_identical_effects_is_undefined_not_a_number_from_rounding_noise():
    # Issue 12: identical effects gave p = 0.774 (rounding noise), metafor-style.
    effects, variances = [0.3] * 5, [0.01, 0.02, 0.05, 0.1, 0.2]
    test = egger_test(effects, variances)
    assert not test.defined
    assert math.isnan(test.p_value) and math.isnan(test.statistic)
    tests = bias_tests(effects, variances)
    assert tests.egger is None
    assert "Egger's test: the regression fits every study exactly" in tests.notes[0]
    json.dumps(meta_from_table(parse_meta_table(
        "study,effect,variance\n" + "".join(f"S{i},0.3,{v}\n" for i, v in enumerate(variances))
    )).to_dict(), allow_nan=False)  # fmt: skip
    assert egger_test([0.3, 0.31, 0.3, 0.29], [0.01, 0.02, 0.05, 0.1]).defined


def test_two_studies_skip_the_bias_tests_with_a_note():
    # Issue 12: two studies failed with the default options (bias tests need three).
    two = parse_meta_table("study,r,n\nA,0.1,50\nB,0.2,80\n")
    report = meta_from_table(two)
    assert report.result.k == 2
    assert report.bias is not None
    assert (report.bias.egger, report.bias.peters, report.bias.trim_fill) == (None, None, None)
    assert "need at least 3 studies; there are 2" in report.bias.notes[0]


def test_effects_too_extreme_for_double_precision_are_a_clear_error():
    # Issue 12: effects of +-1e308 with variance 1e-308 raised numpy's LinAlgError.
    table = parse_meta_table(
        "study,effect,variance\nA,1e308,1e-308\nB,-1e308,1e-308\nC,1e308,1e-308\n"
    )
    with pytest.raises(DataError, match=r"^meta\.csv: The effects and variances are too extreme"):
        meta_from_table(table)
    with pytest.raises(InvalidParameterError, match=r"too extreme .* Rescale the effects"):
        meta_analyze([1e200, -1e200], [1e-200, 1e-200])
    with pytest.raises(InvalidParameterError, match="too extreme"):
        bias_tests([1.0, 2.0, 3.0], [1e-250, 1e-250, 1e-250])


# ---------------------------------------------------------------------- correlations


def test_fisher_z_of_correlations():
    es = effects_from_r([0.3, -0.5], [103, 28])
    assert es.measure == "ZCOR"
    assert es.effects == pytest.approx((math.atanh(0.3), math.atanh(-0.5)))
    assert es.variances == pytest.approx((0.01, 0.04))
    assert es.n == (103, 28)
    assert back_transform(es.effects[0], "ZCOR") == pytest.approx(0.3)


def test_zcor_from_counts_is_the_phi_coefficient_of_the_individual_data():
    yes_t, n_t, yes_c, n_c = 30, 80, 18, 90
    arm = np.r_[np.ones(n_t), np.zeros(n_c)]
    outcome = np.r_[np.ones(yes_t), np.zeros(n_t - yes_t), np.ones(yes_c), np.zeros(n_c - yes_c)]
    phi = np.corrcoef(arm, outcome)[0, 1]
    es = effects_from_counts([yes_t], [n_t], [yes_c], [n_c], measure="ZCOR")
    assert es.effects[0] == pytest.approx(math.atanh(phi), rel=1e-12)
    assert es.variances[0] == pytest.approx(1 / (n_t + n_c - 3))


def test_back_transform_scales():
    assert back_transform(math.log(2), "OR") == pytest.approx(2)
    assert back_transform(math.log(2), "RR") == pytest.approx(2)
    assert back_transform(-0.01, "RD") == -0.01
    assert back_transform(0.4, "generic") == 0.4


def test_bundled_meta_analytic_evidence_as_a_worked_example():
    table = load_meta_example()
    rep = meta_from_table(table)
    r = rep.result.back_transformed()
    assert rep.effect_sizes.measure == "ZCOR"
    # The pooled r lies between the pooled r's it combines (0.052 to 0.126) ...
    assert 0.052 < r["estimate"] < 0.126
    assert r["estimate"] == pytest.approx(0.0874, abs=5e-4)
    # ... and behavioural compliance is lower than verbal (Feeley et al. 2012).
    assert rep.regression is not None and rep.regression.coef[1] < 0
    assert rep.bias is not None and rep.bias.peters is None
    assert rep.labels[0].startswith("Dillard, Hunter & Burgoon (1984)")


# ---------------------------------------------------------------------------- a table


def test_meta_from_table_for_bcg_end_to_end():
    rep = meta_from_table(BCG, measure="RR", moderators=["ablat"])
    assert rep.result.tau2 == pytest.approx(0.3132, abs=5e-5)
    assert rep.fixed.estimate == pytest.approx(-0.4303, abs=5e-5)
    assert rep.regression is not None and rep.regression.names == ("intercept", "ablat")
    # Peters' test is defined for log odds ratios only (issue 12: it used to run on log RR).
    assert rep.bias is not None and rep.bias.peters is None
    assert rep.bias.notes == (
        "Peters' test: defined for log odds ratios of 2x2 counts only (Peters et al., 2006); "
        "not run for measure 'RR'.",
    )
    assert rep.labels == BCG.studies
    assert "Colditz" in rep.source
    text = json.dumps(rep.to_dict(), allow_nan=False)
    assert '"scale": "risk ratio"' in text
    everything = meta_from_table(BCG, method="DL", knapp_hartung=True, level=0.9)
    assert everything.regression is not None and everything.regression.names[1:] == (
        "ablat",
        "year",
    )
    assert everything.result.measure == "OR"


def test_meta_from_table_with_effects_and_without_extras():
    table = parse_meta_table("study,effect,variance\nA,0.2,0.04\nB,0.5,0.09\n")
    rep = meta_from_table(table, bias=False)
    assert rep.result.measure == "generic"
    assert (rep.regression, rep.bias) == (None, None)
    assert rep.effect_sizes.n is None
    assert rep.to_dict()["display"]["estimate"] == pytest.approx(rep.result.estimate)


def test_meta_from_table_errors_name_the_table():
    two = parse_meta_table("study,r,n,x\nA,0.1,50,1\nB,0.2,80,2\n")
    with pytest.raises(DataError, match=r"needs more than 2 studies; the table has 2"):
        meta_from_table(two, bias=False)
    flat = parse_meta_table("study,r,n,x\nA,0.1,50,1\nB,0.2,80,1\nC,0.3,60,1\n")
    with pytest.raises(DataError, match="'x' has the same value in every study"):
        meta_from_table(flat)
    with pytest.raises(InvalidParameterError, match=r"moderator columns \('x'\)"):
        meta_from_table(flat, moderators=["latitude"])
    with pytest.raises(InvalidParameterError, match=r"'bias' parameter of meta_from_table"):
        meta_from_table(flat, bias="yes")


# ---------------------------------------------------------------------------- properties

_effects = st.lists(st.floats(min_value=-5, max_value=5, allow_nan=False), min_size=2, max_size=12)


@st.composite
def studies(draw):
    y = draw(_effects)
    v = draw(st.lists(st.floats(min_value=1e-3, max_value=10), min_size=len(y), max_size=len(y)))
    return y, v


@settings(max_examples=60, deadline=None)
@given(studies(), st.sampled_from(TAU2_METHODS), st.booleans())
def test_pooled_estimate_lies_within_the_inputs(data, method, knapp_hartung):
    y, v = data
    res = meta_analyze(y, v, method=method, knapp_hartung=knapp_hartung)
    slack = 1e-9 * (1 + max(abs(e) for e in y))
    assert min(y) - slack <= res.estimate <= max(y) + slack
    assert res.tau2 >= 0
    assert 0 <= res.i2 <= 100
    assert res.h2 >= 0
    assert res.ci_lo <= res.estimate <= res.ci_hi
    assert sum(res.weights) == pytest.approx(100)
    if res.pi_lo is not None:
        assert res.pi_lo <= res.ci_lo and res.ci_hi <= res.pi_hi
    assert 0 <= res.p_value <= 1


@settings(max_examples=30, deadline=None)
@given(studies().filter(lambda d: len(d[0]) >= 3), st.sampled_from(TAU2_METHODS))
def test_trim_and_fill_fills_at_most_half_and_keeps_tau2_non_negative(data, method):
    y, v = data
    tf = bias_tests(y, v, method=method).trim_fill
    if tf is not None:  # None when k0 cycles, which the next test covers
        assert 0 <= tf.k0 <= len(y) // 2 + 1
        assert len(tf.imputed_effects) == tf.k0 == tf.filled.k - len(y)
        assert tf.filled.tau2 >= 0


#: Studies where k0 cycles between 0 and 1 under DerSimonian-Laird (found by Hypothesis).
CYCLING = (
    [0.0, 1.3125, -1.0, 0.0, 0.0, 1.0, 2.0, -1.5, 3.0, 0.75, 3.0],
    [0.5, 1.0, 2.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 0.03125, 3.0],
)


def test_trim_and_fill_that_cycles_raises_and_is_noted_in_bias_tests():
    with pytest.raises(FitError, match="did not settle on a number of missing studies"):
        trim_and_fill(*CYCLING, method="DL")
    tests = bias_tests(*CYCLING, method="DL")
    assert tests.trim_fill is None
    assert tests.egger is not None
    assert tests.notes[-1].startswith("Trim and fill: ")  # after the note on Peters' test


def test_equal_effects_do_not_make_trim_and_fill_cycle_on_rounding_noise():
    tf = trim_and_fill([3.0, 3.0, 3.0], [1.0, 3.0, 0.5], method="FE")
    assert tf.k0 == 0


def test_knapp_hartung_with_a_perfect_fit():
    zero = meta_analyze([0.0, 0.0, 0.0], [0.1, 0.2, 0.3], knapp_hartung=True)
    assert (zero.se, zero.statistic, zero.p_value) == (0.0, 0.0, 1.0)
    same = meta_analyze([2.0] * 4, [1.0] * 4, knapp_hartung=True)
    assert (same.statistic, same.p_value) == (math.inf, 0.0)
    near = meta_analyze([0.5, 0.5, 0.5], [0.1, 0.2, 0.3], knapp_hartung=True)
    assert near.p_value < 1e-12


# ---------------------------------------------------------------------------- error paths

_BAD_POOLING = [
    ({"effects": [0.1], "variances": [0.1]}, "'effects' .* must be a sequence of at least 2"),
    ({"variances": [0.1, -0.2]}, "'variances' parameter of meta_analyze must be a sequence of"),
    ({"variances": [0.1, 0.0]}, "finite numbers > 0"),
    ({"variances": [0.1]}, r"'variances' .* must be a 1-d sequence of 2 finite"),
    ({"effects": [0.1, float("nan")]}, "non-empty 1-d sequence of finite numbers"),
    ({"effects": "0.1,0.2"}, "non-empty 1-d sequence"),
    ({"effects": ["a", "b"]}, "non-empty 1-d sequence"),
    ({"effects": [[0.1, 0.2]]}, "non-empty 1-d sequence"),
    ({"method": "ML"}, r"'method' .* must be one of 'DL', 'FE', 'PM', 'REML'"),
    ({"level": 1.0}, r"'level' parameter of meta_analyze must be a probability in \(0, 1\)"),
    ({"knapp_hartung": 1}, "'knapp_hartung' parameter of meta_analyze must be True or False"),
    ({"measure": "SMD"}, "'measure' parameter of meta_analyze"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "message"), _BAD_POOLING)
def test_meta_analyze_rejects_bad_input(change, message):
    kwargs = {"effects": [0.1, 0.2], "variances": [0.1, 0.2]} | change
    with pytest.raises(InvalidParameterError, match=message):
        meta_analyze(**kwargs)


def test_messages_keep_the_shape_and_abbreviate_long_inputs():
    with pytest.raises(InvalidParameterError) as info:
        meta_analyze(list(range(1000)), [-1.0] * 1000)
    message = str(info.value)
    assert message.startswith("The 'variances' parameter of meta_analyze must be")
    assert message.endswith("instead.")
    assert len(message) < 300


_BAD_COUNTS = [
    ({"yes_t": [5], "n_t": [4]}, "'yes_t' parameter of effects_from_counts must be at most n_t"),
    ({"yes_c": [9], "n_c": [8]}, "'yes_c' parameter of effects_from_counts must be at most n_c"),
    ({"yes_t": [-1]}, "'yes_t' parameter of effects_from_counts must be a sequence of integ"),
    ({"yes_t": [1.5]}, "integers >= 0"),
    ({"n_t": [0]}, "'n_t' parameter of effects_from_counts must be a sequence of integers >= 1"),
    ({"n_c": [10, 10]}, "'n_c' parameter of effects_from_counts must be a 1-d sequence of 1"),
    ({"measure": "PHI"}, "'measure' parameter of effects_from_counts must be one of"),
    ({"n_t": [2], "n_c": [1], "yes_t": [1], "yes_c": [0], "measure": "ZCOR"}, r"n_t \+ n_c > 3"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "message"), _BAD_COUNTS)
def test_effects_from_counts_rejects_bad_counts(change, message):
    kwargs = {"yes_t": [3], "n_t": [10], "yes_c": [4], "n_c": [10]} | change
    with pytest.raises(InvalidParameterError, match=message):
        effects_from_counts(**kwargs)


@pytest.mark.parametrize(
    ("r", "n", "message"),
    [
        ([1.0], [10], r"'r' parameter of effects_from_r must be a sequence of correlations in \("),
        ([0.2], [3], "'n' parameter of effects_from_r must be a sequence of integers >= 4"),
        ([0.2, 0.3], [10], "'n' parameter of effects_from_r must be a 1-d sequence of 2"),
    ],
)  # fmt: skip
def test_effects_from_r_rejects_bad_input(r, n, message):
    with pytest.raises(InvalidParameterError, match=message):
        effects_from_r(r, n)


@pytest.mark.parametrize(
    ("moderators", "message"),
    [
        ({}, "'moderators' parameter of meta_regression must be a non-empty mapping"),
        ([1, 2, 3], "non-empty mapping"),
        ({"x": [1, 1, 1, 1]}, r"'moderators\[x\]' .* must be a moderator that varies"),
        ({"x": [1, 2, 3]}, r"'moderators\[x\]' .* must be a 1-d sequence of 4"),
        ({"x": [1, 2, 3, 4], "y": [2, 4, 6, 8]}, "moderators that are not collinear"),
        ({"x": [1, 2, 3, 4], "y": [1, 0, 0, 1], "z": [0, 1, 3, 3]}, "more than 4 effects"),
    ],
)  # fmt: skip
def test_meta_regression_rejects_bad_moderators(moderators, message):
    with pytest.raises(InvalidParameterError, match=message):
        meta_regression([0.1, 0.2, 0.3, 0.5], [0.01] * 4, moderators)


def test_bias_tests_reject_too_few_or_degenerate_studies():
    with pytest.raises(
        InvalidParameterError,
        match="'effects' parameter of egger_test must be a sequence of at least 3",
    ):
        egger_test([0.1, 0.2], [0.1, 0.2])
    with pytest.raises(InvalidParameterError, match="variances that differ between studies"):
        egger_test([0.1, 0.2, 0.3], [0.1, 0.1, 0.1])
    with pytest.raises(InvalidParameterError, match="the same total sample size"):
        peters_test([5, 6, 7], [20, 20, 20], [4, 5, 6], [20, 20, 20])
    with pytest.raises(InvalidParameterError, match="'n_t' parameter of peters_test"):
        peters_test([5, 6, 7], [20, 0, 20], [4, 5, 6], [20, 20, 20])
    with pytest.raises(InvalidParameterError, match="'side' parameter of trim_and_fill"):
        trim_and_fill([0.1, 0.2, 0.3], [0.1, 0.2, 0.3], side="up")
    with pytest.raises(InvalidParameterError, match=r"'counts\[n_t\]' parameter of bias_tests"):
        bias_tests([0.1, 0.2, 0.3], [0.1, 0.2, 0.3], counts=([1, 2, 3], [10, 20], [1] * 3, [9] * 3))
    with pytest.raises(InvalidParameterError, match="'counts' parameter of bias_tests"):
        bias_tests([0.1, 0.2, 0.3], [0.1, 0.2, 0.3], counts=([1, 2, 3], [10, 20, 30]))
    with pytest.raises(InvalidParameterError, match="'measure' parameter of back_transform"):
        back_transform(0.1, "log")


# -------------------------------------------------------------------------------- charts


def test_forest_and_funnel_plots_are_written(tmp_path):
    from ditf.plots import plot_forest, plot_funnel

    rep = meta_from_table(BCG, measure="RR", moderators=[])
    plot_forest(rep.result, rep.labels, tmp_path / "forest.png")
    assert rep.bias is not None and rep.bias.trim_fill is not None
    plot_funnel(rep.result, tmp_path / "funnel.svg", trim_fill=rep.bias.trim_fill)
    example = meta_from_table(load_meta_example(), bias=False)
    plot_forest(example.fixed, example.labels, tmp_path / "example.pdf")
    assert {p.name for p in tmp_path.iterdir()} == {"forest.png", "funnel.svg", "example.pdf"}
    assert all(p.stat().st_size > 1000 for p in tmp_path.iterdir())


def test_plots_reject_bad_labels_and_unwritable_paths(tmp_path):
    from ditf.plots import plot_forest, plot_funnel

    res = meta_analyze(RR.effects, RR.variances, measure="RR")
    with pytest.raises(InvalidParameterError, match="'labels' parameter of plot_forest"):
        plot_forest(res, ["only one"], tmp_path / "forest.png")
    with pytest.raises(InvalidParameterError, match="Cannot write the plot"):
        plot_forest(res, BCG.studies, tmp_path / "missing" / "forest.png")
    with pytest.raises(InvalidParameterError, match="Cannot write the plot"):
        plot_funnel(res, tmp_path / "funnel.unknown")
