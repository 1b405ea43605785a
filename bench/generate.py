"""Generate a synthetic archive that conforms to the shapes, at a given size, as N-Quads.

The archive is made of numbered copies of the curated data set: every IRI Witness mints
(entities, graphs, sources) gets the copy's number, blank nodes are fresh per copy, and
names get a ``#n`` suffix, so each copy is a self-contained, valid dataset with its own
provenance, and the whole has the real data's mix of classes, properties and graph sizes.
Outside identifiers (Wikidata, schema.org terms) are shared, as they would be.

``--shared SLUG`` keeps an entity of ours out of the renumbering (its name too), so that every
copy links to the one entity: a hub with as many links as there are copies, as an institution
named by thousands of documents would be (the browser bench's most connected entity).

    python bench/generate.py 1M bench/out/1M        # about a million triples
    python bench/generate.py 1M bench/out/1M-hubs --shared carnegie-mellon-university
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from witness.dataset.inputs import data_files
from witness.iris import Iris
from witness.settings import DEFAULT_BASE_IRI, bundled

SCALES = {"k": 1_000, "M": 1_000_000}
NAME = ox.NamedNode("http://schema.org/name")


def parse_scale(text: str) -> int:
    """``100k`` -> 100000, ``1M`` -> 1000000, ``2500`` -> 2500."""
    if text[-1:] in SCALES:
        return int(float(text[:-1]) * SCALES[text[-1]])
    return int(text)


def template(data_dir: Path) -> list[ox.Quad]:
    """The curated data's quads (the ontology is loaded separately by every build)."""
    iris = Iris(DEFAULT_BASE_IRI)
    return [quad for file in data_files(iris, data_dir) for quad in file.quads()]


def copies(quads: list[ox.Quad], count: int, keep: frozenset[str]) -> Iterator[ox.Quad]:
    """``count`` renumbered copies of ``quads``; IRIs in ``keep`` are never renumbered."""
    minted = (DEFAULT_BASE_IRI + "id/", DEFAULT_BASE_IRI + "graph/", DEFAULT_BASE_IRI + "source/")

    def node(term: ox.NamedNode | ox.BlankNode, n: int) -> ox.NamedNode | ox.BlankNode:
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{term.value}x{n}")
        if term.value.startswith(minted) and term.value not in keep:
            return ox.NamedNode(f"{term.value}-{n}")
        return term

    def value(quad: ox.Quad, n: int) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        term = quad.object
        if isinstance(term, ox.Literal):
            if quad.predicate != NAME or getattr(quad.subject, "value", "") in keep:
                return term
            if term.language:
                return ox.Literal(f"{term.value} #{n}", language=term.language)
            return ox.Literal(f"{term.value} #{n}", datatype=term.datatype)
        assert not isinstance(term, ox.Triple), "RDF-star is not used"
        return node(term, n)

    for n in range(1, count + 1):
        for quad in quads:
            subject, graph = quad.subject, quad.graph_name
            assert isinstance(subject, ox.NamedNode | ox.BlankNode)
            assert isinstance(graph, ox.NamedNode)
            yield ox.Quad(node(subject, n), quad.predicate, value(quad, n), node(graph, n))


def generate(size: int, out_dir: Path, data_dir: Path, shared: tuple[str, ...] = ()) -> int:
    """Write ``archive.nq`` of about ``size`` quads into ``out_dir``; return the exact count.

    The entities of ``shared`` (slugs) are the same in every copy.
    """
    quads = template(data_dir)
    iris = Iris(DEFAULT_BASE_IRI)
    keep = frozenset({iris.metadata_graph, iris.ontology_graph, *map(iris.entity, shared)})
    count = max(1, math.ceil(size / len(quads)))
    out_dir.mkdir(parents=True, exist_ok=True)
    ox.serialize(copies(quads, count, keep), out_dir / "archive.nq", ox.RdfFormat.N_QUADS)
    return count * len(quads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="number of triples: 100k, 1M, 10M or a plain number")
    parser.add_argument("out_dir", type=Path, help="directory to write archive.nq into")
    parser.add_argument("--data", type=Path, default=bundled("data"), help="the template data")
    parser.add_argument(
        "--shared", nargs="*", default=[], metavar="SLUG", help="entities every copy shares"
    )
    args = parser.parse_args()
    written = generate(parse_scale(args.size), args.out_dir, args.data, tuple(args.shared))
    print(f"{written:,} quads written to {args.out_dir / 'archive.nq'}")


if __name__ == "__main__":
    main()
