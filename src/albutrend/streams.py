"""Standard streams that are closed, full or a closed pipe, and Ctrl-C at any moment:
each ends with one line on stderr and a documented exit status, never a traceback.
Loaded by `albutrend.main` before anything else (typer takes 0.1–0.3 s to load):
nothing heavy here."""

# `_signal`, not `signal`, and `errors` imported only on the way out: both pull in
# enum, 10 ms of every `albutrend --version` (start-up is the consult's whole cost).
import _signal  # type: ignore[import-not-found]  # CPython's C module behind signal
import os
import sys

TYPE_CHECKING = False  # typing is not loaded for `--version` (start-up)
if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import FrameType
    from typing import IO, NoReturn

INTERRUPTED = b"albutrend: interrupted\n"
# ExitStatus.INTERRUPTED (a test keeps them equal): a signal handler imports nothing,
# since the interrupt may come in the middle of an import.
INTERRUPTED_STATUS = 130


def interrupted_at_once(signum: int, frame: "FrameType | None") -> None:
    """Ctrl-C while nothing is under way (typer loading, options being parsed, help
    being printed): end now, with the message and status of any interrupt."""
    try:  # noqa: SIM105 (contextlib is not loaded yet)
        os.write(2, INTERRUPTED)
    except OSError:
        pass
    os._exit(INTERRUPTED_STATUS)


def prepare() -> None:
    """First thing the command does: Ctrl-C handled from here on; a closed standard
    stream held open on /dev/null, so that no file albutrend opens takes its number
    (`-` with standard input closed is refused by `sources`, never read from another
    file); a closed standard output is exit 74, as any output that cannot be written;
    with standard error closed, messages go nowhere and the exit status says it."""
    _signal.signal(_signal.SIGINT, interrupted_at_once)
    for fd in (0, 1, 2):  # in order: each takes the lowest free number, its own
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if sys.stdout is None:
        from albutrend.errors import ExitStatus

        say("cannot write the output: standard output is closed")
        sys.exit(ExitStatus.OUTPUT)


def say(message: str) -> None:
    try:
        sys.stderr.write(f"albutrend: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass  # standard error itself is gone: the exit status says it


def silence_stdout() -> None:
    """Point standard output at /dev/null: what is still buffered for a reader that
    is gone (`| head`) or a full disk is dropped, and Python's final flush of it
    cannot fail again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def finish(status: int | str | None) -> "NoReturn":
    """Flush standard output and exit with `status`, or with the status of an output
    that could not be written: a closed pipe is success (the reader has what it
    wanted), a full disk or a closed terminal is 74."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    except OSError as e:
        from albutrend.errors import ExitStatus

        silence_stdout()
        say(f"cannot write the output: {e.strerror or type(e).__name__}")
        status = ExitStatus.OUTPUT
    sys.exit(status)


def write_and_finish(text: str) -> "NoReturn":
    """Print `text` (the version) and exit, as `finish` says."""
    try:
        sys.stdout.write(text)
    except BrokenPipeError:
        silence_stdout()
        sys.exit(None)  # success: the reader has what it wanted
    except OSError as e:
        from albutrend.errors import ExitStatus

        silence_stdout()
        say(f"cannot write the output: {e.strerror or type(e).__name__}")
        sys.exit(ExitStatus.OUTPUT)
    finish(None)  # success (ExitStatus.SUCCESS, without loading enum)


def write_in_batches(out: "IO[str]", pieces: "Iterable[str]") -> None:
    """Write `pieces` (a patient's lines each) about 1 MB at a time: few calls to the
    stream, and never the whole report in memory (TSV, CSV, JSON and JSON lines)."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size > 1 << 20:
            out.write("".join(batch))
            batch.clear()
            size = 0
    out.write("".join(batch))
