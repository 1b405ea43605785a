"""The RDF files a build reads, and how each is parsed into quads.

A directory may hold TriG, N-Quads, Turtle, N-Triples, RDF/XML or JSON-LD files, told apart
by their extension; other files (a README, say) are ignored. Triples a file puts in no named
graph go into the file's own graph (:meth:`witness.iris.Iris.graph_for_file`), so nothing
ends up in the default graph and every statement keeps a provenance handle.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, cast

import pyoxigraph as ox

from witness.errors import DataError
from witness.iris import Iris
from witness.progress import Advance

FORMATS: dict[str, ox.RdfFormat] = {
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
"""File extensions a build reads, and the syntax each one means."""


@dataclass(frozen=True)
class InputFile:
    """One RDF file and the named graph its unnamed triples go to."""

    path: Path
    graph: str

    @property
    def format(self) -> ox.RdfFormat:
        return FORMATS[self.path.suffix.lower()]

    def quads(self, advance: Advance | None = None, *, merged: bool = False) -> Iterator[ox.Quad]:
        """Parse the file, yielding quads with the default graph mapped to :attr:`graph`.

        Blank nodes get fresh identifiers (so that two files using the label ``_:b0`` do not
        share a node); ``advance``, if given, is called with the bytes read as parsing goes.
        ``merged`` yields each statement a second time, in the default graph (as
        :func:`witness.dataset.merge.merged` does, reusing the parsed triple where it is one).

        :raises DataError: naming the file, line and column of a syntax error, or why the
            file could not be read.
        """
        target = ox.NamedNode(self.graph)
        try:
            with self.path.open("rb") as raw:
                # file-like enough: pyoxigraph only calls read()
                source = raw if advance is None else cast(IO[bytes], _Counted(raw, advance))
                parsed = ox.parse(source, format=self.format, rename_blank_nodes=True)
                for quad in parsed:
                    if isinstance(quad.graph_name, ox.DefaultGraph):
                        yield ox.Quad(quad.subject, quad.predicate, quad.object, target)
                        if merged:
                            yield quad
                    else:
                        yield quad
                        if merged:
                            yield ox.Quad(quad.subject, quad.predicate, quad.object)
        except SyntaxError as error:
            raise self.syntax_error(error) from None
        except OSError as error:
            raise DataError(f"{self.path}: cannot read the file: {error.strerror}") from None

    def syntax_error(self, error: SyntaxError) -> DataError:
        where = f"{self.path}, line {error.lineno}" if error.lineno else str(self.path)
        return DataError(f"{where}: not valid {self.format.name}: {error.msg}")


def rdf_files(directory: Path, *, what: str) -> list[Path]:
    """The RDF files directly inside ``directory``, sorted by name.

    :param what: how the directory is called in messages ("data", "ontology", "shapes").
    :raises DataError: if the directory is missing or holds no RDF file.
    """
    if not directory.is_dir():
        reason = "is not a directory" if directory.exists() else "does not exist"
        raise DataError(f"The {what} directory {directory} {reason}.")
    found = sorted(
        path
        for path in directory.iterdir()
        if path.suffix.lower() in FORMATS and not path.name.startswith(".") and path.is_file()
    )
    if not found:
        kinds = ", ".join(f"*{ext}" for ext in FORMATS)
        raise DataError(f"The {what} directory {directory} holds no RDF file (looked for {kinds}).")
    return found


def input_files(iris: Iris, ontology_dir: Path, data_dir: Path) -> list[InputFile]:
    """The files of a build: the ontology into its own graph, each data file into its own."""
    ontology = [InputFile(p, iris.ontology_graph) for p in rdf_files(ontology_dir, what="ontology")]
    return ontology + data_files(iris, data_dir)


def data_files(iris: Iris, data_dir: Path) -> list[InputFile]:
    """The data files of a directory, each into its own graph."""
    return [InputFile(p, iris.graph_for_file(p)) for p in rdf_files(data_dir, what="data")]


class _Counted:
    """A binary file that reports the bytes read from it (pyoxigraph reads in large blocks)."""

    def __init__(self, raw: BinaryIO, advance: Advance) -> None:
        self.raw = raw
        self.advance = advance

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.advance(len(data))
        return data
