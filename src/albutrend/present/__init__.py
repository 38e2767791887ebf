"""Presentation: words, tables, charts, machine formats, saved files."""
