"""A small in-process cache for deterministic results, shared by concurrent requests."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

import anyio

from ditf._validation import check_int_range, check_positive

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ResultCache(Generic[K, V]):
    """Least-recently-used results by key; concurrent misses of one key compute it once.

    Only for functions whose result depends on the key alone (here: predictions with a fixed
    seed), so a hit returns exactly what a fresh computation would. All methods run on the
    event loop, so no lock is needed around the dictionaries.

    Parameters
    ----------
    maxsize : int
        Most results kept (>= 1); the least recently used goes first.
    """

    def __init__(self, maxsize: int) -> None:
        self._maxsize = check_int_range(maxsize, "maxsize", "ResultCache", 1)
        self._data: OrderedDict[K, V] = OrderedDict()
        self._pending: dict[K, anyio.Event] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    async def get(self, key: K, compute: Callable[[], Awaitable[V]]) -> V:
        """The cached result for ``key``, computing it with ``compute()`` on a miss.

        A failed computation caches nothing; callers that waited for it try again themselves.
        """
        while key not in self._data:
            pending = self._pending.get(key)
            if pending is None:
                return await self._compute(key, compute)
            await pending.wait()
        self.hits += 1
        self._data.move_to_end(key)
        return self._data[key]

    async def _compute(self, key: K, compute: Callable[[], Awaitable[V]]) -> V:
        self.misses += 1
        done = self._pending[key] = anyio.Event()
        try:
            value = await compute()
            self._data[key] = value
            if len(self._data) > self._maxsize:
                self._data.popitem(last=False)
            return value
        finally:
            del self._pending[key]
            done.set()


class ExpiringCache(Generic[K, V]):
    """Values read from a store, kept for ``ttl`` seconds (or until :meth:`clear`).

    For data that other processes may change (the journal): a value is at most ``ttl``
    seconds old, and this process's own writes clear it at once. Concurrent misses of one key
    read it once (when a value expires under load, the requests waiting for it do not all
    queue for the store). All methods run on the event loop, so no lock is needed.

    Parameters
    ----------
    ttl : float
        Seconds a value is kept (> 0).
    clock : callable, optional
        Monotonic seconds; default :func:`time.monotonic`.
    """

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = check_positive(ttl, "ttl", "ExpiringCache")
        self._clock = clock
        self._data: dict[K, tuple[float, V]] = {}
        self._pending: dict[K, anyio.Event] = {}
        self.reads = 0

    async def get(self, key: K, read: Callable[[], Awaitable[V]]) -> V:
        """The value for ``key``, read with ``read()`` when it is missing or too old.

        A failed read keeps nothing; callers that waited for it read again themselves.
        """
        while True:
            kept = self._data.get(key)
            if kept is not None and kept[0] > self._clock():
                return kept[1]
            pending = self._pending.get(key)
            if pending is None:
                return await self._read(key, read)
            await pending.wait()

    async def _read(self, key: K, read: Callable[[], Awaitable[V]]) -> V:
        self.reads += 1
        done = self._pending[key] = anyio.Event()
        try:
            value = await read()
            self._data[key] = (self._clock() + self.ttl, value)
            return value
        finally:
            del self._pending[key]
            done.set()

    def clear(self) -> None:
        """Forget every value (after this process wrote to the store).

        A read in flight still answers the requests waiting for it.
        """
        self._data.clear()
