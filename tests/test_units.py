import pytest

from albutrend.clinical.units import (
    G_L,
    MG_24H,
    MG_DL,
    MG_G,
    MG_L,
    MG_MMOL,
    UG_MG,
    UG_MIN,
    UG_ML,
    acr_from,
    albumin_unit,
    convert,
    creatinine_unit,
)


@pytest.mark.parametrize(
    ("spelling", "unit"),
    [
        ("mg/L", MG_L),
        ("mg/l", MG_L),
        ("MG/L", MG_L),
        ("g/L", G_L),
        ("mg/dL", MG_DL),
        ("ug/mL", UG_ML),
        ("µg/mL", UG_ML),
        ("μg/ml", UG_ML),
        ("mcg/mL", UG_ML),
        ("mg/g", MG_G),
        ("ug/mg", UG_MG),
        ("µg/mg", UG_MG),
        ("mg/mmol", MG_MMOL),
        ("mg/24h", MG_24H),
        ("mg/day", MG_24H),
        ("mg/d", MG_24H),
        ("mg/24 h", MG_24H),
        ("ug/min", UG_MIN),
        ("µg/min", UG_MIN),
        ("mcg/min", UG_MIN),
        ("mg/g creatinine", MG_G),
        # UCUM codes, as a FHIR valueQuantity's `code` gives them: {…} is a comment
        ("ug/mg{creat}", UG_MG),
        ("mg/g{creat}", MG_G),
        ("mg/mmol{creat}", MG_MMOL),
        ("mg/mmol{Creat}", MG_MMOL),
        ("mg/(24.h)", MG_24H),
        ("mg/d", MG_24H),
        ("ug/min", UG_MIN),
        # lab spellings: the ratio's denominator named after it
        ("mcg/mg creat", UG_MG),
        ("mg/g CREA", MG_G),
        ("mg/g CRE", MG_G),  # a US lab portal's spelling
        ("mg/g creat", MG_G),
        ("mg/mmol Cr", MG_MMOL),
    ],
)
def test_usual_spellings_name_their_unit(spelling, unit):
    assert albumin_unit(spelling) is unit


@pytest.mark.parametrize(
    "spelling",
    # a creatinine word after a concentration is no ratio; an annotation alone no unit
    ["mmol/L", "mg", "g", "mg/dl2", "", "per litre", "mg/L creat", "{creat}", "mg/kg{creat}"],
)
def test_unknown_spellings_are_not_units(spelling):
    assert albumin_unit(spelling) is None


def test_acr_conversions_both_ways():
    # CLINICAL.md §2: mg/g × 0.11312 = mg/mmol; mg/mmol × 8.84 = mg/g
    assert convert(100, MG_G, MG_MMOL) == pytest.approx(11.312)
    assert convert(10, MG_MMOL, MG_G) == pytest.approx(88.4, rel=1e-3)
    assert convert(convert(37.5, MG_G, MG_MMOL), MG_MMOL, MG_G) == pytest.approx(37.5)
    assert convert(12, UG_MG, MG_G) == 12


def test_concentration_conversions():
    assert convert(1.2, G_L, MG_L) == pytest.approx(1200)
    assert convert(4.5, MG_DL, MG_L) == pytest.approx(45)
    assert convert(45, UG_ML, MG_L) == 45
    assert convert(45, MG_L, MG_DL) == pytest.approx(4.5)


def test_timed_aer_conversion():
    assert convert(20, UG_MIN, MG_24H) == pytest.approx(28.8)
    assert convert(28.8, MG_24H, UG_MIN) == pytest.approx(20)


def test_no_conversion_across_quantities():
    with pytest.raises(ValueError, match="different quantities"):
        convert(45, MG_L, MG_G)
    with pytest.raises(ValueError):
        convert(45, MG_G, MG_24H)


def test_acr_from_albumin_and_creatinine():
    mmol = creatinine_unit("mmol/L")
    mgdl = creatinine_unit("mg/dL")
    assert mmol is not None and mgdl is not None
    # mg/L ÷ mmol/L = mg/mmol
    assert acr_from(45, 9.0, MG_MMOL) == pytest.approx(5.0)
    # mg/L ÷ mg/dL × 100 = mg/g; 9 mmol/L = 101.808 mg/dL
    assert acr_from(45, 9.0, MG_G) == pytest.approx(45 / (9.0 * 11.312) * 100)


def test_creatinine_units():
    assert creatinine_unit("umol/L").to_mmol_l == 0.001  # type: ignore[union-attr]
    assert creatinine_unit("µmol/l") is creatinine_unit("umol/L")
    assert creatinine_unit("mg/dl").to_mmol_l == pytest.approx(1 / 11.312)  # type: ignore[union-attr]
    assert creatinine_unit("mg/L") is None


UCUM_SPELLINGS = [
    ("ug/mg{creat}", "µg/mg"),
    ("mg/g{creat}", "mg/g"),
    ("mg/mmol{creat}", "mg/mmol"),
    ("mg/(24.h)", "mg/24h"),
    ("mg/d", "mg/24h"),
    ("ug/min", "µg/min"),
    ("mcg/mg creat", "µg/mg"),
    ("mg/g CREA", "mg/g"),
    ("mg/g CRE", "mg/g"),
    ("mg/g creat", "mg/g"),
]


@pytest.mark.parametrize(("spelling", "symbol"), UCUM_SPELLINGS)
def test_ucum_codes_and_lab_spellings_read_in_notes_and_tables(tmp_path, spelling, symbol):
    from conftest import read_text

    notes = read_text(tmp_path, f"9-6-24: 45 {spelling}\n", name="notes.txt")
    column = read_text(tmp_path, f"date;value;unit\n19-6-24;45;{spelling}\n", name="unit.csv")
    cell = read_text(tmp_path, f"date;value\n19-6-24;<45 {spelling}\n", name="cell.csv")
    for records in (notes, column, cell):
        assert records.problems == [], [str(p) for p in records.problems]
        assert [str(r.measurement.unit) for r in records.readings] == [symbol]
    assert cell.readings[0].measurement.censor == "<"


def test_an_unknown_unit_is_still_an_error_naming_the_known_ones(tmp_path):
    from conftest import read_text

    records = read_text(tmp_path, "date;value;unit\n19-6-24;45;mg/kg{creat}\n")
    assert [str(p) for p in records.problems] == [
        f"{tmp_path / 'input.txt'}:2: '45' has an unknown unit 'mg/kg{{creat}}' "
        "(known: mg/L, g/L, mg/dL, µg/mL, mg/g, µg/mg, mg/mmol, mg/24h, µg/min)"
    ]
