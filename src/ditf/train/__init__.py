"""The trainer: practise door-in-the-face against counterparts drawn from the model.

Two roles. As the requester (:func:`play_round`) the trainee picks an opener (or none), a
fallback, the timing and the explanation; a counterpart drawn from the behavioural model
answers; the feedback compares the choice with asking directly and with the planner's plan,
explains each mechanism, audits the plan and scores it on expectations (0-100). As the target
(:func:`make_pitch`, :func:`score_target`) a simulated counterpart runs the technique,
honestly or as theatre, and the trainee is scored on keeping their limit and spotting
theatre. Scenarios for every domain at three levels are bundled as data. See ``docs/train.md``.
"""

from __future__ import annotations

from ditf.train._choice import MAX_EXPLANATION, MAX_ROUND_DELAY_HOURS, Choice
from ditf.train._choose import choose_scenario
from ditf.train._counterpart import Answers
from ditf.train._explain import MechanismNote, mechanism_notes
from ditf.train._goals import GoalResult
from ditf.train._pitch import Pitch, make_pitch
from ditf.train._progress import (
    ClassProgress,
    LevelProgress,
    PlayedRound,
    Progress,
    RoundSummary,
    TraineeRow,
    class_csv,
    class_progress,
    trainee_progress,
)
from ditf.train._round import LUCK_NOTE, RoundResult, play_round
from ditf.train._scenario import (
    GOALS,
    LEVELS,
    TargetBrief,
    TrainerScenario,
    load_trainer_scenarios,
    pick_scenario,
    trainer_scenario,
    trainer_scenario_from_mapping,
)
from ditf.train._score import BLOCKING_PENALTY, GOAL_POINTS, VALUE_POINTS, Option, Penalty, Score
from ditf.train._target import (
    DECISIONS,
    OUTCOME_POINTS,
    SPOTTING_POINTS,
    Pressure,
    TargetResponse,
    TargetResult,
    score_target,
)

__all__ = [
    "BLOCKING_PENALTY",
    "DECISIONS",
    "GOALS",
    "GOAL_POINTS",
    "LEVELS",
    "LUCK_NOTE",
    "MAX_EXPLANATION",
    "MAX_ROUND_DELAY_HOURS",
    "OUTCOME_POINTS",
    "SPOTTING_POINTS",
    "VALUE_POINTS",
    "Answers",
    "Choice",
    "ClassProgress",
    "GoalResult",
    "LevelProgress",
    "MechanismNote",
    "Option",
    "Penalty",
    "Pitch",
    "PlayedRound",
    "Pressure",
    "Progress",
    "RoundResult",
    "RoundSummary",
    "Score",
    "TargetBrief",
    "TargetResponse",
    "TargetResult",
    "TraineeRow",
    "TrainerScenario",
    "choose_scenario",
    "class_csv",
    "class_progress",
    "load_trainer_scenarios",
    "make_pitch",
    "mechanism_notes",
    "pick_scenario",
    "play_round",
    "score_target",
    "trainee_progress",
    "trainer_scenario",
    "trainer_scenario_from_mapping",
]
