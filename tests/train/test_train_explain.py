"""The mechanism notes: every mechanism the model reports is explained, and none is dropped."""

from __future__ import annotations

import dataclasses
import re

import pytest
from train_factories import ALL

from ditf.model import MECHANISMS, Context, Sequence, predict
from ditf.plan import plan
from ditf.train import (
    Choice,
    TargetResponse,
    make_pitch,
    mechanism_notes,
    play_round,
    score_target,
    trainer_scenario,
)
from ditf.train._explain import IDLE, INTERACTION, WORDS

EXPLAINED = "I understand; I give up a lot, but I still need this much for the contract."
#: The rounded points a note shows are within this of its points (one decimal of a point).
SHOWN = 0.0005


def test_every_mechanism_the_model_can_report_has_words():
    assert set(MECHANISMS) | {"selection"} <= set(WORDS)
    # What the model actually reports, everything on, in a negotiation where all can act.
    seq = Sequence.door_in_the_face(opener=60000, target=45000, unit="EUR", prosocial=False)
    pred = predict(seq, Context(baseline=0.5, plausible_max=50000, negotiation=True))
    assert "anchoring" in pred.contributions
    assert set(pred.contributions) <= set(WORDS)


def test_no_contribution_is_left_out():
    contributions = dict.fromkeys((*WORDS, "a_new_term"), 0.01)
    notes = mechanism_notes(contributions)
    assert [n.mechanism for n in notes] == [*WORDS, "a_new_term"]
    assert "'a_new_term'" in notes[-1].text and notes[-1].effect == "helped"


def test_the_rest_of_the_lift_is_its_own_note():
    notes = mechanism_notes({"reciprocity": 0.03, "anchoring": 0.25}, lift=0.31)
    assert [n.mechanism for n in notes] == ["reciprocity", "anchoring", INTERACTION]
    assert notes[-1].points == pytest.approx(0.03)
    assert "3.0 points more" in notes[-1].text
    assert sum(n.points for n in notes) == pytest.approx(0.31)
    # Without the lift there is no rest to report.
    assert INTERACTION not in {n.mechanism for n in mechanism_notes({"anchoring": 0.25})}


def shown_points(text: str) -> float:
    """The signed points a requester's note states (0 for a note of no effect)."""
    found = re.search(r"(added|cost) (\d+\.\d) points( less)?", text)
    if found is None:
        return 0.0
    sign = -1.0 if found[1] == "cost" or found[3] else 1.0
    return sign * float(found[2]) / 100


def test_the_reviewers_procurement_round_is_explained_by_anchoring():
    # The reported case: a buyer opens at 38,000 and retreats to 45,000.
    s = trainer_scenario("procurement-practitioner")
    r = play_round(s, Choice(opener=38000, fallback=45000, explanation=EXPLAINED), rng=0)
    assert r.p_fallback_after is not None
    lift = r.p_fallback_after - r.p_fallback_alone
    assert lift > 0.2  # 57% asked alone, 91% after the refused opener
    notes = {n.mechanism: n for n in r.mechanisms}
    assert notes["anchoring"].effect == "helped" and "Anchoring" in notes["anchoring"].text
    assert max(r.mechanisms, key=lambda n: n.points).mechanism == "anchoring"
    assert f"({lift * 100:+.1f} points)" in "".join(r.feedback)
    # The points add up to the lift (exactly: the last note carries the rest) ...
    assert sum(n.points for n in r.mechanisms) == pytest.approx(lift, abs=1e-12)
    # ... each mechanism's note is the model's own contribution ...
    asked = dataclasses.replace(s.scenario, opener=38000, fallback=45000, explanation=EXPLAINED)
    mine = plan(asked, prior_retreats=s.prior_retreats)
    for name, value in mine.contributions.items():
        assert notes[name].points == pytest.approx(value, abs=1e-12)
    # ... and what the notes say, rounded and with the idle ones at zero, is within the stated
    # tolerance: a tenth of a point per shown number, half a point per note of no effect.
    idle = [n for n in r.mechanisms if n.effect == "no effect"]
    assert all(abs(n.points) < IDLE for n in idle)
    said = sum(shown_points(n.text) for n in r.mechanisms)
    assert said == pytest.approx(lift, abs=len(r.mechanisms) * SHOWN + len(idle) * IDLE)


@pytest.mark.parametrize("s", ALL, ids=lambda s: s.id)
def test_the_notes_add_up_to_the_lift_in_every_scenario(s):
    p = plan(s.scenario, prior_retreats=s.prior_retreats)
    r = play_round(s, Choice(opener=p.opener, fallback=p.fallback, explanation=EXPLAINED), rng=0)
    assert r.p_fallback_after is not None
    lift = r.p_fallback_after - r.p_fallback_alone
    assert sum(n.points for n in r.mechanisms) == pytest.approx(lift, abs=1e-12)
    names = [n.mechanism for n in r.mechanisms]
    assert names[-1] == INTERACTION and set(names[:-1]) == set(p.contributions)
    anchoring = next(n for n in r.mechanisms if n.mechanism == "anchoring")
    if s.scenario.info.price_like:
        assert anchoring.effect == "helped"
    else:
        assert "not a negotiation over an amount" in anchoring.text


def test_the_target_sees_the_anchor_that_pulls_them():
    s = trainer_scenario("salary-beginner")
    honest = score_target(make_pitch(s, honest=True, rng=0), TargetResponse(decision="decline"))
    notes = {n.mechanism: n for n in honest.mechanisms}
    assert notes["anchoring"].effect == "helped" and "toward yes" in notes["anchoring"].text
    assert sum(n.points for n in honest.mechanisms) == pytest.approx(honest.pressure.lift)
    # An absurd opener's pull reverses: the note says so instead of vanishing.
    theatre = score_target(make_pitch(s, honest=False, rng=0), TargetResponse(decision="decline"))
    pushed = next(n for n in theatre.mechanisms if n.mechanism == "anchoring")
    assert pushed.effect == "hurt" and "reverses" in pushed.text
    assert sum(n.points for n in theatre.mechanisms) == pytest.approx(theatre.pressure.lift)


def test_a_self_serving_ask_is_not_said_to_serve_a_cause():
    notes = mechanism_notes({"prosocial_moderation": 0.0}, prosocial=False)
    assert "serves a cause" not in notes[0].text
    notes = mechanism_notes({"prosocial_moderation": 0.0}, prosocial=True)
    assert "serves a cause" in notes[0].text
