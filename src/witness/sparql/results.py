"""Writing query answers in the formats the CLI offers.

SELECT and ASK answers are written as a text table, or in the W3C result formats: SPARQL 1.1
Query Results JSON, the SPARQL Query Results XML Format, and SPARQL 1.1 CSV/TSV. CONSTRUCT
and DESCRIBE graphs are written as Turtle, N-Triples or JSON-LD.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import pyoxigraph as ox

from witness.errors import QueryError
from witness.formats import GRAPHS, RESULTS
from witness.iris import compact
from witness.sparql.query import Answer

CLI_GRAPH_FORMATS = ("turtle", "ntriples", "jsonld")
"""The RDF syntaxes ``witness query`` offers for CONSTRUCT and DESCRIBE answers."""

FORMATS = ["table", *RESULTS, *CLI_GRAPH_FORMATS]


def write(answer: Answer, out: BinaryIO, fmt: str | None, prefixes: dict[str, str]) -> None:
    """Write ``answer`` to ``out``; ``fmt`` None means ``table`` or ``turtle`` as it fits.

    :raises QueryError: if ``fmt`` does not suit the kind of answer.
    """
    if isinstance(answer, ox.QueryTriples | list):
        fmt = fmt or "turtle"
        if fmt not in CLI_GRAPH_FORMATS:
            raise QueryError(_mismatch(fmt, "a graph (CONSTRUCT or DESCRIBE)", CLI_GRAPH_FORMATS))
        syntax = GRAPHS[fmt].syntax
        used = prefixes if syntax is ox.RdfFormat.TURTLE else None
        ox.serialize(answer, out, syntax, prefixes=used)
        return
    fmt = fmt or "table"
    if fmt not in RESULTS and fmt != "table":
        raise QueryError(_mismatch(fmt, "results (SELECT or ASK)", ["table", *RESULTS]))
    if fmt in RESULTS:
        answer.serialize(out, RESULTS[fmt].syntax)
    elif isinstance(answer, ox.QueryBoolean):
        out.write(b"true\n" if answer else b"false\n")
    else:
        out.write(table(answer, prefixes).encode())


def _mismatch(fmt: str, kind: str, allowed: Iterable[str]) -> str:
    return f"The format '{fmt}' cannot hold {kind}; use one of: {', '.join(allowed)}."


def table(solutions: ox.QuerySolutions, prefixes: dict[str, str]) -> str:
    """SELECT results as an aligned text table, IRIs shortened with ``prefixes``."""
    names = [variable.value for variable in solutions.variables]
    rows = [[display(row[name], prefixes) for name in names] for row in solutions]
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    out = [line(names), line(["-" * width for width in widths])]
    out += [line(row) for row in rows]
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(text.rstrip() for text in out) + "\n"


def display(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None, prefixes: dict[str, str]
) -> str:
    """A term as a person reads it: ``id:cockroach``, ``Cockroach``, ``_:b0``, or empty.

    >>> display(ox.NamedNode("http://schema.org/Movie"), {"schema": "http://schema.org/"})
    'schema:Movie'
    >>> display(ox.Literal("PT93M"), {})
    'PT93M'
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value.replace("\n", " ")
    return str(term)
