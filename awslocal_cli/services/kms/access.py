"""Authorization: the key policy (explicit Deny wins), then grants, with KMS condition keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.names import Row
from awslocal_cli.store import kms as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context


def _condition_context(ctx: Context, key: Row, extra: Mapping[str, Any] | None = None,
                       encryption_context: Mapping[str, str] | None = None) -> dict[str, Any]:
    cond: dict[str, Any] = {
        "aws:RequestedRegion": ctx.region,
        "kms:KeySpec": key["key_spec"],
        "kms:KeyUsage": key["key_usage"],
        "kms:KeyOrigin": key["origin"],
        "kms:MultiRegion": bool(key["multi_region"]),
        "kms:ResourceAliases": [a["alias_name"] for a in db.list_aliases(
            ctx.db, key["account"], key["region"], key["key_id"])],
    }
    if not ctx.is_service:
        # A service principal has no account: a policy granting kms:CallerAccount must not
        # admit sns.amazonaws.com.
        cond["kms:CallerAccount"] = ctx.account
        cond["aws:PrincipalAccount"] = ctx.account
        cond["aws:PrincipalArn"] = ctx.principal
    if key["multi_region"]:
        cond["kms:MultiRegionKeyType"] = "PRIMARY" if key["primary_region"] == key["region"] \
            else "REPLICA"
    if ctx.via_service:
        cond["kms:ViaService"] = ctx.via_service
    if ctx.source_arn:
        cond["aws:SourceArn"] = ctx.source_arn
    if ctx.source_account:
        cond["aws:SourceAccount"] = ctx.source_account
    if key.get("_request_alias"):
        cond["kms:RequestAlias"] = key["_request_alias"]
    if encryption_context is not None:
        for k, v in encryption_context.items():
            cond[f"kms:EncryptionContext:{k}"] = v
        cond["kms:EncryptionContextKeys"] = sorted(encryption_context)
    if extra:
        cond.update({k: v for k, v in extra.items() if v is not None})
    return cond


def _grant_allows(grant: Row, operation: str,
                  encryption_context: Mapping[str, str] | None,
                  source_arn: str | None = None) -> bool:
    if operation not in grant["operations"]:
        return False
    constraints = grant.get("constraints") or {}
    if constraints.get("SourceArn") is not None and constraints["SourceArn"] != source_arn:
        return False
    ec = dict(encryption_context or {})
    subset = constraints.get("EncryptionContextSubset")
    if subset is not None and any(ec.get(k) != v for k, v in subset.items()):
        return False
    equals = constraints.get("EncryptionContextEquals")
    return equals is None or ec == dict(equals)


def _authorize(ctx: Context, key: Row, operation: str, *,
               encryption_context: Mapping[str, str] | None = None,
               grant_tokens: Iterable[str] | None = None,
               extra: Mapping[str, Any] | None = None, grants: bool = True) -> None:
    """Key policy (explicit Deny wins), then grants; AccessDeniedException in AWS's words."""
    from awslocal_cli import policy

    action = f"kms:{operation}"
    try:
        doc = policy.parse(key["policy"])
    except policy.PolicyError:
        doc = {"Statement": []}
    decision = policy.evaluate(
        doc, principal=ctx.principal, action=action, resource=key["arn"],
        context=_condition_context(ctx, key, extra, encryption_context),
        account=key["account"])
    if decision == "Allow":
        return
    who = ctx.principal
    if decision == "Deny":
        raise err.AccessDeniedException(
            f"User: {who} is not authorized to perform: {action} on resource: {key['arn']} "
            "with an explicit deny in a resource-based policy")
    candidates = [g for g in db.list_grants(ctx.db, key["account"], key["region"], key["key_id"])
                  if g["grantee"] == who] if grants else []
    for token in (grant_tokens or ()) if grants else ():
        g = db.grant_by_token(ctx.db, token)
        # A grant is for one key in one region: a multi-Region replica shares its key id, not
        # its primary's grants (AWS KMS developer guide, multi-Region keys).
        if g is not None and (g["account"], g["region"], g["key_id"]) == (
                key["account"], key["region"], key["key_id"]) and g["grantee"] == who:
            candidates.append(g)
    if any(_grant_allows(g, operation, encryption_context, ctx.source_arn) for g in candidates):
        return
    raise err.AccessDeniedException(
        f"User: {who} is not authorized to perform: {action} on resource: {key['arn']} "
        f"because no resource-based policy allows the {action} action")
