"""The layers of the tree: reading → clinical → present → cli, one way. Reading and
the clinical rules import neither typer nor Rich, nor anything that presents."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "albutrend"
FORBIDDEN = ("typer", "rich", "click", "albutrend.present", "albutrend.cli")


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "path",
    sorted([*(SRC / "reading").glob("*.py"), *(SRC / "clinical").glob("*.py")]),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_reading_and_clinical_import_nothing_that_presents(path):
    bad = {n for n in imported(path) if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)}
    assert bad == set()


def test_reading_imports_nothing_of_the_clinical_analysis():
    # Reading may use the units and LOINC tables, never the analysis built on records.
    for path in (SRC / "reading").glob("*.py"):
        assert not any(
            n.startswith(("albutrend.clinical.analysis", "albutrend.clinical.followup"))
            for n in imported(path)
        ), path.name


def test_the_public_api_names_what_it_loads():
    import albutrend

    assert set(albutrend.__all__) == {*albutrend._API, "__version__", "main"}
    for name in albutrend._API:
        assert getattr(albutrend, name).__name__ == name


def test_the_interrupt_handler_exits_with_the_documented_status():
    from albutrend import streams
    from albutrend.errors import ExitStatus

    assert streams.INTERRUPTED_STATUS == ExitStatus.INTERRUPTED


def test_version_loads_no_enum_nor_typing():
    # `albutrend --version` is the cheapest call a script makes: enum and typing cost
    # 10–15 ms each.
    import subprocess
    import sys

    code = (
        "import sys; from albutrend import main; sys.argv = ['albutrend', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('enum', 'typing', 'typer', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"


def test_reading_a_table_leaves_the_csv_module_as_it_was(tmp_path):
    # A library user's csv keeps its own field size cap; a 1 MB cell is still read.
    import csv

    import albutrend

    before = csv.field_size_limit()
    path = tmp_path / "t.csv"
    path.write_text(
        "date,albumin,event\n2024-06-09,45 mg/g,\n2024-06-10,," + "x" * 1_000_000 + "\n"
    )
    records = albutrend.read([str(path)])
    assert records.problems == [] and len(records.interventions[0].text) == 1_000_000
    assert csv.field_size_limit() == before


def test_the_values_a_table_remembers_stay_within_their_limit(tmp_path, monkeypatch):
    # A registry of a million distinct values must not keep a million parsed values:
    # the fast row path remembers them through the same bounded cache as every line.
    from albutrend.reading import records as records_module
    from albutrend.reading import sources

    monkeypatch.setattr(records_module, "SEEN_LIMIT", 3)
    parsers = []

    class Spy(records_module.LineParser):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            parsers.append(self)

    monkeypatch.setattr(sources, "LineParser", Spy)
    path = tmp_path / "t.tsv"
    # One date for all: after the first row every row takes the fast path.
    rows = "".join(f"P{k}\t2024-06-09\t{40 + k}.5\tmg/g\n" for k in range(1, 21))
    path.write_text("patient\tdate\talbumin\tunit\n" + rows)
    got = sources.read([str(path)])
    assert [m.value for m in got.readings.measurements] == [40 + k + 0.5 for k in range(1, 21)]
    (parser,) = parsers
    assert parser.known_values and all(len(v) <= 3 for v in parser.known_values.values())


def test_a_tsv_report_loads_only_what_it_writes_with():
    # The registry and script path: no JSON writer, no views, no Rich, and typer
    # builds the options of `report` alone, not of every command.
    import subprocess
    import sys

    code = (
        "import sys; from albutrend import main\n"
        "import typer.main as t\n"
        "built = []\n"
        "real = t.get_command_from_info\n"
        "def spy(command_info, **k):\n"
        "    built.append(command_info.callback.__name__)\n"
        "    return real(command_info, **k)\n"
        "t.get_command_from_info = spy\n"
        "sys.argv = ['albutrend', 'report', 'examples/reference-case.txt', '-f', 'tsv']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "names = ('albutrend.present.export_json', 'albutrend.present.views', 'json', 'rich')\n"
        "print(built, sorted(m for m in names if m in sys.modules), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.startswith("patient\t")
    assert out.stderr.splitlines()[-1] == "['report'] []"


def test_help_and_misspelt_commands_still_see_every_command():
    from typer.testing import CliRunner

    from albutrend.cli import app

    result = CliRunner().invoke(app, ["--help"])
    assert all(name in result.output for name in ("report", "note", "chart", "cohort", "config"))
    from albutrend.cli import _app_for

    assert _app_for(["reprot"]) is app and _app_for(["--version"]) is app
    assert [c.callback.__name__ for c in _app_for(["note", "x"]).registered_commands] == ["note"]
