"""The listings (``/films``...) over real HTTP: sorted, paged, as HTML, JSON and CSV."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

import pytest
import requests

from witness.browse.listings import LISTINGS

if TYPE_CHECKING:
    from conftest import LiveServer


@pytest.fixture(scope="module")
def url(live_server: LiveServer) -> str:
    return live_server.url


def get(address: str, accept: str | None = None, **params: str) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(address, params=params, headers=headers, timeout=30)


@pytest.mark.parametrize("name", [listing.name for listing in LISTINGS])
def test_every_listing_answers_in_every_form(url: str, name: str) -> None:
    page = get(url + f"/{name}", "text/html")
    assert page.status_code == 200 and "<table" in page.text
    body = get(url + f"/{name}.json").json()
    assert body["total"] > 0 and body["rows"]
    rows = list(csv.DictReader(io.StringIO(get(url + f"/{name}.csv").text)))
    assert len(rows) == body["total"]


def test_films_have_their_key_columns(url: str) -> None:
    rows = list(csv.DictReader(io.StringIO(get(url + "/films.csv").text)))
    cockroach = next(row for row in rows if row["label"] == "Cockroach")
    assert cockroach["iri"] == "https://w3id.org/witness/id/cockroach"
    assert cockroach["year"] == "2020"
    assert cockroach["minutes"] == "93"
    assert cockroach["director"] == "Ai Weiwei"
    assert cockroach["director_iri"] == "https://w3id.org/witness/id/ai-weiwei"


def test_sorting_by_a_column_either_way(url: str) -> None:
    ascending = get(url + "/films.json", sort="minutes").json()["rows"]
    descending = get(url + "/films.json", sort="minutes", order="desc").json()["rows"]

    def minutes(rows: list[dict[str, list[dict[str, str]]]]) -> list[int]:
        return [int(row["minutes"][0]["text"]) for row in rows if "minutes" in row]

    assert minutes(ascending) == sorted(minutes(ascending))
    assert minutes(descending) == sorted(minutes(ascending), reverse=True)
    assert "minutes" in ascending[0] and "minutes" in descending[0], "no value sorts last"


def test_paging(url: str) -> None:
    first = get(url + "/places.json", size="3").json()
    second = get(url + "/places.json", size="3", page="2").json()
    assert first["pages"] > 1 and second["page"] == 2
    assert {r["iri"] for r in first["rows"]}.isdisjoint(r["iri"] for r in second["rows"])


def test_organisations_count_their_links(url: str) -> None:
    rows = get(url + "/organizations.json", sort="links", order="desc").json()["rows"]
    assert int(rows[0]["links"][0]["text"]) >= int(rows[-1]["links"][0]["text"])


def test_an_unknown_column_is_a_clear_400(url: str) -> None:
    response = get(url + "/films.json", "application/json", sort="colour")
    assert response.status_code == 400
    assert "'colour'" in response.json()["message"] and "minutes" in response.json()["message"]


def test_an_unknown_listing_is_404(url: str) -> None:
    assert get(url + "/dinosaurs", "text/html").status_code == 404
    assert get(url + "/films.xml").status_code == 404


def test_events_link_back_from_their_pages(url: str) -> None:
    page = get(url + "/id/wuhan-lockdown", "text/html").text
    assert 'href="/events"' in page
