"""Regular expressions compiled when first used, not at import: every report pays
for the patterns it imports (a long one takes milliseconds to compile), and most
runs never need the ones that look at odd cells, errors or markdown."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache


def lazy(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function that gives `pattern` compiled, compiling it on the first call."""
    return cache(lambda: re.compile(pattern, flags))
