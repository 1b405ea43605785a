"""Descriptions of the resources Witness names: what ``/id/``, ``/source/``, ``/graph/`` and
``/ontology`` answer, as linked data (W3C, "Cool URIs for the Semantic Web").

The description of a resource holds every statement about it and every statement pointing at
it, the labels and types of its neighbours, and, for each statement, the source documents that
state it: as named graphs in TriG, N-Quads and JSON-LD, and by RDF reification in Turtle,
N-Triples and RDF/XML (the convention is set out in :mod:`witness.dataset.provenance`). A named
graph's description adds its size (``void:triples``) and up to a hundred resources it describes
(``void:exampleResource``); the ontology's is the graph of ``ontology/witness.ttl``.

Descriptions are queries like any other: they run in the worker pool under its deadline, and
the resource goes into the named queries (``queries/describe*.rq``) as a binding, never as
text, so a path holding quotes, ``>`` or braces cannot change a query; a path that is no
IRI at all never reaches a query.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pyoxigraph as ox

from witness.formats import GRAPHS, GraphFormat
from witness.iris import Iris, iri_for_path, local_path, slugify
from witness.publish import pages
from witness.queries import named
from witness.sparql import endpoint
from witness.sparql.pool import Execution, Runs
from witness.sparql.worker import Job

SUGGESTIONS = 5
"""Most resources a "not found" answer suggests."""

SIMILAR = 0.6
"""Least similarity (difflib's ratio, 0 to 1) of slug or label for a suggestion."""


def resource(iris: Iris, path: str) -> ox.NamedNode | None:
    """The resource this server answers for at ``path`` (``/id/vivos``), if it is an IRI.

    >>> resource(Iris("https://w3id.org/witness/"), "/id/vivos")
    <NamedNode value=https://w3id.org/witness/id/vivos>
    >>> resource(Iris("https://w3id.org/witness/"), '/id/x> } ?s ?p "') is None
    True
    """
    try:
        return ox.NamedNode(iri_for_path(path, iris.base))
    except ValueError:
        return None


def document(pool: Runs, iris: Iris, subject: ox.NamedNode, fmt: GraphFormat) -> Execution | None:
    """The description of ``subject`` in ``fmt``, as a worker writes it; None if nothing is
    known about it.

    :raises QueryTimeout, Overloaded, WorkerLost: as :meth:`witness.sparql.pool.QueryPool.execute`.
    """
    graph = subject.value.startswith(iris.graph(""))
    job = Job(
        named("describe"),
        results_format="json",
        graph_format=fmt.name,
        prefixes=tuple(iris.prefixes().items()),
        bindings=(("this", subject),),
        document=True,
        more=(named("describe-graph-size"), named("describe-graph-examples")) if graph else (),
    )
    return _found(pool.execute(job))


def ontology_document(pool: Runs, iris: Iris, fmt: GraphFormat) -> Execution | None:
    """The ontology (its header and every term of ``{base}ontology#``) in ``fmt``; None if
    the store has no ontology graph."""
    job = Job(
        named("ontology"),
        results_format="json",
        graph_format=fmt.name,
        prefixes=tuple(iris.prefixes().items()),
        bindings=(
            ("g", ox.NamedNode(iris.ontology_graph)),
            ("ontology", ox.NamedNode(iris.ontology)),
            ("namespace", ox.Literal(iris.ontology_namespace)),
        ),
        document=True,
    )
    return _found(pool.execute(job))


def ontology_page(pool: Runs, iris: Iris) -> pages.Ontology | None:
    """What the ontology's documentation page shows; None if the store has no ontology."""
    quads = _quads(ontology_document(pool, iris, GRAPHS["nquads"]))
    return pages.ontology(quads, iris) if quads else None


@dataclass(frozen=True)
class Suggestion:
    """A resource that exists and looks like the one asked for."""

    label: str
    path: str
    score: float


def suggestions(pool: Runs, iris: Iris, path: str) -> list[Suggestion]:
    """Resources under the same kind of path (``/id/``...) with a similar slug or label.

    Candidates come from ``queries/suggestions.rq`` (slug starting like the one asked for,
    or label holding its longest word) and are ranked with difflib's similarity ratio.
    """
    kind, _, asked = path.lstrip("/").partition("/")
    wanted = slugify(asked)
    if not wanted:
        return []
    namespace = f"{iris.base}{kind}/"
    word = max(wanted.split("-"), key=len)
    rows = endpoint.select(
        pool,
        named("suggestions"),
        {
            "namespace": ox.Literal(namespace),
            "stem": ox.Literal(wanted[:3]),
            "word": ox.Literal(word),
        },
    )
    best: dict[str, Suggestion] = {}
    for row in rows:
        found, label = row["resource"], row["label"]
        if not isinstance(found, ox.NamedNode) or not isinstance(label, ox.Literal):
            continue
        slug = found.value.removeprefix(namespace)
        score = max(
            difflib.SequenceMatcher(None, wanted, slug).ratio(),
            difflib.SequenceMatcher(None, wanted, slugify(label.value)).ratio(),
        )
        target = local_path(found.value, iris.base)
        if score >= SIMILAR and target and score > getattr(best.get(slug), "score", 0):
            best[slug] = Suggestion(label.value, target, score)
    ranked = sorted(best.values(), key=lambda s: (-s.score, s.label))
    return ranked[:SUGGESTIONS]


def _found(execution: Execution) -> Execution | None:
    """``execution``, or None (and the worker released) if the description is empty."""
    if execution.kind == "empty":
        execution.prefetch(limit=1)
        return None
    return execution


def _quads(execution: Execution | None) -> list[ox.Quad]:
    if execution is None:
        return []
    chunks, _ = execution.prefetch(limit=1 << 62)
    return list(ox.parse(b"".join(chunks), format=ox.RdfFormat.N_QUADS))
