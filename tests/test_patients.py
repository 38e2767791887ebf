import json

import pytest
from conftest import DATA, TODAY
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.clinical.analysis import analyse
from albutrend.reading.records import ReadOptions
from albutrend.reading.sources import read_sources

runner = CliRunner()
SHUFFLED = DATA / "three-patients-shuffled.csv"


def test_three_patients_in_shuffled_order_are_grouped_and_ordered():
    report = analyse(read_sources([str(SHUFFLED)], ReadOptions(today=TODAY)))
    by_id = {p.patient: p for p in report.patients}
    assert list(by_id) == ["B-002", "C-003", "A-001"]  # order of first appearance
    a = by_id["A-001"]
    assert [r.reading.measurement.value for r in a.readings] == [400, 260, 210]
    [iv] = a.interventions
    assert iv.baseline is not None and iv.baseline.reading.measurement.value == 400
    assert [(f.days, round(f.change.percent, 2)) for f in iv.followups] == [
        (43, -35.0),
        (90, -47.5),
    ]
    b = by_id["B-002"].interventions[0]
    assert b.baseline is not None and b.baseline.reading.measurement.value == 180
    c = by_id["C-003"].interventions[0]
    assert [round(f.change.percent, 2) for f in c.followups] == [-50.0]
    assert c.followups[0].category_change == "regression"  # 4.2 mg/mmol A2 → 2.1 A1


def test_patient_option_selects_one():
    result = runner.invoke(app, ["report", str(SHUFFLED), "-f", "json", "--patient", "C-003"])
    doc = json.loads(result.stdout)
    assert [p["patient"] for p in doc["patients"]] == ["C-003"]


def test_each_patient_in_turn_in_the_table():
    out = runner.invoke(app, ["report", str(SHUFFLED), "-f", "table"]).stdout
    assert out.index("Patient B-002") < out.index("Patient C-003") < out.index("Patient A-001")


def test_a_file_with_a_patient_column_keeps_its_ids_among_several_files(tmp_path):
    solo = tmp_path / "solo.txt"
    solo.write_text("1-1-24: 50 mg/g\n")
    doc = json.loads(runner.invoke(app, ["report", str(SHUFFLED), str(solo), "-f", "json"]).stdout)
    assert [p["patient"] for p in doc["patients"]] == ["B-002", "C-003", "A-001", "solo"]


def test_creatinine_makes_an_acr_shown_with_its_concentration(tmp_path):
    f = tmp_path / "acr.csv"
    # 101.8080 mg/dL = 9 mmol/L exactly; '101.808' would be refused as ambiguous
    # (101808 to a reader of decimal commas) without --decimal point.
    f.write_text(
        "date,albumin,unit,creatinine,creatinine_unit\n"
        "2024-01-01,45,mg/L,9,mmol/L\n"
        "2024-02-01,45,mg/L,101.8080,mg/dL\n"
    )
    rows = [
        json.loads(line)
        for line in runner.invoke(app, ["report", str(f), "-f", "jsonl"]).stdout.splitlines()
    ]
    assert [(r["unit"], round(r["value"], 3), r["category"], r["indicative"]) for r in rows] == [
        ("mg/mmol", 5.0, "A2", False),
        ("mg/g", 44.201, "A2", False),
    ]
    assert rows[0]["albumin"] == 45 and rows[0]["creatinine"] == 9
    table = runner.invoke(app, ["report", str(f), "-f", "table"], env={"COLUMNS": "200"}).stdout
    assert "5 mg/mmol (albumin 45 mg/L ÷ creatinine 9 mmol/L)" in table
    as_mg_g = runner.invoke(app, ["report", str(f), "-f", "jsonl", "--acr-unit", "mg/g"]).stdout
    assert {json.loads(line)["unit"] for line in as_mg_g.splitlines()} == {"mg/g"}


@pytest.mark.parametrize(
    ("baseline", "followup", "bound", "pct"),
    [
        ("300", "<3", "<", -99.0),  # follow-up censored
        ("<3", "30", ">", 900.0),  # baseline censored
        (">300", "<3", "<", -99.0),  # both, pointing the same way
        ("<3", "<3", "?", 0.0),  # both, no bound on the change
    ],
)
def test_bounds_in_every_position_reach_the_json(tmp_path, baseline, followup, bound, pct):
    f = tmp_path / "b.txt"
    f.write_text(f"1-1-24: {baseline} mg/L\n2-1-24: Drug\n3-1-24: {followup} mg/L\n")
    doc = json.loads(runner.invoke(app, ["report", str(f), "-f", "json"]).stdout)
    [fu] = doc["patients"][0]["interventions"][0]["followups"]
    assert fu["change_bound"] == bound and round(fu["change_pct"], 2) == pct
    assert fu["censor"] == (followup[0] if followup[0] in "<>" else None)


def test_rcv_options_reach_the_verdict_and_the_report():
    ref = str(DATA.parent.parent / "examples" / "reference-case.txt")
    doc = json.loads(runner.invoke(app, ["report", ref, "-f", "json", "--cv-within", "19"]).stdout)
    assert round(doc["settings"]["rcv_fall_pct"], 1) == -41.7
    assert [f["beyond_rcv"] for f in doc["patients"][0]["interventions"][0]["followups"]] == [
        True,
        True,
    ]
    table = runner.invoke(app, ["report", ref, "-f", "table", "--cv-within", "19"]).stdout
    assert "CV_I 19%" in table and "−41.69%" in table


def test_a_patient_with_only_interventions_is_shown_as_such(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("patient,date,albumin,event\nA,1/1/24,45,\nB,1/1/24,,Started drug\n")
    out = runner.invoke(app, ["report", str(f), "-f", "table"]).stdout
    assert "Patient B" in out and "No readings for this patient" in out
    assert "No baseline" in out
