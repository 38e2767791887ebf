"""The columns of TSV, CSV and JSON lines: one list, in the documented order."""

# One row per reading and per intervention it follows (a reading before any
# intervention: one row, intervention fields empty). Never reorder: scripts index it.
COLUMNS = (
    "patient",
    "date",
    "value",
    "unit",
    "censor",
    "category",
    "indicative",
    "nephrotic",
    "intervention_date",
    "intervention",
    "days_since",
    "baseline_date",
    "baseline_value",
    "baseline_unit",
    "baseline_censor",
    "change",
    "change_pct",
    "change_bound",
    "comparison",
    "fall_30",
    "doubling",
    "beyond_rcv",
    "category_change",
    "albumin",
    "albumin_unit",
    "creatinine",
    "creatinine_unit",
    "source",
    "line",
    # Added at the end: scripts index the columns above.
    "halving",
    "confirmed_category",
    "confirmed_category_change",
)
