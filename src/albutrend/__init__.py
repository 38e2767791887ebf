"""albutrend: urine albumin trends since each intervention.

The tree is the flow, one way: `reading` (files and text into records) →
`clinical` (units, categories, change, baselines, analysis) → `present` (words,
tables, charts, machine formats, saved files) → `cli`. `reading` and `clinical`
import neither typer nor Rich. As a library (README "Use as a library"):

    import albutrend

    records = albutrend.read(["examples/reference-case.txt"])
    report = albutrend.analyse(records)

The names below are loaded when first used, so that `albutrend --version` and the
command line start without them.
"""

# Not `from typing import TYPE_CHECKING`: importing typing costs `--version` 15 ms.
TYPE_CHECKING = False
__version__ = "0.1.0"

# The public API: name -> module that defines it.
_API = {
    "read": "albutrend.reading.sources",
    "ReadOptions": "albutrend.reading.records",
    "Records": "albutrend.reading.records",
    "analyse": "albutrend.clinical.analysis",
    "Settings": "albutrend.clinical.analysis",
    "Report": "albutrend.clinical.analysis",
    "PatientResult": "albutrend.clinical.analysis",
    "InterventionResult": "albutrend.clinical.analysis",
    "ReadingResult": "albutrend.clinical.analysis",
    "FollowUp": "albutrend.clinical.analysis",
    "RCVSettings": "albutrend.clinical.change",
    "Measurement": "albutrend.model",
    "Reading": "albutrend.model",
    "Intervention": "albutrend.model",
    "Notice": "albutrend.notices",
    "AlbutrendError": "albutrend.problems",
}
__all__ = [
    "AlbutrendError",
    "FollowUp",
    "Intervention",
    "InterventionResult",
    "Measurement",
    "Notice",
    "PatientResult",
    "RCVSettings",
    "ReadOptions",
    "Reading",
    "ReadingResult",
    "Records",
    "Report",
    "Settings",
    "__version__",
    "analyse",
    "main",
    "read",
]

if TYPE_CHECKING:
    from albutrend.clinical.analysis import (
        FollowUp,
        InterventionResult,
        PatientResult,
        ReadingResult,
        Report,
        Settings,
        analyse,
    )
    from albutrend.clinical.change import RCVSettings
    from albutrend.model import Intervention, Measurement, Reading
    from albutrend.notices import Notice
    from albutrend.problems import AlbutrendError
    from albutrend.reading.records import ReadOptions, Records
    from albutrend.reading.sources import read


def __getattr__(name: str) -> object:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'albutrend' has no attribute '{name}'")
    from importlib import import_module

    return getattr(import_module(module), name)


def main() -> None:
    """The `albutrend` command. Ctrl-C and closed standard streams are handled first
    (`streams`); `--version` is answered here, before the command line (typer,
    50 ms) is loaded: a script that checks the version pays nothing."""
    import sys

    from albutrend import streams

    streams.prepare()
    if sys.argv[1:] in (["--version"], ["-V"]):
        streams.write_and_finish(f"albutrend {__version__}\n")
    from albutrend.cli import main as command_line

    command_line()
