"""The floor for `albutrend report examples/reference-case.txt --format table`: a
process that only imports Rich and prints tables and lines of the same size as that
report (two tables, 3 × 4 and 2 × 8 cells, and ten lines of text). Nothing is read,
parsed or computed: no command-line tool that draws Rich tables can start faster."""

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

console = Console(highlight=False, soft_wrap=False)


def table(columns: list[str], rows: list[list[str]]) -> Table:
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    for name in columns:
        t.add_column(Text(name), overflow="fold")
    for row in rows:
        t.add_row(*(Text(cell) for cell in row))
    return t


console.print(
    table(
        ["Date", "Value", "Category", "vs previous"],
        [
            ["9 Jun 2024", "2487.4 mg/L", "A3 range (macroalbuminuria), indicative", ""],
            ["26 Jul 2024", "1129.8 mg/L", "A3 range (macroalbuminuria), indicative", "−54.58%"],
            ["27 Oct 2024", "954.9 mg/L", "A3 range (macroalbuminuria), indicative", "−15.48%"],
        ],
    )
)
console.print(Text("Trend over all readings: −17.03% per month (−89.35% per year).", "dim"))
console.print()
console.print(Text("Intervention 26 Jun 2024: Received 100 million MSCs intravenously.", "bold"))
console.print(Text("Baseline 2487.4 mg/L on 9 Jun 2024, 17 days before (A3 range)."))
console.print(
    table(
        ["Date", "Day", "Value mg/L", "Δ mg/L", "Δ %", "≥30% fall", "RCV", "Category"],
        [
            ["26 Jul 2024", "30", "1129.8", "−1357.6", "−54.58%", "yes", "within", "A3"],
            ["27 Oct 2024", "123", "954.9", "−1532.5", "−61.61%", "yes", "beyond", "A3"],
        ],
    )
)
for line in (
    "Latest: −61.61% at day 123, beyond day-to-day variation.",
    "Trend since the baseline: −17.03% per month (−89.35% per year).",
    "Categories: KDIGO 2012 (A1 < 30, A2 30–300 inclusive, A3 > 300 mg/g).",
    "mg/L is a concentration, not an ACR: its placement is indicative.",
    "Day-to-day variation: reference change value (log-normal, Fokkema 2006).",
):
    console.print(Text(line, "dim"))
