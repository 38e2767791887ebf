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

One streaming pass over a patient's readings, constant work per reading: the same
function serves the analysis (JSON, tables, the note) and the TSV rows of a registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

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


_FAR = -(10**7)  # the day number of "no specimen": always outside the window


def _of_one_quantity(
    dates: Sequence[date], codes: Sequence[CategoryCode]
) -> list[Confirmation | None]:
    """The rule over one quantity's readings, in date order (a registry's every
    reading passes here: its constants are local names)."""
    out: list[Confirmation | None] = []
    add = out.append
    window, counted = WINDOW_DAYS, _COUNTED
    # The last date seen (day number, code of its last reading, date), the one before
    # it and the one before that: R's specimens once R is the last.
    none = CategoryCode.INDETERMINATE  # "no specimen" counts for no category
    at0, code0, day0 = _FAR, none, date.min
    at1, code1, day1 = _FAR, none, date.min
    at2, code2, day2 = _FAR, none, date.min
    for day, at, code in zip(dates, map(date.toordinal, dates), codes, strict=True):
        if at != at0:  # a new date; on the same date, this reading stands for it
            at2, code2, day2 = at1, code1, day1
            at1, code1, day1 = at0, code0, day0
        at0, code0, day0 = at, code, day
        if at - at2 > window:
            add(None)  # fewer than three specimens within the 183 days
        elif code in counted and code in (code1, code2):
            add((code, 1 + (code == code1) + (code == code2), 3, day2))
        elif code1 == code2 and code1 in counted:
            add((code1, 2, 3, day2))
        else:
            add(None)
    return out
