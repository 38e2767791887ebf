"""The records are `Plain` classes (no dataclass is built at start-up): they compare,
hash, show and copy as the frozen dataclasses they replace did."""

from datetime import date

import pytest

from albutrend.clinical.categories import classify
from albutrend.clinical.units import MG_G, MG_MMOL
from albutrend.model import Censor, Intervention, Measurement, Origin, Reading
from albutrend.notices import Notice
from albutrend.plain import Plain


def test_records_compare_and_hash_field_by_field():
    a, b = Measurement(45.0, MG_G), Measurement(45.0, MG_G)
    assert a == b and hash(a) == hash(b) and a is not b
    assert a != Measurement(45.0, MG_MMOL)
    assert a != Measurement(45.0, MG_G, Censor.BELOW)
    assert len({a, b, Measurement(46.0, MG_G)}) == 2
    # Another class with the same fields is not equal (as with dataclasses).
    assert Origin("a.csv", 3) != ("a.csv", 3)
    assert classify(a) == classify(b) and hash(classify(a)) == hash(classify(b))


def test_records_show_their_fields_in_order():
    assert repr(Origin("a.csv", 3)) == "Origin(source='a.csv', line=3)"
    assert repr(Measurement(45.0, MG_G)).startswith("Measurement(value=45.0, unit=Unit(")
    assert str(Measurement(4.5, MG_MMOL, Censor.BELOW)) == "<4.5 mg/mmol"


def test_replace_copies_with_the_fields_given():
    origin = Origin("notes.txt", 7)
    iv = Intervention(date(2024, 6, 26), "Received MSCs", origin)
    moved = iv.replace(patient="P1")
    assert moved == Intervention(date(2024, 6, 26), "Received MSCs", origin, "P1")
    assert iv.patient is None  # the original is unchanged
    reading = Reading(date(2024, 6, 9), Measurement(2487.4, MG_G), origin)
    assert reading.replace(measurement=Measurement(1.0, MG_G)).origin is origin
    with pytest.raises(TypeError):
        iv.replace(dose="2.5 mg")  # not a field


def test_a_plain_class_has_no_instance_dict():
    # Slots: a misspelt attribute is an error, not a new field.
    m = Measurement(45.0, MG_G)
    with pytest.raises(AttributeError):
        m.valu = 3.0  # type: ignore[attr-defined]
    assert not hasattr(m, "__dict__")
    assert Measurement._FIELDS == ("value", "unit", "censor")
    assert issubclass(Notice, Plain)
