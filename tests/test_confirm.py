"""The confirmed category (CLINICAL.md §8, README "Confirmed category"): 2 of 3
specimens of one quantity within 183 days, in every format, the note and the table."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from conftest import EXAMPLES, report_of
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.clinical.confirm import WINDOW_DAYS, confirmations
from albutrend.clinical.units import ACR, AER, CONCENTRATION
from albutrend.present.columns import COLUMNS
from albutrend.present.export import write_delimited
from albutrend.present.export_json import write_json, write_jsonl
from albutrend.present.note import note_text
from albutrend.present.views import Grid, report_blocks

runner = CliRunner()
DAY0 = date(2024, 1, 10)


def days(*offsets: int) -> list[date]:
    return [DAY0 + timedelta(days=k) for k in offsets]


def acr(*codes: str) -> list[str]:
    return [ACR] * len(codes)


# ---- the rule ----------------------------------------------------------------------


def test_three_specimens_within_183_days_confirm_and_184_does_not():
    assert WINDOW_DAYS == 183
    codes = ["A2", "A1", "A2"]
    # R's date minus the earliest = 183: all three count, A2 on 2 of 3.
    assert confirmations(days(0, 90, 183), acr(*codes), codes)[-1] == ("A2", 2, 3, DAY0)
    # 184: the first drops out; A1 and A2 disagree.
    assert confirmations(days(0, 90, 184), acr(*codes), codes)[-1] is None


def test_two_of_three_with_the_middle_one_different():
    codes = ["A2", "A3", "A2"]
    out = confirmations(days(0, 60, 120), acr(*codes), codes)
    assert out == [None, None, ("A2", 2, 3, DAY0)]


def test_three_of_three_and_the_window_moves_on():
    codes = ["A2", "A2", "A2", "A2"]
    out = confirmations(days(0, 1, 183, 184), acr(*codes), codes)
    assert out == [
        None,
        None,  # two concordant specimens: §8 asks for three
        ("A2", 3, 3, DAY0),
        ("A2", 3, 3, DAY0 + timedelta(days=1)),  # R and the two before it
    ]


def test_two_specimens_never_confirm():
    # CLINICAL.md §8: R and the two readings before it, all three within 183 days.
    assert confirmations(days(0, 30), acr("A2", "A2"), ["A2", "A2"]) == [None, None]
    assert confirmations(days(0), acr("A3"), ["A3"]) == [None]  # one value is one value


def test_a_third_reading_outside_the_window_leaves_two_concordant_ones_unconfirmed():
    # The reading two back is 300 days before R: the three do not lie within 183 days.
    codes = ["A1", "A3", "A3"]
    assert confirmations(days(0, 250, 300), acr(*codes), codes)[-1] is None
    assert confirmations(days(117, 250, 300), acr(*codes), codes)[-1] == (
        "A3",
        2,
        3,
        DAY0 + timedelta(days=117),
    )


def test_the_two_earlier_specimens_can_confirm_a_category_r_is_not_in():
    codes = ["A2", "A2", "A1"]
    assert confirmations(days(0, 30, 60), acr(*codes), codes)[-1] == ("A2", 2, 3, DAY0)


def test_an_indeterminate_reading_counts_for_no_category():
    codes = ["A2", "indeterminate", "A2"]
    assert confirmations(days(0, 30, 60), acr(*codes), codes) == [None, None, ("A2", 2, 3, DAY0)]
    codes = ["indeterminate", "indeterminate"]
    assert confirmations(days(0, 30), acr(*codes), codes) == [None, None]


def test_quantities_never_confirm_each_other():
    quantities = [ACR, CONCENTRATION, AER, ACR]
    codes = ["A2", "A2", "A2", "A1"]
    assert confirmations(days(0, 1, 2, 3), quantities, codes) == [None, None, None, None]
    quantities = [ACR, CONCENTRATION, ACR, CONCENTRATION, ACR, CONCENTRATION]
    out = confirmations(days(0, 1, 2, 3, 4, 5), quantities, ["A2", "A3", "A2", "A3", "A1", "A1"])
    assert out == [None] * 4 + [("A2", 2, 3, DAY0), ("A3", 2, 3, DAY0 + timedelta(days=1))]


def test_readings_on_one_date_are_one_specimen():
    # A result entered twice never confirms itself.
    assert confirmations(days(0, 0), acr("A2", "A2"), ["A2", "A2"]) == [None, None]
    # Later, the date counts once, by its last reading.
    codes = ["A2", "A2", "A1", "A2"]
    assert confirmations(days(0, 5, 5, 10), acr(*codes), codes)[-1] == ("A2", 2, 3, DAY0)
    codes = ["A1", "A2", "A2"]
    assert confirmations(days(0, 0, 10), acr(*codes), codes)[-1] is None  # two dates
    # The second reading of a date is judged with the two dates before it.
    codes = ["A3", "A3", "A1", "A3"]
    assert confirmations(days(0, 5, 10, 10), acr(*codes), codes)[-2:] == [
        ("A3", 2, 3, DAY0),
        ("A3", 3, 3, DAY0),
    ]


# ---- from the files: bounds, units, the move -----------------------------------------


def confirmed_of(tmp_path, text: str) -> list[str | None]:
    report = report_of(tmp_path, text)
    return [r.confirmed_category for r in report.patients[0].readings]


def test_a_bound_counts_for_the_category_it_decides(tmp_path):
    # <3 mg/mmol is A1; >300 mg/g is A3.
    text = "1-1-24: 2 mg/mmol\n1-2-24: <3 mg/mmol\n1-3-24: 40 mg/mmol\n"
    assert confirmed_of(tmp_path, text) == [None, None, "A1"]
    text = "1-1-24: >300 mg/g\n1-2-24: 400 mg/g\n1-3-24: 20 mg/g\n"
    assert confirmed_of(tmp_path, text) == [None, None, "A3"]


def test_a_bound_that_decides_nothing_counts_for_none(tmp_path):
    # <100 mg/g is A1 or A2: no A2 on two specimens.
    text = "1-1-24: 45 mg/g\n1-2-24: <100 mg/g\n1-3-24: 20 mg/g\n"
    assert confirmed_of(tmp_path, text) == [None, None, None]
    text = "1-1-24: 45 mg/g\n1-2-24: <100 mg/g\n1-3-24: 60 mg/g\n"
    assert confirmed_of(tmp_path, text) == [None, None, "A2"]


def test_units_of_one_quantity_confirm_each_other_and_concentrations_do_not(tmp_path):
    # 5 mg/mmol (A2 by its own cut-offs) and 45 mg/g are one quantity; 45 mg/L is not.
    text = "1-1-24: 5 mg/mmol\n1-2-24: 45 mg/L\n1-3-24: 45 mg/g\n1-4-24: 20 mg/g\n"
    assert confirmed_of(tmp_path, text) == [None, None, None, "A2"]


CONFIRMED_MOVE = (
    "10-12-23: 380 mg/g\n10-1-24: 400 mg/g\n10-2-24: 350 mg/g\n"  # A3 confirmed (3 of 3)
    "11-2-24: Started ramipril\n"
    "10-4-24: 200 mg/g\n"  # A2, confirmed A3 still (2 of 3)
    "10-5-24: 150 mg/g\n"  # A2 confirmed: a confirmed regression
)


def test_a_move_is_confirmed_only_when_the_confirmed_categories_differ(tmp_path):
    report = report_of(tmp_path, CONFIRMED_MOVE)
    [iv] = report.patients[0].interventions
    assert iv.baseline is not None and iv.baseline.confirmed_category == "A3"
    moves = [(f.category_change, f.confirmed_change) for f in iv.followups]
    assert moves == [("regression", "unchanged"), ("regression", "regression")]


def test_the_confirmed_move_can_differ_from_the_readings_move(tmp_path):
    # Baseline A1 whose confirmed category is A2; follow-up A2 confirmed A1.
    text = (
        "1-1-24: 50 mg/g\n1-2-24: 60 mg/g\n1-3-24: 20 mg/g\n2-3-24: Started\n"
        "1-4-24: 25 mg/g\n1-5-24: 40 mg/g\n"
    )
    report = report_of(tmp_path, text)
    [iv] = report.patients[0].interventions
    last = iv.followups[-1]
    assert (iv.baseline.confirmed_category, last.result.confirmed_category) == ("A2", "A1")
    assert (last.category_change, last.confirmed_change) == ("progression", "regression")


# ---- every format ---------------------------------------------------------------------


def test_the_columns_end_with_the_confirmed_category_and_its_move():
    assert COLUMNS[29:] == ("halving", "confirmed_category", "confirmed_category_change")
    assert len(COLUMNS) == 32


@pytest.mark.parametrize("delimiter", ["\t", ","])
def test_tsv_and_csv_give_the_confirmed_category_in_its_column(tmp_path, delimiter):
    out = io.StringIO()
    write_delimited(report_of(tmp_path, CONFIRMED_MOVE), out, delimiter)
    header, *rows = out.getvalue().splitlines()
    assert header.split(delimiter)[-2:] == ["confirmed_category", "confirmed_category_change"]
    cells = [row.split(delimiter) for row in rows]
    assert [(c[1], c[5], c[-2], c[-1]) for c in cells] == [
        ("2023-12-10", "A3", "", ""),
        ("2024-01-10", "A3", "", ""),
        ("2024-02-10", "A3", "A3", ""),
        ("2024-04-10", "A2", "A3", "unchanged"),
        ("2024-05-10", "A2", "A2", "regression"),
    ]


def test_json_and_json_lines_give_the_confirmed_category(tmp_path):
    report = report_of(tmp_path, CONFIRMED_MOVE)
    out = io.StringIO()
    write_json(report, out)
    [patient] = json.loads(out.getvalue())["patients"]
    assert [r["confirmed_category"] for r in patient["readings"]] == [None, None, "A3", "A3", "A2"]
    [iv] = patient["interventions"]
    assert iv["baseline"]["confirmed_category"] == "A3"
    followups = iv["followups"]
    assert [f["confirmed_category"] for f in followups] == ["A3", "A2"]
    assert [f["confirmed_category_change"] for f in followups] == ["unchanged", "regression"]
    out = io.StringIO()
    write_jsonl(report, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [list(line)[-2:] for line in lines] == [list(COLUMNS[-2:])] * 5
    assert [(x["confirmed_category"], x["confirmed_category_change"]) for x in lines] == [
        (None, None),
        (None, None),
        ("A3", None),
        ("A3", "unchanged"),
        ("A2", "regression"),
    ]


def test_the_table_marks_a_confirmed_category_and_a_confirmed_move(tmp_path):
    blocks = report_blocks(report_of(tmp_path, CONFIRMED_MOVE))
    readings, followups = [b for b in blocks if isinstance(b, Grid)]
    assert [row[2] for row in readings.rows] == [
        "A3 severely increased (macroalbuminuria)",
        "A3 severely increased (macroalbuminuria)",
        "A3 severely increased (macroalbuminuria) ✓",
        "A2 moderately increased (microalbuminuria) (A3 ✓)",
        "A2 moderately increased (microalbuminuria) ✓",
    ]
    assert [row[-1] for row in followups.rows] == ["A2 ↓", "A2 ↓ confirmed"]
    texts = [getattr(b, "text", "") for b in blocks]
    assert "Baseline 350 mg/g on 10 Feb 2024, 1 day before (A3 ✓)." in texts


def test_markdown_and_the_saved_page_show_the_mark(tmp_path):
    f = tmp_path / "move.txt"
    f.write_text(CONFIRMED_MOVE)
    markdown = runner.invoke(app, ["report", str(f), "-f", "markdown"]).stdout
    assert "| A2 moderately increased (microalbuminuria) (A3 ✓) |" in markdown
    assert "| A2 ↓ confirmed |" in markdown
    page = tmp_path / "move.html"
    result = runner.invoke(app, ["report", str(f), "--save", str(page)])
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert ">A3 severely increased (macroalbuminuria) ✓</td>" in html
    assert ">A2 ↓ confirmed</td>" in html


# ---- the note ---------------------------------------------------------------------------


def note_of(tmp_path, text: str) -> str:
    return " ".join(note_text(report_of(tmp_path, text), width=0).split())


def test_the_note_says_three_of_three(tmp_path):
    text = "10-1-24: 45 mg/g\n15-3-24: 60 mg/g\n20-5-24: 52 mg/g\n"
    assert "A2 confirmed: 3 of 3 specimens from 10 Jan to 20 May 2024." in note_of(tmp_path, text)


def test_the_note_says_one_specimen_and_to_repeat(tmp_path):
    text = "10-1-24: 12 mg/g\n20-5-24: 52 mg/g\n"
    note = note_of(tmp_path, text)
    assert "A2 on one specimen, not yet confirmed: repeat within 3 months." in note
    # Normal albuminuria on one specimen: not confirmed, no repeat asked.
    assert "A1 on one specimen, not yet confirmed. " in note_of(tmp_path, "20-5-24: 12 mg/g\n")


def test_the_note_says_two_of_three_and_two_not_yet_confirmed(tmp_path):
    text = "10-1-24: 45 mg/g\n15-3-24: 400 mg/g\n20-5-24: 52 mg/g\n"
    assert "A2 confirmed: 2 of 3 specimens from 10 Jan to 20 May 2024." in note_of(tmp_path, text)
    # Two agree, no third specimen: not confirmed, and the note does not say "one".
    text = "10-12-23: 45 mg/g\n20-5-24: 52 mg/g\n"
    assert (
        "A2 on 2 specimens, not yet confirmed (2 of 3 specimens within 6 months confirm it): "
        "repeat within 3 months." in note_of(tmp_path, text)
    )
    text = "10-12-22: 45 mg/g\n10-6-23: 45 mg/g\n20-5-24: 52 mg/g\n"
    assert "A2 on one specimen, not yet confirmed: repeat" in note_of(tmp_path, text)


def test_the_note_says_when_the_latest_differs_from_the_confirmed(tmp_path):
    text = "10-1-24: 45 mg/g\n15-3-24: 60 mg/g\n20-5-24: 12 mg/g\n"
    assert (
        "A2 confirmed: 2 of 3 specimens from 10 Jan to 20 May 2024; the latest, A1, is on one "
        "specimen, not yet confirmed." in note_of(tmp_path, text)
    )
    text = "10-1-24: 45 mg/g\n15-3-24: 60 mg/g\n20-5-24: <100 mg/g\n"
    assert (
        "A2 confirmed: 2 of 3 specimens from 10 Jan to 20 May 2024; the latest is a bound, "
        "A1 or A2." in note_of(tmp_path, text)
    )


def test_the_note_says_a_bound_that_decides_nothing_is_not_confirmed(tmp_path):
    assert (
        "Category not confirmed (the latest is a bound, A1 or A2): repeat within 3 months."
        in note_of(tmp_path, "10-1-24: 12 mg/g\n20-5-24: <100 mg/g\n")
    )


def test_the_note_says_it_per_quantity_and_for_a_concentration(tmp_path):
    text = "10-1-24: 45 mg/g\n15-3-24: 60 mg/g\n15-3-24: 400 mg/L\n"
    note = note_of(tmp_path, text)
    assert "ACR A2 on 2 specimens, not yet confirmed (2 of 3 specimens within 6 months" in note
    assert (
        "Albumin concentration A3 range on one specimen, not yet confirmed: repeat within "
        "3 months." in note
    )
    reference = " ".join(
        note_text(report_of(tmp_path, (EXAMPLES / "reference-case.txt").read_text()), 0).split()
    )
    assert "A3 range confirmed: 3 of 3 specimens from 9 Jun to 27 Oct 2024." in reference


def test_the_note_names_a_confirmed_move(tmp_path):
    note = note_of(tmp_path, CONFIRMED_MOVE)
    assert (
        "Latest change: −57.14% at day 89 (150 mg/g, 10 May 2024): passes the 30% fall mark; "
        "beyond day-to-day variation; a confirmed regression, A3 to A2." in note
    )


def test_a_caller_that_knows_every_reading_is_one_quantity_may_say_so():
    codes = ["A2", "A1", "A2", "A3", "A3"]
    dates = days(0, 30, 60, 61, 62)
    assert confirmations(dates, None, codes) == confirmations(dates, acr(*codes), codes)
    assert confirmations(dates, None, codes)[2:] == [
        ("A2", 2, 3, DAY0),
        None,
        ("A3", 2, 3, DAY0 + timedelta(days=60)),
    ]


def literal_confirmations(dates, codes):
    """§8 read word for word, one reading at a time: R's specimens are R and the last
    reading of each of the two dates before R's (a date is one specimen)."""
    out = []
    for k, day in enumerate(dates):
        last_of_date = {dates[j]: codes[j] for j in range(k) if dates[j] != day}
        earlier = sorted(last_of_date)[-2:]
        if len(earlier) < 2 or (day - earlier[0]).days > WINDOW_DAYS:
            out.append(None)
            continue
        three = [codes[k], last_of_date[earlier[1]], last_of_date[earlier[0]]]
        best = max(("A1", "A2", "A3"), key=three.count)
        if three.count(best) >= 2:
            out.append((best, three.count(best), 3, earlier[0]))
        else:
            out.append(None)
    return out


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0, 0, 1, 30, 91, 92, 182, 183, 184, 300]),
            st.sampled_from(["A1", "A2", "A3", "indeterminate"]),
        ),
        max_size=9,
    )
)
def test_the_rule_is_section_8_read_word_for_word(steps):
    # Gaps of 0 (a date repeated), just inside and just outside the window.
    dates, day = [], DAY0
    for gap, _ in steps:
        day += timedelta(days=gap)
        dates.append(day)
    codes = [code for _, code in steps]
    assert confirmations(dates, None, codes) == literal_confirmations(dates, codes)
