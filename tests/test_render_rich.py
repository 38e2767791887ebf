"""The terminal's tables: albutrend draws them itself (Rich took 4 ms a row on a
clinic list), exactly as Rich's Table drew them, at any width."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from albutrend.present.terminal import _grid, _table, make_console, render
from albutrend.present.views import Grid, Line
from albutrend.problems import printable

COLUMNS = [
    ["Date", "Value", "Category", "vs previous"],
    ["Date", "Day", "Value mg/L", "Δ mg/L", "Δ %", "≥30% fall", "RCV", "Category"],
    ["Date", "Day", "Value mg/g", "Δ mg/g", "Δ %", "≥30% fall", "Doubling", "RCV", "Category"],
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


def rich_drew(grid: Grid, width: int, colour: bool = False) -> str:
    console = make_console(io.StringIO(), width=width, force_terminal=colour or None)
    console.print(_table(grid), crop=False)
    return console.file.getvalue()  # type: ignore[attr-defined]


@settings(max_examples=300)
@given(grids(), st.integers(20, 160))
def test_a_grid_is_drawn_as_rich_draws_it(grid, width):
    console = make_console(io.StringIO(), width=width)
    render([grid], console)
    assert console.file.getvalue() == rich_drew(grid, width)


def test_rows_of_several_lines_in_colour_keep_each_part_in_its_style():
    # A long category wraps under itself, in its colour; the other cells of the row
    # are blank on those lines, in the row's style; a plain row's gaps carry no code.
    rows = [
        ["9 Jun 2024", "32 mg/g", "A2 moderately increased (microalbuminuria) (A1 ✓)", ""],
        ["10 Jun 2024", "1029.3 mg/g", "A3 severely increased", "+3116.56%"],
        ["11 Jun 2024", "8.2 mg/g", "A1 normal to mildly increased (normoalbuminuria)", "−99%"],
    ]
    grid = Grid("", ["Date", "Value", "Category", "vs previous"], rows, ["", "warn", "good"])
    console = make_console(io.StringIO(), width=60, force_terminal=True)
    render([grid], console)
    bold, yellow, red, green, end = "\x1b[1m", "\x1b[33m", "\x1b[31m", "\x1b[32m", "\x1b[0m"
    assert console.file.getvalue().splitlines() == [
        f"{bold}Date         Value        Category               vs previous{end}",
        "─" * 60,
        f"9 Jun 2024   32 mg/g      {yellow}A2 moderately        {end}             ",
        f"                          {yellow}increased            {end}             ",
        f"                          {yellow}(microalbuminuria)   {end}             ",
        f"                          {yellow}(A1 ✓)               {end}             ",
        f"{red}10 Jun 2024  1029.3 mg/g  {end}{red}A3 severely increased{end}"
        f"{red}  +3116.56%  {end}",
        f"{green}11 Jun 2024  8.2 mg/g     {end}{green}A1 normal to mildly  {end}"
        f"{green}  −99%       {end}",
        f"{green}                          {end}{green}increased            {end}"
        f"{green}             {end}",
        f"{green}                          {end}{green}(normoalbuminuria)   {end}"
        f"{green}             {end}",
    ]
    plain = make_console(io.StringIO(), width=60)
    render([grid], plain)
    assert plain.file.getvalue() == rich_drew(grid, 60)


def test_a_grid_in_colour_colours_categories_and_rows():
    grid = Grid("", ["Date", "Category"], [["9 Jun 2024", "A3 range"]], ["dim"])
    console = make_console(io.StringIO(), width=80, force_terminal=True)
    render([grid], console)
    out = console.file.getvalue()
    assert "\x1b[2;31mA3 range" in out  # dim row, red A3
    assert "\x1b[1mDate" in out  # a bold header


def test_a_grid_wider_than_the_console_is_drawn_by_albutrend_as_rich_draws_it():
    # Nine columns of follow-ups do not fit 80 columns with their longest words:
    # Rich narrows every column alike and lets the table run past the console
    # (its last resort); albutrend draws the same, not through Rich's Table.
    columns = ["Date", "Day", "Value mg/g", "Δ mg/g", "Δ %", "≥30% fall", "Doubling"]
    columns += ["RCV", "Category"]
    row = ["14 Aug 2023", "101", "57.2", "+49.2", "+615.00%", "no", "yes", "beyond", "A2 ↑"]
    grid = Grid("Intervention 26 Jun 2023: Started ramipril", columns, [row], [""])
    console = make_console(io.StringIO(), width=80)
    drawn = _grid(grid, console, 80)
    assert drawn is not None
    render([grid], console)
    out = console.file.getvalue()
    assert out == rich_drew(grid, 80)
    assert max(len(line) for line in out.splitlines()) == 82
    assert out.splitlines()[2] == (
        "Date         Day      mg/g  Δ mg/g       Δ %  fall      Doubling  RCV     Category"
    )


TEXTS = st.one_of(
    st.text(alphabet=st.sampled_from("ab ,.−%漢😀\t\n"), max_size=200),
    st.sampled_from(
        [
            "Trend over all readings: −17.03% per month, 3 readings over 140 days; "
            "log-linear, descriptive, not a test.",
            "x" * 150 + "  " + "y" * 10 + "   ",
        ]
    ),
)


@settings(max_examples=300)
@given(TEXTS, st.integers(1, 120), st.sampled_from(["", "dim", "warn"]))
def test_a_line_is_wrapped_as_rich_wraps_it(text, width, style):
    console = make_console(io.StringIO(), width=width)
    render([Line(text, style)], console)
    rich = make_console(io.StringIO(), width=width)
    rich.print(Text(printable(text), style={"dim": "dim", "warn": "yellow"}.get(style, "")))
    assert console.file.getvalue() == rich.file.getvalue()


@settings(max_examples=500)
@given(
    st.lists(st.sampled_from(["a", "bc", "−", "%", "1.5", " ", "  ", "x" * 12]), max_size=30),
    st.integers(1, 30),
)
def test_a_line_of_one_cell_characters_breaks_where_rich_breaks_it(parts, width):
    # A line at a time (the word holding the first cell beyond the width goes to the
    # next line): the same breaks as Rich's word by word, spaces first and words
    # wider than a line included.
    from rich._wrap import divide_line

    from albutrend.present.terminal import _divided

    text = "".join(parts)
    assert _divided(text, width) == divide_line(text, width, fold=True)
