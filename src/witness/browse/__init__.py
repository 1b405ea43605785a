"""The archivists' browser: search, listings, entity and source pages, drawings, paths, the
timeline, network analysis and graph exports."""

from __future__ import annotations

from witness.browse.index import BrowseIndex
from witness.browse.network import NetworkDeriver
from witness.browse.projection import ProjectionDeriver
from witness.dataset.derived import Deriver
from witness.iris import Iris


def derivers(iris: Iris) -> tuple[Deriver, ...]:
    """What the browser makes from every build (:mod:`witness.dataset.derived`): its index,
    the graph projection, and the network figures computed from that projection (so after
    it)."""
    return (BrowseIndex(iris), ProjectionDeriver(iris), NetworkDeriver(iris))
