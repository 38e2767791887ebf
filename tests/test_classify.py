import pytest

from albutrend.clinical.categories import (
    INDETERMINATE,
    LEGACY_NAMES,
    category_change,
    classify,
)
from albutrend.clinical.units import G_L, MG_24H, MG_DL, MG_G, MG_L, MG_MMOL, UG_MG, UG_MIN
from albutrend.model import Censor, Measurement
from albutrend.present.wording import category


def code(value, unit, censor=""):
    return classify(Measurement(value, unit, Censor(censor))).code


# KDIGO: A2 is 30 ≤ x ≤ 300, A3 is x > 300 (exactly 300 is A2; ADA would say A3).
@pytest.mark.parametrize("unit", [MG_G, UG_MG, MG_24H, MG_L])
@pytest.mark.parametrize(
    ("value", "expected"), [(29.9, "A1"), (30, "A2"), (300, "A2"), (300.1, "A3")]
)
def test_edges_30_300(unit, value, expected):
    assert code(value, unit) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(2.99, "A1"), (3, "A2"), (30, "A2"), (30.01, "A3")]
)
def test_edges_mg_mmol_use_the_rounded_3_and_30(value, expected):
    assert code(value, MG_MMOL) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(19.9, "A1"), (20, "A2"), (200, "A2"), (200.1, "A3")]
)
def test_edges_timed_aer(value, expected):
    assert code(value, UG_MIN) == expected


def test_other_concentration_units_use_converted_cut_offs():
    assert code(2.9, MG_DL) == "A1" and code(3, MG_DL) == "A2" and code(30.1, MG_DL) == "A3"
    assert code(0.029, G_L) == "A1" and code(0.3, G_L) == "A2" and code(0.31, G_L) == "A3"


def test_concentrations_are_indicative_and_ratios_are_not():
    assert classify(Measurement(2487.4, MG_L)).indicative
    assert not classify(Measurement(45, MG_G)).indicative
    assert not classify(Measurement(45, MG_24H)).indicative


def test_names_show_kdigo_and_legacy():
    c = classify(Measurement(45, MG_G))
    assert (c.kdigo_name, c.legacy_name) == ("moderately increased", "microalbuminuria")
    assert LEGACY_NAMES == {
        "A1": "normoalbuminuria",
        "A2": "microalbuminuria",
        "A3": "macroalbuminuria",
    }
    assert category(classify(Measurement(2487.4, MG_L)), MG_L).endswith("indicative")
    assert category(c, MG_G) == "A2 moderately increased (microalbuminuria)"


@pytest.mark.parametrize(
    ("value", "censor", "expected"),
    [
        (3, "<", "A1"),  # <3: surely below 30
        (30, "<", "A1"),  # <30: below 30
        (30, "<=", INDETERMINATE),  # ≤30 may be exactly 30 (A2)
        (50, "<", INDETERMINATE),
        (300, ">", "A3"),  # >300 is A3
        (300, ">=", INDETERMINATE),  # ≥300 may be exactly 300 (A2)
        (3000, ">", "A3"),
        (100, ">", INDETERMINATE),
        (10, ">", INDETERMINATE),
    ],
)
def test_bounds_decide_a_category_only_when_they_can(value, censor, expected):
    assert code(value, MG_G, censor) == expected


def test_indeterminate_lists_what_is_possible():
    c = classify(Measurement(100, MG_G, Censor(">")))
    assert c.possible == ("A2", "A3")
    assert classify(Measurement(50, MG_G, Censor("<"))).possible == ("A1", "A2")


@pytest.mark.parametrize(
    ("value", "unit", "censor", "nephrotic"),
    [
        (2200, MG_G, "", False),
        (2200.1, MG_G, "", True),
        (220.1, MG_MMOL, "", True),
        (220, MG_MMOL, "", False),
        (2200, MG_G, ">", True),
        (2000, MG_G, ">", None),
        (3000, MG_G, "<", None),
        (1000, MG_G, "<", False),
        (5000, MG_L, "", None),  # a concentration cannot tell
    ],
)
def test_nephrotic_range(value, unit, censor, nephrotic):
    assert classify(Measurement(value, unit, Censor(censor))).nephrotic is nephrotic


def test_category_change():
    a3 = classify(Measurement(400, MG_G))
    a2 = classify(Measurement(40, MG_G))
    unknown = classify(Measurement(100, MG_G, Censor(">")))
    assert category_change(a3, a2) == "regression"
    assert category_change(a2, a3) == "progression"
    assert category_change(a2, a2) == "unchanged"
    assert category_change(a2, unknown) is None
