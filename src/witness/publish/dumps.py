"""The whole dataset as files: one dump per RDF syntax, streamed, made once per build.

N-Quads and TriG keep the named graphs, so they say which source document states what
(DESIGN.md, Provenance); they hold exactly the named graphs, not the default graph, which a
build derives from them (:mod:`witness.dataset.merge`). Turtle, N-Triples and RDF/XML hold
triples only: the default graph, the merge of the named graphs, each triple once even when
several documents state it. JSON-LD keeps the graphs as graph objects, with our context
embedded (:mod:`witness.jsonld`).

Everything streams: the store is read graph by graph (a pattern per graph, in index order)
straight into the serialiser, so a dump of any size needs constant memory. ``witness export``
writes one to standard output or a file; the web app serves the files of the live build.

Files of a build live in ``STORE/derived/<build>/`` (see :mod:`witness.dataset.store`, which
removes them with the build): ``witness.<ext>`` and ``witness.<ext>.gz`` for each syntax, and
``statistics.json``, the counts the VoID description states (:mod:`witness.publish.void`),
computed first because they are quicker. Each file is written under a temporary name and
renamed into place, so a file that exists is complete. They are made by a *producer*, a process
of its own (``python -m witness.publish.dumps BUILD DIR BASE``) that opens the build read-only,
writes whatever is missing, and exits; a lock file makes a second producer of the same build
wait and then find the work done. The web app (:class:`Dumps`) starts one when a request wants
a file that is missing, waits for it a bounded time (never past the query deadline), and
otherwise answers 503 with ``Retry-After`` (:class:`NotReady`): a dump of a million statements
takes minutes, far longer than a request may hold a thread, and the web process never has a
store open across a rebuild. A small store's dumps are made within the first request's wait.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol, cast

import pyoxigraph as ox

from witness import jsonld
from witness.dataset.manifest import Manifest
from witness.dataset.merge import LAYOUT
from witness.dataset.store import StoreLocation, built_at
from witness.errors import WitnessError
from witness.formats import GRAPHS, GraphFormat
from witness.iris import Iris
from witness.progress import Progress, counted
from witness.publish import void

if TYPE_CHECKING:
    from typing_extensions import Buffer  # collections.abc.Buffer from Python 3.12

STEM = "witness"
STATISTICS = "statistics.json"
GZIP_LEVEL = 6
"""zlib's default. On the 1M archive's N-Quads, 9 is 3% smaller for twice the time; 1 is
40% larger."""
POLL = 0.1
"""Seconds between looks for a file being made."""
RETRY_AFTER = 10
"""Seconds a client is told to wait before asking again for a file being made."""


class DumpError(WitnessError):
    """The dataset cannot be written in a syntax, or making the dumps failed."""


class NotReady(WitnessError):
    """A file of the live build is being made; ask again in :attr:`retry_after` seconds."""

    retry_after = RETRY_AFTER


def file_name(fmt: GraphFormat, *, compressed: bool = False) -> str:
    """The name of a dump: ``witness.ttl``, ``witness.ttl.gz``..."""
    return f"{STEM}.{fmt.extension}" + (".gz" if compressed else "")


def by_file_name(name: str) -> tuple[GraphFormat, bool]:
    """The syntax of a dump's file name, and whether it is gzipped.

    >>> fmt, compressed = by_file_name("witness.nq.gz")
    >>> fmt.name, compressed
    ('nquads', True)

    :raises KeyError: if no dump has that name.
    """
    compressed = name.endswith(".gz")
    for fmt in GRAPHS.values():
        if name == file_name(fmt, compressed=compressed):
            return fmt, compressed
    raise KeyError(name)


def etag(build: Path, name: str) -> str:
    """The entity tag of a file of ``build`` (RFC 9110, section 8.8.3).

    A file is written once per build and never changes, so the build and the name identify
    its bytes: a strong validator that every web worker computes alike, without reading it.
    """
    return hashlib.sha256(f"{build.name}/{name}".encode()).hexdigest()[:32]


class Output(Protocol):
    """Where a dump goes: an open binary file, standard output, a gzip stream..."""

    def write(self, data: bytes, /) -> int: ...


class _Fanout(io.RawIOBase):
    """A binary sink that writes everything it is given to several outputs.

    Flushing is left to the owners of the outputs: a gzip stream flushed in the middle would
    end a deflate block early (``Z_SYNC_FLUSH``) and compress worse.
    """

    def __init__(self, outputs: Sequence[Output]) -> None:
        super().__init__()
        self.outputs = outputs

    def writable(self) -> bool:
        return True

    def write(self, data: Buffer) -> int:
        chunk = bytes(data)
        for output in self.outputs:
            output.write(chunk)
        return len(chunk)

    def flush(self) -> None:
        return None


def _quads(store: ox.Store) -> Iterator[ox.Quad]:
    """Every statement of the named graphs, graph by graph, each grouped by subject."""
    for graph in store.named_graphs():
        yield from store.quads_for_pattern(None, None, None, graph)


def _merge(store: ox.Store) -> Iterator[ox.Triple]:
    """Every triple of the default graph (the merge: each fact once), grouped by subject."""
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        yield quad.triple


def write(
    store: ox.Store,
    fmt: GraphFormat,
    outputs: Sequence[Output],
    prefixes: dict[str, str],
    progress: Progress | None = None,
    total: int | None = None,
) -> None:
    """Write the whole dataset in ``fmt`` to each of ``outputs``, reading the store once;
    ``progress`` hears of each statement written, of ``total`` if known.

    :raises DumpError: if the store cannot be read or the data cannot be written in ``fmt``
        (RDF/XML cannot write every predicate IRI, for one).
    """
    fanout = _Fanout(outputs)
    progress = progress or Progress()
    whole = fmt.name == "jsonld" or fmt.holds_datasets
    try:
        with progress.stage(f"Writing {fmt.name}", total, "statements") as advance:
            if fmt.name == "jsonld":
                with io.TextIOWrapper(io.BufferedWriter(fanout), "utf-8", newline="\n") as text:
                    jsonld.write(counted(_quads(store), advance), text, prefixes)
            else:
                found: Iterator[ox.Quad] | Iterator[ox.Triple]
                found = (
                    counted(_quads(store), advance) if whole else counted(_merge(store), advance)
                )
                sink = cast(IO[bytes], fanout)  # file-like enough: pyoxigraph only calls write()
                ox.serialize(found, sink, fmt.syntax, prefixes=prefixes)
    except (OSError, ValueError, SyntaxError) as error:
        raise DumpError(f"Cannot write the dataset as {fmt.name}: {error}") from None


def gzipped(output: IO[bytes], fmt: GraphFormat, built: datetime) -> gzip.GzipFile:
    """A gzip stream (RFC 1952) into ``output`` for a dump, the same bytes wherever made.

    The header names the dump's file and gives the build's time, not the time of writing,
    so ``witness export --gzip`` writes exactly the served ``.gz`` file.
    """
    return gzip.GzipFile(
        filename=file_name(fmt),
        mode="wb",
        compresslevel=GZIP_LEVEL,
        fileobj=output,
        mtime=int(built.timestamp()),
    )


@contextmanager
def replacing(target: Path) -> Iterator[IO[bytes]]:
    """A file written under a temporary name and renamed to ``target`` if the block succeeds.

    :raises DumpError: if the file cannot be written.
    """
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        out = temporary.open("wb")
    except OSError as error:
        raise DumpError(f"Cannot write {target}: {error.strerror or error}.") from None
    try:
        with out:
            yield out
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def export(
    location: StoreLocation,
    fmt: GraphFormat,
    output: IO[bytes],
    iris: Iris,
    *,
    compressed: bool = False,
    progress: Progress | None = None,
) -> None:
    """Write the live build's dataset in ``fmt`` to ``output`` (``witness export``).

    :raises StoreError: if there is no store.
    :raises DumpError: see :func:`write`.
    """
    build = location.live_build()
    store = location.open_read_only(build)
    manifest = Manifest.read(location.derived(build))
    total = None
    if manifest is not None and manifest.layout == LAYOUT:
        whole = fmt.name == "jsonld" or fmt.holds_datasets
        total = manifest.statements if whole else manifest.facts
    if compressed:
        with gzipped(output, fmt, built_at(build)) as packed:
            write(store, fmt, [packed], iris.prefixes(), progress, total)
    else:
        write(store, fmt, [output], iris.prefixes(), progress, total)


def produce(build: Path, directory: Path, iris: Iris) -> list[str]:
    """Make what is missing of ``build``'s statistics and dumps in ``directory``.

    Returns what failed (one message per syntax); the other files are made all the same.
    """
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another producer of this build: wait, then skip
        for stale in directory.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        store = ox.Store.read_only(str(build))
        if not (directory / STATISTICS).exists():
            with replacing(directory / STATISTICS) as out:
                out.write(void.statistics(store, iris).to_json().encode())
        failures = []
        built = built_at(build)
        for fmt in GRAPHS.values():
            plain, packed = (directory / file_name(fmt, compressed=c) for c in (False, True))
            if plain.exists() and packed.exists():
                continue
            try:
                with (
                    replacing(packed) as packed_out,
                    replacing(plain) as out,
                    gzipped(packed_out, fmt, built) as compressed,
                ):
                    write(store, fmt, [out, compressed], iris.prefixes())
            except DumpError as error:
                failures.append(str(error))
        return failures


@dataclass(frozen=True)
class Entry:
    """One dump of a build as listed: sizes in bytes, None while it is being made."""

    format: GraphFormat
    size: int | None
    gzip_size: int | None

    @property
    def name(self) -> str:
        return file_name(self.format)

    @property
    def gzip_name(self) -> str:
        return file_name(self.format, compressed=True)


class Dumps:
    """The files made from a store's builds, as a long-running server gets them.

    Thread-safe; one per web process. Each producer started here is reaped by a thread of
    its own; several web processes may each start one, and the lock file serialises them.
    """

    def __init__(self, location: StoreLocation, iris: Iris) -> None:
        self.location = location
        self.iris = iris
        self._producers: dict[Path, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()

    def listing(self, build: Path) -> list[Entry]:
        """The dumps of ``build`` with their sizes; starts making any that are missing."""
        directory = self.location.derived(build)
        entries = [
            Entry(
                fmt,
                _size(directory / file_name(fmt)),
                _size(directory / file_name(fmt, compressed=True)),
            )
            for fmt in GRAPHS.values()
        ]
        if any(entry.size is None or entry.gzip_size is None for entry in entries):
            self._start(build)
        return entries

    def file(self, build: Path, name: str, wait: float) -> Path:
        """The file ``name`` of ``build``, made first if need be.

        :raises NotReady: if it is not made within ``wait`` seconds.
        :raises DumpError: if the producer failed without making it.
        """
        target = self.location.derived(build) / name
        deadline = time.monotonic() + wait
        while not target.exists():
            self._start(build)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NotReady(
                    f"{name} of the current build is being made; ask again in "
                    f"{RETRY_AFTER} seconds."
                )
            time.sleep(min(POLL, remaining))
        return target

    def statistics(self, build: Path, wait: float) -> void.Statistics:
        """The VoID statistics of ``build`` (see :meth:`file`)."""
        path = self.file(build, STATISTICS, wait)
        return void.Statistics.from_json(path.read_text(encoding="utf-8"))

    def _start(self, build: Path) -> None:
        """Start a producer for ``build`` unless one this process started is still running.

        :raises DumpError: if the last one failed (the next call starts another).
        """
        with self._lock:
            for made, process in list(self._producers.items()):
                if process.poll() is not None and made != build:
                    del self._producers[made]
            running = self._producers.get(build)
            if running is not None and running.poll() is None:
                return
            if running is not None and running.returncode != 0:
                del self._producers[build]
                raise DumpError(
                    f"Making the dumps of build {build.name} failed (exit status "
                    f"{running.returncode}); the server log says why."
                )
            directory = self.location.derived(build)
            producer = subprocess.Popen(
                [sys.executable, "-m", __name__, str(build), str(directory), self.iris.base],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
            threading.Thread(target=producer.wait, daemon=True, name="witness-dumps").start()
            self._producers[build] = producer


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def main(argv: Sequence[str]) -> int:
    """The producer: ``python -m witness.publish.dumps BUILD DIRECTORY BASE_IRI``; exit 1 on
    failure."""
    build, directory, base = argv
    try:
        failures = produce(Path(build), Path(directory), Iris(base))
    except OSError as error:  # the store cannot be read, or the directory written
        failures = [f"Cannot make the dumps of {build} in {directory}: {error}"]
    for failure in failures:
        print(f"witness dumps: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
