"""Experiments as model inputs: each condition of a studies table becomes a sequence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ditf._errors import DataError
from ditf.data import StudyCondition
from ditf.model._requests import Sequence

__all__ = ["Experiment", "group_experiments"]


@dataclass(frozen=True, slots=True)
class Experiment:
    """The conditions of one experiment; they share a baseline and a mechanism strength.

    ``reference_cost`` is the target asked alone (the cost whose P(yes) is the baseline).
    """

    key: str
    conditions: tuple[StudyCondition, ...]
    sequences: tuple[Sequence, ...]
    reference_cost: float


def condition_sequence(row: StudyCondition) -> Sequence:
    """The sequence a condition asked; ``contact_only`` is the target alone.

    Familiarisation without a request has no mechanism in the model: Freedman & Fraser's
    contact-only group (27.8% vs 22.2%, n = 36 each) is within noise of the control.

    Raises
    ------
    DataError
        If a retreat's first request is not larger than its target (or a foot not smaller).
    """
    kind = row.condition_type
    target, unit, prosocial = row.target_cost, row.cost_unit, row.prosocial
    if kind in ("target_only", "large_only", "contact_only"):
        return Sequence.target_only(target, unit=unit, prosocial=prosocial)
    first = row.first_cost
    assert first is not None  # the schema requires it for these condition types
    if kind in ("ditf", "exposure_control") and not first > target:
        raise DataError(
            f"{row.key}, condition {row.condition!r}: a {kind} condition needs first_cost > "
            f"target_cost (a retreat); got {first} and {target}."
        )
    if kind.startswith("fitd") and not first < target:
        raise DataError(
            f"{row.key}, condition {row.condition!r}: a {kind} condition needs first_cost < "
            f"target_cost (an escalation); got {first} and {target}."
        )
    common: dict[str, Any] = {
        "target": target,
        "unit": unit,
        "prosocial": prosocial,
        "delay_hours": row.delay_hours,
        "other_requester": not row.same_requester,
    }
    if kind in ("ditf", "exposure_control"):
        return Sequence.door_in_the_face(
            opener=first, described_only=kind == "exposure_control", **common
        )
    return Sequence.foot_in_the_door(foot=first, performed=kind == "fitd", **common)


def group_experiments(rows: tuple[StudyCondition, ...]) -> tuple[Experiment, ...]:
    """Group conditions by experiment, in first-seen order.

    The reference cost is the target of the ``target_only`` condition, or else the most
    common target cost.
    """
    keys = list(dict.fromkeys(row.key for row in rows))
    experiments = []
    for key in keys:
        conds = tuple(r for r in rows if r.key == key)
        controls = [r.target_cost for r in conds if r.condition_type == "target_only"]
        costs = [r.target_cost for r in conds]
        ref = controls[0] if controls else max(set(costs), key=costs.count)
        seqs = tuple(condition_sequence(r) for r in conds)
        experiments.append(Experiment(key, conds, seqs, ref))
    return tuple(experiments)
