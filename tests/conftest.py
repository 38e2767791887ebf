from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from albutrend.clinical.analysis import Report, Settings, analyse
from albutrend.reading.records import ReadOptions, Records
from albutrend.reading.sources import read_sources

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
TODAY = date(2026, 11, 24)

# Pieces of messy input, for property tests and fuzzing: dates, separators,
# numbers and units as people write them, and things no parser expects.
FRAGMENTS = [
    "9-6-24", "31-2-24", "2024-06-09", "9 Jun 2024", "June 9, 2024", "20240609",
    "9/6/2024 08:15", "June 2024", "12-31-24",
    ":", ": ", ",", ";", "\t", '"', "'", " ", "#", "|",
    "2487.4", "2487,4", '"2,487.4"', "1,129", "1.129", "0", "-5", "<3", "≥ 300", "> 3000",
    "nan", "inf", "-inf", "1e309", "1e3", "٣", "٣٠", "４５", "9" * 400, "0.0000001",
    "mg/L", "µg/min", "μg/min", "mg/mmol", "mg/g", "mmol/L", "mg/day", "ug/min",
    "albumin 45 mg/L, creatinine 8.2 mmol/L", "creatinine 8200 mmol/L",
    "date", "albumin", "unit", "event", "patient", "creatinine", "creatinine_unit",
    "Albumin (mg/L)", "acr", "Started losartan", "100 million MSCs", "n/a", "#N/A", "-",
    "\x1b[31m", "\x00", "\x07", "\r", "\r\n", "\u2028", "\ufeff", "\u200b", "\U0001f600",
]  # fmt: skip

# Property tests stay bounded in the suite; HYPOTHESIS_PROFILE=hard runs them deeper.
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("default", max_examples=200, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("hard", max_examples=5000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, tmp_path_factory):
    """The developer's own config file never reaches a test: the config locations
    point into an empty folder (tests of the config set their own)."""
    home = tmp_path_factory.getbasetemp() / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("ALBUTREND_CONFIG", raising=False)


def read_text(tmp_path: Path, text: str, name: str = "input.txt", **options: object) -> Records:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    opts = ReadOptions(today=TODAY, **options)  # type: ignore[arg-type]
    return read_sources([str(path)], opts)


def report_of(
    tmp_path: Path, text: str, settings: Settings | None = None, **options: object
) -> Report:
    records = read_text(tmp_path, text, **options)
    assert records.problems == [], [str(p) for p in records.problems]
    return analyse(records, settings)


@pytest.fixture
def reference_notes() -> str:
    return (EXAMPLES / "reference-case.txt").read_text(encoding="utf-8")
