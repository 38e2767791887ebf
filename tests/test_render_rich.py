"""The terminal's tables: albutrend draws them itself (Rich took 4 ms a row on a
clinic list), exactly as Rich's Table drew them, at any width."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from albutrend.present.terminal import _table, make_console, render
from albutrend.present.views import Grid

COLUMNS = [
    ["Date", "Value", "Category", "vs previous"],
    ["Date", "Day", "Value mg/L", "Δ mg/L", "Δ %", "≥30% fall", "RCV", "Category"],
]
WORDS = st.sampled_from(
    ["9 Jun 2024", "1129.8", "−54.58%", "A3 range (macroalbuminuria), indicative", "A2", "yes"]
)
CELLS = st.one_of(
    WORDS,
    st.text(alphabet=st.sampled_from("ab 1.−%漢😀\t"), max_size=30),
)


@st.composite
def grids(draw: st.DrawFn) -> Grid:
    columns = draw(st.sampled_from(COLUMNS))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(columns), max_size=len(columns)), max_size=5))
    styles = [draw(st.sampled_from(["", "dim", "good", "warn"])) for _ in rows]
    title = draw(st.sampled_from(["", "Intervention 26 Jun 2024: Received 100 million MSCs " * 2]))
    return Grid(title, columns, rows, styles)


def rich_drew(grid: Grid, width: int) -> str:
    console = make_console(io.StringIO(), width=width)
    console.print(_table(grid), crop=False)
    return console.file.getvalue()  # type: ignore[attr-defined]


@settings(max_examples=300)
@given(grids(), st.integers(20, 160))
def test_a_grid_is_drawn_as_rich_draws_it(grid, width):
    console = make_console(io.StringIO(), width=width)
    render([grid], console)
    assert console.file.getvalue() == rich_drew(grid, width)


def test_a_grid_in_colour_colours_categories_and_rows():
    grid = Grid("", ["Date", "Category"], [["9 Jun 2024", "A3 range"]], ["dim"])
    console = make_console(io.StringIO(), width=80, force_terminal=True)
    render([grid], console)
    out = console.file.getvalue()
    assert "\x1b[2;31mA3 range" in out  # dim row, red A3
    assert "\x1b[1mDate" in out  # a bold header
