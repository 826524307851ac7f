"""The scenario of a new round: by id, or drawn by domain and level (the CLI and the web)."""

from __future__ import annotations

import numpy as np
import pytest

from ditf import InvalidParameterError
from ditf.train import choose_scenario, pick_scenario, trainer_scenario


def test_an_id_names_the_scenario():
    assert choose_scenario("salary-beginner", level="advanced") == trainer_scenario(
        "salary-beginner"
    )


def test_without_an_id_the_draw_is_pick_scenarios():
    drawn = choose_scenario(domain="pricing", level="advanced", rng=np.random.default_rng(3))
    assert drawn == pick_scenario(domain="pricing", level="advanced", rng=np.random.default_rng(3))
    assert (drawn.domain, drawn.level) == ("pricing", "advanced")


@pytest.mark.parametrize(
    ("args", "match"),
    [({"scenario": "no-such"}, "Unknown trainer scenario 'no-such'"),
     ({"scenario": "salary-beginner", "level": "expert"}, "'level' parameter of choose_scenario"),
     ({"domain": "chess"}, "'domain' parameter")],
)  # fmt: skip
def test_unknown_ids_levels_and_domains_are_refused(args, match):
    with pytest.raises(InvalidParameterError, match=match):
        choose_scenario(**args)
