"""FHIR (R4 and STU3) as EHRs export it: a Bundle of any type, a single resource, a
JSON array of resources, or NDJSON (one resource a line, FHIR Bulk Data).

Readings are Observations with a urine albumin LOINC code (`loinc.ALBUMIN_CODES`);
interventions are MedicationRequest, MedicationStatement and MedicationAdministration
(and Procedure when `ReadOptions.procedures` asks for them: `--intervention`). Values,
units, bounds and dates go through the same `LineParser` as CSV and notes, so every
rule is the same. README "Input formats" describes what is read and what is left out.

Where a record came from: a Bundle's (or array's) entry position counting from 1,
an NDJSON line number, or a single resource's first line. NDJSON is read line by
line; a Bundle is one JSON document and is read whole (`json.loads`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from albutrend.clinical.loinc import ALBUMIN_CODES, LOINC_SYSTEM, URINE_CREATININE_CODES
from albutrend.clinical.units import CONCENTRATION, FAMILY_DESCRIPTIONS
from albutrend.model import Measurement, Origin
from albutrend.notices import Notice
from albutrend.problems import printable
from albutrend.reading.quantities import (
    POINT,
    QuantityError,
    parse_creatinine,
    parse_measurement,
    split_quantity,
)
from albutrend.reading.records import LineParser

READ_STATUSES = frozenset({"final", "amended", "corrected"})
# Read, with a warning: a later result may differ, or the system does not say.
DOUBTFUL_STATUSES = frozenset({"preliminary", "unknown"})
# Left out and counted: the result does not exist (yet) or was withdrawn.
DROPPED_STATUSES = frozenset({"entered-in-error", "cancelled", "registered"})
# Interventions whose status says they did not happen.
NOT_DONE = frozenset({"entered-in-error", "cancelled", "not-taken", "not-done", "draft"})
MEDICATIONS = ("MedicationRequest", "MedicationStatement", "MedicationAdministration")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T.*)?")
_PARTIAL_DATE = re.compile(r"\d{4}(?:-\d{2})?")


@dataclass
class _Pending:
    """An albumin concentration that may meet a urine creatinine of its specimen."""

    when: date
    albumin: Measurement
    origin: Origin
    patient: str | None
    key: tuple[str | None, str]


@dataclass
class _Source:
    """What one FHIR source yields besides records: counts for the warnings."""

    name: str
    parser: LineParser
    pending: list[_Pending] = field(default_factory=list)
    # (patient, effective time as written) -> urine creatinine observations
    creatinines: dict[tuple[str | None, str], list[tuple[dict[str, Any], Origin]]] = field(
        default_factory=dict
    )
    other_observations: Counter[str] = field(default_factory=Counter)
    other_resources: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    doubtful: dict[str, list[int]] = field(default_factory=dict)
    by_issued: list[int] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)
    not_done: Counter[str] = field(default_factory=Counter)
    procedures_left: int = 0
    medications: dict[str, dict[str, Any]] = field(default_factory=dict)


def parse_fhir(lines: Iterator[tuple[int, str]], source: str, parser: LineParser) -> None:
    """FHIR JSON from `lines` (numbered, the first one starting with `{` or `[`)."""
    ctx = _Source(source, parser)
    try:
        _parse(lines, ctx)
    except RecursionError:
        parser.records.problem(
            Origin(source, 0),
            "",
            "is JSON nested too deeply to be a FHIR export; nothing in it was read "
            "(--skip-invalid cannot skip this)",
            fatal=True,
        )
        return
    _finish(ctx)


def _parse(lines: Iterator[tuple[int, str]], ctx: _Source) -> None:
    source, parser = ctx.name, ctx.parser
    first_number, first = next(lines)
    try:
        document = json.loads(first)
    except ValueError:
        document = None
    if isinstance(document, dict):  # one resource on the first line: NDJSON
        _resource(document, Origin(source, first_number), ctx)
        for number, line in lines:
            _ndjson_line(line, Origin(source, number), ctx)
    else:  # one JSON document over several lines (or an array on one)
        text = first + "".join(line for _, line in lines)
        try:
            document = json.loads(text)
        except ValueError as e:  # JSONDecodeError, or a number of 5000 digits
            at, what = first_number, str(e)
            if isinstance(e, json.JSONDecodeError):
                at, what = first_number + e.lineno - 1, f"{e.msg}, column {e.colno}"
            parser.records.problem(
                Origin(source, at),
                "",
                f"is not valid JSON ({what}): a FHIR file must be "
                "whole JSON (was it cut short, or edited by hand?); nothing in it was read "
                "(--skip-invalid cannot skip this)",
                fatal=True,
            )
            return
        if isinstance(document, list):
            for index, item in enumerate(document, start=1):
                _resource(item, Origin(source, index), ctx)
        else:
            _resource(document, Origin(source, first_number), ctx)


def _ndjson_line(line: str, origin: Origin, ctx: _Source) -> None:
    text = line.strip()
    if not text:
        return
    try:
        resource = json.loads(text)
    except ValueError as e:
        what = f"{e.msg}, column {e.colno}" if isinstance(e, json.JSONDecodeError) else str(e)
        ctx.parser.records.problem(
            origin, text, f"is not a JSON resource ({what}): NDJSON holds one resource a line"
        )
        return
    _resource(resource, origin, ctx)


def _resource(resource: Any, origin: Origin, ctx: _Source, nested: bool = False) -> None:
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        ctx.parser.records.problem(
            origin,
            "",
            "is not a FHIR resource (no resourceType): albutrend reads FHIR Bundles, "
            "resources and NDJSON (README 'Input formats')",
        )
        return
    kind = resource["resourceType"]
    if kind == "Bundle":
        _bundle(resource, origin, ctx, nested)
    elif kind == "Observation":
        _observation(resource, origin, ctx)
    elif kind in MEDICATIONS or kind == "Procedure":
        _intervention(resource, kind, origin, ctx)
    elif kind == "Medication":  # named by the medicationReference that points to it
        ctx.medications[f"Medication/{resource.get('id')}"] = resource
    else:
        ctx.other_resources[kind] += 1


def _bundle(bundle: dict[str, Any], origin: Origin, ctx: _Source, nested: bool) -> None:
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        ctx.parser.records.problem(origin, "", "is a Bundle whose entry is not a list")
        return
    # Medications first: a MedicationRequest may name one by reference.
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Medication":
            name = _concept_text(resource.get("code"))
            if name:
                if isinstance(entry.get("fullUrl"), str):
                    ctx.medications[entry["fullUrl"]] = resource
                ctx.medications[f"Medication/{resource.get('id')}"] = resource
    for index, entry in enumerate(entries, start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if resource is None:
            continue  # a transaction response, a deleted entry: nothing to read
        # Entries are numbered by position; those of a Bundle in an entry, by its own.
        _resource(resource, origin if nested else Origin(ctx.name, index), ctx, nested=True)


# --- Observations -------------------------------------------------------------


def _list(value: Any) -> list[Any]:
    """A JSON array, or [] for anything else (a file that breaks the FHIR shape is
    read as far as it makes sense, never a crash)."""
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else json.dumps(value)[:40]


def _codes(concept: Any) -> list[tuple[str, str]]:
    """(LOINC code, display) of a CodeableConcept: codings of LOINC or of no system."""
    if not isinstance(concept, dict):
        return []
    out = []
    for coding in _list(concept.get("coding")):
        if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
            continue
        if coding.get("system", LOINC_SYSTEM) == LOINC_SYSTEM:
            out.append((coding["code"], str(coding.get("display") or "")))
    return out


def _concept_text(concept: Any) -> str:
    """What a CodeableConcept says in words: its text, else its first coding's display."""
    if not isinstance(concept, dict):
        return ""
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return text.strip()
    for coding in _list(concept.get("coding")):
        display = coding.get("display") if isinstance(coding, dict) else None
        if isinstance(display, str) and display.strip():
            return display.strip()
    return ""


def _patient(resource: dict[str, Any], ctx: _Source) -> str | None:
    """The subject reference (`Patient/123`, `urn:uuid:…`) as a patient ID."""
    subject = resource.get("subject") or resource.get("patient")
    reference = subject.get("reference") if isinstance(subject, dict) else None
    if not isinstance(reference, str) or not reference.strip():
        return None
    ctx.parser.records.sources_with_patients.add(ctx.name)
    reference = reference.strip()
    for prefix in ("urn:uuid:", "urn:oid:"):
        if reference.startswith(prefix):
            return reference[len(prefix) :]
    return reference.rpartition("Patient/")[2] or reference


def _observation(obs: dict[str, Any], origin: Origin, ctx: _Source) -> None:
    codes = _codes(obs.get("code"))
    albumin = next((c for c, _ in codes if c in ALBUMIN_CODES), None)
    creatinine = next((c for c, _ in codes if c in URINE_CREATININE_CODES), None)
    if albumin is None and creatinine is None:
        name = _concept_text(obs.get("code")) or (codes[0][0] if codes else "no code")
        ctx.other_observations[name] += 1
        return
    records = ctx.parser.records
    status = _text(obs.get("status"))
    if status in DROPPED_STATUSES:
        ctx.dropped[f"Observation {status}"] += 1
        return
    if status is None or status in DOUBTFUL_STATUSES:
        ctx.doubtful.setdefault(status or "unknown", []).append(origin.line)
    elif status not in READ_STATUSES:
        records.problem(
            origin,
            str(status),
            "is not an Observation status albutrend knows (final, amended, corrected, "
            "preliminary, unknown, registered, cancelled, entered-in-error)",
        )
        return
    if "dataAbsentReason" in obs and "valueQuantity" not in obs and "valueString" not in obs:
        ctx.dropped["Observation without a result (dataAbsentReason)"] += 1
        return
    written, by_issued = _effective(obs, ("effectiveDateTime", "effectivePeriod"), True)
    when = _date(written, origin, ctx, "Observation")
    if when is None:
        return
    patient = _patient(obs, ctx)
    key = (patient, written or "")
    if creatinine is not None:
        ctx.creatinines.setdefault(key, []).append((obs, origin))
        return
    if by_issued:
        ctx.by_issued.append(origin.line)
    assert albumin is not None
    measurement = _value(obs, origin, ctx)
    if measurement is None:
        return
    family = ALBUMIN_CODES[albumin][0]
    if measurement.unit.family != family:
        records.problem(
            origin,
            str(measurement),
            f"is an {FAMILY_DESCRIPTIONS[measurement.unit.family]} ({measurement.unit}), but "
            f"its LOINC code {albumin} is an {FAMILY_DESCRIPTIONS[family]}: check the unit",
        )
        return
    if family == CONCENTRATION:
        ctx.pending.append(_Pending(when, measurement, origin, patient, key))
    else:
        ctx.parser.add_reading(when, measurement, origin, patient)


def _effective(
    resource: dict[str, Any], names: tuple[str, str], issued: bool = False
) -> tuple[str | None, bool]:
    """The date-time as written: `…DateTime`, else `…Period.start`, else `issued`
    (then True)."""
    instant, period = names
    if isinstance(resource.get(instant), str):
        return resource[instant], False
    start = resource.get(period)
    if isinstance(start, dict) and isinstance(start.get("start"), str):
        return start["start"], False
    if issued and isinstance(resource.get("issued"), str):
        return resource["issued"], True
    return None, False


def _date(written: str | None, origin: Origin, ctx: _Source, kind: str) -> date | None:
    """The date part of a FHIR dateTime, as written: no time-zone shift (a specimen
    taken at 23:30 on the 9th in New York is the 9th, not the 10th in UTC)."""
    records = ctx.parser.records
    if written is None:
        records.problem(
            origin,
            "",
            f"is an {kind} with no date (no effectiveDateTime, effectivePeriod.start or "
            "issued): it cannot be placed in time",
        )
        return None
    m = _DATE.fullmatch(written.strip())
    if m is None:
        if _PARTIAL_DATE.fullmatch(written.strip()):
            records.problem(
                origin, written, "is a date without a day: albutrend never guesses the day"
            )
        else:
            records.problem(origin, written, "is not a FHIR date (expected YYYY-MM-DD…)")
        return None
    return ctx.parser.parse_date(m[1], origin)


def _number_text(value: Any) -> str | None:
    """A JSON number as text the value rules read (`2.7509961055203407`, never `1e-05`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def _value(obs: dict[str, Any], origin: Origin, ctx: _Source) -> Measurement | None:
    """valueQuantity (value, comparator, the UCUM code before the display unit) or
    valueString (`<3`, `45 mg/L`), by the value rules of every format."""
    records = ctx.parser.records
    quantity = obs.get("valueQuantity")
    if isinstance(quantity, dict):
        number = _number_text(quantity.get("value"))
        if number is None:
            records.problem(origin, str(quantity.get("value", "")), "is not a number")
            return None
        comparator = quantity.get("comparator") or ""
        if comparator not in ("", "<", "<=", ">=", ">"):
            records.problem(origin, str(comparator), "is not a FHIR comparator (<, <=, >= or >)")
            return None
        unit = quantity.get("code") or quantity.get("unit")
        if not isinstance(unit, str) or not unit.strip():
            records.problem(
                origin,
                f"{comparator}{number}",
                "has no unit (valueQuantity without code or unit): albutrend does not guess one",
            )
            return None
        text = f"{comparator}{number}"
        try:
            return parse_measurement(
                text, ctx.parser.options.default_unit, decimal=POINT, unit_text=unit
            )
        except QuantityError as e:
            records.problem(origin, f"{text} {unit}", str(e))
            return None
    value = obs.get("valueString")
    if isinstance(value, str):
        parts = split_quantity(value)
        if parts is not None and not parts[2]:
            records.problem(
                origin, value, "has no unit (valueString without one): albutrend does not guess one"
            )
            return None
        return ctx.parser.measurement(value.strip(), origin)
    kinds = [k for k in obs if k.startswith("value")]
    records.problem(
        origin,
        ", ".join(kinds) or "",
        "is not a value albutrend reads (expected valueQuantity or valueString)"
        if kinds
        else "is an Observation with no value (no valueQuantity or valueString)",
    )
    return None


# --- Interventions ------------------------------------------------------------


def _intervention(resource: dict[str, Any], kind: str, origin: Origin, ctx: _Source) -> None:
    if kind == "Procedure" and not ctx.parser.options.procedures:
        ctx.procedures_left += 1
        return
    status = _text(resource.get("status"))
    if status in NOT_DONE:
        ctx.not_done[f"{kind} {status}"] += 1
        return
    if kind == "MedicationRequest":
        written = resource.get("authoredOn")
        if not isinstance(written, str):
            written = _bounds_start(resource)
        text = _medication(resource, ctx)
    elif kind == "Procedure":
        written, _ = _effective(resource, ("performedDateTime", "performedPeriod"))
        text = _concept_text(resource.get("code"))
    else:
        written, _ = _effective(resource, ("effectiveDateTime", "effectivePeriod"))
        text = _medication(resource, ctx)
    where = f"{kind} at {origin.line}"
    if not text:
        ctx.unnamed.append(where)
        return
    if written is None:
        ctx.undated.append(f"{printable(text)} ({where})")
        return
    m = _DATE.fullmatch(written.strip())
    if m is None:
        ctx.undated.append(f"{printable(text)} ({where}: '{printable(written)}' has no day)")
        return
    when = ctx.parser.parse_date(m[1], origin)
    if when is not None:
        ctx.parser.add_intervention(when, text, origin, _patient(resource, ctx))


def _bounds_start(request: dict[str, Any]) -> str | None:
    """The first dosageInstruction's timing.repeat.boundsPeriod.start, if any."""
    for dosage in _list(request.get("dosageInstruction")):
        try:
            start = dosage["timing"]["repeat"]["boundsPeriod"]["start"]
        except (KeyError, TypeError):
            continue
        if isinstance(start, str):
            return start
    return None


def _medication(resource: dict[str, Any], ctx: _Source) -> str:
    """The medication's name: medicationCodeableConcept, else the Medication its
    medicationReference points to (contained, or in the Bundle), else its display."""
    text = _concept_text(resource.get("medicationCodeableConcept"))
    if text:
        return text
    ref = resource.get("medicationReference")
    if not isinstance(ref, dict):
        return ""
    target = ref.get("reference")
    if isinstance(target, str):
        if target.startswith("#"):
            for contained in _list(resource.get("contained")):
                if isinstance(contained, dict) and contained.get("id") == target[1:]:
                    text = _concept_text(contained.get("code"))
        else:
            medication = ctx.medications.get(target)
            if medication is not None:
                text = _concept_text(medication.get("code"))
    display = ref.get("display")
    return text or (display.strip() if isinstance(display, str) else "")


# --- After the last resource ----------------------------------------------------


def _finish(ctx: _Source) -> None:
    parser, records = ctx.parser, ctx.parser.records
    for p in ctx.pending:
        found = ctx.creatinines.get(p.key, [])
        if not found:
            parser.add_reading(p.when, p.albumin, p.origin, p.patient)
            continue
        if len(found) > 1:
            lines = ", ".join(str(o.line) for _, o in found)
            records.problem(
                p.origin,
                str(p.albumin),
                f"has {len(found)} urine creatinines of the same time (at {lines}): "
                "albutrend cannot tell which one makes its ACR",
            )
            continue
        obs, origin = found[0]
        creatinine = _creatinine(obs, origin, ctx)
        if creatinine is not None:
            text, unit = creatinine
            value = parser.creatinine(text, origin, unit)
            if value is not None:
                parser.add_reading(p.when, p.albumin, p.origin, p.patient, value, text)
    _warnings(ctx)


def _creatinine(obs: dict[str, Any], origin: Origin, ctx: _Source) -> tuple[str, str] | None:
    quantity = obs.get("valueQuantity")
    number = _number_text(quantity.get("value")) if isinstance(quantity, dict) else None
    if not isinstance(quantity, dict) or number is None or quantity.get("comparator"):
        ctx.parser.records.problem(
            origin,
            "",
            "is a urine creatinine without a plain valueQuantity: it cannot make an ACR",
        )
        return None
    unit = quantity.get("code") or quantity.get("unit") or ""
    try:
        parse_creatinine(number, str(unit), decimal=POINT)
    except QuantityError as e:
        ctx.parser.records.problem(origin, f"{number} {unit}", str(e))
        return None
    return number, str(unit)


def _listed(items: Iterable[object], limit: int = 10) -> str:
    items = list(items)
    shown = ", ".join(map(str, items[:limit]))
    return shown + (", …" if len(items) > limit else "")


def _warnings(ctx: _Source) -> None:
    name, out = ctx.name, ctx.parser.records.reader_notices

    def say(kind: str, message: str) -> None:
        out.append(Notice(kind, message, name))

    for status, lines in ctx.doubtful.items():
        why = (
            "a final result may differ"
            if status == "preliminary"
            else "the system does not say whether they are final"
        )
        say(
            "doubtful_status",
            f"{len(lines)} result(s) with status '{status}' read ({why}): at {_listed(lines)}",
        )
    if ctx.by_issued:
        say(
            "dated_by_issued",
            f"{len(ctx.by_issued)} result(s) dated by when they were issued, not by when the "
            f"specimen was taken (no effective date): at {_listed(ctx.by_issued)}",
        )
    if ctx.dropped:
        listed = _listed(f"{count} {what}" for what, count in ctx.dropped.items())
        say("fhir_left_out", f"left out: {listed}")
    if ctx.undated:
        say(
            "fhir_left_out",
            f"{len(ctx.undated)} intervention(s) without a date left out (never dated by a "
            f"guess): {_listed(ctx.undated, 20)}",
        )
    if ctx.unnamed:
        say(
            "fhir_left_out",
            f"{len(ctx.unnamed)} intervention(s) without a name left out: {_listed(ctx.unnamed)}",
        )
    if ctx.not_done:
        listed = _listed(f"{count} {what}" for what, count in ctx.not_done.items())
        say("not_read", f"interventions that did not happen left out: {listed}")
    if ctx.procedures_left:
        say(
            "not_read",
            f"{ctx.procedures_left} Procedure(s) not read (procedures are read with "
            "--intervention PATTERN)",
        )
    if ctx.other_observations:
        total = sum(ctx.other_observations.values())
        listed = _listed(f"{what} {n}" for what, n in ctx.other_observations.most_common())
        say("not_read", f"{total} Observation(s) of other tests left out: {listed}")
    if ctx.other_resources:
        listed = _listed(f"{what} {n}" for what, n in ctx.other_resources.most_common())
        say("not_read", f"resources albutrend does not read left out: {listed}")
