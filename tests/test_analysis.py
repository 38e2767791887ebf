from datetime import date

import pytest
from conftest import EXAMPLES, TODAY, read_text, report_of

from albutrend.clinical.analysis import NoReadings, PatientNotFound, Settings, analyse
from albutrend.clinical.change import RCVSettings
from albutrend.clinical.units import MG_G, MG_MMOL
from albutrend.reading.records import ReadOptions
from albutrend.reading.sources import read_sources


@pytest.mark.parametrize("name", ["reference-case.txt", "reference-case.csv"])
def test_reference_case_gives_the_expected_figures(name):
    records = read_sources([str(EXAMPLES / name)], ReadOptions(today=TODAY))
    [patient] = analyse(records).patients
    [iv] = patient.interventions
    assert iv.baseline is not None and iv.baseline.date == date(2024, 6, 9)
    assert iv.baseline_days == 17
    got = [
        (f.days, round(f.change.absolute, 1), round(f.change.percent, 2), f.fall_30, f.beyond_rcv)
        for f in iv.followups
        if f.change is not None
    ]
    assert got == [(30, -1357.6, -54.58, True, False), (123, -1532.5, -61.61, True, True)]
    assert all(r.category.code == "A3" and r.category.indicative for r in patient.readings)
    assert iv.latest is iv.followups[-1]
    assert iv.largest_fall is iv.followups[-1]
    assert iv.first_fall_30 is iv.followups[0]


def test_readings_in_any_order_are_analysed_in_date_order(tmp_path, reference_notes):
    shuffled = "\n".join(reversed(reference_notes.strip().splitlines())) + "\n"
    ordered = report_of(tmp_path, reference_notes)
    reverse = report_of(tmp_path, shuffled)
    key = lambda rep: [
        (f.days, f.change.percent) for f in rep.patients[0].interventions[0].followups
    ]
    assert key(ordered) == key(reverse)


def test_a_reading_on_the_day_of_the_intervention_is_the_baseline(tmp_path):
    rep = report_of(
        tmp_path, "1-1-24: 100 mg/g\n5-1-24: 80 mg/g\n5-1-24: Started drug\n9-1-24: 40 mg/g\n"
    )
    [iv] = rep.patients[0].interventions
    assert iv.baseline is not None and iv.baseline.reading.measurement.value == 80
    assert iv.baseline_days == 0
    assert [f.days for f in iv.followups] == [4]


def test_no_reading_before_an_intervention_means_no_baseline(tmp_path):
    rep = report_of(tmp_path, "1-1-24: Started drug\n9-1-24: 40 mg/g\n")
    [iv] = rep.patients[0].interventions
    assert iv.baseline is None
    [f] = iv.followups
    assert (f.days, f.change, f.note) == (8, None, "no baseline")
    assert iv.latest is None and iv.first_fall_30 is None


def test_different_quantities_are_never_compared(tmp_path):
    # Each quantity has its own baseline: the ACR has none before the drug, and says so.
    rep = report_of(tmp_path, "1-1-24: 100 mg/L\n2-1-24: Drug\n9-1-24: 40 mg/g\n10-1-24: 50 mg/L\n")
    [iv] = rep.patients[0].interventions
    assert [(f.change is None, f.note) for f in iv.followups] == [
        (True, "no baseline"),
        (False, ""),
    ]
    assert rep.patients[0].readings[1].previous_note == "first reading"
    assert rep.patients[0].readings[2].previous is not None  # vs the 100 mg/L


def test_convertible_units_are_compared_in_the_baseline_unit(tmp_path):
    # 5.656 could be 5656 to a decimal-comma reader: the point is said to be decimal.
    text = "1-1-24: 100 mg/g\n2-1-24: Drug\n9-1-24: 5.656 mg/mmol\n"
    rep = report_of(tmp_path, text, decimal="point")
    [f] = rep.patients[0].interventions[0].followups
    assert f.change is not None and f.change.converted and f.change.unit is MG_G
    assert f.change.percent == pytest.approx(-50, abs=0.01)


def test_acr_unit_setting_shows_every_acr_in_one_unit(tmp_path):
    records = read_text(tmp_path, "1-1-24: 100 mg/g\n9-1-24: 5 mg/mmol\n")
    rep = analyse(records, Settings(acr_unit=MG_MMOL))
    shown = [(r.shown.unit, round(r.shown.value, 3)) for r in rep.patients[0].readings]
    assert shown == [(MG_MMOL, 11.312), (MG_MMOL, 5)]
    # the category stays the one of the unit the lab reported: 100 mg/g is A2
    assert rep.patients[0].readings[0].category.code == "A2"


def test_doubling_and_progression(tmp_path):
    rep = report_of(tmp_path, "1-1-24: 25 mg/g\n2-1-24: Drug stopped\n9-1-24: 50 mg/g\n")
    [f] = rep.patients[0].interventions[0].followups
    assert f.doubling is True and f.category_change == "progression" and f.fall_30 is False


def test_rcv_settings_change_the_verdict(tmp_path, reference_notes):
    settings = Settings(rcv=RCVSettings(cv_within=0.19))
    rep = report_of(tmp_path, reference_notes, settings)
    assert [f.beyond_rcv for f in rep.patients[0].interventions[0].followups] == [True, True]


def test_a_censored_follow_up_gives_a_bounded_change(tmp_path):
    rep = report_of(tmp_path, "1-1-24: 300 mg/L\n2-1-24: Drug\n9-3-24: <3 mg/L\n")
    [f] = rep.patients[0].interventions[0].followups
    assert f.change is not None and f.change.bound == "<"
    assert f.change.describe_percent() == "at least 99.00% lower"
    assert f.fall_30 is True and f.beyond_rcv is True


def test_two_readings_on_one_date_are_kept_with_a_warning(tmp_path):
    rep = report_of(tmp_path, "1-1-24: 100 mg/g\n1-1-24: 90 mg/g\n2-1-24: Drug\n9-1-24: 45 mg/g\n")
    [iv] = rep.patients[0].interventions
    assert iv.baseline is not None and iv.baseline.reading.measurement.value == 90
    [warning] = rep.warnings
    assert (warning.kind, warning.line) == ("same_date", 2)
    assert warning.message == (
        "a second reading on 2024-01-01 (also line 1); both are kept; "
        "as a baseline the later line is used"
    )


def test_trend_on_an_exact_exponential_series(tmp_path):
    # halves every 365.25 days → −50% per year
    lines = [
        f"{d}: {v} mg/g"
        for d, v in (("2020-01-01", 400), ("2020-12-31", 200), ("2021-12-31", 100.0))
    ]
    rep = report_of(tmp_path, "\n".join(lines) + "\n")
    t = rep.patients[0].trend
    assert t is not None and t.readings == 3 and t.span_days == 730
    assert t.per_year == pytest.approx(-50, abs=0.1)


def test_no_readings_and_unknown_patient(tmp_path):
    with pytest.raises(NoReadings):
        analyse(read_text(tmp_path, "1-1-24: Started drug\n"))
    with pytest.raises(PatientNotFound):
        analyse(read_text(tmp_path, "1-1-24: 45 mg/g\n"), patient="X")


def test_a_trend_too_steep_to_express_is_left_out_not_a_crash():
    from datetime import date

    from albutrend.clinical.trend import log_linear_trend
    from albutrend.model import Measurement

    # exp(slope × 365.25) overflows a float: no trend, not an OverflowError (values
    # this far apart can come from a computed ACR, which the value limits do not bound).
    points = [
        (date(2024, 1, 1), Measurement(1e-300, MG_G)),
        (date(2024, 4, 1), Measurement(1e300, MG_G)),
        (date(2024, 7, 1), Measurement(1e300, MG_G)),
    ]
    assert log_linear_trend(points) is None
    gentle = [(d, Measurement(v, MG_G)) for (d, _), v in zip(points, (100, 80, 60), strict=True)]
    assert log_linear_trend(gentle) is not None
