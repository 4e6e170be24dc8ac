"""The package code a page the extension computes at build time depends on.

The claims, home, ledger and quality pages are computed by the site's directives from the ledger and
the executed notebooks, through the package's own code (``verdicts.py`` judges each claim). Sphinx
re-reads a page only when a file it noted changed, so each directive notes, besides its data files,
every module of the package but the command machinery: a change to the code that computes a page
rebuilds the page, as a change to its data does (hostile review 3, F5).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


# Code that runs commands rather than computing a page: never imported by a directive.
NOT_PAGE_CODE = ("runner", "cli.py", "diff.py", "__main__.py")


def package_modules() -> list[str]:
    """Every module file of the package a directive may run, sorted: all of them but the command machinery.
    A directive imports some modules lazily, so this lists the package's files, not the modules loaded."""
    return sorted(
        str(path)
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in NOT_PAGE_CODE and "__pycache__" not in path.parts
    )


def note_package_code(env) -> None:
    """Note every loaded module of the package as a dependency of the page ``env`` is reading."""
    for file in package_modules():
        env.note_dependency(file)
