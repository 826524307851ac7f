"""A trainee's progress and the class view, summed up from stored rounds (``ditf.train``)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ditf.store import Journal
from ditf.train import (
    ClassProgress,
    LevelProgress,
    Progress,
    class_csv,
    class_progress,
    trainee_progress,
)

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Stored:
    """A stored round as the journal gives it (``ditf.store.TrainingRound``'s attributes)."""

    id: int
    trainee: str
    level: str
    role: str
    score: float
    domain: str = "salary"
    details: dict[str, Any] = field(default_factory=dict)
    played_at: datetime = START


def rounds() -> list[Stored]:
    as_requester = {"scenario": {"id": "salary-beginner"}}
    as_target = {"pitch": {"scenario": {"id": "pricing-advanced"}}}
    return [
        Stored(1, "ann", "beginner", "requester", 60.0, details=as_requester),
        Stored(2, "bob", "advanced", "target", 40.0, details=as_target,
               played_at=START + timedelta(days=1)),
        Stored(3, "ann", "beginner", "target", 80.0, details=as_target,
               played_at=START + timedelta(days=2)),
        Stored(4, "ann", "advanced", "requester", 30.0),
    ]  # fmt: skip


def test_progress_summarises_each_round_and_each_level_played():
    ann = [r for r in rounds() if r.trainee == "ann"]
    got = trainee_progress("ann", ann)
    assert [(r.id, r.scenario, r.role) for r in got.rounds] == [
        (1, "salary-beginner", "requester"),
        (3, "pricing-advanced", "target"),
        (4, "", "requester"),
    ]
    assert got.levels == (
        LevelProgress(level="beginner", rounds=2, average_score=70.0, best_score=80.0),
        LevelProgress(level="advanced", rounds=1, average_score=30.0, best_score=30.0),
    )
    assert got.rounds[1].played_at == START + timedelta(days=2)


def test_no_rounds_is_no_progress():
    assert trainee_progress("nobody", []) == Progress(trainee="nobody", rounds=(), levels=())
    assert class_progress([]) == ClassProgress(trainees=(), levels=(), rounds=0, average_score=None)


def test_the_class_view_has_one_row_per_trainee_by_name():
    overview = class_progress(reversed(rounds()))
    assert [t.trainee for t in overview.trainees] == ["ann", "bob"]
    ann, bob = overview.trainees
    assert (ann.rounds, ann.requester_rounds, ann.target_rounds) == (3, 2, 1)
    assert ann.average_score == pytest.approx(170 / 3)
    assert ann.last_played == START + timedelta(days=2)
    assert [lv.level for lv in ann.levels] == ["beginner", "advanced"]
    assert (bob.rounds, bob.target_rounds, bob.last_played) == (1, 1, START + timedelta(days=1))
    assert overview.rounds == 4 and overview.average_score == pytest.approx(52.5)
    assert [(lv.level, lv.rounds) for lv in overview.levels] == [("beginner", 2), ("advanced", 2)]


def test_the_csv_has_a_row_per_trainee_and_level():
    text = class_csv(class_progress(rounds()))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["trainee"], r["level"], r["rounds"], r["average_score"]) for r in rows] == [
        ("ann", "beginner", "2", "70.0"), ("ann", "advanced", "1", "30.0"),
        ("bob", "advanced", "1", "40.0"),
    ]  # fmt: skip
    assert rows[0]["last_played"] == (START + timedelta(days=2)).isoformat()


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_name_a_spreadsheet_would_run_is_quoted(name):
    text = class_csv(class_progress([Stored(1, name, "beginner", "requester", 50.0)]))
    row = text.split("\n")[1]  # the journal refuses control characters; the CSV is safe anyway
    assert row.startswith("'" + name + ",")


def test_an_ordinary_name_is_kept():
    text = class_csv(class_progress([Stored(1, "ann o'neil", "beginner", "requester", 50.0)]))
    (row,) = csv.DictReader(io.StringIO(text, newline=""))
    assert row["trainee"] == "ann o'neil"


def test_the_journal_rounds_are_read_as_they_are(tmp_path):
    with Journal(tmp_path / "journal.sqlite") as journal:
        details = {"pitch": {"scenario": {"id": "x"}}}
        journal.add_training_round(
            "ada", domain="salary", level="practitioner", role="target", score=55.0, details=details
        )
        stored = journal.training_rounds("ada")
    got = trainee_progress("ada", stored)
    assert (got.rounds[0].scenario, got.rounds[0].played_at) == ("x", stored[0].played_at)
    assert got.levels == (LevelProgress(level="practitioner", rounds=1, average_score=55.0,
                                        best_score=55.0),)  # fmt: skip
