"""The batch engine: properties over random problems, determinism, episodes, the one-off API."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from negotiate_factories import cialdini, problems, single, two_issue

from ditf._errors import InvalidParameterError
from ditf.model import Mechanisms
from ditf.negotiate import (
    COUNTERPARTS,
    STRATEGIES,
    BatchResult,
    HumanCounterpart,
    TimeBased,
    _batch,
    make_counterpart,
    negotiate,
    negotiate_batch,
)

COUNTERPART_NAMES = sorted(COUNTERPARTS)
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# Properties ---------------------------------------------------------------------------------


@PROPERTY
@given(
    problems(),
    st.sampled_from(sorted(STRATEGIES)),
    st.sampled_from(COUNTERPART_NAMES),
    st.integers(0, 2**32 - 1),
)
def test_no_agreement_is_below_either_reservation(problem, strategy, counterpart, seed):
    result = negotiate_batch(problem, strategy, counterpart, n=8, rng=seed)
    arrays = problem.space.arrays()
    res_r, res_c = problem.reservation_utilities
    deal = result.agreement[result.agreed]
    assert np.all(arrays.requester[deal] >= res_r)
    assert np.all(arrays.counterpart[deal] >= res_c)
    w = result.welfare()
    assert np.all(w.requester_surplus >= 0) and np.all(w.counterpart_surplus >= 0)


@PROPERTY
@given(problems(), st.sampled_from(sorted(STRATEGIES)), st.sampled_from(COUNTERPART_NAMES))
def test_results_are_in_range_and_consistent(problem, strategy, counterpart):
    result = negotiate_batch(problem, strategy, counterpart, n=6, episodes=2, rng=0)
    assert result.n == 12
    assert result.episode.tolist() == [1] * 6 + [2] * 6
    assert np.all((result.rounds >= 1) & (result.rounds <= problem.rounds))
    assert not np.any(result.walked & result.agreed)
    timed_out = ~result.agreed & ~result.walked
    assert np.all(result.rounds[timed_out] == problem.rounds)
    assert np.all((result.agreement >= -1) & (result.agreement < problem.space.n_outcomes))
    assert np.all(result.opener >= 0)
    w = result.welfare()
    for values in (w.requester_utility, w.counterpart_utility):
        assert np.all((values >= 0) & (values <= 1 + 1e-12))
    assert np.all(w.pareto_distance >= 0)
    assert np.all(w.nash_product >= 0)
    assert np.all(w.nash_share[np.isfinite(w.nash_share)] <= 1 + 1e-9)
    if counterpart != "human":
        assert not result.walked.any()  # only a person walks out


@PROPERTY
@given(
    problems(),
    st.sampled_from(sorted(STRATEGIES)),
    st.sampled_from([c for c in COUNTERPART_NAMES if c != "human"]),
    st.integers(0, 2**32 - 1),
)
def test_deterministic_strategies_ignore_the_seed(problem, strategy, counterpart, seed):
    a = negotiate_batch(problem, strategy, counterpart, n=3, rng=seed)
    b = negotiate_batch(problem, strategy, counterpart, n=3, rng=seed + 1)
    np.testing.assert_array_equal(a.agreement, b.agreement)
    np.testing.assert_array_equal(a.rounds, b.rounds)
    assert len(set(a.agreement.tolist())) == 1  # identical negotiations agree identically


@PROPERTY
@given(problems(), st.sampled_from(sorted(STRATEGIES)), st.integers(0, 2**32 - 1))
def test_a_human_counterpart_is_reproducible_under_a_seed(problem, strategy, seed):
    a = negotiate_batch(problem, strategy, "human", n=5, rng=seed)
    b = negotiate_batch(problem, strategy, "human", n=5, rng=np.random.default_rng(seed))
    np.testing.assert_array_equal(a.agreement, b.agreement)
    np.testing.assert_array_equal(a.rounds, b.rounds)
    np.testing.assert_array_equal(a.walked, b.walked)


@PROPERTY
@given(problems(), st.sampled_from(sorted(STRATEGIES)), st.integers(0, 1000))
def test_one_negotiation_is_a_batch_of_one(problem, strategy, seed):
    deal = negotiate(problem, strategy, "human", rng=seed)
    batch = negotiate_batch(problem, strategy, "human", n=1, rng=seed)
    assert deal.agreement_index == batch.agreement[0]
    assert deal.rounds == batch.rounds[0]
    assert deal.walked_away == batch.walked[0]
    last = deal.moves[-1]
    if deal.agreement is not None:
        assert last.action == "accept" and last.index == deal.agreement_index
    elif deal.walked_away:
        assert last.action == "walk away" and last.side == "counterpart"
    assert [m.round for m in deal.moves] == sorted(m.round for m in deal.moves)


# Examples -----------------------------------------------------------------------------------


def test_time_based_pairs_agree_where_their_curves_cross():
    result = negotiate_batch(single(), "boulware", "conceder", n=2)
    assert result.agreement.tolist() == [58, 58]
    assert result.rounds.tolist() == [89, 89]
    assert result.requester == "boulware" and result.counterpart == "conceder"


def test_per_negotiation_reservations_change_the_outcomes():
    r_res = np.array([0.3, 0.5, 0.7])
    result = negotiate_batch(single(), "linear", "linear", n=3, requester_reservation=r_res,
                             counterpart_reservation=np.array([0.2, 0.2, 0.5]))  # fmt: skip
    utilities = single().space.arrays().requester[result.agreement]
    assert np.all(utilities >= r_res)
    assert len(set(result.agreement.tolist())) == 3
    np.testing.assert_array_equal(result.requester_reservation, r_res)


@pytest.mark.parametrize(
    "values", [np.array([0.1, 0.2]), np.array([0.1, 0.2, 1.5]), [[0.1, 0.2, 0.3]]]
)
def test_per_negotiation_reservations_are_validated(values):
    with pytest.raises(InvalidParameterError, match="'requester_reservation' parameter of "
                       "negotiate_batch must be 3 utilities in"):  # fmt: skip
        negotiate_batch(single(), n=3, requester_reservation=values)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 0}, "'n' parameter of negotiate_batch must be an int in"),
        ({"episodes": 51}, r"'episodes' parameter of negotiate_batch must be an int in \[1, 50\]"),
        ({"counterpart": "robot"}, "'counterpart' parameter of negotiate_batch must be one of "
         "'boulware', 'conceder', 'human', 'linear', 'tit_for_tat'. Got 'robot'"),
        ({"strategy": "charm"}, "'strategy' parameter of negotiate_batch"),
        ({"rng": -1}, "'rng' parameter of ditf must be an int >= 0"),
    ],
)  # fmt: skip
def test_batch_arguments_are_validated(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        negotiate_batch(single(), **kwargs)


def test_only_problems_are_negotiated():
    for call in (negotiate_batch, negotiate):
        with pytest.raises(InvalidParameterError, match=r"'problem' parameter of .* must be a "):
            call({"target": 40})


def test_make_counterpart_returns_objects_as_they_are():
    person = HumanCounterpart(baseline=0.4)
    assert make_counterpart(person) is person
    assert make_counterpart("boulware") == TimeBased(exponent=4.0)


def test_records_and_frame_hold_every_negotiation_and_its_welfare():
    result = negotiate_batch(two_issue(), "door_in_the_face", "human", n=25, episodes=2, rng=3)
    records = result.records()
    assert len(records) == 50
    json.dumps(records)  # plain Python values only
    keys = {"requester", "counterpart", "episode", "agreed", "agreement", "rounds",
            "walked_away", "joint_surplus", "pareto_distance", "nash_product", "nash_share",
            "retreat", "retreat_gain"}  # fmt: skip
    assert keys <= records[0].keys()
    frame = result.to_frame()
    assert len(frame) == 50 and set(frame["retreat"]) <= {"none", "joint gain", "transfer",
                                                          "joint loss"}  # fmt: skip
    assert frame["agreed"].sum() == result.agreed.sum()


def test_human_batches_run_in_memory_bounded_blocks(monkeypatch):
    whole = negotiate_batch(cialdini(rounds=3), "door_in_the_face", "human", n=300, rng=5)
    monkeypatch.setattr(_batch, "BLOCK_CELLS", 105 * 64)  # blocks of 64 negotiations
    assert len(_batch._blocks(300, HumanCounterpart(), cialdini())) == 5
    blocked = negotiate_batch(cialdini(rounds=3), "door_in_the_face", "human", n=300, rng=5)
    assert isinstance(blocked, BatchResult) and blocked.n == 300
    # Different blocks draw the random numbers in another order, not another model.
    assert abs(blocked.agreed.mean() - whole.agreed.mean()) < 0.15
    assert len(_batch._blocks(300, TimeBased(), cialdini())) == 1


def test_a_traced_negotiation_records_messages_and_model_terms():
    # With anchoring on, the opener lifts the first counter above the target and the requester
    # takes it (no retreat to trace); without it the counter stays low and the requester retreats.
    counterpart = HumanCounterpart(mechanisms=Mechanisms().without("anchoring"))
    deal = negotiate(single(), "door_in_the_face", counterpart, rng=1)
    human = [m for m in deal.moves if m.side == "counterpart"]
    assert human[0].lifts is not None and set(human[0].lifts) == {
        "reciprocity", "contrast", "consistency", "credibility", "anchoring"}  # fmt: skip
    assert human[0].p_yes == 0.0  # the opener is beyond its limit
    assert human[1].p_yes is not None and 0 < human[1].p_yes < 1
    assert human[1].lifts["reciprocity"] > 0  # the retreat is a concession
    payload = deal.to_dict()
    json.dumps(payload)
    assert payload["status"] == deal.status
    assert len(payload["moves"]) == len(deal.moves)


def test_no_deal_statuses():
    timeout = negotiate(single(), "tit_for_tat", "tit_for_tat")
    assert timeout.status == "no agreement" and timeout.agreement is None
    assert timeout.to_dict()["agreement_text"] is None
    insulted = cialdini(plausible_max=10)
    walked = next(d for s in range(200) if (d := negotiate(insulted, rng=s)).walked_away)
    assert walked.status == "walked away"
    assert walked.moves[-1].message.startswith("After that opening")
