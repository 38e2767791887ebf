"""`albutrend note`: a short paragraph to paste into the clinical record.

Plain text, no colour, no markup: the latest value with its date and category,
whether that category is confirmed (2 of 3 specimens, CLINICAL.md §8), then
for each intervention its baseline and the latest change with its day count, the
30% fall mark and the day-to-day variation verdict (and the first 30% fall, and the
largest fall, when they are other follow-ups). The same report gives the same words:
nothing here depends on the clock, the terminal or the locale.
"""

from __future__ import annotations

import textwrap
from datetime import date

from albutrend.clinical.analysis import (
    FollowUp,
    InterventionResult,
    PatientResult,
    QuantityResult,
    ReadingResult,
    Report,
    days_before,
)
from albutrend.clinical.baseline import MEAN
from albutrend.clinical.categories import ADA, INDETERMINATE, Category
from albutrend.clinical.change import FALL_MARK
from albutrend.clinical.confirm import WINDOW_DAYS
from albutrend.clinical.units import Unit
from albutrend.model import Intervention, Measurement
from albutrend.present import wording as say
from albutrend.problems import printable, shown_id

# Held together when wrapping (a value and its unit, a date, "day 123"): textwrap
# breaks only at ASCII whitespace, so these are joined by a no-break space and turned
# back into plain spaces after wrapping.
_GLUE = "\u00a0"
_MARK = f"{abs(FALL_MARK):.0f}%"


def note_text(report: Report, width: int = 80) -> str:
    """The note: one paragraph per patient, lines at most `width` characters long
    (a value or date longer than that is not broken); `width` 0 does not wrap."""
    several = len(report.patients) > 1
    paragraphs = [patient_note(p, report, several) for p in report.patients]
    if report.skipped or report.prose:  # a note pasted into the record must not look complete
        paragraphs.append(
            say.skipped(report.skipped, report.skipped_at, report.prose, report.prose_at)
        )
    if report.unitless:  # a default unit changed numbers: the record says so
        paragraphs.append(report.unitless)
    also = say.also_left_out(report.warnings)
    if also is not None:  # another test's rows, an undated drug order: said, not hidden
        paragraphs.append(also)
    boundary = say.boundary_sentence(report.settings.boundary)
    if boundary is not None:  # not KDIGO's wording: a value on 300 mg/g reads otherwise
        paragraphs.append(boundary)
    in_force = say.settings_in_force(report.settings.in_force)
    if in_force is not None:  # a clinic's own settings, said where the note is read
        paragraphs.append(in_force)
    return "\n\n".join(_wrap(p, width) for p in paragraphs) + "\n"


def _wrap(text: str, width: int) -> str:
    if width > 0:
        text = textwrap.fill(text, width=width, break_long_words=False, break_on_hyphens=False)
    return text.replace(_GLUE, " ")


def _glued(text: str) -> str:
    return text.replace(" ", _GLUE)


def _value(r: ReadingResult) -> str:
    computed = r.creatinine is not None or r.shown is not r.measurement
    return _glued(say.measurement(r.shown, computed=computed))


def _date(r: ReadingResult) -> str:
    return _glued(say.format_date(r.date))


def _short(r: ReadingResult) -> str:
    """`A3 range, > 300 mg/L` with `> 300 mg/L` held together."""
    text = say.category_short(r.category, r.measurement.unit)
    return ", ".join(_glued(part) for part in text.split(", "))


def patient_note(p: PatientResult, report: Report, several: bool = False) -> str:
    sentences: list[str] = []
    who = f"Patient {shown_id(p.patient or '')}. " if several else ""
    if not p.readings:
        return f"{who}No readings."
    quantities = p.quantities()
    latest = p.readings[-1]
    if len(quantities) == 1:
        sentences.append(
            f"{who}Urine albumin: latest {_value(latest)} on {_date(latest)}, "
            f"{category_phrase(latest.category, latest.measurement.unit)}."
        )
        latest_of = [("", latest)]
    else:
        # Each quantity's latest, the ACR first: an ACR and a concentration are never
        # compared, and the later of the two is not "the" latest.
        latest_of = [
            (say.QUANTITY_NAMES[q], [r for r in p.readings if r.shown.unit.family == q][-1])
            for q in quantities
        ]
        sentences.append(
            f"{who}Urine albumin: "
            + "; ".join(
                f"latest {name} {_value(r)} on {_date(r)}, "
                f"{category_phrase(r.category, r.measurement.unit)}"
                for name, r in latest_of
            )
            + "."
        )
    for name, r in latest_of:
        family = r.shown.unit.family
        same = (
            p.readings
            if len(quantities) == 1  # every reading is of its quantity
            else [x for x in p.readings if x.shown.unit.family == family]
        )
        sentences.append(confirmation_sentence(r, name, _agreeing(same, r)))
    if (
        not latest.category.indicative
        and len(quantities) == 1
        and any(r.category.indicative for r in p.readings)
    ):
        sentences.append(
            "Concentrations (mg/L) are not ACRs: their category is indicative; an ACR confirms it."
        )
    if not p.interventions:
        sentences.append("No interventions in the input.")
        for name, r in latest_of:
            sentences += _previous_change(r, name)
    judged = False
    for i in p.interventions:
        said, rcv_said = intervention_sentences(i)
        sentences += said
        judged = judged or rcv_said
    if judged:
        sentences.append(rcv_sentence(report))
    return " ".join(sentences)


def category_phrase(c: Category, unit: Unit) -> str:
    """`above 300 mg/L (A3 range, indicative: a concentration, not an ACR); an ACR
    confirms it` for a concentration; `A2 moderately increased (microalbuminuria)`
    for an ACR or AER."""
    if not c.indicative:
        return say.category(c, unit)
    low, high = (_glued(f"{say.number(x)} {unit}") for x in (unit.a2_from, unit.a3_above))
    if c.code == INDETERMINATE:
        where = f"{' or '.join(c.possible)} range (the bound is too wide to tell)"
        return f"{where}, indicative: a concentration, not an ACR; an ACR confirms it"
    ada = c.boundary == ADA
    where = {
        "A1": f"below {low}",
        "A2": f"from {say.number(unit.a2_from)} to {'under ' if ada else ''}{high}",
        "A3": f"{'at or above' if ada else 'above'} {high}",
    }[c.code]
    return f"{where} ({c.code} range, indicative: a concentration, not an ACR); an ACR confirms it"


# Unconfirmed categories that call for a repeat specimen: an increased albuminuria.
_REPEAT = ("A2", "A3")


def _agreeing(same: list[ReadingResult], r: ReadingResult) -> int:
    """How many specimens (dates) of `r`'s quantity up to `r`, within the 183 days of
    a confirmation, are in `r`'s category: two agree, yet with no third specimen in
    the window the category is not confirmed (CLINICAL.md §8)."""
    dates = {
        x.date
        for x in same
        if x.date <= r.date
        and (r.date - x.date).days <= WINDOW_DAYS
        and x.category.code == r.category.code
    }
    return len(dates)


def confirmation_sentence(r: ReadingResult, name: str = "", agreeing: int = 1) -> str:
    """Whether the category of `r` (the latest of its quantity, `name` with several)
    is confirmed: `A2 confirmed: 3 of 3 specimens from 10 Jan to 20 May 2024.`, or
    `A2 on one specimen, not yet confirmed: repeat within 3 months.` (`agreeing`: the
    specimens in `r`'s category within the window, `r` included)."""
    c = r.category
    who = f"{name} " if name else ""
    repeat = f": repeat within {_glued('3 months')}"
    if r.confirmation is None:
        if c.known:
            advice = repeat if c.code in _REPEAT else ""
            code = _code(c.code, c.indicative)
            if agreeing >= 2:  # two agree, no third specimen yet: §8 asks for three
                return (
                    f"{_cap(who)}{code} on {agreeing} specimens, not yet confirmed (2 of 3 "
                    f"specimens within 6 months confirm it){advice}."
                )
            return f"{_cap(who)}{code} on one specimen, not yet confirmed{advice}."
        advice = repeat if any(code in _REPEAT for code in c.possible) else ""
        open_ = " or ".join(c.possible)
        return _cap(f"{who}category not confirmed (the latest is a bound, {open_}){advice}.")
    confirmed, agreeing, specimens, first = r.confirmation
    text = (
        f"{_cap(who)}{_code(confirmed, c.indicative)} confirmed: {agreeing} of {specimens} "
        f"specimens from {_span(first, r.date)}"
    )
    if confirmed != c.code:
        if c.known:
            code = _code(c.code, c.indicative)
            text += f"; the latest, {code}, is on one specimen, not yet confirmed"
        else:
            text += f"; the latest is a bound, {' or '.join(c.possible)}"
    return text + "."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _code(code: str, indicative: bool) -> str:
    """`A2`, or `A2 range` for a concentration (an indicative category)."""
    return _glued(f"{code} range") if indicative else code


def _span(first: date, last: date) -> str:
    """`10 Jan to 20 May 2024`, `10 Dec 2023 to 20 May 2024`."""
    start = say.format_date(first)
    if first.year == last.year:
        start = start.rsplit(" ", 1)[0]
    return f"{_glued(start)} to {_glued(say.format_date(last))}"


def _previous_change(r: ReadingResult, name: str = "") -> list[str]:
    if r.previous is None:
        return []
    of = f" of the {name}" if name else ""
    return [f"Change{of} from the previous reading: {r.previous.describe_percent()}."]


def intervention_sentences(i: InterventionResult) -> tuple[list[str], bool]:
    """What to say about one intervention, and whether a day-to-day variation
    verdict was given (then the note states the figures it used). With several
    quantities, each against its own baseline, the ACR first."""
    iv = i.intervention
    text = printable(iv.text.strip()).rstrip(".")
    head = f"Intervention on {_glued(say.format_date(iv.date))} ({text}): "
    if len(i.quantities) <= 1:
        return _quantity_sentences(head, iv, i.quantities[0] if i.quantities else None, "")
    said: list[str] = []
    judged = False
    for q in i.quantities:
        part, rcv_said = _quantity_sentences(head, iv, q, say.QUANTITY_NAMES[q.quantity])
        said += part
        judged = judged or rcv_said
        head = ""
    return said, judged


def _quantity_sentences(
    head: str, iv: Intervention, q: QuantityResult | None, name: str
) -> tuple[list[str], bool]:
    """One quantity's baseline and changes (`name` "" with one quantity). `head`
    begins the first sentence; "" begins it with a capital."""
    word = f"{name} " if name else ""

    def first(sentence: str) -> str:
        return head + sentence if head else sentence[:1].upper() + sentence[1:]

    if q is None or q.baseline is None:
        return [first(f"no {word}reading on or before it, so no {word}change is computed.")], False
    b = q.baseline
    before = days_before(iv, b) or 0
    when = "on the same day" if before == 0 else f"{_glued(say.days(before))} before"
    source = q.baseline_from
    if source is not None and source.method == MEAN and source.n > 1:
        assert source.window_days is not None
        listed = say.specimens([_specimen(r) for r in source.specimens])
        fall, rise = (say.percent(x) for x in source.limits)
        said = [
            first(
                f"{word}baseline {_glued(say.measurement(b.shown, computed=True))} "
                f"({_short(b)}), the geometric mean of {source.n} readings in "
                f"{say.window(source.window_days)} ({listed}); against a mean of "
                f"{source.n} specimens, day-to-day variation is a fall beyond {fall} or a "
                f"rise beyond {rise}."
            )
        ]
    else:
        why = ""
        if source is not None and source.window_days is not None:
            window = say.window(source.window_days)
            why = (
                f": the only exact reading in {window}"
                if source.method == MEAN
                else f": no exact reading in {window} to average, so the latest reading"
            )
        said = [first(f"{word}baseline {_value(b)} on {_date(b)}, {when} ({_short(b)}){why}.")]
    if source is not None and source.left_out:
        bounds = say.specimens([_specimen(r) for r in source.left_out])
        said.append(f"Left out of the mean (a bound is not a value): {bounds}.")
    if not q.followups:
        said.append(f"No {word}reading since.")
        return said, False
    if q.latest is None:
        said.append(f"No later {word}reading can be compared with the baseline.")
        return said, False
    shown: list[FollowUp] = [q.latest]
    said.append(change_sentence(f"Latest {word}change", q.latest, b))
    for label, f in (
        (f"First {word}fall of {_MARK} or more", q.first_fall_30),
        (f"Largest {word}fall", q.largest_fall),
        (f"First {word}doubling", q.first_doubling),
        (f"Largest {word}rise", q.largest_rise),
    ):
        if f is not None and all(f is not s for s in shown):
            shown.append(f)
            said.append(change_sentence(label, f, b))
    return said, any(f.beyond_rcv is not None for f in shown)


def _specimen(r: ReadingResult) -> tuple[Measurement, bool, str]:
    return r.shown, r.shown is not r.measurement, say.format_date(r.date)


def change_sentence(label: str, f: FollowUp, baseline: ReadingResult | None = None) -> str:
    """`Latest change: −61.61% at day 123 (954.9 mg/L, 27 Oct 2024): passes the 30%
    fall mark; beyond day-to-day variation.`; `…; a confirmed regression, A3 to A2`
    when the confirmed categories of the baseline and the reading differ."""
    c = f.change
    assert c is not None
    where = f"{_value(f.result)}, {_date(f.result)}"
    if c.converted:
        where += f", compared in {c.unit}"
    verdicts = [_FALL_SAID[f.fall_30], _RCV_SAID[f.beyond_rcv]]
    if f.doubling:
        verdicts.append("a doubling or more")
    before, after = baseline and baseline.confirmed_category, f.result.confirmed_category
    if f.confirmed_change in ("regression", "progression") and before and after:
        verdicts.append(f"a confirmed {f.confirmed_change}, {before} to {after}")
    day = _glued(f"day {f.days}")
    return f"{label}: {_glued(c.describe_percent())} at {day} ({where}): {'; '.join(verdicts)}."


# Whether a change passes the 30% fall mark, and whether it is beyond day-to-day
# variation (None: a bound leaves it open), as a change's sentence says it.
_FALL_SAID = {
    True: f"passes the {_MARK} fall mark",
    False: f"does not pass the {_MARK} fall mark",
    None: f"whether it passes the {_MARK} fall mark is open (a bound)",
}
_RCV_SAID = {
    True: "beyond day-to-day variation",
    False: "within day-to-day variation",
    None: "whether it exceeds day-to-day variation is open (a bound)",
}


def rcv_sentence(report: Report) -> str:
    rcv = report.settings.rcv
    return (
        f"Day-to-day variation: reference change value, a fall beyond "
        f"{say.percent(report.rcv_fall)} or a rise beyond {say.percent(report.rcv_rise)} "
        f"(CV_I {rcv.cv_within * 100:g}%, CV_A {rcv.cv_analytical * 100:g}%, "
        f"{rcv.confidence * 100:g}% two-sided)"
        + (" against one baseline specimen." if report.settings.baseline == MEAN else ".")
    )
