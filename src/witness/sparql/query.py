"""Running SPARQL 1.1 queries on the store, with errors that point at the problem.

The default graph of a query is the union of all named graphs (DESIGN.md, Provenance), so a
query that does not say ``GRAPH`` sees every statement, and ``GRAPH ?g`` tells which source
document states it; a query with ``FROM``/``FROM NAMED`` gets the dataset it describes.
The usual prefixes are pre-declared; the query's own ``PREFIX`` declarations take precedence.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from witness.errors import QueryError
from witness.sparql.lexer import LexError, inspect

Answer = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

_POSITION = re.compile(r"error at (\d+):(\d+)")


def run(
    store: ox.Store, query: str, prefixes: dict[str, str], base_iri: str | None = None
) -> Answer:
    """Evaluate ``query`` over the union of the store's graphs.

    Relative IRIs in a query without ``BASE`` resolve against ``base_iri`` (SPARQL 1.1 Query,
    section 4.1.1.1), as the endpoint resolves them against the dataset's base.

    :raises QueryError: with the parser's message and the offending line marked, if the query
        is not valid SPARQL 1.1; or the engine's message if evaluation fails.
    """
    try:
        return store.query(
            query,
            base_iri=base_iri,
            use_default_graph_as_union=union_default(query),
            prefixes=prefixes,
        )
    except SyntaxError as error:
        raise QueryError(syntax_message(query, str(error))) from None
    except (OSError, ValueError) as error:
        raise QueryError(f"The query failed: {error}") from None


def union_default(query: str) -> bool:
    """Whether the default graph should be the union: unless the query has a dataset clause.

    >>> union_default("SELECT * FROM <http://g> { ?s ?p ?o }"), union_default("ASK {}")
    (False, True)
    """
    try:
        return not inspect(query).dataset
    except LexError:
        return True  # not SPARQL at all: the parser will say where


def syntax_message(query: str, message: str) -> str:
    """The parser's message, followed by the offending line with a caret under the column.

    >>> print(syntax_message("SELECT * WHERE {\\n  ?s ?p\\n}", "error at 2:8: expected ..."))
    The query is not valid SPARQL: error at 2:8: expected ...
      2 |   ?s ?p
        |       ^
    """
    text = f"The query is not valid SPARQL: {message}"
    found = _POSITION.search(message)
    lines = query.splitlines()
    if not found or not 1 <= int(found[1]) <= len(lines):
        return text
    line, column = int(found[1]), int(found[2])
    gutter = f"{line:>3} | "
    return "\n".join(
        [text, gutter + lines[line - 1], " " * (len(gutter) - 2) + "| " + " " * (column - 2) + "^"]
    )
