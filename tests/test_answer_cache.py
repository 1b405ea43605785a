"""Answers remembered per build, entity tags and conditional requests, over real HTTP."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests

from conftest import LiveServer, Servers
from witness.dataset.build import build
from witness.settings import Settings
from witness.web import create_app

TINY = Path(__file__).parent / "data" / "tiny"
NAME = "SELECT ?name WHERE { id:cockroach schema:name ?name }"
CSV = {"Accept": "text/csv"}


def get(server: LiveServer, path: str, **headers: str) -> requests.Response:
    return requests.get(server.url + path, headers=headers, timeout=30)


def ask(server: LiveServer, query: str, **headers: str) -> requests.Response:
    return requests.get(
        server.url + "/sparql", params={"query": query}, headers={**CSV, **headers}, timeout=30
    )


def tiny_settings(tmp_path: Path, name: str = "Cockroach") -> Settings:
    """Settings for a store of the tiny data set, with the film called ``name``."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    text = (TINY / "data" / "films.trig").read_text(encoding="utf-8")
    (data / "films.trig").write_text(text.replace('"Cockroach"@en', f'"{name}"@en'))
    return Settings(
        store=tmp_path / "store",
        ontology_dir=TINY / "ontology",
        shapes_dir=TINY / "shapes",
        data_dir=data,
    )


def test_a_rebuild_is_never_answered_from_the_previous_build(
    tmp_path: Path, serve: Servers
) -> None:
    build(tiny_settings(tmp_path))
    server = serve(tmp_path / "store")
    first = ask(server, NAME)
    again = ask(server, NAME)
    assert first.text == again.text == "name\r\nCockroach\r\n"
    assert first.headers["ETag"] == again.headers["ETag"]
    build(tiny_settings(tmp_path, "Cockroach (2020)"))
    after = ask(server, NAME, **{"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert after.text == "name\r\nCockroach (2020)\r\n"
    assert after.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/id/ai-weiwei", "text/turtle"),
        ("/id/ai-weiwei", "text/html"),
        ("/source/cmu-news-the-rest.jsonld", "*/*"),
        ("/ontology", "application/n-triples"),
        ("/sparql", "text/turtle"),  # the service description
        ("/context.jsonld", "*/*"),
        ("/", "text/html"),
    ],
)
def test_every_page_and_document_has_a_tag_that_makes_a_repeat_304(
    live_server: LiveServer, path: str, accept: str
) -> None:
    first = get(live_server, path, Accept=accept)
    assert first.status_code == 200, first.text
    tag = first.headers["ETag"]
    assert tag.startswith('W/"')
    assert first.headers["Cache-Control"] == "public, no-cache"
    repeat = get(live_server, path, Accept=accept, **{"If-None-Match": tag})
    assert repeat.status_code == 304
    assert repeat.content == b""
    assert repeat.headers["ETag"] == tag
    other = get(live_server, path, Accept=accept, **{"If-None-Match": 'W/"another"'})
    assert other.status_code == 200
    assert other.content == first.content


def test_query_answers_304_and_the_tag_depends_on_the_format(live_server: LiveServer) -> None:
    query = "SELECT ?film WHERE { ?film schema:director id:ai-weiwei } ORDER BY ?film"
    as_csv = ask(live_server, query)
    tag = as_csv.headers["ETag"]
    assert ask(live_server, query, **{"If-None-Match": tag}).status_code == 304
    as_json = ask(live_server, query, Accept="application/sparql-results+json")
    assert as_json.headers["ETag"] != tag
    assert ask(live_server, query, **{"If-None-Match": f'"x", {tag}'}).status_code == 304
    assert ask(live_server, query + " ", **{"If-None-Match": tag}).status_code == 200


def test_errors_and_posts_are_neither_tagged_nor_kept(live_server: LiveServer) -> None:
    bad = ask(live_server, "SELECT WHERE {")
    assert bad.status_code == 400
    assert "ETag" not in bad.headers
    posted = requests.post(
        live_server.url + "/sparql", data={"query": NAME}, headers=CSV, timeout=30
    )
    assert posted.status_code == 200
    assert "ETag" not in posted.headers
    assert "ETag" not in get(live_server, "/health").headers


def test_a_repeated_request_is_answered_from_memory(tmp_path: Path) -> None:
    settings = tiny_settings(tmp_path)
    build(settings)
    app = create_app(settings)
    client = app.test_client()
    cache = app.wsgi_app.cache  # type: ignore[attr-defined]
    first = client.get("/sparql", query_string={"query": NAME}, headers=CSV)
    assert len(cache) == 1
    # The query workers are gone: only memory can answer now.
    app.extensions["witness"].close()
    shutil.rmtree(settings.store / "builds", ignore_errors=True)
    (settings.store / "builds").mkdir()
    (settings.store / "builds" / settings.store.joinpath("current").readlink().name).mkdir()
    second = client.get("/sparql", query_string={"query": NAME}, headers=CSV)
    assert second.status_code == 200
    assert second.data == first.data == b"name\r\nCockroach\r\n"


def test_no_answer_is_kept_without_memory_for_it(tmp_path: Path) -> None:
    settings = tiny_settings(tmp_path).with_changes(answer_cache=0)
    build(settings)
    app = create_app(settings)
    client = app.test_client()
    response = client.get("/sparql", query_string={"query": NAME}, headers=CSV)
    assert response.status_code == 200
    assert response.headers["ETag"]
    assert len(app.wsgi_app.cache) == 0  # type: ignore[attr-defined]
    app.extensions["witness"].close()
