"""Interventions from another file (--events) or the command line (--event): they join
the readings by patient, or are the single patient's; never a second, silent patient."""

from __future__ import annotations

import pytest
from conftest import DATA
from typer.testing import CliRunner

from albutrend.cli import app

runner = CliRunner()
EVENTS = DATA / "events"
LAB, NOTES = str(EVENTS / "lab.csv"), str(EVENTS / "events.txt")
REGISTRY, REGISTRY_EVENTS = str(EVENTS / "registry.csv"), str(EVENTS / "registry-events.csv")


def _rows(stdout: str, *columns: str) -> list[tuple[str, ...]]:
    header, *rows = (line.split("\t") for line in stdout.splitlines())
    return [tuple(row[header.index(c)] for c in columns) for row in rows]


def test_a_lab_file_and_an_events_file_are_one_patient():
    result = runner.invoke(app, ["report", LAB, "--events", NOTES, "-f", "tsv"])
    assert result.exit_code == 0, result.stderr
    assert _rows(result.stdout, "patient", "date", "intervention", "days_since", "change_pct") == [
        ("", "2024-01-12", "", "", ""),
        ("", "2024-04-15", "Started losartan", "72", "-23.6842105263"),
        ("", "2024-07-22", "Started losartan", "170", "-44.7368421053"),
    ]
    assert (
        result.stderr
        == f"albutrend: {NOTES}: 1 line(s) that are not 'DATE: TEXT' entries skipped as prose (line 1)\n"
    )


def test_an_events_file_given_as_a_second_file_is_refused_with_the_hint():
    result = runner.invoke(app, ["report", LAB, NOTES, "-f", "tsv"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"albutrend: {NOTES}: holds only interventions, and with several files each file "
        "without a patient column is a patient of its own: give it with --events "
        f"{NOTES} (its interventions then apply to the patient of the readings)\n"
    )


def test_event_on_the_command_line_is_an_intervention_of_the_patient():
    result = runner.invoke(
        app, ["report", LAB, "--event", "2024-02-03: Started losartan", "-f", "tsv"]
    )
    assert result.exit_code == 0 and result.stderr == ""
    assert _rows(result.stdout, "intervention", "days_since")[1:] == [
        ("Started losartan", "72"),
        ("Started losartan", "170"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Started losartan",
            "--event:1: 'Started losartan' is not a dated intervention: write it as DATE: "
            "TEXT, e.g. --event '2024-02-03: Started losartan'",
        ),
        (
            "2024-02-04: 45 mg/L",
            "--event:1: '45 mg/L' is a reading, not an intervention: give readings in a FILE",
        ),
        (
            "31-2-24: Started losartan",
            "--event:1: '31-2-24' is not a date: day out of range for February",
        ),
    ],
)
def test_an_event_that_is_not_a_dated_intervention_is_refused(text, message):
    # Typed on the command line: a usage error (exit 2), before anything is reported.
    result = runner.invoke(app, ["report", LAB, "--event", text, "-f", "tsv"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"albutrend: {message}"]


@pytest.mark.parametrize("text", ["31-2-24: Started losartan", "Started losartan"])
def test_skip_invalid_never_skips_an_event_typed_on_the_command_line(text):
    # It skipped it and reported the readings with no intervention, exit 0.
    result = runner.invoke(app, ["report", LAB, "--event", text, "--skip-invalid", "-f", "tsv"])
    assert (result.exit_code, result.stdout) == (2, "")
    [line] = result.stderr.splitlines()
    assert line.startswith(f"albutrend: --event:1: '{text.split(':')[0]}")


def test_a_reading_in_an_events_file_is_refused(tmp_path):
    events = tmp_path / "ev.txt"
    events.write_text("3-2-24: Started losartan\n4-2-24: 45 mg/L\n")
    result = runner.invoke(app, ["report", LAB, "--events", str(events), "-f", "tsv"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines()[0] == (
        f"{events}:2: '45 mg/L' is a reading in an --events file, which holds interventions "
        "only: give a file of readings as FILE"
    )


def test_events_with_a_patient_column_join_by_patient_and_a_stray_id_is_a_warning():
    result = runner.invoke(app, ["report", REGISTRY, "--events", REGISTRY_EVENTS, "-f", "tsv"])
    assert result.exit_code == 0
    assert _rows(result.stdout, "patient", "date", "intervention", "days_since") == [
        ("P1", "2024-01-12", "", ""),
        ("P1", "2024-04-15", "Started losartan", "72"),
        ("P2", "2024-01-10", "", ""),
        ("P2", "2024-03-10", "Started ramipril", "38"),
    ]
    assert result.stderr == (
        f"albutrend: warning: {REGISTRY_EVENTS}:4: 1 intervention(s) of a patient with no "
        "reading (p3): is a patient ID spelled differently in the files?\n"
    )
    strict = runner.invoke(app, ["report", REGISTRY, "--events", REGISTRY_EVENTS, "--strict"])
    assert strict.exit_code == 1 and strict.stdout == ""


def test_events_without_a_patient_column_and_several_patients_are_refused():
    for option in (["--events", NOTES], ["--event", "2024-02-03: Started losartan"]):
        result = runner.invoke(app, ["report", REGISTRY, *option, "-f", "tsv"])
        assert (result.exit_code, result.stdout) == (2, "")
        where = "--event" if option[0] == "--event" else f"{NOTES} has no patient column"
        assert result.stderr == (
            f"albutrend: {where}: whose interventions are they? The readings are of 2 "
            "patients (P1, P2): name one with --patient, or give the interventions in a "
            "file with a patient column (--events)\n"
        )


def test_with_patient_the_events_are_that_patients():
    result = runner.invoke(
        app,
        ["report", REGISTRY, "--patient", "P2", "--event", "2024-02-01: Ramipril", "-f", "tsv"],
    )
    assert result.exit_code == 0, result.stderr
    assert _rows(result.stdout, "patient", "intervention", "days_since") == [
        ("P2", "", ""),
        ("P2", "Ramipril", "38"),
    ]


@pytest.mark.parametrize("command", ["note", "chart"])
def test_note_and_chart_take_events_too(command):
    result = runner.invoke(app, [command, LAB, "--events", NOTES])
    assert result.exit_code == 0
    assert "Started losartan" in result.stdout
