"""`albutrend note`: the paragraph for the clinical record."""

from conftest import EXAMPLES, report_of
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.present.note import note_text

runner = CliRunner()
REF = str(EXAMPLES / "reference-case.txt")


def run(*args, env=None):
    return runner.invoke(app, list(args), env=env)


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_reference_case_note_has_its_figures():
    result = run("note", REF)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    text = one_line(result.stdout)
    assert "latest 954.9 mg/L on 27 Oct 2024" in text
    assert (
        "above 300 mg/L (A3 range, indicative: a concentration, not an ACR); an ACR confirms it"
        in text
    )
    assert "Intervention on 26 Jun 2024 (Received 100 million MSCs" in text
    assert "baseline 2487.4 mg/L on 9 Jun 2024, 17 days before" in text
    assert (
        "Latest change: −61.61% at day 123 (954.9 mg/L, 27 Oct 2024): passes the 30% fall "
        "mark; beyond day-to-day variation." in text
    )
    assert (
        "First fall of 30% or more: −54.58% at day 30 (1129.8 mg/L, 26 Jul 2024): passes the "
        "30% fall mark; within day-to-day variation." in text
    )
    assert "a fall beyond −56.15% or a rise beyond +128.06% (CV_I 30%, CV_A 5%" in text


def test_same_input_same_words_plain_and_wrapped():
    first, second = run("note", REF), run("note", REF, env={"FORCE_COLOR": "1"})
    assert first.stdout == second.stdout
    out = first.stdout
    assert "\x1b" not in out and "[" not in out and "\u00a0" not in out
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert len(lines) > 3 and out.endswith("\n")


def test_width_wraps_without_breaking_values_or_dates():
    narrow = run("note", REF, "--width", "30").stdout
    assert all(len(line) <= 30 for line in narrow.splitlines())
    for kept in ("2487.4 mg/L", "9 Jun 2024", "day 123", "> 300 mg/L", "day-to-day"):
        assert kept in narrow  # never split over two lines
    unwrapped = run("note", REF, "--width", "0").stdout
    assert unwrapped.count("\n") == 1
    assert one_line(unwrapped) == one_line(narrow)


def test_a_width_too_small_is_refused():
    result = run("note", REF, "--width", "5")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--width must be 0 (no wrapping) or from 20" in result.stderr


def test_note_takes_the_reading_options(tmp_path):
    f = tmp_path / "us.csv"
    f.write_text(
        "date,acr,unit,event\n06/01/2024,100,mg/g,\n06/02/2024,,,Started drug\n07/01/2024,60,mg/g,\n"
    )
    result = run("note", str(f), "--month-first", "--cv-within", "19")
    assert result.exit_code == 0, result.stderr
    text = one_line(result.stdout)
    assert "baseline 100 mg/g on 1 Jun 2024, 1 day before (A2)" in text
    assert "−40.00% at day 29" in text and "passes the 30% fall mark" in text
    assert "within day-to-day variation" in text and "a fall beyond −41.69%" in text


def test_bounds_leave_a_verdict_open(tmp_path):
    rep = report_of(tmp_path, "1-1-24: <30 mg/g\n2-1-24: Started drug\n3-2-24: 20 mg/g\n")
    text = one_line(note_text(rep))
    assert "at most 33.33% lower at day 32" in text
    assert "whether it passes the 30% fall mark is open (a bound)" in text


def test_a_censored_fall_is_a_sure_fall(tmp_path):
    rep = report_of(tmp_path, "1-1-24: 100 mg/g\n2-1-24: Started drug\n3-2-24: <3 mg/g\n")
    text = one_line(note_text(rep))
    assert "latest <3 mg/g on 3 Feb 2024, A1" in text
    assert "at least 97.00% lower at day 32" in text
    assert "passes the 30% fall mark; beyond day-to-day variation" in text


def test_no_baseline_no_follow_up_and_no_interventions(tmp_path):
    rep = report_of(tmp_path, "1-1-24: Started drug\n3-2-24: 45 mg/g\n4-2-24: Stopped it\n")
    text = one_line(note_text(rep))
    assert "Intervention on 1 Jan 2024 (Started drug): no reading on or before it" in text
    assert "Intervention on 4 Feb 2024 (Stopped it): baseline 45 mg/g on 3 Feb 2024" in text
    assert "No reading since." in text
    assert "Day-to-day variation" not in text  # no verdict given, no criterion stated
    plain = one_line(note_text(report_of(tmp_path, "1-1-24: 45 mg/g\n3-2-24: 30 mg/g\n")))
    assert "No interventions in the input. Change from the previous reading: −33.33%." in plain


def test_the_mg_l_caveat_when_the_latest_is_an_acr(tmp_path):
    rep = report_of(tmp_path, "1-1-24: 400 mg/L\n2-1-24: Started drug\n3-2-24: 45 mg/g\n")
    text = one_line(note_text(rep))
    assert "latest ACR 45 mg/g on 3 Feb 2024, A2 moderately increased (microalbuminuria)" in text
    assert "latest albumin concentration 400 mg/L on 1 Jan 2024, above 300 mg/L" in text
    assert "indicative: a concentration, not an ACR); an ACR confirms it" in text
    # Each quantity against its own baseline: the ACR has none.
    assert "no ACR reading on or before it, so no ACR change is computed" in text
    assert "Albumin concentration baseline 400 mg/L on 1 Jan 2024" in text
    assert "No albumin concentration reading since." in text


def test_several_patients_one_paragraph_each(tmp_path):
    a, b = tmp_path / "smith.txt", tmp_path / "jones.txt"
    a.write_text("1-1-24: 100 mg/g\n")
    b.write_text("1-1-24: 50 mg/L\n")
    out = run("note", str(a), str(b)).stdout
    paragraphs = out.strip().split("\n\n")
    assert [p.split(".")[0] for p in paragraphs] == ["Patient smith", "Patient jones"]
    only = run("note", str(a), str(b), "--patient", "jones").stdout
    assert only.startswith("Urine albumin: latest 50 mg/L") and "smith" not in only
    assert "from 30 to 300 mg/L (A2 range, indicative" in one_line(only)


def test_escape_sequences_in_an_intervention_are_shown_escaped(tmp_path):
    f = tmp_path / "n.txt"
    f.write_text("1-1-24: 100 mg/g\n2-1-24: drug \x1b[2J\x07 cleared\n9-1-24: 40 mg/g\n")
    out = run("note", str(f)).stdout
    assert "\x1b" not in out and "\x07" not in out and "\\x1b[2J\\x07" in out


def test_a_note_with_lines_skipped_says_so(tmp_path):
    # Pasted into the record, a note must not look complete when --skip-invalid left
    # readings out: "No reading since." would be false.
    path = tmp_path / "typos.txt"
    path.write_text(
        "9-6-24: 2487.4 mg/L\n26-6-24: Received MSCs\n31-2-24: 1129.8 mg/L\n9/6: 954.9 mg/L\n"
    )
    result = runner.invoke(app, ["note", str(path), "--skip-invalid", "--width", "0"])
    assert result.exit_code == 0
    assert result.stdout.endswith(
        f"\n\nNot included: 2 input lines that could not be read ({path}:3, {path}:4); see "
        "the warnings.\n"
    )
    table = runner.invoke(app, ["report", str(path), "--skip-invalid", "-f", "markdown"])
    assert f"Not included: 2 input lines that could not be read ({path}:3, {path}:4)" in (
        table.stdout.replace("\\_", "_")
    )
    clean = runner.invoke(app, ["note", str(EXAMPLES / "reference-case.txt")])
    assert "Not included" not in clean.stdout


def test_the_note_and_the_table_say_which_other_tests_were_left_out(tmp_path):
    # A lab export's other rows (a drug can sit in a test column) are named where the
    # note is read, not only on stderr.
    path = tmp_path / "lab.csv"
    path.write_text(
        "Date,Test,Result,Units\n"
        "2024-01-13,Urine albumin/creatinine ratio,4.2,mg/mmol\n"
        "2024-01-13,eGFR,52,mL/min/1.73m2\n"
        "2024-04-15,Urine albumin/creatinine ratio,3.1,mg/mmol\n"
    )
    note = one_line(run("note", str(path)).stdout)
    assert note.endswith(
        f"Also left out: {path}: rows of other tests than urine albumin left out (eGFR: 1)."
    )
    table = one_line(run("report", str(path), "-f", "table").stdout)
    assert (
        f"Also left out: {path}: rows of other tests than urine albumin left out (eGFR: 1)."
        in table
    )
