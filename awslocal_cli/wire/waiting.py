"""The waiting room of `awslocal serve`: long polls parked without a thread, woken by commits.

A ReceiveMessage that finds nothing and may wait is set aside (awslocal_cli.context.Parked):
its request thread goes back to the pool, and the request waits here as an asyncio future on
the server's event loop, costing a few hundred bytes. One watcher thread notices commits, from
this server's threads (they poke it after every request) and from any other process on the
same state (it reads SQLite's `PRAGMA data_version`, which changes when another connection has
committed, every `INTERVAL` seconds while anyone waits). On a commit it asks, for each queue
somebody waits on, how many messages are visible (an index probe), and wakes that many of its
waiters, oldest first; they run their request again, with the deadline they started with.

Nothing is missed: a waiter remembers the commit count (`seq`) from before its receive began,
and any commit it did not see bumps `seq` past that once noticed, so it is woken if a message
is then visible. A message that falls due later (a delay, a visibility timeout running out) is
covered by the waiter's own `wake` time and by the watcher's note of the queue's next due time.
A waiter that finds nothing (another consumer was quicker) parks again.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from typing import Any

    from awslocal_cli.clock import Clock
    from awslocal_cli.context import Parked
    from awslocal_cli.store import Store, StorePool

INTERVAL = 0.002  # seconds between data_version reads while somebody waits


class _Waiter:
    __slots__ = ("future", "loop", "seq")

    def __init__(self, future: asyncio.Future[bool], loop: asyncio.AbstractEventLoop,
                 seq: int) -> None:
        self.future = future
        self.loop = loop
        self.seq = seq


def _set(future: asyncio.Future[bool], value: bool) -> None:
    if not future.done():
        future.set_result(value)


class WaitingRoom:
    """Parked requests by what they wait for, and the thread that wakes them."""

    def __init__(self, stores: StorePool, *, clock: Clock | None = None,
                 interval: float = INTERVAL) -> None:
        self.stores = stores
        self.clock = clock
        self.interval = interval
        self.seq = 0  # commits noticed so far
        self.closed = False
        self._lock = threading.Lock()
        self._waiters: dict[tuple[str, int], list[_Waiter]] = {}
        self._woken: dict[tuple[str, int], int] = {}  # woken, not yet back or answered
        self._due: dict[tuple[str, int], float] = {}  # next visible_at (local clock) per queue
        # Queues with a waiter registered since the last look: a commit the watcher noticed
        # before the waiter was registered (but after its receive began) still wakes it.
        self._fresh: set[tuple[str, int]] = set()
        self._count = 0
        self._poke = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the event loop's side ---------------------------------------------------------------

    @property
    def waiting(self) -> int:
        return self._count

    async def wait(self, parked: Parked, seq: int,
                   disconnected: Callable[[], Awaitable[Any]] | None = None) -> str:
        """Wait until woken ("woken": call `back` once run again), `parked.wake` ("due"), the
        server closing ("closed") or the client going away ("gone")."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        waiter = _Waiter(future, loop, seq)
        with self._lock:
            if self.closed:
                return "closed"
            self._waiters.setdefault(parked.key, []).append(waiter)
            self._fresh.add(parked.key)
            self._count += 1
        self._poke.set()  # a commit it did not see may be noticed already: look at once
        watch = None
        if disconnected is not None:
            watch = asyncio.ensure_future(disconnected())
        try:
            timeout = max(0.0, parked.wake - time.monotonic())
            done, _ = await asyncio.wait(
                [future] if watch is None else [future, watch], timeout=timeout,
                return_when=asyncio.FIRST_COMPLETED)
        finally:
            if watch is not None and not watch.done():
                watch.cancel()
            with self._lock:
                queue = self._waiters.get(parked.key)
                if queue is not None and waiter in queue:
                    queue.remove(waiter)
                    self._count -= 1
                    if not queue:
                        del self._waiters[parked.key]
        if future.done():
            return "closed" if self.closed else "woken"
        if watch is not None and watch in done:
            return "gone"
        return "due"

    def back(self, key: tuple[str, int], was_woken: bool) -> None:
        """A woken waiter has run again (answered, or parked anew)."""
        if not was_woken:
            return
        with self._lock:
            left = self._woken.get(key, 0) - 1
            if left > 0:
                self._woken[key] = left
            else:
                self._woken.pop(key, None)

    def poke(self) -> None:
        """A request of this server finished (and may have committed): look now."""
        if self._count:
            self._poke.set()

    # -- the watcher thread ------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="awslocal-waiting-room",
                                        daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Wake every waiter (they answer at once) and stop the watcher."""
        with self._lock:
            self.closed = True
            waiters = [w for queue in self._waiters.values() for w in queue]
            self._waiters.clear()
            self._count = 0
        for w in waiters:
            with contextlib.suppress(RuntimeError):  # a loop already closed
                w.loop.call_soon_threadsafe(_set, w.future, True)
        self._stop.set()
        self._poke.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)

    def _run(self) -> None:
        store: Store | None = None
        version = None
        try:
            while not self._stop.is_set():
                self._poke.wait(self.interval if self._count else 0.5)
                self._poke.clear()
                if self._stop.is_set():
                    break
                if not self._count:
                    continue
                try:
                    if store is None or not store.current():
                        if store is not None:
                            self.stores.release(store)
                        store, version = self.stores.acquire(), None
                    version = self._look(store, version)
                except (sqlite3.Error, OSError, ValueError) as exc:  # retried on the next tick
                    import sys

                    sys.stderr.write(f"awslocal serve: waiting room: {exc!r}\n")
                    if store is not None:
                        with contextlib.suppress(sqlite3.Error):
                            store.close()
                        store = None
                    time.sleep(0.1)
                except Exception as exc:  # a state made unusable (ConfigurationError): keep trying
                    import sys

                    sys.stderr.write(f"awslocal serve: waiting room: {exc}\n")
                    store = None
                    time.sleep(0.5)
        finally:
            if store is not None:
                self.stores.release(store)

    def _now(self, store: Store) -> float:
        if self.clock is not None:
            return self.clock.time()
        return time.time() + store.clock_offset()

    def _look(self, store: Store, version: int | None) -> int:
        from awslocal_cli.store import sqs as db

        current = db.data_version(store.conn)
        changed = current != version
        if changed:
            self.seq += 1
        with self._lock:
            keys = list(self._waiters)
            fresh, self._fresh = self._fresh, set()
        if not keys:
            return current
        now = self._now(store)
        for key in keys:
            due = self._due.get(key)
            due_now = due is not None and due <= now
            if not changed and not due_now and key not in fresh:
                continue
            with self._lock:
                queue = self._waiters.get(key, [])
                eligible = [w for w in queue if due_now or w.seq < self.seq]
                pending = self._woken.get(key, 0)
            if not eligible:
                continue
            ready = db.ready_count(store.conn, key[1], now, len(eligible) + pending)
            self._due.pop(key, None)
            if ready <= pending:
                nxt = db.next_visible_at(store.conn, key[1])
                if nxt is not None and nxt > now:
                    self._due[key] = nxt
                continue
            wake = eligible[: ready - pending]
            with self._lock:
                for w in wake:
                    if w in queue:
                        queue.remove(w)
                        self._count -= 1
                if not queue:
                    self._waiters.pop(key, None)
                self._woken[key] = self._woken.get(key, 0) + len(wake)
            for w in wake:
                with contextlib.suppress(RuntimeError):
                    w.loop.call_soon_threadsafe(_set, w.future, True)
        return current
