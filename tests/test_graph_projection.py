"""The graph projection and what is computed from it, in-process: what is and is not a node,
what an edge keeps, paths within bounds and their filters, trees, the timeline's dates, and
the network figures of a build."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from witness.browse import derivers
from witness.browse.network import Network, NetworkDeriver, analyse
from witness.browse.paths import HUB_DEGREE, MAX_K, MAX_LENGTH, Request, connect
from witness.browse.projection import NAME, Projection, project
from witness.browse.timeline import Filters, items, timeline
from witness.dataset.build import build
from witness.dataset.store import StoreLocation
from witness.errors import BadRequest
from witness.iris import Iris
from witness.settings import Settings

BASE = "https://w3id.org/witness/"
ID = BASE + "id/"
SCHEMA = "http://schema.org/"
CMU_NEWS = BASE + "source/cmu-news-the-rest"
SKIRBALL = BASE + "source/skirball-bearing-witness"
AI, CMU, THE_REST = ID + "ai-weiwei", ID + "carnegie-mellon-university", ID + "the-rest"
SCREENING = ID + "the-rest-cmu-iff-2021"


@pytest.fixture(scope="module")
def projection(bundled_store: ox.Store) -> Projection:
    return Projection(project(bundled_store, Iris(BASE)))


def test_entities_are_nodes_and_classes_sources_and_outside_iris_are_not(
    projection: Projection,
) -> None:
    graph = projection.graph
    assert AI in graph and THE_REST in graph
    assert not [node for node in graph if not node.startswith(ID)]
    assert SCHEMA + "Movie" not in graph
    assert CMU_NEWS not in graph
    assert "http://www.wikidata.org/entity/Q160115" in graph.nodes[AI]["outside"]
    assert graph.nodes[THE_REST]["kind"] == "films"
    assert graph.nodes[AI]["types"] == ("person",)


def test_an_edge_keeps_property_direction_sources(projection: Projection) -> None:
    (statement,) = [
        s for s in projection.statements(AI, THE_REST) if s.property.endswith("director")
    ]
    assert (statement.subject, statement.object) == (THE_REST, AI)
    assert set(statement.sources) == {CMU_NEWS, SKIRBALL}
    assert projection.reads(statement.property, forward=True) == "director"
    assert projection.reads(statement.property, forward=False) != "director"
    assert projection.label(CMU_NEWS).startswith("Weiwei Continues Focus on Refugees")


def test_a_year_is_the_whole_year_and_a_person_lasts(projection: Projection) -> None:
    data = projection.graph.nodes[AI]
    (birth,) = data["dates"]
    assert (birth.when.first, birth.when.last, birth.when.text) == (
        "1957-01-01",
        "1957-12-31",
        "1957",
    )
    assert (data["start"], data["end"]) == ("1957-01-01", None)
    screening = projection.graph.nodes[SCREENING]
    assert (screening["start"], screening["end"]) == ("2021-03-20", "2021-03-26")


def test_the_shortest_paths_come_first_with_their_sources(projection: Projection) -> None:
    answer = connect(projection, Request((AI, CMU), k=5, max_length=6))
    lengths = [path.length for path in answer.paths]
    assert lengths == sorted(lengths) and len(lengths) == 5 and lengths[0] == 4
    through = [path for path in answer.paths if {THE_REST, SCREENING} <= set(path.nodes)]
    assert through, [path.nodes for path in answer.paths]
    for step in through[0].steps[1:]:
        assert all(CMU_NEWS in s.sources for s in step.statements)
    assert all(path.nodes[0] == AI and path.nodes[-1] == CMU for path in answer.paths)
    assert len({path.nodes for path in answer.paths}) == len(answer.paths)


def test_no_connection_within_the_length_is_an_answer(projection: Projection) -> None:
    answer = connect(projection, Request((AI, CMU), max_length=3))
    assert not answer.found and answer.paths == ()


@pytest.mark.parametrize(
    ("request_", "named"),
    [
        (Request((AI, CMU), k=MAX_K + 1), f"from 1 to {MAX_K}"),
        (Request((AI, CMU), k=0), "k "),
        (Request((AI, CMU), max_length=MAX_LENGTH + 1), f"from 1 to {MAX_LENGTH}"),
        (Request((AI, AI)), "two different"),
        (Request((AI, ID + "nobody")), "nobody"),
        (Request((AI, CMU), exclude=frozenset({CMU})), "both an end and excluded"),
        (Request((AI, CMU), window=("2021-01-01", "2020-01-01")), "ends"),
        (Request(tuple(ID + f"x{n}" for n in range(7))), "At most 6"),
    ],
)
def test_bad_requests_name_what_is_wrong(
    projection: Projection, request_: Request, named: str
) -> None:
    with pytest.raises(BadRequest, match=named):
        connect(projection, request_)


def test_excluded_entities_and_properties_are_avoided(projection: Projection) -> None:
    avoided = connect(projection, Request((AI, CMU), exclude=frozenset({THE_REST})))
    assert avoided.paths and all(THE_REST not in path.nodes for path in avoided.paths)
    director = SCHEMA + "director"
    without = connect(projection, Request((AI, THE_REST), exclude=frozenset({director})))
    for path in without.paths:
        assert all(s.property != director for step in path.steps for s in step.statements)


def test_a_period_keeps_paths_to_entities_active_in_it(projection: Projection) -> None:
    everything = connect(projection, Request((AI, CMU)))
    assert any(SCREENING in path.nodes for path in everything.paths)
    before = connect(projection, Request((AI, CMU), window=("2008-01-01", "2015-12-31")))
    assert all(SCREENING not in path.nodes for path in before.paths)


def test_three_entities_are_connected_by_a_tree(projection: Projection) -> None:
    ends = (AI, CMU, ID + "wuhan-lockdown")
    answer = connect(projection, Request(ends))
    nodes = set(answer.nodes())
    assert set(ends) <= nodes
    assert len(answer.tree) == len(nodes) - 1  # a tree: one step fewer than entities
    apart = connect(projection, Request(ends, max_length=2))
    assert not apart.found and apart.apart


def test_hubs_are_not_passed_through_unless_asked(tmp_path: Path) -> None:
    """An entity linked to more than HUB_DEGREE others connects everything: by default no
    path goes through it."""
    lines = [f"id:fan{n} schema:follows id:star ." for n in range(HUB_DEGREE + 1)]
    data = tmp_path / "data"
    data.mkdir()
    (data / "hub.trig").write_text(
        "@prefix schema: <http://schema.org/> .\n@prefix id: <https://w3id.org/witness/id/> .\n"
        "<https://w3id.org/witness/graph/hub> {\n" + "\n".join(lines) + "\n}\n"
    )
    settings = Settings(store=tmp_path / "store", data_dir=data)
    build(settings, validate=False)
    shown = Projection(project(StoreLocation(settings.store).open_read_only(), Iris(BASE)))
    ends = (ID + "fan1", ID + "fan2")
    blocked = connect(shown, Request(ends))
    assert not blocked.found and blocked.hubs == (ID + "star",)
    through = connect(shown, Request(ends, through_hubs=True))
    assert [path.nodes for path in through.paths] == [(ID + "fan1", ID + "star", ID + "fan2")]


def test_timeline_items_in_order_with_years_whole_and_undated_events_placed(
    projection: Projection,
) -> None:
    every = items(projection)
    firsts = [item.first for item in every]
    assert firsts == sorted(firsts)
    order = [item.iri for item in every]
    earthquake, lockdown = ID + "sichuan-earthquake", ID + "wuhan-lockdown"
    assert order.index(earthquake) < order.index(lockdown) < order.index(SCREENING)
    (placed,) = [item for item in every if item.iri == lockdown]
    assert placed.dated_by == ID + "coronation" and placed.text == "by 2020"
    (screening,) = [item for item in every if item.iri == SCREENING]
    assert screening.span and (screening.first, screening.last) == ("2021-03-20", "2021-03-26")
    (born,) = [item for item in every if item.iri == AI]
    assert (born.what, born.first, born.last) == ("born", "1957-01-01", "1957-12-31")


def test_timeline_filters(projection: Projection) -> None:
    films = timeline(projection, Filters(kinds=frozenset({"films"})))
    assert films.total and all(item.kind == "films" for item in films.items)
    assert films.counts["events"] > 0  # counted before the kind is chosen
    period = timeline(projection, Filters(period=("2008-01-01", "2021-12-31")))
    assert period.first >= "2008-01-01" and AI not in {item.iri for item in period.items}
    around = timeline(projection, Filters(entity=ID + "coronation", hops=1))
    assert {item.iri for item in around.items} >= {ID + "coronation", ID + "wuhan-lockdown"}
    assert ID + "the-rest" not in {item.iri for item in around.items}


def test_network_figures_are_the_same_every_time(projection: Projection) -> None:
    first, second = analyse(projection), analyse(projection)
    first.pop("seconds"), second.pop("seconds")
    assert first == second
    top = first["measures"]["pagerank"][0]
    assert top[0] == AI
    assert first["communities"][0]["size"] >= first["communities"][-1]["size"]


def test_build_makes_the_projection_and_the_network_beside_the_store(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "store")
    result = build(settings, validate=False, derivers=derivers(Iris(BASE)))
    assert set(result.derived) >= {NAME, NetworkDeriver.name}
    location = StoreLocation(settings.store)
    derived = location.derived(location.live_build())
    loaded = Projection.load(derived / NAME)
    assert AI in loaded
    network = Network.load(derived / NetworkDeriver.name)
    assert network.measures["degree"][0].iri == AI
    assert network.entities == loaded.graph.number_of_nodes()


@pytest.mark.parametrize(
    ("a", "b", "length"),
    [(AI, CMU, 5), (AI, ID + "wuhan-lockdown", 4), (ID + "vivos", CMU, 5), (THE_REST, CMU, 3)],
)
def test_paths_are_the_shortest_of_all_simple_paths(
    projection: Projection, a: str, b: str, length: int
) -> None:
    """The region walked from the ends misses no path: the lengths found are those of the
    shortest of every simple path in the whole graph (networkx's exhaustive search)."""
    answer = connect(projection, Request((a, b), k=20, max_length=length, through_hubs=True))
    every = sorted(len(p) - 1 for p in nx.all_simple_paths(projection.graph, a, b, cutoff=length))
    assert [path.length for path in answer.paths] == every[:20]
