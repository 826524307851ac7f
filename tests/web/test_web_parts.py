"""The web app's small parts: the result cache, the worker, chart specs, the API reference."""

from __future__ import annotations

import re
import threading

import anyio
import pytest

from ditf._errors import DataError, InvalidParameterError
from ditf._text import format_amount as amount
from ditf.web._apidoc import fields, operations, type_name
from ditf.web._cache import ExpiringCache, ResultCache
from ditf.web._charts import (
    contributions_chart,
    label,
    mechanisms_chart,
    plan_charts,
    power_chart,
    rates_chart,
    replication_chart,
    simulation_chart,
    sweep_chart,
)
from ditf.web._pages import Upload, read_upload, shown
from ditf.web._schemas.evidence import ReplicationPublic
from ditf.web._schemas.simulate import SimulationPublic, SweepPublic
from ditf.web._schemas.study import AnalysisPublic, PowerPublic
from ditf.web._work import Worker

# cache ----------------------------------------------------------------------------------------


def test_the_cache_returns_what_was_computed_and_evicts_the_oldest():
    async def main():
        cache: ResultCache[str, int] = ResultCache(2)
        calls: list[str] = []

        def computing(key: str, value: int):
            async def compute() -> int:
                calls.append(key)
                return value

            return compute

        assert await cache.get("a", computing("a", 1)) == 1
        assert await cache.get("b", computing("b", 2)) == 2
        assert await cache.get("a", computing("a", 99)) == 1  # hit; "a" is now recent
        assert await cache.get("c", computing("c", 3)) == 3  # evicts "b"
        assert await cache.get("b", computing("b", 20)) == 20
        assert calls == ["a", "b", "c", "b"]
        assert (len(cache), cache.hits, cache.misses) == (2, 1, 4)

    anyio.run(main)


def test_concurrent_misses_compute_once():
    async def main():
        cache: ResultCache[str, int] = ResultCache(8)
        started = 0

        async def slow() -> int:
            nonlocal started
            started += 1
            await anyio.sleep(0.05)
            return 7

        results: list[int] = []

        async def ask() -> None:
            results.append(await cache.get("k", slow))

        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(ask)
        assert results == [7] * 10
        assert started == 1
        assert (cache.misses, cache.hits) == (1, 9)

    anyio.run(main)


def test_a_failed_computation_is_not_cached_and_waiters_retry():
    async def main():
        cache: ResultCache[str, int] = ResultCache(8)
        attempts = 0

        async def flaky() -> int:
            nonlocal attempts
            attempts += 1
            await anyio.sleep(0.02)
            if attempts == 1:
                raise InvalidParameterError("first try fails")
            return 5

        outcomes: list[object] = []

        async def ask() -> None:
            try:
                outcomes.append(await cache.get("k", flaky))
            except InvalidParameterError as exc:
                outcomes.append(str(exc))

        async with anyio.create_task_group() as tg:
            tg.start_soon(ask)
            await anyio.sleep(0.005)
            tg.start_soon(ask)
        assert outcomes == ["first try fails", 5]
        assert attempts == 2

    anyio.run(main)


def test_cache_size_is_validated():
    with pytest.raises(InvalidParameterError, match="'maxsize' parameter of ResultCache"):
        ResultCache(0)


# worker ---------------------------------------------------------------------------------------


def test_the_worker_runs_calls_in_threads_at_most_size_at_once():
    async def main():
        worker = Worker(2)
        lock = threading.Lock()
        running = peak = 0

        def job() -> str:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            threading.Event().wait(0.03)
            with lock:
                running -= 1
            return threading.current_thread().name

        names: list[str] = []

        async def one() -> None:
            names.append(await worker.run(job))

        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(one)
        assert peak == 2
        assert threading.main_thread().name not in names

    anyio.run(main)


def test_worker_errors_reach_the_caller():
    def fail() -> None:
        raise InvalidParameterError("from the thread")

    with pytest.raises(InvalidParameterError, match="from the thread"):
        anyio.run(Worker(1).run, fail)
    with pytest.raises(InvalidParameterError, match="'size' parameter of Worker"):
        Worker(0)


# charts ---------------------------------------------------------------------------------------


def row(condition, episode, p, target=True):
    return {
        "condition": condition, "episode": episode, "step": 2, "cost": 2.0,
        "is_target": target, "asked": 100, "yes": int(100 * p), "kept": 10, "p_yes": p,
        "p_yes_lo": p - 0.1, "p_yes_hi": p + 0.1, "p_kept": 0.1, "p_kept_lo": 0.05,
        "p_kept_hi": 0.2,
    }  # fmt: skip


SCENARIO = {
    "opener": 208.0, "target": 2.0, "foot": 0.1, "unit": "hours", "delay_hours": 0.0,
    "baseline": 0.167, "plausible_max": None, "prosocial": True,
}  # fmt: skip


def test_simulation_chart_one_episode_is_intervals_of_target_rows():
    sim = SimulationPublic(scenario=SCENARIO, n_people=100, episodes=1, rows=[
        row("door_in_the_face", 1, 0.1, target=False), row("door_in_the_face", 1, 0.4),
        row("target_only", 1, 0.2),
    ])  # fmt: skip
    spec = simulation_chart(sim)
    assert spec["type"] == "intervals"
    assert spec["items"] == [
        {"label": "door in the face", "points": [[0.4, pytest.approx(0.3), 0.5]]},
        {"label": "target only", "points": [[0.2, pytest.approx(0.1), pytest.approx(0.3)]]},
    ]


def test_simulation_chart_over_episodes_is_lines():
    rows = [row("door_in_the_face", e, 0.5 - 0.1 * e) for e in (1, 2, 3)]
    spec = simulation_chart(SimulationPublic(scenario=SCENARIO, n_people=100, episodes=3,
                                             rows=rows))  # fmt: skip
    assert spec["type"] == "lines" and spec["log_x"] is False
    assert [p[0] for p in spec["series"][0]["points"]] == [1, 2, 3]


def sweep_row(run, values, condition, p):
    return {
        "run": run, "values": values, "condition": condition, "p_yes": p, "p_yes_lo": p,
        "p_yes_hi": p, "p_kept": p, "p_kept_lo": p, "p_kept_hi": p, "asked": 1, "yes": 1,
        "expected_value": 1.0, "expected_value_kept": 1.0,
    }  # fmt: skip


def test_sweep_chart_names_series_by_the_other_axes():
    result = SweepPublic(
        axes=[{"name": "delay_hours", "values": [0, 24]}, {"name": "reciprocity",
              "values": [0.2]}],
        rows=[
            sweep_row(1, {"delay_hours": 0, "reciprocity": 0.2}, "door_in_the_face", 0.4),
            sweep_row(2, {"delay_hours": 24, "reciprocity": 0.2}, "door_in_the_face", 0.3),
        ],
    )  # fmt: skip
    spec = sweep_chart(result)
    assert spec["log_x"] is False
    assert spec["x_label"] == "delay hours"
    assert [s["name"] for s in spec["series"]] == ["door in the face (reciprocity = 0.2)"]
    log = SweepPublic(axes=[{"name": "opener", "values": [3, 3000]}], rows=[
        sweep_row(1, {"opener": 3}, "target_only", 0.2)])  # fmt: skip
    assert sweep_chart(log)["log_x"] is True


def test_power_rates_and_replication_charts():
    contrast = {"treatment": "door_in_the_face", "control": "target_only", "power": 0.5,
                "power_unadjusted": 0.6, "mean_difference": 0.1}  # fmt: skip
    point = {"n_studies": 10, "alpha": 0.05, "alternative": "two-sided", "measure": "verbal",
             "uncertainty": False, "heterogeneity": True, "arms": ["a"], "mean_rates": [0.1],
             "contrasts": [contrast], "power_any": 0.5, "mc_se": 0.1,
             "test": "fisher"}  # fmt: skip
    power = PowerPublic(points=[point | {"n_per_arm": 300, "power_all": 0.9},
                                point | {"n_per_arm": 100, "power_all": 0.4}])  # fmt: skip
    spec = power_chart(power)
    assert spec["series"][0] == {"name": "all contrasts (Holm)", "points": [[100, 0.4], [300, 0.9]]}
    assert spec["series"][1]["name"] == "door in the face > target only"
    analysis = AnalysisPublic(arms=[{"name": "a", "n": 10, "yes": 5, "rate": 0.5, "lo": 0.2,
                                     "hi": 0.8}], comparisons=[], chi2=0.0, df=1, p_chi2=1.0,
                              reference="a", level=0.95, test="fisher",
                              alternative="two-sided", notes=[])  # fmt: skip
    assert rates_chart(analysis)["items"] == [{"label": "a", "points": [[0.5, 0.2, 0.8]]}]
    rep = ReplicationPublic(study="s", key="k", source="src", conditions=[{
        "condition": "c", "condition_type": "ditf", "n": 10, "observed_pct": 50.0,
        "predicted_pct": 40.0, "lo": 20.0, "hi": 60.0, "ci_lo": 30.0, "ci_hi": 50.0,
        "reproduced": True}], contrast=["c", "d"], chi2_observed=1.0, chi2_median=1.0,
        chi2_lo=0.0, chi2_hi=2.0, power=0.5, n_sims=100, level=0.9)  # fmt: skip
    assert replication_chart(rep)["items"][0]["points"] == [[0.4, 0.2, 0.6], [0.5]]
    assert label("two_requesters") == "two requesters"


def test_contributions_chart_keeps_the_order_and_values(api):
    pred = api.post("/api/predict", json={}).json()
    from ditf.web._schemas.predict import PredictionPublic

    spec = contributions_chart(PredictionPublic(**pred))
    assert [i["value"] for i in spec["items"]] == list(pred["contributions"].values())


# API reference --------------------------------------------------------------------------------

SCHEMA = {
    "paths": {
        "/api/x": {
            "post": {
                "summary": "Do x",
                "requestBody": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/XRequest"}}}},
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": {
                        "type": "array", "items": {"type": "integer"}}}}},
                    "422": {"description": "Invalid"},
                },
            }
        }
    },
    "components": {"schemas": {"XRequest": {
        "type": "object", "required": ["a"],
        "properties": {
            "a": {"type": "number", "exclusiveMinimum": 0.0, "maximum": 5},
            "b": {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}],
                  "default": None, "description": "maybe"},
            "c": {"type": "object", "additionalProperties": {"type": "number"}},
            "d": {"enum": ["p", "q"]},
            "e": {"type": "array", "items": {"$ref": "#/components/schemas/Y"},
                  "minItems": 1},
        },
    }}},
}  # fmt: skip


def test_operations_flatten_the_schema():
    [op] = operations(SCHEMA)
    assert (op.method, op.path, op.summary, op.request) == ("POST", "/api/x", "Do x", "XRequest")
    assert op.response == "list of integer"
    assert op.statuses == (("200", "OK"), ("422", "Invalid"))
    a, b, c, d, e = op.request_fields
    assert (a.name, a.type, a.required, a.constraints) == ("a", "number", True, "> 0, <= 5")
    assert (b.type, b.default, b.constraints, b.description) == (
        "string or null", "null", "at most 3 characters", "maybe",
    )  # fmt: skip
    assert c.type == "map of string to number"
    assert d.type == "one of p, q"
    assert (e.type, e.constraints) == ("list of Y", "at least 1 items")
    assert fields(SCHEMA, {"type": "integer"}) == ()
    assert type_name({}) == "any"


# expiring cache -------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_expiring_cache_keeps_values_for_a_while():
    async def main():
        clock = FakeClock()
        cache: ExpiringCache[str, int] = ExpiringCache(1.0, clock)
        values = iter(range(10))

        async def read() -> int:
            return next(values)

        assert await cache.get("a", read) == 0
        clock.now = 0.9
        assert await cache.get("a", read) == 0  # still fresh
        clock.now = 1.1
        assert await cache.get("a", read) == 1  # expired: read again
        cache.clear()
        assert await cache.get("a", read) == 2  # a write here cleared it
        assert cache.reads == 3

    anyio.run(main)


def test_concurrent_reads_of_an_expired_value_read_once_and_failures_are_not_kept():
    async def main():
        cache: ExpiringCache[str, int] = ExpiringCache(60.0)
        calls = 0

        async def slow() -> int:
            nonlocal calls
            calls += 1
            await anyio.sleep(0.03)
            if calls == 1:
                raise InvalidParameterError("the store failed")
            return 7

        outcomes: list[object] = []

        async def ask() -> None:
            try:
                outcomes.append(await cache.get("k", slow))
            except InvalidParameterError as exc:
                outcomes.append(str(exc))

        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(ask)
        assert outcomes[0] == "the store failed" and outcomes[1:] == [7] * 4
        assert calls == 2  # the waiters read again once, together

    anyio.run(main)


def test_the_expiring_cache_validates_its_ttl():
    with pytest.raises(InvalidParameterError, match="'ttl' parameter of ExpiringCache"):
        ExpiringCache(0)


# plan charts, uploads, formats ----------------------------------------------------------------


def test_plan_charts_mark_the_limit_and_the_chosen_opener():
    from ditf.plan import plan, plan_report, plan_scenario_from_mapping
    from ditf.web._routes._plan import example_mapping

    report = plan_report(plan(plan_scenario_from_mapping(example_mapping("volunteering-beginner"))))
    odds, value = plan_charts(report)
    assert odds["log_x"] is True  # hours from 2 to hundreds
    assert odds["markers"] == [
        {"x": report["defensible_limit"], "label": "defensible limit"},
        {"x": report["opener"], "label": "chosen opener"},
    ]
    band = odds["series"][0]["points"]
    assert all(lo <= p <= hi for _, p, lo, hi in band)
    assert value["y_kind"] == "value" and value["y_label"] == "hours"
    assert [p[1] for p in value["series"][0]["points"]] == [
        c["expected_value"] for c in report["curve"]
    ]
    bars = mechanisms_chart({"reciprocity_x": 0.1}, "t")
    assert bars == {
        "type": "bars",
        "title": "t",
        "items": [{"label": "reciprocity x", "value": 0.1}],
    }


@pytest.mark.parametrize(
    ("upload", "fragment"),
    [
        (None, "Choose a case file"),
        (Upload("", b"x"), "Choose a case file"),
        (Upload("dir/case.TOML", b"a = 1"), None),
        (Upload("case.json", b'{"a": [1, 2]}'), None),
        (Upload("case.txt", b""), "expected a .toml or .json file, got '.txt'"),
        (Upload("case", b""), "got 'no suffix'"),
        (Upload("case.json", b"[" * 100_000), "case.json is not valid JSON"),
        (Upload("case.json", b"\xef\xbb\xbf" + b"3"), "got int"),
    ],
)
def test_uploads_are_read_like_files(upload, fragment):
    if fragment is None:
        assert isinstance(read_upload(upload, "case"), dict)
    else:
        with pytest.raises(DataError, match=re.escape(fragment)):
            read_upload(upload, "case")


def test_amounts_and_field_values_are_shown_as_typed():
    assert (amount(110000.0), amount(12.75), amount(4347.97, 4), amount(None)) == (
        "110,000", "12.75", "4,348", "",
    )  # fmt: skip
    assert (shown(None), shown(2.0), shown(2.5), shown(1e20), shown("x")) == (
        "", "2", "2.5", "1e+20", "x",
    )  # fmt: skip
