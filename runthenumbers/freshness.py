"""Refuse to publish notebooks executed with other data than ``data/`` now holds.

``make execute`` records in each executed notebook's metadata the SHA-256 of the ledger it read
(:func:`data_digest`, over every file of ``data/``). ``make book`` runs ``python -m
runthenumbers.freshness`` first: if any notebook's record differs from the ledger's digest, the book
would show the new ledger beside numbers computed from the old one, so it stops, naming the stale
notebooks.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from . import data

METADATA_KEY = "runthenumbers"
DIGEST_KEY = "data_sha256"


def data_digest(data_dir: Path | None = None) -> str:
    """SHA-256 over each file of ``data_dir`` (name and content, in name order)."""
    folder = Path(data_dir or data.DATA_DIR)
    whole = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        whole.update(f"{path.name}\n{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return whole.hexdigest()


def record(notebook, data_dir: Path | None = None) -> None:
    """Write the ledger's digest into ``notebook``'s metadata (a NotebookNode or dict)."""
    notebook["metadata"][METADATA_KEY] = {DIGEST_KEY: data_digest(data_dir)}


def recorded(path: Path) -> str | None:
    """The digest an executed ``.ipynb`` records, or None."""
    metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return metadata.get(METADATA_KEY, {}).get(DIGEST_KEY)


def stale(notebook_dir: Path | None = None, data_dir: Path | None = None) -> list[str]:
    """Names of the executed notebooks whose recorded digest is missing or not the ledger's."""
    from .notebooks import NOTEBOOK_DIR, paired_notebooks

    current = data_digest(data_dir)
    pairs = paired_notebooks(Path(notebook_dir or NOTEBOOK_DIR))
    return [p.stem for p in pairs if recorded(p.with_suffix(".ipynb")) != current]


def main() -> int:
    names = stale()
    if names:
        print(
            f"error: {len(names)} notebook(s) were executed with other data than {data.DATA_DIR.name}/ "
            f"now holds: {', '.join(names)}; run `make execute`, then build again",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
