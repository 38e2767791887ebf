"""The report in a terminal: Rich tables drawn from the plain blocks of `views`.

Every cell goes to Rich as `Text`, never as markup: an intervention written
`[red]` or `[/]` prints as written and cannot crash the renderer. Control
characters are escaped before they reach the terminal.
"""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.terminal_theme import TerminalTheme
from rich.text import Text

from .problems import printable
from .views import Block, Grid, Heading, Line

if TYPE_CHECKING:
    from .chart import ChartLine

CATEGORY_STYLES = {"A1": "green", "A2": "yellow", "A3": "red"}
ROW_STYLES = {"good": "green", "warn": "red", "dim": "dim"}
LINE_STYLES = {"dim": "dim", "warn": "yellow", "good": "green"}
# What each part of a chart (`chart.Span.kind`) looks like in colour.
CHART_STYLES = {
    **CATEGORY_STYLES,
    "indeterminate": "bold",
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


def render(blocks: list[Block], console: Console) -> None:
    first = True
    for block in blocks:
        if isinstance(block, Heading):
            if not first:
                console.print()
            console.print(_text(block.text, "bold"))
        elif isinstance(block, Line):
            console.print(_text(block.text, LINE_STYLES.get(block.style, "")))
        elif isinstance(block, Grid):
            # Too wide for the terminal: let the terminal wrap the line rather than
            # cut a number off.
            console.print(_table(block), crop=False)
        first = False


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
HTML_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
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

    {chrome}
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
