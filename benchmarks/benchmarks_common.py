"""What the benchmark scripts share: one invocation in-process, timing a command, medians."""

from __future__ import annotations

import statistics
import subprocess
import time

from awslocal_cli.context import Context
from awslocal_cli.dispatch import invoke


def call(state: str, fn, **request):
    """Run one service call as one invocation: commit, close, then deferred work."""
    return invoke(Context.from_options(state_dir=state, environ={}), fn, **request)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_subprocess(argv: list[str], runs: int, env: dict[str, str]) -> tuple[float, bool]:
    """The median wall time of running argv `runs` times, and whether every run succeeded."""
    samples, ok = [], True
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, env=env)
        samples.append(time.perf_counter() - t)
        ok = ok and proc.returncode == 0
    return median_ms(samples), ok
