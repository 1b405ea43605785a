"""``/id/``, ``/source/``, ``/graph/`` and ``/ontology`` as linked-data clients see them.

Every test talks to a real server (gunicorn, query workers) on the bundled data and reads each
answer with a real parser: rdflib (also fetching URLs itself), curl, and pyld for JSON-LD. What
a description must hold is read from the store itself (the ``bundled_store`` fixture).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import extruct
import pyoxigraph as ox
import pytest
import requests
from pyld import jsonld
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, VOID
from rdflib.term import Node

from conftest import DURATIONS_DIFFER
from witness.convert import RDFLIB_SYNTAX, to_rdflib
from witness.formats import GRAPHS

if TYPE_CHECKING:
    from conftest import LiveServer

BASE = "https://w3id.org/witness/"
SCHEMA = "http://schema.org/"
AI_WEIWEI = URIRef(BASE + "id/ai-weiwei")
THE_REST = URIRef(BASE + "id/the-rest")
ONTOLOGY = URIRef(BASE + "ontology")
WIT = BASE + "ontology#"
METADATA = URIRef(BASE + "graph/sources")
CMU = URIRef(BASE + "graph/cmu-news-the-rest")
RDFLIB = RDFLIB_SYNTAX
TRIPLE_FORMATS = [f for f in GRAPHS.values() if not f.holds_datasets or f.name == "jsonld"]
"""Formats of one-graph descriptions (JSON-LD too: its consumers read the default graph)."""
DATASET_FORMATS = [f for f in GRAPHS.values() if f not in TRIPLE_FORMATS]
Quad = tuple[Node, Node, Node, Node]
Triple = tuple[Node, Node, Node]


# rdflib's own TriG and N-Quads parsers still use its deprecated Dataset API.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Dataset.default_context is deprecated:DeprecationWarning"
)


@pytest.fixture(scope="module")
def url(live_server: LiveServer) -> str:
    return live_server.url


def get(address: str, accept: str | None = None, **headers: str) -> requests.Response:
    """GET ``address`` accepting ``accept``; other headers by name (``Accept_Encoding``)."""
    sent = {name.replace("_", "-"): value for name, value in headers.items()}
    return requests.get(address, headers=sent | ({"Accept": accept} if accept else {}), timeout=30)


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip()


def vary(response: requests.Response) -> set[str]:
    return {name.strip() for name in response.headers.get("Vary", "").split(",")}


def dataset(response: requests.Response) -> Dataset:
    """The answer parsed in the syntax its Content-Type names (JSON-LD through pyld); the
    triples of a one-graph syntax are all in its default graph."""
    assert response.status_code == 200, response.text
    kind = media_type(response)
    if kind == "application/ld+json":
        nquads = jsonld.to_rdf(jsonld.expand(response.json()), {"format": "application/n-quads"})
        return Dataset(default_union=True).parse(data=nquads, format="nquads")
    return Dataset(default_union=True).parse(data=response.content, format=RDFLIB[kind])


def quads(data: Dataset) -> set[Quad]:
    return {(s, p, o, g) for s, p, o, g in data.quads() if g is not None}


def triples(data: Dataset) -> set[Triple]:
    return {(s, p, o) for s, p, o, _ in data.quads()}


def stored(store: ox.Store, subject: URIRef | None, value: URIRef | None = None) -> set[Quad]:
    """The store's quads with this subject (or this object), in their named graphs."""
    s = ox.NamedNode(str(subject)) if subject else None
    o = ox.NamedNode(str(value)) if value else None
    return {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), to_rdflib(q.graph_name))
        for q in store.quads_for_pattern(s, None, o, None)
        if isinstance(q.graph_name, ox.NamedNode)
    }


def sources(store: ox.Store) -> dict[Node, set[Node]]:
    """Each named graph's source documents, as the metadata graph states them."""
    derived: dict[Node, set[Node]] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(PROV.wasDerivedFrom)), None, None):
        derived.setdefault(to_rdflib(quad.subject), set()).add(to_rdflib(quad.object))
    return derived


def about(store: ox.Store, subject: URIRef) -> set[Quad]:
    """Every statement about ``subject`` and pointing at it, in the graph that holds it."""
    return stored(store, subject) | stored(store, None, subject)


def reified(data: Dataset) -> dict[Triple, set[Node]]:
    """Statement -> sources, read from the reification nodes of a one-graph document."""
    found: dict[Triple, set[Node]] = {}
    for node in set(data.subjects(RDF.type, RDF.Statement)):
        statement = (
            data.value(node, RDF.subject),
            data.value(node, RDF.predicate),
            data.value(node, RDF.object),
        )
        assert None not in statement, f"incomplete statement node {node}"
        sources = set(data.objects(node, PROV.wasDerivedFrom))
        found.setdefault(cast(Triple, statement), set()).update(sources)
    return found


# Dereferencing --------------------------------------------------------------------------------


def test_rdflib_loads_an_entity_from_its_url(url: str, bundled_store: ox.Store) -> None:
    graph = Graph().parse(url + "/id/ai-weiwei")
    assert (AI_WEIWEI, URIRef(SCHEMA + "name"), Literal("Ai Weiwei", lang="en")) in graph
    assert {(s, p, o) for s, p, o, _ in about(bundled_store, AI_WEIWEI)} <= set(graph)


@DURATIONS_DIFFER
def test_rdflib_follows_the_json_ld_alternate(url: str, bundled_store: ox.Store) -> None:
    """Asked for JSON-LD, rdflib fetches the ``Link`` alternate of that type (``.jsonld``)."""
    graph = Graph().parse(url + "/id/the-rest", format="json-ld")
    assert {(s, p, o) for s, p, o, _ in about(bundled_store, THE_REST)} <= set(graph)


def test_curl_gets_turtle(url: str, bundled_store: ox.Store) -> None:
    done = subprocess.run(
        ["curl", "-sSfL", "-H", "Accept: text/turtle", url + "/id/ai-weiwei"],
        capture_output=True,
        check=True,
        timeout=30,
    )
    graph = Graph().parse(data=done.stdout, format="turtle")
    assert {(s, p, o) for s, p, o, _ in about(bundled_store, AI_WEIWEI)} <= set(graph)


FORMAT_IDS = [f.name for f in GRAPHS.values()]


@DURATIONS_DIFFER
@pytest.mark.parametrize("fmt", GRAPHS.values(), ids=FORMAT_IDS)
@pytest.mark.parametrize("by", ["accept", "suffix"])
def test_every_format_by_accept_and_by_suffix(
    url: str, bundled_store: ox.Store, fmt: Any, by: str
) -> None:
    if by == "accept":
        response = get(url + "/id/the-rest", fmt.media_type)
        assert "Accept" in vary(response)
    else:
        response = get(url + f"/id/the-rest.{fmt.extension}", "text/html")
        assert "Accept" not in vary(response)
    assert media_type(response) == fmt.media_type
    assert response.headers["Content-Location"] == f"/id/the-rest.{fmt.extension}"
    expected = about(bundled_store, THE_REST)
    assert {(s, p, o) for s, p, o, _ in expected} <= triples(dataset(response))


@DURATIONS_DIFFER
@pytest.mark.parametrize("fmt", DATASET_FORMATS, ids=[f.name for f in DATASET_FORMATS])
def test_dataset_formats_keep_each_statement_in_its_graphs(
    url: str, bundled_store: ox.Store, fmt: Any
) -> None:
    data = dataset(get(url + f"/id/the-rest.{fmt.extension}"))
    found = quads(data)
    expected = about(bundled_store, THE_REST)
    assert expected <= found
    derived = sources(bundled_store)
    for graph in {g for *_, g in expected}:
        for source in derived[graph]:
            assert (graph, PROV.wasDerivedFrom, source, METADATA) in found
            assert (source, DCTERMS.title, title(bundled_store, source), METADATA) in found


def title(store: ox.Store, source: Node) -> Node:
    found = store.quads_for_pattern(
        ox.NamedNode(str(source)), ox.NamedNode(str(DCTERMS.title)), None
    )
    return to_rdflib(next(iter(found)).object)


@DURATIONS_DIFFER
def test_json_ld_is_one_graph_with_the_entity_first(url: str, bundled_store: ox.Store) -> None:
    """The JSON-LD description is the default graph only, the entity its first node,
    compacted with our context: what Turtle carries, statements and their sources."""
    document = get(url + "/id/the-rest.jsonld").json()
    assert document["@context"]["id"]["@id"] == BASE + "id/"
    nodes = document["@graph"]
    assert nodes[0]["@id"] == "id:the-rest"
    assert not any("@graph" in node for node in nodes), "no named graph objects"
    expanded = jsonld.expand(document)
    assert expanded[0]["@id"] == str(THE_REST)
    read = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
    parsed = Dataset().parse(data=read, format="nquads")
    assert {g for *_, g in parsed.quads()} <= {None, DATASET_DEFAULT_GRAPH_ID}
    turtle = Graph().parse(data=get(url + "/id/the-rest.ttl").content, format="turtle")
    as_json = Graph().parse(data=json.dumps(document), format="json-ld")
    assert len(as_json) == len(turtle) > 0
    assert {(s, p, o) for s, p, o, _ in about(bundled_store, THE_REST)} <= set(as_json)
    statements = set(as_json.subjects(RDF.type, RDF.Statement))
    assert statements, "each statement is reified with the sources that state it"
    assert any(
        (node, PROV.wasDerivedFrom, URIRef(BASE + "source/cmu-news-the-rest")) in as_json
        for node in statements
    )


def test_json_ld_description_read_by_extruct(url: str) -> None:
    """A page embedding the description as it is (a script element) is read by extruct."""
    text = get(url + "/id/the-rest.jsonld").text
    page = f'<html><head><script type="application/ld+json">{text}</script></head></html>'
    items = extruct.extract(page, base_url=url, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert items[0]["@graph"][0]["@id"] == "id:the-rest"
    nquads = jsonld.to_rdf(items[0], {"format": "application/n-quads"})
    found = Graph().parse(data=nquads, format="nt")
    assert (THE_REST, URIRef(SCHEMA + "director"), URIRef(BASE + "id/ai-weiwei")) in found


@DURATIONS_DIFFER
@pytest.mark.parametrize("fmt", TRIPLE_FORMATS, ids=[f.name for f in TRIPLE_FORMATS])
def test_triple_formats_reify_each_statement_with_its_sources(
    url: str, bundled_store: ox.Store, fmt: Any
) -> None:
    data = dataset(get(url + f"/id/the-rest.{fmt.extension}"))
    derived = sources(bundled_store)
    expected: dict[Triple, set[Node]] = {}
    for s, p, o, g in about(bundled_store, THE_REST):
        expected.setdefault((s, p, o), set()).update(derived[g])
    assert reified(data) == expected
    for source in {source for found in expected.values() for source in found}:
        assert (source, DCTERMS.title, title(bundled_store, source)) in triples(data)
    for graph in {g for *_, g in about(bundled_store, THE_REST)}:
        assert {(graph, PROV.wasDerivedFrom, source) for source in derived[graph]} <= triples(data)


def test_neighbours_come_with_labels_and_types(url: str) -> None:
    data = dataset(get(url + "/id/the-rest.trig"))
    ai_weiwei = set(data.objects(AI_WEIWEI, URIRef(SCHEMA + "name")))
    assert Literal("Ai Weiwei", lang="en") in ai_weiwei
    assert (AI_WEIWEI, RDF.type, URIRef(SCHEMA + "Person")) in triples(data)
    quotation = URIRef(BASE + "id/ai-weiwei-vox-media-quote")  # points at The Rest
    assert (quotation, RDF.type, URIRef(SCHEMA + "Quotation")) in triples(data)
    assert not any(p == URIRef(SCHEMA + "birthDate") for _, p, _ in triples(data))


# Negotiation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle;q=0.5, application/n-triples;q=0.9", "application/n-triples"),
        ("text/html;q=0.1, text/turtle", "text/turtle"),
        ("application/ld+json, text/turtle;q=0.8", "application/ld+json"),
        ("text/*", "text/turtle"),
        ("*/*", "text/turtle"),
        (None, "text/turtle"),
        ("application/x-turtle", "text/turtle"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/rdf+xml;q=1, text/html;q=0.99", "application/rdf+xml"),
    ],
)
def test_q_values_choose_the_format(url: str, accept: str | None, expected: str) -> None:
    response = get(url + "/id/vivos", accept)
    assert (response.status_code, media_type(response)) == (200, expected)
    assert "Accept" in vary(response)


def test_nothing_acceptable_is_406(url: str) -> None:
    response = get(url + "/id/vivos", "image/png")
    assert response.status_code == 406
    assert "text/turtle" in response.text


def alternates(response: requests.Response) -> dict[str, str]:
    """Media type -> URL of each ``rel="alternate"`` link (RFC 8288)."""
    found = {}
    for link in re.findall(r"<([^>]*)>([^,]*)", response.headers["Link"]):
        target, params = link
        if 'rel="alternate"' in params:
            found[re.search(r'type="([^"]+)"', params).group(1)] = target  # type: ignore[union-attr]
    return found


def test_link_headers_name_every_format(url: str) -> None:
    response = get(url + "/id/vivos", "text/turtle")
    links = alternates(response)
    assert links == {
        **{f.media_type: f"/id/vivos.{f.extension}" for f in GRAPHS.values()},
        "text/html": "/id/vivos.html",
        "image/svg+xml": "/id/vivos.svg",
    }
    for media, target in links.items():
        answer = get(url + target)
        assert (answer.status_code, media_type(answer)) == (200, media)


def test_html_by_suffix_and_its_headers(url: str) -> None:
    response = get(url + "/id/vivos.html", "text/turtle")
    assert (response.status_code, media_type(response)) == (200, "text/html")
    assert response.headers["Content-Location"] == "/id/vivos.html"
    assert "text/turtle" in alternates(response)


def test_head_answers_like_get_without_a_body(url: str) -> None:
    for accept in ("application/n-triples", "text/html"):
        full = get(url + "/id/ai-weiwei", accept, Accept_Encoding="identity")
        head = requests.head(
            url + "/id/ai-weiwei",
            headers={"Accept": accept, "Accept-Encoding": "identity"},
            timeout=30,
        )
        assert head.status_code == 200 and head.content == b""
        for name in ("Content-Type", "Content-Location", "Link", "Vary"):
            assert head.headers[name] == full.headers[name]
        if accept != "text/html":
            assert int(head.headers["Content-Length"]) == len(full.content)
    missing = requests.head(url + "/id/no-such-thing", timeout=30)
    assert missing.status_code == 404


# Not found, and paths that would be injections ------------------------------------------------


def test_unknown_entity_is_404_with_suggestions_as_text(url: str) -> None:
    response = get(url + "/id/ai-wiewei", "text/turtle")
    assert response.status_code == 404
    assert media_type(response) == "text/plain"
    assert url + "/id/ai-weiwei " in response.text
    assert "Ai Weiwei" in response.text


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value for name, value in attrs if name == "href" and value]


def hrefs(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def test_unknown_entity_is_404_with_suggestions_for_browsers(url: str) -> None:
    response = get(url + "/id/never-sorry", "text/html")
    assert (response.status_code, media_type(response)) == (404, "text/html")
    assert "/id/ai-weiwei-never-sorry" in hrefs(response.text)


def test_unknown_source_and_graph_suggest_their_own_kind(url: str) -> None:
    source = get(url + "/source/cmu-news", "text/html")
    graph = get(url + "/graph/cmu-news", "text/html")
    assert "/source/cmu-news-the-rest" in hrefs(source.text)
    assert "/graph/cmu-news-the-rest" in hrefs(graph.text)


INJECTIONS = [
    "x%3E%20%7D%20%3Fs%20%3Fp%20%3Fo%20%7B",  # x> } ?s ?p ?o {
    "ai-weiwei%3E%20%3Fp%20%3Fo%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo",
    "x%22%20.%20%7D%20%23",  # x" . } #
    "%7B%7D",  # {}
    "ai-weiwei%3E%20%7D%20%23",  # would close the IRI and comment the rest out
    "x'%20OR%20'1'='1",
    "x%5C%3E",  # x\>
    "%00",
    "ai-weiwei%3E.ttl",
]


@pytest.mark.parametrize("path", INJECTIONS)
@pytest.mark.parametrize("accept", ["text/turtle", "text/html"])
def test_injection_attempts_are_simply_not_found(url: str, path: str, accept: str) -> None:
    response = get(url + "/id/" + path, accept)
    assert response.status_code == 404, response.text
    assert media_type(response) in ("text/plain", "text/html")
    assert "schema.org" not in response.text  # no statement leaked from a wider query
    assert get(url + "/id/ai-weiwei", "text/turtle").status_code == 200


# Sources, graphs, the ontology ------------------------------------------------------------------


def test_source_dereferences(url: str, bundled_store: ox.Store) -> None:
    source = URIRef(BASE + "source/cmu-news-the-rest")
    data = dataset(get(url + "/source/cmu-news-the-rest.trig"))
    assert about(bundled_store, source) <= quads(data)
    assert (CMU, PROV.wasDerivedFrom, source, METADATA) in quads(data)
    page = get(url + "/source/cmu-news-the-rest", "text/html")
    assert "Weiwei Continues Focus on Refugees" in page.text


def test_graph_dereferences_with_its_size_and_resources(url: str, bundled_store: ox.Store) -> None:
    data = dataset(get(url + "/graph/cmu-news-the-rest.ttl"))
    size = len(list(bundled_store.quads_for_pattern(None, None, None, ox.NamedNode(str(CMU)))))
    assert data.value(CMU, VOID.triples) == Literal(size)
    assert (CMU, PROV.wasDerivedFrom, URIRef(BASE + "source/cmu-news-the-rest")) in triples(data)
    examples = set(data.objects(CMU, VOID.exampleResource))
    assert THE_REST in examples and len(examples) <= 100
    page = get(url + "/graph/cmu-news-the-rest", "text/html")
    assert "/id/the-rest" in hrefs(page.text)
    assert "/source/cmu-news-the-rest" in hrefs(page.text)


def ontology_terms() -> set[URIRef]:
    """The terms ``ontology/witness.ttl`` declares."""
    path = Path(__file__).resolve().parents[1] / "ontology" / "witness.ttl"
    graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
    return {s for s in graph.subjects(RDFS.label, None) if str(s).startswith(WIT)}  # type: ignore[misc]


@pytest.mark.parametrize("fmt", GRAPHS.values(), ids=FORMAT_IDS)
def test_ontology_as_rdf(url: str, fmt: Any) -> None:
    response = get(url + "/ontology", fmt.media_type)
    assert media_type(response) == fmt.media_type
    assert response.headers["Content-Location"] == f"/ontology.{fmt.extension}"
    data = dataset(response)
    found = triples(data)
    for term in ontology_terms():
        assert data.value(term, RDFS.label) and data.value(term, RDFS.comment), term
    assert (ONTOLOGY, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")) in found
    subjects = {s for s, _, _ in found if not isinstance(s, BNode)}
    outside = {s for s in subjects if not str(s).startswith(str(ONTOLOGY))}
    assert outside <= {URIRef(BASE + "graph/ontology"), URIRef(BASE + "source/witness-ontology")}
    assert get(url + f"/ontology.{fmt.extension}").content == response.content


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids |= {value for name, value in attrs if name == "id" and value}


def test_ontology_page_documents_every_term(url: str) -> None:
    response = get(url + "/ontology", "text/html")
    assert (response.status_code, media_type(response)) == (200, "text/html")
    parser = Anchors()
    parser.feed(response.text)
    names = {str(term).removeprefix(WIT) for term in ontology_terms()}
    assert names <= parser.ids
    assert "runtime in minutes" in response.text
    assert "http://schema.org/CreativeWork" in hrefs(response.text)  # followUpTo's domain
    assert "http://www.wikidata.org/prop/direct/P155" in hrefs(response.text)
    assert "Domain includes" in response.text and "Range includes" in response.text


def test_ontology_terms_land_on_their_anchor(url: str) -> None:
    """``{base}ontology#followUpTo`` is served at ``/ontology``; the fragment finds the term."""
    page = get(url + "/id/the-rest", "text/html")
    assert "/ontology#followUpTo" in hrefs(page.text)


def iter_json_ids(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "@id" in node:
            yield node["@id"]
        for value in node.values():
            yield from iter_json_ids(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_json_ids(item)


def test_ontology_json_ld_compacts_with_our_prefixes(url: str) -> None:
    document = json.loads(get(url + "/ontology.jsonld").content)
    assert "wit:followUpTo" in set(iter_json_ids(document))
