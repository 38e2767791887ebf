"""Small statistics for a case series, with the standard library only.

- `t_quantile(p, df)`: the quantile of Student's t distribution (the standard
  library has none). The t CDF is written with the regularized incomplete beta
  function, evaluated by its continued fraction (Lentz's method, as in Numerical
  Recipes §6.4), and the quantile is found by bisection to the last bits of a float.
- `quantile(sorted_values, q)`: the linear interpolation between order statistics
  that R (type 7), NumPy and `statistics.quantiles(method="inclusive")` use.
- `geometric_mean_ratio(ratios)`: the geometric mean of ratios to baseline with its
  t interval on the logs, as trials report a change in albuminuria.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

_TINY = 1e-300
_EPS = 1e-15


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    raise ArithmeticError("incomplete beta: the continued fraction did not converge")


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), the regularized incomplete beta function, for 0 ≤ x ≤ 1."""
    if not 0.0 <= x <= 1.0:
        raise ValueError("x must be from 0 to 1")
    if x in (0.0, 1.0):
        return x
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The fraction converges fast for x below (a + 1) / (a + b + 2); above, use the
    # symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with `df` degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be above 0")
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    tail = 0.5 * regularized_beta(df / (df + t * t), df / 2.0, 0.5)  # P(T > |t|)
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The t with P(T ≤ t) = p: 12.706 for p 0.975 and 1 degree of freedom."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be between 0 and 1")
    if df <= 0:
        raise ValueError("degrees of freedom must be above 0")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:  # grow the bracket: 1 df at 0.9995 needs 636.6
        low, high = high, high * 2.0
        if high > 1e300:
            raise ArithmeticError("t quantile out of range")
    for _ in range(200):  # bisection to adjacent floats
        mid = (low + high) / 2.0
        if mid in (low, high):
            break
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


def quantile(ordered: Sequence[float], q: float) -> float:
    """The `q` quantile (0 ≤ q ≤ 1) of values sorted ascending, interpolated
    linearly between order statistics (R type 7)."""
    if not ordered:
        raise ValueError("no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError("q must be from 0 to 1")
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * fraction


@dataclass(frozen=True, slots=True)
class GeometricMean:
    """The geometric mean of ratios and its two-sided interval (None for n < 2)."""

    n: int
    value: float
    interval: tuple[float, float] | None


def geometric_mean_ratio(ratios: Sequence[float], confidence: float = 0.95) -> GeometricMean:
    """exp(mean of the log ratios), with exp(mean ± t·s/√n) as its interval
    (t of n − 1 degrees of freedom; s the sample standard deviation of the logs)."""
    n = len(ratios)
    if n == 0:
        raise ValueError("no ratios")
    logs = [math.log(r) for r in ratios]
    mean = math.fsum(logs) / n
    if n < 2:
        return GeometricMean(n, math.exp(mean), None)
    variance = math.fsum((x - mean) ** 2 for x in logs) / (n - 1)
    half = t_quantile(1.0 - (1.0 - confidence) / 2.0, n - 1) * math.sqrt(variance / n)
    return GeometricMean(n, math.exp(mean), (math.exp(mean - half), math.exp(mean + half)))
