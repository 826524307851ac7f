"""predict_draws: many two-step sequences at once, on the same posterior draws as predict."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ditf._errors import InvalidParameterError
from ditf.model import (
    Context,
    OutcomeDraws,
    Request,
    Sequence,
    Step,
    load_model,
    predict,
    predict_draws,
)

FAST = settings(max_examples=40, deadline=None)
CONTEXT = Context(baseline=0.3, plausible_max=100)
DITF = Sequence.door_in_the_face(opener=80, target=5)

CELLS = {
    "door in the face": (DITF, CONTEXT),
    "beyond the limit": (Sequence.door_in_the_face(opener=900, target=5), CONTEXT),
    "other requester": (
        Sequence.door_in_the_face(opener=80, target=5, other_requester=True),
        CONTEXT,
    ),
    "delayed": (Sequence.door_in_the_face(opener=80, target=5, delay_hours=24), CONTEXT),
    "foot in the door": (Sequence.foot_in_the_door(foot=0.5, target=5), Context(baseline=0.2)),
    "described opener": (
        Sequence.door_in_the_face(opener=80, target=5, described_only=True),
        CONTEXT,
    ),
    "target alone": (Sequence.target_only(5), Context(baseline=0.4)),
    "habituated": (DITF, Context(baseline=0.3, plausible_max=100, prior_retreats=3)),
}


def column(draws: OutcomeDraws, i: int) -> tuple[np.ndarray, ...]:
    return tuple(
        a[:, i] for a in (draws.p_first_yes, draws.verbal, draws.behavioral, draws.p_asked)
    )


@pytest.mark.parametrize("name", list(CELLS))
def test_a_cell_agrees_with_predict_on_the_same_seed(name):
    seq, ctx = CELLS[name]
    draws = predict_draws([(seq, ctx)], n_draws=300, rng=7)
    pred = predict(seq, ctx, n_draws=300, rng=7, level=0.8)
    assert float(np.mean(draws.verbal[:, 0])) == pytest.approx(pred.p_sequence, abs=1e-12)
    assert float(np.quantile(draws.verbal[:, 0], 0.1)) == pytest.approx(pred.lo, abs=1e-12)
    assert float(np.quantile(draws.verbal[:, 0], 0.9)) == pytest.approx(pred.hi, abs=1e-12)
    assert float(np.mean(draws.p_asked[:, 0])) == pytest.approx(pred.p_asked, abs=1e-12)
    assert float(np.mean(draws.behavioral[:, 0])) == pytest.approx(
        pred.behavioral_sequence, abs=1e-12
    )


def test_cells_share_the_draws_and_do_not_depend_on_their_neighbours():
    cells = list(CELLS.values())
    together = predict_draws(cells, n_draws=200, rng=11)
    for i, cell in enumerate(cells):
        alone = predict_draws([cell], n_draws=200, rng=11)
        for a, b in zip(column(together, i), column(alone, 0), strict=True):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-14)


def test_shapes_and_ranges():
    cells = list(CELLS.values())
    draws = predict_draws(cells, n_draws=50, rng=1)
    for array in (draws.p_first_yes, draws.verbal, draws.behavioral, draws.p_asked):
        assert array.shape == (50, len(cells))
        assert array.dtype == np.float64
        assert np.all((array >= 0) & (array <= 1))
    assert predict_draws([cells[0]]).verbal.shape == (400, 1)  # the default n_draws


def test_what_each_kind_of_cell_reports():
    names = list(CELLS)
    draws = predict_draws(list(CELLS.values()), n_draws=100, rng=2)
    first, verbal, _, asked = (draws.p_first_yes, draws.verbal, draws.behavioral, draws.p_asked)
    alone = names.index("target alone")
    # Asked alone: P(yes) is the context's baseline, the request is always asked.
    np.testing.assert_allclose(verbal[:, alone], 0.4, atol=1e-12)
    np.testing.assert_allclose(first[:, alone], verbal[:, alone])
    np.testing.assert_allclose(asked[:, alone], 1.0)
    # A retreat is asked only after a refusal; an escalation is asked whatever the answer.
    ditf = names.index("door in the face")
    np.testing.assert_allclose(first[:, ditf] + asked[:, ditf], 1.0, atol=1e-12)
    assert np.all(asked[:, ditf] < 1.0)
    np.testing.assert_allclose(asked[:, names.index("foot in the door")], 1.0)


def test_the_same_seed_gives_the_same_draws_and_another_seed_others():
    cells = [CELLS["door in the face"], CELLS["foot in the door"]]
    a = predict_draws(cells, n_draws=60, rng=5)
    b = predict_draws(cells, n_draws=60, rng=5)
    c = predict_draws(cells, n_draws=60, rng=np.random.default_rng(5))
    d = predict_draws(cells, n_draws=60, rng=6)
    for x, y, z in zip(column(a, 0), column(b, 0), column(c, 0), strict=True):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)
    assert not np.array_equal(a.verbal, d.verbal)


def test_first_baselines_pin_p_yes_to_the_first_request():
    cells = [CELLS["door in the face"], CELLS["delayed"]]
    draws = predict_draws(cells, n_draws=80, rng=3, first_baselines=[0.2, 0.6])
    np.testing.assert_allclose(draws.p_first_yes[:, 0], 0.2, atol=1e-12)
    np.testing.assert_allclose(draws.p_first_yes[:, 1], 0.6, atol=1e-12)
    np.testing.assert_allclose(draws.p_asked, 1.0 - draws.p_first_yes, atol=1e-12)


def test_refusing_a_likelier_opener_says_more_about_the_person():
    # Willingness is shared across the two answers: refusing an opener most people accept marks
    # a less willing person, so P(yes to the retreat) falls as P(yes to the opener) rises.
    cell = CELLS["door in the face"]
    verbal = [
        float(np.mean(predict_draws([cell], n_draws=200, rng=4, first_baselines=[q]).verbal))
        for q in (0.05, 0.3, 0.6, 0.9)
    ]
    assert verbal == sorted(verbal, reverse=True)
    assert len(set(verbal)) == 4


def test_an_explicit_model_is_used():
    model = load_model()
    a = predict_draws([CELLS["door in the face"]], model=model, n_draws=40, rng=9)
    b = predict_draws([CELLS["door in the face"]], n_draws=40, rng=9)
    np.testing.assert_array_equal(a.verbal, b.verbal)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"first_baselines": [0.5, 0.5]},
            r"first_baselines needs one probability per cell \(1\); got 2",
        ),
        ({"first_baselines": []}, r"needs one probability per cell \(1\); got 0"),
        (
            {"first_baselines": [0.0]},
            r"'first_baselines' parameter of predict_draws must be a "
            r"probability in \(0, 1\). Got 0.0",
        ),
        ({"first_baselines": [1.0]}, r"'first_baselines' .* Got 1.0"),
        ({"first_baselines": [1.5]}, r"'first_baselines' .* Got 1.5"),
        ({"first_baselines": [math.nan]}, r"'first_baselines' parameter"),
        ({"first_baselines": ["half"]}, r"'first_baselines' parameter"),
        ({"n_draws": 9}, r"'n_draws' parameter of predict_draws must be an int in \[10, 100000\]"),
        ({"n_draws": 100_001}, r"'n_draws' parameter of predict_draws"),
        ({"rng": -3}, r"'rng' parameter"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        predict_draws([CELLS["door in the face"]], **kwargs)


def test_no_cells_is_an_error():
    with pytest.raises(InvalidParameterError, match=r"needs at least one \(Sequence, Context\)"):
        predict_draws([])


def test_a_three_step_sequence_is_refused():
    steps = [Step(request=Request(cost=c)) for c in (80, 20, 5)]
    with pytest.raises(InvalidParameterError, match="at most two steps; got 3"):
        predict_draws([(Sequence(steps), CONTEXT)])


@FAST
@given(
    st.floats(min_value=1.5, max_value=1e4),
    st.floats(min_value=0.01, max_value=100),
    st.floats(min_value=1e-3, max_value=1 - 1e-3),
    st.floats(min_value=1e-3, max_value=1 - 1e-3),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_draws_stay_probabilities_for_random_retreats(ratio, target, baseline, first, seed):
    ctx = Context(baseline=baseline, plausible_max=target * 10)
    cells = [(Sequence.door_in_the_face(opener=target * ratio, target=target), ctx)]
    for firsts in (None, [first]):
        draws = predict_draws(cells, n_draws=20, rng=seed, first_baselines=firsts)
        for array in (draws.p_first_yes, draws.verbal, draws.behavioral, draws.p_asked):
            assert np.all((array >= 0) & (array <= 1))
        np.testing.assert_allclose(draws.p_first_yes + draws.p_asked, 1.0, atol=1e-12)
        assert np.all(draws.behavioral <= draws.verbal + 1e-12)
