"""`Plain`: the base of the records albutrend reads (a measurement, a reading, an
intervention) and of the values the analysis makes by the million (a change, a
verdict, a reading's result, a follow-up): classes with slots, compared, hashed and
shown field by field, in the order of `__init__`'s parameters, as a frozen
dataclass is. A frozen dataclass sets each field through `object.__setattr__`,
about four times the cost of a plain assignment, and `dataclass` builds each class
at import, a cost of every start-up. Their fields are declared `Final` in
`__init__`: mypy refuses a change."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, ClassVar, Self


class Plain:
    __slots__ = ()
    _FIELDS: ClassVar[tuple[str, ...]] = ()

    # Fetches the fields' values as a tuple, in C (a unit is hashed for every distinct
    # value a registry classifies).
    _GET: ClassVar[Callable[[object], tuple[object, ...]]]

    def __init_subclass__(cls) -> None:
        code = cls.__init__.__code__
        cls._FIELDS = code.co_varnames[1 : code.co_argcount]
        if len(cls._FIELDS) > 1:
            cls._GET = attrgetter(*cls._FIELDS)
        else:  # attrgetter of one name gives the value itself, not a tuple of it
            get = attrgetter(*cls._FIELDS)
            cls._GET = lambda self: (get(self),)

    def _values(self) -> tuple[object, ...]:
        return self.__class__._GET(self)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Plain)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"{self.__class__.__qualname__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A copy with these fields changed (`dataclasses.replace`)."""
        values = dict(zip(self._FIELDS, self._values(), strict=True))
        values.update(changes)
        return self.__class__(**values)
