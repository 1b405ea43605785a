"""What the home page says the graph holds: counts per listing and per class, the sources,
when the live build was made and how many statements it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from witness.browse.catalog import Catalog
from witness.browse.labels import Labels, Named
from witness.browse.listings import LISTINGS, Listing, count
from witness.browse.listings import page as listing_page
from witness.dataset.manifest import Manifest
from witness.dataset.store import StoreLocation, built_at

TOP_CLASSES = 12
"""Most classes the overview names."""


@dataclass(frozen=True)
class Overview:
    built: datetime
    statements: int
    graphs: int
    listings: tuple[tuple[Listing, int], ...]
    classes: tuple[tuple[Named, int], ...]
    sources: tuple[Named, ...]


def overview(location: StoreLocation, catalog: Catalog, labels: Labels) -> Overview:
    """The live build's overview (its manifest gives the counts of statements and graphs)."""
    build = location.live_build()
    manifest = Manifest.read(location.derived(build))
    classes = catalog.rows(
        "SELECT class, entities FROM classes WHERE listing IS NOT NULL "
        "ORDER BY entities DESC, class LIMIT ?",
        [TOP_CLASSES],
    )
    named = labels.of(str(cls) for cls, _ in classes)
    sources = listing_page(catalog, LISTINGS[-1], size=20).rows
    return Overview(
        built=built_at(build),
        statements=manifest.statements if manifest else 0,
        graphs=manifest.graphs if manifest else 0,
        listings=tuple((listing, count(catalog, listing)) for listing in LISTINGS),
        classes=tuple((named[str(cls)], int(str(n))) for cls, n in classes),
        sources=tuple(labels.of(row.iri for row in sources).values()),
    )
