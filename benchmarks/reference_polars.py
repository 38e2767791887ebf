"""The benchmark's calculation in polars, as a whole process: `python
reference_polars.py COHORT.csv > out.tsv` (`--before-round`: without the columns
this round added). Same rules and columns as `reference_pandas.py` (read its
docstring)."""

import sys

import polars as pl
from compared import RCV_FALL, RCV_RISE, WINDOW_DAYS, columns  # this script's folder


def _move(before: str, after: str) -> pl.Expr:
    """`category_change` between two ranks (1–3): empty when either is missing."""
    b, a = pl.col(before), pl.col(after)
    return (
        pl.when(b.is_null() | a.is_null())
        .then(None)
        .when(a > b)
        .then(pl.lit("progression"))
        .when(a < b)
        .then(pl.lit("regression"))
        .otherwise(pl.lit("unchanged"))
    )


def main(path: str, out: str = "-", wanted: tuple[str, ...] = ()) -> None:
    section_8 = "confirmed_category" in wanted
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
    value = pl.col("value")
    readings = (
        df.filter(pl.col("albumin").is_not_null())
        .select("patient", "date", pl.col("albumin").alias("value"), "line")
        .with_columns(
            rank=pl.when(value < 30).then(1).when(value <= 300).then(2).otherwise(3),
            tenths=(value * 10).round().cast(pl.Int64),  # one decimal: exact integers
        )
        .with_columns(category=pl.format("A{}", pl.col("rank")))
    )
    # One specimen per date: its last line.
    last_of_day = readings.sort("line").unique(["patient", "date"], keep="last")
    if section_8:
        # R's specimens: R, and the last reading of each of the two dates before R's.
        # Readings by patient, date and line; each date numbered; the dates' last
        # readings shifted by one and two dates, kept where the patient is the same,
        # and fetched back by number (a gather, not a join).
        readings = readings.sort(["patient", "date", "line"])
        patient, date = pl.col("patient"), pl.col("date")
        new_date = (date != date.shift(1)) | (patient != patient.shift(1))
        readings = (
            readings.with_columns(day=new_date.fill_null(True).cum_sum() - 1).collect().lazy()
        )  # read once: the dates' table below is collected from it
        same1 = patient.shift(1) == patient
        same2 = patient.shift(2) == patient
        days = (
            readings.filter(pl.col("day") != pl.col("day").shift(-1).fill_null(-1))
            .select(
                pl.when(same1).then(pl.col("rank").shift(1)).alias("rank1"),
                pl.when(same2).then(pl.col("rank").shift(2)).alias("rank2"),
                pl.when(same2).then(date.shift(2)).alias("date2"),
            )
            .collect()
        )
        rank, rank1, rank2 = pl.col("rank"), pl.col("rank1"), pl.col("rank2")
        window = (date - pl.col("date2")).dt.total_days() <= WINDOW_DAYS
        readings = (
            readings.with_columns(
                pl.lit(days["rank1"]).gather(pl.col("day")).alias("rank1"),
                pl.lit(days["rank2"]).gather(pl.col("day")).alias("rank2"),
                pl.lit(days["date2"]).gather(pl.col("day")).alias("date2"),
            )
            .with_columns(
                confirmed=pl.when(window & ((rank == rank1) | (rank == rank2)))
                .then(rank)
                .when(window & (rank1 == rank2))
                .then(rank1)
                .otherwise(None)
            )
            .drop("rank1", "rank2", "date2", "day")
        )
        last_of_day = readings.sort("line").unique(["patient", "date"], keep="last")
    events = df.filter(pl.col("event").is_not_null()).select(
        "patient", pl.col("date").alias("intervention_date")
    )
    # Baseline: the last reading (by line) of the latest day on or before the event.
    baselines = last_of_day.select(
        "patient",
        pl.col("date").alias("baseline_date"),
        pl.col("value").alias("baseline_value"),
        pl.col("rank").alias("baseline_rank"),
        pl.col("tenths").alias("baseline_tenths"),
        *([pl.col("confirmed").alias("baseline_confirmed")] if section_8 else []),
    ).sort("baseline_date")
    base = events.sort("intervention_date").join_asof(
        baselines,
        left_on="intervention_date",
        right_on="baseline_date",
        by="patient",
        strategy="backward",
        check_sortedness=False,  # sorted above; polars cannot check it within groups
    )
    change10 = pl.col("tenths") - pl.col("baseline_tenths")
    b10 = pl.col("baseline_tenths")
    pct = pl.col("change_pct")
    pairs = (
        readings.join(base, on="patient")
        .filter(pl.col("date") > pl.col("intervention_date"))
        .with_columns(
            days_since=(pl.col("date") - pl.col("intervention_date")).dt.total_days(),
            change=value - pl.col("baseline_value"),
            # The marks on exact tenths: -30%, +100% and -50% are decided exactly.
            fall_30=10 * change10 <= -3 * b10,
            doubling=change10 >= b10,
            halving=2 * change10 <= -b10,
            category_change=_move("baseline_rank", "rank"),
        )
        .with_columns(change_pct=pl.col("change") / pl.col("baseline_value") * 100)
        .with_columns(beyond_rcv=(pct <= RCV_FALL) | (pct >= RCV_RISE))
    )
    if section_8:
        pairs = pairs.with_columns(
            confirmed_category_change=_move("baseline_confirmed", "confirmed")
        )
    alone = readings.join(pairs.select("line").unique(), on="line", how="anti")
    rows = pl.concat([pairs, alone], how="diagonal_relaxed").sort(
        ["patient", "date", "line", "intervention_date"], maintain_order=True
    )
    if section_8:
        rows = rows.with_columns(
            confirmed_category=pl.format("A{}", pl.col("confirmed")),
        )
    rows.select(list(wanted)).collect().write_csv(
        sys.stdout.buffer if out == "-" else out, separator="\t"
    )


if __name__ == "__main__":
    args, wanted = columns(sys.argv[1:])
    main(*args, wanted=wanted)
