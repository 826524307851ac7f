"""The JSON API: each endpoint returns what the library computes, and rejects bad input clearly."""

from __future__ import annotations

import dataclasses
import json

import pytest
from web_helpers import SMALL

from ditf.data import load_meta_analyses, load_studies
from ditf.model import Context, Sequence, predict, replicate, study_names
from ditf.simulate import CONDITIONS, Scenario, SweepAxis, simulate, sweep
from ditf.study import analyze, power_curve, sample_size_three_arm

CIALDINI_ARMS = [
    {"condition": "target_only", "n": 24, "yes": 4},
    {"condition": "door_in_the_face", "n": 24, "yes": 12},
    {"condition": "exposure_control", "n": 24, "yes": 6},
]


def jsonable(value):
    """What a value looks like after a JSON round trip (tuples become lists; floats exact)."""
    return json.loads(json.dumps(value))


def assert_error(response, status: int, *fragments: str) -> dict:
    """An error response: the status, JSON ``detail``, no traceback, the expected words."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "Traceback" not in response.text
    text = " ".join([body["detail"], *(f"{e['field']} {e['message']}" for e in body["errors"])])
    for fragment in fragments:
        assert fragment in text, text
    return body


# predict --------------------------------------------------------------------------------------


def test_predict_matches_the_library(api):
    response = api.post("/api/predict", json={"opener": 208, "target": 2, "baseline": 0.167})
    assert response.status_code == 200
    got = response.json()
    seq = Sequence.door_in_the_face(opener=208, target=2, unit="hours")
    expected = dataclasses.asdict(predict(seq, Context(baseline=0.167)))
    assert got == jsonable({**expected, "draws": 1000})


def test_predict_passes_every_option_to_the_model(api):
    body = {
        "opener": 5000, "target": 2, "unit": "dollars", "baseline": 0.3, "delay_hours": 24,
        "plausible_max": 300, "other_requester": True, "described_only": False,
        "prosocial": False, "prior_retreats": 2,
    }  # fmt: skip
    got = api.post("/api/predict", json=body).json()
    seq = Sequence.door_in_the_face(
        opener=5000, target=2, unit="dollars", delay_hours=24, other_requester=True,
        prosocial=False,
    )  # fmt: skip
    ctx = Context(baseline=0.3, plausible_max=300, prior_retreats=2)
    assert got["p_sequence"] == pytest.approx(predict(seq, ctx).p_sequence)
    assert got["contributions"].keys() == predict(seq, ctx).contributions.keys()


def test_predict_reproduces_the_planners_conditional_number(api):
    # The planner pins P(yes) to the opener with your estimate (first_baseline) and anchors in
    # negotiations over amounts: the API takes both, so any plan's number can be checked.
    body = {
        "opener": 32000, "target": 18000, "unit": "EUR", "baseline": 0.327, "prosocial": False,
        "plausible_max": 32000, "negotiation": True, "first_baseline": 0.0055,
    }  # fmt: skip
    got = api.post("/api/predict", json=body).json()
    seq = Sequence.door_in_the_face(opener=32000, target=18000, unit="EUR", prosocial=False)
    ctx = Context(baseline=0.327, plausible_max=32000, negotiation=True)
    assert got["p_sequence"] == pytest.approx(predict(seq, ctx, first_baseline=0.0055).p_sequence)
    assert got["contributions"]["anchoring"] > 0.3


def test_predict_is_cached_and_identical(make_client):
    client = make_client()
    cache = client.app.state.ditf.predictions
    first = client.post("/api/predict", json={"baseline": 0.2}).json()
    again = client.post("/api/predict", json={"baseline": 0.2}).json()
    assert first == again
    assert (cache.misses, cache.hits) == (1, 1)


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ({"baseline": 1.5}, ["baseline", "less than 1"]),
        ({"baseline": 0}, ["baseline", "greater than 0"]),
        ({"opener": -3}, ["opener", "greater than 0"]),
        ({"opener": "lots"}, ["opener", "valid number"]),
        ({"delay_hours": 2e6}, ["delay_hours"]),
        ({"colour": "red"}, ["colour", "Extra inputs are not permitted"]),
        ({"prior_retreats": 1.5}, ["prior_retreats"]),
        ({"unit": ""}, ["unit"]),
    ],
)
def test_predict_rejects_invalid_fields_with_422(api, body, fragments):
    error = assert_error(api.post("/api/predict", json=body), 422, *fragments)
    assert error["detail"].startswith("Invalid request.")


def test_nan_and_infinity_are_invalid(api):
    for raw in ('{"baseline": NaN}', '{"opener": Infinity}'):
        response = api.post(
            "/api/predict", content=raw, headers={"content-type": "application/json"}
        )
        assert_error(response, 422)


def test_malformed_json_is_a_422_not_a_crash(api):
    response = api.post(
        "/api/predict", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "JSON")


def test_a_domain_error_becomes_422_with_the_library_message(api):
    response = api.post("/api/predict", json={"opener": 1, "target": 2})
    assert_error(response, 422, "opener must be larger than the target")


# simulate and sweep ---------------------------------------------------------------------------


def test_simulate_matches_the_library(api):
    body = {"people": 20_000, "seed": 3, "conditions": ["door_in_the_face", "target_only"]}
    got = api.post("/api/simulate", json=body).json()
    expected = simulate(
        Scenario(), conditions=body["conditions"], n_people=20_000, settings=SMALL, rng=3
    )
    assert got["n_people"] == 20_000
    assert got["scenario"] == dataclasses.asdict(Scenario())
    blank = {"expected_value": None, "expected_value_kept": None}  # on target rows only
    assert got["rows"] == jsonable([blank | r for r in expected.records()])


def test_simulate_episodes_and_scenario(api):
    body = {"people": 5_000, "episodes": 3, "baseline": 0.3, "plausible_max": 300}
    got = api.post("/api/simulate", json=body).json()
    assert got["episodes"] == 3
    assert {r["episode"] for r in got["rows"]} == {1, 2, 3}
    assert {r["condition"] for r in got["rows"]} == set(CONDITIONS)
    assert got["scenario"]["baseline"] == 0.3


def test_simulate_rejects_an_unknown_condition(api):
    response = api.post("/api/simulate", json={"conditions": ["door_in_the_window"]})
    assert_error(response, 422, "conditions[0]", "must be one of", "door_in_the_face")


def test_sweep_matches_the_library(api):
    body = {
        "axes": [{"name": "opener", "start": 10, "stop": 1000, "steps": 3, "log": True}],
        "people": 5_000,
        "conditions": ["door_in_the_face"],
        "plausible_max": 300,
    }
    got = api.post("/api/sweep", json=body).json()
    expected = sweep(
        [SweepAxis.parse("opener=10:1000:3:log")], Scenario(plausible_max=300),
        conditions=["door_in_the_face"], n_people=5_000, settings=SMALL, rng=0,
    )  # fmt: skip
    assert got["axes"] == [{"name": "opener", "values": pytest.approx([10, 100, 1000])}]
    assert [r["values"]["opener"] for r in got["rows"]] == pytest.approx([10, 100, 1000])
    assert [r["p_yes"] for r in got["rows"]] == pytest.approx([r["p_yes"] for r in expected.rows])


def test_sweep_with_values_and_two_axes(api):
    body = {
        "axes": [
            {"name": "delay_hours", "values": [0, 48]},
            {"name": "reciprocity", "values": [0.2, 0.8]},
        ],
        "people": 2_000,
        "conditions": ["door_in_the_face"],
    }
    rows = api.post("/api/sweep", json=body).json()["rows"]
    assert [(r["values"]["delay_hours"], r["values"]["reciprocity"]) for r in rows] == [
        (0, 0.2), (0, 0.8), (48, 0.2), (48, 0.8),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("axis", "fragment"),
    [
        ({"name": "opener"}, "either 'values', or all of 'start', 'stop' and 'steps'"),
        ({"name": "opener", "values": [1], "start": 1}, "either 'values'"),
        ({"name": "opener", "values": [10, 20], "log": True}, "'log' spaces a range"),
        ({"name": "colour", "values": [1]}, "must be one of"),
        ({"name": "opener", "start": -1, "stop": 10, "steps": 3, "log": True}, "Cannot read"),
    ],
)
def test_sweep_rejects_bad_axes(api, axis, fragment):
    assert_error(api.post("/api/sweep", json={"axes": [axis]}), 422, fragment)


# caps -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/api/simulate", {"people": 50_001}, "DITF_WEB_MAX_POPULATION"),
        (
            "/api/sweep",
            {"axes": [{"name": "opener", "start": 3, "stop": 300, "steps": 13}]},
            "DITF_WEB_MAX_SWEEP_RUNS",
        ),
        (
            "/api/sweep",
            {"axes": [{"name": "opener", "start": 3, "stop": 300, "steps": 12}],
             "people": 50_000},
            "DITF_WEB_MAX_RESPONSES",
        ),
        ("/api/sweep", {"axes": [{"name": "opener", "values": [3]}], "people": 60_000},
         "DITF_WEB_MAX_POPULATION"),
        ("/api/study/power", {"n_studies": 2_001}, "DITF_WEB_MAX_STUDIES"),
    ],
)  # fmt: skip
def test_work_over_the_caps_is_refused_with_422(api, path, body, fragment):
    assert_error(api.post(path, json=body), 422, fragment, "over the web app's limit")


# study ----------------------------------------------------------------------------------------


def test_power_matches_the_library(api):
    body = {"n_per_arm": [50, 300], "n_studies": 500, "seed": 2, "one_sided": True}
    got = api.post("/api/study/power", json=body).json()
    expected = power_curve([50, 300], Scenario(), n_studies=500, rng=2, alternative="larger")
    assert got["sample_size"] is None
    assert [p["power_all"] for p in got["points"]] == pytest.approx(list(expected.power_all))
    assert got["points"][0]["alternative"] == "larger"
    assert [c["control"] for c in got["points"][0]["contrasts"]] == [
        "target_only", "exposure_control",
    ]  # fmt: skip


def test_power_finds_a_sample_size(api):
    body = {"n_per_arm": [100], "n_studies": 500, "target_power": 0.8, "behavioral": True}
    got = api.post("/api/study/power", json=body).json()
    expected = sample_size_three_arm(0.8, Scenario(), n_studies=500, rng=0, measure="behavioral")
    assert got["sample_size"]["n_per_arm"] == expected.n_per_arm
    assert got["sample_size"]["measure"] == "behavioral"


def test_analyze_counts_match_the_library(api):
    got = api.post("/api/study/analyze", json={"arms": CIALDINI_ARMS}).json()
    expected = analyze([(a["condition"], a["n"], a["yes"]) for a in CIALDINI_ARMS])
    assert got == jsonable(expected.to_dict())


def test_analyze_csv_text_one_sided_chi2(api):
    csv = "condition,outcome\nditf,1\nditf,1\nditf,0\ncontrol,0\ncontrol,1\ncontrol,0\n"
    body = {"csv": csv, "test": "chi2", "one_sided": True, "reference": "control"}
    got = api.post("/api/study/analyze", json=body).json()
    assert [(a["name"], a["n"], a["yes"]) for a in got["arms"]] == [
        ("ditf", 3, 2), ("control", 3, 1),
    ]  # fmt: skip
    assert (got["test"], got["alternative"], got["reference"]) == ("chi2", "larger", "control")


def test_a_malformed_csv_is_a_400_naming_the_line(api):
    body = {"csv": "condition,n,yes\ntarget_only,24,30\nditf,24,12\n"}
    assert_error(api.post("/api/study/analyze", json=body), 400, "line 2", "'yes'")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "give either 'arms' or 'csv'"),
        ({"arms": CIALDINI_ARMS, "csv": "a,b"}, "give either 'arms' or 'csv'"),
        ({"arms": CIALDINI_ARMS, "test": "t"}, "test"),
        ({"arms": CIALDINI_ARMS[:1]}, "arms"),
    ],
)
def test_analyze_rejects_bad_requests(api, body, fragment):
    assert_error(api.post("/api/study/analyze", json=body), 422, fragment)


def test_analyze_domain_errors_are_422(api):
    arms = [*CIALDINI_ARMS[:2], {"condition": "x", "n": 3, "yes": 5}]
    assert_error(api.post("/api/study/analyze", json={"arms": arms}), 422, "yes")


# evidence, health, schema ---------------------------------------------------------------------


def test_evidence_holds_the_bundled_rows_and_replications(api):
    got = api.get("/api/evidence").json()
    assert len(got["studies"]) == len(load_studies())
    assert len(got["meta_analyses"]) == len(load_meta_analyses())
    assert [r["study"] for r in got["replications"]] == list(study_names())
    rep = replicate("cialdini1975")
    first = got["replications"][0]
    assert first["chi2_observed"] == pytest.approx(rep.chi2_observed)
    assert [c["reproduced"] for c in first["conditions"]] == [c.reproduced for c in rep.conditions]
    assert all(s["source"] for s in got["studies"])
    assert "DITF beats asking alone" in got["facts"]


def test_health(api):
    assert api.get("/healthz").json() == {"status": "ok"}


def test_openapi_lists_every_endpoint_with_error_responses(api):
    schema = api.get("/openapi.json").json()
    api_paths = {p for p in schema["paths"] if p.startswith("/api/")}
    assert api_paths == {
        "/api/predict", "/api/simulate", "/api/sweep", "/api/study/power",
        "/api/study/analyze", "/api/evidence", "/api/plan", "/api/audit",
        "/api/journal/counterparts", "/api/journal/asks", "/api/journal/outcomes",
        "/api/journal/export", "/api/journal/counterparts/{key}", "/api/journal/asks/{ask_id}",
        "/api/journal/asks/{ask_id}/outcome", "/api/train/scenarios", "/api/train/round",
        "/api/train/pitch", "/api/train/target", "/api/train/class", "/api/train/progress",
        "/api/defend",
    }  # fmt: skip
    for path in api_paths:
        for operation in schema["paths"][path].values():
            ok = (
                "201"
                if path != "/api/journal/export" and "201" in operation["responses"]
                else "200"
            )
            assert {ok, "422", "500"} <= set(operation["responses"])
            if path.startswith(("/api/journal", "/api/plan", "/api/audit", "/api/defend")):
                assert "503" in operation["responses"]
    for path in ("/api/plan", "/api/audit"):
        assert "409" in schema["paths"][path]["post"]["responses"]
    names = schema["components"]["schemas"]
    assert {"PredictRequest", "PredictionPublic", "ErrorPublic", "PlanRequest", "PlanPublic",
            "RoundPublic", "TargetPublic", "DefencePublic"} <= set(names)  # fmt: skip


def test_unknown_paths_and_methods(api):
    assert_error(api.get("/api/nothing"), 404, "Not Found")
    assert_error(api.get("/api/predict"), 405, "Method Not Allowed")


def test_infinite_log_odds_are_null_not_invalid_json(api, browser):
    # A plausible maximum far below the target makes even the target read as bad faith:
    # P(yes) underflows to 0 and its log-odds are -inf, which JSON cannot carry.
    body = {"plausible_max": 1e-300}
    got = api.post("/api/predict", json=body).json()
    assert got["p_sequence"] == 0.0
    assert got["lift_logodds"] is None
    page = browser.post_form("/predict", {"plausible_max": "1e-300"})
    assert "infinite log-odds" in page.text
