"""Categories, the nephrotic range and the marks decided on the values as written,
exactly (README "Clinical rules"): a computed ACR exactly on a cut-off, an exact 30%
fall or doubling, no change that is binary noise, and category moves and nephrotic
verdicts that the bounds decide."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from conftest import report_of

from albutrend.clinical.analysis import Settings, analyse, timelines
from albutrend.clinical.categories import classify
from albutrend.clinical.change import RCVSettings
from albutrend.clinical.followup import FollowUpRule
from albutrend.clinical.units import (
    CREAT_MG_DL,
    CREAT_MMOL_L,
    CREAT_UMOL_L,
    MG_24H,
    MG_G,
    MG_L,
    MG_MMOL,
    UG_MIN,
    acr_from,
)
from albutrend.model import Censor, Measurement
from albutrend.present.export import write_delimited, write_timelines

# Creatinines across the plausible range, as labs write them (one or two decimals).
MMOL = [Decimal(k) / 10 for k in range(3, 500)] + [Decimal(k) / 100 for k in range(30, 400, 7)]
MG_DL = [Decimal(k) / 10 for k in range(34, 5650, 11)]


def _computed(albumin: Decimal, creatinine: Decimal, creat_unit, unit) -> Measurement:  # type: ignore[no-untyped-def]
    return Measurement(acr_from(float(albumin), float(creatinine), unit, MG_L, creat_unit), unit)


@pytest.mark.parametrize(
    ("cut_off", "below", "on", "above"),
    [(3, "A1", "A2", "A2"), (30, "A2", "A2", "A3")],
)
def test_computed_mg_mmol_exactly_on_a_cut_off_is_in_the_category_of_the_cut_off(
    cut_off, below, on, above
):
    # albumin mg/L = cut-off × creatinine mmol/L, written as a lab would: the ACR is
    # exactly the cut-off (246 mg/L ÷ 8.2 mmol/L = 30 mg/mmol: A2, not A3).
    wrong = []
    for creatinine in MMOL:
        albumin = Decimal(cut_off) * creatinine
        m = _computed(albumin, creatinine, CREAT_MMOL_L, MG_MMOL)
        if m.value != cut_off or classify(m).code != on:
            wrong.append((albumin, creatinine, m.value))
    assert wrong == []
    assert classify(Measurement(cut_off - 0.01, MG_MMOL)).code == below
    assert classify(Measurement(cut_off + 0.01, MG_MMOL)).code == above


@pytest.mark.parametrize(("cut_off", "on"), [(30, "A2"), (300, "A2")])
def test_computed_mg_g_exactly_on_a_cut_off_is_in_the_category_of_the_cut_off(cut_off, on):
    # mg/L ÷ mg/dL × 100 = mg/g: 51.69 mg/L ÷ 172.3 mg/dL = 30 mg/g (A2, not A1).
    wrong = []
    for creatinine in MG_DL:
        albumin = Decimal(cut_off) * creatinine / 100
        m = _computed(albumin, creatinine, CREAT_MG_DL, MG_G)
        if m.value != cut_off or classify(m).code != on:
            wrong.append((albumin, creatinine, m.value))
    assert wrong == []


def test_computed_acr_in_mg_g_from_a_molar_creatinine_is_exact():
    # --acr-unit mg/g with creatinine in µmol/L: 3.3936 mg/L ÷ 1 mmol/L is 30 mg/g.
    for cut_off in (30, 300, 2200):
        for creatinine in MMOL[::5]:
            albumin = Decimal(cut_off) * Decimal("0.11312") * creatinine
            m = _computed(albumin, creatinine * 1000, CREAT_UMOL_L, MG_G)
            assert m.value == cut_off, (albumin, creatinine)
            assert classify(m).nephrotic is False
            assert classify(Measurement(m.value * 1.0001, MG_G)).nephrotic is (cut_off == 2200)


@pytest.mark.parametrize(
    ("line", "creat_unit", "unit", "per"),
    [(220, CREAT_MMOL_L, MG_MMOL, 1), (2200, CREAT_MG_DL, MG_G, 100)],
)
def test_computed_acr_exactly_on_the_nephrotic_line_is_not_nephrotic(line, creat_unit, unit, per):
    creatinines = MMOL if creat_unit is CREAT_MMOL_L else MG_DL
    for creatinine in creatinines:
        albumin = Decimal(line) * creatinine / per
        if not 1e-9 <= albumin <= 1e9:
            continue
        m = _computed(albumin, creatinine, creat_unit, unit)
        assert m.value == line, (albumin, creatinine)
        assert classify(m).nephrotic is False
        assert classify(m).code == "A3"


def test_the_reported_repro_cases(tmp_path):
    report = report_of(
        tmp_path,
        "1-1-24: albumin 246 mg/L, creatinine 8.2 mmol/L\n"
        "2-1-24: albumin 51.69 mg/L, creatinine 172.3 mg/dL\n",
    )
    first, second = report.patients[0].readings
    assert (first.shown.value, first.category.code) == (30.0, "A2")
    assert (second.shown.value, second.category.code) == (30.0, "A2")


@pytest.mark.parametrize(
    ("value", "unit", "nephrotic"),
    [
        (2200, MG_G, False),
        (2200.1, MG_G, True),
        (220, MG_MMOL, False),
        (220.01, MG_MMOL, True),
        (2200, MG_24H, False),
        (2200.1, MG_24H, True),
        (1527.77, UG_MIN, False),  # × 1.44 = 2199.99 mg/24h
        (1527.78, UG_MIN, True),  # × 1.44 = 2200.0032 mg/24h
        (5000, MG_L, None),  # a concentration cannot tell
    ],
)
def test_nephrotic_range_of_acr_and_aer(value, unit, nephrotic):
    assert classify(Measurement(value, unit)).nephrotic is nephrotic


def test_a_bound_leaves_the_nephrotic_range_open_or_decides_it():
    assert classify(Measurement(2200, MG_24H, Censor(">="))).nephrotic is None
    assert classify(Measurement(2200, MG_24H, Censor(">"))).nephrotic is True
    assert classify(Measurement(2200, MG_24H, Censor("<="))).nephrotic is False
    assert classify(Measurement(3000, MG_24H, Censor("<"))).nephrotic is None
    assert classify(Measurement(5000, MG_L, Censor(">"))).nephrotic is None


RULE = FollowUpRule(RCVSettings().fall, RCVSettings().rise)


@pytest.mark.parametrize(
    ("before", "after", "fall_30", "doubling"),
    [
        (132, 92.4, True, False),  # exactly −30%: −29.999999999999996 in floats
        (132.1, 92.47, True, False),
        (132.1, 92.48, False, False),
        (0.3, 0.21, True, False),
        (45.3, 90.6, False, True),  # exactly +100%
        (0.7, 1.4, False, True),
        (0.7, 1.3999, False, False),
    ],
)
def test_exact_marks(before, after, fall_30, doubling):
    b, a = Measurement(before, MG_G), Measurement(after, MG_G)
    v = RULE(b, classify(b), a, classify(a))
    assert (v.fall_30, v.doubling) == (fall_30, doubling)


def test_an_exact_30_percent_fall_is_marked_in_every_format(tmp_path):
    text = "1-1-24: 132 mg/L\n2-1-24: Started losartan\n1-3-24: 92.4 mg/L\n"
    report = report_of(tmp_path, text)
    [iv] = report.patients[0].interventions
    [f] = iv.followups
    assert f.change is not None and f.change.percent == -30.0 and f.fall_30 is True
    assert iv.first_fall_30 is f
    for delimiter in ("\t", ","):
        whole, streamed = io.StringIO(), io.StringIO()
        write_delimited(report, whole, delimiter)
        write_timelines(
            timelines(report_of_records(tmp_path, text))[0], Settings(), streamed, delimiter
        )
        row = dict(
            zip(
                whole.getvalue().splitlines()[0].split(delimiter),
                whole.getvalue().splitlines()[2].split(delimiter),
                strict=True,
            )
        )
        assert (row["change_pct"], row["fall_30"]) == ("-30", "true")
        assert streamed.getvalue() == whole.getvalue()


def report_of_records(tmp_path, text):  # type: ignore[no-untyped-def]
    from conftest import read_text

    return read_text(tmp_path, text)


def test_equal_values_in_two_units_are_no_change(tmp_path):
    # 3.3936 mg/mmol is exactly 30 mg/g: no "−0.00%, Δ −4e−15".
    report = report_of(tmp_path, "1-1-24: 30 mg/g\n2-1-24: Started\n1-3-24: 3.3936 mg/mmol\n")
    [f] = report.patients[0].interventions[0].followups
    assert f.change is not None and (f.change.absolute, f.change.percent) == (0.0, 0.0)
    assert f.change.describe_percent() == "+0.00%"
    assert f.fall_30 is False and f.category_change == "unchanged"
    assert report.patients[0].readings[1].previous.absolute == 0.0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("before", "after", "move"),
    [
        (Measurement(300, MG_G, Censor(">")), Measurement(100, MG_G, Censor("<=")), "regression"),
        (Measurement(20, UG_MIN, Censor("<")), Measurement(20, UG_MIN, Censor(">")), "progression"),
        (Measurement(3, MG_MMOL, Censor("<")), Measurement(2, MG_MMOL, Censor("<")), "unchanged"),
        (Measurement(300, MG_G, Censor(">")), Measurement(400, MG_G, Censor("<=")), None),
        (Measurement(30, MG_G, Censor("<")), Measurement(20, MG_G), "unchanged"),
        (Measurement(30, MG_G, Censor("<")), Measurement(30, MG_G), "progression"),
        (Measurement(20, UG_MIN, Censor("<=")), Measurement(20, UG_MIN), None),
    ],
)
def test_a_category_move_the_bounds_decide_is_marked(before, after, move):
    assert RULE(before, classify(before), after, classify(after)).category_change == move


def test_bound_moves_in_the_rows(tmp_path):
    text = "1-1-24: >300 mg/g\n2-1-24: Started\n1-3-24: <=100 mg/g\n"
    report = report_of(tmp_path, text)
    out = io.StringIO()
    write_delimited(report, out, ",")
    header, _, row = out.getvalue().splitlines()
    assert dict(zip(header.split(","), row.split(","), strict=True))["category_change"] == (
        "regression"
    )
    assert (
        analyse(report_of_records(tmp_path, text))
        .patients[0]
        .interventions[0]
        .followups[0]
        .category_change
        == "regression"
    )


@pytest.mark.parametrize(
    ("before", "after", "halving"),
    [(90.6, 45.3, True), (90.6, 45.31, False), (100, 49, True), (100, 51, False)],
)
def test_the_halving_mark_is_a_fall_of_50_percent_or_more(before, after, halving):
    b, a = Measurement(before, MG_G), Measurement(after, MG_G)
    assert RULE(b, classify(b), a, classify(a)).halving is halving


def test_halving_is_the_column_after_line_in_every_row(tmp_path):
    text = (
        "1-1-24: 90.6 mg/g\n2-1-24: Started\n1-3-24: 45.3 mg/g\n1-4-24: <60 mg/g\n1-5-24: 60 mg/g\n"
    )
    report = report_of(tmp_path, text)
    whole, streamed = io.StringIO(), io.StringIO()
    write_delimited(report, whole, "\t")
    write_timelines(timelines(report_of_records(tmp_path, text))[0], Settings(), streamed, "\t")
    assert streamed.getvalue() == whole.getvalue()
    header, *rows = whole.getvalue().splitlines()
    # Added after `line`, the last column then; the confirmed category came after it.
    assert header.split("\t")[29:] == ["halving", "confirmed_category", "confirmed_category_change"]
    assert [row.split("\t")[29] for row in rows] == ["", "true", "", "false"]


def test_a_doubling_is_visible_to_people(tmp_path):
    text = (
        "1-1-24: 30 mg/g\n2-1-24: Started drug\n1-3-24: 45 mg/g\n1-4-24: 66 mg/g\n1-5-24: 50 mg/g\n"
    )
    report = report_of(tmp_path, text)
    [iv] = report.patients[0].interventions
    assert iv.first_doubling is iv.followups[1] and iv.largest_rise is iv.followups[1]
    from albutrend.present.note import note_text
    from albutrend.present.views import report_blocks

    note = " ".join(note_text(report, width=0).split())
    assert "First doubling: +120.00% at day 90 (66 mg/g, 1 Apr 2024)" in note
    assert "a doubling or more" in note
    lines = [b for b in report_blocks(report) if hasattr(b, "columns")]
    grid = lines[-1]
    assert "Doubling" in grid.columns  # type: ignore[union-attr]
    column = grid.columns.index("Doubling")  # type: ignore[union-attr]
    assert [row[column] for row in grid.rows] == ["no", "yes", "no"]  # type: ignore[union-attr]
    summary = " ".join(b.text for b in report_blocks(report) if hasattr(b, "text"))
    assert "Largest rise: +120.00% at day 90. First doubling: day 90 (+120.00%)." in summary
