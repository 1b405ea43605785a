"""What is made from a build and lives beside it: search indexes, graph projections, caches.

A *deriver* makes one artefact (a file or a directory) from the data of a build. The layers
above this one supply them (the browser's search index, ``witness.browse.index``; a graph
projection), so this layer knows only the protocol, :class:`Deriver`, and the rules:

* ``witness build`` runs the derivers it is given on the new build, after the data is loaded
  and before the build is swapped in (:func:`derive_all`): the artefacts are swapped in with
  the store, and a build whose deriver fails is never swapped in.
* A store built without them (by an older Witness, or by a caller that passed none) gets them
  later, made once by whichever process needs them first (:func:`ensure`), under a lock; a
  server holds the live build's artefact with :class:`Live`, which makes it in the background
  and answers :class:`NotReady` meanwhile.

Either way an artefact is written under a temporary name in the build's derived directory
(:meth:`StoreLocation.derived`) and renamed into place, so an artefact that exists is
complete, and it is removed with its build. Its :attr:`Deriver.name` carries a version
(``browse-1.sqlite``): a Witness that changes what it stores changes the name, and finds the
old artefact missing rather than misreads it.

The data comes as an open :class:`pyoxigraph.Store` (read-write during a build, read-only
after): derivers read it with patterns and named queries only, never write to it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import pyoxigraph as ox

from witness.dataset.store import StoreLocation
from witness.errors import StoreError, WitnessError

T = TypeVar("T")


class Deriver(Protocol):
    """Makes one artefact of a build."""

    @property
    def name(self) -> str:
        """The artefact's file (or directory) name in the derived directory, with a version."""
        ...

    def make(self, store: ox.Store, target: Path) -> None:
        """Write the artefact for the data of ``store`` at ``target`` (a path that does not
        exist yet: create a file or a directory there).

        :raises OSError: if it cannot be written; the artefact is then not made.
        """
        ...


def artefact(location: StoreLocation, build: Path, deriver: Deriver) -> Path:
    """Where ``deriver``'s artefact of ``build`` lives (whether it is made yet or not)."""
    return location.derived(build) / deriver.name


def make(store: ox.Store, directory: Path, deriver: Deriver) -> float:
    """Make ``deriver``'s artefact in ``directory`` from ``store``, under a temporary name
    renamed into place; return the seconds it took.

    :raises StoreError: if the artefact cannot be written.
    """
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / deriver.name
    temporary = directory / f".{deriver.name}.{os.getpid()}.tmp"
    _remove(temporary)
    try:
        deriver.make(store, temporary)
        temporary.replace(target)
    except OSError as error:
        raise StoreError(f"Cannot make {deriver.name} in {directory}: {error}") from None
    finally:
        _remove(temporary)
    return time.perf_counter() - started


def derive_all(store: ox.Store, directory: Path, derivers: Sequence[Deriver]) -> dict[str, float]:
    """Make every artefact of a new build (see :func:`make`); the seconds each took."""
    return {deriver.name: make(store, directory, deriver) for deriver in derivers}


def ensure(
    location: StoreLocation,
    deriver: Deriver,
    build: Path | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> Path:
    """The artefact of ``build`` (the live one by default), made first if it is missing.

    Many processes may ask at once (gunicorn workers, the CLI): one makes it while holding a
    lock in the derived directory, the others wait for the lock and find it made. ``log``
    is told when an artefact is made, and how long it took.

    :raises StoreError: if there is no store, or the artefact cannot be made.
    """
    build = build or location.live_build()
    target = artefact(location, build, deriver)
    if target.exists():
        return target
    directory = location.derived(build)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        lock = (directory / f".{deriver.name}.lock").open("a")
    except OSError as error:
        raise StoreError(f"Cannot write in {directory}: {error.strerror or error}.") from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            store = location.open_read_only(build)
            try:
                seconds = make(store, directory, deriver)
            finally:
                del store
            log(f"Made {deriver.name} for the build {build.name} in {seconds:.1f} s.")
    return target


class NotReady(WitnessError):
    """An artefact of the live build is being made; ask again in :attr:`retry_after` s."""

    retry_after = 10


class Live(Generic[T]):
    """The artefact of whichever build is live, opened with ``load`` (an SQLite index, a
    graph read from disk...), kept open while its build is live, and made first, in a thread
    of its own, when the build has none (see :func:`ensure`). A caller that needs it waits a
    bounded time, then is told to come back (:class:`NotReady`): a server's threads are never
    all held by one slow artefact.
    """

    def __init__(
        self,
        location: StoreLocation,
        deriver: Deriver,
        load: Callable[[Path], T],
        log: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.location = location
        self.deriver = deriver
        self.load = load
        self.log = log
        self._open: dict[Path, T] = {}
        self._making: dict[Path, threading.Thread] = {}
        self._lock = threading.Lock()

    def get(self, wait: float) -> T:
        """The live build's artefact, loaded; waits up to ``wait`` seconds if it must be made.

        :raises StoreError: if there is no store, or the artefact cannot be made.
        :raises NotReady: if it is still being made after ``wait`` seconds.
        """
        build = self.location.live_build()
        path = artefact(self.location, build, self.deriver)
        with self._lock:
            if path not in self._open and path.exists():
                self._open = {path: self.load(path)}  # the builds before are no longer live
            if path in self._open:
                return self._open[path]
            maker = self._making.get(build)
            if maker is None or not maker.is_alive():
                maker = threading.Thread(
                    target=self._make, args=(build,), daemon=True, name="witness-derive"
                )
                self._making[build] = maker
                maker.start()
        maker.join(wait)
        if path.exists():
            return self.get(wait)
        if maker.is_alive():
            raise NotReady(
                f"{self.deriver.name} of this build is being made; ask again in "
                f"{NotReady.retry_after} s."
            )
        raise StoreError(f"{self.deriver.name} of the build {build.name} could not be made.")

    def _make(self, build: Path) -> None:
        self.log(f"The build {build.name} has no {self.deriver.name}: making it.")
        try:
            ensure(self.location, self.deriver, build, self.log)
        except StoreError as error:
            self.log(str(error))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
