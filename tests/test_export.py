import csv
import io
import json

from conftest import EXAMPLES, TODAY, report_of
from hypothesis import given, settings
from hypothesis import strategies as st

from albutrend.clinical.analysis import analyse
from albutrend.present.export import COLUMNS, write_delimited, write_markdown
from albutrend.present.export_json import report_document, write_jsonl
from albutrend.present.views import report_blocks
from albutrend.reading.records import ReadOptions
from albutrend.reading.sources import read_sources


def reference():
    return analyse(read_sources([str(EXAMPLES / "reference-case.txt")], ReadOptions(today=TODAY)))


def test_tsv_rows_read_back_with_the_reference_numbers():
    out = io.StringIO()
    write_delimited(reference(), out, "\t")
    rows = list(csv.DictReader(io.StringIO(out.getvalue()), delimiter="\t"))
    assert list(rows[0].keys()) == list(COLUMNS)
    assert [r["days_since"] for r in rows] == ["", "30", "123"]
    assert [round(float(r["change_pct"]), 2) for r in rows[1:]] == [-54.58, -61.61]
    assert rows[0]["intervention"] == "" and rows[1]["baseline_date"] == "2024-06-09"
    assert [r["beyond_rcv"] for r in rows[1:]] == ["false", "true"]


def test_json_numbers_are_numbers_and_documented_fields_are_there():
    doc = report_document(reference())
    json.dumps(doc)  # serialisable
    assert set(doc) == {"albutrend", "settings", "patients", "warnings"}
    [p] = doc["patients"]
    assert p["patient"] is None
    reading = p["readings"][0]
    assert {"date", "value", "unit", "category", "indicative", "censor"} <= set(reading)
    [iv] = p["interventions"]
    assert iv["baseline"]["date"] == "2024-06-09" and iv["baseline"]["days_before"] == 17
    f = iv["followups"]
    assert [x["days"] for x in f] == [30, 123]
    assert [round(x["change_pct"], 2) for x in f] == [-54.58, -61.61]
    assert f[0]["change"] == -1357.6  # no float noise, not rounded for display
    assert isinstance(f[0]["value"], float)


def test_jsonl_has_the_tsv_fields_typed():
    out = io.StringIO()
    write_jsonl(reference(), out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 3 and list(rows[0]) == list(COLUMNS)
    assert rows[1]["days_since"] == 30 and rows[2]["beyond_rcv"] is True
    assert rows[0]["intervention"] is None


def test_a_reading_after_two_interventions_gives_two_rows(tmp_path):
    rep = report_of(tmp_path, "1-1-24: 100 mg/g\n2-1-24: A\n3-1-24: B\n9-1-24: 40 mg/g\n")
    out = io.StringIO()
    write_delimited(rep, out, ",")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["date"], r["intervention"]) for r in rows] == [
        ("2024-01-01", ""),
        ("2024-01-09", "A"),
        ("2024-01-09", "B"),
    ]


def test_a_change_between_values_that_nearly_cancel_is_the_typed_difference(tmp_path):
    # 2487.3 - 2487.4 in binary floats, to 12 digits, would be -0.0999999999999.
    rep = report_of(tmp_path, "9-6-24: 2487.4 mg/L\n26-6-24: MSCs\n26-7-24: 2487.3 mg/L\n")
    out = io.StringIO()
    write_delimited(rep, out, "\t")
    row = list(csv.DictReader(io.StringIO(out.getvalue()), delimiter="\t"))[1]
    assert (row["change"], row["change_pct"]) == ("-0.1", "-0.00402026212109")
    [followup] = report_document(rep)["patients"][0]["interventions"][0]["followups"]
    assert (followup["change"], followup["change_pct"]) == (-0.1, -0.00402026212109)


def test_formula_cells_are_guarded_unless_raw(tmp_path):
    rep = report_of(tmp_path, '1-1-24: 100 mg/g\n2-1-24: =HYPERLINK("http://x")\n3-1-24: 40 mg/g\n')
    out = io.StringIO()
    write_delimited(rep, out, ",")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[1]["intervention"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["change"] == "-60"  # a negative number stays a number
    raw = io.StringIO()
    write_delimited(rep, raw, ",", raw=True)
    assert list(csv.DictReader(io.StringIO(raw.getvalue())))[1]["intervention"].startswith("=")


def test_markdown_escapes_user_text(tmp_path):
    rep = report_of(
        tmp_path, "1-1-24: 100 mg/g\n2-1-24: [link=http://x]drug[/] | *now*\n3-1-24: 40 mg/g\n"
    )
    out = io.StringIO()
    write_markdown(report_blocks(rep), out)
    text = out.getvalue()
    assert "\\[link=http\\://x\\]drug\\[/\\] \\| \\*now\\*" in text
    assert "| 3 Jan 2024 | 1 |" in text
    assert "****" not in text


def test_tsv_is_never_quoted_and_json_agrees_with_it(tmp_path):
    from typer.testing import CliRunner

    from albutrend.cli import app

    f = tmp_path / "q.txt"
    f.write_text('1-1-24: 100 mg/g\n2-1-24: "Quoted" drug, started\n5-5-24: 33.3 mg/g\n')
    runner = CliRunner()
    tsv = runner.invoke(app, ["report", str(f), "-f", "tsv"]).stdout.splitlines()
    cells = tsv[-1].split("\t")
    assert cells[COLUMNS.index("intervention")] == '"Quoted" drug, started'
    doc = json.loads(runner.invoke(app, ["report", str(f), "-f", "json"]).stdout)
    [fu] = doc["patients"][0]["interventions"][0]["followups"]
    assert cells[COLUMNS.index("change_pct")] == repr(fu["change_pct"])  # same figures
    assert fu["comparison"] is None
    assert doc["settings"]["cv_within_pct"] == 30 and doc["settings"]["confidence_pct"] == 95


@settings(max_examples=2000)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_json_figure_is_the_float_of_its_twelve_digits(value):
    # JSON writes a computed figure from its "%.12g" text without parsing it back:
    # the same text as repr(float(f"{value:.12g}")), the way it was written before.
    from albutrend.present.export_json import _figure

    assert _figure(value) == repr(float(f"{value:.12g}"))


def test_json_figures_without_binary_noise():
    from albutrend.present.export_json import _figure

    assert _figure(-1357.6000000000001) == "-1357.6"
    assert _figure(92.0) == "92.0"
    assert _figure(-0.0) == "-0.0"
    assert _figure(123456789012.4) == "123456789012.0"
    assert _figure(1234567890123.0) == "1234567890120.0"
    assert _figure(0.00001234) == "1.234e-05"
