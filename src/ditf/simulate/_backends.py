"""Execution backends: the same tasks, serially, in local processes, or on Dask.

Every backend returns results in task order, and each task carries its own random stream
(spawned from one ``SeedSequence``), so a result does not depend on where it ran.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from ditf._errors import BackendError, MissingDependencyError
from ditf._validation import check_int_range

__all__ = ["Backend", "DaskBackend", "ProcessBackend", "SerialBackend"]

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int, int], None]
_MMAP_KEY = "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_"


class Backend(Protocol):
    """Runs ``fn`` over ``tasks`` and returns the results in task order."""

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None = None
    ) -> list[R]:
        """Apply ``fn`` to every task; call ``progress(done, total)`` as tasks finish."""
        ...  # pragma: no cover


class SerialBackend:
    """Run tasks one after another in this process (the default)."""

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None = None
    ) -> list[R]:
        """Apply ``fn`` to every task in order."""
        results = []
        for i, task in enumerate(tasks, start=1):
            results.append(fn(task))
            if progress:
                progress(i, len(tasks))
        return results


class ProcessBackend:
    """Run tasks in local worker processes (spawned, so safe on every platform).

    Parameters
    ----------
    workers : int
        Number of processes (1 to 256).
    """

    def __init__(self, workers: int = 2) -> None:
        self.workers = check_int_range(workers, "workers", "ProcessBackend", 1, 256)

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None = None
    ) -> list[R]:
        """Apply ``fn`` to every task in a process pool."""
        context = multiprocessing.get_context("spawn")
        results: list[Any] = [None] * len(tasks)
        try:
            with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
                futures = {pool.submit(fn, task): i for i, task in enumerate(tasks)}
                for done, future in enumerate(as_completed(futures), start=1):
                    results[futures[future]] = future.result()
                    if progress:
                        progress(done, len(tasks))
        except BrokenProcessPool as exc:
            raise BackendError(f"A worker process died: {exc}. Try fewer workers.") from exc
        return results


class DaskBackend:
    """Run tasks on Dask distributed: a new ``LocalCluster`` or an existing scheduler.

    Needs ``pip install 'ditf[distributed]'``. Use as a context manager so the cluster closes.

    Parameters
    ----------
    workers : int, optional
        Start a ``LocalCluster`` with this many single-threaded worker processes.
    scheduler : str, optional
        Address of a running scheduler, e.g. ``"tcp://10.0.0.5:8786"``. Give one or the other.

    Raises
    ------
    MissingDependencyError
        If Dask distributed is not installed.
    BackendError
        If the scheduler cannot be reached or the cluster cannot start.
    """

    def __init__(self, *, workers: int | None = None, scheduler: str | None = None) -> None:
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - the test environment has the extra
            raise MissingDependencyError(
                "The Dask backend needs Dask distributed: pip install 'ditf[distributed]'."
            ) from exc
        if (workers is None) == (scheduler is None):
            raise BackendError("Give either workers (a new LocalCluster) or a scheduler address.")
        if scheduler is not None:
            _check_address(scheduler)
        self.cluster = None
        n = None if workers is None else check_int_range(workers, "workers", "DaskBackend", 1, 256)
        try:
            if scheduler is not None:
                self.client = Client(scheduler, timeout="10s")
            else:
                # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which makes glibc
                # return every large array to the system: the kernel then runs 2.5x slower.
                # Serving large arrays from the heap instead restores its speed.
                with dask.config.set({_MMAP_KEY: "67108864"}):
                    self.cluster = LocalCluster(
                        n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0"
                    )
                self.client = Client(self.cluster)
        except (OSError, TimeoutError, RuntimeError) as exc:
            where = scheduler or "a LocalCluster"
            raise BackendError(
                f"Cannot reach Dask at {where}: {exc}. Is the scheduler up?"
            ) from exc

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], progress: Progress | None = None
    ) -> list[R]:
        """Submit every task to the cluster and gather the results in order."""
        from dask.distributed import as_completed as dask_completed
        from distributed.scheduler import KilledWorker

        futures = self.client.map(fn, list(tasks), pure=False)
        position = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(tasks)
        try:
            for done, future in enumerate(dask_completed(futures), start=1):
                results[position[future.key]] = future.result()
                if progress:
                    progress(done, len(tasks))
        except KilledWorker as exc:
            raise BackendError(f"A Dask worker died running a task: {exc}.") from exc
        return results

    def close(self) -> None:
        """Close the client and any cluster this backend started."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> DaskBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_address(scheduler: str) -> None:
    """Refuse a malformed address before a client starts its event loop for it.

    A bad address used to surface from inside ``Client``, after its IO-loop thread had
    started; on a loaded machine that thread can miss distributed's 10 s start-up wait, and
    the failure then came out as a bare ``AssertionError`` instead of this message.
    """
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    if not scheduler.strip():
        raise BackendError("The Dask scheduler address is empty: give tcp://HOST:PORT.")
    try:
        scheme, location = parse_address(scheduler)
        get_backend(scheme)
        if scheme in ("tcp", "tls", "ws", "wss"):
            host, port = parse_host_port(location)
            if not host or not 0 < port < 65536:
                raise ValueError("the host is empty or the port is not in 1-65535")
    except ValueError as exc:  # no port, unknown protocol, a port that is not a number...
        raise BackendError(
            f"The Dask scheduler address {scheduler!r} is not usable: {exc}. Give one such "
            "as tcp://10.0.0.5:8786."
        ) from exc
