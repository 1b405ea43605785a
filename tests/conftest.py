"""Shared fixtures: the bundled data built once into a store, and a way to ask it questions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from witness.build import build
from witness.namespaces import PREFIXES
from witness.settings import Settings
from witness.store import StoreLocation

Rows = list[dict[str, str]]

PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the bundled ontology, data and shapes, with a store of the session's own."""
    return Settings(store=tmp_path_factory.mktemp("bundled") / "store")


@pytest.fixture(scope="session")
def bundled_store(bundled_settings: Settings) -> ox.Store:
    """The bundled data, validated and built once for the whole session (read-only)."""
    build(bundled_settings)
    return StoreLocation(bundled_settings.store).open_read_only()


@pytest.fixture(scope="session")
def sparql(bundled_store: ox.Store) -> Callable[[str], Rows]:
    """Run a SELECT over the union of all graphs; each row maps variable to the term's value.

    The usual prefixes (schema, wit, id, graph, source, xsd, ...) are declared for you.
    """

    def select(query: str) -> Rows:
        solutions = bundled_store.query(PROLOGUE + query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [
            {name: row[name].value for name in names if row[name] is not None} for row in solutions
        ]

    return select


@pytest.fixture(scope="session")
def ask(bundled_store: ox.Store) -> Callable[[str], bool]:
    """Run an ASK over the union of all graphs, with the usual prefixes declared."""

    def run(query: str) -> bool:
        return bool(bundled_store.query(PROLOGUE + query, use_default_graph_as_union=True))

    return run


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data directory of the test's own."""
    path = tmp_path / "data"
    path.mkdir()
    return path
