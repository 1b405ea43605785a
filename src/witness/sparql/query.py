"""Running SPARQL 1.1 queries on the store, with errors that point at the problem.

The default graph of a query is the merge of all named graphs (DESIGN.md, Provenance), which
every build stores (:mod:`witness.dataset.merge`), so a query that does not say ``GRAPH``
sees every fact once, and ``GRAPH ?g`` tells which source document states it; a query with
``FROM``/``FROM NAMED`` gets the dataset it describes (SPARQL 1.1 Query, section 13.2).
The usual prefixes are pre-declared; the query's own ``PREFIX`` declarations take precedence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from witness.dataset.engine import engine
from witness.dataset.store import StoreLocation
from witness.errors import DataError, QueryError
from witness.settings import Settings
from witness.sparql.lexer import LexError, Shape, inspect
from witness.sparql.remote import RemoteStore, held

Answer = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]

_POSITION = re.compile(r"error at (\d+):(\d+)")


def open_store(settings: Settings, *, timeout: float) -> ox.Store | RemoteStore:
    """The live build: the embedded store, or the remote engine's copy of it.

    :raises StoreError: if there is no store, or the engine does not hold the live build.
    """
    location = StoreLocation(settings.store)
    remote = engine(settings)
    if remote is None:
        return location.open_read_only()
    member, dataset = held(location, location.live_build(), remote)
    return RemoteStore(member, dataset, timeout)


def query_text(argument: str, stdin: TextIO) -> str:
    """The text of a query given on a command line: itself, ``@FILE`` for a file's text, or
    ``-`` for standard input.

    :raises DataError: if the file cannot be read.
    """
    if argument == "-":
        return stdin.read()
    if argument.startswith("@"):
        path = Path(argument[1:])
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise DataError(f"Cannot read the query file {path}: {error}") from None
    return argument


def run(
    store: ox.Store | RemoteStore,
    query: str,
    prefixes: dict[str, str],
    base_iri: str | None = None,
) -> Answer:
    """Evaluate ``query`` over the store: its default graph is the merge of the named graphs.

    Relative IRIs in a query without ``BASE`` resolve against ``base_iri`` (SPARQL 1.1 Query,
    section 4.1.1.1), as the endpoint resolves them against the dataset's base.

    :raises QueryError: with the parser's message and the offending line marked, if the query
        is not valid SPARQL 1.1; or the engine's message if evaluation fails.
    """
    try:
        shape = inspect(query)
    except LexError:
        shape = None  # not SPARQL at all: the parser will say where
    if shape is not None:
        check_prefixes(shape, prefixes)
    try:
        if isinstance(store, RemoteStore):
            own = shape is not None and shape.dataset
            return store.query(query, base_iri=base_iri, prefixes=prefixes, own_dataset=own)
        return store.query(query, base_iri=base_iri, prefixes=prefixes)
    except SyntaxError as error:
        raise QueryError(syntax_message(query, str(error))) from None
    except (OSError, ValueError) as error:
        raise QueryError(f"The query failed: {error}") from None


def check_prefixes(shape: Shape, prefixes: Iterable[str]) -> None:
    """Refuse a query that uses a prefix it does not declare and that is not pre-declared,
    naming the prefix, where it is, and the prefixes that are (the parser would only say that
    it expected one of a long list of character ranges).

    >>> check_prefixes(inspect("ASK { ?s schema:name ?o }"), ["schema"])
    >>> check_prefixes(inspect("ASK { ?s foo:name ?o }"), ["schema", "wit"])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    witness.errors.QueryError: The prefix 'foo:' (line 1, column 10) is not declared: ...

    :raises QueryError: for the first undeclared prefix.
    """
    known = set(prefixes)
    for token in shape.undeclared:
        name = token.text.partition(":")[0]
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise QueryError(
                f"The prefix '{name}:' (line {token.line}, column {token.column}) is not "
                f"declared: add PREFIX {name}: <...> to the query, or use a declared prefix: "
                f"{listed}."
            )


def syntax_message(query: str, message: str) -> str:
    """The parser's message in words a person can act on, followed by the offending line
    with a caret under the column (pyoxigraph's columns point one past it).

    >>> print(syntax_message("SELECT * WHERE {\\n  ?s ?p\\n}", "error at 3:2: expected [_]"))
    The query is not valid SPARQL: error at 3:2: the query cannot go on like this here
      3 | }
        | ^
    """
    text = f"The query is not valid SPARQL: {_readable(message)}"
    found = _POSITION.search(message)
    lines = query.splitlines()
    if not found or not 1 <= int(found[1]) <= len(lines):
        return text
    line, column = int(found[1]), int(found[2])
    gutter = f"{line:>3} | "
    return "\n".join(
        [text, gutter + lines[line - 1], " " * (len(gutter) - 2) + "| " + " " * (column - 2) + "^"]
    )


_EXPECTED = re.compile(r"^(error at \d+:\d+: )expected (?:one of )?(.*)$", re.DOTALL)
_ITEM = re.compile(
    r"""\[(?:[^\]\\]|\\.)*\]|"(?:[^"\\]|\\.)*"|[A-Za-z][A-Za-z ]*[A-Za-z]|[A-Za-z]"""
)


def _readable(message: str) -> str:
    """pyoxigraph's "expected one of ..." with what a person can act on: the keywords and
    punctuation it lists, without the character classes (``[_]``, ``['A' ..= 'Z' | ...]``)
    that fill its message when a name was cut short. A list of one keyword is left out: the
    parser names the last alternative it tried, which misleads (a stray ``}`` "expected
    OPTIONAL").

    >>> _readable("error at 1:25: expected one of LATERAL, SERVICE, [_]")
    'error at 1:25: the query cannot go on like this here; expected one of: LATERAL, SERVICE'
    >>> _readable('error at 1:21: expected one of ",", ".", "}", [_]')
    'error at 1:21: the query cannot go on like this here; expected one of: , . }'
    >>> _readable("error at 1:27: expected OPTIONAL")
    'error at 1:27: the query cannot go on like this here'
    """
    found = _EXPECTED.match(message)
    if not found:
        return message
    items = [item for item in _ITEM.findall(found[2]) if not item.startswith("[")]
    shown = [item[1:-1] if item.startswith('"') else item for item in items]
    words = [item for item in shown if item[:1].isalpha()]
    marks = [item for item in shown if not item[:1].isalpha()]
    text = f"{found[1]}the query cannot go on like this here"
    if marks and not words:
        return f"{text}; expected one of: {' '.join(marks)}"
    if len(shown) > 1:
        return f"{text}; expected one of: {', '.join(words + marks)}"
    return text
