"""Central intervals of posterior draws, from one sort.

``np.quantile`` partitions once per quantile, and on draws laid out in columns that costs more
than sorting each column once; the planner asks for two quantiles of a hundred columns on every
plan. The numbers are ``np.quantile``'s (its default "linear" method, to the bit).
"""

from __future__ import annotations

import numpy as np

from ditf._types import FloatArray

__all__ = ["central_interval"]


def central_interval(draws: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """The ``level`` central interval of each column of ``draws`` (draws along axis 0).

    Examples
    --------
    >>> lo, hi = central_interval(np.arange(5.0)[:, None], 0.5)
    >>> float(lo[0]), float(hi[0])
    (1.0, 3.0)
    """
    ordered = np.sort(draws, axis=0)
    tail = (1.0 - level) / 2.0
    return _at(ordered, tail), _at(ordered, 1.0 - tail)


def _at(ordered: FloatArray, q: float) -> FloatArray:
    """Quantile ``q`` of sorted columns, interpolated as numpy's default (linear) method does."""
    index = q * (len(ordered) - 1)
    below = int(np.floor(index))
    above = min(below + 1, len(ordered) - 1)
    t = index - below
    a, b = ordered[below], ordered[above]
    diff = b - a
    # numpy interpolates from the nearer end, so that t = 1 gives b exactly.
    result: FloatArray = b - diff * (1.0 - t) if t >= 0.5 else a + diff * t
    return result
