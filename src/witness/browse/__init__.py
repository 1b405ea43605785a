"""The archivists' browser: search, listings, entity and source pages, drawings."""

from __future__ import annotations

from witness.browse.index import BrowseIndex
from witness.dataset.derived import Deriver
from witness.iris import Iris


def derivers(iris: Iris) -> tuple[Deriver, ...]:
    """What the browser makes from every build (:mod:`witness.dataset.derived`): its index."""
    return (BrowseIndex(iris),)
