"""A vectorised bivariate normal CDF, fast enough to sit inside a likelihood."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from ditf._types import FloatArray

# Gauss-Legendre nodes on [-1, 1]; 20 points give ~1e-12 accuracy for |r| <= 0.9.
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(20)


def bvn_cdf(h: FloatArray, k: FloatArray, r: FloatArray) -> FloatArray:
    """P(X < h, Y < k) for standard normals with correlation ``r`` (|r| <= 0.95).

    Uses Sheppard's formula as an integral over the angle ``asin(r)`` (Drezner & Wesolowsky,
    1990; Genz, 2004), evaluated by Gauss-Legendre quadrature; all arguments broadcast.

    Examples
    --------
    >>> float(np.round(bvn_cdf(np.array(0.0), np.array(0.0), np.array(0.5)), 6))
    0.333333
    """
    h, k, r = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float), np.asarray(r, float))
    half_angle = np.arcsin(r)[..., None] / 2.0
    theta = half_angle * (_NODES + 1.0)
    sin, cos2 = np.sin(theta), np.cos(theta) ** 2
    hh, kk = h[..., None], k[..., None]
    integrand = np.exp(-(hh * hh + kk * kk - 2.0 * hh * kk * sin) / (2.0 * cos2))
    integral = half_angle[..., 0] * (integrand @ _WEIGHTS)
    result: FloatArray = ndtr(h) * ndtr(k) + integral / (2.0 * np.pi)
    return np.clip(result, 0.0, 1.0)
