"""The archivists' browser: search, listings, entity and source pages, drawings, paths, the
timeline, network analysis and graph exports."""

from __future__ import annotations

from witness.browse.index import BrowseIndex
from witness.browse.network import NetworkDeriver
from witness.browse.projection import ProjectionDeriver
from witness.dataset.derived import Deriver
from witness.dataset.engine import Engine
from witness.dataset.upload import Upload
from witness.iris import Iris


def derivers(iris: Iris, engine: Engine | None = None) -> tuple[Deriver, ...]:
    """What every build gets beside it (:mod:`witness.dataset.derived`): the browser's
    index, the graph projection, and the network figures computed from that projection (so
    after it); then, last, once they are made, its copy in the remote ``engine`` if there is
    one (:mod:`witness.dataset.upload`)."""
    found: tuple[Deriver, ...] = (BrowseIndex(iris), ProjectionDeriver(iris), NetworkDeriver(iris))
    return found + ((Upload(engine),) if engine else ())
