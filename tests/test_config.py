"""The clinic's config file: defaults the options override, refused when wrong, and
said in every output it changes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.config import KEYS, load, where

runner = CliRunner()
REFERENCE = str(EXAMPLES / "reference-case.txt")
README = Path(__file__).resolve().parent.parent / "README.md"


def _user_config(text: str) -> Path:
    """Write the usual config file (XDG_CONFIG_HOME points into the test's home)."""
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "albutrend" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _clean_config():
    yield
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "albutrend" / "config.toml"
    path.unlink(missing_ok=True)


def _in_force(stdout: str) -> dict[str, tuple[str, str]]:
    doc = json.loads(stdout)["settings"]["in_force"]
    return {k: (v["value"], v["source"]) for k, v in doc.items()}


def test_the_usual_places_in_order(tmp_path):
    assert where({"ALBUTREND_CONFIG": "/x/a.toml", "XDG_CONFIG_HOME": "/y"}) == (
        Path("/x/a.toml"),
        "$ALBUTREND_CONFIG",
    )
    assert where({"XDG_CONFIG_HOME": "/y"})[0] == Path("/y/albutrend/config.toml")
    # A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
    assert where({"XDG_CONFIG_HOME": "rel", "HOME": "/h"})[0] == (
        Path.home() / ".config" / "albutrend" / "config.toml"
    )


def test_no_file_is_every_default_and_the_report_says_nothing_of_settings():
    result = runner.invoke(app, ["report", REFERENCE, "-f", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)["settings"]
    assert doc["config"] is None
    assert _in_force(result.stdout) == {
        "date_order": ("as the dates settle it", "default"),
        "unit": ("mg/L", "default"),
        "decimal": ("auto", "default"),
        "acr_unit": ("as reported", "default"),
        "cv_within": ("30", "default"),
        "cv_analytical": ("5", "default"),
        "confidence": ("95", "default"),
        "boundary": ("kdigo", "default"),
        "baseline": ("latest", "default"),
        "baseline_days": ("90", "default"),
    }
    note = runner.invoke(app, ["note", REFERENCE])
    assert "Settings:" not in note.stdout


def test_the_config_changes_the_defaults_visibly_and_an_option_wins():
    path = _user_config('acr-unit = "mg/mmol"\ncv-within = 19\nunit = "mg/g"\n')
    result = runner.invoke(app, ["report", REFERENCE, "-f", "json", "--cv-within", "25"])
    assert result.exit_code == 0, result.stderr
    settings = json.loads(result.stdout)["settings"]
    assert settings["config"] == str(path)
    assert (settings["cv_within_pct"], settings["acr_unit"]) == (25.0, "mg/mmol")
    in_force = _in_force(result.stdout)
    assert in_force["cv_within"] == ("25", "option")
    assert in_force["acr_unit"] == ("mg/mmol", "config")
    assert in_force["unit"] == ("mg/g", "config")
    assert in_force["confidence"] == ("95", "default")
    note = runner.invoke(app, ["note", REFERENCE, "--cv-within", "25", "--width", "0"])
    assert note.stdout.endswith(
        "\n\nSettings: unit mg/g, acr-unit mg/mmol (config file); cv-within 25 (command line).\n"
    )
    table = runner.invoke(app, ["report", REFERENCE, "-f", "table"], env={"COLUMNS": "200"})
    assert table.stdout.rstrip().endswith(
        "Settings: unit mg/g, acr-unit mg/mmol, cv-within 19 (config file)."
    )


def test_date_order_from_the_config(tmp_path):
    f = tmp_path / "us.txt"
    f.write_text("06/09/2024: 45 mg/g\n")
    assert "2024-09-06" in runner.invoke(app, ["report", str(f), "-f", "tsv"]).stdout
    _user_config('date-order = "month-first"\n')
    assert "2024-06-09" in runner.invoke(app, ["report", str(f), "-f", "tsv"]).stdout
    ignored = runner.invoke(app, ["report", str(f), "-f", "tsv", "--no-config"])
    assert "2024-09-06" in ignored.stdout
    _user_config('date-order = "day-first"\n')
    assert "2024-09-06" in runner.invoke(app, ["report", str(f), "-f", "tsv"]).stdout
    flag = runner.invoke(app, ["report", str(f), "-f", "json", "--month-first"])
    assert _in_force(flag.stdout)["date_order"] == ("month-first", "option")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('acr-unit = "mg/l"\n', 'acr-unit = "mg/l" is not allowed: "mg/g" or "mg/mmol"'),
        (
            "cv-within = 0.3\n",
            "cv-within = 0.3 is not allowed: a percent from 1 to 200 (30 for 30%)",
        ),
        (
            "cv-within = true\n",
            "cv-within = true is not allowed: a percent from 1 to 200 (30 for 30%)",
        ),
        (
            'date_order = "day-first"\n',
            "unknown setting 'date_order' (known: date-order, unit, decimal, acr-unit, "
            "cv-within, cv-analytical, confidence, boundary, baseline, baseline-days)",
        ),
        (
            'unit = "mg/x"\n',
            'unit = "mg/x" is not allowed: an albumin unit, e.g. "mg/L", "mg/g", "mg/mmol"',
        ),
    ],
)
def test_a_bad_key_or_value_exits_2_naming_the_file_key_and_what_is_allowed(text, message):
    path = _user_config(text)
    for command in (["report", REFERENCE], ["note", REFERENCE], ["chart", REFERENCE], ["config"]):
        result = runner.invoke(app, command)
        assert (result.exit_code, result.stdout) == (2, ""), command
        assert result.stderr == f"albutrend: {path}: {message}\n"


def test_a_file_that_is_not_toml_exits_2(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("unit = mg/g\n")
    result = runner.invoke(app, ["report", REFERENCE, "--config", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"albutrend: {path}: not a valid TOML file (")


def test_a_named_config_must_exist(tmp_path, monkeypatch):
    missing = tmp_path / "none.toml"
    result = runner.invoke(app, ["report", REFERENCE, "--config", str(missing)])
    assert (result.exit_code, result.stderr) == (
        2,
        f"albutrend: --config: {missing}: no such file\n",
    )
    monkeypatch.setenv("ALBUTREND_CONFIG", str(missing))
    result = runner.invoke(app, ["report", REFERENCE])
    assert result.stderr == f"albutrend: $ALBUTREND_CONFIG: {missing}: no such file\n"


def test_config_and_env_name_another_file(tmp_path, monkeypatch):
    _user_config("cv-within = 19\n")
    other = tmp_path / "other.toml"
    other.write_text("cv-within = 40\n")
    named = runner.invoke(app, ["report", REFERENCE, "-f", "json", "--config", str(other)])
    assert json.loads(named.stdout)["settings"]["cv_within_pct"] == 40.0
    monkeypatch.setenv("ALBUTREND_CONFIG", str(other))
    env = runner.invoke(app, ["report", REFERENCE, "-f", "json"])
    assert json.loads(env.stdout)["settings"]["config"] == str(other)


def test_albutrend_config_says_where_it_looks_and_each_setting_with_its_source():
    path = _user_config('acr-unit = "mg/mmol"\n')
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0
    assert result.stdout == (
        "Looks for: --config PATH, else $ALBUTREND_CONFIG, else "
        "$XDG_CONFIG_HOME/albutrend/config.toml, else ~/.config/albutrend/config.toml\n"
        f"Config file: {path} (found)\n"
        "Settings in force (an option on the command line wins over the file):\n"
        "  date-order     as the dates settle it  default\n"
        "  unit           mg/L                    default\n"
        "  decimal        auto                    default\n"
        "  acr-unit       mg/mmol                 config\n"
        "  cv-within      30                      default\n"
        "  cv-analytical  5                       default\n"
        "  confidence     95                      default\n"
        "  boundary       kdigo                   default\n"
        "  baseline       latest                  default\n"
        "  baseline-days  90                      default\n"
    )
    path.unlink()
    missing = runner.invoke(app, ["config"])
    assert f"Config file: {path} (not found: every setting is its default)\n" in missing.stdout
    none = runner.invoke(app, ["config", "--no-config"])
    assert "Config file: none read (--no-config)\n" in none.stdout


def test_load_reads_toml_only_when_a_file_exists(tmp_path):
    code = (
        "import sys; from albutrend.config import load; "
        f"c = load(environ={{'XDG_CONFIG_HOME': {str(tmp_path)!r}}}); "
        "print(c.found, 'tomllib' in sys.modules, 'typer' in sys.modules, 'rich' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout == "False False False False\n"


def test_every_key_is_in_the_readme_table():
    block = re.search(
        r"<!-- config-keys -->\n(.*?)<!-- /config-keys -->", README.read_text("utf-8"), re.S
    )
    assert block
    rows = re.findall(r"^\| `([a-z-]+)` \| `(--[a-z-]+)` \| (.*) \|$", block.group(1), re.M)
    assert rows == [(key, k.option, k.allowed) for key, k in KEYS.items()]


def test_load_checks_values_as_the_options_take_them(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('date-order = "month-first"\nconfidence = 90\ndecimal = "comma"\n')
    assert load(str(path)).values == {
        "date-order": "month-first",
        "confidence": 90.0,
        "decimal": "comma",
    }


def test_the_chart_ends_with_the_settings_a_file_or_an_option_changed():
    _user_config('date-order = "day-first"\n')  # the default, from the file: said too
    result = runner.invoke(app, ["chart", REFERENCE, "--unit", "mg/L", "--width", "40"])
    assert result.exit_code == 0
    assert result.stdout.endswith(
        "Settings: date-order day-first (config\nfile); unit mg/L (command line).\n"
    )
    plain = runner.invoke(app, ["chart", REFERENCE, "--no-config"])
    assert "Settings:" not in plain.stdout
