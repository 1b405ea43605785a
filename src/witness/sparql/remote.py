"""The remote store: the part of :class:`pyoxigraph.Store`'s interface a query worker uses
(``query``), and the metadata of graphs its descriptions need, answered by a remote SPARQL engine
(:mod:`witness.dataset.engine`) holding a build uploaded by :mod:`witness.dataset.upload`.

Answers come back as pyoxigraph's own objects (parsed from the engine's SPARQL results or
N-Triples), so the worker writes them in every format, with the same provenance, exactly as
it writes the embedded store's.

What the embedded store does implicitly is said explicitly here:

* **The dataset.** Unless the query (``FROM``) or the request (``default-graph-uri``,
  ``named-graph-uri``) describes one, the default graph is the build's materialised default
  graph and the named graphs are the build's graphs, given to the engine as protocol
  parameters (SPARQL 1.1 Protocol, section 2.1.4): an engine's own default graph may hold
  more (Virtuoso's holds its system graphs). The named graphs matter only to a query that
  reads them (``GRAPH``), and only such a query gets them: listed one by one, or, on
  Virtuoso and for a query that reads no default graph (the entity pages' and descriptions'),
  as the few other graphs to leave out (see :class:`witness.dataset.upload.Held`).
* **Prefixes and base.** Declared in a prologue before the query text (SPARQL 1.1 Query,
  section 4.1.1: a later declaration in the query overrides them).
* **Bindings.** Our own queries' bindings (pyoxigraph's substitutions, applied to the
  top-level group) become a ``VALUES`` block opening that group (section 10.2.1).
* **Syntax.** A query is parsed by pyoxigraph on an empty store first, so a syntax error
  reads the same whichever store answers.

Virtuoso 7 answers ``ASK`` as a one-row table of ``__ASK_RETVAL`` (1 or 0): read as the
boolean it means. Given our deadline as its ``timeout``, it answers what it found so far
when the time is up, marked ``X-SQL-State: S1TAT``: refused as a timeout, never passed on as
if it were the answer.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from witness.dataset import upload
from witness.dataset.engine import Engine
from witness.dataset.provenance import DERIVED_FROM, TITLE
from witness.dataset.store import StoreLocation
from witness.errors import BackendTimeout, BackendUnavailable, QueryError, StoreError
from witness.sparql import lexer

RESULTS = "application/sparql-results+json"
GRAPH = "application/n-triples"
ACCEPT = {
    "SELECT": f"{RESULTS}, application/sparql-results+xml;q=0.9",
    "ASK": f"{RESULTS}, application/sparql-results+xml;q=0.9",
    "CONSTRUCT": f"{GRAPH}, text/turtle;q=0.9",
    "DESCRIBE": f"{GRAPH}, text/turtle;q=0.9",
}
PARSE_RESULTS = {
    RESULTS: ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
PARSE_GRAPH = {
    GRAPH: ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
}
_EXCLUDE = "define input:named-graph-exclude <{}>\n"
"""Virtuoso's pragma leaving a graph out of a query's graphs (before the prologue): see
:func:`_excludable` for the queries it serves."""
VIRTUOSO_NAMED_GRAPHS = 4_000
"""Most named graphs Virtuoso 7 takes in one query's dataset: 4,000 were taken, 5,000
refused ("Too many arguments for standard built-in function")."""
DERIVATIONS = 500
"""Most graphs whose metadata one request asks for (a ``VALUES`` block of 500 IRIs is some
30 kB of query text)."""
_DERIVATIONS = (
    "SELECT ?g ?source ?stated ?title WHERE {{ VALUES ?g {{ {values} }} GRAPH ?stated {{ "
    "?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?source "
    "OPTIONAL {{ ?source <http://purl.org/dc/terms/title> ?title }} }} }}"
)
VIRTUOSO_ASK = "__ASK_RETVAL"
VIRTUOSO_TIMED_OUT = "S1TAT"
"""The ``X-SQL-State`` of a Virtuoso answer cut short by its timeout (an "anytime" answer)."""

F = TypeVar("F", ox.QueryResultsFormat, ox.RdfFormat)
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Answer = ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]


@dataclass(frozen=True)
class Dataset:
    """The build's graphs on the engine: its materialised default graph, its named graphs,
    and the engine's other graphs if a query is to leave them out instead of listing the
    build's (Virtuoso's ``define input:named-graph-exclude``)."""

    default: str
    named: tuple[str, ...]
    exclude: tuple[str, ...] | None = None


def held(location: StoreLocation, build: Path, engine: Engine) -> tuple[Engine, Dataset]:
    """The engine of ``engine``'s pair that holds ``build``, and its graphs there, as the
    build's upload recorded them.

    :raises StoreError: if the build was not loaded into the engine (or its standby).
    """
    record = location.derived(build) / upload.artefact_name(engine)
    loaded = "'witness build' with the same --store-url and --standby-url loads it"
    try:
        found = upload.Held.read(record)
    except (OSError, ValueError, KeyError):
        raise StoreError(
            f"The build {build.name} has not been loaded into the SPARQL engine at "
            f"{engine.name}: {loaded}."
        ) from None
    for member in engine.pair:
        if member.name == found.engine:
            return member, Dataset(found.default, found.named, found.exclude)
    raise StoreError(
        f"The build {build.name} was loaded into the SPARQL engine at {found.engine}, which "
        f"is neither {' nor '.join(m.name for m in engine.pair)}: {loaded}."
    )


GRACE = 1.0
"""Seconds past its deadline a request to the engine is given up on, if no one stopped it
before (a query worker is stopped at the deadline itself)."""


class RemoteStore:
    """Queries of one build on ``engine``, each with a deadline of ``timeout`` seconds."""

    def __init__(self, engine: Engine, dataset: Dataset, timeout: float) -> None:
        self.engine = engine
        self.dataset = dataset
        self.timeout = timeout
        self._parser = ox.Store()
        self._server = ""
        self._named = frozenset(dataset.named)

    def _deadline(self) -> list[tuple[str, str]]:
        """Our deadline as the engine's own timeout parameter, where it has one (known from
        its ``Server`` header once it has answered): Virtuoso's ``timeout`` in milliseconds,
        Fuseki's in seconds. The engine then stops the query itself."""
        if self._server.startswith("Virtuoso"):
            return [("timeout", str(int(self.timeout * 1000)))]
        if "Fuseki" in self._server:
            return [("timeout", f"{self.timeout:g}")]
        return []

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        prefixes: dict[str, str] | None = None,
        default_graph: Sequence[ox.NamedNode] | None = None,
        named_graphs: Sequence[ox.NamedNode] | None = None,
        substitutions: dict[ox.Variable, Term | ox.Triple] | None = None,
        own_dataset: bool = False,
    ) -> Answer:
        """The answer of ``query`` (see :meth:`pyoxigraph.Store.query` for the arguments);
        ``own_dataset`` says the query names its dataset with ``FROM``.

        :raises SyntaxError: if the query is not valid SPARQL.
        :raises QueryError: if the engine refuses it.
        :raises BackendUnavailable: if the engine fails or answers garbage.
        :raises BackendTimeout: if it does not answer in time.
        """
        self._parser.query(query, base_iri=base_iri, prefixes=prefixes)  # a syntax error here
        shape = lexer.inspect(query)
        form = shape.form or "SELECT"
        text = _prologue(base_iri, prefixes or {}) + _bound(query, form, substitutions or {})
        parameters: list[tuple[str, str]] = []
        if default_graph is not None or named_graphs is not None:
            parameters += [("default-graph-uri", g.value) for g in default_graph or ()]
            parameters += [("named-graph-uri", g.value) for g in named_graphs or ()]
        elif not own_dataset:
            parameters.append(("default-graph-uri", self.dataset.default))
            virtuoso = self.dataset.exclude is not None
            names = _graph_names(query, base_iri, prefixes or {}) if virtuoso else None
            if virtuoso and shape.graph_variable and _excludable(shape):
                text = "".join(_EXCLUDE.format(g) for g in self.dataset.exclude or ()) + text
            elif names is not None and not shape.graph_variable:
                parameters += [("named-graph-uri", g) for g in names if g in self._named]
            elif shape.named:
                self._check_named(len(self.dataset.named))
                parameters += [("named-graph-uri", g) for g in self.dataset.named]
        parameters += self._deadline()
        media, data, headers = self.engine.query(
            text, ACCEPT[form], parameters=parameters, timeout=self.timeout + GRACE
        )
        self._server = headers.get("server", "")
        if headers.get("x-sql-state") == VIRTUOSO_TIMED_OUT:
            raise BackendTimeout(
                f"The SPARQL engine at {self.engine.name} stopped the query at its deadline "
                "and offered part of the answer, which is not given as the answer."
            )
        try:
            if form in ("CONSTRUCT", "DESCRIBE"):
                return list(ox.parse(data, _format(PARSE_GRAPH, media, self.engine)))
            answer = ox.parse_query_results(data, _format(PARSE_RESULTS, media, self.engine))
        except SyntaxError as error:
            raise BackendUnavailable(
                f"The SPARQL engine at {self.engine.name} answered something that is not "
                f"{media}: {error}"
            ) from None
        if form == "ASK" and isinstance(answer, ox.QuerySolutions):
            return _virtuoso_ask(answer, self.engine)
        return answer

    def _check_named(self, count: int) -> None:
        """Refuse, in our words, a list of named graphs Virtuoso would refuse."""
        if self.dataset.exclude is not None and count > VIRTUOSO_NAMED_GRAPHS:
            raise QueryError(
                f"The SPARQL engine at {self.engine.name} (Virtuoso) takes at most "
                f"{VIRTUOSO_NAMED_GRAPHS:,} named graphs in a query's dataset, and this build "
                f"has {count:,}: a query that reads both named graphs (GRAPH) and the default "
                "graph cannot be given them all there. Read the named graphs only, or name "
                "those the query needs with FROM and FROM NAMED."
            )

    def derivations(self, graphs: Sequence[ox.NamedNode], /) -> Iterator[ox.Quad]:
        """The metadata of ``graphs`` (see :class:`witness.dataset.provenance.Derivations`),
        :data:`DERIVATIONS` graphs a request: a round trip per graph would cost a description
        naming a thousand graphs seconds."""
        for start in range(0, len(graphs), DERIVATIONS):
            values = " ".join(str(graph) for graph in graphs[start : start + DERIVATIONS])
            answer = self.query(_DERIVATIONS.format(values=values))
            assert isinstance(answer, ox.QuerySolutions)
            for graph, source, stated, title in answer:
                if not isinstance(graph, ox.NamedNode) or not isinstance(stated, ox.NamedNode):
                    continue
                if isinstance(source, ox.NamedNode | ox.BlankNode | ox.Literal):
                    yield ox.Quad(graph, DERIVED_FROM, source, stated)
                if isinstance(source, ox.NamedNode | ox.BlankNode) and title is not None:
                    yield ox.Quad(source, TITLE, title, stated)


def _excludable(shape: lexer.Shape) -> bool:
    """Whether Virtuoso answers the query right with graphs left out by its pragma: not if
    it reads the default graph, which the pragma leaves out too, nor if it names a graph
    (``GRAPH <g>``), which Virtuoso 7 then finds empty whatever is left out.

    A query whose graphs are all named gets those of them that are the build's graphs
    instead (:func:`_graph_names`)."""
    return not shape.default and not shape.graph_iri


def _graph_names(query: str, base_iri: str | None, prefixes: dict[str, str]) -> list[str] | None:
    """The IRIs ``query`` names after ``GRAPH``, resolved against its prologue (and ours), or
    None if one cannot be (SPARQL 1.1 Query, section 4.1.1: a prefixed name's local part
    appended to its namespace, backslash escapes removed; a relative IRI resolved against
    the base by RFC 3986).

    >>> _graph_names(r"PREFIX g: <g/> ASK { GRAPH g:a\\-b {} GRAPH <c> {} }", "http://e/", {})
    ['http://e/g/a-b', 'http://e/c']
    """
    declared = dict(prefixes)
    base = base_iri or ""
    names: list[str] = []
    stream = lexer.tokens(query)
    for index, token in enumerate(stream[:-1]):
        following = stream[index + 1]
        word = token.text.upper() if token.kind == "word" else ""
        if word == "BASE" and following.kind == "iri":
            base = urllib.parse.urljoin(base, following.text[1:-1])
        elif word == "PREFIX" and following.kind == "pname" and index + 2 < len(stream):
            declared[following.text[:-1]] = urllib.parse.urljoin(base, stream[index + 2].text[1:-1])
        elif word == "GRAPH" and following.kind == "iri":
            names.append(urllib.parse.urljoin(base, following.text[1:-1]))
        elif word == "GRAPH" and following.kind == "pname":
            prefix, _, local = following.text.partition(":")
            if prefix not in declared:
                return None
            names.append(declared[prefix] + re.sub(r"\\(.)", r"\1", local))
    return names


def _prologue(base_iri: str | None, prefixes: dict[str, str]) -> str:
    lines = [f"BASE <{base_iri}>"] if base_iri else []
    lines += [f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items()]
    return "".join(line + "\n" for line in lines)


def _bound(query: str, form: str, substitutions: dict[ox.Variable, Term | ox.Triple]) -> str:
    """``query`` with ``substitutions`` as a ``VALUES`` block opening its top-level group
    (the ``{`` after ``WHERE``, or the first ``{`` of a query without a template)."""
    if not substitutions:
        return query
    stream = lexer.tokens(query)
    opening = None
    after_where = form != "CONSTRUCT"
    for token in stream:
        if token.kind == "word" and token.text.upper() == "WHERE":
            after_where = True
        elif token.kind == "open" and token.text == "{" and after_where:
            opening = token
            break
    if opening is None:
        raise ValueError("a query with bindings needs a WHERE group")
    lines = query.split("\n")
    offset = sum(len(line) + 1 for line in lines[: opening.line - 1]) + opening.column
    names = " ".join(str(variable) for variable in substitutions)
    values = " ".join(str(term) for term in substitutions.values())
    return f"{query[:offset]} VALUES ({names}) {{ ({values}) }} {query[offset:]}"


def _format(formats: dict[str, F], media: str, engine: Engine) -> F:
    found = formats.get(media)
    if found is None:
        raise BackendUnavailable(
            f"The SPARQL engine at {engine.name} answered in {media}, which was not asked for."
        )
    return found


def _virtuoso_ask(answer: ox.QuerySolutions, engine: Engine) -> ox.QueryBoolean:
    rows = list(answer)
    if [v.value for v in answer.variables] != [VIRTUOSO_ASK] or len(rows) > 1:
        raise BackendUnavailable(
            f"The SPARQL engine at {engine.name} answered an ASK query with a table."
        )
    value = rows[0][VIRTUOSO_ASK] if rows else None
    truth = isinstance(value, ox.Literal) and value.value not in ("0", "false")
    return ox.parse_query_results(
        b'{"head":{},"boolean":%s}' % (b"true" if truth else b"false"), ox.QueryResultsFormat.JSON
    )  # type: ignore[return-value]
