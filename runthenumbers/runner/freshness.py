"""Refuse to publish notebooks executed with other data than ``data/`` now holds.

``make execute`` records in each executed notebook's metadata the SHA-256 of the ledger it read
(:func:`data_digest`, over the ledger files of ``data/``). ``make book`` runs ``python -m
runthenumbers.runner.freshness`` first: if any notebook's record differs from the ledger's digest, the book
would show the new ledger beside numbers computed from the old one, so it stops, naming the stale
notebooks. A notebook that cannot be read (cut short, missing, not UTF-8) stops it too, by name.

The digest covers only the ledger files (:data:`LEDGER_FILES`), with line endings normalised: an
editor's backup or lock file beside them, or a checkout with CRLF line endings, changes no fact and
so changes no digest.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from .. import data

METADATA_KEY = "runthenumbers"
DIGEST_KEY = "data_sha256"
# The files of data/ the notebooks read; nothing else there is part of the ledger.
LEDGER_FILES = ("claims.csv", "facts.csv", "ratings.csv", "source_notes.csv", "sources.csv")


def data_digest(data_dir: Path | None = None) -> str:
    """SHA-256 over each ledger file of ``data_dir`` (name and content with LF line endings, in name order)."""
    folder = Path(data_dir or data.DATA_DIR)
    whole = hashlib.sha256()
    for name in LEDGER_FILES:
        path = folder / name
        content = path.read_bytes().replace(b"\r\n", b"\n") if path.is_file() else b"(missing)"
        whole.update(f"{name}\n{hashlib.sha256(content).hexdigest()}\n".encode())
    return whole.hexdigest()


def record(notebook, data_dir: Path | None = None) -> None:
    """Write the ledger's digest into ``notebook``'s metadata (a NotebookNode or dict)."""
    notebook["metadata"][METADATA_KEY] = {DIGEST_KEY: data_digest(data_dir)}


class Unreadable(ValueError):
    """An executed notebook that cannot be read; the message says why."""


def recorded(path: Path) -> str | None:
    """The digest an executed ``.ipynb`` records, or None; :class:`Unreadable` if it cannot be read."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Unreadable("it is missing") from None
    except UnicodeDecodeError:
        raise Unreadable("it is not UTF-8 text") from None
    except ValueError as error:
        raise Unreadable(f"it is not a notebook's JSON ({error})") from None
    except OSError as error:
        raise Unreadable(error.strerror or str(error)) from None
    metadata = notebook.get("metadata", {}) if isinstance(notebook, dict) else {}
    entry = metadata.get(METADATA_KEY, {}) if isinstance(metadata, dict) else {}
    return entry.get(DIGEST_KEY) if isinstance(entry, dict) else None


def check(notebook_dir: Path | None = None, data_dir: Path | None = None) -> tuple[list[str], dict[str, str]]:
    """The executed notebooks whose recorded digest is missing or not the ledger's, and those that cannot be read."""
    from .notebooks import NOTEBOOK_DIR, paired_notebooks

    current = data_digest(data_dir)
    stale_names, unreadable = [], {}
    for pair in paired_notebooks(Path(notebook_dir or NOTEBOOK_DIR)):
        try:
            if recorded(pair.with_suffix(".ipynb")) != current:
                stale_names.append(pair.stem)
        except Unreadable as error:
            unreadable[pair.stem] = str(error)
    return stale_names, unreadable


def stale(notebook_dir: Path | None = None, data_dir: Path | None = None) -> list[str]:
    """Names of the executed notebooks that are not fresh: stale, or unreadable."""
    stale_names, unreadable = check(notebook_dir, data_dir)
    return stale_names + list(unreadable)


def main() -> int:
    stale_names, unreadable = check()
    for name, reason in unreadable.items():
        print(
            f"error: notebooks/{name}.ipynb cannot be read: {reason}; run `make execute`, then build again",
            file=sys.stderr,
        )
    if stale_names:
        print(
            f"error: {len(stale_names)} notebook(s) were executed with other data than {data.DATA_DIR.name}/ "
            f"now holds: {', '.join(stale_names)}; run `make execute`, then build again",
            file=sys.stderr,
        )
    return 2 if stale_names or unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
