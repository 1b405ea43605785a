"""``/path``, ``/timeline``, ``/network`` and the entity page's links to them, over real HTTP:
every JSON, CSV, SVG, GraphML and GEXF form, the bounds (a 400 naming the limit), names that
are ambiguous or unknown, and "no connection" as an answer."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pytest
import requests

if TYPE_CHECKING:
    from conftest import LiveServer

ID = "https://w3id.org/witness/id/"
AI, CMU = ID + "ai-weiwei", ID + "carnegie-mellon-university"
PAIR: dict[str, Any] = {"entity": ["ai-weiwei", "carnegie-mellon-university"]}
SVG = "{http://www.w3.org/2000/svg}svg"


@pytest.fixture(scope="module")
def url(live_server: LiveServer) -> str:
    return live_server.url


def get(address: str, accept: str | None = None, **params: Any) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(address, params=params, headers=headers, timeout=60)


def test_paths_as_json_by_suffix_and_by_accept(url: str) -> None:
    by_suffix = get(f"{url}/path.json", **PAIR, k=3)
    by_accept = get(f"{url}/path", "application/json", **PAIR, k=3)
    assert by_suffix.status_code == by_accept.status_code == 200
    assert by_suffix.json() == by_accept.json()
    assert "Accept" in by_accept.headers["Vary"]
    body = by_suffix.json()
    assert body["found"] and body["message"] == "3 paths of 4 steps."
    assert [end["iri"] for end in body["ends"]] == [AI, CMU]
    first = body["paths"][0]
    assert first["nodes"][0]["url"] == f"{url}/id/ai-weiwei"
    (director,) = first["steps"][0]["statements"]
    assert (director["subject"], director["object"]) == (ID + "the-rest", AI)
    assert director["direction"] == "backward" and director["property_label"] == "director"
    assert {s["label"] for s in director["sources"]} >= {
        "Weiwei Continues Focus on Refugees in New Film “The Rest”"
    }


def test_names_work_as_well_as_slugs(url: str) -> None:
    body = get(f"{url}/path.json", entity=["Ai Weiwei", "Carnegie Mellon University"]).json()
    assert [end["iri"] for end in body["ends"]] == [AI, CMU]
    picked = get(f"{url}/path.json", entity=["ai weiwei", ""], entity_iri=[AI, CMU], k=1).json()
    assert [end["iri"] for end in picked["ends"]] == [AI, CMU]
    # text changed after a choice (a page without JavaScript keeps the old hidden IRI)
    changed = get(f"{url}/path.json", entity=["Ai Weiwei", "vivos"], entity_iri=[AI, CMU]).json()
    assert changed["ends"][1]["iri"] == ID + "vivos"


def test_paths_as_csv_with_a_row_per_statement(url: str) -> None:
    response = get(f"{url}/path.csv", **PAIR, k=1)
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0])[:4] == ["path", "step", "subject", "subject_label"]
    assert rows[0]["subject_label"] == "The Rest" and rows[0]["object_label"] == "Ai Weiwei"
    assert {row["path"] for row in rows} == {"1"}


@pytest.mark.parametrize(("suffix", "reader"), [("graphml", "graphml"), ("gexf", "gexf")])
def test_paths_as_graph_files(url: str, suffix: str, reader: str, tmp_path: Path) -> None:
    response = get(f"{url}/path.{suffix}", **PAIR, k=2)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / f"path.{suffix}"
    path.write_bytes(response.content)
    graph = nx.read_graphml(path) if reader == "graphml" else nx.read_gexf(path, version="1.3")
    assert {AI, CMU, ID + "the-rest"} <= set(graph.nodes)
    assert graph.nodes[AI]["label"] == "Ai Weiwei"


def test_paths_as_node_and_edge_lists_and_a_drawing(url: str) -> None:
    nodes = list(csv.reader(io.StringIO(get(f"{url}/path.nodes.csv", **PAIR).text)))
    assert nodes[0][:2] == ["Id", "Label"] and AI in {row[0] for row in nodes}
    edges = list(csv.reader(io.StringIO(get(f"{url}/path.edges.csv", **PAIR).text)))
    assert edges[0][:4] == ["Source", "Target", "Type", "Label"]
    drawing = get(f"{url}/path.svg", **PAIR)
    assert drawing.headers["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(drawing.content)
    assert root.tag == SVG and "Carnegie Mellon University" in drawing.text


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"k": "21"}, "'k' must be a whole number from 1 to 20"),
        ({"k": "0"}, "'k' must be a whole number from 1 to 20"),
        ({"k": "many"}, "'k' must be a whole number from 1 to 20"),
        ({"length": "11"}, "'length' must be a whole number from 1 to 10"),
        ({"from": "last year"}, "'from' must be a year"),
        ({"exclude": "nothing-at-all"}, "'nothing-at-all' to avoid"),
    ],
)
def test_bounds_are_a_400_naming_the_limit(url: str, params: dict[str, str], named: str) -> None:
    response = get(f"{url}/path.json", "application/json", **PAIR, **params)
    assert response.status_code == 400
    assert named in response.json()["message"]


def test_too_many_entities_unknown_and_ambiguous_names_are_400s(url: str) -> None:
    many = get(f"{url}/path.json", entity=[f"e{n}" for n in range(7)])
    assert many.status_code == 400 and "At most 6" in many.text
    unknown = get(f"{url}/path.json", entity=["ai-weiwei", "zzzz qqqq"])
    assert unknown.status_code == 400 and "zzzz qqqq" in unknown.text
    ambiguous = get(f"{url}/path.json", entity=["ai-weiwei", "the rest"])
    assert ambiguous.status_code == 200  # "The Rest" is exactly one entity's name
    ambiguous = get(f"{url}/path.json", entity=["ai", "vivos"])
    assert ambiguous.status_code == 400 and f"<{AI}>" in ambiguous.text
    alone = get(f"{url}/path.json", entity="ai-weiwei")
    assert alone.status_code == 400 and "two entities" in alone.text


def test_no_connection_is_an_answer_not_an_error(url: str) -> None:
    response = get(f"{url}/path.json", **PAIR, length=2)
    assert response.status_code == 200
    body = response.json()
    assert not body["found"] and body["paths"] == []
    assert body["message"] == "No connection within 2 steps."
    page = get(f"{url}/path", "text/html", **PAIR, length=2)
    assert page.status_code == 200 and "No connection within 2 steps." in page.text


def test_exclusions_and_a_period_change_the_answer(url: str) -> None:
    rest = ID + "the-rest"
    avoided = get(f"{url}/path.json", **PAIR, exclude="the-rest").json()
    assert avoided["found"]
    assert all(rest not in [n["iri"] for n in p["nodes"]] for p in avoided["paths"])
    assert avoided["exclude"] == [{"iri": rest, "label": "The Rest"}]
    property_ = get(f"{url}/path.json", **PAIR, exclude="schema:director").json()
    assert property_["exclude"][0]["iri"] == "http://schema.org/director"
    early = get(f"{url}/path.json", **PAIR, **{"from": "2008", "to": "2015"}).json()
    assert early["period"] == {"from": "2008-01-01", "to": "2015-12-31"}
    screening = ID + "the-rest-cmu-iff-2021"
    assert all(screening not in [n["iri"] for n in p["nodes"]] for p in early["paths"])


def test_a_tree_connects_three(url: str) -> None:
    body = get(
        f"{url}/path.json", entity=["ai-weiwei", "carnegie-mellon-university", "wuhan-lockdown"]
    ).json()
    assert body["found"] and body["paths"] == [] and body["tree"]
    touched = {s["subject"] for step in body["tree"] for s in step["statements"]}
    touched |= {s["object"] for step in body["tree"] for s in step["statements"]}
    assert {AI, CMU, ID + "wuhan-lockdown"} <= touched


def test_the_finder_page_without_a_question_and_with_one(url: str) -> None:
    empty = get(f"{url}/path", "text/html")
    assert empty.status_code == 200 and "How are these connected?" in empty.text
    assert 'name="entity"' in empty.text and 'name="entity_iri"' in empty.text
    which = get(f"{url}/path", "text/html", entity=["ai", "vivos"])
    assert which.status_code == 200 and "Which “" in which.text
    assert "/path.graphml?" in get(f"{url}/path", "text/html", **PAIR).text


def test_timeline_json_in_order_with_whole_years(url: str) -> None:
    body = get(f"{url}/timeline.json", **{"from": "2008", "to": "2021"}).json()
    iris = [item["iri"] for item in body["items"]]
    order = [ID + "sichuan-earthquake", ID + "wuhan-lockdown", ID + "the-rest-cmu-iff-2021"]
    assert [iris.index(iri) for iri in order] == sorted(iris.index(iri) for iri in order)
    assert body["first_day"] == "2008-01-01" and body["last_day"].startswith("2021-")
    (earthquake,) = [item for item in body["items"] if item["iri"] == order[0]]
    assert (earthquake["first_day"], earthquake["last_day"]) == ("2008-01-01", "2008-12-31")
    (lockdown,) = [item for item in body["items"] if item["iri"] == order[1]]
    assert lockdown["dated_by"] == ID + "coronation" and lockdown["date"] == "by 2020"


def test_timeline_filters_and_forms(url: str, tmp_path: Path) -> None:
    films = get(f"{url}/timeline.json", type="films").json()
    assert films["items"] and {item["kind"] for item in films["items"]} == {"films"}
    around = get(f"{url}/timeline.json", entity="coronation").json()
    assert around["entity"]["iri"] == ID + "coronation"
    rows = list(csv.reader(io.StringIO(get(f"{url}/timeline.csv", type="events").text)))
    assert rows[0][:3] == ["iri", "label", "kind"] and len(rows) > 5
    drawing = get(f"{url}/timeline.svg")
    assert ET.fromstring(drawing.content).tag == SVG
    gexf = get(f"{url}/timeline.gexf", type="events")
    (tmp_path / "t.gexf").write_bytes(gexf.content)
    graph = nx.read_gexf(tmp_path / "t.gexf", version="1.3")
    assert graph.nodes[ID + "sichuan-earthquake"]["start"] == "2008-01-01"
    for suffix in ("graphml", "nodes.csv", "edges.csv"):
        assert get(f"{url}/timeline.{suffix}").status_code == 200, suffix


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"type": "dragons"}, "No kind of entity is called dragons"),
        ({"size": "1001"}, "'size' must be a whole number from 1 to 1,000"),
        ({"hops": "3", "entity": "vivos"}, "'hops' must be a whole number from 1 to 2"),
        ({"to": "March"}, "'to' must be a year"),
    ],
)
def test_timeline_bad_parameters(url: str, params: dict[str, str], named: str) -> None:
    response = get(f"{url}/timeline.json", "application/json", **params)
    assert response.status_code == 400 and named in response.json()["message"]


def test_network_json_csv_and_drawing(url: str) -> None:
    body = get(f"{url}/network.json").json()
    for measure in ("degree", "betweenness", "pagerank"):
        assert body["measures"][measure][0]["iri"] == AI, measure
    assert body["seed"] == 42 and body["communities"][0]["members"]
    assert body["community_count"] >= len(body["communities"])
    rows = list(csv.DictReader(io.StringIO(get(f"{url}/network.csv").text)))
    assert list(rows[0]) == ["table", "rank", "iri", "label", "kind", "value", "community"]
    assert {row["table"] for row in rows} == {"degree", "betweenness", "pagerank", "community"}
    assert ET.fromstring(get(f"{url}/network.svg").content).tag == SVG
    page = get(f"{url}/network", "text/html")
    assert page.status_code == 200 and ">Ai Weiwei</a>" in page.text


def test_neighbourhood_export_bounds(url: str) -> None:
    assert get(f"{url}/exports/around/ai-weiwei.gexf", hops=3).status_code == 200
    too_far = get(f"{url}/exports/around/ai-weiwei.gexf", "application/json", hops=4)
    assert too_far.status_code == 400
    assert "'hops' must be a whole number from 1 to 3" in too_far.json()["message"]
    nobody = get(f"{url}/exports/around/nobody.graphml", "application/json")
    assert nobody.status_code == 400 and "nobody" in nobody.json()["message"]
    assert get(f"{url}/exports/around/ai-weiwei.pdf").status_code == 404
    assert get(f"{url}/path.pdf", **PAIR).status_code == 404


def test_the_entity_page_links_to_its_timeline_exports_and_the_finder(url: str) -> None:
    page = get(f"{url}/id/ai-weiwei", "text/html").text
    assert "/exports/around/ai-weiwei.gexf?hops=1" in page
    assert "/timeline?entity_iri=" in page and "/path?entity_iri=" in page
