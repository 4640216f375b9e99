"""SQS: all 23 operations of the API, with real server-side encryption at rest.

Each public function named after an API operation takes the Context and the request members
as keyword arguments and returns the API-shaped response (services/__init__.py). Queues are
found by URL: `https://sqs.<region>.amazonaws.com/<account>/<name>`, and, for scripts written
against other endpoints, any URL whose path ends in `/<account>/<name>` (the legacy
`https://queue.amazonaws.com/...`, `http://localhost:4566/...`).

Time-based work happens lazily against the local clock when any SQS operation runs: retention
expiry of the queue at hand, and the progress of message move tasks. Receive reads the
(queue, visible_at) index and never scans a queue. Encryption is in services/sqs_sse.py, the
MD5 digests and message validation in services/sqs_md5.py.

Departures from AWS: queue policies are stored and edited (AddPermission, RemovePermission,
Policy) but not evaluated, since IAM is not modelled; a queue of another account is reachable
by its URL. ApproximateNumber* attributes are exact.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import AwsError
from awslocal_cli.errors import sqs as err
from awslocal_cli.services import sqs_md5 as md5
from awslocal_cli.services import sqs_sse as sse
from awslocal_cli.store import sqs as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

Row = dict[str, Any]

MAX_VISIBILITY = 43200  # 12 hours
DEDUP_WINDOW = 300  # FIFO deduplication interval, 5 minutes
DELETED_RECENTLY = 60
PURGE_INTERVAL = 60
MAX_BATCH = 10
MAX_BATCH_BYTES = 1048576
POLL_INTERVAL = 0.05  # real seconds between cheap checks while long polling

# Settable attributes: (min, max, default) for integers.
_INT_ATTRIBUTES: dict[str, tuple[int, int, int]] = {
    "DelaySeconds": (0, 900, 0),
    "MaximumMessageSize": (1024, 1048576, 1048576),
    "MessageRetentionPeriod": (60, 1209600, 345600),
    "ReceiveMessageWaitTimeSeconds": (0, 20, 0),
    "VisibilityTimeout": (0, MAX_VISIBILITY, 30),
    "KmsDataKeyReusePeriodSeconds": (60, 86400, 300),
}
_SETTABLE = (
    "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "Policy",
    "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "RedrivePolicy", "RedriveAllowPolicy",
    "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
)
_FIFO_SETTABLE = ("ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit")
_READ_ONLY = (
    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
    "QueueArn",
)
# The order GetQueueAttributes answers in.
_ORDER = (
    "QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
    "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod", "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds", "Policy", "RedrivePolicy", "RedriveAllowPolicy",
    "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled", "FifoQueue",
    "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
)
_SYSTEM_NAMES = (
    "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp",
    "SequenceNumber", "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)
_PERMISSION_ACTIONS = {
    "*", "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
    "GetQueueAttributes", "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue",
    "ListQueueTags", "ListMessageMoveTasks", "StartMessageMoveTask", "CancelMessageMoveTask",
}


# -- names, URLs, ARNs --------------------------------------------------------------------------


def queue_url(region: str, account: str, name: str) -> str:
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


def queue_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{account}:{name}"


def _url(queue: Row) -> str:
    return queue_url(queue["region"], queue["account"], queue["name"])


def parse_queue_url(ctx: Context, url: str) -> tuple[str, str, str]:
    """(region, account, name) named by a queue URL."""
    text = (url or "").strip()
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        raise err.InvalidAddress(f"The address {url} is not valid for this endpoint.")
    host, _, path = rest.partition("/")
    parts = [p for p in path.split("?")[0].split("/") if p]
    if len(parts) < 2 or not (len(parts[-2]) == 12 and parts[-2].isdigit()):
        raise err.InvalidAddress(f"The address {url} is not valid for this endpoint.")
    host = host.split(":")[0].lower()
    region = ctx.region
    labels = host.split(".")
    if host.endswith(".amazonaws.com"):
        if labels[0] == "sqs" and len(labels) >= 4:
            region = labels[1]
        elif len(labels) >= 4 and labels[1] == "queue":
            region = labels[0]
    return region, parts[-2], parts[-1]


def _arn_parts(arn: str) -> tuple[str, str, str] | None:
    parts = str(arn).split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs":
        return None
    return parts[3], parts[4], parts[5]


def _check_name(name: str, fifo: bool) -> None:
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


# -- lookups and housekeeping ---------------------------------------------------------------------


def _housekeeping(ctx: Context) -> None:
    """Advance running message move tasks to the local clock."""
    tasks = db.running_tasks(ctx.db)
    if tasks:
        now = ctx.time()
        for task in tasks:
            _advance_task(ctx, task, now)


def _queue(ctx: Context, url: str) -> Row:
    region, account, name = parse_queue_url(ctx, url)
    _housekeeping(ctx)
    queue = db.get_queue(ctx.db, account, region, name)
    if queue is None:
        raise err.QueueDoesNotExist("The specified queue does not exist.")
    return queue


def _qctx(ctx: Context, queue: Row) -> Context:
    """The caller seen in the queue's region (a URL may name another region)."""
    if queue["region"] == ctx.region:
        return ctx
    return ctx.derive(region=queue["region"])


def _is_true(value: Any) -> bool:
    return str(value).lower() == "true"


# -- attributes -------------------------------------------------------------------------------


def _invalid_value(name: str, reason: str | None = None) -> err.InvalidAttributeValue:
    text = f"Invalid value for the parameter {name}."
    if reason:
        text = f"Invalid value for the parameter {name}. Reason: {reason}"
    return err.InvalidAttributeValue(text)


def _json_object(name: str, value: str) -> dict[str, Any]:
    try:
        doc = json.loads(value)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        raise _invalid_value(name)
    return doc


def _check_redrive_policy(ctx: Context, value: str, queue_name: str, fifo: bool) -> str:
    try:
        doc = json.loads(value)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        raise err.invalid_parameter("RedrivePolicy", value,
                                    "Redrive policy is not a valid JSON map.")
    target = doc.get("deadLetterTargetArn")
    count = doc.get("maxReceiveCount")
    if target is None or count is None:
        raise err.invalid_parameter(
            "RedrivePolicy", value, "Redrive policy does not contain mandatory attribute: "
            + ("deadLetterTargetArn." if target is None else "maxReceiveCount."))
    try:
        n = int(str(count))
    except ValueError:
        n = 0
    if not 1 <= n <= 1000:
        raise err.invalid_parameter("RedrivePolicy", value,
                                    "Invalid value for maxReceiveCount: "
                                    f"{count}, valid values are from 1 to 1000 both inclusive.")
    dlq = db.get_queue_by_arn(ctx.db, str(target))
    if dlq is None:
        raise err.invalid_parameter("RedrivePolicy", value, "Dead-letter target does not exist.")
    if bool(dlq["fifo"]) != fifo:
        raise err.invalid_parameter(
            "RedrivePolicy", value,
            "Dead-letter queue must be same type of queue as the source.")
    source_arn = queue_arn(ctx.region, ctx.account, queue_name)
    allow = dlq["attributes"].get("RedriveAllowPolicy")
    if allow:
        rap = json.loads(allow)
        permission = rap.get("redrivePermission")
        if permission == "denyAll" or (
                permission == "byQueue" and source_arn not in rap.get("sourceQueueArns", [])):
            raise err.invalid_parameter(
                "RedrivePolicy", value,
                f"Queue {source_arn} is not allowed to use {target} as its dead-letter queue: "
                "the RedriveAllowPolicy of the dead-letter queue does not permit it.")
    return json.dumps({"deadLetterTargetArn": str(target), "maxReceiveCount": n},
                      separators=(",", ":"))


def _check_redrive_allow(value: str) -> str:
    try:
        doc = json.loads(value)
    except ValueError:
        doc = None
    reason = None
    if not isinstance(doc, dict):
        reason = "Redrive allow policy is not a valid JSON map."
    else:
        permission = doc.get("redrivePermission")
        arns = doc.get("sourceQueueArns")
        if permission not in ("allowAll", "denyAll", "byQueue"):
            reason = ("Invalid value for redrivePermission. Valid values are allowAll, "
                      "denyAll, byQueue.")
        elif permission == "byQueue":
            if not isinstance(arns, list) or not 1 <= len(arns) <= 10:
                reason = ("sourceQueueArns must be a list of 1 to 10 queue ARNs when "
                          "redrivePermission is byQueue.")
        elif arns:
            reason = "sourceQueueArns is only allowed when redrivePermission is byQueue."
    if reason:
        raise err.invalid_parameter("RedriveAllowPolicy", value, reason)
    return json.dumps(doc, separators=(",", ":"))


def _validate_attributes(ctx: Context, given: dict[str, Any], *, fifo: bool, name: str,
                         creating: bool) -> dict[str, str]:
    """Normalized values of settable attributes; AWS's errors for bad names and values."""
    out: dict[str, str] = {}
    for key, raw in given.items():
        value = "" if raw is None else str(raw)
        if key == "FifoQueue" and creating:
            if not _is_true(value) and value.lower() != "false":
                raise _invalid_value(key)
            if _is_true(value) != fifo:
                _check_name(name, True)
            continue
        if key not in _SETTABLE and not (fifo and key in _FIFO_SETTABLE):
            raise err.InvalidAttributeName(f"Unknown Attribute {key}.")
        if key in _INT_ATTRIBUTES:
            lo, hi, _ = _INT_ATTRIBUTES[key]
            if not (value.strip().lstrip("-").isdigit() and lo <= int(value) <= hi):
                raise _invalid_value(key)
            out[key] = str(int(value))
        elif key in ("SqsManagedSseEnabled", "ContentBasedDeduplication"):
            if value.lower() not in ("true", "false"):
                raise _invalid_value(key)
            out[key] = value.lower()
        elif key == "DeduplicationScope":
            if value not in ("messageGroup", "queue"):
                raise _invalid_value(key)
            out[key] = value
        elif key == "FifoThroughputLimit":
            if value not in ("perQueue", "perMessageGroupId"):
                raise _invalid_value(key)
            out[key] = value
        elif key == "Policy":
            if value:
                _json_object(key, value)
            out[key] = value
        elif key == "RedrivePolicy":
            out[key] = _check_redrive_policy(ctx, value, name, fifo) if value else ""
        elif key == "RedriveAllowPolicy":
            out[key] = _check_redrive_allow(value) if value else ""
        elif key == "KmsMasterKeyId":
            out[key] = value.strip()
    if out.get("KmsMasterKeyId") and out.get("SqsManagedSseEnabled") == "true":
        raise _invalid_value(
            "SqsManagedSseEnabled",
            "You can use one type of server-side encryption (SSE) at one time. You can either "
            "enable KMS SSE or SQS SSE.")
    return out


def _apply(current: dict[str, str], changes: dict[str, str], fifo: bool) -> dict[str, str]:
    """The stored attributes after `changes` (empty strings remove optional attributes)."""
    attrs = dict(current)
    for key, value in changes.items():
        if value == "" and key in ("Policy", "RedrivePolicy", "RedriveAllowPolicy",
                                   "KmsMasterKeyId"):
            attrs.pop(key, None)
        else:
            attrs[key] = value
    if changes.get("KmsMasterKeyId"):
        attrs["SqsManagedSseEnabled"] = "false"
        attrs.setdefault("KmsDataKeyReusePeriodSeconds", "300")
    elif changes.get("SqsManagedSseEnabled") == "true":
        attrs.pop("KmsMasterKeyId", None)
    if not attrs.get("KmsMasterKeyId"):
        attrs.pop("KmsDataKeyReusePeriodSeconds", None)
    if fifo and attrs.get("FifoThroughputLimit") == "perMessageGroupId" and \
            attrs.get("DeduplicationScope") != "messageGroup":
        raise _invalid_value(
            "FifoThroughputLimit",
            "The perMessageGroupId value is allowed only when the value for "
            "DeduplicationScope is messageGroup.")
    return attrs


def _defaults(fifo: bool) -> dict[str, str]:
    attrs = {k: str(v[2]) for k, v in _INT_ATTRIBUTES.items()
             if k != "KmsDataKeyReusePeriodSeconds"}
    attrs["SqsManagedSseEnabled"] = "true"
    if fifo:
        attrs.update(ContentBasedDeduplication="false", DeduplicationScope="queue",
                     FifoThroughputLimit="perQueue")
    return attrs


def _all_attributes(ctx: Context, queue: Row) -> dict[str, str]:
    now = ctx.time()
    db.expire(ctx.db, queue["id"], now)
    visible, inflight, delayed = db.counts(ctx.db, queue["id"], now)
    attrs = queue["attributes"]
    out: dict[str, str] = {
        "QueueArn": queue["arn"],
        "ApproximateNumberOfMessages": str(visible),
        "ApproximateNumberOfMessagesNotVisible": str(inflight),
        "ApproximateNumberOfMessagesDelayed": str(delayed),
        "CreatedTimestamp": str(int(queue["created"])),
        "LastModifiedTimestamp": str(int(queue["modified"])),
    }
    if queue["fifo"]:
        out["FifoQueue"] = "true"
    for key in _ORDER:
        if key in attrs and key not in out:
            out[key] = attrs[key]
    return {k: out[k] for k in _ORDER if k in out}


# -- queues -----------------------------------------------------------------------------------


def _check_tags(tags: dict[str, str], existing: int = 0) -> None:
    if len(tags) + existing > 50:
        raise err.InvalidParameterValue("Too many tags added for queue. A queue can have up "
                                        "to 50 tags.")
    for k, v in tags.items():
        if not 1 <= len(k) <= 128 or len(str(v)) > 256 or k.lower().startswith("aws:"):
            raise err.InvalidParameterValue(f"Tag key or value is invalid: {k}.")


def create_queue(ctx: Context, *, QueueName: str, Attributes: dict[str, str] | None = None,
                 tags: dict[str, str] | None = None) -> dict[str, Any]:
    """Create a queue (SSE-SQS on by default); idempotent for identical attributes."""
    given = dict(Attributes or {})
    fifo = _is_true(given.get("FifoQueue", "false"))
    _check_name(QueueName, fifo)
    if QueueName.endswith(".fifo") and not fifo:
        _check_name(QueueName[:-5] + "!", False)
    changes = _validate_attributes(ctx, given, fifo=fifo, name=QueueName, creating=True)
    if "KmsMasterKeyId" in changes and not changes["KmsMasterKeyId"]:
        changes.pop("KmsMasterKeyId")
    attrs = _apply(_defaults(fifo), changes, fifo)
    if given.get("SqsManagedSseEnabled", "").lower() == "false" and \
            not changes.get("KmsMasterKeyId"):
        attrs["SqsManagedSseEnabled"] = "false"
    _check_tags(dict(tags or {}))
    _housekeeping(ctx)
    existing = db.get_queue(ctx.db, ctx.account, ctx.region, QueueName)
    if existing is not None:
        for key in sorted(set(attrs) | set(existing["attributes"])):
            if attrs.get(key) != existing["attributes"].get(key):
                raise err.QueueNameExists(
                    "A queue already exists with the same name and a different value for "
                    f"attribute {key}")
        return {"QueueUrl": _url(existing)}
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
    _housekeeping(ctx)
    queue = db.get_queue(ctx.db, QueueOwnerAWSAccountId or ctx.account, ctx.region, QueueName)
    if queue is None:
        raise err.QueueDoesNotExist("The specified queue does not exist.")
    return {"QueueUrl": _url(queue)}


def _encode_token(value: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": value}).encode()).decode()


def _decode_token(token: str) -> str:
    try:
        return str(json.loads(base64.urlsafe_b64decode(token.encode()))["after"])
    except (ValueError, KeyError, TypeError):
        raise err.InvalidParameterValue("Invalid NextToken value.") from None


def _page(urls: list[tuple[str, str]], next_token: str | None,
          max_results: int | None) -> tuple[list[str], str | None]:
    if max_results is not None and not 1 <= max_results <= 1000:
        raise err.invalid_parameter("MaxResults", max_results,
                                    "MaxResults must be an integer between 1 and 1000.")
    if next_token:
        after = _decode_token(next_token)
        urls = [u for u in urls if u[0] > after]
    limit = max_results or 1000
    page = urls[:limit]
    token = None
    if max_results is not None and len(urls) > limit:
        token = _encode_token(page[-1][0])
    return [u for _, u in page], token


def list_queues(ctx: Context, *, QueueNamePrefix: str | None = None,
                NextToken: str | None = None, MaxResults: int | None = None) -> dict[str, Any]:
    """Queue URLs of the account and region, by name prefix, paginated."""
    _housekeeping(ctx)
    rows = db.list_queues(ctx.db, ctx.account, ctx.region, QueueNamePrefix or "")
    urls, token = _page([(r["name"], _url(r)) for r in rows], NextToken, MaxResults)
    out: dict[str, Any] = {}
    if urls:
        out["QueueUrls"] = urls
    if token:
        out["NextToken"] = token
    return out


def get_queue_attributes(ctx: Context, *, QueueUrl: str,
                         AttributeNames: list[str] | None = None) -> dict[str, Any]:
    """The requested attributes (`All` for every one the queue has)."""
    queue = _queue(ctx, QueueUrl)
    names = list(AttributeNames or [])
    known = set(_ORDER) | {"All"}
    for name in names:
        if name not in known:
            raise err.InvalidAttributeName(f"Unknown Attribute {name}.")
    if not names:
        return {}
    attrs = _all_attributes(ctx, queue)
    if "All" not in names:
        attrs = {k: v for k, v in attrs.items() if k in names}
    return {"Attributes": attrs} if attrs else {}


def set_queue_attributes(ctx: Context, *, QueueUrl: str,
                         Attributes: dict[str, str]) -> dict[str, Any]:
    """Change settable attributes; SSE changes affect only messages sent afterwards."""
    queue = _queue(ctx, QueueUrl)
    qctx = _qctx(ctx, queue)
    for key in Attributes or {}:
        if key == "FifoQueue" or key in _READ_ONLY:
            raise err.InvalidAttributeName(f"Unknown Attribute {key}.")
    changes = _validate_attributes(qctx.derive(account=queue["account"]), dict(Attributes or {}),
                                   fifo=bool(queue["fifo"]), name=queue["name"], creating=False)
    attrs = _apply(queue["attributes"], changes, bool(queue["fifo"]))
    db.update_queue(ctx.db, queue["id"], attributes=attrs, modified=ctx.time())
    return {}


def delete_queue(ctx: Context, *, QueueUrl: str) -> dict[str, Any]:
    """Delete a queue and its messages; its name is reusable after 60 seconds."""
    queue = _queue(ctx, QueueUrl)
    db.delete_queue(ctx.db, queue, ctx.time())
    return {}


def purge_queue(ctx: Context, *, QueueUrl: str) -> dict[str, Any]:
    """Delete every message; once per 60 seconds."""
    queue = _queue(ctx, QueueUrl)
    now = ctx.time()
    if queue["last_purge"] is not None and now - queue["last_purge"] < PURGE_INTERVAL:
        raise err.PurgeQueueInProgress(
            f"Only one PurgeQueue operation on {queue['name']} is allowed every 60 seconds.")
    db.purge(ctx.db, queue["id"])
    db.update_queue(ctx.db, queue["id"], last_purge=now)
    return {}


def tag_queue(ctx: Context, *, QueueUrl: str, Tags: dict[str, str]) -> dict[str, Any]:
    """Add or overwrite tags (at most 50 per queue)."""
    queue = _queue(ctx, QueueUrl)
    tags = dict(queue["tags"])
    new = {str(k): str(v) for k, v in (Tags or {}).items()}
    _check_tags(new, len(set(tags) - set(new)))
    tags.update(new)
    db.update_queue(ctx.db, queue["id"], tags=tags)
    return {}


def untag_queue(ctx: Context, *, QueueUrl: str, TagKeys: list[str]) -> dict[str, Any]:
    """Remove tags by key (absent keys are ignored)."""
    queue = _queue(ctx, QueueUrl)
    tags = {k: v for k, v in queue["tags"].items() if k not in set(TagKeys or [])}
    db.update_queue(ctx.db, queue["id"], tags=tags)
    return {}


def list_queue_tags(ctx: Context, *, QueueUrl: str) -> dict[str, Any]:
    """The queue's tags."""
    queue = _queue(ctx, QueueUrl)
    return {"Tags": dict(queue["tags"])} if queue["tags"] else {}


def add_permission(ctx: Context, *, QueueUrl: str, Label: str, AWSAccountIds: list[str],
                   Actions: list[str]) -> dict[str, Any]:
    """Add a statement named Label to the queue's Policy."""
    queue = _queue(ctx, QueueUrl)
    if not Label or len(Label) > 80 or not all(c.isascii() and (c.isalnum() or c in "-_")
                                               for c in Label):
        raise err.invalid_parameter("Label", Label, "Can only include alphanumeric characters, "
                                    "hyphens, or underscores. 1 to 80 in length")
    if not AWSAccountIds:
        raise err.MissingParameter("The request must contain the parameter AWSAccountIds.")
    if not Actions:
        raise err.MissingParameter("The request must contain the parameter Actions.")
    for action in Actions:
        if action not in _PERMISSION_ACTIONS:
            raise err.invalid_parameter("Actions", action,
                                        f"Action {action} is not valid for this queue type.")
    policy = json.loads(queue["attributes"].get("Policy") or "null") or {
        "Version": "2012-10-17", "Id": f"{queue['arn']}/SQSDefaultPolicy", "Statement": []}
    statements = policy.setdefault("Statement", [])
    if isinstance(statements, dict):
        statements = policy["Statement"] = [statements]
    if any(s.get("Sid") == Label for s in statements):
        raise err.invalid_parameter("Label", Label, "Already exists.")
    principals = [f"arn:aws:iam::{a}:root" for a in AWSAccountIds]
    actions = [f"SQS:{a}" for a in Actions]
    statements.append({
        "Sid": Label, "Effect": "Allow",
        "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
        "Action": actions[0] if len(actions) == 1 else actions, "Resource": queue["arn"],
    })
    attrs = dict(queue["attributes"], Policy=json.dumps(policy, separators=(",", ":")))
    db.update_queue(ctx.db, queue["id"], attributes=attrs, modified=ctx.time())
    return {}


def remove_permission(ctx: Context, *, QueueUrl: str, Label: str) -> dict[str, Any]:
    """Remove the Policy statement named Label."""
    queue = _queue(ctx, QueueUrl)
    policy = json.loads(queue["attributes"].get("Policy") or "null") or {}
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    kept = [s for s in statements if s.get("Sid") != Label]
    if len(kept) == len(statements):
        raise err.invalid_parameter("Label", Label, "can't find label on existing policy.")
    attrs = dict(queue["attributes"])
    if kept:
        policy["Statement"] = kept
        attrs["Policy"] = json.dumps(policy, separators=(",", ":"))
    else:
        attrs.pop("Policy", None)
    db.update_queue(ctx.db, queue["id"], attributes=attrs, modified=ctx.time())
    return {}


def list_dead_letter_source_queues(ctx: Context, *, QueueUrl: str, NextToken: str | None = None,
                                   MaxResults: int | None = None) -> dict[str, Any]:
    """Queues whose RedrivePolicy names this queue as dead-letter target."""
    queue = _queue(ctx, QueueUrl)
    found = []
    for row in db.list_queues(ctx.db, queue["account"], queue["region"]):
        policy = row["attributes"].get("RedrivePolicy")
        if policy and json.loads(policy).get("deadLetterTargetArn") == queue["arn"]:
            found.append((row["name"], _url(row)))
    urls, token = _page(found, NextToken, MaxResults)
    out: dict[str, Any] = {"queueUrls": urls}
    if token:
        out["NextToken"] = token
    return out


# -- sending ----------------------------------------------------------------------------------


def _sender_id(ctx: Context) -> str:
    from awslocal_cli.services import sts

    return str(sts.get_caller_identity(ctx)["UserId"])


def _next_sequence(queue: Row, now: float) -> str:
    last = int(queue["last_sequence"])
    value = max(last + 1, int(now * 1000) << 40)
    queue["last_sequence"] = str(value)
    return str(value).rjust(20, "0")


def _send_one(ctx: Context, queue: Row, entry: dict[str, Any], sender: str) -> dict[str, Any]:
    """Validate, encrypt and store one message; the SendMessage result members."""
    attrs = queue["attributes"]
    fifo = bool(queue["fifo"])
    body = entry.get("MessageBody")
    if body is None or body == "":
        raise err.MissingParameter("The request must contain the parameter MessageBody.")
    body = str(body)
    if not md5.valid_chars(body):
        raise err.InvalidMessageContents(md5.INVALID_CHARS)
    user = md5.check_attributes(entry.get("MessageAttributes"), kind="user")
    system = md5.check_attributes(entry.get("MessageSystemAttributes"), kind="system")
    size = len(body.encode("utf-8")) + md5.attributes_size(user)
    limit = int(attrs["MaximumMessageSize"])
    if size > limit:
        raise err.InvalidParameterValue(
            f"One or more parameters are invalid. Reason: Message must be shorter than {limit} "
            "bytes.")
    delay = entry.get("DelaySeconds")
    if delay is not None:
        if fifo:
            raise err.invalid_parameter(
                "DelaySeconds", delay,
                "The request include parameter that is not valid for this queue type.")
        if not 0 <= int(delay) <= 900:
            raise err.invalid_parameter("DelaySeconds", delay,
                                        "DelaySeconds must be >= 0 and <= 900.")
    else:
        delay = int(attrs["DelaySeconds"])
    group = entry.get("MessageGroupId")
    dedup = entry.get("MessageDeduplicationId")
    for pname, pvalue in (("MessageGroupId", group), ("MessageDeduplicationId", dedup)):
        if pvalue is not None and not (
                0 < len(pvalue) <= 128 and all(33 <= ord(c) <= 126 for c in pvalue)):
            raise err.invalid_parameter(pname, pvalue, f"{pname} can only include alphanumeric "
                                        "and punctuation characters. 1 to 128 in length.")
    now = ctx.time()
    sequence = None
    if fifo:
        if group is None:
            raise err.MissingParameter("The request must contain the parameter MessageGroupId.")
        if dedup is None:
            if attrs.get("ContentBasedDeduplication") != "true":
                raise err.InvalidParameterValue(
                    "The queue should either have ContentBasedDeduplication enabled or "
                    "MessageDeduplicationId provided explicitly")
            import hashlib

            dedup = hashlib.sha256(body.encode("utf-8")).hexdigest()
        scope = f"{group}\x00{dedup}" if attrs.get("DeduplicationScope") == "messageGroup" \
            else dedup
        seen = db.dedup_lookup(ctx.db, queue["id"], scope, now)
        result: dict[str, Any] = {"MD5OfMessageBody": md5.md5_of_body(body)}
        if user:
            result["MD5OfMessageAttributes"] = md5.md5_of_attributes(user)
        if system:
            result["MD5OfMessageSystemAttributes"] = md5.md5_of_attributes(system)
        if seen is not None:
            # Accepted, not delivered again (the 5-minute deduplication interval).
            result["MessageId"] = seen["message_id"]
            if seen["sequence_number"]:
                result["SequenceNumber"] = seen["sequence_number"]
            return result
        sequence = _next_sequence(queue, now)
    elif dedup is not None:
        raise err.invalid_parameter(
            "MessageDeduplicationId", dedup,
            "The request includes a parameter that is not valid for this queue type.")
    message_id = str(uuid.uuid4())
    stored, kind, key_id = sse.seal_body(_qctx(ctx, queue), queue, body, message_id)
    row = {
        "account": queue["account"], "region": queue["region"], "queue_id": queue["id"],
        "message_id": message_id, "body": stored, "encryption": kind, "data_key_id": key_id,
        "origin_arn": queue["arn"], "md5_body": md5.md5_of_body(body),
        "attributes": _dump_attributes(user) if user else None,
        "md5_attributes": md5.md5_of_attributes(user) if user else None,
        "system_attributes": _dump_attributes(system) if system else None,
        "md5_system": md5.md5_of_attributes(system) if system else None,
        "size": size, "sent_at": now, "visible_at": now + int(delay),
        "expires_at": now + int(attrs["MessageRetentionPeriod"]), "receive_count": 0,
        "group_id": group, "dedup_id": dedup, "sequence_number": sequence, "sender_id": sender,
    }
    db.insert_message(ctx.db, row)
    if fifo:
        db.dedup_insert(ctx.db, queue["account"], queue["region"], queue["id"], scope,
                        message_id, sequence, now + DEDUP_WINDOW)
        db.update_queue(ctx.db, queue["id"], last_sequence=queue["last_sequence"])
    out: dict[str, Any] = {"MD5OfMessageBody": row["md5_body"]}
    if user:
        out["MD5OfMessageAttributes"] = row["md5_attributes"]
    if system:
        out["MD5OfMessageSystemAttributes"] = row["md5_system"]
    out["MessageId"] = message_id
    if sequence:
        out["SequenceNumber"] = sequence
    return out


def _dump_attributes(attributes: dict[str, dict[str, Any]]) -> str:
    out = {}
    for name, value in attributes.items():
        v = dict(value)
        if "BinaryValue" in v:
            v["BinaryValue"] = base64.b64encode(v["BinaryValue"]).decode()
        out[name] = v
    return json.dumps(out)


def _load_attributes(text: str | None) -> dict[str, dict[str, Any]]:
    if not text:
        return {}
    out = json.loads(text)
    for value in out.values():
        if "BinaryValue" in value:
            value["BinaryValue"] = base64.b64decode(value["BinaryValue"])
    return dict(out)


def send_message(ctx: Context, *, QueueUrl: str, MessageBody: str,
                 DelaySeconds: int | None = None,
                 MessageAttributes: dict[str, Any] | None = None,
                 MessageSystemAttributes: dict[str, Any] | None = None,
                 MessageDeduplicationId: str | None = None,
                 MessageGroupId: str | None = None) -> dict[str, Any]:
    """Send a message; its body is encrypted at rest when the queue has SSE."""
    queue = _queue(ctx, QueueUrl)
    entry = {"MessageBody": MessageBody, "DelaySeconds": DelaySeconds,
             "MessageAttributes": MessageAttributes,
             "MessageSystemAttributes": MessageSystemAttributes,
             "MessageDeduplicationId": MessageDeduplicationId, "MessageGroupId": MessageGroupId}
    return _send_one(ctx, queue, entry, _sender_id(ctx))


def _check_batch(entries: list[dict[str, Any]] | None, entry_shape: str) -> list[dict[str, Any]]:
    entries = list(entries or [])
    if not entries:
        raise err.EmptyBatchRequest(
            f"There should be at least one {entry_shape} in the request.")
    if len(entries) > MAX_BATCH:
        raise err.TooManyEntriesInBatchRequest(
            f"Maximum number of entries per request are {MAX_BATCH}. You have sent "
            f"{len(entries)}.")
    seen: set[str] = set()
    for entry in entries:
        ident = str(entry.get("Id", ""))
        if not (0 < len(ident) <= 80 and all(c.isascii() and (c.isalnum() or c in "-_")
                                             for c in ident)):
            raise err.InvalidBatchEntryId(
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                "underscores. It can be at most 80 letters long.")
        if ident in seen:
            raise err.BatchEntryIdsNotDistinct(f"Id {ident} repeated.")
        seen.add(ident)
    return entries


def _failure(ident: str, exc: AwsError) -> dict[str, Any]:
    return {"Id": ident, "SenderFault": bool(exc.sender_fault), "Code": exc.code,
            "Message": exc.message}


def _entry_savepoint(ctx: Context, fn: Any, *args: Any) -> Any:
    """Run one batch entry so that a failing entry leaves no trace."""
    conn = ctx.db
    conn.execute("SAVEPOINT sqs_entry")
    try:
        result = fn(*args)
    except AwsError:
        conn.execute("ROLLBACK TO sqs_entry")
        conn.execute("RELEASE sqs_entry")
        raise
    conn.execute("RELEASE sqs_entry")
    return result


def deliver(ctx: Context, queue_arn: str, entry: dict[str, Any], sender: str) -> dict[str, Any]:
    """Put a message in a queue for another service (SNS) acting as `ctx.principal`.

    As in AWS, the queue policy must allow the service principal sqs:SendMessage with the
    caller's aws:SourceArn and aws:SourceAccount (a queue without a policy refuses every
    service); a queue encrypted with a KMS key needs that key's policy to let the service use
    it, which the SendMessage path checks. `entry` holds SendMessage members. Raises
    QueueDoesNotExist, AccessDenied or SendMessage's errors; a failure leaves no trace.
    """
    from awslocal_cli import policy

    queue = db.get_queue_by_arn(ctx.db, queue_arn)
    if queue is None:
        raise err.QueueDoesNotExist("The specified queue does not exist.")
    doc = queue["attributes"].get("Policy")
    context = {"aws:SourceArn": ctx.source_arn or "",
               "aws:SourceAccount": ctx.source_account or ctx.account}
    if not doc or policy.evaluate(doc, principal=ctx.principal, action="sqs:SendMessage",
                                  resource=queue["arn"], context=context,
                                  account=queue["account"]) != "Allow":
        raise err.AccessDenied(
            f"The queue policy of {queue['arn']} does not allow {ctx.principal} to perform "
            f"sqs:SendMessage with aws:SourceArn {ctx.source_arn}.")
    if queue["region"] != ctx.region:
        ctx = ctx.derive(region=queue["region"])
    return _entry_savepoint(ctx, _send_one, ctx, queue, entry, sender)


def send_message_batch(ctx: Context, *, QueueUrl: str,
                       Entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Send up to 10 messages; each entry succeeds or fails on its own."""
    queue = _queue(ctx, QueueUrl)
    entries = _check_batch(Entries, "SendMessageBatchRequestEntry")
    total = sum(len(str(e.get("MessageBody") or "").encode("utf-8"))
                + md5.attributes_size(e.get("MessageAttributes")) for e in entries)
    if total > MAX_BATCH_BYTES:
        raise err.BatchRequestTooLong(
            f"Batch requests cannot be longer than {MAX_BATCH_BYTES} bytes. You have sent "
            f"{total} bytes.")
    sender = _sender_id(ctx)
    ok: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            result = _entry_savepoint(ctx, _send_one, ctx, queue, entry, sender)
        except AwsError as exc:
            failed.append(_failure(entry["Id"], exc))
            continue
        ok.append({"Id": entry["Id"], **result})
    return {"Successful": ok, "Failed": failed}


# -- receiving --------------------------------------------------------------------------------


def _handle(queue_id: int, row_id: int, token: str) -> str:
    raw = f"{queue_id}:{row_id}:{token}".encode()
    return base64.b64encode(b"AQEB" + raw).decode()


def _parse_handle(handle: str) -> tuple[int, int, str]:
    invalid = err.ReceiptHandleIsInvalid(
        f'The input receipt handle "{handle}" is not a valid receipt handle.')
    try:
        raw = base64.b64decode(str(handle).encode(), validate=True)
        if not raw.startswith(b"AQEB"):
            raise ValueError
        q, r, token = raw[4:].decode().split(":")
        return int(q), int(r), token
    except (ValueError, UnicodeDecodeError):
        raise invalid from None


def _system_names(attribute_names: list[str] | None,
                  system_names: list[str] | None) -> set[str]:
    names = set(attribute_names or []) | set(system_names or [])
    if "All" in names:
        return set(_SYSTEM_NAMES)
    return {n for n in names if n in _SYSTEM_NAMES}


def _select_attributes(attrs: dict[str, dict[str, Any]],
                       names: list[str] | None) -> dict[str, dict[str, Any]]:
    if not names or not attrs:
        return {}
    if "All" in names or ".*" in names:
        return attrs
    out = {}
    for name, value in attrs.items():
        for pattern in names:
            if pattern == name or (pattern.endswith(".*") and name.startswith(pattern[:-1])):
                out[name] = value
                break
    return out


def _dlq_move(ctx: Context, queue: Row, message: Row, now: float) -> bool:
    """Move a message past maxReceiveCount to the dead-letter queue; True if moved."""
    policy = queue["attributes"].get("RedrivePolicy")
    if not policy:
        return False
    doc = json.loads(policy)
    if message["receive_count"] < int(doc["maxReceiveCount"]):
        return False
    dlq = db.get_queue_by_arn(ctx.db, doc["deadLetterTargetArn"])
    if dlq is None:
        return False
    # The message keeps its body exactly as stored (encryption included) and its original
    # enqueue time, so the DLQ's retention counts from the original send (AWS docs).
    db.update_message(ctx.db, message["id"], queue_id=dlq["id"], visible_at=now,
                      dlq_source_arn=queue["arn"], receipt=None,
                      expires_at=message["sent_at"]
                      + int(dlq["attributes"]["MessageRetentionPeriod"]))
    return True


def _candidates(ctx: Context, queue: Row, now: float, limit: int) -> list[Row]:
    if not queue["fifo"]:
        return db.visible(ctx.db, queue["id"], now, limit)
    out: list[Row] = []
    for head in db.group_heads(ctx.db, queue["id"]):
        if len(out) >= limit:
            break
        msgs = db.group_messages(ctx.db, queue["id"], head["group_id"], limit - len(out))
        if not msgs or msgs[0]["visible_at"] > now:
            continue  # the group is blocked while a message of it is in flight
        for m in msgs:
            if m["visible_at"] > now:
                break
            out.append(m)
        # One group per receive keeps strict order simple (AWS may return several groups).
        if out:
            break
    return out


def _render(ctx: Context, queue: Row, message: Row, handle: str, body: str,
            system: set[str], attribute_names: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"MessageId": message["message_id"], "ReceiptHandle": handle,
                           "MD5OfBody": message["md5_body"], "Body": body}
    if system:
        values = {
            "SenderId": message["sender_id"],
            "SentTimestamp": str(int(message["sent_at"] * 1000)),
            "ApproximateReceiveCount": str(message["receive_count"]),
            "ApproximateFirstReceiveTimestamp": str(int((message["first_receive_at"] or 0)
                                                        * 1000)),
            "SequenceNumber": message["sequence_number"],
            "MessageDeduplicationId": message["dedup_id"] if queue["fifo"] else None,
            "MessageGroupId": message["group_id"],
            "DeadLetterQueueSourceArn": message["dlq_source_arn"],
        }
        trace = _load_attributes(message["system_attributes"]).get("AWSTraceHeader")
        if trace:
            values["AWSTraceHeader"] = trace["StringValue"]
        attrs = {k: str(values[k]) for k in _SYSTEM_NAMES if k in system and values.get(k)}
        if attrs:
            out["Attributes"] = attrs
    selected = _select_attributes(_load_attributes(message["attributes"]), attribute_names)
    if selected:
        out["MD5OfMessageAttributes"] = md5.md5_of_attributes(selected)
        out["MessageAttributes"] = selected
    return out


def _receive_once(ctx: Context, queue: Row, limit: int, visibility: int, system: set[str],
                  attribute_names: list[str] | None) -> list[dict[str, Any]]:
    now = ctx.time()
    db.expire(ctx.db, queue["id"], now)
    qctx = _qctx(ctx, queue)
    keys: dict[int, bytes] = {}
    out: list[dict[str, Any]] = []
    for _ in range(3):  # DLQ moves free up room; look again a few times
        candidates = _candidates(ctx, queue, now, limit - len(out))
        if not candidates:
            break
        moved = False
        for message in candidates:
            if _dlq_move(ctx, queue, message, now):
                moved = True
                continue
            body = sse.open_body(qctx, message, keys)
            token = uuid.uuid4().hex
            message["receive_count"] += 1
            message["first_receive_at"] = message["first_receive_at"] or now
            db.update_message(ctx.db, message["id"], receive_count=message["receive_count"],
                              first_receive_at=message["first_receive_at"], received_at=now,
                              receipt=token, visible_at=now + visibility)
            out.append(_render(ctx, queue, message, _handle(queue["id"], message["id"], token),
                               body, system, attribute_names))
        if not moved or len(out) >= limit:
            break
    return out


def receive_message(ctx: Context, *, QueueUrl: str, AttributeNames: list[str] | None = None,
                    MessageSystemAttributeNames: list[str] | None = None,
                    MessageAttributeNames: list[str] | None = None,
                    MaxNumberOfMessages: int | None = None, VisibilityTimeout: int | None = None,
                    WaitTimeSeconds: int | None = None,
                    ReceiveRequestAttemptId: str | None = None) -> dict[str, Any]:
    """Receive up to 10 messages, long polling up to WaitTimeSeconds (real time).

    While waiting, the transaction is committed (nothing is received yet), so other processes
    can send; a cheap `PRAGMA data_version` check every 50 ms notices their commits.
    """
    queue = _queue(ctx, QueueUrl)
    limit = 1 if MaxNumberOfMessages is None else int(MaxNumberOfMessages)
    if not 1 <= limit <= 10:
        raise err.invalid_parameter("MaxNumberOfMessages", MaxNumberOfMessages,
                                    "Must be between 1 and 10, if provided.")
    if VisibilityTimeout is not None and not 0 <= int(VisibilityTimeout) <= MAX_VISIBILITY:
        raise err.invalid_parameter("VisibilityTimeout", VisibilityTimeout,
                                    "Must be between 0 and 43200, if provided.")
    if WaitTimeSeconds is not None and not 0 <= int(WaitTimeSeconds) <= 20:
        raise err.invalid_parameter("WaitTimeSeconds", WaitTimeSeconds,
                                    "Must be >= 0 and <= 20, if provided.")
    for name in (AttributeNames or []) + (MessageSystemAttributeNames or []):
        if name not in _SYSTEM_NAMES and name != "All" and name not in _ORDER:
            raise err.InvalidAttributeName(f"Unknown Attribute {name}.")
    if ReceiveRequestAttemptId is not None and not queue["fifo"]:
        ReceiveRequestAttemptId = None  # ignored by standard queues, as in AWS
    system = _system_names(AttributeNames, MessageSystemAttributeNames)
    wait = int(queue["attributes"]["ReceiveMessageWaitTimeSeconds"]) \
        if WaitTimeSeconds is None else int(WaitTimeSeconds)
    if ReceiveRequestAttemptId is not None:
        replay = _replay_attempt(ctx, queue, ReceiveRequestAttemptId, system,
                                 MessageAttributeNames)
        if replay is not None:
            return {"Messages": replay} if replay else {}
    deadline = time.monotonic() + wait
    while True:
        visibility = int(queue["attributes"]["VisibilityTimeout"]) \
            if VisibilityTimeout is None else int(VisibilityTimeout)
        messages = _receive_once(ctx, queue, limit, visibility, system, MessageAttributeNames)
        if messages or time.monotonic() >= deadline:
            break
        _wait_for_change(ctx, queue, deadline)
        queue = _queue(ctx, QueueUrl)
    if ReceiveRequestAttemptId is not None and messages:
        pairs = []
        for m in messages:
            _, row_id, token = _parse_handle(m["ReceiptHandle"])
            pairs.append([row_id, token])
        db.attempt_insert(ctx.db, queue["account"], queue["region"], queue["id"],
                          ReceiveRequestAttemptId, pairs, ctx.time() + DEDUP_WINDOW)
    return {"Messages": messages} if messages else {}


def _replay_attempt(ctx: Context, queue: Row, attempt_id: str, system: set[str],
                    attribute_names: list[str] | None) -> list[dict[str, Any]] | None:
    """The messages of an earlier receive with this ReceiveRequestAttemptId, still in flight."""
    pairs = db.attempt_lookup(ctx.db, queue["id"], attempt_id, ctx.time())
    if pairs is None:
        return None
    out = []
    keys: dict[int, bytes] = {}
    for row_id, token in pairs:
        m = db.get_message(ctx.db, int(row_id))
        if m is None or m["receipt"] != token or m["queue_id"] != queue["id"]:
            continue
        body = sse.open_body(_qctx(ctx, queue), m, keys)
        out.append(_render(ctx, queue, m, _handle(queue["id"], m["id"], token), body, system,
                           attribute_names))
    return out


def _wait_for_change(ctx: Context, queue: Row, deadline: float) -> None:
    """Commit, then sleep until another process commits, a message is due, or the deadline."""
    conn = ctx.db
    due = db.next_visible_at(conn, queue["id"])
    now = ctx.time()
    ctx.session.checkpoint()
    wake = deadline if due is None else min(deadline, time.monotonic() + max(0.0, due - now))
    version = conn.execute("PRAGMA data_version").fetchone()[0]
    while True:
        left = wake - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(POLL_INTERVAL, left))
        if conn.execute("PRAGMA data_version").fetchone()[0] != version:
            return


# -- deleting and visibility ------------------------------------------------------------------


def _message_for_handle(ctx: Context, queue: Row, handle: str) -> tuple[Row | None, str]:
    queue_id, row_id, token = _parse_handle(handle)
    if queue_id != queue["id"]:
        raise err.ReceiptHandleIsInvalid(
            f'The input receipt handle "{handle}" is not a valid receipt handle.')
    return db.get_message(ctx.db, row_id), token


def _delete_one(ctx: Context, queue: Row, handle: str) -> None:
    message, token = _message_for_handle(ctx, queue, handle)
    if message is None or message["queue_id"] != queue["id"]:
        return  # already deleted: succeeds, as in AWS
    if message["receipt"] != token:
        if queue["fifo"]:
            raise err.ReceiptHandleIsInvalid("The receipt handle has expired.")
        return  # a stale handle: the request succeeds, the message stays (AWS docs)
    db.delete_message(ctx.db, message["id"])


def delete_message(ctx: Context, *, QueueUrl: str, ReceiptHandle: str) -> dict[str, Any]:
    """Delete the message last received with this receipt handle."""
    queue = _queue(ctx, QueueUrl)
    _delete_one(ctx, queue, ReceiptHandle)
    return {}


def delete_message_batch(ctx: Context, *, QueueUrl: str,
                         Entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Delete up to 10 messages; per-entry results."""
    queue = _queue(ctx, QueueUrl)
    entries = _check_batch(Entries, "DeleteMessageBatchRequestEntry")
    ok, failed = [], []
    for entry in entries:
        try:
            _entry_savepoint(ctx, _delete_one, ctx, queue, entry.get("ReceiptHandle", ""))
        except AwsError as exc:
            failed.append(_failure(entry["Id"], exc))
            continue
        ok.append({"Id": entry["Id"]})
    return {"Successful": ok, "Failed": failed}


def _change_one(ctx: Context, queue: Row, handle: str, timeout: Any) -> None:
    if timeout is None or not 0 <= int(timeout) <= MAX_VISIBILITY:
        raise err.invalid_parameter("VisibilityTimeout", timeout,
                                    "Must be between 0 and 43200, if provided.")
    message, token = _message_for_handle(ctx, queue, handle)
    now = ctx.time()
    if message is None or message["queue_id"] != queue["id"] or message["receipt"] != token \
            or message["visible_at"] <= now:
        raise err.MessageNotInflight(
            "Message does not exist or is not available for visibility timeout change.")
    if now + int(timeout) - (message["received_at"] or now) > MAX_VISIBILITY:
        raise err.invalid_parameter(
            "VisibilityTimeout", timeout,
            f"Total VisibilityTimeout for the message is beyond the limit [{MAX_VISIBILITY} "
            "seconds]")
    db.update_message(ctx.db, message["id"], visible_at=now + int(timeout))


def change_message_visibility(ctx: Context, *, QueueUrl: str, ReceiptHandle: str,
                              VisibilityTimeout: int) -> dict[str, Any]:
    """Set the remaining visibility timeout of an in-flight message (12 hours at most)."""
    queue = _queue(ctx, QueueUrl)
    _change_one(ctx, queue, ReceiptHandle, VisibilityTimeout)
    return {}


def change_message_visibility_batch(ctx: Context, *, QueueUrl: str,
                                    Entries: list[dict[str, Any]]) -> dict[str, Any]:
    """ChangeMessageVisibility for up to 10 messages; per-entry results."""
    queue = _queue(ctx, QueueUrl)
    entries = _check_batch(Entries, "ChangeMessageVisibilityBatchRequestEntry")
    ok, failed = [], []
    for entry in entries:
        try:
            _entry_savepoint(ctx, _change_one, ctx, queue, entry.get("ReceiptHandle", ""),
                             entry.get("VisibilityTimeout", 0))
        except AwsError as exc:
            failed.append(_failure(entry["Id"], exc))
            continue
        ok.append({"Id": entry["Id"]})
    return {"Successful": ok, "Failed": failed}


# -- message move tasks -----------------------------------------------------------------------


def _task_handle(source_arn: str) -> str:
    doc = {"taskId": str(uuid.uuid4()), "sourceArn": source_arn}
    return base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()


def _is_dlq(ctx: Context, queue: Row) -> bool:
    for row in db.list_queues(ctx.db, queue["account"], queue["region"]):
        policy = row["attributes"].get("RedrivePolicy")
        if policy and json.loads(policy).get("deadLetterTargetArn") == queue["arn"]:
            return True
    return False


def _advance_task(ctx: Context, task: Row, now: float) -> None:
    """Move as many messages as the rate allows by `now`; finish the task when done."""
    source = db.get_queue_by_arn(ctx.db, task["source_arn"])
    if source is None:
        db.update_task(ctx.db, task["task_handle"], status="FAILED",
                       failure_reason="AWS.SimpleQueueService.NonExistentQueue")
        return
    rate = task["max_per_second"]
    allowed = task["to_move"] if rate is None else int((now - task["started"]) * rate)
    budget = max(0, min(allowed, task["to_move"]) - task["moved"])
    moved = task["moved"]
    if budget:
        for message in db.movable(ctx.db, source["id"], now, task["last_id"], budget):
            target_arn = task["destination_arn"] or message["dlq_source_arn"]
            target = db.get_queue_by_arn(ctx.db, target_arn) if target_arn else None
            if target is None:
                db.update_task(ctx.db, task["task_handle"], status="FAILED", moved=moved,
                               failure_reason="AWS.SimpleQueueService.NonExistentQueue")
                return
            # A new enqueue in the destination (fresh receive count), body untouched.
            db.update_message(ctx.db, message["id"], queue_id=target["id"], visible_at=now,
                              receive_count=0, first_receive_at=None, received_at=None,
                              receipt=None, dlq_source_arn=None, expires_at=now + int(
                                  target["attributes"]["MessageRetentionPeriod"]))
            moved += 1
    remaining = db.movable(ctx.db, source["id"], float("inf"), task["last_id"], 1)
    done = moved >= task["to_move"] or not remaining
    db.update_task(ctx.db, task["task_handle"], moved=moved,
                   status="COMPLETED" if done else "RUNNING")


def start_message_move_task(ctx: Context, *, SourceArn: str, DestinationArn: str | None = None,
                            MaxNumberOfMessagesPerSecond: int | None = None) -> dict[str, Any]:
    """Move messages from a dead-letter queue back to their sources (or DestinationArn)."""
    _housekeeping(ctx)
    source = db.get_queue_by_arn(ctx.db, SourceArn) if _arn_parts(SourceArn) else None
    if source is None:
        raise err.ResourceNotFoundException(
            "The resource that you specified for the SourceArn parameter doesn't exist.")
    if DestinationArn is not None and (
            not _arn_parts(DestinationArn) or db.get_queue_by_arn(ctx.db, DestinationArn) is None):
        raise err.ResourceNotFoundException(
            "The resource that you specified for the DestinationArn parameter doesn't exist.")
    rate = MaxNumberOfMessagesPerSecond
    if rate is not None and not 1 <= int(rate) <= 500:
        raise err.invalid_parameter("MaxNumberOfMessagesPerSecond", rate,
                                    "Must be between 1 and 500.")
    if not _is_dlq(ctx, source):
        raise err.InvalidParameterValue(
            "Source queue must be configured as a Dead Letter Queue.")
    if any(t["status"] == "RUNNING" for t in db.tasks_for_source(
            ctx.db, source["account"], source["region"], SourceArn, 10)):
        raise err.UnsupportedOperation(
            "There is already a task running. Only one active task is allowed for a source "
            "queue arn at a given time.")
    last_id, count = db.max_message_row(ctx.db, source["id"])
    handle = _task_handle(SourceArn)
    db.insert_task(ctx.db, {
        "task_handle": handle, "account": source["account"], "region": source["region"],
        "source_arn": SourceArn, "destination_arn": DestinationArn,
        "max_per_second": None if rate is None else int(rate), "status": "RUNNING",
        "moved": 0, "to_move": count, "last_id": last_id, "started": ctx.time()})
    task = db.get_task(ctx.db, handle)
    assert task is not None
    _advance_task(ctx, task, ctx.time())
    return {"TaskHandle": handle}


def list_message_move_tasks(ctx: Context, *, SourceArn: str,
                            MaxResults: int | None = None) -> dict[str, Any]:
    """The most recent move tasks of a source queue (MaxResults 1..10, default 1)."""
    _housekeeping(ctx)
    limit = 1 if MaxResults is None else int(MaxResults)
    if not 1 <= limit <= 10:
        raise err.invalid_parameter("MaxResults", MaxResults,
                                    "Must be between 1 and 10, if provided.")
    source = db.get_queue_by_arn(ctx.db, SourceArn) if _arn_parts(SourceArn) else None
    if source is None:
        raise err.ResourceNotFoundException(
            "The resource that you specified for the SourceArn parameter doesn't exist.")
    results = []
    for t in db.tasks_for_source(ctx.db, source["account"], source["region"], SourceArn, limit):
        entry: dict[str, Any] = {}
        if t["status"] == "RUNNING":
            entry["TaskHandle"] = t["task_handle"]
        entry["Status"] = t["status"]
        entry["SourceArn"] = t["source_arn"]
        if t["destination_arn"]:
            entry["DestinationArn"] = t["destination_arn"]
        if t["max_per_second"] is not None:
            entry["MaxNumberOfMessagesPerSecond"] = t["max_per_second"]
        entry["ApproximateNumberOfMessagesMoved"] = t["moved"]
        entry["ApproximateNumberOfMessagesToMove"] = t["to_move"]
        if t["failure_reason"]:
            entry["FailureReason"] = t["failure_reason"]
        entry["StartedTimestamp"] = int(t["started"] * 1000)
        results.append(entry)
    return {"Results": results}


def cancel_message_move_task(ctx: Context, *, TaskHandle: str) -> dict[str, Any]:
    """Stop a running move task; messages already moved stay moved."""
    _housekeeping(ctx)
    task = db.get_task(ctx.db, TaskHandle)
    if task is None or task["status"] != "RUNNING":
        raise err.ResourceNotFoundException("Task does not exist.")
    db.update_task(ctx.db, TaskHandle, status="CANCELLED")
    return {"ApproximateNumberOfMessagesMoved": task["moved"]}


# -- awslocal local inspect-message -----------------------------------------------------------


def inspect_message(ctx: Context, QueueUrl: str, MessageId: str) -> dict[str, Any]:
    """What is stored for a message: encryption, key, wrapped data key, ciphertext; no plaintext.

    Not an AWS operation: `awslocal local inspect-message`.
    """
    queue = _queue(ctx, QueueUrl)
    message = db.find_message(ctx.db, queue["id"], MessageId)
    if message is None:
        raise err.ResourceNotFoundException(
            f"Message {MessageId} is not in queue {queue['name']}.")
    body = bytes(message["body"])
    out: dict[str, Any] = {"QueueUrl": _url(queue), "MessageId": MessageId}
    out.update(sse.describe(ctx, message))
    out["StoredBodyLength"] = len(body)
    if message["encryption"] != sse.NONE:
        out["CiphertextPrefixHex"] = body[:16].hex()
        out["AuthenticatedData"] = f"queue={message['origin_arn']} message={MessageId}"
    out["MD5OfBody"] = message["md5_body"]
    attrs = _load_attributes(message["attributes"])
    if attrs:
        out["MessageAttributes"] = attrs
    if message["system_attributes"]:
        out["MessageSystemAttributes"] = _load_attributes(message["system_attributes"])
    out["SentTimestamp"] = int(message["sent_at"] * 1000)
    out["ApproximateReceiveCount"] = message["receive_count"]
    if message["dlq_source_arn"]:
        out["DeadLetterQueueSourceArn"] = message["dlq_source_arn"]
    return out
