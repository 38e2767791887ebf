"""A baseline from several specimens (`--baseline mean`, `--baseline-days N`,
CLINICAL.md §9): the geometric mean of the exact readings in the N days up to and
including the intervention, and the RCV for n₁ specimens, in every format."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import report_of
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.clinical.analysis import Settings
from albutrend.clinical.baseline import geometric_mean, window_start
from albutrend.clinical.change import RCVSettings

runner = CliRunner()

# CLINICAL.md §9's worked example: 40 and 90 mg/g before, 30 mg/g after.
WORKED = (
    "2024-01-10: 40 mg/g\n"
    "2024-02-20: 90 mg/g\n"
    "2024-03-01: Started finerenone\n"
    "2024-06-01: 30 mg/g\n"
)


def _run(tmp_path, *args, text=WORKED, command="report", code=0):
    path = tmp_path / "in.txt"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, [command, str(path), *args])
    assert result.exit_code == code, result.stderr
    return result.stdout if code == 0 else result.stderr


def test_the_rcv_for_n_specimens():
    rcv = RCVSettings()
    assert rcv.limits(1) == (rcv.fall, rcv.rise)
    assert [round(x, 2) for x in rcv.limits(1)] == [-56.15, 128.06]
    assert [round(x, 2) for x in rcv.limits(2)] == [-51.03, 104.21]  # CLINICAL.md: +104.2%
    assert [round(x, 2) for x in rcv.limits(3)] == [-48.99, 96.04]


def test_the_geometric_mean_is_written_to_twelve_digits():
    assert geometric_mean([40.0, 90.0]) == 60.0  # not 60.00000000000001
    assert geometric_mean([20.0, 45.0]) == 30.0  # exactly on the A1/A2 cut-off
    assert geometric_mean([10.0, 20.0]) == 14.1421356237


@pytest.mark.parametrize(
    ("method", "value", "pct", "beyond", "fall", "rise"),
    [
        ("latest", 90.0, -66.6666666667, True, -56.1518469549, 128.059776878),
        ("mean", 60.0, -50.0, False, -51.0310565006, 104.211062877),
    ],
)
def test_the_worked_example_in_json_and_jsonl(tmp_path, method, value, pct, beyond, fall, rise):
    doc = json.loads(_run(tmp_path, "-f", "json", "--baseline", method))
    iv = doc["patients"][0]["interventions"][0]
    b = iv["baseline"]
    assert (b["value"], b["unit"], b["category"], b["method"]) == (value, "mg/g", "A2", method)
    assert (b["date"], b["days_before"]) == ("2024-02-20", 10)
    n = 2 if method == "mean" else 1
    dates = ["2024-01-10", "2024-02-20"] if method == "mean" else ["2024-02-20"]
    assert (b["n"], b["dates"], b["left_out"]) == (n, dates, [])
    assert b["window_days"] == (90 if method == "mean" else None)
    assert (b["rcv_fall_pct"], b["rcv_rise_pct"]) == (fall, rise)
    assert iv["quantities"][0]["baseline"] == b
    # A mean's confirmed category is the latest reading's: two readings up to that
    # date, no third, so none (CLINICAL.md §8 asks for three).
    assert b["confirmed_category"] is None
    f = iv["followups"][0]
    assert (f["change_pct"], f["beyond_rcv"], f["fall_30"]) == (pct, beyond, True)
    assert f["halving"] is True  # both are falls of 50% or more
    assert doc["settings"]["in_force"]["baseline"]["value"] == method
    assert (doc["settings"]["baseline"], doc["settings"]["baseline_days"]) == (method, 90)
    line = json.loads(_run(tmp_path, "-f", "jsonl", "--baseline", method).splitlines()[-1])
    assert (line["baseline_value"], line["change_pct"], line["beyond_rcv"]) == (value, pct, beyond)


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_the_worked_example_in_tsv_and_csv(tmp_path, fmt):
    def last_row(*args):
        text = _run(tmp_path, "-f", fmt, *args)
        rows = list(csv.DictReader(io.StringIO(text), delimiter="\t" if fmt == "tsv" else ","))
        return rows[-1]

    latest, mean = last_row(), last_row("--baseline", "mean")
    keys = ("baseline_date", "baseline_value", "change", "change_pct", "beyond_rcv", "halving")
    assert [latest[k] for k in keys] == [
        "2024-02-20",
        "90",
        "-60",
        "-66.6666666667",
        "true",
        "true",
    ]
    assert [mean[k] for k in keys] == ["2024-02-20", "60", "-30", "-50", "false", "true"]


def test_the_worked_example_in_the_table_markdown_and_saved_report(tmp_path):
    mean_line = (
        "Baseline 60 mg/g (A2): the geometric mean of 2 readings in the 90 days up to and "
        "including the intervention: 40 mg/g on 10 Jan 2024 and 90 mg/g on 20 Feb 2024."
    )
    rcv_line = (
        "Day-to-day variation against a mean of 2 specimens: a change beyond −51.03% or "
        "+104.21% (√(1 + 1/2) in place of √2)."
    )
    table = " ".join(_run(tmp_path, "-f", "table", "--baseline", "mean").split())
    assert mean_line in table and rcv_line in table
    assert "−50.00% yes within A2" in table
    assert "Settings: baseline mean (command line)." in table
    assert "against one baseline specimen; against a mean of several, as said under it" in table
    default = " ".join(_run(tmp_path, "-f", "table").split())
    assert "Baseline 90 mg/g on 20 Feb 2024, 10 days before (A2)." in default
    assert "−66.67% yes beyond A2" in default and "geometric mean" not in default
    markdown = _run(tmp_path, "-f", "markdown", "--baseline", "mean")
    assert mean_line in markdown and rcv_line in markdown
    assert "| 1 Jun 2024 | 92 | 30 | −30 | −50.00% | yes | within | A2 |" in markdown
    for suffix in ("txt", "html"):
        saved = tmp_path / f"r.{suffix}"
        _run(tmp_path, "--baseline", "mean", "--save", str(saved), "-f", "tsv")
        text = " ".join(saved.read_text(encoding="utf-8").split())
        assert mean_line in text and rcv_line in text


def test_the_worked_example_in_the_note(tmp_path):
    mean = _run(tmp_path, "--baseline", "mean", "--width", "0", command="note")
    assert (
        "baseline 60 mg/g (A2), the geometric mean of 2 readings in the 90 days up to and "
        "including the intervention (40 mg/g on 10 Jan 2024 and 90 mg/g on 20 Feb 2024); "
        "against a mean of 2 specimens, day-to-day variation is a fall beyond −51.03% or a "
        "rise beyond +104.21%. Latest change: −50.00% at day 92 (30 mg/g, 1 Jun 2024): passes "
        "the 30% fall mark; within day-to-day variation."
    ) in mean
    assert "(CV_I 30%, CV_A 5%, 95% two-sided) against one baseline specimen." in mean
    latest = _run(tmp_path, "--width", "0", command="note")
    assert "baseline 90 mg/g on 20 Feb 2024, 10 days before (A2). Latest change: −66.67%" in latest
    assert "beyond day-to-day variation" in latest


def test_the_window_is_n_days_up_to_and_including_the_intervention(tmp_path):
    from datetime import date

    assert window_start(date(2024, 3, 1), 90) == date(2023, 12, 3)  # 89 days before
    text = (
        "2023-12-02: 10 mg/g\n"  # 90 days before: outside a 90-day window
        "2023-12-03: 40 mg/g\n"  # 89 days before: inside
        "2024-03-01: 90 mg/g\n"  # the intervention's day: inside
        "2024-03-01: Started\n"
        "2024-06-01: 30 mg/g\n"
    )
    b = json.loads(_run(tmp_path, "-f", "json", "--baseline", "mean", text=text))
    b = b["patients"][0]["interventions"][0]["baseline"]
    assert (b["value"], b["n"], b["dates"]) == (60.0, 2, ["2023-12-03", "2024-03-01"])
    one = json.loads(
        _run(tmp_path, "-f", "json", "--baseline", "mean", "--baseline-days", "1", text=text)
    )["patients"][0]["interventions"][0]["baseline"]
    assert (one["value"], one["n"], one["dates"], one["method"]) == (
        90.0,
        1,
        ["2024-03-01"],
        "mean",
    )
    assert one["rcv_fall_pct"] == -56.1518469549  # one specimen: the usual RCV
    table = " ".join(
        _run(
            tmp_path, "--baseline", "mean", "--baseline-days", "1", "-f", "table", text=text
        ).split()
    )
    assert (
        "Baseline 90 mg/g on 1 Mar 2024, on the day (A2 ✓): the only exact reading in the 1 "
        "day up to and including the intervention."
    ) in table


BOUNDS = (
    "2024-01-10: 40 mg/g\n"
    "2024-02-01: <3 mg/g\n"
    "2024-02-20: 90 mg/g\n"
    "2024-03-01: Started\n"
    "2024-06-01: 30 mg/g\n"
)


def test_a_bound_in_the_window_is_left_out_of_the_mean_and_named(tmp_path):
    b = json.loads(_run(tmp_path, "-f", "json", "--baseline", "mean", text=BOUNDS))
    b = b["patients"][0]["interventions"][0]["baseline"]
    assert (b["value"], b["n"], b["dates"], b["left_out"]) == (
        60.0,
        2,
        ["2024-01-10", "2024-02-20"],
        ["2024-02-01"],
    )
    said = "Left out of the mean (a bound is not a value): <3 mg/g on 1 Feb 2024."
    assert said in " ".join(
        _run(tmp_path, "--baseline", "mean", "-f", "table", text=BOUNDS).split()
    )
    assert said in _run(tmp_path, "--baseline", "mean", "--width", "0", text=BOUNDS, command="note")


def test_no_exact_reading_in_the_window_falls_back_to_the_latest_reading_and_says_so(tmp_path):
    text = "2023-01-10: 40 mg/g\n2024-02-20: <3 mg/g\n2024-03-01: Started\n2024-06-01: 30 mg/g\n"
    doc = json.loads(_run(tmp_path, "-f", "json", "--baseline", "mean", text=text))
    b = doc["patients"][0]["interventions"][0]["baseline"]
    assert (b["value"], b["censor"], b["method"], b["n"], b["window_days"]) == (
        3.0,
        "<",
        "latest",
        1,
        90,
    )
    f = doc["patients"][0]["interventions"][0]["followups"][0]
    assert (f["change_bound"], f["doubling"]) == (">", True)  # as --baseline latest has it
    said = (
        "(A1): no exact reading in the 90 days up to and including the intervention to "
        "average, so the latest reading."
    )
    assert said in " ".join(_run(tmp_path, "--baseline", "mean", "-f", "table", text=text).split())
    note = _run(tmp_path, "--baseline", "mean", "--width", "0", text=text, command="note")
    assert said in note and "Left out" not in note
    # Only an older exact reading: it is the baseline, labelled the same way.
    older = "2023-01-10: 40 mg/g\n2024-03-01: Started\n2024-06-01: 30 mg/g\n"
    b = json.loads(_run(tmp_path, "-f", "json", "--baseline", "mean", text=older))
    b = b["patients"][0]["interventions"][0]["baseline"]
    assert (b["value"], b["method"], b["dates"], b["days_before"]) == (
        40.0,
        "latest",
        ["2023-01-10"],
        416,
    )


def test_the_category_of_a_mean_is_that_of_its_value_by_the_convention(tmp_path):
    # 20 and 45 mg/g: exactly 30 (A2); 200 and 450 mg/g: exactly 300 (A2 by KDIGO,
    # A3 by the ADA); the marks and the move follow the mean.
    text = "2024-01-10: 20 mg/g\n2024-02-20: 45 mg/g\n2024-03-01: Started\n2024-06-01: 29 mg/g\n"
    r = report_of(tmp_path, text, Settings(baseline="mean"))
    q = r.patients[0].interventions[0].quantities[0]
    assert (q.baseline.shown.value, q.baseline.category.code) == (30.0, "A2")
    assert q.followups[0].category_change == "regression"
    high = text.replace(" 20 ", " 200 ").replace(" 45 ", " 450 ").replace(" 29 ", " 250 ")
    for boundary, code, move in (("kdigo", "A2", "unchanged"), ("ada", "A3", "regression")):
        r = report_of(tmp_path, high, Settings(baseline="mean", boundary=boundary))
        q = r.patients[0].interventions[0].quantities[0]
        assert (q.baseline.shown.value, q.baseline.category.code) == (300.0, code)
        assert q.followups[0].category_change == move


def test_a_mean_of_mixed_units_is_in_the_unit_of_the_last_specimen(tmp_path):
    # 88.4 mg/g is 10.0 mg/mmol (× 0.11312): the mean is taken in mg/mmol, the last unit.
    text = "2024-01-10: 88.4 mg/g\n2024-02-20: 10 mg/mmol\n2024-03-01: Started\n"
    r = report_of(tmp_path, text + "2024-06-01: 5 mg/mmol\n", Settings(baseline="mean"))
    b = r.patients[0].interventions[0].quantities[0].baseline
    assert (b.reading.measurement.unit.symbol, round(b.reading.measurement.value, 6)) == (
        "mg/mmol",
        round((88.4 * 0.11312 * 10) ** 0.5, 6),
    )
    assert b.category.code == "A2"


def test_the_trend_since_a_mean_baseline_starts_from_its_specimens(tmp_path):
    text = WORKED + "2024-07-01: 25 mg/g\n"
    r = report_of(tmp_path, text, Settings(baseline="mean"))
    assert r.patients[0].interventions[0].trend.readings == 4  # 2 specimens, 2 follow-ups
    r = report_of(tmp_path, text)
    assert r.patients[0].interventions[0].trend.readings == 3


def test_the_config_keys_and_refusals(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('baseline = "mean"\nbaseline-days = 30\n', encoding="utf-8")
    doc = json.loads(_run(tmp_path, "-f", "json", "--config", str(config)))
    b = doc["patients"][0]["interventions"][0]["baseline"]
    assert (b["method"], b["n"], b["window_days"]) == ("mean", 1, 30)  # 40 mg/g is 51 days before
    assert doc["settings"]["in_force"]["baseline_days"] == {"value": "30", "source": "config"}
    config.write_text("baseline-days = 0\n", encoding="utf-8")
    err = _run(tmp_path, "--config", str(config), code=2)
    assert err == (
        f"albutrend: {config}: baseline-days = 0 is not allowed: a whole number of days from 1 "
        "to 3650\n"
    )
    err = _run(tmp_path, "--baseline-days", "0", code=2)
    assert (
        err == "albutrend: --baseline-days must be a whole number of days from 1 to 3650 (got 0)\n"
    )


def test_the_cohort_counts_against_the_mean_baseline(tmp_path):
    def row(*args):
        text = _run(tmp_path, "-f", "csv", "--at", "90", *args, command="cohort")
        return next(csv.DictReader(io.StringIO(text)))

    assert [row()[k] for k in ("n", "gmr", "beyond_rcv", "halving")] == [
        "1",
        "0.333333333333",
        "1",
        "1",
    ]
    mean = row("--baseline", "mean")
    assert [mean[k] for k in ("n", "gmr", "beyond_rcv", "halving")] == ["1", "0.5", "0", "1"]


def test_the_cohort_says_its_baselines_are_means(tmp_path):
    said = (
        "beyond −56.15% or +128.06% against one specimen; baselines are the geometric mean "
        "of the exact readings in the 90 days up to and including each intervention, each "
        "judged with the RCV for its number of specimens."
    )
    mean = " ".join(_run(tmp_path, "-f", "table", "--baseline", "mean", command="cohort").split())
    assert said in mean
    assert said not in " ".join(_run(tmp_path, "-f", "table", command="cohort").split())


def test_the_confirmed_category_of_a_mean_baseline_is_the_one_at_the_intervention(tmp_path):
    # The latest reading on or before the intervention is a bound (<30 mg/g, A1), left
    # out of the mean; with 30 mg/g (A2) before it, 2 of 3 confirm nothing at that date:
    # the mean baseline has no confirmed category, and no confirmed move follows.
    text = (
        "2024-01-01: 30 mg/g\n"
        "2024-01-02: 30 mg/g\n"
        "2024-01-02: <30 mg/g\n"
        "2024-01-02: Started\n"
        "2024-01-03: 30 mg/g\n"
    )
    doc = json.loads(_run(tmp_path, "-f", "json", "--baseline", "mean", text=text))
    iv = doc["patients"][0]["interventions"][0]
    b = iv["baseline"]
    assert (b["value"], b["n"], b["left_out"]) == (30.0, 2, ["2024-01-02"])
    assert b["confirmed_category"] is None
    assert iv["followups"][0]["confirmed_category_change"] is None
    rows = _run(tmp_path, "-f", "tsv", "--baseline", "mean", text=text).splitlines()
    header = rows[0].split("\t")
    assert rows[-1].split("\t")[header.index("confirmed_category_change")] == ""
