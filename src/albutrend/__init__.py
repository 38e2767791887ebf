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
