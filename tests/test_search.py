"""``/search`` over real HTTP: the page, its JSON and CSV forms, OpenSearch, bad input."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

import pytest
import requests

if TYPE_CHECKING:
    from conftest import LiveServer

MOVIE = "http://schema.org/Movie"


@pytest.fixture(scope="module")
def url(live_server: LiveServer) -> str:
    return live_server.url


def get(address: str, accept: str | None = None, **params: str) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(address, params=params, headers=headers, timeout=30)


def test_json_by_suffix_and_by_accept(url: str) -> None:
    by_suffix = get(url + "/search.json", q="vaclav havel")
    by_accept = get(url + "/search", "application/json", q="vaclav havel")
    for response in (by_suffix, by_accept):
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("application/json")
        body = response.json()
        assert body["results"][0]["label"] == "Václav Havel Prize for Creative Dissent"
        assert body["results"][0]["url"].endswith("/id/vaclav-havel-prize-for-creative-dissent")
    assert "Accept" in by_accept.headers["Vary"]


def test_prefix_while_typing(url: str) -> None:
    body = get(url + "/search.json", q="corona").json()
    assert body["results"][0]["iri"] == "https://w3id.org/witness/id/coronation"
    assert body["results"][0]["types"] == [{"type": MOVIE, "label": "film"}]


def test_types_are_counted_and_filter(url: str) -> None:
    every = get(url + "/search.json", q="ai weiwei").json()
    counts = {entry["type"]: entry["count"] for entry in every["types"]}
    films = get(url + "/search.json", q="ai weiwei", type=MOVIE).json()
    assert films["total"] == counts[MOVIE] < every["total"]
    assert {r["types"][0]["label"] for r in films["results"]} == {"film"}


def test_pages_link_to_the_next(url: str) -> None:
    first = get(url + "/search.json", q="ai", size="5").json()
    assert first["page"] == 1 and first["pages"] > 1
    following = requests.get(first["next"], timeout=30).json()
    assert following["page"] == 2
    assert parse_qs(urlparse(first["next"]).query)["q"] == ["ai"]
    assert {r["iri"] for r in first["results"]}.isdisjoint(r["iri"] for r in following["results"])


def test_csv_has_a_header_and_the_hits(url: str) -> None:
    response = get(url + "/search.csv", q="coronation")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["iri", "label", "types", "description"]
    assert rows[1][:3] == ["https://w3id.org/witness/id/coronation", "Coronation", "film"]


def test_html_page_lists_hits_and_facets(url: str) -> None:
    response = get(url + "/search", "text/html", q="ai weiwei")
    assert response.status_code == 200
    assert 'href="/id/ai-weiwei"' in response.text
    assert "Filter by type" in response.text


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"q": "x", "page": "0"}, "page"),
        ({"q": "x", "size": "abc"}, "size"),
        ({"page": "-1"}, "page"),
    ],
)
def test_bad_numbers_get_a_clear_400(url: str, params: dict[str, str], named: str) -> None:
    response = get(url + "/search.json", "application/json", **params)
    assert response.status_code == 400
    assert f"'{named}'" in response.json()["message"]


def test_nothing_found_is_an_empty_answer(url: str) -> None:
    body = get(url + "/search.json", q="zzzzqqq").json()
    assert body["total"] == 0 and body["results"] == [] and body["next"] is None


def test_unoffered_type_is_406(url: str) -> None:
    assert get(url + "/search", "image/png", q="x").status_code == 406


def test_opensearch_description_is_linked_from_every_page(url: str) -> None:
    for path in ("/", "/films", "/id/coronation", "/search?q=x", "/source/cmu-news-the-rest"):
        page = get(url + path, "text/html").text
        assert 'rel="search" type="application/opensearchdescription+xml"' in page, path
    response = get(url + "/opensearch.xml")
    assert response.headers["Content-Type"].startswith("application/opensearchdescription+xml")
    root = ET.fromstring(response.content)
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    templates = {u.get("type"): u.get("template") for u in root.findall("os:Url", ns)}
    assert templates["text/html"] == url + "/search?q={searchTerms}"
    suggest = templates["application/x-suggestions+json"]
    assert suggest is not None
    answer = requests.get(suggest.replace("{searchTerms}", "corona"), timeout=30).json()
    assert answer[0] == "corona" and answer[1][0] == "Coronation"
    assert answer[3][0] == url + "/id/coronation"


@pytest.mark.embedded_only("it removes the index of the embedded server's build")
def test_the_server_made_the_missing_index_and_said_so(live_server: LiveServer) -> None:
    """The session's store is built without the browser's deriver, as an older Witness would
    have: ``witness serve`` makes the index before serving, and says so."""
    assert "Made browse-1.sqlite for the build" in live_server.log.read_text()
