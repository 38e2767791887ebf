"""The command line: reads arguments, calls the library, picks an output.

Exit codes (README "Exit codes"): 0 ok, 1 bad data, 2 bad usage, 130 interrupted,
70 internal error. Errors a user can cause are one line on stderr; a traceback
only with `albutrend --debug`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from . import __version__
from .problems import AlbutrendError, BadInput, UsageError

if TYPE_CHECKING:  # imported lazily at run time: start-up is the consult's cost
    from .records import Records

EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70
PROBLEMS_SHOWN = 20

app = typer.Typer(
    name="albutrend",
    help="Urine albumin trends since each intervention, by KDIGO albuminuria category.",
    add_completion=False,
    no_args_is_help=True,
    # Square brackets in help ([mg/g]) must print as written, and a traceback must
    # not print patient data: no markup, no pretty exceptions.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


class Format(StrEnum):
    auto = "auto"
    table = "table"
    tsv = "tsv"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"


class Decimal(StrEnum):
    auto = "auto"
    point = "point"
    comma = "comma"


class AcrUnit(StrEnum):
    mg_g = "mg/g"
    mg_mmol = "mg/mmol"


_state = {"debug": False}


def _say(message: str) -> None:
    sys.stderr.write(f"albutrend: {message}\n")


@contextmanager
def _guard() -> Iterator[None]:
    """Turn every way a command can end into a message and a documented exit code."""
    try:
        yield
    except BadInput as e:
        _show_problems(e)
        raise typer.Exit(1) from None
    except AlbutrendError as e:
        _say(str(e))
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt:
        _say("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        # The reader (`| head`) has what it wanted: end quietly.
        _silence_stdout()
        raise typer.Exit(0) from None
    except Exception as e:
        if _state["debug"]:
            raise
        # No message text: it could hold a value from the patient's file.
        _say(
            f"internal error ({type(e).__name__}). Nothing was written. Run "
            "'albutrend --debug …' to see where, and report it without patient data."
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _show_problems(e: BadInput) -> None:
    for problem in e.problems[:PROBLEMS_SHOWN]:
        sys.stderr.write(f"{problem}\n")
    more = e.total - min(len(e.problems), PROBLEMS_SHOWN)
    if more > 0:
        sys.stderr.write(f"… and {more} more problem(s)\n")
    _say(
        f"{e.total} problem(s) in the input; nothing reported. Fix them, or use "
        "--skip-invalid to report the rest."
    )


def _warn_all(warnings: list[str]) -> None:
    for warning in warnings[:PROBLEMS_SHOWN]:
        _say(f"warning: {warning}")
    if len(warnings) > PROBLEMS_SHOWN:
        _say(f"… and {len(warnings) - PROBLEMS_SHOWN} more warning(s)")


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"albutrend {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback on an internal error.")
    ] = False,
) -> None:
    _state["debug"] = debug or os.environ.get("ALBUTREND_DEBUG", "") not in ("", "0")


FILES_HELP = "Readings: notes (DATE: TEXT) or CSV/TSV with a header; - reads standard input."


def _percent(name: str, value: float, low: float, high: float) -> float:
    if 0 < value < 1:
        raise UsageError(f"{name} is a percent: write 30 for 30%, not 0.3 (got {value:g})")
    if not low <= value <= high:
        raise UsageError(f"{name} must be a percent from {low:g} to {high:g} (got {value:g})")
    return value / 100


@app.command()
def report(
    files: Annotated[
        list[str], typer.Argument(help=FILES_HELP, show_default=False, metavar="FILE")
    ],
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="auto: a table on a terminal, TSV in a pipe.",
            case_sensitive=False,
        ),
    ] = Format.auto,
    unit: Annotated[str, typer.Option(help="Unit of values written without one.")] = "mg/L",
    month_first: Annotated[
        bool, typer.Option("--month-first", help="Numeric dates are month first (US).")
    ] = False,
    decimal: Annotated[
        Decimal, typer.Option(help="Decimal mark: auto refuses an ambiguous 1,129.")
    ] = Decimal.auto,
    encoding: Annotated[
        str, typer.Option(help="Text encoding of the files (cp1252 for old Excel files).")
    ] = "utf-8-sig",
    acr_unit: Annotated[
        AcrUnit | None, typer.Option(help="Show every ACR in this unit.", show_default=False)
    ] = None,
    cv_within: Annotated[
        float, typer.Option(help="Within-person CV of urine albumin, percent (RCV).")
    ] = 30.0,
    cv_analytical: Annotated[
        float, typer.Option(help="Analytical CV of the assay, percent (RCV).")
    ] = 5.0,
    confidence: Annotated[
        float, typer.Option(help="Two-sided confidence of the RCV, percent.")
    ] = 95.0,
    patient: Annotated[
        str | None, typer.Option(help="Report this patient only.", show_default=False)
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Report bad lines on stderr and go on with the rest."),
    ] = False,
    raw: Annotated[
        bool,
        typer.Option("--raw", help="CSV/TSV cells exactly as read: no formula guard, no escaping."),
    ] = False,
) -> None:
    """Classify every reading and show the change since each intervention."""
    with _guard():
        from .analysis import Settings, analyse
        from .change import RCVSettings
        from .output import resolve_format, write_report

        out_format = resolve_format(fmt.value)
        rcv = RCVSettings(
            cv_within=_percent("--cv-within", cv_within, 1, 200),
            cv_analytical=_percent("--cv-analytical", cv_analytical, 0, 100),
            confidence=_percent("--confidence", confidence, 50, 99.99),
        )
        records = _read(files, unit, month_first, decimal.value, encoding, acr_unit, skip_invalid)
        from .units import albumin_unit

        settings = Settings(rcv=rcv, acr_unit=albumin_unit(acr_unit.value) if acr_unit else None)
        result = analyse(records, settings, patient=patient)
        _warn_all(result.warnings)
        write_report(result, out_format, sys.stdout, raw=raw)
        sys.stdout.flush()


def _read(
    files: list[str],
    unit: str,
    month_first: bool,
    decimal: str,
    encoding: str,
    acr_unit: AcrUnit | None,
    skip_invalid: bool,
) -> Records:
    import codecs

    from .records import ReadOptions
    from .sources import STDIN, read_sources
    from .units import albumin_unit, known_albumin_units

    default_unit = albumin_unit(unit)
    if default_unit is None:
        raise UsageError(
            f"--unit: '{unit}' is not an albumin unit (known: {known_albumin_units()})"
        )
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"--encoding: unknown encoding '{encoding}'") from None
    if STDIN in files and sys.stdin.isatty():
        _say("reading from standard input; end with Ctrl-D (Ctrl-Z Enter on Windows)")
    options = ReadOptions(
        default_unit=default_unit,
        decimal=decimal,
        month_first=month_first,
        encoding=encoding,
        acr_unit=albumin_unit(acr_unit.value) if acr_unit else None,
    )
    records = read_sources(files, options)
    if records.problem_count:
        if not skip_invalid:
            raise BadInput(records.problems, records.problem_count)
        for problem in records.problems[:PROBLEMS_SHOWN]:
            _say(f"skipped {problem}")
        more = records.problem_count - min(len(records.problems), PROBLEMS_SHOWN)
        if more > 0:
            _say(f"skipped {more} more line(s) with problems")
    for source, count in records.skipped_prose.items():
        _say(f"{source}: {count} line(s) without a date skipped (prose around the entries)")
    return records


@app.command()
def classify(
    value: Annotated[str, typer.Argument(help="A result: 45, <3, 2487.4mg/L.")],
    unit: Annotated[
        str | None, typer.Argument(help="Its unit, if not written with the value (mg/L).")
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="auto: text on a terminal, TSV in a pipe.")
    ] = Format.auto,
) -> None:
    """Print the category of one value, e.g. `albutrend classify 45 mg/g`."""
    with _guard():
        from .one_value import classify_value, write_classification
        from .output import resolve_format

        out_format = resolve_format(fmt.value)
        result = classify_value(value, unit)
        write_classification(result, out_format, sys.stdout)


def main() -> NoReturn:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:
        _silence_stdout()
    sys.exit(0)
