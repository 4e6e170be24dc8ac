"""One guard for every command that writes: nothing it did not write is ever replaced.

A command that writes (``run --out DIR``, ``sweep --out FILE``) goes through :func:`writing`, which

- expands ``~`` and refuses any path inside the repository except under ``runs/``, and any folder
  that holds the repository;
- refuses a symbolic link as the target (replacing it would not replace what it points to);
- refuses an existing file or folder that is not an earlier output of the same command; ``--force``
  replaces only such an earlier output, never anything else. A sweep file is recognised by its three
  keys. A run folder is recognised by its ``results.json`` and its manifest (``.runthenumbers-run``,
  written last, listing every file and folder the run wrote): a folder holding anything the manifest
  does not list (a file put there since, or a folder that merely has a ``results.json``) is refused;
- checks that the parent folder exists and can be written before any work starts, by taking a
  lock file there (``.NAME.lock``) that a second writer to the same target detects;
- hands the command a temporary sibling (``.NAME-xxxxxxxx``) to write into, and renames it into
  place only when the command finished; on any error or interrupt the temporary is removed.

A writer killed outright (SIGKILL, the OOM killer) cannot clean up: its lock file names its process
and its temporaries, and the next writer to the same target, once it holds the lock, removes those
temporaries if that process is gone.
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

from ..data import REPO_ROOT
from ..errors import UserError, clipped

# The one folder of the repository that outputs may go into (it is in .gitignore).
OUTPUT_AREA = "runs"
# A sweep file larger than this is not one the sweep wrote (they are a few KB).
_SWEEP_FILE_LIMIT = 1_000_000
# The list of what a run wrote, inside the run folder; and the most it can hold (a site is a few
# thousand files).
RUN_MANIFEST = ".runthenumbers-run"
_MANIFEST_LIMIT = 20_000_000
_LOCK_RECORD_LIMIT = 100_000


class OutputError(UserError):
    """An output path that the guard refuses, or that could not be written."""


@dataclass(frozen=True)
class Kind:
    """What a command writes: a folder or a file, and how to recognise one it wrote earlier.

    ``why_not(path)`` says why ``path`` is not an earlier output (None if it is one); ``seal``, if
    given, runs on the finished temporary before it is moved into place.
    """

    folder: bool
    why_not: Callable[[Path], str | None]
    what: str
    seal: Callable[[Path], None] | None = None

    def earlier(self, path: Path) -> bool:
        return self.why_not(path) is None


def _entries(folder: Path) -> Iterator[str]:
    """Every file and folder under ``folder`` as a relative POSIX path (folders end in ``/``); links not followed."""
    for root, folders, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        for name in folders:
            path = Path(root) / name
            yield (base / name).as_posix() + ("" if path.is_symlink() else "/")
        yield from ((base / name).as_posix() for name in files)


def _write_manifest(folder: Path) -> None:
    """List everything in the finished run folder, so that a later ``--force`` replaces only that."""
    record = {"written_by": "runthenumbers run", "entries": sorted([*_entries(folder), RUN_MANIFEST])}
    (folder / RUN_MANIFEST).write_text(json.dumps(record, indent=0) + "\n", encoding="utf-8")


def _run_problem(path: Path) -> str | None:
    if not (path / "results.json").is_file():
        return "it has no results.json"
    manifest = path / RUN_MANIFEST
    try:
        if not manifest.is_file() or manifest.is_symlink() or manifest.stat().st_size > _MANIFEST_LIMIT:
            raise ValueError
        listed = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
        listed = set(listed) if isinstance(listed, list) and all(isinstance(e, str) for e in listed) else None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):
        listed = None
    if listed is None:
        return f"it has no list {RUN_MANIFEST} of the files a run wrote there"
    for entry in _entries(path):
        if entry not in listed:
            return f"it holds {clipped(entry)}, which the run did not write"
    return None


def _sweep_problem(path: Path) -> str | None:
    if not path.is_file():  # a device such as /dev/zero would never finish reading
        return "it is not a regular file"
    try:
        if path.stat().st_size > _SWEEP_FILE_LIMIT:
            return "it is larger than any sweep's record"
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # a 100,000-deep [[[...]]] too (D3)
        return "it is not a sweep's JSON record"
    if isinstance(record, dict) and set(record) == {"samples", "seed", "results"}:
        return None
    return "it is not a sweep's JSON record"


RUN = Kind(folder=True, why_not=_run_problem, what="a previous run", seal=_write_manifest)
SWEEP = Kind(folder=False, why_not=_sweep_problem, what="written by `runthenumbers sweep`")


def target_of(path: Path | str) -> Path:
    """The absolute path ``path`` names: ``~`` expanded, ``..`` and links in its folders resolved as the
    system resolves them (``link/..`` is the folder holding the link's target, not the folder holding the
    link), but the last part kept as given (so a link there is seen, not followed)."""
    absolute = Path.cwd() / os.path.expanduser(str(path))
    if absolute.name in ("", ".", ".."):
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
            raise OutputError(
                f"{label} is a {'file' if kind.folder else 'folder'}; give a {'folder' if kind.folder else 'file'} path"
            )
        if os.path.ismount(target):
            raise OutputError(
                f"{label} is a mount point; an output is written beside its target and renamed into place, which a "
                f"mount point cannot take; give a new folder inside it ({clipped(str(path).rstrip('/') + '/run')})"
            )
        empty = kind.folder and not any(target.iterdir())
        if not empty:
            reason = kind.why_not(target)
            if reason is not None:
                raise OutputError(
                    f"{label} exists and is not {kind.what} ({reason}); refusing to replace it, even with --force"
                )
            if not force:
                raise OutputError(f"{label} holds earlier output; pass --force to replace it")
    return target


@contextmanager
def _lock(target: Path) -> Iterator[int]:
    """Hold ``.NAME.lock`` beside ``target``; a second writer to the same target is refused at once.

    Yields the lock file's descriptor; what a writer killed earlier left behind is removed first.
    """
    lock = target.parent / f".{target.name}.lock"
    for _ in range(10):
        try:
            handle = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
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
        _clear_stale(handle, target)
        yield handle
    finally:
        try:
            os.unlink(lock)
        except FileNotFoundError:
            pass
        os.close(handle)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clear_stale(handle: int, target: Path) -> None:
    """Remove the temporaries a killed writer recorded in the lock file, if its process is gone.

    Only siblings named as this guard names its temporaries (``.NAME-...``) are removed, and only
    those the record lists: nothing else beside ``--out`` is touched.
    """
    raw = os.pread(handle, _LOCK_RECORD_LIMIT, 0)
    if not raw:
        return
    try:
        record = json.loads(raw.decode("utf-8"))
        pid, names = int(record["pid"]), [str(n) for n in record["temporaries"]]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):
        return
    if pid == os.getpid() or _alive(pid):
        return
    for name in names:
        if "/" in name or not name.startswith(f".{target.name}-"):
            continue
        _remove(target.parent / name)
    os.ftruncate(handle, 0)


def _record(handle: int, temporaries: list[Path]) -> None:
    """Write this process and its temporaries into the lock file, for :func:`_clear_stale`."""
    record = json.dumps({"pid": os.getpid(), "temporaries": [t.name for t in temporaries]}).encode()
    os.ftruncate(handle, 0)
    os.pwrite(handle, record, 0)


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


def _place(temporary: Path, target: Path, kind: Kind, force: bool, handle: int) -> None:
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
        _record(handle, [temporary, old])
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
    with _lock(target) as handle:
        check(path, kind, force)
        temporary = _temporary(target, kind)
        try:
            _record(handle, [temporary])
            yield temporary
            if kind.seal:
                kind.seal(temporary)
            _place(temporary, target, kind, force, handle)
        finally:
            _remove(temporary)
