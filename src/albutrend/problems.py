"""What can go wrong with the user's input, as data: each problem names the file,
the line, the text and what is wrong. `cli.py` turns them into messages and exit
codes; the library never prints."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import AlbutrendError, BadInput, UsageError
from .model import Origin

# The domain exceptions live in `errors`; these names stay importable from here.
__all__ = ["AlbutrendError", "BadInput", "Problem", "UsageError", "printable", "quoted"]

# How much of an offending text a message quotes: enough to find it in the file.
QUOTE_LIMIT = 60


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` made safe for a terminal and short enough for a one-line message.

    Control characters (an escape sequence in a file) are shown escaped, never raw;
    a long text is cut with a marker that says so.
    """
    shown = text.strip()
    if len(shown) > limit:
        shown = shown[:limit] + f"… ({len(text)} characters)"
    return "'" + printable(shown) + "'"


def printable(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one line: `readings.csv:3: '31-2-24' is not a date: …`."""

    origin: Origin
    text: str
    message: str

    def __str__(self) -> str:
        # The message may quote part of the text (a unit): it is made safe too.
        message = printable(self.message)
        if self.text:
            return f"{self.origin}: {quoted(self.text)} {message}"
        return f"{self.origin}: {message}"
