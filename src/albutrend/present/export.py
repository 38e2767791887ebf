"""Output for scripts and spreadsheets: TSV, CSV, JSON, JSON lines and markdown.

Plain, stable and documented (README "Output formats"): ISO dates, numbers as
numbers, the same columns in the same order in every release of a major version.
No Rich here: a pipe pays nothing for the terminal renderer.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from operator import itemgetter
from typing import IO, TYPE_CHECKING

from albutrend.clinical.analysis import (
    NO_BASELINE,
    Report,
    Settings,
    Timeline,
    pick,
    shown,
    walked,
)
from albutrend.clinical.baseline import MEAN, mean_baselines
from albutrend.clinical.categories import ORDER, Category, classify
from albutrend.clinical.confirm import confirmations
from albutrend.clinical.followup import FollowUpRule, Verdict
from albutrend.clinical.units import Unit
from albutrend.model import CategoryCode, Family, Measurement, format_number
from albutrend.patterns import lazy
from albutrend.present.columns import COLUMNS
from albutrend.problems import printable
from albutrend.reading.records import Readings
from albutrend.streams import write_in_batches

if TYPE_CHECKING:
    from albutrend.present.views import Block, Grid


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP CSV
# injection, CWE-1236).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _number(value: float) -> str:
    return format_number(value)


def _clean(value: float) -> float:
    """A computed float without binary noise (−1357.6, not −1357.6000000000001)."""
    return float(f"{value:.12g}")


def _figure(value: float) -> str:
    """A computed figure as written in TSV and CSV: `format_number` (the fast path
    formats with "%.12g" itself, and comes here only for an exponent)."""
    return format_number(value)


def _flag(value: bool | None) -> str:
    return "" if value is None else "true" if value else "false"


_EMPTY_INTERVENTION = [""] * 15


def _report_timelines(report: Report) -> list[Timeline]:
    out = []
    for p in report.patients:
        timeline = walked(p)  # the analysis's own: no reading made
        if timeline is not None:
            out.append(timeline)
            continue
        store = Readings(r.reading for r in p.readings)
        order = list(range(len(store)))
        ivs = [i.intervention for i in p.interventions]
        out.append(Timeline(p.patient, store, order, list(store.dates), ivs))
    return out


def rows(
    timelines: Iterable[Timeline],
    settings: Settings,
    delimiter: str,
    text: Callable[[str], str] = str,
) -> Iterator[str]:
    """The lines of TSV or CSV after the header, a patient at a time; `text` makes a
    cell of text from the file (guarded and quoted as the caller wants).

    One row per reading and per intervention it follows. This is the hot loop of a
    registry file (a million rows): each row is one f-string of parts made once per
    value, date, reading and intervention. Every follow-up's change and verdicts are
    `FollowUpRule`'s: for an exact value in its baseline's unit, the common case, its
    `exact` change and the marks and moves of the tables it built; anything else (a
    bound, a conversion, another quantity, a change within a hair of a mark) is the
    rule's own `Verdict`, formatted here.
    """
    sep = delimiter
    values = _Values(sep, settings.acr_unit, settings.boundary)
    known = values.get
    days = _Days(sep)
    leads = _Leads(sep, text)
    rule = FollowUpRule(settings.rcv.fall, settings.rcv.rise)
    rules = {1: rule}  # by how many specimens a baseline is made of (--baseline mean)
    mean_days = settings.baseline_days if settings.baseline == MEAN else 0
    exact_change = rule.exact
    # The cells after `change_pct` of an exact follow-up in its baseline's unit:
    # marks[the rule's interval of its percent] (None: the rule decides), then
    # moves[baseline's rank][reading's].
    marks = [
        None if m is None else sep.join(["", "", "", *map(_flag, m[:3]), ""])
        for m in rule.interval_marks
    ]
    # The cells at the end of a row after `line`: `halving`, then the reading's
    # `confirmed_category` and the follow-up's `confirmed_category_change`.
    ends = [None if m is None else f"{sep}{_flag(m[3])}{sep}" for m in rule.interval_marks]
    no_end = sep * 2
    # The `category_change` cell, by the baseline's rank then the reading's.
    moves = [[f"{move}{sep}" if move else "" for move in row] for row in rule.moves]
    # The last two cells, `confirmed_category` and `confirmed_category_change`, by
    # the confirmed categories' ranks (0: not confirmed), the baseline's then the
    # reading's.
    ranks: tuple[CategoryCode | None, ...] = (None, *ORDER)
    confirmed_moves = [
        [f"{a or ''}{sep}{rule.confirmed_move(b, a) or ''}\n" for a in ranks] for b in ranks
    ]
    # A reading's confirmed category (CLINICAL.md §8) as rows show it: its code, its
    # rank, and the end of its row where nothing is compared with it.
    no_move = confirmed_moves[0]
    ranked = {code: (code, rank, no_move[rank]) for code, rank in ORDER.items()}
    unconfirmed = ("", 0, no_move[0])
    # `change` and `change_pct` in one format: "%" formats a float faster than an
    # f-string does (the delimiter is a tab or a comma: neither is "%" nor "e").
    figures = f"%.12g{sep}%.12g"
    no_intervention = sep.join(_EMPTY_INTERVENTION) + sep
    no_baseline = f"{sep * 8}{NO_BASELINE}{sep * 5}"  # after days_since
    for t in timelines:
        patient = text(t.patient or "") + sep
        dates = t.dates
        # The store in file order, these readings in date order: fetched once each.
        measurements = pick(t.store.measurements, t.order)
        lines = pick(t.store.lines, t.order)
        before_line = leads.of(t)
        ivs = t.interventions
        splits = [bisect_right(dates, iv.date) for iv in ivs] if ivs else []
        first = splits[0] if ivs else len(dates)
        out: list[str] = []
        add = out.append
        vals = [known(id(m)) or values.add(m) for m in measurements]
        # Each reading's confirmed category, by the rule (one quantity: said so, not
        # counted).
        one_quantity = len(values.quantities) == 1
        confirmed = confirmations(
            dates, None if one_quantity else list(map(_QUANTITY, vals)), list(map(_CODE, vals))
        )
        readings = zip(vals, dates, before_line, lines, confirmed, strict=True)
        # Before any intervention: one row per reading, the intervention cells empty.
        for v, d, lead, line, cf in islice(readings, first):
            end = unconfirmed[2] if cf is None else ranked[cf[0]][2]
            add(f"{patient}{days[d][1]}{v[0]}{no_intervention}{lead}{line}{no_end}{end}")
        if not ivs:
            yield "".join(out)
            continue
        # Each intervention: its ordinal, its cells, and per quantity its baseline
        # (`_Baseline`; a quantity without a reading before it: no baseline).
        quantities = 1 if one_quantity else len({v[8] for v in vals})
        following: list[tuple[int, str, dict[str, _Baseline]]] = []
        for iv, split in zip(ivs, splits, strict=True):
            iv_ordinal, day, _ = days[iv.date]
            iv_cells = f"{day}{text(iv.text)}{sep}"
            bases: dict[str, _Baseline] = {}
            for k in range(split - 1, -1, -1):  # the latest reading of each quantity
                base = vals[k]
                if base[8] not in bases:
                    baseline_cells = f"{sep}{days[dates[k]][2]}{sep}{base[7]}{sep}"
                    b_c = confirmed[k]
                    b_conf, b_conf_rank, _ = unconfirmed if b_c is None else ranked[b_c[0]]
                    bases[base[8]] = (
                        baseline_cells,
                        base[1],
                        base[2] or _NEVER,
                        moves[base[3]],
                        confirmed_moves[b_conf_rank],
                        (*base[4:7], b_conf, rule),
                    )
                    if len(bases) == quantities:
                        break
            if mean_days:  # the analysis's mean baselines, as rows show them
                means = mean_baselines(measurements, dates, split, iv.date, mean_days)
                for quantity, mean in means.items():
                    n, last = mean.n, mean.last
                    base = vals[last] if n == 1 else values.add(mean.measurement)
                    found_rule = rules.get(n)
                    if found_rule is None:
                        found_rule = rules[n] = FollowUpRule(*settings.rcv.limits(n))
                    baseline_cells = f"{sep}{days[dates[last]][2]}{sep}{base[7]}{sep}"
                    latest = bases[quantity]
                    bases[quantity] = (
                        baseline_cells,
                        base[1],
                        # Against a mean of several, the rule decides (its own RCV).
                        (base[2] or _NEVER) if n == 1 else _NEVER,
                        moves[base[3]],
                        # The confirmed category at the intervention: the latest
                        # reading's, whatever the method (as the analysis has it).
                        latest[4],
                        (*base[4:7], latest[5][3], found_rule),
                    )
            following.append((iv_ordinal, iv_cells, bases))
        # From the j-th intervention to the next, each reading follows the first j + 1.
        for j, (lo, hi) in enumerate(zip(splits, [*splits[1:], len(dates)], strict=True)):
            if lo == hi:
                continue
            active = following[: j + 1]
            for v, d, lead, line, cf in islice(readings, hi - lo):
                conf, conf_rank, end = unconfirmed if cf is None else ranked[cf[0]]
                cells, value, exact_unit, rank, s, c, m, _, quantity, _ = v
                ordinal, day, _ = days[d]
                reading = f"{patient}{day}{cells}"
                for iv_ordinal, iv_cells, bases in active:
                    since = ordinal - iv_ordinal
                    found = bases.get(quantity)
                    if found is None:  # no reading of its quantity before the intervention
                        add(f"{reading}{iv_cells}{since}{no_baseline}{lead}{line}{no_end}{end}")
                        continue
                    before, b_value, b_exact_unit, b_moves, b_confirmed_moves, slow = found
                    if b_exact_unit is exact_unit:
                        # Exact values in one unit: the rule's change, and the marks
                        # of its interval.
                        absolute, pct, interval = exact_change(value, b_value)
                        mark = marks[interval]
                        if mark is not None:
                            cut = figures % (absolute, pct)
                            if "e" in cut:
                                cut = f"{_figure(absolute)}{sep}{_figure(pct)}"
                            add(
                                f"{reading}{iv_cells}{since}{before}{cut}{mark}{b_moves[rank]}"
                                f"{lead}{line}{ends[interval]}{b_confirmed_moves[conf_rank]}"
                            )
                            continue
                    b, bc, bm, b_conf, b_rule = slow
                    verdict = b_rule(
                        b,
                        bc,
                        s,
                        c,
                        bm,
                        m,
                        CategoryCode(b_conf) if b_conf else None,
                        CategoryCode(conf) if conf else None,
                    )
                    cut, flag = sep.join(_verdict_cells(verdict)), _flag(verdict.halving)
                    add(
                        f"{reading}{iv_cells}{since}{before}{cut}{sep}{lead}{line}{sep}{flag}"
                        f"{sep}{conf}{sep}{verdict.confirmed_change or ''}\n"
                    )
        yield "".join(out)


# A value's quantity and its category's code, fetched in C for a patient at once.
_QUANTITY, _CODE = itemgetter(8), itemgetter(9)

# A value as a row shows it: its cells (and a separator), the shown value, its unit
# if the value is exact (None: a bound), its category's rank (1–3: A1–A3; 0:
# indeterminate), the shown measurement, its category, the measurement read (kept:
# the key is its id), its cells as a baseline (value, unit, bound), its quantity and
# its category's code.
_Value = tuple[
    str, float, Unit | None, int, Measurement, Category, Measurement, str, Family, CategoryCode
]


class _Never:
    """The unit of a baseline that is not an exact value: no value's unit is it."""


_NEVER = _Never()

# A baseline as rows show it: its cells, value, unit if exact (else `_NEVER`: the
# rule decides), the `category_change` cells by the reading's rank, the
# `confirmed_category_change` cells by the reading's confirmed rank, and what the
# rule needs when it decides (shown measurement, category, the measurement read,
# confirmed category, the rule).
_Baseline = tuple[
    str,
    float,
    Unit | _Never,
    list[str],
    list[str],
    tuple[Measurement, Category, Measurement, str, FollowUpRule],
]


class _Values(dict[int, _Value]):
    """id(measurement) -> how rows show it, made once: a registry file's million
    readings share a few thousand measurements."""

    def __init__(self, sep: str, acr_unit: Unit | None, boundary: str) -> None:
        super().__init__()
        self.sep, self.acr_unit, self.boundary = sep, acr_unit, boundary
        self.quantities: set[str] = set()  # of every measurement seen

    def add(self, m: Measurement) -> _Value:
        known = self.get(id(m))
        if known is None:
            s, c = shown(m, self.acr_unit), classify(m, self.boundary)
            cells = _measurement_cells(s, c)
            rank = ORDER.get(c.code, 0)
            row, baseline = self.sep.join(cells) + self.sep, self.sep.join(cells[:3])
            quantity = s.unit.family
            exact_unit = None if s.censor else s.unit
            known = (row, s.value, exact_unit, rank, s, c, m, baseline, quantity, c.code)
            self.quantities.add(quantity)
            self[id(m)] = known
        return known


class _Days(dict[date, tuple[int, str, str]]):
    """A date -> (its ordinal, its cell and a separator, its cell), made once: a
    registry spans a few thousand days."""

    def __init__(self, sep: str) -> None:
        super().__init__()
        self.sep = sep

    def __missing__(self, d: date) -> tuple[int, str, str]:
        iso = d.isoformat()
        known = self[d] = (d.toordinal(), iso + self.sep, iso)
        return known


class _Leads:
    """What comes before the line number in the rows of a reading: albumin and
    creatinine cells (of a computed ACR), and source."""

    def __init__(self, sep: str, text: Callable[[str], str]) -> None:
        self.sep, self.text = sep, text
        self.no_extra = sep * 4
        self.sources: dict[str, str] = {}
        # id(store) -> (store, the lead of all its readings, or None when they
        # differ): a registry is one file of plain readings, all with one lead.
        self.stores: dict[int, tuple[Readings, str | None]] = {}

    def source(self, source: str) -> str:
        cell = self.sources.get(source)
        if cell is None:
            cell = self.sources[source] = self.text(source) + self.sep
        return cell

    def of(self, t: Timeline) -> list[str]:
        store = t.store
        known = self.stores.get(id(store))
        if known is None:
            sources = store.sources
            same = not sources or sources.count(sources[0]) == len(sources)
            lead = self.no_extra + self.source(sources[0]) if same and sources else None
            known = self.stores[id(store)] = (store, None if store.creatinines else lead)
        if known[1] is not None:
            return [known[1]] * len(t.order)
        out = []
        extras, sep = store.creatinines, self.sep
        for i in t.order:
            source = self.source(store.sources[i])
            extra = extras.get(i)
            if extra is None:
                out.append(self.no_extra + source)
            else:
                a, cr = extra
                cells = [_number(a.value), a.unit.symbol, _number(cr.value), cr.unit.symbol]
                out.append(sep.join(cells) + sep + source)
        return out


def _measurement_cells(m: Measurement, c: Category) -> list[str]:
    return [
        _number(m.value),
        m.unit.symbol,
        m.censor,
        c.code,
        "true" if c.indicative else "false",
        _flag(c.nephrotic),
    ]


def _verdict_cells(v: Verdict) -> list[str]:
    """The change cells of a follow-up, from the rule's verdict."""
    change = v.change
    if change is None:
        return ["", "", "", v.note, "", "", "", ""]
    return [
        _figure(change.absolute),
        _figure(change.percent),
        change.bound,
        "converted" if change.converted else "",
        _flag(v.fall_30),
        _flag(v.doubling),
        _flag(v.beyond_rcv),
        v.category_change or "",
    ]


def _safe_cell(text: str) -> str:
    """Control characters escaped; a would-be formula prefixed with `'`."""
    if not text:
        return text
    # Also after leading spaces (` =1+1.csv`): LibreOffice's "Trim spaces" runs it.
    formula = text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START)
    if not text.isprintable():
        text = printable(text)
    if formula:
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


# TSV's one rule for text (README "Output formats"), as in PostgreSQL's text format:
# a backslash starts an escape, so a backslash itself is written `\\`; a tab, line
# feed and carriage return `\t`, `\n`, `\r`, so that no text splits a row or a cell.
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_cell(text: str) -> str:
    r"""A text cell of TSV: guarded as `_safe_cell` guards it, a backslash written
    `\\`, a tab, line feed and carriage return `\t`, `\n`, `\r`, another control
    character as `printable` writes it (`\x07`, `\u2028`). Read back by undoing each
    escape, it is the text (after a guard's `'`)."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")  # neither a formula start nor a number
    return _safe_cell(text)  # printable() writes a tab, LF, CR as \t, \n, \r


def _tsv_raw_cell(text: str) -> str:
    """A text cell of TSV with --raw: no guard, other control characters as read;
    only the four escapes that keep a row one line of cells (and keep it readable by
    the same rule): a backslash, tab, line feed and carriage return."""
    return text.translate(_TSV_ESCAPES)


def write_delimited(report: Report, out: IO[str], delimiter: str, raw: bool = False) -> None:
    """TSV or CSV: a header, then one row per reading and intervention it follows.

    Unless `raw`, text cells that a spreadsheet would run as formulas get a leading
    `'` and control characters are escaped; numbers are left as they are. A TSV text
    cell is always escaped by one rule (`_tsv_cell`, `_tsv_raw_cell`), never quoted.
    """
    write_timelines(_report_timelines(report), report.settings, out, delimiter, raw)


def write_timelines(
    timelines: Iterable[Timeline],
    settings: Settings,
    out: IO[str],
    delimiter: str,
    raw: bool = False,
) -> None:
    """`write_delimited` straight from the records' timelines, a few thousand rows
    at a time: a million-row report is never held whole, in objects or in text."""
    encode: Callable[[str], str]
    if delimiter == "\t":
        # TSV as IANA defines it, for cut and awk: never quoted; a text is escaped.
        encode = _tsv_raw_cell if raw else _tsv_cell
    else:
        quote = _Quoter(delimiter)
        encode = quote if raw else lambda cell: quote(_safe_cell(cell))
    seen: dict[str, str] = {}

    def text(cell: str) -> str:
        # A registry's patient IDs are letters and digits, which neither the guard
        # nor quoting or escaping changes: tens of thousands of them go straight
        # through. Other texts (interventions, sources) repeat: each is encoded once.
        if cell.isalnum():
            return cell
        known = seen.get(cell)
        if known is None:
            known = encode(cell)
            if len(seen) < 100_000:
                seen[cell] = known
        return known

    out.write(delimiter.join(COLUMNS) + "\n")
    write_in_batches(out, rows(timelines, settings, delimiter, text))


class _Quoter:
    """A CSV cell as `csv.writer` writes it (quoted when it holds the delimiter, a
    quote or a line break), remembered: the same patient or text is quoted once."""

    def __init__(self, delimiter: str) -> None:
        self._buffer = io.StringIO()
        # csv quotes a cell holding a character of its line terminator; with "\r\n"
        # that is a lone "\r" as well as "\n" (a reader breaks the row at either). The
        # terminator itself is cut off: rows end in "\n".
        self._writer = csv.writer(self._buffer, delimiter=delimiter, lineterminator="\r\n")
        self._end = 2
        self._seen: dict[str, str] = {}

    def __call__(self, cell: str) -> str:
        quoted = self._seen.get(cell)
        if quoted is None:
            if cell:
                self._buffer.seek(0)
                self._buffer.truncate()
                self._writer.writerow([cell])
                quoted = self._buffer.getvalue()[: -self._end]
            else:
                quoted = ""
            if len(self._seen) < 100_000:
                self._seen[cell] = quoted
        return quoted


# ---- markdown --------------------------------------------------------------------

# Each is written with a backslash, which markdown drops: `&` (an entity `&amp;`
# would show as `&`), `~` (strikethrough), `@` (an e-mail address becomes a link).
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#&~@"})
# GitHub and GitLab turn a bare address into a link: `http\://`, `www\.` are not.
_MD_AUTOLINK = lazy(r"(?i)(?<=[a-z])(?=://)|(?<![a-z0-9.])www(?=\.)")


def md_escape(text: str) -> str:
    """User text shown literally in markdown: no links, no emphasis, no entities,
    no strikethrough, no HTML."""
    text = printable(text).translate(_MD_SPECIAL)
    if "://" in text or "www." in text.lower():
        text = _MD_AUTOLINK().sub(lambda m: m[0] + "\\", text)
    return text


def write_markdown(blocks: list[Block], out: IO[str]) -> None:
    # The views are loaded here, not at start-up: TSV and CSV do without them.
    from albutrend.present.views import Grid, Heading, Line

    for block in blocks:
        if isinstance(block, Heading):
            out.write(f"### {md_escape(block.text)}\n\n")
        elif isinstance(block, Line):
            out.write(md_escape(block.text) + ("\n\n"))
        elif isinstance(block, Grid):
            _markdown_grid(block, out)


def _markdown_grid(grid: Grid, out: IO[str]) -> None:
    if grid.title:
        out.write(f"**{md_escape(grid.title)}**\n\n")
    out.write("| " + " | ".join(md_escape(c) for c in grid.columns) + " |\n")
    out.write("|" + "|".join("---" for _ in grid.columns) + "|\n")
    for row in grid.rows:
        out.write("| " + " | ".join(md_escape(c) for c in row) + " |\n")
    out.write("\n")
