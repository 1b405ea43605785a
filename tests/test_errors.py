"""Every error a client can cause is answered in our words, naming what was wrong and the
limit or the fix, as HTML, JSON or text per ``Accept`` (issue 9, finding 7)."""

from __future__ import annotations

import re
import socket
from typing import TYPE_CHECKING

import pytest
import requests

if TYPE_CHECKING:
    from conftest import LiveServer

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


def test_an_unknown_path_is_our_404(live_server: LiveServer) -> None:
    text = requests.get(live_server.url + "/no/such/page", timeout=30)
    assert text.status_code == 404
    assert text.headers["Content-Type"].startswith("text/plain")
    assert "There is nothing at /no/such/page" in text.text
    assert "Not Found\n\nThe requested URL" not in text.text  # Werkzeug's stock words

    page = requests.get(live_server.url + "/no/such/page", headers=HTML, timeout=30)
    assert page.status_code == 404
    assert page.headers["Content-Type"].startswith("text/html")
    assert re.search(r"<h1[^>]*>[^<]*Not Found", page.text)
    assert "/no/such/page" in page.text

    data = requests.get(live_server.url + "/no/such/page", headers=JSON, timeout=30)
    assert data.status_code == 404
    assert data.json()["status"] == 404
    assert "/no/such/page" in data.json()["message"]


def test_a_body_too_large_is_our_413(live_server: LiveServer) -> None:
    response = requests.post(
        live_server.url + "/sparql",
        data=b"ASK {}" + b" " * 2_000_000,
        headers={"Content-Type": "application/sparql-query", **JSON},
        timeout=30,
    )
    assert response.status_code == 413
    message = response.json()["message"]
    assert "2,000,006 bytes" in message and "1,000,000" in message
    assert "--max-body-bytes" in message


def test_a_method_not_allowed_is_our_405(live_server: LiveServer) -> None:
    response = requests.delete(live_server.url + "/sparql", timeout=30)
    assert response.status_code == 405
    assert "/sparql does not take DELETE" in response.text
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def sparql(live_server: LiveServer, text: str) -> requests.Response:
    return requests.post(live_server.url + "/sparql", data={"query": text}, timeout=30)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?x WHERE { ?x ?y ?z",
        "SELECT * WHERE {\n  ?s ?p\n}",
        "SELECT ?x WHERE { ?x ?y }}",
        "SELECT * { ?s ?p ?o } LIMT 3",
    ],
)
def test_a_syntax_error_is_readable(live_server: LiveServer, text: str) -> None:
    response = sparql(live_server, text)
    assert response.status_code == 400
    assert "The query is not valid SPARQL" in response.text
    assert "[_]" not in response.text and "..=" not in response.text
    assert "\\u{" not in response.text
    assert re.search(r"\n +\| +\^", response.text), "a caret under the column"


def test_an_undeclared_prefix_is_named_with_the_declared_ones(live_server: LiveServer) -> None:
    response = sparql(live_server, "SELECT * WHERE {\n  ?s foo:bar ?o\n}")
    assert response.status_code == 400
    assert "'foo:' (line 2, column 6) is not declared" in response.text
    assert "PREFIX foo:" in response.text
    assert "schema, sd" in response.text


@pytest.mark.parametrize(
    "text", ["INSERT DATA { <a:b> <a:c> <a:d> }", "DELETE WHERE { ?s ?p ?o }", "CLEAR ALL"]
)
def test_an_update_is_refused_without_pointing_elsewhere(
    live_server: LiveServer, text: str
) -> None:
    response = sparql(live_server, text)
    assert response.status_code == 400
    assert "updates are not accepted" in response.text
    assert "/update" not in response.text
    response = requests.post(live_server.url + "/sparql", data={"update": text}, timeout=30)
    assert response.status_code == 400
    assert "/update" not in response.text


def test_a_malformed_request_is_our_400_and_no_traceback(live_server: LiveServer) -> None:
    port = int(live_server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n")
        answer = sock.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 400 ")
    assert "not valid HTTP/1.1" in answer
    assert "Traceback" not in live_server.log.read_text()
