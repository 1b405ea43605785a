"""The relationship finder, the timeline and the network page in a real browser: Playwright
driving Debian's Chromium, axe-core on each page (no serious or critical violation), a
phone-sized screen, the finder without JavaScript. Screenshots of each page, at desktop and
phone sizes, are saved in ``tests/artifacts/browser/``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

if TYPE_CHECKING:
    from conftest import LiveServer

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "browser"
CMU_NEWS = "Weiwei Continues Focus on Refugees in New Film “The Rest”"
SCREENING = "The Rest at the CMU International Film Festival"

PAGES = {
    "path": "/path?entity=Ai+Weiwei&entity=Carnegie+Mellon+University&k=3",
    "path-tree": "/path?entity=ai-weiwei&entity=carnegie-mellon-university&entity=wuhan-lockdown",
    "path-which": "/path?entity=ai&entity=vivos",
    "path-none": "/path?entity=ai-weiwei&entity=carnegie-mellon-university&length=2",
    "timeline": "/timeline",
    "timeline-around": "/timeline?entity=coronation&hops=2",
    "network": "/network",
    "exports": "/exports/",
}
"""One page of every kind these surfaces have."""


@pytest.fixture
def page(page_at: Callable[[str], Page], live_server: LiveServer) -> Page:
    return page_at(live_server.url)


def pick(page: Page, field: str, typed: str, option: str) -> None:
    """Type into the picker ``field`` and choose ``option`` among its suggestions."""
    page.locator(field).press_sequentially(typed, delay=20)
    page.get_by_role("option", name=re.compile(f"^{re.escape(option)}")).first.click()
    expect(page.locator(field)).to_have_value(option)


def test_the_relationship_finder(page: Page) -> None:
    """Pick Ai Weiwei and Carnegie Mellon University: a path through The Rest and its
    screening at the CMU International Film Festival, the CMU article stating its steps."""
    page.goto("/path")
    pick(page, "#entity-1", "ai weiwei", "Ai Weiwei")
    pick(page, "#entity-2", "carnegie mellon", "Carnegie Mellon University")
    page.get_by_role("button", name="Find connections").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("paths of"))).to_be_visible()
    through = (
        page.locator("ol.paths > li")
        .filter(has=page.get_by_role("link", name=SCREENING, exact=True))
        .filter(has=page.get_by_role("link", name="The Rest", exact=True))
    )
    expect(through.first).to_be_visible()
    steps = through.first.locator("p.statement")
    for number in range(1, steps.count()):
        badge = steps.nth(number).locator("a.badge", has_text=CMU_NEWS)
        expect(badge).to_have_attribute("href", "/source/cmu-news-the-rest")
    director = steps.first
    expect(director.locator(".arrow")).to_have_text("← director —")
    expect(page.locator("svg.drawing")).to_be_visible()
    page.get_by_role("link", name="GraphML").first.wait_for()


def test_the_finder_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/path")
    page.locator("#entity-1").fill("Ai Weiwei")
    page.locator("#entity-2").fill("Carnegie Mellon University")
    page.get_by_role("button", name="Find connections").click()
    expect(page.locator("ol.paths > li").first).to_contain_text("The Rest")
    page.locator("#entity-2").fill("ai")
    page.get_by_role("button", name="Find connections").click()
    expect(page.get_by_role("alert")).to_contain_text("Which “ai” do you mean?")
    context.close()


def test_the_timeline_in_order(page: Page) -> None:
    page.goto("/timeline")
    page.locator("#from").fill("2008")
    page.locator("#to").fill("2021")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("p.summary")).to_contain_text("from 2008 to 2021")
    rows = page.locator("table.timeline-items tbody th")
    names = [text.strip() for text in rows.all_inner_texts()]
    wanted = ["Sichuan earthquake", "Wuhan lockdown", SCREENING]
    found = [next(i for i, name in enumerate(names) if name.startswith(w)) for w in wanted]
    assert found == sorted(found), names
    drawn = page.locator("svg.timeline a.item")
    earthquake = drawn.filter(
        has=page.locator("title", has_text=re.compile("^Sichuan earthquake,"))
    )
    bar = earthquake.locator("rect").nth(1)
    width = float(bar.get_attribute("width") or 0)
    assert width > 20, "a year is drawn as the whole year"
    earthquake.click()
    expect(page).to_have_url(re.compile(r"/id/sichuan-earthquake$"))


def test_the_timeline_from_an_entity_page(page: Page) -> None:
    page.goto("/id/coronation")
    page.get_by_role("link", name="Timeline of its neighbourhood").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Timeline around Coronation (one step)"
    )
    expect(page.locator("table.timeline-items")).to_contain_text("Wuhan lockdown")


def test_the_network_lists_ai_weiwei_among_the_most_central(page: Page) -> None:
    page.goto("/network")
    for caption in ("Degree", "Betweenness", "PageRank"):
        table = page.locator("table.central", has=page.locator("caption", has_text=caption))
        expect(table.locator("tbody tr").first).to_contain_text("Ai Weiwei")
    expect(page.locator("svg.drawing")).to_be_visible()
    page.locator("table.central").first.get_by_role("link", name="Ai Weiwei", exact=True).click()
    expect(page).to_have_url(re.compile(r"/id/ai-weiwei$"))


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_is_accessible_and_fits_a_phone(
    page_at: Callable[[str], Page], live_server: LiveServer, browser: Browser, name: str
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, size in ((1280, "desktop"), (390, "phone")):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        page.goto(PAGES[name])
        expect(page.locator("h1")).to_have_count(1)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        assert scrolled <= width, f"{name} is {scrolled} px wide on a {width} px screen"
        results = Axe().run(page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{name} at {size}: {bad}"
        context.close()
