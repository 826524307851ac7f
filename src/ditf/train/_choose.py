"""The scenario of a new round: the one asked for by id, or one drawn by domain and level."""

from __future__ import annotations

from ditf._types import Seed
from ditf._validation import check_option
from ditf.train._scenario import LEVELS, TrainerScenario, pick_scenario, trainer_scenario

__all__ = ["choose_scenario"]


def choose_scenario(
    scenario: str | None = None,
    *,
    domain: str | None = None,
    level: str = "beginner",
    rng: Seed = None,
) -> TrainerScenario:
    """The bundled scenario with id ``scenario``, else one drawn for ``domain`` and ``level``.

    How ``ditf train`` and the web trainer start a round (:func:`pick_scenario` draws).

    Parameters
    ----------
    scenario : str, optional
        A bundled scenario's id; default: drawn.
    domain : str, optional
        One of :data:`ditf.plan.DOMAINS` to draw from; default: drawn at random.
    level : str, default "beginner"
        One of :data:`LEVELS` to draw from (checked even with an id).
    rng : int, Generator or None
        Randomness for the draw.

    Returns
    -------
    TrainerScenario

    Raises
    ------
    InvalidParameterError
        If no bundled scenario has the id, or the level or the domain is unknown.

    Examples
    --------
    >>> choose_scenario("salary-beginner").id
    'salary-beginner'
    >>> choose_scenario(domain="pricing", level="advanced", rng=0).domain
    'pricing'
    """
    check_option(level, "level", "choose_scenario", LEVELS)
    if scenario is not None:
        return trainer_scenario(scenario)
    return pick_scenario(domain=domain, level=level, rng=rng)
