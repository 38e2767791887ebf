"""A trend glyph: a series of values as a row of bars (`▆▃▃`), on a log scale.

The scale spans the series' own range, but never less than tenfold: a 20% wobble
stays a small step and a fall of two thirds is plain to see. A result outside the
measuring range has no height: it is drawn as `·`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

BARS = "▁▂▃▄▅▆▇█"
BOUND = "·"
MIN_DECADES = 1.0  # the scale spans at least a factor of 10


def sparkline(values: Sequence[float | None]) -> str:
    """One glyph per value (all in one unit); None is a bound."""
    logs = [math.log10(v) for v in values if v is not None and v > 0]
    if not logs:
        return BOUND * len(values)
    low, high = min(logs), max(logs)
    span = max(high - low, MIN_DECADES)
    bottom = (low + high) / 2 - span / 2
    out = []
    for v in values:
        if v is None or v <= 0:
            out.append(BOUND)
            continue
        level = int((math.log10(v) - bottom) / span * len(BARS))
        out.append(BARS[min(len(BARS) - 1, max(0, level))])
    return "".join(out)
