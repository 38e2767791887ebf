from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from albutrend.analysis import Report, Settings, analyse
from albutrend.records import ReadOptions, Records
from albutrend.sources import read_sources

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
TODAY = date(2026, 11, 24)

# Property tests stay bounded in the suite; HYPOTHESIS_PROFILE=hard runs them deeper.
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("default", max_examples=200, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("hard", max_examples=5000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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
