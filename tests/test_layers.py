"""The layers of the tree: reading → clinical → present → cli, one way. Reading and
the clinical rules import neither typer nor Rich, nor anything that presents."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "albutrend"
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
