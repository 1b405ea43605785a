"""The SPARQL query service behind ``/sparql``: vet a request, pick its format, run it.

Vetting happens before any engine sees the query (see :mod:`witness.sparql.lexer` for why
each check exists): its size, its nesting depth, federation (``SERVICE``), and updates sent
to the query operation. The answer's format comes from the ``format`` parameter if given,
else from ``Accept`` (:mod:`witness.negotiation`), among the formats that can hold the
query's kind of answer. The query then runs in the worker pool under its deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from witness.errors import NotAcceptable, QueryRefused
from witness.formats import GRAPHS, RESULTS, GraphFormat, ResultsFormat
from witness.negotiation import MediaRange, parse_accept, quality
from witness.sparql.lexer import Ambiguous, LexError, Shape, TooCostly, inspect
from witness.sparql.pool import Execution, Runs
from witness.sparql.protocol import UPDATES_REFUSED, QueryRequest
from witness.sparql.query import check_prefixes
from witness.sparql.worker import Job

Term = ox.NamedNode | ox.BlankNode | ox.Literal


MAX_OPERATOR_CHAIN = 1_000
"""Most operators, patterns and list items a query may string together along its nested
brackets (:attr:`witness.sparql.lexer.Shape.chain`): far beyond any real query, far below the
two or three thousand at which pyoxigraph 0.5.13 overflows its stack."""


@dataclass(frozen=True)
class Limits:
    """What the endpoint accepts (from :class:`witness.settings.Settings`)."""

    max_bytes: int
    max_depth: int


@dataclass(frozen=True)
class Prepared:
    """A vetted query, ready to run, and the format its answer will be in."""

    job: Job
    format: ResultsFormat | GraphFormat


def vet(query: str, limits: Limits, prefixes: Iterable[str] = ()) -> Shape:
    """Refuse a query that is too large, too deep, federated, an update, or that uses a prefix
    neither it nor ``prefixes`` (the pre-declared ones) declares.

    :raises QueryRefused: saying which limit the query breaks and where.
    """
    size = len(query.encode("utf-8"))
    if size > limits.max_bytes:
        raise QueryRefused(
            f"The query is {size:,} bytes long; this endpoint accepts at most {limits.max_bytes:,}."
        )
    try:
        shape = inspect(query)
    except (Ambiguous, TooCostly) as error:
        raise QueryRefused(f"The query cannot be vetted safely: {error}.") from None
    except LexError as error:
        raise QueryRefused(f"The query is not valid SPARQL: {error}.") from None
    if shape.depth > limits.max_depth:
        raise QueryRefused(
            f"The query nests brackets {shape.depth:,} deep; this endpoint accepts at most "
            f"{limits.max_depth}."
        )
    if shape.chain > MAX_OPERATOR_CHAIN:
        raise QueryRefused(
            f"The query strings {shape.chain:,} operators together in its expressions, paths "
            "and groups (each pattern of a group and item of a list counts as one, and nested "
            f"brackets add up); this endpoint accepts at most {MAX_OPERATOR_CHAIN:,}."
        )
    if shape.services:
        raise QueryRefused(
            f"SERVICE {shape.services[0]} would make this server query another one; "
            "federated queries are not allowed here."
        )
    if shape.is_update:
        raise QueryRefused(UPDATES_REFUSED)
    check_prefixes(shape, prefixes)
    return shape


GRAPH_FORMAT_NAMES = {
    "xml": "rdfxml",
    "rdf+xml": "rdfxml",
    "json": "jsonld",
    "json-ld": "jsonld",
    "n3": "turtle",
    "text/n3": "turtle",
    "n-triples": "ntriples",
    "n-quads": "nquads",
}
"""Other names clients give graph formats in ``format``, as Fuseki reads them: for a graph,
``xml`` is RDF/XML and ``json`` JSON-LD (SPARQLWrapper asks for RDF/XML with ``format=xml``
by default); a Turtle document is also N3."""


def answer_format(
    shape: Shape, wanted: str | Sequence[str] | None, accept: str | None
) -> ResultsFormat | GraphFormat:
    """The format for the answer: the first of ``wanted`` (names, media types or file
    extensions) that can hold it if any is given, else the best by Accept.

    :raises NotAcceptable: if no format that can hold this kind of answer is acceptable.
    """
    offered: dict[str, ResultsFormat] | dict[str, GraphFormat]
    if shape.form in ("CONSTRUCT", "DESCRIBE"):
        offered, kind, synonyms = GRAPHS, "graphs (CONSTRUCT, DESCRIBE)", GRAPH_FORMAT_NAMES
    else:
        offered, kind, synonyms = RESULTS, "results (SELECT, ASK)", {}
    formats: list[ResultsFormat | GraphFormat] = list(offered.values())
    names = [wanted] if isinstance(wanted, str) else list(wanted or ())
    if names:
        for name in names:
            key = synonyms.get(name.lower(), name.lower())
            for fmt in formats:
                if key in (fmt.name, fmt.media_type, fmt.extension, *fmt.aliases):
                    return fmt
        listed = ", ".join(f.name for f in formats)
        raise NotAcceptable(f"The format '{names[0]}' cannot hold {kind}; use one of: {listed}.")
    ranges = parse_accept(accept)
    scored = [(_quality(ranges, fmt), -index, fmt) for index, fmt in enumerate(formats)]
    q, _, chosen = max(scored, key=lambda score: score[:2])
    if q <= 0:
        types = ", ".join(f.media_type for f in formats)
        raise NotAcceptable(
            f"None of the accepted types can hold {kind}; this server offers {types}."
        )
    return chosen


def _quality(ranges: list[MediaRange], fmt: ResultsFormat | GraphFormat) -> float:
    """The q a client gives ``fmt`` (RFC 9110, section 12.5.1).

    The answer is sent as ``fmt.media_type``, so that type decides when the client names it.
    Aliases (``application/json``, ``text/xml``...) count only when named exactly: matched
    through ``text/*`` they would send the XML results, ``application/sparql-results+xml``,
    to a client that accepts only text.
    """
    if any(r.specificity(fmt.media_type) == 2 for r in ranges):
        return quality(ranges, fmt.media_type)
    named = [
        quality(ranges, alias)
        for alias in fmt.aliases
        if any(r.specificity(alias) == 2 for r in ranges)
    ]
    return max([quality(ranges, fmt.media_type), *named])


def prepare(
    request: QueryRequest,
    accept: str | None,
    limits: Limits,
    prefixes: dict[str, str],
    base_iri: str | None = None,
) -> Prepared:
    """Vet a query request and decide its format; ``base_iri`` resolves relative IRIs.

    :raises QueryRefused: see :func:`vet`.
    :raises NotAcceptable: see :func:`answer_format`.
    """
    assert request.query is not None
    shape = vet(request.query, limits, prefixes)
    fmt = answer_format(shape, request.formats, accept)
    job = Job(
        query=request.query,
        results_format=fmt.name if isinstance(fmt, ResultsFormat) else "json",
        graph_format=fmt.name if isinstance(fmt, GraphFormat) else "turtle",
        default_graphs=request.default_graphs,
        named_graphs=request.named_graphs,
        prefixes=tuple(prefixes.items()),
        base_iri=base_iri,
        own_dataset=shape.dataset,
    )
    return Prepared(job, fmt)


def run(pool: Runs, prepared: Prepared) -> Execution:
    """Start the query in the pool (see :meth:`witness.sparql.pool.QueryPool.execute`)."""
    return pool.execute(prepared.job)


def select(
    pool: Runs, query: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None
) -> list[dict[str, Term | None]]:
    """Run one of our own SELECT queries in the pool; each row maps variable to term.

    ``bindings`` are substituted for the query's variables (see :class:`witness.sparql.worker.Job`).
    """
    job = Job(
        query,
        results_format="json",
        graph_format="turtle",
        bindings=tuple((bindings or {}).items()),
    )
    execution = pool.execute(job)
    chunks, _ = execution.prefetch(limit=1 << 62)
    solutions = ox.parse_query_results(b"".join(chunks), format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [variable.value for variable in solutions.variables]
    return [{name: _term(row[name]) for name in names} for row in solutions]


def _term(term: Term | ox.Triple | None) -> Term | None:
    assert not isinstance(term, ox.Triple), "RDF-star is not used"
    return term
