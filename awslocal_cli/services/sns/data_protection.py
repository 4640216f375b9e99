"""SNS topic data protection policies: PutDataProtectionPolicy and GetDataProtectionPolicy.

The policy is applied to Publish, PublishBatch and each delivery by message_protection.py.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns.common import check_region, invalid
from awslocal_cli.store.sns import topics as sns_db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

Row = dict[str, Any]

MAX_DATA_PROTECTION_POLICY = 30720

_DATA_IDENTIFIER = re.compile(
    r"^arn:aws[a-z-]*:dataprotection:[a-z0-9-]*:(aws)?:data-identifier/[A-Za-z0-9_-]+$")


# -- data protection policies -------------------------------------------------------------------


def _policy_topic(ctx: Context, arn: Any) -> Row:
    parts = str(arn or "").split(":")
    if len(parts) < 6:
        raise invalid(f"ResourceArn Reason: An ARN must have at least 6 elements, not "
                      f"{len(parts)}")
    if parts[0] != "arn" or parts[2] != "sns" or not parts[5]:
        raise invalid("ResourceArn")
    check_region(ctx, arn, "ResourceArn")
    topic = sns_db.get_topic(ctx.db, str(arn))
    if topic is None:
        raise err.NotFoundException("Topic does not exist")
    return topic


def _policy_error(reason: str) -> err.InvalidParameterException:
    return invalid(f"DataProtectionPolicy Reason: {reason}")


def _check_data_protection_policy(text: str) -> None:
    if len(text) > MAX_DATA_PROTECTION_POLICY:
        raise _policy_error(f"must be at most {MAX_DATA_PROTECTION_POLICY} characters long")
    try:
        doc = json.loads(text)
    except ValueError:
        raise _policy_error("failed to parse JSON") from None
    if not isinstance(doc, dict):
        raise _policy_error("must be a JSON object")
    unknown = set(doc) - {"Name", "Description", "Version", "Statement", "Configuration"}
    if unknown:
        raise _policy_error(f"unknown field {sorted(unknown)[0]}")
    if not isinstance(doc.get("Name"), str) or not doc["Name"]:
        raise _policy_error("Name is required")
    if doc.get("Version") != "2021-06-01":
        raise _policy_error("Version must be 2021-06-01")
    custom = set()
    config = doc.get("Configuration", {})
    if not isinstance(config, dict):
        raise _policy_error("Configuration must be an object")
    for item in config.get("CustomDataIdentifier", []) or []:
        if not isinstance(item, dict) or not item.get("Name") or not item.get("Regex"):
            raise _policy_error("each CustomDataIdentifier needs a Name and a Regex")
        custom.add(item["Name"])
    statements = doc.get("Statement")
    if not isinstance(statements, list) or not statements:
        raise _policy_error("Statement must be a non-empty list")
    for st in statements:
        if not isinstance(st, dict):
            raise _policy_error("each Statement must be an object")
        if st.get("DataDirection") not in ("Inbound", "Outbound"):
            raise _policy_error("DataDirection must be Inbound or Outbound")
        principal = st.get("Principal")
        if not isinstance(principal, list) or not principal or not all(
                isinstance(p, str) and p for p in principal):
            raise _policy_error("Principal must be a non-empty list of strings")
        identifiers = st.get("DataIdentifier")
        if not isinstance(identifiers, list) or not identifiers:
            raise _policy_error("DataIdentifier must be a non-empty list")
        for ident in identifiers:
            if not isinstance(ident, str) or not (_DATA_IDENTIFIER.match(ident)
                                                  or ident in custom):
                raise _policy_error(f"invalid DataIdentifier {ident}")
        operation = st.get("Operation")
        if not isinstance(operation, dict) or len(operation) != 1 or not set(operation) <= {
                "Audit", "Deny", "Deidentify"} or not isinstance(
                next(iter(operation.values())), dict):
            raise _policy_error("Operation must hold exactly one of Audit, Deny or Deidentify")
    from awslocal_cli.services.sns.message_protection import check_operations

    problem = check_operations(doc)
    if problem is not None:
        raise _policy_error(problem)


def put_data_protection_policy(ctx: Context, *, ResourceArn: str,
                               DataProtectionPolicy: str) -> dict[str, Any]:
    """Set (or, with an empty policy, remove) the data protection policy of a topic."""
    topic = _policy_topic(ctx, ResourceArn)
    text = str(DataProtectionPolicy or "")
    attrs = dict(topic["attributes"])
    if text:
        _check_data_protection_policy(text)
        attrs["DataProtectionPolicy"] = text
    else:
        attrs.pop("DataProtectionPolicy", None)
    sns_db.update_topic(ctx.db, topic["arn"], attributes=attrs)
    return {}


def get_data_protection_policy(ctx: Context, *, ResourceArn: str) -> dict[str, Any]:
    """The data protection policy of a topic, "" when it has none."""
    topic = _policy_topic(ctx, ResourceArn)
    return {"DataProtectionPolicy": topic["attributes"].get("DataProtectionPolicy", "")}
