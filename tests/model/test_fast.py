"""The fast engine agrees with the reference path (issue 16).

Point probabilities within 1e-4 and interval ends within 0.5 points, on the shipped examples
and on generated inputs; the fast path uses the same draws and quadrature, so in practice the
two agree to rounding.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ditf._errors import InvalidParameterError
from ditf.data import read_mapping
from ditf.model import (
    Context,
    Request,
    Sequence,
    Step,
    load_model,
    predict,
    predict_draws,
    scenario_from_mapping,
)

POINT = 1e-4
INTERVAL = 0.005
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SETTINGS = settings(max_examples=60, deadline=None)


def assert_agree(sequence: Sequence, context: Context, **kwargs: object) -> None:
    fast = predict(sequence, context, **kwargs)  # type: ignore[arg-type]
    ref = predict(sequence, context, engine="reference", **kwargs)  # type: ignore[arg-type]
    for name in ("p_sequence", "lift", "p_asked", "behavioral_alone", "behavioral_sequence"):
        assert getattr(fast, name) == pytest.approx(getattr(ref, name), abs=POINT), name
    for name in ("lo", "hi", "lift_lo", "lift_hi"):
        assert getattr(fast, name) == pytest.approx(getattr(ref, name), abs=INTERVAL), name
    assert fast.contributions.keys() == ref.contributions.keys()
    for name, value in ref.contributions.items():
        assert fast.contributions[name] == pytest.approx(value, abs=POINT), name
    assert fast.method == ref.method


@pytest.mark.parametrize(
    "name", ["fundraising.toml", "volunteer.toml", "foot_in_the_door.toml", "salary.json"]
)
def test_shipped_examples_agree(name: str) -> None:
    sequence, context = scenario_from_mapping(read_mapping(EXAMPLES / name))
    assert_agree(sequence, context)


def test_fast_is_the_default_and_equal_to_rounding() -> None:
    seq = Sequence.door_in_the_face(opener=208, target=2, unit="hours")
    ctx = Context(baseline=0.167)
    default, ref = predict(seq, ctx), predict(seq, ctx, engine="reference")
    assert abs(default.p_sequence - ref.p_sequence) < 1e-12
    assert abs(default.lo - ref.lo) < 1e-12 and abs(default.hi - ref.hi) < 1e-12


def test_monte_carlo_sequences_agree() -> None:
    opener = Request(cost=200)
    steps = (Step(request=opener), Step(request=Request(cost=100)), Step(request=Request(cost=5)))
    assert_agree(Sequence(steps), Context(baseline=0.2), n_draws=100)


def test_generator_rng_is_not_cached() -> None:
    seq = Sequence.door_in_the_face(opener=50, target=2)
    ctx = Context(baseline=0.3)
    a = predict(seq, ctx, rng=np.random.default_rng(5))
    b = predict(seq, ctx, rng=np.random.default_rng(5), engine="reference")
    assert a.p_sequence == pytest.approx(b.p_sequence, abs=1e-12)
    assert predict(seq, ctx, rng=1).p_sequence != predict(seq, ctx, rng=2).p_sequence


def test_other_models_and_sizes_get_their_own_draws() -> None:
    seq = Sequence.door_in_the_face(opener=50, target=2)
    ctx = Context(baseline=0.3)
    small = predict(seq, ctx, n_draws=50)
    assert small.p_sequence == pytest.approx(
        predict(seq, ctx, n_draws=50, engine="reference").p_sequence, abs=1e-12
    )
    assert small.p_sequence != predict(seq, ctx).p_sequence


def test_unknown_engine_is_refused() -> None:
    seq = Sequence.door_in_the_face(opener=50, target=2)
    with pytest.raises(InvalidParameterError, match="engine"):
        predict(seq, Context(baseline=0.3), engine="turbo")
    with pytest.raises(InvalidParameterError, match="engine"):
        predict_draws([(seq, Context(baseline=0.3))], engine="turbo")


def test_fast_draws_refuse_long_sequences() -> None:
    steps = tuple(Step(request=Request(cost=c)) for c in (9, 5, 2))
    with pytest.raises(InvalidParameterError, match="at most two steps"):
        predict_draws([(Sequence(steps), Context(baseline=0.3))])


def test_cached_draws_are_read_only() -> None:
    from ditf.model._fast import posterior

    p, strength, _ = posterior(load_model(), 100, 0, with_seed=False)
    assert not strength.flags.writeable and not p.trait_share.flags.writeable


@st.composite
def two_step(draw: st.DrawFn) -> tuple[Sequence, Context, float | None]:
    target = draw(st.floats(0.01, 1e4))
    first = target * draw(st.floats(0.01, 500.0))
    kind = draw(st.sampled_from(["retreat", "escalation", "single", "described"]))
    prosocial = draw(st.booleans())
    context = Context(
        baseline=draw(st.floats(0.01, 0.99)),
        plausible_max=draw(st.none() | st.floats(0.01, 1e5)),
        prior_retreats=draw(st.integers(0, 5)),
        negotiation=draw(st.booleans()),
    )
    if kind == "single":
        return Sequence((Step(request=Request(cost=target, prosocial=prosocial)),)), context, None
    opener = Request(
        cost=first,
        requester=draw(st.sampled_from(["a", "b"])),
        described_only=kind == "described",
        performed=draw(st.booleans()),
        prosocial=prosocial,
    )
    second = Request(cost=target, requester="a", prosocial=prosocial)
    delay = draw(st.sampled_from([0.0, 0.5, 24.0, 168.0]))
    seq = Sequence((Step(request=opener), Step(request=second, delay_hours=delay)))
    first_baseline = draw(st.none() | st.floats(0.01, 0.99))
    return seq, context, first_baseline


@SETTINGS
@given(two_step(), st.integers(0, 2**31 - 1))
def test_generated_predictions_agree(
    case: tuple[Sequence, Context, float | None], seed: int
) -> None:
    seq, ctx, first = case
    assert_agree(seq, ctx, n_draws=200, rng=seed, first_baseline=first)


@SETTINGS
@given(st.lists(two_step(), min_size=1, max_size=6), st.booleans())
def test_generated_draws_agree(
    cases: list[tuple[Sequence, Context, float | None]], firsts: bool
) -> None:
    cells = [(seq, ctx) for seq, ctx, _ in cases]
    first = [f if f is not None else 0.4 for _, _, f in cases] if firsts else None
    fast = predict_draws(cells, n_draws=100, first_baselines=first)
    ref = predict_draws(cells, n_draws=100, first_baselines=first, engine="reference")
    for name in ("p_first_yes", "verbal", "behavioral", "p_asked"):
        np.testing.assert_allclose(getattr(fast, name), getattr(ref, name), atol=POINT)


def test_large_draws_are_drawn_afresh() -> None:
    from ditf.model._fast import _CACHE_MAX_DRAWS, posterior

    n = _CACHE_MAX_DRAWS + 1
    a, _, _ = posterior(load_model(), n, 0, with_seed=False)
    b, _, _ = posterior(load_model(), n, 0, with_seed=False)
    assert a.trait_share is not b.trait_share
    np.testing.assert_array_equal(a.trait_share, b.trait_share)
    c, _, _ = posterior(load_model(), 100, 0, with_seed=False)
    assert posterior(load_model(), 100, 0, with_seed=False)[0].trait_share is c.trait_share
