"""The dataset described for machines: VoID and DCAT, served at ``/.well-known/void``.

VoID (Describing Linked Datasets with the VoID Vocabulary, W3C Interest Group Note, 2011)
tells a client what the dataset is and how to get it. Access metadata: the SPARQL endpoint
(``void:sparqlEndpoint``) and the dumps (``void:dataDump``, with ``void:feature`` naming each
syntax). Structural metadata: the URI space of the entities (``void:uriSpace``: the server
answers for the base, so ``{base}id/x`` is ``/id/x`` here), the vocabularies used, the size
(``void:triples``, ``void:entities``) and the class and property partitions. The guide's
section 7.2 names ``/.well-known/void`` as the place to find the description. The same node
is a DCAT 3 ``dcat:Dataset`` (W3C Recommendation, 2024), each dump a ``dcat:Distribution``
with ``dcat:downloadURL`` and ``dcat:mediaType``, so that data catalogues can harvest it too;
``dcterms:source`` lists the source documents of the metadata graph with their titles.

The counts come from named queries (``queries/void-*.rq``, and ``class-sizes.rq``, which
``witness stats`` uses) and are computed once per build, by the process that makes the dumps
(:mod:`witness.publish.dumps`), since they read every statement. Sizes count the facts of the
default graph, the merge of the named graphs (:mod:`witness.dataset.merge`): a triple that two
source documents state counts once, so ``void:triples`` is the number of lines of the
N-Triples dump (the N-Quads dump has a line per document stating it), and the property
partitions add up to it. An entity (VoID's sense) is a subject whose IRI is in the URI space.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass
from datetime import datetime

import pyoxigraph as ox

from witness import jsonld
from witness.dataset.merge import facts
from witness.formats import GraphFormat
from witness.iris import Iris
from witness.queries import named

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
"""IANA's register, whose IRIs DCAT recommends as values of ``dcat:mediaType``."""
GZIP = "application/gzip"

Value = ox.NamedNode | ox.BlankNode | ox.Literal

TITLE = "Witness"
DESCRIPTION = (
    "A knowledge graph of artists, films, events and institutions, published as linked data. "
    "Every statement is in the named graph of the source document that makes it."
)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
"""Creative Commons Attribution 4.0 International."""
PUBLISHER = "The Witness project"


@dataclass(frozen=True)
class Source:
    """A source document of the metadata graph, with its title if it has one."""

    iri: str
    title: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Statistics:
    """The counts VoID states about one build."""

    triples: int
    entities: int
    classes: list[tuple[str, int]]
    properties: list[tuple[str, int]]
    sources: list[Source]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Statistics:
        data = json.loads(text)
        return cls(
            triples=data["triples"],
            entities=data["entities"],
            classes=[(iri, count) for iri, count in data["classes"]],
            properties=[(iri, count) for iri, count in data["properties"]],
            sources=[Source(**source) for source in data["sources"]],
        )

    def vocabularies(self) -> list[str]:
        """The namespaces of every class and property used (``void:vocabulary``)."""
        used = [iri for iri, _ in (*self.classes, *self.properties)]
        return sorted({iri[: max(iri.rfind("#"), iri.rfind("/")) + 1] for iri in used})


def statistics(store: ox.Store, iris: Iris) -> Statistics:
    """Count what VoID states about ``store``; reads every statement, so run it once per build."""
    prefixes = iris.prefixes()

    def select(name: str) -> list[ox.QuerySolution]:
        found = store.query(named(name), prefixes=prefixes)
        assert isinstance(found, ox.QuerySolutions)
        return list(found)

    return Statistics(
        triples=facts(store),
        entities=int(_value(select("void-entities")[0]["entities"])),
        classes=[(_value(r["class"]), int(_value(r["resources"]))) for r in select("class-sizes")],
        properties=[
            (_value(r["property"]), int(_value(r["triples"]))) for r in select("void-properties")
        ],
        sources=[_source(row) for row in select("void-sources")],
    )


def _source(row: ox.QuerySolution) -> Source:
    label = row["label"]
    if isinstance(label, ox.Literal):
        return Source(_value(row["source"]), label.value, label.language)
    return Source(_value(row["source"]))


def _value(term: object) -> str:
    assert isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal)
    return term.value


@dataclass(frozen=True)
class Dump:
    """Where one dump is served: its format, its URL and the URL of its gzip."""

    format: GraphFormat
    url: str
    gzip_url: str


@dataclass(frozen=True)
class Links:
    """The addresses at which this server publishes the dataset, as the client reached it."""

    home: str
    endpoint: str
    dumps: list[Dump]


def dataset_iri(iris: Iris) -> str:
    """The dataset's IRI: the VoID document's under the base, which this server answers for."""
    return f"{iris.base}.well-known/void#dataset"


def serialize(description: list[ox.Triple], fmt: GraphFormat, iris: Iris) -> bytes:
    """The description in ``fmt``, with our prefixes; JSON-LD with our context, compacted."""
    prefixes = iris.prefixes() | {"foaf": FOAF, "formats": "http://www.w3.org/ns/formats/"}
    if fmt.name == "jsonld":
        text = io.StringIO()
        quads = (ox.Quad(t.subject, t.predicate, t.object) for t in description)
        jsonld.write(quads, text, prefixes)
        return text.getvalue().encode()
    out = io.BytesIO()
    ox.serialize(description, out, fmt.syntax, prefixes=prefixes)
    return out.getvalue()


def describe(stats: Statistics, iris: Iris, modified: datetime, links: Links) -> list[ox.Triple]:
    """The VoID and DCAT description of the dataset: its own statements first, then the
    partitions, distributions and sources they point to (so that Turtle groups them)."""
    dataset = ox.NamedNode(dataset_iri(iris))
    facts: list[ox.Triple] = []
    details: list[ox.Triple] = []

    def state(predicate: str, value: Value) -> None:
        facts.append(ox.Triple(dataset, ox.NamedNode(predicate), value))

    def detail(node: ox.NamedNode | ox.BlankNode, predicate: str, value: Value) -> None:
        details.append(ox.Triple(node, ox.NamedNode(predicate), value))

    state(RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
    state(RDF_TYPE, ox.NamedNode(DCAT + "Dataset"))
    state(DCTERMS + "title", ox.Literal(TITLE, language="en"))
    state(DCTERMS + "description", ox.Literal(DESCRIPTION, language="en"))
    state(DCTERMS + "license", ox.NamedNode(LICENSE))
    state(DCTERMS + "modified", ox.Literal(modified.isoformat(), datatype=_xsd("dateTime")))
    publisher = ox.BlankNode("publisher")
    state(DCTERMS + "publisher", publisher)
    detail(publisher, RDF_TYPE, ox.NamedNode(FOAF + "Agent"))
    detail(publisher, FOAF + "name", ox.Literal(PUBLISHER, language="en"))
    detail(publisher, FOAF + "homepage", ox.NamedNode(links.home))
    state(FOAF + "homepage", ox.NamedNode(links.home))
    state(VOID + "sparqlEndpoint", ox.NamedNode(links.endpoint))
    state(VOID + "uriSpace", ox.Literal(iris.entity("")))
    state(VOID + "triples", _integer(stats.triples))
    state(VOID + "entities", _integer(stats.entities))
    for vocabulary in stats.vocabularies():
        state(VOID + "vocabulary", ox.NamedNode(vocabulary))
    for dump in links.dumps:
        state(VOID + "feature", ox.NamedNode(dump.format.iri))
    for dump in links.dumps:
        state(VOID + "dataDump", ox.NamedNode(dump.url))
    for index, dump in enumerate(links.dumps):
        for compressed, url in ((False, dump.url), (True, dump.gzip_url)):
            # A dcat:Distribution (DCAT 3, section 6.7); gzip is its dcat:compressFormat.
            node = ox.BlankNode(f"{'gzip' if compressed else 'dump'}{index}")
            state(DCAT + "distribution", node)
            title = f"{dump.format.w3c.replace('_', '/')} dump" + (", gzipped" * compressed)
            detail(node, RDF_TYPE, ox.NamedNode(DCAT + "Distribution"))
            detail(node, DCTERMS + "title", ox.Literal(title, language="en"))
            detail(node, DCAT + "downloadURL", ox.NamedNode(url))
            detail(node, DCAT + "mediaType", ox.NamedNode(MEDIA_TYPES + dump.format.media_type))
            detail(node, DCTERMS + "format", ox.NamedNode(dump.format.iri))
            detail(node, DCTERMS + "license", ox.NamedNode(LICENSE))
            if compressed:
                detail(node, DCAT + "compressFormat", ox.NamedNode(MEDIA_TYPES + GZIP))
    for index, (cls, entities) in enumerate(stats.classes):
        partition = ox.BlankNode(f"class{index}")
        state(VOID + "classPartition", partition)
        detail(partition, VOID + "class", ox.NamedNode(cls))
        detail(partition, VOID + "entities", _integer(entities))
    for index, (prop, triples) in enumerate(stats.properties):
        partition = ox.BlankNode(f"property{index}")
        state(VOID + "propertyPartition", partition)
        detail(partition, VOID + "property", ox.NamedNode(prop))
        detail(partition, VOID + "triples", _integer(triples))
    for source in stats.sources:
        document = ox.NamedNode(source.iri)
        state(DCTERMS + "source", document)
        if source.title is not None:
            label = ox.Literal(source.title, language=source.language)
            detail(document, DCTERMS + "title", label)
    return facts + details


def _xsd(name: str) -> ox.NamedNode:
    return ox.NamedNode(XSD + name)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_xsd("integer"))
