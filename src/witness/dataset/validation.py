"""SHACL validation of the whole dataset with pySHACL, and a report people can read.

The data graph handed to pySHACL is the union of every input file (ontology included, so that
``sh:targetClass`` and ``sh:class`` follow ``rdfs:subClassOf``, SHACL section 2.1.3.1), plus one
triple ``<g> a sd:NamedGraph`` for each named graph except the metadata graph. Named graphs are
not part of a SHACL data graph, so stating them this way is what lets a shape demand that every
graph is ``prov:wasDerivedFrom`` a described source (DESIGN.md, Provenance). SHACL-SPARQL
constraints and SPARQL-based targets (SHACL Advanced Features) are evaluated by pyoxigraph
over the same triples (:mod:`witness.dataset.sparql_shapes`, which says why); pySHACL checks
SHACL Core, and its report carries every result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from witness.convert import triples_into
from witness.dataset import sparql_shapes
from witness.dataset.inputs import InputFile, input_files, rdf_files
from witness.errors import DataError
from witness.iris import Iris, compact
from witness.namespaces import SCHEMA, SD
from witness.progress import BYTES, Progress
from witness.settings import DEFAULT_BASE_IRI


@dataclass(frozen=True)
class Result:
    """One SHACL validation result (SHACL section 3.6.2), with the focus node's label."""

    focus: str
    focus_label: str | None
    path: str | None
    value: str | None
    message: str
    severity: str
    source_shape: str


@dataclass(frozen=True)
class Report:
    """The outcome of a validation: the results, and the W3C validation report graph."""

    conforms: bool
    results: list[Result]
    graph: Graph

    def text(self, prefixes: dict[str, str]) -> str:
        """A plain-text report, one block per focus node, IRIs shortened by ``prefixes``."""
        if self.conforms:
            return "The data conforms to the shapes."
        lines = [f"The data does not conform to the shapes: {len(self.results)} result(s)."]
        ordered = sorted(self.results, key=lambda r: (r.focus, r.path or "", r.message))
        for focus, group in groupby(ordered, key=lambda r: r.focus):
            results = list(group)
            label = f' ("{results[0].focus_label}")' if results[0].focus_label else ""
            lines.append("")
            lines.append(f"{compact(focus, prefixes)}{label}")
            for result in results:
                where = f"{compact(result.path, prefixes)}: " if result.path else ""
                value = f" [value: {compact(result.value, prefixes)}]" if result.value else ""
                shape = f"  (shape {compact(result.source_shape, prefixes)})"
                named = result.source_shape.startswith(("http:", "https:", "urn:"))
                lines.append(f"  {result.severity}: {where}{result.message}{value}{shape * named}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Data:
    """The SHACL data graph of a dataset, for pySHACL (rdflib) and for pyoxigraph (the same
    triples in the default graph of an in-memory store)."""

    graph: Graph
    store: ox.Store


def data_graph(quads: Iterable[ox.Quad], metadata_graph: str) -> Data:
    """The SHACL data graph for a dataset: its triples, and its named graphs as resources."""
    graph = Graph()
    names: set[str] = set()
    triples: list[ox.Quad] = []

    def tracked() -> Iterable[ox.Quad]:
        for quad in quads:
            if isinstance(quad.graph_name, ox.NamedNode):
                names.add(quad.graph_name.value)
            triples.append(ox.Quad(quad.subject, quad.predicate, quad.object))
            yield quad

    triples_into(graph, tracked())
    graph_type, named_graph = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SD.NamedGraph))
    for name in names - {metadata_graph}:
        graph.add((URIRef(name), RDF.type, SD.NamedGraph))
        triples.append(ox.Quad(ox.NamedNode(name), graph_type, named_graph))
    store = ox.Store()
    store.bulk_extend(triples)
    return Data(graph, store)


def shapes_graph(shapes_dir: Path) -> Graph:
    """The union of the shapes files.

    :raises DataError: if the directory is missing, empty, or a file is not valid RDF.
    """
    iris = Iris(DEFAULT_BASE_IRI)
    files = [
        InputFile(path, iris.graph_for_file(path)) for path in rdf_files(shapes_dir, what="shapes")
    ]
    return triples_into(Graph(), (quad for file in files for quad in file.quads()))


def check(data: Data, shapes: Graph) -> Report:
    """Validate ``data`` against ``shapes`` (SHACL Core and SHACL-SPARQL).

    :raises DataError: if a SPARQL query of the shapes is not valid.
    """
    try:
        core, found = sparql_shapes.prepare(shapes, data.store)
    except ValueError as error:
        raise DataError(str(error)) from None
    _, report_graph, _ = shacl_validate(
        data.graph,
        shacl_graph=core,
        advanced=True,
        inference="none",
        allow_warnings=True,
        inplace=True,  # the data graph is ours alone: no need for pySHACL to copy it first
    )
    conforms = sparql_shapes.add_to_report(report_graph, found)
    results = [
        _result(report_graph, data.graph, node)
        for node in report_graph.subjects(RDF.type, SH.ValidationResult)
    ]
    return Report(conforms=conforms, results=results, graph=report_graph)


def validate(
    ontology_dir: Path,
    data_dir: Path,
    shapes_dir: Path,
    metadata_graph: str | None = None,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    progress: Progress | None = None,
) -> Report:
    """Validate the ontology and data files in these directories against the shapes;
    ``progress`` hears of reading them and of validating.

    :raises DataError: if a directory is missing or empty, or a file is not valid RDF.
    """
    iris = Iris(base_iri)
    progress = progress or Progress()
    files = input_files(iris, ontology_dir, data_dir)
    size = sum(file.path.stat().st_size for file in files)
    with progress.stage("Reading", size, BYTES) as advance:
        quads = (quad for file in files for quad in file.quads(advance))
        data = data_graph(quads, metadata_graph or iris.metadata_graph)
    with progress.stage("Validating"):
        return check(data, shapes_graph(shapes_dir))


def _result(report: Graph, data: Graph, node: Node) -> Result:
    def one(predicate: URIRef) -> str | None:
        value = report.value(node, predicate)
        return None if value is None else str(value)

    focus = report.value(node, SH.focusNode)
    if focus is None:
        raise DataError("pySHACL reported a result without a focus node")
    severity = one(SH.resultSeverity) or str(SH.Violation)
    return Result(
        focus=str(focus),
        focus_label=_label(data, focus),
        path=one(SH.resultPath),
        value=one(SH.value),
        message=one(SH.resultMessage) or "(no message)",
        severity=severity.rsplit("#", 1)[-1],
        source_shape=one(SH.sourceShape) or "",
    )


def _label(data: Graph, node: Node) -> str | None:
    labels: Sequence[Node] = [*data.objects(node, SCHEMA.name), *data.objects(node, RDFS.label)]
    english = [x for x in labels if isinstance(x, Literal) and x.language == "en"]
    chosen = english or labels
    return str(chosen[0]) if chosen else None
