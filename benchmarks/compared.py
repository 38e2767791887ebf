"""The columns the pandas and polars references compute, named as in albutrend's
TSV (README "Output formats"): what each reference writes and what `run.py`
compares with albutrend's report before it times anything. The references do the
TSV's work: categories, baselines, changes, the marks of each follow-up (30% fall,
doubling, beyond the RCV, halving, the category's move) and each reading's confirmed
category (CLINICAL.md §8) with its move."""

import math
from statistics import NormalDist

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
    "fall_30",
    "doubling",
    "beyond_rcv",
    "category_change",
    "halving",
    "confirmed_category",
    "confirmed_category_change",
)
NUMBERS = {"value", "days_since", "baseline_value", "change", "change_pct"}

# `--before-round`: the work of albutrend's TSV before this round's columns (halving
# and the confirmed category), for a side-by-side run against the commit before it.
ADDED_THIS_ROUND = ("halving", "confirmed_category", "confirmed_category_change")

# The reference change value of one specimen against one (README "Clinical rules":
# log-normal, CV_I 30%, CV_A 5%, 95% two-sided), in percent.
_Z = NormalDist().inv_cdf(0.975)
_SIGMA = math.sqrt(math.log(0.05**2 + 0.30**2 + 1))
RCV_RISE = (math.exp(_Z * math.sqrt(2) * _SIGMA) - 1) * 100
RCV_FALL = (math.exp(-_Z * math.sqrt(2) * _SIGMA) - 1) * 100

WINDOW_DAYS = 183  # §8: R and the two specimens before it within 183 days


def columns(argv: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """The arguments left and the columns to write (`--before-round`: without the
    columns this round added)."""
    if "--before-round" in argv:
        argv = [a for a in argv if a != "--before-round"]
        return argv, tuple(c for c in COMPARED if c not in ADDED_THIS_ROUND)
    return argv, COMPARED
