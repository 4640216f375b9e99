"""The queue a request names: the row behind a QueueUrl, and the caller seen from its region.

Every operation that takes a QueueUrl starts here, so the time-based work that runs lazily on
the local clock (the progress of message move tasks) has happened before it reads the queue,
and the queue policy has let the caller in (access.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from awslocal_cli.errors import sqs as err
from awslocal_cli.services.sqs.access import authorize
from awslocal_cli.services.sqs.dead_letter import advance_tasks
from awslocal_cli.services.sqs.urls import parse_queue_url
from awslocal_cli.store import sqs as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context


def find_queue(ctx: Context, url: str, action: str | None) -> db.Row:
    """The queue row a QueueUrl names, once the queue policy lets ctx perform `action` (the
    API operation); QueueDoesNotExist if there is none, AccessDenied (access.py) if refused.

    `action` None is for awslocal's own inspection commands, which answer the state's owner.
    Regions are partitions: a URL naming another region's endpoint
    (`https://sqs.us-east-1.amazonaws.com/...` used from eu-west-1) finds nothing, as in AWS,
    where the AWS CLI sends the request to the caller's regional endpoint, which knows only its
    own queues. A URL whose host names no region (`http://localhost:4566/...`) is read in the
    caller's region.
    """
    region, account, name = parse_queue_url(ctx, url)
    advance_tasks(ctx)
    queue = None if region != ctx.region else db.get_queue(ctx.db, account, region, name)
    if queue is None:
        raise err.QueueDoesNotExist("The specified queue does not exist.")
    if action is not None:
        authorize(ctx, queue, action)
    return queue


def in_queue_region(ctx: Context, queue: db.Row) -> Context:
    """The caller seen in the queue's region (a URL may name another region)."""
    if queue["region"] == ctx.region:
        return ctx
    return ctx.derive(region=queue["region"])
