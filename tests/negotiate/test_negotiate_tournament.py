"""Tournaments: tidy rows, seeding per cell, progress, and bad input."""

from __future__ import annotations

import json
import math

import pytest
from negotiate_factories import single, two_issue

from ditf._errors import InvalidParameterError
from ditf.negotiate import (
    STRATEGIES,
    DoorInTheFace,
    HumanCounterpart,
    TournamentRow,
    _tournament,
    negotiate_batch,
    tournament,
)


def test_default_tournament_plays_every_strategy_against_a_human():
    result = tournament(single(rounds=20), n=40, rng=0)
    assert [r.strategy for r in result.rows] == list(STRATEGIES)
    assert {r.counterpart for r in result.rows} == {"human"}
    for row in result.rows:
        assert row.n == 40 and row.episode == 1
        assert 0 <= row.agreement_lo <= row.agreement_rate <= row.agreement_hi <= 1
        assert row.requester_utility_lo <= row.requester_utility <= row.requester_utility_hi


def test_rows_match_the_batch_they_summarise():
    problem = single(rounds=30)
    result = tournament(problem, ["linear"], ["boulware"], n=5, rng=0)
    batch = negotiate_batch(problem, "linear", "boulware", n=5)
    (row,) = result.rows
    w = batch.welfare()
    assert row.agreement_rate == batch.agreed.mean()
    assert row.mean_rounds == batch.rounds.mean()
    assert row.requester_utility == pytest.approx(w.requester_utility.mean())
    assert row.joint_surplus == pytest.approx(w.joint_surplus.mean())
    assert row.retreat == "transfer" and row.retreat_transfer == 1.0


def test_cells_are_seeded_by_their_labels_and_reproducible():
    problem = single(rounds=20)
    people = {"easy": HumanCounterpart(baseline=0.5), "hard": HumanCounterpart(baseline=0.1)}
    full = tournament(problem, ["door_in_the_face", "direct_ask"], people, n=200, rng=7)
    again = tournament(problem, ["door_in_the_face", "direct_ask"], people, n=200, rng=7)
    assert full.records() == again.records()
    alone = tournament(problem, ["direct_ask"], {"hard": people["hard"]}, n=200, rng=7)
    pick = next(r for r in full.rows if r.strategy == "direct_ask" and r.counterpart == "hard")
    assert alone.rows[0] == pick  # the same cell, whatever else runs
    other = tournament(problem, ["direct_ask"], {"hard": people["hard"]}, n=200, rng=8)
    assert other.rows[0] != pick
    easy = next(r for r in full.rows if r.strategy == "direct_ask" and r.counterpart == "easy")
    assert easy.mean_rounds < pick.mean_rounds  # an easier counterpart says yes sooner


def test_episodes_give_one_row_each_and_progress_is_reported():
    calls = []
    result = tournament(single(rounds=10), ["door_in_the_face"], ["human", "linear"], n=50,
                        episodes=3, rng=1, progress=lambda d, t: calls.append((d, t)))  # fmt: skip
    assert calls == [(1, 2), (2, 2)]
    assert [(r.counterpart, r.episode) for r in result.rows] == [
        ("human", 1),
        ("human", 2),
        ("human", 3),
        ("linear", 1),
        ("linear", 2),
        ("linear", 3),
    ]
    assert result.episodes == 3


def test_records_are_json_and_the_frame_is_tidy():
    result = tournament(two_issue(rounds=15), ["door_in_the_face", "tit_for_tat"],
                        ["human", "boulware"], n=30, rng=2)  # fmt: skip
    records = result.records()
    text = json.dumps(records)
    assert "NaN" not in text
    frame = result.to_frame()
    assert list(frame.columns) == list(TournamentRow.__slots__)
    assert len(frame) == 4


def test_best_picks_the_highest_metric_and_checks_its_arguments():
    result = tournament(single(rounds=30), ["door_in_the_face", "linear"], ["boulware"], n=3)
    assert result.best("boulware") == "door_in_the_face"
    assert result.best("boulware", "mean_rounds") in ("door_in_the_face", "linear")
    with pytest.raises(InvalidParameterError, match="'metric' parameter of TournamentResult"):
        result.best("boulware", "strategy")
    with pytest.raises(InvalidParameterError, match=r"No results against 'human'.*\['boulware'\]"):
        result.best("human")


def test_a_retreat_summary_names_the_dominant_kind():
    result = tournament(two_issue(rounds=30), {"informed": DoorInTheFace(selector="pareto")},
                        ["linear"], n=2)  # fmt: skip
    assert result.rows[0].retreat == "joint gain"
    none = tournament(single(rounds=5), ["direct_ask"], ["linear"], n=2)
    assert none.rows[0].retreat == "none" and none.rows[0].retreat_rate == 0


def test_a_single_negotiation_per_cell_has_no_interval():
    row = tournament(single(rounds=5), ["linear"], ["linear"], n=1).rows[0]
    assert math.isnan(row.requester_utility_lo)
    assert tournament(single(rounds=5), ["linear"], ["linear"], n=1).records()[0][
        "requester_utility_lo"] is None  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"strategies": "linear"}, "'strategies' parameter of tournament must be a non-empty"),
        ({"strategies": []}, "'strategies' parameter of tournament"),
        ({"counterparts": 3}, "'counterparts' parameter of tournament"),
        ({"strategies": ["linear", "linear"]}, "Two strategies are both named 'linear'"),
        ({"counterparts": ["alien"]}, "'counterpart' parameter of tournament must be one of"),
        ({"n": 0}, "'n' parameter of tournament"),
        ({"episodes": 0}, "'episodes' parameter of tournament"),
        ({"problem": "salary"}, "'problem' parameter of tournament must be a Problem"),
    ],
)
def test_bad_tournaments_are_rejected(kwargs, match):
    arguments = {"problem": single()} | kwargs
    with pytest.raises(InvalidParameterError, match=match):
        tournament(**arguments)


def test_oversized_tournaments_are_refused(monkeypatch):
    monkeypatch.setattr(_tournament, "MAX_TOURNAMENT", 100)
    with pytest.raises(InvalidParameterError, match="would run 120 negotiations, more than 100"):
        tournament(single(), ["linear", "boulware"], ["human"], n=20, episodes=3)
