"""SNS topic policies: the default policy, the check every topic operation makes, and
AddPermission / RemovePermission.

Departures from AWS: IAM is not modelled: a principal of the topic's account may do whatever
the topic policy does not explicitly deny; another account's principal what it allows.
"""

from __future__ import annotations

import json
import re

from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns.common import invalid, lookup_topic
from awslocal_cli.store.sns import topics as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = dict[str, "Any"]

_TOPIC_ACTIONS = {"GetTopicAttributes", "SetTopicAttributes", "AddPermission",
                  "RemovePermission", "DeleteTopic", "Subscribe", "ListSubscriptionsByTopic",
                  "Publish", "Receive"}


def default_policy(arn: str, account: str) -> str:
    from awslocal_cli import policy

    return json.dumps(policy.default_topic_policy(arn, account), separators=(",", ":"))


def authorize(ctx: Context, topic: Row, action: str) -> None:
    """Refuse what the topic policy denies (and, for another account, what it does not allow)."""
    from awslocal_cli import policy

    doc = topic["attributes"].get("Policy") or default_policy(topic["arn"], topic["account"])
    decision = policy.evaluate(doc, principal=ctx.principal, action=f"sns:{action}",
                               resource=topic["arn"], account=topic["account"],
                               context={"aws:SourceOwner": ctx.account,
                                        "aws:SourceAccount": ctx.account})
    same = ctx.account == topic["account"]
    if decision == "Deny" or (not same and decision != "Allow"):
        raise err.AuthorizationErrorException(
            f"User: {ctx.principal} is not authorized to perform: SNS:{action} on resource: "
            f"{topic['arn']}")


def _policy_doc(topic: Row) -> dict[str, Any]:
    text = topic["attributes"].get("Policy") or default_policy(topic["arn"], topic["account"])
    doc = json.loads(text)
    doc.setdefault("Statement", [])
    if isinstance(doc["Statement"], dict):
        doc["Statement"] = [doc["Statement"]]
    return dict(doc)


def add_permission(ctx: Context, *, TopicArn: str, Label: str, AWSAccountId: list[str],
                   ActionName: list[str]) -> dict[str, Any]:
    """Add a statement labelled Label to the topic policy."""
    topic = lookup_topic(ctx, TopicArn)
    authorize(ctx, topic, "AddPermission")
    if not Label or not re.match(r"^[A-Za-z0-9_-]{1,80}$", Label):
        raise invalid("Label")
    if not AWSAccountId:
        raise invalid("AWSAccountId")
    if not ActionName:
        raise invalid("ActionName")
    for action in ActionName:
        if action != "*" and action not in _TOPIC_ACTIONS:
            raise invalid("Policy statement action out of service scope!")
    doc = _policy_doc(topic)
    if any(st.get("Sid") == Label for st in doc["Statement"]):
        raise invalid("Statement already exists")
    principals = [f"arn:aws:iam::{a}:root" if a.isdigit() else a for a in AWSAccountId]
    actions = [f"SNS:{a}" for a in ActionName] if ActionName != ["*"] else ["SNS:*"]
    doc["Statement"].append({
        "Sid": Label, "Effect": "Allow",
        "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
        "Action": actions[0] if len(actions) == 1 else actions,
        "Resource": topic["arn"],
    })
    attrs = dict(topic["attributes"], Policy=json.dumps(doc, separators=(",", ":")))
    db.update_topic(ctx.db, topic["arn"], attributes=attrs)
    return {}


def remove_permission(ctx: Context, *, TopicArn: str, Label: str) -> dict[str, Any]:
    """Remove the statement labelled Label from the topic policy (absent labels are ignored)."""
    topic = lookup_topic(ctx, TopicArn)
    authorize(ctx, topic, "RemovePermission")
    doc = _policy_doc(topic)
    kept = [st for st in doc["Statement"] if st.get("Sid") != Label]
    if len(kept) != len(doc["Statement"]):
        doc["Statement"] = kept
        attrs = dict(topic["attributes"], Policy=json.dumps(doc, separators=(",", ":")))
        db.update_topic(ctx.db, topic["arn"], attributes=attrs)
    return {}
