"""Constructor validation of the domain types and parameter objects, and scenario mappings."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest

from ditf import DitfError
from ditf._errors import DataError, InvalidParameterError  # not in any public __all__
from ditf.model import (
    MECHANISMS,
    Context,
    Mechanisms,
    ModelParams,
    Request,
    Sequence,
    Step,
    scenario_from_mapping,
)

NAN, INF = math.nan, math.inf
SEQ = "The 'steps' parameter of Sequence must be a non-empty tuple of Step"
DOOR = r"opener must be larger than the target \(a retreat\)\. "
FOOT = r"first request must be smaller than the target\. "
RETREATS = "an int in [0, 1000]"


def hours(cost, **kwargs):
    return Step(request=Request(cost=cost, unit="hours", **kwargs))


def params(**overrides):
    """ModelParams.example() with some fields replaced (the constructor validates them all)."""
    return ModelParams(**(dataclasses.asdict(ModelParams.example()) | overrides))


def without(*names):
    return Mechanisms().without(*names)


def msg(name, owner, constraint, got):
    """The one message shape of ditf's validators (scikit-learn's)."""
    return "^" + re.escape(
        f"The {name!r} parameter of {owner} must be {constraint}. Got {got!r} instead."
    )


POSITIVE = "a finite number > 0"
NON_NEGATIVE = "a finite number >= 0"
OPEN_PROB = "a probability in (0, 1)"
PROB = "a probability in [0, 1]"


INVALID = [
    # Request
    (Request, {"cost": -1}, msg("cost", "Request", POSITIVE, -1)),
    (Request, {"cost": 0}, msg("cost", "Request", POSITIVE, 0)),
    (Request, {"cost": 0.0}, msg("cost", "Request", POSITIVE, 0.0)),
    (Request, {"cost": NAN}, msg("cost", "Request", POSITIVE, NAN)),
    (Request, {"cost": INF}, msg("cost", "Request", POSITIVE, INF)),
    (Request, {"cost": -INF}, msg("cost", "Request", POSITIVE, -INF)),
    (Request, {"cost": True}, msg("cost", "Request", POSITIVE, True)),
    (Request, {"cost": "2"}, msg("cost", "Request", POSITIVE, "2")),
    (Request, {"cost": None}, msg("cost", "Request", POSITIVE, None)),
    (Request, {"cost": [2]}, msg("cost", "Request", POSITIVE, [2])),
    # Step
    (
        Step,
        {"request": Request(cost=2), "delay_hours": -1},
        msg("delay_hours", "Step", NON_NEGATIVE, -1),
    ),
    (
        Step,
        {"request": Request(cost=2), "delay_hours": NAN},
        msg("delay_hours", "Step", NON_NEGATIVE, NAN),
    ),
    (
        Step,
        {"request": Request(cost=2), "delay_hours": INF},
        msg("delay_hours", "Step", NON_NEGATIVE, INF),
    ),
    (
        Step,
        {"request": Request(cost=2), "delay_hours": False},
        msg("delay_hours", "Step", NON_NEGATIVE, False),
    ),
    (Step, {"request": 2.0}, msg("request", "Step", "a Request", 2.0)),
    (Step, {"request": None}, msg("request", "Step", "a Request", None)),
    # Sequence
    (Sequence, {"steps": ()}, "^" + SEQ),
    (Sequence, {"steps": (Request(cost=2),)}, "^" + SEQ),
    (
        Sequence,
        {"steps": (hours(208, described_only=True),)},
        r"last step .* is the target and must be asked, not described_only",
    ),
    (
        Sequence,
        {"steps": (hours(2), hours(208, described_only=True))},
        r"must be asked, not described_only",
    ),
    (
        Sequence,
        {"steps": (hours(208), Step(request=Request(cost=2, unit="minutes")))},
        r"must share one cost unit\. Got \['hours', 'minutes'\]",
    ),
    (
        Sequence.door_in_the_face,
        {"opener": 2, "target": 2},
        DOOR + r"Got opener=2\.0 and target=2\.0",
    ),
    (
        Sequence.door_in_the_face,
        {"opener": 2, "target": 208},
        DOOR + r"Got opener=2\.0 and target=208\.0",
    ),
    (
        Sequence.door_in_the_face,
        {"opener": NAN, "target": 2},
        msg("opener", "Sequence.door_in_the_face", POSITIVE, NAN),
    ),
    (
        Sequence.door_in_the_face,
        {"opener": "208", "target": 2},
        msg("opener", "Sequence.door_in_the_face", POSITIVE, "208"),
    ),
    (
        Sequence.door_in_the_face,
        {"opener": 208, "target": -2},
        msg("target", "Sequence.door_in_the_face", POSITIVE, -2),
    ),
    (
        Sequence.door_in_the_face,
        {"opener": 208, "target": 2, "delay_hours": -1},
        msg("delay_hours", "Step", NON_NEGATIVE, -1),
    ),
    (Sequence.foot_in_the_door, {"foot": 2, "target": 2}, FOOT + r"Got foot=2\.0 and target=2\.0"),
    (Sequence.foot_in_the_door, {"foot": 3, "target": 2}, FOOT + r"Got foot=3\.0 and target=2\.0"),
    (
        Sequence.foot_in_the_door,
        {"foot": 0, "target": 2},
        msg("foot", "Sequence.foot_in_the_door", POSITIVE, 0),
    ),
    (
        Sequence.foot_in_the_door,
        {"foot": 0.1, "target": INF},
        msg("target", "Sequence.foot_in_the_door", POSITIVE, INF),
    ),
    (Sequence.target_only, {"target": 0}, msg("cost", "Request", POSITIVE, 0)),
    # Context
    (Context, {"baseline": 0}, msg("baseline", "Context", OPEN_PROB, 0)),
    (Context, {"baseline": 1}, msg("baseline", "Context", OPEN_PROB, 1)),
    (Context, {"baseline": 0.0}, msg("baseline", "Context", OPEN_PROB, 0.0)),
    (Context, {"baseline": 1.0}, msg("baseline", "Context", OPEN_PROB, 1.0)),
    (Context, {"baseline": 1.5}, msg("baseline", "Context", OPEN_PROB, 1.5)),
    (Context, {"baseline": -0.1}, msg("baseline", "Context", OPEN_PROB, -0.1)),
    (Context, {"baseline": NAN}, msg("baseline", "Context", OPEN_PROB, NAN)),
    (Context, {"baseline": True}, msg("baseline", "Context", OPEN_PROB, True)),
    (Context, {"baseline": "0.2"}, msg("baseline", "Context", OPEN_PROB, "0.2")),
    (Context, {"baseline": 0.2, "plausible_max": 0}, msg("plausible_max", "Context", POSITIVE, 0)),
    (
        Context,
        {"baseline": 0.2, "plausible_max": -300},
        msg("plausible_max", "Context", POSITIVE, -300),
    ),
    (
        Context,
        {"baseline": 0.2, "plausible_max": INF},
        msg("plausible_max", "Context", POSITIVE, INF),
    ),
    (
        Context,
        {"baseline": 0.2, "prior_retreats": -1},
        msg("prior_retreats", "Context", RETREATS, -1),
    ),
    (
        Context,
        {"baseline": 0.2, "prior_retreats": 1001},
        msg("prior_retreats", "Context", RETREATS, 1001),
    ),
    (
        Context,
        {"baseline": 0.2, "prior_retreats": 1.0},
        msg("prior_retreats", "Context", RETREATS, 1.0),
    ),
    (
        Context,
        {"baseline": 0.2, "prior_retreats": True},
        msg("prior_retreats", "Context", RETREATS, True),
    ),
    # Mechanisms
    (
        without,
        {"names": ("reciprocty",)},
        r"Unknown mechanism\(s\) \['reciprocty'\]\. Choose from \['recip",
    ),
    (
        Mechanisms.only,
        {"names": ("contrast", "mirroring")},
        r"Unknown mechanism\(s\) \['mirroring'\]",
    ),
    # ModelParams
    (params, {"cost_sensitivity": 0.0}, msg("cost_sensitivity", "ModelParams", POSITIVE, 0.0)),
    (params, {"cost_sensitivity": -0.4}, msg("cost_sensitivity", "ModelParams", POSITIVE, -0.4)),
    (params, {"saturation": NAN}, msg("saturation", "ModelParams", POSITIVE, NAN)),
    (params, {"half_life_hours": INF}, msg("half_life_hours", "ModelParams", POSITIVE, INF)),
    (params, {"reciprocity": -0.1}, msg("reciprocity", "ModelParams", NON_NEGATIVE, -0.1)),
    (params, {"contrast": True}, msg("contrast", "ModelParams", NON_NEGATIVE, True)),
    (params, {"heterogeneity": "0.5"}, msg("heterogeneity", "ModelParams", NON_NEGATIVE, "0.5")),
    (params, {"follow_through": 1.1}, msg("follow_through", "ModelParams", PROB, 1.1)),
    (params, {"habituation": -0.1}, msg("habituation", "ModelParams", PROB, -0.1)),
    (params, {"non_prosocial": NAN}, msg("non_prosocial", "ModelParams", PROB, NAN)),
    (params, {"trait_share": 0.0}, msg("trait_share", "ModelParams", "a float in (0, 0.9]", 0.0)),
    (params, {"trait_share": 0.95}, msg("trait_share", "ModelParams", "a float in (0, 0.9]", 0.95)),
    (params, {"trait_share": 1.5}, msg("trait_share", "ModelParams", PROB, 1.5)),
]


def _call(constructor, kwargs):
    if "names" in kwargs:
        return constructor(*kwargs["names"])
    return constructor(**kwargs)


def _id(case):
    constructor, kwargs, _ = case
    name = getattr(constructor, "__qualname__", str(constructor))
    return f"{name}-{'-'.join(f'{k}={v!r}' for k, v in kwargs.items() if k != 'request')}"


@pytest.mark.parametrize(("constructor", "kwargs", "match"), INVALID, ids=map(_id, INVALID))
def test_constructors_reject_invalid_values(constructor, kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        _call(constructor, kwargs)


def test_invalid_parameter_error_is_a_ditf_error_and_a_value_error():
    with pytest.raises(DitfError):
        Request(cost=-1)
    with pytest.raises(ValueError, match="cost"):
        Request(cost=-1)


@pytest.mark.parametrize(
    ("constructor", "kwargs", "field", "expected"),
    [
        (Request, {"cost": 2}, "cost", 2.0),
        (Request, {"cost": np.int64(2)}, "cost", 2.0),
        (Request, {"cost": np.float32(0.5)}, "cost", 0.5),
        (Step, {"request": Request(cost=2), "delay_hours": 0}, "delay_hours", 0.0),
        (Step, {"request": Request(cost=2), "delay_hours": 72}, "delay_hours", 72.0),
        (Context, {"baseline": 0.167}, "baseline", 0.167),
        (Context, {"baseline": 0.2, "plausible_max": 300}, "plausible_max", 300.0),
        pytest.param(
            Context, {"baseline": 0.2, "prior_retreats": np.int64(3)}, "prior_retreats", 3
        ),
        (params, {"trait_share": 0.9}, "trait_share", 0.9),
        (params, {"reciprocity": 0}, "reciprocity", 0.0),
    ],
)
def test_constructors_accept_and_normalise_valid_values(constructor, kwargs, field, expected):
    value = getattr(constructor(**kwargs), field)
    assert value == expected
    assert type(value) is type(expected)


def test_a_sequence_takes_any_iterable_of_steps_and_stores_a_tuple():
    seq = Sequence([hours(208), hours(2)])
    assert isinstance(seq.steps, tuple)
    assert seq.target.cost == 2.0


def test_a_described_opener_is_allowed_before_an_asked_target():
    seq = Sequence.door_in_the_face(opener=208, target=2, described_only=True)
    assert [s.request.described_only for s in seq.steps] == [True, False]


def test_door_and_foot_builders_set_their_steps():
    door = Sequence.door_in_the_face(
        opener=208, target=2, unit="hours", delay_hours=24, other_requester=True
    )
    assert [s.request.cost for s in door.steps] == [208.0, 2.0]
    assert door.steps[1].delay_hours == 24.0
    assert door.target.requester != door.steps[0].request.requester
    foot = Sequence.foot_in_the_door(foot=0.1, target=2, performed=False, prosocial=False)
    assert foot.steps[0].request.performed is False
    assert not any(s.request.prosocial for s in foot.steps)


def test_mechanism_switches():
    assert Mechanisms().active == MECHANISMS
    assert Mechanisms.only("reciprocity").active == ("reciprocity",)
    assert "contrast" not in without("contrast").active
    assert Mechanisms.only().active == ()


@pytest.mark.parametrize(
    ("constructor", "kwargs"),
    [(Request, {"cost": 10**400}), (Context, {"baseline": 10**400})],
    ids=["Request.cost", "Context.baseline"],
)
def test_an_integer_too_large_for_a_float_is_invalid(constructor, kwargs):
    with pytest.raises(InvalidParameterError, match=r"must be a finite number|probability"):
        constructor(**kwargs)


@pytest.mark.parametrize(
    ("constructor", "kwargs"),
    [
        (Request, {"cost": 2, "prosocial": "no"}),
        (Request, {"cost": 2, "described_only": "yes"}),
        (Request, {"cost": 2, "performed": 0.5}),
        (Mechanisms, {"reciprocity": "off"}),
    ],
    ids=["prosocial", "described_only", "performed", "Mechanisms"],
)
def test_a_flag_must_be_a_bool(constructor, kwargs):
    with pytest.raises(InvalidParameterError, match=r"must be a bool"):
        constructor(**kwargs)


@pytest.mark.parametrize("unit", [5, ["h"], None], ids=["int", "list", "None"])
def test_a_unit_must_be_a_string(unit):
    with pytest.raises(
        InvalidParameterError, match=r"'unit' parameter of Request must be a string"
    ):
        Request(cost=3, unit=unit)


def test_steps_that_are_not_iterable_are_invalid():
    with pytest.raises(InvalidParameterError, match=r"'steps' parameter of Sequence"):
        Sequence(5)


@pytest.mark.parametrize("kind", [np.float32, np.int64])
def test_numpy_scalars_build_a_door_in_the_face(kind):
    seq = Sequence.door_in_the_face(opener=kind(208), target=kind(2))
    assert seq.steps[0].request.cost == 208.0


@pytest.mark.parametrize(
    "cls", [Request, Step, Sequence, Context, Mechanisms, ModelParams], ids=lambda c: c.__name__
)
def test_parameter_objects_are_frozen(cls):
    instance = {
        Request: Request(cost=2),
        Step: hours(2),
        Sequence: Sequence((hours(2),)),
        Context: Context(baseline=0.2),
        Mechanisms: Mechanisms(),
        ModelParams: ModelParams.example(),
    }[cls]
    field = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(instance, field, getattr(instance, field))


def test_replace_revalidates():
    with pytest.raises(InvalidParameterError, match=msg("cost", "Request", POSITIVE, -3)):
        dataclasses.replace(Request(cost=2), cost=-3)


def test_model_params_round_trip_through_to_array():
    example = ModelParams.example()
    vector = example.to_array()
    assert vector.shape == (len(ModelParams.names()),)
    assert vector.dtype == np.float64
    rebuilt = ModelParams(**dict(zip(ModelParams.names(), vector.tolist(), strict=True)))
    assert rebuilt == example
    assert ModelParams.names() == tuple(f.name for f in dataclasses.fields(ModelParams))


# ---------------------------------------------------------------- scenario_from_mapping

SCENARIO = {
    "steps": [
        {"cost": 208, "unit": "hours", "label": "counsel for two years"},
        {"cost": 2, "unit": "hours", "delay_hours": 1, "requester": "someone else"},
    ],
    "context": {"baseline": 0.167, "plausible_max": 300, "prior_retreats": 1},
}


def test_scenario_from_mapping_builds_the_sequence_and_context():
    seq, ctx = scenario_from_mapping(SCENARIO)
    assert [s.request.cost for s in seq.steps] == [208.0, 2.0]
    assert seq.steps[0].request.label == "counsel for two years"
    assert seq.steps[1].delay_hours == 1.0
    assert seq.target.requester == "someone else"
    assert ctx == Context(baseline=0.167, plausible_max=300, prior_retreats=1)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"context": {"baseline": 0.2}}, r"A scenario needs 'steps'"),
        ({"steps": [], "context": {"baseline": 0.2}}, r"A scenario needs 'steps'"),
        ({"steps": {"cost": 2}, "context": {"baseline": 0.2}}, r"A scenario needs 'steps'"),
        ({"steps": [{"cost": 2}]}, r"needs a 'context' table with 'baseline'"),
        ({"steps": [{"cost": 2}], "context": {}}, r"needs a 'context' table with 'baseline'"),
        ({"steps": [{"cost": 2}], "context": [0.2]}, r"needs a 'context' table with 'baseline'"),
        ({"steps": [{"unit": "h"}], "context": {"baseline": 0.2}}, r"Step 1 .* with a 'cost'"),
        ({"steps": [{"cost": 3}, 2], "context": {"baseline": 0.2}}, r"Step 2 .* with a 'cost'"),
        (
            {"steps": [{"cost": 2, "delay": 5}], "context": {"baseline": 0.2}},
            r"Step 1 has unknown key\(s\) \['delay'\]",
        ),
        (
            {"steps": [{"cost": 2}], "context": {"baseline": 0.2, "base": 0.1}},
            r"The context has unknown key\(s\) \['base'\]",
        ),
    ],
)
def test_scenario_from_mapping_rejects_bad_structure(data, match):
    with pytest.raises(DataError, match=match):
        scenario_from_mapping(data)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"steps": [{"cost": -2}], "context": {"baseline": 0.2}}, r"'cost' parameter of Request"),
        (
            {"steps": [{"cost": 2, "delay_hours": -1}], "context": {"baseline": 0.2}},
            r"'delay_hours' parameter of Step",
        ),
        ({"steps": [{"cost": 2}], "context": {"baseline": 1}}, r"'baseline' parameter"),
        (
            {
                "steps": [{"cost": 2, "unit": "h"}, {"cost": 1, "unit": "min"}],
                "context": {"baseline": 0.2},
            },
            r"share one cost unit",
        ),
    ],
)
def test_scenario_from_mapping_rejects_bad_values(data, match):
    with pytest.raises(InvalidParameterError, match=match):
        scenario_from_mapping(data)


def test_scenario_from_mapping_rejects_a_non_mapping():
    with pytest.raises(DataError, match=r"scenario"):
        scenario_from_mapping([{"cost": 2}])


@pytest.mark.parametrize(
    "fields",
    [
        {"cost": float("nan")},
        {"cost": float("inf")},
        {"cost": -1.0},
        {"cost": 0.0},
        {"cost": 1.0, "unit": 3},
        {"cost": 1.0, "prosocial": 1},
        {"cost": 1.0, "label": None},
    ],
)
def test_a_float_cost_does_not_skip_the_checks(fields):
    # The well-typed fast path must not let a bad value through.
    with pytest.raises(InvalidParameterError):
        Request(**fields)


def test_a_step_delay_is_checked_whatever_its_type():
    for delay in (-1.0, float("nan"), 2e6):
        with pytest.raises(InvalidParameterError):
            Step(request=Request(cost=1.0), delay_hours=delay)
