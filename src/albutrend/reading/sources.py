"""Opening what the user names: files or `-` for standard input. The format is told
from the content (a header line with a date column, or notes lines), never from the
file name. Text is streamed line by line; nothing is written anywhere."""

from __future__ import annotations

import codecs
import io
import os
import re
import sys
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO, cast

from albutrend.errors import SourceNotFound
from albutrend.model import Origin
from albutrend.problems import AlbutrendError, UsageError, printable
from albutrend.reading.dates import DAY_FIRST, MONTH_FIRST, format_date
from albutrend.reading.notes import parse_notes
from albutrend.reading.records import LineParser, ReadOptions, Records
from albutrend.reading.tables import (
    date_column_names,
    header_delimiter,
    header_without_date,
    parse_table,
)

STDIN = "-"
STDIN_NAME = "<stdin>"


def display_name(path: str) -> str:
    return STDIN_NAME if path == STDIN else path


# The file being read now: a progress line on a terminal (`progress.Progress`) asks
# how far into it the reading is.
NOW_READING: list[BinaryIO] = []


def read(paths: list[str], options: ReadOptions | None = None) -> Records:
    """The library's way in: every file in `paths` (`-` is standard input) read into
    one `Records`, with the default options unless `options` are given. Problems are
    in `records.problems`, warnings in `records.notices()`: nothing is printed."""
    return read_sources(paths, options or ReadOptions())


def read_sources(paths: list[str], options: ReadOptions, stdin: BinaryIO | None = None) -> Records:
    """Read every source into one `Records`. Several files without a patient column
    each count as one patient, named after the file."""
    records = Records()
    if len(paths) > 1:
        _refuse_repeats(paths)
    names = _patient_names(paths) if len(paths) > 1 else {}
    for path in paths:
        name = display_name(path)
        records.sources.append(name)
        parser = LineParser(options, records, default_patient=names.get(path))
        readings, interventions = len(records.readings), len(records.interventions)
        read_path(path, parser, stdin)
        if (
            names
            and name not in records.sources_with_patients
            and len(records.readings) == readings
            and len(records.interventions) > interventions
        ):
            raise UsageError(
                f"{name}: holds only interventions, and with several files each file without "
                "a patient column is a patient of its own: give it with --events "
                f"{printable(path)} (its interventions then apply to the patient of the readings)"
            )
    return records


def read_path(path: str, parser: LineParser, stdin: BinaryIO | None = None) -> None:
    """Read one file (or `-`, standard input) into `parser.records`."""
    name = display_name(path)
    options = parser.options
    fatal_before = parser.records.fatal
    if path == STDIN:
        if stdin is None and sys.stdin is None:  # `<&-`
            raise UsageError(
                "standard input is closed: nothing to read from '-' (name a file, or "
                "redirect one: report - < readings.csv)"
            )
        _read_stream(stdin or sys.stdin.buffer, name, options, parser)
        _check_date_order(name, parser, fatal_before)
        return
    try:
        with open(path, "rb") as stream:
            NOW_READING.append(stream)
            try:
                _read_stream(stream, name, options, parser)
            finally:
                NOW_READING.remove(stream)
        _check_date_order(name, parser, fatal_before)
    except FileNotFoundError:
        raise SourceNotFound(f"{name}: no such file") from None
    except IsADirectoryError:
        raise SourceNotFound(f"{name}: is a directory, not a file") from None
    except PermissionError:
        raise AlbutrendError(f"{name}: permission denied") from None
    except OSError as e:  # a device error, a file gone while read
        raise AlbutrendError(f"{name}: cannot be read ({e.strerror or 'input error'})") from None


def _refuse_repeats(paths: list[str]) -> None:
    """The same file given twice (by one name or two: `a.csv ./a.csv`, a link) would
    count every reading twice, as two patients or as two readings a day: refused."""
    seen: dict[object, str] = {}
    for path in paths:
        if path == STDIN:
            key: object = STDIN
        else:
            try:
                status = os.stat(path)
            except OSError:
                continue  # not there, or not readable: said when it is opened
            key = (status.st_dev, status.st_ino)
        if key in seen:
            same = "the same file" if key != STDIN else "standard input"
            raise UsageError(
                f"{display_name(path)}: is given twice (also as {display_name(seen[key])}, "
                f"{same}): give each file once"
            )
        seen[key] = path


def _check_date_order(name: str, parser: LineParser, fatal_before: int) -> None:
    """One date that reads only the other way (`12/25/2024` read day first) puts every
    numeric date of the file in doubt (`06/09/2024` would be read 6 September): refuse
    the file. So does a table whose numeric dates all read two ways, when no order is
    given: the order is never guessed."""
    reader = parser.read_date
    wrong = reader.wrong_order
    if wrong is not None:
        if reader.order == MONTH_FIRST:
            order, option = "day first", "use --day-first, not --month-first"
        elif reader.order == DAY_FIRST:
            order, option = "month first", "use --month-first, not --day-first"
        else:
            order, option = "month first", "use --month-first"
        parser.records.problem(
            parser.wrong_order_at or Origin(name, 0),
            "",
            f"has its dates {order} ('{printable(wrong)}' reads no other way), so every "
            f"numeric date in it is in doubt: {option} (--skip-invalid cannot skip this)",
            fatal=True,
        )
        return
    if reader.ambiguous is None or reader.settled or not parser.dates_need_order:
        return
    if parser.records.fatal > fatal_before:
        return  # the file was not read to its end: its later dates may settle the order
    assert reader.both_ways is not None
    day_first, month_first = map(format_date, reader.both_ways)
    parser.records.problem(
        parser.ambiguous_at or Origin(name, 0),
        reader.ambiguous,
        f"reads as {day_first} day first and {month_first} month first, and no date in "
        "the file settles which (every numeric date has its day and month at most 12): "
        "give the order with --day-first or --month-first (--skip-invalid cannot skip this)",
        fatal=True,
    )


def _patient_names(paths: list[str]) -> dict[str, str]:
    stems = [Path(p).stem if p != STDIN else STDIN_NAME for p in paths]
    unique = len(set(stems)) == len(stems)
    return {p: (s if unique else display_name(p)) for p, s in zip(paths, stems, strict=True)}


def _read_stream(raw: BinaryIO, name: str, options: ReadOptions, parser: LineParser) -> None:
    # peek() needs a buffered reader; stdin.buffer is one, a test's BytesIO is not.
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(Any, raw))
    head = buffered.peek(4096)[:4096]
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        from albutrend.reading.excel import read_workbook, workbook_kind

        data = buffered.read()  # a workbook is compressed: a few MB at most
        kind = workbook_kind(data)
        if kind is not None:
            read_workbook(data, kind, name, parser)
            return
    encoding = options.encoding
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text": the BOM says so, no guess.
    elif head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"  # Excel's "CSV UTF-8", whatever --encoding says
    else:
        _refuse_binary(head, name, encoding)
    # Undecodable bytes become lone surrogates, found line by line by `_Numbered`:
    # the text is decoded in chunks, so a decoding error would not know its line.
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="surrogateescape", newline="")
    numbered = _Numbered(text)
    try:
        _dispatch(numbered, name, parser)
    # The lines after a decoding error are not read: the problem is fatal, so that
    # --skip-invalid cannot turn half a file into a report that exits 0.
    except _Undecodable as e:
        parser.records.problem(
            Origin(name, numbered.number),
            e.line,
            f"is not valid {_label(encoding)} text (byte {e.byte}): {_advice(encoding)}; "
            f"{_NOT_READ}",
            fatal=True,
        )
    except UnicodeError as e:
        # Not a byte surrogateescape can keep (UTF-16 cut short, no BOM): the text is
        # decoded in chunks, so the line is the first one not read.
        parser.records.problem(
            Origin(name, numbered.number + 1),
            "",
            f"is not valid {_label(encoding)} text at or after this line "
            f"({getattr(e, 'reason', e)}): {_advice(encoding)}; {_NOT_READ}",
            fatal=True,
        )
    finally:
        text.detach()


_NOT_READ = "the lines after it were not read (--skip-invalid cannot skip this)"


def _label(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8"}.get(name, encoding)


def _advice(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    if name.startswith(("utf-16", "utf-32")):
        return (
            "is the file cut short, or in another encoding? name its encoding with --encoding "
            "(utf-16-le or utf-16-be without a byte-order mark)"
        )
    if name.startswith("utf-8"):
        return (
            "if the file was saved by Excel or Windows, read it with --encoding cp1252 "
            "(or --encoding latin-1)"
        )
    return "name the file's encoding with --encoding (e.g. utf-8, latin-1)"


# What a file that is not text starts with, and how to get text out of it.
_AS_TEXT = "albutrend reads CSV, TSV or notes saved as text"
_MAGIC = (
    (
        b"PK\x03\x04",
        "a ZIP file that is not a workbook (no xl/workbook.xml)",
        "unpack it first; albutrend reads .xlsx, .xlsm, .xls and .ods workbooks",
    ),
    (
        b"%PDF",
        "a PDF",
        "export the results from the lab system as CSV, or copy them into a text file",
    ),
    (b"\x89PNG", "a PNG image", _AS_TEXT),
    (b"\xff\xd8\xff", "a JPEG image", _AS_TEXT),
    (b"\x1f\x8b", "a gzip archive", "unpack it first"),
)


def _refuse_binary(head: bytes, name: str, encoding: str) -> None:
    """Refuse a file that is not text, saying what it is and how to make text of it."""
    for magic, what, fix in _MAGIC:
        if head.startswith(magic):
            raise AlbutrendError(f"{name}: is {what}, not text ({fix})")
    if b"\x00" not in head or codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        return
    even, odd = head[0::2], head[1::2]
    for zeros, text, order in ((odd, even, "le"), (even, odd, "be")):
        if zeros.count(0) > 0.9 * len(zeros) and text.count(0) < 0.1 * len(text):
            raise AlbutrendError(
                f"{name}: looks like UTF-16 text without a byte-order mark (read it with "
                f"--encoding utf-16-{order})"
            )
    raise AlbutrendError(f"{name}: is not text: it contains NUL bytes ({_AS_TEXT})")


# A byte the encoding could not decode, as `surrogateescape` keeps it.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


class _Undecodable(Exception):
    """A line with a byte the encoding cannot decode: the text shown with `\\xNN`."""

    def __init__(self, line: str) -> None:
        super().__init__()
        escaped = _ESCAPED_BYTE.search(line)
        assert escaped is not None
        self.byte = f"0x{ord(escaped[0]) - 0xDC00:02x}"
        self.line = _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m[0]) - 0xDC00:02x}", line)


class _Numbered:
    """Lines with their numbers, so a decoding error can say where it happened.

    Read one line at a time (notes, the lines before a header), or a block of lines
    at a time (`take`, for a table's rows): a million lines are checked in blocks,
    not one generator step each.
    """

    def __init__(self, text: io.TextIOWrapper) -> None:
        self._text = text
        self.number = 0
        # What stopped `take` (raised once its lines are read): a line that cannot be
        # decoded, or text surrogateescape cannot keep (UTF-16 cut short).
        self.error: _Undecodable | UnicodeError | None = None

    def __iter__(self) -> Iterator[str]:
        for line in self._text:
            self.number += 1
            if not line.isascii() and _ESCAPED_BYTE.search(line):
                raise _Undecodable(line)
            yield line

    def take(self, count: int) -> list[str]:
        """Up to `count` lines, [] at the end. A line that cannot be decoded ends the
        block before it, and is raised (as `__iter__` raises it) at the next call,
        once the lines before it are read."""
        if self.error is not None:
            raise self.error
        lines: list[str] = []
        try:
            lines.extend(islice(self._text, count))  # keeps the lines read before an error
        except UnicodeError as e:
            self.error = e
        joined = "".join(lines)
        if not joined.isascii() and _ESCAPED_BYTE.search(joined):
            bad = next(i for i, line in enumerate(lines) if _ESCAPED_BYTE.search(line))
            self.error = _Undecodable(lines[bad])
            del lines[bad:]
            self.number += 1  # the line that cannot be decoded, as `__iter__` counts it
        self.number += len(lines)
        if not lines and self.error is not None:
            raise self.error
        return lines


def _dispatch(lines: _Numbered, name: str, parser: LineParser) -> None:
    iterator = iter(lines)
    for line in iterator:
        stripped = line.strip().lstrip("\ufeff")
        if not stripped or stripped.startswith("#"):
            continue
        first = lines.number
        # JSON: FHIR (a Bundle, a resource, an array of them, NDJSON). `[Results]` or
        # `[9-6-24] …` at the top of notes is no JSON array.
        if stripped[0] == "{" or re.match(r"\[\s*(?:[{\]]|$)", stripped):
            from albutrend.reading.fhir import parse_fhir

            numbered = ((lines.number, text) for text in iterator)
            parse_fhir(chain([(first, line.lstrip("\ufeff"))], numbered), name, parser)
            return
        delimiter = header_delimiter(stripped)
        if delimiter is None and header_without_date(stripped):
            parser.records.problem(
                Origin(name, first),
                stripped,
                f"is a header without a date column: name it date (or {date_column_names()}; "
                "see README 'Input formats')",
            )
            return
        if delimiter is not None:
            header = chain([line.lstrip("\ufeff")], iterator)
            parse_table(header, first, name, parser, delimiter, lines.take)
        else:
            numbered = ((lines.number, text) for text in iterator)
            parse_notes(chain([(first, line.lstrip("\ufeff"))], numbered), name, parser)
        return
    raise AlbutrendError(f"{name}: is empty (no readings, no interventions)")
