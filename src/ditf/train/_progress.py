"""A trainee's progress and a class's, summed up from the rounds the journal stores.

The journal (:mod:`ditf.store`) keeps every round played; these functions read them as
:class:`PlayedRound` (what ``ditf.store.TrainingRound`` is) and give the rounds briefly, the
average and best score per level, and per trainee for a teacher's class view, with its CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ditf.train._scenario import LEVELS

__all__ = [
    "ClassProgress",
    "LevelProgress",
    "PlayedRound",
    "Progress",
    "RoundSummary",
    "TraineeRow",
    "class_csv",
    "class_progress",
    "trainee_progress",
]

#: The columns of :func:`class_csv`.
CSV_COLUMNS = ("trainee", "level", "rounds", "average_score", "best_score", "last_played")
#: First characters that make a spreadsheet read a cell as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class PlayedRound(Protocol):
    """A stored round as the progress reads it (``ditf.store.TrainingRound`` is one)."""

    @property
    def id(self) -> int: ...
    @property
    def trainee(self) -> str: ...
    @property
    def domain(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def details(self) -> Mapping[str, Any]: ...
    @property
    def played_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundSummary:
    """One stored round, briefly.

    Attributes
    ----------
    id : int
        The stored round's id.
    scenario : str
        The id of the scenario played ("" when the round's details name none).
    domain, level, role : str
        The scenario's domain, its level and the side played (``"requester"`` or ``"target"``).
    score : float
        The round's score (0-100).
    played_at : datetime
        When it was played.
    """

    id: int
    scenario: str
    domain: str
    level: str
    role: str
    score: float
    played_at: datetime

    @classmethod
    def of(cls, played: PlayedRound) -> RoundSummary:
        """The summary of a stored round."""
        return cls(id=played.id, scenario=_scenario_id(played.details), domain=played.domain,
                   level=played.level, role=played.role, score=played.score,
                   played_at=played.played_at)  # fmt: skip


def _scenario_id(details: Mapping[str, Any]) -> str:
    """The scenario id a round's details name (a round as the target keeps it in the pitch)."""
    summary = details.get("scenario") or details.get("pitch", {}).get("scenario") or {}
    return str(summary.get("id", ""))


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelProgress:
    """The rounds played at one level.

    Attributes
    ----------
    level : str
        One of :data:`ditf.train.LEVELS`.
    rounds : int
        Rounds played at it.
    average_score, best_score : float
        Their mean and highest score.
    """

    level: str
    rounds: int
    average_score: float
    best_score: float


def _by_level(rounds: Sequence[RoundSummary]) -> tuple[LevelProgress, ...]:
    """Rounds, average and best score per level, in the trainer's order (played levels only)."""
    levels = []
    for level in LEVELS:
        scores = [r.score for r in rounds if r.level == level]
        if scores:
            average = sum(scores) / len(scores)
            levels.append(LevelProgress(level=level, rounds=len(scores),
                                        average_score=average, best_score=max(scores)))  # fmt: skip
    return tuple(levels)


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    """A trainee's rounds, oldest first, and the average score per level.

    Attributes
    ----------
    trainee : str
        Who played.
    rounds : tuple of RoundSummary
        Their rounds, in the order given (the journal's: oldest first).
    levels : tuple of LevelProgress
        Per level played, in the trainer's order.
    """

    trainee: str
    rounds: tuple[RoundSummary, ...]
    levels: tuple[LevelProgress, ...]


def trainee_progress(trainee: str, rounds: Iterable[PlayedRound]) -> Progress:
    """A trainee's progress from their stored rounds.

    Parameters
    ----------
    trainee : str
        Who played (the rounds are taken as theirs).
    rounds : iterable of PlayedRound
        E.g. ``journal.training_rounds(trainee)``.

    Returns
    -------
    Progress
        The rounds briefly and, per level played, the rounds, average and best score.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from types import SimpleNamespace as Stored
    >>> played = Stored(id=1, trainee="ada", domain="salary", level="beginner", role="target",
    ...                 score=70.0, details={"pitch": {"scenario": {"id": "salary-beginner"}}},
    ...                 played_at=datetime(2025, 1, 2, tzinfo=timezone.utc))
    >>> ada = trainee_progress("ada", [played])
    >>> ada.rounds[0].scenario, ada.levels[0].average_score
    ('salary-beginner', 70.0)
    """
    summaries = tuple(RoundSummary.of(r) for r in rounds)
    return Progress(trainee=trainee, rounds=summaries, levels=_by_level(summaries))


@dataclass(frozen=True, slots=True, kw_only=True)
class TraineeRow:
    """One trainee in the class view: their rounds, per side and per level, and averages.

    Attributes
    ----------
    trainee : str
        Who played.
    rounds, requester_rounds, target_rounds : int
        Rounds played, as the requester and as the target.
    average_score : float
        Over all their rounds.
    levels : tuple of LevelProgress
        Per level played, in the trainer's order.
    last_played : datetime
        When their latest round was played.
    """

    trainee: str
    rounds: int
    requester_rounds: int
    target_rounds: int
    average_score: float
    levels: tuple[LevelProgress, ...]
    last_played: datetime

    @classmethod
    def of(cls, trainee: str, rounds: Sequence[RoundSummary]) -> TraineeRow:
        """The row of ``trainee`` from their rounds (at least one)."""
        return cls(trainee=trainee, rounds=len(rounds),
                   requester_rounds=sum(r.role == "requester" for r in rounds),
                   target_rounds=sum(r.role == "target" for r in rounds),
                   average_score=sum(r.score for r in rounds) / len(rounds),
                   levels=_by_level(rounds),
                   last_played=max(r.played_at for r in rounds))  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassProgress:
    """A class: every trainee's rounds and averages, and the class's average per level.

    Attributes
    ----------
    trainees : tuple of TraineeRow
        One per trainee, by name.
    levels : tuple of LevelProgress
        The class's rounds per level played, in the trainer's order.
    rounds : int
        Rounds played by the class.
    average_score : float or None
        Over every round; None without any.
    """

    trainees: tuple[TraineeRow, ...]
    levels: tuple[LevelProgress, ...]
    rounds: int
    average_score: float | None


def class_progress(rounds: Iterable[PlayedRound]) -> ClassProgress:
    """The class view of every stored round: per trainee, per level, and overall.

    Parameters
    ----------
    rounds : iterable of PlayedRound
        E.g. ``journal.training_rounds()`` (every trainee's).

    Returns
    -------
    ClassProgress
        Trainees sorted by name.

    Examples
    --------
    >>> empty = class_progress([])
    >>> empty.trainees, empty.rounds, empty.average_score
    ((), 0, None)
    """
    summaries: list[RoundSummary] = []
    mine: dict[str, list[RoundSummary]] = {}
    for played in rounds:
        summaries.append(RoundSummary.of(played))
        mine.setdefault(played.trainee, []).append(summaries[-1])
    rows = tuple(TraineeRow.of(name, mine[name]) for name in sorted(mine))
    average = sum(s.score for s in summaries) / len(summaries) if summaries else None
    return ClassProgress(trainees=rows, levels=_by_level(summaries), rounds=len(summaries),
                         average_score=average)  # fmt: skip


def class_csv(overview: ClassProgress) -> str:
    """The class view as CSV: one row per trainee and level played (:data:`CSV_COLUMNS`).

    Scores have one decimal; a name a spreadsheet would read as a formula is quoted with a
    leading ``'`` (CSV injection).

    Examples
    --------
    >>> class_csv(class_progress([])).splitlines()
    ['trainee,level,rounds,average_score,best_score,last_played']
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for t in overview.trainees:
        for lv in t.levels:
            writer.writerow([_safe_cell(t.trainee), lv.level, lv.rounds,
                             f"{lv.average_score:.1f}", f"{lv.best_score:.1f}",
                             t.last_played.isoformat()])  # fmt: skip
    return out.getvalue()


def _safe_cell(text: str) -> str:
    """A name as a spreadsheet cell: never read as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
