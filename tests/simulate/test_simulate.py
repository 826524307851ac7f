"""simulate(): tidy rows, intervals, expected values, episodes, validation; Settings."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from scipy.special import ndtri

from ditf._errors import InvalidParameterError
from ditf.model import Context, Mechanisms, ParamArrays, load_model
from ditf.model._probability import compile_two_step, evaluate_two_step
from ditf.settings import Settings
from ditf.simulate import CONDITIONS, Scenario, SimulationRow, simulate, wilson_interval

#: Agreement: |difference| within this many standard errors.
N_SE = 4.0
ROW_COLUMNS = [f.name for f in dataclasses.fields(SimulationRow)]
#: Asked (not described) steps per condition.
STEPS = {
    "target_only": [1],
    "door_in_the_face": [1, 2],
    "exposure_control": [2],
    "two_requesters": [1, 2],
    "foot_in_the_door": [1, 2],
}


def exact_verbal(seq, context):
    """Exact P(yes to the target | asked) at the shipped mode, strength 1 (as simulate)."""
    p = ParamArrays.from_matrix(load_model().params.to_array()[None, :])
    z = np.array([[ndtri(context.baseline)]])
    out = evaluate_two_step(compile_two_step([(seq, context)]), p, Mechanisms(), np.ones((1, 1)), z)
    return float(out.verbal[0, 0])


@pytest.fixture(scope="module")
def result():
    return simulate(n_people=200_000, rng=12)


# Rows and frames ----------------------------------------------------------------------------


def test_one_row_per_condition_and_asked_step_in_condition_order(result):
    assert result.n_people == 200_000
    assert result.scenario == Scenario()
    assert [(r.condition, r.step) for r in result.rows] == [
        (name, step) for name in CONDITIONS for step in STEPS[name]
    ]
    targets = [r for r in result.rows if r.is_target]
    assert [r.condition for r in targets] == list(CONDITIONS)
    assert all(r.episode == 1 and r.cost == 2.0 for r in targets)
    assert {r.cost for r in result.rows if not r.is_target} == {208.0, 0.1}


def test_to_frame_is_tidy(result):
    frame = result.to_frame()
    assert list(frame.columns) == [*ROW_COLUMNS, "expected_value", "expected_value_kept"]
    assert len(frame) == len(result.rows)
    targets = frame[frame["is_target"]]
    assert targets.groupby(["condition", "episode"]).size().eq(1).all()
    assert len(targets) == len(CONDITIONS)
    # Expected values sit on target rows only.
    assert targets["expected_value"].notna().all()
    assert frame.loc[~frame["is_target"], "expected_value"].isna().all()


def test_counts_rates_and_intervals_are_consistent(result):
    for r in result.rows:
        assert 0 <= r.kept <= r.yes <= r.asked <= result.n_people
        assert r.p_yes == r.yes / r.asked
        assert r.p_kept == r.kept / r.asked
        assert 0.0 <= r.p_yes_lo <= r.p_yes <= r.p_yes_hi <= 1.0
        assert 0.0 <= r.p_kept_lo <= r.p_kept <= r.p_kept_hi <= 1.0
        assert (r.p_yes_lo, r.p_yes_hi) == wilson_interval(r.yes, r.asked)
        assert (r.p_kept_lo, r.p_kept_hi) == wilson_interval(r.kept, r.asked)


def test_expected_value_is_the_cost_said_yes_to_per_person(result):
    for name in CONDITIONS:
        rows = [r for r in result.rows if r.condition == name]
        verbal = sum(r.yes * r.cost for r in rows) / result.n_people
        kept = sum(r.kept * r.cost for r in rows) / result.n_people
        assert result.expected_value(name) == pytest.approx(verbal, rel=1e-12)
        assert result.expected_value(name, behavioral=True) == pytest.approx(kept, rel=1e-12)
        assert result.expected_value(name, behavioral=True) <= result.expected_value(name)
    record = next(
        r for r in result.records() if r["condition"] == "door_in_the_face" and r["is_target"]
    )
    assert record["expected_value"] == result.expected_value("door_in_the_face")


def test_the_targets_agree_with_the_exact_model(result):
    # The simulation and the exact probabilities are one model (docs/simulate.md).
    scenario = result.scenario
    for name, seq in scenario.sequences().items():
        want = exact_verbal(seq, scenario.context())
        row = result.target(name)
        se = np.sqrt(want * (1 - want) / row.asked)
        assert abs(row.p_yes - want) < N_SE * se + 1e-4, name


def test_the_door_beats_the_controls_in_the_default_scenario(result):
    door = result.target("door_in_the_face")
    for control in ("target_only", "exposure_control", "two_requesters"):
        assert door.p_yes_lo > result.target(control).p_yes_hi, control
    # The target alone is the scenario's baseline.
    alone = result.target("target_only")
    assert alone.p_yes_lo < Scenario().baseline < alone.p_yes_hi


@pytest.mark.parametrize("name", CONDITIONS)
def test_every_condition_runs_alone(name):
    out = simulate(conditions=[name], n_people=5_000, rng=1)
    assert {r.condition for r in out.rows} == {name}
    assert [r.step for r in out.rows] == STEPS[name]
    assert out.target(name).asked > 0


def test_the_same_seed_gives_the_same_rows_and_another_seed_does_not():
    a = simulate(n_people=5_000, rng=3)
    assert simulate(n_people=5_000, rng=3).rows == a.rows
    assert simulate(n_people=5_000, rng=np.random.SeedSequence(3)).rows == a.rows
    assert simulate(n_people=5_000, rng=4).rows != a.rows


def test_mechanisms_params_and_strength_reach_the_kernel():
    scenario = Scenario()
    off = simulate(
        scenario,
        conditions=["door_in_the_face"],
        n_people=50_000,
        mechanisms=Mechanisms().without("reciprocity", "contrast"),
        rng=5,
    ).target("door_in_the_face")
    strong = simulate(
        scenario, conditions=["door_in_the_face"], n_people=50_000, strength=2.0, rng=5
    ).target("door_in_the_face")
    weak = simulate(
        scenario, conditions=["door_in_the_face"], n_people=50_000, strength=0.2, rng=5
    ).target("door_in_the_face")
    assert off.p_yes_hi < weak.p_yes_lo
    assert weak.p_yes_hi < strong.p_yes_lo
    # Without the two lifts, a refused opener leaves a below-baseline target (selection).
    assert off.p_yes_hi < scenario.baseline
    params = dataclasses.replace(load_model().params, follow_through=1.0)
    kept = simulate(conditions=["target_only"], n_people=2_000, params=params, rng=0)
    assert kept.target("target_only").kept == kept.target("target_only").yes


# Wilson intervals ---------------------------------------------------------------------------


def test_wilson_interval_known_value_and_no_trials():
    lo, hi = wilson_interval(50, 100)
    assert (lo, hi) == pytest.approx((0.4038315, 0.5961685), abs=1e-6)
    assert wilson_interval(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize("trials", [1, 7, 30, 1000, 123_457])
def test_wilson_intervals_contain_the_rate_inside_0_1(trials):
    for successes in range(1, trials, max(1, trials // 97)):
        lo, hi = wilson_interval(successes, trials)
        assert 0.0 < lo < successes / trials < hi < 1.0


@pytest.mark.parametrize("trials", [3, 10])
def test_wilson_intervals_contain_a_rate_of_0_or_1(trials):
    assert wilson_interval(0, trials)[0] <= 0.0
    assert wilson_interval(trials, trials)[1] >= 1.0


# Episodes -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def episodes():
    return simulate(conditions=["target_only", "door_in_the_face"], n_people=200_000,
                    episodes=4, rng=8)  # fmt: skip


def test_episodes_give_one_target_row_per_condition_and_episode(episodes):
    frame = episodes.to_frame()
    targets = frame[frame["is_target"]]
    assert sorted(zip(targets["condition"], targets["episode"], strict=True)) == sorted(
        (name, e) for name in ("target_only", "door_in_the_face") for e in range(1, 5)
    )
    assert all(episodes.expected_value("door_in_the_face", e) > 0 for e in range(1, 5))


def test_habituation_lowers_the_door_episode_after_episode(episodes):
    rows = [episodes.target("door_in_the_face", e) for e in range(1, 5)]
    for before, after in itertools.pairwise(rows):
        assert after.p_yes_hi < before.p_yes_lo, (before.episode, after.episode)
    # Each episode is the exact rate after one more retreat seen (almost all refuse 208 h).
    scenario = episodes.scenario
    door = scenario.sequences()["door_in_the_face"]
    for e, row in enumerate(rows, start=1):
        context = Context(baseline=scenario.baseline, prior_retreats=e - 1)
        want = exact_verbal(door, context)
        se = np.sqrt(want * (1 - want) / row.asked)
        assert abs(row.p_yes - want) < N_SE * se + 1e-4, e


def test_the_target_alone_stays_flat_across_episodes(episodes):
    rows = [episodes.target("target_only", e) for e in range(1, 5)]
    first = rows[0]
    for row in rows[1:]:
        # Overlapping 95% intervals and a difference within 4 SE of a difference.
        assert row.p_yes_lo < first.p_yes_hi and first.p_yes_lo < row.p_yes_hi
        se = np.sqrt(2 * first.p_yes * (1 - first.p_yes) / first.asked)
        assert abs(row.p_yes - first.p_yes) < N_SE * se


def test_a_single_episode_has_no_habituation():
    one = simulate(conditions=["door_in_the_face"], n_people=200_000, rng=8)
    four = simulate(conditions=["door_in_the_face"], n_people=200_000, episodes=4, rng=9)
    a, b = one.target("door_in_the_face"), four.target("door_in_the_face", 1)
    assert a.p_yes_lo < b.p_yes_hi and b.p_yes_lo < a.p_yes_hi


# Invalid input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"conditions": ["door_in_the_face", "nope"]}, r"'conditions' parameter .* Got 'nope'"),
        ({"n_people": 0}, r"'n_people' parameter of simulate must be an int in \[1, 20000000\]"),
        ({"n_people": 20_000_001}, r"'n_people' .* Got 20000001 instead"),
        ({"n_people": 2.5}, r"'n_people' .* Got 2\.5 instead"),
        ({"n_people": True}, r"'n_people' .* Got True instead"),
        ({"episodes": 0}, r"'episodes' parameter of simulate must be an int in \[1, 50\]"),
        ({"episodes": 51}, r"'episodes' .* Got 51 instead"),
        ({"rng": -1}, r"'rng' parameter .* must be an int >= 0\. Got -1"),
        ({"strength": 0.0}, r"'strength' parameter of simulate must be a finite number > 0"),
        ({"strength": float("nan")}, r"'strength' .* Got nan"),
    ],
)
def test_invalid_arguments_are_rejected(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        simulate(**{"n_people": 10, **kwargs})


def test_a_single_condition_name_as_a_string_is_reported_by_name():
    with pytest.raises(InvalidParameterError, match="Got 'door_in_the_face'"):
        simulate(conditions="door_in_the_face", n_people=10)


def test_the_target_of_a_condition_that_was_not_simulated_is_an_error():
    out = simulate(conditions=["target_only"], n_people=10, rng=0)
    with pytest.raises(InvalidParameterError, match="door_in_the_face"):
        out.target("door_in_the_face")


def test_the_population_cap_comes_from_settings():
    small = Settings(max_population=100)
    assert len(simulate(n_people=100, settings=small, rng=0).rows) == 8
    with pytest.raises(InvalidParameterError, match=r"'n_people' .* in \[1, 100\]\. Got 101"):
        simulate(n_people=101, settings=small)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"opener": 2.0}, r"opener > target > foot\. Got opener=2\.0, target=2\.0"),
        ({"opener": 1.0}, r"opener > target > foot\. Got opener=1\.0"),
        ({"foot": 3.0}, r"opener > target > foot"),
        ({"target": 0.0}, r"'target' parameter of Scenario must be a finite number > 0"),
        ({"opener": float("inf")}, r"'opener' parameter of Scenario"),
        ({"baseline": 1.5}, r"'baseline' parameter of Scenario must be a probability in \(0, 1\)"),
        ({"baseline": 0.0}, r"'baseline' .* Got 0\.0"),
        ({"baseline": 1.0}, r"'baseline' .* Got 1\.0"),
        ({"baseline": "0.2"}, r"'baseline' .* Got '0\.2'"),
        ({"plausible_max": -1.0}, r"'plausible_max' parameter"),
        ({"delay_hours": -1.0}, r"'delay_hours' parameter"),
        ({"prosocial": "yes"}, r"'prosocial' parameter of Scenario must be a bool"),
        ({"unit": 5}, r"'unit' parameter"),
    ],
)
def test_invalid_scenarios_are_rejected(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        Scenario(**kwargs)


def test_scenario_fields_and_sequences():
    assert Scenario.fields() == (
        "opener", "target", "foot", "unit", "delay_hours", "baseline", "plausible_max",
        "prosocial",
    )  # fmt: skip
    scenario = Scenario(opener=100, target=4, foot=1, unit="dollars", delay_hours=24)
    sequences = scenario.sequences()
    assert list(sequences) == list(CONDITIONS)
    door = sequences["door_in_the_face"]
    assert [s.request.cost for s in door.steps] == [100.0, 4.0]
    assert door.steps[1].delay_hours == 24.0
    assert {s.request.unit for seq in sequences.values() for s in seq.steps} == {"dollars"}
    assert sequences["exposure_control"].steps[0].request.described_only
    assert sequences["two_requesters"].steps[1].request.requester != door.steps[1].request.requester
    assert scenario.context() == Context(baseline=0.167)


# Settings -----------------------------------------------------------------------------------


def test_settings_defaults_and_environment():
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"UNRELATED": "x"}) == Settings()
    env = {"DITF_MAX_POPULATION": "1000", "DITF_MAX_SWEEP_RUNS": " 7 ", "DITF_MAX_RESPONSES": "9"}
    assert Settings.from_env(env) == Settings(
        max_population=1000, max_sweep_runs=7, max_responses=9
    )


def test_settings_read_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("DITF_MAX_SWEEP_RUNS", "3")
    monkeypatch.delenv("DITF_MAX_POPULATION", raising=False)
    monkeypatch.delenv("DITF_MAX_RESPONSES", raising=False)
    assert Settings.from_env() == Settings(max_sweep_runs=3)


@pytest.mark.parametrize("value", ["0", "-5", "abc", "1.5", "", "1e6", "1_000"])
@pytest.mark.parametrize(
    "key", ["DITF_MAX_POPULATION", "DITF_MAX_SWEEP_RUNS", "DITF_MAX_RESPONSES"]
)
def test_settings_reject_values_that_are_not_positive_integers(key, value):
    with pytest.raises(
        InvalidParameterError,
        match=rf"The environment variable {key} must be a positive integer\. Got {value!r}",
    ):
        Settings.from_env({key: value})


def test_settings_are_frozen_and_keyword_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().max_population = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        Settings(10)  # type: ignore[misc]
