"""A read-only look at the state: a Context whose transaction is always rolled back.

Every page reads through the service layer (the same functions the CLI and the wire call).
Some of those do time-based work lazily (a key deletion that fell due, a message move task)
and KMS records an audit event per call; the console must change nothing, so whatever a page
read did is rolled back and its audit events are dropped.
"""

from __future__ import annotations

import contextlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

    from awslocal_cli.clock import Clock
    from awslocal_cli.context import Context


@contextlib.contextmanager
def looking(state_dir: str | Path | None, *, region: str | None = None,
            environ: Mapping[str, str] | None = None,
            clock: Clock | None = None) -> Iterator[Context]:
    """A Context on the state for one page; nothing it does is kept."""
    from awslocal_cli.context import Context

    ctx = Context.from_options(region=region, state_dir=None if state_dir is None
                               else str(state_dir), environ=environ, clock=clock)
    session = ctx.session
    try:
        yield ctx
    finally:
        session.pending_events.clear()
        session.deferred.clear()
        try:
            session.finish(False)
        finally:
            session.close()
