"""What can go wrong with the user's input, as data: each problem names the file,
the line, the text and what is wrong. `cli.py` turns them into messages and exit
codes; the library never prints."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from .errors import AlbutrendError, BadInput, UsageError
from .model import Origin

# The domain exceptions live in `errors`; these names stay importable from here.
__all__ = [
    "AlbutrendError",
    "BadInput",
    "Problem",
    "UsageError",
    "json_safe",
    "listed",
    "printable",
    "quoted",
]

# How much of an offending text a message quotes: enough to find it in the file.
QUOTE_LIMIT = 60
# How many items a message lists (patients, tests, line numbers); the rest are
# counted: a registry's million patient IDs never go on one line.
LIST_LIMIT = 20


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` made safe for a terminal and short enough for a one-line message.

    Control characters (an escape sequence in a file) are shown escaped, never raw;
    a long text is cut with a marker that says so.
    """
    shown = text.strip()
    if len(shown) > limit:
        shown = shown[:limit] + f"… ({len(text)} characters)"
    return "'" + printable(shown) + "'"


def listed(items: Iterable[str], total: int | None = None, limit: int = LIST_LIMIT) -> str:
    """`a, b, c` – the first `limit` items, then `… and 99980 more` (`total`: how many
    there are, when `items` holds only the first ones)."""
    first = list(islice(items, limit + 1))
    count = max(total or 0, len(first))
    if count <= limit:
        return ", ".join(first)
    return ", ".join(first[:limit]) + f", … and {count - limit} more"


def printable(text: str) -> str:
    r"""`text` with every character a terminal could act on, or that hides or
    reorders text, written as an escape: controls (`\x1b`, C1 `\x9b`), bidi
    overrides (`\u202e`), zero-width characters (`\u200b`), invisible fillers."""
    if text.isprintable() and (text.isascii() or not _FILLERS.search(text)):
        return text
    return "".join(
        repr(ch)[1:-1] if not ch.isprintable() else f"\\u{ord(ch):04x}" if ch in _FILLER else ch
        for ch in text
    )


# Characters that show nothing yet are "printable" to Python (letters of Hangul and
# Braille that draw as blanks): a patient ID `P1` + U+3164 looks like `P1`.
_FILLER = "\u115f\u1160\u2800\u3164\uffa0"
_FILLERS = re.compile(f"[{_FILLER}]")

# What JSON must not carry raw, though the encoder leaves it (ensure_ascii=False):
# DEL and C1 controls (VTE terminals and WezTerm act on them), bidi overrides and
# isolates, zero-width and other invisible characters, line and paragraph
# separators, and the fillers above. Written as \uXXXX: still valid JSON, and the
# same text when parsed.
_JSON_UNSAFE = [
    *(0x7F, *range(0x80, 0xA0), 0xAD, 0x061C, 0x180E, *range(0x200B, 0x2010)),
    *(0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x2066, 0x206A)),
    *(0xFEFF, *map(ord, _FILLER)),
]
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in _JSON_UNSAFE}
_JSON_UNSAFE_FOUND = re.compile("[" + "".join(re.escape(chr(c)) for c in _JSON_UNSAFE) + "]")


def json_safe(encoded: str) -> str:
    """JSON text (as any encoder writes it) with the characters above escaped as
    \\uXXXX. They can only stand inside strings, so the result parses to the same
    values. Costs one scan of a non-ASCII text; ASCII text is returned as it is."""
    if encoded.isascii() and "\x7f" not in encoded:
        return encoded
    if _JSON_UNSAFE_FOUND.search(encoded) is None:
        return encoded
    return encoded.translate(_JSON_ESCAPES)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one line: `readings.csv:3: '31-2-24' is not a date: …`."""

    origin: Origin
    text: str
    message: str

    def __str__(self) -> str:
        # The message may quote part of the text (a unit): it is made safe too.
        message = printable(self.message)
        # So is the file name (a window-title sequence, U+202E in a name).
        where = printable(str(self.origin))
        if self.text:
            return f"{where}: {quoted(self.text)} {message}"
        return f"{where}: {message}"
