"""The boundary convention (`--boundary kdigo|ada`, CLINICAL.md §1 and §10): KDIGO's
wording puts exactly 300 mg/g in A2, the ADA's in A3; the lower cut-off is the same.
Every cut-off of every unit, under both, in every format."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import report_of
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.clinical.analysis import Settings
from albutrend.clinical.categories import ADA, KDIGO, classify, possible_codes
from albutrend.clinical.units import ALBUMIN_UNITS, MG_G, MG_MMOL, UG_MIN, acr_from
from albutrend.model import Censor, Measurement, format_number
from albutrend.present.chart import Point, _row_off_the_lines, _y_axis, series_of

runner = CliRunner()


def _edges(unit):
    """(value as written, KDIGO category, ADA category) at each cut-off of `unit`:
    just below and at the lower one, just below, at and just above the upper one."""
    low, high = Decimal(format_number(unit.a2_from)), Decimal(format_number(unit.a3_above))
    step = Decimal(10) ** (low.adjusted() - 2)  # 0.1 for 30 and 20, 0.0001 for 0.03
    return [
        (str(low - step), "A1", "A1"),
        (str(low), "A2", "A2"),
        (str(high - step), "A2", "A2"),
        (str(high), "A2", "A3"),
        (str(high + step), "A3", "A3"),
    ]


EDGES = [(u, *edge) for u in ALBUMIN_UNITS for edge in _edges(u)]


def test_the_edges_are_the_ones_clinical_md_names():
    assert [e[0] for e in _edges(MG_G)] == ["29.9", "30", "299.9", "300", "300.1"]
    assert [e[0] for e in _edges(MG_MMOL)] == ["2.99", "3", "29.99", "30", "30.01"]


@pytest.mark.parametrize(("unit", "value", "kdigo", "ada"), EDGES, ids=lambda x: str(x))
def test_every_cut_off_of_every_unit_under_both_conventions(unit, value, kdigo, ada):
    m = Measurement(float(value), unit)
    assert classify(m).code == kdigo  # KDIGO is the default
    assert classify(m, KDIGO).code == kdigo
    assert classify(m, ADA).code == ada
    assert classify(m, ADA).boundary == ADA


# (bound, KDIGO's possible categories, ADA's) in mg/g, at both cut-offs.
BOUNDS = [
    ("<", 300, ("A1", "A2"), ("A1", "A2")),
    ("<=", 300, ("A1", "A2"), ("A1", "A2", "A3")),
    (">", 300, ("A3",), ("A3",)),
    (">=", 300, ("A2", "A3"), ("A3",)),
    (">", 299.9, ("A2", "A3"), ("A2", "A3")),
    ("<=", 299.9, ("A1", "A2"), ("A1", "A2")),
    ("<", 30, ("A1",), ("A1",)),
    ("<=", 30, ("A1", "A2"), ("A1", "A2")),
    (">", 30, ("A2", "A3"), ("A2", "A3")),
    (">=", 30, ("A2", "A3"), ("A2", "A3")),
    (">=", 300.1, ("A3",), ("A3",)),
]


@pytest.mark.parametrize(("censor", "value", "kdigo", "ada"), BOUNDS)
def test_a_bound_is_classified_by_the_convention(censor, value, kdigo, ada):
    assert possible_codes(value, MG_G, Censor(censor), KDIGO) == kdigo
    assert possible_codes(value, MG_G, Censor(censor), ADA) == ada
    # The same in mg/mmol (3 / 30) and µg/min (20 / 200), by their own cut-offs.
    for unit, scale in ((MG_MMOL, 10), (UG_MIN, 1.5)):
        scaled = float(Decimal(repr(value)) / Decimal(repr(scale)))
        if scaled in (unit.a2_from, unit.a3_above):
            assert possible_codes(scaled, unit, Censor(censor), ADA) == ada


def test_computed_acrs_exactly_on_the_upper_cut_off():
    # 246 mg/L ÷ 8.2 mmol/L is exactly 30 mg/mmol; 516.9 mg/L ÷ 172.3 mg/dL × 100
    # exactly 300 mg/g: A2 by KDIGO's wording, A3 by the ADA's.
    from albutrend.clinical.units import CREAT_MG_DL

    mmol = Measurement(acr_from(246, 8.2, MG_MMOL), MG_MMOL)
    mg_g = Measurement(acr_from(516.9, 172.3, MG_G, creatinine_unit=CREAT_MG_DL), MG_G)
    low = Measurement(acr_from(24.6, 8.2, MG_MMOL), MG_MMOL)  # exactly 3 mg/mmol
    assert [classify(m).code for m in (mmol, mg_g, low)] == ["A2", "A2", "A2"]
    assert [classify(m, ADA).code for m in (mmol, mg_g, low)] == ["A3", "A3", "A2"]


NOTES = "".join(
    f"2024-01-{k + 1:02d}: {value} {unit}\n" for k, (unit, value, _, _) in enumerate(EDGES[:25])
) + "".join(
    f"2024-02-{k + 1:02d}: {value} {unit}\n" for k, (unit, value, _, _) in enumerate(EDGES[25:])
)


def _run(tmp_path, *args, text=NOTES):
    path = tmp_path / "edges.txt"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["report", str(path), *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("boundary", ["kdigo", "ada"])
def test_tsv_and_json_give_every_edge_its_category(tmp_path, boundary):
    expected = [kdigo if boundary == "kdigo" else ada for _, _, kdigo, ada in EDGES]
    tsv = _run(tmp_path, "-f", "tsv", "--boundary", boundary).splitlines()
    column = tsv[0].split("\t").index("category")
    assert [row.split("\t")[column] for row in tsv[1:]] == expected
    doc = json.loads(_run(tmp_path, "-f", "json", "--boundary", boundary))
    assert [r["category"] for r in doc["patients"][0]["readings"]] == expected
    assert doc["settings"]["boundary"] == boundary
    assert doc["settings"]["in_force"]["boundary"] == {"value": boundary, "source": "option"}


def test_the_default_is_kdigo_and_json_says_so(tmp_path):
    doc = json.loads(_run(tmp_path, "-f", "json"))
    assert doc["settings"]["boundary"] == "kdigo"
    assert doc["settings"]["in_force"]["boundary"] == {"value": "kdigo", "source": "default"}


NOTE_TEXT = "2024-01-01: 300 mg/g\n2024-02-01: Started losartan\n2024-05-01: 200 mg/g\n"
KDIGO_FOOTER = "Categories: KDIGO 2012 (A1 < 30, A2 30–300 inclusive, A3 > 300 mg/g;"
ADA_FOOTER = "Categories: KDIGO 2012 by the ADA boundary (A1 < 30, A2 30–299, A3 ≥ 300"


def test_the_table_markdown_and_saved_report_name_the_convention(tmp_path):
    for fmt in ("table", "markdown"):
        kdigo = " ".join(_run(tmp_path, "-f", fmt, text=NOTE_TEXT).split())
        ada = " ".join(_run(tmp_path, "-f", fmt, "--boundary", "ada", text=NOTE_TEXT).split())
        if fmt == "markdown":  # markdown escapes `<`, `>`
            kdigo, ada = kdigo.replace("\\", ""), ada.replace("\\", "")
        assert KDIGO_FOOTER in kdigo and ADA_FOOTER not in kdigo
        assert ADA_FOOTER in ada and KDIGO_FOOTER not in ada
        assert "Settings: boundary ada (command line)." in ada
        # 300 → 200 mg/g: no move by KDIGO's wording, a regression (A3 → A2) by the ADA's.
        assert "↓" not in kdigo.split("Categories:")[0]
        assert "↓" in ada.split("Categories:")[0]
    saved = tmp_path / "r.txt"
    _run(tmp_path, "--boundary", "ada", "--save", str(saved), text=NOTE_TEXT)
    assert ADA_FOOTER in " ".join(saved.read_text(encoding="utf-8").split())


def test_the_tsv_row_moves_a_category_by_the_convention(tmp_path):
    def move(*args):
        rows = _run(tmp_path, "-f", "tsv", *args, text=NOTE_TEXT).splitlines()
        header = rows[0].split("\t")
        return rows[-1].split("\t")[header.index("category_change")]

    assert move() == "unchanged"
    assert move("--boundary", "ada") == "regression"


def test_the_note_says_the_ada_boundary_and_only_then(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text(NOTE_TEXT, encoding="utf-8")
    kdigo = runner.invoke(app, ["note", str(path), "--width", "0"]).stdout
    ada = runner.invoke(app, ["note", str(path), "--width", "0", "--boundary", "ada"]).stdout
    sentence = (
        "Categories by the ADA boundary: a value exactly on the upper cut-off (300 mg/g, "
        "30 mg/mmol, 300 mg/24h, 200 µg/min) is A3, not A2 as in KDIGO's wording."
    )
    assert "baseline 300 mg/g on 1 Jan 2024, 31 days before (A2)" in kdigo
    assert "baseline 300 mg/g on 1 Jan 2024, 31 days before (A3)" in ada
    assert sentence not in kdigo and sentence in ada


def test_a_concentration_on_the_cut_off_is_said_at_or_above_by_the_ada(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("2024-01-01: 300 mg/L\n", encoding="utf-8")
    kdigo = runner.invoke(app, ["note", str(path), "--width", "0"]).stdout
    ada = runner.invoke(app, ["note", str(path), "--width", "0", "--boundary", "ada"]).stdout
    assert "from 30 to 300 mg/L (A2 range, indicative" in kdigo
    assert "at or above 300 mg/L (A3 range, indicative" in ada


def test_the_config_key_sets_it_and_the_option_wins(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('boundary = "ada"\n', encoding="utf-8")
    doc = json.loads(_run(tmp_path, "-f", "json", "--config", str(config), text=NOTE_TEXT))
    assert doc["settings"]["boundary"] == "ada"
    assert doc["settings"]["in_force"]["boundary"] == {"value": "ada", "source": "config"}
    assert doc["patients"][0]["readings"][0]["category"] == "A3"
    args = ("-f", "json", "--config", str(config), "--boundary", "kdigo")
    doc = json.loads(_run(tmp_path, *args, text=NOTE_TEXT))
    assert doc["settings"]["boundary"] == "kdigo"
    assert doc["patients"][0]["readings"][0]["category"] == "A2"
    bad = tmp_path / "bad.toml"
    bad.write_text('boundary = "ADA 2024"\n', encoding="utf-8")
    result = runner.invoke(app, ["report", str(tmp_path / "edges.txt"), "--config", str(bad)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f'albutrend: {bad}: boundary = "ADA 2024" is not allowed: "kdigo" or "ada"\n'
    )


def test_classify_takes_the_option_and_the_config(tmp_path):
    def run(*args):
        result = runner.invoke(app, ["classify", "300", "mg/g", *args])
        assert result.exit_code == 0, result.stderr
        return result.stdout

    assert run("-f", "table") == (
        "300 mg/g: A2 moderately increased (microalbuminuria). Cut-offs for mg/g: A1 < 30, "
        "A2 30–300, A3 > 300.\n"
    )
    assert run("-f", "table", "--boundary", "ada") == (
        "300 mg/g: A3 severely increased (macroalbuminuria). Cut-offs for mg/g: A1 < 30, "
        "A2 30 to under 300, A3 ≥ 300 (the ADA boundary).\n"
    )
    assert run("-f", "tsv", "--boundary", "ada").splitlines()[1].split("\t")[-2:] == [
        "300",
        "ada",
    ]
    config = tmp_path / "c.toml"
    config.write_text('boundary = "ada"\n', encoding="utf-8")
    assert json.loads(run("-f", "json", "--config", str(config)))["category"] == "A3"
    assert json.loads(run("-f", "json", "--no-config"))["boundary"] == "kdigo"


def test_the_chart_draws_a_value_on_the_line_in_its_own_band(tmp_path):
    for boundary, above in ((KDIGO, False), (ADA, True)):
        report = report_of(tmp_path, "2024-01-01: 300 mg/g\n", Settings(boundary=boundary))
        series = series_of(report.patients[0])[0]
        y, _ = _y_axis(series)
        point = Point(series.points[0].date, 300.0, "", "A2")
        row = _row_off_the_lines(point, y, MG_G, series.ada)
        assert row == y.row(300.0) + (-1 if above else 1)
