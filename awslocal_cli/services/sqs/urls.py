"""Queue names, URLs and ARNs: how a request names a queue and how AWS spells it back.

Queues are found by URL: `https://sqs.<region>.amazonaws.com/<account>/<name>`, and, for
scripts written against other endpoints, any URL whose path ends in `/<account>/<name>` (the
legacy `https://queue.amazonaws.com/...`, `http://localhost:4566/...`), or by a bare queue
name, as AWS accepts it.
"""

from __future__ import annotations

from awslocal_cli.errors import sqs as err

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context


def queue_url(region: str, account: str, name: str) -> str:
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


def queue_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{account}:{name}"


def url_of(queue: dict[str, Any]) -> str:
    """The URL of a stored queue row."""
    return queue_url(queue["region"], queue["account"], queue["name"])


def parse_queue_url(ctx: Context, url: str) -> tuple[str, str, str]:
    """(region, account, name) named by a queue URL, or by a bare queue name.

    AWS resolves a bare name (`orders`) to the caller's queue of that name in the region the
    request went to (moto #5073 records the change). An http(s) URL that names no queue
    (`http://whatever-incorrect-queue-address`) is a queue that does not exist, not an invalid
    address (moto #3657, run against AWS).
    """
    text = (url or "").strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        if not text or "/" in text:
            raise err.QueueDoesNotExist("The specified queue does not exist.")
        return ctx.region, ctx.account, text
    if scheme.lower() not in ("http", "https"):
        raise err.InvalidAddress(f"The address {url} is not valid for this endpoint.")
    host, _, path = rest.partition("/")
    parts = [p for p in path.split("?")[0].split("/") if p]
    if len(parts) < 2 or not (len(parts[-2]) == 12 and parts[-2].isdigit()):
        raise err.QueueDoesNotExist("The specified queue does not exist.")
    return _region_of_host(host, ctx.region), parts[-2], parts[-1]


def _region_of_host(host: str, default: str) -> str:
    """The region an SQS endpoint host names (`sqs.<region>...`, `<region>.queue...`)."""
    host = host.split(":")[0].lower()
    labels = host.split(".")
    if host.endswith(".amazonaws.com") and len(labels) >= 4:
        if labels[0] == "sqs":
            return labels[1]
        if labels[1] == "queue":
            return labels[0]
    return default


def arn_parts(arn: str) -> tuple[str, str, str] | None:
    """(region, account, name) of an SQS queue ARN; None for anything else."""
    parts = str(arn).split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs":
        return None
    return parts[3], parts[4], parts[5]


def check_name(name: str, fifo: bool) -> None:
    """AWS's error for a queue name that is too long or uses other characters."""
    base = name[:-5] if fifo and name.endswith(".fifo") else name
    ok = 0 < len(name) <= 80 and all(c.isascii() and (c.isalnum() or c in "-_") for c in base)
    if fifo and (not name.endswith(".fifo") or not ok):
        raise err.InvalidParameterValue(
            "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
            "underscores, must end with .fifo suffix and be 1 to 80 in length.")
    if not ok:
        raise err.InvalidParameterValue(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in "
            "length")
