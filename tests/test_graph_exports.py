"""Graph files read back by other tools: GraphML by networkx and by igraph (an independent
reader), GEXF by networkx with its dynamic start and end, CSV with a header row; labels
holding markup, quotes, ampersands, right-to-left and CJK text survive each format, over HTTP
and from ``witness export``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import igraph
import networkx as nx
import pytest
import requests
from click.testing import CliRunner

from witness.cli import main

if TYPE_CHECKING:
    from conftest import LiveServer

TRICKY = "<b>Ai</b> & \"double\" 'single' </script> שלום 艾未未"
FRIEND = "Friend <of> & 'a' \"friend\""
SOURCE = 'A <source> & "its" title 文'
ID = "https://w3id.org/witness/id/"

TRICKY_TRIG = """
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/witness/id/> .
@prefix graph: <https://w3id.org/witness/graph/> .
@prefix source: <https://w3id.org/witness/source/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

graph:tricky {
    id:tricky a schema:Person ; schema:name TRICKY@en ; schema:birthDate "1957"^^xsd:gYear ;
        schema:knows id:friend .
    id:friend a schema:Person ; schema:name FRIEND@en .
    id:screening a schema:ScreeningEvent ; schema:name "Screening\\u0001 of a film"@en ;
        schema:startDate "2021-03-20"^^xsd:date ; schema:endDate "2021-03-26"^^xsd:date ;
        schema:organizer id:tricky .
    id:艾 a schema:Person ; schema:name "艾"@zh ; schema:knows id:tricky .
}
graph:sources {
    graph:tricky prov:wasDerivedFrom source:tricky .
    source:tricky a schema:WebPage ; dcterms:title SOURCE@en .
}
"""
for name, value in (("TRICKY", TRICKY), ("FRIEND", FRIEND), ("SOURCE", SOURCE)):
    TRICKY_TRIG = TRICKY_TRIG.replace(name, json.dumps(value, ensure_ascii=False))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tricky data built with ``witness build --no-validate`` (with everything derived)."""
    root = tmp_path_factory.mktemp("tricky-graph")
    (root / "data").mkdir()
    (root / "data" / "tricky.trig").write_text(TRICKY_TRIG, encoding="utf-8")
    witness = str(Path(sys.executable).parent / "witness")
    command = [witness, "build", "--store", str(root / "store"), "--data", str(root / "data")]
    subprocess.run([*command, "--no-validate"], check=True, capture_output=True)
    return root / "store"


@pytest.fixture(scope="module")
def url(store: Path, serve_shared: Callable[..., LiveServer]) -> Iterator[str]:
    server = serve_shared(store)
    yield server.url
    server.stop()


SUFFIXES = {
    "graphml": "graphml",
    "gexf": "gexf",
    "csv-nodes": "nodes.csv",
    "csv-edges": "edges.csv",
}


def over_http(url: str, fmt: str) -> bytes:
    response = requests.get(f"{url}/exports/around/tricky.{SUFFIXES[fmt]}?hops=1", timeout=30)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["Content-Disposition"]
    return response.content


def from_the_cli(store: Path, fmt: str, tmp_path: Path) -> bytes:
    out = tmp_path / f"tricky.{SUFFIXES[fmt]}"
    options = ["--store", str(store), "--format", fmt, "--around", "tricky", "--output", str(out)]
    result = CliRunner().invoke(main, ["export", *options])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.fixture(params=["http", "cli"])
def exported(request: pytest.FixtureRequest, store: Path, tmp_path: Path) -> Callable[[str], bytes]:
    """A graph file of the tricky entity's neighbourhood, over HTTP or from the CLI."""
    if request.param == "http":
        address = request.getfixturevalue("url")
        return lambda fmt: over_http(address, fmt)
    return lambda fmt: from_the_cli(store, fmt, tmp_path)


def between(graph: nx.Graph, source: str, target: str) -> list[dict[str, str]]:
    """The attributes of every edge from ``source`` to ``target`` (a reader may give a
    multigraph or not)."""
    return [data for a, b, data in graph.edges(data=True) if (a, b) == (source, target)]


def test_graphml_read_by_networkx(exported: Callable[[str], bytes], tmp_path: Path) -> None:
    path = tmp_path / "read.graphml"
    path.write_bytes(exported("graphml"))
    graph = nx.read_graphml(path)
    assert graph.is_directed()
    tricky = graph.nodes[ID + "tricky"]
    assert tricky["label"] == TRICKY
    assert (tricky["kind"], tricky["types"]) == ("people", "person")
    assert (tricky["start"], tricky["dates"]) == ("1957-01-01", "born 1957")
    assert graph.nodes[ID + "friend"]["label"] == FRIEND
    (knows,) = between(graph, ID + "tricky", ID + "friend")
    assert knows["property"] == "http://schema.org/knows"
    assert knows["sources"] == SOURCE
    assert knows["source_iris"] == "https://w3id.org/witness/source/tricky"
    (organiser,) = between(graph, ID + "screening", ID + "tricky")
    assert (organiser["start"], organiser["end"]) == ("2021-03-20", "2021-03-26")
    # a character XML cannot hold is replaced, never written raw
    assert graph.nodes[ID + "screening"]["label"] == "Screening\ufffd of a film"


def test_graphml_read_by_igraph(exported: Callable[[str], bytes], tmp_path: Path) -> None:
    path = tmp_path / "read.graphml"
    path.write_bytes(exported("graphml"))
    graph = igraph.Graph.Read_GraphML(str(path))
    assert graph.is_directed() and graph.vcount() == 4 and graph.ecount() == 3
    vertices = {vertex["id"]: vertex for vertex in graph.vs}
    tricky = vertices[ID + "tricky"]
    assert (tricky["label"], tricky["kind"], tricky["start"]) == (TRICKY, "people", "1957-01-01")
    assert vertices[ID + "friend"]["label"] == FRIEND
    knows = graph.es.find(_source=tricky.index, _target=vertices[ID + "friend"].index)
    assert (knows["label"], knows["sources"]) == ("knows", SOURCE)


def test_gexf_read_by_networkx_with_start_and_end(
    exported: Callable[[str], bytes], tmp_path: Path
) -> None:
    path = tmp_path / "read.gexf"
    path.write_bytes(exported("gexf"))
    graph = nx.read_gexf(path, version="1.3")
    assert graph.graph["mode"] == "dynamic"
    tricky = graph.nodes[ID + "tricky"]
    assert tricky["label"] == TRICKY
    assert tricky["start"] == "1957-01-01" and "end" not in tricky  # a person goes on
    screening = graph.nodes[ID + "screening"]
    assert (screening["start"], screening["end"]) == ("2021-03-20", "2021-03-26")
    assert tricky["kind"] == "people"
    (knows,) = between(graph, ID + "tricky", ID + "friend")
    assert knows["label"] == "knows" and knows["sources"] == SOURCE


def test_csv_lists_have_gephis_headers(exported: Callable[[str], bytes]) -> None:
    nodes = list(csv.reader(io.StringIO(exported("csv-nodes").decode("utf-8"))))
    assert nodes[0][:2] == ["Id", "Label"]
    labels = {row[0]: row[1] for row in nodes[1:]}
    assert labels[ID + "tricky"] == TRICKY and labels[ID + "friend"] == FRIEND
    edges = list(csv.DictReader(io.StringIO(exported("csv-edges").decode("utf-8"))))
    assert list(edges[0])[:4] == ["Source", "Target", "Type", "Label"]
    (knows,) = [row for row in edges if row["Label"] == "knows" and row["Target"] == ID + "friend"]
    assert (knows["Source"], knows["Target"], knows["Type"]) == (
        ID + "tricky",
        ID + "friend",
        "Directed",
    )
    assert knows["Sources"] == SOURCE


def test_the_whole_graph_and_its_files(url: str, tmp_path: Path) -> None:
    response = requests.get(f"{url}/exports/graph.graphml", timeout=30)
    assert response.status_code == 200
    (tmp_path / "all.graphml").write_bytes(response.content)
    graph = nx.read_graphml(tmp_path / "all.graphml")
    assert set(graph.nodes) == {ID + "tricky", ID + "friend", ID + "screening", ID + "艾"}
    page = requests.get(f"{url}/exports/", timeout=30)
    assert page.status_code == 200 and "/exports/graph.gexf" in page.text
    assert requests.get(f"{url}/exports/graph.xlsx", timeout=30).status_code == 404


def test_the_cli_writes_a_whole_graph_to_standard_output(store: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--store", str(store), "--format", "csv-nodes"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0][:2] == ["Id", "Label"] and len(rows) == 5


def test_the_cli_refuses_around_for_rdf_and_gzip_for_graphs(store: Path) -> None:
    runner = CliRunner()
    rdf = runner.invoke(
        main, ["export", "--store", str(store), "--format", "turtle", "--around", "x"]
    )
    assert rdf.exit_code == 2 and "--around is for the graph formats" in rdf.output
    gzip = runner.invoke(main, ["export", "--store", str(store), "--format", "gexf", "--gzip"])
    assert gzip.exit_code == 2 and "--gzip is for the RDF formats" in gzip.output
    unknown = runner.invoke(
        main, ["export", "--store", str(store), "--format", "gexf", "--around", "nobody"]
    )
    assert (
        unknown.exit_code == 2 and "nobody" in unknown.output and "Traceback" not in unknown.output
    )


def test_a_slug_in_any_script_is_exported_under_a_plain_file_name(url: str) -> None:
    response = requests.get(f"{url}/exports/around/%E8%89%BE.gexf", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="_-1-steps.gexf"'
    path = requests.get(f"{url}/path.csv", params={"entity": ["艾", "friend"]}, timeout=30)
    assert path.status_code == 200 and "艾" in path.text
