"""The population kernel: table normals, exact two-step agreement, longer sequences, blocks."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

from ditf.model import (
    Context,
    Mechanisms,
    ModelParams,
    ParamArrays,
    Request,
    Sequence,
    Step,
    load_model,
)
from ditf.model._probability import compile_two_step, evaluate_two_step, monte_carlo
from ditf.simulate import _engine
from ditf.simulate._engine import compile_sequence, normals, run_episodes

#: Agreement with exact or simulated values: |difference| within this many standard errors.
N_SE = 4.0
#: The table sampler moves every probability by at most one of its 65536 bins.
TABLE_ERROR = 1.0 / 65536


# The table-normal sampler -------------------------------------------------------------------


def test_the_normal_table_has_mean_zero_and_variance_one():
    table = _engine._normal_table().astype(float)
    assert table.shape == (65536,)
    assert abs(table.mean()) < 1e-7
    assert table.var() == pytest.approx(1.0, abs=1e-4)
    # Bin means increase and are symmetric about 0.
    assert np.all(np.diff(table) > 0)
    np.testing.assert_allclose(table, -table[::-1], atol=1e-6)


@pytest.mark.parametrize("x", [-3.5, -2.0, -1.0, -0.3, 0.0, 0.01, 0.7, 1.6449, 2.5, 3.9])
def test_the_table_cdf_is_within_one_bin_of_phi(x):
    # Each bin mean lies inside its bin, so P(draw < x) is Phi(x) rounded to a bin.
    table = _engine._normal_table()
    assert abs(np.mean(table < x) - ndtr(x)) <= TABLE_ERROR


def test_table_normals_have_mean_zero_variance_one_and_the_normal_cdf():
    n = 2_000_000
    z = normals(np.random.default_rng(11), n).astype(float)
    assert z.shape == (n,)
    assert abs(z.mean()) < N_SE / np.sqrt(n)
    assert abs(z.var() - 1.0) < N_SE * np.sqrt(2.0 / n)
    for x in (-2.5, -1.0, 0.0, 0.5, 1.96, 3.0):
        phi = ndtr(x)
        se = np.sqrt(phi * (1 - phi) / n)
        assert abs(np.mean(z < x) - phi) < TABLE_ERROR + N_SE * se, x


def test_table_normals_are_float32_and_scale():
    gen = np.random.default_rng(3)
    assert normals(gen, 10).dtype == np.float32
    n = 1_000_000
    z = normals(gen, n, scale=0.5).astype(float)
    assert z.std() == pytest.approx(0.5, abs=N_SE * 0.5 / np.sqrt(2 * n))


@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 1001])
def test_table_normals_return_exactly_n_draws(n):
    assert normals(np.random.default_rng(0), n).shape == (n,)


def test_table_normals_are_deterministic_per_seed():
    a = normals(np.random.default_rng(5), 1000)
    b = normals(np.random.default_rng(5), 1000)
    c = normals(np.random.default_rng(6), 1000)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


# Exact two-step probabilities ---------------------------------------------------------------

SCENARIOS = {
    "door_in_the_face": (
        Sequence.door_in_the_face(opener=208, target=2, unit="hours"),
        Context(baseline=0.167),
    ),
    "exposure_control": (
        Sequence.door_in_the_face(opener=208, target=2, unit="hours", described_only=True),
        Context(baseline=0.167),
    ),
    "two_requesters": (
        Sequence.door_in_the_face(opener=208, target=2, unit="hours", other_requester=True),
        Context(baseline=0.3),
    ),
    "foot_in_the_door": (
        Sequence.foot_in_the_door(foot=0.1, target=2, unit="hours", prosocial=False),
        Context(baseline=0.222),
    ),
    "delayed retreat": (
        Sequence.door_in_the_face(opener=50, target=2, delay_hours=24),
        Context(baseline=0.4),
    ),
    "agree-only foot": (
        Sequence.foot_in_the_door(foot=0.1, target=2, delay_hours=72, performed=False),
        Context(baseline=0.222),
    ),
    "absurd opener": (
        Sequence.door_in_the_face(opener=5000, target=2),
        Context(baseline=0.25, plausible_max=300),
    ),
}
PARAMETERS = {
    "shipped fit": (load_model().params, 1.0),
    "example, strong context": (ModelParams.example(), 1.8),
}
N_PEOPLE = 1_000_000


def exact(seq, context, params, strength, mechanisms=None):
    p = ParamArrays.from_matrix(params.to_array()[None, :])
    out = evaluate_two_step(
        compile_two_step([(seq, context)]),
        p,
        mechanisms or Mechanisms(),
        np.array([[strength]]),
        np.array([[ndtri(context.baseline)]]),
    )
    return float(out.p_asked[0, 0]), float(out.verbal[0, 0]), float(out.behavioral[0, 0])


def assert_rate(count, trials, p, what):
    se = np.sqrt(p * (1 - p) / trials)
    assert abs(count / trials - p) < N_SE * se + 2 * TABLE_ERROR, (what, count / trials, p)


@pytest.mark.parametrize("params_name", list(PARAMETERS))
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_run_episodes_agrees_with_the_exact_two_step_probabilities(name, params_name):
    seq, context = SCENARIOS[name]
    params, strength = PARAMETERS[params_name]
    p_asked, verbal, behavioral = exact(seq, context, params, strength)
    compiled = compile_sequence(seq, context, params, Mechanisms(), strength=strength)
    gen = np.random.default_rng(
        [7, list(SCENARIOS).index(name), list(PARAMETERS).index(params_name)]
    )
    (counts,) = run_episodes(compiled, N_PEOPLE, 1, gen)
    last = len(seq.steps) - 1
    asked = int(counts.asked[last])
    assert_rate(asked, N_PEOPLE, p_asked, "P(asked)")
    assert_rate(int(counts.yes[last]), asked, verbal, "verbal")
    assert_rate(int(counts.kept[last]), asked, behavioral, "behavioral")
    assert counts.kept[last] <= counts.yes[last] <= counts.asked[last]


def test_a_switched_off_mechanism_agrees_with_the_exact_probabilities():
    seq, context = SCENARIOS["door_in_the_face"]
    params = load_model().params
    mech = Mechanisms().without("reciprocity", "follow_through")
    _, verbal, behavioral = exact(seq, context, params, 1.0, mech)
    assert behavioral == pytest.approx(verbal)  # follow-through off: every yes is kept
    compiled = compile_sequence(seq, context, params, mech)
    (counts,) = run_episodes(compiled, N_PEOPLE, 1, np.random.default_rng(8))
    assert_rate(int(counts.yes[1]), int(counts.asked[1]), verbal, "verbal")
    assert counts.kept[1] == counts.yes[1]


def test_the_described_opener_is_never_asked_and_the_target_always_is():
    seq, context = SCENARIOS["exposure_control"]
    compiled = compile_sequence(seq, context, load_model().params, Mechanisms())
    (counts,) = run_episodes(compiled, 10_000, 1, np.random.default_rng(0))
    assert counts.asked.tolist() == [0, 10_000]
    assert counts.yes[0] == counts.kept[0] == 0


def test_a_foot_in_the_door_target_is_asked_after_either_answer():
    seq, context = SCENARIOS["foot_in_the_door"]
    compiled = compile_sequence(seq, context, load_model().params, Mechanisms())
    (counts,) = run_episodes(compiled, 10_000, 1, np.random.default_rng(0))
    assert counts.asked.tolist() == [10_000, 10_000]


# Longer sequences ---------------------------------------------------------------------------

THREE = Sequence(
    (
        Step(request=Request(cost=1000.0)),
        Step(request=Request(cost=208.0), delay_hours=1.0),
        Step(request=Request(cost=2.0)),
    )
)


def test_a_three_step_sequence_agrees_with_monte_carlo():
    params, context, strength = ModelParams.example(), Context(baseline=0.167), 1.3
    p = ParamArrays.from_matrix(params.to_array()[None, :])
    n_mc = 400_000
    mc = monte_carlo(
        THREE,
        context,
        p,
        Mechanisms(),
        np.array([[strength]]),
        np.array([[ndtri(context.baseline)]]),
        n_mc,
        np.random.default_rng(21),
    )
    compiled = compile_sequence(THREE, context, params, Mechanisms(), strength=strength)
    (counts,) = run_episodes(compiled, N_PEOPLE, 1, np.random.default_rng(22))
    asked = int(counts.asked[2])
    pairs = [
        (asked / N_PEOPLE, float(mc.p_asked[0]), N_PEOPLE, n_mc),
        (counts.yes[2] / asked, float(mc.verbal[0]), asked, n_mc * float(mc.p_asked[0])),
        (counts.kept[2] / asked, float(mc.behavioral[0]), asked, n_mc * float(mc.p_asked[0])),
    ]
    for got, want, n_got, n_want in pairs:
        se = np.sqrt(want * (1 - want) * (1 / n_got + 1 / n_want))
        assert abs(got - want) < N_SE * se + 2 * TABLE_ERROR, (got, want)
    # The target is reached only after two refusals; the middle step only after one.
    assert counts.asked[0] > counts.asked[1] > counts.asked[2] > 0


def test_room_for_later_episodes_does_not_change_the_first_episode():
    # The tables count a retreat within its own episode; it must not also count as an
    # earlier-episode retreat, or a double retreat would be habituated twice.
    params, context = ModelParams.example(), Context(baseline=0.167)
    rates = []
    for max_retreats in (0, 2):
        compiled = compile_sequence(THREE, context, params, Mechanisms(), max_retreats=max_retreats)
        (counts,) = run_episodes(compiled, N_PEOPLE, 1, np.random.default_rng(4))
        rates.append((int(counts.yes[2]), int(counts.asked[2])))
    (y0, n0), (y2, n2) = rates
    p = (y0 + y2) / (n0 + n2)
    se = np.sqrt(p * (1 - p) * (1 / n0 + 1 / n2))
    assert abs(y0 / n0 - y2 / n2) < N_SE * se


# Episodes, determinism, blocks --------------------------------------------------------------


def test_episode_e_of_a_door_matches_the_exact_rate_after_e_minus_1_retreats():
    # Almost everyone refuses the 208-hour opener, so before episode e almost everyone has
    # seen e - 1 retreats: the exact two-step rate with prior_retreats = e - 1.
    seq, context = SCENARIOS["door_in_the_face"]
    params = load_model().params
    compiled = compile_sequence(seq, context, params, Mechanisms(), max_retreats=3)
    episodes = run_episodes(compiled, N_PEOPLE, 4, np.random.default_rng(9))
    for e, counts in enumerate(episodes, start=1):
        prior = Context(baseline=context.baseline, prior_retreats=e - 1)
        _, verbal, behavioral = exact(seq, prior, params, 1.0)
        asked = int(counts.asked[1])
        assert_rate(int(counts.yes[1]), asked, verbal, f"verbal, episode {e}")
        assert_rate(int(counts.kept[1]), asked, behavioral, f"behavioral, episode {e}")


def test_the_same_seed_gives_identical_counts():
    seq, context = SCENARIOS["door_in_the_face"]
    compiled = compile_sequence(seq, context, load_model().params, Mechanisms(), max_retreats=1)

    def counts(seed):
        out = run_episodes(compiled, 50_000, 2, np.random.default_rng(seed))
        return [np.concatenate([c.asked, c.yes, c.kept]) for c in out]

    a, b, c = counts(1), counts(1), counts(2)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert any(not np.array_equal(x, z) for x, z in zip(a, c, strict=True))


@pytest.mark.parametrize("block", [1000, 4096])
def test_people_beyond_one_block_give_the_same_distribution(monkeypatch, block):
    seq, context = SCENARIOS["door_in_the_face"]
    params = load_model().params
    compiled = compile_sequence(seq, context, params, Mechanisms(), max_retreats=1)
    n = 300_001  # not a multiple of the block: the last block is partial
    whole = run_episodes(compiled, n, 2, np.random.default_rng(31))
    monkeypatch.setattr(_engine, "BLOCK", block)
    blocked = run_episodes(compiled, n, 2, np.random.default_rng(32))
    for e, (w, b) in enumerate(zip(whole, blocked, strict=True), start=1):
        assert b.asked[0] == w.asked[0] == n
        for field in ("yes", "kept"):
            got, want = int(getattr(b, field)[1]), int(getattr(w, field)[1])
            p = (got + want) / (int(b.asked[1]) + int(w.asked[1]))
            se = np.sqrt(p * (1 - p) * (1 / int(b.asked[1]) + 1 / int(w.asked[1])))
            assert abs(got / int(b.asked[1]) - want / int(w.asked[1])) < N_SE * se, (e, field)
    # And the blocked run still matches the exact first episode.
    _, verbal, _ = exact(seq, context, params, 1.0)
    assert_rate(int(blocked[0].yes[1]), int(blocked[0].asked[1]), verbal, "verbal")
