"""The trend glyph: a row of bars on a log scale, in the report's table view only."""

import json

from conftest import EXAMPLES, report_of
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.present.sparkline import sparkline
from albutrend.present.views import Line, patient_blocks

runner = CliRunner()
REF = str(EXAMPLES / "reference-case.txt")


def test_a_log_scale_over_the_series_range():
    assert sparkline([1, 10, 100, 1000]) == "▁▃▆█"
    assert sparkline([1000, 100, 10, 1]) == "█▆▃▁"
    assert sparkline([3000, 3]) == "█▁"


def test_small_changes_stay_small_steps():
    # a 20% wobble on a scale at least tenfold wide: a step or two, not the full height
    glyphs = sparkline([100, 120, 100, 120])
    assert len(set(glyphs)) == 2 and "▁" not in glyphs and "█" not in glyphs
    assert sparkline([50, 50, 50]) == "▅▅▅"


def test_bounds_have_no_height():
    assert sparkline([None, 10, 100, None]) == "·▁█·"
    assert sparkline([None, None]) == "··"


def test_the_reference_case_glyph_leads_the_patient_in_the_table_view(tmp_path):
    table = runner.invoke(app, ["report", REF, "-f", "table"]).stdout
    assert table.splitlines()[0] == (
        "▆▃▃  2487.4 mg/L → 954.9 mg/L, 3 readings over 140 days (log scale)"
    )


def test_one_glyph_per_quantity_and_none_for_a_single_reading(tmp_path):
    rep = report_of(tmp_path, "1-1-24: 400 mg/L\n1-2-24: 45 mg/g\n1-3-24: 5 mg/mmol\n")
    lines = [b.text for b in patient_blocks(rep.patients[0]) if isinstance(b, Line)]
    spark = [t for t in lines if "log scale" in t]
    # 5 mg/mmol is 44.2 mg/g: about level with 45 mg/g, not a ninefold fall
    assert spark == [
        "Albumin-to-creatinine ratio: ▅▄  45 mg/g → 5 mg/mmol, 2 readings over 29 days (log scale)"
    ]


def test_not_in_tsv_csv_or_json():
    for fmt in ("tsv", "csv", "json", "jsonl"):
        out = runner.invoke(app, ["report", REF, "-f", fmt]).stdout
        assert "▆" not in out and "log scale" not in out
    assert json.loads(runner.invoke(app, ["report", REF, "-f", "json"]).stdout)
