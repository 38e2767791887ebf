"""`albutrend cohort`: a case series, with every figure computed here independently
(by hand, or with the standard library's statistics module) on small series.

tests/data/cohort-small.csv, drug A (the first intervention of each patient):
- P1: 100 mg/g, then 25 at day 30 (A2 → A1), 40 at day 90, 90 at day 173;
  a second drug A on 2024-06-01, then 90 at its day 30 (baseline 40).
- P2: 200 mg/g; day 28 180 and day 33 130 (the nearer, day 28, counts); 5 mg/mmol at
  day 95 (converted within the quantity); 450 mg/g at day 180 (a doubling, A2 → A3).
- P3: drug A before any reading: no baseline.     - P4: <3 mg/g at day 30: a bound.
- P5: a reading at day 60 only: in no window.     - P6: mg/L baseline, mg/g follow-up.
- P7: drug B only (100 → 10 mg/g at day 30).      - P8: no reading at all.
- P9: 50 at day 27 and 70 at day 33: equally near day 30, the earlier counts.
"""

import csv
import io
import json
import math
import re
import statistics

import pytest
from conftest import DATA, EXAMPLES
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.clinical.cohort import Window

runner = CliRunner()
SMALL = str(DATA / "cohort-small.csv")
REF = str(EXAMPLES / "reference-case.txt")
MG_G_PER_MG_MMOL = 1 / 0.11312


def run(*args):
    return runner.invoke(app, ["cohort", *args])


def document(*args):
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def target(doc, quantity, days):
    (found,) = [t for t in doc["targets"] if t["quantity"] == quantity and t["target_days"] == days]
    return found


def expected(ratios):
    """GMR, its 95% CI and the median and quartiles of the percent changes, from the
    statistics module; t(0.975, n − 1) from closed forms for 1 and 2 degrees of
    freedom (Cauchy; (2p − 1)/√(2p(1 − p))) and R's qt(0.975, 3)."""
    logs = [math.log(r) for r in ratios]
    n = len(ratios)
    t975 = {
        2: math.tan(math.pi * 0.475),
        3: (2 * 0.975 - 1) / math.sqrt(2 * 0.975 * 0.025),
        4: 3.182446305284263,
    }[n]
    half = t975 * statistics.stdev(logs) / math.sqrt(n)
    mean = statistics.fmean(logs)
    pcts = [(r - 1) * 100 for r in ratios]
    q1, _, q3 = statistics.quantiles(pcts, n=4, method="inclusive")
    return {
        "gmr": statistics.geometric_mean(ratios),
        "gmr_ci": [math.exp(mean - half), math.exp(mean + half)],
        "median_change_pct": statistics.median(pcts),
        "iqr_change_pct": [q1, q3],
    }


def assert_figures(found, ratios):
    want = expected(ratios)
    assert found["n"] == len(ratios)
    for key, value in want.items():
        assert found[key] == pytest.approx(value, rel=1e-9), key


def test_day_30_by_hand_with_every_reason_to_leave_out():
    doc = document(SMALL, "--intervention", "drug a")
    assert (doc["patients"], doc["interventions"], doc["interventions_without_readings"]) == (
        9,
        8,
        1,
    )
    day30 = target(doc, "ACR", 30)
    assert day30["window"] == [23, 37]
    assert_figures(day30, [25 / 100, 180 / 200, 50 / 100])  # P1, P2 (day 28), P9 (day 27)
    assert day30["median_change_pct"] == -50.0
    assert day30["iqr_change_pct"] == [-62.5, -30.0]
    marks = {m: day30[m] for m in ("fall_30", "beyond_rcv", "halving", "doubling")}
    assert marks == {"fall_30": 2, "beyond_rcv": 1, "halving": 2, "doubling": 0}
    assert (day30["regression"], day30["progression"]) == (1, 0)
    assert day30["fall_30_share"] == pytest.approx(2 / 3)
    assert day30["excluded"] == {
        "no_baseline": 2,  # P3; P6: only a mg/L reading before it, no ACR baseline
        "no_reading_in_window": 1,  # P5
        "bound": 1,  # P4: <3 mg/g
        "not_comparable": 0,
    }


def test_day_90_converts_within_the_quantity_and_day_180_counts_a_doubling():
    doc = document(SMALL, "--intervention", "drug a")
    day90 = target(doc, "ACR", 90)
    assert_figures(day90, [40 / 100, 5 * MG_G_PER_MG_MMOL / 200, 50 / 80])  # P1, P2, P4
    assert day90["excluded"] == {
        "no_baseline": 2,  # P3, P6
        "no_reading_in_window": 2,  # P5, P9
        "bound": 0,
        "not_comparable": 0,
    }
    day180 = target(doc, "ACR", 180)
    assert day180["window"] == [135, 225]
    assert_figures(day180, [90 / 100, 450 / 200])  # P1 at day 173, P2 at day 180
    assert (day180["doubling"], day180["progression"], day180["fall_30"]) == (1, 1, 0)
    day365 = target(doc, "ACR", 365)
    assert day365["n"] == 0 and day365["gmr"] is None and day365["gmr_ci"] is None
    assert day365["fall_30_share"] is None


def test_the_concentration_is_never_pooled_with_the_acr():
    doc = document(SMALL, "--intervention", "drug a")
    assert [t["quantity"] for t in doc["targets"]] == ["ACR"] * 4 + ["concentration"] * 4
    # Only P6 has a mg/L reading: its baseline, and no mg/L reading after.
    day30 = target(doc, "concentration", 30)
    assert day30["n"] == 0 and day30["excluded"]["no_reading_in_window"] == 1


def test_all_matching_counts_a_patients_second_intervention():
    doc = document(SMALL, "--intervention", "drug a", "--all-matching")
    assert doc["interventions"] == 9
    # P1's second drug A: baseline 40 mg/g (day 90 of the first), 90 mg/g at its day 30.
    assert_figures(target(doc, "ACR", 30), [25 / 100, 180 / 200, 50 / 100, 90 / 40])


def test_every_intervention_counts_by_default_and_the_pattern_is_a_regex():
    doc = document(SMALL)
    assert doc["interventions"] == 9  # P7's drug B too
    assert_figures(target(doc, "ACR", 30), [25 / 100, 180 / 200, 10 / 100, 50 / 100])
    only_b = document(SMALL, "--intervention", "^started drug b$")
    assert only_b["interventions"] == 1
    assert target(only_b, "ACR", 30)["n"] == 1


def test_the_window_in_days_and_in_percent():
    assert Window().span(30) == (23, 37)
    assert Window().span(365) == (274, 456)
    assert Window(percent=10).span(90) == (81, 99)
    assert Window(days=3, percent=None).span(30) == (27, 33)
    assert Window(days=40, percent=None).span(30) == (1, 70)  # never before day 1
    # ±2 days: P2's day 28 still counts, P9's day 27 and 33 do not.
    doc = document(SMALL, "--intervention", "drug a", "--window", "2", "--at", "30")
    assert_figures(target(doc, "ACR", 30), [25 / 100, 180 / 200])


def test_contributions_are_the_reports_own_follow_ups():
    """One rule: each counted contribution is the change `report` gives that reading."""
    doc = document(SMALL, "--all-matching")
    report = json.loads(runner.invoke(app, ["report", SMALL, "-f", "json"]).stdout)
    changes = {
        (p["patient"], i["date"], f["date"]): f["change_pct"]
        for p in report["patients"]
        for i in p["interventions"]
        for f in i["followups"]
    }
    counted = [c for c in doc["contributions"] if c["excluded"] is None]
    assert len(counted) == 5 + 3 + 2  # days 30 (P1 twice, P2, P7, P9), 90, 180
    for c in counted:
        assert c["change_pct"] == changes[(c["patient"], c["intervention_date"], c["date"])]
        assert c["ratio"] == pytest.approx(1 + c["change_pct"] / 100)


def test_reference_case_is_a_cohort_of_one_with_no_interval():
    doc = document(REF)
    day30 = target(doc, "concentration", 30)
    assert day30["n"] == 1
    assert day30["gmr"] == pytest.approx(1129.8 / 2487.4)
    assert day30["gmr_ci"] is None and day30["iqr_change_pct"] is None
    assert day30["median_change_pct"] == pytest.approx(-54.58, abs=0.005)
    assert (day30["fall_30"], day30["beyond_rcv"], day30["halving"]) == (1, 0, 1)
    # Day 123 is in no default window (90: 68–112, 180: 135–225).
    assert [target(doc, "concentration", d)["n"] for d in (90, 180, 365)] == [0, 0, 0]


def test_tsv_has_one_row_per_quantity_and_target():
    result = run(SMALL, "--intervention", "drug a")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t"))
    assert [(r["quantity"], r["target_days"]) for r in rows][:2] == [("ACR", "30"), ("ACR", "90")]
    first = rows[0]
    assert (first["n"], first["window_from"], first["window_to"]) == ("3", "23", "37")
    assert (first["median_change_pct"], first["iqr_low_pct"], first["iqr_high_pct"]) == (
        "-50",
        "-62.5",
        "-30",
    )
    assert first["fall_30"] == "2" and first["excluded_bound"] == "1"
    assert float(first["gmr"]) == pytest.approx(statistics.geometric_mean([0.25, 0.9, 0.5]))
    last = rows[3]
    assert (last["n"], last["gmr"], last["gmr_ci_low"], last["fall_30_share"]) == ("0", "", "", "")


def test_csv_and_jsonl_carry_the_same_figures():
    tsv = list(csv.DictReader(io.StringIO(run(SMALL).stdout), delimiter="\t"))
    as_csv = list(csv.DictReader(io.StringIO(run(SMALL, "-f", "csv").stdout)))
    assert as_csv == tsv
    lines = run(SMALL, "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == document(SMALL)["targets"]


def test_markdown_is_the_manuscript_table():
    result = run(REF, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    header = "| Day (window) | n | GMR (95% CI) | Median change, % (IQR) | ≥30% fall, n (%) |"
    assert f"{header} Left out |" in lines
    assert "| 30 (23–37) | 1 | 0.45 | −54.6% | 1 (100%) | 0 |" in lines
    assert "| 90 (68–112) | 0 | — | — | — | 1 |" in lines


def test_table_shows_interval_and_interquartile_range():
    result = run(SMALL, "--intervention", "drug a", "--format", "table")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "0.48 (0.10–2.37)" in out
    assert "−50.0% (−62.5% to −30.0%)" in out
    assert "1 of them have no reading at all" in out
    assert "no control group" in out


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--at", "30,x"], "--at: 'x' is not a number of days"),
        (["--at", "30,0"], "--at: day 0 is the intervention's own day"),
        (["--at", "90,90"], "--at: day 90 is given twice"),
        (["--window", "a week"], "--window: 'a week' is neither days nor a percent"),
        (["--window", "-3"], "--window: '-3' is neither days nor a percent"),
        (["--window", "150%"], "--window: 150% is more than the target itself"),
        (["--intervention", "drug (a"], "--intervention: 'drug (a' is not a regular expression"),
    ],
)
def test_bad_options_are_refused_before_reading(option, message):
    result = run("no-such-file.csv", *option)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_patient_option_keeps_one_patient():
    doc = document(SMALL, "--patient", "P1")
    assert (doc["patients"], doc["interventions"]) == (1, 1)
    assert target(doc, "ACR", 90)["n"] == 1
    assert target(doc, "ACR", 90)["gmr"] == pytest.approx(0.4)


def _readme_block(name):
    text = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    start, end = text.index(f"<!-- {name} -->\n"), text.index(f"<!-- /{name} -->")
    return text[start:end]


def test_readme_lists_every_cohort_column_in_order():
    from albutrend.present.cohort_output import COLUMNS

    rows = re.findall(r"^\| `([a-z_0-9]+)` \|", _readme_block("cohort-columns"), re.M)
    assert tuple(rows) == COLUMNS


def test_readme_shows_the_reference_case_as_albutrend_prints_it():
    text = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    out = run(REF, "-f", "markdown").stdout
    start = out.index("**Albumin concentration (mg/L)**")
    table = out[start : out.index("\n\n", out.index("| 365"))]
    assert f"```text\n{table}\n```" in text


# ---- the waterfall -------------------------------------------------------------


def _cohort_of(path, **options):
    from albutrend.clinical.analysis import Settings
    from albutrend.clinical.cohort import CohortOptions, analyse_cohort
    from albutrend.reading.records import ReadOptions
    from albutrend.reading.sources import read_sources

    return analyse_cohort(
        read_sources([str(path)], ReadOptions()), Settings(), CohortOptions(**options)
    )


def _many(tmp_path, values):
    """One patient per value: 100 mg/g, drug on 2024-01-02, `value` mg/g at day 30."""
    lines = ["patient,date,albumin,unit,event"]
    for k, value in enumerate(values):
        lines += [
            f"Q{k:03d},2024-01-01,100,mg/g,",
            f"Q{k:03d},2024-01-02,,,Started drug",
            f"Q{k:03d},2024-02-01,{value},mg/g,",
        ]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_waterfall_draws_each_patient_largest_rise_first():
    from albutrend.present.cohort_view import waterfall_lines

    c = _cohort_of(SMALL, all_matching=True)
    lines = waterfall_lines(c.waterfall("ACR", 30), 70)
    body = [text for text, _ in lines[1:]]
    assert [t.split()[0] for t in body] == ["P1", "P2", "P9", "P1", "P7"]
    assert [t.split()[-1] for t in body] == ["+125.0%", "−10.0%", "−50.0%", "−75.0%", "−90.0%"]
    assert body[0].startswith("P1 2024-06-01 ")  # a patient twice: the date says which
    zero = {t.index("│") for t in body}
    assert len(zero) == 1 and all(len(t) <= 70 for t in body)
    (z,) = zero
    assert body[0][z + 1] == "█" and body[0][z - 1] != "█"  # a rise: right of zero
    assert body[4][z - 1] == "█" and body[4][z + 1] != "█"  # a fall: left of zero
    # The longer fall has the longer bar; a halving is as long as a doubling would be.
    assert body[4].count("█") > body[3].count("█") > body[2].count("█") > body[1].count("█")
    assert "┊" in body[1] and "┊" not in body[3]  # −10% does not reach the 30% mark
    assert [style for _, style in lines[1:]] == ["warn", "", "good", "good", "good"]


def test_waterfall_of_many_patients_draws_groups_at_their_median(tmp_path):
    from albutrend.present.cohort_view import WATERFALL_LINES, waterfall_lines

    c = _cohort_of(_many(tmp_path, range(1, 101)))  # −99% … 0%
    items = c.waterfall("ACR", 30)
    assert len(items) == 100
    lines = waterfall_lines(items, 80)[1:]
    assert len(lines) == math.ceil(100 / math.ceil(100 / WATERFALL_LINES)) == 34
    first, last = lines[0][0], lines[-1][0]
    # Groups of 3 in order, largest rise first: values 100, 99, 98 → median 99 (−1%).
    assert first.startswith("1–3 ") and first.endswith("−1.0%")
    assert last.startswith("100–100 ") and last.endswith("−99.0%")


def test_table_has_a_waterfall_and_save_writes_it(tmp_path):
    saved = tmp_path / "cohort.html"
    result = run(SMALL, "--waterfall", "90", "--save", str(saved))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("quantity\ttarget_days")  # stdout unchanged: TSV
    page = saved.read_text(encoding="utf-8")
    assert "albutrend" in page and "cohort of" in page
    assert "at day 90 (68–112)" in page and "−77.9%" in page
    table = run(SMALL, "--format", "table")
    assert "Waterfall" in table.stdout
    assert "at day 30 (23–37)" in table.stdout  # the target with the most patients


def test_waterfall_must_be_a_target_and_save_a_known_kind(tmp_path):
    result = run(SMALL, "--waterfall", "91")
    assert result.exit_code == 2
    assert "--waterfall: day 91 is not a target" in result.stderr
    result = run(SMALL, "--save", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2 and "use .html, .svg or .txt" in result.stderr


def test_a_cohort_without_an_intervention_is_refused_not_an_empty_table(tmp_path):
    # A header alone with exit 0 would read as "no patient changed".
    readings = tmp_path / "readings.csv"
    readings.write_text("patient,date,albumin,unit\nP1,2024-01-05,28,mg/g\nP1,2024-03-05,31,mg/g\n")
    result = run(str(readings))
    assert (result.exit_code, result.stdout) == (1, "")
    assert "no intervention to summarise the change since: give them" in result.stderr
    result = run(SMALL, "--intervention", "zzz")
    assert (result.exit_code, result.stdout) == (1, "")
    assert "no intervention matches --intervention 'zzz': nothing to summarise" in result.stderr
