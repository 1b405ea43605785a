"""What a build was made from and what it holds, recorded with the build.

Every build writes ``build.json`` into its derived directory (:meth:`StoreLocation.derived`)
as the last step before it is swapped in: the directories it read, a digest of their files
(names and bytes of every ontology, data and shapes file, and the base IRI), whether it was
validated, how many statements its named graphs hold, how many distinct facts its default
graph holds, and the layout of its database (:data:`witness.dataset.merge.LAYOUT`). Two uses:

* ``witness serve`` compares the digest with the inputs it is configured with, so that a
  store built from older data (after an upgrade of the bundled data, or an edit of ``data/``)
  is rebuilt rather than served without a word (:func:`freshness`), and so is a build of an
  older layout (without the merged default graph, which every query without ``GRAPH`` reads);
* a build directory without a manifest was never completed (a build killed with ``kill -9``
  leaves one behind): the next build removes it (:meth:`StoreLocation.new_build`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path

from witness.dataset.inputs import FORMATS
from witness.dataset.merge import LAYOUT
from witness.dataset.store import MANIFEST, StoreLocation
from witness.settings import Settings


@dataclass(frozen=True)
class Manifest:
    """The record of one build (``build.json``)."""

    digest: str
    ontology_dir: str
    data_dir: str
    shapes_dir: str
    base_iri: str
    validated: bool
    files: int
    statements: int = 0
    facts: int = 0
    graphs: int = 0
    layout: int = 1

    def write(self, directory: Path) -> None:
        """Write ``build.json`` into ``directory`` (under a temporary name, then renamed)."""
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / f".{MANIFEST}.tmp"
        temporary.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        temporary.replace(directory / MANIFEST)

    @classmethod
    def read(cls, directory: Path) -> Manifest | None:
        """The manifest in ``directory``, or None if there is none or it cannot be read (a
        build made before manifests existed, or by another version that wrote other fields)."""
        try:
            fields = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
            return cls(**fields)
        except (OSError, ValueError, TypeError):
            return None


def inputs_digest(settings: Settings) -> str:
    """A SHA-256 over the base IRI and the name and bytes of every RDF file of the ontology,
    data and shapes directories (what a build reads; other files do not count).

    Unreadable or missing directories count as empty: the build that follows says why.
    """
    digest = hashlib.sha256(settings.base_iri.encode())
    for kind, directory in (
        ("ontology", settings.ontology_dir),
        ("data", settings.data_dir),
        ("shapes", settings.shapes_dir),
    ):
        try:
            files = sorted(p for p in directory.iterdir() if p.suffix.lower() in FORMATS)
        except OSError:
            files = []
        for path in files:
            try:
                content = path.read_bytes()
            except OSError:
                continue
            digest.update(f"\0{kind}/{path.name}\0{len(content)}\0".encode())
            digest.update(content)
    return digest.hexdigest()


class Freshness(Enum):
    """How the live build stands against the inputs ``settings`` name."""

    MISSING = "missing"
    """No build has been swapped in."""
    FRESH = "fresh"
    """Built from these directories, whose files have not changed since."""
    STALE = "stale"
    """Built from these directories (or before manifests existed), which have changed, or
    in an older layout."""
    OTHER = "other"
    """Built from other directories: someone built it on purpose from other data."""


def freshness(settings: Settings) -> tuple[Freshness, Manifest | None]:
    """Whether the live build of ``settings.store`` matches the inputs of ``settings``, and
    its manifest if it has one."""
    location = StoreLocation(settings.store)
    if not location.exists():
        return Freshness.MISSING, None
    manifest = Manifest.read(location.derived(location.live_build()))
    if manifest is None:
        return Freshness.STALE, None
    if manifest.layout != LAYOUT:
        return Freshness.STALE, manifest
    same = (manifest.ontology_dir, manifest.data_dir, manifest.shapes_dir) == _directories(settings)
    if not same:
        return Freshness.OTHER, manifest
    if manifest.digest != inputs_digest(settings):
        return Freshness.STALE, manifest
    return Freshness.FRESH, manifest


def _directories(settings: Settings) -> tuple[str, str, str]:
    ontology, data, shapes = settings.ontology_dir, settings.data_dir, settings.shapes_dir
    return str(ontology.resolve()), str(data.resolve()), str(shapes.resolve())


def record(settings: Settings, *, validated: bool, files: int) -> Manifest:
    """The manifest of a build of ``settings``' inputs as they are now; the build adds its
    counts when it has them."""
    ontology_dir, data_dir, shapes_dir = _directories(settings)
    return Manifest(
        digest=inputs_digest(settings),
        ontology_dir=ontology_dir,
        data_dir=data_dir,
        shapes_dir=shapes_dir,
        base_iri=settings.base_iri,
        validated=validated,
        files=files,
        layout=LAYOUT,
    )
