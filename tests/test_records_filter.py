"""`--intervention PATTERN`: which interventions a command keeps."""

from datetime import date

import pytest

from albutrend.clinical.units import MG_L
from albutrend.model import Intervention, Measurement, Origin, Reading
from albutrend.problems import UsageError
from albutrend.reading.records import Records, intervention_pattern, keep_interventions


def _records() -> Records:
    o = Origin("f.txt", 1)
    return Records(
        readings=[Reading(date(2024, 1, 1), Measurement(40.0, MG_L), o)],
        interventions=[
            Intervention(date(2024, 1, 2), "Received 100 million MSCs", o),
            Intervention(date(2024, 2, 2), "Started losartan 50 mg", o),
            Intervention(date(2024, 3, 2), "Stopped Losartan", o),
        ],
    )


def test_pattern_is_a_case_insensitive_search_anywhere_in_the_text():
    kept = keep_interventions(_records(), intervention_pattern("losartan"))
    assert [iv.text for iv in kept.interventions] == ["Started losartan 50 mg", "Stopped Losartan"]
    assert len(kept.readings) == 1


def test_pattern_alternatives_and_anchors():
    kept = keep_interventions(_records(), intervention_pattern("^(received|stopped)"))
    assert [iv.date.month for iv in kept.interventions] == [1, 3]


def test_pattern_matching_nothing_keeps_no_intervention():
    assert keep_interventions(_records(), intervention_pattern("ramipril")).interventions == []


def test_a_bad_pattern_is_a_usage_error_naming_it():
    with pytest.raises(UsageError) as e:
        intervention_pattern("MSC(s")
    assert e.value.exit_code == 2
    assert str(e.value).startswith("--intervention: 'MSC(s' is not a regular expression (")
