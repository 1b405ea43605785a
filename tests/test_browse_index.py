"""The browser's index, made per build: swapped in with its build, made later for a build
that lacks one, never half-made; and what search and the label lookup read from it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from witness.browse import derivers
from witness.browse.catalog import Catalog, Catalogs
from witness.browse.index import NAME, BrowseIndex
from witness.browse.labels import Labels
from witness.browse.search import search
from witness.dataset.build import build
from witness.dataset.derived import Live, NotReady, artefact, ensure
from witness.dataset.store import StoreLocation
from witness.errors import StoreError
from witness.iris import Iris
from witness.settings import Settings

IRIS = Iris("https://w3id.org/witness/")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The bundled data built with the browser's derivers."""
    settings = Settings(store=tmp_path_factory.mktemp("indexed") / "store")
    result = build(settings, derivers=derivers(IRIS))
    assert NAME in result.derived
    location = StoreLocation(settings.store)
    return Catalog(artefact(location, location.live_build(), BrowseIndex(IRIS)))


@pytest.fixture(scope="module")
def labels(catalog: Catalog) -> Labels:
    return Labels(catalog, IRIS)


def test_the_index_is_swapped_in_with_its_build(tmp_path: Path, data_dir: Path) -> None:
    (data_dir / "a.ttl").write_text(
        '<https://w3id.org/witness/id/a> <http://schema.org/name> "Alpha" .\n', encoding="utf-8"
    )
    settings = Settings(store=tmp_path / "store", data_dir=data_dir)
    build(settings, validate=False, derivers=derivers(IRIS))
    location = StoreLocation(settings.store)
    first = location.live_build()
    assert artefact(location, first, BrowseIndex(IRIS)).is_file()
    (data_dir / "a.ttl").write_text(
        '<https://w3id.org/witness/id/a> <http://schema.org/name> "Beta" .\n', encoding="utf-8"
    )
    build(settings, validate=False, derivers=derivers(IRIS))
    second = location.live_build()
    assert second != first
    found = Catalog(artefact(location, second, BrowseIndex(IRIS)))
    assert Labels(found, IRIS).one("https://w3id.org/witness/id/a").text == "Beta"
    leftovers = [p.name for p in location.derived(second).iterdir() if p.name.startswith(".")]
    assert leftovers == [f".{NAME}.lock"] or not leftovers


class Failing:
    """A deriver that breaks halfway, as a full disk would."""

    name = "failing-1"

    def make(self, store: ox.Store, target: Path) -> None:
        target.write_text("half", encoding="utf-8")
        raise OSError("No space left on device")


def test_a_failing_deriver_leaves_the_live_build_alone(tmp_path: Path, data_dir: Path) -> None:
    (data_dir / "a.ttl").write_text(
        '<https://w3id.org/witness/id/a> <http://schema.org/name> "Alpha" .\n', encoding="utf-8"
    )
    settings = Settings(store=tmp_path / "store", data_dir=data_dir)
    build(settings, validate=False)
    location = StoreLocation(settings.store)
    live = location.live_build()
    with pytest.raises(StoreError, match="No space left on device"):
        build(settings, validate=False, derivers=[Failing()])
    assert location.live_build() == live
    assert [p.name for p in location.builds.iterdir()] == [live.name]


def test_an_older_build_gets_its_index_once_and_logged(tmp_path: Path, data_dir: Path) -> None:
    """A store built without the index (an older Witness) gets it when first needed, made by
    one of many threads asking at once, and says so."""
    (data_dir / "a.ttl").write_text(
        '<https://w3id.org/witness/id/a> <http://schema.org/name> "Václav"@cs .\n',
        encoding="utf-8",
    )
    settings = Settings(store=tmp_path / "store", data_dir=data_dir)
    build(settings, validate=False)
    location = StoreLocation(settings.store)
    assert not artefact(location, location.live_build(), BrowseIndex(IRIS)).exists()
    said: list[str] = []
    catalogs = Catalogs(location, IRIS, said.append)
    found: list[Catalog] = []
    threads = [threading.Thread(target=lambda: found.append(catalogs.live(30))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({catalog.path for catalog in found}) == 1
    assert sum(line.startswith(f"Made {NAME}") for line in said) == 1, said
    results = search(found[0], Labels(found[0], IRIS), "vaclav")
    assert [hit.entity.text for hit in results.hits] == ["Václav"]
    assert ensure(location, BrowseIndex(IRIS)) == found[0].path


def test_the_index_is_a_real_fts5_table(catalog: Catalog) -> None:
    db = sqlite3.connect(catalog.path)
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'names'").fetchone()
    assert "fts5" in sql and "remove_diacritics 2" in sql


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("vaclav havel", "Václav Havel Prize for Creative Dissent"),
        ("VÁCLAV", "Václav Havel Prize for Creative Dissent"),
        ("corona", "Coronation"),
        ("ai weiwei", "Ai Weiwei"),
        ("skirball", "Skirball Cultural Center"),
        ("never sorry", "Ai Weiwei: Never Sorry"),
    ],
)
def test_search_finds_and_ranks(catalog: Catalog, labels: Labels, typed: str, first: str) -> None:
    results = search(catalog, labels, typed)
    assert results.hits, typed
    assert results.hits[0].entity.text == first


def test_a_name_ranks_above_a_description(catalog: Catalog, labels: Labels) -> None:
    """ "Wuhan" names the city and the lockdown, and is only said in other descriptions."""
    hits = [hit.entity.text for hit in search(catalog, labels, "wuhan", size=50).hits]
    named = [i for i, text in enumerate(hits) if "Wuhan" in text]
    described = [i for i, text in enumerate(hits) if "Wuhan" not in text]
    assert named and described and max(named) < min(described), hits


def test_search_filters_by_type_with_counts(catalog: Catalog, labels: Labels) -> None:
    every = search(catalog, labels, "ai weiwei")
    counts = {count.type.text: count.count for count in every.types}
    assert counts["film"] >= 1
    films = search(catalog, labels, "ai weiwei", type="http://schema.org/Movie")
    assert films.total == counts["film"]
    assert all(any(t.text == "film" for t in hit.types) for hit in films.hits)


def test_search_pages(catalog: Catalog, labels: Labels) -> None:
    first = search(catalog, labels, "ai", size=5)
    second = search(catalog, labels, "ai", size=5, page=2)
    assert first.total == second.total > 5
    assert not {h.entity.iri for h in first.hits} & {h.entity.iri for h in second.hits}


@pytest.mark.parametrize("typed", ['"', "NEAR(", "AND OR", "-", "*", "col:umn", "^", "  "])
def test_fts5_syntax_typed_is_only_text(catalog: Catalog, labels: Labels, typed: str) -> None:
    search(catalog, labels, typed)


def test_labels_come_from_the_graph(labels: Labels) -> None:
    found = labels.of(
        [
            "http://schema.org/director",
            "http://schema.org/about",
            "http://schema.org/Movie",
            "https://w3id.org/witness/ontology#followUpTo",
            "https://w3id.org/witness/id/ai-weiwei",
            "https://w3id.org/witness/id/no-such-thing",
        ]
    )
    assert found["http://schema.org/director"].inverse == "director of"
    assert found["http://schema.org/about"].inverse == "subject of"
    assert found["http://schema.org/Movie"].text == "film"
    assert found["https://w3id.org/witness/ontology#followUpTo"].text == "follow-up to"
    assert found["https://w3id.org/witness/id/ai-weiwei"].text == "Ai Weiwei"
    assert found["https://w3id.org/witness/id/no-such-thing"].text == "no-such-thing"


class Slow:
    """A deriver that takes its time, as an index of a large store does."""

    name = "slow-1"

    def __init__(self) -> None:
        self.go = threading.Event()

    def make(self, store: ox.Store, target: Path) -> None:
        self.go.wait(30)
        target.write_text("made", encoding="utf-8")


def test_a_request_is_told_to_come_back_while_the_artefact_is_made(
    tmp_path: Path, data_dir: Path
) -> None:
    (data_dir / "a.ttl").write_text(
        '<https://w3id.org/witness/id/a> <http://schema.org/name> "A" .\n', encoding="utf-8"
    )
    settings = Settings(store=tmp_path / "store", data_dir=data_dir)
    build(settings, validate=False)
    slow = Slow()
    live = Live(StoreLocation(settings.store), slow, lambda path: path.read_text())
    with pytest.raises(NotReady, match="slow-1 of this build is being made") as raised:
        live.get(0.1)
    assert raised.value.retry_after > 0
    slow.go.set()
    assert live.get(30) == "made"
