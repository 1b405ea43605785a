"""The HTML pages of resources, as browsers and search engines read them.

Pages come from real servers: the bundled data, and a tiny store of this module's own whose
labels hold what breaks careless pages (``</script>``, quotes, ``<!--``, right-to-left and
CJK text). The embedded schema.org JSON-LD is found with extruct, as a crawler would, and read
back with pyld; the HTML is parsed with the standard library's ``html.parser``.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import extruct
import pyoxigraph as ox
import pytest
import requests
from pyld import jsonld
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF

from conftest import DURATIONS_DIFFER
from witness.convert import to_rdflib
from witness.formats import GRAPHS

if TYPE_CHECKING:
    from conftest import LiveServer

# rdflib's own TriG and N-Quads parsers still use its deprecated Dataset API.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Dataset.default_context is deprecated:DeprecationWarning"
)

BASE = "https://w3id.org/witness/"
SCHEMA = "http://schema.org/"
THE_REST = BASE + "id/the-rest"
SVG = "http://www.w3.org/2000/svg"

TRICKY = '</script><script>alert("x")</script> <!-- <script> \'single\' "double" & שלום 艾未未'
"""A label that would end a script element, open an HTML comment, break attribute quoting,
and mix right-to-left and CJK text."""

TRICKY_TRIG = """
@prefix schema: <http://schema.org/> .
@prefix id: <https://w3id.org/witness/id/> .
@prefix graph: <https://w3id.org/witness/graph/> .
@prefix source: <https://w3id.org/witness/source/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

graph:tricky {
    id:tricky a schema:Person ;
        schema:name LABEL@en ;
        schema:alternateName "שלום"@he, "艾未未"@zh ;
        schema:knows id:friend .
    id:friend a schema:Person ; schema:name "Friend </script> of <!-- a friend"@en .
    id:café a schema:Place ; schema:name "Café"@fr .
}
graph:sources {
    graph:tricky prov:wasDerivedFrom source:tricky .
    source:tricky a schema:WebPage ; dcterms:title "A </script> & <b>source</b>"@en .
}
""".replace("LABEL", json.dumps(TRICKY, ensure_ascii=False))


@pytest.fixture(scope="module")
def url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture(scope="module")
def tricky(
    tmp_path_factory: pytest.TempPathFactory, serve_shared: Callable[..., LiveServer]
) -> Iterator[str]:
    """A server on a store built with ``witness build --no-validate`` from the tricky TriG."""
    root = tmp_path_factory.mktemp("tricky")
    (root / "data").mkdir()
    (root / "data" / "tricky.trig").write_text(TRICKY_TRIG, encoding="utf-8")
    witness = str(Path(sys.executable).parent / "witness")
    build = [witness, "build", "--store", str(root / "store"), "--data", str(root / "data")]
    subprocess.run([*build, "--no-validate"], check=True, capture_output=True)
    server = serve_shared(root / "store")
    yield server.url
    server.stop()


def html(address: str) -> str:
    response = requests.get(address, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/html")
    return response.text


class Page(HTMLParser):
    """What a page holds: its script elements, links, list items (a value with its source
    badges, or a fact), headings, heading and all its text and attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[str | None, str | None, str]] = []
        self.links: list[tuple[str, str]] = []
        self.items: list[str] = []
        self.headings: list[str] = []
        self.h1 = ""
        self.text: list[str] = []
        self.attributes: list[str] = []
        self._script: tuple[str, str | None] | None = None
        self._link: str | None = None
        self._buffer: list[str] = []
        self._link_text: list[str] = []
        self._items: list[list[str]] = []
        self._heading: list[str] | None = None
        self._h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.attributes += [value for value in found.values() if value]
        if tag == "script":
            self._script = (found.get("type") or "", found.get("src"))
            self._buffer = []
        elif tag == "a":
            self._link = found.get("href") or ""
            self._link_text = []
        elif tag in ("li", "dd"):
            self._items.append([])
        elif tag in ("h2", "h3", "dt"):
            self._heading = []
        elif tag == "h1":
            self._h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((*self._script, "".join(self._buffer)))
            self._script = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link, "".join(self._link_text)))
            self._link = None
        elif tag in ("li", "dd") and self._items:
            self.items.append(" ".join("".join(self._items.pop()).split()))
        elif tag in ("h2", "h3", "dt") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        elif tag == "h1":
            self._h1 = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._script is not None:
            self._buffer.append(data)
        if self._link is not None:
            self._link_text.append(data)
        for item in self._items:
            item.append(data)
        if self._heading is not None:
            self._heading.append(data)
        if self._h1:
            self.h1 += data

    @property
    def everything(self) -> str:
        return "".join(self.text) + "\n".join(self.attributes)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


# The page of an entity --------------------------------------------------------------------------


def test_page_shows_label_types_and_format_links(url: str) -> None:
    page = parse(html(url + "/id/the-rest"))
    assert page.h1 == "The Rest"
    links = dict(page.links)
    assert links["http://schema.org/Movie"] == "film", "types by their labels in the graph"
    for fmt in GRAPHS.values():
        assert f"/id/the-rest.{fmt.extension}" in links


def href(iri: str) -> str:
    """Where a page links ``iri``: its path here if it is under the base, else itself."""
    return "/" + iri.removeprefix(BASE) if iri.startswith(BASE) else iri


@DURATIONS_DIFFER
def test_every_statement_is_shown_with_its_sources(url: str, bundled_store: ox.Store) -> None:
    page = parse(html(url + "/id/the-rest"))
    hrefs = {link for link, _ in page.links}
    subject = ox.NamedNode(THE_REST)
    for quad in bundled_store.quads_for_pattern(subject, None, None, None):
        if quad.predicate.value != str(RDF.type):  # the types head the page, as links
            assert href(quad.predicate.value) in hrefs
        value = quad.object
        if isinstance(value, ox.NamedNode):
            assert href(value.value) in hrefs
        else:
            assert isinstance(value, ox.Literal)
            assert value.value in page.everything, value
    for quad in bundled_store.quads_for_pattern(None, None, subject, None):
        assert isinstance(quad.subject, ox.NamedNode)
        assert href(quad.subject.value) in hrefs
    sources = dict(page.links)
    assert sources["/source/cmu-news-the-rest"].startswith("Weiwei Continues Focus on Refugees")
    assert "/source/skirball-bearing-witness" in sources


def test_director_names_both_documents(url: str) -> None:
    page = parse(html(url + "/id/the-rest"))
    assert "director 1" in page.headings, "relations grouped by property, by label, counted"
    director = next(item for item in page.items if item.startswith("Ai Weiwei"))
    assert "Weiwei Continues Focus on Refugees" in director
    assert "Bearing Witness: Documentary Films by Ai Weiwei" in director


def test_pointing_here_lists_incoming_statements(url: str) -> None:
    page = parse(html(url + "/id/ai-weiwei"))
    links = dict(page.links)
    assert links["/id/cockroach"] == "Cockroach"
    assert any(heading.startswith("director of ") for heading in page.headings), page.headings
    assert any(item.startswith("Cockroach stated by Bearing Witness") for item in page.items)


def schema_org_items(text: str, address: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = extruct.extract(
        text, base_url=address, syntaxes=["json-ld"], uniform=False
    )["json-ld"]
    return items


def as_triples(document: dict[str, Any]) -> set[tuple[Any, ...]]:
    """The triples a JSON-LD processor reads from ``document``, as rdflib terms."""
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    parsed = Dataset(default_union=True).parse(data=nquads, format="nquads")
    return {(s, p, o) for s, p, o, _ in parsed.quads()}


@DURATIONS_DIFFER
def test_schema_org_json_ld_is_the_entitys_data(url: str, bundled_store: ox.Store) -> None:
    address = url + "/id/the-rest"
    items = schema_org_items(html(address), address)
    assert len(items) == 1 and items[0]["@id"] == THE_REST
    found = as_triples(items[0])
    subject = URIRef(THE_REST)
    expected = {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in bundled_store.quads_for_pattern(ox.NamedNode(THE_REST), None, None, None)
        if q.predicate.value.startswith(SCHEMA) or q.predicate.value == str(RDF.type)
    }
    assert {t for t in found if t[0] == subject} == expected
    neighbours = {t for t in found if t[0] != subject}
    assert neighbours, "linked resources come with their names"
    names = {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in bundled_store.quads_for_pattern(None, ox.NamedNode(SCHEMA + "name"), None, None)
    }
    assert neighbours <= names


# A label that tries to break the page ----------------------------------------------------------


@pytest.mark.parametrize("fmt", GRAPHS.values(), ids=[f.name for f in GRAPHS.values()])
def test_tricky_label_survives_every_rdf_format(tricky: str, fmt: Any) -> None:
    response = requests.get(f"{tricky}/id/tricky.{fmt.extension}", timeout=30)
    assert response.status_code == 200, response.text
    if fmt.name == "jsonld":
        nquads = jsonld.to_rdf(jsonld.expand(response.json()), {"format": "application/n-quads"})
        data = Dataset(default_union=True).parse(data=nquads, format="nquads")
    else:
        rdflib_name = {"ntriples": "nt", "rdfxml": "xml"}.get(fmt.name, fmt.name)
        data = Dataset(default_union=True).parse(data=response.content, format=rdflib_name)
    names = set(data.objects(URIRef(BASE + "id/tricky"), URIRef(SCHEMA + "name")))
    assert Literal(TRICKY, lang="en") in names
    alternate = set(data.objects(URIRef(BASE + "id/tricky"), URIRef(SCHEMA + "alternateName")))
    assert alternate == {Literal("שלום", lang="he"), Literal("艾未未", lang="zh")}


def test_tricky_label_keeps_the_page_safe(tricky: str) -> None:
    text = html(tricky + "/id/tricky")
    page = parse(text)
    data = [body for kind, _, body in page.scripts if kind == "application/ld+json"]
    assert len(data) == 1, "one JSON-LD script element, not closed early by a label"
    inline = [kind for kind, source, _ in page.scripts if source is None]
    assert inline == ["application/ld+json"], "no injected script"
    assert [source for _, source, _ in page.scripts if source] == ["/static/picker.js"]
    document = json.loads(data[0])
    assert document["name"] == [{"@value": TRICKY, "@language": "en"}]
    assert {"@value": "艾未未", "@language": "zh"} in document["alternateName"]
    friend = document["knows"][0]
    assert friend["name"] == [{"@value": "Friend </script> of <!-- a friend", "@language": "en"}]
    assert "<" not in data[0] and ">" not in data[0] and "&" not in data[0]
    assert page.h1 == TRICKY
    assert any("A </script> & <b>source</b>" in item for item in page.items)
    assert "שלום" in text and "艾未未" in text


def test_tricky_json_ld_is_found_by_extruct(tricky: str) -> None:
    address = tricky + "/id/tricky"
    items = schema_org_items(html(address), address)
    assert [item["@id"] for item in items] == [BASE + "id/tricky"]
    found = as_triples(items[0])
    assert (
        URIRef(BASE + "id/tricky"),
        URIRef(SCHEMA + "name"),
        Literal(TRICKY, lang="en"),
    ) in found


def test_non_ascii_iri_is_served_at_its_percent_encoded_path(tricky: str) -> None:
    """``{base}id/café`` is asked for as ``/id/caf%C3%A9`` (RFC 3987, section 3.1)."""
    response = requests.get(tricky + "/id/caf%C3%A9", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Location"] == "/id/caf%C3%A9.ttl"
    assert "</id/caf%C3%A9.jsonld>" in response.headers["Link"]
    data = Dataset(default_union=True).parse(data=response.content, format="turtle")
    assert Literal("Café", lang="fr") in set(data.objects(URIRef(BASE + "id/café"), None))
    page = parse(html(tricky + "/id/caf%C3%A9"))
    assert page.h1 == "Café"


# Every surface keeps the tricky label intact and escaped ----------------------------------------


def test_tricky_label_in_search_json_csv_and_html(tricky: str) -> None:
    found = requests.get(tricky + "/search.json", params={"q": "double"}, timeout=30).json()
    assert found["results"][0]["label"] == TRICKY
    rows = list(
        csv.reader(
            io.StringIO(
                requests.get(tricky + "/search.csv", params={"q": "double"}, timeout=30).text
            )
        )
    )
    assert rows[1][1] == TRICKY
    page = html(tricky + "/search?q=%D7%A9%D7%9C%D7%95%D7%9D")  # שלום, the Hebrew other name
    assert TRICKY in "".join(parse(page).text)
    assert "<script>alert" not in page


def test_tricky_label_in_listing_csv_and_html(tricky: str) -> None:
    text = requests.get(tricky + "/people.csv", timeout=30).text
    labels = [row["label"] for row in csv.DictReader(io.StringIO(text))]
    assert TRICKY in labels and "Friend </script> of <!-- a friend" in labels
    page = html(tricky + "/people")
    assert "<script>alert" not in page
    assert TRICKY in "".join(parse(page).text)


def test_tricky_label_in_the_drawing(tricky: str) -> None:
    response = requests.get(tricky + "/id/tricky.svg", timeout=30)
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)  # well-formed: every label escaped
    texts = ["".join(element.itertext()) for element in root.iter(f"{{{SVG}}}title")]
    assert TRICKY in texts[1:] or any(TRICKY in text for text in texts), texts
    assert any("Friend </script> of <!-- a friend" in text for text in texts)
    assert not list(root.iter(f"{{{SVG}}}script"))


def test_tricky_source_page(tricky: str) -> None:
    page = html(tricky + "/source/tricky")
    found = parse(page)
    assert found.h1 == "A </script> & <b>source</b>"
    assert TRICKY in "".join(found.text)
    assert "<b>source</b>" not in page


# A hub: thousands of links, grouped, counted and paged --------------------------------------------

HUB_LINKS = 1_200


@pytest.fixture(scope="module")
def hub(
    tmp_path_factory: pytest.TempPathFactory, serve_shared: Callable[..., LiveServer]
) -> Iterator[str]:
    """A server on a store where an organisation publishes 1,200 documents."""
    root = tmp_path_factory.mktemp("hub")
    (root / "data").mkdir()
    documents = "\n".join(
        f'    id:doc-{n:04d} a schema:Article ; schema:name "Document {n}"@en ; '
        "schema:publisher id:hub ."
        for n in range(HUB_LINKS)
    )
    (root / "data" / "hub.trig").write_text(
        HUB_TRIG.replace("DOCUMENTS", documents), encoding="utf-8"
    )
    witness = str(Path(sys.executable).parent / "witness")
    build = [witness, "build", "--store", str(root / "store"), "--data", str(root / "data")]
    subprocess.run([*build, "--no-validate"], check=True, capture_output=True)
    server = serve_shared(root / "store")
    yield server.url
    server.stop()


HUB_TRIG = """
@prefix schema: <http://schema.org/> .
@prefix id: <https://w3id.org/witness/id/> .
@prefix graph: <https://w3id.org/witness/graph/> .
@prefix source: <https://w3id.org/witness/source/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
graph:hub {
    id:hub a schema:Organization ; schema:name "Hub Press"@en .
DOCUMENTS
}
graph:sources { graph:hub prov:wasDerivedFrom source:hub . source:hub a schema:Dataset . }
"""


def test_a_hub_page_groups_counts_and_pages_its_links(hub: str) -> None:
    page = parse(html(hub + "/id/hub"))
    assert "publisher of 1,200" in page.headings
    preview = {link for link, _ in page.links if link.startswith("/id/doc-")}
    assert 0 < len(preview) <= 50, "a preview of the group, not 1,200 rows"
    address: str | None = next(link for link, text in page.links if text.startswith("All 1,200"))
    pages: list[set[str]] = []
    while address is not None:
        opened = parse(html(hub + address))
        pages.append({link for link, _ in opened.links if link.startswith("/id/doc-")} - preview)
        address = next((link for link, text in opened.links if text.startswith("Next")), None)
    assert len(pages) == 6, "200 a page"
    everything = set().union(*pages) | preview
    assert len(everything) == HUB_LINKS, "every link is reachable, page by page"
    assert sum(len(found) for found in pages) + len(preview) >= HUB_LINKS


def test_a_hub_drawing_groups_what_it_cannot_show(hub: str) -> None:
    root = ET.fromstring(requests.get(hub + "/id/hub.svg", timeout=30).content)
    labels = ["".join(t.itertext()) for t in root.iter(f"{{{SVG}}}text")]
    assert "publisher of: 1,200" in labels
    assert len(list(root.iter(f"{{{SVG}}}circle"))) < 60


def test_unknown_entity_is_404_offering_the_search(url: str) -> None:
    response = requests.get(url + "/id/coronatoin", headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 404
    assert 'action="/search"' in response.text
    assert 'href="/id/coronation"' in response.text, "a similar slug is suggested"
    plain = requests.get(url + "/id/coronatoin.ttl", timeout=30)
    assert plain.status_code == 404 and "Did you mean" in plain.text
    assert requests.get(url + "/id/coronatoin.svg", timeout=30).status_code == 404


def test_tricky_labels_on_the_home_page_and_by_their_other_names(tricky: str) -> None:
    page = html(tricky + "/")
    assert "A </script> & <b>source</b>" in "".join(parse(page).text)
    assert "<b>source</b>" not in page
    for other in ("艾未未", "שלום"):
        found = requests.get(tricky + "/search.json", params={"q": other}, timeout=30).json()
        assert [hit["label"] for hit in found["results"]] == [TRICKY], other
