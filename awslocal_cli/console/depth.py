"""A queue's depth over time: samples the console takes while it serves pages, as a chart.

The state records no history of queue depths (AWS keeps it in CloudWatch metrics), so the
console samples every queue's counts at most once a second whenever it answers (a page open in
a browser polls every 1.5 s) and keeps the latest samples in memory for as long as the server
runs. Each sample holds the local clock's time, so an advanced clock shows as a jump.
"""

from __future__ import annotations

import threading
import time
from collections import deque

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

KEEP = 600  # samples per queue (10 minutes at one a second)
EVERY = 1.0  # seconds of real time between two samples of a region
CHART_W, CHART_H, PAD = 900, 170, 34


class DepthHistory:
    """(account, region, queue ARN) -> recent (local time, visible, in flight, delayed)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._samples: dict[tuple[str, str, str], deque[tuple[float, int, int, int]]] = {}
        self._taken: dict[tuple[str, str], float] = {}

    def sample(self, ctx: Context, queues: list[dict[str, Any]]) -> None:
        """Record the counts of `queues` (console.views.list_queues) if a second has passed."""
        region = (ctx.account, ctx.region)
        wall = time.monotonic()
        with self._lock:
            if wall - self._taken.get(region, -EVERY) < EVERY:
                return
            self._taken[region] = wall
            now = ctx.time()
            for q in queues:
                series = self._samples.setdefault(
                    (ctx.account, ctx.region, q["Arn"]), deque(maxlen=KEEP))
                point = (now, q["Visible"], q["InFlight"], q["Delayed"])
                if series and series[-1][1:] == point[1:] and len(series) > 1 \
                        and series[-2][1:] == point[1:]:
                    series[-1] = point  # a flat stretch keeps its two ends
                else:
                    series.append(point)

    def chart(self, ctx: Context, arn: str) -> dict[str, Any]:
        """The SVG polylines (visible, in flight, delayed) of one queue's samples."""
        with self._lock:
            series = list(self._samples.get((ctx.account, ctx.region, arn), ()))
        out: dict[str, Any] = {"width": CHART_W, "height": CHART_H, "pad": PAD,
                               "samples": len(series), "lines": [], "top": 0}
        if len(series) < 2:
            return out
        t0, t1 = series[0][0], series[-1][0]
        span = (t1 - t0) or 1.0
        top = max(max(s[1:]) for s in series) or 1
        inner_w, inner_h = CHART_W - 2 * PAD, CHART_H - 2 * PAD

        def xy(t: float, v: int) -> str:
            return (f"{PAD + (t - t0) / span * inner_w:.1f},"
                    f"{PAD + inner_h - v / top * inner_h:.1f}")

        for index, name in ((1, "visible"), (2, "inflight"), (3, "delayed")):
            # A step line: a count holds until the next sample.
            points, last = [], None
            for s in series:
                if last is not None:
                    points.append(xy(s[0], last))
                points.append(xy(s[0], s[index]))
                last = s[index]
            out["lines"].append({"name": name, "points": " ".join(points),
                                 "last": series[-1][index]})
        out.update(top=top, start=t0, end=t1)
        return out
