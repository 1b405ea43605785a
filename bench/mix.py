"""The query mix of the endpoint benchmark, and its client: the same code for every server.

Six queries on the synthetic archive (bench/generate.py): a lookup, a two-hop join, an
aggregate over every class, a text filter, a DESCRIBE and a CONSTRUCT, those about one entity
on one copy of the curated data (``--copy``). The cheap ones (lookup, two-hop, describe,
construct) make the throughput mix. :func:`ask` sends a query by GET (SPARQL 1.1 Protocol);
:func:`check` reads each answer as a multiset of rows or triples, so that the servers' answers
can be compared. ``floor_server.py`` computes its answers from the same mix.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import requests

SELECT_TYPE = "application/sparql-results+json"
GRAPH_TYPE = "application/n-triples"
REQUEST_TIMEOUT = 300.0
"""Seconds the client waits for one answer (rdflib-endpoint's aggregate at 1M is slow)."""

PREFIXES = """PREFIX schema: <http://schema.org/>
PREFIX id: <https://w3id.org/witness/id/>
"""


# The query mix ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    graph: bool
    """CONSTRUCT or DESCRIBE: answered as N-Triples rather than SPARQL JSON results."""
    cheap: bool
    """Part of the throughput mix."""

    @property
    def accept(self) -> str:
        return GRAPH_TYPE if self.graph else SELECT_TYPE


def query_mix(copy: int, text: str) -> list[Query]:
    """The queries, on copy number ``copy`` of the curated data where they target one entity."""
    n = copy
    return [
        Query(
            "lookup",
            PREFIXES + f"SELECT ?p ?o WHERE {{ id:ai-weiwei-{n} ?p ?o }}",
            graph=False,
            cheap=True,
        ),
        Query(
            "two-hop",
            PREFIXES
            + f"""SELECT ?film ?title ?director ?name WHERE {{
  id:bearing-witness-{n} schema:workFeatured ?film .
  ?film schema:name ?title ; schema:director ?director .
  ?director schema:name ?name .
}}""",
            graph=False,
            cheap=True,
        ),
        Query(
            "aggregate",
            PREFIXES
            + """SELECT ?class (COUNT(DISTINCT ?s) AS ?resources) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?resources) ?class""",
            graph=False,
            cheap=False,
        ),
        Query(
            "text-filter",
            PREFIXES
            + f"""SELECT ?s ?name WHERE {{
  ?s schema:name ?name .
  FILTER(CONTAINS(LCASE(?name), "{text}"))
}}""",
            graph=False,
            cheap=False,
        ),
        Query("describe", PREFIXES + f"DESCRIBE id:the-rest-{n}", graph=True, cheap=True),
        Query(
            "construct",
            PREFIXES
            + f"""CONSTRUCT {{
  id:ai-weiwei-{n} ?p ?o . ?o schema:name ?oname .
  ?s ?q id:ai-weiwei-{n} . ?s schema:name ?sname .
}} WHERE {{
  {{ id:ai-weiwei-{n} ?p ?o . OPTIONAL {{ ?o schema:name ?oname }} }}
  UNION
  {{ ?s ?q id:ai-weiwei-{n} . OPTIONAL {{ ?s schema:name ?sname }} }}
}}""",
            graph=True,
            cheap=True,
        ),
    ]


PROBE = Query("probe", "ASK { }", graph=False, cheap=False)


# The client: the same code for every server ----------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    media_type: str
    body: bytes


def ask(session: requests.Session, url: str, query: Query) -> Answer:
    """One SPARQL 1.1 Protocol query by GET, reading the whole answer."""
    response = session.get(
        url,
        params={"query": query.text},
        headers={"Accept": query.accept},
        timeout=REQUEST_TIMEOUT,
    )
    body = response.content
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    return Answer(response.status_code, media, body)


def _term(binding: dict[str, str]) -> tuple[str, ...]:
    kind = "literal" if binding["type"] == "typed-literal" else binding["type"]
    if kind == "bnode":
        return ("bnode",)
    datatype = binding.get("datatype", "")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = ""
    return (kind, binding["value"], binding.get("xml:lang", ""), datatype)


def results(query: Query, answer: Answer) -> Counter[Any]:
    """The answer as a multiset: rows of a SELECT, triples of a graph (blank nodes blurred)."""
    if not query.graph:
        document = json.loads(answer.body)
        rows: Counter[Any] = Counter()
        for binding in document["results"]["bindings"]:
            rows[tuple(sorted((k, *_term(v)) for k, v in binding.items()))] += 1
        return rows
    if answer.media_type in ("application/sparql-results+xml", "application/xml"):
        # rdflib-endpoint answers DESCRIBE in RDF/XML, labelled as SPARQL XML results.
        syntax = ox.RdfFormat.RDF_XML
    else:
        found = ox.RdfFormat.from_media_type(answer.media_type)
        if found is None:
            raise ValueError(f"unexpected graph media type {answer.media_type!r}")
        syntax = found
    triples: Counter[Any] = Counter()
    for quad in ox.parse(answer.body, format=syntax):
        terms = (quad.subject, quad.predicate, quad.object)
        triples[tuple("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in terms)] += 1
    return triples


def check(url: str, mix: list[Query]) -> tuple[dict[str, Counter[Any]], dict[str, str]]:
    """Run each query once: the results of each, and for each one that has none, why."""
    found: dict[str, Counter[Any]] = {}
    problems: dict[str, str] = {}
    with requests.Session() as session:
        for query in mix:
            try:
                answer = ask(session, url, query)
            except requests.RequestException as error:
                problems[query.name] = f"request failed: {error}"
                continue
            if answer.status != 200:
                problems[query.name] = f"HTTP {answer.status}: {answer.body[:300]!r}"
                continue
            try:
                found[query.name] = results(query, answer)
            except (ValueError, SyntaxError, KeyError) as error:
                problems[query.name] = f"unreadable {answer.media_type} answer: {error}"
                continue
            if not found[query.name]:
                problems[query.name] = "empty result"
    return found, problems
