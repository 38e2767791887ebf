"""What can go wrong with the user's input, as data: each problem names the file,
the line, the text and what is wrong. `cli.py` turns them into messages and exit
codes; the library never prints."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice
from typing import Final

from albutrend.errors import AlbutrendError, BadInput, UsageError
from albutrend.model import Origin
from albutrend.plain import Plain

# The domain exceptions live in `errors`; these names stay importable from here.
__all__ = [
    "AlbutrendError",
    "BadInput",
    "Problem",
    "UsageError",
    "id_skeleton",
    "json_safe",
    "listed",
    "lookalikes",
    "printable",
    "quoted",
    "shown_id",
    "unusual_characters",
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
    if text.isprintable() and (text.isascii() or not any(c in text for c in _FILLER)):
        return text  # five scans in C: a saved page's table columns are long texts
    return "".join(
        repr(ch)[1:-1] if not ch.isprintable() else f"\\u{ord(ch):04x}" if ch in _FILLER else ch
        for ch in text
    )


# Characters that show nothing yet are "printable" to Python (letters of Hangul and
# Braille that draw as blanks): a patient ID `P1` + U+3164 looks like `P1`.
_FILLER = "\u115f\u1160\u2800\u3164\uffa0"

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


# Letters of other scripts drawn like Latin ones (Unicode's confusables, the common
# Cyrillic and Greek capitals and small letters): `Р1` (Cyrillic Er) is not `P1`.
_LATIN_LOOKALIKES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеорсухіјѕԁһԛԝҮӀΑΒΕΖΗΙΚΜΝΟΡΤΥΧοκνρτυχ",
    "ABESIJKMHOPCTXYaeopcyxijsdhqwYIABEZHIKMNOPTYXokvptux",
)


def id_skeleton(text: str) -> str:
    """What an ID looks like: compatibility forms folded (`Ｐ１` is `P1`), invisible
    characters dropped, Cyrillic and Greek lookalikes read as Latin. Two IDs with one
    skeleton cannot be told apart on a screen."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).translate(_LATIN_LOOKALIKES)
    return "".join(
        ch for ch in folded if ch not in _FILLER and unicodedata.category(ch) not in ("Cf", "Mn")
    ).strip()


_LOOKALIKE_LETTERS = frozenset(chr(c) for c in _LATIN_LOOKALIKES)


def shown_id(text: str) -> str:
    """A patient ID for a heading: as `printable` shows it (invisible characters as
    `\\u3164`), and in an ID that mixes Latin letters with Cyrillic or Greek ones
    drawn like them (`Pаvel`, a Cyrillic а), those written `\\u0430` too."""
    text = printable(text)
    if text.isascii() or not any("a" <= c.lower() <= "z" for c in text):
        return text
    return "".join(f"\\u{ord(c):04x}" if c in _LOOKALIKE_LETTERS else c for c in text)


def lookalikes(ids: Iterable[str]) -> list[list[str]]:
    """Groups of distinct IDs that look alike (Latin `P1`, Cyrillic `Р1`, `P1` and an
    invisible filler). Nothing to do, and no cost, when every ID is ASCII."""
    unusual = [i for i in ids if not i.isascii()]
    if not unusual:
        return []
    by_look: dict[str, list[str]] = {}
    for i in ids:
        by_look.setdefault(id_skeleton(i), []).append(i)
    return [group for group in by_look.values() if len(group) > 1]


def spelling_variants(ids: list[str]) -> list[list[str]]:
    """Groups of distinct IDs that differ only in case, spaces or punctuation (`P001`,
    `p001`, `P-001`; `O'Brien`, `O’Brien`, `OBrien`): most likely one patient typed two
    ways, which albutrend never merges by guess. A registry's IDs, letters and digits
    in one case, are settled by a few passes in C over them joined."""
    joined = "\n".join(ids)
    one_case = joined.upper() == joined or joined.lower() == joined
    if one_case and joined.replace("\n", "").isalnum():
        return []  # no punctuation, and each letter in the one case: no two alike
    folded = list(map(str.casefold, ids))
    import unicodedata

    by_key: dict[str, list[str]] = {}
    for i, f in zip(ids, folded, strict=True):
        key = f if f.isalnum() else "".join(filter(str.isalnum, unicodedata.normalize("NFKC", f)))
        by_key.setdefault(key, []).append(i)
    return [group for group in by_key.values() if len(group) > 1]


def unusual_characters(text: str) -> str:
    """The characters of `text` that are not ASCII, named: `Р U+0420 CYRILLIC CAPITAL
    LETTER ER`, for a message that must tell two lookalikes apart."""
    import unicodedata

    named = []
    for ch in dict.fromkeys(text):
        if not ch.isascii():
            shown = ch if ch.isprintable() and ch not in _FILLER else ""
            name = unicodedata.name(ch, "unnamed")
            named.append(f"{shown} U+{ord(ch):04X} {name}".strip())
    return ", ".join(named) or "ASCII only"


class Problem(Plain):
    """One thing wrong with one line: `readings.csv:3: '31-2-24' is not a date: …`."""

    __slots__ = ("message", "origin", "text")

    def __init__(self, origin: Origin, text: str, message: str) -> None:
        self.origin: Final = origin
        self.text: Final = text
        self.message: Final = message

    def __str__(self) -> str:
        # The message may quote part of the text (a unit): it is made safe too.
        message = printable(self.message)
        # So is the file name (a window-title sequence, U+202E in a name).
        where = printable(str(self.origin))
        if self.text:
            return f"{where}: {quoted(self.text)} {message}"
        return f"{where}: {message}"
