"""Where the Oxigraph store lives on disk, and how a new build replaces the old atomically.

Layout of a store directory::

    STORE/
      builds/20261122T010203-1234/   one complete Oxigraph database per build
      current -> builds/...          symbolic link to the live build
      derived/20261122T010203-1234/  what is made from that build, removed with it: its
                                     manifest (build.json), then dumps and statistics
      .lock                          held while a build runs

A build writes a fresh database under ``builds/``, then what is derived from it and last its
manifest (:mod:`witness.dataset.manifest`), and only then repoints ``current`` with rename(2)
of a symbolic link, which POSIX makes atomic: readers see the old store or the new one, never
a half-written one, and a failed build leaves ``current`` untouched. The previous build is kept
(for readers that still have it open); older ones are removed. A build that was killed before
it finished (``kill -9``) has no manifest: the next build, holding the lock (so no other
process can still be writing it), removes it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from witness.errors import StoreError

REMOVE_ATTEMPTS = 5
"""Times a failed or stale build's directory is removed before it is left to the next build."""

KEEP_BUILDS = 2
"""How many builds stay on disk: the live one and the one before it."""

MANIFEST = "build.json"
"""The file, in a build's derived directory, that records a completed build."""

STAMP = "%Y%m%dT%H%M%S%f"
"""A build's name is this UTC time stamp, a hyphen, and the process id of the builder."""


def built_at(build: Path) -> datetime:
    """When ``build`` (a directory of ``builds/``) was made, read from its name.

    >>> built_at(Path("builds/20261122T010203000000-1234")).isoformat()
    '2026-11-22T01:02:03+00:00'
    """
    return datetime.strptime(build.name.partition("-")[0], STAMP).replace(tzinfo=UTC)


class StoreLocation:
    """A store directory: its builds, the link to the live one, and the build lock."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.builds = root / "builds"
        self.current = root / "current"
        self.derived_root = root / "derived"

    def exists(self) -> bool:
        """Whether a build has been swapped in."""
        return self.current.is_dir()

    def live_build(self) -> Path:
        """The directory of the live build.

        :raises StoreError: if there is no store yet.
        """
        try:
            # Reading the link is a twentieth of the cost of resolve(), and every query asks.
            build = (self.root / self.current.readlink()).absolute()
        except OSError:
            build = self.current.resolve()
        if not build.is_dir():
            raise StoreError(f"There is no store at {self.root}: run 'witness build' first.")
        return build

    def derived(self, build: Path) -> Path:
        """The directory for what is made from ``build`` (its manifest, dumps, statistics),
        removed with it."""
        return self.derived_root / build.name

    def open_read_only(self, build: Path | None = None) -> ox.Store:
        """Open the live build (or ``build``) for reading (several processes may at once).

        :raises StoreError: if there is no store yet or it cannot be opened.
        """
        try:
            return ox.Store.read_only(str(build or self.live_build()))
        except OSError as error:
            raise StoreError(f"Cannot open the store at {self.root}: {error}") from None

    @contextmanager
    def new_build(self) -> Iterator[Path]:
        """A fresh directory for a build, swapped in if the block succeeds, removed if not.

        Only one build at a time may run on a store; a second one fails at once. Builds that
        an earlier build left unfinished (killed before its manifest was written) are removed
        first. The block writes the database into the directory, what it derives into
        :meth:`derived`, and its manifest last.

        :raises StoreError: if the location is not writable or another build holds the lock.
        """
        try:
            self.builds.mkdir(parents=True, exist_ok=True)
            lock = (self.root / ".lock").open("a")
        except OSError as error:
            raise StoreError(
                f"Cannot write the store at {self.root}: {error.strerror or error}."
            ) from None
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"Another build is running on {self.root}.") from None
            self._remove_unfinished()
            stamp = datetime.now(UTC).strftime(STAMP)
            target = self.builds / f"{stamp}-{os.getpid()}"
            target.mkdir()
            try:
                yield target
                if not (self.derived(target) / MANIFEST).is_file():
                    raise StoreError(f"The build {target.name} wrote no {MANIFEST}.")
            except BaseException:
                self._remove(target)
                raise
            self._swap_in(target)
            self._prune()

    def _swap_in(self, target: Path) -> None:
        link = self.root / f".current-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(target.relative_to(self.root))
        link.replace(self.current)

    def _remove(self, build: Path) -> None:
        # A database just closed may still have a background thread finishing a file in its
        # directory; try again briefly rather than leave the directory behind.
        for attempt in range(REMOVE_ATTEMPTS):
            shutil.rmtree(build, ignore_errors=True)
            shutil.rmtree(self.derived(build), ignore_errors=True)
            if not build.exists():
                return
            time.sleep(0.05 * (attempt + 1))

    def _remove_unfinished(self) -> None:
        """Remove builds without a manifest other than the live one (called under the lock)."""
        live = self.current.resolve() if self.exists() else None
        for build in list(self.builds.iterdir()):
            if build.resolve() != live and not (self.derived(build) / MANIFEST).is_file():
                self._remove(build)

    def _prune(self) -> None:
        live = self.current.resolve()
        builds = sorted(self.builds.iterdir(), key=lambda p: p.name, reverse=True)
        older = [b for b in builds if b.resolve() != live]
        for stale in older[KEEP_BUILDS - 1 :]:
            self._remove(stale)
        kept = {build.name for build in self.builds.iterdir()}
        derived = self.derived_root.iterdir() if self.derived_root.is_dir() else iter(())
        for orphan in derived:
            if orphan.name not in kept:
                shutil.rmtree(orphan, ignore_errors=True)
