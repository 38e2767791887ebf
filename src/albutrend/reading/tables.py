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

from albutrend.clinical.loinc import (
    is_loinc_code,
    is_ratio_test,
    is_urine_albumin_loinc,
    is_urine_albumin_name,
)
from albutrend.clinical.units import ACR, albumin_unit, creatinine_unit
from albutrend.model import Origin
from albutrend.patterns import lazy
from albutrend.problems import printable, quoted
from albutrend.reading.quantities import BOUND_SIGNS, QuantityError, has_unit
from albutrend.reading.records import NO_RESULT_WORDS, LineParser

DATE, VALUE, UNIT, EVENT, PATIENT, CREATININE, CREATININE_UNIT = (
    "date",
    "value",
    "unit",
    "event",
    "patient",
    "creatinine",
    "creatinine_unit",
)
# The test of a lab export's row: its name, its code (LOINC), or, when neither is
# there, the name of the order (a panel) or Synthea's DESCRIPTION next to its CODE.
ANALYTE, TEST_CODE, ORDER, DESCRIPTION = "test", "test code", "order", "description"

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
        "effective_date",
        "date_of_test",
        "event_date",
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
        "numeric_value",
        "value_numeric",
        "observation_value",
    ),
    UNIT: (
        "unit",
        "units",
        "albumin_unit",
        "uom",
        "result_unit",
        "result_units",
        "unit_of_measure",
        "units_of_measure",
        "unit_of_measurement",
        "units_of_measurement",
        "reference_unit",
        "reference_units",
        "value_unit",
        "value_units",
        "numeric_unit",
        "numeric_units",
    ),
    EVENT: ("event", "intervention", "treatment", "therapy"),
    PATIENT: (
        "patient",
        "patient_id",
        "patientid",
        "patient_number",
        "mrn",
        "subject",
        "subject_id",
        "nhs_number",
    ),
    CREATININE: ("creatinine", "urine_creatinine", "creat"),
    CREATININE_UNIT: ("creatinine_unit", "creatinine_units", "creat_unit"),
    ANALYTE: (
        "test",
        "test_name",
        "testname",
        "analyte",
        "analyte_name",
        "component",
        "component_name",
        "observation",
        "observation_name",
        "investigation",
        "assay",
        "test_description",
        "term",
        "term_text",
        "read_term",
        "lab_test",
        "result_name",
    ),
    TEST_CODE: (
        "code",
        "loinc",
        "loinc_code",
        "test_code",
        "observation_code",
        "component_code",
        "result_code",
    ),
    ORDER: ("order_name", "order", "panel", "order_description"),
    DESCRIPTION: ("description",),
}


def is_albumin_test(name: str, code: str = "") -> bool:
    """A row's test is urine albumin: by its LOINC code when it has one (a code
    column, or the name written as a code), else by its name (`loinc.py`)."""
    if is_loinc_code(code):
        return is_urine_albumin_loinc(code)
    return is_urine_albumin_name(name)


_ROLE_OF = {name: role for role, names in ROLE_NAMES.items() for name in names}

# What a cell of a column albutrend does not know may hold that must not be
# ignored: a bound sign (`<` next to `3`), a unit, or a test (a name or a code).
BOUND, UNIT_CELL, TEST_CELL = "bound", "unit", "test"
_UNIT_LIKE = lazy(
    r"(?:[µμumnkd]?(?:g|mol|l|eq|iu|u))(?:\s*/\s*(?:\d+\s*)?(?:[µμumnkd]?(?:g|mol|l)|h|hr|hrs|"
    r"min|d|day|24\s*h\w*)(?:\s*creat\w*)?)+|%|mm\s*\[?hg\]?|mmol/mol|kg|cm|kg/m2|"
    r"ml/min(?:/1\.73\s*m2?)?|\{ratio\}",
    re.IGNORECASE,
)
_TEST_LIKE = lazy(
    r"\s*(?:urine\s+|serum\s+|plasma\s+|blood\s+|total\s+|random\s+|spot\s+)?"
    r"(?:albumin|microalbumin|creatinine|cholesterol|glucose|protein|hba1c|ha?emoglobin|"
    r"e?gfr|sodium|potassium|urea|triglycerides?|ldl|hdl|bilirubin|u?acr|u?pcr|"
    r"blood\s+pressure|systolic|diastolic|body\s+(?:weight|height|mass))\b",
    re.IGNORECASE,
)
# A LOINC code (not `0-3`, a reference range).
_CODE_LIKE = lazy(r"\d{4,7}-\d")


def cell_kind(text: str) -> str | None:
    """BOUND, UNIT_CELL or TEST_CELL when a cell of an unknown column holds such a
    thing, else None (a comment, an ID, an encounter)."""
    cell = text.strip()
    if not cell:
        return None
    if cell in BOUND_SIGNS:
        return BOUND
    if albumin_unit(cell) or creatinine_unit(cell) or _UNIT_LIKE().fullmatch(cell):
        return UNIT_CELL
    if _CODE_LIKE().fullmatch(cell) or is_urine_albumin_name(cell) or _TEST_LIKE().match(cell):
        return TEST_CELL
    return None


_ACR_COLUMNS = {"acr", "uacr", "albumin_creatinine_ratio", "urine_acr"}
DELIMITERS = ("\t", ";", ",")

# A 1 MB intervention text is read, not refused (csv's default cap is 128 KiB). The
# cap is the csv module's, for the whole process: raised only while a table is read.
_FIELD_SIZE = min(sys.maxsize, 2**31 - 1)


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
        # One column names a row's test: the test's own name, else the order's, else
        # Synthea's DESCRIPTION (next to its CODE). A description with no code may be
        # any text: it is an unknown column, whose cells are checked.
        index = self.index
        if ANALYTE not in index and ORDER in index:
            index[ANALYTE] = index.pop(ORDER)
        elif ANALYTE not in index and DESCRIPTION in index and TEST_CODE in index:
            index[ANALYTE] = index.pop(DESCRIPTION)
        elif ANALYTE not in index and DESCRIPTION in index:
            del index[DESCRIPTION]
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
    before = csv.field_size_limit(_FIELD_SIZE)
    try:
        _parse_table(lines, first_line, source, parser, delimiter, take)
    finally:
        csv.field_size_limit(before)  # a library user's csv keeps its own cap


def _parse_table(
    lines: Iterator[str],
    first_line: int,
    source: str,
    parser: LineParser,
    delimiter: str,
    take: Callable[[int], list[str]],
) -> None:
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
    table.rows(_chunked_rows(take, reader.line_num + offset + 1, table))
    if not table.finish(first_line) and before == (
        len(records.readings),
        len(records.interventions),
        records.problem_count,
    ):
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


# Rows of consecutive lines, and the line number of the first.
Chunk = tuple[int, list[list[str]]]


def _chunked_rows(take: Callable[[int], list[str]], number: int, table: _Table) -> Iterator[Chunk]:
    """The rows from line `number` on, a chunk at a time: csv reads a chunk of lines in
    one call, and the rows' loop runs over a list (not a generator's row at a time).
    A quoted cell over several lines, or a row csv cannot read, and the rest of the
    file is read a row at a time, as csv numbers them (chunks of one row)."""
    delimiter = table.delimiter
    while chunk := take(CHUNK_ROWS):
        try:
            rows = list(csv.reader(chunk, delimiter=delimiter, strict=True))
        except csv.Error:
            rows = []
        if len(rows) != len(chunk):  # a row over several lines, or one csv refuses
            rest = chain(chunk, chain.from_iterable(iter(lambda: take(CHUNK_ROWS), [])))
            reader = csv.reader(rest, delimiter=delimiter, strict=True)
            for start, row in _numbered_rows(reader, number - 1, table.source, table.parser):
                yield start, [row]
            return
        yield number, rows
        number += len(rows)


def _numbered(chunk: Chunk) -> Iterator[tuple[int, list[str]]]:
    """A chunk's rows with their line numbers."""
    return enumerate(chunk[1], chunk[0])


def _rows_read_before(rows: Iterator[tuple[int, list[str]]], table: _Table) -> None:
    # A registry file repeats the same dates, values and patients a million times:
    # a row of such cells is added here with a few dict look-ups of what `table.row`
    # read before (dates, values and patients each read once, by its rules). A row
    # with anything new or odd (a date not seen yet, a missing cell, a bad value)
    # goes to `table.row`, which reads it in full and says what is wrong.
    columns, parser, source = table.columns, table.parser, table.source
    assert table.i_value is not None  # `_Table.rows` sends tables with a value column
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
    plain_cells = table.plain_cells  # cells of unknown columns known to hold nothing odd
    i_split = table.i_split
    for number, row in rows:
        if (
            len(row) != width
            or (others and not all(row[i] in plain_cells for i in others))
            or (i_split is not None and split_number(row[i_value], row[i_split]))
        ):
            table.row(row, number)  # checked in full: it says what is wrong
            continue
        when = dates.get(row[i_date])
        value = row[i_value]
        event = row[i_event] if i_event is not None else ""
        if event:  # most rows have none: strip only what is there
            event = event.strip()
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
            if not unit:
                table.row(row, number)  # no unit given: said in full (or refused)
                continue
            m = known_values.get(value)
            if m is None:
                try:
                    # `value` remembers it (up to its limit), in `known_values`.
                    m = parser.value(value, unit)
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
        parser.dates_need_order = True  # a table's numeric dates must settle their order
        idx = columns.index
        self.i_date = idx[DATE]
        self.i_value = idx.get(VALUE)
        self.i_unit = idx.get(UNIT)
        self.i_event = idx.get(EVENT)
        self.i_patient = idx.get(PATIENT)
        self.i_creat = idx.get(CREATININE)
        self.i_creat_unit = idx.get(CREATININE_UNIT)
        self.i_test = idx.get(ANALYTE)
        self.i_code = idx.get(TEST_CODE)
        # A lab export names each row's test: only urine albumin rows are read.
        self.tests = self.i_test is not None or self.i_code is not None
        self.test_rows = 0  # rows whose test is urine albumin
        self.other_rows = 0  # rows of other tests, left out
        self.other_tests: dict[str, int] = {}  # their names, as written
        # Patient cell as written -> the patient, one string object per patient.
        self.patients: dict[str, str] = {}
        # Columns albutrend does not know. Their cells are looked at all the same: a
        # lab's comparator column (`<` next to `3`) would turn <3 into an exact 3, and
        # a unit or a test in a column of another name must not be ignored.
        self.others = [i for i in range(columns.width) if i not in idx.values()]
        self.plain_cells: dict[str, None] = {}  # cells of those found to hold nothing odd
        self.flagged: set[int] = set()  # columns already refused
        # An ignored column just after the value, in a comma table: `2487,4` unquoted
        # puts 2487 in the value and 4 there (a decimal comma, or `1,129` thousands).
        after = None if self.i_value is None else self.i_value + 1
        self.i_split = after if delimiter == "," and after in self.others else None
        # The header as a row below it reads (two exports pasted into one file).
        self.header_again = [h.strip().lower() for h in header]

    def other_names(self, shown: int = 5) -> str:
        names = list(self.other_tests)
        listed = ", ".join(printable(n) for n in names[:shown])
        return listed + (f" and {len(names) - shown} more" if len(names) > shown else "")

    def _odd_column(self, cells: list[str], origin: Origin, has_value: bool) -> bool:
        """A cell of an unknown column that must not be ignored: a problem (True)."""
        records = self.parser.records
        for i in self.others:
            cell = cells[i]
            if cell in self.plain_cells:
                continue
            kind = cell_kind(cell)
            if kind is None:
                if len(self.plain_cells) < SEEN_CELLS:
                    self.plain_cells[cell] = None
                continue
            name = self.header[i].strip()
            if kind == BOUND:
                if not has_value:
                    continue
                value = cells[self.i_value].strip() if self.i_value is not None else ""
                sign = cell.strip()
                records.problem(
                    origin,
                    sign,
                    f"is a bound sign in column '{name}', apart from the value '{value}' "
                    f"(write them in one cell, {sign}{value}, or leave the column out)",
                )
                return True
            if i in self.flagged:
                return True
            self.flagged.add(i)
            if kind == UNIT_CELL:
                what = "a unit"
                fix = "name it unit (or units, uom, unit_of_measure, result_unit)"
            else:
                what = "a test"
                fix = "name it test (or test_name, term, component, analyte; code for LOINC codes)"
            records.problem(
                origin,
                cell,
                f"is {what} in column '{printable(name)}' (column {i + 1}), a column albutrend "
                f"does not know: {fix}, or remove the column. albutrend never ignores "
                f"{what} (--skip-invalid cannot skip this)",
                fatal=True,
            )
            return True
        return False

    def _test(
        self, cells: list[str], row: list[str], origin: Origin, value: str, event: str
    ) -> bool | None:
        """Whether the row's test is urine albumin (True), is another test (False:
        counted and left out), or is wrong (None: a problem)."""
        records, source = self.parser.records, self.source
        name = cells[self.i_test].strip() if self.i_test is not None else ""
        code = cells[self.i_code].strip() if self.i_code is not None else ""
        if not name and not code:
            if event and not value:
                return True  # an intervention row of a lab export
            i = self.i_test if self.i_test is not None else self.i_code
            assert i is not None  # a table with tests has one of them
            column = self.header[i]
            records.problem(
                origin,
                self.delimiter.join(row),
                f"has no test (column '{printable(column.strip())}' is empty): a result needs "
                "its test, so that it is read only if it is urine albumin",
            )
            return None
        if is_albumin_test(name, code):
            return True
        # A treatment in the test column (`Ramipril 5mg capsules`, value 1, unit capsule
        # in an EMIS export): an intervention, never left out as "another test". With a
        # value, only a word of treatment says so (a dose alone may name a test: 75 g OGTT).
        found = [m[0] for m in _TREATMENT().finditer(name)] if not event else []
        if found and (not value or any(not m[0].isdigit() for m in found)):
            records.problem(
                origin,
                name,
                "is a treatment in the test column, not a test: put it in an event column "
                "(event, intervention), or pass it with --events",
            )
            return None
        # Another analyte of a lab export (creatinine, total protein, cholesterol):
        # left out, counted and named, never read as albumin.
        self.other_rows += 1
        shown = name or code
        if shown in self.other_tests or len(self.other_tests) < SEEN_CELLS:
            self.other_tests[shown] = self.other_tests.get(shown, 0) + 1
        key = (source, shown)
        if key in records.other_tests or len(records.other_tests) < SEEN_CELLS:
            records.other_tests[key] = records.other_tests.get(key, 0) + 1
        return False

    def finish(self, header_line: int) -> bool:
        """Checks of the whole table, once its rows are read: True if one refused it."""
        if self.other_rows and not self.test_rows:
            self.parser.records.problem(
                Origin(self.source, header_line),
                "",
                f"has no urine albumin results: its {self.other_rows} row(s) are other tests "
                f"({self.other_names()}). albutrend reads urine albumin only, named as such "
                "(Urine albumin, Microalbumin, Urine albumin:creatinine ratio, ACR, UACR) or by "
                "LOINC code (14957-5, 9318-7, 14959-1, 32294-1, …); 'Albumin' alone is taken as "
                "serum albumin (--skip-invalid cannot skip this)",
                fatal=True,
            )
            return True
        self.parser.refuse_mixed_units(self.source)
        return False

    def rows(self, chunks: Iterator[Chunk]) -> None:
        """Every row below the header, with its line number: the one way a table's rows
        are read. Each row is `row`'s; in a table of values alone (no test, no
        creatinine column) a row whose cells `row` has read before is added from what
        it read, without reading them again."""
        rows = chain.from_iterable(map(_numbered, chunks))
        if self.i_value is None or self.i_creat is not None or self.tests:
            for number, row in rows:
                self.row(row, number)
        else:
            _rows_read_before(rows, self)

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
        if [c.strip().lower() for c in cells] == self.header_again:
            records.problem(
                Origin(source, number),
                delimiter.join(row),
                "repeats the header (two exports pasted into one file?): remove this line",
            )
            return
        i_value, i_event, i_patient = self.i_value, self.i_event, self.i_patient
        value_text = cells[i_value].strip() if i_value is not None else ""
        event_text = cells[i_event].strip() if i_event is not None else ""
        origin = Origin(source, number)
        if self.others and self._odd_column(cells, origin, bool(value_text)):
            return
        ratio = False
        if self.tests:
            is_albumin = self._test(cells, row, origin, value_text, event_text)
            if is_albumin is None:
                return
            if not is_albumin:
                if not event_text:
                    return
                value_text = ""  # the row's event is read; its other test is not
            else:
                self.test_rows += 1
                name = cells[self.i_test] if self.i_test is not None else ""
                code = cells[self.i_code] if self.i_code is not None else ""
                ratio = bool(value_text) and is_ratio_test(name, code)
        date_text = cells[self.i_date].strip()
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
            if _TEXT_RESULT().search(value_text) and not any(ch.isdigit() for ch in value_text):
                records.problem(
                    origin,
                    value_text,
                    # The summary after the problems offers --skip-invalid (and a
                    # skipped row's notice must not offer it again).
                    "is a text result, not a value (the lab gave no number): remove the row",
                )
                return
            unit_text = cells[self.i_unit] if self.i_unit is not None else self.columns.unit_in_name
            unit_given = bool(unit_text and unit_text.strip())
            if not unit_given and self.i_unit is not None and not has_unit(value_text):
                unit_column = self.header[self.i_unit].strip()
                test = cells[self.i_test].strip() if ratio and self.i_test is not None else ""
                records.problem(
                    origin,
                    value_text,
                    f"has no unit (its cell in column '{printable(unit_column)}' is empty)"
                    + (f" and its test {quoted(test)} is an ACR" if test else "")
                    + ": write its unit; a value never gets the default unit while the file "
                    "gives units",
                )
                return
            albumin = parser.measurement(value_text, origin, unit_text)
            if albumin is None:
                return
            if self.columns.value_is_acr and albumin.unit.family != ACR:
                # A value without a unit got the default unit: say so, not "its unit".
                unit = (
                    f"its unit is {albumin.unit}"
                    if unit_given or has_unit(value_text)
                    else f"it has no unit, and the default unit {albumin.unit} is not an ACR's"
                )
                records.problem(
                    origin,
                    value_text,
                    f"is in an ACR column but {unit}: give the unit "
                    "(a unit column, or --unit mg/g or mg/mmol)",
                )
                return
            if ratio and albumin.unit.family != ACR:
                test = cells[self.i_test].strip() if self.i_test is not None else ""
                test = test or cells[self.i_code].strip() if self.i_code is not None else test
                unit = (
                    f"its unit is {albumin.unit}"
                    if unit_given or has_unit(value_text)
                    else "it has no unit"
                )
                records.problem(
                    origin,
                    value_text,
                    f"is a result of {quoted(test)}, an albumin/creatinine ratio, but {unit}: "
                    "write its unit (mg/mmol or mg/g) in the unit column; albutrend never "
                    "guesses it",
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


# Cells of unknown columns, and test names, remembered: bounded like dates.
SEEN_CELLS = 10_000
# A lab's text in place of a number: `Sample not received`, `Insufficient sample`,
# `See comment`, `Haemolysed` (a word alone such as `abc` is just not a value).
_TEXT_RESULT = lazy(
    rf"[^\W\d_]{{2,}}\s+[^\W\d_]{{2,}}|comment|invalid|{NO_RESULT_WORDS}", re.IGNORECASE
)
# A treatment written where a test goes: a verb of starting or stopping, a dose, a form.
_TREATMENT = lazy(
    r"\b(?:start(?:ed)?|stop(?:ped)?|commenc\w*|began|begun|increas\w*|reduc\w*|switch\w*|"
    r"receiv\w*|infusion|tablets?|capsules?|injection)\b"
    r"|\d\s*(?:mg|mcg|µg|g|units?|iu|ml)\b",
    re.IGNORECASE,
)
