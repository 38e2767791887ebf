"""The benchmark's calculation in pandas, as a whole process: `python
reference_pandas.py COHORT.csv > out.tsv`.

The same rules as albutrend (README "Clinical rules"), for the cohort that
`cohort.py` writes (ACRs in mg/g, day-first dates, years 2015–2024):
- category: A1 < 30 ≤ A2 ≤ 300 < A3 (mg/g);
- the baseline of an intervention is the patient's latest reading on or before its
  date (the same day counts; of two readings on that day, the later line);
- every later reading is a follow-up: days since, value − baseline, and percent;
- a reading after no intervention is one row with the intervention cells empty;
- the marks of a follow-up: a fall of 30% or more, a doubling, a fall of 50% or more
  (decided on exact tenths: the cohort's values have one decimal), beyond the RCV
  (`compared.RCV_FALL`, `RCV_RISE`), and the category's move;
- each reading's confirmed category (CLINICAL.md §8): R and the last reading of each
  of the two dates before R's, all within 183 days, two in one category; and the
  move between the baseline's and the reading's, when both are confirmed.
Columns: `compared.COMPARED` (a subset of albutrend's TSV, with its names);
`--before-round`: without the columns this round added (the work of the TSV before).
"""

import sys

import numpy as np
import pandas as pd
from compared import RCV_FALL, RCV_RISE, WINDOW_DAYS, columns  # this script's folder


def main(path: str, out: str = "-", wanted: tuple[str, ...] = ()) -> None:
    section_8 = "confirmed_category" in wanted
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
    readings["rank"] = np.select([v < 30, v <= 300], [1, 2], 3)
    readings["category"] = np.array(["", "A1", "A2", "A3"])[readings["rank"].to_numpy()]
    readings["tenths"] = np.rint(v * 10).astype(np.int64)  # one decimal: exact integers
    if section_8:
        readings = _confirmed(readings)

    # Baseline: the last reading (by line) of the latest day on or before the event.
    last_of_day = readings.sort_values("line").drop_duplicates(["patient", "date"], keep="last")
    kept = ["patient", "date", "value", "rank", "tenths"] + (["confirmed"] if section_8 else [])
    base = pd.merge_asof(
        events.sort_values("intervention_date"),
        last_of_day.sort_values("date")[kept].rename(
            columns={
                "date": "baseline_date",
                "value": "baseline_value",
                "rank": "baseline_rank",
                "tenths": "baseline_tenths",
                "confirmed": "baseline_confirmed",
            }
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
    has = pairs["baseline_value"].notna().to_numpy()
    change10 = pairs["tenths"].to_numpy() - pairs["baseline_tenths"].fillna(0).to_numpy()
    b10 = pairs["baseline_tenths"].fillna(0).to_numpy()
    pct = pairs["change_pct"].to_numpy()
    # The marks on exact tenths: -30%, +100% and -50% are decided exactly.
    pairs["fall_30"] = _flags(has, 10 * change10 <= -3 * b10)
    pairs["doubling"] = _flags(has, change10 >= b10)
    pairs["halving"] = _flags(has, 2 * change10 <= -b10)
    pairs["beyond_rcv"] = _flags(has, (pct <= RCV_FALL) | (pct >= RCV_RISE))
    pairs["category_change"] = _moves(pairs["baseline_rank"], pairs["rank"])
    if section_8:
        pairs["confirmed_category_change"] = _moves(pairs["baseline_confirmed"], pairs["confirmed"])
    alone = readings[~readings["line"].isin(pairs["line"])]
    rows = pd.concat([pairs, alone], ignore_index=True)
    for name in ("date", "intervention_date", "baseline_date"):
        rows[name] = rows[name].dt.strftime("%Y-%m-%d")
    rows = rows.sort_values(["patient", "date", "line", "intervention_date"], kind="stable")
    if section_8:
        confirmed = rows["confirmed"].to_numpy()
        rows["confirmed_category"] = np.where(
            np.isnan(confirmed), "", "A" + np.nan_to_num(confirmed).astype(int).astype(str)
        )
    target = sys.stdout if out == "-" else out
    rows[list(wanted)].to_csv(target, sep="\t", index=False, na_rep="")


def _confirmed(readings: pd.DataFrame) -> pd.DataFrame:
    """Each reading's confirmed category's rank (NaN: none): its date's specimens are
    the last reading of each of the two dates before it, fetched by the dates'
    numbers (readings by patient, date and line)."""
    readings = readings.sort_values(["patient", "date", "line"], kind="stable")
    patient = readings["patient"].to_numpy()
    date = readings["date"].to_numpy()
    rank = readings["rank"].to_numpy().astype(float)
    new_date = np.ones(len(readings), dtype=bool)
    new_date[1:] = (date[1:] != date[:-1]) | (patient[1:] != patient[:-1])
    day = np.cumsum(new_date) - 1
    last = np.ones(len(readings), dtype=bool)
    last[:-1] = day[1:] != day[:-1]
    d_patient, d_date, d_rank = patient[last], date[last], rank[last]

    def back(values: np.ndarray, k: int, fill: object) -> np.ndarray:
        out = np.full(len(values), fill, dtype=values.dtype)
        same = d_patient[k:] == d_patient[:-k]
        out[k:] = np.where(same, values[:-k], fill)
        return out

    rank1 = back(d_rank, 1, np.nan)[day]
    rank2 = back(d_rank, 2, np.nan)[day]
    date2 = back(d_date, 2, np.datetime64("NaT"))[day]
    window = (date - date2) <= np.timedelta64(WINDOW_DAYS, "D")  # NaT: False
    confirmed = np.where(
        window & ((rank == rank1) | (rank == rank2)),
        rank,
        np.where(window & (rank1 == rank2), rank1, np.nan),
    )
    return readings.assign(confirmed=confirmed)


def _flags(has: np.ndarray, values: np.ndarray) -> np.ndarray:
    """`true`/`false` as the TSV writes them; empty without a baseline."""
    return np.where(has, np.where(values, "true", "false"), "")


def _moves(before: pd.Series, after: pd.Series) -> np.ndarray:
    """`category_change` between two ranks (1–3): empty when either is missing."""
    b = before.to_numpy(dtype=float)
    a = after.to_numpy(dtype=float)
    moves = np.where(a > b, "progression", np.where(a < b, "regression", "unchanged"))
    return np.where(np.isnan(a) | np.isnan(b), "", moves)


if __name__ == "__main__":
    args, wanted = columns(sys.argv[1:])
    main(*args, wanted=wanted)
