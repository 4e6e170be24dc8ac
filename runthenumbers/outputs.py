"""One guard for every command that writes: nothing it did not write is ever replaced.

A command that writes (``run --out DIR``, ``sweep --out FILE``) goes through :func:`writing`, which

- expands ``~`` and refuses any path inside the repository except under ``runs/``, and any folder
  that holds the repository;
- refuses a symbolic link as the target (replacing it would not replace what it points to);
- refuses an existing file or folder that is not an earlier output of the same command (a run
  folder is recognised by its ``results.json``, a sweep file by its three keys); ``--force``
  replaces only such an earlier output, never anything else;
- checks that the parent folder exists and can be written before any work starts, by taking a
  lock file there (``.NAME.lock``) that a second writer to the same target detects;
- hands the command a temporary sibling (``.NAME-xxxxxxxx``) to write into, and renames it into
  place only when the command finished; on any error or interrupt the temporary is removed.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .data import REPO_ROOT
from .errors import UserError, clipped

# The one folder of the repository that outputs may go into (it is in .gitignore).
OUTPUT_AREA = "runs"
# A sweep file larger than this is not one the sweep wrote (they are a few KB).
_SWEEP_FILE_LIMIT = 1_000_000


class OutputError(UserError):
    """An output path that the guard refuses, or that could not be written."""


@dataclass(frozen=True)
class Kind:
    """What a command writes: a folder or a file, and how to recognise one it wrote earlier."""

    folder: bool
    earlier: Callable[[Path], bool]
    what: str


def _is_run(path: Path) -> bool:
    return (path / "results.json").is_file()


def _is_sweep(path: Path) -> bool:
    if not path.is_file():  # a device such as /dev/zero would never finish reading
        return False
    try:
        if path.stat().st_size > _SWEEP_FILE_LIMIT:
            return False
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(record, dict) and set(record) == {"samples", "seed", "results"}


RUN = Kind(folder=True, earlier=_is_run, what="a previous run (it has no results.json)")
SWEEP = Kind(folder=False, earlier=_is_sweep, what="written by `runthenumbers sweep`")


def target_of(path: Path | str) -> Path:
    """The absolute path ``path`` names: ``~`` expanded, ``..`` and links in its folders resolved,
    but the last part kept as given (so a link there is seen, not followed)."""
    absolute = Path(os.path.abspath(os.path.expanduser(str(path))))
    if absolute.name in ("", "."):
        return absolute.resolve()
    return absolute.parent.resolve() / absolute.name


def check(path: Path | str, kind: Kind, force: bool) -> Path:
    """The target of ``path`` if the command may write there; otherwise an :class:`OutputError`."""
    label = f"--out {clipped(str(path))}"
    target = target_of(path)
    if target == REPO_ROOT or target in REPO_ROOT.parents:
        raise OutputError(f"{label} would replace the repository or a folder holding it; choose another folder")
    if target.is_relative_to(REPO_ROOT):
        parts = target.relative_to(REPO_ROOT).parts
        if parts[0] != OUTPUT_AREA or len(parts) < 2:
            place = parts[0] if (REPO_ROOT / parts[0]).is_file() else f"{parts[0]}/"
            raise OutputError(
                f"{label} is inside the repository's {place}; inside the repository outputs go only under "
                f"{OUTPUT_AREA}/ (for example {OUTPUT_AREA}/my-scenario)"
            )
    if target.is_symlink():
        raise OutputError(f"{label} is a symbolic link; give the path it points to, or another path")
    parent = target.parent
    if not parent.is_dir():
        if parent == REPO_ROOT / OUTPUT_AREA:
            parent.mkdir()
        else:
            raise OutputError(f"{label}: the folder {clipped(str(parent))} does not exist; create it first")
    if target.exists():
        if kind.folder != target.is_dir():
            raise OutputError(f"{label} is a {'file' if kind.folder else 'folder'}; give a {'folder' if kind.folder else 'file'} path")
        empty = kind.folder and not any(target.iterdir())
        if not empty:
            if not kind.earlier(target):
                raise OutputError(f"{label} exists and is not {kind.what}; refusing to replace it, even with --force")
            if not force:
                raise OutputError(f"{label} holds earlier output; pass --force to replace it")
    return target


@contextmanager
def _lock(target: Path) -> Iterator[None]:
    """Hold ``.NAME.lock`` beside ``target``; a second writer to the same target is refused at once."""
    lock = target.parent / f".{target.name}.lock"
    for _ in range(10):
        try:
            handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise OutputError(f"cannot write in {clipped(str(target.parent))}: {error.strerror}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise OutputError(
                f"--out {clipped(str(target))} is being written by another command (lock file {lock.name}); "
                "wait for it to finish or choose another --out"
            ) from None
        # A writer that just finished removes the file: hold the lock only on the file still in place.
        try:
            current = os.stat(lock).st_ino == os.fstat(handle).st_ino
        except FileNotFoundError:
            current = False
        if current:
            break
        os.close(handle)
    else:
        raise OutputError(f"could not take the lock {lock}; try again")
    try:
        yield
    finally:
        try:
            os.unlink(lock)
        except FileNotFoundError:
            pass
        os.close(handle)


def _temporary(target: Path, kind: Kind) -> Path:
    try:
        if kind.folder:
            return Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        handle, name = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
        os.close(handle)
        return Path(name)
    except OSError as error:
        raise OutputError(f"cannot write in {clipped(str(target.parent))}: {error.strerror}") from None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _place(temporary: Path, target: Path, kind: Kind, force: bool) -> None:
    """Move the finished output into place; what changed at the target meanwhile is never lost."""
    changed = OutputError(
        f"--out {clipped(str(target))} changed while the command ran and is no longer empty or an earlier output; "
        "nothing was replaced"
    )
    replace = target.exists() and not (kind.folder and target.is_dir() and not any(target.iterdir()))
    if replace and not (force and not target.is_symlink() and kind.folder == target.is_dir() and kind.earlier(target)):
        raise changed
    os.chmod(temporary, 0o755 if kind.folder else 0o644)
    if not kind.folder:
        if replace:
            os.replace(temporary, target)
            return
        try:
            os.link(temporary, target)  # fails if anything appeared at the target meanwhile
        except FileExistsError:
            raise changed from None
        temporary.unlink()
        return
    if replace:
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-replaced-", dir=target.parent))
        os.rename(target, old / "previous")
        os.rename(temporary, target)
        shutil.rmtree(old, ignore_errors=True)
        return
    try:
        os.rename(temporary, target)  # onto a missing or empty folder only: a non-empty one makes it fail
    except OSError as error:
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
            raise changed from None
        raise


@contextmanager
def writing(path: Path | str, kind: Kind, force: bool = False) -> Iterator[Path]:
    """Check ``path`` and lock it, yield a temporary sibling to write, then move it into place.

    The checks run again once the lock is held, since another command may have finished meanwhile.
    """
    check(path, kind, force)
    target = target_of(path)
    with _lock(target):
        check(path, kind, force)
        temporary = _temporary(target, kind)
        try:
            yield temporary
            _place(temporary, target, kind, force)
        finally:
            _remove(temporary)
