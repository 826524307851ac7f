"""Sweeps: axis specs, grids, validation before work, caps, and identical results on every backend.

The Dask tests share one two-worker LocalCluster (module scope, about 1.5 s to start); the
unreachable-scheduler test checks the backend's connect timeout, then waits out 1 s of it.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import socket
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ditf._errors import BackendError, InvalidParameterError
from ditf.model import ModelParams
from ditf.settings import Settings
from ditf.simulate import (
    CONDITIONS,
    SWEEPABLE,
    DaskBackend,
    ProcessBackend,
    Scenario,
    SerialBackend,
    SweepAxis,
    simulate,
    sweep,
)

TWO = ["target_only", "door_in_the_face"]


class RecordingBackend:
    """Serial, but remembers whether any work was handed to it."""

    def __init__(self):
        self.calls = 0

    def map(self, fn, tasks, progress=None):
        self.calls += 1
        return SerialBackend().map(fn, tasks, progress)


# SweepAxis.parse ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "name", "values"),
    [
        ("opener=10:1000:3:log", "opener", (10.0, 100.0, 1000.0)),
        ("delay_hours=0:72:4", "delay_hours", (0.0, 24.0, 48.0, 72.0)),
        ("delay_hours=0,24,168", "delay_hours", (0.0, 24.0, 168.0)),
        ("reciprocity=0.45", "reciprocity", (0.45,)),
        ("strength=0.5:2:1", "strength", (0.5,)),
        ("baseline=0.3:0.1:3", "baseline", (0.3, 0.2, 0.1)),  # descending is fine
        (" plausible_max = 300 ", "plausible_max", (300.0,)),
        ("half_life_hours=1:1000:4:log", "half_life_hours", (1.0, 10.0, 100.0, 1000.0)),
    ],
)
def test_parse_reads_ranges_lists_and_single_values(spec, name, values):
    axis = SweepAxis.parse(spec)
    assert axis.name == name
    assert axis.values == pytest.approx(values, rel=1e-12)
    assert all(type(v) is float for v in axis.values)


def test_every_model_parameter_and_scenario_number_is_sweepable():
    assert set(ModelParams.names()) <= set(SWEEPABLE)
    assert set(Scenario.fields()) - set(SWEEPABLE) == {"unit", "prosocial"}
    assert "strength" in SWEEPABLE


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("opener", r"Cannot read the sweep 'opener': use NAME=START:STOP:STEPS\[:log\]"),
        ("opener=", r"Cannot read the sweep 'opener='"),
        ("=5", r"'sweep parameter' parameter of ditf sweep must be one of .* Got '' instead"),
        ("opener=a,b", r"Cannot read the sweep 'opener=a,b'"),
        ("opener=1:2", r"Cannot read the sweep 'opener=1:2'"),
        ("opener=1:2:3:lin", r"Cannot read the sweep"),
        ("opener=1:2:3:log:x", r"Cannot read the sweep"),
        ("opener=1:2:2.5", r"Cannot read the sweep"),
        ("opener=1:nan:3", r"Cannot read the sweep"),
        ("opener=1:inf:3", r"Cannot read the sweep"),
        ("opener=1,,2", r"Cannot read the sweep"),
        ("opener=10:1000:0", r"Cannot read the sweep 'opener=10:1000:0': STEPS must be a whole"),
        ("opener=3:3000:10001", r"STEPS must be a whole number from 1 to 10,000; use NAME="),
        ("opener=10:1000:-2", r"Cannot read the sweep"),
        ("opener=0:1000:3:log", r"'opener=0:1000:3:log': a log range needs START and STOP above"),
        ("opener=-10:1000:3:log", r"Cannot read the sweep"),
        ("opener=10:-1:3:log", r"Cannot read the sweep"),
        ("nope=1,2", r"'sweep parameter' .* Got 'nope' instead"),
        ("unit=1", r"Got 'unit' instead"),
        ("prosocial=1", r"Got 'prosocial' instead"),
        ("Opener=1", r"Got 'Opener' instead"),
    ],
)
def test_parse_rejects_malformed_specs_and_unknown_names(spec, match):
    with pytest.raises(InvalidParameterError, match=match):
        SweepAxis.parse(spec)


def test_an_axis_needs_a_known_name_and_values():
    with pytest.raises(InvalidParameterError, match=r"'name' parameter of SweepAxis .* 'nope'"):
        SweepAxis("nope", (1.0,))
    with pytest.raises(InvalidParameterError, match=r"The sweep of 'opener' has no values"):
        SweepAxis("opener", ())


def test_parse_rejects_an_absurd_number_of_steps():
    with pytest.raises(InvalidParameterError, match="opener"):
        SweepAxis.parse("opener=1:2:1000000000000")


def test_parse_rejects_a_range_wider_than_a_float():
    with pytest.raises(InvalidParameterError, match="Cannot read the sweep"):
        SweepAxis.parse("opener=-1e308:1e308:3")


# Bodies of at most 10 characters keep STEPS below 10**6 (huge STEPS is the xfail above).
names = st.sampled_from([*SWEEPABLE, "nope", "", "unit"])
bodies = st.text(alphabet="0123456789.:,-+elognaif ", max_size=10)


@settings(max_examples=300, deadline=None)
@given(spec=st.one_of(st.text(max_size=30), st.builds("{}={}".format, names, bodies)))
def test_parse_raises_nothing_but_invalid_parameter_error(spec):
    try:
        axis = SweepAxis.parse(spec)
    except InvalidParameterError:
        return
    assert axis.name in SWEEPABLE
    assert len(axis.values) >= 1
    assert all(isinstance(v, float) for v in axis.values)


# Sweeps -------------------------------------------------------------------------------------


def test_a_sweep_over_the_opener_gives_one_row_per_run_and_condition():
    axis = SweepAxis.parse("opener=10:1000:3:log")
    result = sweep([axis], n_people=5_000, rng=1)
    assert result.axes == (axis,)
    assert len(result.rows) == 3 * len(CONDITIONS)
    assert [(r["run"], r["condition"]) for r in result.rows] == [
        (run, name) for run in (1, 2, 3) for name in CONDITIONS
    ]
    assert [r["opener"] for r in result.rows[:: len(CONDITIONS)]] == list(axis.values)
    for r in result.rows:
        assert 0.0 <= r["p_yes_lo"] <= r["p_yes"] <= r["p_yes_hi"] <= 1.0
        assert 0.0 <= r["p_kept_lo"] <= r["p_kept"] <= r["p_kept_hi"] <= 1.0
        assert r["yes"] <= r["asked"] <= 5_000
        assert r["expected_value_kept"] <= r["expected_value"]
    frame = result.to_frame()
    assert len(frame) == len(result.rows)
    assert {"run", "opener", "condition", "p_yes", "expected_value"} <= set(frame.columns)


def test_a_sweep_point_is_simulate_with_that_points_child_seed():
    result = sweep([SweepAxis.parse("delay_hours=0,24")], conditions=TWO, n_people=5_000, rng=4)
    child = np.random.SeedSequence(4).spawn(2)[1]
    alone = simulate(Scenario(delay_hours=24), conditions=TWO, n_people=5_000, rng=child)
    row = result.rows[3]
    assert (row["run"], row["condition"]) == (2, "door_in_the_face")
    target = alone.target("door_in_the_face")
    assert (row["yes"], row["asked"], row["p_yes"]) == (target.yes, target.asked, target.p_yes)
    assert row["expected_value"] == alone.expected_value("door_in_the_face")


def test_a_model_parameter_sweep_reaches_the_model():
    result = sweep([SweepAxis.parse("reciprocity=0,1.5")], conditions=TWO, n_people=40_000, rng=2)
    low, high = (r for r in result.rows if r["condition"] == "door_in_the_face")
    assert (low["reciprocity"], high["reciprocity"]) == (0.0, 1.5)
    assert low["p_yes_hi"] < high["p_yes_lo"]
    alone = [r for r in result.rows if r["condition"] == "target_only"]
    assert alone[0]["p_yes_lo"] < alone[1]["p_yes_hi"]  # the target alone has no lift


def test_a_strength_sweep_scales_the_lifts():
    result = sweep([SweepAxis.parse("strength=0.25,1,4")], conditions=TWO, n_people=40_000, rng=3)
    rows = [r for r in result.rows if r["condition"] == "door_in_the_face"]
    assert [r["strength"] for r in rows] == [0.25, 1.0, 4.0]
    assert rows[0]["p_yes_hi"] < rows[1]["p_yes_lo"]
    assert rows[1]["p_yes_hi"] < rows[2]["p_yes_lo"]


def test_two_axes_span_their_product():
    axes = [SweepAxis.parse("delay_hours=0,24"), SweepAxis.parse("reciprocity=0.2,0.45,0.8")]
    result = sweep(axes, conditions=["door_in_the_face"], n_people=2_000, rng=0)
    assert [r["run"] for r in result.rows] == [1, 2, 3, 4, 5, 6]
    assert [(r["delay_hours"], r["reciprocity"]) for r in result.rows] == [
        (d, k) for d in (0.0, 24.0) for k in (0.2, 0.45, 0.8)
    ]


def test_the_base_scenario_applies_where_not_swept():
    scenario = Scenario(opener=50.0, baseline=0.3)
    result = sweep(
        [SweepAxis.parse("delay_hours=0")],
        scenario,
        conditions=["target_only"],
        n_people=40_000,
        rng=1,
    )
    (row,) = result.rows
    assert row["p_yes_lo"] < 0.3 < row["p_yes_hi"]


def test_an_opener_beyond_the_plausible_maximum_backfires():
    # Even-Chen et al. (1978): the lift rises with the opener, then falls once it is absurd.
    result = sweep(
        [SweepAxis.parse("opener=3:30000:5:log")],
        Scenario(plausible_max=300),
        conditions=["door_in_the_face"],
        n_people=40_000,
        rng=5,
    )
    rows = list(result.rows)
    assert [r["opener"] for r in rows] == pytest.approx([3, 30, 300, 3000, 30000])
    peak = max(range(len(rows)), key=lambda i: rows[i]["p_yes"])
    assert 0 < peak < len(rows) - 1
    for i, (a, b) in enumerate(itertools.pairwise(rows)):
        if i < peak:
            assert a["p_yes_hi"] < b["p_yes_lo"], i  # rises
        else:
            assert b["p_yes_hi"] < a["p_yes_lo"], i  # falls
    assert rows[-1]["p_yes_hi"] < Scenario().baseline  # an absurd opener does harm


# Validation before any work -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("baseline=0.1,0.5,1.0", r"'baseline' parameter of Scenario .* Got 1\.0"),
        ("opener=300,100,1", r"opener > target > foot\. Got opener=1\.0"),
        ("target=1,1000", r"opener > target > foot\. Got opener=208\.0, target=1000\.0"),
        ("trait_share=0.5,0.95", r"'trait_share' parameter of ModelParams .* Got 0\.95"),
        ("follow_through=0.5,1.5", r"'follow_through' parameter of ModelParams"),
        ("plausible_max=300,0", r"'plausible_max' parameter of Context"),
        ("delay_hours=0,nan", r"Cannot read the sweep 'delay_hours=0,nan'"),
    ],
)
def test_an_invalid_value_at_any_grid_point_fails_before_any_work(spec, match):
    backend, progress = RecordingBackend(), []
    with pytest.raises(InvalidParameterError, match=match):
        sweep([SweepAxis.parse(spec)], backend=backend, progress=lambda *a: progress.append(a))
    assert backend.calls == 0
    assert progress == []


@pytest.mark.parametrize(
    ("spec", "kwargs", "match"),
    [
        ("strength=1,-1", {}, r"'strength' parameter"),
        ("opener=100,300", {"strength": -1.0}, r"'strength' parameter"),
        ("opener=100,300", {"conditions": ["nope"]}, r"'conditions' parameter of sweep"),
    ],
    ids=["swept strength", "given strength", "condition"],
)
def test_strength_and_conditions_fail_before_any_work(spec, kwargs, match):
    backend = RecordingBackend()
    with pytest.raises(InvalidParameterError, match=match):
        sweep([SweepAxis.parse(spec)], n_people=100, backend=backend, **kwargs)
    assert backend.calls == 0


def test_a_parameter_can_be_swept_only_once():
    axes = [SweepAxis.parse("opener=10,20"), SweepAxis.parse("opener=30")]
    with pytest.raises(InvalidParameterError, match="Each parameter can be swept only once"):
        sweep(axes)


def test_a_negative_seed_is_rejected():
    with pytest.raises(InvalidParameterError, match=r"'rng' parameter .* int >= 0\. Got -3"):
        sweep([SweepAxis.parse("opener=100")], rng=-3)


# Caps ---------------------------------------------------------------------------------------


def test_too_many_runs_are_rejected_before_any_work():
    backend = RecordingBackend()
    axes = [SweepAxis.parse("opener=10:1000:3:log"), SweepAxis.parse("delay_hours=0,1")]
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'number of runs' parameter of sweep must be an int in \[1, 5\]\. Got 6",
    ):
        sweep(axes, backend=backend, settings=Settings(max_sweep_runs=5))
    assert backend.calls == 0
    assert len(sweep(axes, n_people=10, settings=Settings(max_sweep_runs=6)).rows) == 30


def test_too_many_responses_are_rejected_with_the_fix():
    backend = RecordingBackend()
    limits = Settings(max_responses=1_000_000)
    with pytest.raises(
        InvalidParameterError,
        match=r"about 2,000,000 responses, over the limit of 1,000,000\. Use fewer runs or "
        r"people, or raise DITF_MAX_RESPONSES",
    ):
        sweep(
            [SweepAxis.parse("opener=100,200")],
            conditions=["door_in_the_face"],
            n_people=500_000,
            backend=backend,
            settings=limits,
        )
    assert backend.calls == 0


def test_too_many_people_are_rejected():
    with pytest.raises(InvalidParameterError, match=r"'n_people' parameter of sweep .* \[1, 10\]"):
        sweep([SweepAxis.parse("opener=100")], n_people=11, settings=Settings(max_population=10))
    with pytest.raises(InvalidParameterError, match=r"'n_people' parameter of sweep"):
        sweep([SweepAxis.parse("opener=100")], n_people=0)


# Progress -----------------------------------------------------------------------------------


def test_progress_counts_every_run_up_to_the_total():
    calls = []
    sweep(
        [SweepAxis.parse("opener=10:1000:4:log")],
        conditions=["target_only"],
        n_people=100,
        rng=0,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


# Backends -----------------------------------------------------------------------------------

CONTRACT_AXES = [SweepAxis.parse("opener=10:1000:3:log"), SweepAxis.parse("delay_hours=0,24")]


def contract_sweep(backend, progress=None):
    return sweep(
        CONTRACT_AXES,
        conditions=TWO,
        n_people=20_000,
        backend=backend,
        rng=2024,
        progress=progress,
    )


@pytest.fixture(scope="module")
def serial_rows():
    return contract_sweep(SerialBackend()).rows


@pytest.fixture(scope="module")
def dask_backend():
    # The scheduler binds HTTP port 8787 (dashboard_address=None does not stop that) and warns
    # when another cluster holds it. Only that warning is ignored, and only while starting;
    # test_a_busy_dashboard_port_does_not_stop_a_local_cluster reports it.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Port 8787 is already in use", UserWarning)
        backend = DaskBackend(workers=2)
    with backend:
        yield backend


def assert_progress(calls, total):
    assert len(calls) == total
    assert sorted(done for done, _ in calls) == list(range(1, total + 1))
    assert {t for _, t in calls} == {total}
    assert calls[-1] == (total, total)


def test_the_process_backend_gives_the_serial_rows(serial_rows):
    calls = []
    result = contract_sweep(ProcessBackend(2), progress=lambda *a: calls.append(a))
    assert result.rows == serial_rows
    assert_progress(calls, 6)


def test_the_dask_backend_gives_the_serial_rows(serial_rows, dask_backend):
    calls = []
    result = contract_sweep(dask_backend, progress=lambda *a: calls.append(a))
    assert result.rows == serial_rows
    assert_progress(calls, 6)
    assert len(dask_backend.client.scheduler_info()["workers"]) == 2


def test_dask_workers_serve_large_arrays_from_the_heap(dask_backend):
    got = dask_backend.client.run(os.environ.get, "MALLOC_MMAP_THRESHOLD_")
    assert set(got.values()) == {"67108864"}


def test_a_dask_task_error_reaches_the_caller(dask_backend):
    with pytest.raises(InvalidParameterError, match=r"'conditions' parameter .* Got 'nope'"):
        sweep([SweepAxis.parse("opener=100")], conditions=["nope"], backend=dask_backend)


def test_an_unreachable_scheduler_is_a_backend_error_within_15_s(monkeypatch):
    # Dask retries a refused connection until the client's timeout: the backend must ask for
    # at most 15 s, once. The error is the same after 1 s as after 10, so the test waits 1 s.
    import dask.distributed
    from dask.utils import parse_timedelta

    real_client, asked = dask.distributed.Client, []

    def client(address, *, timeout):
        asked.append(parse_timedelta(timeout))
        return real_client(address, timeout="1s")

    monkeypatch.setattr(dask.distributed, "Client", client)
    with pytest.raises(BackendError, match=r"Cannot reach Dask at tcp://127\.0\.0\.1:1: .*"
                       r"Is the scheduler up\?"):  # fmt: skip
        DaskBackend(scheduler="tcp://127.0.0.1:1")
    assert len(asked) == 1 and asked[0] <= 15.0


@pytest.mark.parametrize(
    ("address", "why"),
    [("", "is empty"), ("tcp://", "missing port"), ("foo://x:1", "unknown address scheme"),
     ("not a url", "missing port"), ("tcp://h:abc", "invalid literal"),
     ("tcp://h:99999", "port is not in 1-65535"), ("tcp://:8786", "host is empty")],
)  # fmt: skip
def test_a_malformed_address_is_refused_before_any_client_starts(monkeypatch, address, why):
    # A client starts an IO-loop thread first; on a loaded machine that start-up can time out
    # and hide the address's fault behind a bare AssertionError, so no client may be made.
    import dask.distributed

    monkeypatch.setattr(dask.distributed, "Client", None)
    with pytest.raises(BackendError, match=f"Dask scheduler address .*{why}"):
        DaskBackend(scheduler=address)


@pytest.mark.parametrize(
    "kwargs", [{}, {"workers": 2, "scheduler": "tcp://127.0.0.1:8786"}], ids=["neither", "both"]
)
def test_the_dask_backend_needs_workers_or_a_scheduler(kwargs):
    with pytest.raises(BackendError, match=r"Give either workers .* or a scheduler address"):
        DaskBackend(**kwargs)


@pytest.mark.parametrize("workers", [0, 257, 1.5])
def test_worker_counts_are_validated(workers):
    with pytest.raises(InvalidParameterError, match=r"'workers' parameter of ProcessBackend"):
        ProcessBackend(workers)
    with pytest.raises(InvalidParameterError, match=r"'workers' parameter of DaskBackend"):
        DaskBackend(workers=workers)


def make_backend(request, name):
    if name == "dask":
        return request.getfixturevalue("dask_backend")
    return ProcessBackend(2) if name == "process" else SerialBackend()


@pytest.mark.parametrize(
    ("name", "fn", "arg", "error", "match"),
    [
        *(
            pytest.param(name, math.sqrt, -1.0, ValueError, "math domain error", id=f"{name}-value")
            for name in ("serial", "process", "dask")
        ),
        *(
            pytest.param(
                name,
                os.stat,
                "/nonexistent/ditf",
                FileNotFoundError,
                "No such file",
                id=f"{name}-oserror",
            )
            for name in ("serial", "process", "dask")
        ),
    ],
)
def test_a_tasks_own_error_reaches_the_caller_unchanged(request, name, fn, arg, error, match):
    backend = make_backend(request, name)
    with pytest.raises(error, match=match):
        backend.map(fn, [1.0 if fn is math.sqrt else ".", arg])


def test_a_dying_dask_worker_is_a_backend_error(dask_backend):
    # The last test on the shared cluster: its nannies restart the killed workers.
    with pytest.raises(BackendError):
        dask_backend.map(os._exit, [3])


def test_a_dying_worker_process_is_a_backend_error():
    with pytest.raises(BackendError):
        ProcessBackend(1).map(os._exit, [3])


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_busy_dashboard_port_does_not_stop_a_local_cluster():
    with socket.socket() as busy:
        with contextlib.suppress(OSError):  # already busy is just as good
            busy.bind(("0.0.0.0", 8787))
            busy.listen()
        with DaskBackend(workers=1) as backend:
            assert backend.map(abs, [-1]) == [1]
