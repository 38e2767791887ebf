"""The saved report as a clinical document (`report --save x.html`): a page that
opens and prints on its own.

Per patient: a heading (ID, date range, number of readings), the note's paragraph,
one vector chart per quantity (`chart_svg`), the tables of the terminal report; then
the caveats and what was left out, in readable contrast (WCAG AA: #4a4a4a on white
is 8.9:1). The page names albutrend's version, the settings in force and the date it
was made (`SOURCE_DATE_EPOCH`, the reproducible-builds convention, fixes that date:
two saves of one input are then byte-identical). It references nothing outside
itself, and its Content-Security-Policy forbids the browser to fetch anything.

Print: `@page` margins that fit A4 and Letter alike, each patient from a new page
with the patient named in the page's header (a named page per patient) and the page
number in its footer; a heading is kept with what follows it, a chart and a table
row never split, and a long table repeats its header on the next page.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from functools import lru_cache
from html import escape
from itertools import chain, repeat

from albutrend import __version__
from albutrend.clinical.analysis import PatientResult, Report
from albutrend.present import wording as say
from albutrend.present.chart_svg import escaped_all, legend, patient_svgs
from albutrend.present.note import patient_note
from albutrend.present.page import SAFE_HEAD
from albutrend.present.views import (
    Block,
    Grid,
    Heading,
    Line,
    footnotes,
    patient_blocks,
)
from albutrend.problems import printable

STYLE = """\
:root { color: #1c1c1c; background: #ffffff; }
body { font-family: Helvetica, Arial, sans-serif; font-size: 11pt; line-height: 1.4;
       margin: 1.5em auto; max-width: 760px; padding: 0 1em; }
h1 { font-size: 16pt; margin: 0 0 .2em; }
h2 { font-size: 14pt; margin: 1.2em 0 .1em; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 1em 0 .3em; break-after: avoid; page-break-after: avoid; }
p { margin: .3em 0 .6em; }
.meta, .caveat { color: #4a4a4a; }
.note { border-left: 3px solid #1f4fa8; padding-left: .6em; }
.warn { color: #8a1c1c; }
.good { color: #1b6e34; }
figure { margin: .6em 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 9.5pt; color: #4a4a4a; }
table { border-collapse: collapse; margin: .3em 0 .8em; font-size: 9.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { padding: 2px 8px 2px 0; text-align: left; vertical-align: top; }
th { border-bottom: 1px solid #1c1c1c; }
td.num, th.num { text-align: right; }
td.A1 { color: #1b6e34; } td.A2 { color: #8a5a00; } td.A3 { color: #a51d2a; }
tr.dim td { color: #4a4a4a; }
.keep { break-inside: avoid; page-break-inside: avoid; }
@page { margin: 16mm 14mm 18mm 14mm;
        @bottom-left { content: "albutrend report"; font: 9pt Helvetica, Arial, sans-serif; }
        @bottom-right { content: "Page " counter(page) " of " counter(pages);
                        font: 9pt Helvetica, Arial, sans-serif; } }
@media print {
  body { margin: 0; max-width: none; padding: 0; }
  section.patient + section.patient { break-before: page; page-break-before: always; }
}
"""

PAGE = (
    """\
<!DOCTYPE html>
<html lang="en">
<head>
"""
    + SAFE_HEAD
    + """\
<meta name="generator" content="albutrend {version}">
<title>{title}</title>
<style>
{style}{pages}</style>
</head>
<body>
{body}
</body>
</html>
"""
)


def _h(text: str) -> str:
    """File text for HTML: control characters shown, markup escaped."""
    return escape(printable(text), quote=True)


def _note(text: str) -> str:
    """The note's paragraph for HTML: its no-break spaces (which hold a value to its
    unit, a day to its month) kept, other control characters shown, markup escaped."""
    return "\u00a0".join(escaped_all(text.split("\u00a0")))


def _css_string(text: str) -> str:
    """A CSS string holding `text`: every character but letters, digits and spaces
    written as a hex escape, so that nothing in it can end the string or the rule."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in text) + '"'


def made_on() -> datetime:
    """When the page is made: SOURCE_DATE_EPOCH (seconds, UTC) when set, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.fromtimestamp(time.time(), UTC)


def settings_text(report: Report) -> str:
    rcv = report.settings.rcv
    acr = report.settings.acr_unit
    return (
        f"reference change value with CV_I {rcv.cv_within * 100:g}%, CV_A "
        f"{rcv.cv_analytical * 100:g}%, {rcv.confidence * 100:g}% two-sided "
        f"(a fall beyond {say.percent(report.rcv_fall)} or a rise beyond "
        f"{say.percent(report.rcv_rise)}); "
        f"ACRs shown {'in ' + acr.symbol if acr else 'as reported'}"
    )


def page(report: Report) -> str:
    source = ", ".join(report.sources) or "standard input"
    made = made_on()
    head = [
        f"<h1>Urine albumin report: {_h(source)}</h1>",
        f'<p class="meta">Made by albutrend {_h(__version__)} on {made.day} '
        f"{made:%b %Y}. Settings: {_h(settings_text(report))}.</p>",
    ]
    several = len(report.patients) > 1
    sections, pages = [], []
    for k, p in enumerate(report.patients):
        name = f"p{k}"
        who = _who(p, report)
        pages.append(f"@page {name} {{ @top-left {{ content: {_css_string(printable(who))}; }} }}")
        sections.append(_patient(p, report, several, name))
    tail = [_blocks(footnotes(report), caveat=True)]
    tail += [f'<p class="caveat">Note: {_h(str(w))}</p>' for w in report.warnings[:20]]
    if sections:  # the page's heading on the first patient's page (a named page each)
        opening, rest = sections[0].split("\n", 1)
        sections[0] = "\n".join([opening, *head, rest])
        head = []
    body = "\n".join(head + sections + tail)
    return PAGE.format(
        version=_h(__version__),
        title=_h(f"albutrend report: {source}"),
        style=STYLE,
        pages="".join(f"{rule}\n" for rule in pages),
        body=body,
    )


def chart_page(report: Report) -> str:
    """`chart --save x.html`: the charts alone, under each patient's name."""
    source = ", ".join(report.sources) or "standard input"
    made = made_on()
    out = [
        f"<h1>Urine albumin over time: {_h(source)}</h1>",
        f'<p class="meta">Made by albutrend {_h(__version__)} on {made.day} {made:%b %Y}.</p>',
    ]
    for p in report.patients:
        who = _who(p, report)
        out.append(f'<section class="patient"><h2>{_h(who)}</h2>')
        caption = "".join(
            f"<br>{_h(line)}" for line in legend([i.intervention for i in p.interventions])
        )
        for svg in patient_svgs(p, standalone=False):
            out.append(
                f"<figure>{svg}<figcaption>Readings over time{caption}</figcaption></figure>"
            )
        out.append("</section>")
    return PAGE.format(
        version=_h(__version__),
        title=_h(f"albutrend chart: {source}"),
        style=STYLE,
        pages="",
        body="\n".join(out),
    )


def chart_svg(report: Report) -> str:
    """`chart --save x.svg`: every chart of the report in one picture, one below the
    other, each under its patient's name; no window frame."""
    from albutrend.present.chart_svg import HEIGHT, WIDTH

    parts, y = [], 0
    for p in report.patients:
        who = f"Patient {p.patient}" if p.patient is not None else ""
        if who:
            parts.append(
                f'<text x="8" y="{y + 18}" font-family="Helvetica, Arial, sans-serif" '
                f'font-size="14" font-weight="bold" fill="#1c1c1c">{_h(who)}</text>'
            )
            y += 26
        for svg in patient_svgs(p, standalone=False):
            parts.append(f'<g transform="translate(0 {y})">{svg}</g>')
            y += HEIGHT + 8
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {max(y, 1)}" '
        f'width="{WIDTH}" height="{max(y, 1)}">\n<rect width="100%" height="100%" '
        f'fill="#ffffff"/>\n' + "\n".join(parts) + "\n</svg>\n"
    )


def _who(p: PatientResult, report: Report) -> str:
    """The heading of a patient's part (and of its printed pages): the ID, or, for a
    file without a patient column, the file the readings are from, never "Patient"."""
    if p.patient is not None:
        return f"Patient {p.patient}"
    return f"Patient of {', '.join(report.sources) or 'standard input'} (no patient ID in it)"


def _patient(p: PatientResult, report: Report, several: bool, name: str) -> str:
    who = _who(p, report)
    if p.readings:
        first, last = p.readings[0].date, p.readings[-1].date
        span = f"{say.format_date(first)} – {say.format_date(last)}"
        count = f"{len(p.readings)} reading{'s' if len(p.readings) != 1 else ''}"
        meta = f"{span} · {count}"
    else:
        meta = "no readings"
    ivs = [i.intervention for i in p.interventions]
    out = [
        f'<section class="patient" style="page: {name}">',
        f'<div class="keep"><h2>{_h(who)}</h2><p class="meta">{_h(meta)}</p>',
        f'<p class="note">{_note(patient_note(p, report))}</p></div>',
    ]
    caption = "".join(f"<br>{_h(line)}" for line in legend(ivs))
    for svg in patient_svgs(p, standalone=False):
        out.append(f"<figure>{svg}<figcaption>Readings over time{caption}</figcaption></figure>")
    # Not the terminal's patient heading (the page has its own) nor its trend glyph
    # (the charts draw the readings).
    blocks: list[Block] = [
        b
        for b in patient_blocks(p, several, glyphs=False)
        if not (isinstance(b, Heading) and b.text.startswith("Patient "))
    ]
    out.append(_blocks(blocks))
    out.append("</section>")
    return "\n".join(out)


def _blocks(blocks: list[Block], caveat: bool = False) -> str:
    out: list[str] = []
    pending: list[str] = []  # a line just before a grid: kept with it
    for block in blocks:
        if isinstance(block, Line):
            style = "caveat" if caveat or block.style == "dim" else block.style
            pending.append(f'<p class="{style}">{_h(block.text)}</p>')
        elif isinstance(block, Grid):
            out.append('<div class="grid">' + "".join(pending) + _grid(block) + "</div>")
            pending = []
        elif isinstance(block, Heading):
            pending.append(f"<h3>{_h(block.text)}</h3>")
    return "\n".join(out + pending)


def _grid(grid: Grid) -> str:
    """A grid as an HTML table: a column's cells escaped together (a clinic list's
    pages hold tens of thousands), each row joined from its cells."""
    head, numeric, category = _head(tuple(grid.columns))
    out = []
    if grid.title:
        out.append(f"<h3>{_h(grid.title)}</h3>")
    out.append(head)
    rows = grid.rows
    if rows:
        styles = grid.styles or [""] * len(rows)
        opening = {hint: f'<tr class="{_h(hint)}">' if hint else "<tr>" for hint in set(styles)}
        # The rows in one join: per row, its opening tag, then each cell's text in its
        # column's tag (the category's tag is the row's own, by its category). Each
        # part is a column: a list (a row's own) or a text (every row's).
        parts: list[list[str] | str] = [list(map(opening.__getitem__, styles))]
        for k, cells in enumerate(zip(*rows, strict=True)):
            if k == category:
                twos = [cell[:2] for cell in cells]
                tds = {two: _td(numeric[k], two) for two in set(twos)}
                parts.append(list(map(tds.__getitem__, twos)))
            else:
                _tag(parts, _td(numeric[k], ""))
            parts.append(escaped_all(cells))
            _tag(parts, "</td>")
        _tag(parts, "</tr>")
        columns = [repeat(part) if isinstance(part, str) else part for part in parts]
        # The texts repeat without end: the lists, one item a row, end the rows.
        out.append("".join(chain.from_iterable(zip(*columns, strict=False))))
    out.append("</tbody></table>")
    return "".join(out)


@lru_cache(maxsize=64)
def _head(columns: tuple[str, ...]) -> tuple[str, list[bool], int]:
    """A table's opening up to its body, which columns are numbers (right-aligned),
    and which is the category (-1: none): made once for the tables of a page that
    share their columns."""
    numeric = [
        name == "Day" or name.startswith("Δ") or name.startswith("Value ") for name in columns
    ]
    category = columns.index("Category") if "Category" in columns else -1
    cells = "".join(
        f"<th{' class=num' if num else ''}>{_h(name)}</th>"
        for name, num in zip(columns, numeric, strict=True)
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>", numeric, category


def _tag(parts: list[list[str] | str], tag: str) -> None:
    """`tag` after the last of `parts`: joined to it when that is a tag too."""
    if isinstance(parts[-1], str):
        parts[-1] += tag
    else:
        parts.append(tag)


def _td(numeric: bool, category: str) -> str:
    """A cell's opening tag: right-aligned when numeric, coloured by its category."""
    classes = ["num"] if numeric else []
    if category in ("A1", "A2", "A3"):
        classes.append(category)
    return f'<td class="{" ".join(classes)}">' if classes else "<td>"
