"""The one rule of a follow-up: from a baseline and a later reading, the change and
every clinical verdict on it (README "Clinical rules").

- Different quantities (a concentration and a ratio) are never compared: "not
  comparable", no change and no mark.
- The change is `change.change_between`'s: in the baseline's unit, a bound when
  either value is one.
- Marks: a fall of 30% or more (`fall_30`), a doubling or more (`doubling`), a change
  beyond day-to-day variation (`beyond_rcv`), a fall of 50% or more (`halving`); each
  True, False, or None when a bound leaves it open.
- The move between categories (`regression`, `progression`, `unchanged`), when the
  categories decide it; and the move between the two readings' confirmed categories
  (`confirmed_change`, CLINICAL.md §8: a move is confirmed only when both have a
  confirmed category and those differ), None when either has none.

Every output formats what `FollowUpRule` returns: the analysis (JSON, tables, the
note, the chart) calls it per follow-up, and the TSV/CSV rows of a registry use the
tables it builds for the common case, two exact values in one unit: there the marks
depend only on the percent change, so the rule cuts the percent axis into intervals
where they are constant (`breaks`, `interval_marks`) and a row finds its interval
with one bisection. Within a hair of a threshold the interval is None and the rule
itself decides.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from albutrend.clinical.categories import ORDER, Category
from albutrend.clinical.change import (
    DOUBLING,
    EXACT,
    FALL_MARK,
    HALVING,
    Change,
    change_between,
    difference,
    percent_at_least,
    percent_at_most,
    percent_beyond,
)
from albutrend.clinical.units import exact_in_base
from albutrend.model import CategoryCode, Censor, Measurement
from albutrend.plain import Plain

if TYPE_CHECKING:
    from albutrend.clinical.change import Real

NOT_COMPARABLE = "not comparable"
NO_BASELINE = "no baseline"

# Marks of a change: (fall_30, doubling, beyond_rcv, halving).
Marks = tuple[bool | None, bool | None, bool | None, bool | None]


class Verdict(Plain):
    """A follow-up's change and verdicts. `note` is "", NOT_COMPARABLE or NO_BASELINE.
    `confirmed_change` is the move between the confirmed categories of the baseline
    and the follow-up (`confirm.confirmations`): None unless both are confirmed."""

    __slots__ = (
        "beyond_rcv",
        "category_change",
        "change",
        "confirmed_change",
        "doubling",
        "fall_30",
        "halving",
        "note",
    )

    def __init__(
        self,
        change: Change | None,
        note: str,
        fall_30: bool | None = None,
        doubling: bool | None = None,
        beyond_rcv: bool | None = None,
        halving: bool | None = None,
        category_change: str | None = None,
        confirmed_change: str | None = None,
    ) -> None:
        self.change: Final = change
        self.note: Final = note
        self.fall_30: Final = fall_30
        self.doubling: Final = doubling
        self.beyond_rcv: Final = beyond_rcv
        self.halving: Final = halving
        self.category_change: Final = category_change
        self.confirmed_change: Final = confirmed_change

    @property
    def marks(self) -> Marks:
        return (self.fall_30, self.doubling, self.beyond_rcv, self.halving)


NO_BASELINE_VERDICT = Verdict(None, NO_BASELINE)
NOT_COMPARABLE_VERDICT = Verdict(None, NOT_COMPARABLE)

# A percent this close (relative) to a threshold is decided by the rule itself, not
# by the interval table: the table's edges are floats, the rule's comparisons exact.
_HAIR = 1e-9


class FollowUpRule:
    """The verdicts of a follow-up, with the day-to-day variation limits of a report
    (`rcv_fall`, a negative percent, and `rcv_rise`)."""

    def __init__(self, rcv_fall: float, rcv_rise: float) -> None:
        self.rcv_fall, self.rcv_rise = rcv_fall, rcv_rise
        # Bands of a hair around each threshold, merged where they overlap.
        bands: list[list[float]] = []
        for t in sorted({FALL_MARK, HALVING, DOUBLING, rcv_fall, rcv_rise, 0.0}):
            hair = abs(t) * _HAIR or _HAIR
            if bands and t - hair <= bands[-1][1]:
                bands[-1][1] = t + hair
            else:
                bands.append([t - hair, t + hair])
        # Interval k of the percent axis is [breaks[k-1], breaks[k]): odd intervals are
        # bands (None: the rule decides), even ones have the marks of any point in them.
        self.breaks = [edge for band in bands for edge in band]
        self.interval_marks: list[Marks | None] = []
        for k in range(len(self.breaks) + 1):
            if k % 2:
                self.interval_marks.append(None)
                continue
            low = self.breaks[k - 1] if k else self.breaks[0] - 1.0
            high = self.breaks[k] if k < len(self.breaks) else self.breaks[-1] + 1.0
            self.interval_marks.append(self._marks_of_percent((low + high) / 2))
        # The move between the categories of two exact values, by rank (1–3: A1–A3;
        # 0: not known): moves[before][after].
        codes: tuple[CategoryCode | None, ...] = (None, *ORDER)
        self.moves: list[list[str | None]] = [
            [self.move_of(b, a) if b and a else None for a in codes] for b in codes
        ]

    def _marks_of_percent(self, percent: float) -> Marks:
        """The marks of an exact change of `percent`."""
        return self.marks_of(percent, EXACT)

    def marks_of(self, percent: Real, bound: Censor) -> Marks:
        """fall_30, doubling, beyond_rcv of a percent change bounded as `bound` says
        (None: the bound leaves it open)."""
        return (
            percent_at_most(percent, bound, FALL_MARK),
            percent_at_least(percent, bound, DOUBLING),
            percent_beyond(percent, bound, self.rcv_fall, self.rcv_rise),
            percent_at_most(percent, bound, HALVING),
        )

    def exact(self, value: float, base: float) -> tuple[float, float, int]:
        """Two exact values in one unit: the change, the percent change, and the
        interval of `interval_marks` it falls in (its marks; None, an odd interval:
        within a hair of a mark or of no change, where `__call__` decides exactly)."""
        absolute = difference(value, base)
        percent = absolute / base * 100.0  # 100.0: a float product, the same as by 100
        return absolute, percent, bisect_right(self.breaks, percent)

    def change(
        self,
        before: Measurement,
        after: Measurement,
        read_before: Measurement | None = None,
        read_after: Measurement | None = None,
    ) -> tuple[Change, Marks] | None:
        """The change from `before` to `after` (as shown: an ACR in --acr-unit) and
        its marks; None for two quantities. Within a hair of a mark (or of no change)
        both are decided on the values as written (`read_before`, `read_after`, if
        they were converted to be shown), exactly: 132 → 92.4 is −30% and passes the
        30% mark; 30 mg/g → 3.3936 mg/mmol is no change, not −4e−15."""
        unit = before.unit
        if after.unit is unit and not after.censor and not before.censor:
            absolute, percent, interval = self.exact(after.value, before.value)
            change = Change(absolute, percent, EXACT, unit, False)
            if interval % 2 == 0:  # away from every mark: the interval's marks (an even
                # interval has them: the type cannot say so)
                return change, self.interval_marks[interval]  # type: ignore[return-value]
        else:
            if unit.family != after.unit.family:
                return None
            found = change_between(before, after)
            assert found is not None  # one quantity
            change = found
            interval = bisect_right(self.breaks, change.percent)
            if interval % 2 == 0:
                marks = self.interval_marks[interval] if change.exact else None
                return change, marks or self.marks_of(change.percent, change.bound)
        read_after, read_before = read_after or after, read_before or before
        after_base = exact_in_base(read_after.value, read_after.unit)
        before_base = exact_in_base(read_before.value, read_before.unit)
        num, den = before.unit.ratio
        exact_percent = (after_base - before_base) / before_base * 100
        exact_absolute = (after_base - before_base) * den / num
        change = Change(
            float(exact_absolute), float(exact_percent), change.bound, change.unit, change.converted
        )
        return change, self.marks_of(exact_percent, change.bound)

    def move(self, before: Category, after: Category) -> str | None:
        """`regression`, `progression` or `unchanged` when every value the two
        categories allow (a bound allows several) gives that move; else None.
        `>300 mg/g` then `<=100 mg/g` is a regression."""
        if len(before.possible) == 1 and len(after.possible) == 1:  # two exact values
            return self.move_of(before.possible[0], after.possible[0])
        moves = {self.move_of(b, a) for b in before.possible for a in after.possible}
        return moves.pop() if len(moves) == 1 else None

    @staticmethod
    def move_of(before: CategoryCode, after: CategoryCode) -> str:
        """The move from category `before` to `after` (A1–A3)."""
        delta = ORDER[after] - ORDER[before]
        return "regression" if delta < 0 else "progression" if delta > 0 else "unchanged"

    def __call__(
        self,
        before: Measurement,
        before_category: Category,
        after: Measurement,
        category: Category,
        read_before: Measurement | None = None,
        read_after: Measurement | None = None,
        confirmed_before: CategoryCode | None = None,
        confirmed_after: CategoryCode | None = None,
    ) -> Verdict:
        """The verdicts of `after` (its category `category`) against the baseline
        `before` (its category `before_category`), as shown; `read_before` and
        `read_after` are the values as read when they differ (see `change`);
        `confirmed_before` and `confirmed_after` their confirmed categories (A1–A3,
        None when not confirmed)."""
        found = self.change(before, after, read_before, read_after)
        if found is None:
            return NOT_COMPARABLE_VERDICT
        change, marks = found
        fall_30, doubling, beyond_rcv, halving = marks
        move = self.move(before_category, category)
        confirmed = self.confirmed_move(confirmed_before, confirmed_after)
        return Verdict(change, "", fall_30, doubling, beyond_rcv, halving, move, confirmed)

    def confirmed_move(self, before: CategoryCode | None, after: CategoryCode | None) -> str | None:
        """The move between two confirmed categories; None unless both are confirmed:
        a move is confirmed (`regression`, `progression`) only when they differ."""
        return self.move_of(before, after) if before and after else None


@lru_cache(maxsize=64)
def rule_for(rcv_fall: float, rcv_rise: float) -> FollowUpRule:
    """The rule of these limits, made once (it is never changed after it is made):
    a registry's 50,000 patients are analysed with one."""
    return FollowUpRule(rcv_fall, rcv_rise)
