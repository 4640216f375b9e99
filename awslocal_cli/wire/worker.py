"""The server's background worker: the clock-driven work the CLI does lazily, done on time.

On the command line, time-based work happens when a command runs: SNS attempts the HTTP/S
requests whose (re)try fell due after every SNS command (`after_operation`), and SQS advances
message move tasks whenever an operation looks a queue up. A server may sit idle between
requests, so this thread does both every `interval` seconds while it runs, each step as an
invocation of its own (one Context, one transaction, the deferred work after the commit), and
stops when asked, finishing the step it is in.
"""

from __future__ import annotations

import sys
import threading

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path
    from typing import TextIO

    from awslocal_cli.clock import Clock
    from awslocal_cli.context import Context
    from awslocal_cli.store import StorePool

INTERVAL = 1.0


def advance_move_tasks(ctx: Context) -> None:
    """SQS: move what the running message move tasks may move by now."""
    from awslocal_cli.services import sqs

    sqs.advance_tasks(ctx)


def attempt_due_deliveries(ctx: Context) -> None:
    """SNS: schedule the HTTP/S requests that fell due; they run after the commit."""
    from awslocal_cli.services import sns

    sns.schedule_if_due(ctx)


STEPS: tuple[Callable[[Context], None], ...] = (advance_move_tasks, attempt_due_deliveries)


def tick(
    state_dir: str | Path | None = None,
    *,
    region: str | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
    clock: Clock | None = None,
    stores: StorePool | None = None,
) -> None:
    """Run every step once, each as its own invocation (on `stores`' open stores, if given)."""
    from awslocal_cli import dispatch

    for step in STEPS:
        ctx = dispatch.open_context(
            region=region, profile=profile,
            state_dir=None if state_dir is None else str(state_dir),
            environ=environ, clock=clock, stores=stores,
        )
        with ctx.session:
            step(ctx)
        dispatch.finish(ctx)


class Worker:
    """A daemon thread running `tick` every `interval` seconds until `stop()`."""

    def __init__(
        self,
        state_dir: str | Path | None = None,
        *,
        region: str | None = None,
        profile: str | None = None,
        environ: Mapping[str, str] | None = None,
        interval: float = INTERVAL,
        log: TextIO | None = None,
        stores: StorePool | None = None,
    ) -> None:
        self.kwargs = {"region": region, "profile": profile, "environ": environ,
                       "stores": stores}
        self.state_dir = state_dir
        self.interval = interval
        self.log = log
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="awslocal-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop and wait for the step it is in (at most `timeout` s).

        A step still running then (SNS attempts an endpoint for up to 30 s) ends with the
        process: what it claimed is leased, not taken, so the next run retries it (at least
        once, as SNS delivers).
        """
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                tick(self.state_dir, **self.kwargs)  # type: ignore[arg-type]
            except Exception as exc:  # a failed step is retried on the next tick
                stream = self.log or sys.stderr
                stream.write(f"awslocal serve: background work failed: {exc!r}\n")
