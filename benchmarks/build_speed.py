"""How long the site takes to build, against a one-page Jupyter Book built in the same run.

Absolute seconds depend on the machine and on whatever else it is doing, so the book is timed
against a reference, a Jupyter Book of one Markdown page with the same flags, measured alternately
with it in one run. Two builds of each are timed: a clean build (empty output folder) and a
no-change rebuild (the same build again, nothing edited). The book is built as `make book` builds it,
in both editions: English with Jupyter Book, then the Chinese edition into ``zh/`` beside it
(``runthenumbers.editions build all``, one process), and the English edition alone once more. The
goals are a no-change rebuild of both editions at most 1.5 times the reference's, a clean build of
the English edition at most 4 times, and a clean build of both editions at most 2.5 times the
English one's. A measurement, not a test: it prints the ratios
and says whether each goal holds; the exit status is 0 either way.

    python benchmarks/build_speed.py [--repeat 3] [--book PATH]

``--book`` measures another checkout (to compare with an older commit); it must have this repo's
``.venv`` packages importable, which holds for any commit of this project.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
FLAGS = ["-W", "-n", "--keep-going"]
GOALS = {"no-change rebuild": 1.5, "clean build": 4.0}
# Both editions' clean build against the English edition's alone.
EDITIONS_GOAL = 2.5

REFERENCE_CONFIG = """\
title: Reference
execute:
  execute_notebooks: "off"
only_build_toc_files: true
"""
REFERENCE_TOC = "format: jb-book\nroot: intro\n"
REFERENCE_PAGE = "# One page\n\nA reference book of one page, to time the site's builds against.\n"


def reference_book(folder: Path) -> Path:
    """A one-page Jupyter Book in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(REFERENCE_CONFIG, encoding="utf-8")
    (folder / "_toc.yml").write_text(REFERENCE_TOC, encoding="utf-8")
    (folder / "intro.md").write_text(REFERENCE_PAGE, encoding="utf-8")
    return folder


def _run(command: list[str], what: Path, **kwargs) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"building {what} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return elapsed


def timed_build(book: Path, output: Path) -> float:
    """Seconds one ``jupyter-book build`` of ``book`` into ``output`` takes; fails loudly if the build does."""
    return _run([str(JUPYTER_BOOK), "build", str(book), "--path-output", str(output), *FLAGS], book)


def timed_editions_build(book: Path, output: Path) -> float:
    """Seconds ``make book``'s build of both editions of ``book`` into ``output/_build/html`` takes."""
    command = [sys.executable, "-m", "runthenumbers.editions", "build", "all", "--build-dir", str(output / "_build")]
    return _run(command, book, cwd=book, env={**os.environ, "PYTHONPATH": str(book)})


def clean_then_rebuild(book: Path, output: Path, editions: bool = False) -> tuple[float, float, float]:
    """Seconds of a clean build, of the no-change rebuild that follows it, and of a clean build of the
    English edition alone; ``editions`` builds both editions as ``make book`` does (in one process)."""
    shutil.rmtree(output, ignore_errors=True)
    if not editions:
        clean = timed_build(book, output)
        return clean, timed_build(book, output), clean
    clean = timed_editions_build(book, output)
    rebuild = timed_editions_build(book, output)
    shutil.rmtree(output, ignore_errors=True)
    return clean, rebuild, timed_build(book, output)


def measure(book: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Median seconds of each kind of build for the reference and for ``book``, measured alternately."""
    kinds = (*GOALS, "English clean build")
    times: dict[str, dict[str, list[float]]] = {who: {kind: [] for kind in kinds} for who in ("reference", "book")}
    with tempfile.TemporaryDirectory(prefix="rtn-bench-") as scratch:
        scratch = Path(scratch)
        reference = reference_book(scratch / "reference")
        for _ in range(repeat):
            for who, source in (("reference", reference), ("book", book)):
                clean, rebuild, english = clean_then_rebuild(source, scratch / f"out-{who}", editions=who == "book")
                times[who]["clean build"].append(clean)
                times[who]["no-change rebuild"].append(rebuild)
                times[who]["English clean build"].append(english)
    return {who: {kind: statistics.median(values) for kind, values in kinds.items()} for who, kinds in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind per book; the median is reported")
    parser.add_argument("--book", type=Path, default=REPO, help="the book to measure (default: this repository)")
    args = parser.parse_args(argv)
    medians = measure(args.book.resolve(), args.repeat)
    print("| build | one-page book (s) | this book (s) | ratio | goal |  |\n| --- | ---: | ---: | ---: | ---: | --- |")
    rows = (
        ("no-change rebuild, both editions", "no-change rebuild", GOALS["no-change rebuild"]),
        ("clean build, English edition", "English clean build", GOALS["clean build"]),
    )
    for label, kind, goal in rows:
        reference, book = medians["reference"][kind], medians["book"][kind]
        ratio = book / reference
        print(
            f"| {label} | {reference:.2f} | {book:.2f} | {ratio:.2f} | <= {goal:g} | {'met' if ratio <= goal else 'MISSED'} |"
        )
    both, english = medians["book"]["clean build"], medians["book"]["English clean build"]
    ratio = both / english
    print(
        "\n| build | English edition (s) | both editions (s) | ratio | goal |  |\n| --- | ---: | ---: | ---: | ---: | --- |"
    )
    print(
        f"| clean build | {english:.2f} | {both:.2f} | {ratio:.2f} | <= {EDITIONS_GOAL:g} "
        f"| {'met' if ratio <= EDITIONS_GOAL else 'MISSED'} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
