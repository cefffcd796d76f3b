"""The benchmark: `python -m bench`. Synthetic records, real subprocesses, a table of results."""
