"""The report in a terminal: Rich tables drawn from the plain blocks of `views`.

Every cell goes to Rich as `Text`, never as markup: an intervention written
`[red]` or `[/]` prints as written and cannot crash the renderer. Control
characters are escaped before they reach the terminal.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import IO, TYPE_CHECKING, Literal

from rich import box
from rich._ratio import ratio_reduce
from rich._wrap import divide_line
from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.terminal_theme import TerminalTheme
from rich.text import Text

from albutrend.clinical.categories import A1, A2, A3, INDETERMINATE
from albutrend.present.page import SAFE_HEAD
from albutrend.present.views import Block, Grid, Heading, Line
from albutrend.problems import printable

if TYPE_CHECKING:
    from albutrend.present.chart import ChartLine

CATEGORY_STYLES: dict[str, str] = {A1: "green", A2: "yellow", A3: "red"}
ROW_STYLES = {"good": "green", "warn": "red", "dim": "dim"}
LINE_STYLES = {"dim": "dim", "warn": "yellow", "good": "green"}
# What each part of a chart (`chart.Span.kind`) looks like in colour.
CHART_STYLES = {
    **CATEGORY_STYLES,
    INDETERMINATE: "bold",
    "bound": "bold",
    "cutoff-A2": "yellow",
    "cutoff-A3": "red",
    "intervention": "cyan",
    "connector": "dim",
    "axis": "dim",
    "title": "bold",
    "heading": "bold",
}


class _PipeAwareConsole(Console):
    """Rich exits 1 when a reader (`| head`) closes the pipe; albutrend ends
    quietly with 0 instead, so the error goes up to `cli._guard`."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def make_console(
    file: IO[str] | None = None,
    *,
    force_terminal: bool | None = None,
    width: int | None = None,
    record: bool = False,
) -> Console:
    # highlight=False: Rich would otherwise recolour numbers in our text at random.
    return _PipeAwareConsole(
        file=file,
        highlight=False,
        force_terminal=force_terminal,
        width=width,
        record=record,
        soft_wrap=False,
    )


def _text(value: str, style: str = "") -> Text:
    return Text(printable(value), style=style)


# What a render draws, in order: a text and its style (a Rich segment's first two
# fields), or a segment Rich drew.
Piece = tuple[str, Style | None] | Segment
NEWLINE: Piece = ("\n", None)


def render(blocks: list[Block], console: Console) -> None:
    """The blocks as Rich prints them (a heading bold after a blank line, a line
    wrapped between words, a grid as `_table`), drawn here and printed in one call:
    Rich's printing of thousands of lines and cells one by one was most of a clinic
    list's time. Without colours (a pipe, a file) the styles print as nothing, and
    the whole report goes to Rich as one text."""
    pieces: list[Piece] = []
    add = pieces.extend
    first = True
    width = console.width
    cells = _Cells()
    plain = console.color_system is None and not console.record
    for block in blocks:
        if isinstance(block, Heading):
            if not first:
                pieces.append(NEWLINE)
            add(_lines(block.text, "bold", console, width))
        elif isinstance(block, Line):
            add(_lines(block.text, LINE_STYLES.get(block.style, ""), console, width))
        elif isinstance(block, Grid):
            drawn = _grid(block, console, width, cells, plain)
            if drawn is None:
                # Too wide for the terminal: Rich wraps cells between words, and
                # lets the terminal wrap the line rather than cut a number off.
                drawn = list(console.render(_table(block), console.options))
                plain = False  # Rich's segments, printed as Rich prints them
            add(drawn)
        first = False
    if plain:
        segments = [Segment("".join(piece[0] for piece in pieces))]
    else:
        segments = [piece if isinstance(piece, Segment) else Segment(*piece) for piece in pieces]
    console.print(_Segments(segments), crop=False, end="")


# Characters Rich measures as one cell each (`get_character_cell_size`), learnt as
# they are met: a text of these alone is as wide as it is long, and so is every
# part of it (Rich adds up its characters' widths).
_ONE_CELL: set[str] = set()


def _one_cell(text: str) -> bool:
    """Whether every character of `text` takes one cell, as Rich measures it."""
    if _ONE_CELL.issuperset(text):
        return True
    for character in set(text).difference(_ONE_CELL):
        # A joiner or a variation selector changes its neighbours' widths.
        if character in "\u200d\ufe0f" or get_character_cell_size(character) != 1:
            return False
        _ONE_CELL.add(character)
    return True


# Characters that print as they are (`printable` leaves them) and take one cell:
# a text of these alone is printed as read, as wide as it is long. Learnt as met.
_PLAIN_CELL: set[str] = set()


def _plain_cells(text: str) -> bool:
    """Whether `printable(text) == text` and every character takes one cell."""
    if _PLAIN_CELL.issuperset(text):
        return True
    for character in set(text).difference(_PLAIN_CELL):
        if printable(character) != character or not _one_cell(character):
            return False
        _PLAIN_CELL.add(character)
    return True


def _width(text: str) -> int:
    """`cell_len(text)`, without measuring a text of one-cell characters."""
    return len(text) if _one_cell(text) else cell_len(text)


def _lines(text: str, style_name: str, console: Console, width: int) -> list[Piece]:
    """`console.print(_text(text, style_name))` as it draws it: wrapped between words
    to `width` (`printable` leaves no control code for `Text` to strip)."""
    style = console.get_style(style_name) if style_name else None
    plain = printable(text)
    one_cell = _one_cell(plain)
    if (len(plain) if one_cell else cell_len(plain)) <= width:
        return [(plain, style), NEWLINE]
    out: list[Piece] = []
    for line in _wrapped(plain, width, one_cell):
        out += [(line, style), NEWLINE]
    return out


_TRAILING_SPACE = re.compile(r"\s+$")  # as `Text.rstrip_end` finds it
_WORD = re.compile(r"\s*\S+\s*")  # as `rich._wrap.words` finds them


def _wrapped(plain: str, width: int, one_cell: bool = False) -> list[str]:
    """The lines of `Text(plain).wrap(console, width)` (a text without tabs or line
    breaks, as `printable` leaves it): Rich's own line breaks (`divide_line`), each
    line's spaces beyond the width dropped and a longer line cut to the width, as
    Rich does, without making a `Text` of every line (a clinic list wraps thousands).
    `one_cell`: every character of `plain` takes one cell (`_one_cell`)."""
    offsets = _divided(plain, width) if one_cell else divide_line(plain, width, fold=True)
    out = []
    for start, end in zip([0, *offsets], [*offsets, len(plain)], strict=True):
        line = plain[start:end]
        if len(line) > width:
            spaces = _TRAILING_SPACE.search(line)
            if spaces is not None:
                line = line[: len(line) - min(len(spaces[0]), len(line) - width)]
        if (len(line) if one_cell else cell_len(line)) > width:
            line = set_cell_size(line, width)
        out.append(line)
    return out


def _divided(plain: str, width: int) -> list[int]:
    """`divide_line(plain, width, fold=True)` for a text of one-cell characters,
    found a line at a time: a word fits on a line when its text ends within `width`
    cells of the line's start, so a line breaks at the start of the word that holds
    its first cell beyond (or after the spaces there). A printable text has no
    whitespace but spaces. Anything else (a word longer than a line, spaces first)
    is left to `_divided_by_words`."""
    if not plain.isprintable():
        return _divided_by_words(plain, width)
    breaks: list[int] = []
    n = len(plain)
    start = 0
    while start + width < n:
        beyond = start + width
        if plain[beyond] == " ":
            if not plain[start:beyond].strip(" "):
                return _divided_by_words(plain, width)  # nothing but spaces yet
            following = n - len(plain[beyond:].lstrip(" "))
            if following == n:
                break  # the last word's spaces
        else:
            following = plain.rfind(" ", start, beyond) + 1
            if following <= start or not plain[start:following].strip(" "):
                return _divided_by_words(plain, width)  # a word wider than a line
        breaks.append(following)
        start = following
    return breaks


def _divided_by_words(plain: str, width: int) -> list[int]:
    """`divide_line(plain, width, fold=True)` for a text of one-cell characters,
    where a word's width is its length: Rich's steps, without measuring each word.
    A word longer than the width (folded across lines) is left to Rich."""
    breaks: list[int] = []
    offset = 0
    for word in _WORD.finditer(plain):
        text = word[0]
        length = len(text.rstrip())
        if width - offset >= length:
            offset += len(text)
        elif length > width:
            return divide_line(plain, width, fold=True)
        else:
            start = word.start()
            if offset and start:
                breaks.append(start)
                offset = len(text)
    return breaks


class _Cells:
    """What a render learns of its cells, kept across its grids: a clinic list's
    tables repeat the same dates, values, categories and marks in every patient."""

    def __init__(self) -> None:
        # A cell as read -> as printed, its width in cells, its longest word (as read).
        self.cells: dict[str, tuple[str, int, int]] = {}
        # (inner width, right-justified, never wrapped) -> printed cell -> its lines.
        self.fitted: dict[tuple[int, bool, bool], dict[str, list[str]]] = {}
        # (columns, natural widths, longest words, console width) -> `_widths`.
        self.layouts: dict[tuple[object, ...], tuple[list[int], list[int]] | None] = {}

    def of(self, cell: str) -> tuple[str, int, int]:
        known = self.cells.get(cell)
        if known is None:
            shown = printable(cell)
            words = cell.split()
            longest = max(len(word) for word in words) if words else 0
            width = len(shown) if shown.isascii() else cell_len(shown)
            known = self.cells[cell] = (shown, width, longest)
        return known


def _widths(
    natural: list[int], least: list[int], pads: list[int], nowrap: list[bool], console_width: int
) -> tuple[list[int], list[int]] | None:
    """The columns' widths, and the room inside each, as Rich sets them (see `_grid`);
    None when a column has no room at all."""
    n = len(natural)
    room = console_width - (n - 1)
    if room - 1 < 1:
        return None

    def measured(limit: list[int]) -> list[int]:
        return [max(min(natural[k] + pads[k], limit[k]), least[k] + pads[k]) for k in range(n)]

    widths = [w or 1 for w in measured([room] * n)]
    if sum(widths) > room:
        limits = Table._collapse_widths(widths, [not x for x in nowrap], room)
        if sum(limits) > room:  # Rich's last resort: every column narrowed alike
            limits = ratio_reduce(sum(limits) - room, [1] * n, limits, limits)
        if min(limits) < 1:
            return None  # Rich drops a column with no room: rare, Rich draws it
        # No column narrower than its longest word: the table may then be wider
        # than the console, as Rich draws it (the terminal wraps its lines).
        widths = measured(limits)
    inner = [w - p for w, p in zip(widths, pads, strict=True)]
    if any(w < 1 for w in inner):
        return None  # a column with no room at all: rare, Rich draws it
    return widths, inner


def _grid(
    grid: Grid,
    console: Console,
    console_width: int,
    cells: _Cells | None = None,
    plain: bool = False,
) -> list[Piece] | None:
    """The table Rich draws of `grid` (`_table`), drawn here: a clinic list's
    thousands of rows took Rich 4 ms each (measuring, wrapping and padding every
    cell in objects), here about a µs. The column widths are Rich's (its measuring,
    `_collapse_widths` for a table wider than the console, then its last resort),
    and a cell too long for its column is wrapped by Rich's own `Text.wrap`. Each
    distinct cell of a column is measured and fitted once (a column of plain text
    all at once); the rows are then joined from what their cells became (`plain`:
    the styles are not printed, the rows are one text). None when a column has no
    room at all: `_table` draws that."""
    cells = cells or _Cells()
    of = cells.of
    columns = grid.columns
    n = len(columns)
    head_cells = [of(name) for name in columns]
    heads = [shown for shown, _, _ in head_cells]
    pads = [1] * (n - 1) + [0]  # Rich's padding (0, 1), collapsed, no edge padding
    natural = [width for _, width, _ in head_cells]
    # The longest word, as `_table` gives it to Rich as the column's min_width.
    least = [longest for _, _, longest in head_cells]
    rows = grid.rows
    # Column by column, each distinct cell once (a clinic list repeats many).
    by_column = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    distinct = [dict.fromkeys(column) for column in by_column]
    # The longest cell of a column whose cells all print as read, one cell per
    # character (measured as one text); -1 for another column (cell by cell).
    plain_width = [-1] * n
    for k, column in enumerate(distinct):
        if not column:
            continue
        joined = " ".join(column)
        if _plain_cells(joined):
            plain_width[k] = widest = max(map(len, column))
            if widest > natural[k]:
                natural[k] = widest
            # Without a space in any cell, a cell is its one word.
            if joined.count(" ") == len(column) - 1:
                longest = widest
            else:
                longest = max(map(len, joined.split()), default=0)
            if longest > least[k]:
                least[k] = longest
            continue
        for cell in column:
            _, width, longest = of(cell)
            if width > natural[k]:
                natural[k] = width
            if longest > least[k]:
                least[k] = longest
    nowrap = [name in ("Date", "Day") for name in columns]
    # Grids of the same columns and measures (a clinic list's follow-ups) are laid
    # out alike.
    shape = (tuple(columns), tuple(natural), tuple(least), console_width)
    if shape in cells.layouts:
        laid_out = cells.layouts[shape]
    else:
        laid_out = cells.layouts[shape] = _widths(natural, least, pads, nowrap, console_width)
    if laid_out is None:
        return None
    widths, inner = laid_out
    total = sum(widths) + n - 1
    right = [name == "Day" or name.startswith("Δ") or name.startswith("Value ") for name in columns]
    fitted = [cells.fitted.setdefault(spec, {}) for spec in zip(inner, right, nowrap, strict=True)]
    category_column = columns.index("Category") if "Category" in columns else -1

    def cell_lines(k: int, cell: str) -> list[str] | None:
        width = _width(cell)
        if width <= inner[k]:
            if right[k]:  # Rich drops the spaces at the end of a right-justified line
                cell = cell.rstrip()
                return [" " * (inner[k] - _width(cell)) + cell]
            return [cell + " " * (inner[k] - width)]
        if nowrap[k]:
            return None  # Rich would not wrap it
        justify: Literal["left", "right"] = "right" if right[k] else "left"
        lines = Text(cell).wrap(console, inner[k], justify=justify, overflow="ellipsis")
        known = []
        for line in lines:
            pad = " " * max(0, inner[k] - cell_len(line.plain))
            known.append(pad + line.plain if right[k] else line.plain + pad)
        return known

    def lines_of(k: int, cell: str) -> list[str] | None:
        lines = fitted[k].get(cell)
        if lines is None:
            lines = cell_lines(k, cell)
            if lines is not None:
                fitted[k][cell] = lines
        return lines

    # Each distinct cell as printed and fitted to its column: its first line, and
    # all its lines when it has several.
    shown_of = cells.cells
    first_line: list[dict[str, str]] = []
    taller: list[dict[str, list[str]]] = []
    for k, column in enumerate(distinct):
        w = inner[k]
        tall: dict[str, list[str]] = {}
        if 0 <= plain_width[k] <= w:  # every cell on one line, as Rich pads it
            if right[k]:
                first = dict(
                    zip(column, map(str.rjust, map(str.rstrip, column), repeat(w)), strict=True)
                )
            else:
                first = dict(zip(column, map(str.ljust, column, repeat(w)), strict=True))
        else:
            first = {}
            for cell in column:
                shown = shown_of[cell][0] if cell in shown_of else of(cell)[0]
                lines = lines_of(k, shown)
                if lines is None:
                    return None  # Rich would not wrap it: `_table` draws the grid
                first[cell] = lines[0]
                if len(lines) > 1:
                    tall[cell] = lines
        first_line.append(first)
        taller.append(tall)
    head_lines = []
    for k, head in enumerate(heads):
        lines = lines_of(k, head)
        if lines is None:
            return None
        head_lines.append(lines)

    pieces: list[Piece] = []
    add = pieces.append
    styles: dict[tuple[str, str], Style | None] = {}

    def style_of(row_style: str, cell_style: str = "") -> Style | None:
        key = (row_style, cell_style)
        if key not in styles:
            parts = [console.get_style(name) for name in key if name]
            styles[key] = Style.combine(parts) if parts else None
        return styles[key]

    join = "  ".join
    cc = category_column

    def line(texts: Sequence[str], style: Style | None, category: Style | None) -> None:
        if category is not None:
            # The category in its colour; the rest of the row (the columns' gaps
            # too: spaces) in the row's style.
            if cc:
                add((join(texts[:cc]) + "  ", style))
            add((texts[cc], category))
            if cc < n - 1:
                add(("  " + join(texts[cc + 1 :]), style))
        else:
            add((join(texts), style))
        add(NEWLINE)

    if grid.title:  # as Rich sets it: wrapped to the table's width, bold
        bold = style_of("bold")
        for title_line in _text(grid.title).wrap(console, total, justify="left"):
            add((title_line.plain + " " * max(0, total - cell_len(title_line.plain)), bold))
            add(NEWLINE)
    # The header, bold, set at the bottom of its row as Rich sets it.
    height = max(map(len, head_lines))
    for j in range(height):
        texts = []
        for k, lines in enumerate(head_lines):
            i = j - (height - len(lines))
            texts.append(lines[i] if 0 <= i < len(lines) else " " * inner[k])
        line(texts, style_of("bold"), None)
    add(("─" * total, None))
    add(NEWLINE)
    if not rows:
        return pieces
    firsts = list(
        zip(*(map(first_line[k].__getitem__, by_column[k]) for k in range(n)), strict=True)
    )
    # The lines after the first of a row with a cell of several lines (a cell set
    # at the top of its row, as Rich sets it), and whether its category is on each:
    # they depend only on the row's cells in the columns with such cells.
    blank = [" " * w for w in inner]
    tall_columns = [k for k in range(n) if taller[k]]
    keys: Sequence[object] = ()
    more: dict[object, list[tuple[list[str], bool]]] = {}
    if tall_columns:
        keys = (
            by_column[tall_columns[0]]
            if len(tall_columns) == 1
            else list(zip(*(by_column[k] for k in tall_columns), strict=True))
        )
        for key in set(keys):
            parts = (key,) if len(tall_columns) == 1 else key
            drawn: list[list[str] | None] = [None] * n
            for k, cell in zip(tall_columns, parts, strict=True):
                drawn[k] = taller[k].get(cell)
            height = max(len(lines) if lines else 1 for lines in drawn)
            in_category = drawn[cc] if cc >= 0 else None
            more[key] = [
                (
                    [
                        lines[j] if lines is not None and j < len(lines) else blank[k]
                        for k, lines in enumerate(drawn)
                    ],
                    in_category is not None and j < len(in_category),
                )
                for j in range(1, height)
            ]
    if plain:  # one text: the styles would print as nothing
        body: Iterable[str] = map(join, firsts)
        if more:
            after = {
                key: "".join("\n" + join(texts) for texts, _ in lines)
                for key, lines in more.items()
            }
            body = map(str.__add__, body, map(after.__getitem__, keys))
        add(("\n".join(body) + "\n", None))
        return pieces
    hints = grid.styles or [""] * len(rows)
    row_styles = {hint: ROW_STYLES.get(hint, "") for hint in set(hints)}
    colours: dict[str, str] = {}
    if cc >= 0:
        for cell in distinct[cc]:
            shown = shown_of[cell][0] if cell in shown_of else printable(cell)
            colours[cell] = CATEGORY_STYLES.get(shown[:2], "")
    categories = list(map(colours.__getitem__, by_column[cc])) if cc >= 0 else [""] * len(rows)
    for i, (texts_0, hint, category) in enumerate(zip(firsts, hints, categories, strict=True)):
        row_style = row_styles[hint]
        style = style_of(row_style)
        coloured = style_of(row_style, category) if category else None
        line(texts_0, style, coloured)
        if more:
            for texts_j, in_category_j in more[keys[i]]:
                line(texts_j, style, coloured if in_category_j else None)
    return pieces


class _Segments:
    """Lines drawn as Rich segments, printed as they are."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return self.segments


def _table(grid: Grid) -> Table:
    table = Table(
        title=_text(grid.title, "bold") if grid.title else None,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    category_column = grid.columns.index("Category") if "Category" in grid.columns else -1
    for k, name in enumerate(grid.columns):
        numeric = name == "Day" or name.startswith("Δ") or name.startswith("Value ")
        # A narrow terminal may wrap a cell between words, never inside one:
        # `1129.` over `8` reads as a different number.
        longest_word = max(
            len(word) for text in (name, *(row[k] for row in grid.rows)) for word in text.split()
        )
        table.add_column(
            _text(name),
            justify="right" if numeric else "left",
            min_width=longest_word,
            no_wrap=name in ("Date", "Day"),
        )
    for row, hint in zip(grid.rows, grid.styles or [""] * len(grid.rows), strict=True):
        cells = []
        for k, cell in enumerate(row):
            style = ""
            if k == category_column:
                style = CATEGORY_STYLES.get(cell[:2], "")
            cells.append(_text(cell, style))
        table.add_row(*cells, style=ROW_STYLES.get(hint, ""))
    return table


def render_chart(lines: list[ChartLine], console: Console) -> None:
    """A chart from `chart`, its parts coloured by what they show."""
    for line in lines:
        text = Text(printable(line.text))
        for span in line.spans:
            style = CHART_STYLES.get(span.kind, "")
            if style:
                text.stylize(style, span.start, span.end)
        console.print(text)


# ---- saved reports (`report --save`) ------------------------------------------------

# A light page that prints well: the terminal's colours darkened to read on white.
PAGE_THEME = TerminalTheme(
    (255, 255, 255),
    (28, 28, 28),
    [
        (28, 28, 28),
        (178, 24, 36),  # red: A3, a rise beyond day-to-day variation
        (24, 118, 50),  # green: A1, a 30% fall
        (146, 96, 0),  # yellow (amber on white): A2
        (28, 80, 180),
        (136, 46, 140),
        (0, 112, 128),
        (120, 120, 120),
    ],
)

# Rich's own templates are not used: its SVG loads a font from a CDN. These pages
# reference nothing outside themselves, and the policy forbids the browser to fetch
# anything even if a future change slipped a reference in.
HTML_PAGE = (
    """\
<!DOCTYPE html>
<html lang="en">
<head>
"""
    + SAFE_HEAD
    + """\
<title>albutrend report</title>
<style>
{stylesheet}
body {{
    color: {foreground};
    background-color: {background};
    margin: 1.5em;
}}
pre {{
    font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", "Courier New", monospace;
    font-size: 13px;
    line-height: 1.35;
}}
</style>
</head>
<body>
<pre><code style="font-family:inherit">{code}</code></pre>
</body>
</html>
"""
)

SVG_PAGE = """\
<svg class="rich-terminal" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">
    <style>
    .{unique_id}-matrix {{
        font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
        font-size: {char_height}px;
        line-height: {line_height}px;
        font-variant-east-asian: full-width;
    }}

    .{unique_id}-title {{
        font-size: 18px;
        font-weight: bold;
        font-family: sans-serif;
    }}

    {styles}
    </style>

    <defs>
    <clipPath id="{unique_id}-clip-terminal">
      <rect x="0" y="0" width="{terminal_width}" height="{terminal_height}" />
    </clipPath>
    {lines}
    </defs>

    <g transform="translate({terminal_x}, {terminal_y})"
       clip-path="url(#{unique_id}-clip-terminal)">
    {backgrounds}
    <g class="{unique_id}-matrix">
    {matrix}
    </g>
    </g>
</svg>
"""

SAVE_KINDS = ("html", "svg", "text")


def export(blocks: list[Block], kind: str, width: int) -> str:
    """The report as the terminal shows it, `width` columns wide, as a standalone
    HTML page, an SVG picture or plain text."""
    console = make_console(io.StringIO(), width=width, record=True)
    render(blocks, console)
    if kind == "html":
        return console.export_html(theme=PAGE_THEME, code_format=HTML_PAGE)
    if kind == "svg":
        return console.export_svg(title="albutrend report", theme=PAGE_THEME, code_format=SVG_PAGE)
    if kind == "text":  # without the padding Rich leaves at the end of lines
        return "".join(line.rstrip() + "\n" for line in console.export_text().splitlines())
    raise ValueError(f"unknown kind {kind!r}")
