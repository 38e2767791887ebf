from decimal import Decimal
from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st

from albutrend.clinical.change import (
    RCVSettings,
    at_least,
    at_most,
    beyond_variation,
    change_between,
    difference,
    z_two_sided,
)
from albutrend.clinical.units import ALBUMIN_UNITS, MG_G, MG_L, MG_MMOL
from albutrend.model import Censor, Measurement


def m(value, unit=MG_L, censor=""):
    return Measurement(value, unit, Censor(censor))


def test_rcv_worked_values_from_clinical_md():
    # CV_A 5%: CV_I 19% → +71.5% / −41.7%; CV_I 30% → +128.1% / −56.2%
    r19 = RCVSettings(cv_within=0.19)
    assert round(r19.rise, 1) == 71.5 and round(r19.fall, 1) == -41.7
    r30 = RCVSettings()
    assert round(r30.rise, 1) == 128.1 and round(r30.fall, 1) == -56.2


def test_rcv_is_asymmetric_and_grows_with_confidence():
    r95, r99 = RCVSettings(), RCVSettings(confidence=0.99)
    assert r95.rise > -r95.fall
    assert r99.rise > r95.rise and r99.fall < r95.fall


def test_z():
    assert z_two_sided(0.95) == pytest.approx(1.96, abs=0.001)
    # The default's Z is a constant (no statistics import at start-up): exactly the
    # figure NormalDist gives, and the same as a confidence a hair away from 95%.
    assert z_two_sided(0.95) == NormalDist().inv_cdf(1 - (1 - 0.95) / 2)
    assert z_two_sided(0.95) == pytest.approx(z_two_sided(0.95 + 1e-12), abs=1e-9)
    assert z_two_sided(0.99) == NormalDist().inv_cdf(0.995)
    with pytest.raises(ValueError):
        z_two_sided(1.0)


def test_reference_case_changes():
    c30 = change_between(m(2487.4), m(1129.8))
    c123 = change_between(m(2487.4), m(954.9))
    assert c30 is not None and c123 is not None
    assert round(c30.percent, 2) == -54.58 and round(c30.absolute, 1) == -1357.6
    assert round(c123.percent, 2) == -61.61 and round(c123.absolute, 1) == -1532.5
    r = RCVSettings()
    assert beyond_variation(c30, r.fall, r.rise) is False
    assert beyond_variation(c123, r.fall, r.rise) is True


def test_across_quantities_there_is_no_change():
    assert change_between(m(45, MG_L), m(45, MG_G)) is None


def test_within_a_quantity_the_follow_up_is_converted_to_the_baseline_unit():
    c = change_between(m(100, MG_G), m(5.656, MG_MMOL))
    assert c is not None and c.converted and c.unit is MG_G
    assert c.percent == pytest.approx(-50, abs=0.01)


@pytest.mark.parametrize(
    ("before", "after", "bound", "words"),
    [
        (m(300), m(3, censor="<"), "<", "at least 99.00% lower"),  # follow-up censored
        (m(300, censor=">"), m(30), "<", "at least 90.00% lower"),  # baseline censored
        (m(3, censor="<"), m(30), ">", "at least 900.00% higher"),
        (m(3, censor="<"), m(3, censor="<"), "?", "unknown"),  # both bounds
        (m(300, censor=">"), m(3, censor="<"), "<", "at least 99.00% lower"),  # both, same way
        (m(300), m(300, censor=">="), ">=", "at least 0.00% higher"),
    ],
)
def test_a_change_from_or_to_a_bound_is_a_bound(before, after, bound, words):
    c = change_between(before, after)
    assert c is not None
    assert c.bound == bound
    assert c.describe_percent().startswith(words)


def test_marks_on_bounds_are_decided_only_when_the_bound_decides():
    sure_fall = change_between(m(300), m(3, censor="<"))
    open_fall = change_between(m(300), m(250, censor="<"))
    assert sure_fall is not None and open_fall is not None
    assert at_most(sure_fall, -30) is True
    assert at_most(open_fall, -30) is None
    sure_rise = change_between(m(10), m(100, censor=">"))
    assert sure_rise is not None and at_least(sure_rise, 100) is True
    assert at_most(sure_rise, -30) is False


@pytest.mark.parametrize(
    ("after", "fall_30", "doubling"),
    [(70, True, False), (70.01, False, False), (200, False, True), (199.99, False, False)],
)
def test_marks_at_their_edges(after, fall_30, doubling):
    c = change_between(m(100), m(after))
    assert c is not None
    assert at_most(c, -30) is fall_30
    assert at_least(c, 100) is doubling


@given(
    st.sampled_from(ALBUMIN_UNITS),
    st.floats(0.001, 1e9, allow_nan=False),
    st.floats(0.001, 1e9, allow_nan=False),
)
def test_exact_values_in_one_unit_change_by_their_difference(unit, before, after):
    change = change_between(m(before, unit), m(after, unit))
    assert change is not None
    # The difference; of two values that nearly cancel, that of the values as written.
    nearly_cancel = abs(after - before) < max(after, before) * 1e-3
    expected = (
        float(Decimal(repr(after)) - Decimal(repr(before))) if nearly_cancel else after - before
    )
    assert (change.absolute, change.bound, change.unit, change.converted) == (
        expected,
        "",
        unit,
        False,
    )
    assert change.percent == expected / before * 100
    # A bound on either side: the same figures, as a bound.
    bounded = change_between(m(before, unit), m(after, unit, "<"))
    assert bounded is not None and bounded.bound == "<"
    assert (bounded.absolute, bounded.percent) == (change.absolute, change.percent)


def test_values_that_nearly_cancel_differ_by_the_typed_difference():
    # Binary floats: 2487.3 - 2487.4 is -0.09999999999990905, shown in 12 digits as
    # -0.0999999999999; the values end at the first decimal, and so does the change.
    c = change_between(m(2487.4), m(2487.3))
    assert c is not None
    assert c.absolute == -0.1
    assert c.percent == -0.1 / 2487.4 * 100
    assert f"{c.absolute:.12g}" == "-0.1"
    # A change of 0.1% of the values or more is the plain subtraction (no noise shows).
    assert difference(1129.8, 2487.4) == 1129.8 - 2487.4
    assert difference(1001.0, 1000.0) == 1.0
    # Just under 0.1% of the larger value: the difference of the values as written.
    assert 1000.0 - 1000.9 != -0.9 and difference(1000.0, 1000.9) == -0.9
    assert 0.03001 - 0.03 != 1e-05 and difference(0.03001, 0.03) == 1e-05
    # Digits beyond the twelfth are kept: nothing is cut that the values carry.
    assert difference(620580810.0, 621202001.0625) == -621191.0625


def test_a_bound_on_no_change_reads_zero_not_minus_zero():
    # 300 mg/g then ≤300 mg/g: the true change is 0% or a fall.
    assert change_between(m(300), m(300, censor="<=")).describe_percent() == "at least 0.00% lower"
    assert change_between(m(300), m(300, censor=">=")).describe_percent() == "at least 0.00% higher"
