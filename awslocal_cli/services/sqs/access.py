"""Queue policies on the data path: the one check every SQS action makes of its caller.

`authorize(ctx, queue, action)` decides each request that names a queue, whoever makes it: a
user of the queue's account, a user of another account (who reaches the queue by its URL,
which names the owner's account), or a service principal such as sns.amazonaws.com
delivering for a topic. The rules are those of the SQS Developer Guide ("Amazon SQS Access
Policy Language evaluation logic" and "Troubleshoot an access denied error"):

- an explicit Deny in the queue policy that matches the request denies, the account's own
  principals included;
- a principal of the queue's account is otherwise allowed, since IAM is not modelled and an
  identity policy could grant it (ARCHITECTURE.md, "Identity, region, account");
- a principal of another account, and every service principal, needs an Allow in the queue
  policy (a queue without a policy refuses them all);
- AddPermission, RemovePermission, SetQueueAttributes, DeleteQueue, TagQueue, UntagQueue and
  ListQueueTags are the owner's alone: "Cross-account permissions don't apply to this action"
  (SQS API Reference), so no policy lets another account do them.

A batch action is authorized as its single form (SendMessageBatch as sqs:SendMessage), as the
AddPermission documentation describes. Conditions are evaluated by awslocal_cli.policy with
the request context: aws:SourceArn and aws:SourceAccount when a service acts for a resource,
aws:CurrentTime and aws:EpochTime from the local clock, aws:RequestedRegion, and what follows
from the caller (aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalType, aws:username,
aws:PrincipalIsAWSService, aws:PrincipalServiceName, aws:ResourceAccount).

Departures from AWS: aws:SecureTransport is always true (every awslocal request stands for an
HTTPS one, `awslocal serve` over plain HTTP included); aws:SourceIp, aws:SourceVpc(e),
aws:UserAgent and tag keys are absent, so a condition on them holds only as a missing key
does (IfExists, negated operators). The refusal is AccessDenied with "Access to the resource
<queue URL> is denied.", the wording SQS has used for queue-policy denials since the query
API; recent SQS endpoints word IAM denials as "User: ... is not authorized to perform: ...".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import sqs as err
from awslocal_cli.services.sqs.urls import url_of

if TYPE_CHECKING:
    from awslocal_cli.context import Context

Row = dict[str, Any]

# The action a batch operation is authorized as (SQS API Reference, AddPermission).
_SINGLE = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}
# "Cross-account permissions don't apply to this action" in the SQS API Reference.
OWNER_ONLY = frozenset({
    "AddPermission", "RemovePermission", "SetQueueAttributes", "DeleteQueue", "TagQueue",
    "UntagQueue", "ListQueueTags", "CreateQueue", "ListQueues",
})


def access_denied(queue: Row) -> err.AccessDenied:
    """SQS's refusal, naming the queue's URL."""
    return err.AccessDenied(f"Access to the resource {url_of(queue)} is denied.")


def decide(ctx: Context, queue: Row, action: str) -> str:
    """'Allow', 'Deny' or 'ImplicitDeny': the queue policy's verdict on one request by ctx."""
    from awslocal_cli import policy

    text = queue["attributes"].get("Policy")
    if not text:
        return policy.IMPLICIT_DENY
    try:
        doc = policy.parse(text)
    except policy.PolicyError:
        # A stored policy that no longer parses (written before Policy was validated, or
        # edited on disk) grants nothing and denies nothing.
        return policy.IMPLICIT_DENY
    return policy.evaluate(doc, principal=ctx.principal, action=f"sqs:{action}",
                           resource=queue["arn"], account=queue["account"],
                           context=_request_context(ctx, queue))


def _request_context(ctx: Context, queue: Row) -> dict[str, Any]:
    now = ctx.now()
    cond: dict[str, Any] = {
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": int(now.timestamp()),
        "aws:RequestedRegion": queue["region"],
    }
    if ctx.source_arn:
        cond["aws:SourceArn"] = ctx.source_arn
    if ctx.source_account:
        cond["aws:SourceAccount"] = ctx.source_account
    return cond


def authorize(ctx: Context, queue: Row, action: str) -> None:
    """AccessDenied unless the queue policy (and ownership) let `ctx` perform `action`."""
    action = _SINGLE.get(action, action)
    own = not ctx.is_service and ctx.account == queue["account"]
    if own and not queue["attributes"].get("Policy"):
        return  # nothing can deny the owner: skip the policy engine's import
    if not own and action in OWNER_ONLY:
        raise access_denied(queue)
    verdict = decide(ctx, queue, action)
    if verdict == "Deny" or (not own and verdict != "Allow"):
        raise access_denied(queue)
