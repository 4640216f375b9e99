"""Key policies and grants: Get/Put/ListKeyPolicies and Create/List/Retire/RevokeGrant."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.access import _authorize
from awslocal_cli.services.kms.audit import _operation
from awslocal_cli.services.kms.lookup import _resolve
from awslocal_cli.services.kms.names import Row, _dt
from awslocal_cli.services.kms.policy_docs import _parse_policy
from awslocal_cli.services.kms.shapes import _page, _seq_ident
from awslocal_cli.services.kms.states import (
    _effective_state,
    _require_customer_managed,
    _require_not,
)
from awslocal_cli.services.kms.validation import _check_grant_tokens, _dry_run
from awslocal_cli.store import kms as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context
    from awslocal_cli.services.kms.audit import _Audit


# -- key policies ---------------------------------------------------------------------------------


def _check_policy_name(name: str | None) -> str:
    name = name or "default"
    if name != "default":
        raise err.NotFoundException(f"Policy {name} does not exist. Its only policy is "
                                    "named default.")
    return name


@_operation("GetKeyPolicy")
def get_key_policy(ctx: Context, audit: _Audit, *, KeyId: str,
                   PolicyName: str | None = None) -> dict[str, Any]:
    """The key policy (its only name is `default`)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "GetKeyPolicy")
    name = _check_policy_name(PolicyName)
    return {"Policy": key["policy"], "PolicyName": name}


@_operation("PutKeyPolicy")
def put_key_policy(ctx: Context, audit: _Audit, *, KeyId: str, Policy: str,
                   PolicyName: str | None = None,
                   BypassPolicyLockoutSafetyCheck: bool = False) -> dict[str, Any]:
    """Replace the key policy (malformed ones and ones that lock the caller out are refused)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "PutKeyPolicy")
    _check_policy_name(PolicyName)
    _require_customer_managed(key, "PutKeyPolicy")
    # Allowed in every key state, PendingDeletion included (KMS Developer Guide, "Key states").
    _parse_policy(Policy, bypass=bool(BypassPolicyLockoutSafetyCheck), principal=ctx.principal,
                  account=key["account"])
    db.update_key(ctx.db, key["account"], key["region"], key["key_id"], policy=Policy)
    return {}


@_operation("ListKeyPolicies")
def list_key_policies(ctx: Context, audit: _Audit, *, KeyId: str, Limit: int | None = None,
                      Marker: str | None = None) -> dict[str, Any]:
    """Always ["default"]."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "ListKeyPolicies")
    page, tail = _page(["default"], str, Limit, Marker)
    return {"PolicyNames": page, **tail}


# -- grants ---------------------------------------------------------------------------------------

_PRINCIPAL_RE = re.compile(r"^(arn:aws[a-z-]*:(iam|sts)::\d{12}:.+|\d{12}|[a-z0-9.-]+\.amazonaws"
                           r"\.com(\.cn)?)$")
_CONSTRAINT_OPS = {"Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
                   "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair",
                   "GenerateDataKeyPairWithoutPlaintext", "CreateGrant", "RetireGrant"}
_SERVICE_PRINCIPAL_RE = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")
MAX_GRANTS_PER_KEY = 50000


def _grant_entry(key: Row, g: Row) -> dict[str, Any]:
    entry: dict[str, Any] = {"KeyId": key["arn"], "GrantId": g["grant_id"]}
    if g["name"]:
        entry["Name"] = g["name"]
    entry["CreationDate"] = _dt(g["creation_date"])
    entry["GranteeServicePrincipal" if g.get("grantee_is_service") else "GranteePrincipal"] = \
        g["grantee"]
    if g["retiring"]:
        entry["RetiringServicePrincipal" if g.get("retiring_is_service")
              else "RetiringPrincipal"] = g["retiring"]
    entry["IssuingAccount"] = f"arn:aws:iam::{g['issuing_account']}:root"
    entry["Operations"] = g["operations"]
    if g["constraints"]:
        entry["Constraints"] = g["constraints"]
    return entry


@_operation("CreateGrant")
def create_grant(ctx: Context, audit: _Audit, *, KeyId: str, Operations: list[str],
                 GranteePrincipal: str | None = None,
                 GranteeServicePrincipal: str | None = None,
                 RetiringPrincipal: str | None = None,
                 RetiringServicePrincipal: str | None = None,
                 Constraints: dict[str, Any] | None = None,
                 GrantTokens: list[str] | None = None, Name: str | None = None,
                 DryRun: bool | None = None) -> dict[str, Any]:
    """A grant: the grantee (a principal or a service principal) may perform Operations on
    the key (within Constraints; SourceArn compares the calling service's source ARN)."""
    import base64
    import hashlib

    _check_grant_tokens(GrantTokens)
    grantee_is_service = GranteeServicePrincipal is not None
    if (GranteePrincipal is None) == (GranteeServicePrincipal is None):
        raise err.ValidationException(
            "You must specify either GranteePrincipal or GranteeServicePrincipal, but not both.")
    if RetiringPrincipal is not None and RetiringServicePrincipal is not None:
        raise err.ValidationException(
            "You can specify either RetiringPrincipal or RetiringServicePrincipal, but not both.")
    retiring_is_service = RetiringServicePrincipal is not None
    for sp in (GranteeServicePrincipal, RetiringServicePrincipal):
        if sp is not None and not _SERVICE_PRINCIPAL_RE.match(sp):
            raise err.ValidationException(f"Invalid service principal: {sp}")
    if grantee_is_service:
        if not (Constraints or {}).get("SourceArn"):
            raise err.ValidationException(
                "A SourceArn grant constraint is required with GranteeServicePrincipal.")
        if RetiringPrincipal is None and RetiringServicePrincipal is None:
            raise err.ValidationException(
                "A RetiringPrincipal or RetiringServicePrincipal is required with "
                "GranteeServicePrincipal.")
    GranteePrincipal = GranteePrincipal or GranteeServicePrincipal
    RetiringPrincipal = RetiringPrincipal or RetiringServicePrincipal
    assert GranteePrincipal is not None
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "CreateGrant", grant_tokens=GrantTokens, extra={
        "kms:GranteePrincipal": GranteePrincipal, "kms:RetiringPrincipal": RetiringPrincipal,
        "kms:GrantOperations": list(Operations),
        "kms:GrantConstraintType": sorted(Constraints) if Constraints else None,
        "kms:GrantIsForAWSResource": ctx.via_service is not None,
    })
    _require_not(key, "PendingDeletion", "PendingReplicaDeletion", "PendingImport")
    if _effective_state(ctx, key) == "Disabled":
        raise err.DisabledException(f"{key['arn']} is disabled.")
    if not Operations:
        raise err.ValidationException("Operations must not be empty.")
    for p in (GranteePrincipal, RetiringPrincipal):
        if p is not None and not _PRINCIPAL_RE.match(p):
            raise err.ValidationException(f"Invalid principal: {p}")
    if Constraints:
        if set(Constraints) - {"EncryptionContextSubset", "EncryptionContextEquals", "SourceArn"}:
            raise err.ValidationException("Invalid grant constraints.")
        bad = [op for op in Operations if op not in _CONSTRAINT_OPS]
        if bad:
            raise err.ValidationException(
                f"Grant constraints are not supported for operations: {', '.join(bad)}.")
    _dry_run(DryRun)
    grants = db.list_grants(ctx.db, key["account"], key["region"], key["key_id"])
    if Name:
        # CreateGrant is idempotent for the same name and parameters.
        for g in grants:
            if (g["name"] == Name and g["grantee"] == GranteePrincipal
                    and g["retiring"] == RetiringPrincipal
                    and bool(g.get("grantee_is_service")) == grantee_is_service
                    and sorted(g["operations"]) == sorted(Operations)
                    and (g["constraints"] or None) == (Constraints or None)):
                return {"GrantToken": g["grant_token"], "GrantId": g["grant_id"]}
    if len(grants) >= MAX_GRANTS_PER_KEY:
        raise err.LimitExceededException("The number of grants for this key exceeds the limit.")
    grant_id = hashlib.sha256(os.urandom(32)).hexdigest()
    token = base64.urlsafe_b64encode(os.urandom(96)).decode().rstrip("=")
    db.insert_grant(ctx.db, key["account"], key["region"], {
        "grant_id": grant_id, "key_id": key["key_id"], "grant_token": token, "name": Name,
        "grantee": GranteePrincipal, "retiring": RetiringPrincipal,
        "issuing_account": ctx.account, "operations": list(Operations),
        "constraints": Constraints or None, "creation_date": ctx.time(),
        "grantee_is_service": int(grantee_is_service),
        "retiring_is_service": int(retiring_is_service),
    })
    return {"GrantToken": token, "GrantId": grant_id}


@_operation("ListGrants")
def list_grants(ctx: Context, audit: _Audit, *, KeyId: str, Limit: int | None = None,
                Marker: str | None = None, GrantId: str | None = None,
                GranteePrincipal: str | None = None,
                GranteeServicePrincipal: str | None = None) -> dict[str, Any]:
    """The key's grants, optionally one grant id or one grantee (principal or service)."""
    if GranteePrincipal is not None and GranteeServicePrincipal is not None:
        raise err.ValidationException(
            "You can specify either GranteePrincipal or GranteeServicePrincipal, but not both.")
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "ListGrants")
    grants = db.list_grants(ctx.db, key["account"], key["region"], key["key_id"])
    if GrantId is not None:
        grants = [g for g in grants if g["grant_id"] == GrantId]
    if GranteePrincipal is not None:
        grants = [g for g in grants if g["grantee"] == GranteePrincipal
                  and not g.get("grantee_is_service")]
    if GranteeServicePrincipal is not None:
        grants = [g for g in grants if g["grantee"] == GranteeServicePrincipal
                  and g.get("grantee_is_service")]
    page, tail = _page(grants, _seq_ident, Limit, Marker, default=50)
    return {"Grants": [_grant_entry(key, g) for g in page], **tail}


@_operation("ListRetirableGrants")
def list_retirable_grants(ctx: Context, audit: _Audit, *, RetiringPrincipal: str | None = None,
                          RetiringServicePrincipal: str | None = None,
                          Limit: int | None = None, Marker: str | None = None) -> dict[str, Any]:
    """Grants of the caller's account and region whose retiring principal (or retiring service
    principal) is the one named."""
    if (RetiringPrincipal is None) == (RetiringServicePrincipal is None):
        raise err.ValidationException(
            "You must specify either RetiringPrincipal or RetiringServicePrincipal, but not "
            "both.")
    is_service = RetiringServicePrincipal is not None
    grants = [g for g in db.list_retirable_grants(ctx.db, ctx.account, ctx.region,
                                                  RetiringPrincipal or RetiringServicePrincipal)
              if bool(g.get("retiring_is_service")) == is_service]
    page, tail = _page(grants, _seq_ident, Limit, Marker, default=50)
    out = []
    for g in page:
        key = db.get_key(ctx.db, ctx.account, ctx.region, g["key_id"])
        if key is not None:
            out.append(_grant_entry(key, g))
    return {"Grants": out, **tail}


@_operation("RetireGrant")
def retire_grant(ctx: Context, audit: _Audit, *, GrantToken: str | None = None,
                 KeyId: str | None = None, GrantId: str | None = None,
                 DryRun: bool | None = None) -> dict[str, Any]:
    """Retire a grant by token, or by key and grant id (retiring principal or grantee).

    A token is good in its grant's region only, as a key ARN is.
    """
    if GrantToken is not None:
        g = db.grant_by_token(ctx.db, GrantToken)
        # Regions are partitions: a grant token of another region's grant is not valid here.
        if g is None or g["region"] != ctx.region:
            raise err.InvalidGrantTokenException("Grant token is not valid.")
        key = db.get_key(ctx.db, g["account"], g["region"], g["key_id"])
        if key is None:  # pragma: no cover - grants die with their key
            raise err.InvalidGrantTokenException("Grant token is not valid.")
        audit.key(key["arn"])
    elif KeyId is not None and GrantId is not None:
        key = _resolve(ctx, KeyId, aliases=False, audit=audit)
        g = db.get_grant(ctx.db, key["account"], key["region"], key["key_id"], GrantId)
        if g is None:
            raise err.NotFoundException(f"Grant ID {GrantId} not found")
    else:
        raise err.ValidationException(
            "Either GrantToken, or both KeyId and GrantId, must be specified.")
    me = ctx.principal
    allowed = me == g["retiring"] or (me == g["grantee"] and "RetireGrant" in g["operations"])
    if not allowed:
        # A grant's RetireGrant operation lets its grantee retire that grant only.
        _authorize(ctx, key, "RetireGrant", grants=False)
    _dry_run(DryRun)
    db.delete_grant(ctx.db, g["account"], g["region"], g["grant_id"])
    return {}


@_operation("RevokeGrant")
def revoke_grant(ctx: Context, audit: _Audit, *, KeyId: str, GrantId: str,
                 DryRun: bool | None = None) -> dict[str, Any]:
    """Delete a grant (needs kms:RevokeGrant in the key policy)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "RevokeGrant")
    if db.get_grant(ctx.db, key["account"], key["region"], key["key_id"], GrantId) is None:
        raise err.NotFoundException(f"Grant ID {GrantId} not found")
    _dry_run(DryRun)
    db.delete_grant(ctx.db, key["account"], key["region"], GrantId)
    return {}
