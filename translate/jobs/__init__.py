"""The jobs users run, one call each (the CLI's commands are these plus formatting)."""
