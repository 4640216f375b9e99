"""A queue's depth over time, drawn from the activity the state records, as a chart.

Every change of a queue's depth (a send, a receive, a visibility change, a delete, a purge, an
expiry, a dead-letter move) writes a row to the queue's activity log in the same transaction
(store/sqs_activity.py); `services.sqs.messages.depth_history` turns the log into the counts
at each change, so a page opened after a tutorial shows how the depth moved. Times are the
local clock's, so an advanced clock shows as a long step.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

CHART_W, CHART_H, PAD = 900, 170, 34


def chart(ctx: Context, url: str) -> dict[str, Any]:
    """The SVG step lines (visible, in flight, delayed) of one queue's recorded depth."""
    from awslocal_cli.services.sqs.messages import depth_history

    history = depth_history(ctx, QueueUrl=url)
    series = history["Points"]
    out: dict[str, Any] = {"width": CHART_W, "height": CHART_H, "pad": PAD,
                           "changes": len(series), "lines": [], "top": 0,
                           "complete": history["Complete"]}
    if len(series) < 2:
        return out
    t0, t1 = series[0][0], series[-1][0]
    span = (t1 - t0) or 1.0
    top = max(max(s[1:]) for s in series) or 1
    inner_w, inner_h = CHART_W - 2 * PAD, CHART_H - 2 * PAD

    def xy(t: float, v: float) -> str:
        return (f"{PAD + (t - t0) / span * inner_w:.1f},"
                f"{PAD + inner_h - v / top * inner_h:.1f}")

    for index, name in ((1, "visible"), (2, "inflight"), (3, "delayed")):
        # A step line: a count holds until the next change.
        points, last = [], None
        for s in series:
            if last is not None:
                points.append(xy(s[0], last))
            points.append(xy(s[0], s[index]))
            last = s[index]
        out["lines"].append({"name": name, "points": " ".join(points),
                             "last": int(series[-1][index])})
    out.update(top=int(top), start=t0, end=t1)
    return out
