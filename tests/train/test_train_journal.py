"""Both kinds of result go into the real journal (SQLite) and come back unchanged."""

from __future__ import annotations

from ditf.store import Journal
from ditf.train import (
    Choice,
    TargetResponse,
    make_pitch,
    play_round,
    score_target,
    trainer_scenario,
)


def test_rounds_are_stored_and_read_back(tmp_path):
    s = trainer_scenario("fundraising-practitioner")
    asked = play_round(s, Choice(opener=500, fallback=150, explanation="I see; 150 then?"), rng=1)
    pitch = make_pitch(s, honest=False, rng=2)
    answered = score_target(pitch, TargetResponse(decision="decline", flag_theatrical=True))
    with Journal(tmp_path / "journal.sqlite") as journal:
        for r in (asked, answered):
            journal.add_training_round(
                "ada", domain=r.scenario.domain, level=r.scenario.level, role=r.role,
                score=r.points, details=r.to_dict(),
            )  # fmt: skip
        stored = journal.training_rounds("ada")
    assert [(t.role, t.score) for t in stored] == [
        ("requester", asked.score.total), ("target", answered.score),
    ]  # fmt: skip
    assert stored[0].details == asked.to_dict()
    assert stored[1].details == answered.to_dict()
