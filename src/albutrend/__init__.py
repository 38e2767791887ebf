"""albutrend: urine albumin trends since each intervention.

Use it as a library without the command line:

    from albutrend.sources import read_sources
    from albutrend.records import ReadOptions
    from albutrend.analysis import analyse

    records = read_sources(["readings.csv"], ReadOptions())
    report = analyse(records)

None of the reading or analysis modules import typer or rich.
"""

__version__ = "0.1.0"


def main() -> None:
    """The `albutrend` command. Ctrl-C and closed standard streams are handled first
    (`streams`); `--version` is answered here, before the command line (typer,
    50 ms) is loaded: a script that checks the version pays nothing."""
    import sys

    from . import streams

    streams.prepare()
    if sys.argv[1:] in (["--version"], ["-V"]):
        streams.write_and_finish(f"albutrend {__version__}\n")
    from .cli import main as command_line

    command_line()
