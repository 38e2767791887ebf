"""`albutrend report --save`: the terminal's report written to one file, and nowhere
else."""

import errno
import os
import re
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from albutrend.cli import app

runner = CliRunner()
REF = str(EXAMPLES / "reference-case.txt")
VALUES = ("2487.4 mg/L", "1129.8", "954.9", "−54.58%", "−61.61%", "17 days before", "beyond")


def listing(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def save(tmp_path, name, *extra, env=None):
    """Run report --save into a fresh folder, from inside it; return (result, path)."""
    folder = tmp_path / "out"
    folder.mkdir(exist_ok=True)
    before = listing(folder)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = runner.invoke(app, ["report", REF, "--save", name, *extra], env=env)
    finally:
        os.chdir(cwd)
    new = sorted(set(listing(folder)) - set(before))
    if result.exit_code == 0:
        assert new == ([] if name in before else [name])  # that file, and nothing else
    else:
        assert new == []
    return result, folder / name


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tags, self.attrs = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_a_page_of_its_own_with_the_report(tmp_path):
    result, path = save(tmp_path, "report.html")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    html = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    page.close()
    text = "".join(page.text)
    for value in VALUES:
        assert value in text
    assert "\x1b" not in html
    # nothing from the network: no address, no external resource of any kind
    assert "http://" not in html and "https://" not in html
    assert not {"link", "script", "img", "iframe", "object"} & set(page.tags)
    assert not [a for a in page.attrs if a[1] in ("src", "href")]
    assert "url(" not in html and "@import" not in html and "@font-face" not in html
    assert "default-src 'none'" in html  # and the browser is told not to fetch any


def test_svg_parses_and_loads_no_font_from_the_network(tmp_path):
    result, path = save(tmp_path, "report.svg")
    assert result.exit_code == 0, result.stderr
    svg = path.read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = "".join(root.itertext()).replace("\xa0", " ")
    for value in VALUES:
        assert value in text
    # the namespace is the only address; Rich's own template would fetch Fira Code
    assert re.findall(r"https?://[^\"'\s)]*", svg) == ["http://www.w3.org/2000/svg"]
    assert "@font-face" not in svg


def test_txt_is_the_table_view_without_escapes(tmp_path):
    result, path = save(tmp_path, "report.txt")
    assert result.exit_code == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    for value in VALUES:
        assert value in text
    assert "\x1b" not in text and "─" in text
    assert all(line == line.rstrip() for line in text.splitlines())
    assert all(len(line) <= 100 for line in text.splitlines())


def test_stdout_is_unchanged_by_save(tmp_path):
    plain = runner.invoke(app, ["report", REF])
    result, _ = save(tmp_path, "report.html")
    assert result.stdout == plain.stdout  # TSV in a pipe, as without --save
    as_json, path = save(tmp_path, "again.txt", "-f", "json")
    assert as_json.stdout.startswith("{") and "Date" in path.read_text()


def test_same_input_same_file_whatever_the_terminal(tmp_path):
    fixed = {"SOURCE_DATE_EPOCH": "1700000000"}
    _, first = save(tmp_path, "a.html", env=fixed)
    _, second = save(tmp_path, "b.html", env={**fixed, "COLUMNS": "200", "FORCE_COLOR": "1"})
    assert first.read_text() == second.read_text()
    again, _ = save(tmp_path, "a.html")  # an existing file is replaced
    assert again.exit_code == 0


def test_the_extension_is_any_case_and_htm_is_html(tmp_path):
    result, path = save(tmp_path, "REPORT.HTM")
    assert result.exit_code == 0 and path.read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("name", ["report.pdf", "report", "report.html.bak"])
def test_an_unknown_extension_is_refused_and_nothing_is_written(tmp_path, name):
    result, _ = save(tmp_path, name)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"--save: '{name}' has" in result.stderr
    assert "use .html, .svg or .txt" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_directory_is_never_overwritten(tmp_path):
    (tmp_path / "out" / "folder.html").mkdir(parents=True)
    result, _ = save(tmp_path, "folder.html")
    assert result.exit_code == 2 and result.stdout == ""
    assert (
        result.stderr
        == "albutrend: --save: 'folder.html' is a directory; name a file, e.g. report.html\n"
    )
    assert (tmp_path / "out" / "folder.html").is_dir()


def test_a_missing_directory_is_a_one_line_error(tmp_path):
    result, _ = save(tmp_path, "nowhere/report.html")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "albutrend: --save: 'nowhere/report.html': no directory 'nowhere'\n"


def test_an_input_file_is_never_overwritten(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("1-1-24: 100 mg/g\n")
    result = runner.invoke(app, ["report", str(notes), "--save", str(notes)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "is an input file" in result.stderr
    assert notes.read_text() == "1-1-24: 100 mg/g\n"


def test_an_unwritable_path_is_a_one_line_error_and_no_report(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    result = runner.invoke(app, ["report", REF, "--save", str(tmp_path / "r.html")])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        f"albutrend: --save: cannot write '{tmp_path / 'r.html'}': Permission denied\n"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = runner.invoke(app, ["report", REF, "--save", str(folder / "r.html")])
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 1 and "Permission denied" in result.stderr
    assert list(folder.iterdir()) == []


def test_user_text_is_escaped_in_the_page(tmp_path):
    notes = tmp_path / "n.txt"
    notes.write_text(
        '1-1-24: 100 mg/g\n2-1-24: <script src="http://x/y.js"></script> [link=http://x]a[/]\n'
        "3-1-24: 40 mg/g\n"
    )
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(notes), "--save", str(out)])
    assert result.exit_code == 0
    page = _Page()
    page.feed(out.read_text())
    assert "script" not in page.tags and not [a for a in page.attrs if a[1] in ("src", "href")]
    assert '<script src="http://x/y.js"></script> [link=http://x]a[/]' in "".join(page.text)


def test_a_saved_report_names_its_source_and_what_was_left_out(tmp_path):
    from typer.testing import CliRunner

    from albutrend.cli import app

    notes = tmp_path / "notes.txt"
    notes.write_text("Letter for the GP\n9-6-24: 45 mg/g\n1-9-24: 30 mg/g\n")
    out = tmp_path / "saved.txt"
    result = CliRunner().invoke(app, ["report", str(notes), "--save", str(out)])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"albutrend 0.1.0 report of {notes}\n")
    assert (
        f"Note: {notes}: 1 line(s) that are not 'DATE: TEXT' entries skipped as prose (line 1)"
        in " ".join(text.split())
    )


# ---- the file on disk: never the input, never through a link, all or nothing, 0600 ----


def albutrend(*args, cwd, stdin=subprocess.DEVNULL):
    """The installed command in a child process (standard input as given), with a
    generous time cap: a FIFO would block it forever."""
    return subprocess.run(
        [sys.executable, "-m", "albutrend", *args],
        cwd=cwd,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


NOTES = "9-6-24: 2487.4 mg/L\n26-6-24: Started losartan\n26-7-24: 1129.8 mg/L\n"


def test_the_file_standard_input_reads_is_never_overwritten(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES)
    for args in (["-"], ["/dev/stdin"], [REF]):  # read, read by name, or not read at all
        with open(notes, "rb") as stdin:
            proc = albutrend("report", *args, "--save", "notes.txt", cwd=tmp_path, stdin=stdin)
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr == (
            "albutrend: --save: 'notes.txt' is standard input; save the report elsewhere\n"
        )
        assert notes.read_text() == NOTES
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_a_hard_link_to_an_input_is_an_input(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES)
    os.link(notes, tmp_path / "copy.txt")
    result = runner.invoke(app, ["report", str(notes), "--save", str(tmp_path / "copy.txt")])
    assert result.exit_code == 2 and "is an input file" in result.stderr
    assert notes.read_text() == NOTES


def test_a_symbolic_link_at_the_save_path_is_refused_and_its_target_kept(tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "precious.txt"
    target.write_text("the clinic's notes\n")
    (tmp_path / "out" / "report.html").symlink_to(target)
    (tmp_path / "out" / "dangling.html").symlink_to(tmp_path / "nothing-here")
    for name in ("report.html", "dangling.html"):
        result, path = save(tmp_path, name)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == (
            f"albutrend: --save: '{name}' is a symbolic link; albutrend never writes through"
            " one (remove it, or name the file itself)\n"
        )
        assert path.is_symlink()
    assert target.read_text() == "the clinic's notes\n"
    assert not (tmp_path / "nothing-here").exists()


def test_a_fifo_at_the_save_path_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "report.html")
    proc = albutrend("report", REF, "--save", "report.html", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        "albutrend: --save: 'report.html' is not a regular file (a FIFO, socket or device);"
        " name a file, e.g. report.html\n"
    )
    assert stat.S_ISFIFO(os.lstat(tmp_path / "report.html").st_mode)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_a_saved_report_is_readable_by_its_owner_only(tmp_path, umask):
    (tmp_path / "out").mkdir()
    old = tmp_path / "out" / "old.txt"
    old.write_text("an older report\n")
    old.chmod(0o644)
    previous = os.umask(umask)
    try:
        new, path = save(tmp_path, "new.html")
        replaced, _ = save(tmp_path, "old.txt")
    finally:
        os.umask(previous)
    assert new.exit_code == 0 and replaced.exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert old.read_text().startswith("albutrend 0.1.0 report of")


@pytest.mark.parametrize(
    "failure",
    [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
    ids=["disk-full", "ctrl-c"],
)
@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_a_save_that_fails_half_way_leaves_the_old_file_and_nothing_else(
    tmp_path, monkeypatch, failure, step
):
    (tmp_path / "out").mkdir()
    old = tmp_path / "out" / "report.html"
    old.write_text("<p>last week's report</p>\n")
    real_write = os.write

    def fail(*args):
        if step == "write":  # half the page written, then the disk is full
            real_write(args[0], bytes(args[1][: len(args[1]) // 2]))
        raise failure

    monkeypatch.setattr(f"albutrend.present.output.os.{step}", fail)
    result, _ = save(tmp_path, "report.html")  # asserts no new file, temporary or not
    if isinstance(failure, KeyboardInterrupt):
        assert result.exit_code == 130 and result.stderr == "albutrend: interrupted\n"
    else:
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == (
            "albutrend: --save: cannot write 'report.html': No space left on device\n"
        )
    assert old.read_text() == "<p>last week's report</p>\n"
    assert os.listdir(tmp_path / "out") == ["report.html"]


def test_write_private_is_the_one_way_a_file_is_saved(tmp_path):
    from albutrend.present.output import write_private

    path = tmp_path / "chart.txt"
    write_private(str(path), "€ 1\n")
    write_private(str(path), b"2\n")
    assert path.read_bytes() == b"2\n" and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["chart.txt"]


def test_a_read_only_file_is_not_replaced(tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    kept = tmp_path / "out" / "r.txt"
    kept.write_text("signed off\n")
    kept.chmod(0o444)
    if os.geteuid() == 0:  # root may write anything: be a user who may not write it
        monkeypatch.setattr("albutrend.present.output.os.access", lambda path, mode: False)
    result, _ = save(tmp_path, "r.txt")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == "albutrend: --save: cannot write 'r.txt': Permission denied\n"
    assert kept.read_text() == "signed off\n"


def test_the_file_piped_into_standard_input_is_never_overwritten(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES)
    command = f"cat notes.txt | '{sys.executable}' -m albutrend report - --save notes.txt"
    proc = subprocess.run(
        command, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        "albutrend: --save: 'notes.txt' holds what standard input read (piped from it?); "
        "save the report elsewhere\n"
    )
    assert notes.read_text() == NOTES and sorted(os.listdir(tmp_path)) == ["notes.txt"]
    # Another file there is replaced, as any saved report replaces one.
    (tmp_path / "last.txt").write_text(NOTES + "10-8-24: 954.9 mg/L\n")
    command = f"cat notes.txt | '{sys.executable}' -m albutrend report - --save last.txt"
    proc = subprocess.run(
        command, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0 and proc.stdout.startswith("patient\tdate")
    assert (tmp_path / "last.txt").read_text().startswith("albutrend 0.1.0 report of <stdin>")


def test_html_is_a_clinical_document(tmp_path):
    # A heading per patient (ID, dates, readings), the note, a vector chart per
    # quantity, the tables, and the caveats readable (not the pale #8d8d8d).
    result, path = save(tmp_path, "report.html", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.exit_code == 0, result.stderr
    html = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    text = "".join(page.text)
    assert "9 Jun 2024 – 27 Oct 2024 · 3 readings" in text
    assert "Urine albumin: latest 954.9\xa0mg/L on 27\xa0Oct\xa02024" in text  # the note
    assert page.tags.count("svg") == 1 and "polyline" in page.tags
    assert "mg/L (log scale)" in text  # the axis says the quantity's unit
    assert "1  26 Jun 2024: Received 100 million MSCs" in text  # the intervention, named
    assert "<table>" in html and "Δ %" in text
    assert "8d8d8d" not in html and ".caveat { color: #4a4a4a; }" in html
    assert "Made by albutrend" in text and "on 14 Nov 2023" in text  # SOURCE_DATE_EPOCH
    assert "CV_I 30%, CV_A 5%, 95% two-sided" in text  # the settings in force
    assert "@page" in html and "counter(page)" in html and "break-after: avoid" in html


def test_two_saves_with_source_date_epoch_are_byte_identical(tmp_path):
    fixed = {"SOURCE_DATE_EPOCH": "1700000000"}
    _, first = save(tmp_path, "a.html", env=fixed)
    _, second = save(tmp_path, "b.html", env=fixed)
    assert first.read_bytes() == second.read_bytes()


def test_a_patient_name_cannot_break_out_of_the_page_header(tmp_path):
    from albutrend.present.report_html import _css_string

    assert _css_string('P1"; } body { x') == '"P1\\000022\\00003b \\00007d body \\00007b x"'


def test_chart_save_svg_is_the_chart_alone_without_a_window_frame(tmp_path):
    out = tmp_path / "chart.svg"
    result = runner.invoke(
        app, ["chart", str(EXAMPLES / "synthetic-patient.csv"), "--save", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    svg = out.read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "rich-terminal" not in svg and "#ff5f57" not in svg  # no macOS window buttons
    assert "▼" in svg or "<circle" in svg
    assert re.findall(r"https?://[^\"'\s)]*", svg) == ["http://www.w3.org/2000/svg"]
    html = tmp_path / "chart.html"
    result = runner.invoke(app, ["chart", REF, "--save", str(html)])
    assert result.exit_code == 0 and "<svg" in html.read_text()
    assert "http:" not in html.read_text() and "https:" not in html.read_text()


def test_report_svg_has_no_window_frame(tmp_path):
    _, path = save(tmp_path, "report.svg")
    assert "#ff5f57" not in path.read_text()


def test_an_existing_file_is_not_replaced_while_an_input_is_an_untraceable_pipe(tmp_path):
    # `report <(cat notes.txt) --save notes.txt`: the pipe may come from that file.
    notes = tmp_path / "notes.txt"
    notes.write_text(Path(REF).read_text())
    os.mkfifo(tmp_path / "pipe")  # never opened: refused before anything is read
    proc = albutrend("report", "pipe", "--save", "notes.txt", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "'notes.txt' exists and the input 'pipe' is a pipe albutrend cannot trace" in proc.stderr
    assert notes.read_text() == Path(REF).read_text()


def test_a_report_from_a_pipe_is_saved_to_a_new_path(tmp_path):
    proc = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m albutrend report <(cat {REF}) --save new.txt -f tsv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "−61.61%" in (tmp_path / "new.txt").read_text()


def test_a_file_without_patient_ids_heads_its_page_with_the_file_not_a_bare_patient(tmp_path):
    result, path = save(tmp_path, "report.html")
    assert result.exit_code == 0, result.stderr
    html = path.read_text(encoding="utf-8")
    assert re.search(r"<h2>Patient of \S*reference-case\.txt \(no patient ID in it\)</h2>", html)
    assert "<h2>Patient</h2>" not in html


def _clinic_report():
    from conftest import DATA, TODAY

    from albutrend.clinical.analysis import Settings
    from albutrend.reading.records import ReadOptions
    from albutrend.reading.sources import read_sources

    # Two files (their own sources), patients, interventions, an ACR computed from a
    # creatinine, bounds: what a clinic list holds.
    files = [str(DATA / "fhir-r4-bundle.json"), str(DATA / "three-patients-shuffled.csv")]
    records = read_sources(files, ReadOptions(today=TODAY))
    return records, Settings()


def test_the_page_and_its_tsv_make_no_reading_object(monkeypatch):
    # A clinic list's page says each reading from the analysis's columns, and
    # `report -f tsv --save x.html` writes its TSV from the timelines the analysis
    # walked: the same rows as the TSV alone, and no `Reading` is made for either.
    import io

    from albutrend.clinical.analysis import analyse, timelines
    from albutrend.present.export import write_delimited, write_timelines
    from albutrend.present.report_html import page
    from albutrend.reading.records import Readings

    records, settings = _clinic_report()
    alone = io.StringIO()
    write_timelines(timelines(records)[0], settings, alone, "\t")
    report = analyse(records, settings)

    def no_reading(self, i):
        raise AssertionError("a Reading was made")

    monkeypatch.setattr(Readings, "__getitem__", no_reading)
    html = page(report)
    beside = io.StringIO()
    write_delimited(report, beside, "\t")
    assert beside.getvalue() == alone.getvalue()
    assert "5 mg/mmol (albumin 45 mg/L ÷ creatinine 9 mmol/L)" in html
    assert html.count('<section class="patient"') == len(report.patients) == 4


def test_a_report_made_by_hand_writes_the_same_tsv(monkeypatch):
    # Results not made from the records' columns (a library's): the TSV is written
    # from their readings, the same rows.
    import io

    from albutrend.clinical.analysis import analyse
    from albutrend.present import export

    records, settings = _clinic_report()
    report = analyse(records, settings)
    walked = io.StringIO()
    export.write_delimited(report, walked, "\t")
    monkeypatch.setattr(export, "walked", lambda p: None)
    rebuilt = io.StringIO()
    export.write_delimited(report, rebuilt, "\t")
    assert rebuilt.getvalue() == walked.getvalue()
    assert len(rebuilt.getvalue().splitlines()) > 20


@pytest.mark.parametrize(
    "command",
    [["report", REF], ["chart", REF], ["cohort", str(EXAMPLES / "synthetic-patient.csv")]],
)
def test_save_given_twice_is_refused_and_writes_nothing(tmp_path, command):
    # Only the last would be written: the first file would never come.
    first, second = tmp_path / "a.html", tmp_path / "b.svg"
    result = runner.invoke(app, [*command, "--save", str(first), "--save", str(second)])
    assert result.exit_code == 2
    assert f"--save is given 2 times ('{first}', '{second}'): give it once" in result.output
    assert not first.exists() and not second.exists()
