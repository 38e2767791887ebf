"""The clinic's defaults: a TOML file of settings that the command-line options
override (README "Configuration").

Where: `--config PATH`, else `$ALBUTREND_CONFIG`, else
`$XDG_CONFIG_HOME/albutrend/config.toml`, else `~/.config/albutrend/config.toml`.
`--no-config` reads none. A file named by `--config` or `$ALBUTREND_CONFIG` must
exist; the usual place may hold none. A key or a value albutrend does not know is
an error naming the file, the key and what is allowed (exit 2).

Adding a setting is one line in `KEYS`. Imports no typer or Rich; `tomllib` only
when there is a file to read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from albutrend.problems import UsageError, printable

ENV = "ALBUTREND_CONFIG"
DEFAULT, CONFIG, OPTION = "default", "config", "option"


class ConfigError(UsageError):
    """A config file albutrend cannot use: exit 2."""


def _one_of(*allowed: str) -> Callable[[object], object | None]:
    return lambda value: value if isinstance(value, str) and value in allowed else None


def _percent(low: float, high: float) -> Callable[[object], object | None]:
    def check(value: object) -> object | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value) if low <= value <= high else None

    return check


def _unit(value: object) -> object | None:
    from albutrend.clinical.units import albumin_unit

    return value if isinstance(value, str) and albumin_unit(value) is not None else None


_date_order = _one_of("day-first", "month-first")


def _days(value: object) -> object | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= 3650 else None


class Key(NamedTuple):
    field: str  # the option's parameter name: the file sets its default
    allowed: str  # what is allowed, said in an error and in the README
    check: Callable[[object], object | None]  # the value as the option takes it; None: bad

    @property
    def option(self) -> str:
        return "--" + self.field.replace("_", "-")


KEYS: dict[str, Key] = {
    "date-order": Key("month_first", '"day-first" or "month-first"', _date_order),
    "unit": Key("unit", 'an albumin unit, e.g. "mg/L", "mg/g", "mg/mmol"', _unit),
    "decimal": Key("decimal", '"auto", "point" or "comma"', _one_of("auto", "point", "comma")),
    "acr-unit": Key("acr_unit", '"mg/g" or "mg/mmol"', _one_of("mg/g", "mg/mmol")),
    "cv-within": Key("cv_within", "a percent from 1 to 200 (30 for 30%)", _percent(1, 200)),
    "cv-analytical": Key("cv_analytical", "a percent from 0 to 100 (5 for 5%)", _percent(0, 100)),
    "confidence": Key("confidence", "a percent from 50 to 99.99 (95 for 95%)", _percent(50, 99.99)),
    "boundary": Key("boundary", '"kdigo" or "ada"', _one_of("kdigo", "ada")),
    "baseline": Key("baseline", '"latest" or "mean"', _one_of("latest", "mean")),
    "baseline-days": Key("baseline_days", "a whole number of days from 1 to 3650", _days),
}  # fmt: skip


class Config(NamedTuple):
    """Where albutrend looked, what it found, and the settings the file gives (by key,
    as the options take them). A NamedTuple, like the others here: a dataclass costs
    the start-up a millisecond or more to make."""

    looked: Path | None  # None: --no-config
    why: str  # how that place was chosen
    found: bool = False
    values: Mapping[str, Any] = MappingProxyType({})

    @property
    def path(self) -> str | None:
        """The file read, or None."""
        return str(self.looked) if self.found and self.looked is not None else None


def where(environ: Mapping[str, str] = os.environ) -> tuple[Path, str]:
    """The config file albutrend reads when no `--config` is given, and why there."""
    named = environ.get(ENV, "")
    if named:
        return Path(named), f"${ENV}"
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative path is to be ignored
        return Path(xdg) / "albutrend" / "config.toml", "$XDG_CONFIG_HOME/albutrend/config.toml"
    return Path.home() / ".config" / "albutrend" / "config.toml", "~/.config/albutrend/config.toml"


def load(
    path: str | None = None, *, ignore: bool = False, environ: Mapping[str, str] = os.environ
) -> Config:
    """The config in force: `path` (--config), or the usual place; none with `ignore`
    (--no-config)."""
    if ignore:
        return Config(None, "--no-config")
    if path is not None:
        looked, why, required = Path(path), "--config", True
    else:
        looked, why = where(environ)
        required = why == f"${ENV}"
    try:
        with open(looked, "rb") as stream:
            import tomllib

            try:
                table = tomllib.load(stream)
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
                raise ConfigError(f"{_shown(looked)}: not a valid TOML file ({e})") from None
    except FileNotFoundError:
        if required:
            raise ConfigError(f"{why}: {_shown(looked)}: no such file") from None
        return Config(looked, why)
    except IsADirectoryError:
        raise ConfigError(f"{why}: {_shown(looked)}: is a directory, not a file") from None
    except PermissionError:
        raise ConfigError(f"{_shown(looked)}: permission denied") from None
    return Config(looked, why, True, _checked(table, looked))


def _checked(table: dict[str, Any], path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in table.items():
        known = KEYS.get(key)
        if known is None:
            raise ConfigError(
                f"{_shown(path)}: unknown setting '{printable(key)}' (known: {', '.join(KEYS)})"
            )
        checked = known.check(value)
        if checked is None:
            raise ConfigError(
                f"{_shown(path)}: {key} = {printable(_toml(value))} is not allowed: {known.allowed}"
            )
        values[key] = checked
    return values


def _toml(value: object) -> str:
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if not isinstance(value, dict | list) else "a table or list"


def _shown(path: Path) -> str:
    return printable(str(path))


class InForce(NamedTuple):
    """The settings in force, as text, and where each came from (`default`, `config`
    or `option`), by key; `config` the file read. What the outputs say."""

    config: str | None = None
    values: tuple[tuple[str, str, str], ...] = ()  # (key, value, source)

    def changed(self) -> list[tuple[str, str, str]]:
        """The settings not at their defaults (from the file or an option)."""
        return [v for v in self.values if v[2] != DEFAULT]

    def source(self, key: str) -> str:
        return next((s for k, _, s in self.values if k == key), DEFAULT)


def describe(config: Config, in_force: InForce) -> str:
    """What `albutrend config` prints: where it looks, whether a file is there, and
    each setting in force with where it came from."""
    lines = [
        f"Looks for: --config PATH, else ${ENV}, else "
        "$XDG_CONFIG_HOME/albutrend/config.toml, else ~/.config/albutrend/config.toml"
    ]
    if config.looked is None:
        lines.append("Config file: none read (--no-config)")
    else:
        state = "found" if config.found else "not found: every setting is its default"
        lines.append(f"Config file: {_shown(config.looked)} ({state})")
    width = max(len(key) for key in KEYS)
    shown = max((len(value) for _, value, _ in in_force.values), default=0)
    lines.append("Settings in force (an option on the command line wins over the file):")
    for key, value, source in in_force.values:
        lines.append(f"  {key:<{width}}  {printable(value):<{shown}}  {source}")
    return "\n".join(lines) + "\n"
