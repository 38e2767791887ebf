"""Clinical rules: units, categories, change, baselines, analysis (no typer, no rich)."""
