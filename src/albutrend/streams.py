"""Standard streams that are closed, full or a closed pipe, and Ctrl-C at any moment:
each ends with one line on stderr and a documented exit status, never a traceback.
Loaded by `albutrend.main` before anything else (typer takes 0.1–0.3 s to load):
nothing heavy here."""

import os
import signal
import sys

from albutrend.errors import ExitStatus

TYPE_CHECKING = False  # typing is not loaded for `--version` (start-up)
if TYPE_CHECKING:
    from types import FrameType
    from typing import NoReturn

INTERRUPTED = b"albutrend: interrupted\n"


def interrupted_at_once(signum: int, frame: "FrameType | None") -> None:
    """Ctrl-C while nothing is under way (typer loading, options being parsed, help
    being printed): end now, with the message and status of any interrupt."""
    try:  # noqa: SIM105 (contextlib is not loaded yet)
        os.write(2, INTERRUPTED)
    except OSError:
        pass
    os._exit(ExitStatus.INTERRUPTED)


def prepare() -> None:
    """First thing the command does: Ctrl-C handled from here on; a closed standard
    stream held open on /dev/null, so that no file albutrend opens takes its number
    (`-` with standard input closed is refused by `sources`, never read from another
    file); a closed standard output is exit 74, as any output that cannot be written;
    with standard error closed, messages go nowhere and the exit status says it."""
    signal.signal(signal.SIGINT, interrupted_at_once)
    for fd in (0, 1, 2):  # in order: each takes the lowest free number, its own
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if sys.stdout is None:
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
        sys.exit(ExitStatus.SUCCESS)
    except OSError as e:
        silence_stdout()
        say(f"cannot write the output: {e.strerror or type(e).__name__}")
        sys.exit(ExitStatus.OUTPUT)
    finish(ExitStatus.SUCCESS)
