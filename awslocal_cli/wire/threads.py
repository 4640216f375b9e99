"""A fixed pool of daemon threads as a concurrent.futures Executor, for `awslocal serve`.

concurrent.futures.ThreadPoolExecutor's threads are joined when the interpreter exits, so a
request still running at Ctrl-C (an SNS delivery waits up to 30 s for its endpoint) would keep
the process alive; these threads end with it, as waitress' did. What such a delivery claimed
is leased, not taken: the next run retries it.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Executor, Future

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class DaemonPool(Executor):
    """`size` daemon threads taking work in order of submission."""

    def __init__(self, size: int, *, name: str = "worker") -> None:
        self._work: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...],
                                            dict[str, Any]] | None] = queue.SimpleQueue()
        self._closed = False
        self._threads = [threading.Thread(target=self._run, name=f"{name}-{i}", daemon=True)
                         for i in range(size)]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self._closed:
            raise RuntimeError("the pool is shut down")
        future: Future[Any] = Future()
        self._work.put((future, fn, args, kwargs))
        return future

    def _run(self) -> None:
        while True:
            item = self._work.get()
            if item is None:
                return
            future, fn, args, kwargs = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self, wait: bool = False, *, cancel_futures: bool = False) -> None:
        """Stop taking work; the threads finish what they run (never waited for at exit)."""
        self._closed = True
        for _ in self._threads:
            self._work.put(None)
        if wait:
            for thread in self._threads:
                thread.join()
