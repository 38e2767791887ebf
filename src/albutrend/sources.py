"""Opening what the user names: files or `-` for standard input. The format is told
from the content (a header line with a date column, or notes lines), never from the
file name. Text is streamed line by line; nothing is written anywhere."""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO, cast

from .model import Origin
from .notes_format import parse_notes
from .problems import AlbutrendError, UsageError
from .records import LineParser, ReadOptions, Records, Undecodable
from .table_format import header_delimiter, parse_table

STDIN = "-"
STDIN_NAME = "<stdin>"


class SourceNotFound(UsageError):
    """A path on the command line that is not there: exit 2, like any usage error."""


def display_name(path: str) -> str:
    return STDIN_NAME if path == STDIN else path


def read_sources(paths: list[str], options: ReadOptions, stdin: BinaryIO | None = None) -> Records:
    """Read every source into one `Records`. Several files without a patient column
    each count as one patient, named after the file."""
    records = Records()
    names = _patient_names(paths) if len(paths) > 1 else {}
    for path in paths:
        name = display_name(path)
        records.sources.append(name)
        parser = LineParser(options, records, default_patient=names.get(path))
        if path == STDIN:
            _read_stream(stdin or sys.stdin.buffer, name, options, parser)
            continue
        try:
            with open(path, "rb") as stream:
                _read_stream(stream, name, options, parser)
        except FileNotFoundError:
            raise SourceNotFound(f"{name}: no such file") from None
        except IsADirectoryError:
            raise SourceNotFound(f"{name}: is a directory, not a file") from None
        except PermissionError:
            raise AlbutrendError(f"{name}: permission denied") from None
    return records


def _patient_names(paths: list[str]) -> dict[str, str]:
    stems = [Path(p).stem if p != STDIN else STDIN_NAME for p in paths]
    unique = len(set(stems)) == len(stems)
    return {p: (s if unique else display_name(p)) for p, s in zip(paths, stems, strict=True)}


def _read_stream(raw: BinaryIO, name: str, options: ReadOptions, parser: LineParser) -> None:
    # peek() needs a buffered reader; stdin.buffer is one, a test's BytesIO is not.
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(Any, raw))
    head = buffered.peek(4096)[:4096]
    encoding = options.encoding
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text": the BOM says so, no guess.
    elif b"\x00" in head:
        raise AlbutrendError(f"{name}: is not a text file (it contains NUL bytes)")
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    numbered = _Numbered(text)
    try:
        try:
            _dispatch(numbered, name, parser)
        except Undecodable as e:  # from the table reader, which counts its own lines
            numbered.number = e.lines_read
            raise UnicodeDecodeError(encoding, b"", 0, 0, "") from e
    except UnicodeDecodeError:
        parser.records.problem(
            Origin(name, numbered.number + 1),
            "",
            f"is not valid {encoding} text: if the file was saved by Excel or Windows, "
            "read it with --encoding cp1252 (or --encoding latin-1)",
        )
    finally:
        text.detach()


class _Numbered:
    """Lines with their numbers, so a decoding error can say where it happened."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self._text = text
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for line in self._text:
            self.number += 1
            yield line

    def uncounted(self) -> Iterator[str]:
        """The rest of the lines, without the count (a reader that counts its lines)."""
        return iter(self._text)


def _dispatch(lines: _Numbered, name: str, parser: LineParser) -> None:
    iterator = iter(lines)
    for line in iterator:
        stripped = line.strip().lstrip("\ufeff")
        if not stripped or stripped.startswith("#"):
            continue
        first = lines.number
        delimiter = header_delimiter(stripped)
        if delimiter is not None:
            rest = lines.uncounted()  # csv.reader counts lines: no generator per line
            parse_table(chain([line.lstrip("\ufeff")], rest), first, name, parser, delimiter)
        else:
            numbered = ((lines.number, text) for text in iterator)
            parse_notes(chain([(first, line.lstrip("\ufeff"))], numbered), name, parser)
        return
    raise AlbutrendError(f"{name}: is empty (no readings, no interventions)")
