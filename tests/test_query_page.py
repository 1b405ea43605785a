"""The SPARQL query page in a real browser: Playwright driving Debian's Chromium.

One browser for the session (``browser`` in conftest: Debian's Chromium, never a Playwright
download), a fresh context (cookies, history) per test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote, urljoin

import pyoxigraph as ox
import pytest
import requests
from playwright.sync_api import Page, expect

from witness.queries import examples
from witness.settings import Settings

if TYPE_CHECKING:
    from conftest import LiveServer

FILMS = {"Cockroach", "Coronation", "Vivos", "The Rest", "Human Flow"}
"""Ai Weiwei's films in the bundled data: the answer of the first example."""


def example(name: str) -> str:
    """The text of the example query whose file name starts with ``name``."""
    return next(e.text for e in examples() if e.name.startswith(name))


def title(name: str) -> str:
    return next(e.title for e in examples() if e.name.startswith(name))


@pytest.fixture
def page(page_at: Callable[[str], Page], live_server: LiveServer) -> Page:
    return page_at(live_server.url)


def run_in_editor(page: Page, query: str) -> None:
    """Open the query page, type ``query`` into the editor and press Run."""
    page.goto("/sparql")
    page.fill("#query", query)
    page.click("#run")


def column(page: Page, name: str) -> list[str]:
    """The texts of a column of the results table, by variable name (language tags dropped)."""
    headers = page.locator("#results thead th").all_text_contents()
    index = headers.index(name) + 1
    cells = page.locator(f"#results tbody tr td:nth-child({index})").all()
    return [cell.evaluate("td => td.firstChild ? td.firstChild.textContent : ''") for cell in cells]


def test_page_offers_the_examples_and_shows_the_first(page: Page) -> None:
    page.goto("/sparql")
    expect(page).to_have_title(re.compile("SPARQL"))
    assert page.input_value("#query") == examples()[0].text
    buttons = page.locator("button.example")
    expect(buttons).to_have_count(len(examples()))
    expect(buttons).to_have_text([e.title for e in examples()])
    expect(buttons.first).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#results")).to_be_empty()


def test_page_lists_the_declared_prefixes(page: Page) -> None:
    page.goto("/sparql")
    prologue = page.locator("#prologue")
    expect(prologue).to_be_hidden()
    page.click("text=Declared prefixes")
    expect(prologue).to_be_visible()
    for line in (
        "PREFIX schema: <http://schema.org/>",
        "PREFIX wit: <https://w3id.org/witness/ontology#>",
        "PREFIX id: <https://w3id.org/witness/id/>",
        "PREFIX graph: <https://w3id.org/witness/graph/>",
        "PREFIX source: <https://w3id.org/witness/source/>",
    ):
        expect(prologue).to_contain_text(line)


def test_clicking_an_example_runs_it(page: Page) -> None:
    page.goto("/sparql")
    page.fill("#query", "ASK {}")
    button = page.get_by_role("button", name=title("01"))
    button.click()
    expect(page.locator("#results table")).to_be_visible()
    assert page.input_value("#query") == example("01")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#status")).to_have_text(re.compile(rf"^{len(FILMS)} rows"))
    assert page.locator("#results thead th").all_text_contents() == [
        "film",
        "title",
        "year",
        "minutes",
    ]
    assert set(column(page, "title")) == FILMS
    row = page.locator("#results tbody tr", has_text="Cockroach")
    expect(row.locator("td").nth(2)).to_have_text(re.compile(r"^2020"))
    expect(row.locator("td").nth(3)).to_have_text(re.compile(r"^93"))


def test_every_example_shows_an_answer(page: Page) -> None:
    page.goto("/sparql")
    for found in examples():
        page.get_by_role("button", name=found.title).click()
        answer = page.locator("#results table tbody tr, #results pre.graph")
        expect(answer.first).to_be_visible()
        expect(page.locator("#error")).to_be_hidden()


def test_base_iris_link_to_local_paths_and_others_to_themselves(page: Page) -> None:
    run_in_editor(
        page, "SELECT ?film ?genre WHERE { BIND (id:cockroach AS ?film) ?film schema:genre ?genre }"
    )
    local = page.locator("#results tbody a.iri").first
    expect(local).to_have_text("id:cockroach")
    expect(local).to_have_attribute("href", "/id/cockroach")
    expect(local).to_have_attribute("title", "https://w3id.org/witness/id/cockroach")
    outside = page.locator("#results tbody a.iri").nth(1)
    expect(outside).to_have_text("wd:Q93204")
    expect(outside).to_have_attribute("href", "http://www.wikidata.org/entity/Q93204")


def test_ctrl_enter_runs_the_query(page: Page) -> None:
    page.goto("/sparql")
    page.fill("#query", "SELECT ?name WHERE { id:ai-weiwei-trace schema:name ?name }")
    page.press("#query", "Control+Enter")
    expect(page.locator("#results tbody td")).to_have_text(["Ai Weiwei: Trace@en"])
    expect(page.locator("#status")).to_have_text(re.compile(r"^1 row "))


def test_a_malformed_query_shows_the_parsers_message(page: Page) -> None:
    run_in_editor(page, "SELECT ?film WHERE {\n  ?film schema:name\n}")
    error = page.locator("#error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("not valid SPARQL")
    expect(error).to_contain_text(re.compile(r"error at 3:\d+"))
    expect(error).to_contain_text("3 | }")
    expect(page.locator("#status")).to_have_text("400 Bad Request")
    expect(page.locator("#results")).to_be_empty()
    expect(page.locator("#downloads")).to_be_hidden()
    # The next good query clears the error.
    page.get_by_role("button", name=title("01")).click()
    expect(page.locator("#results table")).to_be_visible()
    expect(error).to_be_hidden()


def test_an_ask_shows_the_boolean(page: Page) -> None:
    run_in_editor(page, "ASK { id:cockroach schema:director id:ai-weiwei }")
    expect(page.locator("#results .boolean")).to_have_text("Answer: true")
    run_in_editor(page, "ASK { id:cockroach schema:director id:alison-klayman }")
    expect(page.locator("#results .boolean")).to_have_text("Answer: false")
    expect(page.locator("#downloads a.results").first).to_be_visible()


def test_a_construct_shows_turtle_and_graph_downloads(page: Page) -> None:
    page.goto("/sparql")
    page.get_by_role("button", name=title("06")).click()
    graph = page.locator("#results pre.graph")
    expect(graph).to_contain_text("id:cockroach schema:")
    expect(graph).to_contain_text('"Cockroach"@en')
    expect(page.locator("#status")).to_contain_text("Turtle")
    visible = page.locator("#downloads a.download:visible")
    expect(visible).to_have_text(["turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads"])
    expect(page.locator("#downloads a.results").first).to_be_hidden()
    turtle = page.locator("#downloads a[data-format=turtle]").get_attribute("href")
    assert turtle is not None
    response = requests.get(urljoin(page.url, turtle), timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")


def test_select_downloads_really_download(page: Page) -> None:
    page.goto("/sparql")
    page.get_by_role("button", name=title("01")).click()
    visible = page.locator("#downloads a.download:visible")
    expect(visible).to_have_text(["json", "xml", "csv", "tsv"])
    expect(page.locator("#downloads a.graph").first).to_be_hidden()
    csv = page.locator("#downloads a[data-format=csv]").get_attribute("href")
    assert csv is not None and "format=csv" in csv
    response = requests.get(urljoin(page.url, csv), timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == "film,title,year,minutes"
    assert {line.split(",")[1] for line in lines[1:]} == FILMS
    assert "https://w3id.org/witness/id/cockroach,Cockroach,2020,93" in lines


def test_a_query_in_the_address_is_filled_in_and_run(page: Page) -> None:
    query = "SELECT ?title WHERE { ?film schema:director id:ai-weiwei ; schema:name ?title }"
    page.goto(f"/sparql?query={quote(query)}")
    assert page.input_value("#query") == query
    expect(page.locator("#results table")).to_be_visible()
    assert set(column(page, "title")) == FILMS
    expect(page.locator("button.example[aria-pressed=true]")).to_have_count(0)


def test_the_address_follows_the_query_that_ran(page: Page) -> None:
    run_in_editor(page, "ASK { id:vivos a schema:Movie }")
    expect(page.locator("#results .boolean")).to_have_text("Answer: true")
    page.reload()
    assert page.input_value("#query") == "ASK { id:vivos a schema:Movie }"
    expect(page.locator("#results .boolean")).to_have_text("Answer: true")


@pytest.fixture
def capped_page(
    page_at: Callable[[str], Page],
    bundled_store: ox.Store,
    bundled_settings: Settings,
    serve: Callable[..., LiveServer],
) -> Page:
    """A page of a server that shows at most five rows (set by its environment)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WITNESS_HTML_MAX_ROWS", "5")
        server = serve(bundled_settings.store)
    return page_at(server.url)


def test_the_table_is_capped_and_says_so(capped_page: Page) -> None:
    page = capped_page
    numbers = " ".join(str(n) for n in range(1, 13))
    run_in_editor(page, f"SELECT ?n WHERE {{ VALUES ?n {{ {numbers} }} }} ORDER BY ?n")
    expect(page.locator("#status")).to_have_text(re.compile(r"^Showing the first 5 of 12 rows"))
    expect(page.locator("#results tbody tr")).to_have_count(5)
    assert column(page, "n") == ["1", "2", "3", "4", "5"]
    expect(page.locator("#downloads a[data-format=csv]")).to_be_visible()
