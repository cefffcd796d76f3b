"""Libraries that probe for optional packages these exports never hand them.

sqlite-utils imports pandas and numpy when they are installed (to map their types), and pyarrow's
`pa.array` imports pandas the first time it is called (to ask whether a list is a pandas object).
The rows are plain tuples of str, int, bool and None, so neither needs them; in a development
environment, where pandas is installed for the tests, the imports cost about a quarter of a second
each time the export runs. `absent` makes such an import fail while the library looks.

Only in a process with no other thread: one that imported pandas meanwhile (a live-reloading
server's other thread) would find it missing. pyarrow asks once per process and keeps the answer
for its type checks; its pandas conversions (`Table.to_pandas`) ask again, so a later use of pandas
in the same process still works (tests/export/test_optional.py)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Absent:
    """A finder, first on sys.meta_path, that finds the named packages missing. (Setting
    sys.modules[name] to None would not do: pyarrow's compiled import reads that None as the module.)"""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r} (left out: peacetalks.export.optional)", name=name)


@contextmanager
def absent(*names: str) -> Iterator[None]:
    """While inside, `import <name>` raises ImportError for each of `names` not yet imported."""
    missing = frozenset(name for name in names if name not in sys.modules)
    if threading.active_count() > 1 or not missing:
        yield
        return
    finder = _Absent(missing)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
