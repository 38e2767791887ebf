"""Warnings as data: what was left out while reading, and what a reader of the report
should know about the readings. Each is a `Notice` with its kind, the file and line
it is about, the text there and a message, kept in separate fields: JSON writes them
as objects, stderr and a saved report as one line each.

Adding a kind is one line in `KINDS` (and its row in the README's list of kinds; a
test keeps the two equal).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, NamedTuple

from albutrend.plain import Plain
from albutrend.problems import Problem, quoted


class Kind(NamedTuple):
    about: str  # what it means, as the README lists it
    # Said before the notice on stderr and in a saved report ("skipped …").
    prefix: str = ""
    # What reading left out (bounded by the reader): shown in full on stderr, with no
    # "warning:" label. Others are warnings, 20 of a kind shown.
    left_out: bool = False
    # Expected and not news (a FHIR record's other tests): in JSON, and on stderr
    # only with `albutrend --debug`.
    quiet: bool = False


KINDS: dict[str, Kind] = {
    "line_skipped": Kind("a line with a problem, left out (--skip-invalid)", "skipped ", True),
    "prose_skipped": Kind(
        "notes lines that are not 'DATE: TEXT' entries, skipped as prose", left_out=True
    ),
    "prose_with_data": Kind(
        "a notes line skipped as prose that holds a date or a urine albumin result"
    ),
    "other_test": Kind("rows of other tests than urine albumin, left out", left_out=True),
    "default_unit": Kind("values with no unit, read in the default unit (--unit, else mg/L)"),
    "same_date": Kind("two readings on one date: both kept, the later line is the baseline"),
    "doubtful_status": Kind("FHIR results with status preliminary or unknown, read"),
    "dated_by_issued": Kind("FHIR results dated by when they were issued, not when taken"),
    "fhir_left_out": Kind(
        "FHIR results withdrawn or not yet done, interventions without a date or name: left out",
        left_out=True,
    ),
    "not_read": Kind(
        "FHIR resources not read (other tests, Procedures…), interventions --intervention "
        "left out: JSON only, stderr with --debug",
        left_out=True,
        quiet=True,
    ),
    "no_intervention": Kind("no intervention matches --intervention"),
    "event_unmatched": Kind("--events interventions of a patient with no reading"),
    "lookalike_patients": Kind(
        "patient IDs that look alike (Latin P1, Cyrillic Р1, an invisible character) or "
        "differ only in case, spaces or punctuation (P001, p001, P-001)"
    ),
}  # fmt: skip

SHOWN_PER_KIND = 20


class Notice(Plain):
    """One warning. `file` and `line` say where (None: not one file, or not one line);
    `text` is the text there when the notice is about it."""

    __slots__ = ("file", "kind", "line", "message", "text")

    def __init__(
        self,
        kind: str,
        message: str,
        file: str | None = None,
        line: int | None = None,
        text: str | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind of warning: {kind!r}")
        self.kind: Final = kind
        self.message: Final = message
        self.file: Final = file
        self.line: Final = line
        self.text: Final = text

    @classmethod
    def skipped(cls, problem: Problem) -> Notice:
        """A line left out for its problem (--skip-invalid)."""
        origin = problem.origin
        line, text = origin.line or None, problem.text or None
        return cls("line_skipped", problem.message, origin.source, line, text)

    def where(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        """The one-line form: `prefix file:line: 'text' message`."""
        parts = [KINDS[self.kind].prefix]
        if self.file is not None:
            parts.append(self.where() + ": ")
        if self.text:
            parts.append(quoted(self.text) + " ")
        parts.append(self.message)
        return "".join(parts)

    def as_dict(self) -> dict[str, str | int | None]:
        """As JSON writes it."""
        return {
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "text": self.text,
            "message": self.message,
        }


def stderr_lines(
    notices: Iterable[Notice], shown: int = SHOWN_PER_KIND, *, quiet_too: bool = False
) -> list[str]:
    """The notices as stderr says them, one line each: what was left out as it is,
    then the warnings, at most `shown` of each kind and a count of the rest. Quiet
    kinds only with `quiet_too` (--debug)."""
    left_out: list[str] = []
    warnings: list[str] = []
    counts: dict[str, int] = {}
    for notice in notices:
        if KINDS[notice.kind].quiet and not quiet_too:
            continue
        if KINDS[notice.kind].left_out:
            left_out.append(str(notice))
            continue
        counts[notice.kind] = counts.get(notice.kind, 0) + 1
        if counts[notice.kind] <= shown:
            warnings.append(f"warning: {notice}")
    for kind, count in counts.items():
        if count > shown:
            warnings.append(f"… and {count - shown} more warning(s) ({kind})")
    return left_out + warnings
