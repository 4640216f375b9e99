"""CloudTrail: LookupEvents over the local audit trail (the events every KMS request appends).

Departs from AWS: only the events awslocal records (KMS requests, whoever made them) are there;
there are no trails, no event data stores, no Insights events and no 90-day expiry.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

from awslocal_cli.errors import AwsError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context


class InvalidLookupAttributesException(AwsError):
    code = "InvalidLookupAttributesException"


class InvalidTimeRangeException(AwsError):
    code = "InvalidTimeRangeException"


class InvalidMaxResultsException(AwsError):
    code = "InvalidMaxResultsException"


class InvalidNextTokenException(AwsError):
    code = "InvalidNextTokenException"


class InvalidEventCategoryException(AwsError):
    code = "InvalidEventCategoryException"


_KEYS = ("EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName",
         "EventSource", "AccessKeyId")


def _epoch(value: Any) -> float:
    from awslocal_cli.clock import to_epoch

    try:
        return to_epoch(value)
    except ValueError:
        raise InvalidTimeRangeException(f"Invalid time: {value}") from None


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record(row: Any) -> dict[str, Any]:
    """The CloudTrail event record (the CloudTrailEvent JSON) of one stored event."""
    principal = row["principal"]
    is_service = not principal.startswith("arn:")
    if is_service:
        identity: dict[str, Any] = {"type": "AWSService", "invokedBy": principal}
    else:
        kind = "Root" if principal.endswith(":root") else (
            "AssumedRole" if ":assumed-role/" in principal else "IAMUser")
        identity = {"type": kind, "principalId": row["username"], "arn": principal,
                    "accountId": row["account"]}
        if kind == "IAMUser":
            identity["userName"] = row["username"]
        if row["invoked_by"]:
            identity["invokedBy"] = row["invoked_by"].split(".")[0] + ".amazonaws.com"
    resources = [{"accountId": row["account"], "type": r.get("ResourceType"),
                  "ARN": r.get("ResourceName")} for r in json.loads(row["resources"])]
    source_ip = principal if is_service else (
        identity.get("invokedBy") or "127.0.0.1")
    record: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": _iso(row["event_time"]),
        "eventSource": row["event_source"],
        "eventName": row["event_name"],
        "awsRegion": row["region"],
        "sourceIPAddress": source_ip,
        "userAgent": identity.get("invokedBy") or "awslocal",
    }
    if row["error_code"]:
        record["errorCode"] = row["error_code"]
        record["errorMessage"] = row["error_message"] or ""
    record.update({
        "requestParameters": json.loads(row["request"]) or None,
        "responseElements": None,
        "requestID": row["event_id"],
        "eventID": row["event_id"],
        "readOnly": bool(row["read_only"]),
        "resources": resources,
        "eventType": "AwsServiceEvent" if is_service and principal == row["event_source"]
        else "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": row["account"],
        "eventCategory": "Management",
    })
    return record


def lookup_events(ctx: Context, *, LookupAttributes: list[dict[str, str]] | None = None,
                  StartTime: Any = None, EndTime: Any = None, EventCategory: str | None = None,
                  MaxResults: int | None = None, NextToken: str | None = None) -> dict[str, Any]:
    """Events of the caller's account and region, newest first, filtered by one attribute."""
    from awslocal_cli.store import events

    attrs = LookupAttributes or []
    if len(attrs) > 1:
        raise InvalidLookupAttributesException(
            "You cannot specify more than one lookup attribute.")
    attribute = None
    if attrs:
        key, value = attrs[0].get("AttributeKey"), attrs[0].get("AttributeValue")
        if key not in _KEYS or value is None:
            raise InvalidLookupAttributesException(
                f"Invalid lookup attribute key: {key}. Valid keys are: {', '.join(_KEYS)}.")
        attribute = (key, value)
    if EventCategory is not None and EventCategory != "insight":
        raise InvalidEventCategoryException(f"Invalid event category: {EventCategory}")
    start = _epoch(StartTime) if StartTime is not None else None
    end = _epoch(EndTime) if EndTime is not None else None
    if start is not None and end is not None and start > end:
        raise InvalidTimeRangeException("Start time must be before end time.")
    limit = 50 if MaxResults is None else MaxResults
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 50:
        raise InvalidMaxResultsException("MaxResults must be between 1 and 50.")
    before = None
    if NextToken is not None:
        try:
            before = int(json.loads(base64.urlsafe_b64decode(NextToken.encode()))["before"])
        # Not base64, not JSON, not an object with an integer "before": not a token of ours.
        except (ValueError, KeyError, TypeError):
            raise InvalidNextTokenException("Invalid NextToken.") from None
    if EventCategory == "insight" or (attribute and attribute[0] == "AccessKeyId"):
        return {"Events": []}  # no Insights events, and awslocal issues no access keys
    rows = events.lookup(ctx.db, account=ctx.account, region=ctx.region, start=start, end=end,
                         attribute=attribute, before_seq=before, limit=limit + 1)
    page = rows[:limit]
    out: list[dict[str, Any]] = []
    for row in page:
        out.append({
            "EventId": row["event_id"],
            "EventName": row["event_name"],
            "ReadOnly": "true" if row["read_only"] else "false",
            "EventTime": datetime.fromtimestamp(row["event_time"], tz=timezone.utc),
            "EventSource": row["event_source"],
            "Username": row["username"],
            "Resources": json.loads(row["resources"]),
            "CloudTrailEvent": json.dumps(_record(row)),
        })
    response: dict[str, Any] = {"Events": out}
    if len(rows) > limit:
        token = json.dumps({"before": page[-1]["seq"]}).encode()
        response["NextToken"] = base64.urlsafe_b64encode(token).decode()
    return response
