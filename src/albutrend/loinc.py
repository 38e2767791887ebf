"""The LOINC codes of urine albumin results and urine creatinine: one list for every
input format (a CSV test or LOINC column, a FHIR Observation's code).

The codes of CLINICAL.md §3 and the 13 codes of the VSAC value set "urine albumin/
creatinine ratio" (`shared/fhir-samples/vsac-urine-albumin-creatinine-loinc.csv`),
less 30001-2: a test strip is a screening result, not a measured ratio.
Each code says which quantity it measures, so a unit of another quantity (an ACR
code with mg/L) is refused, never read as the wrong kind of result.
"""

from __future__ import annotations

from .units import ACR, AER, CONCENTRATION

# code -> (quantity measured, LOINC long name)
ALBUMIN_CODES: dict[str, tuple[str, str]] = {
    "14957-5": (CONCENTRATION, "Microalbumin [Mass/volume] in Urine"),
    "1754-1": (CONCENTRATION, "Albumin [Mass/volume] in Urine"),
    "14956-7": (AER, "Microalbumin [Mass/time] in 24 hour Urine"),
    "1755-8": (AER, "Albumin [Mass/time] in 24 hour Urine"),
    "9318-7": (ACR, "Albumin/Creatinine [Mass Ratio] in Urine"),
    "14959-1": (ACR, "Microalbumin/Creatinine [Mass Ratio] in Urine"),
    "32294-1": (ACR, "Albumin/Creatinine [Ratio] in Urine"),
    "13705-9": (ACR, "Albumin/Creatinine [Mass Ratio] in 24 hour Urine"),
    "14585-4": (ACR, "Albumin/Creatinine [Molar ratio] in Urine"),
    "14958-3": (ACR, "Microalbumin/Creatinine [Mass Ratio] in 24 hour Urine"),
    "30000-4": (ACR, "Microalbumin/Creatinine [Ratio] in Urine"),
    "44292-1": (ACR, "Microalbumin/Creatinine [Mass Ratio] in 12 hour Urine"),
    "59159-4": (ACR, "Microalbumin/Creatinine [Ratio] in 24 hour Urine"),
    "76401-9": (ACR, "Albumin/Creatinine [Ratio] in 24 hour Urine"),
    "77253-3": (ACR, "Microalbumin/Creatinine [Ratio] in Urine by Detection limit <= 1.0 mg/L"),
    "77254-1": (
        ACR,
        "Microalbumin/Creatinine [Ratio] in 24 hour Urine by Detection limit <= 1.0 mg/L",
    ),
}
ALBUMIN_LOINC = frozenset(ALBUMIN_CODES)

# Urine creatinine: with an albumin concentration of the same specimen, an ACR.
URINE_CREATININE_CODES: dict[str, str] = {
    "2161-8": "Creatinine [Mass/volume] in Urine",
    "14683-7": "Creatinine [Moles/volume] in Urine",
}

LOINC_SYSTEM = "http://loinc.org"
