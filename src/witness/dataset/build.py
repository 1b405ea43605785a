"""``witness build``: ontology and data, validated, bulk-loaded into a new store, swapped in.

Validation needs the whole dataset in memory (pySHACL works on an rdflib graph), so a
validated build parses every file once with pyoxigraph, validates, and loads those same
quads. A build without validation streams each file's quads straight into pyoxigraph's bulk
loader. Either way every statement goes into its document's named graph and into the
default graph, the merge (:mod:`witness.dataset.merge`), and the build ends with its
manifest (:mod:`witness.dataset.manifest`): what it was made from and what it holds. Before
the manifest, the callers' derivers make what lives beside the store
(:mod:`witness.dataset.derived`: the search index...), so that it is swapped in with it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from witness.dataset.derived import Deriver, derive_all
from witness.dataset.inputs import input_files
from witness.dataset.manifest import record
from witness.dataset.merge import facts, merged
from witness.dataset.store import StoreLocation
from witness.dataset.validation import check, data_graph, shapes_graph
from witness.errors import NotConforming, StoreError
from witness.iris import Iris
from witness.progress import BYTES, Progress, counted
from witness.settings import Settings


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    store: Path
    files: int
    quads: int
    facts: int
    graphs: int
    validated: bool
    seconds: float
    derived: dict[str, float] = field(default_factory=dict)
    """Seconds each artefact of the build took to make, by name."""


def build(
    settings: Settings,
    *,
    validate: bool = True,
    derivers: Sequence[Deriver] = (),
    progress: Progress | None = None,
) -> BuildResult:
    """Build a new store from ``settings``' directories and make it the live one.

    ``derivers`` make what lives beside the store (:mod:`witness.dataset.derived`), from the
    new data, before it is swapped in. ``progress`` hears of each stage: reading,
    validating, loading, counting, deriving.

    :raises DataError: if an input directory is missing or empty, or a file is invalid.
    :raises NotConforming: if ``validate`` and the data does not conform to the shapes.
    :raises StoreError: if the store location cannot be written, or a deriver fails.
    The live store is left as it was whenever an exception is raised.
    """
    started = time.perf_counter()
    progress = progress or Progress()
    iris = Iris(settings.base_iri)
    files = input_files(iris, settings.ontology_dir, settings.data_dir)
    # The digest is taken before reading: data edited during the build leaves it stale.
    manifest = record(settings, validated=validate, files=len(files))
    size = sum(file.path.stat().st_size for file in files)
    quads: list[ox.Quad] = []
    if validate:
        with progress.stage("Reading", size, BYTES) as advance:
            quads = [quad for file in files for quad in file.quads(advance)]
        with progress.stage("Validating"):
            shapes = shapes_graph(settings.shapes_dir)
            report = check(data_graph(quads, iris.metadata_graph), shapes)
        if not report.conforms:
            raise NotConforming(report.text(iris.prefixes()), report)
    location = StoreLocation(settings.store)
    with location.new_build() as target:
        store: ox.Store | None = None
        try:
            store = ox.Store(str(target))
            if validate:
                with progress.stage("Loading", len(quads), "statements") as advance:
                    store.bulk_extend(merged(counted(quads, advance)))
            else:
                with progress.stage("Reading and loading", size, BYTES) as advance:
                    both = (q for file in files for q in file.quads(advance, merged=True))
                    store.bulk_extend(both)
            with progress.stage("Counting"):
                store.flush()
                distinct = facts(store)
                count = len(store) - distinct
                graphs = sum(1 for _ in store.named_graphs())
            with progress.stage("Deriving"):
                derived = derive_all(store, location.derived(target), derivers)
            done = replace(manifest, statements=count, facts=distinct, graphs=graphs)
            done.write(location.derived(target))
        except OSError as error:
            raise StoreError(f"Cannot write the store at {target}: {error}") from None
        finally:
            # Closed before the build is swapped in, or removed if it failed: the database
            # must not be open (and writing its logs) while its directory is deleted.
            del store
    return BuildResult(
        store=location.current,
        files=len(files),
        quads=count,
        facts=distinct,
        graphs=graphs,
        validated=validate,
        seconds=time.perf_counter() - started,
        derived=derived,
    )
