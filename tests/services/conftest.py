"""Service-layer fixtures: one simulated invocation per call, on a tmp state dir, pinned clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from awslocal_cli.clock import Clock
from awslocal_cli.context import Context
from awslocal_cli.dispatch import invoke

BASE = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()
ACCOUNT = "123456789012"


class Invoker:
    """`inv(kms.encrypt, KeyId=..., Plaintext=...)` runs one invocation, as the CLI would.

    Each call opens a new Context and Session on the same state directory, runs the service
    function, and finishes the session (commit on success, roll back on error; events kept).
    `advance(days=..)` moves the pinned clock.
    """

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.offset = 0.0

    def clock(self) -> Clock:
        return Clock(self.offset, base=lambda: BASE)

    def now(self) -> float:
        return BASE + self.offset

    def advance(self, *, days: float = 0, seconds: float = 0) -> None:
        self.offset += days * 86400 + seconds

    def context(self, *, region: str | None = None, profile: str | None = None) -> Context:
        return Context.from_options(state_dir=str(self.state_dir), environ={}, clock=self.clock(),
                                    region=region, profile=profile)

    def __call__(self, fn: Callable[..., dict[str, Any]], *, region: str | None = None,
                 profile: str | None = None,
                 as_ctx: Callable[[Context], Context] | None = None,
                 **request: Any) -> dict[str, Any]:
        ctx = self.context(region=region, profile=profile)
        if as_ctx is not None:
            ctx = as_ctx(ctx)
        return invoke(ctx, fn, **request)

    def sql(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        ctx = self.context()
        try:
            return [tuple(r) for r in ctx.db.execute(query, args).fetchall()]
        finally:
            ctx.session.finish(True)
            ctx.session.close()


@pytest.fixture
def inv(tmp_path: Path) -> Invoker:
    return Invoker(tmp_path / "svc-state")
