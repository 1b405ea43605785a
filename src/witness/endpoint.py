"""The SPARQL query service behind ``/sparql``: vet a request, pick its format, run it.

Vetting happens before any engine sees the query (see :mod:`witness.sparql_lexer` for why
each check exists): its size, its nesting depth, federation (``SERVICE``), and updates sent
to the query operation. The answer's format comes from the ``format`` parameter if given,
else from ``Accept`` (:mod:`witness.negotiation`), among the formats that can hold the
query's kind of answer. The query then runs in the worker pool under its deadline.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from witness.errors import NotAcceptable, QueryRefused
from witness.formats import GRAPHS, RESULTS, GraphFormat, ResultsFormat
from witness.negotiation import choose
from witness.pool import Execution, QueryPool
from witness.protocol import QueryRequest
from witness.sparql_lexer import LexError, Shape, inspect
from witness.worker import Job

Term = ox.NamedNode | ox.BlankNode | ox.Literal


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


def vet(query: str, limits: Limits) -> Shape:
    """Refuse a query that is too large, too deep, federated, or an update.

    :raises QueryRefused: saying which limit the query breaks and where.
    """
    size = len(query.encode("utf-8"))
    if size > limits.max_bytes:
        raise QueryRefused(
            f"The query is {size:,} bytes long; this endpoint accepts at most {limits.max_bytes:,}."
        )
    try:
        shape = inspect(query)
    except LexError as error:
        raise QueryRefused(f"The query is not valid SPARQL: {error}.") from None
    if shape.depth > limits.max_depth:
        raise QueryRefused(
            f"The query nests brackets {shape.depth:,} deep; this endpoint accepts at most "
            f"{limits.max_depth}."
        )
    if shape.services:
        raise QueryRefused(
            f"SERVICE {shape.services[0]} would make this server query another one; "
            "federated queries are not allowed here."
        )
    if shape.is_update:
        raise QueryRefused("This endpoint answers queries; send updates to /update.")
    return shape


def answer_format(
    shape: Shape, wanted: str | None, accept: str | None
) -> ResultsFormat | GraphFormat:
    """The format for the answer: ``wanted`` (a name or media type) if given, else by Accept.

    :raises NotAcceptable: if no format that can hold this kind of answer is acceptable.
    """
    offered: dict[str, ResultsFormat] | dict[str, GraphFormat]
    if shape.form in ("CONSTRUCT", "DESCRIBE"):
        offered, kind = GRAPHS, "graphs (CONSTRUCT, DESCRIBE)"
    else:
        offered, kind = RESULTS, "results (SELECT, ASK)"
    formats: list[ResultsFormat | GraphFormat] = list(offered.values())
    if wanted:
        for fmt in formats:
            if wanted.lower() in (fmt.name, fmt.media_type, *fmt.aliases):
                return fmt
        names = ", ".join(f.name for f in formats)
        raise NotAcceptable(f"The format '{wanted}' cannot hold {kind}; use one of: {names}.")
    media = [(m, fmt) for fmt in formats for m in (fmt.media_type, *fmt.aliases)]
    chosen = choose(accept, [m for m, _ in media])
    if chosen is None:
        types = ", ".join(f.media_type for f in formats)
        raise NotAcceptable(
            f"None of the accepted types can hold {kind}; this server offers {types}."
        )
    return dict(media)[chosen]


def prepare(
    request: QueryRequest, accept: str | None, limits: Limits, prefixes: dict[str, str]
) -> Prepared:
    """Vet a query request and decide its format.

    :raises QueryRefused: see :func:`vet`.
    :raises NotAcceptable: see :func:`answer_format`.
    """
    assert request.query is not None
    shape = vet(request.query, limits)
    fmt = answer_format(shape, request.params.get("format"), accept)
    job = Job(
        query=request.query,
        results_format=fmt.name if isinstance(fmt, ResultsFormat) else "json",
        graph_format=fmt.name if isinstance(fmt, GraphFormat) else "turtle",
        union=not shape.dataset,
        default_graphs=request.default_graphs,
        named_graphs=request.named_graphs,
        prefixes=tuple(prefixes.items()),
    )
    return Prepared(job, fmt)


def run(pool: QueryPool, prepared: Prepared) -> Execution:
    """Start the query in the pool (see :meth:`witness.pool.QueryPool.execute`)."""
    return pool.execute(prepared.job)


def select(pool: QueryPool, query: str) -> list[dict[str, Term | None]]:
    """Run one of our own SELECT queries in the pool; each row maps variable to term."""
    execution = pool.execute(Job(query, results_format="json", graph_format="turtle"))
    chunks, _ = execution.prefetch(limit=1 << 62)
    solutions = ox.parse_query_results(b"".join(chunks), format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [variable.value for variable in solutions.variables]
    return [{name: _term(row[name]) for name in names} for row in solutions]


def _term(term: Term | ox.Triple | None) -> Term | None:
    assert not isinstance(term, ox.Triple), "RDF-star is not used"
    return term
