"""The columns the pandas and polars references compute, named as in albutrend's
TSV (README "Output formats"): what each reference writes and what `run.py`
compares with albutrend's report before it times anything."""

COMPARED = (
    "patient",
    "date",
    "value",
    "category",
    "intervention_date",
    "days_since",
    "baseline_date",
    "baseline_value",
    "change",
    "change_pct",
)
NUMBERS = {"value", "days_since", "baseline_value", "change", "change_pct"}
