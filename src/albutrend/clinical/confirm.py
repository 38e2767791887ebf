"""The confirmed category (CLINICAL.md §8): KDIGO and the ADA establish a category when
2 of 3 specimens collected within 3 to 6 months fall in it; one value is one value.

The rule, per patient and per quantity (an ACR, an AER and a concentration never
confirm each other), at each reading R in date order:

- The specimens are R and the two readings of its quantity before it. All three must
  lie within 183 days (R's date minus the earliest ≤ 183): with fewer than three, or
  with the earliest further back, R has none (§8 as written; KDIGO's "2 of 3
  specimens collected within 3–6 months" asks for the third specimen).
- Readings of one quantity on one date are one specimen: for a later reading, a date
  counts once, by its last reading in the analysis' order (as for a baseline). A row
  entered twice never confirms itself.
- If at least two of the three share a category, that category is R's confirmed
  category; otherwise R has none ("not yet confirmed").
- A bound counts only for the category it decides (`<3 mg/mmol` is A1, `>300 mg/g`
  A3); a reading whose bound leaves its category open is a specimen that counts for
  no category.

One pass over a patient's readings, in date order: the same function serves the
analysis (JSON, tables, the note) and the TSV rows of a registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from albutrend.model import CategoryCode, Family

# R's date minus the earliest specimen's, at most: 6 months (KDIGO's "3–6 months").
WINDOW_DAYS = 183

# The categories a specimen can count for: a bound that decides nothing is none.
_COUNTED = frozenset((CategoryCode.A1, CategoryCode.A2, CategoryCode.A3))

# A reading's confirmation: (category, specimens in it, specimens considered, the
# date of the earliest specimen considered). ("A2", 2, 3, d): A2 on 2 of 3 specimens
# from d to the reading's date.
Confirmation = tuple[CategoryCode, int, int, date]


def confirmations(
    dates: Sequence[date], quantities: Sequence[Family] | None, codes: Sequence[CategoryCode]
) -> list[Confirmation | None]:
    """The confirmation of each reading of one patient (None: not confirmed), from the
    readings' dates (in date order, as the analysis orders them), quantities
    (`units.ACR`, `AER`, `CONCENTRATION`; None when the caller knows they are all
    one) and category codes (A1–A3, or anything else for a category its bound leaves
    open)."""
    if not quantities or quantities.count(quantities[0]) == len(quantities):
        return _of_one_quantity(dates, codes)  # most patients: one quantity
    out: list[Confirmation | None] = [None] * len(quantities)
    positions: dict[Family, list[int]] = {}
    for k, quantity in enumerate(quantities):
        positions.setdefault(quantity, []).append(k)
    for found in positions.values():
        confirmed = _of_one_quantity([dates[k] for k in found], [codes[k] for k in found])
        for k, c in zip(found, confirmed, strict=True):
            out[k] = c
    return out


# R's date minus the earliest specimen's, at most, as a date difference.
_WINDOW = timedelta(days=WINDOW_DAYS)


def _of_one_quantity(
    dates: Sequence[date], codes: Sequence[CategoryCode]
) -> list[Confirmation | None]:
    """The rule over one quantity's readings, in date order. A registry's every
    reading passes here, and three readings in four are settled by one subtraction:
    the readings before R lie on dates no later than the specimens' (a repeated date
    only pushes the specimens further back), so when the reading two places back is
    outside the window, so is R's earliest specimen."""
    out: list[Confirmation | None] = [None] * len(dates)
    window, counted = _WINDOW, _COUNTED
    for k in range(2, len(dates)):
        day = dates[k]
        first = dates[k - 2]
        if day - first > window:
            continue  # fewer than three specimens within the 183 days
        if day != dates[k - 1] != first:  # three dates: R and the two readings before it
            s1, s2 = k - 1, k - 2
        else:
            s1, s2 = _specimens_before(dates, k)
            if s2 < 0:
                continue  # fewer than three dates
            first = dates[s2]
            if day - first > window:
                continue
        code, code1, code2 = codes[k], codes[s1], codes[s2]
        if code in counted and code in (code1, code2):
            out[k] = (code, 1 + (code == code1) + (code == code2), 3, first)
        elif code1 == code2 and code1 in counted:
            out[k] = (code1, 2, 3, first)
    return out


def _specimens_before(dates: Sequence[date], k: int) -> tuple[int, int]:
    """The positions of the two specimens before reading k: the last reading of the
    date before k's, and the last of the date before that (-1: none)."""
    j = k - 1
    while j >= 0 and dates[j] == dates[k]:
        j -= 1
    s1 = j
    while j >= 0 and dates[j] == dates[s1]:
        j -= 1
    return s1, j
