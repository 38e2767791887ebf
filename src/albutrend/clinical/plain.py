"""`Plain` moved to `albutrend.plain` (the records of `model` are plain classes too)."""

from albutrend.plain import Plain

__all__ = ["Plain"]
