"""Pieces every SNS module shares: ARNs and lookups, NextTokens, timestamps, shared checks."""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import sns as err
from awslocal_cli.store.sns import topics as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

Row = dict[str, Any]

PAGE = 100
DAY = 86400
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")


# -- names and lookups ----------------------------------------------------------------------------

def topic_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{account}:{name}"


def invalid(what: str) -> err.InvalidParameterException:
    return err.InvalidParameterException(f"Invalid parameter: {what}")


def too_few_elements(what: str, parts: list[str]) -> err.InvalidParameterException:
    """A malformed ARN, as AWS words it: "Invalid parameter: X Reason: An ARN must have ..."."""
    return invalid(f"{what} Reason: An ARN must have at least 6 elements, not {len(parts)}")


def arn_parts(arn: Any, what: str) -> tuple[str, str, str]:
    parts = str(arn or "").split(":")
    if len(parts) < 6:
        raise too_few_elements(what, parts)
    if parts[0] != "arn" or parts[2] != "sns" or not parts[5]:
        raise invalid(what)
    return parts[3], parts[4], ":".join(parts[5:])


def check_region(ctx: Context, arn: Any, what: str) -> None:
    """Regions are partitions: an ARN of another region is refused, as in AWS.

    AWS answers "Invalid parameter: TopicArn" (InvalidParameter, not NotFound) when a topic
    of another region is named to any topic operation (recorded responses: Publish,
    PublishBatch, Subscribe, Get/SetTopicAttributes, ListSubscriptionsByTopic, DeleteTopic).
    """
    parts = str(arn or "").split(":")
    if len(parts) >= 6 and parts[3] != ctx.region:
        raise invalid(what)


def lookup_topic(ctx: Context, arn: Any, what: str = "TopicArn") -> Row:
    arn_parts(arn, what)
    check_region(ctx, arn, what)
    topic = db.get_topic(ctx.db, str(arn))
    if topic is None:
        raise err.NotFoundException("Topic does not exist")
    return topic


def subscription_arn_parts(arn: Any, what: str = "SubscriptionArn") -> list[str]:
    """The pieces of a well-formed subscription ARN (`<topic ARN>:<id>`), or InvalidParameter."""
    parts = str(arn or "").split(":")
    if len(parts) < 6:
        raise too_few_elements(what, parts)
    if len(parts) != 7 or parts[0] != "arn" or parts[2] != "sns" or not parts[6]:
        raise invalid(what)
    return parts


def lookup_subscription(ctx: Context, arn: Any) -> Row:
    subscription_arn_parts(arn)
    check_region(ctx, arn, "SubscriptionArn")
    sub = db.get_subscription(ctx.db, str(arn))
    if sub is None:
        raise err.NotFoundException("Subscription does not exist")
    return sub


# -- NextTokens -----------------------------------------------------------------------------------


def page_token(kind: str, value: Any) -> str:
    """A NextToken of ours: the position a listing resumes after, tagged with its kind."""
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode()


def page_after(token: str | None, kind: str, name: str = "NextToken") -> str | None:
    """The position a NextToken of ours resumes after; None for no token."""
    if token is None:
        return None
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        text = ""
    if not text.startswith(f"{kind}:"):
        raise invalid(name)
    return text[len(kind) + 1:]


def seq_after(token: str | None, kind: str) -> int:
    """The row sequence number a NextToken of ours resumes after (0 for no token)."""
    value = page_after(token, kind)
    if value is None:
        return 0
    if not value.isdigit():
        raise invalid("NextToken")
    return int(value)


# -- timestamps -----------------------------------------------------------------------------------


def timestamp(epoch: float) -> str:
    """A time as SNS writes it in messages: ISO 8601 UTC with milliseconds."""
    from datetime import datetime, timezone

    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def moment(epoch: float) -> Any:
    """An epoch as the timezone-aware datetime services return for timestamps."""
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, tz=timezone.utc)


# -- checks of the record operations -------------------------------------------------------------


def null_attributes() -> err.ValidationException:
    # An empty map is not serialized by the query protocol, so AWS sees no attributes at all
    # and answers with its generic validation error (code ValidationError, not the modeled
    # ValidationException).
    return err.ValidationException(
        "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: "
        "Member must not be null", code="ValidationError")


def arn_resource(arn: Any, what: str, kind: str, slashes: int) -> list[str]:
    """The `/`-separated pieces of an `arn:aws:sns:...:<kind>/...` ARN, or InvalidParameter."""
    parts = str(arn or "").split(":")
    if len(parts) < 6:
        raise too_few_elements(what, parts)
    pieces = ":".join(parts[5:]).split("/")
    if len(pieces) != slashes + 1:
        raise invalid(f"{what} Reason: Wrong number of slashes in relative portion of the ARN.")
    if parts[0] != "arn" or parts[2] != "sns" or pieces[0] != kind or not all(pieces):
        raise invalid(what)
    return pieces


def boolean(name: str, value: str) -> str:
    if value.lower() not in ("true", "false"):
        raise invalid(f"Attributes Reason: Invalid value for attribute: {name}: must be true "
                      "or false")
    return value.lower()


def percent(value: str) -> bool:
    return value.isdigit() and 0 <= int(value) <= 100
