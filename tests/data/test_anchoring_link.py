"""The simulated anchoring link: validated on load, so the calibration can interpolate it."""

from __future__ import annotations

from itertools import pairwise

import pytest

from ditf._errors import DataError
from ditf.data import load_anchoring_link, parse_anchoring_link


def test_the_bundled_link_rises_from_no_pull():
    link = load_anchoring_link()
    assert link[0][0] == 0.0 and len(link) >= 10
    assert all(a[1] <= b[1] for a, b in pairwise(link))


@pytest.mark.parametrize(
    "text",
    [
        "pull,r\n0,0.3\n",  # one row: nothing to interpolate
        "pull,r\n0.1,0.3\n0.5,0.6\n",  # does not start at no pull
        "pull,r\n0,0.3\n0.5,0.2\n",  # falls
        "pull,r\n0,0.3\n0,0.4\n",  # pull shares repeat
        "pull,r\n0,0.3\n0.5,1.5\n",  # not a correlation
        "pull,r\n0,0.3\n0.5,nan\n",
        "pull,rho\n0,0.3\n0.5,0.6\n",  # wrong column
        "pull,r\n0,x\n0.5,0.6\n",
    ],
)
def test_an_invalid_link_is_refused_with_a_clear_message(text):
    with pytest.raises(DataError, match="anchoring link"):
        parse_anchoring_link(text)
