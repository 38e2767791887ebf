"""The benchmark's calculation in polars, as a whole process: `python
reference_polars.py COHORT.csv > out.tsv`. Same rules and columns as
`reference_pandas.py` (read its docstring)."""

import sys

import polars as pl
from compared import COMPARED  # this script's folder: the columns run.py checks


def main(path: str, out: str = "-") -> None:
    df = (
        pl.scan_csv(
            path,
            schema={
                "patient": pl.String,
                "date": pl.String,
                "albumin": pl.Float64,
                "unit": pl.String,
                "event": pl.String,
            },
        )
        .with_row_index("line", offset=2)
        .with_columns(pl.col("date").str.to_date("%d-%m-%y"))
    )
    readings = (
        df.filter(pl.col("albumin").is_not_null())
        .select("patient", "date", pl.col("albumin").alias("value"), "line")
        .with_columns(
            category=pl.when(pl.col("value") < 30)
            .then(pl.lit("A1"))
            .when(pl.col("value") <= 300)
            .then(pl.lit("A2"))
            .otherwise(pl.lit("A3"))
        )
    )
    events = df.filter(pl.col("event").is_not_null()).select(
        "patient", pl.col("date").alias("intervention_date")
    )
    # Baseline: the last reading (by line) of the latest day on or before the event.
    last_of_day = (
        readings.sort("line")
        .unique(["patient", "date"], keep="last")
        .select(
            "patient",
            pl.col("date").alias("baseline_date"),
            pl.col("value").alias("baseline_value"),
        )
        .sort("baseline_date")
    )
    base = events.sort("intervention_date").join_asof(
        last_of_day,
        left_on="intervention_date",
        right_on="baseline_date",
        by="patient",
        strategy="backward",
        check_sortedness=False,  # sorted above; polars cannot check it within groups
    )
    pairs = (
        readings.join(base, on="patient")
        .filter(pl.col("date") > pl.col("intervention_date"))
        .with_columns(
            days_since=(pl.col("date") - pl.col("intervention_date")).dt.total_days(),
            change=pl.col("value") - pl.col("baseline_value"),
        )
        .with_columns(change_pct=pl.col("change") / pl.col("baseline_value") * 100)
    )
    alone = readings.join(pairs.select("line").unique(), on="line", how="anti")
    rows = (
        pl.concat([pairs, alone], how="diagonal_relaxed")
        .sort(["patient", "date", "line", "intervention_date"], maintain_order=True)
        .select(list(COMPARED))
        .collect()
    )
    rows.write_csv(sys.stdout.buffer if out == "-" else out, separator="\t")


if __name__ == "__main__":
    main(*sys.argv[1:])
