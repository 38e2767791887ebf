"""The one rule that tells a result from an intervention (analytes.py)."""

from __future__ import annotations

import pytest

from albutrend.clinical.units import ACR, AER
from albutrend.reading.analytes import albumin_label, result_in

OTHER_TESTS = [
    "eGFR", "GFR", "eGFRcr", "eGFRcys", "CKD-EPI", "creatinine", "creat", "sCr", "s-Cr", "Cr",
    "cystatin C", "urea", "BUN", "HbA1c", "A1c", "Hb", "haemoglobin", "hemoglobin", "glucose",
    "FBG", "BM", "potassium", "K", "sodium", "Na", "chloride", "bicarbonate", "HCO3", "calcium",
    "Ca", "phosphate", "PO4", "magnesium", "urate", "uric acid", "cholesterol", "chol", "TC",
    "LDL", "LDL-C", "HDL", "non-HDL", "triglycerides", "TG", "ALT", "AST", "ALP", "GGT",
    "bilirubin", "CRP", "ESR", "WBC", "platelets", "PLT", "INR", "TSH", "PTH", "ferritin",
    "vitamin D", "PSA", "troponin", "BNP", "NT-proBNP", "BP", "blood pressure", "systolic",
    "diastolic", "SBP", "DBP", "pulse", "HR", "heart rate", "weight", "wt", "BMI", "height",
    "temp", "temperature", "SpO2", "sats", "PCR", "uPCR", "U-PCR", "proteinuria", "protein",
    "protein:creatinine ratio", "protein creatinine ratio", "serum albumin", "plasma albumin",
    "s-alb", "p-alb", "sAlb", "Fasting glucose", "Random glucose", "Serum creatinine",
    "Total protein", "Urine protein", "Urinary protein", "Blood glucose",
]  # fmt: skip
ALBUMIN_LABELS = [
    ("ACR", ACR), ("UACR", ACR), ("U-ACR", ACR), ("uACR", ACR), ("Urine ACR", ACR),
    ("Repeat ACR", ACR), ("Spot urine ACR", ACR), ("EMU ACR", ACR), ("First morning ACR", ACR),
    ("Early morning urine ACR", ACR), ("Urine albumin:creatinine ratio", ACR),
    ("Albumin/creatinine ratio", ACR), ("Albumin creatinine ratio", ACR), ("Albumin:creat", ACR),
    ("Alb:Cr", ACR), ("Albumin-to-creatinine ratio", ACR), ("Microalbumin/creatinine ratio", ACR),
    ("AER", AER), ("UAER", AER), ("UAE", AER), ("Timed AER", AER), ("Overnight AER", AER),
    ("Albumin excretion rate", AER), ("albumin", None), ("alb", None), ("micro-albumin", None),
    ("microalbumin", None), ("microalb", None), ("Albuminuria", None),
    ("Microalbuminuria", None), ("MAU", None), ("MAlb", None), ("U-Alb", None), ("UAlb", None),
    ("24h urine albumin", None), ("24 hr urine albumin", None), ("Urine microalbumin", None),
]  # fmt: skip


@pytest.mark.parametrize("name", OTHER_TESTS)
def test_every_other_test_name_followed_by_a_number_is_a_result(name):
    found = result_in(f"Seen in clinic; {name} 5")
    assert found is not None and (found.test, found.albumin) == (name, False)
    assert found.text == f"{name} 5" and found.start == len("Seen in clinic; ")


@pytest.mark.parametrize(("name", "family"), ALBUMIN_LABELS)
def test_every_albumin_label_is_known_where_it_starts_and_where_it_is_met(name, family):
    label = albumin_label(f"{name}: 5 mg/g")
    assert label is not None and (label.text, label.family) == (name, family)
    found = result_in(f"Seen in clinic, {name} 5")
    assert found is not None and (found.test, found.albumin) == (name, True)


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("Sample 45 mg/L", "45 mg/L"),
        ("seen <3 mg/L", "<3 mg/L"),
        ("K 5.1 mmol/L", "K 5.1 mmol/L"),
        ("HbA1c 7.2%", "HbA1c 7.2"),
        ("Na 140 mmol/L", "Na 140 mmol/L"),
        ("g/dL: Hb 12.1 g/dL", "Hb 12.1 g/dL"),
        ("flow 60 mL/min/1.73m2", "60 mL/min/1.73m2"),
        ("ratio 3 mmol/mol", "3 mmol/mol"),
        ("BP 132/80 mmHg", "BP 132/80 mmHg"),
        ("pressure 132 mmHg", "132 mmHg"),
        ("AER 30 µg/min", "AER 30 µg/min"),
        ("x 30 ug/min", "30 ug/min"),
        ("WBC 5 x10^9/L", "WBC 5 x10^9/L"),
        ("Weight 80 kg", "Weight 80"),
    ],
)
def test_a_result_is_found_with_its_unit(text, result):
    found = result_in(text)
    assert found is not None and found.text == result


@pytest.mark.parametrize(
    "text",
    [
        "Started ramipril 2.5 mg",
        "Ramipril ↑ to 5 mg",
        "Received 100 million MSCs",
        "Losartan 50mg",
        "Started losartan 50 mg/day",
        "Insulin 10 units/kg",
        "Potassium chloride 20 mmol",
        "Potassium 20 mmol/day",
        "Vitamin K 10 mg",
        "Hydrocortisone 1% cream",
        "Enoxaparin 100 mg/mL",
        "Cisplatin 75 mg/m2",
        "Saline 500 mL/h",
        "Noradrenaline 0.1 mcg/kg/min",
        "Day 14 after infusion 2 of 3",
        "HbA1c target agreed",
        "Albumin infusion",
        "Follow-up on 3/4/24",
    ],
)
def test_a_dose_or_a_text_without_a_result_is_none(text):
    assert result_in(text) is None
