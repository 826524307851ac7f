"""A vectorised bivariate normal CDF, fast enough to sit inside a likelihood."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from ditf._types import FloatArray

# Gauss-Legendre nodes on [-1, 1]; 12 points give < 1e-9 error for |r| <= 0.9.
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(12)


def bvn_cdf(h: FloatArray, k: FloatArray, r: FloatArray) -> FloatArray:
    """P(X < h, Y < k) for standard normals with correlation ``r`` (|r| <= 0.9).

    Uses Sheppard's formula as an integral over the angle ``asin(r)`` (Drezner & Wesolowsky,
    1990; Genz, 2004), evaluated by Gauss-Legendre quadrature; all arguments broadcast.
    Terms that depend on ``r`` alone are computed on ``r``'s own (usually small) shape.

    Examples
    --------
    >>> float(np.round(bvn_cdf(np.array(0.0), np.array(0.0), np.array(0.5)), 6))
    0.333333
    """
    h, k, r = np.asarray(h, float), np.asarray(k, float), np.asarray(r, float)
    half_angle = np.arcsin(r)[..., None] / 2.0
    theta = half_angle * (_NODES + 1.0)
    inv = 0.5 / np.cos(theta) ** 2
    slope = 2.0 * np.sin(theta) * inv
    square, cross = (h * h + k * k)[..., None], (h * k)[..., None]
    integrand = np.exp(cross * slope - square * inv)
    integral = (integrand @ _WEIGHTS) * half_angle[..., 0]
    result: FloatArray = ndtr(h) * ndtr(k) + integral / (2.0 * np.pi)
    return np.clip(result, 0.0, 1.0)
