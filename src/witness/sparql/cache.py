"""Answers remembered per build: a build never changes, so an answer computed on it stays
true until the next build is swapped in.

:class:`AnswerCache` holds whole answers (whatever the caller stores with them: status,
headers, body) under a key that starts with the name of the build that answered, least
recently used first out when their bytes pass the bound. When a key names a newer build than
the entries held, every entry of older builds is dropped: no answer of another build is ever
served, and the memory is free at once. Answers larger than :attr:`AnswerCache.largest`
(streamed answers among them) are never kept.

>>> cache = AnswerCache(1600)  # answers of up to 100 bytes
>>> cache.put(("b1", "q"), "answer", 60)
True
>>> cache.get(("b1", "q")), cache.get(("b2", "q"))
('answer', None)
>>> cache.put(("b2", "other"), "new", 60)
True
>>> cache.get(("b1", "q")) is None  # a newer build was seen: the older one's are gone
True
>>> cache.put(("b2", "big"), "too large", 101)
False
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

Key = tuple[str, Hashable]
"""The build's name, then whatever names the request and its format."""

LARGEST_SHARE = 16
"""No answer may take more than this fraction of the cache (one in sixteen)."""


class AnswerCache(Generic[V]):
    """A thread-safe LRU map bounded by the bytes of its values (``limit``; 0 keeps
    nothing). Values are stored with their size in bytes, given by the caller."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.largest = limit // LARGEST_SHARE
        self.used = 0
        self._entries: OrderedDict[Key, tuple[V, int]] = OrderedDict()
        self._build = ""
        self._lock = threading.Lock()

    def get(self, key: Key) -> V | None:
        """The value stored under ``key``, if any (and it becomes the most recently used)."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: Key, value: V, size: int) -> bool:
        """Keep ``value`` (of ``size`` bytes) under ``key``; whether it was kept."""
        if size > self.largest:
            return False
        with self._lock:
            build = key[0]
            if build != self._build:
                if build < self._build:
                    return False  # an answer of an older build, arriving late
                self._entries.clear()
                self.used = 0
                self._build = build
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= old[1]
            self._entries[key] = (value, size)
            self.used += size
            while self.used > self.limit:
                _, (_, freed) = self._entries.popitem(last=False)
                self.used -= freed
            return True

    def __len__(self) -> int:
        return len(self._entries)
