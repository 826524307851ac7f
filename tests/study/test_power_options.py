"""The simulated power's shared options are refused by name, in the public function's name."""

from __future__ import annotations

import pytest

from ditf._errors import InvalidParameterError
from ditf.study import power_curve, power_three_arm, sample_size_three_arm


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: power_three_arm(10, n_studie=30), "power_three_arm"),
        (lambda: power_curve([10, 20], seed=1), "power_curve"),
        (lambda: sample_size_three_arm(0.8, n_study=30), "sample_size_three_arm"),
    ],
)
def test_a_misspelt_option_is_named_with_the_options_there_are(call, name):
    with pytest.raises(InvalidParameterError, match=rf"^{name} got unknown option\(s\) \w+; "):
        call()
    with pytest.raises(InvalidParameterError, match="n_studies, alpha, alternative"):
        call()
