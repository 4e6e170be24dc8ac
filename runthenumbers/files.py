"""Writing a file whole or not at all: through a temporary sibling renamed into place.

A write that fails part-way (a full disk, a quota, a file-size limit, Ctrl-C) leaves the file as it was,
never cut short: the executed notebooks (``make execute``), the generated pages and parameters cells
(``make pages``) and the citation file are all written so. A leaf: it imports nothing from the project.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` through a temporary sibling renamed into place; the file keeps
    its permissions (a new one gets the umask's)."""
    target = Path(target)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
