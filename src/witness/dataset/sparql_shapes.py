"""The SPARQL-based parts of the shapes, evaluated by pyoxigraph rather than by pySHACL.

pySHACL evaluates SHACL-SPARQL (SHACL 1.0, section 5) and SPARQL-based targets (SHACL
Advanced Features, section 5.1) with rdflib's SPARQL engine, once per focus node: on a
million statements that took most of a validation's seven minutes. The same queries run on
pyoxigraph over the same triples take seconds, so before pySHACL sees the shapes:

* each SPARQL-based target (``sh:target [ a sh:SPARQLTarget ; sh:select ... ]``) is
  evaluated once and replaced by its result, as ``sh:targetNode`` values of its shape (a
  target is the set of nodes its query selects, section 5.1 of the Advanced Features);
* each SPARQL-based constraint (``sh:sparql``) of a node shape is evaluated once, over all
  focus nodes at once: ``$this`` is left unbound and the solutions are kept whose ``$this``
  is a focus node of the shape (its targets: SHACL 1.0, section 2.1.3; the queries bind
  ``$this`` in their first pattern, so this is the pre-binding of section 5.6 as a join).
  Each solution is a validation result as section 5.3.1 defines it (``$this``, ``?path``,
  ``?value``, the message with ``{?var}`` and ``{$var}`` replaced by the values, as pySHACL
  writes them), added to pySHACL's report so that the report has one form.

pySHACL still checks all of SHACL Core, and any SPARQL constraint of a property shape or
without a message. Prefixes come from ``sh:prefixes`` (section 5.2.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from witness.convert import to_oxigraph, to_rdflib


@dataclass(frozen=True)
class Found:
    """One result of a SPARQL-based constraint."""

    shape: Node
    constraint: Node
    focus: Node
    path: Node | None
    value: Node | None
    messages: list[str]
    severity: Node


def prepare(shapes: Graph, store: ox.Store) -> tuple[Graph, list[Found]]:
    """The shapes for pySHACL (SPARQL-based targets resolved, the SPARQL-based constraints
    of node shapes taken out) and the results of those constraints on ``store``'s default
    graph.

    :raises ValueError: if a query is not valid SPARQL.
    """
    left = Graph()
    for triple in shapes:
        left.add(triple)
    for shape, target in list(shapes.subject_objects(SH.target)):
        if (target, RDF.type, SH.SPARQLTarget) not in shapes:
            continue
        query = shapes.value(target, SH.select)
        left.remove((shape, SH.target, target))
        for row in _select(store, str(query), _prefixes(shapes, target)):
            if row.get("this") is not None:
                left.add((shape, SH.targetNode, row["this"]))
    found: list[Found] = []
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        messages = [str(m) for m in shapes.objects(constraint, SH.message)]
        query = shapes.value(constraint, SH.select)
        if shapes.value(shape, SH.path) is not None or not messages or query is None:
            continue  # left to pySHACL
        left.remove((shape, SH.sparql, constraint))
        if shapes.value(constraint, SH.deactivated) == Literal(True):
            continue
        focus = set(_focus_nodes(left, shape, store))
        severity = shapes.value(shape, SH.severity) or SH.Violation
        prefixes = _prefixes(shapes, constraint)
        seen: set[tuple[tuple[str, Node], ...]] = set()
        for row in _select(store, str(query), prefixes):
            this = row.get("this")
            key = tuple(sorted(row.items()))
            if this is None or this not in focus or key in seen:
                continue
            seen.add(key)
            found.append(
                Found(
                    shape=shape,
                    constraint=constraint,
                    focus=this,
                    path=row.get("path"),
                    value=row.get("value", this),
                    messages=[_message(text, row) for text in messages],
                    severity=severity,
                )
            )
    return left, found


def add_to_report(report: Graph, found: list[Found]) -> bool:
    """Add ``found`` to pySHACL's ``report`` graph as validation results (SHACL 1.0, section
    3.6); whether the report still conforms."""
    node = report.value(predicate=RDF.type, object=SH.ValidationReport)
    assert node is not None, "pySHACL's report has a sh:ValidationReport"
    for result in found:
        entry = BNode()
        report.add((node, SH.result, entry))
        report.add((entry, RDF.type, SH.ValidationResult))
        report.add((entry, SH.focusNode, result.focus))
        report.add((entry, SH.resultSeverity, result.severity))
        report.add((entry, SH.sourceShape, result.shape))
        report.add((entry, SH.sourceConstraint, result.constraint))
        report.add((entry, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        if result.value is not None:
            report.add((entry, SH.value, result.value))
        if result.path is not None:
            report.add((entry, SH.resultPath, result.path))
        for message in result.messages:
            report.add((entry, SH.resultMessage, Literal(message)))
    if found:
        report.set((node, SH.conforms, Literal(False)))
    return bool(report.value(node, SH.conforms) == Literal(True))


def _focus_nodes(shapes: Graph, shape: Node, store: ox.Store) -> Iterator[Node]:
    """The focus nodes of ``shape`` in ``store`` (SHACL 1.0, section 2.1.3)."""
    yield from shapes.objects(shape, SH.targetNode)
    classes = list(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes:
        classes.append(shape)
    patterns = [f"?this a/<{RDFS.subClassOf}>* {_iri(cls)}" for cls in classes]
    patterns += [f"?this {_iri(p)} ?value" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    patterns += [f"?subject {_iri(p)} ?this" for p in shapes.objects(shape, SH.targetObjectsOf)]
    for pattern in patterns:
        for row in _select(store, f"SELECT DISTINCT ?this WHERE {{ {pattern} }}", {}):
            yield row["this"]


def _iri(term: Node) -> str:
    """An IRI of the shapes graph as SPARQL writes it (N-Triples form, escaped)."""
    converted = to_oxigraph(term)
    if not isinstance(converted, ox.NamedNode):
        raise ValueError(f"A target of the shapes is not an IRI: {term}")
    return str(converted)


def _select(store: ox.Store, query: str, prefixes: dict[str, str]) -> Iterator[dict[str, Node]]:
    try:
        solutions = store.query(query, prefixes=prefixes)
    except SyntaxError as error:
        raise ValueError(f"A SPARQL query of the shapes is not valid: {error}") from None
    assert isinstance(solutions, ox.QuerySolutions)
    names = [variable.value for variable in solutions.variables]
    for row in solutions:
        terms = {name: row[name] for name in names}
        yield {
            name: to_rdflib(term)
            for name, term in terms.items()
            if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal)
        }


def _prefixes(shapes: Graph, node: Node) -> dict[str, str]:
    """The prefixes ``node`` declares with ``sh:prefixes`` (SHACL 1.0, section 5.2.1)."""
    found: dict[str, str] = {}
    for source in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                found[str(prefix)] = str(namespace)
    return found


def _message(text: str, row: dict[str, Node]) -> str:
    """``text`` with ``{?name}`` and ``{$name}`` replaced by the values of the solution
    (their lexical forms and IRIs, as pySHACL writes them)."""
    for name, value in row.items():
        text = re.sub(f"{{[?$]{re.escape(name)}}}", str(value).replace("\\", "\\\\"), text)
    return text
