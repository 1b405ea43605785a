"""The archivists' browser in a real browser: Playwright driving Debian's Chromium.

The walk an archivist takes (search, a film, its subject, back through a listing), the
picker's suggestions, the drawing, a phone-sized screen, the pages without JavaScript, and
axe-core's accessibility rules on every page type (no serious or critical violation).
Screenshots of every page type, at desktop and phone sizes, are saved in
``tests/artifacts/browser/`` (ignored by git), whose path the tests print.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

if TYPE_CHECKING:
    from conftest import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "browser"
SKIRBALL = "Bearing Witness: Documentary Films by Ai Weiwei"
FILMS = ("Cockroach", "Coronation", "Vivos", "The Rest", "Human Flow")

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

PAGE_TYPES = {
    "home": "/",
    "search": "/search?q=ai+weiwei",
    "listing": "/films",
    "entity": "/id/coronation",
    "entity-two-steps": "/id/ai-weiwei?hops=2",
    "group": "/id/ai-weiwei?in=http%3A%2F%2Fschema.org%2Fdirector",
    "source": "/source/skirball-bearing-witness",
    "graph": "/graph/cmu-news-the-rest",
    "not-found": "/id/no-such-film",
    "sparql": "/sparql",
    "ontology": "/ontology",
    "dumps": "/dumps/",
}
"""One page of every type the site has."""


def open_page(
    browser: Browser, url: str, width: int = 1280, *, javascript: bool = True
) -> Iterator[Page]:
    """A page of its own context (the session's Chromium, from conftest), whose screenshots go
    to :data:`ARTIFACTS`; fails the test on any script or console error but a 404."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=url,
        viewport={"width": width, "height": 900},
        java_script_enabled=javascript,
        extra_http_headers={"Accept-Language": "en"},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not [e for e in errors if "404" not in e], f"errors on the page: {errors}"


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    yield from open_page(browser, live_server.url)


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    yield from open_page(browser, live_server.url, 390)


def test_an_archivists_walk(page: Page) -> None:
    """Type "coronation" on the home page, open the film, see its director and its subject
    with the Skirball page as source, follow the subject, come back through the events."""
    page.goto("/")
    page.locator("#home-q").press_sequentially("coronation", delay=30)
    option = page.get_by_role("option", name=re.compile("^Coronation"))
    expect(option).to_be_visible()
    page.locator("#home-q").press("ArrowDown")
    page.locator("#home-q").press("Enter")
    expect(page).to_have_url(re.compile(r"/id/coronation$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Coronation")
    director = page.locator(
        "section.group", has=page.get_by_role("heading", name=re.compile(r"^director\b"))
    )
    expect(director.get_by_role("link", name="Ai Weiwei", exact=True)).to_be_visible()
    about = page.locator(
        "section.group", has=page.get_by_role("heading", name=re.compile(r"^about\b"))
    )
    lockdown = about.locator("li", has=page.get_by_role("link", name="Wuhan lockdown", exact=True))
    expect(lockdown.locator("a.badge")).to_have_text(SKIRBALL)
    expect(lockdown.locator("a.badge")).to_have_attribute(
        "href", "/source/skirball-bearing-witness"
    )
    lockdown.get_by_role("link", name="Wuhan lockdown", exact=True).click()
    expect(page).to_have_url(re.compile(r"/id/wuhan-lockdown$"))
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link", name="Events").click()
    expect(page).to_have_url(re.compile(r"/events$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Events")
    expect(page.get_by_role("row", name=re.compile("Wuhan lockdown"))).to_be_visible()


def test_searching_by_form_and_by_suggestion(page: Page) -> None:
    page.goto("/search")
    page.get_by_role("combobox", name=re.compile("^Search people, films")).fill("vaclav havel")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("ol.hits li").first).to_contain_text(
        "Václav Havel Prize for Creative Dissent"
    )
    page.goto("/films")
    page.get_by_role("combobox", name="Search the graph").press_sequentially("corona", delay=30)
    expect(page.get_by_role("option").first).to_contain_text("Coronation")
    page.get_by_role("option").first.click()
    expect(page).to_have_url(re.compile(r"/id/coronation$"))


def test_search_filters_by_type(page: Page) -> None:
    page.goto("/search?q=ai+weiwei")
    page.get_by_role("navigation", name="Filter by type").get_by_role("link", name="film").click()
    expect(page.locator("p.summary")).to_contain_text("of the type film")
    expect(page.locator("ol.hits .types")).to_have_text(
        ["film"] * page.locator("ol.hits li").count()
    )


def test_the_drawing_shows_the_films_as_labelled_links(page: Page) -> None:
    page.goto("/id/ai-weiwei")
    drawing = page.locator("svg.drawing")
    expect(drawing).to_be_visible()
    for film in FILMS:
        label = page.locator("text", has_text=re.compile(f"^{film}$"))
        node = drawing.locator("a.node", has=label)
        expect(node).to_have_count(1)
        assert (node.get_attribute("href") or "").startswith("/id/")
    expect(drawing.locator("g.legend")).to_contain_text("film")
    drawing.locator("a.node", has=page.locator("text", has_text=re.compile("^The Rest$"))).click()
    expect(page).to_have_url(re.compile(r"/id/the-rest$"))


def test_listings_sort_by_their_headers(page: Page) -> None:
    page.goto("/films")
    page.get_by_role("link", name="Runtime (minutes)").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Runtime")
    page.get_by_role("link", name=re.compile("Runtime")).click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Runtime")
    expect(page.locator("tbody tr").first).to_contain_text("Coronation")


def test_a_phone_sized_screen(phone: Page) -> None:
    for name, path in PAGE_TYPES.items():
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} is {width} px wide on a 390 px screen"
    phone.goto("/id/the-rest")
    director = phone.locator("li", has=phone.get_by_role("link", name="Ai Weiwei")).first
    box = director.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390


def test_the_pages_work_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    for page in open_page(browser, live_server.url, javascript=False):
        page.goto("/")
        page.get_by_role("combobox", name=re.compile("^Search people, films")).fill("corona")
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"/search\?q=corona"))
        page.get_by_role("link", name="Coronation", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Coronation")
        expect(page.locator("svg.drawing")).to_be_visible()


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_every_page_type_is_accessible(
    browser: Browser, live_server: LiveServer, name: str
) -> None:
    """axe-core finds no serious or critical violation; screenshots for people to look at."""
    for width, size in ((1280, "desktop"), (390, "phone")):
        for page in open_page(browser, live_server.url, width):
            page.goto(PAGE_TYPES[name])
            expect(page.locator("h1")).to_have_count(1)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)
            results = Axe().run(page)
            bad = [
                f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert not bad, f"{name} at {size}: {bad}"
            assert page.locator("main").count() == 1 and page.locator("header").count() == 1


def test_focus_is_visible(page: Page) -> None:
    page.goto("/id/coronation")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    assert skip.evaluate("e => e.getBoundingClientRect().left") >= 0
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
