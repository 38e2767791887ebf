"""Reading: files and text into records (no typer, no rich)."""
