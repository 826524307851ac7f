"""Bargaining scenarios from mappings: the shipped examples and every malformed table."""

from __future__ import annotations

import pytest
from negotiate_factories import EXAMPLES

from ditf._errors import DataError, InvalidParameterError
from ditf.data import read_mapping
from ditf.negotiate import (
    DirectAsk,
    DoorInTheFace,
    HumanCounterpart,
    TimeBased,
    TitForTat,
    scenario_from_mapping,
)

BASE = {
    "issues": [{"name": "price", "lo": 0, "hi": 100, "unit": "EUR"}],
    "requester": {"target": 40, "reservation": 30},
    "counterpart": {"reservation": 60},
}


def test_the_shipped_examples_load():
    salary = scenario_from_mapping(read_mapping(EXAMPLES / "salary.toml"))
    assert salary.problem.target == (6.0,)
    assert salary.problem.plausible_max == (20.0,)
    assert list(salary.counterparts) == ["human", "habituated"]
    assert salary.counterparts["habituated"] == HumanCounterpart(baseline=0.35, prior_retreats=2)
    assert salary.strategies["market_high"].opener == pytest.approx(15 / 40)
    assert salary.strategies["market_high_then_concede"].concede_after == 4.0
    supplier = scenario_from_mapping(read_mapping(EXAMPLES / "supplier.toml"))
    assert supplier.problem.space.names == ("discount", "warranty")
    assert supplier.problem.rounds == 60
    assert supplier.strategies["informed"].selector == "pareto"


def test_every_strategy_kind_can_be_named_with_its_parameters():
    data = BASE | {
        "strategies": {
            "ditf": {"kind": "door_in_the_face", "opener": 80, "fallback": 45},
            "ask": {"kind": "direct_ask", "target": 50, "selector": "own"},
            "slow": {"kind": "time_based", "exponent": 2.0},
            "copy": {"kind": "tit_for_tat"},
        },
        "rounds": 30, "hours_per_round": 1.5, "prosocial": True,
    }  # fmt: skip
    scenario = scenario_from_mapping(data)
    assert scenario.strategies == {
        "ditf": DoorInTheFace(opener=0.8, fallback=0.45),
        "ask": DirectAsk(target=0.5),
        "slow": TimeBased(exponent=2.0),
        "copy": TitForTat(),
    }
    assert (scenario.problem.rounds, scenario.problem.hours_per_round) == (30, 1.5)
    assert scenario.problem.prosocial


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"requester": [40, 30]}, "[requester] must be a table; got list"),
        ({"issues": ["price"]}, "Issue 1 must be a table with name, lo and hi"),
        ({"issues": []}, "needs [[issues]]"),
        ({"strategies": {"x": "door_in_the_face"}}, "[strategies.x] must be a table with a 'kind'"),
        ({"strategies": {"x": {"opener": 3}}}, "[strategies.x] must be a table with a 'kind'"),
        ({"strategies": ["x"]}, "[strategies] must hold tables"),
        ({"counterparts": ["x"]}, "[counterparts] must hold tables"),
        ({"counterparts": {"x": 3}}, "[counterparts.x] must be a table; got int"),
        ({"counterpart": {"baseline": 0.3}}, "[counterpart] needs ['reservation']"),
    ],
)
def test_malformed_scenarios_are_data_errors(changes, match):
    with pytest.raises(DataError) as info:
        scenario_from_mapping(BASE | changes)
    assert match in str(info.value)


def test_a_scenario_must_be_a_mapping():
    with pytest.raises(DataError, match="must be a table/object; got list"):
        scenario_from_mapping([BASE])  # type: ignore[arg-type]


def test_values_out_of_range_are_parameter_errors():
    bad = BASE | {"counterpart": {"reservation": 60, "baseline": 2}}
    with pytest.raises(InvalidParameterError, match="'baseline' parameter of HumanCounterpart"):
        scenario_from_mapping(bad)
    far = BASE | {"strategies": {"x": {"kind": "door_in_the_face", "opener": 300}}}
    with pytest.raises(
        InvalidParameterError, match=r"'opener' parameter of strategies\.x must lie"
    ):
        scenario_from_mapping(far)
