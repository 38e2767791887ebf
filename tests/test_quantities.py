import pytest

from albutrend.clinical.units import MG_G, MG_L, MG_MMOL, UG_MIN
from albutrend.reading.quantities import (
    COMMA,
    POINT,
    QuantityError,
    parse_creatinine,
    parse_measurement,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2487.4", 2487.4),
        ("45", 45.0),
        ("2487,4", 2487.4),
        ("2,487.4", 2487.4),
        ("1.234,5", 1234.5),
        ("1,234,567", 1234567.0),
        (".5", 0.5),
        ("0,5", 0.5),
        ("12,5", 12.5),
        ("1,1290", 1.129),
    ],
)
def test_numbers_that_mean_one_thing(text, value):
    assert parse_number(text) == pytest.approx(value)


def test_an_ambiguous_comma_is_refused_with_the_option_that_settles_it():
    with pytest.raises(QuantityError, match="--decimal point.*--decimal comma"):
        parse_number("1,129")
    assert parse_number("1,129", POINT) == 1129
    assert parse_number("1,129", COMMA) == pytest.approx(1.129)


def test_decimal_comma_mode_reads_points_as_thousands():
    assert parse_number("1.129", COMMA) == 1129
    assert parse_number("1.129,5", COMMA) == pytest.approx(1129.5)
    with pytest.raises(QuantityError):
        parse_number("2.5", COMMA)
    with pytest.raises(QuantityError, match="decimal comma"):
        parse_number("2487,4", POINT)


@pytest.mark.parametrize("text", ["1,2,3", "12,34,567", "1..2", "1.2.3,4,5"])
def test_malformed_numbers_are_refused(text):
    with pytest.raises(QuantityError):
        parse_number(text)


def test_measurement_with_unit_sign_and_default():
    m = parse_measurement("2487.4 mg/L", MG_L)
    assert (m.value, m.unit, m.censor) == (2487.4, MG_L, "")
    assert parse_measurement("45", MG_G).unit is MG_G
    assert parse_measurement("45mg/mmol", MG_L).unit is MG_MMOL
    assert parse_measurement("12 ug/min", MG_L).unit is UG_MIN


@pytest.mark.parametrize(
    ("text", "censor", "value"),
    [
        ("<3", "<", 3),
        ("< 3.0 mg/L", "<", 3),
        (">3000", ">", 3000),
        ("≤ 5", "<=", 5),
        ("≥ 300", ">=", 300),
        ("<=5", "<=", 5),
        (">=300", ">=", 300),
    ],
)
def test_bounds_keep_their_sign(text, censor, value):
    m = parse_measurement(text, MG_L)
    assert (m.censor, m.value) == (censor, value)


def test_unit_column_and_unit_in_text_must_agree():
    assert parse_measurement("45", MG_L, unit_text="mg/g").unit is MG_G
    assert parse_measurement("45 mg/g", MG_L, unit_text="mg/g").unit is MG_G
    with pytest.raises(QuantityError, match="its column's unit is"):
        parse_measurement("45 mg/mmol", MG_L, unit_text="mg/g")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("45 mmol/L", "unknown unit 'mmol/L'"),
        ("-5", "negative"),
        ("0", "below every measuring range"),
        ("abc", "not a value"),
        ("", "not a value"),
        ("<0", "below every measuring range"),
        (">0", "below every measuring range"),
    ],
)
def test_values_that_are_refused(text, message):
    with pytest.raises(QuantityError, match=message):
        parse_measurement(text, MG_L)


def test_creatinine_needs_a_unit_and_a_plausible_value():
    assert parse_creatinine("8.2", "mmol/L").mmol_l == pytest.approx(8.2)
    assert parse_creatinine("8200 umol/L", None).mmol_l == pytest.approx(8.2)
    assert parse_creatinine("92.8", "mg/dL").mmol_l == pytest.approx(92.8 / 11.312)
    with pytest.raises(QuantityError, match="no unit"):
        parse_creatinine("8.2", None)
    with pytest.raises(QuantityError, match="above 0"):
        parse_creatinine("0", "mmol/L")
    with pytest.raises(QuantityError, match="implausible"):
        parse_creatinine("8200", "mmol/L")  # µmol/L typed as mmol/L
    with pytest.raises(QuantityError, match="implausible"):
        parse_creatinine("0.01", "mmol/L")
    with pytest.raises(QuantityError, match="not a creatinine"):
        parse_creatinine("<5", "mmol/L")


def test_an_ambiguous_point_is_refused_like_an_ambiguous_comma():
    # 1.129 is 1.129 to an English reader and 1129 to a German one (Excel writes the
    # thousands dot of a formatted cell into the CSV).
    for text in ("1.129", "12.500", "954.900"):
        with pytest.raises(
            QuantityError,
            match=r"--decimal point \(1\.129 = 1\.129\).*--decimal comma \(1\.129 = 1129\)",
        ):
            parse_number(text)
    assert parse_number("1.129", POINT) == pytest.approx(1.129)
    assert parse_number("1.129", COMMA) == 1129


@pytest.mark.parametrize("text", ["0.129", "0,129", "1.1290", "1,1290", "1.12", "1129.4"])
def test_what_cannot_be_a_thousands_group_is_a_decimal(text):
    # A thousands group never follows a leading 0, and always has three digits.
    assert parse_number(text) == pytest.approx(float(text.replace(",", ".")))


def test_a_leading_zero_is_never_a_thousands_group_even_when_the_mark_is_given():
    with pytest.raises(QuantityError, match="has a decimal comma, but --decimal point was given"):
        parse_number("0,129", POINT)
    with pytest.raises(QuantityError, match="has a decimal point, but --decimal comma was given"):
        parse_number("0.129", COMMA)


@pytest.mark.parametrize("text", ["9" * 400, "10000000000", "0.0000000001", "<0.0000000001"])
def test_a_number_no_urine_albumin_can_be_is_refused(text):
    # Beyond 1e9 or below 1e-9 in any unit: nothing physical, and the change and trend
    # arithmetic would overflow to inf (JSON cannot carry it).
    with pytest.raises(
        QuantityError,
        match=r"^is outside the range albutrend reads \(0\.000000001 to 1,000,000,000 in any unit\): check the value and its unit$",
    ):
        parse_measurement(text, MG_L, decimal="point")
    # (a concentration that high is refused earlier as no urine result: mg/g here)
    assert parse_measurement("1000000000", MG_G).value == 1e9
    assert parse_measurement("0.000000001", MG_L).value == 1e-9


@pytest.mark.parametrize(
    ("text", "unit_text"),
    [("41", "g/L"), ("38 g/L", None), ("20001", "mg/L"), ("2100 mg/dL", None), (">25 g/L", None)],
)
def test_a_serum_level_albumin_is_never_a_urine_result(text, unit_text):
    with pytest.raises(QuantityError, match="above any urine albumin"):
        parse_measurement(text, MG_L, unit_text=unit_text)


@pytest.mark.parametrize(
    ("text", "value"), [("20000 mg/L", 20000), ("<25 g/L", 25), ("19.9 g/L", 19.9)]
)
def test_urine_albumin_up_to_the_limit_is_read(text, value):
    assert parse_measurement(text, MG_L).value == value


@pytest.mark.parametrize("text", ["28 H", "412 HH", "3.1 (L)", "45 *", "45 high", "2 L*"])
def test_a_lab_flag_after_a_value_is_named_not_called_a_unit(text):
    with pytest.raises(QuantityError, match="has a lab flag .* not a unit: remove the flag"):
        parse_measurement(text, MG_L)
