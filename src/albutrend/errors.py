"""How albutrend ends: the exit statuses (README "Exit codes") and the domain
exceptions, each carrying the status the command line exits with. No typer here:
the library raises these, `cli.py` turns them into a message and an exit code."""

from enum import IntEnum

# Not `typing.TYPE_CHECKING`: `albutrend --version` loads this module, and typing
# would add to its start-up (mypy treats any TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from albutrend.problems import Problem


class ExitStatus(IntEnum):
    """The documented exit codes, a contract with scripts: never renumber."""

    SUCCESS = 0  # also when a reader such as `head` closes the pipe early
    BAD_DATA = 1  # the input cannot be read; nothing is reported
    USAGE = 2  # the command line asks for something that cannot be done
    INTERNAL = 70  # a bug (EX_SOFTWARE): one line; --debug shows the traceback
    OUTPUT = 74  # the output could not be written (EX_IOERR): full disk, closed stream
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)


class AlbutrendError(Exception):
    """A problem the user can fix; its message is safe and short."""

    exit_code: int = ExitStatus.BAD_DATA


class UsageError(AlbutrendError):
    """The command line asks for something that cannot be done."""

    exit_code = ExitStatus.USAGE


class SourceNotFound(UsageError):
    """A path on the command line that is not there."""


class PatientNotFound(UsageError):
    """`--patient ID` names no patient of the input."""


class NoReadings(AlbutrendError):
    """The input holds no reading to report (only interventions, or nothing)."""


class NoInterventions(AlbutrendError):
    """A cohort asked of an input with no intervention (or none that matches)."""


class BadInput(AlbutrendError):
    """The input has problems; nothing is reported until they are fixed."""

    def __init__(
        self, problems: "list[Problem]", total: int | None = None, *, skippable: bool = True
    ) -> None:
        self.problems = problems
        self.skippable = skippable
        self.total = total if total is not None else len(problems)
        super().__init__(f"{self.total} problem(s) in the input")
