"""The benchmark's calculation in pandas, as a whole process: `python
reference_pandas.py COHORT.csv > out.tsv`.

The same rules as albutrend (README "Clinical rules"), for the cohort that
`cohort.py` writes (ACRs in mg/g, day-first dates, years 2015–2024):
- category: A1 < 30 ≤ A2 ≤ 300 < A3 (mg/g);
- the baseline of an intervention is the patient's latest reading on or before its
  date (the same day counts; of two readings on that day, the later line);
- every later reading is a follow-up: days since, value − baseline, and percent;
- a reading after no intervention is one row with the intervention cells empty.
Columns: `compared.COMPARED` (a subset of albutrend's TSV, with its names).
"""

import sys

import numpy as np
import pandas as pd
from compared import COMPARED  # this script's folder: the columns run.py checks


def main(path: str, out: str = "-") -> None:
    df = pd.read_csv(
        path,
        dtype={"patient": str, "date": str, "albumin": float, "unit": str, "event": str},
        keep_default_na=False,
        na_values={"albumin": [""]},
    )
    df["line"] = np.arange(2, len(df) + 2)
    df["date"] = pd.to_datetime(df["date"], format="%d-%m-%y")
    readings = df.loc[df["albumin"].notna(), ["patient", "date", "albumin", "line"]]
    readings = readings.rename(columns={"albumin": "value"})
    events = df.loc[df["event"] != "", ["patient", "date", "line"]]
    events = events.rename(columns={"date": "intervention_date", "line": "event_line"})
    v = readings["value"].to_numpy()
    readings["category"] = np.select([v < 30, v <= 300], ["A1", "A2"], "A3")

    # Baseline: the last reading (by line) of the latest day on or before the event.
    last_of_day = readings.sort_values("line").drop_duplicates(["patient", "date"], keep="last")
    base = pd.merge_asof(
        events.sort_values("intervention_date"),
        last_of_day.sort_values("date")[["patient", "date", "value"]].rename(
            columns={"date": "baseline_date", "value": "baseline_value"}
        ),
        left_on="intervention_date",
        right_on="baseline_date",
        by="patient",
        direction="backward",
        allow_exact_matches=True,
    )
    pairs = readings.merge(base, on="patient")
    pairs = pairs[pairs["date"] > pairs["intervention_date"]].copy()
    pairs["days_since"] = (pairs["date"] - pairs["intervention_date"]).dt.days.astype("Int64")
    pairs["change"] = pairs["value"] - pairs["baseline_value"]
    pairs["change_pct"] = pairs["change"] / pairs["baseline_value"] * 100
    alone = readings[~readings["line"].isin(pairs["line"])]
    rows = pd.concat([pairs, alone], ignore_index=True)
    for name in ("date", "intervention_date", "baseline_date"):
        rows[name] = rows[name].dt.strftime("%Y-%m-%d")
    rows = rows.sort_values(["patient", "date", "line", "intervention_date"], kind="stable")
    target = sys.stdout if out == "-" else out
    rows[list(COMPARED)].to_csv(target, sep="\t", index=False, na_rep="")


if __name__ == "__main__":
    main(*sys.argv[1:])
