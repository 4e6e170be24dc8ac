"""Shared fixtures: the repository's paths and a ledger copy that a test may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from runthenumbers.data import REPO_ROOT

DATA = REPO_ROOT / "data"


@pytest.fixture
def ledger_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (sources.csv and facts.csv)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
