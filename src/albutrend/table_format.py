"""CSV and TSV with a header, from a spreadsheet or a lab export.

Columns (names are case-insensitive; spaces, dots and hyphens count as `_`; a unit
in brackets after the name, `Albumin (mg/L)`, is the column's unit):

    date                         required
    albumin | value | result     the value (or an ACR column: acr, uacr)
    unit                         optional; else the column's or --unit
    event | intervention         text of an intervention row (no value)
    patient | patient_id | mrn   optional; groups rows by patient
    creatinine, creatinine_unit  optional; makes an ACR from a concentration
    test | analyte | loinc       optional, in lab exports: rows of other tests are
                                 skipped, counted and named on stderr

Unknown columns are ignored. A column named twice is an error, never a guess.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

from .loinc import ALBUMIN_LOINC
from .model import Origin
from .quantities import BOUND_SIGNS, QuantityError
from .records import LineParser
from .units import ACR, albumin_unit

DATE, VALUE, UNIT, EVENT, PATIENT, CREATININE, CREATININE_UNIT, ANALYTE = (
    "date",
    "value",
    "unit",
    "event",
    "patient",
    "creatinine",
    "creatinine_unit",
    "test",
)

ROLE_NAMES = {
    DATE: (
        "date",
        "sample_date",
        "collection_date",
        "collected",
        "specimen_date",
        "result_date",
        "test_date",
        "date_collected",
        "datetime",
        "collected_date",
        "collected_date_time",
        "collection_date_time",
        "collection_datetime",
        "specimen_collected",
        "observation_date",
    ),
    VALUE: (
        "albumin",
        "value",
        "result",
        "microalbumin",
        "urine_albumin",
        "acr",
        "uacr",
        "albumin_creatinine_ratio",
        "urine_acr",
        "result_value",
        "numeric_result",
    ),
    UNIT: ("unit", "units", "albumin_unit", "uom", "result_unit", "result_units"),
    EVENT: ("event", "intervention", "treatment", "therapy"),
    PATIENT: ("patient", "patient_id", "patientid", "mrn", "subject", "subject_id"),
    CREATININE: ("creatinine", "urine_creatinine", "creat"),
    CREATININE_UNIT: ("creatinine_unit", "creatinine_units", "creat_unit"),
    ANALYTE: (
        "test",
        "test_name",
        "testname",
        "analyte",
        "component",
        "observation",
        "observation_name",
        "loinc",
        "loinc_code",
        "test_code",
        "investigation",
        "assay",
        "test_description",
    ),
}
# A test that is urine albumin: by name (not serum or plasma albumin) or by the
# LOINC codes of `loinc.ALBUMIN_CODES` (CLINICAL.md §3 and the VSAC value set).
_ALBUMIN_TEST = re.compile(r"alb|\bu?acr\b|microalb", re.IGNORECASE)
_NOT_URINE = re.compile(r"serum|plasma|blood|\bs[-_ ]?alb|\bp[-_ ]?alb", re.IGNORECASE)


def is_albumin_test(name: str) -> bool:
    text = name.strip()
    if text in ALBUMIN_LOINC:
        return True
    return _ALBUMIN_TEST.search(text) is not None and _NOT_URINE.search(text) is None


_ROLE_OF = {name: role for role, names in ROLE_NAMES.items() for name in names}
_ACR_COLUMNS = {"acr", "uacr", "albumin_creatinine_ratio", "urine_acr"}
DELIMITERS = ("\t", ";", ",")

# A 1 MB intervention text is read, not refused (csv's default cap is 128 KiB).
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def unit_in_name(header: str) -> tuple[str, str] | None:
    """(name, unit) of a header cell that ends with a unit in brackets: `Albumin
    (mg/L)`, `Albumin (urine) [mg/L]`. Found with string methods, in linear time (the
    regular expression it replaces took minutes on a header of 2,000 `(`)."""
    s = header.rstrip()
    if len(s) < 3 or s[-1] not in ")]":
        return None
    # The unit holds no closing bracket: it starts after the last one before the end.
    after = max(s.rfind(")", 0, len(s) - 1), s.rfind("]", 0, len(s) - 1)) + 1
    opening = [
        i for i in (s.find("(", after, len(s) - 2), s.find("[", after, len(s) - 2)) if i >= 0
    ]
    if not opening:
        return None
    name = s[: min(opening)].rstrip()
    if "\n" in name:
        return None
    return name, s[min(opening) + 1 : -1]


def _name_without_unit(header: str) -> str:
    found = unit_in_name(header)
    return header if found is None else found[0]


def _clean(name: str) -> str:
    return re.sub(r"[\s.\-/]+", "_", name.strip().lstrip("\ufeff").lower()).strip("_")


def detect_delimiter(header: str) -> str | None:
    """The delimiter of a header line: the most frequent of tab, `;`, `,`."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else None


def header_delimiter(line: str) -> str | None:
    """The delimiter if `line` is a header with a date column, else None."""
    delimiter = detect_delimiter(line)
    if delimiter is None:
        return None
    roles = _roles(line, delimiter)
    return delimiter if DATE in roles else None


def _roles(line: str, delimiter: str) -> set[str | None]:
    return header_roles(next(csv.reader([line], delimiter=delimiter)))


def header_roles(names: list[str]) -> set[str | None]:
    """The roles the column names of a header name (None for an unknown name)."""
    return {_ROLE_OF.get(_clean(_name_without_unit(n))) for n in names}


def header_without_date(line: str) -> bool:
    """`line` names a value or event column but no date column: a header albutrend
    does not understand, not prose (`Datum;Albumin (mg/L);Event`)."""
    delimiter = detect_delimiter(line)
    if delimiter is None:
        return False
    roles = _roles(line, delimiter) - {None}
    # Two known columns at least: `Urine albumin, from the letters.` is prose.
    return DATE not in roles and len(roles) >= 2 and bool(roles & {VALUE, EVENT})


def date_column_names() -> str:
    return ", ".join(ROLE_NAMES[DATE][1:6]) + ", …"


class _Columns:
    def __init__(self, header: list[str], origin: Origin, parser: LineParser) -> None:
        self.index: dict[str, int] = {}
        self.unit_in_name: str | None = None
        self.value_is_acr = False
        self.width = len(header)
        self.ok = True
        seen: dict[str, str] = {}
        for i, raw in enumerate(header):
            name, unit = raw, None
            if found := unit_in_name(raw):
                name, unit = found
            clean = _clean(name)
            role = _ROLE_OF.get(clean)
            if role is None:
                continue
            if role in self.index:
                parser.records.problem(
                    origin,
                    raw,
                    f"is a second {role} column (column {i + 1}; '{seen[role]}' is column "
                    f"{self.index[role] + 1}): remove or rename one",
                )
                self.ok = False
                continue
            seen[role] = raw.strip()
            self.index[role] = i
            if role == VALUE:
                self.value_is_acr = clean in _ACR_COLUMNS
                if unit is not None:
                    if albumin_unit(unit) is None:
                        parser.records.problem(
                            origin, raw, f"names an unknown unit '{unit}' in its header"
                        )
                        self.ok = False
                    self.unit_in_name = unit
        if DATE not in self.index or (VALUE not in self.index and EVENT not in self.index):
            missing = "a date column" if DATE not in self.index else "a value or event column"
            parser.records.problem(
                origin,
                ",".join(header),
                f"is a header without {missing} (see README 'Input formats' for the names)",
            )
            self.ok = False


def parse_table(
    lines: Iterator[str],
    first_line: int,
    source: str,
    parser: LineParser,
    delimiter: str,
    take: Callable[[int], list[str]],
) -> None:
    """Rows of a delimited file; `lines` starts at the header, which is `first_line`.
    `take(n)` gives the next n lines of the same text at once, for the rows below."""
    # strict: `"2487"4` is an error, not 24874; a quote never closed is an error, not a
    # cell that swallowed every row after it.
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    offset = first_line - 1
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return
    columns = _Columns(header, Origin(source, first_line), parser)
    if not columns.ok:
        return
    if PATIENT in columns.index:
        parser.records.sources_with_patients.add(source)
    table = _Table(columns, header, source, parser, delimiter)
    records = parser.records
    # Every row that is not blank adds a reading, an intervention or a problem.
    before = (len(records.readings), len(records.interventions), records.problem_count)
    if table.i_value is None or table.i_creat is not None or table.i_test is not None:
        for number, row in _numbered_rows(reader, offset, source, parser):
            table.row(row, number)
    else:
        after_header = reader.line_num + offset + 1
        _fast_rows(_chunked_rows(take, after_header, table), table)
    if before == (len(records.readings), len(records.interventions), records.problem_count):
        records.problem(
            Origin(source, first_line),
            delimiter.join(header),
            "is a header with no rows below it (export the rows too, or check that this is "
            "the right file)",
        )


# Lines read at a time: enough that csv's per-call cost is spread thin, few enough
# that a chunk's rows stay in the CPU cache while they are added (measured at 1M
# rows: 64–1024 lines 1.25–1.35 s, 16384 lines 1.6 s).
CHUNK_ROWS = 512


def _chunked_rows(
    take: Callable[[int], list[str]], number: int, table: _Table
) -> Iterator[tuple[int, list[str]]]:
    """The rows from line `number` on, with their line numbers: csv reads a chunk of
    lines in one call. A quoted cell over several lines, or a row csv cannot read,
    and the rest of the file is read a row at a time, as csv numbers them."""
    delimiter = table.delimiter
    while chunk := take(CHUNK_ROWS):
        try:
            rows = list(csv.reader(chunk, delimiter=delimiter, strict=True))
        except csv.Error:
            rows = []
        if len(rows) != len(chunk):  # a row over several lines, or one csv refuses
            rest = chain(chunk, chain.from_iterable(iter(lambda: take(CHUNK_ROWS), [])))
            reader = csv.reader(rest, delimiter=delimiter, strict=True)
            yield from _numbered_rows(reader, number - 1, table.source, table.parser)
            return
        yield from zip(range(number, number + len(rows)), rows, strict=True)
        number += len(rows)


def _fast_rows(rows: Iterator[tuple[int, list[str]]], table: _Table) -> None:
    # A registry file repeats the same dates, values and patients a million times:
    # a row of such cells is added here with a few dict look-ups (dates, values and
    # patients each read once, by the same rules). A row with anything new or odd
    # (a date not seen yet, a missing cell, a bad value) goes to `table.row`, which
    # checks it in full and says what is wrong.
    columns, parser, source = table.columns, table.parser, table.source
    assert table.i_value is not None  # the caller takes tables with a value column here
    width, i_date, i_value = columns.width, table.i_date, table.i_value
    i_unit, i_event, i_patient = table.i_unit, table.i_event, table.i_patient
    acr_only = columns.value_is_acr
    dates = parser.read_date.seen
    values_by_unit = parser.known_values
    unit = columns.unit_in_name
    known_values = values_by_unit.setdefault(unit, {})
    patients = table.patients
    readings = parser.records.readings
    add_date, add_value = readings.dates.append, readings.measurements.append
    add_patient, add_source = readings.patients.append, readings.sources.append
    add_line = readings.lines.append
    default_patient = parser.default_patient
    others = table.others
    i_split = table.i_split
    for number, row in rows:
        if (
            len(row) != width
            or (others and any(row[i].strip() in BOUND_SIGNS for i in others))
            or (i_split is not None and split_number(row[i_value], row[i_split]))
        ):
            table.row(row, number)  # checked in full: it says what is wrong
            continue
        when = dates.get(row[i_date])
        value = row[i_value]
        event = row[i_event].strip() if i_event is not None else ""
        if i_patient is None:
            patient = default_patient
        elif (patient := patients.get(row[i_patient])) is None:
            if not (name := row[i_patient].strip()):
                table.row(row, number)  # no patient: a problem
                continue
            patient = patients[row[i_patient]] = sys.intern(name)
        if when is None:
            table.row(row, number)  # a date not seen yet: read it in full
            continue
        if value:
            if i_unit is not None and row[i_unit] != unit:  # the unit of the row before
                unit = row[i_unit]
                known_values = values_by_unit.setdefault(unit, {})
            m = known_values.get(value)
            if m is None:
                try:
                    m = known_values[value] = parser.value(value.strip(), unit)
                except QuantityError:
                    table.row(row, number)  # says what is wrong
                    continue
            if acr_only and m.unit.family != ACR:
                table.row(row, number)
                continue
            add_date(when)
            add_value(m)
            add_patient(patient)
            add_source(source)
            add_line(number)
        elif not event:
            table.row(row, number)  # neither a value nor an event: a problem
            continue
        if event:
            parser.add_intervention(when, event, Origin(source, number), patient)


_WHOLE = re.compile(r"\s*\d+\s*")
_PART = re.compile(r"\s*\d+(?:\.\d+)?\s*")


def split_number(value: str, after: str) -> bool:
    """Could `value` and the cell after it be one number cut at a comma (`2487`,
    `4`: 2487,4 with a decimal comma; `2`, `487.4`: 2,487.4)?"""
    return _WHOLE.fullmatch(value) is not None and _PART.fullmatch(after) is not None


def _numbered_rows(
    reader: Any, offset: int, source: str, parser: LineParser
) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line each starts on (a quoted cell may hold line breaks). A row
    csv cannot read is a problem, and reading goes on after it."""
    end = reader.line_num + offset
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            parser.records.problem(Origin(source, start), "", _csv_error(e))
            end = reader.line_num + offset
            continue
        end = reader.line_num + offset
        yield start, row


def _csv_error(error: csv.Error) -> str:
    text = str(error)
    if text.startswith("unexpected end of data"):
        return (
            "has a quote that is never closed: the lines after it were read as one cell "
            "(close the quote, or remove it)"
        )
    if text.endswith("expected after '\"'"):
        return 'has text after a closing quote, like "2487"4 (quote a whole cell, or none of it)'
    return f"is not a valid row ({text})"


class _Table:
    """The rows of one table, into `parser.records`."""

    def __init__(
        self, columns: _Columns, header: list[str], source: str, parser: LineParser, delimiter: str
    ) -> None:
        self.columns = columns
        self.header = header
        self.source = source
        self.parser = parser
        self.delimiter = delimiter
        idx = columns.index
        self.i_date = idx[DATE]
        self.i_value = idx.get(VALUE)
        self.i_unit = idx.get(UNIT)
        self.i_event = idx.get(EVENT)
        self.i_patient = idx.get(PATIENT)
        self.i_creat = idx.get(CREATININE)
        self.i_creat_unit = idx.get(CREATININE_UNIT)
        self.i_test = idx.get(ANALYTE)
        # Patient cell as written -> the patient, one string object per patient.
        self.patients: dict[str, str] = {}
        # Columns albutrend does not know: a lab's comparator column (`<` next to `3`)
        # would turn <3 into an exact 3 if it were ignored.
        self.others = [i for i in range(columns.width) if i not in idx.values()]
        # An ignored column just after the value, in a comma table: `2487,4` unquoted
        # puts 2487 in the value and 4 there (a decimal comma, or `1,129` thousands).
        after = None if self.i_value is None else self.i_value + 1
        self.i_split = after if delimiter == "," and after in self.others else None
        # The header as a row below it reads (two exports pasted into one file).
        self.header_again = [h.strip().lower() for h in header]

    def row(self, row: list[str], number: int) -> None:
        """One row, checked cell by cell; problems go to the records."""
        parser, records, width = self.parser, self.parser.records, self.columns.width
        delimiter, source = self.delimiter, self.source
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            records.problem(
                Origin(source, number),
                delimiter.join(row),
                f"has {len(row)} cells but the header has {width}: is a value like 2,487.4 "
                "not quoted, or a delimiter inside a text?",
            )
            return
        if len(row) < width:
            row = row + [""] * (width - len(row))
        cells = row
        if not any(cell.strip() for cell in cells):
            return
        i_value, i_event, i_patient = self.i_value, self.i_event, self.i_patient
        if self.i_test is not None:
            test = cells[self.i_test].strip()
            if not test:
                records.problem(Origin(source, number), delimiter.join(row), "has no test name")
                return
            if not is_albumin_test(test):
                # Another analyte of a lab export (creatinine, total protein): left
                # out, counted and named, never read as albumin.
                key = (source, test)
                records.other_tests[key] = records.other_tests.get(key, 0) + 1
                return
        if [c.strip().lower() for c in cells] == self.header_again:
            records.problem(
                Origin(source, number),
                delimiter.join(row),
                "repeats the header (two exports pasted into one file?): remove this line",
            )
            return
        date_text = cells[self.i_date].strip()
        value_text = cells[i_value].strip() if i_value is not None else ""
        event_text = cells[i_event].strip() if i_event is not None else ""
        origin = Origin(source, number)
        if not date_text:
            records.problem(origin, delimiter.join(row), "has no date")
            return
        patient = None
        if i_patient is not None:
            patient = cells[i_patient].strip()
            if not patient:
                records.problem(
                    origin, delimiter.join(row), "has no patient (the patient column is empty)"
                )
                return
            patient = self.patients.setdefault(cells[i_patient], patient)
        if not value_text and not event_text:
            records.problem(origin, delimiter.join(row), "has neither a value nor an event")
            return
        when = parser.parse_date(date_text, origin)
        if when is None:
            return
        if value_text:
            bound = next((i for i in self.others if cells[i].strip() in BOUND_SIGNS), None)
            if bound is not None:
                sign = cells[bound].strip()
                records.problem(
                    origin,
                    sign,
                    f"is a bound sign in column '{self.header[bound].strip()}', apart from the "
                    f"value '{value_text}' (write them in one cell, {sign}{value_text}, or leave "
                    "the column out)",
                )
                return
            if self.i_split is not None and split_number(value_text, cells[self.i_split]):
                part = cells[self.i_split].strip()
                records.problem(
                    origin,
                    f"{value_text},{part}",
                    "may be one number split by the comma delimiter (a decimal comma, or a "
                    f"thousands separator), with '{part}' in column "
                    f"'{self.header[self.i_split].strip()}': quote the value "
                    f'("{value_text},{part}"), or save the file with ; or tab as the delimiter '
                    "(a column of numbers of its own goes before the value column)",
                )
                return
            unit_text = cells[self.i_unit] if self.i_unit is not None else self.columns.unit_in_name
            albumin = parser.measurement(value_text, origin, unit_text)
            if albumin is None:
                return
            if self.columns.value_is_acr and albumin.unit.family != ACR:
                records.problem(
                    origin,
                    value_text,
                    f"is in an ACR column but its unit is {albumin.unit}: give the unit "
                    "(a unit column, or --unit mg/g or mg/mmol)",
                )
                return
            creat_text = cells[self.i_creat].strip() if self.i_creat is not None else ""
            creatinine = None
            if creat_text:
                creat_unit = cells[self.i_creat_unit] if self.i_creat_unit is not None else None
                creatinine = parser.creatinine(creat_text, origin, creat_unit)
                if creatinine is None:
                    return
            parser.add_reading(when, albumin, origin, patient, creatinine, creat_text)
        if event_text:
            parser.add_intervention(when, event_text, origin, patient)
