"""Every serialisation Witness speaks: its short name, media type, and pyoxigraph format.

Answers to SELECT and ASK use the W3C result formats (SPARQL 1.1 Query Results JSON, the XML
format, CSV and TSV); graphs (CONSTRUCT, DESCRIBE, dumps, descriptions) use the RDF syntaxes.
Only pyoxigraph is imported here, so that query workers can use this module and start fast.

>>> RESULTS["json"].media_type
'application/sparql-results+json'
>>> by_media_type("application/n-triples").name
'ntriples'
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

FORMATS_NS = "http://www.w3.org/ns/formats/"
"""W3C's unique URIs for file formats, used in service descriptions (sd:resultFormat)."""


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    w3c: str

    @property
    def iri(self) -> str:
        """The format's IRI in W3C's formats namespace."""
        return FORMATS_NS + self.w3c


@dataclass(frozen=True)
class ResultsFormat(Format):
    syntax: ox.QueryResultsFormat
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class GraphFormat(Format):
    syntax: ox.RdfFormat
    aliases: tuple[str, ...] = ()

    @property
    def holds_datasets(self) -> bool:
        """Whether the syntax keeps named graphs (TriG, N-Quads)."""
        return self.syntax.supports_datasets


_JSON = ("application/json",)
_XML = ("application/xml", "text/xml")

RESULTS: dict[str, ResultsFormat] = {
    f.name: f
    for f in (
        ResultsFormat(
            "json",
            "application/sparql-results+json",
            "srj",
            "SPARQL_Results_JSON",
            ox.QueryResultsFormat.JSON,
            _JSON,
        ),
        ResultsFormat(
            "xml",
            "application/sparql-results+xml",
            "srx",
            "SPARQL_Results_XML",
            ox.QueryResultsFormat.XML,
            _XML,
        ),
        ResultsFormat("csv", "text/csv", "csv", "SPARQL_Results_CSV", ox.QueryResultsFormat.CSV),
        ResultsFormat(
            "tsv",
            "text/tab-separated-values",
            "tsv",
            "SPARQL_Results_TSV",
            ox.QueryResultsFormat.TSV,
        ),
    )
}
"""Formats for SELECT and ASK answers, in the order offered when a client has no preference."""

GRAPHS: dict[str, GraphFormat] = {
    f.name: f
    for f in (
        GraphFormat(
            "turtle", "text/turtle", "ttl", "Turtle", ox.RdfFormat.TURTLE, ("application/x-turtle",)
        ),
        GraphFormat("ntriples", "application/n-triples", "nt", "N-Triples", ox.RdfFormat.N_TRIPLES),
        GraphFormat("jsonld", "application/ld+json", "jsonld", "JSON-LD", ox.RdfFormat.JSON_LD),
        GraphFormat("rdfxml", "application/rdf+xml", "rdf", "RDF_XML", ox.RdfFormat.RDF_XML),
        GraphFormat("trig", "application/trig", "trig", "TriG", ox.RdfFormat.TRIG),
        GraphFormat("nquads", "application/n-quads", "nq", "N-Quads", ox.RdfFormat.N_QUADS),
    )
}
"""RDF syntaxes for graphs, in the order offered when a client has no preference."""


def by_media_type(media_type: str) -> ResultsFormat | GraphFormat:
    """The format for a media type or one of its aliases.

    :raises KeyError: if no format has that media type.
    """
    wanted = media_type.lower()
    formats: list[ResultsFormat | GraphFormat] = [*RESULTS.values(), *GRAPHS.values()]
    for fmt in formats:
        if wanted == fmt.media_type or wanted in fmt.aliases:
            return fmt
    raise KeyError(media_type)
