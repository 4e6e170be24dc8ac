"""What each executed notebook read, and the check that refuses to publish a page whose inputs changed.

``make execute`` records in each executed notebook's metadata the digest of every input the page
read (:func:`record`):

- each ledger row it asked for (``data/facts.csv#cw_revenue_fy2024``; a claim's row when it checks the
  claim), and the id list of a table it listed (``data/facts.csv``); the facts its provenance names;
- each parameter declaration it looked up (``parameters#sofr``) and each question it asked the
  chapter and parameter registries (``chapters.fact_page(debt_sofr)``), asked again when checking;
- the source of each module of the package its kernel imported (``runthenumbers/credit.py``), the
  running machinery (``runner/``, ``site/``, the CLI, ``diff``, ``citation``) aside;
- the recorded digest of each page it declares it reads (``notebooks/credit.ipynb``);
- its own source, ``notebooks/<page>.md``.

The kernel notes what it read in :data:`runthenumbers.access.LOG`; a last cell, run by ``make
execute`` and removed before the notebook is written, hands the log over (:func:`report_reads`).

:func:`reasons` compares each record with the inputs now, page by page in execution order, and
says what changed; a page that reads a stale page is stale too. ``make execute`` re-executes only
the stale pages (:func:`runthenumbers.runner.notebooks.main`) and ``make book`` runs ``python -m
runthenumbers.runner.freshness`` first, which refuses to build while any page is stale and names it
with the reason. A notebook that cannot be read (cut short, missing, not UTF-8) stops it too, by name.

Digests of the ledger files read them with line endings normalised: an editor's backup or lock file
beside them, or a checkout with CRLF line endings, changes no row and so stales no page.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import importlib
import io
import json
import re
import sys
from pathlib import Path

from .. import data
from ..access import LOG
from ..chapters import REPO_ROOT, reads_of

METADATA_KEY = "runthenumbers"
DIGEST_KEY = "sha256"
INPUTS_KEY = "inputs"
DATA_KEY = "data_sha256"
READS_MIME = "application/vnd.runthenumbers.reads+json"
# The files of data/ the notebooks read; nothing else there is part of the ledger.
LEDGER_FILES = ("claims.csv", "facts.csv", "ratings.csv", "source_notes.csv", "sources.csv")
PACKAGE = REPO_ROOT / "runthenumbers"
# Package code that runs the book rather than computing a page: not a page's input.
MACHINERY = ("runner/", "site/", "cli.py", "diff.py", "citation.py", "__main__.py")
# Declaration modules: a page depends on what it asked of them (noted queries and lookups), not on every entry.
REGISTRY_ASSIGNMENTS = {"chapters.py": ("CHAPTERS", "BOOK_PAGES")}
ABSENT = "absent"
SHORT = 16
# The last cell make execute adds to a notebook, and removes from it before writing it.
REPORT_CELL = "from runthenumbers.runner.freshness import report_reads\n\nreport_reads()"
KINDS = {
    "data/facts.csv": "fact",
    "data/sources.csv": "source",
    "data/source_notes.csv": "source note",
    "data/ratings.csv": "rating",
    "data/claims.csv": "claim",
    "parameters": "parameter",
}


def _sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def data_digest(data_dir: Path | None = None) -> str:
    """SHA-256 over each ledger file of ``data_dir`` (name and content with LF line endings, in name order).

    The fast path of the check: while it is the one a notebook recorded, no row of the ledger changed."""
    folder = Path(data_dir or data.DATA_DIR)
    whole = hashlib.sha256()
    for name in LEDGER_FILES:
        path = folder / name
        content = path.read_bytes().replace(b"\r\n", b"\n") if path.is_file() else b"(missing)"
        whole.update(f"{name}\n{hashlib.sha256(content).hexdigest()}\n".encode())
    return whole.hexdigest()


# ---------------------------------------------------------------------------------------------
# In the kernel


def loaded_modules() -> list[str]:
    """The package's modules this process imported, as paths inside the package (``credit.py``)."""
    found = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if (name == "runthenumbers" or name.startswith("runthenumbers.")) and path:
            found.append(Path(path).resolve().relative_to(PACKAGE).as_posix())
    return sorted(found)


def report_reads() -> None:
    """Display, as the notebook's last output, what this kernel read (see :data:`REPORT_CELL`)."""
    from IPython.display import display

    display({READS_MIME: {**LOG.report(), "modules": loaded_modules()}}, raw=True)


def reads_from(cell) -> dict:
    """The report :func:`report_reads` displayed in ``cell``; an error if the cell failed or shows none."""
    for output in cell.get("outputs", []):
        if READS_MIME in output.get("data", {}):
            return dict(output["data"][READS_MIME])
    raise RuntimeError("the notebook's last cell reported no reads; was it executed by make execute?")


# ---------------------------------------------------------------------------------------------
# What a page read, and the digests of those inputs now


def _parameter_modules_imported(relative: str) -> set[str]:
    """The ``parameters/<chapter>.py`` modules that the module at ``relative`` imports by name."""
    tree = ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))
    package = ["runthenumbers", *Path(relative).parent.parts]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            full = ".".join([*base, *([node.module] if node.module else [])])
            names = [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            full, names = "", [a.name for a in node.names]
        else:
            continue
        for candidate in [full, *(f"{full}.{n}" if full else n for n in names)]:
            parts = candidate.split(".")
            if parts[:2] == ["runthenumbers", "parameters"] and len(parts) > 2:
                found.add(f"parameters/{parts[2]}.py")
    return {f for f in found if (PACKAGE / f).is_file() and f not in ("parameters/core.py", "parameters/__init__.py")}


def code_inputs(modules: list[str]) -> list[str]:
    """The code keys of a page whose kernel imported ``modules``.

    The running machinery is left out, and so are the parameter declarations of each chapter
    (``parameters/<chapter>.py``), which a page reads through the registry's noted lookups, unless a
    module the page ran imports one by name (``debt.py`` imports ``parameters/debt.py``'s helpers).
    """
    kept = [
        m
        for m in modules
        if not m.startswith(MACHINERY)
        and m not in MACHINERY
        and not (m.startswith("parameters/") and m not in ("parameters/__init__.py", "parameters/core.py"))
    ]
    named = set().union(*(_parameter_modules_imported(m) for m in kept)) if kept else set()
    return [f"runthenumbers/{m}" for m in sorted({*kept, *named})]


def inputs_read(page: str, report: dict, provenance: dict) -> list[str]:
    """Every input key of ``page``, from its kernel's report and the facts its provenance names."""
    rows = {table: set(ids) for table, ids in report.get("rows", {}).items()}
    rows.setdefault("data/facts.csv", set()).update(f for how in provenance.values() for f in how.get("facts", []))
    keys = [f"notebooks/{page}.md"]
    keys += [f"notebooks/{read}.ipynb" for read in reads_of(page) or ()]
    keys += sorted(f"{table}#{key}" for table, ids in rows.items() for key in ids)
    keys += sorted(report.get("listed", []))
    keys += sorted(report.get("queries", []))
    keys += code_inputs(report.get("modules", []))
    return keys


class Inputs:
    """The digest of each input as it is now: files read once, ledger tables parsed once."""

    def __init__(self, notebook_dir: Path | None = None, data_dir: Path | None = None):
        from .notebooks import NOTEBOOK_DIR

        self.notebook_dir = Path(notebook_dir or NOTEBOOK_DIR)
        self.data_dir = Path(data_dir or data.DATA_DIR)
        self._tables: dict[str, dict[str, str]] = {}
        self._digests: dict[str, str] = {}
        self.data_digest = data_digest(self.data_dir)

    def digest(self, key: str) -> str:
        if key not in self._digests:
            self._digests[key] = self._compute(key)
        return self._digests[key]

    def forget(self, key: str) -> None:
        """Read ``key`` again on the next call (a page just re-executed)."""
        self._digests.pop(key, None)

    def _table(self, table: str) -> dict[str, str]:
        """Row digests by id, in file order: a ledger file as written, or the parameter declarations."""
        if table not in self._tables:
            if table == "parameters":
                from ..parameters import DECLARED

                self._tables[table] = {name: _sha(repr(p))[:SHORT] for name, p in DECLARED.items()}
            else:
                path = self.data_dir / table.removeprefix("data/")
                rows: dict[str, str] = {}
                if path.is_file():
                    text = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
                    for row in csv.DictReader(io.StringIO(text, newline="")):
                        rows.setdefault(row.get("id") or "", _sha(json.dumps(row, sort_keys=True))[:SHORT])
                self._tables[table] = rows
        return self._tables[table]

    def _compute(self, key: str) -> str:
        if key.endswith(".ipynb"):
            try:
                return (recorded(self.notebook_dir / Path(key).name) or {}).get(DIGEST_KEY, "unrecorded")
            except Unreadable:
                return "unreadable"
        if key.startswith("notebooks/"):
            path = self.notebook_dir / Path(key).name
            return _sha(path.read_bytes().replace(b"\r\n", b"\n"))[:SHORT] if path.is_file() else ABSENT
        if key.startswith("runthenumbers/"):
            return _code_digest(key)
        if "#" in key:
            table, _, row = key.partition("#")
            return self._table(table).get(row, ABSENT)
        if key in KINDS:
            return _sha("\n".join(self._table(key)))[:SHORT]
        # A query that reads the ledger (claims.rows_of) reads the folder being checked.
        saved, data.DATA_DIR = data.DATA_DIR, self.data_dir
        try:
            return _replay(key)
        finally:
            data.DATA_DIR = saved


def _code_digest(key: str) -> str:
    """The digest of a module's syntax tree: a comment or a reformatting changes no page, and stales none."""
    path = REPO_ROOT / key
    if not path.is_file():
        return ABSENT
    tree = ast.parse(path.read_text(encoding="utf-8"))
    blanked = REGISTRY_ASSIGNMENTS.get(Path(key).relative_to("runthenumbers").as_posix(), ())
    for node in tree.body:
        # The registry's entries are read through its noted queries; this digest covers its code only.
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(isinstance(t, ast.Name) and t.id in blanked for t in targets):
            node.value = ast.Constant(None)
    return _sha(ast.dump(tree))[:SHORT]


QUERY = re.compile(r"^(?P<module>[a-z_.]+)\.(?P<function>[a-z_]+)\((?P<args>[^()]*)\)$")


def _replay(key: str) -> str:
    """The digest of a registry's answer to a noted query (``chapters.fact_page(debt_sofr)``), asked now."""
    match = QUERY.match(key)
    if not match:
        return f"unknown input {key}"
    args = [a for a in match["args"].split(", ") if a]
    try:
        function = getattr(importlib.import_module(f"runthenumbers.{match['module']}"), match["function"])
        return _sha(repr(function(*args)))[:SHORT]
    except Exception as error:  # the answer now is an error: a changed answer
        return _sha(f"raises {type(error).__name__}: {error}")[:SHORT]


def describe(key: str, before: str, after: str) -> str:
    """Why a changed input stales a page, in words."""
    if key.endswith(".ipynb"):
        return f"it reads {Path(key).stem}, which was executed again"
    if key.endswith(".md"):
        return f"{key} changed"
    if key.startswith("runthenumbers/"):
        return f"{key} changed" if after != ABSENT else f"{key} was removed"
    if "#" in key:
        table, _, row = key.partition("#")
        what = f"{KINDS.get(table, table)} {row}"
        return (
            f"{what} was added" if before == ABSENT else f"{what} was removed" if after == ABSENT else f"{what} changed"
        )
    if key in KINDS:
        return f"rows were added to or removed from {key}"
    return f"the answer to {key} changed"


# ---------------------------------------------------------------------------------------------
# The record


def record(notebook, page: str, report: dict, notebook_dir: Path | None = None, data_dir: Path | None = None) -> None:
    """Write into ``notebook``'s metadata the digest of each input ``page`` read (see the module docstring)."""
    from ..values import provenance_of

    inputs = Inputs(notebook_dir, data_dir)
    digests = {key: inputs.digest(key) for key in inputs_read(page, report, provenance_of(notebook))}
    notebook["metadata"][METADATA_KEY] = {
        DIGEST_KEY: _sha(json.dumps(digests, sort_keys=True)),
        DATA_KEY: inputs.data_digest,
        INPUTS_KEY: digests,
    }


class Unreadable(ValueError):
    """An executed notebook that cannot be read; the message says why."""


def recorded(path: Path) -> dict | None:
    """The record an executed ``.ipynb`` holds, or None; :class:`Unreadable` if it cannot be read."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Unreadable("it is missing") from None
    except UnicodeDecodeError:
        raise Unreadable("it is not UTF-8 text") from None
    except ValueError as error:
        raise Unreadable(f"it is not a notebook's JSON ({error})") from None
    except RecursionError:
        raise Unreadable("it is not a notebook's JSON (it is nested too deeply to read)") from None
    except OSError as error:
        raise Unreadable(error.strerror or str(error)) from None
    metadata = notebook.get("metadata", {}) if isinstance(notebook, dict) else {}
    entry = metadata.get(METADATA_KEY, {}) if isinstance(metadata, dict) else {}
    return entry if isinstance(entry, dict) and isinstance(entry.get(INPUTS_KEY), dict) else None


def changes(page: str, inputs: Inputs) -> list[str]:
    """What changed among the inputs ``page``'s record lists (empty: fresh); :class:`Unreadable` if it cannot be read."""
    entry = recorded(inputs.notebook_dir / f"{page}.ipynb")
    if entry is None:
        return ["it records none of its inputs"]
    same_data = entry.get(DATA_KEY) == inputs.data_digest
    found = []
    for key, before in entry[INPUTS_KEY].items():
        if same_data and key.startswith("data/"):
            continue
        after = inputs.digest(key)
        if after != before:
            found.append(describe(key, before, after))
    return found


def pages(notebook_dir: Path | None = None) -> list[str]:
    """The executed pages to check, in execution order."""
    from .notebooks import NOTEBOOK_DIR, paired_notebooks

    return [p.stem for p in paired_notebooks(Path(notebook_dir or NOTEBOOK_DIR))]


def reasons(
    notebook_dir: Path | None = None, data_dir: Path | None = None
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Each stale page with what changed, in execution order, and the pages that cannot be read, with why."""
    inputs = Inputs(notebook_dir, data_dir)
    stale_pages: dict[str, list[str]] = {}
    unreadable: dict[str, str] = {}
    for page in pages(notebook_dir):
        try:
            found = changes(page, inputs)
        except Unreadable as error:
            unreadable[page] = str(error)
            continue
        found += [f"it reads {read}, which is stale" for read in reads_of(page) or () if read in stale_pages]
        found += [f"it reads {read}, which cannot be read" for read in reads_of(page) or () if read in unreadable]
        if found:
            stale_pages[page] = found
    return stale_pages, unreadable


def check(notebook_dir: Path | None = None, data_dir: Path | None = None) -> tuple[list[str], dict[str, str]]:
    """The executed notebooks whose inputs changed since they ran, and those that cannot be read."""
    stale_pages, unreadable = reasons(notebook_dir, data_dir)
    return list(stale_pages), unreadable


def stale(notebook_dir: Path | None = None, data_dir: Path | None = None) -> list[str]:
    """Names of the executed notebooks that are not fresh: stale, or unreadable."""
    stale_names, unreadable = check(notebook_dir, data_dir)
    return stale_names + list(unreadable)


def because(found: list[str], shown: int = 3) -> str:
    """``fact x changed; source y changed and 4 more``: the first reasons, and how many others."""
    more = len(found) - shown
    return "; ".join(found[:shown]) + (f" and {more} more" if more > 0 else "")


def main() -> int:
    stale_pages, unreadable = reasons()
    for name, reason in unreadable.items():
        print(
            f"error: notebooks/{name}.ipynb cannot be read: {reason}; run `make execute`, then build again",
            file=sys.stderr,
        )
    if stale_pages:
        listed = "\n".join(f"  {name}: {because(found)}" for name, found in stale_pages.items())
        print(
            f"error: {len(stale_pages)} notebook(s) were executed with other inputs than they would read now:\n"
            f"{listed}\nrun `make execute`, then build again",
            file=sys.stderr,
        )
    return 2 if stale_pages or unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
