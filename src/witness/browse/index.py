"""The browser's index: one SQLite database per build, made from the store as the build ends.

It holds what every browser page needs fast, whatever the size of the store:

* ``terms``: every resource that has a name, a type or a label (entities, sources, classes,
  properties), with its label chosen by the one rule of :mod:`witness.publish.labels`, its
  inverse label (``wit:inverseLabel``, for properties), its description and whether search
  finds it;
* ``names`` and ``texts``: full-text indexes (SQLite FTS5, contentless tables keyed by
  ``terms.id``) of their labels, names and other names, and of their descriptions (apart, so
  that a long description does not weigh down a name: FTS5's bm25 divides by a row's
  length), tokenised by FTS5's ``unicode61`` with ``remove_diacritics 2`` (so "vaclav" finds
  "Václav"); prefix queries (search-as-you-type) read the term index itself: FTS5's extra
  prefix indexes took half as long again to build for 200,000 names, and a prefix query
  was no faster for them; ranked by FTS5's bm25;
* ``types`` and ``classes``: each entity's classes, how many entities each class has, and the
  listing each class belongs to (through ``rdfs:subClassOf``);
* ``graphs``: the source document each named graph is derived from;
* ``listing_<name>``: the rows of each listing (:mod:`witness.browse.listings`), with a sort
  key per column and the cells as JSON.

It is made by :class:`BrowseIndex`, a deriver (:mod:`witness.dataset.derived`): written under a
temporary name, swapped in with its build. The store is read with patterns (labels, types) and
the listings' named queries.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from witness.browse.listings import LISTINGS, Listing, listing_for
from witness.browse.values import readable, sort_key
from witness.iris import Iris
from witness.namespaces import WIT
from witness.publish.labels import LABELS, fallback, rank
from witness.queries import named

NAME = "browse-1.sqlite"
"""The index's file in a build's derived directory; the number changes with its layout."""

SCHEMA = "http://schema.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

NAMES = (*LABELS, SCHEMA + "headline")
"""Properties whose values search weighs most: what a resource is called."""
OTHER_NAMES = (SCHEMA + "alternateName", "http://www.w3.org/2004/02/skos/core#altLabel")
TEXTS = (
    SCHEMA + "description",
    "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://purl.org/dc/terms/description",
)

TOKENIZER = "unicode61 remove_diacritics 2"

LAST = "x'ff'"
"""What a listing's missing value sorts as, ascending: a BLOB, after every number and text."""

TABLES = f"""
CREATE TABLE terms (
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, label TEXT, inverse TEXT,
    description TEXT, searchable INTEGER NOT NULL DEFAULT 0,
    label_language TEXT, label_is_name INTEGER NOT NULL DEFAULT 0);
CREATE TABLE types (term INTEGER NOT NULL, class TEXT NOT NULL);
CREATE TABLE classes (class TEXT PRIMARY KEY, entities INTEGER NOT NULL, listing TEXT);
CREATE TABLE graphs (graph TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE listings (name TEXT PRIMARY KEY, rows INTEGER NOT NULL);
CREATE VIRTUAL TABLE names USING fts5(
    label, name, other, content='', tokenize='{TOKENIZER}');
CREATE VIRTUAL TABLE texts USING fts5(text, content='', tokenize='{TOKENIZER}');
"""
INDEXES = """
CREATE INDEX types_term ON types (term);
CREATE INDEX types_class ON types (class, term);
CREATE INDEX graphs_graph ON graphs (graph);
"""


class BrowseIndex:
    """The deriver of the browser's index, for a store under ``iris``' base."""

    name = NAME

    def __init__(self, iris: Iris) -> None:
        self.iris = iris

    def make(self, store: ox.Store, target: Path) -> None:
        """Write the index of ``store``'s data to a new SQLite file at ``target``.

        :raises OSError: if the file cannot be written.
        """
        try:
            db = sqlite3.connect(target, isolation_level=None)
        except sqlite3.Error as error:
            raise OSError(f"cannot create {target}: {error}") from None
        try:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("PRAGMA cache_size = -262144")  # 256 MiB while writing
            db.executescript(TABLES)
            for table in ("names", "texts"):  # merge the full-text segments once, at the end
                db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 0)")
            db.execute("BEGIN")
            _Writer(store, db, self.iris).write()
            db.execute("COMMIT")
            for table in ("names", "texts"):
                db.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
            db.executescript(INDEXES)
            db.execute("ANALYZE")
        except sqlite3.Error as error:
            raise OSError(f"cannot write {target}: {error}") from None
        finally:
            db.close()


def _literals(store: ox.Store, predicates: Iterable[str]) -> Iterator[tuple[int, str, ox.Literal]]:
    """``(index of predicate, subject IRI, literal)`` for each statement of ``predicates``
    about an IRI (each statement once per graph stating it)."""
    for order, predicate in enumerate(predicates):
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
            subject, value = quad.subject, quad.object
            if isinstance(subject, ox.NamedNode) and isinstance(value, ox.Literal):
                yield order, subject.value, value


class _Writer:
    """Reads the store once per concern and fills the tables."""

    def __init__(self, store: ox.Store, db: sqlite3.Connection, iris: Iris) -> None:
        self.store = store
        self.db = db
        self.iris = iris
        self.ids: dict[str, int] = {}
        self.labels: dict[str, tuple[tuple[int, int, str, str], str]] = {}
        self.cells: dict[ox.NamedNode | ox.BlankNode | ox.Literal, Cell] = {}

    def id(self, iri: str) -> int:
        found = self.ids.get(iri)
        if found is None:
            found = self.ids[iri] = len(self.ids) + 1
        return found

    def label(self, iri: str) -> str:
        chosen = self.labels.get(iri)
        return chosen[1] if chosen else fallback(iri)

    def write(self) -> None:
        names: dict[str, dict[str, None]] = {}
        for order, subject, literal in _literals(self.store, NAMES):
            if order < len(LABELS):
                ranked = rank(order, literal)
                if subject not in self.labels or ranked < self.labels[subject][0]:
                    self.labels[subject] = (ranked, literal.value)
            names.setdefault(subject, {})[literal.value] = None
        others: dict[str, dict[str, None]] = {}
        for _, subject, literal in _literals(self.store, OTHER_NAMES):
            others.setdefault(subject, {})[literal.value] = None
        texts: dict[str, dict[str, None]] = {}
        descriptions: dict[str, tuple[tuple[int, int, str, str], str]] = {}
        for order, subject, literal in _literals(self.store, TEXTS):
            texts.setdefault(subject, {})[literal.value] = None
            ranked = rank(order, literal)
            if subject not in descriptions or ranked < descriptions[subject][0]:
                descriptions[subject] = (ranked, literal.value)
        inverses: dict[str, tuple[tuple[int, int, str, str], str]] = {}
        for _, subject, literal in _literals(self.store, [str(WIT.inverseLabel)]):
            ranked = rank(0, literal)
            if subject not in inverses or ranked < inverses[subject][0]:
                inverses[subject] = (ranked, literal.value)
        types = self._types()
        searchable = (self.iris.entity(""), self.iris.source(""))
        every = dict.fromkeys([*self.labels, *names, *others, *inverses, *types])
        self.db.executemany(
            "INSERT INTO terms (id, iri, label, inverse, description, searchable, "
            "label_language, label_is_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    self.id(iri),
                    iri,
                    self.label(iri),
                    inverses[iri][1] if iri in inverses else None,
                    descriptions[iri][1] if iri in descriptions else None,
                    iri.startswith(searchable),
                    self.labels[iri][0][2] if iri in self.labels else None,
                    iri in self.labels and self.labels[iri][0][1] == 0,
                )
                for iri in every
            ),
        )
        self.db.executemany(
            "INSERT INTO names (rowid, label, name, other) VALUES (?, ?, ?, ?)",
            (
                (
                    self.ids[iri],
                    self.label(iri),
                    "\n".join(names.get(iri, ())),
                    "\n".join(others.get(iri, ())),
                )
                for iri in every
                if iri.startswith(searchable)
            ),
        )
        self.db.executemany(
            "INSERT INTO texts (rowid, text) VALUES (?, ?)",
            (
                (self.ids[iri], "\n".join(found))
                for iri, found in texts.items()
                if iri.startswith(searchable)
            ),
        )
        self.db.executemany(
            "INSERT INTO types (term, class) VALUES (?, ?)",
            ((self.ids[iri], cls) for iri, classes in types.items() for cls in classes),
        )
        self._classes(types)
        self._graphs()
        for listing in LISTINGS:
            self._listing(listing)

    def _types(self) -> dict[str, dict[str, None]]:
        """The classes of every IRI of ours (other IRIs' types are not shown or listed)."""
        types: dict[str, dict[str, None]] = {}
        for quad in self.store.quads_for_pattern(None, RDF_TYPE, None, None):
            subject, cls = quad.subject, quad.object
            if not isinstance(subject, ox.NamedNode) or not isinstance(cls, ox.NamedNode):
                continue
            if subject.value.startswith(self.iris.base):
                types.setdefault(subject.value, {})[cls.value] = None
        return types

    def _classes(self, types: dict[str, dict[str, None]]) -> None:
        """Entities per class, and each class's listing (through its superclasses)."""
        parents: dict[str, set[str]] = {}
        for quad in self.store.quads_for_pattern(None, SUBCLASS, None, None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                parents.setdefault(quad.subject.value, set()).add(quad.object.value)
        counts: dict[str, int] = {}
        for classes in types.values():
            for cls in classes:
                counts[cls] = counts.get(cls, 0) + 1
        rows = []
        for cls, count in counts.items():
            found = listing_for(_ancestors(cls, parents))
            rows.append((cls, count, found.name if found else None))
        self.db.executemany("INSERT INTO classes VALUES (?, ?, ?)", rows)

    def _graphs(self) -> None:
        metadata = ox.NamedNode(self.iris.metadata_graph)
        rows = {
            (quad.subject.value, quad.object.value)
            for quad in self.store.quads_for_pattern(None, DERIVED_FROM, None, metadata)
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode)
        }
        self.db.executemany("INSERT INTO graphs VALUES (?, ?)", sorted(rows))

    def _listing(self, listing: Listing) -> None:
        """The rows of ``listing``: its queries' values merged by entity, then one row each."""
        cells: dict[str, dict[str, dict[Cell, None]]] = {}
        for number, query in enumerate(listing.queries):
            solutions = self.store.query(named(query), use_default_graph_as_union=True)
            assert isinstance(solutions, ox.QuerySolutions)
            keys = [variable.value for variable in solutions.variables]
            for solution in solutions:
                entity = solution["entity"]
                if not isinstance(entity, ox.NamedNode):
                    continue
                if number and entity.value not in cells:
                    continue  # the later queries add columns to the first one's entities
                row = cells.setdefault(entity.value, {})
                for key in keys[1:]:
                    term = solution[key]
                    if term is not None and not isinstance(term, ox.Triple):
                        row.setdefault(key, {})[self._cell(term)] = None
        sorts = [f"s_{column.key}" for column in listing.columns]
        table = f"listing_{listing.name}"
        columns = ", ".join(sorts)
        self.db.execute(f"CREATE TABLE {table} (term INTEGER PRIMARY KEY, cells TEXT, {columns})")
        rows: list[tuple[object, ...]] = []
        for entity, row in cells.items():
            label = self.label(entity)
            row["label"] = {(label, entity, label.casefold()): None}
            values = {key: sorted(found, key=_order) for key, found in row.items()}
            firsts = [values.get(column.key, []) for column in listing.columns]
            ordered = [first[0][2] if first else None for first in firsts]
            shown = {key: [[text, iri] for text, iri, _ in found] for key, found in values.items()}
            rows.append((self.id(entity), json.dumps(shown, ensure_ascii=False), *ordered))
        marks = ", ".join("?" * (len(sorts) + 2))
        self.db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        for sort in sorts:
            # Rows without a value come last either way: ascending by the value with a BLOB
            # (which SQLite sorts after numbers and text) for none; descending by the value
            # itself (NULL sorts first, so last backwards). An index for each order.
            self.db.execute(f"CREATE INDEX {table}_{sort} ON {table} ({sort}, term)")
            self.db.execute(
                f"CREATE INDEX {table}_{sort}_up ON {table} (coalesce({sort}, {LAST}), term)"
            )
        self.db.execute("INSERT INTO listings VALUES (?, ?)", (listing.name, len(rows)))

    def _cell(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Cell:
        """A value in a listing: its text, its IRI if it is one, and what it sorts by."""
        found = self.cells.get(term)
        if found is None:
            found = self.cells[term] = self._new_cell(term)
        return found

    def _new_cell(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Cell:
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            return readable(term.value, datatype), None, sort_key(term.value, datatype)
        if isinstance(term, ox.NamedNode):
            text = self.label(term.value)
            return text, term.value, text.casefold()
        return term.value, None, term.value


Cell = tuple[str, str | None, str | float]
"""A listing's value: its text, its IRI (None for a literal), its sort key."""


def _order(cell: Cell) -> tuple[bool, str | float]:
    """Numbers before text, each in its own order (the two never compare)."""
    return isinstance(cell[2], str), cell[2]


def _ancestors(cls: str, parents: dict[str, set[str]]) -> set[str]:
    found, todo = {cls}, [cls]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found
