"""What a source document's page shows: the document (its title, publisher, date, address,
kind) and every statement drawn from it, grouped by subject, a page of subjects at a time; and
the same for a named graph's page (the statements it holds).

The document is read as any entity is (:mod:`witness.browse.entity`); its statements come from
``source-statements.rq`` (every named graph derived from it) or ``graph-statements.rq`` (one
graph), in the store's index order, which keeps a subject's statements together: a page is
:data:`LIMIT` statements at most, ends with a whole subject, and the next starts at the row
after it, so that a document of any size costs one bounded query per page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from witness.browse.catalog import Catalog
from witness.browse.entity import Entity, entity, paged
from witness.browse.labels import Labels, Named
from witness.browse.values import readable
from witness.sparql.endpoint import select
from witness.sparql.pool import Runs

LIMIT = 1000
"""Statements read per page."""

ADDRESS = "http://schema.org/url"


@dataclass(frozen=True)
class Statement:
    property: Named
    text: str
    link: Named | None
    language: str


@dataclass(frozen=True)
class Subject:
    subject: Named
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Source:
    document: Entity
    address: str
    """The document's own address (``schema:url``), where it is known."""
    subjects: tuple[Subject, ...]
    following: int | None
    """The row the next page of subjects starts at (None: this is the last)."""


def source(
    pool: Runs,
    catalog: Catalog,
    labels: Labels,
    iri: ox.NamedNode,
    skip: int = 0,
    *,
    graph: bool = False,
) -> Source | None:
    """The page of the source document ``iri`` (or of the named graph ``iri``, if ``graph``);
    None if nothing is said about it."""
    document = entity(pool, catalog, labels, iri)
    if document is None:
        return None
    query, key = ("graph-statements", "g") if graph else ("source-statements", "source")
    rows = select(pool, paged(query, LIMIT, skip), {key: iri})
    following: int | None = None
    if len(rows) >= LIMIT:
        last = rows[-1]["s"]
        whole = [row for row in rows if row["s"] != last]
        rows = whole or rows  # a subject with more statements than a page: cut it
        following = skip + len(rows)
    iris: list[str] = []
    for row in rows:
        for key in ("s", "p", "o"):
            term = row[key]
            if isinstance(term, ox.NamedNode):
                iris.append(term.value)
    named_ = labels.of(iris)
    grouped: dict[str, dict[Statement, None]] = {}
    for row in rows:
        subject, prop, value = row["s"], row["p"], row["o"]
        if subject is None or prop is None or value is None:
            continue
        if isinstance(value, ox.Literal):
            shown = Statement(
                named_[prop.value],
                readable(value.value, value.datatype.value),
                None,
                value.language or "",
            )
        else:
            link = named_.get(value.value, Named(value.value, "", ""))
            shown = Statement(named_[prop.value], link.text, link, "")
        grouped.setdefault(subject.value, {})[shown] = None
    address = next(
        (
            value.lexical
            for group in document.outgoing
            if group.predicate.iri == ADDRESS
            for value in group.values
            if value.link and value.link.href
        ),
        "",
    )
    return Source(
        document,
        address,
        tuple(
            Subject(
                named_.get(subject, Named(subject, "", "")),
                tuple(sorted(statements, key=lambda s: (s.property.text.casefold(), s.text))),
            )
            for subject, statements in grouped.items()
        ),
        following,
    )
