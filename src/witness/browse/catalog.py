"""The browser's index of the live build, opened for reading (see :mod:`witness.browse.index`).

:class:`Catalogs` finds the index of whichever build is live and opens it read-only, one
SQLite connection per thread. A live build without an index (made by an older Witness, or
built without the browser's deriver) gets one made in the background, once, under the lock of
:func:`witness.dataset.derived.ensure`; a request that needs it waits a bounded time, then is
told to come back (:class:`witness.dataset.derived.NotReady`, HTTP 503 with ``Retry-After``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from witness.browse.index import BrowseIndex
from witness.dataset.derived import Live
from witness.dataset.store import StoreLocation
from witness.errors import StoreError
from witness.iris import Iris

CHUNK = 500
"""Most values bound in one ``IN (...)`` (SQLite allows 32,766 parameters)."""


class Catalog:
    """The browser's index of one build; each thread gets its own read-only connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    @property
    def db(self) -> sqlite3.Connection:
        found: sqlite3.Connection | None = getattr(self._local, "db", None)
        if found is None:
            try:
                found = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
                found.execute("PRAGMA temp_store = MEMORY")  # a search's hits
            except sqlite3.Error as error:
                raise StoreError(f"Cannot open the browser's index {self.path}: {error}") from None
            self._local.db = found
        return found

    def rows(
        self, sql: str, parameters: Iterable[object] | dict[str, object] = ()
    ) -> list[tuple[object, ...]]:
        """The rows of a query of ours (values always bound as parameters)."""
        bound = parameters if isinstance(parameters, dict) else tuple(parameters)
        try:
            return self.db.execute(sql, bound).fetchall()
        except sqlite3.Error as error:
            raise StoreError(f"The browser's index {self.path} cannot be read: {error}") from None

    def scratch(self, sql: str, parameters: dict[str, object] | None = None) -> None:
        """Run a statement on this connection's temporary tables (the index itself is
        read-only): a search keeps its hits there while it counts and pages them."""
        try:
            self.db.execute(sql, parameters or {})
        except sqlite3.Error as error:
            raise StoreError(f"The browser's index {self.path} cannot be read: {error}") from None

    def chunked(
        self, sql: str, values: Iterable[str], before: Iterable[object] = ()
    ) -> Iterator[tuple[object, ...]]:
        """The rows of ``sql`` (whose ``{marks}`` is an ``IN`` list) for ``values``, a chunk
        of them at a time."""
        unique = list(dict.fromkeys(values))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            yield from self.rows(sql.format(marks=", ".join("?" * len(chunk))), [*before, *chunk])


class Catalogs(Live[Catalog]):
    """The index of the live build of a store, made first if the build has none."""

    def __init__(
        self, location: StoreLocation, iris: Iris, log: Callable[[str], None] = lambda _: None
    ) -> None:
        super().__init__(location, BrowseIndex(iris), Catalog, log)

    def live(self, wait: float) -> Catalog:
        """The live build's index; waits up to ``wait`` seconds if it must be made.

        :raises StoreError: if there is no store, or the index cannot be made.
        :raises NotReady: if it is still being made after ``wait`` seconds.
        """
        return self.get(wait)
