"""What a change does to the book: published values, verdicts and ledger rows between two revisions.

``runthenumbers diff [BASE] [HEAD]`` reads, at each revision, the committed executed notebooks
(``notebooks/*.ipynb``, whose glued outputs are the published values) and the three ledgers
(``data/facts.csv``, ``data/sources.csv``, ``data/claims.csv``) straight from git, and compares them.
Nothing is executed, so the diff shows what the committed outputs say, in seconds. HEAD may be the
working tree (the default), read from disk.

Verdicts are recomputed from each revision's own ledger and values, with the same rule the claims
page uses (:func:`runthenumbers.verdicts.judge`), so a changed fact or a re-executed
notebook that moves a claim across its tolerance shows up as a changed verdict.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import click
import nbformat
from pydantic import ValidationError

from . import units
from .claims import CLAIM_COLUMNS, ClaimRow, figures
from .data import FACT_COLUMNS, SOURCE_COLUMNS
from .values import glued_values
from .verdicts import judge

# The ledger format this command reads: each file with at least its first columns (REQUIRED_COLUMNS,
# the columns the format started with). Columns added since (a source's access date, say) are
# compared too, and read as empty where a revision lacks them.
LEDGER_FILES = {
    "facts": ("data/facts.csv", FACT_COLUMNS),
    "sources": ("data/sources.csv", SOURCE_COLUMNS),
    "claims": ("data/claims.csv", CLAIM_COLUMNS),
}
REQUIRED_COLUMNS = {
    "facts": ("id", "value", "unit", "period", "source", "locator", "quote", "note"),
    "sources": ("id", "title", "publisher", "date", "url", "kind"),
    "claims": (
        "id",
        "argument",
        "claim",
        "article_fact",
        "checked",
        "scale",
        "tolerance",
        "verdict",
        "explanation",
        "sources",
        "section",
    ),
}
NOTEBOOK_DIR = "notebooks"
MAIN_BRANCH = "main"
# One row of a page's provenance table (publish.Provenance): name, shown value, formula.
PROVENANCE_ROW = re.compile(
    r'<tr id="num-(?P<name>[^"]+)"><td><code>[^<]*</code></td><td>[^<]*</td><td>(?P<formula>[^<]*)</td>'
)
UNRESOLVED = "unresolved"


class DiffError(click.ClickException):
    """A diff that cannot be made (unknown revision, old ledger format); one line, exit status 2."""

    exit_code = 2


@dataclass
class Snapshot:
    """What one revision publishes: glued values and their labels by page, and the ledgers' rows by id."""

    name: str
    commit: str | None
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    ledgers: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, encoding="utf-8")


def repository_root(start: Path) -> Path:
    """The top of the git work tree holding ``start``."""
    result = _git(start, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        if "dubious ownership" in result.stderr:
            # git refuses a repository another user owns (a CI container, a docker mount): say so, with git's fix.
            advice = next((line.strip() for line in result.stderr.splitlines() if "safe.directory" in line), "")
            raise DiffError(
                f"git refuses {start}: the repository is owned by another user (git's 'dubious ownership'); "
                f"if you trust it, mark it safe: {advice or 'git config --global --add safe.directory <path>'}"
            )
        raise DiffError(f"{start} is not inside a git repository")
    return Path(result.stdout.strip())


def resolve_revision(repo: Path, revision: str) -> str:
    """The commit ``revision`` names, or a one-line error naming it."""
    result = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    if result.returncode != 0 or not result.stdout.strip():
        raise DiffError(f"unknown revision '{revision}'")
    return result.stdout.strip()


def default_base(repo: Path) -> str:
    """The merge-base of ``main`` and HEAD: where the change under review branched off."""
    result = _git(repo, "merge-base", MAIN_BRANCH, "HEAD")
    if result.returncode != 0:
        raise DiffError(f"no merge-base of '{MAIN_BRANCH}' and HEAD to compare with; name BASE explicitly")
    return result.stdout.strip()


class _Revision:
    """Files of one commit, read from git."""

    def __init__(self, repo: Path, commit: str):
        self.repo, self.commit = repo, commit

    def read(self, path: str) -> str | None:
        result = subprocess.run(["git", "-C", str(self.repo), "show", f"{self.commit}:{path}"], capture_output=True)
        return result.stdout.decode("utf-8", errors="replace") if result.returncode == 0 else None

    def notebooks(self) -> list[str]:
        listed = _git(self.repo, "ls-tree", "--name-only", self.commit, f"{NOTEBOOK_DIR}/").stdout.split("\n")
        return sorted(Path(p).stem for p in listed if p.endswith(".ipynb"))


class _WorkingTree:
    """Files as they are on disk now, committed or not."""

    def __init__(self, repo: Path):
        self.repo = repo

    def read(self, path: str) -> str | None:
        target = self.repo / path
        return target.read_text(encoding="utf-8", errors="replace") if target.is_file() else None

    def notebooks(self) -> list[str]:
        return sorted(p.stem for p in (self.repo / NOTEBOOK_DIR).glob("*.ipynb"))


def _ledger_rows(
    text: str, path: str, columns: tuple[str, ...], required: tuple[str, ...], revision: str
) -> dict[str, dict[str, str]]:
    """Rows by id, each with ``columns`` (empty where the revision lacks one) and any other column it has."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        found = tuple(reader.fieldnames or ())
        missing = [c for c in required if c not in found]
        if missing:
            raise DiffError(
                f"revision '{revision}' predates the ledger format: {path} has columns "
                f"{', '.join(found)}; it lacks {', '.join(missing)}"
            )
        shown = [*columns, *(c for c in found if c not in columns)]
        rows: dict[str, dict[str, str]] = {}
        for row in reader:
            rows.setdefault(row.get("id") or "", {c: row.get(c) or "" for c in shown})
    except csv.Error as error:
        raise DiffError(f"revision '{revision}': {path}:{reader.line_num + 1} cannot be read as CSV: {error}") from None
    return rows


def _refuse_non_finite_facts(rows: dict[str, dict[str, str]], path: str, revision: str) -> None:
    for fact_id, row in rows.items():
        value = _number(row.get("value"))
        if value is not None and not math.isfinite(value):
            raise DiffError(
                f"revision '{revision}': {path} gives fact '{fact_id}' the value {row['value']!r}, which is not a finite "
                "number; that ledger is invalid (`runthenumbers facts` lists its problems)"
            )


def _refuse_non_finite_values(values: dict[str, object], path: str, revision: str) -> None:
    for name, value in values.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise DiffError(
                f"revision '{revision}': {path} publishes {name} = {value!r}, which is not a finite number; "
                "re-execute the notebook (`make execute`)"
            )


def page_labels(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Each glued value's formula, read from the page's provenance table (empty where it has none)."""
    labels = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            page_html = output.get("data", {}).get("text/html", "")
            if "rtn-derivations" in page_html:
                for match in PROVENANCE_ROW.finditer(page_html):
                    labels[match["name"]] = html.unescape(match["formula"])
    return labels


def snapshot(repo: Path, revision: str | None) -> Snapshot:
    """Read one revision (``None``: the working tree) without executing anything."""
    if revision is None:
        source, shown, commit = _WorkingTree(repo), "working tree", None
    else:
        commit = resolve_revision(repo, revision)
        source, shown = _Revision(repo, commit), revision
    taken = Snapshot(name=shown, commit=commit)
    for kind, (path, columns) in LEDGER_FILES.items():
        text = source.read(path)
        if text is None:
            raise DiffError(f"revision '{shown}' predates the ledger format: it has no {path}")
        taken.ledgers[kind] = _ledger_rows(text, path, columns, REQUIRED_COLUMNS[kind], shown)
    _refuse_non_finite_facts(taken.ledgers["facts"], LEDGER_FILES["facts"][0], shown)
    for page in source.notebooks():
        path = f"{NOTEBOOK_DIR}/{page}.ipynb"
        try:
            notebook = nbformat.reads(source.read(path) or "", as_version=4)
            values = glued_values(notebook)
            labels = page_labels(notebook)
        except Exception as error:  # noqa: BLE001 - any malformed notebook is reported by name instead
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            taken.unreadable[path] = reason[:200]
            continue
        _refuse_non_finite_values(values, path, shown)
        taken.values[page], taken.labels[page] = values, labels
    return taken


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def claim_figures(taken: Snapshot) -> dict[str, dict[str, object]]:
    """Each claim's article figure, checked figure (base units) and verdict at this revision."""
    facts = taken.ledgers["facts"]
    fact_values = {fact_id: _number(row["value"]) for fact_id, row in facts.items()}
    found = {}
    for claim_id, raw in taken.ledgers["claims"].items():
        entry: dict[str, object] = {
            "claim": raw["claim"],
            "checked_ref": raw["checked"],
            "unit": "",
            "article": None,
            "checked": None,
            "verdict": UNRESOLVED,
        }
        try:
            row = ClaimRow(**{c: raw.get(c, "") for c in CLAIM_COLUMNS})
        except ValidationError:
            found[claim_id] = {**entry, "verdict": "invalid row"}
            continue
        if row.article_fact in facts:
            entry["unit"] = facts[row.article_fact]["unit"]
        entry["article"], entry["checked"], _ = figures(row, fact_values, taken.values)
        if entry["checked"] is not None and not math.isfinite(entry["checked"]):
            raise DiffError(
                f"revision '{taken.name}': claim {claim_id}'s checked figure {row.checked} × scale {row.scale!r} is not a finite number"
            )
        if not row.numeric:
            entry["verdict"] = row.verdict or "split into sub-claims"
        elif entry["article"] is not None and entry["checked"] is not None and row.tolerance:
            entry["verdict"] = judge(entry["article"], entry["checked"], row.tolerance, row.bound)
        found[claim_id] = entry
    return found


def _change(before, after):
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (before, after))
    return after - before if numbers else None


def _ledger_changes(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> dict[str, list]:
    changed = []
    for row_id in after:
        if row_id not in before:
            continue
        columns = {
            c: {"before": before[row_id].get(c, ""), "after": v}
            for c, v in after[row_id].items()
            if before[row_id].get(c, "") != v
        }
        if columns:
            changed.append({"id": row_id, "changes": columns})
    return {
        "added": [row for row_id, row in after.items() if row_id not in before],
        "removed": [row for row_id, row in before.items() if row_id not in after],
        "changed": changed,
    }


def compare(base: Snapshot, head: Snapshot) -> dict:
    """Everything that differs between two snapshots, as plain data (the JSON output)."""
    skipped = set(base.unreadable) | set(head.unreadable)
    values = []
    for page in sorted(set(base.values) | set(head.values)):
        if f"{NOTEBOOK_DIR}/{page}.ipynb" in skipped:
            continue
        old, new = base.values.get(page, {}), head.values.get(page, {})
        for name in [*new, *(n for n in old if n not in new)]:
            before, after = old.get(name), new.get(name)
            if name in old and name in new and before == after:
                continue
            label = head.labels.get(page, {}).get(name) or base.labels.get(page, {}).get(name, "")
            values.append(
                {
                    "page": page,
                    "name": name,
                    "label": label,
                    "before": before,
                    "after": after,
                    "change": _change(before, after),
                }
            )
    old_claims, new_claims = claim_figures(base), claim_figures(head)
    claims = []
    for claim_id in [*new_claims, *(c for c in old_claims if c not in new_claims)]:
        old, new = old_claims.get(claim_id, {}), new_claims.get(claim_id, {})
        keys = ("article", "checked", "verdict")
        if old and new and all(old[k] == new[k] for k in keys):
            continue
        shown = new or old
        claims.append(
            {
                "id": claim_id,
                "claim": shown["claim"],
                "checked_ref": shown["checked_ref"],
                "unit": shown["unit"],
                **{f"{k}_{when}": side.get(k) for k in keys for when, side in (("before", old), ("after", new))},
                "verdict_changed": old.get("verdict") != new.get("verdict"),
            }
        )
    ledgers = {kind: _ledger_changes(base.ledgers[kind], head.ledgers[kind]) for kind in LEDGER_FILES}
    unreadable = [
        {"file": path, "revision": taken.name, "reason": reason}
        for taken in (base, head)
        for path, reason in taken.unreadable.items()
    ]
    return {
        "base": {"revision": base.name, "commit": base.commit},
        "head": {"revision": head.name, "commit": head.commit},
        "changed": bool(values or claims or unreadable or any(any(v.values()) for v in ledgers.values())),
        "values": values,
        "claims": claims,
        "ledgers": ledgers,
        "unreadable": unreadable,
    }


def diff(base: str | None = None, head: str | None = None, repo: Path | None = None) -> dict:
    """Compare ``base`` (default: the merge-base with main) with ``head`` (default: the working tree)."""
    root = repository_root(repo or Path.cwd())
    base_snapshot = snapshot(root, base if base is not None else default_base(root))
    if base is None:
        base_snapshot.name = f"merge-base with {MAIN_BRANCH}"
    return compare(base_snapshot, snapshot(root, head))


# Rendering -----------------------------------------------------------------------------------------


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return units.number(value)
    return str(value)


def _shown_change(value) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + units.number(value)


def _side(result: dict, key: str) -> str:
    side = result[key]
    if not side["commit"] or side["commit"].startswith(side["revision"]):
        return side["revision"]
    return f"{side['revision']} ({side['commit'][:7]})"


def _figure(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit:
        return units.quantity(value, unit, style=units.SHORT)
    return _shown(value)


def _moved(before, after, unit: str) -> str:
    """``$2.08B -> $2.71B``; in full digits where the reader's format would show both the same."""
    shown = (_figure(before, unit), _figure(after, unit))
    if shown[0] == shown[1]:
        shown = tuple("—" if v is None else units.number(v, 10) for v in (before, after))
    return f"{shown[0]} -> {shown[1]}"


def claim_line(claim: dict) -> str:
    """D19 (debt:base_2026_bn): $2.08B -> $2.71B, verdict unchanged (supported)."""
    unit = claim["unit"]
    head = claim["id"] + (f" ({claim['checked_ref']})" if claim["checked_ref"] else "")
    if claim["verdict_before"] is None or claim["verdict_after"] is None:
        when = "after" if claim["verdict_before"] is None else "before"
        figures = ""
        if claim[f"checked_{when}"] is not None:
            figures = f"{_figure(claim[f'checked_{when}'], unit)} against the article's {_figure(claim[f'article_{when}'], unit)}, "
        status = "new claim" if when == "after" else "claim removed"
        return f"{head}: {status}, {figures}verdict {claim[f'verdict_{when}']}"
    moved = []
    if claim["checked_before"] != claim["checked_after"]:
        moved.append(_moved(claim["checked_before"], claim["checked_after"], unit))
    if claim["article_before"] != claim["article_after"]:
        moved.append("article's figure " + _moved(claim["article_before"], claim["article_after"], unit))
    if claim["verdict_changed"]:
        moved.append(f"verdict {claim['verdict_before']} -> {claim['verdict_after']}")
    else:
        moved.append(f"verdict unchanged ({claim['verdict_after']})")
    return f"{head}: " + ", ".join(moved)


def _counts(result: dict) -> str:
    parts = [
        f"{len(result['values'])} published value(s) changed",
        f"{sum(c['verdict_changed'] for c in result['claims'])} verdict(s) changed",
    ]
    for kind, changes in result["ledgers"].items():
        counted = [f"{len(changes[k])} {k}" for k in ("added", "removed", "changed") if changes[k]]
        if counted:
            parts.append(f"{kind}: " + ", ".join(counted))
    if result["unreadable"]:
        parts.append(f"{len(result['unreadable'])} notebook(s) unreadable")
    return "; ".join(parts)


def no_change_line(result: dict) -> str:
    return f"No published value, verdict or ledger row changed between {_side(result, 'base')} and {_side(result, 'head')}."


def _ledger_lines(kind: str, changes: dict, bullet: str, code) -> list[str]:
    lines = []
    for row in changes["added"]:
        lines.append(
            f"{bullet}{kind} added: {code(row['id'])}" + (f" = {row['value']} {row['unit']}" if "value" in row else "")
        )
    for row in changes["removed"]:
        lines.append(f"{bullet}{kind} removed: {code(row['id'])}")
    for row in changes["changed"]:
        shown = "; ".join(f"{column} {c['before']!r} -> {c['after']!r}" for column, c in row["changes"].items())
        lines.append(f"{bullet}{kind} changed: {code(row['id'])}: {shown}")
    return lines


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(result: dict) -> str:
    """The job-summary form: a headline, the claims that moved, then tables of values and ledger rows."""
    if not result["changed"]:
        return no_change_line(result)
    lines = [
        "## What this change does to the numbers",
        "",
        f"{_side(result, 'base')} → {_side(result, 'head')}: {_counts(result)}.",
        "",
    ]
    if result["unreadable"]:
        lines += ["**Notebooks whose outputs could not be read** (their values are not compared):", ""]
        lines += [f"- `{u['file']}` at {u['revision']}: {_cell(u['reason'])}" for u in result["unreadable"]] + [""]
    if result["claims"]:
        lines += ["**Claims**", ""] + [f"- {claim_line(c)}" for c in result["claims"]] + [""]
    if result["values"]:
        lines += [
            "**Published values**",
            "",
            "| page | name | label | before | after | change |",
            "| --- | --- | --- | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {v['page']} | `{v['name']}` | {_cell(v['label'])} | {_cell(_shown(v['before']))} | "
            f"{_cell(_shown(v['after']))} | {_shown_change(v['change'])} |"
            for v in result["values"]
        ]
        lines.append("")
    ledger_lines = [
        line
        for kind, changes in result["ledgers"].items()
        for line in _ledger_lines(kind.rstrip("s").capitalize(), changes, "- ", lambda x: f"`{x}`")
    ]
    if ledger_lines:
        lines += ["**Ledger rows**", "", *ledger_lines, ""]
    return "\n".join(lines).rstrip() + "\n"


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def to_table(result: dict) -> str:
    """The terminal form: the same sections as the markdown, as aligned plain text."""
    if not result["changed"]:
        return no_change_line(result)
    lines = [f"{_side(result, 'base')} -> {_side(result, 'head')}: {_counts(result)}"]
    if result["unreadable"]:
        lines += ["Notebooks whose outputs could not be read (not compared):"]
        lines += [f"  {u['file']} at {u['revision']}: {u['reason']}" for u in result["unreadable"]]
    if result["claims"]:
        lines += ["Claims:"] + [f"  {claim_line(c)}" for c in result["claims"]]
    if result["values"]:
        rows = [["page", "name", "before", "after", "change", "label"]]
        rows += [
            [v["page"], v["name"], _shown(v["before"]), _shown(v["after"]), _shown_change(v["change"]), v["label"][:60]]
            for v in result["values"]
        ]
        lines += ["Published values:", *_aligned(rows)]
    ledger_lines = [
        line
        for kind, changes in result["ledgers"].items()
        for line in _ledger_lines(kind.rstrip("s").capitalize(), changes, "  ", str)
    ]
    if ledger_lines:
        lines += ["Ledger rows:", *ledger_lines]
    return "\n".join(lines)


def render(result: dict, fmt: str) -> str:
    if fmt == "json":
        try:
            return json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False)
        except ValueError:
            raise DiffError(
                "a change between the revisions is not a finite number (it overflows); no JSON is written"
            ) from None
    if fmt == "markdown":
        return to_markdown(result).rstrip("\n")
    return to_table(result)


# The edition page ------------------------------------------------------------------------------------

CONFIG_FILE = "_config.yml"
EDITION_PAGE = "book/changes.md"
# The pages whose values are the book's headlines: the summary's, and those the home page writes.
HEADLINE_PAGES = ("summary",)
HOME_PAGE = "book/intro.md"
_HOME_VALUE = re.compile(r"\{rtn-value\}`(?P<page>\w+):(?P<name>\w+)")


@dataclass(frozen=True)
class Edition:
    """This edition's name and the commit that published the previous one (``_config.yml``'s ``edition``)."""

    name: str
    previous: str


def edition(repo: Path) -> Edition:
    """The ``edition`` block of ``_config.yml``: ``name`` and ``previous`` (a commit), both required."""
    import yaml

    config = yaml.safe_load((repo / CONFIG_FILE).read_text(encoding="utf-8")) or {}
    block = config.get("edition") or {}
    missing = [key for key in ("name", "previous") if not str(block.get(key, "")).strip()]
    if missing:
        raise DiffError(
            f"{CONFIG_FILE}: edition needs {' and '.join(missing)} (the edition's name, the previous edition's commit)"
        )
    return Edition(str(block["name"]).strip(), str(block["previous"]).strip())


def headline_names(repo: Path) -> set[tuple[str, str]]:
    """(page, name) of every value the home page writes: the book's headlines, with the summary's own."""
    text = (repo / HOME_PAGE).read_text(encoding="utf-8") if (repo / HOME_PAGE).exists() else ""
    return {(m["page"], m["name"]) for m in _HOME_VALUE.finditer(text)}


def _kind_rank(kind: str) -> int:
    from .data import SOURCE_KINDS

    return SOURCE_KINDS.index(kind) if kind in SOURCE_KINDS else len(SOURCE_KINDS)


def better_sources(base: Snapshot, head: Snapshot) -> list[dict[str, str]]:
    """Facts whose figure now rests on a more primary source: a fact whose source changed to a better kind,
    or a weak fact of the first edition whose metric now has a fact from a better kind beside it."""
    from .data import PRIMARY_KINDS

    old_facts, new_facts = base.ledgers["facts"], head.ledgers["facts"]
    old_kinds = {s: row.get("kind", "") for s, row in base.ledgers["sources"].items()}
    new_kinds = {s: row.get("kind", "") for s, row in head.ledgers["sources"].items()}
    out = []
    for fact_id, old in old_facts.items():
        old_kind = old_kinds.get(old["source"], "")
        if old_kind in PRIMARY_KINDS or old_kind == "article":
            continue
        new = new_facts.get(fact_id)
        if (
            new is not None
            and new["source"] != old["source"]
            and _kind_rank(new_kinds.get(new["source"], "")) < _kind_rank(old_kind)
        ):
            out.append(
                {
                    "fact": fact_id,
                    "before": f"{old['source']} ({old_kind})",
                    "after": f"{new['source']} ({new_kinds[new['source']]})",
                    "how": "source replaced",
                }
            )
            continue
        metric = (new or old).get("metric") or fact_id
        twins = [
            (other_id, row)
            for other_id, row in new_facts.items()
            if other_id not in old_facts
            and (row.get("metric") or other_id) == metric
            and row.get("period") == old.get("period")
            and new_kinds.get(row["source"], "") in PRIMARY_KINDS
        ]
        if twins:
            other_id, row = twins[0]
            out.append(
                {
                    "fact": fact_id,
                    "before": f"{old['source']} ({old_kind})",
                    "after": f"{other_id}: {row['source']} ({new_kinds[row['source']]})",
                    "how": "primary twin added",
                }
            )
    return out


def _units(repo: Path) -> dict[tuple[str, str], str]:
    """(page, name) -> the unit each value was published in, from the working tree's provenance."""
    from .values import provenance_of

    found = {}
    for path in sorted((repo / NOTEBOOK_DIR).glob("*.ipynb")):
        try:
            how = provenance_of(nbformat.read(path, as_version=4)) or {}
        except Exception:  # noqa: BLE001 - an unreadable notebook is reported by the diff itself
            continue
        found.update({(path.stem, name): entry.get("unit", "") for name, entry in how.items()})
    return found


def _headline(value, unit: str) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return _shown(value)
    if unit:
        return units.quantity(float(value), unit, style=units.SHORT)
    return units.number(float(value)) if float(value).is_integer() else f"{value:,.3g}"


def _reader_label(label: str) -> str:
    """A provenance formula as a reader's label: without the file it was counted from ('(data/claims.csv)')."""
    return re.sub(r"\s*\([^()]*\.(?:csv|py)\)", "", label)


def _relative(before, after) -> str:
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (before, after)) or not before:
        return ""
    return f"{(after - before) / abs(before):+.1%}"


def edition_markdown(repo: Path | None = None) -> str:
    """The page "What changed in this edition": this edition against the previous one named in _config.yml,
    read from git and the working tree by :func:`diff` (nothing is executed)."""
    root = repository_root(repo or Path.cwd())
    named = edition(root)
    base, head = snapshot(root, named.previous), snapshot(root, None)
    result = compare(base, head)
    headlines = headline_names(root)
    moved = [
        v
        for v in result["values"]
        if (v["page"] in HEADLINE_PAGES or (v["page"], v["name"]) in headlines)
        and isinstance(v["before"], (int, float))
        and isinstance(v["after"], (int, float))
    ]
    verdicts = [c for c in result["claims"] if c["verdict_changed"]]
    replaced = better_sources(base, head)
    unit_of = _units(root)
    lines = [
        "% Written by `make pages` (python -m runthenumbers.diff) from `runthenumbers diff`; do not edit by hand.",
        "# What changed in this edition",
        "",
        f"This is the **{named.name}** of the book. It is compared here with the previous edition, the book as",
        f"published at commit `{named.previous}`: {units.plural(len(moved), 'headline number')} moved,",
        f"{units.plural(len(verdicts), 'verdict')} changed and {units.plural(len(replaced), 'figure')} now rest on a better",
        "source. The comparison reads both editions'",
        "published values and ledgers as committed; nothing is recomputed for it.",
        "",
        "## Headline numbers that moved",
        "",
    ]
    if moved:
        lines += ["| page | what | before | now | change |", "| --- | --- | ---: | ---: | ---: |"]
        for v in moved:
            unit = unit_of.get((v["page"], v["name"]), "")
            lines.append(
                f"| {v['page']} | {_cell(_reader_label(v['label'] or v['name']))} | {_headline(v['before'], unit)} | "
                f"{_headline(v['after'], unit)} | {_relative(v['before'], v['after'])} |"
            )
    else:
        lines.append("No headline number moved.")
    lines += ["", "## Verdicts that changed", ""]
    if verdicts:
        lines += ["| claim | what the essay says | before | now |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {c['id']} | {_cell(c['claim'])} | {c['verdict_before'] or '(new)'} | {c['verdict_after'] or '(withdrawn)'} |"
            for c in verdicts
        ]
    else:
        lines.append("No verdict changed.")
    lines += ["", "## Facts replaced by better sources", ""]
    if replaced:
        lines += ["| fact | before | now | how |", "| --- | --- | --- | --- |"]
        lines += [f"| `{r['fact']}` | {_cell(r['before'])} | {_cell(r['after'])} | {r['how']} |" for r in replaced]
    else:
        lines.append("No fact was replaced by a better source.")
    return "\n".join(lines).rstrip() + "\n"


def write_edition_page(repo: Path | None = None) -> Path:
    root = repository_root(repo or Path.cwd())
    path = root / EDITION_PAGE
    text = edition_markdown(root)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write_edition_page()}")
