"""An answer handed off by its query worker, so that a slow reader never holds the worker.

A worker writes its answer as fast as it can; a client reads it at the pace of its network,
or not at all. Relaying one to the other directly would hold the worker (and so a share of
the endpoint's capacity) for as long as the slowest client likes. Instead a pump thread reads
the worker's chunks into a :class:`Spool` and the worker is free when its answer is written;
the response is then sent from the spool. The first :data:`IN_MEMORY` bytes stay in memory,
the rest go to a temporary file that has no name (removed when the spool is closed).

>>> spool = Spool()
>>> spool.write(b"one "), spool.write(b"two")
(True, True)
>>> spool.finish()
>>> b"".join(spool.chunks())
b'one two'
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from typing import IO

from witness.errors import WitnessError

IN_MEMORY = 8 << 20
"""Bytes of an answer held in memory before the rest goes to a temporary file."""


class Spool:
    """One answer: written by one thread, read by another (see the module's docstring)."""

    def __init__(self, in_memory: int = IN_MEMORY) -> None:
        self.in_memory = in_memory
        self._chunks: list[bytes] = []
        self._held = 0
        self._file: IO[bytes] | None = None
        self._size = 0  # bytes in the file
        self._finished = False
        self._error: WitnessError | None = None
        self._abandoned = False
        self._changed = threading.Condition()

    def write(self, chunk: bytes) -> bool:
        """Add ``chunk``; False if the reader has gone (the writer should stop).

        :raises OSError: if the temporary file cannot be written (a full disk).
        """
        with self._changed:
            if self._abandoned:
                return False
            if self._file is None and self._held + len(chunk) <= self.in_memory:
                self._chunks.append(chunk)
                self._held += len(chunk)
            else:
                if self._file is None:
                    self._file = tempfile.TemporaryFile(prefix="witness-answer-")  # noqa: SIM115  # closed by _close
                os.pwrite(self._file.fileno(), chunk, self._size)
                self._size += len(chunk)
            self._changed.notify_all()
            return True

    def finish(self, error: WitnessError | None = None) -> None:
        """The answer is complete, or cut short by ``error`` (raised to the reader at its end)."""
        with self._changed:
            self._finished = True
            self._error = error
            self._changed.notify_all()

    @property
    def abandoned(self) -> bool:
        return self._abandoned

    def chunks(self) -> Iterator[bytes]:
        """The answer's chunks as they come; closing the iterator early abandons the spool.

        :raises WitnessError: the error that cut the answer short, after its last chunk.
        """
        index = offset = 0
        try:
            while True:
                with self._changed:
                    while (
                        index == len(self._chunks) and offset == self._size and not self._finished
                    ):
                        self._changed.wait()
                    memory = self._chunks[index:]
                    index = len(self._chunks)
                    file, size = self._file, self._size
                    finished, error = self._finished, self._error
                yield from memory
                while file is not None and offset < size:
                    piece = os.pread(file.fileno(), min(size - offset, 1 << 20), offset)
                    offset += len(piece)
                    yield piece
                if finished and index == len(self._chunks) and offset == self._size:
                    if error is not None:
                        raise error
                    return
        finally:
            self._close()

    def _close(self) -> None:
        with self._changed:
            self._abandoned = True
            self._chunks.clear()
            if self._file is not None:
                self._file.close()
                self._file = None
            self._changed.notify_all()
