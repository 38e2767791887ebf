"""What reading a source yields: records, problems and counts, and the options that
govern how text becomes values."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import pairwise
from typing import Final, overload

from albutrend.clinical.units import (
    ACR,
    CONCENTRATION,
    CREAT_MG_DL,
    MG_G,
    MG_L,
    MG_MMOL,
    Unit,
    acr_from,
    albumin_unit,
)
from albutrend.model import Creatinine, Intervention, Measurement, Origin, Reading
from albutrend.notices import Notice
from albutrend.patterns import lazy
from albutrend.plain import Plain
from albutrend.problems import LIST_LIMIT, Problem, UsageError, listed, printable
from albutrend.reading.analytes import result_in
from albutrend.reading.dates import MONTH_FIRST, SEEN_LIMIT, DateError, DateReader
from albutrend.reading.quantities import (
    AUTO,
    QuantityError,
    has_unit,
    parse_creatinine,
    parse_measurement,
)

# Problems kept in full; the rest are only counted (a file of 100k bad lines must
# not fill the memory or the screen).
PROBLEMS_KEPT = 1000
PROSE_KEPT = 20  # line numbers of prose kept per source; the rest are counted


class ReadOptions(Plain):
    """How to read text into values. Every default is written in the README.

    `date_order`: the order of numeric dates, dates.DAY_FIRST, dates.MONTH_FIRST, or
    None (not given: a table whose dates all read two ways is refused; notes are day
    first). `procedures`: FHIR Procedures are interventions too (`--intervention` asks
    for them: a Synthea record holds dozens of unrelated ones). `sheet`: the sheet of
    a workbook to read (`--sheet`; None: the first with a header). `acr_unit`: the
    unit of an ACR computed from albumin and creatinine (None: mg/mmol when the
    creatinine is molar, mmol/L or µmol/L, mg/g when it is mg/dL)."""

    __slots__ = (
        "acr_unit",
        "date_order",
        "decimal",
        "default_unit",
        "encoding",
        "procedures",
        "sheet",
        "today",
    )

    def __init__(
        self,
        default_unit: Unit = MG_L,
        decimal: str = AUTO,
        date_order: str | None = None,
        encoding: str = "utf-8-sig",
        procedures: bool = False,
        sheet: str | None = None,
        acr_unit: Unit | None = None,
        today: date | None = None,
    ) -> None:
        self.default_unit: Final = default_unit
        self.decimal: Final = decimal
        self.date_order: Final = date_order
        self.encoding: Final = encoding
        self.procedures: Final = procedures
        self.sheet: Final = sheet
        self.acr_unit: Final = acr_unit
        self.today: Final = today

    @property
    def month_first(self) -> bool:
        return self.date_order == MONTH_FIRST


class Readings(Sequence[Reading]):
    """Readings in file order, stored column by column.

    A registry file holds a million readings: as `Reading` objects (with their
    `Origin`) they take about 170 MB and a second to make; as columns of shared
    values (dates, measurements and patients repeat) about 40 MB, filled by the
    table reader a chunk at a time. Indexing and iterating give `Reading` objects,
    made on demand: equal, not identical, from one access to the next.
    """

    __slots__ = ("creatinines", "dates", "lines", "measurements", "patients", "sources")

    def __init__(self, readings: Iterable[Reading] = ()) -> None:
        self.dates: list[date] = []
        self.measurements: list[Measurement] = []
        self.patients: list[str | None] = []
        self.sources: list[str] = []
        # Unsigned: CPython appends to an unsigned array on a fast path (a signed one
        # parses each number with PyArg_Parse, twice), about 2x faster a reading.
        self.lines = array("Q")
        # Readings that are an ACR computed from a concentration and a creatinine:
        # index -> (albumin as reported, creatinine). Rare, so kept apart.
        self.creatinines: dict[int, tuple[Measurement, Creatinine]] = {}
        for r in readings:
            self.append(r)

    def append(self, r: Reading) -> None:
        self.add(r.date, r.measurement, r.origin, r.patient, r.albumin, r.creatinine)

    def add(
        self,
        when: date,
        measurement: Measurement,
        origin: Origin,
        patient: str | None,
        albumin: Measurement | None = None,
        creatinine: Creatinine | None = None,
    ) -> None:
        if albumin is not None and creatinine is not None:
            self.creatinines[len(self.dates)] = (albumin, creatinine)
        elif albumin is not None or creatinine is not None:
            raise ValueError("an ACR reading needs both its albumin and its creatinine")
        self.dates.append(when)
        self.measurements.append(measurement)
        self.patients.append(patient)
        self.sources.append(origin.source)
        self.lines.append(origin.line)

    def __len__(self) -> int:
        return len(self.dates)

    def _make(self, i: int) -> Reading:
        albumin, creatinine = self.creatinines.get(i, (None, None))
        return Reading(
            self.dates[i],
            self.measurements[i],
            Origin(self.sources[i], self.lines[i]),
            self.patients[i],
            albumin,
            creatinine,
        )

    @overload
    def __getitem__(self, i: int) -> Reading: ...
    @overload
    def __getitem__(self, i: slice) -> list[Reading]: ...
    def __getitem__(self, i: int | slice) -> Reading | list[Reading]:
        if isinstance(i, slice):
            return [self._make(k) for k in range(len(self))[i]]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("reading index out of range")
        return self._make(i)

    def __iter__(self) -> Iterator[Reading]:
        return map(self._make, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Readings | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"Readings({list(self)!r})"


class Records:
    """Everything read from one or more sources, in file order (filled as they are
    read: the one record here that changes).

    `skipped_prose` and `prose_total`: notes lines with no date (prose around the
    entries), per source: the first PROSE_KEPT line numbers (a registry of prose is
    never kept line by line), and how many in all. `other_tests`: rows of other tests
    in a lab export, (source, test name) -> count. `fatal`: problems that put a whole
    source in doubt (--skip-invalid cannot skip them). `sources_with_patients`:
    sources whose rows name their patient. `reader_notices`: what a reader (FHIR)
    left out or read with a doubt, said as it found it. `unitless`, `unitless_at`,
    `default_unit`: values written with no unit, read in the default unit: how many,
    where the first are, and that unit (every output says so: the default changed
    their meaning)."""

    __slots__ = (
        "default_unit",
        "fatal",
        "interventions",
        "other_tests",
        "problem_count",
        "problems",
        "prose_total",
        "reader_notices",
        "readings",
        "skipped_prose",
        "sources",
        "sources_with_patients",
        "unitless",
        "unitless_at",
    )

    def __init__(
        self,
        readings: Iterable[Reading] = (),
        interventions: list[Intervention] | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.readings = readings if isinstance(readings, Readings) else Readings(readings)
        self.interventions: list[Intervention] = [] if interventions is None else interventions
        self.problems: list[Problem] = [] if problems is None else problems
        self.problem_count = 0
        self.skipped_prose: dict[str, list[int]] = {}
        self.prose_total: dict[str, int] = {}
        self.other_tests: dict[tuple[str, str], int] = {}
        self.fatal = 0
        self.sources_with_patients: set[str] = set()
        self.sources: list[str] = []
        self.reader_notices: list[Notice] = []
        self.unitless = 0
        self.unitless_at: list[str] = []
        self.default_unit = MG_L.symbol

    def notices(self, shown: int = 20) -> list[Notice]:
        """What was left out while reading: the lines with problems when the caller
        goes on despite them (--skip-invalid; the first `shown`, then a count), rows
        of other tests, and prose lines."""
        out = [Notice.skipped(problem) for problem in self.problems[:shown]]
        if self.problem_count > shown:
            more = f"{self.problem_count - shown} more line(s) with problems"
            out.append(Notice("line_skipped", more))
        by_source: dict[str, list[str]] = {}  # the first 20 tests, then how many more
        tests_in: dict[str, int] = {}
        for (source, test), count in self.other_tests.items():
            n = tests_in[source] = tests_in.get(source, 0) + 1
            if n <= LIST_LIMIT:
                by_source.setdefault(source, []).append(f"{printable(test)}: {count}")
        for source, tests in by_source.items():
            named = listed(tests, tests_in[source])
            message = f"rows of other tests than urine albumin left out ({named})"
            out.append(Notice("other_test", message, source))
        if self.unitless:
            out.append(Notice("default_unit", self.unitless_warning()))
        for source, lines in self.skipped_prose.items():
            total = self.prose_count(source)
            numbers = ", ".join(map(str, lines[:10])) + (", …" if total > 10 else "")
            message = (
                f"{total} line(s) that are not 'DATE: TEXT' entries skipped as prose "
                f"(line {numbers})"
            )
            out.append(Notice("prose_skipped", message, source))
        return out + self.reader_notices

    def skip_prose(self, source: str, lines: list[int], count: int | None = None) -> None:
        """Lines of `source` skipped as prose: `lines` (the first of them, at least)
        and `count`, how many in all (default: len(lines))."""
        before = self.prose_count(source)
        kept = self.skipped_prose.setdefault(source, [])
        kept += lines[: max(0, PROSE_KEPT - len(kept))]
        self.prose_total[source] = before + max(count or 0, len(lines))

    def prose_count(self, source: str) -> int:
        return self.prose_total.get(source, len(self.skipped_prose.get(source, ())))

    def unitless_warning(self) -> str:
        more = ", …" if self.unitless > len(self.unitless_at) else ""
        where = ", ".join(self.unitless_at) + more
        return unitless_sentence(self.unitless, self.default_unit, where)

    def count_unitless(self, origin: Origin, unit: Unit) -> None:
        """A value with no unit was read in the default unit (`--unit`, else mg/L)."""
        self.unitless += 1
        self.default_unit = unit.symbol
        if len(self.unitless_at) < UNITLESS_NAMED:
            self.unitless_at.append(str(origin))

    def problem(self, origin: Origin, text: str, message: str, *, fatal: bool = False) -> None:
        """Record a problem. A `fatal` one puts its whole source in doubt: it is kept
        first, so that it is shown however many lines follow it, and --skip-invalid
        cannot skip it."""
        self.problem_count += 1
        if fatal:
            self.fatal += 1
            self.problems.insert(0, Problem(origin, text, message))
            del self.problems[PROBLEMS_KEPT:]
        elif len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(Problem(origin, text, message))


UNITLESS_NAMED = 10  # values without a unit named in the warning; the rest are counted


def unitless_sentence(count: int, unit: str, where: str = "") -> str:
    """`3 values had no unit and were read as mg/L; --unit sets another.`"""
    values = "1 value had no unit and was" if count == 1 else f"{count} values had no unit and were"
    where = f" ({where})" if where else ""
    return f"{values} read as {unit}{where}; --unit sets another."


class LineParser:
    """Turns the fields of one line into records, reporting problems to `records`.

    Shared by the notes and the table formats so both read values, units, dates and
    creatinine by the same rules.
    """

    def __init__(
        self, options: ReadOptions, records: Records, default_patient: str | None = None
    ) -> None:
        self.options = options
        self.records = records
        self.default_patient = default_patient
        # Where `read_date.wrong_order` and `read_date.ambiguous` were read (a sheet of a
        # workbook is named in its origin, not only its file).
        self.wrong_order_at: Origin | None = None
        self.ambiguous_at: Origin | None = None
        # The dates read are a table's (or a workbook's): with no order given, they
        # must settle it (notes are day first by definition).
        self.dates_need_order = False
        self.read_date = DateReader(order=options.date_order, today=options.today)
        # Values already read, by unit text and value text: a registry file repeats
        # the same few thousand values, so each is parsed once. Bounded like dates.
        self.known_values: dict[str | None, dict[str, Measurement]] = {}
        self.known_events: set[str] = set()  # intervention texts already checked
        # The line whose value `measurement` last read with no unit: `add_reading`
        # counts it when it adds that line's reading.
        self._unitless_at: Origin | None = None
        self._text = ""  # the value `measurement` last read, as written
        # The first reading added with no unit (the default one) and the first with its
        # own: a file that gives units never gets the default for some of its values.
        self.first_unitless: tuple[int, str] | None = None
        self.first_with_unit: tuple[int, str] | None = None

    def parse_date(self, text: str, origin: Origin) -> date | None:
        try:
            when = self.read_date(text)
            if self.ambiguous_at is None and self.read_date.ambiguous is not None:
                self.ambiguous_at = origin
            return when
        except DateError as e:
            if self.read_date.wrong_order == text.strip() and self.wrong_order_at is None:
                self.wrong_order_at = origin
            self.records.problem(origin, text, f"is not a date: {e}")
            return None

    def value(self, text: str, unit_text: str | None = None) -> Measurement:
        """`parse_measurement` with this run's options, remembered; QuantityError if bad."""
        known = self.known_values.setdefault(unit_text, {})
        m = known.get(text)
        if m is None:
            m = parse_measurement(
                text.strip(),
                self.options.default_unit,
                decimal=self.options.decimal,
                unit_text=unit_text,
            )
            if len(known) < SEEN_LIMIT:
                known[text] = m
        return m

    def measurement(
        self, text: str, origin: Origin, unit_text: str | None = None
    ) -> Measurement | None:
        try:
            m = self.value(text, unit_text)
        except QuantityError as e:
            self.records.problem(origin, text, str(e))
            return None
        no_unit = not (unit_text and unit_text.strip()) and not has_unit(text)
        self._unitless_at = origin if no_unit else None
        self._text = text
        return m

    def refuse_mixed_units(self, source: str) -> None:
        """Once a file is read: a value read with the default unit in a file whose other
        values give their unit is refused, in notes as in tables (a bare `3.9` among
        mg/mmol values is not mg/L)."""
        if self.first_unitless is None or self.first_with_unit is None:
            return
        line, text = self.first_unitless
        with_line, with_text = self.first_with_unit
        self.records.problem(
            Origin(source, line),
            text,
            f"has no unit, but line {with_line} gives one ({printable(with_text)}): write "
            "the unit of every value; a value never gets the default unit while the file "
            "gives units (--skip-invalid cannot skip this)",
            fatal=True,
        )

    def creatinine(self, text: str, origin: Origin, unit_text: str | None) -> Creatinine | None:
        try:
            return parse_creatinine(text, unit_text, decimal=self.options.decimal)
        except QuantityError as e:
            self.records.problem(origin, text, str(e))
            return None

    def add_reading(
        self,
        when: date,
        albumin: Measurement,
        origin: Origin,
        patient: str | None,
        creatinine: Creatinine | None = None,
        creatinine_text: str = "",
    ) -> None:
        patient = patient or self.default_patient
        unitless = origin is self._unitless_at
        if unitless:
            self.first_unitless = self.first_unitless or (origin.line, self._text)
        else:
            self.first_with_unit = self.first_with_unit or (origin.line, str(albumin))
        if creatinine is None:
            self.records.readings.add(when, albumin, origin, patient)
            if unitless:
                self.records.count_unitless(origin, self.options.default_unit)
            return
        if albumin.unit.family != CONCENTRATION:
            self.records.problem(
                origin,
                creatinine_text,
                f"is a creatinine next to a {albumin.unit.family} ({albumin.unit}): a creatinine "
                "goes with an albumin concentration (mg/L) to make an ACR",
            )
            return
        acr_unit = self.options.acr_unit or (MG_G if creatinine.unit is CREAT_MG_DL else MG_MMOL)
        assert acr_unit.family == ACR
        value = acr_from(albumin.value, creatinine.value, acr_unit, albumin.unit, creatinine.unit)
        acr = Measurement(value, acr_unit, albumin.censor)
        self.records.readings.add(when, acr, origin, patient, albumin, creatinine)
        if unitless:
            self.records.count_unitless(origin, self.options.default_unit)

    def event_problem(self, text: str) -> str | None:
        """`not_an_event(text)`, remembered for texts that are events: a registry
        repeats a few intervention texts thousands of times."""
        if text in self.known_events:
            return None
        wrong = not_an_event(text)
        if wrong is None and len(self.known_events) < SEEN_LIMIT:
            self.known_events.add(text)
        return wrong

    def add_intervention(self, when: date, text: str, origin: Origin, patient: str | None) -> None:
        wrong = self.event_problem(text)
        if wrong is not None:
            self.records.problem(origin, text, wrong)
            return
        patient = patient or self.default_patient
        self.records.interventions.append(Intervention(when, text, origin, patient))


# What spreadsheets and exports write for a missing value: `nan`, `n/a`, `-`, Excel's
# `#N/A`; as an event it would add an intervention that never happened.
_PLACEHOLDER = re.compile(
    r"[-+]?nan|[-+]?inf(?:inity)?|n/?a|n\.a\.?|none|null|nil|#[a-z0-9/_]+[!?]?|[-–—?.*/]+",
    re.IGNORECASE,
)


# A lab's words for a result it could not give, in a table's value cell (`tables`) as
# in a diary's line: one list.
NO_RESULT_WORDS = (
    r"pending|awaited|awaiting|cancel+ed|ha?emoly[sz]ed|insufficient|unsuitable|leaked"
    r"|not\s+(?:done|received|tested)"
)
# A lab's word where a value goes (`negative`, `Dipstick trace`, `NAD`, `pending`,
# `Haemolysed`, `Sample not received`, `see above`): a result without a number, which
# a diary would otherwise turn into an intervention with its own "change since".
_RESULT_WORD = lazy(
    r"(?:(?:rpt|repeat|urine|sample|specimen)\s+)*"
    # A word that is a result on its own (`NAD`, `sample haemolysed`, `urine dip NAD`,
    # `dipstick ++ protein`, `below detection`)…
    r"(?:(?:(?:dip\s*stick|dip|albumin|acr|uacr|protein)\s*[:=\-–]?\s*)?"
    r"(?:(?:negative|neg|positive|pos|trace|nad|nil(?:\s+detected)?|not\s+detected"
    r"|undetect(?:able|ed)|(?:below|under)\s+(?:detection|(?:the\s+)?limit)"
    r"|no\s+(?:micro)?(?:albumin|protein)uria|(?:micro|macro)?(?:albumin|protein)uria"
    r"|sent\s+for\s+(?:u?acr|albumin|testing)"
    r"|(?:sample|specimen)\s+(?:not\s+received|leaked|unsuitable|rejected|lost)"
    rf"|see\s+(?:above|below|comments?|report)|{NO_RESULT_WORDS})\b|\+{{1,4}}(?!\S))"
    # …or only after the test's name (`ACR normal`, `Rpt ACR requested`, `ACR - lab
    # error`): `Raised ramipril to 10 mg` is an intervention.
    r"|(?:dip\s*stick|dip|albumin|acr|uacr|protein)\s*[:=\-–]?\s*"
    r"(?:normal|abnormal|raised|elevated|high|low|borderline|(?:lab\s+)?error"
    r"|requested|sent|ordered|booked|due|repeated|improved|improving|stable|better|worse"
    r"|worsening|unchanged|in\s+a[123]|within\s+(?:normal\s+)?(?:limits|range)"
    r"|results?\s+(?:awaited|pending))\b)",
    re.IGNORECASE,
)


# A treatment's verb after a lab's word: `Negative pressure wound therapy started`,
# `Insufficient response, ramipril increased` are interventions.
_TREATED = lazy(
    r"\b(?:started|commenced|initiated|restarted|stopped|discontinued|switched|received"
    r"|given|increased|reduced|decreased|titrated|added|infused|began|begun|continued)\b",
    re.IGNORECASE,
)
# A result written into its test's name (`ACR4.1mg/mmol`, `eGFR52`, `ACR approx 4`):
# never an intervention.
_GLUED_RESULT = lazy(
    r"\b(?:u?acr|alb|albumin|e?gfr|u?pcr)(?:\d|\s+(?:approx\.?|about|circa|c\.|~)\s*\d)",
    re.IGNORECASE,
)


# A number typed with a letter O for a zero or an l/I for a one: `O.5`, `1O5`, `l.2`.
_LETTER_IN_NUMBER = lazy(r"(?=\S*[OoIl])(?=\S*[\d.,])[\dOoIl]*[.,]?[\dOoIl]+")


def not_an_event(text: str) -> str | None:
    """Why `text` cannot be an intervention, or None if it can.

    A placeholder for a missing value, a text with no letters (`①`, `½` are not
    letters), or a text that holds a result by the rule of `analytes` (`eGFR 45`,
    `Started ramipril, K 5.1 mmol/L`) is not an event; a dose is (`Started ramipril
    2.5 mg`)."""
    first, _, rest = text.strip().partition(" ")
    if _PLACEHOLDER.fullmatch(first) and (not rest or albumin_unit(rest) is not None):
        return "stands for a missing value, not an event (leave the cell empty, or remove the line)"
    if not any(map(str.isalpha, text)):
        return (
            "is not an event: it has no words (write what was done, e.g. 'Started losartan', "
            "or leave the cell empty)"
        )
    word = _RESULT_WORD().match(text.strip())
    if word is not None and not _TREATED().search(text.strip(), word.end()):
        return (
            "is a lab's word for a result or its status (negative, trace, NAD, normal, "
            "haemolysed, requested…), not an intervention: albutrend reads urine albumin "
            "values only; remove the line or make it a '#' comment, or write the value with "
            "its unit"
        )
    glued = _GLUED_RESULT().search(text)
    if glued is not None:
        written = glued.group() + text[glued.end() :].split(" ", 1)[0]
        return (
            f"holds a result written into its test's name ('{written}'), so it is "
            "not an intervention: write it as a reading, the test, the value and the unit "
            "apart (e.g. ACR 4.1 mg/mmol)"
        )
    words = text.split()
    for number, unit in pairwise(words):
        if _LETTER_IN_NUMBER().fullmatch(number) and albumin_unit(unit) is not None:
            return (
                f"holds '{number} {unit}', a value typed with a letter, so it is not an "
                "intervention: write the value in digits (0.5 g/L: the letter O is not a zero)"
            )
    found = result_in(text.strip())
    if found is None:
        return None
    if found.start == 0 and found.test and not found.albumin:
        return (
            f"is another test ({found.test}), not a urine albumin: albutrend reads urine "
            "albumin only; remove it, or make the line a '#' comment (a urine creatinine "
            "goes on its albumin's line: 'albumin 45 mg/L, creatinine 8.2 mmol/L')"
        )
    return (
        f"holds a result ({found.text}), so it is not an intervention: write the "
        "intervention without results (a dose is fine: 'Started ramipril 2.5 mg'), and "
        "each urine albumin as its own reading"
    )


def intervention_pattern(text: str) -> re.Pattern[str]:
    """`--intervention PATTERN`: a case-insensitive regular expression, searched
    anywhere in an intervention's text (`msc` finds "Received 100 million MSCs")."""
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as e:
        raise UsageError(
            f"--intervention: '{printable(text)}' is not a regular expression ({e.msg}); "
            "put a backslash before a special character, e.g. 'MSC\\(s\\)' or "
            "'losartan|ramipril'"
        ) from None


def keep_interventions(records: Records, pattern: re.Pattern[str]) -> Records:
    """`records` with only the interventions whose text `pattern` finds (readings
    are all kept: they are the baselines and follow-ups of the ones left)."""
    kept = [iv for iv in records.interventions if pattern.search(iv.text)]
    left = len(records.interventions) - len(kept)
    records.interventions = kept
    shown = printable(pattern.pattern)
    if not kept:
        message = (
            f"no intervention matches --intervention '{shown}' ({left} read): the changes "
            "since an intervention are not shown"
        )
        records.reader_notices.append(Notice("no_intervention", message))
    elif left:
        message = f"--intervention '{shown}': {len(kept)} intervention(s) kept, {left} left out"
        records.reader_notices.append(Notice("not_read", message))
    return records
