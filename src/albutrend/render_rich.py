"""The report in a terminal: Rich tables drawn from the plain blocks of `views`.

Every cell goes to Rich as `Text`, never as markup: an intervention written
`[red]` or `[/]` prints as written and cannot crash the renderer. Control
characters are escaped before they reach the terminal.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
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


def make_console(
    file: IO[str] | None = None,
    *,
    force_terminal: bool | None = None,
    width: int | None = None,
    record: bool = False,
) -> Console:
    # highlight=False: Rich would otherwise recolour numbers in our text at random.
    return Console(
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
            console.print(_table(block))
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
    for name in grid.columns:
        numeric = name == "Day" or name.startswith("Δ") or name.startswith("Value ")
        table.add_column(
            _text(name),
            justify="right" if numeric else "left",
            overflow="fold",
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
