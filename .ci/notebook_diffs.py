"""After a failed test run, write each failing notebook's nbval diff to its own file for CI to keep.

    python .ci/notebook_diffs.py reports/junit.xml reports/notebook-diffs

nbval reports a notebook's cells as tests of the class ``notebooks.<name>.ipynb``; each failing cell's
message holds the difference between the committed output and the re-executed one. The files are
named after the notebooks, so a reviewer downloads ``debt.txt`` rather than reading the whole log.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path


def notebook_failures(report: Path) -> dict[str, list[str]]:
    """Failing nbval cells by notebook name, each as 'cell: message' followed by the reported text."""
    failures: dict[str, list[str]] = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        classname = case.get("classname", "")
        if not (classname.startswith("notebooks.") and classname.endswith(".ipynb")):
            continue
        for problem in [*case.iter("failure"), *case.iter("error")]:
            name = classname.removeprefix("notebooks.").removesuffix(".ipynb")
            failures.setdefault(name, []).append(
                f"{case.get('name')}: {problem.get('message', '')}\n{(problem.text or '').strip()}\n"
            )
    return failures


def main(argv: list[str]) -> int:
    report, out = Path(argv[0]), Path(argv[1])
    if not report.is_file():
        print(f"no test report at {report}: nothing to collect")
        return 0
    failures = notebook_failures(report)
    out.mkdir(parents=True, exist_ok=True)
    for name, parts in failures.items():
        (out / f"{name}.txt").write_text("\n".join(parts), encoding="utf-8")
    print(f"{len(failures)} notebook(s) with failing outputs" + (f": {', '.join(sorted(failures))}" if failures else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
