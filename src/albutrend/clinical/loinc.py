"""The LOINC codes of urine albumin results and urine creatinine: one list for every
input format (a CSV test or LOINC column, a FHIR Observation's code).

The codes of CLINICAL.md §3 and the 13 codes of the VSAC value set "urine albumin/
creatinine ratio" (`shared/fhir-samples/vsac-urine-albumin-creatinine-loinc.csv`),
less 30001-2: a test strip is a screening result, not a measured ratio.
Each code says which quantity it measures, so a unit of another quantity (an ACR
code with mg/L) is refused, never read as the wrong kind of result.

A lab export's test column may give a name instead of a code: `is_urine_albumin_name`
is the one rule for names (`Urine albumin:creatinine ratio` is, `Albumin` alone,
serum albumin or a cholesterol is not).
"""

from __future__ import annotations

import re

from albutrend.clinical.units import ACR, AER, CONCENTRATION
from albutrend.model import Family

# code -> (quantity measured, LOINC long name)
ALBUMIN_CODES: dict[str, tuple[Family, str]] = {
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

# Urine albumin by test strip: present or absent, not a value albutrend can trend.
TEST_STRIP_LOINC = "30001-2"


def is_urine_albumin_loinc(code: str) -> bool:
    """`code` (a LOINC code, spaces around it allowed) is a urine albumin result."""
    return code.strip() in ALBUMIN_CODES


# --- By name: what lab exports write in a test column ---------------------------------
# Never urine albumin: another specimen (serum, plasma, blood, fluids), a dipstick,
# or another protein (prealbumin, albumin/globulin).
_NOT_URINE_ALBUMIN = (
    r"(?i)serum|plasma|blood|\bs[-_. ]?alb|\bp[-_. ]?alb|\bser\b|\bplas\b|strip|dipstick|"
    r"presence|qualitative|pre-?alb|globulin|\bcsf\b|fluid|ascit|pleural|peritoneal|\bbp\b"
)
# Urine albumin by itself: microalbumin, albuminuria, ACR, UACR, MAU, AER.
_ALWAYS_URINE = (
    r"(?i)micro\s*-?\s*alb|albuminuria|\bu?[-_. ]?acr\b|\bmau\b|\baer\b|albumin\s+excretion"
)
# Albumin with a word that puts it in urine (or over a creatinine: a ratio).
_ALBUMIN = r"(?i)alb"
_IN_URINE = r"(?i)urin|\bu\b|\bu[-_. ]?alb|\bur\b|creat|\bcr\b"
# A ratio to creatinine: an ACR, whose value needs an ACR unit.
_RATIO = r"(?i)acr\b|creat|\bcr\b|ratio"
_LOINC_SHAPE = r"\s*\d{1,7}-\d\s*"


def is_loinc_code(text: str) -> bool:
    return re.fullmatch(_LOINC_SHAPE, text) is not None


def is_urine_albumin_name(name: str) -> bool:
    """A test name (or a LOINC code written as one) that is urine albumin: `Urine
    albumin`, `Urine albumin:creatinine ratio`, `Microalbumin`, `UACR`, `ACR`, `U-Alb`,
    `Albumin [Mass/volume] in Urine`. Not `Albumin` alone (serum albumin, in most
    exports), serum or plasma albumin, a dipstick, a cholesterol or a glucose."""
    if is_loinc_code(name):
        return is_urine_albumin_loinc(name)
    if re.search(_NOT_URINE_ALBUMIN, name):
        return False
    if re.search(_ALWAYS_URINE, name):
        return True
    return re.search(_ALBUMIN, name) is not None and re.search(_IN_URINE, name) is not None


def is_ratio_test(name: str, code: str = "") -> bool:
    """The test (by LOINC code, else by name) is an albumin/creatinine ratio."""
    for text in (code, name):
        if is_loinc_code(text):
            quantity = ALBUMIN_CODES.get(text.strip())
            return quantity is not None and quantity[0] == ACR
    return re.search(_RATIO, name) is not None
