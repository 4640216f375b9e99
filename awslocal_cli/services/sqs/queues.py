"""Queues: create, find, list, delete; their attributes and tags.

CreateQueue is idempotent for identical attributes; a deleted queue's name is reusable after 60
seconds. Listings (ListQueues, ListDeadLetterSourceQueues) page by queue name.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

import awslocal_cli.services.sqs.attributes as attributes
from awslocal_cli.errors import sqs as err
from awslocal_cli.services.sqs.access import authorize
from awslocal_cli.services.sqs.dead_letter import advance_tasks, source_queues
from awslocal_cli.services.sqs.lookup import find_queue, in_queue_region
from awslocal_cli.services.sqs.urls import check_name, queue_arn, queue_url, url_of
from awslocal_cli.store import sqs as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

DELETED_RECENTLY = 60
MAX_TAGS = 50


def _check_tags(tags: dict[str, str], existing: int = 0) -> None:
    if len(tags) + existing > MAX_TAGS:
        raise err.InvalidParameterValue("Too many tags added for queue. A queue can have up "
                                        "to 50 tags.")
    for k, v in tags.items():
        if not 1 <= len(k) <= 128 or len(str(v)) > 256 or k.lower().startswith("aws:"):
            raise err.InvalidParameterValue(f"Tag key or value is invalid: {k}.")


def _new_attributes(ctx: Context, name: str, given: dict[str, Any],
                    fifo: bool) -> dict[str, str]:
    """The attributes a new queue gets: defaults, then the checked CreateQueue attributes."""
    changes = attributes.validate(ctx, given, fifo=fifo, name=name, creating=True)
    if "KmsMasterKeyId" in changes and not changes["KmsMasterKeyId"]:
        changes.pop("KmsMasterKeyId")
    attrs = attributes.apply(attributes.defaults(fifo), changes, fifo)
    if given.get("SqsManagedSseEnabled", "").lower() == "false" and \
            not changes.get("KmsMasterKeyId"):
        attrs["SqsManagedSseEnabled"] = "false"
    return attrs


def _check_same(existing: db.Row, attrs: dict[str, str]) -> None:
    """QueueNameExists unless an existing queue has exactly these attributes."""
    for key in sorted(set(attrs) | set(existing["attributes"])):
        if attrs.get(key) != existing["attributes"].get(key):
            raise err.QueueNameExists(
                "A queue already exists with the same name and a different value for "
                f"attribute {key}")


def create_queue(ctx: Context, *, QueueName: str, Attributes: dict[str, str] | None = None,
                 tags: dict[str, str] | None = None) -> dict[str, Any]:
    """Create a queue (SSE-SQS on by default); idempotent for identical attributes."""
    given = dict(Attributes or {})
    fifo = attributes.is_true(given.get("FifoQueue", "false"))
    check_name(QueueName, fifo)
    if QueueName.endswith(".fifo") and not fifo:
        check_name(QueueName[:-5] + "!", False)
    attrs = _new_attributes(ctx, QueueName, given, fifo)
    _check_tags(dict(tags or {}))
    advance_tasks(ctx)
    existing = db.get_queue(ctx.db, ctx.account, ctx.region, QueueName)
    if existing is not None:
        _check_same(existing, attrs)
        return {"QueueUrl": url_of(existing)}
    now = ctx.time()
    gone = db.deleted_at(ctx.db, ctx.account, ctx.region, QueueName)
    if gone is not None and now - gone < DELETED_RECENTLY:
        raise err.QueueDeletedRecently(
            "You must wait 60 seconds after deleting a queue before you can create another "
            "with the same name.")
    db.insert_queue(ctx.db, ctx.account, ctx.region, QueueName,
                    queue_arn(ctx.region, ctx.account, QueueName), fifo, attrs,
                    {str(k): str(v) for k, v in (tags or {}).items()}, now)
    return {"QueueUrl": queue_url(ctx.region, ctx.account, QueueName)}


def get_queue_url(ctx: Context, *, QueueName: str,
                  QueueOwnerAWSAccountId: str | None = None) -> dict[str, Any]:
    """The URL of a queue by name (and owner account)."""
    advance_tasks(ctx)
    queue = db.get_queue(ctx.db, QueueOwnerAWSAccountId or ctx.account, ctx.region, QueueName)
    if queue is None:
        raise err.QueueDoesNotExist("The specified queue does not exist.")
    authorize(ctx, queue, "GetQueueUrl")
    return {"QueueUrl": url_of(queue)}


# -- listings ---------------------------------------------------------------------------------


def _encode_token(value: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": value}).encode()).decode()


def _decode_token(token: str) -> str:
    try:
        return str(json.loads(base64.urlsafe_b64decode(token.encode()))["after"])
    except (ValueError, KeyError, TypeError):
        raise err.InvalidParameterValue("Invalid NextToken value.") from None


def _page(queues: list[db.Row], next_token: str | None,
          max_results: int | None) -> dict[str, Any]:
    """{"urls": one page of the queues' URLs (by name), "token": the next page's, or None}."""
    if max_results is not None and not 1 <= max_results <= 1000:
        raise err.invalid_parameter("MaxResults", max_results,
                                    "MaxResults must be an integer between 1 and 1000.")
    if next_token:
        after = _decode_token(next_token)
        queues = [q for q in queues if q["name"] > after]
    limit = max_results or 1000
    page = queues[:limit]
    token = None
    if max_results is not None and len(queues) > limit:
        token = _encode_token(page[-1]["name"])
    return {"urls": [url_of(q) for q in page], "token": token}


def list_queues(ctx: Context, *, QueueNamePrefix: str | None = None,
                NextToken: str | None = None, MaxResults: int | None = None) -> dict[str, Any]:
    """Queue URLs of the account and region, by name prefix, paginated."""
    advance_tasks(ctx)
    rows = db.list_queues(ctx.db, ctx.account, ctx.region, QueueNamePrefix or "")
    page = _page(rows, NextToken, MaxResults)
    out: dict[str, Any] = {}
    if page["urls"]:
        out["QueueUrls"] = page["urls"]
    if page["token"]:
        out["NextToken"] = page["token"]
    return out


def list_dead_letter_source_queues(ctx: Context, *, QueueUrl: str, NextToken: str | None = None,
                                   MaxResults: int | None = None) -> dict[str, Any]:
    """Queues whose RedrivePolicy names this queue as dead-letter target."""
    queue = find_queue(ctx, QueueUrl, "ListDeadLetterSourceQueues")
    page = _page(source_queues(ctx, queue), NextToken, MaxResults)
    out: dict[str, Any] = {"queueUrls": page["urls"]}
    if page["token"]:
        out["NextToken"] = page["token"]
    return out


# -- attributes -------------------------------------------------------------------------------


def get_queue_attributes(ctx: Context, *, QueueUrl: str,
                         AttributeNames: list[str] | None = None) -> dict[str, Any]:
    """The requested attributes (`All` for every one the queue has)."""
    queue = find_queue(ctx, QueueUrl, "GetQueueAttributes")
    names = list(AttributeNames or [])
    known = set(attributes.ORDER) | {"All"}
    for name in names:
        if name not in known:
            raise err.InvalidAttributeName(f"Unknown Attribute {name}.")
    if not names:
        return {}
    attrs = attributes.render(ctx, queue)
    if "All" not in names:
        attrs = {k: v for k, v in attrs.items() if k in names}
    return {"Attributes": attrs} if attrs else {}


def set_queue_attributes(ctx: Context, *, QueueUrl: str,
                         Attributes: dict[str, str]) -> dict[str, Any]:
    """Change settable attributes; SSE changes affect only messages sent afterwards.

    `FifoQueue=true` on a FIFO queue is accepted and changes nothing, as in AWS; the queue
    type itself never changes.
    """
    queue = find_queue(ctx, QueueUrl, "SetQueueAttributes")
    qctx = in_queue_region(ctx, queue)
    for key in Attributes or {}:
        if key in attributes.READ_ONLY:
            raise err.InvalidAttributeName(f"Unknown Attribute {key}.")
    changes = attributes.validate(qctx.derive(account=queue["account"]),
                                  dict(Attributes or {}), fifo=bool(queue["fifo"]),
                                  name=queue["name"], creating=False)
    attrs = attributes.apply(queue["attributes"], changes, bool(queue["fifo"]))
    db.update_queue(ctx.db, queue["id"], attributes=attrs, modified=ctx.time())
    return {}


def delete_queue(ctx: Context, *, QueueUrl: str) -> dict[str, Any]:
    """Delete a queue and its messages; its name is reusable after 60 seconds."""
    queue = find_queue(ctx, QueueUrl, "DeleteQueue")
    db.delete_queue(ctx.db, queue, ctx.time())
    return {}


# -- tags -------------------------------------------------------------------------------------


def tag_queue(ctx: Context, *, QueueUrl: str, Tags: dict[str, str]) -> dict[str, Any]:
    """Add or overwrite tags (at most 50 per queue)."""
    queue = find_queue(ctx, QueueUrl, "TagQueue")
    tags = dict(queue["tags"])
    new = {str(k): str(v) for k, v in (Tags or {}).items()}
    _check_tags(new, len(set(tags) - set(new)))
    tags.update(new)
    db.update_queue(ctx.db, queue["id"], tags=tags)
    return {}


def untag_queue(ctx: Context, *, QueueUrl: str, TagKeys: list[str]) -> dict[str, Any]:
    """Remove tags by key (absent keys are ignored)."""
    queue = find_queue(ctx, QueueUrl, "UntagQueue")
    tags = {k: v for k, v in queue["tags"].items() if k not in set(TagKeys or [])}
    db.update_queue(ctx.db, queue["id"], tags=tags)
    return {}


def list_queue_tags(ctx: Context, *, QueueUrl: str) -> dict[str, Any]:
    """The queue's tags."""
    queue = find_queue(ctx, QueueUrl, "ListQueueTags")
    return {"Tags": dict(queue["tags"])} if queue["tags"] else {}
