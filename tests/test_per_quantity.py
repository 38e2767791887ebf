"""Per quantity (issue 13): a concentration, an ACR and an AER are separate
quantities; each has its own baseline, "vs previous", trend and summary, in every
output format. The example: ACR and mg/L of the same specimens, losartan on 3 Feb."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import report_of
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.clinical.analysis import timelines
from albutrend.present.export import write_delimited, write_timelines
from albutrend.present.export_json import write_json, write_jsonl
from albutrend.present.note import note_text

MIXED = (
    "12-1-24: 4.2 mg/mmol\n"
    "12-1-24: 38 mg/L\n"
    "3-2-24: Started losartan\n"
    "15-4-24: 3.1 mg/mmol\n"
    "15-4-24: 29 mg/L\n"
    "22-7-24: 2.4 mg/mmol\n"
    "22-7-24: 21 mg/L\n"
    "14-10-24: 31 mg/g\n"
)
# (date, value, unit, days, change_pct, comparison, fall_30, baseline value)
EXPECTED = [
    ("2024-04-15", "3.1", "mg/mmol", "72", "-26.1904761905", "", "false", "4.2"),
    ("2024-04-15", "29", "mg/L", "72", "-23.6842105263", "", "false", "38"),
    ("2024-07-22", "2.4", "mg/mmol", "170", "-42.8571428571", "", "true", "4.2"),
    ("2024-07-22", "21", "mg/L", "170", "-44.7368421053", "", "true", "38"),
    ("2024-10-14", "31", "mg/g", "254", "-16.5066666667", "converted", "false", "4.2"),
]
runner = CliRunner()


def _rows(text: str, delimiter: str) -> list[tuple[str, ...]]:
    rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    return [
        (
            r["date"],
            r["value"],
            r["unit"],
            r["days_since"],
            r["change_pct"],
            r["comparison"],
            r["fall_30"],
            r["baseline_value"],
        )
        for r in rows
        if r["intervention_date"]
    ]


@pytest.mark.parametrize("delimiter", ["\t", ","])
def test_rows_compare_each_reading_with_its_own_quantitys_baseline(tmp_path, delimiter):
    report = report_of(tmp_path, MIXED)
    whole, streamed = io.StringIO(), io.StringIO()
    write_delimited(report, whole, delimiter)
    from conftest import read_text

    write_timelines(timelines(read_text(tmp_path, MIXED))[0], report.settings, streamed, delimiter)
    assert streamed.getvalue() == whole.getvalue()
    assert _rows(whole.getvalue(), delimiter) == EXPECTED


def test_json_lines_and_json(tmp_path):
    report = report_of(tmp_path, MIXED)
    out = io.StringIO()
    write_jsonl(report, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    followed = [x for x in lines if x["intervention_date"]]
    assert [(x["days_since"], round(x["change_pct"], 2)) for x in followed] == [
        (72, -26.19),
        (72, -23.68),
        (170, -42.86),
        (170, -44.74),
        (254, -16.51),
    ]
    document = io.StringIO()
    write_json(report, document)
    [patient] = json.loads(document.getvalue())["patients"]
    [iv] = patient["interventions"]
    assert [
        (q["quantity"], q["baseline"]["value"], q["baseline"]["unit"]) for q in iv["quantities"]
    ] == [
        ("ACR", 4.2, "mg/mmol"),
        ("concentration", 38, "mg/L"),
    ]
    acr, concentration = iv["quantities"]
    assert (acr["latest"]["days"], round(acr["latest"]["change_pct"], 2)) == (254, -16.51)
    assert acr["first_fall_30"]["days"] == 170
    assert round(concentration["latest"]["change_pct"], 2) == -44.74
    assert iv["baseline"]["unit"] == "mg/mmol"  # the first quantity's: the ACR
    assert [t["quantity"] for t in patient["trends"]] == ["ACR", "concentration"]
    assert patient["trend"] is None
    # vs previous: the previous reading of the same quantity
    previous = [r["change_from_previous"] for r in patient["readings"]]
    assert previous[0] is None and previous[1] is None
    assert round(previous[2]["change_pct"], 2) == -26.19
    assert round(previous[3]["change_pct"], 2) == -23.68


def test_table_and_markdown_show_each_quantity_acr_first(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_text(MIXED, encoding="utf-8")
    for fmt in ("table", "markdown"):
        result = runner.invoke(app, ["report", str(path), "-f", fmt], env={"COLUMNS": "120"})
        out = result.stdout
        assert result.exit_code == 0, result.stderr
        assert out.index("Albumin-to-creatinine ratio: ") < out.index("Albumin concentration: ")
        acr = out.index("ACR (albumin-to-creatinine ratio)")
        assert out.index("Albumin concentration", acr) > acr
        for figure in ("−26.19%", "−42.86%", "−16.51%", "−23.68%", "−44.74%"):
            assert figure in out, (fmt, figure)
        assert "Baseline 4.2 mg/mmol on 12 Jan 2024, 22 days before" in out
        assert "Baseline 38 mg/L on 12 Jan 2024, 22 days before" in out
        assert "not comparable" not in out
    # The same-date warning is for one quantity only: none here.
    assert "second reading" not in runner.invoke(app, ["report", str(path)]).stderr


def test_the_note_gives_each_quantitys_latest_and_latest_change(tmp_path):
    text = " ".join(note_text(report_of(tmp_path, MIXED), width=0).split())
    assert "latest ACR 31 mg/g on 14 Oct 2024, A2 moderately increased" in text
    assert "latest albumin concentration 21 mg/L on 22 Jul 2024, below 30 mg/L" in text
    assert (
        "Latest ACR change: −16.51% at day 254 (31 mg/g, 14 Oct 2024, compared in mg/mmol): does not pass the 30% fall mark"
        in text
    )
    assert "Latest albumin concentration change: −44.74% at day 170" in text
    assert text.index("ACR baseline 4.2 mg/mmol") < text.index(
        "Albumin concentration baseline 38 mg/L"
    )


def test_same_date_readings_of_one_quantity_still_warn(tmp_path):
    path = tmp_path / "twice.txt"
    path.write_text("1-1-24: 40 mg/g\n1-1-24: 5 mg/mmol\n1-1-24: 20 mg/L\n", encoding="utf-8")
    err = runner.invoke(app, ["report", str(path)]).stderr
    assert err.count("second reading") == 1 and ":2:" in err and "also line 1" in err
