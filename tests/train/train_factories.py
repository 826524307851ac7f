"""Factories for the trainer tests: scenario mappings and Hypothesis strategies for choices."""

from __future__ import annotations

import copy

from hypothesis import strategies as st

from ditf.train import Choice, TrainerScenario, load_trainer_scenarios

ALL = load_trainer_scenarios()
IDS = [s.id for s in ALL]
#: One scenario per direction and kind of amount: a count (gift), a salary, a buyer's price.
VARIED = [s for s in ALL if s.id in ("fundraising-beginner", "salary-practitioner",
                                     "procurement-advanced", "volunteering-advanced")]  # fmt: skip

MAPPING = {
    "id": "my-fundraiser",
    "level": "beginner",
    "title": "Ask a neighbour",
    "briefing": "Ask your neighbour to support the food bank.",
    "goals": ["ask-big-first"],
    "plan": {
        "domain": "fundraising",
        "unit": "EUR",
        "target": 30,
        "minimum": 10,
        "batna": 0,
        "benchmarks": [{"name": "a typical gift", "kind": "norm", "value": 50}],
        "counterpart": {"accepts_low": 5, "accepts_high": 60},
    },
    "as_target": {"role": "the neighbour", "briefing": "You are asked to give.", "limit": 20},
}


def mapping(**changes) -> dict:
    """A valid trainer scenario mapping with top-level changes (``None`` deletes a key)."""
    data = copy.deepcopy(MAPPING)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def with_plan(**changes) -> dict:
    """A valid mapping whose ``plan`` table has these changes."""
    data = mapping()
    data["plan"].update(changes)
    return data


def amount_at(s: TrainerScenario, cost: float) -> float:
    return s.scenario.amount(cost)


@st.composite
def choices(draw, s: TrainerScenario, technique: bool | None = None) -> Choice:
    """A valid choice for ``s``: a fallback anywhere from just above the reference to beyond the
    boldest benchmark, and (maybe) an opener from just above it to far beyond every benchmark."""
    p = s.scenario
    edge = p.cost(p.boldest_benchmark.value)
    # A buyer's price stays positive: cost at most 95% of the reference.
    top = 0.95 * p.reference if p.direction == "less" else 20 * edge
    fallback_cost = draw(st.floats(0.02 * edge, min(1.2 * edge, 0.5 * top)))
    use = draw(st.booleans()) if technique is None else technique
    opener = None
    if use:
        opener_cost = draw(st.floats(1.01 * fallback_cost, top))
        opener = amount_at(s, opener_cost)
    return Choice(
        opener=opener,
        fallback=amount_at(s, fallback_cost),
        delay_hours=draw(st.sampled_from([0.0, 0.0, 0.5, 4.0, 24.0])),
        explanation=draw(
            st.sampled_from(["", "sorry", "I give up a lot, but I still need this much."])
        ),
        honour_opener=draw(st.booleans()) if use else True,
    )
