"""CPU-bound library calls run in worker threads, a few at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread

from ditf._validation import check_int_range

T = TypeVar("T")


class Worker:
    """Runs CPU-bound calls in threads, at most ``size`` at once.

    The event loop stays free to accept and answer other requests while numpy works. More
    threads than cores would not finish sooner: they would only contend for the GIL and the
    cores, and stretch every request's latency, so the rest queue here.

    Parameters
    ----------
    size : int
        Most calls running at once (>= 1), usually the number of cores.
    """

    def __init__(self, size: int) -> None:
        self.size = check_int_range(size, "size", "Worker", 1)
        self._limiter = anyio.CapacityLimiter(self.size)

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn()`` in a worker thread and return its result (or raise its error)."""
        return await anyio.to_thread.run_sync(fn, limiter=self._limiter)
