"""`Plain`: the base of the values the analysis makes by the million (a change, a
verdict, a reading's result, a follow-up): classes with slots, compared, hashed and
shown field by field, in the order of `__init__`'s parameters, as a frozen
dataclass is. A frozen dataclass sets each field through `object.__setattr__`,
about four times the cost of a plain assignment, and `dataclass` builds each class
at import, a cost of every start-up. Their fields are declared `Final` in
`__init__`: mypy refuses a change."""

from __future__ import annotations

from typing import ClassVar


class Plain:
    __slots__ = ()
    _FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls) -> None:
        code = cls.__init__.__code__
        cls._FIELDS = code.co_varnames[1 : code.co_argcount]

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._FIELDS)

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
