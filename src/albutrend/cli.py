"""The command line: reads arguments, calls the library, picks an output.

Exit codes: `errors.ExitStatus` (README "Exit codes"). Errors a user can cause are
one line on stderr; a traceback only with `albutrend --debug`.
"""

# No `from __future__ import annotations` here: typer reads every command's
# annotations on every run, and string annotations cost it an eval each (3 ms).
import errno
import gc
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from copy import copy
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Final, NoReturn

import typer

from albutrend import __version__, streams
from albutrend.errors import AlbutrendError, BadInput, ExitStatus, UsageError
from albutrend.plain import Plain
from albutrend.problems import printable

if TYPE_CHECKING:  # imported lazily at run time: start-up is the consult's cost
    from albutrend.clinical.analysis import Report, Settings, Timeline
    from albutrend.clinical.cohort import Window
    from albutrend.clinical.units import Unit
    from albutrend.config import Config, InForce
    from albutrend.notices import Notice
    from albutrend.present.progress import Progress
    from albutrend.reading.records import Records

PROBLEMS_SHOWN = 20
MIN_NOTE_WIDTH = 20
MIN_CHART_WIDTH = 40  # chart.MIN_WIDTH, without importing it at start-up
MAX_WIDTH = 1000

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


class Boundary(StrEnum):
    kdigo = "kdigo"
    ada = "ada"


class BaselineMethod(StrEnum):
    latest = "latest"
    mean = "mean"


_state = {"debug": False}


def _say(message: str) -> None:
    # Messages quote the file (a patient ID, a file name): escape sequences in them
    # are shown, never run by the terminal.
    sys.stderr.write(f"albutrend: {printable(message)}\n")


@contextmanager
def _guard() -> Iterator[None]:
    """Turn every way a command can end into a message and a documented exit code."""
    # Ctrl-C ends albutrend at once until a command runs (`streams.prepare`); here it
    # is a KeyboardInterrupt, so that what the command was doing is undone first (a
    # saved file's temporary file removed).
    at_once = signal.getsignal(signal.SIGINT) is streams.interrupted_at_once
    if at_once:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    except BadInput as e:
        _show_problems(e)
        raise typer.Exit(ExitStatus.BAD_DATA) from None
    except AlbutrendError as e:
        _say(str(e))
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt:
        _say("interrupted")
        raise typer.Exit(ExitStatus.INTERRUPTED) from None
    except BrokenPipeError:
        # The reader (`| head`) has what it wanted: end quietly.
        streams.silence_stdout()
        raise typer.Exit(ExitStatus.SUCCESS) from None
    except OSError as e:
        # Output that could not be written (a full disk, a closed terminal): not a bug.
        # strerror only: the message of an OSError can hold a path, never a value.
        _say(f"cannot write the output: {e.strerror or type(e).__name__}")
        raise typer.Exit(ExitStatus.OUTPUT) from None
    except Exception as e:
        if _state["debug"]:
            raise
        # No message text: it could hold a value from the patient's file.
        _say(
            f"internal error ({type(e).__name__}). Nothing was written. Run "
            "'albutrend --debug …' to see where, and report it without patient data."
        )
        raise typer.Exit(ExitStatus.INTERNAL) from None
    finally:
        if at_once:
            signal.signal(signal.SIGINT, streams.interrupted_at_once)


@contextmanager
def _no_cycle_collector() -> Iterator[None]:
    """A report makes millions of objects and no reference cycles: Python's cycle
    collector would only scan the growing columns again and again (it more than
    doubled the time of a million-row file). Reference counting frees the rest."""
    gc.disable()
    try:
        yield
    finally:
        # Objects still alive go to the permanent generation first: re-enabling would
        # otherwise start a full collection over a million of them (0.15 s).
        gc.freeze()
        gc.enable()


def _show_problems(e: BadInput) -> None:
    for problem in e.problems[:PROBLEMS_SHOWN]:
        sys.stderr.write(f"{problem}\n")
    more = e.total - min(len(e.problems), PROBLEMS_SHOWN)
    if more > 0:
        sys.stderr.write(f"… and {more} more problem(s)\n")
    if e.skippable:
        _say(
            f"{e.total} problem(s) in the input; nothing reported. Fix them, or use "
            "--skip-invalid to report the rest."
        )
    else:
        _say(f"{e.total} problem(s) in the input; nothing reported. Fix them first.")


def _warn_all(warnings: "list[Notice]") -> None:
    """What was skipped while reading, then the warnings about the readings (20 of
    a kind), one line each on stderr (what a FHIR record holds besides: --debug)."""
    from albutrend.notices import stderr_lines

    for line in stderr_lines(warnings, quiet_too=_state["debug"]):
        _say(line)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"albutrend {__version__}\n")
        raise typer.Exit(ExitStatus.SUCCESS)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback on an internal error.")
    ] = False,
) -> None:
    _state["debug"] = debug or os.environ.get("ALBUTREND_DEBUG", "") not in ("", "0")


def _examples(*commands: str) -> str:
    """The end of a command's --help: a few examples, as written (\\b: not rewrapped)."""
    return "Examples:\n\n\b\n" + "\n".join(f"  {c}" for c in commands)


FILES_HELP = (
    "One or more files of readings: notes (DATE: TEXT), CSV/TSV with a header, an Excel "
    "workbook, or FHIR JSON/NDJSON; "
    "- reads standard input. Several files without a patient column are one patient each "
    "(interventions in a file of their own: --events)."
)

# The options that say how to read the files and judge a change, shared by
# `report`, `chart` and `note`: each command lists them by these names, and
# `ReadingArgs` carries them to `_analyse`.
Files = Annotated[list[str], typer.Argument(help=FILES_HELP, show_default=False, metavar="FILE...")]
UnitOption = Annotated[str, typer.Option("--unit", help="Unit of values written without one.")]
MonthFirstOption = Annotated[
    bool, typer.Option("--month-first", help="Numeric dates are month first (US).")
]
DayFirstOption = Annotated[
    bool,
    typer.Option(
        "--day-first",
        help="Numeric dates are day first. A table whose dates all read both ways needs "
        "one of the two.",
    ),
]
DecimalOption = Annotated[
    Decimal, typer.Option("--decimal", help="Decimal mark: auto refuses an ambiguous 1,129.")
]
EncodingOption = Annotated[
    str,
    typer.Option("--encoding", help="Text encoding of the files (cp1252 for old Excel files)."),
]
AcrUnitOption = Annotated[
    AcrUnit | None,
    typer.Option("--acr-unit", help="Show every ACR in this unit.", show_default=False),
]
CvWithinOption = Annotated[
    float,
    typer.Option("--cv-within", help="Within-person CV of urine albumin, percent (RCV)."),
]
CvAnalyticalOption = Annotated[
    float, typer.Option("--cv-analytical", help="Analytical CV of the assay, percent (RCV).")
]
ConfidenceOption = Annotated[
    float, typer.Option("--confidence", help="Two-sided confidence of the RCV, percent.")
]
BoundaryOption = Annotated[
    Boundary,
    typer.Option(
        "--boundary",
        help="Where exactly the upper cut-off falls: kdigo (A2 30–300 inclusive, A3 > 300 "
        "mg/g) or ada (A2 30–299, A3 ≥ 300: exactly 300 mg/g, 300 mg/24h, 30 mg/mmol, "
        "200 µg/min is A3).",
        case_sensitive=False,
    ),
]
BaselineOption = Annotated[
    BaselineMethod,
    typer.Option(
        "--baseline",
        help="The baseline of an intervention: latest (the last reading on or before it) "
        "or mean (the geometric mean of the exact readings in the --baseline-days days up "
        "to and including its date; the RCV is then that for so many specimens).",
        case_sensitive=False,
    ),
]
BaselineDaysOption = Annotated[
    int,
    typer.Option(
        "--baseline-days",
        help="With --baseline mean: the days up to and including the intervention date "
        "whose readings are averaged (1 to 3650).",
        metavar="N",
    ),
]
PatientOption = Annotated[
    str | None, typer.Option("--patient", help="Report this patient only.", show_default=False)
]
SkipInvalidOption = Annotated[
    bool,
    typer.Option("--skip-invalid", help="Report bad lines on stderr and go on with the rest."),
]
SheetOption = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="The sheet of a workbook to read (default: the first with a header).",
        metavar="NAME",
        show_default=False,
    ),
]
InterventionOption = Annotated[
    str | None,
    typer.Option(
        "--intervention",
        help="Keep only the interventions whose text this regular expression finds (any "
        "case), e.g. 'losartan|MSC'; also reads FHIR Procedures.",
        metavar="PATTERN",
        show_default=False,
    ),
]


EventsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--events",
        help="A file of interventions (notes or a table; repeatable). With a patient "
        "column they join the readings by patient; without one they are the single "
        "patient's of the readings.",
        metavar="FILE",
        show_default=False,
    ),
]
EventOption = Annotated[
    list[str] | None,
    typer.Option(
        "--event",
        help="One intervention, 'DATE: TEXT' (repeatable), e.g. --event '2024-02-03: "
        "Started losartan'.",
        metavar="'DATE: TEXT'",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config",
        help="Read the settings from this file instead of "
        "~/.config/albutrend/config.toml (see albutrend config).",
        metavar="PATH",
        show_default=False,
    ),
]
NoConfigOption = Annotated[
    bool, typer.Option("--no-config", help="Read no config file: every default as documented.")
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Any warning (a line skipped, prose, another test, a second reading on a "
        "date…) exits 1 with no report; the warnings go to stderr.",
    ),
]


class ReadingArgs(Plain):
    """The shared options as parsed; the defaults here are the documented ones. Each
    command builds it with `_reading_args`, by name, so a renamed parameter fails at
    once instead of falling back to the default."""

    __slots__ = (
        "acr_unit",
        "baseline",
        "baseline_days",
        "boundary",
        "confidence",
        "cv_analytical",
        "cv_within",
        "day_first",
        "decimal",
        "encoding",
        "event",
        "events",
        "in_force",
        "intervention",
        "month_first",
        "patient",
        "sheet",
        "skip_invalid",
        "strict",
        "unit",
    )

    def __init__(
        self,
        unit: str = "mg/L",
        month_first: bool = False,
        day_first: bool = False,
        decimal: str = Decimal.auto.value,
        encoding: str = "utf-8-sig",
        acr_unit: str | None = None,
        cv_within: float = 30.0,
        cv_analytical: float = 5.0,
        confidence: float = 95.0,
        patient: str | None = None,
        skip_invalid: bool = False,
        intervention: str | None = None,
        events: tuple[str, ...] = (),
        event: tuple[str, ...] = (),
        strict: bool = False,
        # The settings in force and where each came from (default, config, option).
        in_force: "InForce | None" = None,
        sheet: str | None = None,
        boundary: str = Boundary.kdigo.value,
        baseline: str = BaselineMethod.latest.value,
        baseline_days: int = 90,
    ) -> None:
        self.unit: Final = unit
        self.month_first: Final = month_first
        self.day_first: Final = day_first
        self.decimal: Final = decimal
        self.encoding: Final = encoding
        self.acr_unit: Final = acr_unit
        self.cv_within: Final = cv_within
        self.cv_analytical: Final = cv_analytical
        self.confidence: Final = confidence
        self.patient: Final = patient
        self.skip_invalid: Final = skip_invalid
        self.intervention: Final = intervention
        self.events: Final = events
        self.event: Final = event
        self.strict: Final = strict
        self.in_force: Final = in_force
        self.sheet: Final = sheet
        self.boundary: Final = boundary
        self.baseline: Final = baseline
        self.baseline_days: Final = baseline_days


_D = ReadingArgs()


def _reading_args(params: dict[str, Any], *, rcv: bool = True) -> ReadingArgs:
    """The shared options of a command, from what the command line parsed. Each is
    looked up by name: a parameter renamed in one command is a KeyError in every test
    of that command, never a silent fall back to the default."""
    # The RCV options and the baseline's, which decide whether a change is real.
    judged = ("cv_within", "cv_analytical", "confidence", "baseline_days")
    rcv_options: dict[str, Any] = {name: params[name] for name in judged} if rcv else {}
    if rcv:
        rcv_options["baseline"] = str(params["baseline"])  # a StrEnum or its text: the text
    return ReadingArgs(
        unit=params["unit"],
        month_first=params["month_first"],
        day_first=params["day_first"],
        decimal=str(params["decimal"]),  # a StrEnum or its text: the text
        encoding=params["encoding"],
        acr_unit=str(params["acr_unit"]) if params["acr_unit"] else None,
        patient=params["patient"],
        skip_invalid=params["skip_invalid"],
        intervention=params["intervention"],
        events=tuple(params["events"] or ()),
        event=tuple(params["event"] or ()),
        strict=params["strict"],
        sheet=params["sheet"],
        boundary=str(params["boundary"]),  # a StrEnum or its text: the text
        **rcv_options,
    )


def _configured(
    ctx: typer.Context, args: ReadingArgs, path: str | None, ignore: bool
) -> ReadingArgs:
    """`args` with the config file's settings where no option was given, and where
    each setting came from."""
    from albutrend.config import load

    config = load(path, ignore=ignore)
    return _in_force(args, config, _given(ctx))


def _given(ctx: typer.Context) -> set[str]:
    """The parameters given on the command line (not left at their default)."""
    given = set()
    for name in ctx.params:
        source = ctx.get_parameter_source(name)
        if source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT"):
            given.add(name)
    return given


# The options that override the config's date order: either flag.
DATE_ORDER_FLAGS = {"month_first", "day_first"}


def _in_force(args: ReadingArgs, config: "Config", given: set[str]) -> ReadingArgs:
    from albutrend.config import CONFIG, DEFAULT, KEYS, OPTION, InForce

    changes: dict[str, Any] = {}
    sources = {}
    for key, known in KEYS.items():
        flags = DATE_ORDER_FLAGS if key == "date-order" else {known.field}
        if flags & given:
            sources[key] = OPTION
        elif key in config.values:
            changes.update(_fields(key, config.values[key]))
            sources[key] = CONFIG
        else:
            sources[key] = DEFAULT
    args = args.replace(**changes)
    values = tuple((key, _setting_text(args, key), source) for key, source in sources.items())
    return args.replace(in_force=InForce(config.path, values))


def _fields(key: str, value: Any) -> dict[str, Any]:
    """The options a config setting stands for, as `ReadingArgs` fields."""
    from albutrend.config import KEYS

    if key != "date-order":
        return {KEYS[key].field: value}
    order = {"month_first": value == "month-first"}
    if hasattr(_D, "day_first"):  # --day-first, where the table reader has it
        order["day_first"] = value == "day-first"
    return order


def _setting_text(args: ReadingArgs, key: str) -> str:
    """A setting's value in force, as the config file spells it."""
    from albutrend.config import KEYS

    if key == "date-order":
        if args.month_first:
            return "month-first"
        # Without either flag: day first, or (with --day-first) as the dates settle it.
        return "day-first" if getattr(args, "day_first", True) else "as the dates settle it"
    value = getattr(args, KEYS[key].field)
    if value is None:
        return "as reported"
    return f"{value:g}" if isinstance(value, float) else str(value)


class StrictFailure(AlbutrendError):
    """--strict and a warning: exit 1, nothing reported."""


def _warn_or_stop(warnings: "list[Notice]", args: ReadingArgs) -> None:
    """The warnings on stderr; with --strict, any warning ends the run with no report
    (not the quiet kinds, which only say what a FHIR record holds besides)."""
    _warn_all(warnings)
    if not args.strict:
        return
    from albutrend.notices import KINDS

    # What a FHIR record holds besides urine albumin (kind not_read) is no warning.
    loud = [w for w in warnings if not KINDS[w.kind].quiet]
    if loud:
        raise StrictFailure(f"{len(loud)} warning(s) and --strict: nothing reported")


def _percent(name: str, value: float, low: float, high: float) -> float:
    if 0 < value < 1:
        meant = value * 100
        raise UsageError(
            f"{name} is a percent: write {meant:g} for {meant:g}%, not {value:g} (got {value:g})"
        )
    if not low <= value <= high:
        raise UsageError(f"{name} must be a percent from {low:g} to {high:g} (got {value:g})")
    return value / 100


def _settings(args: ReadingArgs) -> "Settings":
    from albutrend.clinical.analysis import Settings
    from albutrend.clinical.change import RCVSettings
    from albutrend.clinical.units import albumin_unit

    rcv = RCVSettings(
        cv_within=_percent("--cv-within", args.cv_within, 1, 200),
        cv_analytical=_percent("--cv-analytical", args.cv_analytical, 0, 100),
        confidence=_percent("--confidence", args.confidence, 50, 99.99),
    )
    return Settings(
        rcv=rcv,
        acr_unit=albumin_unit(args.acr_unit) if args.acr_unit else None,
        in_force=args.in_force,
        boundary=args.boundary,
        baseline=args.baseline,
        baseline_days=_baseline_days(args.baseline_days),
    )


def _baseline_days(days: int) -> int:
    if not 1 <= days <= 3650:
        raise UsageError(
            f"--baseline-days must be a whole number of days from 1 to 3650 (got {days})"
        )
    return days


def _analyse(files: list[str], args: ReadingArgs, progress: "Progress | None" = None) -> "Report":
    """Read `files` and analyse them as the shared options say; warnings go to stderr."""
    from albutrend.clinical.analysis import analyse

    settings = _settings(args)
    records = _read(files, args, settings.acr_unit)
    if progress is not None:
        progress.phase("writing the report")
    result = analyse(records, settings, patient=args.patient)
    _warn_or_stop(result.warnings, args)
    return result


def _one_save(saves: list[str] | None) -> str | None:
    """The one file `--save` names: given twice, only the last would be written, and
    the user would look for a file that never came."""
    if saves and len(saves) > 1:
        named = ", ".join(f"'{printable(path)}'" for path in saves)
        raise UsageError(
            f"--save is given {len(saves)} times ({named}): give it once (run the command "
            "again to save another file)"
        )
    return saves[0] if saves else None


def _timelines(
    files: list[str], args: ReadingArgs, progress: "Progress | None" = None
) -> "tuple[list[Timeline], Settings, list[Notice]]":
    """Read `files` into each patient's timeline, for the formats written a patient
    at a time (no whole report is made); warnings go to stderr, and are returned for
    JSON."""
    from albutrend.clinical.analysis import timelines

    settings = _settings(args)
    records = _read(files, args, settings.acr_unit)
    if progress is not None:
        progress.phase("writing the report")
    found, warnings = timelines(records, args.patient)
    _warn_or_stop(warnings, args)
    return found, settings, warnings


@app.command(
    short_help="Each reading's category and the change since each intervention.",
    epilog=_examples(
        "albutrend report examples/reference-case.txt",
        "albutrend report lab.csv --events events.txt -f json",
        "albutrend report registry.csv --patient P7 --save p7.html",
    ),
)
def report(
    ctx: typer.Context,
    files: Files,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="auto: a table on a terminal, TSV in a pipe.",
            case_sensitive=False,
        ),
    ] = Format.auto,
    saves: Annotated[
        list[str] | None,
        typer.Option(
            "--save",
            help="Also write the report as a terminal shows it to this file: .html, .svg "
            "or .txt (standard output is unchanged).",
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    unit: UnitOption = _D.unit,
    month_first: MonthFirstOption = _D.month_first,
    day_first: DayFirstOption = _D.day_first,
    decimal: DecimalOption = Decimal.auto,
    encoding: EncodingOption = _D.encoding,
    acr_unit: AcrUnitOption = None,
    boundary: BoundaryOption = Boundary.kdigo,
    cv_within: CvWithinOption = _D.cv_within,
    cv_analytical: CvAnalyticalOption = _D.cv_analytical,
    confidence: ConfidenceOption = _D.confidence,
    baseline: BaselineOption = BaselineMethod.latest,
    baseline_days: BaselineDaysOption = _D.baseline_days,
    patient: PatientOption = _D.patient,
    skip_invalid: SkipInvalidOption = _D.skip_invalid,
    intervention: InterventionOption = _D.intervention,
    events: EventsOption = None,
    event: EventOption = None,
    strict: StrictOption = _D.strict,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    sheet: SheetOption = _D.sheet,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="CSV/TSV cells as read: no formula guard, no escaping (TSV still writes"
            " a backslash, tab or line break as \\\\, \\t, \\n, \\r).",
        ),
    ] = False,
) -> None:
    """Classify every reading and show the change since each intervention."""
    with _guard(), _no_cycle_collector():
        save = _one_save(saves)
        from albutrend.present.output import (
            STREAMED,
            refuse_saving_over_what_was_read,
            resolve_format,
            save_kind,
            save_report,
            watch_standard_input,
            write_report,
            write_rows,
        )
        from albutrend.present.progress import Progress

        out_format = resolve_format(fmt.value)
        save_as = save_kind(save, files) if save is not None else None
        stdin_seen = watch_standard_input(files) if save is not None else None
        arguments = _reading_args(ctx.params)
        args = _configured(ctx, arguments, config, no_config)
        with Progress(files) as progress:
            if out_format in STREAMED and save is None:
                found, settings, warnings = _timelines(files, args, progress)
                write_rows(found, settings, out_format, sys.stdout, raw=raw, warnings=warnings)
            else:
                result = _analyse(files, args, progress)
                if save is not None and save_as is not None:
                    refuse_saving_over_what_was_read(save, stdin_seen)
                    save_report(result, save, save_as)  # first: a failed save prints no report
                write_report(result, out_format, sys.stdout, raw=raw)
            sys.stdout.flush()


@app.command(
    short_help="A plain-text paragraph for the clinical record.",
    epilog=_examples(
        "albutrend note examples/reference-case.txt",
        "albutrend note lab.csv --event '2024-02-03: Started losartan' --width 0",
    ),
)
def note(
    ctx: typer.Context,
    files: Files,
    width: Annotated[
        int,
        typer.Option("--width", help="Wrap lines at this many characters; 0: do not wrap."),
    ] = 80,
    unit: UnitOption = _D.unit,
    month_first: MonthFirstOption = _D.month_first,
    day_first: DayFirstOption = _D.day_first,
    decimal: DecimalOption = Decimal.auto,
    encoding: EncodingOption = _D.encoding,
    acr_unit: AcrUnitOption = None,
    boundary: BoundaryOption = Boundary.kdigo,
    cv_within: CvWithinOption = _D.cv_within,
    cv_analytical: CvAnalyticalOption = _D.cv_analytical,
    confidence: ConfidenceOption = _D.confidence,
    baseline: BaselineOption = BaselineMethod.latest,
    baseline_days: BaselineDaysOption = _D.baseline_days,
    patient: PatientOption = _D.patient,
    skip_invalid: SkipInvalidOption = _D.skip_invalid,
    intervention: InterventionOption = _D.intervention,
    events: EventsOption = None,
    event: EventOption = None,
    strict: StrictOption = _D.strict,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    sheet: SheetOption = _D.sheet,
) -> None:
    """A short plain-text paragraph for the clinical record: the latest value and the
    change since each intervention."""
    with _guard():
        from albutrend.present.note import note_text

        if width != 0 and not MIN_NOTE_WIDTH <= width <= MAX_WIDTH:
            raise UsageError(
                f"--width must be 0 (no wrapping) or from {MIN_NOTE_WIDTH} to {MAX_WIDTH} "
                f"(got {width})"
            )
        arguments = _reading_args(ctx.params)
        args = _configured(ctx, arguments, config, no_config)
        sys.stdout.write(note_text(_analyse(files, args), width))
        sys.stdout.flush()


@app.command(
    short_help="The readings over time in the terminal, on a log axis.",
    epilog=_examples(
        "albutrend chart examples/synthetic-patient.csv",
        "albutrend chart lab.csv --acr-unit mg/mmol --width 100",
    ),
)
def chart(
    ctx: typer.Context,
    files: Files,
    width: Annotated[
        int | None,
        typer.Option(
            "--width",
            help=f"Width in characters, at least {MIN_CHART_WIDTH} (default: the "
            "terminal's; 80 in a pipe).",
            show_default=False,
        ),
    ] = None,
    saves: Annotated[
        list[str] | None,
        typer.Option(
            "--save",
            help="Also write the chart to this file: .svg (a vector picture), .html (a "
            "page) or .txt (standard output is unchanged).",
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    unit: UnitOption = _D.unit,
    month_first: MonthFirstOption = _D.month_first,
    day_first: DayFirstOption = _D.day_first,
    decimal: DecimalOption = Decimal.auto,
    encoding: EncodingOption = _D.encoding,
    acr_unit: AcrUnitOption = None,
    boundary: BoundaryOption = Boundary.kdigo,
    patient: PatientOption = _D.patient,
    skip_invalid: SkipInvalidOption = _D.skip_invalid,
    intervention: InterventionOption = _D.intervention,
    events: EventsOption = None,
    event: EventOption = None,
    strict: StrictOption = _D.strict,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    sheet: SheetOption = _D.sheet,
) -> None:
    """The readings over time on a logarithmic axis, with the category cut-offs of
    the unit as dashed lines and each intervention marked at its date. One chart per
    patient and quantity; colour only on a terminal without NO_COLOR."""
    with _guard():
        save = _one_save(saves)
        from albutrend.present.chart import report_chart
        from albutrend.present.output import save_chart, save_kind, stdout_is_terminal
        from albutrend.problems import printable

        save_as = save_kind(save, files) if save is not None else None
        terminal = stdout_is_terminal()
        if width is None:
            width = max(MIN_CHART_WIDTH, shutil.get_terminal_size().columns) if terminal else 80
        elif not MIN_CHART_WIDTH <= width <= MAX_WIDTH:
            raise UsageError(f"--width must be from {MIN_CHART_WIDTH} to {MAX_WIDTH} (got {width})")
        arguments = _reading_args(ctx.params, rcv=False)  # a chart offers no RCV options
        args = _configured(ctx, arguments, config, no_config)
        result = _analyse(files, args)
        lines = report_chart(result, width)
        if save is not None and save_as is not None:
            save_chart(result, lines, save, save_as)  # first: a failed save prints nothing
        if terminal and os.environ.get("NO_COLOR", "") == "":
            from albutrend.present.terminal import make_console, render_chart

            render_chart(lines, make_console(sys.stdout, width=width))
        else:
            sys.stdout.write("".join(printable(line.text) + "\n" for line in lines))
        sys.stdout.flush()


def _targets(text: str) -> tuple[int, ...]:
    """`--at 30,90,180`: whole days after the intervention, each once, ascending."""
    days: list[int] = []
    for part in text.replace(" ", "").split(","):
        if part.isdigit() and int(part) == 0:
            raise UsageError(
                "--at: day 0 is the intervention's own day, where the baseline is; give "
                "days after it, e.g. --at 30,90,180,365"
            )
        if not part.isdigit():
            raise UsageError(
                f"--at: '{printable(part)}' is not a number of days; give whole days after "
                "the intervention, e.g. --at 30,90,180,365"
            )
        if int(part) in days:
            raise UsageError(f"--at: day {int(part)} is given twice")
        days.append(int(part))
    return tuple(sorted(days))


def _window(text: str) -> "Window":
    """`--window 14` (days either side) or `--window 25%` (of each target)."""
    from albutrend.clinical.cohort import Window

    spelled = text.strip()
    number = spelled[:-1].strip() if spelled.endswith("%") else spelled
    try:
        value = float(number)
    except ValueError:
        value = -1.0
    if not (value >= 0 and value < float("inf")):
        raise UsageError(
            f"--window: '{printable(text)}' is neither days nor a percent; e.g. --window 14 "
            "(days either side of each target) or --window 25% (of each target)"
        )
    if spelled.endswith("%"):
        if value > 100:
            raise UsageError(f"--window: {value:g}% is more than the target itself (at most 100%)")
        return Window(percent=value)
    return Window(days=value, percent=None)


@app.command(
    short_help="A case series: the change at fixed days across patients.",
    epilog=_examples(
        "albutrend cohort registry.csv --intervention losartan --at 90,180",
        "albutrend cohort registry.csv --events treatments.csv -f markdown",
    ),
)
def cohort(
    ctx: typer.Context,
    files: Files,
    intervention: InterventionOption = _D.intervention,
    all_matching: Annotated[
        bool,
        typer.Option(
            "--all-matching",
            help="Count every matching intervention of a patient, not only the first.",
        ),
    ] = False,
    at: Annotated[
        str,
        typer.Option("--at", help="Target days after the intervention.", metavar="DAYS"),
    ] = "30,90,180,365",
    window: Annotated[
        str,
        typer.Option(
            "--window",
            metavar="DAYS|PCT%",
            help="How far from each target a reading may be: days either side (14) or a "
            "percent of the target (25%).",
        ),
    ] = "25%",
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="auto: a table on a terminal, TSV in a pipe.",
            case_sensitive=False,
        ),
    ] = Format.auto,
    waterfall: Annotated[
        int | None,
        typer.Option(
            "--waterfall",
            help="The target day whose waterfall (each patient's change, sorted) is drawn "
            "(default: the one with the most patients).",
            metavar="DAYS",
            show_default=False,
        ),
    ] = None,
    saves: Annotated[
        list[str] | None,
        typer.Option(
            "--save",
            help="Also write the tables and the waterfall as a terminal shows them to this "
            "file: .html, .svg or .txt (standard output is unchanged).",
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    unit: UnitOption = _D.unit,
    month_first: MonthFirstOption = _D.month_first,
    day_first: DayFirstOption = _D.day_first,
    decimal: DecimalOption = Decimal.auto,
    encoding: EncodingOption = _D.encoding,
    acr_unit: AcrUnitOption = None,
    boundary: BoundaryOption = Boundary.kdigo,
    cv_within: CvWithinOption = _D.cv_within,
    cv_analytical: CvAnalyticalOption = _D.cv_analytical,
    confidence: ConfidenceOption = _D.confidence,
    baseline: BaselineOption = BaselineMethod.latest,
    baseline_days: BaselineDaysOption = _D.baseline_days,
    patient: PatientOption = _D.patient,
    skip_invalid: SkipInvalidOption = _D.skip_invalid,
    events: EventsOption = None,
    event: EventOption = None,
    strict: StrictOption = _D.strict,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    sheet: SheetOption = _D.sheet,
    raw: Annotated[
        bool,
        typer.Option("--raw", help="CSV/TSV cells as read: no formula guard, no escaping."),
    ] = False,
) -> None:
    """Across patients: the change since an intervention at fixed days (geometric
    mean ratio to baseline with its 95% CI, median change, how many fell 30% or
    more), per quantity, by the report's own rules."""
    with _guard(), _no_cycle_collector():
        save = _one_save(saves)
        from albutrend.clinical.cohort import CohortOptions, analyse_cohort
        from albutrend.present.cohort_output import write_cohort
        from albutrend.present.cohort_view import saved_blocks
        from albutrend.present.output import SAVE_WIDTH, resolve_format, save_blocks, save_kind

        out_format = resolve_format(fmt.value)
        options = CohortOptions(_targets(at), _window(window), all_matching, intervention)
        if waterfall is not None and waterfall not in options.targets:
            raise UsageError(
                f"--waterfall: day {waterfall} is not a target; choose one of --at "
                f"{','.join(map(str, options.targets))}"
            )
        save_as = save_kind(save, files) if save is not None else None
        arguments = _reading_args(ctx.params)
        args = _configured(ctx, arguments, config, no_config)
        settings = _settings(args)
        records = _read(files, args, settings.acr_unit)  # keeps the --intervention ones
        result = analyse_cohort(records, settings, options, args.patient)
        _warn_or_stop(result.warnings, args)
        if save is not None and save_as is not None:  # first: a failed save prints nothing
            save_blocks(saved_blocks(result, waterfall, SAVE_WIDTH), save, save_as)
        width = min(MAX_WIDTH, max(MIN_CHART_WIDTH, shutil.get_terminal_size().columns))
        write_cohort(result, out_format, sys.stdout, raw=raw, width=width, waterfall_at=waterfall)
        sys.stdout.flush()


def _read(files: list[str], args: ReadingArgs, acr_unit: "Unit | None") -> "Records":
    import codecs
    import io

    from albutrend.clinical.units import albumin_unit, known_albumin_units
    from albutrend.reading.dates import DAY_FIRST, MONTH_FIRST
    from albutrend.reading.records import ReadOptions
    from albutrend.reading.sources import STDIN, read_sources

    default_unit = albumin_unit(args.unit)
    if default_unit is None:
        raise UsageError(
            f"--unit: '{args.unit}' is not an albumin unit (known: {known_albumin_units()})"
        )
    try:
        codecs.lookup(args.encoding)
    except LookupError:
        raise UsageError(f"--encoding: unknown encoding '{args.encoding}'") from None
    try:  # rot13, base64, zlib…: codecs, but not of text
        io.TextIOWrapper(io.BytesIO(), encoding=args.encoding)
    except LookupError:
        raise UsageError(
            f"--encoding: '{args.encoding}' is not a text encoding (e.g. utf-8, cp1252, "
            "latin-1, utf-16)"
        ) from None
    pattern = None
    if args.intervention is not None:
        from albutrend.reading.records import intervention_pattern

        pattern = intervention_pattern(args.intervention)
    if args.day_first and args.month_first:
        raise UsageError("--day-first and --month-first conflict: give one of them")
    date_order = DAY_FIRST if args.day_first else MONTH_FIRST if args.month_first else None
    if STDIN in files and sys.stdin is not None and sys.stdin.isatty():
        _say("reading from standard input; end with Ctrl-D (Ctrl-Z Enter on Windows)")
    options = ReadOptions(
        default_unit=default_unit,
        decimal=args.decimal,
        date_order=date_order,
        encoding=args.encoding,
        acr_unit=acr_unit,
        procedures=pattern is not None,
        sheet=args.sheet,
    )
    records = read_sources(files, options)
    if args.events or args.event:
        from albutrend.reading.events import add_events

        add_events(records, args.events, args.event, options, args.patient)
    if pattern is not None:
        from albutrend.reading.records import keep_interventions

        keep_interventions(records, pattern)
    if records.problem_count and (records.fatal or not args.skip_invalid):
        raise BadInput(records.problems, records.problem_count, skippable=not records.fatal)
    # What was skipped is said with the report's warnings (stderr, and JSON).
    return records


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


COMPLETE_VAR = "_ALBUTREND_COMPLETE"


@app.command(
    short_help="A shell completion script: bash, zsh or fish.",
    epilog=_examples(
        "albutrend completion bash > ~/.local/share/bash-completion/completions/albutrend",
        "albutrend completion zsh > ~/.zfunc/_albutrend",
        "albutrend completion fish > ~/.config/fish/completions/albutrend.fish",
    ),
)
def completion(
    shell: Annotated[Shell, typer.Argument(help="bash, zsh or fish.", case_sensitive=False)],
) -> None:
    """Print the completion script of a shell (named: albutrend does not guess it),
    to save where the shell loads completions from; it completes commands, options
    and their values."""
    with _guard():
        from typer._completion_shared import get_completion_script

        script = get_completion_script(
            prog_name="albutrend", complete_var=COMPLETE_VAR, shell=shell.value
        )
        sys.stdout.write(script.rstrip("\n") + "\n")


@app.command(
    "config",
    short_help="Where the config file is, and the settings in force.",
    epilog=_examples("albutrend config", "albutrend config --config clinic.toml"),
)
def show_config(config: ConfigOption = None, no_config: NoConfigOption = False) -> None:
    """Where albutrend looks for its config file, whether one is there, and every
    setting in force with where it came from (default or config). A config file is
    TOML: date-order, unit, decimal, acr-unit, cv-within, cv-analytical, confidence,
    boundary, baseline, baseline-days."""
    with _guard():
        from albutrend.config import describe, load

        found = load(config, ignore=no_config)
        in_force = _in_force(ReadingArgs(), found, set()).in_force
        assert in_force is not None
        sys.stdout.write(describe(found, in_force))


@app.command(
    short_help="The category of one value, e.g. 45 mg/g.",
    epilog=_examples("albutrend classify 45 mg/g", "albutrend classify '<3' mg/mmol -f json"),
)
def classify(
    ctx: typer.Context,
    value: Annotated[str, typer.Argument(help="A result: 45, <3, 2487.4mg/L.")],
    unit: Annotated[
        str | None, typer.Argument(help="Its unit, if not written with the value (mg/L).")
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format", "-f", help="auto: text on a terminal, TSV in a pipe.", case_sensitive=False
        ),
    ] = Format.auto,
    decimal: Annotated[
        Decimal, typer.Option(help="Decimal mark: auto refuses an ambiguous 1,129.")
    ] = Decimal.auto,
    boundary: BoundaryOption = Boundary.kdigo,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
) -> None:
    """The category of one value: albutrend classify 45 mg/g."""
    with _guard():
        from albutrend.present.one_value import classify_value, write_classification
        from albutrend.present.output import resolve_format

        out_format = resolve_format(fmt.value)
        # The boundary convention of the config file, unless --boundary is given.
        args = _configured(ctx, _D.replace(boundary=boundary.value), config, no_config)
        result = classify_value(value, unit, decimal=decimal.value, boundary=args.boundary)
        write_classification(result, out_format, sys.stdout)


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command `args` names. Typer builds the options of every
    command before it runs one: for `report`, a third of its start-up went to
    building `cohort`, `chart` and the rest. Anything else (`--help`, `--version`,
    no command, a misspelt one, the shell asking for completions) gets the whole app,
    so lists of commands and suggestions stay whole."""
    if not args or os.environ.get(COMPLETE_VAR):
        return app
    from typer.main import get_command_name  # typer's own spelling of a command's name

    named = [
        info
        for info in app.registered_commands
        if info.callback is not None
        and (info.name or get_command_name(info.callback.__name__)) == args[0]
    ]
    if len(named) != 1:
        return app
    one = copy(app)  # the same settings and callback; `app` itself is left whole
    one.registered_commands = named
    return one


def main() -> NoReturn:
    """Console-script entry point (after `albutrend.main` prepared the streams)."""
    status: int | str | None = ExitStatus.SUCCESS
    if os.environ.get(COMPLETE_VAR):  # the shell asks for completions (albutrend completion)
        from typer._completion_classes import completion_init

        completion_init()
    try:
        _app_for(sys.argv[1:])()  # ends in SystemExit
    except SystemExit as e:
        status = e.code
        cause = e.__context__
        if isinstance(cause, OSError) and cause.errno == errno.EPIPE:
            # typer's answer to a closed pipe (`--help | true`) is 1: it is not a
            # failure, the reader has what it wanted, as for a report.
            streams.silence_stdout()
            status = ExitStatus.SUCCESS
    except BrokenPipeError:
        streams.silence_stdout()
    except OSError as e:  # help into a full disk: typer lets it through
        streams.silence_stdout()
        _say(f"cannot write the output: {e.strerror or type(e).__name__}")
        status = ExitStatus.OUTPUT
    streams.finish(status)
