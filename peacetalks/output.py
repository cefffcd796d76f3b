"""Where `build` and `export` write: refuse a directory they did not make, then stage and swap.

`refuse(out, records)` says why `out` must not be replaced (a checkout, the records, a file,
a directory of someone else's), or None. `publish(out, records, fill)` takes an exclusive lock
beside `out` (`.<name>.lock`), removes staging directories that killed runs left there, fills a
fresh staging directory `.<name>.new-XXXXXXXX` beside `out`, and swaps it in with one atomic
rename (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames). Every directory written
here holds `MARKER`, so the next run knows it may replace it. Failures come back as an
`OutputError` value: one line naming the path and the OS error, with `out` left as it was."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem, printable

REPO = Path(__file__).resolve().parent.parent
PROTECTED = ("records", "docs", "schema")  # the project's own sources, under REPO
MARKER = ".peacetalks-build"
MARKER_TEXT = "peacetalks: written by build.py; the next build or export into this directory replaces it\n"
_MARKER_START = b"peacetalks:"
_STAGING_NAME = r"\.new-[a-z0-9_]{8}"  # what tempfile.mkdtemp adds to the prefix

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class OutputError:
    """Why the output directory was not written: not a record problem, so no FILE:LINE:COL."""

    message: str
    path: str | None = None  # the --out value as given, or None when the message names it

    def format(self) -> str:
        where = f"{self.path}: " if self.path is not None else ""
        return printable(f"build.py: error: {where}{self.message}")


class _Stop(Exception):
    """Carries an OutputError out of the nested steps of `publish`, which returns it."""

    def __init__(self, error: OutputError) -> None:
        super().__init__(error.message)
        self.error = error


def mark(directory: Path) -> None:
    """Write the marker that lets the next build or export replace `directory`."""
    (directory / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def is_marked(directory: Path) -> bool:
    marker = directory / MARKER
    try:
        if not marker.is_file() or marker.is_symlink():
            return False
        with marker.open("rb") as stream:
            return stream.read(len(_MARKER_START)) == _MARKER_START
    except OSError:
        return False


def describe(exc: OSError, shown: str, area: Path) -> str:
    """'No space left on device (ENOSPC) at FILE': the OS error and the output file it was about.

    A file outside `area` (the output's parent) is a source being copied, named as such."""
    code = errno.errorcode.get(exc.errno or 0)
    text = (exc.strerror or str(exc)) + (f" ({code})" if code else "")
    if exc.filename is not None:
        name = os.fsdecode(exc.filename) if isinstance(exc.filename, bytes) else str(exc.filename)
        inside = Path(name).is_relative_to(area) or Path(os.path.abspath(name)).is_relative_to(area)
        text += f" at {name}" if inside else f" while writing it (copying {name})"
    return f"{text}; {shown} was left as it was"


def refuse(out: str | os.PathLike[str], records: Path) -> OutputError | None:
    """Why `out` may not be written into, or None when it is absent, empty or built by us."""
    shown = os.fspath(out)
    if shown == "":
        return OutputError("--out is empty (an unset variable?): name the directory to write into")
    try:
        target = Path(shown).resolve()
        reason = _protected(target, records.resolve(), Path.cwd().resolve()) or _occupied(target)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop
        return OutputError(f"cannot inspect it: {exc}", shown)
    return OutputError(f"will not write into it: {reason}", shown) if reason else None


def _protected(target: Path, records: Path, cwd: Path) -> str | None:
    """What of the project's, the caller's or git's `target` would replace."""
    places = [(REPO, "this project's checkout")]
    places += [(REPO / name, f"the project's {name}/ directory") for name in PROTECTED]
    places += [(records, "the --records directory"), (cwd, "the current directory")]
    for place, what in places:
        if place == target:
            return f"it is {what}"
        if place.is_relative_to(target):
            return f"it holds {what}"
        if target.is_relative_to(place) and place is not REPO and place is not cwd:
            return f"it is inside {what}"
    if ".git" in target.parts:
        return "it is inside a git repository's .git directory"
    if os.path.lexists(target / ".git"):
        return "it holds a git repository (.git)"
    return None


def _occupied(target: Path) -> str | None:
    """Why the directory at `target` is not ours to replace, or its parent cannot hold it."""
    if not os.path.lexists(target):
        return _parent_not_directory(target)
    if not target.is_dir():
        return "it is a file, not a directory"
    if is_marked(target) or not any(os.scandir(target)):
        return None
    return (
        f"it is not empty and was not written by build.py (it has no {MARKER} file); "
        "remove it yourself, or choose another --out (a build made before the marker existed needs this once)"
    )


def _parent_not_directory(target: Path) -> str | None:
    for parent in target.parents:
        if os.path.lexists(parent):
            return None if parent.is_dir() else f"{parent} is a file, not a directory"
    return None


def publish(out: str | os.PathLike[str], records: Path, fill: Callable[[Path], list[Problem]]) -> list[Problem] | OutputError:
    """Fill a fresh directory beside `out` with `fill(staging)`, then swap it in for `out`.

    Record problems from `fill`, an OS error or a refusal leave `out` exactly as it was."""
    shown = os.fspath(out)
    target = Path(shown).resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as held:
            for enclosing in _enclosing_outputs(target):  # `export --out site/data` while `build --out site` runs
                held.enter_context(_locked(enclosing, os.fspath(enclosing)))
            held.enter_context(_locked(target, shown))
            refused = refuse(out, records)
            if refused is not None:
                return refused
            remove_leftovers(target)
            return _stage_and_swap(target, shown, fill)
    except _Stop as stop:
        return stop.error
    except OSError as exc:
        return OutputError(describe(exc, shown, target.parent), shown)


def _stage_and_swap(target: Path, shown: str, fill: Callable[[Path], list[Problem]]) -> list[Problem]:
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        _open_up(staging)
        mark(staging)
        problems = fill(staging)
        if not problems:
            mark(staging)  # again: `fill` may have emptied it
    except BaseException:
        _discard_quietly(staging)
        raise
    if problems:
        _discard_quietly(staging)
        return problems
    try:
        retired = swap(staging, target)
    except OSError:
        _discard_quietly(staging)
        raise
    if retired is not None:
        _discard_quietly(retired)
    return []


def _open_up(directory: Path) -> None:
    """mkdtemp makes a private (0700) directory; a site is read by web servers: 0777 less the umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    os.chmod(directory, 0o777 & ~umask)


def _enclosing_outputs(target: Path) -> list[Path]:
    """The directories around `target` that a run wrote (marked), outermost first: a run into
    one of them would swap `target` away, so both take its lock."""
    return [parent for parent in reversed(target.parents) if is_marked(parent)]


@contextmanager
def _locked(target: Path, shown: str) -> Iterator[None]:
    """Hold an exclusive flock on `.<name>.lock` beside `target`; a second run is refused, not queued."""
    lock = target.parent / f".{target.name}.lock"
    while True:
        handle = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise _Stop(
                OutputError(f"another build is running into {shown.rstrip('/')}/ (it holds {lock}); try again when it has finished")
            ) from None
        except OSError:
            os.close(handle)
            raise
        if _same_file(handle, lock):
            break
        os.close(handle)  # the holder removed the file as we opened it: lock the new one
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)  # still holding it, so no other run has it open and locked
        os.close(handle)


def _same_file(handle: int, path: Path) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(handle)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the staging directories of killed runs beside `target`: named `.<name>.new-XXXXXXXX`
    and either marked or empty. Anything else of that name is left alone. Returns what went."""
    pattern = re.compile(re.escape(f".{target.name}") + _STAGING_NAME)
    removed = []
    for entry in sorted(os.scandir(target.parent), key=lambda e: e.name):
        path = Path(entry.path)
        if pattern.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False) and (is_marked(path) or not any(path.iterdir())):
            _discard_quietly(path)
            removed.append(path)
    return removed


def _discard(directory: Path) -> None:
    """Remove a directory this project made, its marker last: an interrupted removal leaves a
    directory the next run still recognises as its own."""
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name == MARKER:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    (directory / MARKER).unlink(missing_ok=True)
    directory.rmdir()


def _discard_quietly(directory: Path) -> None:
    with contextlib.suppress(OSError):  # what stays is still marked: the next run removes it
        _discard(directory)


def swap(staging: Path, target: Path) -> Path | None:
    """Put `staging` at `target`. Returns where the previous `target` went (to be discarded), if any.

    With an existing `target` the two directories trade places in one step, so a kill at any
    moment leaves the old or the new one there. Where the system cannot exchange, two renames:
    the old one goes to a staging-named directory first (still marked, so the next run removes it)."""
    if not os.path.lexists(target):
        os.rename(staging, target)
        return None
    if exchange(staging, target):
        return staging
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    os.rename(target, retired)  # replaces the empty directory just made
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(retired, target)
        raise
    return retired


def _load_renameat2() -> Callable[..., int] | None:
    try:
        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]  # type: ignore[attr-defined]
    function.restype = ctypes.c_int  # type: ignore[attr-defined]
    return function


_renameat2 = _load_renameat2()


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths atomically; False where the C library or file system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
