"""Interventions from elsewhere than the readings: `--events FILE` (notes or a table
of interventions) and `--event "DATE: TEXT"`.

- A file with a patient column: its interventions join the readings by patient (an
  intervention of a patient with no reading is a warning, `event_unmatched`).
- A file without one, and `--event`: the interventions are the single patient's of
  the readings; with readings of several patients they are refused (exit 2).
- A reading in an events file, or an `--event` that is not one dated intervention,
  is a problem of its line (exit 1, as any bad line); `--skip-invalid` skips such a
  line of a file, never an `--event`.
"""

from __future__ import annotations

from collections.abc import Sequence

from albutrend.model import Intervention, Origin
from albutrend.notices import Notice
from albutrend.problems import UsageError, printable
from albutrend.reading.notes import parse_notes
from albutrend.reading.records import PROBLEMS_KEPT, LineParser, ReadOptions, Records
from albutrend.reading.sources import display_name, read_path

EVENT_OPTION = "--event"
EXAMPLE = "--event '2024-02-03: Started losartan'"
NAMES_SHOWN = 10  # patient IDs named in a message


def add_events(
    records: Records,
    paths: Sequence[str],
    texts: Sequence[str],
    options: ReadOptions,
    patient: str | None = None,
) -> None:
    """Add the interventions of `--events` files (`paths`) and `--event` texts to
    `records`, whose readings are already read. `patient` (--patient) is the one
    those without a patient column are of, when the readings are of several."""
    if not paths and not texts:
        return
    patients = set(records.readings.patients)
    matched = patients
    if patient is not None and patient in patients:
        patients = {patient}
    joined: list[Intervention] = []  # by a patient column
    for path in paths:
        part = Records()
        read_path(path, LineParser(options, part))
        name = display_name(path)
        _refuse_readings(part, IN_A_FILE)
        if name in part.sources_with_patients:
            joined += part.interventions
        else:
            part.interventions = _of_the_patient(part.interventions, patients, name)
        _merge(part, records, name)
    for number, text in enumerate(texts, start=1):
        part = Records()
        parse_notes([(number, text)], EVENT_OPTION, LineParser(options, part))
        _refuse_readings(part, ON_THE_LINE)
        if part.skipped_prose or not (part.interventions or part.problem_count):
            part.problem(
                Origin(EVENT_OPTION, number),
                text,
                f"is not a dated intervention: write it as DATE: TEXT, e.g. {EXAMPLE}",
            )
            part.skipped_prose.clear()
        # Typed on the command line, not a line of a file: a usage error (exit 2), which
        # --skip-invalid does not skip (the run would report the readings as if no
        # intervention were given).
        if part.problems:
            raise UsageError(str(part.problems[0]))
        part.interventions = _of_the_patient(part.interventions, patients, EVENT_OPTION)
        _merge(part, records, None)
    _warn_unmatched(joined, matched, records)


def _of_the_patient(
    interventions: list[Intervention], patients: set[str | None], name: str
) -> list[Intervention]:
    """Interventions with no patient column: the readings' single patient's."""
    if not interventions:
        return interventions
    if len(patients) > 1:
        named = sorted(str(p) for p in patients if p is not None)
        listed = ", ".join(named[:NAMES_SHOWN]) + (", …" if len(named) > NAMES_SHOWN else "")
        where = "--event" if name == EVENT_OPTION else f"{printable(name)} has no patient column"
        raise UsageError(
            f"{where}: whose interventions are they? The readings are of {len(patients)} "
            f"patients ({listed}): name one with --patient, or give the interventions in a "
            "file with a patient column (--events)"
        )
    (patient,) = patients or {None}
    return [i.replace(patient=patient) for i in interventions]


IN_A_FILE = (
    "is a reading in an --events file, which holds interventions only: give a file of "
    "readings as FILE"
)
ON_THE_LINE = "is a reading, not an intervention: give readings in a FILE"


def _refuse_readings(part: Records, message: str) -> None:
    """Readings where only interventions belong: each a problem of its line."""
    store = part.readings
    for i in range(len(store)):
        part.problem(Origin(store.sources[i], store.lines[i]), str(store.measurements[i]), message)


def _merge(part: Records, records: Records, name: str | None) -> None:
    if name is not None:
        records.sources.append(name)
    records.interventions += part.interventions
    fatal = part.problems[: part.fatal]
    records.problems[:0] = fatal
    records.problems += part.problems[part.fatal :]
    del records.problems[PROBLEMS_KEPT:]
    records.problem_count += part.problem_count
    records.fatal += part.fatal
    for source, lines in part.skipped_prose.items():
        records.skip_prose(source, lines, part.prose_count(source))
    for key, count in part.other_tests.items():
        records.other_tests[key] = records.other_tests.get(key, 0) + count
    records.sources_with_patients |= part.sources_with_patients
    records.reader_notices += part.reader_notices


def _warn_unmatched(
    interventions: list[Intervention], patients: set[str | None], records: Records
) -> None:
    """Interventions (from a patient column) of patients with no reading: an ID
    spelled differently in the two files, most often."""
    by_source: dict[str, list[Intervention]] = {}
    for i in interventions:
        if i.patient not in patients:
            by_source.setdefault(i.origin.source, []).append(i)
    for source, unmatched in by_source.items():
        first = unmatched[0]
        names = sorted({str(i.patient) for i in unmatched})
        listed = ", ".join(names[:NAMES_SHOWN]) + (", …" if len(names) > NAMES_SHOWN else "")
        message = (
            f"{len(unmatched)} intervention(s) of a patient with no reading ({listed}): "
            "is a patient ID spelled differently in the files?"
        )
        records.reader_notices.append(Notice("event_unmatched", message, source, first.origin.line))
