"""What this process read of the book's data and declarations: the inputs a notebook's record lists.

A notebook's kernel asks the ledgers for rows (facts, sources, claims, ratings), the chapter registry
for answers (which page lists a fact, which pages a page reads) and the parameter registry for
declarations. Each of them notes here what was asked, in :data:`LOG`:

- a row asked for by id (:class:`Table`), present or not: a fact added later under that id matters;
- a table whose ids were listed (iterating it): a row added or removed anywhere matters;
- a registry query (:func:`query`) with its arguments, which the freshness check asks again.

At the end of a notebook, ``make execute`` reads the log out of the kernel and records the digest of
each thing read (``runthenumbers/runner/freshness.py``): a page is re-executed only when one of them
changed. Validation is not a read: a check that passes leaves the page as it is, one that fails stops
the notebook, so code that only validates runs inside :func:`unlogged`.

This module imports nothing from the project: every layer may note its reads here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

Row = TypeVar("Row")


class Log:
    """Rows asked for, tables listed and registry queries made, since the process started."""

    def __init__(self) -> None:
        self.rows: dict[str, set[str]] = {}
        self.listed: set[str] = set()
        self.queries: set[str] = set()
        self._quiet = 0
        self._depth = 0

    @property
    def quiet(self) -> bool:
        return self._quiet > 0

    def row(self, table: str, key: str) -> None:
        # Inside a noted query the answer stands for what the query read.
        if not self._quiet and not self._depth:
            self.rows.setdefault(table, set()).add(str(key))

    def listing(self, table: str) -> None:
        if not self._quiet and not self._depth:
            self.listed.add(table)

    def report(self) -> dict[str, object]:
        """The log as JSON-ready lists, sorted."""
        return {
            "rows": {table: sorted(keys) for table, keys in sorted(self.rows.items())},
            "listed": sorted(self.listed),
            "queries": sorted(self.queries),
        }

    def clear(self) -> None:
        self.rows.clear()
        self.listed.clear()
        self.queries.clear()


LOG = Log()


@contextmanager
def unlogged() -> Iterator[None]:
    """Reads inside are not noted: validation, whose outcome is pass or stop, not a value."""
    LOG._quiet += 1
    try:
        yield
    finally:
        LOG._quiet -= 1


def query_key(module: str, function: str, args: tuple[str, ...]) -> str:
    """``chapters.fact_page(debt_sofr)``: how a query is named in the log and in a notebook's record."""
    return f"{module}.{function}({', '.join(args)})"


def query(function: Callable) -> Callable:
    """Note each call of a registry function made from outside the registry with only names as arguments
    (``fact_page("debt_sofr")``, not a call with another tuple of chapters, as tests make): its answer is
    what the caller read. What the function reads itself (other queries, table rows) is not noted: the
    outermost answer is enough, and the freshness check asks the same question again."""
    module = function.__module__.removeprefix("runthenumbers.")

    @functools.wraps(function)
    def noted(*args, **kwargs):
        if kwargs or LOG._depth or LOG._quiet or not all(isinstance(a, str) for a in args):
            return function(*args, **kwargs)
        LOG._depth += 1
        try:
            return function(*args)
        finally:
            LOG._depth -= 1
            LOG.queries.add(query_key(module, function.__name__, args))

    return noted


class Table(Mapping[str, Row]):
    """The rows of one table by id (``data/facts.csv``), each lookup noted in :data:`LOG`.

    Looking up an id (``table[id]``, ``id in table``, ``table.get(id)``) notes that row; listing the
    table (iterating it, ``len``, ``keys``, ``values``, ``items``) notes its ids, and reading each
    row through ``values`` or ``items`` notes each row too.
    """

    __slots__ = ("name", "_rows")

    def __init__(self, name: str, rows: Mapping[str, Row]):
        self.name = name
        # The rows themselves, not a copy: a table is a view that notes its lookups.
        self._rows: Mapping[str, Row] = rows._rows if isinstance(rows, Table) else rows

    def __getitem__(self, key: str) -> Row:
        LOG.row(self.name, key)
        return self._rows[key]

    def __contains__(self, key: object) -> bool:
        LOG.row(self.name, str(key))
        return key in self._rows

    def __iter__(self) -> Iterator[str]:
        LOG.listing(self.name)
        return iter(self._rows)

    def __len__(self) -> int:
        LOG.listing(self.name)
        return len(self._rows)

    def __repr__(self) -> str:
        return f"Table({self.name!r}, {len(self._rows)} rows)"

    def __reduce__(self):
        return (Table, (self.name, self._rows))
