"""Choosing and writing an output format. No typer here; Rich is imported only when
a terminal table is asked for, so a pipe never pays for it."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import IO

from .analysis import Report, Settings, Timeline
from .problems import AlbutrendError, UsageError, printable

FORMATS = ("auto", "table", "tsv", "csv", "json", "jsonl", "markdown")
# Formats written row by row from the records: a registry file's report is never
# held whole (the others need every result at once, and serve smaller inputs).
STREAMED = ("tsv", "csv", "jsonl")


def stdout_is_terminal(
    stream: IO[str] | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """Whether Rich would treat `stream` as a terminal: TTY_COMPATIBLE and
    FORCE_COLOR first, as Rich documents them, then isatty()."""
    env = os.environ if environ is None else environ
    stream = stream or sys.stdout
    tty_compatible = env.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    force_color = env.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def resolve_format(fmt: str, stream: IO[str] | None = None) -> str:
    """`auto` is a table on a terminal and TSV anywhere else."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")
    if fmt == "auto":
        return "table" if stdout_is_terminal(stream) else "tsv"
    return fmt


def write_report(report: Report, fmt: str, out: IO[str], *, raw: bool = False) -> None:
    """Write `report` to `out` in a resolved format (not `auto`)."""
    if fmt == "table":  # the consult's path: no export module to load
        from .render_rich import make_console, render
        from .views import report_blocks

        render(report_blocks(report), make_console(out))
        return
    from . import export

    if fmt == "tsv":
        export.write_delimited(report, out, "\t", raw=raw)
    elif fmt == "csv":
        export.write_delimited(report, out, ",", raw=raw)
    elif fmt == "json":
        export.write_json(report, out)
    elif fmt == "jsonl":
        export.write_jsonl(report, out)
    elif fmt == "markdown":
        from .views import report_blocks

        export.write_markdown(report_blocks(report), out)
    else:
        raise UsageError(f"unknown format '{fmt}'")


# ---- `report --save` -------------------------------------------------------------

# The file's extension says what to write (any case).
SAVE_EXTENSIONS = {".html": "html", ".htm": "html", ".svg": "svg", ".txt": "text"}
# A saved report is as wide as this whatever the terminal: the same input gives
# the same file.
SAVE_WIDTH = 100


def save_kind(path: str, inputs: list[str]) -> str:
    """What `--save PATH` writes (html, svg or text), refusing a path that cannot or
    must not be written: checked before anything is read, so a mistake costs nothing."""
    shown = printable(path)
    extension = os.path.splitext(path)[1].lower()
    if os.path.isdir(path):
        raise UsageError(f"--save: '{shown}' is a directory; name a file, e.g. report.html")
    if extension not in SAVE_EXTENSIONS:
        raise UsageError(
            f"--save: '{shown}' has {f'the extension {extension}' if extension else 'no extension'}"
            "; use .html, .svg or .txt"
        )
    parent = os.path.dirname(path) or "."
    if not os.path.isdir(parent):
        raise UsageError(f"--save: '{shown}': no directory '{printable(parent)}'")
    if os.path.exists(path):
        for source in inputs:
            if os.path.exists(source) and os.path.samefile(source, path):
                raise UsageError(f"--save: '{shown}' is an input file; save the report elsewhere")
    return SAVE_EXTENSIONS[extension]


def save_report(report: Report, path: str, kind: str) -> None:
    """Write the terminal's view of `report` to `path` (replacing a file there) and
    nowhere else."""
    from . import __version__
    from .render_rich import export
    from .views import Block, Line, report_blocks

    # A saved report stands on its own: it says what it was made from and what was
    # left out while reading.
    source = ", ".join(report.sources) or "standard input"
    blocks: list[Block] = [Line(f"albutrend {__version__} report of {source}", "dim")]
    blocks += report_blocks(report)
    blocks += [Line(f"Note: {warning}", "dim") for warning in report.warnings[:20]]
    content = export(blocks, kind, SAVE_WIDTH)
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.write(content)
    except IsADirectoryError:
        raise UsageError(f"--save: '{printable(path)}' is a directory") from None
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise AlbutrendError(f"--save: cannot write '{printable(path)}': {reason}") from None


def write_rows(
    timelines: list[Timeline], settings: Settings, fmt: str, out: IO[str], *, raw: bool = False
) -> None:
    """Write a STREAMED format straight from the timelines (`analysis.timelines`):
    the same text as `write_report` on `analysis.analyse`'s report."""
    from . import export

    if fmt == "jsonl":
        export.write_timelines_jsonl(timelines, settings, out)
    elif fmt in ("tsv", "csv"):
        export.write_timelines(timelines, settings, out, "\t" if fmt == "tsv" else ",", raw)
    else:
        raise UsageError(f"format '{fmt}' is not written row by row")
