"""No page runs script that came from the data or from a query (issue 9, finding 1).

A store holds ``javascript:``, ``data:`` and ``vbscript:`` IRIs and labels that are markup;
a query's answer carries the same. Every kind of HTML page is opened in Chromium: no dialog
opens, no injected script runs (it would set ``window.pwned``), no link leads to a scheme
other than http, https or mailto, and clicking what shows such an IRI goes nowhere.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from playwright.sync_api import Dialog, Page, expect

if TYPE_CHECKING:
    from conftest import LiveServer

BASE = "https://w3id.org/witness/"
MARKUP = '<script>window.pwned = "label"</script><img src="x" onerror="window.pwned = \'img\'">'
HOSTILE_IRIS = [
    "javascript:window.pwned='javascript';alert(document.domain)",
    "data:text/html;base64,"
    + base64.b64encode(b"<script>window.pwned='data';alert(1)</script>").decode(),
    "vbscript:msgbox(1)",
]
HOSTILE_TRIG = f"""
@prefix schema: <http://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix id: <{BASE}id/> .
@prefix graph: <{BASE}graph/> .
@prefix source: <{BASE}source/> .

graph:hostile {{
    id:hostile a schema:CreativeWork ;
        schema:name {json.dumps(MARKUP)}@en ;
        schema:description "Ends a comment --> and a script </script> here" ;
        schema:sameAs {", ".join(f"<{iri}>" for iri in HOSTILE_IRIS)} ,
            <https://example.org/fine> , <mailto:archive@example.org> ;
        schema:about id:other .
    id:other a schema:Thing ; schema:name {json.dumps("Other " + MARKUP)} .
}}
graph:sources {{
    graph:hostile prov:wasDerivedFrom source:hostile .
    source:hostile a schema:WebPage ; dcterms:title {json.dumps(MARKUP)}@en ;
        schema:url <{HOSTILE_IRIS[0]}> .
}}
"""
SAFE_SCHEMES = ("http:", "https:", "mailto:")


@pytest.fixture(scope="module")
def hostile(
    tmp_path_factory: pytest.TempPathFactory, serve_shared: Callable[..., LiveServer]
) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("hostile")
    (root / "data").mkdir()
    (root / "data" / "hostile.trig").write_text(HOSTILE_TRIG, encoding="utf-8")
    witness = str(Path(sys.executable).parent / "witness")
    command = [witness, "build", "--store", str(root / "store"), "--data", str(root / "data")]
    subprocess.run([*command, "--no-validate"], check=True, capture_output=True)
    server = serve_shared(root / "store")
    yield server
    server.stop()


@pytest.fixture
def page(page_at: Callable[[str], Page], hostile: LiveServer) -> Iterator[Page]:
    """A page that records every dialog a script opens (and dismisses it)."""
    opened = page_at(hostile.url)
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    opened.on("dialog", record)
    yield opened
    assert dialogs == [], f"script opened dialogs: {dialogs}"


def assert_inert(page: Page) -> None:
    """No injected script ran, and every link leads to a safe scheme or to this site."""
    assert page.evaluate("window.pwned") is None
    for link in page.locator("a[href], a[*|href]").all():
        target = page.evaluate(
            "a => new URL(a.getAttribute('href') ?? a.getAttribute('xlink:href'),"
            " document.baseURI).href",
            link.element_handle(),
        )
        assert target.startswith(SAFE_SCHEMES), f"a link to {target}"
    for element in page.locator("[src]").all():
        source = page.evaluate("e => e.src", element.element_handle())
        assert source.startswith(("http:", "https:")), f"something loaded from {source}"


def click_every_hostile_iri(page: Page) -> None:
    """Click each place where a hostile IRI is shown: it is text, so nothing happens."""
    address = page.url
    shown = 0
    for iri in HOSTILE_IRIS:
        for element in page.get_by_text(iri, exact=False).all():
            if element.is_visible():
                element.click()
                shown += 1
        assert page.url == address
    assert shown >= len(HOSTILE_IRIS), "every hostile IRI is on the page, as text"


@pytest.mark.parametrize(
    "path",
    ["/id/hostile", "/id/other", "/source/hostile", "/graph/hostile"],
)
def test_pages_of_hostile_data_run_no_script(page: Page, path: str) -> None:
    page.goto(path)
    if path != "/graph/hostile":
        expect(page.locator("main")).to_contain_text("window.pwned")  # the markup, as text
    assert_inert(page)
    if path == "/id/hostile":
        click_every_hostile_iri(page)
        assert_inert(page)


def test_fine_links_stay_links(page: Page) -> None:
    page.goto("/id/hostile")
    expect(page.locator('a[href="https://example.org/fine"]')).to_have_count(1)
    expect(page.locator('a[href="mailto:archive@example.org"]')).to_have_count(1)


def test_a_crafted_query_link_runs_no_script(page: Page) -> None:
    """The link an attacker would send: the query page runs the query in its address."""
    binds = " ".join(
        f'BIND(IRI("{iri}") AS ?z{n}) BIND({json.dumps(MARKUP)} AS ?m{n})'
        for n, iri in enumerate(HOSTILE_IRIS)
    )
    page.goto("/sparql?query=" + quote(f"SELECT * WHERE {{ {binds} }}"))
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert_inert(page)
    click_every_hostile_iri(page)
    assert_inert(page)


@pytest.mark.parametrize(
    "path",
    ["/", "/sparql", "/ontology", "/dumps/", "/id/hostil", "/no/such/page"],
)
def test_other_pages_run_no_script(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.locator("h1")).to_have_count(1)
    assert_inert(page)


def test_every_page_forbids_inline_script(hostile: LiveServer, page: Page) -> None:
    response = page.goto("/id/hostile")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "referrer-policy" in response.headers
