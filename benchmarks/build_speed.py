"""How long the site takes to build, against a one-page Jupyter Book built in the same run.

Absolute seconds depend on the machine and on whatever else it is doing, so the book is timed
against a reference, a Jupyter Book of one Markdown page with the same flags, measured alternately
with it in one run. Two builds of each are timed: a clean build (empty output folder) and a
no-change rebuild (the same build again, nothing edited). The goals are a no-change rebuild at most
1.5 times the reference's and a clean build at most 4 times. A measurement, not a test: it prints
the ratios and says whether each goal holds; the exit status is 0 either way.

    python benchmarks/build_speed.py [--repeat 3] [--book PATH]

``--book`` measures another checkout (to compare with an older commit); it must have this repo's
``.venv`` packages importable, which holds for any commit of this project.
"""

from __future__ import annotations

import argparse
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


def timed_build(book: Path, output: Path) -> float:
    """Seconds one ``jupyter-book build`` of ``book`` into ``output`` takes; fails loudly if the build does."""
    start = time.perf_counter()
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(book), "--path-output", str(output), *FLAGS],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"building {book} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return elapsed


def clean_then_rebuild(book: Path, output: Path) -> tuple[float, float]:
    """Seconds of a clean build and of the no-change rebuild that follows it."""
    shutil.rmtree(output, ignore_errors=True)
    clean = timed_build(book, output)
    return clean, timed_build(book, output)


def measure(book: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Median seconds of each kind of build for the reference and for ``book``, measured alternately."""
    times: dict[str, dict[str, list[float]]] = {who: {kind: [] for kind in GOALS} for who in ("reference", "book")}
    with tempfile.TemporaryDirectory(prefix="rtn-bench-") as scratch:
        scratch = Path(scratch)
        reference = reference_book(scratch / "reference")
        for _ in range(repeat):
            for who, source in (("reference", reference), ("book", book)):
                clean, rebuild = clean_then_rebuild(source, scratch / f"out-{who}")
                times[who]["clean build"].append(clean)
                times[who]["no-change rebuild"].append(rebuild)
    return {who: {kind: statistics.median(values) for kind, values in kinds.items()} for who, kinds in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind per book; the median is reported")
    parser.add_argument("--book", type=Path, default=REPO, help="the book to measure (default: this repository)")
    args = parser.parse_args(argv)
    medians = measure(args.book.resolve(), args.repeat)
    print("| build | one-page book (s) | this book (s) | ratio | goal |  |\n| --- | ---: | ---: | ---: | ---: | --- |")
    for kind, goal in GOALS.items():
        reference, book = medians["reference"][kind], medians["book"][kind]
        ratio = book / reference
        print(
            f"| {kind} | {reference:.2f} | {book:.2f} | {ratio:.2f} | <= {goal:g} | {'met' if ratio <= goal else 'MISSED'} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
